/*
 * netdaily.h - the shipped daily network series (data/btc_daily_network.csv):
 * one row per UTC day with the blocks found, the height of the day's last
 * block and the fees paid, which `hashpivot backtest` runs a fleet through.
 *
 * The file has a header row with at least the columns date, blk_cnt,
 * height_eod and fees_btc (any order, other columns ignored except
 * hashprice_usd_per_phs_day, the reference series, and price_usd, kept for
 * comparison). Rows are consecutive days (YYYY-MM-DD); blk_cnt >= 0,
 * height_eod >= -1 and it steps by blk_cnt from one row to the next; an
 * empty fees_btc, price_usd or hashprice cell means "not known" (NaN). Every
 * error is HP_EPARSE "<file>:<line>: <column>: <what>, got '<value>'";
 * nothing is kept from a failed load. The caller releases the table with
 * hp_netdaily_release().
 */
#ifndef HASHPIVOT_NETDAILY_H
#define HASHPIVOT_NETDAILY_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

struct hp_netdaily_row {
	int64_t day;        /* days since 1970-01-01 */
	int64_t blocks;     /* blk_cnt */
	int64_t height;     /* height_eod: the day's last block, -1 before the genesis */
	double fees_btc;    /* NaN when unknown */
	double price_usd;   /* NaN when unknown */
	double hashprice_usd_per_ph_day; /* NaN when unknown */
};

struct hp_netdaily {
	struct hp_netdaily_row *v;
	size_t n;
};

HP_API enum hp_status hp_netdaily_load(const char *path, struct hp_netdaily *out,
				       struct hp_error *err);
HP_API void hp_netdaily_release(struct hp_netdaily *nd);
/* The row of day, or NULL when the table does not cover it. */
HP_API const struct hp_netdaily_row *hp_netdaily_find(const struct hp_netdaily *nd, int64_t day);

#endif
