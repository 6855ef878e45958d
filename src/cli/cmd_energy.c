/*
 * cmd_energy.c - `hashpivot energy`: the network's power draw and yearly
 * energy in the manner of the Cambridge index (hp_mining_network_power),
 * with the catalog's machines released by a month as the candidates.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hashpivot/alloc.h"
#include "hashpivot/machines.h"
#include "hashpivot/mining.h"
#include "hashpivot/parse.h"

enum {
	OPT_POWER_PRICE = CLI_OPT_FIRST_FREE,
	OPT_AS_OF,
	OPT_PUE_LOWER,
	OPT_PUE_BEST,
	OPT_PUE_UPPER
};

/* "YYYY-MM" into year * 12 + month - 1; false when malformed. */
static bool parse_month(const char *s, int64_t *out)
{
	int64_t y, m;
	char buf[8];

	if (strlen(s) != 7 || s[4] != '-')
		return false;
	memcpy(buf, s, 4);
	buf[4] = 0;
	if (hp_parse_int64(buf, 2009, 2100, &y, NULL, NULL) ||
	    hp_parse_int64(s + 5, 1, 12, &m, NULL, NULL))
		return false;
	*out = y * 12 + m - 1;
	return true;
}

int cmd_energy(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"power-price-usd-per-kwh", required_argument, NULL, OPT_POWER_PRICE},
		{"as-of", required_argument, NULL, OPT_AS_OF},
		CLI_CATALOG_OPTIONS,
		{"pue-lower", required_argument, NULL, OPT_PUE_LOWER},
		{"pue-best", required_argument, NULL, OPT_PUE_BEST},
		{"pue-upper", required_argument, NULL, OPT_PUE_UPPER},
		CLI_NET_OPTIONS,
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct cli_net net = {0};
	struct hp_netpower_input in = {.power_price_usd_per_kwh = 0.05,
				       .pue_lower = 1.01, .pue_best = 1.10, .pue_upper = 1.20};
	struct hp_netpower np;
	struct hp_catalog cat = {0};
	struct hp_error err = {0};
	struct cli_catalog_opts co = {0};
	const char *as_of = NULL;
	struct hp_mix_item *mix = NULL;
	const struct hp_machine **used = NULL;
	size_t nmix = 0;
	int64_t as_of_month = 0;
	int c, rc = 2;

	if (!cli_catalog_opts_init(&co, argc))
		goto nomem;
	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		const char *a = ctx->arg;
		if (c == CLI_EXIT) {
			rc = ctx->exit_code;
			goto out;
		}
		if (cli_net_option(&net, c, a) || cli_catalog_option(&co, c, a))
			continue;
		switch (c) {
		case OPT_POWER_PRICE:
			if (hp_parse_double(a, 0, 1e3, &in.power_price_usd_per_kwh,
					    "--power-price-usd-per-kwh", &err))
				goto fail;
			break;
		case OPT_AS_OF:
			if (!parse_month(a, &as_of_month)) {
				rc = cli_usage_error(ctx, "--as-of: must be a month YYYY-MM from "
							  "2009-01, got '%.40s'", a);
				goto out;
			}
			as_of = a;
			break;
		case OPT_PUE_LOWER:
			if (hp_parse_double(a, 1, 3, &in.pue_lower, "--pue-lower", &err))
				goto fail;
			break;
		case OPT_PUE_BEST:
			if (hp_parse_double(a, 1, 3, &in.pue_best, "--pue-best", &err))
				goto fail;
			break;
		case OPT_PUE_UPPER:
			if (hp_parse_double(a, 1, 3, &in.pue_upper, "--pue-upper", &err))
				goto fail;
			break;
		}
	}
	if (ctx->ind < argc) {
		rc = cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
		goto out;
	}
	if ((rc = cli_net_finish(ctx, &net)))
		goto out;
	if ((rc = cli_catalog_load(ctx, &cat, &co)))
		goto out;
	mix = hp_calloc(cat.n ? cat.n : 1, sizeof(*mix));
	used = hp_calloc(cat.n ? cat.n : 1, sizeof(*used));
	if (!mix || !used)
		goto nomem;
	for (size_t i = 0; i < cat.n; i++) {
		const struct hp_machine *m = &cat.v[i];
		if (as_of && (m->release_year == 0 ||
			      (int64_t)m->release_year * 12 + m->release_month - 1 > as_of_month))
			continue;
		mix[nmix].efficiency_j_per_th = m->efficiency_j_per_th;
		mix[nmix].share = 1;
		used[nmix++] = m;
	}
	if (nmix == 0) {
		rc = cli_usage_error(ctx, "--as-of: no catalog machine was released by %s", as_of);
		goto out;
	}
	in.network_hashrate_ths = net.hp.network_hashrate_ehs * 1e6;
	in.usd_per_th_day = net.hp.usd_per_th_day;
	in.mix = mix;
	in.nmix = nmix;
	if (hp_mining_network_power(&in, &np, &err))
		goto fail;

	json_t *o = json_object();
	cli_set_real(o, "threshold_j_per_th", np.threshold_j_per_th);
	cli_set_real(o, "lower_gw", np.lower_gw);
	cli_set_real(o, "best_gw", np.best_gw);
	cli_set_real(o, "upper_gw", np.upper_gw);
	cli_set_real(o, "lower_twh_year", np.lower_twh_year);
	cli_set_real(o, "best_twh_year", np.best_twh_year);
	cli_set_real(o, "upper_twh_year", np.upper_twh_year);
	cli_set_int(o, "machines_considered", (int64_t)np.considered);
	cli_set_int(o, "machines_profitable", (int64_t)np.profitable);
	cli_set_bool(o, "none_profitable", np.none_profitable);
	cli_set_real(o, "min_j_per_th", np.min_j_per_th);
	cli_set_real(o, "best_j_per_th", np.best_j_per_th);
	cli_set_real(o, "max_profitable_j_per_th", np.max_profitable_j_per_th);
	cli_set_real(o, "network_hashrate_ehs", net.hp.network_hashrate_ehs);
	cli_set_real(o, "usd_per_th_day", net.hp.usd_per_th_day);
	cli_set_real(o, "power_price_usd_per_kwh", in.power_price_usd_per_kwh);
	cli_set_real(o, "pue_lower", in.pue_lower);
	cli_set_real(o, "pue_best", in.pue_best);
	cli_set_real(o, "pue_upper", in.pue_upper);
	if (as_of)
		cli_set_str(o, "as_of", as_of);
	else
		json_object_set_new(o, "as_of", json_null());
	cli_net_echo(o, &net);
	json_t *list = json_array();
	for (size_t i = 0; i < nmix; i++) {
		if (used[i]->efficiency_j_per_th <= np.threshold_j_per_th)
			json_array_append_new(list, json_string(used[i]->name));
	}
	json_object_set_new(o, "profitable_machines", list);
	rc = cli_emit(ctx, o);
	goto out;

nomem:
	hp_error_set(&err, HP_ENOMEM, "energy", "out of memory");
fail:
	rc = cli_fail(ctx, &err);
out:
	hp_free(mix);
	hp_free(used);
	hp_catalog_release(&cat);
	cli_catalog_opts_release(&co);
	return rc;
}
