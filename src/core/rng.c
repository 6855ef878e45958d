/*
 * rng.c - counter-based random streams (include/hashpivot/rng.h).
 *
 * Philox-4x64-10 (Salmon et al. 2011, Random123) maps a 256-bit counter
 * and a 128-bit key to 256 random bits. A stream has the key (seed, path)
 * and the counters (substream, 0, 0, 0), (substream, 1, 0, 0), ...; each
 * block gives four 64-bit words, used in order. Everything else is built on
 * those words. The state is the struct: no globals, no allocation.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <Random123/philox.h>

#include "hashpivot/rng.h"
#include "ziggurat_exp.h"

/* 2^-53: one unit of a 53-bit fraction. */
#define TWO_POW_M53 (1.0 / 9007199254740992.0)
/* Above this mean, Poisson(lambda) is drawn as a rounded normal (see below). */
#define POISSON_NORMAL_ABOVE 1e12

void hp_rng_init(struct hp_rng *r, uint64_t seed, uint64_t path, uint64_t substream)
{
	r->key[0] = seed;
	r->key[1] = path;
	r->ctr[0] = substream;
	r->ctr[1] = 0;
	r->ctr[2] = 0;
	r->ctr[3] = 0;
	for (int i = 0; i < 4; i++)
		r->buf[i] = 0;
	r->avail = 0;
	r->has_spare = false;
	r->spare = 0;
}

/*
 * Method: when the block is used up, encrypt the counter with
 * philox4x64 (10 rounds) under the key and advance the block index
 * ctr[1]; hand out the block's words in order buf[0], buf[1], ...
 * Special cases: after 2^64 blocks ctr[1] wraps (2^66 words a stream).
 * Accuracy: exact; the first block of (0, 0, 0) is Random123's known
 * answer 16554d9eca36314c db20fe9d672d0fdc d7e772cee186176b 7e68b68aec7ba23b.
 * Source: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3", SC11; Random123 1.14 philox.h.
 */
static void refill(struct hp_rng *r)
{
	philox4x64_ctr_t c = { { r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3] } };
	philox4x64_key_t k = { { r->key[0], r->key[1] } };
	philox4x64_ctr_t out = philox4x64(c, k);

	for (int i = 0; i < 4; i++)
		r->buf[i] = out.v[i];
	r->ctr[1]++;
	r->avail = 4;
}

/* hp_rng_u64 for this file's samplers: an exported function may be
 * interposed, so the compiler would not inline it here. */
static inline uint64_t next_u64(struct hp_rng *r)
{
	if (r->avail == 0)
		refill(r);
	return r->buf[4 - r->avail--];
}

uint64_t hp_rng_u64(struct hp_rng *r)
{
	return next_u64(r);
}

/*
 * Method: k = the top 53 bits of a word; u = (k + 1/2) 2^-53, rounded to
 * the nearest double.
 * Special cases: (k + 1/2) 2^-53 needs 54 significant bits once k >= 2^52
 * (u > 1/2) and is then rounded to an even neighbour, a multiple of 2^-53;
 * for k = 2^53 - 1 that neighbour would be 1, so that one value gives
 * 1 - 2^-53 instead. Hence u is never 0 or 1 (smallest 2^-54, largest
 * 1 - 2^-53) and log(u), log(1 - u) are always finite.
 * Accuracy: exact for u < 1/2; above, within 2^-54 of the midpoint, ties
 * going up and down alternately, so the mean stays 1/2 to ~2^-54.
 * Source: the midpoint rule of Random123's u01fixedpt.h (open-open).
 */
static inline double next_uniform(struct hp_rng *r)
{
	uint64_t k = next_u64(r) >> 11;

	if (k == (UINT64_C(1) << 53) - 1)
		return 1.0 - TWO_POW_M53;
	return ((double)k + 0.5) * TWO_POW_M53;
}

double hp_rng_uniform(struct hp_rng *r)
{
	return next_uniform(r);
}

/*
 * Method: m = n - 1 with every bit below its highest set bit also set;
 * draw words, keep x & m, and reject while it exceeds n - 1 (Lua 5.4's
 * project()). Each try succeeds with probability > 1/2.
 * Special cases: n = 0 returns 0 without drawing; n = 1 returns 0 (one draw).
 * Accuracy: exactly uniform on [0, n) (no modulo bias).
 * Source: Lua 5.4 lmathlib.c, project().
 */
uint64_t hp_rng_below(struct hp_rng *r, uint64_t n)
{
	uint64_t lim, mask, x;

	if (n == 0)
		return 0;
	lim = n - 1;
	mask = lim;
	mask |= mask >> 1;
	mask |= mask >> 2;
	mask |= mask >> 4;
	mask |= mask >> 8;
	mask |= mask >> 16;
	mask |= mask >> 32;
	do
		x = next_u64(r) & mask;
	while (x > lim);
	return x;
}

/*
 * Method: Marsaglia's polar form of Box-Muller: u, v = 2 U - 1 for two
 * uniforms, rejected until 0 < q = u^2 + v^2 < 1 (acceptance pi/4); then
 * u f and v f with f = sqrt(-2 ln q / q) are independent N(0, 1); the first
 * is returned, the second kept for the next call. It costs one log and one
 * sqrt per pair instead of a log, a sqrt, a sin and a cos (the price paths
 * spend most of their time here).
 * Special cases: q = 0 is rejected, so f is finite; |Z| <= sqrt(-2 ln q)
 * with q >= 2^-106, below 12.2.
 * Accuracy: as libm's log and sqrt (about 1 ulp each).
 * Source: G. Marsaglia, T. A. Bray, SIAM Review 6 (1964) 260-264.
 */
double hp_rng_normal(struct hp_rng *r)
{
	double u, v, q, f;

	if (r->has_spare) {
		r->has_spare = false;
		return r->spare;
	}
	/* Marsaglia's polar method: a point uniform in the square, kept when it
	 * falls inside the unit disc (probability pi/4), gives two independent
	 * normals with one log and one sqrt - no sin or cos. */
	do {
		u = 2 * next_uniform(r) - 1;
		v = 2 * next_uniform(r) - 1;
		q = u * u + v * v;
	} while (q >= 1 || q == 0);
	f = sqrt(-2 * log(q) / q);
	r->spare = v * f;
	r->has_spare = true;
	return u * f;
}

/*
 * ln k!, for PTRS's acceptance test: exact products up to 9!, beyond that
 * Stirling's series for ln Gamma(x), x = k + 1 >= 11, to the x^-7 term
 * (error below 1 / (1188 x^9) < 4e-13). lgamma() would do, but it writes
 * the global signgam, which the core may not touch.
 */
static double log_factorial(double k)
{
	static const double small[10] = { 1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880 };

	if (k < 10)
		return log(small[(int)k]);
	double x = k + 1, x2 = 1 / (x * x);
	return (x - 0.5) * log(x) - x + 0.91893853320467274178 /* ln sqrt(2 pi) */ +
	       (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680)))) / x;
}

/*
 * Method: lambda < 30: Knuth's algorithm: multiply uniforms until the
 * product falls to exp(-lambda) or below; the count of factors before that
 * is the draw (about lambda + 1 uniforms). lambda >= 30: PTRS, transformed
 * rejection with squeeze (Hormann's constants b = 0.931 + 2.53 sqrt(lambda),
 * a = -0.059 + 0.02483 b, 1/alpha = 1.1239 + 1.1328 / (b - 3.4),
 * v_r = 0.9277 - 3.6224 / (b - 2)); about 1.1 tries of two uniforms each.
 * Special cases: lambda <= 0, NaN or infinite gives 0 without drawing.
 * Above 1e12 the draw is floor(lambda + sqrt(lambda) Z + 1/2) (clamped to
 * [0, 2^64 - 1]): PTRS's log-density test loses its precision there to
 * cancellation, while the normal approximation's error (skewness
 * lambda^-1/2 <= 1e-6) is far below anything a model could resolve.
 * Accuracy: exact in distribution (up to the uniforms' 53 bits and the
 * ln k! series above) for lambda <= 1e12.
 * Source: D. E. Knuth, TAOCP vol. 2, 3.4.1; W. Hormann, "The transformed
 * rejection method for generating Poisson random variables", Insurance:
 * Mathematics and Economics 12 (1993) 39-45 (as in NumPy's
 * random_poisson_ptrs).
 */
uint64_t hp_rng_poisson(struct hp_rng *r, double lambda)
{
	if (!(lambda > 0) || !isfinite(lambda))
		return 0;
	if (lambda < 30) {
		double limit = exp(-lambda), p = next_uniform(r);
		uint64_t k = 0;
		while (p > limit) {
			k++;
			p *= next_uniform(r);
		}
		return k;
	}
	if (lambda > POISSON_NORMAL_ABOVE) {
		double x = floor(lambda + sqrt(lambda) * hp_rng_normal(r) + 0.5);
		if (x <= 0)
			return 0;
		return x >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)x;
	}

	double slam = sqrt(lambda), loglam = 0, log_invalpha = 0;
	double b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b;
	double vr = 0.9277 - 3.6224 / (b - 2);
	bool logs = false;

	for (;;) {
		double u = next_uniform(r) - 0.5;
		double v = next_uniform(r);
		double us = 0.5 - fabs(u);
		double k = floor((2 * a / us + b) * u + lambda + 0.43);

		if (us >= 0.07 && v <= vr)
			return (uint64_t)k;
		if (k < 0 || (us < 0.013 && v > us))
			continue;
		/* most draws end at the squeeze above: the logs only now */
		if (!logs) {
			loglam = log(lambda);
			log_invalpha = log(1.1239 + 1.1328 / (b - 3.4));
			logs = true;
		}
		if (log(v) + log_invalpha - log(a / (us * us) + b) <=
		    -lambda + k * loglam - log_factorial(k))
			return (uint64_t)k;
	}
}

/*
 * Method: the ziggurat (tables in ziggurat_exp.h, made by
 * scripts/gen_ziggurat_exp.py, which explains them): 256 layers of equal
 * area cover exp(-x). One 64-bit word gives the layer i (its low 8 bits)
 * and k (its top 53 bits); X = (k + 1/2) x[i] 2^-53 is uniform across the
 * layer and lies under the curve when k < K[i] (97.8 % of tries: one
 * word, a multiply and a comparison, no log). Otherwise, layer 0 beyond
 * r = 7.697 is the tail, r + (-ln U) (the exponential is memoryless); any
 * other layer's overhang is a wedge, where X is kept if a uniform height
 * between f(x[i]) and f(x[i+1]) falls under exp(-X), and the try is
 * repeated if not. The layers' total area is 256 v = 1.0111, so 1.1 % of
 * tries are repeated.
 * Special cases: never negative or infinite; 0 is impossible (k + 1/2).
 * The largest draw is r - ln 2^-54 = 45.1.
 * Accuracy: exact in distribution up to the 53-bit resolution of X within
 * its layer and the tables' double rounding (< 2^-52 relative).
 * Source: G. Marsaglia, W. W. Tsang, "The ziggurat method for generating
 * random variables", J. Statistical Software 5(8), 2000; Devroye (1986),
 * IX.1 (the tail).
 */
static inline double next_exponential(struct hp_rng *r)
{
	for (;;) {
		uint64_t w = next_u64(r), k = w >> 11;
		unsigned i = (unsigned)(w & 0xff);
		double x = ((double)k + 0.5) * zig_exp_w[i];

		if (k < zig_exp_k[i])
			return x;
		if (i == 0)
			return ZIG_EXP_R - log(next_uniform(r));
		if (zig_exp_f[i] + next_uniform(r) * (zig_exp_f[i + 1] - zig_exp_f[i]) < exp(-x))
			return x;
	}
}

double hp_rng_exponential(struct hp_rng *r)
{
	return next_exponential(r);
}

void hp_rng_exponential_n(struct hp_rng *r, double *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = next_exponential(r);
}

/*
 * Method: shape a >= 1: Marsaglia and Tsang's squeeze: d = a - 1/3,
 * c = 1 / sqrt(9 d); draw Z normal, v = (1 + c Z)^3 > 0 and U uniform;
 * accept d v when U < 1 - 0.0331 Z^4 or ln U < Z^2/2 + d (1 - v + ln v).
 * Shape a < 1: G(a + 1) U^(1/a).
 * Special cases: a <= 0, NaN or infinite gives 0 without drawing.
 * Accuracy: exact in distribution (up to the normals' and uniforms'
 * precision); about 1.03 tries per draw for a >= 1.
 * Source: G. Marsaglia and W. W. Tsang, "A simple method for generating
 * gamma variables", ACM TOMS 26 (2000) 363-372.
 */
double hp_rng_gamma(struct hp_rng *r, double shape)
{
	double d, c;

	if (!(shape > 0) || !isfinite(shape))
		return 0;
	if (shape < 1) {
		double g = hp_rng_gamma(r, shape + 1);
		return g * pow(next_uniform(r), 1 / shape);
	}
	d = shape - 1.0 / 3;
	c = 1 / sqrt(9 * d);
	for (;;) {
		double z, v, u;

		do {
			z = hp_rng_normal(r);
			v = 1 + c * z;
		} while (v <= 0);
		v = v * v * v;
		u = next_uniform(r);
		if (u < 1 - 0.0331 * (z * z) * (z * z))
			return d * v;
		if (log(u) < 0.5 * z * z + d * (1 - v + log(v)))
			return d * v;
	}
}

/*
 * Method: X = G_a / (G_a + G_b) with independent gammas of shapes a and b.
 * Special cases: a or b <= 0 gives 0 (a) or 1 (b) degenerate limits: 0
 * when a is not positive, 1 when b is not positive.
 * Source: Devroye (1986), IX.4.
 */
double hp_rng_beta(struct hp_rng *r, double a, double b)
{
	double x, y;

	if (!(a > 0))
		return 0;
	if (!(b > 0))
		return 1;
	x = hp_rng_gamma(r, a);
	y = hp_rng_gamma(r, b);
	return x + y > 0 ? x / (x + y) : 0.5;
}
