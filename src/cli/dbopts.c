/*
 * dbopts.c - the chain database as every command reads it: --db FILE,
 * opening it, the live state at its tip (network --db and the calculators'
 * --db), daily prices, and a backtest's days grouped by UTC day.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "hashpivot/alloc.h"
#include "hashpivot/backtest.h"
#include "hashpivot/calendar.h"
#include "hashpivot/chaindb.h"
#include "hashpivot/chainstats.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

#define SECONDS_PER_DAY 86400
/* The estimate's window when fewer than 503 blocks of the epoch are in. */
#define ESTIMATE_WINDOW 504

struct cli_db {
	struct hp_chaindb *db;
	struct hp_chaindb_info info;
};

bool cli_db_option(struct cli_db_opt *o, int code, const char *arg)
{
	if (code != CLI_OPT_DB)
		return false;
	o->given = true;
	o->path = arg;
	return true;
}

int cli_db_open(const struct cli_ctx *ctx, const struct cli_db_opt *o, bool write,
		struct cli_db **out)
{
	char path[HP_CHAINDB_PATH_MAX];
	struct hp_error err = {0};
	struct cli_db *d;
	struct stat sb;
	enum hp_status st;

	*out = NULL;
	if (o->given) {
		if (!*o->path)
			return cli_usage_error(ctx, "--db: must name a file, got ''");
		if (snprintf(path, sizeof(path), "%s", o->path) >= (int)sizeof(path))
			return cli_usage_error(ctx, "--db: file name too long");
	} else if (hp_chaindb_default_path(path, sizeof(path), &err)) {
		return cli_fail(ctx, &err);
	}
	if (!write && stat(path, &sb) != 0)
		return cli_usage_error(ctx, "--db: no database at '%.200s' (make one with "
					    "'hashpivot sync')", path);
	if (!(d = hp_calloc(1, sizeof(*d)))) {
		hp_error_set(&err, HP_ENOMEM, "--db", "out of memory");
		return cli_fail(ctx, &err);
	}
	st = hp_chaindb_open(path, HP_NET_MAIN,
			     HP_CHAINDB_ANY_NETWORK | (write ? HP_CHAINDB_CREATE : HP_CHAINDB_READONLY),
			     &d->db, &err);
	if (!st)
		st = hp_chaindb_info(d->db, &d->info, &err);
	if (st) {
		hp_chaindb_close(d->db);
		hp_free(d);
		hp_error_prefix(&err, "--db: ");
		/* a file that is not a chain database is bad input, not a failure */
		if (err.status == HP_EIO && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
			err.status = HP_EINVAL;
		return cli_fail(ctx, &err);
	}
	*out = d;
	return 0;
}

void cli_db_close(struct cli_db *db)
{
	if (!db)
		return;
	hp_chaindb_close(db->db);
	hp_free(db);
}

const char *cli_db_path(const struct cli_db *db)
{
	return hp_chaindb_path(db->db);
}

struct hp_chaindb *cli_db_handle(struct cli_db *db)
{
	return db->db;
}

/* ------------------------------------------------------------------ */
/* the state at the tip                                                 */
/* ------------------------------------------------------------------ */

struct window {
	struct hp_chainstats_block *b;
	int64_t *height;
	size_t n, cap;
};

static enum hp_status collect(const struct hp_chaindb_block *blk, void *arg, struct hp_error *err)
{
	struct window *w = arg;

	(void)err;
	if (w->n == w->cap)
		return HP_OK;
	w->height[w->n] = blk->height;
	w->b[w->n].time = blk->header.time;
	w->b[w->n].bits = blk->header.bits;
	w->b[w->n].has_fees = blk->has_stats;
	w->b[w->n].fees_sats = blk->has_stats ? blk->stats.fees_sats : 0;
	w->n++;
	return HP_OK;
}

/* The last k blocks of the window (fewer when it has fewer), or NaN's input. */
static const struct hp_chainstats_block *last_k(const struct window *w, size_t k, size_t *n)
{
	*n = k < w->n ? k : w->n;
	return w->b + (w->n - *n);
}

/* Index of height in the window, or -1. */
static long find_height(const struct window *w, int64_t h)
{
	if (!w->n || h < w->height[0] || h > w->height[w->n - 1])
		return -1;
	return (long)(h - w->height[0]);
}

/*
 * Method: read the last CLI_DB_HASHRATE_LONG + 1 stored blocks (the
 * database is gap-free from its anchor); the hashrates are
 * hp_chainstats_hashrate over the last 145 and 2017 of them (144 and 2016
 * intervals), NaN when the database holds fewer; the fees are the mean
 * over the blocks with stats among the last 144 and 1008.
 */
enum hp_status cli_db_state(struct cli_db *db, struct cli_db_state *st, struct hp_error *err)
{
	struct hp_chaindb_block tip;
	struct window w = {0};
	const struct hp_chainstats_block *b;
	size_t n;
	long k;
	enum hp_status ret;
	int64_t from;

	memset(st, 0, sizeof(*st));
	if ((ret = hp_chaindb_info(db->db, &db->info, err)))
		return ret;
	if (db->info.empty)
		return hp_error_set(err, HP_EINVAL, "--db",
				    "%s holds no blocks yet (run 'hashpivot sync')",
				    hp_chaindb_path(db->db));
	if ((ret = hp_chaindb_tip(db->db, &tip, err)))
		return ret;
	st->net = db->info.network;
	st->first_height = db->info.first_height;
	st->tip_height = tip.height;
	memcpy(st->tip_hash, tip.hash, 32);
	st->tip_time = tip.header.time;
	st->bits = tip.header.bits;
	if (!hp_consensus_difficulty(st->bits, &st->difficulty))
		st->difficulty = NAN;
	hp_u256_to_hex(tip.chainwork, st->chainwork_hex);
	st->work_known = db->info.work_known;

	w.cap = CLI_DB_HASHRATE_LONG + 1;
	w.b = hp_calloc(w.cap, sizeof(*w.b));
	w.height = hp_calloc(w.cap, sizeof(*w.height));
	if (!w.b || !w.height) {
		ret = hp_error_set(err, HP_ENOMEM, "--db", "out of memory");
		goto out;
	}
	from = tip.height - (int64_t)w.cap + 1;
	if (from < st->first_height)
		from = st->first_height;
	if ((ret = hp_chaindb_foreach(db->db, from, tip.height, collect, &w, err)))
		goto out;

	st->hashrate_hs_short = st->hashrate_hs_long = NAN;
	b = last_k(&w, CLI_DB_HASHRATE_SHORT + 1, &n);
	if (n == CLI_DB_HASHRATE_SHORT + 1)
		st->hashrate_hs_short = hp_chainstats_hashrate(b, n);
	b = last_k(&w, CLI_DB_HASHRATE_LONG + 1, &n);
	if (n == CLI_DB_HASHRATE_LONG + 1)
		st->hashrate_hs_long = hp_chainstats_hashrate(b, n);
	b = last_k(&w, CLI_DB_FEES_SHORT, &n);
	st->fees_btc_short = hp_chainstats_mean_fees_btc(b, n, &st->fees_blocks_short);
	b = last_k(&w, CLI_DB_FEES_LONG, &n);
	st->fees_btc_long = hp_chainstats_mean_fees_btc(b, n, &st->fees_blocks_long);

	int64_t epoch_start = tip.height - tip.height % HP_RETARGET_INTERVAL;
	if ((k = find_height(&w, epoch_start)) >= 0) {
		st->has_epoch_start = true;
		st->epoch_start_time = w.b[k].time;
	}
	if ((k = find_height(&w, tip.height - ESTIMATE_WINDOW)) >= 0) {
		st->has_window_start = true;
		st->window_start_time = w.b[k].time;
	}
	st->previous_change_pct = NAN;
	if ((k = find_height(&w, epoch_start - 1)) >= 0 && epoch_start > 0) {
		double d0, d1;

		if (hp_consensus_difficulty(w.b[k].bits, &d0) &&
		    hp_consensus_difficulty(w.b[k + 1].bits, &d1))
			st->previous_change_pct = (d1 / d0 - 1) * 100;
	}
out:
	hp_free(w.b);
	hp_free(w.height);
	return ret;
}

/* ------------------------------------------------------------------ */
/* prices                                                               */
/* ------------------------------------------------------------------ */

enum hp_status cli_db_price(struct cli_db *db, int64_t day, double *price, bool *found,
			    struct hp_error *err)
{
	char text[24];
	struct hp_error e = {0};
	enum hp_status st;

	*found = false;
	st = hp_chaindb_get_price(db->db, hp_calendar_day_text(day, text), price, &e);
	if (st == HP_ENOTFOUND)
		return HP_OK;
	if (st) {
		*err = e;
		return st;
	}
	*found = true;
	return HP_OK;
}

struct latest {
	double price;
	char day[16];
	bool found;
};

static enum hp_status keep_last(const char *day, double close_usd, const char *source, void *arg,
				struct hp_error *err)
{
	struct latest *l = arg;

	(void)source;
	(void)err;
	l->price = close_usd;
	snprintf(l->day, sizeof(l->day), "%s", day);
	l->found = true;
	return HP_OK;
}

enum hp_status cli_db_price_before(struct cli_db *db, int64_t day, double *price,
				   int64_t *price_day, bool *found, struct hp_error *err)
{
	struct latest l = {0};
	char text[24];
	enum hp_status st;
	int64_t t;

	*found = false;
	if ((st = hp_chaindb_foreach_price(db->db, NULL, hp_calendar_day_text(day, text), keep_last,
					   &l, err)))
		return st;
	if (!l.found)
		return HP_OK;
	if (hp_parse_time(l.day, 0, INT64_MAX, &t, NULL, NULL))
		return hp_error_set(err, HP_EIO, "--db", "prices: bad day '%s'", l.day);
	*price = l.price;
	*price_day = t / SECONDS_PER_DAY;
	*found = true;
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* a backtest's days                                                    */
/* ------------------------------------------------------------------ */

struct day_acc {
	int64_t from;
	size_t n;
	struct hp_backtest_day *days;
	struct hp_u256 *work;
	int64_t *subsidy_sats, *fees_sats;
	int64_t missing_stats;   /* first height of those days without stats, or -1 */
};

static enum hp_status add_block(const struct hp_chaindb_block *b, void *arg, struct hp_error *err)
{
	struct day_acc *a = arg;
	int64_t day = b->header.time / SECONDS_PER_DAY;
	size_t i;

	(void)err;
	if (day < a->from || day - a->from >= (int64_t)a->n)
		return HP_OK;
	i = (size_t)(day - a->from);
	if (!b->has_stats) {
		if (a->missing_stats < 0)
			a->missing_stats = b->height;
		return HP_OK;
	}
	a->days[i].blocks++;
	if (b->height > a->days[i].height)
		a->days[i].height = b->height;
	a->work[i] = hp_u256_add(a->work[i], hp_consensus_block_work(b->header.bits), NULL);
	a->subsidy_sats[i] += b->stats.subsidy_sats;
	a->fees_sats[i] += b->stats.fees_sats;
	return HP_OK;
}

/* The lowest stored height whose time is at or after t (times are nearly
 * ordered: the median-time-past rule keeps them within hours). */
static enum hp_status height_at(struct cli_db *db, int64_t t, int64_t *h, struct hp_error *err)
{
	int64_t lo = db->info.first_height, hi = db->info.tip_height;
	struct hp_chaindb_block b;
	enum hp_status st;

	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2;

		if ((st = hp_chaindb_get(db->db, mid, &b, err)))
			return st;
		if (b.header.time < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*h = lo;
	return HP_OK;
}

/*
 * Method: the blocks whose header time falls on each UTC day (as Coin
 * Metrics counts them), found between the heights whose times are a day
 * before the first day and a day after the last; the database must hold
 * blocks dated before the first day and after the last, so that no day is
 * cut short.
 */
enum hp_status cli_db_days(struct cli_db *db, int64_t from, struct hp_backtest_day *days, size_t n,
			   struct hp_error *err)
{
	struct day_acc a = { .from = from, .n = n, .days = days, .missing_stats = -1 };
	struct hp_chaindb_block first, tip;
	enum hp_status st;
	int64_t lo, hi, to = from + (int64_t)n - 1;
	char d1[24], d2[24];

	if ((st = hp_chaindb_info(db->db, &db->info, err)))
		return st;
	if (db->info.empty)
		return hp_error_set(err, HP_EINVAL, "--db", "%s holds no blocks yet",
				    hp_chaindb_path(db->db));
	if (db->info.network != HP_NET_MAIN)
		return hp_error_set(err, HP_EINVAL, "--db", "%s holds network %s; backtests model "
				    "mainnet", hp_chaindb_path(db->db),
				    hp_consensus_params(db->info.network)->name);
	if ((st = hp_chaindb_get(db->db, db->info.first_height, &first, err)) ||
	    (st = hp_chaindb_tip(db->db, &tip, err)))
		return st;
	if (first.header.time / SECONDS_PER_DAY >= from)
		return hp_error_set(err, HP_EINVAL, "--from",
				    "the database's blocks start on %s, so %s is not complete in it",
				    hp_calendar_day_text(first.header.time / SECONDS_PER_DAY, d1),
				    hp_calendar_day_text(from, d2));
	if (tip.header.time / SECONDS_PER_DAY <= to)
		return hp_error_set(err, HP_EINVAL, "--to",
				    "the database's blocks end on %s, so %s is not complete in it",
				    hp_calendar_day_text(tip.header.time / SECONDS_PER_DAY, d1),
				    hp_calendar_day_text(to, d2));
	a.work = hp_calloc(n, sizeof(*a.work));
	a.subsidy_sats = hp_calloc(n, sizeof(*a.subsidy_sats));
	a.fees_sats = hp_calloc(n, sizeof(*a.fees_sats));
	if (!a.work || !a.subsidy_sats || !a.fees_sats) {
		st = hp_error_set(err, HP_ENOMEM, "--db", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		memset(&days[i], 0, sizeof(days[i]));
		days[i].day = from + (int64_t)i;
		days[i].height = -1;
	}
	if ((st = height_at(db, (from - 1) * SECONDS_PER_DAY, &lo, err)) ||
	    (st = height_at(db, (to + 2) * SECONDS_PER_DAY, &hi, err)) ||
	    (st = hp_chaindb_foreach(db->db, lo, hi, add_block, &a, err)))
		goto out;
	if (a.missing_stats >= 0) {
		st = hp_error_set(err, HP_EINVAL, "--db",
				  "block %lld has no fee stats (sync with a source that serves them, "
				  "from a height before --from)",
				  (long long)a.missing_stats);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		days[i].work = hp_u256_to_double(a.work[i]);
		days[i].subsidy_btc = (double)a.subsidy_sats[i] / 1e8;
		days[i].fees_btc = (double)a.fees_sats[i] / 1e8;
	}
out:
	hp_free(a.work);
	hp_free(a.subsidy_sats);
	hp_free(a.fees_sats);
	return st;
}
