/*
 * finance.h - discounting and decisions over cash-flow streams: NPV, IRR,
 * payback, the calendar months a monthly model steps through, quantiles of
 * a sample, and the least-squares Monte Carlo (Longstaff-Schwartz) value of
 * an option to stop (e.g. to convert a mining site) with the exercise rule
 * it implies.
 *
 * Conventions: in a stream cf[0..n), cf[i] falls at time i periods: cf[0]
 * is undiscounted (an investment today) and cf[i] is discounted by
 * (1 + r)^-i. Rates are per period; a
 * yearly rate R becomes (1 + R)^(1/12) - 1 per month
 * (hp_finance_monthly_rate). Pure functions; only hp_finance_lsm allocates
 * (its workspace, freed before it returns). Equations: docs/model.md
 * "Finance".
 */
#ifndef HASHPIVOT_FINANCE_H
#define HASHPIVOT_FINANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

/* (1 + pct/100)^(1/12) - 1 */
HP_API double hp_finance_monthly_rate(double pct_per_year);

/* sum cf[i] / (1 + rate)^i, compensated summation; rate > -1. */
HP_API double hp_finance_npv(const double *cf, size_t n, double rate);

enum hp_irr_kind {
	HP_IRR_UNIQUE,    /* exactly one rate in (-1, HP_IRR_MAX_RATE] makes the NPV zero */
	HP_IRR_NONE,      /* no rate does (e.g. all flows of one sign) */
	HP_IRR_MULTIPLE   /* several do (non-conventional streams); all are listed */
};
#define HP_IRR_MAX_ROOTS 8
#define HP_IRR_MAX_RATE 100.0   /* per period: +10,000 % */

struct hp_irr {
	enum hp_irr_kind kind;
	double rate;                       /* the unique IRR per period; NaN otherwise */
	size_t nroots;                     /* roots found (<= HP_IRR_MAX_ROOTS) */
	double roots[HP_IRR_MAX_ROOTS];    /* ascending */
	size_t sign_changes;               /* of the stream (Descartes' bound on the roots) */
};

/*
 * The internal rate(s) of return per period of cf[0..n). Method: the NPV as
 * a polynomial in x = 1/(1+r) is scanned on a fine grid of log(1+r) over
 * (-1 + 1e-6, HP_IRR_MAX_RATE], every sign change is bracketed and refined
 * with Brent's method to a relative tolerance of 1e-12 in r; touching roots
 * (NPV zero without a sign change) are found as grid minima of |NPV| that
 * refine to zero. HP_EINVAL when n < 2 or a flow is not finite.
 */
HP_API enum hp_status hp_finance_irr(const double *cf, size_t n, struct hp_irr *out,
				     struct hp_error *err);

/* "unique", "none", "multiple" */
HP_API const char *hp_finance_irr_kind_name(enum hp_irr_kind k);

struct hp_payback_period {
	bool paid_back;
	double periods;   /* first time the cumulative (discounted) sum returns to >= 0
			     after going negative, interpolated linearly inside the
			     period; 0 when it never goes negative; NaN if never */
};
/* Payback of cf at a discount rate per period (0: simple payback). */
HP_API void hp_finance_payback(const double *cf, size_t n, double rate,
			       struct hp_payback_period *out);

/*
 * The calendar months of a monthly model from start_day (days since
 * 1970-01-01): bounds[m] is the day offset (from start_day) where month m
 * starts, bounds[0] = 0, for m in [0, nmonths]; month m has
 * bounds[m+1] - bounds[m] days. A month starting on day 31 (29, 30) of a
 * shorter month starts on that month's last day, the way finance adds
 * months (Jan 31 + 1 month = Feb 28/29); the day of month returns when it
 * fits again (Mar 31).
 */
HP_API void hp_finance_month_bounds(int64_t start_day, size_t nmonths, int64_t *bounds);

/*
 * The q-quantile (0 <= q <= 1) of x[0..n), n >= 1, by linear interpolation
 * between order statistics (Hyndman-Fan type 7, as numpy and R's default)
 * of an ascending array; NaN for n = 0. hp_finance_sort sorts ascending.
 */
HP_API double hp_finance_quantile_sorted(const double *sorted, size_t n, double q);
HP_API void hp_finance_sort(double *x, size_t n);

/*
 * Least-squares Monte Carlo (Longstaff & Schwartz 2001). npaths paths, each
 * with nsteps decision dates t = 0..nsteps-1 (t = 0 is today). For path p
 * and date t (index p * nsteps + t):
 *   state      the regression variable (e.g. BTC price);
 *   exercise   what stopping at t is worth at t (e.g. the value at t of
 *              converting then, net of capex), may be negative;
 *   running    the cash flow received at t while not stopped (e.g. the
 *              mining margin of that month), NULL for none.
 * Stopping at t gives exercise[t] instead of running[t] and everything
 * after; never stopping gives every running[t]. Values are discounted by
 * discount per step (a factor in (0, 1]). Exercise is allowed at dates with
 * allowed[t] true (NULL: all). Backward induction regresses the realised
 * continuation value at t on 1, x, ..., x^degree of x = state / scale
 * (scale = the mean |state| at t over the regression paths) over the paths
 * where exercise[t] > 0 when itm_only (all paths otherwise), with
 * LAPACKE_dgels; a path stops at t when exercise[t] beats the fitted
 * continuation (running[t], known at t, plus the fitted discounted future;
 * with itm_only only the regression paths may stop). The value today is
 * the better of stopping now (the mean of exercise[., 0]; paths normally
 * share date 0) and the mean realised value.
 */
struct hp_lsm_input {
	size_t npaths;          /* >= degree + 2 */
	size_t nsteps;          /* >= 1 */
	const double *state;
	const double *exercise;
	const double *running;  /* may be NULL */
	const bool *allowed;    /* may be NULL */
	double discount;        /* per step, (0, 1] */
	unsigned degree;        /* 1..6 */
	bool itm_only;
};

struct hp_lsm_result {
	double value;            /* today: max(exercise at 0 if allowed, mean of paths) */
	double std_error;        /* of the mean over paths */
	double never_value;      /* value of never stopping (mean PV of running) */
	double exercise_probability; /* share of paths that stop at some date */
	double mean_exercise_step;   /* over the paths that stop; NaN if none */
	bool exercise_now;       /* stopping at t = 0 is optimal */
	/* Per date (caller-provided arrays of nsteps, may be NULL): the share of
	 * paths whose (first) stop is there, and the exercise boundary - the
	 * largest and the smallest state among paths the rule stops at t,
	 * whether or not they stopped earlier (NaN where none), which for a
	 * rule "stop when the state is low" reads "stop at t when
	 * state <= boundary_high[t]". */
	double *stop_share;
	double *boundary_low;
	double *boundary_high;
	/* Per path (caller-provided, npaths, may be NULL): the date it stops,
	 * or nsteps when it never does. */
	int64_t *stop_step;
};

/*
 * Run LSM. HP_EINVAL naming the field of hp_lsm_input for bad sizes or
 * values, HP_ENOMEM, HP_EINTERNAL if LAPACK fails (rank deficiency is
 * handled by dropping to a lower degree at that date).
 */
HP_API enum hp_status hp_finance_lsm(const struct hp_lsm_input *in, struct hp_lsm_result *out,
				     struct hp_error *err);

#endif
