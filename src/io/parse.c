/*
 * parse.c - strict conversions from text, with errors that name the field.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "hashpivot/hex.h"
#include "hashpivot/parse.h"

#include "hashpivot/calendar.h"

#define QUOTE_MAX 60

/* Quote at most QUOTE_MAX bytes of s, marking a cut. */
static const char *ellipsis(const char *s)
{
	return strlen(s) > QUOTE_MAX ? "..." : "";
}

enum hp_status hp_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out,
			      const char *field, struct hp_error *err)
{
	char *end;
	long long v;

	if (!*s || isspace((unsigned char)*s))
		return hp_error_set(err, HP_EPARSE, field, "not an integer, got '%.*s%s'",
				    QUOTE_MAX, s, ellipsis(s));
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return hp_error_set(err, HP_EPARSE, field, "not an integer, got '%.*s%s'",
				    QUOTE_MAX, s, ellipsis(s));
	/* past int64 strtoll clamps to LLONG_MIN or LLONG_MAX: the bound passed */
	if (v < min || (errno == ERANGE && v < 0))
		return hp_error_set(err, HP_ERANGE, field, "must be >= %" PRId64 ", got '%.*s%s'",
				    min, QUOTE_MAX, s, ellipsis(s));
	if (v > max || errno == ERANGE)
		return hp_error_set(err, HP_ERANGE, field, "must be <= %" PRId64 ", got '%.*s%s'",
				    max, QUOTE_MAX, s, ellipsis(s));
	*out = v;
	return HP_OK;
}

enum hp_status hp_parse_double(const char *s, double min, double max, double *out,
			       const char *field, struct hp_error *err)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s))
		return hp_error_set(err, HP_EPARSE, field, "not a number, got '%.*s%s'", QUOTE_MAX,
				    s, ellipsis(s));
	/* strtod accepts "nan", "inf" and hex floats; hashpivot's inputs do not. */
	for (const char *p = s; *p; p++) {
		if (!strchr("0123456789+-.eE", *p))
			return hp_error_set(err, HP_EPARSE, field, "not a number, got '%.*s%s'",
					    QUOTE_MAX, s, ellipsis(s));
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s)
		return hp_error_set(err, HP_EPARSE, field, "not a number, got '%.*s%s'", QUOTE_MAX,
				    s, ellipsis(s));
	if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1))
		return hp_error_set(err, HP_ERANGE, field, "too large, got '%.*s%s'", QUOTE_MAX, s,
				    ellipsis(s));
	if (v < min)
		return hp_error_set(err, HP_ERANGE, field, "must be >= %.15g, got '%.*s%s'", min,
				    QUOTE_MAX, s, ellipsis(s));
	if (v > max)
		return hp_error_set(err, HP_ERANGE, field, "must be <= %.15g, got '%.*s%s'", max,
				    QUOTE_MAX, s, ellipsis(s));
	*out = v == 0 ? 0 : v; /* "-0" is zero, never a -0 that prints as "-0.0" */
	return HP_OK;
}

enum hp_status hp_parse_hex32(const char *s, uint32_t *out, const char *field,
			      struct hp_error *err)
{
	const char *p = s;
	uint32_t v = 0;
	size_t n;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	n = strlen(p);
	if (n == 0 || n > 8 || strspn(p, "0123456789abcdefABCDEF") != n)
		return hp_error_set(err, HP_EPARSE, field,
				    "not a hex number of 1 to 8 digits, got '%.*s%s'", QUOTE_MAX, s,
				    ellipsis(s));
	for (; *p; p++)
		v = v << 4 | (uint32_t)hp_hex_digit((unsigned char)*p);
	*out = v;
	return HP_OK;
}

/*
 * Method: days_from_civil - shift the year to start in March so the leap
 * day is last, then count 400-year eras (146097 days), years of the era
 * and days of the year. Accuracy: exact for the proleptic Gregorian
 * calendar. Source: H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms"; docs/model.md "Time".
 */
int64_t hp_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	return hp_calendar_days_from_civil(y, m, d);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

enum hp_status hp_parse_time(const char *s, int64_t min, int64_t max, int64_t *out,
			     const char *field, struct hp_error *err)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = strlen(s);
	int64_t t;

	if (n > 0 && strspn(s, "0123456789") == n)
		return hp_parse_int64(s, min, max, out, field, err);
	if (n > 0 && s[0] == '-' && strspn(s + 1, "0123456789") == n - 1)
		return hp_parse_int64(s, min, max, out, field, err);
	if (!(n >= 10 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &mo) &&
	      s[7] == '-' && digits(s + 8, 2, &d)))
		goto bad;
	if (n > 10) {
		if (!((s[10] == 'T' || s[10] == ' ') && n >= 19 && digits(s + 11, 2, &h) &&
		      s[13] == ':' && digits(s + 14, 2, &mi) && s[16] == ':' &&
		      digits(s + 17, 2, &se)))
			goto bad;
		if (!(n == 19 || (n == 20 && s[19] == 'Z')))
			goto bad;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    (unsigned)d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || se > 59)
		return hp_error_set(err, HP_ERANGE, field,
				    "not a valid UTC date and time (1970 or later), got '%.*s%s'",
				    QUOTE_MAX, s, ellipsis(s));
	t = hp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
	if (t < min || t > max)
		return hp_error_set(err, HP_ERANGE, field,
				    "must be between %" PRId64 " and %" PRId64
				    " (Unix seconds), got '%.*s%s'",
				    min, max, QUOTE_MAX, s, ellipsis(s));
	*out = t;
	return HP_OK;
bad:
	return hp_error_set(err, HP_EPARSE, field,
			    "not a time (Unix seconds or YYYY-MM-DDTHH:MM:SSZ), got '%.*s%s'",
			    QUOTE_MAX, s, ellipsis(s));
}

/*
 * Method: civil_from_days, the inverse of hp_days_from_civil (same source).
 */
char *hp_format_time(int64_t t, char buf[32])
{
	int64_t days = t / 86400, secs = t % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999; /* outside the documented range: clamp, never overflow */
	if (snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
		     (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60)) >= 32)
		buf[31] = '\0';
	return buf;
}
