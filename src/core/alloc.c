/* Allocation wrappers (alloc.h). Thin on purpose: the point is one place to hook. */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef RU_ALLOC_FAULTS
/* Test builds only. Atomic so that a multi-threaded test may run with injection off. */
static _Atomic long g_count = 0, g_fail_at = 0, g_failures = 0;
static _Atomic int g_persistent = 0;

void rui_alloc_fail_at(long n, int persistent) {
  g_count = 0;
  g_failures = 0;
  g_persistent = persistent;
  g_fail_at = n;
}

long rui_alloc_count(void) { return g_count; }
long rui_alloc_failures(void) { return g_failures; }

int rui_alloc_should_fail(void) {
  const long at = g_fail_at;
  const long k = ++g_count;
  if (at > 0 && (k == at || (g_persistent && k > at))) {
    g_failures++;
    return 1;
  }
  return 0;
}
#define FAULT() (rui_alloc_should_fail())
#else
#define FAULT() 0
#endif

void *rui_malloc(size_t n) { return FAULT() ? NULL : malloc(n == 0 ? 1 : n); }
void *rui_calloc(size_t count, size_t size) {
  return FAULT() ? NULL : calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}
void *rui_realloc(void *p, size_t n) { return FAULT() ? NULL : realloc(p, n == 0 ? 1 : n); }
void rui_free(void *p) { free(p); }

char *rui_strdup(const char *s) {
  if (s == NULL) {
    return NULL;
  }
  const size_t n = strlen(s) + 1;
  char *d = rui_malloc(n);
  if (d != NULL) {
    memcpy(d, s, n);
  }
  return d;
}

int rui_strlcpy(char *dst, const char *src, size_t cap) {
  if (cap == 0) {
    return 0;
  }
  const size_t n = strlen(src);
  const size_t m = n < cap - 1 ? n : cap - 1;
  memcpy(dst, src, m);
  dst[m] = '\0';
  return n < cap;
}
