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

/*
 * One machine's day, against exact fractions (Python's Fraction):
 * S21-like 200 TH/s, 3500 W; bits 170240c3 (W = 536590761418915805470629),
 * subsidy 3.125 + fees 0.025 BTC, pool fee 2.5 %, price 87,654.32 USD;
 * power 0.065 USD/kWh, PUE 1.1, uptime 95 %, hosting 0.005 USD/kWh + 10 USD
 * a month (30.436875 days).
 *   b = 1e12 * 86400 * 3.15 * 0.975 / W * 200 * 0.95  = 9.395920247802964e-05 BTC
 *   e = 3.5 * 24 * 1.1 * 0.95                          = 87.78 kWh
 *   power = e * 0.065 = 5.7057; hosting = e * 0.005 + 10 / 30.436875
 *   shutdown = e * 0.07 / b; break-even power = revenue / e - 0.005
 *   break-even hashprice = e * 0.07 / (0.2 PH/s * 0.95) = 32.34 USD/PH/day
 */
static const struct hp_machine s21 = {
	.name = "S21", .hashrate_ths = 200, .power_w = 3500, .efficiency_j_per_th = 17.5,
};

static void network_170240c3(struct hp_hashprice_input *in, double pool_fee_pct)
{
	memset(in, 0, sizeof(*in));
	in->work_per_block = hp_consensus_block_work(0x170240c3);
	in->subsidy_sats = 312500000;
	in->fees_btc_per_block = 0.025;
	in->price_usd = 87654.32;
	in->pool_fee_pct = pool_fee_pct;
}

static void test_machine_day(void **state)
{
	struct hp_hashprice_input in;
	struct hp_hashprice hp;
	struct hp_machine_ops ops = {0.065, 1.1, 95, 0.005, 10};
	struct hp_machine_econ e;

	(void)state;
	network_170240c3(&in, 2.5);
	assert_int_equal(hp_mining_hashprice(&in, &hp, NULL), HP_OK);
	assert_int_equal(hp_mining_machine(&s21, &hp, in.price_usd, &ops, &e, NULL), HP_OK);
	assert_double_rel(e.hashrate_ths, 190, 1e-15);
	assert_double_rel(e.btc_per_day, 9.395920247802964e-05, 1e-14);
	assert_double_rel(e.revenue_usd_day, 8.235930000954003, 1e-14);
	assert_double_rel(e.energy_kwh_day, 87.78, 1e-15);
	assert_double_rel(e.power_cost_usd_day, 5.7057, 1e-15);
	assert_double_rel(e.hosting_usd_day, 0.767448840838621, 1e-14);
	assert_double_rel(e.profit_usd_day, 1.7627811601153813, 1e-13);
	assert_double_rel(e.margin_pct, 21.40354713931749, 1e-13);
	assert_double_rel(e.revenue_usd_per_kwh, 0.09382467533554342, 1e-14);
	assert_double_rel(e.cost_usd_per_btc, 68893.1862991518, 1e-14);
	assert_double_rel(e.shutdown_price_usd, 65396.46823244146, 1e-14);
	assert_double_rel(e.breakeven_price_usd, 68893.1862991518, 1e-14);
	assert_double_rel(e.breakeven_power_usd_per_kwh, 0.08882467533554343, 1e-14);
	assert_double_rel(e.breakeven_hashprice_usd_per_ph_day, 32.34, 1e-14);
}

/*
 * Uptime scales revenue and energy alike: the break-even points do not
 * move, and revenue is exactly proportional (uptime applied once). The
 * pool fee lives in the hashprice only: the machine's BTC at 50 % fee is
 * exactly half, and its shutdown price exactly double.
 */
static void test_uptime_and_pool_fee_once(void **state)
{
	struct hp_hashprice_input in;
	struct hp_hashprice hp0, hp50;
	struct hp_machine_ops full = {0.05, 1, 100, 0, 0}, half = full;
	struct hp_machine_econ a, b, c;

	(void)state;
	half.uptime_pct = 50;
	network_170240c3(&in, 0);
	assert_int_equal(hp_mining_hashprice(&in, &hp0, NULL), HP_OK);
	network_170240c3(&in, 50);
	assert_int_equal(hp_mining_hashprice(&in, &hp50, NULL), HP_OK);
	assert_int_equal(hp_mining_machine(&s21, &hp0, in.price_usd, &full, &a, NULL), HP_OK);
	assert_int_equal(hp_mining_machine(&s21, &hp0, in.price_usd, &half, &b, NULL), HP_OK);
	assert_int_equal(hp_mining_machine(&s21, &hp50, in.price_usd, &full, &c, NULL), HP_OK);
	assert_double_rel(b.revenue_usd_day, a.revenue_usd_day / 2, 1e-15);
	assert_double_rel(b.energy_kwh_day, a.energy_kwh_day / 2, 1e-15);
	assert_double_rel(b.shutdown_price_usd, a.shutdown_price_usd, 1e-15);
	assert_double_rel(b.breakeven_power_usd_per_kwh, a.breakeven_power_usd_per_kwh, 1e-15);
	assert_double_rel(c.btc_per_day, a.btc_per_day / 2, 1e-15);
	assert_double_rel(c.shutdown_price_usd, a.shutdown_price_usd * 2, 1e-15);
	/* 3.5 kW * 24 h * 0.05 = 4.2 USD a day */
	assert_double_rel(a.power_cost_usd_day, 4.2, 1e-15);
}

/*
 * Payback across the fourth halving (1,050,000), against a per-block
 * reference (Python, exact work, one block at a time): the machine starts
 * 10 days and 50 blocks before the halving; fees 0.02 BTC, pool fee 2 %,
 * 90,000 USD, power 0.05 USD/kWh (4.2 USD a day), bought for 80 USD,
 * 6 months = round(6 * 30.436875) = 183 days. Day 10 holds the halving:
 * 50 blocks at 3.125 and 94 at 1.5625.
 */
static void test_payback_across_halving(void **state)
{
	struct hp_hashprice_input in;
	struct hp_machine_ops ops = {0.05, 1, 100, 0, 0};
	struct hp_payback_input pin = {.machine_price_usd = 80, .months = 6,
				       .run_when_unprofitable = true};
	struct hp_payback pb;
	int64_t h0 = 1050000 - 144 * 10 - 50;

	(void)state;
	network_170240c3(&in, 2);
	in.fees_btc_per_block = 0.02;
	in.price_usd = 90000;
	in.subsidy_sats = hp_consensus_subsidy_sats(hp_consensus_params(HP_NET_MAIN), h0);
	assert_int_equal(hp_mining_payback(&s21, &in, h0, &ops, &pin, &pb, NULL), HP_OK);
	assert_int_equal(pb.days, 183);
	assert_int_equal(pb.halvings, 1);
	assert_int_equal(pb.end_height, h0 + 183 * 144);
	assert_double_rel(pb.btc_mined, 0.009649714039630218, 1e-12);
	assert_double_rel(pb.revenue_usd, 868.4742635667257, 1e-12);
	assert_double_rel(pb.cost_usd, 768.6, 1e-13);
	assert_double_rel(pb.profit_usd, 99.87426356672381, 1e-11);
	assert_true(pb.paid_back);
	assert_double_rel(pb.payback_days, 115.589775303464, 1e-10);
	assert_double_rel(pb.payback_months, 3.7976886688749745, 1e-10);
	assert_double_rel(pb.roi_pct, 24.842829458404765, 1e-10);
	assert_int_equal(pb.days_off, 0);

	/*
	 * At 0.06 USD/kWh (5.04 USD a day) and switching off when unprofitable:
	 * days 0-10 pay (day 10: 50 pre-halving blocks, ~6.04 USD), every day
	 * after the halving earns ~4.49 USD < 5.04 and is off: 172 days off.
	 */
	ops.power_price_usd_per_kwh = 0.06;
	pin.run_when_unprofitable = false;
	assert_int_equal(hp_mining_payback(&s21, &in, h0, &ops, &pin, &pb, NULL), HP_OK);
	assert_int_equal(pb.days_off, 172);
	assert_double_rel(pb.btc_mined, 0.0010596027902092736, 1e-12);
	assert_double_rel(pb.cost_usd, 55.44, 1e-13);
	assert_false(pb.paid_back);
	assert_true(isnan(pb.payback_days));
	assert_double_rel(pb.roi_pct, -50.09468610145671, 1e-10);
}

/*
 * Difficulty growth 5 % a month applied at each retarget as
 * 1.05^(14 / 30.436875) per epoch; start at the first block of epoch 473
 * (953,568), 2 months (61 days: epochs 473-477), no pool fee, bought for
 * 200 USD. Reference: per-block loop in Python.
 */
static void test_payback_difficulty_growth(void **state)
{
	struct hp_hashprice_input in;
	struct hp_machine_ops ops = {0.05, 1, 100, 0, 0};
	struct hp_payback_input pin = {.machine_price_usd = 200, .months = 2,
				       .difficulty_growth_pct_per_month = 5,
				       .run_when_unprofitable = true};
	struct hp_payback pb;

	(void)state;
	network_170240c3(&in, 0);
	assert_int_equal(hp_mining_payback(&s21, &in, 953568, &ops, &pin, &pb, NULL), HP_OK);
	assert_int_equal(pb.days, 61);
	assert_int_equal(pb.halvings, 0);
	assert_double_rel(pb.btc_mined, 0.005958004180337592, 1e-12);
	assert_double_rel(pb.revenue_usd, 522.2448049846492, 1e-12);
	assert_double_rel(pb.payback_days, 44.71721174137242, 1e-10);
	assert_double_rel(pb.roi_pct, 33.02240249232477, 1e-10);
	/* 61 days = 8784 blocks: the last block is in epoch 477, 4 retargets on */
	assert_double_rel(pb.end_difficulty_factor, pow(1.05, 4 * 14 / 30.436875), 1e-14);
}

static void test_machine_bad_inputs(void **state)
{
	struct hp_hashprice_input in;
	struct hp_hashprice hp;
	struct hp_machine_ops good = {0.05, 1, 100, 0, 0}, ops;
	struct hp_payback_input pin = {.machine_price_usd = 100, .months = 12};
	struct hp_machine_econ e;
	struct hp_payback pb;
	struct hp_machine m = s21;
	struct hp_error err;

	(void)state;
	network_170240c3(&in, 0);
	assert_int_equal(hp_mining_hashprice(&in, &hp, NULL), HP_OK);
	ops = good;
	ops.power_price_usd_per_kwh = -0.05;
	assert_int_equal(hp_mining_machine(&s21, &hp, 1, &ops, &e, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "--power-price-usd-per-kwh: must be >= 0 and <= 1000, got -0.05");
	ops = good;
	ops.pue = 0.9;
	assert_int_equal(hp_mining_machine(&s21, &hp, 1, &ops, &e, &err), HP_EINVAL);
	assert_string_equal(err.message, "--pue: must be >= 1 and <= 3, got 0.9");
	ops = good;
	ops.uptime_pct = 0;
	assert_int_equal(hp_mining_machine(&s21, &hp, 1, &ops, &e, &err), HP_EINVAL);
	assert_string_equal(err.message, "--uptime-pct: must be > 0 and <= 100, got 0");
	ops = good;
	ops.hosting_usd_per_month = NAN;
	assert_int_equal(hp_mining_machine(&s21, &hp, 1, &ops, &e, &err), HP_EINVAL);
	assert_string_equal(err.field, "--hosting-usd-per-month");
	m.power_w = 0;
	assert_int_equal(hp_mining_machine(&m, &hp, 1, &good, &e, &err), HP_EINVAL);
	assert_string_equal(err.message, "power_w: must be > 0, got 0");
	pin.months = 0;
	assert_int_equal(hp_mining_payback(&s21, &in, 0, &good, &pin, &pb, &err), HP_EINVAL);
	assert_string_equal(err.message, "--months: must be 1 to 600, got 0");
	pin.months = 12;
	pin.machine_price_usd = 0;
	assert_int_equal(hp_mining_payback(&s21, &in, 0, &good, &pin, &pb, &err), HP_EINVAL);
	assert_string_equal(err.message, "--machine-price-usd: must be > 0 and <= 1e+09, got 0");
	pin.machine_price_usd = 100;
	pin.difficulty_growth_pct_per_month = -100;
	assert_int_equal(hp_mining_payback(&s21, &in, 0, &good, &pin, &pb, &err), HP_EINVAL);
	assert_string_equal(err.field, "--difficulty-growth-pct-per-month");

	/* zero price: nothing is enough, the break-even prices are infinite */
	assert_int_equal(hp_mining_machine(&s21, &hp, 0, &good, &e, NULL), HP_OK);
	assert_true(isfinite(e.shutdown_price_usd));
	assert_true(isnan(e.margin_pct));
	in.subsidy_sats = 0;
	in.fees_btc_per_block = 0;
	assert_int_equal(hp_mining_hashprice(&in, &hp, NULL), HP_OK);
	assert_int_equal(hp_mining_machine(&s21, &hp, 1, &good, &e, NULL), HP_OK);
	assert_true(isinf(e.shutdown_price_usd));
}

/*
 * Network power, by hand: 1 ZH/s = 1e9 TH/s, revenue 0.045 USD per TH/s-day,
 * 0.06 USD/kWh, PUE 1.01 / 1.10 / 1.20, machines of 15, 20 and 30 J/TH:
 *   threshold = 0.045 * 1000 / (24 * 0.06 * 1.1) = 28.409... J/TH -> 15, 20 pay
 *   lower = 1e9 * 15 * 1.01 W = 15.15 GW; best = 17.5 * 1.1 = 19.25 GW;
 *   upper = 20 * 1.2 = 24 GW; TWh a year = GW * 8765.82 / 1000.
 * Shares 3:1 move the best guess to (3 * 15 + 20) / 4 = 16.25 J/TH.
 */
static void test_network_power(void **state)
{
	struct hp_mix_item mix[] = {{20, 1}, {30, 1}, {15, 1}};
	struct hp_netpower_input in = {1e9, 0.045, 0.06, mix, 3, 1.01, 1.10, 1.20};
	struct hp_netpower out;
	struct hp_error err;

	(void)state;
	assert_int_equal(hp_mining_network_power(&in, &out, NULL), HP_OK);
	assert_double_rel(out.threshold_j_per_th, 45 / 1.584, 1e-15);
	assert_int_equal(out.considered, 3);
	assert_int_equal(out.profitable, 2);
	assert_false(out.none_profitable);
	assert_double_rel(out.lower_gw, 15.15, 1e-15);
	assert_double_rel(out.best_gw, 19.25, 1e-15);
	assert_double_rel(out.upper_gw, 24, 1e-15);
	assert_double_rel(out.lower_twh_year, 132.802173, 1e-14);
	assert_double_rel(out.best_twh_year, 168.742035, 1e-14);
	assert_double_rel(out.upper_twh_year, 210.37968, 1e-14);
	mix[2].share = 3;
	assert_int_equal(hp_mining_network_power(&in, &out, NULL), HP_OK);
	assert_double_rel(out.best_j_per_th, 16.25, 1e-15);
	/* at 0.5 USD/kWh nothing pays: bounds fall back to the best machine */
	in.power_price_usd_per_kwh = 0.5;
	assert_int_equal(hp_mining_network_power(&in, &out, NULL), HP_OK);
	assert_true(out.none_profitable);
	assert_double_rel(out.upper_gw, 15 * 1.2, 1e-15);
	in.power_price_usd_per_kwh = 0;
	assert_int_equal(hp_mining_network_power(&in, &out, &err), HP_EINVAL);
	assert_string_equal(err.message, "--power-price-usd-per-kwh: must be > 0 and <= 1000, got 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashprice_epoch436),
		cmocka_unit_test(test_pool_fee_once),
		cmocka_unit_test(test_difficulty_one),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_machine_day),
		cmocka_unit_test(test_uptime_and_pool_fee_once),
		cmocka_unit_test(test_payback_across_halving),
		cmocka_unit_test(test_payback_difficulty_growth),
		cmocka_unit_test(test_machine_bad_inputs),
		cmocka_unit_test(test_network_power),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
