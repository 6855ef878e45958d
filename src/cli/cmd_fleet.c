/*
 * cmd_fleet.c - `hashpivot fleet --scenario FILE`: a company's sites and
 * fleets at one network state, its costs per BTC in three labelled bases
 * and its break-even hashprice and BTC price (hp_fleet_run).
 */
#include <stdio.h>

#include "cli.h"
#include "report.h"
#include "hashpivot/alloc.h"
#include "hashpivot/fleet.h"
#include "hashpivot/machines.h"
#include "hashpivot/parse.h"
#include "hashpivot/scenario.h"

enum { OPT_SCENARIO = CLI_OPT_FIRST_FREE, OPT_PRICE };

static void set_totals(json_t *o, const struct hp_fleet_totals *t)
{
	cli_set_real(o, "hashrate_phs", t->hashrate_ths / 1000);
	cli_set_real(o, "power_mw", t->power_mw);
	cli_set_real(o, "capacity_mw", t->capacity_mw);
	cli_set_real(o, "btc_day", t->btc_day);
	cli_set_real(o, "revenue_usd_day", t->revenue_usd_day);
	cli_set_real(o, "power_cost_usd_day", t->power_cost_usd_day);
	cli_set_real(o, "hosting_usd_day", t->hosting_usd_day);
	cli_set_real(o, "dr_credit_usd_day", t->dr_credit_usd_day);
	cli_set_real(o, "opex_usd_day", t->opex_usd_day);
	cli_set_real(o, "depreciation_usd_day", t->depreciation_usd_day);
	cli_set_real(o, "cash_margin_usd_day", t->cash_margin_usd_day);
	cli_set_real(o, "avg_power_price_usd_per_mwh", t->avg_power_price_usd_per_mwh);
	cli_set_real(o, "curtail_gain_usd_day", t->curtail_gain_usd_day);
}

int cmd_fleet(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, OPT_SCENARIO},
		{"price-usd", required_argument, NULL, OPT_PRICE},
		CLI_DB_OPTION,
		CLI_REPORT_OPTION,
		CLI_CATALOG_OPTIONS,
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_catalog cat = {0};
	struct hp_scenario sc = {0};
	struct hp_fleet_result r = {0};
	struct hp_error err = {0};
	struct cli_catalog_opts co = {0};
	struct cli_db_opt dbo = {0};
	struct cli_net net = {0};
	const char *path = NULL, *report = NULL, *price = NULL;
	static const char *const data[] = { "machines.csv", NULL };
	int c, rc = 2;
	char key[96];

	if (!cli_catalog_opts_init(&co, argc)) {
		hp_error_set(&err, HP_ENOMEM, "fleet", "out of memory");
		goto fail;
	}
	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT) {
			rc = ctx->exit_code;
			goto out;
		}
		if (c == OPT_SCENARIO)
			path = ctx->arg;
		else if (c == CLI_OPT_REPORT)
			report = ctx->arg;
		else if (c == OPT_PRICE)
			price = ctx->arg;
		else if (!cli_db_option(&dbo, c, ctx->arg))
			cli_catalog_option(&co, c, ctx->arg);
	}
	if (ctx->ind < argc) {
		rc = cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
		goto out;
	}
	if (!path && !ctx->scenario_text) {
		rc = cli_usage_error(ctx, "--scenario: missing; see 'hashpivot fleet --help'");
		goto out;
	}
	if (report && !cli_report_check(ctx, report, &err))
		goto fail;
	if ((rc = cli_catalog_load(ctx, &cat, &co)))
		goto out;
	if (cli_scenario_load(ctx, path, &cat, &sc, &err))
		goto fail;
	/* --db: the network at the database's tip replaces the scenario's; the
	 * price is --price-usd, else the database's close, else the scenario's */
	if (dbo.given) {
		if ((rc = cli_net_from_db(ctx, &net, dbo.path, price, sc.network.price_usd)))
			goto out;
		sc.network.has_bits = true;
		sc.network.bits = net.bits;
		sc.network.difficulty = net.difficulty;
		sc.network.height = net.height;
		sc.network.fees_btc_per_block = net.in.fees_btc_per_block;
		sc.network.price_usd = net.in.price_usd;
	} else if (price) {
		if (hp_parse_double(price, 0, 1e12, &sc.network.price_usd, "--price-usd", &err))
			goto fail;
	}
	if (hp_fleet_run(&sc, &r, &err))
		goto fail;

	json_t *o = json_object();
	cli_set_str(o, "scenario", sc.name);
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "cost_per_btc_%s_usd", hp_fleet_basis_name(k));
		cli_set_real_or_null(o, key, r.cost_per_btc_usd[k]);
	}
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "breakeven_price_%s_usd", hp_fleet_basis_name(k));
		cli_set_real_or_null(o, key, r.breakeven_price_usd[k]);
	}
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "breakeven_hashprice_%s_usd_per_ph_day",
			 hp_fleet_basis_name(k));
		cli_set_real_or_null(o, key, r.breakeven_hashprice_usd_per_ph_day[k]);
	}
	set_totals(o, &r.total);
	cli_set_real(o, "sga_usd_day", r.sga_usd_day);
	cli_set_real(o, "interest_usd_day", r.interest_usd_day);
	cli_set_real(o, "sbc_usd_day", r.sbc_usd_day);
	cli_set_real(o, "other_depreciation_usd_day", r.other_depreciation_usd_day);
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "cost_%s_usd_day", hp_fleet_basis_name(k));
		cli_set_real(o, key, r.cost_usd_day[k]);
	}
	cli_set_real(o, "net_usd_day", r.net_usd_day);
	cli_set_real(o, "btc_per_ph_day", r.btc_per_ph_day);
	cli_set_real(o, "usd_per_ph_day", r.usd_per_ph_day);
	cli_set_real(o, "difficulty", sc.network.difficulty);
	if (sc.network.has_bits)
		cli_set_bits(o, "bits", sc.network.bits);
	cli_set_int(o, "height", sc.network.height);
	cli_set_real(o, "fees_btc", sc.network.fees_btc_per_block);
	cli_set_real(o, "price_usd", sc.network.price_usd);
	cli_set_real(o, "pool_fee_pct", sc.company.pool_fee_pct);
	if (net.from_db) {
		cli_set_str(o, "db", net.db_path);
		cli_set_int(o, "fees_blocks", net.fees_blocks);
		cli_set_str(o, "price_source", net.price_source);
		if (net.price_day[0])
			cli_set_str(o, "price_day", net.price_day);
	}

	json_t *sites = json_array(), *lines = json_array();
	for (size_t i = 0; i < r.nsites; i++) {
		const struct hp_fleet_site *fs = &r.sites[i];
		json_t *x = json_object();
		cli_set_str(x, "site", fs->site->name);
		set_totals(x, &fs->t);
		cli_set_bool(x, "curtailed", fs->site->power_price_file && fs->site->curtail);
		json_array_append_new(sites, x);
		for (size_t j = 0; j < fs->site->nfleet; j++) {
			const struct hp_fleet_line *l = &fs->lines[j];
			json_t *y = json_object();
			cli_set_str(y, "site", fs->site->name);
			cli_set_str(y, "machine", l->entry->machine.name);
			cli_set_int(y, "count", l->entry->count);
			cli_set_real(y, "uptime_pct", l->uptime_pct);
			cli_set_real(y, "hashrate_phs", l->hashrate_ths / 1000);
			cli_set_real(y, "power_mw", l->power_mw);
			cli_set_real(y, "btc_day", l->btc_day);
			cli_set_real(y, "revenue_usd_day", l->revenue_usd_day);
			cli_set_real(y, "power_cost_usd_day", l->power_cost_usd_day);
			cli_set_real(y, "depreciation_usd_day", l->depreciation_usd_day);
			cli_set_real_or_null(y, "shutdown_price_usd", l->shutdown_price_usd);
			cli_set_bool(y, "in_service", l->in_service);
			json_array_append_new(lines, y);
		}
	}
	json_object_set_new(o, "sites", sites);
	json_object_set_new(o, "lines", lines);
	if (report) {
		struct cli_report rp = { .path = report, .scenario = path, .data = data, .result = o };
		if (!cli_report_write(ctx, argc, argv, &rp, &err)) {
			json_decref(o);
			goto fail;
		}
	}
	rc = cli_emit(ctx, o);
	goto out;

fail:
	rc = cli_fail(ctx, &err);
out:
	hp_fleet_result_release(&r);
	hp_scenario_release(&sc);
	hp_catalog_release(&cat);
	cli_catalog_opts_release(&co);
	return rc;
}
