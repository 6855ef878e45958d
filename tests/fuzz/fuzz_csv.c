/*
 * fuzz_csv.c - the shipped CSV readers: the record reader itself
 * (hp_csv_open / hp_csv_next: quoting, the line cap, NUL bytes, blank
 * lines), the difficulty epochs (hp_epochs_load, the layout of
 * data/btc_difficulty_epochs.csv) and the daily network series
 * (hp_netdaily_load, data/btc_daily_network.csv).
 *
 * The input is written to a private temporary file. Asserted: a failure
 * carries its status and a non-empty one-line message and leaves the
 * table empty; the reader's records have at most HP_CSV_MAX_FIELDS fields
 * and line numbers that increase; loaded epochs are numbered 0, 1, 2, ...
 * from height epoch * 2016 with a positive compact target, and are found
 * by their first and last height; network rows are consecutive days with
 * blocks >= 0 whose heights step by the day's blocks, each found by its
 * day; nothing leaks.
 */
#include <string.h>

#include "fuzz.h"
#include "tmpfile.h"
#include "hashpivot/consensus.h"
#include "hashpivot/csv.h"
#include "hashpivot/epochs.h"
#include "hashpivot/netdaily.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmp_init();
	return 0;
}

static void records(const char *path)
{
	struct hp_csv c;
	struct hp_error err = {0};
	enum hp_status ret;
	size_t last = 0, i;
	bool eof = false;

	memset(&c, 0, sizeof(c));
	if ((ret = hp_csv_open(&c, path, &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
		hp_csv_close(&c);
		return;
	}
	FUZZ_ASSERT(c.nheader >= 1 && c.nheader <= HP_CSV_MAX_FIELDS);
	for (i = 0; i < c.nheader; i++)
		FUZZ_ASSERT(hp_csv_column(&c, c.header[i]) >= 0);
	last = c.line;
	for (;;) {
		memset(&err, 0, sizeof(err));
		if ((ret = hp_csv_next(&c, &eof, &err)) != HP_OK) {
			fuzz_check_failure(ret, &err);
			break;
		}
		if (eof)
			break;
		FUZZ_ASSERT(c.nfield >= 1 && c.nfield <= HP_CSV_MAX_FIELDS);
		FUZZ_ASSERT(c.line > last);
		last = c.line;
		for (i = 0; i < c.nfield; i++)
			FUZZ_ASSERT(c.field[i] != NULL);
		(void)hp_csv_error(&c, &err, HP_EPARSE, 0, "fuzz %s", c.field[0]);
	}
	hp_csv_close(&c);
	hp_csv_close(&c); /* documented as safe twice */
}

static void epochs(const char *path)
{
	struct hp_epochs e;
	struct hp_error err = {0};
	enum hp_status ret;
	size_t i;

	memset(&e, 0, sizeof(e));
	if ((ret = hp_epochs_load(path, &e, &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
		FUZZ_ASSERT(e.v == NULL && e.n == 0);
		return;
	}
	for (i = 0; i < e.n; i++) {
		bool neg = false, ovf = false;
		struct hp_u256 t = hp_consensus_compact_decode(e.v[i].bits, &neg, &ovf);

		FUZZ_ASSERT(e.v[i].epoch == (int64_t)i);
		FUZZ_ASSERT(e.v[i].start_height == e.v[i].epoch * 2016);
		FUZZ_ASSERT(!neg && !ovf && !hp_u256_is_zero(t));
		FUZZ_ASSERT(memchr(e.v[i].start_date, '\0', sizeof(e.v[i].start_date)));
		FUZZ_ASSERT(hp_epochs_find(&e, e.v[i].start_height) == &e.v[i]);
		FUZZ_ASSERT(hp_epochs_find(&e, e.v[i].start_height + 2015) == &e.v[i]);
	}
	FUZZ_ASSERT(hp_epochs_find(&e, -1) == NULL);
	hp_epochs_release(&e);
}

static void netdaily(const char *path)
{
	struct hp_netdaily nd;
	struct hp_error err = {0};
	enum hp_status ret;
	size_t i;

	memset(&nd, 0, sizeof(nd));
	if ((ret = hp_netdaily_load(path, &nd, &err)) != HP_OK) {
		fuzz_check_failure(ret, &err);
		FUZZ_ASSERT(nd.v == NULL && nd.n == 0);
		return;
	}
	for (i = 0; i < nd.n; i++) {
		FUZZ_ASSERT(nd.v[i].blocks >= 0 && nd.v[i].height >= -1);
		if (i) {
			FUZZ_ASSERT(nd.v[i].day == nd.v[i - 1].day + 1);
			FUZZ_ASSERT(nd.v[i].height == nd.v[i - 1].height + nd.v[i].blocks);
		}
		FUZZ_ASSERT(hp_netdaily_find(&nd, nd.v[i].day) == &nd.v[i]);
	}
	hp_netdaily_release(&nd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_tmp_write("table.csv", data, size);

	records(path);
	epochs(path);
	netdaily(path);
	return 0;
}
