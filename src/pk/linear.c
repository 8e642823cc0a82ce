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

/* Eight n x n scratch matrices for expm_core, bound to caller storage: a large store for the
 * augmented systems (XMAX) and a small one (RUI_LIN_MAX, 16 kB, fits on the stack) for the plain
 * exponential, so rui_lin_expm and the stepper never allocate. */
typedef struct expm_ws {
  double *a, *a2, *a4, *a6, *u, *v, *t1, *t2;
} expm_ws;

typedef struct expm_big {
  double buf[8 * XMAX * XMAX];
} expm_big;

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

static ru_status check_input(const rui_lin_system *sys, const rui_lin_input *in, size_t idx,
                             ru_error *err) {
  if (!isfinite(in->time_h) || in->time_h < 0.0) {
    return ru_error_set(err, RU_EINVAL, "input %zu: dose time %g h must be finite and >= 0", idx,
                        in->time_h);
  }
  if (in->cmt >= sys->n) {
    return ru_error_set(err, RU_EINVAL, "input %zu: compartment %zu out of range (n = %zu)", idx,
                        in->cmt, sys->n);
  }
  if (!isfinite(in->amount) || in->amount < 0.0) {
    return ru_error_set(err, RU_EINVAL, "input %zu: amount %g must be finite and >= 0", idx,
                        in->amount);
  }
  if (!isfinite(in->rate) || in->rate < 0.0) {
    return ru_error_set(err, RU_EINVAL, "input %zu: rate %g must be finite and >= 0", idx,
                        in->rate);
  }
  if (!isfinite(in->ii_h) || in->ii_h < 0.0) {
    return ru_error_set(err, RU_EINVAL, "input %zu: interval %g h must be finite and >= 0", idx,
                        in->ii_h);
  }
  if (in->addl < -1) {
    return ru_error_set(err, RU_EINVAL, "input %zu: addl %ld must be >= -1", idx, in->addl);
  }
  if (in->ss < 0 || in->ss > 2) {
    return ru_error_set(err, RU_EINVAL, "input %zu: ss %d must be 0, 1 or 2", idx, in->ss);
  }
  if (in->reset_before != 0 && in->reset_before != 1) {
    return ru_error_set(err, RU_EINVAL, "input %zu: reset_before %d must be 0 or 1", idx,
                        in->reset_before);
  }
  const int const_inf_ss = in->ss != 0 && in->ii_h == 0.0 && in->rate > 0.0 && in->addl == 0;
  if ((in->addl != 0 || in->ss != 0) && !(in->ii_h > 0.0) && !const_inf_ss) {
    return ru_error_set(err, RU_EINVAL,
                        "input %zu: repeated or steady-state dose needs an interval ii > 0", idx);
  }
  return RU_OK;
}

/* ---------------------------------------------------------------------------------------
 * Steady state */

/* Workspace for the steady-state algebra (kept off the stack: ~60 kB). */
typedef struct ss_ws {
  expm_big store;
  expm_ws w; /* bound to store by ss_ws_init */
  double mbuf[XMAX * XMAX];
  double ebuf[XMAX * XMAX];
  double phi[RUI_LIN_MAX * RUI_LIN_MAX];
  double phi2[RUI_LIN_MAX * RUI_LIN_MAX];
  double m[RUI_LIN_MAX * RUI_LIN_MAX];
  double g[RUI_LIN_MAX];
  double y[RUI_LIN_MAX];
} ss_ws;

static void ss_ws_init(ss_ws *s) { ws_bind(&s->w, s->store.buf, XMAX); }

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
  st = check_input(sys, &tmp, 0, err);
  if (st != RU_OK) {
    return st;
  }
  ss_ws *s = rui_malloc(sizeof *s);
  if (s == NULL) {
    return ru_error_set(err, RU_ENOMEM, "steady state: out of memory");
  }
  ss_ws_init(s);
  st = ss_state(sys, in, x_after_dose, s, err);
  rui_free(s);
  return st;
}

/* ---------------------------------------------------------------------------------------
 * Event expansion and piecewise propagation */

/* Event kinds in processing order at equal times: resets first (NONMEM EVID 3/4 and SS=1
 * reset before dosing), then steady-state placements, then infusion ends, starts, boluses. */
enum { EV_RESET = 0, EV_SS = 1, EV_INF_END = 2, EV_INF_START = 3, EV_BOLUS = 4 };

typedef struct lin_event {
  double t;
  int kind;
  size_t cmt;
  double value;  /* bolus amount, infusion rate */
  size_t id;     /* infusion id (start/end pair) or steady-state slot */
  size_t seq;    /* tie-break: keeps equal events in generation order */
} lin_event;

static int event_cmp(const void *pa, const void *pb) {
  const lin_event *a = pa;
  const lin_event *b = pb;
  if (a->t != b->t) {
    return a->t < b->t ? -1 : 1;
  }
  if (a->kind != b->kind) {
    return a->kind < b->kind ? -1 : 1;
  }
  return a->seq < b->seq ? -1 : (a->seq > b->seq ? 1 : 0);
}

/* Upper bound on expanded doses per input: beyond this a run is almost certainly a unit error
 * (minutes given as hours), and the event list would not fit in memory anyway. */
#define MAX_DOSES_PER_INPUT 10000000.0

/* Number of doses of an input that fall at or before tmax (later ones cannot affect output),
 * as a double so an absurd count can be rejected before it is converted. */
static double dose_count_d(const rui_lin_input *in, double tmax) {
  if (in->time_h > tmax) {
    return 0.0;
  }
  if (in->addl == 0 || !(in->ii_h > 0.0)) {
    return 1.0;
  }
  const double span = floor((tmax - in->time_h) / in->ii_h) + 1.0;
  if (in->addl < 0) {
    return span;
  }
  const double want = (double)in->addl + 1.0;
  return want < span ? want : span;
}

static size_t dose_count(const rui_lin_input *in, double tmax) {
  return (size_t)dose_count_d(in, tmax);
}

typedef struct cache_slot {
  double h;
  int used;
  double phi[RUI_LIN_MAX * RUI_LIN_MAX];
  double g[RUI_LIN_MAX * RUI_LIN_MAX];
} cache_slot;

typedef struct sim_ws {
  ss_ws ss;
  cache_slot slot[CACHE_SLOTS];
  size_t next_slot;
  size_t last_hit; /* slot of the previous propagation: tried first */
  long running;    /* infusions running in total (0: skip the Gamma term) */
  double tol_h; /* two gaps closer than this share a cache slot (see propagate) */
  size_t cols[RUI_LIN_MAX];
  size_t ncols;
  size_t col_of[RUI_LIN_MAX]; /* compartment -> column in Gamma, or RUI_LIN_MAX */
  double rate[RUI_LIN_MAX];   /* active zero-order input per Gamma column (mg/h) */
  long nactive[RUI_LIN_MAX];  /* infusions running into each column */
  double tmp[RUI_LIN_MAX];
} sim_ws;

/* x <- e^{A h} x + Gamma(h) r over a gap with no events. */
static ru_status propagate(const rui_lin_system *sys, sim_ws *w, double h, double *x,
                           ru_error *err) {
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
        phi_gamma(sys, w->cols, w->ncols, h, hit->phi, hit->g, &w->ss.w, w->ss.mbuf, w->ss.ebuf);
    if (st != RU_OK) {
      hit->used = 0;
      return ru_error_set(err, st, "matrix exponential failed for a step of %g h", h);
    }
    hit->h = h;
    hit->used = 1;
  }
  const int any_rate = w->running > 0;
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
        acc += grow[j] * w->rate[j];
      }
    }
    w->tmp[i] = acc;
  }
  for (size_t i = 0; i < n; i++) {
    x[i] = w->tmp[i];
  }
  return RU_OK;
}

/* The engine behind rui_lin_simulate and the steady-state profile. */
static ru_status simulate_core(const rui_lin_system *sys, const double *x0,
                               const rui_lin_input *in, size_t nin, const double *times,
                               size_t nt, double *x_out, ru_error *err) {
  const size_t n = sys->n;
  ru_status st = RU_OK;
  lin_event *ev = NULL;
  double *xss = NULL;
  unsigned char *active = NULL;
  sim_ws *w = NULL;
  if (nt == 0) {
    return RU_OK;
  }
  const double tmax = times[nt - 1];

  /* Count events. */
  size_t nev = 0;
  size_t ninf = 0;
  size_t nss = 0;
  for (size_t i = 0; i < nin; i++) {
    const size_t nd = dose_count(&in[i], tmax);
    if (nd == 0) {
      continue;
    }
    const int inf = in[i].rate > 0.0;
    nev += nd * (inf ? 2u : 1u);
    ninf += inf ? nd : 0u;
    if (in[i].reset_before || in[i].ss == 1) {
      nev += 1;
    }
    if (in[i].ss != 0) {
      nss += 1;
      nev += 1;
      if (inf && in[i].ii_h > 0.0 && in[i].amount > 0.0) {
        /* infusions from earlier steady-state cycles still running at the SS time */
        const double mq = ceil(in[i].amount / in[i].rate / in[i].ii_h);
        const size_t extra = mq > 1.0 ? (size_t)mq - 1u : 0u;
        nev += 2u * extra;
        ninf += extra;
      }
    }
  }

  /* malloc, not calloc: the workspace is ~120 kB and only its small bookkeeping fields need
   * zeroing (below); zeroing it all costs more than a short simulation. */
  w = rui_malloc(sizeof *w);
  ev = rui_malloc((nev > 0 ? nev : 1) * sizeof *ev);
  xss = rui_malloc((nss > 0 ? nss : 1) * n * sizeof *xss);
  active = rui_calloc(ninf > 0 ? ninf : 1, 1);
  if (w == NULL || ev == NULL || xss == NULL || active == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "simulate: out of memory for %zu events", nev);
    goto done;
  }
  ss_ws_init(&w->ss);
  for (size_t c = 0; c < CACHE_SLOTS; c++) {
    w->slot[c].used = 0;
  }
  w->next_slot = 0;
  w->last_hit = 0;
  w->running = 0;
  w->ncols = 0;
  for (size_t c = 0; c < RUI_LIN_MAX; c++) {
    w->col_of[c] = RUI_LIN_MAX;
    w->rate[c] = 0.0;
    w->nactive[c] = 0;
  }
  double tscale = fabs(tmax);

  /* Expand. */
  size_t ne = 0;
  size_t inf_id = 0;
  size_t ss_slot = 0;
  for (size_t i = 0; i < nin; i++) {
    const rui_lin_input *d = &in[i];
    const size_t nd = dose_count(d, tmax);
    if (nd == 0) {
      continue;
    }
    const int inf = d->rate > 0.0;
    if (inf && w->col_of[d->cmt] == RUI_LIN_MAX) {
      w->col_of[d->cmt] = w->ncols;
      w->cols[w->ncols++] = d->cmt;
    }
    if (d->reset_before || d->ss == 1) {
      ev[ne] = (lin_event){d->time_h, EV_RESET, d->cmt, 0.0, 0, ne};
      ne++;
    }
    size_t first = 0;
    if (d->ss != 0) {
      st = ss_state(sys, d, &xss[ss_slot * n], &w->ss, err);
      if (st != RU_OK) {
        goto done;
      }
      ev[ne] = (lin_event){d->time_h, EV_SS, d->cmt, 0.0, ss_slot, ne};
      ne++;
      ss_slot++;
      if (!inf) {
        first = 1; /* the SS state of a bolus already includes the dose at time_h */
      } else if (d->ii_h > 0.0 && d->amount > 0.0) {
        const double dur = d->amount / d->rate;
        const double mq = ceil(dur / d->ii_h);
        for (double k = 1.0; k < mq; k += 1.0) {
          ev[ne] = (lin_event){d->time_h, EV_INF_START, d->cmt, d->rate, inf_id, ne};
          ne++;
          ev[ne] = (lin_event){d->time_h + dur - k * d->ii_h, EV_INF_END, d->cmt, d->rate, inf_id,
                               ne};
          ne++;
          inf_id++;
        }
      }
    }
    /* a zero amount is no dose, except the constant infusion at steady state (SS, II = 0),
     * which runs until the end */
    const int const_inf = inf && d->ss != 0 && d->ii_h == 0.0;
    if (d->amount == 0.0 && !const_inf) {
      first = nd;
    }
    for (size_t k = first; k < nd; k++) {
      const double t = d->time_h + (double)k * d->ii_h;
      if (!inf) {
        ev[ne] = (lin_event){t, EV_BOLUS, d->cmt, d->amount, 0, ne};
        ne++;
        continue;
      }
      ev[ne] = (lin_event){t, EV_INF_START, d->cmt, d->rate, inf_id, ne};
      ne++;
      if (d->amount > 0.0) {
        ev[ne] = (lin_event){t + d->amount / d->rate, EV_INF_END, d->cmt, d->rate, inf_id, ne};
        ne++;
      } /* else: constant infusion at steady state, runs to the end */
      inf_id++;
    }
    if (fabs(d->time_h) > tscale) {
      tscale = fabs(d->time_h);
    }
  }
  qsort(ev, ne, sizeof *ev, event_cmp);
  /* see propagate(): 4 ulps of the largest time in the run */
  w->tol_h = 4.0 * DBL_EPSILON * (tscale > 1.0 ? tscale : 1.0);

  double x[RUI_LIN_MAX];
  if (x0 != NULL) {
    memcpy(x, x0, n * sizeof *x);
  } else {
    memset(x, 0, sizeof x);
  }
  double t = 0.0;
  size_t ei = 0;
  for (size_t j = 0; j < nt; j++) {
    while (ei < ne && ev[ei].t <= times[j]) {
      const lin_event *e = &ev[ei];
      st = propagate(sys, w, e->t - t, x, err);
      if (st != RU_OK) {
        goto done;
      }
      t = e->t;
      const size_t col = w->col_of[e->cmt];
      switch (e->kind) {
      case EV_RESET:
        memset(x, 0, n * sizeof *x);
        memset(active, 0, ninf > 0 ? ninf : 1);
        for (size_t k = 0; k < w->ncols; k++) {
          w->rate[k] = 0.0;
          w->nactive[k] = 0;
        }
        w->running = 0;
        break;
      case EV_SS:
        for (size_t k = 0; k < n; k++) {
          x[k] += xss[e->id * n + k];
        }
        break;
      case EV_INF_START:
        active[e->id] = 1;
        w->rate[col] += e->value;
        w->nactive[col]++;
        w->running++;
        break;
      case EV_INF_END:
        if (active[e->id]) { /* a reset may have cancelled it */
          active[e->id] = 0;
          w->nactive[col]--;
          w->running--;
          /* exact zero when nothing runs, so no rounding residue of +R -R lingers */
          w->rate[col] = w->nactive[col] == 0 ? 0.0 : w->rate[col] - e->value;
        }
        break;
      default: /* EV_BOLUS */
        x[e->cmt] += e->value;
        break;
      }
      ei++;
    }
    st = propagate(sys, w, times[j] - t, x, err);
    if (st != RU_OK) {
      goto done;
    }
    t = times[j];
    double *row = &x_out[j * n];
    if (n == 2) { /* spelled out: a copy loop becomes a libc memcpy call, 1/3 of the time */
      row[0] = x[0];
      row[1] = x[1];
    } else {
      memcpy(row, x, n * sizeof *x);
    }
  }

done:
  rui_free(active);
  rui_free(xss);
  rui_free(ev);
  rui_free(w);
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
    st = check_input(sys, &in[i], i, err);
    if (st != RU_OK) {
      return st;
    }
  }
  st = check_times(times_h, nt, err);
  if (st != RU_OK) {
    return st;
  }
  for (size_t i = 0; nt > 0 && i < nin; i++) {
    if (dose_count_d(&in[i], times_h[nt - 1]) > MAX_DOSES_PER_INPUT) {
      return ru_error_set(err, RU_ERANGE, "input %zu: more than %.0f doses before the last output",
                          i, MAX_DOSES_PER_INPUT);
    }
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
    st = check_input(sys, &tmp, i, err);
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
    one.time_h = 0.0;
    one.ss = 2;
    one.reset_before = 0;
    one.addl = 0; /* phases stay inside one interval: no further dose is reached */
    const double tau = one.ii_h;
    for (size_t j = 0; j < nt; j++) {
      double p = 0.0;
      if (tau > 0.0) {
        p = fmod(t_h[j] - in[i].time_h, tau);
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
  ss_ws *s = rui_malloc(sizeof *s);
  double *g = rui_malloc(n * n * sizeof *g);
  if (s == NULL || g == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "integral: out of memory");
    goto done;
  }
  ss_ws_init(s);
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
