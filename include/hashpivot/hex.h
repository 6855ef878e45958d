/*
 * hex.h - byte strings to and from hexadecimal text.
 *
 * Used for raw block headers and hashes. Bitcoin shows hashes byte-reversed
 * (as a big number, most significant byte first); hp_hex_encode_reversed
 * gives that form from the internal byte order.
 */
#ifndef HASHPIVOT_HEX_H
#define HASHPIVOT_HEX_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

/* The value of one hex digit (either case), or -1 for any other character. */
HP_API int hp_hex_digit(int c);

/*
 * Decode exactly 2*len hex digits (either case) from s into out.
 * HP_EPARSE, naming `field`, when s has another length or a non-hex digit.
 */
HP_API enum hp_status hp_hex_decode(const char *s, uint8_t *out, size_t len,
				    const char *field, struct hp_error *err);
/* 2*len lower-case digits and a NUL into out (which holds 2*len+1). */
HP_API void hp_hex_encode(const uint8_t *bytes, size_t len, char *out);
/* The same, last byte first (Bitcoin's display order for hashes). */
HP_API void hp_hex_encode_reversed(const uint8_t *bytes, size_t len, char *out);

#endif
