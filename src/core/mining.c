/*
 * mining.c - hashprice and (later) machine and fleet economics.
 */
#include <math.h>
#include <string.h>

#include "hashpivot/consensus.h"
#include "hashpivot/mining.h"

#define SECONDS_PER_DAY 86400.0
#define HASHES_PER_PH 1e15
#define HASHES_PER_TH 1e12

/*
 * Method: a miner with hashrate h (H/s) finds on average h * 86400 / W
 * blocks a day, W = 2^256 / (target + 1) the exact expected hashes per
 * block; each pays reward R = subsidy + fees, less the pool fee f:
 *   btc_per_hash_day = 86400 * R * (1 - f) / W
 * scaled to PH/s (1e15) or TH/s (1e12), times the price for USD. The
 * network at the implied hashrate W / 600 finds 144 blocks a day.
 * Special cases: W = 0 (no valid target) is rejected, never divided by.
 * Accuracy: W enters as one correctly rounded double (relative 2^-53);
 * the rest is a handful of double operations (relative ~1e-15).
 * Source: docs/model.md "Hashprice"; DESIGN.md section 1.
 */
enum hp_status hp_mining_hashprice(const struct hp_hashprice_input *in, struct hp_hashprice *out,
				   struct hp_error *err)
{
	if (hp_u256_is_zero(in->work_per_block))
		return hp_error_set(err, HP_EINVAL, "--difficulty",
				    "the target has no work (zero, negative or overflowing)");
	if (in->subsidy_sats < 0)
		return hp_error_set(err, HP_EINVAL, "--height", "subsidy must be >= 0, got %lld",
				    (long long)in->subsidy_sats);
	if (!isfinite(in->fees_btc_per_block) || in->fees_btc_per_block < 0)
		return hp_error_set(err, HP_EINVAL, "--fees-btc", "must be a finite number >= 0, got %g",
				    in->fees_btc_per_block);
	if (!isfinite(in->price_usd) || in->price_usd < 0)
		return hp_error_set(err, HP_EINVAL, "--price-usd",
				    "must be a finite number >= 0, got %g", in->price_usd);
	if (!isfinite(in->pool_fee_pct) || in->pool_fee_pct < 0 || in->pool_fee_pct >= 100)
		return hp_error_set(err, HP_EINVAL, "--pool-fee-pct",
				    "must be >= 0 and < 100, got %g", in->pool_fee_pct);

	double work = hp_u256_to_double(in->work_per_block);
	double reward = (double)in->subsidy_sats / (double)HP_COIN_SATS + in->fees_btc_per_block;
	double btc_per_hash_day = SECONDS_PER_DAY * reward * (1 - in->pool_fee_pct / 100) / work;

	memset(out, 0, sizeof(*out));
	out->reward_btc_per_block = reward;
	out->btc_per_ph_day = btc_per_hash_day * HASHES_PER_PH;
	out->usd_per_ph_day = out->btc_per_ph_day * in->price_usd;
	out->usd_per_th_day = btc_per_hash_day * HASHES_PER_TH * in->price_usd;
	out->sats_per_th_day = btc_per_hash_day * HASHES_PER_TH * (double)HP_COIN_SATS;
	out->network_hashrate_ehs = work / 600.0 / 1e18;
	out->network_revenue_btc_day = SECONDS_PER_DAY / 600.0 * reward;
	out->network_revenue_usd_day = out->network_revenue_btc_day * in->price_usd;
	return HP_OK;
}
