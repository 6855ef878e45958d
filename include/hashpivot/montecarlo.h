/*
 * montecarlo.h - the threaded Monte Carlo driver: paths handed out to a
 * pool of pthreads, one workspace per worker, results folded in worker
 * order after every worker has finished, progress and cancellation.
 *
 * Invariants: a path's result may depend only on its number (models key
 * their random streams by it), and a model's fold must be exact (integer
 * counts, include/hashpivot/stats.h) for results to be identical for any
 * thread count: the driver does not fix which worker runs which path.
 * Nothing is allocated by the driver itself beyond the thread handles.
 */
#ifndef HASHPIVOT_MONTECARLO_H
#define HASHPIVOT_MONTECARLO_H

#include <stdatomic.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

#define HP_MC_THREADS_MAX 256

struct hp_mc_job {
	uint64_t first_path;       /* paths first_path .. first_path + npaths - 1 */
	uint64_t npaths;
	unsigned threads;          /* 1..HP_MC_THREADS_MAX; fewer when there are fewer paths */
	void *ctx;                 /* the model's, passed to every callback */
	/* Create worker i's workspace (in the calling thread, before any
	 * path runs). */
	enum hp_status (*worker_new)(void *ctx, unsigned worker, void **ws, struct hp_error *err);
	/* Run one path into the workspace. */
	enum hp_status (*path)(void *ctx, void *ws, uint64_t path, struct hp_error *err);
	/* Fold a workspace's results into the model's total (worker order,
	 * calling thread). */
	enum hp_status (*merge)(void *ctx, void *ws, struct hp_error *err);
	void (*worker_free)(void *ctx, void *ws);
	/* After each path, serialised by a mutex; may be NULL. */
	void (*progress)(void *progress_ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
	/* Polled before each path: nonzero stops the run with HP_ECANCELED. */
	const atomic_int *cancel;
};

/*
 * Run the job. The first error of any worker (its message kept) stops the
 * others at their next path and is returned; HP_ECANCELED on cancellation;
 * HP_EINVAL for a bad thread count. Workspaces are always freed.
 */
HP_API enum hp_status hp_mc_run(const struct hp_mc_job *job, struct hp_error *err);

#endif
