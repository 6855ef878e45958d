/*
 * cmd_subsidy.c - `hashpivot subsidy`: block subsidy and issued supply.
 */
#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

enum { OPT_HEIGHT = CLI_OPT_FIRST_FREE, OPT_NETWORK };

int cmd_subsidy(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"height", required_argument, NULL, OPT_HEIGHT},
		{"network", required_argument, NULL, OPT_NETWORK},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_error err = {0};
	enum hp_network net = HP_NET_MAIN;
	const char *height_arg = NULL;
	int64_t height;
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		if (c == OPT_HEIGHT)
			height_arg = ctx->arg;
		else if (c == OPT_NETWORK &&
			 hp_consensus_network_parse(ctx->arg, &net, "--network", &err) != HP_OK)
			return cli_fail(ctx, &err);
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (!height_arg)
		return cli_usage_error(ctx, "--height: missing; see 'hashpivot subsidy --help'");
	if (hp_parse_int64(height_arg, 0, INT32_MAX, &height, "--height", &err) != HP_OK)
		return cli_fail(ctx, &err);

	const struct hp_chain_params *p = hp_consensus_params(net);
	int64_t issued = hp_consensus_issued_sats(p, height);
	json_t *o = json_object();
	cli_set_str(o, "network", p->name);
	cli_set_int(o, "height", height);
	cli_set_int(o, "subsidy_sats", hp_consensus_subsidy_sats(p, height));
	cli_set_int(o, "issued_sats", issued);
	cli_set_int(o, "remaining_sats", hp_consensus_total_sats(p) - issued);
	cli_set_int(o, "total_sats", hp_consensus_total_sats(p));
	cli_set_int(o, "halving_epoch", hp_consensus_halving_epoch(p, height));
	cli_set_int(o, "next_halving_height", hp_consensus_next_halving_height(p, height));
	cli_set_int(o, "blocks_to_next_halving",
		    hp_consensus_next_halving_height(p, height) - height);
	return cli_emit(ctx, o);
}
