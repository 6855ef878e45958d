/*
 * dailyseries.c - load a daily series from CSV (include/hashpivot/dailyseries.h).
 *
 * The date column is the first of date, day, snapped_at, time, timestamp
 * in the header (case-insensitive), the value column the first of the
 * caller's names (case-insensitive too); other columns are ignored. A date
 * cell is anything hp_parse_time accepts at midnight UTC ("2020-01-03",
 * "2020-01-03T00:00:00Z", "2020-01-03 00:00:00", Unix seconds), and also
 * CoinGecko's "2020-01-03 00:00:00 UTC". Each row must be the day after
 * the previous one. Values go into one array that doubles, capped at
 * HP_DAILY_SERIES_MAX_DAYS; on any error it is freed and *out stays empty.
 */
#include "hashpivot/dailyseries.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "hashpivot/alloc.h"
#include "hashpivot/csv.h"
#include "hashpivot/parse.h"

#define SECONDS_PER_DAY 86400
/* The last second hp_parse_time handles: 9999-12-31T23:59:59Z. */
#define TIME_MAX INT64_C(253402300799)
#define SERIES_INITIAL_CAP 1024
/* Bytes of a bad value quoted in a message. */
#define QUOTE_MAX 60
#define QUOTE(s) QUOTE_MAX, (s), (strlen(s) > QUOTE_MAX ? "..." : "")
/* The longest date cell we look at: "YYYY-MM-DD HH:MM:SS UTC". */
#define DATE_CELL_MAX 32

const char *const hp_daily_series_price_columns[] = { "price_usd", "close", "c", "price", NULL };
const char *const hp_daily_series_difficulty_columns[] = { "difficulty", NULL };

static const char *const date_columns[] = { "date", "day", "snapped_at", "time", "timestamp",
					    NULL };

/* The first of names present in the header (case-insensitive), or -1. */
static int find_column(const struct hp_csv *c, const char *const *names)
{
	for (; *names; names++)
		for (size_t i = 0; i < c->nheader; i++)
			if (strcasecmp(c->header[i], *names) == 0)
				return (int)i;
	return -1;
}

/* "a, b, c or d" of a NULL-terminated list, into buf. */
static const char *name_list(const char *const *names, char *buf, size_t size)
{
	size_t n = 0, used = 0;

	while (names[n])
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int w = snprintf(buf + used, size - used, "%s%s",
				 i == 0 ? "" : (i + 1 == n ? " or " : ", "), names[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return buf;
}

static const char *day_text(int64_t day, char buf[32])
{
	hp_format_time(day * SECONDS_PER_DAY, buf);
	buf[10] = '\0';
	return buf;
}

/* The day of the current row's date cell. */
static enum hp_status parse_day(const struct hp_csv *c, int col, int64_t *day,
				struct hp_error *err)
{
	const char *s = c->field[col];
	char cell[DATE_CELL_MAX];
	size_t n = strlen(s);
	struct hp_error e;
	int64_t t;

	/* CoinGecko's snapped_at ends in " UTC"; hp_parse_time knows the rest. */
	if (n > 4 && n < sizeof(cell) && strcmp(s + n - 4, " UTC") == 0) {
		memcpy(cell, s, n - 4);
		cell[n - 4] = '\0';
		s = cell;
	}
	switch (hp_parse_time(s, 0, TIME_MAX, &t, NULL, &e)) {
	case HP_OK:
		break;
	case HP_ERANGE: /* well-formed, but no such day ("2020-02-30", 1969) */
		return hp_csv_error(c, err, HP_EPARSE, col, "%s", e.message);
	default:
		return hp_csv_error(c, err, HP_EPARSE, col,
				    "not a date (YYYY-MM-DD, or Unix seconds at midnight UTC), "
				    "got '%.*s%s'",
				    QUOTE(c->field[col]));
	}
	if (t % SECONDS_PER_DAY != 0)
		return hp_csv_error(c, err, HP_EPARSE, col, "must be a day at 00:00:00 UTC, got '%.*s%s'",
				    QUOTE(c->field[col]));
	*day = t / SECONDS_PER_DAY;
	return HP_OK;
}

/* Day `day` must follow `prev` by exactly one day. */
static enum hp_status check_sequence(const struct hp_csv *c, int64_t prev, int64_t day,
				     struct hp_error *err)
{
	char a[32], b[32];
	int64_t gap = day - prev - 1;

	if (gap == 0)
		return HP_OK;
	if (day == prev)
		return hp_csv_error(c, err, HP_EPARSE, -1, "date %s repeats the previous row",
				    day_text(day, a));
	if (day < prev)
		return hp_csv_error(c, err, HP_EPARSE, -1,
				    "date %s follows %s, out of order", day_text(day, a),
				    day_text(prev, b));
	return hp_csv_error(c, err, HP_EPARSE, -1, "date %s follows %s, a gap of %" PRId64 " day%s",
			    day_text(day, a), day_text(prev, b), gap, gap == 1 ? "" : "s");
}

/* Make room for one more value, within the cap. */
static enum hp_status reserve(const struct hp_csv *c, struct hp_daily_series *s, size_t *cap,
			      struct hp_error *err)
{
	size_t want;
	double *v;

	if (s->n < *cap)
		return HP_OK;
	if (*cap == HP_DAILY_SERIES_MAX_DAYS)
		return hp_csv_error(c, err, HP_EPARSE, -1, "more than %d rows (200 years of days)",
				    HP_DAILY_SERIES_MAX_DAYS);
	want = *cap ? 2 * *cap : SERIES_INITIAL_CAP;
	if (want > HP_DAILY_SERIES_MAX_DAYS)
		want = HP_DAILY_SERIES_MAX_DAYS;
	v = hp_realloc(s->value, want * sizeof(*v));
	if (!v)
		return hp_csv_error(c, err, HP_ENOMEM, -1, "out of memory");
	s->value = v;
	*cap = want;
	return HP_OK;
}

enum hp_status hp_daily_series_load(const char *path, const char *const *value_names,
				    struct hp_daily_series *out, struct hp_error *err)
{
	struct hp_daily_series s = { 0, NULL, 0 };
	struct hp_csv c;
	enum hp_status ret;
	int col_day, col_value;
	size_t cap = 0;
	char names[256];
	bool eof;

	out->first_day = 0;
	out->value = NULL;
	out->n = 0;
	if ((ret = hp_csv_open(&c, path, err)) != HP_OK)
		return ret;
	col_day = find_column(&c, date_columns);
	if (col_day < 0) {
		ret = hp_csv_error(&c, err, HP_EPARSE, -1, "no date column (%s)",
				   name_list(date_columns, names, sizeof(names)));
		goto fail;
	}
	col_value = find_column(&c, value_names);
	if (col_value < 0) {
		ret = hp_csv_error(&c, err, HP_EPARSE, -1, "no value column (%s)",
				   name_list(value_names, names, sizeof(names)));
		goto fail;
	}

	for (;;) {
		const char *cell;
		int64_t day = 0;
		double v;

		if ((ret = hp_csv_next(&c, &eof, err)) != HP_OK)
			goto fail;
		if (eof)
			break;
		if ((ret = parse_day(&c, col_day, &day, err)) != HP_OK)
			goto fail;
		if (s.n > 0 &&
		    (ret = check_sequence(&c, s.first_day + (int64_t)s.n - 1, day, err)) != HP_OK)
			goto fail;
		cell = c.field[col_value];
		if (hp_parse_double(cell, -1e308, 1e308, &v, NULL, NULL) != HP_OK || !(v > 0)) {
			ret = hp_csv_error(&c, err, HP_EPARSE, col_value,
					   "must be a finite number > 0, got '%.*s%s'", QUOTE(cell));
			goto fail;
		}
		if ((ret = reserve(&c, &s, &cap, err)) != HP_OK)
			goto fail;
		if (s.n == 0)
			s.first_day = day;
		s.value[s.n++] = v;
	}
	if (s.n == 0) {
		ret = hp_csv_error(&c, err, HP_EPARSE, -1, "no rows after the header");
		goto fail;
	}
	hp_csv_close(&c);
	*out = s;
	return HP_OK;

fail:
	hp_daily_series_release(&s);
	hp_csv_close(&c);
	return ret;
}

void hp_daily_series_release(struct hp_daily_series *s)
{
	if (!s)
		return;
	hp_free(s->value);
	s->value = NULL;
	s->n = 0;
	s->first_day = 0;
}

int64_t hp_daily_series_index(const struct hp_daily_series *s, int64_t day)
{
	if (!s || day < s->first_day || day - s->first_day >= (int64_t)s->n)
		return -1;
	return day - s->first_day;
}
