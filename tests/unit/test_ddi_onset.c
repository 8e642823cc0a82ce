/* Onset and offset of an interaction (ddi.h ru_ddi_onset_offset) as a specification: the
 * victim's clearance multiplier from the enzyme dynamics, the time to 90 % of the effect and,
 * after the perpetrator stops, the time until 90 % of it is lost. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

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

static ru_ddi_onset onset_of(const char *victim, const char *perp, double stop_after_h) {
  const char *perps[] = {perp};
  ru_ddi_options opt = {NULL, 0, NULL, 0, stop_after_h};
  ru_ddi_result res;
  ru_ddi_onset on;
  ru_error err;
  assert_int_equal(ru_ddi_interaction(KB, victim, perps, 1, &opt, &res, &err), RU_OK);
  assert_int_equal(ru_ddi_onset_offset(KB, victim, perps, 1, &opt, &res, &on, &err), RU_OK);
  return on;
}

/* Nothing inhibits anything (a linear system): there is no effect to time. */
static void test_no_inhibition_has_no_onset(void **state) {
  (void)state;
  const ru_ddi_onset on = onset_of("venlafaxine:75mg:q24h", "methylphenidate:20mg:q24h", nan(""));
  assert_true(isnan(on.clearance_multiplier));
  assert_true(isnan(on.time_to_90pct_effect_h));
  assert_true(isnan(on.time_to_lose_90pct_effect_h));
}

/* Paroxetine inactivates CYP2D6 (mechanism-based: KI, kinact of data/cyp_inhibition.csv,
 * source key venkatakrishnan2005_b; CYP2D6 kdeg of data/enzymes.csv):
 * desipramine's clearance falls (m < 1), 90 % of the effect is reached after dosing starts, and
 * after paroxetine stops the effect is lost only as new enzyme is made, so the offset is slower
 * than the onset. Without a stop there is no offset. */
static void test_paroxetine_onset_then_slower_offset(void **state) {
  (void)state;
  const ru_ddi_onset cont = onset_of("desipramine:50mg:q24h", "paroxetine:20mg:q24h", nan(""));
  assert_true(cont.clearance_multiplier > 0.0 && cont.clearance_multiplier < 0.9);
  assert_true(cont.time_to_90pct_effect_h > 0.0);
  assert_true(isnan(cont.time_to_lose_90pct_effect_h));
  const ru_ddi_onset stop = onset_of("desipramine:50mg:q24h", "paroxetine:20mg:q24h", 28.0 * 24.0);
  printf("desipramine + paroxetine: m %.3g, 90 %% effect after %.3g h, 90 %% lost %.3g h after "
         "stopping at 28 d\n", stop.clearance_multiplier, stop.time_to_90pct_effect_h,
         stop.time_to_lose_90pct_effect_h);
  assert_true(stop.time_to_90pct_effect_h > 0.0 && stop.time_to_90pct_effect_h <= 28.0 * 24.0);
  assert_true(stop.time_to_lose_90pct_effect_h > stop.time_to_90pct_effect_h);
}

/* Bad arguments are refused, not dereferenced. */
static void test_null_arguments_are_einval(void **state) {
  (void)state;
  ru_ddi_result res;
  ru_ddi_onset on;
  ru_error err;
  assert_int_equal(ru_ddi_onset_offset(KB, "desipramine:50mg:q24h", NULL, 1, NULL, &res, &on, &err),
                   RU_EINVAL);
  assert_int_equal(ru_ddi_onset_offset(KB, NULL, NULL, 0, NULL, &res, &on, &err), RU_EINVAL);
  assert_int_equal(ru_ddi_onset_offset(KB, "desipramine:50mg:q24h", NULL, 0, NULL, NULL, &on, &err),
                   RU_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_inhibition_has_no_onset),
      cmocka_unit_test(test_paroxetine_onset_then_slower_offset),
      cmocka_unit_test(test_null_arguments_are_einval),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
