/* fit(calibration rows) -> parameters for the synapse and physiology models (synapse_rows.h).
 *
 * The declared calibrated parameters are fitted block by block, each block on the calibration
 * rows that identify it (docs/synapse.md section 4), minimising the sum of squared log fold
 * errors (a range counts as exact inside it): golden-section search for one-parameter blocks,
 * a bounded Nelder-Mead simplex for the others. Blocks run in dependency order and the sequence is
 * repeated so that coupled blocks settle. A block with no usable row keeps its parameters at
 * the knowledge-base values. Only rows marked calibration are ever passed in. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "validation/synapse_rows.h"

typedef struct fit_param {
  const char *name;
  double lo, hi;
  int log_scale; /* search on log(x) (positive parameters spanning orders of magnitude) */
} fit_param;

typedef struct fit_block {
  const char *name;
  fit_param p[6];
  size_t np;
  const char *rows[10];
  size_t nrows;
} fit_block;

/* Bounds are the physically admissible ranges (fractions in [0, 1], gains with g a0 < 1
 * enforced by the model's own check, time constants between 0.2 and 30 days). */
static const fit_block BLOCKS[] = {
    {"NE: autoreceptor activation, alpha2 gains, NET share, effective-dose occupancy",
     {{"autoreceptor.basal_activation", 0.05, 0.95, 0},
      {"alpha2.gain_soma", 0.0, 19.0, 0},
      {"alpha2.gain_terminal", 0.0, 19.0, 0},
      {"ne.share_net", 0.5, 0.999, 0},
      {"calibration.effective_dose_occupancy", 0.5, 0.999, 0}},
     5,
     {"cal-gob-atip-ne", "cal-gob-s18616-ne", "cal-local-dmi-hpc", "cal-reb-lc-2d",
      "cal-reb-fc", "cal-reb-dhpc", "cal-reb-ida-fc", "cal-reb-ida-dhpc"},
     8},
    {"alpha2 terminal desensitization",
     {{"alpha2.terminal_desensitization_depth", 0.0, 50.0, 0},
      {"alpha2.desensitization_tau_d", 0.2, 30.0, 1}},
     2,
     {"cal-parini-2d", "cal-parini-7d", "cal-parini-14d"},
     3},
    {"5-HT: 5-HT1A and 5-HT1B gains",
     {{"5ht1a.gain_soma", 0.0, 19.0, 0}, {"5ht1b.gain_terminal", 0.0, 19.0, 0}},
     2,
     {"cal-cit10-dhpc", "cal-mil-local-fc"},
     2},
    {"5-HT1A desensitization",
     {{"5ht1a.desensitization_tau_d", 0.2, 30.0, 1},
      {"5ht1a.desensitization_depth", 0.0, 50.0, 0}},
     2,
     {"cal-lepoul-onset", "cal-par21-ec50"},
     2},
    {"alpha1 drive of raphe firing",
     {{"alpha1.raphe_weight", 0.0, 5.0, 0}},
     1,
     {"cal-gob-s18616-5ht"},
     1},
    {"5-HT2C brake of VTA firing",
     {{"5ht2c.vta_weight", 0.0, 5.0, 0}},
     1,
     {"cal-vta-cit"},
     1},
    {"cortical DA: LC co-release, DAT share (AHN occupancies as nuisance values)",
     {{"da.cortex_lc_fraction", 0.0, 1.0, 0},
      {"da.share_dat_cortex", 0.0, 1.0, 0},
      {"calibration.ahn_dat_occupancy", 0.0, 0.999, 0},
      {"calibration.ahn_net_occupancy", 0.0, 0.999, 0}},
     4,
     {"cal-inv01-2d-da", "cal-ahn-nac-da", "cal-ahn-pfc-ne", "cal-ahn-pfc-da"},
     4},
    {"D2 somatodendritic gain",
     {{"d2.gain_soma", 0.0, 19.0, 0}},
     1,
     {"cal-apo-vta"},
     1},
    {"releaser vs blocker: terminal D2 gain, efflux",
     {{"d2.gain_terminal", 0.0, 19.0, 0}, {"releaser.efflux_max", 0.0, 500.0, 0}},
     2,
     {"cal-amph-str", "cal-mph-str"},
     2},
    {"plasma NE clearance by uptake-1",
     {{"physio.uptake1_clearance_fraction", 0.0, 1.0, 0}},
     1,
     {"cal-dmi125-clearance"},
     1},
    {"share of sympathetic outflow following the central drive",
     {{"physio.central_drive_weight", 0.0, 1.0, 0}},
     1,
     {"cal-esler81-spill"},
     1},
    {"heart-rate gain",
     {{"physio.hr_gain_bpm", 0.0, 500.0, 0}},
     1,
     {"cal-reb-hr-supine"},
     1},
};
#define NBLOCKS (sizeof BLOCKS / sizeof BLOCKS[0])
#define OUTER_SWEEPS 2
#define GOLDEN_ITERS 16
#define NM_MAX_ITERS 150
#define NM_TOL 2e-3 /* simplex size in normalised coordinates */

size_t rui_syn_fit_block_count(void) { return NBLOCKS; }
const char *rui_syn_fit_block_name(size_t b) { return b < NBLOCKS ? BLOCKS[b].name : NULL; }

size_t rui_syn_fit_block_params(size_t b, const char *const **names) {
  static const char *flat[NBLOCKS][6];
  if (b >= NBLOCKS) {
    return 0;
  }
  for (size_t i = 0; i < BLOCKS[b].np; i++) {
    flat[b][i] = BLOCKS[b].p[i].name; /* constant after the first call: same pointers */
  }
  *names = flat[b];
  return BLOCKS[b].np;
}

size_t rui_syn_fit_block_rows(size_t b, const char *const **ids) {
  if (b >= NBLOCKS) {
    return 0;
  }
  *ids = BLOCKS[b].rows;
  return BLOCKS[b].nrows;
}

typedef struct fit_ctx {
  const ru_kb *kb;
  rui_syn_rows *rows;
  rui_syn_theta *theta;
  long idx[10];
  size_t n;
} fit_ctx;

/* Squared log error of one row (0 inside a range); a failed prediction costs a large penalty
 * so the search leaves that region. */
static double row_cost(const rui_syn_row *r, double pred) {
  if (!isfinite(pred)) {
    return 1e6;
  }
  const double e = rui_syn_error(r, pred);
  if (!isfinite(e)) {
    return 1e6;
  }
  const double l = log(e);
  return l * l;
}

static double objective(fit_ctx *c) {
  double sum = 0.0;
  for (size_t i = 0; i < c->n; i++) {
    rui_syn_row *r = &c->rows->row[c->idx[i]];
    double pred = (double)NAN;
    if (rui_syn_predict(c->kb, c->theta, r, &pred, NULL) != RU_OK) {
      pred = (double)NAN;
    }
    sum += row_cost(r, pred);
  }
  return sum;
}

static double to_x(const fit_param *p, double v) { return p->log_scale ? log(v) : v; }
static double from_x(const fit_param *p, double x) { return p->log_scale ? exp(x) : x; }

/* Golden-section search of one coordinate within its bounds, keeping the best value found
 * (including the starting value). */
static void line_search(fit_ctx *c, const fit_param *p) {
  const double gr = 0.6180339887498949; /* (sqrt 5 - 1) / 2 */
  double a = to_x(p, p->lo > 0.0 || !p->log_scale ? p->lo : 1e-6);
  double b = to_x(p, p->hi);
  double best_v = rui_syn_theta_get(c->theta, p->name);
  double best_f = objective(c);
  double x1 = b - gr * (b - a);
  double x2 = a + gr * (b - a);
  rui_syn_theta_set(c->theta, p->name, from_x(p, x1));
  double f1 = objective(c);
  rui_syn_theta_set(c->theta, p->name, from_x(p, x2));
  double f2 = objective(c);
  for (int it = 0; it < GOLDEN_ITERS; it++) {
    if (f1 < best_f) {
      best_f = f1;
      best_v = from_x(p, x1);
    }
    if (f2 < best_f) {
      best_f = f2;
      best_v = from_x(p, x2);
    }
    if (f1 <= f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - gr * (b - a);
      rui_syn_theta_set(c->theta, p->name, from_x(p, x1));
      f1 = objective(c);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + gr * (b - a);
      rui_syn_theta_set(c->theta, p->name, from_x(p, x2));
      f2 = objective(c);
    }
  }
  if (f1 < best_f) {
    best_f = f1;
    best_v = from_x(p, x1);
  }
  if (f2 < best_f) {
    best_v = from_x(p, x2);
  }
  rui_syn_theta_set(c->theta, p->name, best_v);
}

/* Normalised coordinate u in [0, 1] of a parameter value and back. */
static double to_u(const fit_param *p, double v) {
  const double a = to_x(p, p->lo > 0.0 || !p->log_scale ? p->lo : 1e-6);
  const double b = to_x(p, p->hi);
  return (to_x(p, fmax(v, p->log_scale ? 1e-6 : p->lo)) - a) / (b - a);
}
static double from_u(const fit_param *p, double u) {
  const double a = to_x(p, p->lo > 0.0 || !p->log_scale ? p->lo : 1e-6);
  const double b = to_x(p, p->hi);
  return from_x(p, a + fmin(1.0, fmax(0.0, u)) * (b - a));
}

static double eval_at(fit_ctx *c, const fit_block *blk, const double *u) {
  for (size_t i = 0; i < blk->np; i++) {
    rui_syn_theta_set(c->theta, blk->p[i].name, from_u(&blk->p[i], u[i]));
  }
  return objective(c);
}

/* Nelder-Mead simplex on the normalised coordinates of a block (Nelder & Mead 1965 Comput J
 * 7:308; standard coefficients 1, 2, 0.5, 0.5), bounds by clamping; leaves the best vertex in
 * theta. Used for blocks of two or more correlated parameters, where coordinate descent
 * crawls along valleys. */
static void nelder_mead(fit_ctx *c, const fit_block *blk) {
  enum { MAXP = 6 };
  const size_t n = blk->np;
  double v[MAXP + 1][MAXP];
  double f[MAXP + 1];
  for (size_t i = 0; i < n; i++) {
    v[0][i] = to_u(&blk->p[i], rui_syn_theta_get(c->theta, blk->p[i].name));
  }
  f[0] = eval_at(c, blk, v[0]);
  for (size_t k = 1; k <= n; k++) {
    memcpy(v[k], v[0], sizeof v[0]);
    v[k][k - 1] += v[0][k - 1] < 0.85 ? 0.1 : -0.1; /* initial step: 10% of the range */
    f[k] = eval_at(c, blk, v[k]);
  }
  for (int it = 0; it < NM_MAX_ITERS; it++) {
    /* order: best first */
    for (size_t a = 0; a <= n; a++) {
      for (size_t b = a + 1; b <= n; b++) {
        if (f[b] < f[a]) {
          double tmp[MAXP];
          memcpy(tmp, v[a], sizeof tmp);
          memcpy(v[a], v[b], sizeof tmp);
          memcpy(v[b], tmp, sizeof tmp);
          const double tf = f[a];
          f[a] = f[b];
          f[b] = tf;
        }
      }
    }
    double size = 0.0;
    for (size_t k = 1; k <= n; k++) {
      for (size_t i = 0; i < n; i++) {
        size = fmax(size, fabs(v[k][i] - v[0][i]));
      }
    }
    if (size < NM_TOL) {
      break;
    }
    double cen[MAXP] = {0};
    for (size_t k = 0; k < n; k++) {
      for (size_t i = 0; i < n; i++) {
        cen[i] += v[k][i] / (double)n;
      }
    }
    double xr[MAXP], xe[MAXP], xc[MAXP];
    for (size_t i = 0; i < n; i++) {
      xr[i] = fmin(1.0, fmax(0.0, cen[i] + (cen[i] - v[n][i])));
    }
    const double fr = eval_at(c, blk, xr);
    if (fr < f[0]) {
      for (size_t i = 0; i < n; i++) {
        xe[i] = fmin(1.0, fmax(0.0, cen[i] + 2.0 * (cen[i] - v[n][i])));
      }
      const double fe = eval_at(c, blk, xe);
      if (fe < fr) {
        memcpy(v[n], xe, sizeof xe);
        f[n] = fe;
      } else {
        memcpy(v[n], xr, sizeof xr);
        f[n] = fr;
      }
      continue;
    }
    if (fr < f[n - 1]) {
      memcpy(v[n], xr, sizeof xr);
      f[n] = fr;
      continue;
    }
    for (size_t i = 0; i < n; i++) {
      xc[i] = cen[i] + 0.5 * (v[n][i] - cen[i]);
    }
    const double fc = eval_at(c, blk, xc);
    if (fc < f[n]) {
      memcpy(v[n], xc, sizeof xc);
      f[n] = fc;
      continue;
    }
    for (size_t k = 1; k <= n; k++) { /* shrink towards the best */
      for (size_t i = 0; i < n; i++) {
        v[k][i] = v[0][i] + 0.5 * (v[k][i] - v[0][i]);
      }
      f[k] = eval_at(c, blk, v[k]);
    }
  }
  size_t best = 0;
  for (size_t k = 1; k <= n; k++) {
    if (f[k] < f[best]) {
      best = k;
    }
  }
  eval_at(c, blk, v[best]);
}

static long find_row(const rui_syn_rows *rows, const char *id) {
  for (size_t i = 0; i < rows->n; i++) {
    if (rows->row[i].calibration && strcmp(rows->row[i].id, id) == 0) {
      return (long)i;
    }
  }
  return -1;
}

/* Starting value: the KB value (or the middle of the bounds for nuisance values). */
static double start_value(const ru_kb *kb, const fit_param *p) {
  static const char *const domains[] = {"synapse", "physiology"};
  for (size_t d = 0; d < 2; d++) {
    ru_value v;
    if (ru_kb_param(kb, domains[d], p->name, &v, NULL) == RU_OK && isfinite(v.value)) {
      return fmin(p->hi, fmax(p->lo, v.value));
    }
  }
  return 0.5 * (p->lo + p->hi);
}

double rui_syn_fit_cost(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                        const rui_syn_theta *theta) {
  rui_syn_theta th;
  memset(&th, 0, sizeof th);
  if (theta != NULL) {
    th = *theta;
  }
  double sum = 0.0;
  for (size_t b = 0; b < NBLOCKS; b++) {
    fit_ctx c = {kb, rows, &th, {0}, 0};
    for (size_t k = 0; k < BLOCKS[b].nrows; k++) {
      const long i = find_row(rows, BLOCKS[b].rows[k]);
      if (i >= 0 && (use == NULL || use[i])) {
        c.idx[c.n++] = i;
      }
    }
    sum += c.n > 0 ? objective(&c) : 0.0;
  }
  return sum;
}

/* The sweeps over the blocks with free[b] != 0 (NULL: all), each on its usable rows. */
static void fit_blocks(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                       const unsigned char *free_block, rui_syn_theta *theta) {
  for (size_t i = 0; i < rows->n; i++) {
    if (rows->row[i].calibration && (use == NULL || use[i])) {
      rui_syn_prepare(kb, &rows->row[i], NULL);
    }
  }
  for (int outer = 0; outer < OUTER_SWEEPS; outer++) {
    for (size_t b = 0; b < NBLOCKS; b++) {
      if (free_block != NULL && !free_block[b]) {
        continue;
      }
      fit_ctx c = {kb, rows, theta, {0}, 0};
      for (size_t k = 0; k < BLOCKS[b].nrows; k++) {
        const long i = find_row(rows, BLOCKS[b].rows[k]);
        if (i >= 0 && (use == NULL || use[i]) && rows->row[i].prep_status == RU_OK) {
          c.idx[c.n++] = i;
        }
      }
      if (c.n == 0) {
        continue; /* no usable row: the block keeps its KB values */
      }
      if (BLOCKS[b].np > 1) {
        nelder_mead(&c, &BLOCKS[b]);
      } else {
        line_search(&c, &BLOCKS[b].p[0]);
      }
    }
  }
}

static void start_theta(const ru_kb *kb, rui_syn_theta *theta) {
  for (size_t b = 0; b < NBLOCKS; b++) {
    for (size_t i = 0; i < BLOCKS[b].np; i++) {
      if (!isfinite(rui_syn_theta_get(theta, BLOCKS[b].p[i].name))) {
        rui_syn_theta_set(theta, BLOCKS[b].p[i].name, start_value(kb, &BLOCKS[b].p[i]));
      }
    }
  }
}

ru_status rui_syn_fit(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                      rui_syn_theta *theta, ru_error *err) {
  if (kb == NULL || rows == NULL || theta == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse fit: NULL argument");
  }
  start_theta(kb, theta);
  fit_blocks(kb, rows, use, NULL, theta);
  return RU_OK;
}

/* Parameters with no neutral value: an emptied block keeps their knowledge-base value (none of
 * them can be emptied by leaving one study out except the time constants, which do nothing once
 * their depth is 0). Every other calibrated parameter is a gain, weight, depth or share whose
 * mechanism is off at 0. */
static int has_off_value(const char *name) {
  static const char *const keep[] = {"autoreceptor.basal_activation", "ne.share_net",
                                     "calibration.effective_dose_occupancy",
                                     "alpha2.desensitization_tau_d", "5ht1a.desensitization_tau_d",
                                     "calibration.ahn_dat_occupancy",
                                     "calibration.ahn_net_occupancy"};
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
    if (strcmp(name, keep[i]) == 0) {
      return 0;
    }
  }
  return 1;
}

static void note_add(char *note, size_t cap, const char *what, const char *name) {
  if (note == NULL || cap == 0) {
    return;
  }
  const size_t len = strlen(note);
  if (len + 1 < cap) {
    snprintf(note + len, cap - len, "%s%s%s", len ? "; " : "", what, name);
  }
}

ru_status rui_syn_fit_subset(const ru_kb *kb, rui_syn_rows *rows, const unsigned char *use,
                             rui_syn_theta *theta, char *note, size_t note_cap, ru_error *err) {
  if (kb == NULL || rows == NULL || theta == NULL || use == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse fit: NULL argument");
  }
  if (note != NULL && note_cap > 0) {
    note[0] = '\0';
  }
  memset(theta, 0, sizeof *theta);
  start_theta(kb, theta); /* the knowledge-base values: the fit on every calibration row */
  unsigned char free_block[NBLOCKS];
  int any = 0;
  for (size_t b = 0; b < NBLOCKS; b++) {
    size_t present = 0, usable = 0;
    for (size_t k = 0; k < BLOCKS[b].nrows; k++) {
      const long i = find_row(rows, BLOCKS[b].rows[k]);
      if (i >= 0) {
        present++;
        usable += use[i] ? 1u : 0u;
      }
    }
    free_block[b] = (unsigned char)(usable > 0 && usable < present);
    any |= free_block[b];
    if (free_block[b]) {
      note_add(note, note_cap, "refitted: ", BLOCKS[b].name);
    } else if (present > 0 && usable == 0) {
      /* no row left: the block's mechanism is off (the KB's rule for a missing value) */
      for (size_t i = 0; i < BLOCKS[b].np; i++) {
        if (has_off_value(BLOCKS[b].p[i].name)) {
          rui_syn_theta_set(theta, BLOCKS[b].p[i].name, 0.0);
        }
      }
      note_add(note, note_cap, "no rows left, off: ", BLOCKS[b].name);
    }
  }
  if (any) {
    fit_blocks(kb, rows, use, free_block, theta);
  }
  return RU_OK;
}
