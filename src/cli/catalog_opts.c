/*
 * catalog_opts.c - the machine catalog of a command: the shipped file, the
 * user's --catalog files and --add-machine specs, in that order (cli.h).
 */
#include <stdio.h>

#include "cli.h"
#include "hashpivot/alloc.h"
#include "hashpivot/machines.h"

bool cli_catalog_opts_init(struct cli_catalog_opts *co, int argc)
{
	co->nfiles = co->nspecs = 0;
	co->files = hp_calloc((size_t)argc + 1, sizeof(*co->files));
	co->specs = hp_calloc((size_t)argc + 1, sizeof(*co->specs));
	return co->files && co->specs;
}

bool cli_catalog_option(struct cli_catalog_opts *co, int code, const char *arg)
{
	if (code == CLI_OPT_CATALOG)
		co->files[co->nfiles++] = arg;
	else if (code == CLI_OPT_ADD_MACHINE)
		co->specs[co->nspecs++] = arg;
	else
		return false;
	return true;
}

void cli_catalog_opts_release(struct cli_catalog_opts *co)
{
	hp_free(co->files);
	hp_free(co->specs);
	co->files = co->specs = NULL;
	co->nfiles = co->nspecs = 0;
}

int cli_catalog_load(struct cli_ctx *ctx, struct hp_catalog *cat,
		     const struct cli_catalog_opts *co)
{
	struct hp_error err = {0};
	char path[sizeof(ctx->data_dir) + 32];
	size_t i;

	if (snprintf(path, sizeof(path), "%s/machines.csv", ctx->data_dir) >= (int)sizeof(path)) {
		hp_error_set(&err, HP_EINVAL, "--data-dir", "path too long");
		goto fail;
	}
	if (hp_catalog_load(cat, path, &err) != HP_OK)
		goto fail;
	for (i = 0; i < co->nfiles; i++)
		if (hp_catalog_load(cat, co->files[i], &err) != HP_OK)
			goto fail;
	for (i = 0; i < co->nspecs; i++) {
		struct hp_machine m;
		if (hp_machine_parse_spec(co->specs[i], &m, "--add-machine", &err) != HP_OK ||
		    hp_catalog_add(cat, &m, &err) != HP_OK)
			goto fail;
	}
	return 0;

fail:
	hp_catalog_release(cat);
	return cli_fail(ctx, &err);
}
