/*
 * chainstats.c - hashrate and fees from recent blocks.
 */
#include <math.h>

#include "hashpivot/chainstats.h"
#include "hashpivot/consensus.h"
#include "hashpivot/u256.h"

/*
 * Method: W = sum over i = 1..n-1 of GetBlockProof(bits_i), exact in 256
 * bits; T = max(time) - min(time) over i = 0..n-1 (timestamps are not
 * monotonic: the median-time-past rule allows a block to be older than
 * its parent); the rate is W / T. This is getnetworkhashps of Bitcoin
 * Core (rpc/mining.cpp, GetNetworkHashPS) for a window of n - 1 blocks.
 * Accuracy: W is rounded once to double. Its statistical error is that of
 * n - 1 exponential intervals, about 1 / sqrt(n - 1) relative (8 % for
 * 144 blocks, 2 % for 2016).
 * Source: docs/model.md "Chain statistics".
 */
double hp_chainstats_hashrate(const struct hp_chainstats_block *b, size_t n)
{
	struct hp_u256 w = hp_u256_from_u64(0);
	int64_t lo, hi;

	if (n < 2)
		return NAN;
	lo = hi = b[0].time;
	for (size_t i = 1; i < n; i++) {
		w = hp_u256_add(w, hp_consensus_block_work(b[i].bits), NULL);
		if (b[i].time < lo)
			lo = b[i].time;
		if (b[i].time > hi)
			hi = b[i].time;
	}
	if (hi <= lo)
		return NAN;
	return hp_u256_to_double(w) / (double)(hi - lo);
}

double hp_chainstats_mean_fees_btc(const struct hp_chainstats_block *b, size_t n, size_t *counted)
{
	int64_t sum = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!b[i].has_fees)
			continue;
		sum += b[i].fees_sats;
		k++;
	}
	if (counted)
		*counted = k;
	return k ? (double)sum / 1e8 / (double)k : NAN;
}
