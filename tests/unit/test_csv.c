/*
 * test_csv.c - the strict CSV reader of csv.h.
 *
 * Each case writes its input into a private temporary directory, byte for
 * byte (so BOMs, CRLFs, NUL bytes and 64 KiB lines are visible in the test
 * itself), reads it back and checks the fields, the line numbers, or the
 * exact one-line error and its status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/testutil.h"
#include "hashpivot/alloc.h"
#include "hashpivot/csv.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/hp_test_csv.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	/* Each case removes its own file; only the directory is left. */
	return rmdir(tmpdir);
}

/* Write len bytes to <tmpdir>/<name>; the full path goes into path. */
static void write_file(const char *name, const void *bytes, size_t len, char *path, size_t cap)
{
	FILE *fp;

	snprintf(path, cap, "%s/%s", tmpdir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(bytes, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

#define WRITE(name, lit, path) write_file((name), (lit), sizeof(lit) - 1, (path), sizeof(path))

/* Read the next record, which must exist, and check its line number. */
static void next_record(struct hp_csv *c, size_t line)
{
	struct hp_error err;
	bool eof = true;

	hp_error_clear(&err);
	if (hp_csv_next(c, &eof, &err) != HP_OK)
		fail_msg("unexpected error: %s", err.message);
	assert_false(eof);
	assert_int_equal(c->line, line);
}

static void expect_eof(struct hp_csv *c)
{
	struct hp_error err;
	bool eof = false;

	assert_int_equal(hp_csv_next(c, &eof, &err), HP_OK);
	assert_true(eof);
}

/* ------------------------------------------------------------------ */

static void test_quoting_crlf_blank_bom(void **state)
{
	/* BOM, CRLF and LF endings mixed, blank lines (also "\r\n" ones),
	 * quoted commas, doubled quotes, empty quoted and unquoted fields,
	 * spaces kept as they are, and no newline at the very end. */
	static const char text[] =
		"\xef\xbb\xbf" "name,value,note\r\n"
		"\r\n"
		"plain,2.385, spaced \r\n"
		"\"a,b\",\"say \"\"hi\"\"\",\"\"\n"
		"\n"
		"\n"
		",,\n"
		"\"\"\"\",x,\"multi word, quoted\"";
	char path[256];
	struct hp_csv c;
	struct hp_error err;

	(void)state;
	WRITE("good.csv", text, path);
	assert_int_equal(hp_csv_open(&c, path, &err), HP_OK);
	assert_int_equal(c.nheader, 3);
	assert_string_equal(c.header[0], "name"); /* the BOM is not part of it */
	assert_string_equal(c.header[2], "note");
	assert_int_equal(hp_csv_column(&c, "name"), 0);
	assert_int_equal(hp_csv_column(&c, "value"), 1);
	assert_int_equal(hp_csv_column(&c, "note"), 2);
	assert_int_equal(hp_csv_column(&c, "Note"), -1);
	assert_int_equal(hp_csv_column(&c, ""), -1);

	next_record(&c, 3);
	assert_int_equal(c.nfield, 3);
	assert_string_equal(c.field[0], "plain");
	assert_string_equal(c.field[1], "2.385");
	assert_string_equal(c.field[2], " spaced ");

	next_record(&c, 4);
	assert_string_equal(c.field[0], "a,b");
	assert_string_equal(c.field[1], "say \"hi\"");
	assert_string_equal(c.field[2], "");

	next_record(&c, 7);
	assert_string_equal(c.field[0], "");
	assert_string_equal(c.field[1], "");
	assert_string_equal(c.field[2], "");

	next_record(&c, 8);
	assert_string_equal(c.field[0], "\"");
	assert_string_equal(c.field[1], "x");
	assert_string_equal(c.field[2], "multi word, quoted");

	expect_eof(&c);
	expect_eof(&c); /* and it stays there */
	hp_csv_close(&c);
	hp_csv_close(&c); /* twice is fine */
	unlink(path);
}

static void test_bom_only_at_start(void **state)
{
	/* A BOM elsewhere is data; here it makes the name differ. */
	static const char text[] = "a\n\xef\xbb\xbf" "b\n";
	char path[256];
	struct hp_csv c;
	struct hp_error err;

	(void)state;
	WRITE("bom2.csv", text, path);
	assert_int_equal(hp_csv_open(&c, path, &err), HP_OK);
	next_record(&c, 2);
	assert_string_equal(c.field[0], "\xef\xbb\xbf" "b");
	hp_csv_close(&c);
	unlink(path);
}

static void test_header_after_blank_lines(void **state)
{
	static const char text[] = "\n\r\nx,y\n1,2\n";
	char path[256];
	struct hp_csv c;
	struct hp_error err;

	(void)state;
	WRITE("blankfirst.csv", text, path);
	assert_int_equal(hp_csv_open(&c, path, &err), HP_OK);
	assert_int_equal(c.line, 3);
	assert_int_equal(hp_csv_column(&c, "y"), 1);
	next_record(&c, 4);
	assert_string_equal(c.field[1], "2");
	expect_eof(&c);
	hp_csv_close(&c);
	unlink(path);
}

static void test_error_text_with_column(void **state)
{
	static const char text[] = "bits,difficulty\n1d00ffff,abc\n";
	char path[256], want[512];
	struct hp_csv c;
	struct hp_error err;

	(void)state;
	WRITE("errtext.csv", text, path);
	assert_int_equal(hp_csv_open(&c, path, &err), HP_OK);
	next_record(&c, 2);
	assert_int_equal(hp_csv_error(&c, &err, HP_EPARSE, 1, "must be a number, got '%s'",
				      c.field[1]),
			 HP_EPARSE);
	assert_int_equal(err.status, HP_EPARSE);
	snprintf(want, sizeof(want), "%s:2: difficulty: must be a number, got 'abc'", path);
	assert_string_equal(err.message, want);
	snprintf(want, sizeof(want), "%s:2: difficulty", path);
	assert_string_equal(err.field, want);

	/* Without a column (or one past the header) only the line is named. */
	assert_int_equal(hp_csv_error(&c, &err, HP_ERANGE, -1, "too many rows"), HP_ERANGE);
	snprintf(want, sizeof(want), "%s:2: too many rows", path);
	assert_string_equal(err.message, want);
	assert_int_equal(hp_csv_error(&c, &err, HP_ERANGE, 2, "x"), HP_ERANGE);
	snprintf(want, sizeof(want), "%s:2: x", path);
	assert_string_equal(err.message, want);

	/* A NULL error record is allowed. */
	assert_int_equal(hp_csv_error(&c, NULL, HP_EPARSE, 0, "y"), HP_EPARSE);
	hp_csv_close(&c);
	unlink(path);
}

/* ------------------------------------------------------------------ */
/* errors                                                               */
/* ------------------------------------------------------------------ */

/*
 * Open text as <name>, read records until an error, and check it is
 * `status` with the message "<path><suffix>".
 */
static void expect_error(const char *name, const char *text, size_t len, enum hp_status status,
			 const char *suffix)
{
	char path[256], want[1024];
	struct hp_csv c;
	struct hp_error err;
	enum hp_status ret;
	bool eof = false;

	write_file(name, text, len, path, sizeof(path));
	hp_error_clear(&err);
	ret = hp_csv_open(&c, path, &err);
	while (ret == HP_OK) {
		ret = hp_csv_next(&c, &eof, &err);
		if (ret == HP_OK && eof)
			fail_msg("%s: no error, expected '%s'", name, suffix);
	}
	hp_csv_close(&c);
	unlink(path);
	snprintf(want, sizeof(want), "%s%s", path, suffix);
	assert_string_equal(err.message, want);
	assert_int_equal(ret, status);
	assert_int_equal(err.status, status);
}

#define EXPECT_ERROR(name, lit, status, suffix) \
	expect_error((name), (lit), sizeof(lit) - 1, (status), (suffix))

static void test_unterminated_quote(void **state)
{
	(void)state;
	EXPECT_ERROR("unterm.csv", "a,b,c\n1,\"two,3\n4,5,6\n", HP_EPARSE,
		     ":2: b: unterminated quoted field");
	/* At the very end of the file, and in the header (no column names yet). */
	EXPECT_ERROR("unterm2.csv", "a,b\n1,\"2", HP_EPARSE, ":2: b: unterminated quoted field");
	EXPECT_ERROR("unterm3.csv", "\"a,b\n1,2\n", HP_EPARSE, ":1: unterminated quoted field");
}

static void test_bad_quotes(void **state)
{
	(void)state;
	EXPECT_ERROR("q1.csv", "a,b\n1,2\"3\n", HP_EPARSE, ":2: b: quote inside an unquoted field");
	EXPECT_ERROR("q2.csv", "a,b\n\"1\"x,2\n", HP_EPARSE,
		     ":2: a: text after the closing quote, got 'x'");
	EXPECT_ERROR("q3.csv", "a,b\n\"1\" ,2\n", HP_EPARSE,
		     ":2: a: text after the closing quote, got ' '");
}

static void test_long_line(void **state)
{
	size_t n = HP_CSV_MAX_LINE, i;
	char *text = malloc(n + 64);
	char path[256];
	struct hp_csv c;
	struct hp_error err;

	(void)state;
	assert_non_null(text);
	/* Exactly HP_CSV_MAX_LINE bytes before the CRLF: accepted. */
	memcpy(text, "h\n", 2);
	for (i = 0; i < n; i++)
		text[2 + i] = 'x';
	memcpy(text + 2 + n, "\r\n", 2);
	write_file("max.csv", text, n + 4, path, sizeof(path));
	assert_int_equal(hp_csv_open(&c, path, &err), HP_OK);
	next_record(&c, 2);
	assert_int_equal(strlen(c.field[0]), n);
	expect_eof(&c);
	hp_csv_close(&c);
	unlink(path);

	/* One byte more: refused, naming the line. */
	memcpy(text + 2 + n, "y\n", 2);
	expect_error("long.csv", text, n + 4, HP_EPARSE, ":2: line longer than 65536 bytes");
	/* The header line too. */
	expect_error("longhdr.csv", text + 2, n + 2, HP_EPARSE, ":1: line longer than 65536 bytes");
	free(text);
}

static void test_nul_byte(void **state)
{
	(void)state;
	EXPECT_ERROR("nul.csv", "a,b\n1,2\n3,\0\n", HP_EPARSE, ":3: line contains a NUL byte");
	EXPECT_ERROR("nulq.csv", "a,b\n1,\"x\0y\"\n", HP_EPARSE, ":2: line contains a NUL byte");
}

static void test_stray_cr(void **state)
{
	(void)state;
	EXPECT_ERROR("cr.csv", "a,b\r1,2\r", HP_EPARSE,
		     ":1: carriage return not followed by a line feed");
	EXPECT_ERROR("crq.csv", "a,b\n\"1\r2\",3\n", HP_EPARSE,
		     ":2: carriage return not followed by a line feed");
}

static void test_empty_file(void **state)
{
	(void)state;
	EXPECT_ERROR("empty.csv", "", HP_EPARSE, ": empty file, expected a header line");
	EXPECT_ERROR("blank.csv", "\n\r\n\n", HP_EPARSE, ": empty file, expected a header line");
	EXPECT_ERROR("bomonly.csv", "\xef\xbb\xbf", HP_EPARSE,
		     ": empty file, expected a header line");
}

static void test_missing_file(void **state)
{
	char path[256], want[512];
	struct hp_csv c;
	struct hp_error err;

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist.csv", tmpdir);
	assert_int_equal(hp_csv_open(&c, path, &err), HP_EIO);
	assert_int_equal(err.status, HP_EIO);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	assert_string_equal(err.message, want);
	assert_string_equal(err.field, path);
	hp_csv_close(&c); /* the failed open left nothing to close */
	assert_null(c.fp);
	assert_null(c.path);
}

static void test_field_counts(void **state)
{
	char *text;
	size_t i, len = 0;

	(void)state;
	EXPECT_ERROR("short.csv", "a,b,c\n1,2,3\n1,2\n", HP_EPARSE,
		     ":3: expected 3 fields as in the header, got 2");
	EXPECT_ERROR("long.csv", "a,b\n1,2,\n", HP_EPARSE,
		     ":2: expected 2 fields as in the header, got 3");

	/* HP_CSV_MAX_FIELDS commas make one field too many. */
	text = malloc(2 * HP_CSV_MAX_FIELDS + 2);
	assert_non_null(text);
	for (i = 0; i < HP_CSV_MAX_FIELDS; i++) {
		text[len++] = 'x';
		text[len++] = ',';
	}
	text[len++] = 'x';
	expect_error("wide.csv", text, len, HP_EPARSE, ":1: more than 256 fields");
	/* Exactly HP_CSV_MAX_FIELDS is fine - but the names repeat. */
	expect_error("wide2.csv", text, len - 2, HP_EPARSE,
		     ":1: header: duplicate column name, got 'x'");
	free(text);
}

static void test_bad_header(void **state)
{
	(void)state;
	EXPECT_ERROR("dup.csv", "a,b,a\n", HP_EPARSE, ":1: header: duplicate column name, got 'a'");
	EXPECT_ERROR("noname.csv", "a,,c\n", HP_EPARSE, ":1: header: column 2 has an empty name");
	EXPECT_ERROR("noname2.csv", "a,b,\n", HP_EPARSE, ":1: header: column 3 has an empty name");
}

/* Every allocation of an open-and-read can fail; each failure is HP_ENOMEM
 * and leaks nothing (the sanitizer build checks the second part). */
static void test_alloc_failures(void **state)
{
	static const char text[] = "a,b\n1,2\n\"3\",\"4\"\n";
	char path[256];
	enum hp_status ret = HP_ENOMEM;
	long n;

	(void)state;
	WRITE("alloc.csv", text, path);
	for (n = 0; ret != HP_OK; n++) {
		struct hp_csv c;
		struct hp_error err;
		bool eof = false;

		assert_true(n < 100);
		hp_alloc_fail_after(n);
		ret = hp_csv_open(&c, path, &err);
		while (ret == HP_OK && !eof)
			ret = hp_csv_next(&c, &eof, &err);
		hp_alloc_fail_after(-1);
		hp_csv_close(&c);
		if (ret != HP_OK) {
			assert_int_equal(ret, HP_ENOMEM);
			assert_int_equal(err.status, HP_ENOMEM);
		}
	}
	assert_true(n > 1);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting_crlf_blank_bom),
		cmocka_unit_test(test_bom_only_at_start),
		cmocka_unit_test(test_header_after_blank_lines),
		cmocka_unit_test(test_error_text_with_column),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_bad_quotes),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_stray_cr),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_field_counts),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_alloc_failures),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
