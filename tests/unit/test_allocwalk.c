/*
 * test_allocwalk.c - the allocation-failure walk (after SQLite's malloc
 * tests and curl's torture tests): for N = 0, 1, 2, ... the (N+1)th
 * allocation and every later one fail (hp_alloc_fail_after(N)), and the
 * operation must come back with HP_ENOMEM, a message, nothing leaked
 * (hp_alloc_live() back where it was) and no crash, until N is past its
 * last allocation and it succeeds. jansson allocates through the same hook
 * here (json_set_alloc_funcs), so the JSON parser's failures are walked too.
 *
 * Operations walked, on tests/data/allocwalk/full.json (every part of a
 * scenario: a custom machine, a site with an hourly power price file, a
 * market with a price file and a difficulty file, fees, treasury, pivot
 * with a conversion, industry cohorts with a deployment):
 *   - loading the shipped machine catalog;
 *   - loading the scenario file;
 *   - simulate (hp_industry_run), 3 paths, with 1 and with 2 threads;
 *   - pivot (hp_pivot_run), 3 paths, every strategy, with 1 and 2 threads;
 *   - treasury (hp_pivot_run of one strategy with its series), 2 paths.
 * Each walk prints "allocwalk: <what> <N> points" (tests/run.sh shows those
 * lines); the counts are in docs/testing.md, "Allocation failure".
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/industry.h"
#include "hashpivot/machines.h"
#include "hashpivot/pivot.h"
#include "hashpivot/scenario.h"

#define SCENARIO "tests/data/allocwalk/full.json"
#define CATALOG "data/machines.csv"
/* A bound on any one walk: far above the largest (docs/testing.md), so an
 * operation that never stops allocating fails instead of running forever. */
#define WALK_MAX 200000

static struct hp_catalog catalog;
static struct hp_scenario scenario;

/* One operation: allocate, do the work, free what it made; its status. */
typedef enum hp_status (*walk_op)(void *arg, struct hp_error *err);

/*
 * Walk op through every failure point; returns how many there were (the
 * allocations of a successful run). At each point: HP_ENOMEM with a
 * message, and as many live blocks after as before.
 */
static long walk(const char *what, walk_op op, void *arg)
{
	long n;

	for (n = 0; n < WALK_MAX; n++) {
		struct hp_error err = {0};
		long live0 = hp_alloc_live(), count0 = hp_alloc_count(), tried;
		enum hp_status st;

		hp_alloc_fail_after(n);
		st = op(arg, &err);
		hp_alloc_fail_after(-1);
		tried = hp_alloc_count() - count0;
		if (hp_alloc_live() != live0)
			fail_msg("%s: failure point %ld: %ld blocks leaked (status %d: %s)", what, n,
				 hp_alloc_live() - live0, (int)st, err.message);
		if (tried <= n) { /* no allocation failed: the run is complete */
			if (st != HP_OK)
				fail_msg("%s: with no failure, status %d: %s", what, (int)st,
					 err.message);
			printf("allocwalk: %s %ld points\n", what, n);
			fflush(stdout);
			return n;
		}
		if (st != HP_ENOMEM)
			fail_msg("%s: failure point %ld of %ld: status %d, not HP_ENOMEM: %s", what, n,
				 tried, (int)st, err.message);
		if (err.message[0] == '\0')
			fail_msg("%s: failure point %ld: HP_ENOMEM without a message", what, n);
	}
	fail_msg("%s: still allocating after %d failure points", what, WALK_MAX);
	return -1;
}

/* ------------------------------------------------------------------ */
/* the operations                                                       */
/* ------------------------------------------------------------------ */

static enum hp_status op_catalog(void *arg, struct hp_error *err)
{
	struct hp_catalog c = {0};
	enum hp_status st;

	(void)arg;
	st = hp_catalog_load(&c, CATALOG, err);
	if (st == HP_OK && !hp_catalog_find(&c, "Antminer S21"))
		fail_msg("the catalog lost the Antminer S21");
	hp_catalog_release(&c);
	return st;
}

static enum hp_status op_scenario(void *arg, struct hp_error *err)
{
	struct hp_scenario s;
	enum hp_status st;

	(void)arg;
	st = hp_scenario_load(SCENARIO, &catalog, &s, err);
	if (st != HP_OK)
		return st;
	/* what was loaded is whole: both sites, the hourly file, the cohorts */
	assert_int_equal(s.nsites, 2);
	assert_int_equal(s.sites[0].prices.n, 168);
	assert_true(s.has_industry);
	assert_int_equal(s.industry.ncohorts, 2);
	assert_int_equal(s.pivot.nstrategies, 2);
	hp_scenario_release(&s);
	return HP_OK;
}

static enum hp_status op_simulate(void *arg, struct hp_error *err)
{
	struct hp_industry_config cfg = {.seed = 5, .npaths = 3, .alpha = 0.005};
	struct hp_industry_result r;
	enum hp_status st;

	cfg.threads = *(const unsigned *)arg;
	st = hp_industry_run(&scenario.industry, &cfg, &r, err);
	if (st != HP_OK)
		return st;
	assert_int_equal(r.paths, 3);
	assert_true(r.blocks > 0);
	hp_industry_result_release(&r);
	return HP_OK;
}

struct pivot_arg {
	unsigned threads;
	size_t paths;
	bool treasury; /* one strategy with its series, as `hashpivot treasury` */
};

static enum hp_status op_pivot(void *arg, struct hp_error *err)
{
	const struct pivot_arg *a = arg;
	struct hp_pivot_config cfg = {.seed = 5, .paths = a->paths, .threads = a->threads};
	struct hp_pivot_result r;
	enum hp_status st;

	if (a->treasury) {
		cfg.has_only = true;
		cfg.only = 1;
		cfg.series = true;
	}
	st = hp_pivot_run(&scenario, &cfg, &r, err);
	if (st != HP_OK)
		return st;
	assert_int_equal(r.paths, a->paths);
	assert_int_equal(r.nstrategies, a->treasury ? 1 : 2);
	hp_pivot_result_release(&r);
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* the walks                                                            */
/* ------------------------------------------------------------------ */

static int setup(void **state)
{
	struct hp_error err = {0};

	(void)state;
	json_set_alloc_funcs(hp_malloc, hp_free);
	if (hp_catalog_load(&catalog, CATALOG, &err) != HP_OK ||
	    hp_scenario_load(SCENARIO, &catalog, &scenario, &err) != HP_OK ||
	    hp_industry_check(&scenario.industry, &err) != HP_OK) {
		fprintf(stderr, "allocwalk setup: %s: %s\n", err.field, err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hp_scenario_release(&scenario);
	hp_catalog_release(&catalog);
	return 0;
}

static void test_load(void **state)
{
	long c, s;

	(void)state;
	c = walk("catalog load", op_catalog, NULL);
	s = walk("scenario load", op_scenario, NULL);
	/* a catalog of dozens of machines and a scenario of every part
	 * (which copies the catalog) both allocate; a walk of 0 points would
	 * mean the hook is not reached */
	assert_true(c > 0);
	assert_true(s > c);
}

static void test_simulate(void **state)
{
	unsigned one = 1, two = 2;

	(void)state;
	assert_true(walk("simulation, 1 thread", op_simulate, &one) > 0);
	assert_true(walk("simulation, 2 threads", op_simulate, &two) > 0);
}

static void test_pivot(void **state)
{
	struct pivot_arg p1 = {.threads = 1, .paths = 3}, p2 = {.threads = 2, .paths = 3};
	struct pivot_arg tr = {.threads = 1, .paths = 2, .treasury = true};

	(void)state;
	assert_true(walk("pivot, 1 thread", op_pivot, &p1) > 0);
	assert_true(walk("pivot, 2 threads", op_pivot, &p2) > 0);
	assert_true(walk("treasury", op_pivot, &tr) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_simulate),
		cmocka_unit_test(test_pivot),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
