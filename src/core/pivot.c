/*
 * pivot.c - strategies of the AI/HPC pivot under Monte Carlo
 * (include/hashpivot/pivot.h; equations in docs/model.md "Pivot").
 *
 * A run has three stages:
 *   setup    the calendar, the network path's BTC per PH/s per month, each
 *            fleet line's BTC and per-kWh cost per month if it runs all
 *            month, each strategy's removal of machines and its hosting
 *            flows where they do not depend on the path;
 *   pass 1   (wait strategies only) every path's monthly mean prices, then
 *            the least-squares Monte Carlo rule and each path's start month;
 *   pass 2   every path: the daily prices, then each strategy's monthly
 *            flows, NPV, payback and treasury, into per-path slots.
 * Paths are handed out in chunks of CHUNK to the threads; a chunk's sums
 * go to that chunk's own slot, so every reduction is done afterwards in
 * path (chunk) order and the result does not depend on the thread count.
 */
#include "hashpivot/pivot.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/hpc.h"
#include "hashpivot/mining.h"
#include "hashpivot/price.h"
#include "hashpivot/rng.h"

#define CHUNK 64
#define SUBSTREAM_STRIDE 256 /* per-conversion HPC streams: HP_RNG_HPC + 256 (1 + j) */

static const struct hp_strategy keep_mining = { .name = "keep mining" };

/* ------------------------------------------------------------------ */
/* setup                                                                */
/* ------------------------------------------------------------------ */

struct line {
	size_t site;
	double ths;          /* effective TH/s: count x hashrate x uptime */
	double mw;           /* nameplate facility MW: count x power x PUE */
	double kw;           /* mean facility draw: count x power x PUE x uptime */
	double j_per_th;
	int64_t first_month; /* in service from this month */
};

struct plan {
	const struct hp_strategy *st;
	size_t index;              /* in the scenario (or 0 for the implicit one) */
	double *removed;           /* nconv x nlines: share of each line a conversion removes */
	struct hp_hpc_month *fixed; /* nconv x nmonths: flows of fixed-start conversions
				       without a random default; NULL rows otherwise */
	bool *per_path;            /* nconv: flows computed per path */
	int64_t *start;            /* wait: npaths start months (-1: never) */
};

struct slot {                      /* per strategy and path */
	double npv, payback, capex, hosting, btc_mined;
	double sold[HP_SALE_NCAUSES], sold_usd[HP_SALE_NCAUSES], sold_total;
	double end_btc, end_cash, end_net, yield, loss;
	double out_of_cash_month, first_call_month, liquidation_month;
	bool beats;
};

struct run {
	const struct hp_scenario *s;
	const struct hp_pivot_config *cfg;
	struct hp_pivot_result *out;
	size_t nmonths, npaths, nchunks;
	int64_t ndays;
	int64_t *bounds;          /* nmonths + 1 */
	int64_t *month_days;      /* nmonths */
	double disc;              /* monthly discount factor */
	struct line *lines;
	size_t nlines;
	double *line_btc;         /* nlines x nmonths */
	double *line_cost;        /* nlines x nmonths */
	double fixed_usd_month;   /* site opex + SG&A + interest */
	struct plan *plans;
	size_t nplans;
	size_t baseline;          /* plan index, or nplans */
	double *pbar;             /* pass 1: npaths x nmonths mean prices */
	double *state;            /* pass 1: npaths x nmonths price at each month start */
	struct slot *slots;       /* nplans x npaths */
	double *chunk_inc;        /* nplans x nchunks x nmonths: sums of incremental FCF */
	float *series;            /* nplans x 4 x npaths x (nmonths + 1), or NULL */
	float *price_series;      /* npaths x (nmonths + 1), or NULL */
	/* threads */
	atomic_size_t next_chunk;
	atomic_size_t done;
	int pass;
	atomic_int failed;
	atomic_int canceled;      /* cfg->cancel was seen set */
};

static double line_share_left(const struct run *r, const struct plan *pl, const int64_t *start,
			      size_t l, size_t m)
{
	double left = 1;
	size_t j;

	for (j = 0; j < pl->st->nconv; j++)
		if (start[j] >= 0 && (size_t)start[j] <= m)
			left -= pl->removed[j * r->nlines + l];
	return left > 0 ? left : 0;
}

/* The share of each line conversion j of the plan removes: the site's
 * spare grid capacity goes first, then the least efficient lines. */
static void plan_removal(struct run *r, struct plan *pl)
{
	const struct hp_strategy *st = pl->st;
	size_t j, l, nl = r->nlines;
	double *left_mw = hp_calloc(nl ? nl : 1, sizeof(double));
	double *spare = hp_calloc(r->s->nsites, sizeof(double));

	if (!left_mw || !spare)
		goto out;
	for (l = 0; l < nl; l++) {
		left_mw[l] = r->lines[l].mw;
		spare[r->lines[l].site] += r->lines[l].mw;
	}
	for (j = 0; j < r->s->nsites; j++)
		spare[j] = r->s->sites[j].grid_mw - spare[j];
	for (j = 0; j < st->nconv; j++) {
		const struct hp_strategy_conversion *c = &st->conv[j];
		size_t site = c->site;
		double need = c->kind == HP_CONVERT_COLOCATION ? c->colo.conv.grid_mw
							       : c->gpu.conv.grid_mw;
		double from_spare = spare[site] > 0 ? (spare[site] < need ? spare[site] : need) : 0;
		spare[site] -= from_spare;
		need -= from_spare;
		while (need > 0) {
			size_t worst = nl;
			for (l = 0; l < nl; l++)
				if (r->lines[l].site == site && left_mw[l] > 0 &&
				    (worst == nl || r->lines[l].j_per_th > r->lines[worst].j_per_th))
					worst = l;
			if (worst == nl)
				break;
			double take = left_mw[worst] < need ? left_mw[worst] : need;
			pl->removed[j * nl + worst] += take / r->lines[worst].mw;
			left_mw[worst] -= take;
			need -= take;
		}
	}
out:
	hp_free(left_mw);
	hp_free(spare);
}

static void conversion_months(const struct run *r, const struct hp_strategy_conversion *c,
			      int64_t start, int64_t default_month, bool expected,
			      struct hp_hpc_month *out)
{
	if (c->kind == HP_CONVERT_COLOCATION)
		hp_hpc_colocation_months(&c->colo, start, default_month, expected, r->month_days,
					 r->nmonths, out);
	else
		hp_hpc_gpu_months(&c->gpu, start, r->month_days, r->nmonths, out);
}

static bool random_default(const struct hp_strategy_conversion *c)
{
	return c->kind == HP_CONVERT_COLOCATION && c->colo.default_probability_pct_per_year > 0;
}

static enum hp_status setup(struct run *r, struct hp_error *err)
{
	const struct hp_scenario *s = r->s;
	const struct hp_scenario_market *mk = &s->market;
	size_t i, j, l, m, nl = 0;
	double *btc_day = NULL;
	enum hp_status ret;

	r->nmonths = (size_t)mk->horizon_months;
	if (!(r->bounds = hp_malloc((r->nmonths + 1) * sizeof(*r->bounds))) ||
	    !(r->month_days = hp_malloc(r->nmonths * sizeof(*r->month_days))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	hp_finance_month_bounds(mk->start_day, r->nmonths, r->bounds);
	r->ndays = r->bounds[r->nmonths];
	for (m = 0; m < r->nmonths; m++)
		r->month_days[m] = r->bounds[m + 1] - r->bounds[m];
	r->disc = 1 / (1 + hp_finance_monthly_rate(s->pivot.discount_rate_pct_per_year));

	if (!(btc_day = hp_malloc((size_t)r->ndays * sizeof(*btc_day))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	if ((ret = hp_mining_network_path(&mk->network, r->ndays, NULL, btc_day, err)) != HP_OK) {
		hp_free(btc_day);
		return ret;
	}

	for (i = 0; i < s->nsites; i++)
		nl += s->sites[i].nfleet;
	r->nlines = nl;
	if (!(r->lines = hp_calloc(nl ? nl : 1, sizeof(*r->lines))) ||
	    !(r->line_btc = hp_calloc(nl * r->nmonths + 1, sizeof(double))) ||
	    !(r->line_cost = hp_calloc(nl * r->nmonths + 1, sizeof(double)))) {
		hp_free(btc_day);
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	}
	l = 0;
	for (i = 0; i < s->nsites; i++) {
		const struct hp_site *site = &s->sites[i];
		double price = site->power_price_file ? hp_power_series_mean(&site->prices) / 1000
						      : site->power_price_usd_per_kwh;
		r->fixed_usd_month += site->opex_usd_per_year / 12;
		for (j = 0; j < site->nfleet; j++, l++) {
			const struct hp_fleet_entry *e = &site->fleet[j];
			struct line *ln = &r->lines[l];
			double kw = (double)e->count * e->machine.power_w * site->pue / 1000 *
				    e->uptime_pct / 100;
			ln->site = i;
			ln->ths = (double)e->count * e->machine.hashrate_ths * e->uptime_pct / 100;
			ln->mw = (double)e->count * e->machine.power_w * site->pue / 1e6;
			ln->kw = kw;
			ln->j_per_th = e->machine.power_w / e->machine.hashrate_ths;
			ln->first_month = 0;
			if (e->has_in_service) {
				int64_t day = e->in_service / 86400 - (e->in_service % 86400 < 0);
				while (ln->first_month < (int64_t)r->nmonths &&
				       r->bounds[ln->first_month + 1] + mk->start_day <= day)
					ln->first_month++;
			}
			for (m = 0; m < r->nmonths; m++) {
				double sum = 0;
				for (int64_t d = r->bounds[m]; d < r->bounds[m + 1]; d++)
					sum += btc_day[d];
				r->line_btc[l * r->nmonths + m] = ln->ths / 1000 * sum;
				r->line_cost[l * r->nmonths + m] =
					kw * 24 * (double)r->month_days[m] *
					(price + site->hosting_usd_per_kwh);
			}
		}
	}
	hp_free(btc_day);
	r->fixed_usd_month += (s->company.sga_usd_per_year + s->company.interest_usd_per_year) / 12;
	return HP_OK;
}

static enum hp_status setup_plans(struct run *r, struct hp_error *err)
{
	const struct hp_scenario *s = r->s;
	size_t i, j, n;

	n = s->pivot.nstrategies ? (r->cfg->has_only ? 1 : s->pivot.nstrategies) : 1;
	if (!(r->plans = hp_calloc(n, sizeof(*r->plans))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	r->nplans = n;
	r->baseline = n;
	for (i = 0; i < n; i++) {
		struct plan *pl = &r->plans[i];
		size_t idx = r->cfg->has_only ? r->cfg->only : i;
		pl->st = s->pivot.nstrategies ? &s->pivot.strategies[idx] : &keep_mining;
		pl->index = idx;
		if (pl->st->nconv == 0 && r->baseline == n)
			r->baseline = i;
		if (!pl->st->nconv)
			continue;
		if (!(pl->removed = hp_calloc(pl->st->nconv * (r->nlines ? r->nlines : 1),
					      sizeof(double))) ||
		    !(pl->fixed = hp_calloc(pl->st->nconv * r->nmonths, sizeof(*pl->fixed))) ||
		    !(pl->per_path = hp_calloc(pl->st->nconv, sizeof(bool))))
			return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		plan_removal(r, pl);
		for (j = 0; j < pl->st->nconv; j++) {
			const struct hp_strategy_conversion *c = &pl->st->conv[j];
			pl->per_path[j] = pl->st->wait || random_default(c);
			if (!pl->per_path[j])
				conversion_months(r, c, c->start_month, -1, false,
						  &pl->fixed[j * r->nmonths]);
		}
		if (pl->st->wait && !(pl->start = hp_malloc(r->npaths * sizeof(int64_t))))
			return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	}
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* one path                                                             */
/* ------------------------------------------------------------------ */

struct work {
	double *price;               /* ndays + 1 */
	double *pbar;                /* nmonths */
	double *fcf;                 /* nmonths + 1 (cf[0] = 0) */
	double *base;                /* nmonths + 1: the baseline's */
	double *inc;                 /* nmonths + 1 */
	struct hp_hpc_month *hpc;    /* nmonths */
	struct hp_treasury_flows *flows; /* nmonths */
	struct hp_treasury_month *months; /* nmonths + 1 */
	int64_t start[64];           /* per conversion (CONVERSIONS_MAX in the scenario) */
};

static void month_means(const struct run *r, const double *price, double *pbar)
{
	size_t m;

	for (m = 0; m < r->nmonths; m++) {
		double sum = 0;
		for (int64_t d = r->bounds[m] + 1; d <= r->bounds[m + 1]; d++)
			sum += price[d];
		pbar[m] = sum / (double)r->month_days[m];
	}
}

static double month_of_day(const struct run *r, int64_t day)
{
	size_t m = 0;

	if (day < 0)
		return NAN;
	while (m + 1 < r->nmonths && r->bounds[m + 1] < day)
		m++;
	return (double)m;
}

static void run_plan(struct run *r, struct work *w, size_t pi, size_t path)
{
	const struct plan *pl = &r->plans[pi];
	const struct hp_strategy *st = pl->st;
	struct slot *sl = &r->slots[pi * r->npaths + path];
	struct hp_treasury_result tr;
	struct hp_rng rng;
	size_t m, l, j, n = r->nmonths;

	memset(sl, 0, sizeof(*sl));
	for (j = 0; j < st->nconv; j++)
		w->start[j] = st->wait ? pl->start[path] : st->conv[j].start_month;

	/* mining, fixed costs */
	for (m = 0; m < n; m++) {
		double btc = 0, cost = 0;
		for (l = 0; l < r->nlines; l++) {
			double share, b, c;
			if ((int64_t)m < r->lines[l].first_month)
				continue;
			share = st->nconv ? line_share_left(r, pl, w->start, l, m) : 1;
			b = r->line_btc[l * n + m];
			c = r->line_cost[l * n + m];
			if (share > 0 && b * w->pbar[m] >= c) {
				btc += share * b;
				cost += share * c;
			}
		}
		w->flows[m].btc_mined = btc;
		w->flows[m].revenue_usd = 0;
		w->flows[m].opex_usd = cost + r->fixed_usd_month;
		w->flows[m].capex_usd = 0;
		w->fcf[m + 1] = btc * w->pbar[m] - cost - r->fixed_usd_month;
		sl->btc_mined += btc;
	}
	w->fcf[0] = 0;

	/* hosting */
	for (j = 0; j < st->nconv; j++) {
		const struct hp_strategy_conversion *c = &st->conv[j];
		const struct hp_hpc_month *h;
		if (w->start[j] < 0)
			continue;
		if (pl->per_path[j]) {
			int64_t dm = -1;
			if (random_default(c)) {
				hp_rng_init(&rng, r->cfg->seed, path,
					    HP_RNG_HPC + SUBSTREAM_STRIDE * (1 + (uint64_t)j));
				dm = hp_hpc_default_month(c->colo.default_probability_pct_per_year,
							  c->colo.term_months, &rng);
			}
			conversion_months(r, c, w->start[j], dm, false, w->hpc);
			h = w->hpc;
		} else {
			h = &pl->fixed[j * n];
		}
		for (m = 0; m < n; m++) {
			w->flows[m].revenue_usd += h[m].revenue_usd;
			w->flows[m].opex_usd += h[m].power_usd + h[m].opex_usd;
			w->flows[m].capex_usd += h[m].capex_usd;
			w->fcf[m + 1] += h[m].revenue_usd - h[m].power_usd - h[m].opex_usd -
					 h[m].capex_usd;
			sl->capex += h[m].capex_usd;
			sl->hosting += h[m].revenue_usd;
		}
	}
	sl->npv = hp_finance_npv(w->fcf, n + 1, 1 / r->disc - 1);

	/* against the baseline (run first) */
	if (r->baseline < r->nplans && pi != r->baseline) {
		struct hp_payback_period pb;
		double *sum = &r->chunk_inc[(pi * r->nchunks + path / CHUNK) * n];
		for (m = 0; m <= n; m++)
			w->inc[m] = w->fcf[m] - w->base[m];
		for (m = 0; m < n; m++)
			sum[m] += w->inc[m + 1];
		hp_finance_payback(w->inc, n + 1, 0, &pb);
		sl->payback = pb.paid_back ? pb.periods : NAN;
		sl->beats = sl->npv > r->slots[r->baseline * r->npaths + path].npv;
	}
	if (pi == r->baseline)
		memcpy(w->base, w->fcf, (n + 1) * sizeof(double));

	/* treasury */
	memset(&tr, 0, sizeof(tr));
	tr.months = w->months;
	if (path == 0) {
		tr.events = r->out->strategies[pi].events;
		tr.events_cap = HP_PIVOT_EVENTS_MAX;
	}
	hp_rng_init(&rng, r->cfg->seed, path, HP_RNG_TREASURY);
	hp_treasury_run(&r->s->treasury, w->price, r->bounds, n, w->flows, &rng, &tr);
	for (int k = 0; k < HP_SALE_NCAUSES; k++) {
		sl->sold[k] = tr.sold_btc[k];
		sl->sold_usd[k] = tr.sold_usd[k];
	}
	sl->sold_total = tr.sold_btc_total;
	sl->end_btc = tr.end.total_btc;
	sl->end_cash = tr.end.cash_usd;
	sl->end_net = tr.end.net_usd;
	sl->yield = tr.yield_btc;
	sl->loss = tr.defi_loss_btc;
	sl->out_of_cash_month = tr.out_of_cash_month >= 0 ? (double)tr.out_of_cash_month : NAN;
	sl->first_call_month = month_of_day(r, tr.first_margin_call_day);
	if (path == 0) {
		r->out->strategies[pi].nevents = tr.nevents;
		r->out->strategies[pi].events_dropped = tr.events_dropped;
	}
	sl->liquidation_month = month_of_day(r, tr.liquidation_day);

	if (r->series) {
		float *b = r->series + ((pi * 4 + 0) * r->npaths + path) * (n + 1);
		float *c = r->series + ((pi * 4 + 1) * r->npaths + path) * (n + 1);
		float *e = r->series + ((pi * 4 + 2) * r->npaths + path) * (n + 1);
		float *f = r->series + ((pi * 4 + 3) * r->npaths + path) * (n + 1);
		double cum = 0;
		for (m = 0; m <= n; m++) {
			b[m] = (float)w->months[m].total_btc;
			c[m] = (float)w->months[m].cash_usd;
			e[m] = (float)w->months[m].net_usd;
			cum += w->fcf[m];
			f[m] = (float)cum;
		}
	}
}

static void run_path(struct run *r, struct work *w, size_t path)
{
	const struct hp_price_model *pm = &r->s->market.price;
	size_t pi, m;

	hp_price_path(pm, r->cfg->seed, path, r->ndays, w->price);
	if (r->pass == 1) {
		month_means(r, w->price, &r->pbar[path * r->nmonths]);
		for (m = 0; m < r->nmonths; m++)
			r->state[path * r->nmonths + m] = w->price[r->bounds[m]];
		return;
	}
	if (r->pbar)
		memcpy(w->pbar, &r->pbar[path * r->nmonths], r->nmonths * sizeof(double));
	else
		month_means(r, w->price, w->pbar);
	if (r->price_series)
		for (m = 0; m <= r->nmonths; m++)
			r->price_series[path * (r->nmonths + 1) + m] =
				(float)w->price[r->bounds[m]];
	if (r->baseline < r->nplans)
		run_plan(r, w, r->baseline, path);
	for (pi = 0; pi < r->nplans; pi++)
		if (pi != r->baseline)
			run_plan(r, w, pi, path);
}

/* ------------------------------------------------------------------ */
/* threads                                                              */
/* ------------------------------------------------------------------ */

static void work_release(struct work *w)
{
	hp_free(w->price);
	hp_free(w->pbar);
	hp_free(w->fcf);
	hp_free(w->base);
	hp_free(w->inc);
	hp_free(w->hpc);
	hp_free(w->flows);
	hp_free(w->months);
}

static bool work_init(const struct run *r, struct work *w)
{
	size_t n = r->nmonths;

	memset(w, 0, sizeof(*w));
	w->price = hp_malloc(((size_t)r->ndays + 1) * sizeof(double));
	w->pbar = hp_malloc(n * sizeof(double));
	w->fcf = hp_malloc((n + 1) * sizeof(double));
	w->base = hp_calloc(n + 1, sizeof(double));
	w->inc = hp_malloc((n + 1) * sizeof(double));
	w->hpc = hp_malloc(n * sizeof(*w->hpc));
	w->flows = hp_malloc(n * sizeof(*w->flows));
	w->months = hp_malloc((n + 1) * sizeof(*w->months));
	if (w->price && w->pbar && w->fcf && w->base && w->inc && w->hpc && w->flows && w->months)
		return true;
	work_release(w);
	return false;
}

struct worker {
	struct run *r;
	bool main;
};

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct run *r = wk->r;
	size_t total = r->npaths * (r->pbar ? 2 : 1), last = 0;
	size_t offset = r->pass == 2 && r->pbar ? r->npaths : 0;
	struct work w;

	if (!work_init(r, &w)) {
		atomic_store(&r->failed, 1);
		return NULL;
	}
	for (;;) {
		size_t c = atomic_fetch_add(&r->next_chunk, 1), p, end;
		if (c >= r->nchunks || atomic_load(&r->failed) || atomic_load(&r->canceled))
			break;
		if (r->cfg->cancel && atomic_load(r->cfg->cancel)) {
			atomic_store(&r->canceled, 1);
			break;
		}
		end = (c + 1) * CHUNK < r->npaths ? (c + 1) * CHUNK : r->npaths;
		for (p = c * CHUNK; p < end; p++)
			run_path(r, &w, p);
		size_t done = atomic_fetch_add(&r->done, end - c * CHUNK) + end - c * CHUNK;
		if (wk->main && r->cfg->progress && (done - last) * 100 >= total) {
			r->cfg->progress(r->cfg->progress_ctx, offset + done, total);
			last = done;
		}
	}
	work_release(&w);
	return NULL;
}

static enum hp_status run_pass(struct run *r, int pass, struct hp_error *err)
{
	pthread_t tid[HP_PIVOT_THREADS_MAX];
	struct worker wk[HP_PIVOT_THREADS_MAX];
	unsigned t, started = 0, n = r->cfg->threads;

	r->pass = pass;
	atomic_store(&r->next_chunk, 0);
	atomic_store(&r->done, 0);
	if (n > r->nchunks)
		n = (unsigned)r->nchunks;
	for (t = 0; t < n; t++) {
		wk[t].r = r;
		wk[t].main = t == 0;
	}
	for (t = 1; t < n; t++) {
		if (pthread_create(&tid[t], NULL, worker_main, &wk[t]) != 0)
			break;
		started++;
	}
	worker_main(&wk[0]);
	for (t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	if (atomic_load(&r->failed))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	if (atomic_load(&r->canceled))
		return hp_error_set(err, HP_ECANCELED, NULL, "canceled");
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* wait strategies: the option to convert                              */
/* ------------------------------------------------------------------ */

static enum hp_status value_wait(struct run *r, struct plan *pl, struct hp_pivot_strategy *out,
				 struct hp_error *err)
{
	const struct hp_strategy *st = pl->st;
	size_t n = r->nmonths, np = r->npaths, k, p, m, l, j;
	size_t nsteps = (size_t)(st->wait_until_month / st->wait_every_months) + 1;
	double *running = NULL, *exercise = NULL, *state = NULL, *removed = NULL;
	double *share = NULL, *lo = NULL, *hi = NULL;
	struct hp_hpc_month *h = NULL;
	int64_t *stop = NULL;
	struct hp_lsm_input in;
	struct hp_lsm_result res;
	enum hp_status ret = HP_ENOMEM;

	if (!(running = hp_malloc(np * nsteps * sizeof(double))) ||
	    !(exercise = hp_malloc(np * nsteps * sizeof(double))) ||
	    !(state = hp_malloc(np * nsteps * sizeof(double))) ||
	    !(removed = hp_calloc(r->nlines + 1, sizeof(double))) ||
	    !(share = hp_malloc(nsteps * sizeof(double))) ||
	    !(lo = hp_malloc(nsteps * sizeof(double))) ||
	    !(hi = hp_malloc(nsteps * sizeof(double))) ||
	    !(h = hp_malloc(n * sizeof(*h))) || !(stop = hp_malloc(np * sizeof(int64_t)))) {
		hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (j = 0; j < st->nconv; j++)
		for (l = 0; l < r->nlines; l++)
			removed[l] += pl->removed[j * r->nlines + l];

	/* exercise: the PV at the date of the expected hosting flows begun then */
	for (k = 0; k < nsteps; k++) {
		int64_t t = (int64_t)k * st->wait_every_months;
		double pv = 0;
		for (j = 0; j < st->nconv; j++) {
			double f = 1;
			conversion_months(r, &st->conv[j], t, -1, true, h);
			for (m = (size_t)t; m < n; m++) {
				f *= r->disc;
				pv += f * (h[m].revenue_usd - h[m].power_usd - h[m].opex_usd -
					   h[m].capex_usd);
			}
		}
		for (p = 0; p < np; p++)
			exercise[p * nsteps + k] = pv;
	}
	/* running: the PV at the date of the margin of the machines that would
	 * go, until the next date (the last date: to the horizon) */
	for (p = 0; p < np; p++) {
		const double *pbar = &r->pbar[p * n];
		for (k = 0; k < nsteps; k++) {
			size_t t0 = k * (size_t)st->wait_every_months;
			size_t t1 = k + 1 < nsteps ? t0 + (size_t)st->wait_every_months : n;
			double pv = 0, f = 1;
			for (m = t0; m < t1; m++) {
				double margin = 0;
				f *= r->disc;
				for (l = 0; l < r->nlines; l++) {
					double b = r->line_btc[l * n + m] * pbar[m];
					double c = r->line_cost[l * n + m];
					if (removed[l] > 0 && (int64_t)m >= r->lines[l].first_month &&
					    b >= c)
						margin += removed[l] * (b - c);
				}
				pv += f * margin;
			}
			running[p * nsteps + k] = pv;
			state[p * nsteps + k] = r->state[p * n + t0];
		}
	}
	memset(&in, 0, sizeof(in));
	in.npaths = np;
	in.nsteps = nsteps;
	in.state = state;
	in.exercise = exercise;
	in.running = running;
	in.discount = pow(r->disc, (double)st->wait_every_months);
	in.degree = 3;
	in.itm_only = false;
	memset(&res, 0, sizeof(res));
	res.stop_share = share;
	res.boundary_low = lo;
	res.boundary_high = hi;
	res.stop_step = stop;
	if (np < in.degree + 2) {
		in.degree = np >= 3 ? (unsigned)np - 2 : 1;
	}
	if (np < 3) {
		/* too few paths to regress: decide on today's values alone */
		double now = exercise[0], never = 0;
		for (p = 0; p < np; p++) {
			double f = 1, v = 0;
			for (k = 0; k < nsteps; k++, f *= in.discount)
				v += f * running[p * nsteps + k];
			never += v / (double)np;
		}
		for (p = 0; p < np; p++)
			stop[p] = now > never ? 0 : (int64_t)nsteps;
		for (k = 0; k < nsteps; k++) {
			share[k] = k == 0 && now > never ? 1 : 0;
			lo[k] = hi[k] = k == 0 && now > never ? r->state[0] : NAN;
		}
		res.value = now > never ? now : never;
		res.never_value = never;
		res.exercise_probability = now > never;
	} else if ((ret = hp_finance_lsm(&in, &res, err)) != HP_OK) {
		goto out;
	}
	out->wait_value_usd = res.value;
	out->wait_now_value_usd = exercise[0];
	out->wait_never_value_usd = res.never_value;
	out->nrule = nsteps;
	if (!(out->rule = hp_calloc(nsteps, sizeof(*out->rule)))) {
		ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (k = 0; k < nsteps; k++) {
		out->rule[k].month = (int64_t)k * st->wait_every_months;
		out->rule[k].convert_share = share[k];
		out->rule[k].convert_below_usd = hi[k];
		out->rule[k].continue_above_usd = lo[k];
	}
	for (p = 0; p < np; p++)
		pl->start[p] = stop[p] < (int64_t)nsteps ? stop[p] * st->wait_every_months : -1;
	ret = HP_OK;
out:
	hp_free(running);
	hp_free(exercise);
	hp_free(state);
	hp_free(removed);
	hp_free(share);
	hp_free(lo);
	hp_free(hi);
	hp_free(h);
	hp_free(stop);
	return ret;
}

/* ------------------------------------------------------------------ */
/* summaries                                                            */
/* ------------------------------------------------------------------ */

/* Neumaier-compensated mean, in index order. */
static double mean_of(const double *x, size_t n)
{
	double sum = 0, c = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++) {
		double t = sum + x[i];
		c += fabs(sum) >= fabs(x[i]) ? (sum - t) + x[i] : (x[i] - t) + sum;
		sum = t;
	}
	return (sum + c) / (double)n;
}

/* Mean and quantiles of the finite values of x[0..n) (taken with stride),
 * the mean in path order; all NaN when none is finite. */
static void dist_of(const double *x, size_t n, size_t stride, double *scratch,
		    struct hp_pivot_dist *d)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (isfinite(x[i * stride]))
			scratch[k++] = x[i * stride];
	if (!k) {
		d->mean = d->p5 = d->p25 = d->p50 = d->p75 = d->p95 = NAN;
		return;
	}
	d->mean = mean_of(scratch, k);
	hp_finance_sort(scratch, k);
	d->p5 = hp_finance_quantile_sorted(scratch, k, 0.05);
	d->p25 = hp_finance_quantile_sorted(scratch, k, 0.25);
	d->p50 = hp_finance_quantile_sorted(scratch, k, 0.50);
	d->p75 = hp_finance_quantile_sorted(scratch, k, 0.75);
	d->p95 = hp_finance_quantile_sorted(scratch, k, 0.95);
}

#define SLOT_DIST(field, dst)                                                                  \
	do {                                                                                   \
		for (p = 0; p < np; p++)                                                       \
			tmp[p] = slots[p].field;                                               \
		dist_of(tmp, np, 1, scratch, (dst));                                           \
	} while (0)

static enum hp_status series_of(const float *base, size_t np, size_t n, double *scratch,
				struct hp_pivot_series *s, struct hp_error *err)
{
	size_t m, p;

	if (!(s->p5 = hp_malloc((n + 1) * sizeof(double))) ||
	    !(s->p25 = hp_malloc((n + 1) * sizeof(double))) ||
	    !(s->p50 = hp_malloc((n + 1) * sizeof(double))) ||
	    !(s->p75 = hp_malloc((n + 1) * sizeof(double))) ||
	    !(s->p95 = hp_malloc((n + 1) * sizeof(double))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	for (m = 0; m <= n; m++) {
		for (p = 0; p < np; p++)
			scratch[p] = base[p * (n + 1) + m];
		hp_finance_sort(scratch, np);
		s->p5[m] = hp_finance_quantile_sorted(scratch, np, 0.05);
		s->p25[m] = hp_finance_quantile_sorted(scratch, np, 0.25);
		s->p50[m] = hp_finance_quantile_sorted(scratch, np, 0.50);
		s->p75[m] = hp_finance_quantile_sorted(scratch, np, 0.75);
		s->p95[m] = hp_finance_quantile_sorted(scratch, np, 0.95);
	}
	return HP_OK;
}

static void series_release(struct hp_pivot_series *s)
{
	hp_free(s->p5);
	hp_free(s->p25);
	hp_free(s->p50);
	hp_free(s->p75);
	hp_free(s->p95);
	memset(s, 0, sizeof(*s));
}

static enum hp_status summarise(struct run *r, struct hp_pivot_result *out, struct hp_error *err)
{
	size_t np = r->npaths, n = r->nmonths, pi, p, m, k, c;
	double *tmp = hp_malloc((np > n + 1 ? np : n + 1) * sizeof(double));
	double *scratch = hp_malloc((np > n + 1 ? np : n + 1) * sizeof(double));
	double *mean_inc = hp_calloc(n + 1, sizeof(double));
	enum hp_status ret = HP_OK;

	if (!tmp || !scratch || !mean_inc) {
		ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		goto out;
	}
	for (pi = 0; pi < r->nplans; pi++) {
		const struct plan *pl = &r->plans[pi];
		const struct slot *slots = &r->slots[pi * np];
		struct hp_pivot_strategy *o = &out->strategies[pi];
		size_t count;

		o->strategy = pl->st;
		SLOT_DIST(npv, &o->npv_usd);
		o->has_baseline = r->baseline < r->nplans;
		if (o->has_baseline) {
			const struct slot *bs = &r->slots[r->baseline * np];
			for (p = 0; p < np; p++)
				tmp[p] = slots[p].npv - bs[p].npv;
			dist_of(tmp, np, 1, scratch, &o->npv_vs_mining_usd);
			count = 0;
			for (p = 0; p < np; p++)
				count += slots[p].beats;
			o->p_npv_beats_mining = (double)count / (double)np;
		}
		/* the mean incremental stream: chunk sums in chunk order */
		o->irr.kind = HP_IRR_NONE;
		o->irr.rate = NAN;
		o->irr_pct_per_year = NAN;
		o->payback.paid_back = false;
		o->payback.periods = NAN;
		o->p_paid_back = NAN;
		if (o->has_baseline && pi != r->baseline) {
			memset(mean_inc, 0, (n + 1) * sizeof(double));
			for (c = 0; c < r->nchunks; c++)
				for (m = 0; m < n; m++)
					mean_inc[m + 1] += r->chunk_inc[(pi * r->nchunks + c) * n + m];
			for (m = 1; m <= n; m++)
				mean_inc[m] /= (double)np;
			if ((ret = hp_finance_irr(mean_inc, n + 1, &o->irr, err)) != HP_OK)
				goto out;
			if (o->irr.kind == HP_IRR_UNIQUE)
				o->irr_pct_per_year = 100 * (pow(1 + o->irr.rate, 12) - 1);
			hp_finance_payback(mean_inc, n + 1, 0, &o->payback);
			/* a stream that never goes negative has nothing to pay back:
			 * no payback to report (a wait strategy that never converts) */
			for (m = 1; m <= n && mean_inc[m] >= 0; m++)
				;
			if (m > n) {
				o->payback.paid_back = false;
				o->payback.periods = NAN;
			}
			count = 0;
			for (p = 0; p < np; p++)
				count += isfinite(slots[p].payback);
			o->p_paid_back = (double)count / (double)np;
		}
		for (p = 0; p < np; p++)
			tmp[p] = slots[p].capex;
		o->capex_usd = mean_of(tmp, np);
		for (p = 0; p < np; p++)
			tmp[p] = slots[p].hosting;
		o->hosting_revenue_usd = mean_of(tmp, np);
		for (p = 0; p < np; p++)
			tmp[p] = slots[p].btc_mined;
		o->mining_btc = mean_of(tmp, np);

		count = 0;
		for (p = 0; p < np; p++)
			count += isfinite(slots[p].out_of_cash_month);
		o->p_out_of_cash = (double)count / (double)np;
		SLOT_DIST(out_of_cash_month, &o->out_of_cash_month);
		SLOT_DIST(sold_total, &o->btc_sold);
		for (k = 0; k < HP_SALE_NCAUSES; k++) {
			for (p = 0; p < np; p++)
				tmp[p] = slots[p].sold[k];
			o->btc_sold_by_cause[k] = mean_of(tmp, np);
			dist_of(tmp, np, 1, scratch, &o->btc_sold_by_cause_dist[k]);
			for (p = 0; p < np; p++)
				tmp[p] = slots[p].sold_usd[k];
			o->usd_from_sales_by_cause[k] = mean_of(tmp, np);
		}
		SLOT_DIST(end_btc, &o->end_btc);
		SLOT_DIST(end_cash, &o->end_cash_usd);
		SLOT_DIST(end_net, &o->end_net_usd);
		count = 0;
		for (p = 0; p < np; p++)
			count += isfinite(slots[p].first_call_month);
		o->p_margin_call = (double)count / (double)np;
		count = 0;
		for (p = 0; p < np; p++)
			count += isfinite(slots[p].liquidation_month);
		o->p_liquidation = (double)count / (double)np;
		SLOT_DIST(first_call_month, &o->first_margin_call_month);
		SLOT_DIST(liquidation_month, &o->liquidation_month);
		for (p = 0; p < np; p++)
			tmp[p] = slots[p].yield;
		o->defi_yield_btc = mean_of(tmp, np);
		for (p = 0; p < np; p++)
			tmp[p] = slots[p].loss;
		o->defi_loss_btc = mean_of(tmp, np);

		/* hosting per kWh in its first full service year */
		o->hosting_revenue_usd_per_kwh = NAN;
		o->hosting_revenue_usd_per_it_mw_year = NAN;
		o->hosting_margin_pct = NAN;
		if (pl->st->nconv) {
			double rev = 0, kwh = 0, it = 0, cost = 0;
			for (k = 0; k < pl->st->nconv; k++) {
				const struct hp_strategy_conversion *cv = &pl->st->conv[k];
				struct hp_hpc_steady sd;
				if (cv->kind == HP_CONVERT_COLOCATION)
					hp_hpc_colocation_steady(&cv->colo, &sd);
				else
					hp_hpc_gpu_steady(&cv->gpu, &sd);
				rev += sd.revenue_usd_per_it_mw_year * sd.it_mw;
				cost += sd.cost_usd_per_it_mw_year * sd.it_mw;
				if (sd.revenue_usd_per_kwh > 0)
					kwh += sd.revenue_usd_per_it_mw_year * sd.it_mw /
					       sd.revenue_usd_per_kwh;
				it += sd.it_mw;
			}
			o->hosting_revenue_usd_per_kwh = kwh > 0 ? rev / kwh : NAN;
			o->hosting_revenue_usd_per_it_mw_year = it > 0 ? rev / it : NAN;
			o->hosting_margin_pct = rev > 0 ? 100 * (rev - cost) / rev : NAN;
		}
		if (pl->st->wait) {
			count = 0;
			for (p = 0; p < np; p++) {
				tmp[p] = pl->start[p] >= 0 ? (double)pl->start[p] : NAN;
				count += pl->start[p] >= 0;
			}
			o->convert_share = (double)count / (double)np;
			dist_of(tmp, np, 1, scratch, &o->convert_month);
		}
		if (r->series) {
			struct hp_pivot_series *dst[4] = { &o->btc, &o->cash_usd, &o->net_usd,
							   &o->cum_fcf_usd };
			for (k = 0; k < 4; k++)
				if ((ret = series_of(r->series + (pi * 4 + k) * np * (n + 1), np, n,
						     scratch, dst[k], err)) != HP_OK)
					goto out;
		}
	}
	if (r->price_series && (ret = series_of(r->price_series, np, n, scratch, &out->price, err)) !=
				       HP_OK)
		goto out;
out:
	hp_free(tmp);
	hp_free(scratch);
	hp_free(mean_inc);
	return ret;
}

/* ------------------------------------------------------------------ */
/* the run                                                              */
/* ------------------------------------------------------------------ */

static void run_release(struct run *r)
{
	size_t i;

	for (i = 0; i < r->nplans; i++) {
		hp_free(r->plans[i].removed);
		hp_free(r->plans[i].fixed);
		hp_free(r->plans[i].per_path);
		hp_free(r->plans[i].start);
	}
	hp_free(r->plans);
	hp_free(r->bounds);
	hp_free(r->month_days);
	hp_free(r->lines);
	hp_free(r->line_btc);
	hp_free(r->line_cost);
	hp_free(r->pbar);
	hp_free(r->state);
	hp_free(r->slots);
	hp_free(r->chunk_inc);
	hp_free(r->series);
	hp_free(r->price_series);
}

enum hp_status hp_pivot_run(const struct hp_scenario *s, const struct hp_pivot_config *cfg,
			    struct hp_pivot_result *out, struct hp_error *err)
{
	struct run r;
	enum hp_status ret;
	size_t i, m;
	bool any_wait = false;

	memset(out, 0, sizeof(*out));
	if (cfg->paths < 1 || cfg->paths > 1000000)
		return hp_error_set(err, HP_EINVAL, "--paths", "must be in 1..1000000, got %zu",
				    cfg->paths);
	if (cfg->threads < 1 || cfg->threads > HP_PIVOT_THREADS_MAX)
		return hp_error_set(err, HP_EINVAL, "--threads", "must be in 1..%d, got %u",
				    HP_PIVOT_THREADS_MAX, cfg->threads);
	if (!s->has_as_of)
		return hp_error_set(err, HP_EINVAL, "as_of",
				    "missing (the months are calendar months from it)");
	if (s->market.price.kind == HP_PRICE_BOOTSTRAP && !s->market.price.history)
		return hp_error_set(err, HP_EINVAL, "market.price.history",
				    "not loaded (call hp_scenario_load_history)");
	if (cfg->has_only && cfg->only >= s->pivot.nstrategies)
		return hp_error_set(err, HP_EINVAL, "--strategy", "no strategy number %zu",
				    cfg->only);

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.cfg = cfg;
	r.npaths = cfg->paths;
	r.nchunks = (r.npaths + CHUNK - 1) / CHUNK;
	if ((ret = setup(&r, err)) != HP_OK || (ret = setup_plans(&r, err)) != HP_OK)
		goto fail;
	for (i = 0; i < r.nplans; i++)
		any_wait |= r.plans[i].st->wait;
	if (!(r.slots = hp_calloc(r.nplans * r.npaths, sizeof(*r.slots))) ||
	    !(r.chunk_inc = hp_calloc(r.nplans * r.nchunks * r.nmonths, sizeof(double))) ||
	    !(out->strategies = hp_calloc(r.nplans, sizeof(*out->strategies))) ||
	    !(out->month_start_day = hp_malloc((r.nmonths + 1) * sizeof(int64_t)))) {
		ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	out->nstrategies = r.nplans;
	r.out = out;
	for (i = 0; i < r.nplans; i++)
		if (!(out->strategies[i].events =
			      hp_malloc(HP_PIVOT_EVENTS_MAX * sizeof(struct hp_treasury_event)))) {
			ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
			goto fail;
		}
	if (cfg->series &&
	    (!(r.series = hp_malloc(r.nplans * 4 * r.npaths * (r.nmonths + 1) * sizeof(float))) ||
	     !(r.price_series = hp_malloc(r.npaths * (r.nmonths + 1) * sizeof(float))))) {
		ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		goto fail;
	}

	if (any_wait) {
		if (!(r.pbar = hp_malloc(r.npaths * r.nmonths * sizeof(double))) ||
		    !(r.state = hp_malloc(r.npaths * r.nmonths * sizeof(double)))) {
			ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
			goto fail;
		}
		if ((ret = run_pass(&r, 1, err)) != HP_OK)
			goto fail;
		for (i = 0; i < r.nplans; i++)
			if (r.plans[i].st->wait &&
			    (ret = value_wait(&r, &r.plans[i], &out->strategies[i], err)) != HP_OK)
				goto fail;
	}
	if ((ret = run_pass(&r, 2, err)) != HP_OK || (ret = summarise(&r, out, err)) != HP_OK)
		goto fail;

	out->paths = r.npaths;
	out->nmonths = r.nmonths;
	out->baseline = r.baseline;
	out->start_price_usd = s->market.price.kind == HP_PRICE_FILE
				       ? s->market.price_path.value[hp_daily_series_index(
					       &s->market.price_path, s->market.start_day)]
				       : s->market.price.start_price_usd;
	for (m = 0; m <= r.nmonths; m++)
		out->month_start_day[m] = s->market.start_day + r.bounds[m];
	{
		double rev = 0, kwh = 0, cost = 0;
		for (i = 0; i < r.nlines; i++) {
			rev += r.line_btc[i * r.nmonths] * out->start_price_usd;
			cost += r.line_cost[i * r.nmonths];
			kwh += r.lines[i].kw * 24 * (double)r.month_days[0];
		}
		out->mining_revenue_usd_per_kwh = kwh > 0 ? rev / kwh : NAN;
		out->mining_revenue_usd_per_mw_year =
			kwh > 0 ? rev / kwh * 1000 * 24 * 365.2425 : NAN;
		out->mining_margin_pct = rev > 0 ? 100 * (rev - cost) / rev : NAN;
	}
	run_release(&r);
	return HP_OK;

fail:
	run_release(&r);
	hp_pivot_result_release(out);
	return ret;
}

void hp_pivot_result_release(struct hp_pivot_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; r->strategies && i < r->nstrategies; i++) {
		struct hp_pivot_strategy *o = &r->strategies[i];
		hp_free(o->rule);
		hp_free(o->events);
		series_release(&o->btc);
		series_release(&o->cash_usd);
		series_release(&o->net_usd);
		series_release(&o->cum_fcf_usd);
	}
	series_release(&r->price);
	hp_free(r->strategies);
	hp_free(r->month_start_day);
	memset(r, 0, sizeof(*r));
}
