/*
 * hex.c - byte strings to and from hexadecimal text.
 */
#include <string.h>

#include "hashpivot/hex.h"

int hp_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum hp_status hp_hex_decode(const char *s, uint8_t *out, size_t len, const char *field,
			     struct hp_error *err)
{
	size_t n = strlen(s);

	if (n != 2 * len)
		return hp_error_set(err, HP_EPARSE, field,
				    "expected %zu hex digits, got %zu in '%.80s%s'", 2 * len, n, s,
				    n > 80 ? "..." : "");
	for (size_t i = 0; i < len; i++) {
		int hi = hp_hex_digit((unsigned char)s[2 * i]);
		int lo = hp_hex_digit((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return hp_error_set(err, HP_EPARSE, field,
					    "not a hex string (bad digit at %zu), got '%.80s%s'",
					    2 * i + (hi < 0 ? 0 : 1), s, n > 80 ? "..." : "");
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return HP_OK;
}

void hp_hex_encode(const uint8_t *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

void hp_hex_encode_reversed(const uint8_t *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		uint8_t b = bytes[len - 1 - i];
		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 15];
	}
	out[2 * len] = '\0';
}
