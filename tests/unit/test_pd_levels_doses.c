/* The occupancy command's two computations in the library, as `occupancy --conc` and
 * `occupancy DRUG --doses` (and Python) call them: occupancy at measured plasma levels
 * (ru_pd_at_levels) equals the summary of a dose-free simulation holding those levels, with the
 * level's unit converted through the compound's molar mass; the dose-response curve
 * (ru_pd_dose_response) is ru_pd_dose_mean at each dose and ru_pd_ed50 for what binds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake/kb.h"
#include "reuptake/pd.h"
#include "reuptake/pk.h"

#include "kb_fixture.h"

/* The same point by hand: a simulation with the compound and no dose, its level placed. */
static double mean_by_hand(const char *compound, double ng_per_ml, const char *override,
                           const char *target) {
  ru_sim *s = NULL;
  assert_int_equal(ru_sim_new(KB, &s, NULL), RU_OK);
  assert_int_equal(ru_sim_add_compound(s, compound, NULL), RU_OK);
  if (override) assert_int_equal(ru_sim_set_override(s, override, NULL), RU_OK);
  double conc[16] = {0};
  assert_true(ru_sim_compound_count(s) <= 16);
  conc[ru_sim_compound_index(s, compound)] = ng_per_ml;
  ru_pd_summary sum;
  assert_int_equal(ru_pd_summarise(KB, s, &target, 1, conc, 1, &sum, NULL), RU_OK);
  const double m = sum.mean;
  ru_pd_summary_free(&sum, 1);
  ru_sim_free(s);
  return m;
}

static void test_occupancy_at_levels_is_the_summary_of_those_levels(void **state) {
  (void)state;
  const char *names[] = {"Pamelor", "paroxetine"}; /* a brand name resolves */
  const char *levels[] = {"50ng/mL", "20nM"};
  const char *targets[] = {"NET", "SERT"};
  const char *ov[] = {"nortriptyline.fu=0.2"};
  ru_pd_summary rows[2];
  ru_error err;
  assert_int_equal(ru_pd_at_levels(KB, names, levels, 1, ov, 1, targets, 2, rows, &err), RU_OK);
  assert_float_equal(rows[0].mean, mean_by_hand("nortriptyline", 50.0, ov[0], "NET"), 1e-12);
  assert_float_equal(rows[1].mean, mean_by_hand("nortriptyline", 50.0, ov[0], "SERT"), 1e-12);
  assert_float_equal(rows[0].mean, rows[0].peak, 0.0); /* one point */
  ru_pd_summary_free(rows, 2);
  /* 20 nM of paroxetine is 20e-9 mol/L x MW g/mol = 20 x MW / 1000 ng/mL */
  ru_compound c;
  assert_int_equal(ru_kb_compound(KB, "paroxetine", &c, NULL), RU_OK);
  assert_int_equal(ru_pd_at_levels(KB, names + 1, levels + 1, 1, NULL, 0, targets + 1, 1, rows, &err),
                   RU_OK);
  assert_float_equal(rows[0].mean, mean_by_hand("paroxetine", 20.0 * c.mw_g_per_mol.value / 1000.0, NULL, "SERT"),
                     1e-9);
  ru_pd_summary_free(rows, 1);
}

static void test_a_bad_level_or_name_fails_with_its_message(void **state) {
  (void)state;
  const char *targets[] = {"NET"};
  ru_pd_summary rows[1];
  ru_error err;
  const char *n1[] = {"nortriptyline"}, *l1[] = {"50"};
  assert_int_not_equal(ru_pd_at_levels(KB, n1, l1, 1, NULL, 0, targets, 1, rows, &err), RU_OK);
  assert_non_null(strstr(err.message, "has no unit"));
  const char *n2[] = {"nosuchdrug"}, *l2[] = {"50ng/mL"};
  assert_int_equal(ru_pd_at_levels(KB, n2, l2, 1, NULL, 0, targets, 1, rows, &err), RU_ENOTFOUND);
}

static void test_dose_response_is_dose_mean_at_each_dose_and_the_ed50(void **state) {
  (void)state;
  const double doses[] = {10.0, 50.0};
  const char *targets[] = {"NET", "H1"};
  double mean[4], ed50[2];
  int binds[2];
  ru_error err;
  assert_int_equal(ru_pd_dose_response(KB, "atomoxetine", doses, 2, 24.0, targets, 2, NULL, mean, binds,
                                       ed50, &err),
                   RU_OK);
  for (size_t k = 0; k < 2; k++) {
    for (size_t d = 0; d < 2; d++) {
      double m = 0.0;
      int b = -1;
      assert_int_equal(ru_pd_dose_mean(KB, "atomoxetine", doses[d], 24.0, targets[k], NULL, &m, &b, NULL),
                       RU_OK);
      assert_float_equal(mean[k * 2 + d], m, 0.0);
      assert_int_equal(binds[k], b);
    }
  }
  assert_int_equal(binds[0], 1);
  double want = 0.0;
  assert_int_equal(ru_pd_ed50(KB, "atomoxetine", 24.0, "NET", NULL, &want, NULL), RU_OK);
  assert_float_equal(ed50[0], want, 0.0);
  if (!binds[1]) assert_true(isnan(ed50[1])); /* nothing binds: no ED50 */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_occupancy_at_levels_is_the_summary_of_those_levels),
      cmocka_unit_test(test_a_bad_level_or_name_fails_with_its_message),
      cmocka_unit_test(test_dose_response_is_dose_mean_at_each_dose_and_the_ed50),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
