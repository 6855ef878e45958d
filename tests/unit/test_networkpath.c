/*
 * test_networkpath.c - the exogenous network path (hp_mining_network_path,
 * src/core/mining.c) against hand computations.
 *
 * At difficulty D one hash meets the target with probability 1 / (D 2^32),
 * so 1 PH/s over one block's 600 s finds 1e15 x 600 / (D 2^32) blocks; at
 * D = 1e14 that is 6e17 / (1e14 x 2^32) = 6000 / 2^32 = 1.3969838619e-6
 * blocks (written U below). A day of 144 blocks, each paying R BTC, then
 * earns 144 R U BTC per PH/s.
 *
 * Heights used (main net, halvings every 210,000 blocks, retargets at
 * multiples of 2016):
 *   1,000,000: halving epoch 4 (subsidy 3.125 BTC, 840,000 .. 1,049,999),
 *              retarget epoch 496 (999,936 .. 1,001,951);
 *   1,049,900: 100 blocks to the halving at 1,050,000 (epoch 520 runs
 *              1,048,320 .. 1,050,335, no retarget that day);
 *   1,001,908: 44 blocks to the retarget at 1,001,952 (halving epoch 4).
 */
#include <math.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/mining.h"

#define U (6000.0 / 4294967296.0) /* blocks per PH/s per block time at D = 1e14 */

static struct hp_network_path flat(int64_t height)
{
	struct hp_network_path in;

	memset(&in, 0, sizeof(in));
	in.height = height;
	in.difficulty = 1e14;
	in.fees_btc_per_block = 0.025;
	return in;
}

static void run_ok(const struct hp_network_path *in, int64_t ndays, double *diff, double *btc)
{
	struct hp_error err;

	if (hp_mining_network_path(in, ndays, diff, btc, &err) != HP_OK)
		fail_msg("%s", err.message);
}

/* 144 x (3.125 + 0.025) x U = 144 x 3.15 x 6000 / 2^32
 * = 2,721,600 / 4,294,967,296 = 6.3367187977e-4 BTC per PH/s-day. */
static void test_flat_day(void **state)
{
	(void)state;
	struct hp_network_path in = flat(1000000);
	double diff[3], btc[3];

	run_ok(&in, 3, diff, btc);
	for (int d = 0; d < 3; d++) {
		assert_true(diff[d] == 1e14);
		assert_double_rel(btc[d], 2721600.0 / 4294967296.0, 1e-15);
	}
	assert_double_rel(btc[0], 6.336718797683716e-4, 1e-15);
	/* A 2 % pool fee keeps 98 %. */
	in.pool_fee_pct = 2;
	run_ok(&in, 1, NULL, btc);
	assert_double_rel(btc[0], 0.98 * 2721600.0 / 4294967296.0, 1e-15);
}

/* Day of 1,049,900: 100 blocks at 3.125 + 0.025 and 44 at 1.5625 + 0.025:
 * 315 + 69.85 = 384.85 BTC of rewards, x U = 2,309,100 / 2^32 = 5.3762924e-4.
 * The next day is all at 1.5875: 144 x 1.5875 x U = 1,371,600 / 2^32. */
static void test_halving_day(void **state)
{
	(void)state;
	struct hp_network_path in = flat(1049900);
	double btc[2];

	run_ok(&in, 2, NULL, btc);
	assert_double_rel(btc[0], 384.85 * U, 1e-15);
	assert_double_rel(btc[0], 5.376292392611504e-4, 1e-15);
	assert_double_rel(btc[1], 1371600.0 / 4294967296.0, 1e-15);
}

/*
 * Growth 10 % per epoch from 1,001,908: day 0 has 44 blocks at D = 1e14 and
 * 100 at 1.1e14 (one retarget crossed): 3.15 U (44 + 100 / 1.1). Day 1
 * (from 1,002,052) is all at 1.1e14. Day 14 starts at 1,001,908 + 2016 =
 * 1,003,924, still epoch 497 (1,001,952 .. 1,003,967): 44 blocks at 1.1e14,
 * 100 at 1.21e14; difficulty[15] = 1.21e14.
 */
static void test_retarget_day(void **state)
{
	(void)state;
	struct hp_network_path in = flat(1001908);
	double diff[16], btc[16];

	in.growth_pct_per_epoch = 10;
	run_ok(&in, 16, diff, btc);
	assert_true(diff[0] == 1e14);
	assert_double_rel(btc[0], 3.15 * U * (44 + 100 / 1.1), 1e-15);
	assert_double_rel(diff[1], 1.1e14, 1e-15);
	assert_double_rel(btc[1], 3.15 * U * 144 / 1.1, 1e-15);
	assert_double_rel(diff[14], 1.1e14, 1e-15);
	assert_double_rel(btc[14], 3.15 * U * (44 / 1.1 + 100 / 1.21), 1e-15);
	assert_double_rel(diff[15], 1.21e14, 1e-15);

	/* Starting exactly on a retarget height (999,936 = 496 x 2016): the
	 * first epoch is the given difficulty, nothing crossed on day 0. */
	in = flat(999936);
	in.growth_pct_per_epoch = 10;
	run_ok(&in, 1, diff, btc);
	assert_true(diff[0] == 1e14);
	assert_double_rel(btc[0], 2721600.0 / 4294967296.0, 1e-15);

	/* A falling difficulty (-20 %): day 1 of 1,001,908 is at 0.8e14. */
	in = flat(1001908);
	in.growth_pct_per_epoch = -20;
	run_ok(&in, 2, diff, btc);
	assert_double_rel(diff[1], 0.8e14, 1e-15);
	assert_double_rel(btc[1], 3.15 * U * 144 / 0.8, 1e-15);
}

/*
 * Fees 0.1 BTC growing 50 % a year from height 1,100,000 (subsidy 1.5625
 * until 1,260,000, day 1111): day 365 pays 0.1 x 1.5^(365/365.25) =
 * 0.14997... per block; day 1461 = 4 x 365.25 days exactly pays
 * 0.1 x 1.5^4 = 0.50625, its blocks from 1,100,000 + 210,384 = 1,310,384
 * (halving epoch 6: subsidy 0.78125): 144 x 1.2875 x U.
 */
static void test_fees_growth(void **state)
{
	(void)state;
	struct hp_network_path in = flat(1100000);
	static double btc[1462];

	in.fees_btc_per_block = 0.1;
	in.fees_growth_pct_per_year = 50;
	run_ok(&in, 1462, NULL, btc);
	assert_double_rel(btc[0], 144 * (1.5625 + 0.1) * U, 1e-15);
	assert_double_rel(btc[365], 144 * (1.5625 + 0.1 * pow(1.5, 365 / 365.25)) * U, 1e-14);
	assert_double_rel(btc[1461], 144 * (0.78125 + 0.50625) * U, 1e-14);
}

/* Difficulty from a file: 1e14, 2e14, 4e14 on days 20000 .. 20002
 * (2024-10-04 .. 2024-10-06), one difficulty for the whole day. */
static void test_file(void **state)
{
	(void)state;
	double v[3] = { 1e14, 2e14, 4e14 };
	struct hp_daily_series s = { 20000, v, 3 };
	struct hp_network_path in = flat(1000000);
	struct hp_error err;
	double diff[3], btc[3];

	in.difficulty_file = &s;
	in.difficulty = 0; /* unused with a file */
	in.growth_pct_per_epoch = 50; /* unused with a file */
	in.start_day = 20000;
	run_ok(&in, 3, diff, btc);
	for (int d = 0; d < 3; d++) {
		assert_true(diff[d] == v[d]);
		assert_double_rel(btc[d], 2721600.0 / 4294967296.0 / (double)(1 << d), 1e-15);
	}
	/* A file day crossing a retarget keeps the file's value all day. */
	in.height = 1001908;
	in.start_day = 20001;
	run_ok(&in, 1, diff, btc);
	assert_true(diff[0] == 2e14);
	assert_double_rel(btc[0], 2721600.0 / 4294967296.0 / 2, 1e-15);

	in.start_day = 19999;
	assert_int_equal(hp_mining_network_path(&in, 2, diff, btc, &err), HP_EINVAL);
	assert_string_equal(err.message, "difficulty_file: covers 2024-10-04 to 2024-10-06, the "
					 "horizon needs 2024-10-03 to 2024-10-04");
	in.start_day = 20001;
	assert_int_equal(hp_mining_network_path(&in, 3, diff, btc, &err), HP_EINVAL);
	assert_string_equal(err.message, "difficulty_file: covers 2024-10-04 to 2024-10-06, the "
					 "horizon needs 2024-10-05 to 2024-10-07");
}

static void expect_bad(const struct hp_network_path *in, int64_t ndays, const char *message)
{
	struct hp_error err;
	double btc[1] = { -7 };

	assert_int_equal(hp_mining_network_path(in, ndays, NULL, btc, &err), HP_EINVAL);
	assert_string_equal(err.message, message);
	assert_true(btc[0] == -7); /* untouched */
}

static void test_errors(void **state)
{
	(void)state;
	struct hp_network_path in;

	in = flat(1000000);
	expect_bad(&in, -1, "days: must be >= 0 and <= 73050, got -1");
	in.height = -1;
	expect_bad(&in, 1, "height: must be >= 0 and <= 2147483647, got -1");
	in = flat(1000000);
	in.difficulty = 0;
	expect_bad(&in, 1, "difficulty: must be > 0, got 0");
	in.difficulty = NAN;
	expect_bad(&in, 1, "difficulty: must be > 0, got nan");
	in = flat(1000000);
	in.growth_pct_per_epoch = -100;
	expect_bad(&in, 1, "growth_pct_per_epoch: must be > -100 and <= 1000, got -100");
	in = flat(1000000);
	in.fees_btc_per_block = -0.1;
	expect_bad(&in, 1, "fees_btc_per_block: must be >= 0 and <= 1e+06, got -0.1");
	in = flat(1000000);
	in.fees_growth_pct_per_year = -100;
	expect_bad(&in, 1, "fees_growth_pct_per_year: must be > -100 and <= 1000, got -100");
	in = flat(1000000);
	in.pool_fee_pct = 100;
	expect_bad(&in, 1, "pool_fee_pct: must be >= 0 and < 100, got 100");
	in.pool_fee_pct = -1;
	expect_bad(&in, 1, "pool_fee_pct: must be >= 0 and < 100, got -1");

	/* ndays 0 is valid and writes nothing. */
	in = flat(1000000);
	assert_int_equal(hp_mining_network_path(&in, 0, NULL, NULL, NULL), HP_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_day),
		cmocka_unit_test(test_halving_day),
		cmocka_unit_test(test_retarget_day),
		cmocka_unit_test(test_fees_growth),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
