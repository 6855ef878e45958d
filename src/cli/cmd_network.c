/*
 * cmd_network.c - `hashpivot network`: the state of the network from the
 * shipped difficulty history (data/btc_difficulty_epochs.csv).
 */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/epochs.h"
#include "hashpivot/hex.h"
#include "hashpivot/parse.h"

enum { OPT_HEIGHT = CLI_OPT_FIRST_FREE };

/*
 * Chain work of blocks 0..height: from the latest epoch at or before it whose
 * chainwork the data states, add every later block's work (all blocks of an
 * epoch share its bits on mainnet, so this is exact).
 */
static struct hp_u256 chainwork_at(const struct hp_epochs *e, size_t idx, int64_t height)
{
	size_t k = idx;
	struct hp_u256 cw;

	while (k > 0 && !e->v[k].has_chainwork)
		k--;
	cw = e->v[k].has_chainwork ? e->v[k].chainwork : hp_consensus_block_work(e->v[0].bits);
	for (; k < idx; k++) {
		cw = hp_u256_add(cw, hp_u256_mul_u64(hp_consensus_block_work(e->v[k].bits),
						     HP_RETARGET_INTERVAL - 1, NULL),
				 NULL);
		cw = hp_u256_add(cw, hp_consensus_block_work(e->v[k + 1].bits), NULL);
	}
	return hp_u256_add(cw, hp_u256_mul_u64(hp_consensus_block_work(e->v[idx].bits),
					       (uint64_t)(height - e->v[idx].start_height), NULL),
			   NULL);
}

/*
 * Estimated time of block `height`: the time the data gives for the start
 * of the latest epoch at or before it that has one (the header time, or
 * noon of the UTC day it began), plus 600 s per block after it.
 */
static int64_t time_at(const struct hp_epochs *e, int64_t height, const struct hp_epoch **basis)
{
	const struct hp_epoch *best = NULL;
	int64_t t = 0;

	for (size_t k = 0; k < e->n && e->v[k].start_height <= height; k++) {
		if (e->v[k].has_start_time || e->v[k].start_date[0])
			best = &e->v[k];
	}
	if (!best)
		best = &e->v[0];
	if (best->has_start_time)
		t = best->start_time;
	else if (hp_parse_time(best->start_date, 0, INT64_MAX, &t, NULL, NULL) == HP_OK)
		t += 12 * 3600; /* the loader checked the date; noon of that UTC day */
	*basis = best;
	return t + (height - best->start_height) *
			   hp_consensus_params(HP_NET_MAIN)->pow_target_spacing_s;
}

/*
 * `network --db FILE`: the live state at the database's tip. Keys as
 * without --db where they mean the same; the estimators' windows are
 * CLI_DB_* (docs/cli.md). "Now" is the tip's time, so the output depends
 * only on the database.
 */
static int network_db(struct cli_ctx *ctx, const struct cli_db_opt *o)
{
	struct cli_db *db = NULL;
	struct cli_db_state st;
	struct hp_error err = {0};
	char hex[HP_U256_HEX_LEN], dec[HP_U256_DEC_LEN], hash[65];
	int rc;

	if ((rc = cli_db_open(ctx, o, false, &db)))
		return rc;
	if (cli_db_state(db, &st, &err)) {
		cli_db_close(db);
		return cli_fail(ctx, &err);
	}

	const struct hp_chain_params *p = hp_consensus_params(st.net);
	struct hp_u256 work = hp_consensus_block_work(st.bits);
	int64_t height = st.tip_height;
	int64_t issued = hp_consensus_issued_sats(p, height);
	int64_t total = hp_consensus_total_sats(p);
	int64_t halving = hp_consensus_next_halving_height(p, height);
	int64_t epoch_start = height - height % HP_RETARGET_INTERVAL;
	json_t *o_ = json_object();

	cli_set_str(o_, "network", p->name);
	cli_set_str(o_, "db", cli_db_path(db));
	cli_set_int(o_, "db_first_height", st.first_height);
	cli_set_int(o_, "height", height);
	hp_hex_encode_reversed(st.tip_hash, 32, hash);
	cli_set_str(o_, "tip_hash", hash);
	cli_set_time(o_, "tip_time", st.tip_time);
	cli_set_int(o_, "epoch", height / HP_RETARGET_INTERVAL);
	cli_set_int(o_, "epoch_start_height", epoch_start);
	cli_set_bits(o_, "bits", st.bits);
	cli_set_difficulty(o_, "difficulty", st.bits);
	cli_set_real_or_null(o_, "difficulty_change_pct", st.previous_change_pct);
	cli_set_str(o_, "target", hp_u256_to_hex(hp_consensus_compact_decode(st.bits, NULL, NULL), hex));
	cli_set_str(o_, "work_per_block", hp_u256_to_dec(work, dec));
	cli_set_real(o_, "hashrate_ehs", hp_u256_to_double(work) /
				 (double)p->pow_target_spacing_s / 1e18);
	cli_set_real_or_null(o_, "hashrate_ehs_144", st.hashrate_hs_short / 1e18);
	cli_set_real_or_null(o_, "hashrate_ehs_2016", st.hashrate_hs_long / 1e18);
	cli_set_str(o_, "chainwork", st.chainwork_hex);
	cli_set_bool(o_, "chainwork_from_genesis", st.work_known);
	cli_set_real_or_null(o_, "fees_btc_per_block_144", st.fees_btc_short);
	cli_set_int(o_, "fees_blocks_144", (int64_t)st.fees_blocks_short);
	cli_set_real_or_null(o_, "fees_btc_per_block_1008", st.fees_btc_long);
	cli_set_int(o_, "fees_blocks_1008", (int64_t)st.fees_blocks_long);
	cli_set_int(o_, "subsidy_sats", hp_consensus_subsidy_sats(p, height));
	cli_set_int(o_, "issued_sats", issued);
	cli_set_int(o_, "remaining_sats", total - issued);
	cli_set_real(o_, "issued_pct", (double)issued / (double)total * 100);
	cli_set_int(o_, "halving_epoch", hp_consensus_halving_epoch(p, height));

	/* the next retarget by mempool.space's method, "now" = the tip's time */
	struct hp_estimate_input in = {
		.height = height,
		.epoch_start_time = st.epoch_start_time,
		.now = st.tip_time,
		.has_last_block_time = true,
		.last_block_time = st.tip_time,
		.has_window_start_time = st.has_window_start,
		.window_start_time = st.window_start_time,
		.previous_change_pct = isfinite(st.previous_change_pct) ? st.previous_change_pct : 0,
	};
	struct hp_estimate est;
	bool have_est = st.has_epoch_start && st.tip_time >= st.epoch_start_time &&
			hp_consensus_estimate(&in, &est, NULL) == HP_OK;
	cli_set_int(o_, "next_retarget_height", epoch_start + HP_RETARGET_INTERVAL);
	cli_set_int(o_, "blocks_to_next_retarget", epoch_start + HP_RETARGET_INTERVAL - height);
	if (have_est) {
		cli_set_real(o_, "next_retarget_change_pct", est.change_pct);
		cli_set_time(o_, "next_retarget_estimated_time",
			     est.estimated_retarget_time_ms / 1000);
		cli_set_str(o_, "next_retarget_method", est.used_window ? "window504" : "epoch");
	} else {
		json_object_set_new(o_, "next_retarget_change_pct", json_null());
		json_object_set_new(o_, "next_retarget_estimated_time", json_null());
		json_object_set_new(o_, "next_retarget_estimated_time_utc", json_null());
		json_object_set_new(o_, "next_retarget_method", json_null());
	}
	cli_set_int(o_, "next_halving_height", halving);
	cli_set_int(o_, "blocks_to_next_halving", halving - height);
	cli_set_int(o_, "next_halving_subsidy_sats", hp_consensus_subsidy_sats(p, halving));
	/* after the retarget estimate's pace where there is one, else 600 s a block */
	double spacing = have_est ? est.adjusted_time_avg_s : (double)p->pow_target_spacing_s;
	cli_set_time(o_, "next_halving_estimated_time",
		     st.tip_time + (int64_t)llround((double)(halving - height) * spacing));
	cli_set_str(o_, "time_basis", have_est ? "the tip's time, then this epoch's pace "
						 "(mempool.space's estimate)"
					       : "the tip's time, then 600 s per block");
	cli_db_close(db);
	return cli_emit(ctx, o_);
}

int cmd_network(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"height", required_argument, NULL, OPT_HEIGHT},
		CLI_DB_OPTION,
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_error err = {0};
	struct hp_epochs e = {0};
	struct cli_db_opt dbo = {0};
	const char *height_arg = NULL;
	char path[4200], hex[HP_U256_HEX_LEN], dec[HP_U256_DEC_LEN], basis_text[160];
	int64_t height;
	int c, rc;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		if (c == OPT_HEIGHT)
			height_arg = ctx->arg;
		else
			cli_db_option(&dbo, c, ctx->arg);
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (dbo.given && height_arg)
		return cli_usage_error(ctx, "--height: cannot be combined with --db (the database's "
					    "tip is shown), got '%.40s'", height_arg);
	if (dbo.given)
		return network_db(ctx, &dbo);
	snprintf(path, sizeof(path), "%s/btc_difficulty_epochs.csv", ctx->data_dir);
	if (hp_epochs_load(path, &e, &err) != HP_OK)
		return cli_fail(ctx, &err);
	if (e.n == 0) {
		hp_error_set(&err, HP_EPARSE, path, "no epochs in the file");
		goto fail;
	}

	const struct hp_epoch *last = &e.v[e.n - 1];
	int64_t last_height = last->start_height + HP_RETARGET_INTERVAL - 1;
	height = last->start_height;
	if (height_arg && hp_parse_int64(height_arg, 0, last_height, &height, "--height", &err))
		goto fail;
	const struct hp_epoch *ep = hp_epochs_find(&e, height);
	if (!ep) {
		hp_error_set(&err, HP_ERANGE, "--height", "not in the shipped data, got %lld",
			     (long long)height);
		goto fail;
	}
	size_t idx = (size_t)(ep - e.v);

	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_u256 work = hp_consensus_block_work(ep->bits);
	double difficulty = 0, prev_difficulty = 0;
	hp_consensus_difficulty(ep->bits, &difficulty);
	int64_t issued = hp_consensus_issued_sats(p, height);
	int64_t halving = hp_consensus_next_halving_height(p, height);
	int64_t retarget = ep->start_height + HP_RETARGET_INTERVAL;
	const struct hp_epoch *basis;
	int64_t halving_time = time_at(&e, halving, &basis);
	int64_t retarget_time = time_at(&e, retarget, &basis);
	snprintf(basis_text, sizeof(basis_text),
		 "epoch %lld began %s (%s), then 600 s per block", (long long)basis->epoch,
		 basis->has_start_time ? "at its first header's time" : basis->start_date,
		 basis->has_start_time ? "exact" : "UTC day, noon assumed");

	json_t *o = json_object();
	cli_set_str(o, "network", p->name);
	cli_set_int(o, "height", height);
	cli_set_int(o, "epoch", ep->epoch);
	cli_set_int(o, "epoch_start_height", ep->start_height);
	cli_set_bits(o, "bits", ep->bits);
	cli_set_real(o, "difficulty", difficulty);
	if (idx > 0 && hp_consensus_difficulty(e.v[idx - 1].bits, &prev_difficulty))
		cli_set_real(o, "difficulty_change_pct", (difficulty / prev_difficulty - 1) * 100);
	cli_set_str(o, "target", hp_u256_to_hex(hp_consensus_compact_decode(ep->bits, NULL, NULL), hex));
	cli_set_str(o, "work_per_block", hp_u256_to_dec(work, dec));
	/* Implied hashrate: the hashes per second that find a block every 600 s. */
	cli_set_real(o, "hashrate_ehs", hp_u256_to_double(work) / 600.0 / 1e18);
	cli_set_str(o, "chainwork", hp_u256_to_hex(chainwork_at(&e, idx, height), hex));
	cli_set_int(o, "subsidy_sats", hp_consensus_subsidy_sats(p, height));
	cli_set_int(o, "issued_sats", issued);
	cli_set_int(o, "remaining_sats", HP_MAX_ISSUED_SATS - issued);
	cli_set_real(o, "issued_pct", (double)issued / (double)HP_MAX_ISSUED_SATS * 100);
	cli_set_int(o, "halving_epoch", hp_consensus_halving_epoch(p, height));
	cli_set_int(o, "next_retarget_height", retarget);
	cli_set_int(o, "blocks_to_next_retarget", retarget - height);
	cli_set_time(o, "next_retarget_estimated_time", retarget_time);
	cli_set_int(o, "next_halving_height", halving);
	cli_set_int(o, "blocks_to_next_halving", halving - height);
	cli_set_int(o, "next_halving_subsidy_sats", hp_consensus_subsidy_sats(p, halving));
	cli_set_time(o, "next_halving_estimated_time", halving_time);
	cli_set_str(o, "time_basis", basis_text);
	cli_set_int(o, "data_latest_epoch", last->epoch);
	cli_set_int(o, "data_latest_epoch_start_height", last->start_height);
	hp_epochs_release(&e);
	return cli_emit(ctx, o);
fail:
	hp_epochs_release(&e);
	rc = cli_fail(ctx, &err);
	return rc;
}
