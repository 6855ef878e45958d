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

#endif
