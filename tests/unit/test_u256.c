/*
 * test_u256.c - known answers for the 256-bit integers of u256.h.
 *
 * Every expected value below was computed with python3 big integers and
 * pasted in; each table names its expression. The "high-entropy" operands
 * are SHA-256 digests read as big-endian numbers:
 *
 *   A = int.from_bytes(hashlib.sha256(b"hashpivot a").digest(), "big")
 *     = 0xb9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd562
 *   B = sha256("hashpivot b")
 *     = 0xdae2330fc0d484e1515f05497a014a3343590b71d06bb90cb5948a12ea11985b
 *   C = sha256("hashpivot c")
 *     = 0x32a6a16a677f6f1bd17c422098f8d5311627f69934ef3e3e99cc7700995a3ea8
 *   D = sha256("hashpivot d")
 *     = 0xc00cca1a7472fa0914f21f140e1cbb24886216201b1414d61333d9a74bff52be
 *   m1 = sha256("m1") >> 192 = 0xca0df2c95aa144c1
 *   m2 = sha256("m2") >> 200 = 0x0029c1b289e75221
 *
 * U(w3, w2, w1, w0) writes a value most significant limb first, so the four
 * literals read left to right as the 64-digit hex number.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "support/testutil.h"
#include "hashpivot/rng.h"
#include "hashpivot/u256.h"

#define U(w3, w2, w1, w0) {{UINT64_C(w0), UINT64_C(w1), UINT64_C(w2), UINT64_C(w3)}}
#define UV(w3, w2, w1, w0) ((struct hp_u256)U(w3, w2, w1, w0))

static const struct hp_u256 A_VAL =
	U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562);
static const struct hp_u256 C_VAL =
	U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0x99cc7700995a3ea8);
static const struct hp_u256 MAX_VAL =
	U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff);
static const struct hp_u256 ZERO_VAL = U(0, 0, 0, 0);

/* Compare limb by limb and print both values in hex on a mismatch, without
 * relying on the library's own formatting. */
static void check_u256(struct hp_u256 got, struct hp_u256 want, const char *what, size_t i,
		       const char *file, int line)
{
	if (memcmp(got.w, want.w, sizeof got.w) == 0)
		return;
	print_error("%s[%zu]: got %016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64
		       ", want %016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "\n",
		       what, i, got.w[3], got.w[2], got.w[1], got.w[0], want.w[3], want.w[2],
		       want.w[1], want.w[0]);
	_fail(file, line);
}
#define assert_u256(got, want, what, i) check_u256((got), (want), (what), (i), __FILE__, __LINE__)

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

struct add_case {
	struct hp_u256 a, b, want;
	bool flag;
};

struct mul_u64_case {
	struct hp_u256 a;
	uint64_t m;
	struct hp_u256 want;
	bool overflow;
};

struct div_case {
	struct hp_u256 a, b, q, r;
};

struct div_u64_case {
	struct hp_u256 a;
	uint64_t d;
	struct hp_u256 q;
	uint64_t r;
};

struct shift_case {
	unsigned n;
	struct hp_u256 shl, shr;
};

struct bits_case {
	struct hp_u256 a;
	unsigned bits;
};

/* The tables: python3 big integers, e.g. for add: s = a + b; (s % 2**256, s >= 2**256). */

/* add: {a, b, (a + b) % 2**256, a + b >= 2**256} */
static const struct add_case add_cases[] = {
	/* (A) + (B) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 U(0x94df23a2652bf83f, 0x7109f73fa02ddf61, 0xcc1ae3deff2e157d, 0xfd248d7449cd6dbd), true},
	/* (A >> 1) + (B >> 2) */
	{U(0x5cfe7849522bb9af, 0x0fd578fb13164a97, 0x4460ec3697612e38, 0xa3c801b0afddeab1),
	 U(0x36b88cc3f0352138, 0x5457c1525e80528c, 0xd0d642dc741aee43, 0x2d652284ba846616),
	 U(0x93b7050d4260dae7, 0x642d3a4d71969d24, 0x15372f130b7c1c7b, 0xd12d24356a6250c7), false},
	/* (2**192 - 1) + (1) */
	{U(0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000001, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
	/* (2**256 - 1) + (1) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), true},
	/* (2**256 - 1) + (A) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd561), true},
	/* (A >> 128) + (B >> 128) */
	{U(0x0000000000000000, 0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e),
	 U(0x0000000000000000, 0x0000000000000000, 0xdae2330fc0d484e1, 0x515f05497a014a33),
	 U(0x0000000000000000, 0x0000000000000001, 0x94df23a2652bf83f, 0x7109f73fa02ddf61), false},
	/* ((C >> 64 << 64) + 2**64 - 1) + (1) */
	{U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3f, 0x0000000000000000), false},
};

/* sub: {a, b, (a - b) % 2**256, a < b} */
static const struct add_case sub_cases[] = {
	/* (A) - (B) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 U(0xdf1abd82e382ee7c, 0xce4becacac2b4afb, 0x4568ccfb5e56a364, 0x91fb794e75aa3d07), true},
	/* (B) - (A) */
	{U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x20e5427d1c7d1183, 0x31b4135353d4b504, 0xba973304a1a95c9b, 0x6e0486b18a55c2f9), false},
	/* (A >> 1) - (B >> 2) */
	{U(0x5cfe7849522bb9af, 0x0fd578fb13164a97, 0x4460ec3697612e38, 0xa3c801b0afddeab1),
	 U(0x36b88cc3f0352138, 0x5457c1525e80528c, 0xd0d642dc741aee43, 0x2d652284ba846616),
	 U(0x2645eb8561f69876, 0xbb7db7a8b495f80a, 0x738aa95a23463ff5, 0x7662df2bf559849b), false},
	/* (2**192) - (1) */
	{U(0x0000000000000001, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff), false},
	/* (0) - (1) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff), true},
	/* (A) - (A) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
	/* (0) - (C) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0x99cc7700995a3ea8),
	 U(0xcd595e95988090e4, 0x2e83bddf67072ace, 0xe9d80966cb10c1c1, 0x663388ff66a5c158), true},
};

/* mul_u64: {a, m, (a * m) % 2**256, a * m >= 2**256} */
static const struct mul_u64_case mul_u64_cases[] = {
	/* (A >> 70) * (m1) */
	{U(0x0000000000000000, 0x02e7f3c24a915dcd, 0x787eabc7d898b254, 0xba230761b4bb0971),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x024b2ee03d47ebca, 0x445855e4d2fde319, 0x199ab20286433f73, 0xfadf2b5699952231), false},
	/* (A) * (m1) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x16157934bf78c646, 0x66ac80a190cfdd25, 0x9cf1d70a2c3d3208, 0x7488d5eeb7ebe6e2), true},
	/* (B >> 64) * (m2) */
	{U(0x0000000000000000, 0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c),
	 UINT64_C(0x0029c1b289e75221),
	 U(0x0023b3d75d351905, 0xc0f4a6e779a42ff4, 0xb495061a52008d2c, 0x34b65c01c4fcb28c), false},
	/* (C >> 192) * (m1) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x32a6a16a677f6f1b),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x0000000000000000, 0x0000000000000000, 0x27fa3ddd836b9eab, 0x0b429b1d3e90ef5b), false},
	/* (2**256 - 1) * (2**64 - 1) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 UINT64_C(0xffffffffffffffff),
	 U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001), true},
	/* (A) * (0) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 UINT64_C(0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
	/* (A) * (1) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 UINT64_C(0x0000000000000001),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562), false},
	/* (2**192) * (2**63) */
	{U(0x0000000000000001, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 UINT64_C(0x8000000000000000),
	 U(0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
	/* (2**192) * (2**64 - 1) */
	{U(0x0000000000000001, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 UINT64_C(0xffffffffffffffff),
	 U(0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
};

/* mul: {a, b, (a * b) % 2**256, a * b >= 2**256} */
static const struct add_case mul_cases[] = {
	/* (A >> 128) * (B >> 130) (254 bits) */
	{U(0x0000000000000000, 0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e),
	 U(0x0000000000000000, 0x0000000000000000, 0x36b88cc3f0352138, 0x5457c1525e80528c),
	 U(0x27c16ed085cfbdcd, 0x981575cb327d3601, 0xbb5abb53415315b9, 0x117616a4a32a5128), false},
	/* (A >> 128) * (B >> 127) (257 bits) */
	{U(0x0000000000000000, 0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e),
	 U(0x0000000000000000, 0x0000000000000001, 0xb5c4661f81a909c2, 0xa2be0a92f4029466),
	 U(0x3e0b76842e7dee6c, 0xc0abae5993e9b012, 0x36c37e09e4a561fd, 0x49b260e9fe5e0854), true},
	/* (A) * (B) (512 bits) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 U(0x7c43868b57de252d, 0x96935c4a938286c7, 0x97cfd60e35cf35ea, 0xd00fe5dd4df909d6), true},
	/* (C >> 100) * (D >> 157) (253 bits) */
	{U(0x0000000000000000, 0x00000000032a6a16, 0xa677f6f1bd17c422, 0x098f8d5311627f69),
	 U(0x0000000000000000, 0x0000000000000000, 0x00000006006650d3, 0xa397d048a790f8a0),
	 U(0x12ffc06e0af8844b, 0xe0794b5d09cb17b5, 0x2ba19b302f579dba, 0xa6d9facf730d59a0), false},
	/* (C >> 100) * (D >> 156) (254 bits) */
	{U(0x0000000000000000, 0x00000000032a6a16, 0xa677f6f1bd17c422, 0x098f8d5311627f69),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000c00cca1a7, 0x472fa0914f21f140),
	 U(0x25ff80dc15f10897, 0xc0f296ba13962f6a, 0x574336605eaf3b75, 0x4db3f59ee61ab340), false},
	/* (2**256 - 1) * (2**256 - 1) (512 bits) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001), true},
	/* (2**128) * (2**127) (256 bits) */
	{U(0x0000000000000000, 0x0000000000000001, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x8000000000000000, 0x0000000000000000),
	 U(0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
	/* (2**128) * (2**128) (257 bits) */
	{U(0x0000000000000000, 0x0000000000000001, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000001, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), true},
	/* (A) * (0) (0 bits) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), false},
	/* (A) * (1) (256 bits) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562), false},
	/* (1) * (A) (256 bits) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562), false},
	/* (2**255) * (2) (257 bits) */
	{U(0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000002),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), true},
	/* (A >> 200) * (B >> 60) (252 bits) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x00b9fcf092a45773),
	 U(0x000000000000000d, 0xae2330fc0d484e15, 0x15f05497a014a334, 0x3590b71d06bb90cb),
	 U(0x09f05bb42173ef6e, 0x5e6338a1dc309ac6, 0x86def51140a1032e, 0xafbefa604c830831), false},
};

/* divmod: {a, b, a // b, a % b} */
static const struct div_case div_cases[] = {
	/* (A) / (B >> 100) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x000000000dae2330, 0xfc0d484e1515f054, 0x97a014a3343590b7),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000d986bc2bc, 0xbae19baef342f48b),
	 U(0x0000000000000000, 0x000000000cb23c14, 0x1d69f422cae198fb, 0x1178c971f489d605)},
	/* (A) / (B >> 3) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x1b5c4661f81a909c, 0x2a2be0a92f402946, 0x686b216e3a0d7721, 0x96b291425d42330b),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000006),
	 U(0x15d34a46d3b80fb5, 0x22a3adff0aab9d88, 0x163f0fd7d27191a7, 0xbf609bd3302ea320)},
	/* (A) / (C >> 192): one limb */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x32a6a16a677f6f1b),
	 U(0x0000000000000003, 0xac05868b52368e16, 0x01b76cd637cefc7e, 0x1abf118efc2f0c30),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x1620e4d604acbc52)},
	/* (A) / (B): divisor > dividend */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
	/* (A) / (A): dividend == divisor */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)},
	/* (A) / (A + 1) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd563),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
	/* (A) / (A - 1) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd561),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001)},
	/* (2**256 - 1) / (D >> 17): divisor with high limbs */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x00006006650d3a39, 0x7d048a790f8a070e, 0x5d9244310b100d8a, 0x0a6b0999ecd3a5ff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x000000000002aa7d),
	 U(0x000013ab6b6d6adf, 0xdbe1df7db2ce48b4, 0xa5ea0c94d517a3d7, 0xc2283eeb846e9c7c)},
	/* (D) / ((C >> 1) | 2**254) */
	{U(0xc00cca1a7472fa09, 0x14f21f140e1cbb24, 0x886216201b1414d6, 0x1333d9a74bff52be),
	 U(0x595350b533bfb78d, 0xe8be21104c7c6a98, 0x8b13fb4c9a779f1f, 0x4ce63b804cad1f54),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000002),
	 U(0x0d6628b00cf38aed, 0x4375dcf37523e5f3, 0x723a1f86e624d697, 0x796762a6b2a51416)},
	/* (A >> 64) / (B >> 129) */
	{U(0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71),
	 U(0x0000000000000000, 0x0000000000000000, 0x6d711987e06a4270, 0xa8af82a4bd00a519),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0xb30d7857975c3375),
	 U(0x0000000000000000, 0x0000000000000000, 0x5f14b283edfb50cd, 0xf4f4305f9896ed04)},
	/* (2**256 - 1) / (1) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)},
	/* (A) / (2**64) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x0000000000000000),
	 U(0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x479003615fbbd562)},
	/* (0) / (C) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0x99cc7700995a3ea8),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)},
	/* (2**255) / (2**128 + 1) */
	{U(0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000001, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x8000000000000000, 0x0000000000000001)},
	/* (2**256 - 1) / (2**192 - 1) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff)},
	/* (B) / (2**255 + 1) */
	{U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 U(0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x5ae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985a)},
	/*
	 * The branches of Knuth's Algorithm D (u256.c), found by running a
	 * Python transcription of it over structured random operands and kept
	 * where each branch was taken; a // b and a % b by python3 big integers.
	 */
	/* (2**255 - 2**192 + 2**191) / (2**191 + 1): Knuth's own add-back example
	 * (u = {0, 0, 2^63, 2^63 - 1}, v = {1, 0, 2^63}) on 64-bit limbs: the
	 * estimate is one too large and the divisor is added back (step D6) */
	{U(0x7fffffffffffffff, 0x8000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x8000000000000000, 0x0000000000000000, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xfffffffffffffffe),
	 U(0x0000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff, 0x0000000000000002)},
	/* add back again, with a three-limb divisor normalised by a shift of 0 */
	{U(0x8000000000000000, 0x8000000000000000, 0x0000000000000001, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x8000000000000001, 0x0000000000000001, 0x1b362c3029b99108),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xfffffffffffffffe),
	 U(0x0000000000000000, 0x8000000000000000, 0xe4c9d3cfd6466efc, 0x366c58605373220f)},
	/* (2**192 - 2**128 + 2**64 + 2**63 - 1) / (2**128 - 1): the remainder's top
	 * limb equals the divisor's, so the estimate starts at 2^64 - 1 with a
	 * remainder estimate past 2^64 (no correction test) */
	{U(0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000002, 0x7ffffffffffffffe)},
	/* two-limb / two-limb: the estimate is lowered by the second-limb test (D3) */
	{U(0x0000000000000000, 0x0000000000000000, 0x7c26847f0316909e, 0x0000000000000001),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x43435cc52eae05cf),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x62515acf152e2e89),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x0cc4c9f6b9a1b23a)},
	/* (2**191 + 2**127) / 2**63: a one-limb divisor under a three-limb dividend */
	{U(0x0000000000000000, 0x8000000000000000, 0x8000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x8000000000000000),
	 U(0x0000000000000000, 0x0000000000000001, 0x0000000000000001, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)},
};

/* div_u64: {a, d, a // d, a % d} */
static const struct div_u64_case div_u64_cases[] = {
	/* (A) / (m1) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x0000000000000000, 0xeba4e13a4b8565ba, 0x41db389b419da2ef, 0x19195ec6bb5be731),
	 UINT64_C(0xc236ca3d16388571)},
	/* (B) / (m2) */
	{U(0xdae2330fc0d484e1, 0x515f05497a014a33, 0x43590b71d06bb90c, 0xb5948a12ea11985b),
	 UINT64_C(0x0029c1b289e75221),
	 U(0x000000000000053d, 0xec63b10c50f2c94f, 0xe14e6abee2f9cad8, 0xcf086b453e8c5ea3),
	 UINT64_C(0x0020487843942f58)},
	/* (2**256 - 1) / (2**64 - 1) */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
	 UINT64_C(0xffffffffffffffff),
	 U(0x0000000000000001, 0x0000000000000001, 0x0000000000000001, 0x0000000000000001),
	 UINT64_C(0x0000000000000000)},
	/* (C >> 64) / (3) */
	{U(0x0000000000000000, 0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e),
	 UINT64_C(0x0000000000000003),
	 U(0x0000000000000000, 0x10e235ce227fcfb3, 0xf07ec0b58852f1bb, 0x0762a78866fa6a14),
	 UINT64_C(0x0000000000000002)},
	/* (C) / (10**18) */
	{U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0x99cc7700995a3ea8),
	 UINT64_C(0x0de0b6b3a7640000),
	 U(0x0000000000000003, 0xa6581d68f09001e5, 0x02c0fa0af4d8b7da, 0xf2ca9dd1d00d27ba),
	 UINT64_C(0x0ced99e4beb23ea8)},
	/* (5) / (m1) */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000005),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 UINT64_C(0x0000000000000005)},
	/* (A) / (1) */
	{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 UINT64_C(0x0000000000000001),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 UINT64_C(0x0000000000000000)},
	/* (A >> 70) / (m1): the top limb is below the divisor and carries down */
	{U(0x0000000000000000, 0x02e7f3c24a915dcd, 0x787eabc7d898b254, 0xba230761b4bb0971),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x0000000000000000, 0x0000000000000000, 0x03ae9384e92e1596, 0xe9076ce26d06768b),
	 UINT64_C(0x94b17bd75ff3bea6)},
	/* (A >> 192) / (m1): one limb, below the divisor */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xb9fcf092a457735e),
	 UINT64_C(0xca0df2c95aa144c1),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 UINT64_C(0xb9fcf092a457735e)},
};

/* shifts of A: {n, (A << n) % 2**256, A >> n} */
static const struct shift_case shift_cases[] = {
	{0,
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
	 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
	{1,
	 U(0x73f9e12548aee6bc, 0x3f55e3ec4c592a5d, 0x1183b0da5d84b8e2, 0x8f2006c2bf77aac4),
	 U(0x5cfe7849522bb9af, 0x0fd578fb13164a97, 0x4460ec3697612e38, 0xa3c801b0afddeab1)},
	{63,
	 U(0x0fd578fb13164a97, 0x4460ec3697612e38, 0xa3c801b0afddeab1, 0x0000000000000000),
	 U(0x0000000000000001, 0x73f9e12548aee6bc, 0x3f55e3ec4c592a5d, 0x1183b0da5d84b8e2)},
	{64,
	 U(0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562, 0x0000000000000000),
	 U(0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71)},
	{65,
	 U(0x3f55e3ec4c592a5d, 0x1183b0da5d84b8e2, 0x8f2006c2bf77aac4, 0x0000000000000000),
	 U(0x0000000000000000, 0x5cfe7849522bb9af, 0x0fd578fb13164a97, 0x4460ec3697612e38)},
	{127,
	 U(0x4460ec3697612e38, 0xa3c801b0afddeab1, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000001, 0x73f9e12548aee6bc, 0x3f55e3ec4c592a5d)},
	{128,
	 U(0x88c1d86d2ec25c71, 0x479003615fbbd562, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0xb9fcf092a457735e, 0x1faaf1f6262c952e)},
	{191,
	 U(0xa3c801b0afddeab1, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x73f9e12548aee6bc)},
	{255,
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001)},
	{256,
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)},
	{300,
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000),
	 U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)},
};

/* bits: {a, a.bit_length()} */
static const struct bits_case bits_cases[] = {
	/* 0 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), 0},
	/* 1 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000001), 1},
	/* 2 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000002), 2},
	/* 3 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000003), 2},
	/* 2**63 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0x8000000000000000), 64},
	/* 2**64 - 1 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff), 64},
	/* 2**64 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000001, 0x0000000000000000), 65},
	/* 2**255 */
	{U(0x8000000000000000, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000), 256},
	/* 2**256 - 1 */
	{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff), 256},
	/* A >> 77 */
	{U(0x0000000000000000, 0x0005cfe7849522bb, 0x9af0fd578fb13164, 0xa974460ec3697612), 179},
	/* C >> 190 */
	{U(0x0000000000000000, 0x0000000000000000, 0x0000000000000000, 0xca9a85a99dfdbc6f), 64},
	/* C */
	{U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0x99cc7700995a3ea8), 254},
};

/* ------------------------------------------------------------------ */

static void test_add(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(add_cases); i++) {
		bool carry = !add_cases[i].flag;
		struct hp_u256 r = hp_u256_add(add_cases[i].a, add_cases[i].b, &carry);
		assert_u256(r, add_cases[i].want, "add", i);
		assert_int_equal(carry, add_cases[i].flag);
		/* addition commutes, and the carry pointer may be NULL */
		r = hp_u256_add(add_cases[i].b, add_cases[i].a, NULL);
		assert_u256(r, add_cases[i].want, "add (b + a)", i);
	}
}

static void test_sub(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(sub_cases); i++) {
		bool borrow = !sub_cases[i].flag;
		struct hp_u256 r = hp_u256_sub(sub_cases[i].a, sub_cases[i].b, &borrow);
		assert_u256(r, sub_cases[i].want, "sub", i);
		assert_int_equal(borrow, sub_cases[i].flag);
		/* (a - b) + b == a modulo 2^256, with carry exactly when a borrow happened */
		bool carry = false;
		r = hp_u256_add(r, sub_cases[i].b, &carry);
		assert_u256(r, sub_cases[i].a, "sub then add", i);
		assert_int_equal(carry, sub_cases[i].flag);
		r = hp_u256_sub(sub_cases[i].a, sub_cases[i].b, NULL);
		assert_u256(r, sub_cases[i].want, "sub (NULL borrow)", i);
	}
}

static void test_mul_u64(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(mul_u64_cases); i++) {
		bool overflow = !mul_u64_cases[i].overflow;
		struct hp_u256 r =
			hp_u256_mul_u64(mul_u64_cases[i].a, mul_u64_cases[i].m, &overflow);
		assert_u256(r, mul_u64_cases[i].want, "mul_u64", i);
		assert_int_equal(overflow, mul_u64_cases[i].overflow);
		r = hp_u256_mul_u64(mul_u64_cases[i].a, mul_u64_cases[i].m, NULL);
		assert_u256(r, mul_u64_cases[i].want, "mul_u64 (NULL flag)", i);
		/* the full multiply agrees with the 64-bit one */
		overflow = !mul_u64_cases[i].overflow;
		r = hp_u256_mul(mul_u64_cases[i].a, hp_u256_from_u64(mul_u64_cases[i].m),
				 &overflow);
		assert_u256(r, mul_u64_cases[i].want, "mul by from_u64", i);
		assert_int_equal(overflow, mul_u64_cases[i].overflow);
	}
}

static void test_mul(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(mul_cases); i++) {
		bool overflow = !mul_cases[i].flag;
		struct hp_u256 r = hp_u256_mul(mul_cases[i].a, mul_cases[i].b, &overflow);
		assert_u256(r, mul_cases[i].want, "mul", i);
		assert_int_equal(overflow, mul_cases[i].flag);
		overflow = !mul_cases[i].flag;
		r = hp_u256_mul(mul_cases[i].b, mul_cases[i].a, &overflow);
		assert_u256(r, mul_cases[i].want, "mul (b * a)", i);
		assert_int_equal(overflow, mul_cases[i].flag);
		r = hp_u256_mul(mul_cases[i].a, mul_cases[i].b, NULL);
		assert_u256(r, mul_cases[i].want, "mul (NULL flag)", i);
	}
}

static void test_divmod(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(div_cases); i++) {
		struct hp_u256 q = MAX_VAL, r = MAX_VAL;
		assert_true(hp_u256_divmod(div_cases[i].a, div_cases[i].b, &q, &r));
		assert_u256(q, div_cases[i].q, "divmod q", i);
		assert_u256(r, div_cases[i].r, "divmod r", i);
		/* either output may be NULL */
		q = MAX_VAL;
		assert_true(hp_u256_divmod(div_cases[i].a, div_cases[i].b, &q, NULL));
		assert_u256(q, div_cases[i].q, "divmod q (r NULL)", i);
		r = MAX_VAL;
		assert_true(hp_u256_divmod(div_cases[i].a, div_cases[i].b, NULL, &r));
		assert_u256(r, div_cases[i].r, "divmod r (q NULL)", i);
	}
}

/*
 * Random operands of every combination of limb lengths (1 to 4 significant
 * limbs in the dividend and in the divisor), 2,000 pairs each from a fixed
 * hp_rng stream: each limb is, with probability 1/2, one of the patterns
 * that steer Algorithm D into its rare branches (0, 1, 2^63 - 1, 2^63,
 * 2^63 + 1, 2^64 - 2, 2^64 - 1), else 64 random bits; the top limb is made
 * non-zero. Checked by the identity a = q * b + r (computed with
 * hp_u256_mul and hp_u256_add, neither of which may overflow) and r < b,
 * which pin down the floor quotient and remainder uniquely; so a wrong limb
 * anywhere fails.
 */
static uint64_t random_limb(struct hp_rng *rng)
{
	static const uint64_t patterns[] = {
		0, 1, UINT64_C(0x7fffffffffffffff), UINT64_C(0x8000000000000000),
		UINT64_C(0x8000000000000001), UINT64_C(0xfffffffffffffffe), UINT64_MAX,
	};
	if (hp_rng_u64(rng) & 1)
		return patterns[hp_rng_below(rng, N_OF(patterns))];
	return hp_rng_u64(rng);
}

static struct hp_u256 random_limbs(struct hp_rng *rng, int nlimbs)
{
	struct hp_u256 v = {{0, 0, 0, 0}};
	for (int i = 0; i < nlimbs; i++)
		v.w[i] = random_limb(rng);
	while (v.w[nlimbs - 1] == 0)
		v.w[nlimbs - 1] = random_limb(rng);
	return v;
}

static void test_divmod_identity(void **state)
{
	(void)state;
	struct hp_rng rng;
	size_t checked = 0, nonzero_q = 0;

	hp_rng_init(&rng, 20250611, 0, 0);
	for (int la = 1; la <= 4; la++) {
		for (int lb = 1; lb <= 4; lb++) {
			for (size_t k = 0; k < 2000; k++) {
				struct hp_u256 a = random_limbs(&rng, la), b = random_limbs(&rng, lb);
				struct hp_u256 q, r;
				bool of, carry;
				assert_true(hp_u256_divmod(a, b, &q, &r));
				struct hp_u256 back = hp_u256_add(hp_u256_mul(q, b, &of), r, &carry);
				if (of || carry || hp_u256_cmp(back, a) != 0 || hp_u256_cmp(r, b) >= 0) {
					print_error("la %d lb %d case %zu: q * b + r != a or r >= b\n",
						    la, lb, k);
					assert_u256(back, a, "q * b + r", k);
					fail();
				}
				checked++;
				nonzero_q += !hp_u256_is_zero(q);
			}
		}
	}
	assert_int_equal(checked, 16 * 2000);
	/* the dividend is the longer one in 6 of the 16 combinations, and as
	 * long in 4 more: at least 6 * 2000 quotients are not zero */
	assert_true(nonzero_q >= 6 * 2000);
}

static void test_divmod_by_zero(void **state)
{
	(void)state;
	/* Division by zero: false, and both outputs left at zero. */
	struct hp_u256 q = A_VAL, r = C_VAL;
	assert_false(hp_u256_divmod(A_VAL, ZERO_VAL, &q, &r));
	assert_u256(q, ZERO_VAL, "q after divide by zero", 0);
	assert_u256(r, ZERO_VAL, "r after divide by zero", 0);
	q = MAX_VAL;
	r = MAX_VAL;
	assert_false(hp_u256_divmod(ZERO_VAL, ZERO_VAL, &q, &r));
	assert_u256(q, ZERO_VAL, "q after 0 / 0", 0);
	assert_u256(r, ZERO_VAL, "r after 0 / 0", 0);
	assert_false(hp_u256_divmod(MAX_VAL, ZERO_VAL, NULL, NULL));
}

static void test_div_u64(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(div_u64_cases); i++) {
		uint64_t rem = ~div_u64_cases[i].r;
		struct hp_u256 q = hp_u256_div_u64(div_u64_cases[i].a, div_u64_cases[i].d, &rem);
		assert_u256(q, div_u64_cases[i].q, "div_u64", i);
		assert_true(rem == div_u64_cases[i].r);
		q = hp_u256_div_u64(div_u64_cases[i].a, div_u64_cases[i].d, NULL);
		assert_u256(q, div_u64_cases[i].q, "div_u64 (NULL rem)", i);
		/* the general division agrees */
		struct hp_u256 q2, r2;
		assert_true(hp_u256_divmod(div_u64_cases[i].a, hp_u256_from_u64(div_u64_cases[i].d),
					   &q2, &r2));
		assert_u256(q2, div_u64_cases[i].q, "divmod by from_u64", i);
		assert_u256(r2, hp_u256_from_u64(div_u64_cases[i].r), "divmod rem by from_u64", i);
	}
}

static void test_shifts(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(shift_cases); i++) {
		assert_u256(hp_u256_shl(A_VAL, shift_cases[i].n), shift_cases[i].shl, "shl", i);
		assert_u256(hp_u256_shr(A_VAL, shift_cases[i].n), shift_cases[i].shr, "shr", i);
	}
	/* all ones by 255: only the top or the bottom bit survives */
	assert_u256(hp_u256_shl(MAX_VAL, 255), UV(0x8000000000000000, 0, 0, 0), "shl max 255", 0);
	assert_u256(hp_u256_shr(MAX_VAL, 255), UV(0, 0, 0, 1), "shr max 255", 0);
	assert_u256(hp_u256_shl(MAX_VAL, 256), ZERO_VAL, "shl max 256", 0);
	assert_u256(hp_u256_shr(MAX_VAL, 256), ZERO_VAL, "shr max 256", 0);
	assert_u256(hp_u256_shl(MAX_VAL, UINT32_MAX), ZERO_VAL, "shl max 2^32-1", 0);
	assert_u256(hp_u256_shr(MAX_VAL, UINT32_MAX), ZERO_VAL, "shr max 2^32-1", 0);
	/* 1 << 200 == 2^200 */
	assert_u256(hp_u256_shl(hp_u256_from_u64(1), 200), UV(0x0000000000000100, 0, 0, 0),
		    "1 << 200", 0);
}

static void test_bits_and_basics(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_OF(bits_cases); i++) {
		if (hp_u256_bits(bits_cases[i].a) != bits_cases[i].bits) {
			print_error("bits[%zu] = %u, want %u\n", i, hp_u256_bits(bits_cases[i].a),
				       bits_cases[i].bits);
			fail();
		}
	}

	assert_true(hp_u256_is_zero(ZERO_VAL));
	assert_false(hp_u256_is_zero(UV(0x8000000000000000, 0, 0, 0)));
	assert_false(hp_u256_is_zero(UV(0, 0, 1, 0)));
	assert_u256(hp_u256_from_u64(UINT64_C(0xca0df2c95aa144c1)), UV(0, 0, 0, 0xca0df2c95aa144c1),
		    "from_u64", 0);
	assert_true(hp_u256_low64(A_VAL) == UINT64_C(0x479003615fbbd562));

	/* cmp decides on the most significant differing limb */
	assert_int_equal(hp_u256_cmp(A_VAL, A_VAL), 0);
	assert_int_equal(hp_u256_cmp(A_VAL, C_VAL), 1);
	assert_int_equal(hp_u256_cmp(C_VAL, A_VAL), -1);
	assert_int_equal(hp_u256_cmp(UV(1, 0, 0, 0), UV(0, 0xffffffffffffffff, 0xffffffffffffffff,
							 0xffffffffffffffff)),
			 1);
	assert_int_equal(hp_u256_cmp(UV(5, 6, 7, 8), UV(5, 6, 7, 9)), -1);
	assert_int_equal(hp_u256_cmp(ZERO_VAL, MAX_VAL), -1);

	/* ~A == (2**256 - 1) - A */
	struct hp_u256 not_a =
		U(0x46030f6d5ba88ca1, 0xe0550e09d9d36ad1, 0x773e2792d13da38e, 0xb86ffc9ea0442a9d);
	assert_u256(hp_u256_not(A_VAL), not_a, "not A", 0);
	assert_u256(hp_u256_not(ZERO_VAL), MAX_VAL, "not 0", 0);
}

/* ------------------------------------------------------------------ */

static void test_to_double(void **state)
{
	(void)state;
	/* Exact below 2^53. */
	assert_true(hp_u256_to_double(hp_u256_from_u64(UINT64_C(9007199254740991))) ==
		    9007199254740991.0);
	assert_true(hp_u256_to_double(ZERO_VAL) == 0.0);
	/* 2^53 + 1 is halfway between 2^53 and 2^53 + 2: ties to even -> 2^53
	 * (python3: float(2**53 + 1) == 9007199254740992.0). */
	assert_true(hp_u256_to_double(hp_u256_from_u64(UINT64_C(9007199254740993))) ==
		    9007199254740992.0);
	/* 2^53 + 3 is halfway between 2^53 + 2 (odd mantissa) and 2^53 + 4 -> 2^53 + 4. */
	assert_true(hp_u256_to_double(hp_u256_from_u64(UINT64_C(9007199254740995))) ==
		    9007199254740996.0);
	/* 2^64 + 2^11: a tie at ulp 2^12 -> 2^64; one more -> 2^64 + 2^12
	 * (float(2**64 + 2**11 + 1).hex() == '0x1.0000000000001p+64'). */
	assert_true(hp_u256_to_double(UV(0, 0, 1, 0x800)) == 0x1p64);
	assert_true(hp_u256_to_double(UV(0, 0, 1, 0x801)) == 0x1.0000000000001p64);
	/* 2^128 + 2^75 is a tie (ulp 2^76) -> 2^128; the sticky 1 in the lowest
	 * limb breaks it upwards: float(2**128 + 2**75 + 1).hex() == '0x1.0000000000001p+128'. */
	assert_true(hp_u256_to_double(UV(0, 1, 0x0000000000000800, 0)) == 0x1p128);
	assert_true(hp_u256_to_double(UV(0, 1, 0x0000000000000800, 1)) == 0x1.0000000000001p128);
	/* 2^200 + 3 * 2^147: tie between odd ...1p200 and even ...2p200 -> ...2p200. */
	assert_true(hp_u256_to_double(UV(0x100, 0x180000, 0, 0)) == 0x1.0000000000002p200);
	assert_true(hp_u256_to_double(UV(0x100, 0x080000, 0, 0)) == 0x1p200);
	assert_true(hp_u256_to_double(UV(0x100, 0x080000, 0, 1)) == 0x1.0000000000001p200);
	/* 2^255 exactly; 2^256 - 1 rounds up to 2^256. */
	assert_true(hp_u256_to_double(UV(0x8000000000000000, 0, 0, 0)) == 0x1p255);
	assert_true(hp_u256_to_double(MAX_VAL) == 0x1p256);
	/* float(A).hex() == '0x1.73f9e12548aeep+255' */
	assert_true(hp_u256_to_double(A_VAL) == 0x1.73f9e12548aeep255);
	/* float(C >> 150).hex() == '0x1.95350b533bfb8p+103' */
	assert_true(hp_u256_to_double(hp_u256_shr(C_VAL, 150)) == 0x1.95350b533bfb8p103);
}

static void test_le_bytes(void **state)
{
	(void)state;
	uint8_t bytes[32], back[32];
	for (int i = 0; i < 32; i++)
		bytes[i] = (uint8_t)i;
	/* bytes 00 01 .. 1f little-endian == 0x1f1e1d...0100 */
	struct hp_u256 v = hp_u256_from_le_bytes(bytes);
	assert_u256(v, UV(0x1f1e1d1c1b1a1918, 0x1716151413121110, 0x0f0e0d0c0b0a0908,
			  0x0706050403020100),
		    "from_le_bytes 0..31", 0);
	hp_u256_to_le_bytes(v, back);
	assert_memory_equal(back, bytes, 32);

	/* A.to_bytes(32, "little") starts 62 d5 bb 5f and ends 92 f0 fc b9 */
	hp_u256_to_le_bytes(A_VAL, back);
	assert_int_equal(back[0], 0x62);
	assert_int_equal(back[1], 0xd5);
	assert_int_equal(back[8], 0x71);
	assert_int_equal(back[30], 0xfc);
	assert_int_equal(back[31], 0xb9);
	assert_u256(hp_u256_from_le_bytes(back), A_VAL, "le round trip A", 0);
}

/* ------------------------------------------------------------------ */

static void test_hex_format(void **state)
{
	(void)state;
	char buf[HP_U256_HEX_LEN];
	memset(buf, 'x', sizeof buf);
	assert_string_equal(hp_u256_to_hex(A_VAL, buf),
			    "b9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd562");
	assert_string_equal(hp_u256_to_hex(ZERO_VAL, buf),
			    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_string_equal(hp_u256_to_hex(hp_u256_from_u64(0xabc), buf),
			    "0000000000000000000000000000000000000000000000000000000000000abc");
	assert_string_equal(hp_u256_to_hex(MAX_VAL, buf),
			    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
	assert_string_equal(hp_u256_to_hex_min(A_VAL, buf),
			    "b9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd562");
	assert_string_equal(hp_u256_to_hex_min(ZERO_VAL, buf), "0");
	assert_string_equal(hp_u256_to_hex_min(hp_u256_from_u64(0xabc), buf), "abc");
	/* hex(C >> 150) == '0xca9a85a99dfdbc6f45f1088263' */
	assert_string_equal(hp_u256_to_hex_min(hp_u256_shr(C_VAL, 150), buf),
			    "ca9a85a99dfdbc6f45f1088263");
	/* hex(2**64) == '0x10000000000000000': inner zero limbs keep their digits */
	assert_string_equal(hp_u256_to_hex_min(UV(0, 0, 1, 0), buf), "10000000000000000");
	/* hex(2**196) == '0x1' + '0' * 49 */
	assert_string_equal(hp_u256_to_hex_min(UV(0x10, 0, 0, 0), buf),
			    "1" "0000000000000000000000000000000000000000000000000");
}

static void test_hex_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		struct hp_u256 want;
	} ok[] = {
		{"b9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd562",
		 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
		{"0xb9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd562",
		 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
		{"B9FCF092A457735E1FAAF1F6262C952E88C1D86D2EC25C71479003615FBBD562",
		 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
		{"0xB9fcF092a457735e1FAAf1f6262c952e88c1d86d2ec25c71479003615fbbD562",
		 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
		{"0", U(0, 0, 0, 0)},
		{"0x0", U(0, 0, 0, 0)},
		{"1", U(0, 0, 0, 1)},
		{"ca9a85a99dfdbc6f45f1088263", U(0, 0, 0xca9a85a99d, 0xfdbc6f45f1088263)},
		{"0xABC", U(0, 0, 0, 0xabc)},
		{"10000000000000000", U(0, 0, 1, 0)},
		{"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		 U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)},
		/* leading zeros are not significant digits: 66 digits, 64 significant */
		{"00b9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd562",
		 U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562)},
	};
	for (size_t i = 0; i < N_OF(ok); i++) {
		struct hp_u256 v = MAX_VAL;
		struct hp_error err;
		hp_error_clear(&err);
		enum hp_status st = hp_u256_from_hex(ok[i].s, &v, "target", &err);
		if (st != HP_OK) {
			print_error("from_hex(\"%s\") = %s: %s\n", ok[i].s, hp_status_name(st),
				       err.message);
			fail();
		}
		assert_u256(v, ok[i].want, "from_hex", i);
		/* and with a NULL error record */
		assert_int_equal(hp_u256_from_hex(ok[i].s, &v, "target", NULL), HP_OK);
	}

	/* round trip: minimal and full forms parse back to the value */
	char buf[HP_U256_HEX_LEN];
	struct hp_u256 v;
	assert_int_equal(hp_u256_from_hex(hp_u256_to_hex(C_VAL, buf), &v, "x", NULL), HP_OK);
	assert_u256(v, C_VAL, "hex round trip C", 0);
	assert_int_equal(hp_u256_from_hex(hp_u256_to_hex_min(hp_u256_shr(C_VAL, 77), buf), &v, "x",
					  NULL),
			 HP_OK);
	assert_u256(v, hp_u256_shr(C_VAL, 77), "hex_min round trip C >> 77", 0);
}

static void test_hex_parse_errors(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"0x",
		"12g4",
		"xyz",
		"0x12 ",
		" 12",
		"-1",
		"1.5",
		"0x0x12",
		/* 65 significant digits: 0x1 followed by 64 zeros, i.e. 2**256 */
		"10000000000000000000000000000000000000000000000000000000000000000",
		"0xb9fcf092a457735e1faaf1f6262c952e88c1d86d2ec25c71479003615fbbd5621",
	};
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct hp_u256 v = A_VAL;
		struct hp_error err;
		hp_error_clear(&err);
		enum hp_status st = hp_u256_from_hex(bad[i], &v, "blocks[7].target", &err);
		if (st != HP_EPARSE) {
			print_error("from_hex(\"%s\") = %s, want EPARSE\n", bad[i],
				       hp_status_name(st));
			fail();
		}
		assert_int_equal(err.status, HP_EPARSE);
		assert_string_equal(err.field, "blocks[7].target");
		/* git grammar: the field first, then ": " */
		if (strncmp(err.message, "blocks[7].target: ", 18) != 0) {
			print_error("from_hex(\"%s\"): message \"%s\" lacks the field\n", bad[i],
				    err.message);
			fail();
		}
		/* a NULL error record is allowed */
		assert_int_equal(hp_u256_from_hex(bad[i], &v, "blocks[7].target", NULL), HP_EPARSE);
	}
}

/* ------------------------------------------------------------------ */

static void test_dec(void **state)
{
	(void)state;
	char buf[HP_U256_DEC_LEN];
	static const struct {
		struct hp_u256 v;
		const char *dec;
	} cases[] = {
		{U(0, 0, 0, 0), "0"},
		{U(0, 0, 0, 7), "7"},
		{U(0, 0, 0, 0xffffffffffffffff), "18446744073709551615"},
		{U(0, 0, 1, 0), "18446744073709551616"},
		/* str(A) */
		{U(0xb9fcf092a457735e, 0x1faaf1f6262c952e, 0x88c1d86d2ec25c71, 0x479003615fbbd562),
		 "84124782820811068785886613810211628183900000609846681104777232711969536726370"},
		/* str(C) */
		{U(0x32a6a16a677f6f1b, 0xd17c422098f8d531, 0x1627f69934ef3e3e, 0x99cc7700995a3ea8),
		 "22910053091732300572412195420385325677842505107611134535610931569905666506408"},
		/* str(C >> 150) */
		{U(0, 0, 0xca9a85a99d, 0xfdbc6f45f1088263), "16051911107522250115635575554659"},
		/* str(2**256 - 1), 78 digits */
		{U(0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff),
		 "115792089237316195423570985008687907853269984665640564039457584007913129639935"},
	};
	for (size_t i = 0; i < N_OF(cases); i++) {
		assert_string_equal(hp_u256_to_dec(cases[i].v, buf), cases[i].dec);
		struct hp_u256 v = A_VAL;
		struct hp_error err;
		hp_error_clear(&err);
		enum hp_status st = hp_u256_from_dec(cases[i].dec, &v, "work", &err);
		if (st != HP_OK) {
			print_error("from_dec(\"%s\") = %s: %s\n", cases[i].dec, hp_status_name(st),
				       err.message);
			fail();
		}
		assert_u256(v, cases[i].v, "from_dec", i);
	}
	/* leading zeros are digits too */
	struct hp_u256 v;
	assert_int_equal(hp_u256_from_dec("000123", &v, "work", NULL), HP_OK);
	assert_u256(v, hp_u256_from_u64(123), "from_dec 000123", 0);
}

static void test_dec_errors(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum hp_status want;
	} bad[] = {
		/* 2**256: the last digit's addition overflows */
		{"115792089237316195423570985008687907853269984665640564039457584007913129639936",
		 HP_ERANGE},
		/* (2**256 - 1) * 10: the multiplication by ten overflows */
		{"1157920892373161954235709850086879078532699846656405640394575840079131296399350",
		 HP_ERANGE},
		/* 10**78 > 2**256 - 1 (about 1.158e77) */
		{"1000000000000000000000000000000000000000000000000000000000000000000000000000000",
		 HP_ERANGE},
		/* 10**97 */
		{"1000000000000000000000000000000000000000000000000000000000000000000000000000000"
		 "0000000000000000000",
		 HP_ERANGE},
		{"", HP_EPARSE},
		{"12a", HP_EPARSE},
		{"-1", HP_EPARSE},
		{"+1", HP_EPARSE},
		{" 1", HP_EPARSE},
		{"1 ", HP_EPARSE},
		{"0x10", HP_EPARSE},
		{"1.0", HP_EPARSE},
	};
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct hp_u256 v;
		struct hp_error err;
		hp_error_clear(&err);
		enum hp_status st = hp_u256_from_dec(bad[i].s, &v, "--work", &err);
		if (st != bad[i].want) {
			print_error("from_dec(\"%s\") = %s, want %s\n", bad[i].s,
				    hp_status_name(st), hp_status_name(bad[i].want));
			fail();
		}
		assert_int_equal(err.status, bad[i].want);
		assert_string_equal(err.field, "--work");
		if (strncmp(err.message, "--work: ", 8) != 0) {
			print_error("from_dec(\"%s\"): message \"%s\" lacks the field\n", bad[i].s,
				    err.message);
			fail();
		}
		assert_int_equal(hp_u256_from_dec(bad[i].s, &v, "--work", NULL), bad[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_sub),
		cmocka_unit_test(test_mul_u64),
		cmocka_unit_test(test_mul),
		cmocka_unit_test(test_divmod),
		cmocka_unit_test(test_divmod_identity),
		cmocka_unit_test(test_divmod_by_zero),
		cmocka_unit_test(test_div_u64),
		cmocka_unit_test(test_shifts),
		cmocka_unit_test(test_bits_and_basics),
		cmocka_unit_test(test_to_double),
		cmocka_unit_test(test_le_bytes),
		cmocka_unit_test(test_hex_format),
		cmocka_unit_test(test_hex_parse),
		cmocka_unit_test(test_hex_parse_errors),
		cmocka_unit_test(test_dec),
		cmocka_unit_test(test_dec_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
