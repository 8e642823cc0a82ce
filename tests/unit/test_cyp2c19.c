/* CYP2C19 phenotypes end to end (data/phenotypes.csv, data/pk.csv fm.CYP2C19): the phenotype
 * scales the enzyme's share of clearance, CL = CL_NM * (1 - fm + fm * a), exactly as CYP2D6.
 *
 * Sertraline: fm.CYP2C19 = 1 - 1/2.68 and the IM/UM activities were DERIVED from the Bråten et
 * al. 2020 (Neuropsychopharmacology 45:570, Table 3) concentration ratios PM 2.68, IM 1.38,
 * UM 0.89 vs NM. Those rows are inputs of the knowledge base, so the sertraline tests below are
 * consistency checks of the derivation and of the model's use of it, not predictions. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake.h"

#include "kb_fixture.h"

/* |a - b| <= tol, in double (this cmocka has no assert_double_equal) */
#define assert_close(a, b, tol)                                                                  \
  do {                                                                                           \
    const double a_ = (a), b_ = (b);                                                             \
    if (!(fabs(a_ - b_) <= (tol))) fail_msg("%.12g != %.12g (tol %g)", a_, b_, (double)(tol));  \
  } while (0)

/* Steady-state AUC over the dosing interval of the regimen's parent under phenotype (or NULL). */
static double steady_auc(const char *regimen, const char *compound, const char *phenotype) {
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, regimen, &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  if (phenotype) assert_int_equal(ru_sim_set_phenotype(s, phenotype, &err), RU_OK);
  ru_exposure e[16];
  assert_true(ru_sim_compound_count(s) <= 16);
  assert_int_equal(ru_sim_exposure(s, e, &err), RU_OK);
  const long i = ru_sim_compound_index(s, compound);
  assert_true(i >= 0);
  const double auc = e[i].auc_ng_h_per_ml;
  ru_sim_free(s);
  ru_regimen_free(r);
  assert_true(isfinite(auc) && auc > 0.0);
  return auc;
}

/* Bråten 2020 Table 3: CYP2C19 PM / NM sertraline 2.68. This row is an INPUT (fm = 1 - 1/2.68),
 * so matching it checks the derivation and the model, it does not validate a prediction. */
static void test_sertraline_cyp2c19_pm_exposure_matches_braten2020(void **state) {
  (void)state;
  const double nm = steady_auc("sertraline:100mg:q24h", "sertraline", "CYP2C19=NM");
  const double pm = steady_auc("sertraline:100mg:q24h", "sertraline", "CYP2C19=PM");
  const double none = steady_auc("sertraline:100mg:q24h", "sertraline", NULL);
  assert_close(none, nm, 1e-9 * nm); /* no phenotype given = NM */
  assert_close(pm / nm, 2.68, 1e-6);
}

/* Same table, IM 1.38 and UM 0.89 vs NM: the inputs of the IM/UM activities (consistency). */
static void test_cyp2c19_im_and_um_ratios(void **state) {
  (void)state;
  const double nm = steady_auc("sertraline:100mg:q24h", "sertraline", "CYP2C19=NM");
  const double im = steady_auc("sertraline:100mg:q24h", "sertraline", "CYP2C19=IM");
  const double um = steady_auc("sertraline:100mg:q24h", "sertraline", "CYP2C19=UM");
  assert_close(im / nm, 1.38, 1e-6);
  assert_close(um / nm, 0.89, 1e-6);
}

/* An unknown phenotype (and RM, which has no sourced activity, and an activity score, which
 * CPIC defines for CYP2D6 only) is the caller's input error (CLI exit 2). */
static void test_unknown_cyp2c19_phenotype_is_input_error(void **state) {
  (void)state;
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "sertraline:100mg:q24h", &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  const char *bad[] = {"CYP2C19=XM", "CYP2C19=RM", "CYP2C19=AS1.5", "CYP2C19=", "CYP2C19"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    const ru_status st = ru_sim_set_phenotype(s, bad[k], &err);
    assert_true(st != RU_OK);
    if (!ru_status_is_input_error(st)) fail_msg("%s: status %d is not an input error", bad[k], (int)st);
  }
  assert_int_equal(ru_sim_set_phenotype(s, "CYP2C19=XM", &err), RU_ENOTFOUND);
  assert_non_null(strstr(err.message, "'XM'")); /* the message names the bad part */
  /* and the model still runs as NM afterwards */
  assert_int_equal(ru_sim_set_phenotype(s, "cyp2c19=pm", &err), RU_OK);
  ru_sim_free(s);
  ru_regimen_free(r);
}

/* Citalopram fm.CYP2C19 (0.51, an upper bound derived from the Swiss SmPC demethylation share):
 * only the direction is asserted — no in-vivo PM/NM ratio is in ../shared to test magnitude. */
static void test_citalopram_cyp2c19_pm_raises_exposure(void **state) {
  (void)state;
  const double nm = steady_auc("citalopram:20mg:q24h", "citalopram", "CYP2C19=NM");
  const double pm = steady_auc("citalopram:20mg:q24h", "citalopram", "CYP2C19=PM");
  const double um = steady_auc("citalopram:20mg:q24h", "citalopram", "CYP2C19=UM");
  assert_true(pm > nm * 1.05);
  assert_true(um < nm);
  const double enm = steady_auc("escitalopram:10mg:q24h", "escitalopram", "CYP2C19=NM");
  const double epm = steady_auc("escitalopram:10mg:q24h", "escitalopram", "CYP2C19=PM");
  assert_true(epm > enm * 1.05);
}

/* A CYP2C19 phenotype leaves a drug without fm.CYP2C19 alone, and CYP2D6 alone. */
static void test_cyp2c19_phenotype_leaves_cyp2d6_substrate_alone(void **state) {
  (void)state;
  /* desipramine: fm.CYP2D6 only (atomoxetine now also has fm.CYP2C19 0.113, Huang 2017) */
  const double nm = steady_auc("desipramine:50mg:q24h", "desipramine", NULL);
  const double pm = steady_auc("desipramine:50mg:q24h", "desipramine", "CYP2C19=PM");
  assert_close(pm, nm, 1e-12 * nm);
}

/* Population: CYP2C19 is drawn (independently, its own random stream) for an ancestry with
 * CYP2C19 frequencies, and a fixed CYP2C19 phenotype turns the draw off. */
static void test_population_draws_cyp2c19_for_european(void **state) {
  (void)state;
  ru_error err;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "sertraline:100mg:q24h", &err), RU_OK);
  double t[8];
  for (size_t j = 0; j < 8; j++) t[j] = 24.0 * (double)j;
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.times_h = t;
  cfg.nt = 8;
  cfg.ancestry = "european";
  ru_pop *p = NULL;
  assert_int_equal(ru_pop_new(KB, r, &cfg, &p, &err), RU_OK);
  assert_int_equal(ru_pop_cyp2c19_count(p), 5);
  size_t pm = 5, rm = 5;
  for (size_t h = 0; h < 5; h++) {
    if (strcmp(ru_pop_cyp2c19_name(p, h), "PM") == 0) pm = h;
    if (strcmp(ru_pop_cyp2c19_name(p, h), "RM") == 0) rm = h;
  }
  assert_true(pm < 5 && rm < 5);
  int as_nm = 0;
  assert_close(ru_pop_cyp2c19_activity(p, pm, &as_nm), 0.0, 0.0);
  assert_int_equal(as_nm, 0);
  assert_close(ru_pop_cyp2c19_activity(p, rm, &as_nm), 1.0, 0.0);
  assert_int_equal(as_nm, 1);
  size_t n[5] = {0};
  const size_t N = 4000;
  ru_pop_subject subj;
  for (uint64_t i = 0; i < N; i++) {
    assert_int_equal(ru_pop_subject_run(p, i, &subj, NULL, NULL, &err), RU_OK);
    n[subj.cyp2c19]++;
  }
  double total = 0.0;
  for (size_t h = 0; h < 5; h++) total += ru_pop_cyp2c19_frequency(p, h);
  for (size_t h = 0; h < 5; h++) {
    const double q = ru_pop_cyp2c19_frequency(p, h) / total;
    const double sd = sqrt((double)N * q * (1.0 - q));
    if (fabs((double)n[h] - (double)N * q) > 5.0 * sd + 1.0) {
      fail_msg("%s: %zu drawn, expected %.1f", ru_pop_cyp2c19_name(p, h), n[h], (double)N * q);
    }
  }
  ru_pop_free(p);
  const char *fixed[] = {"CYP2C19=PM"};
  cfg.phenotypes = fixed;
  cfg.nphenotypes = 1;
  assert_int_equal(ru_pop_new(KB, r, &cfg, &p, &err), RU_OK);
  assert_int_equal(ru_pop_cyp2c19_count(p), 0);
  ru_pop_free(p);
  ru_regimen_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sertraline_cyp2c19_pm_exposure_matches_braten2020),
      cmocka_unit_test(test_cyp2c19_im_and_um_ratios),
      cmocka_unit_test(test_unknown_cyp2c19_phenotype_is_input_error),
      cmocka_unit_test(test_citalopram_cyp2c19_pm_raises_exposure),
      cmocka_unit_test(test_cyp2c19_phenotype_leaves_cyp2d6_substrate_alone),
      cmocka_unit_test(test_population_draws_cyp2c19_for_european),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
