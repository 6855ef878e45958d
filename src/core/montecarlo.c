/*
 * montecarlo.c - the threaded Monte Carlo driver (include/hashpivot/montecarlo.h).
 *
 * Paths are taken one at a time from an atomic counter, so a slow path
 * never holds up a whole chunk; the counter costs nanoseconds against a
 * path's milliseconds. The calling thread is worker 0. The first failing
 * worker records its error under the mutex; the others see the flag at
 * their next path.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "hashpivot/montecarlo.h"

struct shared {
	const struct hp_mc_job *job;
	atomic_uint_fast64_t next;
	atomic_int stop;
	uint64_t done;
	pthread_mutex_t lock;     /* done, progress calls, the first error */
	enum hp_status status;
	struct hp_error err;
};

struct worker {
	struct shared *sh;
	void *ws;
};

static void fail(struct shared *sh, enum hp_status st, const struct hp_error *e)
{
	pthread_mutex_lock(&sh->lock);
	if (sh->status == HP_OK) {
		sh->status = st;
		if (e)
			sh->err = *e;
	}
	pthread_mutex_unlock(&sh->lock);
	atomic_store(&sh->stop, 1);
}

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct shared *sh = wk->sh;
	const struct hp_mc_job *job = sh->job;
	struct hp_error e;

	for (;;) {
		uint64_t i;
		enum hp_status st;

		if (atomic_load(&sh->stop))
			break;
		if (job->cancel && atomic_load(job->cancel)) {
			hp_error_set(&e, HP_ECANCELED, NULL, "canceled");
			fail(sh, HP_ECANCELED, &e);
			break;
		}
		i = atomic_fetch_add(&sh->next, 1);
		if (i >= job->npaths)
			break;
		if ((st = job->path(job->ctx, wk->ws, job->first_path + i, &e)) != HP_OK) {
			fail(sh, st, &e);
			break;
		}
		pthread_mutex_lock(&sh->lock);
		sh->done++;
		if (job->progress)
			job->progress(job->progress_ctx, sh->done, job->npaths);
		pthread_mutex_unlock(&sh->lock);
	}
	return NULL;
}

enum hp_status hp_mc_run(const struct hp_mc_job *job, struct hp_error *err)
{
	pthread_t tid[HP_MC_THREADS_MAX];
	struct worker wk[HP_MC_THREADS_MAX];
	struct shared sh;
	unsigned n = job->threads, t, made = 0, started = 0;
	enum hp_status ret = HP_OK;

	if (n < 1 || n > HP_MC_THREADS_MAX)
		return hp_error_set(err, HP_EINVAL, "threads", "must be 1 to %d, got %u",
				    HP_MC_THREADS_MAX, n);
	if (job->npaths < n)
		n = job->npaths ? (unsigned)job->npaths : 1;
	memset(&sh, 0, sizeof(sh));
	sh.job = job;
	atomic_store(&sh.next, 0);
	atomic_store(&sh.stop, 0);
	if (pthread_mutex_init(&sh.lock, NULL) != 0)
		return hp_error_set(err, HP_ENOMEM, NULL, "out of memory (mutex)");

	for (t = 0; t < n; t++, made++) {
		wk[t].sh = &sh;
		wk[t].ws = NULL;
		if ((ret = job->worker_new(job->ctx, t, &wk[t].ws, err)) != HP_OK)
			goto out;
	}
	for (t = 1; t < n; t++, started++)
		if (pthread_create(&tid[t], NULL, worker_main, &wk[t]) != 0)
			break;
	worker_main(&wk[0]);
	for (t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	if (sh.status != HP_OK) {
		ret = sh.status;
		if (err)
			*err = sh.err;
		goto out;
	}
	for (t = 0; t < n; t++)
		if ((ret = job->merge(job->ctx, wk[t].ws, err)) != HP_OK)
			goto out;
out:
	for (t = 0; t < made; t++)
		job->worker_free(job->ctx, wk[t].ws);
	pthread_mutex_destroy(&sh.lock);
	return ret;
}
