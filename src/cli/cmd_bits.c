/*
 * cmd_bits.c - `hashpivot bits`: compact nBits <-> target <-> difficulty.
 */
#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"

enum { OPT_DIFFICULTY = CLI_OPT_FIRST_FREE, OPT_TARGET };

/* The fields every form of the command prints, all derived from bits. */
static void describe_bits(json_t *o, uint32_t bits)
{
	char hex[HP_U256_HEX_LEN], dec[HP_U256_DEC_LEN];
	bool negative, overflow;
	struct hp_u256 target = hp_consensus_compact_decode(bits, &negative, &overflow);

	cli_set_bits(o, "bits", bits);
	cli_set_str(o, "target", hp_u256_to_hex(target, hex));
	cli_set_difficulty(o, "difficulty", bits);
	cli_set_str(o, "work", hp_u256_to_dec(hp_consensus_block_work(bits), dec));
	cli_set_bool(o, "negative", negative);
	cli_set_bool(o, "overflow", overflow);
}

int cmd_bits(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"difficulty", required_argument, NULL, OPT_DIFFICULTY},
		{"target", required_argument, NULL, OPT_TARGET},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_error err = {0};
	const char *difficulty_arg = NULL, *target_arg = NULL, *bits_arg = NULL;
	char hex[HP_U256_HEX_LEN];
	uint32_t bits;
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		if (c == OPT_DIFFICULTY)
			difficulty_arg = ctx->arg;
		else if (c == OPT_TARGET)
			target_arg = ctx->arg;
	}
	if (ctx->ind < argc)
		bits_arg = argv[ctx->ind++];
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (!!bits_arg + !!difficulty_arg + !!target_arg != 1)
		return cli_usage_error(ctx, "give exactly one of BITS, --difficulty or --target; "
					    "see 'hashpivot bits --help'");

	json_t *o = json_object();
	if (bits_arg) {
		if (hp_parse_hex32(bits_arg, &bits, "BITS", &err) != HP_OK)
			goto fail;
		describe_bits(o, bits);
	} else if (difficulty_arg) {
		double d;
		struct hp_u256 exact;
		if (hp_parse_double(difficulty_arg, 0, 1e300, &d, "--difficulty", &err) != HP_OK ||
		    hp_consensus_target_from_difficulty(d, &exact, "--difficulty", &err) != HP_OK ||
		    hp_consensus_bits_from_difficulty(d, &bits, "--difficulty", &err) != HP_OK)
			goto fail;
		describe_bits(o, bits);
		cli_set_real(o, "input_difficulty", d);
		cli_set_str(o, "input_target", hp_u256_to_hex(exact, hex));
	} else {
		struct hp_u256 t;
		if (hp_u256_from_hex(target_arg, &t, "--target", &err) != HP_OK)
			goto fail;
		bits = hp_consensus_compact_encode(t, false);
		describe_bits(o, bits);
		cli_set_str(o, "input_target", hp_u256_to_hex(t, hex));
	}
	return cli_emit(ctx, o);
fail:
	json_decref(o);
	return cli_fail(ctx, &err);
}
