/*
 * industry.h - the industry simulator: many miners (cohorts) with fleets,
 * power prices and balance sheets mining one chain whose hashrate, blocks
 * and difficulty follow from what they do, day by day, over Monte Carlo
 * price paths.
 *
 * Each day of a path: the price (the price model's path times the
 * cumulative impact of miners' net sales), the fees per block (a
 * mean-reverting log-normal process); every cohort runs the share of its
 * machines whose site power price is below the day's shutdown price;
 * network hashrate is the sum; blocks are Poisson at rate hashrate /
 * (difficulty x 2^32), the retarget at every 2016th block is Bitcoin's
 * exact integer rule on the simulated block times (the block that closes
 * an epoch is placed inside the day as the order statistic of the day's
 * arrivals), the subsidy halves on its exact height; each cohort earns its
 * hashrate share, pays power, opex and interest, settles its treasury
 * (include/hashpivot/treasury.h, one period a day), may start its AI
 * conversion, and fails when cash stays below its credit line after
 * selling what it may: its treasury is then sold (cause liquidation) and a
 * buyer keeps a share of its machines running. New machines are ordered
 * when the trailing hashprice pays a hurdle return and arrive after a lag.
 * In block-level mode every block's timestamp is drawn and the difficulty
 * follows a chosen rule (include/hashpivot/daa.h) block by block.
 *
 * Invariants: a path is a pure function of (industry, seed, path number):
 * its draws come from Philox streams keyed by (seed, path) (price: HP_RNG_PRICE,
 * fees: HP_RNG_FEES, blocks: HP_RNG_INDUSTRY, DeFi losses: HP_RNG_TREASURY
 * with the cohort's index in the counter's high word), and the summaries merge
 * exactly (include/hashpivot/stats.h), so results are byte-identical for any
 * number of threads or processes. Memory does not grow with the number of
 * paths. hp_industry_check names fields as scenario keys
 * ("industry.cohorts[2].fleet[0].eh: must be > 0, got 0").
 * Equations: docs/model.md "Industry simulator".
 */
#ifndef HASHPIVOT_INDUSTRY_H
#define HASHPIVOT_INDUSTRY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "daa.h"
#include "error.h"
#include "price.h"
#include "stats.h"
#include "treasury.h"

#define HP_COHORT_NAME_MAX 63
#define HP_COHORT_LINES_MAX 32
#define HP_COHORTS_MAX 256

/* One machine generation of a cohort. */
struct hp_cohort_line {
	double efficiency_j_per_th;  /* > 0 */
	double eh;                   /* installed hashrate, EH/s, > 0 */
};

enum hp_pivot_trigger { HP_TRIGGER_DATE, HP_TRIGGER_HASHPRICE };

/* The AI/HPC option of a cohort. */
struct hp_cohort_pivot {
	bool has;
	double mw;                       /* MW of AI/HPC capacity built, > 0 */
	double displaced_mw;             /* MW of mining it replaces (least efficient
					    machines first), [0, 1e6]; mw by default */
	double capex_usd_per_mw;         /* spent evenly over the build */
	int64_t build_months;            /* >= 0; a month is 365.25/12 days */
	double revenue_usd_per_mw_year;  /* once built */
	double opex_usd_per_mw_year;
	enum hp_pivot_trigger trigger;
	int64_t day;                     /* DATE: the day offset the build starts;
					    HASHPRICE: not before this day */
	double below_usd_per_ph_day;     /* HASHPRICE: trailing mean hashprice threshold */
	int64_t trailing_days;           /* HASHPRICE: >= 1 */
};

struct hp_cohort {
	char name[HP_COHORT_NAME_MAX + 1];
	bool listed;
	struct hp_cohort_line *lines;    /* owned; 1..HP_COHORT_LINES_MAX */
	size_t nlines;
	double power_low_usd_per_kwh;    /* site prices uniform on [low, high]; */
	double power_high_usd_per_kwh;   /* low == high: one price */
	double take_or_pay_pct;          /* share of sites whose power is paid whether
					    used or not: they always run, at the
					    range's mean price, [0, 100] */
	double pue;                      /* [1, 3] */
	double pool_fee_pct;             /* [0, 100) */
	double opex_usd_per_year;        /* fixed cash costs */
	double debt_usd;                 /* corporate debt, interest only */
	double interest_pct_per_year;
	double credit_line_usd;          /* cash may fall to -credit_line */
	double renewable_pct;            /* [0, 100] */
	struct hp_treasury_policy treasury;
	struct hp_cohort_pivot pivot;
};

/* New machines ordered in response to hashprice. */
struct hp_deployment {
	bool has;
	size_t cohort;                   /* receives them in its first line */
	double usd_per_th;               /* at the starting hashprice */
	double usd_per_th_elasticity;    /* machine price ~ trailing hashprice^elasticity */
	double power_usd_per_kwh;
	double hurdle_pct_per_year;
	double eh_per_day_per_pct;       /* EH/s ordered a day per point above the hurdle */
	double max_eh_per_day;           /* cap; INFINITY for none */
	int64_t lag_days;                /* 0..3650 */
	int64_t trailing_days;           /* 1..3650 */
};

/* Assumptions of the cost-of-attack series. */
struct hp_attack {
	double duration_hours;           /* > 0 */
	double efficiency_j_per_th;      /* 0: the deployment cohort's first line (else 20) */
	double usd_per_th;               /* 0: the deployment's current machine price */
	double power_usd_per_kwh;
	double rental_usd_per_ph_day;    /* 0: the day's hashprice */
};

/* Fees per block: F_t = F0 (1 + g)^(t / 365.25) exp(x_t - s^2 / 2), x an
 * AR(1) with stationary standard deviation s and the given half-life. */
struct hp_fee_model {
	double btc_per_block;            /* F0 >= 0 */
	double growth_pct_per_year;      /* > -100 */
	double volatility_pct;           /* 100 s >= 0 */
	double half_life_days;           /* > 0 */
};

struct hp_industry {
	int64_t start_time;              /* Unix time of day 0's start (as_of) */
	int64_t ndays;                   /* >= 1 */
	int64_t height;                  /* of the next block at the start */
	uint32_t bits;                   /* in force at `height` */
	int64_t epoch_start_time;        /* time of the first block of height's epoch */
	const struct hp_price_model *price;  /* checked for ndays days */
	struct hp_fee_model fees;
	struct hp_cohort *cohorts;       /* owned */
	size_t ncohorts;
	struct hp_deployment deployment;
	struct hp_attack attack;
	double resale_pct;               /* of a failed cohort's hashrate kept running */
	double price_impact_pct_per_kbtc;
	bool block_level;
	struct hp_daa_params daa;        /* rule (non-Bitcoin rules need block_level) */
};

/* The daily series (one value per path and day). */
enum hp_sim_series {
	HP_SIM_PRICE,            /* USD per BTC */
	HP_SIM_HASHRATE,         /* EH/s running */
	HP_SIM_DIFFICULTY,       /* at the day's end */
	HP_SIM_BLOCK_INTERVAL,   /* 86400 / blocks that day, s */
	HP_SIM_HASHPRICE,        /* USD per PH/s per day at the day's start, before pool fees */
	HP_SIM_REVENUE,          /* miners' revenue (subsidy + fees) x price, USD/day: the security budget */
	HP_SIM_ATTACK_HARDWARE,  /* USD: buy the honest hashrate's machines and run them */
	HP_SIM_ATTACK_RENTAL,    /* USD: rent it */
	HP_SIM_POWER,            /* GW drawn by running machines (with PUE) */
	HP_SIM_ENERGY,           /* GWh that day */
	HP_SIM_RENEWABLE,        /* % of the energy */
	HP_SIM_LISTED_BTC,       /* listed cohorts' holdings */
	HP_SIM_MINERS_BTC,       /* every cohort's holdings */
	HP_SIM_SOLD,             /* BTC sold by all miners that day */
	HP_SIM_SOLD_POLICY,      /* ... by cause (enum hp_sale_cause order) */
	HP_SIM_SOLD_OPEX,
	HP_SIM_SOLD_CAPEX,
	HP_SIM_SOLD_DEBT,
	HP_SIM_SOLD_MARGIN_CALL,
	HP_SIM_SOLD_LIQUIDATION,
	HP_SIM_MINED,            /* BTC mined that day (subsidy + fees) */
	HP_SIM_COHORTS_MINING,
	HP_SIM_COHORTS_PIVOTED,
	HP_SIM_COHORTS_BANKRUPT,
	HP_SIM_AI_MW,            /* AI/HPC MW online */
	HP_SIM_FEES,             /* BTC per block */
	HP_SIM_BLOCKS,           /* blocks that day */
	HP_SIM_HEIGHT,           /* height of the next block at the day's end */
	HP_SIM_NSERIES
};

/* Per-cohort end-of-run values (series index = cohort * HP_SIM_COHORT_N + k). */
enum hp_sim_cohort_value {
	HP_SIM_C_BANKRUPT,       /* 1 if it failed */
	HP_SIM_C_PIVOTED,        /* 1 if its conversion started */
	HP_SIM_C_BTC,            /* holdings at the end */
	HP_SIM_C_HASHRATE,       /* EH/s running on the last day */
	HP_SIM_C_SOLD,           /* BTC sold over the run */
	HP_SIM_C_MINED,          /* BTC mined over the run */
	HP_SIM_COHORT_N
};

/* Name of a series as in the outputs ("price_usd", "hashrate_eh", ...). */
HP_API const char *hp_sim_series_name(enum hp_sim_series s);
HP_API const char *hp_sim_cohort_value_name(enum hp_sim_cohort_value v);
/* How the summaries describe each series (reference magnitude, integer). */
HP_API struct hp_stats_series hp_sim_series_info(enum hp_sim_series s);

/*
 * Validate ind: ranges, at least one cohort with capacity, the deployment's
 * cohort, rules that need block-level mode, every treasury against the
 * start price. HP_EINVAL naming the scenario key.
 */
HP_API enum hp_status hp_industry_check(const struct hp_industry *ind, struct hp_error *err);
/* Free what ind owns (cohorts and their lines). */
HP_API void hp_industry_release(struct hp_industry *ind);

struct hp_industry_config {
	uint64_t seed;
	uint64_t first_path;             /* paths first_path .. first_path + npaths - 1 */
	uint64_t npaths;                 /* >= 1 */
	unsigned threads;                /* >= 1 */
	double alpha;                    /* quantile error of the summaries, e.g. 0.005 */
	/* Called from worker threads (serialised by a mutex) after each path;
	 * may be NULL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
	/* Polled between paths; when it becomes nonzero the run stops with
	 * HP_ECANCELED. May be NULL. */
	const atomic_int *cancel;
};

struct hp_industry_result {
	struct hp_stats *daily;          /* HP_SIM_NSERIES x ndays */
	struct hp_stats *cohorts;        /* ncohorts x HP_SIM_COHORT_N, one "day" */
	uint64_t paths;
	uint64_t blocks;                 /* simulated blocks, all paths */
	uint64_t cohort_days;            /* cohort-days stepped, all paths */
};

/*
 * Run cfg->npaths paths of a checked industry and summarise them into out
 * (whose summaries it creates). HP_ENOMEM, HP_ECANCELED; on failure out
 * holds nothing.
 */
HP_API enum hp_status hp_industry_run(const struct hp_industry *ind,
				      const struct hp_industry_config *cfg,
				      struct hp_industry_result *out, struct hp_error *err);
HP_API void hp_industry_result_release(struct hp_industry_result *r);
/* Add b's summaries and counters into a (same industry and alpha). */
HP_API enum hp_status hp_industry_result_merge(struct hp_industry_result *a,
					       const struct hp_industry_result *b,
					       struct hp_error *err);
/* Empty summaries of the right shape (for merging serialized parts into). */
HP_API enum hp_status hp_industry_result_init(const struct hp_industry *ind, double alpha,
					      struct hp_industry_result *out,
					      struct hp_error *err);

/* One retarget of a traced path. */
struct hp_sim_retarget {
	int64_t height;                  /* first block under the new bits */
	int64_t first_time, last_time;   /* the closed epoch's first and last block times */
	uint32_t old_bits, new_bits;
};

/* One path, day by day, for tests and for researchers (`simulate --trace`). */
struct hp_industry_trace {
	double *series[HP_SIM_NSERIES];  /* ndays values each (owned) */
	double *cohort_hashrate;         /* ncohorts x ndays, EH/s running (owned) */
	double *cohort_btc;              /* ncohorts x ndays, holdings at the day's end */
	struct hp_sim_retarget *retargets; /* owned */
	size_t nretargets;
	int64_t *cohort_failed_day;      /* ncohorts: day it failed, -1 if never */
	int64_t *cohort_pivot_day;       /* ncohorts: day its build started, -1 if never */
};

HP_API enum hp_status hp_industry_trace(const struct hp_industry *ind, uint64_t seed,
					uint64_t path, struct hp_industry_trace *out,
					struct hp_error *err);
HP_API void hp_industry_trace_release(struct hp_industry_trace *t);

#endif
