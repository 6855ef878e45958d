/*
 * chainstats.h - what recent blocks say about the network: the hashrate
 * implied by their work and timestamps, and the mean fees they paid.
 *
 * Pure functions over caller-provided arrays, oldest block first; nothing
 * allocates or fails. Equations: docs/model.md "Chain statistics".
 */
#ifndef HASHPIVOT_CHAINSTATS_H
#define HASHPIVOT_CHAINSTATS_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"

/* One block as the estimators see it. */
struct hp_chainstats_block {
	int64_t time;      /* header time, Unix seconds */
	uint32_t bits;     /* its compact target */
	int has_fees;      /* fees_sats is known */
	int64_t fees_sats; /* its transaction fees */
};

/*
 * Hashes per second over the window b[0..n): the work of blocks b[1..n)
 * (b[0]'s own work was done before its timestamp) over the time between
 * the earliest and the latest timestamp in the window, as Bitcoin Core's
 * getnetworkhashps computes it. NaN when n < 2 or the timestamps span no
 * time (Core returns 0 there: we say "unknown").
 */
HP_API double hp_chainstats_hashrate(const struct hp_chainstats_block *b, size_t n);

/*
 * Mean fees per block, in BTC, over the blocks of b[0..n) whose fees are
 * known; *counted (may be NULL) is how many were. NaN when none is.
 */
HP_API double hp_chainstats_mean_fees_btc(const struct hp_chainstats_block *b, size_t n,
					  size_t *counted);

#endif
