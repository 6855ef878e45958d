/*
 * scenario.h - the scenario file: one JSON document describing a mining
 * company (its sites, fleets and costs) and the network it mines on.
 * Schema and examples: docs/scenario.md and the examples/ directory.
 *
 * Parsing is strict: an unknown key, a wrong type, a missing required
 * field, a negative or impossible value, an unknown machine or a site whose
 * machines draw more than its grid connection is HP_EINVAL with the JSON
 * path of the field and the offending value, e.g.
 *   "sites[1].power_price_usd_per_kwh: must be >= 0, got -0.05"
 * Malformed JSON is HP_EPARSE with jansson's line and column. Nothing is
 * kept from a failed load. Later modules (pivot, treasury, simulate) add
 * their own top-level sections; this loader knows the ones of the mining
 * model and rejects every other key.
 *
 * The Monte Carlo models add three optional sections (docs/scenario.md):
 * "market" (horizon, price model, difficulty and fee paths, paths and
 * seed), "treasury" (holdings and policy) and "pivot" (discount rate and
 * the strategies to compare). Their values are validated by the modules'
 * own checks (hp_price_model_check, hp_hpc_*_check, hp_treasury_check)
 * with the section's path in front of the field.
 */
#ifndef HASHPIVOT_SCENARIO_H
#define HASHPIVOT_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "dailyseries.h"
#include "hpc.h"
#include "industry.h"
#include "machines.h"
#include "mining.h"
#include "powerprice.h"
#include "price.h"
#include "treasury.h"

/* The network state the fleet mines at ("network" section). */
struct hp_scenario_network {
	bool has_bits;             /* bits given (else difficulty) */
	uint32_t bits;
	double difficulty;         /* > 0; from bits when has_bits */
	int64_t height;            /* for the subsidy */
	double fees_btc_per_block; /* >= 0 */
	double price_usd;          /* > 0 */
};

/* One line of a site's fleet ("sites[i].fleet[j]"). */
struct hp_fleet_entry {
	struct hp_machine machine;  /* resolved from the catalog by "machine" */
	int64_t count;              /* >= 1 */
	double uptime_pct;          /* availability, (0, 100]; default 100 */
	double unit_cost_usd;       /* purchase price per unit; 0 = none */
	double depreciation_months; /* straight-line life, > 0; default 36 */
	bool has_in_service;
	int64_t in_service;         /* Unix time it was put in service */
};

struct hp_site {
	char name[64];
	double grid_mw;                 /* connection capacity, > 0 */
	double power_price_usd_per_kwh; /* flat price, >= 0 (ignored with a file) */
	char *power_price_file;         /* hourly CSV, resolved against the scenario's
					   directory; NULL when not given */
	struct hp_power_series prices;  /* loaded when power_price_file is set */
	double pue;                     /* facility overhead, >= 1; default 1 */
	double hosting_usd_per_kwh;     /* hosting fee per kWh drawn, >= 0 */
	double opex_usd_per_year;       /* site cash opex (staff, maintenance), >= 0 */
	bool curtail;                   /* run only profitable hours; default true
					   with an hourly file, false otherwise */
	double dr_credit_usd_per_mwh;   /* demand-response credit, >= 0 */
	double min_uptime_pct;          /* [0, 100] */
	struct hp_fleet_entry *fleet;
	size_t nfleet;                  /* >= 1 */
};

/* Company-level costs ("company" section). */
struct hp_company {
	double pool_fee_pct;                   /* [0, 100) */
	double sga_usd_per_year;               /* cash SG&A */
	double interest_usd_per_year;          /* cash interest */
	double sbc_usd_per_year;               /* stock-based compensation (non-cash) */
	double other_depreciation_usd_per_year; /* buildings, infrastructure (non-cash) */
};


/* "market": the horizon and the paths the Monte Carlo models run over. */
struct hp_scenario_market {
	int64_t horizon_months;        /* 1..720; default 120 */
	int64_t paths;                 /* default number of paths, 1..1e6; default 1000 */
	uint64_t seed;                 /* default seed; default 1 */
	struct hp_price_model price;   /* start price defaults to network.price_usd */
	char *history_file;            /* bootstrap history (NULL: the shipped one,
					  see hp_scenario_load_history) */
	struct hp_daily_series history;
	char *price_file;              /* kind "file" */
	struct hp_daily_series price_path;
	struct hp_network_path network; /* height, difficulty, fees and pool fee from
					   "network" and "company"; growth from here */
	char *difficulty_file;
	struct hp_daily_series difficulty;
	int64_t start_day;             /* days since 1970-01-01 of day 0: as_of's day */
	double fees_volatility_pct;    /* simulate: stationary sd of the log fee level, % */
	double fees_half_life_days;    /* simulate: its mean reversion; default 30 */
};

enum hp_conversion_kind { HP_CONVERT_COLOCATION, HP_CONVERT_GPU_CLOUD };

/* One conversion of a strategy ("pivot.strategies[i].conversions[j]"). */
struct hp_strategy_conversion {
	enum hp_conversion_kind kind;
	size_t site;                   /* index into sites */
	int64_t start_month;           /* month the build starts (wait strategies: chosen) */
	struct hp_colocation colo;     /* kind colocation */
	struct hp_gpu_cloud gpu;       /* kind gpu_cloud */
};

struct hp_strategy {
	char name[64];
	struct hp_strategy_conversion *conv; /* none: keep mining */
	size_t nconv;
	bool wait;                     /* start the conversions at the month the
					  least-squares Monte Carlo rule picks */
	int64_t wait_every_months;     /* decision dates 0, k, 2k, ... */
	int64_t wait_until_month;      /* last decision date (inclusive) */
};

struct hp_scenario_pivot {
	double discount_rate_pct_per_year; /* > -100; default 10 */
	struct hp_strategy *strategies;
	size_t nstrategies;
};

struct hp_scenario {
	char name[128];
	bool has_as_of;
	int64_t as_of;               /* Unix time the snapshot is taken (depreciation) */
	struct hp_scenario_network network;
	struct hp_catalog catalog;   /* shipped catalog + the scenario's "machines" */
	struct hp_site *sites;
	size_t nsites;               /* >= 1 */
	struct hp_company company;
	bool has_market, has_treasury, has_pivot, has_industry;
	struct hp_scenario_market market;     /* defaults when !has_market */
	struct hp_treasury_policy treasury;   /* defaults when !has_treasury: no BTC, no
						 cash, sell to cover opex and capex */
	struct hp_scenario_pivot pivot;
	struct hp_industry industry;          /* with has_industry: the simulator's
						 cohorts, its start from "network",
						 "as_of" and "market" (nsites may be 0) */
};

/*
 * Parse a scenario from memory. base_dir resolves relative file names in it
 * (NULL: the current directory); shipped is the catalog machine names are
 * looked up in (copied, then extended by the scenario's own "machines").
 */
HP_API enum hp_status hp_scenario_parse(const char *text, size_t len, const char *base_dir,
					const struct hp_catalog *shipped, struct hp_scenario *out,
					struct hp_error *err);
/*
 * How hp_scenario_parse_opts treats the document's file references (the
 * hourly power price files and the market's price, history and difficulty
 * files). base_dir resolves relative names (NULL: the current directory).
 * With no_files, any file reference is HP_EINVAL naming its field
 * ("sites[0].power_price_file: a file reference is not allowed here, got
 * \"prices.csv\""), checked where the field is parsed, so no file is ever
 * opened: for scenarios from an untrusted source, such as an HTTP body.
 */
struct hp_scenario_options {
	const char *base_dir;
	bool no_files;
};

/* hp_scenario_parse with options. */
HP_API enum hp_status hp_scenario_parse_opts(const char *text, size_t len,
					     const struct hp_scenario_options *opt,
					     const struct hp_catalog *shipped,
					     struct hp_scenario *out, struct hp_error *err);
/* Read and parse the file at path (base_dir = its directory). */
HP_API enum hp_status hp_scenario_load(const char *path, const struct hp_catalog *shipped,
				       struct hp_scenario *out, struct hp_error *err);
HP_API void hp_scenario_release(struct hp_scenario *s);
/* A struct hp_scenario holds pointers into itself (the market's series):
 * do not copy one by value; pass pointers. */

/*
 * Load the bootstrap history when the market's price model is "bootstrap"
 * and the scenario names no history file: from default_path (the shipped
 * data/btc_usd_daily.csv), then check the price model against it. Does
 * nothing for the other models. Errors name "market.price.history".
 */
HP_API enum hp_status hp_scenario_load_history(struct hp_scenario *s, const char *default_path,
					       struct hp_error *err);

#endif
