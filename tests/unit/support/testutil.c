#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashpivot/scenario.h"

void hp_test_assert_rel(double actual, double expected, double rel_tol, const char *expr,
			const char *file, int line)
{
	double scale = fabs(expected) > 0 ? fabs(expected) : 1.0;
	if (isfinite(actual) && fabs(actual - expected) <= rel_tol * scale)
		return;
	print_error("%s = %.17g, expected %.17g within relative %.3g\n", expr, actual, expected,
		       rel_tol);
	_fail(file, line);
}

void hp_test_assert_abs(double actual, double expected, double abs_tol, const char *expr,
			const char *file, int line)
{
	if (isfinite(actual) && fabs(actual - expected) <= abs_tol)
		return;
	print_error("%s = %.17g, expected %.17g within %.3g\n", expr, actual, expected, abs_tol);
	_fail(file, line);
}

char *hp_test_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!fp) {
		print_error("cannot open %s (run tests from the top of the tree)\n", path);
		fail();
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0)
			break;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void hp_test_scenario_parse(const char *text, const struct hp_catalog *cat, struct hp_scenario *s)
{
	struct hp_error err = {0};

	if (hp_scenario_parse(text, strlen(text), NULL, cat, s, &err) != HP_OK)
		fail_msg("scenario: %s", err.message);
}
