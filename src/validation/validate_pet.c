/* The PET/SPECT occupancy set of the validation runner (validate.h "pet"): each row's regimen
 * (or measured plasma level) is simulated once into its unscaled binding-ratio profile
 * X_j = sum_i Kp,uu_i Cu_i / Ki_i (pd.h), so that the occupancy for any in-vitro -> in-vivo
 * factor s is (X/s)/(1 + X/s) summarised like every other command (ru_pd_interval_stats). The
 * calibration fit (one factor per target family, shared by families whose rows rest on one
 * study's constants; calibration_* rows only) and its
 * leave-one-study-out cross-validation (crossval.h) work on those profiles. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/pd.h"
#include "reuptake/pk.h"
#include "reuptake/units.h"
#include "reuptake/validate.h"
#include "validation/crossval.h"
#include "validation/validate_impl.h"

/* Search range of the factor (validate.h) and the grid that brackets the least-squares
 * minimum before the golden section refines it (steps of x1.059 in the factor). */
#define FIT_LOG_LO (-6.907755278982137) /* ln 1e-3 */
#define FIT_LOG_HI (6.907755278982137)  /* ln 1e3 */
#define FIT_GRID 241
#define FIT_TOL 1e-10
/* "peak" after a finite regimen: the maximum searched on a 0.1 h grid over 24 h */
#define PEAK_POINTS 241
#define PEAK_STEP_H 0.1

typedef struct pet_row {
  char id[64];
  char drug[RU_NAME_MAX];
  char target[RU_NAME_MAX];
  char source[320];
  char what[256];
  char note[320];
  int calibration;
  double obs, lo, hi;
  int ok;          /* the profile was computed (else note says why) */
  size_t n;        /* samples in x */
  double *x;       /* unscaled binding ratio at each sample */
  int use_max;     /* the observation is the peak over the samples, else their mean / point */
  char assay[RU_SOURCE_MAX]; /* the one source of every binding constant at target ("" if mixed) */
} pet_row;

typedef struct pet_table {
  size_t n, cap;
  pet_row *rows;
} pet_table;

static void table_free(pet_table *t) {
  for (size_t i = 0; i < t->n; i++) rui_free(t->rows[i].x);
  rui_free(t->rows);
  memset(t, 0, sizeof *t);
}

/* Names the binding compounds that used the default Kp,uu,brain in the row's note. */
static void note_defaults(const ru_kb *kb, const ru_sim *s, pet_row *r) {
  char names[200] = "";
  size_t len = 0;
  for (size_t i = 0; i < ru_sim_compound_count(s); i++) {
    ru_value ki, kp;
    ru_error e;
    int dflt = 0;
    if (ru_kb_affinity(kb, ru_sim_compound_name(s, i), r->target, &ki, &e) != RU_OK ||
        !(ki.value > 0.0) || ru_pd_kpuu_brain(kb, s, i, &kp, &dflt, &e) != RU_OK || !dflt) {
      continue;
    }
    const int w = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
                           ru_sim_compound_name(s, i));
    if (w > 0 && (size_t)w < sizeof names - len) len += (size_t)w;
  }
  if (len > 0) {
    const size_t used = strlen(r->note);
    snprintf(r->note + used, sizeof r->note - used,
             "%sKp,uu,brain default (no brain-exposure evidence) for %s", used ? "; " : "", names);
  }
}

/* The study (source key) every binding constant of the row's ligands at its target comes from,
 * or "" when they come from more than one: the assay whose in-vitro scale the row's fitted
 * factor maps to in vivo (the family grouping in fit_set_init). */
static void row_assay(const ru_kb *kb, const ru_sim *s, pet_row *r) {
  int first = 1;
  r->assay[0] = '\0';
  for (size_t i = 0; i < ru_sim_compound_count(s); i++) {
    ru_value ki;
    ru_error e;
    if (ru_kb_affinity(kb, ru_sim_compound_name(s, i), r->target, &ki, &e) != RU_OK ||
        !(ki.value > 0.0)) {
      continue;
    }
    if (first) {
      rui_strlcpy(r->assay, ki.source, sizeof r->assay);
      first = 0;
    } else if (strcmp(r->assay, ki.source) != 0) {
      r->assay[0] = '\0';
      return;
    }
  }
}

/* Simulates one row into its binding-ratio profile. */
static ru_status profile(const ru_kb *kb, pet_row *r, const char *regimen, const char *when,
                         double conc_ng_per_ml, const ru_validate_options *opt, ru_error *err) {
  ru_sim *s = NULL;
  ru_regimen *reg = NULL;
  double *conc = NULL;
  ru_status st = ru_sim_new(kb, &s, err);
  if (st == RU_OK && isfinite(conc_ng_per_ml)) {
    /* a measured total plasma level: one point */
    snprintf(r->what, sizeof r->what, "%s at %g ng/mL total, %s", r->drug, conc_ng_per_ml,
             r->target);
    st = ru_sim_add_compound(s, r->drug, err);
    if (st == RU_OK) st = rui_validate_apply_overrides(s, opt, err);
    if (st == RU_OK) {
      conc = rui_calloc(ru_sim_compound_count(s) + 1, sizeof *conc);
      r->x = rui_malloc(sizeof *r->x);
      if (conc == NULL || r->x == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    if (st == RU_OK) {
      const long i = ru_sim_compound_index(s, r->drug);
      if (i >= 0) conc[i] = conc_ng_per_ml;
      r->n = 1;
      st = ru_pd_binding_ratio_series(kb, s, r->target, conc, 1, r->x, NULL, NULL, err);
    }
    goto done;
  }
  const int ss = strcmp(when, "ss") == 0, peak = strcmp(when, "peak") == 0;
  snprintf(r->what, sizeof r->what, "%s, %s, %s%s", regimen, r->target,
           ss ? "steady-state mean" : when, (ss || peak) ? "" : " h after the last dose");
  if (st == RU_OK) st = ru_regimen_new(&reg, err);
  if (st == RU_OK) st = ru_regimen_parse(reg, regimen, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, reg, err);
  if (st == RU_OK) st = rui_validate_apply_overrides(s, opt, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  if (st != RU_OK) goto done;
  {
    const size_t nc = ru_sim_compound_count(s);
    const size_t npts = RU_PD_STEADY_POINTS > PEAK_POINTS ? RU_PD_STEADY_POINTS : PEAK_POINTS;
    conc = rui_malloc((nc * npts + 1) * sizeof *conc);
    r->x = rui_malloc(npts * sizeof *r->x);
    double *t = rui_malloc(npts * sizeof *t);
    if (conc == NULL || r->x == NULL || t == NULL) {
      rui_free(t);
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      goto done;
    }
    const ru_event *e0 = ru_regimen_event(reg, 0);
    const int forever = e0->ii_h > 0.0 && e0->addl < 0;
    double tau = 0.0, h = 0.0;
    if (ss || (peak && forever)) {
      /* steady state over the last dosing interval, on the grid every command uses */
      st = ru_sim_steady_profile(s, RU_PD_STEADY_POINTS, t, conc, &tau, err);
      r->n = RU_PD_STEADY_POINTS;
      r->use_max = peak;
    } else if (peak) {
      /* after a finite regimen (e.g. one dose): the maximum over 24 h after the last dose */
      const double last = ru_regimen_last_dose_h(reg);
      for (size_t j = 0; j < PEAK_POINTS; j++) t[j] = last + PEAK_STEP_H * (double)j;
      st = ru_sim_run(s, t, PEAK_POINTS, conc, err);
      r->n = PEAK_POINTS;
      r->use_max = 1;
    } else if (ru_units_parse_double(when, &h) != RU_OK || h < 0.0) {
      st = ru_error_set(err, RU_EDATA, "time_after_last_dose_h '%s': expected ss, peak or hours",
                        when);
    } else {
      /* hours after the last dose, from the full time course: a single dose or a finite
       * course is simulated from its first dose; an endless regimen from past its settling */
      double at;
      if (forever) {
        const double settle = ru_sim_settling_time_h(s);
        at = e0->time_h + (ceil(settle / e0->ii_h) + 1.0) * e0->ii_h + h;
      } else {
        at = ru_regimen_last_dose_h(reg) + h;
      }
      st = ru_sim_run(s, &at, 1, conc, err);
      r->n = 1;
    }
    rui_free(t);
    if (st == RU_OK) st = ru_pd_binding_ratio_series(kb, s, r->target, conc, r->n, r->x, NULL, NULL, err);
  }
done:
  if (st == RU_OK) {
    r->ok = 1;
    note_defaults(kb, s, r);
    row_assay(kb, s, r);
  }
  rui_free(conc);
  ru_regimen_free(reg);
  ru_sim_free(s);
  return st;
}

static ru_status push(pet_table *t, pet_row **out, ru_error *err) {
  if (t->n == t->cap) {
    const size_t nc = t->cap ? 2 * t->cap : 32;
    pet_row *nr = rui_realloc(t->rows, nc * sizeof *nr);
    if (nr == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
    t->rows = nr;
    t->cap = nc;
  }
  *out = &t->rows[t->n++];
  memset(*out, 0, sizeof **out);
  return RU_OK;
}

/* Reads every row of one PET table and simulates it. A row that cannot be simulated stays,
 * with ok = 0 and the reason in its note (a missing KB value is reported, never invented). */
static ru_status load(const ru_kb *kb, const char *file, int embedded,
                      const ru_validate_options *opt, pet_table *out, ru_error *err) {
  table_handle t;
  ru_status st = rui_validate_open(file, embedded, &t, err);
  if (st != RU_OK) return st;
  static const char *const required[] = {"id", "drug", "target"};
  st = rui_validate_require(&t, file, required, 3, err);
  int eof = 0;
  while (st == RU_OK) {
    st = rui_csv_next(t.csv, &eof, err);
    if (st != RU_OK || eof) break;
    pet_row *r = NULL;
    st = push(out, &r, err);
    if (st != RU_OK) break;
    rui_strlcpy(r->id, rui_validate_text(&t, "id"), sizeof r->id);
    rui_strlcpy(r->drug, rui_validate_text(&t, "drug"), sizeof r->drug);
    rui_strlcpy(r->target, rui_validate_text(&t, "target"), sizeof r->target);
    rui_strlcpy(r->source, rui_validate_text(&t, "source"), sizeof r->source);
    r->calibration = t.calibration;
    r->obs = rui_validate_number(rui_validate_text(&t, "observed_pct"));
    r->lo = rui_validate_number(rui_validate_text(&t, "observed_low"));
    r->hi = rui_validate_number(rui_validate_text(&t, "observed_high"));
    ru_error row_err;
    ru_error_clear(&row_err);
    const ru_status rs = profile(kb, r, rui_validate_text(&t, "regimen"),
                                 rui_validate_text(&t, "time_after_last_dose_h"),
                                 rui_validate_number(rui_validate_text(&t, "conc_ng_per_ml")),
                                 opt, &row_err);
    if (rs == RU_ENOMEM) st = ru_error_set(err, RU_ENOMEM, "out of memory");
    else if (rs != RU_OK) rui_strlcpy(r->note, row_err.message, sizeof r->note);
  }
  rui_csv_close(t.csv);
  return st;
}

/* --- prediction and error ----------------------------------------------------------------- */

/* Predicted occupancy (percent) of a simulated row under factor s. */
static double predict_pct(const pet_row *r, double s) {
  if (!r->ok || r->n == 0) return nan("");
  double mean = 0.0, peak = 0.0, o[RU_PD_STEADY_POINTS > PEAK_POINTS ? RU_PD_STEADY_POINTS : PEAK_POINTS];
  for (size_t j = 0; j < r->n; j++) o[j] = ru_pd_occupancy_of_ratio(r->x[j], s);
  ru_pd_interval_stats(o, r->n, &mean, NULL, &peak);
  return 100.0 * (r->use_max ? peak : mean);
}

/* Signed residual: predicted - observed, 0 inside an observed range (exact), else to the
 * nearer bound. */
static double residual(const pet_row *r, double pred) {
  if (!isfinite(pred)) return nan("");
  if (isfinite(r->lo) && isfinite(r->hi)) {
    if (pred >= r->lo && pred <= r->hi) return 0.0;
    return pred < r->lo ? pred - r->lo : pred - r->hi;
  }
  return isfinite(r->obs) ? pred - r->obs : nan("");
}

/* --- the fit ---------------------------------------------------------------------------------- */

/* The value a row is fitted to: its point value, or the midpoint of its published range (the
 * best point estimate of a range of means, and a unique minimum where a fit has only range
 * rows; grading still counts any prediction inside the range as exact). */
static double fit_target_pct(const pet_row *r) {
  return isfinite(r->obs) ? r->obs : 0.5 * (r->lo + r->hi);
}

static double sse(const pet_table *t, const size_t *rows, size_t n, double log_s) {
  const double s = exp(log_s);
  double acc = 0.0;
  for (size_t k = 0; k < n; k++) {
    const pet_row *r = &t->rows[rows[k]];
    const double d = predict_pct(r, s) - fit_target_pct(r);
    if (isfinite(d)) acc += d * d;
  }
  return acc;
}

/* Least-squares factor on rows (all of one target, simulated): the best point of a grid over
 * the search range, refined by golden section between its neighbours. */
static double fit_factor(const pet_table *t, const size_t *rows, size_t n) {
  const double step = (FIT_LOG_HI - FIT_LOG_LO) / (double)(FIT_GRID - 1);
  size_t best = 0;
  double fbest = HUGE_VAL;
  for (size_t g = 0; g < FIT_GRID; g++) {
    const double f = sse(t, rows, n, FIT_LOG_LO + step * (double)g);
    if (f < fbest) {
      fbest = f;
      best = g;
    }
  }
  double a = FIT_LOG_LO + step * (double)(best > 0 ? best - 1 : 0);
  double b = FIT_LOG_LO + step * (double)(best + 1 < FIT_GRID ? best + 1 : best);
  const double gr = 0.6180339887498949; /* (sqrt(5) - 1) / 2 */
  double x1 = b - gr * (b - a), x2 = a + gr * (b - a);
  double f1 = sse(t, rows, n, x1), f2 = sse(t, rows, n, x2);
  while (b - a > FIT_TOL) {
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - gr * (b - a);
      f1 = sse(t, rows, n, x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + gr * (b - a);
      f2 = sse(t, rows, n, x2);
    }
  }
  return exp(0.5 * (a + b));
}

/* The calibration rows of a table that can be fitted (calibration and simulated), and the
 * distinct target families among them. */
typedef struct fit_set {
  const pet_table *t;
  size_t n;
  size_t *row;                              /* table indices */
  size_t ntargets;
  char target[RU_VALIDATE_MAX_PARAMS][RU_NAME_MAX];
  /* families whose calibration rows all rest on constants of one and the same study share one
   * factor: group[k] is the first family of k's group, assay[k] that study ("" = own factor) */
  size_t group[RU_VALIDATE_MAX_PARAMS];
  char assay[RU_VALIDATE_MAX_PARAMS][RU_SOURCE_MAX];
  size_t *scratch;                          /* [n] */
} fit_set;

static size_t target_index(const fit_set *f, const char *target);

static ru_status fit_set_init(const pet_table *t, fit_set *f, ru_error *err) {
  memset(f, 0, sizeof *f);
  f->t = t;
  f->row = rui_calloc(t->n + 1, sizeof *f->row);
  f->scratch = rui_calloc(t->n + 1, sizeof *f->scratch);
  if (f->row == NULL || f->scratch == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  for (size_t i = 0; i < t->n; i++) {
    const pet_row *r = &t->rows[i];
    if (!r->calibration || !r->ok) continue;
    f->row[f->n++] = i;
    size_t k = 0;
    while (k < f->ntargets && strcmp(f->target[k], r->target) != 0) k++;
    if (k == f->ntargets) {
      if (f->ntargets >= RU_VALIDATE_MAX_PARAMS) {
        return ru_error_set(err, RU_ELIMIT, "calibration: more than %d target families",
                            RU_VALIDATE_MAX_PARAMS);
      }
      rui_strlcpy(f->target[f->ntargets++], r->target, RU_NAME_MAX);
    }
  }
  /* The factor maps an assay's in-vitro scale to in vivo: a family keeps its own factor unless
   * every one of its fitted rows rests on one study, the same as another such family's. */
  for (size_t k = 0; k < f->ntargets; k++) {
    int first = 1;
    f->assay[k][0] = '\0';
    for (size_t q = 0; q < f->n; q++) {
      const pet_row *r = &t->rows[f->row[q]];
      if (strcmp(r->target, f->target[k]) != 0) continue;
      if (first) {
        rui_strlcpy(f->assay[k], r->assay, RU_SOURCE_MAX);
        first = 0;
      } else if (strcmp(f->assay[k], r->assay) != 0) {
        f->assay[k][0] = '\0';
        break;
      }
    }
    f->group[k] = k;
    for (size_t j = 0; f->assay[k][0] && j < k; j++) {
      if (strcmp(f->assay[j], f->assay[k]) == 0) {
        f->group[k] = f->group[j];
        break;
      }
    }
  }
  return RU_OK;
}

/* The rows among rows[0..n) (indices into f->row, or all fit rows when rows is NULL) of the
 * families in family k's group, as table indices into f->scratch; returns their count. */
static size_t group_rows(fit_set *f, size_t k, const size_t *rows, size_t n) {
  size_t m = 0;
  const size_t total = rows ? n : f->n;
  for (size_t q = 0; q < total; q++) {
    const size_t i = f->row[rows ? rows[q] : q];
    const size_t fam = target_index(f, f->t->rows[i].target);
    if (fam < f->ntargets && f->group[fam] == f->group[k]) f->scratch[m++] = i;
  }
  return m;
}

static void fit_set_free(fit_set *f) {
  rui_free(f->row);
  rui_free(f->scratch);
}

static size_t target_index(const fit_set *f, const char *target) {
  size_t k = 0;
  while (k < f->ntargets && strcmp(f->target[k], target) != 0) k++;
  return k;
}

/* crossval fit: one factor per group of families from the subset (indices into f->row); a
 * group with no row left keeps the model's rule for an uncalibrated target, factor 1 (in-vitro
 * Ki). A family with no row of its own left but a shared factor is predicted with it. */
static ru_status cv_fit(void *ctx, const size_t *rows, size_t n, double *params, char *note,
                        size_t cap, ru_error *err) {
  (void)err;
  fit_set *f = ctx;
  size_t len = 0;
  note[0] = '\0';
  for (size_t k = 0; k < f->ntargets; k++) {
    size_t own = 0;
    for (size_t q = 0; q < n; q++) {
      if (strcmp(f->t->rows[f->row[rows[q]]].target, f->target[k]) == 0) own++;
    }
    const size_t m = group_rows(f, k, rows, n);
    if (f->group[k] != k) {
      params[k] = params[f->group[k]];
    } else {
      params[k] = m ? fit_factor(f->t, f->scratch, m) : 1.0;
    }
    int w = 0;
    if (m == 0) {
      w = snprintf(note + len, cap - len, "%s%s: no calibration rows left, uncalibrated "
                   "(factor 1)", len ? "; " : "", f->target[k]);
    } else if (own == 0) {
      w = snprintf(note + len, cap - len, "%s%s: no rows of its own left, the factor it shares "
                   "(one assay, %s)", len ? "; " : "", f->target[k], f->assay[k]);
    }
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  return RU_OK;
}

static ru_status cv_predict(void *ctx, size_t row, const double *params, double *pred,
                            ru_error *err) {
  (void)err;
  const fit_set *f = ctx;
  const pet_row *r = &f->t->rows[f->row[row]];
  *pred = predict_pct(r, params[target_index(f, r->target)]);
  return RU_OK;
}

/* |residual| of a fit-set row, restricted to one target when ctx names one. */
typedef struct score_ctx {
  const fit_set *f;
  const char *target; /* NULL: every row */
} score_ctx;

static double cv_abs_error(void *ctx, size_t row, double pred) {
  const score_ctx *c = ctx;
  const pet_row *r = &c->f->t->rows[c->f->row[row]];
  if (c->target && strcmp(r->target, c->target) != 0) return nan("");
  return fabs(residual(r, pred));
}

/* --- entry points ------------------------------------------------------------------------------ */

static ru_status load_set(const ru_kb *kb, const char *path, const ru_validate_options *opt,
                          int calibration_only, pet_table *t, ru_error *err) {
  if (path) return load(kb, path, 0, opt, t, err);
  ru_status st = load(kb, "calibration_pet.csv", 1, opt, t, err);
  if (st == RU_OK && !calibration_only) st = load(kb, "pet_occupancy.csv", 1, opt, t, err);
  return st;
}

void ru_calibration_free(ru_calibration *cal, size_t n) {
  for (size_t k = 0; cal && k < n; k++) {
    rui_free(cal[k].entries);
    cal[k].entries = NULL;
    cal[k].nentries = 0;
  }
}

ru_status ru_validate_calibrate(const ru_kb *kb, const char *path, const ru_validate_options *opt,
                                ru_calibration *out, size_t max, size_t *n, ru_error *err) {
  if (kb == NULL || out == NULL || n == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_validate_calibrate: NULL argument");
  }
  *n = 0;
  pet_table t = {0, 0, NULL};
  fit_set f;
  memset(&f, 0, sizeof f);
  ru_status st = load_set(kb, path, opt, 1, &t, err);
  if (st == RU_OK) st = fit_set_init(&t, &f, err);
  if (st == RU_OK && f.ntargets > max) {
    st = ru_error_set(err, RU_ELIMIT, "calibration: %zu target families, room for %zu", f.ntargets, max);
  }
  for (size_t k = 0; st == RU_OK && k < f.ntargets; k++) {
    ru_calibration *cal = &out[*n];
    memset(cal, 0, sizeof *cal);
    (*n)++;
    rui_strlcpy(cal->target, f.target[k], sizeof cal->target);
    size_t nent = 0;
    for (size_t i = 0; i < t.n; i++) {
      if (t.rows[i].calibration && strcmp(t.rows[i].target, f.target[k]) == 0) nent++;
    }
    /* fitted on the rows of its group (its own rows unless it shares one assay's factor) */
    const size_t m = group_rows(&f, k, NULL, 0);
    cal->factor = fit_factor(&t, f.scratch, m);
    cal->entries = rui_calloc(nent, sizeof *cal->entries);
    if (cal->entries == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      break;
    }
    size_t len = 0;
    double ss = 0.0;
    for (size_t i = 0; i < t.n; i++) {
      const pet_row *r = &t.rows[i];
      if (!r->calibration || strcmp(r->target, f.target[k]) != 0) continue;
      ru_calibration_row *e = &cal->entries[cal->nentries++];
      rui_strlcpy(e->id, r->id, sizeof e->id);
      rui_strlcpy(e->note, r->note, sizeof e->note);
      e->used = r->ok;
      e->observed_pct = r->obs;
      e->observed_low = r->lo;
      e->observed_high = r->hi;
      e->predicted_pct = predict_pct(r, cal->factor);
      e->residual_pp = residual(r, e->predicted_pct);
    }
    for (size_t q = 0; q < m; q++) {
      const pet_row *r = &t.rows[f.scratch[q]];
      const double res = residual(r, predict_pct(r, cal->factor));
      cal->nrows++;
      ss += res * res;
      const int w = snprintf(cal->rows + len, sizeof cal->rows - len, "%s%s", len ? ";" : "", r->id);
      if (w < 0 || (size_t)w >= sizeof cal->rows - len) {
        st = ru_error_set(err, RU_ELIMIT, "calibration %s: row ids exceed %zu characters",
                          cal->target, sizeof cal->rows);
        break;
      }
      len += (size_t)w;
    }
    cal->rmse_pp = sqrt(ss / (double)cal->nrows); /* over the rows the factor was fitted on */
  }
  fit_set_free(&f);
  table_free(&t);
  if (st != RU_OK) {
    ru_calibration_free(out, *n);
    *n = 0;
  }
  return st;
}

/* Leave-one-study-out cross-validation of the fit on the set's calibration rows: metrics into
 * v->cv, held-out predictions into the rows (v->rows[base + table index]), folds into v->folds. */
static ru_status cross_validate(const pet_table *t, ru_vset *v, size_t base, ru_error *err) {
  fit_set f;
  ru_status st = fit_set_init(t, &f, err);
  const char **groups = rui_calloc(t->n + 1, sizeof *groups);
  rui_cv_result res;
  memset(&res, 0, sizeof res);
  if (st == RU_OK && groups == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  if (st == RU_OK && f.n == 0) {
    rui_strlcpy(v->cv_note, "no calibration rows can be predicted: nothing to cross-validate",
                sizeof v->cv_note);
    v->cross_validated = 1;
    goto done;
  }
  for (size_t q = 0; st == RU_OK && q < f.n; q++) groups[q] = t->rows[f.row[q]].source;
  const rui_cv_model m = {f.ntargets, cv_fit, cv_predict, &f};
  if (st == RU_OK) st = rui_cv_run(&m, f.n, groups, &res, err);
  if (st != RU_OK) goto done;
  v->cross_validated = 1;
  for (size_t q = 0; q < f.n; q++) {
    ru_vrow *r = &v->rows[base + f.row[q]];
    r->cv_predicted = res.held_out[q];
    r->cv_error = fabs(residual(&t->rows[f.row[q]], res.held_out[q]));
  }
  /* metrics: held-out and in-sample MAE, overall and per target family */
  v->ncv = 0;
  for (size_t k = 0; k <= f.ntargets; k++) {
    score_ctx c = {&f, k < f.ntargets ? f.target[k] : NULL};
    const rui_cv_score cv = rui_cv_score_rows(res.held_out, f.n, cv_abs_error, &c, 0);
    const rui_cv_score in = rui_cv_score_rows(res.in_sample, f.n, cv_abs_error, &c, 0);
    char suffix[RU_NAME_MAX + 2] = "";
    if (c.target) snprintf(suffix, sizeof suffix, ".%s", c.target);
    const struct {
      const char *name;
      double value;
      size_t n;
    } ms[] = {{"mae_pp", cv.value, cv.n},
              {"in_sample_mae_pp", in.value, in.n},
              {"mae_ratio", (in.value > 0.0) ? cv.value / in.value : nan(""), cv.n}};
    for (size_t q = 0; q < sizeof ms / sizeof ms[0]; q++) {
      if (v->ncv >= sizeof v->cv / sizeof v->cv[0]) break;
      ru_vmetric *mm = &v->cv[v->ncv++];
      snprintf(mm->name, sizeof mm->name, "%s%s", ms[q].name, suffix);
      mm->value = ms[q].value;
      mm->n = ms[q].n;
    }
  }
  if (v->ncv < sizeof v->cv / sizeof v->cv[0]) {
    ru_vmetric *mm = &v->cv[v->ncv++];
    rui_strlcpy(mm->name, "studies", sizeof mm->name);
    mm->value = (double)res.ngroups;
    mm->n = f.n;
  }
  v->folds = rui_calloc(res.ngroups + 1, sizeof *v->folds);
  if (v->folds == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  v->nfolds = res.ngroups;
  for (size_t g = 0; g < res.ngroups; g++) {
    ru_vfold *fo = &v->folds[g];
    rui_strlcpy(fo->study, groups[res.group_first_row[g]], sizeof fo->study);
    fo->nrows = res.group_rows[g];
    fo->nparams = f.ntargets;
    for (size_t k = 0; k < f.ntargets; k++) {
      snprintf(fo->param[k], sizeof fo->param[k], "scale.%.16s", f.target[k]);
      fo->value[k] = res.fold_params[g * f.ntargets + k];
    }
    rui_strlcpy(fo->note, res.fold_note[g], sizeof fo->note);
  }
done:
  rui_cv_result_free(&res);
  rui_free(groups);
  fit_set_free(&f);
  return st;
}

/* Per-target MAE of predictions and of calibration rows, and the unpredicted count. */
static void pet_metrics(ru_vset *v) {
  char targets[RU_VALIDATE_MAX_PARAMS][64];
  size_t nt = 0;
  for (size_t i = 0; i < v->nrows; i++) {
    int seen = 0;
    for (size_t k = 0; k < nt; k++) seen |= strcmp(targets[k], v->rows[i].quantity) == 0;
    if (!seen && nt < RU_VALIDATE_MAX_PARAMS) rui_strlcpy(targets[nt++], v->rows[i].quantity, sizeof targets[0]);
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

ru_status rui_validate_pet(const ru_kb *kb, const char *path, const ru_validate_options *opt,
                           ru_vset *v, size_t *cap, ru_error *err) {
  pet_table t = {0, 0, NULL};
  ru_status st = load_set(kb, path, opt, 0, &t, err);
  const size_t base = v->nrows;
  for (size_t i = 0; st == RU_OK && i < t.n; i++) {
    const pet_row *p = &t.rows[i];
    ru_vrow *r;
    st = rui_validate_push_row(v, cap, &r, err);
    if (st != RU_OK) break;
    rui_strlcpy(r->id, p->id, sizeof r->id);
    r->calibration = p->calibration;
    rui_strlcpy(r->what, p->what[0] ? p->what : p->drug, sizeof r->what);
    rui_strlcpy(r->quantity, p->target, sizeof r->quantity);
    rui_strlcpy(r->unit, "%", sizeof r->unit);
    rui_strlcpy(r->source, p->source, sizeof r->source);
    rui_strlcpy(r->note, p->note, sizeof r->note);
    r->observed = p->obs;
    r->observed_low = p->lo;
    r->observed_high = p->hi;
    r->cv_predicted = r->cv_error = nan("");
    if (!p->ok) continue;
    double s = 1.0;
    int calibrated = 0;
    st = ru_pd_target_scale(kb, p->target, &s, &calibrated, err);
    if (st != RU_OK) break;
    if (!calibrated) {
      const size_t used = strlen(r->note);
      snprintf(r->note + used, sizeof r->note - used,
               "%sno in-vivo scaling calibrated for %s: in-vitro Ki used", used ? "; " : "",
               p->target);
    }
    r->predicted = predict_pct(p, s);
    r->error = fabs(residual(p, r->predicted));
    r->right_direction = 1;
  }
  if (st == RU_OK) pet_metrics(v);
  if (st == RU_OK && opt && opt->cross_validate) {
    int any_cal = 0;
    for (size_t i = 0; i < t.n; i++) any_cal |= t.rows[i].calibration;
    if (any_cal) {
      st = cross_validate(&t, v, base, err);
    } else {
      /* a table of predictions only: cross-validate the fit in force (embedded calibration) */
      pet_table c = {0, 0, NULL};
      ru_vset tmp;
      memset(&tmp, 0, sizeof tmp);
      size_t tcap = 0;
      st = load_set(kb, NULL, opt, 1, &c, err);
      for (size_t i = 0; st == RU_OK && i < c.n; i++) {
        ru_vrow *r;
        st = rui_validate_push_row(&tmp, &tcap, &r, err);
      }
      if (st == RU_OK) st = cross_validate(&c, &tmp, 0, err);
      if (st == RU_OK) {
        v->cross_validated = 1;
        v->ncv = tmp.ncv;
        memcpy(v->cv, tmp.cv, sizeof v->cv);
        v->folds = tmp.folds;
        v->nfolds = tmp.nfolds;
        tmp.folds = NULL;
        snprintf(v->cv_note, sizeof v->cv_note, "%s has no calibration rows: the fit in force "
                 "(embedded calibration_pet.csv) is cross-validated; its rows are predictions",
                 path ? path : "the table");
      }
      rui_free(tmp.rows);
      rui_free(tmp.folds);
      table_free(&c);
    }
  }
  table_free(&t);
  return st;
}
