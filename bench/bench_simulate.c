/*
 * bench_simulate.c - whole-process wall time and peak memory of `hashpivot
 * simulate` on the default scenario epoch5 (13 cohorts): daily mode with
 * 10,000 paths over 5 years on 1 and 2 threads, hashpivot-mpi with 2 ranks,
 * block-level mode (Bitcoin's rule and ASERT), and the memory of 10,000
 * against 1,000,000 paths over one year (flat in the number of paths).
 * Each command is spawned RUNS times (stdout to /dev/null); the median
 * wall time and the largest peak RSS are printed. Rates follow from the
 * runs' own counts: paths x days x 13 cohort-days, and blocks_simulated
 * of a --json run. The binary is $HASHPIVOT_BIN or build/hashpivot.
 */
#include <stdio.h>
#include <stdlib.h>

#include "spawn.h"

#define RUNS 3

int main(void)
{
	const char *bin = getenv("HASHPIVOT_BIN") ? getenv("HASHPIVOT_BIN") : "build/hashpivot";
	const char *mpirun = "/usr/bin/mpirun";
	const char *d1[] = {bin, "simulate", "--paths", "10000", "--years", "5", "--threads", "1", NULL};
	const char *d2[] = {bin, "simulate", "--paths", "10000", "--years", "5", "--threads", "2", NULL};
	const char *mpi[] = {mpirun, "--oversubscribe", "-np", "2", "build/hashpivot-mpi", "simulate",
			     "--paths", "10000", "--years", "5", "--threads", "1", NULL};
	const char *b1[] = {bin, "simulate", "--paths", "200", "--years", "5", "--threads", "1",
			    "--block-level", NULL};
	const char *b2[] = {bin, "simulate", "--paths", "200", "--years", "5", "--threads", "1",
			    "--block-level", "--rule", "asert", NULL};
	const char *m1[] = {bin, "simulate", "--paths", "10000", "--years", "1", "--threads", "2", NULL};
	const char *m2[] = {bin, "simulate", "--paths", "1000000", "--years", "1", "--threads", "2", NULL};
	struct {
		const char *name;
		const char **argv;
		int runs;
	} cases[] = {
		{"epoch5 daily, 10,000 paths x 5 y, 1 thread", d1, RUNS},
		{"epoch5 daily, 10,000 paths x 5 y, 2 threads", d2, RUNS},
		{"epoch5 daily, 10,000 paths x 5 y, mpirun -np 2", mpi, RUNS},
		{"epoch5 block-level (bitcoin), 200 paths x 5 y, 1 thr", b1, RUNS},
		{"epoch5 block-level (asert), 200 paths x 5 y, 1 thr", b2, RUNS},
		{"epoch5 daily, 10,000 paths x 1 y, 2 threads", m1, 1},
		{"epoch5 daily, 1,000,000 paths x 1 y, 2 threads", m2, 1},
	};

	setenv("HASHPIVOT_DATA_DIR", "data", 1);
	setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
	setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
	printf("%-54s %10s %12s\n", "command (whole process, median)", "s", "peak MB");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long kb = 0;
		double s = bench_time_command_rss(cases[i].argv, cases[i].runs, &kb);
		if (s < 0) {
			printf("%-54s %10s\n", cases[i].name, "failed");
			continue;
		}
		printf("%-54s %10.3f %12.1f\n", cases[i].name, s, (double)kb / 1024);
	}
	return 0;
}
