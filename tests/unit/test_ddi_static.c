/* The basic static screen (ru_ddi_static_screen) is the FDA 2020 guidance's basic models on the
 * knowledge base's constants: R1 = 1 + Imax,u / Ki (reversible), R2 = (kobs + kdeg) / kdeg with
 * kobs = kinact Imax,u / (KI + Imax,u) (time-dependent), liabilities at R1 >= 1.02 and
 * R2 >= 1.25 (In Vitro Drug Interaction Studies - Cytochrome P450 Enzyme- and Transporter-
 * Mediated Drug Interactions, Guidance for Industry, January 2020, section III.B). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake.h"

#include "kb_fixture.h"

/* paroxetine has competitive and mechanism-based rows (cyp_inhibition.csv) */
static void every_row_is_the_guidance_formula_from_the_kb_constants(void **state) {
  (void)state;
  const double iu_um = 0.05;
  ru_ddi_static rows[32];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_ddi_static_screen(KB, "paroxetine", iu_um, rows, 32, &n, &err), RU_OK);
  assert_true(n > 0);
  ru_inhibition list[32];
  size_t m = 0;
  assert_int_equal(ru_kb_inhibitions(KB, "paroxetine", list, 32, &m, &err), RU_OK);
  int seen_reversible = 0, seen_time_dependent = 0;
  for (size_t k = 0; k < n; k++) {
    double want = nan("");
    for (size_t j = 0; j < m; j++) {
      const ru_inhibition *h = &list[j];
      if (strcmp(h->enzyme, rows[k].enzyme) != 0) continue;
      if (!rows[k].time_dependent && h->kind == RU_INHIB_COMPETITIVE) {
        want = 1.0 + iu_um / h->ki_um.value;
      } else if (rows[k].time_dependent && h->kind == RU_INHIB_MECHANISM_BASED) {
        ru_value kdeg;
        assert_int_equal(ru_kb_enzyme_kdeg(KB, h->enzyme, &kdeg, &err), RU_OK);
        const double kobs = h->kinact_per_h.value * iu_um / (h->ki_inact_um.value + iu_um);
        want = (kobs + kdeg.value) / kdeg.value;
      }
    }
    assert_true(fabs(rows[k].r - want) <= 1e-12 * want);
    assert_int_equal(rows[k].liability,
                     rows[k].r >= (rows[k].time_dependent ? RU_DDI_R2_CUTOFF : RU_DDI_R1_CUTOFF));
    seen_reversible |= !rows[k].time_dependent;
    seen_time_dependent |= rows[k].time_dependent;
  }
  assert_true(seen_reversible);
  assert_true(seen_time_dependent);
}

static void no_perpetrator_concentration_means_r_of_one_and_no_liability(void **state) {
  (void)state;
  ru_ddi_static rows[32];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_ddi_static_screen(KB, "paroxetine", 0.0, rows, 32, &n, &err), RU_OK);
  for (size_t k = 0; k < n; k++) {
    assert_true(fabs(rows[k].r - 1.0) <= 1e-15);
    assert_false(rows[k].liability);
  }
}

static void a_bad_concentration_or_a_small_buffer_is_an_error(void **state) {
  (void)state;
  ru_ddi_static rows[1];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_ddi_static_screen(KB, "paroxetine", -1.0, rows, 1, &n, &err), RU_EINVAL);
  assert_int_equal(ru_ddi_static_screen(KB, "paroxetine", nan(""), rows, 1, &n, &err), RU_EINVAL);
  assert_int_equal(ru_ddi_static_screen(KB, "paroxetine", 0.05, rows, 1, &n, &err), RU_ELIMIT);
  assert_non_null(strstr(err.message, "paroxetine"));
}

/* Imax,u is the unbound peak of the steady-state interval: max(total) x fu / MW, in uM. */
static void the_screen_concentration_is_the_unbound_steady_state_peak(void **state) {
  (void)state;
  ru_regimen *reg = NULL;
  ru_sim *s = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&reg, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(reg, "paroxetine:20mg:q24h", &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, reg, &err), RU_OK);
  assert_int_equal(ru_sim_prepare(s, &err), RU_OK);
  assert_int_equal(ru_sim_compound_count(s), 1);
  double t[25], conc[25], tau = 0.0;
  assert_int_equal(ru_sim_steady_profile(s, 25, t, conc, &tau, &err), RU_OK);
  double peak = 0.0;
  for (size_t j = 0; j < 25; j++) peak = fmax(peak, conc[j]);
  const double want = peak * ru_sim_compound_fu(s, 0) / ru_sim_compound_mw(s, 0); /* ng/mL / g/mol = uM */
  const double got = ru_pd_unbound_peak_um(s, 0, conc, 25);
  assert_true(want > 0.0);
  assert_true(fabs(got - want) <= 1e-12 * want);
  assert_true(isnan(ru_pd_unbound_peak_um(s, 1, conc, 25))); /* not a compound of s */
  assert_true(isnan(ru_pd_unbound_peak_um(s, 0, conc, 0)));
  ru_sim_free(s);
  ru_regimen_free(reg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_row_is_the_guidance_formula_from_the_kb_constants),
      cmocka_unit_test(no_perpetrator_concentration_means_r_of_one_and_no_liability),
      cmocka_unit_test(a_bad_concentration_or_a_small_buffer_is_an_error),
      cmocka_unit_test(the_screen_concentration_is_the_unbound_steady_state_peak),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
