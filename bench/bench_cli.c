/*
 * bench_cli.c - whole-process wall time of the commands miners run as a
 * table: each command is spawned (posix_spawn, stdout to /dev/null) 31
 * times and the median is printed in milliseconds. The binary is
 * $HASHPIVOT_BIN or build/hashpivot; data from ./data.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define RUNS 31
#define NET "--bits", "170240c3", "--height", "953568", "--fees-btc", "0.025", \
	"--price-usd", "87654.32"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median wall time of RUNS runs of argv, or a negative value on failure. */
static double time_command(const char *const argv[])
{
	double t[RUNS];
	posix_spawn_file_actions_t fa;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (int i = 0; i < RUNS; i++) {
		pid_t pid;
		int status;
		double t0 = now_ms();
		if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0 ||
		    waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		t[i] = now_ms() - t0;
	}
	posix_spawn_file_actions_destroy(&fa);
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

int main(void)
{
	const char *bin = getenv("HASHPIVOT_BIN") ? getenv("HASHPIVOT_BIN") : "build/hashpivot";
	const char *all[] = {bin, "breakeven", "--all", NET, "--power-price-usd-per-kwh", "0.06", NULL};
	const char *all_json[] = {bin, "breakeven", "--all", NET, "--json", NULL};
	const char *one[] = {bin, "breakeven", "--machine", "Antminer S21", NET, NULL};
	const char *listed[] = {bin, "fleet", "--scenario", "examples/listed-miner.json", NULL};
	const char *version[] = {bin, "--version", NULL};
	struct {
		const char *name;
		const char **argv;
	} cases[] = {
		{"hashpivot --version (process floor)", version},
		{"breakeven --machine 'Antminer S21'", one},
		{"breakeven --all (table, 36-month payback where priced)", all},
		{"breakeven --all --json", all_json},
		{"fleet --scenario examples/listed-miner.json", listed},
	};

	setenv("HASHPIVOT_DATA_DIR", "data", 1);
	printf("%-58s %10s\n", "command (whole process, median of 31)", "ms");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double ms = time_command(cases[i].argv);
		if (ms < 0) {
			fprintf(stderr, "bench_cli: %s failed (is %s built?)\n", cases[i].name, bin);
			return 1;
		}
		printf("%-58s %10.2f\n", cases[i].name, ms);
	}
	return 0;
}
