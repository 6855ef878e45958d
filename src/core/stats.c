/*
 * stats.c - mergeable Monte Carlo summaries (include/hashpivot/stats.h).
 *
 * A cell keeps integer counts only (values, zeros, negatives, rejected),
 * the exact minimum and maximum, a 192-bit fixed-point sum and two dense
 * windows of bin counts (|x| of positive and of negative values). Every
 * operation on it is integer addition, so merging is exact, associative and
 * commutative. Bins: the octave of |x| (its binary exponent) times the bins
 * per octave, plus a bin within the octave found from the top mantissa bits
 * by a lookup table and one comparison; the bin edges within an octave are
 * chosen once per summary so that every bin is at most 2 alpha wide in
 * relative terms. Equations and proofs: docs/model.md "Monte Carlo
 * summaries".
 *
 * Invariants of a cell: n = zeros + negatives + (positive values); the
 * counts of window 1 (negatives) sum to `negatives`, those of window 0 to
 * n - zeros - negatives; min and max are finite (+0.0 for zero, never
 * -0.0) when n > 0 and +inf / -inf when n = 0. A window is [lo, lo + len)
 * of global bin indices, counts uint32 (`wide` false) until one of them
 * would pass 2^32 - 1, then uint64 for that window.
 */
#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/stats.h"

typedef unsigned __int128 u128;

/* The accepted alphas. Below 1e-6 the per-summary tables (4 bytes a fine
 * slot, 16 a bin) pass 8 MB and one octave of one cell 1.4 MB. */
#define ALPHA_MIN 1e-6
#define ALPHA_MAX 0.1
/* Bins are built for alpha - 2^-50, which leaves room for the rounding of
 * the bin centre (< 2^-52 relative) inside the promised alpha. */
#define ALPHA_MARGIN 0x1p-50
/* Octave o holds |x| in [2^(o - 1074), 2^(o - 1073)): o = 0 for the
 * smallest subnormal, 2097 for the largest doubles. */
#define OCTAVE_BIAS 1074
#define OCTAVES	    2098
/* A window grows by at least this many bins, or a quarter of its length,
 * past the value that did not fit (so a cell reallocates O(log spread)
 * times and wastes at most about a fifth of its bins). */
#define SLACK_MIN 8

#define MANT_MASK    ((UINT64_C(1) << 52) - 1)
#define IMPLICIT_BIT (UINT64_C(1) << 52)
#define SIGN_BIT     (UINT64_C(1) << 63)

#define FORMAT_VERSION	1
#define FLAG_INCOMPLETE 1u /* the summary lost values to a failed allocation */
static const unsigned char format_magic[4] = {'h', 'p', 's', 't'};

struct window {
	void *c;      /* uint32_t[len] or, when wide, uint64_t[len] */
	uint32_t lo;  /* global bin index of c[0] */
	uint32_t len; /* bins allocated (0: none) */
	bool wide;
};

struct cell {
	uint64_t n; /* values summarised (not rejected) */
	uint64_t zeros;
	uint64_t negatives;
	uint64_t rejected;
	double min, max;
	uint64_t sum[3];    /* two's complement, sum[0] least significant */
	struct window w[2]; /* [0] positive values, [1] negative values, by |x| */
};

struct series_info {
	double reference;
	bool integer;
	int unit_exp;	   /* the sum's unit is 2^unit_exp = 2^(floor(log2 reference) - 64) */
	unsigned ef_limit; /* biased exponents >= ef_limit are rejected (0x7ff: inf, NaN) */
};

struct hp_stats {
	size_t nseries, ndays;
	double alpha;
	enum hp_status status;
	uint32_t nbins;	    /* bins per octave */
	uint32_t nindex;    /* OCTAVES * nbins: global indices are [0, nindex) */
	unsigned lut_shift; /* 52 - bits of mantissa looked up */
	uint32_t *lut;	    /* mantissa >> lut_shift -> bin whose lower edge is at or below */
	uint64_t *edge;	    /* nbins + 1 lower edges (mantissa units), edge[nbins] = 2^52 */
	double *centre;	    /* nbins centres in [1, 2) */
	size_t lut_len;
	struct series_info *series;
	struct cell *cells;
};

/* ------------------------------------------------------------------ */
/* bins                                                                 */
/* ------------------------------------------------------------------ */

/*
 * Method: alpha' = alpha - 2^-50 = A 2^-K exactly (A < 2^53). With
 * u = 2^52 + mantissa in [2^52, 2^53], bin [a, b) of an octave satisfies
 * (b - a) / (b + a) <= alpha' iff b (2^K - A) <= a (2^K + A); starting at
 * a = 2^52, each upper edge is the largest such b (exact 128-bit integer
 * arithmetic), capped at 2^53. The centre 2ab / (a + b) is rounded once.
 * The lookup table has 2^m slots, 2^(52 - m) mantissa units each, the
 * smallest m whose slot is narrower than every bin but the last, so a slot
 * holds at most one interior edge and one comparison finds the bin.
 * Special cases: none (alpha was validated: 1e-6 <= alpha <= 0.1).
 * Accuracy: exact edges; centres within 2^-53 relative.
 * Source: docs/model.md "Monte Carlo summaries", the bin mapping.
 */
static bool build_bins(struct hp_stats *s)
{
	double ap = s->alpha - ALPHA_MARGIN, f;
	int ex;
	uint64_t amant;
	unsigned k;
	u128 num_f, den_f;
	uint64_t a, b, minw = UINT64_MAX;
	uint32_t nb = 0, t;
	unsigned m;

	f = frexp(ap, &ex); /* ap = f 2^ex, f in [1/2, 1) */
	amant = (uint64_t)ldexp(f, 53);
	k = (unsigned)(53 - ex);
	num_f = ((u128)1 << k) + amant;
	den_f = ((u128)1 << k) - amant;

	/* count the bins, then fill */
	for (a = IMPLICIT_BIT; a < 2 * IMPLICIT_BIT; a = b) {
		u128 q = ((u128)a * num_f) / den_f;
		b = q >= 2 * IMPLICIT_BIT ? 2 * IMPLICIT_BIT : (uint64_t)q;
		if (b < 2 * IMPLICIT_BIT && b - a < minw)
			minw = b - a;
		nb++;
	}
	s->nbins = nb;
	s->nindex = OCTAVES * nb;
	s->edge = hp_malloc((size_t)(nb + 1) * sizeof(*s->edge));
	s->centre = hp_malloc((size_t)nb * sizeof(*s->centre));
	if (!s->edge || !s->centre)
		return false;
	t = 0;
	for (a = IMPLICIT_BIT; a < 2 * IMPLICIT_BIT; a = b, t++) {
		u128 q = ((u128)a * num_f) / den_f, c2, d, cq, cr;
		b = q >= 2 * IMPLICIT_BIT ? 2 * IMPLICIT_BIT : (uint64_t)q;
		s->edge[t] = a - IMPLICIT_BIT;
		/* centre 2ab/(a+b) in units of 2^-52, rounded to the nearest
		 * integer (ties up): it lies in [2^52, 2^53], where doubles are
		 * the integers, so this is the correctly rounded double */
		c2 = 2 * (u128)a * b;
		d = (u128)a + b;
		cq = c2 / d;
		cr = c2 % d;
		if (2 * cr >= d)
			cq++;
		s->centre[t] = ldexp((double)(uint64_t)cq, -52);
	}
	s->edge[nb] = IMPLICIT_BIT;

	/* smallest m with 2^(52 - m) < minw */
	for (m = 1; m < 52 && (UINT64_C(1) << (52 - m)) >= minw; m++)
		;
	s->lut_shift = 52 - m;
	s->lut_len = (size_t)1 << m;
	s->lut = hp_malloc(s->lut_len * sizeof(*s->lut));
	if (!s->lut)
		return false;
	t = 0;
	for (size_t j = 0; j < s->lut_len; j++) {
		uint64_t start = (uint64_t)j << s->lut_shift;
		while (t + 1 < nb && s->edge[t + 1] <= start)
			t++;
		s->lut[j] = t;
	}
	return true;
}

/* Bin index of octave oct, mantissa bits m: a table look-up and one
 * comparison with the next bin's lower edge. */
static inline uint32_t bin_in_octave(const struct hp_stats *s, uint32_t oct, uint64_t m)
{
	uint32_t t = s->lut[m >> s->lut_shift];

	t += m >= s->edge[t + 1];
	return oct * s->nbins + t;
}

/*
 * Global bin index of |x| (abits: the bits of |x|, finite and not zero):
 * octave * nbins + bin within the octave. Subnormals are normalised first.
 */
static uint32_t bin_of(const struct hp_stats *s, uint64_t abits)
{
	unsigned ef = (unsigned)(abits >> 52);
	uint64_t m = abits & MANT_MASK;

	if (ef == 0) {
		unsigned lz = (unsigned)__builtin_clzll(m) - 11;
		return bin_in_octave(s, 52 - lz, (m << lz) & MANT_MASK);
	}
	return bin_in_octave(s, ef + 51, m); /* (ef - 1023) + OCTAVE_BIAS */
}

/* The centre of bin idx (> 0). */
static double bin_centre(const struct hp_stats *s, uint32_t idx)
{
	return ldexp(s->centre[idx % s->nbins], (int)(idx / s->nbins) - OCTAVE_BIAS);
}

/*
 * |x| (abits: its bits, finite) in units of 2^unit_exp, rounded to the
 * nearest integer, halves away from zero. The caller has checked
 * |x| < 2^(unit_exp + 126), so the result is below 2^126.
 */
static inline u128 to_units(uint64_t abits, int unit_exp)
{
	unsigned ef = (unsigned)(abits >> 52);
	uint64_t v = abits & MANT_MASK;
	int sh;

	if (ef) {
		v |= IMPLICIT_BIT;
		sh = (int)ef - 1075 - unit_exp; /* |x| = v 2^(ef - 1075) */
	} else {
		sh = -1074 - unit_exp;
	}
	if (sh >= 0)
		return (u128)v << sh;
	if (sh < -54)
		return 0; /* v < 2^53 < half a unit */
	return (v + (UINT64_C(1) << (-sh - 1))) >> -sh;
}

static inline void sum_add(uint64_t sum[3], u128 v, bool negative)
{
	u128 lo = ((u128)sum[1] << 64) | sum[0], r;

	if (negative) {
		r = lo - v;
		sum[2] -= lo < v;
	} else {
		r = lo + v;
		sum[2] += r < v;
	}
	sum[0] = (uint64_t)r;
	sum[1] = (uint64_t)(r >> 64);
}

/* ------------------------------------------------------------------ */
/* windows                                                              */
/* ------------------------------------------------------------------ */

static inline uint64_t wget(const struct window *w, uint32_t k)
{
	return w->wide ? ((const uint64_t *)w->c)[k] : ((const uint32_t *)w->c)[k];
}

/*
 * Make w cover [first, last] (global indices, first <= last < nindex),
 * plus `slack` bins beyond on each side that grows (clamped to the index
 * range). Counts keep their values; new bins are 0. False when out of
 * memory, w unchanged.
 */
static bool window_cover(struct window *w, uint32_t first, uint32_t last, uint32_t slack,
			 uint32_t nindex)
{
	uint64_t lo, hi, oldhi, width = w->wide ? 8 : 4;
	unsigned char *p;
	size_t len, shift;

	if (w->len == 0) {
		lo = first >= slack ? first - slack : 0;
		hi = (uint64_t)last + slack < nindex ? (uint64_t)last + slack : nindex - 1;
	} else {
		oldhi = (uint64_t)w->lo + w->len - 1;
		if (first >= w->lo && last <= oldhi)
			return true;
		lo = w->lo;
		hi = oldhi;
		if (first < lo)
			lo = first >= slack ? first - slack : 0;
		if (last > hi)
			hi = (uint64_t)last + slack < nindex ? (uint64_t)last + slack : nindex - 1;
	}
	len = (size_t)(hi - lo + 1);
	p = hp_realloc(w->c, len * width);
	if (!p)
		return false;
	if (w->len == 0) {
		memset(p, 0, len * width);
	} else {
		shift = (size_t)(w->lo - lo);
		if (shift) {
			memmove(p + shift * width, p, (size_t)w->len * width);
			memset(p, 0, shift * width);
		}
		memset(p + (shift + w->len) * width, 0, (len - shift - w->len) * width);
	}
	w->c = p;
	w->lo = (uint32_t)lo;
	w->len = (uint32_t)len;
	return true;
}

/* Switch w's counts to uint64. False when out of memory, w unchanged. */
static bool window_widen(struct window *w)
{
	uint64_t *c64;
	const uint32_t *c32 = w->c;

	if (w->wide)
		return true;
	c64 = hp_malloc((w->len ? w->len : 1) * sizeof(*c64));
	if (!c64)
		return false;
	for (uint32_t k = 0; k < w->len; k++)
		c64[k] = c32[k];
	hp_free(w->c);
	w->c = c64;
	w->wide = true;
	return true;
}

/* The bins of w with counts, [*first, *first + *len); *len = 0 when none. */
static void window_used(const struct window *w, uint32_t *first, uint32_t *len)
{
	uint32_t a = 0, b = w->len;

	/* one loop per width: wget's test in the loop doubled a merge's time */
	if (w->wide) {
		const uint64_t *c = w->c;

		while (a < b && c[a] == 0)
			a++;
		while (b > a && c[b - 1] == 0)
			b--;
	} else {
		const uint32_t *c = w->c;

		while (a < b && c[a] == 0)
			a++;
		while (b > a && c[b - 1] == 0)
			b--;
	}
	*first = w->lo + a;
	*len = b - a;
}

/* ------------------------------------------------------------------ */
/* life cycle                                                           */
/* ------------------------------------------------------------------ */

static void cell_init(struct cell *c)
{
	memset(c, 0, sizeof(*c));
	c->min = INFINITY;
	c->max = -INFINITY;
}

enum hp_status hp_stats_new(size_t nseries, size_t ndays, double alpha,
			    const struct hp_stats_series *series, struct hp_stats **out,
			    struct hp_error *err)
{
	struct hp_stats *s;
	size_t ncells;
	char field[64];

	*out = NULL;
	if (nseries == 0)
		return hp_error_set(err, HP_EINVAL, "nseries", "must be >= 1, got 0");
	if (ndays == 0)
		return hp_error_set(err, HP_EINVAL, "ndays", "must be >= 1, got 0");
	if (!(alpha >= ALPHA_MIN && alpha <= ALPHA_MAX))
		return hp_error_set(err, HP_EINVAL, "alpha", "must be in [%g, %g], got %g",
				    ALPHA_MIN, ALPHA_MAX, alpha);
	if (!series)
		return hp_error_set(err, HP_EINVAL, "series", "must not be NULL");
	if (ndays > SIZE_MAX / sizeof(struct cell) / nseries)
		return hp_error_set(err, HP_EINVAL, "ndays",
				    "%zu series x %zu days is too many cells", nseries, ndays);
	for (size_t i = 0; i < nseries; i++) {
		double r = series[i].reference;
		snprintf(field, sizeof(field), "series[%zu].reference", i);
		if (isnan(r) || isinf(r))
			return hp_error_set(err, HP_EINVAL, field, "must be finite, got %g", r);
		if (!(r > 0))
			return hp_error_set(err, HP_EINVAL, field, "must be > 0, got %g", r);
	}
	ncells = nseries * ndays;

	s = hp_calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->nseries = nseries;
	s->ndays = ndays;
	s->alpha = alpha;
	s->status = HP_OK;
	s->series = hp_malloc(nseries * sizeof(*s->series));
	s->cells = hp_calloc(ncells, sizeof(*s->cells)); /* windows NULL until used */
	if (!s->series || !s->cells || !build_bins(s))
		goto nomem;
	for (size_t i = 0; i < nseries; i++) {
		struct series_info *si = &s->series[i];
		int e;
		long lim;
		si->reference = series[i].reference;
		si->integer = series[i].integer;
		frexp(si->reference, &e); /* reference = f 2^e, f in [1/2, 1) */
		si->unit_exp = (e - 1) - 64;
		/* reject |x| >= 2^(floor(log2 ref) + 62), biased exponent e - 1 + 62 + 1023 */
		lim = (long)e - 1 + 62 + 1023;
		si->ef_limit = lim > 0x7ff ? 0x7ffu : (unsigned)lim;
	}
	for (size_t i = 0; i < ncells; i++)
		cell_init(&s->cells[i]);
	*out = s;
	return HP_OK;

nomem:
	hp_stats_free(s);
	return hp_error_set(err, HP_ENOMEM, NULL, "out of memory for a summary of %zu x %zu cells",
			    nseries, ndays);
}

void hp_stats_free(struct hp_stats *s)
{
	if (!s)
		return;
	if (s->cells) {
		for (size_t i = 0; i < s->nseries * s->ndays; i++) {
			hp_free(s->cells[i].w[0].c);
			hp_free(s->cells[i].w[1].c);
		}
	}
	hp_free(s->cells);
	hp_free(s->series);
	hp_free(s->lut);
	hp_free(s->edge);
	hp_free(s->centre);
	hp_free(s);
}

/* ------------------------------------------------------------------ */
/* adding                                                               */
/* ------------------------------------------------------------------ */

static bool reject_nomem(struct hp_stats *s, struct cell *c)
{
	s->status = HP_ENOMEM;
	c->rejected++;
	return false;
}

/* Count one more value in bin idx of w, growing or widening w as needed. */
static bool window_count(struct hp_stats *s, struct window *w, uint32_t idx)
{
	uint32_t k = idx - w->lo;

	if (k >= w->len) {
		uint32_t slack = w->len / 4 > SLACK_MIN ? w->len / 4 : SLACK_MIN;
		if (!window_cover(w, idx, idx, slack, s->nindex))
			return false;
		k = idx - w->lo;
	}
	if (!w->wide) {
		uint32_t *c32 = w->c;
		if (c32[k] != UINT32_MAX) {
			c32[k]++;
			return true;
		}
		if (!window_widen(w))
			return false;
	}
	((uint64_t *)w->c)[k]++;
	return true;
}

/*
 * Method: one bin increment (bin_of), one rounding to the fixed-point unit
 * (to_units) added to the 192-bit sum, counters, min and max. Values that
 * do not fit or are not finite fail the single exponent comparison and
 * take the slow path, as do zeros and subnormals.
 * Special cases: +-0 go to the zero count (min/max record +0.0); NaN, +-inf
 * and |x| >= 2^(floor(log2 reference) + 62) are counted as rejected; when
 * a window cannot grow the value is counted as rejected and the summary's
 * status becomes HP_ENOMEM.
 * Accuracy: exact counting; the sum's error is at most half a unit a value.
 * Source: docs/model.md "Monte Carlo summaries".
 */
bool hp_stats_add(struct hp_stats *s, size_t series, size_t day, double x)
{
	const struct series_info *si;
	struct cell *c;
	uint64_t bits, abits;
	unsigned ef, neg;

	assert(series < s->nseries && day < s->ndays);
	if (series >= s->nseries || day >= s->ndays)
		return false;
	si = &s->series[series];
	c = &s->cells[series * s->ndays + day];
	memcpy(&bits, &x, sizeof(bits));
	abits = bits & ~SIGN_BIT;
	ef = (unsigned)(abits >> 52);
	if (ef - 1u >= si->ef_limit - 1u) {
		/* zero, subnormal, out of range or not finite */
		if (ef != 0) {
			c->rejected++;
			return false;
		}
		if (abits == 0) {
			c->n++;
			c->zeros++;
			if (0.0 < c->min)
				c->min = 0.0;
			if (0.0 > c->max)
				c->max = 0.0;
			return true;
		}
	}
	neg = (unsigned)(bits >> 63);
	if (!window_count(s, &c->w[neg],
			  ef ? bin_in_octave(s, ef + 51, abits & MANT_MASK) : bin_of(s, abits)))
		return reject_nomem(s, c);
	sum_add(c->sum, to_units(abits, si->unit_exp), neg);
	c->n++;
	c->negatives += neg;
	if (x < c->min)
		c->min = x;
	if (x > c->max)
		c->max = x;
	return true;
}

/*
 * Method: hp_stats_add's fast paths for zeros and for positive and
 * negative normal values in range, with the cell's count, negatives and
 * its sum in locals; the bins of all n values are prefetched first (they
 * are mostly out of cache, and the loads then overlap). Anything else
 * (subnormal, rejected, a window to grow or widen)
 * goes through hp_stats_add itself after the locals are written back, so
 * the order of additions, and with it every window's layout, is that of n
 * single calls.
 * Accuracy: identical to hp_stats_add (integer arithmetic, same order).
 */
size_t hp_stats_add_n(struct hp_stats *s, size_t series, size_t day, const double *x, size_t n)
{
	const struct series_info *si;
	struct cell *c;
	uint64_t cnt, negs, hi;
	u128 lo;
	size_t i, rejected = 0;
	unsigned limit;
	int unit;

	assert(series < s->nseries && day < s->ndays);
	if (series >= s->nseries || day >= s->ndays)
		return n;
	si = &s->series[series];
	c = &s->cells[series * s->ndays + day];
	limit = si->ef_limit;
	unit = si->unit_exp;
#define LOAD()                                                 \
	do {                                                   \
		cnt = c->n;                                    \
		negs = c->negatives;                           \
		hi = c->sum[2];                                \
		lo = ((u128)c->sum[1] << 64) | c->sum[0];      \
	} while (0)
#define STORE()                                                \
	do {                                                   \
		c->n = cnt;                                    \
		c->negatives = negs;                           \
		c->sum[2] = hi;                                \
		c->sum[0] = (uint64_t)lo;                      \
		c->sum[1] = (uint64_t)(lo >> 64);              \
	} while (0)
	/* the bins are mostly out of cache: ask for all of them first */
	for (i = 0; i < n; i++) {
		uint64_t bits, abits;
		const struct window *w;
		uint32_t k;

		memcpy(&bits, &x[i], sizeof(bits));
		abits = bits & ~SIGN_BIT;
		w = &c->w[bits >> 63];
		k = bin_in_octave(s, (unsigned)(abits >> 52) + 51, abits & MANT_MASK) - w->lo;
		if (k < w->len)
			__builtin_prefetch((const uint32_t *)w->c + k, 1);
	}
	LOAD();
	for (i = 0; i < n; i++) {
		double v = x[i];
		uint64_t bits, abits;
		unsigned ef, neg;
		struct window *w;
		uint32_t k;
		u128 u;

		memcpy(&bits, &v, sizeof(bits));
		abits = bits & ~SIGN_BIT;
		if (abits == 0) {
			/* as hp_stats_add: +-0 counted as +0.0 */
			cnt++;
			c->zeros++;
			if (0.0 < c->min)
				c->min = 0.0;
			if (0.0 > c->max)
				c->max = 0.0;
			continue;
		}
		ef = (unsigned)(abits >> 52);
		neg = (unsigned)(bits >> 63);
		w = &c->w[neg];
		k = bin_in_octave(s, ef + 51, abits & MANT_MASK) - w->lo;
		if (ef - 1u >= limit - 1u || k >= w->len || w->wide ||
		    ((uint32_t *)w->c)[k] == UINT32_MAX) {
			STORE();
			rejected += !hp_stats_add(s, series, day, v);
			LOAD();
			continue;
		}
		((uint32_t *)w->c)[k]++;
		u = to_units(abits, unit);
		if (neg) {
			hi -= lo < u;
			lo -= u;
		} else {
			lo += u;
			hi += lo < u;
		}
		cnt++;
		negs += neg;
		if (v < c->min)
			c->min = v;
		if (v > c->max)
			c->max = v;
	}
	STORE();
#undef LOAD
#undef STORE
	return rejected;
}

enum hp_status hp_stats_status(const struct hp_stats *s)
{
	return s->status;
}

/* ------------------------------------------------------------------ */
/* merging                                                              */
/* ------------------------------------------------------------------ */

/*
 * A cell to merge from, in memory or in a serialized string: the counts of
 * a window are read in order through a cursor.
 */
struct src_window {
	uint32_t first, len;	  /* bins with counts; len 0 = none */
	const struct window *mem; /* counts at mem, bins from first - mem->lo */
	const unsigned char *enc; /* or len varints here */
};

struct src_cell {
	uint64_t n, zeros, negatives, rejected;
	double min, max;
	uint64_t sum[3];
	struct src_window w[2];
};

struct cursor {
	const struct src_window *sw;
	uint32_t k;
	const unsigned char *p;
};

static void cursor_init(struct cursor *cu, const struct src_window *sw)
{
	cu->sw = sw;
	cu->k = 0;
	cu->p = sw->enc;
}

/* The next count (the caller reads at most sw->len of them; varints were
 * validated when the string was parsed). */
static uint64_t cursor_next(struct cursor *cu)
{
	uint64_t v = 0;
	unsigned shift = 0;

	if (cu->sw->mem)
		return wget(cu->sw->mem, cu->sw->first - cu->sw->mem->lo + cu->k++);
	cu->k++;
	for (;;) {
		unsigned char b = *cu->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
}

static void src_from_cell(struct src_cell *sc, const struct cell *c)
{
	sc->n = c->n;
	sc->zeros = c->zeros;
	sc->negatives = c->negatives;
	sc->rejected = c->rejected;
	sc->min = c->min;
	sc->max = c->max;
	memcpy(sc->sum, c->sum, sizeof(sc->sum));
	for (int i = 0; i < 2; i++) {
		window_used(&c->w[i], &sc->w[i].first, &sc->w[i].len);
		sc->w[i].mem = &c->w[i];
		sc->w[i].enc = NULL;
	}
}

/* Would adding sc to c overflow a 64-bit count? */
static bool merge_overflows(const struct cell *c, const struct src_cell *sc)
{
	return c->n > UINT64_MAX - sc->n || c->rejected > UINT64_MAX - sc->rejected;
}

/* Grow and widen c's windows for sc (contents unchanged). */
static bool merge_prepare(const struct hp_stats *s, struct cell *c, const struct src_cell *sc)
{
	for (int i = 0; i < 2; i++) {
		const struct src_window *sw = &sc->w[i];
		struct window *w = &c->w[i];
		struct cursor cu;

		if (sw->len == 0)
			continue;
		if (!window_cover(w, sw->first, sw->first + sw->len - 1, 0, s->nindex))
			return false;
		/* no bin can pass 2^32 - 1 while the two counts together do not */
		if (w->wide || (c->n <= UINT32_MAX && sc->n <= UINT32_MAX - c->n))
			continue;
		cursor_init(&cu, sw);
		for (uint32_t j = 0; j < sw->len; j++) {
			uint64_t add = cursor_next(&cu);
			if (add > UINT32_MAX - ((const uint32_t *)w->c)[sw->first - w->lo + j]) {
				if (!window_widen(w))
					return false;
				break;
			}
		}
	}
	return true;
}

/* Add sc to c, whose windows merge_prepare made ready. */
static void merge_apply(struct cell *c, const struct src_cell *sc)
{
	u128 a, b, r;

	for (int i = 0; i < 2; i++) {
		const struct src_window *sw = &sc->w[i];
		struct window *w = &c->w[i];
		struct cursor cu;
		uint32_t k0 = sw->first - w->lo;

		if (sw->len == 0)
			continue;
		if (sw->mem && !sw->mem->wide && !w->wide) {
			/* the common case, 32-bit counts on both sides */
			const uint32_t *from =
			    (const uint32_t *)sw->mem->c + (sw->first - sw->mem->lo);
			uint32_t *to = (uint32_t *)w->c + k0;
			for (uint32_t j = 0; j < sw->len; j++)
				to[j] += from[j];
			continue;
		}
		cursor_init(&cu, sw);
		for (uint32_t j = 0; j < sw->len; j++) {
			uint64_t add = cursor_next(&cu);
			if (w->wide)
				((uint64_t *)w->c)[k0 + j] += add;
			else
				((uint32_t *)w->c)[k0 + j] += (uint32_t)add;
		}
	}
	c->n += sc->n;
	c->zeros += sc->zeros;
	c->negatives += sc->negatives;
	c->rejected += sc->rejected;
	if (sc->n) {
		if (sc->min < c->min)
			c->min = sc->min;
		if (sc->max > c->max)
			c->max = sc->max;
	}
	a = ((u128)c->sum[1] << 64) | c->sum[0];
	b = ((u128)sc->sum[1] << 64) | sc->sum[0];
	r = a + b;
	c->sum[2] += sc->sum[2] + (r < a);
	c->sum[0] = (uint64_t)r;
	c->sum[1] = (uint64_t)(r >> 64);
}

static enum hp_status shape_error(const struct hp_stats *into, size_t nseries, size_t ndays,
				  double alpha, const char *what, struct hp_error *err)
{
	return hp_error_set(err, HP_EINVAL, what,
			    "must have the shape merged into (%zu series x %zu days, alpha %.17g), "
			    "got %zu series x %zu days, alpha %.17g",
			    into->nseries, into->ndays, into->alpha, nseries, ndays, alpha);
}

static enum hp_status series_error(const struct hp_stats *into, size_t i, double reference,
				   bool integer, const char *what, struct hp_error *err)
{
	char field[96];
	const struct series_info *si = &into->series[i];

	if (reference != si->reference) {
		snprintf(field, sizeof(field), "%s.series[%zu].reference", what, i);
		return hp_error_set(err, HP_EINVAL, field,
				    "must equal the reference merged into, %.17g, got %.17g",
				    si->reference, reference);
	}
	snprintf(field, sizeof(field), "%s.series[%zu].integer", what, i);
	return hp_error_set(err, HP_EINVAL, field, "must equal the flag merged into, %s, got %s",
			    si->integer ? "true" : "false", integer ? "true" : "false");
}

static enum hp_status overflow_error(size_t series, size_t day, const char *what,
				     struct hp_error *err)
{
	char field[96];

	snprintf(field, sizeof(field), "%s.cells[%zu][%zu]", what, series, day);
	return hp_error_set(err, HP_ERANGE, field,
			    "merging would count more than 2^64 - 1 values in the cell");
}

/*
 * Method: three passes over the cells. 1: refuse a count that would pass
 * 2^64 - 1; 2: grow and widen into's windows (may fail; contents stay the
 * same); 3: add integers (cannot fail). Everything added is an integer or
 * a min/max, so the result does not depend on order or grouping.
 * Special cases: from's status HP_ENOMEM carries over to into; on any
 * failure (HP_EINVAL shape, HP_ERANGE count, HP_ENOMEM) into's counts and
 * status are unchanged; from must not be into (HP_EINVAL).
 * Accuracy: exact.
 * Source: docs/model.md "Monte Carlo summaries", merge exactness.
 */
enum hp_status hp_stats_merge(struct hp_stats *into, const struct hp_stats *from,
			      struct hp_error *err)
{
	size_t ncells = into->nseries * into->ndays;
	struct src_cell sc;

	if (into == from)
		return hp_error_set(err, HP_EINVAL, "from", "must not be the summary merged into");
	if (from->nseries != into->nseries || from->ndays != into->ndays ||
	    from->alpha != into->alpha)
		return shape_error(into, from->nseries, from->ndays, from->alpha, "from", err);
	for (size_t i = 0; i < into->nseries; i++) {
		if (from->series[i].reference != into->series[i].reference ||
		    from->series[i].integer != into->series[i].integer)
			return series_error(into, i, from->series[i].reference,
					    from->series[i].integer, "from", err);
	}
	for (size_t i = 0; i < ncells; i++) {
		src_from_cell(&sc, &from->cells[i]);
		if (merge_overflows(&into->cells[i], &sc))
			return overflow_error(i / into->ndays, i % into->ndays, "from", err);
	}
	for (size_t i = 0; i < ncells; i++) {
		src_from_cell(&sc, &from->cells[i]);
		if (!merge_prepare(into, &into->cells[i], &sc))
			return hp_error_set(err, HP_ENOMEM, NULL,
					    "out of memory merging summaries, cell %zu of %zu", i,
					    ncells);
	}
	for (size_t i = 0; i < ncells; i++) {
		src_from_cell(&sc, &from->cells[i]);
		merge_apply(&into->cells[i], &sc);
	}
	if (from->status != HP_OK)
		into->status = from->status;
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* reading                                                              */
/* ------------------------------------------------------------------ */

static const struct cell *cell_at(const struct hp_stats *s, size_t series, size_t day)
{
	assert(series < s->nseries && day < s->ndays);
	if (series >= s->nseries || day >= s->ndays)
		return NULL;
	return &s->cells[series * s->ndays + day];
}

uint64_t hp_stats_count(const struct hp_stats *s, size_t series, size_t day)
{
	const struct cell *c = cell_at(s, series, day);
	return c ? c->n : 0;
}

uint64_t hp_stats_rejected(const struct hp_stats *s, size_t series, size_t day)
{
	const struct cell *c = cell_at(s, series, day);
	return c ? c->rejected : 0;
}

double hp_stats_min(const struct hp_stats *s, size_t series, size_t day)
{
	const struct cell *c = cell_at(s, series, day);
	return c && c->n ? c->min : NAN;
}

double hp_stats_max(const struct hp_stats *s, size_t series, size_t day)
{
	const struct cell *c = cell_at(s, series, day);
	return c && c->n ? c->max : NAN;
}

/*
 * Method: M = |sum| (192 bits); Q = floor(M 2^128 / n) by long division in
 * 64-bit words, remainder kept as a sticky bit; Q >= 2^64 when M >= 1, so
 * its top 64 bits and the sticky bit round correctly (to nearest, ties to
 * even) to 53 bits; the mean is +-Q 2^(unit_exp - 128).
 * Special cases: n = 0 gives NaN; a zero sum gives +0.
 * Accuracy: the correctly rounded mean of the values as rounded to the
 * unit (each within half a unit, 2^-65 reference at most), except for
 * results below 2^-1022, which ldexp rounds a second time.
 * Source: docs/model.md "Monte Carlo summaries", the fixed-point mean.
 */
double hp_stats_mean(const struct hp_stats *s, size_t series, size_t day)
{
	const struct cell *c = cell_at(s, series, day);
	uint64_t m[3], num[5], q[5], t, mant, rest;
	bool neg, sticky;
	u128 rem = 0;
	int p, wi, b;

	if (!c || c->n == 0)
		return NAN;
	memcpy(m, c->sum, sizeof(m));
	neg = (int64_t)m[2] < 0;
	if (neg) {
		/* two's complement negation of 192 bits */
		m[0] = ~m[0];
		m[1] = ~m[1];
		m[2] = ~m[2];
		if (++m[0] == 0 && ++m[1] == 0)
			m[2]++;
	}
	if ((m[0] | m[1] | m[2]) == 0)
		return 0.0;
	num[0] = 0;
	num[1] = 0;
	num[2] = m[0];
	num[3] = m[1];
	num[4] = m[2];
	for (int i = 4; i >= 0; i--) {
		u128 cur = (rem << 64) | num[i];
		q[i] = (uint64_t)(cur / c->n);
		rem = cur % c->n;
	}
	sticky = rem != 0;
	for (wi = 4; q[wi] == 0; wi--)
		;
	b = 63 - __builtin_clzll(q[wi]);
	p = wi * 64 + b;
	/* top 64 bits of Q (wi >= 1 since Q >= 2^64) */
	if (b == 63) {
		t = q[wi];
		sticky |= q[wi - 1] != 0;
	} else {
		t = (q[wi] << (63 - b)) | (q[wi - 1] >> (b + 1));
		sticky |= (q[wi - 1] & ((UINT64_C(1) << (b + 1)) - 1)) != 0;
	}
	for (int i = wi - 2; i >= 0; i--)
		sticky |= q[i] != 0;
	mant = t >> 11;
	rest = t & 0x7ff;
	if (rest > 0x400 || (rest == 0x400 && (sticky || (mant & 1))))
		mant++;
	if (mant == (UINT64_C(1) << 53)) {
		mant >>= 1;
		p++;
	}
	{
		double v = ldexp((double)mant, p - 52 + s->series[series].unit_exp - 128);
		return neg ? -v : v;
	}
}

/*
 * Method: rank k = floor(q (n - 1)); walk the negative bins from the
 * largest |x| down, then the zeros, then the positive bins up, until the
 * running count passes k; the estimate is the bin's centre with its sign,
 * clipped to [min, max], rounded for integer series.
 * Special cases: n = 0, q outside [0, 1] or NaN give NaN; ranks 0 and
 * n - 1 give min and max exactly; the zero bin gives exactly 0.
 * Accuracy: |estimate - x_(k)| < (alpha - 2^-51) |x_(k)| for x_(k) of
 * magnitude >= 2^-1022 (a subnormal centre is rounded to 2^-1074 more).
 * Source: docs/model.md "Monte Carlo summaries", quantiles.
 */
double hp_stats_quantile(const struct hp_stats *s, size_t series, size_t day, double q)
{
	const struct cell *c = cell_at(s, series, day);
	uint64_t k, cnt;
	double h, est = NAN;

	if (!c || c->n == 0 || !(q >= 0 && q <= 1))
		return NAN;
	h = floor(q * (double)(c->n - 1));
	k = h >= 18446744073709551616.0 ? c->n - 1 : (uint64_t)h;
	if (k > c->n - 1)
		k = c->n - 1;
	if (k == 0 || k == c->n - 1) {
		/* the extremes are known exactly */
		est = k == 0 ? c->min : c->max;
	} else if (k < c->negatives) {
		const struct window *w = &c->w[1];
		for (uint32_t j = w->len; j-- > 0;) {
			cnt = wget(w, j);
			if (k < cnt) {
				est = -bin_centre(s, w->lo + j);
				break;
			}
			k -= cnt;
		}
	} else if ((k -= c->negatives) < c->zeros) {
		return 0.0;
	} else {
		const struct window *w = &c->w[0];
		k -= c->zeros;
		for (uint32_t j = 0; j < w->len; j++) {
			cnt = wget(w, j);
			if (k < cnt) {
				est = bin_centre(s, w->lo + j);
				break;
			}
			k -= cnt;
		}
	}
	if (est < c->min)
		est = c->min;
	if (est > c->max)
		est = c->max;
	if (s->series[series].integer)
		est = round(est) + 0.0; /* + 0.0: no -0 */
	return est;
}

size_t hp_stats_nseries(const struct hp_stats *s)
{
	return s->nseries;
}

size_t hp_stats_ndays(const struct hp_stats *s)
{
	return s->ndays;
}

double hp_stats_alpha(const struct hp_stats *s)
{
	return s->alpha;
}

size_t hp_stats_bytes(const struct hp_stats *s)
{
	size_t n = sizeof(*s) + s->nseries * sizeof(*s->series) +
		   s->nseries * s->ndays * sizeof(*s->cells) + s->lut_len * sizeof(*s->lut) +
		   ((size_t)s->nbins + 1) * sizeof(*s->edge) +
		   (size_t)s->nbins * sizeof(*s->centre);

	for (size_t i = 0; i < s->nseries * s->ndays; i++)
		for (int j = 0; j < 2; j++)
			n += (size_t)s->cells[i].w[j].len * (s->cells[i].w[j].wide ? 8 : 4);
	return n;
}

/* ------------------------------------------------------------------ */
/* serialization                                                        */
/* ------------------------------------------------------------------ */

/*
 * Format version 1, little-endian (docs/model.md "Monte Carlo summaries",
 * serialization):
 *   "hpst", u16 version, u16 flags (bit 0: values were lost to a failed
 *   allocation), u64 nseries, u64 ndays, f64 alpha,
 *   per series: f64 reference, u8 integer (0 or 1),
 *   per cell (series-major): varint n, varint rejected; when n > 0:
 *     varint zeros, varint negatives, f64 min, f64 max, 3 x u64 sum
 *     (two's complement, low word first), then for the negative values
 *     (if any) and the positive values (if any): varint first bin,
 *     varint bins, that many varint counts (first and last not zero).
 * Varints are LEB128 (7 bits a byte, low first), shortest form only. The
 * writer emits only bins with counts, so equal summaries give equal bytes.
 */
struct writer {
	unsigned char *p; /* NULL: only count */
	size_t n;
};

static void put_bytes(struct writer *w, const unsigned char *b, size_t len)
{
	if (w->p)
		memcpy(w->p + w->n, b, len);
	w->n += len;
}

static void put_le(struct writer *w, uint64_t v, unsigned nbytes)
{
	unsigned char b[8];

	for (unsigned i = 0; i < nbytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put_bytes(w, b, nbytes);
}

static void put_f64(struct writer *w, double x)
{
	uint64_t v;

	memcpy(&v, &x, sizeof(v));
	put_le(w, v, 8);
}

static void put_varint(struct writer *w, uint64_t v)
{
	unsigned char b[10];
	unsigned n = 0;

	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put_bytes(w, b, n);
}

static void write_all(const struct hp_stats *s, struct writer *w)
{
	put_bytes(w, format_magic, 4);
	put_le(w, FORMAT_VERSION, 2);
	put_le(w, s->status != HP_OK ? FLAG_INCOMPLETE : 0, 2);
	put_le(w, s->nseries, 8);
	put_le(w, s->ndays, 8);
	put_f64(w, s->alpha);
	for (size_t i = 0; i < s->nseries; i++) {
		put_f64(w, s->series[i].reference);
		put_le(w, s->series[i].integer ? 1 : 0, 1);
	}
	for (size_t i = 0; i < s->nseries * s->ndays; i++) {
		const struct cell *c = &s->cells[i];
		put_varint(w, c->n);
		put_varint(w, c->rejected);
		if (c->n == 0)
			continue;
		put_varint(w, c->zeros);
		put_varint(w, c->negatives);
		put_f64(w, c->min);
		put_f64(w, c->max);
		for (int j = 0; j < 3; j++)
			put_le(w, c->sum[j], 8);
		for (int side = 1; side >= 0; side--) {
			uint32_t first, len;
			window_used(&c->w[side], &first, &len);
			if (len == 0)
				continue;
			put_varint(w, first);
			put_varint(w, len);
			for (uint32_t j = 0; j < len; j++)
				put_varint(w, wget(&c->w[side], first - c->w[side].lo + j));
		}
	}
}

enum hp_status hp_stats_serialize(const struct hp_stats *s, unsigned char **buf, size_t *len,
				  struct hp_error *err)
{
	struct writer w = {NULL, 0};

	*buf = NULL;
	*len = 0;
	write_all(s, &w);
	w.p = hp_malloc(w.n);
	if (!w.p)
		return hp_error_set(err, HP_ENOMEM, NULL,
				    "out of memory for a serialized summary of %zu bytes", w.n);
	*len = w.n;
	w.n = 0;
	write_all(s, &w);
	assert(w.n == *len);
	*buf = w.p;
	return HP_OK;
}

struct reader {
	const unsigned char *p, *start, *end;
};

static bool get_le(struct reader *r, unsigned nbytes, uint64_t *v)
{
	if ((size_t)(r->end - r->p) < nbytes)
		return false;
	*v = 0;
	for (unsigned i = 0; i < nbytes; i++)
		*v |= (uint64_t)r->p[i] << (8 * i);
	r->p += nbytes;
	return true;
}

static bool get_f64(struct reader *r, double *x)
{
	uint64_t v;

	if (!get_le(r, 8, &v))
		return false;
	memcpy(x, &v, sizeof(*x));
	return true;
}

/* 0 ok, 1 truncated, 2 malformed (too long, over 64 bits or not shortest) */
static int get_varint(struct reader *r, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	for (unsigned i = 0;; i++) {
		unsigned char b;
		if (r->p == r->end)
			return 1;
		b = *r->p++;
		if (i == 9 && b > 1)
			return 2;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return (b == 0 && i > 0) ? 2 : 0;
		shift += 7;
	}
}

static enum hp_status parse_error(const struct reader *r, size_t series, size_t day,
				  const char *what, struct hp_error *err)
{
	char field[96];

	if (series == SIZE_MAX)
		snprintf(field, sizeof(field), "summary");
	else
		snprintf(field, sizeof(field), "summary.cells[%zu][%zu]", series, day);
	return hp_error_set(err, HP_EPARSE, field, "%s, at byte %zu of %zu", what,
			    (size_t)(r->p - r->start), (size_t)(r->end - r->start));
}

#define TRUNCATED "truncated"

/* Read a varint; on failure report it and return false. */
static bool read_varint(struct reader *r, uint64_t *v, size_t series, size_t day,
			enum hp_status *st, struct hp_error *err)
{
	int rc = get_varint(r, v);

	if (rc == 0)
		return true;
	*st = parse_error(r, series, day, rc == 1 ? TRUNCATED : "malformed count", err);
	return false;
}

/* Signed 192-bit n * u (u < 2^126 in magnitude, sign neg), into out[3]. */
static void mul_192(uint64_t n, u128 u, bool neg, uint64_t out[3])
{
	u128 lo = (u128)n * (uint64_t)u, hi = (u128)n * (uint64_t)(u >> 64);
	u128 mid = (lo >> 64) + (uint64_t)hi;

	out[0] = (uint64_t)lo;
	out[1] = (uint64_t)mid;
	out[2] = (uint64_t)(hi >> 64) + (uint64_t)(mid >> 64);
	if (neg) {
		out[0] = ~out[0];
		out[1] = ~out[1];
		out[2] = ~out[2];
		if (++out[0] == 0 && ++out[1] == 0)
			out[2]++;
	}
}

static int cmp_192(const uint64_t a[3], const uint64_t b[3])
{
	if (a[2] != b[2])
		return (int64_t)a[2] < (int64_t)b[2] ? -1 : 1;
	for (int i = 1; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Is x a value the cell can hold (finite, in range, +0 not -0)? */
static bool value_ok(const struct series_info *si, double x)
{
	uint64_t bits;

	memcpy(&bits, &x, sizeof(bits));
	return bits != SIGN_BIT && ((bits & ~SIGN_BIT) >> 52) < si->ef_limit;
}

/*
 * Parse one cell at r into sc (its windows point into the string), and
 * check it: counts add up, bins in range, min and max in the first and
 * last bins with counts, the sum between n min and n max.
 */
static bool parse_cell(const struct hp_stats *s, struct reader *r, size_t series, size_t day,
		       struct src_cell *sc, enum hp_status *st, struct hp_error *err)
{
	const struct series_info *si = &s->series[series];
	uint64_t lo192[3], hi192[3], minb, maxb;
	uint64_t expect[2];

	memset(sc, 0, sizeof(*sc));
	sc->min = INFINITY;
	sc->max = -INFINITY;
	if (!read_varint(r, &sc->n, series, day, st, err) ||
	    !read_varint(r, &sc->rejected, series, day, st, err))
		return false;
	if (sc->n == 0)
		return true;
	if (!read_varint(r, &sc->zeros, series, day, st, err) ||
	    !read_varint(r, &sc->negatives, series, day, st, err))
		return false;
	if (sc->zeros > sc->n || sc->negatives > sc->n - sc->zeros) {
		*st = parse_error(r, series, day, "zeros and negatives exceed the count", err);
		return false;
	}
	if (!get_f64(r, &sc->min) || !get_f64(r, &sc->max) || !get_le(r, 8, &sc->sum[0]) ||
	    !get_le(r, 8, &sc->sum[1]) || !get_le(r, 8, &sc->sum[2])) {
		*st = parse_error(r, series, day, TRUNCATED, err);
		return false;
	}
	if (!value_ok(si, sc->min) || !value_ok(si, sc->max) || !(sc->min <= sc->max)) {
		*st = parse_error(r, series, day, "bad minimum or maximum", err);
		return false;
	}
	expect[1] = sc->negatives;
	expect[0] = sc->n - sc->zeros - sc->negatives;
	for (int side = 1; side >= 0; side--) {
		struct src_window *sw = &sc->w[side];
		uint64_t first, len, total = 0, cnt = 0;
		if (expect[side] == 0)
			continue;
		if (!read_varint(r, &first, series, day, st, err) ||
		    !read_varint(r, &len, series, day, st, err))
			return false;
		if (len == 0 || first >= s->nindex || len > s->nindex - first) {
			*st = parse_error(r, series, day, "bins out of range", err);
			return false;
		}
		if (len > (uint64_t)(r->end - r->p)) {
			*st = parse_error(r, series, day, TRUNCATED, err);
			return false;
		}
		sw->first = (uint32_t)first;
		sw->len = (uint32_t)len;
		sw->mem = NULL;
		sw->enc = r->p;
		for (uint64_t j = 0; j < len; j++) {
			if (!read_varint(r, &cnt, series, day, st, err))
				return false;
			if ((j == 0 || j == len - 1) && cnt == 0) {
				*st = parse_error(r, series, day, "first or last bin empty", err);
				return false;
			}
			if (cnt > expect[side] - total) {
				*st =
				    parse_error(r, series, day, "bin counts exceed the count", err);
				return false;
			}
			total += cnt;
		}
		if (total != expect[side]) {
			*st =
			    parse_error(r, series, day, "bin counts fall short of the count", err);
			return false;
		}
	}
	/* min and max must lie where the bins say */
	memcpy(&minb, &sc->min, sizeof(minb));
	memcpy(&maxb, &sc->max, sizeof(maxb));
	minb &= ~SIGN_BIT;
	maxb &= ~SIGN_BIT;
	if (sc->negatives ? !(sc->min < 0 && bin_of(s, minb) == sc->w[1].first + sc->w[1].len - 1)
	    : sc->zeros	  ? sc->min != 0
			  : !(sc->min > 0 && bin_of(s, minb) == sc->w[0].first)) {
		*st = parse_error(r, series, day, "minimum outside its bin", err);
		return false;
	}
	if (expect[0]	? !(sc->max > 0 && bin_of(s, maxb) == sc->w[0].first + sc->w[0].len - 1)
	    : sc->zeros ? sc->max != 0
			: !(sc->max < 0 && bin_of(s, maxb) == sc->w[1].first)) {
		*st = parse_error(r, series, day, "maximum outside its bin", err);
		return false;
	}
	/* n u(min) <= sum <= n u(max), u() the rounding to units (monotone) */
	mul_192(sc->n, to_units(minb, si->unit_exp), sc->min < 0, lo192);
	mul_192(sc->n, to_units(maxb, si->unit_exp), sc->max < 0, hi192);
	if (cmp_192(sc->sum, lo192) < 0 || cmp_192(sc->sum, hi192) > 0) {
		*st = parse_error(r, series, day, "sum outside count x [minimum, maximum]", err);
		return false;
	}
	return true;
}

/* Parse and check the header; r is left at the first cell. */
static enum hp_status parse_header(const struct hp_stats *into, struct reader *r, unsigned *flags,
				   struct hp_error *err)
{
	uint64_t version, fl, nseries, ndays, ref, integer;
	double alpha;

	if ((size_t)(r->end - r->p) < 4)
		return parse_error(r, SIZE_MAX, 0, TRUNCATED, err);
	if (memcmp(r->p, format_magic, 4) != 0)
		return parse_error(r, SIZE_MAX, 0, "not a summary (no 'hpst' magic)", err);
	r->p += 4;
	if (!get_le(r, 2, &version) || !get_le(r, 2, &fl))
		return parse_error(r, SIZE_MAX, 0, TRUNCATED, err);
	if (version != FORMAT_VERSION)
		return hp_error_set(err, HP_EPARSE, "summary", "version must be %d, got %llu",
				    FORMAT_VERSION, (unsigned long long)version);
	if (fl & ~(uint64_t)FLAG_INCOMPLETE)
		return parse_error(r, SIZE_MAX, 0, "unknown flags", err);
	*flags = (unsigned)fl;
	if (!get_le(r, 8, &nseries) || !get_le(r, 8, &ndays) || !get_f64(r, &alpha))
		return parse_error(r, SIZE_MAX, 0, TRUNCATED, err);
	if (nseries != into->nseries || ndays != into->ndays || !(alpha == into->alpha))
		return shape_error(into, (size_t)nseries, (size_t)ndays, alpha, "summary", err);
	for (size_t i = 0; i < into->nseries; i++) {
		double reference;
		if (!get_le(r, 8, &ref) || !get_le(r, 1, &integer))
			return parse_error(r, SIZE_MAX, 0, TRUNCATED, err);
		if (integer > 1)
			return parse_error(r, SIZE_MAX, 0, "series flag not 0 or 1", err);
		memcpy(&reference, &ref, sizeof(reference));
		if (!(reference == into->series[i].reference) ||
		    (integer == 1) != into->series[i].integer)
			return series_error(into, i, reference, integer == 1, "summary", err);
	}
	return HP_OK;
}

/*
 * Method: parse and check the whole string without touching `into`
 * (header, every cell, no trailing bytes, no count overflow); then grow
 * into's windows (contents unchanged), then add - the passes of
 * hp_stats_merge, reading the counts from the string.
 * Special cases: the flag "values lost" sets into's status to HP_ENOMEM.
 * Accuracy: exact; merging a serialized summary equals merging the summary.
 * Source: docs/model.md "Monte Carlo summaries", serialization.
 */
enum hp_status hp_stats_merge_serialized(struct hp_stats *into, const unsigned char *buf,
					 size_t len, struct hp_error *err)
{
	struct reader r = {buf, buf, buf + len}, cells;
	struct src_cell sc;
	enum hp_status st = HP_OK;
	unsigned flags = 0;
	size_t ncells = into->nseries * into->ndays;

	if (!buf) /* an empty string, not a crash */
		r.p = r.start = r.end = format_magic;
	st = parse_header(into, &r, &flags, err);
	if (st != HP_OK)
		return st;
	cells = r;
	for (size_t i = 0; i < ncells; i++) {
		if (!parse_cell(into, &r, i / into->ndays, i % into->ndays, &sc, &st, err))
			return st;
		if (merge_overflows(&into->cells[i], &sc))
			return overflow_error(i / into->ndays, i % into->ndays, "summary", err);
	}
	if (r.p != r.end)
		return parse_error(&r, SIZE_MAX, 0, "trailing bytes after the last cell", err);

	r = cells;
	for (size_t i = 0; i < ncells; i++) {
		parse_cell(into, &r, i / into->ndays, i % into->ndays, &sc, &st, err);
		if (!merge_prepare(into, &into->cells[i], &sc))
			return hp_error_set(err, HP_ENOMEM, NULL,
					    "out of memory merging summaries, cell %zu of %zu", i,
					    ncells);
	}
	r = cells;
	for (size_t i = 0; i < ncells; i++) {
		parse_cell(into, &r, i / into->ndays, i % into->ndays, &sc, &st, err);
		merge_apply(&into->cells[i], &sc);
	}
	if (flags & FLAG_INCOMPLETE)
		into->status = HP_ENOMEM;
	return HP_OK;
}
