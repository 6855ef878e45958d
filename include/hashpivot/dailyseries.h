/*
 * dailyseries.h - a daily time series read from CSV: one value per UTC
 * day, consecutive days, no gaps (BTC/USD closes, difficulty by day).
 *
 * The file has a header row. The date column is the first of `date`, `day`,
 * `snapped_at`, `time`, `timestamp` present (case-insensitive); its cells
 * are YYYY-MM-DD, optionally followed by " 00:00:00 UTC" or "T00:00:00Z"
 * (CoinGecko, ISO), or Unix seconds at midnight UTC. The value column is the
 * first of the caller's names present (e.g. price_usd, close, c, price).
 * Other columns are ignored. Rows must be strictly one day apart: a repeated
 * day, a day out of order or a gap is an HP_EPARSE error naming the line
 * ("prices.csv:12: date 2020-01-05 follows 2020-01-03, a gap of 1 day");
 * values must be finite and > 0 (a zero or negative price, NaN, "inf" are
 * errors naming the line and the column). At most HP_DAILY_SERIES_MAX_DAYS
 * rows. On failure nothing is kept.
 */
#ifndef HASHPIVOT_DAILYSERIES_H
#define HASHPIVOT_DAILYSERIES_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

/* 200 years of days: a cap on what a file may make us allocate. */
#define HP_DAILY_SERIES_MAX_DAYS 73050

struct hp_daily_series {
	int64_t first_day;   /* days since 1970-01-01 of value[0] */
	double *value;       /* value[i] is the value of day first_day + i */
	size_t n;
};

/* Column names for BTC/USD closes and for difficulty, NULL-terminated. */
HP_API extern const char *const hp_daily_series_price_columns[];
HP_API extern const char *const hp_daily_series_difficulty_columns[];

/*
 * Load path into out (overwritten), taking values from the first column
 * named in value_names (a NULL-terminated list). HP_EIO when the file
 * cannot be read, HP_EPARSE with "path:line: ..." otherwise, HP_ENOMEM.
 * The caller frees with hp_daily_series_release().
 */
HP_API enum hp_status hp_daily_series_load(const char *path, const char *const *value_names,
					   struct hp_daily_series *out, struct hp_error *err);
HP_API void hp_daily_series_release(struct hp_daily_series *s);

/* Index of day in s, or -1 when s does not cover it. */
HP_API int64_t hp_daily_series_index(const struct hp_daily_series *s, int64_t day);

#endif
