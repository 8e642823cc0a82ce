/* The label PK reference (validation/pk_reference.csv, issue 9 item 6): every parent compound
 * of the knowledge base at its label dose, single-dose Cmax, tmax and AUC and a steady-state
 * Cavg, trough or peak, each observed value with its source. The model is run on each row's
 * regimen and the predicted/observed ratio printed beside the source. Cmax, AUC, Cavg and trough
 * must be within 1.5x; a row may carry an `exception` (why the model misses it, or why it cannot
 * be predicted), and only such rows may miss. tmax is printed, not asserted (a sampling time,
 * formulation-dependent). The table is a check, never a fitting target: no KB value was chosen
 * to pass it (docs/knowledge-base.md). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pk_reference.h"

#define LIMIT_FOLD 1.5 /* issue 9 Proof: "fails beyond 1.5x" */

static pkref_row rows[PKREF_MAX_ROWS];

/* Predicted value of one row's quantity, NaN when not predicted (reason in why). */
static double predict(const ru_kb *kb, const pkref_row *r, char *why, size_t cap) {
  ru_error err;
  ru_regimen *reg = NULL;
  ru_sim *s = NULL;
  double v = nan("");
  why[0] = '\0';
  ru_status st = ru_regimen_new(&reg, &err);
  if (st == RU_OK) st = ru_regimen_parse(reg, r->regimen, &err);
  if (st == RU_OK) st = ru_sim_new(kb, &s, &err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, reg, &err);
  if (st == RU_OK) st = ru_sim_prepare(s, &err);
  ru_exposure ex[32];
  if (st == RU_OK && ru_sim_compound_count(s) > 32) st = ru_error_set(&err, RU_ELIMIT, "too many compounds");
  if (st == RU_OK) st = ru_sim_exposure(s, ex, &err);
  if (st == RU_OK) {
    const long k = ru_sim_compound_index(s, r->analyte);
    if (k < 0) {
      snprintf(why, cap, "analyte %s not in the simulation", r->analyte);
    } else {
      const ru_exposure *e = &ex[k];
      if (strcmp(r->quantity, "cmax_ng_per_ml") == 0) v = e->cmax_ng_per_ml;
      else if (strcmp(r->quantity, "tmax_h") == 0) v = e->tmax_h;
      else if (strcmp(r->quantity, "auc_ng_h_per_ml") == 0) v = e->auc_ng_h_per_ml;
      else if (strcmp(r->quantity, "cavg_ng_per_ml") == 0) v = e->cavg_ng_per_ml;
      else if (strcmp(r->quantity, "cmin_ng_per_ml") == 0) v = e->cmin_ng_per_ml;
      else snprintf(why, cap, "unknown quantity %s", r->quantity);
    }
  } else {
    snprintf(why, cap, "%s", err.message);
  }
  ru_sim_free(s);
  ru_regimen_free(reg);
  return v;
}

static int asserted(const char *quantity) {
  return strcmp(quantity, "tmax_h") != 0;
}

static void test_every_reference_row_is_within_1_5x_or_a_listed_exception(void **state) {
  (void)state;
  ru_kb *kb = NULL;
  ru_error err;
  const size_t n = pkref_load(&kb, rows, &err);
  if (n == (size_t)-1) fail_msg("%s", err.message);
  size_t checked = 0, within = 0, excepted = 0, unneeded = 0, failures = 0;
  double log_sum = 0.0;
  size_t nlog = 0;
  printf("%-22s %-22s %-34s %-16s %10s %10s %6s  %s\n", "id", "analyte", "regimen", "quantity",
         "observed", "predicted", "fold", "source / exception");
  for (size_t i = 0; i < n; i++) {
    const pkref_row *r = &rows[i];
    char why[RU_ERROR_MESSAGE_MAX];
    const double p = predict(kb, r, why, sizeof why);
    const double o = r->observed;
    const int ok_num = isfinite(p) && isfinite(o) && p > 0.0 && o > 0.0;
    const double fold = ok_num ? (p > o ? p / o : o / p) : nan("");
    const int has_exc = r->exception[0] != '\0';
    printf("%-22s %-22s %-34s %-16s %10.4g %10.4g %6.3g  %s%s%s\n", r->id, r->analyte, r->regimen,
           r->quantity, o, p, fold, r->source, has_exc ? " | EXCEPTION: " : "", has_exc ? r->exception : "");
    if (!ok_num && why[0]) printf("%-22s   not predicted: %s\n", "", why);
    if (!asserted(r->quantity)) continue;
    checked++;
    if (ok_num) {
      log_sum += fabs(log(p / o));
      nlog++;
    }
    if (ok_num && fold <= LIMIT_FOLD) {
      within++;
      if (has_exc) {
        unneeded++;
        printf("%-22s   note: within %.2gx although listed as an exception\n", "", LIMIT_FOLD);
      }
      continue;
    }
    if (has_exc) {
      excepted++;
      continue;
    }
    failures++;
    printf("%-22s   FAIL (line %zu): beyond %.2gx with no listed exception\n", "", r->line, LIMIT_FOLD);
  }
  printf("\nasserted rows %zu: within %.2gx %zu, listed exceptions %zu (of which now within: %zu), "
         "failures %zu; GMFE %.3f over %zu predicted rows\n",
         checked, LIMIT_FOLD, within, excepted, unneeded, failures, nlog ? exp(log_sum / (double)nlog) : nan(""), nlog);
  ru_kb_free(kb);
  assert_int_equal(failures, 0);
}

/* Every parent compound (kind drug) of the KB has rows: a single-dose Cmax and AUC and a
 * steady-state row, or a row saying what was searched (exception) when none was found. */
static void test_every_parent_compound_has_reference_rows(void **state) {
  (void)state;
  ru_kb *kb = NULL;
  ru_error err;
  const size_t n = pkref_load(&kb, rows, &err);
  if (n == (size_t)-1) fail_msg("%s", err.message);
  size_t missing = 0;
  for (size_t i = 0; i < ru_kb_compound_count(kb); i++) {
    const char *name = ru_kb_compound_name(kb, i);
    ru_compound c;
    assert_int_equal(ru_kb_compound_info(kb, name, &c, &err), RU_OK);
    if (strcmp(c.kind, "drug") != 0) continue;
    int cmax = 0, auc = 0, ss = 0;
    for (size_t k = 0; k < n; k++) {
      if (strcmp(rows[k].compound, name) != 0) continue;
      const int rep = pkref_repeats(rows[k].regimen);
      const int found = isfinite(rows[k].observed) || rows[k].exception[0] != '\0';
      if (!found) continue;
      if (!rep && strcmp(rows[k].quantity, "cmax_ng_per_ml") == 0) cmax = 1;
      if (!rep && strcmp(rows[k].quantity, "auc_ng_h_per_ml") == 0) auc = 1;
      if (rep) ss = 1;
    }
    if (!(cmax && auc && ss)) {
      printf("%-22s missing reference rows:%s%s%s\n", name, cmax ? "" : " single-dose Cmax",
             auc ? "" : " single-dose AUC", ss ? "" : " steady state");
      missing++;
    }
  }
  ru_kb_free(kb);
  assert_int_equal(missing, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_reference_row_is_within_1_5x_or_a_listed_exception),
      cmocka_unit_test(test_every_parent_compound_has_reference_rows),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
