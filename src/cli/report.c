/*
 * report.c - the self-contained HTML report of a run (report.h,
 * docs/report.md) and `hashpivot report`.
 *
 * The file is a fixed skeleton with everything inlined: web/report.css,
 * two JSON blocks (the --json document, byte for byte as --json prints it,
 * and the run's inputs), Chart.js from Debian, web/charts.js and
 * web/report.js, all compiled into the binary (assets.h). The JSON sits in
 * <script type="application/json"> tags with every "</" written "<\/" (the
 * same string to a JSON parser) and "<!--" as "\u003c!--", so no value can
 * end the tag early. Nothing in it names a URL to load: it opens offline.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assets.h"
#include "hashpivot/alloc.h"
#include "hashpivot/common.h"
#include "report.h"

/* data/SOURCES.md is read whole; it is some 30 kB */
#define SOURCES_MAX (1u << 20)

/* ------------------------------------------------------------------ */
/* the path                                                             */
/* ------------------------------------------------------------------ */

/* dir and base name of path ("." when it has no directory) */
static bool split_path(const char *path, char dir[4096], const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, 4096, ".");
		*base = path;
		return true;
	}
	if ((size_t)(slash - path) >= 4096)
		return false;
	if (slash == path)
		snprintf(dir, 4096, "/");
	else
		snprintf(dir, 4096, "%.*s", (int)(slash - path), path);
	*base = slash + 1;
	return true;
}

/* The option that names the report file, for errors. */
static const char *report_opt(const struct cli_ctx *ctx)
{
	return ctx->report_opt ? ctx->report_opt : "--report";
}

bool cli_report_check(const struct cli_ctx *ctx, const char *path, struct hp_error *err)
{
	const char *opt = report_opt(ctx);
	char dir[4096];
	const char *base;
	struct stat st;

	if (!*path || !split_path(path, dir, &base) || !*base || !strcmp(base, ".") ||
	    !strcmp(base, "..")) {
		hp_error_set(err, HP_EINVAL, opt, "must be a file name, got '%.200s'", path);
		return false;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		hp_error_set(err, HP_EINVAL, opt, "%.200s is a directory", path);
		return false;
	}
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		hp_error_set(err, HP_EINVAL, opt, "cannot write %.200s: %.200s is not a directory",
			     path, dir);
		return false;
	}
	if (!cli_outdir(dir, opt, err))
		return false;
	/* a directory this user cannot write to is the argument's fault */
	if (access(dir, W_OK) != 0) {
		hp_error_set(err, HP_EINVAL, opt, "cannot write %.200s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* the inputs                                                           */
/* ------------------------------------------------------------------ */

/* arg as a shell word: bare when it is made of safe characters */
static void shell_word(FILE *fp, const char *arg)
{
	const char *p;

	if (*arg && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789_./:=,+-@%") == strlen(arg)) {
		fputs(arg, fp);
		return;
	}
	fputc('\'', fp);
	for (p = arg; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", fp);
		else
			fputc(*p, fp);
	}
	fputc('\'', fp);
}

/* "hashpivot simulate --paths 200 ..." (NULL when out of memory) */
static json_t *command_line(int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	json_t *s;

	if (!fp)
		return NULL;
	fputs("hashpivot", fp);
	for (int i = 0; i < argc; i++) {
		fputc(' ', fp);
		shell_word(fp, argv[i]);
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	s = json_string(buf);
	free(buf);
	return s;
}

/* The file at path, NUL-terminated, if it exists and is under max bytes. */
static char *read_text(const char *path, size_t max)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	size_t n;

	if (!fp)
		return NULL;
	buf = hp_malloc(max + 1);
	if (!buf) {
		fclose(fp);
		return NULL;
	}
	n = fread(buf, 1, max + 1, fp);
	fclose(fp);
	if (n > max) {
		hp_free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Whether the n bytes at s contain the string w. */
static bool contains(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w);

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (!memcmp(s + i, w, m))
			return true;
	return false;
}

/*
 * The sections of SOURCES.md whose "## " heading contains one of the
 * strings of want: [{heading, text}]. An empty array when the file is not
 * there (an install without it): the report says so.
 */
static json_t *sources_json(const char *data_dir, const char *const *want)
{
	char path[4200];
	json_t *a = json_array();
	char *text, *p;

	if (!a || !want || !*data_dir)
		return a;
	snprintf(path, sizeof(path), "%s/SOURCES.md", data_dir);
	if (!(text = read_text(path, SOURCES_MAX)))
		return a;
	for (p = text; p && *p; p = strstr(p, "\n## ")) {
		char *head, *eol, *end;

		if (*p == '\n')
			p++;
		if (strncmp(p, "## ", 3) != 0) {
			p = strchr(p, '\n');
			continue;
		}
		head = p + 3;
		eol = strchr(head, '\n');
		if (!eol)
			break;
		end = strstr(eol, "\n## ");
		if (!end)
			end = eol + strlen(eol);
		for (const char *const *w = want; *w; w++) {
			json_t *o;

			if (!contains(head, (size_t)(eol - head), *w))
				continue;
			o = json_object();
			json_object_set_new(o, "heading", json_stringn(head, (size_t)(eol - head)));
			json_object_set_new(o, "text", json_stringn(eol + 1, (size_t)(end - eol - 1)));
			json_array_append_new(a, o);
			break;
		}
		p = end;
	}
	hp_free(text);
	return a;
}

/* The second JSON block: everything about the run but its result. */
static json_t *inputs_json(const struct cli_ctx *ctx, int argc, char **argv,
			   const struct cli_report *rp)
{
	json_t *o = json_object(), *args = json_array(), *sc = NULL;

	if (!o || !args) {
		json_decref(o);
		json_decref(args);
		return NULL;
	}
	for (int i = 0; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	cli_set_str(o, "generator", "hashpivot");
	cli_set_str(o, "version", hp_version());
	cli_set_str(o, "command", ctx->cmd->name);
	json_object_set_new(o, "argv", args);
	json_object_set_new(o, "command_line", command_line(argc, argv));
	cli_set_str(o, "usage", ctx->cmd->usage);
	if (rp->scenario) {
		json_error_t jerr;
		sc = json_load_file(rp->scenario, 0, &jerr);
		cli_set_str(o, "scenario_file", rp->scenario_shown ? rp->scenario_shown : rp->scenario);
	} else {
		json_object_set_new(o, "scenario_file", json_null());
	}
	json_object_set_new(o, "scenario", sc ? sc : json_null());
	json_object_set_new(o, "sources", sources_json(ctx->data_dir, rp->data));
	json_object_set_new(o, "extra", rp->extra ? json_deep_copy(rp->extra) : json_null());
	return o;
}

/* ------------------------------------------------------------------ */
/* the file                                                             */
/* ------------------------------------------------------------------ */

/* v as --json writes it, made safe inside a <script> element */
static bool write_script_json(FILE *fp, const json_t *v)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return false;
	cli_write_json(m, v);
	if (fclose(m) != 0) {
		free(buf);
		return false;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] == '<' && buf[i + 1] == '/')
			fputs("<\\", fp);
		else if (buf[i] == '<' && !strncmp(buf + i + 1, "!--", 3))
			fputs("\\u003c", fp);
		else
			fputc(buf[i], fp);
	}
	free(buf);
	return true;
}

static void write_html_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static bool write_asset(FILE *fp, const char *name)
{
	const struct cli_asset *a = cli_asset_find(name);

	if (!a)
		return false;
	fwrite(a->data, 1, a->len, fp);
	return true;
}

static bool write_html(FILE *fp, const struct cli_ctx *ctx, const json_t *result,
		       const json_t *inputs)
{
	bool ok = true;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"hashpivot ", fp);
	write_html_text(fp, hp_version());
	fputs("\">\n<title>hashpivot ", fp);
	write_html_text(fp, ctx->cmd->name);
	fputs(" report</title>\n<style>\n", fp);
	ok = write_asset(fp, "report.css") && ok;
	fputs("</style>\n</head>\n<body>\n<main id=\"report\">\n<noscript><p>This report draws "
	      "its text and charts from the data embedded in the file with JavaScript; "
	      "allow JavaScript for this file to read it.</p></noscript>\n</main>\n", fp);
	fputs("<script type=\"application/json\" id=\"hp-result\">\n", fp);
	ok = write_script_json(fp, result) && ok;
	fputs("</script>\n<script type=\"application/json\" id=\"hp-inputs\">\n", fp);
	ok = write_script_json(fp, inputs) && ok;
	fputs("</script>\n<script>\n/* Chart.js 3.9.1, MIT licence, from Debian's libjs-chart.js */\n",
	      fp);
	ok = write_asset(fp, "chart.min.js") && ok;
	fputs("\n</script>\n<script>\n", fp);
	ok = write_asset(fp, "charts.js") && ok;
	fputs("</script>\n<script>\n", fp);
	ok = write_asset(fp, "report.js") && ok;
	fputs("</script>\n</body>\n</html>\n", fp);
	return ok;
}

bool cli_report_write(const struct cli_ctx *ctx, int argc, char **argv,
		      const struct cli_report *rp, struct hp_error *err)
{
	const char *opt = report_opt(ctx);
	struct cli_outfile f = { .fp = NULL };
	char dir[4096];
	const char *base;
	json_t *inputs;
	bool ok;
	int e;

	if (!cli_json_check(rp->result, err) || (rp->extra && !cli_json_check(rp->extra, err)))
		return false;
	if (!cli_report_check(ctx, rp->path, err))
		return false;
	split_path(rp->path, dir, &base);
	if (!(inputs = inputs_json(ctx, argc, argv, rp))) {
		hp_error_set(err, HP_ENOMEM, opt, "out of memory");
		return false;
	}
	if (!cli_outfile_open(&f, dir, base, opt, err)) {
		e = errno;
		hp_error_set(err, err->status, opt, "cannot write %.200s: %s", rp->path, strerror(e));
		json_decref(inputs);
		return false;
	}
	ok = write_html(f.fp, ctx, rp->result, inputs);
	json_decref(inputs);
	if (!ok) {
		cli_outfile_abort(&f);
		hp_error_set(err, HP_EIO, opt, "cannot write %.200s: out of memory or an asset "
			     "missing from the build", rp->path);
		return false;
	}
	if (!cli_outfile_commit(&f, err)) {
		e = errno;
		hp_error_set(err, err->status, opt, "cannot write %.200s: %s", rp->path, strerror(e));
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* hashpivot report                                                     */
/* ------------------------------------------------------------------ */

static const char *const reportable[] = { "simulate", "pivot", "treasury", "fleet", "breakeven",
					  "backtest" };

static bool has_report(const char *name)
{
	for (size_t i = 0; i < sizeof(reportable) / sizeof(*reportable); i++)
		if (!strcmp(name, reportable[i]))
			return true;
	return false;
}

int cmd_report(int argc, char **argv, struct cli_ctx *ctx)
{
	const struct cli_command *cmd;
	struct cli_ctx sub;
	const char *out = NULL;
	char def[64], **nargv;
	bool help = false;
	int i = 1, n, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(ctx->cmd->usage, ctx->out);
			return fflush(ctx->out) || ferror(ctx->out) ? 1 : 0;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strncmp(argv[i], "--out=", 6)) {
			out = argv[i] + 6;
		} else if (!strcmp(argv[i], "--out")) {
			return cli_usage_error(ctx, "--out: needs a file name");
		} else if (!strncmp(argv[i], "--data-dir", 10)) {
			if (!strcmp(argv[i], "--data-dir"))
				i++; /* main.c has read it already */
		} else {
			return cli_usage_error(ctx, "unknown option '%.60s' before the command; see "
						    "'hashpivot report --help'", argv[i]);
		}
	}
	if (i >= argc)
		return cli_usage_error(ctx, "a command is required: simulate, pivot, treasury, fleet, "
					    "breakeven or backtest");
	if (!(cmd = cli_command_find(argv[i])))
		return cli_usage_error(ctx, "'%.60s' is not a command; see 'hashpivot --help'", argv[i]);
	if (!has_report(cmd->name))
		return cli_usage_error(ctx, "%s: has no report; reports exist for simulate, pivot, "
					    "treasury, fleet, breakeven and backtest", cmd->name);
	for (int j = i + 1; j < argc; j++) {
		if (!strcmp(argv[j], "--report") || !strncmp(argv[j], "--report=", 9))
			return cli_usage_error(ctx, "--report: give the file with 'hashpivot report "
						    "--out FILE', before the command");
		if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h"))
			help = true;
		if (!strcmp(argv[j], "--"))
			break;
	}
	sub = *ctx;
	sub.cmd = cmd;
	sub.report_opt = "--out";
	if (help)
		return cmd->fn(argc - i, argv + i, &sub);
	if (!out) {
		snprintf(def, sizeof(def), "%s-report.html", cmd->name);
		out = def;
	}
	/* the command's arguments, then --report OUT */
	n = argc - i;
	if (!(nargv = hp_calloc((size_t)n + 3, sizeof(*nargv)))) {
		fprintf(ctx->err, "hashpivot report: out of memory\n");
		return 1;
	}
	memcpy(nargv, argv + i, (size_t)n * sizeof(*nargv));
	nargv[n] = (char *)"--report";
	nargv[n + 1] = (char *)out;
	/* the command's own output is not wanted: only where the report is */
	if (!(sub.out = fopen("/dev/null", "w"))) {
		fprintf(ctx->err, "hashpivot report: cannot open /dev/null: %s\n", strerror(errno));
		hp_free(nargv);
		return 1;
	}
	rc = cmd->fn(n + 2, nargv, &sub);
	fclose(sub.out);
	hp_free(nargv);
	if (rc)
		return rc;
	fprintf(ctx->out, "report written to %s\n", out);
	return fflush(ctx->out) || ferror(ctx->out) ? 1 : 0;
}
