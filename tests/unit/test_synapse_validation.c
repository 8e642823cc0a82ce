/* The synapse-layer validation sets run end to end: every included row is predicted or says
 * why not, calibration rows are marked, the metrics are reported, and the leave-one-study-out
 * machinery refits without the held-out study. The hit rates asserted are floors at the values
 * measured when the sets were built (docs/synapse.md section 5); they guard against regressions
 * and are not targets anything was tuned to. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "reuptake/kb.h"
#include "reuptake/validate.h"
#include "validation/synapse_rows.h"

#include "kb_fixture.h"

static double metric(const ru_vset *v, const char *name) {
  for (size_t i = 0; i < v->nmetrics; i++) {
    if (strcmp(v->metrics[i].name, name) == 0) {
      return v->metrics[i].value;
    }
  }
  return (double)NAN;
}

static ru_vset *run(const char *set) {
  ru_vset *v = NULL;
  ru_error err;
  if (ru_validate_run(KB, set, NULL, NULL, &v, &err) != RU_OK) {
    fail_msg("%s: %s", set, err.message);
  }
  return v;
}

static void check_rows(const ru_vset *v) {
  size_t npred = 0;
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    if (isfinite(r->predicted)) {
      npred++;
    } else {
      /* never silent: a row that is not predicted says why */
      assert_true(r->note[0] != '\0');
    }
  }
  assert_true(npred > 0);
}

/* Under AddressSanitizer a run of the whole microdialysis or firing set costs ~15x (90 s):
 * the sanitizer build runs their rows' code through the physiology set and the user table
 * below; the normal build runs the sets and checks their hit rates. */
#if defined(__SANITIZE_ADDRESS__)
#define RU_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RU_TEST_SANITIZED 1
#endif
#endif
#ifndef RU_TEST_SANITIZED
#define RU_TEST_SANITIZED 0
#endif

static void test_microdialysis_set(void **state) {
  (void)state;
  if (RU_TEST_SANITIZED) {
    skip();
  }
  ru_vset *v = run("microdialysis");
  check_rows(v);
  const double hit = metric(v, "within_tolerance");
  const double cal = metric(v, "calibration_within_tolerance");
  printf("microdialysis: predictions within tolerance %.3f, calibration %.3f\n", hit, cal);
  assert_true(hit >= 0.38); /* regression guard at the level of this commit (docs/synapse.md) */
  assert_true(cal >= 0.75);
  ru_vset_free(v);
}

static void test_firing_set(void **state) {
  (void)state;
  if (RU_TEST_SANITIZED) {
    skip();
  }
  ru_vset *v = run("firing");
  check_rows(v);
  const double hit = metric(v, "within_tolerance");
  printf("firing: predictions within tolerance %.3f\n", hit);
  assert_true(isfinite(hit));
  ru_vset_free(v);
}

static void test_physiology_set(void **state) {
  (void)state;
  ru_vset *v = run("physiology");
  check_rows(v);
  const double hit = metric(v, "within_tolerance");
  printf("physiology: predictions within tolerance %.3f\n", hit);
  assert_true(hit >= 0.45); /* regression guard (docs/synapse.md; Esler 1991 i.v. rows miss) */
  assert_float_equal(metric(v, "inside_reference_range"), 1.0, 0.0);
  ru_vset_free(v);
}

/* The rat dose rule: a rat given duloxetine 5 mg/kg s.c. occupies SERT and NET as D/(D + ED50)
 * with the rat ex-vivo binding ED50s 0.03 and 0.7 mg/kg (Bymaster 2001 Neuropsychopharmacology
 * 25:871-880), held for the acute window; a mouse, an i.v. bolus or a chronic schedule keeps the
 * allometric human mapping (a time course). */
static rui_syn_row dose_row(const char *species, const char *doses, double days) {
  rui_syn_row r;
  memset(&r, 0, sizeof r);
  r.kind = SYN_MICRODIALYSIS;
  r.include = 1;
  snprintf(r.species, sizeof r.species, "%s", species);
  snprintf(r.doses, sizeof r.doses, "%s", doses);
  snprintf(r.region, sizeof r.region, "pfc");
  snprintf(r.measure, sizeof r.measure, "NE");
  snprintf(r.sample, sizeof r.sample, "%s", days > 0.0 ? "end" : "peak");
  snprintf(r.schedule, sizeof r.schedule, "%s", days > 0.0 ? "infusion" : "single");
  r.days = days;
  for (size_t j = 0; j < RU_SYN_NINPUTS; j++) {
    r.local[j] = -1.0;
  }
  return r;
}

static void test_rat_dose_uses_the_ex_vivo_ed50_where_the_kb_holds_one(void **state) {
  (void)state;
  rui_syn_row r = dose_row("rat", "duloxetine:5mg/kg:sc", 0.0);
  assert_int_equal(rui_syn_prepare(KB, &r, NULL), RU_OK);
  assert_int_equal(r.nt, 0);
  assert_float_equal(r.in0[RU_SYN_SERT], 5.0 / (5.0 + 0.03), 1e-12);
  assert_float_equal(r.in0[RU_SYN_NET], 5.0 / (5.0 + 0.7), 1e-12);
  assert_float_equal(r.in0[RU_SYN_DAT], 0.0, 0.0);
  rui_free(r.t);
  rui_free(r.in);
  static const struct {
    const char *species, *doses;
    double days;
  } allometric[] = {{"mouse", "duloxetine:5mg/kg:sc", 0.0},
                    {"rat", "duloxetine:0.5mg/kg:iv", 0.0},
                    {"rat", "duloxetine:10mg/kg/d:infusion", 14.0},
                    {"rat", "fluvoxamine:30mg/kg:po", 0.0}};
  for (size_t i = 0; i < sizeof allometric / sizeof allometric[0]; i++) {
    rui_syn_row a = dose_row(allometric[i].species, allometric[i].doses, allometric[i].days);
    assert_int_equal(rui_syn_prepare(KB, &a, NULL), RU_OK);
    assert_true(a.nt > 0);
    rui_free(a.t);
    rui_free(a.in);
  }
}

/* fit(subset) for leave-one-study-out: a block whose rows are all kept keeps the knowledge-base
 * values (the all-rows fit), a block with some rows left out is refitted on the rest, a block
 * with none left has its mechanism off. */
static void test_leave_one_study_out_refits_without_the_study(void **state) {
  (void)state;
  rui_syn_rows rows = {0, NULL};
  assert_int_equal(rui_syn_rows_read(&rows, "calibration_synapse.csv", 1, NULL), RU_OK);
  unsigned char *use = calloc(rows.n, 1);
  assert_non_null(use);
  /* every row but the methylphenidate arm of Schiffer 2006 */
  for (size_t i = 0; i < rows.n; i++) {
    use[i] = strcmp(rows.row[i].id, "cal-mph-str") != 0;
  }
  rui_syn_theta th;
  char note[200];
  assert_int_equal(rui_syn_fit_subset(KB, &rows, use, &th, note, sizeof note, NULL), RU_OK);
  assert_non_null(strstr(note, "refitted: releaser"));
  ru_value kv;
  assert_int_equal(ru_kb_param(KB, "synapse", "5ht1a.gain_soma", &kv, NULL), RU_OK);
  assert_float_equal(rui_syn_theta_get(&th, "5ht1a.gain_soma"), kv.value, 0.0);
  for (size_t i = 0; i < rows.n; i++) {
    if (strcmp(rows.row[i].id, "cal-amph-str") == 0) {
      double p = (double)NAN;
      assert_int_equal(rui_syn_predict(KB, &th, &rows.row[i], &p, NULL), RU_OK);
      assert_true(rui_syn_error(&rows.row[i], p) < 1.1);
    }
  }
  /* the whole study out: no row identifies efflux, releasers act as blockers */
  for (size_t i = 0; i < rows.n; i++) {
    use[i] = strcmp(rows.row[i].study, "r3md-schiffer") != 0;
  }
  assert_int_equal(rui_syn_fit_subset(KB, &rows, use, &th, note, sizeof note, NULL), RU_OK);
  assert_non_null(strstr(note, "off: releaser"));
  assert_float_equal(rui_syn_theta_get(&th, "releaser.efflux_max"), 0.0, 0.0);
  free(use);
  rui_syn_rows_free(&rows);
}

/* --cross-validate runs through the generic driver (validation/crossval.h): in-sample metrics
 * equal the set's own, held-out predictions exist for every predicted row, and a study whose
 * calibration rows carry a mechanism alone (Esler 1981: uptake-1, central drive) is a fold. */
static void test_cross_validation_through_crossval(void **state) {
  (void)state;
  const ru_validate_options opt = {NULL, 0, 1};
  ru_vset *v = NULL;
  ru_error err;
  assert_int_equal(ru_validate_run(KB, "physiology", NULL, &opt, &v, &err), RU_OK);
  assert_true(v->cross_validated);
  double in = (double)NAN, held = (double)NAN;
  for (size_t q = 0; q < v->ncv; q++) {
    if (strcmp(v->cv[q].name, "in_sample_within_tolerance") == 0) in = v->cv[q].value;
    if (strcmp(v->cv[q].name, "within_tolerance") == 0) held = v->cv[q].value;
  }
  assert_float_equal(in, metric(v, "within_tolerance"), 1e-12);
  assert_true(isfinite(held));
  int esler = 0;
  for (size_t g = 0; g < v->nfolds; g++) {
    esler |= strcmp(v->folds[g].study, "esler81") == 0;
  }
  assert_true(esler);
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    if (r->calibration && isfinite(r->predicted) && strncmp(r->id, "cal-", 4) == 0) {
      assert_true(isfinite(r->cv_predicted)); /* every fitted row has its held-out prediction */
    }
  }
  ru_vset_free(v);
}

/* A user table of the same schema runs (and a malformed one fails with a message). */
static void test_user_table_and_bad_table(void **state) {
  (void)state;
  const char *path = "test_synapse_validation_user.csv";
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f, "id,kind,study,species,drug,dose_route,doses,schedule,days,sample,held,region,measure,"
             "observed,observed_low,observed_high,direction,include,exclude_reason,source,found_at,"
             "notes\n"
             "u1,microdialysis,u,rat,reboxetine,,reboxetine:10mg/kg:ip,single,0,peak,,pfc,NE,3.0,,,,1,,"
             "user,,\n");
  fclose(f);
  ru_vset *v = NULL;
  ru_error err;
  assert_int_equal(ru_validate_run(KB, "microdialysis", path, NULL, &v, &err), RU_OK);
  int seen = 0;
  for (size_t i = 0; i < v->nrows; i++) {
    if (strcmp(v->rows[i].id, "u1") == 0) {
      seen = 1;
      assert_true(isfinite(v->rows[i].predicted));
    }
  }
  assert_true(seen);
  ru_vset_free(v);
  f = fopen(path, "w");
  fprintf(f, "id,foo\n1,2\n");
  fclose(f);
  assert_int_equal(ru_validate_run(KB, "microdialysis", path, NULL, &v, &err), RU_EDATA);
  remove(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_microdialysis_set),
      cmocka_unit_test(test_firing_set),
      cmocka_unit_test(test_physiology_set),
      cmocka_unit_test(test_rat_dose_uses_the_ex_vivo_ed50_where_the_kb_holds_one),
      cmocka_unit_test(test_leave_one_study_out_refits_without_the_study),
      cmocka_unit_test(test_cross_validation_through_crossval),
      cmocka_unit_test(test_user_table_and_bad_table),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
