/*
 * cmd_simulate.c - `hashpivot simulate`: the industry simulator over Monte
 * Carlo paths (hp_industry_run), reported as quantile fans of the daily
 * series and each cohort's outcomes.
 *
 * The run itself goes through a runner: hashpivot runs every path here on
 * threads; hashpivot-mpi (src/mpi/main.c) splits them across MPI ranks and
 * merges the summaries on rank 0, which then reports exactly as here. The
 * output depends on the inputs and the seed only (never on threads, ranks
 * or timing), so both print the same bytes.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"
#include "hashpivot/calendar.h"
#include "hashpivot/consensus.h"
#include "hashpivot/industry.h"
#include "hashpivot/machines.h"
#include "hashpivot/montecarlo.h"
#include "hashpivot/parse.h"
#include "hashpivot/scenario.h"

enum {
	OPT_SCENARIO = CLI_OPT_FIRST_FREE,
	OPT_PATHS,
	OPT_SEED,
	OPT_THREADS,
	OPT_YEARS,
	OPT_BLOCK_LEVEL,
	OPT_RULE,
	OPT_OUT,
	OPT_PROGRESS,
	OPT_EVERY,
	OPT_QERR,
	OPT_TRACE
};

struct opts {
	const char *scenario, *paths, *seed, *threads, *years, *rule, *out, *every, *qerr, *trace;
	const char *report;
	bool block_level, progress;
	struct cli_db_opt db;
};

static const double quantiles[5] = { 0.05, 0.25, 0.5, 0.75, 0.95 };
static const char *const quantile_columns[5] = { "p5", "p25", "p50", "p75", "p95" };
static const char *const qnames[5] = { "p5", "p25", "p50", "p75", "p95" };

/* ------------------------------------------------------------------ */
/* the report                                                           */
/* ------------------------------------------------------------------ */

struct report {
	const struct hp_scenario *sc;
	const struct hp_industry *ind;
	const struct hp_industry_result *r;
	uint64_t seed;
	double alpha;
	int64_t every;
};

/* The block interval is not recorded on a day without blocks (a network
 * whose miners have switched off waits for the retarget): a day when no
 * path had a block has none (null, an empty CSV cell). Every other series
 * has a value on every path and day. */
static bool may_be_missing(size_t series)
{
	return series == HP_SIM_BLOCK_INTERVAL;
}

static json_t *cell_json(const struct hp_stats *st, size_t series, size_t day)
{
	json_t *o = json_object();
	void (*set)(json_t *, const char *, double) =
		may_be_missing(series) ? cli_set_real_or_null : cli_set_real;
	int k;

	set(o, "mean", hp_stats_mean(st, series, day));
	for (k = 0; k < 5; k++)
		set(o, qnames[k], hp_stats_quantile(st, series, day, quantiles[k]));
	return o;
}

static void day_text(const struct hp_industry *ind, int64_t d, char out[24])
{
	hp_calendar_day_text(ind->start_time / 86400 + d, out);
}

/* Days shown: 0, every `every` days, and the last. */
static bool shown(const struct report *rp, int64_t d)
{
	return d % rp->every == 0 || d == rp->ind->ndays - 1;
}

static json_t *series_json(const struct report *rp, size_t k)
{
	json_t *a = json_array();
	char date[24];
	int64_t d;

	for (d = 0; d < rp->ind->ndays; d++) {
		json_t *o;

		if (!shown(rp, d))
			continue;
		o = cell_json(rp->r->daily, k, (size_t)d);
		day_text(rp->ind, d, date);
		json_object_set_new(o, "day", json_integer(d));
		json_object_set_new(o, "date", json_string(date));
		json_array_append_new(a, o);
	}
	return a;
}

static double cohort_value(const struct report *rp, size_t c, enum hp_sim_cohort_value v,
			   double q)
{
	size_t k = c * HP_SIM_COHORT_N + v;

	return q < 0 ? hp_stats_mean(rp->r->cohorts, k, 0) : hp_stats_quantile(rp->r->cohorts, k, 0, q);
}

static json_t *cohorts_json(const struct report *rp)
{
	json_t *a = json_array();
	size_t c;
	int v;

	for (c = 0; c < rp->ind->ncohorts; c++) {
		const struct hp_cohort *co = &rp->ind->cohorts[c];
		json_t *o = json_object();
		double eh = 0;
		size_t l;

		for (l = 0; l < co->nlines; l++)
			eh += co->lines[l].eh;
		cli_set_str(o, "name", co->name);
		cli_set_bool(o, "listed", co->listed);
		cli_set_real(o, "start_eh", eh);
		cli_set_real(o, "start_btc", co->treasury.btc);
		cli_set_real(o, "p_bankrupt", cohort_value(rp, c, HP_SIM_C_BANKRUPT, -1));
		cli_set_real(o, "p_pivoted", cohort_value(rp, c, HP_SIM_C_PIVOTED, -1));
		for (v = HP_SIM_C_BTC; v < HP_SIM_COHORT_N; v++) {
			char key[48];

			snprintf(key, sizeof(key), "end_%s", hp_sim_cohort_value_name(v));
			if (v == HP_SIM_C_SOLD || v == HP_SIM_C_MINED)
				snprintf(key, sizeof(key), "%s", hp_sim_cohort_value_name(v));
			json_object_set_new(o, key, cell_json(rp->r->cohorts, c * HP_SIM_COHORT_N + v, 0));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *run_json(const struct report *rp)
{
	const struct hp_industry *ind = rp->ind;
	json_t *o = json_object(), *start = json_object();
	char date[24];
	double eh = 0, d0;
	size_t c, l;

	cli_set_str(o, "scenario", rp->sc->name);
	day_text(ind, 0, date);
	cli_set_str(o, "start_date", date);
	cli_set_int(o, "days", ind->ndays);
	cli_set_int(o, "paths", (int64_t)rp->r->paths);
	cli_set_int(o, "seed", (int64_t)rp->seed);
	cli_set_str(o, "mode", ind->block_level ? "block" : "daily");
	cli_set_str(o, "difficulty_rule", hp_daa_rule_name(ind->daa.rule));
	cli_set_str(o, "price_model", hp_price_kind_name(ind->price->kind));
	cli_set_real(o, "quantile_error_pct", 100 * rp->alpha);
	cli_set_int(o, "blocks_simulated", (int64_t)rp->r->blocks);
	cli_set_int(o, "cohort_days", (int64_t)rp->r->cohort_days);
	for (c = 0; c < ind->ncohorts; c++)
		for (l = 0; l < ind->cohorts[c].nlines; l++)
			eh += ind->cohorts[c].lines[l].eh;
	hp_consensus_difficulty(ind->bits, &d0);
	cli_set_int(start, "height", ind->height);
	cli_set_bits(start, "bits", ind->bits);
	cli_set_real(start, "difficulty", d0);
	cli_set_real(start, "implied_hashrate_eh", d0 * 4294967296.0 / 600 / 1e18);
	cli_set_real(start, "installed_eh", eh);
	cli_set_real(start, "fees_btc_per_block", ind->fees.btc_per_block);
	json_object_set_new(o, "start", start);
	return o;
}

/* Every series, a point every rp->every days. */
static json_t *all_series_json(const struct report *rp)
{
	json_t *s = json_object();
	size_t k;

	for (k = 0; k < HP_SIM_NSERIES; k++)
		json_object_set_new(s, hp_sim_series_name((enum hp_sim_series)k), series_json(rp, k));
	return s;
}

/* The --json document (also DIR/summary.json). */
static json_t *summary_json(const struct report *rp)
{
	json_t *o = run_json(rp);

	cli_set_int(o, "every_days", rp->every);
	json_object_set_new(o, "series", all_series_json(rp));
	json_object_set_new(o, "cohorts", cohorts_json(rp));
	return o;
}

/* What a person reads: a row a year of the key medians, and the cohorts. */
static json_t *human_json(const struct report *rp)
{
	const struct hp_stats *st = rp->r->daily;
	json_t *o = run_json(rp), *years = json_array(), *cs = json_array();
	int64_t d, last = rp->ind->ndays - 1;
	size_t c;

	for (d = 0;; d = d + 365 < last ? d + 365 : last) {
		json_t *x = json_object();
		char date[24];
		size_t dd = (size_t)d;

		day_text(rp->ind, d, date);
		cli_set_str(x, "date", date);
		cli_set_real(x, "price_p50", hp_stats_quantile(st, HP_SIM_PRICE, dd, 0.5));
		cli_set_real(x, "eh_p5", hp_stats_quantile(st, HP_SIM_HASHRATE, dd, 0.05));
		cli_set_real(x, "eh_p50", hp_stats_quantile(st, HP_SIM_HASHRATE, dd, 0.5));
		cli_set_real(x, "eh_p95", hp_stats_quantile(st, HP_SIM_HASHRATE, dd, 0.95));
		cli_set_real(x, "hashprice_p50", hp_stats_quantile(st, HP_SIM_HASHPRICE, dd, 0.5));
		cli_set_real(x, "budget_musd_p50",
			     hp_stats_quantile(st, HP_SIM_REVENUE, dd, 0.5) / 1e6);
		cli_set_real(x, "attack_busd_p50",
			     hp_stats_quantile(st, HP_SIM_ATTACK_HARDWARE, dd, 0.5) / 1e9);
		cli_set_real(x, "listed_btc_p50", hp_stats_quantile(st, HP_SIM_LISTED_BTC, dd, 0.5));
		cli_set_real(x, "sold_btc_mean", hp_stats_mean(st, HP_SIM_SOLD, dd));
		cli_set_real(x, "bankrupt_mean", hp_stats_mean(st, HP_SIM_COHORTS_BANKRUPT, dd));
		cli_set_real(x, "ai_mw_p50", hp_stats_quantile(st, HP_SIM_AI_MW, dd, 0.5));
		json_array_append_new(years, x);
		if (d == last)
			break;
	}
	json_object_set_new(o, "years", years);
	for (c = 0; c < rp->ind->ncohorts; c++) {
		json_t *x = json_object();

		cli_set_str(x, "cohort", rp->ind->cohorts[c].name);
		cli_set_real(x, "p_bankrupt", cohort_value(rp, c, HP_SIM_C_BANKRUPT, -1));
		cli_set_real(x, "p_pivoted", cohort_value(rp, c, HP_SIM_C_PIVOTED, -1));
		cli_set_real(x, "end_btc_p50", cohort_value(rp, c, HP_SIM_C_BTC, 0.5));
		cli_set_real(x, "end_eh_p50", cohort_value(rp, c, HP_SIM_C_HASHRATE, 0.5));
		cli_set_real(x, "mined_btc_mean", cohort_value(rp, c, HP_SIM_C_MINED, -1));
		cli_set_real(x, "sold_btc_mean", cohort_value(rp, c, HP_SIM_C_SOLD, -1));
		json_array_append_new(cs, x);
	}
	json_object_set_new(o, "cohorts", cs);
	return o;
}

/*
 * The summaries hold values up to 2^62 times each series' reference scale
 * (docs/model.md "Monte Carlo summaries"); a value beyond (a chain far
 * outside the model's range, e.g. one started at difficulty 1 under
 * today's hashrate, whose cost of a 51 % attack passes 1e26 USD) is
 * counted as rejected, and a quantile or mean without it would be wrong
 * without saying so: refuse the run, naming the series and the day.
 */
static bool all_summarised(const struct hp_industry *ind, const struct hp_industry_result *r,
			   struct hp_error *err)
{
	size_t nd = hp_stats_ndays(r->daily), k, d, c;
	uint64_t n;
	char date[24];

	for (d = 0; d < nd; d++)
		for (k = 0; k < HP_SIM_NSERIES; k++)
			if ((n = hp_stats_rejected(r->daily, k, d))) {
				day_text(ind, (int64_t)d, date);
				hp_error_set(err, HP_ERANGE, "--scenario",
					     "%s on %s: %llu value(s) beyond the range the "
					     "summaries hold, the chain is too far outside the "
					     "model's (docs/model.md \"Numerical tolerances\")",
					     hp_sim_series_name((enum hp_sim_series)k), date,
					     (unsigned long long)n);
				return false;
			}
	for (c = 0; c < ind->ncohorts; c++)
		for (k = 0; k < HP_SIM_COHORT_N; k++)
			if ((n = hp_stats_rejected(r->cohorts, c * HP_SIM_COHORT_N + k, 0))) {
				hp_error_set(err, HP_ERANGE, "--scenario",
					     "cohort %s, %s: %llu value(s) beyond the range the "
					     "summaries hold, the chain is too far outside the "
					     "model's (docs/model.md \"Numerical tolerances\")",
					     ind->cohorts[c].name,
					     hp_sim_cohort_value_name((enum hp_sim_cohort_value)k),
					     (unsigned long long)n);
				return false;
			}
	return true;
}

/* DIR/summary.json, DIR/daily.csv (every day of every series, long
 * format) and DIR/cohorts.csv, each whole or not at all. */
static bool write_out(const char *dir, const struct report *rp, struct hp_error *err)
{
	struct cli_outfile js = { .fp = NULL }, dl = { .fp = NULL }, co = { .fp = NULL };
	const struct hp_stats *st = rp->r->daily;
	json_t *doc;
	int64_t d;
	size_t k, c;
	int q, v;
	bool ok = false;

	if (!cli_outdir(dir, "--out", err))
		return false;
	if (!cli_outfile_open(&js, dir, "summary.json", "--out", err))
		return false;
	if (!cli_outfile_open(&dl, dir, "daily.csv", "--out", err) ||
	    !cli_outfile_open(&co, dir, "cohorts.csv", "--out", err))
		goto out;
	doc = summary_json(rp);
	if (doc && !cli_json_check(doc, err)) {
		json_decref(doc);
		goto out;
	}
	if (!doc || json_dumpf(doc, js.fp, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) != 0) {
		int e = errno;

		hp_error_set(err, doc ? HP_EIO : HP_ENOMEM, "--out", "cannot write %s: %s", js.path,
			     doc ? strerror(e) : "out of memory");
		json_decref(doc);
		goto out;
	}
	json_decref(doc);
	fputc('\n', js.fp);

	fputs("day,date,series,mean,p5,p25,p50,p75,p95\n", dl.fp);
	for (k = 0; k < HP_SIM_NSERIES; k++)
		for (d = 0; d < rp->ind->ndays; d++) {
			char date[24];

			day_text(rp->ind, d, date);
			fprintf(dl.fp, "%lld,%s,%s", (long long)d, date,
				hp_sim_series_name((enum hp_sim_series)k));
			if (may_be_missing(k)) {
				cli_csv_real_or_empty(&dl, hp_stats_mean(st, k, (size_t)d));
				for (q = 0; q < 5; q++)
					cli_csv_real_or_empty(
						&dl, hp_stats_quantile(st, k, (size_t)d, quantiles[q]));
				cli_csv_end_row(&dl);
				continue;
			}
			cli_csv_real(&dl, "mean", hp_stats_mean(st, k, (size_t)d));
			for (q = 0; q < 5; q++)
				cli_csv_real(&dl, quantile_columns[q],
					     hp_stats_quantile(st, k, (size_t)d, quantiles[q]));
			cli_csv_end_row(&dl);
		}

	fputs("cohort,value,mean,p5,p25,p50,p75,p95\n", co.fp);
	for (c = 0; c < rp->ind->ncohorts; c++)
		for (v = 0; v < HP_SIM_COHORT_N; v++) {
			size_t s = c * HP_SIM_COHORT_N + (size_t)v;

			fprintf(co.fp, "\"%s\",%s", rp->ind->cohorts[c].name,
				hp_sim_cohort_value_name(v));
			cli_csv_real(&co, "mean", hp_stats_mean(rp->r->cohorts, s, 0));
			for (q = 0; q < 5; q++)
				cli_csv_real(&co, quantile_columns[q],
					     hp_stats_quantile(rp->r->cohorts, s, 0, quantiles[q]));
			cli_csv_end_row(&co);
		}
	ok = cli_outfile_flush(&js, err) && cli_outfile_flush(&dl, err) &&
	     cli_outfile_flush(&co, err) && cli_outfile_commit(&js, err) &&
	     cli_outfile_commit(&dl, err) && cli_outfile_commit(&co, err);
out:
	cli_outfile_abort(&js);
	cli_outfile_abort(&dl);
	cli_outfile_abort(&co);
	return ok;
}

/*
 * The HTML report of the run, from doc (the --json document). Its fan
 * charts want a point at least every REPORT_EVERY days: with a coarser
 * --every, the same series at that step go in as "extra".
 */
#define REPORT_EVERY 30
static bool write_report(const struct cli_ctx *ctx, int argc, char **argv, const struct opts *o,
			 const struct report *rp, const json_t *doc, struct hp_error *err)
{
	static const char *const with_epoch5[] = { "machines.csv", "btc_usd_daily.csv",
						   "Scenario epoch5", NULL };
	char epoch5[sizeof(ctx->data_dir) + 32];
	struct cli_report r = { .path = o->report, .result = doc, .data = with_epoch5 };
	json_t *extra = NULL;
	bool ok;

	if (o->scenario) {
		static const char *const plain[] = { "machines.csv", "btc_usd_daily.csv", NULL };
		r.scenario = o->scenario;
		r.data = plain;
	} else {
		snprintf(epoch5, sizeof(epoch5), "%s/scenarios/epoch5.json", ctx->data_dir);
		r.scenario = epoch5;
		r.scenario_shown = "data/scenarios/epoch5.json (shipped, the default)";
	}
	if (rp->every > REPORT_EVERY) {
		struct report fine = *rp;

		fine.every = REPORT_EVERY;
		extra = json_object();
		cli_set_int(extra, "every_days", REPORT_EVERY);
		json_object_set_new(extra, "series", all_series_json(&fine));
		r.extra = extra;
	}
	ok = cli_report_write(ctx, argc, argv, &r, err);
	json_decref(extra);
	return ok;
}

/* DIR/trace.csv (one path, every day) and DIR/retargets.csv. */
static bool write_trace(const char *dir, const struct hp_industry *ind, uint64_t seed,
			uint64_t path, struct hp_error *err)
{
	struct hp_industry_trace t;
	struct cli_outfile tf = { .fp = NULL }, rf = { .fp = NULL };
	size_t k, c, nd = (size_t)ind->ndays, i;
	bool ok = false;

	if (hp_industry_trace(ind, seed, path, &t, err) != HP_OK)
		return false;
	if (!cli_outdir(dir, "--out", err) || !cli_outfile_open(&tf, dir, "trace.csv", "--out", err) ||
	    !cli_outfile_open(&rf, dir, "retargets.csv", "--out", err))
		goto out;
	fputs("day,date", tf.fp);
	for (k = 0; k < HP_SIM_NSERIES; k++)
		fprintf(tf.fp, ",%s", hp_sim_series_name((enum hp_sim_series)k));
	for (c = 0; c < ind->ncohorts; c++)
		fprintf(tf.fp, ",\"eh:%s\",\"btc:%s\"", ind->cohorts[c].name, ind->cohorts[c].name);
	fputc('\n', tf.fp);
	for (i = 0; i < nd; i++) {
		char date[24];

		day_text(ind, (int64_t)i, date);
		fprintf(tf.fp, "%zu,%s", i, date);
		for (k = 0; k < HP_SIM_NSERIES; k++) {
			if (may_be_missing(k))
				cli_csv_real_or_empty(&tf, t.series[k][i]);
			else
				cli_csv_real(&tf, hp_sim_series_name((enum hp_sim_series)k),
					     t.series[k][i]);
		}
		for (c = 0; c < ind->ncohorts; c++) {
			char col[96];

			snprintf(col, sizeof(col), "eh:%s", ind->cohorts[c].name);
			cli_csv_real(&tf, col, t.cohort_hashrate[c * nd + i]);
			snprintf(col, sizeof(col), "btc:%s", ind->cohorts[c].name);
			cli_csv_real(&tf, col, t.cohort_btc[c * nd + i]);
		}
		cli_csv_end_row(&tf);
	}
	fputs("height,first_time,last_time,timespan_s,old_bits,new_bits\n", rf.fp);
	for (i = 0; i < t.nretargets; i++) {
		const struct hp_sim_retarget *x = &t.retargets[i];

		fprintf(rf.fp, "%lld,%lld,%lld,%lld,%08x,%08x\n", (long long)x->height,
			(long long)x->first_time, (long long)x->last_time,
			(long long)(x->last_time - x->first_time), x->old_bits, x->new_bits);
	}
	ok = cli_outfile_flush(&tf, err) && cli_outfile_flush(&rf, err) &&
	     cli_outfile_commit(&tf, err) && cli_outfile_commit(&rf, err);
out:
	cli_outfile_abort(&tf);
	cli_outfile_abort(&rf);
	hp_industry_trace_release(&t);
	return ok;
}

/* ------------------------------------------------------------------ */
/* the command                                                          */
/* ------------------------------------------------------------------ */

/* 0, CLI_EXIT (stop, returning ctx->exit_code: 0 after --help) or the exit
 * code of a bad input already reported. */
static int parse_opts(struct cli_ctx *ctx, int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		{"scenario", required_argument, NULL, OPT_SCENARIO},
		{"paths", required_argument, NULL, OPT_PATHS},
		{"seed", required_argument, NULL, OPT_SEED},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"years", required_argument, NULL, OPT_YEARS},
		{"block-level", no_argument, NULL, OPT_BLOCK_LEVEL},
		{"rule", required_argument, NULL, OPT_RULE},
		{"out", required_argument, NULL, OPT_OUT},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"every", required_argument, NULL, OPT_EVERY},
		{"quantile-error-pct", required_argument, NULL, OPT_QERR},
		{"trace", required_argument, NULL, OPT_TRACE},
		CLI_REPORT_OPTION,
		CLI_DB_OPTION,
		CLI_COMMON_OPTIONS,
		{0},
	};
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return CLI_EXIT; /* --help (exit 0) or a bad option: stop */
		switch (c) {
		case CLI_OPT_DB: cli_db_option(&o->db, c, ctx->arg); break;
		case OPT_SCENARIO: o->scenario = ctx->arg; break;
		case OPT_PATHS: o->paths = ctx->arg; break;
		case OPT_SEED: o->seed = ctx->arg; break;
		case OPT_THREADS: o->threads = ctx->arg; break;
		case OPT_YEARS: o->years = ctx->arg; break;
		case OPT_BLOCK_LEVEL: o->block_level = true; break;
		case OPT_RULE: o->rule = ctx->arg; break;
		case OPT_OUT: o->out = ctx->arg; break;
		case OPT_PROGRESS: o->progress = true; break;
		case OPT_EVERY: o->every = ctx->arg; break;
		case OPT_QERR: o->qerr = ctx->arg; break;
		case OPT_TRACE: o->trace = ctx->arg; break;
		case CLI_OPT_REPORT: o->report = ctx->arg; break;
		}
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (o->trace && !o->out)
		return cli_usage_error(ctx, "--trace: needs --out DIR to write the path into");
	return 0;
}

/*
 * simulate --db: start from the database's tip instead of the scenario's
 * network section and industry.epoch_start_time: the next block's height
 * and bits (a retarget computed from the epoch's stored times when the tip
 * ends an epoch), the time of its epoch's first block, the mean fees of the
 * last CLI_DB_FEES_SHORT blocks, and day 0 starting at the tip's time. The
 * cohorts, prices and everything else stay the scenario's.
 */
static int start_from_db(struct cli_ctx *ctx, const struct cli_db_opt *dbo, struct hp_scenario *sc)
{
	struct cli_db *db = NULL;
	struct cli_db_state st;
	struct hp_error err = {0};
	struct hp_industry *ind = &sc->industry;
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	int64_t next;
	int rc;

	if ((rc = cli_db_open(ctx, dbo, false, &db)))
		return rc;
	if (cli_db_state(db, &st, &err))
		goto fail;
	if (st.net != HP_NET_MAIN) {
		hp_error_set(&err, HP_EINVAL, "--db", "%s holds network %s; simulate models mainnet",
			     cli_db_path(db), hp_consensus_params(st.net)->name);
		goto fail;
	}
	if (!st.fees_blocks_short) {
		hp_error_set(&err, HP_EINVAL, "--db", "%s has no fee stats in its last %d blocks",
			     cli_db_path(db), CLI_DB_FEES_SHORT);
		goto fail;
	}
	if (!st.has_epoch_start) {
		hp_error_set(&err, HP_EINVAL, "--db",
			     "%s does not hold block %lld, the first of the tip's epoch (sync from "
			     "a height at or before it)",
			     cli_db_path(db),
			     (long long)(st.tip_height - st.tip_height % HP_RETARGET_INTERVAL));
		goto fail;
	}
	next = st.tip_height + 1;
	ind->height = next;
	ind->bits = st.bits;
	ind->epoch_start_time = st.epoch_start_time;
	if (next % HP_RETARGET_INTERVAL == 0) {
		struct hp_retarget r;

		hp_consensus_retarget(p, st.bits, st.epoch_start_time, st.tip_time, &r);
		ind->bits = r.bits;
		/* the new epoch's first block is the next one: it starts now */
		ind->epoch_start_time = st.tip_time;
	}
	ind->start_time = st.tip_time;
	ind->fees.btc_per_block = st.fees_btc_short;
	sc->network.height = next;
	sc->network.has_bits = true;
	sc->network.bits = ind->bits;
	hp_consensus_difficulty(ind->bits, &sc->network.difficulty);
	sc->network.fees_btc_per_block = st.fees_btc_short;
	cli_db_close(db);
	return 0;
fail:
	cli_db_close(db);
	return cli_fail(ctx, &err);
}

static enum hp_status run_local(const struct hp_industry *ind, const struct hp_industry_config *cfg,
				struct hp_industry_result *out, bool *writer, struct hp_error *err)
{
	*writer = true;
	return hp_industry_run(ind, cfg, out, err);
}

static const struct cli_sim_runner local_runner = { run_local };

int cli_simulate(int argc, char **argv, struct cli_ctx *ctx, const struct cli_sim_runner *runner)
{
	struct opts o = {0};
	struct hp_catalog cat = {0};
	struct hp_scenario sc = {0};
	struct hp_industry_result r = {0};
	struct hp_industry_config cfg = {0};
	struct hp_error err = {0};
	struct cli_progress pg;
	struct report rp;
	json_t *doc;
	char path[sizeof(ctx->data_dir) + 64], hist[sizeof(ctx->data_dir) + 32];
	int64_t v, trace_path = 0;
	double x;
	long ncpu;
	bool writer = false;
	int rc = 2;

	if (!runner)
		runner = &local_runner;
	if ((rc = parse_opts(ctx, argc, argv, &o))) {
		if (rc == CLI_EXIT)
			rc = ctx->exit_code;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/machines.csv", ctx->data_dir);
	if (hp_catalog_load(&cat, path, &err))
		goto fail;
	snprintf(path, sizeof(path), "%s/scenarios/epoch5.json", ctx->data_dir);
	if (cli_scenario_load(ctx, o.scenario ? o.scenario : path, &cat, &sc, &err))
		goto fail;
	if (!sc.has_industry) {
		hp_error_set(&err, HP_EINVAL, "industry",
			     "missing (simulate needs the scenario's cohorts; see docs/scenario.md)");
		goto fail;
	}
	snprintf(hist, sizeof(hist), "%s/btc_usd_daily.csv", ctx->data_dir);
	if (hp_scenario_load_history(&sc, hist, &err))
		goto fail;
	if (o.db.given && (rc = start_from_db(ctx, &o.db, &sc)))
		goto out;

	cfg.npaths = (uint64_t)sc.market.paths;
	cfg.seed = sc.market.seed;
	cfg.alpha = 0.005;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.threads = ncpu > 0 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
	rp.every = 30;
	if (o.paths) {
		if (hp_parse_int64(o.paths, 1, 1000000, &v, "--paths", &err))
			goto fail;
		cfg.npaths = (uint64_t)v;
	}
	if (o.seed) {
		if (hp_parse_int64(o.seed, 0, INT64_MAX, &v, "--seed", &err))
			goto fail;
		cfg.seed = (uint64_t)v;
	}
	if (o.threads) {
		if (hp_parse_int64(o.threads, 1, HP_MC_THREADS_MAX, &v, "--threads", &err))
			goto fail;
		cfg.threads = (unsigned)v;
	}
	if (o.every) {
		if (hp_parse_int64(o.every, 1, 36500, &v, "--every", &err))
			goto fail;
		rp.every = v;
	}
	if (o.trace) {
		if (hp_parse_int64(o.trace, 0, INT64_MAX, &trace_path, "--trace", &err))
			goto fail;
	}
	if (o.qerr) {
		if (hp_parse_double(o.qerr, 0.01, 10, &x, "--quantile-error-pct", &err))
			goto fail;
		cfg.alpha = x / 100;
	}
	if (o.years) {
		if (hp_parse_double(o.years, 0.01, 60, &x, "--years", &err))
			goto fail;
		sc.industry.ndays = (int64_t)floor(x * 365.25 + 0.5);
		if (sc.industry.ndays < 1)
			sc.industry.ndays = 1;
		if (hp_price_model_check(&sc.market.price, sc.industry.ndays, &err)) {
			hp_error_prefix(&err, "--years: market.price.");
			goto fail;
		}
	}
	if (o.block_level)
		sc.industry.block_level = true;
	if (o.rule) {
		if (hp_daa_rule_parse(o.rule, "--rule", &sc.industry.daa.rule, &err))
			goto fail;
		if (sc.industry.daa.rule != HP_DAA_BITCOIN && !sc.industry.block_level) {
			rc = cli_usage_error(ctx, "--rule: \"%s\" needs --block-level",
					     hp_daa_rule_name(sc.industry.daa.rule));
			goto out;
		}
	}
	if (hp_industry_check(&sc.industry, &err))
		goto fail;
	if (ctx->max_days && sc.industry.ndays > ctx->max_days) {
		rc = cli_usage_error(ctx, "--years: %lld days is over this server's limit of %lld days",
				     (long long)sc.industry.ndays, (long long)ctx->max_days);
		goto out;
	}
	if (ctx->max_path_days &&
	    (double)cfg.npaths * (double)sc.industry.ndays > (double)ctx->max_path_days) {
		rc = cli_usage_error(ctx, "--paths: %llu paths x %lld days is over this server's "
				     "budget of %llu path-days",
				     (unsigned long long)cfg.npaths, (long long)sc.industry.ndays,
				     (unsigned long long)ctx->max_path_days);
		goto out;
	}
	if (ctx->check_only) {
		rc = 0;
		goto out;
	}
	/* an output directory that cannot be made fails before the run */
	if (o.out && !cli_outdir(o.out, "--out", &err))
		goto fail;
	if (o.report && !cli_report_check(ctx, o.report, &err))
		goto fail;
	if (o.progress || isatty(fileno(ctx->err))) {
		cli_progress_start(&pg, ctx->cmd ? ctx->cmd->name : "simulate", ctx->err);
		cfg.progress = cli_progress_show;
		cfg.progress_ctx = &pg;
	} else if (ctx->progress) {
		cfg.progress = cli_ctx_progress;
		cfg.progress_ctx = ctx;
	}
	cfg.cancel = ctx->cancel;
	cfg.first_path = 0;
	if (runner->run(&sc.industry, &cfg, &r, &writer, &err))
		goto fail;
	if (!writer) {
		rc = 0;
		goto out;
	}
	if (!all_summarised(&sc.industry, &r, &err))
		goto fail;
	rp.sc = &sc;
	rp.ind = &sc.industry;
	rp.r = &r;
	rp.seed = cfg.seed;
	rp.alpha = cfg.alpha;
	if (o.out && !write_out(o.out, &rp, &err))
		goto fail;
	if (o.trace && !write_trace(o.out, &sc.industry, cfg.seed, (uint64_t)trace_path, &err))
		goto fail;
	doc = ctx->json || o.report ? summary_json(&rp) : NULL;
	if (o.report && !write_report(ctx, argc, argv, &o, &rp, doc, &err)) {
		json_decref(doc);
		goto fail;
	}
	if (!ctx->json) {
		json_decref(doc);
		doc = human_json(&rp);
	}
	rc = cli_emit(ctx, doc);
	goto out;

fail:
	rc = cli_fail(ctx, &err);
out:
	hp_industry_result_release(&r);
	hp_scenario_release(&sc);
	hp_catalog_release(&cat);
	return rc;
}

static const struct cli_sim_runner *sim_runner;

void cli_set_sim_runner(const struct cli_sim_runner *runner)
{
	sim_runner = runner;
}

int cmd_simulate(int argc, char **argv, struct cli_ctx *ctx)
{
	return cli_simulate(argc, argv, ctx, sim_runner);
}
