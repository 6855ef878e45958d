/*
 * cmd_breakeven.c - `hashpivot breakeven`: one machine's day, its shutdown
 * price and break-even power price, and the payback of buying it; with
 * --all the same for every catalog machine, ranked (the ladder miners read).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "hashpivot/alloc.h"
#include "hashpivot/machines.h"
#include "hashpivot/mining.h"
#include "hashpivot/parse.h"

enum {
	OPT_MACHINE = CLI_OPT_FIRST_FREE,
	OPT_ALL,
	OPT_POWER_PRICE,
	OPT_PUE,
	OPT_UPTIME,
	OPT_HOSTING_KWH,
	OPT_HOSTING_MONTH,
	OPT_MACHINE_PRICE,
	OPT_MONTHS,
	OPT_DIFF_GROWTH,
	OPT_PRICE_GROWTH,
	OPT_RUN_UNPROFITABLE,
	OPT_SORT
};

enum sort_key { SORT_SHUTDOWN, SORT_PROFIT, SORT_PAYBACK };

struct row {
	const struct hp_machine *m;
	struct hp_machine_econ e;
	bool has_payback;
	double machine_price_usd;
	struct hp_payback pb;
};

/* qsort's comparator reads it; per thread, for the server's threads. */
static _Thread_local enum sort_key sort_by;

/* Ascending shutdown price or payback, descending profit; ties by name. */
static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	double kx, ky;

	switch (sort_by) {
	case SORT_PROFIT:
		kx = -x->e.profit_usd_day;
		ky = -y->e.profit_usd_day;
		break;
	case SORT_PAYBACK:
		kx = x->has_payback && x->pb.paid_back ? x->pb.payback_days : INFINITY;
		ky = y->has_payback && y->pb.paid_back ? y->pb.payback_days : INFINITY;
		break;
	default:
		kx = x->e.shutdown_price_usd;
		ky = y->e.shutdown_price_usd;
	}
	if (kx < ky)
		return -1;
	if (kx > ky)
		return 1;
	return strcmp(x->m->name, y->m->name);
}

static void set_payback(json_t *o, const struct row *r, bool all)
{
	if (!r->has_payback) {
		if (all) {
			json_object_set_new(o, "machine_price_usd", json_null());
			json_object_set_new(o, "payback_months", json_null());
			json_object_set_new(o, "roi_pct", json_null());
		}
		return;
	}
	cli_set_real(o, "machine_price_usd", r->machine_price_usd);
	cli_set_real_or_null(o, "payback_months", r->pb.payback_months);
	cli_set_real(o, "roi_pct", r->pb.roi_pct);
	if (all)
		return;
	cli_set_bool(o, "paid_back", r->pb.paid_back);
	cli_set_real_or_null(o, "payback_days", r->pb.payback_days);
	cli_set_int(o, "horizon_days", r->pb.days);
	cli_set_real(o, "horizon_btc_mined", r->pb.btc_mined);
	cli_set_real(o, "horizon_revenue_usd", r->pb.revenue_usd);
	cli_set_real(o, "horizon_cost_usd", r->pb.cost_usd);
	cli_set_real(o, "horizon_profit_usd", r->pb.profit_usd);
	cli_set_int(o, "horizon_days_off", r->pb.days_off);
	cli_set_int(o, "horizon_halvings", r->pb.halvings);
	cli_set_real(o, "horizon_difficulty_factor", r->pb.end_difficulty_factor);
}

static void set_econ(json_t *o, const struct hp_machine_econ *e)
{
	cli_set_real_or_null(o, "shutdown_price_usd", e->shutdown_price_usd);
	cli_set_real(o, "breakeven_power_usd_per_kwh", e->breakeven_power_usd_per_kwh);
	cli_set_real(o, "profit_usd_day", e->profit_usd_day);
	cli_set_real(o, "revenue_usd_day", e->revenue_usd_day);
	cli_set_real(o, "power_cost_usd_day", e->power_cost_usd_day);
}

int cmd_breakeven(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"machine", required_argument, NULL, OPT_MACHINE},
		{"all", no_argument, NULL, OPT_ALL},
		CLI_REPORT_OPTION,
		CLI_CATALOG_OPTIONS,
		{"power-price-usd-per-kwh", required_argument, NULL, OPT_POWER_PRICE},
		{"pue", required_argument, NULL, OPT_PUE},
		{"uptime-pct", required_argument, NULL, OPT_UPTIME},
		{"hosting-usd-per-kwh", required_argument, NULL, OPT_HOSTING_KWH},
		{"hosting-usd-per-month", required_argument, NULL, OPT_HOSTING_MONTH},
		{"machine-price-usd", required_argument, NULL, OPT_MACHINE_PRICE},
		{"months", required_argument, NULL, OPT_MONTHS},
		{"difficulty-growth-pct-per-month", required_argument, NULL, OPT_DIFF_GROWTH},
		{"price-growth-pct-per-month", required_argument, NULL, OPT_PRICE_GROWTH},
		{"run-when-unprofitable", no_argument, NULL, OPT_RUN_UNPROFITABLE},
		{"sort", required_argument, NULL, OPT_SORT},
		CLI_NET_OPTIONS,
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct cli_net net = {0};
	struct hp_machine_ops ops = {.power_price_usd_per_kwh = 0.05, .pue = 1, .uptime_pct = 100};
	struct hp_payback_input pin = {.months = 36};
	struct hp_catalog cat = {0};
	struct hp_error err = {0};
	struct cli_catalog_opts co = {0};
	const char *machine = NULL, *machine_price = NULL, *report = NULL;
	size_t nrows = 0;
	struct row *rows = NULL;
	bool all = false;
	int c, rc = 2;

	sort_by = SORT_SHUTDOWN;
	if (!cli_catalog_opts_init(&co, argc))
		goto nomem;
	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		const char *a = ctx->arg;
		if (c == CLI_EXIT) {
			rc = ctx->exit_code;
			goto out;
		}
		if (cli_net_option(&net, c, a) || cli_catalog_option(&co, c, a))
			continue;
		switch (c) {
		case OPT_MACHINE:
			machine = a;
			break;
		case CLI_OPT_REPORT:
			report = ctx->arg;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_POWER_PRICE:
			if (hp_parse_double(a, 0, 1e3, &ops.power_price_usd_per_kwh,
					    "--power-price-usd-per-kwh", &err))
				goto fail;
			break;
		case OPT_PUE:
			if (hp_parse_double(a, 1, 3, &ops.pue, "--pue", &err))
				goto fail;
			break;
		case OPT_UPTIME:
			if (hp_parse_double(a, 0, 100, &ops.uptime_pct, "--uptime-pct", &err))
				goto fail;
			break;
		case OPT_HOSTING_KWH:
			if (hp_parse_double(a, 0, 1e3, &ops.hosting_usd_per_kwh,
					    "--hosting-usd-per-kwh", &err))
				goto fail;
			break;
		case OPT_HOSTING_MONTH:
			if (hp_parse_double(a, 0, 1e9, &ops.hosting_usd_per_month,
					    "--hosting-usd-per-month", &err))
				goto fail;
			break;
		case OPT_MACHINE_PRICE:
			machine_price = a;
			if (hp_parse_double(a, 0, 1e9, &pin.machine_price_usd, "--machine-price-usd",
					    &err))
				goto fail;
			break;
		case OPT_MONTHS:
			if (hp_parse_int64(a, 1, 600, &pin.months, "--months", &err))
				goto fail;
			break;
		case OPT_DIFF_GROWTH:
			if (hp_parse_double(a, -99.999, 1e3, &pin.difficulty_growth_pct_per_month,
					    "--difficulty-growth-pct-per-month", &err))
				goto fail;
			break;
		case OPT_PRICE_GROWTH:
			if (hp_parse_double(a, -99.999, 1e3, &pin.price_growth_pct_per_month,
					    "--price-growth-pct-per-month", &err))
				goto fail;
			break;
		case OPT_RUN_UNPROFITABLE:
			pin.run_when_unprofitable = true;
			break;
		case OPT_SORT:
			if (!strcmp(a, "shutdown"))
				sort_by = SORT_SHUTDOWN;
			else if (!strcmp(a, "profit"))
				sort_by = SORT_PROFIT;
			else if (!strcmp(a, "payback"))
				sort_by = SORT_PAYBACK;
			else {
				rc = cli_usage_error(ctx, "--sort: must be shutdown, profit or "
							  "payback, got '%.60s'", a);
				goto out;
			}
			break;
		}
	}
	if (ctx->ind < argc) {
		rc = cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
		goto out;
	}
	if (!!machine + all != 1) {
		rc = cli_usage_error(ctx, "give exactly one of --machine NAME or --all; "
					  "see 'hashpivot breakeven --help'");
		goto out;
	}
	if (ops.uptime_pct <= 0) {
		rc = cli_usage_error(ctx, "--uptime-pct: must be > 0, got '%g'", ops.uptime_pct);
		goto out;
	}
	if (machine_price && pin.machine_price_usd <= 0) {
		rc = cli_usage_error(ctx, "--machine-price-usd: must be > 0, got '%s'", machine_price);
		goto out;
	}
	if ((rc = cli_net_finish(ctx, &net)))
		goto out;
	if (report && !cli_report_check(ctx, report, &err))
		goto fail;
	if ((rc = cli_catalog_load(ctx, &cat, &co)))
		goto out;

	if (machine) {
		const struct hp_machine *m = hp_catalog_find(&cat, machine);
		if (!m) {
			rc = cli_usage_error(ctx, "--machine: unknown machine '%.80s'; see "
						  "'hashpivot machines'", machine);
			goto out;
		}
		rows = hp_calloc(1, sizeof(*rows));
		if (!rows)
			goto nomem;
		rows[0].m = m;
		nrows = 1;
	} else {
		rows = hp_calloc(cat.n ? cat.n : 1, sizeof(*rows));
		if (!rows)
			goto nomem;
		for (size_t i = 0; i < cat.n; i++)
			rows[nrows++].m = &cat.v[i];
	}
	for (size_t i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		if (hp_mining_machine(r->m, &net.hp, net.in.price_usd, &ops, &r->e, &err))
			goto fail;
		r->machine_price_usd = machine_price ? pin.machine_price_usd : r->m->price_usd;
		if (r->machine_price_usd > 0) {
			struct hp_payback_input p = pin;
			p.machine_price_usd = r->machine_price_usd;
			if (hp_mining_payback(r->m, &net.in, net.height, &ops, &p, &r->pb, &err))
				goto fail;
			r->has_payback = true;
		}
	}

	json_t *o = json_object();
	if (!all) {
		const struct row *r = &rows[0];
		const struct hp_machine_econ *e = &r->e;
		cli_set_str(o, "machine", r->m->name);
		set_econ(o, e);
		cli_set_real_or_null(o, "breakeven_price_usd", e->breakeven_price_usd);
		cli_set_real(o, "breakeven_hashprice_usd_per_ph_day",
			     e->breakeven_hashprice_usd_per_ph_day);
		cli_set_real(o, "hosting_usd_day", e->hosting_usd_day);
		cli_set_real_or_null(o, "margin_pct", e->margin_pct);
		cli_set_real(o, "btc_per_day", e->btc_per_day);
		cli_set_real_or_null(o, "cost_usd_per_btc", e->cost_usd_per_btc);
		cli_set_real(o, "energy_kwh_day", e->energy_kwh_day);
		cli_set_real(o, "revenue_usd_per_kwh", e->revenue_usd_per_kwh);
		cli_set_real(o, "hashrate_ths", r->m->hashrate_ths);
		cli_set_real(o, "power_w", r->m->power_w);
		cli_set_real(o, "efficiency_j_per_th", r->m->efficiency_j_per_th);
		set_payback(o, r, false);
	} else {
		qsort(rows, nrows, sizeof(*rows), row_cmp);
		json_t *list = json_array();
		for (size_t i = 0; i < nrows; i++) {
			const struct row *r = &rows[i];
			json_t *x = json_object();
			cli_set_int(x, "rank", (int64_t)i + 1);
			cli_set_str(x, "machine", r->m->name);
			cli_set_real(x, "efficiency_j_per_th", r->m->efficiency_j_per_th);
			cli_set_real(x, "hashrate_ths", r->m->hashrate_ths);
			set_econ(x, &r->e);
			set_payback(x, r, true);
			json_array_append_new(list, x);
		}
		cli_set_int(o, "count", (int64_t)nrows);
		json_object_set_new(o, "machines", list);
	}
	cli_set_real(o, "usd_per_ph_day", net.hp.usd_per_ph_day);
	cli_set_real(o, "power_price_usd_per_kwh", ops.power_price_usd_per_kwh);
	cli_set_real(o, "pue", ops.pue);
	cli_set_real(o, "uptime_pct", ops.uptime_pct);
	cli_set_real(o, "hosting_usd_per_kwh", ops.hosting_usd_per_kwh);
	cli_set_real(o, "hosting_usd_per_month", ops.hosting_usd_per_month);
	if (rows[0].has_payback || all) {
		cli_set_int(o, "months", pin.months);
		cli_set_real(o, "difficulty_growth_pct_per_month", pin.difficulty_growth_pct_per_month);
		cli_set_real(o, "price_growth_pct_per_month", pin.price_growth_pct_per_month);
		cli_set_bool(o, "switch_off_when_unprofitable", !pin.run_when_unprofitable);
	}
	cli_net_echo(o, &net);
	if (report) {
		static const char *const data[] = { "machines.csv", NULL };
		struct cli_report rp = { .path = report, .data = data, .result = o };
		if (!cli_report_write(ctx, argc, argv, &rp, &err)) {
			json_decref(o);
			goto fail;
		}
	}
	rc = cli_emit(ctx, o);
	goto out;

nomem:
	hp_error_set(&err, HP_ENOMEM, "breakeven", "out of memory");
fail:
	rc = cli_fail(ctx, &err);
out:
	hp_free(rows);
	hp_catalog_release(&cat);
	cli_catalog_opts_release(&co);
	return rc;
}
