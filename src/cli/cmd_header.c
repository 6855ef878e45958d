/*
 * cmd_header.c - `hashpivot header`: decode, hash and check an 80-byte header.
 */
#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/hex.h"

enum { OPT_NETWORK = CLI_OPT_FIRST_FREE };

int cmd_header(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"network", required_argument, NULL, OPT_NETWORK},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_error err = {0};
	enum hp_network net = HP_NET_MAIN;
	uint8_t raw[HP_HEADER_SIZE], hash[32];
	char hex[2 * 32 + 1], big[HP_U256_HEX_LEN], dec[HP_U256_DEC_LEN];
	struct hp_header h;
	int c;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (c == CLI_EXIT)
			return ctx->exit_code;
		if (c == OPT_NETWORK &&
		    hp_consensus_network_parse(ctx->arg, &net, "--network", &err) != HP_OK)
			return cli_fail(ctx, &err);
	}
	if (ctx->ind >= argc)
		return cli_usage_error(ctx, "HEX80: missing; see 'hashpivot header --help'");
	if (ctx->ind + 1 < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind + 1]);
	if (hp_hex_decode(argv[ctx->ind], raw, sizeof(raw), "HEX80", &err) != HP_OK ||
	    hp_consensus_header_hash(raw, hash, &err) != HP_OK)
		return cli_fail(ctx, &err);

	const struct hp_chain_params *p = hp_consensus_params(net);
	hp_consensus_header_decode(raw, &h);
	json_t *o = json_object();
	hp_hex_encode_reversed(hash, 32, hex);
	cli_set_str(o, "hash", hex);
	cli_set_int(o, "version", h.version);
	char vhex[16];
	snprintf(vhex, sizeof(vhex), "%08x", (uint32_t)h.version);
	cli_set_str(o, "version_hex", vhex);
	hp_hex_encode_reversed(h.prev_hash, 32, hex);
	cli_set_str(o, "prev_hash", hex);
	hp_hex_encode_reversed(h.merkle_root, 32, hex);
	cli_set_str(o, "merkle_root", hex);
	cli_set_time(o, "time", h.time);
	cli_set_bits(o, "bits", h.bits);
	cli_set_int(o, "nonce", h.nonce);
	cli_set_difficulty(o, "difficulty", h.bits);
	cli_set_str(o, "target",
		    hp_u256_to_hex(hp_consensus_compact_decode(h.bits, NULL, NULL), big));
	cli_set_str(o, "work", hp_u256_to_dec(hp_consensus_block_work(h.bits), dec));
	cli_set_bool(o, "valid_pow", hp_consensus_check_pow(p, hash, h.bits));
	return cli_emit(ctx, o);
}
