/*
 * cmd_hashprice.c - `hashpivot hashprice`: reward per unit of hashrate per day.
 */
#include "cli.h"

int cmd_hashprice(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		CLI_NET_OPTIONS,
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct cli_net net = {0};
	int c, rc;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		cli_net_option(&net, c, ctx->arg);
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if ((rc = cli_net_finish(ctx, &net)))
		return rc;

	const struct hp_hashprice *hp = &net.hp;
	json_t *o = json_object();
	cli_set_real(o, "usd_per_ph_day", hp->usd_per_ph_day);
	cli_set_real(o, "usd_per_th_day", hp->usd_per_th_day);
	cli_set_real(o, "btc_per_ph_day", hp->btc_per_ph_day);
	cli_set_real(o, "sats_per_th_day", hp->sats_per_th_day);
	cli_set_real(o, "network_revenue_usd_day", hp->network_revenue_usd_day);
	cli_set_real(o, "network_revenue_btc_day", hp->network_revenue_btc_day);
	cli_set_real(o, "network_hashrate_ehs", hp->network_hashrate_ehs);
	cli_net_echo(o, &net);
	return cli_emit(ctx, o);
}
