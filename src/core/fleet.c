/*
 * fleet.c - a company's fleet and costs at one network state.
 */
#include <math.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/consensus.h"
#include "hashpivot/fleet.h"
#include "hashpivot/mining.h"

#define DAYS_PER_YEAR 365.2425
#define DAYS_PER_MONTH 30.436875 /* 365.2425 / 12 */
#define BISECT_STEPS 200

const char *hp_fleet_basis_name(enum hp_cost_basis b)
{
	static const char *const names[] = {"marginal", "cash", "all_in"};
	return (unsigned)b < HP_COST_NBASES ? names[b] : "?";
}

/* Straight-line depreciation per day of a line at the scenario's date. */
static double depreciation_day(const struct hp_scenario *s, const struct hp_fleet_entry *f)
{
	double life_days = f->depreciation_months * DAYS_PER_MONTH;

	if (f->unit_cost_usd <= 0)
		return 0;
	if (s->has_as_of && f->has_in_service &&
	    (double)(s->as_of - f->in_service) >= life_days * 86400.0)
		return 0; /* fully depreciated */
	return f->unit_cost_usd * (double)f->count / life_days;
}

/*
 * Method (one line of a site, BTC price P, hashprice b BTC per TH/s-day
 * after the pool fee): with availability u, the line has hashrate
 * count * TH/s * u, mines b times that a day and draws
 * L = count * W * PUE * u / 1e6 MW while running. A flat site runs every
 * hour at its price c (USD/kWh) plus hosting k: power 24 L c 1000, hosting
 * 24 L k 1000. A curtailing site runs hp_curtail over its hourly series
 * shifted by k * 1000 USD/MWh (hosting is paid per kWh drawn, so it
 * belongs to the decision), with revenue per hour = revenue a day / 24;
 * the series totals are scaled to a mean day by 24 / hours.
 */
static enum hp_status eval_line(const struct hp_scenario *s, const struct hp_site *site,
				const struct hp_fleet_entry *f, double b, double price,
				const struct hp_power_series *shifted, struct hp_fleet_line *l,
				struct hp_error *err)
{
	double u = f->uptime_pct / 100;
	double n = (double)f->count;
	double k_mwh = site->hosting_usd_per_kwh * 1000;

	memset(l, 0, sizeof(*l));
	l->entry = f;
	l->in_service = !(s->has_as_of && f->has_in_service && f->in_service > s->as_of);
	if (!l->in_service)
		return HP_OK;
	l->depreciation_usd_day = depreciation_day(s, f);
	l->power_mw = n * f->machine.power_w * site->pue * u / 1e6;

	double ths = n * f->machine.hashrate_ths * u;
	double btc_day = b * ths, rev_day = btc_day * price;
	double mean_mwh = site->power_price_file ? hp_power_series_mean(&site->prices)
						 : site->power_price_usd_per_kwh * 1000;
	double var_per_day = 24 * l->power_mw * (mean_mwh + k_mwh);
	l->shutdown_price_usd = btc_day > 0 ? var_per_day / btc_day : INFINITY;

	if (site->power_price_file && site->curtail) {
		struct hp_curtail_input ci = {
			.revenue_usd_per_hour = rev_day / 24,
			.load_mw = l->power_mw,
			.dr_credit_usd_per_mwh = site->dr_credit_usd_per_mwh,
			.min_uptime_pct = site->min_uptime_pct,
		};
		struct hp_curtail_result cr;
		enum hp_status st = hp_curtail(shifted, &ci, &cr, err);
		if (st)
			return st;
		double scale = 24.0 / (double)cr.hours;
		double run_share = (double)cr.hours_run / (double)cr.hours;
		l->hashrate_ths = ths * run_share;
		l->uptime_pct = f->uptime_pct * run_share;
		l->btc_day = btc_day * run_share;
		l->revenue_usd_day = cr.revenue_usd * scale;
		l->hosting_usd_day = (double)cr.hours_run * l->power_mw * k_mwh * scale;
		l->power_cost_usd_day = cr.power_cost_usd * scale - l->hosting_usd_day;
		l->dr_credit_usd_day = cr.dr_credit_usd * scale;
		l->curtail_gain_usd_day = cr.gain_usd * scale;
	} else {
		l->hashrate_ths = ths;
		l->uptime_pct = f->uptime_pct;
		l->btc_day = btc_day;
		l->revenue_usd_day = rev_day;
		l->power_cost_usd_day = 24 * l->power_mw * mean_mwh;
		l->hosting_usd_day = 24 * l->power_mw * k_mwh;
	}
	return HP_OK;
}

static void add_line(struct hp_fleet_totals *t, const struct hp_fleet_line *l,
		     const struct hp_site *site)
{
	const struct hp_fleet_entry *f = l->entry;

	t->capacity_mw += (double)f->count * f->machine.power_w * site->pue / 1e6;
	t->hashrate_ths += l->hashrate_ths;
	t->btc_day += l->btc_day;
	t->revenue_usd_day += l->revenue_usd_day;
	t->power_cost_usd_day += l->power_cost_usd_day;
	t->hosting_usd_day += l->hosting_usd_day;
	t->dr_credit_usd_day += l->dr_credit_usd_day;
	t->depreciation_usd_day += l->depreciation_usd_day;
	t->curtail_gain_usd_day += l->curtail_gain_usd_day;
	/* energy: MW drawn x 24 h x share of hours run (uptime already in MW) */
	if (l->in_service && f->uptime_pct > 0)
		t->energy_mwh_day += 24 * l->power_mw * (l->uptime_pct / f->uptime_pct);
}

static void add_totals(struct hp_fleet_totals *t, const struct hp_fleet_totals *x)
{
	t->hashrate_ths += x->hashrate_ths;
	t->capacity_mw += x->capacity_mw;
	t->energy_mwh_day += x->energy_mwh_day;
	t->btc_day += x->btc_day;
	t->revenue_usd_day += x->revenue_usd_day;
	t->power_cost_usd_day += x->power_cost_usd_day;
	t->hosting_usd_day += x->hosting_usd_day;
	t->dr_credit_usd_day += x->dr_credit_usd_day;
	t->opex_usd_day += x->opex_usd_day;
	t->depreciation_usd_day += x->depreciation_usd_day;
	t->curtail_gain_usd_day += x->curtail_gain_usd_day;
}

static void finish_totals(struct hp_fleet_totals *t)
{
	t->power_mw = t->energy_mwh_day / 24;
	t->avg_power_price_usd_per_mwh =
		t->energy_mwh_day > 0 ? t->power_cost_usd_day / t->energy_mwh_day : 0;
	t->cash_margin_usd_day = t->revenue_usd_day + t->dr_credit_usd_day -
				 t->power_cost_usd_day - t->hosting_usd_day - t->opex_usd_day;
}

/* Everything at BTC price `price` into r (whose arrays are allocated). */
static enum hp_status evaluate(const struct hp_scenario *s, double b, double price,
			       struct hp_power_series *shifted, struct hp_fleet_result *r,
			       struct hp_error *err)
{
	const struct hp_company *c = &s->company;
	enum hp_status st;

	memset(&r->total, 0, sizeof(r->total));
	for (size_t i = 0; i < s->nsites; i++) {
		const struct hp_site *site = &s->sites[i];
		struct hp_fleet_site *fs = &r->sites[i];
		struct hp_power_series *sh = &shifted[i];

		fs->site = site;
		memset(&fs->t, 0, sizeof(fs->t));
		for (size_t j = 0; j < site->nfleet; j++) {
			st = eval_line(s, site, &site->fleet[j], b, price, sh, &fs->lines[j], err);
			if (st)
				return st;
			add_line(&fs->t, &fs->lines[j], site);
		}
		fs->t.opex_usd_day = site->opex_usd_per_year / DAYS_PER_YEAR;
		finish_totals(&fs->t);
		add_totals(&r->total, &fs->t);
	}
	r->sga_usd_day = c->sga_usd_per_year / DAYS_PER_YEAR;
	r->interest_usd_day = c->interest_usd_per_year / DAYS_PER_YEAR;
	r->sbc_usd_day = c->sbc_usd_per_year / DAYS_PER_YEAR;
	r->other_depreciation_usd_day = c->other_depreciation_usd_per_year / DAYS_PER_YEAR;
	r->total.opex_usd_day += r->sga_usd_day;
	r->total.depreciation_usd_day += r->other_depreciation_usd_day;
	finish_totals(&r->total);

	const struct hp_fleet_totals *t = &r->total;
	r->cost_usd_day[HP_COST_MARGINAL] =
		t->power_cost_usd_day + t->hosting_usd_day - t->dr_credit_usd_day;
	r->cost_usd_day[HP_COST_CASH] =
		r->cost_usd_day[HP_COST_MARGINAL] + t->opex_usd_day + r->interest_usd_day;
	r->cost_usd_day[HP_COST_ALL_IN] =
		r->cost_usd_day[HP_COST_CASH] + t->depreciation_usd_day + r->sbc_usd_day;
	for (int k = 0; k < HP_COST_NBASES; k++)
		r->cost_per_btc_usd[k] = t->btc_day > 0 ? r->cost_usd_day[k] / t->btc_day : INFINITY;
	r->net_usd_day = t->revenue_usd_day - r->cost_usd_day[HP_COST_ALL_IN];
	return HP_OK;
}

static bool any_curtailing(const struct hp_scenario *s)
{
	for (size_t i = 0; i < s->nsites; i++) {
		if (s->sites[i].power_price_file && s->sites[i].curtail)
			return true;
	}
	return false;
}

static void release_shifted(struct hp_power_series *sh, size_t n)
{
	if (!sh)
		return;
	for (size_t i = 0; i < n; i++)
		hp_free(sh[i].usd_per_mwh);
	hp_free(sh);
}

static enum hp_status alloc_result(const struct hp_scenario *s, struct hp_fleet_result *r,
				   struct hp_error *err)
{
	memset(r, 0, sizeof(*r));
	r->sites = hp_calloc(s->nsites, sizeof(*r->sites));
	if (!r->sites)
		return hp_error_set(err, HP_ENOMEM, "fleet", "out of memory");
	r->nsites = s->nsites;
	for (size_t i = 0; i < s->nsites; i++) {
		r->sites[i].lines = hp_calloc(s->sites[i].nfleet, sizeof(*r->sites[i].lines));
		if (!r->sites[i].lines) {
			hp_fleet_result_release(r);
			return hp_error_set(err, HP_ENOMEM, "fleet", "out of memory");
		}
	}
	return HP_OK;
}

/*
 * Method: the hashprice b (BTC per TH/s-day after the company's pool fee)
 * from the exact work of the network's bits or difficulty and the subsidy
 * at its height; then every line and site at the network's price. Costs
 * per BTC are the day's cost of each basis over the BTC mined. Without
 * curtailment the costs do not depend on the price, so the break-even price
 * is the cost per BTC; with it, the hours run do, and the break-even price
 * is found by bisection on P of revenue(P) + credits(P) - cost(P), which
 * is non-decreasing in P (a profit-maximising schedule can only gain from
 * a higher price), to a relative 1e-12. The break-even hashprice is
 * b * 1000 * P (USD per PH/s-day).
 */
enum hp_status hp_fleet_run(const struct hp_scenario *s, struct hp_fleet_result *out,
			    struct hp_error *err)
{
	const struct hp_chain_params *p = hp_consensus_params(HP_NET_MAIN);
	struct hp_hashprice_input hin = {0};
	struct hp_hashprice hp;
	struct hp_power_series *shifted = NULL;
	struct hp_fleet_result probe = {0};
	enum hp_status st;

	memset(out, 0, sizeof(*out));
	if (s->network.has_bits) {
		hin.work_per_block = hp_consensus_block_work(s->network.bits);
	} else {
		struct hp_u256 target;
		if ((st = hp_consensus_target_from_difficulty(s->network.difficulty, &target,
							      "network.difficulty", err)))
			return st;
		hin.work_per_block = hp_consensus_work_from_target(target);
	}
	hin.subsidy_sats = hp_consensus_subsidy_sats(p, s->network.height);
	hin.fees_btc_per_block = s->network.fees_btc_per_block;
	hin.price_usd = s->network.price_usd;
	hin.pool_fee_pct = s->company.pool_fee_pct;
	if ((st = hp_mining_hashprice(&hin, &hp, err)))
		return st;
	double b = hp.btc_per_ph_day / 1000;
	if (!(b > 0))
		return hp_error_set(err, HP_EINVAL, "network", "the network pays no reward");

	shifted = hp_calloc(s->nsites ? s->nsites : 1, sizeof(*shifted));
	if (!shifted)
		return hp_error_set(err, HP_ENOMEM, "fleet", "out of memory");
	for (size_t i = 0; i < s->nsites; i++) {
		const struct hp_site *site = &s->sites[i];
		if (!site->power_price_file || !site->curtail)
			continue;
		shifted[i] = site->prices;
		shifted[i].usd_per_mwh = hp_malloc(site->prices.n * sizeof(double));
		if (!shifted[i].usd_per_mwh) {
			st = hp_error_set(err, HP_ENOMEM, "fleet", "out of memory");
			goto fail;
		}
		for (size_t h = 0; h < site->prices.n; h++)
			shifted[i].usd_per_mwh[h] =
				site->prices.usd_per_mwh[h] + site->hosting_usd_per_kwh * 1000;
	}
	if ((st = alloc_result(s, out, err)))
		goto fail;
	out->btc_per_ph_day = hp.btc_per_ph_day;
	out->usd_per_ph_day = hp.usd_per_ph_day;
	if ((st = evaluate(s, b, s->network.price_usd, shifted, out, err)))
		goto fail;

	if (!any_curtailing(s)) {
		for (int k = 0; k < HP_COST_NBASES; k++)
			out->breakeven_price_usd[k] = out->cost_per_btc_usd[k];
	} else {
		if ((st = alloc_result(s, &probe, err)))
			goto fail;
		for (int k = 0; k < HP_COST_NBASES; k++) {
			double lo = 0, hi = 1;
			bool found = false;
			/* covered even at a zero price (curtailing through negative
			   prices or credits): the break-even price is 0 */
			if ((st = evaluate(s, b, 0, shifted, &probe, err)))
				goto fail;
			if (probe.total.revenue_usd_day - probe.cost_usd_day[k] >= 0) {
				out->breakeven_price_usd[k] = 0;
				continue;
			}
			/* bracket: double hi until the fleet covers the cost */
			while (hi <= 1e12) {
				if ((st = evaluate(s, b, hi, shifted, &probe, err)))
					goto fail;
				if (probe.total.revenue_usd_day - probe.cost_usd_day[k] >= 0) {
					found = true;
					break;
				}
				lo = hi;
				hi *= 2;
			}
			for (int i = 0; found && i < BISECT_STEPS && hi - lo > 1e-12 * hi; i++) {
				double mid = lo + (hi - lo) / 2;
				if ((st = evaluate(s, b, mid, shifted, &probe, err)))
					goto fail;
				if (probe.total.revenue_usd_day - probe.cost_usd_day[k] >= 0)
					hi = mid;
				else
					lo = mid;
			}
			out->breakeven_price_usd[k] = found ? hi : INFINITY;
		}
		hp_fleet_result_release(&probe);
	}
	for (int k = 0; k < HP_COST_NBASES; k++)
		out->breakeven_hashprice_usd_per_ph_day[k] =
			hp.btc_per_ph_day * out->breakeven_price_usd[k];
	release_shifted(shifted, s->nsites);
	return HP_OK;

fail:
	hp_fleet_result_release(&probe);
	hp_fleet_result_release(out);
	release_shifted(shifted, s->nsites);
	return st;
}

void hp_fleet_result_release(struct hp_fleet_result *r)
{
	if (!r)
		return;
	if (r->sites) {
		for (size_t i = 0; i < r->nsites; i++)
			hp_free(r->sites[i].lines);
		hp_free(r->sites);
	}
	memset(r, 0, sizeof(*r));
}
