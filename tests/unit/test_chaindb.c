/*
 * test_chaindb.c - the chain database (chaindb.h) on a temporary file:
 * create, append a mined regtest chain (on the real regtest genesis),
 * read back, walk, rewind, batches and rollback, stats, prices, meta, the
 * network guard, and the integrity check finding problems planted with
 * raw SQL (a gap, a broken link, wrong chainwork, stats without a header).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "support/testutil.h"
#include "hashpivot/chaindb.h"
#include "hashpivot/chainverify.h"
#include "hashpivot/hex.h"

#define NBLOCKS 40

static char dir[64], path[128];
static struct hp_chaindb_block chain[NBLOCKS];

/* The real regtest genesis header (Core's chainparams). */
static const char regtest_genesis[] =
	"0100000000000000000000000000000000000000000000000000000000000000"
	"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
	"4b1e5e4adae5494dffff7f2002000000";

/* Blocks 0..NBLOCKS-1 of a regtest chain, each verified as it is built. */
static void build_chain(void)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_REGTEST);
	struct hp_chainverify_state s, next;
	uint8_t raw[HP_HEADER_SIZE], hash[32];
	struct hp_error err;

	assert_int_equal(hp_hex_decode(regtest_genesis, raw, sizeof(raw), NULL, NULL), HP_OK);
	assert_int_equal(hp_chainverify_genesis(HP_NET_REGTEST, raw, &chain[0], &s, &err), HP_OK);
	for (int h = 1; h < NBLOCKS; h++) {
		struct hp_header hd;

		memset(&hd, 0, sizeof(hd));
		hd.version = 0x20000000;
		memcpy(hd.prev_hash, s.hash, 32);
		memset(hd.merkle_root, h, 32);
		hd.time = 1296688602u + 600u * (uint32_t)h;
		hd.bits = 0x207fffff;
		for (hd.nonce = 0;; hd.nonce++) {
			hp_consensus_header_encode(&hd, raw);
			assert_int_equal(hp_consensus_header_hash(raw, hash, NULL), HP_OK);
			if (hp_consensus_check_pow(p, hash, hd.bits))
				break;
		}
		assert_int_equal(hp_chainverify_header(p, &s, raw, &chain[h], &next, &err), HP_OK);
		s = next;
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hp-chaindb-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* a directory that does not exist yet: open makes it */
	snprintf(path, sizeof(path), "%s/sub/chain.sqlite", dir);
	build_chain();
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct hp_chaindb *open_fresh(void)
{
	struct hp_chaindb *db;
	struct hp_error err;
	char f[160];

	static const char *const sfx[] = {"", "-wal", "-shm"};

	for (int i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s%s", path, sfx[i]);
		unlink(f);
	}
	if (hp_chaindb_open(path, HP_NET_REGTEST, HP_CHAINDB_CREATE, &db, &err) != HP_OK)
		fail_msg("%s", err.message);
	return db;
}

static void append_n(struct hp_chaindb *db, int n)
{
	struct hp_error err;

	assert_int_equal(hp_chaindb_begin(db, &err), HP_OK);
	for (int h = 0; h < n; h++)
		if (hp_chaindb_append(db, &chain[h], HP_CHAINDB_TRUST_GENESIS, true, &err) != HP_OK)
			fail_msg("%d: %s", h, err.message);
	assert_int_equal(hp_chaindb_commit(db, &err), HP_OK);
}

static void raw_sql(const char *sql)
{
	sqlite3 *s;

	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
}

static enum hp_status count_cb(const struct hp_chaindb_block *b, void *arg, struct hp_error *err)
{
	int64_t *sum = arg;

	(void)err;
	assert_memory_equal(b->hash, chain[b->height].hash, 32);
	*sum += b->height;
	return HP_OK;
}

static void test_create_append_read(void **state)
{
	struct hp_chaindb *db = open_fresh();
	struct hp_chaindb_block b;
	struct hp_chaindb_info info;
	struct hp_error err;
	int64_t sum = 0, h;

	(void)state;
	assert_int_equal(hp_chaindb_tip(db, &b, &err), HP_ENOTFOUND);
	append_n(db, NBLOCKS);
	assert_int_equal(hp_chaindb_tip(db, &b, &err), HP_OK);
	assert_int_equal(b.height, NBLOCKS - 1);
	assert_memory_equal(b.hash, chain[NBLOCKS - 1].hash, 32);
	assert_memory_equal(&b.header, &chain[NBLOCKS - 1].header, sizeof(b.header));
	/* regtest work is 2 a block: 40 blocks, 80 */
	assert_true(hp_u256_low64(b.chainwork) == 2 * NBLOCKS);
	assert_false(b.has_stats);
	assert_int_equal(hp_chaindb_get(db, 17, &b, &err), HP_OK);
	assert_memory_equal(b.header.prev_hash, chain[16].hash, 32);
	assert_int_equal(hp_chaindb_get(db, NBLOCKS, &b, &err), HP_ENOTFOUND);
	assert_string_equal(err.message, "height: block 40 not stored");
	assert_int_equal(hp_chaindb_find_hash(db, chain[23].hash, &h, &err), HP_OK);
	assert_int_equal(h, 23);
	assert_int_equal(hp_chaindb_foreach(db, 10, 12, count_cb, &sum, &err), HP_OK);
	assert_int_equal(sum, 33);

	assert_int_equal(hp_chaindb_info(db, &info, &err), HP_OK);
	assert_false(info.empty);
	assert_int_equal(info.first_height, 0);
	assert_int_equal(info.tip_height, NBLOCKS - 1);
	assert_int_equal(info.headers, NBLOCKS);
	assert_int_equal(info.anchor_trust, HP_CHAINDB_TRUST_GENESIS);
	assert_true(info.work_known);

	/* out of step and unlinked appends are refused */
	assert_int_equal(hp_chaindb_append(db, &chain[5], HP_CHAINDB_TRUST_SOURCE, false, &err),
			 HP_EINVAL);
	assert_string_equal(err.message, "block 5: out of step, the tip is 39");
	b = chain[NBLOCKS - 1];
	b.height = NBLOCKS;
	assert_int_equal(hp_chaindb_append(db, &b, HP_CHAINDB_TRUST_SOURCE, false, &err), HP_EINVAL);
	assert_string_equal(err.message, "block 40: does not link to the stored block 39");
	hp_chaindb_close(db);

	/* the network is the file's */
	assert_int_equal(hp_chaindb_open(path, HP_NET_MAIN, 0, &db, &err), HP_EINVAL);
	assert_non_null(strstr(err.message, ": database holds network regtest, not main"));
	assert_int_equal(hp_chaindb_open(path, HP_NET_MAIN, HP_CHAINDB_ANY_NETWORK, &db, &err),
			 HP_OK);
	assert_int_equal(hp_chaindb_info(db, &info, &err), HP_OK);
	assert_int_equal(info.network, HP_NET_REGTEST);
	hp_chaindb_close(db);
}

static void test_genesis_guard(void **state)
{
	struct hp_chaindb *db = open_fresh();
	struct hp_chaindb_block b = chain[0];
	struct hp_error err;

	(void)state;
	b.hash[0] ^= 1;
	assert_int_equal(hp_chaindb_append(db, &b, HP_CHAINDB_TRUST_GENESIS, true, &err), HP_EINVAL);
	assert_string_equal(err.message, "block 0: not the genesis block of regtest");
	/* a later anchor, on the source's word */
	assert_int_equal(hp_chaindb_append(db, &chain[7], HP_CHAINDB_TRUST_GENESIS, false, &err),
			 HP_EINVAL);
	assert_int_equal(hp_chaindb_append(db, &chain[7], HP_CHAINDB_TRUST_SOURCE, true, &err),
			 HP_OK);
	assert_int_equal(hp_chaindb_append(db, &chain[8], HP_CHAINDB_TRUST_SOURCE, true, &err),
			 HP_OK);
	hp_chaindb_close(db);
}

static void test_rewind_and_batches(void **state)
{
	struct hp_chaindb *db = open_fresh();
	struct hp_chaindb_stats st = {1234, 5000000000, 3};
	struct hp_chaindb_block b;
	struct hp_chaindb_info info;
	struct hp_error err;

	(void)state;
	append_n(db, 30);
	assert_int_equal(hp_chaindb_put_stats(db, 25, &st, &err), HP_OK);
	assert_int_equal(hp_chaindb_put_stats(db, 31, &st, &err), HP_ENOTFOUND);
	st.tx_count = 0;
	assert_int_equal(hp_chaindb_put_stats(db, 25, &st, &err), HP_EINVAL);
	assert_string_equal(err.message, "tx_count: must be >= 1, got 0");
	assert_int_equal(hp_chaindb_get(db, 25, &b, &err), HP_OK);
	assert_true(b.has_stats);
	assert_int_equal(b.stats.fees_sats, 1234);
	assert_int_equal(b.stats.tx_count, 3);

	/* a rolled-back batch leaves nothing */
	assert_int_equal(hp_chaindb_begin(db, &err), HP_OK);
	assert_int_equal(hp_chaindb_begin(db, &err), HP_EINVAL);
	assert_int_equal(hp_chaindb_append(db, &chain[30], 0, false, &err), HP_OK);
	hp_chaindb_rollback(db);
	assert_int_equal(hp_chaindb_tip(db, &b, &err), HP_OK);
	assert_int_equal(b.height, 29);

	/* rewind to 20: 21..29 and the stats at 25 go */
	assert_int_equal(hp_chaindb_rewind(db, 20, &err), HP_OK);
	assert_int_equal(hp_chaindb_info(db, &info, &err), HP_OK);
	assert_int_equal(info.tip_height, 20);
	assert_int_equal(info.headers, 21);
	assert_int_equal(info.stats, 0);
	/* and the chain continues from there */
	assert_int_equal(hp_chaindb_append(db, &chain[21], 0, false, &err), HP_OK);
	/* below the anchor: empty */
	assert_int_equal(hp_chaindb_rewind(db, -5, &err), HP_OK);
	assert_int_equal(hp_chaindb_info(db, &info, &err), HP_OK);
	assert_true(info.empty);
	assert_int_equal(hp_chaindb_meta_get(db, "anchor_height", (char[8]){0}, 8, &err),
			 HP_ENOTFOUND);
	hp_chaindb_close(db);
}

struct price_walk {
	int n;
	double sum;
};

static enum hp_status price_cb(const char *day, double close, const char *src, void *arg,
			       struct hp_error *err)
{
	struct price_walk *w = arg;

	(void)err;
	(void)day;
	assert_string_equal(src, "test.csv");
	w->n++;
	w->sum += close;
	return HP_OK;
}

static void test_prices_meta(void **state)
{
	struct hp_chaindb *db = open_fresh();
	struct price_walk w = {0, 0};
	struct hp_error err;
	char buf[32];
	double v;

	(void)state;
	assert_int_equal(hp_chaindb_put_price(db, "2024-02-29", 61234.5, "test.csv", &err), HP_OK);
	assert_int_equal(hp_chaindb_put_price(db, "2024-03-01", 62000.25, "test.csv", &err), HP_OK);
	assert_int_equal(hp_chaindb_put_price(db, "2024-03-02", 60000, "test.csv", &err), HP_OK);
	assert_int_equal(hp_chaindb_put_price(db, "2023-02-29", 1, "x", &err), HP_EINVAL);
	assert_string_equal(err.message, "day: must be a date YYYY-MM-DD, got '2023-02-29'");
	assert_int_equal(hp_chaindb_put_price(db, "2024-03-03", -1, "x", &err), HP_EINVAL);
	assert_int_equal(hp_chaindb_get_price(db, "2024-02-29", &v, &err), HP_OK);
	assert_true(v == 61234.5);
	assert_int_equal(hp_chaindb_get_price(db, "2024-01-01", &v, &err), HP_ENOTFOUND);
	assert_int_equal(hp_chaindb_foreach_price(db, "2024-03-01", NULL, price_cb, &w, &err), HP_OK);
	assert_int_equal(w.n, 2);
	assert_true(w.sum == 122000.25);
	assert_int_equal(hp_chaindb_meta_get(db, "network", buf, sizeof(buf), &err), HP_OK);
	assert_string_equal(buf, "regtest");
	assert_int_equal(hp_chaindb_meta_set(db, "note", "x", &err), HP_OK);
	hp_chaindb_close(db);
}

/* Build a good 40-block file, plant one problem with raw SQL, expect it found. */
static void expect_problem(const char *sql, int64_t bad, const char *msg)
{
	struct hp_chaindb_check_report rep;
	struct hp_chaindb *db = open_fresh();
	struct hp_error err;

	append_n(db, NBLOCKS);
	assert_int_equal(hp_chaindb_check(db, NULL, &rep, &err), HP_OK);
	assert_true(rep.ok);
	assert_memory_equal(rep.tip_hash, chain[NBLOCKS - 1].hash, 32);
	hp_chaindb_close(db);
	raw_sql(sql);
	assert_int_equal(hp_chaindb_open(path, HP_NET_REGTEST, HP_CHAINDB_READONLY, &db, &err),
			 HP_OK);
	assert_int_equal(hp_chaindb_check(db, NULL, &rep, &err), HP_EIO);
	assert_false(rep.ok);
	assert_int_equal(rep.bad_height, bad);
	if (!strstr(err.message, msg))
		fail_msg("got '%s', wanted '%s'", err.message, msg);
	hp_chaindb_close(db);
}

static void test_check_finds_problems(void **state)
{
	(void)state;
	expect_problem("DELETE FROM headers WHERE height = 5", 5,
		       "block 5: missing (heights jump from 4 to 6)");
	expect_problem("UPDATE headers SET prev_hash = zeroblob(32) WHERE height = 7", 7,
		       "block 7: does not link to block 6 (prev "
		       "0000000000000000000000000000000000000000000000000000000000000000 != ");
	expect_problem("UPDATE headers SET chainwork = zeroblob(32) WHERE height = 9", 9,
		       "block 9: chainwork is not block 8's plus this block's work");
	expect_problem("UPDATE headers SET bits = 545259518 WHERE height = 11", 11,
		       "block 11: bits 207ffffe break the retarget rule (expected 207fffff)");
	expect_problem("UPDATE headers SET nonce = nonce + 1 WHERE height = 12", 12,
		       "block 12: ");
	expect_problem("INSERT INTO block_stats VALUES (100, 1, 1, 1)", 100,
		       "block 100: stats without a header");
	expect_problem("INSERT INTO block_stats VALUES (3, 1, 7, 1)", 3,
		       "block 3: subsidy 7 sats, the consensus subsidy is 5000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_append_read),
		cmocka_unit_test(test_genesis_guard),
		cmocka_unit_test(test_rewind_and_batches),
		cmocka_unit_test(test_prices_meta),
		cmocka_unit_test(test_check_finds_problems),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
