/*
 * scenario.c - the scenario file (include/hashpivot/scenario.h; the schema
 * with every key, default and limit is docs/scenario.md).
 *
 * The document is parsed whole by jansson (duplicate keys rejected, NaN and
 * Infinity are not JSON), then walked section by section. Every object is
 * first checked for unknown keys, then each known key for its type and
 * range, in the order docs/scenario.md lists them, so the first error of a
 * file is always the same one. Field paths ("sites[1].fleet[0].count") are
 * built in fixed buffers of HP_ERROR_FIELD_MAX bytes.
 *
 * Everything is built into a local struct hp_scenario that is released on
 * any error, so a failed parse keeps nothing and leaves *out empty. Power
 * price files are read last, after the whole document has passed, so that a
 * mistake in the JSON is reported before any file is opened.
 *
 * jansson allocates with its own allocator (we leave it alone); everything
 * the scenario keeps comes from hp_malloc and friends.
 */
#include "hashpivot/scenario.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/calendar.h"
#include "hashpivot/parse.h"

/* Limits: every array and every buffer that grows from the input has one. */
#define SCENARIO_BYTES_MAX ((size_t)16 << 20)
#define SITES_MAX 10000
#define FLEET_MAX 10000
#define MACHINES_MAX 1000
#define COUNT_MAX 100000000
#define HEIGHT_MAX INT64_C(2147483647)
#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z, hp_parse_time's end */
#define FILE_NAME_MAX 4095
/* A dollar amount (a cost, a price, a yearly sum): ten times the world's yearly
 * output, so that any product of the model's sizes with it stays finite. */
#define USD_MAX 1e15
/* A price of energy, per kWh (per MWh: 1000 times it). */
#define USD_PER_KWH_MAX 10.0
#define SCENARIO_NAME_MAX (sizeof(((struct hp_scenario *)0)->name) - 1)
#define SITE_NAME_MAX (sizeof(((struct hp_site *)0)->name) - 1)
#define MANUFACTURER_MAX (sizeof(((struct hp_machine *)0)->manufacturer) - 1)
/* A quoted value or key is cut after this many bytes ("..." marks the cut). */
#define QUOTE_MAX 40
#define GOT_LEN (QUOTE_MAX + 8)
#define FIELD_LEN HP_ERROR_FIELD_MAX

/* ------------------------------------------------------------------ */
/* printing values and paths                                            */
/* ------------------------------------------------------------------ */

/* The shortest of %.15g, %.16g, %.17g that reads back as v (-0.05, not
 * -0.050000000000000003). */
static void format_real(double v, char buf[32])
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, 32, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

/* Bytes of s that fit in n without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * A JSON value as the user wrote it, compactly: numbers as given (a real
 * keeps a ".0" so 5000.0 is told apart from 5000), strings quoted and
 * escaped, arrays and objects as compact JSON, all cut at QUOTE_MAX bytes.
 */
static const char *describe(const json_t *v, char buf[GOT_LEN])
{
	json_malloc_t jmalloc;
	json_free_t jfree;
	char *enc;
	size_t n;

	switch (json_typeof(v)) {
	case JSON_INTEGER:
		snprintf(buf, GOT_LEN, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		format_real(json_real_value(v), buf);
		if (!strpbrk(buf, ".eE"))
			memcpy(buf + strlen(buf), ".0", 3);
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	default:
		break;
	}
	enc = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	if (!enc)
		return json_is_string(v) ? "a string" : json_is_array(v) ? "an array" : "an object";
	n = strlen(enc);
	if (n > QUOTE_MAX)
		snprintf(buf, GOT_LEN, "%.*s...", (int)utf8_cut(enc, QUOTE_MAX), enc);
	else
		snprintf(buf, GOT_LEN, "%s", enc);
	json_get_alloc_funcs(&jmalloc, &jfree);
	jfree(enc);
	return buf;
}

/* "<parent>.<key>", or "<key>" at the top; control bytes in the key become
 * '?' and a long key is cut, so a message stays one printable line. */
static void path_key(char f[FIELD_LEN], const char *parent, const char *key)
{
	char k[QUOTE_MAX + 4];
	size_t n = strlen(key), i;

	if (n > QUOTE_MAX)
		n = utf8_cut(key, QUOTE_MAX);
	for (i = 0; i < n; i++)
		k[i] = (unsigned char)key[i] < 0x20 || key[i] == 0x7f ? '?' : key[i];
	memcpy(k + n, n < strlen(key) ? "..." : "", n < strlen(key) ? 4 : 1);
	/* A path longer than the field is cut (the return value says so). */
	if (snprintf(f, FIELD_LEN, "%s%s%s", parent, parent[0] ? "." : "", k) >= FIELD_LEN)
		f[FIELD_LEN - 1] = '\0';
}

static void path_index(char f[FIELD_LEN], const char *parent, const char *key, size_t i)
{
	if (snprintf(f, FIELD_LEN, "%s%s%s[%zu]", parent, parent[0] ? "." : "", key, i) >=
	    FIELD_LEN)
		f[FIELD_LEN - 1] = '\0';
}

/* ------------------------------------------------------------------ */
/* typed members                                                        */
/* ------------------------------------------------------------------ */

enum presence { OPTIONAL, REQUIRED };

/* An interval for a real; open ends say "must be > a" rather than ">=". */
struct range {
	double min, max;
	bool min_open, max_open;
};

#define ABOVE(a) ((struct range){ (a), DBL_MAX, true, false })
#define CLOSED(a, b) ((struct range){ (a), (b), false, false })
#define OPEN_CLOSED(a, b) ((struct range){ (a), (b), true, false })
#define CLOSED_OPEN(a, b) ((struct range){ (a), (b), false, true })

static enum hp_status type_error(const json_t *v, const char *field, const char *what,
				 struct hp_error *err)
{
	char got[GOT_LEN];

	return hp_error_set(err, HP_EINVAL, field, "must be %s, got %s", what, describe(v, got));
}

/* Every key of obj must be one of keys (NULL-terminated); the first that is
 * not, in the order of the file, is the error. */
static enum hp_status check_keys(const json_t *obj, const char *parent, const char *const *keys,
				 struct hp_error *err)
{
	const char *key;
	json_t *v;
	char f[FIELD_LEN];

	json_object_foreach((json_t *)obj, key, v) {
		size_t i;
		for (i = 0; keys[i] && strcmp(keys[i], key) != 0; i++)
			;
		if (!keys[i]) {
			path_key(f, parent, key);
			return hp_error_set(err, HP_EINVAL, f, "unknown key");
		}
	}
	return HP_OK;
}

/*
 * Look up key in obj and put its path in f. Absent: NULL, after recording
 * "missing" when it is required (*ret says which). A JSON null is present
 * (and then the wrong type): there is no "null means default".
 */
static json_t *member(const json_t *obj, const char *parent, const char *key, enum presence p,
		      char f[FIELD_LEN], enum hp_status *ret, struct hp_error *err)
{
	json_t *v = json_object_get(obj, key);

	path_key(f, parent, key);
	*ret = HP_OK;
	if (!v && p == REQUIRED)
		*ret = hp_error_set(err, HP_EINVAL, f, "missing");
	return v;
}

static enum hp_status want_real(const json_t *v, const char *f, struct range r, double *out,
				struct hp_error *err)
{
	char got[GOT_LEN], lim[32];
	double x;

	if (!json_is_number(v))
		return type_error(v, f, "a number", err);
	x = json_number_value(v);
	if (r.min_open ? !(x > r.min) : !(x >= r.min)) {
		format_real(r.min, lim);
		return hp_error_set(err, HP_EINVAL, f, "must be %s %s, got %s",
				    r.min_open ? ">" : ">=", lim, describe(v, got));
	}
	if (r.max_open ? !(x < r.max) : !(x <= r.max)) {
		format_real(r.max, lim);
		return hp_error_set(err, HP_EINVAL, f, "must be %s %s, got %s",
				    r.max_open ? "<" : "<=", lim, describe(v, got));
	}
	*out = x;
	return HP_OK;
}

/* Integers must be JSON integers: 5000.0 is refused, as "5000" would be. */
static enum hp_status want_int(const json_t *v, const char *f, int64_t min, int64_t max,
			       int64_t *out, struct hp_error *err)
{
	char got[GOT_LEN];
	json_int_t x;

	if (!json_is_integer(v))
		return type_error(v, f, "an integer", err);
	x = json_integer_value(v);
	if (x < min)
		return hp_error_set(err, HP_EINVAL, f, "must be >= %lld, got %s", (long long)min,
				    describe(v, got));
	if (x > max)
		return hp_error_set(err, HP_EINVAL, f, "must be <= %lld, got %s", (long long)max,
				    describe(v, got));
	*out = (int64_t)x;
	return HP_OK;
}

/* A string of min_len..max_len bytes without control characters. */
static enum hp_status want_string(const json_t *v, const char *f, size_t min_len, size_t max_len,
				  const char **out, struct hp_error *err)
{
	char got[GOT_LEN];
	const char *s;
	size_t n, i;

	if (!json_is_string(v))
		return type_error(v, f, "a string", err);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n < min_len)
		return hp_error_set(err, HP_EINVAL, f, "must not be empty");
	if (n > max_len)
		return hp_error_set(err, HP_EINVAL, f, "must be at most %zu bytes, got %zu bytes: %s",
				    max_len, n, describe(v, got));
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return hp_error_set(err, HP_EINVAL, f,
					    "must not contain control characters, got %s",
					    describe(v, got));
	*out = s;
	return HP_OK;
}

/* A time: "YYYY-MM-DD", ISO 8601 UTC or Unix seconds (a string or an integer). */
static enum hp_status want_time(const json_t *v, const char *f, int64_t *out,
				struct hp_error *err)
{
	struct hp_error e;

	if (json_is_integer(v))
		return want_int(v, f, 0, TIME_MAX, out, err);
	if (!json_is_string(v))
		return type_error(v, f, "a date \"YYYY-MM-DD\", a UTC time or Unix seconds", err);
	/* hp_parse_time quotes the text; its EPARSE/ERANGE become EINVAL here. */
	if (hp_parse_time(json_string_value(v), 0, TIME_MAX, out, NULL, &e) != HP_OK)
		return hp_error_set(err, HP_EINVAL, f, "%s", e.message);
	return HP_OK;
}

static enum hp_status get_real(const json_t *obj, const char *parent, const char *key,
			       enum presence p, struct range r, double *out, struct hp_error *err)
{
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v = member(obj, parent, key, p, f, &ret, err);

	return v ? want_real(v, f, r, out, err) : ret;
}

static enum hp_status get_int(const json_t *obj, const char *parent, const char *key,
			      enum presence p, int64_t min, int64_t max, int64_t *out,
			      struct hp_error *err)
{
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v = member(obj, parent, key, p, f, &ret, err);

	return v ? want_int(v, f, min, max, out, err) : ret;
}

static enum hp_status get_bool(const json_t *obj, const char *parent, const char *key,
			       bool *out, struct hp_error *err)
{
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v = member(obj, parent, key, OPTIONAL, f, &ret, err);

	if (!v)
		return ret;
	if (!json_is_boolean(v))
		return type_error(v, f, "true or false", err);
	*out = json_is_true(v);
	return HP_OK;
}

/* An optional time: *has says whether it was given. */
static enum hp_status get_time(const json_t *obj, const char *parent, const char *key,
			       bool *has, int64_t *out, struct hp_error *err)
{
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v = member(obj, parent, key, OPTIONAL, f, &ret, err);

	if (!v)
		return ret;
	if ((ret = want_time(v, f, out, err)) == HP_OK)
		*has = true;
	return ret;
}

/* An array of 1..max elements (one "site", at most 10000 "sites"): *n is its size. */
static enum hp_status want_array(const json_t *v, const char *f, size_t max, const char *one,
				 const char *many, size_t *n, struct hp_error *err)
{
	if (!json_is_array(v))
		return type_error(v, f, "an array", err);
	*n = json_array_size(v);
	if (*n == 0)
		return hp_error_set(err, HP_EINVAL, f, "must have at least one %s, got []", one);
	if (*n > max)
		return hp_error_set(err, HP_EINVAL, f, "must have at most %zu %s, got %zu", max,
				    many, *n);
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* machine names                                                        */
/* ------------------------------------------------------------------ */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Edit distance ignoring case, for names of at most HP_MACHINE_NAME_MAX bytes. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t row[HP_MACHINE_NAME_MAX + 1], na = strlen(a), nb = strlen(b), i, j;

	if (na > HP_MACHINE_NAME_MAX || nb > HP_MACHINE_NAME_MAX)
		return SIZE_MAX;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

/* The catalog name nearest to name when it is close enough to be a typo
 * (at most one edit per four bytes, and at most 3), or NULL. */
static const char *suggest_machine(const struct hp_catalog *cat, const char *name)
{
	size_t best = SIZE_MAX, limit = strlen(name) / 4, i;
	const char *hit = NULL;

	if (limit > 3)
		limit = 3;
	for (i = 0; i < cat->n; i++) {
		size_t d = edit_distance(name, cat->v[i].name);
		if (d < best) {
			best = d;
			hit = cat->v[i].name;
		}
	}
	return best >= 1 && best <= limit ? hit : NULL;
}

/* ------------------------------------------------------------------ */
/* sections                                                             */
/* ------------------------------------------------------------------ */

static const char *const top_keys[] = { "name", "as_of", "network", "machines", "company",
					"sites", "market", "treasury", "pivot", "industry", NULL };
static const char *const network_keys[] = { "difficulty", "bits", "height", "fees_btc_per_block",
					    "price_usd", NULL };
static const char *const machine_keys[] = { "name", "manufacturer", "hashrate_ths", "power_w",
					    "cooling", NULL };
static const char *const company_keys[] = { "pool_fee_pct", "sga_usd_per_year",
					    "interest_usd_per_year", "sbc_usd_per_year",
					    "other_depreciation_usd_per_year", NULL };
static const char *const site_keys[] = { "name", "grid_mw", "power_price_usd_per_kwh",
					 "power_price_file", "pue", "hosting_usd_per_kwh",
					 "opex_usd_per_year", "curtail", "dr_credit_usd_per_mwh",
					 "min_uptime_pct", "fleet", NULL };
static const char *const fleet_keys[] = { "machine", "count", "uptime_pct", "unit_cost_usd",
					  "depreciation_months", "in_service", NULL };

static enum hp_status want_object(const json_t *v, const char *f, const char *const *keys,
				  struct hp_error *err)
{
	if (!json_is_object(v))
		return type_error(v, f, "an object", err);
	return check_keys(v, f, keys, err);
}

static enum hp_status parse_network(const json_t *o, struct hp_scenario_network *n,
				    struct hp_error *err)
{
	const char *p = "network";
	char f[FIELD_LEN], got[GOT_LEN];
	enum hp_status ret;
	json_t *bits, *diff;

	if ((ret = want_object(o, p, network_keys, err)) != HP_OK)
		return ret;
	diff = json_object_get(o, "difficulty");
	bits = json_object_get(o, "bits");
	if (!diff == !bits)
		return hp_error_set(err, HP_EINVAL, p, "must have one of difficulty and bits, got %s",
				    diff ? "both" : "neither");
	if (bits) {
		const char *s;
		bool negative, overflow;
		path_key(f, p, "bits");
		if (!json_is_string(bits))
			return type_error(bits, f, "a string of 8 hex digits", err);
		s = json_string_value(bits);
		if (json_string_length(bits) != 8 || strspn(s, "0123456789abcdefABCDEF") != 8 ||
		    hp_parse_hex32(s, &n->bits, NULL, NULL) != HP_OK)
			return hp_error_set(err, HP_EINVAL, f, "must be 8 hex digits, got %s",
					    describe(bits, got));
		if (hp_u256_is_zero(hp_consensus_compact_decode(n->bits, &negative, &overflow)) ||
		    negative || overflow || !hp_consensus_difficulty(n->bits, &n->difficulty))
			return hp_error_set(err, HP_EINVAL, f,
					    "must be a positive compact target, got %s",
					    describe(bits, got));
		n->has_bits = true;
	} else {
		struct hp_u256 target;
		path_key(f, p, "difficulty");
		if ((ret = want_real(diff, f, ABOVE(0), &n->difficulty, err)) != HP_OK)
			return ret;
		/* Later models need the target: the difficulty must have one. */
		if (hp_consensus_target_from_difficulty(n->difficulty, &target, NULL, NULL) != HP_OK)
			return hp_error_set(err, HP_EINVAL, f,
					    "must give a non-zero 256-bit target, got %s",
					    describe(diff, got));
	}
	if ((ret = get_int(o, p, "height", REQUIRED, 0, HEIGHT_MAX, &n->height, err)) != HP_OK ||
	    (ret = get_real(o, p, "fees_btc_per_block", REQUIRED, CLOSED(0, 1e6),
			    &n->fees_btc_per_block, err)) != HP_OK ||
	    (ret = get_real(o, p, "price_usd", REQUIRED, OPEN_CLOSED(0, 1e12), &n->price_usd,
			    err)) != HP_OK)
		return ret;
	return HP_OK;
}

static enum hp_status parse_cooling(const json_t *o, const char *p, enum hp_cooling *out,
				    struct hp_error *err)
{
	static const struct {
		const char *name;
		enum hp_cooling c;
	} table[] = { { "air", HP_COOLING_AIR },
		      { "hydro", HP_COOLING_HYDRO },
		      { "immersion", HP_COOLING_IMMERSION } };
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v = member(o, p, "cooling", OPTIONAL, f, &ret, err);
	size_t i;

	if (!v)
		return ret;
	for (i = 0; json_is_string(v) && i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(json_string_value(v), table[i].name) == 0) {
			*out = table[i].c;
			return HP_OK;
		}
	}
	return type_error(v, f, "\"air\", \"hydro\" or \"immersion\"", err);
}

/* One entry of "machines"; seen holds the entries before it (for duplicates). */
static enum hp_status parse_machine(const json_t *o, const char *p, struct hp_catalog *cat,
				    struct hp_catalog *seen, struct hp_error *err)
{
	struct hp_machine m;
	char f[FIELD_LEN], got[GOT_LEN];
	const char *s;
	enum hp_status ret;
	json_t *v;

	memset(&m, 0, sizeof(m));
	m.cooling = HP_COOLING_AIR;
	if ((ret = want_object(o, p, machine_keys, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "name", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, HP_MACHINE_NAME_MAX - 1, &s, err)) != HP_OK)
		return ret;
	if (hp_catalog_find(seen, s))
		return hp_error_set(err, HP_EINVAL, f, "must be unique, got %s again",
				    describe(v, got));
	memcpy(m.name, s, strlen(s) + 1);
	if ((v = member(o, p, "manufacturer", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_string(v, f, 1, MANUFACTURER_MAX, &s, err)) != HP_OK)
			return ret;
		memcpy(m.manufacturer, s, strlen(s) + 1);
	}
	/* Caps keep a fleet's total draw and hashrate far from overflow. */
	if ((ret = get_real(o, p, "hashrate_ths", REQUIRED, OPEN_CLOSED(0, 1e6), &m.hashrate_ths,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "power_w", REQUIRED, OPEN_CLOSED(0, 1e6), &m.power_w, err)) !=
		    HP_OK ||
	    (ret = parse_cooling(o, p, &m.cooling, err)) != HP_OK)
		return ret;
	m.efficiency_j_per_th = m.power_w / m.hashrate_ths;
	if ((ret = hp_catalog_add(seen, &m, err)) != HP_OK ||
	    (ret = hp_catalog_add(cat, &m, err)) != HP_OK) {
		if (ret != HP_ENOMEM) {
			char prefix[FIELD_LEN + 2];
			snprintf(prefix, sizeof(prefix), "%s: ", p);
			hp_error_prefix(err, prefix);
		}
		return ret;
	}
	return HP_OK;
}

static enum hp_status parse_machines(const json_t *v, struct hp_catalog *cat,
				     struct hp_error *err)
{
	struct hp_catalog seen = { NULL, 0, 0 };
	char p[FIELD_LEN];
	enum hp_status ret;
	size_t n, i;

	if ((ret = want_array(v, "machines", MACHINES_MAX, "machine", "machines", &n, err)) != HP_OK)
		goto exit;
	for (i = 0; i < n; i++) {
		path_index(p, "", "machines", i);
		if ((ret = parse_machine(json_array_get(v, i), p, cat, &seen, err)) != HP_OK)
			goto exit;
	}
exit:
	hp_catalog_release(&seen);
	return ret;
}

static enum hp_status parse_company(const json_t *o, struct hp_company *c, struct hp_error *err)
{
	const char *p = "company";
	enum hp_status ret;

	if ((ret = want_object(o, p, company_keys, err)) != HP_OK)
		return ret;
	if ((ret = get_real(o, p, "pool_fee_pct", OPTIONAL, CLOSED_OPEN(0, 100), &c->pool_fee_pct,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "sga_usd_per_year", OPTIONAL, CLOSED(0, USD_MAX), &c->sga_usd_per_year,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "interest_usd_per_year", OPTIONAL, CLOSED(0, USD_MAX),
			    &c->interest_usd_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "sbc_usd_per_year", OPTIONAL, CLOSED(0, USD_MAX), &c->sbc_usd_per_year,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "other_depreciation_usd_per_year", OPTIONAL, CLOSED(0, USD_MAX),
			    &c->other_depreciation_usd_per_year, err)) != HP_OK)
		return ret;
	return HP_OK;
}

/* A machine name of the catalog; unknown names get the nearest as a hint. */
static enum hp_status want_machine(const json_t *v, const char *f, const struct hp_catalog *cat,
				   const struct hp_machine **out, struct hp_error *err)
{
	char name[QUOTE_MAX + 4];
	const char *s, *hint;
	enum hp_status ret;
	size_t i, n;

	if ((ret = want_string(v, f, 1, SIZE_MAX, &s, err)) != HP_OK)
		return ret;
	if (!(*out = hp_catalog_find(cat, s))) {
		n = strlen(s) > QUOTE_MAX ? utf8_cut(s, QUOTE_MAX) : strlen(s);
		for (i = 0; i < n; i++)
			name[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
		memcpy(name + n, n < strlen(s) ? "..." : "", n < strlen(s) ? 4 : 1);
		hint = suggest_machine(cat, s);
		return hp_error_set(err, HP_EINVAL, f, "unknown machine '%s'%s%s%s", name,
				    hint ? "; did you mean '" : "", hint ? hint : "",
				    hint ? "'?" : "");
	}
	return HP_OK;
}

static enum hp_status parse_fleet_entry(const json_t *o, const char *p,
					const struct hp_catalog *cat, struct hp_fleet_entry *e,
					struct hp_error *err)
{
	const struct hp_machine *m;
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v;

	e->uptime_pct = 100;
	e->depreciation_months = 36;
	if ((ret = want_object(o, p, fleet_keys, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "machine", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_machine(v, f, cat, &m, err)) != HP_OK)
		return ret;
	e->machine = *m;
	if ((ret = get_int(o, p, "count", REQUIRED, 1, COUNT_MAX, &e->count, err)) != HP_OK ||
	    (ret = get_real(o, p, "uptime_pct", OPTIONAL, OPEN_CLOSED(0, 100), &e->uptime_pct,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "unit_cost_usd", OPTIONAL, CLOSED(0, USD_MAX), &e->unit_cost_usd,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "depreciation_months", OPTIONAL, OPEN_CLOSED(0, 600),
			    &e->depreciation_months, err)) != HP_OK ||
	    (ret = get_time(o, p, "in_service", &e->has_in_service, &e->in_service, err)) != HP_OK)
		return ret;
	return HP_OK;
}

/*
 * *out = "dir/file" for a relative file and a base directory, else a copy
 * of file. The one place a scenario's file reference becomes a path, so
 * the one place opt->no_files refuses it (v is the value at field f).
 */
static enum hp_status resolve(const struct hp_scenario_options *opt, const json_t *v,
			      const char *f, const char *file, char **out, struct hp_error *err)
{
	const char *base_dir = opt->base_dir;
	char got[GOT_LEN];
	size_t nb, nf;
	bool slash;
	char *r;

	if (opt->no_files)
		return hp_error_set(err, HP_EINVAL, f, "a file reference is not allowed here, got %s",
				    describe(v, got));
	if (!base_dir || !base_dir[0] || file[0] == '/') {
		r = hp_strdup(file);
	} else {
		nb = strlen(base_dir);
		nf = strlen(file);
		slash = base_dir[nb - 1] != '/';
		if ((r = hp_malloc(nb + slash + nf + 1)) != NULL) {
			memcpy(r, base_dir, nb);
			if (slash)
				r[nb] = '/';
			memcpy(r + nb + slash, file, nf + 1);
		}
	}
	if (!r)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	*out = r;
	return HP_OK;
}

/* One site, all but its price file (read by load_prices once everything passed). */
static enum hp_status parse_site(const json_t *o, const char *p, const struct hp_scenario *sc,
				 size_t index, const struct hp_scenario_options *opt, struct hp_site *site,
				 struct hp_error *err)
{
	char f[FIELD_LEN], fp[FIELD_LEN], got[GOT_LEN], a[32], b[32], c[32];
	const char *s;
	enum hp_status ret;
	json_t *v, *fleet;
	double draw_w = 0, draw_mw;
	size_t n, i;

	site->pue = 1;
	if ((ret = want_object(o, p, site_keys, err)) != HP_OK)
		return ret;

	if (!(v = member(o, p, "name", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, SITE_NAME_MAX, &s, err)) != HP_OK)
		return ret;
	for (i = 0; i < index; i++)
		if (strcmp(sc->sites[i].name, s) == 0)
			return hp_error_set(err, HP_EINVAL, f, "must be unique, got %s again",
					    describe(v, got));
	memcpy(site->name, s, strlen(s) + 1);

	if ((ret = get_real(o, p, "grid_mw", REQUIRED, OPEN_CLOSED(0, 1e6), &site->grid_mw,
			    err)) != HP_OK)
		return ret;

	if ((v = member(o, p, "power_price_file", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_string(v, f, 1, FILE_NAME_MAX, &s, err)) != HP_OK)
			return ret;
		if ((ret = resolve(opt, v, f, s, &site->power_price_file, err)) != HP_OK)
			return ret;
	}
	if ((ret = get_real(o, p, "power_price_usd_per_kwh",
			    site->power_price_file ? OPTIONAL : REQUIRED, CLOSED(0, 10),
			    &site->power_price_usd_per_kwh, err)) != HP_OK ||
	    (ret = get_real(o, p, "pue", OPTIONAL, CLOSED(1, 3), &site->pue, err)) != HP_OK ||
	    (ret = get_real(o, p, "hosting_usd_per_kwh", OPTIONAL, CLOSED(0, USD_PER_KWH_MAX),
			    &site->hosting_usd_per_kwh, err)) != HP_OK ||
	    (ret = get_real(o, p, "opex_usd_per_year", OPTIONAL, CLOSED(0, USD_MAX),
			    &site->opex_usd_per_year, err)) != HP_OK)
		return ret;

	site->curtail = site->power_price_file != NULL;
	if ((ret = get_bool(o, p, "curtail", &site->curtail, err)) != HP_OK)
		return ret;
	if (site->curtail && !site->power_price_file) {
		path_key(f, p, "curtail");
		return hp_error_set(err, HP_EINVAL, f,
				    "needs hourly prices (power_price_file), got true");
	}
	if ((ret = get_real(o, p, "dr_credit_usd_per_mwh", OPTIONAL, CLOSED(0, 1000 * USD_PER_KWH_MAX),
			    &site->dr_credit_usd_per_mwh, err)) != HP_OK ||
	    (ret = get_real(o, p, "min_uptime_pct", OPTIONAL, CLOSED(0, 100),
			    &site->min_uptime_pct, err)) != HP_OK)
		return ret;

	if (!(fleet = member(o, p, "fleet", REQUIRED, fp, &ret, err)))
		return ret;
	if ((ret = want_array(fleet, fp, FLEET_MAX, "entry", "entries", &n, err)) != HP_OK)
		return ret;
	if (!(site->fleet = hp_calloc(n, sizeof(*site->fleet))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	site->nfleet = n;
	for (i = 0; i < n; i++) {
		const struct hp_fleet_entry *e = &site->fleet[i];
		path_index(f, p, "fleet", i);
		if ((ret = parse_fleet_entry(json_array_get(fleet, i), f, &sc->catalog,
					     &site->fleet[i], err)) != HP_OK)
			return ret;
		/* Exact while the sum stays below 2^53 W, as it does for whole watts. */
		draw_w += (double)e->count * e->machine.power_w;
	}
	draw_mw = draw_w * site->pue / 1e6;
	if (draw_mw > site->grid_mw) {
		format_real(draw_mw, a);
		format_real(site->pue, b);
		format_real(site->grid_mw, c);
		return hp_error_set(err, HP_EINVAL, fp, "draws %s MW at PUE %s, more than grid_mw %s",
				    a, b, c);
	}
	return HP_OK;
}

static enum hp_status parse_sites(const json_t *v, const struct hp_scenario_options *opt,
				  struct hp_scenario *s,
				  struct hp_error *err)
{
	char p[FIELD_LEN];
	enum hp_status ret;
	size_t n, i;

	if ((ret = want_array(v, "sites", SITES_MAX, "site", "sites", &n, err)) != HP_OK)
		return ret;
	if (!(s->sites = hp_calloc(n, sizeof(*s->sites))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	s->nsites = n;
	for (i = 0; i < n; i++) {
		path_index(p, "", "sites", i);
		if ((ret = parse_site(json_array_get(v, i), p, s, i, opt, &s->sites[i], err)) !=
		    HP_OK)
			return ret;
	}
	return HP_OK;
}

/* Read each site's hourly prices; their errors keep their own text after the field. */
static enum hp_status load_prices(struct hp_scenario *s, struct hp_error *err)
{
	char prefix[FIELD_LEN + 32];
	enum hp_status ret;
	size_t i;

	for (i = 0; i < s->nsites; i++) {
		struct hp_site *site = &s->sites[i];
		if (!site->power_price_file)
			continue;
		if ((ret = hp_power_series_load(site->power_price_file, &site->prices, err)) !=
		    HP_OK) {
			snprintf(prefix, sizeof(prefix), "sites[%zu].power_price_file: ", i);
			hp_error_prefix(err, prefix);
			return ret;
		}
	}
	return HP_OK;
}

static void market_defaults(struct hp_scenario *s);
static void treasury_defaults(struct hp_treasury_policy *t);
static enum hp_status parse_market(const json_t *o, const struct hp_scenario_options *opt,
				   struct hp_scenario *s,
				   struct hp_error *err);
static enum hp_status parse_treasury(const json_t *o, const char *p,
				     struct hp_treasury_policy *t, struct hp_error *err);
static enum hp_status parse_industry(const json_t *o, struct hp_scenario *s,
				     struct hp_error *err);
static enum hp_status parse_pivot(const json_t *o, struct hp_scenario *s, struct hp_error *err);
static enum hp_status finish_monte_carlo(struct hp_scenario *s, struct hp_error *err);
static enum hp_status finish_industry(struct hp_scenario *s, int64_t ndays, struct hp_error *err);

static enum hp_status parse_root(const json_t *root, const char *name_of_input,
				 const struct hp_scenario_options *opt, const struct hp_catalog *shipped,
				 struct hp_scenario *s, struct hp_error *err)
{
	char f[FIELD_LEN], got[GOT_LEN];
	const char *name;
	enum hp_status ret;
	json_t *v;
	size_t i;

	if (!json_is_object(root))
		return hp_error_set(err, HP_EINVAL, name_of_input, "must be a JSON object, got %s",
				    describe(root, got));
	if ((ret = check_keys(root, "", top_keys, err)) != HP_OK)
		return ret;

	if ((v = member(root, "", "name", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_string(v, f, 0, SCENARIO_NAME_MAX, &name, err)) != HP_OK)
			return ret;
		memcpy(s->name, name, strlen(name) + 1);
	}
	if ((ret = get_time(root, "", "as_of", &s->has_as_of, &s->as_of, err)) != HP_OK)
		return ret;
	if (!(v = member(root, "", "network", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = parse_network(v, &s->network, err)) != HP_OK)
		return ret;

	for (i = 0; shipped && i < shipped->n; i++)
		if ((ret = hp_catalog_add(&s->catalog, &shipped->v[i], err)) != HP_OK)
			return ret;
	if ((v = json_object_get(root, "machines")) != NULL &&
	    (ret = parse_machines(v, &s->catalog, err)) != HP_OK)
		return ret;
	if ((v = json_object_get(root, "company")) != NULL &&
	    (ret = parse_company(v, &s->company, err)) != HP_OK)
		return ret;
	/* a simulation scenario need not describe one company's sites */
	if (!(v = member(root, "", "sites", json_object_get(root, "industry") ? OPTIONAL : REQUIRED,
			 f, &ret, err))) {
		if (ret != HP_OK)
			return ret;
	} else if ((ret = parse_sites(v, opt, s, err)) != HP_OK) {
		return ret;
	}

	market_defaults(s);
	treasury_defaults(&s->treasury);
	s->pivot.discount_rate_pct_per_year = 10;
	if ((v = json_object_get(root, "market")) != NULL) {
		s->has_market = true;
		if ((ret = parse_market(v, opt, s, err)) != HP_OK)
			return ret;
	}
	if ((v = json_object_get(root, "treasury")) != NULL) {
		s->has_treasury = true;
		if ((ret = parse_treasury(v, "treasury", &s->treasury, err)) != HP_OK)
			return ret;
	}
	if ((v = json_object_get(root, "pivot")) != NULL) {
		s->has_pivot = true;
		if ((ret = parse_pivot(v, s, err)) != HP_OK)
			return ret;
	}
	if ((v = json_object_get(root, "industry")) != NULL) {
		s->has_industry = true;
		if ((ret = parse_industry(v, s, err)) != HP_OK)
			return ret;
	}
	if ((ret = load_prices(s, err)) != HP_OK)
		return ret;
	return finish_monte_carlo(s, err);
}

/* name is what a message about the document as a whole starts with: the
 * file, or "scenario". */
static enum hp_status parse_named(const char *text, size_t len, const char *name,
				  const struct hp_scenario_options *opt,
				  const struct hp_catalog *shipped, struct hp_scenario *out,
				  struct hp_error *err)
{
	struct hp_scenario s;
	json_error_t jerr;
	json_t *root;
	enum hp_status ret;
	const char *nul;
	char f[FIELD_LEN];

	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	if (len > SCENARIO_BYTES_MAX) {
		ret = hp_error_set(err, HP_EINVAL, name, "larger than 16 MiB");
		goto err0;
	}
	/* A UTF-8 byte order mark is skipped, as the CSV reader does. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	errno = 0;
	root = json_loadb(len ? text : "", len, JSON_REJECT_DUPLICATES, &jerr);
	/*
	 * jansson takes a NUL byte for the end of the text: it would accept a
	 * document with anything after a NUL, or blame the end of the file.
	 */
	nul = len ? memchr(text, '\0', len) : NULL;
	if (nul && (root || (size_t)(nul - text) <= (size_t)jerr.position)) {
		size_t line = 1, col = 0;
		for (const char *c = text; c < nul; c++, col++)
			if (*c == '\n')
				line++, col = 0;
		json_decref(root);
		snprintf(f, sizeof(f), "%s:%zu:%zu", name, line, col);
		ret = hp_error_set(err, HP_EPARSE, f, "NUL byte in the text");
		goto err0;
	}
	if (!root) {
		/* jansson reports some allocation failures as syntax errors
		 * (its lexer's buffers) or not at all (an empty message); the
		 * allocator's ENOMEM tells them apart (json_loadb does no I/O) */
		if (json_error_code(&jerr) == json_error_out_of_memory || errno == ENOMEM) {
			ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
			goto err0;
		}
		snprintf(f, sizeof(f), "%s:%d:%d", name, jerr.line, jerr.column);
		ret = hp_error_set(err, HP_EPARSE, f, "%s", jerr.text);
		goto err0;
	}
	if ((ret = parse_root(root, name, opt, shipped, &s, err)) != HP_OK)
		goto err1;
	json_decref(root);
	*out = s;
	/* the market's models point at series the scenario owns: at its new place */
	if (out->market.price.path)
		out->market.price.path = &out->market.price_path;
	if (out->market.price.history)
		out->market.price.history = &out->market.history;
	if (out->market.network.difficulty_file)
		out->market.network.difficulty_file = &out->market.difficulty;
	if (out->industry.price)
		out->industry.price = &out->market.price;
	return HP_OK;

err1:
	json_decref(root);
	hp_scenario_release(&s);
err0:
	return ret;
}

/* ------------------------------------------------------------------ */
/* market, treasury, pivot: the Monte Carlo sections                    */
/* ------------------------------------------------------------------ */

#define HORIZON_MONTHS_MAX 720
#define PATHS_MAX 1000000
#define STRATEGIES_MAX 64
#define CONVERSIONS_MAX 64

static const char *const market_keys[] = { "horizon_months", "paths", "seed", "price",
					   "difficulty", "fees", NULL };
static const char *const price_keys[] = { "model", "start_price_usd", "drift_pct_per_year",
					  "volatility_pct_per_year", "jumps_per_year",
					  "jump_mean_pct", "jump_stdev_pct", "history",
					  "history_from", "history_to", "block_days", "recentre",
					  "file", NULL };
static const char *const difficulty_keys[] = { "growth_pct_per_epoch", "file", NULL };
static const char *const fees_keys[] = { "growth_pct_per_year", "volatility_pct",
					 "half_life_days", NULL };
static const char *const treasury_keys[] = { "btc", "cash_usd", "min_cash_usd",
					     "sell_production_pct", "sell_to_cover_opex",
					     "sell_to_fund_capex", "target_btc", "defi", "loan",
					     NULL };
static const char *const defi_keys[] = { "allocation_pct", "apy_pct", "lockup_months",
					 "loss_probability_pct_per_year", "loss_severity_pct",
					 NULL };
static const char *const loan_keys[] = { "principal_usd", "rate_pct_per_year", "ltv_pct",
					 "margin_call_ltv_pct", "liquidation_ltv_pct",
					 "term_months", "cure", NULL };
static const char *const pivot_keys[] = { "discount_rate_pct_per_year", "strategies", NULL };
static const char *const strategy_keys[] = { "name", "conversions", "wait", NULL };
static const char *const wait_keys[] = { "every_months", "until_month", NULL };
static const char *const colo_keys[] = { "type", "site", "start_month", "grid_mw", "pue",
					 "capex_usd_per_mw", "build_months",
					 "rate_usd_per_kw_month", "escalator_pct_per_year",
					 "term_months", "occupancy_start_pct", "occupancy_pct",
					 "ramp_months", "load_factor_pct", "power_pass_through",
					 "power_price_usd_per_kwh", "opex_usd_per_mw_year",
					 "default_probability_pct_per_year", "relet_months", NULL };
static const char *const gpu_keys[] = { "type", "site", "start_month", "grid_mw", "pue",
					"capex_usd_per_mw", "build_months", "gpus", "kw_per_gpu",
					"usd_per_gpu_hour", "price_decline_pct_per_year",
					"utilisation_pct", "idle_power_pct", "capex_usd_per_gpu",
					"capex_decline_pct_per_year", "refresh_months",
					"opex_usd_per_gpu_year", "power_price_usd_per_kwh", NULL };

/* Defaults a conversion takes from its site once the site's prices are read. */
#define POWER_PRICE_FROM_SITE (-1.0)

/* A UTC day "YYYY-MM-DD" (or a time on it) as days since 1970-01-01. */
static enum hp_status get_day(const json_t *obj, const char *parent, const char *key,
			      bool *has, int64_t *day, struct hp_error *err)
{
	int64_t t = 0;
	enum hp_status ret;

	*has = false;
	if ((ret = get_time(obj, parent, key, has, &t, err)) != HP_OK)
		return ret;
	if (*has)
		*day = t / 86400;
	return HP_OK;
}

static enum hp_status get_file(const json_t *obj, const char *parent, const char *key,
			       const struct hp_scenario_options *opt, char **out,
			       struct hp_error *err)
{
	char f[FIELD_LEN];
	const char *s;
	enum hp_status ret;
	json_t *v = member(obj, parent, key, OPTIONAL, f, &ret, err);

	if (!v)
		return ret;
	if ((ret = want_string(v, f, 1, FILE_NAME_MAX, &s, err)) != HP_OK)
		return ret;
	return resolve(opt, v, f, s, out, err);
}

/* Keys that only some price models take: name the model that does. */
static enum hp_status price_key_allowed(const json_t *o, enum hp_price_kind k,
					struct hp_error *err)
{
	static const struct {
		const char *key;
		unsigned models; /* bit per enum hp_price_kind */
	} only[] = {
		{ "start_price_usd", 1u << HP_PRICE_GBM | 1u << HP_PRICE_MERTON | 1u << HP_PRICE_BOOTSTRAP },
		{ "drift_pct_per_year", 1u << HP_PRICE_GBM | 1u << HP_PRICE_MERTON | 1u << HP_PRICE_BOOTSTRAP },
		{ "volatility_pct_per_year", 1u << HP_PRICE_GBM | 1u << HP_PRICE_MERTON },
		{ "jumps_per_year", 1u << HP_PRICE_MERTON },
		{ "jump_mean_pct", 1u << HP_PRICE_MERTON },
		{ "jump_stdev_pct", 1u << HP_PRICE_MERTON },
		{ "history", 1u << HP_PRICE_BOOTSTRAP },
		{ "history_from", 1u << HP_PRICE_BOOTSTRAP },
		{ "history_to", 1u << HP_PRICE_BOOTSTRAP },
		{ "block_days", 1u << HP_PRICE_BOOTSTRAP },
		{ "recentre", 1u << HP_PRICE_BOOTSTRAP },
		{ "file", 1u << HP_PRICE_FILE },
	};
	char f[FIELD_LEN];
	size_t i;

	for (i = 0; i < sizeof(only) / sizeof(only[0]); i++)
		if (json_object_get(o, only[i].key) && !(only[i].models & (1u << k))) {
			path_key(f, "market.price", only[i].key);
			return hp_error_set(err, HP_EINVAL, f, "does not apply to model \"%s\"",
					    hp_price_kind_name(k));
		}
	return HP_OK;
}

static enum hp_status parse_price(const json_t *o, const struct hp_scenario_options *opt,
				  struct hp_scenario *s,
				  struct hp_error *err)
{
	const char *p = "market.price";
	struct hp_scenario_market *mk = &s->market;
	struct hp_price_model *m = &mk->price;
	char f[FIELD_LEN];
	const char *name;
	enum hp_status ret;
	json_t *v;
	bool has;

	if ((ret = want_object(o, p, price_keys, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "model", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, 32, &name, err)) != HP_OK ||
	    (ret = hp_price_kind_parse(name, f, &m->kind, err)) != HP_OK ||
	    (ret = price_key_allowed(o, m->kind, err)) != HP_OK)
		return ret;
	if ((ret = get_real(o, p, "start_price_usd", OPTIONAL, OPEN_CLOSED(0, 1e12),
			    &m->start_price_usd, err)) != HP_OK ||
	    (ret = get_real(o, p, "drift_pct_per_year", OPTIONAL, CLOSED(-100, 1000),
			    &m->drift_pct_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "volatility_pct_per_year",
			    m->kind == HP_PRICE_GBM || m->kind == HP_PRICE_MERTON ? REQUIRED
										 : OPTIONAL,
			    CLOSED(0, 1000), &m->volatility_pct_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "jumps_per_year", m->kind == HP_PRICE_MERTON ? REQUIRED : OPTIONAL,
			    CLOSED(0, 365.25), &m->jumps_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "jump_mean_pct", OPTIONAL, CLOSED(-1000, 1000),
			    &m->jump_mean_pct, err)) != HP_OK ||
	    (ret = get_real(o, p, "jump_stdev_pct", OPTIONAL, CLOSED(0, 1000), &m->jump_stdev_pct,
			    err)) != HP_OK ||
	    (ret = get_file(o, p, "history", opt, &mk->history_file, err)) != HP_OK ||
	    (ret = get_day(o, p, "history_from", &has, &m->history_from_day, err)) != HP_OK ||
	    (ret = get_day(o, p, "history_to", &has, &m->history_to_day, err)) != HP_OK ||
	    (ret = get_int(o, p, "block_days", OPTIONAL, 1, 3650, &m->block_days, err)) != HP_OK ||
	    (ret = get_bool(o, p, "recentre", &m->recentre, err)) != HP_OK ||
	    (ret = get_file(o, p, "file", opt, &mk->price_file, err)) != HP_OK)
		return ret;
	if (m->kind == HP_PRICE_FILE && !mk->price_file) {
		path_key(f, p, "file");
		return hp_error_set(err, HP_EINVAL, f, "missing (model \"file\" reads its path from it)");
	}
	return HP_OK;
}

static enum hp_status parse_market(const json_t *o, const struct hp_scenario_options *opt,
				   struct hp_scenario *s,
				   struct hp_error *err)
{
	const char *p = "market";
	struct hp_scenario_market *mk = &s->market;
	char f[FIELD_LEN];
	enum hp_status ret;
	int64_t seed;
	json_t *v;

	if ((ret = want_object(o, p, market_keys, err)) != HP_OK)
		return ret;
	if ((ret = get_int(o, p, "horizon_months", OPTIONAL, 1, HORIZON_MONTHS_MAX,
			   &mk->horizon_months, err)) != HP_OK ||
	    (ret = get_int(o, p, "paths", OPTIONAL, 1, PATHS_MAX, &mk->paths, err)) != HP_OK)
		return ret;
	seed = (int64_t)mk->seed;
	if ((ret = get_int(o, p, "seed", OPTIONAL, 0, INT64_MAX, &seed, err)) != HP_OK)
		return ret;
	mk->seed = (uint64_t)seed;
	if ((v = member(o, p, "price", OPTIONAL, f, &ret, err)) != NULL &&
	    (ret = parse_price(v, opt, s, err)) != HP_OK)
		return ret;
	if ((v = member(o, p, "difficulty", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_object(v, f, difficulty_keys, err)) != HP_OK ||
		    (ret = get_real(v, f, "growth_pct_per_epoch", OPTIONAL, OPEN_CLOSED(-100, 1000),
				    &mk->network.growth_pct_per_epoch, err)) != HP_OK ||
		    (ret = get_file(v, f, "file", opt, &mk->difficulty_file, err)) != HP_OK)
			return ret;
		if (mk->difficulty_file && json_object_get(v, "growth_pct_per_epoch"))
			return hp_error_set(err, HP_EINVAL, "market.difficulty",
					    "must have one of growth_pct_per_epoch and file, got both");
	}
	if ((v = member(o, p, "fees", OPTIONAL, f, &ret, err)) != NULL &&
	    ((ret = want_object(v, f, fees_keys, err)) != HP_OK ||
	     (ret = get_real(v, f, "growth_pct_per_year", OPTIONAL, OPEN_CLOSED(-100, 1000),
			     &mk->network.fees_growth_pct_per_year, err)) != HP_OK ||
	     (ret = get_real(v, f, "volatility_pct", OPTIONAL, CLOSED(0, 1000),
			     &mk->fees_volatility_pct, err)) != HP_OK ||
	     (ret = get_real(v, f, "half_life_days", OPTIONAL, OPEN_CLOSED(0, 100000),
			     &mk->fees_half_life_days, err)) != HP_OK))
		return ret;
	return HP_OK;
}

/* Market defaults, taken before the section is read. */
static void market_defaults(struct hp_scenario *s)
{
	struct hp_scenario_market *mk = &s->market;

	mk->horizon_months = 120;
	mk->fees_half_life_days = 30;
	mk->paths = 1000;
	mk->seed = 1;
	mk->price.kind = HP_PRICE_GBM;
	mk->price.volatility_pct_per_year = 0;
	mk->price.block_days = 30;
	mk->price.history_from_day = INT64_MIN;
	mk->price.history_to_day = INT64_MIN;
}

static enum hp_status parse_defi(const json_t *o, const char *p, struct hp_defi *d,
				 struct hp_error *err)
{
	enum hp_status ret;

	if ((ret = want_object(o, p, defi_keys, err)) != HP_OK ||
	    (ret = get_real(o, p, "allocation_pct", REQUIRED, CLOSED(0, 100), &d->allocation_pct,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "apy_pct", REQUIRED, CLOSED(0, 100), &d->apy_pct, err)) != HP_OK ||
	    (ret = get_int(o, p, "lockup_months", OPTIONAL, 0, HORIZON_MONTHS_MAX,
			   &d->lockup_months, err)) != HP_OK ||
	    (ret = get_real(o, p, "loss_probability_pct_per_year", OPTIONAL, CLOSED(0, 100),
			    &d->loss_probability_pct_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "loss_severity_pct", OPTIONAL, CLOSED(0, 100),
			    &d->loss_severity_pct, err)) != HP_OK)
		return ret;
	return HP_OK;
}

static enum hp_status parse_loan(const json_t *o, const char *p, struct hp_loan *l,
				 struct hp_error *err)
{
	char f[FIELD_LEN], got[GOT_LEN];
	const char *cure;
	enum hp_status ret;
	json_t *v;

	if ((ret = want_object(o, p, loan_keys, err)) != HP_OK ||
	    (ret = get_real(o, p, "principal_usd", REQUIRED, CLOSED(0, USD_MAX), &l->principal_usd,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "rate_pct_per_year", REQUIRED, CLOSED(0, 100),
			    &l->rate_pct_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "ltv_pct", REQUIRED, OPEN_CLOSED(0, 100), &l->ltv_pct, err)) !=
		    HP_OK ||
	    (ret = get_real(o, p, "margin_call_ltv_pct", REQUIRED, OPEN_CLOSED(0, 100),
			    &l->margin_call_ltv_pct, err)) != HP_OK ||
	    (ret = get_real(o, p, "liquidation_ltv_pct", REQUIRED, OPEN_CLOSED(0, 100),
			    &l->liquidation_ltv_pct, err)) != HP_OK ||
	    (ret = get_int(o, p, "term_months", OPTIONAL, 0, HORIZON_MONTHS_MAX, &l->term_months,
			   err)) != HP_OK)
		return ret;
	l->cure = HP_CURE_TOP_UP;
	if ((v = member(o, p, "cure", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_string(v, f, 1, 32, &cure, err)) != HP_OK)
			return ret;
		if (strcmp(cure, "top_up") == 0)
			l->cure = HP_CURE_TOP_UP;
		else if (strcmp(cure, "repay") == 0)
			l->cure = HP_CURE_REPAY;
		else
			return hp_error_set(err, HP_EINVAL, f,
					    "must be \"top_up\" or \"repay\", got %s",
					    describe(v, got));
	}
	return HP_OK;
}

static void treasury_defaults(struct hp_treasury_policy *t)
{
	t->sell_to_cover_opex = true;
	t->sell_to_fund_capex = true;
}

static enum hp_status parse_treasury(const json_t *o, const char *p,
				     struct hp_treasury_policy *t, struct hp_error *err)
{
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v;

	if ((ret = want_object(o, p, treasury_keys, err)) != HP_OK ||
	    (ret = get_real(o, p, "btc", OPTIONAL, CLOSED(0, 21e6), &t->btc, err)) != HP_OK ||
	    (ret = get_real(o, p, "cash_usd", OPTIONAL, CLOSED(0, 1e15), &t->cash_usd, err)) !=
		    HP_OK ||
	    (ret = get_real(o, p, "min_cash_usd", OPTIONAL, CLOSED(0, 1e15), &t->min_cash_usd,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "sell_production_pct", OPTIONAL, CLOSED(0, 100),
			    &t->sell_production_pct, err)) != HP_OK ||
	    (ret = get_bool(o, p, "sell_to_cover_opex", &t->sell_to_cover_opex, err)) != HP_OK ||
	    (ret = get_bool(o, p, "sell_to_fund_capex", &t->sell_to_fund_capex, err)) != HP_OK)
		return ret;
	if (json_object_get(o, "target_btc")) {
		if ((ret = get_real(o, p, "target_btc", OPTIONAL, CLOSED(0, 21e6), &t->target_btc,
				    err)) != HP_OK)
			return ret;
		t->has_target = true;
	}
	if ((v = member(o, p, "defi", OPTIONAL, f, &ret, err)) != NULL &&
	    (ret = parse_defi(v, f, &t->defi, err)) != HP_OK)
		return ret;
	if ((v = member(o, p, "loan", OPTIONAL, f, &ret, err)) != NULL &&
	    (ret = parse_loan(v, f, &t->loan, err)) != HP_OK)
		return ret;
	return HP_OK;
}

static enum hp_status parse_conversion(const json_t *o, const char *p, const struct hp_scenario *s,
				       struct hp_strategy_conversion *c, struct hp_error *err)
{
	char f[FIELD_LEN], got[GOT_LEN];
	const char *type, *site;
	struct hp_conversion *cv;
	enum hp_status ret;
	json_t *v;
	size_t i;

	if (!json_is_object(o))
		return type_error(o, p, "an object", err);
	if (!(v = member(o, p, "type", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, 32, &type, err)) != HP_OK)
		return ret;
	if (strcmp(type, "colocation") == 0)
		c->kind = HP_CONVERT_COLOCATION;
	else if (strcmp(type, "gpu_cloud") == 0)
		c->kind = HP_CONVERT_GPU_CLOUD;
	else
		return hp_error_set(err, HP_EINVAL, f,
				    "must be \"colocation\" or \"gpu_cloud\", got %s",
				    describe(v, got));
	if ((ret = check_keys(o, p, c->kind == HP_CONVERT_COLOCATION ? colo_keys : gpu_keys, err)) !=
	    HP_OK)
		return ret;
	if (!(v = member(o, p, "site", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, SITE_NAME_MAX, &site, err)) != HP_OK)
		return ret;
	for (i = 0; i < s->nsites && strcmp(s->sites[i].name, site) != 0; i++)
		;
	if (i == s->nsites)
		return hp_error_set(err, HP_EINVAL, f, "no site is named %s", describe(v, got));
	c->site = i;
	if ((ret = get_int(o, p, "start_month", OPTIONAL, 0, HORIZON_MONTHS_MAX, &c->start_month,
			   err)) != HP_OK)
		return ret;

	cv = c->kind == HP_CONVERT_COLOCATION ? &c->colo.conv : &c->gpu.conv;
	cv->pue = 1.3;
	if ((ret = get_real(o, p, "grid_mw", REQUIRED, OPEN_CLOSED(0, 1e6), &cv->grid_mw, err)) !=
		    HP_OK ||
	    (ret = get_real(o, p, "pue", OPTIONAL, CLOSED(1, 3), &cv->pue, err)) != HP_OK ||
	    (ret = get_real(o, p, "capex_usd_per_mw", REQUIRED, CLOSED(0, USD_MAX), &cv->capex_usd_per_mw,
			    err)) != HP_OK ||
	    (ret = get_int(o, p, "build_months", REQUIRED, 0, HORIZON_MONTHS_MAX,
			   &cv->build_months, err)) != HP_OK)
		return ret;

	if (c->kind == HP_CONVERT_COLOCATION) {
		struct hp_colocation *k = &c->colo;
		k->term_months = 120;
		k->occupancy_start_pct = 100;
		k->occupancy_pct = 100;
		k->load_factor_pct = 100;
		k->power_pass_through = true;
		k->power_price_usd_per_kwh = POWER_PRICE_FROM_SITE;
		if ((ret = get_real(o, p, "rate_usd_per_kw_month", REQUIRED, CLOSED(0, USD_MAX),
				    &k->rate_usd_per_kw_month, err)) != HP_OK ||
		    (ret = get_real(o, p, "escalator_pct_per_year", OPTIONAL, OPEN_CLOSED(-100, 100),
				    &k->escalator_pct_per_year, err)) != HP_OK ||
		    (ret = get_int(o, p, "term_months", OPTIONAL, 1, 1200, &k->term_months, err)) !=
			    HP_OK ||
		    (ret = get_real(o, p, "occupancy_start_pct", OPTIONAL, CLOSED(0, 100),
				    &k->occupancy_start_pct, err)) != HP_OK ||
		    (ret = get_real(o, p, "occupancy_pct", OPTIONAL, CLOSED(0, 100),
				    &k->occupancy_pct, err)) != HP_OK ||
		    (ret = get_int(o, p, "ramp_months", OPTIONAL, 0, HORIZON_MONTHS_MAX,
				   &k->ramp_months, err)) != HP_OK ||
		    (ret = get_real(o, p, "load_factor_pct", OPTIONAL, CLOSED(0, 100),
				    &k->load_factor_pct, err)) != HP_OK ||
		    (ret = get_bool(o, p, "power_pass_through", &k->power_pass_through, err)) !=
			    HP_OK ||
		    (ret = get_real(o, p, "power_price_usd_per_kwh", OPTIONAL, CLOSED(0, 10),
				    &k->power_price_usd_per_kwh, err)) != HP_OK ||
		    (ret = get_real(o, p, "opex_usd_per_mw_year", OPTIONAL, CLOSED(0, USD_MAX),
				    &k->opex_usd_per_mw_year, err)) != HP_OK ||
		    (ret = get_real(o, p, "default_probability_pct_per_year", OPTIONAL,
				    CLOSED_OPEN(0, 100), &k->default_probability_pct_per_year,
				    err)) != HP_OK ||
		    (ret = get_int(o, p, "relet_months", OPTIONAL, 0, HORIZON_MONTHS_MAX,
				   &k->relet_months, err)) != HP_OK)
			return ret;
	} else {
		struct hp_gpu_cloud *g = &c->gpu;
		g->idle_power_pct = 30;
		g->power_price_usd_per_kwh = POWER_PRICE_FROM_SITE;
		if ((ret = get_int(o, p, "gpus", OPTIONAL, 0, 100000000, &g->gpus, err)) != HP_OK ||
		    (ret = get_real(o, p, "kw_per_gpu", REQUIRED, OPEN_CLOSED(0, 100),
				    &g->kw_per_gpu, err)) != HP_OK ||
		    (ret = get_real(o, p, "usd_per_gpu_hour", REQUIRED, CLOSED(0, 1e4),
				    &g->usd_per_gpu_hour, err)) != HP_OK ||
		    (ret = get_real(o, p, "price_decline_pct_per_year", OPTIONAL, CLOSED_OPEN(0, 100),
				    &g->price_decline_pct_per_year, err)) != HP_OK ||
		    (ret = get_real(o, p, "utilisation_pct", REQUIRED, CLOSED(0, 100),
				    &g->utilisation_pct, err)) != HP_OK ||
		    (ret = get_real(o, p, "idle_power_pct", OPTIONAL, CLOSED(0, 100),
				    &g->idle_power_pct, err)) != HP_OK ||
		    (ret = get_real(o, p, "capex_usd_per_gpu", REQUIRED, CLOSED(0, USD_MAX),
				    &g->capex_usd_per_gpu, err)) != HP_OK ||
		    (ret = get_real(o, p, "capex_decline_pct_per_year", OPTIONAL, CLOSED_OPEN(0, 100),
				    &g->capex_decline_pct_per_year, err)) != HP_OK ||
		    (ret = get_int(o, p, "refresh_months", OPTIONAL, 0, HORIZON_MONTHS_MAX,
				   &g->refresh_months, err)) != HP_OK ||
		    (ret = get_real(o, p, "opex_usd_per_gpu_year", OPTIONAL, CLOSED(0, USD_MAX),
				    &g->opex_usd_per_gpu_year, err)) != HP_OK ||
		    (ret = get_real(o, p, "power_price_usd_per_kwh", OPTIONAL, CLOSED(0, 10),
				    &g->power_price_usd_per_kwh, err)) != HP_OK)
			return ret;
	}
	return HP_OK;
}

static enum hp_status parse_strategy(const json_t *o, const char *p, struct hp_scenario *s,
				     size_t index, struct hp_strategy *st, struct hp_error *err)
{
	char f[FIELD_LEN], fc[FIELD_LEN], got[GOT_LEN];
	const char *name;
	enum hp_status ret;
	json_t *v;
	size_t n, i;

	if ((ret = want_object(o, p, strategy_keys, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "name", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, sizeof(st->name) - 1, &name, err)) != HP_OK)
		return ret;
	for (i = 0; i < index; i++)
		if (strcmp(s->pivot.strategies[i].name, name) == 0)
			return hp_error_set(err, HP_EINVAL, f, "must be unique, got %s again",
					    describe(v, got));
	memcpy(st->name, name, strlen(name) + 1);

	if ((v = member(o, p, "conversions", OPTIONAL, fc, &ret, err)) != NULL) {
		if (!json_is_array(v))
			return type_error(v, fc, "an array", err);
		n = json_array_size(v);
		if (n > CONVERSIONS_MAX)
			return hp_error_set(err, HP_EINVAL, fc, "must have at most %d conversions, got %zu",
					    CONVERSIONS_MAX, n);
		if (n && !(st->conv = hp_calloc(n, sizeof(*st->conv))))
			return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
		st->nconv = n;
		for (i = 0; i < n; i++) {
			path_index(f, p, "conversions", i);
			if ((ret = parse_conversion(json_array_get(v, i), f, s, &st->conv[i], err)) !=
			    HP_OK)
				return ret;
		}
	}
	if ((v = member(o, p, "wait", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_object(v, f, wait_keys, err)) != HP_OK)
			return ret;
		if (!st->nconv)
			return hp_error_set(err, HP_EINVAL, f,
					    "needs conversions to decide the start of");
		st->wait = true;
		st->wait_every_months = 3;
		st->wait_until_month = 0;
		if ((ret = get_int(v, f, "every_months", OPTIONAL, 1, HORIZON_MONTHS_MAX,
				   &st->wait_every_months, err)) != HP_OK ||
		    (ret = get_int(v, f, "until_month", REQUIRED, 0, HORIZON_MONTHS_MAX,
				   &st->wait_until_month, err)) != HP_OK)
			return ret;
		for (i = 0; i < st->nconv; i++)
			if (st->conv[i].start_month != 0) {
				path_index(fc, p, "conversions", i);
				path_key(f, fc, "start_month");
				return hp_error_set(err, HP_EINVAL, f,
						    "must be 0 (or absent) in a wait strategy, got %lld",
						    (long long)st->conv[i].start_month);
			}
	}
	return HP_OK;
}

static enum hp_status parse_pivot(const json_t *o, struct hp_scenario *s, struct hp_error *err)
{
	const char *p = "pivot";
	char f[FIELD_LEN], fs[FIELD_LEN];
	enum hp_status ret;
	json_t *v;
	size_t n, i;

	if ((ret = want_object(o, p, pivot_keys, err)) != HP_OK ||
	    (ret = get_real(o, p, "discount_rate_pct_per_year", OPTIONAL, OPEN_CLOSED(-100, 1000),
			    &s->pivot.discount_rate_pct_per_year, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "strategies", REQUIRED, fs, &ret, err)))
		return ret;
	if ((ret = want_array(v, fs, STRATEGIES_MAX, "strategy", "strategies", &n, err)) != HP_OK)
		return ret;
	if (!(s->pivot.strategies = hp_calloc(n, sizeof(*s->pivot.strategies))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	s->pivot.nstrategies = n;
	for (i = 0; i < n; i++) {
		path_index(f, p, "strategies", i);
		if ((ret = parse_strategy(json_array_get(v, i), f, s, i, &s->pivot.strategies[i],
					  err)) != HP_OK)
			return ret;
	}
	return HP_OK;
}

/* A site's flat power price, or the mean of its hourly file, in USD/kWh. */
static double site_power_price(const struct hp_site *site)
{
	return site->power_price_file ? hp_power_series_mean(&site->prices) / 1000
				       : site->power_price_usd_per_kwh;
}

/* Days from as_of to the end of the horizon: as hp_finance_month_bounds'
 * last bound (the day of month clamped to the target month's length),
 * without the array. */
static int64_t horizon_days(const struct hp_scenario_market *mk)
{
	int64_t y, ye, months;
	unsigned m, d, me, last;

	hp_calendar_civil_from_days(mk->start_day, &y, &m, &d);
	months = (int64_t)m - 1 + mk->horizon_months;
	ye = y + months / 12;
	me = (unsigned)(months % 12) + 1;
	last = (unsigned)(hp_calendar_days_from_civil(ye + (me == 12), me == 12 ? 1 : me + 1, 1) -
			  hp_calendar_days_from_civil(ye, me, 1));
	return hp_calendar_days_from_civil(ye, me, d < last ? d : last) - mk->start_day;
}

/* Point a bootstrap at the scenario's history, fill the window's defaults,
 * and check the price model over the horizon. */
static enum hp_status check_price(struct hp_scenario_market *mk, struct hp_error *err)
{
	enum hp_status ret;

	if (mk->price.kind == HP_PRICE_BOOTSTRAP) {
		mk->price.history = &mk->history;
		if (mk->price.history_from_day == INT64_MIN)
			mk->price.history_from_day = mk->history.first_day;
		if (mk->price.history_to_day == INT64_MIN)
			mk->price.history_to_day = mk->history.first_day + (int64_t)mk->history.n - 1;
	}
	if ((ret = hp_price_model_check(&mk->price, horizon_days(mk), err)) != HP_OK)
		hp_error_prefix(err, "market.price.");
	return ret;
}

/* The sections' files, defaults that depend on other sections, and the
 * modules' own checks - after the whole document has been read. */
static enum hp_status finish_monte_carlo(struct hp_scenario *s, struct hp_error *err)
{
	struct hp_scenario_market *mk = &s->market;
	char prefix[FIELD_LEN + 8], f[FIELD_LEN], fl[FIELD_LEN + 32], a[32], b[32];
	int64_t ndays;
	enum hp_status ret = HP_OK;
	size_t i, j;

	/* The network path starts from the "network" section. */
	mk->network.height = s->network.height;
	mk->network.difficulty = s->network.difficulty;
	mk->network.fees_btc_per_block = s->network.fees_btc_per_block;
	mk->network.pool_fee_pct = s->company.pool_fee_pct;
	if (mk->price.start_price_usd == 0)
		mk->price.start_price_usd = s->network.price_usd;
	if (!s->has_market && !s->has_pivot && !s->has_treasury && !s->has_industry)
		return HP_OK;
	if (!s->has_as_of)
		return hp_error_set(err, HP_EINVAL, "as_of",
				    "missing (the market's months are calendar months from it)");
	mk->start_day = s->as_of / 86400 - (s->as_of % 86400 < 0);
	mk->network.start_day = mk->start_day;
	mk->price.start_day = mk->start_day;

	ndays = horizon_days(mk);

	if (mk->price_file) {
		if ((ret = hp_daily_series_load(mk->price_file, hp_daily_series_price_columns,
						&mk->price_path, err)) != HP_OK) {
			hp_error_prefix(err, "market.price.file: ");
			goto out;
		}
		mk->price.path = &mk->price_path;
	}
	if (mk->history_file) {
		if ((ret = hp_daily_series_load(mk->history_file, hp_daily_series_price_columns,
						&mk->history, err)) != HP_OK) {
			hp_error_prefix(err, "market.price.history: ");
			goto out;
		}
	}
	if (mk->difficulty_file) {
		if ((ret = hp_daily_series_load(mk->difficulty_file,
						hp_daily_series_difficulty_columns, &mk->difficulty,
						err)) != HP_OK) {
			hp_error_prefix(err, "market.difficulty.file: ");
			goto out;
		}
		mk->network.difficulty_file = &mk->difficulty;
	}
	/* A bootstrap without its own history is checked once the shipped one
	 * is loaded (hp_scenario_load_history). */
	if ((mk->price.kind != HP_PRICE_BOOTSTRAP || mk->history_file) &&
	    (ret = check_price(mk, err)) != HP_OK)
		goto out;
	if ((ret = hp_mining_network_path(&mk->network, ndays, NULL, NULL, err)) != HP_OK) {
		/* the struct's difficulty_file is the scenario's difficulty.file */
		static const char df[] = "difficulty_file: ";
		if (err && strncmp(err->message, df, sizeof(df) - 1) == 0) {
			char msg[HP_ERROR_MESSAGE_MAX];
			snprintf(msg, sizeof(msg), "%s", err->message + sizeof(df) - 1);
			hp_error_set(err, ret, "market.difficulty.file", "%s", msg);
		} else {
			hp_error_prefix(err, "market.");
		}
		goto out;
	}
	if ((ret = hp_treasury_check(&s->treasury, mk->price.kind == HP_PRICE_FILE
							   ? mk->price_path.value[hp_daily_series_index(
								     &mk->price_path, mk->start_day)]
							   : mk->price.start_price_usd,
				     err)) != HP_OK) {
		hp_error_prefix(err, "treasury.");
		goto out;
	}

	for (i = 0; i < s->pivot.nstrategies; i++) {
		struct hp_strategy *st = &s->pivot.strategies[i];
		double *converted = NULL;
		if (st->wait && st->wait_until_month >= mk->horizon_months) {
			snprintf(prefix, sizeof(prefix), "pivot.strategies[%zu].wait", i);
			path_key(f, prefix, "until_month");
			ret = hp_error_set(err, HP_EINVAL, f,
					   "must be < the horizon of %lld months, got %lld",
					   (long long)mk->horizon_months,
					   (long long)st->wait_until_month);
			goto out;
		}
		if (!(converted = hp_calloc(s->nsites, sizeof(*converted)))) {
			ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
			goto out;
		}
		for (j = 0; j < st->nconv; j++) {
			struct hp_strategy_conversion *c = &st->conv[j];
			const struct hp_site *site = &s->sites[c->site];
			int64_t left = mk->horizon_months - c->start_month;
			snprintf(prefix, sizeof(prefix), "pivot.strategies[%zu].conversions[%zu].", i,
				 j);
			if (c->start_month >= mk->horizon_months) {
				snprintf(fl, sizeof(fl), "%sstart_month", prefix);
				ret = hp_error_set(err, HP_EINVAL, fl,
						   "must be < the horizon of %lld months, got %lld",
						   (long long)mk->horizon_months,
						   (long long)c->start_month);
				break;
			}
			if (c->kind == HP_CONVERT_COLOCATION) {
				if (c->colo.power_price_usd_per_kwh == POWER_PRICE_FROM_SITE)
					c->colo.power_price_usd_per_kwh = site_power_price(site);
				ret = hp_hpc_colocation_check(&c->colo, left, err);
				converted[c->site] += c->colo.conv.grid_mw;
			} else {
				if (c->gpu.power_price_usd_per_kwh == POWER_PRICE_FROM_SITE)
					c->gpu.power_price_usd_per_kwh = site_power_price(site);
				ret = hp_hpc_gpu_check(&c->gpu, left, err);
				converted[c->site] += c->gpu.conv.grid_mw;
			}
			if (ret != HP_OK) {
				hp_error_prefix(err, prefix);
				break;
			}
			if (converted[c->site] > site->grid_mw) {
				format_real(converted[c->site], a);
				format_real(site->grid_mw, b);
				snprintf(prefix, sizeof(prefix), "pivot.strategies[%zu]", i);
				path_key(f, prefix, "conversions");
				ret = hp_error_set(err, HP_EINVAL, f,
						   "converts %s MW of site \"%s\", more than its grid_mw %s",
						   a, site->name, b);
				break;
			}
		}
		hp_free(converted);
		if (ret != HP_OK)
			goto out;
	}
	if (s->has_industry)
		ret = finish_industry(s, ndays, err);
out:
	return ret;
}

/* ------------------------------------------------------------------ */
/* industry: the simulator's cohorts                                    */
/* ------------------------------------------------------------------ */

#define COHORT_LINES_MAX HP_COHORT_LINES_MAX
/* shares of a cohort's fleet must sum to 100 within this (rounding in files) */
#define SHARE_SUM_TOLERANCE 1e-6

static const char *const industry_keys[] = { "cohorts", "epoch_start_time", "deployment",
					     "bankruptcy", "price_impact_pct_per_kbtc", "attack",
					     "difficulty_rule", "asert_half_life_hours",
					     "block_level", NULL };
static const char *const cohort_keys[] = { "name", "listed", "eh", "fleet", "power_usd_per_kwh",
					   "take_or_pay_pct", "pue", "pool_fee_pct",
					   "opex_usd_per_year", "debt_usd", "interest_pct_per_year",
					   "credit_line_usd", "renewable_pct", "treasury", "pivot",
					   NULL };
static const char *const line_keys[] = { "machine", "efficiency_j_per_th", "eh", "share_pct",
					 NULL };
static const char *const power_keys[] = { "low", "high", NULL };
static const char *const cpivot_keys[] = { "mw", "displaced_mw", "capex_usd_per_mw",
					   "build_months", "revenue_usd_per_mw_year",
					   "opex_usd_per_mw_year", "trigger", NULL };
static const char *const date_trigger_keys[] = { "date", NULL };
static const char *const hp_trigger_keys[] = { "hashprice_below_usd_per_ph_day", "trailing_days",
					       "not_before", NULL };
static const char *const deployment_keys[] = { "cohort", "usd_per_th", "usd_per_th_elasticity",
					       "power_usd_per_kwh", "hurdle_pct_per_year",
					       "eh_per_day_per_pct", "max_eh_per_day", "lag_days",
					       "trailing_days", NULL };
static const char *const bankruptcy_keys[] = { "resale_pct", NULL };
static const char *const attack_keys[] = { "duration_hours", "efficiency_j_per_th", "usd_per_th",
					   "power_usd_per_kwh", "rental_usd_per_ph_day", NULL };

/* Day offset from as_of of a time (its UTC day). */
static int64_t day_of(const struct hp_scenario *s, int64_t t)
{
	return (t / 86400 - (t % 86400 < 0)) - (s->as_of / 86400 - (s->as_of % 86400 < 0));
}

/* One fleet line: a catalog machine or an efficiency, with eh or share_pct. */
static enum hp_status parse_line(const json_t *o, const char *p, const struct hp_scenario *s,
				 struct hp_cohort_line *l, bool *by_share, struct hp_error *err)
{
	const struct hp_machine *m;
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v;
	bool has_machine = json_object_get(o, "machine") != NULL;
	bool has_eff = json_object_get(o, "efficiency_j_per_th") != NULL;
	bool has_eh = json_object_get(o, "eh") != NULL;
	bool has_share = json_object_get(o, "share_pct") != NULL;

	if ((ret = want_object(o, p, line_keys, err)) != HP_OK)
		return ret;
	if (has_machine == has_eff)
		return hp_error_set(err, HP_EINVAL, p,
				    "must have one of machine and efficiency_j_per_th, got %s",
				    has_machine ? "both" : "neither");
	if (has_eh == has_share)
		return hp_error_set(err, HP_EINVAL, p, "must have one of eh and share_pct, got %s",
				    has_eh ? "both" : "neither");
	if (has_machine) {
		v = member(o, p, "machine", REQUIRED, f, &ret, err);
		if ((ret = want_machine(v, f, &s->catalog, &m, err)) != HP_OK)
			return ret;
		l->efficiency_j_per_th = m->efficiency_j_per_th;
	} else if ((ret = get_real(o, p, "efficiency_j_per_th", REQUIRED, OPEN_CLOSED(0, 10000),
				   &l->efficiency_j_per_th, err)) != HP_OK) {
		return ret;
	}
	*by_share = has_share;
	if (has_eh)
		return get_real(o, p, "eh", REQUIRED, OPEN_CLOSED(0, 1e6), &l->eh, err);
	return get_real(o, p, "share_pct", REQUIRED, OPEN_CLOSED(0, 100), &l->eh, err);
}

static enum hp_status parse_cohort_pivot(const json_t *o, const char *p,
					 const struct hp_scenario *s, struct hp_cohort_pivot *cp,
					 struct hp_error *err)
{
	char f[FIELD_LEN];
	enum hp_status ret;
	json_t *v;
	int64_t t;
	bool has = false;

	if ((ret = want_object(o, p, cpivot_keys, err)) != HP_OK ||
	    (ret = get_real(o, p, "mw", REQUIRED, OPEN_CLOSED(0, 1e6), &cp->mw, err)) != HP_OK)
		return ret;
	cp->displaced_mw = cp->mw;
	if ((ret = get_real(o, p, "displaced_mw", OPTIONAL, CLOSED(0, 1e6), &cp->displaced_mw,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "capex_usd_per_mw", REQUIRED, CLOSED(0, 1e11),
			    &cp->capex_usd_per_mw, err)) != HP_OK ||
	    (ret = get_int(o, p, "build_months", REQUIRED, 0, 120, &cp->build_months, err)) !=
		    HP_OK ||
	    (ret = get_real(o, p, "revenue_usd_per_mw_year", REQUIRED, CLOSED(0, 1e10),
			    &cp->revenue_usd_per_mw_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "opex_usd_per_mw_year", OPTIONAL, CLOSED(0, 1e10),
			    &cp->opex_usd_per_mw_year, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "trigger", REQUIRED, f, &ret, err)))
		return ret;
	if (!json_is_object(v))
		return type_error(v, f, "an object", err);
	cp->has = true;
	if (json_object_get(v, "date")) {
		cp->trigger = HP_TRIGGER_DATE;
		if ((ret = check_keys(v, f, date_trigger_keys, err)) != HP_OK ||
		    (ret = get_time(v, f, "date", &has, &t, err)) != HP_OK)
			return ret;
		cp->day = day_of(s, t);
		return HP_OK;
	}
	cp->trigger = HP_TRIGGER_HASHPRICE;
	cp->trailing_days = 30;
	cp->day = 0;
	if ((ret = check_keys(v, f, hp_trigger_keys, err)) != HP_OK ||
	    (ret = get_real(v, f, "hashprice_below_usd_per_ph_day", REQUIRED, CLOSED(0, 1e9),
			    &cp->below_usd_per_ph_day, err)) != HP_OK ||
	    (ret = get_int(v, f, "trailing_days", OPTIONAL, 1, 3650, &cp->trailing_days, err)) !=
		    HP_OK ||
	    (ret = get_time(v, f, "not_before", &has, &t, err)) != HP_OK)
		return ret;
	if (has)
		cp->day = day_of(s, t);
	return HP_OK;
}

static enum hp_status parse_cohort(const json_t *o, const char *p, struct hp_scenario *s,
				   struct hp_cohort *c, struct hp_error *err)
{
	char f[FIELD_LEN], fl[FIELD_LEN], a[32];
	const char *name;
	enum hp_status ret;
	json_t *v, *w;
	size_t n, j, nshare = 0;
	double total = 0, share_sum = 0;

	c->pue = 1;
	treasury_defaults(&c->treasury);
	if ((ret = want_object(o, p, cohort_keys, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "name", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_string(v, f, 1, HP_COHORT_NAME_MAX, &name, err)) != HP_OK)
		return ret;
	memcpy(c->name, name, strlen(name) + 1);
	if ((ret = get_bool(o, p, "listed", &c->listed, err)) != HP_OK)
		return ret;
	if (!(v = member(o, p, "fleet", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_array(v, f, COHORT_LINES_MAX, "line", "lines", &n, err)) != HP_OK)
		return ret;
	if (!(c->lines = hp_calloc(n, sizeof(*c->lines))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	c->nlines = n;
	for (j = 0; j < n; j++) {
		bool by_share;

		path_index(fl, p, "fleet", j);
		if ((ret = parse_line(json_array_get(v, j), fl, s, &c->lines[j], &by_share, err)) !=
		    HP_OK)
			return ret;
		nshare += by_share;
		if (by_share)
			share_sum += c->lines[j].eh;
	}
	if (nshare && nshare != n)
		return hp_error_set(err, HP_EINVAL, f,
				    "must give every line as eh or every line as share_pct, got both");
	if (nshare) {
		if ((ret = get_real(o, p, "eh", REQUIRED, OPEN_CLOSED(0, 1e6), &total, err)) != HP_OK)
			return ret;
		if (fabs(share_sum - 100) > SHARE_SUM_TOLERANCE) {
			format_real(share_sum, a);
			return hp_error_set(err, HP_EINVAL, f, "shares must sum to 100, got %s", a);
		}
		for (j = 0; j < n; j++)
			c->lines[j].eh = total * c->lines[j].eh / 100;
	} else if (json_object_get(o, "eh")) {
		path_key(fl, p, "eh");
		return hp_error_set(err, HP_EINVAL, fl,
				    "only with fleet lines given as share_pct (the lines give eh)");
	}
	if (!(v = member(o, p, "power_usd_per_kwh", REQUIRED, f, &ret, err)))
		return ret;
	if (json_is_object(v)) {
		if ((ret = check_keys(v, f, power_keys, err)) != HP_OK ||
		    (ret = get_real(v, f, "low", REQUIRED, CLOSED(0, 10), &c->power_low_usd_per_kwh,
				    err)) != HP_OK ||
		    (ret = get_real(v, f, "high", REQUIRED, CLOSED(0, 10), &c->power_high_usd_per_kwh,
				    err)) != HP_OK)
			return ret;
		if (!(c->power_high_usd_per_kwh > c->power_low_usd_per_kwh)) {
			path_key(fl, f, "high");
			format_real(c->power_low_usd_per_kwh, a);
			return hp_error_set(err, HP_EINVAL, fl, "must be > low (%s), got %s", a,
					    describe(json_object_get(v, "high"), (char[GOT_LEN]){ 0 }));
		}
	} else {
		if ((ret = want_real(v, f, CLOSED(0, 10), &c->power_low_usd_per_kwh, err)) != HP_OK)
			return ret;
		c->power_high_usd_per_kwh = c->power_low_usd_per_kwh;
	}
	if ((ret = get_real(o, p, "take_or_pay_pct", OPTIONAL, CLOSED(0, 100), &c->take_or_pay_pct,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "pue", OPTIONAL, CLOSED(1, 3), &c->pue, err)) != HP_OK ||
	    (ret = get_real(o, p, "pool_fee_pct", OPTIONAL, CLOSED_OPEN(0, 100), &c->pool_fee_pct,
			    err)) != HP_OK ||
	    (ret = get_real(o, p, "opex_usd_per_year", OPTIONAL, CLOSED(0, 1e13),
			    &c->opex_usd_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "debt_usd", OPTIONAL, CLOSED(0, 1e13), &c->debt_usd, err)) !=
		    HP_OK ||
	    (ret = get_real(o, p, "interest_pct_per_year", OPTIONAL, CLOSED(0, 100),
			    &c->interest_pct_per_year, err)) != HP_OK ||
	    (ret = get_real(o, p, "credit_line_usd", OPTIONAL, CLOSED(0, 1e13),
			    &c->credit_line_usd, err)) != HP_OK ||
	    (ret = get_real(o, p, "renewable_pct", OPTIONAL, CLOSED(0, 100), &c->renewable_pct,
			    err)) != HP_OK)
		return ret;
	if ((w = member(o, p, "treasury", OPTIONAL, f, &ret, err)) != NULL &&
	    (ret = parse_treasury(w, f, &c->treasury, err)) != HP_OK)
		return ret;
	if ((w = member(o, p, "pivot", OPTIONAL, f, &ret, err)) != NULL &&
	    (ret = parse_cohort_pivot(w, f, s, &c->pivot, err)) != HP_OK)
		return ret;
	return HP_OK;
}

static enum hp_status parse_industry(const json_t *o, struct hp_scenario *s,
				     struct hp_error *err)
{
	const char *p = "industry", *str;
	struct hp_industry *ind = &s->industry;
	struct hp_deployment *dp = &ind->deployment;
	struct hp_attack *at = &ind->attack;
	char f[FIELD_LEN], fl[FIELD_LEN], got[GOT_LEN];
	double half_life_h = 48;
	enum hp_status ret;
	json_t *v, *name;
	size_t n, i;
	bool has = false;

	ind->resale_pct = 50;
	at->duration_hours = 24;
	at->power_usd_per_kwh = 0.05;
	ind->daa.rule = HP_DAA_BITCOIN;
	ind->daa.spacing_s = 600;
	if ((ret = want_object(o, p, industry_keys, err)) != HP_OK)
		return ret;
	if (!s->has_as_of)
		return hp_error_set(err, HP_EINVAL, "as_of",
				    "missing (the simulation starts on that day)");
	if (!(v = member(o, p, "cohorts", REQUIRED, f, &ret, err)))
		return ret;
	if ((ret = want_array(v, f, HP_COHORTS_MAX, "cohort", "cohorts", &n, err)) != HP_OK)
		return ret;
	if (!(ind->cohorts = hp_calloc(n, sizeof(*ind->cohorts))))
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
	ind->ncohorts = n;
	for (i = 0; i < n; i++) {
		path_index(fl, p, "cohorts", i);
		if ((ret = parse_cohort(json_array_get(v, i), fl, s, &ind->cohorts[i], err)) != HP_OK)
			return ret;
	}
	ind->epoch_start_time = s->as_of - (s->network.height % 2016) * 600;
	if ((ret = get_time(o, p, "epoch_start_time", &has, &ind->epoch_start_time, err)) != HP_OK)
		return ret;
	if ((v = member(o, p, "deployment", OPTIONAL, f, &ret, err)) != NULL) {
		dp->has = true;
		dp->usd_per_th_elasticity = 1;
		dp->hurdle_pct_per_year = 20;
		dp->max_eh_per_day = INFINITY;
		dp->lag_days = 90;
		dp->trailing_days = 30;
		if ((ret = want_object(v, f, deployment_keys, err)) != HP_OK)
			return ret;
		if (!(name = member(v, f, "cohort", REQUIRED, fl, &ret, err)))
			return ret;
		if ((ret = want_string(name, fl, 1, SIZE_MAX, &str, err)) != HP_OK)
			return ret;
		for (i = 0; i < n && strcmp(ind->cohorts[i].name, str) != 0; i++)
			;
		if (i == n)
			return hp_error_set(err, HP_EINVAL, fl, "must name a cohort, got %s",
					    describe(name, got));
		dp->cohort = i;
		if ((ret = get_real(v, f, "usd_per_th", REQUIRED, OPEN_CLOSED(0, 1e6), &dp->usd_per_th,
				    err)) != HP_OK ||
		    (ret = get_real(v, f, "usd_per_th_elasticity", OPTIONAL, CLOSED(-10, 10),
				    &dp->usd_per_th_elasticity, err)) != HP_OK ||
		    (ret = get_real(v, f, "power_usd_per_kwh", REQUIRED, CLOSED(0, 10),
				    &dp->power_usd_per_kwh, err)) != HP_OK ||
		    (ret = get_real(v, f, "hurdle_pct_per_year", OPTIONAL, CLOSED(-100, 1000),
				    &dp->hurdle_pct_per_year, err)) != HP_OK ||
		    (ret = get_real(v, f, "eh_per_day_per_pct", REQUIRED, CLOSED(0, 1000),
				    &dp->eh_per_day_per_pct, err)) != HP_OK ||
		    (ret = get_real(v, f, "max_eh_per_day", OPTIONAL, CLOSED(0, 1e6),
				    &dp->max_eh_per_day, err)) != HP_OK ||
		    (ret = get_int(v, f, "lag_days", OPTIONAL, 0, 3650, &dp->lag_days, err)) != HP_OK ||
		    (ret = get_int(v, f, "trailing_days", OPTIONAL, 1, 3650, &dp->trailing_days,
				   err)) != HP_OK)
			return ret;
	}
	if ((v = member(o, p, "bankruptcy", OPTIONAL, f, &ret, err)) != NULL &&
	    ((ret = want_object(v, f, bankruptcy_keys, err)) != HP_OK ||
	     (ret = get_real(v, f, "resale_pct", OPTIONAL, CLOSED(0, 100), &ind->resale_pct, err)) !=
		     HP_OK))
		return ret;
	if ((ret = get_real(o, p, "price_impact_pct_per_kbtc", OPTIONAL, CLOSED(0, 100),
			    &ind->price_impact_pct_per_kbtc, err)) != HP_OK)
		return ret;
	if ((v = member(o, p, "attack", OPTIONAL, f, &ret, err)) != NULL &&
	    ((ret = want_object(v, f, attack_keys, err)) != HP_OK ||
	     (ret = get_real(v, f, "duration_hours", OPTIONAL, OPEN_CLOSED(0, 1e5),
			     &at->duration_hours, err)) != HP_OK ||
	     (ret = get_real(v, f, "efficiency_j_per_th", OPTIONAL, OPEN_CLOSED(0, 1e4),
			     &at->efficiency_j_per_th, err)) != HP_OK ||
	     (ret = get_real(v, f, "usd_per_th", OPTIONAL, OPEN_CLOSED(0, 1e6), &at->usd_per_th,
			     err)) != HP_OK ||
	     (ret = get_real(v, f, "power_usd_per_kwh", OPTIONAL, CLOSED(0, 10),
			     &at->power_usd_per_kwh, err)) != HP_OK ||
	     (ret = get_real(v, f, "rental_usd_per_ph_day", OPTIONAL, CLOSED(0, 1e9),
			     &at->rental_usd_per_ph_day, err)) != HP_OK))
		return ret;
	if ((v = member(o, p, "difficulty_rule", OPTIONAL, f, &ret, err)) != NULL) {
		if ((ret = want_string(v, f, 1, 32, &str, err)) != HP_OK ||
		    (ret = hp_daa_rule_parse(str, f, &ind->daa.rule, err)) != HP_OK)
			return ret;
	}
	if ((ret = get_real(o, p, "asert_half_life_hours", OPTIONAL, CLOSED(1, 1e5), &half_life_h,
			    err)) != HP_OK ||
	    (ret = get_bool(o, p, "block_level", &ind->block_level, err)) != HP_OK)
		return ret;
	ind->daa.half_life_s = (int64_t)(half_life_h * 3600 + 0.5);
	return HP_OK;
}

/* The simulator's start from the other sections, then its own checks. */
static enum hp_status finish_industry(struct hp_scenario *s, int64_t ndays, struct hp_error *err)
{
	struct hp_industry *ind = &s->industry;
	struct hp_scenario_market *mk = &s->market;
	enum hp_status ret;

	ind->start_time = s->as_of;
	ind->ndays = ndays;
	ind->height = s->network.height;
	if (s->network.has_bits)
		ind->bits = s->network.bits;
	else if ((ret = hp_consensus_bits_from_difficulty(s->network.difficulty, &ind->bits,
							  "network.difficulty", err)) != HP_OK)
		return ret;
	ind->price = &mk->price;
	ind->fees.btc_per_block = s->network.fees_btc_per_block;
	ind->fees.growth_pct_per_year = mk->network.fees_growth_pct_per_year;
	ind->fees.volatility_pct = mk->fees_volatility_pct;
	ind->fees.half_life_days = mk->fees_half_life_days;
	return hp_industry_check(ind, err);
}

/* ------------------------------------------------------------------ */
/* the public interface                                                 */
/* ------------------------------------------------------------------ */

enum hp_status hp_scenario_parse(const char *text, size_t len, const char *base_dir,
				 const struct hp_catalog *shipped, struct hp_scenario *out,
				 struct hp_error *err)
{
	const struct hp_scenario_options opt = { .base_dir = base_dir };

	return parse_named(text, len, "scenario", &opt, shipped, out, err);
}

enum hp_status hp_scenario_parse_opts(const char *text, size_t len,
				      const struct hp_scenario_options *opt,
				      const struct hp_catalog *shipped, struct hp_scenario *out,
				      struct hp_error *err)
{
	return parse_named(text, len, "scenario", opt, shipped, out, err);
}

enum hp_status hp_scenario_load(const char *path, const struct hp_catalog *shipped,
				struct hp_scenario *out, struct hp_error *err)
{
	const char *slash = strrchr(path, '/');
	char *buf = NULL, *dir = NULL;
	size_t len = 0, cap = 0, got;
	enum hp_status ret;
	FILE *fp;

	memset(out, 0, sizeof(*out));
	if (!(fp = fopen(path, "rb"))) {
		ret = hp_error_set(err, HP_EIO, path, "cannot open: %s", strerror(errno));
		goto err0;
	}
	/* Read up to one byte past the cap, in a buffer that doubles. */
	do {
		if (len == cap) {
			char *nb;
			cap = cap ? 2 * cap : 65536;
			if (cap > SCENARIO_BYTES_MAX + 1)
				cap = SCENARIO_BYTES_MAX + 1;
			if (!(nb = hp_realloc(buf, cap))) {
				ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
				goto err1;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0 && len <= SCENARIO_BYTES_MAX);
	if (ferror(fp)) {
		ret = hp_error_set(err, HP_EIO, path, "cannot read: %s", strerror(errno));
		goto err1;
	}
	if (len > SCENARIO_BYTES_MAX) {
		ret = hp_error_set(err, HP_EINVAL, path, "larger than 16 MiB");
		goto err1;
	}
	if (slash) {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		if (!(dir = hp_malloc(n + 1))) {
			ret = hp_error_set(err, HP_ENOMEM, NULL, "out of memory");
			goto err1;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	{
		const struct hp_scenario_options opt = { .base_dir = dir };
		ret = parse_named(buf, len, path, &opt, shipped, out, err);
	}
	hp_free(dir);
err1:
	hp_free(buf);
	fclose(fp);
err0:
	return ret;
}

void hp_scenario_release(struct hp_scenario *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nsites; i++) {
		struct hp_site *site = &s->sites[i];
		hp_power_series_release(&site->prices);
		hp_free(site->power_price_file);
		hp_free(site->fleet);
	}
	hp_free(s->sites);
	hp_catalog_release(&s->catalog);
	for (i = 0; i < s->pivot.nstrategies; i++)
		hp_free(s->pivot.strategies[i].conv);
	hp_free(s->pivot.strategies);
	hp_free(s->market.history_file);
	hp_free(s->market.price_file);
	hp_free(s->market.difficulty_file);
	hp_daily_series_release(&s->market.history);
	hp_daily_series_release(&s->market.price_path);
	hp_daily_series_release(&s->market.difficulty);
	hp_industry_release(&s->industry);
	memset(s, 0, sizeof(*s));
}

enum hp_status hp_scenario_load_history(struct hp_scenario *s, const char *default_path,
					struct hp_error *err)
{
	struct hp_scenario_market *mk = &s->market;
	enum hp_status ret;

	if (mk->price.kind != HP_PRICE_BOOTSTRAP || mk->price.history)
		return HP_OK;
	if ((ret = hp_daily_series_load(default_path, hp_daily_series_price_columns, &mk->history,
					err)) != HP_OK) {
		hp_error_prefix(err, "market.price.history: ");
		return ret;
	}
	return check_price(mk, err);
}
