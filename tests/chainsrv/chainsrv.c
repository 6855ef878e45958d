/*
 * chainsrv - a loopback test server that serves a block chain the way
 * Bitcoin Core's JSON-RPC and a mempool.space REST API do, with faults to
 * inject, for the tests of `hashpivot sync` (docs/testing.md).
 *
 *   chainsrv --chain FILE [--fork FILE] [--network main|test|regtest]
 *            [--port N] [--rpc-user U --rpc-password P] [--cookie FILE]
 *            [--tip H] [--fault SPEC]...
 *
 * The chain file holds one block a line from height 0 up: the 80-byte
 * header in hex, optionally followed by the block's fees, subsidy (both
 * satoshis) and transaction count; blank lines and lines starting with '#'
 * are skipped (tests/chainsrv/mkchain writes such files). The server does
 * not check the chain: serving what it is given, valid or not, is the point.
 *
 * Faults (--fault SPEC, or POST /control?fault=SPEC at run time):
 *   http500[:N]      the next N requests get HTTP 500 (default 1)
 *   delay:MS[:N]     the next N requests wait MS ms before their answer
 *   truncate[:N]     the next N bodies stop halfway (Content-Length says more)
 *   badjson[:N]      the next N bodies are cut halfway and end in '!'
 *   slow:MS          every request waits MS ms (0 turns it off)
 *   badpow:H         the header at H no longer meets its target
 *   badlink:H        the header at H names another parent (re-mined: valid PoW)
 *   badbits:H        the header at H has bits one mantissa step harder (re-mined)
 *   reorg            serve the --fork chain instead
 *   wrongnet         height 0 becomes the genesis block of another network
 *   none             clear every fault (a reorg stays)
 * Other control requests: POST /control?tip=H|none (serve heights 0..H
 * only), POST /control?reset=1 (no faults, no reorg, no tip, counters 0),
 * POST /control?counters=0; GET /control shows the state as JSON.
 *
 * Listens on 127.0.0.1 only; prints "chainsrv: listening on
 * http://127.0.0.1:PORT/" on stderr when ready; SIGTERM or SIGINT stops it
 * (removing the cookie file it wrote). Bad options: one line, exit 2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <openssl/evp.h>

#include <hashpivot/consensus.h>
#include <hashpivot/hex.h>
#include <hashpivot/u256.h>

#define MAX_BLOCKS 2000000
#define MAX_BODY (1u << 20)
#define MAX_LINE 512
#define MINE_TRIES (1u << 16)
#define REST_PAGE 15 /* mempool.space's /api/v1/blocks page */

/* The genesis blocks "wrongnet" swaps in: mainnet's, or regtest's for a mainnet chain. */
static const char main_genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000"
	"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
	"4b1e5e4a29ab5f49ffff001d1dac2b7c";
static const char regtest_genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000"
	"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
	"4b1e5e4adae5494dffff7f2002000000";

struct block {
	uint8_t raw[HP_HEADER_SIZE];
	uint8_t hash[32];
	struct hp_u256 chainwork;
	bool has_stats;
	int64_t fees_sats, subsidy_sats, tx_count;
};

struct chain {
	struct block *b;
	size_t n;
};

/* Every fault at once; one struct so that a control request can be parsed
 * into a copy and applied only when all of it is valid. */
struct faults {
	unsigned http500, delay, truncate, badjson; /* requests left */
	unsigned delay_ms, slow_ms;
	int64_t badpow, badlink, badbits;           /* heights, -1 = none */
	bool reorg, wrongnet;
	int64_t tip;                                /* highest height served, -1 = all */
};

struct state {
	pthread_mutex_t lock;
	const struct hp_chain_params *params;
	const char *network;
	struct chain base, fork; /* as loaded */
	struct chain served;     /* base or fork, cut at the tip, faults applied */
	struct faults f;
	uint64_t requests, faults_served;
	int64_t highest_header; /* highest height whose header was served, -1 none */
	char *auth_user;        /* "Basic base64(user:password)", or NULL */
	char *auth_cookie;      /* "Basic base64(__cookie__:secret)", or NULL */
};

static atomic_bool stopping;

/* A little-endian field of a raw header: time at 68, bits at 72. */
static uint32_t header_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t header_bits(const uint8_t *raw)
{
	return header_u32(raw + 72);
}

/* ------------------------------------------------------------------ */
/* the chain file                                                      */
/* ------------------------------------------------------------------ */

static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Hash and chainwork of every block from `from` up (work from the parent's). */
static int chain_rehash(const struct hp_chain_params *p, struct chain *c, size_t from)
{
	struct hp_error err;

	(void)p;
	for (size_t i = from; i < c->n; i++) {
		struct hp_header h;
		struct hp_u256 w;

		if (hp_consensus_header_hash(c->b[i].raw, c->b[i].hash, &err) != HP_OK) {
			fprintf(stderr, "chainsrv: %s\n", err.message);
			return -1;
		}
		hp_consensus_header_decode(c->b[i].raw, &h);
		w = hp_consensus_block_work(h.bits);
		c->b[i].chainwork = i ? hp_u256_add(c->b[i - 1].chainwork, w, NULL) : w;
	}
	return 0;
}

static int chain_load(const struct hp_chain_params *p, const char *path, const char *opt,
		      struct chain *c)
{
	char line[MAX_LINE];
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	long lineno = 0;
	struct hp_error err;

	c->b = NULL;
	c->n = 0;
	if (!f) {
		fprintf(stderr, "chainsrv: %s: cannot open '%s': %s\n", opt, path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *tok[5], *save = NULL, *s = line;
		int ntok = 0;
		struct block *b;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "chainsrv: %s:%ld: line longer than %d bytes\n", path, lineno,
				MAX_LINE - 2);
			goto fail;
		}
		while (ntok < 5 && (tok[ntok] = strtok_r(s, " \t\r\n", &save)))
			ntok++, s = NULL;
		if (ntok == 0 || tok[0][0] == '#')
			continue;
		if (ntok != 1 && ntok != 4) {
			fprintf(stderr, "chainsrv: %s:%ld: want a header and 0 or 3 numbers, got %d "
				"fields\n", path, lineno, ntok);
			goto fail;
		}
		if (c->n == MAX_BLOCKS) {
			fprintf(stderr, "chainsrv: %s: more than %d blocks\n", path, MAX_BLOCKS);
			goto fail;
		}
		if (c->n == cap) {
			size_t ncap = cap ? 2 * cap : 1024;
			struct block *nb = realloc(c->b, ncap * sizeof(*nb));

			if (!nb) {
				fprintf(stderr, "chainsrv: out of memory\n");
				goto fail;
			}
			c->b = nb;
			cap = ncap;
		}
		b = &c->b[c->n];
		memset(b, 0, sizeof(*b));
		if (hp_hex_decode(tok[0], b->raw, HP_HEADER_SIZE, "header", &err) != HP_OK) {
			fprintf(stderr, "chainsrv: %s:%ld: %s\n", path, lineno, err.message);
			goto fail;
		}
		if (ntok == 4) {
			if (parse_i64(tok[1], 0, INT64_MAX, &b->fees_sats) ||
			    parse_i64(tok[2], 0, INT64_MAX, &b->subsidy_sats) ||
			    parse_i64(tok[3], 1, INT64_MAX, &b->tx_count)) {
				fprintf(stderr, "chainsrv: %s:%ld: fees and subsidy must be integers "
					">= 0 and the transaction count >= 1\n", path, lineno);
				goto fail;
			}
			b->has_stats = true;
		}
		c->n++;
	}
	if (ferror(f)) {
		fprintf(stderr, "chainsrv: %s: read error\n", path);
		goto fail;
	}
	fclose(f);
	if (c->n == 0) {
		fprintf(stderr, "chainsrv: %s: '%s' holds no block\n", opt, path);
		free(c->b);
		return -1;
	}
	return chain_rehash(p, c, 0);
fail:
	fclose(f);
	free(c->b);
	c->b = NULL;
	return -1;
}

/* ------------------------------------------------------------------ */
/* faults that change the served chain                                 */
/* ------------------------------------------------------------------ */

static bool block_meets(const struct hp_chain_params *p, struct block *b)
{
	struct hp_error err;

	if (hp_consensus_header_hash(b->raw, b->hash, &err) != HP_OK)
		return false;
	return hp_consensus_check_pow(p, b->hash, header_bits(b->raw));
}

/*
 * Change the nonce until the header meets its target (want true) or misses
 * it (want false). Only an easy target (regtest) can be re-mined here.
 */
static int remine(const struct hp_chain_params *p, struct block *b, bool want, char *why,
		  size_t n)
{
	struct hp_header h;

	hp_consensus_header_decode(b->raw, &h);
	for (uint32_t i = 0; i < MINE_TRIES; i++) {
		h.nonce++;
		hp_consensus_header_encode(&h, b->raw);
		if (block_meets(p, b) == want)
			return 0;
	}
	snprintf(why, n, "no nonce within %u tries %s the target of bits %08x", MINE_TRIES,
		 want ? "meets" : "misses", h.bits);
	return -1;
}

/* Build the served chain from the loaded ones and the faults f. */
static int build_served(struct state *s, const struct faults *f, struct chain *out, char *why,
			size_t n)
{
	const struct chain *src = f->reorg ? &s->fork : &s->base;
	size_t len = src->n;
	struct hp_error err;
	struct hp_header h;

	if (f->tip >= 0 && (size_t)f->tip + 1 < len)
		len = (size_t)f->tip + 1;
	out->b = malloc(len * sizeof(*out->b));
	if (!out->b) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	memcpy(out->b, src->b, len * sizeof(*out->b));
	out->n = len;
	if (f->wrongnet) {
		hp_consensus_header_decode(out->b[0].raw, &h);
		/* the other network's genesis: regtest's for a mainnet-like chain */
		if (hp_hex_decode(h.bits == 0x207fffff ? main_genesis_hex : regtest_genesis_hex,
				  out->b[0].raw, HP_HEADER_SIZE, "genesis", &err) != HP_OK)
			goto fail_err;
	}
	if (f->badpow >= 0 && (size_t)f->badpow < len &&
	    remine(s->params, &out->b[f->badpow], false, why, n) < 0)
		goto fail;
	if (f->badlink >= 0 && (size_t)f->badlink < len) {
		hp_consensus_header_decode(out->b[f->badlink].raw, &h);
		h.prev_hash[0] ^= 0x5a;
		hp_consensus_header_encode(&h, out->b[f->badlink].raw);
		if (remine(s->params, &out->b[f->badlink], true, why, n) < 0)
			goto fail;
	}
	if (f->badbits >= 0 && (size_t)f->badbits < len) {
		hp_consensus_header_decode(out->b[f->badbits].raw, &h);
		h.bits--; /* one mantissa step harder: still within the limit */
		hp_consensus_header_encode(&h, out->b[f->badbits].raw);
		if (remine(s->params, &out->b[f->badbits], true, why, n) < 0)
			goto fail;
	}
	if (chain_rehash(s->params, out, 0) < 0) {
		snprintf(why, n, "cannot hash");
		goto fail;
	}
	return 0;
fail_err:
	snprintf(why, n, "%.150s", err.message);
fail:
	free(out->b);
	out->b = NULL;
	return -1;
}

/* ------------------------------------------------------------------ */
/* fault specs (--fault and /control?fault=)                           */
/* ------------------------------------------------------------------ */

static void faults_clear(struct faults *f)
{
	bool reorg = f->reorg;
	int64_t tip = f->tip;

	memset(f, 0, sizeof(*f));
	f->badpow = f->badlink = f->badbits = -1;
	f->reorg = reorg;
	f->tip = tip;
}

/* Apply "KIND[:A[:B]]" to f; a one-line reason in why on failure. */
static int fault_parse(const char *spec, bool have_fork, struct faults *f, char *why, size_t n)
{
	char kind[16];
	const char *colon = strchr(spec, ':');
	size_t klen = colon ? (size_t)(colon - spec) : strlen(spec);
	int64_t a = -1, b = -1;

	if (klen >= sizeof(kind))
		goto unknown;
	memcpy(kind, spec, klen);
	kind[klen] = '\0';
	if (colon) {
		char num[24];
		const char *colon2 = strchr(colon + 1, ':');
		size_t alen = colon2 ? (size_t)(colon2 - colon - 1) : strlen(colon + 1);

		if (alen >= sizeof(num))
			goto badnum;
		memcpy(num, colon + 1, alen);
		num[alen] = '\0';
		if (parse_i64(num, 0, INT32_MAX, &a))
			goto badnum;
		if (colon2 && parse_i64(colon2 + 1, 0, INT32_MAX, &b))
			goto badnum;
	}

	if (!strcmp(kind, "http500") || !strcmp(kind, "truncate") || !strcmp(kind, "badjson")) {
		unsigned count = a < 0 ? 1 : (unsigned)a;

		if (b >= 0)
			goto badnum;
		if (kind[0] == 'h')
			f->http500 = count;
		else if (kind[0] == 't')
			f->truncate = count;
		else
			f->badjson = count;
	} else if (!strcmp(kind, "delay")) {
		if (a < 0)
			goto badnum;
		f->delay_ms = (unsigned)a;
		f->delay = b < 0 ? 1 : (unsigned)b;
	} else if (!strcmp(kind, "slow")) {
		if (a < 0 || b >= 0)
			goto badnum;
		f->slow_ms = (unsigned)a;
	} else if (!strcmp(kind, "badpow") || !strcmp(kind, "badlink") ||
		   !strcmp(kind, "badbits")) {
		if (a < 0 || b >= 0)
			goto badnum;
		if (!strcmp(kind, "badpow"))
			f->badpow = a;
		else if (!strcmp(kind, "badlink"))
			f->badlink = a;
		else
			f->badbits = a;
	} else if (!strcmp(kind, "reorg") || !strcmp(kind, "wrongnet") || !strcmp(kind, "none")) {
		if (colon)
			goto badnum;
		if (kind[0] == 'r') {
			if (!have_fork) {
				snprintf(why, n, "fault: reorg needs --fork FILE");
				return -1;
			}
			f->reorg = true;
		} else if (kind[0] == 'w') {
			f->wrongnet = true;
		} else {
			faults_clear(f);
		}
	} else {
		goto unknown;
	}
	return 0;
unknown:
	snprintf(why, n, "fault: unknown kind in '%.40s' (http500, delay, truncate, badjson, "
		 "slow, badpow, badlink, badbits, reorg, wrongnet, none)", spec);
	return -1;
badnum:
	snprintf(why, n, "fault: bad arguments in '%.40s' (want %s)", spec,
		 !strcmp(kind, "delay") ? "delay:MS[:COUNT]" :
		 !strcmp(kind, "slow") ? "slow:MS" :
		 !strncmp(kind, "bad", 3) && strcmp(kind, "badjson") ? "KIND:HEIGHT" :
		 !strcmp(kind, "reorg") || !strcmp(kind, "wrongnet") || !strcmp(kind, "none") ?
		 "no argument" : "KIND[:COUNT]");
	return -1;
}

/* Make f current (s->lock held); the old state stays when the chain cannot be built. */
static int state_apply(struct state *s, const struct faults *f, char *why, size_t n)
{
	struct chain c;

	if (build_served(s, f, &c, why, n) < 0)
		return -1;
	free(s->served.b);
	s->served = c;
	s->f = *f;
	return 0;
}

/* ------------------------------------------------------------------ */
/* lookups                                                              */
/* ------------------------------------------------------------------ */

/* A hash as Bitcoin displays it (64 hex digits, reversed) into internal order. */
static bool parse_hash(const char *s, uint8_t hash[32])
{
	uint8_t tmp[32];

	if (!s || strlen(s) != 64 || hp_hex_decode(s, tmp, 32, "hash", NULL) != HP_OK)
		return false;
	for (int i = 0; i < 32; i++)
		hash[i] = tmp[31 - i];
	return true;
}

/*
 * The block with this hash: on the served chain, or (after a reorg) on the
 * chain it replaced, as Core still knows stale blocks. *stale says which.
 */
static const struct block *find_hash(const struct state *s, const uint8_t hash[32],
				     int64_t *height, bool *stale)
{
	const struct chain *cs[2] = {&s->served, s->f.reorg ? &s->base : NULL};

	for (int k = 0; k < 2; k++) {
		if (!cs[k])
			continue;
		for (size_t i = cs[k]->n; i-- > 0;) {
			if (memcmp(cs[k]->b[i].hash, hash, 32) == 0) {
				if (k == 1 && i < s->served.n &&
				    !memcmp(s->served.b[i].hash, hash, 32))
					continue;
				*height = (int64_t)i;
				*stale = k == 1;
				return &cs[k]->b[i];
			}
		}
	}
	return NULL;
}

static int64_t tip_height(const struct state *s)
{
	return (int64_t)s->served.n - 1;
}

/* The median of the last 11 block times up to height h (Core's GetMedianTimePast). */
static int64_t median_time(const struct chain *c, int64_t h)
{
	int64_t t[11];
	int n = 0;

	for (int64_t i = h; i >= 0 && n < 11; i--) {
		int64_t v = header_u32(c->b[i].raw + 68);
		int j = n++;

		while (j > 0 && t[j - 1] > v) {
			t[j] = t[j - 1];
			j--;
		}
		t[j] = v;
	}
	return t[n / 2];
}

static void note_header(struct state *s, int64_t h)
{
	if (h > s->highest_header)
		s->highest_header = h;
}

static void hash_hex(const uint8_t hash[32], char out[65])
{
	hp_hex_encode_reversed(hash, 32, out);
}

/* ------------------------------------------------------------------ */
/* JSON-RPC (Bitcoin Core)                                              */
/* ------------------------------------------------------------------ */

/* Core's error codes (rpc/protocol.h). */
enum {
	RPC_MISC_ERROR = -1,
	RPC_TYPE_ERROR = -3,
	RPC_INVALID_ADDRESS_OR_KEY = -5,
	RPC_INVALID_PARAMETER = -8,
	RPC_INVALID_REQUEST = -32600,
	RPC_METHOD_NOT_FOUND = -32601,
	RPC_PARSE_ERROR = -32700,
};

struct rpc_err {
	int code;
	char message[160];
};

static json_t *rpc_fail(struct rpc_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static json_t *rpc_fail(struct rpc_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return NULL;
}

/* Positional parameter i, or the named one. */
static json_t *param(json_t *params, size_t i, const char *name)
{
	if (json_is_array(params))
		return json_array_get(params, i);
	if (json_is_object(params))
		return json_object_get(params, name);
	return NULL;
}

static json_t *header_json(const struct state *s, const struct chain *c, int64_t h, bool stale)
{
	const struct block *b = &c->b[h];
	struct hp_header hd;
	char hex[65], buf[HP_U256_HEX_LEN], vhex[9], bits[9];
	double diff = 0;
	json_t *o = json_object();

	hp_consensus_header_decode(b->raw, &hd);
	hp_consensus_difficulty(hd.bits, &diff);
	snprintf(vhex, sizeof(vhex), "%08" PRIx32, (uint32_t)hd.version);
	snprintf(bits, sizeof(bits), "%08" PRIx32, hd.bits);
	hash_hex(b->hash, hex);
	json_object_set_new(o, "hash", json_string(hex));
	json_object_set_new(o, "confirmations", json_integer(stale ? -1 : tip_height(s) - h + 1));
	json_object_set_new(o, "height", json_integer(h));
	json_object_set_new(o, "version", json_integer(hd.version));
	json_object_set_new(o, "versionHex", json_string(vhex));
	hash_hex(hd.merkle_root, hex);
	json_object_set_new(o, "merkleroot", json_string(hex));
	json_object_set_new(o, "time", json_integer(hd.time));
	json_object_set_new(o, "mediantime", json_integer(median_time(c, h)));
	json_object_set_new(o, "nonce", json_integer(hd.nonce));
	json_object_set_new(o, "bits", json_string(bits));
	json_object_set_new(o, "difficulty", json_real(diff));
	json_object_set_new(o, "chainwork", json_string(hp_u256_to_hex(b->chainwork, buf)));
	if (b->has_stats)
		json_object_set_new(o, "nTx", json_integer(b->tx_count));
	if (h > 0) {
		hash_hex(hd.prev_hash, hex);
		json_object_set_new(o, "previousblockhash", json_string(hex));
	}
	if ((size_t)h + 1 < c->n && !stale) {
		hash_hex(c->b[h + 1].hash, hex);
		json_object_set_new(o, "nextblockhash", json_string(hex));
	}
	return o;
}

static json_t *rpc_getblockchaininfo(struct state *s)
{
	const struct block *t = &s->served.b[s->served.n - 1];
	int64_t h = tip_height(s);
	char hex[65], buf[HP_U256_HEX_LEN];
	double diff = 0;
	json_t *o = json_object();

	hp_consensus_difficulty(header_bits(t->raw), &diff);
	hash_hex(t->hash, hex);
	json_object_set_new(o, "chain", json_string(s->network));
	json_object_set_new(o, "blocks", json_integer(h));
	json_object_set_new(o, "headers", json_integer(h));
	json_object_set_new(o, "bestblockhash", json_string(hex));
	json_object_set_new(o, "difficulty", json_real(diff));
	json_object_set_new(o, "time", json_integer(header_u32(t->raw + 68)));
	json_object_set_new(o, "mediantime", json_integer(median_time(&s->served, h)));
	json_object_set_new(o, "verificationprogress", json_real(1.0));
	json_object_set_new(o, "initialblockdownload", json_false());
	json_object_set_new(o, "chainwork", json_string(hp_u256_to_hex(t->chainwork, buf)));
	json_object_set_new(o, "pruned", json_false());
	json_object_set_new(o, "warnings", json_string(""));
	return o;
}

static json_t *rpc_getblockhash(struct state *s, json_t *params, struct rpc_err *e)
{
	json_t *hv = param(params, 0, "height");
	char hex[65];
	int64_t h;

	if (!hv)
		return rpc_fail(e, RPC_MISC_ERROR, "getblockhash height");
	if (!json_is_integer(hv))
		return rpc_fail(e, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type "
				"number", json_is_string(hv) ? "string" : "other");
	h = json_integer_value(hv);
	if (h < 0 || h > tip_height(s))
		return rpc_fail(e, RPC_INVALID_PARAMETER, "Block height out of range");
	hash_hex(s->served.b[h].hash, hex);
	return json_string(hex);
}

static json_t *rpc_getbestblockhash(struct state *s)
{
	char hex[65];

	hash_hex(s->served.b[s->served.n - 1].hash, hex);
	return json_string(hex);
}

static json_t *rpc_getblockheader(struct state *s, json_t *params, struct rpc_err *e)
{
	json_t *hv = param(params, 0, "blockhash"), *vv = param(params, 1, "verbose");
	uint8_t hash[32];
	const struct block *b;
	bool verbose = true, stale;
	int64_t h;

	if (!hv)
		return rpc_fail(e, RPC_MISC_ERROR, "getblockheader \"blockhash\" ( verbose )");
	if (!parse_hash(json_string_value(hv), hash))
		return rpc_fail(e, RPC_INVALID_PARAMETER, "blockhash must be of length 64 and "
				"hexadecimal");
	if (vv && !json_is_null(vv)) {
		if (json_is_boolean(vv))
			verbose = json_is_true(vv);
		else if (json_is_integer(vv))
			verbose = json_integer_value(vv) != 0;
		else
			return rpc_fail(e, RPC_TYPE_ERROR, "verbose: JSON value is not a boolean "
					"as expected");
	}
	b = find_hash(s, hash, &h, &stale);
	if (!b)
		return rpc_fail(e, RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
	if (!stale)
		note_header(s, h);
	if (!verbose) {
		char hex[2 * HP_HEADER_SIZE + 1];

		hp_hex_encode(b->raw, HP_HEADER_SIZE, hex);
		return json_string(hex);
	}
	return header_json(s, stale ? &s->base : &s->served, h, stale);
}

static json_t *rpc_getblockstats(struct state *s, json_t *params, struct rpc_err *e)
{
	static const char *const known[] = {"avgfee", "blockhash", "height", "mediantime",
					    "subsidy", "time", "totalfee", "txs"};
	json_t *which = param(params, 0, "hash_or_height"), *sel = param(params, 1, "stats");
	const struct chain *c = &s->served;
	const struct block *b;
	bool stale = false;
	int64_t h;
	char hex[65];
	json_t *o, *all;
	size_t i;
	json_t *v;

	if (!which)
		return rpc_fail(e, RPC_MISC_ERROR, "getblockstats hash_or_height ( stats )");
	if (json_is_integer(which)) {
		h = json_integer_value(which);
		if (h < 0)
			return rpc_fail(e, RPC_INVALID_PARAMETER, "Target block height %" PRId64
					" is negative", h);
		if (h > tip_height(s))
			return rpc_fail(e, RPC_INVALID_PARAMETER, "Target block height %" PRId64
					" after current tip %" PRId64, h, tip_height(s));
		b = &c->b[h];
	} else {
		uint8_t hash[32];

		if (!parse_hash(json_string_value(which), hash))
			return rpc_fail(e, RPC_INVALID_PARAMETER, "hash_or_height must be a height "
					"or a 64-digit hexadecimal hash");
		b = find_hash(s, hash, &h, &stale);
		if (!b)
			return rpc_fail(e, RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
		if (stale)
			c = &s->base;
	}
	if (!b->has_stats)
		return rpc_fail(e, RPC_MISC_ERROR, "no block stats for height %" PRId64
				" in the chain file", h);
	if (sel && !json_is_null(sel) && !json_is_array(sel))
		return rpc_fail(e, RPC_TYPE_ERROR, "stats: JSON value is not an array as expected");

	all = json_object();
	hash_hex(b->hash, hex);
	json_object_set_new(all, "avgfee", json_integer(b->tx_count > 1 ?
							 b->fees_sats / (b->tx_count - 1) : 0));
	json_object_set_new(all, "blockhash", json_string(hex));
	json_object_set_new(all, "height", json_integer(h));
	json_object_set_new(all, "mediantime", json_integer(median_time(c, h)));
	json_object_set_new(all, "subsidy", json_integer(b->subsidy_sats));
	json_object_set_new(all, "time", json_integer(header_u32(b->raw + 68)));
	json_object_set_new(all, "totalfee", json_integer(b->fees_sats));
	json_object_set_new(all, "txs", json_integer(b->tx_count));
	if (!sel || json_is_null(sel) || json_array_size(sel) == 0)
		return all;
	o = json_object();
	json_array_foreach(sel, i, v) {
		const char *name = json_string_value(v);
		bool ok = false;

		for (size_t k = 0; name && k < sizeof(known) / sizeof(known[0]); k++)
			ok |= !strcmp(name, known[k]);
		if (!ok) {
			json_decref(o);
			json_decref(all);
			return rpc_fail(e, RPC_INVALID_PARAMETER, "Invalid selected statistic '%.40s'",
					name ? name : "(not a string)");
		}
		json_object_set(o, name, json_object_get(all, name));
	}
	json_decref(all);
	return o;
}

/* One call of a request (or of a batch): Core's reply object and its HTTP status. */
static json_t *rpc_call(struct state *s, json_t *req, unsigned *status)
{
	struct rpc_err e = {0, ""};
	json_t *id, *params, *result = NULL, *reply;
	const char *method;
	bool v2;

	if (!json_is_object(req)) {
		*status = MHD_HTTP_BAD_REQUEST;
		rpc_fail(&e, RPC_INVALID_REQUEST, "Invalid Request object");
		id = json_null();
		v2 = false;
		goto error;
	}
	id = json_object_get(req, "id");
	id = id ? json_incref(id) : json_null();
	v2 = json_is_string(json_object_get(req, "jsonrpc")) &&
	     !strcmp(json_string_value(json_object_get(req, "jsonrpc")), "2.0");
	method = json_string_value(json_object_get(req, "method"));
	params = json_object_get(req, "params");
	if (!method) {
		*status = MHD_HTTP_BAD_REQUEST;
		rpc_fail(&e, RPC_INVALID_REQUEST, "Method must be a string");
		goto error;
	}
	if (params && !json_is_array(params) && !json_is_object(params) && !json_is_null(params)) {
		*status = MHD_HTTP_BAD_REQUEST;
		rpc_fail(&e, RPC_INVALID_REQUEST, "Params must be an array or object");
		goto error;
	}
	if (!strcmp(method, "getblockchaininfo"))
		result = rpc_getblockchaininfo(s);
	else if (!strcmp(method, "getblockcount"))
		result = json_integer(tip_height(s));
	else if (!strcmp(method, "getbestblockhash"))
		result = rpc_getbestblockhash(s);
	else if (!strcmp(method, "getblockhash"))
		result = rpc_getblockhash(s, params, &e);
	else if (!strcmp(method, "getblockheader"))
		result = rpc_getblockheader(s, params, &e);
	else if (!strcmp(method, "getblockstats"))
		result = rpc_getblockstats(s, params, &e);
	else
		rpc_fail(&e, RPC_METHOD_NOT_FOUND, "Method not found");
	if (!result) {
		/* Core's legacy replies map errors to HTTP statuses; 2.0 replies are 200 */
		*status = e.code == RPC_METHOD_NOT_FOUND ? MHD_HTTP_NOT_FOUND :
			  MHD_HTTP_INTERNAL_SERVER_ERROR;
		goto error;
	}
	*status = MHD_HTTP_OK;
	if (v2)
		reply = json_pack("{s:s, s:o, s:o}", "jsonrpc", "2.0", "result", result, "id", id);
	else
		reply = json_pack("{s:o, s:n, s:o}", "result", result, "error", "id", id);
	return reply;
error:
	if (v2) {
		*status = MHD_HTTP_OK;
		return json_pack("{s:s, s:{s:i, s:s}, s:o}", "jsonrpc", "2.0", "error", "code",
				 e.code, "message", e.message, "id", id);
	}
	return json_pack("{s:n, s:{s:i, s:s}, s:o}", "result", "error", "code", e.code, "message",
			 e.message, "id", id);
}

/* ------------------------------------------------------------------ */
/* HTTP                                                                 */
/* ------------------------------------------------------------------ */

struct reply {
	unsigned status;
	const char *type;
	char *body;
	size_t len;
	bool unauthorized;
};

static void reply_text(struct reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reply_text(struct reply *r, unsigned status, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->status = status;
	r->type = "text/plain";
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	r->body = malloc((size_t)n + 1);
	if (!r->body) {
		r->len = 0;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(r->body, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r->len = (size_t)n;
}

static void reply_json(struct reply *r, unsigned status, json_t *v)
{
	r->status = status;
	r->type = "application/json";
	/* Core prints doubles with 16 significant digits (UniValue) */
	r->body = v ? json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(16)) : NULL;
	r->len = r->body ? strlen(r->body) : 0;
	json_decref(v);
	if (!r->body)
		reply_text(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
}

static void handle_rpc(struct state *s, const char *body, size_t len, const char *auth,
		       struct reply *r)
{
	json_error_t jerr;
	json_t *req;

	if (s->auth_user || s->auth_cookie) {
		bool ok = auth && ((s->auth_user && !strcmp(auth, s->auth_user)) ||
				   (s->auth_cookie && !strcmp(auth, s->auth_cookie)));

		if (!ok) {
			r->status = MHD_HTTP_UNAUTHORIZED;
			r->type = "text/html";
			r->body = NULL;
			r->len = 0;
			r->unauthorized = true;
			return;
		}
	}
	req = json_loadb(body ? body : "", len, 0, &jerr);
	if (!req) {
		reply_json(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   json_pack("{s:n, s:{s:i, s:s}, s:n}", "result", "error", "code",
				     RPC_PARSE_ERROR, "message", "Parse error", "id"));
		return;
	}
	if (json_is_array(req)) {
		json_t *out = json_array(), *v;
		size_t i;
		unsigned st;

		json_array_foreach(req, i, v)
			json_array_append_new(out, rpc_call(s, v, &st));
		reply_json(r, MHD_HTTP_OK, out);
	} else if (json_is_object(req)) {
		unsigned st;
		json_t *out = rpc_call(s, req, &st);

		reply_json(r, st, out);
	} else {
		reply_json(r, MHD_HTTP_INTERNAL_SERVER_ERROR,
			   json_pack("{s:n, s:{s:i, s:s}, s:n}", "result", "error", "code",
				     RPC_PARSE_ERROR, "message", "Top-level object parse error",
				     "id"));
	}
	json_decref(req);
}

/* mempool.space's block object, with its extras (fees, reward, header) when known. */
static json_t *rest_block(const struct state *s, const struct chain *c, int64_t h)
{
	const struct block *b = &c->b[h];
	struct hp_header hd;
	char hex[2 * HP_HEADER_SIZE + 1];
	double diff = 0;
	json_t *o = json_object();

	(void)s;
	hp_consensus_header_decode(b->raw, &hd);
	hp_consensus_difficulty(hd.bits, &diff);
	hash_hex(b->hash, hex);
	json_object_set_new(o, "id", json_string(hex));
	json_object_set_new(o, "height", json_integer(h));
	json_object_set_new(o, "version", json_integer(hd.version));
	json_object_set_new(o, "timestamp", json_integer(hd.time));
	if (b->has_stats)
		json_object_set_new(o, "tx_count", json_integer(b->tx_count));
	hash_hex(hd.merkle_root, hex);
	json_object_set_new(o, "merkle_root", json_string(hex));
	if (h > 0) {
		hash_hex(hd.prev_hash, hex);
		json_object_set_new(o, "previousblockhash", json_string(hex));
	} else {
		json_object_set_new(o, "previousblockhash", json_null());
	}
	json_object_set_new(o, "mediantime", json_integer(median_time(c, h)));
	json_object_set_new(o, "nonce", json_integer(hd.nonce));
	json_object_set_new(o, "bits", json_integer(hd.bits));
	json_object_set_new(o, "difficulty", json_real(diff));
	if (b->has_stats) {
		hp_hex_encode(b->raw, HP_HEADER_SIZE, hex);
		json_object_set_new(o, "extras",
				    json_pack("{s:I, s:I, s:I, s:s}", "totalFees",
					      (json_int_t)b->fees_sats, "reward",
					      (json_int_t)(b->fees_sats + b->subsidy_sats),
					      "avgFee", (json_int_t)(b->tx_count > 1 ?
						      b->fees_sats / (b->tx_count - 1) : 0),
					      "header", hex));
	}
	return o;
}

static bool rest_height(const char *s, int64_t *h)
{
	return parse_i64(s, 0, INT64_MAX, h) == 0;
}

static void handle_rest(struct state *s, const char *url, struct reply *r)
{
	char hex[2 * HP_HEADER_SIZE + 1];
	uint8_t hash[32];
	const struct block *b;
	int64_t h;
	bool stale;

	if (!strcmp(url, "/api/blocks/tip/height")) {
		reply_text(r, MHD_HTTP_OK, "%" PRId64, tip_height(s));
	} else if (!strcmp(url, "/api/blocks/tip/hash")) {
		hash_hex(s->served.b[s->served.n - 1].hash, hex);
		reply_text(r, MHD_HTTP_OK, "%s", hex);
	} else if (!strncmp(url, "/api/block-height/", 18)) {
		if (!rest_height(url + 18, &h))
			reply_text(r, MHD_HTTP_BAD_REQUEST, "Invalid height");
		else if (h > tip_height(s))
			reply_text(r, MHD_HTTP_NOT_FOUND, "Block not found");
		else {
			hash_hex(s->served.b[h].hash, hex);
			reply_text(r, MHD_HTTP_OK, "%s", hex);
		}
	} else if (!strncmp(url, "/api/block/", 11) || !strncmp(url, "/api/v1/block/", 14)) {
		bool v1 = url[5] == 'v';
		const char *p = url + (v1 ? 14 : 11), *rest = p + (strlen(p) >= 64 ? 64 : 0);
		char hs[65];

		if (strlen(p) < 64 || (*rest && (v1 || (strcmp(rest, "/header") &&
						       strcmp(rest, "/status"))))) {
			reply_text(r, MHD_HTTP_NOT_FOUND, "Not found");
			return;
		}
		memcpy(hs, p, 64);
		hs[64] = '\0';
		if (!parse_hash(hs, hash)) {
			reply_text(r, MHD_HTTP_BAD_REQUEST, "Invalid hex string");
			return;
		}
		b = find_hash(s, hash, &h, &stale);
		if (!b) {
			reply_text(r, MHD_HTTP_NOT_FOUND, "Block not found");
		} else if (!strcmp(rest, "/header")) {
			if (!stale)
				note_header(s, h);
			hp_hex_encode(b->raw, HP_HEADER_SIZE, hex);
			reply_text(r, MHD_HTTP_OK, "%s", hex);
		} else if (!strcmp(rest, "/status")) {
			json_t *o = json_pack("{s:b, s:I}", "in_best_chain", !stale, "height",
					      (json_int_t)h);

			if (!stale && h < tip_height(s)) {
				hash_hex(s->served.b[h + 1].hash, hex);
				json_object_set_new(o, "next_best", json_string(hex));
			}
			reply_json(r, MHD_HTTP_OK, o);
		} else {
			reply_json(r, MHD_HTTP_OK,
				   rest_block(s, stale ? &s->base : &s->served, h));
		}
	} else if (!strcmp(url, "/api/v1/blocks") || !strncmp(url, "/api/v1/blocks/", 15)) {
		json_t *a;

		h = tip_height(s);
		if (url[14] == '/' && !rest_height(url + 15, &h)) {
			reply_text(r, MHD_HTTP_BAD_REQUEST, "Invalid height");
			return;
		}
		if (h > tip_height(s))
			h = tip_height(s); /* mempool.space starts from its tip */
		a = json_array();
		for (int64_t i = h; i >= 0 && i > h - REST_PAGE; i--) {
			json_array_append_new(a, rest_block(s, &s->served, i));
			note_header(s, i);
		}
		reply_json(r, MHD_HTTP_OK, a);
	} else {
		reply_text(r, MHD_HTTP_NOT_FOUND, "Not found");
	}
}

/* ------------------------------------------------------------------ */
/* /control                                                             */
/* ------------------------------------------------------------------ */

static json_t *state_json(const struct state *s)
{
	char hex[65];
	const struct faults *f = &s->f;
	json_t *o;

	hash_hex(s->served.b[s->served.n - 1].hash, hex);
	o = json_pack("{s:I, s:s, s:b, s:I, s:I, s:I}", "tip_height", (json_int_t)tip_height(s),
		      "tip_hash", hex, "reorg", f->reorg, "requests", (json_int_t)s->requests,
		      "faults_served", (json_int_t)s->faults_served, "highest_header",
		      (json_int_t)s->highest_header);
	json_object_set_new(o, "pending",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
				      "http500", (json_int_t)f->http500, "delay",
				      (json_int_t)f->delay, "delay_ms", (json_int_t)f->delay_ms,
				      "truncate", (json_int_t)f->truncate, "badjson",
				      (json_int_t)f->badjson, "slow_ms", (json_int_t)f->slow_ms,
				      "badpow", (json_int_t)f->badpow, "badlink",
				      (json_int_t)f->badlink, "badbits", (json_int_t)f->badbits,
				      "wrongnet", f->wrongnet));
	return o;
}

struct control_args {
	struct state *s;
	struct faults f;
	bool zero_counters;
	bool failed;
	char why[200];
};

static enum MHD_Result control_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct control_args *a = cls;
	int64_t h;

	(void)kind;
	if (a->failed)
		return MHD_NO;
	if (!value)
		value = "";
	if (!strcmp(key, "fault")) {
		if (fault_parse(value, a->s->fork.b != NULL, &a->f, a->why, sizeof(a->why)) < 0)
			a->failed = true;
	} else if (!strcmp(key, "tip")) {
		if (!strcmp(value, "none"))
			a->f.tip = -1;
		else if (parse_i64(value, 0, INT32_MAX, &h) == 0)
			a->f.tip = h;
		else {
			snprintf(a->why, sizeof(a->why), "tip: must be a height or none, got '%.40s'",
				 value);
			a->failed = true;
		}
	} else if (!strcmp(key, "reset")) {
		faults_clear(&a->f);
		a->f.reorg = false;
		a->f.tip = -1;
		a->zero_counters = true;
	} else if (!strcmp(key, "counters")) {
		a->zero_counters = true;
	} else {
		snprintf(a->why, sizeof(a->why), "unknown control parameter '%.40s' (fault, tip, "
			 "reset, counters)", key);
		a->failed = true;
	}
	return a->failed ? MHD_NO : MHD_YES;
}

static void handle_control(struct state *s, struct MHD_Connection *c, const char *method,
			   struct reply *r)
{
	struct control_args a;

	memset(&a, 0, sizeof(a));
	a.s = s;
	a.f = s->f;
	if (!strcmp(method, "POST")) {
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, control_arg, &a);
		if (a.failed) {
			reply_text(r, MHD_HTTP_BAD_REQUEST, "chainsrv: %s\n", a.why);
			return;
		}
		if (state_apply(s, &a.f, a.why, sizeof(a.why)) < 0) {
			reply_text(r, MHD_HTTP_BAD_REQUEST, "chainsrv: %s\n", a.why);
			return;
		}
		if (a.zero_counters) {
			s->requests = s->faults_served = 0;
			s->highest_header = -1;
		}
	} else if (strcmp(method, "GET")) {
		reply_text(r, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST\n");
		return;
	}
	reply_json(r, MHD_HTTP_OK, state_json(s));
}

/* ------------------------------------------------------------------ */
/* the request cycle                                                    */
/* ------------------------------------------------------------------ */

struct upload {
	char *body;
	size_t len;
	bool too_big;
};

/* Sleep ms, waking early when the server stops. */
static void nap(unsigned ms)
{
	while (ms > 0 && !atomic_load(&stopping)) {
		unsigned step = ms < 20 ? ms : 20;
		struct timespec ts = {0, (long)step * 1000000L};

		nanosleep(&ts, NULL);
		ms -= step;
	}
}

struct truncated {
	char *body;
	size_t half;
};

static ssize_t truncated_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct truncated *t = cls;
	size_t n;

	if (pos >= t->half)
		return MHD_CONTENT_READER_END_WITH_ERROR; /* the connection drops */
	n = t->half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, t->body + pos, n);
	return (ssize_t)n;
}

static void truncated_free(void *cls)
{
	struct truncated *t = cls;

	free(t->body);
	free(t);
}

enum fault_now { NOW_NONE, NOW_500, NOW_TRUNCATE, NOW_BADJSON };

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r, enum fault_now fn)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (fn == NOW_TRUNCATE && r->len >= 2) {
		struct truncated *t = malloc(sizeof(*t));

		if (!t) {
			free(r->body);
			return MHD_NO;
		}
		t->body = r->body;
		t->half = r->len / 2;
		resp = MHD_create_response_from_callback(r->len, 4096, truncated_read, t,
							 truncated_free);
		if (!resp) {
			truncated_free(t);
			return MHD_NO;
		}
	} else {
		if (fn == NOW_BADJSON && r->body && r->len >= 1) {
			r->len = r->len / 2 + 1;
			r->body[r->len - 1] = '!';
		}
		resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"",
						       r->body ? MHD_RESPMEM_MUST_FREE :
						       MHD_RESPMEM_PERSISTENT);
		if (!resp) {
			free(r->body);
			return MHD_NO;
		}
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type :
				"text/plain");
	if (r->unauthorized)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"jsonrpc\"");
	ret = MHD_queue_response(c, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct state *s = cls;
	struct upload *u = *con_cls;
	struct reply r = {0, NULL, NULL, 0, false};
	enum fault_now fn = NOW_NONE;
	unsigned wait_ms = 0;

	(void)version;
	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_size) {
		if (u->len + *upload_size > MAX_BODY) {
			u->too_big = true;
		} else if (!u->too_big) {
			char *nb = realloc(u->body, u->len + *upload_size + 1);

			if (!nb)
				return MHD_NO;
			memcpy(nb + u->len, upload_data, *upload_size);
			u->body = nb;
			u->len += *upload_size;
			u->body[u->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (u->too_big) {
		reply_text(&r, 413, "request body over %u bytes\n", MAX_BODY);
		return send_reply(c, &r, NOW_NONE);
	}

	if (!strcmp(url, "/control")) {
		pthread_mutex_lock(&s->lock);
		handle_control(s, c, method, &r);
		pthread_mutex_unlock(&s->lock);
		return send_reply(c, &r, NOW_NONE);
	}

	/* one counted fault a request, taken in this order */
	pthread_mutex_lock(&s->lock);
	s->requests++;
	wait_ms = s->f.slow_ms;
	if (s->f.http500) {
		s->f.http500--;
		fn = NOW_500;
	} else if (s->f.delay) {
		s->f.delay--;
		wait_ms += s->f.delay_ms;
		s->faults_served++;
	} else if (s->f.truncate) {
		s->f.truncate--;
		fn = NOW_TRUNCATE;
	} else if (s->f.badjson) {
		s->f.badjson--;
		fn = NOW_BADJSON;
	}
	if (fn != NOW_NONE)
		s->faults_served++;
	pthread_mutex_unlock(&s->lock);
	nap(wait_ms);

	if (fn == NOW_500) {
		reply_text(&r, MHD_HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error\n");
		return send_reply(c, &r, NOW_NONE);
	}
	pthread_mutex_lock(&s->lock);
	if (!strcmp(url, "/") && !strcmp(method, "POST"))
		handle_rpc(s, u->body, u->len,
			   MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       MHD_HTTP_HEADER_AUTHORIZATION), &r);
	else if (!strncmp(url, "/api/", 5) && !strcmp(method, "GET"))
		handle_rest(s, url, &r);
	else if (!strcmp(url, "/"))
		reply_text(&r, MHD_HTTP_METHOD_NOT_ALLOWED, "JSONRPC server handles only POST "
			   "requests");
	else
		reply_text(&r, MHD_HTTP_NOT_FOUND, "Not found");
	pthread_mutex_unlock(&s->lock);
	return send_reply(c, &r, fn);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (u) {
		free(u->body);
		free(u);
		*con_cls = NULL;
	}
}

/* ------------------------------------------------------------------ */
/* setup                                                                */
/* ------------------------------------------------------------------ */

/* "Basic " + base64(user:password). */
static char *basic_auth(const char *user, const char *password)
{
	size_t n = strlen(user) + 1 + strlen(password);
	unsigned char *plain = malloc(n + 1);
	char *out = malloc(6 + 4 * ((n + 2) / 3) + 1);

	if (!plain || !out) {
		free(plain);
		free(out);
		return NULL;
	}
	snprintf((char *)plain, n + 1, "%s:%s", user, password);
	memcpy(out, "Basic ", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, plain, (int)n);
	free(plain);
	return out;
}

/* Write "__cookie__:<64 random hex digits>" to path (mode 0600), as Core does. */
static char *write_cookie(const char *path)
{
	uint8_t rnd[32];
	char secret[65], tmp[4096];
	int fd;
	FILE *f;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd)) {
		fprintf(stderr, "chainsrv: cannot read /dev/urandom\n");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	close(fd);
	hp_hex_encode(rnd, sizeof(rnd), secret);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		fprintf(stderr, "chainsrv: --cookie: path too long\n");
		return NULL;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f || fprintf(f, "__cookie__:%s", secret) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "chainsrv: --cookie: cannot write '%s': %s\n", path,
			strerror(errno));
		if (fd >= 0 && !f)
			close(fd);
		unlink(tmp);
		return NULL;
	}
	return basic_auth("__cookie__", secret);
}

static const char usage[] =
	"usage: chainsrv --chain FILE [--fork FILE] [--network main|test|regtest] [--port N]\n"
	"                [--rpc-user U --rpc-password P] [--cookie FILE] [--tip H]\n"
	"                [--fault SPEC]...\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"chain", required_argument, NULL, 'c'},
		{"fork", required_argument, NULL, 'f'},
		{"network", required_argument, NULL, 'n'},
		{"port", required_argument, NULL, 'p'},
		{"rpc-user", required_argument, NULL, 'u'},
		{"rpc-password", required_argument, NULL, 'w'},
		{"cookie", required_argument, NULL, 'k'},
		{"tip", required_argument, NULL, 't'},
		{"fault", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *chain_path = NULL, *fork_path = NULL, *user = NULL, *password = NULL;
	const char *cookie_path = NULL, *specs[32];
	size_t nspecs = 0;
	int64_t port = 0, tip = -1;
	enum hp_network net = HP_NET_REGTEST;
	struct hp_error err;
	struct state s;
	struct faults f;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sa;
	sigset_t sigs;
	char why[200];
	int c, sig, rc = 1;

	memset(&s, 0, sizeof(s));
	s.network = "regtest";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			chain_path = optarg;
			break;
		case 'f':
			fork_path = optarg;
			break;
		case 'n':
			if (hp_consensus_network_parse(optarg, &net, "--network", &err) != HP_OK) {
				fprintf(stderr, "chainsrv: %s\n", err.message);
				return 2;
			}
			break;
		case 'p':
			if (parse_i64(optarg, 0, 65535, &port)) {
				fprintf(stderr, "chainsrv: --port: must be in [0, 65535], got '%.40s'\n",
					optarg);
				return 2;
			}
			break;
		case 'u':
			user = optarg;
			break;
		case 'w':
			password = optarg;
			break;
		case 'k':
			cookie_path = optarg;
			break;
		case 't':
			if (parse_i64(optarg, 0, INT32_MAX, &tip)) {
				fprintf(stderr, "chainsrv: --tip: must be a height >= 0, got '%.40s'\n",
					optarg);
				return 2;
			}
			break;
		case 'F':
			if (nspecs == sizeof(specs) / sizeof(specs[0])) {
				fprintf(stderr, "chainsrv: --fault: at most 32\n");
				return 2;
			}
			specs[nspecs++] = optarg;
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
		fprintf(stderr, "chainsrv: unexpected argument '%.40s'\n", argv[optind]);
		return 2;
	}
	if (!chain_path) {
		fprintf(stderr, "chainsrv: --chain: required\n");
		return 2;
	}
	if (!user != !password) {
		fprintf(stderr, "chainsrv: %s: needs %s too\n", user ? "--rpc-user" : "--rpc-password",
			user ? "--rpc-password" : "--rpc-user");
		return 2;
	}
	s.params = hp_consensus_params(net);
	s.network = s.params->name;
	s.highest_header = -1;
	memset(&f, 0, sizeof(f));
	f.tip = -1;
	faults_clear(&f);
	f.tip = tip;
	if (chain_load(s.params, chain_path, "--chain", &s.base) < 0)
		return 2;
	if (fork_path && chain_load(s.params, fork_path, "--fork", &s.fork) < 0)
		goto out;
	for (size_t i = 0; i < nspecs; i++) {
		if (fault_parse(specs[i], fork_path != NULL, &f, why, sizeof(why)) < 0) {
			fprintf(stderr, "chainsrv: --%s\n", why);
			rc = 2;
			goto out;
		}
	}
	if (state_apply(&s, &f, why, sizeof(why)) < 0) {
		fprintf(stderr, "chainsrv: --fault: %s\n", why);
		rc = 2;
		goto out;
	}
	if (user && !(s.auth_user = basic_auth(user, password)))
		goto out;
	if (cookie_path && !(s.auth_cookie = write_cookie(cookie_path)))
		goto out;
	pthread_mutex_init(&s.lock, NULL);

	/* signals go to sigwait below, not to the server's threads */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* a thread a connection: a delayed answer holds up no other client */
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_ITC, 0, NULL, NULL, handle, &s,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, &s,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
			     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "chainsrv: cannot listen on 127.0.0.1 port %" PRId64 "\n", port);
		goto cleanup;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "chainsrv: listening on http://127.0.0.1:%u/\n",
		info ? (unsigned)info->port : (unsigned)port);
	fflush(stderr);
	sigwait(&sigs, &sig);
	atomic_store(&stopping, true);
	MHD_stop_daemon(d);
	rc = 0;
cleanup:
	pthread_mutex_destroy(&s.lock);
out:
	if (cookie_path && s.auth_cookie)
		unlink(cookie_path);
	free(s.auth_user);
	free(s.auth_cookie);
	free(s.base.b);
	free(s.fork.b);
	free(s.served.b);
	return rc;
}
