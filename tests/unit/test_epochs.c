/*
 * test_epochs.c - the shipped difficulty history (data/btc_difficulty_epochs.csv)
 * loaded through epochs.h and checked against the consensus rules of
 * consensus.h, the way a node would check it:
 *
 *   - every raw header hashes to the row's hash, links to the row's previous
 *     hash, carries the row's bits and time, and meets its own target;
 *   - chain work accumulates exactly, block by block, from genesis;
 *   - every retarget k -> k+1 is one PermittedDifficultyTransition allows,
 *     and one compact step past either limit is refused;
 *   - recomputing each retarget from the two start times lands next to the
 *     real bits (the real rule uses the last block's time, which the table
 *     does not have; see test_retarget_from_start_times);
 *   - the difficulty column is GetDifficulty(bits);
 *   - bitcoinj's and Electrum's checkpoint files (also shipped) agree.
 *
 * Then the loader's own contract on small fixtures in tests/data/csv/:
 * shuffled columns, empty optional fields, and one exact message per kind
 * of bad row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/epochs.h"
#include "hashpivot/hex.h"
#include "hashpivot/u256.h"

#define EPOCHS_PATH "data/btc_difficulty_epochs.csv"
#define BITCOINJ_PATH "data/bitcoinj_checkpoints_mainnet.txt"
#define ELECTRUM_PATH "data/electrum_checkpoints_mainnet.json"
#define FIXTURES "tests/data/csv/"

/* What the shipped file holds (data/SOURCES.md). */
#define N_EPOCHS 474
#define LAST_FULL_EPOCH 436 /* rows 0..436 have time, hashes, header, chain work */

static struct hp_epochs table;

static int load_table(void **state)
{
	struct hp_error err;

	(void)state;
	if (hp_epochs_load(EPOCHS_PATH, &table, &err) != HP_OK) {
		print_error("%s\n", err.message);
		return -1;
	}
	return 0;
}

static int release_table(void **state)
{
	(void)state;
	hp_epochs_release(&table);
	return 0;
}

static const struct hp_chain_params *mainnet(void)
{
	return hp_consensus_params(HP_NET_MAIN);
}

static bool u256_eq(struct hp_u256 a, struct hp_u256 b)
{
	return hp_u256_cmp(a, b) == 0;
}

/* Report the row and both values when two 256-bit numbers differ. */
static void check_u256_row(struct hp_u256 got, struct hp_u256 want, const char *what, size_t k,
			   const char *file, int line)
{
	char g[HP_U256_HEX_LEN], w[HP_U256_HEX_LEN];

	if (u256_eq(got, want))
		return;
	print_error("%s, epoch %zu: got %s, want %s\n", what, k, hp_u256_to_hex(got, g),
		    hp_u256_to_hex(want, w));
	_fail(file, line);
}
#define assert_u256_row(got, want, what, k) \
	check_u256_row((got), (want), (what), (k), __FILE__, __LINE__)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ */
/* the shipped table                                                    */
/* ------------------------------------------------------------------ */

static void test_shape(void **state)
{
	size_t k, n_header = 0, n_time = 0, n_hash = 0, n_cw = 0, n_prev = 0, n_date = 0;

	(void)state;
	assert_int_equal(table.n, N_EPOCHS);
	for (k = 0; k < table.n; k++) {
		const struct hp_epoch *e = &table.v[k];
		bool full = k <= LAST_FULL_EPOCH;

		assert_int_equal(e->epoch, k);
		assert_int_equal(e->start_height, (int64_t)k * 2016);
		assert_int_equal(e->has_header, full);
		assert_int_equal(e->has_start_time, full);
		assert_int_equal(e->has_start_hash, full);
		assert_int_equal(e->has_chainwork, full);
		n_header += e->has_header;
		n_time += e->has_start_time;
		n_hash += e->has_start_hash;
		n_cw += e->has_chainwork;
		n_prev += e->has_prev_hash;
		n_date += e->start_date[0] != '\0';
	}
	assert_int_equal(n_header, LAST_FULL_EPOCH + 1);
	assert_int_equal(n_time, LAST_FULL_EPOCH + 1);
	assert_int_equal(n_hash, LAST_FULL_EPOCH + 1);
	assert_int_equal(n_cw, LAST_FULL_EPOCH + 1);
	assert_int_equal(n_prev, N_EPOCHS);
	assert_int_equal(n_date, N_EPOCHS - 2); /* Coin Metrics stops before 472 */

	/* The genesis block and the last row, as the file states them. */
	assert_int_equal(table.v[0].bits, 0x1d00ffff);
	assert_int_equal(table.v[0].start_time, 1231006505);
	assert_string_equal(table.v[0].start_date, "2009-01-09"); /* see data/SOURCES.md */
	assert_int_equal(table.v[N_EPOCHS - 1].bits, 0x170240c3);
	assert_int_equal(table.v[N_EPOCHS - 1].start_height, 953568);
	assert_string_equal(table.v[N_EPOCHS - 2].start_date, "");
}

static void test_find(void **state)
{
	struct hp_epochs empty = { NULL, 0 };

	(void)state;
	assert_ptr_equal(hp_epochs_find(&table, 0), &table.v[0]);
	assert_ptr_equal(hp_epochs_find(&table, 2015), &table.v[0]);
	assert_ptr_equal(hp_epochs_find(&table, 2016), &table.v[1]);
	assert_ptr_equal(hp_epochs_find(&table, 840000), &table.v[416]); /* the 4th halving */
	assert_ptr_equal(hp_epochs_find(&table, 953568), &table.v[473]);
	assert_ptr_equal(hp_epochs_find(&table, 953568 + 2015), &table.v[473]);
	assert_null(hp_epochs_find(&table, 953568 + 2016));
	assert_null(hp_epochs_find(&table, -1));
	assert_null(hp_epochs_find(&table, INT64_MIN));
	assert_null(hp_epochs_find(&table, INT64_MAX));
	assert_null(hp_epochs_find(&empty, 0));
	assert_null(hp_epochs_find(NULL, 0));
}

static void test_headers(void **state)
{
	const struct hp_chain_params *p = mainnet();
	size_t k, checked = 0;

	(void)state;
	for (k = 0; k < table.n; k++) {
		const struct hp_epoch *e = &table.v[k];
		struct hp_header h;
		uint8_t hash[32], raw[HP_HEADER_SIZE];
		struct hp_error err;

		if (!e->has_header)
			continue;
		hp_consensus_header_decode(e->header, &h);
		assert_int_equal(h.bits, e->bits);
		assert_int_equal(h.time, e->start_time);
		assert_memory_equal(h.prev_hash, e->prev_hash, 32);
		assert_int_equal(hp_consensus_header_hash(e->header, hash, &err), HP_OK);
		assert_memory_equal(hash, e->start_hash, 32);
		if (!hp_consensus_check_pow(p, hash, e->bits))
			fail_msg("epoch %zu: header does not meet its target", k);
		hp_consensus_header_encode(&h, raw);
		assert_memory_equal(raw, e->header, HP_HEADER_SIZE);
		checked++;
	}
	assert_int_equal(checked, LAST_FULL_EPOCH + 1);
	{
		static const uint8_t zero[32];
		assert_memory_equal(table.v[0].prev_hash, zero, 32);
	}
}

static void test_chainwork(void **state)
{
	struct hp_u256 genesis_work = hp_consensus_block_work(0x1d00ffff);
	size_t k, pairs = 0;

	(void)state;
	/* Core counts the genesis block's own work: 2^256 / (target + 1). */
	assert_u256_row(genesis_work, hp_u256_from_u64(UINT64_C(0x100010001)), "work(1d00ffff)",
			0);
	assert_true(table.v[0].has_chainwork);
	assert_u256_row(table.v[0].chainwork, genesis_work, "genesis chain work", 0);
	assert_u256_row(table.v[1].chainwork, hp_u256_from_u64(UINT64_C(0x7e107e107e1)),
			"2017 blocks of work(1d00ffff)", 1);

	/* cw[k+1] = cw[k] + 2015 * work(bits_k) + work(bits_k+1): the rest of
	 * epoch k after its first block, then the first block of k+1. */
	for (k = 0; k + 1 < table.n; k++) {
		const struct hp_epoch *a = &table.v[k], *b = &table.v[k + 1];
		struct hp_u256 want;
		bool carry = false, overflow = false;

		if (!a->has_chainwork || !b->has_chainwork)
			continue;
		want = hp_u256_mul_u64(hp_consensus_block_work(a->bits), 2015, &overflow);
		want = hp_u256_add(a->chainwork, want, &carry);
		want = hp_u256_add(want, hp_consensus_block_work(b->bits), &carry);
		assert_false(carry || overflow);
		assert_u256_row(b->chainwork, want, "chain work", k + 1);
		pairs++;
	}
	assert_int_equal(pairs, LAST_FULL_EPOCH);
}

/* The compact word one mantissa step above (dir > 0) or below bits. */
static uint32_t compact_step(uint32_t bits, int dir)
{
	uint32_t exponent = bits >> 24, mantissa = bits & 0x007fffff;

	if (dir > 0) {
		if (mantissa < 0x007fffff)
			return (exponent << 24) | (mantissa + 1);
		/* 0x800000 would read as the sign bit: the same value one byte up. */
		return ((exponent + 1) << 24) | 0x008000;
	}
	assert_true(mantissa > 1);
	return (exponent << 24) | (mantissa - 1);
}

static void test_transitions(void **state)
{
	const struct hp_chain_params *p = mainnet();
	const int64_t span = p->pow_target_timespan_s;
	size_t k, checked = 0;

	(void)state;
	for (k = 0; k + 1 < table.n; k++) {
		const struct hp_epoch *a = &table.v[k], *b = &table.v[k + 1];
		struct hp_retarget easiest, hardest;
		struct hp_u256 t_easy, t_easy_out, t_hard, t_hard_out;
		uint32_t past_easy, past_hard;

		if (!hp_consensus_permitted_transition(p, b->start_height, a->bits, b->bits))
			fail_msg("epoch %zu -> %zu: %08x -> %08x not permitted", k, k + 1,
				 (unsigned)a->bits, (unsigned)b->bits);
		/* Between retargets the bits may not move at all. */
		assert_true(hp_consensus_permitted_transition(p, b->start_height + 1, b->bits,
							      b->bits));
		if (a->bits != b->bits)
			assert_false(hp_consensus_permitted_transition(p, b->start_height - 1,
								       a->bits, b->bits));

		/* The limits are the retargets of a 4x slow and a 4x fast period
		 * (the clamp), rounded through the compact form; both are allowed,
		 * one mantissa step beyond either is not. */
		hp_consensus_retarget(p, a->bits, 0, 4 * span, &easiest);
		hp_consensus_retarget(p, a->bits, 0, span / 4, &hardest);
		assert_true(hp_consensus_permitted_transition(p, b->start_height, a->bits,
							      easiest.bits));
		assert_true(hp_consensus_permitted_transition(p, b->start_height, a->bits,
							      hardest.bits));
		past_easy = compact_step(easiest.bits, +1);
		past_hard = compact_step(hardest.bits, -1);
		t_easy = hp_consensus_compact_decode(easiest.bits, NULL, NULL);
		t_easy_out = hp_consensus_compact_decode(past_easy, NULL, NULL);
		t_hard = hp_consensus_compact_decode(hardest.bits, NULL, NULL);
		t_hard_out = hp_consensus_compact_decode(past_hard, NULL, NULL);
		assert_true(hp_u256_cmp(t_easy_out, t_easy) > 0);
		assert_true(hp_u256_cmp(t_hard_out, t_hard) < 0);
		if (hp_consensus_permitted_transition(p, b->start_height, a->bits, past_easy))
			fail_msg("epoch %zu: %08x (past the easy limit %08x) permitted", k,
				 (unsigned)past_easy, (unsigned)easiest.bits);
		if (hp_consensus_permitted_transition(p, b->start_height, a->bits, past_hard))
			fail_msg("epoch %zu: %08x (past the hard limit %08x) permitted", k,
				 (unsigned)past_hard, (unsigned)hardest.bits);
		/* The real next bits lie between the two limits. */
		{
			struct hp_u256 t = hp_consensus_compact_decode(b->bits, NULL, NULL);
			assert_true(hp_u256_cmp(t, t_easy) <= 0 && hp_u256_cmp(t, t_hard) >= 0);
		}
		checked++;
	}
	assert_int_equal(checked, N_EPOCHS - 1);
}

/*
 * The retarget at the end of epoch k uses the times of its first block
 * (start_time_k) and of its last block, height start_{k+1} - 1. The table
 * has only start_time_{k+1}, the block after that one, so the timespan used
 * here is too long by one block interval (or short, as block times need not
 * increase). With a mean interval of 600 s over a timespan near 1,209,600 s,
 * that is typically 5e-4 relative; the difficulty moves by the same ratio
 * (before the clamp and the 24-bit compact rounding, each far smaller).
 *
 * Measured on the shipped file (436 retargets, k = 0..435): max 0.43%
 * (epoch 353 -> 354: the first block of 354 is time-stamped about 80 min
 * after the last of 353), median 0.033%, 16 exact. An interval over an hour
 * happens about e^-6 = 0.25% of the time, so one or two of 436 is expected.
 * The bounds 0.5% (max) and 0.1% (median) hold the measured values with a
 * little room; a wrong clamp, a wrong timespan or a lost factor would move
 * many epochs by far more.
 */
#define RETARGET_MAX_REL 5e-3
#define RETARGET_MEDIAN_REL 1e-3

static void test_retarget_from_start_times(void **state)
{
	const struct hp_chain_params *p = mainnet();
	double rel[N_EPOCHS];
	size_t k, n = 0, exact = 0, worst = 0;
	double worst_rel = -1, median;

	(void)state;
	for (k = 0; k + 1 < table.n; k++) {
		const struct hp_epoch *a = &table.v[k], *b = &table.v[k + 1];
		struct hp_retarget r;
		double d_est, d_real;

		if (!a->has_start_time || !b->has_start_time)
			continue;
		hp_consensus_retarget(p, a->bits, a->start_time, b->start_time, &r);
		assert_true(hp_consensus_difficulty(r.bits, &d_est));
		assert_true(hp_consensus_difficulty(b->bits, &d_real));
		rel[n] = d_est > d_real ? d_est / d_real - 1 : d_real / d_est - 1;
		exact += r.bits == b->bits;
		if (rel[n] > worst_rel) {
			worst_rel = rel[n];
			worst = k;
		}
		n++;
	}
	assert_int_equal(n, LAST_FULL_EPOCH);
	qsort(rel, n, sizeof(rel[0]), cmp_double);
	median = n % 2 ? rel[n / 2] : (rel[n / 2 - 1] + rel[n / 2]) / 2;
	print_message("retarget from start times: %zu epochs, max rel %.3e (epoch %zu), "
		      "median rel %.3e, %zu exact\n",
		      n, worst_rel, worst, median, exact);
	assert_true(worst_rel < RETARGET_MAX_REL);
	assert_true(median < RETARGET_MEDIAN_REL);
}

static void test_difficulty_column(void **state)
{
	size_t k;

	(void)state;
	/* The column is printed with 6 decimals: 1.000000 is exact, and the
	 * smallest difficulty (1) leaves at most 5e-7 of rounding. */
	for (k = 0; k < table.n; k++) {
		double d;
		assert_true(hp_consensus_difficulty(table.v[k].bits, &d));
		assert_double_rel(table.v[k].difficulty, d, 1e-6);
	}
}

/*
 * A difficulty as people copy it - the double GetDifficulty gives, or the
 * file's 6-decimal rounding of it - must lead back to the real bits. The
 * exact target floor(max / D) of a rounded D can fall a hair under the
 * real target, and GetCompact would then truncate a mantissa step down
 * (170240c3 -> 170240c2); hp_consensus_bits_from_difficulty keeps the
 * nearer of the two compacts, so every one of the 474 epochs round-trips.
 */
static void test_bits_from_difficulty(void **state)
{
	size_t k, rounded = 0;

	(void)state;
	for (k = 0; k < table.n; k++) {
		double d;
		uint32_t bits = 0;
		assert_true(hp_consensus_difficulty(table.v[k].bits, &d));
		assert_int_equal(hp_consensus_bits_from_difficulty(d, &bits, "d", NULL), HP_OK);
		assert_int_equal(bits, table.v[k].bits);
		/* The 6-decimal column identifies the bits only where its rounding
		 * (up to 5e-7) is below half a mantissa step, d / (2 * mantissa):
		 * not for the early difficulties of 1 to about 3.4. */
		double half_step = d / (2.0 * (double)(table.v[k].bits & 0x007fffff));
		if (half_step <= 5e-7)
			continue;
		bits = 0;
		assert_int_equal(hp_consensus_bits_from_difficulty(table.v[k].difficulty, &bits,
								   "d", NULL),
				 HP_OK);
		assert_int_equal(bits, table.v[k].bits);
		rounded++;
	}
	/* every epoch from the first real difficulties of 2010 on */
	assert_true(rounded > 400);
}

/* ------------------------------------------------------------------ */
/* the other two checkpoint files                                       */
/* ------------------------------------------------------------------ */

/* The next line of *p (without its newline), advancing *p; NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *nl;

	if (!*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

/*
 * bitcoinj's checkpoints: "TXT CHECKPOINTS 1", the number of signatures
 * (0), the number of checkpoints, then one base64 StoredBlock a line:
 * 12-byte big-endian chain work, 4-byte big-endian height, 80-byte header.
 */
static void test_bitcoinj_checkpoints(void **state)
{
	const struct hp_chain_params *p = mainnet();
	char *text = hp_test_read_file(BITCOINJ_PATH, NULL), *cur = text, *line;
	size_t count = 0;
	int64_t want_height = 2016;

	(void)state;
	assert_string_equal(next_line(&cur), "TXT CHECKPOINTS 1");
	assert_string_equal(next_line(&cur), "0");
	assert_string_equal(next_line(&cur), "436");
	while ((line = next_line(&cur)) != NULL) {
		unsigned char raw[100];
		uint8_t cw_le[32] = { 0 }, hash[32];
		const struct hp_epoch *e;
		struct hp_u256 cw;
		struct hp_error err;
		int64_t height;
		size_t i;

		if (!line[0])
			continue;
		assert_int_equal(strlen(line), 128);
		assert_int_equal(EVP_DecodeBlock(raw, (const unsigned char *)line, 128), 96);
		for (i = 0; i < 12; i++)
			cw_le[i] = raw[11 - i];
		cw = hp_u256_from_le_bytes(cw_le);
		height = (int64_t)raw[12] << 24 | raw[13] << 16 | raw[14] << 8 | raw[15];
		assert_int_equal(height, want_height);
		want_height += 2016;

		assert_int_equal(hp_consensus_header_hash(raw + 16, hash, &err), HP_OK);
		e = hp_epochs_find(&table, height);
		assert_non_null(e);
		assert_int_equal(e->start_height, height);
		assert_true(e->has_header && e->has_chainwork);
		assert_memory_equal(raw + 16, e->header, HP_HEADER_SIZE);
		assert_memory_equal(hash, e->start_hash, 32);
		assert_true(hp_consensus_check_pow(p, hash, e->bits));
		assert_u256_row(cw, e->chainwork, "bitcoinj chain work", (size_t)e->epoch);
		count++;
	}
	assert_int_equal(count, 436);
	assert_int_equal(want_height - 2016, 878976);
	free(text);
}

/*
 * Electrum's checkpoints.json: entry k is [hash of block 2016(k+1) - 1,
 * target of epoch k+1 as a decimal integer]. The targets pass 64 bits, so
 * the file is scanned by hand instead of through a JSON library.
 */
static void test_electrum_checkpoints(void **state)
{
	char *text = hp_test_read_file(ELECTRUM_PATH, NULL), *s = text;
	size_t count = 0;

	(void)state;
	while ((s = strchr(s, '"')) != NULL) {
		const struct hp_epoch *e;
		char hex[65], dec[HP_U256_DEC_LEN], want_hex[65];
		struct hp_u256 target;
		struct hp_error err;
		size_t n;

		memcpy(hex, s + 1, 64);
		hex[64] = '\0';
		assert_int_equal(s[65], '"');
		s += 66;
		s += strspn(s, " \t\r\n,");
		n = strspn(s, "0123456789");
		assert_true(n > 0 && n < sizeof(dec));
		memcpy(dec, s, n);
		dec[n] = '\0';
		s += n;
		assert_int_equal(hp_u256_from_dec(dec, &target, "target", &err), HP_OK);

		e = hp_epochs_find(&table, (int64_t)(count + 1) * 2016);
		assert_non_null(e);
		assert_true(e->has_prev_hash);
		hp_hex_encode_reversed(e->prev_hash, 32, want_hex);
		assert_string_equal(hex, want_hex);
		assert_u256_row(target, hp_consensus_compact_decode(e->bits, NULL, NULL),
				"electrum target", (size_t)e->epoch);
		count++;
	}
	assert_int_equal(count, N_EPOCHS - 1);
	free(text);
}

/* ------------------------------------------------------------------ */
/* the loader on fixtures                                               */
/* ------------------------------------------------------------------ */

/* Shuffled columns, CRLF endings, a quoted comma, empty optional fields. */
static void test_good_fixture(void **state)
{
	struct hp_epochs t;
	struct hp_error err;
	size_t k;

	(void)state;
	assert_int_equal(hp_epochs_load(FIXTURES "epochs_good.csv", &t, &err), HP_OK);
	assert_int_equal(t.n, 4);
	for (k = 0; k < 3; k++)
		assert_memory_equal(&t.v[k], &table.v[k], sizeof(t.v[k]));
	assert_int_equal(t.v[3].epoch, 3);
	assert_int_equal(t.v[3].start_height, 6048);
	assert_int_equal(t.v[3].bits, 0x1d00ffff);
	assert_double_rel(t.v[3].difficulty, 1.0, 0);
	assert_false(t.v[3].has_start_time);
	assert_false(t.v[3].has_start_hash);
	assert_false(t.v[3].has_chainwork);
	assert_false(t.v[3].has_header);
	assert_true(t.v[3].has_prev_hash);
	assert_memory_equal(t.v[3].prev_hash, table.v[3].prev_hash, 32);
	assert_string_equal(t.v[3].start_date, "");
	assert_ptr_equal(hp_epochs_find(&t, 6048 + 2015), &t.v[3]);
	assert_null(hp_epochs_find(&t, 4 * 2016));
	hp_epochs_release(&t);
	assert_null(t.v);
	assert_int_equal(t.n, 0);
	hp_epochs_release(&t); /* twice is fine, and so is NULL */
	hp_epochs_release(NULL);
}

static void test_bad_fixtures(void **state)
{
	static const struct {
		const char *file;
		enum hp_status status;
		const char *message;
	} cases[] = {
		{ "epochs_bad_bits.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_bits.csv:3: bits: must be 8 hex digits, got '1d00fffg'" },
		{ "epochs_bad_height.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_height.csv:4: start_height: must be 4032 (epoch * 2016), "
			   "got '4033'" },
		{ "epochs_bad_header.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_header.csv:3: start_header_hex: must be 160 hex digits "
			   "(an 80-byte header), got '010000006397bb6abd4fc521c0d3f6071b5650389f0b"
			   "4551bc40b4e6b067306900000000ace470ae...'" },
		{ "epochs_missing_column.csv", HP_EPARSE,
		  FIXTURES "epochs_missing_column.csv:1: missing column 'difficulty'" },
		{ "epochs_bad_date.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_date.csv:4: start_date_cm: must be a date YYYY-MM-DD, "
			   "got '2009-02-29'" },
		{ "epochs_bad_hash.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_hash.csv:3: start_block_hash: must be 64 hex digits, got "
			   "'00000000a141216a896c54f211301c436e557a8d55900637bbdce14c6c7bddez'" },
		{ "epochs_bad_epoch.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_epoch.csv:3: epoch: must be 1 (epochs are consecutive "
			   "from 0), got '2'" },
		{ "epochs_bad_time_utc.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_time_utc.csv:3: start_time_utc: must be "
			   "'2009-01-27T13:38:51Z' (start_time in UTC), got '2009-01-27T13:38:52Z'" },
		{ "epochs_bad_time.csv", HP_EPARSE,
		  FIXTURES "epochs_bad_time.csv:3: start_time: must be an integer from 0 to "
			   "4294967295 (a header time), got '+1233063531'" },
		{ "epochs_header_only.csv", HP_EPARSE,
		  FIXTURES "epochs_header_only.csv:1: no epochs after the header" },
		{ "does_not_exist.csv", HP_EIO,
		  FIXTURES "does_not_exist.csv: cannot open: No such file or directory" },
	};
	static struct hp_epoch dummy;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256];
		struct hp_epochs t = { &dummy, 99 }; /* must come back empty */
		struct hp_error err;

		snprintf(path, sizeof(path), FIXTURES "%s", cases[i].file);
		hp_error_clear(&err);
		assert_int_equal(hp_epochs_load(path, &t, &err), cases[i].status);
		assert_int_equal(err.status, cases[i].status);
		assert_string_equal(err.message, cases[i].message);
		assert_null(t.v);
		assert_int_equal(t.n, 0);
	}
}

/* Every allocation of a load can fail: HP_ENOMEM, an empty table, no leak. */
static void test_alloc_failures(void **state)
{
	enum hp_status ret = HP_ENOMEM;
	long n;

	(void)state;
	for (n = 0; ret != HP_OK; n++) {
		struct hp_epochs t;
		struct hp_error err;

		assert_true(n < 100);
		hp_alloc_fail_after(n);
		ret = hp_epochs_load(FIXTURES "epochs_good.csv", &t, &err);
		hp_alloc_fail_after(-1);
		if (ret != HP_OK) {
			assert_int_equal(ret, HP_ENOMEM);
			assert_null(t.v);
		}
		hp_epochs_release(&t);
	}
	assert_true(n > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_chainwork),
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_retarget_from_start_times),
		cmocka_unit_test(test_difficulty_column),
		cmocka_unit_test(test_bits_from_difficulty),
		cmocka_unit_test(test_bitcoinj_checkpoints),
		cmocka_unit_test(test_electrum_checkpoints),
		cmocka_unit_test(test_good_fixture),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, load_table, release_table);
}
