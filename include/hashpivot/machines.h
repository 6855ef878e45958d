/*
 * machines.h - the catalog of SHA-256 mining machines (data/machines.csv).
 *
 * A catalog is a table of machines with their nameplate specs: hashrate,
 * power at the wall, efficiency, cooling, release month and where the
 * figures come from. The shipped catalog is data/machines.csv; a user adds
 * machines from a catalog file of the same layout (a row whose name is
 * already present replaces it) or one at a time from a spec string given on
 * the command line. Names are matched case-insensitively and ignoring runs
 * of spaces, so "antminer  s21 pro" finds "Antminer S21 Pro".
 *
 * Loading checks every row and fails with HP_EPARSE and a message
 * "<file>:<line>: <column>: <what>, got '<value>'"; a failed load leaves the
 * catalog as it was. The caller owns the catalog and releases it with
 * hp_catalog_release().
 */
#ifndef HASHPIVOT_MACHINES_H
#define HASHPIVOT_MACHINES_H

#include <stddef.h>
#include "common.h"
#include "error.h"

#define HP_MACHINE_NAME_MAX 64

enum hp_cooling { HP_COOLING_AIR, HP_COOLING_HYDRO, HP_COOLING_IMMERSION };

struct hp_machine {
	char name[HP_MACHINE_NAME_MAX];  /* "Antminer S21 Pro", unique in a catalog */
	char manufacturer[32];           /* "Bitmain" */
	double hashrate_ths;             /* nameplate hashrate, TH/s, > 0 */
	double power_w;                  /* power at the wall, W, > 0 */
	double efficiency_j_per_th;      /* power_w / hashrate_ths */
	enum hp_cooling cooling;
	int release_year;                /* 0 when unknown */
	int release_month;               /* 1..12; 0 when unknown */
	double price_usd;                /* a listed unit price; 0 when unknown */
	char source[32];                 /* key of its source in data/SOURCES.md */
};

struct hp_catalog {
	struct hp_machine *v;
	size_t n;
	size_t cap;
};

/*
 * Add the machines of the CSV file at path to cat (which may be empty).
 * Columns, by header name in any order: name, manufacturer, hashrate_ths,
 * power_w, efficiency_j_per_th (optional; when present it must agree with
 * power_w / hashrate_ths within 1 %), cooling (air|hydro|immersion),
 * release (YYYY-MM, or empty), price_usd (optional, may be empty),
 * source (optional). Unknown columns are an error.
 */
HP_API enum hp_status hp_catalog_load(struct hp_catalog *cat, const char *path,
				      struct hp_error *err);
/* Add or replace one machine (its efficiency is recomputed). */
HP_API enum hp_status hp_catalog_add(struct hp_catalog *cat, const struct hp_machine *m,
				     struct hp_error *err);
/*
 * Parse a machine given on the command line:
 *   "NAME:HASHRATE_THS:POWER_W[:COOLING]"   e.g. "My S21:200:3500:air"
 * HP_EINVAL naming `field` and the offending part.
 */
HP_API enum hp_status hp_machine_parse_spec(const char *spec, struct hp_machine *out,
					    const char *field, struct hp_error *err);
/* The machine called name, or NULL. */
HP_API const struct hp_machine *hp_catalog_find(const struct hp_catalog *cat, const char *name);
/* Free the table; the struct is left empty. */
HP_API void hp_catalog_release(struct hp_catalog *cat);

/* "air", "hydro", "immersion" */
HP_API const char *hp_cooling_name(enum hp_cooling c);
HP_API enum hp_status hp_cooling_parse(const char *s, enum hp_cooling *out, const char *field,
				       struct hp_error *err);

#endif
