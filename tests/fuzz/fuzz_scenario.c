/*
 * fuzz_scenario.c - the scenario JSON (hp_scenario_parse_opts), every
 * section of its schema: network, sites and fleets, company, machines,
 * market (price models, fees, difficulty), treasury, pivot, industry.
 *
 * Each input is parsed twice:
 *   - with no_files, as the server parses an HTTP body: no file is opened;
 *   - with files allowed, relative to a private temporary directory that
 *     holds small valid series (power.csv, prices.csv, history.csv,
 *     difficulty.csv), when no string in the document holds a '/' (so a
 *     fuzzed name can only reach those files, never /dev or the tree).
 * Asserted: a failure carries its status and a non-empty one-line
 * message; a document without file references parses the same both ways;
 * on success the fleet evaluates (hp_fleet_run, when there are sites) to
 * finite totals and a bootstrap model loads its history; everything is
 * released (LeakSanitizer checks both paths).
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "tmpfile.h"
#include "hashpivot/fleet.h"
#include "hashpivot/machines.h"
#include "hashpivot/parse.h"
#include "hashpivot/scenario.h"

static struct hp_catalog shipped;
static bool verbose; /* FUZZ_VERBOSE set: print each result (for checking seeds) */

/* A daily series date,column from day `first` for `days` days. */
static void write_daily(const char *name, const char *column, int64_t first, size_t days, double v0,
			double step)
{
	char *buf = malloc(days * 48 + 64), date[32];
	size_t len, i;

	if (!buf)
		abort();
	len = (size_t)snprintf(buf, 64, "date,%s\n", column);
	for (i = 0; i < days; i++) {
		hp_format_time((first + (int64_t)i) * 86400, date);
		date[10] = '\0';
		len += (size_t)snprintf(buf + len, 48, "%s,%.2f\n", date,
					v0 + step * (double)(i % 97));
	}
	fuzz_tmp_write(name, buf, len);
	free(buf);
}

static void write_power(void)
{
	char buf[48 * 40 + 64];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "timestamp,usd_per_mwh\n");
	int i;

	for (i = 0; i < 48; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%lld,%.2f\n",
					1754265600LL + 3600LL * i, -20.0 + 7.5 * (i % 13));
	fuzz_tmp_write("power.csv", buf, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_load_shipped_catalog("fuzz_scenario", &shipped);
	fuzz_tmp_init();
	write_power();
	write_daily("prices.csv", "price_usd", hp_days_from_civil(2025, 6, 1), 1500, 60000, 250);
	write_daily("history.csv", "price_usd", hp_days_from_civil(2017, 1, 1), 3500, 9000, 600);
	write_daily("difficulty.csv", "difficulty", hp_days_from_civil(2025, 6, 1), 1500, 1.2e14,
		    1e11);
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	return 0;
}

/* No string anywhere in v holds a '/'. */
static bool no_slash(const json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_string(v))
		return !memchr(json_string_value(v), '/', json_string_length(v));
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if (strchr(k, '/') || !no_slash(x))
				return false;
	}
	if (json_is_array(v))
		json_array_foreach(v, i, x)
			if (!no_slash(x))
				return false;
	return true;
}

static void check_fleet(const struct hp_scenario *s)
{
	struct hp_fleet_result r;
	struct hp_error err = {0};
	enum hp_status ret;

	if (!s->nsites)
		return;
	ret = hp_fleet_run(s, &r, &err);
	if (ret != HP_OK) {
		FUZZ_ASSERT(err.status == ret && err.message[0]);
		return;
	}
	FUZZ_ASSERT(isfinite(r.total.hashrate_ths) && r.total.hashrate_ths >= 0);
	FUZZ_ASSERT(isfinite(r.total.power_mw) && isfinite(r.total.btc_day));
	FUZZ_ASSERT(isfinite(r.total.revenue_usd_day) && isfinite(r.total.power_cost_usd_day));
	FUZZ_ASSERT(isfinite(r.net_usd_day));
	hp_fleet_result_release(&r);
}

static enum hp_status parse(const uint8_t *data, size_t size, bool no_files)
{
	struct hp_scenario_options opt = { fuzz_tmp_dir, no_files };
	struct hp_scenario s;
	struct hp_error err = {0};
	enum hp_status ret;

	memset(&s, 0, sizeof(s));
	ret = hp_scenario_parse_opts((const char *)data, size, &opt, &shipped, &s, &err);
	if (verbose)
		fprintf(stderr, "%s: %s\n", no_files ? "no_files" : "files", ret ? err.message : "ok");
	if (ret != HP_OK) {
		FUZZ_ASSERT(err.status == ret);
		FUZZ_ASSERT(err.message[0] != '\0');
		FUZZ_ASSERT(!strchr(err.message, '\n'));
		return ret;
	}
	check_fleet(&s);
	if (!no_files && s.has_market && s.market.price.kind == HP_PRICE_BOOTSTRAP &&
	    !s.market.history_file) {
		err.message[0] = '\0';
		ret = hp_scenario_load_history(&s, fuzz_tmp_path("history.csv"), &err);
		FUZZ_ASSERT(ret == HP_OK || (err.status == ret && err.message[0]));
		ret = HP_OK;
	}
	hp_scenario_release(&s);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum hp_status sealed;
	json_error_t jerr;
	json_t *root;

	if (size > 1 << 20)
		return 0;
	sealed = parse(data, size, true);
	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (root && no_slash(root)) {
		enum hp_status open = parse(data, size, false);

		/* without file references the two parses are the same parse */
		if (sealed == HP_OK)
			FUZZ_ASSERT(open == HP_OK);
	}
	json_decref(root);
	return 0;
}
