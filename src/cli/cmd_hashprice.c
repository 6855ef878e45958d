/*
 * cmd_hashprice.c - `hashpivot hashprice`: reward per unit of hashrate per day.
 *
 * The parsing of the hashprice options lives here too, as
 * cli_hashprice_compute() and cli_hashprice_echo(), for every command that
 * prices hashrate (curtail; later the machine catalog's commands).
 */
#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/mining.h"
#include "hashpivot/parse.h"

enum {
	OPT_DIFFICULTY = CLI_OPT_FIRST_FREE,
	OPT_BITS,
	OPT_HEIGHT,
	OPT_FEES,
	OPT_PRICE,
	OPT_POOL_FEE
};

int cli_hashprice_compute(const struct cli_ctx *ctx, const struct cli_hashprice_args *a,
			  struct cli_hashprice *out)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	const char *required[3][2] = {
		{ a->height, "--height" },
		{ a->fees_btc, "--fees-btc" },
		{ a->price_usd, "--price-usd" },
	};
	struct hp_hashprice_input *in = &out->in;
	struct hp_error err = {0};

	*out = (struct cli_hashprice){0};
	if (!!a->difficulty + !!a->bits != 1)
		return cli_usage_error(ctx, "give exactly one of --difficulty or --bits; "
					    "see 'hashpivot %s --help'", ctx->cmd->name);
	for (int i = 0; i < 3; i++) {
		if (!required[i][0])
			return cli_usage_error(ctx, "%s: missing; see 'hashpivot %s --help'",
					       required[i][1], ctx->cmd->name);
	}
	if (a->difficulty) {
		struct hp_u256 target;
		if (hp_parse_double(a->difficulty, 0, 1e300, &out->difficulty, "--difficulty", &err) ||
		    hp_consensus_target_from_difficulty(out->difficulty, &target, "--difficulty",
							&err))
			return cli_fail(ctx, &err);
		in->work_per_block = hp_consensus_work_from_target(target);
	} else {
		if (hp_parse_hex32(a->bits, &out->bits, "--bits", &err))
			return cli_fail(ctx, &err);
		in->work_per_block = hp_consensus_block_work(out->bits);
		if (hp_u256_is_zero(in->work_per_block) ||
		    !hp_consensus_difficulty(out->bits, &out->difficulty))
			return cli_usage_error(ctx, "--bits: must encode a positive target, got '%s'",
					       a->bits);
	}
	if (hp_parse_int64(a->height, 0, INT32_MAX, &out->height, "--height", &err) ||
	    hp_parse_double(a->fees_btc, 0, 1e6, &in->fees_btc_per_block, "--fees-btc", &err) ||
	    hp_parse_double(a->price_usd, 0, 1e12, &in->price_usd, "--price-usd", &err) ||
	    (a->pool_fee_pct &&
	     hp_parse_double(a->pool_fee_pct, 0, 100, &in->pool_fee_pct, "--pool-fee-pct", &err)))
		return cli_fail(ctx, &err);
	in->subsidy_sats = hp_consensus_subsidy_sats(p, out->height);
	if (hp_mining_hashprice(in, &out->hp, &err) != HP_OK)
		return cli_fail(ctx, &err);
	return 0;
}

void cli_hashprice_echo(json_t *o, const struct cli_hashprice_args *a,
			const struct cli_hashprice *h)
{
	char dec[HP_U256_DEC_LEN];

	cli_set_real(o, "difficulty", h->difficulty);
	if (a->bits)
		cli_set_bits(o, "bits", h->bits);
	cli_set_str(o, "work_per_block", hp_u256_to_dec(h->in.work_per_block, dec));
	cli_set_int(o, "height", h->height);
	cli_set_int(o, "subsidy_sats", h->in.subsidy_sats);
	cli_set_real(o, "fees_btc", h->in.fees_btc_per_block);
	cli_set_real(o, "reward_btc_per_block", h->hp.reward_btc_per_block);
	cli_set_real(o, "price_usd", h->in.price_usd);
	cli_set_real(o, "pool_fee_pct", h->in.pool_fee_pct);
}

int cmd_hashprice(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"difficulty", required_argument, NULL, OPT_DIFFICULTY},
		{"bits", required_argument, NULL, OPT_BITS},
		{"height", required_argument, NULL, OPT_HEIGHT},
		{"fees-btc", required_argument, NULL, OPT_FEES},
		{"price-usd", required_argument, NULL, OPT_PRICE},
		{"pool-fee-pct", required_argument, NULL, OPT_POOL_FEE},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct cli_hashprice_args a = {0};
	struct cli_hashprice h;
	int c, rc;

	optind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		switch (c) {
		case CLI_EXIT:
			return ctx->exit_code;
		case OPT_DIFFICULTY:
			a.difficulty = optarg;
			break;
		case OPT_BITS:
			a.bits = optarg;
			break;
		case OPT_HEIGHT:
			a.height = optarg;
			break;
		case OPT_FEES:
			a.fees_btc = optarg;
			break;
		case OPT_PRICE:
			a.price_usd = optarg;
			break;
		case OPT_POOL_FEE:
			a.pool_fee_pct = optarg;
			break;
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[optind]);
	if ((rc = cli_hashprice_compute(ctx, &a, &h)) != 0)
		return rc;

	json_t *o = json_object();
	cli_set_real(o, "usd_per_ph_day", h.hp.usd_per_ph_day);
	cli_set_real(o, "usd_per_th_day", h.hp.usd_per_th_day);
	cli_set_real(o, "btc_per_ph_day", h.hp.btc_per_ph_day);
	cli_set_real(o, "sats_per_th_day", h.hp.sats_per_th_day);
	cli_set_real(o, "network_revenue_usd_day", h.hp.network_revenue_usd_day);
	cli_set_real(o, "network_revenue_btc_day", h.hp.network_revenue_btc_day);
	cli_set_real(o, "network_hashrate_ehs", h.hp.network_hashrate_ehs);
	cli_hashprice_echo(o, &a, &h);
	return cli_emit(ctx, o);
}
