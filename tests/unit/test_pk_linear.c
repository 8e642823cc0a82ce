/* Closed-form linear compartment engine (src/pk/linear.c) against hand-derived formulas.
 *
 * Every oracle below is an independent textbook formula, not another run of the engine:
 * Gibaldi & Perrier, Pharmacokinetics, 2nd ed. (1982) ch. 1-3 (one- and two-compartment
 * models, infusion, accumulation), Bateman (1910) for chains of first-order reactions, and the
 * Laplace-transform residue solution of the three-compartment mammillary model. The default
 * relative tolerance 1e-12 is ~5000 ulps: the Pade [13/13] exponential is accurate to a few
 * ulps times the condition of the problem (Higham 2005), and the formulas themselves round. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pk/linear.h"

/* Relative closeness with an absolute floor for values that are ~0 (a floor of tol * scale
 * where scale is the magnitude of the quantity being compared elsewhere in the test). */
static void assert_rel(double got, double want, double tol, double scale, const char *what) {
  const double den = fmax(fabs(want), scale);
  const double rel = fabs(got - want) / (den > 0.0 ? den : 1.0);
  if (!(rel <= tol)) {
    fail_msg("%s: got %.17g want %.17g (rel %.3g > %.3g)", what, got, want, rel, tol);
  }
}

static rui_lin_system sys_new(size_t n) {
  rui_lin_system s;
  memset(&s, 0, sizeof s);
  s.n = n;
  return s;
}

#define A(s, i, j) ((s).a[(i) * (s).n + (j)])

/* Adds a first-order transfer from compartment i to j (j = SIZE_MAX: elimination). */
static void flow(rui_lin_system *s, size_t i, size_t j, double k) {
  s->a[i * s->n + i] -= k;
  if (j != SIZE_MAX) {
    s->a[j * s->n + i] += k;
  }
}

static rui_lin_input bolus(double t, size_t cmt, double amt) {
  rui_lin_input in;
  memset(&in, 0, sizeof in);
  in.time_h = t;
  in.cmt = cmt;
  in.amount = amt;
  return in;
}

/* ------------------------------------------------------------------------------------ */

static void expm_at_zero_time_is_identity(void **state) {
  (void)state;
  double a[9] = {-1, 2, 0, 0.5, -3, 1, 0, 0, -0.1};
  double e[9];
  assert_int_equal(rui_lin_expm(a, 3, 0.0, e), RU_OK);
  for (size_t i = 0; i < 9; i++) {
    assert_true(e[i] == (i % 4 == 0 ? 1.0 : 0.0));
  }
}

static void expm_rejects_bad_size_and_nan(void **state) {
  (void)state;
  enum { TOO_BIG = RUI_LIN_MAX + 1 };
  double a[TOO_BIG * TOO_BIG] = {0};
  double e[TOO_BIG * TOO_BIG];
  assert_int_equal(rui_lin_expm(a, 0, 1.0, e), RU_EINVAL);
  assert_int_equal(rui_lin_expm(a, TOO_BIG, 1.0, e), RU_EINVAL);
  assert_int_equal(rui_lin_expm(a, 2, (double)NAN, e), RU_EINVAL);
  a[1] = (double)NAN;
  assert_int_equal(rui_lin_expm(a, 2, 1.0, e), RU_EINVAL);
  a[1] = (double)HUGE_VAL;
  assert_int_equal(rui_lin_expm(a, 2, 1.0, e), RU_EINVAL);
}

/* Jordan block (coincident eigenvalues, where sums of exponentials break down) and a rotation
 * with a large norm (exercises scaling and squaring): both have exact closed forms. */
static void expm_matches_jordan_block_and_rotation(void **state) {
  (void)state;
  const double lam = -0.7;
  const double t = 3.0;
  double j[4] = {lam, 1.0, 0.0, lam};
  double e[4];
  assert_int_equal(rui_lin_expm(j, 2, t, e), RU_OK);
  /* exp([[l,1],[0,l]] t) = e^{lt} [[1, t], [0, 1]] */
  assert_rel(e[0], exp(lam * t), 1e-13, 0.0, "jordan 00");
  assert_rel(e[1], t * exp(lam * t), 1e-13, 0.0, "jordan 01");
  assert_true(fabs(e[2]) < 1e-300);
  assert_rel(e[3], exp(lam * t), 1e-13, 0.0, "jordan 11");
  const double th = 50.0;
  double r[4] = {0.0, 1.0, -1.0, 0.0};
  assert_int_equal(rui_lin_expm(r, 2, th, e), RU_OK);
  /* exp([[0,1],[-1,0]] th) = [[cos, sin], [-sin, cos]]; 50 rad needs ~4 squarings, each
   * doubling the rounding error, so 1e-12 absolute on entries of size 1. */
  assert_rel(e[0], cos(th), 1e-12, 1.0, "rot cos");
  assert_rel(e[1], sin(th), 1e-12, 1.0, "rot sin");
}

/* C(t) = D/V e^{-k t} (Gibaldi & Perrier eq. 1.9). */
static void one_cmt_iv_bolus_matches_monoexponential(void **state) {
  (void)state;
  const double cl = 20.0, v = 300.0, k = cl / v, d = 100.0;
  rui_lin_system s = sys_new(1);
  flow(&s, 0, SIZE_MAX, k);
  rui_lin_input in = bolus(0.0, 0, d);
  double times[] = {0.0, 0.25, 1.0, 7.3, 24.0, 100.0, 500.0};
  double x[7];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 7, x, NULL), RU_OK);
  for (size_t i = 0; i < 7; i++) {
    assert_rel(x[i] / v, d / v * exp(-k * times[i]), 1e-12, 0.0, "iv bolus");
  }
}

/* Bateman: C = D ka / (V (ka - k)) (e^{-k t} - e^{-ka t}) (Gibaldi & Perrier eq. 1.61). */
static void one_cmt_oral_matches_bateman(void **state) {
  (void)state;
  const double ka = 1.3, k = 0.08, v = 250.0, d = 50.0;
  rui_lin_system s = sys_new(2);
  flow(&s, 0, 1, ka);
  flow(&s, 1, SIZE_MAX, k);
  rui_lin_input in = bolus(0.0, 0, d);
  double times[] = {0.1, 0.5, 1.0, 2.0, 3.7, 12.0, 48.0, 200.0};
  double x[16];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 8, x, NULL), RU_OK);
  for (size_t i = 0; i < 8; i++) {
    const double t = times[i];
    const double c = d * ka / (v * (ka - k)) * (exp(-k * t) - exp(-ka * t));
    assert_rel(x[2 * i + 1] / v, c, 1e-12, 0.0, "bateman central");
    assert_rel(x[2 * i], d * exp(-ka * t), 1e-12, 0.0, "depot");
  }
}

/* ka = k: the limit D k / V t e^{-k t} (Gibaldi & Perrier eq. 1.67, l'Hopital on Bateman);
 * and continuity as ka -> k. */
static void one_cmt_oral_equal_rates_is_exact_and_continuous(void **state) {
  (void)state;
  const double k = 0.3, v = 100.0, d = 10.0;
  double times[] = {0.5, 1.0, 3.0, 10.0, 30.0};
  double x[10], y[10];
  rui_lin_system s = sys_new(2);
  flow(&s, 0, 1, k);
  flow(&s, 1, SIZE_MAX, k);
  rui_lin_input in = bolus(0.0, 0, d);
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 5, x, NULL), RU_OK);
  const double eps = 1e-6;
  const double ka = k * (1.0 + eps);
  rui_lin_system s2 = sys_new(2);
  flow(&s2, 0, 1, ka);
  flow(&s2, 1, SIZE_MAX, k);
  assert_int_equal(rui_lin_simulate(&s2, NULL, &in, 1, times, 5, y, NULL), RU_OK);
  for (size_t i = 0; i < 5; i++) {
    const double t = times[i];
    assert_rel(x[2 * i + 1] / v, d * k / v * t * exp(-k * t), 1e-12, 0.0, "ka = k limit");
    /* Bateman at ka = k(1 + 1e-6) divides a difference of two nearly equal exponentials by
     * ka - k: it keeps only ~eps_mach / (eps k t) ~ 1e-9 relative accuracy, so 1e-8 here. */
    const double bat = d * ka / (v * (ka - k)) * (exp(-k * t) - exp(-ka * t));
    assert_rel(y[2 * i + 1] / v, bat, 1e-8, 0.0, "near-equal bateman");
    /* Continuity: dC/dka relative is O(t), so a 1e-6 relative change moves C by <~ 1e-6 k t. */
    assert_rel(y[2 * i + 1], x[2 * i + 1], 2e-6 * (1.0 + k * t), 0.0, "continuity");
  }
}

/* Zero-order infusion R over T: during C = R/(kV)(1 - e^{-kt}); after
 * C = R/(kV)(1 - e^{-kT}) e^{-k(t-T)} (Gibaldi & Perrier eqs. 2.4, 2.14). */
static void one_cmt_infusion_matches_during_and_after(void **state) {
  (void)state;
  const double k = 0.2, v = 40.0, r = 30.0, dur = 2.5;
  rui_lin_system s = sys_new(1);
  flow(&s, 0, SIZE_MAX, k);
  rui_lin_input in = bolus(0.0, 0, r * dur);
  in.rate = r;
  double times[] = {0.0, 0.3, 1.0, 2.5, 2.6, 5.0, 24.0};
  double x[7];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 7, x, NULL), RU_OK);
  for (size_t i = 0; i < 7; i++) {
    const double t = times[i];
    const double c = t <= dur ? r / (k * v) * (1.0 - exp(-k * t))
                              : r / (k * v) * (1.0 - exp(-k * dur)) * exp(-k * (t - dur));
    assert_rel(x[i] / v, c, 1e-12, 1e-300, "infusion");
  }
}

/* 2-cmt IV bolus: C = A e^{-alpha t} + B e^{-beta t},
 * alpha, beta = ((k12 + k21 + k10) +- sqrt((k12 + k21 + k10)^2 - 4 k21 k10)) / 2,
 * A = D/V (alpha - k21)/(alpha - beta), B = D/V (k21 - beta)/(alpha - beta)
 * (Gibaldi & Perrier eqs. 2.8-2.12). */
static void two_cmt_iv_bolus_matches_biexponential(void **state) {
  (void)state;
  const double k10 = 0.15, k12 = 0.6, k21 = 0.25, v = 20.0, d = 100.0;
  rui_lin_system s = sys_new(2);
  flow(&s, 0, SIZE_MAX, k10);
  flow(&s, 0, 1, k12);
  flow(&s, 1, 0, k21);
  rui_lin_input in = bolus(0.0, 0, d);
  double times[] = {0.1, 1.0, 2.0, 6.0, 24.0, 72.0};
  double x[12];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 6, x, NULL), RU_OK);
  const double sum = k12 + k21 + k10;
  const double disc = sqrt(sum * sum - 4.0 * k21 * k10);
  const double alpha = (sum + disc) / 2.0, beta = (sum - disc) / 2.0;
  const double ca = d / v * (alpha - k21) / (alpha - beta);
  const double cb = d / v * (k21 - beta) / (alpha - beta);
  for (size_t i = 0; i < 6; i++) {
    const double t = times[i];
    assert_rel(x[2 * i] / v, ca * exp(-alpha * t) + cb * exp(-beta * t), 1e-12, 0.0,
               "biexponential");
  }
}

/* 3-cmt mammillary IV bolus by residues of the Laplace transform
 * X1(s) = D (s + k21)(s + k31) / ((s + l1)(s + l2)(s + l3)), the l_i being the roots of the
 * characteristic cubic (Gibaldi & Perrier Appendix B; cubic roots by the trigonometric method,
 * Numerical Recipes 3rd ed. sec. 5.6). */
static void three_cmt_iv_bolus_matches_residue_solution(void **state) {
  (void)state;
  const double k10 = 0.3, k12 = 0.5, k21 = 0.2, k13 = 0.1, k31 = 0.02, d = 1000.0;
  rui_lin_system s = sys_new(3);
  flow(&s, 0, SIZE_MAX, k10);
  flow(&s, 0, 1, k12);
  flow(&s, 1, 0, k21);
  flow(&s, 0, 2, k13);
  flow(&s, 2, 0, k31);
  /* det(sI + (-A)) with -A having eigenvalues l_i: s^3 + a2 s^2 + a1 s + a0 */
  const double a2 = k10 + k12 + k13 + k21 + k31;
  const double a1 = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31;
  const double a0 = k10 * k21 * k31;
  const double q = (a2 * a2 - 3.0 * a1) / 9.0;
  const double rr = (2.0 * a2 * a2 * a2 - 9.0 * a2 * a1 + 27.0 * a0) / 54.0;
  const double th = acos(rr / sqrt(q * q * q));
  const double pi = acos(-1.0);
  double root[3]; /* roots of the cubic in s: s = -l */
  root[0] = -2.0 * sqrt(q) * cos(th / 3.0) - a2 / 3.0;
  root[1] = -2.0 * sqrt(q) * cos((th + 2.0 * pi) / 3.0) - a2 / 3.0;
  root[2] = -2.0 * sqrt(q) * cos((th - 2.0 * pi) / 3.0) - a2 / 3.0;
  double times[] = {0.05, 0.5, 2.0, 10.0, 50.0, 200.0};
  double x[18];
  rui_lin_input in = bolus(0.0, 0, d);
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 6, x, NULL), RU_OK);
  for (size_t i = 0; i < 6; i++) {
    double want = 0.0;
    for (size_t r = 0; r < 3; r++) {
      const double sr = root[r];
      double den = 1.0;
      for (size_t m = 0; m < 3; m++) {
        if (m != r) {
          den *= sr - root[m];
        }
      }
      want += d * (sr + k21) * (sr + k31) / den * exp(sr * times[i]);
    }
    /* the trigonometric cubic loses a few digits to cancellation: 1e-10 */
    assert_rel(x[3 * i], want, 1e-10, 0.0, "3-cmt central");
  }
}

/* Parent -> metabolite after an oral dose: with a = ka, b = k (parent), c = km (metabolite),
 * fm k the formation rate constant, the metabolite amount is
 * M = D ka fm k [e^{-at}/((b-a)(c-a)) + e^{-bt}/((a-b)(c-b)) + e^{-ct}/((a-c)(b-c))]
 * (Bateman 1910, Proc Camb Phil Soc 15:423; Gibaldi & Perrier ch. 7). */
static void metabolite_chain_matches_three_exponential(void **state) {
  (void)state;
  const double ka = 1.1, k = 0.12, fm = 0.6, km = 0.035, d = 80.0;
  rui_lin_system s = sys_new(3);
  flow(&s, 0, 1, ka);
  flow(&s, 1, 2, fm * k);
  flow(&s, 1, SIZE_MAX, (1.0 - fm) * k);
  flow(&s, 2, SIZE_MAX, km);
  rui_lin_input in = bolus(0.0, 0, d);
  double times[] = {0.2, 1.0, 4.0, 12.0, 48.0, 168.0};
  double x[18];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 6, x, NULL), RU_OK);
  const double a = ka, b = k, c = km;
  for (size_t i = 0; i < 6; i++) {
    const double t = times[i];
    const double m = d * ka * fm * k *
                     (exp(-a * t) / ((b - a) * (c - a)) + exp(-b * t) / ((a - b) * (c - b)) +
                      exp(-c * t) / ((a - c) * (b - c)));
    assert_rel(x[3 * i + 2], m, 1e-12, 0.0, "metabolite");
  }
}

/* Adding a sink that collects everything eliminated makes the total conserved:
 * dosed = sum over compartments at every time (conservation of mass, the columns of A of a
 * closed system sum to zero). 1e-9 relative allows for the long chain of propagations. */
static void mass_balance_with_sink_is_exact(void **state) {
  (void)state;
  rui_lin_system s = sys_new(5); /* depot, central, peripheral, metabolite, sink */
  flow(&s, 0, 1, 0.9);
  flow(&s, 1, 2, 0.4);
  flow(&s, 2, 1, 0.1);
  flow(&s, 1, 3, 0.05);
  flow(&s, 1, 4, 0.2);
  flow(&s, 3, 4, 0.07);
  rui_lin_input in[3];
  in[0] = bolus(0.0, 0, 20.0);
  in[0].ii_h = 24.0;
  in[0].addl = 6;
  in[1] = bolus(3.5, 1, 15.0);
  in[1].rate = 4.0; /* 3.75 h infusion */
  in[1].ii_h = 48.0;
  in[1].addl = 2;
  in[2] = bolus(100.0, 2, 7.0);
  double times[200];
  for (size_t i = 0; i < 200; i++) {
    times[i] = 0.9 * (double)i;
  }
  double x[1000];
  assert_int_equal(rui_lin_simulate(&s, NULL, in, 3, times, 200, x, NULL), RU_OK);
  for (size_t i = 0; i < 200; i++) {
    const double t = times[i];
    double dosed = 0.0;
    for (double td = 0.0; td <= 144.0 + 1e-9; td += 24.0) {
      dosed += td <= t ? 20.0 : 0.0;
    }
    for (double td = 3.5; td <= 3.5 + 96.0 + 1e-9; td += 48.0) {
      dosed += t <= td ? 0.0 : 4.0 * fmin(t - td, 3.75);
    }
    dosed += t >= 100.0 ? 7.0 : 0.0;
    double total = 0.0;
    for (size_t c = 0; c < 5; c++) {
      total += x[5 * i + c];
    }
    assert_rel(total, dosed, 1e-9, 1e-300, "mass balance");
  }
}

static rui_lin_system oral_1cmt(double ka, double k) {
  rui_lin_system s = sys_new(2);
  flow(&s, 0, 1, ka);
  flow(&s, 1, SIZE_MAX, k);
  return s;
}

/* The exact infinite sum equals the state right after the 200th dose (the remainder
 * e^{-k 200 tau} ~ e^{-200} is far below 1e-10). */
static void steady_state_equals_two_hundred_doses(void **state) {
  (void)state;
  const double ka = 0.8, k = 0.09, tau = 12.0, d = 25.0;
  rui_lin_system s = oral_1cmt(ka, k);
  rui_lin_input in = bolus(0.0, 0, d);
  in.ii_h = tau;
  double xss[2];
  assert_int_equal(rui_lin_steady_state(&s, &in, xss, NULL), RU_OK);
  in.addl = 199;
  double t = 199.0 * tau;
  double x[2];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, &t, 1, x, NULL), RU_OK);
  assert_rel(xss[0], x[0], 1e-10, 0.0, "ss depot");
  assert_rel(xss[1], x[1], 1e-10, 0.0, "ss central");
}

/* Oral accumulation at steady state (Gibaldi & Perrier eq. 3.37):
 * C(t) = D ka / (V (ka - k)) [e^{-kt}/(1 - e^{-k tau}) - e^{-ka t}/(1 - e^{-ka tau})]. */
static void steady_state_profile_matches_oral_accumulation_formula(void **state) {
  (void)state;
  const double ka = 1.0, k = 20.0 / 300.0, v = 300.0, tau = 24.0, d = 20.0;
  rui_lin_system s = oral_1cmt(ka, k);
  rui_lin_input in = bolus(0.0, 0, d);
  in.ii_h = tau;
  double t[] = {0.0, 0.5, 1.0, 2.0, 6.0, 12.0, 23.9};
  double x[14];
  assert_int_equal(rui_lin_steady_state_profile(&s, &in, 1, t, 7, x, NULL), RU_OK);
  for (size_t i = 0; i < 7; i++) {
    const double c = d * ka / (v * (ka - k)) *
                     (exp(-k * t[i]) / (1.0 - exp(-k * tau)) - exp(-ka * t[i]) / (1.0 - exp(-ka * tau)));
    assert_rel(x[2 * i + 1] / v, c, 1e-12, 0.0, "ss oral profile");
  }
  double xa[2];
  assert_int_equal(rui_lin_steady_state(&s, &in, xa, NULL), RU_OK);
  assert_rel(xa[0], d / (1.0 - exp(-ka * tau)), 1e-12, 0.0, "ss depot after dose");
  /* profile times are taken modulo tau: t + 3 tau is the same phase */
  double t2[] = {6.0 + 3.0 * tau, -18.0};
  double x2[4];
  assert_int_equal(rui_lin_steady_state_profile(&s, &in, 1, t2, 2, x2, NULL), RU_OK);
  assert_rel(x2[1], x[9], 1e-12, 0.0, "phase wraps forward");
  assert_rel(x2[3], x[9], 1e-12, 0.0, "phase wraps backward");
}

/* Repeated infusion at steady state (Gibaldi & Perrier eq. 3.30): at the start of an
 * infusion (the trough) C = R/(kV) (1 - e^{-kT}) e^{-k(tau - T)} / (1 - e^{-k tau}); and an
 * infusion longer than the interval (overlapping doses) agrees with 200 explicit doses. */
static void steady_state_infusion_matches_formula_and_overlap(void **state) {
  (void)state;
  const double k = 0.1, v = 50.0, r = 10.0, dur = 3.0, tau = 8.0;
  rui_lin_system s = sys_new(1);
  flow(&s, 0, SIZE_MAX, k);
  rui_lin_input in = bolus(0.0, 0, r * dur);
  in.rate = r;
  in.ii_h = tau;
  double x[1];
  assert_int_equal(rui_lin_steady_state(&s, &in, x, NULL), RU_OK);
  const double trough =
      r / (k * v) * (1.0 - exp(-k * dur)) * exp(-k * (tau - dur)) / (1.0 - exp(-k * tau));
  assert_rel(x[0] / v, trough, 1e-12, 0.0, "ss infusion trough");
  /* peak at the end of the infusion */
  double tp = dur, xp[1];
  assert_int_equal(rui_lin_steady_state_profile(&s, &in, 1, &tp, 1, xp, NULL), RU_OK);
  const double peak = r / (k * v) * (1.0 - exp(-k * dur)) / (1.0 - exp(-k * tau));
  assert_rel(xp[0] / v, peak, 1e-12, 0.0, "ss infusion peak");

  /* overlap: 20 h infusion every 8 h; compare phases with the 200th interval */
  rui_lin_system s2 = oral_1cmt(0.5, 0.07);
  rui_lin_input o = bolus(0.0, 1, 60.0);
  o.rate = 3.0;
  o.ii_h = tau;
  double ph[] = {0.0, 1.0, 4.0, 7.5};
  double xs[8];
  assert_int_equal(rui_lin_steady_state_profile(&s2, &o, 1, ph, 4, xs, NULL), RU_OK);
  o.addl = 250;
  double tt[4], xm[8];
  for (size_t i = 0; i < 4; i++) {
    tt[i] = 200.0 * tau + ph[i];
  }
  assert_int_equal(rui_lin_simulate(&s2, NULL, &o, 1, tt, 4, xm, NULL), RU_OK);
  for (size_t i = 0; i < 8; i++) {
    assert_rel(xs[i], xm[i], 1e-10, 1e-300, "overlapping infusion ss");
  }
  /* constant infusion at steady state (SS with II = 0): C = R / (k V) */
  rui_lin_input ci = bolus(0.0, 0, 0.0);
  ci.rate = r;
  ci.ss = 1;
  ci.ss_infusion_runs = 1; /* the infusion continues after the placement */
  double tci[] = {0.0, 5.0, 100.0}, xci[3];
  assert_int_equal(rui_lin_simulate(&s, NULL, &ci, 1, tci, 3, xci, NULL), RU_OK);
  for (size_t i = 0; i < 3; i++) {
    assert_rel(xci[i] / v, r / (k * v), 1e-12, 0.0, "constant infusion ss");
  }
}

/* SS=2 adds the steady state to whatever is there (superposition); SS=1 resets first. */
static void ss2_superposes_and_ss1_resets(void **state) {
  (void)state;
  rui_lin_system s = oral_1cmt(0.7, 0.05);
  const double t0 = 30.0;
  rui_lin_input first = bolus(0.0, 0, 40.0);
  rui_lin_input ssd = bolus(t0, 0, 10.0);
  ssd.ii_h = 12.0;
  ssd.addl = 3;
  double times[] = {29.0, 30.0, 31.5, 45.0, 70.0};
  double both[10], alone_first[10], alone_ss[10];
  rui_lin_input in[2] = {first, ssd};
  in[1].ss = 2;
  assert_int_equal(rui_lin_simulate(&s, NULL, in, 2, times, 5, both, NULL), RU_OK);
  assert_int_equal(rui_lin_simulate(&s, NULL, &first, 1, times, 5, alone_first, NULL), RU_OK);
  in[1].ss = 1;
  assert_int_equal(rui_lin_simulate(&s, NULL, &in[1], 1, times, 5, alone_ss, NULL), RU_OK);
  for (size_t i = 0; i < 10; i++) {
    const double ss_part = times[i / 2] >= t0 ? alone_ss[i] : 0.0;
    assert_rel(both[i], alone_first[i] + ss_part, 1e-12, 1e-300, "ss2 superposition");
  }
  double reset[10];
  assert_int_equal(rui_lin_simulate(&s, NULL, in, 2, times, 5, reset, NULL), RU_OK);
  for (size_t i = 2; i < 10; i++) {
    assert_rel(reset[i], alone_ss[i], 1e-12, 1e-300, "ss1 resets the earlier dose");
  }
  assert_rel(reset[0], alone_first[0], 1e-12, 0.0, "before the ss1 dose");
  /* right after an SS=1 bolus the state is the steady state after a dose */
  double xa[2];
  assert_int_equal(rui_lin_steady_state(&s, &ssd, xa, NULL), RU_OK);
  assert_rel(reset[2], xa[0], 1e-12, 0.0, "ss1 depot at dose");
  assert_rel(reset[3], xa[1], 1e-12, 0.0, "ss1 central at dose");
}

/* NONMEM ADDL/II: addl = 3, ii = 12 is exactly four separate doses; addl = -1 repeats to the
 * last output. */
static void addl_expands_to_explicit_doses(void **state) {
  (void)state;
  rui_lin_system s = oral_1cmt(1.2, 0.1);
  rui_lin_input rep = bolus(2.0, 0, 5.0);
  rep.ii_h = 12.0;
  rep.addl = 3;
  rui_lin_input sep[4];
  for (size_t i = 0; i < 4; i++) {
    sep[i] = bolus(2.0 + 12.0 * (double)i, 0, 5.0);
  }
  double times[60];
  for (size_t i = 0; i < 60; i++) {
    times[i] = (double)i;
  }
  double a[120], b[120], c[120];
  assert_int_equal(rui_lin_simulate(&s, NULL, &rep, 1, times, 60, a, NULL), RU_OK);
  assert_int_equal(rui_lin_simulate(&s, NULL, sep, 4, times, 60, b, NULL), RU_OK);
  for (size_t i = 0; i < 120; i++) {
    assert_rel(a[i], b[i], 1e-13, 1e-300, "addl vs explicit");
  }
  rep.addl = -1;
  rui_lin_input many = rep;
  many.addl = 1000;
  assert_int_equal(rui_lin_simulate(&s, NULL, &rep, 1, times, 60, a, NULL), RU_OK);
  assert_int_equal(rui_lin_simulate(&s, NULL, &many, 1, times, 60, c, NULL), RU_OK);
  for (size_t i = 0; i < 120; i++) {
    assert_rel(a[i], c[i], 1e-13, 1e-300, "addl forever");
  }
  /* a dose at an output time is included in that output (right-continuous) */
  assert_true(a[2 * 14] >= 5.0);       /* depot at t = 14 holds the dose given at 14 */
  assert_true(a[2 * 13] < 5.0 * 0.5); /* and not the hour before */
}

/* reset_before (EVID 4): the state is zeroed at the dose, so afterwards only the new dose
 * counts; an infusion running at the reset stops. */
static void reset_before_zeroes_state_and_stops_infusions(void **state) {
  (void)state;
  rui_lin_system s = oral_1cmt(0.9, 0.2);
  rui_lin_input in[2];
  in[0] = bolus(0.0, 1, 100.0);
  in[0].rate = 5.0; /* 20 h infusion, cut at 10 h */
  in[1] = bolus(10.0, 0, 30.0);
  in[1].reset_before = 1;
  rui_lin_input only = bolus(10.0, 0, 30.0);
  double times[] = {5.0, 10.0, 15.0, 40.0};
  double x[8], y[8];
  assert_int_equal(rui_lin_simulate(&s, NULL, in, 2, times, 4, x, NULL), RU_OK);
  assert_int_equal(rui_lin_simulate(&s, NULL, &only, 1, times, 4, y, NULL), RU_OK);
  assert_true(x[1] > 0.0);
  for (size_t i = 2; i < 8; i++) {
    assert_rel(x[i], y[i], 1e-13, 1e-300, "after reset");
  }
}

/* A lag is a time shift applied by the caller: C_lag(t) = C(t - lag), 0 before. */
static void lagged_dose_is_a_time_shift(void **state) {
  (void)state;
  const double lag = 0.75;
  rui_lin_system s = oral_1cmt(1.5, 0.1);
  rui_lin_input d0 = bolus(0.0, 0, 10.0);
  d0.ii_h = 24.0;
  d0.addl = 2;
  rui_lin_input dl = d0;
  dl.time_h = lag;
  double t[] = {0.5, 1.0, 2.0, 24.5, 25.0, 60.0};
  double ts[6];
  for (size_t i = 0; i < 6; i++) {
    ts[i] = t[i] - lag;
  }
  double x[12], y[12];
  assert_int_equal(rui_lin_simulate(&s, NULL, &dl, 1, t, 6, x, NULL), RU_OK);
  assert_int_equal(rui_lin_simulate(&s, NULL, &d0, 1, &ts[1], 5, &y[2], NULL), RU_OK);
  assert_true(x[0] == 0.0 && x[1] == 0.0);
  for (size_t i = 2; i < 12; i++) {
    assert_rel(x[i], y[i], 1e-12, 1e-300, "lag shift");
  }
}

/* AUC over [0, T] of a 1-cmt bolus: D/(kV)(1 - e^{-kT}); of the Bateman curve:
 * D ka/(V(ka-k)) [(1-e^{-kT})/k - (1-e^{-ka T})/ka] (Gibaldi & Perrier eq. 1.28). */
static void integral_matches_analytic_auc(void **state) {
  (void)state;
  const double ka = 1.4, k = 0.11, d = 12.0, tt = 9.0;
  rui_lin_system s = oral_1cmt(ka, k);
  double x0[2] = {d, 0.0};
  double auc[2];
  assert_int_equal(rui_lin_integral(&s, x0, tt, auc, NULL), RU_OK);
  assert_rel(auc[0], d / ka * (1.0 - exp(-ka * tt)), 1e-12, 0.0, "depot auc");
  assert_rel(auc[1],
             d * ka / (ka - k) * ((1.0 - exp(-k * tt)) / k - (1.0 - exp(-ka * tt)) / ka), 1e-12,
             0.0, "central auc");
  rui_lin_system s1 = sys_new(1);
  flow(&s1, 0, SIZE_MAX, k);
  assert_int_equal(rui_lin_integral(&s1, x0, tt, auc, NULL), RU_OK);
  assert_rel(auc[0], d / k * (1.0 - exp(-k * tt)), 1e-12, 0.0, "bolus auc");
}

/* The fixed-step propagator reproduces the event-driven engine. */
static void stepper_matches_simulate(void **state) {
  (void)state;
  rui_lin_system s = oral_1cmt(1.0, 20.0 / 300.0);
  rui_lin_stepper st;
  assert_int_equal(rui_lin_stepper_init(&st, &s, 1.0), RU_OK);
  rui_lin_input in = bolus(0.0, 0, 20.0);
  in.ii_h = 24.0;
  in.addl = -1;
  double times[100], x[200];
  for (size_t i = 0; i < 100; i++) {
    times[i] = (double)i;
  }
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 100, x, NULL), RU_OK);
  double y[2] = {0.0, 0.0};
  for (size_t i = 0; i < 100; i++) {
    if (i % 24 == 0) {
      y[0] += 20.0;
    }
    assert_rel(y[0], x[2 * i], 1e-13, 1e-300, "stepper depot");
    assert_rel(y[1], x[2 * i + 1], 1e-13, 1e-300, "stepper central");
    rui_lin_stepper_step(&st, y);
  }
  /* the batch form: one call per dosing interval, same numbers (2-state fast path and the
   * general path on a 3-state system) */
  double z[2] = {0.0, 0.0}, buf[2 * 24];
  for (size_t d = 0; d < 4; d++) {
    z[0] += 20.0;
    rui_lin_stepper_run(&st, z, 24, buf);
    for (size_t k = 0; k < 24 && d * 24 + k < 100; k++) {
      assert_rel(buf[2 * k + 1], x[2 * (d * 24 + k) + 1], 1e-13, 1e-300, "stepper run");
    }
  }
  rui_lin_system s3 = sys_new(3);
  flow(&s3, 0, 1, 0.7);
  flow(&s3, 1, 2, 0.2);
  flow(&s3, 2, SIZE_MAX, 0.05);
  rui_lin_stepper st3;
  assert_int_equal(rui_lin_stepper_init(&st3, &s3, 0.5), RU_OK);
  double a3[3] = {1.0, 2.0, 3.0}, b3[3] = {1.0, 2.0, 3.0}, o3[3 * 10];
  rui_lin_stepper_run(&st3, a3, 10, o3);
  for (size_t k = 0; k < 10; k++) {
    for (size_t i = 0; i < 3; i++) {
      assert_rel(o3[3 * k + i], b3[i], 1e-15, 1e-300, "stepper run 3-state");
    }
    rui_lin_stepper_step(&st3, b3);
  }
  assert_int_equal(rui_lin_stepper_init(&st, &s, (double)NAN), RU_EINVAL);
}

/* Irregular output grids (0.1 h steps whose differences differ in the last bits) stay exact. */
static void fine_irregular_outputs_stay_exact(void **state) {
  (void)state;
  const double k = 0.3, d = 7.0;
  rui_lin_system s = sys_new(1);
  flow(&s, 0, SIZE_MAX, k);
  rui_lin_input in = bolus(0.0, 0, d);
  double times[1000], x[1000];
  for (size_t i = 0; i < 1000; i++) {
    times[i] = 0.1 * (double)i + (i % 7 == 3 ? 0.0123 : 0.0);
  }
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, times, 1000, x, NULL), RU_OK);
  for (size_t i = 0; i < 1000; i++) {
    assert_rel(x[i], d * exp(-k * times[i]), 1e-12, 0.0, "irregular grid");
  }
}

/* Invalid inputs are rejected with RU_EINVAL and a message; t = 0 returns x0 unchanged. */
static void invalid_inputs_are_rejected(void **state) {
  (void)state;
  rui_lin_system s = oral_1cmt(1.0, 0.1);
  rui_lin_input in = bolus(0.0, 0, 1.0);
  double t = 1.0, x[2];
  ru_error err;
  ru_error_clear(&err);
  rui_lin_system bad = s;
  bad.n = 0;
  assert_int_equal(rui_lin_simulate(&bad, NULL, &in, 1, &t, 1, x, &err), RU_EINVAL);
  assert_true(err.message[0] != '\0');
  bad.n = RUI_LIN_MAX + 1;
  assert_int_equal(rui_lin_simulate(&bad, NULL, &in, 1, &t, 1, x, &err), RU_EINVAL);
  bad = s;
  bad.a[1] = (double)NAN;
  assert_int_equal(rui_lin_simulate(&bad, NULL, &in, 1, &t, 1, x, &err), RU_EINVAL);
  rui_lin_input b = in;
  b.amount = (double)NAN;
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &t, 1, x, &err), RU_EINVAL);
  b = in;
  b.time_h = (double)NAN;
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &t, 1, x, &err), RU_EINVAL);
  b = in;
  b.cmt = 2;
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &t, 1, x, &err), RU_EINVAL);
  b = in;
  b.addl = 3; /* repeats need ii > 0 */
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &t, 1, x, &err), RU_EINVAL);
  b.addl = -2;
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &t, 1, x, &err), RU_EINVAL);
  b = in;
  b.ss = 1; /* ss bolus without interval */
  assert_int_equal(rui_lin_steady_state(&s, &b, x, &err), RU_EINVAL);
  double desc[2] = {2.0, 1.0}, x2[4];
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, desc, 2, x2, &err), RU_EINVAL);
  double tn = (double)NAN;
  assert_int_equal(rui_lin_simulate(&s, NULL, &in, 1, &tn, 1, x, &err), RU_EINVAL);
  double x0n[2] = {(double)NAN, 0.0};
  assert_int_equal(rui_lin_simulate(&s, x0n, NULL, 0, &t, 1, x, &err), RU_EINVAL);
  assert_int_equal(rui_lin_integral(&s, x0n, 1.0, x, &err), RU_EINVAL);
  /* a system with a sink has no steady state: reported, not NaN */
  rui_lin_system sink = sys_new(2);
  flow(&sink, 0, 1, 0.5);
  b = in;
  b.ii_h = 12.0;
  assert_int_equal(rui_lin_steady_state(&sink, &b, x, &err), RU_ENUMERIC);
  /* absurd dose counts are refused before any allocation */
  b = in;
  b.ii_h = 1e-9;
  b.addl = -1;
  double tl = 1e3;
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &tl, 1, x, &err), RU_ELIMIT);
  /* a zero-amount infusion is no dose (not an endless infusion) */
  b = in;
  b.amount = 0.0;
  b.rate = 5.0;
  assert_int_equal(rui_lin_simulate(&s, NULL, &b, 1, &tl, 1, x, &err), RU_OK);
  assert_true(x[0] == 0.0 && x[1] == 0.0);
  /* t = 0 with no dose: the initial state itself */
  double x0[2] = {3.0, 4.0}, z = 0.0;
  assert_int_equal(rui_lin_simulate(&s, x0, NULL, 0, &z, 1, x, &err), RU_OK);
  assert_true(x[0] == 3.0 && x[1] == 4.0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(expm_at_zero_time_is_identity),
      cmocka_unit_test(expm_rejects_bad_size_and_nan),
      cmocka_unit_test(expm_matches_jordan_block_and_rotation),
      cmocka_unit_test(one_cmt_iv_bolus_matches_monoexponential),
      cmocka_unit_test(one_cmt_oral_matches_bateman),
      cmocka_unit_test(one_cmt_oral_equal_rates_is_exact_and_continuous),
      cmocka_unit_test(one_cmt_infusion_matches_during_and_after),
      cmocka_unit_test(two_cmt_iv_bolus_matches_biexponential),
      cmocka_unit_test(three_cmt_iv_bolus_matches_residue_solution),
      cmocka_unit_test(metabolite_chain_matches_three_exponential),
      cmocka_unit_test(mass_balance_with_sink_is_exact),
      cmocka_unit_test(steady_state_equals_two_hundred_doses),
      cmocka_unit_test(steady_state_profile_matches_oral_accumulation_formula),
      cmocka_unit_test(steady_state_infusion_matches_formula_and_overlap),
      cmocka_unit_test(ss2_superposes_and_ss1_resets),
      cmocka_unit_test(addl_expands_to_explicit_doses),
      cmocka_unit_test(reset_before_zeroes_state_and_stops_infusions),
      cmocka_unit_test(lagged_dose_is_a_time_shift),
      cmocka_unit_test(integral_matches_analytic_auc),
      cmocka_unit_test(stepper_matches_simulate),
      cmocka_unit_test(fine_irregular_outputs_stay_exact),
      cmocka_unit_test(invalid_inputs_are_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
