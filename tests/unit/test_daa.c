/*
 * test_daa.c - the three difficulty rules of daa.h, block by block.
 *
 * Where the expected bits come from:
 *
 * - Bitcoin ABC's own tests, run through hp_daa: the cw-144 scenario of
 *   src/pow/test/daa_tests.cpp (daa_test: its seven checked nBits) and the
 *   CalculateASERT table of src/pow/test/aserti32d_tests.cpp
 *   (calculate_asert_test), read in the Bitcoin-ABC/bitcoin-abc repository.
 * - The aserti3-2d QA test vectors of Bitcoin Cash Node (run files
 *   produced by BCHN's contrib/testgen/gen_asert_test_vectors.cpp, which
 *   was read). The run files themselves were not found; the rows below are
 *   as other implementations transcribed them into their tests (run04,
 *   run05, run06, run09, and (height, time) pairs of run10-run12). The
 *   run06 times were regenerated here with the generator's own recipe
 *   (std::mt19937 seeded 424242, std::exponential_distribution(1/600),
 *   g++ 12 / libstdc++) and match the transcription to the second.
 * - Hand computations: python3 big integers (scripts summarised in each
 *   comment) reimplementing SetCompact/GetCompact, GetBlockProof,
 *   CalculateNextWorkRequired, GetNextCashWorkRequired/ComputeTarget/
 *   GetSuitableBlock and CalculateASERT line by line; that script also
 *   reproduces every ABC and BCHN value above, so the two sources agree.
 *
 * Common chain: B0 = 0x170240c3 (Bitcoin's bits at height 953,568, epoch
 * 473 of data/btc_difficulty_epochs.csv), target
 * 0x240c3 << 168, GetBlockProof(B0) = 536590761418915805470629; T0 =
 * 1,700,000,000.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/consensus.h"
#include "hashpivot/daa.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define U(w3, w2, w1, w0) \
	((struct hp_u256){{UINT64_C(w0), UINT64_C(w1), UINT64_C(w2), UINT64_C(w3)}})

#define B0 0x170240c3u
#define T0 INT64_C(1700000000)
#define LIMIT_BITS 0x1d00ffffu

static const struct hp_daa_params BTC = {HP_DAA_BITCOIN, 600, 172800};
static const struct hp_daa_params CW = {HP_DAA_CW144, 600, 172800};
static const struct hp_daa_params ASERT = {HP_DAA_ASERT, 600, 172800};

static void check_bits(uint32_t got, uint32_t want, const char *what, long i, const char *file,
		       int line)
{
	if (got == want)
		return;
	print_error("%s [%ld]: bits %08" PRIx32 ", want %08" PRIx32 "\n", what, i, got, want);
	_fail(file, line);
}
#define assert_bits(got, want, what, i) check_bits((got), (want), (what), (long)(i), __FILE__, __LINE__)

static void start(struct hp_daa *d, const struct hp_daa_params *p, int64_t height, uint32_t bits,
		  int64_t last_time, int64_t epoch_first_time)
{
	struct hp_error err;
	enum hp_status st;

	hp_error_clear(&err);
	st = hp_daa_init(d, p, height, bits, last_time, epoch_first_time, &err);
	if (st != HP_OK) {
		print_error("hp_daa_init: %s\n", err.message);
		fail();
	}
}

static struct hp_u256 target_of(uint32_t bits)
{
	return hp_consensus_compact_decode(bits, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* names, init                                                         */
/* ------------------------------------------------------------------ */

static void test_rule_names(void **state)
{
	(void)state;
	static const enum hp_daa_rule rules[] = {HP_DAA_BITCOIN, HP_DAA_CW144, HP_DAA_ASERT};
	static const char *const names[] = {"bitcoin", "cw144", "asert"};
	for (size_t i = 0; i < N_OF(rules); i++) {
		enum hp_daa_rule r = HP_DAA_BITCOIN;
		assert_string_equal(hp_daa_rule_name(rules[i]), names[i]);
		assert_int_equal(hp_daa_rule_parse(names[i], "--daa", &r, NULL), HP_OK);
		assert_int_equal(r, rules[i]);
	}
	assert_string_equal(hp_daa_rule_name((enum hp_daa_rule)7), "unknown");

	static const char *const bad[] = {"", "BITCOIN", "cw-144", "aserti3-2d", "asert "};
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct hp_error err;
		enum hp_daa_rule r = HP_DAA_ASERT;
		hp_error_clear(&err);
		assert_int_equal(hp_daa_rule_parse(bad[i], "--daa", &r, &err), HP_EINVAL);
		assert_int_equal(r, HP_DAA_ASERT);
		assert_string_equal(err.field, "--daa");
		assert_non_null(strstr(err.message, "--daa: must be bitcoin, cw144 or asert, got '"));
	}
}

static void test_init_errors(void **state)
{
	(void)state;
	static const struct {
		struct hp_daa_params p;
		int64_t height;
		uint32_t bits;
		int64_t last_time;
		const char *message;
	} bad[] = {
		{{(enum hp_daa_rule)3, 600, 172800}, 10, B0, T0,
		 "rule: must be bitcoin, cw144 or asert, got 3"},
		{{HP_DAA_BITCOIN, 0, 172800}, 10, B0, T0,
		 "spacing_s: must be between 1 and 2147483647, got 0"},
		{{HP_DAA_CW144, -600, 172800}, 10, B0, T0,
		 "spacing_s: must be between 1 and 2147483647, got -600"},
		{{HP_DAA_ASERT, INT64_C(2147483648), 172800}, 10, B0, T0,
		 "spacing_s: must be between 1 and 2147483647, got 2147483648"},
		{{HP_DAA_ASERT, 600, 0}, 10, B0, T0, "half_life_s: must be > 0, got 0"},
		{{HP_DAA_ASERT, 600, -172800}, 10, B0, T0, "half_life_s: must be > 0, got -172800"},
		{{HP_DAA_BITCOIN, 600, 172800}, 0, B0, T0, "height: must be >= 1, got 0"},
		{{HP_DAA_CW144, 600, 172800}, -2016, B0, T0, "height: must be >= 1, got -2016"},
		{{HP_DAA_CW144, 600, 172800}, 10, B0, (INT64_C(1) << 62) + 1,
		 "last_time: must be between -2^62 and 2^62, got 4611686018427387905"},
		/* SetCompact flags, as Core's tests: 0x04923456 is negative,
		 * 0xff123456 overflows; 0x01003456 and 0 are zero targets;
		 * 0x1d010000 is 2^224, one above the limit 2^224 - 1 */
		{{HP_DAA_BITCOIN, 600, 172800}, 10, 0x04923456, T0,
		 "bits: must not be negative, got 0x04923456"},
		{{HP_DAA_CW144, 600, 172800}, 10, 0xff123456, T0,
		 "bits: must fit 256 bits, got 0xff123456"},
		{{HP_DAA_ASERT, 600, 172800}, 10, 0x01003456, T0,
		 "bits: must not be a zero target, got 0x01003456"},
		{{HP_DAA_ASERT, 600, 172800}, 10, 0, T0, "bits: must not be a zero target, got 0x00000000"},
		{{HP_DAA_BITCOIN, 600, 172800}, 10, 0x1d010000, T0,
		 "bits: must not be easier than the limit 0x1d00ffff, got 0x1d010000"},
		{{HP_DAA_ASERT, 600, 172800}, 10, 0x207fffff, T0,
		 "bits: must not be easier than the limit 0x1d00ffff, got 0x207fffff"},
	};
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct hp_daa d;
		struct hp_error err;
		memset(&d, 0x5a, sizeof d);
		hp_error_clear(&err);
		enum hp_status st = hp_daa_init(&d, &bad[i].p, bad[i].height, bad[i].bits,
						bad[i].last_time, 0, &err);
		if (st != HP_EINVAL || strcmp(err.message, bad[i].message) != 0) {
			print_error("case %zu: %s \"%s\", want EINVAL \"%s\"\n", i, hp_status_name(st),
				    err.message, bad[i].message);
			fail();
		}
		/* the state is left alone; a NULL error record is allowed */
		assert_int_equal(((unsigned char *)&d)[0], 0x5a);
		assert_int_equal(hp_daa_init(&d, &bad[i].p, bad[i].height, bad[i].bits,
					     bad[i].last_time, 0, NULL),
				 HP_EINVAL);
	}

	/* the half-life is only ASERT's: others accept 0; the limit itself,
	 * the smallest target (1) and height 1 are fine */
	struct hp_daa d;
	struct hp_daa_params p = {HP_DAA_CW144, 600, 0};
	assert_int_equal(hp_daa_init(&d, &p, 1, LIMIT_BITS, T0, 0, NULL), HP_OK);
	p.rule = HP_DAA_BITCOIN;
	assert_int_equal(hp_daa_init(&d, &p, 1, 0x01010000, T0, 0, NULL), HP_OK);
	assert_int_equal(hp_daa_init(&d, &ASERT, 1, 0x01010000, -T0, 0, NULL), HP_OK);
}

static void test_init_state(void **state)
{
	(void)state;
	struct hp_daa d;

	/* GetDifficulty(170240c3) = 0xffff / 0x0240c3 * 256^6, in python3
	 * 124932866006548.16 (the shipped epochs file: 124932866006548.156250) */
	start(&d, &BTC, 953568 + 100, B0, T0, T0 - 100 * 600);
	assert_int_equal(d.height, 953668);
	assert_int_equal(d.bits, B0);
	assert_true(d.difficulty == 124932866006548.16);
	assert_int_equal(d.epoch_first_time, T0 - 100 * 600);
	/* at a retarget height the epoch's first time is the next block's */
	start(&d, &BTC, 953568, B0, T0, 12345);
	assert_int_equal(d.epoch_first_time, 0);

	start(&d, &CW, 5, LIMIT_BITS, T0, 0);
	assert_true(d.difficulty == 1.0);
	/* the window: 147 blocks every 600 s ending at T0, chain work
	 * counted from the oldest; a block at 1d00ffff (target 0xffff << 208)
	 * is worth 2^256 // (0xffff << 208 + 1) = 0x100010001, the genesis
	 * block's chain work in the shipped epochs file */
	assert_int_equal(d.win_head, HP_DAA_WINDOW - 1);
	assert_int_equal(d.win_time[HP_DAA_WINDOW - 1], T0);
	assert_int_equal(d.win_time[0], T0 - 146 * 600);
	assert_true(hp_u256_cmp(d.win_work[0], hp_u256_from_u64(UINT64_C(0x100010001))) == 0);
	assert_true(hp_u256_cmp(d.win_work[9], hp_u256_from_u64(UINT64_C(10) * 0x100010001)) == 0);
	assert_true(hp_u256_cmp(d.chain_work, hp_u256_from_u64(UINT64_C(147) * 0x100010001)) == 0);

	start(&d, &ASERT, 661648, 0x1804dafe, T0, 0);
	assert_int_equal(d.anchor_height, 661647);
	assert_int_equal(d.anchor_parent_time, T0 - 600);
	assert_true(hp_u256_cmp(d.anchor_target, target_of(0x1804dafe)) == 0);
}

/* ------------------------------------------------------------------ */
/* Bitcoin                                                             */
/* ------------------------------------------------------------------ */

/* Append `n` blocks `dt` seconds apart after *t; count the bits changes. */
static size_t run(struct hp_daa *d, int64_t *t, size_t n, int64_t dt)
{
	size_t changed = 0;
	for (size_t i = 0; i < n; i++) {
		*t += dt;
		changed += hp_daa_append(d, *t);
	}
	return changed;
}

/*
 * Exactly-600 s blocks from a retarget height (806,400 = 400 * 2016). The
 * bits hold for the 2015 blocks of an epoch, then change at its last one:
 * Core measures 2015 intervals against two weeks of 2016, so a perfectly
 * on-schedule chain still gets target * 1,209,000 / 1,209,600 (harder by
 * 1/2016) every epoch. python3: t = 0x240c3 << 168; three epochs of
 * GetCompact(t * 1209000 // 1209600) give 17024079, 1702402f, 17023fe5
 * (the first: t' = 0x24079c2aaa...aa).
 */
static void test_bitcoin_steady(void **state)
{
	(void)state;
	static const uint32_t want[] = {0x17024079, 0x1702402f, 0x17023fe5};
	struct hp_daa d;
	int64_t t = T0;

	start(&d, &BTC, 806400, B0, T0, 0);
	for (size_t e = 0; e < N_OF(want); e++) {
		uint32_t before = d.bits;
		assert_int_equal(run(&d, &t, 2015, 600), 0);
		assert_bits(d.bits, before, "bitcoin 600 s, inside an epoch", e);
		assert_true(hp_daa_append(&d, t += 600));
		assert_bits(d.bits, want[e], "bitcoin 600 s, retarget", e);
		assert_int_equal(d.height, 806400 + 2016 * (int64_t)(e + 1));
		/* the same as CalculateNextWorkRequired directly */
		struct hp_retarget r;
		hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), before, t - 2015 * 600, t, &r);
		assert_bits(r.bits, want[e], "hp_consensus_retarget", e);
		double diff;
		assert_true(hp_consensus_difficulty(want[e], &diff));
		assert_true(d.difficulty == diff);
	}
}

/*
 * Quiet blocks: under Bitcoin's rule, at height 806,400 + p the blocks
 * p .. 2014 only count (2015 - p of them for p >= 1), the epoch's first
 * (p = 0, its time is kept) and last (p = 2015, the retarget) do not; the
 * per-block rules have none. Skipping them leaves the same state as
 * appending them one by one, so the retarget that follows is the same.
 */
static void test_quiet_blocks(void **state)
{
	(void)state;
	struct hp_daa a, b;
	int64_t t = T0, tb;

	start(&a, &BTC, 806400, B0, T0, 0);
	assert_int_equal(hp_daa_quiet_blocks(&a), 0);
	start(&a, &BTC, 806401, B0, T0, T0);
	assert_int_equal(hp_daa_quiet_blocks(&a), 2014);
	start(&a, &BTC, 806400 + 2014, B0, T0, T0);
	assert_int_equal(hp_daa_quiet_blocks(&a), 1);
	start(&a, &BTC, 806400 + 2015, B0, T0, T0);
	assert_int_equal(hp_daa_quiet_blocks(&a), 0);
	start(&a, &ASERT, 806401, B0, T0, T0);
	assert_int_equal(hp_daa_quiet_blocks(&a), 0);
	start(&a, &CW, 806401, B0, T0, T0);
	assert_int_equal(hp_daa_quiet_blocks(&a), 0);

	/* a whole epoch at 660 s a block, by appends and with skips */
	start(&a, &BTC, 806400, B0, T0, 0);
	start(&b, &BTC, 806400, B0, T0, 0);
	assert_int_equal(run(&a, &t, 2016, 660), 1);
	tb = T0 + 660;
	assert_false(hp_daa_append(&b, tb)); /* the first block: its time */
	hp_daa_skip_quiet(&b, 1000);
	assert_int_equal(hp_daa_quiet_blocks(&b), 1014);
	hp_daa_skip_quiet(&b, 1014);
	assert_int_equal(b.height, 806400 + 2015);
	assert_true(hp_daa_append(&b, T0 + 2016 * 660));
	assert_int_equal(b.height, a.height);
	assert_int_equal(b.epoch_first_time, a.epoch_first_time);
	assert_bits(b.bits, a.bits, "skipped epoch", 0);
	assert_bits(b.bits, 0x17027a1f, "skipped epoch", 0);
	assert_true(b.difficulty == a.difficulty);
}

/*
 * 2015 intervals of 660 s: timespan 1,329,900 s. python3: t * 1329900 //
 * 1209600 = 0x27a1f89555...55 -> 17027a1f (10% easier, truncated).
 */
static void test_bitcoin_660(void **state)
{
	(void)state;
	struct hp_daa d;
	struct hp_retarget r;
	int64_t t = T0;

	start(&d, &BTC, 806400, B0, T0, 0);
	assert_int_equal(run(&d, &t, 2016, 660), 1);
	assert_bits(d.bits, 0x17027a1f, "bitcoin 660 s", 0);
	hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), B0, T0 + 660, T0 + 2016 * 660, &r);
	assert_bits(r.bits, 0x17027a1f, "hp_consensus_retarget 660 s", 0);
	assert_int_equal(r.timespan_s, 1329900);
}

/*
 * Starting mid-epoch: the epoch's first block (806,400) was at F = T0; we
 * start before 807,400 and add 1,016 blocks 613 s apart after a block
 * 807,399 at F + 999 * 613, so the timespan is 2015 * 613 = 1,235,195 s.
 * python3: GetCompact(t * 1235195 // 1209600) = 17024cf7. Then the
 * clamps: 2015 intervals of 3000 s (past 4T) give exactly 4t = 0x9030c <<
 * 168 -> 1709030c; of 100 s (under T/4) t // 4 -> 17009030; and a chain at
 * the limit that slows down stays at the limit (1d00ffff, no change).
 */
static void test_bitcoin_mid_epoch_and_clamps(void **state)
{
	(void)state;
	struct hp_daa d;
	int64_t t = T0 + 999 * 613;

	start(&d, &BTC, 807400, B0, t, T0);
	assert_int_equal(run(&d, &t, 1015, 613), 0);
	assert_true(hp_daa_append(&d, t += 613));
	assert_bits(d.bits, 0x17024cf7, "bitcoin mid-epoch start", 0);

	static const struct {
		int64_t dt;
		uint32_t from, want;
	} clamps[] = {
		{3000, B0, 0x1709030c},
		{100, B0, 0x17009030},
		{700, LIMIT_BITS, LIMIT_BITS},
	};
	for (size_t i = 0; i < N_OF(clamps); i++) {
		t = T0;
		start(&d, &BTC, 2016 * 5, clamps[i].from, T0, 0);
		run(&d, &t, 2016, clamps[i].dt);
		assert_bits(d.bits, clamps[i].want, "bitcoin clamp", i);
	}
}

/* ------------------------------------------------------------------ */
/* cw-144                                                              */
/* ------------------------------------------------------------------ */

/* The target must move the way ABC's loop checks it, then move on. */
static void abc_step(struct hp_daa *d, int64_t *t, int64_t dt, int cmp, unsigned shift,
		     size_t i)
{
	struct hp_u256 cur = target_of(d->bits);
	*t += dt;
	hp_daa_append(d, *t);
	struct hp_u256 next = target_of(d->bits);
	int c = hp_u256_cmp(next, cur);
	bool ok = cmp < 0 ? c < 0 : cmp > 0 ? c > 0 : c >= 0;
	struct hp_u256 step = c < 0 ? hp_u256_sub(cur, next, NULL) : hp_u256_sub(next, cur, NULL);
	if (!ok || hp_u256_cmp(step, hp_u256_shr(cur, shift)) >= 0 ||
	    hp_u256_cmp(next, hp_consensus_params(HP_NET_MAIN)->pow_limit) > 0) {
		print_error("ABC daa_test step %zu (dt %lld): %08" PRIx32 "\n", i, (long long)dt,
			    d->bits);
		fail();
	}
}

/*
 * Bitcoin ABC src/pow/test/daa_tests.cpp, daa_test, block for block: 2049
 * blocks 600 s apart at GetCompact(powLimit >> 4) = 1c0fffff after a
 * genesis at 1269211443 (our window holds the last 147 of them), then the
 * same intervals and the same checks, ending on its seven nBits.
 */
static void test_cw144_abc_daa_test(void **state)
{
	(void)state;
	struct hp_daa d;
	int64_t t = INT64_C(1269211443) + 2049 * 600;
	const uint32_t initial = 0x1c0fffff;
	size_t i = 0;

	start(&d, &CW, 2050, initial, t, 0);
	/* steady, then a block far in the future and one back: no change */
	assert_int_equal(run(&d, &t, 10, 600), 0);
	assert_int_equal(run(&d, &t, 1, 6000), 0);
	assert_int_equal(run(&d, &t, 1, 2 * 600 - 6000), 0);
	assert_int_equal(run(&d, &t, 20, 600), 0);
	assert_int_equal(run(&d, &t, 1, 550), 0);
	assert_bits(d.bits, initial, "ABC: unaffected by the skewed block", 0);
	/* slightly faster: harder, by less than 1/1024 a block */
	for (int j = 0; j < 10; j++)
		abc_step(&d, &t, 550, -1, 10, i++);
	assert_bits(d.bits, 0x1c0fe7b1, "ABC: 550 s blocks", 0);
	/* much faster: harder, by less than 1/16 a block */
	for (int j = 0; j < 20; j++)
		abc_step(&d, &t, 10, -1, 4, i++);
	assert_bits(d.bits, 0x1c0db19f, "ABC: 10 s blocks", 0);
	run(&d, &t, 1, 6000);
	assert_bits(d.bits, 0x1c0d9222, "ABC: first slow block", 0);
	/* much slower: easier, by less than 1/8 a block */
	for (int j = 0; j < 93; j++)
		abc_step(&d, &t, 6000, 1, 3, i++);
	assert_bits(d.bits, 0x1c2f13b9, "ABC: 6000 s blocks", 0);
	run(&d, &t, 1, 6000);
	assert_bits(d.bits, 0x1c2ee9bf, "ABC: the bounded window turns harder", 0);
	for (int j = 0; j < 192; j++)
		abc_step(&d, &t, 6000, 1, 3, i++);
	assert_bits(d.bits, LIMIT_BITS, "ABC: at the limit", 0);
	assert_int_equal(run(&d, &t, 5, 6000), 0);
	assert_bits(d.bits, LIMIT_BITS, "ABC: stays at the limit", 0);
	/* fast again: easier for a while (not harder), then harder */
	for (int j = 0; j < 130; j++)
		abc_step(&d, &t, 10, 0, 3, i++);
	for (int j = 0; j < 70; j++)
		abc_step(&d, &t, 10, -1, 3, i++);
	assert_bits(d.bits, 0x1c4c068c, "ABC: final", 0);
	assert_int_equal(d.height, 2605);
}

/*
 * python3, the same window (147 blocks at B0 every 600 s up to T0), then:
 * 600 s blocks: W = 144 w 600 / (144 * 600) = w exactly, target =
 * (2^256 - w) // w = 0x240c3 << 168 + 0x3b5372cb3...61a2f, whose compact
 * form is B0 again, for all 500 blocks; 300 s blocks (hashrate doubled):
 * nothing moves at the first block (the median of three is the last old
 * one), then 2: 17023ec2, 10: 17022e59, 50: 1701cec4, 100: 17013b99,
 * 144: 1700b423, 147: 1700adf1 (the window is all 300 s blocks; the target
 * is about half, and keeps falling because the work in the window rises),
 * 200: 16660ed6, 300: 1622aca7.
 */
static void test_cw144_steady_and_faster(void **state)
{
	(void)state;
	static const struct {
		size_t n;
		uint32_t bits;
	} doubled[] = {{1, B0},	       {2, 0x17023ec2},	  {10, 0x17022e59},  {50, 0x1701cec4},
		       {100, 0x17013b99}, {144, 0x1700b423}, {147, 0x1700adf1}, {200, 0x16660ed6},
		       {300, 0x1622aca7}};
	struct hp_daa d;
	int64_t t = T0;
	size_t done = 0;

	start(&d, &CW, 953568, B0, T0, 0);
	assert_int_equal(run(&d, &t, 500, 600), 0);
	assert_bits(d.bits, B0, "cw-144 600 s", 0);
	/* chain work: 147 + 500 blocks of GetBlockProof(B0) */
	struct hp_u256 w;
	assert_int_equal(hp_u256_from_dec("536590761418915805470629", &w, "w", NULL), HP_OK);
	assert_true(hp_u256_cmp(hp_consensus_block_work(B0), w) == 0);
	assert_true(hp_u256_cmp(d.chain_work, hp_u256_mul_u64(w, 647, NULL)) == 0);

	t = T0;
	start(&d, &CW, 953568, B0, T0, 0);
	for (size_t i = 0; i < N_OF(doubled); i++) {
		run(&d, &t, doubled[i].n - done, 300);
		done = doubled[i].n;
		assert_bits(d.bits, doubled[i].bits, "cw-144 300 s blocks", doubled[i].n);
	}
}

/*
 * The clamp of the timespan to [72, 288] * 600 s. From the steady window
 * (blocks ..., T0 - 600, T0), two blocks each `jump` seconds after the
 * previous: after the first the median of three is still T0 (no change);
 * after the second it is the first jumped block, so the timespan from the
 * first suitable block (T0 - 144 * 600) is 143 * 600 + jump. A jump of
 * 100,000 s or 1,000,000 s is past 288 * 600 either way: W = 144 w 600 /
 * 172800 = w / 2, and python3 gives (2^256 - W) // W -> 17048186 for both
 * (exactly twice the target, 0x48186 << 168, in compact form). Jumps of
 * -100,000 s and -1,000,000 s give a negative timespan, clamped to 72 *
 * 600: W = 2w -> 17012061 (half). Two more 600 s blocks: 1704858a and
 * 17011e64, the same for both sizes of jump.
 */
static void test_cw144_clamps(void **state)
{
	(void)state;
	static const struct {
		int64_t jump;
		uint32_t bits[4];
	} cases[] = {
		{100000, {B0, 0x17048186, 0x17048186, 0x1704858a}},
		{1000000, {B0, 0x17048186, 0x17048186, 0x1704858a}},
		{-100000, {B0, 0x17012061, 0x17011c6e, 0x17011e64}},
		{-1000000, {B0, 0x17012061, 0x17011c6e, 0x17011e64}},
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct hp_daa d;
		int64_t t = T0;
		start(&d, &CW, 953568, B0, T0, 0);
		const int64_t dts[4] = {cases[i].jump, cases[i].jump, 600, 600};
		for (size_t k = 0; k < 4; k++) {
			hp_daa_append(&d, t += dts[k]);
			assert_bits(d.bits, cases[i].bits[k], "cw-144 clamp", i * 10 + k);
		}
	}
}

/* ------------------------------------------------------------------ */
/* ASERT                                                               */
/* ------------------------------------------------------------------ */

/* On schedule the exponent is 0, the factor 65536: the target is the
 * anchor's, whose compact form is the bits, for every block. */
static void test_asert_on_schedule(void **state)
{
	(void)state;
	static const uint32_t starts[] = {B0, 0x1804dafe, LIMIT_BITS, 0x01010000};
	for (size_t i = 0; i < N_OF(starts); i++) {
		struct hp_daa d;
		int64_t t = T0;
		start(&d, &ASERT, 661648, starts[i], T0, 0);
		assert_int_equal(run(&d, &t, 1000, 600), 0);
		assert_bits(d.bits, starts[i], "asert on schedule", i);
	}
}

/*
 * One half-life (172,800 s) behind schedule: exponent 65536, shifts 1,
 * frac 0, factor 65536: exactly twice the target; ahead: exactly half.
 * python3: 2 * (0x240c3 << 168) -> 17048186, half -> 17012061; for
 * 1802aee8 (BCHN's runs), 18055dd0 and 18015774.
 *
 * Fractions (the next block after the anchor, `late` seconds off
 * schedule), python3 with C's truncating division:
 *   late    exponent  (exact)       shifts frac  factor  bits
 *   1000      379     (379.2593)     0     379   65800   17024315
 *  -1000     -379     (-379.2593)   -1   65157  130549   17023e75
 *   12345    4681     (4681.9556)    0    4681   68869   17025e18
 *  -54321  -20601     (-20601.7422) -1   44935  105412   1701cfd9
 * e.g. 1000: (195766423245049 * 379 + 971821376 * 379^2 + 5127 * 379^3 +
 * 2^47) >> 48 = 74476084406066168 >> 48 = 264, factor 65800, target =
 * (t * 65800) >> 16 = 0x24315c918 << 144 (2^(1000/172800) = 1.004019, the
 * factor 1.004028). With floor division the -1000 case would take exponent
 * -380 and give 17023e74 instead.
 */
static void test_asert_half_life_and_fractions(void **state)
{
	(void)state;
	static const struct {
		uint32_t from;
		int64_t late;
		uint32_t want;
	} cases[] = {
		{B0, 172800, 0x17048186},	  {B0, -172800, 0x17012061},
		{0x1802aee8, 172800, 0x18055dd0}, {0x1802aee8, -172800, 0x18015774},
		{B0, 1000, 0x17024315},		  {B0, -1000, 0x17023e75},
		{B0, 12345, 0x17025e18},	  {B0, -54321, 0x1701cfd9},
		/* far behind and far ahead: the limit and the smallest target */
		{B0, 1000000000, LIMIT_BITS},	  {B0, -1000000000, 0x01010000},
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct hp_daa d;
		start(&d, &ASERT, 700000, cases[i].from, T0, 0);
		assert_true(hp_daa_append(&d, T0 + 600 + cases[i].late));
		assert_bits(d.bits, cases[i].want, "asert", i);
		double diff;
		assert_true(hp_consensus_difficulty(cases[i].want, &diff));
		assert_true(d.difficulty == diff);
	}
	/* exactly twice: the decoded target, not just its compact form */
	struct hp_daa d;
	start(&d, &ASERT, 700000, B0, T0, 0);
	hp_daa_append(&d, T0 + 600 + 172800);
	assert_true(hp_u256_cmp(target_of(d.bits), hp_u256_shl(target_of(B0), 1)) == 0);
}

/*
 * Bitcoin ABC src/pow/test/aserti32d_tests.cpp, calculate_asert_test:
 * CalculateASERT(refTarget, 600, 600 + timeDiff, heightDiff) -> nBits.
 * Through hp_daa: the anchor's target is set directly (the state is a
 * plain value) and block anchor_height + heightDiff is appended at
 * anchor_parent_time + 600 + timeDiff. powLimit = 2^224 - 1.
 */
static void test_asert_abc_table(void **state)
{
	(void)state;
	const struct hp_u256 pl = hp_consensus_params(HP_NET_MAIN)->pow_limit;
	const struct hp_u256 one = hp_u256_from_u64(1);
	const struct hp_u256 single_300 = U(0x00000000ffb1ffff, 0xffffffffffffffff,
					    0xffffffffffffffff, 0xffffffffffffffff);
	const struct hp_u256 funny = U(0x0000000080000000, 0x0000000000000000, 0x000fffffffffffff,
				       0xffffffffffffffff);
	const struct {
		struct hp_u256 ref;
		int64_t time_diff, height_diff;
		uint32_t bits;
	} cases[] = {
		{pl, 0, 2 * 144, 0x1c7fffff},
		{pl, 0, 4 * 144, 0x1c3fffff},
		{hp_u256_shr(pl, 1), 0, 2 * 144, 0x1c3fffff},
		{hp_u256_shr(pl, 2), 0, 2 * 144, 0x1c1fffff},
		{hp_u256_shr(pl, 3), 0, 2 * 144, 0x1c0fffff},
		{pl, 0, 2 * (256 - 34) * 144, 0x01030000},
		{pl, 0, 2 * (256 - 34) * 144 + 119, 0x01030000},
		{pl, 0, 2 * (256 - 34) * 144 + 120, 0x01020000},
		{pl, 0, 2 * (256 - 33) * 144 - 1, 0x01020000},
		{pl, 0, 2 * (256 - 33) * 144, 0x01010000},
		{pl, 0, 2 * (256 - 32) * 144, 0x01010000},
		{one, 0, 2 * (256 - 32) * 144, 0x01010000},
		{pl, 2 * (512 - 32) * 144, 0, LIMIT_BITS},
		{one, (512 - 64) * 144 * 600, 0, LIMIT_BITS},
		{pl, 300, 1, 0x1d00ffb1},		    /* SINGLE_300_TARGET */
		{funny, 600 * 2 * 33 * 144, 0, LIMIT_BITS}, /* overflow not visible in the result */
		{one, 600 * 2 * 256 * 144, 0, LIMIT_BITS},  /* exactly 2^256 */
		{one, 600 * 2 * 224 * 144 - 1, 0, LIMIT_BITS}, /* 0xffff8 << 204: not clamped */
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		struct hp_daa d;
		start(&d, &ASERT, 1001, LIMIT_BITS, T0, 0);
		d.anchor_target = cases[i].ref;
		d.height = d.anchor_height + cases[i].height_diff;
		hp_daa_append(&d, d.anchor_parent_time + 600 + cases[i].time_diff);
		assert_bits(d.bits, cases[i].bits, "ABC calculate_asert_test", i);
	}
	/* ABC's SINGLE_300_TARGET is the target itself: 0x00000000ffb1ff...ff */
	struct hp_daa d;
	start(&d, &ASERT, 1001, LIMIT_BITS, T0, 0);
	hp_daa_append(&d, T0 + 300);
	assert_bits(d.bits, hp_consensus_compact_encode(single_300, false), "SINGLE_300", 0);
}

/*
 * BCHN's aserti3-2d QA vectors (see the top of the file): each run has an
 * anchor (height, parent time, nBits); a row (height, time, nBits) is the
 * block at that height and time and the nBits of the next. hp_daa_init at
 * anchor height + 1 with last_time = parent time + 600 has exactly that
 * anchor; rows of consecutive heights are appended in order.
 */
struct qa_row {
	int64_t height, time;
	uint32_t bits;
};

static void run_qa(const char *name, int64_t anchor_height, int64_t parent_time,
		   uint32_t anchor_bits, const struct qa_row *rows, size_t n, bool check_all)
{
	struct hp_daa d;
	start(&d, &ASERT, anchor_height + 1, anchor_bits, parent_time + 600, 0);
	assert_int_equal(d.anchor_height, anchor_height);
	assert_int_equal(d.anchor_parent_time, parent_time);
	for (size_t i = 0; i < n; i++) {
		/* run05 jumps 288 blocks at a time: move the height along */
		d.height = rows[i].height;
		hp_daa_append(&d, rows[i].time);
		if (check_all || rows[i].bits != 0)
			assert_bits(d.bits, rows[i].bits, name, i);
	}
}

static void test_asert_bchn_runs(void **state)
{
	(void)state;
	/* run04: from the minimum target, one extra half-life a block */
	static const struct qa_row run04[] = {{2, 174000, 0x01020000}, {3, 347400, 0x01040000}};
	/* run05: from the limit, 288 blocks at a time without time passing */
	static const struct qa_row run05[] = {{2, 0, 0x1d00fec5}, {290, 0, 0x1c7f62c0}};
	/* run06: random solve times at stable hashrate, first 11 rows */
	static const struct qa_row run06[] = {
		{2, 1200, 0x1802aee8}, {3, 1310, 0x1802ad91},  {4, 1327, 0x1802abf8},
		{5, 1739, 0x1802ab73}, {6, 2219, 0x1802ab20},  {7, 2604, 0x1802aa89},
		{8, 2746, 0x1802a94b}, {9, 7099, 0x1802b39c},  {10, 7099, 0x1802b1f2},
		{11, 7657, 0x1802b1d4}, {12, 8626, 0x1802b2db},
	};
	/* run09: 300 s blocks across the signed 32-bit height limit */
	static const struct qa_row run09[] = {
		{2147483643, 1234568190, 0x1802ae16}, {2147483644, 1234568490, 0x1802ad44},
		{2147483645, 1234568790, 0x1802ac71}, {2147483646, 1234569090, 0x1802ab9e},
		{2147483647, 1234569390, 0x1802aacd}, {2147483648, 1234569690, 0x1802a9fa},
		{2147483649, 1234569990, 0x1802a929}, {2147483650, 1234570290, 0x1802a858},
		{2147483651, 1234570590, 0x1802a787}, {2147483652, 1234570890, 0x1802a6b7},
	};
	/* run10: 900 s blocks near the signed 64-bit height limit (rows 1
	 * and 3 as transcribed; row 2 is appended but not checked) */
	static const struct qa_row run10[] = {
		{INT64_MAX - 4, 2147484547, 0x1802afbb},
		{INT64_MAX - 3, 2147485447, 0},
		{INT64_MAX - 2, 2147486347, 0x1802b166},
	};
	run_qa("run04", 1, 0, 0x01010000, run04, N_OF(run04), true);
	run_qa("run05", 1, 0, LIMIT_BITS, run05, N_OF(run05), true);
	run_qa("run06", 1, 0, 0x1802aee8, run06, N_OF(run06), true);
	run_qa("run09", 2147483642, 1234567290, 0x1802aee8, run09, N_OF(run09), true);
	run_qa("run10", INT64_MAX - 5, 2147483047, 0x1802aee8, run10, N_OF(run10), false);

	/* (height diff, time diff) pairs of runs 11 and 12, where times go
	 * backwards, anchor 1802aee8 */
	static const struct {
		int64_t height_diff, time_diff;
		uint32_t bits;
	} back[] = {{2, 1496, 0x1802ae12}, {3, 1398, 0x1802ac28}, {2, 1199, 0x1802ad44},
		    {3, 1198, 0x1802ab9e}};
	for (size_t i = 0; i < N_OF(back); i++) {
		struct hp_daa d;
		start(&d, &ASERT, 2, 0x1802aee8, 600, 0);
		d.height = 1 + back[i].height_diff;
		hp_daa_append(&d, back[i].time_diff);
		assert_bits(d.bits, back[i].bits, "runs 11-12", i);
	}
}

/* Times at the ends of int64: no overflow, the saturated answers. */
static void test_asert_extremes(void **state)
{
	(void)state;
	struct hp_daa d;
	start(&d, &ASERT, 10, B0, T0, 0);
	hp_daa_append(&d, INT64_MAX);
	assert_bits(d.bits, LIMIT_BITS, "INT64_MAX", 0);
	hp_daa_append(&d, INT64_MIN);
	assert_bits(d.bits, 0x01010000, "INT64_MIN", 0);
	/* |num| just under and just over 2^47 (the reference's int64 range) */
	start(&d, &ASERT, 10, B0, 0, 0);
	hp_daa_append(&d, (INT64_C(1) << 47) - 1);
	assert_bits(d.bits, LIMIT_BITS, "2^47 - 1 late", 0);
	start(&d, &ASERT, 10, B0, 0, 0);
	hp_daa_append(&d, -(INT64_C(1) << 47));
	assert_bits(d.bits, 0x01010000, "2^47 early", 0);

	/* cw-144 and Bitcoin take the same extremes without overflow */
	start(&d, &CW, 10, B0, T0, 0);
	hp_daa_append(&d, INT64_MAX);
	hp_daa_append(&d, INT64_MIN);
	hp_daa_append(&d, INT64_MAX);
	/* python3: the median of three is a block at INT64_MAX, the timespan
	 * clamps at 288 * 600 -> 17048997 */
	assert_bits(d.bits, 0x17048997, "cw-144 extremes", 0);
	start(&d, &BTC, 2016, B0, T0, 0);
	hp_daa_append(&d, INT64_MIN);
	for (int i = 0; i < 2014; i++)
		hp_daa_append(&d, T0);
	hp_daa_append(&d, INT64_MAX);
	assert_bits(d.bits, 0x1709030c, "bitcoin extremes", 0);
}

/* The state is a plain value: a copy goes on exactly like the original. */
static void test_copy(void **state)
{
	(void)state;
	static const struct hp_daa_params *const ps[] = {&BTC, &CW, &ASERT};
	for (size_t k = 0; k < N_OF(ps); k++) {
		struct hp_daa a, b;
		int64_t t = T0;
		start(&a, ps[k], 2016 * 100 + 7, B0, T0, T0 - 7 * 600);
		for (int i = 0; i < 3000; i++) {
			/* a deterministic, irregular pattern of intervals */
			t += 60 + (i * 7919) % 1500 - (i % 17 == 0 ? 2000 : 0);
			hp_daa_append(&a, t);
			if (i == 1500)
				b = a;
			if (i > 1500) {
				hp_daa_append(&b, t);
				assert_bits(b.bits, a.bits, "copy", i);
				assert_true(b.difficulty == a.difficulty);
			}
		}
		assert_int_equal(a.height, 2016 * 100 + 7 + 3000);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_names),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_init_state),
		cmocka_unit_test(test_bitcoin_steady),
		cmocka_unit_test(test_bitcoin_660),
		cmocka_unit_test(test_quiet_blocks),
		cmocka_unit_test(test_bitcoin_mid_epoch_and_clamps),
		cmocka_unit_test(test_cw144_abc_daa_test),
		cmocka_unit_test(test_cw144_steady_and_faster),
		cmocka_unit_test(test_cw144_clamps),
		cmocka_unit_test(test_asert_on_schedule),
		cmocka_unit_test(test_asert_half_life_and_fractions),
		cmocka_unit_test(test_asert_abc_table),
		cmocka_unit_test(test_asert_bchn_runs),
		cmocka_unit_test(test_asert_extremes),
		cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
