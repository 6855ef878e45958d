/*
 * netopts.c - the network inputs shared by every calculator command
 * (hashprice, breakeven, curtail, energy): --difficulty | --bits, --height,
 * --fees-btc, --price-usd and --pool-fee-pct, parsed and checked once.
 */
#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

bool cli_net_option(struct cli_net *n, int code, const char *arg)
{
	if (code < CLI_OPT_NET_DIFFICULTY || code > CLI_OPT_NET_POOL_FEE)
		return false;
	n->arg[code - CLI_OPT_NET_DIFFICULTY] = arg;
	return true;
}

int cli_net_finish(const struct cli_ctx *ctx, struct cli_net *n)
{
	static const char *const names[] = {"--difficulty", "--bits", "--height",
					    "--fees-btc", "--price-usd", "--pool-fee-pct"};
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_error err = {0};

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
}
