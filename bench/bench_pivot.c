/*
 * bench_pivot.c - whole-process wall time of `hashpivot pivot` and
 * `hashpivot treasury` on the illustrative examples: each command is
 * spawned (posix_spawn, stdout to /dev/null) RUNS times and the median is
 * printed in seconds. The bound: the MARA-like example, 10,000
 * paths over 10 years of monthly steps (3,653 days each), under 2 s on
 * two cores. The binary is $HASHPIVOT_BIN or build/hashpivot.
 */
#include <stdio.h>
#include <stdlib.h>

#include "spawn.h"

#define RUNS 5

#define EX(f) "--scenario", "examples/" f ".json"

int main(void)
{
	const char *bin = getenv("HASHPIVOT_BIN") ? getenv("HASHPIVOT_BIN") : "build/hashpivot";
	const char *mara1[] = {bin, "pivot", EX("mara-like"), "--paths", "10000", "--threads", "1", "--json", NULL};
	const char *mara2[] = {bin, "pivot", EX("mara-like"), "--paths", "10000", "--threads", "2", "--json", NULL};
	const char *mara_csv[] = {bin, "pivot", EX("mara-like"), "--paths", "10000", "--threads", "2",
				  "--csv", "build/bench-csv", NULL};
	const char *treasury[] = {bin, "treasury", EX("mara-like"), "--paths", "10000", "--threads", "2", NULL};
	const char *core[] = {bin, "pivot", EX("core-scientific-like"), "--paths", "10000", "--threads", "2", NULL};
	const char *wulf[] = {bin, "pivot", EX("terawulf-like"), "--paths", "10000", "--threads", "2", NULL};
	const char *iren[] = {bin, "pivot", EX("iren-like"), "--paths", "10000", "--threads", "2", NULL};
	struct {
		const char *name;
		const char **argv;
	} cases[] = {
		{"pivot mara-like, 10,000 paths, 1 thread", mara1},
		{"pivot mara-like, 10,000 paths, 2 threads", mara2},
		{"pivot mara-like, 10,000 paths, 2 threads, --csv", mara_csv},
		{"treasury mara-like, 10,000 paths, 2 threads", treasury},
		{"pivot core-scientific-like (180 months), 10,000, 2 thr", core},
		{"pivot terawulf-like (Merton), 10,000 paths, 2 threads", wulf},
		{"pivot iren-like (bootstrap), 10,000 paths, 2 threads", iren},
	};

	setenv("HASHPIVOT_DATA_DIR", "data", 1);
	printf("%-58s %10s\n", "command (whole process, median of 5)", "s");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double s = bench_time_command(cases[i].argv, RUNS);
		if (s < 0) {
			fprintf(stderr, "bench_pivot: %s failed (is %s built?)\n", cases[i].name, bin);
			return 1;
		}
		printf("%-58s %10.3f\n", cases[i].name, s);
	}
	return 0;
}
