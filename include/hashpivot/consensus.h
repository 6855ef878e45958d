/*
 * consensus.h - Bitcoin's consensus arithmetic, exactly as Bitcoin Core
 * computes it: block subsidy and issued supply, compact nBits, difficulty,
 * work, the retarget and its permitted range, header hashing and the
 * proof-of-work check; plus the next-retarget estimate that mempool.space
 * shows.
 *
 * Invariants: satoshis are int64_t; targets and work are struct hp_u256 and
 * every rule here is integer arithmetic, never floating point, except where
 * Core itself uses a double (GetDifficulty) or the estimate (which is an
 * estimate). Functions are pure: no allocation, no globals but the constant
 * chain parameters. The equations and their sources are in docs/model.md.
 */
#ifndef HASHPIVOT_CONSENSUS_H
#define HASHPIVOT_CONSENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "u256.h"

#define HP_COIN_SATS INT64_C(100000000)
/* Sum of every block subsidy ever, genesis included (Core's vectors). */
#define HP_MAX_ISSUED_SATS INT64_C(2099999997690000)
/* Blocks in one retarget period and the block header's size. */
#define HP_RETARGET_INTERVAL 2016
#define HP_HEADER_SIZE 80

enum hp_network { HP_NET_MAIN, HP_NET_TEST, HP_NET_REGTEST };

struct hp_chain_params {
	const char *name;                 /* "main", "test", "regtest" */
	int64_t pow_target_timespan_s;    /* 1,209,600: two weeks */
	int64_t pow_target_spacing_s;     /* 600 */
	int64_t subsidy_halving_interval; /* 210,000 (regtest: 150) */
	uint32_t pow_limit_bits;          /* compact form of pow_limit */
	struct hp_u256 pow_limit;         /* the easiest target allowed */
	bool pow_allow_min_difficulty_blocks; /* testnet's 20-minute rule */
	bool pow_no_retargeting;              /* regtest keeps its bits */
};

/* The parameters of a network; never NULL for a valid enum value. */
HP_API const struct hp_chain_params *hp_consensus_params(enum hp_network net);
/* "main"/"mainnet", "test"/"testnet"/"testnet3", "regtest"; HP_EINVAL otherwise. */
HP_API enum hp_status hp_consensus_network_parse(const char *name, enum hp_network *out,
						 const char *field, struct hp_error *err);

/* Blocks per retarget period: timespan / spacing (2016). */
HP_API int64_t hp_consensus_interval(const struct hp_chain_params *p);

/* --- subsidy and supply --------------------------------------------- */

/* GetBlockSubsidy: 50 BTC >> (height / halving interval), 0 after 64 halvings. */
HP_API int64_t hp_consensus_subsidy_sats(const struct hp_chain_params *p, int64_t height);
/* Sum of the subsidies of blocks 0..height inclusive (0 for height < 0). */
HP_API int64_t hp_consensus_issued_sats(const struct hp_chain_params *p, int64_t height);
/* Total ever issued on this network: issued at the height of the last reward. */
HP_API int64_t hp_consensus_total_sats(const struct hp_chain_params *p);
/* height / halving interval: 0 for the first 210,000 blocks, 4 from 840,000. */
HP_API int64_t hp_consensus_halving_epoch(const struct hp_chain_params *p, int64_t height);
/* First height of the next halving epoch after `height`. */
HP_API int64_t hp_consensus_next_halving_height(const struct hp_chain_params *p, int64_t height);

/* --- compact targets, difficulty, work ------------------------------ */

/*
 * SetCompact: the 256-bit value of an nBits word. *negative is set when the
 * sign bit is on with a non-zero mantissa; *overflow when the value does not
 * fit 256 bits (the returned value is then what Core keeps: wrapped). Either
 * flag pointer may be NULL.
 */
HP_API struct hp_u256 hp_consensus_compact_decode(uint32_t bits, bool *negative, bool *overflow);
/* GetCompact: the nBits word of a value (sign bit only when negative && mantissa). */
HP_API uint32_t hp_consensus_compact_encode(struct hp_u256 target, bool negative);

/*
 * GetDifficulty: max target / target in double, computed as Core does from
 * the bits word alone. Returns false (and leaves *difficulty alone) when the
 * mantissa is zero, where Core would produce infinity.
 */
HP_API bool hp_consensus_difficulty(uint32_t bits, double *difficulty);

/*
 * The target of a difficulty: floor(0xffff * 2^208 / difficulty), exact for
 * the double given. HP_ERANGE (naming `field`) unless difficulty is finite
 * and the target fits in 256 bits and is not zero.
 */
HP_API enum hp_status hp_consensus_target_from_difficulty(double difficulty, struct hp_u256 *target,
							  const char *field, struct hp_error *err);

/*
 * The nBits whose difficulty is nearest to `difficulty`. GetCompact of the
 * exact target truncates, so a difficulty printed with rounding (an
 * explorer's 124932866006548.16) would land one mantissa step off; this
 * takes the truncated compact and the next one up and keeps the closer.
 * Fails as hp_consensus_target_from_difficulty does.
 */
HP_API enum hp_status hp_consensus_bits_from_difficulty(double difficulty, uint32_t *bits,
							const char *field, struct hp_error *err);

/*
 * Expected hashes to find a block at `target`: floor(2^256 / (target + 1)),
 * computed as Core's GetBlockProof, (~target / (target + 1)) + 1. Target 0
 * (no hash can meet it) gives 0, as Core's guard does; 2^256 - 1 gives 1.
 */
HP_API struct hp_u256 hp_consensus_work_from_target(struct hp_u256 target);
/* GetBlockProof(bits): 0 when the bits are negative, overflow or zero. */
HP_API struct hp_u256 hp_consensus_block_work(uint32_t bits);

/* --- the retarget ---------------------------------------------------- */

struct hp_retarget {
	uint32_t bits;               /* the new nBits */
	int64_t timespan_s;          /* last_time - first_time, as observed */
	int64_t used_timespan_s;     /* after the clamp to [T/4, 4T] */
	bool clamped;                /* the clamp changed the timespan */
	bool capped;                 /* the new target hit the proof-of-work limit */
};

/*
 * CalculateNextWorkRequired: new bits after a period whose first block has
 * time first_time and whose last block has time last_time (2015 intervals).
 * On a network without retargeting (regtest) the old bits come back.
 */
HP_API void hp_consensus_retarget(const struct hp_chain_params *p, uint32_t last_bits,
				  int64_t first_time, int64_t last_time, struct hp_retarget *out);

/*
 * PermittedDifficultyTransition: could new_bits follow old_bits at `height`?
 * At a retarget height, new_bits must lie within the rounded [T/4, 4T]
 * range; elsewhere it must equal old_bits. Always true on networks that
 * allow minimum-difficulty blocks.
 */
HP_API bool hp_consensus_permitted_transition(const struct hp_chain_params *p, int64_t height,
					      uint32_t old_bits, uint32_t new_bits);

/* --- headers and proof of work --------------------------------------- */

struct hp_header {
	int32_t version;
	uint8_t prev_hash[32];   /* internal byte order (as serialised) */
	uint8_t merkle_root[32]; /* internal byte order */
	uint32_t time;
	uint32_t bits;
	uint32_t nonce;
};

/* Split an 80-byte serialised header into its fields (little-endian). */
HP_API void hp_consensus_header_decode(const uint8_t raw[HP_HEADER_SIZE], struct hp_header *out);
/* Serialise a header back into its 80 bytes. */
HP_API void hp_consensus_header_encode(const struct hp_header *h, uint8_t raw[HP_HEADER_SIZE]);
/* Double SHA-256 of the 80 bytes, internal byte order. HP_EINTERNAL if libcrypto fails. */
HP_API enum hp_status hp_consensus_header_hash(const uint8_t raw[HP_HEADER_SIZE], uint8_t hash[32],
					       struct hp_error *err);
/*
 * CheckProofOfWork: false when the bits are negative, zero, overflow or
 * easier than the network's limit, or when the hash (as a little-endian
 * number) is above the target.
 */
HP_API bool hp_consensus_check_pow(const struct hp_chain_params *p, const uint8_t hash[32],
				   uint32_t bits);

/* --- the next-retarget estimate (mempool.space's method) -------------- */

struct hp_estimate_input {
	int64_t height;             /* current tip height (>= 0) */
	int64_t epoch_start_time;   /* time of the epoch's first block (DA time) */
	int64_t now;                /* the time of the estimate */
	bool has_last_block_time;
	int64_t last_block_time;    /* tip's time; used when the epoch is complete */
	bool has_window_start_time;
	int64_t window_start_time;  /* time of the block 504 blocks back */
	double previous_change_pct; /* the previous retarget's change, in percent */
};

struct hp_estimate {
	int64_t blocks_in_epoch;      /* height % 2016 */
	double progress_pct;          /* blocks_in_epoch / 2016 * 100 */
	double change_pct;            /* estimated difficulty change, [-75, 300] */
	int64_t remaining_blocks;     /* 2016 - blocks_in_epoch */
	int64_t next_retarget_height;
	double time_avg_s;            /* mean block interval so far this epoch */
	double adjusted_time_avg_s;   /* the interval used for the projection */
	int64_t remaining_ms;         /* remaining_blocks * floor(adjusted avg in ms) */
	int64_t estimated_retarget_time_ms; /* now * 1000 + remaining_ms */
	bool used_window;             /* the 504-block window was used */
	double expected_blocks;       /* (now - epoch start) / 600 */
};

/*
 * Estimate the next retarget as mempool.space does: from the current epoch's
 * pace, or (fewer than 503 blocks in, window time known) from the 504-block
 * window weighted by the previous change; clamped to [-75%, +300%].
 * HP_EINVAL (naming the option) for a negative height, now before the epoch
 * start, a window start after the epoch start while it would be used (fewer
 * than 503 blocks in), a previous change of -100% or less, or a complete
 * epoch without the last block's time (or with one before the epoch start).
 */
HP_API enum hp_status hp_consensus_estimate(const struct hp_estimate_input *in,
					    struct hp_estimate *out, struct hp_error *err);

#endif
