/*
 * industry.c - the industry simulator (include/hashpivot/industry.h;
 * equations in docs/model.md "Industry simulator").
 *
 * One path is one pass over the days with a small state: the chain
 * (height, bits, difficulty, the current epoch's first block time), the
 * fee process, the price impact, and per cohort its installed hashrate by
 * line, its treasury (treasury.c's steppable state) and its conversion.
 * Paths run on the Monte Carlo driver (montecarlo.c); each worker owns a
 * workspace with the path's arrays and its own summaries, folded exactly
 * at the end (stats.c). Nothing allocates inside a path.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/finance.h"
#include "hashpivot/industry.h"
#include "hashpivot/montecarlo.h"
#include "hashpivot/rng.h"

#define DAY_S 86400
#define DAYS_PER_YEAR 365.25
#define TWO_POW_32 4294967296.0
/* Poisson means above this (2^53) are not drawn: see blocks_daily */
#define POISSON_SATURATED 9007199254740992.0
#define EPOCH_BLOCKS 2016
/* kWh a day drawn per W: 24 h / 1000 */
#define KWH_PER_W_DAY 0.024
/* paths whose daily values are summarised together (struct work) */
#define BATCH 128
/* exponential waits drawn at a time (block-level mode) */
#define WAITS 64

/* ------------------------------------------------------------------ */
/* names                                                                */
/* ------------------------------------------------------------------ */

struct series_desc {
	const char *name;
	double reference;
	bool integer;
};

static const struct series_desc series_desc[HP_SIM_NSERIES] = {
	[HP_SIM_PRICE] = { "price_usd", 1e5, false },
	[HP_SIM_HASHRATE] = { "hashrate_eh", 1e3, false },
	[HP_SIM_DIFFICULTY] = { "difficulty", 1e14, false },
	[HP_SIM_BLOCK_INTERVAL] = { "block_interval_s", 600, false },
	[HP_SIM_HASHPRICE] = { "hashprice_usd_per_ph_day", 50, false },
	[HP_SIM_REVENUE] = { "revenue_usd_day", 5e7, false },
	[HP_SIM_ATTACK_HARDWARE] = { "attack_hardware_usd", 2e10, false },
	[HP_SIM_ATTACK_RENTAL] = { "attack_rental_usd", 5e7, false },
	[HP_SIM_POWER] = { "power_gw", 20, false },
	[HP_SIM_ENERGY] = { "energy_gwh_day", 500, false },
	[HP_SIM_RENEWABLE] = { "renewable_pct", 50, false },
	[HP_SIM_LISTED_BTC] = { "listed_btc", 1e5, false },
	[HP_SIM_MINERS_BTC] = { "miners_btc", 1e5, false },
	[HP_SIM_SOLD] = { "sold_btc", 500, false },
	[HP_SIM_SOLD_POLICY] = { "sold_btc_policy", 500, false },
	[HP_SIM_SOLD_OPEX] = { "sold_btc_opex", 500, false },
	[HP_SIM_SOLD_CAPEX] = { "sold_btc_capex", 500, false },
	[HP_SIM_SOLD_DEBT] = { "sold_btc_debt", 500, false },
	[HP_SIM_SOLD_MARGIN_CALL] = { "sold_btc_margin_call", 500, false },
	[HP_SIM_SOLD_LIQUIDATION] = { "sold_btc_liquidation", 500, false },
	[HP_SIM_MINED] = { "mined_btc", 500, false },
	[HP_SIM_COHORTS_MINING] = { "cohorts_mining", 10, true },
	[HP_SIM_COHORTS_PIVOTED] = { "cohorts_pivoted", 10, true },
	[HP_SIM_COHORTS_BANKRUPT] = { "cohorts_bankrupt", 10, true },
	[HP_SIM_AI_MW] = { "ai_mw", 1e3, false },
	[HP_SIM_FEES] = { "fees_btc_per_block", 0.05, false },
	[HP_SIM_BLOCKS] = { "blocks", 144, true },
	[HP_SIM_HEIGHT] = { "height", 1e6, true },
};

static const struct series_desc cohort_desc[HP_SIM_COHORT_N] = {
	[HP_SIM_C_BANKRUPT] = { "bankrupt", 1, true },
	[HP_SIM_C_PIVOTED] = { "pivoted", 1, true },
	[HP_SIM_C_BTC] = { "btc", 1e4, false },
	[HP_SIM_C_HASHRATE] = { "hashrate_eh", 100, false },
	[HP_SIM_C_SOLD] = { "sold_btc", 1e4, false },
	[HP_SIM_C_MINED] = { "mined_btc", 1e4, false },
};

const char *hp_sim_series_name(enum hp_sim_series s)
{
	return (unsigned)s < HP_SIM_NSERIES ? series_desc[s].name : "?";
}

const char *hp_sim_cohort_value_name(enum hp_sim_cohort_value v)
{
	return (unsigned)v < HP_SIM_COHORT_N ? cohort_desc[v].name : "?";
}

struct hp_stats_series hp_sim_series_info(enum hp_sim_series s)
{
	struct hp_stats_series info = { 1, false };

	if ((unsigned)s < HP_SIM_NSERIES) {
		info.reference = series_desc[s].reference;
		info.integer = series_desc[s].integer;
	}
	return info;
}

/* ------------------------------------------------------------------ */
/* validation                                                           */
/* ------------------------------------------------------------------ */

static enum hp_status range(double v, double lo, double hi, const char *field,
			    struct hp_error *err)
{
	if (!(v >= lo))
		return hp_error_set(err, HP_EINVAL, field, "must be >= %g, got %g", lo, v);
	if (!(v <= hi))
		return hp_error_set(err, HP_EINVAL, field, "must be <= %g, got %g", hi, v);
	return HP_OK;
}

static enum hp_status positive(double v, const char *field, struct hp_error *err)
{
	if (!(v > 0) || !isfinite(v))
		return hp_error_set(err, HP_EINVAL, field, "must be > 0, got %g", v);
	return HP_OK;
}

#define FIELD(buf, ...) snprintf((buf), sizeof(buf), __VA_ARGS__)

/* The cohort's plain bounded figures, checked in this order. */
static const struct cohort_range {
	const char *key;
	size_t offset;
	double lo, hi;
} cohort_ranges[] = {
	{ "take_or_pay_pct", offsetof(struct hp_cohort, take_or_pay_pct), 0, 100 },
	{ "pue", offsetof(struct hp_cohort, pue), 1, 3 },
	{ "pool_fee_pct", offsetof(struct hp_cohort, pool_fee_pct), 0, 99.999999 },
	{ "opex_usd_per_year", offsetof(struct hp_cohort, opex_usd_per_year), 0, 1e13 },
	{ "debt_usd", offsetof(struct hp_cohort, debt_usd), 0, 1e13 },
	{ "interest_pct_per_year", offsetof(struct hp_cohort, interest_pct_per_year), 0, 100 },
	{ "credit_line_usd", offsetof(struct hp_cohort, credit_line_usd), 0, 1e13 },
	{ "renewable_pct", offsetof(struct hp_cohort, renewable_pct), 0, 100 },
};

static enum hp_status check_cohort(const struct hp_cohort *c, size_t i, double price0,
				   struct hp_error *err)
{
	char f[160], pre[64];
	enum hp_status ret;
	size_t j;

	snprintf(pre, sizeof(pre), "industry.cohorts[%zu]", i);
	if (c->nlines < 1 || c->nlines > HP_COHORT_LINES_MAX) {
		FIELD(f, "%s.fleet", pre);
		return hp_error_set(err, HP_EINVAL, f, "must have 1 to %d lines, got %zu",
				    HP_COHORT_LINES_MAX, c->nlines);
	}
	for (j = 0; j < c->nlines; j++) {
		FIELD(f, "%s.fleet[%zu].efficiency_j_per_th", pre, j);
		if ((ret = positive(c->lines[j].efficiency_j_per_th, f, err)) != HP_OK)
			return ret;
		FIELD(f, "%s.fleet[%zu].eh", pre, j);
		if ((ret = positive(c->lines[j].eh, f, err)) != HP_OK)
			return ret;
	}
	FIELD(f, "%s.power_usd_per_kwh", pre);
	if ((ret = range(c->power_low_usd_per_kwh, 0, 10, f, err)) != HP_OK ||
	    (ret = range(c->power_high_usd_per_kwh, c->power_low_usd_per_kwh, 10, f, err)) != HP_OK)
		return ret;
	for (j = 0; j < sizeof(cohort_ranges) / sizeof(cohort_ranges[0]); j++) {
		const struct cohort_range *r = &cohort_ranges[j];
		double v;

		memcpy(&v, (const char *)c + r->offset, sizeof(v));
		FIELD(f, "%s.%s", pre, r->key);
		if ((ret = range(v, r->lo, r->hi, f, err)) != HP_OK)
			return ret;
	}
	if ((ret = hp_treasury_check(&c->treasury, price0, err)) != HP_OK) {
		FIELD(f, "%s.treasury.", pre);
		hp_error_prefix(err, f);
		return ret;
	}
	if (c->pivot.has) {
		const struct hp_cohort_pivot *p = &c->pivot;

		FIELD(f, "%s.pivot.mw", pre);
		if ((ret = positive(p->mw, f, err)) != HP_OK)
			return ret;
		FIELD(f, "%s.pivot.displaced_mw", pre);
		if ((ret = range(p->displaced_mw, 0, 1e6, f, err)) != HP_OK)
			return ret;
		FIELD(f, "%s.pivot.capex_usd_per_mw", pre);
		if ((ret = range(p->capex_usd_per_mw, 0, 1e11, f, err)) != HP_OK)
			return ret;
		FIELD(f, "%s.pivot.build_months", pre);
		if ((ret = range((double)p->build_months, 0, 120, f, err)) != HP_OK)
			return ret;
		FIELD(f, "%s.pivot.revenue_usd_per_mw_year", pre);
		if ((ret = range(p->revenue_usd_per_mw_year, 0, 1e10, f, err)) != HP_OK)
			return ret;
		FIELD(f, "%s.pivot.opex_usd_per_mw_year", pre);
		if ((ret = range(p->opex_usd_per_mw_year, 0, 1e10, f, err)) != HP_OK)
			return ret;
		if (p->trigger == HP_TRIGGER_HASHPRICE) {
			FIELD(f, "%s.pivot.trigger.hashprice_below_usd_per_ph_day", pre);
			if ((ret = range(p->below_usd_per_ph_day, 0, 1e9, f, err)) != HP_OK)
				return ret;
			FIELD(f, "%s.pivot.trigger.trailing_days", pre);
			if ((ret = range((double)p->trailing_days, 1, 3650, f, err)) != HP_OK)
				return ret;
		}
	}
	return HP_OK;
}

enum hp_status hp_industry_check(const struct hp_industry *ind, struct hp_error *err)
{
	const struct hp_deployment *dp = &ind->deployment;
	const struct hp_attack *a = &ind->attack;
	const struct hp_fee_model *fm = &ind->fees;
	double d0, price0;
	enum hp_status ret;
	size_t i, j;
	bool neg = false, over = false;

	if (ind->ndays < 1)
		return hp_error_set(err, HP_EINVAL, "market.horizon_months",
				    "must give at least one day, got %lld days", (long long)ind->ndays);
	if (!ind->price)
		return hp_error_set(err, HP_EINVAL, "market.price", "missing");
	price0 = ind->price->kind == HP_PRICE_FILE ? 1 : ind->price->start_price_usd;
	hp_consensus_compact_decode(ind->bits, &neg, &over);
	if (neg || over || !hp_consensus_difficulty(ind->bits, &d0) || !(d0 > 0))
		return hp_error_set(err, HP_EINVAL, "network.bits",
				    "must be a positive mainnet target, got %08x", ind->bits);
	if (ind->height < 1 || ind->height > INT32_MAX)
		return hp_error_set(err, HP_EINVAL, "network.height",
				    "must be 1 to 2147483647, got %lld", (long long)ind->height);
	if (ind->ncohorts < 1 || ind->ncohorts > HP_COHORTS_MAX)
		return hp_error_set(err, HP_EINVAL, "industry.cohorts",
				    "must have 1 to %d cohorts, got %zu", HP_COHORTS_MAX,
				    ind->ncohorts);
	for (i = 0; i < ind->ncohorts; i++) {
		if ((ret = check_cohort(&ind->cohorts[i], i, price0, err)) != HP_OK)
			return ret;
		for (j = 0; j < i; j++)
			if (strcmp(ind->cohorts[i].name, ind->cohorts[j].name) == 0) {
				char f[64];

				FIELD(f, "industry.cohorts[%zu].name", i);
				return hp_error_set(err, HP_EINVAL, f,
						    "must be unique, got \"%s\" again",
						    ind->cohorts[i].name);
			}
	}
	if ((ret = range(fm->btc_per_block, 0, 1e6, "network.fees_btc_per_block", err)) != HP_OK ||
	    (ret = range(fm->growth_pct_per_year, -99.999999, 1000, "market.fees.growth_pct_per_year",
			 err)) != HP_OK ||
	    (ret = range(fm->volatility_pct, 0, 1000, "market.fees.volatility_pct", err)) != HP_OK ||
	    (ret = range(fm->half_life_days, 1e-3, 1e5, "market.fees.half_life_days", err)) != HP_OK)
		return ret;
	if (dp->has) {
		if (dp->cohort >= ind->ncohorts)
			return hp_error_set(err, HP_EINVAL, "industry.deployment.cohort",
					    "must name a cohort, got index %zu", dp->cohort);
		if ((ret = positive(dp->usd_per_th, "industry.deployment.usd_per_th", err)) != HP_OK ||
		    (ret = range(dp->usd_per_th_elasticity, -10, 10,
				 "industry.deployment.usd_per_th_elasticity", err)) != HP_OK ||
		    (ret = range(dp->power_usd_per_kwh, 0, 10, "industry.deployment.power_usd_per_kwh",
				 err)) != HP_OK ||
		    (ret = range(dp->hurdle_pct_per_year, -100, 1000,
				 "industry.deployment.hurdle_pct_per_year", err)) != HP_OK ||
		    (ret = range(dp->eh_per_day_per_pct, 0, 1e3,
				 "industry.deployment.eh_per_day_per_pct", err)) != HP_OK ||
		    (ret = range(dp->max_eh_per_day, 0, INFINITY, "industry.deployment.max_eh_per_day",
				 err)) != HP_OK ||
		    (ret = range((double)dp->lag_days, 0, 3650, "industry.deployment.lag_days", err)) !=
			    HP_OK ||
		    (ret = range((double)dp->trailing_days, 1, 3650,
				 "industry.deployment.trailing_days", err)) != HP_OK)
			return ret;
	}
	if ((ret = positive(a->duration_hours, "industry.attack.duration_hours", err)) != HP_OK ||
	    (ret = range(a->efficiency_j_per_th, 0, 1e4, "industry.attack.efficiency_j_per_th",
			 err)) != HP_OK ||
	    (ret = range(a->usd_per_th, 0, 1e6, "industry.attack.usd_per_th", err)) != HP_OK ||
	    (ret = range(a->power_usd_per_kwh, 0, 10, "industry.attack.power_usd_per_kwh", err)) !=
		    HP_OK ||
	    (ret = range(a->rental_usd_per_ph_day, 0, 1e9, "industry.attack.rental_usd_per_ph_day",
			 err)) != HP_OK)
		return ret;
	if (!dp->has && a->usd_per_th == 0)
		return hp_error_set(err, HP_EINVAL, "industry.attack.usd_per_th",
				    "missing (there is no industry.deployment to take the machine "
				    "price from)");
	if ((ret = range(ind->resale_pct, 0, 100, "industry.bankruptcy.resale_pct", err)) != HP_OK ||
	    (ret = range(ind->price_impact_pct_per_kbtc, 0, 100,
			 "industry.price_impact_pct_per_kbtc", err)) != HP_OK)
		return ret;
	if (ind->daa.rule != HP_DAA_BITCOIN && !ind->block_level)
		return hp_error_set(err, HP_EINVAL, "industry.difficulty_rule",
				    "\"%s\" needs block-level mode (industry.block_level or "
				    "--block-level), got daily mode",
				    hp_daa_rule_name(ind->daa.rule));
	if (ind->daa.half_life_s < 1)
		return hp_error_set(err, HP_EINVAL, "industry.asert_half_life_hours",
				    "must be > 0, got %g", (double)ind->daa.half_life_s / 3600);
	if (ind->block_level) {
		struct hp_daa probe;

		if ((ret = hp_daa_init(&probe, &ind->daa, ind->height, ind->bits, ind->start_time,
				       ind->epoch_start_time, err)) != HP_OK) {
			hp_error_prefix(err, "industry: ");
			return ret;
		}
	}
	return HP_OK;
}

void hp_industry_release(struct hp_industry *ind)
{
	size_t i;

	if (!ind)
		return;
	for (i = 0; i < ind->ncohorts; i++)
		hp_free(ind->cohorts[i].lines);
	hp_free(ind->cohorts);
	ind->cohorts = NULL;
	ind->ncohorts = 0;
}

/* ------------------------------------------------------------------ */
/* one path                                                             */
/* ------------------------------------------------------------------ */

enum pivot_state { PIVOT_NONE, PIVOT_BUILDING, PIVOT_ONLINE };

struct cohort_state {
	double cap[HP_COHORT_LINES_MAX];  /* installed EH/s per line */
	struct hp_treasury_state ts;
	struct hp_treasury_result tr;
	struct hp_rng rng;                /* DeFi losses */
	bool failed;
	int64_t failed_day;
	enum pivot_state pivot;
	int64_t pivot_day, online_day;
	double capex_per_day;
	double run_eh, mw, power_usd;     /* today */
	double mined, sold_after_failure;
};

/* What a run shares between its workers. */
struct run {
	const struct hp_industry *ind;
	const struct hp_industry_config *cfg;
	const struct hp_chain_params *chain;
	struct hp_industry_result *out;
	unsigned char *order;        /* ncohorts x HP_COHORT_LINES_MAX: lines, least efficient first */
	int64_t *month_start;        /* day offsets of as_of + k months, k = 0..nmonths */
	size_t nmonths;
	double d0, hp0;              /* starting difficulty, hashprice */
	struct cohort_const *cc;     /* ncohorts: the daily loop's constants */
	bool merged;                 /* out holds a worker's summaries */
};

/* What the daily mining decision needs of a cohort, computed once a run
 * (kept apart from struct hp_cohort, whose fields span many cache lines). */
struct cohort_const {
	size_t nlines;
	double renew_pct;
	/* each cohort's day: the same expressions as the loop had, hoisted */
	double keep;                         /* 1 - pool fee */
	double opex_day, interest_day;       /* opex / 365.25, debt x interest / 365.25 */
	double ai_revenue_day, ai_opex_day;  /* mw x revenue / 365.25, mw x opex / 365.25 */
	double rev_factor;                   /* (1 - pool fee) / 1000: USD/PH-day -> USD/TH-day */
	double tp, mid;                      /* take-or-pay share, the range's mean price */
	double lo, hi, inv_range;            /* site prices, 1 / (hi - lo) (0: one price) */
	double p_per_rev[HP_COHORT_LINES_MAX]; /* 1 / (e PUE 0.024): shutdown price per USD/TH-day */
	double mw_per_eh[HP_COHORT_LINES_MAX]; /* e PUE */
};

struct work {
	double *price;               /* ndays + 1 */
	double *hp_sum;              /* ndays + 1 prefix sums of the daily hashprice */
	double *orders;              /* lag_days ring of deployment orders */
	struct cohort_state *cs;
	struct hp_stats *daily, *cohorts;
	/* The daily values of the last `nbatch` paths (batch[day][j][series]):
	 * a path's day is 28 adjacent values (four cache lines to store, where
	 * batch[day][series][j] took 28), and flush adds them to the summaries
	 * one cell at a time, which keeps each cell's bins in cache (one path
	 * at a time across all cells costs five times as much). NAN marks a
	 * value not recorded. */
	double *batch;
	size_t nbatch;
	int64_t ndays;
	uint64_t blocks, cohort_days;
	/* block-level mode: exponential waits drawn ahead from the path's block
	 * stream (its only use there), so the same waits in the same order */
	double waits[WAITS];
	size_t nwaits, next_wait;
	struct hp_industry_trace *trace; /* NULL except for hp_industry_trace */
	size_t retargets_cap;
	enum hp_status status;           /* HP_ENOMEM from the trace's retarget log */
};

/* The chain of one path. */
struct chain {
	int64_t height;
	uint32_t bits;
	double difficulty;
	int64_t epoch_first_time;
	bool first_pending;          /* the epoch's first block is yet to come */
	double subsidy_btc;          /* of block `height` */
	int64_t next_halving;
	struct hp_daa daa;           /* block-level mode */
};

static double subsidy_btc(const struct run *r, int64_t height)
{
	return (double)hp_consensus_subsidy_sats(r->chain, height) / 1e8;
}

/* Subsidies of blocks height .. height + n - 1, halvings on their exact
 * heights; advances the chain's height. */
static double credit_blocks(const struct run *r, struct chain *ch, int64_t n)
{
	double sum = 0;

	while (n > 0) {
		int64_t k = ch->next_halving - ch->height;

		if (k > n)
			k = n;
		sum += (double)k * ch->subsidy_btc;
		ch->height += k;
		n -= k;
		if (ch->height == ch->next_halving) {
			ch->subsidy_btc = subsidy_btc(r, ch->height);
			ch->next_halving = hp_consensus_next_halving_height(r->chain, ch->height);
		}
	}
	return sum;
}

static void log_retarget(struct work *w, int64_t height, int64_t first, int64_t last,
			 uint32_t old_bits, uint32_t new_bits)
{
	struct hp_industry_trace *t = w->trace;

	if (!t || w->status != HP_OK)
		return;
	if (t->nretargets == w->retargets_cap) {
		size_t cap = w->retargets_cap ? 2 * w->retargets_cap : 64;
		struct hp_sim_retarget *v = hp_realloc(t->retargets, cap * sizeof(*v));

		if (!v) {
			w->status = HP_ENOMEM;
			return;
		}
		t->retargets = v;
		w->retargets_cap = cap;
	}
	t->retargets[t->nretargets].height = height;
	t->retargets[t->nretargets].first_time = first;
	t->retargets[t->nretargets].last_time = last;
	t->retargets[t->nretargets].old_bits = old_bits;
	t->retargets[t->nretargets].new_bits = new_bits;
	t->nretargets++;
}

static void set_bits(struct chain *ch, uint32_t bits)
{
	ch->bits = bits;
	hp_consensus_difficulty(bits, &ch->difficulty);
}

/*
 * Method: daily mode. With hashrate H the chain finds blocks as a Poisson
 * process of rate H / (D 2^32) per second. Over the rest of the day
 * (length L from s0) draw N ~ Poisson(rate L). If the epoch's first block
 * is pending, it is the first arrival, s0 + L (1 - V^(1/N)). If N reaches
 * the r blocks left in the epoch, the epoch's last block is the r-th
 * arrival: s0 + L B with B ~ Beta(r, N - r + 1) (the r-th of N uniform
 * order statistics; after a first arrival at u1, u1 + (1 - u1) Beta(r - 1,
 * N - r + 1)); the retarget uses the integer times of the epoch's first
 * and last blocks; the arrivals after it are discarded and the rest of the
 * day is drawn again at the new rate (the process is memoryless).
 * Special cases: H = 0 finds nothing. Timestamps are floor(time). When
 * rate L exceeds POISSON_SATURATED (2^53; a hashrate far above what the
 * difficulty expects, e.g. a chain started at difficulty 1) the epoch
 * certainly ends today (P(N < 2016) underflows to 0) and N would not fit
 * an integer: the arrivals are then drawn directly, the first as L E / (rate
 * L) with E ~ Exp(1) and the epoch's last r - 1 (or r) arrivals later as
 * Gamma(r - 1) (or Gamma(r)) / rate, the same distribution.
 * Accuracy: exact in distribution for a rate constant within the day.
 * Source: docs/model.md "Industry simulator".
 */
static int64_t blocks_daily(const struct run *r, struct work *w, struct chain *ch,
			    struct hp_rng *rng, double hashrate, int64_t day_start, double fee,
			    double *reward)
{
	double s0 = 0, total = 0;
	int64_t found = 0;

	if (!(hashrate > 0))
		return 0;
	for (;;) {
		double len = DAY_S - s0, rate = hashrate / (ch->difficulty * TWO_POW_32);
		double lambda = rate * len;
		int64_t left = EPOCH_BLOCKS - ch->height % EPOCH_BLOCKS;
		bool saturated = lambda > POISSON_SATURATED;
		int64_t n = saturated ? INT64_MAX : (int64_t)hp_rng_poisson(rng, lambda);
		double u1 = 0;
		bool took_first = false;

		if (n > 0 && ch->first_pending) {
			u1 = saturated ? hp_rng_exponential(rng) / lambda
				       : 1 - pow(hp_rng_uniform(rng), 1.0 / (double)n);
			ch->epoch_first_time = day_start + (int64_t)floor(s0 + len * u1);
			ch->first_pending = false;
			took_first = true;
		}
		if (n < left) {
			total += credit_blocks(r, ch, n) + (double)n * fee;
			found += n;
			break;
		} else {
			double b, t_last;
			int64_t last_time;
			uint32_t old = ch->bits;
			struct hp_retarget rt;

			if (saturated) {
				int64_t more = took_first ? left - 1 : left;
				b = u1 + (more > 0 ? hp_rng_gamma(rng, (double)more) / lambda : 0);
				if (b > 1)
					b = 1; /* P < 1e-300 at lambda > 2^53 */
			} else if (took_first)
				b = left == 1 ? u1
					      : u1 + (1 - u1) * hp_rng_beta(rng, (double)(left - 1),
									    (double)(n - left + 1));
			else
				b = hp_rng_beta(rng, (double)left, (double)(n - left + 1));
			t_last = s0 + len * b;
			last_time = day_start + (int64_t)floor(t_last);
			total += credit_blocks(r, ch, left) + (double)left * fee;
			found += left;
			hp_consensus_retarget(r->chain, old, ch->epoch_first_time, last_time, &rt);
			log_retarget(w, ch->height, ch->epoch_first_time, last_time, old, rt.bits);
			set_bits(ch, rt.bits);
			ch->first_pending = true;
			s0 = t_last;
			if (s0 >= DAY_S)
				break;
		}
	}
	*reward = total;
	return found;
}

/*
 * Method: block-level mode. Exponential waiting times at rate H / (D 2^32)
 * from the day's start (memoryless, so the day boundary, where H changes,
 * restarts the clock); each block's integer timestamp goes to the
 * difficulty rule, whose new difficulty sets the rate of the next wait.
 * Blocks the rule would only count (hp_daa_quiet_blocks: 2014 of every
 * 2016 under Bitcoin's) and that cross no halving take a shorter loop
 * that skips their timestamps; the arithmetic is the same.
 * Source: docs/model.md "Industry simulator".
 */
static int64_t blocks_each(const struct run *r, struct work *w, struct chain *ch,
			   struct hp_rng *rng, double hashrate, int64_t day_start, double fee,
			   double *reward)
{
	double s = 0, total = 0, scale;
	int64_t found = 0;

	if (!(hashrate > 0))
		return 0;
	scale = ch->difficulty * TWO_POW_32 / hashrate;
	for (;;) {
		int64_t t, first = ch->daa.epoch_first_time, quiet, k;
		uint32_t old = ch->daa.bits;
		double sub = ch->subsidy_btc;

		/* the blocks that only count (no retarget, no halving, no time
		 * kept): their waits and rewards, in the same order as below */
		quiet = hp_daa_quiet_blocks(&ch->daa);
		if (quiet > ch->next_halving - ch->height)
			quiet = ch->next_halving - ch->height;
		for (k = 0; k < quiet; k++) {
			if (w->next_wait == w->nwaits) {
				hp_rng_exponential_n(rng, w->waits, WAITS);
				w->nwaits = WAITS;
				w->next_wait = 0;
			}
			s += w->waits[w->next_wait++] * scale;
			if (s >= DAY_S)
				break;
			total += sub + fee;
		}
		found += k;
		ch->height += k;
		hp_daa_skip_quiet(&ch->daa, k);
		if (k < quiet)
			break; /* the day is over */
		if (ch->height == ch->next_halving) {
			ch->subsidy_btc = subsidy_btc(r, ch->height);
			ch->next_halving = hp_consensus_next_halving_height(r->chain, ch->height);
		}

		/* one block through the rule */
		if (w->next_wait == w->nwaits) {
			hp_rng_exponential_n(rng, w->waits, WAITS);
			w->nwaits = WAITS;
			w->next_wait = 0;
		}
		s += w->waits[w->next_wait++] * scale;
		if (s >= DAY_S)
			break;
		t = day_start + (int64_t)s;
		total += ch->subsidy_btc + fee;
		found++;
		if (hp_daa_append(&ch->daa, t)) {
			ch->difficulty = ch->daa.difficulty;
			scale = ch->difficulty * TWO_POW_32 / hashrate;
		}
		ch->bits = ch->daa.bits;
		ch->height++;
		if (ch->height == ch->next_halving) {
			ch->subsidy_btc = subsidy_btc(r, ch->height);
			ch->next_halving = hp_consensus_next_halving_height(r->chain, ch->height);
		}
		if (ch->daa.p.rule == HP_DAA_BITCOIN && ch->height % EPOCH_BLOCKS == 0)
			log_retarget(w, ch->height, first, t, old, ch->daa.bits);
	}
	*reward = total;
	return found;
}

/* Share of a cohort line's sites whose power price is at most p (uniform
 * on [lo, hi]) and the mean price of those sites. */
static double sites_below(const struct cohort_const *k, double p, double *mean_price)
{
	if (!(k->inv_range > 0)) {
		*mean_price = k->lo;
		return p >= k->lo ? 1 : 0;
	}
	if (p <= k->lo) {
		*mean_price = k->lo;
		return 0;
	}
	if (p >= k->hi) {
		*mean_price = k->mid;
		return 1;
	}
	*mean_price = 0.5 * (k->lo + p);
	return (p - k->lo) * k->inv_range;
}

/* Mean hashprice over the w days ending at day d (days before 0 at hp0). */
static double trailing(const struct run *r, const struct work *wk, int64_t d, int64_t w)
{
	int64_t from = d - w + 1;

	if (from >= 0)
		return (wk->hp_sum[d + 1] - wk->hp_sum[from]) / (double)w;
	return (wk->hp_sum[d + 1] + (double)(-from) * r->hp0) / (double)w;
}

/* EH/s ordered a day at trailing hashprice hp; *price_th the machine price. */
static double orders_at(const struct run *r, double hp, double *price_th)
{
	const struct hp_industry *ind = r->ind;
	const struct hp_deployment *dp = &ind->deployment;
	const struct hp_cohort *c = &ind->cohorts[dp->cohort];
	double e = c->lines[0].efficiency_j_per_th;
	double margin, ret, q;

	if (!(hp > 0 && r->hp0 > 0))
		*price_th = dp->usd_per_th;
	else if (dp->usd_per_th_elasticity == 1) /* the default: no pow() a day */
		*price_th = dp->usd_per_th * (hp / r->hp0);
	else
		*price_th = dp->usd_per_th * pow(hp / r->hp0, dp->usd_per_th_elasticity);
	margin = hp / 1000 * (1 - c->pool_fee_pct / 100) -
		 e * c->pue * KWH_PER_W_DAY * dp->power_usd_per_kwh;
	ret = 100 * DAYS_PER_YEAR * margin / *price_th;
	q = dp->eh_per_day_per_pct * (ret - dp->hurdle_pct_per_year);
	if (!(q > 0))
		return 0;
	return q < dp->max_eh_per_day ? q : dp->max_eh_per_day;
}

/* Start a cohort's conversion on day d: the least efficient machines
 * drawing its MW stop for good; capex spreads over the build. */
static void start_pivot(const struct run *r, const struct hp_cohort *c, size_t ci,
			struct cohort_state *s, int64_t d)
{
	const unsigned char *ord = &r->order[ci * HP_COHORT_LINES_MAX];
	double left = c->pivot.displaced_mw;
	int64_t build = (int64_t)floor((double)c->pivot.build_months * (DAYS_PER_YEAR / 12) + 0.5);
	size_t k;

	for (k = 0; k < c->nlines && left > 0; k++) {
		size_t l = ord[k];
		double mw_per_eh = c->lines[l].efficiency_j_per_th * c->pue;
		double mw = s->cap[l] * mw_per_eh;

		if (mw <= left) {
			left -= mw;
			s->cap[l] = 0;
		} else {
			s->cap[l] -= left / mw_per_eh;
			left = 0;
		}
	}
	s->pivot = PIVOT_BUILDING;
	s->pivot_day = d;
	s->online_day = d + build;
	s->capex_per_day = c->pivot.mw * c->pivot.capex_usd_per_mw / (double)(build > 0 ? build : 1);
}

static void record(struct work *w, enum hp_sim_series k, int64_t d, double v)
{
	w->batch[((size_t)d * BATCH + w->nbatch) * HP_SIM_NSERIES + (size_t)k] = v;
	if (w->trace)
		w->trace->series[k][d] = v;
}

/* Add the batched paths' values to the summaries, cell by cell; NANs
 * (values not recorded) are left out. A day's block of the batch (28 KB)
 * stays in cache while its cells gather their values from it. */
static void flush(struct work *w)
{
	size_t d, k, j, m;
	double v[BATCH];

	for (d = 0; d < (size_t)w->ndays; d++) {
		const double *day = &w->batch[d * BATCH * HP_SIM_NSERIES];

		for (k = 0; k < HP_SIM_NSERIES; k++) {
			bool any_nan = false;

			for (j = 0; j < w->nbatch; j++) {
				v[j] = day[j * HP_SIM_NSERIES + k];
				any_nan |= isnan(v[j]);
			}
			m = w->nbatch;
			if (any_nan)
				for (j = m = 0; j < w->nbatch; j++)
					if (!isnan(v[j]))
						v[m++] = v[j];
			hp_stats_add_n(w->daily, k, d, v, m);
		}
	}
	w->nbatch = 0;
}

/* Months completed by day d (as_of + k months <= d). */
static int64_t months_done(const struct run *r, int64_t d, size_t *k)
{
	while (*k + 1 <= r->nmonths && r->month_start[*k + 1] <= d)
		(*k)++;
	return (int64_t)*k;
}

/*
 * Method: one path, day by day, as the header and docs/model.md
 * "Industry simulator" describe.
 * Accuracy: double arithmetic throughout; the chain (heights, bits,
 * retargets) is exact integer arithmetic.
 */
static void run_path(const struct run *r, struct work *w, uint64_t seed, uint64_t path)
{
	const struct hp_industry *ind = r->ind;
	const struct hp_deployment *dp = &ind->deployment;
	const struct hp_attack *at = &ind->attack;
	int64_t nd = ind->ndays, d, lag = dp->has ? dp->lag_days : 0;
	struct hp_rng rng_blocks, rng_fees;
	struct chain ch;
	double impact = 1, x = 0, v = 0, fee_phi, fee_s2, fee_g, fee_e2, fee_sd, orders0 = 0;
	double price_th = 0;
	double sold_prev[HP_SALE_NCAUSES] = { 0 };
	size_t i, l, mk = 0;

	hp_price_path(ind->price, seed, path, nd, w->price);
	hp_rng_init(&rng_blocks, seed, path, HP_RNG_INDUSTRY);
	w->nwaits = w->next_wait = 0;
	hp_rng_init(&rng_fees, seed, path, HP_RNG_FEES);

	memset(&ch, 0, sizeof(ch));
	ch.height = ind->height;
	set_bits(&ch, ind->bits);
	ch.epoch_first_time = ind->epoch_start_time;
	ch.first_pending = ind->height % EPOCH_BLOCKS == 0;
	ch.subsidy_btc = subsidy_btc(r, ch.height);
	ch.next_halving = hp_consensus_next_halving_height(r->chain, ch.height);
	if (ind->block_level) {
		/* block height - 1 at the start time, the epoch as given */
		hp_daa_init(&ch.daa, &ind->daa, ch.height, ch.bits, ind->start_time,
			    ind->epoch_start_time, NULL);
	}

	fee_phi = pow(0.5, 1 / ind->fees.half_life_days);
	fee_s2 = (ind->fees.volatility_pct / 100) * (ind->fees.volatility_pct / 100);
	fee_g = log1p(ind->fees.growth_pct_per_year / 100) / DAYS_PER_YEAR;
	fee_e2 = fee_s2 * (1 - fee_phi * fee_phi);
	fee_sd = sqrt(fee_e2);

	for (i = 0; i < ind->ncohorts; i++) {
		const struct hp_cohort *c = &ind->cohorts[i];
		struct cohort_state *s = &w->cs[i];

		memset(s->cap, 0, sizeof(s->cap));
		for (l = 0; l < c->nlines; l++)
			s->cap[l] = c->lines[l].eh;
		hp_treasury_begin(&s->ts, &c->treasury, w->price[0], &s->tr);
		s->tr.min_cash_usd = s->ts.cash;
		hp_rng_init(&s->rng, seed, path, HP_RNG_TREASURY + ((uint64_t)(i + 1) << 32));
		s->failed = false;
		s->failed_day = -1;
		s->pivot = PIVOT_NONE;
		s->pivot_day = s->online_day = -1;
		s->capex_per_day = 0;
		s->mined = s->sold_after_failure = 0;
	}
	w->hp_sum[0] = 0;
	if (dp->has) {
		orders0 = orders_at(r, r->hp0, &price_th);
		for (d = 0; d < lag; d++)
			w->orders[d] = orders0;
	}

	for (d = 0; d < nd; d++) {
		int64_t day_start = ind->start_time + d * DAY_S, nblk, mdone;
		double p = w->price[d] * impact, fee, hp, hashrate = 0, reward = 0;
		double mw_total = 0, mw_renew = 0, run_total = 0, listed = 0, held = 0, ai_mw = 0;
		double sold_now[HP_SALE_NCAUSES] = { 0 }, sold_sum = 0, extra_sold = 0, mined = 0;
		int mining = 0, pivoted = 0, failed = 0;

		/* fees: x_t = phi x_{t-1} + sqrt(s^2 (1 - phi^2)) eps, v_t = Var x_t */
		if (d > 0 && fee_s2 > 0) {
			x = fee_phi * x + fee_sd * hp_rng_normal(&rng_fees);
			v = fee_phi * fee_phi * v + fee_e2;
		}
		fee = ind->fees.btc_per_block * exp(fee_g * (double)d + x - 0.5 * v);

		hp = p * (ch.subsidy_btc + fee) * DAY_S * 1e15 / (ch.difficulty * TWO_POW_32);
		w->hp_sum[d + 1] = w->hp_sum[d] + hp;

		/* new machines: orders placed lag days ago arrive */
		if (dp->has) {
			double q = orders_at(r, trailing(r, w, d, dp->trailing_days), &price_th), arrive;

			if (lag > 0) {
				arrive = w->orders[d % lag];
				w->orders[d % lag] = q;
			} else {
				arrive = q;
			}
			w->cs[dp->cohort].cap[0] += arrive;
		}

		/* conversions that start today */
		for (i = 0; i < ind->ncohorts; i++) {
			const struct hp_cohort *c = &ind->cohorts[i];
			struct cohort_state *s = &w->cs[i];

			if (!c->pivot.has || s->failed || s->pivot != PIVOT_NONE || d < c->pivot.day)
				continue;
			if (c->pivot.trigger == HP_TRIGGER_DATE ||
			    trailing(r, w, d, c->pivot.trailing_days) < c->pivot.below_usd_per_ph_day)
				start_pivot(r, c, i, s, d);
		}

		/* who mines: sites whose power price is below the shutdown price */
		for (i = 0; i < ind->ncohorts; i++) {
			const struct cohort_const *k = &r->cc[i];
			struct cohort_state *s = &w->cs[i];
			double rev_th = hp * k->rev_factor, run_eh = 0, mw = 0, power_usd = 0;

			/* sums in locals: stores through s might alias k's tables */
			for (l = 0; l < k->nlines; l++) {
				double mean, share, on, cap = s->cap[l];

				if (!(cap > 0))
					continue;
				share = sites_below(k, rev_th * k->p_per_rev[l], &mean);
				/* take-or-pay sites run whatever the hashprice and
				 * pay their contracted price (the mean of the range) */
				on = k->tp + (1 - k->tp) * share;
				run_eh += cap * on;
				mw += cap * k->mw_per_eh[l] * on;
				power_usd += cap * k->mw_per_eh[l] * 24e3 *
					     (k->tp * k->mid + (1 - k->tp) * share * mean);
			}
			s->run_eh = run_eh;
			s->mw = mw;
			s->power_usd = power_usd;
			run_total += run_eh;
			mw_total += mw;
			mw_renew += mw * k->renew_pct / 100;
		}
		w->cohort_days += ind->ncohorts;
		hashrate = run_total * 1e18;

		/* the chain */
		if (ind->block_level)
			nblk = blocks_each(r, w, &ch, &rng_blocks, hashrate, day_start, fee, &reward);
		else
			nblk = blocks_daily(r, w, &ch, &rng_blocks, hashrate, day_start, fee, &reward);
		w->blocks += (uint64_t)nblk;

		/* each cohort's day */
		mdone = months_done(r, d, &mk);
		for (i = 0; i < ind->ncohorts; i++) {
			const struct hp_cohort *c = &ind->cohorts[i];
			const struct cohort_const *k = &r->cc[i];
			struct cohort_state *s = &w->cs[i];
			double btc = run_total > 0 ? reward * (s->run_eh / run_total) * k->keep : 0;
			struct hp_treasury_flows f;
			struct hp_treasury_period t;

			s->mined += btc;
			mined += btc;
			if (s->pivot == PIVOT_BUILDING && d >= s->online_day)
				s->pivot = PIVOT_ONLINE;
			if (s->failed) {
				/* the buyers sell what they mine */
				extra_sold += btc;
			} else {
				f.btc_mined = btc;
				f.revenue_usd = 0;
				f.opex_usd = s->power_usd + k->opex_day + k->interest_day;
				f.capex_usd = 0;
				if (s->pivot == PIVOT_ONLINE) {
					f.revenue_usd = k->ai_revenue_day;
					f.opex_usd += k->ai_opex_day;
				}
				/* the build's capex: days pivot_day .. online_day - 1, or all on
				 * pivot_day for a build of zero days */
				if (s->pivot != PIVOT_NONE &&
				    ((d >= s->pivot_day && d < s->online_day) ||
				     (s->online_day == s->pivot_day && d == s->pivot_day)))
					f.capex_usd = s->capex_per_day;
				t.day = d;
				t.index = mdone;
				t.months_done = mdone;
				t.periods_per_year = DAYS_PER_YEAR;
				t.price_usd = p;
				hp_treasury_check_loan(&s->ts, d, p);
				hp_treasury_settle(&s->ts, &f, &t, &s->rng);
				if (s->ts.cash < -c->credit_line_usd)
					/* a company sells what it holds before it defaults */
					hp_treasury_raise_cash(&s->ts, -c->credit_line_usd, HP_SALE_OPEX,
							       d, p);
				if (s->ts.cash < -c->credit_line_usd) {
					/* it fails: the treasury is sold, a buyer keeps some machines */
					hp_treasury_sell_all(&s->ts, HP_SALE_LIQUIDATION, d, p);
					s->failed = true;
					s->failed_day = d;
					for (l = 0; l < c->nlines; l++)
						s->cap[l] *= ind->resale_pct / 100;
					if (s->pivot == PIVOT_BUILDING)
						s->pivot = PIVOT_NONE;
				}
			}
			if (s->pivot == PIVOT_ONLINE)
				ai_mw += c->pivot.mw;
			if (s->pivot != PIVOT_NONE)
				pivoted++;
			if (s->failed) {
				failed++;
				continue;
			}
			if (s->run_eh > 0)
				mining++;
			held += hp_treasury_total_btc(&s->ts);
			if (c->listed)
				listed += hp_treasury_total_btc(&s->ts);
		}
		for (i = 0; i < ind->ncohorts; i++)
			for (l = 0; l < HP_SALE_NCAUSES; l++)
				sold_now[l] += w->cs[i].tr.sold_btc[l];
		for (l = 0; l < HP_SALE_NCAUSES; l++) {
			double today = sold_now[l] - sold_prev[l];

			sold_prev[l] = sold_now[l];
			if (l == HP_SALE_POLICY)
				today += extra_sold;
			sold_now[l] = today;
			sold_sum += today;
		}

		/* the day's summary */
		{
			double th = hashrate / 1e12, hw_th, eff;

			eff = at->efficiency_j_per_th > 0 ? at->efficiency_j_per_th
				: dp->has ? ind->cohorts[dp->cohort].lines[0].efficiency_j_per_th
					  : 20;
			hw_th = at->usd_per_th > 0 ? at->usd_per_th : price_th;
			record(w, HP_SIM_PRICE, d, p);
			record(w, HP_SIM_HASHRATE, d, run_total);
			record(w, HP_SIM_DIFFICULTY, d, ch.difficulty);
			/* no interval on a day without blocks */
			record(w, HP_SIM_BLOCK_INTERVAL, d,
			       nblk > 0 ? (double)DAY_S / (double)nblk : NAN);
			record(w, HP_SIM_HASHPRICE, d, hp);
			record(w, HP_SIM_REVENUE, d, reward * p);
			record(w, HP_SIM_ATTACK_HARDWARE, d,
			       th * hw_th + th * eff / 1000 * at->duration_hours * at->power_usd_per_kwh);
			record(w, HP_SIM_ATTACK_RENTAL, d,
			       hashrate / 1e15 *
				       (at->rental_usd_per_ph_day > 0 ? at->rental_usd_per_ph_day : hp) *
				       at->duration_hours / 24);
			record(w, HP_SIM_POWER, d, mw_total / 1000);
			record(w, HP_SIM_ENERGY, d, mw_total / 1000 * 24);
			record(w, HP_SIM_RENEWABLE, d, mw_total > 0 ? 100 * mw_renew / mw_total : 0);
			record(w, HP_SIM_LISTED_BTC, d, listed);
			record(w, HP_SIM_MINERS_BTC, d, held);
			record(w, HP_SIM_SOLD, d, sold_sum);
			for (l = 0; l < HP_SALE_NCAUSES; l++)
				record(w, (enum hp_sim_series)(HP_SIM_SOLD_POLICY + l), d, sold_now[l]);
			record(w, HP_SIM_MINED, d, mined);
			record(w, HP_SIM_COHORTS_MINING, d, mining);
			record(w, HP_SIM_COHORTS_PIVOTED, d, pivoted);
			record(w, HP_SIM_COHORTS_BANKRUPT, d, failed);
			record(w, HP_SIM_AI_MW, d, ai_mw);
			record(w, HP_SIM_FEES, d, fee);
			record(w, HP_SIM_BLOCKS, d, (double)nblk);
			record(w, HP_SIM_HEIGHT, d, (double)ch.height);
		}
		if (w->trace)
			for (i = 0; i < ind->ncohorts; i++) {
				w->trace->cohort_hashrate[i * (size_t)nd + (size_t)d] = w->cs[i].run_eh;
				w->trace->cohort_btc[i * (size_t)nd + (size_t)d] =
					w->cs[i].failed ? 0 : hp_treasury_total_btc(&w->cs[i].ts);
			}

		/* miners' net sales move tomorrow's price */
		if (ind->price_impact_pct_per_kbtc > 0)
			impact *= exp(-ind->price_impact_pct_per_kbtc / 100 * (sold_sum - mined) / 1000);
	}

	for (i = 0; i < ind->ncohorts; i++) {
		const struct cohort_state *s = &w->cs[i];
		size_t base = i * HP_SIM_COHORT_N;

		hp_stats_add(w->cohorts, base + HP_SIM_C_BANKRUPT, 0, s->failed ? 1 : 0);
		hp_stats_add(w->cohorts, base + HP_SIM_C_PIVOTED, 0, s->pivot != PIVOT_NONE ? 1 : 0);
		hp_stats_add(w->cohorts, base + HP_SIM_C_BTC, 0,
			     s->failed ? 0 : hp_treasury_total_btc(&s->ts));
		hp_stats_add(w->cohorts, base + HP_SIM_C_HASHRATE, 0, s->run_eh);
		hp_stats_add(w->cohorts, base + HP_SIM_C_SOLD, 0, s->tr.sold_btc_total);
		hp_stats_add(w->cohorts, base + HP_SIM_C_MINED, 0, s->mined);
		if (w->trace) {
			w->trace->cohort_failed_day[i] = s->failed_day;
			w->trace->cohort_pivot_day[i] = s->pivot_day;
		}
	}
	if (++w->nbatch == BATCH)
		flush(w);
}

/* ------------------------------------------------------------------ */
/* runs                                                                 */
/* ------------------------------------------------------------------ */

static enum hp_status stats_pair(const struct hp_industry *ind, double alpha,
				 struct hp_stats **daily, struct hp_stats **cohorts,
				 struct hp_error *err)
{
	struct hp_stats_series info[HP_SIM_NSERIES], *cinfo;
	size_t n = ind->ncohorts * HP_SIM_COHORT_N, i;
	enum hp_status ret;

	*daily = *cohorts = NULL;
	for (i = 0; i < HP_SIM_NSERIES; i++)
		info[i] = hp_sim_series_info((enum hp_sim_series)i);
	if (!(cinfo = hp_malloc(n * sizeof(*cinfo))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		cinfo[i].reference = cohort_desc[i % HP_SIM_COHORT_N].reference;
		cinfo[i].integer = cohort_desc[i % HP_SIM_COHORT_N].integer;
	}
	ret = hp_stats_new(HP_SIM_NSERIES, (size_t)ind->ndays, alpha, info, daily, err);
	if (ret == HP_OK)
		ret = hp_stats_new(n, 1, alpha, cinfo, cohorts, err);
	hp_free(cinfo);
	if (ret != HP_OK) {
		hp_stats_free(*daily);
		*daily = NULL;
	}
	return ret;
}

enum hp_status hp_industry_result_init(const struct hp_industry *ind, double alpha,
				       struct hp_industry_result *out, struct hp_error *err)
{
	memset(out, 0, sizeof(*out));
	return stats_pair(ind, alpha, &out->daily, &out->cohorts, err);
}

void hp_industry_result_release(struct hp_industry_result *r)
{
	if (!r)
		return;
	hp_stats_free(r->daily);
	hp_stats_free(r->cohorts);
	memset(r, 0, sizeof(*r));
}

enum hp_status hp_industry_result_merge(struct hp_industry_result *a,
					const struct hp_industry_result *b, struct hp_error *err)
{
	enum hp_status ret;

	if ((ret = hp_stats_merge(a->daily, b->daily, err)) != HP_OK ||
	    (ret = hp_stats_merge(a->cohorts, b->cohorts, err)) != HP_OK)
		return ret;
	a->paths += b->paths;
	a->blocks += b->blocks;
	a->cohort_days += b->cohort_days;
	return HP_OK;
}

static void work_free(struct work *w)
{
	if (!w)
		return;
	hp_free(w->price);
	hp_free(w->hp_sum);
	hp_free(w->orders);
	hp_free(w->cs);
	hp_free(w->batch);
	hp_stats_free(w->daily);
	hp_stats_free(w->cohorts);
	hp_free(w);
}

/* A workspace; with_stats false for a trace (no summaries). */
static enum hp_status work_new(const struct run *r, bool with_stats, struct work **out,
			       struct hp_error *err)
{
	const struct hp_industry *ind = r->ind;
	size_t nd = (size_t)ind->ndays, lag = (size_t)ind->deployment.lag_days;
	struct work *w = hp_calloc(1, sizeof(*w));
	enum hp_status ret;

	*out = NULL;
	if (!w)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	w->price = hp_malloc((nd + 1) * sizeof(double));
	w->hp_sum = hp_malloc((nd + 1) * sizeof(double));
	w->orders = hp_malloc((lag ? lag : 1) * sizeof(double));
	w->cs = hp_calloc(ind->ncohorts, sizeof(*w->cs));
	w->ndays = ind->ndays;
	w->batch = hp_malloc((size_t)HP_SIM_NSERIES * nd * BATCH * sizeof(double));
	if (!w->price || !w->hp_sum || !w->orders || !w->cs || !w->batch) {
		work_free(w);
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	}
	if (with_stats &&
	    (ret = stats_pair(ind, r->cfg ? r->cfg->alpha : 0.01, &w->daily, &w->cohorts, err)) !=
		    HP_OK) {
		work_free(w);
		return ret;
	}
	*out = w;
	return HP_OK;
}

static void run_release(struct run *r)
{
	hp_free(r->cc);
	hp_free(r->order);
	hp_free(r->month_start);
}

/* What every path needs: line orders, month starts, the starting hashprice. */
static enum hp_status run_init(struct run *r, const struct hp_industry *ind,
			       const struct hp_industry_config *cfg, struct hp_error *err)
{
	int64_t start_day = ind->start_time / DAY_S - (ind->start_time % DAY_S < 0);
	size_t i, k, j;
	double price0;

	memset(r, 0, sizeof(*r));
	r->ind = ind;
	r->cfg = cfg;
	r->chain = hp_consensus_params(HP_NET_MAIN);
	r->nmonths = (size_t)(ind->ndays / 28) + 2;
	r->order = hp_malloc(ind->ncohorts * HP_COHORT_LINES_MAX);
	r->month_start = hp_malloc((r->nmonths + 1) * sizeof(int64_t));
	r->cc = hp_calloc(ind->ncohorts, sizeof(*r->cc));
	if (!r->order || !r->month_start || !r->cc) {
		run_release(r);
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	}
	for (i = 0; i < ind->ncohorts; i++) {
		const struct hp_cohort *c = &ind->cohorts[i];
		struct cohort_const *cc = &r->cc[i];

		cc->nlines = c->nlines;
		cc->keep = 1 - c->pool_fee_pct / 100;
		cc->opex_day = c->opex_usd_per_year / DAYS_PER_YEAR;
		cc->interest_day = c->debt_usd * (c->interest_pct_per_year / 100) / DAYS_PER_YEAR;
		cc->ai_revenue_day = c->pivot.mw * c->pivot.revenue_usd_per_mw_year / DAYS_PER_YEAR;
		cc->ai_opex_day = c->pivot.mw * c->pivot.opex_usd_per_mw_year / DAYS_PER_YEAR;
		cc->renew_pct = c->renewable_pct;
		cc->rev_factor = (1 - c->pool_fee_pct / 100) / 1000;
		cc->tp = c->take_or_pay_pct / 100;
		cc->lo = c->power_low_usd_per_kwh;
		cc->hi = c->power_high_usd_per_kwh;
		cc->mid = 0.5 * (cc->lo + cc->hi);
		cc->inv_range = cc->hi > cc->lo ? 1 / (cc->hi - cc->lo) : 0;
		for (j = 0; j < c->nlines; j++) {
			cc->mw_per_eh[j] = c->lines[j].efficiency_j_per_th * c->pue;
			cc->p_per_rev[j] = 1 / (cc->mw_per_eh[j] * KWH_PER_W_DAY);
		}
	}
	/* least efficient first (ties: the order given) */
	for (i = 0; i < ind->ncohorts; i++) {
		const struct hp_cohort *c = &ind->cohorts[i];
		unsigned char *o = &r->order[i * HP_COHORT_LINES_MAX];

		for (k = 0; k < c->nlines; k++) {
			for (j = k; j > 0 && c->lines[o[j - 1]].efficiency_j_per_th <
						     c->lines[k].efficiency_j_per_th;
			     j--)
				o[j] = o[j - 1];
			o[j] = (unsigned char)k;
		}
	}
	hp_finance_month_bounds(start_day, r->nmonths, r->month_start);
	hp_consensus_difficulty(ind->bits, &r->d0);
	price0 = ind->price->kind == HP_PRICE_FILE ? ind->price->path->value[ind->price->start_day -
									 ind->price->path->first_day]
						   : ind->price->start_price_usd;
	r->hp0 = price0 * ((double)hp_consensus_subsidy_sats(r->chain, ind->height) / 1e8 +
			   ind->fees.btc_per_block) *
		 DAY_S * 1e15 / (r->d0 * TWO_POW_32);
	return HP_OK;
}

struct job_ctx {
	struct run *r;
};

static enum hp_status job_worker_new(void *ctx, unsigned i, void **ws, struct hp_error *err)
{
	struct job_ctx *jc = ctx;
	struct work *w;
	enum hp_status ret = work_new(jc->r, true, &w, err);

	(void)i;
	*ws = w;
	return ret;
}

static enum hp_status job_path(void *ctx, void *ws, uint64_t path, struct hp_error *err)
{
	struct job_ctx *jc = ctx;
	struct work *w = ws;

	run_path(jc->r, w, jc->r->cfg->seed, path);
	if (hp_stats_status(w->daily) != HP_OK || hp_stats_status(w->cohorts) != HP_OK)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	return HP_OK;
}

static enum hp_status job_merge(void *ctx, void *ws, struct hp_error *err)
{
	struct job_ctx *jc = ctx;
	struct work *w = ws;
	struct hp_industry_result *out = jc->r->out;
	enum hp_status ret;

	flush(w);
	if (hp_stats_status(w->daily) != HP_OK)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	if (!jc->r->merged) {
		/* out's summaries are still empty and of the same shape: take the
		 * worker's instead of adding them (a merge reads every cell) */
		struct hp_stats *t;

		t = out->daily, out->daily = w->daily, w->daily = t;
		t = out->cohorts, out->cohorts = w->cohorts, w->cohorts = t;
		jc->r->merged = true;
	} else if ((ret = hp_stats_merge(out->daily, w->daily, err)) != HP_OK ||
		   (ret = hp_stats_merge(out->cohorts, w->cohorts, err)) != HP_OK) {
		return ret;
	}
	out->blocks += w->blocks;
	out->cohort_days += w->cohort_days;
	return HP_OK;
}

static void job_worker_free(void *ctx, void *ws)
{
	(void)ctx;
	work_free(ws);
}

enum hp_status hp_industry_run(const struct hp_industry *ind, const struct hp_industry_config *cfg,
			       struct hp_industry_result *out, struct hp_error *err)
{
	struct run r;
	struct job_ctx jc;
	struct hp_mc_job job;
	enum hp_status ret;

	memset(out, 0, sizeof(*out));
	if (cfg->npaths < 1)
		return hp_error_set(err, HP_EINVAL, "paths", "must be >= 1, got 0");
	if ((ret = run_init(&r, ind, cfg, err)) != HP_OK)
		return ret;
	if ((ret = hp_industry_result_init(ind, cfg->alpha, out, err)) != HP_OK)
		goto out;
	r.out = out;
	jc.r = &r;
	memset(&job, 0, sizeof(job));
	job.first_path = cfg->first_path;
	job.npaths = cfg->npaths;
	job.threads = cfg->threads;
	job.ctx = &jc;
	job.worker_new = job_worker_new;
	job.path = job_path;
	job.merge = job_merge;
	job.worker_free = job_worker_free;
	job.progress = cfg->progress;
	job.progress_ctx = cfg->progress_ctx;
	job.cancel = cfg->cancel;
	if ((ret = hp_mc_run(&job, err)) != HP_OK) {
		hp_industry_result_release(out);
		goto out;
	}
	out->paths = cfg->npaths;
out:
	run_release(&r);
	return ret;
}

void hp_industry_trace_release(struct hp_industry_trace *t)
{
	size_t k;

	if (!t)
		return;
	for (k = 0; k < HP_SIM_NSERIES; k++)
		hp_free(t->series[k]);
	hp_free(t->cohort_hashrate);
	hp_free(t->cohort_btc);
	hp_free(t->retargets);
	hp_free(t->cohort_failed_day);
	hp_free(t->cohort_pivot_day);
	memset(t, 0, sizeof(*t));
}

enum hp_status hp_industry_trace(const struct hp_industry *ind, uint64_t seed, uint64_t path,
				 struct hp_industry_trace *out, struct hp_error *err)
{
	struct hp_industry_config cfg;
	struct run r;
	struct work *w = NULL;
	size_t nd = (size_t)ind->ndays, nc = ind->ncohorts, k;
	enum hp_status ret;

	memset(out, 0, sizeof(*out));
	memset(&cfg, 0, sizeof(cfg));
	cfg.seed = seed;
	cfg.alpha = 0.01;
	if ((ret = run_init(&r, ind, &cfg, err)) != HP_OK)
		return ret;
	if ((ret = work_new(&r, true, &w, err)) != HP_OK)
		goto out;
	for (k = 0; k < HP_SIM_NSERIES; k++)
		if (!(out->series[k] = hp_calloc(nd, sizeof(double))))
			goto nomem;
	out->cohort_hashrate = hp_calloc(nc * nd, sizeof(double));
	out->cohort_btc = hp_calloc(nc * nd, sizeof(double));
	out->cohort_failed_day = hp_calloc(nc, sizeof(int64_t));
	out->cohort_pivot_day = hp_calloc(nc, sizeof(int64_t));
	if (!out->cohort_hashrate || !out->cohort_btc || !out->cohort_failed_day ||
	    !out->cohort_pivot_day)
		goto nomem;
	w->trace = out;
	run_path(&r, w, seed, path);
	if (w->status != HP_OK)
		goto nomem;
	goto out;
nomem:
	ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	hp_industry_trace_release(out);
out:
	work_free(w);
	run_release(&r);
	return ret;
}
