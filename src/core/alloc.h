/* Internal allocation wrappers: every library allocation goes through these so that tests can
 * inject failures (rui_alloc_fail_after) and check that every error path frees what it took. */
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

#endif
