/* Validation sets on the synapse and plasma-NE models: "microdialysis" (extracellular fold of
 * baseline), "firing" (LC, raphe and VTA firing) and "physiology" (human plasma NE, spillover,
 * clearance, sympathetic drive and heart rate). Every row not in calibration_synapse.csv is a
 * prediction; calibration rows of the same kind are listed with calibration = 1. Metrics: hit
 * rate within tolerance (fold within 1.5x; "unchanged" within 0.83-1.2), direction, GMFE, on
 * predictions and on calibration rows; with cross-validation (validation/crossval.h), the same
 * in v->cv on every row predicted with the parameters refitted without the row's own study
 * (leave one study out), and the folds that changed the fit. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "validation/crossval.h"
#include "validation/synapse_rows.h"

static const char *kind_name(rui_syn_kind k) {
  return k == SYN_FIRING ? "firing" : (k == SYN_PHYSIOLOGY ? "physiology" : "microdialysis");
}

/* --- leave one study out through the generic driver (validation/crossval.h) ---------------- */

/* The cross-validation table is the set's included rows; the fit uses every calibration row
 * (of any set) whose study is not left out. The parameter vector is the declared calibrated
 * parameters in block order. */
typedef struct syn_cv {
  const ru_kb *kb;
  rui_syn_rows *rows;
  const size_t *tab;        /* table row -> index in rows */
  size_t n;
  size_t np;
  const char *pname[RUI_SYN_THETA_MAX];
  double kbv[RUI_SYN_THETA_MAX];
  double *cache;            /* in-sample (KB) prediction per table row, NaN until computed */
  unsigned char *use;       /* scratch [rows->n] */
  unsigned char *kept;      /* scratch [n] */
} syn_cv;

static int study_in_table(const syn_cv *c, const char *study, const unsigned char *only) {
  for (size_t q = 0; q < c->n; q++) {
    if ((only == NULL || only[q]) && strcmp(c->rows->row[c->tab[q]].study, study) == 0) {
      return 1;
    }
  }
  return 0;
}

static ru_status cv_fit(void *ctx, const size_t *sub, size_t n, double *params, char *note,
                        size_t note_cap, ru_error *err) {
  syn_cv *c = ctx;
  memset(c->kept, 0, c->n);
  for (size_t q = 0; q < n; q++) {
    c->kept[sub[q]] = 1;
  }
  int all = 1;
  for (size_t i = 0; i < c->rows->n; i++) {
    const rui_syn_row *r = &c->rows->row[i];
    /* a calibration row is used unless its study is in the table and none of that study's
     * table rows is kept (left out) */
    c->use[i] = (unsigned char)(r->calibration &&
                                (!study_in_table(c, r->study, NULL) ||
                                 study_in_table(c, r->study, c->kept)));
    all &= !r->calibration || c->use[i];
  }
  if (all) {
    memcpy(params, c->kbv, c->np * sizeof *params);
    return RU_OK;
  }
  rui_syn_theta th;
  ru_status st = rui_syn_fit_subset(c->kb, c->rows, c->use, &th, note, note_cap, err);
  for (size_t k = 0; st == RU_OK && k < c->np; k++) {
    const double v = rui_syn_theta_get(&th, c->pname[k]);
    params[k] = isfinite(v) ? v : c->kbv[k];
  }
  return st;
}

static ru_status cv_predict(void *ctx, size_t q, const double *params, double *pred,
                            ru_error *err) {
  (void)err;
  syn_cv *c = ctx;
  const int at_kb = memcmp(params, c->kbv, c->np * sizeof *params) == 0;
  if (at_kb && !isnan(c->cache[q])) {
    *pred = c->cache[q];
    return RU_OK;
  }
  rui_syn_theta th;
  memset(&th, 0, sizeof th);
  for (size_t k = 0; k < c->np; k++) {
    rui_syn_theta_set(&th, c->pname[k], params[k]);
  }
  double p = (double)NAN;
  if (rui_syn_predict(c->kb, at_kb ? NULL : &th, &c->rows->row[c->tab[q]], &p, NULL) != RU_OK ||
      !isfinite(p)) {
    p = (double)NAN; /* not predictable: the reason is in the in-sample row */
  }
  if (at_kb) {
    c->cache[q] = isfinite(p) ? p : (double)INFINITY;
  }
  *pred = p;
  return RU_OK;
}

static void cv_params(syn_cv *c) {
  c->np = 0;
  for (size_t b = 0; b < rui_syn_fit_block_count(); b++) {
    const char *const *names = NULL;
    const size_t m = rui_syn_fit_block_params(b, &names);
    for (size_t k = 0; k < m && c->np < RUI_SYN_THETA_MAX; k++) {
      c->pname[c->np] = names[k];
      double v = (double)NAN;
      ru_value val;
      if (ru_kb_param(c->kb, "synapse", names[k], &val, NULL) == RU_OK ||
          ru_kb_param(c->kb, "physiology", names[k], &val, NULL) == RU_OK) {
        v = val.value;
      }
      c->kbv[c->np++] = v;
    }
  }
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

/* Fills v->cv, the held-out predictions of the rows and the folds of studies whose
 * calibration rows were left out. */
static ru_status cross_validate_rows(const ru_kb *kb, rui_syn_rows *rows, rui_syn_kind kind,
                                     ru_vset *v, size_t base, ru_error *err) {
  syn_cv c;
  memset(&c, 0, sizeof c);
  c.kb = kb;
  c.rows = rows;
  size_t *tab = rui_malloc((rows->n + 1) * sizeof *tab);
  const char **group = rui_malloc((rows->n + 1) * sizeof *group);
  c.cache = rui_malloc((rows->n + 1) * sizeof *c.cache);
  c.use = rui_malloc(rows->n + 1);
  c.kept = rui_malloc(rows->n + 1);
  size_t *vrow = rui_malloc((rows->n + 1) * sizeof *vrow);
  ru_status st = RU_OK;
  rui_cv_result res;
  memset(&res, 0, sizeof res);
  if (tab == NULL || group == NULL || c.cache == NULL || c.use == NULL || c.kept == NULL ||
      vrow == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  /* table rows, in the order of v's rows of this kind */
  for (size_t i = 0, k = base; i < rows->n; i++) {
    if (rows->row[i].kind != kind) {
      continue;
    }
    if (rows->row[i].include) {
      tab[c.n] = i;
      group[c.n] = rows->row[i].study;
      c.cache[c.n] = isfinite(v->rows[k].predicted) ? v->rows[k].predicted : (double)INFINITY;
      vrow[c.n++] = k;
    }
    k++;
  }
  c.tab = tab;
  cv_params(&c);
  const rui_cv_model m = {c.np, cv_fit, cv_predict, &c};
  st = rui_cv_run(&m, c.n, group, &res, err);
  if (st != RU_OK) {
    goto done;
  }
  v->cross_validated = 1;
  tally cv_t = {0}, cvp_t = {0}, in_t = {0}, inp_t = {0};
  for (size_t q = 0; q < c.n; q++) {
    ru_vrow *out = &v->rows[vrow[q]];
    const rui_syn_row *r = &rows->row[tab[q]];
    if (!isfinite(res.held_out[q]) || !isfinite(out->predicted)) {
      continue;
    }
    out->cv_predicted = res.held_out[q];
    out->cv_error = rui_syn_error(r, res.held_out[q]);
    tally_add(r->calibration ? &cvp_t : &cv_t, r, res.held_out[q]);
    tally_add(r->calibration ? &inp_t : &in_t, r, res.in_sample[q]);
  }
  ru_vset cvset; /* the same metric names, into v->cv */
  memset(&cvset, 0, sizeof cvset);
  tally_metrics(&cvset, "", &cv_t);
  tally_metrics(&cvset, "calibration_", &cvp_t);
  tally_metrics(&cvset, "in_sample_", &in_t);
  tally_metrics(&cvset, "in_sample_calibration_", &inp_t);
  memcpy(v->cv, cvset.metrics, cvset.nmetrics * sizeof v->cv[0]);
  v->ncv = cvset.nmetrics;
  /* folds: the studies whose leaving out changed the fit */
  size_t nf = 0;
  for (size_t g = 0; g < res.ngroups; g++) {
    nf += memcmp(res.fold_params + g * c.np, c.kbv, c.np * sizeof(double)) != 0 ? 1u : 0u;
  }
  v->folds = rui_calloc(nf + 1, sizeof *v->folds);
  if (v->folds == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t g = 0; g < res.ngroups; g++) {
    const double *fp = res.fold_params + g * c.np;
    if (memcmp(fp, c.kbv, c.np * sizeof(double)) == 0) {
      continue;
    }
    ru_vfold *f = &v->folds[v->nfolds++];
    rui_strlcpy(f->study, group[res.group_first_row[g]], sizeof f->study);
    f->nrows = res.group_rows[g];
    for (size_t k = 0; k < c.np && f->nparams < RU_VALIDATE_MAX_PARAMS; k++) {
      if (fp[k] != c.kbv[k]) {
        /* the parameter's name without its domain prefix (the field holds 23 characters) */
        const char *dot = strchr(c.pname[k], '.');
        const char *nm = dot != NULL && strlen(c.pname[k]) >= sizeof f->param[0] ? dot + 1 : c.pname[k];
        rui_strlcpy(f->param[f->nparams], nm, sizeof f->param[0]);
        f->value[f->nparams++] = fp[k];
      }
    }
    rui_strlcpy(f->note, res.fold_note[g], sizeof f->note);
  }
  snprintf(v->cv_note, sizeof v->cv_note,
           "leave one study out (study column); the all-rows fit is the knowledge base; "
           "%zu of %zu studies change the fit when left out", v->nfolds, res.ngroups);
done:
  rui_cv_result_free(&res);
  rui_free(tab);
  rui_free(group);
  rui_free(c.cache);
  rui_free(c.use);
  rui_free(c.kept);
  rui_free(vrow);
  return st;
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
  tally pred_t = {0}, cal_t = {0};
  const size_t base = v->nrows;
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
  }
  if (st == RU_OK) {
    tally_metrics(v, "", &pred_t);
    tally_metrics(v, "calibration_", &cal_t);
    size_t left = 0, notp = 0;
    for (size_t i = 0; i < v->nrows; i++) {
      left += strncmp(v->rows[i].note, "left out", 8) == 0 ? 1u : 0u;
      notp += strncmp(v->rows[i].note, "not predicted", 13) == 0 ? 1u : 0u;
    }
    rui_validate_metric(v, "left_out", (double)left, v->nrows);
    rui_validate_metric(v, "not_predicted", (double)notp, v->nrows);
  }
  if (st == RU_OK && cross_validate) {
    st = cross_validate_rows(kb, &rows, kind, v, base, err);
  }
  (void)kind_name;
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
