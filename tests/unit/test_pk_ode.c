/* The CVODE path (src/pk/ode.c) against the closed forms (src/pk/linear.c) on the same rate
 * matrix, for every model family and dosing pattern, plus the solver's error contract.
 *
 * Two independent methods (BDF with error control vs the Pade matrix exponential) agreeing is
 * the oracle here (STYLE rule 14: closed forms check the ODE solvers). Tolerance: CVODE
 * controls the local error per step, not the global error, which after hundreds of steps and a
 * restart at each dose is a small multiple of rtol (measured: 1-3e-8 of the peak at the
 * default rtol 1e-8). So every family is compared twice: with the solver at rtol 1e-10 the
 * two must agree to 1e-8 of each compartment's peak, and at the default rtol 1e-8 to 1e-7. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pk/linear.h"
#include "pk/ode.h"

#define NT_MAX 400
#define N_MAX 6

static int linear_rhs(double t, const double *y, double *dydt, void *user) {
  const rui_lin_system *s = user;
  (void)t;
  for (size_t i = 0; i < s->n; i++) {
    double acc = 0.0;
    for (size_t j = 0; j < s->n; j++) {
      acc += s->a[i * s->n + j] * y[j];
    }
    dydt[i] = acc;
  }
  return 0;
}

static int linear_jac(double t, const double *y, double *jac, void *user) {
  const rui_lin_system *s = user;
  (void)t;
  (void)y;
  memcpy(jac, s->a, s->n * s->n * sizeof *jac);
  return 0;
}

static rui_lin_system sys_new(size_t n) {
  rui_lin_system s;
  memset(&s, 0, sizeof s);
  s.n = n;
  return s;
}

static void flow(rui_lin_system *s, size_t i, size_t j, double k) {
  s->a[i * s->n + i] -= k;
  if (j != SIZE_MAX) {
    s->a[j * s->n + i] += k;
  }
}

static rui_lin_input dose(double t, size_t cmt, double amt, double rate, double ii, long addl) {
  rui_lin_input in;
  memset(&in, 0, sizeof in);
  in.time_h = t;
  in.cmt = cmt;
  in.amount = amt;
  in.rate = rate;
  in.ii_h = ii;
  in.addl = addl;
  return in;
}

/* Expands linear-engine inputs (ADDL/II, infusions) into ODE events, the way a caller would. */
static size_t to_events(const rui_lin_input *in, size_t nin, rui_ode_event *ev, size_t cap) {
  size_t k = 0;
  for (size_t i = 0; i < nin; i++) {
    for (long r = 0; r <= in[i].addl && k < cap; r++) {
      rui_ode_event e;
      memset(&e, 0, sizeof e);
      e.time_h = in[i].time_h + (double)r * in[i].ii_h;
      e.index = in[i].cmt;
      e.amount = in[i].amount;
      e.rate = in[i].rate;
      e.duration_h = in[i].rate > 0.0 ? in[i].amount / in[i].rate : 0.0;
      e.reset = in[i].reset_before && r == 0;
      ev[k++] = e;
    }
  }
  return k;
}

/* Runs both engines and checks agreement to tol of each compartment's peak. */
static void compare(const char *name, const rui_lin_system *s, const rui_lin_input *in,
                    size_t nin, const double *times, size_t nt, double rtol, double tol,
                    int use_jac) {
  static const double zero[N_MAX] = {0};
  double xl[NT_MAX * N_MAX], xo[NT_MAX * N_MAX];
  rui_ode_event ev[512];
  ru_error err;
  ru_error_clear(&err);
  assert_true(nt <= NT_MAX && s->n <= N_MAX);
  assert_int_equal(rui_lin_simulate(s, NULL, in, nin, times, nt, xl, &err), RU_OK);
  const size_t nev = to_events(in, nin, ev, 512);
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.rtol = rtol;
  o.atol = 1e-14; /* amounts are O(1..1000) mg: the relative test governs */
  o.jac = use_jac ? linear_jac : NULL;
  rui_lin_system copy = *s;
  const ru_status st =
      rui_ode_solve(s->n, linear_rhs, &copy, zero, 0.0, ev, nev, times, nt, &o, xo, &err);
  if (st != RU_OK) {
    fail_msg("%s: ode failed: %s", name, err.message);
  }
  /* second pass: the defaults (rtol 1e-8), global error within 10 rtol (see the header) */
  double xd[NT_MAX * N_MAX];
  rui_ode_options od;
  rui_ode_options_default(&od);
  od.jac = o.jac;
  if (rui_ode_solve(s->n, linear_rhs, &copy, zero, 0.0, ev, nev, times, nt, &od, xd, &err) !=
      RU_OK) {
    fail_msg("%s: ode (defaults) failed: %s", name, err.message);
  }
  for (size_t c = 0; c < s->n; c++) {
    double peak = 0.0;
    for (size_t j = 0; j < nt; j++) {
      peak = fmax(peak, fabs(xl[j * s->n + c]));
    }
    for (size_t j = 0; j < nt; j++) {
      const double d = fabs(xd[j * s->n + c] - xl[j * s->n + c]);
      if (!(d <= 1e-7 * peak + 1e-300)) {
        fail_msg("%s (default rtol): cmt %zu t=%g: |d|/peak %.3g > 1e-7", name, c, times[j],
                 d / peak);
      }
    }
  }
  for (size_t c = 0; c < s->n; c++) {
    double peak = 0.0;
    for (size_t j = 0; j < nt; j++) {
      peak = fmax(peak, fabs(xl[j * s->n + c]));
    }
    for (size_t j = 0; j < nt; j++) {
      const double d = fabs(xo[j * s->n + c] - xl[j * s->n + c]);
      if (!(d <= tol * peak + 1e-300)) {
        fail_msg("%s: cmt %zu t=%g: ode %.12g closed %.12g (|d|/peak %.3g > %.3g)", name, c,
                 times[j], xo[j * s->n + c], xl[j * s->n + c], d / peak, tol);
      }
    }
  }
}

static size_t grid(double *t, double t_end, double step) {
  size_t n = 0;
  for (double v = 0.0; v <= t_end + 1e-9 && n < NT_MAX; v += step) {
    t[n++] = v;
  }
  return n;
}

static rui_lin_system one_cmt(double k) {
  rui_lin_system s = sys_new(1);
  flow(&s, 0, SIZE_MAX, k);
  return s;
}

static rui_lin_system oral_two_cmt(void) {
  rui_lin_system s = sys_new(3);
  flow(&s, 0, 1, 0.9);
  flow(&s, 1, SIZE_MAX, 0.12);
  flow(&s, 1, 2, 0.35);
  flow(&s, 2, 1, 0.08);
  return s;
}

static void cvode_matches_closed_form_one_cmt_iv_and_infusion(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 48.0, 0.5);
  rui_lin_system s = one_cmt(0.15);
  rui_lin_input bol = dose(0.0, 0, 100.0, 0.0, 0.0, 0);
  compare("1-cmt iv bolus", &s, &bol, 1, t, nt, 1e-10, 1e-8, 0);
  rui_lin_input inf = dose(1.0, 0, 60.0, 20.0, 0.0, 0);
  compare("1-cmt infusion", &s, &inf, 1, t, nt, 1e-10, 1e-8, 0);
}

static void cvode_matches_closed_form_one_cmt_oral(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 72.0, 0.25);
  rui_lin_system s = sys_new(2);
  flow(&s, 0, 1, 1.0);
  flow(&s, 1, SIZE_MAX, 20.0 / 300.0);
  rui_lin_input in = dose(0.0, 0, 20.0, 0.0, 0.0, 0);
  compare("1-cmt oral", &s, &in, 1, t, nt, 1e-10, 1e-8, 0);
}

static void cvode_matches_closed_form_two_cmt_oral_iv_infusion(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 96.0, 0.5);
  rui_lin_system s = oral_two_cmt();
  rui_lin_input in[3] = {dose(0.0, 0, 50.0, 0.0, 0.0, 0), dose(10.0, 1, 25.0, 0.0, 0.0, 0),
                         dose(30.5, 1, 40.0, 8.0, 0.0, 0)};
  compare("2-cmt oral+iv+infusion", &s, in, 3, t, nt, 1e-10, 1e-8, 0);
  compare("2-cmt with analytic jacobian", &s, in, 3, t, nt, 1e-10, 1e-8, 1);
}

static void cvode_matches_closed_form_three_cmt(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 200.0, 1.0);
  rui_lin_system s = sys_new(3);
  flow(&s, 0, SIZE_MAX, 0.3);
  flow(&s, 0, 1, 0.5);
  flow(&s, 1, 0, 0.2);
  flow(&s, 0, 2, 0.1);
  flow(&s, 2, 0, 0.02);
  rui_lin_input in = dose(0.0, 0, 1000.0, 0.0, 0.0, 0);
  compare("3-cmt iv bolus", &s, &in, 1, t, nt, 1e-10, 1e-8, 0);
}

static void cvode_matches_closed_form_metabolite_chain(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 168.0, 1.0);
  rui_lin_system s = sys_new(3);
  flow(&s, 0, 1, 1.1);
  flow(&s, 1, 2, 0.6 * 0.12);
  flow(&s, 1, SIZE_MAX, 0.4 * 0.12);
  flow(&s, 2, SIZE_MAX, 0.035);
  rui_lin_input in = dose(0.0, 0, 80.0, 0.0, 24.0, 6);
  compare("parent-metabolite q24h", &s, &in, 1, t, nt, 1e-10, 1e-8, 0);
}

static void cvode_matches_closed_form_repeated_doses_with_addl(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 300.0, 1.0);
  rui_lin_system s = oral_two_cmt();
  rui_lin_input in[2] = {dose(0.0, 0, 20.0, 0.0, 12.0, 13), dose(170.25, 1, 30.0, 10.0, 24.0, 4)};
  compare("repeated oral + infusions with addl", &s, in, 2, t, nt, 1e-10, 1e-8, 0);
}

/* 28 days of q24h dosing (the benchmark regimen): 27 restarts and ~2000 steps. */
static void cvode_default_tolerances_track_closed_form(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 672.0, 2.0);
  rui_lin_system s = sys_new(2);
  flow(&s, 0, 1, 1.0);
  flow(&s, 1, SIZE_MAX, 20.0 / 300.0);
  rui_lin_input in = dose(0.0, 0, 20.0, 0.0, 24.0, 27);
  compare("28 days q24h", &s, &in, 1, t, nt, 1e-10, 1e-8, 0);
}

/* EVID 4-style reset through the ODE path equals the linear engine's reset_before. */
static void cvode_reset_event_matches_linear_reset(void **state) {
  (void)state;
  double t[NT_MAX];
  const size_t nt = grid(t, 60.0, 0.5);
  rui_lin_system s = oral_two_cmt();
  rui_lin_input in[2] = {dose(0.0, 1, 100.0, 5.0, 0.0, 0), dose(10.0, 0, 30.0, 0.0, 0.0, 0)};
  in[1].reset_before = 1;
  compare("reset", &s, in, 2, t, nt, 1e-10, 1e-8, 0);
}

/* A reused workspace gives bit-identical answers to a fresh solve. */
static void reused_workspace_reproduces_fresh_solve(void **state) {
  (void)state;
  rui_lin_system s = oral_two_cmt();
  double y0[3] = {0.0, 0.0, 0.0};
  rui_ode_event ev[2];
  memset(ev, 0, sizeof ev);
  ev[0].amount = 10.0;
  ev[1].time_h = 12.0;
  ev[1].amount = 10.0;
  double t[] = {0.0, 1.0, 12.0, 30.0};
  double a[12], b[12], c[12];
  ru_error err;
  assert_int_equal(rui_ode_solve(3, linear_rhs, &s, y0, 0.0, ev, 2, t, 4, NULL, a, &err), RU_OK);
  rui_ode_work *w = NULL;
  assert_int_equal(rui_ode_work_new(3, NULL, &w, &err), RU_OK);
  assert_int_equal(rui_ode_solve_with(w, linear_rhs, &s, y0, 0.0, ev, 2, t, 4, b, &err), RU_OK);
  assert_int_equal(rui_ode_solve_with(w, linear_rhs, &s, y0, 0.0, ev, 2, t, 4, c, &err), RU_OK);
  rui_ode_work_free(w);
  assert_memory_equal(a, b, sizeof a);
  assert_memory_equal(a, c, sizeof a);
  /* outputs at an event time include the event; t0 output is y0 plus events at t0 */
  assert_true(a[0] == 10.0);
}

static int failing_rhs(double t, const double *y, double *dydt, void *user) {
  (void)y;
  (void)user;
  dydt[0] = -1.0;
  return t > 2.0 ? -1 : 0;
}

/* Solver failures become RU_ESOLVER naming CVODE's flag; bad input is RU_EINVAL. */
static void solver_errors_name_the_cvode_flag(void **state) {
  (void)state;
  double y0[1] = {10.0}, t[] = {1.0, 5.0}, y[2];
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(rui_ode_solve(1, failing_rhs, NULL, y0, 0.0, NULL, 0, t, 2, NULL, y, &err),
                   RU_ESOLVER);
  assert_non_null(strstr(err.message, "CV_RHSFUNC_FAIL"));
  rui_lin_system s = one_cmt(1.0);
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.max_steps = 2;
  double tl[] = {1000.0};
  assert_int_equal(rui_ode_solve(1, linear_rhs, &s, y0, 0.0, NULL, 0, tl, 1, &o, y, &err),
                   RU_ESOLVER);
  assert_non_null(strstr(err.message, "CV_TOO_MUCH_WORK"));
  o.max_steps = 100000;
  o.rtol = (double)NAN;
  assert_int_equal(rui_ode_solve(1, linear_rhs, &s, y0, 0.0, NULL, 0, t, 2, &o, y, &err),
                   RU_EINVAL);
  assert_int_equal(rui_ode_solve(0, linear_rhs, &s, y0, 0.0, NULL, 0, t, 2, NULL, y, &err),
                   RU_EINVAL);
  double yn[1] = {(double)NAN};
  assert_int_equal(rui_ode_solve(1, linear_rhs, &s, yn, 0.0, NULL, 0, t, 2, NULL, y, &err),
                   RU_EINVAL);
  double tdesc[] = {5.0, 1.0};
  assert_int_equal(rui_ode_solve(1, linear_rhs, &s, y0, 0.0, NULL, 0, tdesc, 2, NULL, y, &err),
                   RU_EINVAL);
  rui_ode_event e;
  memset(&e, 0, sizeof e);
  e.index = 3;
  assert_int_equal(rui_ode_solve(1, linear_rhs, &s, y0, 0.0, &e, 1, t, 2, NULL, y, &err),
                   RU_EINVAL);
  e.index = 0;
  e.rate = 1.0; /* infusion without a duration */
  assert_int_equal(rui_ode_solve(1, linear_rhs, &s, y0, 0.0, &e, 1, t, 2, NULL, y, &err),
                   RU_EINVAL);
}

/* The reset mask zeroes only the listed states. */
static void reset_mask_limits_which_states_are_zeroed(void **state) {
  (void)state;
  rui_lin_system s = sys_new(2); /* two independent decays */
  flow(&s, 0, SIZE_MAX, 0.1);
  flow(&s, 1, SIZE_MAX, 0.1);
  unsigned char mask[2] = {1, 0};
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.reset_mask = mask;
  rui_ode_event e;
  memset(&e, 0, sizeof e);
  e.time_h = 5.0;
  e.reset = 1;
  double y0[2] = {1.0, 1.0}, t[] = {5.0, 10.0}, y[4];
  ru_error err;
  assert_int_equal(rui_ode_solve(2, linear_rhs, &s, y0, 0.0, &e, 1, t, 2, &o, y, &err), RU_OK);
  assert_true(y[0] == 0.0 && y[2] == 0.0);
  /* e^{-0.1 t} to the solver's default tolerance (rtol 1e-8, a few x for the global error) */
  assert_true(fabs(y[1] - exp(-0.5)) < 1e-7 && fabs(y[3] - exp(-1.0)) < 1e-7);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(cvode_matches_closed_form_one_cmt_iv_and_infusion),
      cmocka_unit_test(cvode_matches_closed_form_one_cmt_oral),
      cmocka_unit_test(cvode_matches_closed_form_two_cmt_oral_iv_infusion),
      cmocka_unit_test(cvode_matches_closed_form_three_cmt),
      cmocka_unit_test(cvode_matches_closed_form_metabolite_chain),
      cmocka_unit_test(cvode_matches_closed_form_repeated_doses_with_addl),
      cmocka_unit_test(cvode_default_tolerances_track_closed_form),
      cmocka_unit_test(cvode_reset_event_matches_linear_reset),
      cmocka_unit_test(reused_workspace_reproduces_fresh_solve),
      cmocka_unit_test(solver_errors_name_the_cvode_flag),
      cmocka_unit_test(reset_mask_limits_which_states_are_zeroed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
