/*
 * cmd_sync.c - `hashpivot sync`: read the chain from a node or an API,
 * verify every header (chainverify.h) and store it (chaindb.h); and
 * `hashpivot sync --check`, the database's integrity check.
 *
 * The run: open the database; ask the source for its tip; if we hold
 * blocks, find where the source's chain and ours agree (a reorg rewinds to
 * that fork point); then fetch, verify and append block after block in
 * batches of --batch, one transaction each. A failure commits the blocks
 * verified before it (they are valid) and stores nothing after it.
 * docs/chaindb.md says what is verified and what a partial sync trusts.
 */
#include <unistd.h>

#include "cli.h"
#include "hashpivot/chaindb.h"
#include "hashpivot/chainsource.h"
#include "hashpivot/chainverify.h"
#include "hashpivot/epochs.h"
#include "hashpivot/hex.h"
#include "hashpivot/parse.h"

enum {
	OPT_RPC_URL = CLI_OPT_FIRST_FREE,
	OPT_RPC_COOKIE,
	OPT_RPC_USER,
	OPT_RPC_PASSWORD,
	OPT_API_URL,
	OPT_DB,
	OPT_NETWORK,
	OPT_FROM_HEIGHT,
	OPT_BATCH,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_STATS_BLOCKS,
	OPT_PROGRESS,
	OPT_CHECK
};

#define DEFAULT_STATS_BLOCKS 2016

struct sync_opts {
	const char *rpc_url, *cookie, *user, *password, *api_url, *db;
	enum hp_network net;
	bool net_given, has_from, progress, check;
	int64_t from_height, batch, stats_blocks, retries;
	double timeout_s;
};

struct sync_run {
	struct cli_ctx *ctx;
	const struct sync_opts *o;
	const struct hp_chain_params *p;
	struct hp_chaindb *db;
	struct hp_chainsource *src;
	struct hp_chainverify_state state;
	bool have_state;
	int64_t src_tip, start, stats_from;
	int64_t headers_added, stats_added, reorg_depth, fork_height;
	struct cli_progress pg;
	bool show_progress;
};

static int parse_opts(struct cli_ctx *ctx, int argc, char **argv, struct sync_opts *o)
{
	static const struct option opts[] = {
		{"rpc-url", required_argument, NULL, OPT_RPC_URL},
		{"rpc-cookie", required_argument, NULL, OPT_RPC_COOKIE},
		{"rpc-user", required_argument, NULL, OPT_RPC_USER},
		{"rpc-password", required_argument, NULL, OPT_RPC_PASSWORD},
		{"api-url", required_argument, NULL, OPT_API_URL},
		{"db", required_argument, NULL, OPT_DB},
		{"network", required_argument, NULL, OPT_NETWORK},
		{"from-height", required_argument, NULL, OPT_FROM_HEIGHT},
		{"batch", required_argument, NULL, OPT_BATCH},
		{"timeout-s", required_argument, NULL, OPT_TIMEOUT},
		{"retries", required_argument, NULL, OPT_RETRIES},
		{"stats-blocks", required_argument, NULL, OPT_STATS_BLOCKS},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"check", no_argument, NULL, OPT_CHECK},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_error err = {0};
	enum hp_status st = HP_OK;
	int c;

	memset(o, 0, sizeof(*o));
	o->net = HP_NET_MAIN;
	o->batch = 500;
	o->stats_blocks = DEFAULT_STATS_BLOCKS;
	o->retries = 3;
	o->timeout_s = 30;
	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		switch (c) {
		case CLI_EXIT: return -1;
		case OPT_RPC_URL: o->rpc_url = ctx->arg; break;
		case OPT_RPC_COOKIE: o->cookie = ctx->arg; break;
		case OPT_RPC_USER: o->user = ctx->arg; break;
		case OPT_RPC_PASSWORD: o->password = ctx->arg; break;
		case OPT_API_URL: o->api_url = ctx->arg; break;
		case OPT_DB: o->db = ctx->arg; break;
		case OPT_PROGRESS: o->progress = true; break;
		case OPT_CHECK: o->check = true; break;
		case OPT_NETWORK:
			o->net_given = true;
			st = hp_consensus_network_parse(ctx->arg, &o->net, "--network", &err);
			break;
		case OPT_FROM_HEIGHT:
			o->has_from = true;
			st = hp_parse_int64(ctx->arg, 0, INT32_MAX, &o->from_height, "--from-height",
					    &err);
			break;
		case OPT_BATCH:
			st = hp_parse_int64(ctx->arg, 1, 100000, &o->batch, "--batch", &err);
			break;
		case OPT_RETRIES:
			st = hp_parse_int64(ctx->arg, 0, 100, &o->retries, "--retries", &err);
			break;
		case OPT_STATS_BLOCKS:
			st = hp_parse_int64(ctx->arg, 0, INT32_MAX, &o->stats_blocks,
					    "--stats-blocks", &err);
			break;
		case OPT_TIMEOUT:
			st = hp_parse_double(ctx->arg, 0.001, 86400, &o->timeout_s, "--timeout-s",
					     &err);
			break;
		}
		if (st != HP_OK)
			return cli_fail(ctx, &err);
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (o->check) {
		if (o->rpc_url || o->api_url)
			return cli_usage_error(ctx, "--check: takes no source (--rpc-url, --api-url)");
		return 0;
	}
	if (!o->rpc_url == !o->api_url)
		return cli_usage_error(ctx, "needs one of --rpc-url URL or --api-url URL");
	if (o->api_url && (o->cookie || o->user || o->password))
		return cli_usage_error(ctx, "%s: only with --rpc-url",
				       o->cookie ? "--rpc-cookie" : o->user ? "--rpc-user" :
									       "--rpc-password");
	if (o->cookie && (o->user || o->password))
		return cli_usage_error(ctx, "--rpc-cookie: not with --rpc-user/--rpc-password");
	if (!o->user != !o->password)
		return cli_usage_error(ctx, "%s: needs %s too", o->user ? "--rpc-user" : "--rpc-password",
				       o->user ? "--rpc-password" : "--rpc-user");
	return 0;
}

static int open_db(struct cli_ctx *ctx, const struct sync_opts *o, unsigned flags,
		   struct hp_chaindb **db, char *path, size_t n)
{
	struct hp_error err = {0};

	if (o->db)
		snprintf(path, n, "%s", o->db);
	else if (hp_chaindb_default_path(path, n, &err) != HP_OK)
		return cli_fail(ctx, &err);
	/* a database named for reading that is not there is bad input, as
	 * for every reader of --db (src/cli/dbopts.c) */
	if (hp_chaindb_open(path, o->net, flags, db, &err) != HP_OK)
		return err.status == HP_ENOTFOUND ?
			cli_usage_error(ctx, "--db: no database at '%.200s' (make one with "
					     "'hashpivot sync')", path) :
			cli_fail(ctx, &err);
	return 0;
}

/* ------------------------------------------------------------------ */
/* --check                                                             */
/* ------------------------------------------------------------------ */

static void set_hash(json_t *obj, const char *key, const uint8_t hash[32])
{
	char hex[65];

	hp_hex_encode_reversed(hash, 32, hex);
	cli_set_str(obj, key, hex);
}

static void set_work(json_t *obj, const char *key, struct hp_u256 w)
{
	char hex[HP_U256_HEX_LEN];

	cli_set_str(obj, key, hp_u256_to_hex(w, hex));
}

static int run_check(struct cli_ctx *ctx, const struct sync_opts *o)
{
	struct hp_chaindb_check_report rep;
	struct hp_error err = {0};
	struct hp_chaindb *db;
	char path[HP_CHAINDB_PATH_MAX];
	int rc = open_db(ctx, o, HP_CHAINDB_READONLY | (o->net_given ? 0 : HP_CHAINDB_ANY_NETWORK),
			 &db, path, sizeof(path));

	if (rc)
		return rc;
	if (hp_chaindb_check(db, NULL, &rep, &err) != HP_OK) {
		hp_chaindb_close(db);
		return cli_fail(ctx, &err);
	}
	hp_chaindb_close(db);

	json_t *out = json_object();
	cli_set_bool(out, "ok", true);
	cli_set_str(out, "network", hp_consensus_params(rep.info.network)->name);
	cli_set_str(out, "db", path);
	if (rep.info.empty) {
		json_object_set_new(out, "first_height", json_null());
		json_object_set_new(out, "tip_height", json_null());
		json_object_set_new(out, "tip_hash", json_null());
		json_object_set_new(out, "chainwork", json_null());
	} else {
		cli_set_int(out, "first_height", rep.info.first_height);
		cli_set_int(out, "tip_height", rep.info.tip_height);
		set_hash(out, "tip_hash", rep.tip_hash);
		set_work(out, "chainwork", rep.tip_chainwork);
		cli_set_bool(out, "chainwork_from_genesis", rep.info.work_known);
		cli_set_str(out, "anchor_trust",
			    rep.info.anchor_trust == HP_CHAINDB_TRUST_GENESIS ? "genesis" :
			    rep.info.anchor_trust == HP_CHAINDB_TRUST_CHECKPOINT ? "checkpoint" :
										    "source");
	}
	cli_set_int(out, "headers", rep.info.headers);
	cli_set_int(out, "stats", rep.info.stats);
	cli_set_int(out, "prices", rep.info.prices);
	return cli_emit(ctx, out);
}

/* ------------------------------------------------------------------ */
/* the sync                                                            */
/* ------------------------------------------------------------------ */

/* The verification state at the stored tip, replayed from its period's start. */
struct replay {
	const struct hp_chain_params *p;
	struct hp_chainverify_state s;
	bool any;
};

static enum hp_status replay_one(const struct hp_chaindb_block *b, void *arg,
				 struct hp_error *err)
{
	struct replay *r = arg;
	struct hp_chainverify_state next;

	(void)err;
	hp_chainverify_state_from_block(r->p, r->any ? &r->s : NULL, b, &next);
	r->s = next;
	r->any = true;
	return HP_OK;
}

static enum hp_status load_state(struct sync_run *r, struct hp_error *err)
{
	struct hp_chaindb_info info;
	struct replay rp = {r->p, {0}, false};
	int64_t from;
	enum hp_status st = hp_chaindb_info(r->db, &info, err);

	r->have_state = false;
	if (st != HP_OK || info.empty)
		return st;
	from = info.tip_height - info.tip_height % hp_consensus_interval(r->p);
	if (from < info.first_height)
		from = info.first_height;
	st = hp_chaindb_foreach(r->db, from, info.tip_height, replay_one, &rp, err);
	if (st != HP_OK)
		return st;
	r->state = rp.s;
	r->have_state = rp.any;
	return HP_OK;
}

/* Fetch block h's hash and header from the source. */
static enum hp_status fetch(struct sync_run *r, int64_t h, uint8_t hash[32],
			    uint8_t raw[HP_HEADER_SIZE], struct hp_error *err)
{
	enum hp_status st = hp_chainsource_block_hash(r->src, h, hash, err);

	return st == HP_OK ? hp_chainsource_header(r->src, hash, raw, err) : st;
}

/* The hash the source gave must be the hash of the header it served. */
static enum hp_status same_hash(int64_t h, const uint8_t said[32], const uint8_t got[32],
				struct hp_error *err)
{
	char a[65], b[65];

	if (memcmp(said, got, 32) == 0)
		return HP_OK;
	hp_hex_encode_reversed(got, 32, a);
	hp_hex_encode_reversed(said, 32, b);
	return hp_error_set(err, HP_EIO, NULL,
			    "block %lld: the header hashes to %s, the source named %s",
			    (long long)h, a, b);
}

/*
 * A partial sync's first block: its own hash and proof of work are
 * checked; on mainnet, when a shipped epoch start is at that height, it
 * must be that block (trust "checkpoint", chainwork from the file);
 * otherwise the source is trusted for it, and for its chainwork when it
 * reports one (RPC).
 */
static enum hp_status anchor_block(struct sync_run *r, int64_t h, struct hp_chaindb_block *b,
				   enum hp_chaindb_trust *trust, bool *work_known,
				   struct hp_error *err)
{
	uint8_t hash[32], raw[HP_HEADER_SIZE];
	enum hp_status st = fetch(r, h, hash, raw, err);
	bool known;

	if (st != HP_OK)
		return st;
	if (h == 0) {
		st = hp_chainverify_genesis(r->o->net, raw, b, &r->state, err);
		if (st == HP_OK)
			st = same_hash(0, hash, b->hash, err);
		*trust = HP_CHAINDB_TRUST_GENESIS;
		*work_known = true;
		return st;
	}
	memset(b, 0, sizeof(*b));
	b->height = h;
	hp_consensus_header_decode(raw, &b->header);
	st = hp_consensus_header_hash(raw, b->hash, err);
	if (st == HP_OK)
		st = same_hash(h, hash, b->hash, err);
	if (st != HP_OK)
		return st;
	if (!hp_consensus_check_pow(r->p, b->hash, b->header.bits)) {
		char hex[65];

		hp_hex_encode_reversed(b->hash, 32, hex);
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: proof of work not met (hash %s above target of "
				    "bits %08x)",
				    (long long)h, hex, b->header.bits);
	}
	*trust = HP_CHAINDB_TRUST_SOURCE;
	*work_known = false;
	b->chainwork = hp_consensus_block_work(b->header.bits);
	if (r->o->net == HP_NET_MAIN && h % HP_RETARGET_INTERVAL == 0) {
		struct hp_epochs ep;
		char path[4200];

		snprintf(path, sizeof(path), "%s/btc_difficulty_epochs.csv", r->ctx->data_dir);
		st = hp_epochs_load(path, &ep, err);
		if (st != HP_OK)
			return st;
		const struct hp_epoch *e = hp_epochs_find(&ep, h);
		if (e && e->start_height == h && e->has_start_hash) {
			if (memcmp(e->start_hash, b->hash, 32) != 0) {
				char a[65], c[65];

				hp_hex_encode_reversed(b->hash, 32, a);
				hp_hex_encode_reversed(e->start_hash, 32, c);
				hp_epochs_release(&ep);
				return hp_error_set(err, HP_EIO, NULL,
						    "block %lld: hash %s is not the shipped "
						    "checkpoint %s",
						    (long long)h, a, c);
			}
			*trust = HP_CHAINDB_TRUST_CHECKPOINT;
			if (e->has_chainwork) {
				b->chainwork = e->chainwork;
				*work_known = true;
			}
		}
		hp_epochs_release(&ep);
	}
	if (!*work_known) {
		struct hp_u256 w;

		st = hp_chainsource_chainwork(r->src, b->hash, &known, &w, err);
		if (st != HP_OK)
			return st;
		if (known) {
			b->chainwork = w;
			*work_known = true;
		}
	}
	hp_chainverify_state_from_block(r->p, NULL, b, &r->state);
	return HP_OK;
}

/* Stats for block b when it is inside the stats window, checked. */
static enum hp_status add_stats(struct sync_run *r, struct hp_chaindb_block *b,
				struct hp_error *err)
{
	enum hp_status st;
	int64_t want;

	if (b->height < r->stats_from)
		return HP_OK;
	st = hp_chainsource_stats(r->src, r->p, b->height, b->hash, &b->stats, err);
	if (st != HP_OK)
		return st;
	want = hp_consensus_subsidy_sats(r->p, b->height);
	if (b->stats.subsidy_sats != want)
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: subsidy %lld sats, the consensus subsidy is %lld",
				    (long long)b->height, (long long)b->stats.subsidy_sats,
				    (long long)want);
	b->has_stats = true;
	return HP_OK;
}

/* One block: fetch, verify (or anchor), stats, append (inside the open batch). */
static enum hp_status sync_one(struct sync_run *r, int64_t h, struct hp_error *err)
{
	struct hp_chaindb_block b;
	struct hp_chainverify_state next;
	enum hp_chaindb_trust trust = HP_CHAINDB_TRUST_SOURCE;
	bool work_known = false;
	uint8_t hash[32], raw[HP_HEADER_SIZE];
	enum hp_status st;

	if (!r->have_state) {
		st = anchor_block(r, h, &b, &trust, &work_known, err);
		next = r->state;
	} else {
		st = fetch(r, h, hash, raw, err);
		if (st == HP_OK)
			st = hp_chainverify_header(r->p, &r->state, raw, &b, &next, err);
		if (st == HP_OK)
			st = same_hash(h, hash, b.hash, err);
	}
	if (st == HP_OK)
		st = add_stats(r, &b, err);
	if (st == HP_OK)
		st = hp_chaindb_append(r->db, &b, trust, work_known, err);
	if (st != HP_OK)
		return st;
	r->state = next;
	r->have_state = true;
	r->headers_added++;
	r->stats_added += b.has_stats;
	return HP_OK;
}

/*
 * Compare the source's chain with ours from the top down; rewind to the
 * highest height where they agree. A source behind us is not a reorg as
 * long as it agrees at its own tip.
 */
static enum hp_status find_fork(struct sync_run *r, struct hp_error *err)
{
	struct hp_chaindb_info info;
	struct hp_chaindb_block ours;
	uint8_t theirs[32];
	enum hp_status st = hp_chaindb_info(r->db, &info, err);
	int64_t h;

	if (st != HP_OK || info.empty)
		return st;
	h = info.tip_height < r->src_tip ? info.tip_height : r->src_tip;
	for (; h >= info.first_height; h--) {
		st = hp_chaindb_get(r->db, h, &ours, err);
		if (st == HP_OK)
			st = hp_chainsource_block_hash(r->src, h, theirs, err);
		if (st != HP_OK)
			return st;
		if (memcmp(ours.hash, theirs, 32) == 0)
			break;
	}
	if (h < info.first_height)
		return hp_error_set(err, HP_EIO, NULL,
				    "the source's chain does not contain the stored block %lld "
				    "(the anchor); sync into a new --db",
				    (long long)info.first_height);
	if (h < info.tip_height && h < r->src_tip) {
		r->reorg_depth = info.tip_height - h;
		r->fork_height = h;
		st = hp_chaindb_rewind(r->db, h, err);
	}
	return st;
}

static enum hp_status sync_blocks(struct sync_run *r, struct hp_error *err)
{
	struct hp_chaindb_info info;
	enum hp_status st = hp_chaindb_info(r->db, &info, err);
	int64_t h, total;

	if (st != HP_OK)
		return st;
	if (!info.empty && r->o->has_from && r->o->from_height != info.first_height)
		return hp_error_set(err, HP_EINVAL, "--from-height",
				    "the database starts at %lld, got %lld (a new --db for "
				    "another start)",
				    (long long)info.first_height, (long long)r->o->from_height);
	r->start = info.empty ? (r->o->has_from ? r->o->from_height : 0) : info.tip_height + 1;
	if (info.empty && r->start > r->src_tip)
		return hp_error_set(err, HP_EINVAL, "--from-height",
				    "above the source's tip %lld, got %lld", (long long)r->src_tip,
				    (long long)r->start);
	r->stats_from = r->o->has_from ? r->o->from_height : r->src_tip - r->o->stats_blocks + 1;
	if (r->o->stats_blocks == 0)
		r->stats_from = INT64_MAX;
	st = load_state(r, err);
	if (st != HP_OK)
		return st;
	total = r->src_tip - r->start + 1;
	for (h = r->start; h <= r->src_tip && st == HP_OK;) {
		int64_t end = h + r->o->batch;
		enum hp_status cst;

		st = hp_chaindb_begin(r->db, err);
		if (st != HP_OK)
			break;
		for (; h < end && h <= r->src_tip; h++) {
			st = sync_one(r, h, err);
			if (st != HP_OK)
				break;
		}
		/* what was verified before a failure is valid: keep it */
		cst = hp_chaindb_commit(r->db, st == HP_OK ? err : NULL);
		if (st == HP_OK)
			st = cst;
		if (r->show_progress && total > 0)
			cli_progress_show(&r->pg, (uint64_t)(h - r->start), (uint64_t)total);
	}
	return st;
}

static int run_sync(struct cli_ctx *ctx, const struct sync_opts *o)
{
	struct hp_chainsource_opts so;
	struct hp_error err = {0};
	struct sync_run r;
	struct hp_chaindb_block tip;
	char path[HP_CHAINDB_PATH_MAX];
	enum hp_network src_net;
	bool net_known;
	enum hp_status st;
	int rc;

	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.o = o;
	r.p = hp_consensus_params(o->net);
	r.fork_height = -1;
	hp_chainsource_opts_init(&so);
	so.kind = o->rpc_url ? HP_CHAINSOURCE_RPC : HP_CHAINSOURCE_REST;
	so.url = o->rpc_url ? o->rpc_url : o->api_url;
	so.cookie_file = o->cookie;
	so.user = o->user;
	so.password = o->password;
	so.timeout_s = o->timeout_s;
	so.retries = (int)o->retries;
	if (hp_chainsource_new(&so, &r.src, &err) != HP_OK)
		return cli_fail(ctx, &err);
	/* ask the source first: a failed first run leaves no empty file behind */
	st = hp_chainsource_tip(r.src, &r.src_tip, &net_known, &src_net, &err);
	if (st == HP_OK && net_known && src_net != o->net)
		st = hp_error_set(&err, HP_EINVAL, "--network", "the source serves %s, not %s",
				  hp_consensus_params(src_net)->name, r.p->name);
	if (st != HP_OK) {
		hp_chainsource_free(r.src);
		return cli_fail(ctx, &err);
	}
	rc = open_db(ctx, o, HP_CHAINDB_CREATE, &r.db, path, sizeof(path));
	if (rc) {
		hp_chainsource_free(r.src);
		return rc;
	}
	if (o->progress || isatty(fileno(ctx->err))) {
		r.show_progress = true;
		cli_progress_start(&r.pg, "sync", ctx->err);
	}
	if (st == HP_OK)
		st = find_fork(&r, &err);
	if (st == HP_OK)
		st = sync_blocks(&r, &err);
	if (st == HP_OK)
		st = hp_chaindb_tip(r.db, &tip, &err);
	hp_chaindb_close(r.db);
	if (st != HP_OK) {
		rc = cli_fail(ctx, &err);
		hp_chainsource_free(r.src);
		return rc;
	}

	json_t *out = json_object();
	cli_set_str(out, "network", r.p->name);
	cli_set_str(out, "db", path);
	cli_set_str(out, "source", hp_chainsource_url(r.src));
	cli_set_int(out, "from_height", r.start);
	cli_set_int(out, "tip_height", tip.height);
	set_hash(out, "tip_hash", tip.hash);
	cli_set_int(out, "headers_added", r.headers_added);
	cli_set_int(out, "stats_added", r.stats_added);
	cli_set_int(out, "reorg_depth", r.reorg_depth);
	if (r.fork_height >= 0)
		cli_set_int(out, "fork_height", r.fork_height);
	else
		json_object_set_new(out, "fork_height", json_null());
	hp_chainsource_free(r.src);
	return cli_emit(ctx, out);
}

int cmd_sync(int argc, char **argv, struct cli_ctx *ctx)
{
	struct sync_opts o;
	int rc = parse_opts(ctx, argc, argv, &o);

	if (rc == -1)
		return ctx->exit_code;
	if (rc)
		return rc;
	return o.check ? run_check(ctx, &o) : run_sync(ctx, &o);
}
