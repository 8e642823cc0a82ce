/* Allocation wrappers (alloc.h). Thin on purpose: the point is one place to hook. */
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

void *rui_malloc(size_t n) { return malloc(n == 0 ? 1 : n); }
void *rui_calloc(size_t count, size_t size) { return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size); }
void *rui_realloc(void *p, size_t n) { return realloc(p, n == 0 ? 1 : n); }
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
