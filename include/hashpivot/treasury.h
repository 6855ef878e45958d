/*
 * treasury.h - a miner's BTC treasury and cash month by month under a
 * policy: hold, sell a share of production, sell to cover opex, sell to
 * fund capex, sell down to a target, deposit into DeFi for yield (with a
 * risk of loss), borrow USD against BTC (margin calls and liquidation
 * checked every day against the day's price).
 *
 * The run steps through calendar months (bounds from
 * hp_finance_month_bounds) over a daily price path price[0..ndays]. Every
 * day of month m (days bounds[m]+1 .. bounds[m+1]) the loan's LTV = debt /
 * (collateral x price) is checked: at or above the liquidation LTV the
 * lender sells collateral to repay the whole debt (the rest is returned);
 * otherwise at or above the margin-call LTV the call is cured, by posting
 * free BTC as collateral (top_up) or by selling free BTC to repay debt
 * (repay), back to the initial LTV as far as the free BTC allows. At each
 * month end (price[bounds[m+1]]), in this order: DeFi yield and the month's
 * loss draw; production credited and USD revenue received; loan interest
 * paid; the policy's sales (share of production, then the excess over the
 * target); opex paid, selling BTC to restore min_cash if the policy says
 * so; capex likewise; the loan principal at the end of its term (BTC sold
 * as needed, always). Sales take free BTC first, then DeFi deposits past
 * their lock-up; collateral is never sold by the treasury. Cash that is
 * still negative marks the month as out of cash (the run goes on with the
 * deficit). Every sale and top-up is an event with its day and cause.
 *
 * Invariants: deterministic given the policy, the path and the RNG stream
 * (HP_RNG_TREASURY, one uniform per month with DeFi deposits); nothing
 * allocates. hp_treasury_check() names fields as scenario keys without the
 * section prefix ("loan.margin_call_ltv_pct: must be > loan.ltv_pct (50),
 * got 40"). Equations: docs/model.md "Treasury".
 */
#ifndef HASHPIVOT_TREASURY_H
#define HASHPIVOT_TREASURY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "rng.h"

enum hp_sale_cause {
	HP_SALE_POLICY,       /* share of production, sales down to the target */
	HP_SALE_OPEX,         /* to keep cash at min_cash after opex (and interest) */
	HP_SALE_CAPEX,        /* to fund capex */
	HP_SALE_DEBT,         /* to repay the loan at its term */
	HP_SALE_MARGIN_CALL,  /* to repay debt when a margin call is cured by repaying */
	HP_SALE_LIQUIDATION,  /* the lender sells the collateral */
	HP_SALE_NCAUSES
};

/* "policy", "opex", "capex", "debt", "margin_call", "liquidation" */
HP_API const char *hp_treasury_cause_name(enum hp_sale_cause c);

enum hp_margin_cure { HP_CURE_TOP_UP, HP_CURE_REPAY };

struct hp_defi {
	double allocation_pct;               /* share of the starting BTC deposited at t = 0, [0, 100] */
	double apy_pct;                      /* yield in BTC, compounded monthly, [0, 100] */
	int64_t lockup_months;               /* deposits can be sold from the end of month
						lockup_months - 1 on (that many whole months
						after t = 0), >= 0 */
	double loss_probability_pct_per_year; /* a loss event, [0, 100] */
	double loss_severity_pct;            /* share of the deposit lost in an event, [0, 100] */
};

struct hp_loan {
	double principal_usd;        /* 0 = no loan; received in cash at t = 0 */
	double rate_pct_per_year;    /* interest debt x rate / 12 paid monthly in cash, [0, 100] */
	double ltv_pct;              /* initial: collateral = principal / (ltv x price[0]), (0, 100) */
	double margin_call_ltv_pct;  /* > ltv_pct */
	double liquidation_ltv_pct;  /* > margin_call_ltv_pct, <= 100 */
	int64_t term_months;         /* principal due at the end of this month; 0 = beyond the run */
	enum hp_margin_cure cure;
};

struct hp_treasury_policy {
	double btc;                  /* holdings at t = 0, >= 0 */
	double cash_usd;             /* >= 0 */
	double min_cash_usd;         /* sales to cover restore cash to this, >= 0 */
	double sell_production_pct;  /* share of each month's production sold, [0, 100] */
	bool sell_to_cover_opex;
	bool sell_to_fund_capex;
	bool has_target;
	double target_btc;           /* with has_target: free BTC above it is sold each month */
	struct hp_defi defi;
	struct hp_loan loan;
};

/* What the business adds to and takes from the treasury in one month. */
struct hp_treasury_flows {
	double btc_mined;     /* credited at month end, >= 0 */
	double revenue_usd;   /* USD income (hosting, BTC already sold at source) */
	double opex_usd;      /* USD costs: power, opex, SG&A */
	double capex_usd;
};

/* State at a month boundary. */
struct hp_treasury_month {
	double price_usd;
	double free_btc;       /* held outright */
	double defi_btc;       /* deposited (incl. yield) */
	double collateral_btc; /* pledged to the lender */
	double total_btc;      /* free + defi + collateral */
	double cash_usd;
	double debt_usd;
	double ltv_pct;        /* 0 without debt or collateral (unsecured rest after a liquidation) */
	double net_usd;        /* total_btc x price + cash - debt */
};

enum hp_treasury_event_kind { HP_EVENT_SALE, HP_EVENT_TOP_UP, HP_EVENT_DEFI_LOSS };

struct hp_treasury_event {
	int64_t day;                 /* day offset of the path */
	enum hp_treasury_event_kind kind;
	enum hp_sale_cause cause;    /* for sales (top-ups: HP_SALE_MARGIN_CALL; DeFi losses:
					HP_SALE_POLICY, meaningless) */
	double btc;
	double price_usd;
	double usd;                  /* btc x price for sales; 0 otherwise */
};

struct hp_treasury_result {
	/* caller-provided, nmonths + 1 entries (t = 0 and each month end), may be NULL */
	struct hp_treasury_month *months;
	/* caller-provided event log, may be NULL; events past events_cap are
	 * counted in events_dropped */
	struct hp_treasury_event *events;
	size_t events_cap, nevents, events_dropped;

	double sold_btc[HP_SALE_NCAUSES];
	double sold_usd[HP_SALE_NCAUSES];
	double sold_btc_total;
	double yield_btc;            /* DeFi yield earned */
	double defi_loss_btc;
	double topup_btc;            /* posted as collateral on margin calls */
	double interest_usd;
	int64_t margin_calls;        /* days a margin call was made */
	int64_t first_margin_call_day; /* -1 if none */
	int64_t liquidation_day;     /* -1 if none */
	int64_t out_of_cash_month;   /* first month ending with cash < 0, -1 if none */
	double min_cash_usd;         /* lowest month-end cash */
	struct hp_treasury_month end; /* the state after the last month */
};

/*
 * Validate p against the starting price: ranges, LTV thresholds in order,
 * enough starting BTC for the DeFi deposit plus the loan's collateral.
 */
HP_API enum hp_status hp_treasury_check(const struct hp_treasury_policy *p, double start_price_usd,
					struct hp_error *err);

/*
 * Run nmonths months. price has bounds[nmonths] + 1 values; flows has
 * nmonths entries; rng is the path's HP_RNG_TREASURY stream (may be NULL
 * when the policy has no DeFi loss risk). The result's counters are reset
 * first; its caller-provided arrays are filled.
 */
HP_API void hp_treasury_run(const struct hp_treasury_policy *p, const double *price,
			    const int64_t *bounds, size_t nmonths,
			    const struct hp_treasury_flows *flows, struct hp_rng *rng,
			    struct hp_treasury_result *out);

/*
 * The treasury stepped by its owner, for models whose flows depend on the
 * path as it unfolds (the industry simulator settles every day). The state
 * is plain data; hp_treasury_run is begin + daily check_loan + settle at
 * each month end.
 */
struct hp_treasury_state {
	const struct hp_treasury_policy *p;
	struct hp_treasury_result *out;
	double free_btc, defi_btc, coll_btc, cash, debt;
	bool secured;        /* collateral is pledged and the LTV is watched */
	bool defi_unlocked;  /* this settlement may sell DeFi deposits */
	bool term_done;      /* the loan's principal was repaid at its term */
};

/* One settlement: when it happens and how long a period it closes. */
struct hp_treasury_period {
	int64_t day;              /* day offset of the path (event days) */
	int64_t index;            /* recorded as out_of_cash_month the first time cash < 0 */
	int64_t months_done;      /* whole months since t = 0 (DeFi lock-up, loan term) */
	double periods_per_year;  /* 12 for months, 365.25 for days: interest and DeFi per period */
	double price_usd;
};

/* Start: DeFi deposit and loan collateral taken from the holdings, the
 * principal added to cash; out's counters reset (its arrays kept). */
HP_API void hp_treasury_begin(struct hp_treasury_state *s, const struct hp_treasury_policy *p,
			      double price0, struct hp_treasury_result *out);
/* The daily LTV check: liquidation, else a margin call and its cure. */
HP_API void hp_treasury_check_loan(struct hp_treasury_state *s, int64_t day, double price);
/* Close one period with its flows (the month-end steps of hp_treasury_run). */
HP_API void hp_treasury_settle(struct hp_treasury_state *s, const struct hp_treasury_flows *f,
			       const struct hp_treasury_period *t, struct hp_rng *rng);
/* Sell free then unlocked DeFi BTC to bring cash up to target; returns the BTC sold. */
HP_API double hp_treasury_raise_cash(struct hp_treasury_state *s, double target,
				     enum hp_sale_cause cause, int64_t day, double price);
/* Sell everything (a failed company's treasury): the collateral repays
 * the loan, the rest and all DeFi deposits are sold; returns the BTC sold. */
HP_API double hp_treasury_sell_all(struct hp_treasury_state *s, enum hp_sale_cause cause,
				   int64_t day, double price);
HP_API double hp_treasury_total_btc(const struct hp_treasury_state *s);
HP_API void hp_treasury_snapshot(const struct hp_treasury_state *s, double price,
				 struct hp_treasury_month *m);

#endif
