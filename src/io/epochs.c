/*
 * epochs.c - load data/btc_difficulty_epochs.csv (include/hashpivot/epochs.h).
 *
 * Columns are found by name in the header, so their order does not matter.
 * The loader checks the form of every field (numbers, hex lengths, dates),
 * that epochs run 0, 1, 2, ... with start_height = epoch * 2016 and that
 * start_time_utc (when the column is there) says what start_time says.
 * It does not check the chain itself (hashes, proof of work, chain work):
 * the unit tests do that against the consensus module on the shipped file.
 *
 * Rows are appended to an array that doubles, capped at EPOCHS_MAX rows so
 * that heights stay far from overflow whatever the file says. On any error
 * everything is freed and *out stays empty.
 */
#include "hashpivot/epochs.h"

#include <float.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/csv.h"
#include "hashpivot/hex.h"
#include "hashpivot/parse.h"

/* About 38,000 years of blocks; a file with more rows is not this file. */
#define EPOCHS_MAX 1000000
#define EPOCHS_INITIAL_CAP 512
/* Bytes of a bad value quoted in a message (a hash fits; a header is cut). */
#define QUOTE_MAX 80
#define QUOTE(s) QUOTE_MAX, (s), (strlen(s) > QUOTE_MAX ? "..." : "")

/* Where each column is in the file (-1 when an optional one is absent). */
struct epochs_cols {
	int epoch;
	int start_height;
	int start_time;
	int start_time_utc;
	int bits;
	int difficulty;
	int start_hash;
	int prev_hash;
	int chainwork;
	int start_date;
	int header;
};

static const struct {
	const char *name;
	size_t offset;
	bool required;
} epochs_columns[] = {
	{ "epoch", offsetof(struct epochs_cols, epoch), true },
	{ "start_height", offsetof(struct epochs_cols, start_height), true },
	{ "start_time", offsetof(struct epochs_cols, start_time), true },
	{ "start_time_utc", offsetof(struct epochs_cols, start_time_utc), false },
	{ "bits", offsetof(struct epochs_cols, bits), true },
	{ "difficulty", offsetof(struct epochs_cols, difficulty), true },
	{ "start_block_hash", offsetof(struct epochs_cols, start_hash), true },
	{ "prev_block_hash", offsetof(struct epochs_cols, prev_hash), true },
	{ "chainwork_at_start_hex", offsetof(struct epochs_cols, chainwork), true },
	{ "start_date_cm", offsetof(struct epochs_cols, start_date), true },
	{ "start_header_hex", offsetof(struct epochs_cols, header), true },
};

/* ------------------------------------------------------------------ */
/* field parsers: true when the whole text is a valid value             */
/* ------------------------------------------------------------------ */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_hex_digit(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* Exactly n hex digits and nothing else. */
static bool is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_hex_digit(s[i]))
			return false;
	return s[n] == '\0';
}

/* Plain decimal digits: no sign, no space (hp_parse_int64 takes a sign). */
static bool is_digits(const char *s)
{
	return s[0] && strspn(s, "0123456789") == strlen(s);
}

static bool is_leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD", a real calendar day. */
static bool is_date(const char *s)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t y, m, d;
	size_t i;

	for (i = 0; i < 10; i++) {
		bool dash = i == 4 || i == 7;
		if (dash ? s[i] != '-' : !is_digit(s[i]))
			return false;
	}
	if (s[10] != '\0')
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && is_leap_year(y));
}

/* A 64-digit hash as Bitcoin displays it into internal byte order. */
static bool parse_hash(const char *s, uint8_t out[32])
{
	uint8_t tmp[32];
	size_t i;

	if (!is_hex(s, 64) || hp_hex_decode(s, tmp, sizeof(tmp), NULL, NULL) != HP_OK)
		return false;
	for (i = 0; i < 32; i++)
		out[i] = tmp[31 - i];
	return true;
}

/* ------------------------------------------------------------------ */
/* one row                                                              */
/* ------------------------------------------------------------------ */

static enum hp_status parse_row(const struct hp_csv *c, const struct epochs_cols *k, size_t index,
				struct hp_epoch *e, struct hp_error *err)
{
	const char *s;
	int64_t v;

	memset(e, 0, sizeof(*e));

	s = c->field[k->epoch];
	if (!is_digits(s) || hp_parse_int64(s, 0, EPOCHS_MAX, &v, NULL, NULL) != HP_OK ||
	    v != (int64_t)index)
		return hp_csv_error(c, err, HP_EPARSE, k->epoch,
				    "must be %zu (epochs are consecutive from 0), got '%.*s%s'", index,
				    QUOTE(s));
	e->epoch = v;

	s = c->field[k->start_height];
	if (!is_digits(s) || hp_parse_int64(s, 0, INT64_MAX, &v, NULL, NULL) != HP_OK ||
	    v != e->epoch * HP_RETARGET_INTERVAL)
		return hp_csv_error(c, err, HP_EPARSE, k->start_height,
				    "must be %lld (epoch * %d), got '%.*s%s'",
				    (long long)(e->epoch * HP_RETARGET_INTERVAL), HP_RETARGET_INTERVAL,
				    QUOTE(s));
	e->start_height = v;

	s = c->field[k->start_time];
	if (s[0]) {
		if (!is_digits(s) || hp_parse_int64(s, 0, UINT32_MAX, &v, NULL, NULL) != HP_OK)
			return hp_csv_error(c, err, HP_EPARSE, k->start_time,
					    "must be an integer from 0 to %lu (a header time), "
					    "got '%.*s%s'",
					    (unsigned long)UINT32_MAX, QUOTE(s));
		e->has_start_time = true;
		e->start_time = v;
	}

	/* Redundant with start_time, so it must say the same thing. */
	if (k->start_time_utc >= 0) {
		char want[32] = "";
		s = c->field[k->start_time_utc];
		if (e->has_start_time)
			hp_format_time(e->start_time, want);
		if (strcmp(s, want) != 0)
			return hp_csv_error(c, err, HP_EPARSE, k->start_time_utc,
					    "must be '%s' (start_time in UTC), got '%.*s%s'", want,
					    QUOTE(s));
	}

	s = c->field[k->bits];
	{
		bool negative, overflow;
		struct hp_u256 target;
		if (!is_hex(s, 8) || hp_parse_hex32(s, &e->bits, NULL, NULL) != HP_OK)
			return hp_csv_error(c, err, HP_EPARSE, k->bits,
					    "must be 8 hex digits, got '%.*s%s'", QUOTE(s));
		target = hp_consensus_compact_decode(e->bits, &negative, &overflow);
		if (negative || overflow || hp_u256_is_zero(target))
			return hp_csv_error(c, err, HP_EPARSE, k->bits,
					    "must be a positive compact target, got '%.*s%s'",
					    QUOTE(s));
	}

	s = c->field[k->difficulty];
	if (hp_parse_double(s, 0, DBL_MAX, &e->difficulty, NULL, NULL) != HP_OK)
		return hp_csv_error(c, err, HP_EPARSE, k->difficulty,
				    "must be a finite number >= 0, got '%.*s%s'", QUOTE(s));

	s = c->field[k->start_hash];
	if (s[0]) {
		if (!parse_hash(s, e->start_hash))
			return hp_csv_error(c, err, HP_EPARSE, k->start_hash,
					    "must be 64 hex digits, got '%.*s%s'", QUOTE(s));
		e->has_start_hash = true;
	}

	s = c->field[k->prev_hash];
	if (s[0]) {
		if (!parse_hash(s, e->prev_hash))
			return hp_csv_error(c, err, HP_EPARSE, k->prev_hash,
					    "must be 64 hex digits, got '%.*s%s'", QUOTE(s));
		e->has_prev_hash = true;
	}

	s = c->field[k->chainwork];
	if (s[0]) {
		if (hp_u256_from_hex(s, &e->chainwork, NULL, NULL) != HP_OK)
			return hp_csv_error(c, err, HP_EPARSE, k->chainwork,
					    "must be a hex number of at most 64 digits, got '%.*s%s'",
					    QUOTE(s));
		e->has_chainwork = true;
	}

	s = c->field[k->start_date];
	if (s[0]) {
		if (!is_date(s))
			return hp_csv_error(c, err, HP_EPARSE, k->start_date,
					    "must be a date YYYY-MM-DD, got '%.*s%s'", QUOTE(s));
		memcpy(e->start_date, s, sizeof(e->start_date));
	}

	s = c->field[k->header];
	if (s[0]) {
		if (!is_hex(s, 2 * HP_HEADER_SIZE) ||
		    hp_hex_decode(s, e->header, HP_HEADER_SIZE, NULL, NULL) != HP_OK)
			return hp_csv_error(c, err, HP_EPARSE, k->header,
					    "must be %d hex digits (an %d-byte header), got '%.*s%s'",
					    2 * HP_HEADER_SIZE, HP_HEADER_SIZE, QUOTE(s));
		e->has_header = true;
	}
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* the public interface                                                 */
/* ------------------------------------------------------------------ */

enum hp_status hp_epochs_load(const char *path, struct hp_epochs *out, struct hp_error *err)
{
	struct epochs_cols cols;
	struct hp_epochs t = { NULL, 0 };
	struct hp_csv c;
	enum hp_status ret;
	size_t cap = 0, i;
	bool eof;

	out->v = NULL;
	out->n = 0;
	if ((ret = hp_csv_open(&c, path, err)) != HP_OK)
		goto err0;
	for (i = 0; i < sizeof(epochs_columns) / sizeof(epochs_columns[0]); i++) {
		int col = hp_csv_column(&c, epochs_columns[i].name);
		if (col < 0 && epochs_columns[i].required) {
			ret = hp_csv_error(&c, err, HP_EPARSE, -1, "missing column '%s'",
					   epochs_columns[i].name);
			goto err1;
		}
		memcpy((char *)&cols + epochs_columns[i].offset, &col, sizeof(col));
	}

	for (;;) {
		if ((ret = hp_csv_next(&c, &eof, err)) != HP_OK)
			goto err2;
		if (eof)
			break;
		if (t.n == cap) {
			struct hp_epoch *v;
			if (cap == EPOCHS_MAX) {
				ret = hp_csv_error(&c, err, HP_EPARSE, -1, "more than %d epochs",
						   EPOCHS_MAX);
				goto err2;
			}
			cap = cap ? 2 * cap : EPOCHS_INITIAL_CAP;
			if (cap > EPOCHS_MAX)
				cap = EPOCHS_MAX;
			v = hp_realloc(t.v, cap * sizeof(*v));
			if (!v) {
				ret = hp_csv_error(&c, err, HP_ENOMEM, -1, "out of memory");
				goto err2;
			}
			t.v = v;
		}
		if ((ret = parse_row(&c, &cols, t.n, &t.v[t.n], err)) != HP_OK)
			goto err2;
		t.n++;
	}
	if (t.n == 0) {
		ret = hp_csv_error(&c, err, HP_EPARSE, -1, "no epochs after the header");
		goto err2;
	}
	hp_csv_close(&c);
	*out = t;
	return HP_OK;

err2:
	hp_free(t.v);
err1:
	hp_csv_close(&c);
err0:
	return ret;
}

void hp_epochs_release(struct hp_epochs *e)
{
	if (!e)
		return;
	hp_free(e->v);
	e->v = NULL;
	e->n = 0;
}

const struct hp_epoch *hp_epochs_find(const struct hp_epochs *e, int64_t height)
{
	int64_t k;

	if (!e || height < 0)
		return NULL;
	k = height / HP_RETARGET_INTERVAL;
	if ((uint64_t)k >= e->n || e->v[k].start_height != k * HP_RETARGET_INTERVAL)
		return NULL;
	return &e->v[k];
}
