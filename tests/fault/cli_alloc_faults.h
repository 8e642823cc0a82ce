/* Force-included (-include) into the command-line tool's sources in the fault-injection test
 * build only (CMake RU_ALLOC_FAULTS): the tool's own malloc, calloc, realloc and strdup count
 * against the same injection counter as the library's rui_malloc (src/core/alloc.h), so the
 * allocation-failure sweep reaches the CLI's out-of-memory paths too. The system headers are
 * included first, so their declarations are untouched. Production builds never see this file. */
#ifndef RU_CLI_ALLOC_FAULTS_H
#define RU_CLI_ALLOC_FAULTS_H

#include <stdlib.h>
#include <string.h>

void *rui_fault_malloc(size_t n);
void *rui_fault_calloc(size_t count, size_t size);
void *rui_fault_realloc(void *p, size_t n);
char *rui_fault_strdup(const char *s);

#undef strdup
#define malloc(n) rui_fault_malloc(n)
#define calloc(c, s) rui_fault_calloc(c, s)
#define realloc(p, n) rui_fault_realloc(p, n)
#define strdup(s) rui_fault_strdup(s)

#endif
