/*
 * daa.h - difficulty adjustment algorithms, block by block, for the
 * simulator's block-level mode: Bitcoin's 2016-block retarget, Bitcoin
 * Cash's 2017 per-block moving window ("cw-144") and Bitcoin Cash's 2020
 * absolutely scheduled exponential rule ("aserti3-2d", ASERT).
 *
 * A struct hp_daa follows one chain: it knows the bits the next block must
 * carry and is told the timestamp of each block as it is found. Every rule
 * is the consensus algorithm's exact integer arithmetic on 256-bit targets
 * (hp_u256), so a simulated chain carries the bits a real node of that
 * rule would demand. History before the start is synthetic: blocks every
 * spacing seconds, all at the starting bits, ending at the given time.
 *
 * Invariants: nothing allocates; appending is O(1) (the cw-144 window is a
 * ring buffer); the state is a plain value that can be copied.
 * Equations and sources: docs/model.md "Difficulty rules".
 */
#ifndef HASHPIVOT_DAA_H
#define HASHPIVOT_DAA_H

#include <stdbool.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "u256.h"

enum hp_daa_rule {
	HP_DAA_BITCOIN,  /* CalculateNextWorkRequired every 2016 blocks */
	HP_DAA_CW144,    /* Bitcoin Cash, Nov 2017 - Nov 2020: 144-block work window */
	HP_DAA_ASERT     /* Bitcoin Cash since Nov 2020: aserti3-2d */
};

/* "bitcoin", "cw144", "asert" */
HP_API const char *hp_daa_rule_name(enum hp_daa_rule r);
/* Parse a name as above; HP_EINVAL naming `field` otherwise. */
HP_API enum hp_status hp_daa_rule_parse(const char *name, const char *field,
					enum hp_daa_rule *out, struct hp_error *err);

struct hp_daa_params {
	enum hp_daa_rule rule;
	int64_t spacing_s;        /* target block interval, 600 */
	int64_t half_life_s;      /* ASERT half-life, 172800 (two days) */
};

#define HP_DAA_WINDOW 147    /* cw-144 needs the last 144 + 3 blocks */

struct hp_daa {
	struct hp_daa_params p;
	int64_t height;           /* height of the next block */
	uint32_t bits;            /* nBits the next block must carry */
	double difficulty;        /* its difficulty (max target / target) */
	/* Bitcoin */
	int64_t epoch_first_time; /* time of the first block of the current epoch */
	/* cw-144: the last HP_DAA_WINDOW blocks (time, chain work), ring buffer */
	int64_t win_time[HP_DAA_WINDOW];
	struct hp_u256 win_work[HP_DAA_WINDOW];
	unsigned win_head;        /* index of the newest block */
	struct hp_u256 chain_work; /* chain work up to the newest block */
	/* ASERT: the anchor */
	int64_t anchor_height;
	int64_t anchor_parent_time;
	struct hp_u256 anchor_target;
};

/*
 * Start before block `height` (>= 1), which must carry `bits` (a valid
 * mainnet target). last_time is the time of block height - 1. For Bitcoin,
 * epoch_first_time is the time of the first block of height's epoch when
 * height is not itself a retarget height (ignored otherwise). For cw-144
 * the window is filled with blocks every spacing_s seconds ending at
 * last_time, at `bits`. For ASERT, block height - 1 is the anchor, its
 * parent's time last_time - spacing_s, its target that of `bits`.
 * HP_EINVAL naming the argument for bad bits or parameters.
 */
HP_API enum hp_status hp_daa_init(struct hp_daa *d, const struct hp_daa_params *p,
				  int64_t height, uint32_t bits, int64_t last_time,
				  int64_t epoch_first_time, struct hp_error *err);

/*
 * Block d->height was found at `time` (a Unix time; timestamps need not
 * increase, as on the real chain): advance to the next height and compute
 * the bits it must carry (and d->difficulty). Returns true when the bits
 * changed.
 */
HP_API bool hp_daa_append(struct hp_daa *d, int64_t time);

/*
 * How many of the next blocks hp_daa_append would only count, whatever
 * their times: under Bitcoin's rule the blocks that neither open an epoch
 * (whose time is kept) nor close one (the retarget), 2015 - (height mod
 * 2016) from an epoch's second block, else 0; 0 under the per-block rules.
 */
HP_API int64_t hp_daa_quiet_blocks(const struct hp_daa *d);

/* Count n such blocks, 0 <= n <= hp_daa_quiet_blocks(d), without their
 * times: the same state as n calls of hp_daa_append. */
HP_API void hp_daa_skip_quiet(struct hp_daa *d, int64_t n);

#endif
