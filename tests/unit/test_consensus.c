/*
 * test_consensus.c - Bitcoin Core's consensus vectors, run as data, plus
 * hand-computed cases for consensus.h.
 *
 * tests/data/bitcoin-core-consensus.json is read with jansson at run time;
 * every vector in it is run, counted, and the counts are checked against
 * the file so that none is skipped silently. The hand-computed cases carry
 * their derivation (python3 big integers, reimplementing Core's
 * arith_uint256 SetCompact/GetCompact, CalculateNextWorkRequired,
 * PermittedDifficultyTransition and GetDifficulty) in comments.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "support/testutil.h"
#include "hashpivot/consensus.h"
#include "hashpivot/hex.h"
#include "hashpivot/u256.h"

#define VECTORS_PATH "tests/data/bitcoin-core-consensus.json"

/* The file holds 4 retarget + 5 difficulty + 21 compact + 18 subsidy
 * (11 checks, 6 issued, 1 total) + 5 must-fail + 1 work vectors. */
#define VECTORS_IN_FILE 54

/* GetDifficulty for 0x12345678 is 5913134931067755359633408.0 in Core; the
 * file compares it relatively. A few ulps of slack. */
#define DIFFICULTY_REL_TOL 1e-15

#define U(w3, w2, w1, w0) \
	((struct hp_u256){{UINT64_C(w0), UINT64_C(w1), UINT64_C(w2), UINT64_C(w3)}})
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static json_t *g_vectors;

enum section { S_RETARGET, S_DIFFICULTY, S_COMPACT, S_SUBSIDY, S_POW_FAIL, S_WORK, S_COUNT };
static size_t g_run[S_COUNT];      /* vectors run per section */
static size_t g_in_file[S_COUNT];  /* vectors the file holds per section */

static void check_u256(struct hp_u256 got, struct hp_u256 want, const char *what, const char *file,
		       int line)
{
	if (memcmp(got.w, want.w, sizeof got.w) == 0)
		return;
	print_error("%s: got %016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64
		    ", want %016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "\n",
		    what, got.w[3], got.w[2], got.w[1], got.w[0], want.w[3], want.w[2], want.w[1],
		    want.w[0]);
	_fail(file, line);
}
#define assert_u256(got, want, what) check_u256((got), (want), (what), __FILE__, __LINE__)

static void check_bits(uint32_t got, uint32_t want, const char *what, const char *file, int line)
{
	if (got == want)
		return;
	print_error("%s: got %08" PRIx32 ", want %08" PRIx32 "\n", what, got, want);
	_fail(file, line);
}
#define assert_bits(got, want, what) check_bits((got), (want), (what), __FILE__, __LINE__)

/* ------------------------------------------------------------------ */
/* reading the JSON                                                     */

static json_t *member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		print_error("%s: missing member \"%s\"\n", VECTORS_PATH, key);
		fail();
	}
	return v;
}

static const char *str_member(json_t *obj, const char *key)
{
	json_t *v = member(obj, key);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t int_member(json_t *obj, const char *key)
{
	json_t *v = member(obj, key);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

/* An nBits word written as 8 hex digits. */
static uint32_t bits_member(json_t *obj, const char *key)
{
	const char *s = str_member(obj, key);
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 16);
	assert_int_equal(errno, 0);
	assert_true(*s != '\0' && *end == '\0' && v <= UINT32_MAX);
	return (uint32_t)v;
}

static struct hp_u256 hex_member(json_t *obj, const char *key)
{
	struct hp_u256 v;
	struct hp_error err;
	hp_error_clear(&err);
	if (hp_u256_from_hex(str_member(obj, key), &v, key, &err) != HP_OK) {
		print_error("%s\n", err.message);
		fail();
	}
	return v;
}

static int group_setup(void **state)
{
	(void)state;
	char *text = hp_test_read_file(VECTORS_PATH, NULL);
	json_error_t jerr;
	g_vectors = json_loads(text, 0, &jerr);
	free(text);
	if (!g_vectors) {
		print_error("%s:%d: %s\n", VECTORS_PATH, jerr.line, jerr.text);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	json_decref(g_vectors);
	return 0;
}

static json_t *section_array(const char *key)
{
	json_t *a = member(g_vectors, key);
	assert_true(json_is_array(a));
	assert_true(json_array_size(a) > 0);
	return a;
}

/* ------------------------------------------------------------------ */
/* the file's vectors                                                   */

static void test_vectors_retarget(void **state)
{
	(void)state;
	const struct hp_chain_params *main_p = hp_consensus_params(HP_NET_MAIN);
	json_t *a = section_array("retarget");
	size_t i;
	json_t *v;

	g_in_file[S_RETARGET] = json_array_size(a);
	json_array_foreach(a, i, v) {
		const char *name = str_member(v, "name");
		uint32_t bits = bits_member(v, "bits");
		int64_t first = int_member(v, "first_time");
		int64_t last = int_member(v, "last_time");
		int64_t last_height = int_member(v, "last_height");
		uint32_t want = bits_member(v, "expected_bits");
		struct hp_retarget out;

		memset(&out, 0xa5, sizeof out);
		hp_consensus_retarget(main_p, bits, first, last, &out);
		assert_bits(out.bits, want, name);
		assert_true(out.timespan_s == last - first);

		/* the retarget happens at last_height + 1, a multiple of 2016 */
		assert_int_equal((last_height + 1) % HP_RETARGET_INTERVAL, 0);
		if (!hp_consensus_permitted_transition(main_p, last_height + 1, bits, want)) {
			print_error("%s: %08" PRIx32 " -> %08" PRIx32 " not permitted\n", name,
				    bits, want);
			fail();
		}
		if (json_object_get(v, "not_permitted_bits")) {
			uint32_t bad = bits_member(v, "not_permitted_bits");
			if (hp_consensus_permitted_transition(main_p, last_height + 1, bits, bad)) {
				print_error("%s: %08" PRIx32 " -> %08" PRIx32 " permitted\n", name,
					    bits, bad);
				fail();
			}
		}
		g_run[S_RETARGET]++;
	}
	assert_int_equal(g_run[S_RETARGET], g_in_file[S_RETARGET]);
}

static void test_vectors_difficulty(void **state)
{
	(void)state;
	json_t *sec = member(g_vectors, "difficulty_from_bits");
	json_t *tol = member(sec, "tolerance_abs");
	assert_true(json_is_number(tol));
	double tolerance_abs = json_number_value(tol);
	json_t *a = member(sec, "vectors");
	assert_true(json_is_array(a) && json_array_size(a) > 0);
	size_t n = json_array_size(a);
	size_t i;
	json_t *v;

	g_in_file[S_DIFFICULTY] = n;
	json_array_foreach(a, i, v) {
		uint32_t bits = bits_member(v, "bits");
		json_t *jd = member(v, "difficulty");
		assert_true(json_is_number(jd));
		double want = json_number_value(jd);
		double got = -1.0;

		assert_true(hp_consensus_difficulty(bits, &got));
		/* "the last vector is compared relatively" */
		if (i + 1 == n)
			assert_double_rel(got, want, DIFFICULTY_REL_TOL);
		else
			assert_double_abs(got, want, tolerance_abs);
		g_run[S_DIFFICULTY]++;
	}
	assert_int_equal(g_run[S_DIFFICULTY], g_in_file[S_DIFFICULTY]);
}

static void test_vectors_compact(void **state)
{
	(void)state;
	json_t *a = section_array("compact");
	size_t i;
	json_t *v;

	g_in_file[S_COMPACT] = json_array_size(a);
	json_array_foreach(a, i, v) {
		char what[64];
		if (json_object_get(v, "compact")) {
			uint32_t c = bits_member(v, "compact");
			json_t *jo = member(v, "overflow");
			json_t *jn = member(v, "negative");
			assert_true(json_is_boolean(jo) && json_is_boolean(jn));
			bool want_ovf = json_is_true(jo), want_neg = json_is_true(jn);
			/* start each flag at the wrong answer, so an unset flag fails */
			bool ovf = !want_ovf, neg = !want_neg;
			snprintf(what, sizeof what, "compact[%zu] %08" PRIx32, i, c);

			struct hp_u256 got = hp_consensus_compact_decode(c, &neg, &ovf);
			if (ovf != want_ovf || neg != want_neg) {
				print_error("%s: overflow %d negative %d, want %d %d\n", what, ovf,
					    neg, want_ovf, want_neg);
				fail();
			}
			/* both flag pointers may be NULL */
			assert_u256(hp_consensus_compact_decode(c, NULL, NULL), got, what);
			/* the value, then GetCompact(fNegative); an overflowing
			 * vector ("ff123456") has neither */
			if (json_object_get(v, "value_hex")) {
				assert_u256(got, hex_member(v, "value_hex"), what);
				assert_bits(hp_consensus_compact_encode(got, neg),
					    bits_member(v, "get_compact"), what);
			} else {
				assert_true(want_ovf);
				assert_null(json_object_get(v, "get_compact"));
			}
		} else {
			/* GetCompact alone: a positive value never gets the sign bit */
			struct hp_u256 val = hex_member(v, "value_hex");
			uint32_t want = bits_member(v, "get_compact");
			snprintf(what, sizeof what, "compact[%zu] encode", i);
			assert_bits(hp_consensus_compact_encode(val, false), want, what);
		}
		g_run[S_COMPACT]++;
	}
	assert_int_equal(g_run[S_COMPACT], g_in_file[S_COMPACT]);
}

static void test_vectors_subsidy(void **state)
{
	(void)state;
	const struct hp_chain_params *main_p = hp_consensus_params(HP_NET_MAIN);
	json_t *sec = member(g_vectors, "subsidy");
	json_t *checks = member(sec, "checks");
	json_t *issued = member(sec, "issued_through_height");
	size_t i;
	json_t *v;

	assert_true(json_is_array(checks) && json_array_size(checks) > 0);
	assert_true(json_is_array(issued) && json_array_size(issued) > 0);
	g_in_file[S_SUBSIDY] = json_array_size(checks) + json_array_size(issued) + 1;

	/* the parameters the vectors assume */
	assert_true(main_p->subsidy_halving_interval == int_member(sec, "halving_interval"));
	assert_true(hp_consensus_subsidy_sats(main_p, 0) == int_member(sec, "initial_sats"));

	json_array_foreach(checks, i, v) {
		int64_t h = int_member(v, "height");
		int64_t want = int_member(v, "subsidy_sats");
		int64_t got = hp_consensus_subsidy_sats(main_p, h);
		if (got != want) {
			print_error("subsidy(%" PRId64 ") = %" PRId64 ", want %" PRId64 "\n", h,
				    got, want);
			fail();
		}
		g_run[S_SUBSIDY]++;
	}
	json_array_foreach(issued, i, v) {
		int64_t h = int_member(v, "height");
		int64_t want = int_member(v, "issued_sats");
		int64_t got = hp_consensus_issued_sats(main_p, h);
		if (got != want) {
			print_error("issued(%" PRId64 ") = %" PRId64 ", want %" PRId64 "\n", h, got,
				    want);
			fail();
		}
		g_run[S_SUBSIDY]++;
	}
	int64_t total = int_member(sec, "total_issued_sats");
	assert_true(hp_consensus_total_sats(main_p) == total);
	assert_true(HP_MAX_ISSUED_SATS == total);
	g_run[S_SUBSIDY]++;
	assert_int_equal(g_run[S_SUBSIDY], g_in_file[S_SUBSIDY]);
}

static void test_vectors_pow_must_fail(void **state)
{
	(void)state;
	const struct hp_chain_params *main_p = hp_consensus_params(HP_NET_MAIN);
	json_t *a = section_array("check_proof_of_work_must_fail");
	size_t i;
	json_t *v;

	g_in_file[S_POW_FAIL] = json_array_size(a);
	json_array_foreach(a, i, v) {
		const char *name = str_member(v, "name");
		uint32_t bits = bits_member(v, "bits");
		/* hash_hex is a number: its 32-byte little-endian form is the hash */
		uint8_t hash[32];
		hp_u256_to_le_bytes(hex_member(v, "hash_hex"), hash);
		if (hp_consensus_check_pow(main_p, hash, bits)) {
			print_error("%s: check_pow passed, must fail\n", name);
			fail();
		}
		g_run[S_POW_FAIL]++;
	}
	assert_int_equal(g_run[S_POW_FAIL], g_in_file[S_POW_FAIL]);
}

static void test_vectors_work(void **state)
{
	(void)state;
	json_t *w = member(g_vectors, "work_at_difficulty_1");
	uint32_t bits = bits_member(w, "bits");
	json_int_t want = int_member(w, "work");

	g_in_file[S_WORK] = 1;
	assert_u256(hp_consensus_block_work(bits), hp_u256_from_u64((uint64_t)want), "block_work");
	assert_u256(hp_consensus_work_from_target(hp_consensus_compact_decode(bits, NULL, NULL)),
		    hp_u256_from_u64((uint64_t)want), "work_from_target");
	g_run[S_WORK]++;
}

/* Runs last: every section ran every vector, and the file has no section
 * this test does not know. */
static void test_vectors_all_counted(void **state)
{
	(void)state;
	static const char *const known[] = {"about", "retarget", "difficulty_from_bits", "compact",
					    "subsidy", "check_proof_of_work_must_fail",
					    "work_at_difficulty_1"};
	const char *key;
	json_t *v;
	size_t run = 0, in_file = 0;

	json_object_foreach(g_vectors, key, v) {
		bool found = false;
		for (size_t k = 0; k < N_OF(known); k++)
			found = found || strcmp(key, known[k]) == 0;
		if (!found) {
			print_error("%s: section \"%s\" is not run by this test\n", VECTORS_PATH,
				    key);
			fail();
		}
	}
	for (int s = 0; s < S_COUNT; s++) {
		assert_true(g_in_file[s] > 0);
		assert_int_equal(g_run[s], g_in_file[s]);
		run += g_run[s];
		in_file += g_in_file[s];
	}
	assert_int_equal(run, in_file);
	assert_int_equal(run, VECTORS_IN_FILE);
}

/* ------------------------------------------------------------------ */
/* hand-computed: networks, subsidy and halvings                        */

static void test_network_parse(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum hp_network net;
	} ok[] = {
		{"main", HP_NET_MAIN},       {"mainnet", HP_NET_MAIN}, {"test", HP_NET_TEST},
		{"testnet", HP_NET_TEST},    {"testnet3", HP_NET_TEST}, {"regtest", HP_NET_REGTEST},
	};
	for (size_t i = 0; i < N_OF(ok); i++) {
		/* start at a wrong answer, so an unset output fails */
		enum hp_network net = ok[i].net == HP_NET_MAIN ? HP_NET_REGTEST : HP_NET_MAIN;
		struct hp_error err;
		hp_error_clear(&err);
		assert_int_equal(hp_consensus_network_parse(ok[i].name, &net, "--network", &err),
				 HP_OK);
		assert_int_equal(net, ok[i].net);
	}

	enum hp_network net = HP_NET_REGTEST;
	struct hp_error err;
	hp_error_clear(&err);
	assert_int_equal(hp_consensus_network_parse("foo", &net, "--network", &err), HP_EINVAL);
	assert_int_equal(err.status, HP_EINVAL);
	assert_string_equal(err.field, "--network");
	assert_true(strncmp(err.message, "--network: ", 11) == 0);
	if (!strstr(err.message, "foo")) {
		print_error("message \"%s\" does not name the value\n", err.message);
		fail();
	}
	assert_int_equal(hp_consensus_network_parse("", &net, "--network", NULL), HP_EINVAL);

	/* the parameters' names */
	assert_string_equal(hp_consensus_params(HP_NET_MAIN)->name, "main");
	assert_string_equal(hp_consensus_params(HP_NET_TEST)->name, "test");
	assert_string_equal(hp_consensus_params(HP_NET_REGTEST)->name, "regtest");
}

static void test_params(void **state)
{
	(void)state;
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	assert_true(p->pow_target_timespan_s == 1209600);
	assert_true(p->pow_target_spacing_s == 600);
	assert_true(hp_consensus_interval(p) == 2016);
	assert_true(p->subsidy_halving_interval == 210000);
	assert_bits(p->pow_limit_bits, 0x1d00ffff, "main pow_limit_bits");
	/* 00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff = 2**224 - 1 */
	assert_u256(p->pow_limit, U(0x00000000ffffffff, 0xffffffffffffffff, 0xffffffffffffffff,
				    0xffffffffffffffff),
		    "main pow_limit");
	assert_false(p->pow_allow_min_difficulty_blocks);
	assert_false(p->pow_no_retargeting);

	p = hp_consensus_params(HP_NET_TEST);
	assert_true(p->pow_allow_min_difficulty_blocks);
	assert_true(hp_consensus_interval(p) == 2016);

	p = hp_consensus_params(HP_NET_REGTEST);
	assert_true(p->pow_no_retargeting);
	assert_true(p->subsidy_halving_interval == 150);
	assert_bits(p->pow_limit_bits, 0x207fffff, "regtest pow_limit_bits");
}

static void test_subsidy_hand(void **state)
{
	(void)state;
	const struct hp_chain_params *m = hp_consensus_params(HP_NET_MAIN);

	/* 1,050,000 / 210,000 = 5 halvings: 5,000,000,000 >> 5 = 156,250,000 */
	assert_true(hp_consensus_subsidy_sats(m, 1050000) == 156250000);
	/* 1,260,000: 6 halvings, 78,125,000 */
	assert_true(hp_consensus_subsidy_sats(m, 1260000) == 78125000);

	/* 4th halving (840,000): through 839,999 = 210,000 * (50 + 25 + 12.5 + 6.25) BTC
	 * = 19,687,500 BTC; block 840,000 adds 3.125 BTC. */
	assert_true(hp_consensus_issued_sats(m, 839999) == INT64_C(1968750000000000));
	assert_true(hp_consensus_issued_sats(m, 840000) == INT64_C(1968750312500000));
	/* 5th halving (1,050,000): + 210,000 * 3.125 BTC = 20,343,750 BTC; block
	 * 1,050,000 adds 1.5625 BTC. */
	assert_true(hp_consensus_issued_sats(m, 1049999) == INT64_C(2034375000000000));
	assert_true(hp_consensus_issued_sats(m, 1050000) == INT64_C(2034375156250000));
	/* nothing before genesis */
	assert_true(hp_consensus_issued_sats(m, -1) == 0);

	/* halving epochs and the next halving */
	assert_true(hp_consensus_halving_epoch(m, 0) == 0);
	assert_true(hp_consensus_halving_epoch(m, 839999) == 3);
	assert_true(hp_consensus_halving_epoch(m, 840000) == 4);
	assert_true(hp_consensus_halving_epoch(m, 1049999) == 4);
	assert_true(hp_consensus_next_halving_height(m, 0) == 210000);
	assert_true(hp_consensus_next_halving_height(m, 839999) == 840000);
	assert_true(hp_consensus_next_halving_height(m, 840000) == 1050000);
	assert_true(hp_consensus_next_halving_height(m, 1049999) == 1050000);

	/* regtest halves every 150 blocks */
	const struct hp_chain_params *r = hp_consensus_params(HP_NET_REGTEST);
	assert_true(hp_consensus_subsidy_sats(r, 149) == INT64_C(5000000000));
	assert_true(hp_consensus_subsidy_sats(r, 150) == INT64_C(2500000000));
	assert_true(hp_consensus_subsidy_sats(r, 300) == INT64_C(1250000000));
	assert_true(hp_consensus_halving_epoch(r, 149) == 0);
	assert_true(hp_consensus_halving_epoch(r, 150) == 1);
	assert_true(hp_consensus_next_halving_height(r, 0) == 150);
	assert_true(hp_consensus_next_halving_height(r, 150) == 300);
	/* issued through 299: 150 * (50 + 25) BTC */
	assert_true(hp_consensus_issued_sats(r, 299) == INT64_C(1125000000000));
	/* 150 * sum(5_000_000_000 >> k for k in range(33)) = 1,499,999,998,350;
	 * the last reward is at height 4,949 (5e9 >> 32 = 1 sat) */
	assert_true(hp_consensus_subsidy_sats(r, 4949) == 1);
	assert_true(hp_consensus_subsidy_sats(r, 4950) == 0);
	assert_true(hp_consensus_total_sats(r) == INT64_C(1499999998350));
}

/* ------------------------------------------------------------------ */
/* hand-computed: retarget and permitted transitions                    */

static void test_retarget_clamps(void **state)
{
	(void)state;
	const struct hp_chain_params *m = hp_consensus_params(HP_NET_MAIN);
	struct hp_retarget out;

	/* timespan 1000 s < T/4 = 302,400: clamped; 0xffff << 208 * 302400 // 1209600
	 * = 0x3fffc0 << 200 -> 1c3fffc0 */
	hp_consensus_retarget(m, 0x1d00ffff, 1231006505, 1231006505 + 1000, &out);
	assert_bits(out.bits, 0x1c3fffc0, "1d00ffff, tiny timespan");
	assert_true(out.timespan_s == 1000);
	assert_true(out.used_timespan_s == 302400);
	assert_true(out.clamped);
	assert_false(out.capped);

	/* timespan 10 T: clamped to 4 T = 4,838,400; 4 * 0xffff << 208 exceeds
	 * the limit 2**224 - 1: capped, GetCompact(2**224 - 1) = 1d00ffff */
	hp_consensus_retarget(m, 0x1d00ffff, 1231006505, 1231006505 + 12096000, &out);
	assert_bits(out.bits, 0x1d00ffff, "1d00ffff, huge timespan");
	assert_true(out.timespan_s == 12096000);
	assert_true(out.used_timespan_s == 4838400);
	assert_true(out.clamped);
	assert_true(out.capped);

	/* 17028c61 (a 2023 mainnet target) with 4 T: x4, below the limit: 170a3184 */
	hp_consensus_retarget(m, 0x17028c61, 1700000000, 1700000000 + 5000000, &out);
	assert_bits(out.bits, 0x170a3184, "17028c61, huge timespan");
	assert_true(out.used_timespan_s == 4838400);
	assert_true(out.clamped);
	assert_false(out.capped);

	/* timespan 1,330,567 s (within range): 0x28c61 << 160 * 1330567 // 1209600 -> 1702cd9e */
	hp_consensus_retarget(m, 0x17028c61, 1700000000, 1700000000 + 1330567, &out);
	assert_bits(out.bits, 0x1702cd9e, "17028c61, 1.1 T");
	assert_true(out.timespan_s == 1330567);
	assert_true(out.used_timespan_s == 1330567);
	assert_false(out.clamped);
	assert_false(out.capped);

	/* exactly T: unchanged */
	hp_consensus_retarget(m, 0x17028c61, 1700000000, 1700000000 + 1209600, &out);
	assert_bits(out.bits, 0x17028c61, "17028c61, exactly T");
	assert_false(out.clamped);

	/* a negative timespan (last block before the first) clamps to T/4: 1700a318 */
	hp_consensus_retarget(m, 0x17028c61, 1700000000, 1700000000 - 500, &out);
	assert_bits(out.bits, 0x1700a318, "17028c61, negative timespan");
	assert_true(out.timespan_s == -500);
	assert_true(out.used_timespan_s == 302400);
	assert_true(out.clamped);
}

static void test_retarget_other_networks(void **state)
{
	(void)state;
	/* regtest never retargets: the old bits come back, whatever the times */
	const struct hp_chain_params *r = hp_consensus_params(HP_NET_REGTEST);
	struct hp_retarget out;
	hp_consensus_retarget(r, 0x207fffff, 1296688602, 1296688602 + 100, &out);
	assert_bits(out.bits, 0x207fffff, "regtest 207fffff");
	hp_consensus_retarget(r, 0x1e0fffff, 1296688602, 1296688602 + 9999999, &out);
	assert_bits(out.bits, 0x1e0fffff, "regtest 1e0fffff");

	/* testnet allows any transition, at a retarget height or not */
	const struct hp_chain_params *t = hp_consensus_params(HP_NET_TEST);
	assert_true(hp_consensus_permitted_transition(t, 32256, 0x1d00ffff, 0x1a05db8b));
	assert_true(hp_consensus_permitted_transition(t, 32257, 0x1a05db8b, 0x1d00ffff));
	assert_true(hp_consensus_permitted_transition(t, 2016 * 1234, 0x17028c61, 0x1c3fffbf));
}

static void test_permitted_transition_main(void **state)
{
	(void)state;
	const struct hp_chain_params *m = hp_consensus_params(HP_NET_MAIN);
	/* Off a retarget height the bits must not change. */
	assert_true(hp_consensus_permitted_transition(m, 32257, 0x1d00d86a, 0x1d00d86a));
	assert_false(hp_consensus_permitted_transition(m, 32257, 0x1d00d86a, 0x1d00d86b));
	assert_false(hp_consensus_permitted_transition(m, 32255, 0x1d00ffff, 0x1d00d86a));
	/* At 32256 (= 16 * 2016), from 1d00ffff: smallest = GetCompact(0xffff << 208 / 4)
	 * = 1c3fffc0; largest = min(4 x, 2**224 - 1) -> 1d00ffff. */
	assert_true(hp_consensus_permitted_transition(m, 32256, 0x1d00ffff, 0x1c3fffc0));
	assert_false(hp_consensus_permitted_transition(m, 32256, 0x1d00ffff, 0x1c3fffbf));
	assert_true(hp_consensus_permitted_transition(m, 32256, 0x1d00ffff, 0x1d00ffff));
	assert_false(hp_consensus_permitted_transition(m, 32256, 0x1d00ffff, 0x1d010000));
	/* From 17028c61: [1700a318, 170a3184] */
	assert_true(hp_consensus_permitted_transition(m, 32256, 0x17028c61, 0x170a3184));
	assert_false(hp_consensus_permitted_transition(m, 32256, 0x17028c61, 0x170a3185));
	assert_true(hp_consensus_permitted_transition(m, 32256, 0x17028c61, 0x1700a318));
	assert_false(hp_consensus_permitted_transition(m, 32256, 0x17028c61, 0x1700a317));
	assert_true(hp_consensus_permitted_transition(m, 32256, 0x17028c61, 0x1702cd9e));
}

/* ------------------------------------------------------------------ */
/* hand-computed: difficulty, targets, work                             */

static void test_difficulty_and_target(void **state)
{
	(void)state;
	struct hp_u256 t, want;
	struct hp_error err;

	/* difficulty 1 is the target 0xffff << 208 (00000000ffff0000...) */
	hp_error_clear(&err);
	assert_int_equal(hp_consensus_target_from_difficulty(1.0, &t, "--difficulty", &err), HP_OK);
	assert_u256(t, U(0x00000000ffff0000, 0, 0, 0), "target(1)");
	assert_u256(t, hp_consensus_compact_decode(0x1d00ffff, NULL, NULL), "target(1), 1d00ffff");
	/* difficulty 2 halves it: 0xffff << 207 */
	assert_int_equal(hp_consensus_target_from_difficulty(2.0, &t, "--difficulty", &err), HP_OK);
	assert_u256(t, U(0x000000007fff8000, 0, 0, 0), "target(2)");
	/* floor(0xffff * 2**208 / Fraction(2.385)) =
	 * 0x6b55fcc7a5d6261f24f34fd84e3df744e9db947bec75a87fe388c0b7 */
	assert_int_equal(hp_consensus_target_from_difficulty(2.385, &t, "--difficulty", &err),
			 HP_OK);
	want = U(0x000000006b55fcc7, 0xa5d6261f24f34fd8, 0x4e3df744e9db947b, 0xec75a87fe388c0b7);
	assert_u256(t, want, "target(2.385)");
	/* floor(0xffff * 2**208 / Fraction(1e-9)): a target of 254 bits */
	assert_int_equal(hp_consensus_target_from_difficulty(1e-9, &t, "--difficulty", &err),
			 HP_OK);
	want = U(0x3b9a8e6535fffef4, 0x81b5fe088151b079, 0x1619e09d7e3f36fc, 0xcfbaa4c14955fdb7);
	assert_u256(t, want, "target(1e-9)");
	/* The smallest difficulty whose target fits: d = 0xffff * 2**-48 gives
	 * exactly 2**256 (does not fit); math.nextafter(d, inf) gives
	 * 0xfffffffffffff7fff7fff7fff83ff87ff8bff8fdf939f973f9ac09e23a169a49. */
	double d_edge = 0xffff * 0x1p-48;
	assert_int_equal(hp_consensus_target_from_difficulty(d_edge, &t, "--difficulty", NULL),
			 HP_ERANGE);
	assert_int_equal(hp_consensus_target_from_difficulty(nextafter(d_edge, INFINITY), &t,
							     "--difficulty", &err),
			 HP_OK);
	want = U(0xfffffffffffff7ff, 0xf7fff7fff83ff87f, 0xf8bff8fdf939f973, 0xf9ac09e23a169a49);
	assert_u256(t, want, "target(nextafter(0xffff * 2**-48))");

	/* Errors: not finite, not positive, target over 256 bits (1e-80 gives a
	 * 490-bit target) or zero (1e70: 0xffff * 2**208 / 1e70 < 1). */
	static const double bad[] = {0.0, -0.0, -1.5, -INFINITY, INFINITY, NAN, 1e-80, 1e70};
	for (size_t i = 0; i < N_OF(bad); i++) {
		hp_error_clear(&err);
		const char *field = "scenario.difficulty";
		enum hp_status st = hp_consensus_target_from_difficulty(bad[i], &t, field, &err);
		if (st != HP_ERANGE) {
			print_error("target_from_difficulty(%g) = %s, want ERANGE\n", bad[i],
				    hp_status_name(st));
			fail();
		}
		assert_int_equal(err.status, HP_ERANGE);
		assert_string_equal(err.field, "scenario.difficulty");
		assert_true(strncmp(err.message, "scenario.difficulty: ", 21) == 0);
	}

	/* GetDifficulty has no answer for a zero mantissa */
	double d = 42.0;
	assert_false(hp_consensus_difficulty(0x1d000000, &d));
	assert_true(d == 42.0);
	/* difficulty(1d00ffff) is exactly 1 */
	assert_true(hp_consensus_difficulty(0x1d00ffff, &d));
	assert_true(d == 1.0);
}

static void test_bits_difficulty_round_trip(void **state)
{
	(void)state;
	/* bits -> GetDifficulty -> floor(0xffff << 208 / d) -> GetCompact.
	 * python3 (Fraction(d) exact): these come back unchanged. */
	static const uint32_t same[] = {0x17028c61, 0x1d00ffff, 0x1b0404cb, 0x1a05db8b};
	for (size_t i = 0; i < N_OF(same); i++) {
		double d;
		struct hp_u256 t;
		assert_true(hp_consensus_difficulty(same[i], &d));
		assert_int_equal(hp_consensus_target_from_difficulty(d, &t, "d", NULL), HP_OK);
		assert_bits(hp_consensus_compact_encode(t, false), same[i], "bits round trip");
	}
	/* 170240c3: GetDifficulty gives the double 124932866006548.16, which is
	 * above the exact 0xffff * 2**48 / 0x240c3 (Fraction(d) > exact), so the
	 * floor target is 0x240c2fffffffff871dc8... < 0x240c3 << 160 and GetCompact
	 * truncates it to 170240c2. The header's contract (floor, exact for the
	 * double given) cannot give back 170240c3. */
	double d;
	struct hp_u256 t;
	assert_true(hp_consensus_difficulty(0x170240c3, &d));
	assert_int_equal(hp_consensus_target_from_difficulty(d, &t, "d", NULL), HP_OK);
	assert_u256(t, U(0, 0x000240c2ffffffff, 0xf871dc88748874a1, 0xca8f49d8c1e1e4f5),
		    "target(difficulty(170240c3))");
	assert_bits(hp_consensus_compact_encode(t, false), 0x170240c2, "170240c3 round trip");
}

static void test_work(void **state)
{
	(void)state;
	/* 17028c61: target 0x28c61 << 160; 2**256 // (target + 1) =
	 * 474394568641596186993179 = 0x6474fb292962ad64a21b */
	struct hp_u256 want = U(0, 0, 0x6474, 0xfb292962ad64a21b);
	assert_u256(hp_consensus_block_work(0x17028c61), want, "work(17028c61)");
	struct hp_u256 target = hp_consensus_compact_decode(0x17028c61, NULL, NULL);
	assert_u256(hp_consensus_work_from_target(target), want, "work_from_target(17028c61)");
	/* 170240c3: 536590761418915805470629 = 0x71a0a4ba02ce29511fa5 */
	assert_u256(hp_consensus_block_work(0x170240c3), U(0, 0, 0x71a0, 0xa4ba02ce29511fa5),
		    "work(170240c3)");
	/* edges: target 0 -> 0 (Core's guard); 2**256 - 1 -> 1; 1 -> 2**255 */
	assert_u256(hp_consensus_work_from_target(U(0, 0, 0, 0)), U(0, 0, 0, 0), "work(0)");
	assert_u256(hp_consensus_work_from_target(U(0xffffffffffffffff, 0xffffffffffffffff,
						    0xffffffffffffffff, 0xffffffffffffffff)),
		    U(0, 0, 0, 1), "work(max)");
	assert_u256(hp_consensus_work_from_target(U(0, 0, 0, 1)), U(0x8000000000000000, 0, 0, 0),
		    "work(1)");
	/* GetBlockProof gives 0 for negative, overflowing or zero bits */
	assert_u256(hp_consensus_block_work(0x1d80ffff), U(0, 0, 0, 0), "work(negative)");
	assert_u256(hp_consensus_block_work(0xff7fffff), U(0, 0, 0, 0), "work(overflow)");
	assert_u256(hp_consensus_block_work(0x00000000), U(0, 0, 0, 0), "work(zero)");
	assert_u256(hp_consensus_block_work(0x1d000000), U(0, 0, 0, 0), "work(zero mantissa)");
}

/* ------------------------------------------------------------------ */
/* hand-computed: the genesis header                                    */

static const char GENESIS_HEX[] =
	"01000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a"
	"29ab5f49"
	"ffff001d"
	"1dac2b7c";

static void test_genesis_header(void **state)
{
	(void)state;
	const struct hp_chain_params *m = hp_consensus_params(HP_NET_MAIN);
	uint8_t raw[HP_HEADER_SIZE], again[HP_HEADER_SIZE], hash[32];
	char text[2 * HP_HEADER_SIZE + 1];
	struct hp_header h;
	struct hp_error err;

	hp_error_clear(&err);
	assert_int_equal(hp_hex_decode(GENESIS_HEX, raw, sizeof raw, "header", &err), HP_OK);

	hp_consensus_header_decode(raw, &h);
	assert_int_equal(h.version, 1);
	assert_true(h.time == 1231006505u);
	assert_bits(h.bits, 0x1d00ffff, "genesis bits");
	assert_true(h.nonce == 2083236893u);
	static const uint8_t zero[32];
	assert_memory_equal(h.prev_hash, zero, 32);
	char mr[65];
	hp_hex_encode_reversed(h.merkle_root, 32, mr);
	assert_string_equal(mr, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");

	/* encode(decode(raw)) == raw */
	hp_consensus_header_encode(&h, again);
	assert_memory_equal(again, raw, HP_HEADER_SIZE);
	hp_hex_encode(again, HP_HEADER_SIZE, text);
	assert_string_equal(text, GENESIS_HEX);

	/* double SHA-256, shown byte-reversed */
	assert_int_equal(hp_consensus_header_hash(raw, hash, &err), HP_OK);
	char shown[65];
	hp_hex_encode_reversed(hash, 32, shown);
	assert_string_equal(shown,
			    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
	assert_true(hp_consensus_check_pow(m, hash, h.bits));

	/* Flip the nonce's low bit: the hash becomes
	 * 8cdc343dc1ca87b0fae7d09a6537a536fec9784a3c4541b770bfb5881c5d66d9
	 * (python3 hashlib), far above the target. */
	h.nonce ^= 1u;
	hp_consensus_header_encode(&h, again);
	assert_int_equal(again[76], raw[76] ^ 1u);
	assert_int_equal(hp_consensus_header_hash(again, hash, &err), HP_OK);
	hp_hex_encode_reversed(hash, 32, shown);
	assert_string_equal(shown,
			    "8cdc343dc1ca87b0fae7d09a6537a536fec9784a3c4541b770bfb5881c5d66d9");
	assert_false(hp_consensus_check_pow(m, hash, h.bits));
}

static void test_check_pow_boundary(void **state)
{
	(void)state;
	const struct hp_chain_params *m = hp_consensus_params(HP_NET_MAIN);
	uint8_t hash[32];
	struct hp_u256 target = hp_consensus_compact_decode(0x17028c61, NULL, NULL);
	bool carry;

	/* hash == target passes (hash <= target); target + 1 fails */
	hp_u256_to_le_bytes(target, hash);
	assert_true(hp_consensus_check_pow(m, hash, 0x17028c61));
	hp_u256_to_le_bytes(hp_u256_add(target, hp_u256_from_u64(1), &carry), hash);
	assert_false(hp_consensus_check_pow(m, hash, 0x17028c61));
	/* the limit's own bits on mainnet pass with hash 0; regtest's easy bits
	 * are above mainnet's limit, but fine on regtest */
	memset(hash, 0, sizeof hash);
	assert_true(hp_consensus_check_pow(m, hash, 0x1d00ffff));
	assert_false(hp_consensus_check_pow(m, hash, 0x207fffff));
	assert_true(hp_consensus_check_pow(hp_consensus_params(HP_NET_REGTEST), hash, 0x207fffff));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_retarget),
		cmocka_unit_test(test_vectors_difficulty),
		cmocka_unit_test(test_vectors_compact),
		cmocka_unit_test(test_vectors_subsidy),
		cmocka_unit_test(test_vectors_pow_must_fail),
		cmocka_unit_test(test_vectors_work),
		cmocka_unit_test(test_vectors_all_counted),
		cmocka_unit_test(test_network_parse),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_subsidy_hand),
		cmocka_unit_test(test_retarget_clamps),
		cmocka_unit_test(test_retarget_other_networks),
		cmocka_unit_test(test_permitted_transition_main),
		cmocka_unit_test(test_difficulty_and_target),
		cmocka_unit_test(test_bits_difficulty_round_trip),
		cmocka_unit_test(test_work),
		cmocka_unit_test(test_genesis_header),
		cmocka_unit_test(test_check_pow_boundary),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
