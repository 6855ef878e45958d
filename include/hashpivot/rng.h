/*
 * rng.h - counter-based random streams (Random123's Philox-4x64-10).
 *
 * Invariants: a stream is a pure function of (seed, path, substream) and of
 * how many numbers have been drawn from it; there is no global state. The
 * key is (seed, path); the counter is (substream, block index, 0, 0), so
 * every path of a Monte Carlo run, and every component of a path (price,
 * tenant default, DeFi loss, ...), has its own stream and the results do
 * not depend on how paths are split across threads or processes. Adding a
 * new component with a new substream number never changes the draws of the
 * existing ones.
 *
 * Draws: 64-bit words (four per Philox block), uniforms in the open
 * interval (0, 1) with 53 random bits, unbiased integers below n (rejection,
 * as Lua's project()), standard normals (Marsaglia's polar method on pairs of
 * uniforms; the second value of each pair is kept for the next call), Poisson counts,
 * exponentials, gammas and betas (for the simulator's block arrivals).
 * Nothing allocates; nothing fails.
 */
#ifndef HASHPIVOT_RNG_H
#define HASHPIVOT_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"

/* Substreams of one path used by the library's models. */
enum hp_rng_substream {
	HP_RNG_PRICE = 0,     /* the BTC price path */
	HP_RNG_HPC = 1,       /* tenant default, GPU utilisation */
	HP_RNG_TREASURY = 2,  /* DeFi losses */
	HP_RNG_FEES = 3,      /* fees per block */
	HP_RNG_INDUSTRY = 4   /* the industry simulator's own draws */
};

struct hp_rng {
	uint64_t key[2];      /* seed, path */
	uint64_t ctr[4];      /* substream, next block index, 0, 0 */
	uint64_t buf[4];      /* the current block's output */
	unsigned avail;       /* words of buf not yet used (taken from buf[4 - avail]) */
	bool has_spare;       /* a second normal of the pair is waiting */
	double spare;
};

/* Position r at the start of stream (seed, path, substream). */
HP_API void hp_rng_init(struct hp_rng *r, uint64_t seed, uint64_t path, uint64_t substream);

/* The next 64 random bits. */
HP_API uint64_t hp_rng_u64(struct hp_rng *r);

/* Uniform on the open interval (0, 1): (k + 0.5) / 2^53 for 53 random bits k. */
HP_API double hp_rng_uniform(struct hp_rng *r);

/* Uniform integer in [0, n), unbiased (rejection); 0 when n is 0. */
HP_API uint64_t hp_rng_below(struct hp_rng *r, uint64_t n);

/* Standard normal N(0, 1), Marsaglia's polar method. */
HP_API double hp_rng_normal(struct hp_rng *r);

/*
 * Poisson(lambda) count, lambda >= 0 and finite (0 otherwise): Knuth's
 * product of uniforms for lambda < 30, otherwise the PTRS transformed
 * rejection of Hormann (1993).
 */
HP_API uint64_t hp_rng_poisson(struct hp_rng *r, double lambda);

/* Standard exponential (mean 1): the ziggurat of Marsaglia and Tsang (2000),
 * one 64-bit word for 97.8 % of draws. */
HP_API double hp_rng_exponential(struct hp_rng *r);

/* out[0..n) = the next n draws of hp_rng_exponential, without a call a draw. */
HP_API void hp_rng_exponential_n(struct hp_rng *r, double *out, size_t n);

/* Gamma(shape, 1), shape > 0 (0 otherwise): Marsaglia and Tsang (2000). */
HP_API double hp_rng_gamma(struct hp_rng *r, double shape);

/* Beta(a, b) as G_a / (G_a + G_b); 0 when a <= 0, 1 when b <= 0. */
HP_API double hp_rng_beta(struct hp_rng *r, double a, double b);

#endif
