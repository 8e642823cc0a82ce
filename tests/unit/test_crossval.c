/* Leave-one-study-out cross-validation (src/validation/crossval.h), on synthetic rows with a
 * known answer: occupancy = z/(1+z), z = x/s, generated with s = 4.2 in four studies. The
 * driver must recover s in-sample and in every fold, score held-out rows near the in-sample
 * error when the model is right, fall back to the model's unfitted rule when a fold leaves
 * nothing to fit, and keep a failed fold's message. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "validation/crossval.h"

#define S_TRUE 4.2
#define NROWS 12

typedef struct synth {
  double x[NROWS];        /* unscaled binding ratio of each row */
  double obs[NROWS];      /* observed occupancy, percent */
  int fail_without_rows;  /* fit returns an error when given no rows */
} synth;

static double occ_pct(double x, double s) { return 100.0 * (x / s) / (1.0 + x / s); }

static double sse(const synth *c, const size_t *rows, size_t n, double log_s) {
  double acc = 0.0;
  for (size_t k = 0; k < n; k++) {
    const double d = occ_pct(c->x[rows[k]], exp(log_s)) - c->obs[rows[k]];
    acc += d * d;
  }
  return acc;
}

/* least squares by golden section on log s; no rows: the unfitted rule s = 1 */
static ru_status fit(void *ctx, const size_t *rows, size_t n, double *params, char *note,
                     size_t cap, ru_error *err) {
  synth *c = ctx;
  if (n == 0) {
    if (c->fail_without_rows) return ru_error_set(err, RU_EMISSING, "nothing to fit");
    params[0] = 1.0;
    snprintf(note, cap, "no rows: uncalibrated");
    return RU_OK;
  }
  double a = log(1e-3), b = log(1e3);
  const double gr = 0.6180339887498949;
  while (b - a > 1e-12) {
    const double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
    if (sse(c, rows, n, x1) < sse(c, rows, n, x2)) b = x2;
    else a = x1;
  }
  params[0] = exp(0.5 * (a + b));
  return RU_OK;
}

static ru_status predict(void *ctx, size_t row, const double *params, double *pred, ru_error *err) {
  (void)err;
  const synth *c = ctx;
  *pred = occ_pct(c->x[row], params[0]);
  return RU_OK;
}

static double abs_error(void *ctx, size_t row, double pred) {
  const synth *c = ctx;
  return fabs(pred - c->obs[row]);
}

static const char *const GROUPS[NROWS] = {"A", "A", "A", "B", "B", "B",
                                          "C", "C", "C", "D", "D", "D"};

static void make(synth *c, double noise_pp) {
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < NROWS; i++) {
    c->x[i] = 0.5 * pow(1.6, (double)i); /* spans ~10 % to ~97 % occupancy */
    /* deterministic +/- noise, alternating inside each study */
    c->obs[i] = occ_pct(c->x[i], S_TRUE) + ((i % 2) ? noise_pp : -noise_pp);
  }
}

/* Noise-free rows: the all-rows fit and every fold recover the generating factor. */
static void test_cv_recovers_the_known_factor(void **state) {
  (void)state;
  synth c;
  make(&c, 0.0);
  rui_cv_model m = {1, fit, predict, &c};
  rui_cv_result r;
  ru_error err;
  assert_int_equal(rui_cv_run(&m, NROWS, GROUPS, &r, &err), RU_OK);
  assert_int_equal(r.ngroups, 4);
  assert_float_equal(r.params[0], S_TRUE, 1e-6);
  for (size_t g = 0; g < r.ngroups; g++) {
    assert_int_equal(r.fold_status[g], RU_OK);
    assert_int_equal(r.group_rows[g], 3);
    assert_float_equal(r.fold_params[g], S_TRUE, 1e-6);
  }
  for (size_t i = 0; i < NROWS; i++) {
    assert_float_equal(r.held_out[i], c.obs[i], 1e-6);
    assert_int_equal(r.row_group[i], i / 3);
  }
  rui_cv_result_free(&r);
}

/* With noise of +/-3 pp around a correct model, the held-out MAE stays near the in-sample MAE
 * (the overfitting check: within 1.3x). */
static void test_cv_error_near_in_sample_when_the_model_is_right(void **state) {
  (void)state;
  synth c;
  make(&c, 3.0);
  rui_cv_model m = {1, fit, predict, &c};
  rui_cv_result r;
  ru_error err;
  assert_int_equal(rui_cv_run(&m, NROWS, GROUPS, &r, &err), RU_OK);
  const rui_cv_score in = rui_cv_score_rows(r.in_sample, NROWS, abs_error, &c, 0);
  const rui_cv_score cv = rui_cv_score_rows(r.held_out, NROWS, abs_error, &c, 0);
  printf("in-sample MAE %.4g pp (n=%zu), held-out MAE %.4g pp (n=%zu), factor %.4g\n", in.value,
         in.n, cv.value, cv.n, r.params[0]);
  assert_int_equal(in.n, NROWS);
  assert_int_equal(cv.n, NROWS);
  assert_float_equal(r.params[0], S_TRUE, 0.1 * S_TRUE);
  assert_true(cv.value >= in.value * 0.7);
  assert_true(cv.value <= in.value * 1.3);
  rui_cv_result_free(&r);
}

/* One study only: its fold fits on no rows, so the held-out prediction is the model's rule
 * for an unfitted parameter, and the fold says so. */
static void test_single_study_falls_back_to_the_unfitted_rule(void **state) {
  (void)state;
  synth c;
  make(&c, 0.0);
  const char *const one[NROWS] = {"S", "S", "S", "S", "S", "S", "S", "S", "S", "S", "S", "S"};
  rui_cv_model m = {1, fit, predict, &c};
  rui_cv_result r;
  ru_error err;
  assert_int_equal(rui_cv_run(&m, NROWS, one, &r, &err), RU_OK);
  assert_int_equal(r.ngroups, 1);
  assert_float_equal(r.fold_params[0], 1.0, 0.0);
  assert_non_null(strstr(r.fold_note[0], "uncalibrated"));
  assert_float_equal(r.held_out[0], occ_pct(c.x[0], 1.0), 1e-12);
  rui_cv_result_free(&r);
}

/* A fold whose fit fails keeps its message and predicts nothing (NaN, skipped by scores). */
static void test_failed_fold_predicts_nothing_and_keeps_the_message(void **state) {
  (void)state;
  synth c;
  make(&c, 0.0);
  c.fail_without_rows = 1;
  const char *const one[NROWS] = {"S", "S", "S", "S", "S", "S", "S", "S", "S", "S", "S", "S"};
  rui_cv_model m = {1, fit, predict, &c};
  rui_cv_result r;
  ru_error err;
  assert_int_equal(rui_cv_run(&m, NROWS, one, &r, &err), RU_OK);
  assert_int_equal(r.fold_status[0], RU_EMISSING);
  assert_string_equal(r.fold_note[0], "nothing to fit");
  assert_true(isnan(r.held_out[3]));
  const rui_cv_score cv = rui_cv_score_rows(r.held_out, NROWS, abs_error, &c, 0);
  assert_int_equal(cv.n, 0);
  assert_true(isnan(cv.value));
  rui_cv_result_free(&r);
}

/* Empty study names make each row its own study; an incomplete model is refused. */
static void test_empty_names_are_separate_studies_and_bad_models_refused(void **state) {
  (void)state;
  synth c;
  make(&c, 0.0);
  const char *const names[3] = {"", "", "X"};
  rui_cv_model m = {1, fit, predict, &c};
  rui_cv_result r;
  ru_error err;
  assert_int_equal(rui_cv_run(&m, 3, names, &r, &err), RU_OK);
  assert_int_equal(r.ngroups, 3);
  rui_cv_result_free(&r);
  rui_cv_result_free(&r); /* safe on a freed (zeroed) result */
  rui_cv_model bad = {0, fit, predict, &c};
  assert_int_equal(rui_cv_run(&bad, 3, names, &r, &err), RU_EINVAL);
}

/* GMFE: the geometric mean of fold errors. */
static double fold(void *ctx, size_t row, double pred) {
  (void)ctx;
  (void)row;
  return pred;
}

static void test_geometric_score_is_gmfe(void **state) {
  (void)state;
  const double folds[3] = {2.0, 8.0, nan("")};
  const rui_cv_score s = rui_cv_score_rows(folds, 3, fold, NULL, 1);
  assert_int_equal(s.n, 2);
  assert_float_equal(s.value, 4.0, 1e-12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cv_recovers_the_known_factor),
      cmocka_unit_test(test_cv_error_near_in_sample_when_the_model_is_right),
      cmocka_unit_test(test_single_study_falls_back_to_the_unfitted_rule),
      cmocka_unit_test(test_failed_fold_predicts_nothing_and_keeps_the_message),
      cmocka_unit_test(test_empty_names_are_separate_studies_and_bad_models_refused),
      cmocka_unit_test(test_geometric_score_is_gmfe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
