/*
 * fuzz_header.c - 80-byte block headers and compact bits.
 *
 * The input's first 80 bytes are a raw header: it must decode, encode back
 * to the same bytes, hash, and pass or fail proof of work without trouble.
 * Its bits word (and any further 4-byte words) go through SetCompact /
 * GetCompact, difficulty, work and the retarget, with Core's invariants
 * asserted: re-encoding a decoded target is a fixed point, a difficulty
 * is finite and not negative (Core underflows to 0 for huge exponents),
 * work of a non-zero target is non-zero.
 */
#include <string.h>

#include "fuzz.h"
#include "hashpivot/consensus.h"
#include "hashpivot/u256.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_bits(uint32_t bits, int64_t t0, int64_t t1)
{
	bool neg = false, ovf = false, neg2 = false, ovf2 = false;
	struct hp_u256 target = hp_consensus_compact_decode(bits, &neg, &ovf);
	double d;
	struct hp_retarget rt;

	if (!neg && !ovf) {
		uint32_t again = hp_consensus_compact_encode(target, false);
		struct hp_u256 t2 = hp_consensus_compact_decode(again, &neg2, &ovf2);

		FUZZ_ASSERT(!neg2 && !ovf2);
		FUZZ_ASSERT(hp_u256_cmp(target, t2) == 0);
		if (!hp_u256_is_zero(target))
			FUZZ_ASSERT(!hp_u256_is_zero(hp_consensus_block_work(bits)));
	}
	if (hp_consensus_difficulty(bits, &d))
		FUZZ_ASSERT(d == d && d >= 0 && d < 1e300); /* 0 past exponent 29+153, as Core */
	hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), bits, t0, t1, &rt);
	(void)hp_consensus_permitted_transition(hp_consensus_params(HP_NET_MAIN), 2016, bits,
						rt.bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t raw[HP_HEADER_SIZE], back[HP_HEADER_SIZE], hash[32];
	struct hp_header h;
	size_t off;

	if (size >= HP_HEADER_SIZE) {
		memcpy(raw, data, HP_HEADER_SIZE);
		hp_consensus_header_decode(raw, &h);
		hp_consensus_header_encode(&h, back);
		FUZZ_ASSERT(memcmp(raw, back, HP_HEADER_SIZE) == 0);
		FUZZ_ASSERT(hp_consensus_header_hash(raw, hash, NULL) == HP_OK);
		(void)hp_consensus_check_pow(hp_consensus_params(HP_NET_MAIN), hash, h.bits);
		check_bits(h.bits, (int64_t)h.time - 1209600, (int64_t)h.time);
	}
	for (off = HP_HEADER_SIZE; off + 4 <= size; off += 4) {
		uint32_t w;

		memcpy(&w, data + off, 4);
		check_bits(w, 0, (int64_t)w);
	}
	return 0;
}
