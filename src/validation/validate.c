/* Validation runner (validate.h): every published row is simulated from its regimen with the
 * same commands users run, compared with the observation, and summarised. Only rows from
 * calibration_* tables may inform the scaling factors (ru_validate_calibrate); the fit is a
 * one-dimensional least-squares problem per target family on the unscaled binding ratio
 * X = sum_i Cu_i / Ki_i, occupancy = (X/s) / (1 + X/s). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "io/csv.h"
#include "reuptake/ddi.h"
#include "reuptake/pd.h"
#include "reuptake/pk.h"
#include "reuptake/units.h"
#include "reuptake/validate.h"
#include "validation/validate_impl.h"

#define MAX_ROWS 512

typedef struct {
  const char *name;
  const unsigned char *data;
  size_t size;
} embed_entry;
extern const embed_entry rui_validation_tables[];

/* --- table access ---------------------------------------------------------------------------- */

static const char *basename_of(const char *p) {
  const char *b = strrchr(p, '/');
  return b ? b + 1 : p;
}

ru_status rui_validate_open(const char *file_or_embedded, int embedded, table_handle *out,
                            ru_error *err) {
  rui_csv *csv = NULL;
  ru_status st;
  if (embedded) {
    const embed_entry *e = NULL;
    for (size_t i = 0; rui_validation_tables[i].name != NULL; i++) {
      if (strcmp(rui_validation_tables[i].name, file_or_embedded) == 0) e = &rui_validation_tables[i];
    }
    if (e == NULL) return ru_error_set(err, RU_ENOTFOUND, "validation table '%s' is not embedded", file_or_embedded);
    st = rui_csv_open_buffer((const char *)e->data, e->size, e->name, &csv, err);
  } else {
    st = rui_csv_open(file_or_embedded, &csv, err);
  }
  if (st != RU_OK) return st;
  int eof = 0;
  st = rui_csv_next(csv, &eof, err);
  if (st == RU_OK && eof) st = ru_error_set(err, RU_EDATA, "%s: empty table", file_or_embedded);
  if (st != RU_OK) {
    rui_csv_close(csv);
    return st;
  }
  out->csv = csv;
  out->calibration = strncmp(basename_of(file_or_embedded), "calibration_", 12) == 0;
  out->ncols = 0;
  for (size_t i = 0; i < rui_csv_nfields(csv) && i < RUI_VALIDATE_MAX_COLS; i++) {
    rui_strlcpy(out->cols[out->ncols++], rui_csv_field(csv, i), sizeof out->cols[0]);
  }
  return RU_OK;
}

static double num_or_nan(const char *s) {
  double v;
  if (s == NULL || *s == '\0') return nan("");
  return ru_units_parse_double(s, &v) == RU_OK ? v : nan("");
}

/* --- rows ------------------------------------------------------------------------------------- */

ru_status rui_validate_push_row(ru_vset *v, size_t *cap, ru_vrow **row, ru_error *err) {
  if (v->nrows == *cap) {
    const size_t nc = *cap ? *cap * 2 : 16;
    ru_vrow *nr = rui_realloc(v->rows, nc * sizeof *nr);
    if (nr == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
    v->rows = nr;
    *cap = nc;
  }
  *row = &v->rows[v->nrows++];
  memset(*row, 0, sizeof **row);
  (*row)->observed = (*row)->observed_low = (*row)->observed_high = (*row)->predicted = nan("");
  (*row)->error = (*row)->cv_predicted = (*row)->cv_error = nan("");
  return RU_OK;
}

ru_status rui_validate_require(const table_handle *t, const char *file,
                               const char *const *columns, size_t n, ru_error *err) {
  for (size_t k = 0; k < n; k++) {
    int found = 0;
    for (size_t i = 0; i < t->ncols; i++) found |= strcasecmp(t->cols[i], columns[k]) == 0;
    if (!found) return ru_error_set(err, RU_EDATA, "%s: missing column '%s'", file, columns[k]);
  }
  return RU_OK;
}

const char *rui_validate_text(const table_handle *t, const char *column) {
  for (size_t i = 0; i < t->ncols; i++) {
    if (strcasecmp(t->cols[i], column) == 0) {
      const char *v = rui_csv_field(t->csv, i);
      return v ? v : "";
    }
  }
  return "";
}

double rui_validate_number(const char *text) { return num_or_nan(text); }

ru_status rui_validate_row_from_record(ru_vset *v, size_t *cap, const table_handle *t,
                                       const char *obs_column, const char *unit, ru_vrow **row,
                                       ru_error *err) {
  ru_status st = rui_validate_push_row(v, cap, row, err);
  if (st != RU_OK) return st;
  ru_vrow *r = *row;
  rui_strlcpy(r->id, rui_validate_text(t, "id"), sizeof r->id);
  r->calibration = t->calibration;
  rui_strlcpy(r->unit, unit ? unit : rui_validate_text(t, "unit"), sizeof r->unit);
  rui_strlcpy(r->source, rui_validate_text(t, "source"), sizeof r->source);
  r->observed = num_or_nan(rui_validate_text(t, obs_column));
  r->observed_low = num_or_nan(rui_validate_text(t, "observed_low"));
  r->observed_high = num_or_nan(rui_validate_text(t, "observed_high"));
  return RU_OK;
}

/* Fold error of a ratio prediction; a prediction inside the observed range is exact. */
static double fold_error(double pred, double obs, double lo, double hi) {
  if (!(pred > 0.0)) return nan("");
  if (isfinite(lo) && isfinite(hi)) {
    if (pred >= lo && pred <= hi) return 1.0;
    const double ref = pred < lo ? lo : hi;
    return fmax(pred / ref, ref / pred);
  }
  if (!(obs > 0.0)) return nan("");
  return fmax(pred / obs, obs / pred);
}

static void grade(ru_vrow *r) {
  r->within_2x = isfinite(r->error) && r->error <= 2.0;
  r->within_1_5x = isfinite(r->error) && r->error <= 1.5;
  r->within_1_25x = isfinite(r->error) && r->error <= 1.25;
}

ru_status rui_validate_apply_overrides(ru_sim *s, const ru_validate_options *opt, ru_error *err) {
  for (size_t i = 0; opt && i < opt->noverrides; i++) {
    ru_status st = ru_sim_set_override(s, opt->overrides[i], err);
    if (st != RU_OK) return st;
  }
  return RU_OK;
}

/* --- ratio rows (ddi, pm) ----------------------------------------------------------------------- */

/* Fills r->what, r->quantity and r->predicted for one record; a failure's message goes to the
 * row's note (the row stays, unpredicted). */
typedef ru_status (*ratio_fn)(const ru_kb *kb, const table_handle *t,
                              const ru_validate_options *opt, ru_vrow *r, ru_error *row_err);

/* Runs a table of exposure-ratio rows: each prediction graded by fold error (a prediction
 * inside an observed range is exact) and direction (a rise predicted for an observed rise). */
static ru_status run_ratio_table(const ru_kb *kb, const char *file, int embedded,
                                 const char *const *required, size_t nreq, const char *unit,
                                 ratio_fn fn, const ru_validate_options *opt, ru_vset *v,
                                 size_t *cap, ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) return st;
  st = rui_validate_require(&t, file, required, nreq, err);
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    ru_vrow *r;
    st = rui_validate_row_from_record(v, cap, &t, "observed", unit, &r, err);
    if (st != RU_OK) break;
    ru_error row_err;
    ru_error_clear(&row_err);
    if (fn(kb, &t, opt, r, &row_err) != RU_OK) {
      rui_strlcpy(r->note, row_err.message, sizeof r->note);
      r->predicted = nan("");
      continue;
    }
    r->error = fold_error(r->predicted, r->observed, r->observed_low, r->observed_high);
    const double ref = isfinite(r->observed) ? r->observed : 0.5 * (r->observed_low + r->observed_high);
    r->right_direction = (ref >= 1.0) == (r->predicted >= 1.0) || fabs(r->predicted - 1.0) < 0.05;
    grade(r);
  }
  rui_csv_close(t.csv);
  return st;
}

/* ddi.csv: victim regimen with vs without the perpetrator regimen(s) (';' or '+' separated). */
static ru_status ddi_row(const ru_kb *kb, const table_handle *t, const ru_validate_options *opt,
                         ru_vrow *r, ru_error *row_err) {
  const char *victim = rui_validate_text(t, "victim_regimen");
  char perps_buf[512];
  rui_strlcpy(perps_buf, rui_validate_text(t, "perpetrator_regimens"), sizeof perps_buf);
  snprintf(r->what, sizeof r->what, "%.120s with %.120s", victim, perps_buf);
  rui_strlcpy(r->quantity, rui_validate_text(t, "measure"), sizeof r->quantity);
  const char *perps[8];
  size_t np = 0;
  char *save = NULL;
  for (char *tok = strtok_r(perps_buf, ";+", &save); tok && np < 8; tok = strtok_r(NULL, ";+", &save)) {
    while (*tok == ' ') tok++;
    perps[np++] = tok;
  }
  ru_ddi_options o = {NULL, 0, opt ? opt->overrides : NULL, opt ? opt->noverrides : 0, nan(""),
                      RU_SOLVER_AUTO, 0.0};
  /* ANALYTE=NAME in the notes: the ratio was measured on that compound (the victim or one of its
   * metabolites, e.g. desipramine formed from imipramine) */
  char analyte[RU_NAME_MAX] = "";
  const char *an = strstr(rui_validate_text(t, "notes"), "ANALYTE=");
  if (an != NULL) {
    an += 8;
    size_t k = 0;
    while (k + 1 < sizeof analyte && (isalnum((unsigned char)an[k]) || an[k] == '-' || an[k] == '_')) {
      analyte[k] = an[k];
      k++;
    }
    analyte[k] = '\0';
  }
  ru_ddi_result *res = rui_calloc(1, sizeof *res);
  if (res == NULL) return ru_error_set(row_err, RU_ENOMEM, "out of memory");
  ru_status st = ru_ddi_interaction(kb, victim, perps, np, &o, res, row_err);
  if (st != RU_OK) {
    rui_free(res);
    return st;
  }
  double auc = res->auc_ratio, cmax = res->cmax_ratio;
  if (analyte[0] != '\0') {
    char canon[RU_NAME_MAX];
    st = ru_kb_resolve(kb, analyte, canon, row_err);
    if (st == RU_OK && strcmp(canon, res->victim) != 0) {
      size_t m = 0;
      while (m < res->nmetabolites && strcmp(res->metabolites[m].compound, canon) != 0) m++;
      if (m == res->nmetabolites) {
        st = ru_error_set(row_err, RU_ENOTFOUND, "ANALYTE=%s is not a metabolite of %s in the knowledge base",
                          analyte, res->victim);
      } else {
        auc = res->metabolites[m].auc_ratio;
        cmax = res->metabolites[m].cmax_ratio;
      }
    }
    if (st == RU_OK) {
      char w[sizeof r->what + RU_NAME_MAX + 16];
      snprintf(w, sizeof w, "%.180s [analyte %.60s]", r->what, canon);
      rui_strlcpy(r->what, w, sizeof r->what);
    }
  }
  if (st == RU_OK) {
    r->predicted = strcasecmp(r->quantity, "cmax_ratio") == 0 ? cmax : auc;
    const double ref = isfinite(r->observed) ? r->observed : 0.5 * (r->observed_low + r->observed_high);
    if (r->predicted < 1.01 && ref > 1.1) {
      /* why nothing acts: the explanation of the victim's largest pathway */
      const ru_ddi_explanation *best = NULL;
      for (size_t k = 0; k < res->nexplain; k++) {
        if (best == NULL || res->explain[k].fm > best->fm) best = &res->explain[k];
      }
      snprintf(r->note, sizeof r->note, "no inhibition modelled: %.200s",
               best ? best->text : "no explanation available");
    }
  }
  rui_free(res);
  return st;
}

static ru_status exposure_under(const ru_kb *kb, const char *regimen, const char *phenotype,
                                const char *compound, const ru_validate_options *opt,
                                ru_exposure *out, ru_error *err) {
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  ru_exposure *e = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, regimen, err);
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, r, err);
  if (st == RU_OK && phenotype[0]) st = ru_sim_set_phenotype(s, phenotype, err);
  if (st == RU_OK) st = rui_validate_apply_overrides(s, opt, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  if (st == RU_OK) {
    e = rui_calloc(ru_sim_compound_count(s), sizeof *e);
    if (e == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  if (st == RU_OK) st = ru_sim_exposure(s, e, err);
  if (st == RU_OK) {
    const long i = ru_sim_compound_index(s, compound);
    if (i < 0) st = ru_error_set(err, RU_ENOTFOUND, "compound '%s' not in the simulation", compound);
    else *out = e[i];
  }
  rui_free(e);
  ru_sim_free(s);
  ru_regimen_free(r);
  return st;
}

/* calibration_pm_nm.csv: one regimen under phenotype_a vs phenotype_b. */
static ru_status pm_row(const ru_kb *kb, const table_handle *t, const ru_validate_options *opt,
                        ru_vrow *r, ru_error *row_err) {
  const char *reg = rui_validate_text(t, "regimen"), *pa = rui_validate_text(t, "phenotype_a");
  const char *pb = rui_validate_text(t, "phenotype_b"), *comp = rui_validate_text(t, "compound");
  snprintf(r->what, sizeof r->what, "%.100s, %.40s vs %.40s, %.60s", reg, pa, pb, comp);
  rui_strlcpy(r->quantity, rui_validate_text(t, "measure"), sizeof r->quantity);
  ru_exposure a, b;
  ru_status st = exposure_under(kb, reg, pa, comp, opt, &a, row_err);
  if (st == RU_OK) st = exposure_under(kb, reg, pb, comp, opt, &b, row_err);
  if (st != RU_OK) return st;
  r->predicted = strcasecmp(r->quantity, "cmax_ratio") == 0 ? a.cmax_ng_per_ml / b.cmax_ng_per_ml
                                                            : a.auc_ng_h_per_ml / b.auc_ng_h_per_ml;
  return RU_OK;
}

/* washout.csv: how fast an enzyme's lost activity returns after the perpetrators stop (ddi.h,
 * ru_ddi_time_course on the enzyme alone, no probe drug). */
static ru_status washout_row(const ru_kb *kb, const table_handle *t, const ru_validate_options *opt,
                             ru_vrow *r, ru_error *row_err) {
  char perps_buf[512];
  rui_strlcpy(perps_buf, rui_validate_text(t, "perpetrator_regimens"), sizeof perps_buf);
  const char *enzyme = rui_validate_text(t, "enzyme"), *stop = rui_validate_text(t, "stop_after");
  snprintf(r->what, sizeof r->what, "%.150s, %.20s, stopped after %.20s", perps_buf, enzyme, stop);
  rui_strlcpy(r->quantity, rui_validate_text(t, "measure"), sizeof r->quantity);
  const char *perps[8];
  size_t np = 0;
  char *save = NULL;
  for (char *tok = strtok_r(perps_buf, ";+", &save); tok && np < 8; tok = strtok_r(NULL, ";+", &save)) {
    while (*tok == ' ') tok++;
    perps[np++] = tok;
  }
  double stop_h = nan("");
  ru_status st = ru_units_parse(RU_UNIT_TIME, stop, "h", 0.0, &stop_h, row_err);
  if (st != RU_OK) return st;
  const int half = strcmp(r->quantity, "recovery_half_life_d") == 0;
  if (!half && strcmp(r->quantity, "recovery_90_d") != 0)
    return ru_error_set(row_err, RU_EDATA, "unknown washout measure '%s' (recovery_half_life_d, "
                        "recovery_90_d)", r->quantity);
  ru_ddi_options o = {NULL, 0, opt ? opt->overrides : NULL, opt ? opt->noverrides : 0, stop_h,
                      RU_SOLVER_AUTO, 0.0};
  ru_ddi_course c;
  st = ru_ddi_time_course(kb, NULL, perps, np, &o, enzyme, &c, row_err);
  if (st != RU_OK) return st;
  if (!(c.effect >= RU_DDI_COURSE_MIN_EFFECT))
    return ru_error_set(row_err, RU_EMISSING, "no %s inhibition predicted at the stop (lost "
                        "activity %.2g %%): nothing to recover", enzyme, 100.0 * c.effect);
  r->predicted = (half ? c.recovery_50_h : c.recovery_90_h) / 24.0;
  return RU_OK;
}

static const char *const WASHOUT_REQUIRED[] = {"id", "perpetrator_regimens", "enzyme",
                                               "stop_after", "measure"};
static const char *const DDI_REQUIRED[] = {"id", "victim_regimen", "perpetrator_regimens", "measure"};
static const char *const PM_REQUIRED[] = {"id", "regimen", "phenotype_a", "phenotype_b", "compound",
                                          "measure"};

/* --- metrics ------------------------------------------------------------------------------------ */

void rui_validate_metric(ru_vset *v, const char *name, double value, size_t n) {
  if (v->nmetrics >= sizeof v->metrics / sizeof v->metrics[0]) return;
  ru_vmetric *m = &v->metrics[v->nmetrics++];
  rui_strlcpy(m->name, name, sizeof m->name);
  m->value = value;
  m->n = n;
}

static void ratio_metrics(ru_vset *v) {
  for (int cal = 0; cal <= 1; cal++) {
    double lsum = 0.0;
    size_t n = 0, w2 = 0, w15 = 0, w125 = 0;
    for (size_t i = 0; i < v->nrows; i++) {
      const ru_vrow *r = &v->rows[i];
      if (r->calibration != cal || !isfinite(r->error)) continue;
      lsum += log(r->error);
      n++;
      w2 += r->within_2x ? 1u : 0u;
      w15 += r->within_1_5x ? 1u : 0u;
      w125 += r->within_1_25x ? 1u : 0u;
    }
    if (n == 0) continue;
    const char *p = cal ? "calibration_" : "";
    char name[64];
    snprintf(name, sizeof name, "%sgmfe", p);
    rui_validate_metric(v, name, exp(lsum / (double)n), n);
    snprintf(name, sizeof name, "%swithin_1.25x", p);
    rui_validate_metric(v, name, (double)w125 / (double)n, n);
    snprintf(name, sizeof name, "%swithin_1.5x", p);
    rui_validate_metric(v, name, (double)w15 / (double)n, n);
    snprintf(name, sizeof name, "%swithin_2x", p);
    rui_validate_metric(v, name, (double)w2 / (double)n, n);
  }
  size_t missing = 0;
  for (size_t i = 0; i < v->nrows; i++) missing += isfinite(v->rows[i].predicted) ? 0u : 1u;
  rui_validate_metric(v, "not_predicted", (double)missing, v->nrows);
}

/* --- entry --------------------------------------------------------------------------------------- */

void ru_vset_free(ru_vset *v) {
  if (v == NULL) return;
  rui_free(v->rows);
  rui_free(v->folds);
  rui_free(v);
}

ru_status ru_validate_run(const ru_kb *kb, const char *set, const char *path,
                          const ru_validate_options *opt, ru_vset **out, ru_error *err) {
  *out = NULL;
  if (kb == NULL || set == NULL) return ru_error_set(err, RU_EINVAL, "validate: no set");
  ru_vset *v = rui_calloc(1, sizeof *v);
  if (v == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  rui_strlcpy(v->set, set, sizeof v->set);
  size_t cap = 0;
  ru_status st;
  if (strcmp(set, "pet") == 0) {
    st = rui_validate_pet(kb, path, opt, v, &cap, err);
  } else if (strcmp(set, "ddi") == 0) {
    st = run_ratio_table(kb, path ? path : "ddi.csv", path == NULL, DDI_REQUIRED, 4, "ratio",
                         ddi_row, opt, v, &cap, err);
    if (st == RU_OK) ratio_metrics(v);
  } else if (strcmp(set, "pm") == 0) {
    /* embedded: the calibration rows, then the predictions */
    st = run_ratio_table(kb, path ? path : "calibration_pm_nm.csv", path == NULL, PM_REQUIRED, 6,
                         "ratio", pm_row, opt, v, &cap, err);
    if (st == RU_OK && path == NULL)
      st = run_ratio_table(kb, "pm_nm.csv", 1, PM_REQUIRED, 6, "ratio", pm_row, opt, v, &cap, err);
    if (st == RU_OK) ratio_metrics(v);
  } else if (strcmp(set, "washout") == 0) {
    st = run_ratio_table(kb, path ? path : "washout.csv", path == NULL, WASHOUT_REQUIRED, 5, "d",
                         washout_row, opt, v, &cap, err);
    if (st == RU_OK) ratio_metrics(v);
  } else if (strcmp(set, "microdialysis") == 0 || strcmp(set, "physiology") == 0 ||
             strcmp(set, "firing") == 0) {
    st = rui_validate_synapse_set(kb, set, path, opt != NULL && opt->cross_validate, v, &cap, err);
  } else {
    st = ru_error_set(err, RU_EINVAL,
                      "unknown validation set '%s' (pet, ddi, pm, washout, microdialysis, firing, "
                      "physiology)", set);
  }
  if (st == RU_OK && opt && opt->cross_validate && !v->cross_validated) {
    rui_strlcpy(v->cv_note, "nothing is fitted on this set: every row is a prediction, its "
                "held-out error is the error above", sizeof v->cv_note);
  }
  if (st != RU_OK) {
    ru_vset_free(v);
    return st;
  }
  *out = v;
  return RU_OK;
}
