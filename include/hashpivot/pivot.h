/*
 * pivot.h - the AI/HPC pivot and the treasury under Monte Carlo: each
 * strategy of a scenario's "pivot" section (keep mining, convert MW to
 * colocation or GPU cloud, hybrids, wait-and-convert under the least-squares
 * Monte Carlo rule) run month by month over the same BTC price paths, with
 * the exact mining yield of an exogenous difficulty and fee path, the
 * hosting models of hpc.h and the treasury of treasury.h.
 *
 * Per path p and month m of a strategy:
 *   mining     each fleet line still in place mines btc_per_ph_month[m] x
 *              its PH/s if the month's mean price pays its power and hosting
 *              per kWh (the shutdown rule), else it is switched off;
 *   conversion removes grid MW of a site from mining when its build starts:
 *              first the site's unused grid capacity, then the least
 *              efficient machines (highest J/TH) first;
 *   hosting    hp_hpc_colocation_months / hp_hpc_gpu_months (a tenant default
 *              drawn per path from the HP_RNG_HPC stream);
 *   FCF        mining revenue at the month's mean price - mining power and
 *              hosting - site opex - SG&A - interest + hosting revenue -
 *              hosting power and opex - capex, discounted monthly (flows at
 *              month ends) at the pivot's rate;
 *   treasury   production, USD income and costs flow into hp_treasury_run
 *              over the daily price path.
 * Wait strategies first value the option to convert with hp_finance_lsm over
 * decision dates 0, k, 2k, ..., until: running = the PV of the margin of
 * the machines the conversion would remove until the next date, exercise =
 * the PV of the expected hosting flows of converting then; each path then
 * converts at the date the fitted rule picks.
 *
 * Reproducibility: path p uses hp_rng_init(seed, p, substream) streams only,
 * per-path results go to per-path slots, and every mean or sum is taken in
 * path order, so the result is bit-identical for any number of threads.
 * Equations: docs/model.md "Pivot".
 */
#ifndef HASHPIVOT_PIVOT_H
#define HASHPIVOT_PIVOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "finance.h"
#include "scenario.h"
#include "treasury.h"

#define HP_PIVOT_THREADS_MAX 256
#define HP_PIVOT_EVENTS_MAX 10000

struct hp_pivot_config {
	uint64_t seed;
	size_t paths;              /* 1..1e6 */
	unsigned threads;          /* 1..HP_PIVOT_THREADS_MAX */
	bool series;               /* keep month-by-month quantiles */
	bool has_only;             /* run only strategy `only` (index into the
				      scenario's strategies) */
	size_t only;
	/* Called from the calling thread about every 1 % with paths done so far
	 * (both passes counted), may be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* Polled before each chunk of 64 paths; when it becomes nonzero the run
	 * stops with HP_ECANCELED and *out is left empty. May be NULL. */
	const atomic_int *cancel;
};

/* Mean and quantiles of a per-path figure. */
struct hp_pivot_dist {
	double mean, p5, p25, p50, p75, p95;
};

/* Quantiles of a month-end figure, per month (nmonths + 1 values each). */
struct hp_pivot_series {
	double *p5, *p25, *p50, *p75, *p95;
};

struct hp_pivot_rule_step {
	int64_t month;             /* decision date */
	double convert_share;      /* share of paths converting at this date */
	double convert_below_usd;  /* largest price among paths converting (NaN if none) */
	double continue_above_usd; /* smallest price among paths converting (NaN if none) */
};

struct hp_pivot_strategy {
	const struct hp_strategy *strategy;
	struct hp_pivot_dist npv_usd;
	bool has_baseline;                  /* a strategy without conversions exists */
	struct hp_pivot_dist npv_vs_mining_usd;
	double p_npv_beats_mining;          /* share of paths with npv > the baseline's */
	struct hp_irr irr;                  /* of the mean incremental monthly stream, per month */
	double irr_pct_per_year;            /* (1 + irr)^12 - 1, NaN unless unique */
	struct hp_payback_period payback;   /* of the mean incremental stream, months */
	double p_paid_back;                 /* share of paths whose own incremental stream pays back */
	double capex_usd;                   /* mean over paths, undiscounted */
	double hosting_revenue_usd;         /* mean, undiscounted, over the horizon */
	double mining_btc;                  /* mean BTC mined over the horizon */
	/* treasury */
	double p_out_of_cash;
	struct hp_pivot_dist out_of_cash_month; /* over the paths that run out (NaN if none) */
	struct hp_pivot_dist btc_sold;
	double btc_sold_by_cause[HP_SALE_NCAUSES]; /* means */
	struct hp_pivot_dist btc_sold_by_cause_dist[HP_SALE_NCAUSES];
	double usd_from_sales_by_cause[HP_SALE_NCAUSES];
	struct hp_pivot_dist end_btc, end_cash_usd, end_net_usd;
	double p_margin_call, p_liquidation;
	struct hp_pivot_dist first_margin_call_month, liquidation_month; /* over paths with one */
	double defi_yield_btc, defi_loss_btc; /* means */
	/* per kWh, in the first full service year (hosting) and at the start price (mining) */
	double hosting_revenue_usd_per_kwh;  /* NaN without conversions */
	double hosting_revenue_usd_per_it_mw_year;
	double hosting_margin_pct;           /* (revenue - power - opex) / revenue, first year */
	/* wait strategies */
	double wait_value_usd;              /* LSM value of the option block (PV) */
	double wait_now_value_usd;          /* converting at month 0 instead */
	double wait_never_value_usd;        /* never converting */
	double convert_share;               /* paths that convert within the horizon */
	struct hp_pivot_dist convert_month; /* over paths that convert */
	struct hp_pivot_rule_step *rule;    /* nrule decision dates */
	size_t nrule;
	/* path 0's treasury log: every sale and top-up with its day and cause
	 * (at most HP_PIVOT_EVENTS_MAX; events_dropped counts the rest) */
	struct hp_treasury_event *events;
	size_t nevents, events_dropped;
	/* series (config.series) */
	struct hp_pivot_series btc, cash_usd, net_usd, cum_fcf_usd;
};

struct hp_pivot_result {
	size_t paths;
	size_t nmonths;
	int64_t *month_start_day;          /* nmonths + 1: days since 1970-01-01 */
	double mining_revenue_usd_per_kwh; /* the whole fleet at the start price, month 0 */
	double mining_revenue_usd_per_mw_year; /* per MW drawn, at the start price, month 0 */
	double mining_margin_pct;          /* 100 (revenue - power and hosting) / revenue, month 0 */
	double start_price_usd;
	struct hp_pivot_series price;      /* month-end price quantiles (config.series) */
	struct hp_pivot_strategy *strategies;
	size_t nstrategies;
	size_t baseline;                   /* index of the first strategy without conversions */
};

/*
 * Run the scenario's strategies (a scenario without a "pivot" section runs
 * one: keep mining). s must be loaded (and hp_scenario_load_history called).
 * HP_EINVAL for a bad config (naming --paths/--threads) or a scenario
 * without as_of, HP_ENOMEM, HP_EINTERNAL (LAPACK, threads). out is
 * allocated; free with hp_pivot_result_release.
 */
HP_API enum hp_status hp_pivot_run(const struct hp_scenario *s, const struct hp_pivot_config *cfg,
				   struct hp_pivot_result *out, struct hp_error *err);
HP_API void hp_pivot_result_release(struct hp_pivot_result *r);

#endif
