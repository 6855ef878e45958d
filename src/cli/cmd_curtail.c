/*
 * cmd_curtail.c - `hashpivot curtail`: run a machine only in the hours that
 * pay, against an hourly power price file (docs/model.md "Curtailment").
 *
 * The machine is described by struct curtail_machine, filled from a
 * catalog entry (--machine NAME) or from --hashrate-ths/--power-w, and
 * --pue, before curtail_report() is called.
 */
#include "cli.h"
#include "hashpivot/machines.h"
#include "hashpivot/parse.h"
#include "hashpivot/powerprice.h"

enum {
	OPT_PRICES = CLI_OPT_FIRST_FREE,
	OPT_HASHRATE,
	OPT_POWER,
	OPT_PUE,
	OPT_DR_CREDIT,
	OPT_MIN_UPTIME,
	OPT_MACHINE,
	OPT_CATALOG
};

#define HOURS_PER_DAY 24.0
#define W_PER_MW 1e6

struct curtail_machine {
	double hashrate_ths;
	double power_w; /* at the wall */
	double pue;     /* facility overhead, >= 1 */
};

/* What the user asked for besides the machine and the hashprice. */
struct curtail_opts {
	const char *prices_path;
	double dr_credit_usd_per_mwh;
	double min_uptime_pct;
};

/* A number in (0, max]: hp_parse_double's range is closed, so 0 is refused here. */
static int parse_positive(const struct cli_ctx *ctx, const char *s, double max, double *out,
			  const char *option)
{
	struct hp_error err = {0};

	if (hp_parse_double(s, 0, max, out, option, &err))
		return cli_fail(ctx, &err);
	if (*out == 0)
		return cli_usage_error(ctx, "%s: must be > 0, got '%s'", option, s);
	return 0;
}

/*
 * Curtail machine m over the price file at hashprice h and print the
 * report: everything per hour derives from the machine here, so a machine
 * from any source gets the same arithmetic and output.
 */
static int curtail_report(const struct cli_ctx *ctx, const struct curtail_machine *m,
			  const struct cli_net *h, const struct curtail_opts *co)
{
	struct hp_power_series s;
	struct hp_curtail_input in = {0};
	struct hp_curtail_result r;
	struct hp_error err = {0};
	double mean;
	json_t *o;

	in.revenue_usd_per_hour = h->hp.usd_per_th_day * m->hashrate_ths / HOURS_PER_DAY;
	in.load_mw = m->power_w * m->pue / W_PER_MW;
	in.dr_credit_usd_per_mwh = co->dr_credit_usd_per_mwh;
	in.min_uptime_pct = co->min_uptime_pct;

	if (hp_power_series_load(co->prices_path, &s, &err) != HP_OK) {
		hp_error_prefix(&err, "--prices: ");
		return cli_fail(ctx, &err);
	}
	if (hp_curtail(&s, &in, &r, &err) != HP_OK) {
		hp_power_series_release(&s);
		return cli_fail(ctx, &err);
	}
	mean = hp_power_series_mean(&s);

	o = json_object();
	cli_set_int(o, "hours", (int64_t)r.hours);
	cli_set_int(o, "hours_run", (int64_t)r.hours_run);
	cli_set_real(o, "uptime_pct", r.uptime_pct);
	cli_set_real(o, "avg_price_paid_usd_per_mwh", r.avg_price_paid_usd_per_mwh);
	cli_set_real(o, "avg_price_usd_per_mwh", mean);
	cli_set_real(o, "revenue_usd", r.revenue_usd);
	cli_set_real(o, "power_cost_usd", r.power_cost_usd);
	cli_set_real(o, "dr_credit_usd", r.dr_credit_usd);
	cli_set_real(o, "profit_usd", r.profit_usd);
	cli_set_real(o, "revenue_lost_usd", r.revenue_lost_usd);
	cli_set_real(o, "power_saved_usd", r.power_saved_usd);
	cli_set_real(o, "flat_profit_usd", r.flat_profit_usd);
	cli_set_real(o, "gain_usd", r.gain_usd);
	/* the price at and above which an hour is curtailed */
	cli_set_real(o, "breakeven_power_usd_per_mwh",
		     in.revenue_usd_per_hour / in.load_mw - in.dr_credit_usd_per_mwh);
	cli_set_real(o, "revenue_usd_per_hour", in.revenue_usd_per_hour);
	cli_set_real(o, "load_mw", in.load_mw);
	cli_set_str(o, "prices", co->prices_path);
	cli_set_time(o, "first_hour", s.time[0]);
	cli_set_time(o, "last_hour", s.time[s.n - 1]);
	cli_set_real(o, "hashrate_ths", m->hashrate_ths);
	cli_set_real(o, "power_w", m->power_w);
	cli_set_real(o, "pue", m->pue);
	cli_set_real(o, "dr_credit_usd_per_mwh", in.dr_credit_usd_per_mwh);
	cli_set_real(o, "min_uptime_pct", in.min_uptime_pct);
	cli_set_real(o, "usd_per_th_day", h->hp.usd_per_th_day);
	cli_net_echo(o, h);
	hp_power_series_release(&s);
	return cli_emit(ctx, o);
}

int cmd_curtail(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"prices", required_argument, NULL, OPT_PRICES},
		{"hashrate-ths", required_argument, NULL, OPT_HASHRATE},
		{"power-w", required_argument, NULL, OPT_POWER},
		{"pue", required_argument, NULL, OPT_PUE},
		CLI_NET_OPTIONS,
		{"dr-credit-usd-per-mwh", required_argument, NULL, OPT_DR_CREDIT},
		{"min-uptime-pct", required_argument, NULL, OPT_MIN_UPTIME},
		{"machine", required_argument, NULL, OPT_MACHINE},
		{"catalog", required_argument, NULL, OPT_CATALOG},
		CLI_COMMON_OPTIONS,
		{0},
	};
	const char *hashrate = NULL, *power = NULL, *pue = NULL, *credit = NULL, *uptime = NULL;
	const char *machine = NULL, *catalog = NULL;
	struct curtail_machine m = { 0, 0, 1 };
	struct curtail_opts co = { NULL, 0, 0 };
	struct cli_net h = {0};
	struct hp_error err = {0};
	int c, rc;

	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (cli_net_option(&h, c, ctx->arg))
			continue;
		switch (c) {
		case CLI_EXIT:
			return ctx->exit_code;
		case OPT_PRICES:
			co.prices_path = ctx->arg;
			break;
		case OPT_HASHRATE:
			hashrate = ctx->arg;
			break;
		case OPT_POWER:
			power = ctx->arg;
			break;
		case OPT_PUE:
			pue = ctx->arg;
			break;
		case OPT_DR_CREDIT:
			credit = ctx->arg;
			break;
		case OPT_MIN_UPTIME:
			uptime = ctx->arg;
			break;
		case OPT_MACHINE:
			machine = ctx->arg;
			break;
		case OPT_CATALOG:
			catalog = ctx->arg;
			break;
		}
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	if (!co.prices_path)
		return cli_usage_error(ctx, "--prices: missing; see 'hashpivot curtail --help'");
	if (machine && (hashrate || power))
		return cli_usage_error(ctx, "give --machine NAME or --hashrate-ths and --power-w, "
					    "not both");
	if (!machine && !hashrate)
		return cli_usage_error(ctx, "--hashrate-ths: missing (or give --machine NAME); "
					    "see 'hashpivot curtail --help'");
	if (!machine && !power)
		return cli_usage_error(ctx, "--power-w: missing; see 'hashpivot curtail --help'");
	if ((rc = cli_net_finish(ctx, &h)) != 0)
		return rc;
	if (machine) {
		struct hp_catalog cat = {0};
		const struct hp_machine *found;
		struct cli_catalog_opts files = {&catalog, catalog ? 1 : 0, NULL, 0};
		if ((rc = cli_catalog_load(ctx, &cat, &files)) != 0)
			return rc;
		found = hp_catalog_find(&cat, machine);
		if (found) {
			m.hashrate_ths = found->hashrate_ths;
			m.power_w = found->power_w;
		}
		hp_catalog_release(&cat);
		if (!found)
			return cli_usage_error(ctx, "--machine: unknown machine '%.80s'; see "
						    "'hashpivot machines'", machine);
	} else if ((rc = parse_positive(ctx, hashrate, 1e9, &m.hashrate_ths, "--hashrate-ths")) != 0 ||
		   (rc = parse_positive(ctx, power, 1e10, &m.power_w, "--power-w")) != 0) {
		return rc;
	}
	if ((pue && hp_parse_double(pue, 1, 10, &m.pue, "--pue", &err)) ||
	    (credit &&
	     hp_parse_double(credit, 0, 1e6, &co.dr_credit_usd_per_mwh, "--dr-credit-usd-per-mwh",
			     &err)) ||
	    (uptime && hp_parse_double(uptime, 0, 100, &co.min_uptime_pct, "--min-uptime-pct", &err)))
		return cli_fail(ctx, &err);
	return curtail_report(ctx, &m, &h, &co);
}
