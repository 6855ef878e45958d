/*
 * test_fleet.c - fleet and company economics against hand computations.
 *
 * Expected values were computed with Python's fractions.Fraction. Network:
 * bits 170240c3 (W = 536590761418915805470629), height 953,568 (3.125 BTC),
 * fees 0.025 BTC, 80,000 USD, pool fee 2 %:
 *   b = 1e12 * 86400 * 3.15 * 0.98 / W BTC per TH/s-day.
 * Machine "T100": 100 TH/s, 2000 W (20 J/TH).
 */
#include <math.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/fleet.h"
#include "hashpivot/machines.h"
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

#define NETWORK                                                                        \
	"\"network\": {\"bits\": \"170240c3\", \"height\": 953568, "                   \
	"\"fees_btc_per_block\": 0.025, \"price_usd\": 80000}, "

/*
 * One flat site: 1000 T100 at 90 % availability, PUE 1.1, 5 cents + 1 cent
 * hosting per kWh; every yearly cost is a round number of USD a day
 * (365.2425 days a year): site opex 1000, SG&A 2000, interest 1000, SBC
 * 1000, other depreciation 1000; machines 3000 USD each over 36 months:
 *   BTC a day     b * 1000 * 100 * 0.9            = 0.04473523162516714
 *   energy        1000 * 2 kW * 1.1 * 0.9 * 24 h   = 47.52 MWh
 *   power 47.52 * 50 = 2376, hosting 47.52 * 10 = 475.2 USD
 *   depreciation  3e6 / (36 * 30.436875)          = 2737.9070069885074 USD
 *   marginal 2851.2, cash 6851.2, all-in 12589.107... USD a day, per BTC:
 *   63735.00027651521, 153149.98382942658, 259059.95310570177
 *   break-even hashprice (cash) = 6851.2 / 90 PH/s = 76.12444444444445
 */
static const char flat[] = "{\"name\": \"flat\", " NETWORK
	"\"company\": {\"pool_fee_pct\": 2, \"sga_usd_per_year\": 730485, "
	"\"interest_usd_per_year\": 365242.5, \"sbc_usd_per_year\": 365242.5, "
	"\"other_depreciation_usd_per_year\": 365242.5}, "
	"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
	"\"pue\": 1.1, \"hosting_usd_per_kwh\": 0.01, \"opex_usd_per_year\": 365242.5, "
	"\"fleet\": [{\"machine\": \"T100\", \"count\": 1000, \"uptime_pct\": 90, "
	"\"unit_cost_usd\": 3000, \"depreciation_months\": 36}]}]}";

static void test_flat_site(void **state)
{
	struct hp_scenario s;
	struct hp_fleet_result r;

	(void)state;
	parse(flat, &s);
	assert_int_equal(hp_fleet_run(&s, &r, NULL), HP_OK);
	const struct hp_fleet_totals *t = &r.total;
	assert_double_rel(t->btc_day, 0.04473523162516714, 1e-14);
	assert_double_rel(t->revenue_usd_day, 3578.8185300133714, 1e-14);
	assert_double_rel(t->hashrate_ths, 90000, 1e-15);
	assert_double_rel(t->energy_mwh_day, 47.52, 1e-14);
	assert_double_rel(t->power_mw, 1.98, 1e-14);
	assert_double_rel(t->capacity_mw, 2.2, 1e-14);
	assert_double_rel(t->power_cost_usd_day, 2376, 1e-14);
	assert_double_rel(t->hosting_usd_day, 475.2, 1e-14);
	assert_double_rel(t->opex_usd_day, 3000, 1e-14); /* site 1000 + SG&A 2000 */
	assert_double_rel(t->depreciation_usd_day, 2737.9070069885074 + 1000, 1e-14);
	assert_double_rel(t->avg_power_price_usd_per_mwh, 50, 1e-14);
	assert_double_rel(r.interest_usd_day, 1000, 1e-14);
	assert_double_rel(r.sbc_usd_day, 1000, 1e-14);
	assert_double_rel(r.cost_usd_day[HP_COST_MARGINAL], 2851.2, 1e-14);
	assert_double_rel(r.cost_usd_day[HP_COST_CASH], 6851.2, 1e-14);
	assert_double_rel(r.cost_per_btc_usd[HP_COST_MARGINAL], 63735.00027651521, 1e-13);
	assert_double_rel(r.cost_per_btc_usd[HP_COST_CASH], 153149.98382942658, 1e-13);
	assert_double_rel(r.cost_per_btc_usd[HP_COST_ALL_IN], 259059.95310570177, 1e-13);
	/* no curtailment: the break-even price is the cost per BTC */
	for (int k = 0; k < HP_COST_NBASES; k++)
		assert_double_rel(r.breakeven_price_usd[k], r.cost_per_btc_usd[k], 0);
	assert_double_rel(r.breakeven_hashprice_usd_per_ph_day[HP_COST_CASH], 76.12444444444445,
			  1e-13);
	assert_double_rel(r.net_usd_day, 3578.8185300133714 - r.cost_usd_day[HP_COST_ALL_IN],
			  1e-13);
	assert_string_equal(hp_fleet_basis_name(HP_COST_ALL_IN), "all_in");
	hp_fleet_result_release(&r);
	hp_scenario_release(&s);
}

/*
 * Uptime and pool fee are applied once: at 45 % availability the BTC, the
 * energy and the power bill are exactly half of 90 %'s; at a 51 % pool fee
 * (0.49 / 0.98 = 1/2 of the BTC) the BTC halves and the power bill does not.
 */
static void test_uptime_and_pool_fee_once(void **state)
{
	struct hp_scenario s;
	struct hp_fleet_result a, h, p;
	char buf[sizeof(flat) + 16];
	char *at;

	(void)state;
	parse(flat, &s);
	assert_int_equal(hp_fleet_run(&s, &a, NULL), HP_OK);
	hp_scenario_release(&s);

	memcpy(buf, flat, sizeof(flat));
	at = strstr(buf, "\"uptime_pct\": 90");
	memcpy(at, "\"uptime_pct\": 45", 16);
	parse(buf, &s);
	assert_int_equal(hp_fleet_run(&s, &h, NULL), HP_OK);
	hp_scenario_release(&s);
	assert_double_rel(h.total.btc_day, a.total.btc_day / 2, 1e-15);
	assert_double_rel(h.total.power_cost_usd_day, a.total.power_cost_usd_day / 2, 1e-15);
	assert_double_rel(h.cost_per_btc_usd[HP_COST_MARGINAL],
			  a.cost_per_btc_usd[HP_COST_MARGINAL], 1e-15);

	memcpy(buf, flat, sizeof(flat));
	at = strstr(buf, "\"pool_fee_pct\": 2,");
	memcpy(at, "\"pool_fee_pct\":51,", 18);
	parse(buf, &s);
	assert_int_equal(hp_fleet_run(&s, &p, NULL), HP_OK);
	hp_scenario_release(&s);
	assert_double_rel(p.total.btc_day, a.total.btc_day / 2, 1e-15);
	assert_double_rel(p.total.power_cost_usd_day, a.total.power_cost_usd_day, 0);
	hp_fleet_result_release(&a);
	hp_fleet_result_release(&h);
	hp_fleet_result_release(&p);
}

/*
 * Depreciation follows the dates: at as_of 2026-05-02 a line in service
 * since 2022-01-01 (past its 36 months) costs nothing, a line in service
 * from 2026-06-01 is not yet running at all.
 */
static void test_depreciation_dates(void **state)
{
	static const char text[] = "{\"as_of\": \"2026-05-02\", " NETWORK
		"\"sites\": [{\"name\": \"A\", \"grid_mw\": 3, \"power_price_usd_per_kwh\": 0.05, "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 10, \"unit_cost_usd\": 3000, "
		"\"in_service\": \"2022-01-01\"}, {\"machine\": \"T100\", \"count\": 10, "
		"\"unit_cost_usd\": 3000, \"in_service\": \"2025-05-02\"}, {\"machine\": \"T100\", "
		"\"count\": 10, \"unit_cost_usd\": 3000, \"in_service\": \"2026-06-01\"}]}]}";
	struct hp_scenario s;
	struct hp_fleet_result r;

	(void)state;
	parse(text, &s);
	assert_int_equal(hp_fleet_run(&s, &r, NULL), HP_OK);
	const struct hp_fleet_line *l = r.sites[0].lines;
	assert_true(l[0].in_service);
	assert_double_rel(l[0].depreciation_usd_day, 0, 0);
	assert_double_rel(l[1].depreciation_usd_day, 30000 / (36 * 30.436875), 1e-15);
	assert_false(l[2].in_service);
	assert_double_rel(l[2].btc_day, 0, 0);
	assert_double_rel(r.total.btc_day, 2 * l[0].btc_day, 1e-15);
	hp_fleet_result_release(&r);
	hp_scenario_release(&s);
}

/*
 * A curtailing site over tests/data/power/day.csv (24 known prices): 10 T100
 * at PUE 1 draw L = 0.02 MW and earn r = P * b * 1000 / 24 USD an hour.
 * At 80,000 USD, r / L = 82.84 USD/MWh: the 11 hours priced below it run
 * (42.5 38.25 35 33.75 36.5 45 62.25 80 -12.5 -3.25 55.5, sum 413), power
 * 0.02 * 413 = 8.26 USD. With 10 USD a day of interest (cash), the cash
 * break-even price solves sum over hours of max(0, r - L p) = 10:
 * 80151.59125682974 USD (11 hours run there too). The marginal break-even
 * price is 0: curtailing, the site never pays more than it earns, and the
 * two negative hours pay it to run.
 */
static void test_curtailed_site(void **state)
{
	static const char text[] = "{" NETWORK
		"\"company\": {\"pool_fee_pct\": 2, \"interest_usd_per_year\": 3652.425}, "
		"\"sites\": [{\"name\": \"ERCOT\", \"grid_mw\": 1, "
		"\"power_price_file\": \"tests/data/power/day.csv\", "
		"\"fleet\": [{\"machine\": \"T100\", \"count\": 10}]}]}";
	struct hp_scenario s;
	struct hp_fleet_result r;

	(void)state;
	parse(text, &s);
	assert_int_equal(hp_fleet_run(&s, &r, NULL), HP_OK);
	const struct hp_fleet_line *l = &r.sites[0].lines[0];
	assert_double_rel(l->uptime_pct, 100.0 * 11 / 24, 1e-15);
	assert_double_rel(l->power_cost_usd_day, 8.26, 1e-13);
	assert_double_rel(l->btc_day, 0.00022781830920224009, 1e-14);
	assert_double_rel(l->revenue_usd_day, 18.225464736179205, 1e-13);
	assert_double_rel(r.total.avg_power_price_usd_per_mwh, 413.0 / 11, 1e-13);
	assert_double_rel(r.breakeven_price_usd[HP_COST_CASH], 80151.59125682974, 1e-10);
	assert_double_rel(r.breakeven_price_usd[HP_COST_MARGINAL], 0, 0);
	assert_true(r.total.curtail_gain_usd_day > 0);
	hp_fleet_result_release(&r);
	hp_scenario_release(&s);
}

/* Every allocation of a run can fail: HP_ENOMEM, nothing leaked. */
static void test_allocation_failures(void **state)
{
	struct hp_scenario s;
	struct hp_fleet_result r;
	struct hp_error err;
	enum hp_status st;
	int n = 0;

	(void)state;
	parse(flat, &s);
	do {
		hp_alloc_fail_after(n++);
		st = hp_fleet_run(&s, &r, &err);
		hp_alloc_fail_after(-1);
		if (st == HP_OK)
			break;
		assert_int_equal(st, HP_ENOMEM);
	} while (n < 1000);
	assert_int_equal(st, HP_OK);
	assert_true(n > 1);
	hp_fleet_result_release(&r);
	hp_scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_site),
		cmocka_unit_test(test_uptime_and_pool_fee_once),
		cmocka_unit_test(test_depreciation_dates),
		cmocka_unit_test(test_curtailed_site),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
