/*
 * bench_consensus.c - how fast the consensus primitives are.
 *
 * Each case runs its operation over the 474 real epochs' bits (or headers)
 * many times and reports nanoseconds per operation; the median of 5 runs is
 * printed. Build and run with `make bench` (see bench/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hashpivot/consensus.h"
#include "hashpivot/epochs.h"

#define RUNS 5

static struct hp_epochs table;
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

static void op_block_work(size_t k)
{
	sink += hp_u256_low64(hp_consensus_block_work(table.v[k].bits));
}

static void op_retarget(size_t k)
{
	struct hp_retarget r;
	hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), table.v[k].bits, 1700000000,
			      1700000000 + 1100000 + (int64_t)k * 977, &r);
	sink += r.bits;
}

static void op_permitted(size_t k)
{
	size_t j = k + 1 < table.n ? k + 1 : k;
	sink += hp_consensus_permitted_transition(hp_consensus_params(HP_NET_MAIN),
						  table.v[j].start_height, table.v[k].bits,
						  table.v[j].bits);
}

static void op_header_hash_pow(size_t k)
{
	uint8_t hash[32];
	const struct hp_epoch *e = &table.v[k % 437]; /* epochs with headers */
	hp_consensus_header_hash(e->header, hash, NULL);
	sink += hp_consensus_check_pow(hp_consensus_params(HP_NET_MAIN), hash, e->bits);
}

static void op_bits_from_difficulty(size_t k)
{
	uint32_t bits;
	hp_consensus_bits_from_difficulty(table.v[k].difficulty + 1.0, &bits, "d", NULL);
	sink += bits;
}

static void op_issued(size_t k)
{
	sink += (uint64_t)hp_consensus_issued_sats(hp_consensus_params(HP_NET_MAIN),
						   (int64_t)k * 2016);
}

static const struct {
	const char *name;
	void (*op)(size_t k);
	size_t reps;
} cases[] = {
	{"block_work (2^256/(T+1))", op_block_work, 400},
	{"retarget", op_retarget, 400},
	{"permitted_transition", op_permitted, 400},
	{"header sha256d + check_pow", op_header_hash_pow, 200},
	{"bits_from_difficulty", op_bits_from_difficulty, 200},
	{"issued_sats", op_issued, 2000},
};

int main(int argc, char **argv)
{
	struct hp_error err;
	const char *path = argc > 1 ? argv[1] : "data/btc_difficulty_epochs.csv";

	if (hp_epochs_load(path, &table, &err) != HP_OK) {
		fprintf(stderr, "bench: %s\n", err.message);
		return 1;
	}
	printf("%-30s %12s\n", "operation", "ns/op");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double t[RUNS];
		for (int r = 0; r < RUNS; r++) {
			double t0 = now_ns();
			for (size_t i = 0; i < cases[c].reps; i++)
				for (size_t k = 0; k < table.n; k++)
					cases[c].op(k);
			t[r] = (now_ns() - t0) / (double)(cases[c].reps * table.n);
		}
		qsort(t, RUNS, sizeof(t[0]), cmp_double);
		printf("%-30s %12.1f\n", cases[c].name, t[RUNS / 2]);
	}
	hp_epochs_release(&table);
	return 0;
}
