/*
 * curtail.c - curtailment against hourly power prices (include/hashpivot/powerprice.h).
 *
 * One pass over the series decides each hour and sums its price into the
 * hours run, the hours curtailed and all hours; a minimum uptime, when it
 * binds, then moves the cheapest curtailed hours over. Sums of prices are
 * compensated (Neumaier), so twenty years of hours sum as accurately as a
 * handful; the USD figures are one multiplication away from those sums.
 * Only the minimum-uptime selection allocates, and frees before returning.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/powerprice.h"

/* ------------------------------------------------------------------ */
/* compensated summation                                                */
/* ------------------------------------------------------------------ */

/*
 * Method: Neumaier's variant of Kahan summation: the rounding error of
 * each addition is recovered exactly (Fast2Sum on the larger operand)
 * and accumulated in c, added back once at the end.
 * Accuracy: |result - exact| <= 2u|exact| + O(n u^2) sum|x_i|, u = 2^-53,
 * i.e. full double precision for n up to far beyond 10^6 terms, where a
 * plain loop can lose n u in relative terms.
 * Source: A. Neumaier, ZAMM 54 (1974) 39-51; docs/model.md "Curtailment".
 */
struct ksum {
	double s; /* running sum */
	double c; /* accumulated rounding errors */
};

static void ksum_add(struct ksum *k, double x)
{
	double t = k->s + x;

	if (fabs(k->s) >= fabs(x))
		k->c += (k->s - t) + x;
	else
		k->c += (x - t) + k->s;
	k->s = t;
}

static double ksum_value(const struct ksum *k)
{
	return k->s + k->c;
}

/* The compensated sum over n (docs/model.md "Curtailment", accuracy as ksum). */
double hp_power_series_mean(const struct hp_power_series *s)
{
	struct ksum sum = { 0, 0 };
	size_t i;

	if (!s || s->n == 0)
		return 0;
	for (i = 0; i < s->n; i++)
		ksum_add(&sum, s->usd_per_mwh[i]);
	return ksum_value(&sum) / (double)s->n;
}

/* ------------------------------------------------------------------ */
/* the decision and the minimum uptime                                  */
/* ------------------------------------------------------------------ */

/*
 * Whether an hour at price p runs: what it earns after its power beats
 * the demand-response credit it would earn curtailed (USD in the hour).
 * Strictly greater, so an hour that is a wash curtails.
 */
static bool runs(const struct hp_curtail_input *in, double credit_usd_per_hour, double p)
{
	return in->revenue_usd_per_hour - in->load_mw * p > credit_usd_per_hour;
}

/* ceil(pct / 100 * n - slack), in [0, n]. */
static size_t min_uptime_hours(double pct, size_t n)
{
	double x = pct / 100 * (double)n - HP_CURTAIL_UPTIME_SLACK_HOURS;
	size_t k;

	if (x <= 0)
		return 0;
	k = (size_t)ceil(x);
	return k > n ? n : k;
}

struct hour {
	double usd_per_mwh;
	size_t index;
};

/* Cheapest first; equal prices in time order (qsort is not stable, the key is). */
static int hour_cmp(const void *a, const void *b)
{
	const struct hour *x = a, *y = b;

	if (x->usd_per_mwh != y->usd_per_mwh)
		return x->usd_per_mwh < y->usd_per_mwh ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Run the `add` cheapest of the ncut curtailed hours too: their prices
 * move from *cut (summed again over those left) to *run. Adding back the
 * cheapest first loses least, since an hour's loss from running,
 * load * (p + credit) - revenue, rises with p.
 */
static enum hp_status add_back(const struct hp_power_series *s, const struct hp_curtail_input *in,
			       double credit_usd_per_hour, size_t ncut, size_t add,
			       struct ksum *run, struct ksum *cut, struct hp_error *err)
{
	struct hour *h;
	size_t i, j = 0;

	h = hp_malloc(ncut * sizeof(*h));
	if (!h)
		return hp_error_set(err, HP_ENOMEM, NULL,
				    "out of memory choosing %zu of %zu curtailed hours to run", add,
				    ncut);
	for (i = 0; i < s->n; i++) {
		if (runs(in, credit_usd_per_hour, s->usd_per_mwh[i]))
			continue;
		h[j].usd_per_mwh = s->usd_per_mwh[i];
		h[j].index = i;
		j++;
	}
	qsort(h, ncut, sizeof(*h), hour_cmp);
	*cut = (struct ksum){ 0, 0 };
	for (i = 0; i < ncut; i++)
		ksum_add(i < add ? run : cut, h[i].usd_per_mwh);
	hp_free(h);
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* the public interface                                                 */
/* ------------------------------------------------------------------ */

/*
 * Method: with revenue R (USD per running hour), load L (MW), credit c
 * (USD/MWh) and price p_h, hour h runs iff R - L p_h > L c (ties
 * curtail). If fewer than k = ceil(U/100 n - 1e-9) hours run, the
 * cheapest curtailed hours (ties by time) run too until k do. Then, over
 * the set run and its complement cut:
 *   revenue = |run| R,  power cost = L sum_run p,  credit = |cut| L c,
 *   profit = revenue - power cost + credit,
 *   revenue lost = |cut| R,  power saved = L sum_cut p,
 *   flat profit = n R - L sum_all p,
 *   gain = power saved + credit - revenue lost (= profit - flat profit,
 *   computed without the cancellation of two large profits).
 * Special cases: an empty series or a non-finite price is rejected; no
 * hour run gives an average price paid of 0.
 * Accuracy: each sum of prices is compensated (see ksum above), so every
 * USD figure is within a few ulps of the exact value for the doubles
 * given when the prices share a sign, and within ~2u L sum|p| otherwise.
 * Source: docs/model.md "Curtailment".
 */
enum hp_status hp_curtail(const struct hp_power_series *s, const struct hp_curtail_input *in,
			  struct hp_curtail_result *out, struct hp_error *err)
{
	struct hp_curtail_result r;
	struct ksum all = { 0, 0 }, run = { 0, 0 }, cut = { 0, 0 };
	double credit_usd_per_hour;
	size_t i, nrun = 0, need;
	enum hp_status ret;

	if (!isfinite(in->revenue_usd_per_hour) || in->revenue_usd_per_hour < 0)
		return hp_error_set(err, HP_EINVAL, "revenue_usd_per_hour",
				    "must be a finite number >= 0, got %g", in->revenue_usd_per_hour);
	if (!isfinite(in->load_mw) || in->load_mw <= 0)
		return hp_error_set(err, HP_EINVAL, "load_mw", "must be a finite number > 0, got %g",
				    in->load_mw);
	if (!isfinite(in->dr_credit_usd_per_mwh) || in->dr_credit_usd_per_mwh < 0)
		return hp_error_set(err, HP_EINVAL, "dr_credit_usd_per_mwh",
				    "must be a finite number >= 0, got %g",
				    in->dr_credit_usd_per_mwh);
	if (!(in->min_uptime_pct >= 0 && in->min_uptime_pct <= 100))
		return hp_error_set(err, HP_EINVAL, "min_uptime_pct",
				    "must be between 0 and 100, got %g", in->min_uptime_pct);
	if (!s || s->n == 0)
		return hp_error_set(err, HP_EINVAL, "prices", "must hold at least one hour, got 0");

	credit_usd_per_hour = in->load_mw * in->dr_credit_usd_per_mwh;
	for (i = 0; i < s->n; i++) {
		double p = s->usd_per_mwh[i];
		char field[32];

		if (!isfinite(p)) {
			snprintf(field, sizeof(field), "prices[%zu]", i);
			return hp_error_set(err, HP_EINVAL, field, "must be finite, got %g", p);
		}
		ksum_add(&all, p);
		if (runs(in, credit_usd_per_hour, p)) {
			ksum_add(&run, p);
			nrun++;
		} else {
			ksum_add(&cut, p);
		}
	}
	need = min_uptime_hours(in->min_uptime_pct, s->n);
	if (nrun < need) {
		ret = add_back(s, in, credit_usd_per_hour, s->n - nrun, need - nrun, &run, &cut,
			       err);
		if (ret != HP_OK)
			return ret;
		nrun = need;
	}

	memset(&r, 0, sizeof(r));
	r.hours = s->n;
	r.hours_run = nrun;
	r.uptime_pct = 100.0 * (double)nrun / (double)s->n;
	r.avg_price_paid_usd_per_mwh = nrun ? ksum_value(&run) / (double)nrun : 0;
	r.revenue_usd = (double)nrun * in->revenue_usd_per_hour;
	r.power_cost_usd = in->load_mw * ksum_value(&run);
	r.dr_credit_usd = (double)(s->n - nrun) * credit_usd_per_hour;
	r.profit_usd = r.revenue_usd - r.power_cost_usd + r.dr_credit_usd;
	r.revenue_lost_usd = (double)(s->n - nrun) * in->revenue_usd_per_hour;
	r.power_saved_usd = in->load_mw * ksum_value(&cut);
	r.flat_profit_usd = (double)s->n * in->revenue_usd_per_hour - in->load_mw * ksum_value(&all);
	r.gain_usd = r.power_saved_usd + r.dr_credit_usd - r.revenue_lost_usd;
	*out = r;
	return HP_OK;
}
