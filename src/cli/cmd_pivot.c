/*
 * cmd_pivot.c - `hashpivot pivot` (the strategies of a scenario compared
 * under Monte Carlo: NPV, IRR, payback, cash and BTC sold) and `hashpivot
 * treasury` (one strategy's treasury month by month: holdings, cash, margin
 * calls, liquidations, sales by cause, yield). Both run hp_pivot_run; they
 * differ in what they report. --csv DIR writes the time series; each file
 * is written to a temporary name and renamed, so an interrupted run leaves
 * no half-written file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "hashpivot/alloc.h"
#include "hashpivot/calendar.h"
#include "hashpivot/machines.h"
#include "hashpivot/parse.h"
#include "hashpivot/pivot.h"
#include "hashpivot/scenario.h"

enum {
	OPT_SCENARIO = CLI_OPT_FIRST_FREE,
	OPT_PATHS,
	OPT_SEED,
	OPT_THREADS,
	OPT_CSV,
	OPT_PROGRESS,
	OPT_STRATEGY
};

struct opts {
	const char *scenario, *paths, *seed, *threads, *csv, *strategy, *report;
	bool progress;
};

/* "YYYY-MM-DD" of a day count since 1970-01-01. */
static void format_day(int64_t day, char out[24])
{
	hp_calendar_day_text(day, out);
}

/* ------------------------------------------------------------------ */
/* JSON pieces                                                          */
/* ------------------------------------------------------------------ */

/*
 * A distribution's figures with `set`: cli_set_real for a distribution over
 * every path (its figures must exist), cli_set_real_or_null for the month
 * of an event over the paths where it happened (all null when on none).
 */
static json_t *dist_json_with(const struct hp_pivot_dist *d,
			      void (*set)(json_t *, const char *, double))
{
	json_t *o = json_object();

	set(o, "mean", d->mean);
	set(o, "p5", d->p5);
	set(o, "p25", d->p25);
	set(o, "p50", d->p50);
	set(o, "p75", d->p75);
	set(o, "p95", d->p95);
	return o;
}

static json_t *dist_json(const struct hp_pivot_dist *d)
{
	return dist_json_with(d, cli_set_real);
}

static json_t *event_dist_json(const struct hp_pivot_dist *d)
{
	return dist_json_with(d, cli_set_real_or_null);
}

static json_t *series_json(const struct hp_pivot_result *r, const struct hp_pivot_series *s)
{
	json_t *a = json_array();
	char date[24];

	for (size_t m = 0; m <= r->nmonths; m++) {
		json_t *o = json_object();
		format_day(r->month_start_day[m], date);
		cli_set_int(o, "month", (int64_t)m);
		cli_set_str(o, "date", date);
		cli_set_real(o, "p5", s->p5[m]);
		cli_set_real(o, "p25", s->p25[m]);
		cli_set_real(o, "p50", s->p50[m]);
		cli_set_real(o, "p75", s->p75[m]);
		cli_set_real(o, "p95", s->p95[m]);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *causes_json(const double *v)
{
	json_t *o = json_object();

	for (int k = 0; k < HP_SALE_NCAUSES; k++)
		cli_set_real(o, hp_treasury_cause_name(k), v[k]);
	return o;
}

static json_t *cause_dists_json(const struct hp_pivot_dist *d)
{
	json_t *o = json_object();

	for (int k = 0; k < HP_SALE_NCAUSES; k++)
		json_object_set_new(o, hp_treasury_cause_name(k), dist_json(&d[k]));
	return o;
}

static json_t *strategy_json(const struct hp_pivot_result *r, const struct hp_pivot_strategy *st)
{
	const struct hp_strategy *s = st->strategy;
	json_t *o = json_object(), *roots;

	cli_set_str(o, "name", s->name);
	cli_set_int(o, "conversions", (int64_t)s->nconv);
	cli_set_bool(o, "wait", s->wait);
	json_object_set_new(o, "npv_usd", dist_json(&st->npv_usd));
	if (st->has_baseline) {
		json_object_set_new(o, "npv_vs_mining_usd", dist_json(&st->npv_vs_mining_usd));
		cli_set_real(o, "p_npv_beats_mining", st->p_npv_beats_mining);
	}
	if (s->nconv && st->has_baseline) {
		cli_set_str(o, "irr", hp_finance_irr_kind_name(st->irr.kind));
		cli_set_real_or_null(o, "irr_pct_per_year", st->irr_pct_per_year);
		roots = json_array();
		for (size_t i = 0; i < st->irr.nroots; i++)
			json_array_append_new(roots,
					      cli_real(100 * (pow(1 + st->irr.roots[i], 12) - 1)));
		json_object_set_new(o, "irr_roots_pct_per_year", roots);
		cli_set_real_or_null(o, "payback_months", st->payback.periods);
		cli_set_real(o, "p_paid_back", st->p_paid_back);
	}
	cli_set_real(o, "capex_usd", st->capex_usd);
	cli_set_real(o, "hosting_revenue_usd", st->hosting_revenue_usd);
	cli_set_real(o, "mining_btc", st->mining_btc);
	cli_set_real_or_null(o, "hosting_revenue_usd_per_kwh", st->hosting_revenue_usd_per_kwh);
	cli_set_real_or_null(o, "hosting_revenue_usd_per_it_mw_year", st->hosting_revenue_usd_per_it_mw_year);
	cli_set_real_or_null(o, "hosting_margin_pct", st->hosting_margin_pct);
	cli_set_real_or_null(o, "mining_revenue_usd_per_kwh", r->mining_revenue_usd_per_kwh);
	cli_set_real_or_null(o, "hosting_vs_mining_per_kwh",
		     st->hosting_revenue_usd_per_kwh / r->mining_revenue_usd_per_kwh);
	cli_set_real(o, "p_out_of_cash", st->p_out_of_cash);
	json_object_set_new(o, "out_of_cash_month", event_dist_json(&st->out_of_cash_month));
	json_object_set_new(o, "btc_sold", dist_json(&st->btc_sold));
	json_object_set_new(o, "btc_sold_by_cause", cause_dists_json(st->btc_sold_by_cause_dist));
	json_object_set_new(o, "usd_from_sales_by_cause", causes_json(st->usd_from_sales_by_cause));
	json_object_set_new(o, "end_btc", dist_json(&st->end_btc));
	json_object_set_new(o, "end_cash_usd", dist_json(&st->end_cash_usd));
	json_object_set_new(o, "end_net_usd", dist_json(&st->end_net_usd));
	cli_set_real(o, "p_margin_call", st->p_margin_call);
	json_object_set_new(o, "first_margin_call_month", event_dist_json(&st->first_margin_call_month));
	cli_set_real(o, "p_liquidation", st->p_liquidation);
	json_object_set_new(o, "liquidation_month", event_dist_json(&st->liquidation_month));
	cli_set_real(o, "defi_yield_btc", st->defi_yield_btc);
	cli_set_real(o, "defi_loss_btc", st->defi_loss_btc);
	if (s->wait) {
		json_t *w = json_object(), *rule = json_array();
		cli_set_real(w, "option_value_usd", st->wait_value_usd);
		cli_set_real(w, "convert_now_value_usd", st->wait_now_value_usd);
		cli_set_real(w, "never_convert_value_usd", st->wait_never_value_usd);
		cli_set_real(w, "convert_share", st->convert_share);
		json_object_set_new(w, "convert_month", event_dist_json(&st->convert_month));
		for (size_t k = 0; k < st->nrule; k++) {
			json_t *x = json_object();
			cli_set_int(x, "month", st->rule[k].month);
			cli_set_real(x, "convert_share", st->rule[k].convert_share);
			cli_set_real_or_null(x, "convert_below_usd", st->rule[k].convert_below_usd);
			json_array_append_new(rule, x);
		}
		json_object_set_new(w, "rule", rule);
		json_object_set_new(o, "wait", w);
	}
	return o;
}

/* Path 0's treasury log: what a finance team reads as "what happened". */
static json_t *events_json(const struct hp_pivot_result *r, const struct hp_pivot_strategy *st)
{
	static const char *const kinds[] = { "sale", "top_up", "defi_loss" };
	json_t *a = json_array();
	char date[24];

	for (size_t i = 0; i < st->nevents; i++) {
		const struct hp_treasury_event *e = &st->events[i];
		json_t *o = json_object();
		format_day(r->month_start_day[0] + e->day, date);
		cli_set_str(o, "date", date);
		cli_set_str(o, "kind", kinds[e->kind]);
		if (e->kind != HP_EVENT_DEFI_LOSS)
			cli_set_str(o, "cause", hp_treasury_cause_name(e->cause));
		cli_set_real(o, "btc", e->btc);
		cli_set_real(o, "price_usd", e->price_usd);
		cli_set_real(o, "usd", e->usd);
		json_array_append_new(a, o);
	}
	return a;
}

static void echo_run(json_t *o, const struct hp_scenario *sc, const struct hp_pivot_config *cfg,
		     const struct hp_pivot_result *r)
{
	cli_set_str(o, "scenario", sc->name);
	cli_set_int(o, "paths", (int64_t)cfg->paths);
	cli_set_int(o, "seed", (int64_t)cfg->seed);
	cli_set_int(o, "horizon_months", sc->market.horizon_months);
	cli_set_str(o, "price_model", hp_price_kind_name(sc->market.price.kind));
	cli_set_real(o, "start_price_usd", r->start_price_usd);
	cli_set_real(o, "discount_rate_pct_per_year", sc->pivot.discount_rate_pct_per_year);
	cli_set_real_or_null(o, "mining_revenue_usd_per_kwh", r->mining_revenue_usd_per_kwh);
	cli_set_real_or_null(o, "mining_revenue_usd_per_mw_year", r->mining_revenue_usd_per_mw_year);
	cli_set_real_or_null(o, "mining_margin_pct", r->mining_margin_pct);
}

static void csv_series_rows(struct cli_outfile *f, const struct hp_pivot_result *r,
			    const char *strategy, const char *name, const struct hp_pivot_series *s)
{
	for (size_t m = 0; m <= r->nmonths; m++) {
		char date[24];
		format_day(r->month_start_day[m], date);
		fprintf(f->fp, "\"%s\",%zu,%s,%s", strategy, m, date, name);
		cli_csv_real(f, "p5", s->p5[m]);
		cli_csv_real(f, "p25", s->p25[m]);
		cli_csv_real(f, "p50", s->p50[m]);
		cli_csv_real(f, "p75", s->p75[m]);
		cli_csv_real(f, "p95", s->p95[m]);
		cli_csv_end_row(f);
	}
}

/* DIR/<cmd>_series.csv (long format: strategy, month, date, series, quantiles)
 * and DIR/<cmd>_strategies.csv (one row of key figures per strategy). */
static bool write_csv(const char *dir, const char *cmd, const struct hp_pivot_result *r,
		      struct hp_error *err)
{
	struct cli_outfile a = { .fp = NULL }, b = { .fp = NULL };
	char name[64];

	if (!cli_outdir(dir, "--csv", err))
		return false;
	snprintf(name, sizeof(name), "%s_series.csv", cmd);
	if (!cli_outfile_open(&a, dir, name, "--csv", err))
		return false;
	fputs("strategy,month,date,series,p5,p25,p50,p75,p95\n", a.fp);
	csv_series_rows(&a, r, "", "price_usd", &r->price);
	for (size_t i = 0; i < r->nstrategies; i++) {
		const struct hp_pivot_strategy *st = &r->strategies[i];
		csv_series_rows(&a, r, st->strategy->name, "treasury_btc", &st->btc);
		csv_series_rows(&a, r, st->strategy->name, "cash_usd", &st->cash_usd);
		csv_series_rows(&a, r, st->strategy->name, "net_usd", &st->net_usd);
		csv_series_rows(&a, r, st->strategy->name, "cumulative_fcf_usd", &st->cum_fcf_usd);
	}
	snprintf(name, sizeof(name), "%s_strategies.csv", cmd);
	if (!cli_outfile_open(&b, dir, name, "--csv", err)) {
		cli_outfile_abort(&a);
		return false;
	}
	fputs("strategy,npv_mean_usd,npv_p5_usd,npv_p50_usd,npv_p95_usd,irr_pct_per_year,"
	      "payback_months,p_out_of_cash,btc_sold_mean,end_btc_p50,p_margin_call,"
	      "p_liquidation\n",
	      b.fp);
	for (size_t i = 0; i < r->nstrategies; i++) {
		const struct hp_pivot_strategy *st = &r->strategies[i];
		fprintf(b.fp, "\"%s\"", st->strategy->name);
		cli_csv_real(&b, "npv_mean_usd", st->npv_usd.mean);
		cli_csv_real(&b, "npv_p5_usd", st->npv_usd.p5);
		cli_csv_real(&b, "npv_p50_usd", st->npv_usd.p50);
		cli_csv_real(&b, "npv_p95_usd", st->npv_usd.p95);
		cli_csv_real_or_empty(&b, st->irr_pct_per_year);
		cli_csv_real_or_empty(&b, st->payback.periods);
		cli_csv_real(&b, "p_out_of_cash", st->p_out_of_cash);
		cli_csv_real(&b, "btc_sold_mean", st->btc_sold.mean);
		cli_csv_real(&b, "end_btc_p50", st->end_btc.p50);
		cli_csv_real(&b, "p_margin_call", st->p_margin_call);
		cli_csv_real(&b, "p_liquidation", st->p_liquidation);
		cli_csv_end_row(&b);
	}
	if (!cli_outfile_flush(&a, err) || !cli_outfile_flush(&b, err) ||
	    !cli_outfile_commit(&a, err)) {
		cli_outfile_abort(&a);
		cli_outfile_abort(&b);
		return false;
	}
	return cli_outfile_commit(&b, err);
}

/*
 * What pivot (or treasury) prints: the --json document when json is set,
 * else the tables a person reads.
 */
static json_t *doc_json(const struct hp_scenario *sc, const struct hp_pivot_config *cfg,
			const struct hp_pivot_result *r, bool treasury, bool json)
{
	json_t *out = json_object();
	echo_run(out, sc, cfg, r);
	if (!treasury) {
		json_t *a = json_array();
		for (size_t i = 0; i < r->nstrategies; i++)
			json_array_append_new(a, strategy_json(r, &r->strategies[i]));
		if (json) {
			json_object_set_new(out, "strategies", a);
		} else {
			/* a table a person reads: the key figures, in millions */
			json_t *t = json_array(), *w = json_array();
			json_decref(a);
			for (size_t i = 0; i < r->nstrategies; i++) {
				const struct hp_pivot_strategy *st = &r->strategies[i];
				json_t *x = json_object();
				cli_set_str(x, "strategy", st->strategy->name);
				cli_set_real(x, "npv_p5_musd", st->npv_usd.p5 / 1e6);
				cli_set_real(x, "npv_p50_musd", st->npv_usd.p50 / 1e6);
				cli_set_real(x, "npv_p95_musd", st->npv_usd.p95 / 1e6);
				cli_set_real(x, "npv_mean_musd", st->npv_usd.mean / 1e6);
				cli_set_real_or_null(x, "vs_mining_p50_musd",
					     st->has_baseline ? st->npv_vs_mining_usd.p50 / 1e6 : NAN);
				if (st->strategy->nconv && st->has_baseline &&
				    st->irr.kind != HP_IRR_UNIQUE)
					cli_set_str(x, "irr_pct",
						    hp_finance_irr_kind_name(st->irr.kind));
				else
					cli_set_real_or_null(x, "irr_pct", st->irr_pct_per_year);
				cli_set_real_or_null(x, "payback_mo", st->payback.periods);
				cli_set_real(x, "p_no_cash", st->p_out_of_cash);
				cli_set_real(x, "btc_sold", st->btc_sold.mean);
				cli_set_real_or_null(x, "usd_per_kwh", st->strategy->nconv
								       ? st->hosting_revenue_usd_per_kwh
								       : r->mining_revenue_usd_per_kwh);
				json_array_append_new(t, x);
				for (size_t k = 0; st->strategy->wait && k < st->nrule; k++) {
					json_t *y = json_object();
					cli_set_str(y, "wait_strategy", st->strategy->name);
					cli_set_int(y, "month", st->rule[k].month);
					cli_set_real(y, "convert_share", st->rule[k].convert_share);
					cli_set_real_or_null(y, "convert_below_usd",
						     st->rule[k].convert_below_usd);
					json_array_append_new(w, y);
				}
			}
			json_object_set_new(out, "strategies", t);
			if (json_array_size(w))
				json_object_set_new(out, "wait_rule", w);
			else
				json_decref(w);
		}
	} else {
		const struct hp_pivot_strategy *st = &r->strategies[0];
		json_t *months = json_array();
		cli_set_str(out, "strategy", st->strategy->name);
		cli_set_real(out, "start_btc", sc->treasury.btc);
		cli_set_real(out, "start_cash_usd", sc->treasury.cash_usd);
		cli_set_real(out, "p_out_of_cash", st->p_out_of_cash);
		cli_set_real(out, "p_margin_call", st->p_margin_call);
		cli_set_real(out, "p_liquidation", st->p_liquidation);
		cli_set_real(out, "defi_yield_btc", st->defi_yield_btc);
		cli_set_real(out, "defi_loss_btc", st->defi_loss_btc);
		cli_set_real(out, "mining_btc", st->mining_btc);
		cli_set_int(out, "path_0_events", (int64_t)(st->nevents + st->events_dropped));
		if (json) {
			json_object_del(out, "path_0_events");
			json_object_set_new(out, "btc_sold", dist_json(&st->btc_sold));
			json_object_set_new(out, "btc_sold_by_cause",
					    cause_dists_json(st->btc_sold_by_cause_dist));
			json_object_set_new(out, "usd_from_sales_by_cause",
					    causes_json(st->usd_from_sales_by_cause));
			json_object_set_new(out, "out_of_cash_month", event_dist_json(&st->out_of_cash_month));
			json_object_set_new(out, "first_margin_call_month",
					    event_dist_json(&st->first_margin_call_month));
			json_object_set_new(out, "liquidation_month", event_dist_json(&st->liquidation_month));
			json_object_set_new(out, "end_btc", dist_json(&st->end_btc));
			json_object_set_new(out, "end_cash_usd", dist_json(&st->end_cash_usd));
			json_object_set_new(out, "price_usd", series_json(r, &r->price));
			json_object_set_new(out, "treasury_btc", series_json(r, &st->btc));
			json_object_set_new(out, "cash_usd", series_json(r, &st->cash_usd));
			json_object_set_new(out, "net_usd", series_json(r, &st->net_usd));
			json_object_set_new(out, "path_0_events", events_json(r, st));
		} else {
			char key[64];
			cli_set_real(out, "btc_sold_mean", st->btc_sold.mean);
			cli_set_real(out, "btc_sold_p95", st->btc_sold.p95);
			for (int k = 0; k < HP_SALE_NCAUSES; k++) {
				snprintf(key, sizeof(key), "btc_sold_%s_mean", hp_treasury_cause_name(k));
				cli_set_real(out, key, st->btc_sold_by_cause[k]);
			}
			cli_set_real(out, "end_btc_p50", st->end_btc.p50);
			cli_set_real(out, "end_cash_usd_p50", st->end_cash_usd.p50);
			/* one row a year */
			for (size_t m = 0; m <= r->nmonths; m += (m + 12 <= r->nmonths || m == r->nmonths) ? 12 : r->nmonths - m) {
				json_t *x = json_object();
				char date[24];
				format_day(r->month_start_day[m], date);
				cli_set_int(x, "month", (int64_t)m);
				cli_set_str(x, "date", date);
				cli_set_real(x, "price_p50", r->price.p50[m]);
				cli_set_real(x, "btc_p5", st->btc.p5[m]);
				cli_set_real(x, "btc_p50", st->btc.p50[m]);
				cli_set_real(x, "btc_p95", st->btc.p95[m]);
				cli_set_real(x, "cash_p5_musd", st->cash_usd.p5[m] / 1e6);
				cli_set_real(x, "cash_p50_musd", st->cash_usd.p50[m] / 1e6);
				cli_set_real(x, "net_p50_musd", st->net_usd.p50[m] / 1e6);
				json_array_append_new(months, x);
				if (m == r->nmonths)
					break;
			}
			json_object_set_new(out, "years", months);
			months = NULL;
		}
		if (months)
			json_decref(months);
	}
	return out;
}

/*
 * The HTML report, from the --json document doc; pivot's report also
 * shows the month series of each strategy (recorded for it: cfg.series),
 * which its --json leaves out.
 */
static bool write_report(const struct cli_ctx *ctx, int argc, char **argv, const char *path,
			 const char *scenario, const struct hp_pivot_result *r, bool treasury,
			 const json_t *doc, struct hp_error *err)
{
	static const char *const data[] = { "machines.csv", "btc_usd_daily.csv", NULL };
	struct cli_report rp = { .path = path, .scenario = scenario, .data = data, .result = doc };
	json_t *extra = NULL, *a;
	bool ok;

	if (!treasury) {
		extra = json_object();
		a = json_array();
		json_object_set_new(extra, "price_usd", series_json(r, &r->price));
		for (size_t i = 0; i < r->nstrategies; i++) {
			const struct hp_pivot_strategy *st = &r->strategies[i];
			json_t *x = json_object();
			cli_set_str(x, "name", st->strategy->name);
			json_object_set_new(x, "treasury_btc", series_json(r, &st->btc));
			json_object_set_new(x, "cash_usd", series_json(r, &st->cash_usd));
			json_object_set_new(x, "net_usd", series_json(r, &st->net_usd));
			json_object_set_new(x, "cumulative_fcf_usd", series_json(r, &st->cum_fcf_usd));
			json_array_append_new(a, x);
		}
		json_object_set_new(extra, "strategies", a);
		rp.extra = extra;
	}
	ok = cli_report_write(ctx, argc, argv, &rp, err);
	json_decref(extra);
	return ok;
}

/* ------------------------------------------------------------------ */
/* the commands                                                         */
/* ------------------------------------------------------------------ */

/* 0, CLI_EXIT (stop, returning ctx->exit_code: 0 after --help) or the exit
 * code of a bad input already reported. */
static int parse_opts(struct cli_ctx *ctx, int argc, char **argv, struct opts *o,
		      struct cli_catalog_opts *co)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, OPT_SCENARIO},
		{"paths", required_argument, NULL, OPT_PATHS},
		{"seed", required_argument, NULL, OPT_SEED},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"csv", required_argument, NULL, OPT_CSV},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"strategy", required_argument, NULL, OPT_STRATEGY},
		CLI_REPORT_OPTION,
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
		case OPT_PATHS: o->paths = ctx->arg; break;
		case OPT_SEED: o->seed = ctx->arg; break;
		case OPT_THREADS: o->threads = ctx->arg; break;
		case OPT_CSV: o->csv = ctx->arg; break;
		case OPT_PROGRESS: o->progress = true; break;
		case OPT_STRATEGY: o->strategy = ctx->arg; break;
		case CLI_OPT_REPORT: o->report = ctx->arg; break;
		default: cli_catalog_option(co, c, ctx->arg);
		}
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (!o->scenario && !ctx->scenario_text)
		return cli_usage_error(ctx, "--scenario: missing; see 'hashpivot %s --help'",
				       ctx->cmd->name);
	return 0;
}

static int int_option(const struct cli_ctx *ctx, const char *name, const char *arg, int64_t min,
		      int64_t max, int64_t *out)
{
	struct hp_error err = {0};

	if (hp_parse_int64(arg, min, max, out, name, &err) != HP_OK)
		return cli_fail(ctx, &err);
	return 0;
}

static int run(int argc, char **argv, struct cli_ctx *ctx, bool treasury)
{
	struct opts o = {0};
	struct cli_catalog_opts co = {0};
	struct hp_catalog cat = {0};
	struct hp_scenario sc = {0};
	struct hp_pivot_result r = {0};
	struct hp_pivot_config cfg = {0};
	struct hp_error err = {0};
	struct cli_progress pg;
	char hist[sizeof(ctx->data_dir) + 32];
	int64_t v;
	long ncpu;
	int rc = 2;

	if (!cli_catalog_opts_init(&co, argc)) {
		hp_error_set(&err, HP_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if ((rc = parse_opts(ctx, argc, argv, &o, &co))) {
		if (rc == CLI_EXIT)
			rc = ctx->exit_code;
		goto out;
	}
	if ((rc = cli_catalog_load(ctx, &cat, &co)))
		goto out;
	if (cli_scenario_load(ctx, o.scenario, &cat, &sc, &err))
		goto fail;
	snprintf(hist, sizeof(hist), "%s/btc_usd_daily.csv", ctx->data_dir);
	if (hp_scenario_load_history(&sc, hist, &err))
		goto fail;

	cfg.paths = (size_t)sc.market.paths;
	cfg.seed = sc.market.seed;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.threads = ncpu > 0 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
	if (o.paths) {
		if ((rc = int_option(ctx, "--paths", o.paths, 1, 1000000, &v)))
			goto out;
		cfg.paths = (size_t)v;
	}
	if (o.seed) {
		if ((rc = int_option(ctx, "--seed", o.seed, 0, INT64_MAX, &v)))
			goto out;
		cfg.seed = (uint64_t)v;
	}
	if (o.threads) {
		if ((rc = int_option(ctx, "--threads", o.threads, 1, HP_PIVOT_THREADS_MAX, &v)))
			goto out;
		cfg.threads = (unsigned)v;
	}
	if (o.strategy) {
		size_t i;
		for (i = 0; i < sc.pivot.nstrategies && strcmp(sc.pivot.strategies[i].name, o.strategy);
		     i++)
			;
		if (i == sc.pivot.nstrategies) {
			rc = cli_usage_error(ctx, "--strategy: the scenario has no strategy named '%.60s'",
					     o.strategy);
			goto out;
		}
		cfg.has_only = true;
		cfg.only = i;
	} else if (treasury && sc.pivot.nstrategies) {
		cfg.has_only = true;
		cfg.only = 0;
	}
	cfg.series = treasury || o.csv || o.report;
	if (o.report && !cli_report_check(ctx, o.report, &err))
		goto fail;
	if (o.progress || isatty(fileno(ctx->err))) {
		cli_progress_start(&pg, ctx->cmd->name, ctx->err);
		cfg.progress = cli_progress_show_size;
		cfg.progress_ctx = &pg;
	} else if (ctx->progress) {
		cfg.progress = cli_ctx_progress_size;
		cfg.progress_ctx = ctx;
	}
	cfg.cancel = ctx->cancel;
	if (ctx->max_path_months) {
		uint64_t plans = cfg.has_only || !sc.pivot.nstrategies ? 1 : sc.pivot.nstrategies;
		uint64_t months = (uint64_t)sc.market.horizon_months + 1;
		if ((double)cfg.paths * (double)months * (double)plans > (double)ctx->max_path_months) {
			rc = cli_usage_error(ctx, "--paths: %zu paths x %llu months x %llu strategies "
					     "is over this server's budget of %llu path-months",
					     cfg.paths, (unsigned long long)months,
					     (unsigned long long)plans,
					     (unsigned long long)ctx->max_path_months);
			goto out;
		}
	}
	if (ctx->check_only) {
		rc = 0;
		goto out;
	}
	if (hp_pivot_run(&sc, &cfg, &r, &err))
		goto fail;
	if (o.csv && !write_csv(o.csv, ctx->cmd->name, &r, &err))
		goto fail;

	json_t *out = doc_json(&sc, &cfg, &r, treasury, ctx->json);
	if (o.report) {
		json_t *doc = ctx->json ? out : doc_json(&sc, &cfg, &r, treasury, true);
		bool ok = doc && write_report(ctx, argc, argv, o.report, o.scenario, &r, treasury,
					      doc, &err);
		if (doc != out)
			json_decref(doc);
		if (!ok) {
			json_decref(out);
			goto fail;
		}
	}
	rc = cli_emit(ctx, out);
	goto out;

fail:
	rc = cli_fail(ctx, &err);
out:
	hp_pivot_result_release(&r);
	hp_scenario_release(&sc);
	hp_catalog_release(&cat);
	cli_catalog_opts_release(&co);
	return rc;
}

int cmd_pivot(int argc, char **argv, struct cli_ctx *ctx)
{
	return run(argc, argv, ctx, false);
}

int cmd_treasury(int argc, char **argv, struct cli_ctx *ctx)
{
	return run(argc, argv, ctx, true);
}
