/*
 * hpc.c - AI/HPC hosting on a converted mining site (include/hashpivot/hpc.h):
 * the conversion, colocation leases (with the tenant's default, drawn or in
 * expectation), a GPU cloud, and the steady per-MW figures.
 *
 * Everything here is a closed-form product per month; the only loop that is
 * not O(1) per month is the expectation over the re-let after a default,
 * O(n^2) over the lease months (computed once per run). The default month
 * drawn from an RNG stream lives in hpc_default.c, so that this file does
 * not depend on rng.c.
 */
#include <math.h>
#include <string.h>

#include "hashpivot/hpc.h"

/* 365.2425 x 24, as mining.c: the steady figures' year, so a kWh of AI and a
 * kWh of mining are compared over the same hours. */
#define HOURS_PER_YEAR	8765.82
#define MONTHS_PER_YEAR 12

/*
 * A GPU count whose draw exceeds the critical IT by no more than this
 * relative amount fits: 28 MW at 1.4 kW holds 20,000 GPUs whatever the
 * binary rounding of 1.4 and of grid_mw / pue (docs/model.md "Numerical tolerances").
 */
#define GPU_FIT_REL_TOL 1e-9

/* ------------------------------------------------------------------ */
/* units and the conversion                                             */
/* ------------------------------------------------------------------ */

/*
 * Method: 1 MW = 1000 kW and a year is 12 lease months, so
 * $/MW-year = $/kW-month x 1000 x 12 and back.
 * Accuracy: one rounding each way. Source: docs/model.md "AI/HPC hosting".
 */
double hp_hpc_usd_per_mw_year(double usd_per_kw_month)
{
	return usd_per_kw_month * 1000 * MONTHS_PER_YEAR;
}

double hp_hpc_usd_per_kw_month(double usd_per_mw_year)
{
	return usd_per_mw_year / (1000 * MONTHS_PER_YEAR);
}

/*
 * Method: critical IT = grid / design PUE (the hall's overhead comes out
 * of the same grid connection). Accuracy: one rounding.
 */
double hp_hpc_it_mw(const struct hp_conversion *c)
{
	return c->grid_mw / c->pue;
}

/*
 * Method: conversion capex K = capex_usd_per_mw x it_mw, spent evenly over
 * build months [start, start + B): K / B a month, or all of K in month
 * start when B = 0. Months outside get 0.
 */
static double conversion_capex(const struct hp_conversion *c, int64_t start, int64_t m)
{
	double total = c->capex_usd_per_mw * hp_hpc_it_mw(c);

	if (c->build_months == 0)
		return m == start ? total : 0;
	if (m < start || m >= start + c->build_months)
		return 0;
	return total / (double)c->build_months;
}

/*
 * GPUs of kw each that fit it_kw: floor(it_kw / kw (1 + GPU_FIT_REL_TOL)),
 * clamped to [0, INT64_MAX / 2] so absurd inputs cannot overflow the cast.
 */
static int64_t fit_count(double it_kw, double kw)
{
	double x = floor(it_kw / kw * (1 + GPU_FIT_REL_TOL));

	if (!(x >= 0))
		return 0;
	if (x >= (double)(INT64_MAX / 2))
		return INT64_MAX / 2;
	return (int64_t)x;
}

/* ------------------------------------------------------------------ */
/* checks                                                               */
/* ------------------------------------------------------------------ */

/*
 * v must be finite and in the interval (lo or [lo, hi] or hi); an open end
 * says "> lo" / "< hi". hi = INFINITY: no upper bound.
 */
static enum hp_status check_real(double v, double lo, bool lo_open, double hi, bool hi_open,
				 const char *field, struct hp_error *err)
{
	if (isnan(v) || isinf(v))
		return hp_error_set(err, HP_EINVAL, field, "must be a finite number, got %g", v);
	if (lo_open ? !(v > lo) : !(v >= lo))
		return hp_error_set(err, HP_EINVAL, field, "must be %s %g, got %g",
				    lo_open ? ">" : ">=", lo, v);
	if (hi_open ? !(v < hi) : !(v <= hi))
		return hp_error_set(err, HP_EINVAL, field, "must be %s %g, got %g",
				    hi_open ? "<" : "<=", hi, v);
	return HP_OK;
}

static enum hp_status check_int(int64_t v, int64_t lo, const char *field, struct hp_error *err)
{
	if (v < lo)
		return hp_error_set(err, HP_EINVAL, field, "must be >= %lld, got %lld",
				    (long long)lo, (long long)v);
	return HP_OK;
}

#define CHECK(call)                                                                                \
	do {                                                                                       \
		enum hp_status st_ = (call);                                                       \
		if (st_ != HP_OK)                                                                  \
			return st_;                                                                \
	} while (0)

static enum hp_status check_conversion(const struct hp_conversion *c, int64_t horizon_months,
				       struct hp_error *err)
{
	CHECK(check_real(c->grid_mw, 0, true, INFINITY, false, "grid_mw", err));
	CHECK(check_real(c->pue, 1, false, 3, false, "pue", err));
	CHECK(check_real(c->capex_usd_per_mw, 0, false, INFINITY, false, "capex_usd_per_mw", err));
	CHECK(check_int(c->build_months, 0, "build_months", err));
	if (c->build_months >= horizon_months)
		return hp_error_set(err, HP_EINVAL, "build_months",
				    "must be < the horizon of %lld months, got %lld",
				    (long long)horizon_months, (long long)c->build_months);
	return HP_OK;
}

/*
 * Method: every field against its range in hpc.h, in the order of the
 * struct; the first failure is reported, named by its scenario key.
 * Special cases: NaN and infinities fail every real field; a horizon <= 0
 * fails build_months.
 */
enum hp_status hp_hpc_colocation_check(const struct hp_colocation *c, int64_t horizon_months,
				       struct hp_error *err)
{
	CHECK(check_conversion(&c->conv, horizon_months, err));
	CHECK(check_real(c->rate_usd_per_kw_month, 0, false, INFINITY, false,
			 "rate_usd_per_kw_month", err));
	CHECK(check_real(c->escalator_pct_per_year, -100, true, INFINITY, false,
			 "escalator_pct_per_year", err));
	CHECK(check_int(c->term_months, 1, "term_months", err));
	CHECK(check_real(c->occupancy_start_pct, 0, false, 100, false, "occupancy_start_pct", err));
	CHECK(check_real(c->occupancy_pct, 0, false, 100, false, "occupancy_pct", err));
	CHECK(check_int(c->ramp_months, 0, "ramp_months", err));
	CHECK(check_real(c->load_factor_pct, 0, false, 100, false, "load_factor_pct", err));
	CHECK(check_real(c->power_price_usd_per_kwh, 0, false, INFINITY, false,
			 "power_price_usd_per_kwh", err));
	CHECK(check_real(c->opex_usd_per_mw_year, 0, false, INFINITY, false, "opex_usd_per_mw_year",
			 err));
	CHECK(check_real(c->default_probability_pct_per_year, 0, false, 100, true,
			 "default_probability_pct_per_year", err));
	CHECK(check_int(c->relet_months, 0, "relet_months", err));
	return HP_OK;
}

/*
 * Method: as hp_hpc_colocation_check; in addition a given GPU count must
 * fit the critical IT (the same count hp_hpc_gpus derives, tolerance
 * GPU_FIT_REL_TOL) and at least one GPU must fit.
 */
enum hp_status hp_hpc_gpu_check(const struct hp_gpu_cloud *g, int64_t horizon_months,
				struct hp_error *err)
{
	double it_kw;
	int64_t fit;

	CHECK(check_conversion(&g->conv, horizon_months, err));
	CHECK(check_int(g->gpus, 0, "gpus", err));
	CHECK(check_real(g->kw_per_gpu, 0, true, INFINITY, false, "kw_per_gpu", err));
	it_kw = hp_hpc_it_mw(&g->conv) * 1000;
	fit = fit_count(it_kw, g->kw_per_gpu);
	if (g->gpus > fit)
		return hp_error_set(
		    err, HP_EINVAL, "gpus",
		    "must be <= %lld to fit %g MW of critical IT at %g kW each, got %lld",
		    (long long)fit, it_kw / 1000, g->kw_per_gpu, (long long)g->gpus);
	if (fit == 0)
		return hp_error_set(err, HP_EINVAL, "kw_per_gpu",
				    "must leave room for one GPU in %g MW of critical IT, got %g",
				    it_kw / 1000, g->kw_per_gpu);
	CHECK(check_real(g->usd_per_gpu_hour, 0, false, INFINITY, false, "usd_per_gpu_hour", err));
	CHECK(check_real(g->price_decline_pct_per_year, 0, false, 100, true,
			 "price_decline_pct_per_year", err));
	CHECK(check_real(g->utilisation_pct, 0, false, 100, false, "utilisation_pct", err));
	CHECK(check_real(g->idle_power_pct, 0, false, 100, false, "idle_power_pct", err));
	CHECK(
	    check_real(g->capex_usd_per_gpu, 0, false, INFINITY, false, "capex_usd_per_gpu", err));
	CHECK(check_real(g->capex_decline_pct_per_year, 0, false, 100, true,
			 "capex_decline_pct_per_year", err));
	CHECK(check_int(g->refresh_months, 0, "refresh_months", err));
	CHECK(check_real(g->opex_usd_per_gpu_year, 0, false, INFINITY, false,
			 "opex_usd_per_gpu_year", err));
	CHECK(check_real(g->power_price_usd_per_kwh, 0, false, INFINITY, false,
			 "power_price_usd_per_kwh", err));
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* colocation                                                           */
/* ------------------------------------------------------------------ */

/*
 * Method: h = 1 - (1 - p)^(1/12) with p = pct / 100, evaluated as
 * -expm1(log1p(-p) / 12) so a small p keeps its digits (h ~ p / 12).
 * Special cases: p <= 0 (or NaN) gives 0. Accuracy: a few ulps.
 * Source: a constant monthly hazard whose 12-month survival is 1 - p.
 */
double hp_hpc_default_hazard(double default_probability_pct_per_year)
{
	double p = default_probability_pct_per_year / 100;

	if (!(p > 0))
		return 0;
	if (p >= 1)
		return 1;
	return -expm1(log1p(-p) / MONTHS_PER_YEAR);
}

/*
 * Leased share of the hall (0..1) k months after a lease (re)starts:
 * linear from occupancy_start_pct at k = 0 to occupancy_pct at k = ramp.
 */
static double occupancy(const struct hp_colocation *c, int64_t k)
{
	double a = c->occupancy_start_pct, b = c->occupancy_pct;

	if (k >= c->ramp_months)
		return b / 100;
	return (a + (b - a) * (double)k / (double)c->ramp_months) / 100;
}

/*
 * Leased share in lease month k when the tenant defaults in lease month d
 * (d < 0: never): the first lease until d, then nothing for relet_months,
 * then a new lease with its occupancy ramp restarted; nothing after the
 * term either way.
 */
static double share_given_default(const struct hp_colocation *c, int64_t d, int64_t k)
{
	int64_t r = c->relet_months;

	if (k >= c->term_months)
		return 0;
	if (d < 0 || k < d)
		return occupancy(c, k);
	if (r > 0 && k >= d + r)
		return occupancy(c, k - d - r);
	return 0;
}

/*
 * Method: with q = 1 - h, P(D = d) = q^d h and P(D > k) = q^(k+1) for
 * k < term (the survivors of the whole term included), so
 *   E[share_k] = q^(k+1) occ(k) + [R > 0] sum_{d=0}^{k-R} q^d h occ(k-d-R),
 * k < term; 0 after it. Every flow is linear in the leased share, so the
 * expected flows are those of the expected share.
 * Accuracy: a sum of at most k + 1 positive terms, relative error
 * <= (k + 2) u.
 */
static double share_expected(const struct hp_colocation *c, double h, int64_t k)
{
	double q = 1 - h, qd = 1, s = 0;
	int64_t d;

	if (k >= c->term_months)
		return 0;
	if (c->relet_months > 0) {
		for (d = 0; d <= k - c->relet_months; d++) {
			s += qd * h * occupancy(c, k - d - c->relet_months);
			qd *= q;
		}
	}
	return s + pow(q, (double)(k + 1)) * occupancy(c, k);
}

/*
 * Method: for month m, service starts at S = start + build_months; lease
 * month k = m - S. With the leased share s_k (given the default month, or
 * its expectation), L = it_mw s_k MW leased and hours = 24 month_days[m]:
 *   revenue = 1000 L rate (1 + e)^floor(k / 12),
 *   energy  = L (load factor) PUE hours MWh,
 *   power   = 1000 energy price (0 under pass-through),
 *   opex    = opex_usd_per_mw_year it_mw / 12 for every m >= S,
 *   capex   = the conversion's (see conversion_capex).
 * Special cases: months before start are 0; a default month >= term is no
 * default; a second default is not modelled.
 * Accuracy: a few roundings per flow (expected mode: see share_expected).
 * Source: docs/model.md "AI/HPC hosting".
 */
void hp_hpc_colocation_months(const struct hp_colocation *c, int64_t start, int64_t default_month,
			      bool expected, const int64_t *month_days, size_t nmonths,
			      struct hp_hpc_month *out)
{
	double it_mw = hp_hpc_it_mw(&c->conv);
	double h = hp_hpc_default_hazard(c->default_probability_pct_per_year);
	double esc = 1 + c->escalator_pct_per_year / 100;
	int64_t service = start + c->conv.build_months;
	size_t i;

	for (i = 0; i < nmonths; i++) {
		struct hp_hpc_month *o = &out[i];
		int64_t m = (int64_t)i, k;
		double leased, hours;

		memset(o, 0, sizeof(*o));
		o->capex_usd = conversion_capex(&c->conv, start, m);
		if (m < service)
			continue;
		k = m - service;
		hours = 24 * (double)month_days[i];
		leased = it_mw * (expected ? share_expected(c, h, k)
					   : share_given_default(c, default_month, k));
		o->it_mw_in_use = leased;
		o->revenue_usd = 1000 * leased * c->rate_usd_per_kw_month *
				 pow(esc, (double)(k / MONTHS_PER_YEAR));
		o->energy_mwh = leased * c->load_factor_pct / 100 * c->conv.pue * hours;
		if (!c->power_pass_through)
			o->power_usd = 1000 * o->energy_mwh * c->power_price_usd_per_kwh;
		o->opex_usd = c->opex_usd_per_mw_year * it_mw / MONTHS_PER_YEAR;
	}
}

/*
 * Method: the first lease year at steady occupancy o (no escalation before
 * the first anniversary), per MW of critical IT built, over a year of
 * 365.2425 days:
 *   revenue = 12000 rate o,  energy = o lf PUE 8765.82 MWh,
 *   cost = 1000 energy price (0 under pass-through) + opex,
 *   revenue per kWh = revenue / (1000 energy) (0 with no energy; under
 *   pass-through the energy still counts: it goes through the meter),
 *   per grid MW = per IT MW / PUE.
 */
void hp_hpc_colocation_steady(const struct hp_colocation *c, struct hp_hpc_steady *out)
{
	double o = c->occupancy_pct / 100;
	double energy = o * c->load_factor_pct / 100 * c->conv.pue * HOURS_PER_YEAR;
	double power = c->power_pass_through ? 0 : 1000 * energy * c->power_price_usd_per_kwh;

	memset(out, 0, sizeof(*out));
	out->it_mw = hp_hpc_it_mw(&c->conv);
	out->revenue_usd_per_it_mw_year = hp_hpc_usd_per_mw_year(c->rate_usd_per_kw_month) * o;
	out->revenue_usd_per_grid_mw_year = out->revenue_usd_per_it_mw_year / c->conv.pue;
	if (energy > 0)
		out->revenue_usd_per_kwh = out->revenue_usd_per_it_mw_year / (1000 * energy);
	out->cost_usd_per_it_mw_year = power + c->opex_usd_per_mw_year;
	if (out->revenue_usd_per_it_mw_year > 0)
		out->margin_pct = 100 *
				  (out->revenue_usd_per_it_mw_year - out->cost_usd_per_it_mw_year) /
				  out->revenue_usd_per_it_mw_year;
	out->capex_usd_per_it_mw = c->conv.capex_usd_per_mw;
}

/* ------------------------------------------------------------------ */
/* GPU cloud                                                            */
/* ------------------------------------------------------------------ */

/* Method: see hpc.h; GPU_FIT_REL_TOL above. */
int64_t hp_hpc_gpus(const struct hp_gpu_cloud *g)
{
	if (g->gpus > 0)
		return g->gpus;
	return fit_count(hp_hpc_it_mw(&g->conv) * 1000, g->kw_per_gpu);
}

/* Mean IT draw of the GPUs in MW: idle share plus the rented share at full. */
static double gpu_draw_mw(const struct hp_gpu_cloud *g, double n)
{
	double u = g->utilisation_pct / 100, idle = g->idle_power_pct / 100;

	return n * g->kw_per_gpu * (idle + (1 - idle) * u) / 1000;
}

/*
 * Method: N GPUs (hp_hpc_gpus), service month k = m - (start + build),
 * hours = 24 month_days[m], utilisation u, price decline d, capex
 * decline c:
 *   revenue = N hours u usd_per_gpu_hour (1 - d)^(a / 12), a the GPUs' age in
 *             months: k, or k mod refresh_months with a refresh (a new
 *             generation rents at the first-month price again),
 *   IT draw = N kW (idle + (1 - idle) u) / 1000 MW,
 *   energy  = draw PUE hours MWh,  power = 1000 energy price,
 *   opex    = opex_usd_per_gpu_year N / 12,
 *   capex   = N capex_usd_per_gpu (1 - c)^(k / 12) at k = 0 and every
 *             refresh_months (never again when 0), plus the conversion's.
 * The exponent k / 12 is real: both declines compound monthly.
 * Special cases: months before start are 0. Accuracy: a few roundings.
 * Source: docs/model.md "AI/HPC hosting".
 */
void hp_hpc_gpu_months(const struct hp_gpu_cloud *g, int64_t start, const int64_t *month_days,
		       size_t nmonths, struct hp_hpc_month *out)
{
	double n = (double)hp_hpc_gpus(g);
	double draw = gpu_draw_mw(g, n);
	double pdec = 1 - g->price_decline_pct_per_year / 100;
	double cdec = 1 - g->capex_decline_pct_per_year / 100;
	int64_t service = start + g->conv.build_months;
	size_t i;

	for (i = 0; i < nmonths; i++) {
		struct hp_hpc_month *o = &out[i];
		int64_t m = (int64_t)i, k, age;
		double hours, years;

		memset(o, 0, sizeof(*o));
		o->capex_usd = conversion_capex(&g->conv, start, m);
		if (m < service)
			continue;
		k = m - service;
		years = (double)k / MONTHS_PER_YEAR;
		age = g->refresh_months > 0 ? k % g->refresh_months : k;
		hours = 24 * (double)month_days[i];
		o->it_mw_in_use = draw;
		o->revenue_usd = n * hours * g->utilisation_pct / 100 * g->usd_per_gpu_hour *
				 pow(pdec, (double)age / MONTHS_PER_YEAR);
		o->energy_mwh = draw * g->conv.pue * hours;
		o->power_usd = 1000 * o->energy_mwh * g->power_price_usd_per_kwh;
		o->opex_usd = g->opex_usd_per_gpu_year * n / MONTHS_PER_YEAR;
		if (k == 0 || (g->refresh_months > 0 && k % g->refresh_months == 0))
			o->capex_usd += n * g->capex_usd_per_gpu * pow(cdec, years);
	}
}

/*
 * Method: the first service year (k = 0..11, each month 8765.82 / 12
 * hours), per MW of critical IT built:
 *   revenue = N u usd (8765.82 / 12) sum_{k<12} (1 - d)^(k/12) / it_mw,
 *   energy  = draw PUE 8765.82 MWh, cost = (1000 energy price + N opex) / it_mw,
 *   revenue per kWh = revenue it_mw / (1000 energy) (0 with no energy),
 *   capex   = capex_usd_per_mw + N capex_usd_per_gpu / it_mw.
 */
void hp_hpc_gpu_steady(const struct hp_gpu_cloud *g, struct hp_hpc_steady *out)
{
	double it_mw = hp_hpc_it_mw(&g->conv);
	double n = (double)hp_hpc_gpus(g);
	double pdec = 1 - g->price_decline_pct_per_year / 100;
	double energy = gpu_draw_mw(g, n) * g->conv.pue * HOURS_PER_YEAR;
	double price_months = 0, revenue;
	int k;

	for (k = 0; k < MONTHS_PER_YEAR; k++)
		price_months += pow(pdec, (double)k / MONTHS_PER_YEAR);
	revenue = n * g->utilisation_pct / 100 * g->usd_per_gpu_hour *
		  (HOURS_PER_YEAR / MONTHS_PER_YEAR) * price_months;

	memset(out, 0, sizeof(*out));
	out->it_mw = it_mw;
	out->revenue_usd_per_it_mw_year = revenue / it_mw;
	out->revenue_usd_per_grid_mw_year = revenue / g->conv.grid_mw;
	if (energy > 0)
		out->revenue_usd_per_kwh = revenue / (1000 * energy);
	out->cost_usd_per_it_mw_year =
	    (1000 * energy * g->power_price_usd_per_kwh + n * g->opex_usd_per_gpu_year) / it_mw;
	if (revenue > 0)
		out->margin_pct = 100 *
				  (out->revenue_usd_per_it_mw_year - out->cost_usd_per_it_mw_year) /
				  out->revenue_usd_per_it_mw_year;
	out->capex_usd_per_it_mw = g->conv.capex_usd_per_mw + n * g->capex_usd_per_gpu / it_mw;
}
