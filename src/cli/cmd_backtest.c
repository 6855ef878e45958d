/*
 * cmd_backtest.c - `hashpivot backtest --scenario F --from DATE --to DATE`:
 * the scenario's fleet and treasury through real history (hp_backtest_run)
 * with the network's days from the shipped daily series or a chain
 * database, and the price from the database or the shipped closes.
 */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "report.h"
#include "hashpivot/alloc.h"
#include "hashpivot/backtest.h"
#include "hashpivot/calendar.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/epochs.h"
#include "hashpivot/machines.h"
#include "hashpivot/netdaily.h"
#include "hashpivot/parse.h"
#include "hashpivot/scenario.h"

enum { OPT_SCENARIO = CLI_OPT_FIRST_FREE, OPT_FROM, OPT_TO, OPT_CSV };

/* The longest run: the shipped series is 6,350 days; a database's 200 years. */
#define MAX_DAYS HP_DAILY_SERIES_MAX_DAYS
#define SECONDS_PER_DAY 86400

struct bt_opts {
	const char *scenario, *from, *to, *csv, *report;
	struct cli_db_opt db;
};

static const char *day_text(int64_t day, char buf[24])
{
	return hp_calendar_day_text(day, buf);
}

/* A --from/--to value: a UTC day. */
static enum hp_status parse_day(const char *s, const char *opt, int64_t *day, struct hp_error *err)
{
	int64_t t;
	enum hp_status st;

	if ((st = hp_parse_time(s, 0, INT64_C(253402300799), &t, opt, err)))
		return st;
	*day = t / SECONDS_PER_DAY;
	if (t % SECONDS_PER_DAY)
		return hp_error_set(err, HP_EINVAL, opt, "must be a day (YYYY-MM-DD), got '%.40s'", s);
	return HP_OK;
}

/* The bits of every shipped epoch, in order. */
static enum hp_status epoch_bits(const char *data_dir, uint32_t **bits, size_t *n,
				 struct hp_error *err)
{
	char path[4200];
	struct hp_epochs e = {0};
	enum hp_status st;

	snprintf(path, sizeof(path), "%s/btc_difficulty_epochs.csv", data_dir);
	if ((st = hp_epochs_load(path, &e, err)))
		return st;
	*bits = hp_malloc(e.n * sizeof(**bits));
	if (!*bits) {
		hp_epochs_release(&e);
		return hp_error_set(err, HP_ENOMEM, "backtest", "out of memory");
	}
	for (size_t k = 0; k < e.n; k++)
		(*bits)[k] = e.v[k].bits;
	*n = e.n;
	hp_epochs_release(&e);
	return HP_OK;
}

/*
 * The network's days from the shipped daily series: each day's blocks are
 * heights height_eod - blk_cnt + 1 .. height_eod, their work and subsidy
 * from the epochs' bits, their fees from the series.
 */
static enum hp_status shipped_days(const char *data_dir, int64_t from, int64_t to,
				   struct hp_backtest_day *days, struct hp_error *err)
{
	char path[4200], a[24], b[24];
	struct hp_netdaily nd = {0};
	uint32_t *bits = NULL;
	size_t nbits = 0;
	enum hp_status st;

	snprintf(path, sizeof(path), "%s/btc_daily_network.csv", data_dir);
	if ((st = hp_netdaily_load(path, &nd, err)) || (st = epoch_bits(data_dir, &bits, &nbits, err)))
		goto out;
	for (int64_t d = from; d <= to; d++) {
		const struct hp_netdaily_row *r = hp_netdaily_find(&nd, d);
		struct hp_backtest_day *x = &days[d - from];

		if (!r || isnan(r->fees_btc) || r->blocks < 1) {
			st = hp_error_set(err, HP_EINVAL, d == from ? "--from" : "--to",
					  "the shipped network series has %s for %s (it has fees "
					  "from %s to %s); sync a database and use --db",
					  !r ? "no row" : r->blocks < 1 ? "no blocks" : "no fees",
					  day_text(d, a), day_text(nd.v[0].day, b),
					  "2025-09-26");
			goto out;
		}
		x->day = d;
		x->height = r->height;
		x->blocks = r->blocks;
		x->fees_btc = r->fees_btc;
		if ((st = hp_backtest_blocks(bits, nbits, r->height - r->blocks + 1, r->blocks,
					     &x->work, &x->subsidy_btc, "--to", err)))
			goto out;
	}
out:
	hp_free(bits);
	hp_netdaily_release(&nd);
	return st;
}

/*
 * Each day's price: the database's close of that day when it has one,
 * else the shipped close (data/btc_usd_daily.csv). *from_db counts the
 * days the database gave.
 */
static enum hp_status fill_prices(const struct cli_ctx *ctx, struct cli_db *db,
				  struct hp_backtest_day *days, size_t n, size_t *from_db,
				  struct hp_error *err)
{
	char path[4200], a[24];
	struct hp_daily_series ps = {0};
	enum hp_status st;

	*from_db = 0;
	snprintf(path, sizeof(path), "%s/btc_usd_daily.csv", ctx->data_dir);
	if ((st = hp_daily_series_load(path, hp_daily_series_price_columns, &ps, err)))
		return st;
	for (size_t i = 0; i < n; i++) {
		int64_t k;
		bool found = false;

		if (db && (st = cli_db_price(db, days[i].day, &days[i].price_usd, &found, err)))
			goto out;
		if (found) {
			(*from_db)++;
			continue;
		}
		if ((k = hp_daily_series_index(&ps, days[i].day)) < 0) {
			st = hp_error_set(err, HP_EINVAL, i ? "--to" : "--from",
					  "no BTC price for %s (the shipped closes end %s); "
					  "import one with 'hashpivot prices import'",
					  day_text(days[i].day, a),
					  day_text(ps.first_day + (int64_t)ps.n - 1, (char[24]){0}));
			goto out;
		}
		days[i].price_usd = ps.value[k];
	}
out:
	hp_daily_series_release(&ps);
	return st;
}

static void set_treasury_month(json_t *o, const struct hp_treasury_month *m, const char *pre)
{
	char key[64];

	snprintf(key, sizeof(key), "%sbtc", pre);
	cli_set_real(o, key, m->total_btc);
	snprintf(key, sizeof(key), "%scash_usd", pre);
	cli_set_real(o, key, m->cash_usd);
	snprintf(key, sizeof(key), "%sdebt_usd", pre);
	cli_set_real(o, key, m->debt_usd);
	snprintf(key, sizeof(key), "%snet_usd", pre);
	cli_set_real(o, key, m->net_usd);
}

static json_t *day_json(const struct hp_backtest_point *p)
{
	json_t *x = json_object();
	char date[24], key[64];

	cli_set_str(x, "date", day_text(p->day, date));
	cli_set_int(x, "height", p->height);
	cli_set_int(x, "blocks", p->blocks);
	cli_set_real(x, "difficulty", p->difficulty);
	cli_set_real(x, "fees_btc_per_block", p->fees_btc_per_block);
	cli_set_real(x, "price_usd", p->price_usd);
	cli_set_real(x, "hashprice_usd_per_ph_day", p->hashprice_usd_per_ph_day);
	cli_set_real(x, "btc_mined", p->btc_mined);
	cli_set_real(x, "revenue_usd", p->revenue_usd);
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "cost_%s_usd", hp_fleet_basis_name(k));
		cli_set_real(x, key, p->cost_usd[k]);
	}
	set_treasury_month(x, &p->treasury, "treasury_");
	return x;
}

/* One row per calendar month: its totals and the treasury at its last day. */
static json_t *months_json(const struct hp_backtest_result *r)
{
	json_t *a = json_array(), *x = NULL;
	double btc = 0, rev = 0, cost[HP_COST_NBASES] = {0};
	char date[24], key[64];

	for (size_t i = 0; i < r->ndays; i++) {
		const struct hp_backtest_point *p = &r->days[i];
		int64_t y, y2;
		unsigned m, d, m2, d2;

		btc += p->btc_mined;
		rev += p->revenue_usd;
		for (int k = 0; k < HP_COST_NBASES; k++)
			cost[k] += p->cost_usd[k];
		hp_calendar_civil_from_days(p->day, &y, &m, &d);
		hp_calendar_civil_from_days(p->day + 1, &y2, &m2, &d2);
		if (m2 == m && i + 1 < r->ndays)
			continue;
		x = json_object();
		snprintf(date, sizeof(date), "%04lld-%02u", (long long)y, m);
		cli_set_str(x, "month", date);
		cli_set_real(x, "btc_mined", btc);
		cli_set_real(x, "revenue_usd", rev);
		for (int k = 0; k < HP_COST_NBASES; k++) {
			snprintf(key, sizeof(key), "cost_%s_usd", hp_fleet_basis_name(k));
			cli_set_real(x, key, cost[k]);
			cost[k] = 0;
		}
		cli_set_real(x, "price_usd", p->price_usd);
		set_treasury_month(x, &p->treasury, "treasury_");
		json_array_append_new(a, x);
		btc = rev = 0;
	}
	return a;
}

static json_t *result_json(const struct hp_scenario *sc, const struct hp_backtest_result *r,
			   const char *source, size_t price_days_db, bool days)
{
	const struct hp_treasury_result *t = &r->treasury;
	json_t *o = json_object(), *a;
	char date[24], key[96];
	double hp_sum = 0;

	cli_set_str(o, "scenario", sc->name);
	cli_set_str(o, "from", day_text(r->days[0].day, date));
	cli_set_str(o, "to", day_text(r->days[r->ndays - 1].day, date));
	cli_set_int(o, "days", (int64_t)r->ndays);
	cli_set_str(o, "network_source", source);
	cli_set_int(o, "price_days_db", (int64_t)price_days_db);
	cli_set_int(o, "price_days_shipped", (int64_t)(r->ndays - price_days_db));
	cli_set_real(o, "hashrate_phs", r->hashrate_phs);
	cli_set_real(o, "btc_mined", r->btc_mined);
	cli_set_real(o, "revenue_usd", r->revenue_usd);
	cli_set_real_or_null(o, "avg_price_usd", r->avg_price_usd);
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "cost_%s_usd", hp_fleet_basis_name(k));
		cli_set_real(o, key, r->cost_usd[k]);
	}
	for (int k = 0; k < HP_COST_NBASES; k++) {
		snprintf(key, sizeof(key), "cost_per_btc_%s_usd", hp_fleet_basis_name(k));
		cli_set_real_or_null(o, key, r->cost_per_btc_usd[k]);
	}
	cli_set_real(o, "cash_margin_usd", r->revenue_usd - r->cost_usd[HP_COST_CASH]);
	cli_set_real(o, "net_usd", r->revenue_usd - r->cost_usd[HP_COST_ALL_IN]);
	for (size_t i = 0; i < r->ndays; i++)
		hp_sum += r->days[i].hashprice_usd_per_ph_day;
	cli_set_real(o, "mean_hashprice_usd_per_ph_day", hp_sum / (double)r->ndays);
	set_treasury_month(o, &r->start, "start_treasury_");
	set_treasury_month(o, &t->end, "end_treasury_");
	cli_set_real(o, "sold_btc", t->sold_btc_total);
	for (int k = 0; k < HP_SALE_NCAUSES; k++) {
		snprintf(key, sizeof(key), "sold_btc_%s", hp_treasury_cause_name(k));
		cli_set_real(o, key, t->sold_btc[k]);
	}
	for (int k = 0; k < HP_SALE_NCAUSES; k++) {
		snprintf(key, sizeof(key), "usd_from_sales_%s", hp_treasury_cause_name(k));
		cli_set_real(o, key, t->sold_usd[k]);
	}
	cli_set_real(o, "interest_usd", t->interest_usd);
	cli_set_real(o, "defi_yield_btc", t->yield_btc);
	cli_set_real(o, "defi_loss_btc", t->defi_loss_btc);
	cli_set_int(o, "margin_calls", t->margin_calls);
	if (t->liquidation_day >= 0)
		cli_set_str(o, "liquidation_date", day_text(r->days[t->liquidation_day].day, date));
	else
		json_object_set_new(o, "liquidation_date", json_null());
	if (t->out_of_cash_month >= 0)
		cli_set_str(o, "out_of_cash_date", day_text(r->days[t->out_of_cash_month].day, date));
	else
		json_object_set_new(o, "out_of_cash_date", json_null());
	cli_set_real(o, "min_cash_usd", t->min_cash_usd);
	json_object_set_new(o, "months", months_json(r));
	if (days) {
		a = json_array();
		for (size_t i = 0; i < r->ndays; i++)
			json_array_append_new(a, day_json(&r->days[i]));
		json_object_set_new(o, "daily", a);
	}
	return o;
}

/* DIR/backtest_daily.csv: every day's row (the --json "days" keys). */
static bool write_csv(const char *dir, const struct hp_backtest_result *r, struct hp_error *err)
{
	static const char *const cost_columns[HP_COST_NBASES] = {
		"cost_marginal_usd", "cost_cash_usd", "cost_all_in_usd"
	};
	struct cli_outfile f = { .fp = NULL };
	char date[24];

	if (!cli_outdir(dir, "--csv", err) ||
	    !cli_outfile_open(&f, dir, "backtest_daily.csv", "--csv", err))
		return false;
	fputs("date,height,blocks,difficulty,fees_btc_per_block,price_usd,"
	      "hashprice_usd_per_ph_day,btc_mined,revenue_usd,cost_marginal_usd,cost_cash_usd,"
	      "cost_all_in_usd,treasury_btc,treasury_cash_usd,treasury_debt_usd,"
	      "treasury_net_usd\n", f.fp);
	for (size_t i = 0; i < r->ndays; i++) {
		const struct hp_backtest_point *p = &r->days[i];

		fprintf(f.fp, "%s,%lld,%lld", day_text(p->day, date), (long long)p->height,
			(long long)p->blocks);
		cli_csv_real(&f, "difficulty", p->difficulty);
		cli_csv_real(&f, "fees_btc_per_block", p->fees_btc_per_block);
		cli_csv_real(&f, "price_usd", p->price_usd);
		cli_csv_real(&f, "hashprice_usd_per_ph_day", p->hashprice_usd_per_ph_day);
		cli_csv_real(&f, "btc_mined", p->btc_mined);
		cli_csv_real(&f, "revenue_usd", p->revenue_usd);
		for (int k = 0; k < HP_COST_NBASES; k++)
			cli_csv_real(&f, cost_columns[k], p->cost_usd[k]);
		cli_csv_real(&f, "treasury_btc", p->treasury.total_btc);
		cli_csv_real(&f, "treasury_cash_usd", p->treasury.cash_usd);
		cli_csv_real(&f, "treasury_debt_usd", p->treasury.debt_usd);
		cli_csv_real(&f, "treasury_net_usd", p->treasury.net_usd);
		cli_csv_end_row(&f);
	}
	return cli_outfile_commit(&f, err);
}

/* 0, CLI_EXIT (stop, returning ctx->exit_code: 0 after --help) or the exit
 * code of a bad input already reported. */
static int parse_opts(struct cli_ctx *ctx, int argc, char **argv, struct bt_opts *o,
		      struct cli_catalog_opts *co)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, OPT_SCENARIO},
		{"from", required_argument, NULL, OPT_FROM},
		{"to", required_argument, NULL, OPT_TO},
		{"csv", required_argument, NULL, OPT_CSV},
		CLI_REPORT_OPTION,
		CLI_DB_OPTION,
		CLI_CATALOG_OPTIONS,
		CLI_COMMON_OPTIONS,
		{0},
	};
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return CLI_EXIT; /* --help (exit 0) or a bad option: stop */
		switch (c) {
		case OPT_SCENARIO: o->scenario = ctx->arg; break;
		case OPT_FROM: o->from = ctx->arg; break;
		case OPT_TO: o->to = ctx->arg; break;
		case OPT_CSV: o->csv = ctx->arg; break;
		case CLI_OPT_REPORT: o->report = ctx->arg; break;
		default:
			if (!cli_db_option(&o->db, c, ctx->arg))
				cli_catalog_option(co, c, ctx->arg);
		}
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (!o->scenario && !ctx->scenario_text)
		return cli_usage_error(ctx, "--scenario: missing; see 'hashpivot backtest --help'");
	if (!o->from)
		return cli_usage_error(ctx, "--from: missing; see 'hashpivot backtest --help'");
	if (!o->to)
		return cli_usage_error(ctx, "--to: missing; see 'hashpivot backtest --help'");
	if (o->csv && !*o->csv)
		return cli_usage_error(ctx, "--csv: must name a directory, got ''");
	return 0;
}

int cmd_backtest(int argc, char **argv, struct cli_ctx *ctx)
{
	struct bt_opts o = {0};
	struct cli_catalog_opts co = {0};
	struct hp_catalog cat = {0};
	struct hp_scenario sc = {0};
	struct hp_backtest_result r = {0};
	struct hp_backtest_day *days = NULL;
	struct hp_error err = {0};
	struct cli_db *db = NULL;
	int64_t from, to;
	size_t n, price_db = 0;
	int rc;

	if (!cli_catalog_opts_init(&co, argc)) {
		hp_error_set(&err, HP_ENOMEM, "backtest", "out of memory");
		goto fail;
	}
	if ((rc = parse_opts(ctx, argc, argv, &o, &co))) {
		if (rc == CLI_EXIT)
			rc = ctx->exit_code;
		goto out;
	}
	if (o.report && !cli_report_check(ctx, o.report, &err))
		goto fail;
	if (parse_day(o.from, "--from", &from, &err) || parse_day(o.to, "--to", &to, &err))
		goto fail;
	if (to < from) {
		rc = cli_usage_error(ctx, "--to: must not be before --from (%s), got '%.40s'", o.from,
				     o.to);
		goto out;
	}
	if (to - from + 1 > MAX_DAYS) {
		rc = cli_usage_error(ctx, "--to: at most %d days after --from, got '%.40s'", MAX_DAYS,
				     o.to);
		goto out;
	}
	n = (size_t)(to - from + 1);
	if ((rc = cli_catalog_load(ctx, &cat, &co)))
		goto out;
	if (cli_scenario_load(ctx, o.scenario, &cat, &sc, &err))
		goto fail;
	if (o.db.given && (rc = cli_db_open(ctx, &o.db, false, &db)))
		goto out;
	if (!(days = hp_calloc(n, sizeof(*days)))) {
		hp_error_set(&err, HP_ENOMEM, "backtest", "out of memory");
		goto fail;
	}
	if (db ? cli_db_days(db, from, days, n, &err) : shipped_days(ctx->data_dir, from, to, days, &err))
		goto fail;
	if (fill_prices(ctx, db, days, n, &price_db, &err))
		goto fail;
	if (hp_backtest_run(&sc, days, n, &r, &err))
		goto fail;
	if (o.csv && !write_csv(o.csv, &r, &err))
		goto fail;
	if (o.report) {
		/* the report holds the --json document, every day included */
		static const char *const data[] = { "machines.csv", "btc_daily_network.csv",
						    "btc_usd_daily.csv", NULL };
		json_t *doc = result_json(&sc, &r, db ? cli_db_path(db) : "shipped", price_db, true);
		struct cli_report rp = { .path = o.report, .scenario = o.scenario, .data = data,
					 .result = doc };
		bool ok = doc && cli_report_write(ctx, argc, argv, &rp, &err);

		if (!doc)
			hp_error_set(&err, HP_ENOMEM, "backtest", "out of memory");
		if (!ok || ctx->json) {
			if (!ok) {
				json_decref(doc);
				goto fail;
			}
			rc = cli_emit(ctx, doc);
			goto out;
		}
		json_decref(doc);
	}
	rc = cli_emit(ctx, result_json(&sc, &r, db ? cli_db_path(db) : "shipped", price_db,
				       ctx->json));
	goto out;

fail:
	rc = cli_fail(ctx, &err);
out:
	cli_db_close(db);
	hp_free(days);
	hp_backtest_result_release(&r);
	hp_scenario_release(&sc);
	hp_catalog_release(&cat);
	cli_catalog_opts_release(&co);
	return rc;
}
