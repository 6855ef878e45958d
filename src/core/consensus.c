/*
 * consensus.c - Bitcoin's consensus arithmetic, as Bitcoin Core computes it.
 *
 * Every rule here follows Core's source (src/pow.cpp, src/validation.cpp,
 * src/arith_uint256.cpp, src/rpc/blockchain.cpp) and is checked against
 * Core's own test vectors (tests/data/bitcoin-core-consensus.json). The
 * equations are written out in docs/model.md, section "Consensus".
 */
#include <math.h>
#include <string.h>

#include <openssl/evp.h>

#include "hashpivot/consensus.h"

/* ------------------------------------------------------------------ */
/* chain parameters                                                    */
/* ------------------------------------------------------------------ */

/* 2^224 - 1 (mainnet, testnet) and 2^255 - 1 (regtest), limbs low first. */
#define LIMIT_224 {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_C(0x00000000ffffffff)}}
#define LIMIT_255 {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_C(0x7fffffffffffffff)}}

static const struct hp_chain_params chain_params[] = {
	[HP_NET_MAIN] = {"main", 14 * 24 * 60 * 60, 10 * 60, 210000, 0x1d00ffff, LIMIT_224,
			 false, false},
	[HP_NET_TEST] = {"test", 14 * 24 * 60 * 60, 10 * 60, 210000, 0x1d00ffff, LIMIT_224,
			 true, false},
	[HP_NET_REGTEST] = {"regtest", 14 * 24 * 60 * 60, 10 * 60, 150, 0x207fffff, LIMIT_255,
			    true, true},
};

const struct hp_chain_params *hp_consensus_params(enum hp_network net)
{
	if ((unsigned)net > HP_NET_REGTEST)
		return NULL;
	return &chain_params[net];
}

enum hp_status hp_consensus_network_parse(const char *name, enum hp_network *out,
					  const char *field, struct hp_error *err)
{
	static const struct {
		const char *name;
		enum hp_network net;
	} names[] = {
		{"main", HP_NET_MAIN},	 {"mainnet", HP_NET_MAIN},   {"test", HP_NET_TEST},
		{"testnet", HP_NET_TEST}, {"testnet3", HP_NET_TEST}, {"regtest", HP_NET_REGTEST},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].net;
			return HP_OK;
		}
	}
	return hp_error_set(err, HP_EINVAL, field, "must be main, test or regtest, got '%.40s'",
			    name);
}

int64_t hp_consensus_interval(const struct hp_chain_params *p)
{
	return p->pow_target_timespan_s / p->pow_target_spacing_s;
}

/* ------------------------------------------------------------------ */
/* subsidy and supply                                                  */
/* ------------------------------------------------------------------ */

/*
 * Method: GetBlockSubsidy - 50 BTC shifted right once per halving epoch.
 * Special cases: 64 or more halvings give 0 (a shift by >= 64 is undefined
 * in C++ and C alike, so Core stops there); negative heights give 0.
 * Accuracy: exact. Source: Core src/validation.cpp; docs/model.md "Subsidy".
 */
int64_t hp_consensus_subsidy_sats(const struct hp_chain_params *p, int64_t height)
{
	if (height < 0)
		return 0;
	int64_t halvings = height / p->subsidy_halving_interval;
	if (halvings >= 64)
		return 0;
	return (50 * HP_COIN_SATS) >> halvings;
}

/*
 * Method: whole halving epochs contribute interval * subsidy each; the
 * epoch holding `height` contributes (height - its start + 1) * subsidy.
 * Accuracy: exact; never overflows (the total is about 2.1e15).
 */
int64_t hp_consensus_issued_sats(const struct hp_chain_params *p, int64_t height)
{
	int64_t total = 0, interval = p->subsidy_halving_interval;

	if (height < 0)
		return 0;
	for (int64_t e = 0; e < 64; e++) {
		int64_t start = e * interval;
		int64_t subsidy = (50 * HP_COIN_SATS) >> e;
		if (height < start || subsidy == 0)
			break;
		int64_t blocks = height - start + 1;
		if (blocks > interval)
			blocks = interval;
		total += blocks * subsidy;
	}
	return total;
}

int64_t hp_consensus_total_sats(const struct hp_chain_params *p)
{
	return hp_consensus_issued_sats(p, 64 * p->subsidy_halving_interval);
}

int64_t hp_consensus_halving_epoch(const struct hp_chain_params *p, int64_t height)
{
	return height < 0 ? 0 : height / p->subsidy_halving_interval;
}

int64_t hp_consensus_next_halving_height(const struct hp_chain_params *p, int64_t height)
{
	return (hp_consensus_halving_epoch(p, height) + 1) * p->subsidy_halving_interval;
}

/* ------------------------------------------------------------------ */
/* compact targets, difficulty, work                                   */
/* ------------------------------------------------------------------ */

/*
 * Method: arith_uint256::SetCompact. The top byte is a size in bytes, the
 * low 23 bits the mantissa, bit 23 a sign. value = mantissa * 256^(size-3).
 * Special cases: sizes <= 3 shift the mantissa right instead; shifts past
 * 256 bits leave zero (Core's <<= does the same); the negative and overflow
 * flags are only set for a non-zero mantissa. Accuracy: exact.
 */
struct hp_u256 hp_consensus_compact_decode(uint32_t bits, bool *negative, bool *overflow)
{
	unsigned size = bits >> 24;
	uint32_t word = bits & 0x007fffff;
	struct hp_u256 v;

	if (size <= 3) {
		word >>= 8 * (3 - size);
		v = hp_u256_from_u64(word);
	} else {
		v = hp_u256_shl(hp_u256_from_u64(word), 8 * (size - 3));
	}
	if (negative)
		*negative = word != 0 && (bits & 0x00800000) != 0;
	if (overflow)
		*overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) ||
					  (word > 0xffff && size > 32));
	return v;
}

/*
 * Method: arith_uint256::GetCompact. size = bytes needed; the mantissa is
 * the top three bytes; if its top bit is set (it would read as a sign),
 * shift one more byte. Accuracy: exact, but lossy - only 3 bytes survive.
 */
uint32_t hp_consensus_compact_encode(struct hp_u256 target, bool negative)
{
	unsigned size = (hp_u256_bits(target) + 7) / 8;
	uint32_t compact;

	if (size <= 3)
		compact = (uint32_t)(hp_u256_low64(target) << 8 * (3 - size));
	else
		compact = (uint32_t)hp_u256_low64(hp_u256_shr(target, 8 * (size - 3)));
	if (compact & 0x00800000) {
		compact >>= 8;
		size++;
	}
	compact |= (uint32_t)size << 24;
	if (negative && (compact & 0x007fffff))
		compact |= 0x00800000;
	return compact;
}

/*
 * Method: GetDifficulty (Core src/rpc/blockchain.cpp): 0xffff / mantissa,
 * then scaled by 256 per byte of size away from 29 (the size of the
 * difficulty-1 target 0x1d00ffff). Special cases: mantissa 0 has no
 * difficulty (Core would print inf). The sign bit is not masked, as in Core.
 * Accuracy: double rounding, identical to Core's.
 */
bool hp_consensus_difficulty(uint32_t bits, double *difficulty)
{
	int shift = (int)((bits >> 24) & 0xff);
	uint32_t mantissa = bits & 0x00ffffff;

	if (mantissa == 0)
		return false;
	double d = (double)0x0000ffff / (double)mantissa;
	while (shift < 29) {
		d *= 256.0;
		shift++;
	}
	while (shift > 29) {
		d /= 256.0;
		shift--;
	}
	*difficulty = d;
	return true;
}

/* floor(num / d) for a little-endian multi-limb num; returns the remainder. */
static uint64_t limbs_div_u64(uint64_t *num, size_t n, uint64_t d)
{
	unsigned __int128 r = 0;

	for (size_t i = n; i-- > 0;) {
		r = (r << 64) | num[i];
		num[i] = (uint64_t)(r / d);
		r %= d;
	}
	return (uint64_t)r;
}

/*
 * Method: difficulty = m * 2^e exactly (m a 53-bit integer, from frexp), so
 * target = floor(0xffff * 2^(208 - e) / m), computed in up to 1024-bit
 * integers. Special cases: non-finite or non-positive difficulty, a target
 * of 0 (difficulty above 0xffff * 2^208) or one past 2^256 - 1 are
 * HP_ERANGE. Accuracy: exact for the double given.
 */
enum hp_status hp_consensus_target_from_difficulty(double difficulty, struct hp_u256 *target,
						   const char *field, struct hp_error *err)
{
	uint64_t num[16] = {0};
	int exp2;

	if (!isfinite(difficulty) || difficulty <= 0)
		return hp_error_set(err, HP_ERANGE, field, "must be a finite number > 0, got %g",
				    difficulty);
	double frac = frexp(difficulty, &exp2);
	uint64_t m = (uint64_t)ldexp(frac, 53);
	int e = exp2 - 53;
	while ((m & 1) == 0) {
		m >>= 1;
		e++;
	}
	int s = 208 - e;
	if (s < 0)
		return hp_error_set(err, HP_ERANGE, field,
				    "too large: the target would be 0, got %g", difficulty);
	if (s + 16 > 16 * 64 - 1)
		return hp_error_set(err, HP_ERANGE, field,
				    "too small: the target would exceed 2^256, got %g", difficulty);
	/* num = 0xffff << s */
	num[s / 64] = UINT64_C(0xffff) << (s % 64);
	if (s % 64 > 48)
		num[s / 64 + 1] = UINT64_C(0xffff) >> (64 - s % 64);
	limbs_div_u64(num, 16, m);
	for (int i = 4; i < 16; i++) {
		if (num[i])
			return hp_error_set(err, HP_ERANGE, field,
					    "too small: the target would exceed 2^256, got %g",
					    difficulty);
	}
	struct hp_u256 t = {{num[0], num[1], num[2], num[3]}};
	if (hp_u256_is_zero(t))
		return hp_error_set(err, HP_ERANGE, field,
				    "too large: the target would be 0, got %g", difficulty);
	*target = t;
	return HP_OK;
}

/*
 * Method: c = GetCompact(floor target); its neighbour c' is the compact of
 * the target one mantissa unit (256^(size-3)) higher, i.e. one step easier.
 * Keep whichever GetDifficulty puts closer to the request (c on a tie).
 * Accuracy: the result's difficulty is within half a mantissa step.
 */
enum hp_status hp_consensus_bits_from_difficulty(double difficulty, uint32_t *bits,
						 const char *field, struct hp_error *err)
{
	struct hp_u256 target;
	enum hp_status st = hp_consensus_target_from_difficulty(difficulty, &target, field, err);

	if (st != HP_OK)
		return st;
	uint32_t c = hp_consensus_compact_encode(target, false);
	unsigned size = c >> 24;
	struct hp_u256 unit = hp_u256_from_u64(1);
	if (size > 3)
		unit = hp_u256_shl(unit, 8 * (size - 3));
	bool carry;
	struct hp_u256 up = hp_u256_add(hp_consensus_compact_decode(c, NULL, NULL), unit, &carry);
	uint32_t c2 = carry ? c : hp_consensus_compact_encode(up, false);
	double d1, d2;
	if (c2 != c && hp_consensus_difficulty(c, &d1) && hp_consensus_difficulty(c2, &d2) &&
	    fabs(d2 - difficulty) < fabs(d1 - difficulty))
		c = c2;
	*bits = c;
	return HP_OK;
}

/*
 * Method: GetBlockProof. 2^256 / (target + 1) cannot be formed in 256 bits,
 * but it equals (~target / (target + 1)) + 1 because 2^256 = ~target +
 * (target + 1). Special cases: target 0 gives 0; 2^256 - 1 gives 1.
 * Accuracy: exact (floor). Source: Core src/chain.cpp.
 */
struct hp_u256 hp_consensus_work_from_target(struct hp_u256 target)
{
	struct hp_u256 q, one = hp_u256_from_u64(1);
	bool carry;

	if (hp_u256_is_zero(target))
		return target;
	struct hp_u256 t1 = hp_u256_add(target, one, &carry);
	if (carry)
		return one;
	hp_u256_divmod(hp_u256_not(target), t1, &q, NULL);
	return hp_u256_add(q, one, NULL);
}

struct hp_u256 hp_consensus_block_work(uint32_t bits)
{
	bool negative, overflow;
	struct hp_u256 target = hp_consensus_compact_decode(bits, &negative, &overflow);

	if (negative || overflow || hp_u256_is_zero(target))
		return hp_u256_from_u64(0);
	return hp_consensus_work_from_target(target);
}

/* ------------------------------------------------------------------ */
/* the retarget                                                        */
/* ------------------------------------------------------------------ */

/*
 * Method: CalculateNextWorkRequired. timespan = last_time - first_time over
 * the period's 2015 intervals, clamped to [T/4, 4T]; new target = old
 * target * timespan / T in 256-bit integers (multiply first, then divide,
 * truncating), capped at the proof-of-work limit, then GetCompact.
 * Special cases: networks without retargeting keep the old bits.
 * Accuracy: exact; bit-identical to Core. Source: Core src/pow.cpp.
 */
void hp_consensus_retarget(const struct hp_chain_params *p, uint32_t last_bits,
			   int64_t first_time, int64_t last_time, struct hp_retarget *out)
{
	int64_t t = p->pow_target_timespan_s;
	int64_t span = last_time - first_time;
	int64_t used = span;

	memset(out, 0, sizeof(*out));
	out->timespan_s = span;
	if (p->pow_no_retargeting) {
		out->bits = last_bits;
		out->used_timespan_s = span;
		return;
	}
	if (used < t / 4)
		used = t / 4;
	if (used > t * 4)
		used = t * 4;
	out->used_timespan_s = used;
	out->clamped = used != span;

	struct hp_u256 target = hp_consensus_compact_decode(last_bits, NULL, NULL);
	target = hp_u256_mul_u64(target, (uint64_t)used, NULL);
	target = hp_u256_div_u64(target, (uint64_t)t, NULL);
	if (hp_u256_cmp(target, p->pow_limit) > 0) {
		target = p->pow_limit;
		out->capped = true;
	}
	out->bits = hp_consensus_compact_encode(target, false);
}

/* The bits a retarget gives for `timespan` after old_bits, as Core's check rounds it. */
static struct hp_u256 bound_target(const struct hp_chain_params *p, uint32_t old_bits,
				   int64_t timespan)
{
	struct hp_u256 t = hp_consensus_compact_decode(old_bits, NULL, NULL);

	t = hp_u256_mul_u64(t, (uint64_t)timespan, NULL);
	t = hp_u256_div_u64(t, (uint64_t)p->pow_target_timespan_s, NULL);
	if (hp_u256_cmp(t, p->pow_limit) > 0)
		t = p->pow_limit;
	return hp_consensus_compact_decode(hp_consensus_compact_encode(t, false), NULL, NULL);
}

/*
 * Method: PermittedDifficultyTransition (Core src/pow.cpp). At a retarget
 * height the observed target must lie between the targets the extreme
 * timespans T/4 and 4T would give, each rounded through GetCompact;
 * elsewhere the bits must not change. Special cases: networks with
 * minimum-difficulty blocks accept anything. Accuracy: exact.
 */
bool hp_consensus_permitted_transition(const struct hp_chain_params *p, int64_t height,
				       uint32_t old_bits, uint32_t new_bits)
{
	if (p->pow_allow_min_difficulty_blocks)
		return true;
	if (height % hp_consensus_interval(p) != 0)
		return old_bits == new_bits;

	struct hp_u256 observed = hp_consensus_compact_decode(new_bits, NULL, NULL);
	struct hp_u256 largest = bound_target(p, old_bits, p->pow_target_timespan_s * 4);
	struct hp_u256 smallest = bound_target(p, old_bits, p->pow_target_timespan_s / 4);
	return hp_u256_cmp(largest, observed) >= 0 && hp_u256_cmp(smallest, observed) <= 0;
}

/* ------------------------------------------------------------------ */
/* headers and proof of work                                           */
/* ------------------------------------------------------------------ */

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void hp_consensus_header_decode(const uint8_t raw[HP_HEADER_SIZE], struct hp_header *out)
{
	out->version = (int32_t)get_le32(raw);
	memcpy(out->prev_hash, raw + 4, 32);
	memcpy(out->merkle_root, raw + 36, 32);
	out->time = get_le32(raw + 68);
	out->bits = get_le32(raw + 72);
	out->nonce = get_le32(raw + 76);
}

void hp_consensus_header_encode(const struct hp_header *h, uint8_t raw[HP_HEADER_SIZE])
{
	put_le32(raw, (uint32_t)h->version);
	memcpy(raw + 4, h->prev_hash, 32);
	memcpy(raw + 36, h->merkle_root, 32);
	put_le32(raw + 68, h->time);
	put_le32(raw + 72, h->bits);
	put_le32(raw + 76, h->nonce);
}

enum hp_status hp_consensus_header_hash(const uint8_t raw[HP_HEADER_SIZE], uint8_t hash[32],
					struct hp_error *err)
{
	uint8_t first[32];

	if (!EVP_Digest(raw, HP_HEADER_SIZE, first, NULL, EVP_sha256(), NULL) ||
	    !EVP_Digest(first, sizeof(first), hash, NULL, EVP_sha256(), NULL))
		return hp_error_set(err, HP_EINTERNAL, NULL, "libcrypto: SHA-256 failed");
	return HP_OK;
}

/*
 * Method: CheckProofOfWork (Core src/pow.cpp): the bits must decode to a
 * positive, non-overflowing target no easier than the limit, and the hash,
 * read as a little-endian 256-bit number, must not exceed it. Accuracy: exact.
 */
bool hp_consensus_check_pow(const struct hp_chain_params *p, const uint8_t hash[32], uint32_t bits)
{
	bool negative, overflow;
	struct hp_u256 target = hp_consensus_compact_decode(bits, &negative, &overflow);

	if (negative || overflow || hp_u256_is_zero(target) ||
	    hp_u256_cmp(target, p->pow_limit) > 0)
		return false;
	return hp_u256_cmp(hp_u256_from_le_bytes(hash), target) <= 0;
}

/* ------------------------------------------------------------------ */
/* the next-retarget estimate                                          */
/* ------------------------------------------------------------------ */

#define EST_INTERVAL 2016
#define EST_SPACING 600.0
#define EST_WINDOW_BLOCKS 504 /* a quarter epoch */

/*
 * Method: mempool.space's calcDifficultyAdjustment (backend/src/api/
 * difficulty-adjustment.ts). With b = height % 2016 blocks in the epoch:
 * change = (600 / (span / (b + 1)) - 1) * 100, span = now - epoch start (the
 * last block's time once the epoch is complete). Early in the epoch
 * (b < 503) with the time of the block 504 back known, the previous
 * epoch's tail is added, scaled by the previous change:
 * span' = (now - start) + (start - window) * (1 + previous/100), change =
 * (600 / (span' / 504) - 1) * 100, projected interval span' / 503. The
 * change is clamped to [-75, 300] as the protocol's factor of 4 is.
 * Special cases: an empty span (blocks at the same second) is the +300%
 * clamp. Accuracy: double arithmetic in mempool's order of operations, so
 * its published vectors are reproduced to the last bit.
 */
enum hp_status hp_consensus_estimate(const struct hp_estimate_input *in, struct hp_estimate *out,
				     struct hp_error *err)
{
	if (in->height < 0)
		return hp_error_set(err, HP_EINVAL, "--height", "must be >= 0, got %lld",
				    (long long)in->height);
	if (in->now < in->epoch_start_time)
		return hp_error_set(err, HP_EINVAL, "--now",
				    "must not be before --epoch-start-time (%lld), got %lld",
				    (long long)in->epoch_start_time, (long long)in->now);
	if (!isfinite(in->previous_change_pct) || in->previous_change_pct <= -100)
		return hp_error_set(err, HP_EINVAL, "--previous-change",
				    "must be a finite percentage > -100, got %g",
				    in->previous_change_pct);

	int64_t b = in->height % EST_INTERVAL;
	/* Fewer than 503 blocks in, the block 504 back lies in the previous epoch. */
	if (in->has_window_start_time && b < EST_WINDOW_BLOCKS - 1 &&
	    in->window_start_time > in->epoch_start_time)
		return hp_error_set(err, HP_EINVAL, "--window-start-time",
				    "must not be after --epoch-start-time (%lld) when fewer than "
				    "503 blocks of the epoch are in, got %lld",
				    (long long)in->epoch_start_time,
				    (long long)in->window_start_time);
	if (b == EST_INTERVAL - 1) {
		if (!in->has_last_block_time)
			return hp_error_set(err, HP_EINVAL, "--last-block-time",
					    "required when the epoch is complete (height %% 2016 == 2015)");
		if (in->last_block_time < in->epoch_start_time)
			return hp_error_set(err, HP_EINVAL, "--last-block-time",
					    "must not be before --epoch-start-time (%lld), got %lld",
					    (long long)in->epoch_start_time,
					    (long long)in->last_block_time);
	}

	memset(out, 0, sizeof(*out));
	double diff = (double)(in->now - in->epoch_start_time);
	double span = (double)((b == EST_INTERVAL - 1 ? in->last_block_time : in->now) -
			       in->epoch_start_time);
	double change;

	out->blocks_in_epoch = b;
	out->progress_pct = (double)b / EST_INTERVAL * 100;
	out->remaining_blocks = EST_INTERVAL - b;
	out->next_retarget_height = in->height + out->remaining_blocks;
	out->expected_blocks = diff / EST_SPACING;
	out->time_avg_s = b ? diff / (double)b : EST_SPACING;
	out->adjusted_time_avg_s = out->time_avg_s;

	if (in->has_window_start_time && in->window_start_time != 0 &&
	    b < EST_WINDOW_BLOCKS - 1) {
		double last_epoch = (double)(in->epoch_start_time - in->window_start_time);
		double adjusted_last = last_epoch * (1 + in->previous_change_pct / 100);
		double adjusted_span = diff + adjusted_last;
		out->used_window = true;
		out->adjusted_time_avg_s = adjusted_span / (EST_WINDOW_BLOCKS - 1);
		change = adjusted_span > 0
				 ? (EST_SPACING / (adjusted_span / EST_WINDOW_BLOCKS) - 1) * 100
				 : 300;
	} else {
		change = span > 0 ? (EST_SPACING / (span / (double)(b + 1)) - 1) * 100 : 300;
	}
	if (change > 300)
		change = 300;
	if (change < -75)
		change = -75;
	out->change_pct = change;

	int64_t avg_ms = (int64_t)floor(out->adjusted_time_avg_s * 1000);
	out->remaining_ms = out->remaining_blocks * avg_ms;
	out->estimated_retarget_time_ms = in->now * 1000 + out->remaining_ms;
	return HP_OK;
}
