/* The physiology of a run (ru_physio_evaluate): held inputs act for RU_PHYSIO_ACUTE_H, a
 * repeated regimen by its mean steady-state inputs, a single dose at its sample of peak NET
 * occupancy, each equal to composing the layer's own calls by hand (exactly: the same calls). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake/kb.h"
#include "reuptake/physio.h"
#include "reuptake/regimen.h"

static ru_kb *KB;
static ru_physio *P;

static int setup(void **state) {
  (void)state;
  if (ru_kb_open(NULL, &KB, NULL) != RU_OK) return -1;
  return ru_physio_new(KB, &P, NULL) == RU_OK ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  ru_physio_free(P);
  ru_kb_free(KB);
  return 0;
}

static ru_sim *sim_of(const char *spec) {
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, spec, NULL), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, NULL), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, NULL), RU_OK);
  assert_int_equal(ru_sim_prepare(s, NULL), RU_OK);
  ru_regimen_free(r);
  return s;
}

/* No drug: the drug effect is {0, 1} and the fold 1. */
static void test_no_drug_is_the_baseline(void **state) {
  (void)state;
  ru_physio_outcome o;
  assert_int_equal(ru_physio_evaluate(P, KB, 0, NULL, NULL, &o, NULL), RU_OK);
  assert_int_equal(o.input, RU_PHYSIO_NO_DRUG);
  assert_true(o.drug.net_occupancy == 0.0 && o.drug.central_drive_fold == 1.0);
  assert_true(o.plasma_ne_fold == 1.0);
  assert_true(isnan(o.time_of_peak_h) && o.ncourse == 0 && o.course_time_h == NULL);
  ru_physio_outcome_clear(&o);
}

/* Held NET occupancy: the drug of ru_physio_drug_from_inputs over RU_PHYSIO_ACUTE_H (3 h). */
static void test_held_inputs_act_for_the_acute_window(void **state) {
  (void)state;
  double held[RU_SYN_NINPUTS] = {0};
  held[RU_SYN_NET] = 0.7;
  ru_physio_outcome o;
  assert_int_equal(ru_physio_evaluate(P, KB, 2, NULL, held, &o, NULL), RU_OK);
  ru_physio_drug d;
  ru_physio_values base, dv;
  assert_int_equal(ru_physio_drug_from_inputs(KB, held, 3.0, &d, NULL), RU_OK);
  assert_int_equal(ru_physio_steady_state(P, 2, NULL, &base, NULL), RU_OK);
  assert_int_equal(ru_physio_steady_state(P, 2, &d, &dv, NULL), RU_OK);
  assert_int_equal(o.input, RU_PHYSIO_HELD);
  assert_true(o.drug.net_occupancy == d.net_occupancy);
  assert_true(o.drug.central_drive_fold == d.central_drive_fold);
  assert_true(o.plasma_ne_fold == dv.plasma_ne_pg_per_ml / base.plasma_ne_pg_per_ml);
  ru_physio_outcome_clear(&o);
}

/* A single dose: 24 h every 15 min; the reported drug is the course's peak NET occupancy after
 * t = 0, and the course carries that sample. */
static void test_single_dose_reports_the_peak_sample(void **state) {
  (void)state;
  ru_sim *s = sim_of("atomoxetine:40mg");
  ru_physio_outcome o;
  assert_int_equal(ru_physio_evaluate(P, KB, 0, s, NULL, &o, NULL), RU_OK);
  assert_int_equal(o.input, RU_PHYSIO_SINGLE_DOSE);
  assert_true(o.ncourse > 0 && o.ncourse <= 97);
  double peak = -1.0, t_peak = -1.0;
  for (size_t k = 0; k < o.ncourse; k++) {
    if (o.course_time_h[k] > 0.0 && o.course_net_occupancy[k] > peak) {
      peak = o.course_net_occupancy[k];
      t_peak = o.course_time_h[k];
    }
  }
  assert_true(o.drug.net_occupancy == peak);
  assert_true(o.time_of_peak_h == t_peak);
  assert_true(o.course_time_h[o.ncourse - 1] <= RU_PHYSIO_SINGLE_DOSE_H);
  ru_physio_outcome_clear(&o);
  ru_sim_free(s);
}

/* A repeated regimen: the mean steady-state inputs (ru_synapse_steady_inputs) held 3 h. */
static void test_repeated_regimen_uses_its_steady_inputs(void **state) {
  (void)state;
  ru_sim *s = sim_of("atomoxetine:40mg:q12h");
  ru_physio_outcome o;
  assert_int_equal(ru_physio_evaluate(P, KB, 0, s, NULL, &o, NULL), RU_OK);
  assert_int_equal(o.input, RU_PHYSIO_STEADY);
  const double zero[RU_SYN_NINPUTS] = {0};
  double mean[RU_SYN_NINPUTS];
  assert_int_equal(ru_synapse_steady_inputs(KB, s, zero, mean, NULL), RU_OK);
  ru_physio_drug d;
  assert_int_equal(ru_physio_drug_from_inputs(KB, mean, RU_PHYSIO_ACUTE_H, &d, NULL), RU_OK);
  assert_true(o.drug.net_occupancy == d.net_occupancy);
  assert_true(o.drug.net_occupancy > 0.0);
  ru_physio_outcome_clear(&o);
  ru_sim_free(s);
}

/* A bad state is refused and leaves nothing to free. */
static void test_bad_state_is_refused(void **state) {
  (void)state;
  ru_physio_outcome o;
  assert_int_not_equal(ru_physio_evaluate(P, KB, 999, NULL, NULL, &o, NULL), RU_OK);
  assert_null(o.course_time_h);
  ru_physio_outcome_clear(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_drug_is_the_baseline),
      cmocka_unit_test(test_held_inputs_act_for_the_acute_window),
      cmocka_unit_test(test_single_dose_reports_the_peak_sample),
      cmocka_unit_test(test_repeated_regimen_uses_its_steady_inputs),
      cmocka_unit_test(test_bad_state_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
