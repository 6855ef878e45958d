/*
 * fuzz_pricecsv.c - daily price CSVs: the `prices import` layouts
 * (hp_pricecsv_load: CoinGecko, Bitstamp, Yahoo, Coin Metrics-style, the
 * shipped file) and the strict daily series of a scenario's price,
 * history and difficulty files (hp_daily_series_load with the price and
 * the difficulty column names).
 *
 * The input is written to a private temporary file and given to the three
 * loaders. Asserted: a failure carries its status and a non-empty one-line
 * message and leaves the output empty; imported rows are sorted by day,
 * strictly (a day only once), with finite closes > 0, at most
 * HP_DAILY_SERIES_MAX_DAYS of them; a daily series has at most that many
 * finite values > 0 and hp_daily_series_index maps its first and last day
 * to 0 and n - 1 and the days around it to -1; nothing leaks.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "tmpfile.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/pricecsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmp_init();
	return 0;
}

static void import(const char *path)
{
	struct hp_price_rows r;
	struct hp_error err = {0};
	enum hp_status ret;
	size_t i;

	memset(&r, 0, sizeof(r));
	ret = hp_pricecsv_load(path, &r, &err);
	if (ret != HP_OK) {
		fuzz_check_failure(ret, &err);
		FUZZ_ASSERT(r.v == NULL && r.n == 0);
		return;
	}
	FUZZ_ASSERT(r.n <= HP_DAILY_SERIES_MAX_DAYS);
	FUZZ_ASSERT(memchr(r.date_column, '\0', sizeof(r.date_column)) && r.date_column[0]);
	FUZZ_ASSERT(memchr(r.close_column, '\0', sizeof(r.close_column)) && r.close_column[0]);
	for (i = 0; i < r.n; i++) {
		FUZZ_ASSERT(isfinite(r.v[i].close_usd) && r.v[i].close_usd > 0);
		FUZZ_ASSERT(r.v[i].day >= 0);
		FUZZ_ASSERT(r.v[i].line >= 2);
		if (i)
			FUZZ_ASSERT(r.v[i].day > r.v[i - 1].day);
	}
	hp_pricecsv_release(&r);
}

static void series(const char *path, const char *const *columns)
{
	struct hp_daily_series s;
	struct hp_error err = {0};
	enum hp_status ret;
	size_t i;

	memset(&s, 0, sizeof(s));
	ret = hp_daily_series_load(path, columns, &s, &err);
	if (ret != HP_OK) {
		fuzz_check_failure(ret, &err);
		FUZZ_ASSERT(s.value == NULL && s.n == 0);
		return;
	}
	FUZZ_ASSERT(s.n <= HP_DAILY_SERIES_MAX_DAYS);
	for (i = 0; i < s.n; i++)
		FUZZ_ASSERT(isfinite(s.value[i]) && s.value[i] > 0);
	if (s.n) {
		FUZZ_ASSERT(hp_daily_series_index(&s, s.first_day) == 0);
		FUZZ_ASSERT(hp_daily_series_index(&s, s.first_day + (int64_t)s.n - 1) ==
			    (int64_t)s.n - 1);
	}
	FUZZ_ASSERT(hp_daily_series_index(&s, s.first_day - 1) == -1);
	FUZZ_ASSERT(hp_daily_series_index(&s, s.first_day + (int64_t)s.n) == -1);
	hp_daily_series_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_tmp_write("prices.csv", data, size);

	import(path);
	series(path, hp_daily_series_price_columns);
	series(path, hp_daily_series_difficulty_columns);
	return 0;
}
