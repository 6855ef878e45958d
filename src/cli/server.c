/*
 * server.c - the HTTP side of `hashpivot serve` (docs/api.md): the route
 * table, query parameters turned into the command's argv, request bodies,
 * static assets, error bodies and the access log, on libmicrohttpd.
 *
 * libmicrohttpd runs its own threads (a pool polling with epoll); the
 * access handler below is called on them, several times per request:
 * once with the headers (a request state is made; an announced body over
 * the cap is refused at once with 413), once per piece of body (kept up to
 * SRV_BODY_MAX; beyond it 413 and the rest is dropped), then once with
 * nothing left, when the request is answered. The completion callback
 * writes the access-log line and frees the state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "assets.h"
#include "hashpivot/common.h"
#include "hashpivot/parse.h"
#include "server.h"

/* ------------------------------------------------------------------ */
/* running a command                                                    */
/* ------------------------------------------------------------------ */

bool srv_run(const struct cli_command *cmd, int argc, char **argv, const struct cli_ctx *proto,
	     struct srv_output *o)
{
	struct cli_ctx ctx = *proto;
	FILE *out, *err;

	memset(o, 0, sizeof(*o));
	o->rc = 1;
	if (!(out = open_memstream(&o->out, &o->out_len)))
		return false;
	if (!(err = open_memstream(&o->err, &o->err_len))) {
		fclose(out);
		free(o->out);
		o->out = NULL;
		return false;
	}
	ctx.cmd = cmd;
	ctx.json = true;
	ctx.out = out;
	ctx.err = err;
	ctx.ind = 0;
	ctx.arg = NULL;
	ctx.exit_code = 0;
	o->rc = cmd->fn(argc, argv, &ctx);
	if ((fclose(out) | fclose(err)) != 0 || !o->out || !o->err) {
		srv_output_release(o);
		return false;
	}
	return true;
}

void srv_output_release(struct srv_output *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
	o->out_len = o->err_len = 0;
}

int srv_http_status(int rc)
{
	return rc == 0 ? 200 : rc == 2 ? 400 : 500;
}

/* A scenario field path: letters, digits, '_', '.', '[', ']'. */
static bool path_like(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '[' || c == ']'))
			return false;
	}
	return true;
}

/*
 * s made valid UTF-8 in place: a byte that does not start a well-formed
 * sequence (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF) becomes '?'. An error message echoes what the client sent,
 * and jansson refuses a string that is not UTF-8.
 */
static void utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		unsigned c = p[0];
		size_t need = 0;
		unsigned lo = 0x80, hi = 0xbf; /* range of the second byte */

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		}
		bool ok = need > 0 && p[1] >= lo && p[1] <= hi;
		for (size_t i = 2; ok && i <= need; i++)
			ok = p[i] >= 0x80 && p[i] <= 0xbf;
		if (!ok) {
			*p++ = '?';
			continue;
		}
		p += need + 1;
	}
}

json_t *srv_error_object(int status, const char *command, const char *message)
{
	json_t *o = json_object();
	char msg[HP_ERROR_MESSAGE_MAX + 256], field[HP_ERROR_FIELD_MAX + 1];
	const char *m = message ? message : "", *nl;
	size_t n;

	if (!o)
		return NULL;
	/* "hashpivot <command>: " goes; so does everything from the newline */
	if (!strncmp(m, "hashpivot ", 10)) {
		const char *colon = strstr(m, ": ");
		if (colon && (!(nl = strchr(m, '\n')) || colon < nl))
			m = colon + 2;
	}
	n = (nl = strchr(m, '\n')) ? (size_t)(nl - m) : strlen(m);
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, m, n);
	msg[n] = '\0';
	utf8_scrub(msg);

	field[0] = '\0';
	if (!strncmp(msg, "--", 2)) {
		/* "--price-usd: ..." is the query parameter price_usd */
		n = strcspn(msg + 2, ":= '");
		if (n > 0 && n < sizeof(field)) {
			memcpy(field, msg + 2, n);
			field[n] = '\0';
			for (char *p = field; *p; p++)
				if (*p == '-')
					*p = '_';
		}
	} else {
		/* "sites[0].grid_mw: ..." or "scenario:3:14: ..." */
		n = strcspn(msg, ": ");
		if (msg[n] == ':' && n < sizeof(field) && path_like(msg, n)) {
			memcpy(field, msg, n);
			field[n] = '\0';
		}
	}
	cli_set_str(o, "error", msg);
	cli_set_int(o, "status", status);
	if (command)
		cli_set_str(o, "command", command);
	if (field[0])
		cli_set_str(o, "field", field);
	return o;
}

/* ------------------------------------------------------------------ */
/* routes                                                               */
/* ------------------------------------------------------------------ */

enum route_kind { ROUTE_GET, ROUTE_POST, ROUTE_JOB };

struct route {
	const char *name;            /* /api/v1/<name>, the command's name */
	enum route_kind kind;
	const char *const *params;   /* query names (the options, '-' as '_') */
	const char *operand;         /* query name given as the operand, or NULL */
};

#define NET "difficulty", "bits", "height", "fees_btc", "price_usd", "pool_fee_pct"

static const char *const p_network[] = { "height", NULL };
static const char *const p_hashprice[] = { NET, NULL };
static const char *const p_machines[] = { "sort", "cooling", "add_machine", NULL };
static const char *const p_breakeven[] = {
	"machine", "all", "sort", "add_machine", NET, "power_price_usd_per_kwh", "pue",
	"uptime_pct", "hosting_usd_per_kwh", "hosting_usd_per_month", "machine_price_usd",
	"months", "difficulty_growth_pct_per_month", "price_growth_pct_per_month",
	"run_when_unprofitable", NULL
};
static const char *const p_energy[] = { NET, "power_price_usd_per_kwh", "as_of", "add_machine",
					"pue_lower", "pue_best", "pue_upper", NULL };
static const char *const p_subsidy[] = { "height", "network", NULL };
static const char *const p_bits[] = { "bits", "difficulty", "target", NULL };
static const char *const p_retarget[] = { "bits", "first_time", "last_time", "network", NULL };
static const char *const p_header[] = { "hex", "network", NULL };
static const char *const p_estimate[] = { "height", "epoch_start_time", "now", "last_block_time",
					  "window_start_time", "previous_change", NULL };
static const char *const p_fleet[] = { "add_machine", NULL };
static const char *const p_pivot[] = { "paths", "seed", "strategy", "add_machine", NULL };
static const char *const p_simulate[] = { "paths", "seed", "years", "block_level", "rule",
					  "every", "quantile_error_pct", NULL };

static const struct route routes[] = {
	{ "network", ROUTE_GET, p_network, NULL },
	{ "hashprice", ROUTE_GET, p_hashprice, NULL },
	{ "machines", ROUTE_GET, p_machines, NULL },
	{ "breakeven", ROUTE_GET, p_breakeven, NULL },
	{ "energy", ROUTE_GET, p_energy, NULL },
	{ "subsidy", ROUTE_GET, p_subsidy, NULL },
	{ "bits", ROUTE_GET, p_bits, "bits" },
	{ "retarget", ROUTE_GET, p_retarget, NULL },
	{ "estimate", ROUTE_GET, p_estimate, NULL },
	{ "header", ROUTE_GET, p_header, "hex" },
	{ "fleet", ROUTE_POST, p_fleet, NULL },
	{ "pivot", ROUTE_JOB, p_pivot, NULL },
	{ "treasury", ROUTE_JOB, p_pivot, NULL },
	{ "simulate", ROUTE_JOB, p_simulate, NULL },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Options that take no value: given as name=1|true (0|false: absent). */
static const char *const flag_params[] = { "all", "run_when_unprofitable", "block_level", NULL };
/* Options that name files, or that the server chooses. */
static const char *const file_options[] = { "scenario", "catalog", "prices", "out", "csv",
					    "trace", "data_dir", "report", "db", NULL };

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static const struct route *find_route(const char *name)
{
	for (size_t i = 0; i < NROUTES; i++)
		if (!strcmp(routes[i].name, name))
			return &routes[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the server                                                           */
/* ------------------------------------------------------------------ */

struct srv {
	struct MHD_Daemon *d;
	const struct srv_config *cfg;
	const struct cli_command *self;
	FILE *log;
	struct srv_jobs *jobs;
	struct cli_ctx proto;      /* data_dir and budgets of every run */
	atomic_int closing;
	char job_threads[32];      /* "--threads=T" */
};

struct request {
	double t0;                 /* monotonic, for the log's milliseconds */
	time_t wall;
	char method[8];
	char path[160];
	bool started;
	bool answered;
	bool too_large;
	int status;
	size_t bytes;
	char *body;
	size_t body_len;
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Queue body (malloc'd, taken over; NULL: empty) with status and type. */
static enum MHD_Result respond(struct MHD_Connection *c, struct request *rq, int status,
			       const char *type, char *body, size_t len, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body ? body : (void *)"",
					    body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (!strncmp(type, "application/json", 16))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES) {
		rq->answered = true;
		rq->status = status;
		rq->bytes = len;
	}
	return ret;
}

static enum MHD_Result respond_json(struct MHD_Connection *c, struct request *rq, int status,
				    char *body, size_t len)
{
	return respond(c, rq, status, "application/json", body, len, NULL);
}

/* v through the --json writer (v is released). */
static enum MHD_Result respond_value(struct MHD_Connection *c, struct request *rq, int status,
				     json_t *v, const char *allow)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (!v || !(fp = open_memstream(&buf, &len))) {
		json_decref(v);
		return MHD_NO;
	}
	cli_write_json(fp, v);
	json_decref(v);
	if (fclose(fp) != 0) {
		free(buf);
		return MHD_NO;
	}
	return respond(c, rq, status, "application/json", buf, len, allow);
}

/* An error of the request itself (route, method, size, state): no field. */
static enum MHD_Result respond_error(struct MHD_Connection *c, struct request *rq, int status,
				     const char *command, const char *allow, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static enum MHD_Result respond_error(struct MHD_Connection *c, struct request *rq, int status,
				     const char *command, const char *allow, const char *fmt, ...)
{
	char msg[512];
	json_t *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((v = srv_error_object(status, command, msg)) != NULL)
		json_object_del(v, "field");
	return respond_value(c, rq, status, v, allow);
}

/*
 * The command's output as the response: 200 with its bytes, or its error.
 * An error about the operand (the usage's "BITS", "HEX80") names the
 * query parameter that carries it.
 */
static enum MHD_Result respond_run(struct MHD_Connection *c, struct request *rq,
				   const struct route *rt, struct srv_output *o)
{
	int status = srv_http_status(o->rc);
	enum MHD_Result ret;

	if (status == 200) {
		ret = respond_json(c, rq, 200, o->out, o->out_len);
		o->out = NULL;
	} else {
		json_t *v = srv_error_object(status, rt->name, o->err);
		const char *f = json_string_value(json_object_get(v, "field"));
		if (f && rt->operand && strspn(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(f))
			json_object_set_new(v, "field", json_string(rt->operand));
		ret = respond_value(c, rq, status, v, NULL);
	}
	srv_output_release(o);
	return ret;
}

/* ------------------------------------------------------------------ */
/* query parameters -> argv                                             */
/* ------------------------------------------------------------------ */

struct args {
	const struct route *rt;
	int argc, nops;
	char *argv[SRV_ARGS_MAX + 4];
	char *ops[SRV_ARGS_MAX];
	char error[512];           /* the first refusal */
};

static void args_release(struct args *a)
{
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	for (int i = 0; i < a->nops; i++)
		free(a->ops[i]);
	a->argc = a->nops = 0;
}

static bool args_push(struct args *a, char *s)
{
	if (!s) {
		snprintf(a->error, sizeof(a->error), "out of memory");
		return false;
	}
	a->argv[a->argc++] = s;
	return true;
}

static enum MHD_Result take_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				size_t key_size, const char *value, size_t value_size)
{
	struct args *a = cls;
	char opt[96], *s;
	size_t i;

	(void)kind;
	if (a->error[0])
		return MHD_NO;
	if (key_size != strlen(key) || key_size >= 64 || !path_like(key, key_size)) {
		snprintf(a->error, sizeof(a->error), "query: not a parameter name, got '%.40s'", key);
		return MHD_NO;
	}
	if (!value)
		value = "";
	else if (value_size != strlen(value)) {
		snprintf(a->error, sizeof(a->error), "--%s: contains a NUL byte", key);
		goto dashes;
	}
	if (a->argc + a->nops >= SRV_ARGS_MAX) {
		snprintf(a->error, sizeof(a->error), "query: more than %d parameters", SRV_ARGS_MAX);
		return MHD_NO;
	}
	if (in_list(file_options, key)) {
		snprintf(a->error, sizeof(a->error),
			 "--%s: names a file, which the server does not read", key);
		goto dashes;
	}
	if (!strcmp(key, "threads")) {
		snprintf(a->error, sizeof(a->error),
			 "--threads: chosen by the server (hashpivot serve --threads)");
		return MHD_NO;
	}
	if (!in_list(a->rt->params, key)) {
		snprintf(a->error, sizeof(a->error), "%s: not a parameter of /api/v1/%s", key,
			 a->rt->name);
		return MHD_NO;
	}
	if (a->rt->operand && !strcmp(key, a->rt->operand)) {
		if (!(a->ops[a->nops] = strdup(value))) {
			snprintf(a->error, sizeof(a->error), "out of memory");
			return MHD_NO;
		}
		a->nops++;
		return MHD_YES;
	}
	snprintf(opt, sizeof(opt), "--%s", key);
	for (i = 2; opt[i]; i++)
		if (opt[i] == '_')
			opt[i] = '-';
	if (in_list(flag_params, key)) {
		if (!strcmp(value, "0") || !strcmp(value, "false"))
			return MHD_YES;
		if (strcmp(value, "1") && strcmp(value, "true") && strcmp(value, "")) {
			snprintf(a->error, sizeof(a->error),
				 "%s: must be 1, true, 0 or false, got '%.40s'", opt, value);
			return MHD_NO;
		}
		return args_push(a, strdup(opt)) ? MHD_YES : MHD_NO;
	}
	/* --name=value: a value that starts with '-' stays a value */
	if (!(s = malloc(strlen(opt) + 1 + strlen(value) + 1)))
		return args_push(a, NULL) ? MHD_YES : MHD_NO;
	snprintf(s, strlen(opt) + 1 + strlen(value) + 1, "%s=%s", opt, value);
	return args_push(a, s) ? MHD_YES : MHD_NO;

dashes:
	/* the message names the option as the CLI does: --fees-btc */
	for (s = a->error + 2; *s && *s != ':'; s++)
		if (*s == '_')
			*s = '-';
	return MHD_NO;
}

/* argv for the route from the query: name, options, extra, "--", operands. */
static bool build_args(struct MHD_Connection *c, const struct route *rt, const char *extra,
		       struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->rt = rt;
	if (!args_push(a, strdup(rt->name)))
		return false;
	MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, take_arg, a);
	if (a->error[0])
		return false;
	if (extra && !args_push(a, strdup(extra)))
		return false;
	if (a->nops) {
		if (!args_push(a, strdup("--")))
			return false;
		for (int i = 0; i < a->nops; i++) {
			a->argv[a->argc++] = a->ops[i];
			a->ops[i] = NULL;
		}
		a->nops = 0;
	}
	a->argv[a->argc] = NULL;
	return true;
}

/* ------------------------------------------------------------------ */
/* handlers                                                             */
/* ------------------------------------------------------------------ */

static enum MHD_Result api_command(struct srv *s, struct MHD_Connection *c, struct request *rq,
				   const struct route *rt)
{
	const struct cli_command *cmd = cli_command_find(rt->name);
	struct srv_output o;
	struct cli_ctx ctx = s->proto;
	struct args a;
	enum MHD_Result ret;
	char id[33];

	if (!cmd)
		return respond_error(c, rq, 500, rt->name, NULL, "no such command");
	if (!build_args(c, rt, rt->kind == ROUTE_JOB ? s->job_threads : NULL, &a)) {
		int status = strcmp(a.error, "out of memory") ? 400 : 500;
		/* a refused parameter: its field, as for the command's own errors */
		ret = respond_value(c, rq, status, srv_error_object(status, rt->name, a.error), NULL);
		args_release(&a);
		return ret;
	}
	if (rt->kind == ROUTE_POST || rt->kind == ROUTE_JOB) {
		ctx.scenario_text = rq->body ? rq->body : "";
		ctx.scenario_len = rq->body_len;
		/* simulate without a body runs the shipped scenario epoch5 */
		if (!rq->body_len && !strcmp(rt->name, "simulate"))
			ctx.scenario_text = NULL;
	}
	if (rt->kind == ROUTE_JOB) {
		char *check[SRV_ARGS_MAX + 4];
		/* bad input is refused now, not by a job that fails later */
		memcpy(check, a.argv, sizeof(check));
		ctx.check_only = true;
		if (!srv_run(cmd, a.argc, check, &ctx, &o)) {
			args_release(&a);
			return respond_error(c, rq, 500, rt->name, NULL, "out of memory");
		}
		if (o.rc != 0) {
			args_release(&a);
			return respond_run(c, rq, rt, &o);
		}
		srv_output_release(&o);
		switch (srv_jobs_submit(s->jobs, cmd, a.argc, a.argv, ctx.scenario_text,
					ctx.scenario_len, id)) {
		case SRV_SUBMITTED: {
			json_t *v = json_object();
			char href[64];
			snprintf(href, sizeof(href), "/api/v1/jobs/%s", id);
			cli_set_str(v, "job", id);
			cli_set_str(v, "command", rt->name);
			cli_set_str(v, "status", "queued");
			cli_set_str(v, "href", href);
			ret = respond_value(c, rq, 202, v, NULL);
			break;
		}
		case SRV_BUSY:
			ret = respond_error(c, rq, 429, rt->name, NULL,
					    "too many jobs: %u are queued or running; retry when one "
					    "has finished, or cancel one",
					    s->cfg->max_jobs);
			break;
		case SRV_CLOSED:
			ret = respond_error(c, rq, 503, rt->name, NULL, "the server is shutting down");
			break;
		default:
			ret = respond_error(c, rq, 500, rt->name, NULL, "out of memory");
		}
		args_release(&a);
		return ret;
	}
	if (!srv_run(cmd, a.argc, a.argv, &ctx, &o)) {
		args_release(&a);
		return respond_error(c, rq, 500, rt->name, NULL, "out of memory");
	}
	args_release(&a);
	return respond_run(c, rq, rt, &o);
}

static enum MHD_Result api_version(struct MHD_Connection *c, struct request *rq)
{
	json_t *v = json_object(), *cmds = json_array();

	cli_set_str(v, "version", hp_version());
	for (size_t i = 0; i < NROUTES; i++)
		json_array_append_new(cmds, json_string(routes[i].name));
	json_object_set_new(v, "commands", cmds);
	return respond_value(c, rq, 200, v, NULL);
}

static bool is_job_id(const char *id)
{
	size_t n = strspn(id, "0123456789abcdef");

	return n == 32 && id[n] == '\0';
}

static enum MHD_Result api_job(struct srv *s, struct MHD_Connection *c, struct request *rq,
			       const char *id, const char *method)
{
	char *body = NULL;
	size_t len = 0;
	int status;

	if (strcmp(method, "GET") && strcmp(method, "DELETE"))
		return respond_error(c, rq, 405, NULL, "GET, DELETE", "%s: not allowed on a job",
				     method);
	if (!is_job_id(id))
		return respond_error(c, rq, 404, NULL, NULL, "job: no job '%.40s'", id);
	status = strcmp(method, "GET") ? srv_jobs_delete(s->jobs, id, &body, &len)
				       : srv_jobs_get(s->jobs, id, &body, &len);
	if (status == 404)
		return respond_error(c, rq, 404, NULL, NULL,
				     "job: no job '%s' (finished jobs are kept for an hour, "
				     "16 at most)",
				     id);
	if (status != 200 || !body) {
		free(body);
		return respond_error(c, rq, 500, NULL, NULL, "out of memory");
	}
	return respond_json(c, rq, 200, body, len);
}

static enum MHD_Result api(struct srv *s, struct MHD_Connection *c, struct request *rq,
			   const char *rest, const char *method)
{
	const struct route *rt;

	if (!strncmp(rest, "jobs/", 5))
		return api_job(s, c, rq, rest + 5, method);
	if (!strcmp(rest, "version")) {
		if (strcmp(method, "GET"))
			return respond_error(c, rq, 405, NULL, "GET", "%s: not allowed on /api/v1/version",
					     method);
		return api_version(c, rq);
	}
	if (!(rt = find_route(rest)))
		return respond_error(c, rq, 404, NULL, NULL, "/api/v1/%.60s: no such route", rest);
	if (rt->kind == ROUTE_GET && strcmp(method, "GET"))
		return respond_error(c, rq, 405, rt->name, "GET", "%s: not allowed on /api/v1/%s",
				     method, rt->name);
	if (rt->kind != ROUTE_GET && strcmp(method, "POST"))
		return respond_error(c, rq, 405, rt->name, "POST", "%s: not allowed on /api/v1/%s",
				     method, rt->name);
	return api_command(s, c, rq, rt);
}

/* GET / and GET /<asset>: only what is compiled into the binary. */
static enum MHD_Result static_route(struct MHD_Connection *c, struct request *rq, const char *url,
				    const char *method)
{
	const char *name = url[1] ? url + 1 : "index.html";
	const struct cli_asset *as = strchr(name, '/') ? NULL : cli_asset_find(name);
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!as)
		return respond_error(c, rq, 404, NULL, NULL, "%.80s: not found", url);
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_error(c, rq, 405, NULL, "GET, HEAD", "%s: not allowed on %.80s", method,
				     url);
	r = MHD_create_response_from_buffer(as->len, (void *)as->data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, as->type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES) {
		rq->answered = true;
		rq->status = 200;
		rq->bytes = strcmp(method, "HEAD") ? as->len : 0;
	}
	return ret;
}

/* Counts a request's Content-Length headers (libmicrohttpd itself refuses
 * a value that is not a byte count, with its own 400 page). */
static enum MHD_Result count_clen(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	(void)value;
	if (key && !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH))
		++*(unsigned *)cls;
	return MHD_YES;
}

static bool wants_body(const char *url, const char *method)
{
	return !strcmp(method, "POST") && !strncmp(url, "/api/v1/", 8);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct srv *s = cls;
	struct request *rq = *con_cls;

	(void)version;
	if (!rq) {
		unsigned nclen = 0;
		const char *cl;
		if (!(rq = calloc(1, sizeof(*rq))))
			return MHD_NO;
		*con_cls = rq;
		rq->t0 = mono_s();
		rq->wall = time(NULL);
		snprintf(rq->method, sizeof(rq->method), "%s", method);
		snprintf(rq->path, sizeof(rq->path), "%s", url);
		if (atomic_load(&s->closing))
			return respond_error(c, rq, 503, NULL, NULL, "the server is shutting down");
		/* the body's framing must be unambiguous (RFC 9112 6.3): of two
		 * lengths libmicrohttpd would read the body by one, ignoring the other */
		MHD_get_connection_values(c, MHD_HEADER_KIND, count_clen, &nclen);
		if (nclen > 1)
			return respond_error(c, rq, 400, NULL, NULL,
					     "Content-Length: given %u times", nclen);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && wants_body(url, method)) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || end == cl || n > SRV_BODY_MAX)
				return respond_error(c, rq, 413, NULL, NULL,
						     "body: larger than %zu bytes (1 MiB)",
						     SRV_BODY_MAX);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (rq->answered || rq->too_large || !wants_body(url, method))
			return MHD_YES;  /* dropped */
		if (rq->body_len + n > SRV_BODY_MAX) {
			/* a chunked body that grows past the cap */
			free(rq->body);
			rq->body = NULL;
			rq->body_len = 0;
			rq->too_large = true;
			/* answer now if libmicrohttpd lets us, else once the body has passed */
			respond_error(c, rq, 413, NULL, NULL, "body: larger than %zu bytes (1 MiB)",
				      SRV_BODY_MAX);
			return MHD_YES;
		}
		char *nb = realloc(rq->body, rq->body_len + n + 1);
		if (!nb)
			return MHD_NO;
		memcpy(nb + rq->body_len, upload_data, n);
		rq->body = nb;
		rq->body_len += n;
		rq->body[rq->body_len] = '\0';
		return MHD_YES;
	}
	if (rq->answered)
		return MHD_YES;
	if (rq->too_large)
		return respond_error(c, rq, 413, NULL, NULL, "body: larger than %zu bytes (1 MiB)",
				     SRV_BODY_MAX);
	if (atomic_load(&s->closing))
		return respond_error(c, rq, 503, NULL, NULL, "the server is shutting down");
	if (!strncmp(url, "/api/v1/", 8))
		return api(s, c, rq, url + 8, method);
	if (!strcmp(url, "/api") || !strncmp(url, "/api/", 5))
		return respond_error(c, rq, 404, NULL, NULL, "%.80s: no such route", url);
	return static_route(c, rq, url, method);
}

/* One line per request: time, client, method, path (no query, no body),
 * status, bytes of the body sent, milliseconds. */
static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct srv *s = cls;
	struct request *rq = *con_cls;
	const union MHD_ConnectionInfo *ci;
	char when[32], client[INET6_ADDRSTRLEN + 8] = "-";

	if (!rq)
		return;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				  client, sizeof(client));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				  client, sizeof(client));
	}
	hp_format_time((int64_t)rq->wall, when);
	fprintf(s->log, "%s %s %s %s %d %zu %.1fms%s\n", when, client, rq->method, rq->path,
		rq->answered ? rq->status : 0, rq->bytes, (mono_s() - rq->t0) * 1000,
		toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (closed early)");
	free(rq->body);
	free(rq);
	*con_cls = NULL;
}

/* ------------------------------------------------------------------ */
/* start and stop                                                       */
/* ------------------------------------------------------------------ */

struct srv *srv_start(const struct srv_config *cfg, const struct cli_command *self, FILE *err,
		      unsigned *port)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	const struct sockaddr *sa = NULL;
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;

	if (!s) {
		fprintf(err, "hashpivot serve: out of memory\n");
		return NULL;
	}
	s->cfg = cfg;
	s->self = self;
	s->log = err;
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (cfg->no_listen) {
		flags = MHD_USE_NO_LISTEN_SOCKET; /* and no thread: srv_poll drives it */
	} else if (inet_pton(AF_INET, cfg->bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)cfg->port);
		sa = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, cfg->bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)cfg->port);
		sa = (const struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(err, "hashpivot serve: --bind: not an IPv4 or IPv6 address, got '%.60s'\n",
			cfg->bind);
		free(s);
		return NULL;
	}
	s->proto.data_dir_opt = NULL;
	snprintf(s->proto.data_dir, sizeof(s->proto.data_dir), "%s", cfg->data_dir);
	s->proto.max_days = cfg->max_days ? cfg->max_days : SRV_SIM_DAYS_MAX;
	s->proto.max_path_days = cfg->max_path_days ? cfg->max_path_days : SRV_SIM_PATH_DAYS_MAX;
	s->proto.max_path_months =
		cfg->max_path_months ? cfg->max_path_months : SRV_PIVOT_PATH_MONTHS_MAX;
	snprintf(s->job_threads, sizeof(s->job_threads), "--threads=%u", cfg->job_threads);
	if (!(s->jobs = srv_jobs_new(cfg->max_jobs, &s->proto))) {
		fprintf(err, "hashpivot serve: out of memory\n");
		free(s);
		return NULL;
	}
	if (cfg->no_listen)
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
					MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
	else
		s->d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, handle, s,
					MHD_OPTION_SOCK_ADDR, sa,
					MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->http_threads,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
					MHD_OPTION_NOTIFY_COMPLETED, completed, s,
					MHD_OPTION_END);
	if (!s->d) {
		fprintf(err, "hashpivot serve: cannot listen on %s port %u: %s\n",
			cfg->bind ? cfg->bind : "-", cfg->port,
			errno ? strerror(errno) : "libmicrohttpd refused");
		srv_jobs_free(s->jobs);
		free(s);
		return NULL;
	}
	di = cfg->no_listen ? NULL : MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	*port = di ? di->port : cfg->port;
	return s;
}

bool srv_add_connection(struct srv *s, int fd)
{
	struct sockaddr_in a4;

	/* a client address for the access log: the loopback */
	memset(&a4, 0, sizeof(a4));
	a4.sin_family = AF_INET;
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return MHD_add_connection(s->d, fd, (const struct sockaddr *)&a4, sizeof(a4)) == MHD_YES;
}

unsigned srv_active_jobs(struct srv *s)
{
	return srv_jobs_active(s->jobs);
}

void srv_poll(struct srv *s, unsigned ms)
{
	MHD_run_wait(s->d, (int32_t)ms);
}

void srv_stop(struct srv *s)
{
	MHD_socket fd;

	if (!s)
		return;
	atomic_store(&s->closing, 1);
	/* stop accepting, cancel and join the jobs, then close what is open */
	fd = s->cfg->no_listen ? MHD_INVALID_SOCKET : MHD_quiesce_daemon(s->d);
	srv_jobs_close(s->jobs);
	MHD_stop_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	srv_jobs_free(s->jobs);
	free(s);
}
