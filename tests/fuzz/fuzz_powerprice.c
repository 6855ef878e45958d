/*
 * fuzz_powerprice.c - the hourly power price CSV (hp_power_series_load:
 * timestamp in Unix seconds or ISO 8601, usd_per_mwh), then its consumers:
 * the mean and curtailment (hp_curtail) with and without a minimum uptime.
 *
 * The input is written to a private temporary file. Asserted: a failure
 * carries its status and a non-empty one-line message and leaves the
 * series empty; a loaded series has at most HP_POWER_SERIES_MAX_HOURS
 * hours, one hour apart, with finite prices; its mean is finite; each
 * curtailment succeeds with finite figures, runs at most every hour, meets
 * the minimum uptime asked for, and without one gains >= 0 over running
 * flat; nothing leaks.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "tmpfile.h"
#include "hashpivot/powerprice.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmp_init();
	return 0;
}

static void curtail(const struct hp_power_series *s, double revenue, double load_mw,
		    double credit, double min_uptime)
{
	struct hp_curtail_input in = { revenue, load_mw, credit, min_uptime };
	struct hp_curtail_result r;
	struct hp_error err = {0};
	enum hp_status ret = hp_curtail(s, &in, &r, &err);

	if (ret != HP_OK) {
		FUZZ_ASSERT(err.status == ret && err.message[0]);
		return;
	}
	FUZZ_ASSERT(r.hours == s->n && r.hours_run <= r.hours);
	FUZZ_ASSERT(isfinite(r.uptime_pct) && r.uptime_pct >= 0 && r.uptime_pct <= 100);
	FUZZ_ASSERT(r.uptime_pct >= min_uptime - 1e-9);
	FUZZ_ASSERT(isfinite(r.avg_price_paid_usd_per_mwh) && isfinite(r.revenue_usd));
	FUZZ_ASSERT(isfinite(r.power_cost_usd) && isfinite(r.dr_credit_usd));
	FUZZ_ASSERT(isfinite(r.profit_usd) && isfinite(r.flat_profit_usd));
	FUZZ_ASSERT(isfinite(r.revenue_lost_usd) && isfinite(r.power_saved_usd));
	FUZZ_ASSERT(isfinite(r.gain_usd));
	if (min_uptime == 0)
		FUZZ_ASSERT(r.gain_usd >= -1e-9 * (fabs(r.profit_usd) + fabs(r.flat_profit_usd)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_tmp_write("power.csv", data, size);
	struct hp_power_series s;
	struct hp_error err = {0};
	enum hp_status ret;
	size_t i;

	memset(&s, 0, sizeof(s));
	ret = hp_power_series_load(path, &s, &err);
	if (ret != HP_OK) {
		FUZZ_ASSERT(err.status == ret);
		FUZZ_ASSERT(err.message[0] != '\0');
		FUZZ_ASSERT(!strchr(err.message, '\n'));
		FUZZ_ASSERT(s.n == 0 && s.time == NULL && s.usd_per_mwh == NULL);
		return 0;
	}
	FUZZ_ASSERT(s.n <= HP_POWER_SERIES_MAX_HOURS);
	for (i = 0; i < s.n; i++) {
		FUZZ_ASSERT(isfinite(s.usd_per_mwh[i]));
		if (i)
			FUZZ_ASSERT(s.time[i] - s.time[i - 1] == 3600);
	}
	FUZZ_ASSERT(isfinite(hp_power_series_mean(&s)));
	if (s.n) {
		/* an S21-sized load earning $0.60 an hour; a 10 MW group */
		curtail(&s, 0.6, 0.0035, 0, 0);
		curtail(&s, 1500, 10, 25, 0);
		curtail(&s, 1500, 10, 0, 85.5);
	}
	hp_power_series_release(&s);
	return 0;
}
