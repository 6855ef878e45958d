/*
 * fuzz.h - what every fuzz target defines (libFuzzer's interface), and
 * what they share.
 *
 * LLVMFuzzerTestOneInput must accept any bytes: it may return only 0, and
 * the code under test must neither crash, leak, hang, trip a sanitizer nor
 * break an invariant the target asserts with FUZZ_ASSERT (which aborts,
 * so both libFuzzer and the replay driver report it).
 * LLVMFuzzerInitialize runs once before the first input; every target
 * defines it (an empty one where nothing is needed), because the replay
 * driver calls it unconditionally.
 */
#ifndef HASHPIVOT_FUZZ_H
#define HASHPIVOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashpivot/error.h"
#include "hashpivot/machines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_ASSERT(cond)                                                                   \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				#cond);                                                     \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* A failed call: its status in err, with a non-empty message of one line. */
static inline void fuzz_check_failure(enum hp_status ret, const struct hp_error *err)
{
	FUZZ_ASSERT(err->status == ret);
	FUZZ_ASSERT(err->message[0] != '\0');
	FUZZ_ASSERT(!strchr(err->message, '\n'));
}

/*
 * The shipped machine catalog, from $HASHPIVOT_DATA_DIR or data/ (the top
 * of the tree); aborts, naming the target, when it cannot be read.
 */
static inline void fuzz_load_shipped_catalog(const char *target, struct hp_catalog *cat)
{
	const char *dir = getenv("HASHPIVOT_DATA_DIR");
	char path[512];
	struct hp_error err = {0};

	snprintf(path, sizeof(path), "%s/machines.csv", dir && dir[0] ? dir : "data");
	if (hp_catalog_load(cat, path, &err) != HP_OK) {
		fprintf(stderr, "%s: %s (run from the top of the tree or set HASHPIVOT_DATA_DIR)\n",
			target, err.message);
		abort();
	}
}

#endif
