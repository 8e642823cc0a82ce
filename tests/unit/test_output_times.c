/* The output rows of a NONMEM-style dataset (ru_regimen_output_times): `simulate --data` and the
 * Python package report a subject at the times of its observation (EVID 0) and other (EVID 2)
 * records, one row per time, and fall back to their default grid when there are none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake/regimen.h"

static ru_regimen *read_ok(const char *csv) {
  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_read_dataset_buffer(r, csv, strlen(csv), "d.csv", &err), RU_OK);
  return r;
}

static void test_observation_and_other_records_are_the_output_times_once_each(void **state) {
  (void)state;
  /* doses at 0 (EVID 1) and a reset-and-dose at 24 (EVID 4) are not output rows; the EVID 2 row
   * at 0.5 and the observations at 1 (twice), 12 and 48 are, 1 once */
  ru_regimen *r = read_ok("ID,TIME,AMT,EVID,DRUG\n"
                          "1,0,40,1,atomoxetine\n"
                          "1,0.5,0,2,\n"
                          "1,1,0,0,\n"
                          "1,1,0,0,\n"
                          "1,12,0,0,\n"
                          "1,24,40,4,atomoxetine\n"
                          "1,48,0,0,\n");
  assert_int_equal(ru_regimen_output_times(r, NULL), 4);
  double t[8] = {0};
  assert_true(ru_regimen_count(r) <= 8);
  assert_int_equal(ru_regimen_output_times(r, t), 4);
  assert_true(t[0] == 0.5 && t[1] == 1.0 && t[2] == 12.0 && t[3] == 48.0);
  ru_regimen_free(r);
}

static void test_a_dataset_of_doses_only_has_no_output_times(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,EVID,DRUG\n1,0,40,1,atomoxetine\n1,12,40,1,atomoxetine\n");
  assert_int_equal(ru_regimen_output_times(r, NULL), 0);
  ru_regimen_free(r);
  assert_int_equal(ru_regimen_output_times(NULL, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_observation_and_other_records_are_the_output_times_once_each),
      cmocka_unit_test(test_a_dataset_of_doses_only_has_no_output_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
