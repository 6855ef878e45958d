/*
 * chaindb.h - the chain database: block headers, per-block stats and daily
 * prices of one network, kept in an SQLite file (docs/chaindb.md).
 *
 * Invariants (what every writer keeps and hp_chaindb_check() proves):
 *  - headers hold one gap-free run of heights first..tip. The first row is
 *    the anchor: block 0 for a full sync, or the header a partial sync
 *    (--from-height) started from; every later row links to the one below
 *    (prev_hash), meets its target and follows the retarget rule, and its
 *    chainwork is the anchor's plus each block's work (hp_consensus_block_work).
 *  - Hashes are 32 bytes in internal byte order (as serialised); Bitcoin
 *    shows them reversed (hp_hex_encode_reversed).
 *  - block_stats rows exist only for heights that have a header.
 *  - A file belongs to one network (meta "network"); opening it for another
 *    is refused, so mainnet and regtest data never mix.
 *  - Writes happen inside hp_chaindb_begin() / hp_chaindb_commit() (one
 *    SQLite transaction per batch) or, outside one, each call is its own
 *    transaction. With WAL and synchronous=FULL a kill -9 or a power cut
 *    leaves the last committed batch and nothing of the one in flight.
 *
 * The schema (schema_version 1):
 *
 *   CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
 *     -- "schema_version" = "1", "network" = "main" | "test" | "regtest",
 *     -- "anchor_height" (decimal), "anchor_trust" = "genesis" |
 *     -- "checkpoint" | "source", "work_known" = "1" when chainwork counts
 *     -- from genesis, "0" when it counts from the anchor (partial sync from
 *     -- a source that does not report chainwork)
 *   CREATE TABLE headers(
 *     height INTEGER PRIMARY KEY CHECK (height >= 0),
 *     hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
 *     version INTEGER NOT NULL,       -- signed 32-bit, as serialised
 *     prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
 *     merkle_root BLOB NOT NULL CHECK (length(merkle_root) = 32),
 *     time INTEGER NOT NULL,          -- header time, Unix seconds (u32)
 *     bits INTEGER NOT NULL,          -- compact target (u32)
 *     nonce INTEGER NOT NULL,         -- (u32)
 *     chainwork BLOB NOT NULL CHECK (length(chainwork) = 32));
 *                                     -- big-endian 256-bit, as Core prints it
 *   CREATE TABLE block_stats(
 *     height INTEGER PRIMARY KEY REFERENCES headers(height),
 *     fees_sats INTEGER NOT NULL CHECK (fees_sats >= 0),
 *     subsidy_sats INTEGER NOT NULL CHECK (subsidy_sats >= 0),
 *     tx_count INTEGER NOT NULL CHECK (tx_count >= 1));
 *   CREATE TABLE prices(
 *     day TEXT PRIMARY KEY,           -- "YYYY-MM-DD", UTC
 *     close_usd REAL NOT NULL CHECK (close_usd > 0),
 *     source TEXT NOT NULL);          -- file name or "shipped"
 *
 * Error contract: as everywhere (error.h). HP_EINVAL for bad arguments
 * (a height out of step, a malformed day), HP_ENOTFOUND for a height or day
 * not stored, HP_EIO for SQLite failures (message "<file>: <sqlite's
 * message>") and for a failed integrity check ("block <h>: <what>"); the
 * database is left as it was before the failed call (a failed call inside
 * a batch leaves the batch open for the caller to roll back).
 * A handle is used by one thread at a time; several processes may read a
 * file while one writes (WAL; a busy timeout of 10 s covers the locks).
 */
#ifndef HASHPIVOT_CHAINDB_H
#define HASHPIVOT_CHAINDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "consensus.h"
#include "error.h"
#include "u256.h"

#define HP_CHAINDB_SCHEMA_VERSION 1
#define HP_CHAINDB_PATH_MAX 4096

struct hp_chaindb;

/* hp_chaindb_open flags. */
#define HP_CHAINDB_CREATE 1u       /* create the file (and its directory) if missing */
#define HP_CHAINDB_READONLY 2u     /* open for reading only; never creates */
#define HP_CHAINDB_ANY_NETWORK 4u  /* accept whatever network the file records */

/* How far the anchor (the first stored header) is trusted; meta "anchor_trust". */
enum hp_chaindb_trust {
	HP_CHAINDB_TRUST_GENESIS,    /* block 0, checked against the network's genesis */
	HP_CHAINDB_TRUST_CHECKPOINT, /* matches a shipped checkpoint (data/) */
	HP_CHAINDB_TRUST_SOURCE      /* taken on the source's word */
};

struct hp_chaindb_stats {
	int64_t fees_sats;    /* total fees of the block */
	int64_t subsidy_sats; /* the block's subsidy as the source reports it */
	int64_t tx_count;     /* transactions, coinbase included */
};

struct hp_chaindb_block {
	int64_t height;
	uint8_t hash[32];            /* internal byte order */
	struct hp_header header;     /* version, prev_hash, merkle_root, time, bits, nonce */
	struct hp_u256 chainwork;    /* work of the chain up to and including this block */
	bool has_stats;
	struct hp_chaindb_stats stats;
};

/* What a database holds (hp_chaindb_info). */
struct hp_chaindb_info {
	enum hp_network network;
	int schema_version;
	bool empty;                 /* no headers: the fields below are zero */
	int64_t first_height;       /* the anchor's height */
	int64_t tip_height;
	enum hp_chaindb_trust anchor_trust;
	bool work_known;            /* chainwork counts from genesis */
	int64_t headers;            /* rows in headers, block_stats and prices */
	int64_t stats;
	int64_t prices;
};

/*
 * The default database file: $XDG_DATA_HOME/hashpivot/chain.sqlite, else
 * $HOME/.local/share/hashpivot/chain.sqlite. HP_EINVAL (field "--db") when
 * neither variable is set to an absolute path or the result does not fit
 * in out (size n).
 */
HP_API enum hp_status hp_chaindb_default_path(char *out, size_t n, struct hp_error *err);

/*
 * Open the database at path for network net. flags as above. A new file
 * (HP_CHAINDB_CREATE; missing parent directories are made, mode 0755) gets
 * the schema and meta network = net, written under a temporary name beside
 * it (.NAME.tmp-XXXXXX) and linked to path only when complete, so that an
 * interrupted first run leaves no file or a valid database; a path that
 * cannot be created is HP_EINVAL. An existing file must have schema
 * version 1 and record net, unless HP_CHAINDB_ANY_NETWORK (then net is
 * ignored and hp_chaindb_info() tells which it is). Fails with HP_EIO
 * "<path>: ..." when the file cannot be opened or is not a hashpivot chain
 * database, HP_ENOTFOUND when it is missing and not to be created, and
 * HP_EINVAL "<path>: database holds network test, not main" for a network
 * mismatch. On success *out owns the connection (hp_chaindb_close()).
 */
HP_API enum hp_status hp_chaindb_open(const char *path, enum hp_network net, unsigned flags,
				      struct hp_chaindb **out, struct hp_error *err);
/* Close the handle, rolling back a batch left open. NULL does nothing. */
HP_API void hp_chaindb_close(struct hp_chaindb *db);
/* The file name given to hp_chaindb_open. */
HP_API const char *hp_chaindb_path(const struct hp_chaindb *db);

/* Counts, range and meta of the database (see struct hp_chaindb_info). */
HP_API enum hp_status hp_chaindb_info(struct hp_chaindb *db, struct hp_chaindb_info *out,
				      struct hp_error *err);

/* --- reading ----------------------------------------------------------- */

/* The highest stored block (with its stats, if any). HP_ENOTFOUND when empty. */
HP_API enum hp_status hp_chaindb_tip(struct hp_chaindb *db, struct hp_chaindb_block *out,
				     struct hp_error *err);
/* The block at height. HP_ENOTFOUND (field "height") when it is not stored. */
HP_API enum hp_status hp_chaindb_get(struct hp_chaindb *db, int64_t height,
				     struct hp_chaindb_block *out, struct hp_error *err);
/* The height of the stored block with this hash (internal order); HP_ENOTFOUND if none. */
HP_API enum hp_status hp_chaindb_find_hash(struct hp_chaindb *db, const uint8_t hash[32],
					   int64_t *height, struct hp_error *err);

/*
 * Call fn for each stored block with from <= height <= to, in ascending
 * order (heights not stored are skipped; from > to calls nothing). fn's
 * status other than HP_OK stops the walk and is returned (fn fills err).
 * The block passed to fn is valid during the call only. The database must
 * not be written from inside fn.
 */
typedef enum hp_status (*hp_chaindb_block_fn)(const struct hp_chaindb_block *b, void *arg,
					      struct hp_error *err);
HP_API enum hp_status hp_chaindb_foreach(struct hp_chaindb *db, int64_t from, int64_t to,
					 hp_chaindb_block_fn fn, void *arg, struct hp_error *err);

/* --- writing ----------------------------------------------------------- */

/*
 * Batches: hp_chaindb_begin() starts one write transaction (BEGIN
 * IMMEDIATE: it waits for another writer up to the busy timeout), commit
 * makes everything since durable at once, rollback drops it. Batches do not
 * nest (HP_EINVAL). Writes outside a batch commit one by one.
 */
HP_API enum hp_status hp_chaindb_begin(struct hp_chaindb *db, struct hp_error *err);
HP_API enum hp_status hp_chaindb_commit(struct hp_chaindb *db, struct hp_error *err);
HP_API void hp_chaindb_rollback(struct hp_chaindb *db);

/*
 * Append a block the caller has verified (chainverify.h): b->height, hash,
 * header and chainwork are stored; b->stats too when b->has_stats. The
 * database checks only what is cheap to check, so that nothing out of
 * step gets in: on an empty database any height is accepted and becomes
 * the anchor (with `trust` and `work_known` recorded in meta; height 0
 * must be the network's genesis block); otherwise b->height must be tip + 1
 * and b->header.prev_hash the tip's hash (HP_EINVAL "block <h>: ...").
 * trust and work_known are ignored after the first block.
 */
HP_API enum hp_status hp_chaindb_append(struct hp_chaindb *db, const struct hp_chaindb_block *b,
					enum hp_chaindb_trust trust, bool work_known,
					struct hp_error *err);

/*
 * Rewind (a reorg): delete every header and stats row above height, so
 * that height becomes the tip. A height below the anchor empties the
 * headers and stats (and the anchor meta); at or above the tip it does
 * nothing. Prices are kept.
 */
HP_API enum hp_status hp_chaindb_rewind(struct hp_chaindb *db, int64_t height,
					struct hp_error *err);

/*
 * Store (or replace) the stats of the stored block at height. HP_ENOTFOUND
 * when there is no header there; HP_EINVAL (naming the field) for negative
 * fees or subsidy or a tx_count below 1.
 */
HP_API enum hp_status hp_chaindb_put_stats(struct hp_chaindb *db, int64_t height,
					   const struct hp_chaindb_stats *s, struct hp_error *err);

/* --- daily prices -------------------------------------------------------- */

/*
 * Store (or replace) the close of a UTC day ("YYYY-MM-DD", a real date);
 * source names where it came from (a file name, "shipped"). HP_EINVAL for a
 * malformed day or a close that is not finite and > 0.
 */
HP_API enum hp_status hp_chaindb_put_price(struct hp_chaindb *db, const char *day,
					   double close_usd, const char *source,
					   struct hp_error *err);
/* The close of day; HP_ENOTFOUND (field "day") when not stored. */
HP_API enum hp_status hp_chaindb_get_price(struct hp_chaindb *db, const char *day,
					   double *close_usd, struct hp_error *err);

/* Call fn for each stored day in [from, to] (either may be NULL: open end), in order. */
typedef enum hp_status (*hp_chaindb_price_fn)(const char *day, double close_usd,
					      const char *source, void *arg,
					      struct hp_error *err);
HP_API enum hp_status hp_chaindb_foreach_price(struct hp_chaindb *db, const char *from,
					       const char *to, hp_chaindb_price_fn fn, void *arg,
					       struct hp_error *err);

/* --- meta ------------------------------------------------------------------ */

/* Read a meta value into out (size n); HP_ENOTFOUND when the key is absent. */
HP_API enum hp_status hp_chaindb_meta_get(struct hp_chaindb *db, const char *key, char *out,
					  size_t n, struct hp_error *err);
/* Set a meta value. The keys listed in the schema above are the database's own. */
HP_API enum hp_status hp_chaindb_meta_set(struct hp_chaindb *db, const char *key,
					  const char *value, struct hp_error *err);

/* --- integrity ----------------------------------------------------------- */

struct hp_chaindb_check_report {
	bool ok;
	int64_t bad_height;         /* the first block at fault, or -1 */
	struct hp_chaindb_info info;
	uint8_t tip_hash[32];       /* when !info.empty */
	struct hp_u256 tip_chainwork;
};

/*
 * The integrity check, in this order: SQLite's PRAGMA integrity_check and
 * foreign_key_check; the meta rows; gap-free heights from the anchor to the
 * tip; then every header: its hash is the double SHA-256 of its fields, it
 * links to the one below, meets its target (hp_consensus_check_pow), its
 * bits follow the retarget rule (hp_chainverify_header), and its chainwork
 * is the one below plus its work; block 0 must be the genesis block; stats
 * rows have headers. params: the consensus rules to check against, or NULL
 * for the network the file records (tests pass custom ones). Reads only.
 * HP_OK with out->ok; otherwise HP_EIO, out->ok false, out->bad_height, and
 * the first problem in err ("block 1234: does not link to block 1233
 * (prev ... != ...)"). Other failures (SQLite errors) as usual.
 */
HP_API enum hp_status hp_chaindb_check(struct hp_chaindb *db, const struct hp_chain_params *params,
				       struct hp_chaindb_check_report *out, struct hp_error *err);

#endif
