/*
 * machines.c - the machine catalog (include/hashpivot/machines.h).
 *
 * A load reads the whole file into a temporary table, checking every row as
 * it goes (numbers, caps, the efficiency column, release month, duplicate
 * names through a small hash index keyed by the normalised name), and only
 * then merges it into the caller's catalog: the room the merge needs is
 * reserved first, so the merge itself cannot fail and a failed load leaves
 * the catalog exactly as it was.
 *
 * Names compare by a key: lower case, leading and trailing spaces dropped,
 * each run of spaces as one space ("antminer  S21 pro" = "Antminer S21 Pro").
 * Stored names keep their spelling (less any leading or trailing spaces).
 *
 * Every table that grows from input is capped at CATALOG_MAX machines.
 */
#include "hashpivot/machines.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/csv.h"
#include "hashpivot/parse.h"

/* Far more SHA-256 machine models than exist; a bigger file is not a catalog. */
#define CATALOG_MAX 100000
#define CATALOG_INITIAL_CAP 64
/* Sanity caps: a million TH/s (1 EH/s) or a megawatt is not one machine. */
#define HASHRATE_MAX_THS 1e6
#define POWER_MAX_W 1e6
#define PRICE_MAX_USD 1e9
/* The efficiency column must agree with power_w / hashrate_ths this closely
 * (relative); the shipped file rounds it to 2 decimals, a 0.05 % error at
 * the lowest efficiency listed. */
#define EFFICIENCY_REL_TOL 0.01
#define RELEASE_YEAR_MIN 2009
#define RELEASE_YEAR_MAX 2100
/* Bytes of a bad value quoted in a message. */
#define QUOTE_MAX 80
#define QUOTE(s) QUOTE_MAX, (s), (strlen(s) > QUOTE_MAX ? "..." : "")

/* Where each column is in the file (-1 when an optional one is absent). */
struct machine_cols {
	int name;
	int manufacturer;
	int hashrate;
	int power;
	int efficiency;
	int cooling;
	int release;
	int price;
	int source;
};

static const struct {
	const char *name;
	size_t offset;
	bool required;
} machine_columns[] = {
	{ "name", offsetof(struct machine_cols, name), true },
	{ "manufacturer", offsetof(struct machine_cols, manufacturer), true },
	{ "hashrate_ths", offsetof(struct machine_cols, hashrate), true },
	{ "power_w", offsetof(struct machine_cols, power), true },
	{ "efficiency_j_per_th", offsetof(struct machine_cols, efficiency), false },
	{ "cooling", offsetof(struct machine_cols, cooling), true },
	{ "release", offsetof(struct machine_cols, release), true },
	{ "price_usd", offsetof(struct machine_cols, price), false },
	{ "source", offsetof(struct machine_cols, source), false },
};

#define NCOLUMNS (sizeof(machine_columns) / sizeof(machine_columns[0]))

static const char *const cooling_names[] = { "air", "hydro", "immersion" };

/* ------------------------------------------------------------------ */
/* names                                                                */
/* ------------------------------------------------------------------ */

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/*
 * The comparison key of a name: lower case, no leading or trailing spaces,
 * runs of spaces as one. False when it would not fit in HP_MACHINE_NAME_MAX
 * (no stored name has such a key) or is empty.
 */
static bool name_key(const char *s, char key[HP_MACHINE_NAME_MAX])
{
	size_t n = 0;
	bool space = false;

	for (; *s; s++) {
		if (*s == ' ') {
			space = n > 0;
			continue;
		}
		if (n + (space ? 2 : 1) >= HP_MACHINE_NAME_MAX)
			return false;
		if (space)
			key[n++] = ' ';
		space = false;
		key[n++] = lower(*s);
	}
	key[n] = '\0';
	return n > 0;
}

static bool is_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * Copy the n bytes at s into out (cap bytes with the NUL) less leading and
 * trailing spaces. False unless what is left is printable ASCII that fits
 * and, when !allow_empty, not empty.
 */
static bool copy_text(const char *s, size_t n, char *out, size_t cap, bool allow_empty)
{
	while (n > 0 && s[0] == ' ') {
		s++;
		n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if ((n == 0 && !allow_empty) || n >= cap || !is_printable(s, n))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

/* ------------------------------------------------------------------ */
/* a hash index of names, for duplicates and merges                     */
/* ------------------------------------------------------------------ */

/* Open addressing over indices into a machine array; slot = index + 1. */
struct name_index {
	size_t *slot;
	size_t mask;
};

static uint64_t key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211u;
	}
	return h;
}

/* Index of the machine of v whose key is key, or SIZE_MAX. */
static size_t index_find(const struct name_index *ix, const struct hp_machine *v, const char *key)
{
	size_t i = (size_t)key_hash(key) & ix->mask;
	char other[HP_MACHINE_NAME_MAX];

	for (; ix->slot[i]; i = (i + 1) & ix->mask) {
		size_t k = ix->slot[i] - 1;
		if (name_key(v[k].name, other) && strcmp(other, key) == 0)
			return k;
	}
	return SIZE_MAX;
}

static void index_insert(struct name_index *ix, const char *key, size_t k)
{
	size_t i = (size_t)key_hash(key) & ix->mask;

	while (ix->slot[i])
		i = (i + 1) & ix->mask;
	ix->slot[i] = k + 1;
}

/*
 * (Re)build ix for the n machines of v with room for at least `room`
 * (at most half full). On failure ix is unchanged.
 */
static bool index_build(struct name_index *ix, const struct hp_machine *v, size_t n, size_t room)
{
	struct name_index t;
	size_t size = 16, k;
	char key[HP_MACHINE_NAME_MAX];

	while (size < 2 * room)
		size *= 2;
	t.slot = hp_calloc(size, sizeof(*t.slot));
	if (!t.slot)
		return false;
	t.mask = size - 1;
	for (k = 0; k < n; k++)
		if (name_key(v[k].name, key))
			index_insert(&t, key, k);
	hp_free(ix->slot);
	*ix = t;
	return true;
}

/* ------------------------------------------------------------------ */
/* field checks shared by files and command-line specs                  */
/* ------------------------------------------------------------------ */

/*
 * A number in (0, max]: true, or false with what is wrong in why
 * ("not a number", "must be > 0", "must be <= 1000000").
 */
static bool parse_amount(const char *s, double max, double *out, char *why, size_t cap)
{
	double v;
	enum hp_status st = hp_parse_double(s, -DBL_MAX, DBL_MAX, &v, NULL, NULL);

	if (st != HP_OK) {
		/* "1e400" is a number, just not one a double holds */
		snprintf(why, cap, st == HP_ERANGE ? "out of range" : "not a number");
		return false;
	}
	if (!(v > 0)) {
		snprintf(why, cap, "must be > 0");
		return false;
	}
	if (v > max) {
		snprintf(why, cap, "must be <= %.15g", max);
		return false;
	}
	*out = v;
	return true;
}

/*
 * "YYYY-MM" with a month 01..12 and a year RELEASE_YEAR_MIN..MAX, or "" for
 * unknown (0, 0). False with what is wrong in why.
 */
static bool parse_release(const char *s, int *year, int *month, char *why, size_t cap)
{
	int y, m, i;

	if (!*s) {
		*year = 0;
		*month = 0;
		return true;
	}
	for (i = 0; i < 7; i++) {
		bool ok = i == 4 ? s[i] == '-' : s[i] >= '0' && s[i] <= '9';
		if (!ok)
			break;
	}
	if (i < 7 || s[7] != '\0') {
		snprintf(why, cap, "must be YYYY-MM or empty");
		return false;
	}
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	if (m < 1 || m > 12) {
		snprintf(why, cap, "month must be 01 to 12");
		return false;
	}
	if (y < RELEASE_YEAR_MIN || y > RELEASE_YEAR_MAX) {
		snprintf(why, cap, "year must be %d to %d", RELEASE_YEAR_MIN, RELEASE_YEAR_MAX);
		return false;
	}
	*year = y;
	*month = m;
	return true;
}

static bool cooling_from(const char *s, enum hp_cooling *out)
{
	size_t i;

	for (i = 0; i < sizeof(cooling_names) / sizeof(cooling_names[0]); i++) {
		if (strcmp(s, cooling_names[i]) == 0) {
			*out = (enum hp_cooling)i;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* one row                                                              */
/* ------------------------------------------------------------------ */

static enum hp_status parse_row(const struct hp_csv *c, const struct machine_cols *k,
				struct hp_machine *m, struct hp_error *err)
{
	char why[64];
	const char *s;

	memset(m, 0, sizeof(*m));

	s = c->field[k->name];
	if (!copy_text(s, strlen(s), m->name, sizeof(m->name), false))
		return hp_csv_error(c, err, HP_EPARSE, k->name,
				    "must be 1 to %d printable characters, got '%.*s%s'",
				    HP_MACHINE_NAME_MAX - 1, QUOTE(s));

	s = c->field[k->manufacturer];
	if (!copy_text(s, strlen(s), m->manufacturer, sizeof(m->manufacturer), true))
		return hp_csv_error(c, err, HP_EPARSE, k->manufacturer,
				    "must be at most %zu printable characters, got '%.*s%s'",
				    sizeof(m->manufacturer) - 1, QUOTE(s));

	s = c->field[k->hashrate];
	if (!parse_amount(s, HASHRATE_MAX_THS, &m->hashrate_ths, why, sizeof(why)))
		return hp_csv_error(c, err, HP_EPARSE, k->hashrate, "%s, got '%.*s%s'", why,
				    QUOTE(s));

	s = c->field[k->power];
	if (!parse_amount(s, POWER_MAX_W, &m->power_w, why, sizeof(why)))
		return hp_csv_error(c, err, HP_EPARSE, k->power, "%s, got '%.*s%s'", why, QUOTE(s));

	/* The stored efficiency is computed; the column, when given, is a check. */
	m->efficiency_j_per_th = m->power_w / m->hashrate_ths;
	s = k->efficiency >= 0 ? c->field[k->efficiency] : "";
	if (*s) {
		double e;
		if (hp_parse_double(s, -DBL_MAX, DBL_MAX, &e, NULL, NULL) != HP_OK)
			return hp_csv_error(c, err, HP_EPARSE, k->efficiency,
					    "not a number, got '%.*s%s'", QUOTE(s));
		if (!(fabs(e - m->efficiency_j_per_th) <=
		      EFFICIENCY_REL_TOL * m->efficiency_j_per_th))
			return hp_csv_error(c, err, HP_EPARSE, k->efficiency,
					    "must be power_w / hashrate_ths = %.6g within %g %%, "
					    "got '%.*s%s'",
					    m->efficiency_j_per_th, 100 * EFFICIENCY_REL_TOL, QUOTE(s));
	}

	s = c->field[k->cooling];
	if (!cooling_from(s, &m->cooling))
		return hp_csv_error(c, err, HP_EPARSE, k->cooling,
				    "must be air, hydro or immersion, got '%.*s%s'", QUOTE(s));

	s = c->field[k->release];
	if (!parse_release(s, &m->release_year, &m->release_month, why, sizeof(why)))
		return hp_csv_error(c, err, HP_EPARSE, k->release, "%s, got '%.*s%s'", why,
				    QUOTE(s));

	s = k->price >= 0 ? c->field[k->price] : "";
	if (*s) {
		enum hp_status st = hp_parse_double(s, -DBL_MAX, DBL_MAX, &m->price_usd, NULL, NULL);
		if (st != HP_OK)
			return hp_csv_error(c, err, HP_EPARSE, k->price, "%s, got '%.*s%s'",
					    st == HP_ERANGE ? "out of range" : "not a number",
					    QUOTE(s));
		if (!(m->price_usd >= 0 && m->price_usd <= PRICE_MAX_USD))
			return hp_csv_error(c, err, HP_EPARSE, k->price,
					    "must be 0 to %.15g or empty, got '%.*s%s'",
					    PRICE_MAX_USD, QUOTE(s));
	}

	if (k->source >= 0) {
		s = c->field[k->source];
		if (!copy_text(s, strlen(s), m->source, sizeof(m->source), true))
			return hp_csv_error(c, err, HP_EPARSE, k->source,
					    "must be at most %zu printable characters, got '%.*s%s'",
					    sizeof(m->source) - 1, QUOTE(s));
	}
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* growing                                                              */
/* ------------------------------------------------------------------ */

/* Room for `need` machines in cat (need <= CATALOG_MAX); cat unchanged on failure. */
static bool catalog_reserve(struct hp_catalog *cat, size_t need)
{
	struct hp_machine *v;
	size_t cap = cat->cap ? cat->cap : CATALOG_INITIAL_CAP;

	if (need <= cat->cap)
		return true;
	while (cap < need)
		cap *= 2;
	if (cap > CATALOG_MAX)
		cap = CATALOG_MAX;
	v = hp_realloc(cat->v, cap * sizeof(*v));
	if (!v)
		return false;
	cat->v = v;
	cat->cap = cap;
	return true;
}

/* ------------------------------------------------------------------ */
/* loading a file                                                       */
/* ------------------------------------------------------------------ */

/* The rows of one file, their line numbers and an index of their names. */
struct load_state {
	struct hp_catalog t;
	size_t *line;
	struct name_index ix;
};

static void load_state_release(struct load_state *s)
{
	hp_catalog_release(&s->t);
	hp_free(s->line);
	hp_free(s->ix.slot);
}

/* Room for one more row; the index is rebuilt when the table grows. */
static enum hp_status load_grow(struct load_state *s, const struct hp_csv *c,
				struct hp_error *err)
{
	size_t *line;

	if (s->t.n < s->t.cap)
		return HP_OK;
	if (s->t.n == CATALOG_MAX)
		return hp_csv_error(c, err, HP_EPARSE, -1, "more than %d machines", CATALOG_MAX);
	if (!catalog_reserve(&s->t, s->t.n + 1))
		goto nomem;
	line = hp_realloc(s->line, s->t.cap * sizeof(*line));
	if (!line)
		goto nomem;
	s->line = line;
	if (!index_build(&s->ix, s->t.v, s->t.n, s->t.cap))
		goto nomem;
	return HP_OK;
nomem:
	return hp_csv_error(c, err, HP_ENOMEM, -1, "out of memory");
}

static enum hp_status load_file(const char *path, struct load_state *s, struct hp_error *err)
{
	struct machine_cols cols;
	struct hp_csv c;
	enum hp_status ret;
	size_t i;
	bool eof;

	if ((ret = hp_csv_open(&c, path, err)) != HP_OK)
		goto err0;
	for (i = 0; i < c.nheader; i++) {
		size_t j;
		for (j = 0; j < NCOLUMNS; j++)
			if (strcmp(c.header[i], machine_columns[j].name) == 0)
				break;
		if (j == NCOLUMNS) {
			ret = hp_csv_error(&c, err, HP_EPARSE, -1, "unknown column '%.*s%s'",
					   QUOTE(c.header[i]));
			goto err1;
		}
	}
	for (i = 0; i < NCOLUMNS; i++) {
		int col = hp_csv_column(&c, machine_columns[i].name);
		if (col < 0 && machine_columns[i].required) {
			ret = hp_csv_error(&c, err, HP_EPARSE, -1, "missing column '%s'",
					   machine_columns[i].name);
			goto err1;
		}
		memcpy((char *)&cols + machine_columns[i].offset, &col, sizeof(col));
	}

	for (;;) {
		struct hp_machine *m;
		char key[HP_MACHINE_NAME_MAX];
		size_t dup;

		if ((ret = hp_csv_next(&c, &eof, err)) != HP_OK)
			goto err1;
		if (eof)
			break;
		if ((ret = load_grow(s, &c, err)) != HP_OK)
			goto err1;
		m = &s->t.v[s->t.n];
		if ((ret = parse_row(&c, &cols, m, err)) != HP_OK)
			goto err1;
		name_key(m->name, key); /* parse_row saw a non-empty name that fits */
		dup = index_find(&s->ix, s->t.v, key);
		if (dup != SIZE_MAX) {
			ret = hp_csv_error(&c, err, HP_EPARSE, cols.name,
					   "duplicate of line %zu, got '%s'", s->line[dup], m->name);
			goto err1;
		}
		index_insert(&s->ix, key, s->t.n);
		s->line[s->t.n] = c.line;
		s->t.n++;
	}
	if (s->t.n == 0) {
		ret = hp_csv_error(&c, err, HP_EPARSE, -1, "no machines after the header");
		goto err1;
	}
	ret = HP_OK;
err1:
	hp_csv_close(&c);
err0:
	return ret;
}

/*
 * Merge the rows of s into cat: same-named machines are replaced in place,
 * the others appended in file order. Everything that can fail happens
 * before cat is touched.
 */
static enum hp_status merge(struct hp_catalog *cat, const struct load_state *s, const char *path,
			    struct hp_error *err)
{
	size_t *target, fresh = 0, i, j;
	char key[HP_MACHINE_NAME_MAX];

	target = hp_malloc(s->t.n * sizeof(*target));
	if (!target)
		return hp_error_set(err, HP_ENOMEM, path, "out of memory");
	for (j = 0; j < s->t.n; j++)
		target[j] = SIZE_MAX;
	for (i = 0; i < cat->n; i++) {
		if (name_key(cat->v[i].name, key) &&
		    (j = index_find(&s->ix, s->t.v, key)) != SIZE_MAX)
			target[j] = i;
	}
	for (j = 0; j < s->t.n; j++)
		fresh += target[j] == SIZE_MAX;
	if (fresh > CATALOG_MAX - cat->n) {
		hp_free(target);
		return hp_error_set(err, HP_EPARSE, path, "more than %d machines in the catalog",
				    CATALOG_MAX);
	}
	if (!catalog_reserve(cat, cat->n + fresh)) {
		hp_free(target);
		return hp_error_set(err, HP_ENOMEM, path, "out of memory");
	}
	for (j = 0; j < s->t.n; j++) {
		if (target[j] == SIZE_MAX)
			cat->v[cat->n++] = s->t.v[j];
		else
			cat->v[target[j]] = s->t.v[j];
	}
	hp_free(target);
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* the public interface                                                 */
/* ------------------------------------------------------------------ */

enum hp_status hp_catalog_load(struct hp_catalog *cat, const char *path, struct hp_error *err)
{
	struct load_state s;
	enum hp_status ret;

	memset(&s, 0, sizeof(s));
	if ((ret = load_file(path, &s, err)) == HP_OK)
		ret = merge(cat, &s, path, err);
	load_state_release(&s);
	return ret;
}

enum hp_status hp_catalog_add(struct hp_catalog *cat, const struct hp_machine *m,
			      struct hp_error *err)
{
	struct hp_machine copy;
	char key[HP_MACHINE_NAME_MAX], other[HP_MACHINE_NAME_MAX];
	size_t i;

	memset(&copy, 0, sizeof(copy));
	if (!copy_text(m->name, strnlen(m->name, sizeof(m->name)), copy.name, sizeof(copy.name),
		       false))
		return hp_error_set(err, HP_EINVAL, "name",
				    "must be 1 to %d printable characters",
				    HP_MACHINE_NAME_MAX - 1);
	if (!copy_text(m->manufacturer, strnlen(m->manufacturer, sizeof(m->manufacturer)),
		       copy.manufacturer, sizeof(copy.manufacturer), true))
		return hp_error_set(err, HP_EINVAL, "manufacturer",
				    "must be at most %zu printable characters",
				    sizeof(copy.manufacturer) - 1);
	if (!copy_text(m->source, strnlen(m->source, sizeof(m->source)), copy.source,
		       sizeof(copy.source), true))
		return hp_error_set(err, HP_EINVAL, "source",
				    "must be at most %zu printable characters",
				    sizeof(copy.source) - 1);
	if (!(m->hashrate_ths > 0 && m->hashrate_ths <= HASHRATE_MAX_THS))
		return hp_error_set(err, HP_EINVAL, "hashrate_ths",
				    "must be > 0 and <= %.15g, got %.17g", HASHRATE_MAX_THS,
				    m->hashrate_ths);
	if (!(m->power_w > 0 && m->power_w <= POWER_MAX_W))
		return hp_error_set(err, HP_EINVAL, "power_w", "must be > 0 and <= %.15g, got %.17g",
				    POWER_MAX_W, m->power_w);
	if ((unsigned)m->cooling > HP_COOLING_IMMERSION)
		return hp_error_set(err, HP_EINVAL, "cooling", "not a cooling kind, got %d",
				    (int)m->cooling);
	if (m->release_year == 0 ? m->release_month != 0
				 : m->release_year < RELEASE_YEAR_MIN ||
					   m->release_year > RELEASE_YEAR_MAX ||
					   m->release_month < 1 || m->release_month > 12)
		return hp_error_set(err, HP_EINVAL, "release",
				    "must be a month of %d to %d or unknown (0, 0), got %d-%02d",
				    RELEASE_YEAR_MIN, RELEASE_YEAR_MAX, m->release_year,
				    m->release_month);
	if (!(m->price_usd >= 0 && m->price_usd <= PRICE_MAX_USD))
		return hp_error_set(err, HP_EINVAL, "price_usd", "must be 0 to %.15g, got %.17g",
				    PRICE_MAX_USD, m->price_usd);
	copy.hashrate_ths = m->hashrate_ths;
	copy.power_w = m->power_w;
	copy.efficiency_j_per_th = m->power_w / m->hashrate_ths;
	copy.cooling = m->cooling;
	copy.release_year = m->release_year;
	copy.release_month = m->release_month;
	copy.price_usd = m->price_usd;

	name_key(copy.name, key);
	for (i = 0; i < cat->n; i++) {
		if (name_key(cat->v[i].name, other) && strcmp(key, other) == 0) {
			cat->v[i] = copy;
			return HP_OK;
		}
	}
	if (cat->n == CATALOG_MAX)
		return hp_error_set(err, HP_ERANGE, NULL, "more than %d machines in the catalog",
				    CATALOG_MAX);
	if (!catalog_reserve(cat, cat->n + 1))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	cat->v[cat->n++] = copy;
	return HP_OK;
}

enum hp_status hp_machine_parse_spec(const char *spec, struct hp_machine *out, const char *field,
				     struct hp_error *err)
{
	static const char usage[] = "expected NAME:HASHRATE_THS:POWER_W[:COOLING]";
	struct hp_machine m;
	const char *part[4];
	size_t len[4], n = 0;
	char buf[4][64], why[64];
	const char *p = spec;

	/* Split on ':' into at most 4 parts. */
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t l = colon ? (size_t)(colon - p) : strlen(p);
		if (n == 4)
			return hp_error_set(err, HP_EINVAL, field, "%s, got '%.*s%s'", usage,
					    QUOTE(spec));
		part[n] = p;
		len[n++] = l;
		if (!colon)
			break;
		p = colon + 1;
	}
	if (n < 3)
		return hp_error_set(err, HP_EINVAL, field, "%s, got '%.*s%s'", usage, QUOTE(spec));
	/* The values as strings (an over-long part is cut, and then fails). */
	for (size_t i = 0; i < n; i++)
		snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)(len[i] < 63 ? len[i] : 63), part[i]);

	memset(&m, 0, sizeof(m));
	if (!copy_text(part[0], len[0], m.name, sizeof(m.name), false))
		return hp_error_set(err, HP_EINVAL, field,
				    "name: must be 1 to %d printable characters, got '%.*s%s'",
				    HP_MACHINE_NAME_MAX - 1, (int)(len[0] < QUOTE_MAX ? len[0] : QUOTE_MAX),
				    part[0], len[0] > QUOTE_MAX ? "..." : "");
	if (len[1] >= sizeof(buf[1]) ||
	    !parse_amount(buf[1], HASHRATE_MAX_THS, &m.hashrate_ths, why, sizeof(why)))
		return hp_error_set(err, HP_EINVAL, field, "hashrate_ths: %s, got '%s%s'",
				    len[1] >= sizeof(buf[1]) ? "not a number" : why, buf[1],
				    len[1] >= sizeof(buf[1]) ? "..." : "");
	if (len[2] >= sizeof(buf[2]) ||
	    !parse_amount(buf[2], POWER_MAX_W, &m.power_w, why, sizeof(why)))
		return hp_error_set(err, HP_EINVAL, field, "power_w: %s, got '%s%s'",
				    len[2] >= sizeof(buf[2]) ? "not a number" : why, buf[2],
				    len[2] >= sizeof(buf[2]) ? "..." : "");
	m.cooling = HP_COOLING_AIR;
	if (n == 4 && (len[3] >= sizeof(buf[3]) || !cooling_from(buf[3], &m.cooling)))
		return hp_error_set(err, HP_EINVAL, field,
				    "cooling: must be air, hydro or immersion, got '%s%s'", buf[3],
				    len[3] >= sizeof(buf[3]) ? "..." : "");
	m.efficiency_j_per_th = m.power_w / m.hashrate_ths;
	*out = m;
	return HP_OK;
}

const struct hp_machine *hp_catalog_find(const struct hp_catalog *cat, const char *name)
{
	char key[HP_MACHINE_NAME_MAX], other[HP_MACHINE_NAME_MAX];
	size_t i;

	if (!cat || !name || !name_key(name, key))
		return NULL;
	for (i = 0; i < cat->n; i++)
		if (name_key(cat->v[i].name, other) && strcmp(key, other) == 0)
			return &cat->v[i];
	return NULL;
}

void hp_catalog_release(struct hp_catalog *cat)
{
	if (!cat)
		return;
	hp_free(cat->v);
	cat->v = NULL;
	cat->n = 0;
	cat->cap = 0;
}

const char *hp_cooling_name(enum hp_cooling c)
{
	return (unsigned)c <= HP_COOLING_IMMERSION ? cooling_names[c] : "unknown";
}

enum hp_status hp_cooling_parse(const char *s, enum hp_cooling *out, const char *field,
				struct hp_error *err)
{
	if (!cooling_from(s, out))
		return hp_error_set(err, HP_EINVAL, field,
				    "must be air, hydro or immersion, got '%.*s%s'", QUOTE(s));
	return HP_OK;
}
