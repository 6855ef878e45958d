/*
 * chainsource.h - reading the chain from a Bitcoin Core node (JSON-RPC) or
 * a mempool.space-compatible REST API, over HTTP with libcurl.
 *
 * It lives in the library (not the CLI) so that any front end can sync and
 * so that the reply parsers below can be unit-tested without a network;
 * the price is that libhashpivot links libcurl.
 *
 * Calls used (docs/chaindb.md):
 *   RPC  getblockchaininfo (chain, blocks), getblockhash H,
 *        getblockheader HASH false (the raw 80 bytes),
 *        getblockheader HASH true (chainwork, for a partial sync's anchor),
 *        getblockstats H ["totalfee","subsidy","txs"]
 *   REST GET /api/blocks/tip/height, /api/block-height/H,
 *        /api/block/HASH/header (hex), /api/block/HASH (tx_count,
 *        extras.totalFees; the subsidy is the consensus one)
 *
 * Failures: each request is tried 1 + retries times. Transient failures
 * (connection errors, timeouts, a reply cut short, HTTP 5xx without a
 * JSON-RPC error in it, 429, a body that does not parse) are retried after
 * backoff_ms, doubled each time up to backoff_max_ms; then HP_EIO
 * "<url>: HTTP 500 after 3 attempts" (or the last curl error or parse
 * error). HTTP 401/403 fail at once with "<url>: authentication failed";
 * other 4xx and JSON-RPC errors fail at once naming the call. URLs in
 * messages never carry credentials, and no message holds the user name,
 * password or cookie. Every parse is strict: a missing or mistyped
 * member, trailing garbage or a truncated body is an error naming the call.
 * A source handle is for one thread (libcurl runs with CURLOPT_NOSIGNAL).
 */
#ifndef HASHPIVOT_CHAINSOURCE_H
#define HASHPIVOT_CHAINSOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chaindb.h"
#include "common.h"
#include "consensus.h"
#include "error.h"
#include "u256.h"

enum hp_chainsource_kind { HP_CHAINSOURCE_RPC, HP_CHAINSOURCE_REST };

struct hp_chainsource_opts {
	enum hp_chainsource_kind kind;
	const char *url;          /* http(s)://host:port[/path] */
	const char *cookie_file;  /* RPC: Core's .cookie ("__cookie__:secret"), or NULL */
	const char *user;         /* RPC: -rpcuser / -rpcpassword, or NULL */
	const char *password;
	double timeout_s;         /* per request, > 0 */
	int retries;              /* extra attempts for transient failures, >= 0 */
	long backoff_ms;          /* first wait, doubled per retry ... */
	long backoff_max_ms;      /* ... up to this cap */
};

/* timeout 30 s, 3 retries, backoff 250 ms doubling to 8 s; kind RPC, no url. */
HP_API void hp_chainsource_opts_init(struct hp_chainsource_opts *o);

struct hp_chainsource;

/*
 * A source for o (copied; the strings too). The cookie file is read here:
 * HP_EIO "<file>: cannot read cookie: ..." when it cannot be. HP_EINVAL
 * naming the option for a URL that is not http:// or https://, a user
 * without a password, a timeout <= 0 or negative retries.
 */
HP_API enum hp_status hp_chainsource_new(const struct hp_chainsource_opts *o,
					 struct hp_chainsource **out, struct hp_error *err);
/* NULL does nothing. The credentials are wiped before the memory is freed. */
HP_API void hp_chainsource_free(struct hp_chainsource *s);
/* The URL without user:password@ (for messages and output). */
HP_API const char *hp_chainsource_url(const struct hp_chainsource *s);
/* Attempts made so far (every try of every request): for tests and logs. */
HP_API long hp_chainsource_attempts(const struct hp_chainsource *s);

/*
 * The source's tip height, and (RPC: getblockchaininfo's "chain") its
 * network; *net_known false for REST, which does not say.
 */
HP_API enum hp_status hp_chainsource_tip(struct hp_chainsource *s, int64_t *height,
					 bool *net_known, enum hp_network *net,
					 struct hp_error *err);
/* The hash of the block at height on the source's best chain (internal order). */
HP_API enum hp_status hp_chainsource_block_hash(struct hp_chainsource *s, int64_t height,
						uint8_t hash[32], struct hp_error *err);
/* The raw 80-byte header of a block (not verified here: chainverify.h). */
HP_API enum hp_status hp_chainsource_header(struct hp_chainsource *s, const uint8_t hash[32],
					    uint8_t raw[HP_HEADER_SIZE], struct hp_error *err);
/*
 * The chainwork up to a block: RPC only (getblockheader verbose); for REST
 * *known is false and nothing is asked.
 */
HP_API enum hp_status hp_chainsource_chainwork(struct hp_chainsource *s, const uint8_t hash[32],
					       bool *known, struct hp_u256 *work,
					       struct hp_error *err);
/*
 * Fees, subsidy and transaction count of a block. REST reports no subsidy:
 * it is the consensus subsidy of p at height.
 */
HP_API enum hp_status hp_chainsource_stats(struct hp_chainsource *s,
					   const struct hp_chain_params *p, int64_t height,
					   const uint8_t hash[32], struct hp_chaindb_stats *out,
					   struct hp_error *err);

/* --- reply parsers (pure; exported for the tests) --------------------------
 * Each takes the reply body (len bytes, not necessarily NUL-terminated) and
 * the call's name for messages, and fails with HP_EPARSE "<call>: ...".
 * A JSON-RPC reply is {"result": R, "error": null, "id": ...}; with an
 * error object they fail with HP_EIO "<call>: RPC error <code>: <message>".
 */

/* getblockchaininfo: blocks (>= 0) and chain ("main", "test", "regtest"). */
HP_API enum hp_status hp_chainsource_parse_rpc_chaininfo(const char *body, size_t len,
							 int64_t *blocks, enum hp_network *net,
							 struct hp_error *err);
/* A result that is a hex string of exactly n bytes; reversed (a hash as
 * Core prints it, to internal order) when `reversed`. */
HP_API enum hp_status hp_chainsource_parse_rpc_hex(const char *body, size_t len, const char *call,
						   uint8_t *out, size_t n, bool reversed,
						   struct hp_error *err);
/* getblockheader verbose: its chainwork (64 hex digits, big-endian). */
HP_API enum hp_status hp_chainsource_parse_rpc_chainwork(const char *body, size_t len,
							 struct hp_u256 *work,
							 struct hp_error *err);
/* getblockstats: totalfee, subsidy, txs (and height, must equal want_height). */
HP_API enum hp_status hp_chainsource_parse_rpc_stats(const char *body, size_t len,
						     int64_t want_height,
						     struct hp_chaindb_stats *out,
						     struct hp_error *err);
/* REST text replies: a decimal integer >= 0, or hex of exactly n bytes
 * (reversed as above); one trailing newline allowed, nothing else. */
HP_API enum hp_status hp_chainsource_parse_rest_int(const char *body, size_t len, const char *call,
						    int64_t *out, struct hp_error *err);
HP_API enum hp_status hp_chainsource_parse_rest_hex(const char *body, size_t len, const char *call,
						    uint8_t *out, size_t n, bool reversed,
						    struct hp_error *err);
/* REST /api/block/HASH: tx_count (>= 1) and extras.totalFees (>= 0); id
 * must be the block's hash (display order of `hash`). */
HP_API enum hp_status hp_chainsource_parse_rest_block(const char *body, size_t len,
						      const uint8_t hash[32],
						      struct hp_chaindb_stats *out,
						      struct hp_error *err);

#endif
