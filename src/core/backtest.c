/*
 * backtest.c - a scenario's fleet and treasury through real history.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/backtest.h"
#include "hashpivot/calendar.h"
#include "hashpivot/consensus.h"
#include "hashpivot/rng.h"

#define DAYS_PER_YEAR 365.2425
#define SECONDS_PER_DAY 86400.0
#define HASHES_PER_PH 1e15
/* difficulty 1's target is 0xffff x 2^208: a difficulty of D is 2^256 / (D x 0xffff x 2^208)
 * hashes a block, so hashes h per block are a difficulty of h x 0xffff / 2^48 */
#define DIFF1_PER_HASH (65535.0 / 281474976710656.0)

/*
 * Method: blocks of one epoch share its bits, so the work is the sum over
 * the epochs the range touches of (blocks in it) x GetBlockProof(bits),
 * in 256-bit integers; the subsidy likewise per block, in satoshis.
 * Accuracy: the work is exact until its one rounding to double.
 */
enum hp_status hp_backtest_blocks(const uint32_t *epoch_bits, size_t nepochs, int64_t first,
				  int64_t count, double *work, double *subsidy_btc,
				  const char *field, struct hp_error *err)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_u256 w = hp_u256_from_u64(0);
	int64_t sats = 0, h = first, end = first + count;

	if (count < 0 || first < 0)
		return hp_error_set(err, HP_EINVAL, field, "must cover heights >= 0, got %lld + %lld",
				    (long long)first, (long long)count);
	if (count > 0 && (uint64_t)((end - 1) / HP_RETARGET_INTERVAL) >= nepochs)
		return hp_error_set(err, HP_EINVAL, field,
				    "height %lld is beyond the known epochs (last %lld)",
				    (long long)(end - 1),
				    (long long)((int64_t)nepochs * HP_RETARGET_INTERVAL - 1));
	while (h < end) {
		int64_t k = h / HP_RETARGET_INTERVAL;
		int64_t stop = (k + 1) * HP_RETARGET_INTERVAL;
		uint64_t nb;

		if (stop > end)
			stop = end;
		nb = (uint64_t)(stop - h);
		w = hp_u256_add(w, hp_u256_mul_u64(hp_consensus_block_work(epoch_bits[k]), nb, NULL),
				NULL);
		for (; h < stop; h++)
			sats += hp_consensus_subsidy_sats(p, h);
	}
	*work = hp_u256_to_double(w);
	*subsidy_btc = (double)sats / 1e8;
	return HP_OK;
}

static enum hp_status check_day(const struct hp_backtest_day *d, const struct hp_backtest_day *prev,
				struct hp_error *err)
{
	char date[24];

	hp_calendar_day_text(d->day, date);
	if (prev && d->day != prev->day + 1)
		return hp_error_set(err, HP_EINVAL, date, "follows %s: days must be consecutive",
				    hp_calendar_day_text(prev->day, (char[24]){0}));
	if (d->blocks < 1)
		return hp_error_set(err, HP_EINVAL, date, "blocks: must be >= 1, got %lld",
				    (long long)d->blocks);
	if (!(d->work > 0) || !isfinite(d->work))
		return hp_error_set(err, HP_EINVAL, date, "work: must be > 0, got %g", d->work);
	if (!(d->subsidy_btc >= 0) || !isfinite(d->subsidy_btc))
		return hp_error_set(err, HP_EINVAL, date, "subsidy_btc: must be >= 0, got %g",
				    d->subsidy_btc);
	if (!(d->fees_btc >= 0) || !isfinite(d->fees_btc))
		return hp_error_set(err, HP_EINVAL, date, "fees_btc: must be >= 0, got %g",
				    d->fees_btc);
	if (!(d->price_usd > 0) || !isfinite(d->price_usd))
		return hp_error_set(err, HP_EINVAL, date, "price_usd: must be > 0, got %g",
				    d->price_usd);
	if (d->height < d->blocks - 1)
		return hp_error_set(err, HP_EINVAL, date, "height: must be >= blocks - 1, got %lld",
				    (long long)d->height);
	return HP_OK;
}

/* Whole calendar months from day0 to day (the treasury's DeFi lock-up and loan term). */
static int64_t months_between(int64_t day0, int64_t day)
{
	int64_t y0, y;
	unsigned m0, d0, m, dd;

	hp_calendar_civil_from_days(day0, &y0, &m0, &d0);
	hp_calendar_civil_from_days(day, &y, &m, &dd);
	int64_t months = (y - y0) * 12 + (int64_t)m - (int64_t)m0;
	if (dd < d0)
		months--;
	return months < 0 ? 0 : months;
}

/*
 * The network of day d as a scenario network section: an effective
 * difficulty whose work per block is W / blocks, the day's last height
 * (its subsidy) and the rest of the mean reward as fees, so that
 * hp_fleet_run's reward per hash is (subsidy + fees) / W.
 */
static void day_network(const struct hp_backtest_day *d, struct hp_scenario_network *net)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	double nb = (double)d->blocks;
	double sub = (double)hp_consensus_subsidy_sats(p, d->height) / 1e8;
	double fees = (d->subsidy_btc + d->fees_btc) / nb - sub;

	net->has_bits = false;
	net->bits = 0;
	net->difficulty = d->work / nb * DIFF1_PER_HASH;
	net->height = d->height;
	/* only a halving day has a mean subsidy above the last block's */
	net->fees_btc_per_block = fees > 0 ? fees : 0;
	net->price_usd = d->price_usd;
}

/*
 * Method: the header's. Special cases: a fleet with no hashrate mines
 * nothing and still pays its costs; a day when the fleet would mine more
 * than the network was paid (its hashrate above the network's, e.g. a 2025
 * fleet in 2011) is refused (HP_EINVAL naming the date). Source:
 * docs/backtest.md.
 */
enum hp_status hp_backtest_run(struct hp_scenario *s, const struct hp_backtest_day *days,
			       size_t n, struct hp_backtest_result *out, struct hp_error *err)
{
	struct hp_scenario_network saved = s->network;
	struct hp_treasury_state ts;
	struct hp_fleet_result fr = {0};
	struct hp_rng rng;
	enum hp_status st;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return hp_error_set(err, HP_EINVAL, "days", "no days to run");
	for (i = 0; i < n; i++) {
		if ((st = check_day(&days[i], i ? &days[i - 1] : NULL, err)))
			return st;
	}
	if ((st = hp_treasury_check(&s->treasury, days[0].price_usd, err))) {
		hp_error_prefix(err, "treasury.");
		return st;
	}
	out->days = hp_calloc(n, sizeof(*out->days));
	if (!out->days)
		return hp_error_set(err, HP_ENOMEM, "backtest", "out of memory");
	out->ndays = n;

	hp_rng_init(&rng, s->market.seed, 0, HP_RNG_TREASURY);
	hp_treasury_begin(&ts, &s->treasury, days[0].price_usd, &out->treasury);
	hp_treasury_snapshot(&ts, days[0].price_usd, &out->start);
	out->treasury.min_cash_usd = ts.cash;

	for (i = 0; i < n; i++) {
		const struct hp_backtest_day *d = &days[i];
		struct hp_backtest_point *pt = &out->days[i];
		struct hp_treasury_flows f = {0};
		struct hp_treasury_period t;

		day_network(d, &s->network);
		st = hp_fleet_run(s, &fr, err);
		s->network = saved;
		if (st) {
			char date[24], pre[32];

			snprintf(pre, sizeof(pre), "%s: ", hp_calendar_day_text(d->day, date));
			hp_error_prefix(err, pre);
			goto fail;
		}
		if (fr.total.btc_day > d->subsidy_btc + d->fees_btc) {
			/* a fleet above the whole network would be paid more than
			 * the network was: history has nothing to say about it */
			char date[24];

			st = hp_error_set(err, HP_EINVAL, hp_calendar_day_text(d->day, date),
					  "the fleet's %.6g PH/s is above the whole network's %.6g "
					  "PH/s that day (it would mine %.6g BTC of the %.6g paid); "
					  "start the backtest later",
					  fr.total.hashrate_ths / 1000,
					  d->work / SECONDS_PER_DAY / HASHES_PER_PH, fr.total.btc_day,
					  d->subsidy_btc + d->fees_btc);
			hp_fleet_result_release(&fr);
			goto fail;
		}
		pt->day = d->day;
		pt->height = d->height;
		pt->blocks = d->blocks;
		pt->difficulty = d->work / (double)d->blocks * DIFF1_PER_HASH;
		pt->fees_btc_per_block = d->fees_btc / (double)d->blocks;
		pt->price_usd = d->price_usd;
		pt->hashprice_btc_per_ph_day =
			(d->subsidy_btc + d->fees_btc) / d->work * SECONDS_PER_DAY * HASHES_PER_PH;
		pt->hashprice_usd_per_ph_day = pt->hashprice_btc_per_ph_day * d->price_usd;
		pt->btc_mined = fr.total.btc_day;
		pt->revenue_usd = fr.total.revenue_usd_day;
		for (int k = 0; k < HP_COST_NBASES; k++) {
			pt->cost_usd[k] = fr.cost_usd_day[k];
			out->cost_usd[k] += fr.cost_usd_day[k];
		}
		out->btc_mined += pt->btc_mined;
		out->revenue_usd += pt->revenue_usd;
		out->hashrate_phs = fr.total.hashrate_ths / 1000;

		f.btc_mined = pt->btc_mined;
		f.opex_usd = fr.cost_usd_day[HP_COST_CASH];
		t.day = (int64_t)i;
		t.index = (int64_t)i;
		t.months_done = months_between(days[0].day, d->day + 1);
		t.periods_per_year = DAYS_PER_YEAR;
		t.price_usd = d->price_usd;
		hp_treasury_check_loan(&ts, (int64_t)i, d->price_usd);
		hp_treasury_settle(&ts, &f, &t, &rng);
		hp_treasury_snapshot(&ts, d->price_usd, &pt->treasury);
		hp_fleet_result_release(&fr);
	}
	hp_treasury_snapshot(&ts, days[n - 1].price_usd, &out->treasury.end);
	for (int k = 0; k < HP_COST_NBASES; k++)
		out->cost_per_btc_usd[k] =
			out->btc_mined > 0 ? out->cost_usd[k] / out->btc_mined : INFINITY;
	out->avg_price_usd = out->btc_mined > 0 ? out->revenue_usd / out->btc_mined : NAN;
	return HP_OK;

fail:
	hp_backtest_result_release(out);
	return st;
}

void hp_backtest_result_release(struct hp_backtest_result *r)
{
	if (!r)
		return;
	hp_free(r->days);
	memset(r, 0, sizeof(*r));
}
