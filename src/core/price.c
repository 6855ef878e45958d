/*
 * price.c - BTC price paths (include/hashpivot/price.h).
 *
 * Every model works on the log price x_d = ln(S_d / S_0): GBM and Merton
 * add independent daily increments, the bootstrap adds blocks of a
 * history's daily log-returns; out[d] = S_0 exp(x_d). The draws of path p
 * under seed s come from the stream (s, p, HP_RNG_PRICE) and from nothing
 * else. Nothing here allocates.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hashpivot/price.h"

#include "hashpivot/calendar.h"
#include "hashpivot/rng.h"

#define DT (1.0 / HP_DAYS_PER_YEAR)
/* Ranges the check enforces (kept in step with docs/model.md "Price paths"). */
#define PRICE_MAX_USD 1e12
#define DRIFT_MIN_PCT -100.0
#define DRIFT_MAX_PCT 1000.0
#define VOL_MAX_PCT 1000.0
#define JUMPS_MAX_PER_YEAR 1000.0
#define JUMP_MEAN_MAX_PCT 100.0
#define JUMP_STDEV_MAX_PCT 100.0
#define BLOCK_DAYS_MAX 3653
#define NDAYS_MAX HP_DAILY_SERIES_MAX_DAYS

static const char *const kind_names[] = {
	[HP_PRICE_GBM] = "gbm",
	[HP_PRICE_MERTON] = "merton",
	[HP_PRICE_BOOTSTRAP] = "bootstrap",
	[HP_PRICE_FILE] = "file",
};

const char *hp_price_kind_name(enum hp_price_kind k)
{
	if ((unsigned)k < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[k];
	return "unknown";
}

enum hp_status hp_price_kind_parse(const char *name, const char *field, enum hp_price_kind *out,
				   struct hp_error *err)
{
	for (unsigned i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum hp_price_kind)i;
			return HP_OK;
		}
	}
	return hp_error_set(err, HP_EINVAL, field,
			    "must be one of gbm, merton, bootstrap, file, got '%.60s%s'", name,
			    strlen(name) > 60 ? "..." : "");
}

/* ------------------------------------------------------------------ */
/* checks                                                               */
/* ------------------------------------------------------------------ */


static enum hp_status check_num(double v, double lo, double hi, bool lo_open, const char *field,
				struct hp_error *err)
{
	if (!isfinite(v) || v < lo || v > hi || (lo_open && v == lo))
		return hp_error_set(err, HP_EINVAL, field, "must be %s %g and <= %g, got %g",
				    lo_open ? ">" : ">=", lo, hi, v);
	return HP_OK;
}

static bool series_ok(const struct hp_daily_series *s)
{
	return s && s->value && s->n > 0;
}

static int64_t series_last(const struct hp_daily_series *s)
{
	return s->first_day + (int64_t)s->n - 1;
}

static enum hp_status check_bootstrap(const struct hp_price_model *m, struct hp_error *err)
{
	const struct hp_daily_series *h = m->history;
	char a[24], b[24], c[24];

	if (!series_ok(h))
		return hp_error_set(err, HP_EINVAL, "history", "no price history given");
	if (m->block_days < 1 || m->block_days > BLOCK_DAYS_MAX)
		return hp_error_set(err, HP_EINVAL, "block_days",
				    "must be >= 1 and <= %d, got %" PRId64, BLOCK_DAYS_MAX,
				    m->block_days);
	if (m->history_from_day < h->first_day || m->history_from_day > series_last(h))
		return hp_error_set(err, HP_EINVAL, "history_from",
				    "must be inside the history (%s to %s), got %s",
				    hp_calendar_day_text(h->first_day, a), hp_calendar_day_text(series_last(h), b),
				    hp_calendar_day_text(m->history_from_day, c));
	if (m->history_to_day < h->first_day || m->history_to_day > series_last(h))
		return hp_error_set(err, HP_EINVAL, "history_to",
				    "must be inside the history (%s to %s), got %s",
				    hp_calendar_day_text(h->first_day, a), hp_calendar_day_text(series_last(h), b),
				    hp_calendar_day_text(m->history_to_day, c));
	if (m->history_to_day - m->history_from_day < m->block_days)
		return hp_error_set(err, HP_EINVAL, "history_to",
				    "must be at least block_days (%" PRId64
				    ") days after history_from (%s), got %s",
				    m->block_days, hp_calendar_day_text(m->history_from_day, a),
				    hp_calendar_day_text(m->history_to_day, b));
	return HP_OK;
}

/*
 * Method: each field the kind uses, against the ranges of
 * docs/model.md "Price paths", in the order of the struct; the first bad one is
 * reported. FILE needs start_day .. start_day + ndays inside the file.
 */
enum hp_status hp_price_model_check(const struct hp_price_model *m, int64_t ndays,
				    struct hp_error *err)
{
	char a[24], b[24], c[24], d[24];

	if (ndays < 1 || ndays > NDAYS_MAX)
		return hp_error_set(err, HP_EINVAL, "days", "must be >= 1 and <= %d, got %" PRId64,
				    NDAYS_MAX, ndays);
	switch (m->kind) {
	case HP_PRICE_GBM:
	case HP_PRICE_MERTON:
		if (check_num(m->start_price_usd, 0, PRICE_MAX_USD, true, "start_price_usd", err) ||
		    check_num(m->drift_pct_per_year, DRIFT_MIN_PCT, DRIFT_MAX_PCT, false,
			      "drift_pct_per_year", err) ||
		    check_num(m->volatility_pct_per_year, 0, VOL_MAX_PCT, false,
			      "volatility_pct_per_year", err))
			return HP_EINVAL;
		if (m->kind == HP_PRICE_MERTON &&
		    (check_num(m->jumps_per_year, 0, JUMPS_MAX_PER_YEAR, false, "jumps_per_year",
			       err) ||
		     check_num(m->jump_mean_pct, -JUMP_MEAN_MAX_PCT, JUMP_MEAN_MAX_PCT, false,
			       "jump_mean_pct", err) ||
		     check_num(m->jump_stdev_pct, 0, JUMP_STDEV_MAX_PCT, false, "jump_stdev_pct",
			       err)))
			return HP_EINVAL;
		return HP_OK;
	case HP_PRICE_BOOTSTRAP:
		if (check_num(m->start_price_usd, 0, PRICE_MAX_USD, true, "start_price_usd", err))
			return HP_EINVAL;
		if (m->recentre && check_num(m->drift_pct_per_year, DRIFT_MIN_PCT, DRIFT_MAX_PCT,
					     false, "drift_pct_per_year", err))
			return HP_EINVAL;
		return check_bootstrap(m, err);
	case HP_PRICE_FILE:
		if (!series_ok(m->path))
			return hp_error_set(err, HP_EINVAL, "file", "no price path given");
		if (m->start_day < m->path->first_day || m->start_day > series_last(m->path) ||
		    series_last(m->path) - m->start_day < ndays)
			return hp_error_set(err, HP_EINVAL, "file",
					    "covers %s to %s, the horizon needs %s to %s",
					    hp_calendar_day_text(m->path->first_day, a),
					    hp_calendar_day_text(series_last(m->path), b),
					    hp_calendar_day_text(m->start_day, c),
					    hp_calendar_day_text(m->start_day + ndays, d));
		return HP_OK;
	}
	return hp_error_set(err, HP_EINVAL, "kind", "unknown price model %d", (int)m->kind);
}

/* ------------------------------------------------------------------ */
/* paths                                                                */
/* ------------------------------------------------------------------ */

/*
 * Method: GBM's exact solution over one day, dt = 1/365.25 years:
 *   x_{d+1} = x_d + (mu - sigma^2/2) dt + sigma sqrt(dt) Z_d,
 * Z_d iid N(0, 1), mu and sigma the percentages / 100; out[d] = S0 exp(x_d).
 * Merton adds N_d ~ Poisson(lambda dt) jumps, each J ~ N(m, s^2), and
 * takes lambda k dt, k = exp(m + s^2/2) - 1, off the drift; the sum of the
 * N_d jumps is drawn at once as m N_d + s sqrt(N_d) Z'_d (exact: a sum of
 * N iid normals is N(mN, s^2 N)). Draw order per day: N_d (Merton), Z_d,
 * then Z'_d only when N_d > 0.
 * Special cases: sigma = 0 still draws Z_d (the stream does not depend
 * on the parameters' values); a path's log price is accumulated, not its
 * price, so no rounding drift of a running product.
 * Accuracy: exact in distribution (E[S_t] = S0 e^{mu t} for both); the
 * sum of d increments carries about d ulps of x_d.
 * Source: P. Glasserman, Monte Carlo Methods in Financial Engineering
 * (2003), 3.2.1 and 3.5.1; R. C. Merton, J. Fin. Econ. 3 (1976) 125-144.
 */
static void path_diffusion(const struct hp_price_model *m, struct hp_rng *r, int64_t ndays,
			   double *out)
{
	double mu = m->drift_pct_per_year / 100, sigma = m->volatility_pct_per_year / 100;
	double lambda = 0, jm = 0, js = 0, comp = 0;
	double s0 = m->start_price_usd, x = 0;

	if (m->kind == HP_PRICE_MERTON) {
		lambda = m->jumps_per_year;
		jm = m->jump_mean_pct / 100;
		js = m->jump_stdev_pct / 100;
		comp = lambda * expm1(jm + js * js / 2);
	}
	double drift = (mu - sigma * sigma / 2 - comp) * DT, vol = sigma * sqrt(DT);
	double lambda_dt = lambda * DT;

	out[0] = s0;
	for (int64_t d = 1; d <= ndays; d++) {
		uint64_t n = m->kind == HP_PRICE_MERTON ? hp_rng_poisson(r, lambda_dt) : 0;
		x += drift + vol * hp_rng_normal(r);
		if (n > 0) {
			double dn = (double)n;
			x += jm * dn + js * sqrt(dn) * hp_rng_normal(r);
		}
		out[d] = s0 * exp(x);
	}
}

/*
 * Method: moving-block bootstrap. The window's R = to - from daily
 * log-returns r_j = ln(P_{j+1} / P_j) offer R - b + 1 blocks of b
 * consecutive returns; each block starts at a uniform position
 * (hp_rng_below) and the path takes its returns in order, the last block
 * cut at the horizon. Inside a block starting at j0 the log price after k
 * returns is the block's base + ln(P_{j0+k} / P_{j0}) + k c: one log per
 * day, whatever b. With recentre, c = (mu - v/2)/365.25 - rbar, rbar =
 * ln(P_to / P_from) / R the window's mean return and v = 365.25 x its
 * sample variance (denominator R - 1; 0 when R = 1); otherwise c = 0.
 * Special cases: b = R leaves one block, the window itself.
 * Accuracy: exact resampling; recentring costs R logs per path.
 * Source: H. R. Kunsch, Ann. Stat. 17 (1989) 1217-1241; docs/model.md "Price paths".
 */
static void path_bootstrap(const struct hp_price_model *m, struct hp_rng *r, int64_t ndays,
			   double *out)
{
	const double *p = m->history->value;
	int64_t i0 = m->history_from_day - m->history->first_day;
	int64_t nret = m->history_to_day - m->history_from_day, b = m->block_days;
	uint64_t starts = (uint64_t)(nret - b + 1);
	double s0 = m->start_price_usd, x = 0, c = 0;

	if (m->recentre) {
		double mean = log(p[i0 + nret] / p[i0]) / (double)nret, ss = 0;
		for (int64_t j = i0; j < i0 + nret; j++) {
			double e = log(p[j + 1] / p[j]) - mean;
			ss += e * e;
		}
		double v = nret > 1 ? ss / (double)(nret - 1) * HP_DAYS_PER_YEAR : 0;
		c = (m->drift_pct_per_year / 100 - v / 2) * DT - mean;
	}
	out[0] = s0;
	for (int64_t d = 0; d < ndays;) {
		int64_t j0 = i0 + (int64_t)hp_rng_below(r, starts);
		int64_t len = b < ndays - d ? b : ndays - d;
		double base = x;
		for (int64_t k = 1; k <= len; k++) {
			x = base + log(p[j0 + k] / p[j0]) + c * (double)k;
			out[d + k] = s0 * exp(x);
		}
		d += len;
	}
}

void hp_price_path(const struct hp_price_model *m, uint64_t seed, uint64_t path, int64_t ndays,
		   double *out)
{
	struct hp_rng r;

	hp_rng_init(&r, seed, path, HP_RNG_PRICE);
	switch (m->kind) {
	case HP_PRICE_GBM:
	case HP_PRICE_MERTON:
		path_diffusion(m, &r, ndays, out);
		break;
	case HP_PRICE_BOOTSTRAP:
		path_bootstrap(m, &r, ndays, out);
		break;
	case HP_PRICE_FILE: {
		const double *v = m->path->value + (m->start_day - m->path->first_day);
		memcpy(out, v, (size_t)(ndays + 1) * sizeof(*out));
		break;
	}
	}
}

/*
 * Method: ln(S_t / S0) = (mu - sigma^2/2 - lambda k) t + sigma W_t + sum
 * of N_t jumps, so with t = days / 365.25
 *   mean = (mu - sigma^2/2 - lambda k) t + lambda m t,
 *   variance = sigma^2 t + lambda (s^2 + m^2) t,   k = exp(m + s^2/2) - 1
 * (GBM: lambda = 0). Special cases: NaN for the bootstrap and a file,
 * which have no closed form. Source: Merton (1976); Glasserman 3.5.1.
 */
void hp_price_log_moments(const struct hp_price_model *m, double days, double *mean,
			  double *variance)
{
	double t = days / HP_DAYS_PER_YEAR;
	double mu = m->drift_pct_per_year / 100, sigma = m->volatility_pct_per_year / 100;
	double lambda = 0, jm = 0, js = 0;

	if (m->kind != HP_PRICE_GBM && m->kind != HP_PRICE_MERTON) {
		*mean = NAN;
		*variance = NAN;
		return;
	}
	if (m->kind == HP_PRICE_MERTON) {
		lambda = m->jumps_per_year;
		jm = m->jump_mean_pct / 100;
		js = m->jump_stdev_pct / 100;
	}
	double k = expm1(jm + js * js / 2);
	*mean = (mu - sigma * sigma / 2 - lambda * k) * t + lambda * jm * t;
	*variance = sigma * sigma * t + lambda * (js * js + jm * jm) * t;
}
