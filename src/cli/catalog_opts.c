/*
 * catalog_opts.c - the machine catalog of a command: the shipped file, the
 * user's --catalog files and --add-machine specs, in that order (cli.h).
 */
#include <stdio.h>

#include "cli.h"
#include "hashpivot/machines.h"

int cli_catalog_load(struct cli_ctx *ctx, struct hp_catalog *cat, const char *const *files,
		     size_t nfiles, const char *const *specs, size_t nspecs)
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
	for (i = 0; i < nfiles; i++)
		if (hp_catalog_load(cat, files[i], &err) != HP_OK)
			goto fail;
	for (i = 0; i < nspecs; i++) {
		struct hp_machine m;
		if (hp_machine_parse_spec(specs[i], &m, "--add-machine", &err) != HP_OK ||
		    hp_catalog_add(cat, &m, &err) != HP_OK)
			goto fail;
	}
	return 0;

fail:
	hp_catalog_release(cat);
	return cli_fail(ctx, &err);
}
