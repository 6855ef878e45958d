/*
 * backtest.h - a scenario's fleet and treasury run through real history,
 * day by day: what the fleet would have mined and earned, what it would
 * have cost (the fleet module's three bases), and the treasury after each
 * day's settlement under the scenario's policy.
 *
 * History comes in as one struct hp_backtest_day per UTC day: the blocks
 * the network found that day (count, exact expected work, subsidies, fees)
 * and the BTC price. hp_backtest_blocks() turns a height range and the
 * bits of each 2016-block epoch into the work and subsidy; the front end
 * takes the heights and fees from the shipped daily network series or from
 * a synced chain database (docs/backtest.md).
 *
 * Method, one day d: the network pays R = subsidy + fees BTC for work W
 * hashes, so one hash earns R / W BTC whatever the hashrate was (on a
 * retarget day each block counts at its own difficulty: W sums them). The
 * fleet is evaluated by hp_fleet_run at that rate (an effective difficulty
 * with W / blocks hashes per block, the day's last height for the subsidy
 * and the rest of R / blocks as fees) and the day's price: BTC mined,
 * revenue, costs. Then the treasury: the loan's LTV check at the day's
 * price and one daily settlement (hp_treasury_settle, 365.2425 periods a
 * year) crediting the BTC mined and paying the cash cost (power, hosting,
 * site opex, SG&A and interest, net of demand-response credits), as the
 * industry simulator settles its cohorts (src/core/industry.c). The fleet
 * is the scenario's as it stands at its as_of, held fixed through the
 * period. Equations: docs/model.md "Hashprice", "Fleet economics",
 * "Treasury"; docs/backtest.md.
 *
 * Invariants: deterministic given the scenario and the days (the DeFi loss
 * draws use the scenario's market.seed, stream HP_RNG_TREASURY, path 0);
 * the library never prints. Errors name the day ("2024-05-03: price_usd:
 * must be > 0, got 0") or the scenario field (treasury.*).
 */
#ifndef HASHPIVOT_BACKTEST_H
#define HASHPIVOT_BACKTEST_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "fleet.h"
#include "scenario.h"
#include "treasury.h"

/* What the network did on one UTC day, and the price. */
struct hp_backtest_day {
	int64_t day;          /* days since 1970-01-01 */
	int64_t height;       /* height of the day's last block */
	int64_t blocks;       /* blocks found that day, >= 1 */
	double work;          /* their expected hashes: sum of 2^256 / (target + 1), > 0 */
	double subsidy_btc;   /* their subsidies */
	double fees_btc;      /* their transaction fees, >= 0 */
	double price_usd;     /* > 0 */
};

/* One day of the run. */
struct hp_backtest_point {
	int64_t day;
	int64_t height;
	int64_t blocks;
	double difficulty;              /* effective: work / blocks as a difficulty */
	double fees_btc_per_block;
	double price_usd;
	double hashprice_usd_per_ph_day; /* the network's (R / W) x 86400 x 1e15 x price,
					    before any pool fee */
	double hashprice_btc_per_ph_day; /* the same in BTC */
	double btc_mined;               /* the fleet, after its pool fee */
	double revenue_usd;             /* btc_mined x price */
	double cost_usd[HP_COST_NBASES];
	struct hp_treasury_month treasury; /* after the day's settlement */
};

struct hp_backtest_result {
	struct hp_backtest_point *days; /* ndays of them */
	size_t ndays;
	double btc_mined;
	double revenue_usd;
	double cost_usd[HP_COST_NBASES];
	double cost_per_btc_usd[HP_COST_NBASES]; /* cost / BTC mined over the period */
	double avg_price_usd;           /* revenue / BTC mined: the price it earned at */
	double hashrate_phs;            /* the fleet's effective hashrate (all days alike) */
	struct hp_treasury_result treasury; /* sales by cause, margin calls, the end state */
	struct hp_treasury_month start; /* the treasury before the first day */
};

/*
 * Expected work and subsidy of blocks first .. first + count - 1 from the
 * bits of each epoch (epoch_bits[k] for heights 2016k .. 2016k + 2015,
 * mainnet). Exact in 256-bit integers, rounded once to double. HP_EINVAL
 * naming `field` when a height is beyond the table or count < 0.
 */
HP_API enum hp_status hp_backtest_blocks(const uint32_t *epoch_bits, size_t nepochs,
					 int64_t first, int64_t count, double *work,
					 double *subsidy_btc, const char *field,
					 struct hp_error *err);

/*
 * Run the scenario's fleet and treasury through days[0..n). s is modified
 * during the run (its network section) and restored before returning. out
 * is allocated (hp_backtest_result_release), also on failure left empty.
 * HP_EINVAL naming the day for bad history, the scenario's errors from
 * hp_treasury_check and hp_fleet_run, HP_ENOMEM.
 */
HP_API enum hp_status hp_backtest_run(struct hp_scenario *s, const struct hp_backtest_day *days,
				      size_t n, struct hp_backtest_result *out,
				      struct hp_error *err);
HP_API void hp_backtest_result_release(struct hp_backtest_result *r);

#endif
