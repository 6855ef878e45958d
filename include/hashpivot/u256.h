/*
 * u256.h - 256-bit unsigned integers for proof-of-work targets and work.
 *
 * Invariants: a struct hp_u256 is a plain value (four 64-bit limbs, least
 * significant first); every operation is exact modulo 2^256 and never
 * allocates. Arithmetic that can leave the range says so through a flag or
 * its documented wrap-around, the same way Bitcoin Core's arith_uint256
 * behaves, so that consensus code built on it reproduces Core bit for bit.
 * Conversions from text report malformed input through struct hp_error.
 */
#ifndef HASHPIVOT_U256_H
#define HASHPIVOT_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

struct hp_u256 {
	uint64_t w[4]; /* w[0] is the least significant limb */
};

/* 64 hex digits plus NUL; 78 decimal digits plus NUL. */
#define HP_U256_HEX_LEN 65
#define HP_U256_DEC_LEN 79

HP_API struct hp_u256 hp_u256_from_u64(uint64_t v);
HP_API bool hp_u256_is_zero(struct hp_u256 a);
/* -1, 0 or 1 as a <, = or > b. */
HP_API int hp_u256_cmp(struct hp_u256 a, struct hp_u256 b);
/* Number of significant bits: 0 for zero, 256 when the top bit is set. */
HP_API unsigned hp_u256_bits(struct hp_u256 a);
HP_API uint64_t hp_u256_low64(struct hp_u256 a);

/* a + b and a - b modulo 2^256; *carry (may be NULL) is set on wrap. */
HP_API struct hp_u256 hp_u256_add(struct hp_u256 a, struct hp_u256 b, bool *carry);
HP_API struct hp_u256 hp_u256_sub(struct hp_u256 a, struct hp_u256 b, bool *borrow);
/* a * m modulo 2^256; *overflow (may be NULL) is set when bits were lost. */
HP_API struct hp_u256 hp_u256_mul_u64(struct hp_u256 a, uint64_t m, bool *overflow);
/* a * b modulo 2^256; *overflow (may be NULL) is set when bits were lost. */
HP_API struct hp_u256 hp_u256_mul(struct hp_u256 a, struct hp_u256 b, bool *overflow);
/*
 * Quotient and remainder of a / b. Division by zero is a programmer error in
 * Core; here it returns false and leaves the outputs at zero. q or r may be NULL.
 */
HP_API bool hp_u256_divmod(struct hp_u256 a, struct hp_u256 b, struct hp_u256 *q,
			   struct hp_u256 *r);
/* a / d and a % d for a 64-bit divisor (d != 0); *rem may be NULL. */
HP_API struct hp_u256 hp_u256_div_u64(struct hp_u256 a, uint64_t d, uint64_t *rem);
/* Shifts; a shift of 256 or more gives zero, as in arith_uint256. */
HP_API struct hp_u256 hp_u256_shl(struct hp_u256 a, unsigned n);
HP_API struct hp_u256 hp_u256_shr(struct hp_u256 a, unsigned n);
HP_API struct hp_u256 hp_u256_not(struct hp_u256 a);

/* Nearest double (round to nearest even); exact below 2^53. */
HP_API double hp_u256_to_double(struct hp_u256 a);

/* Bytes in little-endian order, as Bitcoin stores hashes and targets. */
HP_API struct hp_u256 hp_u256_from_le_bytes(const uint8_t bytes[32]);
HP_API void hp_u256_to_le_bytes(struct hp_u256 a, uint8_t bytes[32]);

/*
 * Parse 1 to 64 hex digits (an optional "0x" first), most significant
 * first. Fails with HP_EPARSE on an empty string, a non-hex character or
 * more than 64 significant digits; `field` names the input in the message.
 */
HP_API enum hp_status hp_u256_from_hex(const char *s, struct hp_u256 *out,
				       const char *field, struct hp_error *err);
/* Exactly 64 lower-case hex digits, zero-padded, into buf[HP_U256_HEX_LEN]. */
HP_API char *hp_u256_to_hex(struct hp_u256 a, char buf[HP_U256_HEX_LEN]);
/* Minimal hex digits ("0" for zero) into buf[HP_U256_HEX_LEN]. */
HP_API char *hp_u256_to_hex_min(struct hp_u256 a, char buf[HP_U256_HEX_LEN]);
/* Decimal digits ("0" for zero) into buf[HP_U256_DEC_LEN]. */
HP_API char *hp_u256_to_dec(struct hp_u256 a, char buf[HP_U256_DEC_LEN]);
/* Parse decimal digits; HP_EPARSE on anything else, HP_ERANGE past 2^256-1. */
HP_API enum hp_status hp_u256_from_dec(const char *s, struct hp_u256 *out,
				       const char *field, struct hp_error *err);

#endif
