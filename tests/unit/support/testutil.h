/*
 * testutil.h - what cmocka lacks for hashpivot's tests: tolerance asserts
 * for doubles (after GSL's gsl_test_rel) and reading the test data files.
 *
 * Unit tests run from the top of the source tree (tests/run.sh does so), so
 * paths such as "tests/data/bitcoin-core-consensus.json" and "data/..." are
 * relative to it.
 */
#ifndef HASHPIVOT_TESTUTIL_H
#define HASHPIVOT_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * Fail unless |actual - expected| <= rel_tol * |expected| (or <= rel_tol
 * when expected is 0). Prints both values with 17 digits on failure.
 */
#define assert_double_rel(actual, expected, rel_tol) \
	hp_test_assert_rel((actual), (expected), (rel_tol), #actual, __FILE__, __LINE__)
/* Fail unless |actual - expected| <= abs_tol. */
#define assert_double_abs(actual, expected, abs_tol) \
	hp_test_assert_abs((actual), (expected), (abs_tol), #actual, __FILE__, __LINE__)

void hp_test_assert_rel(double actual, double expected, double rel_tol, const char *expr,
			const char *file, int line);
void hp_test_assert_abs(double actual, double expected, double abs_tol, const char *expr,
			const char *file, int line);

/* The whole file as a NUL-terminated string (caller frees); fails the test if unreadable. */
char *hp_test_read_file(const char *path, size_t *len);

struct hp_catalog;
struct hp_scenario;
/* Parse a scenario from text against cat; fails the test with the parser's
 * message if it is refused. */
void hp_test_scenario_parse(const char *text, const struct hp_catalog *cat, struct hp_scenario *s);

#endif
