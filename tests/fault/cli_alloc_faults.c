/* The fault-injection wrappers of the command-line tool's allocations (cli_alloc_faults.h); part
 * of the tool's library in the RU_ALLOC_FAULTS test build only. The header is force-included
 * here too: its macros are undone so the wrappers call the real allocator. */
#include "cli_alloc_faults.h"

#undef malloc
#undef calloc
#undef realloc
#undef strdup

#include "core/alloc.h"

void *rui_fault_malloc(size_t n) { return rui_alloc_should_fail() ? NULL : malloc(n); }
void *rui_fault_calloc(size_t count, size_t size) {
  return rui_alloc_should_fail() ? NULL : calloc(count, size);
}
void *rui_fault_realloc(void *p, size_t n) { return rui_alloc_should_fail() ? NULL : realloc(p, n); }
char *rui_fault_strdup(const char *s) { return rui_alloc_should_fail() ? NULL : strdup(s); }
