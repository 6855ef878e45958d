/*
 * test_stats.c - mergeable Monte Carlo summaries (src/core/stats.c).
 *
 * Quantiles are checked against exact order statistics of fixed-seed
 * samples (sorted copies): the bound |estimate - x_(k)| <= alpha |x_(k)|,
 * k = floor(q (n - 1)), is a theorem (docs/model.md "Monte Carlo
 * summaries"), so it is asserted for every quantile, not statistically.
 * The check `fabs(est - x) <= alpha * fabs(x)` is itself exact enough: the
 * subtraction is exact (Sterbenz: est / x in [1/2, 2]) and the product
 * loses at most 2^-53 alpha |x|, less than the 2^-51 |x| the bins keep in
 * hand. Merges are checked for bitwise equality. Hand values of the means
 * were computed with Python's fractions.Fraction (exact), as noted.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/rng.h"
#include "hashpivot/stats.h"

static const double percentiles[] = {0, 0.05, 0.25, 0.5, 0.75, 0.95, 1};
#define NPCT (sizeof(percentiles) / sizeof(percentiles[0]))

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static struct hp_stats *make(size_t nseries, size_t ndays, double alpha, double reference,
			     bool integer)
{
	struct hp_stats_series ser[8];
	struct hp_stats *s = NULL;
	struct hp_error err;

	assert_true(nseries <= 8);
	for (size_t i = 0; i < nseries; i++) {
		ser[i].reference = reference * (double)(i + 1);
		ser[i].integer = integer;
	}
	assert_int_equal(hp_stats_new(nseries, ndays, alpha, ser, &s, &err), HP_OK);
	assert_non_null(s);
	return s;
}

static bool same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* x_(floor(q (n - 1))) of sorted x[0..n) */
static double order_stat(const double *sorted, size_t n, double q)
{
	return sorted[(size_t)floor(q * (double)(n - 1))];
}

/* Every percentile 0..100 of cell (0, 0) within alpha of the order statistic;
 * returns the largest relative error seen. */
static double check_quantiles(const struct hp_stats *s, size_t series, size_t day, double *x,
			      size_t n, double alpha)
{
	double worst = 0;

	qsort(x, n, sizeof(*x), cmp_double);
	for (int p = 0; p <= 100; p++) {
		double q = p / 100.0, est = hp_stats_quantile(s, series, day, q);
		double want = order_stat(x, n, q);
		if (want == 0) {
			assert_true(est == 0);
			continue;
		}
		if (!(fabs(est - want) <= alpha * fabs(want)))
			fail_msg("q %.2f: estimate %.17g, x_(k) %.17g, alpha %g", q, est, want,
				 alpha);
		if (fabs(est - want) / fabs(want) > worst)
			worst = fabs(est - want) / fabs(want);
	}
	for (size_t i = 0; i < NPCT; i++) {
		double q = percentiles[i], est = hp_stats_quantile(s, series, day, q);
		double want = order_stat(x, n, q);
		assert_true(fabs(est - want) <= alpha * fabs(want));
	}
	/* the extremes are exact */
	assert_true(hp_stats_quantile(s, series, day, 0) == x[0]);
	assert_true(hp_stats_quantile(s, series, day, 1) == x[n - 1]);
	assert_true(hp_stats_min(s, series, day) == x[0]);
	assert_true(hp_stats_max(s, series, day) == x[n - 1]);
	return worst;
}

/* ------------------------------------------------------------------ */
/* quantiles                                                            */
/* ------------------------------------------------------------------ */

static void test_quantile_lognormal(void **state)
{
	(void)state;
	/* 100,000 lognormal draws, median e^11.5 ~ 98,700 (a BTC price),
	 * sigma 1.2 (five years at 60 %/yr is 1.34): they span ~14 octaves */
	static const double alphas[] = {0.1, 0.05, 0.01, 0.002, 1e-4, 1e-6};
	const size_t n = 100000;
	double *x = malloc(n * sizeof(*x));

	assert_non_null(x);
	for (size_t a = 0; a < sizeof(alphas) / sizeof(alphas[0]); a++) {
		struct hp_stats *s = make(1, 1, alphas[a], 1e5, false);
		struct hp_rng r;
		double worst;

		hp_rng_init(&r, 20240601, a, HP_RNG_INDUSTRY);
		for (size_t i = 0; i < n; i++) {
			x[i] = exp(11.5 + 1.2 * hp_rng_normal(&r));
			assert_true(hp_stats_add(s, 0, 0, x[i]));
		}
		assert_true(hp_stats_count(s, 0, 0) == n);
		assert_true(hp_stats_rejected(s, 0, 0) == 0);
		worst = check_quantiles(s, 0, 0, x, n, alphas[a]);
		/* the bins are as wide as alpha allows (not needlessly fine): with 99
		 * interior percentiles landing anywhere in their bins, the worst error
		 * is above alpha / 2 unless all 99 fall in the inner half (2^-99) */
		assert_true(worst > alphas[a] / 2);
		hp_stats_free(s);
	}
	free(x);
}

static void test_quantile_mixed_signs(void **state)
{
	(void)state;
	/* negatives, exact zeros (+0 and -0) and positives over 9 decades */
	const size_t n = 60000;
	double *x = malloc(n * sizeof(*x));
	struct hp_stats *s = make(1, 2, 0.01, 1, false);
	struct hp_rng r;
	size_t zeros = 0, neg = 0;

	assert_non_null(x);
	hp_rng_init(&r, 77, 0, HP_RNG_INDUSTRY);
	for (size_t i = 0; i < n; i++) {
		double u = hp_rng_uniform(&r);
		if (u < 0.2) {
			x[i] = (i & 1) ? -0.0 : 0.0;
			zeros++;
		} else if (u < 0.55) {
			x[i] = -exp(4 * hp_rng_normal(&r));
			neg++;
		} else {
			x[i] = 3.7 * exp(5 * hp_rng_normal(&r));
		}
		assert_true(hp_stats_add(s, 0, 1, x[i]));
	}
	assert_true(hp_stats_count(s, 0, 1) == n);
	check_quantiles(s, 0, 1, x, n, 0.01);
	/* ranks inside the zeros give exactly +0 */
	{
		double q = ((double)neg + (double)zeros / 2) / (double)(n - 1);
		double z = hp_stats_quantile(s, 0, 1, q);
		assert_true(same_double(z, 0.0));
	}
	/* the other cell of the series is untouched */
	assert_true(hp_stats_count(s, 0, 0) == 0);
	assert_true(isnan(hp_stats_quantile(s, 0, 0, 0.5)));
	assert_true(isnan(hp_stats_mean(s, 0, 0)));
	assert_true(isnan(hp_stats_min(s, 0, 0)));
	assert_true(isnan(hp_stats_max(s, 0, 0)));
	/* q outside [0, 1] */
	assert_true(isnan(hp_stats_quantile(s, 0, 1, -0.01)));
	assert_true(isnan(hp_stats_quantile(s, 0, 1, 1.01)));
	assert_true(isnan(hp_stats_quantile(s, 0, 1, NAN)));
	hp_stats_free(s);
	free(x);
}

static void test_quantile_integer(void **state)
{
	(void)state;
	/* alpha 0.01: every estimate is within 0.01 x < 0.5 of an integer x <= 40,
	 * so rounding returns x itself */
	struct hp_stats *s = make(1, 41, 0.01, 10, true);
	struct hp_stats *f = make(1, 1, 0.01, 10, false);
	const size_t n = 50000;
	double *x = malloc(n * sizeof(*x));
	struct hp_rng r;
	bool some_inexact = false;

	assert_non_null(x);
	/* day v holds v three times, then 0..40 each once */
	for (int v = 0; v <= 40; v++) {
		for (int i = 0; i < 3; i++)
			assert_true(hp_stats_add(s, 0, (size_t)v, v));
		for (int w = 0; w <= 40; w++)
			assert_true(hp_stats_add(s, 0, (size_t)v, w));
	}
	for (int v = 0; v <= 40; v++) {
		/* 44 values: 0..40 with v four times; the median rank 21 */
		for (int p = 0; p <= 100; p++) {
			double q = p / 100.0;
			size_t k = (size_t)floor(q * 43);
			/* sorted: 0..v-1, v x4, v+1..40 */
			double want = (double)(k < (size_t)v	   ? k
					       : k < (size_t)v + 4 ? (size_t)v
								   : k - 3);
			assert_true(hp_stats_quantile(s, 0, (size_t)v, q) == want);
		}
	}
	hp_stats_free(s);

	/* Poisson(15) counts (all <= 40 here): every percentile exact, where the
	 * same data in a non-integer series gives bin centres */
	s = make(1, 1, 0.01, 10, true);
	hp_rng_init(&r, 15, 0, HP_RNG_INDUSTRY);
	for (size_t i = 0; i < n; i++) {
		x[i] = (double)hp_rng_poisson(&r, 15);
		assert_true(x[i] <= 40);
		assert_true(hp_stats_add(s, 0, 0, x[i]));
		assert_true(hp_stats_add(f, 0, 0, x[i]));
	}
	qsort(x, n, sizeof(*x), cmp_double);
	for (int p = 0; p <= 100; p++) {
		double q = p / 100.0, want = order_stat(x, n, q);
		assert_true(hp_stats_quantile(s, 0, 0, q) == want);
		some_inexact |= hp_stats_quantile(f, 0, 0, q) != want;
	}
	assert_true(some_inexact);
	hp_stats_free(s);
	hp_stats_free(f);
	free(x);
}

static void test_quantile_extremes(void **state)
{
	(void)state;
	struct hp_stats *s = make(1, 3, 0.05, 1, false);

	/* one value: every quantile is the value */
	assert_true(hp_stats_add(s, 0, 0, 2.385));
	assert_true(hp_stats_quantile(s, 0, 0, 0) == 2.385);
	assert_true(hp_stats_quantile(s, 0, 0, 0.5) == 2.385);
	assert_true(hp_stats_quantile(s, 0, 0, 1) == 2.385);
	/* subnormals and huge values: within alpha */
	assert_true(hp_stats_add(s, 0, 1, 0x1p-1070));
	assert_true(hp_stats_add(s, 0, 1, 3 * 0x1p-1060));
	assert_true(hp_stats_add(s, 0, 1, 5 * 0x1p-1060));
	assert_true(hp_stats_add(s, 0, 1, 1.0));
	assert_true(hp_stats_quantile(s, 0, 1, 0) == 0x1p-1070);
	{
		/* rank floor(0.5 * 3) = 1: 3 * 2^-1060, subnormal: the bound plus
		 * the subnormal rounding (2^-1075) */
		double e = hp_stats_quantile(s, 0, 1, 0.5);
		assert_true(fabs(e - 3 * 0x1p-1060) <= 0.05 * 3 * 0x1p-1060 + 0x1p-1074);
		e = hp_stats_quantile(s, 0, 1, 0.7); /* rank 2 */
		assert_true(fabs(e - 5 * 0x1p-1060) <= 0.05 * 5 * 0x1p-1060 + 0x1p-1074);
	}
	hp_stats_free(s);
	/* reference 1e300 (floor(log2) = 996, unit 2^932): the limit 2^1058 is
	 * past DBL_MAX, so every finite value is taken; these are multiples of
	 * the unit, so the mean is exactly 1e307 / 3 rounded once */
	s = make(1, 1, 0.05, 1e300, false);
	assert_true(hp_stats_add(s, 0, 0, 1.7976931348623157e308));
	assert_true(hp_stats_add(s, 0, 0, -1.7976931348623157e308));
	assert_true(hp_stats_add(s, 0, 0, 1e307));
	assert_true(hp_stats_mean(s, 0, 0) == 1e307 / 3);
	assert_true(fabs(hp_stats_quantile(s, 0, 0, 0.5) - 1e307) <= 0.05 * 1e307);
	hp_stats_free(s);
}

/* ------------------------------------------------------------------ */
/* merging                                                              */
/* ------------------------------------------------------------------ */

#define MS 2
#define MD 3
#define MN 6000

/* value i of cell (series, day): lognormal, some negatives, zeros, NaNs */
static double merge_value(struct hp_rng *r, size_t i)
{
	double u = hp_rng_uniform(r), z = hp_rng_normal(r);

	if (i % 97 == 5)
		return NAN;
	if (u < 0.1)
		return 0;
	if (u < 0.3)
		return -exp(2 + z);
	return exp(9 + 0.8 * z);
}

static double mvals[MS][MD][MN];

static void fill_values(void)
{
	struct hp_rng r;

	hp_rng_init(&r, 99, 1, HP_RNG_INDUSTRY);
	for (size_t s = 0; s < MS; s++)
		for (size_t d = 0; d < MD; d++)
			for (size_t i = 0; i < MN; i++)
				mvals[s][d][i] = merge_value(&r, i);
}

/* Part `part` of `nparts`: round robin (mode 0), blocks (1); added in
 * reverse order when `reverse`. */
static struct hp_stats *make_part(int nparts, int part, int mode, bool reverse)
{
	struct hp_stats *s = make(MS, MD, 0.01, 1000, false);

	for (size_t j = 0; j < MN; j++) {
		size_t i = reverse ? MN - 1 - j : j;
		int owner = mode == 0 ? (int)(i % (size_t)nparts) : (int)(i * (size_t)nparts / MN);
		if (owner != part)
			continue;
		for (size_t se = 0; se < MS; se++)
			for (size_t d = 0; d < MD; d++)
				hp_stats_add(s, se, d, mvals[se][d][i]);
	}
	return s;
}

static void assert_same_summary(const struct hp_stats *a, const struct hp_stats *b)
{
	unsigned char *ba, *bb;
	size_t la, lb;

	for (size_t s = 0; s < MS; s++)
		for (size_t d = 0; d < MD; d++) {
			assert_true(hp_stats_count(a, s, d) == hp_stats_count(b, s, d));
			assert_true(hp_stats_rejected(a, s, d) == hp_stats_rejected(b, s, d));
			assert_true(same_double(hp_stats_mean(a, s, d), hp_stats_mean(b, s, d)));
			assert_true(same_double(hp_stats_min(a, s, d), hp_stats_min(b, s, d)));
			assert_true(same_double(hp_stats_max(a, s, d), hp_stats_max(b, s, d)));
			for (int p = 0; p <= 1000; p++)
				assert_true(same_double(hp_stats_quantile(a, s, d, p / 1000.0),
							hp_stats_quantile(b, s, d, p / 1000.0)));
		}
	/* the serialized form is canonical: equal summaries, equal bytes */
	assert_int_equal(hp_stats_serialize(a, &ba, &la, NULL), HP_OK);
	assert_int_equal(hp_stats_serialize(b, &bb, &lb, NULL), HP_OK);
	assert_true(la == lb);
	assert_memory_equal(ba, bb, la);
	hp_free(ba);
	hp_free(bb);
}

static void test_merge_exact(void **state)
{
	(void)state;
	static const int splits[] = {1, 2, 3, 7};
	struct hp_stats *whole;
	struct hp_error err;

	fill_values();
	whole = make_part(1, 0, 0, false);
	/* 6000 values a cell, every 97th (62) NaN */
	assert_true(hp_stats_count(whole, 1, 2) + hp_stats_rejected(whole, 1, 2) == MN);
	assert_true(hp_stats_rejected(whole, 1, 2) == 62);

	for (size_t si = 0; si < sizeof(splits) / sizeof(splits[0]); si++) {
		int np = splits[si];
		for (int mode = 0; mode < 2; mode++) {
			struct hp_stats *part[7], *left, *right, *ser;
			for (int p = 0; p < np; p++)
				part[p] = make_part(np, p, mode, (p + mode) % 2 == 1);

			/* left fold: ((0 + 1) + 2) + ... into an empty summary */
			left = make(MS, MD, 0.01, 1000, false);
			for (int p = 0; p < np; p++)
				assert_int_equal(hp_stats_merge(left, part[p], &err), HP_OK);
			assert_same_summary(whole, left);

			/* right fold: last + (... + (1 + 0)), into the parts themselves */
			for (int p = np - 1; p > 0; p--)
				assert_int_equal(hp_stats_merge(part[p - 1], part[p], &err), HP_OK);
			right = part[0];
			assert_same_summary(whole, right);

			/* through bytes, as MPI ranks would: each part serialized and merged */
			ser = make(MS, MD, 0.01, 1000, false);
			for (int p = np - 1; p >= 0; p--) {
				struct hp_stats *again = make_part(np, p, mode, false);
				unsigned char *buf;
				size_t len;
				assert_int_equal(hp_stats_serialize(again, &buf, &len, &err),
						 HP_OK);
				assert_int_equal(hp_stats_merge_serialized(ser, buf, len, &err),
						 HP_OK);
				hp_free(buf);
				hp_stats_free(again);
			}
			assert_same_summary(whole, ser);

			for (int p = 0; p < np; p++)
				hp_stats_free(part[p]);
			hp_stats_free(left);
			hp_stats_free(ser);
		}
	}
	/* whole + whole counts everything twice: sum and count double, so the
	 * mean is the same rational number, rounded the same way */
	{
		struct hp_stats *twice = make_part(1, 0, 1, true);
		assert_int_equal(hp_stats_merge(twice, whole, &err), HP_OK);
		assert_true(hp_stats_count(twice, 0, 0) == 2 * hp_stats_count(whole, 0, 0));
		assert_true(hp_stats_mean(twice, 0, 0) == hp_stats_mean(whole, 0, 0));
		assert_true(hp_stats_min(twice, 1, 1) == hp_stats_min(whole, 1, 1));
		hp_stats_free(twice);
	}
	hp_stats_free(whole);
}

/* Counts past 2^32 - 1 in one bin switch that window to 64-bit counts. */
static void test_merge_wide_counts(void **state)
{
	(void)state;
	struct hp_stats *acc = make(1, 1, 0.02, 1, false), *pow2 = make(1, 1, 0.02, 1, false);
	struct hp_error err;
	unsigned char *buf;
	size_t len;

	/* acc = sum of 2^k for k < 32 = 2^32 - 1 copies of 2.385, by merges */
	assert_true(hp_stats_add(pow2, 0, 0, 2.385));
	for (int k = 0; k < 32; k++) {
		struct hp_stats *copy = make(1, 1, 0.02, 1, false);
		assert_int_equal(hp_stats_merge(acc, pow2, &err), HP_OK);
		assert_int_equal(hp_stats_merge(copy, pow2, &err), HP_OK);
		assert_int_equal(hp_stats_merge(pow2, copy, &err), HP_OK);
		hp_stats_free(copy);
	}
	assert_true(hp_stats_count(acc, 0, 0) == UINT64_C(4294967295));
	assert_true(hp_stats_count(pow2, 0, 0) == UINT64_C(4294967296));
	/* the bin holds 2^32 - 1 in 32 bits; one more add must widen it, which
	 * needs memory: refused first, then done */
	hp_alloc_fail_after(0);
	assert_false(hp_stats_add(acc, 0, 0, 2.385));
	hp_alloc_fail_after(-1);
	assert_int_equal(hp_stats_status(acc), HP_ENOMEM);
	assert_true(hp_stats_count(acc, 0, 0) == UINT64_C(4294967295));
	assert_true(hp_stats_rejected(acc, 0, 0) == 1);
	assert_true(hp_stats_add(acc, 0, 0, 2.385));
	assert_true(hp_stats_count(acc, 0, 0) == UINT64_C(4294967296));
	assert_true(hp_stats_quantile(acc, 0, 0, 0.5) == 2.385);
	assert_true(hp_stats_mean(acc, 0, 0) == 2.385); /* 2.385 is a multiple of 2^-64 */
	/* 2^33 through bytes */
	assert_int_equal(hp_stats_serialize(pow2, &buf, &len, &err), HP_OK);
	assert_int_equal(hp_stats_merge_serialized(acc, buf, len, &err), HP_OK);
	assert_true(hp_stats_count(acc, 0, 0) == UINT64_C(8589934592));
	assert_true(hp_stats_quantile(acc, 0, 0, 0.9) == 2.385);
	hp_free(buf);
	/* the incomplete flag travels with the bytes */
	{
		struct hp_stats *fresh = make(1, 1, 0.02, 1, false);
		assert_int_equal(hp_stats_serialize(acc, &buf, &len, &err), HP_OK);
		assert_int_equal(hp_stats_merge_serialized(fresh, buf, len, &err), HP_OK);
		assert_int_equal(hp_stats_status(fresh), HP_ENOMEM);
		assert_true(hp_stats_count(fresh, 0, 0) == UINT64_C(8589934592));
		hp_free(buf);
		hp_stats_free(fresh);
	}
	hp_stats_free(acc);
	hp_stats_free(pow2);
}

/*
 * hp_stats_add_n is n calls of hp_stats_add: the same summary byte for
 * byte and the same rejections, over values that take every path of the
 * single add (positive, negative, +-0, subnormal, NaN, +-inf, beyond the
 * fixed-point range, windows that must grow on either side), added in
 * chunks of 1 to 128; then a count at 2^32 - 1 that the batch must widen.
 */
static void test_add_n(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct hp_stats *a = make(MS, MD, 0.01, 2.385, false), *b = make(MS, MD, 0.01, 2.385, false);
	struct hp_rng r;
	static double x[N];
	size_t rejected_a = 0, rejected_b = 0, i, chunk;

	hp_rng_init(&r, 77, 0, 0);
	for (i = 0; i < N; i++) {
		double z = hp_rng_normal(&r);

		switch (hp_rng_below(&r, 16)) {
		case 0: x[i] = 0; break;
		case 1: x[i] = -0.0; break;
		case 2: x[i] = 4.9e-324 * (double)(1 + hp_rng_below(&r, 1000)); break;
		case 3: x[i] = hp_rng_below(&r, 2) ? NAN : (z > 0 ? INFINITY : -INFINITY); break;
		case 4: x[i] = z * 1e30; break; /* beyond 2^62 x 2.385: rejected */
		case 5: x[i] = -2.385 * exp(3 * z); break;
		default: x[i] = 2.385 * exp((double)i / N * 40 - 20 + z); break; /* widening */
		}
	}
	for (size_t cell = 0; cell < 6; cell++) {
		size_t se = cell % 2, d = cell / 2;

		for (i = 0; i < N; i++)
			rejected_a += !hp_stats_add(a, se, d, x[i]);
		for (i = 0, chunk = 1 + cell; i < N; i += chunk, chunk = chunk % 128 + 1)
			rejected_b += hp_stats_add_n(b, se, d, x + i, i + chunk <= N ? chunk : N - i);
	}
	assert_true(rejected_a > 1000);
	assert_true(rejected_a == rejected_b);
	assert_same_summary(a, b);
	hp_stats_free(a);
	hp_stats_free(b);

	/* 2^32 - 1 copies of 2.385 by merges (as test_merge_wide_counts), then
	 * three more through the batch: the bin widens to 64 bits (MS x MD
	 * cells for assert_same_summary; only cell (0, 0) is used) */
	struct hp_stats *one = make(MS, MD, 0.02, 1, false);
	const double three[3] = { 2.385, 2.385, -7.5 };

	a = make(MS, MD, 0.02, 1, false);
	b = make(MS, MD, 0.02, 1, false);
	assert_true(hp_stats_add(one, 0, 0, 2.385));
	for (int k = 0; k < 32; k++) {
		struct hp_stats *copy = make(MS, MD, 0.02, 1, false);
		assert_int_equal(hp_stats_merge(a, one, NULL), HP_OK);
		assert_int_equal(hp_stats_merge(b, one, NULL), HP_OK);
		assert_int_equal(hp_stats_merge(copy, one, NULL), HP_OK);
		assert_int_equal(hp_stats_merge(one, copy, NULL), HP_OK);
		hp_stats_free(copy);
	}
	for (i = 0; i < 3; i++)
		assert_true(hp_stats_add(a, 0, 0, three[i]));
	assert_true(hp_stats_add_n(b, 0, 0, three, 3) == 0);
	assert_true(hp_stats_count(b, 0, 0) == UINT64_C(4294967298));
	assert_same_summary(a, b);
	hp_stats_free(a);
	hp_stats_free(b);
	hp_stats_free(one);
}

/* ------------------------------------------------------------------ */
/* means                                                                */
/* ------------------------------------------------------------------ */

static void test_mean_hand(void **state)
{
	(void)state;
	struct hp_stats *s = make(1, 6, 0.01, 1, false);
	struct hp_stats *big = make(1, 1, 0.01, 0x1p40, false);
	struct hp_stats *tie = make(1, 3, 0.01, 0x1p60, false);

	/* Reference 1: unit 2^-64. The doubles 0.1, 0.2, 0.3 have their last bits
	 * at 2^-56, 2^-55, 2^-54, so they are exact in the unit:
	 * 0.1 = 1844674407370955264 units, 0.2 = 3689348814741910528,
	 * 0.3 = 5534023222112865280; the exact sum is
	 * 21617278211378381 / 2^55 and the mean 21617278211378381 / (3 2^55)
	 * = 3602879701896396.83 / 2^54, which rounds to 3602879701896397 / 2^54,
	 * the double 0.2 (0x1.999999999999ap-3). Naively in double,
	 * (0.1 + 0.2 + 0.3) / 3 = 0.20000000000000004. */
	assert_true(hp_stats_add(s, 0, 0, 0.1));
	assert_true(hp_stats_add(s, 0, 0, 0.2));
	assert_true(hp_stats_add(s, 0, 0, 0.3));
	assert_true(hp_stats_mean(s, 0, 0) == 0.2);
	assert_true(hp_stats_mean(s, 0, 0) != (0.1 + 0.2 + 0.3) / 3);
	/* 1, 1, 2: 4/3 correctly rounded, 1.3333333333333333 */
	assert_true(hp_stats_add(s, 0, 1, 1));
	assert_true(hp_stats_add(s, 0, 1, 1));
	assert_true(hp_stats_add(s, 0, 1, 2));
	assert_true(hp_stats_mean(s, 0, 1) == 4.0 / 3.0);
	/* signs: -0.1, -0.2, -0.3 give -0.2; -2.5, 2.5 give +0 */
	assert_true(hp_stats_add(s, 0, 2, -0.1));
	assert_true(hp_stats_add(s, 0, 2, -0.2));
	assert_true(hp_stats_add(s, 0, 2, -0.3));
	assert_true(hp_stats_mean(s, 0, 2) == -0.2);
	assert_true(hp_stats_add(s, 0, 3, -2.5));
	assert_true(hp_stats_add(s, 0, 3, 2.5));
	assert_true(same_double(hp_stats_mean(s, 0, 3), 0.0));
	/* zeros count: 0, 0, 0, 3 -> 0.75 */
	for (int i = 0; i < 3; i++)
		assert_true(hp_stats_add(s, 0, 4, 0));
	assert_true(hp_stats_add(s, 0, 4, 3));
	assert_true(hp_stats_mean(s, 0, 4) == 0.75);

	/* Reference 2^40: unit 2^-24; 0.1, 0.2, 0.3 round to 1677722
	 * (1677721.6), 3355443 (3355443.2), 5033165 (5033164.8) units, sum
	 * 10066330, mean 10066330 / 3 / 2^24 = 0.20000000794728598
	 * (0x1.99999aaaaaaabp-3, Python Fraction). */
	assert_true(hp_stats_add(big, 0, 0, 0.1));
	assert_true(hp_stats_add(big, 0, 0, 0.2));
	assert_true(hp_stats_add(big, 0, 0, 0.3));
	assert_true(hp_stats_mean(big, 0, 0) == 0x1.99999aaaaaaabp-3);
	assert_true(hp_stats_mean(big, 0, 0) == 0.20000000794728598);

	/* Reference 2^60: unit 2^-4 = 0.0625; halves go away from zero:
	 * 2^-5 -> 1 unit, -2^-5 -> -1 unit, 3 * 2^-5 (1.5 units) -> 2 units,
	 * 2^-6 (a quarter) -> 0 */
	assert_true(hp_stats_add(tie, 0, 0, 0x1p-5));
	assert_true(hp_stats_mean(tie, 0, 0) == 0.0625);
	assert_true(hp_stats_add(tie, 0, 1, -0x1p-5));
	assert_true(hp_stats_add(tie, 0, 1, 3 * 0x1p-5));
	assert_true(hp_stats_add(tie, 0, 1, 0x1p-6));
	/* (-1 + 2 + 0) / 3 units = 0.0625 / 3 = 0.020833333333333332 */
	assert_true(hp_stats_mean(tie, 0, 1) == 0.0625 / 3);
	/* min and max stay exact whatever the rounding of the sum */
	assert_true(hp_stats_min(tie, 0, 1) == -0x1p-5);
	assert_true(hp_stats_max(tie, 0, 1) == 3 * 0x1p-5);
	hp_stats_free(s);
	hp_stats_free(big);
	hp_stats_free(tie);
}

static void test_mean_random(void **state)
{
	(void)state;
	/* 200,000 values uniform in (-ref, ref) plus a small drift, reference
	 * 87,654.32: the mean is ~0.001 ref, so its own double rounding is
	 * ~2^-63 ref and a bound of 2^-60 ref tests the fixed-point sum (error
	 * <= 2^-65 ref a value). The comparison is a Neumaier-compensated long
	 * double sum (64-bit significand: error ~2^-63 |sum| / n). A plain
	 * double sum misses by ~sqrt(n) 2^-53 ref = 2^-44 ref. */
	const double ref = 87654.32;
	const size_t n = 200000;
	struct hp_stats *s = make(1, 1, 0.01, ref, false);
	struct hp_rng r;
	long double sum = 0, comp = 0;
	double naive = 0, want, got;

	hp_rng_init(&r, 31337, 0, HP_RNG_INDUSTRY);
	for (size_t i = 0; i < n; i++) {
		double x = ref * (2 * hp_rng_uniform(&r) - 1) + 0.001 * ref;
		long double t = sum + x;
		if (fabsl(sum) >= fabsl((long double)x))
			comp += (sum - t) + x;
		else
			comp += (x - t) + sum;
		sum = t;
		naive += x;
		assert_true(hp_stats_add(s, 0, 0, x));
	}
	want = (double)((sum + comp) / (long double)n);
	got = hp_stats_mean(s, 0, 0);
	assert_true(fabs(got - want) <= 0x1p-60 * ref);
	assert_true(fabs(want) < 0.01 * ref);
	/* the test would catch a plain double sum */
	assert_true(fabs(naive / (double)n - want) > 0x1p-60 * ref);
	hp_stats_free(s);
}

/* ------------------------------------------------------------------ */
/* rejections                                                           */
/* ------------------------------------------------------------------ */

static void test_rejections(void **state)
{
	(void)state;
	/* reference 1: |x| >= 2^62 is refused; reference 3 (floor log2 = 1): 2^63 */
	struct hp_stats *s = make(2, 1, 0.01, 1, false); /* series 1: reference 2 */
	struct hp_stats_series ser[1] = {{3, false}};
	struct hp_stats *t = NULL;

	assert_false(hp_stats_add(s, 0, 0, NAN));
	assert_false(hp_stats_add(s, 0, 0, -NAN));
	assert_false(hp_stats_add(s, 0, 0, INFINITY));
	assert_false(hp_stats_add(s, 0, 0, -INFINITY));
	assert_false(hp_stats_add(s, 0, 0, 0x1p62));
	assert_false(hp_stats_add(s, 0, 0, -0x1p62));
	assert_false(hp_stats_add(s, 0, 0, 1e300));
	assert_true(hp_stats_add(s, 0, 0, nextafter(0x1p62, 0)));
	assert_true(hp_stats_add(s, 0, 0, -nextafter(0x1p62, 0)));
	assert_true(hp_stats_add(s, 0, 0, 1.5));
	assert_true(hp_stats_rejected(s, 0, 0) == 7);
	assert_true(hp_stats_count(s, 0, 0) == 3);
	assert_true(hp_stats_mean(s, 0, 0) == 0.5);
	assert_true(hp_stats_min(s, 0, 0) == -nextafter(0x1p62, 0));
	assert_true(hp_stats_max(s, 0, 0) == nextafter(0x1p62, 0));
	/* reference 2 (series 1): floor(log2 2) = 1, limit 2^63 */
	assert_true(hp_stats_add(s, 1, 0, 0x1p62));
	assert_false(hp_stats_add(s, 1, 0, 0x1p63));
	assert_true(hp_stats_rejected(s, 1, 0) == 1);
	assert_int_equal(hp_stats_status(s), HP_OK);
	hp_stats_free(s);

	assert_int_equal(hp_stats_new(1, 1, 0.01, ser, &t, NULL), HP_OK);
	assert_true(hp_stats_add(t, 0, 0, 0x1.fffffffffffffp62));
	assert_false(hp_stats_add(t, 0, 0, 0x1p63));
	assert_true(hp_stats_rejected(t, 0, 0) == 1);
	hp_stats_free(t);
}

/* ------------------------------------------------------------------ */
/* serialization                                                        */
/* ------------------------------------------------------------------ */

static struct hp_stats *serial_sample(uint64_t seed)
{
	struct hp_stats_series ser[3] = {{1e5, false}, {2.385, true}, {0.01, false}};
	struct hp_stats *s = NULL;
	struct hp_rng r;

	assert_int_equal(hp_stats_new(3, 4, 0.05, ser, &s, NULL), HP_OK);
	hp_rng_init(&r, seed, 0, HP_RNG_INDUSTRY);
	for (int i = 0; i < 300; i++) {
		double z = hp_rng_normal(&r);
		hp_stats_add(s, 0, 0, 1e5 * exp(0.7 * z));
		hp_stats_add(s, 0, 1, i % 5 == 0 ? 0 : -50 * exp(z));
		hp_stats_add(s, 1, 2, (double)hp_rng_poisson(&r, 9));
		hp_stats_add(s, 2, 3, 0.01 * z);
		if (i % 50 == 0)
			hp_stats_add(s, 2, 3, NAN);
	}
	/* cell (0, 3): zeros only; (1, 1): rejected only; others empty */
	hp_stats_add(s, 0, 3, 0);
	hp_stats_add(s, 1, 1, INFINITY);
	return s;
}

static void serialized(const struct hp_stats *s, unsigned char **buf, size_t *len)
{
	assert_int_equal(hp_stats_serialize(s, buf, len, NULL), HP_OK);
}

static void test_serialize_round_trip(void **state)
{
	(void)state;
	struct hp_stats *a = serial_sample(1), *b = serial_sample(2), *c = serial_sample(2);
	struct hp_error err;
	unsigned char *buf, *b1, *b2;
	size_t len, l1, l2;

	/* merging bytes equals merging the summary */
	serialized(a, &buf, &len);
	assert_true(memcmp(buf, "hpst\1\0\0\0", 8) == 0);
	assert_int_equal(hp_stats_merge_serialized(b, buf, len, &err), HP_OK);
	assert_int_equal(hp_stats_merge(c, a, &err), HP_OK);
	serialized(b, &b1, &l1);
	serialized(c, &b2, &l2);
	assert_true(l1 == l2);
	assert_memory_equal(b1, b2, l1);
	assert_true(
	    same_double(hp_stats_quantile(b, 1, 2, 0.37), hp_stats_quantile(c, 1, 2, 0.37)));
	assert_true(hp_stats_rejected(b, 2, 3) == 12);
	assert_true(hp_stats_rejected(b, 1, 1) == 2);
	hp_free(buf);
	hp_free(b1);
	hp_free(b2);
	hp_stats_free(a);
	hp_stats_free(b);
	hp_stats_free(c);
}

static void test_serialize_robust(void **state)
{
	(void)state;
	struct hp_stats *src = serial_sample(3), *into = serial_sample(4);
	struct hp_error err;
	unsigned char *buf, *before, *after, *copy;
	size_t len, lb, la;
	static const unsigned char masks[] = {0x01, 0x80, 0xff, 0x10};
	int refused = 0, accepted = 0;

	serialized(src, &buf, &len);
	serialized(into, &before, &lb);

	/* every truncation: HP_EPARSE, into unchanged */
	for (size_t t = 0; t < len; t++) {
		copy = malloc(t ? t : 1);
		assert_non_null(copy);
		memcpy(copy, buf, t);
		if (hp_stats_merge_serialized(into, copy, t, &err) != HP_EPARSE)
			fail_msg("truncation to %zu of %zu bytes: %s", t, len, err.message);
		free(copy);
	}
	assert_int_equal(hp_stats_merge_serialized(into, NULL, 0, &err), HP_EPARSE);
	serialized(into, &after, &la);
	assert_true(la == lb);
	assert_memory_equal(before, after, lb);
	hp_free(after);

	/* trailing bytes */
	copy = malloc(len + 1);
	assert_non_null(copy);
	memcpy(copy, buf, len);
	copy[len] = 0;
	assert_int_equal(hp_stats_merge_serialized(into, copy, len + 1, &err), HP_EPARSE);
	free(copy);

	/* every byte flipped four ways: never a crash (ASan), refused ones leave
	 * into unchanged */
	for (size_t i = 0; i < len; i++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			enum hp_status st;
			copy = malloc(len);
			assert_non_null(copy);
			memcpy(copy, buf, len);
			copy[i] ^= masks[m];
			st = hp_stats_merge_serialized(into, copy, len, &err);
			free(copy);
			if (st == HP_OK) {
				/* a change the format cannot see (e.g. a sum within
				 * range): start again from a fresh into */
				accepted++;
				hp_stats_free(into);
				into = serial_sample(4);
				continue;
			}
			refused++;
			assert_true(st == HP_EPARSE || st == HP_EINVAL);
			serialized(into, &after, &la);
			if (la != lb || memcmp(before, after, lb) != 0)
				fail_msg("byte %zu ^ 0x%02x: refused (%s) but into changed", i,
					 masks[m], err.message);
			hp_free(after);
		}
	}
	/* nearly every flip is caught (the sum's low bits are the exception) */
	/* what gets through are fields no check can see: the flags, rejected
	 * counts, low bits of min, max and sum; most flips are refused */
	assert_true(refused > 4 * accepted);
	/* and every flip in the bins of cell (0, 0) is refused. Its bytes: the
	 * 59-byte header (32 + 3 series x 9), n = 300 (2 varint bytes),
	 * rejected, zeros, negatives (1 each), min, max (8 each), sum (24),
	 * then first bin, number of bins and the counts, all varints */
	{
		size_t at = 59 + 2 + 1 + 1 + 1 + 16 + 24, start = at, nbins = 0;
		assert_true(buf[59] == ((300 & 0x7f) | 0x80) && buf[60] == 300 >> 7);
		for (int v = 0; v < 2; v++) {
			uint64_t x = 0;
			for (unsigned sh = 0;; sh += 7) {
				x |= (uint64_t)(buf[at] & 0x7f) << sh;
				if (!(buf[at++] & 0x80))
					break;
			}
			nbins = (size_t)x;
		}
		for (size_t j = 0; j < nbins; j++)
			while (buf[at++] & 0x80)
				;
		assert_true(nbins > 10 && at - start > nbins);
		for (size_t i = start; i < at; i++)
			for (size_t m = 0; m < sizeof(masks); m++) {
				copy = malloc(len);
				assert_non_null(copy);
				memcpy(copy, buf, len);
				copy[i] ^= masks[m];
				assert_int_not_equal(
				    hp_stats_merge_serialized(into, copy, len, &err), HP_OK);
				free(copy);
			}
	}

	/* random garbage after a valid header */
	{
		struct hp_rng r;
		size_t head = 4 + 4 + 24 + 3 * 9;
		hp_rng_init(&r, 5, 0, HP_RNG_INDUSTRY);
		for (int k = 0; k < 2000; k++) {
			size_t n = head + (size_t)hp_rng_below(&r, 200);
			copy = malloc(n);
			assert_non_null(copy);
			memcpy(copy, buf, head);
			for (size_t j = head; j < n; j++)
				copy[j] = (unsigned char)hp_rng_below(&r, k % 2 ? 256 : 4);
			assert_int_not_equal(hp_stats_merge_serialized(into, copy, n, &err), HP_OK);
			free(copy);
		}
	}
	serialized(into, &after, &la);
	assert_memory_equal(before, after, lb);
	hp_free(after);

	/* messages */
	assert_int_equal(hp_stats_merge_serialized(into, buf, 3, &err), HP_EPARSE);
	assert_string_equal(err.message, "summary: truncated, at byte 0 of 3");
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, buf, len);
	copy[0] = 'H';
	assert_int_equal(hp_stats_merge_serialized(into, copy, len, &err), HP_EPARSE);
	{
		char want[128];
		snprintf(want, sizeof(want),
			 "summary: not a summary (no 'hpst' magic), at byte 0 of %zu", len);
		assert_string_equal(err.message, want);
	}
	copy[0] = 'h';
	copy[4] = 2; /* version */
	assert_int_equal(hp_stats_merge_serialized(into, copy, len, &err), HP_EPARSE);
	assert_string_equal(err.message, "summary: version must be 1, got 2");
	free(copy);

	hp_free(before);
	hp_free(buf);
	hp_stats_free(src);
	hp_stats_free(into);
}

/* ------------------------------------------------------------------ */
/* shapes and arguments                                                 */
/* ------------------------------------------------------------------ */

static void test_new_errors(void **state)
{
	(void)state;
	struct hp_stats_series ser[3] = {{1, false}, {2, true}, {0, false}};
	struct hp_stats *s = (struct hp_stats *)&ser;
	struct hp_error err;

	assert_int_equal(hp_stats_new(0, 5, 0.01, ser, &s, &err), HP_EINVAL);
	assert_null(s);
	assert_string_equal(err.message, "nseries: must be >= 1, got 0");
	assert_int_equal(hp_stats_new(2, 0, 0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "ndays: must be >= 1, got 0");
	assert_int_equal(hp_stats_new(2, 5, 0, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "alpha: must be in [1e-06, 0.1], got 0");
	assert_string_equal(err.field, "alpha");
	assert_int_equal(hp_stats_new(2, 5, 0.1000001, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "alpha: must be in [1e-06, 0.1], got 0.1");
	assert_int_equal(hp_stats_new(2, 5, -0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "alpha: must be in [1e-06, 0.1], got -0.01");
	assert_int_equal(hp_stats_new(2, 5, NAN, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "alpha: must be in [1e-06, 0.1], got nan");
	assert_int_equal(hp_stats_new(3, 5, 0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "series[2].reference: must be > 0, got 0");
	assert_string_equal(err.field, "series[2].reference");
	ser[2].reference = -4.5;
	assert_int_equal(hp_stats_new(3, 5, 0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "series[2].reference: must be > 0, got -4.5");
	ser[1].reference = INFINITY;
	assert_int_equal(hp_stats_new(3, 5, 0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "series[1].reference: must be finite, got inf");
	ser[1].reference = NAN;
	assert_int_equal(hp_stats_new(3, 5, 0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "series[1].reference: must be finite, got nan");
	assert_int_equal(hp_stats_new(1, 5, 0.01, NULL, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "series: must not be NULL");
	assert_int_equal(hp_stats_new(1, SIZE_MAX / 8, 0.01, ser, &s, &err), HP_EINVAL);
	assert_string_equal(err.field, "ndays");
	assert_null(s);

	/* the edges are accepted, and the shape reads back */
	ser[1].reference = 2;
	assert_int_equal(hp_stats_new(2, 7, 0.1, ser, &s, &err), HP_OK);
	assert_true(hp_stats_nseries(s) == 2 && hp_stats_ndays(s) == 7 && hp_stats_alpha(s) == 0.1);
	assert_int_equal(hp_stats_status(s), HP_OK);
	hp_stats_free(s);
	ser[0].reference = 4.9e-324; /* the smallest subnormal: unit 2^-1138 */
	assert_int_equal(hp_stats_new(1, 1, 1e-6, ser, &s, &err), HP_OK);
	assert_true(hp_stats_add(s, 0, 0, 4.9e-324));
	assert_true(hp_stats_add(s, 0, 0, 0x1p-1013));
	assert_false(hp_stats_add(s, 0, 0, 0x1p-1012)); /* 2^(-1074 + 62) */
	assert_true(hp_stats_mean(s, 0, 0) == (4.9e-324 + 0x1p-1013) / 2);
	hp_stats_free(s);
	hp_stats_free(NULL);
}

static void test_merge_shape_errors(void **state)
{
	(void)state;
	struct hp_stats_series ser[2] = {{1, false}, {2, false}};
	struct hp_stats *a, *b;
	struct hp_error err;
	unsigned char *buf;
	size_t len;

	assert_int_equal(hp_stats_new(2, 3, 0.01, ser, &a, &err), HP_OK);

	assert_int_equal(hp_stats_new(2, 4, 0.01, ser, &b, &err), HP_OK);
	assert_int_equal(hp_stats_merge(a, b, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "from: must have the shape merged into (2 series x 3 days, "
			    "alpha 0.01), got 2 series x 4 days, alpha 0.01");
	serialized(b, &buf, &len);
	assert_int_equal(hp_stats_merge_serialized(a, buf, len, &err), HP_EINVAL);
	assert_string_equal(err.field, "summary");
	hp_free(buf);
	hp_stats_free(b);

	assert_int_equal(hp_stats_new(1, 3, 0.01, ser, &b, &err), HP_OK);
	assert_int_equal(hp_stats_merge(a, b, &err), HP_EINVAL);
	hp_stats_free(b);

	assert_int_equal(hp_stats_new(2, 3, 0.02, ser, &b, &err), HP_OK);
	assert_int_equal(hp_stats_merge(a, b, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "from: must have the shape merged into (2 series x 3 days, "
			    "alpha 0.01), got 2 series x 3 days, alpha 0.02");
	hp_stats_free(b);

	ser[1].reference = 2.5;
	assert_int_equal(hp_stats_new(2, 3, 0.01, ser, &b, &err), HP_OK);
	assert_int_equal(hp_stats_merge(a, b, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "from.series[1].reference: must equal the reference merged "
			    "into, 2, got 2.5");
	serialized(b, &buf, &len);
	assert_int_equal(hp_stats_merge_serialized(a, buf, len, &err), HP_EINVAL);
	assert_string_equal(err.field, "summary.series[1].reference");
	hp_free(buf);
	hp_stats_free(b);

	ser[1].reference = 2;
	ser[1].integer = true;
	assert_int_equal(hp_stats_new(2, 3, 0.01, ser, &b, &err), HP_OK);
	assert_int_equal(hp_stats_merge(a, b, &err), HP_EINVAL);
	assert_string_equal(
	    err.message,
	    "from.series[1].integer: must equal the flag merged into, false, got true");
	hp_stats_free(b);

	assert_int_equal(hp_stats_merge(a, a, &err), HP_EINVAL);
	assert_string_equal(err.message, "from: must not be the summary merged into");
	hp_stats_free(a);
}

/* ------------------------------------------------------------------ */
/* allocation failure                                                   */
/* ------------------------------------------------------------------ */

static void test_alloc_failure(void **state)
{
	(void)state;
	struct hp_stats_series ser[2] = {{1, false}, {5, true}};
	struct hp_stats *s = NULL, *from, *into;
	struct hp_error err;
	unsigned char *buf, *before, *after;
	size_t len, lb, la;
	long k;
	int failures = 0;

	/* hp_stats_new: every allocation in turn */
	for (k = 0;; k++) {
		enum hp_status st;
		hp_alloc_fail_after(k);
		st = hp_stats_new(2, 10, 0.01, ser, &s, &err);
		hp_alloc_fail_after(-1);
		if (st == HP_OK)
			break;
		assert_int_equal(st, HP_ENOMEM);
		assert_null(s);
		failures++;
	}
	assert_true(failures >= 5); /* struct, series, cells, edges, centres, table */

	/* add: the first value of a cell allocates its window */
	hp_alloc_fail_after(0);
	assert_false(hp_stats_add(s, 0, 0, 42.0));
	hp_alloc_fail_after(-1);
	assert_int_equal(hp_stats_status(s), HP_ENOMEM);
	assert_true(hp_stats_count(s, 0, 0) == 0);
	assert_true(hp_stats_rejected(s, 0, 0) == 1);
	assert_true(isnan(hp_stats_min(s, 0, 0)));
	/* zeros need no memory */
	hp_alloc_fail_after(0);
	assert_true(hp_stats_add(s, 0, 0, 0));
	/* a value outside the window needs it to grow */
	hp_alloc_fail_after(-1);
	assert_true(hp_stats_add(s, 0, 1, 42.0));
	hp_alloc_fail_after(0);
	assert_true(hp_stats_add(s, 0, 1, 42.5)); /* same window */
	assert_false(hp_stats_add(s, 0, 1, 4.2e9));
	hp_alloc_fail_after(-1);
	assert_true(hp_stats_count(s, 0, 1) == 2);
	assert_true(hp_stats_max(s, 0, 1) == 42.5);
	assert_true(hp_stats_mean(s, 0, 1) == 42.25);
	hp_stats_free(s);

	/* merge and merge_serialized: on failure into is unchanged */
	from = serial_sample(8);
	/* values beyond into's windows, so that merging must grow them */
	assert_true(hp_stats_add(from, 0, 0, 1e12));
	assert_true(hp_stats_add(from, 0, 1, -1e9));
	serialized(from, &buf, &len);
	into = serial_sample(9);
	serialized(into, &before, &lb);
	for (int via_bytes = 0; via_bytes < 2; via_bytes++) {
		failures = 0;
		for (k = 0;; k++) {
			enum hp_status st;
			hp_alloc_fail_after(k);
			st = via_bytes ? hp_stats_merge_serialized(into, buf, len, &err)
				       : hp_stats_merge(into, from, &err);
			hp_alloc_fail_after(-1);
			if (st == HP_OK)
				break;
			assert_int_equal(st, HP_ENOMEM);
			assert_int_equal(hp_stats_status(into), HP_OK);
			serialized(into, &after, &la);
			assert_true(la == lb);
			assert_memory_equal(before, after, lb);
			hp_free(after);
			failures++;
		}
		assert_true(failures >= 1);
		hp_stats_free(into);
		into = serial_sample(9);
	}
	/* serialize itself */
	hp_alloc_fail_after(0);
	assert_int_equal(hp_stats_serialize(into, &after, &la, &err), HP_ENOMEM);
	hp_alloc_fail_after(-1);
	assert_null(after);
	hp_free(before);
	hp_free(buf);
	hp_stats_free(from);
	hp_stats_free(into);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quantile_lognormal), cmocka_unit_test(test_quantile_mixed_signs),
	    cmocka_unit_test(test_quantile_integer),   cmocka_unit_test(test_quantile_extremes),
	    cmocka_unit_test(test_merge_exact),	       cmocka_unit_test(test_merge_wide_counts),
	    cmocka_unit_test(test_add_n),
	    cmocka_unit_test(test_mean_hand),	       cmocka_unit_test(test_mean_random),
	    cmocka_unit_test(test_rejections),	       cmocka_unit_test(test_serialize_round_trip),
	    cmocka_unit_test(test_serialize_robust),   cmocka_unit_test(test_new_errors),
	    cmocka_unit_test(test_merge_shape_errors), cmocka_unit_test(test_alloc_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
