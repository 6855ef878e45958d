/*
 * cmd_retarget.c - `hashpivot retarget`: CalculateNextWorkRequired.
 */
#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

enum { OPT_BITS = CLI_OPT_FIRST_FREE, OPT_FIRST, OPT_LAST, OPT_NETWORK };

int cmd_retarget(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"bits", required_argument, NULL, OPT_BITS},
		{"first-time", required_argument, NULL, OPT_FIRST},
		{"last-time", required_argument, NULL, OPT_LAST},
		{"network", required_argument, NULL, OPT_NETWORK},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_error err = {0};
	enum hp_network net = HP_NET_MAIN;
	const char *arg[3] = {NULL, NULL, NULL};
	static const char *const names[3] = {"--bits", "--first-time", "--last-time"};
	uint32_t bits;
	int64_t t0, t1;
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		if (c >= OPT_BITS && c <= OPT_LAST)
			arg[c - OPT_BITS] = ctx->arg;
		else if (c == OPT_NETWORK &&
			 hp_consensus_network_parse(ctx->arg, &net, "--network", &err) != HP_OK)
			return cli_fail(ctx, &err);
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	for (int i = 0; i < 3; i++) {
		if (!arg[i])
			return cli_usage_error(ctx, "%s: missing; see 'hashpivot retarget --help'",
					       names[i]);
	}
	/* Header times are unsigned 32-bit seconds. */
	if (hp_parse_hex32(arg[0], &bits, "--bits", &err) != HP_OK ||
	    hp_parse_time(arg[1], 0, UINT32_MAX, &t0, "--first-time", &err) != HP_OK ||
	    hp_parse_time(arg[2], 0, UINT32_MAX, &t1, "--last-time", &err) != HP_OK)
		return cli_fail(ctx, &err);

	bool negative, overflow;
	double old_difficulty, new_difficulty;
	struct hp_u256 target = hp_consensus_compact_decode(bits, &negative, &overflow);
	if (negative || overflow || hp_u256_is_zero(target))
		return cli_usage_error(ctx, "--bits: must encode a positive target, got '%s' (%s)",
				       arg[0], negative ? "negative" : overflow ? "overflow" : "zero");

	const struct hp_chain_params *p = hp_consensus_params(net);
	struct hp_retarget r;
	hp_consensus_retarget(p, bits, t0, t1, &r);
	hp_consensus_difficulty(bits, &old_difficulty);
	hp_consensus_difficulty(r.bits, &new_difficulty);

	json_t *o = json_object();
	cli_set_str(o, "network", p->name);
	cli_set_bits(o, "old_bits", bits);
	cli_set_real(o, "old_difficulty", old_difficulty);
	cli_set_bits(o, "bits", r.bits);
	cli_set_real(o, "difficulty", new_difficulty);
	cli_set_real(o, "change_pct", (new_difficulty / old_difficulty - 1) * 100);
	cli_set_int(o, "timespan_s", r.timespan_s);
	cli_set_int(o, "used_timespan_s", r.used_timespan_s);
	cli_set_int(o, "target_timespan_s", p->pow_target_timespan_s);
	cli_set_bool(o, "clamped", r.clamped);
	cli_set_bool(o, "capped", r.capped);
	return cli_emit(ctx, o);
}
