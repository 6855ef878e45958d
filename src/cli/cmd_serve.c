/*
 * cmd_serve.c - `hashpivot serve`: the JSON API and the web page over
 * HTTP (docs/api.md). The requests themselves are server.c's and jobs.c's;
 * here are the options and the daemon's life.
 *
 * SIGINT and SIGTERM are blocked before any thread starts, so every
 * thread inherits the mask and only this one takes them, in sigwait():
 * then the server stops accepting, answers 503, cancels the jobs, joins
 * every thread and returns 0. It writes no file at any time, so there is
 * nothing half-written to clean up.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hashpivot/montecarlo.h"
#include "hashpivot/parse.h"
#include "server.h"

enum {
	OPT_BIND = CLI_OPT_FIRST_FREE,
	OPT_PORT,
	OPT_MAX_JOBS,
	OPT_THREADS,
	OPT_HTTP_THREADS,
	OPT_TIMEOUT
};

static int uint_option(const struct cli_ctx *ctx, const char *name, const char *arg, int64_t min,
		       int64_t max, unsigned *out)
{
	struct hp_error err = {0};
	int64_t v;

	if (hp_parse_int64(arg, min, max, &v, name, &err) != HP_OK)
		return cli_fail(ctx, &err);
	*out = (unsigned)v;
	return 0;
}

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
	static const struct option opts[] = {
		{"bind", required_argument, NULL, OPT_BIND},
		{"port", required_argument, NULL, OPT_PORT},
		{"max-jobs", required_argument, NULL, OPT_MAX_JOBS},
		{"threads", required_argument, NULL, OPT_THREADS},
		{"http-threads", required_argument, NULL, OPT_HTTP_THREADS},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		CLI_COMMON_OPTIONS,
		{0},
	};
	struct srv_config cfg = {
		.bind = "127.0.0.1", .port = 8080, .max_jobs = 2, .http_threads = 4, .timeout_s = 30,
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t sigs;
	struct srv *s;
	unsigned port;
	int c, sig = 0, rc;

	cfg.job_threads = ncpu > 0 ? (unsigned)(ncpu < 64 ? ncpu : 64) : 1;
	ctx->ind = 0;
	while ((c = cli_next_option(ctx, argc, argv, opts)) != CLI_DONE) {
		const char *a = ctx->arg;
		rc = 0;
		switch (c) {
		case CLI_EXIT: return ctx->exit_code;
		case OPT_BIND: cfg.bind = a; break;
		case OPT_PORT: rc = uint_option(ctx, "--port", a, 0, 65535, &cfg.port); break;
		case OPT_MAX_JOBS: rc = uint_option(ctx, "--max-jobs", a, 1, 64, &cfg.max_jobs); break;
		case OPT_THREADS:
			rc = uint_option(ctx, "--threads", a, 1, HP_MC_THREADS_MAX, &cfg.job_threads);
			break;
		case OPT_HTTP_THREADS:
			rc = uint_option(ctx, "--http-threads", a, 1, 64, &cfg.http_threads);
			break;
		case OPT_TIMEOUT: rc = uint_option(ctx, "--timeout", a, 1, 3600, &cfg.timeout_s); break;
		}
		if (rc)
			return rc;
	}
	if (ctx->ind < argc)
		return cli_usage_error(ctx, "unexpected argument '%.60s'", argv[ctx->ind]);
	{
		unsigned char addr[sizeof(struct in6_addr)];
		if (inet_pton(AF_INET, cfg.bind, addr) != 1 && inet_pton(AF_INET6, cfg.bind, addr) != 1)
			return cli_usage_error(ctx, "--bind: not an IPv4 or IPv6 address, got '%.60s'",
					       cfg.bind);
	}
	cfg.data_dir = ctx->data_dir;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!(s = srv_start(&cfg, ctx->cmd, ctx->err, &port))) {
		pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
		return 1;
	}
	fprintf(ctx->err, "hashpivot serve: listening on http://%s%s%s:%u/\n",
		strchr(cfg.bind, ':') ? "[" : "", cfg.bind, strchr(cfg.bind, ':') ? "]" : "", port);
	fflush(ctx->err);
	while (sigwait(&sigs, &sig) != 0)
		;
	fprintf(ctx->err, "hashpivot serve: %s: stopping (jobs cancelled)\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	srv_stop(s);
	fprintf(ctx->err, "hashpivot serve: stopped\n");
	return 0;
}
