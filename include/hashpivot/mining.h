/*
 * mining.h - mining revenue per unit of hashrate (hashprice), one machine's
 * daily economics and break-even points, and the payback of buying one.
 *
 * Invariants: inputs are plain values with units in their names; the work
 * per block is the exact 256-bit 2^256/(target+1) from the consensus module,
 * converted to double once (relative error <= 2^-53). Functions are pure,
 * never allocate, and reject non-finite or out-of-range inputs with
 * HP_EINVAL naming the field. Equations: docs/model.md "Hashprice".
 */
#ifndef HASHPIVOT_MINING_H
#define HASHPIVOT_MINING_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "dailyseries.h"
#include "error.h"
#include "machines.h"
#include "u256.h"

struct hp_hashprice_input {
	struct hp_u256 work_per_block; /* expected hashes per block */
	int64_t subsidy_sats;          /* block subsidy at the height */
	double fees_btc_per_block;     /* average transaction fees per block */
	double price_usd;              /* BTC price */
	double pool_fee_pct;           /* pool fee in percent, [0, 100) */
};

struct hp_hashprice {
	double reward_btc_per_block;    /* subsidy + fees */
	double btc_per_ph_day;          /* after the pool fee */
	double usd_per_ph_day;
	double usd_per_th_day;
	double sats_per_th_day;
	double network_hashrate_ehs;    /* implied: one block per 600 s */
	double network_revenue_btc_day; /* 144 blocks, before pool fees */
	double network_revenue_usd_day;
};

/*
 * Hashprice: what one unit of hashrate earns per day at this difficulty,
 * reward and price. HP_EINVAL (field named as the CLI option) for a zero
 * work, negative subsidy, negative or non-finite fees or price, or a pool
 * fee outside [0, 100).
 */
HP_API enum hp_status hp_mining_hashprice(const struct hp_hashprice_input *in,
					  struct hp_hashprice *out, struct hp_error *err);

/* How a machine is run and what it pays besides its own power. */
struct hp_machine_ops {
	double power_price_usd_per_kwh; /* energy price, >= 0 */
	double pue;                     /* facility kWh per machine kWh, [1, 3] */
	double uptime_pct;              /* share of the day it hashes, (0, 100] */
	double hosting_usd_per_kwh;     /* hosting fee per kWh drawn, >= 0 */
	double hosting_usd_per_month;   /* fixed fee per unit per month, >= 0 */
};

/* One machine's day at a network state (struct hp_hashprice). */
struct hp_machine_econ {
	double hashrate_ths;          /* effective: nameplate x uptime */
	double btc_per_day;           /* after the pool fee */
	double revenue_usd_day;
	double energy_kwh_day;        /* at the facility meter: power x PUE x uptime */
	double power_cost_usd_day;    /* energy x power price */
	double hosting_usd_day;       /* energy x hosting per kWh + fixed fee */
	double profit_usd_day;        /* revenue - power - hosting */
	double margin_pct;            /* 100 x profit / revenue; NaN with no revenue */
	double revenue_usd_per_kwh;   /* revenue / energy */
	double cost_usd_per_btc;      /* (power + hosting) / BTC mined */
	double shutdown_price_usd;    /* BTC price where revenue = per-kWh costs */
	double breakeven_price_usd;   /* BTC price where revenue = all its costs */
	double breakeven_power_usd_per_kwh; /* power price where revenue = per-kWh costs */
	double breakeven_hashprice_usd_per_ph_day; /* hashprice where revenue = per-kWh costs */
};

/*
 * The economics of machine m at hashprice hp (computed at price_usd, after
 * the pool fee), run as ops. Uptime scales revenue and energy alike, so the
 * shutdown price and the break-even power price do not depend on it; the
 * pool fee is inside hp and applied nowhere else. HP_EINVAL naming the
 * field for out-of-range ops. Equations: docs/model.md "Machine economics".
 */
HP_API enum hp_status hp_mining_machine(const struct hp_machine *m, const struct hp_hashprice *hp,
					double price_usd, const struct hp_machine_ops *ops,
					struct hp_machine_econ *out, struct hp_error *err);

/* Buying a machine: the horizon and the paths of difficulty and price. */
struct hp_payback_input {
	double machine_price_usd;               /* > 0 */
	int64_t months;                         /* horizon, 1..600 */
	double difficulty_growth_pct_per_month; /* > -100; applied at each retarget */
	double price_growth_pct_per_month;      /* > -100; compounded daily */
	bool run_when_unprofitable;             /* false: off on days that lose money
						   on per-kWh costs (the fixed fee is
						   paid either way) */
};

struct hp_payback {
	int64_t days;            /* horizon in days: round(months x 30.436875) */
	bool paid_back;
	double payback_days;     /* interpolated inside the day; NaN if not paid back */
	double payback_months;   /* payback_days / 30.436875 */
	double btc_mined;
	double revenue_usd;
	double cost_usd;         /* power and hosting over the horizon */
	double profit_usd;       /* revenue - cost, before the purchase */
	double roi_pct;          /* 100 x (profit - price) / price */
	int64_t days_off;        /* days switched off as unprofitable */
	int64_t end_height;      /* first height after the horizon */
	int64_t halvings;        /* halvings inside the horizon */
	double end_difficulty_factor; /* difficulty at the end / at the start */
};

/*
 * Day-by-day payback of machine m bought at pin->machine_price_usd, mining
 * from height `height` at 144 blocks a day. Each block pays its own subsidy
 * (the halving lands on its exact height) plus in->fees_btc_per_block, and
 * its work is in->work_per_block grown by the monthly difficulty growth
 * compounded to each 2016-block retarget crossed. HP_EINVAL naming the
 * field for bad inputs. Equations: docs/model.md "Payback".
 */
HP_API enum hp_status hp_mining_payback(const struct hp_machine *m,
					const struct hp_hashprice_input *in, int64_t height,
					const struct hp_machine_ops *ops,
					const struct hp_payback_input *pin, struct hp_payback *out,
					struct hp_error *err);

/* One class of machines in the network's fleet: its efficiency and weight. */
struct hp_mix_item {
	double efficiency_j_per_th; /* > 0 */
	double share;               /* >= 0; shares are normalised over profitable items */
};

struct hp_netpower_input {
	double network_hashrate_ths;     /* > 0 */
	double usd_per_th_day;           /* revenue per TH/s per day, >= 0 */
	double power_price_usd_per_kwh;  /* > 0 */
	const struct hp_mix_item *mix;   /* the network's candidate machines */
	size_t nmix;                     /* >= 1 */
	double pue_lower, pue_best, pue_upper; /* [1, 3]; Cambridge: 1.01, 1.10, 1.20 */
};

struct hp_netpower {
	double threshold_j_per_th;   /* least efficient machine that still pays its power */
	size_t considered, profitable;
	bool none_profitable;        /* bounds then use the most efficient machine */
	double min_j_per_th;         /* most efficient machine */
	double max_profitable_j_per_th;
	double best_j_per_th;        /* share-weighted mean of the profitable machines */
	double lower_gw, best_gw, upper_gw;
	double lower_twh_year, best_twh_year, upper_twh_year;
};

/*
 * The network's power draw in the manner of the Cambridge Bitcoin
 * Electricity Consumption Index: a machine pays when its efficiency is at
 * most the threshold usd_per_th_day * 1000 / (24 * price * PUE_best);
 * lower bound = all hashrate on the most efficient machine (PUE lower),
 * upper bound = on the least efficient profitable one (PUE upper), best
 * guess = on the share-weighted mean of the profitable ones (PUE best).
 * Energy a year = power x 8765.82 h. Equations: docs/model.md "Network power".
 */
HP_API enum hp_status hp_mining_network_power(const struct hp_netpower_input *in,
					      struct hp_netpower *out, struct hp_error *err);

/*
 * An exogenous network path for the Monte Carlo models: difficulty growing
 * by a fixed percentage at every retarget (or read day by day from a file),
 * fees per block growing at a yearly rate, blocks at 144 a day.
 */
struct hp_network_path {
	int64_t height;                  /* height of the first block of day 0, >= 0 */
	double difficulty;               /* in effect at `height`, > 0 */
	double growth_pct_per_epoch;     /* applied at each 2016-block retarget crossed, > -100 */
	const struct hp_daily_series *difficulty_file; /* NULL, or a daily difficulty
						       series covering start_day ..
						       start_day + ndays - 1 (growth
						       is then unused) */
	int64_t start_day;               /* days since 1970-01-01 of day 0 */
	double fees_btc_per_block;       /* on day 0, >= 0 */
	double fees_growth_pct_per_year; /* compounded daily (365.25 days a year), > -100 */
	double pool_fee_pct;             /* [0, 100) */
};

/*
 * Day by day along the path: the difficulty in effect at each day's first
 * block (difficulty[d], may be NULL) and what 1 PH/s earns that day after
 * the pool fee (btc_per_ph_day[d]), for d in [0, ndays). Day d holds heights
 * height + 144 d ... + 143; each block pays its own subsidy (halvings land
 * on their exact height) plus the day's fees, and 1 PH/s finds a share
 * 1e15 x 600 / (D x 2^32) of it, D the difficulty of that block's epoch.
 * HP_EINVAL naming the field (as the scenario key) for bad inputs, or when
 * the file does not cover the horizon. Never allocates.
 * Equations: docs/model.md "Network path".
 */
HP_API enum hp_status hp_mining_network_path(const struct hp_network_path *in, int64_t ndays,
					     double *difficulty, double *btc_per_ph_day,
					     struct hp_error *err);

#endif
