/*
 * cmd_prices.c - `hashpivot prices [list] | import FILE.csv`: daily BTC/USD
 * closes in the chain database (its prices table), which backtest and the
 * calculators' --db read; the shipped data/btc_usd_daily.csv stands in
 * wherever the database has none.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hashpivot/calendar.h"
#include "hashpivot/chaindb.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/pricecsv.h"

enum { OPT_SOURCE = CLI_OPT_FIRST_FREE };

#define SOURCE_MAX 64

struct summary {
	int64_t count;
	char first[16], last[16];
};

static enum hp_status count_price(const char *day, double close_usd, const char *source,
				  void *arg, struct hp_error *err)
{
	struct summary *s = arg;

	(void)close_usd;
	(void)source;
	(void)err;
	if (!s->count++)
		snprintf(s->first, sizeof(s->first), "%s", day);
	snprintf(s->last, sizeof(s->last), "%s", day);
	return HP_OK;
}

static void set_day_or_null(json_t *o, const char *key, const char *day)
{
	if (day && *day)
		cli_set_str(o, key, day);
	else
		json_object_set_new(o, key, json_null());
}

/* What the database holds, and the shipped history that stands in for it. */
static int prices_list(struct cli_ctx *ctx, const struct cli_db_opt *dbo)
{
	struct cli_db *db = NULL;
	struct summary s = {0};
	struct hp_daily_series ps = {0};
	struct hp_error err = {0};
	char path[4200], a[24];
	int rc;

	if ((rc = cli_db_open(ctx, dbo, false, &db)))
		return rc;
	if (hp_chaindb_foreach_price(cli_db_handle(db), NULL, NULL, count_price, &s, &err))
		goto fail;
	snprintf(path, sizeof(path), "%s/btc_usd_daily.csv", ctx->data_dir);
	if (hp_daily_series_load(path, hp_daily_series_price_columns, &ps, &err))
		goto fail;

	json_t *o = json_object();
	cli_set_str(o, "db", cli_db_path(db));
	cli_set_int(o, "days", s.count);
	set_day_or_null(o, "first_day", s.first);
	set_day_or_null(o, "last_day", s.last);
	cli_set_str(o, "shipped", "btc_usd_daily.csv");
	cli_set_int(o, "shipped_days", (int64_t)ps.n);
	cli_set_str(o, "shipped_first_day", hp_calendar_day_text(ps.first_day, a));
	cli_set_str(o, "shipped_last_day",
		    hp_calendar_day_text(ps.first_day + (int64_t)ps.n - 1, a));
	hp_daily_series_release(&ps);
	cli_db_close(db);
	return cli_emit(ctx, o);
fail:
	hp_daily_series_release(&ps);
	cli_db_close(db);
	return cli_fail(ctx, &err);
}

/* The file's last path component, the default --source. */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * Parse the whole file first (so a bad line stores nothing), then upsert
 * every day in one transaction.
 */
static int prices_import(struct cli_ctx *ctx, const struct cli_db_opt *dbo, const char *file,
			 const char *source)
{
	struct hp_price_rows rows = {0};
	struct cli_db *db = NULL;
	struct hp_error err = {0};
	struct hp_chaindb *h;
	char day[24], first[24], last[24];
	int64_t replaced = 0;
	int rc;

	if (!source)
		source = base_name(file);
	if (!*source || strlen(source) > SOURCE_MAX)
		return cli_usage_error(ctx, "--source: must be 1 to %d characters, got '%.80s'",
				       SOURCE_MAX, source);
	if (hp_pricecsv_load(file, &rows, &err))
		return cli_fail(ctx, &err);
	if ((rc = cli_db_open(ctx, dbo, true, &db))) {
		hp_pricecsv_release(&rows);
		return rc;
	}
	h = cli_db_handle(db);
	if (hp_chaindb_begin(h, &err))
		goto fail;
	for (size_t i = 0; i < rows.n; i++) {
		double old;
		struct hp_error e = {0};

		hp_calendar_day_text(rows.v[i].day, day);
		if (hp_chaindb_get_price(h, day, &old, &e) == HP_OK)
			replaced++;
		if (hp_chaindb_put_price(h, day, rows.v[i].close_usd, source, &err)) {
			hp_chaindb_rollback(h);
			goto fail;
		}
	}
	if (hp_chaindb_commit(h, &err)) {
		hp_chaindb_rollback(h);
		goto fail;
	}

	json_t *o = json_object();
	cli_set_str(o, "db", cli_db_path(db));
	cli_set_str(o, "file", file);
	cli_set_str(o, "source", source);
	cli_set_str(o, "date_column", rows.date_column);
	cli_set_str(o, "close_column", rows.close_column);
	cli_set_int(o, "days", (int64_t)rows.n);
	cli_set_int(o, "added", (int64_t)rows.n - replaced);
	cli_set_int(o, "replaced", replaced);
	cli_set_str(o, "first_day", hp_calendar_day_text(rows.v[0].day, first));
	cli_set_str(o, "last_day", hp_calendar_day_text(rows.v[rows.n - 1].day, last));
	hp_pricecsv_release(&rows);
	cli_db_close(db);
	return cli_emit(ctx, o);
fail:
	hp_pricecsv_release(&rows);
	cli_db_close(db);
	return cli_fail(ctx, &err);
}

int cmd_prices(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"source", required_argument, NULL, OPT_SOURCE},
		CLI_DB_OPTION,
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct cli_db_opt dbo = {0};
	const char *source = NULL, *sub;
	int c, nops;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		if (c == OPT_SOURCE)
			source = ctx->arg;
		else
			cli_db_option(&dbo, c, ctx->arg);
	}
	nops = argc - ctx->ind;
	sub = nops ? argv[ctx->ind] : "list";
	if (!strcmp(sub, "list")) {
		if (nops > 1)
			return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind + 1]);
		if (source)
			return cli_usage_error(ctx, "--source: only for 'prices import', got '%.60s'",
					       source);
		return prices_list(ctx, &dbo);
	}
	if (!strcmp(sub, "import")) {
		if (nops < 2)
			return cli_usage_error(ctx, "import: missing FILE.csv; see 'hashpivot prices "
						    "--help'");
		if (nops > 2)
			return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind + 2]);
		return prices_import(ctx, &dbo, argv[ctx->ind + 1], source);
	}
	return cli_usage_error(ctx, "unknown subcommand '%.60s' (list or import)", sub);
}
