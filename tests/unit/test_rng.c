/*
 * test_rng.c - counter-based random streams (src/core/rng.c).
 *
 * Known answers: Random123's kat_vectors for philox4x64 with 10 rounds
 * (ctr, key -> output), all three lines of the file:
 *   ctr 0 0 0 0, key 0 0
 *     -> 16554d9eca36314c db20fe9d672d0fdc d7e772cee186176b 7e68b68aec7ba23b
 *   ctr ff.. x4, key ff.. x2
 *     -> 87b092c3013fe90b 438c3c67be8d0224 9cc7d7c69cd777b6 a09caebf594f0ba0
 *   ctr 243f6a8885a308d3 13198a2e03707344 a4093822299f31d0 082efa98ec4e6c89,
 *   key 452821e638d01377 be5466cf34e90c6c (the digits of pi)
 *     -> a528f45403e61d95 38c72dbd566e9788 a5a1610e72fd18b5 57bd43b5e52b7fe6
 * A stream (seed, path, substream) encrypts counters (substream, i, 0, 0)
 * under key (seed, path), so stream (0, 0, 0) begins with the first line.
 *
 * Statistics: with n draws, a sample mean is within 5 standard errors of
 * its expectation except with probability 6e-7; the seeds are fixed, so
 * the tests are deterministic, and a broken generator (a wrong shift, a
 * modulo bias, a lost Box-Muller factor) moves the moments by far more.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>

#include "support/testutil.h"
#include "hashpivot/rng.h"

#define TWO_POW_M53 (1.0 / 9007199254740992.0)

static void test_known_answers(void **state)
{
	(void)state;
	struct hp_rng r;
	static const uint64_t kat0[4] = { UINT64_C(0x16554d9eca36314c), UINT64_C(0xdb20fe9d672d0fdc),
					  UINT64_C(0xd7e772cee186176b), UINT64_C(0x7e68b68aec7ba23b) };

	/* Stream (0, 0, 0): counter (0, 0, 0, 0), key (0, 0): the first KAT line. */
	hp_rng_init(&r, 0, 0, 0);
	for (int i = 0; i < 4; i++)
		assert_true(hp_rng_u64(&r) == kat0[i]);

	/* Stream (2^64-1, 2^64-1, 2^64-1) starts at counter (ff.., 0, 0, 0), not
	 * the KAT's all-ones counter; check the library call itself against the
	 * second and third KAT lines, then that the stream's second block is
	 * philox(ctr (substream, 1, 0, 0), key (seed, path)). */
	philox4x64_ctr_t c1 = { { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX } };
	philox4x64_key_t k1 = { { UINT64_MAX, UINT64_MAX } };
	philox4x64_ctr_t o1 = philox4x64(c1, k1);
	assert_true(o1.v[0] == UINT64_C(0x87b092c3013fe90b));
	assert_true(o1.v[3] == UINT64_C(0xa09caebf594f0ba0));
	philox4x64_ctr_t c2 = { { UINT64_C(0x243f6a8885a308d3), UINT64_C(0x13198a2e03707344),
				  UINT64_C(0xa4093822299f31d0), UINT64_C(0x082efa98ec4e6c89) } };
	philox4x64_key_t k2 = { { UINT64_C(0x452821e638d01377), UINT64_C(0xbe5466cf34e90c6c) } };
	philox4x64_ctr_t o2 = philox4x64(c2, k2);
	assert_true(o2.v[0] == UINT64_C(0xa528f45403e61d95));
	assert_true(o2.v[3] == UINT64_C(0x57bd43b5e52b7fe6));

	hp_rng_init(&r, 7, 11, 3);
	philox4x64_key_t k = { { 7, 11 } };
	for (uint64_t blk = 0; blk < 3; blk++) {
		philox4x64_ctr_t c = { { 3, blk, 0, 0 } };
		philox4x64_ctr_t o = philox4x64(c, k);
		for (int i = 0; i < 4; i++)
			assert_true(hp_rng_u64(&r) == o.v[i]);
	}

	/* First uniform of stream (0, 0, 0): k = 0x16554d9eca36314c >> 11
	 * = 0x2caa9b3d946c6 (< 2^52, so (k + 1/2) 2^-53 is exact). */
	hp_rng_init(&r, 0, 0, 0);
	assert_true(hp_rng_uniform(&r) ==
		    ((double)(UINT64_C(0x16554d9eca36314c) >> 11) + 0.5) * TWO_POW_M53);
	assert_true(UINT64_C(0x16554d9eca36314c) >> 11 == UINT64_C(0x2caa9b3d946c6));
}

static void test_determinism(void **state)
{
	(void)state;
	struct hp_rng a, b, c, d;
	int same_path = 0, same_sub = 0;

	hp_rng_init(&a, 42, 5, HP_RNG_PRICE);
	hp_rng_init(&b, 42, 5, HP_RNG_PRICE);
	hp_rng_init(&c, 42, 6, HP_RNG_PRICE);
	hp_rng_init(&d, 42, 5, HP_RNG_HPC);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = hp_rng_u64(&a), y = hp_rng_u64(&b);
		assert_true(x == y);
		same_path += x == hp_rng_u64(&c);
		same_sub += x == hp_rng_u64(&d);
	}
	/* 64-bit words of independent streams agree with probability 2^-64. */
	assert_int_equal(same_path, 0);
	assert_int_equal(same_sub, 0);

	/* Mixed draws replay identically, spare normal included. */
	hp_rng_init(&a, 1, 2, 3);
	hp_rng_init(&b, 1, 2, 3);
	for (int i = 0; i < 100; i++) {
		assert_true(hp_rng_normal(&a) == hp_rng_normal(&b));
		assert_true(hp_rng_poisson(&a, 45) == hp_rng_poisson(&b, 45));
		assert_true(hp_rng_below(&a, 7) == hp_rng_below(&b, 7));
		assert_true(hp_rng_uniform(&a) == hp_rng_uniform(&b));
	}
}

static void test_uniform_moments(void **state)
{
	(void)state;
	struct hp_rng r;
	const int n = 1000000;
	double sum = 0, sq = 0, lo = 1, hi = 0;

	hp_rng_init(&r, 2024, 0, 0);
	for (int i = 0; i < n; i++) {
		double u = hp_rng_uniform(&r);
		sum += u;
		sq += (u - 0.5) * (u - 0.5);
		if (u < lo)
			lo = u;
		if (u > hi)
			hi = u;
	}
	/* Mean 1/2, standard error sqrt(1/12 / n) = 2.887e-4. */
	assert_double_abs(sum / n, 0.5, 5 * sqrt(1.0 / 12 / n));
	/* Variance 1/12; Var((U - 1/2)^2) = 1/80 - 1/144 = 1/180, SE sqrt(1/180/n). */
	assert_double_abs(sq / n, 1.0 / 12, 5 * sqrt(1.0 / 180 / n));
	assert_true(lo > 0 && hi < 1);
}

static void test_normal_moments(void **state)
{
	(void)state;
	struct hp_rng r;
	const int n = 1000000;
	double s1 = 0, s2 = 0, s3 = 0, s4 = 0;

	hp_rng_init(&r, 99, 1, 0);
	for (int i = 0; i < n; i++) {
		double z = hp_rng_normal(&r);
		s1 += z;
		s2 += z * z;
		s3 += z * z * z;
		s4 += z * z * z * z;
	}
	/* Moments about 0 of N(0, 1): 0, 1, 0, 3. Standard errors of the sample
	 * means of z, z^2, z^3, z^4: sqrt(1/n), sqrt(2/n), sqrt(15/n), sqrt(96/n)
	 * (Var z^k = E z^2k - (E z^k)^2: 3 - 1, 15 - 0, 105 - 9). */
	assert_double_abs(s1 / n, 0, 5 * sqrt(1.0 / n));
	assert_double_abs(s2 / n, 1, 5 * sqrt(2.0 / n));
	assert_double_abs(s3 / n, 0, 5 * sqrt(15.0 / n));
	assert_double_abs(s4 / n, 3, 5 * sqrt(96.0 / n));
}

/* Poisson(lambda): mean lambda, variance lambda; Var of the sample variance
 * ~ (mu4 - lambda^2) / n with mu4 = lambda (1 + 3 lambda). */
static void check_poisson(double lambda, int n, uint64_t seed)
{
	struct hp_rng r;
	double sum = 0, sq = 0;
	int zeros = 0;

	hp_rng_init(&r, seed, 0, 0);
	for (int i = 0; i < n; i++) {
		double k = (double)hp_rng_poisson(&r, lambda);
		sum += k;
		sq += (k - lambda) * (k - lambda);
		zeros += k == 0;
	}
	assert_double_abs(sum / n, lambda, 5 * sqrt(lambda / n));
	assert_double_abs(sq / n, lambda, 5 * sqrt((lambda + 2 * lambda * lambda) / n));
	/* P(0) = e^-lambda, a binomial proportion. */
	double p0 = exp(-lambda);
	assert_double_abs((double)zeros / n, p0, 5 * sqrt(p0 * (1 - p0) / n) + 1e-12);
}

/*
 * Gamma(a): mean a, variance a; the sample mean of n draws is within 5
 * standard errors sqrt(a / n) and the sample variance within 5 of its own
 * standard errors (sqrt((mu4 - a^2) / n), mu4 = 3a^2 + 6a for the gamma).
 */
static void check_gamma(double a, int n, uint64_t seed)
{
	struct hp_rng r;
	double sum = 0, sum2 = 0;

	hp_rng_init(&r, seed, 0, 0);
	for (int i = 0; i < n; i++) {
		double x = hp_rng_gamma(&r, a);
		assert_true(x > 0);
		sum += x;
		sum2 += x * x;
	}
	double mean = sum / n, var = sum2 / n - mean * mean;
	assert_double_abs(mean, a, 5 * sqrt(a / n));
	assert_double_abs(var, a, 5 * sqrt((3 * a * a + 6 * a - a * a) / n));
}

static void test_gamma_exponential_beta(void **state)
{
	(void)state;
	struct hp_rng r;
	int n = 200000;

	check_gamma(0.37, n, 11);   /* shape < 1: the boost */
	check_gamma(2.385, n, 12);
	check_gamma(2015, n, 13);   /* the sum of an epoch's block intervals */

	/* Exponential: mean 1, variance 1 (fourth central moment 9). */
	double sum = 0, sum2 = 0;
	hp_rng_init(&r, 14, 0, 0);
	for (int i = 0; i < n; i++) {
		double x = hp_rng_exponential(&r);
		sum += x;
		sum2 += x * x;
	}
	assert_double_abs(sum / n, 1, 5 * sqrt(1.0 / n));
	assert_double_abs(sum2 / n - (sum / n) * (sum / n), 1, 5 * sqrt(8.0 / n));

	/* Beta(r, N - r + 1) is the r-th of N uniform order statistics: mean
	 * r / (N + 1), variance r (N - r + 1) / ((N + 1)^2 (N + 2)); r = 3,
	 * N = 10: mean 3/11, variance 24 / 1452. */
	double m = 3.0 / 11, v = 24.0 / 1452;
	sum = sum2 = 0;
	hp_rng_init(&r, 15, 0, 0);
	for (int i = 0; i < n; i++) {
		double x = hp_rng_beta(&r, 3, 8);
		assert_true(x > 0 && x < 1);
		sum += x;
		sum2 += x * x;
	}
	assert_double_abs(sum / n, m, 5 * sqrt(v / n));
	assert_double_abs(sum2 / n - (sum / n) * (sum / n), v, 5 * v * sqrt(2.0 / n) * 1.5);
	/* Degenerate shapes. */
	assert_true(hp_rng_gamma(&r, 0) == 0);
	assert_true(hp_rng_gamma(&r, NAN) == 0);
	assert_true(hp_rng_beta(&r, 0, 1) == 0);
	assert_true(hp_rng_beta(&r, 1, 0) == 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The ziggurat exponential against Exp(1), n = 10^6 draws on a fixed seed.
 * Moments: mean 1 (SE sqrt(1/n)), variance 1 (SE sqrt((mu4 - 1)/n) with
 * mu4 = 9). Tails: P(X > t) = e^-t, a binomial count within 5 of its
 * standard deviations, at t = 1, at the ziggurat's r = 7.6971 (beyond it
 * every draw comes from the tail branch) and at t = 12 (n e^-12 = 6.1
 * expected). KS: D = sup |F_n - F| with F(x) = 1 - e^-x; the limiting law
 * P(sqrt(n) D > l) = 2 sum_k (-1)^(k-1) e^(-2 k^2 l^2) gives 5.96e-7 at
 * l = 2.741 (the first term; the next is 1e-26), the probability of the 5
 * standard errors used elsewhere, so sqrt(n) D < 2.741. Tried on broken
 * samplers: accepting every wedge point gives variance 1.025, never taking
 * the tail 0.970, both far outside the 0.014 allowed (and the latter has
 * no draw above r, where 454 are expected).
 */
static void test_exponential_ziggurat(void **state)
{
	(void)state;
	struct hp_rng r;
	const size_t n = 1000000;
	const double tail_t[3] = { 1, 7.69711747013105, 12 };
	size_t tail_n[3] = { 0, 0, 0 }, i, k;
	double *x = malloc(n * sizeof(*x)), sum = 0, sum2 = 0, d = 0;

	assert_non_null(x);
	hp_rng_init(&r, 31, 4, HP_RNG_INDUSTRY);
	for (i = 0; i < n; i++) {
		x[i] = hp_rng_exponential(&r);
		assert_true(x[i] > 0 && x[i] < 46);
		sum += x[i];
		sum2 += x[i] * x[i];
		for (k = 0; k < 3; k++)
			tail_n[k] += x[i] > tail_t[k];
	}
	double mean = sum / (double)n, var = sum2 / (double)n - mean * mean;
	assert_double_abs(mean, 1, 5 * sqrt(1.0 / (double)n));
	assert_double_abs(var, 1, 5 * sqrt(8.0 / (double)n));
	for (k = 0; k < 3; k++) {
		double p = exp(-tail_t[k]);
		assert_double_abs((double)tail_n[k], (double)n * p, 5 * sqrt((double)n * p * (1 - p)));
	}
	qsort(x, n, sizeof(*x), cmp_double);
	for (i = 0; i < n; i++) {
		double f = -expm1(-x[i]);
		double above = (double)(i + 1) / (double)n - f, below = f - (double)i / (double)n;

		if (above > d)
			d = above;
		if (below > d)
			d = below;
	}
	assert_true(sqrt((double)n) * d < 2.741);

	/* hp_rng_exponential_n is the same draws as one call each, and leaves
	 * the stream where they would (odd counts straddle Philox blocks) */
	struct hp_rng a, b;
	double y[37];

	hp_rng_init(&a, 31, 5, HP_RNG_INDUSTRY);
	hp_rng_init(&b, 31, 5, HP_RNG_INDUSTRY);
	for (k = 0; k < 1000; k++) {
		size_t m = 1 + k % 37;

		hp_rng_exponential_n(&a, y, m);
		for (i = 0; i < m; i++)
			assert_true(y[i] == hp_rng_exponential(&b));
	}
	assert_true(hp_rng_u64(&a) == hp_rng_u64(&b));
	free(x);
}

static void test_poisson(void **state)
{
	(void)state;
	struct hp_rng r;

	check_poisson(0.5, 200000, 1); /* Knuth */
	check_poisson(7, 200000, 2);   /* Knuth */
	check_poisson(45, 200000, 3);  /* PTRS */
	check_poisson(1000, 200000, 4); /* PTRS */

	/* PTRS's pmf at lambda = 45 against the exact one at the mode and in
	 * both tails: P(45) = e^-45 45^45 / 45! = 0.05936, P(<= 30) = 0.01160,
	 * P(>= 60) = 0.01865 (summed from the pmf below). */
	double pmf[200], p = exp(-45.0);
	for (int k = 0; k < 200; k++) {
		pmf[k] = p;
		p *= 45.0 / (k + 1);
	}
	double p_le30 = 0, p_ge60 = 0;
	for (int k = 0; k <= 30; k++)
		p_le30 += pmf[k];
	for (int k = 60; k < 200; k++)
		p_ge60 += pmf[k];
	const int n = 200000;
	int at45 = 0, le30 = 0, ge60 = 0;
	hp_rng_init(&r, 5, 0, 0);
	for (int i = 0; i < n; i++) {
		uint64_t k = hp_rng_poisson(&r, 45);
		at45 += k == 45;
		le30 += k <= 30;
		ge60 += k >= 60;
	}
	assert_double_abs((double)at45 / n, pmf[45], 5 * sqrt(pmf[45] / n));
	assert_double_abs((double)le30 / n, p_le30, 5 * sqrt(p_le30 / n));
	assert_double_abs((double)ge60 / n, p_ge60, 5 * sqrt(p_ge60 / n));

	/* No draw for a zero, negative or non-finite mean. */
	hp_rng_init(&r, 5, 0, 0);
	assert_true(hp_rng_poisson(&r, 0) == 0);
	assert_true(hp_rng_poisson(&r, -1) == 0);
	assert_true(hp_rng_poisson(&r, NAN) == 0);
	assert_true(hp_rng_poisson(&r, INFINITY) == 0);
	struct hp_rng fresh;
	hp_rng_init(&fresh, 5, 0, 0);
	assert_true(hp_rng_u64(&r) == hp_rng_u64(&fresh));
	/* A huge mean: the normal approximation, within 6 sigma. */
	double big = (double)hp_rng_poisson(&r, 1e15);
	assert_double_abs(big, 1e15, 6 * sqrt(1e15));
}

static void test_below(void **state)
{
	(void)state;
	struct hp_rng r;
	uint64_t count[6] = { 0 };
	const int n = 600000;

	hp_rng_init(&r, 8, 0, 0);
	assert_true(hp_rng_below(&r, 0) == 0);
	assert_true(hp_rng_below(&r, 1) == 0);
	for (int i = 0; i < n; i++) {
		uint64_t k = hp_rng_below(&r, 6);
		assert_true(k < 6);
		count[k]++;
	}
	/* Chi-square with 5 degrees of freedom: P(X > 30) = 1.5e-5. */
	double chi2 = 0, e = n / 6.0;
	for (int k = 0; k < 6; k++)
		chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
	assert_true(chi2 < 30);

	/* n = 0xaaaa...aaaa (about 2/3 of 2^64): a modulo reduction would put
	 * two thirds of the draws below n/2; unbiased rejection puts half. */
	uint64_t big = UINT64_C(0xaaaaaaaaaaaaaaaa);
	int below_half = 0;
	const int m = 100000;
	for (int i = 0; i < m; i++) {
		uint64_t k = hp_rng_below(&r, big);
		assert_true(k < big);
		below_half += k < big / 2;
	}
	assert_double_abs((double)below_half / m, 0.5, 5 * sqrt(0.25 / m));

	/* Bounds at the top of the range: n = 2^64 - 1 and 2^63 + 1. */
	for (int i = 0; i < 1000; i++) {
		assert_true(hp_rng_below(&r, UINT64_MAX) < UINT64_MAX);
		assert_true(hp_rng_below(&r, (UINT64_C(1) << 63) + 1) <= UINT64_C(1) << 63);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_uniform_moments),
		cmocka_unit_test(test_normal_moments),
		cmocka_unit_test(test_poisson),
		cmocka_unit_test(test_gamma_exponential_beta),
		cmocka_unit_test(test_exponential_ziggurat),
		cmocka_unit_test(test_below),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
