/*
 * test_chainstats.c - the hashrate and fee estimators against hand
 * computations.
 *
 * Work of bits 1d00ffff: 2^256 / (0xffff x 2^208 + 1) = 4,295,032,833.
 * Work of bits 1701f303 (epoch 465): 620,195,875,552,962,790,465,090
 * (`hashpivot bits 1701f303`).
 */
#include <math.h>

#include "support/testutil.h"
#include "hashpivot/chainstats.h"

#define W1 4295032833.0

/* Three blocks, the last older than its parent (median-time-past allows it):
 * the work of blocks 1 and 2 over max - min time = 1600 - 1000. */
static void test_hashrate_small(void **state)
{
	struct hp_chainstats_block b[3] = {
		{ .time = 1000, .bits = 0x1d00ffff },
		{ .time = 1600, .bits = 0x1d00ffff },
		{ .time = 1500, .bits = 0x1d00ffff },
	};

	(void)state;
	assert_double_rel(hp_chainstats_hashrate(b, 3), 2 * W1 / 600, 1e-15);
	/* two blocks: one interval of 600 s */
	assert_double_rel(hp_chainstats_hashrate(b, 2), W1 / 600, 1e-15);
	/* b[0]'s own work never counts: the same rate with a different first bits */
	b[0].bits = 0x1701f303;
	assert_double_rel(hp_chainstats_hashrate(b, 2), W1 / 600, 1e-15);
}

static void test_hashrate_unknown(void **state)
{
	struct hp_chainstats_block b[2] = {
		{ .time = 1000, .bits = 0x1d00ffff },
		{ .time = 1000, .bits = 0x1d00ffff },
	};

	(void)state;
	assert_true(isnan(hp_chainstats_hashrate(b, 0)));
	assert_true(isnan(hp_chainstats_hashrate(b, 1)));
	assert_true(isnan(hp_chainstats_hashrate(b, 2))); /* no time elapsed */
}

/*
 * The 144-block window of tests/data/chaindb/tail.sql: blocks 937,456 ..
 * 937,600, 590 s apart, block 937,599 1000 s late. Work 144 x W(1701f303);
 * time from 937,456 to 937,599's late stamp: 143 x 590 + 1000 = 85,370 s.
 * 144 x 620195875552962790465090 / 85370 = 1.0461310305684274e21 H/s.
 */
static void test_hashrate_window(void **state)
{
	static struct hp_chainstats_block b[145];

	(void)state;
	for (int i = 0; i < 145; i++) {
		b[i].time = 1770336000 + 590 * (937456 + i - 935000);
		b[i].bits = 0x1701f303;
	}
	b[143].time += 1000;
	assert_double_rel(hp_chainstats_hashrate(b, 145), 1.0461310305684274e21, 1e-15);
}

static void test_mean_fees(void **state)
{
	struct hp_chainstats_block b[3] = {
		{ .has_fees = 1, .fees_sats = 1000 },
		{ .has_fees = 0, .fees_sats = 999999 },
		{ .has_fees = 1, .fees_sats = 3001 },
	};
	size_t k = 99;

	(void)state;
	/* (1000 + 3001) / 2 sats = 2000.5 sats */
	assert_double_rel(hp_chainstats_mean_fees_btc(b, 3, &k), 2000.5e-8, 1e-15);
	assert_int_equal(k, 2);
	assert_true(isnan(hp_chainstats_mean_fees_btc(b + 1, 1, &k)));
	assert_int_equal(k, 0);
	assert_true(isnan(hp_chainstats_mean_fees_btc(b, 0, NULL)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashrate_small),
		cmocka_unit_test(test_hashrate_unknown),
		cmocka_unit_test(test_hashrate_window),
		cmocka_unit_test(test_mean_fees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
