/*
 * test_curtail.c - hourly power prices (src/io/powerprice.c) and
 * curtailment (src/core/curtail.c) against hand computations.
 *
 * The day used throughout is tests/data/power/day.csv, 24 hours from
 * 2024-07-01T00:00:00Z (Unix 1719792000) at these USD/MWh (quarters, so
 * every sum below is exact in binary):
 *
 *   h   0     1      2   3      4     5   6      7   8     9    10      11
 *       42.5  38.25  35  33.75  36.5  45  62.25  88  99.5  100  112.75  135.5
 *   h   12    13      14   15     16      17   18     19     20  21     22     23
 *       160   210.25  250  180.5  140.25  120  101.5  95.75  80  -12.5  -3.25  55.5
 *
 *   sum of all 24 = 2207, mean 91.958333...
 *
 * With revenue R = 12.5 USD/h and load L = 0.125 MW (exact in binary) the
 * breakeven is R / L = 100 USD/MWh: hours 0-8 and 19-23 run (14 hours,
 * prices summing to 480.75 + 215.5 = 696.25); hours 9-18 are curtailed
 * (10 hours summing to 1510.75), hour 9 at exactly 100 because a tie
 * curtails (12.5 - 0.125 * 100 = 0, not > 0).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/powerprice.h"

#define FIXTURES "tests/data/power/"
#define DAY_START 1719792000 /* 2024-07-01T00:00:00Z */

static const double day[24] = {
	42.5, 38.25, 35,     33.75, 36.5,  45,     62.25, 88,    99.5,  100,   112.75, 135.5,
	160,  210.25, 250,   180.5, 140.25, 120,   101.5, 95.75, 80,    -12.5, -3.25,  55.5,
};

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hp_test_curtail.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	return rmdir(tmpdir);
}

/* A series over caller-owned arrays (the times are not used by hp_curtail). */
static struct hp_power_series series_of(const double *prices, size_t n)
{
	struct hp_power_series s = { NULL, (double *)prices, n };
	return s;
}

static struct hp_curtail_result curtail_ok(const double *prices, size_t n, double revenue,
					   double load, double credit, double uptime)
{
	struct hp_power_series s = series_of(prices, n);
	struct hp_curtail_input in = { revenue, load, credit, uptime };
	struct hp_curtail_result r;
	struct hp_error err;

	if (hp_curtail(&s, &in, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	return r;
}

/* The identities every result satisfies, whatever the inputs. */
static void check_identities(const struct hp_curtail_result *r, double revenue, double tol)
{
	assert_double_rel(r->uptime_pct, 100.0 * (double)r->hours_run / (double)r->hours, 1e-15);
	assert_double_rel(r->revenue_usd, (double)r->hours_run * revenue, 1e-15);
	assert_double_rel(r->revenue_lost_usd, (double)(r->hours - r->hours_run) * revenue, 1e-15);
	assert_double_abs(r->profit_usd, r->revenue_usd - r->power_cost_usd + r->dr_credit_usd, tol);
	assert_double_abs(r->gain_usd, r->profit_usd - r->flat_profit_usd, tol);
	/* what curtailing changed, hour for hour, besides the credit */
	assert_double_abs(r->power_saved_usd - r->revenue_lost_usd,
			  r->revenue_usd - r->power_cost_usd - r->flat_profit_usd, tol);
}

/* ------------------------------------------------------------------ */
/* curtailment arithmetic                                               */
/* ------------------------------------------------------------------ */

/*
 * R = 12.5, L = 0.125, no credit, no minimum (see the top of the file):
 *   revenue      = 14 * 12.5            = 175
 *   power cost   = 0.125 * 696.25       = 87.03125
 *   profit       = 175 - 87.03125       = 87.96875
 *   revenue lost = 10 * 12.5            = 125
 *   power saved  = 0.125 * 1510.75      = 188.84375
 *   flat profit  = 24 * 12.5 - 0.125 * 2207 = 300 - 275.875 = 24.125
 *   gain         = 188.84375 - 125      = 63.84375 = 87.96875 - 24.125
 * All exact in binary, so asserted exactly.
 */
static void test_day_exact(void **state)
{
	struct hp_curtail_result r = curtail_ok(day, 24, 12.5, 0.125, 0, 0);

	(void)state;
	assert_int_equal(r.hours, 24);
	assert_int_equal(r.hours_run, 14);
	assert_double_rel(r.uptime_pct, 175.0 / 3.0, 1e-15); /* 100 * 14 / 24 */
	assert_double_rel(r.avg_price_paid_usd_per_mwh, 696.25 / 14, 1e-15);
	assert_double_abs(r.revenue_usd, 175, 0);
	assert_double_abs(r.power_cost_usd, 87.03125, 0);
	assert_double_abs(r.dr_credit_usd, 0, 0);
	assert_double_abs(r.profit_usd, 87.96875, 0);
	assert_double_abs(r.revenue_lost_usd, 125, 0);
	assert_double_abs(r.power_saved_usd, 188.84375, 0);
	assert_double_abs(r.flat_profit_usd, 24.125, 0);
	assert_double_abs(r.gain_usd, 63.84375, 0);
	check_identities(&r, 12.5, 0);
}

/*
 * The same decisions at R = 10 USD/h, L = 0.1 MW (breakeven 100 again;
 * 0.1 * 100 rounds to exactly 10, so hour 9 is still a tie):
 *   revenue 140, power cost 69.625, profit 70.375, lost 100,
 *   saved 151.075, flat 240 - 220.7 = 19.3, gain 51.075.
 * 0.1 is not binary, so to 1e-15 relative.
 */
static void test_day_decimal_load(void **state)
{
	struct hp_curtail_result r = curtail_ok(day, 24, 10, 0.1, 0, 0);

	(void)state;
	assert_int_equal(r.hours_run, 14);
	assert_double_rel(r.revenue_usd, 140, 1e-15);
	assert_double_rel(r.power_cost_usd, 69.625, 1e-15);
	assert_double_rel(r.profit_usd, 70.375, 1e-15);
	assert_double_rel(r.revenue_lost_usd, 100, 1e-15);
	assert_double_rel(r.power_saved_usd, 151.075, 1e-15);
	assert_double_rel(r.flat_profit_usd, 19.3, 1e-14);
	assert_double_rel(r.gain_usd, 51.075, 1e-15);
	check_identities(&r, 10, 1e-13);
}

/*
 * A credit of 20 USD/MWh lowers the breakeven to 100 - 20 = 80: an hour
 * runs iff 12.5 - 0.125 p > 0.125 * 20 = 2.5, i.e. p < 80. Hours 7 (88),
 * 8 (99.5), 19 (95.75) now curtail, and 20 (80) is a tie and curtails.
 * Run: hours 0-6 (293.25) and 21-23 (39.75): 10 hours, 333.
 *   revenue 125, power cost 41.625, credit 14 * 2.5 = 35,
 *   profit 125 - 41.625 + 35 = 118.375, lost 175, saved 0.125 * 1874 = 234.25,
 *   flat 24.125, gain 234.25 + 35 - 175 = 94.25.
 */
static void test_dr_credit_changes_decision(void **state)
{
	struct hp_curtail_result r = curtail_ok(day, 24, 12.5, 0.125, 20, 0);

	(void)state;
	assert_int_equal(r.hours_run, 10);
	assert_double_abs(r.avg_price_paid_usd_per_mwh, 33.3, 1e-14);
	assert_double_abs(r.revenue_usd, 125, 0);
	assert_double_abs(r.power_cost_usd, 41.625, 0);
	assert_double_abs(r.dr_credit_usd, 35, 0);
	assert_double_abs(r.profit_usd, 118.375, 0);
	assert_double_abs(r.revenue_lost_usd, 175, 0);
	assert_double_abs(r.power_saved_usd, 234.25, 0);
	assert_double_abs(r.flat_profit_usd, 24.125, 0);
	assert_double_abs(r.gain_usd, 94.25, 0);
	check_identities(&r, 12.5, 0);
}

/*
 * A minimum uptime of 75 % asks for ceil(0.75 * 24 - 1e-9) = 18 hours: the
 * 4 cheapest of the 10 curtailed hours run again, hours 9 (100), 18
 * (101.5), 10 (112.75) and 17 (120), together 434.25 - not 11 (135.5).
 *   run sum 696.25 + 434.25 = 1130.5, cut sum 1510.75 - 434.25 = 1076.5
 *   revenue 225, power cost 141.3125, profit 83.6875, lost 75,
 *   saved 134.5625, flat 24.125, gain 59.5625 (less than 63.84375).
 */
static void test_min_uptime_adds_cheapest(void **state)
{
	struct hp_curtail_result r = curtail_ok(day, 24, 12.5, 0.125, 0, 75);

	(void)state;
	assert_int_equal(r.hours_run, 18);
	assert_double_abs(r.uptime_pct, 75, 0);
	assert_double_rel(r.avg_price_paid_usd_per_mwh, 1130.5 / 18, 1e-15);
	assert_double_abs(r.revenue_usd, 225, 0);
	assert_double_abs(r.power_cost_usd, 141.3125, 0);
	assert_double_abs(r.profit_usd, 83.6875, 0);
	assert_double_abs(r.revenue_lost_usd, 75, 0);
	assert_double_abs(r.power_saved_usd, 134.5625, 0);
	assert_double_abs(r.flat_profit_usd, 24.125, 0);
	assert_double_abs(r.gain_usd, 59.5625, 0);
	check_identities(&r, 12.5, 0);

	/* Already met (14 of 24 >= ceil(13.92) = 14): the result is unchanged. */
	r = curtail_ok(day, 24, 12.5, 0.125, 0, 58);
	assert_int_equal(r.hours_run, 14);
	assert_double_abs(r.gain_usd, 63.84375, 0);

	/* 100 % runs every hour: the flat profit exactly, no gain. */
	r = curtail_ok(day, 24, 12.5, 0.125, 0, 100);
	assert_int_equal(r.hours_run, 24);
	assert_double_abs(r.profit_usd, 24.125, 0);
	assert_double_abs(r.gain_usd, 0, 0);
	assert_double_abs(r.power_saved_usd, 0, 0);

	/* With a credit the added-back hours also give up their credit:
	 * 18 hours from the credit case's 10 (333): the 8 cheapest of its
	 * curtailed, 80 88 95.75 99.5 100 101.5 112.75 120 = 797.5. */
	r = curtail_ok(day, 24, 12.5, 0.125, 20, 75);
	assert_int_equal(r.hours_run, 18);
	assert_double_abs(r.power_cost_usd, 0.125 * (333 + 797.5), 0);
	assert_double_abs(r.dr_credit_usd, 6 * 2.5, 0);
}

/*
 * The minimum is ceil(U / 100 * n - 1e-9): 7 % of 100 hours is
 * 7.000000000000001 in double and must ask for 7 hours, not 8.
 * Prices 1..100 at R = 0: every hour curtails (0 - L p > 0 never holds for
 * p > 0), so the 7 cheapest run: 1 + ... + 7 = 28.
 */
static void test_min_uptime_rounding(void **state)
{
	double p[100];
	struct hp_curtail_result r;
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		p[i] = (double)(100 - i); /* dearest first, so order is not time order */
	assert_true(7.0 / 100 * 100 > 7);
	r = curtail_ok(p, 100, 0, 1, 0, 7);
	assert_int_equal(r.hours_run, 7);
	assert_double_abs(r.power_cost_usd, 28, 0);
	r = curtail_ok(p, 100, 0, 1, 0, 7.5);
	assert_int_equal(r.hours_run, 8); /* ceil(7.5) */
	assert_double_abs(r.power_cost_usd, 36, 0);
	r = curtail_ok(p, 100, 0, 1, 0, 0.5);
	assert_int_equal(r.hours_run, 1); /* any positive share is at least an hour */
	assert_double_abs(r.power_cost_usd, 1, 0);
}

/*
 * Ties. At the breakeven the hour curtails (hour 9 above; here every hour
 * is at R / L = 40 and none runs). Among curtailed hours of equal price
 * the earlier is added back first; the sums cannot tell which of two equal
 * prices ran, so this checks the count and the amounts: prices 150 120 150
 * 120 90 at breakeven 100 run hour 4; 60 % (3 hours) adds the two 120s,
 * 80 % (4 hours) also one 150.
 */
static void test_ties(void **state)
{
	static const double flat40[4] = { 40, 40, 40, 40 };
	static const double p[5] = { 150, 120, 150, 120, 90 };
	struct hp_curtail_result r;

	(void)state;
	r = curtail_ok(flat40, 4, 10, 0.25, 0, 0);
	assert_int_equal(r.hours_run, 0);
	assert_double_abs(r.gain_usd, 0, 0); /* a wash either way */

	r = curtail_ok(p, 5, 12.5, 0.125, 0, 0);
	assert_int_equal(r.hours_run, 1);
	assert_double_abs(r.power_cost_usd, 0.125 * 90, 0);
	r = curtail_ok(p, 5, 12.5, 0.125, 0, 60);
	assert_int_equal(r.hours_run, 3);
	assert_double_abs(r.power_cost_usd, 0.125 * 330, 0);
	r = curtail_ok(p, 5, 12.5, 0.125, 0, 80);
	assert_int_equal(r.hours_run, 4);
	assert_double_abs(r.power_cost_usd, 0.125 * 480, 0);
	assert_double_abs(r.power_saved_usd, 0.125 * 150, 0);
}

/*
 * Negative prices are paid to draw: with no revenue and no credit an hour
 * runs iff 0 - 2 p > 0, i.e. p < 0. Prices -20.5 -0.25 0 3.75 -7 at
 * L = 2 MW run hours 0, 1 and 4 (sum -27.75); hour 2 (0) is a tie.
 *   power cost 2 * -27.75 = -55.5, profit 55.5, saved 2 * 3.75 = 7.5,
 *   flat 0 - 2 * -24 = 48, gain 7.5, average paid -9.25.
 */
static void test_negative_prices(void **state)
{
	static const double p[5] = { -20.5, -0.25, 0, 3.75, -7 };
	struct hp_curtail_result r = curtail_ok(p, 5, 0, 2, 0, 0);

	(void)state;
	assert_int_equal(r.hours_run, 3);
	assert_double_abs(r.avg_price_paid_usd_per_mwh, -9.25, 0);
	assert_double_abs(r.revenue_usd, 0, 0);
	assert_double_abs(r.power_cost_usd, -55.5, 0);
	assert_double_abs(r.profit_usd, 55.5, 0);
	assert_double_abs(r.power_saved_usd, 7.5, 0);
	assert_double_abs(r.flat_profit_usd, 48, 0);
	assert_double_abs(r.gain_usd, 7.5, 0);
	check_identities(&r, 0, 0);

	/* On the day, the two negative hours run at any revenue without credit. */
	r = curtail_ok(day + 21, 2, 0, 0.125, 0, 0);
	assert_int_equal(r.hours_run, 2);
}

/*
 * Every hour curtailed: R = 1, L = 1, prices 5 7.25 1 (1 is a tie).
 * Nothing is paid, the average price paid is 0 (not 0/0), lost 3, saved
 * 13.25, flat 3 - 13.25 = -10.25, gain 10.25; with a credit of 4 USD/MWh,
 * 3 * 4 = 12 more profit and gain.
 */
static void test_all_curtailed(void **state)
{
	static const double p[3] = { 5, 7.25, 1 };
	struct hp_curtail_result r = curtail_ok(p, 3, 1, 1, 0, 0);

	(void)state;
	assert_int_equal(r.hours_run, 0);
	assert_double_abs(r.uptime_pct, 0, 0);
	assert_double_abs(r.avg_price_paid_usd_per_mwh, 0, 0);
	assert_double_abs(r.revenue_usd, 0, 0);
	assert_double_abs(r.power_cost_usd, 0, 0);
	assert_double_abs(r.profit_usd, 0, 0);
	assert_double_abs(r.revenue_lost_usd, 3, 0);
	assert_double_abs(r.power_saved_usd, 13.25, 0);
	assert_double_abs(r.flat_profit_usd, -10.25, 0);
	assert_double_abs(r.gain_usd, 10.25, 0);
	r = curtail_ok(p, 3, 1, 1, 4, 0);
	assert_double_abs(r.dr_credit_usd, 12, 0);
	assert_double_abs(r.profit_usd, 12, 0);
	assert_double_abs(r.gain_usd, 22.25, 0);
}

/* Without a binding minimum uptime hp_curtail allocates nothing. */
static void test_no_allocation(void **state)
{
	long before = hp_alloc_count();

	(void)state;
	curtail_ok(day, 24, 12.5, 0.125, 20, 0);
	curtail_ok(day, 24, 12.5, 0.125, 0, 50); /* met: 14 >= 12 */
	assert_int_equal(hp_alloc_count(), before);
	curtail_ok(day, 24, 12.5, 0.125, 0, 75);
	assert_int_equal(hp_alloc_count(), before + 1); /* the index array */
}

static void test_bad_inputs(void **state)
{
	static const struct {
		struct hp_curtail_input in;
		size_t n;
		const char *field;
		const char *message;
	} cases[] = {
		{ { -1, 0.125, 0, 0 }, 24, "revenue_usd_per_hour",
		  "revenue_usd_per_hour: must be a finite number >= 0, got -1" },
		{ { NAN, 0.125, 0, 0 }, 24, "revenue_usd_per_hour",
		  "revenue_usd_per_hour: must be a finite number >= 0, got nan" },
		{ { INFINITY, 0.125, 0, 0 }, 24, "revenue_usd_per_hour",
		  "revenue_usd_per_hour: must be a finite number >= 0, got inf" },
		{ { 12.5, 0, 0, 0 }, 24, "load_mw", "load_mw: must be a finite number > 0, got 0" },
		{ { 12.5, -0.5, 0, 0 }, 24, "load_mw",
		  "load_mw: must be a finite number > 0, got -0.5" },
		{ { 12.5, INFINITY, 0, 0 }, 24, "load_mw",
		  "load_mw: must be a finite number > 0, got inf" },
		{ { 12.5, 0.125, -0.25, 0 }, 24, "dr_credit_usd_per_mwh",
		  "dr_credit_usd_per_mwh: must be a finite number >= 0, got -0.25" },
		{ { 12.5, 0.125, NAN, 0 }, 24, "dr_credit_usd_per_mwh",
		  "dr_credit_usd_per_mwh: must be a finite number >= 0, got nan" },
		{ { 12.5, 0.125, 0, 100.5 }, 24, "min_uptime_pct",
		  "min_uptime_pct: must be between 0 and 100, got 100.5" },
		{ { 12.5, 0.125, 0, -1 }, 24, "min_uptime_pct",
		  "min_uptime_pct: must be between 0 and 100, got -1" },
		{ { 12.5, 0.125, 0, NAN }, 24, "min_uptime_pct",
		  "min_uptime_pct: must be between 0 and 100, got nan" },
		{ { 12.5, 0.125, 0, 0 }, 0, "prices", "prices: must hold at least one hour, got 0" },
	};
	struct hp_curtail_result r, untouched;
	size_t i;

	(void)state;
	memset(&untouched, 0xa5, sizeof(untouched));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hp_power_series s = series_of(day, cases[i].n);
		struct hp_error err;

		r = untouched;
		assert_int_equal(hp_curtail(&s, &cases[i].in, &r, &err), HP_EINVAL);
		assert_int_equal(err.status, HP_EINVAL);
		assert_string_equal(err.field, cases[i].field);
		assert_string_equal(err.message, cases[i].message);
		assert_memory_equal(&r, &untouched, sizeof(r));
	}
	{
		static const double p[3] = { 1, 2, INFINITY };
		struct hp_power_series s = series_of(p, 3);
		struct hp_curtail_input in = { 12.5, 0.125, 0, 0 };
		struct hp_error err;

		assert_int_equal(hp_curtail(&s, &in, &r, &err), HP_EINVAL);
		assert_string_equal(err.message, "prices[2]: must be finite, got inf");
		/* a NULL series is an empty one; a NULL err is allowed */
		assert_int_equal(hp_curtail(NULL, &in, &r, NULL), HP_EINVAL);
	}
}

/* Each allocation of the minimum-uptime selection can fail: HP_ENOMEM, out untouched. */
static void test_curtail_alloc_failures(void **state)
{
	struct hp_power_series s = series_of(day, 24);
	struct hp_curtail_input in = { 12.5, 0.125, 0, 75 };
	struct hp_curtail_result r, untouched;
	enum hp_status ret = HP_ENOMEM;
	long n;

	(void)state;
	memset(&untouched, 0x5a, sizeof(untouched));
	for (n = 0; ret != HP_OK; n++) {
		struct hp_error err;

		assert_true(n < 10);
		r = untouched;
		hp_alloc_fail_after(n);
		ret = hp_curtail(&s, &in, &r, &err);
		hp_alloc_fail_after(-1);
		if (ret != HP_OK) {
			assert_int_equal(ret, HP_ENOMEM);
			assert_int_equal(err.status, HP_ENOMEM);
			assert_memory_equal(&r, &untouched, sizeof(r));
		}
	}
	assert_int_equal(n, 2); /* one allocation */
	assert_int_equal(r.hours_run, 18);
}

/* ------------------------------------------------------------------ */
/* the loader                                                           */
/* ------------------------------------------------------------------ */

static void check_day(const struct hp_power_series *s)
{
	size_t i;

	assert_int_equal(s->n, 24);
	for (i = 0; i < 24; i++) {
		assert_int_equal(s->time[i], DAY_START + 3600 * (int64_t)i);
		assert_double_abs(s->usd_per_mwh[i], day[i], 0);
	}
}

static void test_load_day(void **state)
{
	struct hp_power_series s;
	struct hp_error err;

	(void)state;
	/* ISO 8601 times */
	assert_int_equal(hp_power_series_load(FIXTURES "day.csv", &s, &err), HP_OK);
	check_day(&s);
	assert_double_rel(hp_power_series_mean(&s), 2207.0 / 24, 1e-15);
	hp_power_series_release(&s);
	assert_null(s.time);
	assert_null(s.usd_per_mwh);
	assert_int_equal(s.n, 0);
	hp_power_series_release(&s); /* twice is fine */
	hp_power_series_release(NULL);
	assert_double_abs(hp_power_series_mean(&s), 0, 0);
	assert_double_abs(hp_power_series_mean(NULL), 0, 0);

	/* Unix seconds, columns the other way round */
	assert_int_equal(hp_power_series_load(FIXTURES "day_unix.csv", &s, &err), HP_OK);
	check_day(&s);
	hp_power_series_release(&s);
}

static void test_load_errors(void **state)
{
	static const struct {
		const char *file;
		enum hp_status status;
		const char *message;
	} cases[] = {
		{ "gap.csv", HP_EPARSE,
		  FIXTURES "gap.csv:4: timestamp: must be one hour after the previous row "
			   "(2024-07-01T02:00:00Z), got '2024-07-01T03:00:00Z'" },
		{ "decreasing.csv", HP_EPARSE,
		  FIXTURES "decreasing.csv:4: timestamp: must be one hour after the previous row "
			   "(2024-07-01T02:00:00Z), got '2024-07-01T00:00:00Z'" },
		{ "repeated.csv", HP_EPARSE,
		  FIXTURES "repeated.csv:4: timestamp: must be one hour after the previous row "
			   "(2024-07-01T02:00:00Z), got '2024-07-01T01:00:00Z'" },
		{ "not_on_hour.csv", HP_EPARSE,
		  FIXTURES "not_on_hour.csv:2: timestamp: must be on the hour (a multiple of "
			   "3600 s), got '2024-07-01T00:30:00Z'" },
		{ "bad_time.csv", HP_EPARSE,
		  FIXTURES "bad_time.csv:3: timestamp: not a time (Unix seconds or "
			   "YYYY-MM-DDTHH:MM:SSZ), got '2024-07-01T01:00'" },
		{ "bad_number.csv", HP_EPARSE,
		  FIXTURES "bad_number.csv:4: usd_per_mwh: must be a finite number from -1e6 to "
			   "1e6, got '35.O'" },
		{ "nan.csv", HP_EPARSE,
		  FIXTURES "nan.csv:4: usd_per_mwh: must be a finite number from -1e6 to 1e6, "
			   "got 'nan'" },
		{ "too_large.csv", HP_EPARSE,
		  FIXTURES "too_large.csv:3: usd_per_mwh: must be a finite number from -1e6 to "
			   "1e6, got '-2e6'" },
		{ "extra_column.csv", HP_EPARSE,
		  FIXTURES "extra_column.csv:1: unexpected column 'node' (the columns are "
			   "timestamp and usd_per_mwh)" },
		{ "missing_column.csv", HP_EPARSE,
		  FIXTURES "missing_column.csv:1: missing column 'usd_per_mwh'" },
		{ "header_only.csv", HP_EPARSE, FIXTURES "header_only.csv:1: no rows after the header" },
		{ "empty.csv", HP_EPARSE, FIXTURES "empty.csv: empty file, expected a header line" },
		{ "does_not_exist.csv", HP_EIO,
		  FIXTURES "does_not_exist.csv: cannot open: No such file or directory" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256];
		struct hp_power_series s = { (int64_t *)1, (double *)1, 99 };
		struct hp_error err;

		snprintf(path, sizeof(path), FIXTURES "%s", cases[i].file);
		assert_int_equal(hp_power_series_load(path, &s, &err), cases[i].status);
		assert_string_equal(err.message, cases[i].message);
		/* nothing kept */
		assert_null(s.time);
		assert_null(s.usd_per_mwh);
		assert_int_equal(s.n, 0);
	}
}

/* Write n hours of price 0.1 from DAY_START, in Unix seconds, to <tmpdir>/name. */
static void write_hours(const char *name, size_t n, char *path, size_t cap)
{
	FILE *fp;
	size_t i;

	snprintf(path, cap, "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("timestamp,usd_per_mwh\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "%lld,0.1\n", (long long)DAY_START + 3600LL * (long long)i);
	assert_int_equal(fclose(fp), 0);
}

/*
 * Twenty years of hours, the cap: the file loads, one more row does not.
 * The exact sum of n copies of the double 0.1 is n * 0.1 (one rounding);
 * a plain loop over these 175,320 terms is off by 1.4e-12 relative, the
 * compensated sums here by at most a few ulps (asserted to 1e-15).
 */
static void test_twenty_years(void **state)
{
	const size_t n = HP_POWER_SERIES_MAX_HOURS;
	struct hp_power_series s;
	struct hp_curtail_result r;
	struct hp_curtail_input in = { 0, 1, 0, 50 };
	struct hp_error err;
	char path[256], want[512];

	(void)state;
	assert_int_equal(n, 7305 * 24);
	write_hours("twenty.csv", n, path, sizeof(path));
	assert_int_equal(hp_power_series_load(path, &s, &err), HP_OK);
	assert_int_equal(s.n, n);
	assert_int_equal(s.time[n - 1], DAY_START + 3600 * (int64_t)(n - 1));
	assert_double_rel(hp_power_series_mean(&s), 0.1, 1e-15);
	/* R = 0, L = 1: every hour curtails, 50 % are added back. */
	assert_int_equal(hp_curtail(&s, &in, &r, &err), HP_OK);
	assert_int_equal(r.hours_run, n / 2);
	assert_double_rel(r.flat_profit_usd, -((double)n * 0.1), 1e-15);
	assert_double_rel(r.power_cost_usd, (double)(n / 2) * 0.1, 1e-15);
	assert_double_rel(r.power_saved_usd, (double)(n / 2) * 0.1, 1e-15);
	assert_double_rel(r.avg_price_paid_usd_per_mwh, 0.1, 1e-15);
	hp_power_series_release(&s);
	unlink(path);

	write_hours("too_long.csv", n + 1, path, sizeof(path));
	assert_int_equal(hp_power_series_load(path, &s, &err), HP_EPARSE);
	snprintf(want, sizeof(want), "%s:%zu: more than 175320 rows (20 years of hours)", path,
		 n + 2);
	assert_string_equal(err.message, want);
	assert_null(s.time);
	unlink(path);
}

/*
 * Every allocation of a load (the reader's and the growing arrays', over
 * 3000 rows: 1024, 2048, 3000 ... ) can fail: HP_ENOMEM, nothing kept
 * (the sanitizer build checks that nothing leaks).
 */
static void test_load_alloc_failures(void **state)
{
	enum hp_status ret = HP_ENOMEM;
	char path[256];
	long n;

	(void)state;
	write_hours("alloc.csv", 3000, path, sizeof(path));
	for (n = 0; ret != HP_OK; n++) {
		struct hp_power_series s;
		struct hp_error err;

		assert_true(n < 100);
		hp_alloc_fail_after(n);
		ret = hp_power_series_load(path, &s, &err);
		hp_alloc_fail_after(-1);
		if (ret != HP_OK) {
			assert_int_equal(ret, HP_ENOMEM);
			assert_int_equal(err.status, HP_ENOMEM);
			assert_null(s.time);
			assert_null(s.usd_per_mwh);
			assert_int_equal(s.n, 0);
		} else {
			assert_int_equal(s.n, 3000);
			hp_power_series_release(&s);
		}
	}
	/* the reader's 4 or more, then two arrays grown twice */
	assert_true(n > 8);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_exact),
		cmocka_unit_test(test_day_decimal_load),
		cmocka_unit_test(test_dr_credit_changes_decision),
		cmocka_unit_test(test_min_uptime_adds_cheapest),
		cmocka_unit_test(test_min_uptime_rounding),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_negative_prices),
		cmocka_unit_test(test_all_curtailed),
		cmocka_unit_test(test_no_allocation),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_curtail_alloc_failures),
		cmocka_unit_test(test_load_day),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_twenty_years),
		cmocka_unit_test(test_load_alloc_failures),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
