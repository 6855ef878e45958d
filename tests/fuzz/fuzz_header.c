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
 *
 * The same input, as text (up to its first NUL), goes through the parsers
 * of `hashpivot header` and `hashpivot bits`: a header of 160 hex digits
 * (hp_hex_decode), a bits word (hp_parse_hex32), a target in hex or
 * decimal (hp_u256_from_hex, hp_u256_from_dec), a difficulty
 * (hp_parse_double, hp_consensus_target_from_difficulty and
 * hp_consensus_bits_from_difficulty) and a network name. Asserted: a
 * failure carries its status and a non-empty one-line message; what parses
 * prints back to the same value (hex and decimal round trips, the header's
 * digits in lower case); the bits chosen for a difficulty decode to a
 * positive target whose difficulty is within one mantissa step of it
 * (when the target has 24 bits or more).
 */
#include <ctype.h>
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "hashpivot/consensus.h"
#include "hashpivot/hex.h"
#include "hashpivot/parse.h"
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

static void check_text(const char *s)
{
	struct hp_error err = {0};
	uint8_t raw[HP_HEADER_SIZE], hash[32];
	char hex[2 * HP_HEADER_SIZE + 1], buf[HP_U256_DEC_LEN];
	struct hp_u256 t, t2;
	enum hp_network net;
	enum hp_status ret;
	uint32_t bits;
	double d;
	size_t i;

	if ((ret = hp_hex_decode(s, raw, sizeof(raw), "HEX80", &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
	} else {
		hp_hex_encode(raw, sizeof(raw), hex);
		for (i = 0; i < sizeof(hex) - 1; i++)
			FUZZ_ASSERT(hex[i] == tolower((unsigned char)s[i]));
		FUZZ_ASSERT(s[sizeof(hex) - 1] == '\0');
		FUZZ_ASSERT(hp_consensus_header_hash(raw, hash, &err) == HP_OK);
	}
	memset(&err, 0, sizeof(err));
	if ((ret = hp_parse_hex32(s, &bits, "BITS", &err)) != HP_OK)
		fuzz_check_failure(ret, &err);
	else
		check_bits(bits, 0, 1209600);
	memset(&err, 0, sizeof(err));
	if ((ret = hp_u256_from_hex(s, &t, "--target", &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
	} else {
		memset(&err, 0, sizeof(err));
		FUZZ_ASSERT(hp_u256_from_hex(hp_u256_to_hex(t, buf), &t2, "t", &err) == HP_OK);
		FUZZ_ASSERT(hp_u256_cmp(t, t2) == 0);
		(void)hp_consensus_compact_encode(t, false);
		(void)hp_consensus_work_from_target(t);
	}
	memset(&err, 0, sizeof(err));
	if ((ret = hp_u256_from_dec(s, &t, "--work", &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
	} else {
		memset(&err, 0, sizeof(err));
		FUZZ_ASSERT(hp_u256_from_dec(hp_u256_to_dec(t, buf), &t2, "w", &err) == HP_OK);
		FUZZ_ASSERT(hp_u256_cmp(t, t2) == 0);
	}
	memset(&err, 0, sizeof(err));
	if ((ret = hp_parse_double(s, 0, 1e300, &d, "--difficulty", &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
	} else {
		FUZZ_ASSERT(isfinite(d) && d >= 0 && d <= 1e300);
		memset(&err, 0, sizeof(err));
		if ((ret = hp_consensus_target_from_difficulty(d, &t, "--difficulty", &err)) !=
		    HP_OK)
			fuzz_check_failure(ret, &err);
		else
			FUZZ_ASSERT(!hp_u256_is_zero(t));
		memset(&err, 0, sizeof(err));
		if ((ret = hp_consensus_bits_from_difficulty(d, &bits, "--difficulty", &err)) !=
		    HP_OK) {
			fuzz_check_failure(ret, &err);
		} else {
			bool neg = false, ovf = false;
			double back;

			t = hp_consensus_compact_decode(bits, &neg, &ovf);
			FUZZ_ASSERT(!neg && !ovf && !hp_u256_is_zero(t));
			FUZZ_ASSERT(hp_consensus_difficulty(bits, &back));
			/* A normalised mantissa is >= 0x8000, so one step is at most
			 * 2^-15 of the target, and flooring the exact target costs
			 * 2^-23 more when it has 24 bits or more (below that, the
			 * integer target itself is that coarse). */
			if (hp_u256_bits(t) >= 24)
				FUZZ_ASSERT(fabs(back - d) <= d * (0x1p-15 + 0x1p-22));
		}
	}
	memset(&err, 0, sizeof(err));
	if ((ret = hp_consensus_network_parse(s, &net, "--network", &err)) != HP_OK)
		fuzz_check_failure(ret, &err);
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
	if (size <= 4096) {
		char *text = malloc(size + 1);

		FUZZ_ASSERT(text);
		memcpy(text, data, size);
		text[size] = '\0';
		check_text(text);
		free(text);
	}
	return 0;
}
