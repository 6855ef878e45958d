/*
 * test_pivot.c - the pivot engine (src/core/pivot.c) on scenarios whose
 * answers can be worked out by hand: a constant price path (GBM with no
 * drift and no volatility gives exp(0) = 1 every day, so every day's price
 * is exactly S0), a flat difficulty, no fees, no halving inside the
 * horizon; and, for what cannot be worked out by hand, invariances: the
 * same result for any number of threads.
 *
 * Common ground: bits 170240c3 at height 953568 (subsidy 3.125 BTC, the
 * next halving 96,432 blocks = 669.7 days away), fees 0, pool fee 0, so
 * one PH/s earns b = 144 x 3.125 x 1e15 x 600 / (D x 2^32) BTC a day with
 * D = the difficulty of 170240c3 (hp_mining_network_path's rule).
 * as_of 2026-01-01: months of 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
 * 31 days, 365 in all.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/consensus.h"
#include "hashpivot/finance.h"
#include "hashpivot/machines.h"
#include "hashpivot/pivot.h"
#include "hashpivot/scenario.h"

static struct hp_catalog catalog;
static const int month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

static int setup(void **state)
{
	struct hp_machine a = {.name = "T100", .hashrate_ths = 100, .power_w = 2000};
	struct hp_machine b = {.name = "T50", .hashrate_ths = 50, .power_w = 2500};

	(void)state;
	return hp_catalog_add(&catalog, &a, NULL) == HP_OK &&
			       hp_catalog_add(&catalog, &b, NULL) == HP_OK
		       ? 0
		       : -1;
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

static void run(const struct hp_scenario *s, size_t paths, unsigned threads,
		struct hp_pivot_result *r)
{
	struct hp_pivot_config cfg = {.seed = 7, .paths = paths, .threads = threads};
	struct hp_error err = {0};

	if (hp_pivot_run(s, &cfg, r, &err) != HP_OK)
		fail_msg("pivot: %s", err.message);
}

/* BTC one PH/s earns a day at 170240c3, subsidy 3.125, no fees. */
static double btc_per_ph_day(void)
{
	double d;

	assert_true(hp_consensus_difficulty(0x170240c3, &d));
	return 144 * 3.125 * 1e15 * 600 / (d * 4294967296.0);
}

#define HEAD                                                                            \
	"{\"name\": \"t\", \"as_of\": \"2026-01-01\", "                                \
	"\"network\": {\"bits\": \"170240c3\", \"height\": 953568, "                   \
	"\"fees_btc_per_block\": 0, \"price_usd\": 80000}, "
#define FLAT_MARKET                                                                     \
	"\"market\": {\"horizon_months\": 12, \"price\": {\"model\": \"gbm\", "        \
	"\"volatility_pct_per_year\": 0}}, "

/*
 * One site, 1000 T100 (100 PH/s, 2 MW), power 5 cents, PUE 1, no other
 * costs, price 80,000 every day, discount 10 %/year:
 *   month m:  BTC = 100 b days_m, revenue 80,000 x that,
 *             power = 2,000 kW x 24 h x days_m x 0.05 = 2,400 days_m USD;
 *   FCF_m = days_m (8e6 b - 2400), NPV = sum FCF_m / (1 + r)^(m + 1),
 *   r = 1.1^(1/12) - 1.
 * 8e6 b is about 4,000 USD a day, so the machines run every month.
 */
static void test_flat_mining(void **state)
{
	static const char text[] = HEAD FLAT_MARKET
		"\"pivot\": {\"discount_rate_pct_per_year\": 10, "
		"\"strategies\": [{\"name\": \"keep mining\"}]}, "
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 1000}]}]}";
	struct hp_scenario s;
	struct hp_pivot_result r;
	double b = btc_per_ph_day(), npv = 0, btc = 0, rate = pow(1.1, 1.0 / 12) - 1;
	int m;

	(void)state;
	parse(text, &s);
	run(&s, 3, 1, &r);
	for (m = 0; m < 12; m++) {
		btc += 100 * b * month_days[m];
		npv += month_days[m] * (8e6 * b - 2400) / pow(1 + rate, m + 1);
	}
	assert_int_equal(r.nstrategies, 1);
	assert_int_equal(r.nmonths, 12);
	assert_int_equal(r.month_start_day[12] - r.month_start_day[0], 365);
	assert_double_rel(r.strategies[0].mining_btc, btc, 1e-12);
	assert_double_rel(r.strategies[0].npv_usd.mean, npv, 1e-11);
	/* every path is the same path: the quantiles are the mean */
	assert_double_rel(r.strategies[0].npv_usd.p5, npv, 1e-11);
	assert_double_rel(r.strategies[0].npv_usd.p95, npv, 1e-11);
	/* no treasury section: no cash, and the default policy sells BTC to
	 * cover opex - each month's power, 2,400 days_m USD, at 80,000 USD:
	 * 0.03 BTC a day, 365 x 0.03 = 10.95 BTC in the year (cause opex) */
	assert_double_rel(r.strategies[0].btc_sold_by_cause[HP_SALE_OPEX], 10.95, 1e-12);
	assert_double_abs(r.strategies[0].p_out_of_cash, 0, 0);
	/* revenue per kWh at the start: 100 b 80,000 / (2,000 x 24) */
	assert_double_rel(r.mining_revenue_usd_per_kwh, 100 * b * 80000 / 48000, 1e-12);
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);
}

/*
 * Grid 10 MW; 2000 T100 (200 PH/s, 4 MW, 20 J/TH) and 1600 T50 (80 PH/s,
 * 4 MW, 50 J/TH): 8 MW drawn, 2 MW spare. Converting 4 MW takes the 2 MW
 * spare first, then 2 MW of the least efficient line, T50: half of it.
 * Left mining: 200 + 40 = 240 PH/s against 280. Power 2 cents: T50 costs
 * 50 kW x 24 x 0.02 = 24 USD per PH/s-day against ~40 earned, so every
 * line runs. The hall: grid 4 MW at PUE 1.25 = 3.2 MW of IT at 100 USD per
 * kW-month, fully leased from month 0 (no build): 320,000 USD a month,
 * 3.84 M USD in the year; capex 1 M USD per IT MW = 3.2 M USD in month 0.
 */
static const char two_lines[] = HEAD FLAT_MARKET
	"\"treasury\": {\"btc\": 50, \"cash_usd\": 10000000, \"sell_production_pct\": 100}, "
	"\"pivot\": {\"strategies\": [{\"name\": \"keep mining\"}, "
	"{\"name\": \"colo\", \"conversions\": [{\"type\": \"colocation\", \"site\": \"A\", "
	"\"grid_mw\": 4, \"pue\": 1.25, \"capex_usd_per_mw\": 1000000, \"build_months\": 0, "
	"\"rate_usd_per_kw_month\": 100}]}]}, "
	"\"sites\": [{\"name\": \"A\", \"grid_mw\": 10, \"power_price_usd_per_kwh\": 0.02, "
	"\"fleet\": [{\"machine\": \"T100\", \"count\": 2000}, "
	"{\"machine\": \"T50\", \"count\": 1600}]}]}";

static void test_conversion_removes_least_efficient(void **state)
{
	struct hp_scenario s;
	struct hp_pivot_result r;
	double b = btc_per_ph_day();

	(void)state;
	parse(two_lines, &s);
	run(&s, 2, 1, &r);
	assert_int_equal(r.nstrategies, 2);
	assert_int_equal(r.baseline, 0);
	assert_double_rel(r.strategies[0].mining_btc, 280 * b * 365, 1e-12);
	assert_double_rel(r.strategies[1].mining_btc, 240 * b * 365, 1e-12);
	assert_double_rel(r.strategies[1].hosting_revenue_usd, 3.84e6, 1e-12);
	assert_double_rel(r.strategies[1].capex_usd, 3.2e6, 1e-12);
	/* sell all production (cause policy): sold = mined; holdings stay 50 */
	assert_double_rel(r.strategies[0].btc_sold_by_cause[HP_SALE_POLICY], 280 * b * 365,
			  1e-12);
	assert_double_rel(r.strategies[1].btc_sold.mean, 240 * b * 365, 1e-12);
	assert_double_rel(r.strategies[1].end_btc.p50, 50, 1e-12);
	/* the incremental stream: -3.2e6 + 320,000 a month less the margin of
	 * 40 PH/s of T50 (revenue 80,000 x 40 b, power 2,000 kW x 24 x 0.02 =
	 * 960 USD a day) - its IRR is unique and its NPV is that of the stream */
	{
		double cf[13], rate = pow(1.1, 1.0 / 12) - 1;
		int m;
		cf[0] = 0;
		for (m = 0; m < 12; m++)
			cf[m + 1] = 320000 - month_days[m] * (80000 * 40 * b - 960) -
				    (m == 0 ? 3.2e6 : 0);
		assert_double_rel(r.strategies[1].npv_vs_mining_usd.mean,
				  hp_finance_npv(cf, 13, rate), 1e-9);
		assert_int_equal(r.strategies[1].irr.kind, HP_IRR_UNIQUE);
		assert_double_abs(hp_finance_npv(cf, 13, r.strategies[1].irr.rate), 0, 1e-3);
	}
	/* hosting per kWh: 100 USD/kW-month over a month of 730.485 h at the
	 * meter (load 100 %, PUE 1.25) = 100 / (730.485 x 1.25) USD/kWh */
	assert_double_rel(r.strategies[1].hosting_revenue_usd_per_kwh, 100 / (730.485 * 1.25), 1e-9);
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);
}

/*
 * The option to wait on a constant price: nothing is learned by waiting,
 * so the rule converts at month 0 on every path when converting pays more
 * than the mining it displaces, and never when it does not.
 */
static void test_wait_constant_price(void **state)
{
	static const char fmt[] = HEAD FLAT_MARKET
		"\"pivot\": {\"strategies\": [{\"name\": \"keep mining\"}, "
		"{\"name\": \"wait\", \"conversions\": [{\"type\": \"colocation\", \"site\": \"A\", "
		"\"grid_mw\": 4, \"pue\": 1.25, \"capex_usd_per_mw\": 1000000, \"build_months\": 0, "
		"\"rate_usd_per_kw_month\": %g}], \"wait\": {\"until_month\": 9}}]}, "
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 10, \"power_price_usd_per_kwh\": 0.02, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 2000}, "
		"{\"machine\": \"T50\", \"count\": 1600}]}]}";
	char text[2048];
	struct hp_scenario s;
	struct hp_pivot_result r;

	(void)state;
	snprintf(text, sizeof(text), fmt, 150.0);
	parse(text, &s);
	run(&s, 40, 2, &r);
	assert_double_abs(r.strategies[1].convert_share, 1, 0);
	assert_double_abs(r.strategies[1].convert_month.p95, 0, 0);
	assert_true(r.strategies[1].wait_value_usd >= r.strategies[1].wait_never_value_usd);
	assert_int_equal(r.strategies[1].nrule, 4); /* months 0, 3, 6, 9 */
	assert_double_abs(r.strategies[1].rule[0].convert_share, 1, 0);
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);

	snprintf(text, sizeof(text), fmt, 0.0);
	parse(text, &s);
	run(&s, 40, 2, &r);
	assert_double_abs(r.strategies[1].convert_share, 0, 0);
	/* never converting: the same flows as keeping mining */
	assert_double_rel(r.strategies[1].npv_usd.mean, r.strategies[0].npv_usd.mean, 1e-12);
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);
}

/*
 * A random scenario (GBM 70 %, a tenant that may default, a wait strategy,
 * a BTC-backed loan, DeFi losses) run with 1, 2 and 3 threads on 150 paths
 * (not a multiple of the 64-path chunks): every figure is the same double.
 */
static void test_threads_do_not_matter(void **state)
{
	static const char text[] = HEAD
		"\"market\": {\"horizon_months\": 36, \"price\": {\"model\": \"gbm\", "
		"\"drift_pct_per_year\": 5, \"volatility_pct_per_year\": 70}, "
		"\"difficulty\": {\"growth_pct_per_epoch\": 1}}, "
		"\"treasury\": {\"btc\": 400, \"cash_usd\": 1000000, "
		"\"defi\": {\"allocation_pct\": 20, \"apy_pct\": 4, "
		"\"loss_probability_pct_per_year\": 30, \"loss_severity_pct\": 50}, "
		"\"loan\": {\"principal_usd\": 5000000, \"rate_pct_per_year\": 8, \"ltv_pct\": 40, "
		"\"margin_call_ltv_pct\": 60, \"liquidation_ltv_pct\": 75}}, "
		"\"pivot\": {\"strategies\": [{\"name\": \"keep mining\"}, "
		"{\"name\": \"colo\", \"conversions\": [{\"type\": \"colocation\", \"site\": \"A\", "
		"\"grid_mw\": 4, \"capex_usd_per_mw\": 2000000, \"build_months\": 3, "
		"\"rate_usd_per_kw_month\": 120, \"default_probability_pct_per_year\": 20, "
		"\"relet_months\": 4}]}, "
		"{\"name\": \"wait\", \"conversions\": [{\"type\": \"colocation\", \"site\": \"A\", "
		"\"grid_mw\": 4, \"capex_usd_per_mw\": 2000000, \"build_months\": 3, "
		"\"rate_usd_per_kw_month\": 120}], \"wait\": {\"every_months\": 2, "
		"\"until_month\": 20}}]}, "
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 10, \"power_price_usd_per_kwh\": 0.04, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 2000}, "
		"{\"machine\": \"T50\", \"count\": 1600}]}]}";
	struct hp_scenario s;
	struct hp_pivot_result r[3];
	size_t t, i;

	(void)state;
	parse(text, &s);
	for (t = 0; t < 3; t++)
		run(&s, 150, (unsigned)t + 1, &r[t]);
	for (t = 1; t < 3; t++)
		for (i = 0; i < r[0].nstrategies; i++) {
			const struct hp_pivot_strategy *a = &r[0].strategies[i], *b = &r[t].strategies[i];
			assert_memory_equal(&a->npv_usd, &b->npv_usd, sizeof(a->npv_usd));
			assert_memory_equal(&a->npv_vs_mining_usd, &b->npv_vs_mining_usd,
					    sizeof(a->npv_vs_mining_usd));
			assert_memory_equal(&a->btc_sold, &b->btc_sold, sizeof(a->btc_sold));
			assert_memory_equal(a->btc_sold_by_cause, b->btc_sold_by_cause,
					    sizeof(a->btc_sold_by_cause));
			assert_memory_equal(&a->end_net_usd, &b->end_net_usd, sizeof(a->end_net_usd));
			assert_memory_equal(&a->irr, &b->irr, sizeof(a->irr));
			assert_true(a->p_margin_call == b->p_margin_call);
			assert_true(a->p_liquidation == b->p_liquidation);
			assert_true(a->convert_share == b->convert_share);
			assert_true(a->wait_value_usd == b->wait_value_usd ||
				    (isnan(a->wait_value_usd) && isnan(b->wait_value_usd)));
		}
	/* the loan is exercised on some paths at 70 % volatility */
	assert_true(r[0].strategies[0].p_margin_call > 0);
	for (t = 0; t < 3; t++)
		hp_pivot_result_release(&r[t]);
	hp_scenario_release(&s);
}

/*
 * The difficulty read day by day from a file (tests/data/pivot/
 * difficulty-flat.csv: 400 days from 2026-01-01 at the difficulty of
 * 170240c3, printed with 17 digits) gives the same BTC as the flat path.
 */
static void test_difficulty_file(void **state)
{
	static const char with_file[] = HEAD
		"\"market\": {\"horizon_months\": 12, \"price\": {\"model\": \"gbm\", "
		"\"volatility_pct_per_year\": 0}, "
		"\"difficulty\": {\"file\": \"tests/data/pivot/difficulty-flat.csv\"}}, "
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 1000}]}]}";
	struct hp_scenario s;
	struct hp_pivot_result r;

	(void)state;
	parse(with_file, &s);
	run(&s, 2, 1, &r);
	assert_double_rel(r.strategies[0].mining_btc, 100 * btc_per_ph_day() * 365, 1e-12);
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);
}

/*
 * A month calendar from 2026-01-31: 13 months end on 2027-02-28 (the day
 * of month clamped). A price file must cover day 0 to that day: one that
 * does runs; one a day short is refused before the run, naming the dates.
 */
static void test_file_path_covers_the_clamped_horizon(void **state)
{
	static const char fmt[] = "{\"as_of\": \"2026-01-31\", "
		"\"network\": {\"bits\": \"170240c3\", \"height\": 953568, "
		"\"fees_btc_per_block\": 0, \"price_usd\": 80000}, "
		"\"market\": {\"horizon_months\": 13, \"price\": {\"model\": \"file\", "
		"\"file\": \"tests/data/pivot/%s.csv\"}}, "
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 1000}]}]}";
	char text[1024];
	struct hp_scenario s;
	struct hp_pivot_result r;
	struct hp_error err = {0};

	(void)state;
	snprintf(text, sizeof(text), fmt, "path-jan31");
	parse(text, &s);
	run(&s, 1, 1, &r);
	assert_int_equal(r.month_start_day[13] - r.month_start_day[0], 393);
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);

	snprintf(text, sizeof(text), fmt, "path-jan31-short");
	assert_int_equal(hp_scenario_parse(text, strlen(text), NULL, &catalog, &s, &err), HP_EINVAL);
	assert_string_equal(err.message, "market.price.file: covers 2026-01-31 to 2027-02-27, "
					 "the horizon needs 2026-01-31 to 2027-02-28");
}

static void test_bad_config(void **state)
{
	static const char text[] = HEAD FLAT_MARKET
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 1000}]}]}";
	struct hp_scenario s;
	struct hp_pivot_result r;
	struct hp_pivot_config cfg = {.seed = 1, .paths = 0, .threads = 1};
	struct hp_error err = {0};

	(void)state;
	parse(text, &s);
	assert_int_equal(hp_pivot_run(&s, &cfg, &r, &err), HP_EINVAL);
	assert_string_equal(err.message, "--paths: must be in 1..1000000, got 0");
	cfg.paths = 10;
	cfg.threads = 0;
	assert_int_equal(hp_pivot_run(&s, &cfg, &r, &err), HP_EINVAL);
	assert_string_equal(err.message, "--threads: must be in 1..256, got 0");
	/* without a pivot section: one strategy, keep mining */
	cfg.threads = 1;
	assert_int_equal(hp_pivot_run(&s, &cfg, &r, &err), HP_OK);
	assert_int_equal(r.nstrategies, 1);
	assert_string_equal(r.strategies[0].strategy->name, "keep mining");
	hp_pivot_result_release(&r);
	hp_scenario_release(&s);
}

struct cancel_probe {
	atomic_int flag;
	int calls;
	size_t last_done;
};

/* Ask to stop at the first progress report. */
static void cancel_on_progress(void *ctx, size_t done, size_t total)
{
	struct cancel_probe *c = ctx;

	(void)total;
	c->calls++;
	c->last_done = done;
	atomic_store(&c->flag, 1);
}

/*
 * cancel: set before the run, no path runs (no progress report) and the
 * run is HP_ECANCELED with nothing kept; set from the first progress
 * report (one thread, 6,400 paths = 100 chunks of 64, a report each 1 %,
 * i.e. after every chunk), the run stops before the next chunk; a cancel
 * pointer that stays 0 changes nothing.
 */
static void test_cancel(void **state)
{
	static const char text[] = HEAD FLAT_MARKET
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 1000}]}]}";
	struct hp_scenario s;
	struct hp_pivot_result r, plain;
	struct cancel_probe c = {0};
	struct hp_pivot_config cfg = {.seed = 3, .paths = 6400, .threads = 1,
				      .progress = cancel_on_progress, .progress_ctx = &c,
				      .cancel = &c.flag};
	struct hp_error err = {0};

	(void)state;
	parse(text, &s);
	c.flag = 1;
	assert_int_equal(hp_pivot_run(&s, &cfg, &r, &err), HP_ECANCELED);
	assert_string_equal(err.message, "canceled");
	assert_int_equal(c.calls, 0);
	assert_int_equal(r.nstrategies, 0);
	assert_null(r.strategies);

	c.flag = 0;
	assert_int_equal(hp_pivot_run(&s, &cfg, &r, &err), HP_ECANCELED);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last_done, 64);
	assert_null(r.strategies);

	cfg.progress = NULL;
	c.flag = 0;
	assert_int_equal(hp_pivot_run(&s, &cfg, &r, &err), HP_OK);
	cfg.cancel = NULL;
	assert_int_equal(hp_pivot_run(&s, &cfg, &plain, &err), HP_OK);
	assert_memory_equal(&r.strategies[0].npv_usd, &plain.strategies[0].npv_usd,
			    sizeof(plain.strategies[0].npv_usd));
	hp_pivot_result_release(&r);
	hp_pivot_result_release(&plain);
	hp_scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_mining),
		cmocka_unit_test(test_conversion_removes_least_efficient),
		cmocka_unit_test(test_wait_constant_price),
		cmocka_unit_test(test_threads_do_not_matter),
		cmocka_unit_test(test_difficulty_file),
		cmocka_unit_test(test_file_path_covers_the_clamped_horizon),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_cancel),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
