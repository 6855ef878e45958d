/*
 * calendar.h - days since 1970-01-01 and proleptic Gregorian dates, the one
 * place the library converts between them (the core's price paths, network
 * path and month calendar, and the io layer's time parsing all use it).
 *
 * Method: H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (howardhinnant.github.io/date_algorithms.html): 400-year eras starting
 * on March 1. Exact for any date whose day count fits in an int64_t with
 * room for the era arithmetic (|days| < 2^62). Pure; nothing fails.
 */
#ifndef HASHPIVOT_CALENDAR_H
#define HASHPIVOT_CALENDAR_H

#include <stdint.h>
#include "common.h"

/* Days since 1970-01-01 of year y, month m (1..12), day d (1..31); no validation. */
HP_API int64_t hp_calendar_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The date of a day count. */
HP_API void hp_calendar_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* "YYYY-MM-DD" (years 0..9999; otherwise "day N"), NUL-terminated in buf; returns buf. */
HP_API const char *hp_calendar_day_text(int64_t days, char buf[24]);

#endif
