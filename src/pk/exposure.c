/* Exposure metrics of a subject (pk.h): steady state over the last dosing interval and single-
 * dose AUC0-inf, Cmax, tmax; the settling horizon; steady-state concentration profiles.
 *
 * Linear systems: the steady state is the exact infinite sum (linear.c); AUC over the interval
 * is exact piecewise (the integral of e^{As} over a grid step is one matrix, applied to the
 * state at each grid point); single-dose AUC0-inf = -A^{-1} d (every eigenvalue of a
 * compartmental matrix with elimination is negative). Cmax is refined by golden-section search
 * around the best grid point. Nonlinear systems run on CVODE to the settling time and read
 * AUC from accumulator states integrated with the solution. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/linear.h"
#include "pk/model_impl.h"
#include "reuptake/pk.h"

#define GRID 2400         /* grid intervals over one dosing interval (0.01 h for q24h) */
#define SETTLE_DECADES 6.9 /* ln(1000): within 0.1 % of steady state */
#define MAX_HORIZON_H (2.0 * 8760.0)

/* Solves M x = b for small n by Gaussian elimination with partial pivoting (M copied). */
static int small_solve(const double *m_in, size_t n, const double *b, double *x) {
  double m[RUI_LIN_MAX * RUI_LIN_MAX], r[RUI_LIN_MAX];
  memcpy(m, m_in, n * n * sizeof *m);
  memcpy(r, b, n * sizeof *r);
  for (size_t k = 0; k < n; k++) {
    size_t p = k;
    for (size_t i = k + 1; i < n; i++)
      if (fabs(m[i * n + k]) > fabs(m[p * n + k])) p = i;
    if (m[p * n + k] == 0.0) return -1;
    if (p != k) {
      for (size_t j = 0; j < n; j++) {
        const double t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
      const double t = r[k];
      r[k] = r[p];
      r[p] = t;
    }
    for (size_t i = k + 1; i < n; i++) {
      const double f = m[i * n + k] / m[k * n + k];
      for (size_t j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      r[i] -= f * r[k];
    }
  }
  for (size_t k = n; k-- > 0;) {
    double acc = r[k];
    for (size_t j = k + 1; j < n; j++) acc -= m[k * n + j] * x[j];
    x[k] = acc / m[k * n + k];
  }
  return 0;
}

/* Slowest decay rate of the linear part (1/h) by inverse power iteration on -A; worst = 1
 * evaluates A with every inhibited enzyme fully blocked (an upper bound on the time scale). */
static double slowest_rate(const ru_sim *s, int worst) {
  rui_lin_system sys;
  rui_sim_linear_matrix(s, &sys);
  const size_t n = sys.n;
  if (worst && s->enz.ninh > 0) {
    double g[RUI_SIM_MAX_ENZYMES];
    rui_sim_base_activities(s, g);
    for (size_t k = 0; k < s->enz.ninh; k++) g[s->enz.inh[k].enzyme] = 0.0;
    double y[RUI_LIN_MAX], dy[RUI_LIN_MAX];
    for (size_t j = 0; j < n; j++) {
      memset(y, 0, sizeof y);
      y[j] = 1.0;
      rui_sim_deriv(s, g, 1, y, dy);
      for (size_t i = 0; i < n; i++) sys.a[i * n + j] = dy[i];
    }
  }
  double neg[RUI_LIN_MAX * RUI_LIN_MAX];
  for (size_t i = 0; i < n * n; i++) neg[i] = -sys.a[i];
  double x[RUI_LIN_MAX], y[RUI_LIN_MAX];
  for (size_t i = 0; i < n; i++) x[i] = 1.0;
  double mu = 0.0;
  for (int it = 0; it < 500; it++) {
    if (small_solve(neg, n, x, y) != 0) return 0.0;
    double norm = 0.0;
    for (size_t i = 0; i < n; i++) norm = fmax(norm, fabs(y[i]));
    if (!(norm > 0.0) || !isfinite(norm)) return 0.0;
    const double prev = mu;
    mu = norm;
    for (size_t i = 0; i < n; i++) x[i] = y[i] / norm;
    if (it > 20 && fabs(mu - prev) <= 1e-10 * mu) break;
  }
  return mu > 0.0 ? 1.0 / mu : 0.0;
}

double ru_sim_settling_time_h(ru_sim *s) {
  if (s == NULL || ru_sim_prepare(s, NULL) != RU_OK) return 0.0;
  const double lam = slowest_rate(s, 1);
  double t = lam > 0.0 ? SETTLE_DECADES / lam : MAX_HORIZON_H;
  for (size_t e = 0; e < s->enz.n; e++) {
    if (s->enz.e[e].state >= 0 && s->enz.e[e].kdeg_per_h > 0.0) {
      t = fmax(t, SETTLE_DECADES / s->enz.e[e].kdeg_per_h);
    }
  }
  return fmin(t, MAX_HORIZON_H);
}

/* The dosed compound whose regimen drives compound i (itself, or its parent chain's root). */
static long root_of(const ru_sim *s, size_t i) {
  long r = (long)i;
  for (int depth = 0; depth < 8 && r >= 0 && !s->c[r].dosed; depth++) r = s->c[r].parent;
  return r;
}

/* First dose record of compound root: time and interval (0 when it does not repeat). */
static void root_schedule(const ru_sim *s, long root, double *t0, double *tau) {
  *t0 = 0.0;
  *tau = 0.0;
  int found = 0;
  for (size_t k = 0; k < s->nev; k++) {
    const ru_event *e = &s->ev[k];
    if ((e->evid != RU_EVID_DOSE && e->evid != RU_EVID_RESET_DOSE) ||
        strcmp(e->compound, s->c[root].name) != 0)
      continue;
    if (!found || (e->ii_h > 0.0 && (e->addl != 0 || e->ss != 0) && *tau == 0.0)) {
      *t0 = e->time_h;
      *tau = (e->ii_h > 0.0 && (e->addl != 0 || e->ss != 0)) ? e->ii_h : 0.0;
      found = 1;
    }
  }
}

/* Linear steady-state state at window time u (h after the root dose at steady state). */
static ru_status ss_state(const rui_lin_system *sys, const rui_lin_input *in, size_t nin,
                          double t0_root, double u, double *x, ru_error *err) {
  memset(x, 0, sys->n * sizeof *x);
  double tmp[RUI_LIN_MAX];
  for (size_t k = 0; k < nin; k++) {
    if (!(in[k].ii_h > 0.0)) continue; /* single doses have washed out at steady state */
    rui_lin_input one = in[k];
    one.time_h += one.lag_h; /* the doses themselves, lag included */
    one.lag_h = 0.0;
    double phase = fmod(t0_root + u - one.time_h, one.ii_h);
    if (phase < 0.0) phase += one.ii_h;
    ru_status st = rui_lin_steady_state_profile(sys, &one, 1, &phase, 1, tmp, err);
    if (st != RU_OK) return st;
    for (size_t i = 0; i < sys->n; i++) x[i] += tmp[i];
  }
  return RU_OK;
}

typedef struct curve_ctx {
  const rui_lin_system *sys;
  const rui_lin_input *in;
  size_t nin;
  double t0;
  int steady;
  size_t central;
  double v;
} curve_ctx;

static double curve_at(const curve_ctx *k, double u, ru_error *err, ru_status *st) {
  double x[RUI_LIN_MAX];
  if (k->steady) {
    *st = ss_state(k->sys, k->in, k->nin, k->t0, u, x, err);
  } else {
    const double t = k->t0 + u;
    double xs[RUI_LIN_MAX];
    *st = rui_lin_simulate(k->sys, NULL, k->in, k->nin, &t, 1, xs, err);
    memcpy(x, xs, sizeof x);
  }
  return *st == RU_OK ? x[k->central] / k->v * 1000.0 : nan("");
}

/* Golden-section refinement of a maximum bracketed by [a, b]. */
static double refine_max(const curve_ctx *k, double a, double b, double *best_u, double best,
                         ru_error *err, ru_status *st) {
  const double gr = 0.6180339887498949; /* (sqrt(5)-1)/2 */
  double c = b - gr * (b - a), d = a + gr * (b - a);
  double fc = curve_at(k, c, err, st), fd = curve_at(k, d, err, st);
  for (int it = 0; it < 60 && *st == RU_OK && (b - a) > 1e-9 * fmax(1.0, b); it++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - gr * (b - a);
      fc = curve_at(k, c, err, st);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + gr * (b - a);
      fd = curve_at(k, d, err, st);
    }
  }
  const double u = 0.5 * (a + b);
  const double f = curve_at(k, u, err, st);
  if (*st == RU_OK && f > best) {
    *best_u = u;
    return f;
  }
  return best;
}

static void finish_exposure(ru_exposure *e, const sim_compound *c) {
  e->cavg_ng_per_ml = e->steady_state ? e->auc_ng_h_per_ml / e->tau_h : nan("");
  e->unbound_cavg_nm = (e->steady_state && isfinite(c->fu) && isfinite(c->mw))
                           ? e->cavg_ng_per_ml * c->fu / c->mw * 1000.0
                           : nan("");
}

static ru_status linear_exposure(ru_sim *s, ru_exposure *out, ru_error *err) {
  rui_lin_system sys;
  rui_sim_linear_matrix(s, &sys);
  const size_t n = sys.n;
  const double settle = ru_sim_settling_time_h(s);
  rui_lin_input *in = NULL;
  size_t nin = 0;
  ru_status st = rui_sim_doses(s, &in, &nin, err);
  if (st != RU_OK) return st;
  for (size_t i = 0; i < s->nc && st == RU_OK; i++) {
    ru_exposure *e = &out[i];
    memset(e, 0, sizeof *e);
    const sim_compound *c = &s->c[i];
    const long root = root_of(s, i);
    double t0 = 0.0, tau = 0.0;
    if (root >= 0) root_schedule(s, root, &t0, &tau);
    curve_ctx k = {&sys, in, nin, t0, tau > 0.0, (size_t)c->central, c->v_l};
    if (tau > 0.0) {
      /* steady state: grid over [0, tau), exact piecewise AUC */
      e->steady_state = 1;
      e->tau_h = tau;
      const double h = tau / GRID;
      double mint[RUI_LIN_MAX * RUI_LIN_MAX]; /* int_0^h e^{As} ds, column by column */
      double unit[RUI_LIN_MAX], col[RUI_LIN_MAX];
      for (size_t j = 0; j < n && st == RU_OK; j++) {
        memset(unit, 0, sizeof unit);
        unit[j] = 1.0;
        st = rui_lin_integral(&sys, unit, h, col, err);
        for (size_t r = 0; r < n; r++) mint[r * n + j] = col[r];
      }
      double best = -1.0, best_u = 0.0, minc = HUGE_VAL, auc = 0.0;
      double x[RUI_LIN_MAX];
      for (size_t g = 0; g <= GRID && st == RU_OK; g++) {
        /* the last point is evaluated just before the next dose (the trough) */
        const double u = g == GRID ? tau * (1.0 - 1e-12) : (double)g * h;
        st = ss_state(&sys, in, nin, t0, u, x, err);
        if (st != RU_OK) break;
        const double conc = x[c->central] / k.v * 1000.0;
        if (conc > best) {
          best = conc;
          best_u = u;
        }
        if (conc < minc) minc = conc;
        if (g < GRID) {
          double piece = 0.0;
          for (size_t j = 0; j < n; j++) piece += mint[(size_t)c->central * n + j] * x[j];
          auc += piece / k.v * 1000.0;
        }
      }
      if (st == RU_OK) {
        const double a = fmax(0.0, best_u - h), b = fmin(tau * (1.0 - 1e-12), best_u + h);
        best = refine_max(&k, a, b, &best_u, best, err, &st);
      }
      e->cmax_ng_per_ml = best;
      e->tmax_h = best_u;
      e->cmin_ng_per_ml = fmax(0.0, minc);
      e->auc_ng_h_per_ml = auc;
    } else {
      /* single dose(s): AUC0-inf = -A^{-1} d, Cmax on a grid over the settling horizon */
      double d[RUI_LIN_MAX], x[RUI_LIN_MAX], neg[RUI_LIN_MAX * RUI_LIN_MAX];
      memset(d, 0, sizeof d);
      for (size_t q = 0; q < nin; q++) {
        const double reps = 1.0 + (double)(in[q].addl > 0 ? in[q].addl : 0);
        d[in[q].cmt] += in[q].amount * reps;
      }
      for (size_t q = 0; q < n * n; q++) neg[q] = -sys.a[q];
      if (small_solve(neg, n, d, x) != 0) {
        st = ru_error_set(err, RU_ENUMERIC, "%s: singular system (no elimination?)", c->name);
        break;
      }
      e->auc_ng_h_per_ml = x[c->central] / k.v * 1000.0;
      const double span = fmax(settle, 1.0);
      const size_t ng = 4 * GRID;
      const double h = span / (double)ng;
      double best = -1.0, best_u = 0.0;
      double *tt = rui_malloc((ng + 1) * sizeof *tt);
      double *xs = rui_malloc((ng + 1) * n * sizeof *xs);
      if (tt == NULL || xs == NULL) {
        rui_free(tt);
        rui_free(xs);
        st = ru_error_set(err, RU_ENOMEM, "out of memory");
        break;
      }
      for (size_t g = 0; g <= ng; g++) tt[g] = t0 + (double)g * h;
      st = rui_lin_simulate(&sys, NULL, in, nin, tt, ng + 1, xs, err);
      for (size_t g = 0; g <= ng && st == RU_OK; g++) {
        const double conc = xs[g * n + (size_t)c->central] / k.v * 1000.0;
        if (conc > best) {
          best = conc;
          best_u = (double)g * h;
        }
      }
      rui_free(tt);
      rui_free(xs);
      if (st == RU_OK) {
        best = refine_max(&k, fmax(0.0, best_u - h), best_u + h, &best_u, best, err, &st);
      }
      e->cmax_ng_per_ml = best;
      e->tmax_h = best_u;
      e->cmin_ng_per_ml = 0.0;
    }
    finish_exposure(e, c);
  }
  rui_free(in);
  return st;
}

/* Nonlinear: CVODE to the settling time, then one interval read densely; AUC from the
 * accumulator states. */
static ru_status nonlinear_exposure(ru_sim *s, ru_exposure *out, ru_error *err) {
  const double settle = ru_sim_settling_time_h(s);
  const size_t nw = 960;
  ru_status st = RU_OK;
  for (size_t i = 0; i < s->nc && st == RU_OK; i++) {
    ru_exposure *e = &out[i];
    memset(e, 0, sizeof *e);
    const sim_compound *c = &s->c[i];
    const long root = root_of(s, i);
    double t0 = 0.0, tau = 0.0;
    if (root >= 0) root_schedule(s, root, &t0, &tau);
    double start, span;
    if (tau > 0.0) {
      start = t0 + ceil(settle / tau) * tau;
      span = tau;
    } else {
      start = t0;
      span = settle;
    }
    double *tt = rui_malloc((nw + 1) * sizeof *tt);
    double *xs = rui_malloc((nw + 1) * s->nstate * sizeof *xs);
    if (tt == NULL || xs == NULL) {
      rui_free(tt);
      rui_free(xs);
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    for (size_t g = 0; g <= nw; g++) {
      tt[g] = start + span * (double)g / (double)nw;
    }
    if (tau > 0.0) tt[nw] = start + span * (1.0 - 1e-9); /* trough, before the next dose */
    st = rui_sim_ode_states(s, tt, nw + 1, xs, err);
    if (st == RU_OK) {
      const size_t auc_idx = s->nstate - s->nc + i;
      double best = -1.0, best_u = 0.0, minc = HUGE_VAL;
      for (size_t g = 0; g <= nw; g++) {
        const double conc = fmax(0.0, xs[g * s->nstate + (size_t)c->central] / c->v_l * 1000.0);
        if (conc > best) {
          best = conc;
          best_u = tt[g] - start;
        }
        if (conc < minc) minc = conc;
      }
      double auc = xs[nw * s->nstate + auc_idx] - xs[auc_idx];
      if (tau > 0.0) {
        e->steady_state = 1;
        e->tau_h = tau;
        e->cmin_ng_per_ml = minc;
      } else {
        /* AUC from the dose to infinity: accumulated from time 0 plus a log-linear tail */
        auc = xs[nw * s->nstate + auc_idx];
        const double c1 = xs[(nw - 1) * s->nstate + (size_t)c->central];
        const double c2 = xs[nw * s->nstate + (size_t)c->central];
        if (c1 > c2 && c2 > 0.0) {
          const double lz = log(c1 / c2) / (tt[nw] - tt[nw - 1]);
          auc += c2 / c->v_l * 1000.0 / lz;
        }
        e->cmin_ng_per_ml = 0.0;
      }
      e->auc_ng_h_per_ml = auc;
      e->cmax_ng_per_ml = best;
      e->tmax_h = best_u;
      finish_exposure(e, c);
    }
    rui_free(tt);
    rui_free(xs);
  }
  return st;
}

ru_status ru_sim_exposure(ru_sim *s, ru_exposure *out, ru_error *err) {
  ru_status st = ru_sim_prepare(s, err);
  if (st != RU_OK) return st;
  if (out == NULL) return ru_error_set(err, RU_EINVAL, "ru_sim_exposure: out is NULL");
  return s->nonlinear ? nonlinear_exposure(s, out, err) : linear_exposure(s, out, err);
}

ru_status ru_sim_steady_profile(ru_sim *s, size_t n, double *t_h, double *conc, double *tau_h,
                                ru_error *err) {
  ru_status st = ru_sim_prepare(s, err);
  if (st != RU_OK) return st;
  if (n < 2 || t_h == NULL || conc == NULL) {
    return ru_error_set(err, RU_EINVAL, "steady profile needs at least 2 points");
  }
  /* the window is the longest interval among the regimens, aligned to its regimen */
  double tau = 0.0, t0 = 0.0;
  for (size_t i = 0; i < s->nc; i++) {
    if (!s->c[i].dosed) continue;
    double a, b;
    root_schedule(s, (long)i, &a, &b);
    if (b > tau) {
      tau = b;
      t0 = a;
    }
  }
  if (!(tau > 0.0)) {
    return ru_error_set(err, RU_EINVAL,
                        "steady state needs a repeating regimen (give an interval, e.g. q24h)");
  }
  *tau_h = tau;
  for (size_t j = 0; j < n; j++) {
    t_h[j] = tau * (double)j / (double)(n - 1);
  }
  t_h[n - 1] = tau * (1.0 - 1e-9);
  if (s->nonlinear) {
    const double settle = ru_sim_settling_time_h(s);
    const double start = t0 + ceil(settle / tau) * tau;
    double *tt = rui_malloc(n * sizeof *tt);
    if (tt == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
    for (size_t j = 0; j < n; j++) tt[j] = start + t_h[j];
    st = ru_sim_run(s, tt, n, conc, err);
    rui_free(tt);
    return st;
  }
  rui_lin_system sys;
  rui_sim_linear_matrix(s, &sys);
  rui_lin_input *in = NULL;
  size_t nin = 0;
  st = rui_sim_doses(s, &in, &nin, err);
  if (st != RU_OK) return st;
  double x[RUI_LIN_MAX];
  for (size_t j = 0; j < n && st == RU_OK; j++) {
    st = ss_state(&sys, in, nin, t0, t_h[j], x, err);
    for (size_t i = 0; i < s->nc && st == RU_OK; i++) {
      conc[i * n + j] = fmax(0.0, x[s->c[i].central] / s->c[i].v_l * 1000.0);
    }
  }
  rui_free(in);
  return st;
}
