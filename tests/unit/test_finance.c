/*
 * test_finance.c - src/core/finance.c against hand computations, closed
 * forms and published benchmarks (Longstaff & Schwartz 2001).
 *
 * Reference values not derivable on paper were computed independently in
 * Python (plain float bisection and exact fractions, no library), as noted
 * at each use.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/finance.h"

/* ------------------------------------------------------------------ */
/* rates and NPV                                                        */
/* ------------------------------------------------------------------ */

static void test_monthly_rate(void **state)
{
	(void)state;
	/* 1.01^12 = 1.126825030131969720661201: 12.68...% a year is 1 % a month */
	assert_double_rel(hp_finance_monthly_rate(12.6825030131969720661201), 0.01, 1e-13);
	/* 0 % stays exactly 0; -100 % (nothing left) is -1 a month */
	assert_true(hp_finance_monthly_rate(0) == 0);
	assert_double_abs(hp_finance_monthly_rate(-100), -1, 0);
	/* 10 % a year: 1.1^(1/12) - 1 = 0.00797414042890374... (ln 1.1 / 12 = 0.0079425..., exp - 1) */
	assert_double_rel(hp_finance_monthly_rate(10), 0.0079741404289037, 1e-13);
	assert_true(isnan(hp_finance_monthly_rate(-150)));
}

static void test_npv(void **state)
{
	static const double cf[] = { -100, 60, 60 };
	double ones[600];
	double v = 1 / 1.01;
	size_t i;

	(void)state;
	/* -100 + 60/1.1 + 60/1.21 = (-12100 + 6600 + 6000) / 121 = 500/121 */
	assert_double_rel(hp_finance_npv(cf, 3, 0.10), 500.0 / 121.0, 1e-13);
	/* at 0: the plain sum, exactly */
	assert_true(hp_finance_npv(cf, 3, 0) == 20);
	/* -100 + 60/2 + 60/4 = -55 exactly at 100 % */
	assert_true(hp_finance_npv(cf, 3, 1.0) == -55);
	/* an annuity due of 600 ones at 1 %: sum v^i = (1 - v^600) / (1 - v) */
	for (i = 0; i < 600; i++)
		ones[i] = 1;
	assert_double_rel(hp_finance_npv(ones, 600, 0.01), (1 - pow(v, 600)) / (1 - v), 1e-13);
	assert_true(hp_finance_npv(cf, 0, 0.1) == 0);
	assert_true(isnan(hp_finance_npv(cf, 3, -1)));
	assert_true(isnan(hp_finance_npv(cf, 3, NAN)));
}

/* ------------------------------------------------------------------ */
/* IRR                                                                  */
/* ------------------------------------------------------------------ */

static struct hp_irr irr_ok(const double *cf, size_t n)
{
	struct hp_irr r;
	struct hp_error err;

	if (hp_finance_irr(cf, n, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	return r;
}

static void test_irr_closed_forms(void **state)
{
	static const double one[] = { -100, 121 };
	static const double two[] = { -100, 0, 121 };
	static const double zero[] = { -100, 100 };
	struct hp_irr r;

	(void)state;
	/* -100 + 121/(1+r) = 0: r = 0.21 */
	r = irr_ok(one, 2);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_int_equal(r.nroots, 1);
	assert_int_equal(r.sign_changes, 1);
	assert_double_rel(r.rate, 0.21, 1e-12);
	assert_double_rel(r.roots[0], 0.21, 1e-12);
	/* (1+r)^2 = 1.21: r = 0.10 */
	r = irr_ok(two, 3);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_double_rel(r.rate, 0.10, 1e-12);
	/* -100 + 100/(1+r): r = 0 (the absolute floor of 1e-15) */
	r = irr_ok(zero, 2);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_double_abs(r.rate, 0, 1e-14);
	assert_string_equal(hp_finance_irr_kind_name(r.kind), "unique");
}

static void test_irr_annuities(void **state)
{
	double cf[600];
	struct hp_irr r;
	size_t i;

	(void)state;
	/*
	 * -1000, then 12 x 100: 1000 = 100 (1 - (1+r)^-12) / r. Plain float
	 * bisection on [0, 0.1] in Python (200 halvings) gives
	 * 0.029228540769133612 (the bracket closes on ...612/...615).
	 */
	cf[0] = -1000;
	for (i = 1; i <= 12; i++)
		cf[i] = 100;
	r = irr_ok(cf, 13);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_double_rel(r.rate, 0.029228540769133612, 1e-11);
	assert_double_abs(hp_finance_npv(cf, 13, r.rate), 0, 1e-9);

	/*
	 * 600 monthly flows: -50,000, then 599 x 500. The same bisection gives
	 * 0.009973803422339889. Scaled forms keep 599 powers finite at every
	 * rate of the scan.
	 */
	cf[0] = -50000;
	for (i = 1; i < 600; i++)
		cf[i] = 500;
	r = irr_ok(cf, 600);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_double_rel(r.rate, 0.009973803422339889, 1e-11);
}

static void test_irr_none(void **state)
{
	static const double pos[] = { 100, 50, 25 };
	static const double neg[] = { -100, -50, -25 };
	static const double dip[] = { -100, 50, -100 };
	static const double far[] = { -1, 1000 };
	static const double zeros[] = { 0, 0, 0 };
	struct hp_irr r;

	(void)state;
	/* one sign: no sign change, no root (Descartes) */
	r = irr_ok(pos, 3);
	assert_int_equal(r.kind, HP_IRR_NONE);
	assert_int_equal(r.sign_changes, 0);
	assert_int_equal(r.nroots, 0);
	assert_true(isnan(r.rate));
	r = irr_ok(neg, 3);
	assert_int_equal(r.kind, HP_IRR_NONE);
	/* -100 + 50x - 100x^2, x = 1/(1+r): discriminant 2500 - 40000 < 0 */
	r = irr_ok(dip, 3);
	assert_int_equal(r.kind, HP_IRR_NONE);
	assert_int_equal(r.sign_changes, 2);
	assert_int_equal(r.nroots, 0);
	/* r = 999 lies above HP_IRR_MAX_RATE = 100: not reported */
	r = irr_ok(far, 2);
	assert_int_equal(r.kind, HP_IRR_NONE);
	assert_int_equal(r.sign_changes, 1);
	/* all zero: every rate would do; reported as none */
	r = irr_ok(zeros, 3);
	assert_int_equal(r.kind, HP_IRR_NONE);
	assert_string_equal(hp_finance_irr_kind_name(HP_IRR_NONE), "none");
}

static void test_irr_multiple(void **state)
{
	/* -100 y^2 + 230 y - 132 = 0, y = 1+r: y = (230 -+ 10) / 200 = 1.1, 1.2 */
	static const double two[] = { -100, 230, -132 };
	/* (y - 1.1)(y - 1.2)(y - 1.3) = y^3 - 3.6 y^2 + 4.31 y - 1.716 */
	static const double three[] = { 1, -3.6, 4.31, -1.716 };
	/* (y - 1.1)(y - 1.1001): roots 0.01 % apart, inside one grid cell
	 * (0.0092 in log(1+r)); found through the dip between them */
	static const double close[] = { 1, -2.2001, 1.1 * 1.1001 };
	double padded[600];
	struct hp_irr r;

	(void)state;
	r = irr_ok(two, 3);
	assert_int_equal(r.kind, HP_IRR_MULTIPLE);
	assert_int_equal(r.sign_changes, 2);
	assert_int_equal(r.nroots, 2);
	assert_true(isnan(r.rate));
	assert_double_rel(r.roots[0], 0.10, 1e-12);
	assert_double_rel(r.roots[1], 0.20, 1e-12);
	assert_string_equal(hp_finance_irr_kind_name(r.kind), "multiple");

	/* the rounded coefficients move the roots by ~1e-14 (P'(1.1) = 0.02) */
	r = irr_ok(three, 4);
	assert_int_equal(r.kind, HP_IRR_MULTIPLE);
	assert_int_equal(r.sign_changes, 3);
	assert_int_equal(r.nroots, 3);
	assert_double_rel(r.roots[0], 0.1, 1e-11);
	assert_double_rel(r.roots[1], 0.2, 1e-11);
	assert_double_rel(r.roots[2], 0.3, 1e-11);

	/* zeros before and after scale the NPV by a power of 1+r: same roots.
	 * 300 leading zeros would underflow x^300 at r = 100 to 0 if kept */
	memset(padded, 0, sizeof(padded));
	memcpy(padded + 300, two, sizeof(two));
	r = irr_ok(padded, 600);
	assert_int_equal(r.kind, HP_IRR_MULTIPLE);
	assert_int_equal(r.nroots, 2);
	assert_double_rel(r.roots[0], 0.10, 1e-12);
	assert_double_rel(r.roots[1], 0.20, 1e-12);
	memset(padded, 0, sizeof(padded));
	memcpy(padded + 2, two, sizeof(two));
	r = irr_ok(padded, 600);
	assert_int_equal(r.nroots, 2);
	assert_double_rel(r.roots[1], 0.20, 1e-12);

	r = irr_ok(close, 3);
	assert_int_equal(r.kind, HP_IRR_MULTIPLE);
	assert_int_equal(r.nroots, 2);
	assert_double_rel(r.roots[0], 0.1, 1e-9);
	assert_double_rel(r.roots[1], 0.1001, 1e-9);
}

static void test_irr_touching(void **state)
{
	/* 1 - 2x + x^2 = (1 - x)^2: a double root at r = 0, no sign change of
	 * the NPV around it (found as a grid minimum of |NPV| that is zero) */
	static const double at0[] = { 1, -2, 1 };
	/* y^2 - 3y + 2.25 = (y - 1.5)^2 exactly in binary: r = 0.5 double */
	static const double at50[] = { 1, -3, 2.25 };
	struct hp_irr r;

	(void)state;
	r = irr_ok(at0, 3);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_int_equal(r.sign_changes, 2);
	/* a double root is located to ~sqrt(u) = 1.5e-8 */
	assert_double_abs(r.rate, 0, 1e-7);
	r = irr_ok(at50, 3);
	assert_int_equal(r.kind, HP_IRR_UNIQUE);
	assert_double_rel(r.rate, 0.5, 1e-7);
}

static void test_irr_errors(void **state)
{
	static const double one[] = { -100 };
	const double bad[] = { -100, NAN, 50 };
	struct hp_irr r;
	struct hp_error err;

	(void)state;
	assert_int_equal(hp_finance_irr(one, 1, &r, &err), HP_EINVAL);
	assert_string_equal(err.field, "cash_flows");
	assert_int_equal(hp_finance_irr(bad, 3, &r, &err), HP_EINVAL);
	assert_string_equal(err.field, "cash_flows[1]");
	assert_string_equal(err.message, "cash_flows[1]: must be finite, got nan");
}

/* ------------------------------------------------------------------ */
/* payback                                                              */
/* ------------------------------------------------------------------ */

static void test_payback(void **state)
{
	static const double cf[] = { -100, 60, 60 };
	static const double late[] = { 0, -100, 50, 50, 50 };
	static const double never_neg[] = { 0, 10 };
	static const double never_back[] = { -100, 10, 10 };
	struct hp_payback_period pb;

	(void)state;
	/* cumulative -100, -40, +20: 1 + 40/60 = 1.6667 */
	hp_finance_payback(cf, 3, 0, &pb);
	assert_true(pb.paid_back);
	assert_double_rel(pb.periods, 1 + 40.0 / 60.0, 1e-14);
	/* at 10 %: -100, -100 + 600/11 = -500/11, then + 6000/121 -> 500/121;
	 * 1 + (500/11) / (6000/121) = 1 + 60500/66000 = 1 + 11/12 */
	hp_finance_payback(cf, 3, 0.10, &pb);
	assert_true(pb.paid_back);
	assert_double_rel(pb.periods, 1 + 11.0 / 12.0, 1e-13);
	/* 0, -100, -50, 0: back to exactly 0 at period 3 = 2 + 50/50 */
	hp_finance_payback(late, 5, 0, &pb);
	assert_true(pb.paid_back);
	assert_double_rel(pb.periods, 3, 1e-15);
	/* never negative: 0 */
	hp_finance_payback(never_neg, 2, 0.05, &pb);
	assert_true(pb.paid_back);
	assert_true(pb.periods == 0);
	/* -100 + 20 never recovers */
	hp_finance_payback(never_back, 3, 0, &pb);
	assert_false(pb.paid_back);
	assert_true(isnan(pb.periods));
	/* simple payback 1.67 but discounted at 40 %: -100 + 42.86 + 30.61 < 0 */
	hp_finance_payback(cf, 3, 0.40, &pb);
	assert_false(pb.paid_back);
}

/* ------------------------------------------------------------------ */
/* calendar months                                                      */
/* ------------------------------------------------------------------ */

static void test_month_bounds(void **state)
{
	int64_t b[121];
	/* from 2026-01-31 (day 20484): Feb 28, Mar 31, Apr 30, ... Jan 31 */
	static const int64_t jan31[13] = { 0, 28, 59, 89, 120, 150, 181, 212, 242, 273, 303, 334, 365 };
	/* from 2028-02-29 (day 21243): Mar 29, ..., Feb 28 2029 (365 days) */
	static const int64_t feb29[13] = { 0, 29, 60, 90, 121, 151, 182, 213, 243, 274, 304, 335, 365 };
	int64_t sum = 0;
	size_t m;

	(void)state;
	hp_finance_month_bounds(20484, 12, b);
	for (m = 0; m <= 12; m++)
		assert_int_equal(b[m], jan31[m]);
	/* 120 months: the lengths add up to 2036-01-31 (day 24136) - 20484 */
	hp_finance_month_bounds(20484, 120, b);
	for (m = 0; m < 120; m++) {
		assert_true(b[m + 1] - b[m] >= 28 && b[m + 1] - b[m] <= 31);
		sum += b[m + 1] - b[m];
	}
	assert_int_equal(sum, 24136 - 20484);
	hp_finance_month_bounds(21243, 12, b);
	for (m = 0; m <= 12; m++)
		assert_int_equal(b[m], feb29[m]);
	/* 2028-01-31 (day 21214): February 2028 has 29 days */
	hp_finance_month_bounds(21214, 1, b);
	assert_int_equal(b[1], 29);
	/* 2000 is a leap year (400), 2100 is not (100): Jan 31 + 1 month */
	hp_finance_month_bounds(10987, 1, b);
	assert_int_equal(b[1], 29);
	hp_finance_month_bounds(47512, 1, b);
	assert_int_equal(b[1], 28);
	/* before the epoch: 1969-12-31 (day -1) + 1 month = 1970-01-31 (day 30) */
	hp_finance_month_bounds(-1, 1, b);
	assert_int_equal(b[1], 31);
	/* 1970-01-01 + 12 months = 1971-01-01 = day 365 */
	hp_finance_month_bounds(0, 12, b);
	assert_int_equal(b[12], 365);
	hp_finance_month_bounds(0, 0, b);
	assert_int_equal(b[0], 0);
}

/* ------------------------------------------------------------------ */
/* quantiles and sorting                                                */
/* ------------------------------------------------------------------ */

static void test_quantiles(void **state)
{
	/* type 7: h = (n-1) q = 5q; Q = x[floor h] + frac(h) (next - this) */
	static const double x[] = { 1, 2, 3, 4, 5, 10 };

	(void)state;
	assert_double_rel(hp_finance_quantile_sorted(x, 6, 0.5), 3.5, 1e-15);   /* h 2.5 */
	assert_double_rel(hp_finance_quantile_sorted(x, 6, 0.9), 7.5, 1e-15);   /* h 4.5: 5 + 2.5 */
	assert_double_rel(hp_finance_quantile_sorted(x, 6, 0.25), 2.25, 1e-15); /* h 1.25 */
	assert_double_rel(hp_finance_quantile_sorted(x, 6, 0.05), 1.25, 1e-15); /* h 0.25 */
	assert_true(hp_finance_quantile_sorted(x, 6, 0) == 1);
	assert_true(hp_finance_quantile_sorted(x, 6, 1) == 10);
	assert_true(hp_finance_quantile_sorted(x, 6, 0.4) == 3); /* h = 2 exactly */
	assert_true(hp_finance_quantile_sorted(x + 5, 1, 0.3) == 10);
	assert_true(isnan(hp_finance_quantile_sorted(x, 0, 0.5)));
	assert_true(isnan(hp_finance_quantile_sorted(x, 6, 1.5)));
	assert_true(isnan(hp_finance_quantile_sorted(x, 6, NAN)));
}

static void test_sort(void **state)
{
	double x[] = { 3, NAN, 0.0, -0.0, -INFINITY, 1, INFINITY, -2 };

	(void)state;
	hp_finance_sort(x, 8);
	assert_true(x[0] == -INFINITY);
	assert_true(x[1] == -2);
	assert_true(x[2] == 0 && signbit(x[2]));
	assert_true(x[3] == 0 && !signbit(x[3]));
	assert_true(x[4] == 1);
	assert_true(x[5] == 3);
	assert_true(x[6] == INFINITY);
	assert_true(isnan(x[7]));
}

/* ------------------------------------------------------------------ */
/* LSM: the worked example of Longstaff & Schwartz (2001), section 1     */
/* ------------------------------------------------------------------ */

/*
 * Eight paths of a stock, dates 0..3, an American put struck at 1.10,
 * discount 0.94176 a date (r = 6 %), regression on 1, S, S^2 of the
 * in-the-money paths. The paper's fits: t = 2: -1.070 + 2.983 S - 1.813 S^2;
 * t = 1: 2.038 - 3.335 S + 1.356 S^2 (reproduced exactly in Python with
 * fractions). Paths 4, 6, 7, 8 stop at 1 (cash 0.17, 0.34, 0.18, 0.22),
 * path 3 at 3 (0.07), the others never:
 *   value = (0.91 * 0.94176 + 0.07 * 0.94176^3) / 8
 *         = 1396895859387 / 12207031250000 = 0.11443370880098304,
 * above exercising today (0.10). The smallest margin of a decision is
 * 0.0035, far above rounding, so the decisions are exact.
 */
static const double ls_paths[8][4] = {
	{ 1.00, 1.09, 1.08, 1.34 }, { 1.00, 1.16, 1.26, 1.54 }, { 1.00, 1.22, 1.07, 1.03 },
	{ 1.00, 0.93, 0.97, 0.92 }, { 1.00, 1.11, 1.56, 1.52 }, { 1.00, 0.76, 0.77, 0.90 },
	{ 1.00, 0.92, 0.84, 1.01 }, { 1.00, 0.88, 1.22, 1.34 },
};

static void test_lsm_paper_example(void **state)
{
	double s[32], ex[32], share[4], lo[4], hi[4];
	int64_t stop[8];
	static const int64_t want_stop[8] = { 4, 4, 3, 1, 4, 1, 1, 1 };
	struct hp_lsm_input in;
	struct hp_lsm_result r;
	struct hp_error err;
	size_t p, t;

	(void)state;
	for (p = 0; p < 8; p++) {
		for (t = 0; t < 4; t++) {
			s[p * 4 + t] = ls_paths[p][t];
			ex[p * 4 + t] = 1.10 - ls_paths[p][t];
		}
	}
	memset(&in, 0, sizeof(in));
	in.npaths = 8;
	in.nsteps = 4;
	in.state = s;
	in.exercise = ex;
	in.discount = 0.94176;
	in.degree = 2;
	in.itm_only = true;
	memset(&r, 0, sizeof(r));
	r.stop_share = share;
	r.boundary_low = lo;
	r.boundary_high = hi;
	r.stop_step = stop;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_double_rel(r.value, 0.11443370880098304, 1e-12);
	assert_false(r.exercise_now);
	assert_true(r.never_value == 0);
	for (p = 0; p < 8; p++)
		assert_int_equal(stop[p], want_stop[p]);
	assert_double_rel(r.exercise_probability, 5.0 / 8, 1e-15);
	assert_double_rel(r.mean_exercise_step, 7.0 / 5, 1e-15); /* (1+1+1+1+3)/5 */
	/* sample sd of the 8 discounted values / sqrt 8 (Python: 0.04193514893493147) */
	assert_double_rel(r.std_error, 0.04193514893493147, 1e-10);
	assert_true(share[0] == 0 && share[1] == 0.5 && share[2] == 0 && share[3] == 0.125);
	/* boundaries: the states where the rule stops, t = 1: paths 4, 6, 7, 8;
	 * t = 2: 4, 6, 7 (all stopped earlier); t = 3: 3, 4, 6, 7 */
	assert_true(isnan(lo[0]) && isnan(hi[0]));
	assert_true(lo[1] == 0.76 && hi[1] == 0.93);
	assert_true(lo[2] == 0.77 && hi[2] == 0.97);
	assert_true(lo[3] == 0.90 && hi[3] == 1.03);

	/* degree 3 on 5 in-the-money paths still fits (5 >= 3 + 2) */
	in.degree = 3;
	assert_int_equal(hp_finance_lsm(&in, &r, &err), HP_OK);
	assert_true(r.value > 0.10 && r.value < 0.2);
}

/* ------------------------------------------------------------------ */
/* LSM: Longstaff & Schwartz (2001) Table 1, first row                   */
/* ------------------------------------------------------------------ */

/* splitmix64 (Steele, Lea, Flood 2014): a local generator, fixed seed */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* uniform in (0, 1): 53 bits, offset by half a step */
static double uniform(uint64_t *s)
{
	return ((double)(splitmix64(s) >> 11) + 0.5) * 0x1.0p-53;
}

#define PUT_PATHS 40000 /* 20,000 antithetic pairs */
#define TWO_PI 6.283185307179586476925287
#define PUT_DATES 50
#define PUT_S0 36.0
#define PUT_K 40.0
#define PUT_R 0.06
#define PUT_SIGMA 0.2

/* Black-Scholes European put: K e^-rT N(-d2) - S N(-d1) */
static double bs_put(double s0, double k, double r, double sigma, double t)
{
	double d1 = (log(s0 / k) + (r + sigma * sigma / 2) * t) / (sigma * sqrt(t));
	double d2 = d1 - sigma * sqrt(t);

	return k * exp(-r * t) * 0.5 * erfc(d2 / sqrt(2)) - s0 * 0.5 * erfc(d1 / sqrt(2));
}

/*
 * S0 = 36, K = 40, r = 0.06, sigma = 0.2, T = 1, exercisable at 50 dates a
 * year (t = 1..50, dt = 0.02; t = 0 is today). GBM exactly:
 *   S_{t+1} = S_t exp((r - sigma^2/2) dt + sigma sqrt(dt) Z),
 * Z by Box-Muller from splitmix64, antithetic pairs (Z, -Z). LS report the
 * finite-difference American value 4.478 and their LSM estimate 4.472
 * (s.e. 0.010, 100,000 paths, Laguerre basis). Ours (powers to degree 3,
 * 40,000 paths, in-sample) must lie within 3 standard errors of 4.478 plus
 * 0.02 for LSM's bias (low by the suboptimal rule, ~0.006 in the paper;
 * the in-sample fit biases slightly high). The European put (only the last
 * date allowed) must match Black-Scholes, 3.8443077915968, within 3 s.e.:
 * that estimator is unbiased.
 */
static void test_lsm_american_put(void **state)
{
	const size_t P = PUT_PATHS, T = PUT_DATES + 1;
	const double dt = 1.0 / PUT_DATES;
	const double drift = (PUT_R - PUT_SIGMA * PUT_SIGMA / 2) * dt, vol = PUT_SIGMA * sqrt(dt);
	double *s = malloc(P * T * sizeof(double)), *ex = malloc(P * T * sizeof(double));
	double hi[PUT_DATES + 1], eur;
	bool *allowed = calloc(T, sizeof(bool));
	uint64_t seed = 20010101;
	struct hp_lsm_input in;
	struct hp_lsm_result r;
	struct hp_error err;
	size_t p, t;

	(void)state;
	assert_non_null(s);
	assert_non_null(ex);
	assert_non_null(allowed);
	for (p = 0; p < P; p += 2) {
		s[p * T] = s[(p + 1) * T] = PUT_S0;
		for (t = 1; t < T; t += 2) {
			double u1 = uniform(&seed), u2 = uniform(&seed);
			double rad = sqrt(-2 * log(u1));
			double z[2] = { rad * cos(TWO_PI * u2), rad * sin(TWO_PI * u2) };
			size_t k;

			for (k = 0; k < 2 && t + k < T; k++) {
				s[p * T + t + k] = s[p * T + t + k - 1] * exp(drift + vol * z[k]);
				s[(p + 1) * T + t + k] =
					s[(p + 1) * T + t + k - 1] * exp(drift - vol * z[k]);
			}
		}
	}
	for (p = 0; p < P * T; p++)
		ex[p] = PUT_K - s[p];

	memset(&in, 0, sizeof(in));
	in.npaths = P;
	in.nsteps = T;
	in.state = s;
	in.exercise = ex;
	in.discount = exp(-PUT_R * dt);
	in.degree = 3;
	in.itm_only = true;
	memset(&r, 0, sizeof(r));
	r.boundary_high = hi;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	print_message("american put: value %.4f s.e. %.4f (LS: FD 4.478, LSM 4.472 s.e. 0.010)\n",
		      r.value, r.std_error);
	assert_true(r.std_error > 0.005 && r.std_error < 0.03);
	assert_double_abs(r.value, 4.478, 3 * r.std_error + 0.02);
	assert_false(r.exercise_now); /* 40 - 36 = 4 < 4.478 */
	/* at the last date every in-the-money path exercises: the boundary is
	 * the largest simulated price below the strike */
	assert_true(hi[T - 1] < PUT_K && hi[T - 1] > PUT_K - 0.05);
	/* earlier the boundary lies below the strike and rises towards it as
	 * maturity nears (a sanity check, not a benchmark: the largest state
	 * stopped at a date is a noisy estimate of the boundary) */
	for (t = 5; t < T - 1; t++)
		assert_true(hi[t] > 30 && hi[t] < PUT_K);
	assert_true(hi[10] < hi[45]);

	/* European: exercisable only at T */
	allowed[T - 1] = true;
	in.allowed = allowed;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	eur = bs_put(PUT_S0, PUT_K, PUT_R, PUT_SIGMA, 1);
	assert_double_rel(eur, 3.8443077915968, 1e-10);
	print_message("european put: value %.4f s.e. %.4f (Black-Scholes %.4f)\n", r.value,
		      r.std_error, eur);
	assert_double_abs(r.value, eur, 3 * r.std_error);
	free(s);
	free(ex);
	free(allowed);
}

/* ------------------------------------------------------------------ */
/* LSM: deterministic cases                                             */
/* ------------------------------------------------------------------ */

/*
 * 4 paths, 5 dates, running[p,t] = p + t, discount 0.9, exercising worth
 * -1e9 everywhere: nobody stops and the value is the mean PV of running,
 *   PV_p = sum_t (p + t) 0.9^t = 7.3314, 11.4265, 15.5216, 19.6167,
 * mean 13.47405; the PVs step by 4.0951 = sum 0.9^t, so the sample sd is
 * 4.0951 sqrt(5/3) and the standard error 4.0951 sqrt(5/3) / 2 = 2.6433757.
 */
static void test_lsm_deterministic(void **state)
{
	double s[20], ex[20], run[20], share[5], lo[5], hi[5];
	int64_t stop[4];
	bool allowed[5] = { false, true, true, true, true };
	struct hp_lsm_input in;
	struct hp_lsm_result r;
	struct hp_error err;
	size_t p, t;

	(void)state;
	for (p = 0; p < 4; p++) {
		for (t = 0; t < 5; t++) {
			s[p * 5 + t] = 10 + (double)(p * t);
			ex[p * 5 + t] = -1e9;
			run[p * 5 + t] = (double)(p + t);
		}
	}
	memset(&in, 0, sizeof(in));
	in.npaths = 4;
	in.nsteps = 5;
	in.state = s;
	in.exercise = ex;
	in.running = run;
	in.discount = 0.9;
	in.degree = 1;
	memset(&r, 0, sizeof(r));
	r.stop_share = share;
	r.boundary_low = lo;
	r.boundary_high = hi;
	r.stop_step = stop;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_double_rel(r.value, 13.47405, 1e-13);
	assert_double_rel(r.never_value, 13.47405, 1e-13);
	assert_double_rel(r.std_error, 2.643375683508999, 1e-12);
	assert_false(r.exercise_now);
	assert_true(r.exercise_probability == 0);
	assert_true(isnan(r.mean_exercise_step));
	for (p = 0; p < 4; p++)
		assert_int_equal(stop[p], 5);
	for (t = 0; t < 5; t++)
		assert_true(share[t] == 0 && isnan(lo[t]) && isnan(hi[t]));

	/* exercising at 0 worth 1e6 (> 13.47): stop now, every path */
	for (p = 0; p < 4; p++)
		ex[p * 5] = 1e6;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_true(r.exercise_now);
	assert_true(r.value == 1e6);
	assert_true(r.std_error == 0);
	assert_true(r.exercise_probability == 1);
	assert_true(r.mean_exercise_step == 0);
	assert_true(share[0] == 1);
	for (p = 0; p < 4; p++)
		assert_int_equal(stop[p], 0);
	assert_true(lo[0] == 10 && hi[0] == 10);
	assert_double_rel(r.never_value, 13.47405, 1e-13);

	/* ... unless date 0 is not allowed: back to running */
	in.allowed = allowed;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_false(r.exercise_now);
	assert_double_rel(r.value, 13.47405, 1e-13);

	/*
	 * Exercise 100 at the last date only on path 3 (the others -1e9):
	 * running there is 3 + 4 = 7 < 100, so path 3 stops at 4 and gains
	 * (100 - 7) 0.9^4 = 61.0173; value 13.47405 + 61.0173 / 4.
	 */
	ex[0] = ex[5] = ex[10] = ex[15] = -1e9;
	ex[3 * 5 + 4] = 100;
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_double_rel(r.value, 13.47405 + 93 * 0.6561 / 4, 1e-13);
	assert_int_equal(stop[3], 4);
	assert_true(share[4] == 0.25);
	assert_true(lo[4] == 22 && hi[4] == 22); /* state 10 + 3 * 4 */
}

/*
 * Constant states at a date make every power of x the same column: the
 * fit drops to the mean there instead of failing. Two dates; at t = 1 the
 * state is 5 on every path and running is 0, the realised future at t = 2
 * is exercise 2 on even paths and 0 (running) on odd ones: the mean fit is
 * 0.5 * 2 * 0.5 = 0.5 (discount 0.5); exercising 0.75 at t = 1 beats it on
 * every path: value = 0.75 * 0.5 = 0.375.
 */
static void test_lsm_rank_deficient(void **state)
{
	double s[18], ex[18];
	struct hp_lsm_input in;
	struct hp_lsm_result r;
	struct hp_error err;
	size_t p;

	(void)state;
	for (p = 0; p < 6; p++) {
		s[p * 3] = 5;
		s[p * 3 + 1] = 5;
		s[p * 3 + 2] = (double)p;
		ex[p * 3] = 0;
		ex[p * 3 + 1] = 0.75;
		ex[p * 3 + 2] = p % 2 ? -1 : 2;
	}
	memset(&in, 0, sizeof(in));
	in.npaths = 6;
	in.nsteps = 3;
	in.state = s;
	in.exercise = ex;
	in.discount = 0.5;
	in.degree = 3;
	memset(&r, 0, sizeof(r));
	if (hp_finance_lsm(&in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_double_rel(r.value, 0.375, 1e-14);
	assert_true(r.exercise_probability == 1);
	assert_true(r.mean_exercise_step == 1);
}

static void test_lsm_errors(void **state)
{
	double s[12] = { 0 }, ex[12] = { 0 };
	struct hp_lsm_input in, bad;
	struct hp_lsm_result r;
	struct hp_error err;
	long n;

	(void)state;
	memset(&in, 0, sizeof(in));
	in.npaths = 4;
	in.nsteps = 3;
	in.state = s;
	in.exercise = ex;
	in.discount = 1;
	in.degree = 2;
	memset(&r, 0, sizeof(r));
	assert_int_equal(hp_finance_lsm(&in, &r, &err), HP_OK);

	bad = in;
	bad.degree = 0;
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	assert_string_equal(err.field, "degree");
	bad.degree = 7;
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	bad = in;
	bad.degree = 3; /* needs 5 paths */
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	assert_string_equal(err.message, "npaths: must be >= degree + 2 = 5, got 4");
	bad = in;
	bad.nsteps = 0;
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	assert_string_equal(err.field, "nsteps");
	bad = in;
	bad.discount = 0;
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	assert_string_equal(err.field, "discount");
	bad.discount = 1.5;
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	bad = in;
	bad.exercise = NULL;
	assert_int_equal(hp_finance_lsm(&bad, &r, &err), HP_EINVAL);
	assert_string_equal(err.field, "exercise");
	s[7] = NAN;
	assert_int_equal(hp_finance_lsm(&in, &r, &err), HP_EINVAL);
	assert_string_equal(err.message, "state[7]: must be finite, got nan");
	s[7] = 0;

	/* the workspace is the only allocation: its failure is HP_ENOMEM */
	for (n = 0;; n++) {
		enum hp_status ret;

		hp_alloc_fail_after(n);
		ret = hp_finance_lsm(&in, &r, &err);
		hp_alloc_fail_after(-1);
		if (ret == HP_OK)
			break;
		assert_int_equal(ret, HP_ENOMEM);
	}
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monthly_rate),
		cmocka_unit_test(test_npv),
		cmocka_unit_test(test_irr_closed_forms),
		cmocka_unit_test(test_irr_annuities),
		cmocka_unit_test(test_irr_none),
		cmocka_unit_test(test_irr_multiple),
		cmocka_unit_test(test_irr_touching),
		cmocka_unit_test(test_irr_errors),
		cmocka_unit_test(test_payback),
		cmocka_unit_test(test_month_bounds),
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_lsm_paper_example),
		cmocka_unit_test(test_lsm_american_put),
		cmocka_unit_test(test_lsm_deterministic),
		cmocka_unit_test(test_lsm_rank_deficient),
		cmocka_unit_test(test_lsm_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
