/*
 * daa.c - difficulty adjustment rules, block by block (include/hashpivot/daa.h).
 *
 * Three consensus rules on 256-bit targets: Bitcoin's 2016-block retarget
 * (Core src/pow.cpp, through hp_consensus_retarget), Bitcoin Cash's 2017
 * 144-block work window "cw-144" (GetNextCashWorkRequired, Bitcoin ABC
 * src/pow/daa.cpp) and Bitcoin Cash's 2020 "aserti3-2d" (CalculateASERT,
 * Bitcoin ABC src/pow/aserti32d.cpp, the 2020-11-15 upgrade specification).
 * Every rule uses mainnet's proof-of-work limit (2^224 - 1, bits 1d00ffff),
 * which Bitcoin and Bitcoin Cash share. Only the fields of the chosen rule
 * are kept up to date (the cw-144 window and chain work are cw-144's).
 * Equations, sources and what was checked against what: docs/model.md,
 * section "Difficulty rules".
 */
#include <assert.h>
#include <string.h>

#include "hashpivot/consensus.h"
#include "hashpivot/daa.h"

__extension__ typedef __int128 i128;

/* Bounds that keep every intermediate inside 64 bits (see hp_daa_init). */
#define MAX_SPACING_S INT64_C(2147483647)
#define MAX_ABS_TIME (INT64_C(1) << 62)
/* Below this |num| CalculateASERT's int64 arithmetic is exact (it asserts it). */
#define ASERT_INT64_LIMIT (INT64_C(1) << 47)
/* Beyond this |num| the target saturates at 1 or the limit for any half-life. */
#define ASERT_SATURATE ((i128)1 << 100)

static const char *const rule_names[] = {
	[HP_DAA_BITCOIN] = "bitcoin",
	[HP_DAA_CW144] = "cw144",
	[HP_DAA_ASERT] = "asert",
};

const char *hp_daa_rule_name(enum hp_daa_rule r)
{
	if ((unsigned)r > HP_DAA_ASERT)
		return "unknown";
	return rule_names[r];
}

enum hp_status hp_daa_rule_parse(const char *name, const char *field, enum hp_daa_rule *out,
				 struct hp_error *err)
{
	for (unsigned i = 0; i <= HP_DAA_ASERT; i++) {
		if (strcmp(name, rule_names[i]) == 0) {
			*out = (enum hp_daa_rule)i;
			return HP_OK;
		}
	}
	return hp_error_set(err, HP_EINVAL, field, "must be bitcoin, cw144 or asert, got '%.40s'",
			    name);
}

static const struct hp_u256 *pow_limit(void)
{
	return &hp_consensus_params(HP_NET_MAIN)->pow_limit;
}

/* ------------------------------------------------------------------ */
/* Bitcoin                                                             */
/* ------------------------------------------------------------------ */

/*
 * Method: GetNextWorkRequired on mainnet. The first block of an epoch
 * (height % 2016 == 0) records its time; after the last one (height % 2016
 * == 2015) the next bits are CalculateNextWorkRequired(last bits, first
 * time, this time), i.e. hp_consensus_retarget; otherwise they do not change.
 * Special cases: the timespan is formed in 128 bits and limited to
 * +-2^62 s before hp_consensus_retarget clamps it to [T/4, 4T], so absurd
 * times cannot overflow; the result is the same. Testnet's 20-minute rule
 * is not modelled. Accuracy: exact, bit for bit with Core.
 * Source: docs/model.md "Difficulty rules" (and "The retarget").
 */
static uint32_t bitcoin_next(struct hp_daa *d, int64_t height, int64_t time)
{
	int64_t pos = height % HP_RETARGET_INTERVAL;
	struct hp_retarget r;

	if (pos == 0)
		d->epoch_first_time = time;
	if (pos != HP_RETARGET_INTERVAL - 1)
		return d->bits;
	i128 span = (i128)time - d->epoch_first_time;
	if (span > MAX_ABS_TIME)
		span = MAX_ABS_TIME;
	if (span < -MAX_ABS_TIME)
		span = -MAX_ABS_TIME;
	hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), d->bits, 0, (int64_t)span, &r);
	return r.bits;
}

/* ------------------------------------------------------------------ */
/* cw-144                                                              */
/* ------------------------------------------------------------------ */

/* The ring-buffer slot k blocks before slot i (k < HP_DAA_WINDOW). */
static unsigned back(unsigned i, unsigned k)
{
	return i >= k ? i - k : i + HP_DAA_WINDOW - k;
}

/*
 * GetSuitableBlock: of the block in slot i and its two parents, the median
 * by time, chosen by the reference's three-comparison sorting network (so
 * that ties resolve to the same block as in the reference).
 */
static unsigned suitable(const struct hp_daa *d, unsigned i)
{
	unsigned b0 = back(i, 2), b1 = back(i, 1), b2 = i, t;

	if (d->win_time[b0] > d->win_time[b2]) {
		t = b0;
		b0 = b2;
		b2 = t;
	}
	if (d->win_time[b0] > d->win_time[b1]) {
		t = b0;
		b0 = b1;
		b1 = t;
	}
	if (d->win_time[b1] > d->win_time[b2]) {
		t = b1;
		b1 = b2;
		b2 = t;
	}
	return b1;
}

/*
 * Method: GetNextCashWorkRequired. Push the block (its time and chain work
 * + GetBlockProof(bits)) into the ring buffer; last = GetSuitableBlock(h),
 * first = GetSuitableBlock(h - 144); W = (chainwork(last) -
 * chainwork(first)) * spacing / clamp(time(last) - time(first), 72 spacing,
 * 288 spacing); target = (2^256 - W) / W, at most the limit; GetCompact.
 * Special cases: W wraps modulo 2^256 as arith_uint256 does; W = 0 (which
 * needs more than 2^256 of work in the window and where the reference would
 * divide by zero) gives the limit. Accuracy: exact, bit for bit with the
 * reference (truncating 256-bit divisions).
 * Source: docs/model.md "Difficulty rules".
 */
static uint32_t cw144_next(struct hp_daa *d, int64_t time)
{
	unsigned head = d->win_head + 1 == HP_DAA_WINDOW ? 0 : d->win_head + 1;

	d->chain_work = hp_u256_add(d->chain_work, hp_consensus_block_work(d->bits), NULL);
	d->win_time[head] = time;
	d->win_work[head] = d->chain_work;
	d->win_head = head;

	unsigned last = suitable(d, head), first = suitable(d, back(head, 144));
	int64_t spacing = d->p.spacing_s;
	struct hp_u256 work = hp_u256_sub(d->win_work[last], d->win_work[first], NULL);
	work = hp_u256_mul_u64(work, (uint64_t)spacing, NULL);
	i128 span = (i128)d->win_time[last] - d->win_time[first];
	if (span > 288 * spacing)
		span = 288 * spacing;
	else if (span < 72 * spacing)
		span = 72 * spacing;
	work = hp_u256_div_u64(work, (uint64_t)span, NULL);

	/* (2^256 - W) / W, as arith_uint256's (-work) / work */
	static const struct hp_u256 zero = {{0, 0, 0, 0}};
	struct hp_u256 target;
	if (!hp_u256_divmod(hp_u256_sub(zero, work, NULL), work, &target, NULL))
		return hp_consensus_params(HP_NET_MAIN)->pow_limit_bits; /* W = 0 */
	if (hp_u256_cmp(target, *pow_limit()) > 0)
		target = *pow_limit();
	return hp_consensus_compact_encode(target, false);
}

/* ------------------------------------------------------------------ */
/* ASERT                                                               */
/* ------------------------------------------------------------------ */

/*
 * Method: CalculateASERT for the block after `height`, found at `time`:
 *   num      = (time - anchor_parent_time) - spacing * (height - anchor_height + 1)
 *   exponent = num * 65536 / half_life            (C division: truncates)
 *   shifts   = floor(exponent / 65536), frac = exponent - 65536 shifts
 *   factor   = 65536 + ((195766423245049 frac + 971821376 frac^2
 *                        + 5127 frac^3 + 2^47) >> 48)   (uint64; < 2^64)
 *   target   = anchor_target * factor, shifted by shifts - 16 bits
 * then 0 -> 1 and anything above the limit (or shifted past 2^256) -> the
 * limit; GetCompact.
 * Special cases: the reference asserts |time delta - spacing * height
 * delta| < 2^47; inside that range the arithmetic here is its int64
 * arithmetic; outside it is done in 128 bits (saturating beyond 2^100),
 * i.e. the formula's value with wider integers - the limit or 1.
 * Accuracy: exact, bit for bit with the reference; the factor is within
 * 0.013% of 2^(frac/65536).
 * Source: docs/model.md "Difficulty rules".
 */
static uint32_t asert_next(const struct hp_daa *d, int64_t height, int64_t time)
{
	i128 num = ((i128)time - d->anchor_parent_time) -
		   (i128)d->p.spacing_s * ((i128)height - d->anchor_height + 1);
	int64_t hl = d->p.half_life_s, shifts;
	uint64_t frac;

	if (num > -ASERT_INT64_LIMIT && num < ASERT_INT64_LIMIT) {
		int64_t e = (int64_t)num * 65536 / hl;
		frac = (uint64_t)e & 0xffff;
		shifts = (e - (int64_t)frac) / 65536;
	} else {
		if (num > ASERT_SATURATE)
			num = ASERT_SATURATE;
		if (num < -ASERT_SATURATE)
			num = -ASERT_SATURATE;
		i128 e = num * 65536 / hl;
		frac = (uint64_t)e & 0xffff;
		i128 s = (e - (i128)frac) / 65536;
		shifts = s > 1024 ? 1024 : s < -1024 ? -1024 : (int64_t)s;
	}
	uint64_t factor = 65536 + ((UINT64_C(195766423245049) * frac +
				    UINT64_C(971821376) * frac * frac +
				    UINT64_C(5127) * frac * frac * frac + (UINT64_C(1) << 47)) >>
				   48);
	struct hp_u256 next = hp_u256_mul_u64(d->anchor_target, factor, NULL);
	shifts -= 16;
	if (shifts <= 0) {
		next = hp_u256_shr(next, shifts < -256 ? 256u : (unsigned)-shifts);
	} else if ((int64_t)hp_u256_bits(next) + shifts > 256) {
		next = *pow_limit();
	} else {
		next = hp_u256_shl(next, (unsigned)shifts);
	}
	if (hp_u256_is_zero(next))
		next = hp_u256_from_u64(1);
	else if (hp_u256_cmp(next, *pow_limit()) > 0)
		next = *pow_limit();
	return hp_consensus_compact_encode(next, false);
}

/* ------------------------------------------------------------------ */
/* the chain                                                           */
/* ------------------------------------------------------------------ */

/*
 * Check the parameters and the bits (the limit is SetCompact's and
 * CheckProofOfWork's: not negative, no overflow, not zero, not above
 * 2^224 - 1), then lay down the synthetic history the header describes.
 * *d is only written on success.
 */
enum hp_status hp_daa_init(struct hp_daa *d, const struct hp_daa_params *p, int64_t height,
			   uint32_t bits, int64_t last_time, int64_t epoch_first_time,
			   struct hp_error *err)
{
	bool negative, overflow;
	struct hp_u256 target = hp_consensus_compact_decode(bits, &negative, &overflow);

	if ((unsigned)p->rule > HP_DAA_ASERT)
		return hp_error_set(err, HP_EINVAL, "rule", "must be bitcoin, cw144 or asert, got %d",
				    (int)p->rule);
	if (p->spacing_s <= 0 || p->spacing_s > MAX_SPACING_S)
		return hp_error_set(err, HP_EINVAL, "spacing_s",
				    "must be between 1 and 2147483647, got %lld",
				    (long long)p->spacing_s);
	if (p->rule == HP_DAA_ASERT && p->half_life_s <= 0)
		return hp_error_set(err, HP_EINVAL, "half_life_s", "must be > 0, got %lld",
				    (long long)p->half_life_s);
	if (height < 1)
		return hp_error_set(err, HP_EINVAL, "height", "must be >= 1, got %lld",
				    (long long)height);
	if (last_time < -MAX_ABS_TIME || last_time > MAX_ABS_TIME)
		return hp_error_set(err, HP_EINVAL, "last_time",
				    "must be between -2^62 and 2^62, got %lld", (long long)last_time);
	if (negative)
		return hp_error_set(err, HP_EINVAL, "bits", "must not be negative, got 0x%08x", bits);
	if (overflow)
		return hp_error_set(err, HP_EINVAL, "bits", "must fit 256 bits, got 0x%08x", bits);
	if (hp_u256_is_zero(target))
		return hp_error_set(err, HP_EINVAL, "bits", "must not be a zero target, got 0x%08x",
				    bits);
	if (hp_u256_cmp(target, *pow_limit()) > 0)
		return hp_error_set(err, HP_EINVAL, "bits",
				    "must not be easier than the limit 0x1d00ffff, got 0x%08x", bits);

	memset(d, 0, sizeof(*d));
	d->p = *p;
	d->height = height;
	d->bits = bits;
	hp_consensus_difficulty(bits, &d->difficulty);
	switch (p->rule) {
	case HP_DAA_BITCOIN:
		if (height % HP_RETARGET_INTERVAL != 0)
			d->epoch_first_time = epoch_first_time;
		break;
	case HP_DAA_CW144: {
		/* Blocks height - 147 .. height - 1, every spacing seconds, at
		 * `bits`; chain work counted from the oldest of them. */
		struct hp_u256 w = hp_consensus_block_work(bits);
		for (unsigned k = 0; k < HP_DAA_WINDOW; k++) {
			d->win_time[k] = last_time - (int64_t)(HP_DAA_WINDOW - 1 - k) * p->spacing_s;
			d->win_work[k] = hp_u256_mul_u64(w, k + 1, NULL);
		}
		d->win_head = HP_DAA_WINDOW - 1;
		d->chain_work = d->win_work[HP_DAA_WINDOW - 1];
		break;
	}
	case HP_DAA_ASERT:
		d->anchor_height = height - 1;
		d->anchor_parent_time = last_time - p->spacing_s;
		d->anchor_target = target;
		break;
	}
	return HP_OK;
}

/* Block d->height found at `time`: the next bits by the chosen rule. Kept
 * out of line: ASERT's and cw-144's 256-bit work gives it a frame that the
 * Bitcoin rule's quiet blocks should not pay for. */
static __attribute__((noinline)) bool append_rule(struct hp_daa *d, int64_t time)
{
	int64_t h = d->height;
	uint32_t next = d->bits;

	switch (d->p.rule) {
	case HP_DAA_BITCOIN:
		next = bitcoin_next(d, h, time);
		break;
	case HP_DAA_CW144:
		next = cw144_next(d, time);
		break;
	case HP_DAA_ASERT:
		next = asert_next(d, h, time);
		break;
	}
	d->height = h + 1;
	if (next == d->bits)
		return false;
	d->bits = next;
	hp_consensus_difficulty(next, &d->difficulty);
	return true;
}

/* Bitcoin's rule does nothing but count a block that neither opens an
 * epoch (its time is kept) nor closes one (the retarget): 2014 of 2016. */
int64_t hp_daa_quiet_blocks(const struct hp_daa *d)
{
	int64_t pos;

	if (d->p.rule != HP_DAA_BITCOIN)
		return 0;
	pos = d->height % HP_RETARGET_INTERVAL;
	return pos == 0 ? 0 : HP_RETARGET_INTERVAL - 1 - pos;
}

void hp_daa_skip_quiet(struct hp_daa *d, int64_t n)
{
	assert(n >= 0 && n <= hp_daa_quiet_blocks(d));
	d->height += n;
}

bool hp_daa_append(struct hp_daa *d, int64_t time)
{
	if (hp_daa_quiet_blocks(d) > 0) {
		d->height++;
		return false;
	}
	return append_rule(d, time);
}
