/*
 * error.h - status codes and the error record every fallible call fills.
 *
 * Contract: a function that can fail returns an enum hp_status and takes a
 * caller-provided struct hp_error (which may be NULL when the caller does
 * not want the text). On failure it fills the record through hp_error_set()
 * - one place to put a breakpoint - and leaves its outputs as documented
 * (usually untouched). The library never prints, exits or aborts.
 *
 * Messages follow git's grammar: "<field>: <what is wrong>, got <value>",
 * lower case, no full stop; e.g.
 *   "cohorts[3].power_price_usd_per_kwh: must be >= 0, got -0.05".
 */
#ifndef HASHPIVOT_ERROR_H
#define HASHPIVOT_ERROR_H

#include <stdbool.h>
#include "common.h"

/* X(NAME, exit code a front end uses, default message) */
#define HP_STATUS_MAP(X)                                         \
	X(OK, 0, "success")                                      \
	X(EINVAL, 2, "invalid argument")                         \
	X(ERANGE, 2, "value out of range")                       \
	X(EPARSE, 2, "malformed input")                          \
	X(ENOMEM, 1, "out of memory")                            \
	X(EIO, 1, "input/output error")                          \
	X(ENOTFOUND, 1, "not found")                             \
	X(EINTERNAL, 1, "internal error")                        \
	X(ECANCELED, 130, "canceled")

enum hp_status {
#define HP_STATUS_ENUM(name, exit_code, msg) HP_##name,
	HP_STATUS_MAP(HP_STATUS_ENUM)
#undef HP_STATUS_ENUM
	HP_STATUS_COUNT
};

#define HP_ERROR_FIELD_MAX 128
#define HP_ERROR_MESSAGE_MAX 512

struct hp_error {
	enum hp_status status;
	/* the input field or argument at fault ("--height", "line 12"), or "" */
	char field[HP_ERROR_FIELD_MAX];
	/* the whole one-line message, field first: "--height: must be >= 0, got -1" */
	char message[HP_ERROR_MESSAGE_MAX];
};

/* "EINVAL" for HP_EINVAL; "UNKNOWN" for values outside the enum. */
HP_API const char *hp_status_name(enum hp_status status);
/* The default one-line message for a status ("invalid argument"). */
HP_API const char *hp_status_message(enum hp_status status);
/* The process exit code a front end uses: 0 ok, 2 bad input, 1 otherwise. */
HP_API int hp_status_exit_code(enum hp_status status);

/*
 * Record a failure and return its status, so callers can write
 * `return hp_error_set(err, HP_ERANGE, "--height", "must be >= 0, got %lld", h);`
 * With a field, the message reads "<field>: <formatted text>"; without one
 * (NULL or ""), just the text. err may be NULL. Over-long text is cut.
 * Control characters (a newline, a tab, an escape; below 0x20 and DEL) in
 * the field or the text become '?', so the message is always one
 * printable line, whatever input it quotes.
 */
HP_API enum hp_status hp_error_set(struct hp_error *err, enum hp_status status,
				   const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Reset to HP_OK with empty field and message. */
HP_API void hp_error_clear(struct hp_error *err);

/*
 * Put "<prefix>" in front of the field and message already recorded, for
 * callers that add context ("data/btc_difficulty_epochs.csv:12:5: ...").
 * Control characters in the prefix become '?' as in hp_error_set.
 */
HP_API void hp_error_prefix(struct hp_error *err, const char *prefix);

#endif
