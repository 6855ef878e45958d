/*
 * report.h - self-contained HTML reports (src/cli/report.c, docs/report.md).
 *
 * A report is one HTML file a person can mail: the command's --json
 * document embedded as JSON, the run's inputs (command line, options,
 * scenario file, the data/SOURCES.md sections of the shipped data it read),
 * Chart.js and web/charts.js and web/report.js inlined, and nothing that
 * loads from the network. web/report.js draws it in the browser from the
 * embedded data alone, so what it shows is exactly the result --json
 * prints.
 *
 * A command offers --report FILE by putting CLI_REPORT_OPTION in its option
 * table, calling cli_report_check() once the options are parsed (so a bad
 * path fails before the run) and cli_report_write() with the document
 * --json prints, before cli_emit() frees it.
 */
#ifndef HASHPIVOT_CLI_REPORT_H
#define HASHPIVOT_CLI_REPORT_H

#include <stdbool.h>

#include <jansson.h>

#include "cli.h"

enum { CLI_OPT_REPORT = 290 };
#define CLI_REPORT_OPTION {"report", required_argument, NULL, CLI_OPT_REPORT}

struct cli_report {
	const char *path;        /* --report FILE */
	const char *scenario;    /* the scenario file the run read, or NULL */
	const char *scenario_shown; /* how to name it in the report (NULL: scenario) */
	const char *const *data; /* headings of the data/SOURCES.md sections of
				    the shipped data the run read, NULL-ended */
	const json_t *result;    /* the document --json prints (not consumed) */
	const json_t *extra;     /* more of the same run the --json leaves out
				    (e.g. series at the report's resolution), or NULL */
};

/*
 * Check that path can be written (its directory is made with its parents,
 * as --out does): false with err naming the option (--report, or
 * ctx->report_opt) and the path otherwise.
 */
bool cli_report_check(const struct cli_ctx *ctx, const char *path, struct hp_error *err);

/*
 * Write the report of this run of ctx->cmd: argv[0..argc) are the
 * command's own arguments (argv[0] its name), shown as the command line
 * that reproduces it and in the table of options. The file is written to a
 * temporary name beside rp->path and renamed when complete; on failure
 * nothing is left and err names the option and the path.
 */
bool cli_report_write(const struct cli_ctx *ctx, int argc, char **argv,
		      const struct cli_report *rp, struct hp_error *err);

/* `hashpivot report [--out FILE] COMMAND [OPTIONS...]` */
int cmd_report(int argc, char **argv, struct cli_ctx *ctx);

#endif
