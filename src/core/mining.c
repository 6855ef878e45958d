/*
 * mining.c - hashprice, one machine's economics and the payback of buying it.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "hashpivot/consensus.h"
#include "hashpivot/mining.h"

#include "hashpivot/calendar.h"

#define SECONDS_PER_DAY 86400.0
#define HASHES_PER_PH 1e15
#define HASHES_PER_TH 1e12
#define DAYS_PER_MONTH 30.436875 /* 365.2425 / 12 */
#define BLOCKS_PER_DAY 144

/*
 * Method: a miner with hashrate h (H/s) finds on average h * 86400 / W
 * blocks a day, W = 2^256 / (target + 1) the exact expected hashes per
 * block; each pays reward R = subsidy + fees, less the pool fee f:
 *   btc_per_hash_day = 86400 * R * (1 - f) / W
 * scaled to PH/s (1e15) or TH/s (1e12), times the price for USD. The
 * network at the implied hashrate W / 600 finds 144 blocks a day.
 * Special cases: W = 0 (no valid target) is rejected, never divided by.
 * Accuracy: W enters as one correctly rounded double (relative 2^-53);
 * the rest is a handful of double operations (relative ~1e-15).
 * Source: docs/model.md "Hashprice"; DESIGN.md section 1.
 */
enum hp_status hp_mining_hashprice(const struct hp_hashprice_input *in, struct hp_hashprice *out,
				   struct hp_error *err)
{
	if (hp_u256_is_zero(in->work_per_block))
		return hp_error_set(err, HP_EINVAL, "--difficulty",
				    "the target has no work (zero, negative or overflowing)");
	if (in->subsidy_sats < 0)
		return hp_error_set(err, HP_EINVAL, "--height", "subsidy must be >= 0, got %lld",
				    (long long)in->subsidy_sats);
	if (!isfinite(in->fees_btc_per_block) || in->fees_btc_per_block < 0)
		return hp_error_set(err, HP_EINVAL, "--fees-btc", "must be a finite number >= 0, got %g",
				    in->fees_btc_per_block);
	if (!isfinite(in->price_usd) || in->price_usd < 0)
		return hp_error_set(err, HP_EINVAL, "--price-usd",
				    "must be a finite number >= 0, got %g", in->price_usd);
	if (!isfinite(in->pool_fee_pct) || in->pool_fee_pct < 0 || in->pool_fee_pct >= 100)
		return hp_error_set(err, HP_EINVAL, "--pool-fee-pct",
				    "must be >= 0 and < 100, got %g", in->pool_fee_pct);

	double work = hp_u256_to_double(in->work_per_block);
	double reward = (double)in->subsidy_sats / (double)HP_COIN_SATS + in->fees_btc_per_block;
	double btc_per_hash_day = SECONDS_PER_DAY * reward * (1 - in->pool_fee_pct / 100) / work;

	memset(out, 0, sizeof(*out));
	out->reward_btc_per_block = reward;
	out->btc_per_ph_day = btc_per_hash_day * HASHES_PER_PH;
	out->usd_per_ph_day = out->btc_per_ph_day * in->price_usd;
	out->usd_per_th_day = btc_per_hash_day * HASHES_PER_TH * in->price_usd;
	out->sats_per_th_day = btc_per_hash_day * HASHES_PER_TH * (double)HP_COIN_SATS;
	out->network_hashrate_ehs = work / 600.0 / 1e18;
	out->network_revenue_btc_day = SECONDS_PER_DAY / 600.0 * reward;
	out->network_revenue_usd_day = out->network_revenue_btc_day * in->price_usd;
	return HP_OK;
}

static enum hp_status check_range(double v, double lo, double hi, bool lo_open, const char *field,
				  struct hp_error *err)
{
	if (!isfinite(v) || v < lo || v > hi || (lo_open && v == lo))
		return hp_error_set(err, HP_EINVAL, field, "must be %s %g and <= %g, got %g",
				    lo_open ? ">" : ">=", lo, hi, v);
	return HP_OK;
}

static enum hp_status check_ops(const struct hp_machine *m, const struct hp_machine_ops *ops,
				struct hp_error *err)
{
	if (!(m->hashrate_ths > 0) || !isfinite(m->hashrate_ths))
		return hp_error_set(err, HP_EINVAL, "hashrate_ths", "must be > 0, got %g",
				    m->hashrate_ths);
	if (!(m->power_w > 0) || !isfinite(m->power_w))
		return hp_error_set(err, HP_EINVAL, "power_w", "must be > 0, got %g", m->power_w);
	if (check_range(ops->power_price_usd_per_kwh, 0, 1e3, false, "--power-price-usd-per-kwh",
			err) ||
	    check_range(ops->pue, 1, 3, false, "--pue", err) ||
	    check_range(ops->uptime_pct, 0, 100, true, "--uptime-pct", err) ||
	    check_range(ops->hosting_usd_per_kwh, 0, 1e3, false, "--hosting-usd-per-kwh", err) ||
	    check_range(ops->hosting_usd_per_month, 0, 1e9, false, "--hosting-usd-per-month", err))
		return err ? err->status : HP_EINVAL;
	return HP_OK;
}

/*
 * Method: with u the uptime share and e the facility energy per day
 * (power_w / 1000 * 24 * PUE * u kWh), the machine mines
 * b = btc_per_th_day * hashrate_ths * u a day (pool fee inside the
 * hashprice) and pays v = e * (power price + hosting per kWh) plus the
 * fixed fee per month / 30.436875. Break-even points set revenue equal to
 * the per-kWh costs v (what switching off saves):
 *   shutdown price  = v / b,   break-even power = revenue / e - hosting/kWh,
 *   break-even hashprice (USD per PH/s-day) = v / (hashrate in PH/s x u);
 * the break-even price also covers the fixed fee: (v + fixed) / b.
 * u cancels in all of them. With no BTC mined (price or reward zero) the
 * prices are +infinity (no price is enough), reported as null.
 * Source: docs/model.md "Machine economics".
 */
enum hp_status hp_mining_machine(const struct hp_machine *m, const struct hp_hashprice *hp,
				 double price_usd, const struct hp_machine_ops *ops,
				 struct hp_machine_econ *out, struct hp_error *err)
{
	enum hp_status st = check_ops(m, ops, err);

	if (st)
		return st;
	if (!isfinite(price_usd) || price_usd < 0)
		return hp_error_set(err, HP_EINVAL, "--price-usd",
				    "must be a finite number >= 0, got %g", price_usd);

	double u = ops->uptime_pct / 100;
	double per_kwh = ops->power_price_usd_per_kwh + ops->hosting_usd_per_kwh;
	double fixed = ops->hosting_usd_per_month / DAYS_PER_MONTH;

	memset(out, 0, sizeof(*out));
	out->hashrate_ths = m->hashrate_ths * u;
	out->btc_per_day = hp->btc_per_ph_day / 1000 * out->hashrate_ths;
	out->revenue_usd_day = out->btc_per_day * price_usd;
	out->energy_kwh_day = m->power_w / 1000 * 24 * ops->pue * u;
	out->power_cost_usd_day = out->energy_kwh_day * ops->power_price_usd_per_kwh;
	out->hosting_usd_day = out->energy_kwh_day * ops->hosting_usd_per_kwh + fixed;
	out->profit_usd_day = out->revenue_usd_day - out->power_cost_usd_day - out->hosting_usd_day;
	out->margin_pct = out->revenue_usd_day > 0
				  ? 100 * out->profit_usd_day / out->revenue_usd_day
				  : NAN;
	out->revenue_usd_per_kwh = out->revenue_usd_day / out->energy_kwh_day;
	double variable = out->energy_kwh_day * per_kwh;
	out->cost_usd_per_btc = out->btc_per_day > 0
					? (out->power_cost_usd_day + out->hosting_usd_day) /
						  out->btc_per_day
					: INFINITY;
	out->shutdown_price_usd = out->btc_per_day > 0 ? variable / out->btc_per_day : INFINITY;
	out->breakeven_price_usd =
		out->btc_per_day > 0 ? (variable + fixed) / out->btc_per_day : INFINITY;
	out->breakeven_power_usd_per_kwh =
		out->revenue_usd_day / out->energy_kwh_day - ops->hosting_usd_per_kwh;
	out->breakeven_hashprice_usd_per_ph_day = variable / (out->hashrate_ths / 1000);
	return HP_OK;
}

/*
 * The end of the run of blocks from height h (before `end`) that share one
 * epoch and one subsidy: the next retarget, the next halving or `end`,
 * whichever comes first. Payback and the network path cut each day there.
 */
static int64_t run_end(const struct hp_chain_params *p, int64_t h, int64_t end)
{
	int64_t stop = (h / HP_RETARGET_INTERVAL + 1) * HP_RETARGET_INTERVAL;
	int64_t halving = hp_consensus_next_halving_height(p, h);

	if (halving < stop)
		stop = halving;
	return end < stop ? end : stop;
}

/*
 * Method: day d mines blocks height + 144 d .. + 143. The blocks are cut
 * into runs at retarget boundaries (multiples of 2016) and halvings; a run
 * of n blocks in retarget k (counted from the start) with subsidy s pays
 * the machine n * H * 600 * (s + fees) * (1 - pool fee) / (W * g^k) BTC,
 * H its effective hashes per second, W the work per block at the start and
 * g = (1 + monthly growth)^(14 / 30.436875) the growth per two-week
 * retarget. The price on day d is P * (1 + monthly growth)^(d / 30.436875).
 * Each day costs the per-kWh costs v (unless switched off as unprofitable)
 * plus the fixed fee; the payback day is interpolated linearly inside the
 * day where the running profit reaches the purchase price.
 * Source: docs/model.md "Payback".
 */
enum hp_status hp_mining_payback(const struct hp_machine *m, const struct hp_hashprice_input *in,
				 int64_t height, const struct hp_machine_ops *ops,
				 const struct hp_payback_input *pin, struct hp_payback *out,
				 struct hp_error *err)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_hashprice hp;
	struct hp_machine_econ e;
	enum hp_status st;

	if ((st = hp_mining_hashprice(in, &hp, err)) ||
	    (st = hp_mining_machine(m, &hp, in->price_usd, ops, &e, err)))
		return st;
	if (height < 0 || height > INT32_MAX)
		return hp_error_set(err, HP_EINVAL, "--height", "must be >= 0, got %lld",
				    (long long)height);
	if (check_range(pin->machine_price_usd, 0, 1e9, true, "--machine-price-usd", err) ||
	    check_range(pin->difficulty_growth_pct_per_month, -100, 1e3, true,
			"--difficulty-growth-pct-per-month", err) ||
	    check_range(pin->price_growth_pct_per_month, -100, 1e3, true,
			"--price-growth-pct-per-month", err))
		return err ? err->status : HP_EINVAL;
	if (pin->months < 1 || pin->months > 600)
		return hp_error_set(err, HP_EINVAL, "--months", "must be 1 to 600, got %lld",
				    (long long)pin->months);

	double work = hp_u256_to_double(in->work_per_block);
	double hashes_per_block = e.hashrate_ths * HASHES_PER_TH * 600.0; /* per 600 s */
	double keep = 1 - in->pool_fee_pct / 100;
	double fees = in->fees_btc_per_block;
	double g_epoch = pow(1 + pin->difficulty_growth_pct_per_month / 100,
			     (double)HP_RETARGET_INTERVAL * 600.0 / SECONDS_PER_DAY / DAYS_PER_MONTH);
	double g_price = 1 + pin->price_growth_pct_per_month / 100;
	double variable = e.energy_kwh_day *
			  (ops->power_price_usd_per_kwh + ops->hosting_usd_per_kwh);
	double fixed = ops->hosting_usd_per_month / DAYS_PER_MONTH;
	int64_t first_epoch = height / HP_RETARGET_INTERVAL, cur_epoch = first_epoch;
	double factor = 1, cum = 0;

	memset(out, 0, sizeof(*out));
	out->days = (int64_t)llround((double)pin->months * DAYS_PER_MONTH);
	out->payback_days = NAN;
	out->payback_months = NAN;
	for (int64_t d = 0; d < out->days; d++) {
		int64_t h = height + d * BLOCKS_PER_DAY, end = h + BLOCKS_PER_DAY;
		double btc = 0;
		while (h < end) {
			int64_t epoch = h / HP_RETARGET_INTERVAL;
			int64_t stop = run_end(p, h, end);
			if (epoch != cur_epoch) {
				cur_epoch = epoch;
				factor = pow(g_epoch, (double)(epoch - first_epoch));
			}
			double reward = (double)hp_consensus_subsidy_sats(p, h) / (double)HP_COIN_SATS +
					fees;
			btc += (double)(stop - h) * hashes_per_block * reward * keep / (work * factor);
			h = stop;
		}
		double price = pin->price_growth_pct_per_month == 0
				       ? in->price_usd
				       : in->price_usd * pow(g_price, (double)d / DAYS_PER_MONTH);
		double revenue = btc * price, cost = variable;
		if (!pin->run_when_unprofitable && revenue < variable) {
			revenue = 0;
			btc = 0;
			cost = 0;
			out->days_off++;
		}
		cost += fixed;
		double before = cum;
		cum += revenue - cost;
		out->btc_mined += btc;
		out->revenue_usd += revenue;
		out->cost_usd += cost;
		if (!out->paid_back && cum >= pin->machine_price_usd) {
			out->paid_back = true;
			out->payback_days = (double)d + (pin->machine_price_usd - before) / (cum - before);
			out->payback_months = out->payback_days / DAYS_PER_MONTH;
		}
	}
	out->profit_usd = out->revenue_usd - out->cost_usd;
	out->roi_pct = 100 * (out->profit_usd - pin->machine_price_usd) / pin->machine_price_usd;
	out->end_height = height + out->days * BLOCKS_PER_DAY;
	out->halvings = hp_consensus_halving_epoch(p, out->end_height - 1) -
			hp_consensus_halving_epoch(p, height);
	out->end_difficulty_factor = factor;
	return HP_OK;
}

/*
 * Method: see mining.h; Cambridge's CBECI methodology (lower bound: the
 * most efficient hardware available; upper bound: the least efficient
 * still profitable; estimate: the average of the profitable ones, with
 * PUEs 1.01 / 1.20 / 1.10). Hours a year 365.2425 x 24 = 8765.82.
 */
enum hp_status hp_mining_network_power(const struct hp_netpower_input *in,
				       struct hp_netpower *out, struct hp_error *err)
{
	if (!(in->network_hashrate_ths > 0) || !isfinite(in->network_hashrate_ths))
		return hp_error_set(err, HP_EINVAL, "network_hashrate_ths", "must be > 0, got %g",
				    in->network_hashrate_ths);
	/* no upper bound on the hashprice: any finite one is a network (a
	 * difficulty-1 chain at $10M is 6e14 USD per TH/s-day) */
	if (check_range(in->usd_per_th_day, 0, DBL_MAX, false, "usd_per_th_day", err) ||
	    check_range(in->power_price_usd_per_kwh, 0, 1e3, true, "--power-price-usd-per-kwh",
			err) ||
	    check_range(in->pue_lower, 1, 3, false, "--pue-lower", err) ||
	    check_range(in->pue_best, 1, 3, false, "--pue-best", err) ||
	    check_range(in->pue_upper, 1, 3, false, "--pue-upper", err))
		return err ? err->status : HP_EINVAL;
	if (in->nmix == 0)
		return hp_error_set(err, HP_EINVAL, "mix", "no machines to consider");

	double threshold =
		in->usd_per_th_day * 1000 / (24 * in->power_price_usd_per_kwh * in->pue_best);
	if (!isfinite(threshold))
		return hp_error_set(err, HP_ERANGE, "--power-price-usd-per-kwh",
				    "too small for a hashprice of %g USD per TH/s-day: the "
				    "break-even efficiency overflows, got %g",
				    in->usd_per_th_day, in->power_price_usd_per_kwh);
	double emin = INFINITY, emax = 0, wsum = 0, esum = 0;

	memset(out, 0, sizeof(*out));
	out->considered = in->nmix;
	for (size_t i = 0; i < in->nmix; i++) {
		double e = in->mix[i].efficiency_j_per_th, w = in->mix[i].share;
		if (!(e > 0) || !isfinite(e))
			return hp_error_set(err, HP_EINVAL, "efficiency_j_per_th",
					    "must be > 0, got %g", e);
		if (!(w >= 0) || !isfinite(w))
			return hp_error_set(err, HP_EINVAL, "share", "must be >= 0, got %g", w);
		if (e < emin)
			emin = e;
		if (e <= threshold && w > 0) {
			out->profitable++;
			if (e > emax)
				emax = e;
			wsum += w;
			esum += w * e;
		}
	}
	out->threshold_j_per_th = threshold;
	out->min_j_per_th = emin;
	out->none_profitable = out->profitable == 0;
	out->max_profitable_j_per_th = out->none_profitable ? emin : emax;
	out->best_j_per_th = out->none_profitable ? emin : esum / wsum;

	double h = in->network_hashrate_ths;
	out->lower_gw = h * emin * in->pue_lower / 1e9;
	out->best_gw = h * out->best_j_per_th * in->pue_best / 1e9;
	out->upper_gw = h * out->max_profitable_j_per_th * in->pue_upper / 1e9;
	out->lower_twh_year = out->lower_gw * 8765.82 / 1000;
	out->best_twh_year = out->best_gw * 8765.82 / 1000;
	out->upper_twh_year = out->upper_gw * 8765.82 / 1000;
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* the exogenous network path                                           */
/* ------------------------------------------------------------------ */

#include <stdio.h> /* snprintf, for the dates in messages */

#define NETPATH_MAX_DAYS 73050 /* 200 years, as a daily series */
#define TWO_POW_32 4294967296.0
#define NETPATH_DAYS_PER_YEAR 365.25 /* as HP_DAYS_PER_YEAR in price.h */


static enum hp_status netpath_check(const struct hp_network_path *in, int64_t ndays,
				    struct hp_error *err)
{
	const struct hp_daily_series *f = in->difficulty_file;

	if (ndays < 0 || ndays > NETPATH_MAX_DAYS)
		return hp_error_set(err, HP_EINVAL, "days", "must be >= 0 and <= %d, got %lld",
				    NETPATH_MAX_DAYS, (long long)ndays);
	if (in->height < 0 || in->height > INT32_MAX)
		return hp_error_set(err, HP_EINVAL, "height", "must be >= 0 and <= %d, got %lld",
				    INT32_MAX, (long long)in->height);
	if (check_range(in->fees_btc_per_block, 0, 1e6, false, "fees_btc_per_block", err) ||
	    check_range(in->fees_growth_pct_per_year, -100, 1e3, true, "fees_growth_pct_per_year",
			err))
		return HP_EINVAL;
	if (!isfinite(in->pool_fee_pct) || in->pool_fee_pct < 0 || in->pool_fee_pct >= 100)
		return hp_error_set(err, HP_EINVAL, "pool_fee_pct", "must be >= 0 and < 100, got %g",
				    in->pool_fee_pct);
	if (!f) {
		if (!(in->difficulty > 0) || !isfinite(in->difficulty))
			return hp_error_set(err, HP_EINVAL, "difficulty", "must be > 0, got %g",
					    in->difficulty);
		return check_range(in->growth_pct_per_epoch, -100, 1e3, true,
				   "growth_pct_per_epoch", err);
	}
	int64_t last = f->first_day + (int64_t)f->n - 1;
	if (!f->value || f->n == 0 || in->start_day < f->first_day ||
	    (ndays > 0 && in->start_day + ndays - 1 > last)) {
		char a[24], b[24], c[24], d[24];
		return hp_error_set(err, HP_EINVAL, "difficulty_file",
				    "covers %s to %s, the horizon needs %s to %s",
				    hp_calendar_day_text(f->first_day, a), hp_calendar_day_text(last, b),
				    hp_calendar_day_text(in->start_day, c),
				    hp_calendar_day_text(in->start_day + (ndays > 0 ? ndays - 1 : 0), d));
	}
	for (int64_t d = 0; d < ndays; d++) {
		double v = f->value[in->start_day - f->first_day + d];
		if (!(v > 0) || !isfinite(v))
			return hp_error_set(err, HP_EINVAL, "difficulty_file",
					    "difficulty of day %lld must be > 0, got %g",
					    (long long)d, v);
	}
	return HP_OK;
}

/*
 * Method: day d holds heights h0 + 144 d .. + 143, cut into runs at
 * retarget boundaries (multiples of 2016) and halvings as in
 * hp_mining_payback. Block h of epoch floor(h / 2016) has difficulty
 *   D_h = D0 (1 + g)^(floor(h / 2016) - floor(h0 / 2016)),
 * the exponent being the retarget heights crossed in (h0, h]; with a
 * difficulty file, D_h = the file's value of day start_day + d for every
 * block of the day. A hash meets a difficulty-D target with probability
 * 1 / (D 2^32), so 1 PH/s over a block's 600 s finds 1e15 x 600 / (D 2^32)
 * blocks; with the day's fees F_d = F0 (1 + f)^(d / 365.25) and subsidy
 * s_h (Core's GetBlockSubsidy),
 *   btc_per_ph_day[d] = (1 - pool fee) sum_h (s_h + F_d) 1e15 x 600 / (D_h 2^32).
 * difficulty[d] = D at the day's first block.
 * Special cases: a run starting exactly on a retarget height takes the new
 * difficulty; the first block's own epoch (even if h0 is a multiple of
 * 2016) has D0. ndays = 0 writes nothing.
 * Accuracy: a few double operations per run (about 1e-15 relative); the
 * growth factor is one pow() per epoch, not a running product.
 * Source: docs/model.md "Network path"; Bitcoin Core validation.cpp
 * GetBlockSubsidy; difficulty 1 = 2^32 hashes (0xffff x 2^208 target,
 * approximated as 2^224 as in the usual hashrate formula).
 */
enum hp_status hp_mining_network_path(const struct hp_network_path *in, int64_t ndays,
				      double *difficulty, double *btc_per_ph_day,
				      struct hp_error *err)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	const struct hp_daily_series *f = in->difficulty_file;
	enum hp_status st;

	if ((st = netpath_check(in, ndays, err)) != HP_OK)
		return st;

	double keep = 1 - in->pool_fee_pct / 100;
	double g = 1 + in->growth_pct_per_epoch / 100;
	double fg = 1 + in->fees_growth_pct_per_year / 100;
	double per_block = HASHES_PER_PH * 600.0 / TWO_POW_32; /* blocks x D per PH/s-block */
	int64_t first_epoch = in->height / HP_RETARGET_INTERVAL, cur_epoch = first_epoch;
	double factor = 1;

	for (int64_t d = 0; d < ndays; d++) {
		int64_t h = in->height + d * BLOCKS_PER_DAY, end = h + BLOCKS_PER_DAY;
		double fees = in->fees_growth_pct_per_year == 0
				      ? in->fees_btc_per_block
				      : in->fees_btc_per_block * pow(fg, (double)d / NETPATH_DAYS_PER_YEAR);
		double day_d = f ? f->value[in->start_day - f->first_day + d] : 0;
		double btc = 0, first_d = 0;

		while (h < end) {
			int64_t epoch = h / HP_RETARGET_INTERVAL;
			int64_t stop = run_end(p, h, end);
			if (epoch != cur_epoch) {
				cur_epoch = epoch;
				factor = pow(g, (double)(epoch - first_epoch));
			}
			double dd = f ? day_d : in->difficulty * factor;
			if (h == in->height + d * BLOCKS_PER_DAY)
				first_d = dd;
			double reward = (double)hp_consensus_subsidy_sats(p, h) / (double)HP_COIN_SATS +
					fees;
			btc += (double)(stop - h) * reward * per_block / dd;
			h = stop;
		}
		if (difficulty)
			difficulty[d] = first_d;
		if (btc_per_ph_day)
			btc_per_ph_day[d] = keep * btc;
	}
	return HP_OK;
}
