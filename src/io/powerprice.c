/*
 * powerprice.c - load an hourly power price series (include/hashpivot/powerprice.h).
 *
 * The file has exactly two columns, found by name in the header:
 * `timestamp` (Unix seconds or ISO 8601 UTC, on the hour, each row one hour
 * after the previous) and `usd_per_mwh` (finite, |x| <= 1e6, may be
 * negative). A missing or an extra column, a gap, a repeated or earlier
 * hour is an HP_EPARSE error "<file>:<line>: <column>: <what>, got '<text>'".
 *
 * Rows go into two arrays that double together, capped at
 * HP_POWER_SERIES_MAX_HOURS rows. On any error everything is freed and
 * *out stays empty. (The series' mean lives with the arithmetic, in
 * src/core/curtail.c.)
 */
#include "hashpivot/powerprice.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/csv.h"
#include "hashpivot/parse.h"

#define SECONDS_PER_HOUR 3600
/* The last second hp_parse_time and hp_format_time handle: 9999-12-31T23:59:59Z. */
#define TIME_MAX INT64_C(253402300799)
/* A market's price cap is a few thousand USD/MWh; beyond this it is not a price
 * (the error message spells it out: keep the two together). */
#define PRICE_MAX_USD_PER_MWH 1e6
#define SERIES_INITIAL_CAP 1024
/* Bytes of a bad value quoted in a message. */
#define QUOTE_MAX 80
#define QUOTE(s) QUOTE_MAX, (s), (strlen(s) > QUOTE_MAX ? "..." : "")

static const char *const series_columns[] = { "timestamp", "usd_per_mwh" };

/* Grow both arrays to hold one more row, within the cap. */
static enum hp_status series_reserve(const struct hp_csv *c, struct hp_power_series *t,
				     size_t *cap, struct hp_error *err)
{
	int64_t *time;
	double *price;
	size_t want;

	if (t->n < *cap)
		return HP_OK;
	if (*cap == HP_POWER_SERIES_MAX_HOURS)
		return hp_csv_error(c, err, HP_EPARSE, -1,
				    "more than %d rows (20 years of hours)",
				    HP_POWER_SERIES_MAX_HOURS);
	want = *cap ? 2 * *cap : SERIES_INITIAL_CAP;
	if (want > HP_POWER_SERIES_MAX_HOURS)
		want = HP_POWER_SERIES_MAX_HOURS;
	/* Each array is kept as soon as it has grown, so a failure frees both. */
	time = hp_realloc(t->time, want * sizeof(*time));
	if (!time)
		return hp_csv_error(c, err, HP_ENOMEM, -1, "out of memory");
	t->time = time;
	price = hp_realloc(t->usd_per_mwh, want * sizeof(*price));
	if (!price)
		return hp_csv_error(c, err, HP_ENOMEM, -1, "out of memory");
	t->usd_per_mwh = price;
	*cap = want;
	return HP_OK;
}

/* Parse the current record as row t->n (checked against the row before). */
static enum hp_status parse_row(const struct hp_csv *c, int col_time, int col_price,
				const struct hp_power_series *t, int64_t *time, double *price,
				struct hp_error *err)
{
	struct hp_error e;
	const char *s;

	s = c->field[col_time];
	if (hp_parse_time(s, 0, TIME_MAX, time, NULL, &e) != HP_OK)
		return hp_csv_error(c, err, HP_EPARSE, col_time, "%s", e.message);
	if (*time % SECONDS_PER_HOUR != 0)
		return hp_csv_error(c, err, HP_EPARSE, col_time,
				    "must be on the hour (a multiple of %d s), got '%.*s%s'",
				    SECONDS_PER_HOUR, QUOTE(s));
	if (t->n > 0 && *time != t->time[t->n - 1] + SECONDS_PER_HOUR) {
		char want[32];
		hp_format_time(t->time[t->n - 1] + SECONDS_PER_HOUR, want);
		return hp_csv_error(c, err, HP_EPARSE, col_time,
				    "must be one hour after the previous row (%s), got '%.*s%s'",
				    want, QUOTE(s));
	}

	s = c->field[col_price];
	if (hp_parse_double(s, -PRICE_MAX_USD_PER_MWH, PRICE_MAX_USD_PER_MWH, price, NULL,
			    NULL) != HP_OK)
		return hp_csv_error(c, err, HP_EPARSE, col_price,
				    "must be a finite number from -1e6 to 1e6, got '%.*s%s'", QUOTE(s));
	return HP_OK;
}

enum hp_status hp_power_series_load(const char *path, struct hp_power_series *out,
				    struct hp_error *err)
{
	struct hp_power_series t = { NULL, NULL, 0 };
	struct hp_csv c;
	enum hp_status ret;
	int col_time, col_price;
	size_t cap = 0, i;
	bool eof;

	out->time = NULL;
	out->usd_per_mwh = NULL;
	out->n = 0;
	if ((ret = hp_csv_open(&c, path, err)) != HP_OK)
		goto err0;
	for (i = 0; i < sizeof(series_columns) / sizeof(series_columns[0]); i++) {
		if (hp_csv_column(&c, series_columns[i]) < 0) {
			ret = hp_csv_error(&c, err, HP_EPARSE, -1, "missing column '%s'",
					   series_columns[i]);
			goto err1;
		}
	}
	/* Both are there and names are distinct, so any third column is extra. */
	for (i = 0; i < c.nheader; i++) {
		if (strcmp(c.header[i], series_columns[0]) != 0 &&
		    strcmp(c.header[i], series_columns[1]) != 0) {
			ret = hp_csv_error(&c, err, HP_EPARSE, -1,
					   "unexpected column '%.*s%s' (the columns are "
					   "timestamp and usd_per_mwh)",
					   QUOTE(c.header[i]));
			goto err1;
		}
	}
	col_time = hp_csv_column(&c, series_columns[0]);
	col_price = hp_csv_column(&c, series_columns[1]);

	for (;;) {
		int64_t time;
		double price;

		if ((ret = hp_csv_next(&c, &eof, err)) != HP_OK)
			goto err2;
		if (eof)
			break;
		if ((ret = parse_row(&c, col_time, col_price, &t, &time, &price, err)) != HP_OK)
			goto err2;
		if ((ret = series_reserve(&c, &t, &cap, err)) != HP_OK)
			goto err2;
		t.time[t.n] = time;
		t.usd_per_mwh[t.n] = price;
		t.n++;
	}
	if (t.n == 0) {
		ret = hp_csv_error(&c, err, HP_EPARSE, -1, "no rows after the header");
		goto err2;
	}
	hp_csv_close(&c);
	*out = t;
	return HP_OK;

err2:
	hp_power_series_release(&t);
err1:
	hp_csv_close(&c);
err0:
	return ret;
}

void hp_power_series_release(struct hp_power_series *s)
{
	if (!s)
		return;
	hp_free(s->time);
	hp_free(s->usd_per_mwh);
	s->time = NULL;
	s->usd_per_mwh = NULL;
	s->n = 0;
}
