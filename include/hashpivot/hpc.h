/*
 * hpc.h - AI/HPC hosting on a converted mining site: colocation (a tenant
 * leases critical IT capacity per kW-month) and GPU cloud (the operator owns
 * GPUs and rents them by the hour).
 *
 * A conversion takes grid MW out of mining; the hall it becomes holds
 * critical IT MW = grid MW / design PUE. Capex per MW of critical IT is
 * spent evenly over the build months, during which those MW neither mine
 * nor earn; service starts in the month after the build. Cash flows are per
 * calendar month (month_days[m] days in month m) so power follows the real
 * hours; lease rates are per month whatever its length.
 *
 * Invariants: pure functions of their inputs (and an RNG stream for the
 * tenant's default); nothing allocates. *_check() validates once, naming
 * the field as the scenario key without its section prefix
 * ("build_months: must be < the horizon of 120 months, got 130"); the other
 * functions assume a checked model. Equations: docs/model.md "AI/HPC hosting".
 */
#ifndef HASHPIVOT_HPC_H
#define HASHPIVOT_HPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "rng.h"

struct hp_conversion {
	double grid_mw;           /* grid capacity taken out of mining, > 0 */
	double pue;               /* design PUE of the hall, [1, 3]: it_mw = grid_mw / pue */
	double capex_usd_per_mw;  /* per MW of critical IT, >= 0 */
	int64_t build_months;     /* >= 0, < horizon */
};

struct hp_colocation {
	struct hp_conversion conv;
	double rate_usd_per_kw_month;       /* per kW of critical IT leased, >= 0 */
	double escalator_pct_per_year;      /* rate grows by this at each lease anniversary, > -100 */
	int64_t term_months;                /* >= 1; no revenue after the term */
	double occupancy_start_pct;         /* leased share of IT MW in the first lease month, [0, 100] */
	double occupancy_pct;               /* steady leased share, [0, 100] */
	int64_t ramp_months;                /* linear ramp start -> steady over these months, >= 0 */
	double load_factor_pct;             /* tenant's mean draw / leased IT MW, [0, 100] */
	bool power_pass_through;            /* the tenant pays the power at cost (it is then
					       neither revenue nor cost of the landlord) */
	double power_price_usd_per_kwh;     /* >= 0 */
	double opex_usd_per_mw_year;        /* landlord's opex per MW of critical IT, >= 0 */
	double default_probability_pct_per_year; /* tenant default hazard, [0, 100) */
	int64_t relet_months;               /* after a default the hall is empty this long and
					       then re-let at the same terms for the remaining
					       term (the rate the schedule gives at that lease
					       month, the occupancy ramp restarted; a second
					       default is not modelled); 0 = never re-let */
};

struct hp_gpu_cloud {
	struct hp_conversion conv;
	int64_t gpus;                       /* >= 0; 0 = as many as the IT MW hold:
					       floor(it_mw * 1000 / kw_per_gpu) */
	double kw_per_gpu;                  /* IT draw per GPU incl. its share of servers and
					       networking, > 0 */
	double usd_per_gpu_hour;            /* in the first service month, >= 0 */
	double price_decline_pct_per_year;  /* compounded monthly, [0, 100) */
	double utilisation_pct;             /* share of hours rented, [0, 100] */
	double idle_power_pct;              /* draw of an unrented GPU, % of full, [0, 100] */
	double capex_usd_per_gpu;           /* GPUs, servers, network, >= 0; paid in the first
					       service month and at each refresh */
	double capex_decline_pct_per_year;  /* price of refreshed GPUs falls by this, [0, 100) */
	int64_t refresh_months;             /* buy them again every so many months; 0 = never */
	double opex_usd_per_gpu_year;       /* staff, software, support, >= 0 */
	double power_price_usd_per_kwh;     /* >= 0 */
};

/* One calendar month of a hosting business. */
struct hp_hpc_month {
	double revenue_usd;     /* lease or GPU-hour revenue (pass-through power excluded) */
	double power_usd;       /* power the operator pays */
	double opex_usd;
	double capex_usd;       /* conversion capex (build) and GPU purchases */
	double energy_mwh;      /* drawn at the meter by the hall */
	double it_mw_in_use;    /* leased IT MW (colocation) or GPUs' mean IT draw (cloud) */
};

/* $/kW-month -> $/MW-year (x 1000 x 12) and back. */
HP_API double hp_hpc_usd_per_mw_year(double usd_per_kw_month);
HP_API double hp_hpc_usd_per_kw_month(double usd_per_mw_year);

/* Critical IT MW of a conversion (grid_mw / pue). */
HP_API double hp_hpc_it_mw(const struct hp_conversion *c);

HP_API enum hp_status hp_hpc_colocation_check(const struct hp_colocation *c, int64_t horizon_months,
					      struct hp_error *err);
HP_API enum hp_status hp_hpc_gpu_check(const struct hp_gpu_cloud *g, int64_t horizon_months,
				       struct hp_error *err);

/*
 * The month of a tenant default drawn from r: each lease month the tenant
 * defaults with probability 1 - (1 - p)^(1/12); returns the lease month
 * index (0 = first lease month) or -1 when it survives nmonths. Draws one
 * uniform per month tried.
 */
HP_API int64_t hp_hpc_default_month(double default_probability_pct_per_year, int64_t nmonths,
				    struct hp_rng *r); /* src/core/hpc_default.c */

/*
 * The monthly default hazard h = 1 - (1 - p/100)^(1/12) of an annual
 * default probability p in percent (0 for p <= 0): P(default in lease
 * month k) = (1 - h)^k h. Shared by hp_hpc_default_month and the expected
 * flows of hp_hpc_colocation_months.
 */
HP_API double hp_hpc_default_hazard(double default_probability_pct_per_year);

/*
 * Monthly flows out[0..nmonths) of a colocation conversion begun at month
 * start (>= 0; months before it are zero) with the tenant defaulting in
 * lease month default_month (-1: never). expected = true ignores
 * default_month and gives the expectation over the default month (each
 * month weighted by its probability, re-letting included), for decisions
 * such as the option to wait. month_days[m] is the length of month m.
 */
HP_API void hp_hpc_colocation_months(const struct hp_colocation *c, int64_t start,
				     int64_t default_month, bool expected,
				     const int64_t *month_days, size_t nmonths,
				     struct hp_hpc_month *out);

/*
 * The GPUs of a cloud: g->gpus, or when it is 0 as many as the critical IT
 * holds, floor(it_mw * 1000 / kw_per_gpu) (a count within a relative 1e-9
 * of the next integer counts as that integer, so 28 MW at 1.4 kW holds
 * 20,000 whatever the rounding of 1.4).
 */
HP_API int64_t hp_hpc_gpus(const struct hp_gpu_cloud *g);

/* Monthly flows of a GPU cloud conversion begun at month start. */
HP_API void hp_hpc_gpu_months(const struct hp_gpu_cloud *g, int64_t start,
			      const int64_t *month_days, size_t nmonths, struct hp_hpc_month *out);

/* A year at full service, per MW: the side-by-side figures. */
struct hp_hpc_steady {
	double it_mw;
	double revenue_usd_per_it_mw_year;   /* first service year at steady occupancy */
	double revenue_usd_per_grid_mw_year;
	double revenue_usd_per_kwh;          /* revenue / energy drawn at the meter */
	double cost_usd_per_it_mw_year;      /* power paid + opex (capex excluded) */
	double margin_pct;                   /* 100 x (revenue - cost) / revenue; 0 with no revenue */
	double capex_usd_per_it_mw;          /* conversion (+ GPUs for cloud) */
};
HP_API void hp_hpc_colocation_steady(const struct hp_colocation *c, struct hp_hpc_steady *out);
HP_API void hp_hpc_gpu_steady(const struct hp_gpu_cloud *g, struct hp_hpc_steady *out);

#endif
