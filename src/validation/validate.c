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

#define NPROF 241
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

/* Column value of the current record by header name ("" when absent). */
static const char *col(const rui_csv *csv, const long *idx, size_t k) {
  if (idx[k] < 0) return "";
  const char *v = rui_csv_field(csv, (size_t)idx[k]);
  return v ? v : "";
}

static double num_or_nan(const char *s) {
  double v;
  if (s == NULL || *s == '\0') return nan("");
  return ru_units_parse_double(s, &v) == RU_OK ? v : nan("");
}

static ru_status header_index(const rui_csv *csv, const char *const *names, size_t n, long *idx,
                              size_t nreq, ru_error *err) {
  for (size_t k = 0; k < n; k++) {
    idx[k] = rui_csv_column(csv, names[k]);
    if (k < nreq && idx[k] < 0) {
      return ru_error_set(err, RU_EDATA, "%s: missing column '%s'", rui_csv_name(csv), names[k]);
    }
  }
  return RU_OK;
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
  (*row)->error = nan("");
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

/* --- occupancy rows --------------------------------------------------------------------------- */

/* Unscaled binding ratio X_j = sum_i Cu_i/Ki_i at n sample points of a PET row; *is_mean = 1
 * when the observation is a mean over the points, 0 when it is their maximum (peak) or a single
 * point (n = 1). */
typedef struct xprofile {
  size_t n;
  double x[NPROF];
  int use_max;
} xprofile;

static ru_status x_of_conc(const ru_kb *kb, ru_sim *s, const char *target, const double *conc,
                           size_t n, double *x, ru_error *err) {
  const size_t nc = ru_sim_compound_count(s);
  for (size_t j = 0; j < n; j++) x[j] = 0.0;
  for (size_t i = 0; i < nc; i++) {
    ru_value ki;
    ru_status st = ru_kb_affinity(kb, ru_sim_compound_name(s, i), target, &ki, err);
    if (st != RU_OK) return st;
    if (!(ki.value > 0.0)) continue;
    const double fu = ru_sim_compound_fu(s, i), mw = ru_sim_compound_mw(s, i);
    if (!isfinite(fu) || !isfinite(mw)) {
      return ru_error_set(err, RU_EMISSING, "%s binds %s but its %s is missing",
                          ru_sim_compound_name(s, i), target, isfinite(fu) ? "MW" : "fu");
    }
    for (size_t j = 0; j < n; j++) x[j] += ru_pd_unbound_nm(conc[i * n + j], fu, mw) / ki.value;
  }
  return RU_OK;
}

static ru_status apply_overrides(ru_sim *s, const ru_validate_options *opt, ru_error *err) {
  for (size_t i = 0; opt && i < opt->noverrides; i++) {
    ru_status st = ru_sim_set_override(s, opt->overrides[i], err);
    if (st != RU_OK) return st;
  }
  return RU_OK;
}

static ru_status pet_profile(const ru_kb *kb, const char *drug, const char *target,
                             const char *regimen, const char *when, double conc_ng_per_ml,
                             const ru_validate_options *opt, xprofile *xp, char *what, size_t wcap,
                             ru_error *err) {
  ru_sim *s = NULL;
  ru_regimen *r = NULL;
  double *conc = NULL;
  ru_status st = ru_sim_new(kb, &s, err);
  memset(xp, 0, sizeof *xp);
  if (st == RU_OK && isfinite(conc_ng_per_ml)) {
    snprintf(what, wcap, "%s at %g ng/mL total, %s", drug, conc_ng_per_ml, target);
    st = ru_sim_add_compound(s, drug, err);
    if (st == RU_OK) st = apply_overrides(s, opt, err);
    if (st == RU_OK) st = ru_sim_prepare(s, err);
    const size_t nc = ru_sim_compound_count(s);
    conc = rui_calloc(nc + 1, sizeof *conc);
    if (st == RU_OK && conc == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
    if (st == RU_OK) {
      const long i = ru_sim_compound_index(s, drug);
      if (i >= 0) conc[i] = conc_ng_per_ml;
      xp->n = 1;
      st = x_of_conc(kb, s, target, conc, 1, xp->x, err);
    }
    goto done;
  }
  snprintf(what, wcap, "%s, %s, %s%s", regimen, target,
           strcmp(when, "ss") == 0 ? "steady-state mean" : when,
           (strcmp(when, "ss") == 0 || strcmp(when, "peak") == 0) ? "" : " h after the last dose");
  if (st == RU_OK) st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, regimen, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, r, err);
  if (st == RU_OK) st = apply_overrides(s, opt, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  if (st != RU_OK) goto done;
  {
    const size_t nc = ru_sim_compound_count(s);
    conc = rui_malloc((nc * NPROF + 1) * sizeof *conc);
    if (conc == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      goto done;
    }
    const ru_event *e0 = ru_regimen_event(r, 0);
    const int forever = e0->ii_h > 0.0 && e0->addl < 0;
    double t[NPROF], tau = 0.0;
    if (strcmp(when, "ss") == 0 || (strcmp(when, "peak") == 0 && forever)) {
      st = ru_sim_steady_profile(s, NPROF, t, conc, &tau, err);
      xp->n = NPROF;
      xp->use_max = strcmp(when, "peak") == 0;
    } else if (strcmp(when, "peak") == 0) {
      /* the time of maximal occupancy after the last dose, searched on a 0.1 h grid */
      const double last = ru_regimen_last_dose_h(r);
      for (size_t j = 0; j < NPROF; j++) t[j] = last + 0.1 * (double)j;
      st = ru_sim_run(s, t, NPROF, conc, err);
      xp->n = NPROF;
      xp->use_max = 1;
    } else {
      double h = 0.0;
      if (ru_units_parse_double(when, &h) != RU_OK || h < 0.0) {
        st = ru_error_set(err, RU_EDATA, "time_after_last_dose_h '%s': expected ss, peak or hours",
                          when);
        goto done;
      }
      double at;
      if (forever) {
        const double settle = ru_sim_settling_time_h(s);
        at = e0->time_h + (ceil(settle / e0->ii_h) + 1.0) * e0->ii_h + h;
      } else {
        at = ru_regimen_last_dose_h(r) + h;
      }
      st = ru_sim_run(s, &at, 1, conc, err);
      xp->n = 1;
    }
    if (st == RU_OK) st = x_of_conc(kb, s, target, conc, xp->n, xp->x, err);
  }
done:
  rui_free(conc);
  ru_regimen_free(r);
  ru_sim_free(s);
  return st;
}

static double occ_from_x(const xprofile *xp, double scale) {
  double acc = 0.0, mx = 0.0;
  for (size_t j = 0; j < xp->n; j++) {
    const double z = xp->x[j] / scale;
    const double o = z / (1.0 + z);
    mx = fmax(mx, o);
    const double w = xp->n == 1 ? 1.0 : ((j == 0 || j + 1 == xp->n) ? 0.5 : 1.0) / (double)(xp->n - 1);
    acc += w * o;
  }
  return xp->use_max ? mx : acc;
}

static const char *const PET_COLS[] = {"id", "drug", "target", "regimen", "time_after_last_dose_h",
                                       "conc_ng_per_ml", "observed_pct", "observed_low",
                                       "observed_high", "source", "notes"};
enum { P_ID, P_DRUG, P_TARGET, P_REG, P_TIME, P_CONC, P_OBS, P_LO, P_HI, P_SRC, P_NOTES, P_N };

/* Iterates the rows of a PET table, calling fn with each row's profile. */
typedef ru_status (*pet_fn)(void *ctx, const rui_csv *csv, const long *idx, int calibration,
                            const xprofile *xp, const char *what, ru_status row_status,
                            const ru_error *row_err, ru_error *err);

static ru_status each_pet_row(const ru_kb *kb, const char *file, int embedded,
                              const ru_validate_options *opt, pet_fn fn, void *ctx, ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) return st;
  long idx[P_N];
  st = header_index(t.csv, PET_COLS, P_N, idx, 3, err);
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    xprofile xp;
    char what[256];
    ru_error row_err;
    ru_error_clear(&row_err);
    const ru_status rs = pet_profile(kb, col(t.csv, idx, P_DRUG), col(t.csv, idx, P_TARGET),
                                     col(t.csv, idx, P_REG), col(t.csv, idx, P_TIME),
                                     num_or_nan(col(t.csv, idx, P_CONC)), opt, &xp, what,
                                     sizeof what, &row_err);
    st = fn(ctx, t.csv, idx, t.calibration, &xp, what, rs, &row_err, err);
  }
  rui_csv_close(t.csv);
  return st;
}

typedef struct pet_run_ctx {
  const ru_kb *kb;
  ru_vset *v;
  size_t cap;
} pet_run_ctx;

static ru_status pet_row(void *vctx, const rui_csv *csv, const long *idx, int calibration,
                         const xprofile *xp, const char *what, ru_status rs,
                         const ru_error *row_err, ru_error *err) {
  pet_run_ctx *c = vctx;
  ru_vrow *r;
  ru_status st = rui_validate_push_row(c->v, &c->cap, &r, err);
  if (st != RU_OK) return st;
  rui_strlcpy(r->id, col(csv, idx, P_ID), sizeof r->id);
  r->calibration = calibration;
  rui_strlcpy(r->what, what, sizeof r->what);
  rui_strlcpy(r->quantity, col(csv, idx, P_TARGET), sizeof r->quantity);
  rui_strlcpy(r->unit, "%", sizeof r->unit);
  rui_strlcpy(r->source, col(csv, idx, P_SRC), sizeof r->source);
  r->observed = num_or_nan(col(csv, idx, P_OBS));
  r->observed_low = num_or_nan(col(csv, idx, P_LO));
  r->observed_high = num_or_nan(col(csv, idx, P_HI));
  if (rs != RU_OK) {
    rui_strlcpy(r->note, row_err->message, sizeof r->note);
    return RU_OK;
  }
  ru_value scale;
  ru_error e2;
  double s = 1.0;
  if (ru_kb_scaling(c->kb, r->quantity, &scale, &e2) == RU_OK && scale.value > 0.0) {
    s = scale.value;
    if (scale.status == RU_VALUE_MISSING) {
      snprintf(r->note, sizeof r->note, "no in-vivo scaling calibrated for %s: in-vitro Ki used",
               r->quantity);
    }
  }
  r->predicted = 100.0 * occ_from_x(xp, s);
  double obs = r->observed;
  if (isfinite(r->observed_low) && isfinite(r->observed_high)) {
    obs = (r->predicted >= r->observed_low && r->predicted <= r->observed_high)
              ? r->predicted
              : (r->predicted < r->observed_low ? r->observed_low : r->observed_high);
  }
  r->error = fabs(r->predicted - obs);
  r->right_direction = 1;
  return RU_OK;
}

/* --- calibration ---------------------------------------------------------------------------- */

#define CAL_MAX 64
typedef struct cal_ctx {
  size_t n;
  char target[CAL_MAX][16];
  char id[CAL_MAX][64];
  double obs[CAL_MAX];
  xprofile xp[CAL_MAX];
} cal_ctx;

static ru_status cal_row(void *vctx, const rui_csv *csv, const long *idx, int calibration,
                         const xprofile *xp, const char *what, ru_status rs,
                         const ru_error *row_err, ru_error *err) {
  (void)what;
  cal_ctx *c = vctx;
  if (!calibration) return RU_OK;
  if (rs != RU_OK) {
    return ru_error_set(err, rs, "calibration row %s: %s", col(csv, idx, P_ID), row_err->message);
  }
  if (c->n >= CAL_MAX) return ru_error_set(err, RU_ERANGE, "too many calibration rows");
  rui_strlcpy(c->target[c->n], col(csv, idx, P_TARGET), sizeof c->target[c->n]);
  rui_strlcpy(c->id[c->n], col(csv, idx, P_ID), sizeof c->id[c->n]);
  double o = num_or_nan(col(csv, idx, P_OBS));
  if (!isfinite(o)) {
    o = 0.5 * (num_or_nan(col(csv, idx, P_LO)) + num_or_nan(col(csv, idx, P_HI)));
  }
  if (!isfinite(o)) return ru_error_set(err, RU_EDATA, "calibration row %s has no observation", c->id[c->n]);
  c->obs[c->n] = o;
  c->xp[c->n] = *xp;
  c->n++;
  return RU_OK;
}

static double cal_sse(const cal_ctx *c, const char *target, double log_s) {
  const double s = exp(log_s);
  double sse = 0.0;
  for (size_t i = 0; i < c->n; i++) {
    if (strcmp(c->target[i], target) != 0) continue;
    const double d = 100.0 * occ_from_x(&c->xp[i], s) - c->obs[i];
    sse += d * d;
  }
  return sse;
}

ru_status ru_validate_calibrate(const ru_kb *kb, const char *path, const ru_validate_options *opt,
                                ru_calibration *out, size_t max, size_t *n, ru_error *err) {
  *n = 0;
  cal_ctx *c = rui_calloc(1, sizeof *c);
  if (c == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  ru_status st = path ? each_pet_row(kb, path, 0, opt, cal_row, c, err)
                      : each_pet_row(kb, "calibration_pet.csv", 1, opt, cal_row, c, err);
  for (size_t i = 0; st == RU_OK && i < c->n; i++) {
    int seen = 0;
    for (size_t k = 0; k < *n; k++) seen |= strcmp(out[k].target, c->target[i]) == 0;
    if (seen) continue;
    if (*n >= max) break;
    ru_calibration *cal = &out[(*n)++];
    memset(cal, 0, sizeof *cal);
    rui_strlcpy(cal->target, c->target[i], sizeof cal->target);
    /* golden-section search on log(scale) over [ln 1e-3, ln 1e3]; the SSE is unimodal in the
     * scale because every row's occupancy decreases monotonically with it */
    double a = log(1e-3), b = log(1e3);
    const double gr = 0.6180339887498949;
    double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
    double f1 = cal_sse(c, cal->target, x1), f2 = cal_sse(c, cal->target, x2);
    while (b - a > 1e-10) {
      if (f1 < f2) {
        b = x2;
        x2 = x1;
        f2 = f1;
        x1 = b - gr * (b - a);
        f1 = cal_sse(c, cal->target, x1);
      } else {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + gr * (b - a);
        f2 = cal_sse(c, cal->target, x2);
      }
    }
    cal->factor = exp(0.5 * (a + b));
    size_t len = 0;
    for (size_t k = 0; k < c->n; k++) {
      if (strcmp(c->target[k], cal->target) != 0) continue;
      cal->nrows++;
      const int w = snprintf(cal->rows + len, sizeof cal->rows - len, "%s%s", len ? ";" : "", c->id[k]);
      if (w > 0 && (size_t)w < sizeof cal->rows - len) len += (size_t)w;
    }
    cal->rmse_pp = sqrt(cal_sse(c, cal->target, log(cal->factor)) / (double)cal->nrows);
  }
  rui_free(c);
  return st;
}

/* --- ratio rows (ddi, pm) ----------------------------------------------------------------------- */

/* Fills r->what, r->quantity and r->predicted for one record; a failure's message goes to the
 * row's note (the row stays, unpredicted). */
typedef ru_status (*ratio_fn)(const ru_kb *kb, const table_handle *t,
                              const ru_validate_options *opt, ru_vrow *r, ru_error *row_err);

/* Runs a table of exposure-ratio rows: each prediction graded by fold error (a prediction
 * inside an observed range is exact) and direction (a rise predicted for an observed rise). */
static ru_status run_ratio_table(const ru_kb *kb, const char *file, int embedded,
                                 const char *const *required, size_t nreq, ratio_fn fn,
                                 const ru_validate_options *opt, ru_vset *v, size_t *cap,
                                 ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) return st;
  for (size_t k = 0; k < nreq && st == RU_OK; k++) {
    int found = 0;
    for (size_t i = 0; i < t.ncols; i++) found |= strcasecmp(t.cols[i], required[k]) == 0;
    if (!found) st = ru_error_set(err, RU_EDATA, "%s: missing column '%s'", file, required[k]);
  }
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    ru_vrow *r;
    st = rui_validate_row_from_record(v, cap, &t, "observed", "ratio", &r, err);
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
  if (st == RU_OK) st = apply_overrides(s, opt, err);
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

static void pet_metrics(ru_vset *v) {
  char targets[16][64];
  size_t nt = 0;
  for (size_t i = 0; i < v->nrows; i++) {
    int seen = 0;
    for (size_t k = 0; k < nt; k++) seen |= strcmp(targets[k], v->rows[i].quantity) == 0;
    if (!seen && nt < 16) rui_strlcpy(targets[nt++], v->rows[i].quantity, sizeof targets[0]);
  }
  for (int cal = 0; cal <= 1; cal++) {
    double all = 0.0;
    size_t nall = 0;
    for (size_t k = 0; k < nt; k++) {
      double sum = 0.0;
      size_t n = 0;
      for (size_t i = 0; i < v->nrows; i++) {
        const ru_vrow *r = &v->rows[i];
        if (r->calibration != cal || strcmp(r->quantity, targets[k]) != 0 || !isfinite(r->error)) continue;
        sum += r->error;
        n++;
      }
      if (n == 0) continue;
      char name[96];
      snprintf(name, sizeof name, "%s.%.32s", cal ? "calibration_mae_pp" : "mae_pp", targets[k]);
      rui_validate_metric(v, name, sum / (double)n, n);
      all += sum;
      nall += n;
    }
    if (nall > 0) rui_validate_metric(v, cal ? "calibration_mae_pp" : "mae_pp", all / (double)nall, nall);
  }
  size_t missing = 0;
  for (size_t i = 0; i < v->nrows; i++) missing += isfinite(v->rows[i].predicted) ? 0u : 1u;
  rui_validate_metric(v, "not_predicted", (double)missing, v->nrows);
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
    pet_run_ctx c = {kb, v, 0};
    if (path) {
      st = each_pet_row(kb, path, 0, opt, pet_row, &c, err);
    } else {
      st = each_pet_row(kb, "calibration_pet.csv", 1, opt, pet_row, &c, err);
      if (st == RU_OK) st = each_pet_row(kb, "pet_occupancy.csv", 1, opt, pet_row, &c, err);
    }
    if (st == RU_OK) pet_metrics(v);
  } else if (strcmp(set, "ddi") == 0) {
    st = run_ratio_table(kb, path ? path : "ddi.csv", path == NULL, DDI_REQUIRED, 4, ddi_row, opt,
                         v, &cap, err);
    if (st == RU_OK) ratio_metrics(v);
  } else if (strcmp(set, "pm") == 0) {
    st = run_ratio_table(kb, path ? path : "calibration_pm_nm.csv", path == NULL, PM_REQUIRED, 6,
                         pm_row, opt, v, &cap, err);
    if (st == RU_OK) ratio_metrics(v);
  } else if (strcmp(set, "microdialysis") == 0 || strcmp(set, "physiology") == 0) {
    st = rui_validate_synapse_set(kb, set, path, v, &cap, err);
  } else {
    st = ru_error_set(err, RU_EINVAL,
                      "unknown validation set '%s' (pet, ddi, pm, microdialysis, physiology)", set);
  }
  if (st != RU_OK) {
    ru_vset_free(v);
    return st;
  }
  *out = v;
  return RU_OK;
}
