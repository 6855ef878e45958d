/*
 * u256.c - 256-bit unsigned arithmetic (four 64-bit limbs, little-endian).
 *
 * Method: schoolbook add/sub/mul with 128-bit intermediates (unsigned
 * __int128, available on the 64-bit targets gcc and clang support);
 * division by Knuth's Algorithm D, whose floor quotient and remainder are
 * the ones Bitcoin Core's bit-serial arith_uint256 division gives, so that
 * results agree with Core bit for bit. Accuracy: exact, modulo 2^256 where
 * documented. Source: docs/model.md section "256-bit integers".
 */
#include <math.h>
#include <string.h>

#include "hashpivot/hex.h"
#include "hashpivot/u256.h"

__extension__ typedef unsigned __int128 u128;

struct hp_u256 hp_u256_from_u64(uint64_t v)
{
	struct hp_u256 r = {{v, 0, 0, 0}};
	return r;
}

bool hp_u256_is_zero(struct hp_u256 a)
{
	return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0;
}

int hp_u256_cmp(struct hp_u256 a, struct hp_u256 b)
{
	for (int i = 3; i >= 0; i--) {
		if (a.w[i] != b.w[i])
			return a.w[i] < b.w[i] ? -1 : 1;
	}
	return 0;
}

unsigned hp_u256_bits(struct hp_u256 a)
{
	for (int i = 3; i >= 0; i--) {
		if (a.w[i])
			return (unsigned)(64 * i + 64 - __builtin_clzll(a.w[i]));
	}
	return 0;
}

uint64_t hp_u256_low64(struct hp_u256 a)
{
	return a.w[0];
}

struct hp_u256 hp_u256_add(struct hp_u256 a, struct hp_u256 b, bool *carry)
{
	struct hp_u256 r;
	u128 c = 0;

	for (int i = 0; i < 4; i++) {
		c += (u128)a.w[i] + b.w[i];
		r.w[i] = (uint64_t)c;
		c >>= 64;
	}
	if (carry)
		*carry = c != 0;
	return r;
}

struct hp_u256 hp_u256_sub(struct hp_u256 a, struct hp_u256 b, bool *borrow)
{
	struct hp_u256 r;
	uint64_t br = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t d = a.w[i] - b.w[i];
		uint64_t nb = (a.w[i] < b.w[i]) || (d < br);
		r.w[i] = d - br;
		br = nb;
	}
	if (borrow)
		*borrow = br != 0;
	return r;
}

struct hp_u256 hp_u256_mul_u64(struct hp_u256 a, uint64_t m, bool *overflow)
{
	struct hp_u256 r;
	u128 c = 0;

	for (int i = 0; i < 4; i++) {
		c += (u128)a.w[i] * m;
		r.w[i] = (uint64_t)c;
		c >>= 64;
	}
	if (overflow)
		*overflow = c != 0;
	return r;
}

struct hp_u256 hp_u256_mul(struct hp_u256 a, struct hp_u256 b, bool *overflow)
{
	uint64_t r[8] = {0};

	for (int i = 0; i < 4; i++) {
		u128 c = 0;
		for (int j = 0; j < 4; j++) {
			c += (u128)a.w[i] * b.w[j] + r[i + j];
			r[i + j] = (uint64_t)c;
			c >>= 64;
		}
		r[i + 4] = (uint64_t)c;
	}
	if (overflow)
		*overflow = (r[4] | r[5] | r[6] | r[7]) != 0;
	struct hp_u256 out = {{r[0], r[1], r[2], r[3]}};
	return out;
}

struct hp_u256 hp_u256_shl(struct hp_u256 a, unsigned n)
{
	struct hp_u256 r = {{0, 0, 0, 0}};
	unsigned limbs = n / 64, bits = n % 64;

	if (n >= 256)
		return r;
	for (unsigned i = limbs; i < 4; i++) {
		r.w[i] = a.w[i - limbs] << bits;
		if (bits && i > limbs)
			r.w[i] |= a.w[i - limbs - 1] >> (64 - bits);
	}
	return r;
}

struct hp_u256 hp_u256_shr(struct hp_u256 a, unsigned n)
{
	struct hp_u256 r = {{0, 0, 0, 0}};
	unsigned limbs = n / 64, bits = n % 64;

	if (n >= 256)
		return r;
	for (unsigned i = 0; i + limbs < 4; i++) {
		r.w[i] = a.w[i + limbs] >> bits;
		if (bits && i + limbs + 1 < 4)
			r.w[i] |= a.w[i + limbs + 1] << (64 - bits);
	}
	return r;
}

struct hp_u256 hp_u256_not(struct hp_u256 a)
{
	for (int i = 0; i < 4; i++)
		a.w[i] = ~a.w[i];
	return a;
}

/*
 * (hi 2^64 + lo) / d and its remainder, for hi < d (so the quotient fits 64
 * bits): the x86-64 DIV instruction where there is one, which compilers do
 * not emit for a 128-bit dividend, else a 128-bit division.
 */
static inline uint64_t div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
#if defined(__x86_64__) && defined(__GNUC__)
	uint64_t q, r;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d));
	*rem = r;
	return q;
#else
	u128 n = (u128)hi << 64 | lo;
	uint64_t q = (uint64_t)(n / d);
	*rem = (uint64_t)(n - (u128)q * d);
	return q;
#endif
}

/*
 * Method: Knuth's Algorithm D (TAOCP vol. 2, 4.3.1) on 64-bit limbs. The
 * divisor is shifted left until its top bit is set (the dividend by the same
 * amount, into a fifth limb); each quotient limb is estimated from the top
 * two limbs of the remainder over the divisor's top limb (one 128/64
 * division), corrected with the divisor's second limb (at most twice), then
 * the divisor times that limb is subtracted; a borrow out (probability about
 * 2/2^64) adds the divisor back and lowers the limb by one.
 * Special cases: division by zero returns false with zero outputs; a
 * dividend with fewer limbs than the divisor (or a smaller top limb) gives
 * quotient 0 and remainder a at once; a divisor of one limb takes the short
 * loop of 128/64 divisions.
 * Accuracy: exact (floor quotient, remainder < b), as Core's bit-serial
 * arith_uint256::operator/= gives. Source: docs/model.md "256-bit integers".
 */
bool hp_u256_divmod(struct hp_u256 a, struct hp_u256 b, struct hp_u256 *q, struct hp_u256 *r)
{
	uint64_t quot[4] = {0, 0, 0, 0}, un[5], vn[4];
	int n = 4, m = 4;

	while (n > 0 && b.w[n - 1] == 0)
		n--;
	while (m > 0 && a.w[m - 1] == 0)
		m--;
	if (n == 0) {
		if (q)
			*q = (struct hp_u256){{0, 0, 0, 0}};
		if (r)
			*r = (struct hp_u256){{0, 0, 0, 0}};
		return false;
	}
	if (m < n || (m == n && a.w[m - 1] < b.w[n - 1])) {
		/* a < b (decided by the top limbs; equal top limbs go on) */
		if (q)
			*q = (struct hp_u256){{0, 0, 0, 0}};
		if (r)
			*r = a;
		return true;
	}
	if (n == 1) {
		uint64_t rem = 0;
		for (int i = m - 1; i >= 0; i--)
			quot[i] = div128(rem, a.w[i], b.w[0], &rem);
		if (q)
			*q = (struct hp_u256){{quot[0], quot[1], quot[2], quot[3]}};
		if (r)
			*r = (struct hp_u256){{rem, 0, 0, 0}};
		return true;
	}
	m -= n; /* quotient limbs - 1 (0 when a < b with equal top limbs: qhat comes out 0) */

	/* D1: normalise so that the divisor's top bit is set. */
	unsigned s = (unsigned)__builtin_clzll(b.w[n - 1]);
	for (int i = n - 1; i > 0; i--)
		vn[i] = s ? b.w[i] << s | b.w[i - 1] >> (64 - s) : b.w[i];
	vn[0] = b.w[0] << s;
	un[m + n] = s ? a.w[m + n - 1] >> (64 - s) : 0;
	for (int i = m + n - 1; i > 0; i--)
		un[i] = s ? a.w[i] << s | a.w[i - 1] >> (64 - s) : a.w[i];
	un[0] = a.w[0] << s;

	for (int j = m; j >= 0; j--) {
		/* D3: estimate the quotient limb from the top two limbs; the
		 * remainder always keeps un[j + n] <= vn[n - 1]. */
		uint64_t qhat, rhat;
		bool rhat_big = false;
		if (un[j + n] >= vn[n - 1]) {
			/* 2^64 - 1; rhat = un[j+n-1] + vn[n-1], perhaps >= 2^64 */
			qhat = UINT64_MAX;
			rhat = un[j + n - 1] + vn[n - 1];
			rhat_big = rhat < vn[n - 1];
		} else {
			qhat = div128(un[j + n], un[j + n - 1], vn[n - 1], &rhat);
		}
		while (!rhat_big && (u128)qhat * vn[n - 2] > ((u128)rhat << 64 | un[j + n - 2])) {
			qhat--;
			rhat += vn[n - 1];
			rhat_big = rhat < vn[n - 1];
		}
		/* D4: un[j..j+n] -= qhat * vn. */
		uint64_t borrow = 0, carry = 0;
		for (int i = 0; i < n; i++) {
			u128 p = (u128)qhat * vn[i] + carry;
			uint64_t lo = (uint64_t)p;
			carry = (uint64_t)(p >> 64);
			uint64_t t = un[i + j] - lo;
			uint64_t b1 = un[i + j] < lo;
			un[i + j] = t - borrow;
			borrow = b1 | (t < borrow);
		}
		u128 top = (u128)carry + borrow;
		uint64_t last = un[j + n];
		un[j + n] = last - (uint64_t)top;
		/* D5/D6: a borrow out means qhat was one too large: add back. */
		if ((u128)last < top) {
			qhat--;
			u128 c = 0;
			for (int i = 0; i < n; i++) {
				c += (u128)un[i + j] + vn[i];
				un[i + j] = (uint64_t)c;
				c >>= 64;
			}
			un[j + n] += (uint64_t)c;
		}
		quot[j] = qhat;
	}
	if (q)
		*q = (struct hp_u256){{quot[0], quot[1], quot[2], quot[3]}};
	if (r) {
		/* D8: the remainder is un[0..n-1] shifted back. */
		uint64_t rem[4] = {0, 0, 0, 0};
		for (int i = 0; i < n; i++)
			rem[i] = s ? un[i] >> s | un[i + 1] << (64 - s) : un[i];
		*r = (struct hp_u256){{rem[0], rem[1], rem[2], rem[3]}};
	}
	return true;
}

/*
 * Method: one 128/64 division per limb, from the top non-zero limb down
 * (a top limb below d gives a zero quotient limb and is carried down).
 * Special cases: d = 0 is a programmer error (it traps). Accuracy: exact.
 */
struct hp_u256 hp_u256_div_u64(struct hp_u256 a, uint64_t d, uint64_t *rem)
{
	struct hp_u256 q = {{0, 0, 0, 0}};
	uint64_t r = 0;
	int i = 3;

	while (i > 0 && a.w[i] == 0)
		i--;
	if (i > 0 && a.w[i] < d)
		r = a.w[i--];
	for (; i >= 0; i--)
		q.w[i] = div128(r, a.w[i], d, &r);
	if (rem)
		*rem = r;
	return q;
}

double hp_u256_to_double(struct hp_u256 a)
{
	unsigned n = hp_u256_bits(a);

	if (n <= 64)
		return (double)a.w[0];
	/* Keep the top 64 bits and fold the rest into a sticky low bit: the
	 * uint64 -> double conversion then rounds to nearest even correctly. */
	unsigned shift = n - 64;
	struct hp_u256 top = hp_u256_shr(a, shift);
	struct hp_u256 back = hp_u256_shl(top, shift);
	uint64_t m = top.w[0];
	if (hp_u256_cmp(back, a) != 0)
		m |= 1;
	return ldexp((double)m, (int)shift);
}

struct hp_u256 hp_u256_from_le_bytes(const uint8_t bytes[32])
{
	struct hp_u256 r;

	for (int i = 0; i < 4; i++) {
		uint64_t v = 0;
		for (int j = 7; j >= 0; j--)
			v = v << 8 | bytes[8 * i + j];
		r.w[i] = v;
	}
	return r;
}

void hp_u256_to_le_bytes(struct hp_u256 a, uint8_t bytes[32])
{
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 8; j++)
			bytes[8 * i + j] = (uint8_t)(a.w[i] >> (8 * j));
	}
}

enum hp_status hp_u256_from_hex(const char *s, struct hp_u256 *out, const char *field,
				struct hp_error *err)
{
	const char *p = s;
	struct hp_u256 r = {{0, 0, 0, 0}};
	size_t sig = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (!*p)
		return hp_error_set(err, HP_EPARSE, field, "not a hex number, got '%.80s'", s);
	for (const char *q = p; *q; q++) {
		if (hp_hex_digit((unsigned char)*q) < 0)
			return hp_error_set(err, HP_EPARSE, field, "not a hex number, got '%.80s%s'",
					    s, strlen(s) > 80 ? "..." : "");
	}
	while (*p == '0' && p[1])
		p++;
	for (; *p; p++) {
		if (++sig > 64)
			return hp_error_set(err, HP_EPARSE, field,
					    "more than 64 hex digits (256 bits), got '%.80s%s'", s,
					    strlen(s) > 80 ? "..." : "");
		r = hp_u256_shl(r, 4);
		r.w[0] |= (uint64_t)hp_hex_digit((unsigned char)*p);
	}
	*out = r;
	return HP_OK;
}

char *hp_u256_to_hex(struct hp_u256 a, char buf[HP_U256_HEX_LEN])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 64; i++) {
		unsigned nib = (unsigned)(a.w[(63 - i) / 16] >> (4 * ((63 - i) % 16))) & 15;
		buf[i] = digits[nib];
	}
	buf[64] = '\0';
	return buf;
}

char *hp_u256_to_hex_min(struct hp_u256 a, char buf[HP_U256_HEX_LEN])
{
	char full[HP_U256_HEX_LEN];
	const char *p = hp_u256_to_hex(a, full);

	while (*p == '0' && p[1])
		p++;
	memmove(buf, p, strlen(p) + 1);
	return buf;
}

char *hp_u256_to_dec(struct hp_u256 a, char buf[HP_U256_DEC_LEN])
{
	char tmp[HP_U256_DEC_LEN];
	size_t n = 0;

	do {
		uint64_t rem;
		a = hp_u256_div_u64(a, 10, &rem);
		tmp[n++] = (char)('0' + rem);
	} while (!hp_u256_is_zero(a));
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

enum hp_status hp_u256_from_dec(const char *s, struct hp_u256 *out, const char *field,
				struct hp_error *err)
{
	struct hp_u256 r = {{0, 0, 0, 0}};

	if (!*s)
		return hp_error_set(err, HP_EPARSE, field, "not a decimal number, got ''");
	for (const char *p = s; *p; p++) {
		bool of1, of2;
		if (*p < '0' || *p > '9')
			return hp_error_set(err, HP_EPARSE, field,
					    "not a decimal number, got '%.80s%s'", s,
					    strlen(s) > 80 ? "..." : "");
		r = hp_u256_mul_u64(r, 10, &of1);
		r = hp_u256_add(r, hp_u256_from_u64((uint64_t)(*p - '0')), &of2);
		if (of1 || of2)
			return hp_error_set(err, HP_ERANGE, field,
					    "larger than 2^256 - 1, got '%.80s%s'", s,
					    strlen(s) > 80 ? "..." : "");
	}
	*out = r;
	return HP_OK;
}
