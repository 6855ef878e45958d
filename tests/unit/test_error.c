/*
 * test_error.c - the error record of error.h: the message's form, the
 * cut of over-long text, the prefix, and that a message stays one
 * printable line whatever input it quotes (fuzz_header found a bits word
 * with a newline in it echoed into a two-line message).
 */
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/error.h"
#include "hashpivot/parse.h"

static void test_form(void **state)
{
	struct hp_error err;

	(void)state;
	assert_int_equal(hp_error_set(&err, HP_ERANGE, "--height", "must be >= 0, got %d", -1),
			 HP_ERANGE);
	assert_int_equal(err.status, HP_ERANGE);
	assert_string_equal(err.field, "--height");
	assert_string_equal(err.message, "--height: must be >= 0, got -1");
	assert_int_equal(hp_error_set(&err, HP_EIO, NULL, "cannot open %s", "x.csv"), HP_EIO);
	assert_string_equal(err.field, "");
	assert_string_equal(err.message, "cannot open x.csv");
	assert_int_equal(hp_error_set(NULL, HP_EPARSE, "f", "ignored"), HP_EPARSE);
	hp_error_clear(&err);
	assert_int_equal(err.status, HP_OK);
	assert_string_equal(err.message, "");
}

static void test_cut(void **state)
{
	struct hp_error err;
	char longer[HP_ERROR_MESSAGE_MAX + 100];

	(void)state;
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	hp_error_set(&err, HP_EINVAL, "k", "%s", longer);
	assert_int_equal(strlen(err.message), HP_ERROR_MESSAGE_MAX - 1);
	assert_memory_equal(err.message, "k: aaa", 6);
}

static void test_one_line(void **state)
{
	struct hp_error err;
	uint32_t bits;

	(void)state;
	/* every byte below 0x20 and DEL becomes '?'; UTF-8 passes */
	hp_error_set(&err, HP_EPARSE, "a\nb", "got '%s'", "x\r\ny\t\x1b[31mz\x7f\xc3\xa9");
	assert_string_equal(err.field, "a?b");
	assert_string_equal(err.message, "a?b: got 'x??y??[31mz?\xc3\xa9'");
	hp_error_prefix(&err, "dir\n/f.csv:3: ");
	assert_string_equal(err.message, "dir?/f.csv:3: a?b: got 'x??y??[31mz?\xc3\xa9'");
	assert_string_equal(err.field, "dir?/f.csv:3: a?b");
	/* as the parsers quote their input */
	assert_int_equal(hp_parse_hex32("1d\n00ffff", &bits, "BITS", &err), HP_EPARSE);
	assert_string_equal(err.message, "BITS: not a hex number of 1 to 8 digits, got '1d?00ffff'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_one_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
