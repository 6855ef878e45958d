/*
 * csv.h - a small, strict reader for the comma-separated files hashpivot
 * ships and accepts (difficulty epochs, machine catalogs, price series).
 *
 * It reads one record at a time from a file, splits it into fields
 * (RFC 4180: fields may be quoted with "", and "" inside quotes is one "),
 * and tracks the line number so that every error can say
 * "<file>:<line>: <column>: <what>, got '<value>'". Lines are capped
 * (HP_CSV_MAX_LINE); a longer one, a NUL byte or an unterminated quote is
 * an HP_EPARSE error. Blank lines are skipped. The reader owns its buffers;
 * fields point into them and are valid until the next call.
 */
#ifndef HASHPIVOT_CSV_H
#define HASHPIVOT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "common.h"
#include "error.h"

#define HP_CSV_MAX_LINE 65536
#define HP_CSV_MAX_FIELDS 256

struct hp_csv {
	FILE *fp;
	char *path;        /* copy of the path, for messages */
	size_t line;       /* line number of the current record (1-based) */
	char *buf;         /* the current record, fields NUL-separated */
	size_t buf_cap;
	char **field;      /* field[i] for i < nfield */
	size_t nfield;
	char **header;     /* the first record, kept for column names */
	size_t nheader;
	char *header_buf;
};

/*
 * Open path and read its header line. HP_EIO (naming the path) when it
 * cannot be opened; HP_EPARSE when it is empty or its header is malformed.
 */
HP_API enum hp_status hp_csv_open(struct hp_csv *c, const char *path, struct hp_error *err);
/*
 * Read the next record. *eof is set (and HP_OK returned) at the end of the
 * file. HP_EPARSE for a malformed record, HP_EIO for a read error.
 */
HP_API enum hp_status hp_csv_next(struct hp_csv *c, bool *eof, struct hp_error *err);
/* Index of the header column named `name`, or -1. */
HP_API int hp_csv_column(const struct hp_csv *c, const char *name);
/*
 * Record an error about column `col` of the current record:
 * "<path>:<line>: <column name>: <formatted text>". Returns `status`.
 */
HP_API enum hp_status hp_csv_error(const struct hp_csv *c, struct hp_error *err,
				   enum hp_status status, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Close the file and free everything; safe to call twice. */
HP_API void hp_csv_close(struct hp_csv *c);

#endif
