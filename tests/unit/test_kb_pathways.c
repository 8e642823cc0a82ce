#define _POSIX_C_SOURCE 200809L
/* The elimination-pathway table (issue 9): every compound x core pathway cell has a sourced fm
 * or a documented absence (pathway_gaps.csv), fm sums to 1 with "other" named; capacity limits
 * fail with RU_ELIMIT instead of dropping rows (a user file with 12 pathways loads, one with 17
 * is refused). */
#include <math.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake.h"

static void test_every_pathway_cell_has_a_value_or_a_documented_absence(void **state) {
  (void)state;
  ru_kb *kb = NULL;
  ru_error err;
  assert_int_equal(ru_kb_open(NULL, &kb, &err), RU_OK);
  char *json = NULL;
  size_t viol = 0;
  assert_int_equal(ru_kb_check_json(kb, &json, &viol, &err), RU_OK);
  assert_int_equal(viol, 0);
  assert_non_null(strstr(json, "\"undocumented_pathway_cells\":0"));
  assert_non_null(strstr(json, "\"compounds_without_complete_fm\":0"));
  ru_free(json);
  for (size_t i = 0; i < ru_kb_compound_count(kb); i++) {
    ru_compound c;
    assert_int_equal(ru_kb_compound_info(kb, ru_kb_compound_name(kb, i), &c, &err), RU_OK);
    double sum = c.pk.fm_other.value;
    for (size_t k = 0; k < c.pk.n_fm; k++) sum += c.pk.fm[k].fm.value;
    assert_true(fabs(sum - 1.0) < 1e-6);
  }
  ru_kb_free(kb);
}

static ru_status load_pathways(size_t n, ru_error *err) {
  static const char *const P[] = {"CYP1A2", "CYP2B6", "CYP2C9", "CYP2C19", "CYP2D6", "CYP3A4",
                                  "UGT", "CES1", "renal", "CYP2A6", "CYP2C8", "CYP2E1",
                                  "CYP3A5", "FMO", "MAO", "CR", "AO"};
  char path[] = "/tmp/ru_kb_pathways_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "compound,key,value,unit,source\n");
  for (size_t k = 0; k < n; k++) fprintf(f, "testdrug,fm.%s,0.05,fraction,test row\n", P[k]);
  fprintf(f, "testdrug,cl_f_l_per_h,10,L/h,test row\n");
  fclose(f);
  ru_kb *kb = NULL;
  assert_int_equal(ru_kb_open(NULL, &kb, err), RU_OK);
  ru_status st = ru_kb_load_user(kb, path, err);
  ru_compound c;
  if (st == RU_OK) st = ru_kb_compound(kb, "testdrug", &c, err);
  if (st == RU_OK) assert_int_equal(c.pk.n_fm, n);
  ru_kb_free(kb);
  remove(path);
  return st;
}

static void test_twelve_pathways_load_and_too_many_fail_with_elimit(void **state) {
  (void)state;
  ru_error err;
  assert_int_equal(load_pathways(12, &err), RU_OK);
  assert_int_equal(RU_MAX_FM, 16);
  assert_int_equal(load_pathways(17, &err), RU_ELIMIT);
  assert_non_null(strstr(err.message, "RU_MAX_FM"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_pathway_cell_has_a_value_or_a_documented_absence),
      cmocka_unit_test(test_twelve_pathways_load_and_too_many_fail_with_elimit),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
