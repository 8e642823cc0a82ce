/* Every product against the label PK of validation/product_pk.csv (the table's own sources are
 * beside each row): tmax within 1 h or 30 %, everything else within 1.5x (inside a stated range
 * counts as a hit). Rows marked `input` were used to derive a release parameter and are
 * consistency checks; `prediction` rows tuned nothing. Known misses are listed below with their
 * cause; they are printed, not hidden, and a listed miss that starts to pass is reported. The
 * table printed on stdout is the one in docs/products.md. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv.h"
#include "reuptake.h"

/* Known misses and their causes (docs/products.md, "Product PK"). */
static const struct {
  const char *id;
  const char *reason;
} EXCEPTIONS[] = {
    {"ppk-concerta-cmax-vs-ir",
     "release shape: the core staircase ascends 1:2:...:14 (an assumption: Swanson 2003 gives no "
     "increments), so delivery peaks in the last half hour before 8 h and the OROS Cmax is 1.35x the "
     "label's (its ratio to IR 5 mg tid 1.6x); a flatter ascent needs the proof-of-concept increments, "
     "not read (Swanson 1999)"},
};
#define NEXC (sizeof EXCEPTIONS / sizeof EXCEPTIONS[0])

static const char *exception_of(const char *id) {
  for (size_t i = 0; i < NEXC; i++) {
    if (strcmp(EXCEPTIONS[i].id, id) == 0) return EXCEPTIONS[i].reason;
  }
  return NULL;
}

static ru_kb *kb;

static int setup(void **state) {
  (void)state;
  ru_error err;
  return ru_kb_open(NULL, &kb, &err) == RU_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  ru_kb_free(kb);
  return 0;
}

static ru_status new_sim(const char *spec, ru_sim **s, ru_error *err) {
  ru_regimen *r = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, spec, err);
  if (st == RU_OK) st = ru_sim_new(kb, s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(*s, r, err);
  ru_regimen_free(r);
  return st;
}

static ru_status exposure_of(const char *spec, const char *compound, ru_exposure *out, ru_error *err) {
  ru_sim *s = NULL;
  ru_status st = new_sim(spec, &s, err);
  ru_exposure ex[16];
  if (st == RU_OK && ru_sim_compound_count(s) > 16) st = ru_error_set(err, RU_ELIMIT, "too many compounds");
  if (st == RU_OK) st = ru_sim_exposure(s, ex, err);
  if (st == RU_OK) {
    const long i = ru_sim_compound_index(s, compound);
    if (i < 0) st = ru_error_set(err, RU_ENOTFOUND, "%s not in the subject", compound);
    else *out = ex[i];
  }
  ru_sim_free(s);
  return st;
}

/* A single-day profile on a fine grid: Cmax, AUC (trapezoid, 0-120 h) and the first local max. */
#define GRID_N 12001
static ru_status day_profile(const char *spec, const char *compound, double *cmax, double *auc,
                             double *first_peak_h, ru_error *err) {
  static double t[GRID_N], c[GRID_N * 16];
  for (size_t j = 0; j < GRID_N; j++) t[j] = 0.01 * (double)j;
  ru_sim *s = NULL;
  ru_status st = new_sim(spec, &s, err);
  if (st == RU_OK && ru_sim_compound_count(s) > 16) st = ru_error_set(err, RU_ELIMIT, "too many compounds");
  if (st == RU_OK) st = ru_sim_run(s, t, GRID_N, c, err);
  if (st == RU_OK) {
    const long i = ru_sim_compound_index(s, compound);
    const double *y = &c[(size_t)i * GRID_N];
    *cmax = 0.0;
    *auc = 0.0;
    *first_peak_h = NAN;
    for (size_t j = 0; j < GRID_N; j++) {
      if (y[j] > *cmax) *cmax = y[j];
      if (j > 0) *auc += 0.5 * (y[j] + y[j - 1]) * (t[j] - t[j - 1]);
      if (isnan(*first_peak_h) && j > 0 && j + 1 < GRID_N && y[j] > y[j - 1] && y[j] >= y[j + 1]) *first_peak_h = t[j];
    }
  }
  ru_sim_free(s);
  return st;
}

static int has_interval(const char *spec) { return strchr(spec, 'q') != NULL && strstr(spec, ":n=") == NULL; }

static void test_every_product_against_its_label_pk(void **state) {
  (void)state;
  char path[4096];
  snprintf(path, sizeof path, "%s/validation/product_pk.csv", RU_SOURCE_DIR);
  rui_csv *csv = NULL;
  ru_error err;
  assert_int_equal(rui_csv_open(path, &csv, &err), RU_OK);
  int eof = 0;
  assert_int_equal(rui_csv_next(csv, &eof, &err), RU_OK);
  const char *names[] = {"id", "product", "regimen", "compound", "quantity", "reference_regimen",
                         "observed", "observed_low", "observed_high", "role", "source"};
  long col[11];
  for (size_t k = 0; k < 11; k++) {
    col[k] = rui_csv_column(csv, names[k]);
    assert_true(col[k] >= 0);
  }
  int misses = 0, hits = 0, excused = 0, incomplete = 0;
  printf("%-28s %-16s %-15s %10s %10s  %-10s %s\n", "row", "product", "quantity", "predicted", "observed",
         "role", "result");
  for (;;) {
    assert_int_equal(rui_csv_next(csv, &eof, &err), RU_OK);
    if (eof) break;
    const char *f[11];
    for (size_t k = 0; k < 11; k++) {
      const char *v = rui_csv_field(csv, (size_t)col[k]);
      f[k] = v ? v : "";
    }
    const char *id = f[0], *prod = f[1], *spec = f[2], *cmp = f[3], *q = f[4], *ref = f[5];
    double obs = NAN, lo = NAN, hi = NAN;
    sscanf(f[6], "%lf", &obs);
    sscanf(f[7], "%lf", &lo);
    sscanf(f[8], "%lf", &hi);
    ru_product p;
    assert_int_equal(ru_kb_product(kb, prod, &p, &err), RU_OK);
    if (p.incomplete[0] != '\0') {
      printf("%-28s %-16s %-15s %10s %10.4g  %-10s INCOMPLETE: %s\n", id, prod, q, "-", obs, f[9], p.incomplete);
      incomplete++;
      continue;
    }
    double pred = NAN;
    ru_status st = RU_OK;
    ru_exposure a, b;
    double cmax_a = 0, auc_a = 0, pk_a = 0, cmax_b = 0, auc_b = 0, pk_b = 0;
    if (strcmp(q, "tmax_h") == 0) {
      st = exposure_of(spec, cmp, &a, &err);
      pred = a.tmax_h;
    } else if (strcmp(q, "cmax_ng_per_ml") == 0) {
      st = exposure_of(spec, cmp, &a, &err);
      pred = a.cmax_ng_per_ml;
    } else if (strcmp(q, "auc_ng_h_per_ml") == 0) {
      st = exposure_of(spec, cmp, &a, &err);
      pred = a.auc_ng_h_per_ml;
    } else if (strcmp(q, "early_peak_h") == 0) {
      st = day_profile(spec, cmp, &cmax_a, &auc_a, &pred, &err);
    } else if (has_interval(spec) && has_interval(ref)) {
      /* steady state both: Cmax, trough and daily exposure (Cavg) ratios */
      st = exposure_of(spec, cmp, &a, &err);
      if (st == RU_OK) st = exposure_of(ref, cmp, &b, &err);
      if (strcmp(q, "cmax_ratio") == 0) pred = a.cmax_ng_per_ml / b.cmax_ng_per_ml;
      else if (strcmp(q, "auc_ratio") == 0) pred = a.cavg_ng_per_ml / b.cavg_ng_per_ml;
      else if (strcmp(q, "trough_ratio") == 0) pred = a.cmin_ng_per_ml / b.cmin_ng_per_ml;
    } else {
      /* single-day profiles of both */
      st = day_profile(spec, cmp, &cmax_a, &auc_a, &pk_a, &err);
      if (st == RU_OK) st = day_profile(ref, cmp, &cmax_b, &auc_b, &pk_b, &err);
      if (strcmp(q, "cmax_ratio") == 0) pred = cmax_a / cmax_b;
      else if (strcmp(q, "auc_ratio") == 0) pred = auc_a / auc_b;
    }
    if (st != RU_OK) {
      printf("%-28s %-16s %-15s   ERROR %s\n", id, prod, q, err.message);
      misses++;
      continue;
    }
    assert_true(isfinite(pred));
    int hit;
    if (isfinite(lo) && isfinite(hi) && pred >= lo && pred <= hi) {
      hit = 1;
    } else if (strcmp(q, "tmax_h") == 0 || strcmp(q, "early_peak_h") == 0) {
      hit = fabs(pred - obs) <= fmax(1.0, 0.3 * obs);
    } else {
      hit = pred / obs <= 1.5 && obs / pred <= 1.5;
    }
    const char *why = exception_of(id);
    printf("%-28s %-16s %-15s %10.4g %10.4g  %-10s %s%s%s\n", id, prod, q, pred, obs, f[9],
           hit ? "hit" : (why ? "EXCEPTION: " : "MISS"), hit ? "" : (why ? why : ""),
           hit && why ? " (listed exception now passes: remove it)" : "");
    if (hit) hits++;
    else if (why) excused++;
    else misses++;
  }
  rui_csv_close(csv);
  printf("product PK: %d hits, %d listed exceptions, %d incomplete products, %d unexplained misses\n", hits,
         excused, incomplete, misses);
  fflush(stdout);
  assert_int_equal(misses, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_product_against_its_label_pk),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
