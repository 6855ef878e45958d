/*
 * cmd_machines.c - `hashpivot machines`: the machine catalog, sorted and
 * filtered.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "hashpivot/machines.h"

enum { OPT_SORT = CLI_OPT_FIRST_FREE, OPT_COOLING };

/* ------------------------------------------------------------------ */
/* sort orders: ascending, ties by name                                 */
/* ------------------------------------------------------------------ */

static int by_name(const void *pa, const void *pb)
{
	const struct hp_machine *a = pa, *b = pb;
	int d = strcasecmp(a->name, b->name);

	return d ? d : strcmp(a->name, b->name);
}

static int cmp_double(double x, double y)
{
	return (x > y) - (x < y);
}

static int by_efficiency(const void *pa, const void *pb)
{
	const struct hp_machine *a = pa, *b = pb;
	int d = cmp_double(a->efficiency_j_per_th, b->efficiency_j_per_th);

	return d ? d : by_name(pa, pb);
}

static int by_hashrate(const void *pa, const void *pb)
{
	const struct hp_machine *a = pa, *b = pb;
	int d = cmp_double(a->hashrate_ths, b->hashrate_ths);

	return d ? d : by_name(pa, pb);
}

static int by_power(const void *pa, const void *pb)
{
	const struct hp_machine *a = pa, *b = pb;
	int d = cmp_double(a->power_w, b->power_w);

	return d ? d : by_name(pa, pb);
}

/* Oldest first; an unknown release month after every known one. */
static int by_release(const void *pa, const void *pb)
{
	const struct hp_machine *a = pa, *b = pb;
	long ka = a->release_year ? a->release_year * 12L + a->release_month : 1L << 30;
	long kb = b->release_year ? b->release_year * 12L + b->release_month : 1L << 30;

	return ka != kb ? (ka > kb) - (ka < kb) : by_name(pa, pb);
}

static const struct {
	const char *name;
	int (*cmp)(const void *, const void *);
} sorts[] = {
	{ "efficiency", by_efficiency }, { "name", by_name },	 { "hashrate", by_hashrate },
	{ "power", by_power },		 { "release", by_release },
};

/* ------------------------------------------------------------------ */
/* output                                                               */
/* ------------------------------------------------------------------ */

static void set_str_or_null(json_t *o, const char *key, const char *v)
{
	if (*v)
		cli_set_str(o, key, v);
	else
		json_object_set_new(o, key, json_null());
}

static json_t *machine_json(const struct hp_machine *m)
{
	json_t *o = json_object();
	char release[16];

	cli_set_str(o, "name", m->name);
	set_str_or_null(o, "manufacturer", m->manufacturer);
	cli_set_real(o, "hashrate_ths", m->hashrate_ths);
	cli_set_real(o, "power_w", m->power_w);
	cli_set_real(o, "efficiency_j_per_th", m->efficiency_j_per_th);
	cli_set_str(o, "cooling", hp_cooling_name(m->cooling));
	release[0] = '\0';
	if (m->release_year)
		snprintf(release, sizeof(release), "%04d-%02d", m->release_year, m->release_month);
	set_str_or_null(o, "release", release);
	if (m->price_usd > 0)
		cli_set_real(o, "price_usd", m->price_usd);
	else
		json_object_set_new(o, "price_usd", json_null());
	set_str_or_null(o, "source", m->source);
	return o;
}

int cmd_machines(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		CLI_CATALOG_OPTIONS,
		{"sort", required_argument, NULL, OPT_SORT},
		{"cooling", required_argument, NULL, OPT_COOLING},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct hp_catalog cat = {0};
	struct hp_error err = {0};
	enum hp_cooling cooling = HP_COOLING_AIR;
	bool filter = false;
	int (*cmp)(const void *, const void *) = by_efficiency;
	struct cli_catalog_opts co = {0};
	size_t count = 0, i;
	json_t *o, *list;
	int c, rc;

	if (!cli_catalog_opts_init(&co, argc)) {
		cli_catalog_opts_release(&co);
		return cli_emit(ctx, NULL);
	}
	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		if (cli_catalog_option(&co, c, ctx->arg))
			continue;
		switch (c) {
		case CLI_EXIT:
			rc = ctx->exit_code;
			goto out;
		case OPT_SORT:
			for (i = 0; i < sizeof(sorts) / sizeof(sorts[0]); i++)
				if (strcmp(ctx->arg, sorts[i].name) == 0)
					break;
			if (i == sizeof(sorts) / sizeof(sorts[0])) {
				rc = cli_usage_error(ctx, "--sort: must be name, efficiency, "
							  "hashrate, power or release, got '%.60s'",
						     ctx->arg);
				goto out;
			}
			cmp = sorts[i].cmp;
			break;
		case OPT_COOLING:
			if (hp_cooling_parse(ctx->arg, &cooling, "--cooling", &err) != HP_OK) {
				rc = cli_fail(ctx, &err);
				goto out;
			}
			filter = true;
			break;
		}
	}
	if (ctx->ind < argc) {
		rc = cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
		goto out;
	}
	if ((rc = cli_catalog_load(ctx, &cat, &co)) != 0)
		goto out;

	if (cat.n > 1)
		qsort(cat.v, cat.n, sizeof(*cat.v), cmp);
	o = json_object();
	list = json_array();
	for (i = 0; i < cat.n; i++) {
		if (filter && cat.v[i].cooling != cooling)
			continue;
		json_array_append_new(list, machine_json(&cat.v[i]));
		count++;
	}
	cli_set_int(o, "count", (int64_t)count);
	json_object_set_new(o, "machines", list);
	hp_catalog_release(&cat);
	rc = cli_emit(ctx, o);
out:
	cli_catalog_opts_release(&co);
	return rc;
}
