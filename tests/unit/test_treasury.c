/*
 * test_treasury.c - the treasury model (src/core/treasury.c) against hand
 * computations.
 *
 * Months are 30 days (bounds[m] = 30 m), so month m covers days
 * 30 m + 1 .. 30 (m + 1) and ends on day 30 (m + 1). Prices are chosen so
 * that the figures are exact or nearly so in binary (50 000 USD, 20 BTC).
 * The loan tests use the falling path price[d] = 100 000 - 500 d: with
 * debt D and collateral C the LTV D / (C price[d]) crosses a threshold L
 * on the first day d with price[d] <= D / (C L); every such day is worked
 * out below, with the neighbouring day's LTV to show the margin.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/rng.h"
#include "hashpivot/treasury.h"

#define NM_MAX 130
#define NDAYS (30 * NM_MAX + 1)
#define EV_MAX 256

static int64_t bounds[NM_MAX + 1];
static double price[NDAYS];
static struct hp_treasury_flows flows[NM_MAX];
static struct hp_treasury_month months[NM_MAX + 1];
static struct hp_treasury_event events[EV_MAX];

/* 30-day months, a constant price, no flows. */
static void setup_flat(double p)
{
	size_t i;

	for (i = 0; i <= NM_MAX; i++)
		bounds[i] = (int64_t)(30 * i);
	for (i = 0; i < NDAYS; i++)
		price[i] = p;
	memset(flows, 0, sizeof(flows));
}

/* price[d] = 100 000 - 500 d for d <= 180 (six months), 10 000 after. */
static void setup_falling(void)
{
	size_t d;

	setup_flat(10000);
	for (d = 0; d <= 180; d++)
		price[d] = 100000 - 500 * (double)d;
}

static struct hp_treasury_policy policy(double btc, double cash)
{
	struct hp_treasury_policy p;

	memset(&p, 0, sizeof(p));
	p.btc = btc;
	p.cash_usd = cash;
	return p;
}

/* A 10 M USD loan at 50 % LTV, margin call at 70 %, liquidation at 85 %. */
static struct hp_loan loan_10m(enum hp_margin_cure cure)
{
	struct hp_loan l = { 10e6, 0, 50, 70, 85, 0, cure };
	return l;
}

/* The identities every month satisfies, whatever the policy. */
static void check_months(const struct hp_treasury_result *r, size_t n)
{
	size_t m;

	for (m = 0; m <= n; m++) {
		const struct hp_treasury_month *s = &r->months[m];

		assert_true(s->free_btc >= 0 && s->defi_btc >= 0 && s->collateral_btc >= 0);
		assert_double_rel(s->total_btc, s->free_btc + s->defi_btc + s->collateral_btc, 1e-15);
		assert_double_rel(s->net_usd, s->total_btc * s->price_usd + s->cash_usd - s->debt_usd,
				  1e-12);
		assert_double_abs(s->price_usd, price[bounds[m]], 0);
	}
	assert_memory_equal(&r->end, &r->months[n], sizeof(r->end));
}

static struct hp_treasury_result run(const struct hp_treasury_policy *p, size_t n,
				     struct hp_rng *rng)
{
	struct hp_treasury_result r;
	struct hp_error err;

	memset(&r, 0xff, sizeof(r)); /* the run must reset every counter */
	r.months = months;
	r.events = events;
	r.events_cap = EV_MAX;
	if (hp_treasury_check(p, price[0], &err) != HP_OK)
		fail_msg("%s", err.message);
	hp_treasury_run(p, price, bounds, n, flows, rng, &r);
	check_months(&r, n);
	return r;
}

static void assert_event(const struct hp_treasury_event *e, int64_t day,
			 enum hp_treasury_event_kind kind, enum hp_sale_cause cause, double btc,
			 double p)
{
	assert_int_equal(e->day, day);
	assert_int_equal(e->kind, kind);
	assert_int_equal(e->cause, cause);
	assert_double_rel(e->btc, btc, 1e-12);
	assert_double_rel(e->price_usd, p, 0);
	assert_double_rel(e->usd, kind == HP_EVENT_SALE ? btc * p : 0, 1e-12);
}

static void test_cause_names(void **state)
{
	(void)state;
	assert_string_equal(hp_treasury_cause_name(HP_SALE_POLICY), "policy");
	assert_string_equal(hp_treasury_cause_name(HP_SALE_OPEX), "opex");
	assert_string_equal(hp_treasury_cause_name(HP_SALE_CAPEX), "capex");
	assert_string_equal(hp_treasury_cause_name(HP_SALE_DEBT), "debt");
	assert_string_equal(hp_treasury_cause_name(HP_SALE_MARGIN_CALL), "margin_call");
	assert_string_equal(hp_treasury_cause_name(HP_SALE_LIQUIDATION), "liquidation");
	assert_string_equal(hp_treasury_cause_name(HP_SALE_NCAUSES), "unknown");
}

/*
 * Hold: 100 BTC, 1 M USD, 10 BTC mined a month, no costs: month end k
 * holds 100 + 10 k BTC, cash stays 1 M, nothing is sold.
 */
static void test_hold(void **state)
{
	struct hp_treasury_policy p = policy(100, 1e6);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	for (m = 0; m < 12; m++)
		flows[m].btc_mined = 10;
	r = run(&p, 12, NULL);
	for (m = 0; m <= 12; m++) {
		assert_double_abs(months[m].free_btc, 100 + 10 * (double)m, 0);
		assert_double_abs(months[m].cash_usd, 1e6, 0);
		assert_double_abs(months[m].debt_usd, 0, 0);
		assert_double_abs(months[m].ltv_pct, 0, 0);
	}
	assert_double_abs(r.end.net_usd, 220 * 50000.0 + 1e6, 0);
	assert_int_equal(r.nevents, 0);
	assert_int_equal(r.events_dropped, 0);
	assert_double_abs(r.sold_btc_total, 0, 0);
	assert_int_equal(r.out_of_cash_month, -1);
	assert_int_equal(r.first_margin_call_day, -1);
	assert_int_equal(r.liquidation_day, -1);
	assert_int_equal(r.margin_calls, 0);
	assert_double_abs(r.min_cash_usd, 1e6, 0);
}

/*
 * Sell 40 % of 10 BTC a month at 50 000 USD: 4 BTC = 200 000 USD a month;
 * after 12 months 100 + 6 x 12 = 172 BTC and 2.4 M USD, 48 BTC sold in 12
 * events dated 30, 60, ... With room for 3 events, 9 are dropped.
 */
static void test_sell_share_of_production(void **state)
{
	struct hp_treasury_policy p = policy(100, 0);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	for (m = 0; m < 12; m++)
		flows[m].btc_mined = 10;
	p.sell_production_pct = 40;
	r = run(&p, 12, NULL);
	for (m = 0; m <= 12; m++) {
		assert_double_rel(months[m].free_btc, 100 + 6 * (double)m, 1e-15);
		assert_double_rel(months[m].cash_usd, 200000 * (double)m, 1e-15);
	}
	assert_double_rel(r.sold_btc[HP_SALE_POLICY], 48, 1e-15);
	assert_double_rel(r.sold_usd[HP_SALE_POLICY], 2.4e6, 1e-15);
	assert_double_rel(r.sold_btc_total, 48, 1e-15);
	assert_int_equal(r.nevents, 12);
	for (m = 0; m < 12; m++)
		assert_event(&events[m], 30 * (int64_t)(m + 1), HP_EVENT_SALE, HP_SALE_POLICY, 4,
			     50000);

	r.months = NULL;
	r.events_cap = 3;
	hp_treasury_run(&p, price, bounds, 12, flows, NULL, &r);
	assert_int_equal(r.nevents, 3);
	assert_int_equal(r.events_dropped, 9);
	assert_double_rel(r.end.cash_usd, 2.4e6, 1e-15);
}

/*
 * Opex 1 M USD a month at 50 000 USD with cash 0 and min_cash 0: 20 BTC
 * sold a month (cause opex), cash back to 0 exactly. With min_cash
 * 500 000: the first month sells 30 BTC (1.5 M), then 20 a month.
 * With only 50 BTC: 20, 20, then 10 BTC = 500 000 USD in month 2, which
 * ends at -500 000: out of cash in month 2; month 3 at -1.5 M.
 */
static void test_sell_to_cover_opex(void **state)
{
	struct hp_treasury_policy p = policy(1000, 0);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	for (m = 0; m < 12; m++)
		flows[m].opex_usd = 1e6;
	p.sell_to_cover_opex = true;
	r = run(&p, 12, NULL);
	for (m = 0; m <= 12; m++) {
		assert_double_abs(months[m].free_btc, 1000 - 20 * (double)m, 0);
		assert_double_abs(months[m].cash_usd, 0, 0);
	}
	assert_double_abs(r.sold_btc[HP_SALE_OPEX], 240, 0);
	assert_double_abs(r.sold_usd[HP_SALE_OPEX], 12e6, 0);
	assert_double_abs(r.sold_btc[HP_SALE_POLICY], 0, 0);
	assert_int_equal(r.out_of_cash_month, -1);
	assert_double_abs(r.min_cash_usd, 0, 0);
	assert_event(&events[11], 360, HP_EVENT_SALE, HP_SALE_OPEX, 20, 50000);

	p.min_cash_usd = 500000;
	r = run(&p, 12, NULL);
	assert_double_abs(months[1].free_btc, 970, 0);
	assert_double_abs(months[12].free_btc, 750, 0);
	for (m = 1; m <= 12; m++)
		assert_double_abs(months[m].cash_usd, 500000, 0);
	assert_double_abs(r.min_cash_usd, 500000, 0);

	p = policy(50, 0);
	p.sell_to_cover_opex = true;
	r = run(&p, 4, NULL);
	assert_double_abs(months[3].free_btc, 0, 0);
	assert_double_abs(months[2].cash_usd, 0, 0);
	assert_double_abs(months[3].cash_usd, -500000, 0);
	assert_double_abs(months[4].cash_usd, -1.5e6, 0);
	assert_int_equal(r.out_of_cash_month, 2);
	assert_double_abs(r.min_cash_usd, -1.5e6, 0);
	assert_int_equal(r.nevents, 3);
	assert_event(&events[2], 90, HP_EVENT_SALE, HP_SALE_OPEX, 10, 50000);
}

/*
 * Capex 2.5 M USD in month 3, cash 1 M, price 50 000:
 * - funded, min_cash 200 000: cash pays 800 000 (down to 200 000), the
 *   other 1.7 M come from 34 BTC (cause capex, day 120);
 * - not funded: month 3 ends at 1 M - 2.5 M = -1.5 M, out of cash in 3.
 * - opex 1 M uncovered in month 0 with 0 cash and capex 500 000 funded:
 *   the capex sale funds only the capex (10 BTC), the month ends at -1 M.
 */
static void test_capex(void **state)
{
	struct hp_treasury_policy p = policy(100, 1e6);
	struct hp_treasury_result r;

	(void)state;
	setup_flat(50000);
	flows[3].capex_usd = 2.5e6;
	p.sell_to_fund_capex = true;
	p.min_cash_usd = 200000;
	r = run(&p, 6, NULL);
	assert_double_abs(months[3].cash_usd, 1e6, 0);
	assert_double_abs(months[4].cash_usd, 200000, 0);
	assert_double_abs(months[4].free_btc, 66, 0);
	assert_double_abs(r.sold_btc[HP_SALE_CAPEX], 34, 0);
	assert_double_abs(r.sold_usd[HP_SALE_CAPEX], 1.7e6, 0);
	assert_int_equal(r.nevents, 1);
	assert_event(&events[0], 120, HP_EVENT_SALE, HP_SALE_CAPEX, 34, 50000);
	assert_int_equal(r.out_of_cash_month, -1);

	p.sell_to_fund_capex = false;
	r = run(&p, 6, NULL);
	assert_double_abs(months[4].cash_usd, -1.5e6, 0);
	assert_double_abs(months[6].free_btc, 100, 0);
	assert_int_equal(r.out_of_cash_month, 3);
	assert_double_abs(r.min_cash_usd, -1.5e6, 0);
	assert_int_equal(r.nevents, 0);

	setup_flat(50000);
	flows[0].opex_usd = 1e6;
	flows[0].capex_usd = 500000;
	p = policy(100, 0);
	p.sell_to_fund_capex = true;
	r = run(&p, 1, NULL);
	assert_double_abs(r.sold_btc[HP_SALE_CAPEX], 10, 0);
	assert_double_abs(months[1].cash_usd, -1e6, 0);
	assert_int_equal(r.out_of_cash_month, 0);
}

/*
 * Target 105 BTC from 100 with 10 mined a month: month 0 sells 5 (free
 * 110), every later month 10; 12 months sell 5 + 11 x 10 = 115 BTC.
 * With 40 % of production sold first, month 0 sells 4 then 1 (two events).
 */
static void test_target(void **state)
{
	struct hp_treasury_policy p = policy(100, 0);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	for (m = 0; m < 12; m++)
		flows[m].btc_mined = 10;
	p.has_target = true;
	p.target_btc = 105;
	r = run(&p, 12, NULL);
	for (m = 1; m <= 12; m++)
		assert_double_abs(months[m].free_btc, 105, 0);
	assert_double_abs(r.sold_btc[HP_SALE_POLICY], 115, 0);
	assert_double_abs(r.end.cash_usd, 115 * 50000.0, 0);
	assert_event(&events[0], 30, HP_EVENT_SALE, HP_SALE_POLICY, 5, 50000);
	assert_event(&events[1], 60, HP_EVENT_SALE, HP_SALE_POLICY, 10, 50000);

	p.sell_production_pct = 40;
	r = run(&p, 1, NULL);
	assert_int_equal(r.nevents, 2);
	assert_event(&events[0], 30, HP_EVENT_SALE, HP_SALE_POLICY, 4, 50000);
	assert_event(&events[1], 30, HP_EVENT_SALE, HP_SALE_POLICY, 1, 50000);
	assert_double_rel(months[1].free_btc, 105, 1e-15);
}

/*
 * DeFi: 50 % of 100 BTC at 5 % APY, no loss: after 12 monthly steps of
 * 1.05^(1/12) the deposit is 50 x 1.05 = 52.5 and the yield 2.5; after 6,
 * 50 sqrt(1.05).
 */
static void test_defi_yield(void **state)
{
	struct hp_treasury_policy p = policy(100, 0);
	struct hp_treasury_result r;

	(void)state;
	setup_flat(50000);
	p.defi.allocation_pct = 50;
	p.defi.apy_pct = 5;
	r = run(&p, 12, NULL);
	assert_double_abs(months[0].defi_btc, 50, 0);
	assert_double_abs(months[0].free_btc, 50, 0);
	assert_double_rel(months[6].defi_btc, 50 * sqrt(1.05), 1e-12);
	assert_double_rel(r.end.defi_btc, 52.5, 1e-12);
	assert_double_rel(r.yield_btc, 2.5, 1e-12);
	assert_double_abs(r.end.free_btc, 50, 0);
	assert_double_abs(r.defi_loss_btc, 0, 0);
	assert_int_equal(r.nevents, 0);
}

/*
 * Lock-up 4 months: 50 BTC free, 50 in DeFi (no yield), opex 1 M a month
 * at 50 000 USD = 20 BTC, sold to cover. Months 0, 1 sell 20 free BTC;
 * month 2 the last 10 free BTC and the deposit is still locked (3 months
 * elapsed < 4): cash -500 000, out of cash in month 2. Month 3 (4 months
 * elapsed) may sell DeFi: -1.5 M needs 30 BTC, left 20; month 4 sells the
 * last 20; month 5 has nothing, -1 M.
 */
static void test_defi_lockup(void **state)
{
	struct hp_treasury_policy p = policy(100, 0);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	for (m = 0; m < 6; m++)
		flows[m].opex_usd = 1e6;
	p.sell_to_cover_opex = true;
	p.defi.allocation_pct = 50;
	p.defi.lockup_months = 4;
	r = run(&p, 6, NULL);
	assert_double_abs(months[2].free_btc, 10, 0);
	assert_double_abs(months[3].free_btc, 0, 0);
	assert_double_abs(months[3].defi_btc, 50, 0);
	assert_double_abs(months[3].cash_usd, -500000, 0);
	assert_double_abs(months[4].defi_btc, 20, 0);
	assert_double_abs(months[4].cash_usd, 0, 0);
	assert_double_abs(months[5].defi_btc, 0, 0);
	assert_double_abs(months[5].cash_usd, 0, 0);
	assert_double_abs(months[6].cash_usd, -1e6, 0);
	assert_int_equal(r.out_of_cash_month, 2);
	assert_double_abs(r.sold_btc[HP_SALE_OPEX], 100, 0);
	assert_int_equal(r.nevents, 5);
	assert_event(&events[3], 120, HP_EVENT_SALE, HP_SALE_OPEX, 30, 50000);
	assert_event(&events[4], 150, HP_EVENT_SALE, HP_SALE_OPEX, 20, 50000);

	/* lock-up 0: DeFi sells from month 0 on once free BTC runs out */
	p.defi.lockup_months = 0;
	r = run(&p, 6, NULL);
	assert_int_equal(r.out_of_cash_month, 5);
	assert_double_abs(months[3].defi_btc, 40, 0);
}

/*
 * A certain loss (100 % a year) of 10 % every month, no draw: 50 BTC
 * become 50 x 0.9^12, lost 50 (1 - 0.9^12), month m's event 5 x 0.9^m.
 * With 5 % APY before the loss: 50 (1.05^(1/12) x 0.9)^12 = 52.5 x 0.9^12.
 */
static void test_defi_certain_loss(void **state)
{
	struct hp_treasury_policy p = policy(100, 0);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	p.defi.allocation_pct = 50;
	p.defi.loss_probability_pct_per_year = 100;
	p.defi.loss_severity_pct = 10;
	r = run(&p, 12, NULL);
	assert_double_rel(r.end.defi_btc, 50 * pow(0.9, 12), 1e-13);
	assert_double_rel(r.defi_loss_btc, 50 * (1 - pow(0.9, 12)), 1e-13);
	assert_int_equal(r.nevents, 12);
	for (m = 0; m < 12; m++)
		assert_event(&events[m], 30 * (int64_t)(m + 1), HP_EVENT_DEFI_LOSS, HP_SALE_POLICY,
			     5 * pow(0.9, (double)m), 50000);

	p.defi.apy_pct = 5;
	r = run(&p, 12, NULL);
	assert_double_rel(r.end.defi_btc, 52.5 * pow(0.9, 12), 1e-12);
	assert_double_rel(r.end.defi_btc, 50 + r.yield_btc - r.defi_loss_btc, 1e-12);
}

/*
 * A random loss (50 % a year, severity 20 %) over 120 months: the monthly
 * probability is 1 - 0.5^(1/12) = 0.0561; replaying the same stream
 * (same seed) gives the months that lose. With probability 0, or no
 * deposit, the stream is not touched.
 */
static void test_defi_random_loss(void **state)
{
	struct hp_treasury_policy p = policy(100, 0);
	struct hp_treasury_result r;
	struct hp_rng rng, ref;
	double q = 1 - pow(0.5, 1 / 12.0), d = 50;
	int64_t nloss = 0;
	size_t m;

	(void)state;
	setup_flat(50000);
	p.defi.allocation_pct = 50;
	p.defi.loss_probability_pct_per_year = 50;
	p.defi.loss_severity_pct = 20;
	hp_rng_init(&rng, 42, 7, HP_RNG_TREASURY);
	hp_rng_init(&ref, 42, 7, HP_RNG_TREASURY);
	r = run(&p, 120, &rng);
	for (m = 0; m < 120; m++) {
		if (hp_rng_uniform(&ref) < q) {
			d *= 0.8;
			assert_int_equal(events[nloss].day, 30 * (int64_t)(m + 1));
			nloss++;
		}
		assert_double_rel(months[m + 1].defi_btc, d, 1e-14);
	}
	/* ~ 120 x 0.0561 = 6.7 expected; at least one, far from all */
	assert_true(nloss >= 1 && nloss <= 30);
	assert_int_equal((int64_t)r.nevents, nloss);
	assert_double_abs(hp_rng_uniform(&rng), hp_rng_uniform(&ref), 0);

	p.defi.loss_probability_pct_per_year = 0;
	hp_rng_init(&rng, 42, 7, HP_RNG_TREASURY);
	hp_rng_init(&ref, 42, 7, HP_RNG_TREASURY);
	r = run(&p, 12, &rng);
	assert_double_abs(hp_rng_uniform(&rng), hp_rng_uniform(&ref), 0);
	p.defi.loss_probability_pct_per_year = 50;
	p.defi.allocation_pct = 0;
	r = run(&p, 12, &rng);
	assert_double_abs(hp_rng_uniform(&rng), hp_rng_uniform(&ref), 0);
	assert_int_equal(r.nevents, 0);
}

/*
 * Loan, top-up cure. 1000 BTC; 10 M USD at 50 % LTV and price[0] = 100 000:
 * collateral 10e6 / (0.5 x 100 000) = 200 BTC, 800 free, cash 10 M.
 * LTV = 10e6 / (C p); with C = 200 the margin call (70 %) comes when
 * p <= 71 428.57, i.e. d >= 57.14: day 58 (p 71 000, LTV 0.7042; day 57:
 * p 71 500, 0.6993). Top-up to 50 %: C = 10e6 / (0.5 x 71 000) = 281.690,
 * posting 81.690. Each later call comes when p <= p_prev x 0.5 / 0.7:
 *   day 99  (p 50 500 <= 50 714.3; day 98: 0.6961)  C -> 396.040
 *   day 128 (p 36 000 <= 36 071.4; day 127: 0.6918) C -> 555.556
 *   day 149 (p 25 500 <= 25 714.3; day 148: 0.6923) C -> 784.314
 *   day 164 (p 18 000 <= 18 214.3; day 163: 0.6892) needs 1111.111, only
 *           215.686 free: C = 1000, LTV 10e6 / 18e6 = 0.5556.
 * With C = 1000 and no free BTC: calls when p <= 14 285.7, days 172..176
 * (uncured), liquidation (85 %) when p <= 11 764.7: day 177 (p 11 500,
 * LTV 0.8696; day 176: 0.8333). The lender sells 10e6 / 11 500 = 869.565
 * BTC and returns 130.435. 10 margin-call days in all, 5 top-ups.
 */
static void test_loan_top_up_then_liquidation(void **state)
{
	struct hp_treasury_policy p = policy(1000, 0);
	struct hp_treasury_result r;
	static const int64_t topup_day[5] = { 58, 99, 128, 149, 164 };
	double c = 200, c_new;
	size_t i;

	(void)state;
	setup_falling();
	p.loan = loan_10m(HP_CURE_TOP_UP);
	r = run(&p, 6, NULL);
	assert_double_abs(months[0].collateral_btc, 200, 0);
	assert_double_abs(months[0].free_btc, 800, 0);
	assert_double_abs(months[0].cash_usd, 10e6, 0);
	assert_double_abs(months[0].ltv_pct, 50, 0);
	assert_int_equal(r.first_margin_call_day, 58);
	assert_int_equal(r.margin_calls, 10);
	assert_int_equal(r.nevents, 6);
	for (i = 0; i < 5; i++) {
		double pd = 100000 - 500 * (double)topup_day[i];

		c_new = i < 4 ? 10e6 / (0.5 * pd) : 1000;
		assert_event(&events[i], topup_day[i], HP_EVENT_TOP_UP, HP_SALE_MARGIN_CALL,
			     c_new - c, pd);
		c = c_new;
	}
	/* month 1 ends on day 60 (p 70 000) after the day-58 top-up: LTV
	 * 10e6 / (281.690 x 70 000) = 0.5 x 71 000 / 70 000 */
	assert_double_rel(months[2].collateral_btc, 10e6 / (0.5 * 71000), 1e-14);
	assert_double_rel(months[2].ltv_pct, 50 * 71000.0 / 70000, 1e-13);
	assert_double_rel(r.topup_btc, 800, 1e-13);
	assert_int_equal(r.liquidation_day, 177);
	assert_event(&events[5], 177, HP_EVENT_SALE, HP_SALE_LIQUIDATION, 10e6 / 11500, 11500);
	assert_double_rel(r.sold_usd[HP_SALE_LIQUIDATION], 10e6, 1e-14);
	assert_double_abs(r.end.debt_usd, 0, 0);
	assert_double_abs(r.end.collateral_btc, 0, 0);
	assert_double_abs(r.end.ltv_pct, 0, 0);
	assert_double_rel(r.end.free_btc, 1000 - 10e6 / 11500, 1e-13);
	assert_double_abs(r.end.cash_usd, 10e6, 0);
}

/*
 * No free BTC (200 BTC, all pledged): calls on days 58..82 that cannot be
 * cured (25 days), liquidation when 50 000 / p >= 0.85, p <= 58 823.5:
 * day 83 (p 58 500, LTV 0.8547; day 82: 0.8475). Sold 10e6 / 58 500 =
 * 170.940 BTC, 29.060 returned.
 */
static void test_loan_liquidation_without_free_btc(void **state)
{
	struct hp_treasury_policy p = policy(200, 0);
	struct hp_treasury_result r;

	(void)state;
	setup_falling();
	p.loan = loan_10m(HP_CURE_TOP_UP);
	r = run(&p, 4, NULL);
	assert_double_abs(months[0].free_btc, 0, 0);
	assert_int_equal(r.first_margin_call_day, 58);
	assert_int_equal(r.margin_calls, 25);
	assert_int_equal(r.liquidation_day, 83);
	assert_int_equal(r.nevents, 1);
	assert_event(&events[0], 83, HP_EVENT_SALE, HP_SALE_LIQUIDATION, 10e6 / 58500, 58500);
	assert_double_abs(r.topup_btc, 0, 0);
	assert_double_rel(months[3].free_btc, 200 - 10e6 / 58500, 1e-14);
	assert_double_abs(months[3].debt_usd, 0, 0);
	assert_double_rel(r.sold_btc_total, 10e6 / 58500, 1e-15);
	/* months 0, 1 end with LTV 50 000 / p: day 60 (p 70 000) */
	assert_double_rel(months[2].ltv_pct, 100 * 50000.0 / 70000, 1e-14);
}

/*
 * Repay cure, 1000 BTC: day 58 sells x = (10e6 - 0.5 x 200 x 71 000) /
 * 71 000 = 2.9e6 / 71 000 = 40.845 BTC, debt 7.1 M, LTV back to 50 %.
 * The next call, at the same LTV path 0.5 x 71 000 / p, is day 99: x =
 * (7.1e6 - 0.5 x 200 x 50 500) / 50 500 = 2.05e6 / 50 500, debt 5.05 M.
 * Cash is not touched (the proceeds go to the lender).
 */
static void test_loan_repay_cure(void **state)
{
	struct hp_treasury_policy p = policy(1000, 0);
	struct hp_treasury_result r;

	(void)state;
	setup_falling();
	p.loan = loan_10m(HP_CURE_REPAY);
	r = run(&p, 4, NULL);
	assert_int_equal(r.first_margin_call_day, 58);
	assert_int_equal(r.margin_calls, 2);
	assert_int_equal(r.nevents, 2);
	assert_event(&events[0], 58, HP_EVENT_SALE, HP_SALE_MARGIN_CALL, 2.9e6 / 71000, 71000);
	assert_event(&events[1], 99, HP_EVENT_SALE, HP_SALE_MARGIN_CALL, 2.05e6 / 50500, 50500);
	assert_double_rel(months[2].debt_usd, 7.1e6, 1e-14);
	assert_double_rel(months[2].ltv_pct, 100 * 7.1e6 / (200 * 70000.0), 1e-14);
	assert_double_rel(months[4].debt_usd, 5.05e6, 1e-14);
	assert_double_rel(r.sold_usd[HP_SALE_MARGIN_CALL], 4.95e6, 1e-14);
	assert_double_rel(r.end.free_btc, 800 - 2.9e6 / 71000 - 2.05e6 / 50500, 1e-14);
	assert_double_abs(r.end.collateral_btc, 200, 0);
	assert_double_abs(r.end.cash_usd, 10e6, 0);
	assert_double_abs(r.topup_btc, 0, 0);
}

/*
 * Thresholds are >=: 10 M at 50 % LTV on 200 BTC; price 80 000 gives LTV
 * 10e6 / 16e6 = 0.625 exactly, = a 62.5 % margin call; 62 500 gives
 * 10e6 / 12.5e6 = 0.8 exactly, = an 80 % liquidation. One ulp above
 * 62 500 the LTV is below 0.8: a margin call, not a liquidation.
 */
static void test_loan_threshold_equality(void **state)
{
	struct hp_treasury_policy p = policy(200, 0);
	struct hp_treasury_result r;
	size_t d;

	(void)state;
	setup_flat(100000);
	for (d = 5; d < NDAYS; d++)
		price[d] = 80000;
	p.loan = loan_10m(HP_CURE_TOP_UP);
	p.loan.margin_call_ltv_pct = 62.5;
	p.loan.liquidation_ltv_pct = 80;
	r = run(&p, 1, NULL);
	assert_int_equal(r.first_margin_call_day, 5);
	assert_int_equal(r.margin_calls, 26); /* days 5..30 */
	assert_int_equal(r.liquidation_day, -1);

	for (d = 10; d < NDAYS; d++)
		price[d] = 62500;
	r = run(&p, 1, NULL);
	assert_int_equal(r.margin_calls, 5); /* days 5..9 */
	assert_int_equal(r.liquidation_day, 10);
	assert_event(&events[0], 10, HP_EVENT_SALE, HP_SALE_LIQUIDATION, 160, 62500);
	assert_double_abs(r.end.free_btc, 40, 0);

	for (d = 10; d < NDAYS; d++)
		price[d] = nextafter(62500, 1e6);
	r = run(&p, 1, NULL);
	assert_int_equal(r.liquidation_day, -1);
	assert_int_equal(r.margin_calls, 26);
}

/*
 * A gap down: price 30 000 from day 10; collateral 200 BTC is worth 6 M
 * against 10 M: all of it is sold, 4 M of debt remain unsecured, accruing
 * 12 %/12 = 1 % a month (40 000 USD) and due at the term (2 months):
 * cash 10 M - 40 000 - 40 000 - 4 M = 5.92 M.
 */
static void test_loan_liquidation_shortfall(void **state)
{
	struct hp_treasury_policy p = policy(200, 0);
	struct hp_treasury_result r;
	size_t d;

	(void)state;
	setup_flat(100000);
	for (d = 10; d < NDAYS; d++)
		price[d] = 30000;
	p.loan = loan_10m(HP_CURE_TOP_UP);
	p.loan.rate_pct_per_year = 12;
	p.loan.term_months = 2;
	r = run(&p, 3, NULL);
	assert_int_equal(r.liquidation_day, 10);
	assert_event(&events[0], 10, HP_EVENT_SALE, HP_SALE_LIQUIDATION, 200, 30000);
	assert_double_abs(months[1].debt_usd, 4e6, 0);
	assert_double_abs(months[1].collateral_btc, 0, 0);
	assert_double_abs(months[1].free_btc, 0, 0);
	assert_double_abs(months[1].ltv_pct, 0, 0);
	assert_double_rel(months[1].cash_usd, 9.96e6, 1e-14);
	assert_double_abs(months[2].debt_usd, 0, 0);
	assert_double_rel(months[2].cash_usd, 5.92e6, 1e-14);
	assert_double_rel(r.interest_usd, 80000, 1e-14);
	assert_int_equal(r.nevents, 1);
}

/*
 * Term repayment with sales: 1000 BTC, 10 M at 50 % LTV and a flat 50 000:
 * collateral 400, free 600, cash 10 M. Interest 6 %/12 x 10 M = 50 000 a
 * month, opex 3 M (not covered by sales): month ends 6.95 M, 3.9 M, then
 * 0.85 M - 10 M = -9.15 M at the term (3 months): 183 BTC sold (cause
 * debt), cash 0, collateral back: free 600 - 183 + 400 = 817. Month 3's
 * opex then leaves -3 M: out of cash in month 3.
 */
static void test_loan_term_repayment(void **state)
{
	struct hp_treasury_policy p = policy(1000, 0);
	struct hp_treasury_result r;
	size_t m;

	(void)state;
	setup_flat(50000);
	for (m = 0; m < 4; m++)
		flows[m].opex_usd = 3e6;
	p.loan = loan_10m(HP_CURE_TOP_UP);
	p.loan.rate_pct_per_year = 6;
	p.loan.term_months = 3;
	r = run(&p, 4, NULL);
	assert_double_abs(months[0].collateral_btc, 400, 0);
	assert_double_rel(months[1].cash_usd, 6.95e6, 1e-14);
	assert_double_rel(months[2].cash_usd, 3.9e6, 1e-14);
	assert_double_abs(months[2].debt_usd, 10e6, 0);
	assert_double_abs(months[3].cash_usd, 0, 0);
	assert_double_abs(months[3].debt_usd, 0, 0);
	assert_double_abs(months[3].collateral_btc, 0, 0);
	assert_double_rel(months[3].free_btc, 817, 1e-14);
	assert_double_rel(r.sold_btc[HP_SALE_DEBT], 183, 1e-14);
	assert_double_rel(r.interest_usd, 150000, 1e-14);
	assert_int_equal(r.nevents, 1);
	assert_event(&events[0], 90, HP_EVENT_SALE, HP_SALE_DEBT, 183, 50000);
	assert_int_equal(r.out_of_cash_month, 3);
	assert_double_abs(r.end.cash_usd, -3e6, 0);
	assert_int_equal(r.margin_calls, 0);
}

/* ------------------------------------------------------------------ */
/* hp_treasury_check                                                    */
/* ------------------------------------------------------------------ */

static struct hp_treasury_policy valid_policy(void)
{
	struct hp_treasury_policy p = policy(1000, 0);

	p.defi.allocation_pct = 10;
	p.defi.apy_pct = 5;
	p.loan = loan_10m(HP_CURE_TOP_UP);
	p.loan.rate_pct_per_year = 8;
	p.loan.term_months = 12;
	return p;
}

static void expect_error(const struct hp_treasury_policy *p, double start, const char *field,
			 const char *message)
{
	struct hp_error err;

	hp_error_clear(&err);
	assert_int_equal(hp_treasury_check(p, start, &err), HP_EINVAL);
	assert_string_equal(err.field, field);
	assert_string_equal(err.message, message);
}

static void test_check(void **state)
{
	struct hp_treasury_policy p;
	struct hp_error err;

	(void)state;
#define BAD(stmt, field, msg)                           \
	do {                                            \
		p = valid_policy();                     \
		stmt;                                   \
		expect_error(&p, 50000, field, msg);    \
	} while (0)

	p = valid_policy();
	assert_int_equal(hp_treasury_check(&p, 50000, &err), HP_OK);
	expect_error(&p, 0, "start_price_usd", "start_price_usd: must be a finite number > 0, got 0");
	expect_error(&p, NAN, "start_price_usd",
		     "start_price_usd: must be a finite number > 0, got nan");
	BAD(p.btc = -1, "btc", "btc: must be a finite number >= 0, got -1");
	BAD(p.cash_usd = NAN, "cash_usd", "cash_usd: must be a finite number >= 0, got nan");
	BAD(p.min_cash_usd = INFINITY, "min_cash_usd",
	    "min_cash_usd: must be a finite number >= 0, got inf");
	BAD(p.sell_production_pct = 101, "sell_production_pct",
	    "sell_production_pct: must be >= 0 and <= 100, got 101");
	BAD((p.has_target = true, p.target_btc = -5), "target_btc",
	    "target_btc: must be a finite number >= 0, got -5");
	BAD(p.defi.allocation_pct = -1, "defi.allocation_pct",
	    "defi.allocation_pct: must be >= 0 and <= 100, got -1");
	BAD(p.defi.apy_pct = 150, "defi.apy_pct", "defi.apy_pct: must be >= 0 and <= 100, got 150");
	BAD(p.defi.lockup_months = -1, "defi.lockup_months",
	    "defi.lockup_months: must be >= 0, got -1");
	BAD(p.defi.loss_probability_pct_per_year = NAN, "defi.loss_probability_pct_per_year",
	    "defi.loss_probability_pct_per_year: must be >= 0 and <= 100, got nan");
	BAD(p.defi.loss_severity_pct = 100.5, "defi.loss_severity_pct",
	    "defi.loss_severity_pct: must be >= 0 and <= 100, got 100.5");
	BAD(p.loan.principal_usd = -1, "loan.principal_usd",
	    "loan.principal_usd: must be a finite number >= 0, got -1");
	BAD(p.loan.rate_pct_per_year = 101, "loan.rate_pct_per_year",
	    "loan.rate_pct_per_year: must be >= 0 and <= 100, got 101");
	BAD(p.loan.ltv_pct = 0, "loan.ltv_pct", "loan.ltv_pct: must be > 0 and < 100, got 0");
	BAD(p.loan.ltv_pct = 100, "loan.ltv_pct", "loan.ltv_pct: must be > 0 and < 100, got 100");
	BAD(p.loan.margin_call_ltv_pct = 40, "loan.margin_call_ltv_pct",
	    "loan.margin_call_ltv_pct: must be > loan.ltv_pct (50), got 40");
	BAD(p.loan.margin_call_ltv_pct = 50, "loan.margin_call_ltv_pct",
	    "loan.margin_call_ltv_pct: must be > loan.ltv_pct (50), got 50");
	BAD(p.loan.liquidation_ltv_pct = 60, "loan.liquidation_ltv_pct",
	    "loan.liquidation_ltv_pct: must be > loan.margin_call_ltv_pct (70) and <= 100, got 60");
	BAD(p.loan.liquidation_ltv_pct = 101, "loan.liquidation_ltv_pct",
	    "loan.liquidation_ltv_pct: must be > loan.margin_call_ltv_pct (70) and <= 100, got 101");
	BAD(p.loan.term_months = -1, "loan.term_months", "loan.term_months: must be >= 0, got -1");
	BAD(p.loan.cure = (enum hp_margin_cure)7, "loan.cure",
	    "loan.cure: must be top_up or repay, got 7");
	/* deposit 900 of 1000; collateral 10e6 / (0.5 x 50 000) = 400 */
	BAD(p.defi.allocation_pct = 90, "loan.principal_usd",
	    "loan.principal_usd: needs 400 BTC of collateral at 50 % LTV and $50000, but only "
	    "100 BTC remain after the DeFi deposit");
#undef BAD

	/* exactly enough: 100 deposited + 400 pledged of 500 */
	p = valid_policy();
	p.btc = 500;
	p.defi.allocation_pct = 20;
	assert_int_equal(hp_treasury_check(&p, 50000, &err), HP_OK);
	/* no loan: its other fields are not read; no target: target_btc neither */
	p = valid_policy();
	p.loan.principal_usd = 0;
	p.loan.ltv_pct = 0;
	p.loan.margin_call_ltv_pct = 0;
	p.target_btc = -1;
	assert_int_equal(hp_treasury_check(&p, 50000, &err), HP_OK);
	assert_int_equal(hp_treasury_check(&p, 50000, NULL), HP_OK);
	p.btc = -1;
	assert_int_equal(hp_treasury_check(&p, 50000, NULL), HP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cause_names),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_sell_share_of_production),
		cmocka_unit_test(test_sell_to_cover_opex),
		cmocka_unit_test(test_capex),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_defi_yield),
		cmocka_unit_test(test_defi_lockup),
		cmocka_unit_test(test_defi_certain_loss),
		cmocka_unit_test(test_defi_random_loss),
		cmocka_unit_test(test_loan_top_up_then_liquidation),
		cmocka_unit_test(test_loan_liquidation_without_free_btc),
		cmocka_unit_test(test_loan_repay_cure),
		cmocka_unit_test(test_loan_threshold_equality),
		cmocka_unit_test(test_loan_liquidation_shortfall),
		cmocka_unit_test(test_loan_term_repayment),
		cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
