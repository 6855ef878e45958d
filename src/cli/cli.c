/*
 * cli.c - option handling, error lines and output shared by every command.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hashpivot/consensus.h"
#include "hashpivot/parse.h"
#include "hashpivot/scenario.h"

/*
 * Reals are printed in the shortest of %.15g, %.16g, %.17g that reads back
 * as the same double: exact (a parser gets the very double hashpivot
 * computed) without the noise of a fixed 17 digits (87654.32, not
 * 87654.320000000007). jansson's dumper has one fixed precision, so
 * objects and arrays are walked here and jansson encodes the rest.
 */
static void format_real(double v, char buf[32])
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, 32, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (!strpbrk(buf, ".eE"))
		strncat(buf, ".0", 31 - strlen(buf));
}

static void write_json(FILE *fp, const json_t *v, int depth)
{
	const char *key;
	json_t *item;
	size_t i, n = 0;
	char buf[32];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (json_object_size(v) == 0) {
			fputs("{}", fp);
			break;
		}
		fputs("{\n", fp);
		json_object_foreach((json_t *)v, key, item) {
			json_t *ks = json_string(key);
			char *enc = ks ? json_dumps(ks, JSON_ENCODE_ANY) : NULL;
			fprintf(fp, "%*s%s: ", 2 * (depth + 1), "", enc ? enc : "\"\"");
			free(enc);
			json_decref(ks);
			write_json(fp, item, depth + 1);
			fputs(++n < json_object_size(v) ? ",\n" : "\n", fp);
		}
		fprintf(fp, "%*s}", 2 * depth, "");
		break;
	case JSON_ARRAY:
		if (json_array_size(v) == 0) {
			fputs("[]", fp);
			break;
		}
		fputs("[\n", fp);
		json_array_foreach((json_t *)v, i, item) {
			fprintf(fp, "%*s", 2 * (depth + 1), "");
			write_json(fp, item, depth + 1);
			fputs(i + 1 < json_array_size(v) ? ",\n" : "\n", fp);
		}
		fprintf(fp, "%*s]", 2 * depth, "");
		break;
	case JSON_REAL:
		format_real(json_real_value(v), buf);
		fputs(buf, fp);
		break;
	default: {
		char *enc = json_dumps(v, JSON_ENCODE_ANY);
		fputs(enc ? enc : "null", fp);
		free(enc);
	}
	}
}

void cli_write_json(FILE *fp, const json_t *v)
{
	write_json(fp, v, 0);
	fputc('\n', fp);
}

const char *cli_option_name(const struct option *opts, int code)
{
	static _Thread_local char buf[64];

	for (; opts->name; opts++) {
		if (opts->val == code && !opts->flag) {
			snprintf(buf, sizeof(buf), "--%s", opts->name);
			return buf;
		}
	}
	snprintf(buf, sizeof(buf), "-%c", code > 0 && code < 128 ? code : '?');
	return buf;
}

/* Move argv[i] to the end (the block of operands), keeping their order. */
static void to_operands(char **argv, int i, int argc)
{
	char *a = argv[i];

	memmove(argv + i, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*argv));
	argv[argc - 1] = a;
}

/* The option named by arg (after "--", up to '=' or len): an exact match,
 * else the only one it abbreviates; NULL if none, *ambiguous if several. */
static const struct option *find_long(const struct option *opts, const char *name, size_t len,
				      bool *ambiguous)
{
	const struct option *hit = NULL;

	*ambiguous = false;
	for (const struct option *o = opts; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		if (hit)
			*ambiguous = true;
		hit = o;
	}
	return *ambiguous ? NULL : hit;
}

static const struct option common_opts[] = {CLI_COMMON_OPTIONS, {0}};

/*
 * getopt_long's behaviour without its global state, so that commands can
 * run on several threads at once (the server): long options with "=value"
 * or the next argument, unique abbreviations, -h, "--", and operands moved
 * after the options in their order (ctx->ind is the first operand at
 * CLI_DONE). Returns the option's code, '?' (unknown), AMBIGUOUS (an
 * abbreviation of several) or ':' (no value), with *opt the option matched.
 */
enum { AMBIGUOUS = -3 };
static int next_raw(struct cli_ctx *ctx, int argc, char **argv, const struct option *opts,
		    const struct option **opt)
{
	if (ctx->ind <= 0) {
		ctx->ind = 1;
		ctx->end = argc;
	}
	for (;;) {
		int i = ctx->ind;
		const char *a;

		if (i >= ctx->end) {
			ctx->ind = ctx->end;
			return CLI_DONE;
		}
		a = argv[i];
		if (!strcmp(a, "--")) {
			for (int n = ctx->end - i - 1; n > 0; n--)
				to_operands(argv, i + 1, argc);
			ctx->ind = ctx->end = i + 1;
			return CLI_DONE;
		}
		if (a[0] != '-' || a[1] == '\0') {
			to_operands(argv, i, argc);
			ctx->end--;
			continue;
		}
		ctx->ind = i + 1;
		ctx->arg = NULL;
		*opt = NULL;
		if (a[1] != '-')
			return a[1] == 'h' && a[2] == '\0' ? 'h' : '?';

		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		bool ambiguous;
		const struct option *o = find_long(opts, name, len, &ambiguous);

		if (!o && !ambiguous)
			o = find_long(common_opts, name, len, &ambiguous);
		if (ambiguous)
			return AMBIGUOUS;
		if (!o || (o->has_arg == no_argument && eq))
			return '?';
		*opt = o;
		if (o->has_arg == no_argument)
			return o->val;
		if (eq)
			ctx->arg = eq + 1;
		else if (ctx->ind < ctx->end)
			ctx->arg = argv[ctx->ind++];
		else
			return ':';
		return o->val;
	}
}

int cli_next_option(struct cli_ctx *ctx, int argc, char **argv, const struct option *opts)
{
	for (;;) {
		const struct option *o = NULL;
		int c = next_raw(ctx, argc, argv, opts, &o);

		switch (c) {
		case CLI_DONE:
			return CLI_DONE;
		case 'h':
			fputs(ctx->cmd->usage, ctx->out);
			ctx->exit_code = fflush(ctx->out) || ferror(ctx->out) ? 1 : 0;
			return CLI_EXIT;
		case CLI_OPT_JSON:
			ctx->json = true;
			continue;
		case CLI_OPT_DATA_DIR:
			ctx->data_dir_opt = ctx->arg;
			continue;
		case ':':
			ctx->exit_code = cli_usage_error(ctx, "--%s: missing value", o->name);
			return CLI_EXIT;
		case AMBIGUOUS:
			ctx->exit_code = cli_usage_error(
				ctx, "%.60s: ambiguous option; see 'hashpivot %s --help'",
				argv[ctx->ind - 1], ctx->cmd->name);
			return CLI_EXIT;
		case '?':
			ctx->exit_code = cli_usage_error(
				ctx, "%.60s: unknown option; see 'hashpivot %s --help'",
				argv[ctx->ind - 1], ctx->cmd->name);
			return CLI_EXIT;
		default:
			return c;
		}
	}
}

void cli_print_error(FILE *fp, const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line whatever the message echoes (an argument with a newline) */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (cmd)
		fprintf(fp, "hashpivot %s: %s\n", cmd, msg);
	else
		fprintf(fp, "hashpivot: %s\n", msg);
}

int cli_fail(const struct cli_ctx *ctx, const struct hp_error *err)
{
	cli_print_error(ctx->err, ctx->cmd->name, "%s", err->message);
	return hp_status_exit_code(err->status);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_print_error(ctx->err, ctx->cmd->name, "%s", msg);
	return 2;
}

static void print_value(FILE *fp, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		fputs(json_string_value(v), fp);
		break;
	case JSON_INTEGER:
		fprintf(fp, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL: {
		char buf[32];
		format_real(json_real_value(v), buf);
		fputs(buf, fp);
		break;
	}
	case JSON_TRUE:
		fputs("true", fp);
		break;
	case JSON_FALSE:
		fputs("false", fp);
		break;
	case JSON_NULL:
		fputs("-", fp);
		break;
	default:
		write_json(fp, v, 0);
	}
}

/* An array of objects: printed as a table in human output. */
static bool is_table(const json_t *v)
{
	return json_is_array(v) && json_array_size(v) > 0 &&
	       json_is_object(json_array_get(v, 0));
}

/*
 * One table cell: reals with 7 significant digits (a table is read by eye;
 * --json carries every digit), nested values as compact JSON.
 */
static void format_cell(const json_t *v, char *buf, size_t cap)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, cap, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, cap, "%.7g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, cap, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, cap, "false");
		break;
	case JSON_NULL:
		snprintf(buf, cap, "-");
		break;
	default:
		snprintf(buf, cap, "...");
	}
}

/*
 * Rows of objects as aligned columns: the first row's keys are the header;
 * a column holding any number is right-aligned (its nulls, "-", too), text
 * columns left-aligned.
 */
static void print_table(FILE *fp, const json_t *rows)
{
	const json_t *first = json_array_get(rows, 0);
	size_t ncol = json_object_size(first), row, c;
	size_t *width = calloc(ncol ? ncol : 1, sizeof(*width));
	bool *numeric = calloc(ncol ? ncol : 1, sizeof(*numeric));
	const char *key;
	json_t *v;
	char cell[128];

	if (!width || !numeric) {
		free(width);
		free(numeric);
		return;
	}
	c = 0;
	json_object_foreach((json_t *)first, key, v) {
		width[c++] = strlen(key);
	}
	for (row = 0; row < json_array_size(rows); row++) {
		c = 0;
		json_object_foreach((json_t *)first, key, v) {
			const json_t *x = json_object_get(json_array_get(rows, row), key);
			format_cell(x, cell, sizeof(cell));
			if (json_is_number(x))
				numeric[c] = true;
			if (strlen(cell) > width[c])
				width[c] = strlen(cell);
			c++;
		}
	}
	c = 0;
	json_object_foreach((json_t *)first, key, v) {
		int w = numeric[c] ? (int)width[c] : c + 1 < ncol ? -(int)width[c] : 0;
		fprintf(fp, "%s%*s", c ? "  " : "", w, key);
		c++;
	}
	fputc('\n', fp);
	for (row = 0; row < json_array_size(rows); row++) {
		const json_t *r = json_array_get(rows, row);
		c = 0;
		json_object_foreach((json_t *)first, key, v) {
			const json_t *x = json_object_get(r, key);
			bool right = json_is_number(x) || (json_is_null(x) && numeric[c]);
			int w = right ? (int)width[c] : c + 1 < ncol ? -(int)width[c] : 0;
			format_cell(x, cell, sizeof(cell));
			fprintf(fp, "%s%*s", c ? "  " : "", w, cell);
			c++;
		}
		fputc('\n', fp);
	}
	free(width);
	free(numeric);
}

int cli_emit(const struct cli_ctx *ctx, json_t *obj)
{
	struct hp_error err;

	if (!obj) {
		fprintf(ctx->err, "hashpivot %s: out of memory\n", ctx->cmd->name);
		return 1;
	}
	if (!cli_json_check(obj, &err)) {
		json_decref(obj);
		return cli_fail(ctx, &err);
	}
	if (ctx->json) {
		write_json(ctx->out, obj, 0);
		fputc('\n', ctx->out);
	} else {
		const char *key;
		json_t *v;
		size_t width = 0;
		json_object_foreach(obj, key, v) {
			if (!is_table(v) && strlen(key) > width)
				width = strlen(key);
		}
		json_object_foreach(obj, key, v) {
			if (is_table(v))
				continue;
			fprintf(ctx->out, "%-*s  ", (int)width, key);
			print_value(ctx->out, v);
			fputc('\n', ctx->out);
		}
		json_object_foreach(obj, key, v) {
			if (is_table(v)) {
				if (width)
					fputc('\n', ctx->out);
				print_table(ctx->out, v);
			}
		}
	}
	json_decref(obj);
	if (fflush(ctx->out) || ferror(ctx->out)) {
		fprintf(ctx->err, "hashpivot %s: cannot write to standard output\n", ctx->cmd->name);
		return 1;
	}
	return 0;
}

/*
 * A non-finite value where a number must be is a bug, not a result: jansson
 * cannot hold it (json_real(NAN) is NULL, and setting NULL silently drops
 * the key), so cli_set_real leaves this marker in its place and
 * cli_json_check, run before anything is written, turns it into an internal
 * error naming the field. The key cannot come from a command.
 */
#define NONFINITE_MARK "\x01hashpivot: not finite"

json_t *cli_real(double v)
{
	if (isfinite(v))
		return json_real(v == 0 ? 0.0 : v); /* never "-0.0" */
	return json_pack("{s:s}", NONFINITE_MARK, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
}

void cli_set_real(json_t *obj, const char *key, double v)
{
	json_object_set_new(obj, key, cli_real(v));
}

void cli_set_real_or_null(json_t *obj, const char *key, double v)
{
	json_object_set_new(obj, key, isfinite(v) ? json_real(v == 0 ? 0.0 : v) : json_null());
}

/* The first marker under v: path (as "strategies[2].npv_usd") and what it held. */
static bool find_nonfinite(const json_t *v, char *path, size_t len, size_t cap, const char **what)
{
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach((json_t *)v, i, item) {
			int n = snprintf(path + len, cap - len, "[%zu]", i);
			if (n > 0 && (size_t)n < cap - len &&
			    find_nonfinite(item, path, len + (size_t)n, cap, what))
				return true;
		}
		path[len] = '\0';
		return false;
	}
	if (!json_is_object(v))
		return false;
	if ((item = json_object_get(v, NONFINITE_MARK))) {
		*what = json_string_value(item);
		return true;
	}
	json_object_foreach((json_t *)v, key, item) {
		int n = snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
		if (n > 0 && (size_t)n < cap - len &&
		    find_nonfinite(item, path, len + (size_t)n, cap, what))
			return true;
	}
	path[len] = '\0';
	return false;
}

bool cli_json_check(const json_t *v, struct hp_error *err)
{
	char path[HP_ERROR_FIELD_MAX] = "";
	const char *what = NULL;

	if (!find_nonfinite(v, path, 0, sizeof(path), &what))
		return true;
	hp_error_set(err, HP_EINTERNAL, NULL, "internal error: %s is not finite (%s)",
		     path[0] ? path : "the result", what ? what : "?");
	return false;
}

bool cli_check_real(const char *field, double v, struct hp_error *err)
{
	if (isfinite(v))
		return true;
	hp_error_set(err, HP_EINTERNAL, NULL, "internal error: %s is not finite (%s)", field,
		     isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	return false;
}

void cli_set_int(json_t *obj, const char *key, int64_t v)
{
	json_object_set_new(obj, key, json_integer((json_int_t)v));
}

void cli_set_str(json_t *obj, const char *key, const char *v)
{
	json_object_set_new(obj, key, json_string(v));
}

void cli_set_bool(json_t *obj, const char *key, bool v)
{
	json_object_set_new(obj, key, json_boolean(v));
}

void cli_set_time(json_t *obj, const char *key, int64_t t)
{
	char buf[32], name[128];

	cli_set_int(obj, key, t);
	snprintf(name, sizeof(name), "%s_utc", key);
	cli_set_str(obj, name, hp_format_time(t, buf));
}

void cli_set_bits(json_t *obj, const char *key, uint32_t bits)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%08x", bits);
	cli_set_str(obj, key, buf);
}

void cli_set_difficulty(json_t *obj, const char *key, uint32_t bits)
{
	double difficulty;

	if (hp_consensus_difficulty(bits, &difficulty))
		cli_set_real_or_null(obj, key, difficulty);
	else
		json_object_set_new(obj, key, json_null());
}

enum hp_status cli_scenario_load(const struct cli_ctx *ctx, const char *path,
				 const struct hp_catalog *cat, struct hp_scenario *sc,
				 struct hp_error *err)
{
	const struct hp_scenario_options sealed = { .no_files = true };

	if (ctx->scenario_text)
		return hp_scenario_parse_opts(ctx->scenario_text, ctx->scenario_len, &sealed, cat, sc,
					      err);
	return hp_scenario_load(path, cat, sc, err);
}

void cli_ctx_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct cli_ctx *c = ctx;

	if (c->progress && total)
		c->progress(c->progress_ctx, (double)done / (double)total);
}

void cli_ctx_progress_size(void *ctx, size_t done, size_t total)
{
	cli_ctx_progress(ctx, done, total);
}
