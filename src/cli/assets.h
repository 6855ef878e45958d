/*
 * assets.h - files compiled into the binary (tools/embed.c): the web
 * page's files from web/ and Debian's Chart.js (libjs-chart.js), for
 * `hashpivot serve` and the self-contained reports.
 */
#ifndef HASHPIVOT_CLI_ASSETS_H
#define HASHPIVOT_CLI_ASSETS_H

#include <stddef.h>

struct cli_asset {
	const char *name;          /* "index.html", "chart.min.js" */
	const char *type;          /* MIME type, from the extension */
	const unsigned char *data; /* len bytes, then a NUL */
	size_t len;
};

extern const struct cli_asset cli_assets[];
extern const size_t cli_nassets;

/* The asset called name, or NULL. */
const struct cli_asset *cli_asset_find(const char *name);

#endif
