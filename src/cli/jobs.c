/*
 * jobs.c - the server's asynchronous jobs (pivot, treasury, simulate).
 *
 * A job is one run of a command on a thread of its own, with the command's
 * progress and cancel hooks (struct cli_ctx) pointing into the job. Its
 * life: queued (thread made) -> running -> done | failed | cancelled.
 * DELETE sets the cancel flag, which the Monte Carlo loops poll between
 * paths (simulate) or chunks of 64 paths (pivot), and shows the job as
 * cancelled at once; its thread ends soon after.
 *
 * One mutex guards the table. At most max_jobs threads exist at a time
 * (a cancelled job counts until its thread has ended), so a client cannot
 * make the server run more than that many at once: 429 beyond. Finished
 * jobs stay for GET until evicted: beyond SRV_FINISHED_MAX of them, or
 * SRV_RESULTS_BYTES_MAX of results in all, the least recently read goes;
 * any older than SRV_FINISHED_AGE_S goes. Threads are joined when their
 * job is removed, or at close.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "server.h"

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED };

static const char *const state_names[] = { "queued", "running", "done", "failed", "cancelled" };

struct job {
	struct job *next;
	struct srv_jobs *table;
	char id[33];
	const struct cli_command *cmd;
	int argc;
	char **argv;                /* argc strings and a NULL, one allocation each */
	char *body;                 /* the scenario, or NULL */
	size_t body_len;
	enum job_state state;
	atomic_int cancel;          /* the command's ctx->cancel */
	double progress;            /* 0..1 */
	double t_start, t_end;      /* monotonic seconds */
	double t_access;            /* last GET, for eviction */
	char *result;               /* done: the command's --json bytes */
	size_t result_len;
	json_t *error;              /* failed: the error object */
	pthread_t tid;
	bool thread_ended;          /* set by the thread as its last act */
};

struct srv_jobs {
	pthread_mutex_t lock;
	struct job *head;
	unsigned max_jobs, threads; /* threads: jobs whose thread has not ended */
	bool closed;
	size_t result_bytes;
	uint64_t serial;
	struct cli_ctx proto;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 32 hex digits from the kernel's random source; a job id is not
 * guessable, so one client cannot read or cancel another's job by
 * counting. */
static void make_id(struct srv_jobs *t, char id[33])
{
	unsigned char b[16];
	size_t i;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* no entropy: unique all the same */
		uint64_t x = ++t->serial ^ (uint64_t)(now_s() * 1e9);
		for (i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)(x >> (8 * (i % 8)) ^ i);
	}
	for (i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

static void job_free(struct job *j)
{
	int i;

	if (!j)
		return;
	for (i = 0; j->argv && i < j->argc; i++)
		free(j->argv[i]);
	free(j->argv);
	free(j->body);
	free(j->result);
	json_decref(j->error);
	free(j);
}

static bool finished(const struct job *j)
{
	return j->thread_ended;
}

/* Unlink j (its thread has ended), join its thread and free it. Locked. */
static void job_remove(struct srv_jobs *t, struct job *j)
{
	struct job **p;

	for (p = &t->head; *p && *p != j; p = &(*p)->next)
		;
	if (*p)
		*p = j->next;
	pthread_join(j->tid, NULL);
	t->result_bytes -= j->result_len;
	job_free(j);
}

/* Drop old finished jobs, then the least recently read beyond the caps. Locked. */
static void evict(struct srv_jobs *t)
{
	double now = now_s();
	struct job *j, *next, *lru;
	unsigned n;

	for (j = t->head; j; j = next) {
		next = j->next;
		if (finished(j) && now - j->t_end > SRV_FINISHED_AGE_S)
			job_remove(t, j);
	}
	for (;;) {
		n = 0;
		lru = NULL;
		for (j = t->head; j; j = j->next) {
			if (!finished(j))
				continue;
			n++;
			if (!lru || j->t_access < lru->t_access)
				lru = j;
		}
		if (!lru || (n <= SRV_FINISHED_MAX && t->result_bytes <= SRV_RESULTS_BYTES_MAX))
			break;
		job_remove(t, lru);
	}
}

static void job_progress(void *ctx, double fraction)
{
	struct job *j = ctx;

	pthread_mutex_lock(&j->table->lock);
	if (fraction > j->progress)
		j->progress = fraction > 1 ? 1 : fraction;
	pthread_mutex_unlock(&j->table->lock);
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	struct srv_jobs *t = j->table;
	struct cli_ctx ctx;
	struct srv_output o = { .rc = 1 };
	bool ran;

	pthread_mutex_lock(&t->lock);
	if (j->state == JOB_QUEUED)
		j->state = JOB_RUNNING;
	j->t_start = now_s();
	ctx = t->proto;
	pthread_mutex_unlock(&t->lock);

	ctx.scenario_text = j->body;
	ctx.scenario_len = j->body_len;
	ctx.progress = job_progress;
	ctx.progress_ctx = j;
	ctx.cancel = &j->cancel;
	ran = !atomic_load(&j->cancel) && srv_run(j->cmd, j->argc, j->argv, &ctx, &o);

	pthread_mutex_lock(&t->lock);
	j->t_end = now_s();
	j->t_access = j->t_end;
	if (atomic_load(&j->cancel) || j->state == JOB_CANCELLED) {
		j->state = JOB_CANCELLED;
	} else if (ran && o.rc == 0) {
		j->state = JOB_DONE;
		j->progress = 1;
		j->result = o.out;
		j->result_len = o.out_len;
		o.out = NULL;
		t->result_bytes += j->result_len;
	} else {
		int status = ran ? srv_http_status(o.rc) : 500;
		j->state = JOB_FAILED;
		j->error = srv_error_object(status, j->cmd->name, ran ? o.err : "out of memory");
	}
	srv_output_release(&o);
	t->threads--;
	j->thread_ended = true;
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct srv_jobs *srv_jobs_new(unsigned max_jobs, const struct cli_ctx *proto)
{
	struct srv_jobs *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t);
		return NULL;
	}
	t->max_jobs = max_jobs;
	t->proto = *proto;
	return t;
}

static struct job *job_new(const struct cli_command *cmd, int argc, char **argv, const char *body,
			   size_t body_len)
{
	struct job *j = calloc(1, sizeof(*j));
	int i;

	if (!j)
		return NULL;
	j->cmd = cmd;
	if (!(j->argv = calloc((size_t)argc + 1, sizeof(*j->argv))))
		goto fail;
	j->argc = argc;
	for (i = 0; i < argc; i++)
		if (!(j->argv[i] = strdup(argv[i])))
			goto fail;
	if (body) {
		if (!(j->body = malloc(body_len + 1)))
			goto fail;
		memcpy(j->body, body, body_len);
		j->body[body_len] = '\0';
		j->body_len = body_len;
	}
	return j;
fail:
	job_free(j);
	return NULL;
}

enum srv_submit srv_jobs_submit(struct srv_jobs *t, const struct cli_command *cmd, int argc,
				char **argv, const char *body, size_t body_len, char id[33])
{
	struct job *j;
	enum srv_submit ret;

	if (!(j = job_new(cmd, argc, argv, body, body_len)))
		return SRV_NOMEM;
	pthread_mutex_lock(&t->lock);
	evict(t);
	if (t->closed) {
		ret = SRV_CLOSED;
		goto refuse;
	}
	if (t->threads >= t->max_jobs) {
		ret = SRV_BUSY;
		goto refuse;
	}
	make_id(t, j->id);
	j->table = t;
	j->state = JOB_QUEUED;
	j->t_start = j->t_access = now_s();
	if (pthread_create(&j->tid, NULL, job_main, j) != 0) {
		ret = SRV_NOMEM;
		goto refuse;
	}
	t->threads++;
	j->next = t->head;
	t->head = j;
	memcpy(id, j->id, 33);
	pthread_mutex_unlock(&t->lock);
	return SRV_SUBMITTED;

refuse:
	pthread_mutex_unlock(&t->lock);
	job_free(j);
	return ret;
}

static struct job *find(struct srv_jobs *t, const char *id)
{
	struct job *j;

	for (j = t->head; j; j = j->next)
		if (!strcmp(j->id, id))
			return j;
	return NULL;
}

/*
 * The job's JSON: its fields through the --json writer, then, when done,
 * "result" with the command's bytes as they are (indented one level), so
 * the result is exactly what `hashpivot <command> --json` prints. Locked.
 */
static bool job_json(const struct job *j, bool removed, char **body, size_t *len)
{
	json_t *o = json_object();
	FILE *fp;
	double elapsed = 0;
	size_t i;

	if (!o)
		return false;
	if (j->state != JOB_QUEUED)
		elapsed = (j->thread_ended ? j->t_end : now_s()) - j->t_start;
	cli_set_str(o, "job", j->id);
	cli_set_str(o, "command", j->cmd->name);
	cli_set_str(o, "status", state_names[j->state]);
	cli_set_real(o, "progress", j->progress);
	cli_set_real(o, "elapsed_s", elapsed);
	if (removed)
		cli_set_bool(o, "removed", true);
	if (j->state == JOB_FAILED && j->error)
		json_object_set(o, "error", j->error);
	if (!(fp = open_memstream(body, len))) {
		json_decref(o);
		return false;
	}
	cli_write_json(fp, o);
	json_decref(o);
	if (j->state == JOB_DONE && !removed) {
		/* replace the closing "}\n" */
		fflush(fp);
		fseek(fp, -3, SEEK_END);
		fputs(",\n  \"result\": ", fp);
		for (i = 0; i < j->result_len; i++) {
			fputc(j->result[i], fp);
			if (j->result[i] == '\n' && i + 1 < j->result_len)
				fputs("  ", fp);
		}
		if (!j->result_len || j->result[j->result_len - 1] != '\n')
			fputc('\n', fp);
		fputs("}\n", fp);
	}
	if (fclose(fp) != 0) {
		free(*body);
		*body = NULL;
		return false;
	}
	return true;
}

int srv_jobs_get(struct srv_jobs *t, const char *id, char **body, size_t *len)
{
	struct job *j;
	int status = 404;

	*body = NULL;
	pthread_mutex_lock(&t->lock);
	evict(t);
	if ((j = find(t, id)) != NULL) {
		j->t_access = now_s();
		status = job_json(j, false, body, len) ? 200 : 500;
	}
	pthread_mutex_unlock(&t->lock);
	return status;
}

int srv_jobs_delete(struct srv_jobs *t, const char *id, char **body, size_t *len)
{
	struct job *j;
	int status = 404;

	*body = NULL;
	pthread_mutex_lock(&t->lock);
	if ((j = find(t, id)) != NULL) {
		if (finished(j)) {
			status = job_json(j, true, body, len) ? 200 : 500;
			job_remove(t, j);
		} else {
			atomic_store(&j->cancel, 1);
			j->state = JOB_CANCELLED;
			status = job_json(j, false, body, len) ? 200 : 500;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return status;
}

unsigned srv_jobs_active(struct srv_jobs *t)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->threads;
	pthread_mutex_unlock(&t->lock);
	return n;
}

void srv_jobs_close(struct srv_jobs *t)
{
	struct job *j;

	pthread_mutex_lock(&t->lock);
	t->closed = true;
	for (j = t->head; j; j = j->next)
		if (!finished(j)) {
			atomic_store(&j->cancel, 1);
			j->state = JOB_CANCELLED;
		}
	while (t->head) {
		j = t->head;
		t->head = j->next;
		/* the thread takes the lock to finish: let it */
		pthread_mutex_unlock(&t->lock);
		pthread_join(j->tid, NULL);
		pthread_mutex_lock(&t->lock);
		t->result_bytes -= j->result_len;
		job_free(j);
	}
	pthread_mutex_unlock(&t->lock);
}

void srv_jobs_free(struct srv_jobs *t)
{
	if (!t)
		return;
	srv_jobs_close(t);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
