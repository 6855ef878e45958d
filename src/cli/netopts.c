/*
 * netopts.c - the network inputs shared by every calculator command
 * (hashprice, breakeven, curtail, energy): --difficulty | --bits, --height,
 * --fees-btc, --price-usd and --pool-fee-pct, parsed and checked once; or
 * --db FILE, the network at a chain database's tip.
 */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "hashpivot/calendar.h"
#include "hashpivot/chaindb.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

#define SECONDS_PER_DAY 86400

bool cli_net_option(struct cli_net *n, int code, const char *arg)
{
	if (code < CLI_OPT_NET_DIFFICULTY || code > CLI_OPT_NET_DB)
		return false;
	n->arg[code - CLI_OPT_NET_DIFFICULTY] = arg;
	return true;
}

/*
 * The network at the database's tip: its bits and height, the mean fees of
 * the last CLI_DB_FEES_SHORT blocks that have stats; the price from
 * `price` (--price-usd) or else the database's latest close on or before
 * the tip's UTC day. Then the hashprice as for typed values.
 */
int cli_net_from_db(const struct cli_ctx *ctx, struct cli_net *n, const char *db_path,
		    const char *price, double fallback_price_usd)
{
	struct cli_db_opt o = { .given = true, .path = db_path };
	struct cli_db *db = NULL;
	struct cli_db_state st;
	struct hp_error err = {0};
	const struct hp_chain_params *p;
	int rc;

	if ((rc = cli_db_open(ctx, &o, false, &db)))
		return rc;
	if (cli_db_state(db, &st, &err))
		goto fail;
	p = hp_consensus_params(st.net);
	if (!st.fees_blocks_short) {
		hp_error_set(&err, HP_EINVAL, "--db",
			     "%s has no fee stats in its last %d blocks (sync them from a source "
			     "that serves block stats)",
			     cli_db_path(db), CLI_DB_FEES_SHORT);
		goto fail;
	}
	n->from_db = true;
	snprintf(n->db_path, sizeof(n->db_path), "%s", cli_db_path(db));
	n->has_bits = true;
	n->bits = st.bits;
	n->difficulty = st.difficulty;
	n->in.work_per_block = hp_consensus_block_work(st.bits);
	if (hp_u256_is_zero(n->in.work_per_block) || !isfinite(n->difficulty)) {
		hp_error_set(&err, HP_EINVAL, "--db", "the tip's bits %08x encode no target",
			     (unsigned)st.bits);
		goto fail;
	}
	n->height = st.tip_height;
	n->in.fees_btc_per_block = st.fees_btc_short;
	n->fees_blocks = (int64_t)st.fees_blocks_short;
	if (price) {
		if (hp_parse_double(price, 0, 1e12, &n->in.price_usd, "--price-usd", &err))
			goto fail;
		n->price_source = "--price-usd";
	} else {
		bool found;
		int64_t day;
		char text[24];

		if (cli_db_price_before(db, st.tip_time / SECONDS_PER_DAY, &n->in.price_usd, &day,
					&found, &err))
			goto fail;
		if (!found && fallback_price_usd > 0) {
			n->in.price_usd = fallback_price_usd;
			n->price_source = "scenario";
		} else if (!found) {
			hp_error_set(&err, HP_EINVAL, "--price-usd",
				     "missing, and %s has no close on or before the tip's day %s "
				     "(import one with 'hashpivot prices import')",
				     cli_db_path(db),
				     hp_calendar_day_text(st.tip_time / SECONDS_PER_DAY, text));
			goto fail;
		} else {
			snprintf(n->price_day, sizeof(n->price_day), "%s",
				 hp_calendar_day_text(day, text));
			n->price_source = "db";
		}
	}
	cli_db_close(db);
	n->in.subsidy_sats = hp_consensus_subsidy_sats(p, n->height);
	if (n->arg[5] &&
	    hp_parse_double(n->arg[5], 0, 100, &n->in.pool_fee_pct, "--pool-fee-pct", &err))
		return cli_fail(ctx, &err);
	if (hp_mining_hashprice(&n->in, &n->hp, &err) != HP_OK)
		return cli_fail(ctx, &err);
	return 0;
fail:
	cli_db_close(db);
	return cli_fail(ctx, &err);
}

int cli_net_finish(const struct cli_ctx *ctx, struct cli_net *n)
{
	static const char *const names[] = {"--difficulty", "--bits", "--height",
					    "--fees-btc", "--price-usd", "--pool-fee-pct"};
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_error err = {0};

	if (n->arg[6]) {
		for (int i = 0; i < 4; i++) {
			if (n->arg[i])
				return cli_usage_error(ctx, "%s: cannot be combined with --db (the "
							    "network comes from the database), got '%.40s'",
						       names[i], n->arg[i]);
		}
		return cli_net_from_db(ctx, n, n->arg[6], n->arg[4], 0);
	}

	if (!!n->arg[0] + !!n->arg[1] != 1)
		return cli_usage_error(ctx, "give exactly one of --difficulty or --bits; "
					    "see 'hashpivot %s --help'", ctx->cmd->name);
	for (int i = 2; i < 5; i++) {
		if (!n->arg[i])
			return cli_usage_error(ctx, "%s: missing; see 'hashpivot %s --help'",
					       names[i], ctx->cmd->name);
	}
	n->has_bits = n->arg[1] != NULL;
	if (!n->has_bits) {
		struct hp_u256 target;
		if (hp_parse_double(n->arg[0], 0, 1e300, &n->difficulty, "--difficulty", &err) ||
		    hp_consensus_target_from_difficulty(n->difficulty, &target, "--difficulty",
							&err))
			return cli_fail(ctx, &err);
		n->in.work_per_block = hp_consensus_work_from_target(target);
	} else {
		if (hp_parse_hex32(n->arg[1], &n->bits, "--bits", &err))
			return cli_fail(ctx, &err);
		n->in.work_per_block = hp_consensus_block_work(n->bits);
		if (hp_u256_is_zero(n->in.work_per_block) ||
		    !hp_consensus_difficulty(n->bits, &n->difficulty))
			return cli_usage_error(ctx, "--bits: must encode a positive target, got '%s'",
					       n->arg[1]);
	}
	if (hp_parse_int64(n->arg[2], 0, INT32_MAX, &n->height, "--height", &err) ||
	    hp_parse_double(n->arg[3], 0, 1e6, &n->in.fees_btc_per_block, "--fees-btc", &err) ||
	    hp_parse_double(n->arg[4], 0, 1e12, &n->in.price_usd, "--price-usd", &err) ||
	    (n->arg[5] &&
	     hp_parse_double(n->arg[5], 0, 100, &n->in.pool_fee_pct, "--pool-fee-pct", &err)))
		return cli_fail(ctx, &err);
	n->in.subsidy_sats = hp_consensus_subsidy_sats(p, n->height);
	if (hp_mining_hashprice(&n->in, &n->hp, &err) != HP_OK)
		return cli_fail(ctx, &err);
	return 0;
}

void cli_net_echo(json_t *o, const struct cli_net *n)
{
	char dec[HP_U256_DEC_LEN];

	cli_set_real(o, "difficulty", n->difficulty);
	if (n->has_bits)
		cli_set_bits(o, "bits", n->bits);
	cli_set_str(o, "work_per_block", hp_u256_to_dec(n->in.work_per_block, dec));
	cli_set_int(o, "height", n->height);
	cli_set_int(o, "subsidy_sats", n->in.subsidy_sats);
	cli_set_real(o, "fees_btc", n->in.fees_btc_per_block);
	cli_set_real(o, "reward_btc_per_block", n->hp.reward_btc_per_block);
	cli_set_real(o, "price_usd", n->in.price_usd);
	cli_set_real(o, "pool_fee_pct", n->in.pool_fee_pct);
	if (n->from_db) {
		cli_set_str(o, "db", n->db_path);
		cli_set_int(o, "fees_blocks", n->fees_blocks);
		cli_set_str(o, "price_source", n->price_source);
		if (n->price_day[0])
			cli_set_str(o, "price_day", n->price_day);
	}
}
