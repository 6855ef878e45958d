/*
 * epochs.h - the shipped history of difficulty epochs (data/btc_difficulty_epochs.csv).
 *
 * One record per 2016-block retarget period of mainnet: its first height,
 * its bits, and - where the source has them - the first block's time, hash,
 * raw 80-byte header and the chain work up to and including that block.
 * Loading checks every row (numbers, hex, heights in step, epochs in order)
 * and fails with HP_EPARSE and a message "<file>:<line>: <column>: <what>,
 * got '<value>'" on the first bad one; nothing is kept from a failed load.
 * The caller owns the table and releases it with hp_epochs_release().
 */
#ifndef HASHPIVOT_EPOCHS_H
#define HASHPIVOT_EPOCHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "u256.h"

struct hp_epoch {
	int64_t epoch;            /* 0, 1, 2, ... */
	int64_t start_height;     /* epoch * 2016 */
	uint32_t bits;            /* nBits of every block in the epoch */
	double difficulty;        /* as the file states it (6 decimals) */
	bool has_start_time;
	int64_t start_time;       /* header time of the first block */
	bool has_start_hash;
	uint8_t start_hash[32];   /* hash of the first block, internal byte order */
	bool has_prev_hash;
	uint8_t prev_hash[32];    /* hash of block start_height - 1, internal order */
	bool has_chainwork;
	struct hp_u256 chainwork; /* total work of blocks 0..start_height */
	bool has_header;
	uint8_t header[80];       /* raw header of the first block */
	char start_date[11];      /* "YYYY-MM-DD" (UTC day it began) or "" */
};

struct hp_epochs {
	struct hp_epoch *v;
	size_t n;
};

/* Load and validate the CSV at path into out (which is overwritten). */
HP_API enum hp_status hp_epochs_load(const char *path, struct hp_epochs *out,
				     struct hp_error *err);
/* Free the table; the struct is left empty. NULL and empty tables are fine. */
HP_API void hp_epochs_release(struct hp_epochs *e);
/* The epoch containing height, or NULL when height is outside the table. */
HP_API const struct hp_epoch *hp_epochs_find(const struct hp_epochs *e, int64_t height);

#endif
