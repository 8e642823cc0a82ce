/* A regimen driving the synapse model in one call (ru_synapse_set_inputs_from_sim, what
 * `synapse REGIMEN` and Python's synapse() use): the same extracellular levels as running the
 * simulation, computing its inputs (ru_synapse_inputs_from_sim) and setting them as samples by
 * hand, held occupancies combined; a single time gives constant inputs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/regimen.h"
#include "reuptake/synapse.h"

#define NT 7

#include "kb_fixture.h"

static ru_sim *atomoxetine(void) {
  ru_regimen *r = NULL;
  ru_sim *sim = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "atomoxetine:80mg:q24h", NULL), RU_OK);
  assert_int_equal(ru_sim_new(KB, &sim, NULL), RU_OK);
  assert_int_equal(ru_sim_add_regimen(sim, r, NULL), RU_OK);
  ru_regimen_free(r);
  return sim;
}

static void test_one_call_equals_run_inputs_and_samples_by_hand(void **state) {
  (void)state;
  const double t[NT] = {0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 24.0};
  const double held[RU_SYN_NINPUTS] = {[RU_SYN_SERT] = 0.5};
  ru_synapse *a = NULL, *b = NULL;
  assert_int_equal(ru_synapse_new(KB, &a, NULL), RU_OK);
  assert_int_equal(ru_synapse_new(KB, &b, NULL), RU_OK);
  ru_sim *sim = atomoxetine();
  ru_error err;
  assert_int_equal(ru_synapse_set_inputs_from_sim(a, KB, sim, t, NT, held, &err), RU_OK);
  double conc[NT * 8], in[NT * RU_SYN_NINPUTS];
  assert_true(ru_sim_compound_count(sim) <= 8);
  assert_int_equal(ru_sim_run(sim, t, NT, conc, NULL), RU_OK);
  assert_int_equal(ru_synapse_inputs_from_sim(KB, sim, conc, NT, held, in, NULL), RU_OK);
  assert_int_equal(ru_synapse_set_inputs_samples(b, t, NT, in, NULL), RU_OK);
  assert_int_equal(ru_synapse_run(a, t, NT, NULL), RU_OK);
  assert_int_equal(ru_synapse_run(b, t, NT, NULL), RU_OK);
  for (size_t k = 0; k < NT; k++) {
    for (int m = 0; m < RU_SYN_NANALYTES; m++) {
      assert_true(ru_synapse_fold(a, k, 0, (ru_syn_analyte)m) == ru_synapse_fold(b, k, 0, (ru_syn_analyte)m));
    }
  }
  /* NET blockade raises NE by the end of the first day */
  assert_true(ru_synapse_fold(a, NT - 1, 0, RU_SYN_NE) > 1.0);
  ru_sim_free(sim);
  ru_synapse_free(a);
  ru_synapse_free(b);
}

static void test_one_time_sets_constant_inputs_and_no_times_is_refused(void **state) {
  (void)state;
  ru_synapse *a = NULL;
  assert_int_equal(ru_synapse_new(KB, &a, NULL), RU_OK);
  ru_sim *sim = atomoxetine();
  const double t = 3.0;
  assert_int_equal(ru_synapse_set_inputs_from_sim(a, KB, sim, &t, 1, NULL, NULL), RU_OK);
  assert_int_equal(ru_synapse_run(a, &t, 1, NULL), RU_OK);
  assert_true(isfinite(ru_synapse_fold(a, 0, 0, RU_SYN_NE)));
  assert_int_equal(ru_synapse_set_inputs_from_sim(a, KB, sim, &t, 0, NULL, NULL), RU_EINVAL);
  assert_int_equal(ru_synapse_set_inputs_from_sim(a, KB, NULL, &t, 1, NULL, NULL), RU_EINVAL);
  ru_sim_free(sim);
  ru_synapse_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_call_equals_run_inputs_and_samples_by_hand),
      cmocka_unit_test(test_one_time_sets_constant_inputs_and_no_times_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
