/*
 * test_hpc_default.c - the tenant default month drawn from an RNG stream
 * (src/core/hpc_default.c), against the geometric law it draws from and
 * against the expected flows of hp_hpc_colocation_months.
 *
 * PENDING: needs src/core/rng.c (hp_rng_init, hp_rng_uniform). After the
 * rng branch is merged: git mv src/core/hpc_default.c.pending
 * src/core/hpc_default.c and this file to tests/unit/test_hpc_default.c.
 *
 * Expected figures: with p = 100 (1 - 0.9^12) % a year the monthly hazard is
 * h = 0.1, so over a 3-month term P(D = 0, 1, 2, none) = 0.1, 0.09, 0.081,
 * 0.729. With N = 200,000 draws each frequency is within 5 standard errors
 * sqrt(P (1 - P) / N) (<= 0.0050 for 0.729; false-failure rate ~6e-7 per
 * cell). The average of the deterministic revenue over the drawn defaults
 * matches the expected mode (E[revenue] = 288,000, 485,600, 668,000 in the
 * 8 MW case of test_hpc.c) within 5 standard errors of that mean.
 */
#include <math.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/hpc.h"
#include "hashpivot/rng.h"

#define N 200000
#define SEED 20250101u

/*
 * The draw replayed by hand: a second stream with the same key gives the
 * same uniforms; the default month is the first k with u_k < h, and the
 * stream then stands after exactly k + 1 draws (nmonths for a survivor).
 */
static void test_replay(void **state)
{
	double p = 100 * (1 - pow(0.9, 12));
	double h = hp_hpc_default_hazard(p);
	uint64_t path;

	(void)state;
	for (path = 0; path < 1000; path++) {
		struct hp_rng a, b;
		int64_t d = -1, k, got;

		hp_rng_init(&a, SEED, path, HP_RNG_HPC);
		hp_rng_init(&b, SEED, path, HP_RNG_HPC);
		got = hp_hpc_default_month(p, 12, &a);
		for (k = 0; k < 12; k++)
			if (hp_rng_uniform(&b) < h) {
				d = k;
				break;
			}
		assert_int_equal(got, d);
		/* both streams now stand at the same place */
		assert_true(hp_rng_u64(&a) == hp_rng_u64(&b));
	}
}

/* p = 0 never defaults and draws nothing; nmonths = 0 tries no month. */
static void test_no_hazard(void **state)
{
	struct hp_rng a, b;

	(void)state;
	hp_rng_init(&a, SEED, 7, HP_RNG_HPC);
	hp_rng_init(&b, SEED, 7, HP_RNG_HPC);
	assert_int_equal(hp_hpc_default_month(0, 120, &a), -1);
	assert_int_equal(hp_hpc_default_month(50, 0, &a), -1);
	assert_true(hp_rng_u64(&a) == hp_rng_u64(&b));
}

/* Frequencies of D over a 3-month term against the geometric law, h = 0.1. */
static void test_geometric_law(void **state)
{
	static const double prob[4] = { 0.1, 0.09, 0.081, 0.729 }; /* D = 0, 1, 2, none */
	double p = 100 * (1 - pow(0.9, 12));
	long count[4] = { 0, 0, 0, 0 };
	struct hp_rng r;
	int i;

	(void)state;
	hp_rng_init(&r, SEED, 0, HP_RNG_HPC);
	for (i = 0; i < N; i++) {
		int64_t d = hp_hpc_default_month(p, 3, &r);

		assert_true(d >= -1 && d < 3);
		count[d < 0 ? 3 : d]++;
	}
	for (i = 0; i < 4; i++) {
		double f = (double)count[i] / N;
		double se = sqrt(prob[i] * (1 - prob[i]) / N);

		assert_double_abs(f, prob[i], 5 * se);
	}
}

/*
 * The average of the deterministic flows over drawn defaults converges to
 * the expected mode: the 8 MW, 3-month case of test_hpc.c (re-let after 1
 * month): E[revenue] = 288,000, 485,600, 668,000 by hand.
 */
static void test_average_is_expected(void **state)
{
	static const int64_t days[4] = { 31, 28, 31, 30 };
	struct hp_colocation c;
	struct hp_hpc_month one[4], exp_[4];
	double sum[3] = { 0, 0, 0 }, sum2[3] = { 0, 0, 0 };
	struct hp_rng r;
	int i, k;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.conv.grid_mw = 10;
	c.conv.pue = 1.25;
	c.rate_usd_per_kw_month = 100;
	c.term_months = 3;
	c.occupancy_start_pct = 40;
	c.occupancy_pct = 100;
	c.ramp_months = 2;
	c.load_factor_pct = 50;
	c.default_probability_pct_per_year = 100 * (1 - pow(0.9, 12));
	c.relet_months = 1;
	hp_hpc_colocation_months(&c, 0, -1, true, days, 4, exp_);
	assert_double_rel(exp_[0].revenue_usd, 288000, 1e-13);
	assert_double_rel(exp_[1].revenue_usd, 485600, 1e-13);
	assert_double_rel(exp_[2].revenue_usd, 668000, 1e-13);

	hp_rng_init(&r, SEED, 1, HP_RNG_HPC);
	for (i = 0; i < N; i++) {
		int64_t d = hp_hpc_default_month(c.default_probability_pct_per_year,
						 c.term_months, &r);

		hp_hpc_colocation_months(&c, 0, d, false, days, 4, one);
		for (k = 0; k < 3; k++) {
			sum[k] += one[k].revenue_usd;
			sum2[k] += one[k].revenue_usd * one[k].revenue_usd;
		}
	}
	for (k = 0; k < 3; k++) {
		double mean = sum[k] / N;
		double var = sum2[k] / N - mean * mean;

		assert_double_abs(mean, exp_[k].revenue_usd, 5 * sqrt(var / N));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_no_hazard),
		cmocka_unit_test(test_geometric_law),
		cmocka_unit_test(test_average_is_expected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
