/*
 * cmd_hashprice.c - `hashpivot hashprice`: reward per unit of hashrate per day.
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
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_hashprice_input in = {0};
	struct hp_hashprice hp;
	struct hp_error err = {0};
	const char *arg[6] = {0};
	char dec[HP_U256_DEC_LEN];
	int64_t height;
	uint32_t bits = 0;
	double difficulty = 0;
	int c;

	optind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		arg[c - OPT_DIFFICULTY] = optarg;
	}
	if (optind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[optind]);
	if (!!arg[0] + !!arg[1] != 1)
		return cli_usage_error(ctx, "give exactly one of --difficulty or --bits; "
					    "see 'hashpivot hashprice --help'");
	for (int i = 2; i < 5; i++) {
		if (!arg[i])
			return cli_usage_error(ctx, "%s: missing; see 'hashpivot hashprice --help'",
					       cli_option_name(opts, OPT_DIFFICULTY + i));
	}
	if (arg[0]) {
		struct hp_u256 target;
		if (hp_parse_double(arg[0], 0, 1e300, &difficulty, "--difficulty", &err) ||
		    hp_consensus_target_from_difficulty(difficulty, &target, "--difficulty", &err))
			return cli_fail(ctx, &err);
		in.work_per_block = hp_consensus_work_from_target(target);
	} else {
		if (hp_parse_hex32(arg[1], &bits, "--bits", &err))
			return cli_fail(ctx, &err);
		in.work_per_block = hp_consensus_block_work(bits);
		if (hp_u256_is_zero(in.work_per_block) || !hp_consensus_difficulty(bits, &difficulty))
			return cli_usage_error(ctx, "--bits: must encode a positive target, got '%s'",
					       arg[1]);
	}
	if (hp_parse_int64(arg[2], 0, INT32_MAX, &height, "--height", &err) ||
	    hp_parse_double(arg[3], 0, 1e6, &in.fees_btc_per_block, "--fees-btc", &err) ||
	    hp_parse_double(arg[4], 0, 1e12, &in.price_usd, "--price-usd", &err) ||
	    (arg[5] && hp_parse_double(arg[5], 0, 100, &in.pool_fee_pct, "--pool-fee-pct",
				       &err)))
		return cli_fail(ctx, &err);
	in.subsidy_sats = hp_consensus_subsidy_sats(p, height);
	if (hp_mining_hashprice(&in, &hp, &err) != HP_OK)
		return cli_fail(ctx, &err);

	json_t *o = json_object();
	cli_set_real(o, "usd_per_ph_day", hp.usd_per_ph_day);
	cli_set_real(o, "usd_per_th_day", hp.usd_per_th_day);
	cli_set_real(o, "btc_per_ph_day", hp.btc_per_ph_day);
	cli_set_real(o, "sats_per_th_day", hp.sats_per_th_day);
	cli_set_real(o, "network_revenue_usd_day", hp.network_revenue_usd_day);
	cli_set_real(o, "network_revenue_btc_day", hp.network_revenue_btc_day);
	cli_set_real(o, "network_hashrate_ehs", hp.network_hashrate_ehs);
	cli_set_real(o, "difficulty", difficulty);
	if (arg[1])
		cli_set_bits(o, "bits", bits);
	cli_set_str(o, "work_per_block", hp_u256_to_dec(in.work_per_block, dec));
	cli_set_int(o, "height", height);
	cli_set_int(o, "subsidy_sats", in.subsidy_sats);
	cli_set_real(o, "fees_btc", in.fees_btc_per_block);
	cli_set_real(o, "reward_btc_per_block", hp.reward_btc_per_block);
	cli_set_real(o, "price_usd", in.price_usd);
	cli_set_real(o, "pool_fee_pct", in.pool_fee_pct);
	return cli_emit(ctx, o);
}
