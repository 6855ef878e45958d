/*
 * test_dailyseries.c - the daily series loader (src/io/dailyseries.c).
 *
 * Fixtures are in tests/data/series/. Day numbers are days since
 * 1970-01-01: 2020-01-01 is 18262 (50 years of 365 days plus the 12 leap
 * days 1972..2016), 2010-07-17 is 14807, 2011-08-18 is 15204.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/dailyseries.h"

#define FIXTURES "tests/data/series/"

static struct hp_daily_series load_ok(const char *path, const char *const *names)
{
	struct hp_daily_series s;
	struct hp_error err;

	if (hp_daily_series_load(path, names, &s, &err) != HP_OK)
		fail_msg("%s", err.message);
	return s;
}

static void test_load_good(void **state)
{
	(void)state;
	struct hp_daily_series s = load_ok(FIXTURES "good.csv", hp_daily_series_price_columns);

	assert_int_equal(s.n, 5);
	assert_int_equal(s.first_day, 18262);
	assert_true(s.value[0] == 7200.17);
	assert_true(s.value[4] == 7411.32);
	assert_int_equal(hp_daily_series_index(&s, 18262), 0);
	assert_int_equal(hp_daily_series_index(&s, 18266), 4);
	assert_int_equal(hp_daily_series_index(&s, 18267), -1);
	assert_int_equal(hp_daily_series_index(&s, 18261), -1);
	hp_daily_series_release(&s);
	assert_null(s.value);
	assert_int_equal(s.n, 0);
	hp_daily_series_release(&s); /* twice is harmless */
}

/* CoinGecko's export: snapped_at "YYYY-MM-DD 00:00:00 UTC", price, extra columns. */
static void test_load_coingecko(void **state)
{
	(void)state;
	struct hp_daily_series s = load_ok(FIXTURES "coingecko.csv", hp_daily_series_price_columns);

	assert_int_equal(s.n, 3);
	assert_int_equal(s.first_day, 14807);
	assert_true(s.value[1] == 0.08584);
	hp_daily_series_release(&s);
}

/* Unix seconds at midnight (1577836800 = 18262 x 86400), value from "close"
 * although "open" comes first; and a difficulty file whose names differ in
 * case, with an ignored quoted column. */
static void test_load_other_layouts(void **state)
{
	(void)state;
	struct hp_daily_series s = load_ok(FIXTURES "unix.csv", hp_daily_series_price_columns);

	assert_int_equal(s.n, 2);
	assert_int_equal(s.first_day, 18262);
	assert_true(s.value[1] == 6985.47);
	hp_daily_series_release(&s);

	s = load_ok(FIXTURES "difficulty.csv", hp_daily_series_difficulty_columns);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.first_day, 19832); /* 2024-04-19 = 18262 + 1570 */
	assert_true(s.value[0] == 86388558925171.02);
	hp_daily_series_release(&s);
}

/* The shipped Bitstamp closes: data/btc_usd_daily.csv. */
static void test_load_shipped(void **state)
{
	(void)state;
	struct hp_daily_series s =
		load_ok("data/btc_usd_daily.csv", hp_daily_series_price_columns);

	assert_int_equal(s.n, 5411);
	assert_int_equal(s.first_day, 15204); /* 2011-08-18 */
	assert_true(s.value[0] == 10.9);
	assert_true(s.value[s.n - 1] == 62108.14);
	/* Line 3060 is 2020-01-01,7178.68: row 3058, day 15204 + 3058 = 18262. */
	assert_int_equal(hp_daily_series_index(&s, 18262), 3058);
	assert_true(s.value[3058] == 7178.68);
	hp_daily_series_release(&s);
}

struct bad_case {
	const char *file;
	enum hp_status status;
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ "gap.csv", HP_EPARSE,
	  FIXTURES "gap.csv:4: date 2020-01-04 follows 2020-01-02, a gap of 1 day" },
	{ "gap3.csv", HP_EPARSE,
	  FIXTURES "gap3.csv:4: date 2020-01-06 follows 2020-01-02, a gap of 3 days" },
	{ "repeated.csv", HP_EPARSE, FIXTURES "repeated.csv:4: date 2020-01-02 repeats the previous row" },
	{ "out_of_order.csv", HP_EPARSE,
	  FIXTURES "out_of_order.csv:4: date 2020-01-01 follows 2020-01-03, out of order" },
	{ "zero.csv", HP_EPARSE,
	  FIXTURES "zero.csv:3: price_usd: must be a finite number > 0, got '0'" },
	{ "negative.csv", HP_EPARSE,
	  FIXTURES "negative.csv:2: price_usd: must be a finite number > 0, got '-7200.17'" },
	{ "nan.csv", HP_EPARSE,
	  FIXTURES "nan.csv:3: price_usd: must be a finite number > 0, got 'nan'" },
	{ "inf.csv", HP_EPARSE,
	  FIXTURES "inf.csv:2: price_usd: must be a finite number > 0, got 'inf'" },
	{ "huge.csv", HP_EPARSE,
	  FIXTURES "huge.csv:2: price_usd: must be a finite number > 0, got '1e999'" },
	{ "blank_value.csv", HP_EPARSE,
	  FIXTURES "blank_value.csv:2: price_usd: must be a finite number > 0, got ''" },
	{ "no_date_column.csv", HP_EPARSE,
	  FIXTURES "no_date_column.csv:1: no date column (date, day, snapped_at, time or timestamp)" },
	{ "no_value_column.csv", HP_EPARSE,
	  FIXTURES "no_value_column.csv:1: no value column (price_usd, close, c or price)" },
	{ "empty.csv", HP_EPARSE, FIXTURES "empty.csv: empty file, expected a header line" },
	{ "header_only.csv", HP_EPARSE, FIXTURES "header_only.csv:1: no rows after the header" },
	{ "not_midnight.csv", HP_EPARSE,
	  FIXTURES "not_midnight.csv:2: date: must be a day at 00:00:00 UTC, got "
		   "'2020-01-01T12:00:00Z'" },
	{ "bad_date.csv", HP_EPARSE,
	  FIXTURES "bad_date.csv:2: date: not a valid UTC date and time (1970 or later), got "
		   "'2020-02-30'" },
	{ "us_date.csv", HP_EPARSE,
	  FIXTURES "us_date.csv:2: date: not a date (YYYY-MM-DD, or Unix seconds at midnight "
		   "UTC), got '01/02/2020'" },
	{ "does_not_exist.csv", HP_EIO,
	  FIXTURES "does_not_exist.csv: cannot open: No such file or directory" },
};

static void test_load_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct hp_daily_series s = { 99, (double *)&s, 7 };
		struct hp_error err;
		char path[256];

		snprintf(path, sizeof(path), FIXTURES "%s", b->file);
		enum hp_status ret = hp_daily_series_load(path, hp_daily_series_price_columns, &s, &err);
		if (ret != b->status || strcmp(err.message, b->message) != 0)
			fail_msg("%s: got %d '%s', want %d '%s'", b->file, ret, err.message,
				 b->status, b->message);
		assert_int_equal(err.status, b->status);
		/* On failure nothing is kept. */
		assert_null(s.value);
		assert_int_equal(s.n, 0);
	}
}

/* Write n consecutive days from 1970-01-01 as Unix seconds. */
static void write_days(const char *path, long n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("timestamp,price\n", f);
	for (long i = 0; i < n; i++)
		fprintf(f, "%ld,%ld.5\n", i * 86400, i + 1);
	assert_int_equal(fclose(f), 0);
}

/* HP_DAILY_SERIES_MAX_DAYS rows load; one more is an error on that row's line
 * (the header is line 1, row 73051 is line 73052). */
static void test_row_cap(void **state)
{
	(void)state;
	char path[] = "/tmp/hp_test_dailyseries.XXXXXX";
	int fd = mkstemp(path);
	struct hp_daily_series s;
	struct hp_error err;
	char want[HP_ERROR_MESSAGE_MAX];

	assert_true(fd >= 0);
	close(fd);
	write_days(path, HP_DAILY_SERIES_MAX_DAYS);
	s = load_ok(path, hp_daily_series_price_columns);
	assert_int_equal(s.n, HP_DAILY_SERIES_MAX_DAYS);
	assert_int_equal(s.first_day, 0);
	assert_true(s.value[HP_DAILY_SERIES_MAX_DAYS - 1] == 73050.5);
	hp_daily_series_release(&s);

	write_days(path, HP_DAILY_SERIES_MAX_DAYS + 1);
	assert_int_equal(hp_daily_series_load(path, hp_daily_series_price_columns, &s, &err),
			 HP_EPARSE);
	snprintf(want, sizeof(want), "%s:73052: more than 73050 rows (200 years of days)", path);
	assert_string_equal(err.message, want);
	assert_null(s.value);
	unlink(path);
}

/* Every allocation of a load may fail: HP_ENOMEM, nothing kept or leaked. */
static void test_alloc_failures(void **state)
{
	(void)state;
	long n;

	for (n = 0;; n++) {
		struct hp_daily_series s;
		struct hp_error err;
		enum hp_status ret;

		hp_alloc_fail_after(n);
		ret = hp_daily_series_load("data/btc_usd_daily.csv", hp_daily_series_price_columns,
					   &s, &err);
		hp_alloc_fail_after(-1);
		if (ret == HP_OK) {
			assert_int_equal(s.n, 5411);
			hp_daily_series_release(&s);
			break;
		}
		assert_int_equal(ret, HP_ENOMEM);
		assert_null(s.value);
	}
	/* the reader: path, fields, line, header (2); the values: 1024, 2048, 4096, 8192 */
	assert_true(n >= 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good),
		cmocka_unit_test(test_load_coingecko),
		cmocka_unit_test(test_load_other_layouts),
		cmocka_unit_test(test_load_shipped),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_row_cap),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
