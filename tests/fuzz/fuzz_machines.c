/*
 * fuzz_machines.c - the machine catalog: a CSV file of the layout of
 * data/machines.csv (what --catalog FILE reads, hp_catalog_load) and the
 * --add-machine spec strings "NAME:HASHRATE_THS:POWER_W[:COOLING]"
 * (hp_machine_parse_spec, then hp_catalog_add).
 *
 * The whole input is written to a private temporary file and loaded twice:
 * into an empty catalog and over a copy of the shipped one (where a row
 * may replace a machine). Then each of its first lines is parsed as a
 * spec and, when valid, added to the catalog. Asserted: a failure carries
 * its status and a non-empty one-line message and leaves the catalog as it
 * was (same rows, same bytes); every machine of a loaded catalog has a
 * name, a positive finite hashrate and power, a finite efficiency equal to
 * power / hashrate, and is found by its own name; nothing leaks.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "tmpfile.h"
#include "hashpivot/alloc.h"
#include "hashpivot/machines.h"

static struct hp_catalog shipped;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_load_shipped_catalog("fuzz_machines", &shipped);
	fuzz_tmp_init();
	return 0;
}

static void check_catalog(const struct hp_catalog *cat)
{
	size_t i;

	for (i = 0; i < cat->n; i++) {
		const struct hp_machine *m = &cat->v[i];

		FUZZ_ASSERT(m->name[0] != '\0' && memchr(m->name, '\0', sizeof(m->name)));
		FUZZ_ASSERT(isfinite(m->hashrate_ths) && m->hashrate_ths > 0);
		FUZZ_ASSERT(isfinite(m->power_w) && m->power_w > 0);
		FUZZ_ASSERT(isfinite(m->efficiency_j_per_th) && m->efficiency_j_per_th > 0);
		FUZZ_ASSERT(fabs(m->efficiency_j_per_th - m->power_w / m->hashrate_ths) <=
			    0.011 * m->efficiency_j_per_th);
		FUZZ_ASSERT(isfinite(m->price_usd) && m->price_usd >= 0);
		FUZZ_ASSERT(m->release_month >= 0 && m->release_month <= 12);
		FUZZ_ASSERT(hp_catalog_find(cat, m->name) == m);
	}
}

/* Load path over cat; on failure cat must be as it was. */
static void load(struct hp_catalog *cat, const char *path)
{
	struct hp_error err = {0};
	struct hp_machine *before = NULL;
	size_t n = cat->n;
	enum hp_status ret;

	if (n) {
		before = malloc(n * sizeof(*before));
		FUZZ_ASSERT(before);
		memcpy(before, cat->v, n * sizeof(*before));
	}
	ret = hp_catalog_load(cat, path, &err);
	if (ret != HP_OK) {
		fuzz_check_failure(ret, &err);
		FUZZ_ASSERT(cat->n == n);
		FUZZ_ASSERT(!n || memcmp(before, cat->v, n * sizeof(*before)) == 0);
	} else {
		FUZZ_ASSERT(cat->n >= n);
	}
	free(before);
	check_catalog(cat);
}

static void specs(struct hp_catalog *cat, const uint8_t *data, size_t size)
{
	size_t off = 0;
	int lines = 0;

	while (off < size && lines++ < 16) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len = nl ? (size_t)(nl - (data + off)) : size - off;
		char *spec = malloc(len + 1);
		struct hp_machine m;
		struct hp_error err = {0};
		enum hp_status ret;

		FUZZ_ASSERT(spec);
		memcpy(spec, data + off, len);
		spec[len] = '\0';
		ret = hp_machine_parse_spec(spec, &m, "--add-machine", &err);
		if (ret != HP_OK) {
			fuzz_check_failure(ret, &err);
		} else {
			FUZZ_ASSERT(isfinite(m.hashrate_ths) && m.hashrate_ths > 0);
			FUZZ_ASSERT(isfinite(m.power_w) && m.power_w > 0);
			memset(&err, 0, sizeof(err));
			ret = hp_catalog_add(cat, &m, &err);
			if (ret != HP_OK)
				fuzz_check_failure(ret, &err);
			else
				FUZZ_ASSERT(hp_catalog_find(cat, m.name) != NULL);
		}
		free(spec);
		off += len + 1;
	}
	check_catalog(cat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_tmp_write("catalog.csv", data, size);
	struct hp_catalog empty = { NULL, 0, 0 }, copy;

	load(&empty, path);
	specs(&empty, data, size);
	hp_catalog_release(&empty);

	copy.n = copy.cap = shipped.n;
	copy.v = hp_malloc(shipped.n * sizeof(*copy.v));
	FUZZ_ASSERT(copy.v);
	memcpy(copy.v, shipped.v, shipped.n * sizeof(*copy.v));
	load(&copy, path);
	hp_catalog_release(&copy);
	return 0;
}
