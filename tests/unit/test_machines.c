/*
 * test_machines.c - the machine catalog of machines.h.
 *
 *   - the shipped data/machines.csv loads; its size, a few rows exactly as
 *     data/SOURCES.md gives them, every model the catalog promises, and
 *     every row's efficiency = power / hashrate;
 *   - names are found ignoring case and runs of spaces;
 *   - a later file replaces same-named machines in place and appends the rest;
 *   - one exact message per kind of bad row (fixtures in tests/data/machines/),
 *     and a failed load leaves the catalog as it was;
 *   - command-line specs, good and bad; hp_catalog_add; cooling names;
 *   - a large generated file (the table and its name index grow);
 *   - every allocation of a load and of an add can fail: HP_ENOMEM, the
 *     catalog unchanged, nothing leaked (the sanitizer build checks that).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/machines.h"

#define SHIPPED "data/machines.csv"
#define FIXTURES "tests/data/machines/"

/* What the shipped file holds (data/SOURCES.md, "Machine catalog"). */
#define N_SHIPPED 58

static void load_ok(struct hp_catalog *cat, const char *path)
{
	struct hp_error err;

	hp_error_clear(&err);
	if (hp_catalog_load(cat, path, &err) != HP_OK)
		fail_msg("%s", err.message);
}

static const struct hp_machine *find_ok(const struct hp_catalog *cat, const char *name)
{
	const struct hp_machine *m = hp_catalog_find(cat, name);

	if (!m)
		fail_msg("'%s' not in the catalog", name);
	return m;
}

/* ------------------------------------------------------------------ */
/* the shipped catalog                                                  */
/* ------------------------------------------------------------------ */

static void test_shipped_rows(void **state)
{
	struct hp_catalog cat = {0};
	const struct hp_machine *m;

	(void)state;
	load_ok(&cat, SHIPPED);
	assert_int_equal(cat.n, N_SHIPPED);

	m = find_ok(&cat, "Antminer S21");
	assert_string_equal(m->name, "Antminer S21");
	assert_string_equal(m->manufacturer, "Bitmain");
	assert_double_rel(m->hashrate_ths, 200, 0);
	assert_double_rel(m->power_w, 3500, 0);
	assert_double_rel(m->efficiency_j_per_th, 17.5, 0);
	assert_int_equal(m->cooling, HP_COOLING_AIR);
	assert_int_equal(m->release_year, 2024);
	assert_int_equal(m->release_month, 1);
	assert_double_rel(m->price_usd, 0, 0);
	assert_string_equal(m->source, "mfr");

	m = find_ok(&cat, "Antminer S23 Hydro 3U");
	assert_double_rel(m->hashrate_ths, 1160, 0);
	assert_double_rel(m->power_w, 11020, 0);
	assert_double_rel(m->efficiency_j_per_th, 9.5, 0);
	assert_int_equal(m->cooling, HP_COOLING_HYDRO);
	assert_int_equal(m->release_year, 2026);
	assert_int_equal(m->release_month, 1);
	assert_double_rel(m->price_usd, 7800, 0);
	assert_string_equal(m->source, "amv-2025-12");

	m = find_ok(&cat, "Whatsminer M66S");
	assert_double_rel(m->hashrate_ths, 298, 0);
	assert_double_rel(m->power_w, 5513, 0);
	assert_int_equal(m->cooling, HP_COOLING_IMMERSION);

	m = find_ok(&cat, "Antminer S9");
	assert_double_rel(m->hashrate_ths, 13.5, 0);
	assert_double_rel(m->power_w, 1323, 0);
	assert_double_rel(m->efficiency_j_per_th, 98, 1e-15);
	assert_double_rel(m->price_usd, 1987.95, 0);
	assert_string_equal(m->source, "eaal-2019");

	m = find_ok(&cat, "Antminer S21+ Hydro 319T");
	assert_double_rel(m->hashrate_ths, 319, 0);
	m = find_ok(&cat, "Antminer S21+ Hydro 358T");
	assert_double_rel(m->hashrate_ths, 358, 0);
	assert_double_rel(m->power_w, 5370, 0);
	hp_catalog_release(&cat);
}

/* Every model the catalog promises (issue 3), and sane values in every row. */
static void test_shipped_coverage(void **state)
{
	static const char *const models[] = {
		"Antminer S19", "Antminer S19 Pro", "Antminer S19j Pro", "Antminer S19 XP",
		"Antminer S19 XP Hydro", "Antminer S19k Pro", "Antminer S21", "Antminer S21 Pro",
		"Antminer S21+", "Antminer S21 Hydro", "Antminer S21 XP", "Antminer S21 XP Hydro",
		"Antminer S21 XP Immersion", "Antminer S21e XP Hydro", "Antminer S21e XP Hydro 3U",
		"Antminer S21+ Hydro 319T", "Antminer S21+ Hydro 358T", "Antminer S21 XP+ Hydro",
		"Antminer S23", "Antminer S23 Hydro", "Antminer S23 Immersion",
		"Antminer S23 Hydro 3U", "Whatsminer M30S++", "Whatsminer M50", "Whatsminer M50S",
		"Whatsminer M53", "Whatsminer M56S", "Whatsminer M60", "Whatsminer M60S",
		"Whatsminer M63", "Whatsminer M63S", "Whatsminer M66S", "Avalon A1346",
		"Avalon A1366", "Avalon A1466", "Avalon A1566", "Avalon A16-282T",
		"Avalon A16XP-300T", "SealMiner A2 Pro Hydro", "SealMiner A3 Air",
		"SealMiner A3 Pro Air", "SealMiner A3 Hydro", "SealMiner A3 Pro Hydro", "Proto Rig",
		"Antminer S9", "Antminer S9j", "Antminer T17", "Antminer S17", "Antminer S17 Pro",
		"Antminer S17+", "Antminer T19", "Whatsminer M20S", "Whatsminer M21S",
		"Whatsminer M30S", "Whatsminer M31S", "Avalon 1066", "Avalon 1166", "Avalon 1246",
	};
	static const char *const sources[] = { "mfr", "amv-2025-12", "f2pool-2020-03",
					       "cbeci-2020-05", "eaal-2019" };
	struct hp_catalog cat = {0};
	size_t i, j;

	(void)state;
	load_ok(&cat, SHIPPED);
	assert_int_equal(sizeof(models) / sizeof(models[0]), N_SHIPPED);
	for (i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		assert_string_equal(find_ok(&cat, models[i])->name, models[i]);
	for (i = 0; i < cat.n; i++) {
		const struct hp_machine *m = &cat.v[i];
		assert_ptr_equal(hp_catalog_find(&cat, m->name), m); /* names are unique */
		assert_double_rel(m->efficiency_j_per_th, m->power_w / m->hashrate_ths, 0);
		assert_true(m->efficiency_j_per_th > 5 && m->efficiency_j_per_th < 100);
		assert_true(m->release_year >= 2016 && m->release_year <= 2026);
		assert_true(m->manufacturer[0] != '\0');
		for (j = 0; j < sizeof(sources) / sizeof(sources[0]); j++)
			if (strcmp(m->source, sources[j]) == 0)
				break;
		if (j == sizeof(sources) / sizeof(sources[0]))
			fail_msg("%s: unknown source '%s'", m->name, m->source);
		/* Listed prices come with the 2025-12 listing and EAAL's launch prices. */
		assert_int_equal(m->price_usd > 0, strcmp(m->source, "amv-2025-12") == 0 ||
							   strcmp(m->source, "eaal-2019") == 0);
	}
	hp_catalog_release(&cat);
}

static void test_find(void **state)
{
	struct hp_catalog cat = {0}, empty = {0};
	char longname[200];

	(void)state;
	load_ok(&cat, SHIPPED);
	assert_string_equal(find_ok(&cat, "antminer  s21 PRO")->name, "Antminer S21 Pro");
	assert_string_equal(find_ok(&cat, "  ANTMINER S21   ")->name, "Antminer S21");
	assert_string_equal(find_ok(&cat, "whatsminer m30s++")->name, "Whatsminer M30S++");
	assert_null(hp_catalog_find(&cat, "Antminer S2"));
	assert_null(hp_catalog_find(&cat, "AntminerS21"));
	assert_null(hp_catalog_find(&cat, ""));
	assert_null(hp_catalog_find(&cat, "   "));
	assert_null(hp_catalog_find(&cat, NULL));
	assert_null(hp_catalog_find(NULL, "Antminer S21"));
	assert_null(hp_catalog_find(&empty, "Antminer S21"));
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_null(hp_catalog_find(&cat, longname));
	hp_catalog_release(&cat);
	assert_null(cat.v);
	assert_int_equal(cat.n, 0);
	assert_int_equal(cat.cap, 0);
	hp_catalog_release(&cat); /* twice is fine, and so is NULL */
	hp_catalog_release(NULL);
}

/* ------------------------------------------------------------------ */
/* user files                                                           */
/* ------------------------------------------------------------------ */

/* Shuffled columns, optional ones absent, a quoted comma, spaces kept. */
static void test_good_fixture(void **state)
{
	struct hp_catalog cat = {0};
	const struct hp_machine *m;

	(void)state;
	load_ok(&cat, FIXTURES "good.csv");
	assert_int_equal(cat.n, 3);
	m = &cat.v[0];
	assert_string_equal(m->name, "Test Rig  Hydro");
	assert_string_equal(m->manufacturer, "Acme");
	assert_double_rel(m->hashrate_ths, 412.7, 0);
	assert_double_rel(m->power_w, 5376.5, 0);
	assert_double_rel(m->efficiency_j_per_th, 5376.5 / 412.7, 0);
	assert_int_equal(m->cooling, HP_COOLING_HYDRO);
	assert_int_equal(m->release_year, 2025);
	assert_int_equal(m->release_month, 3);
	assert_double_rel(m->price_usd, 0, 0);
	assert_string_equal(m->source, "");
	m = &cat.v[1];
	assert_string_equal(m->name, "Test Rig, Mk II");
	assert_string_equal(m->manufacturer, "");
	assert_int_equal(m->release_year, 0);
	assert_int_equal(m->release_month, 0);
	assert_ptr_equal(hp_catalog_find(&cat, "test rig hydro"), &cat.v[0]);
	hp_catalog_release(&cat);
}

/* A later file replaces same-named machines where they are and appends the rest. */
static void test_replacement(void **state)
{
	struct hp_catalog cat = {0};
	const struct hp_machine *s21;
	size_t at;

	(void)state;
	load_ok(&cat, SHIPPED);
	s21 = find_ok(&cat, "Antminer S21");
	at = (size_t)(s21 - cat.v);
	load_ok(&cat, FIXTURES "good.csv");
	assert_int_equal(cat.n, N_SHIPPED + 2);
	s21 = find_ok(&cat, "Antminer S21");
	assert_ptr_equal(s21, &cat.v[at]);
	assert_string_equal(s21->name, "antminer s21"); /* the later spelling */
	assert_double_rel(s21->hashrate_ths, 205, 0);
	assert_int_equal(s21->cooling, HP_COOLING_IMMERSION);
	assert_string_equal(cat.v[N_SHIPPED].name, "Test Rig  Hydro");
	assert_string_equal(cat.v[N_SHIPPED + 1].name, "Test Rig, Mk II");

	load_ok(&cat, FIXTURES "replace.csv"); /* CRLF line ends */
	assert_int_equal(cat.n, N_SHIPPED + 3);
	assert_string_equal(cat.v[N_SHIPPED].name, "Test Rig Hydro");
	assert_double_rel(cat.v[N_SHIPPED].hashrate_ths, 420, 0);
	assert_double_rel(cat.v[N_SHIPPED].price_usd, 6100.5, 0);
	assert_string_equal(cat.v[N_SHIPPED].source, "mfr");
	assert_string_equal(cat.v[N_SHIPPED + 2].name, "Test Air 2");
	assert_int_equal(cat.v[N_SHIPPED + 2].release_year, 2019);
	assert_int_equal(cat.v[N_SHIPPED + 2].release_month, 12);
	hp_catalog_release(&cat);
}

static void test_bad_fixtures(void **state)
{
	static const struct {
		const char *file;
		enum hp_status status;
		const char *message;
	} cases[] = {
		{ "bad_number.csv", HP_EPARSE,
		  FIXTURES "bad_number.csv:3: hashrate_ths: not a number, got 'abc'" },
		{ "bad_negative.csv", HP_EPARSE,
		  FIXTURES "bad_negative.csv:4: power_w: must be > 0, got '-5'" },
		{ "bad_too_large.csv", HP_EPARSE,
		  FIXTURES "bad_too_large.csv:2: hashrate_ths: must be <= 1000000, got '2e6'" },
		{ "bad_efficiency.csv", HP_EPARSE,
		  FIXTURES "bad_efficiency.csv:2: efficiency_j_per_th: must be power_w / "
			   "hashrate_ths = 17.5 within 1 %, got '19'" },
		{ "bad_duplicate.csv", HP_EPARSE,
		  FIXTURES "bad_duplicate.csv:4: name: duplicate of line 2, got 'ANTMINER   s21'" },
		{ "bad_cooling.csv", HP_EPARSE,
		  FIXTURES "bad_cooling.csv:2: cooling: must be air, hydro or immersion, "
			   "got 'water'" },
		{ "bad_release_month.csv", HP_EPARSE,
		  FIXTURES "bad_release_month.csv:2: release: month must be 01 to 12, "
			   "got '2024-13'" },
		{ "bad_release_form.csv", HP_EPARSE,
		  FIXTURES "bad_release_form.csv:2: release: must be YYYY-MM or empty, got '24-01'" },
		{ "bad_release_year.csv", HP_EPARSE,
		  FIXTURES "bad_release_year.csv:2: release: year must be 2009 to 2100, "
			   "got '2008-12'" },
		{ "bad_price.csv", HP_EPARSE,
		  FIXTURES "bad_price.csv:2: price_usd: must be 0 to 1000000000 or empty, got '-1'" },
		{ "bad_name.csv", HP_EPARSE,
		  FIXTURES "bad_name.csv:2: name: must be 1 to 63 printable characters, got ' '" },
		{ "bad_unknown_column.csv", HP_EPARSE,
		  FIXTURES "bad_unknown_column.csv:1: unknown column 'notes'" },
		{ "bad_missing_column.csv", HP_EPARSE,
		  FIXTURES "bad_missing_column.csv:1: missing column 'power_w'" },
		{ "header_only.csv", HP_EPARSE,
		  FIXTURES "header_only.csv:1: no machines after the header" },
		{ "does_not_exist.csv", HP_EIO,
		  FIXTURES "does_not_exist.csv: cannot open: No such file or directory" },
	};
	struct hp_catalog cat = {0};
	struct hp_machine before[3];
	size_t i;

	(void)state;
	load_ok(&cat, FIXTURES "good.csv");
	memcpy(before, cat.v, sizeof(before));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256];
		struct hp_error err;

		snprintf(path, sizeof(path), FIXTURES "%s", cases[i].file);
		hp_error_clear(&err);
		assert_int_equal(hp_catalog_load(&cat, path, &err), cases[i].status);
		assert_int_equal(err.status, cases[i].status);
		assert_string_equal(err.message, cases[i].message);
		/* The catalog is as it was. */
		assert_int_equal(cat.n, 3);
		assert_memory_equal(cat.v, before, sizeof(before));
	}
	hp_catalog_release(&cat);
}

/* 3000 generated rows: the table and its name index grow several times;
 * then the same file with a duplicate near the end. */
static void test_large_file(void **state)
{
	char path[] = "/tmp/hp_test_machines.XXXXXX";
	struct hp_catalog cat = {0};
	struct hp_error err;
	FILE *fp;
	int fd, i;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fprintf(fp, "name,manufacturer,hashrate_ths,power_w,cooling,release\n");
	for (i = 0; i < 3000; i++)
		fprintf(fp, "Model %d,X,%d,%d,air,2024-01\n", i, 100 + i, 2000 + i);
	assert_int_equal(fclose(fp), 0);
	load_ok(&cat, path);
	assert_int_equal(cat.n, 3000);
	assert_ptr_equal(find_ok(&cat, "model 2999"), &cat.v[2999]);
	load_ok(&cat, path); /* all replaced, none added */
	assert_int_equal(cat.n, 3000);

	fp = fopen(path, "a");
	assert_non_null(fp);
	fprintf(fp, "MODEL  17,X,1,1,air,\n");
	assert_int_equal(fclose(fp), 0);
	hp_error_clear(&err);
	assert_int_equal(hp_catalog_load(&cat, path, &err), HP_EPARSE);
	assert_non_null(strstr(err.message, ":3002: name: duplicate of line 19, got 'MODEL  17'"));
	assert_int_equal(cat.n, 3000);
	hp_catalog_release(&cat);
	unlink(path);
}

/* ------------------------------------------------------------------ */
/* specs, add, cooling                                                  */
/* ------------------------------------------------------------------ */

static void test_parse_spec(void **state)
{
	static const struct {
		const char *spec;
		const char *message;
	} bad[] = {
		{ "My S21:-5:3500", "--add-machine: hashrate_ths: must be > 0, got '-5'" },
		{ "My S21:0:3500", "--add-machine: hashrate_ths: must be > 0, got '0'" },
		{ "My S21:2e6:3500", "--add-machine: hashrate_ths: must be <= 1000000, got '2e6'" },
		{ "My S21:nan:3500", "--add-machine: hashrate_ths: not a number, got 'nan'" },
		{ "My S21:200:abc", "--add-machine: power_w: not a number, got 'abc'" },
		{ "My S21:200:", "--add-machine: power_w: not a number, got ''" },
		{ "My S21:200:3500:water",
		  "--add-machine: cooling: must be air, hydro or immersion, got 'water'" },
		{ ":200:3500", "--add-machine: name: must be 1 to 63 printable characters, got ''" },
		{ "My S21:200",
		  "--add-machine: expected NAME:HASHRATE_THS:POWER_W[:COOLING], got 'My S21:200'" },
		{ "a:1:2:air:x",
		  "--add-machine: expected NAME:HASHRATE_THS:POWER_W[:COOLING], got 'a:1:2:air:x'" },
		{ "", "--add-machine: expected NAME:HASHRATE_THS:POWER_W[:COOLING], got ''" },
	};
	struct hp_machine m;
	struct hp_error err;
	size_t i;

	(void)state;
	assert_int_equal(hp_machine_parse_spec("My S21:200:3500", &m, "--add-machine", &err),
			 HP_OK);
	assert_string_equal(m.name, "My S21");
	assert_string_equal(m.manufacturer, "");
	assert_string_equal(m.source, "");
	assert_double_rel(m.hashrate_ths, 200, 0);
	assert_double_rel(m.power_w, 3500, 0);
	assert_double_rel(m.efficiency_j_per_th, 17.5, 0);
	assert_int_equal(m.cooling, HP_COOLING_AIR);
	assert_int_equal(m.release_year, 0);
	assert_double_rel(m.price_usd, 0, 0);

	assert_int_equal(hp_machine_parse_spec(" Big  Tank :1160.5:11020:immersion", &m, NULL, &err),
			 HP_OK);
	assert_string_equal(m.name, "Big  Tank");
	assert_double_rel(m.efficiency_j_per_th, 11020 / 1160.5, 0);
	assert_int_equal(m.cooling, HP_COOLING_IMMERSION);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hp_machine untouched;
		memset(&untouched, 0x5a, sizeof(untouched));
		memcpy(&m, &untouched, sizeof(m));
		hp_error_clear(&err);
		assert_int_equal(hp_machine_parse_spec(bad[i].spec, &m, "--add-machine", &err),
				 HP_EINVAL);
		assert_int_equal(err.status, HP_EINVAL);
		assert_string_equal(err.message, bad[i].message);
		assert_memory_equal(&m, &untouched, sizeof(m));
	}
	/* Without a field, the message starts at the part. */
	assert_int_equal(hp_machine_parse_spec("x:1:-2", &m, NULL, &err), HP_EINVAL);
	assert_string_equal(err.message, "power_w: must be > 0, got '-2'");
	assert_int_equal(hp_machine_parse_spec("x:1:-2", &m, NULL, NULL), HP_EINVAL);
}

static void test_add(void **state)
{
	struct hp_catalog cat = {0};
	struct hp_machine m, bad;
	struct hp_error err;

	(void)state;
	assert_int_equal(hp_machine_parse_spec("Antminer  s21:210:3400:hydro", &m, NULL, &err),
			 HP_OK);
	m.efficiency_j_per_th = 99; /* recomputed */
	assert_int_equal(hp_catalog_add(&cat, &m, &err), HP_OK);
	assert_int_equal(cat.n, 1);
	assert_double_rel(cat.v[0].efficiency_j_per_th, 3400.0 / 210, 0);

	load_ok(&cat, SHIPPED); /* replaces it */
	assert_int_equal(cat.n, N_SHIPPED);
	assert_string_equal(cat.v[0].name, "Antminer S21");
	assert_double_rel(cat.v[0].hashrate_ths, 200, 0);

	assert_int_equal(hp_catalog_add(&cat, &m, &err), HP_OK); /* and back */
	assert_int_equal(cat.n, N_SHIPPED);
	assert_string_equal(find_ok(&cat, "ANTMINER S21")->name, "Antminer  s21");
	assert_double_rel(find_ok(&cat, "antminer s21")->hashrate_ths, 210, 0);

	m.name[0] = 'Z';
	assert_int_equal(hp_catalog_add(&cat, &m, &err), HP_OK);
	assert_int_equal(cat.n, N_SHIPPED + 1);

	bad = m;
	bad.hashrate_ths = 0;
	assert_int_equal(hp_catalog_add(&cat, &bad, &err), HP_EINVAL);
	assert_string_equal(err.message, "hashrate_ths: must be > 0 and <= 1000000, got 0");
	bad = m;
	bad.power_w = INFINITY;
	assert_int_equal(hp_catalog_add(&cat, &bad, &err), HP_EINVAL);
	assert_string_equal(err.message, "power_w: must be > 0 and <= 1000000, got inf");
	bad = m;
	bad.release_year = 2024;
	bad.release_month = 13;
	assert_int_equal(hp_catalog_add(&cat, &bad, &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "release: must be a month of 2009 to 2100 or unknown (0, 0), got 2024-13");
	bad = m;
	memset(bad.name, ' ', sizeof(bad.name)); /* blank and not terminated */
	assert_int_equal(hp_catalog_add(&cat, &bad, &err), HP_EINVAL);
	assert_string_equal(err.message, "name: must be 1 to 63 printable characters");
	bad = m;
	bad.cooling = (enum hp_cooling)7;
	assert_int_equal(hp_catalog_add(&cat, &bad, &err), HP_EINVAL);
	assert_string_equal(err.message, "cooling: not a cooling kind, got 7");
	bad = m;
	bad.price_usd = -1;
	assert_int_equal(hp_catalog_add(&cat, &bad, &err), HP_EINVAL);
	assert_string_equal(err.message, "price_usd: must be 0 to 1000000000, got -1");
	assert_int_equal(cat.n, N_SHIPPED + 1);
	hp_catalog_release(&cat);
}

static void test_cooling(void **state)
{
	enum hp_cooling c = HP_COOLING_HYDRO;
	struct hp_error err;

	(void)state;
	assert_string_equal(hp_cooling_name(HP_COOLING_AIR), "air");
	assert_string_equal(hp_cooling_name(HP_COOLING_HYDRO), "hydro");
	assert_string_equal(hp_cooling_name(HP_COOLING_IMMERSION), "immersion");
	assert_string_equal(hp_cooling_name((enum hp_cooling)3), "unknown");
	assert_int_equal(hp_cooling_parse("immersion", &c, "--cooling", &err), HP_OK);
	assert_int_equal(c, HP_COOLING_IMMERSION);
	assert_int_equal(hp_cooling_parse("air", &c, "--cooling", &err), HP_OK);
	assert_int_equal(c, HP_COOLING_AIR);
	assert_int_equal(hp_cooling_parse("Hydro", &c, "--cooling", &err), HP_EINVAL);
	assert_string_equal(err.message,
			    "--cooling: must be air, hydro or immersion, got 'Hydro'");
	assert_int_equal(c, HP_COOLING_AIR);
	assert_int_equal(hp_cooling_parse("", &c, NULL, &err), HP_EINVAL);
	assert_string_equal(err.message, "must be air, hydro or immersion, got ''");
}

/* ------------------------------------------------------------------ */
/* allocation failures                                                  */
/* ------------------------------------------------------------------ */

/* Every allocation of a load into a non-empty catalog: HP_ENOMEM, unchanged. */
static void test_alloc_failures_load(void **state)
{
	enum hp_status ret = HP_ENOMEM;
	long n;

	(void)state;
	for (n = 0; ret != HP_OK; n++) {
		struct hp_catalog cat = {0};
		struct hp_machine before[3];
		struct hp_error err;

		assert_true(n < 200);
		load_ok(&cat, FIXTURES "good.csv");
		memcpy(before, cat.v, sizeof(before));
		hp_alloc_fail_after(n);
		ret = hp_catalog_load(&cat, SHIPPED, &err);
		hp_alloc_fail_after(-1);
		if (ret != HP_OK) {
			assert_int_equal(ret, HP_ENOMEM);
			assert_int_equal(err.status, HP_ENOMEM);
			assert_int_equal(cat.n, 3);
			assert_memory_equal(cat.v, before, sizeof(before));
		} else { /* "antminer s21" of good.csv was replaced by the shipped one */
			assert_int_equal(cat.n, N_SHIPPED + 2);
		}
		hp_catalog_release(&cat);
	}
	assert_true(n > 3);
}

/* The same into an empty catalog (the merge must grow it), and an add. */
static void test_alloc_failures_empty_and_add(void **state)
{
	enum hp_status ret = HP_ENOMEM;
	struct hp_machine m;
	long n;

	(void)state;
	for (n = 0; ret != HP_OK; n++) {
		struct hp_catalog cat = {0};
		struct hp_error err;

		assert_true(n < 200);
		hp_alloc_fail_after(n);
		ret = hp_catalog_load(&cat, FIXTURES "good.csv", &err);
		hp_alloc_fail_after(-1);
		if (ret != HP_OK) {
			assert_int_equal(ret, HP_ENOMEM);
			assert_null(cat.v);
			assert_int_equal(cat.n, 0);
		}
		hp_catalog_release(&cat);
	}
	assert_int_equal(hp_machine_parse_spec("x:1:2", &m, NULL, NULL), HP_OK);
	{
		struct hp_catalog cat = {0};
		struct hp_error err;

		hp_alloc_fail_after(0);
		assert_int_equal(hp_catalog_add(&cat, &m, &err), HP_ENOMEM);
		hp_alloc_fail_after(-1);
		assert_string_equal(err.message, "out of memory");
		assert_int_equal(cat.n, 0);
		assert_int_equal(hp_catalog_add(&cat, &m, &err), HP_OK);
		assert_int_equal(cat.n, 1);
		hp_catalog_release(&cat);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_rows),
		cmocka_unit_test(test_shipped_coverage),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_good_fixture),
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_large_file),
		cmocka_unit_test(test_parse_spec),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_cooling),
		cmocka_unit_test(test_alloc_failures_load),
		cmocka_unit_test(test_alloc_failures_empty_and_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
