/*
 * parse.h - strict text-to-number conversions for every input hashpivot
 * reads (command-line options, CSV cells, scenario values).
 *
 * Each function takes the whole string: leading or trailing junk, an empty
 * string, NaN, infinity or a value outside [min, max] is an error naming
 * `field` and quoting the text, e.g. "--height: must be >= 0, got '-1'".
 * Malformed text is HP_EPARSE; well-formed but out of range is HP_ERANGE.
 * On failure *out is untouched.
 */
#ifndef HASHPIVOT_PARSE_H
#define HASHPIVOT_PARSE_H

#include <stdint.h>
#include "common.h"
#include "error.h"

/* A decimal integer (optional sign) in [min, max]. */
HP_API enum hp_status hp_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out,
				     const char *field, struct hp_error *err);
/* A finite decimal number ("1e6", "0.05") in [min, max]. */
HP_API enum hp_status hp_parse_double(const char *s, double min, double max, double *out,
				      const char *field, struct hp_error *err);
/* A 32-bit word in 1 to 8 hex digits, optional "0x" ("1d00ffff"). */
HP_API enum hp_status hp_parse_hex32(const char *s, uint32_t *out, const char *field,
				     struct hp_error *err);

/*
 * A time as Unix seconds ("1231006505") or as UTC ISO 8601
 * ("2009-01-03T18:15:05Z", "2009-01-03 18:15:05", "2009-01-03"), years
 * 1970 to 9999. Out of [min, max] is HP_ERANGE.
 */
HP_API enum hp_status hp_parse_time(const char *s, int64_t min, int64_t max, int64_t *out,
				    const char *field, struct hp_error *err);
/* "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL) for Unix seconds in years 1970..9999. */
HP_API char *hp_format_time(int64_t t, char buf[32]);
/* Days since 1970-01-01 of a proleptic Gregorian date (no validation). */
HP_API int64_t hp_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
