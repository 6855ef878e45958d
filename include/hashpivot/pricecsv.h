/*
 * pricecsv.h - daily BTC/USD closes from the CSV layouts exchanges and
 * data sites export, for `hashpivot prices import`.
 *
 * The file has a header row. The date column is the first present of
 * date, day, snapped_at, timestamp, time, unix, datetime; the close column
 * the first of close, price, price_usd, close_usd, c (names compared
 * case-insensitively, surrounding spaces ignored; other columns ignored).
 * So CoinGecko ("snapped_at,price,market_cap,total_volume"), Bitstamp and
 * Yahoo ("Date,Open,High,Low,Close,Adj Close,Volume"), Coin Metrics-style
 * ("date,price_usd") and the shipped data/btc_usd_daily.csv all load, with
 * their columns in any order.
 *
 * A date cell is YYYY-MM-DD, optionally followed by a time ("T00:00:00Z",
 * " 00:00:00", " 00:00:00 UTC"), or a Unix time in seconds, or in
 * milliseconds when above 1e11 (year 5138 in seconds); the row's day is the
 * UTC day of that time. A close is a finite decimal number > 0. Rows may
 * come in any order (some exports are newest first) but a day may appear
 * only once. Errors are HP_EPARSE "<file>:<line>: <column>: <what>, got
 * '<value>'" (a repeated day names both lines); at most
 * HP_DAILY_SERIES_MAX_DAYS rows; nothing is kept from a failed load.
 */
#ifndef HASHPIVOT_PRICECSV_H
#define HASHPIVOT_PRICECSV_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

struct hp_price_row {
	int64_t day;      /* days since 1970-01-01 */
	double close_usd; /* > 0 */
	size_t line;      /* where it was read */
};

struct hp_price_rows {
	struct hp_price_row *v; /* sorted by day */
	size_t n;
	char date_column[64], close_column[64]; /* the header names used */
};

HP_API enum hp_status hp_pricecsv_load(const char *path, struct hp_price_rows *out,
				       struct hp_error *err);
HP_API void hp_pricecsv_release(struct hp_price_rows *r);

#endif
