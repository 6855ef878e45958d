/*
 * test_mining.c - hashprice against exact rational computations.
 *
 * Expected values were computed with Python's fractions.Fraction from the
 * exact integers (W = 2**256 // (target + 1)) and rounded once to double,
 * e.g. for epoch 436 (bits 17028c61, target 0x28c61 << 160):
 *   W = 474394568641596186993179
 *   R = 3.125 + 0.0317 BTC, pool fee 2.2 %, price 96,512.25 USD
 *   btc_per_ph_day = 1e15 * 86400 * R * (1 - 0.022) / W = 0.0005622716663974295
 */
#include <math.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/consensus.h"
#include "hashpivot/mining.h"

static void test_hashprice_epoch436(void **state)
{
	struct hp_hashprice_input in = {0};
	struct hp_hashprice out;
	struct hp_error err;
	char dec[HP_U256_DEC_LEN];

	(void)state;
	in.work_per_block = hp_consensus_block_work(0x17028c61);
	assert_string_equal(hp_u256_to_dec(in.work_per_block, dec), "474394568641596186993179");
	in.subsidy_sats = hp_consensus_subsidy_sats(hp_consensus_params(HP_NET_MAIN), 880000);
	in.fees_btc_per_block = 0.0317;
	in.price_usd = 96512.25;
	in.pool_fee_pct = 2.2;
	assert_int_equal(hp_mining_hashprice(&in, &out, &err), HP_OK);
	assert_double_rel(out.reward_btc_per_block, 3.1567, 1e-15);
	assert_double_rel(out.btc_per_ph_day, 0.0005622716663974295, 1e-14);
	assert_double_rel(out.usd_per_ph_day, 54.26610363526531, 1e-14);
	assert_double_rel(out.usd_per_th_day, 0.05426610363526531, 1e-14);
	assert_double_rel(out.sats_per_th_day, 56.22716663974294, 1e-14);
	/* the network: 144 blocks a day at the implied hashrate, before pool fees */
	assert_double_rel(out.network_revenue_btc_day, 144 * 3.1567, 1e-15);
	assert_double_rel(out.network_revenue_usd_day, 43871071.6188, 1e-14);
	assert_double_rel(out.network_hashrate_ehs, 790.6576144026603, 1e-14);
}

/* Pool fee applied exactly once: 0 % and 50 % differ by exactly a half. */
static void test_pool_fee_once(void **state)
{
	struct hp_hashprice_input in = {0};
	struct hp_hashprice a, b;

	(void)state;
	in.work_per_block = hp_consensus_block_work(0x170240c3);
	in.subsidy_sats = 312500000;
	in.fees_btc_per_block = 0.025;
	in.price_usd = 87654.32;
	assert_int_equal(hp_mining_hashprice(&in, &a, NULL), HP_OK);
	in.pool_fee_pct = 50;
	assert_int_equal(hp_mining_hashprice(&in, &b, NULL), HP_OK);
	assert_double_rel(b.usd_per_ph_day, a.usd_per_ph_day / 2, 1e-15);
	/* network revenue is gross: the pool fee is a transfer between miners */
	assert_double_rel(b.network_revenue_usd_day, a.network_revenue_usd_day, 0);
}

/* Difficulty 1, genesis reward: 1e15 * 86400 * 50 / 4295032833 BTC per PH/s-day. */
static void test_difficulty_one(void **state)
{
	struct hp_hashprice_input in = {0};
	struct hp_hashprice out;

	(void)state;
	in.work_per_block = hp_consensus_block_work(0x1d00ffff);
	in.subsidy_sats = 5000000000;
	in.price_usd = 0;
	assert_int_equal(hp_mining_hashprice(&in, &out, NULL), HP_OK);
	assert_double_rel(out.btc_per_ph_day, 1005813032861.6279, 1e-15);
	assert_double_rel(out.usd_per_ph_day, 0, 0);
}

static void test_bad_inputs(void **state)
{
	struct hp_hashprice_input good = {0}, in;
	struct hp_hashprice out;
	struct hp_error err;

	(void)state;
	good.work_per_block = hp_consensus_block_work(0x17028c61);
	good.subsidy_sats = 312500000;
	good.price_usd = 90000;

	in = good;
	in.work_per_block = hp_u256_from_u64(0);
	assert_int_equal(hp_mining_hashprice(&in, &out, &err), HP_EINVAL);
	assert_string_equal(err.field, "--difficulty");

	in = good;
	in.fees_btc_per_block = NAN;
	assert_int_equal(hp_mining_hashprice(&in, &out, &err), HP_EINVAL);
	assert_string_equal(err.message, "--fees-btc: must be a finite number >= 0, got nan");

	in = good;
	in.price_usd = -1;
	assert_int_equal(hp_mining_hashprice(&in, &out, &err), HP_EINVAL);
	assert_string_equal(err.field, "--price-usd");

	in = good;
	in.pool_fee_pct = 100;
	assert_int_equal(hp_mining_hashprice(&in, &out, &err), HP_EINVAL);
	assert_string_equal(err.message, "--pool-fee-pct: must be >= 0 and < 100, got 100");

	in = good;
	in.subsidy_sats = -1;
	assert_int_equal(hp_mining_hashprice(&in, &out, &err), HP_EINVAL);
	assert_string_equal(err.field, "--height");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashprice_epoch436),
		cmocka_unit_test(test_pool_fee_once),
		cmocka_unit_test(test_difficulty_one),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
