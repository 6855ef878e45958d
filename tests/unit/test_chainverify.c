/*
 * test_chainverify.c - the header verifier (chainverify.h) on real and
 * synthetic chains:
 *   - the real mainnet genesis block, and refusing it as testnet's;
 *   - every real epoch-start header of data/btc_difficulty_epochs.csv as
 *     the child of its real parent (known only by hash and the previous
 *     epoch's bits): links, bits within the permitted range, proof of work,
 *     and its chainwork lands exactly on the file's;
 *   - a synthetic chain mined under mainnet rules with an easy limit and a
 *     10-block period: each retarget is required exactly, and each kind of
 *     failure (link, bits inside a period, bits at a retarget, proof of
 *     work) is reported with its message;
 *   - testnet's minimum-difficulty rule.
 */
#include <stdio.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/chainverify.h"
#include "hashpivot/epochs.h"
#include "hashpivot/hex.h"

/*
 * Mainnet's rules on a 10-block period of 1-second blocks with an easy
 * limit, bits 2000ffff = 0xffff * 2^232 (a hash meets it once in ~256).
 * Not regtest's 2^255: the retarget multiplies the target by the timespan
 * in 256 bits, as Core does, and must not overflow (4 x 10 s x 2^248 fits).
 */
#define EASY_BITS 0x2000ffffu
#define EASY_LIMIT {{0, 0, 0, UINT64_C(0x00ffff0000000000)}}
static const struct hp_chain_params fast_main = {
	"fast", 10, 1, 150, EASY_BITS, EASY_LIMIT, false, false,
};
/* The same with testnet's minimum-difficulty blocks (late: more than 2 s). */
static const struct hp_chain_params fast_test = {
	"fasttest", 10, 1, 150, EASY_BITS, EASY_LIMIT, true, false,
};

/* Find a nonce that meets (want_ok) or misses the target of h->bits. */
static void mine(const struct hp_chain_params *p, struct hp_header *h, bool want_ok,
		 uint8_t raw[HP_HEADER_SIZE])
{
	uint8_t hash[32];

	for (h->nonce = 0;; h->nonce++) {
		hp_consensus_header_encode(h, raw);
		assert_int_equal(hp_consensus_header_hash(raw, hash, NULL), HP_OK);
		if (hp_consensus_check_pow(p, hash, h->bits) == want_ok)
			return;
	}
}

/* An anchor state at height 0 for a synthetic chain. */
static void anchor(const struct hp_chain_params *p, uint32_t time, uint32_t bits,
		   struct hp_chaindb_block *b, struct hp_chainverify_state *s)
{
	uint8_t raw[HP_HEADER_SIZE];

	memset(b, 0, sizeof(*b));
	b->header.version = 4;
	b->header.time = time;
	b->header.bits = bits;
	memset(b->header.merkle_root, 0xab, 32);
	mine(p, &b->header, true, raw);
	assert_int_equal(hp_consensus_header_hash(raw, b->hash, NULL), HP_OK);
	b->chainwork = hp_consensus_block_work(bits);
	hp_chainverify_state_from_block(p, NULL, b, s);
}

/* The next header on s with this time and bits, mined to pass (or not). */
static void child(const struct hp_chain_params *p, const struct hp_chainverify_state *s,
		  uint32_t time, uint32_t bits, bool pow_ok, uint8_t raw[HP_HEADER_SIZE])
{
	struct hp_header h;

	memset(&h, 0, sizeof(h));
	h.version = 4;
	memcpy(h.prev_hash, s->hash, 32);
	memset(h.merkle_root, (int)(s->height & 0xff), 32);
	h.time = time;
	h.bits = bits;
	mine(p, &h, pow_ok, raw);
}

static void test_genesis(void **state)
{
	/* the real genesis header (data/btc_difficulty_epochs.csv, epoch 0) */
	static const char hex[] =
		"0100000000000000000000000000000000000000000000000000000000000000"
		"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
		"4b1e5e4a29ab5f49ffff001d1dac2b7c";
	uint8_t raw[HP_HEADER_SIZE], want[32];
	struct hp_chaindb_block b;
	struct hp_chainverify_state s;
	struct hp_error err;
	char got[65];

	(void)state;
	assert_int_equal(hp_hex_decode(hex, raw, sizeof(raw), NULL, NULL), HP_OK);
	assert_int_equal(hp_chainverify_genesis(HP_NET_MAIN, raw, &b, &s, &err), HP_OK);
	hp_hex_encode_reversed(b.hash, 32, got);
	assert_string_equal(got, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
	hp_chainverify_genesis_hash(HP_NET_MAIN, want);
	assert_memory_equal(want, b.hash, 32);
	/* GetBlockProof(1d00ffff) = 2^256 / (0xffff * 2^208 + 1) = 0x100010001 */
	assert_true(hp_u256_low64(b.chainwork) == UINT64_C(0x100010001));
	assert_int_equal(s.height, 0);
	assert_true(s.has_period_start);
	assert_int_equal(s.period_start_time, 1231006505);

	assert_int_equal(hp_chainverify_genesis(HP_NET_TEST, raw, &b, &s, &err), HP_EIO);
	assert_string_equal(err.message,
			    "block 0: not the genesis block of test (hash "
			    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f != "
			    "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943)");
}

/*
 * Each real epoch start k+1 checked as the child of its real parent: the
 * parent is known by its hash (the file's prev_block_hash), epoch k's bits
 * and the chainwork below the child (the file's minus the child's work);
 * the period's first time is deliberately unknown, so the bits go through
 * the permitted-range rule a partial sync uses.
 */
static void test_real_epoch_starts(void **state)
{
	struct hp_epochs ep;
	struct hp_error err;
	int checked = 0;

	(void)state;
	assert_int_equal(hp_epochs_load("data/btc_difficulty_epochs.csv", &ep, &err), HP_OK);
	for (size_t k = 0; k + 1 < ep.n; k++) {
		const struct hp_epoch *a = &ep.v[k], *e = &ep.v[k + 1];
		struct hp_chainverify_state s, next;
		struct hp_chaindb_block b;
		uint32_t bits;

		if (!e->has_header || !e->has_prev_hash || !e->has_chainwork)
			continue;
		memset(&s, 0, sizeof(s));
		s.height = e->start_height - 1;
		memcpy(s.hash, e->prev_hash, 32);
		s.bits = a->bits;
		s.chainwork = hp_u256_sub(e->chainwork, hp_consensus_block_work(e->bits), NULL);
		assert_false(hp_chainverify_expected_bits(hp_consensus_params(HP_NET_MAIN), &s,
							  0, &bits));
		if (hp_chainverify_header(hp_consensus_params(HP_NET_MAIN), &s, e->header, &b,
					  &next, &err) != HP_OK)
			fail_msg("epoch %zu: %s", k + 1, err.message);
		assert_memory_equal(b.hash, e->start_hash, 32);
		assert_int_equal(hp_u256_cmp(b.chainwork, e->chainwork), 0);
		assert_true(next.has_period_start);
		assert_int_equal(next.period_start_time, e->start_time);
		checked++;
	}
	assert_int_equal(checked, 436); /* epochs 1..436 have full rows */
	hp_epochs_release(&ep);
}

/*
 * A 25-block chain whose blocks all carry the same time: each period's
 * timespan is 0, clamped to 10 / 4 = 2 s (integer division, as Core), so
 * each retarget divides the target by 5, and the verifier must require
 * exactly that: 0xffff * 2^232 / 5 = 0x333300 * 2^224 -> bits 1f333300;
 * 0x333300 * 2^224 / 5 -> 0x0a3d66.66 * 2^224 -> bits 1f0a3d66.
 */
static void test_synthetic_retargets(void **state)
{
	const struct hp_chain_params *p = &fast_main;
	static const uint32_t want_bits[3] = {EASY_BITS, 0x1f333300, 0x1f0a3d66};
	struct hp_chaindb_block b;
	struct hp_chainverify_state s, next;
	struct hp_u256 work;
	struct hp_error err;
	uint8_t raw[HP_HEADER_SIZE];
	uint32_t t = 1600000000, want;

	(void)state;
	anchor(p, t, EASY_BITS, &b, &s);
	work = b.chainwork;
	for (int64_t h = 1; h <= 25; h++) {
		uint32_t bits = want_bits[h / 10];

		if (h % 10 == 0) {
			struct hp_retarget r;

			hp_consensus_retarget(p, s.bits, s.period_start_time, s.time, &r);
			assert_true(r.clamped);
			assert_int_equal(r.used_timespan_s, 2);
		}
		assert_true(hp_chainverify_expected_bits(p, &s, t, &want));
		assert_int_equal(want, bits);
		child(p, &s, t, bits, true, raw);
		if (hp_chainverify_header(p, &s, raw, &b, &next, &err) != HP_OK)
			fail_msg("block %lld: %s", (long long)h, err.message);
		work = hp_u256_add(work, hp_consensus_block_work(bits), NULL);
		assert_int_equal(hp_u256_cmp(b.chainwork, work), 0);
		s = next;
	}
}

static void test_failures(void **state)
{
	const struct hp_chain_params *p = &fast_main;
	struct hp_chaindb_block b, a;
	struct hp_chainverify_state s, next;
	struct hp_error err;
	uint8_t raw[HP_HEADER_SIZE];
	char msg[256], hex[65];
	uint32_t t = 1600000000;
	struct hp_retarget r;

	(void)state;
	anchor(p, t, EASY_BITS, &a, &s);

	/* broken link */
	child(p, &s, t + 1, EASY_BITS, true, raw);
	raw[4] ^= 1;
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	assert_non_null(strstr(err.message, "block 1: does not link to block 0 (prev "));

	/* bits changed inside a period */
	child(p, &s, t + 1, 0x20007fff, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	assert_string_equal(err.message,
			    "block 1: bits 20007fff break the retarget rule (expected 2000ffff)");

	/* proof of work not met */
	child(p, &s, t + 1, EASY_BITS, false, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	assert_int_equal(hp_consensus_header_hash(raw, b.hash, NULL), HP_OK);
	hp_hex_encode_reversed(b.hash, 32, hex);
	snprintf(msg, sizeof(msg),
		 "block 1: proof of work not met (hash %s above target of bits 2000ffff)", hex);
	assert_string_equal(err.message, msg);

	/* at a retarget the exact bits are required; the old ones are refused */
	for (int h = 1; h <= 9; h++) {
		child(p, &s, t + (uint32_t)h, EASY_BITS, true, raw);
		assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_OK);
		s = next;
	}
	/*
	 * 9 s observed, 10 wanted: 0xffff * 2^232 * 9 / 10 = 0xe665.cc * 2^232;
	 * GetCompact takes 0xe665cc, whose top bit would read as the sign,
	 * so one byte more of exponent: 0x00e665 at 32 -> 2000e665.
	 */
	hp_consensus_retarget(p, EASY_BITS, t, t + 9, &r);
	assert_false(r.clamped);
	assert_int_equal(r.bits, 0x2000e665);
	child(p, &s, t + 10, EASY_BITS, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	snprintf(msg, sizeof(msg),
		 "block 10: bits 2000ffff break the retarget rule (expected %08x)", r.bits);
	assert_string_equal(err.message, msg);
	child(p, &s, t + 10, r.bits, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_OK);

	/* period start unknown (before an anchor): the permitted range only */
	s.has_period_start = false;
	child(p, &s, t + 10, 0x1d00ffff, false, raw); /* refused before its pow */
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	assert_string_equal(err.message, "block 10: bits 1d00ffff break the retarget rule "
					 "(outside the range permitted after 2000ffff)");
}

static void test_min_difficulty(void **state)
{
	const struct hp_chain_params *p = &fast_test;
	struct hp_chaindb_block b;
	struct hp_chainverify_state s, next;
	struct hp_error err;
	uint8_t raw[HP_HEADER_SIZE];
	uint32_t t = 1600000000, hard = 0x20007fff;

	(void)state;
	anchor(p, t, hard, &b, &s);
	/* 2 s after the parent is not late (more than twice the spacing) */
	child(p, &s, t + 2, EASY_BITS, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	assert_string_equal(err.message,
			    "block 1: bits 2000ffff break the retarget rule (expected 20007fff)");
	/* 3 s after: the minimum difficulty is allowed */
	child(p, &s, t + 3, EASY_BITS, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_OK);
	s = next;
	assert_true(s.has_last_normal_bits);
	assert_int_equal(s.last_normal_bits, hard);
	/* the next on-time block goes back to the last normal bits, not the parent's */
	child(p, &s, t + 4, EASY_BITS, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_EIO);
	assert_string_equal(err.message,
			    "block 2: bits 2000ffff break the retarget rule (expected 20007fff)");
	child(p, &s, t + 4, hard, true, raw);
	assert_int_equal(hp_chainverify_header(p, &s, raw, &b, &next, &err), HP_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genesis),
		cmocka_unit_test(test_real_epoch_starts),
		cmocka_unit_test(test_synthetic_retargets),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_min_difficulty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
