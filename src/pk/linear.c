/* Closed-form solution of linear compartment systems (src/pk/linear.h).
 *
 * Everything here is built on one primitive, the matrix exponential, computed by scaling and
 * squaring with diagonal Pade approximants of degree 3, 5, 7, 9 or 13 chosen from the 1-norm
 * (Higham 2005, "The scaling and squaring method for the matrix exponential revisited",
 * SIAM J Matrix Anal Appl 26:1179-1193, Algorithm 2.3; same constants as MATLAB expm and
 * SciPy expm). Zero-order inputs use the exponential of the augmented matrix
 *   M = [[A, E], [0, 0]],  e^{M h} = [[e^{A h}, int_0^h e^{A s} ds E], [0, I]]
 * (Van Loan 1978, "Computing integrals involving the matrix exponential", IEEE Trans Autom
 * Control 23:395-404, Theorem 1), so an infusion is exact, not a quadrature.
 *
 * rui_lin_simulate expands the dosing inputs (ADDL/II, infusion starts and ends, resets, steady
 * state placements) into a sorted event list, then walks events and output times together,
 * propagating the state over each gap h with a cached (e^{A h}, Gamma(h)) pair; the cache is
 * keyed on h so a long regular run costs one matrix-vector product per output.
 *
 * Steady state is the exact geometric sum of the periodic input: x = (I - e^{A tau})^{-1} p
 * (Gibaldi & Perrier, Pharmacokinetics 2nd ed. 1982, ch. 3, the matrix form of the
 * accumulation factor 1/(1 - e^{-k tau})). No global mutable state; no allocation in the
 * per-output loop. */
#include "pk/linear.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/events.h"

/* Augmented systems carry up to n extra input columns ([[A, I], [0, 0]] for Gamma(h)). */
#define XMAX (2 * RUI_LIN_MAX)

/* Number of cached (h, e^{Ah}, Gamma(h)) entries in rui_lin_simulate: a regular run needs
 * the output step, the remainder around off-grid doses and the infusion durations. */
#define CACHE_SLOTS 8

/* ---------------------------------------------------------------------------------------
 * Dense kernels on n x n row-major matrices (n <= XMAX). */

static void mat_mul(const double *a, const double *b, size_t n, double *c) {
  for (size_t i = 0; i < n * n; i++) {
    c[i] = 0.0;
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < n; k++) {
      const double aik = a[i * n + k];
      if (aik == 0.0) {
        continue;
      }
      for (size_t j = 0; j < n; j++) {
        c[i * n + j] += aik * b[k * n + j];
      }
    }
  }
}

static double norm1(const double *a, size_t n) {
  double best = 0.0;
  for (size_t j = 0; j < n; j++) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
      s += fabs(a[i * n + j]);
    }
    if (s > best) {
      best = s;
    }
  }
  return best;
}

/* Solves M X = B in place (B is n x m, row-major, overwritten by X) by LU with partial
 * pivoting (Golub & Van Loan, Matrix Computations 4th ed., Alg. 3.4.1). M is destroyed.
 * Returns RU_ENUMERIC if a pivot is zero or not finite (M singular to working precision). */
static ru_status lu_solve(double *m, size_t n, double *b, size_t nrhs) {
  for (size_t k = 0; k < n; k++) {
    size_t p = k;
    double big = fabs(m[k * n + k]);
    for (size_t i = k + 1; i < n; i++) {
      const double v = fabs(m[i * n + k]);
      if (v > big) {
        big = v;
        p = i;
      }
    }
    if (!(big > 0.0) || !isfinite(big)) {
      return RU_ENUMERIC;
    }
    if (p != k) {
      for (size_t j = 0; j < n; j++) {
        const double t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
      for (size_t j = 0; j < nrhs; j++) {
        const double t = b[k * nrhs + j];
        b[k * nrhs + j] = b[p * nrhs + j];
        b[p * nrhs + j] = t;
      }
    }
    const double piv = m[k * n + k];
    for (size_t i = k + 1; i < n; i++) {
      const double l = m[i * n + k] / piv;
      if (l == 0.0) {
        continue;
      }
      m[i * n + k] = l;
      for (size_t j = k + 1; j < n; j++) {
        m[i * n + j] -= l * m[k * n + j];
      }
      for (size_t j = 0; j < nrhs; j++) {
        b[i * nrhs + j] -= l * b[k * nrhs + j];
      }
    }
  }
  for (size_t kk = n; kk-- > 0;) {
    const double piv = m[kk * n + kk];
    for (size_t j = 0; j < nrhs; j++) {
      double s = b[kk * nrhs + j];
      for (size_t i = kk + 1; i < n; i++) {
        s -= m[kk * n + i] * b[i * nrhs + j];
      }
      b[kk * nrhs + j] = s / piv;
    }
  }
  return RU_OK;
}

ru_status rui_lin_lu_solve(double *m, size_t n, double *b, size_t nrhs) {
  return lu_solve(m, n, b, nrhs);
}

/* Pade coefficients b_0..b_m of the [m/m] approximant to e^x (Higham 2005, Table 2.3 / the
 * recurrence b_j = (2m-j)! m! / ((2m)! j! (m-j)!) scaled to integers). */
static const double pade3[] = {120.0, 60.0, 12.0, 1.0};
static const double pade5[] = {30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0};
static const double pade7[] = {17297280.0, 8648640.0, 1995840.0, 277200.0,
                               25200.0,    1512.0,    56.0,      1.0};
static const double pade9[] = {17643225600.0, 8821612800.0, 2075673600.0, 302702400.0,
                               30270240.0,    2162160.0,    110880.0,     3960.0,
                               90.0,          1.0};
static const double pade13[] = {64764752532480000.0, 32382376266240000.0, 7771770303897600.0,
                                1187353796428800.0,  129060195264000.0,   10559470521600.0,
                                670442572800.0,      33522128640.0,       1323241920.0,
                                40840800.0,          960960.0,            16380.0,
                                182.0,               1.0};
/* theta_m: largest ||A||_1 for which the [m/m] approximant has backward error <= 2^-53
 * (Higham 2005, Table 2.3). */
static const double theta3 = 1.495585217958292e-2;
static const double theta5 = 2.539398330063230e-1;
static const double theta7 = 9.504178996162932e-1;
static const double theta9 = 2.097847961257068e0;
static const double theta13 = 5.371920351148152e0;

/* Eight n x n scratch matrices for expm_core, bound to caller storage: the steady-state
 * workspace (ss_ws_new, sized for augmented systems) or a small store on the stack for the plain
 * exponential, so rui_lin_expm and the stepper never allocate. */
typedef struct expm_ws {
  double *a, *a2, *a4, *a6, *u, *v, *t1, *t2;
} expm_ws;

typedef struct expm_small {
  double buf[8 * RUI_LIN_MAX * RUI_LIN_MAX];
} expm_small;

/* Points the eight scratch matrices at consecutive blocks of stride*stride doubles. */
static void ws_bind(expm_ws *w, double *buf, size_t stride) {
  const size_t b = stride * stride;
  w->a = buf;
  w->a2 = buf + b;
  w->a4 = buf + 2 * b;
  w->a6 = buf + 3 * b;
  w->u = buf + 4 * b;
  w->v = buf + 5 * b;
  w->t1 = buf + 6 * b;
  w->t2 = buf + 7 * b;
}

/* out = e^{a t}, n <= XMAX, inputs assumed finite. out may not alias a. */
static ru_status expm_core(const double *a_in, size_t n, double t, double *out, expm_ws *w) {
  const size_t nn = n * n;
  if (t == 0.0) {
    memset(out, 0, nn * sizeof *out);
    for (size_t i = 0; i < n; i++) {
      out[i * n + i] = 1.0;
    }
    return RU_OK;
  }
  for (size_t i = 0; i < nn; i++) {
    w->a[i] = a_in[i] * t;
  }
  const double nrm = norm1(w->a, n);
  if (!isfinite(nrm)) {
    return RU_ENUMERIC;
  }
  int s = 0;
  const double *b = NULL;
  int m = 13;
  if (nrm <= theta3) {
    b = pade3;
    m = 3;
  } else if (nrm <= theta5) {
    b = pade5;
    m = 5;
  } else if (nrm <= theta7) {
    b = pade7;
    m = 7;
  } else if (nrm <= theta9) {
    b = pade9;
    m = 9;
  } else {
    b = pade13;
    m = 13;
    if (nrm > theta13) {
      s = (int)ceil(log2(nrm / theta13));
      const double scale = ldexp(1.0, -s);
      for (size_t i = 0; i < nn; i++) {
        w->a[i] *= scale;
      }
    }
  }
  mat_mul(w->a, w->a, n, w->a2);
  if (m == 13) {
    mat_mul(w->a2, w->a2, n, w->a4);
    mat_mul(w->a4, w->a2, n, w->a6);
    /* U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2 + b1 I]
     * V =    A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I  (Higham 2005 eq 2.3) */
    for (size_t i = 0; i < nn; i++) {
      w->t1[i] = b[13] * w->a6[i] + b[11] * w->a4[i] + b[9] * w->a2[i];
    }
    mat_mul(w->a6, w->t1, n, w->t2);
    for (size_t i = 0; i < nn; i++) {
      w->t2[i] += b[7] * w->a6[i] + b[5] * w->a4[i] + b[3] * w->a2[i];
    }
    for (size_t i = 0; i < n; i++) {
      w->t2[i * n + i] += b[1];
    }
    mat_mul(w->a, w->t2, n, w->u);
    for (size_t i = 0; i < nn; i++) {
      w->t1[i] = b[12] * w->a6[i] + b[10] * w->a4[i] + b[8] * w->a2[i];
    }
    mat_mul(w->a6, w->t1, n, w->v);
    for (size_t i = 0; i < nn; i++) {
      w->v[i] += b[6] * w->a6[i] + b[4] * w->a4[i] + b[2] * w->a2[i];
    }
    for (size_t i = 0; i < n; i++) {
      w->v[i * n + i] += b[0];
    }
  } else {
    /* Odd part U = A sum_{j odd} b_j A^{j-1}, even part V = sum_{j even} b_j A^j, with the
     * even powers A^2, A^4, ... built once (Higham 2005, Algorithm 2.3 lines 3-6). */
    double *pw = w->t1;  /* current even power A^{2k} */
    double *odd = w->t2; /* accumulates sum b_{2k+1} A^{2k} */
    memset(odd, 0, nn * sizeof *odd);
    memset(w->v, 0, nn * sizeof *w->v);
    for (size_t i = 0; i < n; i++) {
      odd[i * n + i] = b[1];
      w->v[i * n + i] = b[0];
    }
    memcpy(pw, w->a2, nn * sizeof *pw);
    for (int k = 1; 2 * k <= m; k++) {
      for (size_t i = 0; i < nn; i++) {
        w->v[i] += b[2 * k] * pw[i];
        odd[i] += b[2 * k + 1] * pw[i];
      }
      if (2 * (k + 1) <= m) {
        mat_mul(pw, w->a2, n, w->a4);
        memcpy(pw, w->a4, nn * sizeof *pw);
      }
    }
    mat_mul(w->a, odd, n, w->u);
  }
  /* (V - U) R = (V + U) */
  for (size_t i = 0; i < nn; i++) {
    w->t1[i] = w->v[i] - w->u[i];
    out[i] = w->v[i] + w->u[i];
  }
  const ru_status st = lu_solve(w->t1, n, out, n);
  if (st != RU_OK) {
    return st;
  }
  for (int k = 0; k < s; k++) {
    mat_mul(out, out, n, w->t1);
    memcpy(out, w->t1, nn * sizeof *out);
  }
  for (size_t i = 0; i < nn; i++) {
    if (!isfinite(out[i])) {
      return RU_ENUMERIC;
    }
  }
  return RU_OK;
}

static int all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(v[i])) {
      return 0;
    }
  }
  return 1;
}

ru_status rui_lin_expm(const double *a, size_t n, double t, double *out) {
  if (a == NULL || out == NULL || n == 0 || n > RUI_LIN_MAX || !isfinite(t) ||
      !all_finite(a, n * n) || a == out) {
    return RU_EINVAL;
  }
  expm_small store;
  expm_ws w;
  ws_bind(&w, store.buf, RUI_LIN_MAX);
  return expm_core(a, n, t, out, &w);
}

/* Phi = e^{A h} (n x n) and, when k > 0, G = int_0^h e^{As} ds E (n x k) where column j of E is
 * the unit vector e_{cols[j]} (Van Loan 1978: exponential of [[A, E], [0, 0]]). */
static ru_status phi_gamma(const rui_lin_system *sys, const size_t *cols, size_t k, double h,
                           double *phi, double *g, expm_ws *w, double *mbuf, double *ebuf) {
  const size_t n = sys->n;
  if (k == 0) {
    return expm_core(sys->a, n, h, phi, w);
  }
  const size_t m = n + k;
  memset(mbuf, 0, m * m * sizeof *mbuf);
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      mbuf[i * m + j] = sys->a[i * n + j];
    }
  }
  for (size_t j = 0; j < k; j++) {
    mbuf[cols[j] * m + n + j] = 1.0;
  }
  const ru_status st = expm_core(mbuf, m, h, ebuf, w);
  if (st != RU_OK) {
    return st;
  }
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      phi[i * n + j] = ebuf[i * m + j];
    }
    for (size_t j = 0; j < k; j++) {
      g[i * k + j] = ebuf[i * m + n + j];
    }
  }
  return RU_OK;
}

/* ---------------------------------------------------------------------------------------
 * Validation */

static ru_status check_system(const rui_lin_system *sys, ru_error *err) {
  if (sys == NULL) {
    return ru_error_set(err, RU_EINVAL, "linear system is NULL");
  }
  if (sys->n == 0 || sys->n > RUI_LIN_MAX) {
    return ru_error_set(err, RU_EINVAL, "linear system has %zu compartments (allowed 1..%d)",
                        sys->n, RUI_LIN_MAX);
  }
  for (size_t i = 0; i < sys->n * sys->n; i++) {
    if (!isfinite(sys->a[i])) {
      return ru_error_set(err, RU_EINVAL, "rate matrix entry (%zu,%zu) is not finite",
                          i / sys->n, i % sys->n);
    }
  }
  return RU_OK;
}

/* ---------------------------------------------------------------------------------------
 * Steady state */

/* Workspace for the steady-state algebra and the engine's exponentials, sized for an n-state
 * system (augmented systems have up to 2n states): one allocation, so a small system costs a
 * small workspace whatever RUI_LIN_MAX is. */
typedef struct ss_ws {
  expm_ws w;     /* eight scratch matrices of (2n)^2 */
  double *mbuf;  /* (2n)^2: augmented matrix */
  double *ebuf;  /* (2n)^2: its exponential */
  double *phi, *phi2, *m; /* n^2 */
  double *g;     /* n^2 (an n x k Gamma block, k <= n) */
  double *y;     /* n */
} ss_ws;

static ss_ws *ss_ws_new(size_t n) {
  const size_t xm = 2 * n;
  const size_t total = 10 * xm * xm + 4 * n * n + n;
  ss_ws *s = rui_malloc(sizeof *s + total * sizeof(double));
  if (s == NULL) {
    return NULL;
  }
  double *buf = (double *)(void *)(s + 1);
  ws_bind(&s->w, buf, xm);
  buf += 8 * xm * xm;
  s->mbuf = buf;
  buf += xm * xm;
  s->ebuf = buf;
  buf += xm * xm;
  s->phi = buf;
  buf += n * n;
  s->phi2 = buf;
  buf += n * n;
  s->m = buf;
  buf += n * n;
  s->g = buf;
  buf += n * n;
  s->y = buf;
  return s;
}

/* Steady-state state of one input at the moment a dose is given (after a bolus; at the start of
 * an infusion). For a bolus d: x = (I - e^{A tau})^{-1} d. For an infusion of rate R and
 * duration D repeated every tau, dose k (started k tau ago) has contributed Gamma(k tau) R e_c
 * while still running (k tau < D) and e^{A(k tau - D)} Gamma(D) R e_c after; summing the
 * geometric tail from m = ceil(D / tau):
 *   x = e^{A(m tau - D)} (I - e^{A tau})^{-1} Gamma(D) R e_c + sum_{k=1}^{m-1} Gamma(k tau) R e_c.
 * A constant infusion at steady state (tau = 0) solves A x = -R e_c. */
static ru_status ss_state(const rui_lin_system *sys, const rui_lin_input *in, double *x,
                          ss_ws *s, ru_error *err) {
  const size_t n = sys->n;
  const size_t c = in->cmt;
  ru_status st = RU_OK;
  memset(x, 0, n * sizeof *x);
  if (in->rate > 0.0 && in->ii_h == 0.0) {
    memcpy(s->m, sys->a, n * n * sizeof *s->m);
    x[c] = -in->rate;
    st = lu_solve(s->m, n, x, 1);
    if (st != RU_OK) {
      return ru_error_set(err, RU_ENUMERIC,
                          "no steady state for a constant infusion: the rate matrix is singular "
                          "(a compartment accumulates without elimination)");
    }
    return RU_OK;
  }
  const double tau = in->ii_h;
  st = expm_core(sys->a, n, tau, s->phi, &s->w);
  if (st != RU_OK) {
    return ru_error_set(err, st, "matrix exponential failed for the dosing interval %g h", tau);
  }
  for (size_t i = 0; i < n * n; i++) {
    s->m[i] = (i / n == i % n ? 1.0 : 0.0) - s->phi[i];
  }
  if (in->rate == 0.0 || in->amount == 0.0) {
    x[c] = in->rate == 0.0 ? in->amount : 0.0;
  } else {
    const double dur = in->amount / in->rate;
    st = phi_gamma(sys, &c, 1, dur, s->phi2, s->g, &s->w, s->mbuf, s->ebuf);
    if (st != RU_OK) {
      return ru_error_set(err, st, "matrix exponential failed for infusion duration %g h", dur);
    }
    for (size_t i = 0; i < n; i++) {
      x[i] = s->g[i] * in->rate;
    }
  }
  st = lu_solve(s->m, n, x, 1);
  if (st != RU_OK) {
    return ru_error_set(err, RU_ENUMERIC,
                        "no steady state: I - e^{A tau} is singular (a compartment accumulates "
                        "without elimination)");
  }
  if (in->rate > 0.0 && in->amount > 0.0) {
    const double dur = in->amount / in->rate;
    const double mq = ceil(dur / tau);
    const double back = mq * tau - dur; /* >= 0: time since the last finished dose ended */
    st = expm_core(sys->a, n, back, s->phi2, &s->w);
    if (st != RU_OK) {
      return ru_error_set(err, st, "matrix exponential failed at steady state");
    }
    for (size_t i = 0; i < n; i++) {
      double acc = 0.0;
      for (size_t j = 0; j < n; j++) {
        acc += s->phi2[i * n + j] * x[j];
      }
      s->y[i] = acc;
    }
    memcpy(x, s->y, n * sizeof *x);
    for (double k = 1.0; k < mq; k += 1.0) {
      st = phi_gamma(sys, &c, 1, k * tau, s->phi2, s->g, &s->w, s->mbuf, s->ebuf);
      if (st != RU_OK) {
        return ru_error_set(err, st, "matrix exponential failed at steady state");
      }
      for (size_t i = 0; i < n; i++) {
        x[i] += s->g[i] * in->rate;
      }
    }
  }
  return RU_OK;
}

ru_status rui_lin_steady_state(const rui_lin_system *sys, const rui_lin_input *in,
                               double *x_after_dose, ru_error *err) {
  ru_status st = check_system(sys, err);
  if (st != RU_OK) {
    return st;
  }
  if (in == NULL || x_after_dose == NULL) {
    return ru_error_set(err, RU_EINVAL, "steady state: NULL input or output");
  }
  rui_lin_input tmp = *in;
  tmp.ss = 1; /* validated as a steady-state input */
  tmp.addl = 0;
  st = rui_dose_check(&tmp, 0, sys->n, err);
  if (st != RU_OK) {
    return st;
  }
  ss_ws *s = ss_ws_new(sys->n);
  if (s == NULL) {
    return ru_error_set(err, RU_ENOMEM, "steady state: out of memory");
  }
  st = ss_state(sys, in, x_after_dose, s, err);
  rui_free(s);
  return st;
}

/* ---------------------------------------------------------------------------------------
 * The closed-form engine of the timeline walker (src/pk/events.h) */

typedef struct cache_slot {
  double h;
  int used;
  double *phi; /* n x n */
  double *g;   /* n x ncols */
} cache_slot;

typedef struct lin_engine {
  const rui_lin_system *sys;
  ss_ws *ss;
  cache_slot slot[CACHE_SLOTS];
  size_t next_slot;
  size_t last_hit; /* slot of the previous propagation: tried first */
  double tol_h;    /* two gaps closer than this share a cache slot (see advance) */
  size_t cols[RUI_LIN_MAX];
  size_t ncols;
  size_t col_of[RUI_LIN_MAX]; /* compartment -> column in Gamma, or RUI_LIN_MAX */
  double x[RUI_LIN_MAX];
  double tmp[RUI_LIN_MAX];
  double *out;                /* x_out of rui_lin_simulate: nt rows of n */
} lin_engine;

/* x <- e^{A h} x + Gamma(h) r over a gap with no events. */
static ru_status propagate(lin_engine *w, double h, const double *rate, int any_rate,
                           ru_error *err) {
  const rui_lin_system *sys = w->sys;
  const size_t n = sys->n;
  if (h == 0.0) {
    return RU_OK;
  }
  /* Output and dose times are themselves rounded to ulp(t_max), so two gaps that differ by
   * a few ulps of the largest time are the same gap to working precision: reusing the cached
   * exponential changes the state by ~|A| * 4 eps * t_max relative, below the rounding
   * already in the times. Without this, steps like 0.1 h stop matching after t = 1. */
  cache_slot *hit = &w->slot[w->last_hit];
  if (!(hit->used && fabs(hit->h - h) <= w->tol_h)) {
    hit = NULL;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
      if (w->slot[i].used && fabs(w->slot[i].h - h) <= w->tol_h) {
        hit = &w->slot[i];
        w->last_hit = i;
        break;
      }
    }
  }
  if (hit == NULL) {
    w->last_hit = w->next_slot;
    hit = &w->slot[w->next_slot];
    w->next_slot = (w->next_slot + 1) % CACHE_SLOTS;
    const ru_status st =
        phi_gamma(sys, w->cols, w->ncols, h, hit->phi, hit->g, &w->ss->w, w->ss->mbuf, w->ss->ebuf);
    if (st != RU_OK) {
      hit->used = 0;
      return ru_error_set(err, st, "matrix exponential failed for a step of %g h", h);
    }
    hit->h = h;
    hit->used = 1;
  }
  double *x = w->x;
  if (n == 2 && !any_rate) { /* the oral 1-cmt case, the commonest, without loops */
    const double *p = hit->phi;
    const double x0 = x[0], x1 = x[1];
    x[0] = p[0] * x0 + p[1] * x1;
    x[1] = p[2] * x0 + p[3] * x1;
    return RU_OK;
  }
  for (size_t i = 0; i < n; i++) {
    double acc = 0.0;
    const double *row = &hit->phi[i * n];
    for (size_t j = 0; j < n; j++) {
      acc += row[j] * x[j];
    }
    if (any_rate) {
      const double *grow = &hit->g[i * w->ncols];
      for (size_t j = 0; j < w->ncols; j++) {
        acc += grow[j] * rate[w->cols[j]];
      }
    }
    w->tmp[i] = acc;
  }
  memcpy(x, w->tmp, n * sizeof *x);
  return RU_OK;
}

static int any_rate_of(const lin_engine *w, const double *rate) {
  int any = 0;
  for (size_t j = 0; j < w->ncols; j++) {
    any |= rate[w->cols[j]] != 0.0;
  }
  return any;
}

static ru_status lin_advance(void *ep, double t0, double t1, double t_stop, const double *rate,
                             int restart, ru_error *err) {
  lin_engine *w = ep;
  (void)t_stop;
  (void)restart;
  return propagate(w, t1 - t0, rate, any_rate_of(w, rate), err);
}

/* A run of outputs with no record in between: one propagation per output, the gap's
 * exponential cached (a regular grid costs one matrix-vector product per output). */
static ru_status lin_outputs(void *ep, double t0, const double *times, size_t k, double t_stop,
                             const double *rate, int restart,
                             int (*emit)(void *, size_t, double, const double *), void *user,
                             size_t j0, ru_error *err) {
  lin_engine *w = ep;
  (void)t_stop;
  (void)restart;
  const int any = any_rate_of(w, rate);
  double t = t0;
  for (size_t i = 0; i < k; i++) {
    if (times[i] > t) {
      const ru_status st = propagate(w, times[i] - t, rate, any, err);
      if (st != RU_OK) {
        return st;
      }
      t = times[i];
    }
    if (emit(user, j0 + i, times[i], w->x) != 0) {
      return ru_error_set(err, RU_EINTERRUPTED, "simulation stopped by the caller");
    }
  }
  return RU_OK;
}

static const double *lin_view(const void *ep) {
  const lin_engine *w = ep;
  return w->x;
}

static void lin_bolus(void *ep, size_t cmt, double amount) {
  lin_engine *w = ep;
  w->x[cmt] += amount;
}

static void lin_reset(void *ep) {
  lin_engine *w = ep;
  memset(w->x, 0, sizeof w->x);
}

static void lin_get(const void *ep, double *y) {
  const lin_engine *w = ep;
  memcpy(y, w->x, w->sys->n * sizeof *y);
}

static void lin_set(void *ep, const double *y) {
  lin_engine *w = ep;
  memcpy(w->x, y, w->sys->n * sizeof *y);
}

/* The exact steady state of block b at its phase: the state at the start of a dose (ss_state),
 * then the cycle's piecewise-constant input up to the phase. */
static ru_status block_state(const rui_lin_system *sys, const rui_ss_block *b, ss_ws *s,
                             double *x, ru_error *err) {
  const size_t n = sys->n;
  rui_lin_input in;
  memset(&in, 0, sizeof in);
  in.cmt = b->cmt;
  in.amount = b->amount;
  in.rate = b->rate;
  in.ii_h = b->ii_h;
  ru_status st = ss_state(sys, &in, x, s, err);
  if (st != RU_OK || b->ii_h == 0.0) {
    return st;
  }
  if (b->rate == 0.0) {
    /* x is just after a bolus: the phase is reached by free decay */
    st = expm_core(sys->a, n, b->phase_h, s->phi2, &s->w);
    if (st != RU_OK) {
      return ru_error_set(err, st, "matrix exponential failed at steady state");
    }
    for (size_t i = 0; i < n; i++) {
      double acc = 0.0;
      for (size_t j = 0; j < n; j++) {
        acc += s->phi2[i * n + j] * x[j];
      }
      s->y[i] = acc;
    }
    memcpy(x, s->y, n * sizeof *x);
    return RU_OK;
  }
  if (b->phase_h >= b->ii_h) {
    return RU_OK; /* periodic: the state at the end of a cycle is the state at its start */
  }
  rui_ss_piece p[2];
  const size_t np = rui_ss_cycle_pieces(b, p);
  for (size_t k = 0; k < np; k++) {
    const double h = fmin(p[k].b_h, b->phase_h) - p[k].a_h;
    if (!(h > 0.0)) {
      continue;
    }
    st = phi_gamma(sys, &b->cmt, 1, h, s->phi2, s->g, &s->w, s->mbuf, s->ebuf);
    if (st != RU_OK) {
      return ru_error_set(err, st, "matrix exponential failed at steady state");
    }
    for (size_t i = 0; i < n; i++) {
      double acc = s->g[i] * p[k].count * b->rate;
      for (size_t j = 0; j < n; j++) {
        acc += s->phi2[i * n + j] * x[j];
      }
      s->y[i] = acc;
    }
    memcpy(x, s->y, n * sizeof *x);
  }
  return RU_OK;
}

static ru_status lin_ss_place(void *ep, const rui_ss_block *b, double t_h, ru_error *err) {
  lin_engine *w = ep;
  (void)t_h;
  const size_t n = w->sys->n;
  double x[RUI_LIN_MAX];
  const ru_status st = block_state(w->sys, b, w->ss, x, err);
  if (st != RU_OK) {
    return st;
  }
  for (size_t i = 0; i < n; i++) {
    w->x[i] = b->add ? w->x[i] + x[i] : x[i];
  }
  return RU_OK;
}

static const rui_engine_ops LIN_OPS = {
    .name = "closed form",
    .advance = lin_advance,
    .bolus = lin_bolus,
    .reset = lin_reset,
    .ss_place = lin_ss_place,
    .get = lin_get,
    .set = lin_set,
    .view = lin_view,
    .outputs = lin_outputs,
};

static int lin_emit(void *user, size_t j, double t_h, const double *y) {
  lin_engine *w = user;
  (void)t_h;
  double *row = &w->out[j * w->sys->n];
  if (w->sys->n == 2) { /* spelled out: a copy loop becomes a libc memcpy call, 1/3 of the time */
    row[0] = y[0];
    row[1] = y[1];
  } else {
    memcpy(row, y, w->sys->n * sizeof *y);
  }
  return 0;
}

/* The engine behind rui_lin_simulate and the steady-state profile: the canonical timeline of
 * the inputs (events.c) walked with the closed-form engine. */
static ru_status simulate_core(const rui_lin_system *sys, const double *x0,
                               const rui_lin_input *in, size_t nin, const double *times,
                               size_t nt, double *x_out, ru_error *err) {
  const size_t n = sys->n;
  if (nt == 0) {
    return RU_OK;
  }
  rui_timeline tl;
  ru_status st = rui_timeline_build(in, nin, n, times[nt - 1], &tl, err);
  if (st != RU_OK) {
    return st;
  }
  lin_engine *w = rui_malloc(sizeof *w);
  ss_ws *ss = ss_ws_new(n);
  if (w == NULL || ss == NULL) {
    rui_free(w);
    rui_free(ss);
    rui_timeline_free(&tl);
    return ru_error_set(err, RU_ENOMEM, "simulate: out of memory");
  }
  w->sys = sys;
  w->ss = ss;
  w->next_slot = 0;
  w->last_hit = 0;
  w->ncols = 0;
  for (size_t c = 0; c < RUI_LIN_MAX; c++) {
    w->col_of[c] = RUI_LIN_MAX;
  }
  /* the Gamma columns: every compartment an infusion runs into */
  for (size_t k = 0; k < tl.nev; k++) {
    const size_t c = tl.ev[k].cmt;
    if (tl.ev[k].kind == RUI_EV_RATE_ON && w->col_of[c] == RUI_LIN_MAX) {
      w->col_of[c] = w->ncols;
      w->cols[w->ncols++] = c;
    }
  }
  /* the cached (e^{Ah}, Gamma(h)) pairs, sized for this system */
  double *cache = rui_malloc(CACHE_SLOTS * (n * n + n * w->ncols + 1) * sizeof *cache);
  if (cache == NULL) {
    rui_free(ss);
    rui_free(w);
    rui_timeline_free(&tl);
    return ru_error_set(err, RU_ENOMEM, "simulate: out of memory");
  }
  for (size_t c = 0; c < CACHE_SLOTS; c++) {
    w->slot[c].used = 0;
    w->slot[c].phi = cache + c * (n * n + n * w->ncols);
    w->slot[c].g = w->slot[c].phi + n * n;
  }
  const double tscale = fmax(fabs(times[nt - 1]), tl.t_scale_h);
  /* see lin_advance(): 4 ulps of the largest time in the run */
  w->tol_h = 4.0 * DBL_EPSILON * (tscale > 1.0 ? tscale : 1.0);
  if (x0 != NULL) {
    memcpy(w->x, x0, n * sizeof *x0);
  } else {
    memset(w->x, 0, sizeof w->x);
  }
  w->out = x_out;
  st = rui_timeline_walk(&tl, n, &LIN_OPS, w, NULL, times, nt, lin_emit, w, err);
  rui_free(cache);
  rui_free(ss);
  rui_free(w);
  rui_timeline_free(&tl);
  return st;
}

static ru_status check_times(const double *times, size_t nt, ru_error *err) {
  for (size_t j = 0; j < nt; j++) {
    if (!isfinite(times[j]) || times[j] < 0.0) {
      return ru_error_set(err, RU_EINVAL, "output time %zu (%g h) must be finite and >= 0", j,
                          times[j]);
    }
    if (j > 0 && times[j] < times[j - 1]) {
      return ru_error_set(err, RU_EINVAL, "output times must be ascending (index %zu)", j);
    }
  }
  return RU_OK;
}

ru_status rui_lin_simulate(const rui_lin_system *sys, const double *x0, const rui_lin_input *in,
                           size_t nin, const double *times_h, size_t nt, double *x_out,
                           ru_error *err) {
  ru_status st = check_system(sys, err);
  if (st != RU_OK) {
    return st;
  }
  if ((nin > 0 && in == NULL) || (nt > 0 && (times_h == NULL || x_out == NULL))) {
    return ru_error_set(err, RU_EINVAL, "simulate: NULL inputs, times or output");
  }
  if (x0 != NULL && !all_finite(x0, sys->n)) {
    return ru_error_set(err, RU_EINVAL, "simulate: initial state is not finite");
  }
  for (size_t i = 0; i < nin; i++) {
    st = rui_dose_check(&in[i], i, sys->n, err);
    if (st != RU_OK) {
      return st;
    }
  }
  st = check_times(times_h, nt, err);
  if (st != RU_OK) {
    return st;
  }
  return simulate_core(sys, x0, in, nin, times_h, nt, x_out, err);
}

typedef struct phase_ix {
  double t;
  size_t j;
} phase_ix;

static int phase_cmp(const void *pa, const void *pb) {
  const phase_ix *a = pa;
  const phase_ix *b = pb;
  if (a->t != b->t) {
    return a->t < b->t ? -1 : 1;
  }
  return a->j < b->j ? -1 : (a->j > b->j ? 1 : 0);
}

ru_status rui_lin_steady_state_profile(const rui_lin_system *sys, const rui_lin_input *in,
                                       size_t nin, const double *t_h, size_t nt, double *x_out,
                                       ru_error *err) {
  ru_status st = check_system(sys, err);
  if (st != RU_OK) {
    return st;
  }
  if ((nin > 0 && in == NULL) || (nt > 0 && (t_h == NULL || x_out == NULL))) {
    return ru_error_set(err, RU_EINVAL, "steady-state profile: NULL inputs, times or output");
  }
  for (size_t i = 0; i < nin; i++) {
    rui_lin_input tmp = in[i];
    tmp.ss = 1;
    tmp.addl = 0;
    st = rui_dose_check(&tmp, i, sys->n, err);
    if (st != RU_OK) {
      return st;
    }
  }
  for (size_t j = 0; j < nt; j++) {
    if (!isfinite(t_h[j])) {
      return ru_error_set(err, RU_EINVAL, "steady-state profile: time %zu is not finite", j);
    }
  }
  const size_t n = sys->n;
  memset(x_out, 0, nt * n * sizeof *x_out);
  if (nt == 0) {
    return RU_OK;
  }
  phase_ix *ph = rui_malloc(nt * sizeof *ph);
  double *pt = rui_malloc(nt * sizeof *pt);
  double *px = rui_malloc(nt * n * sizeof *px);
  if (ph == NULL || pt == NULL || px == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "steady-state profile: out of memory");
    goto done;
  }
  for (size_t i = 0; i < nin; i++) {
    /* Input i doses at time_h + k ii for every integer k: each output time maps to its phase
     * in [0, ii) after the latest dose, and one SS placement at 0 covers every phase. */
    rui_lin_input one = in[i];
    const double tdose = in[i].time_h + in[i].lag_h; /* the doses themselves, lag included */
    one.time_h = 0.0;
    one.lag_h = 0.0;
    one.ss = 2;
    one.reset_before = 0;
    one.addl = 0; /* phases stay inside one interval: no further dose is reached */
    const double tau = one.ii_h;
    for (size_t j = 0; j < nt; j++) {
      double p = 0.0;
      if (tau > 0.0) {
        p = fmod(t_h[j] - tdose, tau);
        if (p < 0.0) {
          p += tau;
        }
        if (p >= tau) { /* fmod rounding at the boundary */
          p = 0.0;
        }
      }
      ph[j] = (phase_ix){p, j};
    }
    qsort(ph, nt, sizeof *ph, phase_cmp);
    for (size_t j = 0; j < nt; j++) {
      pt[j] = ph[j].t;
    }
    st = simulate_core(sys, NULL, &one, 1, pt, nt, px, err);
    if (st != RU_OK) {
      goto done;
    }
    for (size_t j = 0; j < nt; j++) {
      for (size_t k = 0; k < n; k++) {
        x_out[ph[j].j * n + k] += px[j * n + k];
      }
    }
  }
done:
  rui_free(px);
  rui_free(pt);
  rui_free(ph);
  return st;
}

ru_status rui_lin_integral(const rui_lin_system *sys, const double *x, double dt_h, double *auc_out,
                           ru_error *err) {
  ru_status st = check_system(sys, err);
  if (st != RU_OK) {
    return st;
  }
  if (x == NULL || auc_out == NULL) {
    return ru_error_set(err, RU_EINVAL, "integral: NULL state or output");
  }
  if (!isfinite(dt_h) || !all_finite(x, sys->n)) {
    return ru_error_set(err, RU_EINVAL, "integral: interval or state is not finite");
  }
  const size_t n = sys->n;
  ss_ws *s = ss_ws_new(n);
  double *g = rui_malloc(n * n * sizeof *g);
  if (s == NULL || g == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "integral: out of memory");
    goto done;
  }
  size_t cols[RUI_LIN_MAX] = {0};
  for (size_t i = 0; i < n; i++) {
    cols[i] = i;
  }
  /* int_0^dt e^{As} ds = top-right block of exp([[A, I], [0, 0]] dt) (Van Loan 1978) */
  st = phi_gamma(sys, cols, n, dt_h, s->phi, g, &s->w, s->mbuf, s->ebuf);
  if (st != RU_OK) {
    st = ru_error_set(err, st, "integral: matrix exponential failed over %g h", dt_h);
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    double acc = 0.0;
    for (size_t j = 0; j < n; j++) {
      acc += g[i * n + j] * x[j];
    }
    auc_out[i] = acc;
  }
done:
  rui_free(g);
  rui_free(s);
  return st;
}

ru_status rui_lin_stepper_init(rui_lin_stepper *s, const rui_lin_system *sys, double h) {
  if (s == NULL || check_system(sys, NULL) != RU_OK || !isfinite(h)) {
    return RU_EINVAL;
  }
  const ru_status st = rui_lin_expm(sys->a, sys->n, h, s->phi);
  if (st != RU_OK) {
    return st;
  }
  s->n = sys->n;
  s->h = h;
  return RU_OK;
}

void rui_lin_stepper_step(const rui_lin_stepper *s, double *x) {
  const size_t n = s->n;
  const double *p = s->phi;
  /* The common PK sizes unrolled: this is the inner loop of population runs, where a generic
   * loop plus a copy costs several times the arithmetic. */
  if (n == 1) {
    x[0] *= p[0];
    return;
  }
  if (n == 2) {
    const double x0 = x[0], x1 = x[1];
    x[0] = p[0] * x0 + p[1] * x1;
    x[1] = p[2] * x0 + p[3] * x1;
    return;
  }
  if (n == 3) {
    const double x0 = x[0], x1 = x[1], x2 = x[2];
    x[0] = p[0] * x0 + p[1] * x1 + p[2] * x2;
    x[1] = p[3] * x0 + p[4] * x1 + p[5] * x2;
    x[2] = p[6] * x0 + p[7] * x1 + p[8] * x2;
    return;
  }
  double y[RUI_LIN_MAX];
  for (size_t i = 0; i < n; i++) {
    double acc = 0.0;
    const double *row = &p[i * n];
    for (size_t j = 0; j < n; j++) {
      acc += row[j] * x[j];
    }
    y[i] = acc;
  }
  for (size_t i = 0; i < n; i++) {
    x[i] = y[i];
  }
}

void rui_lin_stepper_run(const rui_lin_stepper *s, double *x, size_t nsteps, double *x_out) {
  const size_t n = s->n;
  if (n == 2) {
    /* kept in registers across the whole run: the population inner loop */
    const double p0 = s->phi[0], p1 = s->phi[1], p2 = s->phi[2], p3 = s->phi[3];
    double x0 = x[0], x1 = x[1];
    for (size_t k = 0; k < nsteps; k++) {
      x_out[2 * k] = x0;
      x_out[2 * k + 1] = x1;
      const double y0 = p0 * x0 + p1 * x1;
      x1 = p2 * x0 + p3 * x1;
      x0 = y0;
    }
    x[0] = x0;
    x[1] = x1;
    return;
  }
  for (size_t k = 0; k < nsteps; k++) {
    for (size_t i = 0; i < n; i++) {
      x_out[k * n + i] = x[i];
    }
    rui_lin_stepper_step(s, x);
  }
}
