/*
 * chaindb.c - the chain database on SQLite (docs/chaindb.md).
 *
 * Durability: WAL journal with synchronous=FULL. NORMAL would be enough to
 * survive a killed process (the WAL is in the OS cache and is replayed),
 * but after a power cut it may lose the last committed batches; FULL syncs
 * the WAL at every commit, and a commit happens once a batch of blocks
 * (hundreds to thousands of headers), so it costs one fsync per batch, not
 * per block. Either way a crash never leaves half a batch: SQLite's commit
 * is atomic, and every write here happens inside a transaction.
 *
 * A new file appears whole: it is made under a temporary name in the same
 * directory (.NAME.tmp-XXXXXX), given the schema and its network, closed
 * (which checkpoints and removes its WAL) and only then linked to its name,
 * so an interrupted first run leaves no database or a valid, empty one
 * (create_new()).
 *
 * Statements are prepared once per handle (stmt()) and reset after use;
 * the walks (foreach) prepare their own so that a callback may read.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hashpivot/alloc.h"
#include "hashpivot/calendar.h"
#include "hashpivot/chaindb.h"
#include "hashpivot/chainverify.h"
#include "hashpivot/hex.h"

#define BUSY_TIMEOUT_MS 10000

enum {
	S_TIP,
	S_GET,
	S_FIND_HASH,
	S_INSERT_HEADER,
	S_INSERT_STATS,
	S_DEL_STATS,
	S_DEL_HEADERS,
	S_HAS_HEADER,
	S_PUT_PRICE,
	S_GET_PRICE,
	S_META_GET,
	S_META_SET,
	S_META_DEL,
	S_COUNT
};

#define BLOCK_COLUMNS                                                              \
	"h.height, h.hash, h.version, h.prev_hash, h.merkle_root, h.time, h.bits, " \
	"h.nonce, h.chainwork, s.fees_sats, s.subsidy_sats, s.tx_count "           \
	"FROM headers h LEFT JOIN block_stats s ON s.height = h.height "

static const char *const stmt_sql[S_COUNT] = {
	[S_TIP] = "SELECT " BLOCK_COLUMNS "ORDER BY h.height DESC LIMIT 1",
	[S_GET] = "SELECT " BLOCK_COLUMNS "WHERE h.height = ?1",
	[S_FIND_HASH] = "SELECT height FROM headers WHERE hash = ?1",
	[S_INSERT_HEADER] = "INSERT INTO headers(height, hash, version, prev_hash, merkle_root, "
			    "time, bits, nonce, chainwork) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_INSERT_STATS] = "INSERT OR REPLACE INTO block_stats(height, fees_sats, subsidy_sats, "
			   "tx_count) VALUES (?1, ?2, ?3, ?4)",
	[S_DEL_STATS] = "DELETE FROM block_stats WHERE height > ?1",
	[S_DEL_HEADERS] = "DELETE FROM headers WHERE height > ?1",
	[S_HAS_HEADER] = "SELECT 1 FROM headers WHERE height = ?1",
	[S_PUT_PRICE] = "INSERT OR REPLACE INTO prices(day, close_usd, source) VALUES (?1, ?2, ?3)",
	[S_GET_PRICE] = "SELECT close_usd FROM prices WHERE day = ?1",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
	[S_META_DEL] = "DELETE FROM meta WHERE key = ?1",
};

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE headers("
	" height INTEGER PRIMARY KEY CHECK (height >= 0),"
	" hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),"
	" version INTEGER NOT NULL,"
	" prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),"
	" merkle_root BLOB NOT NULL CHECK (length(merkle_root) = 32),"
	" time INTEGER NOT NULL,"
	" bits INTEGER NOT NULL,"
	" nonce INTEGER NOT NULL,"
	" chainwork BLOB NOT NULL CHECK (length(chainwork) = 32));"
	"CREATE TABLE block_stats("
	" height INTEGER PRIMARY KEY REFERENCES headers(height),"
	" fees_sats INTEGER NOT NULL CHECK (fees_sats >= 0),"
	" subsidy_sats INTEGER NOT NULL CHECK (subsidy_sats >= 0),"
	" tx_count INTEGER NOT NULL CHECK (tx_count >= 1));"
	"CREATE TABLE prices("
	" day TEXT PRIMARY KEY,"
	" close_usd REAL NOT NULL CHECK (close_usd > 0),"
	" source TEXT NOT NULL);";

struct hp_chaindb {
	sqlite3 *sql;
	sqlite3_stmt *stmt[S_COUNT];
	enum hp_network net;
	bool readonly;
	bool in_batch;
	char path[HP_CHAINDB_PATH_MAX];
};

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static enum hp_status sql_fail(struct hp_chaindb *db, struct hp_error *err)
{
	return hp_error_set(err, HP_EIO, NULL, "%s: %s", db->path, sqlite3_errmsg(db->sql));
}

static sqlite3_stmt *stmt(struct hp_chaindb *db, int which, struct hp_error *err)
{
	if (!db->stmt[which] &&
	    sqlite3_prepare_v3(db->sql, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
			       &db->stmt[which], NULL) != SQLITE_OK) {
		sql_fail(db, err);
		return NULL;
	}
	return db->stmt[which];
}

static void done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static enum hp_status exec(struct hp_chaindb *db, const char *sql, struct hp_error *err)
{
	if (sqlite3_exec(db->sql, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	return HP_OK;
}

/* Chainwork as 32 big-endian bytes, the order Core prints it in. */
static void work_to_blob(struct hp_u256 w, uint8_t out[32])
{
	for (int i = 0; i < 32; i++)
		out[31 - i] = (uint8_t)(w.w[i / 8] >> (8 * (i % 8)));
}

static struct hp_u256 work_from_blob(const uint8_t in[32])
{
	struct hp_u256 w = {{0, 0, 0, 0}};

	for (int i = 0; i < 32; i++)
		w.w[i / 8] |= (uint64_t)in[31 - i] << (8 * (i % 8));
	return w;
}

static bool copy_blob(sqlite3_stmt *s, int col, uint8_t out[32])
{
	const void *p = sqlite3_column_blob(s, col);

	if (!p || sqlite3_column_bytes(s, col) != 32)
		return false;
	memcpy(out, p, 32);
	return true;
}

/* The current row of a BLOCK_COLUMNS query into b. */
static enum hp_status read_block(struct hp_chaindb *db, sqlite3_stmt *s,
				 struct hp_chaindb_block *b, struct hp_error *err)
{
	uint8_t work[32];

	memset(b, 0, sizeof(*b));
	b->height = sqlite3_column_int64(s, 0);
	if (!copy_blob(s, 1, b->hash) || !copy_blob(s, 3, b->header.prev_hash) ||
	    !copy_blob(s, 4, b->header.merkle_root) || !copy_blob(s, 8, work))
		return hp_error_set(err, HP_EIO, NULL, "%s: block %lld: a hash is not 32 bytes",
				    db->path, (long long)b->height);
	b->header.version = (int32_t)sqlite3_column_int64(s, 2);
	b->header.time = (uint32_t)sqlite3_column_int64(s, 5);
	b->header.bits = (uint32_t)sqlite3_column_int64(s, 6);
	b->header.nonce = (uint32_t)sqlite3_column_int64(s, 7);
	b->chainwork = work_from_blob(work);
	if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
		b->has_stats = true;
		b->stats.fees_sats = sqlite3_column_int64(s, 9);
		b->stats.subsidy_sats = sqlite3_column_int64(s, 10);
		b->stats.tx_count = sqlite3_column_int64(s, 11);
	}
	return HP_OK;
}

/* Step a prepared single-block query: HP_OK with b, HP_ENOTFOUND, or HP_EIO. */
static enum hp_status step_block(struct hp_chaindb *db, sqlite3_stmt *s,
				 struct hp_chaindb_block *b, struct hp_error *err)
{
	enum hp_status st;
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		st = read_block(db, s, b, err);
	else if (rc == SQLITE_DONE)
		st = HP_ENOTFOUND;
	else
		st = sql_fail(db, err);
	done(s);
	return st;
}

static enum hp_status check_writable(struct hp_chaindb *db, struct hp_error *err)
{
	if (db->readonly)
		return hp_error_set(err, HP_EINVAL, NULL, "%s: opened read-only", db->path);
	return HP_OK;
}

/*
 * Writes outside a batch get a transaction of their own, so each public
 * write is all or nothing. begin_own/end_own wrap them.
 */
static enum hp_status begin_own(struct hp_chaindb *db, bool *own, struct hp_error *err)
{
	*own = !db->in_batch;
	return *own ? exec(db, "BEGIN IMMEDIATE", err) : HP_OK;
}

static enum hp_status end_own(struct hp_chaindb *db, bool own, enum hp_status st,
			      struct hp_error *err)
{
	if (!own)
		return st;
	if (st != HP_OK) {
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		return st;
	}
	st = exec(db, "COMMIT", err);
	if (st != HP_OK)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

/* ------------------------------------------------------------------ */
/* opening                                                             */
/* ------------------------------------------------------------------ */

enum hp_status hp_chaindb_default_path(char *out, size_t n, struct hp_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int len;

	if (xdg && xdg[0] == '/')
		len = snprintf(out, n, "%s/hashpivot/chain.sqlite", xdg);
	else if (home && home[0] == '/')
		len = snprintf(out, n, "%s/.local/share/hashpivot/chain.sqlite", home);
	else
		return hp_error_set(err, HP_EINVAL, "--db",
				    "no default: neither XDG_DATA_HOME nor HOME is an absolute "
				    "path; give --db FILE");
	if (len < 0 || (size_t)len >= n)
		return hp_error_set(err, HP_EINVAL, "--db", "default path too long");
	return HP_OK;
}

/* mkdir -p of the directory part of path. */
/* A file that cannot be made for the path's sake (no such directory, no
 * permission, read-only, not a directory) is bad input (HP_EINVAL, exit 2);
 * for the machine's (disk full, quota, I/O) HP_EIO. */
static enum hp_status path_status(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EIO || e == ENOMEM || e == EMFILE ||
			       e == ENFILE || e == EFBIG ? HP_EIO : HP_EINVAL;
}

static enum hp_status make_parents(const char *path, struct hp_error *err)
{
	char dir[HP_CHAINDB_PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return hp_error_set(err, HP_EINVAL, "--db", "path too long (%zu bytes)", len);
	memcpy(dir, path, len + 1);
	for (size_t i = 1; i < len; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			int e = errno;

			return hp_error_set(err, path_status(e), NULL,
					    "%s: cannot create directory: %s", dir, strerror(e));
		}
		dir[i] = '/';
	}
	return HP_OK;
}

static enum hp_status meta_lookup(struct hp_chaindb *db, const char *key, char *out, size_t n,
				  struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_META_GET, err);
	enum hp_status st = HP_OK;
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);

		snprintf(out, n, "%s", v ? (const char *)v : "");
	} else if (rc == SQLITE_DONE) {
		st = hp_error_set(err, HP_ENOTFOUND, key, "not in the database's meta");
	} else {
		st = sql_fail(db, err);
	}
	done(s);
	return st;
}

static enum hp_status meta_store(struct hp_chaindb *db, const char *key, const char *value,
				 struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_META_SET, err);
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_DONE ? HP_OK : sql_fail(db, err);
}

static enum hp_status count_tables(struct hp_chaindb *db, int *n, struct hp_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1, &s,
			       NULL) != SQLITE_OK)
		return sql_fail(db, err);
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? HP_OK : sql_fail(db, err);
}

/* A new file gets the schema and its network, in one transaction. */
static enum hp_status create_schema(struct hp_chaindb *db, struct hp_error *err)
{
	char ver[16];
	enum hp_status st;
	int ntables;

	st = exec(db, "BEGIN IMMEDIATE", err);
	if (st != HP_OK)
		return st;
	/* another process may have created it while we waited for the lock */
	st = count_tables(db, &ntables, err);
	if (st == HP_OK && ntables == 0) {
		snprintf(ver, sizeof(ver), "%d", HP_CHAINDB_SCHEMA_VERSION);
		st = exec(db, schema_sql, err);
		if (st == HP_OK)
			st = meta_store(db, "schema_version", ver, err);
		if (st == HP_OK)
			st = meta_store(db, "network", hp_consensus_params(db->net)->name, err);
	}
	return end_own(db, true, st, err);
}

static enum hp_status check_meta(struct hp_chaindb *db, enum hp_network net, unsigned flags,
				 struct hp_error *err)
{
	char buf[64];
	enum hp_network have;
	int64_t ver;

	if (meta_lookup(db, "schema_version", buf, sizeof(buf), NULL) != HP_OK)
		return hp_error_set(err, HP_EIO, NULL, "%s: not a hashpivot chain database",
				    db->path);
	if (sscanf(buf, "%" SCNd64, &ver) != 1 || ver != HP_CHAINDB_SCHEMA_VERSION)
		return hp_error_set(err, HP_EIO, NULL,
				    "%s: schema version %.20s, this hashpivot reads %d", db->path,
				    buf, HP_CHAINDB_SCHEMA_VERSION);
	if (meta_lookup(db, "network", buf, sizeof(buf), NULL) != HP_OK ||
	    hp_consensus_network_parse(buf, &have, NULL, NULL) != HP_OK)
		return hp_error_set(err, HP_EIO, NULL, "%s: meta network missing or unknown",
				    db->path);
	if (!(flags & HP_CHAINDB_ANY_NETWORK) && have != net)
		return hp_error_set(err, HP_EINVAL, NULL, "%s: database holds network %s, not %s",
				    db->path, hp_consensus_params(have)->name,
				    hp_consensus_params(net)->name);
	db->net = have;
	return HP_OK;
}

static enum hp_status create_schema(struct hp_chaindb *db, struct hp_error *err);
static enum hp_status open_sql(struct hp_chaindb *db, unsigned flags, struct hp_error *err);

/* fsync the directory holding path (a new name in it made durable). */
static void sync_parent(const char *path)
{
	char dir[HP_CHAINDB_PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", n ? (int)n : 1, path);
	if ((fd = open(dir, O_RDONLY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd); /* best effort: SQLite has synced the file */
		close(fd);
	}
}

/*
 * Make a new database at db->path whole: the schema in a temporary file
 * beside it, then link() to the name (which, unlike rename, never replaces
 * a database another process made meanwhile: EEXIST is success, that one
 * is opened). The temporary file and its -wal/-shm are removed whatever
 * happens.
 */
static enum hp_status create_new(const struct hp_chaindb *db, struct hp_error *err)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	struct hp_chaindb *t;
	const char *slash = strrchr(db->path, '/');
	size_t dlen = slash ? (size_t)(slash - db->path) + 1 : 0;
	char side[HP_CHAINDB_PATH_MAX + 8];
	unsigned long x;
	enum hp_status st;
	int fd = -1, tries, k, e = 0;

	if (!(t = hp_calloc(1, sizeof(*t))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	t->net = db->net;
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		char sfx[7];
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (unsigned long)getpid() * 2654435761u ^ (unsigned long)ts.tv_nsec ^
		    ((unsigned long)tries * 40503u);
		for (k = 0; k < 6; k++, x /= 36)
			sfx[k] = digits[x % 36];
		sfx[6] = '\0';
		if (snprintf(t->path, sizeof(t->path), "%.*s.%s.tmp-%s", (int)dlen, db->path,
			     db->path + dlen, sfx) >= (int)sizeof(t->path)) {
			hp_free(t);
			return hp_error_set(err, HP_EINVAL, "--db", "path too long (%zu bytes)",
					    strlen(db->path));
		}
		fd = open(t->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		e = errno;
		if (fd < 0 && e != EEXIST)
			break;
	}
	if (fd < 0) {
		hp_free(t);
		return hp_error_set(err, path_status(e), NULL, "%s: cannot create: %s", db->path,
				    strerror(e));
	}
	close(fd);
	st = open_sql(t, HP_CHAINDB_CREATE, err);
	if (st == HP_OK)
		st = create_schema(t, err);
	/* closing the last connection checkpoints the WAL into the file */
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(t->stmt[i]);
	if (sqlite3_close(t->sql) != SQLITE_OK && st == HP_OK)
		st = hp_error_set(err, HP_EIO, NULL, "%s: cannot close the new database", db->path);
	t->sql = NULL;
	if (st != HP_OK && err) {
		/* name the database asked for, not the temporary file */
		size_t n = strlen(t->path);

		if (!strncmp(err->message, t->path, n))
			hp_error_set(err, st, NULL, "%s: cannot create: %s", db->path,
				     err->message[n] == ':' ? err->message + n + 2 : err->message + n);
	}
	if (st == HP_OK && link(t->path, db->path) != 0 && errno != EEXIST)
		st = hp_error_set(err, HP_EIO, NULL, "%s: cannot create: %s", db->path,
				  strerror(errno));
	if (st == HP_OK)
		sync_parent(db->path);
	unlink(t->path);
	snprintf(side, sizeof(side), "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", t->path);
	unlink(side);
	hp_free(t);
	return st;
}

static enum hp_status open_sql(struct hp_chaindb *db, unsigned flags, struct hp_error *err)
{
	int oflags = (flags & HP_CHAINDB_READONLY) ? SQLITE_OPEN_READONLY :
			(SQLITE_OPEN_READWRITE | ((flags & HP_CHAINDB_CREATE) ? SQLITE_OPEN_CREATE : 0));
	struct stat sb;
	enum hp_status st;

	if (stat(db->path, &sb) != 0) {
		if (!(flags & HP_CHAINDB_CREATE) || (flags & HP_CHAINDB_READONLY))
			return hp_error_set(err, HP_ENOTFOUND, NULL, "%s: no such database",
					    db->path);
		st = make_parents(db->path, err);
		if (st == HP_OK)
			st = create_new(db, err);
		if (st != HP_OK)
			return st;
	}
	if (sqlite3_open_v2(db->path, &db->sql, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return db->sql ? sql_fail(db, err) :
				 hp_error_set(err, HP_ENOMEM, NULL, "%s: out of memory", db->path);
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, BUSY_TIMEOUT_MS);
	if (db->readonly)
		return HP_OK;
	st = exec(db, "PRAGMA journal_mode = WAL", err);
	if (st == HP_OK)
		st = exec(db, "PRAGMA synchronous = FULL", err);
	if (st == HP_OK)
		st = exec(db, "PRAGMA foreign_keys = ON", err);
	return st;
}

enum hp_status hp_chaindb_open(const char *path, enum hp_network net, unsigned flags,
			       struct hp_chaindb **out, struct hp_error *err)
{
	struct hp_chaindb *db;
	enum hp_status st;
	int ntables;

	if (!hp_consensus_params(net))
		return hp_error_set(err, HP_EINVAL, "--network", "unknown network %d", (int)net);
	if (!path || !path[0])
		return hp_error_set(err, HP_EINVAL, "--db", "must not be empty");
	if (strlen(path) >= HP_CHAINDB_PATH_MAX)
		return hp_error_set(err, HP_EINVAL, "--db", "path too long (%zu bytes)",
				    strlen(path));
	db = hp_calloc(1, sizeof(*db));
	if (!db)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	snprintf(db->path, sizeof(db->path), "%s", path);
	db->net = net;
	db->readonly = (flags & HP_CHAINDB_READONLY) != 0;

	st = open_sql(db, flags, err);
	if (st == HP_OK)
		st = count_tables(db, &ntables, err);
	if (st == HP_OK && ntables == 0) {
		if (db->readonly || !(flags & HP_CHAINDB_CREATE))
			st = hp_error_set(err, HP_EIO, NULL, "%s: not a hashpivot chain database",
					  db->path);
		else
			st = create_schema(db, err);
	}
	if (st == HP_OK)
		st = check_meta(db, net, flags, err);
	if (st != HP_OK) {
		hp_chaindb_close(db);
		return st;
	}
	*out = db;
	return HP_OK;
}

void hp_chaindb_close(struct hp_chaindb *db)
{
	if (!db)
		return;
	if (db->in_batch)
		hp_chaindb_rollback(db);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(db->stmt[i]);
	sqlite3_close(db->sql);
	hp_free(db);
}

const char *hp_chaindb_path(const struct hp_chaindb *db)
{
	return db->path;
}

/* ------------------------------------------------------------------ */
/* reading                                                             */
/* ------------------------------------------------------------------ */

static enum hp_status query_int64(struct hp_chaindb *db, const char *sql, int64_t *v,
				  bool *null, struct hp_error *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db->sql, sql, -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (null)
			*null = sqlite3_column_type(s, 0) == SQLITE_NULL;
		*v = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? HP_OK : sql_fail(db, err);
}

enum hp_status hp_chaindb_info(struct hp_chaindb *db, struct hp_chaindb_info *out,
			       struct hp_error *err)
{
	struct hp_chaindb_info in;
	char buf[32];
	bool null;
	enum hp_status st;

	memset(&in, 0, sizeof(in));
	in.network = db->net;
	in.schema_version = HP_CHAINDB_SCHEMA_VERSION;
	st = query_int64(db, "SELECT min(height) FROM headers", &in.first_height, &null, err);
	if (st == HP_OK)
		st = query_int64(db, "SELECT max(height) FROM headers", &in.tip_height, NULL, err);
	if (st == HP_OK)
		st = query_int64(db, "SELECT count(*) FROM headers", &in.headers, NULL, err);
	if (st == HP_OK)
		st = query_int64(db, "SELECT count(*) FROM block_stats", &in.stats, NULL, err);
	if (st == HP_OK)
		st = query_int64(db, "SELECT count(*) FROM prices", &in.prices, NULL, err);
	if (st != HP_OK)
		return st;
	in.empty = null;
	if (!in.empty) {
		if (meta_lookup(db, "anchor_trust", buf, sizeof(buf), NULL) == HP_OK)
			in.anchor_trust = strcmp(buf, "genesis") == 0 ? HP_CHAINDB_TRUST_GENESIS :
					  strcmp(buf, "checkpoint") == 0 ?
									HP_CHAINDB_TRUST_CHECKPOINT :
									HP_CHAINDB_TRUST_SOURCE;
		else
			in.anchor_trust = HP_CHAINDB_TRUST_SOURCE;
		in.work_known = meta_lookup(db, "work_known", buf, sizeof(buf), NULL) == HP_OK &&
				strcmp(buf, "1") == 0;
	}
	*out = in;
	return HP_OK;
}

enum hp_status hp_chaindb_tip(struct hp_chaindb *db, struct hp_chaindb_block *out,
			      struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_TIP, err);
	enum hp_status st;

	if (!s)
		return HP_EIO;
	st = step_block(db, s, out, err);
	if (st == HP_ENOTFOUND)
		return hp_error_set(err, HP_ENOTFOUND, NULL, "%s: no blocks stored", db->path);
	return st;
}

enum hp_status hp_chaindb_get(struct hp_chaindb *db, int64_t height, struct hp_chaindb_block *out,
			      struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_GET, err);
	enum hp_status st;

	if (!s)
		return HP_EIO;
	sqlite3_bind_int64(s, 1, height);
	st = step_block(db, s, out, err);
	if (st == HP_ENOTFOUND)
		return hp_error_set(err, HP_ENOTFOUND, "height", "block %lld not stored",
				    (long long)height);
	return st;
}

enum hp_status hp_chaindb_find_hash(struct hp_chaindb *db, const uint8_t hash[32], int64_t *height,
				    struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_FIND_HASH, err);
	enum hp_status st = HP_OK;
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_blob(s, 1, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*height = sqlite3_column_int64(s, 0);
	} else if (rc == SQLITE_DONE) {
		char hex[65];

		hp_hex_encode_reversed(hash, 32, hex);
		st = hp_error_set(err, HP_ENOTFOUND, "hash", "block %s not stored", hex);
	} else {
		st = sql_fail(db, err);
	}
	done(s);
	return st;
}

enum hp_status hp_chaindb_foreach(struct hp_chaindb *db, int64_t from, int64_t to,
				  hp_chaindb_block_fn fn, void *arg, struct hp_error *err)
{
	struct hp_chaindb_block b;
	sqlite3_stmt *s;
	enum hp_status st = HP_OK;
	int rc;

	if (sqlite3_prepare_v2(db->sql, "SELECT " BLOCK_COLUMNS
				"WHERE h.height BETWEEN ?1 AND ?2 ORDER BY h.height",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		st = read_block(db, s, &b, err);
		if (st == HP_OK)
			st = fn(&b, arg, err);
		if (st != HP_OK)
			break;
	}
	if (st == HP_OK && rc != SQLITE_DONE)
		st = sql_fail(db, err);
	sqlite3_finalize(s);
	return st;
}

/* ------------------------------------------------------------------ */
/* writing                                                             */
/* ------------------------------------------------------------------ */

enum hp_status hp_chaindb_begin(struct hp_chaindb *db, struct hp_error *err)
{
	enum hp_status st = check_writable(db, err);

	if (st != HP_OK)
		return st;
	if (db->in_batch)
		return hp_error_set(err, HP_EINVAL, NULL, "%s: a batch is already open", db->path);
	st = exec(db, "BEGIN IMMEDIATE", err);
	if (st == HP_OK)
		db->in_batch = true;
	return st;
}

enum hp_status hp_chaindb_commit(struct hp_chaindb *db, struct hp_error *err)
{
	enum hp_status st;

	if (!db->in_batch)
		return hp_error_set(err, HP_EINVAL, NULL, "%s: no batch is open", db->path);
	st = exec(db, "COMMIT", err);
	if (st != HP_OK)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_batch = false;
	return st;
}

void hp_chaindb_rollback(struct hp_chaindb *db)
{
	if (!db->in_batch)
		return;
	sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	db->in_batch = false;
}

static const char *trust_name(enum hp_chaindb_trust t)
{
	switch (t) {
	case HP_CHAINDB_TRUST_GENESIS:
		return "genesis";
	case HP_CHAINDB_TRUST_CHECKPOINT:
		return "checkpoint";
	default:
		return "source";
	}
}

static enum hp_status check_stats(const struct hp_chaindb_stats *s, struct hp_error *err)
{
	if (s->fees_sats < 0)
		return hp_error_set(err, HP_EINVAL, "fees_sats", "must be >= 0, got %lld",
				    (long long)s->fees_sats);
	if (s->subsidy_sats < 0)
		return hp_error_set(err, HP_EINVAL, "subsidy_sats", "must be >= 0, got %lld",
				    (long long)s->subsidy_sats);
	if (s->tx_count < 1)
		return hp_error_set(err, HP_EINVAL, "tx_count", "must be >= 1, got %lld",
				    (long long)s->tx_count);
	return HP_OK;
}

static enum hp_status insert_stats(struct hp_chaindb *db, int64_t height,
				   const struct hp_chaindb_stats *st, struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_INSERT_STATS, err);
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_int64(s, 1, height);
	sqlite3_bind_int64(s, 2, st->fees_sats);
	sqlite3_bind_int64(s, 3, st->subsidy_sats);
	sqlite3_bind_int64(s, 4, st->tx_count);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_DONE ? HP_OK : sql_fail(db, err);
}

static enum hp_status insert_header(struct hp_chaindb *db, const struct hp_chaindb_block *b,
				    struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_INSERT_HEADER, err);
	uint8_t work[32];
	int rc;

	if (!s)
		return HP_EIO;
	work_to_blob(b->chainwork, work);
	sqlite3_bind_int64(s, 1, b->height);
	sqlite3_bind_blob(s, 2, b->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, b->header.version);
	sqlite3_bind_blob(s, 4, b->header.prev_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, b->header.merkle_root, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, b->header.time);
	sqlite3_bind_int64(s, 7, b->header.bits);
	sqlite3_bind_int64(s, 8, b->header.nonce);
	sqlite3_bind_blob(s, 9, work, 32, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_DONE ? HP_OK : sql_fail(db, err);
}

/* The anchor's meta, written with the first block. */
static enum hp_status store_anchor(struct hp_chaindb *db, const struct hp_chaindb_block *b,
				   enum hp_chaindb_trust trust, bool work_known,
				   struct hp_error *err)
{
	char h[32];
	enum hp_status st;

	if (b->height == 0) {
		uint8_t genesis[32];

		hp_chainverify_genesis_hash(db->net, genesis);
		if (memcmp(genesis, b->hash, 32) != 0)
			return hp_error_set(err, HP_EINVAL, NULL,
					    "block 0: not the genesis block of %s",
					    hp_consensus_params(db->net)->name);
		trust = HP_CHAINDB_TRUST_GENESIS;
		work_known = true;
	} else if (trust == HP_CHAINDB_TRUST_GENESIS) {
		return hp_error_set(err, HP_EINVAL, NULL,
				    "block %lld: only block 0 can be trusted as genesis",
				    (long long)b->height);
	}
	snprintf(h, sizeof(h), "%lld", (long long)b->height);
	st = meta_store(db, "anchor_height", h, err);
	if (st == HP_OK)
		st = meta_store(db, "anchor_trust", trust_name(trust), err);
	if (st == HP_OK)
		st = meta_store(db, "work_known", work_known ? "1" : "0", err);
	return st;
}

static enum hp_status append_locked(struct hp_chaindb *db, const struct hp_chaindb_block *b,
				    enum hp_chaindb_trust trust, bool work_known,
				    struct hp_error *err)
{
	struct hp_chaindb_block tip;
	enum hp_status st;

	if (b->has_stats) {
		st = check_stats(&b->stats, err);
		if (st != HP_OK)
			return st;
	}
	st = hp_chaindb_tip(db, &tip, err);
	if (st == HP_ENOTFOUND) {
		hp_error_clear(err);
		if (b->height < 0)
			return hp_error_set(err, HP_EINVAL, "height", "must be >= 0, got %lld",
					    (long long)b->height);
		st = store_anchor(db, b, trust, work_known, err);
	} else if (st == HP_OK) {
		if (b->height != tip.height + 1)
			return hp_error_set(err, HP_EINVAL, NULL,
					    "block %lld: out of step, the tip is %lld",
					    (long long)b->height, (long long)tip.height);
		if (memcmp(b->header.prev_hash, tip.hash, 32) != 0)
			return hp_error_set(err, HP_EINVAL, NULL,
					    "block %lld: does not link to the stored block %lld",
					    (long long)b->height, (long long)tip.height);
	}
	if (st == HP_OK)
		st = insert_header(db, b, err);
	if (st == HP_OK && b->has_stats)
		st = insert_stats(db, b->height, &b->stats, err);
	return st;
}

enum hp_status hp_chaindb_append(struct hp_chaindb *db, const struct hp_chaindb_block *b,
				 enum hp_chaindb_trust trust, bool work_known, struct hp_error *err)
{
	enum hp_status st = check_writable(db, err);
	bool own;

	if (st == HP_OK)
		st = begin_own(db, &own, err);
	if (st != HP_OK)
		return st;
	st = append_locked(db, b, trust, work_known, err);
	return end_own(db, own, st, err);
}

static enum hp_status delete_above(struct hp_chaindb *db, int which, int64_t height,
				   struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, which, err);
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_int64(s, 1, height);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_DONE ? HP_OK : sql_fail(db, err);
}

static enum hp_status meta_delete(struct hp_chaindb *db, const char *key, struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_META_DEL, err);
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_DONE ? HP_OK : sql_fail(db, err);
}

enum hp_status hp_chaindb_rewind(struct hp_chaindb *db, int64_t height, struct hp_error *err)
{
	enum hp_status st = check_writable(db, err);
	bool own, null = true;
	int64_t left = 0;

	if (st == HP_OK)
		st = begin_own(db, &own, err);
	if (st != HP_OK)
		return st;
	/* below every stored height: delete them all (height -1) */
	if (height < -1)
		height = -1;
	st = delete_above(db, S_DEL_STATS, height, err);
	if (st == HP_OK)
		st = delete_above(db, S_DEL_HEADERS, height, err);
	if (st == HP_OK)
		st = query_int64(db, "SELECT min(height) FROM headers", &left, &null, err);
	if (st == HP_OK && null) {
		st = meta_delete(db, "anchor_height", err);
		if (st == HP_OK)
			st = meta_delete(db, "anchor_trust", err);
		if (st == HP_OK)
			st = meta_delete(db, "work_known", err);
	}
	(void)left;
	return end_own(db, own, st, err);
}

enum hp_status hp_chaindb_put_stats(struct hp_chaindb *db, int64_t height,
				    const struct hp_chaindb_stats *s, struct hp_error *err)
{
	enum hp_status st = check_writable(db, err);
	sqlite3_stmt *q;
	bool own;
	int rc;

	if (st == HP_OK)
		st = check_stats(s, err);
	if (st == HP_OK)
		st = begin_own(db, &own, err);
	if (st != HP_OK)
		return st;
	q = stmt(db, S_HAS_HEADER, err);
	if (!q)
		return end_own(db, own, HP_EIO, err);
	sqlite3_bind_int64(q, 1, height);
	rc = sqlite3_step(q);
	done(q);
	if (rc == SQLITE_DONE)
		st = hp_error_set(err, HP_ENOTFOUND, "height", "block %lld not stored",
				  (long long)height);
	else if (rc != SQLITE_ROW)
		st = sql_fail(db, err);
	else
		st = insert_stats(db, height, s, err);
	return end_own(db, own, st, err);
}

/* ------------------------------------------------------------------ */
/* prices and meta                                                     */
/* ------------------------------------------------------------------ */

/* "YYYY-MM-DD" naming a real day of the proleptic Gregorian calendar. */
static bool valid_day(const char *day)
{
	int64_t y, dy;
	unsigned m, d, m2, d2;

	if (!day || strlen(day) != 10 || day[4] != '-' || day[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (day[i] < '0' || day[i] > '9'))
			return false;
	y = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
	m = (unsigned)((day[5] - '0') * 10 + (day[6] - '0'));
	d = (unsigned)((day[8] - '0') * 10 + (day[9] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	hp_calendar_civil_from_days(hp_calendar_days_from_civil(y, m, d), &dy, &m2, &d2);
	return dy == y && m2 == m && d2 == d;
}

enum hp_status hp_chaindb_put_price(struct hp_chaindb *db, const char *day, double close_usd,
				    const char *source, struct hp_error *err)
{
	enum hp_status st = check_writable(db, err);
	sqlite3_stmt *s;
	int rc;

	if (st != HP_OK)
		return st;
	if (!valid_day(day))
		return hp_error_set(err, HP_EINVAL, "day", "must be a date YYYY-MM-DD, got '%.40s'",
				    day ? day : "");
	if (!isfinite(close_usd) || close_usd <= 0)
		return hp_error_set(err, HP_EINVAL, "close_usd", "must be > 0, got %g", close_usd);
	s = stmt(db, S_PUT_PRICE, err);
	if (!s)
		return HP_EIO;
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 2, close_usd);
	sqlite3_bind_text(s, 3, source ? source : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	done(s);
	return rc == SQLITE_DONE ? HP_OK : sql_fail(db, err);
}

enum hp_status hp_chaindb_get_price(struct hp_chaindb *db, const char *day, double *close_usd,
				    struct hp_error *err)
{
	sqlite3_stmt *s = stmt(db, S_GET_PRICE, err);
	enum hp_status st = HP_OK;
	int rc;

	if (!s)
		return HP_EIO;
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*close_usd = sqlite3_column_double(s, 0);
	else if (rc == SQLITE_DONE)
		st = hp_error_set(err, HP_ENOTFOUND, "day", "no price for %.40s", day);
	else
		st = sql_fail(db, err);
	done(s);
	return st;
}

enum hp_status hp_chaindb_foreach_price(struct hp_chaindb *db, const char *from, const char *to,
					hp_chaindb_price_fn fn, void *arg, struct hp_error *err)
{
	sqlite3_stmt *s;
	enum hp_status st = HP_OK;
	int rc;

	if (sqlite3_prepare_v2(db->sql,
			       "SELECT day, close_usd, source FROM prices WHERE (?1 IS NULL OR "
			       "day >= ?1) AND (?2 IS NULL OR day <= ?2) ORDER BY day",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	if (from)
		sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
	if (to)
		sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *day = sqlite3_column_text(s, 0);
		const unsigned char *src = sqlite3_column_text(s, 2);

		st = fn(day ? (const char *)day : "", sqlite3_column_double(s, 1),
			src ? (const char *)src : "", arg, err);
		if (st != HP_OK)
			break;
	}
	if (st == HP_OK && rc != SQLITE_DONE)
		st = sql_fail(db, err);
	sqlite3_finalize(s);
	return st;
}

enum hp_status hp_chaindb_meta_get(struct hp_chaindb *db, const char *key, char *out, size_t n,
				   struct hp_error *err)
{
	return meta_lookup(db, key, out, n, err);
}

enum hp_status hp_chaindb_meta_set(struct hp_chaindb *db, const char *key, const char *value,
				   struct hp_error *err)
{
	enum hp_status st = check_writable(db, err);

	return st == HP_OK ? meta_store(db, key, value, err) : st;
}

/* ------------------------------------------------------------------ */
/* the integrity check                                                 */
/* ------------------------------------------------------------------ */

struct walk {
	const struct hp_chain_params *p;
	struct hp_chaindb *db;
	struct hp_chaindb_check_report *rep;
	bool started;
	struct hp_chainverify_state state;
};

static enum hp_status bad(struct walk *w, int64_t height, struct hp_error *err)
{
	w->rep->bad_height = height;
	return err ? err->status : HP_EIO;
}

static enum hp_status check_anchor(struct walk *w, const struct hp_chaindb_block *b,
				   const uint8_t raw[HP_HEADER_SIZE], struct hp_error *err)
{
	struct hp_chaindb_block v;
	uint8_t hash[32];
	enum hp_status st;

	if (b->height == 0) {
		st = hp_chainverify_genesis(w->db->net, raw, &v, &w->state, err);
		if (st != HP_OK)
			return st;
		if (hp_u256_cmp(v.chainwork, b->chainwork) != 0)
			return hp_error_set(err, HP_EIO, NULL,
					    "block 0: chainwork is not the block's own work");
		return HP_OK;
	}
	st = hp_consensus_header_hash(raw, hash, err);
	if (st != HP_OK)
		return st;
	if (memcmp(hash, b->hash, 32) != 0)
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: stored hash is not the hash of its header",
				    (long long)b->height);
	if (!hp_consensus_check_pow(w->p, hash, b->header.bits)) {
		char hex[65];

		hp_hex_encode_reversed(hash, 32, hex);
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: proof of work not met (hash %s above target of "
				    "bits %08x)",
				    (long long)b->height, hex, b->header.bits);
	}
	if (!w->rep->info.work_known &&
	    hp_u256_cmp(b->chainwork, hp_consensus_block_work(b->header.bits)) != 0)
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: the anchor's chainwork is not its own work",
				    (long long)b->height);
	hp_chainverify_state_from_block(w->p, NULL, b, &w->state);
	return HP_OK;
}

static enum hp_status check_one(const struct hp_chaindb_block *b, void *arg, struct hp_error *err)
{
	struct walk *w = arg;
	struct hp_chaindb_block v;
	struct hp_chainverify_state next;
	uint8_t raw[HP_HEADER_SIZE];
	enum hp_status st;

	hp_consensus_header_encode(&b->header, raw);
	if (!w->started) {
		w->started = true;
		if (check_anchor(w, b, raw, err) != HP_OK)
			return bad(w, b->height, err);
		return HP_OK;
	}
	if (b->height != w->state.height + 1) {
		hp_error_set(err, HP_EIO, NULL, "block %lld: missing (heights jump from %lld to %lld)",
			     (long long)(w->state.height + 1), (long long)w->state.height,
			     (long long)b->height);
		return bad(w, w->state.height + 1, err);
	}
	st = hp_chainverify_header(w->p, &w->state, raw, &v, &next, err);
	if (st != HP_OK)
		return bad(w, b->height, err);
	if (memcmp(v.hash, b->hash, 32) != 0) {
		hp_error_set(err, HP_EIO, NULL,
			     "block %lld: stored hash is not the hash of its header",
			     (long long)b->height);
		return bad(w, b->height, err);
	}
	if (hp_u256_cmp(v.chainwork, b->chainwork) != 0) {
		hp_error_set(err, HP_EIO, NULL,
			     "block %lld: chainwork is not block %lld's plus this block's work",
			     (long long)b->height, (long long)w->state.height);
		return bad(w, b->height, err);
	}
	if (b->has_stats && b->stats.subsidy_sats != hp_consensus_subsidy_sats(w->p, b->height)) {
		hp_error_set(err, HP_EIO, NULL,
			     "block %lld: subsidy %lld sats, the consensus subsidy is %lld",
			     (long long)b->height, (long long)b->stats.subsidy_sats,
			     (long long)hp_consensus_subsidy_sats(w->p, b->height));
		return bad(w, b->height, err);
	}
	w->state = next;
	return HP_OK;
}

static enum hp_status check_sqlite(struct hp_chaindb *db, struct hp_error *err)
{
	sqlite3_stmt *s;
	enum hp_status st = HP_OK;
	int rc;

	if (sqlite3_prepare_v2(db->sql, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, err);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		st = sql_fail(db, err);
	else if (strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0)
		st = hp_error_set(err, HP_EIO, NULL, "%s: integrity_check: %.200s", db->path,
				  (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return st;
}

enum hp_status hp_chaindb_check(struct hp_chaindb *db, const struct hp_chain_params *params,
				struct hp_chaindb_check_report *out, struct hp_error *err)
{
	struct walk w;
	struct hp_chaindb_block tip;
	char buf[32];
	bool null = true;
	int64_t orphan = 0, anchor;
	enum hp_status st;

	memset(out, 0, sizeof(*out));
	out->bad_height = -1;
	memset(&w, 0, sizeof(w));
	w.p = params ? params : hp_consensus_params(db->net);
	w.db = db;
	w.rep = out;

	st = check_sqlite(db, err);
	if (st == HP_OK)
		st = hp_chaindb_info(db, &out->info, err);
	if (st != HP_OK)
		return st;
	if (!out->info.empty) {
		if (meta_lookup(db, "anchor_height", buf, sizeof(buf), NULL) != HP_OK ||
		    sscanf(buf, "%" SCNd64, &anchor) != 1 || anchor != out->info.first_height)
			return hp_error_set(err, HP_EIO, NULL,
					    "%s: meta anchor_height does not name the first stored "
					    "block %lld",
					    db->path, (long long)out->info.first_height);
		st = hp_chaindb_foreach(db, out->info.first_height, out->info.tip_height,
					check_one, &w, err);
		if (st != HP_OK)
			return st;
	}
	st = query_int64(db,
			 "SELECT min(height) FROM block_stats WHERE height NOT IN "
			 "(SELECT height FROM headers)",
			 &orphan, &null, err);
	if (st != HP_OK)
		return st;
	if (!null) {
		out->bad_height = orphan;
		return hp_error_set(err, HP_EIO, NULL, "block %lld: stats without a header",
				    (long long)orphan);
	}
	if (!out->info.empty) {
		st = hp_chaindb_tip(db, &tip, err);
		if (st != HP_OK)
			return st;
		memcpy(out->tip_hash, tip.hash, 32);
		out->tip_chainwork = tip.chainwork;
	}
	out->ok = true;
	return HP_OK;
}
