/*
 * assets.c - lookup of the files compiled into the binary (the table
 * itself is generated at build time by tools/embed.c).
 */
#include <string.h>

#include "assets.h"

const struct cli_asset *cli_asset_find(const char *name)
{
	for (size_t i = 0; i < cli_nassets; i++)
		if (!strcmp(cli_assets[i].name, name))
			return &cli_assets[i];
	return NULL;
}
