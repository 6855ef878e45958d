/*
 * chainverify.c - a header against its parent: linkage, the difficulty rule,
 * proof of work, chainwork. The rules follow Bitcoin Core's src/pow.cpp
 * (GetNextWorkRequired, CalculateNextWorkRequired, CheckProofOfWork) and
 * src/validation.cpp (ContextualCheckBlockHeader); docs/chaindb.md lists
 * what is and is not checked.
 */
#include <string.h>

#include "hashpivot/chainverify.h"
#include "hashpivot/hex.h"

/* Genesis block hashes as Core prints them (reversed byte order). */
static const char *const genesis_hex[] = {
	[HP_NET_MAIN] = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
	[HP_NET_TEST] = "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
	[HP_NET_REGTEST] = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
};

void hp_chainverify_genesis_hash(enum hp_network net, uint8_t hash[32])
{
	uint8_t be[32];

	if ((unsigned)net > HP_NET_REGTEST)
		net = HP_NET_MAIN;
	/* the constants are well-formed: decoding cannot fail */
	(void)hp_hex_decode(genesis_hex[net], be, 32, NULL, NULL);
	for (int i = 0; i < 32; i++)
		hash[i] = be[31 - i];
}

void hp_chainverify_state_from_block(const struct hp_chain_params *p,
				     const struct hp_chainverify_state *prev,
				     const struct hp_chaindb_block *b,
				     struct hp_chainverify_state *out)
{
	int64_t interval = hp_consensus_interval(p);
	bool opens = b->height % interval == 0;

	out->height = b->height;
	memcpy(out->hash, b->hash, 32);
	out->time = b->header.time;
	out->bits = b->header.bits;
	out->chainwork = b->chainwork;

	out->has_period_start = opens || (prev && prev->has_period_start);
	out->period_start_time = opens ? b->header.time :
			         (out->has_period_start ? prev->period_start_time : 0);

	/*
	 * Core's testnet walk-back stops at the period's first block or at
	 * one whose bits are not the minimum difficulty: that block's bits.
	 */
	if (opens || b->header.bits != p->pow_limit_bits) {
		out->has_last_normal_bits = true;
		out->last_normal_bits = b->header.bits;
	} else {
		out->has_last_normal_bits = prev && prev->has_last_normal_bits;
		out->last_normal_bits = out->has_last_normal_bits ? prev->last_normal_bits : 0;
	}
}

/*
 * Method: GetNextWorkRequired. Inside a period the parent's bits, except on
 * networks allowing min-difficulty blocks, where a block more than twice
 * the spacing after its parent may carry the limit and others the last
 * normal bits. At a period boundary CalculateNextWorkRequired from the
 * period's first and last times (the parent's bits kept without retargeting).
 * Special cases: unknown period start or last normal bits give false.
 * Source: Core src/pow.cpp.
 */
bool hp_chainverify_expected_bits(const struct hp_chain_params *p,
				  const struct hp_chainverify_state *parent, uint32_t child_time,
				  uint32_t *bits)
{
	int64_t height = parent->height + 1;
	struct hp_retarget r;

	if (height % hp_consensus_interval(p) != 0) {
		if (!p->pow_allow_min_difficulty_blocks) {
			*bits = parent->bits;
			return true;
		}
		if ((int64_t)child_time > (int64_t)parent->time + 2 * p->pow_target_spacing_s) {
			*bits = p->pow_limit_bits;
			return true;
		}
		if (!parent->has_last_normal_bits)
			return false;
		*bits = parent->last_normal_bits;
		return true;
	}
	if (p->pow_no_retargeting) {
		*bits = parent->bits;
		return true;
	}
	if (!parent->has_period_start)
		return false;
	hp_consensus_retarget(p, parent->bits, parent->period_start_time, parent->time, &r);
	*bits = r.bits;
	return true;
}

static enum hp_status check_bits(const struct hp_chain_params *p,
				 const struct hp_chainverify_state *parent, int64_t height,
				 const struct hp_header *h, struct hp_error *err)
{
	uint32_t want;

	if (hp_chainverify_expected_bits(p, parent, h->time, &want)) {
		if (h->bits == want)
			return HP_OK;
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: bits %08x break the retarget rule (expected %08x)",
				    (long long)height, h->bits, want);
	}
	/* the period began before the anchor: the range Core permits */
	if (hp_consensus_permitted_transition(p, height, parent->bits, h->bits))
		return HP_OK;
	return hp_error_set(err, HP_EIO, NULL,
			    "block %lld: bits %08x break the retarget rule (outside the range "
			    "permitted after %08x)",
			    (long long)height, h->bits, parent->bits);
}

static enum hp_status check_pow(const struct hp_chain_params *p, int64_t height,
				const uint8_t hash[32], uint32_t bits, struct hp_error *err)
{
	char hex[65];

	if (hp_consensus_check_pow(p, hash, bits))
		return HP_OK;
	hp_hex_encode_reversed(hash, 32, hex);
	return hp_error_set(err, HP_EIO, NULL,
			    "block %lld: proof of work not met (hash %s above target of bits %08x)",
			    (long long)height, hex, bits);
}

enum hp_status hp_chainverify_header(const struct hp_chain_params *p,
				     const struct hp_chainverify_state *parent,
				     const uint8_t raw[HP_HEADER_SIZE], struct hp_chaindb_block *out,
				     struct hp_chainverify_state *next, struct hp_error *err)
{
	struct hp_chaindb_block b;
	int64_t height = parent->height + 1;
	enum hp_status st;

	memset(&b, 0, sizeof(b));
	b.height = height;
	hp_consensus_header_decode(raw, &b.header);
	if (memcmp(b.header.prev_hash, parent->hash, 32) != 0) {
		char got[65], want[65];

		hp_hex_encode_reversed(b.header.prev_hash, 32, got);
		hp_hex_encode_reversed(parent->hash, 32, want);
		return hp_error_set(err, HP_EIO, NULL,
				    "block %lld: does not link to block %lld (prev %s != %s)",
				    (long long)height, (long long)parent->height, got, want);
	}
	st = check_bits(p, parent, height, &b.header, err);
	if (st != HP_OK)
		return st;
	st = hp_consensus_header_hash(raw, b.hash, err);
	if (st != HP_OK)
		return st;
	st = check_pow(p, height, b.hash, b.header.bits, err);
	if (st != HP_OK)
		return st;
	b.chainwork = hp_u256_add(parent->chainwork, hp_consensus_block_work(b.header.bits), NULL);
	hp_chainverify_state_from_block(p, parent, &b, next);
	*out = b;
	return HP_OK;
}

enum hp_status hp_chainverify_genesis(enum hp_network net, const uint8_t raw[HP_HEADER_SIZE],
				      struct hp_chaindb_block *out,
				      struct hp_chainverify_state *next, struct hp_error *err)
{
	const struct hp_chain_params *p = hp_consensus_params(net);
	struct hp_chaindb_block b;
	uint8_t want[32];
	enum hp_status st;

	if (!p)
		return hp_error_set(err, HP_EINVAL, "network", "unknown network %d", (int)net);
	memset(&b, 0, sizeof(b));
	hp_consensus_header_decode(raw, &b.header);
	st = hp_consensus_header_hash(raw, b.hash, err);
	if (st != HP_OK)
		return st;
	hp_chainverify_genesis_hash(net, want);
	if (memcmp(b.hash, want, 32) != 0) {
		char got[65], exp[65];

		hp_hex_encode_reversed(b.hash, 32, got);
		hp_hex_encode_reversed(want, 32, exp);
		return hp_error_set(err, HP_EIO, NULL,
				    "block 0: not the genesis block of %s (hash %s != %s)", p->name,
				    got, exp);
	}
	st = check_pow(p, 0, b.hash, b.header.bits, err);
	if (st != HP_OK)
		return st;
	b.chainwork = hp_consensus_block_work(b.header.bits);
	hp_chainverify_state_from_block(p, NULL, &b, next);
	*out = b;
	return HP_OK;
}
