/*
 * fleet.h - a mining company's fleet and costs at one network state: per
 * site and in total, hashrate, power, BTC a day, revenue, costs, margin and
 * the cost of producing one BTC in three labelled definitions, with the
 * break-even hashprice and BTC price of each.
 *
 *   marginal  electricity (and hosting per kWh) net of demand-response
 *             credits: what running the machines costs, the shutdown view
 *   cash      marginal + site opex + SG&A + interest
 *   all_in    cash + depreciation of machines and other assets + stock-based
 *             compensation (the "total production cost" of public reports)
 *
 * Sites with an hourly power price file and "curtail" run each fleet line
 * only in the hours it pays (powerprice.h); the others run flat at their
 * uptime. Every figure is per day (a flat site's day, or the mean day of
 * the price series). Equations: docs/model.md "Fleet economics".
 */
#ifndef HASHPIVOT_FLEET_H
#define HASHPIVOT_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include "common.h"
#include "error.h"
#include "scenario.h"

enum hp_cost_basis { HP_COST_MARGINAL, HP_COST_CASH, HP_COST_ALL_IN, HP_COST_NBASES };

/* One fleet line of a site, per day. */
struct hp_fleet_line {
	const struct hp_fleet_entry *entry;
	bool in_service;            /* false: in_service is after the scenario's as_of */
	double hashrate_ths;        /* mean effective hashrate */
	double power_mw;            /* facility draw while running: count x power x PUE x uptime */
	double uptime_pct;          /* hours run / hours, 100 for a flat site */
	double btc_day;
	double revenue_usd_day;
	double power_cost_usd_day;
	double hosting_usd_day;
	double dr_credit_usd_day;
	double depreciation_usd_day;
	double shutdown_price_usd;  /* at the site's mean power price (+ hosting) */
	double curtail_gain_usd_day; /* profit gained over running every hour */
};

/* A site or the whole company, per day. */
struct hp_fleet_totals {
	double hashrate_ths;
	double power_mw;            /* mean facility draw */
	double capacity_mw;         /* draw with every machine running */
	double energy_mwh_day;
	double btc_day;
	double revenue_usd_day;
	double power_cost_usd_day;
	double hosting_usd_day;
	double dr_credit_usd_day;
	double opex_usd_day;        /* site opex (company: + SG&A) */
	double depreciation_usd_day; /* machines (company: + other assets) */
	double avg_power_price_usd_per_mwh; /* paid, per MWh drawn */
	double curtail_gain_usd_day;
	double cash_margin_usd_day; /* revenue + credits - power - hosting - opex */
};

struct hp_fleet_site {
	const struct hp_site *site;
	struct hp_fleet_line *lines; /* site->nfleet of them */
	struct hp_fleet_totals t;
};

struct hp_fleet_result {
	struct hp_fleet_site *sites; /* scenario->nsites of them */
	size_t nsites;
	struct hp_fleet_totals total;
	double btc_per_ph_day;       /* hashprice after the pool fee */
	double usd_per_ph_day;
	double sga_usd_day, interest_usd_day, sbc_usd_day, other_depreciation_usd_day;
	double cost_usd_day[HP_COST_NBASES];        /* numerators of the costs below */
	double cost_per_btc_usd[HP_COST_NBASES];    /* cost / BTC mined */
	double breakeven_price_usd[HP_COST_NBASES]; /* BTC price where revenue + credits
						       covers the cost (curtailment
						       re-optimised at that price) */
	double breakeven_hashprice_usd_per_ph_day[HP_COST_NBASES];
	double net_usd_day;          /* revenue + credits - all-in cost */
};

/* "marginal", "cash", "all_in" */
HP_API const char *hp_fleet_basis_name(enum hp_cost_basis b);

/*
 * Evaluate the scenario's fleet. out is allocated (hp_fleet_result_release).
 * HP_EINVAL when the network gives no reward, HP_ENOMEM.
 */
HP_API enum hp_status hp_fleet_run(const struct hp_scenario *s, struct hp_fleet_result *out,
				   struct hp_error *err);
HP_API void hp_fleet_result_release(struct hp_fleet_result *r);

#endif
