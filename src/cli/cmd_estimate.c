/*
 * cmd_estimate.c - `hashpivot estimate`: the next-retarget estimate.
 */
#include <math.h>

#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

enum {
	OPT_HEIGHT = CLI_OPT_FIRST_FREE,
	OPT_START,
	OPT_NOW,
	OPT_LAST,
	OPT_WINDOW,
	OPT_PREVIOUS
};

int cmd_estimate(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"height", required_argument, NULL, OPT_HEIGHT},
		{"epoch-start-time", required_argument, NULL, OPT_START},
		{"now", required_argument, NULL, OPT_NOW},
		{"last-block-time", required_argument, NULL, OPT_LAST},
		{"window-start-time", required_argument, NULL, OPT_WINDOW},
		{"previous-change", required_argument, NULL, OPT_PREVIOUS},
		CLI_COMMON_OPTIONS,
		{0},
	};
	/* Times: Unix seconds up to the year 9999. */
	const int64_t tmax = INT64_C(253402300799);
	struct hp_estimate_input in = {0};
	struct hp_estimate est;
	struct hp_error err = {0};
	const char *arg[6] = {0};
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		arg[c - OPT_HEIGHT] = ctx->arg;
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	for (int i = 0; i < 3; i++) {
		if (!arg[i])
			return cli_usage_error(ctx, "%s: missing; see 'hashpivot estimate --help'",
					       cli_option_name(opts, OPT_HEIGHT + i));
	}
	if (hp_parse_int64(arg[0], 0, INT32_MAX, &in.height, "--height", &err) != HP_OK ||
	    hp_parse_time(arg[1], 0, tmax, &in.epoch_start_time, "--epoch-start-time", &err) ||
	    hp_parse_time(arg[2], 0, tmax, &in.now, "--now", &err) != HP_OK)
		return cli_fail(ctx, &err);
	if (arg[3]) {
		in.has_last_block_time = true;
		if (hp_parse_time(arg[3], 0, tmax, &in.last_block_time, "--last-block-time", &err))
			return cli_fail(ctx, &err);
	}
	if (arg[4]) {
		in.has_window_start_time = true;
		if (hp_parse_time(arg[4], 0, tmax, &in.window_start_time, "--window-start-time",
				  &err))
			return cli_fail(ctx, &err);
	}
	if (arg[5] &&
	    hp_parse_double(arg[5], -1e6, 1e6, &in.previous_change_pct, "--previous-change",
			    &err) != HP_OK)
		return cli_fail(ctx, &err);
	if (hp_consensus_estimate(&in, &est, &err) != HP_OK)
		return cli_fail(ctx, &err);

	json_t *o = json_object();
	cli_set_int(o, "height", in.height);
	cli_set_int(o, "blocks_in_epoch", est.blocks_in_epoch);
	cli_set_real(o, "progress_pct", est.progress_pct);
	cli_set_real(o, "change_pct", est.change_pct);
	cli_set_int(o, "remaining_blocks", est.remaining_blocks);
	cli_set_int(o, "next_retarget_height", est.next_retarget_height);
	cli_set_time(o, "estimated_retarget_time", est.estimated_retarget_time_ms / 1000);
	cli_set_int(o, "estimated_retarget_time_ms", est.estimated_retarget_time_ms);
	cli_set_real(o, "time_avg_s", est.time_avg_s);
	cli_set_real(o, "adjusted_time_avg_s", est.adjusted_time_avg_s);
	cli_set_real(o, "expected_blocks", est.expected_blocks);
	cli_set_str(o, "method", est.used_window ? "window504" : "epoch");
	return cli_emit(ctx, o);
}
