/*
 * mkchain - mine a synthetic regtest chain for the chain test server.
 *
 *   mkchain --tip H --seed S [--fork-height F [--fork-seed T]] [--out FILE]
 *
 * Writes heights 0..H, one block a line: the 80-byte header in hex, then the
 * block's fees, subsidy (satoshis) and transaction count. Height 0 is the
 * real regtest genesis block; every later header links to its parent, has
 * bits 207fffff (regtest's proof-of-work limit, so about two hashes find a
 * nonce) and a time 600 s after its parent's slot plus up to 240 s of
 * jitter either way, so times always increase. Everything is drawn from a
 * counter-based stream keyed by (seed, height): the same arguments give the
 * same file, byte for byte, and a fork (--fork-height F) shares heights
 * 0..F-1 with the chain of --seed S and draws heights F..H from --fork-seed T
 * (default S + 1), so it branches at F.
 *
 * Errors: one line on stderr naming the option, exit 2; exit 1 when the
 * output cannot be written (an --out file is then removed).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hashpivot/consensus.h>
#include <hashpivot/hex.h>
#include <hashpivot/rng.h>

/* Bitcoin Core's regtest genesis block (chainparams.cpp) and its hash. */
static const char regtest_genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000"
	"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
	"4b1e5e4adae5494dffff7f2002000000";
static const char regtest_genesis_hash[] =
	"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";

#define MAX_TIP 1000000
#define JITTER_S 240
#define BLOCK_VERSION 0x20000000

static const char usage[] =
	"usage: mkchain --tip H --seed S [--fork-height F [--fork-seed T]] [--out FILE]\n";

static bool parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v > max) {
		fprintf(stderr, "mkchain: %s: must be an integer in [0, %" PRIu64 "], got '%.40s'\n",
			opt, max, s);
		return false;
	}
	*out = v;
	return true;
}

/* Find the nonce that makes h meet its target; the hash goes to hash. */
static int mine(const struct hp_chain_params *p, struct hp_header *h, uint8_t raw[HP_HEADER_SIZE],
		uint8_t hash[32])
{
	struct hp_error err;

	for (;;) {
		hp_consensus_header_encode(h, raw);
		if (hp_consensus_header_hash(raw, hash, &err) != HP_OK) {
			fprintf(stderr, "mkchain: %s\n", err.message);
			return -1;
		}
		if (hp_consensus_check_pow(p, hash, h->bits))
			return 0;
		h->nonce++; /* a wrap would take 2^32 misses at a 1-in-2 target */
	}
}

/* The block at `height` of the chain drawn with `seed`, after parent prev. */
static int make_block(const struct hp_chain_params *p, uint64_t seed, int64_t height,
		      const uint8_t prev[32], uint32_t genesis_time, FILE *out, uint8_t hash[32])
{
	struct hp_rng r;
	struct hp_header h;
	uint8_t raw[HP_HEADER_SIZE];
	char hex[2 * HP_HEADER_SIZE + 1];
	int64_t jitter, txs, fees;

	hp_rng_init(&r, seed, (uint64_t)height, 0);
	h.version = BLOCK_VERSION;
	memcpy(h.prev_hash, prev, 32);
	for (int i = 0; i < 32; i += 8) {
		uint64_t w = hp_rng_u64(&r);
		memcpy(h.merkle_root + i, &w, 8);
	}
	jitter = (int64_t)hp_rng_below(&r, 2 * JITTER_S + 1) - JITTER_S;
	h.time = (uint32_t)(genesis_time + 600 * height + jitter);
	h.bits = p->pow_limit_bits;
	h.nonce = (uint32_t)hp_rng_below(&r, UINT32_MAX / 2);
	if (mine(p, &h, raw, hash) < 0)
		return -1;
	/* fees: a few hundred sats per transaction, none in an empty block */
	txs = 1 + (int64_t)hp_rng_below(&r, 4000);
	fees = (txs - 1) * (100 + (int64_t)hp_rng_below(&r, 2900));
	hp_hex_encode(raw, sizeof(raw), hex);
	fprintf(out, "%s %" PRId64 " %" PRId64 " %" PRId64 "\n", hex, fees,
		hp_consensus_subsidy_sats(p, height), txs);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tip", required_argument, NULL, 't'},
		{"seed", required_argument, NULL, 's'},
		{"fork-height", required_argument, NULL, 'f'},
		{"fork-seed", required_argument, NULL, 'k'},
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_REGTEST);
	uint64_t tip = 0, seed = 0, fork_height = 0, fork_seed = 0;
	bool has_tip = false, has_seed = false, has_fork = false, has_fork_seed = false;
	const char *out_path = NULL;
	uint8_t raw[HP_HEADER_SIZE], hash[32];
	char hex[65];
	struct hp_header g;
	struct hp_error err;
	FILE *out = stdout;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!parse_u64("--tip", optarg, MAX_TIP, &tip))
				return 2;
			has_tip = true;
			break;
		case 's':
			if (!parse_u64("--seed", optarg, UINT64_MAX, &seed))
				return 2;
			has_seed = true;
			break;
		case 'f':
			if (!parse_u64("--fork-height", optarg, MAX_TIP, &fork_height))
				return 2;
			has_fork = true;
			break;
		case 'k':
			if (!parse_u64("--fork-seed", optarg, UINT64_MAX, &fork_seed))
				return 2;
			has_fork_seed = true;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mkchain: unexpected argument '%.40s'\n", argv[optind]);
		return 2;
	}
	if (!has_tip || !has_seed) {
		fprintf(stderr, "mkchain: %s: required\n", has_tip ? "--seed" : "--tip");
		return 2;
	}
	if (has_fork && (fork_height < 1 || fork_height > tip)) {
		fprintf(stderr, "mkchain: --fork-height: must be in [1, --tip %" PRIu64 "], got %" PRIu64
			"\n", tip, fork_height);
		return 2;
	}
	if (has_fork_seed && !has_fork) {
		fputs("mkchain: --fork-seed: needs --fork-height\n", stderr);
		return 2;
	}
	if (!has_fork_seed)
		fork_seed = seed + 1;
	if (has_fork && fork_seed == seed) {
		fputs("mkchain: --fork-seed: must differ from --seed\n", stderr);
		return 2;
	}

	/* the genesis block is a constant; check it hashes as Core says */
	if (hp_hex_decode(regtest_genesis_hex, raw, sizeof(raw), "genesis", &err) != HP_OK ||
	    hp_consensus_header_hash(raw, hash, &err) != HP_OK) {
		fprintf(stderr, "mkchain: %s\n", err.message);
		return 1;
	}
	hp_hex_encode_reversed(hash, 32, hex);
	if (strcmp(hex, regtest_genesis_hash) != 0) {
		fprintf(stderr, "mkchain: the regtest genesis hashes to %s, not %s\n", hex,
			regtest_genesis_hash);
		return 1;
	}
	hp_consensus_header_decode(raw, &g);

	if (out_path && !(out = fopen(out_path, "w"))) {
		fprintf(stderr, "mkchain: --out: cannot open '%s': %s\n", out_path, strerror(errno));
		return 1;
	}
	fprintf(out, "# mkchain --tip %" PRIu64 " --seed %" PRIu64, tip, seed);
	if (has_fork)
		fprintf(out, " --fork-height %" PRIu64 " --fork-seed %" PRIu64, fork_height,
			fork_seed);
	fprintf(out, "\n# regtest: header hex, fees_sats, subsidy_sats, tx_count\n");
	fprintf(out, "%s 0 %" PRId64 " 1\n", regtest_genesis_hex, hp_consensus_subsidy_sats(p, 0));
	for (uint64_t height = 1; height <= tip; height++) {
		uint64_t s = has_fork && height >= fork_height ? fork_seed : seed;
		uint8_t prev[32];

		memcpy(prev, hash, 32);
		if (make_block(p, s, (int64_t)height, prev, g.time, out, hash) < 0)
			goto done;
	}
	rc = 0;
done:
	if (ferror(out) || (out != stdout ? fclose(out) : fflush(out)) != 0) {
		fprintf(stderr, "mkchain: %s: write error\n", out_path ? out_path : "stdout");
		rc = 1;
	}
	if (rc != 0 && out_path)
		remove(out_path); /* nothing half-written */
	return rc;
}
