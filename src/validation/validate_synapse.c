/* Validation sets on the synapse and plasma-NE models: "microdialysis" (extracellular fold of
 * baseline), "firing" (LC, raphe and VTA firing) and "physiology" (human plasma NE, spillover,
 * clearance, sympathetic drive and heart rate). Every row not in calibration_synapse.csv is a
 * prediction; calibration rows of the same kind are listed with calibration = 1. Metrics: hit
 * rate within tolerance (fold within 1.5x; "unchanged" within 0.83-1.2), direction, GMFE, on
 * predictions and on calibration rows; with cross-validation, the same on every row predicted
 * with the parameters refitted without the row's own study (leave one study out). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "validation/synapse_rows.h"

static const char *kind_name(rui_syn_kind k) {
  return k == SYN_FIRING ? "firing" : (k == SYN_PHYSIOLOGY ? "physiology" : "microdialysis");
}

/* Blocks of the fit that use a calibration row of `study`. */
static int study_in_block(const rui_syn_rows *rows, size_t b, const char *study) {
  const char *const *ids = NULL;
  const size_t n = rui_syn_fit_block_rows(b, &ids);
  for (size_t k = 0; k < n; k++) {
    for (size_t i = 0; i < rows->n; i++) {
      if (rows->row[i].calibration && strcmp(rows->row[i].id, ids[k]) == 0 &&
          strcmp(rows->row[i].study, study) == 0) {
        return 1;
      }
    }
  }
  return 0;
}

/* Leave-one-study-out parameters for `study`: the blocks that use its calibration rows are
 * refitted without them; every other block keeps the KB (all-rows) values. */
static ru_status cv_theta(const ru_kb *kb, rui_syn_rows *rows, const char *study,
                          rui_syn_theta *th, int *changed, ru_error *err) {
  memset(th, 0, sizeof *th);
  *changed = 0;
  unsigned char *use = rui_calloc(rows->n + 1, 1);
  if (use == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < rows->n; i++) {
    use[i] = rows->row[i].calibration && strcmp(rows->row[i].study, study) != 0;
  }
  /* only the affected blocks are free: mark the others' parameters fixed at the KB values by
   * excluding their rows from this refit */
  for (size_t b = 0; b < rui_syn_fit_block_count(); b++) {
    const int affected = study_in_block(rows, b, study);
    *changed |= affected;
    if (affected) {
      continue;
    }
    const char *const *ids = NULL;
    const size_t n = rui_syn_fit_block_rows(b, &ids);
    for (size_t k = 0; k < n; k++) {
      for (size_t i = 0; i < rows->n; i++) {
        if (rows->row[i].calibration && strcmp(rows->row[i].id, ids[k]) == 0) {
          use[i] = 0;
        }
      }
    }
  }
  ru_status st = *changed ? rui_syn_fit(kb, rows, use, th, err) : RU_OK;
  rui_free(use);
  return st;
}

typedef struct tally {
  size_t n, hit, ndir, dir;
  double lsum;
  size_t nl;
} tally;

static void tally_add(tally *t, const rui_syn_row *r, double pred) {
  if (r->direction != 2) {
    t->ndir++;
    t->dir += rui_syn_direction_ok(r, pred) ? 1u : 0u;
    return;
  }
  t->n++;
  t->hit += rui_syn_hit(r, pred) ? 1u : 0u;
  const double e = rui_syn_error(r, pred);
  if (isfinite(e) && e >= 1.0 && strcmp(r->measure, "heart_rate_change_bpm") != 0) {
    t->lsum += log(e);
    t->nl++;
  }
}

static void tally_metrics(ru_vset *v, const char *prefix, const tally *t) {
  char name[64];
  if (t->n > 0) {
    snprintf(name, sizeof name, "%swithin_tolerance", prefix);
    rui_validate_metric(v, name, (double)t->hit / (double)t->n, t->n);
  }
  if (t->nl > 0) {
    snprintf(name, sizeof name, "%sgmfe", prefix);
    rui_validate_metric(v, name, exp(t->lsum / (double)t->nl), t->nl);
  }
  if (t->ndir > 0) {
    snprintf(name, sizeof name, "%sdirection_only_right", prefix);
    rui_validate_metric(v, name, (double)t->dir / (double)t->ndir, t->ndir);
  }
}

static ru_status run_set(const ru_kb *kb, rui_syn_kind kind, const char *path, int cross_validate,
                         ru_vset *v, size_t *cap, ru_error *err) {
  rui_syn_rows rows = {0, NULL};
  static const char *const files[] = {"microdialysis.csv", "firing.csv", "human_physiology.csv"};
  ru_status st = rui_syn_rows_read(&rows, "calibration_synapse.csv", 1, err);
  if (st == RU_OK) {
    st = path != NULL ? rui_syn_rows_read(&rows, path, 0, err)
                      : rui_syn_rows_read(&rows, files[kind], 1, err);
  }
  tally pred_t = {0}, cal_t = {0}, cv_t = {0}, cvp_t = {0};
  double *cvpred = NULL;
  if (st == RU_OK && cross_validate) {
    cvpred = rui_malloc((rows.n + 1) * sizeof *cvpred);
    if (cvpred == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    for (size_t i = 0; cvpred != NULL && i < rows.n; i++) {
      cvpred[i] = (double)NAN;
    }
  }
  /* leave one study out: one refit per study that contributes calibration rows */
  for (size_t i = 0; st == RU_OK && cvpred != NULL && i < rows.n; i++) {
    const rui_syn_row *ri = &rows.row[i];
    if (ri->kind != kind || !ri->include || isfinite(cvpred[i])) {
      continue;
    }
    rui_syn_theta th;
    int changed = 0;
    st = cv_theta(kb, &rows, ri->study, &th, &changed, err);
    for (size_t j = i; st == RU_OK && j < rows.n; j++) {
      rui_syn_row *rj = &rows.row[j];
      if (rj->kind == kind && rj->include && strcmp(rj->study, ri->study) == 0) {
        double p = (double)NAN;
        if (rui_syn_predict(kb, changed ? &th : NULL, rj, &p, NULL) == RU_OK) {
          cvpred[j] = p;
        } else {
          cvpred[j] = (double)INFINITY; /* not predictable (reason in the in-sample row) */
        }
      }
    }
  }
  for (size_t i = 0; st == RU_OK && i < rows.n; i++) {
    rui_syn_row *r = &rows.row[i];
    if (r->kind != kind) {
      continue;
    }
    ru_vrow *out = NULL;
    st = rui_validate_push_row(v, cap, &out, err);
    if (st != RU_OK) {
      break;
    }
    rui_strlcpy(out->id, r->id, sizeof out->id);
    out->calibration = r->calibration;
    rui_strlcpy(out->what, r->what, sizeof out->what);
    rui_strlcpy(out->quantity, r->measure, sizeof out->quantity);
    rui_strlcpy(out->unit, strstr(r->measure, "bpm") ? "bpm"
                           : strstr(r->measure, "pg_per_ml") ? "pg/mL"
                           : strcmp(r->measure, "rate_hz") == 0 ? "Hz" : "fold",
                sizeof out->unit);
    out->observed = r->observed;
    out->observed_low = r->lo;
    out->observed_high = r->hi;
    rui_strlcpy(out->source, r->source, sizeof out->source);
    if (!r->include) {
      snprintf(out->note, sizeof out->note, "left out: %.300s", r->exclude_reason);
      continue;
    }
    double pred = (double)NAN;
    ru_error re;
    ru_error_clear(&re);
    if (rui_syn_predict(kb, NULL, r, &pred, &re) != RU_OK || !isfinite(pred)) {
      snprintf(out->note, sizeof out->note, "not predicted: %.290s",
               re.message[0] ? re.message : r->prep_msg);
      continue;
    }
    out->predicted = pred;
    out->error = rui_syn_error(r, pred);
    out->right_direction = rui_syn_direction_ok(r, pred);
    out->within_1_5x = rui_syn_hit(r, pred);
    out->within_2x = isfinite(out->error) && out->error <= 2.0;
    out->within_1_25x = isfinite(out->error) && out->error <= 1.25;
    if (r->direction != 2) {
      snprintf(out->note, sizeof out->note, "direction only (%+d)", r->direction);
    }
    tally_add(r->calibration ? &cal_t : &pred_t, r, pred);
    if (cvpred != NULL && isfinite(cvpred[i])) {
      tally_add(r->calibration ? &cvp_t : &cv_t, r, cvpred[i]);
      if (r->direction == 2) {
        const size_t len = strlen(out->note);
        snprintf(out->note + len, sizeof out->note - len, "%scross-validated %.4g",
                 len ? "; " : "", cvpred[i]);
      }
    }
  }
  if (st == RU_OK) {
    tally_metrics(v, "", &pred_t);
    tally_metrics(v, "calibration_", &cal_t);
    if (cvpred != NULL) {
      tally_metrics(v, "cv_", &cv_t);
      tally_metrics(v, "cv_calibration_", &cvp_t);
    }
    size_t left = 0, notp = 0;
    for (size_t i = 0; i < v->nrows; i++) {
      left += strncmp(v->rows[i].note, "left out", 8) == 0 ? 1u : 0u;
      notp += strncmp(v->rows[i].note, "not predicted", 13) == 0 ? 1u : 0u;
    }
    rui_validate_metric(v, "left_out", (double)left, v->nrows);
    rui_validate_metric(v, "not_predicted", (double)notp, v->nrows);
  }
  (void)kind_name;
  rui_free(cvpred);
  rui_syn_rows_free(&rows);
  return st;
}

ru_status rui_validate_synapse_set(const ru_kb *kb, const char *set, const char *path,
                                   int cross_validate, ru_vset *v, size_t *cap, ru_error *err) {
  if (strcmp(set, "microdialysis") == 0) {
    return run_set(kb, SYN_MICRODIALYSIS, path, cross_validate, v, cap, err);
  }
  if (strcmp(set, "firing") == 0) {
    return run_set(kb, SYN_FIRING, path, cross_validate, v, cap, err);
  }
  /* physiology: the reference-range table (validate_physio.c) and the published rows */
  ru_status st = path != NULL ? RU_OK : rui_validate_physiology(kb, "physiology.csv", 1, v, cap, err);
  if (st == RU_OK) {
    st = run_set(kb, SYN_PHYSIOLOGY, path, cross_validate, v, cap, err);
  }
  return st;
}
