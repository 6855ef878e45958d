/*
 * chainverify.h - checking a block header against the chain below it, with
 * hashpivot's own consensus code (consensus.h) instead of a source's word.
 *
 * A header is accepted as the child of `parent` when
 *  1. it links: its prev_hash is the parent's hash;
 *  2. its bits are the ones the difficulty rule requires: the parent's
 *     bits inside a retarget period; at a multiple of the interval exactly
 *     hp_consensus_retarget() of the closing period's first and last block
 *     times (or, when that period's first block is not known - it lies
 *     before a partial sync's anchor - within the permitted range,
 *     hp_consensus_permitted_transition); regtest keeps its bits; testnet
 *     also takes the minimum-difficulty bits for a block more than twice
 *     the spacing after its parent, and after such blocks the bits of the
 *     period's last normal block (Core's GetNextWorkRequired);
 *  3. its hash meets the target of its bits (hp_consensus_check_pow);
 * and its chainwork is the parent's plus hp_consensus_block_work(bits).
 * Checks run in this order and the first failure is reported, as
 * "block <h>: <what> (<evidence>)", with HP_EIO: a source that serves such
 * a header serves bad data. Everything here is pure: no allocation, no I/O.
 * Not checked (a node does, hashpivot has no need): median-time-past and
 * future-time limits, version rules, checkpoints inside the range.
 */
#ifndef HASHPIVOT_CHAINVERIFY_H
#define HASHPIVOT_CHAINVERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "chaindb.h"
#include "common.h"
#include "consensus.h"
#include "error.h"
#include "u256.h"

/* What verifying a child needs to know about the chain ending at its parent. */
struct hp_chainverify_state {
	int64_t height;             /* the parent's */
	uint8_t hash[32];           /* the parent's, internal byte order */
	uint32_t time;              /* the parent's header time */
	uint32_t bits;              /* the parent's bits */
	struct hp_u256 chainwork;   /* up to and including the parent */
	bool has_period_start;      /* the first block of the parent's period is known */
	int64_t period_start_time;  /* its time */
	bool has_last_normal_bits;  /* testnet: the bits of the period's last */
	uint32_t last_normal_bits;  /* block that is not a min-difficulty one */
};

/*
 * The state after one stored block: b itself as the parent, with what it
 * knows of its period. period_start_time: the time of the first block of
 * b's period when known (pass has_period_start false otherwise); prev: the
 * state before b (NULL for an anchor: its period start and last normal
 * bits are then only known when b opens a period).
 */
HP_API void hp_chainverify_state_from_block(const struct hp_chain_params *p,
					    const struct hp_chainverify_state *prev,
					    const struct hp_chaindb_block *b,
					    struct hp_chainverify_state *out);

/* The bits a child at parent->height + 1 with header time child_time must carry;
 * false when they cannot be known (period start unknown at a retarget). */
HP_API bool hp_chainverify_expected_bits(const struct hp_chain_params *p,
					 const struct hp_chainverify_state *parent,
					 uint32_t child_time, uint32_t *bits);

/*
 * Verify the 80-byte header raw as the child of parent (rules above). On
 * success fill out (height, hash, header, chainwork; has_stats false) and
 * next (the state with out as the parent). HP_EIO with the message on the
 * first rule broken; HP_EINTERNAL if hashing fails. Outputs untouched then.
 */
HP_API enum hp_status hp_chainverify_header(const struct hp_chain_params *p,
					    const struct hp_chainverify_state *parent,
					    const uint8_t raw[HP_HEADER_SIZE],
					    struct hp_chaindb_block *out,
					    struct hp_chainverify_state *next, struct hp_error *err);

/*
 * Block 0: raw must hash to the network's genesis block and meet its own
 * target. Fills out (chainwork = its own work) and next. HP_EIO "block 0:
 * not the genesis block of <net> (hash ... != ...)" otherwise.
 */
HP_API enum hp_status hp_chainverify_genesis(enum hp_network net,
					     const uint8_t raw[HP_HEADER_SIZE],
					     struct hp_chaindb_block *out,
					     struct hp_chainverify_state *next,
					     struct hp_error *err);

/* The genesis block hash of a network, internal byte order. */
HP_API void hp_chainverify_genesis_hash(enum hp_network net, uint8_t hash[32]);

#endif
