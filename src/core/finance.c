/*
 * finance.c - discounting and decisions over cash-flow streams
 * (include/hashpivot/finance.h): NPV, IRR, payback, the calendar months of
 * a monthly model, quantiles, and least-squares Monte Carlo.
 *
 * Everything here is a pure function of its arguments; only hp_finance_lsm
 * allocates (one workspace, freed before it returns). Sums over streams and
 * paths are compensated (Neumaier). Equations: docs/model.md.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "hashpivot/alloc.h"
#include "hashpivot/finance.h"

#include "hashpivot/calendar.h"

/* ------------------------------------------------------------------ */
/* compensated summation                                                */
/* ------------------------------------------------------------------ */

/*
 * Method: Neumaier's variant of Kahan summation (the rounding error of each
 * addition is recovered exactly and added back once at the end).
 * Accuracy: |result - exact| <= 2u|exact| + O(n u^2) sum|x_i|, u = 2^-53.
 * Source: A. Neumaier, ZAMM 54 (1974) 39-51.
 */
struct ksum {
	double s;
	double c;
};

static void ksum_add(struct ksum *k, double x)
{
	double t = k->s + x;

	if (fabs(k->s) >= fabs(x))
		k->c += (k->s - t) + x;
	else
		k->c += (x - t) + k->s;
	k->s = t;
}

static double ksum_value(const struct ksum *k)
{
	return k->s + k->c;
}

/* ------------------------------------------------------------------ */
/* rates and NPV                                                        */
/* ------------------------------------------------------------------ */

/*
 * Method: (1 + R)^(1/12) - 1 as expm1(log1p(R) / 12), R = pct / 100.
 * Special cases: pct = -100 gives -1; pct < -100 or NaN gives NaN.
 * Accuracy: a few ulps relative, also for small rates, where the direct
 * formula loses digits to cancellation.
 * Source: docs/model.md "Rates".
 */
double hp_finance_monthly_rate(double pct_per_year)
{
	return expm1(log1p(pct_per_year / 100) / 12);
}

/*
 * Method: sum cf[i] d_i, d_i = (1 + rate)^-i = exp(-i log1p(rate)), summed
 * with Neumaier's compensation.
 * Special cases: rate <= -1 or NaN gives NaN; n = 0 gives 0. Very negative
 * rates over long streams may overflow to +-inf (the exact value does).
 * Accuracy: each d_i is within ~(2 + i |log1p(rate)|) u relative (the
 * rounding of i * log1p(rate) is amplified by exp), e.g. <= 60 u for 600
 * months at 10 %/month; the sum adds 2u |NPV| + O(n u^2) sum |cf_i d_i|.
 * Source: docs/model.md "NPV".
 */
double hp_finance_npv(const double *cf, size_t n, double rate)
{
	struct ksum sum = { 0, 0 };
	double l;
	size_t i;

	if (!(rate > -1))
		return NAN;
	l = log1p(rate);
	for (i = 0; i < n; i++)
		ksum_add(&sum, cf[i] * exp(-(double)i * l));
	return ksum_value(&sum);
}

/* ------------------------------------------------------------------ */
/* IRR                                                                  */
/* ------------------------------------------------------------------ */

#define IRR_GRID 2000           /* grid points in u = log(1 + r) */
#define IRR_MIN_GROWTH 1e-6     /* 1 + r at the low end of the scan */
#define IRR_REL_TOL 1e-12       /* relative tolerance in r */
#define IRR_ABS_TOL 1e-15       /* absolute floor (roots at r = 0) */
#define IRR_MERGE_U 1e-7        /* roots closer than this in u are one */
#define IRR_MAX_FOUND 64        /* internal buffer before merging */

/*
 * A positive multiple of the NPV at u = log(1 + r), bounded for every u:
 *   below (u < 0):  sum cf[i] y^(n-1-i),  y = e^u  in (0, 1)  = NPV (1+r)^(n-1)
 *   above (u >= 0): sum cf[i] x^i,        x = e^-u in (0, 1]  = NPV
 * by Horner, so neither form overflows (|value| <= sum |cf|). *mag gets the
 * same polynomial with |cf|, the scale of its rounding error.
 */
static double npv_form(const double *cf, size_t n, double u, bool below, double *mag)
{
	double acc = 0, m = 0;
	size_t i;

	if (below) {
		double y = exp(u);

		for (i = 0; i < n; i++)
			acc = acc * y + cf[i];
		if (mag)
			for (i = 0; i < n; i++)
				m = m * y + fabs(cf[i]);
	} else {
		double x = exp(-u);

		for (i = n; i-- > 0;)
			acc = acc * x + cf[i];
		if (mag)
			for (i = n; i-- > 0;)
				m = m * x + fabs(cf[i]);
	}
	if (mag)
		*mag = m;
	return acc;
}

/*
 * npv_form at the four points u[0..4), all on one side of 0: four
 * independent Horner chains in one loop, so the multiply-adds overlap
 * (a single chain waits on each one's latency).
 */
static void npv_form4(const double *cf, size_t n, const double *u, bool below, double *f)
{
	double z0, z1, z2, z3, a0 = 0, a1 = 0, a2 = 0, a3 = 0;
	size_t i;

	if (below) {
		z0 = exp(u[0]);
		z1 = exp(u[1]);
		z2 = exp(u[2]);
		z3 = exp(u[3]);
		for (i = 0; i < n; i++) {
			a0 = a0 * z0 + cf[i];
			a1 = a1 * z1 + cf[i];
			a2 = a2 * z2 + cf[i];
			a3 = a3 * z3 + cf[i];
		}
	} else {
		z0 = exp(-u[0]);
		z1 = exp(-u[1]);
		z2 = exp(-u[2]);
		z3 = exp(-u[3]);
		for (i = n; i-- > 0;) {
			a0 = a0 * z0 + cf[i];
			a1 = a1 * z1 + cf[i];
			a2 = a2 * z2 + cf[i];
			a3 = a3 * z3 + cf[i];
		}
	}
	f[0] = a0;
	f[1] = a1;
	f[2] = a2;
	f[3] = a3;
}

static double npv_u(const double *cf, size_t n, double u, double *mag)
{
	return npv_form(cf, n, u, u < 0, mag);
}

/* The tolerance in u for a relative IRR_REL_TOL in r = e^u - 1 (dr = e^u du). */
static double u_tol(double u)
{
	return IRR_REL_TOL * fabs(expm1(u)) * exp(-u) + IRR_ABS_TOL;
}

/*
 * Brent's method (zeroin) on f(u) = npv_form(u, below) over [a, b] with
 * f(a) f(b) < 0; one form throughout so the function is smooth.
 */
static double brent(const double *cf, size_t n, bool below, double a, double b, double fa,
		    double fb)
{
	double c = a, fc = fa, d = b - a, e = d;
	int iter;

	for (iter = 0; iter < 300; iter++) {
		double tol1, xm;

		if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
			c = a;
			fc = fa;
			d = e = b - a;
		}
		if (fabs(fc) < fabs(fb)) {
			a = b;
			b = c;
			c = a;
			fa = fb;
			fb = fc;
			fc = fa;
		}
		tol1 = 2 * DBL_EPSILON * fabs(b) + 0.5 * u_tol(b);
		xm = 0.5 * (c - b);
		if (fabs(xm) <= tol1 || fb == 0)
			return b;
		if (fabs(e) >= tol1 && fabs(fa) > fabs(fb)) {
			double p, q, r, s = fb / fa;

			if (a == c) {
				p = 2 * xm * s;
				q = 1 - s;
			} else {
				q = fa / fc;
				r = fb / fc;
				p = s * (2 * xm * q * (q - r) - (b - a) * (r - 1));
				q = (q - 1) * (r - 1) * (s - 1);
			}
			if (p > 0)
				q = -q;
			else
				p = -p;
			if (2 * p < fmin(3 * xm * q - fabs(tol1 * q), fabs(e * q))) {
				e = d;
				d = p / q;
			} else {
				d = xm;
				e = d;
			}
		} else {
			d = xm;
			e = d;
		}
		a = b;
		fa = fb;
		b += fabs(d) > tol1 ? d : copysign(tol1, xm);
		fb = npv_form(cf, n, b, below, NULL);
	}
	return b;
}

/*
 * The root in [a, b] (a < b) where the scaled NPV changes sign. A bracket
 * across u = 0 is first split there (both forms equal the NPV at 0), so
 * Brent runs on one smooth form.
 */
static double refine(const double *cf, size_t n, double a, double b)
{
	bool below;
	double fa, fb;

	if (a < 0 && b > 0) {
		double f0 = npv_form(cf, n, 0, false, NULL);
		double fa0 = npv_form(cf, n, a, true, NULL);

		if (f0 == 0)
			return 0;
		if ((fa0 < 0) != (f0 < 0))
			b = 0;
		else
			a = 0;
	}
	below = b <= 0;
	fa = npv_form(cf, n, a, below, NULL);
	fb = npv_form(cf, n, b, below, NULL);
	if (fa == 0)
		return a;
	if (fb == 0)
		return b;
	return brent(cf, n, below, a, b, fa, fb);
}

struct roots {
	double u[IRR_MAX_FOUND];
	size_t n;
};

static void roots_add(struct roots *r, double u)
{
	if (r->n < IRR_MAX_FOUND)
		r->u[r->n++] = u;
}

/*
 * A grid minimum of |F| at u_k between neighbours of the same sign s:
 * golden-section search for the minimum of s F on [lo, hi]. If s F reaches
 * <= 0 the dip crosses zero (two close roots, or a touching root hit
 * exactly); otherwise the minimum is a touching root when it is zero to
 * rounding, |F| <= 8 n u mag (the Horner error bound, with margin).
 */
static void touch(const double *cf, size_t n, double lo, double hi, double s, struct roots *r)
{
	const double g = 0.38196601125010515; /* (3 - sqrt 5) / 2 */
	double a = lo, b = hi, x1, x2, f1, f2, mag;
	int iter;

	x1 = a + g * (b - a);
	x2 = b - g * (b - a);
	f1 = s * npv_u(cf, n, x1, NULL);
	f2 = s * npv_u(cf, n, x2, NULL);
	for (iter = 0; iter < 200 && b - a > 0.5 * u_tol(0.5 * (a + b)); iter++) {
		double xz = f1 <= 0 ? x1 : f2 <= 0 ? x2 : NAN;

		if (!isnan(xz)) {
			if (s * npv_u(cf, n, xz, NULL) == 0) {
				roots_add(r, xz);
			} else {
				roots_add(r, refine(cf, n, lo, xz));
				roots_add(r, refine(cf, n, xz, hi));
			}
			return;
		}
		if (f1 < f2) {
			b = x2;
			x2 = x1;
			f2 = f1;
			x1 = a + g * (b - a);
			f1 = s * npv_u(cf, n, x1, NULL);
		} else {
			a = x1;
			x1 = x2;
			f1 = f2;
			x2 = b - g * (b - a);
			f2 = s * npv_u(cf, n, x2, NULL);
		}
	}
	x1 = f1 < f2 ? x1 : x2;
	f1 = s * npv_u(cf, n, x1, &mag);
	if (f1 <= 8.0 * (double)n * DBL_EPSILON * mag)
		roots_add(r, x1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Method: Descartes' rule bounds the roots x = 1/(1+r) > 0 by the sign
 * changes V of the stream (zeros skipped; leading and trailing zeros are
 * dropped, which leaves the roots in r > -1 unchanged). V = 0: no root. V = 1: exactly
 * one root in (-1, inf), found by bisection on the sign over u = log(1+r)
 * in [log 1e-6, log 101] until a grid cell is left, then Brent - or none
 * when the ends share a sign (the root lies outside). V >= 2: the scaled
 * NPV (npv_form, never overflowing) is evaluated on IRR_GRID points of u
 * over that range; each sign change is refined with Brent (relative 1e-12
 * in r, absolute floor 1e-15); each grid minimum of |F| between points of
 * one sign is searched for a touching root (touch()). Non-finite grid
 * values are skipped. Roots closer than 1e-7 in u are merged.
 * Special cases: n < 2 or a non-finite flow is HP_EINVAL; an all-zero
 * stream reports none (every rate would do). Roots below -1 + 1e-6 or above
 * HP_IRR_MAX_RATE are not reported. More than HP_IRR_MAX_ROOTS roots: the
 * lowest HP_IRR_MAX_ROOTS are listed, kind multiple.
 * Accuracy: simple roots to relative 1e-12 in r (plus the conditioning of
 * the polynomial); touching (even-multiplicity) roots to ~sqrt(u) ~ 1e-8.
 * Two roots closer than a grid cell (~0.0092 in u) are found only when the
 * NPV between them dips far enough to leave a grid minimum.
 * Cost: V = 1: ~15 bisections and a Brent refinement, each one Horner
 * pass of n terms (measured 5.5 us for n = 120); V >= 2: IRR_GRID passes,
 * four at a time, plus the refinements (150 us for n = 120, 0.8 ms for
 * n = 600; docs/model.md).
 * Source: docs/model.md "IRR"; R. P. Brent, Algorithms for
 * Minimization without Derivatives (1973), ch. 4.
 */
enum hp_status hp_finance_irr(const double *cf, size_t n, struct hp_irr *out,
			      struct hp_error *err)
{
	const double ulo = log(IRR_MIN_GROWTH), uhi = log1p(HP_IRR_MAX_RATE);
	struct roots r;
	struct hp_irr res;
	size_t i, k, changes = 0;
	int last = 0;

	if (!cf || n < 2)
		return hp_error_set(err, HP_EINVAL, "cash_flows",
				    "must hold at least 2 flows, got %zu", cf ? n : 0);
	for (i = 0; i < n; i++) {
		char field[40];
		int sg;

		if (!isfinite(cf[i])) {
			snprintf(field, sizeof(field), "cash_flows[%zu]", i);
			return hp_error_set(err, HP_EINVAL, field, "must be finite, got %g", cf[i]);
		}
		sg = (cf[i] > 0) - (cf[i] < 0);
		if (sg && last && sg != last)
			changes++;
		if (sg)
			last = sg;
	}

	memset(&res, 0, sizeof(res));
	r.n = 0;
	res.sign_changes = changes;
	/* leading and trailing zeros scale the polynomial by a power of x or y
	 * and would underflow it to exactly 0 at the ends of the scan */
	while (n > 0 && cf[n - 1] == 0)
		n--;
	while (n > 0 && cf[0] == 0) {
		cf++;
		n--;
	}
	if (changes == 1) {
		double a = ulo, b = uhi;
		double fa = npv_u(cf, n, a, NULL), fb = npv_u(cf, n, b, NULL);
		const double cell = (uhi - ulo) / (IRR_GRID - 1);

		if (fa == 0) {
			roots_add(&r, a);
		} else if (fb == 0) {
			roots_add(&r, b);
		} else if ((fa < 0) != (fb < 0)) {
			while (b - a > cell) {
				double m = 0.5 * (a + b), fm = npv_u(cf, n, m, NULL);

				if (fm == 0) {
					a = b = m;
					break;
				}
				if ((fm < 0) == (fa < 0))
					a = m;
				else
					b = m;
			}
			roots_add(&r, a == b ? a : refine(cf, n, a, b));
		}
	} else if (changes >= 2) {
		double ug[IRR_GRID], fg[IRR_GRID];

		for (k = 0; k < IRR_GRID; k++)
			ug[k] = k == IRR_GRID - 1 ? uhi : ulo + (uhi - ulo) * (double)k / (IRR_GRID - 1);
		for (k = 0; k < IRR_GRID;) {
			if (k + 4 <= IRR_GRID && (ug[k] < 0) == (ug[k + 3] < 0)) {
				npv_form4(cf, n, ug + k, ug[k] < 0, fg + k);
				k += 4;
			} else {
				fg[k] = npv_u(cf, n, ug[k], NULL);
				k++;
			}
		}
		for (k = 0; k < IRR_GRID; k++) {
			double f = fg[k], fp = k >= 1 ? fg[k - 1] : NAN, fpp = k >= 2 ? fg[k - 2] : NAN;

			if (!isfinite(f))
				continue;
			if (f == 0)
				roots_add(&r, ug[k]);
			else if (isfinite(fp) && fp != 0 && (f < 0) != (fp < 0))
				roots_add(&r, refine(cf, n, ug[k - 1], ug[k]));
			else if (isfinite(fp) && isfinite(fpp) && fp != 0 && fpp != 0 &&
				 (fpp < 0) == (fp < 0) && (fp < 0) == (f < 0) &&
				 fabs(fp) <= fabs(fpp) && fabs(fp) <= fabs(f))
				touch(cf, n, ug[k - 2], ug[k], fp < 0 ? -1.0 : 1.0, &r);
		}
	}

	/* ascending, merged, listed as rates */
	qsort(r.u, r.n, sizeof(r.u[0]), cmp_double);
	for (i = 0; i < r.n; i++) {
		if (res.nroots && r.u[i] - r.u[i - 1] <= IRR_MERGE_U)
			continue;
		if (res.nroots == HP_IRR_MAX_ROOTS) {
			res.nroots++; /* marks the overflow; cut below */
			break;
		}
		res.roots[res.nroots++] = expm1(r.u[i]);
	}
	if (res.nroots > HP_IRR_MAX_ROOTS)
		res.nroots = HP_IRR_MAX_ROOTS;
	res.rate = NAN;
	if (res.nroots == 0) {
		res.kind = HP_IRR_NONE;
	} else if (res.nroots == 1) {
		res.kind = HP_IRR_UNIQUE;
		res.rate = res.roots[0];
	} else {
		res.kind = HP_IRR_MULTIPLE;
	}
	for (i = res.nroots; i < HP_IRR_MAX_ROOTS; i++)
		res.roots[i] = NAN;
	*out = res;
	return HP_OK;
}

const char *hp_finance_irr_kind_name(enum hp_irr_kind k)
{
	switch (k) {
	case HP_IRR_UNIQUE:
		return "unique";
	case HP_IRR_NONE:
		return "none";
	case HP_IRR_MULTIPLE:
		return "multiple";
	}
	return "unknown";
}

/* ------------------------------------------------------------------ */
/* payback                                                              */
/* ------------------------------------------------------------------ */

/*
 * Method: S_k = sum_{i<=k} cf[i] (1+rate)^-i (compensated). With j the first
 * k where S_k < 0 and k > j the first where S_k >= 0 after it, the payback
 * is (k - 1) + (-S_{k-1}) / (S_k - S_{k-1}): the flow of period k is taken
 * to arrive evenly over (k - 1, k].
 * Special cases: S never negative: 0, paid back. Negative and never back
 * to >= 0 within n: NaN, not paid back. rate <= -1 or NaN: NaN, not paid
 * back. Only the first return counts.
 * Accuracy: as hp_finance_npv for the sums; one division.
 * Source: docs/model.md "Payback".
 */
void hp_finance_payback(const double *cf, size_t n, double rate, struct hp_payback_period *out)
{
	struct ksum s = { 0, 0 };
	bool neg = false;
	double prev = 0, l;
	size_t i;

	out->paid_back = false;
	out->periods = NAN;
	if (!(rate > -1))
		return;
	l = log1p(rate);
	for (i = 0; i < n; i++) {
		double cur;

		ksum_add(&s, cf[i] * exp(-(double)i * l));
		cur = ksum_value(&s);
		if (!neg && cur < 0) {
			neg = true;
		} else if (neg && cur >= 0) {
			out->paid_back = true;
			out->periods = (double)(i - 1) + -prev / (cur - prev);
			return;
		}
		prev = cur;
	}
	if (!neg) {
		out->paid_back = true;
		out->periods = 0;
	}
}

/* ------------------------------------------------------------------ */
/* calendar months                                                      */
/* ------------------------------------------------------------------ */

static unsigned last_day_of_month(int64_t y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/*
 * Method: with start date (Y, M, D), month m starts on (Y, M + m) at day
 * min(D, last day of that month); bounds[m] is its day count since
 * start_day.
 * Special cases: bounds[0] = 0 always; nmonths = 0 writes bounds[0] only.
 * Accuracy: exact integers (proleptic Gregorian calendar).
 * Source: docs/model.md "Calendar months".
 */
void hp_finance_month_bounds(int64_t start_day, size_t nmonths, int64_t *bounds)
{
	int64_t y0;
	unsigned m0, d0;
	size_t m;

	hp_calendar_civil_from_days(start_day, &y0, &m0, &d0);
	for (m = 0; m <= nmonths; m++) {
		int64_t total = (int64_t)(m0 - 1) + (int64_t)m;
		int64_t y = y0 + total / 12;
		unsigned mo = (unsigned)(total % 12) + 1;
		unsigned last = last_day_of_month(y, mo);

		bounds[m] = hp_calendar_days_from_civil(y, mo, d0 < last ? d0 : last) - start_day;
	}
}

/* ------------------------------------------------------------------ */
/* quantiles and sorting                                                */
/* ------------------------------------------------------------------ */

/*
 * Method: Hyndman & Fan (1996) type 7: h = (n - 1) q, j = floor(h),
 * Q = x[j] + (h - j) (x[j+1] - x[j]).
 * Special cases: n = 0, q outside [0, 1] or NaN: NaN; q = 1 gives x[n-1];
 * equal neighbours return that value exactly (also for infinities).
 * Accuracy: one interpolation, a few ulps of the interval.
 * Source: R. J. Hyndman, Y. Fan, The American Statistician 50 (1996)
 * 361-365; docs/model.md "Quantiles".
 */
double hp_finance_quantile_sorted(const double *sorted, size_t n, double q)
{
	double h, fj, lo, hi;
	size_t j;

	if (n == 0 || !(q >= 0 && q <= 1))
		return NAN;
	h = (double)(n - 1) * q;
	fj = floor(h);
	j = (size_t)fj;
	if (j >= n - 1)
		return sorted[n - 1];
	lo = sorted[j];
	hi = sorted[j + 1];
	if (lo == hi || h == fj)
		return lo;
	return lo + (h - fj) * (hi - lo);
}

/* A total order: -inf < ... < -0 < +0 < ... < +inf < NaN. */
static int total_order(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	bool nx = isnan(x), ny = isnan(y);

	if (nx || ny)
		return (int)nx - (int)ny;
	if (x < y)
		return -1;
	if (x > y)
		return 1;
	return (int)(signbit(y) != 0) - (int)(signbit(x) != 0);
}

/* qsort with total_order (NaNs last, -0 before +0). */
void hp_finance_sort(double *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof(*x), total_order);
}

/* ------------------------------------------------------------------ */
/* least-squares Monte Carlo                                            */
/* ------------------------------------------------------------------ */

#define LSM_MAX_DEGREE 6
#define LSM_RANK_TOL 1e-9 /* |R_jj| / |column j| below this: dependent */

struct lsm_ws {
	double *v;      /* npaths: realised value from t on, at t */
	double *a;      /* npaths * (degree + 1): the design matrix, column-major */
	double *b;      /* npaths: right-hand side, then coefficients */
	double *x;      /* npaths: scaled state of the regression paths */
	double *y;      /* npaths: their discounted realised future */
	double *work;   /* lwork: dgels' workspace */
	size_t *idx;    /* npaths: the regression paths */
	int64_t *stop;  /* npaths: stopping date, nsteps for never */
	lapack_int lwork;
};

/*
 * Least squares of y[0..m) on 1, x, ..., x^d, starting at d = degree
 * (lowered to m - 2 when m < degree + 2) and dropping a degree while dgels
 * reports exact rank deficiency (info > 0) or the QR factor shows a column
 * numerically dependent on the ones before (|R_jj| <= 1e-9 |a_j|).
 * Degree 0 (the mean) always succeeds for m >= 1.
 */
static enum hp_status lsm_fit(struct lsm_ws *w, size_t m, unsigned degree, double *coef,
			      unsigned *deg_used, struct hp_error *err)
{
	int d = (int)degree;

	if (m < (size_t)degree + 2)
		d = m >= 2 ? (int)(m - 2) : 0;
	for (; d >= 0; d--) {
		size_t ncol = (size_t)d + 1, i, j;
		double norm[LSM_MAX_DEGREE + 1];
		lapack_int info;
		bool ok = true;

		for (j = 0; j < ncol; j++) {
			double *col = w->a + j * m, ss = 0;
			/* the column before: col - m would be col[i - m] with i - m
			 * wrapping around as a size_t (undefined pointer arithmetic) */
			const double *prev = j ? col - m : NULL;

			for (i = 0; i < m; i++) {
				col[i] = j == 0 ? 1.0 : prev[i] * w->x[i];
				ss += col[i] * col[i];
			}
			norm[j] = sqrt(ss);
		}
		for (i = 0; i < m; i++)
			w->b[i] = w->y[i];
		info = LAPACKE_dgels_work(LAPACK_COL_MAJOR, 'N', (lapack_int)m, (lapack_int)ncol,
					  1, w->a, (lapack_int)m, w->b, (lapack_int)m, w->work,
					  w->lwork);
		if (info < 0)
			return hp_error_set(err, HP_EINTERNAL, NULL,
					    "LAPACKE_dgels_work: argument %d is invalid", (int)-info);
		if (info > 0)
			continue;
		for (j = 1; j < ncol; j++)
			if (!(fabs(w->a[j * m + j]) > LSM_RANK_TOL * norm[j]))
				ok = false;
		if (!ok)
			continue;
		for (j = 0; j < ncol; j++)
			coef[j] = w->b[j];
		*deg_used = (unsigned)d;
		return HP_OK;
	}
	return hp_error_set(err, HP_EINTERNAL, NULL, "LAPACKE_dgels_work: no fit of degree 0");
}

static double poly(const double *coef, unsigned d, double x)
{
	double acc = coef[d];
	unsigned j;

	for (j = d; j-- > 0;)
		acc = acc * x + coef[j];
	return acc;
}

static enum hp_status lsm_check_finite(const double *a, size_t n, const char *name,
				       struct hp_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isfinite(a[i])) {
			char field[48];

			snprintf(field, sizeof(field), "%s[%zu]", name, i);
			return hp_error_set(err, HP_EINVAL, field, "must be finite, got %g", a[i]);
		}
	}
	return HP_OK;
}

static enum hp_status lsm_validate(const struct hp_lsm_input *in, struct hp_error *err)
{
	size_t cells;
	enum hp_status ret;

	if (in->degree < 1 || in->degree > LSM_MAX_DEGREE)
		return hp_error_set(err, HP_EINVAL, "degree", "must be between 1 and %d, got %u",
				    LSM_MAX_DEGREE, in->degree);
	if (in->npaths < (size_t)in->degree + 2)
		return hp_error_set(err, HP_EINVAL, "npaths",
				    "must be >= degree + 2 = %u, got %zu", in->degree + 2,
				    in->npaths);
	if (in->npaths > INT32_MAX)
		return hp_error_set(err, HP_EINVAL, "npaths", "must be <= %d, got %zu", INT32_MAX,
				    in->npaths);
	if (in->nsteps < 1)
		return hp_error_set(err, HP_EINVAL, "nsteps", "must be >= 1, got 0");
	if (in->nsteps > SIZE_MAX / in->npaths / sizeof(double))
		return hp_error_set(err, HP_EINVAL, "nsteps", "npaths * nsteps overflows, got %zu",
				    in->nsteps);
	if (!(in->discount > 0 && in->discount <= 1))
		return hp_error_set(err, HP_EINVAL, "discount", "must be in (0, 1], got %g",
				    in->discount);
	if (!in->state)
		return hp_error_set(err, HP_EINVAL, "state", "must not be NULL");
	if (!in->exercise)
		return hp_error_set(err, HP_EINVAL, "exercise", "must not be NULL");
	cells = in->npaths * in->nsteps;
	ret = lsm_check_finite(in->state, cells, "state", err);
	if (ret == HP_OK)
		ret = lsm_check_finite(in->exercise, cells, "exercise", err);
	if (ret == HP_OK && in->running)
		ret = lsm_check_finite(in->running, cells, "running", err);
	return ret;
}

/*
 * Method: Longstaff & Schwartz (2001). V_p = 0 after the last date; for
 * t = nsteps-1 .. 1, with c_p = running[p,t] (0 without running):
 *   at a date allowed for exercise, the candidates are the paths with
 *   exercise[p,t] > 0 when itm_only (all paths otherwise); scale = mean
 *   |state| over them (1 if that is 0); the realised future discount V_p
 *   of the candidates is regressed on 1, x, ..., x^d, x = state / scale,
 *   by least squares (LAPACKE_dgels_work; the fit is 0 at the last date,
 *   where no future remains); candidate p stops when
 *       exercise[p,t] > c_p + fit(x_p),
 *   and then V_p = exercise[p,t];
 *   every other path continues: V_p = c_p + discount V_p.
 * At t = 0 the paths continue the same way; with e0 the mean of
 * exercise[.,0] and C0 the mean of V_p, stopping now is optimal when
 * allowed and e0 > C0: then every path stops at 0 with value
 * exercise[p,0]. value = mean of the realised per-path values; std_error =
 * their sample standard deviation / sqrt(npaths).
 * Special cases: too few candidates or a rank-deficient design lowers the
 * degree at that date (lsm_fit); no candidate: nobody stops there.
 * boundary_low/high[t]: min/max state over the candidates the rule stops
 * at t (whether or not they stopped earlier), NaN if none; stop_share[t]:
 * share of paths whose first stop is t.
 * Accuracy: Monte Carlo; the estimate is biased low by the suboptimal
 * fitted rule and high by in-sample foresight (docs/model.md).
 * Cost: one QR of m x (degree + 1), m <= npaths, per allowed date; one
 * workspace of (degree + 7) npaths doubles plus dgels' (queried once);
 * no allocation in the loop (LAPACKE_dgels_work, not LAPACKE_dgels, which
 * would allocate its workspace at every call).
 * Source: F. A. Longstaff, E. S. Schwartz, Rev. Financ. Stud. 14 (2001)
 * 113-147; docs/model.md "Least-squares Monte Carlo".
 */
enum hp_status hp_finance_lsm(const struct hp_lsm_input *in, struct hp_lsm_result *out,
			      struct hp_error *err)
{
	const size_t P = in ? in->npaths : 0, T = in ? in->nsteps : 0;
	struct lsm_ws w;
	struct ksum sum;
	enum hp_status ret = HP_OK;
	double coef[LSM_MAX_DEGREE + 1], e0, c0, mean, ss, query, dummy_a = 0, dummy_b = 0;
	size_t K, p, t, nstop;
	void *mem;
	size_t bytes;
	bool now;
	lapack_int info;

	if (!in || !out)
		return hp_error_set(err, HP_EINVAL, in ? "result" : "input", "must not be NULL");
	ret = lsm_validate(in, err);
	if (ret != HP_OK)
		return ret;
	K = (size_t)in->degree + 1;

	/* dgels' optimal workspace for the largest problem (npaths x K): it
	 * depends on the columns only, so it serves every smaller fit */
	info = LAPACKE_dgels_work(LAPACK_COL_MAJOR, 'N', (lapack_int)P, (lapack_int)K, 1, &dummy_a,
				  (lapack_int)P, &dummy_b, (lapack_int)P, &query, -1);
	if (info != 0)
		return hp_error_set(err, HP_EINTERNAL, NULL,
				    "LAPACKE_dgels_work: workspace query failed (info %d)",
				    (int)info);
	w.lwork = (lapack_int)query;
	if (w.lwork < 1)
		w.lwork = 1;

	/* v, a (K columns), b, x and y (2 P), work; then idx and stop */
	bytes = (P * (K + 4) + (size_t)w.lwork) * sizeof(double) + P * sizeof(size_t) +
		P * sizeof(int64_t);
	mem = hp_malloc(bytes);
	if (!mem)
		return hp_error_set(err, HP_ENOMEM, NULL,
				    "out of memory for the LSM workspace of %zu paths", P);
	w.v = mem;
	w.a = w.v + P;
	w.b = w.a + P * K;
	w.x = w.b + P;
	w.y = w.x + P;
	w.work = w.y + P;
	w.idx = (size_t *)(void *)(w.work + w.lwork);
	w.stop = (int64_t *)(void *)(w.idx + P);

	for (p = 0; p < P; p++) {
		w.v[p] = 0;
		w.stop[p] = (int64_t)T;
	}
	for (t = 0; t < T; t++) {
		if (out->boundary_low)
			out->boundary_low[t] = NAN;
		if (out->boundary_high)
			out->boundary_high[t] = NAN;
	}

	for (t = T; t-- > 1;) {
		bool allowed = !in->allowed || in->allowed[t];
		size_t m = 0, i;
		unsigned deg = 0;
		double lo = INFINITY, hi = -INFINITY;

		if (!allowed) {
			for (p = 0; p < P; p++)
				w.v[p] = (in->running ? in->running[p * T + t] : 0) +
					 in->discount * w.v[p];
			continue;
		}
		for (p = 0; p < P; p++)
			if (!in->itm_only || in->exercise[p * T + t] > 0)
				w.idx[m++] = p;
		coef[0] = 0;
		if (m > 0 && t < T - 1) {
			double scale;

			sum = (struct ksum){ 0, 0 };
			for (i = 0; i < m; i++)
				ksum_add(&sum, fabs(in->state[w.idx[i] * T + t]));
			scale = ksum_value(&sum) / (double)m;
			if (!(scale > 0) || !isfinite(scale))
				scale = 1;
			for (i = 0; i < m; i++) {
				w.x[i] = in->state[w.idx[i] * T + t] / scale;
				w.y[i] = in->discount * w.v[w.idx[i]];
			}
			ret = lsm_fit(&w, m, in->degree, coef, &deg, err);
			if (ret != HP_OK)
				goto out;
		}
		/* decide the candidates (x still holds their scaled states) */
		for (i = 0; i < m; i++) {
			double c, ex, fit;

			p = w.idx[i];
			c = in->running ? in->running[p * T + t] : 0;
			ex = in->exercise[p * T + t];
			fit = t < T - 1 ? poly(coef, deg, w.x[i]) : 0;
			if (ex > c + fit) {
				double s = in->state[p * T + t];

				w.v[p] = ex;
				w.stop[p] = (int64_t)t;
				lo = fmin(lo, s);
				hi = fmax(hi, s);
			}
		}
		/* continue every path not stopped at t */
		for (p = 0; p < P; p++) {
			if (w.stop[p] == (int64_t)t)
				continue;
			w.v[p] = (in->running ? in->running[p * T + t] : 0) + in->discount * w.v[p];
		}
		if (lo <= hi) {
			if (out->boundary_low)
				out->boundary_low[t] = lo;
			if (out->boundary_high)
				out->boundary_high[t] = hi;
		}
	}

	/* today: continue, or stop on every path */
	sum = (struct ksum){ 0, 0 };
	for (p = 0; p < P; p++)
		ksum_add(&sum, in->exercise[p * T]);
	e0 = ksum_value(&sum) / (double)P;
	sum = (struct ksum){ 0, 0 };
	for (p = 0; p < P; p++) {
		w.v[p] = (in->running ? in->running[p * T] : 0) + in->discount * w.v[p];
		ksum_add(&sum, w.v[p]);
	}
	c0 = ksum_value(&sum) / (double)P;
	now = (!in->allowed || in->allowed[0]) && e0 > c0;
	if (now) {
		double lo = INFINITY, hi = -INFINITY;

		for (p = 0; p < P; p++) {
			w.v[p] = in->exercise[p * T];
			w.stop[p] = 0;
			lo = fmin(lo, in->state[p * T]);
			hi = fmax(hi, in->state[p * T]);
		}
		if (out->boundary_low)
			out->boundary_low[0] = lo;
		if (out->boundary_high)
			out->boundary_high[0] = hi;
	}

	/* the per-path figures */
	sum = (struct ksum){ 0, 0 };
	for (p = 0; p < P; p++)
		ksum_add(&sum, w.v[p]);
	mean = ksum_value(&sum) / (double)P;
	sum = (struct ksum){ 0, 0 };
	for (p = 0; p < P; p++)
		ksum_add(&sum, (w.v[p] - mean) * (w.v[p] - mean));
	ss = ksum_value(&sum);
	out->value = mean;
	out->std_error = sqrt(ss / (double)(P - 1) / (double)P);
	out->exercise_now = now;

	sum = (struct ksum){ 0, 0 };
	if (in->running) {
		for (p = 0; p < P; p++) {
			double acc = 0;

			for (t = T; t-- > 0;)
				acc = acc * in->discount + in->running[p * T + t];
			ksum_add(&sum, acc);
		}
	}
	out->never_value = ksum_value(&sum) / (double)P;

	if (out->stop_share)
		for (t = 0; t < T; t++)
			out->stop_share[t] = 0;
	nstop = 0;
	sum = (struct ksum){ 0, 0 };
	for (p = 0; p < P; p++) {
		if (w.stop[p] < (int64_t)T) {
			nstop++;
			ksum_add(&sum, (double)w.stop[p]);
			if (out->stop_share)
				out->stop_share[w.stop[p]] += 1;
		}
		if (out->stop_step)
			out->stop_step[p] = w.stop[p];
	}
	if (out->stop_share)
		for (t = 0; t < T; t++)
			out->stop_share[t] /= (double)P;
	out->exercise_probability = (double)nstop / (double)P;
	out->mean_exercise_step = nstop ? ksum_value(&sum) / (double)nstop : NAN;
out:
	hp_free(mem);
	return ret;
}
