/*
 * test_backtest.c - the backtest: block work and subsidy by height, one
 * hand-computed day, and the check against the shipped hashprice
 * series (docs/backtest.md "Check").
 *
 * Hand computations (Python's fractions.Fraction):
 *   work(1d00ffff) = 2^256 // (0xffff * 2^208 + 1) = 4,295,032,833
 *   work(1d007fff) = 2^256 // (0x7fff * 2^208 + 1) = 8,590,196,744
 *   work(1701f303) = 620,195,875,552,962,790,465,090
 */
#include <math.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/backtest.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/epochs.h"
#include "hashpivot/machines.h"
#include "hashpivot/netdaily.h"
#include "hashpivot/scenario.h"

static struct hp_catalog catalog;

static int setup(void **state)
{
	struct hp_machine m = {.name = "T100", .hashrate_ths = 100, .power_w = 2000};

	(void)state;
	return hp_catalog_add(&catalog, &m, NULL) == HP_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	hp_catalog_release(&catalog);
	return 0;
}

static void parse(const char *text, struct hp_scenario *s)
{
	hp_test_scenario_parse(text, &catalog, s);
}

/* Heights 2014..2017 straddle epochs 0 and 1: 2 blocks of each. */
static void test_blocks_across_epochs(void **state)
{
	const uint32_t bits[2] = { 0x1d00ffff, 0x1d007fff };
	struct hp_error err = {0};
	double w, sub;

	(void)state;
	assert_int_equal(hp_backtest_blocks(bits, 2, 2014, 4, &w, &sub, "x", &err), HP_OK);
	assert_double_rel(w, 2 * 4295032833.0 + 2 * 8590196744.0, 1e-15);
	assert_double_rel(sub, 200, 0);
	/* one height past the table */
	assert_int_equal(hp_backtest_blocks(bits, 2, 4030, 3, &w, &sub, "x", &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "x: height 4032 is beyond the known epochs (last 4031)");
}

/* Heights 209,998..210,001 straddle the first halving: 2 x 50 + 2 x 25 BTC. */
static void test_blocks_halving(void **state)
{
	uint32_t bits[105];
	struct hp_error err = {0};
	double w, sub;

	(void)state;
	for (int k = 0; k < 105; k++)
		bits[k] = 0x1d00ffff;
	assert_int_equal(hp_backtest_blocks(bits, 105, 209998, 4, &w, &sub, "x", &err), HP_OK);
	assert_double_rel(w, 4 * 4295032833.0, 1e-15);
	assert_double_rel(sub, 150, 0);
}

/*
 * One day: 144 blocks of bits 1701f303, 3.125 BTC subsidy and 0.05 BTC fees
 * each (457.2 BTC), price 80,000 USD. Ten T100 (1 PH/s, 20 kW) at
 * 5 cents/kWh, pool fee 2 %:
 *   BTC mined = 1e15 x 86400 x 457.2 / (144 W) x 0.98 = 0.0004334656365786206
 *   revenue   = x 80,000                            = 34.67725092628965 USD
 *   cost      = 20 kW x 24 h x 0.05                 = 24 USD (every basis)
 *   hashprice = 86400e15 x 457.2 / (144 W)           = 0.00044231187405981696 BTC/PH-day
 * Treasury: 1 BTC and 1000 USD, sells 50 % of production, pays opex from
 * cash: 1 + b/2 = 1.0002167328182894 BTC, 976 + 40,000 b = 993.3386254631448 USD.
 */
static void test_one_day(void **state)
{
	struct hp_scenario s = {0};
	struct hp_backtest_result r;
	struct hp_error err = {0};
	struct hp_backtest_day d = {
		.day = 19844, .height = 937600, .blocks = 144,
		.work = 144 * 620195875552962790465090.0,
		.subsidy_btc = 450, .fees_btc = 7.2, .price_usd = 80000,
	};

	(void)state;
	parse("{\"name\": \"t\", \"as_of\": \"2024-05-01\","
	      "\"network\": {\"bits\": \"170240c3\", \"height\": 953568, "
	      "\"fees_btc_per_block\": 0.025, \"price_usd\": 87654.32},"
	      "\"company\": {\"pool_fee_pct\": 2},"
	      "\"sites\": [{\"name\": \"A\", \"grid_mw\": 1, \"power_price_usd_per_kwh\": 0.05,"
	      "  \"fleet\": [{\"machine\": \"T100\", \"count\": 10}]}],"
	      "\"treasury\": {\"btc\": 1, \"cash_usd\": 1000, \"sell_production_pct\": 50}}",
	      &s);
	if (hp_backtest_run(&s, &d, 1, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_int_equal(r.ndays, 1);
	assert_double_rel(r.days[0].btc_mined, 0.0004334656365786206, 1e-13);
	assert_double_rel(r.days[0].revenue_usd, 34.67725092628965, 1e-13);
	for (int k = 0; k < HP_COST_NBASES; k++)
		assert_double_rel(r.days[0].cost_usd[k], 24, 1e-15);
	assert_double_rel(r.days[0].hashprice_btc_per_ph_day, 0.00044231187405981696, 1e-14);
	assert_double_rel(r.days[0].difficulty, 144398401518100.94, 1e-14);
	assert_double_rel(r.days[0].fees_btc_per_block, 0.05, 1e-15);
	assert_double_rel(r.treasury.end.total_btc, 1.0002167328182894, 1e-14);
	assert_double_rel(r.treasury.end.cash_usd, 993.3386254631448, 1e-13);
	assert_double_rel(r.treasury.sold_btc[HP_SALE_POLICY], 0.0004334656365786206 / 2, 1e-13);
	assert_double_rel(r.cost_per_btc_usd[HP_COST_CASH], 24 / 0.0004334656365786206, 1e-13);
	/* the scenario's network is restored */
	assert_int_equal(s.network.bits, 0x170240c3);
	assert_int_equal(s.network.height, 953568);
	hp_backtest_result_release(&r);

	/* bad history names the day */
	d.price_usd = 0;
	assert_int_equal(hp_backtest_run(&s, &d, 1, &r, &err), HP_EINVAL);
	assert_string_equal(err.message, "2024-05-01: price_usd: must be > 0, got 0");
	assert_null(r.days);
	hp_scenario_release(&s);
}

/*
 * The check: every day of 2024-05-01 .. 2024-12-31 from the shipped
 * data, the network's hashprice against Coin Metrics' (the
 * hashprice_usd_per_phs_day column). Tolerances (docs/backtest.md):
 * in BTC (both at Coin Metrics' price) 0.1 % a day: measured 0.068 %;
 * in USD at the backtest's Bitstamp closes 1 % a day (measured 0.73 %, the
 * two price sources' difference) and 0.2 % in mean absolute (0.105 %).
 */
static void test_check_hashprice(void **state)
{
	struct hp_netdaily nd = {0};
	struct hp_epochs e = {0};
	struct hp_daily_series ps = {0};
	struct hp_error err = {0};
	struct hp_scenario s = {0};
	struct hp_backtest_result r;
	enum { FROM = 19844, N = 245 }; /* 2024-05-01 .. 2024-12-31 */
	struct hp_backtest_day days[N];
	uint32_t *bits;
	double sum_abs = 0, worst_btc = 0, worst_usd = 0, worst_naive = 0;

	(void)state;
	if (hp_netdaily_load("data/btc_daily_network.csv", &nd, &err) ||
	    hp_epochs_load("data/btc_difficulty_epochs.csv", &e, &err) ||
	    hp_daily_series_load("data/btc_usd_daily.csv", hp_daily_series_price_columns, &ps,
				 &err))
		fail_msg("%s", err.message);
	bits = hp_malloc(e.n * sizeof(*bits));
	assert_non_null(bits);
	for (size_t k = 0; k < e.n; k++)
		bits[k] = e.v[k].bits;
	for (int i = 0; i < N; i++) {
		const struct hp_netdaily_row *row = hp_netdaily_find(&nd, FROM + i);

		assert_non_null(row);
		days[i].day = FROM + i;
		days[i].height = row->height;
		days[i].blocks = row->blocks;
		days[i].fees_btc = row->fees_btc;
		days[i].price_usd = ps.value[hp_daily_series_index(&ps, FROM + i)];
		assert_int_equal(hp_backtest_blocks(bits, e.n, row->height - row->blocks + 1,
						    row->blocks, &days[i].work,
						    &days[i].subsidy_btc, "x", &err), HP_OK);
	}
	parse("{\"name\": \"t\", \"network\": {\"bits\": \"170240c3\", \"height\": 953568, "
	      "\"fees_btc_per_block\": 0.025, \"price_usd\": 87654.32},"
	      "\"sites\": [{\"name\": \"A\", \"grid_mw\": 1, \"power_price_usd_per_kwh\": 0.05,"
	      "  \"fleet\": [{\"machine\": \"T100\", \"count\": 1}]}]}", &s);
	if (hp_backtest_run(&s, days, N, &r, &err) != HP_OK)
		fail_msg("%s", err.message);
	for (int i = 0; i < N; i++) {
		const struct hp_netdaily_row *row = hp_netdaily_find(&nd, FROM + i);
		double ref = row->hashprice_usd_per_ph_day;
		double usd = r.days[i].hashprice_usd_per_ph_day / ref - 1;
		double btc = r.days[i].hashprice_btc_per_ph_day * row->price_usd / ref - 1;

		/* the same with every block at the difficulty of the day's last
		 * block (what the difficulty column states) */
		double d_eod = e.v[row->height / 2016].difficulty;
		double naive = 86400e15 * (days[i].subsidy_btc + days[i].fees_btc) /
			       ((double)row->blocks * d_eod * 4294967296.0) * row->price_usd / ref - 1;

		sum_abs += fabs(usd);
		worst_usd = fmax(worst_usd, fabs(usd));
		worst_btc = fmax(worst_btc, fabs(btc));
		worst_naive = fmax(worst_naive, fabs(naive));
	}
	if (worst_btc > 1e-3 || worst_usd > 1e-2 || sum_abs / N > 2e-3)
		fail_msg("hashprice off the reference: %.4f %% (BTC), %.4f %% (USD), mean |USD| "
			 "%.4f %%", worst_btc * 100, worst_usd * 100, sum_abs / N * 100);
	/* the check can fail: counting a retarget day's blocks at one
	 * difficulty misses the reference by 5.4 % (2024-11-04) */
	assert_true(worst_naive > 0.05);
	hp_backtest_result_release(&r);
	hp_scenario_release(&s);
	hp_free(bits);
	hp_daily_series_release(&ps);
	hp_epochs_release(&e);
	hp_netdaily_release(&nd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_across_epochs),
		cmocka_unit_test(test_blocks_halving),
		cmocka_unit_test(test_one_day),
		cmocka_unit_test(test_check_hashprice),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
