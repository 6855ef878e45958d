/*
 * test_industry.c - the industry simulator (src/core/industry.c) on small
 * scenarios whose answers follow by hand, read through the scenario parser.
 *
 * Common ground: bits 170240c3, difficulty D = 124932866006548.16 (0xffff
 * 2^208 / (0x0240c3 2^160)); a hashrate of D 2^32 / 600 = 894.3042894894573
 * EH/s finds 144 blocks a day on average. as_of 2026-01-01; the price is
 * GBM with no drift and no volatility, so it is S0 every day; no fees
 * unless said.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/industry.h"
#include "hashpivot/machines.h"
#include "hashpivot/scenario.h"

#define EH_144 "894.3042894894573"

static struct hp_catalog catalog;

static void parse(const char *text, struct hp_scenario *s)
{
	struct hp_error err = {0};

	if (hp_scenario_parse(text, strlen(text), NULL, &catalog, s, &err) != HP_OK)
		fail_msg("scenario: %s", err.message);
}

/* A scenario: network at `height`, `months` of horizon, then the industry
 * section's body. */
static char *scenario(int64_t height, int months, double fees, const char *industry)
{
	static char buf[8192];

	snprintf(buf, sizeof(buf),
		 "{\"as_of\": \"2026-01-01\","
		 " \"network\": {\"bits\": \"170240c3\", \"height\": %lld,"
		 "   \"fees_btc_per_block\": %.17g, \"price_usd\": 70000},"
		 " \"market\": {\"horizon_months\": %d, \"price\": {\"model\": \"gbm\","
		 "   \"volatility_pct_per_year\": 0}},"
		 " \"industry\": {%s}}",
		 (long long)height, fees, months, industry);
	return buf;
}

static void trace(const struct hp_scenario *s, uint64_t path, struct hp_industry_trace *t)
{
	struct hp_error err = {0};

	if (hp_industry_trace(&s->industry, 11, path, t, &err) != HP_OK)
		fail_msg("trace: %s", err.message);
}

/*
 * Constant hashrate, free power: the retarget makes D_{k+1} = 1209600 H /
 * (2^32 G_k) with G_k ~ Gamma(2015) the epoch's sum of standardised
 * intervals, independent of D_k, so an epoch's mean interval is
 * T_{k+1} / 2015 = (1209600 / 2015) G_{k+1} / G_k. Its median is
 * 1209600 / 2015 = 600.298 s; its mean, E[G] E[1/G] = 2015 / 2014 times
 * that, 600.596 s (the standard deviation of G'/G is sqrt(2 / 2015) =
 * 3.15 %, 18.9 s). Over 20 paths x 20 years (~10,400 epochs; consecutive
 * ratios share a G, which at most doubles the variance) the mean is within
 * 4 x 18.9 x sqrt(2 / 10400) = 1.05 s of 600.596, and the median within
 * 1.5 s of 600.298. The first epoch (from the synthetic start) is dropped.
 */
static void check_constant_hashrate_intervals(const char *mode)
{
	struct hp_scenario s;
	double sum = 0, *v = NULL;
	size_t n = 0, cap = 0, i;
	char body[512];

	snprintf(body, sizeof(body),
		 "\"cohorts\": [{\"name\": \"all\", \"power_usd_per_kwh\": 0,"
		 " \"fleet\": [{\"efficiency_j_per_th\": 17, \"eh\": " EH_144 "}]}],"
		 " \"attack\": {\"usd_per_th\": 15}%s",
		 mode);
	parse(scenario(955584 /* 474 x 2016 */, 240, 0, body), &s);
	for (uint64_t p = 0; p < 20; p++) {
		struct hp_industry_trace t;

		trace(&s, p, &t);
		assert_true(t.nretargets > 500);
		for (i = 1; i < t.nretargets; i++) {
			double iv = (double)(t.retargets[i].last_time - t.retargets[i].first_time) /
				    2015;
			/* every transition is the exact rule on those times */
			struct hp_retarget rt;
			hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), t.retargets[i].old_bits,
					      t.retargets[i].first_time, t.retargets[i].last_time,
					      &rt);
			assert_int_equal(rt.bits, t.retargets[i].new_bits);
			assert_int_equal(t.retargets[i].old_bits, t.retargets[i - 1].new_bits);
			assert_int_equal(t.retargets[i].height % 2016, 0);
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				v = realloc(v, cap * sizeof(*v));
				assert_non_null(v);
			}
			v[n++] = iv;
			sum += iv;
		}
		hp_industry_trace_release(&t);
	}
	for (i = 1; i < n; i++) /* insertion sort is fine for 10^4 */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double x = v[j];
			v[j] = v[j - 1];
			v[j - 1] = x;
		}
	assert_double_abs(sum / (double)n, 1209600.0 / 2014, 4 * 18.9 * sqrt(2.0 / (double)n));
	assert_double_abs(v[n / 2], 1209600.0 / 2015, 1.5);
	free(v);
	hp_scenario_release(&s);
}

/* Daily mode's Beta order statistics and block-level mode's exponential
 * waits (the ziggurat) must both give these epochs. */
static void test_constant_hashrate_intervals(void **state)
{
	(void)state;
	check_constant_hashrate_intervals("");
	check_constant_hashrate_intervals(", \"block_level\": true");
}

/*
 * A step drop of 11 %: the cohort "gone" (11 % of the hashrate H0 = D0
 * 2^32 / 600) converts all its power to AI on 2026-03-01 (day 59), so its
 * machines stop. The retarget closing the first epoch that lies wholly
 * after the drop sets D' = 1209600 x 0.89 H0 / (2^32 G), G ~ Gamma(2015)
 * (the old difficulty cancels, see above), so E[D' / D0] = 0.89 x 1209600 /
 * 600 x E[1/G] = 0.89 x 1209600 / (600 x 2014) = 0.89090; G's relative
 * spread is 2.23 %, so over 40 paths the mean is within 4 x 0.89 x 2.23 % /
 * sqrt(40) = 1.26 % of it. That retarget is at most the second after the
 * drop (the first closes the epoch that straddles it), and every
 * transition is the exact integer rule on the simulated times.
 */
static void test_step_drop(void **state)
{
	struct hp_scenario s;
	double sum = 0;
	int n = 0;
	char body[2048];

	(void)state;
	snprintf(body, sizeof(body),
		 "\"cohorts\": ["
		 " {\"name\": \"stay\", \"power_usd_per_kwh\": 0,"
		 "  \"fleet\": [{\"efficiency_j_per_th\": 17, \"eh\": %.17g}]},"
		 " {\"name\": \"gone\", \"power_usd_per_kwh\": 0,"
		 "  \"fleet\": [{\"efficiency_j_per_th\": 20, \"eh\": %.17g}],"
		 "  \"pivot\": {\"mw\": 1e6, \"capex_usd_per_mw\": 0, \"build_months\": 0,"
		 "   \"revenue_usd_per_mw_year\": 0, \"trigger\": {\"date\": \"2026-03-01\"}}}],"
		 " \"attack\": {\"usd_per_th\": 15}",
		 0.89 * 894.3042894894573, 0.11 * 894.3042894894573);
	parse(scenario(955584, 6, 0, body), &s);
	for (uint64_t p = 0; p < 40; p++) {
		struct hp_industry_trace t;
		int64_t drop = s.industry.start_time + 59 * 86400;
		size_t i;

		trace(&s, p, &t);
		/* the hashrate series: 100 % before day 59, 89 % from it */
		assert_double_rel(t.series[HP_SIM_HASHRATE][58], 894.3042894894573, 1e-12);
		assert_double_rel(t.series[HP_SIM_HASHRATE][59], 0.89 * 894.3042894894573, 1e-12);
		assert_int_equal(t.cohort_pivot_day[1], 59);
		size_t first_after = 0;

		while (first_after < t.nretargets && t.retargets[first_after].last_time < drop)
			first_after++;
		for (i = 0; i < t.nretargets && t.retargets[i].first_time < drop; i++)
			;
		assert_true(i < t.nretargets);
		assert_true(i <= first_after + 1);
		{
			const struct hp_sim_retarget *x = &t.retargets[i];
			struct hp_retarget rt;
			double d_old, d_new;

			hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), x->old_bits,
					      x->first_time, x->last_time, &rt);
			assert_int_equal(rt.bits, x->new_bits);
			hp_consensus_difficulty(x->old_bits, &d_old);
			hp_consensus_difficulty(x->new_bits, &d_new);
			(void)d_old;
			sum += d_new / 124932866006548.16;
			n++;
		}
		hp_industry_trace_release(&t);
	}
	assert_double_abs(sum / n, 0.89 * 1209600.0 / (600.0 * 2014), 4 * 0.89 * 0.0223 / sqrt((double)n));
	hp_scenario_release(&s);
}

/*
 * Who switches off first: two cohorts at one power price each, p =
 * 0.05 $/kWh, PUE 1, no pool fee. A line runs when the day's hashprice h
 * (USD per PH/s-day) satisfies h / 1000 >= e x 0.024 x p: the 35 J/TH
 * cohort needs h >= 42, the 15 J/TH one h >= 18. The price starts at
 * $150,000 (h = 75) and falls as S0 e^(-0.9 t) (GBM, drift -90 %/yr, no
 * volatility), so hashprice falls through 42 before 18 (the difficulty
 * follows the hashrate down, which slows the fall but cannot reorder it),
 * and every day each cohort's hashrate is exactly its capacity or zero by
 * that rule.
 */
static void test_worst_efficiency_off_first(void **state)
{
	struct hp_scenario s;
	struct hp_industry_trace t;
	const char *text =
		"{\"as_of\": \"2026-01-01\","
		" \"network\": {\"bits\": \"170240c3\", \"height\": 955584,"
		"   \"fees_btc_per_block\": 0, \"price_usd\": 150000},"
		" \"market\": {\"horizon_months\": 24, \"price\": {\"model\": \"gbm\","
		"   \"drift_pct_per_year\": -90, \"volatility_pct_per_year\": 0}},"
		" \"industry\": {\"cohorts\": ["
		"  {\"name\": \"old\", \"power_usd_per_kwh\": 0.05,"
		"   \"fleet\": [{\"efficiency_j_per_th\": 35, \"eh\": 300}]},"
		"  {\"name\": \"new\", \"power_usd_per_kwh\": 0.05,"
		"   \"fleet\": [{\"efficiency_j_per_th\": 15, \"eh\": 600}]}],"
		"  \"attack\": {\"usd_per_th\": 15}}}";
	int64_t d, off_old = -1, off_new = -1, nd;

	(void)state;
	parse(text, &s);
	trace(&s, 0, &t);
	nd = s.industry.ndays;
	for (d = 0; d < nd; d++) {
		double h = t.series[HP_SIM_HASHPRICE][d];
		double old = t.cohort_hashrate[0 * nd + d], neu = t.cohort_hashrate[1 * nd + d];

		assert_true(old == (h / 1000 >= 35 * 0.024 * 0.05 ? 300 : 0));
		assert_true(neu == (h / 1000 >= 15 * 0.024 * 0.05 ? 600 : 0));
		if (old == 0 && off_old < 0)
			off_old = d;
		if (neu == 0 && off_new < 0)
			off_new = d;
	}
	assert_true(off_old >= 0);
	assert_true(off_new < 0 || off_old < off_new);
	hp_industry_trace_release(&t);
	hp_scenario_release(&s);
}

/*
 * A cohort that cannot pay: 100 BTC all in a DeFi deposit locked for 12
 * months (so no sale can raise it), no cash, $1e10 a year of opex ($27.4M
 * a day against about 47 BTC x $70,000 = $3.3M of production). On day 0
 * it sells its production to cover what it can (cause opex), its cash
 * stays below its credit line of 0, it fails, and its treasury is sold the
 * same day, cause "liquidation": the deposit plus one day's yield at 5 %
 * APY, 100 x 1.05^(1/365.25) BTC.
 */
static void test_bankruptcy_liquidation(void **state)
{
	struct hp_scenario s;
	struct hp_industry_trace t;
	double y = 100 * (pow(1.05, 1 / 365.25) - 1);

	(void)state;
	parse(scenario(955584, 2, 0,
		       "\"cohorts\": ["
		       " {\"name\": \"healthy\", \"power_usd_per_kwh\": 0,"
		       "  \"fleet\": [{\"efficiency_j_per_th\": 17, \"eh\": 800}]},"
		       " {\"name\": \"weak\", \"listed\": true, \"power_usd_per_kwh\": 0,"
		       "  \"opex_usd_per_year\": 1e10,"
		       "  \"fleet\": [{\"efficiency_j_per_th\": 30, \"eh\": 94.3042894894573}],"
		       "  \"treasury\": {\"btc\": 100, \"sell_to_cover_opex\": false,"
		       "   \"defi\": {\"allocation_pct\": 100, \"apy_pct\": 5, \"lockup_months\": 12}}}],"
		       " \"bankruptcy\": {\"resale_pct\": 40},"
		       " \"attack\": {\"usd_per_th\": 15}"),
	      &s);
	trace(&s, 0, &t);
	assert_int_equal(t.cohort_failed_day[1], 0);
	assert_int_equal(t.cohort_failed_day[0], -1);
	assert_double_rel(t.series[HP_SIM_SOLD_LIQUIDATION][0], 100 + y, 1e-13);
	assert_double_rel(t.series[HP_SIM_SOLD_OPEX][0],
			  t.series[HP_SIM_MINED][0] * 94.3042894894573 / 894.3042894894573, 1e-12);
	assert_double_abs(t.series[HP_SIM_LISTED_BTC][0], 0, 0);
	assert_double_abs(t.series[HP_SIM_COHORTS_BANKRUPT][0], 1, 0);
	assert_double_abs(t.series[HP_SIM_SOLD_LIQUIDATION][1], 0, 0);
	/* a buyer keeps 40 % of its machines running */
	assert_double_rel(t.cohort_hashrate[1 * s.industry.ndays + 1], 0.4 * 94.3042894894573,
			  1e-12);
	hp_industry_trace_release(&t);
	hp_scenario_release(&s);
}

/*
 * The halving on its exact height: start 3 days' worth of blocks before
 * 1,050,000 with 0.02 BTC of fees a block. Each day's BTC mined (pool fee
 * 0: the whole reward) must be sum over its heights of the subsidy (3.125
 * below 1,050,000, 1.5625 from it) plus 0.02 per block.
 */
static void test_halving_height(void **state)
{
	struct hp_scenario s;
	struct hp_industry_trace t;
	int64_t h = 1050000 - 432, d;
	bool crossed = false;

	(void)state;
	parse(scenario(h, 1, 0.02,
		       "\"cohorts\": [{\"name\": \"all\", \"power_usd_per_kwh\": 0,"
		       " \"fleet\": [{\"efficiency_j_per_th\": 17, \"eh\": " EH_144 "}]}],"
		       " \"attack\": {\"usd_per_th\": 15}"),
	      &s);
	trace(&s, 3, &t);
	for (d = 0; d < s.industry.ndays; d++) {
		int64_t h1 = (int64_t)t.series[HP_SIM_HEIGHT][d], n = h1 - h, k;
		double want = 0.02 * (double)n;

		assert_int_equal(n, (int64_t)t.series[HP_SIM_BLOCKS][d]);
		for (k = h; k < h1; k++)
			want += k < 1050000 ? 3.125 : 1.5625;
		assert_double_rel(t.series[HP_SIM_MINED][d], want, 1e-12);
		if (h < 1050000 && h1 > 1050000)
			crossed = true;
		h = h1;
	}
	assert_true(crossed);
	hp_industry_trace_release(&t);
	hp_scenario_release(&s);
}

/*
 * Poisson block counts: at 144 expected blocks a day and no retarget in
 * the first 13 days (start at an epoch's first block; 13 x 144 = 1872 <
 * 2016, exceeded with probability ~1e-4 per path, and then only on day
 * 13), a day's count is Poisson(144): mean 144 and variance 144. Over 400
 * paths x 13 days = 5200 counts, the mean is within 4 sqrt(144 / 5200) =
 * 0.67 and the variance within 4 x 144 sqrt(2 / 5200) = 11.3.
 */
static void check_poisson_blocks(const char *mode)
{
	struct hp_scenario s;
	double sum = 0, sum2 = 0;
	int n = 0;
	char body[512];

	snprintf(body, sizeof(body),
		 "\"cohorts\": [{\"name\": \"all\", \"power_usd_per_kwh\": 0,"
		 " \"fleet\": [{\"efficiency_j_per_th\": 17, \"eh\": " EH_144 "}]}],"
		 " \"attack\": {\"usd_per_th\": 15}%s",
		 mode);
	parse(scenario(955584, 1, 0, body), &s);
	for (uint64_t p = 0; p < 400; p++) {
		struct hp_industry_trace t;

		trace(&s, p, &t);
		for (int d = 0; d < 13; d++) {
			double x = t.series[HP_SIM_BLOCKS][d];
			sum += x;
			sum2 += x * x;
			n++;
		}
		hp_industry_trace_release(&t);
	}
	double mean = sum / n, var = sum2 / n - mean * mean;
	assert_double_abs(mean, 144, 4 * sqrt(144.0 / n));
	assert_double_abs(var, 144, 4 * 144 * sqrt(2.0 / n));
	hp_scenario_release(&s);
}

/* Daily mode draws the count; block-level mode counts exponential waits
 * that fall within the day, Poisson(144) all the same. */
static void test_poisson_blocks(void **state)
{
	(void)state;
	check_poisson_blocks("");
	check_poisson_blocks(", \"block_level\": true");
}

/* The same summaries, byte for byte, for 1, 2 and 3 threads, and for a run
 * split in two halves merged. */
static void test_threads_and_splits(void **state)
{
	struct hp_scenario s;
	struct hp_industry_result r[4];
	struct hp_industry_config cfg = {.seed = 5, .npaths = 37, .alpha = 0.005};
	struct hp_error err = {0};
	unsigned char *b[4][2];
	size_t len[4][2];
	int i;

	(void)state;
	parse("{\"as_of\": \"2026-01-01\","
	      " \"network\": {\"bits\": \"170240c3\", \"height\": 955000,"
	      "   \"fees_btc_per_block\": 0.03, \"price_usd\": 70000},"
	      " \"market\": {\"horizon_months\": 6, \"price\": {\"model\": \"gbm\","
	      "   \"volatility_pct_per_year\": 60},"
	      "   \"fees\": {\"volatility_pct\": 40, \"half_life_days\": 20}},"
	      " \"industry\": {\"cohorts\": ["
	      "  {\"name\": \"a\", \"listed\": true, \"power_usd_per_kwh\": {\"low\": 0.02, \"high\": 0.08},"
	      "   \"opex_usd_per_year\": 2e8, \"treasury\": {\"btc\": 5000, \"cash_usd\": 1e7},"
	      "   \"fleet\": [{\"efficiency_j_per_th\": 16, \"eh\": 400},"
	      "             {\"efficiency_j_per_th\": 28, \"eh\": 200}]},"
	      "  {\"name\": \"b\", \"power_usd_per_kwh\": {\"low\": 0.03, \"high\": 0.09},"
	      "   \"treasury\": {\"sell_production_pct\": 100},"
	      "   \"fleet\": [{\"efficiency_j_per_th\": 22, \"eh\": 300}]}],"
	      "  \"deployment\": {\"cohort\": \"b\", \"usd_per_th\": 15, \"power_usd_per_kwh\": 0.04,"
	      "   \"eh_per_day_per_pct\": 0.05, \"lag_days\": 30}}}",
	      &s);
	for (i = 0; i < 3; i++) {
		cfg.threads = (unsigned)i + 1;
		if (hp_industry_run(&s.industry, &cfg, &r[i], &err) != HP_OK)
			fail_msg("%s", err.message);
	}
	/* halves: paths 0..19 and 20..36, merged */
	{
		struct hp_industry_result h;
		struct hp_industry_config c = cfg;
		c.threads = 2;
		c.npaths = 20;
		assert_int_equal(hp_industry_run(&s.industry, &c, &r[3], &err), HP_OK);
		c.first_path = 20;
		c.npaths = 17;
		assert_int_equal(hp_industry_run(&s.industry, &c, &h, &err), HP_OK);
		assert_int_equal(hp_industry_result_merge(&r[3], &h, &err), HP_OK);
		hp_industry_result_release(&h);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(hp_stats_serialize(r[i].daily, &b[i][0], &len[i][0], &err), HP_OK);
		assert_int_equal(hp_stats_serialize(r[i].cohorts, &b[i][1], &len[i][1], &err), HP_OK);
		assert_int_equal(r[i].blocks, r[0].blocks);
	}
	for (i = 1; i < 4; i++) {
		assert_int_equal(len[i][0], len[0][0]);
		assert_int_equal(len[i][1], len[0][1]);
		assert_memory_equal(b[i][0], b[0][0], len[0][0]);
		assert_memory_equal(b[i][1], b[0][1], len[0][1]);
	}
	/* sanity of what was summarised: 37 values a cell, prices positive */
	assert_int_equal(hp_stats_count(r[0].daily, HP_SIM_PRICE, 100), 37);
	assert_true(hp_stats_quantile(r[0].daily, HP_SIM_PRICE, 100, 0.5) > 0);
	for (i = 0; i < 4; i++) {
		hp_free(b[i][0]);
		hp_free(b[i][1]);
		hp_industry_result_release(&r[i]);
	}
	hp_scenario_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant_hashrate_intervals),
		cmocka_unit_test(test_step_drop),
		cmocka_unit_test(test_worst_efficiency_off_first),
		cmocka_unit_test(test_bankruptcy_liquidation),
		cmocka_unit_test(test_halving_height),
		cmocka_unit_test(test_poisson_blocks),
		cmocka_unit_test(test_threads_and_splits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
