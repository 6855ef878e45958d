/*
 * hpc_default.c - the month a colocation tenant defaults, drawn from an RNG
 * stream (include/hashpivot/hpc.h).
 *
 * Apart from hpc.c so that the deterministic and expected models link
 * without the RNG: this archive member is the only hp_hpc_* code that
 * calls hp_rng_uniform (src/core/rng.c).
 *
 * PENDING: kept as hpc_default.c.pending (outside the build's wildcard)
 * until rng.c is merged, because libhashpivot.so would otherwise carry an
 * undefined hp_rng_uniform and programs linking it (tests/install-test.sh)
 * would fail. After the merge: git mv src/core/hpc_default.c.pending
 * src/core/hpc_default.c, and the same for tests/unit/test_hpc_default.c.
 */
#include "hashpivot/hpc.h"
#include "hashpivot/rng.h"

/*
 * Method: with the monthly hazard h = hp_hpc_default_hazard(p), lease month
 * k = 0, 1, ... defaults when its uniform u in (0, 1) is < h, so
 * P(D = k) = (1 - h)^k h, the law hp_hpc_colocation_months averages over.
 * Special cases: h = 0 (p <= 0) returns -1 without drawing; nmonths <= 0
 * returns -1. Otherwise one uniform is drawn per month tried: k + 1 for a
 * default in month k, nmonths for a survivor.
 * Accuracy: exact given the uniforms (P(u < h) = h up to the 2^-53 grid of
 * hp_rng_uniform). Source: docs/model.md "AI/HPC hosting".
 */
int64_t hp_hpc_default_month(double default_probability_pct_per_year, int64_t nmonths,
			     struct hp_rng *r)
{
	double h = hp_hpc_default_hazard(default_probability_pct_per_year);
	int64_t k;

	if (!(h > 0))
		return -1;
	for (k = 0; k < nmonths; k++)
		if (hp_rng_uniform(r) < h)
			return k;
	return -1;
}
