/*
 * bench_stats.c - how fast and how large the Monte Carlo summaries are.
 *
 * The industry simulator's shape: 25 series x 1,826 days (5 years daily),
 * alpha 0.01 (or argv[1]), one value per path, series and day. The values
 * are daily lognormal price fans: series s starts at 1000 x 1.7^s and
 * follows exp(sigma W_t - sigma^2 t / 2), sigma = 60 %/yr, so the spread of
 * day d grows as sigma sqrt(d / 365) (1.34 in log terms after 5 years).
 *
 * Cases (times are medians of 5 runs):
 *   add, one warm cell      values already inside the cell's window
 *   add, path by path       25 x 1826 cells in the simulator's order,
 *                           values from a per-day table (cache misses
 *                           included; the table lookup is subtracted)
 *   build                   10,000 paths of the realistic fan (one run)
 *   merge, serialize        two 25 x 1826 summaries
 *   flatness                bytes of one cell after 10^3 .. 10^6 values
 * Build and run with `make bench` (see bench/README.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hashpivot/alloc.h"
#include "hashpivot/rng.h"
#include "hashpivot/stats.h"

#define RUNS	5
#define NSERIES 25
#define NDAYS	1826
#define SIGMA	0.6
#define PATHS	10000

static volatile double sink;

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

static double median(double *t)
{
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

static double start_price(size_t s)
{
	return 1000 * pow(1.7, (double)s);
}

static struct hp_stats *new_summary(double alpha)
{
	struct hp_stats_series ser[NSERIES];
	struct hp_stats *s;
	struct hp_error err;

	for (size_t i = 0; i < NSERIES; i++) {
		ser[i].reference = start_price(i);
		ser[i].integer = false;
	}
	if (hp_stats_new(NSERIES, NDAYS, alpha, ser, &s, &err) != HP_OK) {
		fprintf(stderr, "bench: %s\n", err.message);
		exit(1);
	}
	return s;
}

/* `paths` paths from path number `first`: a random walk per series. */
static void add_paths(struct hp_stats *s, uint64_t seed, uint64_t first, uint64_t paths)
{
	const double dt = 1.0 / 365, sq = sqrt(dt);

	for (uint64_t p = first; p < first + paths; p++) {
		struct hp_rng r;
		hp_rng_init(&r, seed, p, HP_RNG_INDUSTRY);
		for (size_t i = 0; i < NSERIES; i++) {
			double w = 0, p0 = start_price(i);
			for (size_t d = 0; d < NDAYS; d++) {
				double t = (double)(d + 1) * dt;
				w += sq * hp_rng_normal(&r);
				hp_stats_add(s, i, d, p0 * exp(SIGMA * w - SIGMA * SIGMA * t / 2));
			}
		}
	}
}

static double lognormal(struct hp_rng *r, double p0, double t)
{
	return p0 * exp(SIGMA * sqrt(t) * hp_rng_normal(r) - SIGMA * SIGMA * t / 2);
}

int main(int argc, char **argv)
{
	double alpha = argc > 1 ? strtod(argv[1], NULL) : 0.01;
	double t[RUNS], t0, build_s;
	struct hp_stats *a, *b;
	struct hp_rng r;
	struct hp_error err;
	unsigned char *buf;
	size_t len;

	printf("alpha %g, %d series x %d days, sigma %.0f %%/yr\n", alpha, NSERIES, NDAYS,
	       SIGMA * 100);

	/* --- add into one warm cell --- */
	{
		enum { NV = 1 << 16, REPS = 100 };
		double *v = malloc(NV * sizeof(*v));
		struct hp_stats *s = new_summary(alpha);
		if (!v)
			return 1;
		hp_rng_init(&r, 1, 0, HP_RNG_INDUSTRY);
		for (size_t i = 0; i < NV; i++)
			v[i] = lognormal(&r, 1e5, 5);
		for (size_t i = 0; i < NV; i++)
			hp_stats_add(s, 3, NDAYS - 1, v[i]);
		for (int k = 0; k < RUNS; k++) {
			t0 = now_ns();
			for (int rep = 0; rep < REPS; rep++)
				for (size_t i = 0; i < NV; i++)
					hp_stats_add(s, 3, NDAYS - 1, v[i]);
			t[k] = (now_ns() - t0) / ((double)NV * REPS);
		}
		printf("%-44s %10.2f ns\n", "add, one warm cell (5-year spread)", median(t));
		free(v);
		hp_stats_free(s);
	}

	/* --- the realistic summary: 10,000 paths --- */
	a = new_summary(alpha);
	t0 = now_ns();
	add_paths(a, 2024, 0, PATHS);
	build_s = (now_ns() - t0) / 1e9;
	if (hp_stats_status(a) != HP_OK)
		return 1;
	printf("%-44s %10.2f s (%.1f ns a value, normal + exp included)\n", "build, 10,000 paths",
	       build_s, build_s * 1e9 / ((double)PATHS * NSERIES * NDAYS));
	printf("%-44s %10.1f MB (%.0f bytes a cell)\n", "memory, 10,000 paths",
	       (double)hp_stats_bytes(a) / 1e6, (double)hp_stats_bytes(a) / (NSERIES * NDAYS));
	if (hp_stats_serialize(a, &buf, &len, &err) != HP_OK)
		return 1;
	printf("%-44s %10.1f MB\n", "serialized, 10,000 paths", (double)len / 1e6);
	hp_free(buf);
	printf("%-44s %10.4g / %.4g / %.4g\n", "  day 1826 series 0 p5 / p50 / p95",
	       hp_stats_quantile(a, 0, NDAYS - 1, 0.05), hp_stats_quantile(a, 0, NDAYS - 1, 0.5),
	       hp_stats_quantile(a, 0, NDAYS - 1, 0.95));

	/* --- add path by path into the warm realistic summary --- */
	{
		enum { TAB = 256, PP = 100 };
		double *tab = malloc((size_t)NDAYS * TAB * sizeof(*tab));
		double base[RUNS], tb, ta;
		if (!tab)
			return 1;
		hp_rng_init(&r, 3, 0, HP_RNG_INDUSTRY);
		for (size_t d = 0; d < NDAYS; d++)
			for (size_t j = 0; j < TAB; j++)
				tab[d * TAB + j] = lognormal(&r, 1, (double)(d + 1) / 365);
		for (int k = 0; k < RUNS; k++) {
			double acc = 0;
			/* the same loop without the summary */
			t0 = now_ns();
			for (uint64_t p = 0; p < PP; p++)
				for (size_t i = 0; i < NSERIES; i++)
					for (size_t d = 0; d < NDAYS; d++)
						acc += tab[d * TAB +
							   ((p * 31 + i * 7 + d) & (TAB - 1))];
			sink = acc;
			base[k] = now_ns() - t0;
			t0 = now_ns();
			for (uint64_t p = 0; p < PP; p++)
				for (size_t i = 0; i < NSERIES; i++) {
					double p0 = start_price(i);
					for (size_t d = 0; d < NDAYS; d++)
						hp_stats_add(
						    a, i, d,
						    p0 * tab[d * TAB +
							     ((p * 31 + i * 7 + d) & (TAB - 1))]);
				}
			t[k] = (now_ns() - t0) / ((double)PP * NSERIES * NDAYS);
			base[k] /= (double)PP * NSERIES * NDAYS;
		}
		tb = median(base);
		ta = median(t);
		printf("%-44s %10.2f ns (loop alone %.2f ns)\n", "add, path by path over all cells",
		       ta - tb, tb);
		free(tab);
	}

	/* --- merge and bytes --- */
	b = new_summary(alpha);
	add_paths(b, 2025, 0, 1000);
	for (int k = 0; k < RUNS; k++) {
		t0 = now_ns();
		if (hp_stats_merge(a, b, &err) != HP_OK)
			return 1;
		t[k] = (now_ns() - t0) / 1e6;
	}
	printf("%-44s %10.2f ms\n", "merge, 25 x 1826 cells", median(t));
	for (int k = 0; k < RUNS; k++) {
		t0 = now_ns();
		if (hp_stats_serialize(b, &buf, &len, &err) != HP_OK)
			return 1;
		t[k] = (now_ns() - t0) / 1e6;
		if (k < RUNS - 1)
			hp_free(buf);
	}
	printf("%-44s %10.2f ms (%.1f MB, 1,000 paths)\n", "serialize, 25 x 1826 cells", median(t),
	       (double)len / 1e6);
	for (int k = 0; k < RUNS; k++) {
		t0 = now_ns();
		if (hp_stats_merge_serialized(a, buf, len, &err) != HP_OK)
			return 1;
		t[k] = (now_ns() - t0) / 1e6;
	}
	printf("%-44s %10.2f ms\n", "merge_serialized, 25 x 1826 cells", median(t));
	hp_free(buf);
	hp_stats_free(a);
	hp_stats_free(b);

	/* --- flatness: one cell's bytes as values accumulate --- */
	printf("%-44s %10s %10s %10s %10s\n", "bytes of one cell's bins after n values", "1e3",
	       "1e4", "1e5", "1e6");
	{
		static const size_t days[] = {0, 364, NDAYS - 1};
		for (size_t k = 0; k < 3; k++) {
			struct hp_stats_series ser = {1e5, false};
			struct hp_stats *s;
			size_t empty, n = 0, next = 1000;
			char label[64];
			if (hp_stats_new(1, 1, alpha, &ser, &s, &err) != HP_OK)
				return 1;
			empty = hp_stats_bytes(s);
			hp_rng_init(&r, 7, k, HP_RNG_INDUSTRY);
			snprintf(label, sizeof(label), "  day %zu (log spread %.2f)", days[k] + 1,
				 SIGMA * sqrt((double)(days[k] + 1) / 365));
			printf("%-44s", label);
			while (n < 1000000) {
				hp_stats_add(s, 0, 0,
					     lognormal(&r, 1e5, (double)(days[k] + 1) / 365));
				if (++n == next) {
					printf(" %10zu", hp_stats_bytes(s) - empty);
					next *= 10;
				}
			}
			printf("\n");
			hp_stats_free(s);
		}
	}
	return 0;
}
