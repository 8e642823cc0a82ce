/* Validation against published outcomes, asserted: each test runs one shipped set through the
 * same runner as `reuptake validate`, prints observed vs predicted per row with its source, and
 * asserts the summary the engagement issue asks for. Non-calibration rows are predictions:
 * nothing in the model was fitted to them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "reuptake.h"

#include "kb_fixture.h"

static ru_vset *run(const char *set) {
  ru_vset *v = NULL;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_validate_run(KB, set, NULL, NULL, &v, &err);
  if (st != RU_OK) fprintf(stderr, "%s\n", err.message);
  assert_int_equal(st, RU_OK);
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    printf("%-14s %-4s %-62.62s obs %-8.4g [%g-%g] pred %-8.4g err %-6.3g %s%s%s\n", r->id,
           r->calibration ? "cal" : "", r->what, r->observed, r->observed_low, r->observed_high,
           r->predicted, r->error, r->source, r->note[0] ? " | " : "", r->note);
  }
  return v;
}

static double metric(const ru_vset *v, const char *name, size_t *n) {
  for (size_t i = 0; i < v->nmetrics; i++) {
    if (strcmp(v->metrics[i].name, name) == 0) {
      if (n) *n = v->metrics[i].n;
      return v->metrics[i].value;
    }
  }
  return nan("");
}

/* PET occupancy predictions (pet_occupancy.csv: Klein 2007, Nogami 2013, Learned-Coughlin
 * 2003, the fluvoxamine 50 mg single-dose time course): every row runs — predicted, or its
 * missing KB value named in the note — and the mean absolute error is printed. The issue's
 * goal is MAE <= 8 pp; it is not met (docs/validation.md lists every miss and its cause).
 * Listed exception, not tuned: milnacipran (Nogami 2013), simulable since the KB gained its
 * label PK, is overpredicted by 23-47 pp at SERT and NET (no brain-exposure evidence: default
 * Kp,uu 1); asserted only as an overprediction. The bound on the other rows is a regression
 * guard chosen after seeing them (10.7 pp when set; 11.6 pp since methylphenidate's DAT
 * constant follows affinity rule 0 and bupropion's DAT row moved from 29 to 16 %; 10.5 pp since
 * bupropion's measured rat Kp,uu 2.0 moved that row to 24.5 %): 15 pp. */
static void test_pet_occupancy_predictions(void **state) {
  (void)state;
  ru_vset *v = run("pet");
  size_t n = 0, ncal = 0, npred = 0, k = 0;
  const double mae = metric(v, "mae_pp", &n);
  double sum = 0.0;
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    if (r->calibration) ncal++;
    else npred++;
    if (!isfinite(r->predicted)) {
      assert_non_null(strstr(r->note, "missing"));
      continue;
    }
    if (r->calibration) continue;
    if (strstr(r->what, "milnacipran") != NULL) {
      assert_true(r->predicted > r->observed);
      continue;
    }
    sum += r->error;
    k++;
  }
  printf("PET MAE %.3g pp over %zu predicted rows (goal 8 pp); without the listed milnacipran "
         "rows %.3g pp over %zu; %zu calibration + %zu prediction rows\n", mae, n,
         sum / (double)k, k, ncal, npred);
  assert_int_equal(ncal, 11);
  assert_int_equal(npred, 16);
  assert_true(k >= 8);
  assert_true(sum / (double)k <= 15.0);
  ru_vset_free(v);
}

/* --cross-validate on the PET set: every usable calibration row gets a held-out prediction from
 * the fit that left its study out; in-sample and held-out MAE are reported per target family;
 * one fold per study (Meyer 2001, Meyer 2004, Sekine 2010, Volkow 1998). SERT and NET rest on
 * constants of one study (Tatsumi 1997) and share one factor, so leaving out Sekine (the only
 * NET study) predicts NET with the factor the SERT rows give, and the fold says so; DAT
 * (Volkow, GtoPdb constant) is then predicted uncalibrated (factor 1). The goal bound (CV <= 8
 * pp and <= 1.3x in-sample) is asserted as a regression guard, set after seeing 5.40 vs 5.02 pp
 * (before the shared factor: 9.35 vs 5.02). */
static void test_pet_cross_validation_reports_held_out_error(void **state) {
  (void)state;
  ru_vset *v = NULL;
  ru_error err;
  const ru_validate_options opt = {NULL, 0, 1};
  assert_int_equal(ru_validate_run(KB, "pet", NULL, &opt, &v, &err), RU_OK);
  assert_true(v->cross_validated);
  size_t n = 0;
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    if (r->calibration && isfinite(r->predicted)) {
      assert_true(isfinite(r->cv_predicted));
      n++;
    }
    if (!r->calibration) assert_true(isnan(r->cv_predicted));
  }
  double cv = nan(""), in = nan("");
  for (size_t q = 0; q < v->ncv; q++) {
    printf("cv.%-24s %.4g (n=%zu)\n", v->cv[q].name, v->cv[q].value, v->cv[q].n);
    if (strcmp(v->cv[q].name, "mae_pp") == 0) cv = v->cv[q].value;
    if (strcmp(v->cv[q].name, "in_sample_mae_pp") == 0) in = v->cv[q].value;
  }
  printf("PET calibration: in-sample MAE %.3g pp, leave-one-study-out MAE %.3g pp over %zu rows "
         "(goal: CV <= 8 pp and <= 1.3x in-sample)\n", in, cv, n);
  assert_true(isfinite(cv) && isfinite(in));
  assert_true(cv >= in);
  assert_true(cv <= 8.0 && cv <= 1.3 * in);
  assert_int_equal(v->nfolds, 4);
  int uncalibrated = 0, shared = 0;
  for (size_t g = 0; g < v->nfolds; g++) {
    printf("without %s: %s\n", v->folds[g].study, v->folds[g].note);
    uncalibrated += strstr(v->folds[g].note, "uncalibrated") != NULL;
    shared += strstr(v->folds[g].note, "NET: no rows of its own left, the factor it shares "
                                       "(one assay, tatsumi1997)") != NULL;
  }
  assert_int_equal(uncalibrated, 1); /* DAT (Volkow) has one study and its own assay */
  assert_int_equal(shared, 1);       /* NET (Sekine) shares SERT's assay */
  ru_vset_free(v);
}

/* The fitted scaling factors in the KB are exactly what `validate --calibrate` refits from the
 * calibration rows alone (the fit is rerunnable and its result is what the model uses). A
 * calibration row the KB cannot predict is listed as not used, with its reason. */
static void test_scaling_in_kb_is_the_calibration_fit(void **state) {
  (void)state;
  ru_calibration cal[RU_VALIDATE_MAX_PARAMS];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_validate_calibrate(KB, NULL, NULL, cal, RU_VALIDATE_MAX_PARAMS, &n, &err),
                   RU_OK);
  assert_int_equal(n, 3);
  for (size_t i = 0; i < n; i++) {
    ru_value f;
    assert_int_equal(ru_kb_scaling(KB, cal[i].target, &f, &err), RU_OK);
    printf("%s: fitted %.6g on %s, KB %.6g (%s)\n", cal[i].target, cal[i].factor, cal[i].rows,
           f.value, f.source);
    assert_int_equal(f.status, RU_VALUE_CALIBRATED);
    assert_float_equal(f.value, cal[i].factor, 1e-4 * cal[i].factor);
    assert_null(strstr(cal[i].rows, "pet-")); /* only calibration rows */
    for (size_t e = 0; e < cal[i].nentries; e++) {
      const ru_calibration_row *r = &cal[i].entries[e];
      printf("  %-26s used %d residual %+.3g pp %s\n", r->id, r->used, r->residual_pp, r->note);
      if (!r->used) assert_non_null(strstr(r->note, "missing"));
      else assert_true(isfinite(r->residual_pp));
    }
  }
  ru_calibration_free(cal, n);
}

/* --- synthetic calibration tables: a known factor must come back ------------------------------ */

#define SYN_F 3.3
/* nortriptyline levels (ng/mL) of two synthetic studies, three rows each */
static const double SYN_LEVEL[6] = {10.0, 30.0, 90.0, 15.0, 45.0, 120.0};

/* Hand occupancy of a drug at a measured level: Cu,brain = C fu / MW * 1000 * Kp,uu, x = Cu / Ki. */
static double occ_at_level_pct(const char *drug, const char *target, double level, double factor) {
  ru_compound c;
  ru_value ki, kp;
  int dflt = 0;
  ru_error err;
  assert_int_equal(ru_kb_compound(KB, drug, &c, &err), RU_OK);
  assert_int_equal(ru_kb_affinity(KB, drug, target, &ki, &err), RU_OK);
  assert_int_equal(ru_pd_compound_kpuu_brain(KB, drug, &kp, &dflt, &err), RU_OK);
  const double x = level * c.pk.fu.value / c.mw_g_per_mol.value * 1000.0 * kp.value / ki.value;
  return 100.0 * (x / factor) / (1.0 + x / factor);
}

static double syn_occ_pct(double level, double factor) {
  return occ_at_level_pct("nortriptyline", "NET", level, factor);
}

/* Opens build/tests/calibration_<stem>_<pid>.csv (a calibration_* name: its rows may be
 * fitted) into path[512] and writes the PET header. */
static FILE *open_synthetic(const char *stem, char *path) {
  snprintf(path, 512, "%s/tests/calibration_%s_%d.csv", RU_BINARY_DIR, stem, (int)getpid());
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "id,drug,target,regimen,time_after_last_dose_h,conc_ng_per_ml,observed_pct,"
             "observed_sd,observed_low,observed_high,n,method,region,population,source,notes\n");
  return f;
}

/* Writes calibration_synthetic.csv: observed = hand occupancy under SYN_F, +/- noise_pp
 * alternating inside each study. Returns the path (static buffer). */
static const char *write_synthetic(double noise_pp) {
  static char path[512];
  FILE *f = open_synthetic("synthetic", path);
  for (size_t i = 0; i < 6; i++) {
    const double o = syn_occ_pct(SYN_LEVEL[i], SYN_F) + ((i % 2) ? noise_pp : -noise_pp);
    fprintf(f, "syn-%zu,nortriptyline,NET,,,%.17g,%.17g,,,,,synthetic,,,%s,\n", i, SYN_LEVEL[i], o,
            i < 3 ? "Synthetic study A" : "Synthetic study B");
  }
  fclose(f);
  return path;
}

static double cv_metric(const ru_vset *v, const char *name) {
  for (size_t q = 0; q < v->ncv; q++)
    if (strcmp(v->cv[q].name, name) == 0) return v->cv[q].value;
  return nan("");
}

/* Noise-free rows generated with a factor of 3.3: --calibrate recovers it, and the
 * leave-one-study-out refits predict the held-out study exactly. */
static void test_calibration_recovers_a_known_factor(void **state) {
  (void)state;
  const char *path = write_synthetic(0.0);
  ru_calibration cal[4];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_validate_calibrate(KB, path, NULL, cal, 4, &n, &err), RU_OK);
  assert_int_equal(n, 1);
  assert_string_equal(cal[0].target, "NET");
  assert_float_equal(cal[0].factor, SYN_F, 1e-6 * SYN_F);
  assert_true(cal[0].rmse_pp < 1e-6);
  ru_calibration_free(cal, n);
  ru_vset *v = NULL;
  const ru_validate_options opt = {NULL, 0, 1};
  assert_int_equal(ru_validate_run(KB, "pet", path, &opt, &v, &err), RU_OK);
  assert_int_equal(v->nfolds, 2);
  for (size_t g = 0; g < v->nfolds; g++) assert_float_equal(v->folds[g].value[0], SYN_F, 1e-5);
  assert_true(cv_metric(v, "mae_pp") < 1e-5);
  ru_vset_free(v);
  remove(path);
}

/* With +/-2 pp noise around the right model, the held-out error stays near the in-sample error
 * (within 1.3x: not overfitted) and the factor is recovered within 10 %. */
static void test_cross_validation_error_near_in_sample_for_a_right_model(void **state) {
  (void)state;
  const char *path = write_synthetic(2.0);
  ru_vset *v = NULL;
  ru_error err;
  const ru_validate_options opt = {NULL, 0, 1};
  assert_int_equal(ru_validate_run(KB, "pet", path, &opt, &v, &err), RU_OK);
  const double cv = cv_metric(v, "mae_pp"), in = cv_metric(v, "in_sample_mae_pp");
  printf("synthetic NET factor 3.3 +/- 2 pp: in-sample MAE %.4g pp, held-out MAE %.4g pp\n", in, cv);
  assert_true(cv <= 1.3 * in);
  for (size_t g = 0; g < v->nfolds; g++) assert_float_equal(v->folds[g].value[0], SYN_F, 0.1 * SYN_F);
  ru_vset_free(v);
  remove(path);
}

/* Writes a synthetic calibration table of measured-level rows: study A nortriptyline at NET
 * (factor f_net), study B `drug` at `target` (factor f_other), three rows each, noise-free. */
static const char *write_two_families(const char *drug, const char *target, double f_net,
                                      double f_other) {
  static char path[512];
  FILE *f = open_synthetic("twofam", path);
  static const double other_level[3] = {2.0, 8.0, 30.0};
  for (size_t i = 0; i < 3; i++) {
    fprintf(f, "net-%zu,nortriptyline,NET,,,%.17g,%.17g,,,,,synthetic,,,Synthetic study A,\n", i,
            SYN_LEVEL[i], occ_at_level_pct("nortriptyline", "NET", SYN_LEVEL[i], f_net));
    fprintf(f, "oth-%zu,%s,%s,,,%.17g,%.17g,,,,,synthetic,,,Synthetic study B,\n", i, drug, target,
            other_level[i], occ_at_level_pct(drug, target, other_level[i], f_other));
  }
  fclose(f);
  return path;
}

/* The factor maps one assay's in-vitro scale to in vivo: nortriptyline (NET) and paroxetine
 * (SERT) both have Tatsumi 1997 constants, so rows generated with one factor give one shared
 * factor, and leaving out the only NET study still predicts it exactly (with the factor the
 * SERT rows give). */
static void test_families_on_one_assay_share_a_factor(void **state) {
  (void)state;
  ru_value a, b;
  ru_error err;
  assert_int_equal(ru_kb_affinity(KB, "nortriptyline", "NET", &a, &err), RU_OK);
  assert_int_equal(ru_kb_affinity(KB, "paroxetine", "SERT", &b, &err), RU_OK);
  assert_string_equal(a.source, b.source);
  const char *path = write_two_families("paroxetine", "SERT", SYN_F, SYN_F);
  ru_calibration cal[4];
  size_t n = 0;
  assert_int_equal(ru_validate_calibrate(KB, path, NULL, cal, 4, &n, &err), RU_OK);
  assert_int_equal(n, 2);
  for (size_t k = 0; k < n; k++) {
    assert_float_equal(cal[k].factor, SYN_F, 1e-6 * SYN_F);
    assert_int_equal(cal[k].nrows, 6); /* fitted on both studies' rows */
  }
  ru_calibration_free(cal, n);
  ru_vset *v = NULL;
  const ru_validate_options opt = {NULL, 0, 1};
  assert_int_equal(ru_validate_run(KB, "pet", path, &opt, &v, &err), RU_OK);
  assert_int_equal(v->nfolds, 2);
  for (size_t g = 0; g < v->nfolds; g++) {
    assert_null(strstr(v->folds[g].note, "uncalibrated"));
    assert_float_equal(v->folds[g].value[0], SYN_F, 1e-5);
  }
  assert_true(cv_metric(v, "mae_pp") < 1e-5);
  ru_vset_free(v);
  remove(path);
}

/* Families whose constants come from different studies keep their own factors:
 * nortriptyline NET (Tatsumi 1997) and methylphenidate DAT (GtoPdb), generated with 3.3 and
 * 1.5, come back as 3.3 and 1.5. */
static void test_families_on_different_assays_keep_their_own_factors(void **state) {
  (void)state;
  const char *path = write_two_families("methylphenidate", "DAT", SYN_F, 1.5);
  ru_calibration cal[4];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_validate_calibrate(KB, path, NULL, cal, 4, &n, &err), RU_OK);
  assert_int_equal(n, 2);
  for (size_t k = 0; k < n; k++) {
    const double want = strcmp(cal[k].target, "NET") == 0 ? SYN_F : 1.5;
    assert_float_equal(cal[k].factor, want, 1e-6 * want);
    assert_int_equal(cal[k].nrows, 3);
  }
  ru_calibration_free(cal, n);
  remove(path);
}

/* A single-dose PET row at hours after the dose is the occupancy of the full PK time course at
 * that time (the same library call `reuptake occupancy --at` uses); the peak row is the
 * maximum of the course. */
static void test_single_dose_rows_follow_the_time_course(void **state) {
  (void)state;
  char path[512];
  snprintf(path, sizeof path, "%s/tests/pet_single_%d.csv", RU_BINARY_DIR, (int)getpid());
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "id,drug,target,regimen,time_after_last_dose_h,conc_ng_per_ml,observed_pct,source\n"
             "a,fluvoxamine,SERT,fluvoxamine:50mg,5,,50,S\n"
             "b,fluvoxamine,SERT,fluvoxamine:50mg,26,,50,S\n"
             "c,fluvoxamine,SERT,fluvoxamine:50mg,peak,,50,S\n");
  fclose(f);
  ru_vset *v = NULL;
  ru_error err;
  assert_int_equal(ru_validate_run(KB, "pet", path, NULL, &v, &err), RU_OK);
  assert_int_equal(v->nrows, 3);
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "fluvoxamine:50mg", &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  const char *target = "SERT";
  const double at[2] = {5.0, 26.0};
  for (size_t k = 0; k < 2; k++) {
    ru_pd_summary sum;
    assert_int_equal(ru_pd_at_time(KB, s, &target, 1, at[k], &sum, &err), RU_OK);
    printf("fluvoxamine 50 mg, %g h: row %.4g %%, library %.4g %%\n", at[k], v->rows[k].predicted,
           100.0 * sum.mean);
    assert_float_equal(v->rows[k].predicted, 100.0 * sum.mean, 1e-9);
    ru_pd_summary_free(&sum, 1);
  }
  assert_true(v->rows[1].predicted < v->rows[0].predicted); /* washout */
  assert_true(v->rows[2].predicted >= v->rows[0].predicted - 1e-6); /* 0.1 h grid */
  ru_sim_free(s);
  ru_regimen_free(r);
  ru_vset_free(v);
  remove(path);
}

/* CYP2D6 PM/NM calibration rows (calibration_pm_nm.csv): atomoxetine's are reproduced inside
 * the published ranges. Paroxetine's single-dose ratio (Sindrup 1992, 7.1) is where the KB's fm
 * came from (fm = 1 - 1/ratio, assuming a linear first dose); the model's own CYP2D6
 * inactivation during that dose breaks the assumption, so it is printed, not asserted. The
 * prediction rows (pm_nm.csv: paroxetine at steady state; desipramine, Brosen 1993) are all
 * predicted and graded, never fitted. */
static void test_poor_metabolizer_rows_reproduced(void **state) {
  (void)state;
  ru_vset *v = run("pm");
  size_t ncal = 0, npred = 0;
  for (size_t i = 0; i < v->nrows; i++) {
    if (v->rows[i].calibration) {
      printf("%s: predicted %.3g (%.3gx)\n", v->rows[i].id, v->rows[i].predicted, v->rows[i].error);
      if (strncmp(v->rows[i].id, "cal-pm-atx-", 11) == 0) assert_float_equal(v->rows[i].error, 1.0, 1e-12);
      ncal++;
    } else {
      printf("%s: predicted %.3g, observed %.3g (%.3gx)\n", v->rows[i].id, v->rows[i].predicted,
             v->rows[i].observed, v->rows[i].error);
      assert_true(isfinite(v->rows[i].error));
      npred++;
    }
  }
  assert_int_equal(ncal, 3);
  assert_true(npred >= 2);
  ru_vset_free(v);
}

/* Clinical DDI ratios (ddi.csv). Every row the KB has inhibition constants for is within
 * 1.25x (paroxetine -> desipramine, Alderman 1997). Rows whose perpetrator has no usable
 * constant in the KB (duloxetine: no in-vitro Ki found) are reported, not tuned; the overall
 * GMFE and the 2x share are printed and bounded by what the KB supports today. */
static void test_ddi_ratio_predictions(void **state) {
  (void)state;
  ru_vset *v = run("ddi");
  size_t n = 0;
  const double gmfe = metric(v, "gmfe", &n);
  const double w2 = metric(v, "within_2x", NULL);
  printf("DDI GMFE %.3g over %zu rows, within 2x %.3g (issue target: GMFE <= 1.25, all within 2x)\n",
         gmfe, n, w2);
  /* The original Alderman/Skinner/desvenlafaxine rows (ids ddi-*): predicted, paroxetine within
   * 1.25x, all but duloxetine (no sourced CYP2D6 Ki) within 2x. The 11 rows added from
   * ../shared/validation/ddi.csv in issue 9 are reported, not asserted (their misses and causes
   * are listed in docs/validation.md); every unpredicted row names its reason. */
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    if (!isfinite(r->predicted)) assert_true(r->note[0] != '\0');
    if (strncmp(r->id, "ddi-", 4) != 0) continue;
    assert_true(isfinite(r->predicted));
    if (strstr(r->what, "paroxetine") != NULL) assert_true(r->error <= 1.25);
    if (strstr(r->what, "duloxetine") == NULL) assert_true(r->within_2x);
  }
  assert_true(isfinite(gmfe) && gmfe < 2.5);
  ru_vset_free(v);
}

/* The microdialysis, firing and physiology sets (about 200 published rows since issue 12) are
 * tested in tests/unit/test_synapse_validation.c. */

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pet_occupancy_predictions),
      cmocka_unit_test(test_pet_cross_validation_reports_held_out_error),
      cmocka_unit_test(test_scaling_in_kb_is_the_calibration_fit),
      cmocka_unit_test(test_calibration_recovers_a_known_factor),
      cmocka_unit_test(test_families_on_one_assay_share_a_factor),
      cmocka_unit_test(test_families_on_different_assays_keep_their_own_factors),
      cmocka_unit_test(test_cross_validation_error_near_in_sample_for_a_right_model),
      cmocka_unit_test(test_single_dose_rows_follow_the_time_course),
      cmocka_unit_test(test_poor_metabolizer_rows_reproduced),
      cmocka_unit_test(test_ddi_ratio_predictions),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
