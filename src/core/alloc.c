/*
 * alloc.c - the allocation door, with a failure hook for tests.
 *
 * fail_after counts down the allocations still allowed; at 0 every call
 * fails until the hook is turned off again (-1). Atomic so threads may
 * allocate while a test walks the failure point. live counts the blocks
 * handed out and not yet freed, so that a test can see a leak in a build
 * without a leak checker (realloc of a block keeps it one block; realloc of
 * NULL is a new one; a failed realloc leaves the old one counted).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "hashpivot/alloc.h"

static atomic_long fail_after = -1;
static atomic_long attempts;
static atomic_long live;

static int should_fail(void)
{
	long left;

	atomic_fetch_add(&attempts, 1);
	left = atomic_load(&fail_after);
	while (left >= 0) {
		if (left == 0) {
			errno = ENOMEM; /* as malloc does */
			return 1;
		}
		if (atomic_compare_exchange_weak(&fail_after, &left, left - 1))
			return 0;
	}
	return 0;
}

static void *counted(void *p)
{
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

void *hp_malloc(size_t size)
{
	if (should_fail())
		return NULL;
	return counted(malloc(size ? size : 1));
}

void *hp_calloc(size_t count, size_t size)
{
	if (should_fail())
		return NULL;
	if (count == 0 || size == 0)
		return counted(calloc(1, 1));
	return counted(calloc(count, size));
}

void *hp_realloc(void *ptr, size_t size)
{
	void *p;

	if (should_fail())
		return NULL;
	p = realloc(ptr, size ? size : 1);
	return ptr ? p : counted(p);
}

void hp_free(void *ptr)
{
	if (ptr)
		atomic_fetch_sub(&live, 1);
	free(ptr);
}

char *hp_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = hp_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

void hp_alloc_fail_after(long n)
{
	atomic_store(&fail_after, n < 0 ? -1 : n);
}

long hp_alloc_count(void)
{
	return atomic_load(&attempts);
}

long hp_alloc_live(void)
{
	return atomic_load(&live);
}
