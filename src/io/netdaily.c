/*
 * netdaily.c - load the daily network series (include/hashpivot/netdaily.h).
 */
#include "hashpivot/netdaily.h"

#include <math.h>
#include <string.h>

#include "hashpivot/alloc.h"
#include "hashpivot/csv.h"
#include "hashpivot/dailyseries.h"
#include "hashpivot/parse.h"

#define SECONDS_PER_DAY 86400
#define TIME_MAX INT64_C(253402300799)
#define QUOTE_MAX 60

enum { COL_DATE, COL_BLOCKS, COL_HEIGHT, COL_FEES, COL_PRICE, COL_HASHPRICE, NCOLS };
static const char *const names[NCOLS] = { "date", "blk_cnt", "height_eod", "fees_btc",
					  "price_usd", "hashprice_usd_per_phs_day" };
#define NREQUIRED 4

/* An optional real: empty is NaN; otherwise finite and >= 0. */
static enum hp_status opt_real(const struct hp_csv *c, int col, double *out, struct hp_error *err)
{
	const char *s = col >= 0 ? c->field[col] : "";

	*out = NAN;
	if (!*s)
		return HP_OK;
	if (hp_parse_double(s, 0, 1e15, out, NULL, NULL))
		return hp_csv_error(c, err, HP_EPARSE, col, "must be a number >= 0, got '%.*s'",
				    QUOTE_MAX, s);
	return HP_OK;
}

static enum hp_status parse_row(const struct hp_csv *c, const int *col,
				const struct hp_netdaily_row *prev, struct hp_netdaily_row *r,
				struct hp_error *err)
{
	int64_t t;
	enum hp_status st;

	if (c->nfield != c->nheader)
		return hp_csv_error(c, err, HP_EPARSE, -1, "%zu fields, the header has %zu",
				    c->nfield, c->nheader);
	if (hp_parse_time(c->field[col[COL_DATE]], 0, TIME_MAX, &t, NULL, NULL) ||
	    t % SECONDS_PER_DAY)
		return hp_csv_error(c, err, HP_EPARSE, col[COL_DATE],
				    "not a date (YYYY-MM-DD), got '%.*s'", QUOTE_MAX,
				    c->field[col[COL_DATE]]);
	r->day = t / SECONDS_PER_DAY;
	if (prev && r->day != prev->day + 1)
		return hp_csv_error(c, err, HP_EPARSE, col[COL_DATE],
				    "must be the day after the previous row's, got '%.*s'",
				    QUOTE_MAX, c->field[col[COL_DATE]]);
	if (hp_parse_int64(c->field[col[COL_BLOCKS]], 0, 100000, &r->blocks, NULL, NULL))
		return hp_csv_error(c, err, HP_EPARSE, col[COL_BLOCKS],
				    "must be an integer 0..100000, got '%.*s'", QUOTE_MAX,
				    c->field[col[COL_BLOCKS]]);
	if (hp_parse_int64(c->field[col[COL_HEIGHT]], -1, INT32_MAX, &r->height, NULL, NULL))
		return hp_csv_error(c, err, HP_EPARSE, col[COL_HEIGHT],
				    "must be an integer -1..2147483647, got '%.*s'", QUOTE_MAX,
				    c->field[col[COL_HEIGHT]]);
	if (prev && r->height != prev->height + r->blocks)
		return hp_csv_error(c, err, HP_EPARSE, col[COL_HEIGHT],
				    "must be the previous row's %lld + blk_cnt %lld, got '%.*s'",
				    (long long)prev->height, (long long)r->blocks, QUOTE_MAX,
				    c->field[col[COL_HEIGHT]]);
	if ((st = opt_real(c, col[COL_FEES], &r->fees_btc, err)) ||
	    (st = opt_real(c, col[COL_PRICE], &r->price_usd, err)) ||
	    (st = opt_real(c, col[COL_HASHPRICE], &r->hashprice_usd_per_ph_day, err)))
		return st;
	return HP_OK;
}

enum hp_status hp_netdaily_load(const char *path, struct hp_netdaily *out, struct hp_error *err)
{
	struct hp_csv c = {0};
	struct hp_netdaily nd = {0};
	size_t cap = 0;
	int col[NCOLS];
	enum hp_status st;
	bool eof = false;

	memset(out, 0, sizeof(*out));
	if ((st = hp_csv_open(&c, path, err)))
		return st;
	for (int k = 0; k < NCOLS; k++) {
		col[k] = hp_csv_column(&c, names[k]);
		if (k < NREQUIRED && col[k] < 0) {
			st = hp_error_set(err, HP_EPARSE, path, "no column '%s' in the header",
					  names[k]);
			goto fail;
		}
	}
	for (;;) {
		if ((st = hp_csv_next(&c, &eof, err)))
			goto fail;
		if (eof)
			break;
		if (nd.n == cap) {
			size_t want = cap ? cap * 2 : 1024;
			struct hp_netdaily_row *v;

			if (want > HP_DAILY_SERIES_MAX_DAYS)
				want = HP_DAILY_SERIES_MAX_DAYS;
			if (nd.n == want) {
				st = hp_csv_error(&c, err, HP_EPARSE, -1, "more than %d rows",
						  HP_DAILY_SERIES_MAX_DAYS);
				goto fail;
			}
			v = hp_realloc(nd.v, want * sizeof(*v));
			if (!v) {
				st = hp_error_set(err, HP_ENOMEM, path, "out of memory");
				goto fail;
			}
			nd.v = v;
			cap = want;
		}
		if ((st = parse_row(&c, col, nd.n ? &nd.v[nd.n - 1] : NULL, &nd.v[nd.n], err)))
			goto fail;
		nd.n++;
	}
	if (nd.n == 0) {
		st = hp_error_set(err, HP_EPARSE, path, "no rows");
		goto fail;
	}
	hp_csv_close(&c);
	*out = nd;
	return HP_OK;

fail:
	hp_csv_close(&c);
	hp_free(nd.v);
	return st;
}

void hp_netdaily_release(struct hp_netdaily *nd)
{
	if (!nd)
		return;
	hp_free(nd->v);
	memset(nd, 0, sizeof(*nd));
}

const struct hp_netdaily_row *hp_netdaily_find(const struct hp_netdaily *nd, int64_t day)
{
	if (!nd->n || day < nd->v[0].day || day - nd->v[0].day >= (int64_t)nd->n)
		return NULL;
	return &nd->v[day - nd->v[0].day];
}
