/*
 * test_pricecsv.c - daily closes from the CSV layouts exchanges export:
 * each layout, then bad files with their exact errors.
 *
 * Day numbers: 2024-05-01 is day 19844 (2024-05-01T00:00:00Z = 1714521600
 * = 19844 x 86400).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/testutil.h"
#include "hashpivot/pricecsv.h"

#define D0 19844 /* 2024-05-01 */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hp-pricecsv-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to DIR/name; returns the path (static buffer). */
static const char *put(const char *name, const char *text)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void load_ok(const char *name, const char *text, struct hp_price_rows *r)
{
	struct hp_error err = {0};

	if (hp_pricecsv_load(put(name, text), r, &err) != HP_OK)
		fail_msg("%s: %s", name, err.message);
}

/* CoinGecko's export: snapped_at with " UTC", price, two more columns. */
static void test_coingecko(void **state)
{
	struct hp_price_rows r;

	(void)state;
	load_ok("cg.csv",
		"snapped_at,price,market_cap,total_volume\n"
		"2024-05-01 00:00:00 UTC,60609.56,1.19e12,3.9e10\n"
		"2024-05-02 00:00:00 UTC,58254.01,1.14e12,3.1e10\n", &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].day, D0);
	assert_double_rel(r.v[0].close_usd, 60609.56, 0);
	assert_int_equal(r.v[1].day, D0 + 1);
	assert_string_equal(r.date_column, "snapped_at");
	assert_string_equal(r.close_column, "price");
	hp_pricecsv_release(&r);
}

/* Yahoo: Date,Open,High,Low,Close,Adj Close,Volume, newest first. */
static void test_yahoo_descending(void **state)
{
	struct hp_price_rows r;

	(void)state;
	load_ok("yahoo.csv",
		"Date,Open,High,Low,Close,Adj Close,Volume\n"
		"2024-05-03,59122.3,63320.5,58848.3,62889.8,62889.8,33172023048\n"
		"2024-05-02,58253.7,59602.3,56937.2,59123.4,59123.4,32711813559\n"
		"2024-05-01,60609.5,60780.5,56555.3,58254.0,58254.0,48439780271\n", &r);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].day, D0);
	assert_double_rel(r.v[0].close_usd, 58254.0, 0);
	assert_int_equal(r.v[0].line, 4);
	assert_double_rel(r.v[2].close_usd, 62889.8, 0);
	assert_string_equal(r.close_column, "Close");
	hp_pricecsv_release(&r);
}

/* Columns in any order, spaces around names, Unix seconds and milliseconds,
 * an ISO time of day (the row is that UTC day). */
static void test_unix_and_order(void **state)
{
	struct hp_price_rows r;

	(void)state;
	load_ok("unix.csv",
		" close , timestamp\n"
		"58254.0,1714521600\n"
		"59123.4,1714608000000\n"
		"62889.8,2024-05-03T23:59:59Z\n", &r);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.v[0].day, D0);
	assert_int_equal(r.v[1].day, D0 + 1);
	assert_double_rel(r.v[1].close_usd, 59123.4, 0);
	assert_int_equal(r.v[2].day, D0 + 2);
	hp_pricecsv_release(&r);
}

/* Bitstamp's shared file: date,o,h,l,c,v - the close is "c". */
static void test_bitstamp(void **state)
{
	struct hp_price_rows r;

	(void)state;
	load_ok("bs.csv", "date,o,h,l,c,v\n2011-08-18,10.9,10.9,10.9,10.9,0.48990826\n", &r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.v[0].day, 15204); /* 2011-08-18 */
	assert_double_rel(r.v[0].close_usd, 10.9, 0);
	hp_pricecsv_release(&r);
}

static void load_bad(const char *text, const char *want)
{
	struct hp_price_rows r = {0};
	struct hp_error err = {0};
	char full[256];
	const char *path = put("bad.csv", text);

	assert_int_equal(hp_pricecsv_load(path, &r, &err), HP_EPARSE);
	assert_null(r.v);
	snprintf(full, sizeof(full), "%s/%s", dir, want);
	assert_string_equal(err.message, full);
}

static void test_bad(void **state)
{
	(void)state;
	load_bad("day,open\n2024-05-01,1\n",
		 "bad.csv: the header has no close column (expected one of close, price, "
		 "price_usd, close_usd, c), got 'day,open'");
	load_bad("when,close\n2024-05-01,1\n",
		 "bad.csv: the header has no date column (expected one of date, day, snapped_at, "
		 "timestamp, time, unix, datetime), got 'when,close'");
	load_bad("date,close\n2024-05-01,58254\n2024-13-01,1\n",
		 "bad.csv:3: date: not a date (YYYY-MM-DD[ time], Unix seconds or milliseconds), "
		 "got '2024-13-01'");
	load_bad("date,close\n2024-05-01,null\n",
		 "bad.csv:2: close: must be a number > 0, got 'null'");
	load_bad("date,close\n2024-05-01,0\n",
		 "bad.csv:2: close: must be a number > 0, got '0'");
	load_bad("date,close\n2024-05-01,-5\n",
		 "bad.csv:2: close: must be a number > 0, got '-5'");
	load_bad("date,close\n2024-05-01,1e400\n",
		 "bad.csv:2: close: must be a number > 0, got '1e400'");
	load_bad("date,close\n2024-05-02,2\n2024-05-01,1\n2024-05-02 00:00:00 UTC,3\n",
		 "bad.csv:4: date: day 2024-05-02 repeats line 2");
	load_bad("date,close\n2024-05-01\n", "bad.csv:2: expected 2 fields as in the header, got 1");
	load_bad("date,close\n", "bad.csv: no rows after the header");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coingecko),
		cmocka_unit_test(test_yahoo_descending),
		cmocka_unit_test(test_unix_and_order),
		cmocka_unit_test(test_bitstamp),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
