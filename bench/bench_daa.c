/*
 * bench_daa.c - how fast the difficulty rules follow a chain, block by block.
 *
 * One synthetic chain of 200,000 blocks whose intervals are exponential
 * with mean 600 s (hp_rng, seed 1, rounded to whole seconds), drawn before
 * timing starts; each rule starts at height 953,568 (bits 170240c3, epoch
 * 473 of data/btc_difficulty_epochs.csv) and is fed the whole chain. The
 * median of 5 runs of nanoseconds per hp_daa_append is printed, with the
 * number of appends that changed the bits. Build and run with `make bench`
 * (see bench/README.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hashpivot/alloc.h"
#include "hashpivot/daa.h"
#include "hashpivot/rng.h"

#define RUNS 5
#define BLOCKS 200000
#define START_HEIGHT 953568
#define START_BITS 0x170240c3u
#define START_TIME INT64_C(1750000000)

static volatile uint64_t sink;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	static const enum hp_daa_rule rules[] = {HP_DAA_BITCOIN, HP_DAA_CW144, HP_DAA_ASERT};
	int64_t *times = hp_malloc(BLOCKS * sizeof(*times));
	struct hp_rng rng;
	struct hp_error err;

	if (!times) {
		fprintf(stderr, "bench: out of memory\n");
		return 1;
	}
	hp_rng_init(&rng, 1, 0, HP_RNG_INDUSTRY);
	int64_t t = START_TIME;
	for (size_t i = 0; i < BLOCKS; i++) {
		t += (int64_t)llround(-600.0 * log(hp_rng_uniform(&rng)));
		times[i] = t;
	}

	printf("%-30s %12s %16s\n", "rule (hp_daa_append)", "ns/block", "bits changes");
	for (size_t c = 0; c < sizeof(rules) / sizeof(rules[0]); c++) {
		struct hp_daa_params p = {rules[c], 600, 172800};
		double ns[RUNS];
		size_t changed = 0;
		for (int r = 0; r < RUNS; r++) {
			struct hp_daa d;
			if (hp_daa_init(&d, &p, START_HEIGHT, START_BITS, START_TIME,
					START_TIME - 600 * (START_HEIGHT % 2016), &err) != HP_OK) {
				fprintf(stderr, "bench: %s\n", err.message);
				hp_free(times);
				return 1;
			}
			changed = 0;
			double t0 = now_ns();
			for (size_t i = 0; i < BLOCKS; i++)
				changed += hp_daa_append(&d, times[i]);
			ns[r] = (now_ns() - t0) / BLOCKS;
			sink += d.bits;
		}
		qsort(ns, RUNS, sizeof(ns[0]), cmp_double);
		printf("%-30s %12.1f %9zu / %d\n", hp_daa_rule_name(rules[c]), ns[RUNS / 2],
		       changed, BLOCKS);
	}
	hp_free(times);
	return 0;
}
