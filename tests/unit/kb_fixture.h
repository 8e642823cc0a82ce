/* The embedded knowledge base shared by the tests of one file: the cmocka group setup opens it
 * into KB, the teardown frees it (cmocka_run_group_tests(tests, setup, teardown)). Included once,
 * after <cmocka.h>, by a test file that needs nothing else from its fixture. */
#ifndef RU_TEST_KB_FIXTURE_H
#define RU_TEST_KB_FIXTURE_H

#include "reuptake.h"

static ru_kb *KB;

static int setup(void **state) {
  (void)state;
  ru_error err;
  return ru_kb_open(NULL, &KB, &err) == RU_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  ru_kb_free(KB);
  return 0;
}

#endif
