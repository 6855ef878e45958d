/*
 * mining.h - mining revenue per unit of hashrate (hashprice).
 *
 * Invariants: inputs are plain values with units in their names; the work
 * per block is the exact 256-bit 2^256/(target+1) from the consensus module,
 * converted to double once (relative error <= 2^-53). Functions are pure,
 * never allocate, and reject non-finite or out-of-range inputs with
 * HP_EINVAL naming the field. Equations: docs/model.md "Hashprice".
 */
#ifndef HASHPIVOT_MINING_H
#define HASHPIVOT_MINING_H

#include <stdint.h>
#include "common.h"
#include "error.h"
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

#endif
