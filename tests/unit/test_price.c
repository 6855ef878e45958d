/*
 * test_price.c - BTC price paths (src/core/price.c).
 *
 * The diffusion models are checked against their closed forms: with n
 * paths, the sample mean of X = ln(S_T / S0) must lie within 4 standard
 * errors sqrt(var / n) of the theoretical mean, the sample variance within
 * 4 x sqrt((m4 - var^2) / n) (m4 the sample's fourth central moment) of the
 * theoretical variance, and the sample mean of S_T / S0 within 4 standard
 * errors of e^{mu T}. The seeds are fixed, so the tests are deterministic;
 * a wrong Ito term (sigma^2/2), a missing jump compensation or a wrong time
 * step moves the means by tens of standard errors.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/price.h"

#define NDAYS 365
#define T_YEARS (365.0 / 365.25)

struct moments {
	double mean, var, m4, ratio_mean, ratio_var;
};

/* Sample moments of ln(S_T/S0) and S_T/S0 over npaths paths of m. */
static struct moments sample(const struct hp_price_model *m, uint64_t seed, int npaths)
{
	static double out[NDAYS + 1];
	double *x = malloc((size_t)npaths * sizeof(*x));
	struct moments r = { 0, 0, 0, 0, 0 };

	assert_non_null(x);
	for (int p = 0; p < npaths; p++) {
		hp_price_path(m, seed, (uint64_t)p, NDAYS, out);
		assert_true(out[0] == m->start_price_usd);
		x[p] = log(out[NDAYS] / out[0]);
		r.mean += x[p];
		r.ratio_mean += out[NDAYS] / out[0];
	}
	r.mean /= npaths;
	r.ratio_mean /= npaths;
	for (int p = 0; p < npaths; p++) {
		double e = x[p] - r.mean, q = exp(x[p]) - r.ratio_mean;
		r.var += e * e;
		r.m4 += e * e * e * e;
		r.ratio_var += q * q;
	}
	r.var /= npaths - 1;
	r.m4 /= npaths;
	r.ratio_var /= npaths - 1;
	free(x);
	return r;
}

static void check_against_theory(const struct hp_price_model *m, uint64_t seed, int npaths)
{
	struct moments s = sample(m, seed, npaths);
	double mean, var;

	hp_price_log_moments(m, NDAYS, &mean, &var);
	assert_double_abs(s.mean, mean, 4 * sqrt(s.var / npaths));
	assert_double_abs(s.var, var, 4 * sqrt((s.m4 - s.var * s.var) / npaths));
	assert_double_abs(s.ratio_mean, exp(m->drift_pct_per_year / 100 * T_YEARS),
			  4 * sqrt(s.ratio_var / npaths));
}

static struct hp_price_model gbm(double mu_pct, double sigma_pct)
{
	struct hp_price_model m;

	memset(&m, 0, sizeof(m));
	m.kind = HP_PRICE_GBM;
	m.start_price_usd = 100000;
	m.drift_pct_per_year = mu_pct;
	m.volatility_pct_per_year = sigma_pct;
	return m;
}

static struct hp_price_model merton(double mu_pct, double sigma_pct, double lambda, double m_pct,
				    double s_pct)
{
	struct hp_price_model m = gbm(mu_pct, sigma_pct);

	m.kind = HP_PRICE_MERTON;
	m.jumps_per_year = lambda;
	m.jump_mean_pct = m_pct;
	m.jump_stdev_pct = s_pct;
	return m;
}

static void test_kind_names(void **state)
{
	(void)state;
	enum hp_price_kind k = HP_PRICE_GBM;
	struct hp_error err;

	assert_string_equal(hp_price_kind_name(HP_PRICE_GBM), "gbm");
	assert_string_equal(hp_price_kind_name(HP_PRICE_MERTON), "merton");
	assert_string_equal(hp_price_kind_name(HP_PRICE_BOOTSTRAP), "bootstrap");
	assert_string_equal(hp_price_kind_name(HP_PRICE_FILE), "file");
	assert_string_equal(hp_price_kind_name((enum hp_price_kind)9), "unknown");
	for (int i = HP_PRICE_GBM; i <= HP_PRICE_FILE; i++) {
		assert_int_equal(hp_price_kind_parse(hp_price_kind_name((enum hp_price_kind)i),
						     "price.model", &k, &err),
				 HP_OK);
		assert_int_equal(k, i);
	}
	assert_int_equal(hp_price_kind_parse("GBM", "price.model", &k, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "price.model: must be one of gbm, merton, bootstrap, file, got 'GBM'");
	assert_int_equal(k, HP_PRICE_FILE); /* untouched */
}

/* Closed forms by hand. GBM mu 10 %, sigma 60 %, one year of 365.25 days:
 * mean = 0.10 - 0.36/2 = -0.08, variance 0.36. Merton mu 5 %, sigma 40 %,
 * lambda 10, m -5 %, s 10 %: k = exp(-0.05 + 0.005) - 1 = -0.0440025182,
 * mean = 0.05 - 0.08 - 10 k + 10 (-0.05) = -0.0899748183,
 * variance = 0.16 + 10 (0.01 + 0.0025) = 0.285. */
static void test_log_moments(void **state)
{
	(void)state;
	struct hp_price_model g = gbm(10, 60), m = merton(5, 40, 10, -5, 10);
	double mean, var;

	hp_price_log_moments(&g, 365.25, &mean, &var);
	assert_double_rel(mean, -0.08, 1e-14);
	assert_double_rel(var, 0.36, 1e-14);
	hp_price_log_moments(&g, 730.5, &mean, &var);
	assert_double_rel(mean, -0.16, 1e-14);
	assert_double_rel(var, 0.72, 1e-14);
	hp_price_log_moments(&m, 365.25, &mean, &var);
	assert_double_rel(mean, -0.08997481833099963, 1e-12);
	assert_double_rel(var, 0.285, 1e-14);
	/* GBM ignores the jump fields. */
	g.jumps_per_year = 50;
	hp_price_log_moments(&g, 365.25, &mean, &var);
	assert_double_rel(var, 0.36, 1e-14);
	g.kind = HP_PRICE_BOOTSTRAP;
	hp_price_log_moments(&g, 365.25, &mean, &var);
	assert_true(isnan(mean) && isnan(var));
}

/* 20,000 paths of 365 days: ln(S_T/S0) ~ N(-0.0799, 0.3594) at T = 365/365.25. */
static void test_gbm_moments(void **state)
{
	(void)state;
	struct hp_price_model m = gbm(10, 60);

	assert_int_equal(hp_price_model_check(&m, NDAYS, NULL), HP_OK);
	check_against_theory(&m, 20240601, 20000);
	/* Zero volatility: S_T = S0 exp(mu T) exactly (up to 365 rounded additions). */
	m = gbm(-30, 0);
	static double out[NDAYS + 1];
	hp_price_path(&m, 1, 1, NDAYS, out);
	assert_double_rel(out[NDAYS], 100000 * exp(-0.3 * T_YEARS), 1e-13);
	assert_double_rel(out[1], 100000 * exp(-0.3 / 365.25), 1e-15);
}

/* Jumps and diffusion together: mean and variance of the log-return and
 * E[S_T] = S0 e^{mu T} (the compensation at work: without it the sample
 * mean ratio would be e^{(mu + lambda k) T} = e^{0.05 - 0.44}, 30 SE off). */
static void test_merton_moments(void **state)
{
	(void)state;
	struct hp_price_model m = merton(5, 40, 10, -5, 10);

	assert_int_equal(hp_price_model_check(&m, NDAYS, NULL), HP_OK);
	check_against_theory(&m, 777, 20000);
	/* Rare large jumps: kurtosis, a skewed log-return. */
	m = merton(20, 50, 1, -30, 20);
	check_against_theory(&m, 778, 10000);
}

/* No diffusion, every jump exactly +1 in log price (m = 100 %, s = 0):
 * ln(S_T/S0) = (-lambda k) T + N_T with k = e - 1, so N_T can be read off
 * each path; it must be Poisson(lambda T) = Poisson(4.9966): mean and
 * variance both lambda T, SE sqrt(lambda T / n) and sqrt((lambda T +
 * 2 (lambda T)^2) / n). Every daily increment is the drift plus a whole
 * number of jumps. */
static void test_merton_jump_counts(void **state)
{
	(void)state;
	struct hp_price_model m = merton(0, 0, 5, 100, 0);
	static double out[NDAYS + 1];
	const int n = 5000;
	double lt = 5 * T_YEARS, drift = -5 * (exp(1.0) - 1) / 365.25;
	double sum = 0, sq = 0;

	assert_int_equal(hp_price_model_check(&m, NDAYS, NULL), HP_OK);
	for (int p = 0; p < n; p++) {
		hp_price_path(&m, 31337, (uint64_t)p, NDAYS, out);
		double jumps = 0;
		for (int d = 1; d <= NDAYS; d++) {
			double inc = log(out[d] / out[d - 1]) - drift;
			double k = round(inc);
			assert_double_abs(inc, k, 1e-9);
			assert_true(k >= 0);
			jumps += k;
		}
		double total = round(log(out[NDAYS] / out[0]) - drift * NDAYS);
		assert_true(total == jumps);
		sum += jumps;
		sq += (jumps - lt) * (jumps - lt);
	}
	assert_double_abs(sum / n, lt, 4 * sqrt(lt / n));
	assert_double_abs(sq / n, lt, 4 * sqrt((lt + 2 * lt * lt) / n));
}

/* A path depends on (seed, path) only: recomputing in another order gives
 * the same values; another path or seed gives others. */
static void test_determinism(void **state)
{
	(void)state;
	struct hp_price_model m = merton(5, 40, 10, -5, 10);
	double a[31], b[31], c[31], d[31];

	hp_price_path(&m, 5, 2, 30, a);
	hp_price_path(&m, 5, 3, 30, c);
	hp_price_path(&m, 6, 2, 30, d);
	hp_price_path(&m, 5, 2, 30, b);
	assert_memory_equal(a, b, sizeof(a));
	assert_true(a[30] != c[30]);
	assert_true(a[30] != d[30]);
	/* A shorter horizon is a prefix of a longer one. */
	hp_price_path(&m, 5, 2, 10, b);
	assert_memory_equal(a, b, 11 * sizeof(double));
}

/*
 * The hand-made history: six days from day 1000 at
 *   P = 100, 110, 99, 120, 90, 108.
 * Window day 1001 .. 1005: the returns r1 = ln(99/110) = ln 0.9,
 * r2 = ln(120/99), r3 = ln(90/120) = ln 0.75, r4 = ln(108/90) = ln 1.2
 * (r0 = ln 1.1 is outside). With block_days 2 the blocks are (r1, r2),
 * (r2, r3), (r3, r4).
 */
static const double hist_p[6] = { 100, 110, 99, 120, 90, 108 };

static struct hp_price_model bootstrap(const struct hp_daily_series *h, int64_t block,
				       bool recentre, double mu_pct)
{
	struct hp_price_model m;

	memset(&m, 0, sizeof(m));
	m.kind = HP_PRICE_BOOTSTRAP;
	m.start_price_usd = 50000;
	m.history = h;
	m.history_from_day = 1001;
	m.history_to_day = 1005;
	m.block_days = block;
	m.recentre = recentre;
	m.drift_pct_per_year = mu_pct;
	return m;
}

/* Which block (0, 1, 2) the pair (x, y) is, the returns shifted by c; -1 if none. */
static int which_block(double x, double y, double c, bool whole)
{
	const double r[4] = { log(0.9), log(120.0 / 99), log(0.75), log(1.2) };

	for (int j = 0; j < 3; j++)
		if (fabs(x - (r[j] + c)) < 1e-12 && (!whole || fabs(y - (r[j + 1] + c)) < 1e-12))
			return j;
	return -1;
}

static void check_blocks(const struct hp_price_model *m, double c, int *used)
{
	double out[10];

	/* 9 days: four whole blocks of 2 and one cut to 1. */
	for (uint64_t p = 0; p < 3000; p++) {
		hp_price_path(m, 11, p, 9, out);
		assert_true(out[0] == 50000);
		for (int d = 0; d < 9; d += 2) {
			double x = log(out[d + 1] / out[d]);
			double y = d + 2 <= 9 ? log(out[d + 2] / out[d + 1]) : 0;
			int j = which_block(x, y, c, d + 2 <= 9);
			if (j < 0)
				fail_msg("path %d day %d: (%.17g, %.17g) is no block", (int)p, d, x, y);
			used[j]++;
		}
	}
}

static void test_bootstrap_blocks(void **state)
{
	(void)state;
	struct hp_daily_series h = { 1000, (double *)hist_p, 6 };
	struct hp_price_model m = bootstrap(&h, 2, false, 0);
	int used[3] = { 0, 0, 0 };

	assert_int_equal(hp_price_model_check(&m, 9, NULL), HP_OK);
	check_blocks(&m, 0, used);
	/* 3000 x 5 starts, each block with probability 1/3: within 5 SE. */
	for (int j = 0; j < 3; j++)
		assert_double_abs(used[j] / 15000.0, 1.0 / 3, 5 * sqrt(2.0 / 9 / 15000));

	/*
	 * Recentre at mu = 20 %: mean return rbar = ln(108/110) / 4
	 * = -0.00458728467, sample variance of (r1..r4) with denominator 3
	 * = 0.0546752452 per day, v = 365.25 x that = 19.9701333 per year;
	 * c = (0.2 - v/2) / 365.25 - rbar = -0.0222027678.
	 */
	const double r[4] = { log(0.9), log(120.0 / 99), log(0.75), log(1.2) };
	double rbar = log(108.0 / 110) / 4, ss = 0;
	for (int j = 0; j < 4; j++)
		ss += (r[j] - rbar) * (r[j] - rbar);
	double v = ss / 3 * 365.25;
	double c = (0.2 - v / 2) / 365.25 - rbar;
	assert_double_rel(rbar, -0.004587284667049135, 1e-12);
	assert_double_rel(v, 19.970133297113332, 1e-12);
	assert_double_rel(c, -0.022202767758841807, 1e-12);
	m = bootstrap(&h, 2, true, 20);
	assert_int_equal(hp_price_model_check(&m, 9, NULL), HP_OK);
	check_blocks(&m, c, used);

	/* With block_days 1 (an iid bootstrap) E[ln S_T/S0] = T x the recentred
	 * mean return (mu - v/2)/365.25 exactly: 20,000 paths of 10 days. */
	m = bootstrap(&h, 1, true, 20);
	double sum = 0, sq = 0, out[11];
	const int n = 20000;
	for (int p = 0; p < n; p++) {
		hp_price_path(&m, 99, (uint64_t)p, 10, out);
		double x = log(out[10] / out[0]);
		sum += x;
		sq += x * x;
	}
	double mean = sum / n, var = sq / n - mean * mean;
	assert_double_abs(mean, 10 * (0.2 - v / 2) / 365.25, 4 * sqrt(var / n));
	/* its variance: 10 draws of the population variance ss / 4 */
	assert_double_rel(var, 10 * ss / 4, 0.05);
}

/* The shipped closes, window 2015-01-01 .. 2025-12-31, 30-day blocks, ten
 * years ahead: finite, positive, every path starts at S0; with recentre at
 * mu = 0 the typical path does not explode. */
static void test_bootstrap_shipped(void **state)
{
	(void)state;
	struct hp_daily_series h;
	struct hp_error err;
	static double out[3653 + 1];

	if (hp_daily_series_load("data/btc_usd_daily.csv", hp_daily_series_price_columns, &h,
				 &err) != HP_OK)
		fail_msg("%s", err.message);
	struct hp_price_model m;
	memset(&m, 0, sizeof(m));
	m.kind = HP_PRICE_BOOTSTRAP;
	m.start_price_usd = 87496;
	m.history = &h;
	m.history_from_day = 16436; /* 2015-01-01 */
	m.history_to_day = 20453;   /* 2025-12-31 */
	m.block_days = 30;
	assert_int_equal(hp_price_model_check(&m, 3653, &err), HP_OK);
	for (int rc = 0; rc < 2; rc++) {
		m.recentre = rc;
		for (uint64_t p = 0; p < 20; p++) {
			hp_price_path(&m, 2026, p, 3653, out);
			assert_true(out[0] == 87496);
			for (int d = 0; d <= 3653; d++)
				assert_true(isfinite(out[d]) && out[d] > 0);
		}
	}
	/* Every daily return of a path is one of the window's: spot-check the
	 * first day of path 0 against the history. */
	m.recentre = false;
	hp_price_path(&m, 2026, 0, 3653, out);
	double x = log(out[1] / out[0]);
	bool found = false;
	for (int64_t i = m.history_from_day - h.first_day; i < m.history_to_day - h.first_day; i++)
		found |= fabs(log(h.value[i + 1] / h.value[i]) - x) < 1e-12;
	assert_true(found);
	hp_daily_series_release(&h);
}

static void test_file_path(void **state)
{
	(void)state;
	/* 2020-01-01 (day 18262) .. 2020-01-05 */
	double v[5] = { 7200.17, 6985.47, 7344.88, 7410.66, 7411.32 };
	struct hp_daily_series s = { 18262, v, 5 };
	struct hp_price_model m;
	struct hp_error err;
	double out[5];

	memset(&m, 0, sizeof(m));
	m.kind = HP_PRICE_FILE;
	m.path = &s;
	m.start_day = 18263;
	m.start_price_usd = -1; /* unused */
	assert_int_equal(hp_price_model_check(&m, 3, &err), HP_OK);
	hp_price_path(&m, 1, 0, 3, out);
	assert_memory_equal(out, v + 1, 4 * sizeof(double));
	hp_price_path(&m, 2, 7, 3, out); /* the same on every path */
	assert_memory_equal(out, v + 1, 4 * sizeof(double));

	assert_int_equal(hp_price_model_check(&m, 4, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "file: covers 2020-01-01 to 2020-01-05, the horizon needs 2020-01-02 "
			    "to 2020-01-06");
	m.start_day = 18261;
	assert_int_equal(hp_price_model_check(&m, 1, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "file: covers 2020-01-01 to 2020-01-05, the horizon needs 2019-12-31 "
			    "to 2020-01-01");
	m.start_day = 18262;
	assert_int_equal(hp_price_model_check(&m, 4, &err), HP_OK);
	m.path = NULL;
	assert_int_equal(hp_price_model_check(&m, 4, &err), HP_EINVAL);
	assert_string_equal(err.message, "file: no price path given");
}

struct bad_model {
	struct hp_price_model m;
	int64_t ndays;
	const char *message;
};

static void expect_bad(struct hp_price_model m, int64_t ndays, const char *message)
{
	struct hp_error err;

	assert_int_equal(hp_price_model_check(&m, ndays, &err), HP_EINVAL);
	assert_int_equal(err.status, HP_EINVAL);
	assert_string_equal(err.message, message);
}

static void test_check_errors(void **state)
{
	(void)state;
	struct hp_daily_series h = { 1000, (double *)hist_p, 6 }; /* 1972-09-27 .. 1972-10-02 */
	struct hp_price_model m;

	m = gbm(10, 60);
	expect_bad(m, 0, "days: must be >= 1 and <= 73050, got 0");
	expect_bad(m, 73051, "days: must be >= 1 and <= 73050, got 73051");
	m.start_price_usd = 0;
	expect_bad(m, 10, "start_price_usd: must be > 0 and <= 1e+12, got 0");
	m.start_price_usd = NAN;
	expect_bad(m, 10, "start_price_usd: must be > 0 and <= 1e+12, got nan");
	m = gbm(-101, 60);
	expect_bad(m, 10, "drift_pct_per_year: must be >= -100 and <= 1000, got -101");
	m = gbm(1001, 60);
	expect_bad(m, 10, "drift_pct_per_year: must be >= -100 and <= 1000, got 1001");
	m = gbm(10, -3);
	expect_bad(m, 10, "volatility_pct_per_year: must be >= 0 and <= 1000, got -3");
	m = gbm(10, INFINITY);
	expect_bad(m, 10, "volatility_pct_per_year: must be >= 0 and <= 1000, got inf");
	/* GBM ignores the jump fields, Merton checks them. */
	m = gbm(10, 60);
	m.jumps_per_year = -1;
	assert_int_equal(hp_price_model_check(&m, 10, NULL), HP_OK);
	m = merton(10, 60, -1, 0, 0);
	expect_bad(m, 10, "jumps_per_year: must be >= 0 and <= 1000, got -1");
	m = merton(10, 60, 1, -150, 0);
	expect_bad(m, 10, "jump_mean_pct: must be >= -100 and <= 100, got -150");
	m = merton(10, 60, 1, -5, -1);
	expect_bad(m, 10, "jump_stdev_pct: must be >= 0 and <= 100, got -1");
	m = merton(10, 60, 1, -5, 101);
	expect_bad(m, 10, "jump_stdev_pct: must be >= 0 and <= 100, got 101");

	m = bootstrap(NULL, 2, false, 0);
	expect_bad(m, 10, "history: no price history given");
	m = bootstrap(&h, 0, false, 0);
	expect_bad(m, 10, "block_days: must be >= 1 and <= 3653, got 0");
	m = bootstrap(&h, 2, false, 0);
	m.start_price_usd = -5;
	expect_bad(m, 10, "start_price_usd: must be > 0 and <= 1e+12, got -5");
	m = bootstrap(&h, 2, false, -200); /* drift unused without recentre */
	assert_int_equal(hp_price_model_check(&m, 10, NULL), HP_OK);
	m.recentre = true;
	expect_bad(m, 10, "drift_pct_per_year: must be >= -100 and <= 1000, got -200");
	m = bootstrap(&h, 2, false, 0);
	m.history_from_day = 999;
	expect_bad(m, 10,
		   "history_from: must be inside the history (1972-09-27 to 1972-10-02), got "
		   "1972-09-26");
	m = bootstrap(&h, 2, false, 0);
	m.history_to_day = 1006;
	expect_bad(m, 10,
		   "history_to: must be inside the history (1972-09-27 to 1972-10-02), got "
		   "1972-10-03");
	m = bootstrap(&h, 5, false, 0); /* 4 returns in the window, 5 needed */
	expect_bad(m, 10,
		   "history_to: must be at least block_days (5) days after history_from "
		   "(1972-09-28), got 1972-10-02");
	m = bootstrap(&h, 4, false, 0); /* exactly one block */
	assert_int_equal(hp_price_model_check(&m, 10, NULL), HP_OK);

	m = gbm(10, 60);
	m.kind = (enum hp_price_kind)17;
	expect_bad(m, 10, "kind: unknown price model 17");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_log_moments),
		cmocka_unit_test(test_gbm_moments),
		cmocka_unit_test(test_merton_moments),
		cmocka_unit_test(test_merton_jump_counts),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_bootstrap_blocks),
		cmocka_unit_test(test_bootstrap_shipped),
		cmocka_unit_test(test_file_path),
		cmocka_unit_test(test_check_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
