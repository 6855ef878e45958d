/*
 * price.h - BTC price paths, one value per day: geometric Brownian motion,
 * Merton jump-diffusion, a block bootstrap of real daily log-returns, and a
 * user-given path.
 *
 * Invariants: a path is a pure function of (model, seed, path index); the
 * random draws come from the stream hp_rng_init(seed, path, HP_RNG_PRICE),
 * so a path does not depend on which thread or process computes it. Time in
 * years is days / 365.25. out[0] is the start price and out[d] the price d
 * days later (a close). Nothing allocates. hp_price_model_check() validates
 * a model once, naming the field as the scenario key (without the section
 * prefix: "volatility_pct_per_year: must be >= 0, got -3"); hp_price_path()
 * assumes a checked model. Equations: docs/model.md "Price paths".
 */
#ifndef HASHPIVOT_PRICE_H
#define HASHPIVOT_PRICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "dailyseries.h"
#include "error.h"

#define HP_DAYS_PER_YEAR 365.25

enum hp_price_kind {
	HP_PRICE_GBM,       /* dS/S = mu dt + sigma dW, exact log-normal daily steps */
	HP_PRICE_MERTON,    /* GBM + compound Poisson jumps in log price, compensated */
	HP_PRICE_BOOTSTRAP, /* moving-block bootstrap of a history's daily log-returns */
	HP_PRICE_FILE       /* the user's daily path, the same on every Monte Carlo path */
};

struct hp_price_model {
	enum hp_price_kind kind;
	double start_price_usd;         /* S0 > 0 (FILE: unused, the file's start_day value) */
	double drift_pct_per_year;      /* mu in percent: E[S_t] = S0 exp(mu t), [-100, 1000] */
	double volatility_pct_per_year; /* sigma in percent, [0, 1000] */
	/* Merton: N(t) ~ Poisson(lambda t) jumps, each multiplying S by exp(J),
	 * J ~ N(m, s^2); the drift is compensated by lambda (exp(m + s^2/2) - 1)
	 * so that E[S_t] = S0 exp(mu t) still holds. */
	double jumps_per_year;          /* lambda >= 0 */
	double jump_mean_pct;           /* 100 m: mean log jump size, e.g. -5 */
	double jump_stdev_pct;          /* 100 s >= 0 */
	/* BOOTSTRAP: daily log-returns ln(P[i+1]/P[i]) of history inside the
	 * window [history_from_day, history_to_day], drawn in blocks of
	 * block_days consecutive returns starting at a uniform position (the
	 * last block of a path is cut short). With recentre, every return is
	 * shifted by one constant so the sample's mean daily log-return becomes
	 * (mu - v / 2) / 365.25, v the sample's annualised variance of daily
	 * log-returns, so E[S_t] ~= S0 exp(mu t); without it the history's own
	 * drift is kept. */
	const struct hp_daily_series *history;
	int64_t history_from_day;       /* days since 1970-01-01, inclusive */
	int64_t history_to_day;         /* inclusive; >= from + block_days */
	int64_t block_days;             /* >= 1 */
	bool recentre;
	/* FILE: out[d] = path value of day start_day + d; the file must cover
	 * start_day .. start_day + ndays. */
	const struct hp_daily_series *path;
	int64_t start_day;
};

/* "gbm", "merton", "bootstrap", "file" */
HP_API const char *hp_price_kind_name(enum hp_price_kind k);
/* Parse a name as above; HP_EINVAL naming `field` otherwise. */
HP_API enum hp_status hp_price_kind_parse(const char *name, const char *field,
					  enum hp_price_kind *out, struct hp_error *err);

/*
 * Validate m for paths of ndays days (>= 1): ranges of every field its kind
 * uses, a bootstrap window inside the history with at least block_days
 * returns, a file path covering the horizon. HP_EINVAL naming the field.
 */
HP_API enum hp_status hp_price_model_check(const struct hp_price_model *m, int64_t ndays,
					   struct hp_error *err);

/*
 * Fill out[0..ndays] (ndays + 1 values) with path number `path` of a
 * checked model under `seed`. Deterministic; never allocates.
 */
HP_API void hp_price_path(const struct hp_price_model *m, uint64_t seed, uint64_t path,
			  int64_t ndays, double *out);

/* Mean and variance of ln(S_t / S0) under GBM/Merton at t = days / 365.25
 * (the theory the tests check sample moments against). */
HP_API void hp_price_log_moments(const struct hp_price_model *m, double days, double *mean,
				 double *variance);

#endif
