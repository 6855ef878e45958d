/*
 * spawn.h - what the whole-process benchmarks share: run a command with
 * stdout to /dev/null a number of times and take the median wall time.
 * Included by bench_cli.c, bench_pivot.c and bench_simulate.c (benchmarks are single files;
 * this header is their only shared code).
 */
#ifndef HASHPIVOT_BENCH_SPAWN_H
#define HASHPIVOT_BENCH_SPAWN_H

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
/* glibc's wait4 (sys/wait.h declares it only for _DEFAULT_SOURCE, and the
 * build is strict POSIX): the child's peak memory with its exit status. */
extern pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage);

static double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median wall time in seconds of `runs` (<= 64) runs of argv, or a
 * negative value when a run fails; *maxrss_kb (may be NULL) gets the
 * largest peak resident set of the runs. */
static inline double bench_time_command_rss(const char *const argv[], int runs, long *maxrss_kb)
{
	double t[64];
	posix_spawn_file_actions_t fa;

	if (runs < 1 || runs > 64)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < runs; i++) {
		pid_t pid;
		int status;
		double t0 = bench_now_s();
		struct rusage ru;
		if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0 ||
		    wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		t[i] = bench_now_s() - t0;
		if (maxrss_kb && (i == 0 || ru.ru_maxrss > *maxrss_kb))
			*maxrss_kb = ru.ru_maxrss;
	}
	posix_spawn_file_actions_destroy(&fa);
	qsort(t, (size_t)runs, sizeof(t[0]), bench_cmp_double);
	return t[runs / 2];
}

static inline double bench_time_command(const char *const argv[], int runs)
{
	return bench_time_command_rss(argv, runs, NULL);
}

#endif
