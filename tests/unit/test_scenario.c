/*
 * test_scenario.c - scenario files (scenario.h, docs/scenario.md).
 *
 *   - both shipped examples load with a catalog built here, and a few of
 *     their values read back as written (the listed miner's hourly file
 *     through powerprice.h);
 *   - defaults, the difficulty form of "network", custom machines, times
 *     as integers, the "did you mean" hint, and errors from memory
 *     ("scenario:<line>:<column>: ...");
 *   - every file of the bad-input corpus tests/bad/scenario/NAME.json fails
 *     with HP_EPARSE or HP_EINVAL and exactly the message in NAME.err, with
 *     the scenario left empty;
 *   - every allocation of a full load fails in turn, each as HP_ENOMEM with
 *     nothing leaked (the sanitizer build checks leaks).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/machines.h"
#include "hashpivot/parse.h"
#include "hashpivot/scenario.h"

#define SMALL_PATH "examples/small-miner.json"
#define LISTED_PATH "examples/listed-miner.json"
#define BAD_DIR "tests/bad/scenario/"
#define BAD_FILES_MIN 20

static struct hp_catalog catalog;

/* The machines the examples name, with their nameplate specs. */
static int build_catalog(void **state)
{
	static const struct {
		const char *name, *maker;
		double ths, w;
		enum hp_cooling cooling;
		int year, month;
	} rows[] = {
		{ "Antminer S19j Pro", "Bitmain", 100, 3050, HP_COOLING_AIR, 2021, 6 },
		{ "Antminer S19 XP", "Bitmain", 140, 3010, HP_COOLING_AIR, 2022, 7 },
		{ "Antminer S21", "Bitmain", 200, 3500, HP_COOLING_AIR, 2023, 11 },
		{ "Antminer S21 Pro", "Bitmain", 234, 3510, HP_COOLING_AIR, 2024, 7 },
		{ "Antminer S21 XP Hydro", "Bitmain", 473, 5676, HP_COOLING_HYDRO, 2024, 10 },
		{ "Whatsminer M60S", "MicroBT", 186, 3441, HP_COOLING_AIR, 2023, 10 },
	};
	struct hp_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct hp_machine m;
		memset(&m, 0, sizeof(m));
		snprintf(m.name, sizeof(m.name), "%s", rows[i].name);
		snprintf(m.manufacturer, sizeof(m.manufacturer), "%s", rows[i].maker);
		snprintf(m.source, sizeof(m.source), "test");
		m.hashrate_ths = rows[i].ths;
		m.power_w = rows[i].w;
		m.efficiency_j_per_th = rows[i].w / rows[i].ths;
		m.cooling = rows[i].cooling;
		m.release_year = rows[i].year;
		m.release_month = rows[i].month;
		if (hp_catalog_add(&catalog, &m, &err) != HP_OK) {
			print_error("%s\n", err.message);
			return -1;
		}
	}
	return 0;
}

static int release_catalog(void **state)
{
	(void)state;
	hp_catalog_release(&catalog);
	return 0;
}

static int64_t day(const char *date)
{
	int64_t t = -1;

	assert_int_equal(hp_parse_time(date, 0, INT64_MAX, &t, NULL, NULL), HP_OK);
	return t;
}

static void assert_empty(const struct hp_scenario *s)
{
	assert_null(s->sites);
	assert_int_equal(s->nsites, 0);
	assert_null(s->catalog.v);
	assert_int_equal(s->catalog.n, 0);
	assert_string_equal(s->name, "");
}

/* ------------------------------------------------------------------ */
/* the examples                                                         */
/* ------------------------------------------------------------------ */

static void test_small_example(void **state)
{
	struct hp_scenario s;
	struct hp_error err;
	const struct hp_site *site;
	double want_difficulty;

	(void)state;
	if (hp_scenario_load(SMALL_PATH, &catalog, &s, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_string_equal(s.name, "Small private miner");
	assert_true(s.has_as_of);
	assert_int_equal(s.as_of, day("2026-05-02"));
	assert_true(s.network.has_bits);
	assert_int_equal(s.network.bits, 0x170240c3);
	assert_true(hp_consensus_difficulty(0x170240c3, &want_difficulty));
	assert_double_rel(s.network.difficulty, want_difficulty, 0);
	assert_int_equal(s.network.height, 953568);
	assert_double_rel(s.network.fees_btc_per_block, 0.025, 0);
	assert_double_rel(s.network.price_usd, 87654.32, 0);
	assert_double_rel(s.company.pool_fee_pct, 2.0, 0);
	assert_double_rel(s.company.sga_usd_per_year, 120000, 0);
	assert_int_equal(s.catalog.n, 6);

	assert_int_equal(s.nsites, 1);
	site = &s.sites[0];
	assert_string_equal(site->name, "Farm");
	assert_double_rel(site->grid_mw, 2, 0);
	assert_double_rel(site->power_price_usd_per_kwh, 0.06, 0);
	assert_double_rel(site->pue, 1.05, 0);
	assert_null(site->power_price_file);
	assert_false(site->curtail);
	assert_int_equal(site->nfleet, 2);
	assert_string_equal(site->fleet[0].machine.name, "Antminer S19j Pro");
	assert_double_rel(site->fleet[0].machine.power_w, 3050, 0);
	assert_int_equal(site->fleet[0].count, 300);
	assert_double_rel(site->fleet[0].uptime_pct, 96, 0);
	assert_true(site->fleet[0].has_in_service);
	assert_int_equal(site->fleet[0].in_service, day("2023-09-01"));
	assert_string_equal(site->fleet[1].machine.name, "Antminer S21");
	assert_double_rel(site->fleet[1].machine.hashrate_ths, 200, 0);
	assert_int_equal(site->fleet[1].count, 250);
	assert_double_rel(site->fleet[1].unit_cost_usd, 3400, 0);
	assert_double_rel(site->fleet[1].depreciation_months, 36, 0);
	hp_scenario_release(&s);
	assert_empty(&s);
	hp_scenario_release(&s); /* twice is harmless */
}

static void test_listed_example(void **state)
{
	struct hp_scenario s;
	struct hp_error err;
	double grid = 0, draw = 0;
	size_t i, j, neg = 0, spikes = 0;

	(void)state;
	if (hp_scenario_load(LISTED_PATH, &catalog, &s, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_int_equal(s.nsites, 4);
	assert_double_rel(s.company.sga_usd_per_year, 200e6, 0);
	assert_double_rel(s.company.interest_usd_per_year, 60e6, 0);
	assert_double_rel(s.company.sbc_usd_per_year, 150e6, 0);
	assert_double_rel(s.company.other_depreciation_usd_per_year, 50e6, 0);
	for (i = 0; i < s.nsites; i++) {
		grid += s.sites[i].grid_mw;
		for (j = 0; j < s.sites[i].nfleet; j++) {
			const struct hp_fleet_entry *e = &s.sites[i].fleet[j];
			assert_double_rel(e->depreciation_months, 36, 0);
			assert_true(e->unit_cost_usd > 0);
			draw += (double)e->count * e->machine.power_w * s.sites[i].pue / 1e6;
		}
	}
	assert_true(grid >= 900 && grid <= 1100); /* about a gigawatt */
	assert_true(draw <= grid);

	/* The hourly site: its file resolved next to the scenario, a week of hours. */
	assert_non_null(s.sites[0].power_price_file);
	assert_string_equal(s.sites[0].power_price_file, "examples/ercot-hourly-sample.csv");
	assert_true(s.sites[0].curtail);
	assert_int_equal(s.sites[0].prices.n, 168);
	assert_int_equal(s.sites[0].prices.time[0], day("2025-08-04"));
	assert_int_equal(s.sites[0].prices.time[167], day("2025-08-04") + 167 * 3600);
	for (i = 0; i < s.sites[0].prices.n; i++) {
		neg += s.sites[0].prices.usd_per_mwh[i] < 0;
		spikes += s.sites[0].prices.usd_per_mwh[i] > 1000;
	}
	assert_true(neg >= 2);
	assert_true(spikes >= 2);
	assert_null(s.sites[1].power_price_file);
	assert_false(s.sites[1].curtail);
	assert_string_equal(s.sites[1].fleet[0].machine.name, "Antminer S21 XP Hydro");
	assert_int_equal(s.sites[1].fleet[0].machine.cooling, HP_COOLING_HYDRO);
	assert_string_equal(s.sites[2].fleet[0].machine.name, "Whatsminer M60S");
	hp_scenario_release(&s);
	assert_empty(&s);
}

/* ------------------------------------------------------------------ */
/* from memory                                                          */
/* ------------------------------------------------------------------ */

static enum hp_status parse(const char *text, struct hp_scenario *s, struct hp_error *err)
{
	return hp_scenario_parse(text, strlen(text), NULL, &catalog, s, err);
}

#define NETWORK_DIFF \
	"\"network\": {\"difficulty\": 124932866006548.16, \"height\": 0, " \
	"\"fees_btc_per_block\": 0, \"price_usd\": 1}"

static void test_defaults_and_custom_machines(void **state)
{
	static const char text[] =
		"{" NETWORK_DIFF ", \"as_of\": 1777680000,"
		" \"machines\": [{\"name\": \"My Box\", \"hashrate_ths\": 2.385, \"power_w\": 41.5,"
		" \"cooling\": \"immersion\"}],"
		" \"sites\": [{\"name\": \"Shed\", \"grid_mw\": 0.001,"
		" \"power_price_usd_per_kwh\": 0,"
		" \"fleet\": [{\"machine\": \"my  box\", \"count\": 24, \"in_service\": 1700000000}]}]}";
	struct hp_scenario s;
	struct hp_error err;
	const struct hp_fleet_entry *e;

	(void)state;
	if (parse(text, &s, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_string_equal(s.name, "");
	assert_true(s.has_as_of);
	assert_int_equal(s.as_of, 1777680000);
	assert_false(s.network.has_bits);
	assert_double_rel(s.network.difficulty, 124932866006548.16, 0);
	assert_int_equal(s.catalog.n, 7);
	assert_double_rel(s.company.pool_fee_pct, 0, 0);
	assert_double_rel(s.sites[0].pue, 1, 0);
	assert_false(s.sites[0].curtail);
	assert_double_rel(s.sites[0].min_uptime_pct, 0, 0);
	e = &s.sites[0].fleet[0];
	assert_string_equal(e->machine.name, "My Box");
	assert_int_equal(e->machine.cooling, HP_COOLING_IMMERSION);
	assert_double_rel(e->machine.efficiency_j_per_th, 41.5 / 2.385, 1e-15);
	assert_double_rel(e->uptime_pct, 100, 0);
	assert_double_rel(e->unit_cost_usd, 0, 0);
	assert_double_rel(e->depreciation_months, 36, 0);
	assert_true(e->has_in_service);
	assert_int_equal(e->in_service, 1700000000);
	hp_scenario_release(&s);
}

/* Messages only reachable from memory or not worth a corpus file. */
static void test_messages(void **state)
{
	static const struct {
		const char *text;
		enum hp_status status;
		const char *message;
	} cases[] = {
		{ "{\"network\": ", HP_EPARSE,
		  "scenario:1:12: unexpected token near end of file" },
		{ "{" NETWORK_DIFF ", \"sites\": [{\"name\": \"A\", \"grid_mw\": 1, "
		  "\"power_price_usd_per_kwh\": 0.05, "
		  "\"fleet\": [{\"machine\": \"Antminer S21 Por\", \"count\": 1}]}]}",
		  HP_EINVAL,
		  "sites[0].fleet[0].machine: unknown machine 'Antminer S21 Por'; "
		  "did you mean 'Antminer S21 Pro'?" },
		{ "{" NETWORK_DIFF ", \"sites\": [{\"name\": \"A\", \"grid_mw\": 1, "
		  "\"power_price_usd_per_kwh\": 0.05, "
		  "\"fleet\": [{\"machine\": \"S9\", \"count\": 1}]}]}",
		  HP_EINVAL, "sites[0].fleet[0].machine: unknown machine 'S9'" },
		{ "{" NETWORK_DIFF ", \"machines\": [{\"name\": \"X\", \"hashrate_ths\": 1, "
		  "\"power_w\": 10}, {\"name\": \"x\", \"hashrate_ths\": 1, \"power_w\": 10}], "
		  "\"sites\": []}",
		  HP_EINVAL, "machines[1].name: must be unique, got \"x\" again" },
		{ "{" NETWORK_DIFF ", \"machines\": [{\"name\": \"X\", \"hashrate_ths\": 1, "
		  "\"power_w\": 10, \"cooling\": \"water\"}], \"sites\": []}",
		  HP_EINVAL,
		  "machines[0].cooling: must be \"air\", \"hydro\" or \"immersion\", got \"water\"" },
		{ "{\"as_of\": \"2026-13-01\"}", HP_EINVAL,
		  "as_of: not a valid UTC date and time (1970 or later), got '2026-13-01'" },
		{ "{\"as_of\": true}", HP_EINVAL,
		  "as_of: must be a date \"YYYY-MM-DD\", a UTC time or Unix seconds, got true" },
		{ "{\"name\": \"a\\u0001b\"}", HP_EINVAL,
		  "name: must not contain control characters, got \"a\\u0001b\"" },
		{ "{\"network\": {\"difficulty\": 0, \"height\": 0}}", HP_EINVAL,
		  "network.difficulty: must be > 0, got 0" },
		{ "{\"network\": {\"height\": 0}}", HP_EINVAL,
		  "network: must have one of difficulty and bits, got neither" },
		{ "{\"network\": {\"bits\": \"1d00ffff\", \"height\": -1}}", HP_EINVAL,
		  "network.height: must be >= 0, got -1" },
		{ "{\"sites\": [], \"compnay\": {\"pool_fee_pct\": 2}}", HP_EINVAL,
		  "compnay: unknown key" },
		{ "{\"a\\nb\": 1}", HP_EINVAL, "a?b: unknown key" },
		{ "{\"network\": {\"bits\": \"1d00ffff\", \"height\": 0, "
		  "\"fees_btc_per_block\": 0, \"price_usd\": 1}, \"sites\": [{\"name\": "
		  "\"A very long site name that goes on and on past the sixty-three byte cap\"}]}",
		  HP_EINVAL,
		  "sites[0].name: must be at most 63 bytes, got 71 bytes: \"A very long site name "
		  "that goes on and ..." },
	};
	struct hp_scenario s;
	struct hp_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum hp_status st = parse(cases[i].text, &s, &err);
		if (st != cases[i].status || strcmp(err.message, cases[i].message) != 0)
			fail_msg("case %zu: got %s \"%s\", want %s \"%s\"", i, hp_status_name(st),
				 err.message, hp_status_name(cases[i].status),
				 cases[i].message);
		assert_empty(&s);
	}
}

/* ------------------------------------------------------------------ */
/* the bad-input corpus                                                 */
/* ------------------------------------------------------------------ */

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_corpus(void **state)
{
	char *names[256];
	size_t n = 0, i;
	struct dirent *d;
	DIR *dir;

	(void)state;
	dir = opendir(BAD_DIR);
	assert_non_null(dir);
	while ((d = readdir(dir)) != NULL) {
		size_t len = strlen(d->d_name);
		if (len > 5 && strcmp(d->d_name + len - 5, ".json") == 0) {
			assert_true(n < sizeof(names) / sizeof(names[0]));
			names[n] = malloc(len - 4);
			assert_non_null(names[n]);
			memcpy(names[n], d->d_name, len - 5);
			names[n++][len - 5] = '\0';
		}
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), cmp_names);
	assert_true(n >= BAD_FILES_MIN);

	for (i = 0; i < n; i++) {
		char json[512], errfile[512];
		struct hp_scenario s;
		struct hp_error err;
		enum hp_status st;
		char *want;
		size_t len;

		snprintf(json, sizeof(json), BAD_DIR "%s.json", names[i]);
		snprintf(errfile, sizeof(errfile), BAD_DIR "%s.err", names[i]);
		want = hp_test_read_file(errfile, &len);
		while (len > 0 && (want[len - 1] == '\n' || want[len - 1] == '\r'))
			want[--len] = '\0';
		memset(&err, 0, sizeof(err));
		st = hp_scenario_load(json, &catalog, &s, &err);
		if ((st != HP_EPARSE && st != HP_EINVAL) || strcmp(err.message, want) != 0)
			fail_msg("%s: got %s \"%s\", want \"%s\"", json, hp_status_name(st),
				 err.message, want);
		assert_empty(&s);
		free(want);
		free(names[i]);
	}
}

/* ------------------------------------------------------------------ */
/* out of memory                                                        */
/* ------------------------------------------------------------------ */

static void walk_alloc_failures(const char *path)
{
	struct hp_scenario s;
	struct hp_error err;
	enum hp_status st;
	long n;

	for (n = 0;; n++) {
		hp_alloc_fail_after(n);
		st = hp_scenario_load(path, &catalog, &s, &err);
		hp_alloc_fail_after(-1);
		if (st == HP_OK)
			break;
		if (st != HP_ENOMEM)
			fail_msg("%s, allocation %ld failing: got %s \"%s\"", path, n,
				 hp_status_name(st), err.message);
		assert_empty(&s);
		assert_true(n < 100000);
	}
	assert_true(n > 0);
	hp_scenario_release(&s);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	walk_alloc_failures(SMALL_PATH);
	walk_alloc_failures(LISTED_PATH);
}

#define PRICE_FILE_SCENARIO                                                               \
	"{" NETWORK_DIFF ", \"sites\": [{\"name\": \"A\", \"grid_mw\": 1, "                \
	"\"power_price_file\": \"%s\", \"fleet\": [{\"machine\": \"Antminer S21\", " \
	"\"count\": 2}]}]}"

/* A price file is found next to the scenario; its loader's errors keep their
 * text behind the field (the text itself is powerprice.h's). */
static void test_price_files(void **state)
{
	static const char prefix[] = "sites[0].power_price_file: ";
	struct hp_scenario s;
	struct hp_error err;
	char buf[512];

	(void)state;
	snprintf(buf, sizeof(buf), PRICE_FILE_SCENARIO, "ercot-hourly-sample.csv");
	if (hp_scenario_parse(buf, strlen(buf), "examples", &catalog, &s, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_string_equal(s.sites[0].power_price_file, "examples/ercot-hourly-sample.csv");
	assert_true(s.sites[0].curtail);
	assert_int_equal(s.sites[0].prices.n, 168);
	hp_scenario_release(&s);

	snprintf(buf, sizeof(buf), PRICE_FILE_SCENARIO, "no-such-prices.csv");
	assert_int_not_equal(hp_scenario_parse(buf, strlen(buf), "examples/", &catalog, &s, &err),
			     HP_OK);
	assert_memory_equal(err.message, prefix, sizeof(prefix) - 1);
	assert_non_null(strstr(err.message, "examples/no-such-prices.csv"));
	assert_empty(&s);
}

/*
 * With no_files (the server's scenarios), each kind of file reference is
 * refused at its field, even one that names a readable file: nothing is
 * opened. The same document without the reference parses.
 */
static void test_no_files(void **state)
{
	static const struct {
		const char *market, *site_extra, *message;
	} cases[] = {
		{ "", ", \"power_price_file\": \"ercot-hourly-sample.csv\"",
		  "sites[0].power_price_file: a file reference is not allowed here, got "
		  "\"ercot-hourly-sample.csv\"" },
		{ ", \"market\": {\"price\": {\"model\": \"file\", \"file\": \"../data/btc_usd_daily.csv\"}}",
		  "", "market.price.file: a file reference is not allowed here, got "
		      "\"../data/btc_usd_daily.csv\"" },
		{ ", \"market\": {\"price\": {\"model\": \"bootstrap\", \"history\": \"/etc/passwd\"}}",
		  "", "market.price.history: a file reference is not allowed here, got \"/etc/passwd\"" },
		{ ", \"market\": {\"difficulty\": {\"file\": \"d.csv\"}}", "",
		  "market.difficulty.file: a file reference is not allowed here, got \"d.csv\"" },
	};
	const struct hp_scenario_options sealed = { .base_dir = "examples", .no_files = true };
	struct hp_scenario s;
	struct hp_error err;
	char buf[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "{" NETWORK_DIFF ", \"as_of\": \"2026-03-01T00:00:00Z\", \"sites\": [{\"name\": "
			 "\"A\", \"grid_mw\": 1, \"power_price_usd_per_kwh\": 0.05%s, \"fleet\": "
			 "[{\"machine\": \"Antminer S21\", \"count\": 2}]}]%s}",
			 cases[i].site_extra, cases[i].market);
		assert_int_equal(hp_scenario_parse_opts(buf, strlen(buf), &sealed, &catalog, &s, &err),
				 HP_EINVAL);
		assert_string_equal(err.message, cases[i].message);
		assert_empty(&s);
	}
	snprintf(buf, sizeof(buf),
		 "{" NETWORK_DIFF ", \"sites\": [{\"name\": \"A\", \"grid_mw\": 1, "
		 "\"power_price_usd_per_kwh\": 0.05, \"fleet\": [{\"machine\": \"Antminer S21\", "
		 "\"count\": 2}]}]}");
	if (hp_scenario_parse_opts(buf, strlen(buf), &sealed, &catalog, &s, &err) != HP_OK)
		fail_msg("%s", err.message);
	assert_int_equal(s.nsites, 1);
	assert_null(s.sites[0].power_price_file);
	hp_scenario_release(&s);
}

static void test_load_errors(void **state)
{
	struct hp_scenario s;
	struct hp_error err;

	(void)state;
	assert_int_equal(hp_scenario_load("tests/bad/scenario/no-such-file.json", &catalog, &s,
					  &err),
			 HP_EIO);
	assert_string_equal(err.message,
			    "tests/bad/scenario/no-such-file.json: cannot open: "
			    "No such file or directory");
	assert_empty(&s);
	hp_scenario_release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_example),
		cmocka_unit_test(test_listed_example),
		cmocka_unit_test(test_defaults_and_custom_machines),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_bad_corpus),
		cmocka_unit_test(test_price_files),
		cmocka_unit_test(test_no_files),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, build_catalog, release_catalog);
}
