/*
 * error.c - status names, messages and the single place failures are recorded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hashpivot/error.h"

const char *hp_version(void)
{
	return HP_VERSION_STRING;
}

static const struct {
	const char *name;
	int exit_code;
	const char *message;
} status_table[] = {
#define HP_STATUS_ROW(name, exit_code, msg) {#name, exit_code, msg},
	HP_STATUS_MAP(HP_STATUS_ROW)
#undef HP_STATUS_ROW
};

const char *hp_status_name(enum hp_status status)
{
	if ((unsigned)status >= HP_STATUS_COUNT)
		return "UNKNOWN";
	return status_table[status].name;
}

const char *hp_status_message(enum hp_status status)
{
	if ((unsigned)status >= HP_STATUS_COUNT)
		return "unknown status";
	return status_table[status].message;
}

int hp_status_exit_code(enum hp_status status)
{
	if ((unsigned)status >= HP_STATUS_COUNT)
		return 1;
	return status_table[status].exit_code;
}

/*
 * Messages quote their input ("got '...'"), and the input may hold a
 * newline, a carriage return or a terminal escape: each control character
 * (below 0x20, and DEL) becomes '?', so that a message is one printable
 * line whatever it quotes (a front end prints it as one line on stderr).
 */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

enum hp_status hp_error_set(struct hp_error *err, enum hp_status status, const char *field,
			    const char *fmt, ...)
{
	char text[HP_ERROR_MESSAGE_MAX];
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* Over-long text is cut; the return values are checked only to say so. */
	if (snprintf(err->message, sizeof(err->message), "%s%s%s", err->field,
		     err->field[0] ? ": " : "", text) >= (int)sizeof(err->message))
		err->message[sizeof(err->message) - 1] = '\0';
	one_line(err->field);
	one_line(err->message);
	return status;
}

void hp_error_clear(struct hp_error *err)
{
	if (!err)
		return;
	err->status = HP_OK;
	err->field[0] = '\0';
	err->message[0] = '\0';
}

void hp_error_prefix(struct hp_error *err, const char *prefix)
{
	char buf[HP_ERROR_MESSAGE_MAX];

	if (!err || !prefix || !prefix[0])
		return;
	if (snprintf(buf, sizeof(buf), "%s%s", prefix, err->message) >= (int)sizeof(buf))
		buf[sizeof(buf) - 1] = '\0';
	memcpy(err->message, buf, sizeof(buf));
	if (snprintf(buf, sizeof(buf), "%s%s", prefix, err->field) >= (int)sizeof(err->field))
		buf[sizeof(err->field) - 1] = '\0';
	memcpy(err->field, buf, sizeof(err->field));
	one_line(err->field);
	one_line(err->message);
}
