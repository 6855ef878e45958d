/*
 * test_hpc.c - AI/HPC hosting (src/core/hpc.c) against hand computations.
 *
 * Calendar: month 0 is January 2025, so months 0-11 are 2025, 12-23 2026,
 * 24-35 2027, 36-47 2028 (February 2028, month 37, has 29 days), ...
 * Hours of a month = 24 x days: 31 days 744 h, 30 days 720 h, 28 days
 * 672 h, 29 days 696 h.
 *
 * The drawn default month (hp_hpc_default_month, src/core/hpc_default.c)
 * needs rng.c and is tested in test_hpc_default.c once both are merged
 * (until then both files carry a .pending suffix).
 */
#include <math.h>
#include <string.h>

#include "hashpivot/hpc.h"
#include "support/testutil.h"

#define NMONTHS 96

static int64_t days[NMONTHS];

/* Days of months 0..n-1 from January 2025. */
static void calendar(int64_t *d, size_t n)
{
	static const int64_t len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t i;

	for (i = 0; i < n; i++) {
		int year = 2025 + (int)(i / 12);
		int mon = (int)(i % 12);
		bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

		d[i] = len[mon] + (mon == 1 && leap);
	}
}

static int setup(void **state)
{
	(void)state;
	calendar(days, NMONTHS);
	return 0;
}

/*
 * The colocation used throughout: 200 MW of grid at design PUE 1.25 gives
 * 160 MW of critical IT (200 / 1.25, exact); $10M per IT MW of conversion
 * = $1.6e9 over 12 build months; $130/kW-month escalating 3 % a year; a
 * 36-month term; occupancy 50 % -> 100 % over 4 months; the tenant draws
 * 80 % of the leased IT; power $0.05/kWh; opex $150,000 per IT MW-year
 * = 150,000 x 160 / 12 = $2,000,000 a month.
 */
static struct hp_colocation coloc(void)
{
	struct hp_colocation c;

	memset(&c, 0, sizeof(c));
	c.conv.grid_mw = 200;
	c.conv.pue = 1.25;
	c.conv.capex_usd_per_mw = 10e6;
	c.conv.build_months = 12;
	c.rate_usd_per_kw_month = 130;
	c.escalator_pct_per_year = 3;
	c.term_months = 36;
	c.occupancy_start_pct = 50;
	c.occupancy_pct = 100;
	c.ramp_months = 4;
	c.load_factor_pct = 80;
	c.power_pass_through = false;
	c.power_price_usd_per_kwh = 0.05;
	c.opex_usd_per_mw_year = 150000;
	c.default_probability_pct_per_year = 0;
	c.relet_months = 0;
	return c;
}

/*
 * The GPU cloud used throughout: 35 MW of grid at PUE 1.25 = 28 MW IT; at
 * 1.4 kW all-in per GPU that holds 28,000 / 1.4 = 20,000 GPUs. $10M/MW
 * conversion = $280M over 6 months; $2.00/GPU-hour falling 20 % a year;
 * 80 % rented; an idle GPU draws 30 %; $40,000 per GPU, 15 % cheaper a
 * year, bought again every 36 months; opex $1,200 per GPU-year
 * (= 1,200 x 20,000 / 12 = $2,000,000 a month); power $0.06/kWh.
 */
static struct hp_gpu_cloud cloud(void)
{
	struct hp_gpu_cloud g;

	memset(&g, 0, sizeof(g));
	g.conv.grid_mw = 35;
	g.conv.pue = 1.25;
	g.conv.capex_usd_per_mw = 10e6;
	g.conv.build_months = 6;
	g.gpus = 0;
	g.kw_per_gpu = 1.4;
	g.usd_per_gpu_hour = 2.0;
	g.price_decline_pct_per_year = 20;
	g.utilisation_pct = 80;
	g.idle_power_pct = 30;
	g.capex_usd_per_gpu = 40000;
	g.capex_decline_pct_per_year = 15;
	g.refresh_months = 36;
	g.opex_usd_per_gpu_year = 1200;
	g.power_price_usd_per_kwh = 0.06;
	return g;
}

static void assert_month(const struct hp_hpc_month *o, double revenue, double power, double opex,
			 double capex, double energy, double in_use)
{
	assert_double_rel(o->revenue_usd, revenue, 1e-14);
	assert_double_rel(o->power_usd, power, 1e-14);
	assert_double_rel(o->opex_usd, opex, 1e-14);
	assert_double_rel(o->capex_usd, capex, 1e-14);
	assert_double_rel(o->energy_mwh, energy, 1e-14);
	assert_double_rel(o->it_mw_in_use, in_use, 1e-14);
}

/* ------------------------------------------------------------------ */
/* units                                                                */
/* ------------------------------------------------------------------ */

static void test_units(void **state)
{
	struct hp_conversion c = {200, 1.25, 0, 0};

	(void)state;
	/* $130/kW-month x 1000 kW/MW x 12 = $1,560,000 per MW-year */
	assert_double_rel(hp_hpc_usd_per_mw_year(130), 1560000, 0);
	assert_double_rel(hp_hpc_usd_per_kw_month(1560000), 130, 0);
	/* 142.37 x 12,000 = 1,708,440; back within an ulp or two */
	assert_double_rel(hp_hpc_usd_per_mw_year(142.37), 1708440, 1e-15);
	assert_double_rel(hp_hpc_usd_per_kw_month(hp_hpc_usd_per_mw_year(142.37)), 142.37, 1e-15);
	/* $9.7M per MW-year = 9.7e6 / 12,000 = $808.33 per kW-month */
	assert_double_rel(hp_hpc_usd_per_kw_month(9.7e6), 808.3333333333334, 1e-15);
	/* 200 MW of grid at PUE 1.25: 160 MW of critical IT */
	assert_double_rel(hp_hpc_it_mw(&c), 160, 0);
	c.pue = 1.3;
	assert_double_rel(hp_hpc_it_mw(&c), 153.84615384615384, 1e-15);
}

/* ------------------------------------------------------------------ */
/* colocation                                                           */
/* ------------------------------------------------------------------ */

/*
 * Service starts at month 12 (January 2026) = lease month 0.
 * Occupancy by lease month: 50, 62.5, 75, 87.5, then 100 % (160 MW).
 *
 * m 0..11: capex 1.6e9 / 12 = 133,333,333.33; nothing else.
 * m 12 (Jan 2026, 744 h, k 0): 80 MW leased; revenue 80,000 kW x 130 =
 *   10,400,000; energy 80 x 0.8 x 1.25 x 744 = 59,520 MWh; power
 *   59,520,000 kWh x 0.05 = 2,976,000; opex 2,000,000.
 * m 13 (Feb 2026, 672 h, k 1): 100 MW; revenue 13,000,000; energy
 *   100 x 0.8 x 1.25 x 672 = 67,200 MWh; power 3,360,000.
 * m 16 (May 2026, 744 h, k 4): 160 MW; revenue 20,800,000; energy
 *   160 x 744 = 119,040 MWh; power 5,952,000.
 * m 23 (Dec 2026, k 11): still 130 -> 20,800,000.
 * m 24 (Jan 2027, k 12): rate 130 x 1.03 = 133.9 -> 21,424,000.
 * m 37 (Feb 2028, 29 days = 696 h, k 25): rate 130 x 1.03^2 = 137.917
 *   -> 22,066,720; energy 160 x 696 = 111,360 MWh; power 5,568,000.
 * m 47 (k 35): last lease month, 22,066,720.
 * m 48 (k 36): the term is over: no revenue, no energy; opex goes on.
 */
static void test_colocation_months(void **state)
{
	struct hp_colocation c = coloc();
	struct hp_hpc_month out[NMONTHS];
	double capex = 0;
	size_t i;

	(void)state;
	hp_hpc_colocation_months(&c, 0, -1, false, days, NMONTHS, out);
	for (i = 0; i < 12; i++)
		assert_month(&out[i], 0, 0, 0, 1.6e9 / 12, 0, 0);
	assert_month(&out[12], 10400000, 2976000, 2000000, 0, 59520, 80);
	assert_month(&out[13], 13000000, 3360000, 2000000, 0, 67200, 100);
	assert_month(&out[14], 15600000, 120 * 744 * 50, 2000000, 0, 120 * 744, 120);
	assert_month(&out[15], 18200000, 140 * 720 * 50, 2000000, 0, 140 * 720, 140);
	assert_month(&out[16], 20800000, 5952000, 2000000, 0, 119040, 160);
	assert_month(&out[23], 20800000, 5952000, 2000000, 0, 119040, 160);
	assert_month(&out[24], 21424000, 5952000, 2000000, 0, 119040, 160);
	assert_month(&out[37], 22066720, 5568000, 2000000, 0, 111360, 160);
	assert_month(&out[47], 22066720, 5952000, 2000000, 0, 119040, 160);
	for (i = 48; i < NMONTHS; i++)
		assert_month(&out[i], 0, 0, 2000000, 0, 0, 0);
	for (i = 0; i < NMONTHS; i++)
		capex += out[i].capex_usd;
	assert_double_rel(capex, 1.6e9, 1e-15);
}

/* Pass-through: the same months with no power cost; the energy still flows. */
static void test_colocation_pass_through(void **state)
{
	struct hp_colocation c = coloc();
	struct hp_hpc_month out[NMONTHS];

	(void)state;
	c.power_pass_through = true;
	hp_hpc_colocation_months(&c, 0, -1, false, days, NMONTHS, out);
	assert_month(&out[12], 10400000, 0, 2000000, 0, 59520, 80);
	assert_month(&out[37], 22066720, 0, 2000000, 0, 111360, 160);
}

/*
 * Begun at month 3 with no build: all 1.6e9 in month 3, lease month 0 in
 * month 3 (April 2025, 720 h): 80 MW, revenue 10,400,000, energy
 * 80 x 720 = 57,600 MWh, power 2,880,000. Months 0-2 are empty. No ramp:
 * 160 MW from the start (month 4, May, 744 h: 119,040 MWh).
 */
static void test_colocation_start_no_build(void **state)
{
	struct hp_colocation c = coloc();
	struct hp_hpc_month out[8];

	(void)state;
	c.conv.build_months = 0;
	hp_hpc_colocation_months(&c, 3, -1, false, days, 8, out);
	for (int i = 0; i < 3; i++)
		assert_month(&out[i], 0, 0, 0, 0, 0, 0);
	assert_month(&out[3], 10400000, 2880000, 2000000, 1.6e9, 57600, 80);
	assert_month(&out[4], 13000000, 100 * 744 * 50, 2000000, 0, 100 * 744, 100);

	c.ramp_months = 0;
	hp_hpc_colocation_months(&c, 3, -1, false, days, 8, out);
	assert_month(&out[3], 20800000, 160 * 720 * 50, 2000000, 1.6e9, 160 * 720, 160);
	assert_month(&out[4], 20800000, 5952000, 2000000, 0, 119040, 160);
}

/*
 * Tenant default in lease month 5 (month 17, June 2026): months 17-19
 * (lease 5-7) are empty but for opex. With relet_months = 3 the hall is
 * let again from lease month 8 (month 20, September 2026, 720 h) with the
 * ramp restarted: 80 MW at $130 = 10,400,000, energy 80 x 720 = 57,600
 * MWh; lease month 12 (month 24) is 4 months into the new lease, 160 MW,
 * at the schedule's escalated 133.9 -> 21,424,000; the new lease ends with
 * the term (month 48). Without re-letting: nothing from month 17 on.
 */
static void test_colocation_default(void **state)
{
	struct hp_colocation c = coloc();
	struct hp_hpc_month out[NMONTHS];
	size_t i;

	(void)state;
	hp_hpc_colocation_months(&c, 0, 5, false, days, NMONTHS, out);
	assert_month(&out[16], 20800000, 5952000, 2000000, 0, 119040, 160);
	for (i = 17; i < NMONTHS; i++)
		assert_month(&out[i], 0, 0, 2000000, 0, 0, 0);

	c.relet_months = 3;
	hp_hpc_colocation_months(&c, 0, 5, false, days, NMONTHS, out);
	for (i = 17; i < 20; i++)
		assert_month(&out[i], 0, 0, 2000000, 0, 0, 0);
	assert_month(&out[20], 10400000, 2880000, 2000000, 0, 57600, 80);
	assert_month(&out[21], 13000000, 100 * 744 * 50, 2000000, 0, 100 * 744, 100);
	assert_month(&out[24], 21424000, 5952000, 2000000, 0, 119040, 160);
	assert_month(&out[47], 22066720, 5952000, 2000000, 0, 119040, 160);
	assert_month(&out[48], 0, 0, 2000000, 0, 0, 0);

	/* default in lease month 0: never any revenue without re-letting */
	c.relet_months = 0;
	hp_hpc_colocation_months(&c, 0, 0, false, days, NMONTHS, out);
	for (i = 12; i < NMONTHS; i++)
		assert_month(&out[i], 0, 0, 2000000, 0, 0, 0);

	/* a default at or after the term (lease month 36) changes nothing */
	{
		struct hp_hpc_month ref[NMONTHS];

		hp_hpc_colocation_months(&c, 0, -1, false, days, NMONTHS, ref);
		hp_hpc_colocation_months(&c, 0, 36, false, days, NMONTHS, out);
		assert_memory_equal(ref, out, sizeof(ref));
	}
}

/*
 * The monthly hazard: p = 1 - 0.9^12 a year (71.757...%) is h = 0.1 a
 * month exactly (up to the rounding of 0.9^12); 0 and negatives give 0;
 * a small p gives h ~ p / 12: 1.2 % -> 1 - 0.988^(1/12) = 0.00100554254...
 */
static void test_hazard(void **state)
{
	(void)state;
	assert_double_rel(hp_hpc_default_hazard(100 * (1 - pow(0.9, 12))), 0.1, 1e-14);
	assert_double_abs(hp_hpc_default_hazard(0), 0, 0);
	assert_double_abs(hp_hpc_default_hazard(-1), 0, 0);
	assert_double_rel(hp_hpc_default_hazard(1.2), 1 - pow(0.988, 1.0 / 12), 1e-14);
	assert_double_rel(hp_hpc_default_hazard(1.2), 0.0010055425391276573, 1e-12);
}

/*
 * Expected mode by hand: 10 MW grid at PUE 1.25 = 8 MW IT, no build, a
 * 3-month term at $100/kW-month flat, occupancy 40 % -> 100 % over 2 months
 * (0.4, 0.7, 1.0), re-let 1 month after a default, h = 0.1 (q = 0.9):
 *   D = 0 (P 0.1):   shares 0,   0.4, 0.7   (re-let from lease month 1)
 *   D = 1 (P 0.09):  shares 0.4, 0,   0.4
 *   D = 2 (P 0.081): shares 0.4, 0.7, 0
 *   none  (P 0.729): shares 0.4, 0.7, 1.0
 *   E[share] = 0.36, 0.607, 0.835 -> revenue 8,000 kW x 100 x share =
 *   288,000, 485,600, 668,000; lease month 3 is past the term: 0.
 * Energy (load factor 50 %, 744 / 672 / 744 h): 8 x share x 0.5 x 1.25 x
 * hours = 1,339.2, 2,039.52, 3,106.2 MWh.
 */
static void test_colocation_expected_by_hand(void **state)
{
	struct hp_colocation c;
	struct hp_hpc_month out[5];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.conv.grid_mw = 10;
	c.conv.pue = 1.25;
	c.rate_usd_per_kw_month = 100;
	c.term_months = 3;
	c.occupancy_start_pct = 40;
	c.occupancy_pct = 100;
	c.ramp_months = 2;
	c.load_factor_pct = 50;
	c.power_pass_through = true;
	c.default_probability_pct_per_year = 100 * (1 - pow(0.9, 12));
	c.relet_months = 1;
	hp_hpc_colocation_months(&c, 0, 7 /* ignored */, true, days, 5, out);
	assert_double_rel(out[0].revenue_usd, 288000, 1e-13);
	assert_double_rel(out[1].revenue_usd, 485600, 1e-13);
	assert_double_rel(out[2].revenue_usd, 668000, 1e-13);
	assert_double_abs(out[3].revenue_usd, 0, 0);
	assert_double_rel(out[0].it_mw_in_use, 8 * 0.36, 1e-13);
	assert_double_rel(out[0].energy_mwh, 1339.2, 1e-13);
	assert_double_rel(out[1].energy_mwh, 2039.52, 1e-13);
	assert_double_rel(out[2].energy_mwh, 3106.2, 1e-13);
	assert_double_abs(out[2].power_usd, 0, 0);

	/* no re-let: E[share_k] = q^(k+1) occ(k) = 0.36, 0.567, 0.729 */
	c.relet_months = 0;
	hp_hpc_colocation_months(&c, 0, -1, true, days, 5, out);
	assert_double_rel(out[0].revenue_usd, 288000, 1e-13);
	assert_double_rel(out[1].revenue_usd, 453600, 1e-13);
	assert_double_rel(out[2].revenue_usd, 583200, 1e-13);
}

/*
 * Expected mode = the average of the deterministic flows over the default
 * month, each weighted by P(D = d) = q^d h (d < term) and the survivors by
 * q^term, for the full colocation with a 20 %/year hazard, a 5-month
 * re-let and a start at month 2: every flow of every month agrees.
 */
static void test_colocation_expected_is_average(void **state)
{
	struct hp_colocation c = coloc();
	static struct hp_hpc_month exp_[NMONTHS], one[NMONTHS];
	double avg[NMONTHS][4];
	double h, q, w;
	int64_t d;
	size_t i;

	(void)state;
	c.default_probability_pct_per_year = 20;
	c.relet_months = 5;
	c.power_pass_through = false;
	h = hp_hpc_default_hazard(c.default_probability_pct_per_year);
	q = 1 - h;
	memset(avg, 0, sizeof(avg));
	for (d = -1; d < c.term_months; d++) {
		w = d < 0 ? pow(q, (double)c.term_months) : pow(q, (double)d) * h;
		hp_hpc_colocation_months(&c, 2, d, false, days, NMONTHS, one);
		for (i = 0; i < NMONTHS; i++) {
			avg[i][0] += w * one[i].revenue_usd;
			avg[i][1] += w * one[i].power_usd;
			avg[i][2] += w * one[i].energy_mwh;
			avg[i][3] += w * one[i].it_mw_in_use;
		}
	}
	hp_hpc_colocation_months(&c, 2, -1, true, days, NMONTHS, exp_);
	for (i = 0; i < NMONTHS; i++) {
		assert_double_rel(exp_[i].revenue_usd, avg[i][0], 1e-12);
		assert_double_rel(exp_[i].power_usd, avg[i][1], 1e-12);
		assert_double_rel(exp_[i].energy_mwh, avg[i][2], 1e-12);
		assert_double_rel(exp_[i].it_mw_in_use, avg[i][3], 1e-12);
		assert_double_rel(exp_[i].opex_usd, one[i].opex_usd, 0);
		assert_double_rel(exp_[i].capex_usd, one[i].capex_usd, 0);
	}
	/* and the default costs something: lease month 30 (month 44) */
	assert_true(exp_[44].revenue_usd < 0.97 * 22066720);
	assert_true(exp_[44].revenue_usd > 0.5 * 22066720);
}

/*
 * Steady figures: occupancy 90 %, otherwise the colocation above.
 *   revenue per IT MW-year = 130 x 12,000 x 0.9 = 1,404,000
 *   per grid MW = 1,404,000 / 1.25 = 1,123,200
 *   energy per IT MW-year = 0.9 x 0.8 x 1.25 x 8765.82 = 7,889.238 MWh
 *   revenue per kWh = 1,404,000 / 7,889,238 = 0.177963955454...
 *   cost = 7,889,238 x 0.05 + 150,000 = 544,461.9
 *   margin = 100 (1,404,000 - 544,461.9) / 1,404,000 = 61.2206623931...%
 * Pass-through: cost 150,000, margin 89.316239316...%, same per kWh.
 */
static void test_colocation_steady(void **state)
{
	struct hp_colocation c = coloc();
	struct hp_hpc_steady s;

	(void)state;
	c.occupancy_pct = 90;
	hp_hpc_colocation_steady(&c, &s);
	assert_double_rel(s.it_mw, 160, 0);
	assert_double_rel(s.revenue_usd_per_it_mw_year, 1404000, 1e-15);
	assert_double_rel(s.revenue_usd_per_grid_mw_year, 1123200, 1e-15);
	assert_double_rel(s.revenue_usd_per_kwh, 0.177963955454253, 1e-13);
	assert_double_rel(s.cost_usd_per_it_mw_year, 544461.9, 1e-14);
	assert_double_rel(s.margin_pct, 61.22066239316239, 1e-13);
	assert_double_rel(s.capex_usd_per_it_mw, 10e6, 0);
	/* within the $1.2-1.9M per IT MW-year of colocation (docs/model.md) */
	assert_true(s.revenue_usd_per_it_mw_year > 1.2e6 && s.revenue_usd_per_it_mw_year < 1.9e6);

	c.power_pass_through = true;
	hp_hpc_colocation_steady(&c, &s);
	assert_double_rel(s.cost_usd_per_it_mw_year, 150000, 0);
	assert_double_rel(s.margin_pct, 89.31623931623932, 1e-13);
	assert_double_rel(s.revenue_usd_per_kwh, 0.177963955454253, 1e-13);

	/* an empty hall: no revenue, no energy -> 0 per kWh and 0 margin */
	c.occupancy_pct = 0;
	hp_hpc_colocation_steady(&c, &s);
	assert_double_abs(s.revenue_usd_per_kwh, 0, 0);
	assert_double_abs(s.margin_pct, 0, 0);
}

/* ------------------------------------------------------------------ */
/* GPU cloud                                                            */
/* ------------------------------------------------------------------ */

/*
 * 20,000 GPUs, service from month 6 (July 2025) = service month 0.
 * m 0..5: conversion capex 280,000,000 / 6 = 46,666,666.67.
 * m 6 (Jul 2025, 744 h, k 0): revenue 20,000 x 744 x 0.8 x 2.00 =
 *   23,808,000; IT draw 20,000 x 1.4 kW x (0.3 + 0.7 x 0.8 = 0.86) =
 *   24,080 kW = 24.08 MW; energy 24.08 x 1.25 x 744 = 22,394.4 MWh; power
 *   22,394,400 kWh x 0.06 = 1,343,664; opex 2,000,000; GPU capex
 *   20,000 x 40,000 = 800,000,000.
 * m 7 (Aug, 744 h, k 1): revenue 23,808,000 x 0.8^(1/12)
 *   = 23,808,000 x 0.98157652987375 = 23,369,374.0232343.
 * m 13 (Feb 2026, 672 h, k 7): 20,000 x 672 x 1.6 x 0.8^(7/12)
 *   = 18,879,409.6698316; energy 24.08 x 1.25 x 672 = 20,227.2 MWh,
 *   power 20,227,200 kWh x 0.06 = 1,213,632.
 * m 18 (Jul 2026, 744 h, k 12): 23,808,000 x 0.8 = 19,046,400.
 * m 41 (Jun 2028, 720 h, k 35): no GPU capex; revenue 20,000 x 720 x
 *   1.6 x 0.8^(35/12) = 12,017,891.2606205; energy 24.08 x 1.25 x 720 =
 *   21,672 MWh, power 1,300,320.
 * m 42 (Jul 2028, k 36): refresh at 800,000,000 x 0.85^3 = 491,300,000;
 *   the new GPUs are age 0 and rent at the first-month price again:
 *   revenue 23,808,000 (a 744-hour month).
 * m 43 (Aug 2028, k 37, age 1): 23,808,000 x 0.8^(1/12) = 23,369,374.0232343.
 * m 78 (Jul 2031, k 72): second refresh, 800,000,000 x 0.85^6 =
 *   301,719,612.5; revenue 23,808,000 again.
 */
static void test_gpu_months(void **state)
{
	struct hp_gpu_cloud g = cloud();
	struct hp_hpc_month out[NMONTHS];
	size_t i;

	(void)state;
	assert_int_equal(hp_hpc_gpus(&g), 20000);
	hp_hpc_gpu_months(&g, 0, days, NMONTHS, out);
	for (i = 0; i < 6; i++)
		assert_month(&out[i], 0, 0, 0, 280e6 / 6, 0, 0);
	assert_month(&out[6], 23808000, 1343664, 2000000, 800e6, 22394.4, 24.08);
	assert_month(&out[7], 23369374.0232343, 1343664, 2000000, 0, 22394.4, 24.08);
	assert_month(&out[13], 18879409.6698316, 1213632, 2000000, 0, 20227.2, 24.08);
	assert_month(&out[18], 19046400, 1343664, 2000000, 0, 22394.4, 24.08);
	assert_month(&out[41], 12017891.2606205, 1300320, 2000000, 0, 21672, 24.08);
	assert_month(&out[42], 23808000, 1343664, 2000000, 491300000, 22394.4, 24.08);
	assert_month(&out[43], 23369374.0232343, 1343664, 2000000, 0, 22394.4, 24.08);
	assert_month(&out[78], 23808000, 1343664, 2000000, 301719612.5, 22394.4, 24.08);
	for (i = 7; i < NMONTHS; i++)
		if (i != 42 && i != 78)
			assert_double_abs(out[i].capex_usd, 0, 0);

	/* no refresh: the GPUs are bought once */
	g.refresh_months = 0;
	hp_hpc_gpu_months(&g, 0, days, NMONTHS, out);
	assert_double_abs(out[42].capex_usd, 0, 0);
	assert_double_abs(out[78].capex_usd, 0, 0);
	assert_double_rel(out[6].capex_usd, 800e6, 0);

	/* no build: conversion and GPUs both in month start (2, March, 744 h) */
	g.conv.build_months = 0;
	hp_hpc_gpu_months(&g, 2, days, 4, out);
	assert_month(&out[1], 0, 0, 0, 0, 0, 0);
	assert_month(&out[2], 23808000, 1343664, 2000000, 280e6 + 800e6, 22394.4, 24.08);
}

/*
 * The GPU count from the IT MW: 28 MW / 1.4 kW = 20,000 exactly (whatever
 * 1.4 rounds to); 100 MW of grid at PUE 1.3 and 1.45 kW: 76,923.08 kW /
 * 1.45 = 53,050.4 -> 53,050; a given count is kept.
 */
static void test_gpu_count(void **state)
{
	struct hp_gpu_cloud g = cloud();

	(void)state;
	assert_int_equal(hp_hpc_gpus(&g), 20000);
	g.conv.grid_mw = 100;
	g.conv.pue = 1.3;
	g.kw_per_gpu = 1.45;
	assert_int_equal(hp_hpc_gpus(&g), 53050);
	g.gpus = 1234;
	assert_int_equal(hp_hpc_gpus(&g), 1234);
}

/*
 * An IREN-like GPU cloud (docs/model.md): 130 MW grid at PUE 1.3 =
 * 100 MW IT; 1.45 kW per GPU all-in -> floor(100,000 / 1.45) = 68,965
 * GPUs; $2.00/GPU-hour, no decline, 80 % rented, idle 30 %, $42,000 per
 * GPU, opex $2,000 per GPU-year, power $0.05/kWh, conversion $10M/MW.
 *   revenue = 68,965 x 0.8 x 2 x 8765.82 / 100 = 9,672,556.4208 per IT
 *     MW-year (the "~$9.7M per MW per year", in $9-12M);
 *   per grid MW: x 100 / 130 = 7,440,428.016;
 *   draw = 68,965 x 1.45 x 0.86 / 1000 = 85.999355 MW; energy
 *     = 85.999355 x 1.3 x 8765.82 = 980,011.32586 MWh;
 *   revenue per kWh = 110,344 / (85.999355 x 1.3 x 1000) = 0.98698414657;
 *   cost = (980,011,325.86 x 0.05 + 68,965 x 2,000) / 100 = 1,869,305.66293;
 *   margin = 80.6741301719 %;
 *   capex = 10,000,000 + 68,965 x 42,000 / 100 = 38,965,300 per IT MW
 *     (of which GPUs ~$29.0M/MW).
 * With a 20 %/year price decline the first year earns the mean of
 * 0.8^(k/12), k = 0..11: (1 - 0.8) / (1 - 0.8^(1/12)) / 12 = 10.8557182 / 12
 *   -> 8,750,212.2334 per IT MW-year.
 */
static void test_gpu_steady(void **state)
{
	struct hp_gpu_cloud g = cloud();
	struct hp_hpc_steady s;

	(void)state;
	g.conv.grid_mw = 130;
	g.conv.pue = 1.3;
	g.kw_per_gpu = 1.45;
	g.price_decline_pct_per_year = 0;
	g.capex_usd_per_gpu = 42000;
	g.opex_usd_per_gpu_year = 2000;
	g.power_price_usd_per_kwh = 0.05;
	hp_hpc_gpu_steady(&g, &s);
	assert_double_rel(s.it_mw, 100, 1e-15);
	assert_double_rel(s.revenue_usd_per_it_mw_year, 9672556.4208, 1e-13);
	assert_true(s.revenue_usd_per_it_mw_year > 9e6 && s.revenue_usd_per_it_mw_year < 12e6);
	assert_double_rel(s.revenue_usd_per_grid_mw_year, 7440428.016, 1e-13);
	assert_double_rel(s.revenue_usd_per_kwh, 0.9869841465671456, 1e-13);
	assert_double_rel(s.cost_usd_per_it_mw_year, 1869305.662929965, 1e-13);
	assert_double_rel(s.margin_pct, 80.67413017193485, 1e-12);
	assert_double_rel(s.capex_usd_per_it_mw, 38965300, 1e-14);

	g.price_decline_pct_per_year = 20;
	hp_hpc_gpu_steady(&g, &s);
	assert_double_rel(s.revenue_usd_per_it_mw_year, 8750212.233379507, 1e-13);
}

/* ------------------------------------------------------------------ */
/* checks                                                               */
/* ------------------------------------------------------------------ */

static void expect_coloc_error(const struct hp_colocation *c, int64_t horizon, const char *field,
			       const char *message)
{
	struct hp_error err;

	hp_error_clear(&err);
	assert_int_equal(hp_hpc_colocation_check(c, horizon, &err), HP_EINVAL);
	assert_int_equal(err.status, HP_EINVAL);
	assert_string_equal(err.field, field);
	assert_string_equal(err.message, message);
}

static void expect_gpu_error(const struct hp_gpu_cloud *g, const char *field, const char *message)
{
	struct hp_error err;

	hp_error_clear(&err);
	assert_int_equal(hp_hpc_gpu_check(g, 120, &err), HP_EINVAL);
	assert_string_equal(err.field, field);
	assert_string_equal(err.message, message);
}

#define COLOC_BAD(stmt, field, msg)                                                                \
	do {                                                                                       \
		struct hp_colocation c_ = coloc();                                                 \
		stmt;                                                                              \
		expect_coloc_error(&c_, 120, field, msg);                                          \
	} while (0)

#define GPU_BAD(stmt, field, msg)                                                                  \
	do {                                                                                       \
		struct hp_gpu_cloud g_ = cloud();                                                  \
		stmt;                                                                              \
		expect_gpu_error(&g_, field, msg);                                                 \
	} while (0)

static void test_colocation_check(void **state)
{
	struct hp_colocation c = coloc();

	(void)state;
	assert_int_equal(hp_hpc_colocation_check(&c, 120, NULL), HP_OK);
	c.conv.build_months = 119;
	c.escalator_pct_per_year = -99.5;
	c.default_probability_pct_per_year = 99.9;
	assert_int_equal(hp_hpc_colocation_check(&c, 120, NULL), HP_OK);

	COLOC_BAD(c_.conv.grid_mw = 0, "grid_mw", "grid_mw: must be > 0, got 0");
	COLOC_BAD(c_.conv.grid_mw = INFINITY, "grid_mw",
		  "grid_mw: must be a finite number, got inf");
	COLOC_BAD(c_.conv.pue = 0.9, "pue", "pue: must be >= 1, got 0.9");
	COLOC_BAD(c_.conv.pue = 3.5, "pue", "pue: must be <= 3, got 3.5");
	COLOC_BAD(c_.conv.pue = NAN, "pue", "pue: must be a finite number, got nan");
	COLOC_BAD(c_.conv.capex_usd_per_mw = -5e6, "capex_usd_per_mw",
		  "capex_usd_per_mw: must be >= 0, got -5e+06");
	COLOC_BAD(c_.conv.build_months = -1, "build_months", "build_months: must be >= 0, got -1");
	COLOC_BAD(c_.conv.build_months = 130, "build_months",
		  "build_months: must be < the horizon of 120 months, got 130");
	COLOC_BAD(c_.conv.build_months = 120, "build_months",
		  "build_months: must be < the horizon of 120 months, got 120");
	COLOC_BAD(c_.rate_usd_per_kw_month = -1, "rate_usd_per_kw_month",
		  "rate_usd_per_kw_month: must be >= 0, got -1");
	COLOC_BAD(c_.rate_usd_per_kw_month = NAN, "rate_usd_per_kw_month",
		  "rate_usd_per_kw_month: must be a finite number, got nan");
	COLOC_BAD(c_.escalator_pct_per_year = -100, "escalator_pct_per_year",
		  "escalator_pct_per_year: must be > -100, got -100");
	COLOC_BAD(c_.term_months = 0, "term_months", "term_months: must be >= 1, got 0");
	COLOC_BAD(c_.occupancy_start_pct = 101, "occupancy_start_pct",
		  "occupancy_start_pct: must be <= 100, got 101");
	COLOC_BAD(c_.occupancy_pct = -0.5, "occupancy_pct",
		  "occupancy_pct: must be >= 0, got -0.5");
	COLOC_BAD(c_.ramp_months = -2, "ramp_months", "ramp_months: must be >= 0, got -2");
	COLOC_BAD(c_.load_factor_pct = 100.5, "load_factor_pct",
		  "load_factor_pct: must be <= 100, got 100.5");
	COLOC_BAD(c_.power_price_usd_per_kwh = -INFINITY, "power_price_usd_per_kwh",
		  "power_price_usd_per_kwh: must be a finite number, got -inf");
	COLOC_BAD(c_.power_price_usd_per_kwh = -0.05, "power_price_usd_per_kwh",
		  "power_price_usd_per_kwh: must be >= 0, got -0.05");
	COLOC_BAD(c_.opex_usd_per_mw_year = -1, "opex_usd_per_mw_year",
		  "opex_usd_per_mw_year: must be >= 0, got -1");
	COLOC_BAD(c_.default_probability_pct_per_year = 100, "default_probability_pct_per_year",
		  "default_probability_pct_per_year: must be < 100, got 100");
	COLOC_BAD(c_.default_probability_pct_per_year = -1, "default_probability_pct_per_year",
		  "default_probability_pct_per_year: must be >= 0, got -1");
	COLOC_BAD(c_.relet_months = -1, "relet_months", "relet_months: must be >= 0, got -1");
}

static void test_gpu_check(void **state)
{
	struct hp_gpu_cloud g = cloud();

	(void)state;
	assert_int_equal(hp_hpc_gpu_check(&g, 120, NULL), HP_OK);
	g.gpus = 20000; /* exactly 28 MW at 1.4 kW fits */
	assert_int_equal(hp_hpc_gpu_check(&g, 120, NULL), HP_OK);

	GPU_BAD(g_.conv.build_months = 200, "build_months",
		"build_months: must be < the horizon of 120 months, got 200");
	GPU_BAD(g_.conv.capex_usd_per_mw = -5e6, "capex_usd_per_mw",
		"capex_usd_per_mw: must be >= 0, got -5e+06");
	GPU_BAD(g_.gpus = -1, "gpus", "gpus: must be >= 0, got -1");
	GPU_BAD(g_.gpus = 20001, "gpus",
		"gpus: must be <= 20000 to fit 28 MW of critical IT at 1.4 kW each, got 20001");
	GPU_BAD(g_.kw_per_gpu = 0, "kw_per_gpu", "kw_per_gpu: must be > 0, got 0");
	GPU_BAD(g_.kw_per_gpu = 30000, "kw_per_gpu",
		"kw_per_gpu: must leave room for one GPU in 28 MW of critical IT, got 30000");
	GPU_BAD(g_.usd_per_gpu_hour = NAN, "usd_per_gpu_hour",
		"usd_per_gpu_hour: must be a finite number, got nan");
	GPU_BAD(g_.usd_per_gpu_hour = -2, "usd_per_gpu_hour",
		"usd_per_gpu_hour: must be >= 0, got -2");
	GPU_BAD(g_.price_decline_pct_per_year = 100, "price_decline_pct_per_year",
		"price_decline_pct_per_year: must be < 100, got 100");
	GPU_BAD(g_.price_decline_pct_per_year = -1, "price_decline_pct_per_year",
		"price_decline_pct_per_year: must be >= 0, got -1");
	GPU_BAD(g_.utilisation_pct = 120, "utilisation_pct",
		"utilisation_pct: must be <= 100, got 120");
	GPU_BAD(g_.idle_power_pct = -5, "idle_power_pct", "idle_power_pct: must be >= 0, got -5");
	GPU_BAD(g_.capex_usd_per_gpu = -1, "capex_usd_per_gpu",
		"capex_usd_per_gpu: must be >= 0, got -1");
	GPU_BAD(g_.capex_decline_pct_per_year = 100, "capex_decline_pct_per_year",
		"capex_decline_pct_per_year: must be < 100, got 100");
	GPU_BAD(g_.refresh_months = -1, "refresh_months", "refresh_months: must be >= 0, got -1");
	GPU_BAD(g_.opex_usd_per_gpu_year = -1, "opex_usd_per_gpu_year",
		"opex_usd_per_gpu_year: must be >= 0, got -1");
	GPU_BAD(g_.power_price_usd_per_kwh = INFINITY, "power_price_usd_per_kwh",
		"power_price_usd_per_kwh: must be a finite number, got inf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_colocation_months),
	    cmocka_unit_test(test_colocation_pass_through),
	    cmocka_unit_test(test_colocation_start_no_build),
	    cmocka_unit_test(test_colocation_default),
	    cmocka_unit_test(test_hazard),
	    cmocka_unit_test(test_colocation_expected_by_hand),
	    cmocka_unit_test(test_colocation_expected_is_average),
	    cmocka_unit_test(test_colocation_steady),
	    cmocka_unit_test(test_gpu_months),
	    cmocka_unit_test(test_gpu_count),
	    cmocka_unit_test(test_gpu_steady),
	    cmocka_unit_test(test_colocation_check),
	    cmocka_unit_test(test_gpu_check),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
