/*
 * calendar.c - day counts and dates (include/hashpivot/calendar.h).
 */
#include "hashpivot/calendar.h"

#include <inttypes.h>
#include <stdio.h>

/*
 * Method: Hinnant's days_from_civil: shift the year to start on March 1 so
 * the leap day is last, count 400-year eras of 146097 days, then the day
 * of the era from the year of the era and the day of the year
 * (153 m' + 2) / 5 for the March-based month m'.
 * Accuracy: exact integer arithmetic.
 */
int64_t hp_calendar_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Method: the inverse, Hinnant's civil_from_days. Accuracy: exact. */
void hp_calendar_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

const char *hp_calendar_day_text(int64_t days, char buf[24])
{
	int64_t y;
	unsigned m, d;

	hp_calendar_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		snprintf(buf, 24, "day %" PRId64, days);
	else
		snprintf(buf, 24, "%04d-%02u-%02u", (int)y, m, d);
	return buf;
}
