/*
 * server.h - `hashpivot serve`: the HTTP front end's pieces (docs/api.md).
 *
 *   cmd_serve.c  options, the daemon's life: start, signals, shutdown
 *   server.c     libmicrohttpd callbacks, the route table, static assets,
 *                bodies, the access log
 *   jobs.c       asynchronous jobs (pivot, treasury, simulate)
 *
 * Every API call runs the command's own function in-process with a
 * struct cli_ctx whose out and err are memory streams (srv_run), so the
 * body of a 200 is byte for byte what `hashpivot <command> --json` prints
 * and a 400 carries the command's own one-line message. The server opens
 * no file on behalf of a request other than the shipped data the commands
 * read (the data directory resolved once at startup), and writes none.
 */
#ifndef HASHPIVOT_SERVER_H
#define HASHPIVOT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Limits (docs/api.md, "Limits"). */
#define SRV_BODY_MAX ((size_t)1 << 20)      /* request body, bytes: 413 beyond */
#define SRV_FINISHED_MAX 16                 /* finished jobs kept */
#define SRV_FINISHED_AGE_S 3600             /* ... for at most this long */
#define SRV_RESULTS_BYTES_MAX ((size_t)256 << 20) /* their results, in all */
#define SRV_SIM_DAYS_MAX 3653               /* simulate: 10 years */
#define SRV_SIM_PATH_DAYS_MAX UINT64_C(36530000)  /* 10,000 paths x 10 years */
#define SRV_PIVOT_PATH_MONTHS_MAX UINT64_C(4000000) /* paths x months x strategies */
#define SRV_ARGS_MAX 64                     /* query parameters of one request */

struct srv_config {
	const char *bind;
	unsigned port;
	unsigned max_jobs;
	unsigned job_threads;
	unsigned http_threads;
	unsigned timeout_s;
	const char *data_dir;
	/*
	 * For the fuzz target (tests/fuzz/fuzz_server.c), zero for `serve`:
	 * no_listen makes a server with no socket and no thread of its own
	 * (bind, port and http_threads are ignored): the caller hands it
	 * connections with srv_add_connection and drives them with srv_poll.
	 * The budgets replace SRV_SIM_DAYS_MAX, SRV_SIM_PATH_DAYS_MAX and
	 * SRV_PIVOT_PATH_MONTHS_MAX where not 0.
	 */
	bool no_listen;
	int64_t max_days;
	uint64_t max_path_days, max_path_months;
};

/* What one command run printed and returned. */
struct srv_output {
	int rc;           /* the command's exit status */
	char *out, *err;  /* its stdout and stderr, NUL-terminated (malloc) */
	size_t out_len, err_len;
};

/*
 * Run cmd on argv (argv[0] is the command's name; argv is modified as the
 * CLI's parser does) with a context copied from proto (data_dir, the
 * scenario text, hooks and budgets; json is forced on). Returns false when
 * the memory streams cannot be made (out of memory); else out holds the
 * streams, to be released with srv_output_release.
 */
bool srv_run(const struct cli_command *cmd, int argc, char **argv, const struct cli_ctx *proto,
	     struct srv_output *out);
void srv_output_release(struct srv_output *o);

/*
 * The API's error object for a failed run or a refused request:
 * {"error": MESSAGE, "status": CODE, "command": NAME, "field": FIELD}.
 * message is the command's stderr line ("hashpivot <cmd>: " and the
 * newline are dropped); field is the query name of the --option it starts
 * with, or the scenario field path it starts with, and absent otherwise.
 * command may be NULL. Returns a new reference (NULL: out of memory).
 */
json_t *srv_error_object(int status, const char *command, const char *message);
/* The HTTP status of a command's exit status: 0 200, 2 400, else 500. */
int srv_http_status(int rc);

/* ------------------------------------------------------------------ */
/* jobs                                                                 */
/* ------------------------------------------------------------------ */

struct srv_jobs;

enum srv_submit { SRV_SUBMITTED, SRV_BUSY, SRV_CLOSED, SRV_NOMEM };

/* A job table: at most max_jobs queued or running; proto is copied into
 * every job's context (data_dir, budgets). NULL when out of memory. */
struct srv_jobs *srv_jobs_new(unsigned max_jobs, const struct cli_ctx *proto);
/*
 * Start cmd on argv (argc strings, copied) with the scenario body (copied;
 * NULL for none) on a thread of its own. id receives the job's id (32 hex
 * digits). SRV_BUSY when max_jobs are queued or running, SRV_CLOSED after
 * srv_jobs_close.
 */
enum srv_submit srv_jobs_submit(struct srv_jobs *t, const struct cli_command *cmd, int argc,
				char **argv, const char *body, size_t body_len, char id[33]);
/*
 * GET: the job's JSON (status, progress, elapsed, its result or error) in
 * a malloc'd *body; returns 200, or 404 for an unknown id (*body NULL).
 */
int srv_jobs_get(struct srv_jobs *t, const char *id, char **body, size_t *len);
/* DELETE: cancel a queued or running job, or remove a finished one;
 * 200 with its JSON in *body, or 404. */
int srv_jobs_delete(struct srv_jobs *t, const char *id, char **body, size_t *len);
/* How many jobs are queued or running (their threads have not ended). */
unsigned srv_jobs_active(struct srv_jobs *t);
/* Refuse new jobs, cancel every job and wait for their threads. */
void srv_jobs_close(struct srv_jobs *t);
/* srv_jobs_close, then free everything; NULL does nothing. */
void srv_jobs_free(struct srv_jobs *t);

/* ------------------------------------------------------------------ */
/* the HTTP daemon                                                      */
/* ------------------------------------------------------------------ */

struct srv;
/*
 * Listen on cfg->bind:cfg->port and answer requests on cfg->http_threads
 * threads. Returns NULL after printing the reason on err. *port receives
 * the port bound (the one chosen for port 0).
 */
struct srv *srv_start(const struct srv_config *cfg, const struct cli_command *self, FILE *err,
		      unsigned *port);
/* A no_listen server: serve the connected socket fd (taken over: the
 * server closes it); false when libmicrohttpd refuses it (fd closed). */
bool srv_add_connection(struct srv *s, int fd);
/* A no_listen server: do what its connections are ready for, waiting up
 * to ms milliseconds for one to be. */
void srv_poll(struct srv *s, unsigned ms);
/* The jobs of s queued or running (srv_jobs_active). */
unsigned srv_active_jobs(struct srv *s);
/* Stop accepting connections (answering 503 meanwhile), cancel the jobs,
 * close the connections, join every thread, free. */
void srv_stop(struct srv *s);

#endif
