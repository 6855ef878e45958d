/*
 * bench_cli.c - whole-process wall time of the commands miners run as a
 * table: each command is spawned (posix_spawn, stdout to /dev/null) 31
 * times and the median is printed in milliseconds. The binary is
 * $HASHPIVOT_BIN or build/hashpivot; data from ./data.
 */
#include <stdio.h>
#include <stdlib.h>

#include "spawn.h"

#define RUNS 31
#define NET "--bits", "170240c3", "--height", "953568", "--fees-btc", "0.025", \
	"--price-usd", "87654.32"

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
		double ms = 1e3 * bench_time_command(cases[i].argv, RUNS);
		if (ms < 0) {
			fprintf(stderr, "bench_cli: %s failed (is %s built?)\n", cases[i].name, bin);
			return 1;
		}
		printf("%-58s %10.2f\n", cases[i].name, ms);
	}
	return 0;
}
