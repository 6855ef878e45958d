/*
 * csv.c - the strict CSV reader behind include/hashpivot/csv.h.
 *
 * A record is one physical line. Reading is done in two steps: the raw line
 * is read into c->buf (capped at HP_CSV_MAX_LINE bytes, NUL bytes refused,
 * a CRLF or LF ending removed), then it is split in place: quotes are
 * removed and each field ends in a NUL. Unquoting only ever shortens the
 * text, so the split never needs more room than the raw line and its NUL.
 *
 * Stricter than RFC 4180, on purpose:
 *   - a quoted field may not span lines, so an unterminated quote is
 *     reported on the line where it was opened, not at the end of the file;
 *   - a carriage return must be followed by a line feed (or the end of the
 *     file);
 *   - every record must have as many fields as the header, and the header's
 *     names must be non-empty and distinct;
 *   - a UTF-8 byte order mark is skipped at the start of the file only.
 */
#include "hashpivot/csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hashpivot/alloc.h"

/* The first allocation of the line buffer; it doubles up to the cap. */
#define CSV_INITIAL_CAP 256

static const unsigned char utf8_bom[3] = { 0xef, 0xbb, 0xbf };

/* ------------------------------------------------------------------ */
/* error messages                                                       */
/* ------------------------------------------------------------------ */

/*
 * Record "<where>: <text>". `where` goes into the error's field when it
 * fits there; a longer one (a deep path) is kept whole in the message and
 * the field is left empty, rather than cut in the middle.
 */
static enum hp_status csv_fail(struct hp_error *err, enum hp_status status, const char *where,
			       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum hp_status csv_fail(struct hp_error *err, enum hp_status status, const char *where,
			       const char *fmt, ...)
{
	char text[HP_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (strlen(where) < HP_ERROR_FIELD_MAX)
		return hp_error_set(err, status, where, "%s", text);
	return hp_error_set(err, status, NULL, "%s: %s", where, text);
}

static enum hp_status csv_verror(const struct hp_csv *c, struct hp_error *err,
				 enum hp_status status, int col, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static enum hp_status csv_verror(const struct hp_csv *c, struct hp_error *err,
				 enum hp_status status, int col, const char *fmt, va_list ap)
{
	char where[HP_ERROR_MESSAGE_MAX];
	char text[HP_ERROR_MESSAGE_MAX];
	const char *path = c->path ? c->path : "(csv)";

	if (col >= 0 && (size_t)col < c->nheader)
		snprintf(where, sizeof(where), "%s:%zu: %s", path, c->line, c->header[col]);
	else
		snprintf(where, sizeof(where), "%s:%zu", path, c->line);
	vsnprintf(text, sizeof(text), fmt, ap);
	return csv_fail(err, status, where, "%s", text);
}

enum hp_status hp_csv_error(const struct hp_csv *c, struct hp_error *err,
			    enum hp_status status, int col, const char *fmt, ...)
{
	enum hp_status ret;
	va_list ap;

	va_start(ap, fmt);
	ret = csv_verror(c, err, status, col, fmt, ap);
	va_end(ap);
	return ret;
}

/* An error about the current line as a whole (no column). */
static enum hp_status csv_line_error(const struct hp_csv *c, struct hp_error *err,
				     enum hp_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum hp_status csv_line_error(const struct hp_csv *c, struct hp_error *err,
				     enum hp_status status, const char *fmt, ...)
{
	enum hp_status ret;
	va_list ap;

	va_start(ap, fmt);
	ret = csv_verror(c, err, status, -1, fmt, ap);
	va_end(ap);
	return ret;
}

/* ------------------------------------------------------------------ */
/* reading one physical line                                            */
/* ------------------------------------------------------------------ */

/* Make room for at least `need` bytes in c->buf, never past the cap. */
static enum hp_status csv_reserve(struct hp_csv *c, size_t need, struct hp_error *err)
{
	size_t cap = c->buf_cap ? c->buf_cap : CSV_INITIAL_CAP;
	char *p;

	if (need <= c->buf_cap)
		return HP_OK;
	while (cap < need)
		cap *= 2;
	if (cap > HP_CSV_MAX_LINE + 1)
		cap = HP_CSV_MAX_LINE + 1;
	p = hp_realloc(c->buf, cap);
	if (!p)
		return csv_fail(err, HP_ENOMEM, c->path, "out of memory reading line %zu",
				    c->line);
	c->buf = p;
	c->buf_cap = cap;
	return HP_OK;
}

/*
 * Read the next physical line into c->buf without its ending and count it
 * in c->line. *len is its length; *eof is set when there was nothing left.
 */
static enum hp_status csv_read_line(struct hp_csv *c, size_t *len, bool *eof,
				    struct hp_error *err)
{
	enum hp_status ret;
	size_t n = 0;
	bool at_file_start;
	int ch;

	*eof = false;
	*len = 0;
	ch = getc(c->fp);
	if (ch == EOF) {
		if (ferror(c->fp))
			return csv_fail(err, HP_EIO, c->path, "read error after line %zu: %s",
					    c->line, strerror(errno));
		*eof = true;
		return HP_OK;
	}
	c->line++;
	at_file_start = c->line == 1;
	for (; ch != EOF && ch != '\n'; ch = getc(c->fp)) {
		if (ch == '\r') {
			int next = getc(c->fp);
			if (next == '\n' || next == EOF) {
				ch = next;
				break;
			}
			return csv_line_error(c, err, HP_EPARSE,
					      "carriage return not followed by a line feed");
		}
		if (ch == '\0')
			return csv_line_error(c, err, HP_EPARSE, "line contains a NUL byte");
		if (n == HP_CSV_MAX_LINE)
			return csv_line_error(c, err, HP_EPARSE, "line longer than %d bytes",
					      HP_CSV_MAX_LINE);
		if ((ret = csv_reserve(c, n + 2, err)) != HP_OK)
			return ret;
		c->buf[n++] = (char)ch;
		/* The byte order mark counts only as the first bytes of the file. */
		if (at_file_start && n == sizeof(utf8_bom)) {
			if (memcmp(c->buf, utf8_bom, sizeof(utf8_bom)) == 0)
				n = 0;
			at_file_start = false;
		}
	}
	if (ch == EOF && ferror(c->fp))
		return csv_fail(err, HP_EIO, c->path, "read error at line %zu: %s", c->line,
				    strerror(errno));
	if ((ret = csv_reserve(c, n + 1, err)) != HP_OK)
		return ret;
	c->buf[n] = '\0';
	*len = n;
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* splitting a line into fields                                         */
/* ------------------------------------------------------------------ */

/*
 * Split the len bytes of c->buf in place into c->field[0..nfield).
 * The write position never passes the read position: a field gives up its
 * separator (or its closing quote, or the line's NUL) for its own NUL.
 */
static enum hp_status csv_split(struct hp_csv *c, size_t len, struct hp_error *err)
{
	char *buf = c->buf;
	size_t r = 0, w = 0;
	bool more = true;

	c->nfield = 0;
	while (more) {
		int col = (int)c->nfield;

		if (c->nfield == HP_CSV_MAX_FIELDS)
			return csv_line_error(c, err, HP_EPARSE, "more than %d fields",
					      HP_CSV_MAX_FIELDS);
		c->field[c->nfield++] = buf + w;
		if (r < len && buf[r] == '"') {
			r++;
			for (;;) {
				if (r == len)
					return hp_csv_error(c, err, HP_EPARSE, col,
							    "unterminated quoted field");
				if (buf[r] == '"') {
					if (r + 1 < len && buf[r + 1] == '"') {
						buf[w++] = '"';
						r += 2;
						continue;
					}
					r++;
					break;
				}
				buf[w++] = buf[r++];
			}
			if (r < len && buf[r] != ',')
				return hp_csv_error(c, err, HP_EPARSE, col,
						    "text after the closing quote, got '%c'",
						    buf[r]);
		} else {
			for (; r < len && buf[r] != ','; r++) {
				if (buf[r] == '"')
					return hp_csv_error(c, err, HP_EPARSE, col,
							    "quote inside an unquoted field");
				buf[w++] = buf[r];
			}
		}
		/* Look at the separator before the NUL may overwrite it. */
		more = r < len;
		if (more)
			r++;
		buf[w++] = '\0';
	}
	return HP_OK;
}

/* Read lines until a non-blank one and split it; *eof at the end. */
static enum hp_status csv_read_record(struct hp_csv *c, bool *eof, struct hp_error *err)
{
	enum hp_status ret;
	size_t len;

	c->nfield = 0;
	do {
		if ((ret = csv_read_line(c, &len, eof, err)) != HP_OK)
			return ret;
		if (*eof)
			return HP_OK;
	} while (len == 0);
	return csv_split(c, len, err);
}

/* ------------------------------------------------------------------ */
/* the public interface                                                 */
/* ------------------------------------------------------------------ */

/* Keep the record just read as the header, checking its names. */
static enum hp_status csv_keep_header(struct hp_csv *c, struct hp_error *err)
{
	size_t i, j, used;

	for (i = 0; i < c->nfield; i++) {
		if (c->field[i][0] == '\0')
			return csv_line_error(c, err, HP_EPARSE,
					      "header: column %zu has an empty name", i + 1);
		for (j = 0; j < i; j++)
			if (strcmp(c->field[i], c->field[j]) == 0)
				return csv_line_error(c, err, HP_EPARSE,
						      "header: duplicate column name, got '%s'",
						      c->field[i]);
	}
	used = (size_t)(c->field[c->nfield - 1] - c->buf) + strlen(c->field[c->nfield - 1]) + 1;
	c->header_buf = hp_malloc(used);
	c->header = hp_calloc(c->nfield, sizeof(*c->header));
	if (!c->header_buf || !c->header)
		return csv_fail(err, HP_ENOMEM, c->path, "out of memory reading the header");
	memcpy(c->header_buf, c->buf, used);
	for (i = 0; i < c->nfield; i++)
		c->header[i] = c->header_buf + (c->field[i] - c->buf);
	c->nheader = c->nfield;
	return HP_OK;
}

enum hp_status hp_csv_open(struct hp_csv *c, const char *path, struct hp_error *err)
{
	enum hp_status ret;
	bool eof;

	memset(c, 0, sizeof(*c));
	c->fp = fopen(path, "rb");
	if (!c->fp) {
		ret = csv_fail(err, HP_EIO, path, "cannot open: %s", strerror(errno));
		goto err0;
	}
	c->path = hp_strdup(path);
	c->field = hp_calloc(HP_CSV_MAX_FIELDS, sizeof(*c->field));
	if (!c->path || !c->field) {
		ret = csv_fail(err, HP_ENOMEM, path, "out of memory opening the file");
		goto err1;
	}
	if ((ret = csv_read_record(c, &eof, err)) != HP_OK)
		goto err1;
	if (eof) {
		ret = csv_fail(err, HP_EPARSE, path, "empty file, expected a header line");
		goto err1;
	}
	if ((ret = csv_keep_header(c, err)) != HP_OK)
		goto err1;
	c->nfield = 0;
	return HP_OK;

err1:
	hp_csv_close(c);
err0:
	return ret;
}

enum hp_status hp_csv_next(struct hp_csv *c, bool *eof, struct hp_error *err)
{
	enum hp_status ret;

	if ((ret = csv_read_record(c, eof, err)) != HP_OK)
		return ret;
	if (*eof)
		return HP_OK;
	if (c->nfield != c->nheader)
		return csv_line_error(c, err, HP_EPARSE,
				      "expected %zu fields as in the header, got %zu",
				      c->nheader, c->nfield);
	return HP_OK;
}

int hp_csv_column(const struct hp_csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nheader; i++)
		if (strcmp(c->header[i], name) == 0)
			return (int)i;
	return -1;
}

void hp_csv_close(struct hp_csv *c)
{
	if (c->fp)
		fclose(c->fp);
	hp_free(c->path);
	hp_free(c->buf);
	hp_free(c->field);
	hp_free(c->header);
	hp_free(c->header_buf);
	memset(c, 0, sizeof(*c));
}
