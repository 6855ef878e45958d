/*
 * alloc.h - the one door every allocation in libhashpivot goes through.
 *
 * hp_malloc and friends behave as the C library's functions, except that a
 * test can make them fail: hp_alloc_fail_after(n) lets n more allocations
 * succeed and fails every one after that, until hp_alloc_fail_after(-1).
 * This lets a test walk through every allocation of an operation and check
 * that each failure comes back as HP_ENOMEM with nothing leaked.
 * The counter is atomic, so the hook is safe to use with threads.
 */
#ifndef HASHPIVOT_ALLOC_H
#define HASHPIVOT_ALLOC_H

#include <stddef.h>
#include "common.h"

HP_API void *hp_malloc(size_t size);
HP_API void *hp_calloc(size_t count, size_t size);
HP_API void *hp_realloc(void *ptr, size_t size);
/* hp_free(NULL) does nothing. */
HP_API void hp_free(void *ptr);
/* A copy of s from hp_malloc, or NULL when out of memory. */
HP_API char *hp_strdup(const char *s);

/* Let n more allocations succeed, then fail (NULL, errno ENOMEM, as malloc);
 * n < 0 turns the hook off. */
HP_API void hp_alloc_fail_after(long n);
/* How many allocations have been attempted since the process started. */
HP_API long hp_alloc_count(void);
/* How many blocks from hp_malloc, hp_calloc, hp_realloc (of NULL) and
 * hp_strdup are not yet freed by hp_free: a leak check for tests. */
HP_API long hp_alloc_live(void);

#endif
