/*
 * powerprice.h - hourly electricity price series and curtailment.
 *
 * A series is read from a CSV file with a header and two columns,
 * `timestamp` (Unix seconds or ISO 8601 UTC, strictly increasing, one hour
 * apart; gaps are an error naming the line) and `usd_per_mwh` (finite, may
 * be negative: wholesale markets such as ERCOT clear below zero).
 *
 * Curtailment runs a machine in an hour only when what it earns in that
 * hour beats what the hour's power costs plus the demand-response credit it
 * forgoes, then, if a minimum uptime is asked for, adds back the least
 * costly of the curtailed hours until the minimum is met. Only the
 * minimum-uptime selection allocates (scratch, freed before returning).
 * Equations: docs/model.md "Curtailment".
 */
#ifndef HASHPIVOT_POWERPRICE_H
#define HASHPIVOT_POWERPRICE_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

/*
 * At most this many rows in a file: 20 years of hours (7,305 days, the most
 * any 20 calendar years hold, times 24). Longer files are an HP_EPARSE
 * error naming the line.
 */
#define HP_POWER_SERIES_MAX_HOURS 175320

/*
 * The minimum uptime asks for ceil(min_uptime_pct / 100 * hours - this)
 * hours: a product within this many hours above an integer (rounding in
 * the percentage) counts as that integer (docs/model.md "Curtailment").
 */
#define HP_CURTAIL_UPTIME_SLACK_HOURS 1e-9

struct hp_power_series {
	int64_t *time;        /* Unix seconds of the start of each hour */
	double *usd_per_mwh;  /* price of that hour */
	size_t n;
};

/*
 * Load path into out (overwritten). HP_EPARSE/HP_EIO with file:line messages,
 * HP_ENOMEM; on failure out is left empty and nothing is kept. The caller
 * owns the arrays and frees them with hp_power_series_release().
 */
HP_API enum hp_status hp_power_series_load(const char *path, struct hp_power_series *out,
					   struct hp_error *err);
/* Free the arrays; the struct is left empty. NULL and empty series are fine. */
HP_API void hp_power_series_release(struct hp_power_series *s);
/* Mean price over the series, USD/MWh (0 for an empty series), summed compensated. */
HP_API double hp_power_series_mean(const struct hp_power_series *s);

struct hp_curtail_input {
	double revenue_usd_per_hour; /* what the machine (or group) earns per running hour */
	double load_mw;              /* facility draw while running (machine power x PUE) */
	double dr_credit_usd_per_mwh; /* paid per MWh not drawn in a curtailed hour, >= 0 */
	double min_uptime_pct;       /* [0, 100]; 0 = no constraint */
};

struct hp_curtail_result {
	size_t hours;                   /* length of the series */
	size_t hours_run;
	double uptime_pct;              /* 100 * hours_run / hours */
	double avg_price_paid_usd_per_mwh; /* mean over the hours run (0 if none) */
	double revenue_usd;             /* earned in the hours run */
	double power_cost_usd;          /* paid in the hours run */
	double dr_credit_usd;           /* earned in the curtailed hours */
	double profit_usd;              /* revenue - power cost + credit */
	double revenue_lost_usd;        /* vs running every hour */
	double power_saved_usd;         /* vs running every hour */
	double flat_profit_usd;         /* profit running every hour, no credit */
	double gain_usd;                /* profit_usd - flat_profit_usd (>= 0 without min uptime) */
};

/*
 * Curtail over s. An hour runs iff revenue - load * price > load * credit
 * (a tie curtails); then, while fewer than the minimum uptime's hours run,
 * the cheapest curtailed hours are added back (ties by time). HP_EINVAL
 * naming the field (revenue_usd_per_hour, load_mw, dr_credit_usd_per_mwh,
 * min_uptime_pct, prices for an empty series, prices[i] for a non-finite
 * price) for a bad input; HP_ENOMEM if the scratch cannot be had. On
 * failure out is untouched.
 */
HP_API enum hp_status hp_curtail(const struct hp_power_series *s,
				 const struct hp_curtail_input *in,
				 struct hp_curtail_result *out, struct hp_error *err);

#endif
