/*
 * treasury.c - a miner's BTC treasury and cash month by month
 * (include/hashpivot/treasury.h; equations in docs/model.md "Treasury").
 *
 * One pass over the months: the loan's LTV is checked on every day of the
 * month, then the month-end operations run in the header's order. The
 * state is five numbers (free, DeFi and collateral BTC, cash, debt); every
 * sale goes through sell(), which takes free BTC first, then unlocked DeFi
 * deposits, never more than is held, and logs the event. Nothing
 * allocates; the only randomness is one uniform per month from the
 * caller's HP_RNG_TREASURY stream, drawn only while a DeFi deposit is held
 * and its yearly loss probability is strictly between 0 and 100 %.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hashpivot/treasury.h"

#define MONTHS_PER_YEAR 12.0

static const char *const cause_names[HP_SALE_NCAUSES] = {
	[HP_SALE_POLICY] = "policy",
	[HP_SALE_OPEX] = "opex",
	[HP_SALE_CAPEX] = "capex",
	[HP_SALE_DEBT] = "debt",
	[HP_SALE_MARGIN_CALL] = "margin_call",
	[HP_SALE_LIQUIDATION] = "liquidation",
};

const char *hp_treasury_cause_name(enum hp_sale_cause c)
{
	if ((unsigned)c >= HP_SALE_NCAUSES)
		return "unknown";
	return cause_names[c];
}

/* ------------------------------------------------------------------ */
/* validation                                                           */
/* ------------------------------------------------------------------ */

static enum hp_status check_nonneg(double v, const char *field, struct hp_error *err)
{
	if (!isfinite(v) || v < 0)
		return hp_error_set(err, HP_EINVAL, field, "must be a finite number >= 0, got %g", v);
	return HP_OK;
}

static enum hp_status check_pct(double v, const char *field, struct hp_error *err)
{
	if (!(v >= 0 && v <= 100))
		return hp_error_set(err, HP_EINVAL, field, "must be >= 0 and <= 100, got %g", v);
	return HP_OK;
}

/* DeFi deposit and loan collateral at t = 0 (the run uses the same formulas). */
static double defi_deposit(const struct hp_treasury_policy *p)
{
	return p->defi.allocation_pct / 100 * p->btc;
}

static double loan_collateral(const struct hp_treasury_policy *p, double price)
{
	if (!(p->loan.principal_usd > 0))
		return 0;
	return p->loan.principal_usd / (p->loan.ltv_pct / 100 * price);
}

/*
 * Method: each field against its range, in the order of the struct; the
 * loan's fields only when it has a principal (a policy without a loan may
 * leave them 0); then the t = 0 balance: deposit + collateral <= btc.
 * Special cases: NaN and infinities fail every range.
 * Accuracy: the balance compares the very doubles hp_treasury_run computes.
 * Source: docs/model.md "Treasury".
 */
enum hp_status hp_treasury_check(const struct hp_treasury_policy *p, double start_price_usd,
				 struct hp_error *err)
{
	const struct hp_defi *d = &p->defi;
	const struct hp_loan *l = &p->loan;
	enum hp_status st;
	double deposit, collateral;

	if (!isfinite(start_price_usd) || start_price_usd <= 0)
		return hp_error_set(err, HP_EINVAL, "start_price_usd",
				    "must be a finite number > 0, got %g", start_price_usd);
	if ((st = check_nonneg(p->btc, "btc", err)) != HP_OK ||
	    (st = check_nonneg(p->cash_usd, "cash_usd", err)) != HP_OK ||
	    (st = check_nonneg(p->min_cash_usd, "min_cash_usd", err)) != HP_OK ||
	    (st = check_pct(p->sell_production_pct, "sell_production_pct", err)) != HP_OK)
		return st;
	if (p->has_target && (st = check_nonneg(p->target_btc, "target_btc", err)) != HP_OK)
		return st;
	if ((st = check_pct(d->allocation_pct, "defi.allocation_pct", err)) != HP_OK ||
	    (st = check_pct(d->apy_pct, "defi.apy_pct", err)) != HP_OK)
		return st;
	if (d->lockup_months < 0)
		return hp_error_set(err, HP_EINVAL, "defi.lockup_months", "must be >= 0, got %lld",
				    (long long)d->lockup_months);
	if ((st = check_pct(d->loss_probability_pct_per_year, "defi.loss_probability_pct_per_year",
			    err)) != HP_OK ||
	    (st = check_pct(d->loss_severity_pct, "defi.loss_severity_pct", err)) != HP_OK ||
	    (st = check_nonneg(l->principal_usd, "loan.principal_usd", err)) != HP_OK)
		return st;
	if (l->principal_usd > 0) {
		if ((st = check_pct(l->rate_pct_per_year, "loan.rate_pct_per_year", err)) != HP_OK)
			return st;
		if (!(l->ltv_pct > 0 && l->ltv_pct < 100))
			return hp_error_set(err, HP_EINVAL, "loan.ltv_pct",
					    "must be > 0 and < 100, got %g", l->ltv_pct);
		/* < 100 follows from the liquidation LTV's check */
		if (!(l->margin_call_ltv_pct > l->ltv_pct))
			return hp_error_set(err, HP_EINVAL, "loan.margin_call_ltv_pct",
					    "must be > loan.ltv_pct (%g), got %g",
					    l->ltv_pct, l->margin_call_ltv_pct);
		if (!(l->liquidation_ltv_pct > l->margin_call_ltv_pct &&
		      l->liquidation_ltv_pct <= 100))
			return hp_error_set(err, HP_EINVAL, "loan.liquidation_ltv_pct",
					    "must be > loan.margin_call_ltv_pct (%g) and <= 100, got %g",
					    l->margin_call_ltv_pct, l->liquidation_ltv_pct);
		if (l->term_months < 0)
			return hp_error_set(err, HP_EINVAL, "loan.term_months",
					    "must be >= 0, got %lld", (long long)l->term_months);
		if (l->cure != HP_CURE_TOP_UP && l->cure != HP_CURE_REPAY)
			return hp_error_set(err, HP_EINVAL, "loan.cure",
					    "must be top_up or repay, got %d", (int)l->cure);
	}
	deposit = defi_deposit(p);
	collateral = loan_collateral(p, start_price_usd);
	if (deposit + collateral > p->btc)
		return hp_error_set(err, HP_EINVAL, "loan.principal_usd",
				    "needs %g BTC of collateral at %g %% LTV and $%g, but only %g BTC "
				    "remain after the DeFi deposit",
				    collateral, l->ltv_pct, start_price_usd, p->btc - deposit);
	return HP_OK;
}

/* ------------------------------------------------------------------ */
/* the run                                                              */
/* ------------------------------------------------------------------ */

static void log_event(struct hp_treasury_result *out, int64_t day,
		      enum hp_treasury_event_kind kind, enum hp_sale_cause cause, double btc,
		      double price, double usd)
{
	if (out->events && out->nevents < out->events_cap) {
		struct hp_treasury_event *e = &out->events[out->nevents++];

		e->day = day;
		e->kind = kind;
		e->cause = cause;
		e->btc = btc;
		e->price_usd = price;
		e->usd = usd;
	} else {
		out->events_dropped++;
	}
}

/* fmin(x, y) for x a number (not NaN), as an inline comparison: sell() runs
 * for every cohort every simulated day, and gcc calls libm's fmin. */
static inline double min_of(double x, double y)
{
	return y < x ? y : x;
}

/*
 * Sell up to want BTC at price: free BTC first, then (use_defi and
 * unlocked) DeFi deposits. Returns what was sold (0 when nothing is held,
 * want <= 0 or the price is not positive); logs one event for it.
 */
static double sell(struct hp_treasury_state *s, double want, bool use_defi, enum hp_sale_cause cause,
		   int64_t day, double price)
{
	double from_free, from_defi = 0, btc;

	if (!(want > 0) || !(price > 0))
		return 0;
	from_free = min_of(want, s->free_btc);
	s->free_btc -= from_free;
	if (use_defi && s->defi_unlocked && from_free < want) {
		from_defi = min_of(want - from_free, s->defi_btc);
		s->defi_btc -= from_defi;
	}
	btc = from_free + from_defi;
	if (btc <= 0)
		return 0;
	s->out->sold_btc[cause] += btc;
	s->out->sold_usd[cause] += btc * price;
	s->out->sold_btc_total += btc;
	log_event(s->out, day, HP_EVENT_SALE, cause, btc, price, btc * price);
	return btc;
}

/*
 * Sell BTC (free, then unlocked DeFi) to bring cash up to target. When
 * enough is held, cash ends at target exactly (not target - cash divided
 * and multiplied by the price, which can miss it by an ulp and turn a
 * cash-neutral month into an out-of-cash one).
 */
static void raise_cash(struct hp_treasury_state *s, double target, enum hp_sale_cause cause, int64_t day,
		       double price)
{
	double want, sold;

	if (!(s->cash < target) || !(price > 0))
		return;
	want = (target - s->cash) / price;
	sold = sell(s, want, true, cause, day, price);
	if (sold >= want)
		s->cash = target;
	else
		s->cash += sold * price;
}

/* LTV as a fraction; 0 without debt or without collateral. */
static double ltv_of(const struct hp_treasury_state *s, double price)
{
	if (!(s->debt > 0) || !(s->coll_btc > 0) || !(price > 0))
		return 0;
	return s->debt / (s->coll_btc * price);
}

/*
 * Method: the lender sells q = min(collateral, debt / price) BTC, the
 * debt falls by q x price (to exactly 0 when the collateral covered it),
 * the rest of the collateral returns to free BTC, the loan is unsecured.
 * Special cases: collateral worth less than the debt leaves the shortfall
 * as unsecured debt that keeps accruing interest and is due at the term.
 * Accuracy: a few roundings. Source: docs/model.md "Treasury".
 */
static void liquidate(struct hp_treasury_state *s, int64_t day, double price)
{
	struct hp_treasury_result *out = s->out;
	double need = s->debt / price, q = fmin(s->coll_btc, need);

	out->sold_btc[HP_SALE_LIQUIDATION] += q;
	out->sold_usd[HP_SALE_LIQUIDATION] += q * price;
	out->sold_btc_total += q;
	log_event(out, day, HP_EVENT_SALE, HP_SALE_LIQUIDATION, q, price, q * price);
	s->debt = q >= need ? 0 : s->debt - q * price;
	s->free_btc += s->coll_btc - q;
	s->coll_btc = 0;
	s->secured = false;
	out->liquidation_day = day;
}

/*
 * Method: top_up posts c = min(free, debt / (ltv0 x price) - collateral)
 * BTC; repay sells x = min(free, (debt - ltv0 x collateral x price) /
 * price) BTC and pays the debt down by x x price. Either restores LTV =
 * ltv0 exactly in real arithmetic when the free BTC suffices.
 * Special cases: no free BTC: the call is counted, nothing is cured.
 * Accuracy: LTV after the cure = ltv0 to a few ulps.
 * Source: docs/model.md "Treasury".
 */
static void margin_call(struct hp_treasury_state *s, int64_t day, double price)
{
	struct hp_treasury_result *out = s->out;
	double ltv0 = s->p->loan.ltv_pct / 100;

	out->margin_calls++;
	if (out->first_margin_call_day < 0)
		out->first_margin_call_day = day;
	if (s->p->loan.cure == HP_CURE_REPAY) {
		double x = (s->debt - ltv0 * s->coll_btc * price) / price;
		double sold = sell(s, x, false, HP_SALE_MARGIN_CALL, day, price);

		s->debt -= sold * price;
	} else {
		double c = fmin(s->free_btc, s->debt / (ltv0 * price) - s->coll_btc);

		if (c > 0) {
			s->free_btc -= c;
			s->coll_btc += c;
			out->topup_btc += c;
			log_event(out, day, HP_EVENT_TOP_UP, HP_SALE_MARGIN_CALL, c, price, 0);
		}
	}
}

/* The daily LTV check: liquidation first, else the margin call. */
static void check_loan(struct hp_treasury_state *s, int64_t day, double price)
{
	double ltv;

	if (!s->secured || !(price > 0))
		return;
	ltv = ltv_of(s, price);
	if (ltv >= s->p->loan.liquidation_ltv_pct / 100)
		liquidate(s, day, price);
	else if (ltv >= s->p->loan.margin_call_ltv_pct / 100)
		margin_call(s, day, price);
}

/*
 * Method: over a period of 1/n year (n = 12 for a month, 365.25 for a
 * day), deposit D -> D (1 + apy)^(1/n) (compounding to the APY); then a
 * loss with probability q = 1 - (1 - P)^(1/n) (P the yearly probability,
 * so n periods give P), decided by one uniform u < q; a loss takes D x
 * severity.
 * Special cases: P = 0 draws nothing; P = 100 % loses every month without
 * a draw; no deposit (or no rng) draws nothing.
 * Accuracy: pow() to an ulp; twelve months give (1 + apy) to ~12 ulps.
 * Source: docs/model.md "Treasury".
 */
static void defi_period(struct hp_treasury_state *s, struct hp_rng *rng, double periods_per_year,
			int64_t day, double price)
{
	const struct hp_defi *d = &s->p->defi;
	struct hp_treasury_result *out = s->out;
	double prob = d->loss_probability_pct_per_year / 100, growth, loss;
	bool lost;

	if (!(s->defi_btc > 0))
		return;
	growth = s->defi_btc * (pow(1 + d->apy_pct / 100, 1 / periods_per_year) - 1);
	s->defi_btc += growth;
	out->yield_btc += growth;
	if (prob >= 1)
		lost = true;
	else if (prob > 0 && rng)
		lost = hp_rng_uniform(rng) < 1 - pow(1 - prob, 1 / periods_per_year);
	else
		lost = false;
	if (!lost)
		return;
	loss = s->defi_btc * (d->loss_severity_pct / 100);
	s->defi_btc -= loss;
	out->defi_loss_btc += loss;
	log_event(out, day, HP_EVENT_DEFI_LOSS, HP_SALE_POLICY, loss, price, 0);
}

void hp_treasury_snapshot(const struct hp_treasury_state *s, double price,
			  struct hp_treasury_month *m)
{
	m->price_usd = price;
	m->free_btc = s->free_btc;
	m->defi_btc = s->defi_btc;
	m->collateral_btc = s->coll_btc;
	m->total_btc = s->free_btc + s->defi_btc + s->coll_btc;
	m->cash_usd = s->cash;
	m->debt_usd = s->debt;
	m->ltv_pct = 100 * ltv_of(s, price);
	m->net_usd = m->total_btc * price + s->cash - s->debt;
}

static void reset(struct hp_treasury_result *out)
{
	struct hp_treasury_month *months = out->months;
	struct hp_treasury_event *events = out->events;
	size_t cap = out->events_cap;

	memset(out, 0, sizeof(*out));
	out->months = months;
	out->events = events;
	out->events_cap = cap;
	out->first_margin_call_day = -1;
	out->liquidation_day = -1;
	out->out_of_cash_month = -1;
}

/*
 * Method: the DeFi deposit (allocation x btc) and the collateral
 * (principal / (ltv x price0), capped at the free BTC) leave free BTC, the
 * principal joins cash.
 * Source: docs/model.md "Treasury".
 */
void hp_treasury_begin(struct hp_treasury_state *s, const struct hp_treasury_policy *p,
		       double price0, struct hp_treasury_result *out)
{
	reset(out);
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->out = out;
	s->free_btc = p->btc;
	s->cash = p->cash_usd;
	s->defi_btc = defi_deposit(p);
	s->free_btc -= s->defi_btc;
	if (p->loan.principal_usd > 0 && price0 > 0) {
		s->coll_btc = fmin(loan_collateral(p, price0), s->free_btc);
		s->free_btc -= s->coll_btc;
		s->debt = p->loan.principal_usd;
		s->cash += p->loan.principal_usd;
		s->secured = true;
	}
}

void hp_treasury_check_loan(struct hp_treasury_state *s, int64_t day, double price)
{
	check_loan(s, day, price);
}

/*
 * Method: at price P on day `day`: (1) DeFi yield and loss for one period;
 * (2) btc_mined to free BTC, revenue to cash; (3) interest debt x rate / n
 * from cash; (4) policy sales: sell_production_pct of btc_mined, then free
 * BTC above the target; (5) opex from cash, sales (cause opex) back to
 * min_cash if sell_to_cover_opex; (6) capex from cash, sales (cause capex)
 * back to min(min_cash, cash before capex) if sell_to_fund_capex; (7) once
 * months_done reaches term_months, the debt from cash, sales (cause debt)
 * back to min(0, cash before repayment), the collateral back to free BTC;
 * (8) cash < 0 marks period `index` out of cash (the first time). DeFi
 * deposits can be sold once months_done >= lockup_months.
 * Special cases: rng NULL: no random DeFi losses; a non-positive price
 * skips every sale.
 * Accuracy: plain double arithmetic, a few roundings per operation.
 * Source: docs/model.md "Treasury".
 */
void hp_treasury_settle(struct hp_treasury_state *s, const struct hp_treasury_flows *f,
			const struct hp_treasury_period *t, struct hp_rng *rng)
{
	const struct hp_treasury_policy *p = s->p;
	struct hp_treasury_result *out = s->out;
	double pe = t->price_usd, c0;
	int64_t end = t->day;

	s->defi_unlocked = t->months_done >= p->defi.lockup_months;
	/* (1) DeFi */
	defi_period(s, rng, t->periods_per_year, end, pe);
	/* (2) production and revenue */
	s->free_btc += f->btc_mined;
	s->cash += f->revenue_usd;
	/* (3) interest */
	if (s->debt > 0) {
		double interest = s->debt * (p->loan.rate_pct_per_year / 100 / t->periods_per_year);

		s->cash -= interest;
		out->interest_usd += interest;
	}
	/* (4) policy */
	if (p->sell_production_pct > 0)
		s->cash += pe * sell(s, p->sell_production_pct / 100 * f->btc_mined, false,
				     HP_SALE_POLICY, end, pe);
	if (p->has_target && s->free_btc > p->target_btc)
		s->cash += pe * sell(s, s->free_btc - p->target_btc, false, HP_SALE_POLICY, end, pe);
	/* (5) opex */
	s->cash -= f->opex_usd;
	if (p->sell_to_cover_opex)
		raise_cash(s, p->min_cash_usd, HP_SALE_OPEX, end, pe);
	/* (6) capex */
	c0 = s->cash;
	s->cash -= f->capex_usd;
	if (p->sell_to_fund_capex && f->capex_usd > 0)
		raise_cash(s, fmin(p->min_cash_usd, c0), HP_SALE_CAPEX, end, pe);
	/* (7) the principal at the end of the term */
	if (p->loan.term_months > 0 && !s->term_done && t->months_done >= p->loan.term_months) {
		s->term_done = true;
		c0 = s->cash;
		s->cash -= s->debt;
		s->debt = 0;
		raise_cash(s, fmin(0, c0), HP_SALE_DEBT, end, pe);
		s->free_btc += s->coll_btc;
		s->coll_btc = 0;
		s->secured = false;
	}
	/* (8) out of cash */
	if (s->cash < 0 && out->out_of_cash_month < 0)
		out->out_of_cash_month = t->index;
	if (s->cash < out->min_cash_usd)
		out->min_cash_usd = s->cash;
}

double hp_treasury_raise_cash(struct hp_treasury_state *s, double target, enum hp_sale_cause cause,
			      int64_t day, double price)
{
	double before = s->out->sold_btc_total;

	raise_cash(s, target, cause, day, price);
	return s->out->sold_btc_total - before;
}

/*
 * Method: the collateral first repays the loan (as a lender's
 * liquidation), then every free BTC and DeFi deposit (locked or not) is
 * sold, all with cause `cause`; cash receives the proceeds.
 * Source: docs/model.md "Treasury".
 */
double hp_treasury_sell_all(struct hp_treasury_state *s, enum hp_sale_cause cause, int64_t day,
			    double price)
{
	double before = s->out->sold_btc_total, btc;

	if (!(price > 0))
		return 0;
	if (s->coll_btc > 0) {
		double q = s->debt > 0 ? fmin(s->coll_btc, s->debt / price) : 0;

		s->debt = q * price >= s->debt ? 0 : s->debt - q * price;
		s->free_btc += s->coll_btc - q;
		s->coll_btc = 0;
		s->secured = false;
		if (q > 0) {
			s->out->sold_btc[cause] += q;
			s->out->sold_usd[cause] += q * price;
			s->out->sold_btc_total += q;
			log_event(s->out, day, HP_EVENT_SALE, cause, q, price, q * price);
		}
	}
	s->defi_unlocked = true;
	btc = s->free_btc + s->defi_btc;
	s->cash += price * sell(s, btc, true, cause, day, price);
	return s->out->sold_btc_total - before;
}

double hp_treasury_total_btc(const struct hp_treasury_state *s)
{
	return s->free_btc + s->defi_btc + s->coll_btc;
}

/*
 * Method: hp_treasury_begin at price[bounds[0]]; month m: the LTV check on
 * days bounds[m]+1 .. bounds[m+1], then hp_treasury_settle at the
 * month-end price with months_done = m + 1 and 12 periods a year.
 * Source: docs/model.md "Treasury".
 */
void hp_treasury_run(const struct hp_treasury_policy *p, const double *price,
		     const int64_t *bounds, size_t nmonths, const struct hp_treasury_flows *flows,
		     struct hp_rng *rng, struct hp_treasury_result *out)
{
	struct hp_treasury_state s;
	double p0 = price[bounds[0]];
	size_t m;

	hp_treasury_begin(&s, p, p0, out);
	if (out->months)
		hp_treasury_snapshot(&s, p0, &out->months[0]);
	out->min_cash_usd = nmonths ? INFINITY : s.cash;

	for (m = 0; m < nmonths; m++) {
		struct hp_treasury_period t;
		int64_t day, end = bounds[m + 1];

		for (day = bounds[m] + 1; day <= end; day++)
			check_loan(&s, day, price[day]);
		t.day = end;
		t.index = (int64_t)m;
		t.months_done = (int64_t)m + 1;
		t.periods_per_year = MONTHS_PER_YEAR;
		t.price_usd = price[end];
		hp_treasury_settle(&s, &flows[m], &t, rng);
		if (out->months)
			hp_treasury_snapshot(&s, t.price_usd, &out->months[m + 1]);
	}
	hp_treasury_snapshot(&s, price[bounds[nmonths]], &out->end);
}
