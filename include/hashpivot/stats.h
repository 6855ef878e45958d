/*
 * stats.h - mergeable Monte Carlo summaries: quantiles and means of many
 * series over many days, in memory that does not grow with the number of
 * paths.
 *
 * A struct hp_stats holds nseries x ndays cells. Each cell summarises the
 * values added to it (one per path, typically): their count, exact minimum
 * and maximum, a sum kept as a fixed-point integer (so the mean does not
 * depend on the order of additions) and a histogram over logarithmically
 * spaced bins of relative width about 2 alpha (zero and negative values
 * have their own bins). Two summaries with the same shape merge by adding
 * integers, so merging is exact, associative and commutative: results are
 * identical however the paths were split across threads or processes.
 *
 * Quantiles: for n values x_(0) <= ... <= x_(n-1), the q-quantile is the
 * order statistic x_(k), k = floor(q (n - 1)) (the "lower" quantile). The
 * estimate is the centre of x_(k)'s bin, clipped to [min, max], and is
 * within alpha |x_(k)| of it. Integer series (counts) round the estimate,
 * which is then exact while alpha x < 0.5.
 *
 * Means: every value is rounded to a multiple of the series' unit, 2^-64
 * times the power of two at or below the series' reference magnitude, and
 * added to a 192-bit integer (which cannot overflow for fewer than 2^64
 * values); values beyond 2^62 times the reference are refused
 * (hp_stats_add returns false and counts them as rejected). The mean is
 * the exact sum over the count, correctly rounded.
 *
 * Non-finite values are never summarised: they are counted as rejected.
 * Memory per cell grows with the spread of its values (bins between the
 * smallest and largest index seen), not with the number of values.
 * Allocation failure while adding is remembered and reported by
 * hp_stats_status(); a merge that fails leaves its target unchanged.
 */
#ifndef HASHPIVOT_STATS_H
#define HASHPIVOT_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"

struct hp_stats;

/* How one series is summarised. */
struct hp_stats_series {
	double reference;  /* typical magnitude (> 0): fixes the fixed-point unit of the mean */
	bool integer;      /* values are integers: quantiles are rounded */
};

/*
 * A summary of nseries series over ndays days (both >= 1) with relative
 * quantile error alpha in [1e-6, 0.1]. series[i] describes series i (copied).
 * HP_EINVAL naming the argument for a bad shape; HP_ENOMEM.
 */
HP_API enum hp_status hp_stats_new(size_t nseries, size_t ndays, double alpha,
				   const struct hp_stats_series *series, struct hp_stats **out,
				   struct hp_error *err);
/* Free s and everything it owns; NULL does nothing. */
HP_API void hp_stats_free(struct hp_stats *s);

/*
 * Add value x to cell (series, day). Returns false (and counts x as
 * rejected) when x is not finite or is out of the fixed-point range.
 * Allocation failure is recorded (see hp_stats_status) and the value is
 * then counted only as rejected.
 */
HP_API bool hp_stats_add(struct hp_stats *s, size_t series, size_t day, double x);

/*
 * Add x[0], ..., x[n - 1] to cell (series, day), in that order: the same
 * summary as n calls of hp_stats_add, at about half the cost a value (the
 * cell's state stays in registers). Returns the number of values rejected.
 */
HP_API size_t hp_stats_add_n(struct hp_stats *s, size_t series, size_t day, const double *x,
			     size_t n);

/* HP_OK, or HP_ENOMEM when an addition could not allocate (here or in a
 * summary merged into this one). */
HP_API enum hp_status hp_stats_status(const struct hp_stats *s);

/*
 * Add everything in `from` to `into`. Both must have the same shape
 * (nseries, ndays, alpha, series descriptions): HP_EINVAL otherwise;
 * HP_ENOMEM. Exact: merging in any order and grouping gives identical
 * summaries.
 */
HP_API enum hp_status hp_stats_merge(struct hp_stats *into, const struct hp_stats *from,
				     struct hp_error *err);

/* Values summarised in a cell, and values rejected there. */
HP_API uint64_t hp_stats_count(const struct hp_stats *s, size_t series, size_t day);
HP_API uint64_t hp_stats_rejected(const struct hp_stats *s, size_t series, size_t day);
/* Mean of the cell (NAN when its count is 0). */
HP_API double hp_stats_mean(const struct hp_stats *s, size_t series, size_t day);
/* Exact minimum and maximum (NAN when the count is 0). */
HP_API double hp_stats_min(const struct hp_stats *s, size_t series, size_t day);
HP_API double hp_stats_max(const struct hp_stats *s, size_t series, size_t day);
/* The q-quantile, q in [0, 1], as described above (NAN when the count is 0). */
HP_API double hp_stats_quantile(const struct hp_stats *s, size_t series, size_t day, double q);

/* Shape. */
HP_API size_t hp_stats_nseries(const struct hp_stats *s);
HP_API size_t hp_stats_ndays(const struct hp_stats *s);
HP_API double hp_stats_alpha(const struct hp_stats *s);

/*
 * A byte string holding the whole summary (for MPI), in a fixed
 * little-endian layout independent of the host, into *buf (allocated with
 * hp_malloc; free with hp_free) of *len bytes. HP_ENOMEM.
 */
HP_API enum hp_status hp_stats_serialize(const struct hp_stats *s, unsigned char **buf,
					 size_t *len, struct hp_error *err);
/*
 * Merge a serialized summary into `into` (same shape). HP_EPARSE for a
 * truncated or malformed string, HP_EINVAL for another shape, HP_ENOMEM.
 * On failure `into` is unchanged.
 */
HP_API enum hp_status hp_stats_merge_serialized(struct hp_stats *into, const unsigned char *buf,
						size_t len, struct hp_error *err);

/* Bytes held by s (for the benchmarks' memory figures). */
HP_API size_t hp_stats_bytes(const struct hp_stats *s);

#endif
