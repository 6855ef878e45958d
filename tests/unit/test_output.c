/*
 * test_output.c - the front end's guard against non-finite numbers
 * (src/cli/cli.c cli_set_real / cli_json_check / cli_emit, src/cli/output.c
 * cli_csv_real): a NaN or an infinity where a number must be is an internal
 * error naming the field, exit 1, nothing written; a field that may not
 * exist prints null (or an empty CSV cell); -0 prints as 0.
 *
 * Links the front end's objects (not its main()), as the fuzz targets do.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/testutil.h"
#include "../../src/cli/cli.h"

static const struct cli_command fake_cmd = { .name = "pivot" };

/* Run cli_emit on obj with stdout and stderr in memory. */
static int emit(json_t *obj, bool json, char **out, char **err)
{
	size_t no = 0, ne = 0;
	struct cli_ctx ctx = { .cmd = &fake_cmd, .json = json };
	int rc;

	ctx.out = open_memstream(out, &no);
	ctx.err = open_memstream(err, &ne);
	assert_non_null(ctx.out);
	assert_non_null(ctx.err);
	rc = cli_emit(&ctx, obj);
	fclose(ctx.out);
	fclose(ctx.err);
	return rc;
}

/* A result like pivot's with one bad number deep inside. */
static json_t *doc_with(double bad)
{
	json_t *o = json_object(), *a = json_array(), *s0 = json_object(), *s1 = json_object(),
	       *npv = json_object();

	cli_set_str(o, "scenario", "x");
	cli_set_real(o, "start_price_usd", 80000.0);
	cli_set_real(s0, "capex_usd", 1.5);
	cli_set_real(npv, "mean", 2.5);
	cli_set_real(npv, "p50", bad);
	json_object_set_new(s1, "npv_usd", npv);
	json_array_append_new(a, s0);
	json_array_append_new(a, s1);
	json_object_set_new(o, "strategies", a);
	return o;
}

static void test_emit_refuses_nonfinite(void **state)
{
	static const struct {
		double v;
		const char *what;
	} bad[] = { { NAN, "nan" }, { INFINITY, "inf" }, { -INFINITY, "-inf" } };
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		for (int json = 0; json <= 1; json++) {
			char *out = NULL, *err = NULL, want[160];
			int rc = emit(doc_with(bad[i].v), json, &out, &err);

			snprintf(want, sizeof(want),
				 "hashpivot pivot: internal error: strategies[1].npv_usd.p50 is not "
				 "finite (%s)\n",
				 bad[i].what);
			assert_int_equal(rc, 1);
			assert_string_equal(out, ""); /* nothing on stdout, not even part */
			assert_string_equal(err, want);
			free(out);
			free(err);
		}
	}
}

static void test_emit_finite_and_null(void **state)
{
	char *out = NULL, *err = NULL;
	json_t *o = json_object();
	(void)state;

	cli_set_real(o, "a", -0.0);             /* negative zero prints as 0.0 */
	cli_set_real(o, "b", 0.1);
	cli_set_real_or_null(o, "c", NAN);      /* a figure that does not exist */
	cli_set_real_or_null(o, "d", -INFINITY);
	cli_set_real_or_null(o, "e", -0.0);
	assert_int_equal(emit(o, true, &out, &err), 0);
	assert_string_equal(out, "{\n  \"a\": 0.0,\n  \"b\": 0.1,\n  \"c\": null,\n"
				 "  \"d\": null,\n  \"e\": 0.0\n}\n");
	assert_string_equal(err, "");
	free(out);
	free(err);
}

static void test_json_check(void **state)
{
	struct hp_error err = { 0 };
	json_t *a = json_array(), *o = json_object();
	(void)state;

	/* every key is present, none silently dropped (json_real(NAN) is NULL) */
	cli_set_real(o, "x", NAN);
	assert_non_null(json_object_get(o, "x"));
	assert_false(cli_json_check(o, &err));
	assert_int_equal(err.status, HP_EINTERNAL);
	assert_string_equal(err.message, "internal error: x is not finite (nan)");
	json_decref(o);

	/* arrays of numbers (irr_roots_pct_per_year) */
	json_array_append_new(a, cli_real(12.5));
	json_array_append_new(a, cli_real(HUGE_VAL));
	assert_false(cli_json_check(a, &err));
	assert_string_equal(err.message, "internal error: [1] is not finite (inf)");
	json_decref(a);

	o = json_object();
	cli_set_real(o, "y", DBL_MAX); /* finite, however large */
	assert_true(cli_json_check(o, &err));
	json_decref(o);

	assert_true(cli_check_real("price_usd", 1.0, &err));
	assert_false(cli_check_real("price_usd", NAN, &err));
	assert_string_equal(err.message, "internal error: price_usd is not finite (nan)");
}

/* cli_csv_real: a non-finite cell fails the commit and leaves no file. */
static void test_csv(void **state)
{
	char dir[] = "/tmp/hp_test_output_XXXXXX", path[128];
	struct cli_outfile f;
	struct hp_error err = { 0 };
	char *text;
	size_t len;
	(void)state;

	assert_non_null(mkdtemp(dir));
	assert_true(cli_outfile_open(&f, dir, "good.csv", "--csv", &err));
	fputs("name,p5,p50\n", f.fp);
	fputs("a", f.fp);
	cli_csv_real(&f, "p5", -0.0);
	cli_csv_real(&f, "p50", 2.5);
	cli_csv_end_row(&f);
	fputs("b", f.fp);
	cli_csv_real_or_empty(&f, NAN);
	cli_csv_real(&f, "p50", 0.1); /* %.17g: every digit */
	cli_csv_end_row(&f);
	assert_true(cli_outfile_commit(&f, &err));
	snprintf(path, sizeof(path), "%s/good.csv", dir);
	text = hp_test_read_file(path, &len);
	assert_string_equal(text, "name,p5,p50\na,0,2.5\nb,,0.10000000000000001\n");
	free(text);
	remove(path);

	assert_true(cli_outfile_open(&f, dir, "bad.csv", "--csv", &err));
	fputs("name,p5,p50\n", f.fp);
	for (int row = 0; row < 3; row++) {
		fputs("r", f.fp);
		cli_csv_real(&f, "p5", 1.0);
		cli_csv_real(&f, "p50", row == 1 ? NAN : 2.0);
		cli_csv_end_row(&f);
	}
	assert_false(cli_outfile_commit(&f, &err));
	assert_int_equal(err.status, HP_EINTERNAL);
	snprintf(path, sizeof(path), "%s/bad.csv", dir);
	{
		char want[256];
		snprintf(want, sizeof(want), "internal error: %s line 3 p50 is not finite (nan)",
			 path);
		assert_string_equal(err.message, want);
	}
	/* neither the file nor its temporary is left */
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_not_equal(access(f.tmp, F_OK), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit_refuses_nonfinite),
		cmocka_unit_test(test_emit_finite_and_null),
		cmocka_unit_test(test_json_check),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
