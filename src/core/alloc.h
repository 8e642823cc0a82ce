/* Internal allocation wrappers: every library allocation goes through these so that tests can
 * inject failures and check that every error path frees what it took and reports RU_ENOMEM.
 *
 * Fault injection exists only in test builds (CMake option RU_ALLOC_FAULTS, on in the sanitizer
 * build of `make test`): production builds have no hook, no counter and no state here, and none
 * of it is in the public API. */
#ifndef RU_ALLOC_H
#define RU_ALLOC_H
#include <stddef.h>

void *rui_malloc(size_t n);
void *rui_calloc(size_t count, size_t size);
void *rui_realloc(void *p, size_t n);
void rui_free(void *p);
char *rui_strdup(const char *s);
/* Copies at most cap-1 bytes of src into dst and terminates it; returns 1 if src fit. */
int rui_strlcpy(char *dst, const char *src, size_t cap);

#ifdef RU_ALLOC_FAULTS
/* SQLite's discipline (test_malloc.c): counting from this call, the n-th allocation fails, and
 * with persistent every one after it too; n = 0 turns injection off. Also resets the counters. */
void rui_alloc_fail_at(long n, int persistent);
/* Allocations counted and failures injected since rui_alloc_fail_at. */
long rui_alloc_count(void);
long rui_alloc_failures(void);
/* Counts one allocation; 1 when it must fail. The library's wrappers call it, and so do the test
 * builds' hooks for the allocations of SQLite, cJSON and the command-line tool. */
int rui_alloc_should_fail(void);
#endif

#endif
