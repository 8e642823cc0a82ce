/* Paroxetine's nonlinearity on the physiological route (issue 10), each check beside its
 * published number. Predictions, not fits: no parameter was tuned to these rows. The
 * assertions are the published findings' directions (what the mechanism must produce); the
 * published magnitudes are printed beside the predictions and graded in `reuptake validate`
 * (validation/pm_nm.csv, washout.csv, pk_reference.csv), where the misses are reported.
 *
 * Sindrup SH, Brosen K, Gram LF et al. 1992 Clin Pharmacol Ther 51:278-287 (30 mg single dose,
 * then 30 mg/day for 2 weeks; 9 EMs, 8 PMs of sparteine; medians): AUC after the first dose 550
 * (EM) vs 3910 (PM) nmol*h/L, AUCss,tau 2550 vs 4410 nmol*h/L; "linear in poor metabolizers and
 * nonlinear only in extensive metabolizers".
 * Liston HL et al. 2002 J Clin Psychopharmacol 22:169-173: after 20 mg/day for 10 days, CYP2D6
 * inhibition half-life 2.9 +/- 1.9 days (dextromethorphan metabolic ratio). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "reuptake.h"

#include "kb_fixture.h"

static double auc_of(const char *regimen, const char *phenotype) {
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, regimen, &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  assert_int_equal(ru_sim_set_phenotype(s, phenotype, &err), RU_OK);
  ru_exposure e[8];
  assert_true(ru_sim_compound_count(s) <= 8);
  assert_int_equal(ru_sim_exposure(s, e, &err), RU_OK);
  const long i = ru_sim_compound_index(s, "paroxetine");
  assert_true(i >= 0);
  ru_sim_free(s);
  ru_regimen_free(r);
  return e[i].auc_ng_h_per_ml;
}

/* AUCss,tau / AUC0-inf(first dose): 1 for a linear drug. Published EM 2550/550 = 4.6,
 * PM 4410/3910 = 1.13. */
static void accumulation_is_more_than_linear_only_in_normal_metabolizers(void **state) {
  (void)state;
  const double nm = auc_of("paroxetine:30mg:q24h", "CYP2D6=NM") / auc_of("paroxetine:30mg", "CYP2D6=NM");
  const double pm = auc_of("paroxetine:30mg:q24h", "CYP2D6=PM") / auc_of("paroxetine:30mg", "CYP2D6=PM");
  printf("accumulation AUCss,tau/AUCsingle: NM %.3g (published EM 4.6), PM %.3g (published 1.13)\n",
         nm, pm);
  assert_true(nm > 1.5);
  assert_float_equal(pm, 1.0, 0.15);
}

/* Published PM/EM AUC: 7.1 after the first dose, 1.73 at steady state. */
static void phenotype_contrast_shrinks_at_steady_state(void **state) {
  (void)state;
  const double single = auc_of("paroxetine:30mg", "CYP2D6=PM") / auc_of("paroxetine:30mg", "CYP2D6=NM");
  const double ss = auc_of("paroxetine:30mg:q24h", "CYP2D6=PM") / auc_of("paroxetine:30mg:q24h", "CYP2D6=NM");
  printf("PM/NM AUC: single %.3g (published 7.1), steady state %.3g (published 1.73)\n", single, ss);
  assert_true(single > 2.0);
  assert_true(single > 1.5 * ss);
}

/* CYP2D6 comes back after paroxetine stops: Liston 2002 t1/2,inh 2.9 d, baseline by about
 * 20 days (time for the extrapolated ratio to return to baseline 20.3 +/- 6.4 d). */
static void cyp2d6_recovers_after_paroxetine_stops(void **state) {
  (void)state;
  const char *p[1] = {"paroxetine:20mg:q24h"};
  ru_ddi_options o = {NULL, 0, NULL, 0, 240.0, RU_SOLVER_AUTO, 0.0};
  ru_ddi_course c;
  ru_error err;
  assert_int_equal(ru_ddi_time_course(KB, NULL, p, 1, &o, "CYP2D6", &c, &err), RU_OK);
  printf("CYP2D6 after 20 mg/day x 10 d: lost %.3g at the stop; half back after %.3g d "
         "(published t1/2,inh 2.9 d), 90 %% after %.3g d\n",
         c.effect, c.recovery_50_h / 24.0, c.recovery_90_h / 24.0);
  assert_true(c.effect > 0.5);
  assert_true(isfinite(c.recovery_50_h) && isfinite(c.recovery_90_h));
  assert_true(c.recovery_90_h > c.recovery_50_h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(accumulation_is_more_than_linear_only_in_normal_metabolizers),
      cmocka_unit_test(phenotype_contrast_shrinks_at_steady_state),
      cmocka_unit_test(cyp2d6_recovers_after_paroxetine_stops),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
