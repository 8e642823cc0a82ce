/* Provenance as the tools print it: the name of a value's status, the citation of a model
 * parameter (its source resolved, or why there is none), which `synapse --params`,
 * `physiology --params` and the Python tables all take from the library, and how a physiology
 * run's drug state was reached, in the words of its JSON "occupancy_input". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake/kb.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"

static void test_status_names_are_the_kb_words(void **state) {
  (void)state;
  assert_string_equal(ru_value_status_name(RU_VALUE_PRIMARY), "primary");
  assert_string_equal(ru_value_status_name(RU_VALUE_SECONDARY), "secondary");
  assert_string_equal(ru_value_status_name(RU_VALUE_DERIVED), "derived");
  assert_string_equal(ru_value_status_name(RU_VALUE_CALIBRATED), "calibrated");
  assert_string_equal(ru_value_status_name(RU_VALUE_USER), "user");
  assert_string_equal(ru_value_status_name(RU_VALUE_MISSING), "missing");
  assert_string_equal(ru_value_status_name((ru_value_status)99), "missing");
}

static ru_model_param param(const char *source, ru_value_status st, int optional) {
  ru_model_param p;
  memset(&p, 0, sizeof p);
  p.name = "test.param";
  snprintf(p.value.source, sizeof p.value.source, "%s", source);
  p.value.status = st;
  p.optional = optional;
  return p;
}

static void test_a_missing_parameter_says_so_and_whether_its_mechanism_is_off(void **state) {
  (void)state;
  char cit[256] = "stale";
  ru_model_param p = param("", RU_VALUE_MISSING, 0);
  ru_model_param_citation(NULL, &p, cit, sizeof cit);
  assert_string_equal(cit, "missing from the knowledge base");
  p.optional = 1;
  ru_model_param_citation(NULL, &p, cit, sizeof cit);
  assert_string_equal(cit, "missing from the knowledge base (mechanism off)");
}

static void test_a_user_override_has_no_citation(void **state) {
  (void)state;
  char cit[256] = "stale";
  const ru_model_param p = param("user", RU_VALUE_USER, 0);
  ru_model_param_citation(NULL, &p, cit, sizeof cit);
  assert_string_equal(cit, "");
}

static void test_a_sourced_parameter_gets_its_citation_from_the_kb(void **state) {
  (void)state;
  ru_kb *kb = NULL;
  assert_int_equal(ru_kb_open(NULL, &kb, NULL), RU_OK);
  ru_synapse *s = NULL;
  assert_int_equal(ru_synapse_new(kb, &s, NULL), RU_OK);
  size_t checked = 0;
  for (size_t i = 0; i < ru_synapse_param_count(s); i++) {
    ru_model_param p;
    assert_int_equal(ru_synapse_param_at(s, i, &p, NULL), RU_OK);
    if (p.value.status == RU_VALUE_MISSING) continue;
    char want[1024], got[1024];
    assert_int_equal(ru_kb_source(kb, p.value.source, want, sizeof want, NULL), RU_OK);
    ru_model_param_citation(kb, &p, got, sizeof got);
    assert_string_equal(got, want);
    assert_true(strlen(got) > 0);
    checked++;
  }
  assert_true(checked > 30);
  /* an unknown source key leaves the citation empty (never stale text) */
  char cit[64] = "stale";
  const ru_model_param q = param("no.such.source.key", RU_VALUE_PRIMARY, 0);
  ru_model_param_citation(kb, &q, cit, sizeof cit);
  assert_string_equal(cit, "");
  ru_synapse_free(s);
  ru_kb_free(kb);
}

static void test_physiology_input_words(void **state) {
  (void)state;
  assert_string_equal(ru_physio_input_text(RU_PHYSIO_NO_DRUG), "none");
  assert_string_equal(ru_physio_input_text(RU_PHYSIO_HELD), "held (--occupancy)");
  assert_string_equal(ru_physio_input_text(RU_PHYSIO_STEADY),
                      "regimen: mean steady-state occupancy over the last dosing interval");
  assert_string_equal(ru_physio_input_text(RU_PHYSIO_SINGLE_DOSE),
                      "single dose: time course, reported at the time of peak NET occupancy");
  assert_string_equal(ru_physio_input_text((ru_physio_input)42), "none");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_names_are_the_kb_words),
      cmocka_unit_test(test_a_missing_parameter_says_so_and_whether_its_mechanism_is_off),
      cmocka_unit_test(test_a_user_override_has_no_citation),
      cmocka_unit_test(test_a_sourced_parameter_gets_its_citation_from_the_kb),
      cmocka_unit_test(test_physiology_input_words),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
