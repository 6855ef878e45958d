/*
 * pricecsv.c - daily closes from exchange CSV layouts (include/hashpivot/pricecsv.h).
 */
#include "hashpivot/pricecsv.h"

#include <ctype.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hashpivot/alloc.h"
#include "hashpivot/calendar.h"
#include "hashpivot/csv.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/parse.h"

#define SECONDS_PER_DAY 86400
/* 9999-12-31T23:59:59Z, the last time hp_parse_time reads */
#define TIME_MAX INT64_C(253402300799)
/* A Unix time above this is in milliseconds (1e11 s is the year 5138). */
#define MS_THRESHOLD INT64_C(100000000000)
#define QUOTE_MAX 60
/* A close above this is a unit mistake (cents, satoshis), not a price. */
#define CLOSE_MAX_USD 1e12
#define CELL_MAX 40

static const char *const date_names[] = { "date", "day", "snapped_at", "timestamp", "time",
					   "unix", "datetime", NULL };
static const char *const close_names[] = { "close", "price", "price_usd", "close_usd", "c",
					    NULL };

/* Header cell equal to name, ignoring case and surrounding spaces. */
static bool same_name(const char *cell, const char *name)
{
	size_t n;

	while (isspace((unsigned char)*cell))
		cell++;
	n = strlen(cell);
	while (n && isspace((unsigned char)cell[n - 1]))
		n--;
	return n == strlen(name) && strncasecmp(cell, name, n) == 0;
}

static int find_column(const struct hp_csv *c, const char *const *names)
{
	for (; *names; names++)
		for (size_t i = 0; i < c->nheader; i++)
			if (same_name(c->header[i], *names))
				return (int)i;
	return -1;
}

/* The UTC day of a date cell. */
static bool parse_day(const char *s, int64_t *day)
{
	char cell[CELL_MAX];
	size_t n = strlen(s);
	int64_t t;

	if (n == 0 || n >= sizeof(cell))
		return false;
	memcpy(cell, s, n + 1);
	if (n > 4 && strcmp(cell + n - 4, " UTC") == 0)
		cell[n - 4] = '\0';
	if (hp_parse_time(cell, 0, TIME_MAX, &t, NULL, NULL) != HP_OK) {
		/* milliseconds: all digits, too large for seconds */
		if (hp_parse_int64(cell, MS_THRESHOLD, TIME_MAX * 1000, &t, NULL, NULL) != HP_OK)
			return false;
		t /= 1000;
	} else if (t >= MS_THRESHOLD) {
		return false;
	}
	*day = t / SECONDS_PER_DAY;
	return true;
}

static int by_day(const void *a, const void *b)
{
	const struct hp_price_row *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

enum hp_status hp_pricecsv_load(const char *path, struct hp_price_rows *out, struct hp_error *err)
{
	struct hp_csv c = {0};
	struct hp_price_rows r = {0};
	size_t cap = 0;
	int dcol, pcol;
	bool eof = false;
	enum hp_status st;

	memset(out, 0, sizeof(*out));
	if ((st = hp_csv_open(&c, path, err)))
		return st;
	dcol = find_column(&c, date_names);
	pcol = find_column(&c, close_names);
	if (dcol < 0 || pcol < 0) {
		char head[QUOTE_MAX + 1] = "";
		size_t used = 0;

		/* the header as it was, comma-separated, cut at QUOTE_MAX */
		for (size_t i = 0; i < c.nheader && used < QUOTE_MAX; i++) {
			int w = snprintf(head + used, sizeof(head) - used, "%s%s", i ? "," : "",
					 c.header[i]);
			used = w < 0 ? used : used + (size_t)w;
		}
		st = hp_error_set(err, HP_EPARSE, path,
				  "the header has no %s column (expected one of %s), got '%s'",
				  dcol < 0 ? "date" : "close",
				  dcol < 0 ? "date, day, snapped_at, timestamp, time, unix, datetime"
					   : "close, price, price_usd, close_usd, c",
				  head);
		goto fail;
	}
	snprintf(r.date_column, sizeof(r.date_column), "%s", c.header[dcol]);
	snprintf(r.close_column, sizeof(r.close_column), "%s", c.header[pcol]);
	for (;;) {
		struct hp_price_row *row;

		if ((st = hp_csv_next(&c, &eof, err)))
			goto fail;
		if (eof)
			break;
		if ((size_t)dcol >= c.nfield || (size_t)pcol >= c.nfield) {
			st = hp_csv_error(&c, err, HP_EPARSE, -1, "%zu fields, the header has %zu",
					  c.nfield, c.nheader);
			goto fail;
		}
		if (r.n == cap) {
			size_t want = cap ? cap * 2 : 512;
			struct hp_price_row *v;

			if (want > HP_DAILY_SERIES_MAX_DAYS)
				want = HP_DAILY_SERIES_MAX_DAYS;
			if (r.n == want) {
				st = hp_csv_error(&c, err, HP_EPARSE, -1, "more than %d rows",
						  HP_DAILY_SERIES_MAX_DAYS);
				goto fail;
			}
			if (!(v = hp_realloc(r.v, want * sizeof(*v)))) {
				st = hp_error_set(err, HP_ENOMEM, path, "out of memory");
				goto fail;
			}
			r.v = v;
			cap = want;
		}
		row = &r.v[r.n];
		row->line = c.line;
		if (!parse_day(c.field[dcol], &row->day)) {
			st = hp_csv_error(&c, err, HP_EPARSE, dcol,
					  "not a date (YYYY-MM-DD[ time], Unix seconds or "
					  "milliseconds), got '%.*s'",
					  QUOTE_MAX, c.field[dcol]);
			goto fail;
		}
		if (hp_parse_double(c.field[pcol], 0, DBL_MAX, &row->close_usd, NULL, NULL) ||
		    !(row->close_usd > 0)) {
			st = hp_csv_error(&c, err, HP_EPARSE, pcol, "must be a number > 0, got '%.*s'",
					  QUOTE_MAX, c.field[pcol]);
			goto fail;
		}
		if (row->close_usd > CLOSE_MAX_USD) {
			st = hp_csv_error(&c, err, HP_EPARSE, pcol, "must be <= %.15g, got '%.*s'",
					  CLOSE_MAX_USD, QUOTE_MAX, c.field[pcol]);
			goto fail;
		}
		r.n++;
	}
	if (r.n == 0) {
		st = hp_error_set(err, HP_EPARSE, path, "no rows after the header");
		goto fail;
	}
	qsort(r.v, r.n, sizeof(*r.v), by_day);
	for (size_t i = 1; i < r.n; i++) {
		if (r.v[i].day == r.v[i - 1].day) {
			char d[24];
			size_t a = r.v[i - 1].line, b = r.v[i].line;

			st = hp_error_set(err, HP_EPARSE, NULL, "%s:%zu: %s: day %s repeats line %zu",
					  path, a > b ? a : b, r.date_column,
					  hp_calendar_day_text(r.v[i].day, d), a > b ? b : a);
			goto fail;
		}
	}
	hp_csv_close(&c);
	*out = r;
	return HP_OK;

fail:
	hp_csv_close(&c);
	hp_free(r.v);
	return st;
}

void hp_pricecsv_release(struct hp_price_rows *r)
{
	if (!r)
		return;
	hp_free(r->v);
	memset(r, 0, sizeof(*r));
}
