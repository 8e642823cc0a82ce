/* The one event normaliser (src/pk/events.c): every kind of dose record x every engine.
 *
 * For each scenario the canonical timeline is walked by the closed-form engine (linear.c, exact
 * steady-state placements) and by the CVODE engine (ode.c, steady states by repeated dosing), on
 * the same rate matrix; the two must agree to 1e-8 of each compartment's peak (CVODE at rtol
 * 1e-10: its global error after a restart per dose is a small multiple of rtol). A second oracle
 * checks the semantics themselves: a steady-state record (with or without lag, bolus or
 * infusion) equals the same dose given explicitly for many intervals before it, and a reset
 * cancels what earlier records still had pending (NONMEM Users Guide VI, V.F; nmhelp "SS dose
 * event record": "steady-state is computed as if there were no ALAG, and then there is an
 * advance to the appropriate point in the steady-state cycle (II-ALAG)"). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pk/events.h"
#include "pk/linear.h"
#include "pk/ode.h"

#define NT 241
#define N_MAX 4
#define ND_MAX 8

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

static void flow(rui_lin_system *s, size_t i, size_t j, double k) {
  s->a[i * s->n + i] -= k;
  if (j != SIZE_MAX) {
    s->a[j * s->n + i] += k;
  }
}

/* depot -> central (1-cmt oral): ka, k */
static rui_lin_system oral_1cmt(double ka, double k) {
  rui_lin_system s;
  memset(&s, 0, sizeof s);
  s.n = 2;
  flow(&s, 0, 1, ka);
  flow(&s, 1, SIZE_MAX, k);
  return s;
}

/* depot -> central <-> peripheral (2-cmt oral) */
static rui_lin_system oral_2cmt(void) {
  rui_lin_system s;
  memset(&s, 0, sizeof s);
  s.n = 3;
  flow(&s, 0, 1, 1.1);
  flow(&s, 1, SIZE_MAX, 0.12);
  flow(&s, 1, 2, 0.3);
  flow(&s, 2, 1, 0.07);
  return s;
}

static rui_dose dose(double t, size_t cmt, double amount) {
  rui_dose d;
  memset(&d, 0, sizeof d);
  d.time_h = t;
  d.cmt = cmt;
  d.amount = amount;
  return d;
}

typedef struct scenario {
  const char *name;
  rui_lin_system sys;
  rui_dose d[ND_MAX];
  size_t nd;
  double t_end;   /* outputs on [0, t_end] */
} scenario;

typedef struct out_buf {
  double *y;
  size_t n;
} out_buf;

static int emit(void *user, size_t j, double t_h, const double *y) {
  const out_buf *o = user;
  (void)t_h;
  memcpy(&o->y[j * o->n], y, o->n * sizeof *y);
  return 0;
}

static void times_for(const scenario *sc, double *t) {
  for (size_t j = 0; j < NT; j++) {
    t[j] = sc->t_end * (double)j / (double)(NT - 1);
  }
}

static ru_status run_cvode(const scenario *sc, const double *t, double *y, ru_error *err) {
  rui_timeline tl;
  ru_status st = rui_timeline_build(sc->d, sc->nd, sc->sys.n, t[NT - 1], &tl, err);
  if (st != RU_OK) {
    return st;
  }
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.rtol = 1e-10;
  o.atol = 1e-14;
  o.jac = linear_jac;
  rui_ode_work *w = NULL;
  st = rui_ode_work_new(sc->sys.n, &o, &w, err);
  if (st == RU_OK) {
    static const double zero[N_MAX] = {0};
    rui_lin_system copy = sc->sys;
    out_buf ob = {y, sc->sys.n};
    rui_ss_numeric_options so;
    rui_ss_numeric_options_default(&so);
    so.rtol = 1e-11;
    st = rui_ode_walk(w, linear_rhs, &copy, zero, &tl, &so, t, NT, emit, &ob, err);
  }
  rui_ode_work_free(w);
  rui_timeline_free(&tl);
  return st;
}

/* closed form vs CVODE, 1e-8 of each compartment's peak */
static void engines_agree(const scenario *sc) {
  double t[NT], xl[NT * N_MAX], xo[NT * N_MAX];
  ru_error err;
  ru_error_clear(&err);
  times_for(sc, t);
  if (rui_lin_simulate(&sc->sys, NULL, sc->d, sc->nd, t, NT, xl, &err) != RU_OK) {
    fail_msg("%s: closed form failed: %s", sc->name, err.message);
  }
  if (run_cvode(sc, t, xo, &err) != RU_OK) {
    fail_msg("%s: CVODE failed: %s", sc->name, err.message);
  }
  const size_t n = sc->sys.n;
  for (size_t c = 0; c < n; c++) {
    double peak = 0.0;
    for (size_t j = 0; j < NT; j++) {
      peak = fmax(peak, fabs(xl[j * n + c]));
    }
    for (size_t j = 0; j < NT; j++) {
      const double d = fabs(xo[j * n + c] - xl[j * n + c]);
      if (!(d <= 1e-8 * peak + 1e-300)) {
        fail_msg("%s: compartment %zu at t = %g: closed form %.15g, CVODE %.15g (peak %g)",
                 sc->name, c, t[j], xl[j * n + c], xo[j * n + c], peak);
      }
    }
  }
}

/* --- the matrix: one scenario per kind of record, each on both engines ---------------------- */

static scenario base(const char *name, double t_end) {
  scenario sc;
  memset(&sc, 0, sizeof sc);
  sc.name = name;
  sc.sys = oral_1cmt(0.9, 0.08);
  sc.t_end = t_end;
  return sc;
}

static void bolus_single_and_addl(void **state) {
  (void)state;
  scenario sc = base("bolus + ADDL", 120.0);
  sc.d[0] = dose(0.0, 0, 50.0);
  sc.d[1] = dose(30.0, 0, 20.0);
  sc.d[1].ii_h = 12.0;
  sc.d[1].addl = 4;
  sc.nd = 2;
  engines_agree(&sc);
}

static void addl_forever(void **state) {
  (void)state;
  scenario sc = base("ADDL -1", 150.0);
  sc.d[0] = dose(3.0, 0, 10.0);
  sc.d[0].ii_h = 8.0;
  sc.d[0].addl = -1;
  sc.nd = 1;
  engines_agree(&sc);
}

static void lagged_doses(void **state) {
  (void)state;
  scenario sc = base("lag", 100.0);
  sc.d[0] = dose(0.0, 0, 30.0);
  sc.d[0].lag_h = 1.75;
  sc.d[0].ii_h = 24.0;
  sc.d[0].addl = 3;
  sc.nd = 1;
  engines_agree(&sc);
}

static void infusions_single_and_overlapping(void **state) {
  (void)state;
  scenario sc = base("infusions", 120.0);
  sc.d[0] = dose(0.0, 1, 100.0);
  sc.d[0].rate = 25.0; /* 4 h */
  sc.d[1] = dose(20.0, 1, 60.0);
  sc.d[1].rate = 2.0; /* 30 h, every 12 h: overlaps */
  sc.d[1].ii_h = 12.0;
  sc.d[1].addl = 3;
  sc.d[1].lag_h = 0.5;
  sc.nd = 2;
  engines_agree(&sc);
}

static void ss1_bolus_then_addl(void **state) {
  (void)state;
  scenario sc = base("SS=1 bolus", 100.0);
  sc.d[0] = dose(10.0, 0, 40.0);
  sc.d[0].ss = 1;
  sc.d[0].ii_h = 24.0;
  sc.d[0].addl = 2;
  sc.nd = 1;
  engines_agree(&sc);
}

static void ss1_bolus_with_lag_shorter_and_longer_than_ii(void **state) {
  (void)state;
  scenario sc = base("SS=1 bolus lag < II", 80.0);
  sc.d[0] = dose(5.0, 0, 40.0);
  sc.d[0].ss = 1;
  sc.d[0].ii_h = 12.0;
  sc.d[0].lag_h = 2.5;
  sc.nd = 1;
  engines_agree(&sc);
  sc.name = "SS=1 bolus lag > II";
  sc.d[0].lag_h = 30.0;
  sc.d[0].addl = 1;
  engines_agree(&sc);
  sc.name = "SS=1 bolus lag = II";
  sc.d[0].lag_h = 12.0;
  engines_agree(&sc);
}

static void ss1_infusions(void **state) {
  (void)state;
  scenario sc = base("SS=1 infusion", 80.0);
  sc.d[0] = dose(4.0, 1, 60.0);
  sc.d[0].rate = 30.0; /* 2 h of every 12 */
  sc.d[0].ss = 1;
  sc.d[0].ii_h = 12.0;
  sc.d[0].addl = 3;
  sc.nd = 1;
  engines_agree(&sc);
  sc.name = "SS=1 overlapping infusion";
  sc.d[0].rate = 2.0; /* 30 h of every 12 */
  engines_agree(&sc);
  sc.name = "SS=1 infusion with lag";
  sc.d[0].lag_h = 5.0;
  engines_agree(&sc);
}

static void ss_constant_infusion_runs_or_stops(void **state) {
  (void)state;
  scenario sc = base("SS constant infusion, continuing", 60.0);
  sc.d[0] = dose(6.0, 1, 0.0);
  sc.d[0].rate = 3.0;
  sc.d[0].ss = 1;
  sc.d[0].ss_infusion_runs = 1;
  sc.nd = 1;
  engines_agree(&sc);
  sc.name = "SS constant infusion, ending at the record";
  sc.d[0].ss_infusion_runs = 0;
  engines_agree(&sc);
}

static void resets_evid3_evid4(void **state) {
  (void)state;
  scenario sc = base("EVID 3 / 4", 120.0);
  sc.d[0] = dose(0.0, 0, 30.0);
  sc.d[0].ii_h = 12.0;
  sc.d[0].addl = 9;
  sc.d[1] = dose(40.0, 0, 0.0); /* EVID 3: cancels the rest of record 0 */
  sc.d[1].reset_before = 1;
  sc.d[2] = dose(70.0, 1, 10.0); /* EVID 4 */
  sc.d[2].reset_before = 1;
  sc.nd = 3;
  engines_agree(&sc);
}

static void two_steady_state_records_and_two_compartments(void **state) {
  (void)state;
  scenario sc = base("two SS records, 2-cmt", 150.0);
  sc.sys = oral_2cmt();
  sc.d[0] = dose(0.0, 0, 20.0);
  sc.d[0].ss = 1;
  sc.d[0].ii_h = 12.0;
  sc.d[0].addl = 3;
  sc.d[1] = dose(60.0, 1, 5.0);
  sc.d[1].ss = 1;
  sc.d[1].ii_h = 8.0;
  sc.d[1].addl = 5;
  sc.d[1].lag_h = 1.0;
  sc.nd = 2;
  engines_agree(&sc);
}

/* --- semantics ------------------------------------------------------------------------------ */

/* An SS=1 record equals the same dose given explicitly N intervals before it (N large enough
 * that the first has washed out to < 1e-12), with the lag applied to every implied dose. */
static void steady_state_record_equals_explicit_past_doses(void **state) {
  (void)state;
  const rui_lin_system s = oral_1cmt(0.7, 0.2);
  const double ii = 12.0, t0 = 2000.0;
  const double lags[] = {0.0, 3.0, 12.0, 17.5};
  const double rates[] = {0.0, 20.0, 2.5}; /* bolus, 2 h infusion, 16 h infusion (overlap) */
  for (size_t a = 0; a < sizeof lags / sizeof lags[0]; a++) {
    for (size_t b = 0; b < sizeof rates / sizeof rates[0]; b++) {
      rui_dose ss = dose(t0, rates[b] > 0.0 ? 1 : 0, 40.0);
      ss.rate = rates[b];
      ss.ss = 1;
      ss.ii_h = ii;
      ss.lag_h = lags[a];
      ss.addl = 2;
      /* explicit: the same record at t0 - N ii with ADDL up to and including t0's three doses */
      const long nback = (long)(t0 / ii) - 1;
      rui_dose ex = ss;
      ex.ss = 0;
      ex.time_h = t0 - (double)nback * ii;
      ex.addl = nback + 2;
      double t[6] = {t0, t0 + 0.5, t0 + 1.0, t0 + 4.0, t0 + 13.0, t0 + 30.0};
      double x1[12], x2[12];
      assert_int_equal(rui_lin_simulate(&s, NULL, &ss, 1, t, 6, x1, NULL), RU_OK);
      assert_int_equal(rui_lin_simulate(&s, NULL, &ex, 1, t, 6, x2, NULL), RU_OK);
      for (size_t i = 0; i < 12; i++) {
        if (!(fabs(x1[i] - x2[i]) <= 1e-10 * fmax(1.0, fabs(x2[i])))) {
          fail_msg("lag %g rate %g: state %zu at t0 + %g: SS %.15g, explicit %.15g", lags[a],
                   rates[b], i % 2, t[i / 2] - t0, x1[i], x2[i]);
        }
      }
    }
  }
}

/* SS=2 is superposition: the placement is added to what earlier doses left. The closed form
 * does it exactly; the CVODE engine (numeric steady state) refuses it as nonlinear-unsafe. */
static void ss2_superposes_on_the_closed_form_and_is_refused_by_cvode(void **state) {
  (void)state;
  scenario sc = base("SS=2", 60.0);
  sc.d[0] = dose(0.0, 0, 40.0);
  sc.d[1] = dose(10.0, 0, 15.0);
  sc.d[1].ss = 2;
  sc.d[1].ii_h = 12.0;
  sc.nd = 2;
  double t[NT], both[NT * 2], first[NT * 2], second[NT * 2];
  times_for(&sc, t);
  assert_int_equal(rui_lin_simulate(&sc.sys, NULL, sc.d, 2, t, NT, both, NULL), RU_OK);
  assert_int_equal(rui_lin_simulate(&sc.sys, NULL, sc.d, 1, t, NT, first, NULL), RU_OK);
  rui_dose alone = sc.d[1];
  alone.ss = 1;
  assert_int_equal(rui_lin_simulate(&sc.sys, NULL, &alone, 1, t, NT, second, NULL), RU_OK);
  for (size_t j = 0; j < NT; j++) {
    for (size_t c = 0; c < 2; c++) {
      const double want = first[j * 2 + c] + (t[j] >= 10.0 ? second[j * 2 + c] : 0.0);
      assert_true(fabs(both[j * 2 + c] - want) <= 1e-12 * fmax(1.0, fabs(want)));
    }
  }
  double xo[NT * 2];
  ru_error err;
  assert_int_equal(run_cvode(&sc, t, xo, &err), RU_EINVAL);
  assert_non_null(strstr(err.message, "SS=2"));
}

/* A reset cancels the pending doses of earlier records, not later ones (NONMEM: "infusions in
 * progress or pending additional doses are cancelled"). */
static void reset_cancels_pending_doses_of_earlier_records(void **state) {
  (void)state;
  rui_dose d[3];
  d[0] = dose(0.0, 0, 10.0);
  d[0].ii_h = 10.0;
  d[0].addl = 9; /* 0, 10, ..., 90 */
  d[1] = dose(35.0, 0, 0.0);
  d[1].reset_before = 1;
  d[2] = dose(50.0, 0, 5.0); /* after the reset: kept */
  rui_timeline tl;
  assert_int_equal(rui_timeline_build(d, 3, 2, 200.0, &tl, NULL), RU_OK);
  size_t nb = 0;
  for (size_t k = 0; k < tl.nev; k++) {
    if (tl.ev[k].kind == RUI_EV_BOLUS) {
      nb++;
      assert_true(tl.ev[k].t_h < 35.0 || (tl.ev[k].t_h == 50.0 && tl.ev[k].value == 5.0));
    }
  }
  assert_int_equal(nb, 5); /* 0, 10, 20, 30, and 50 */
  rui_timeline_free(&tl);
}

/* At equal times: resets, placements, infusion ends, starts, boluses. */
static void equal_times_follow_the_processing_order(void **state) {
  (void)state;
  rui_dose d[3];
  d[0] = dose(10.0, 0, 5.0);
  d[1] = dose(0.0, 1, 20.0);
  d[1].rate = 2.0; /* ends at 10 */
  d[2] = dose(10.0, 1, 10.0);
  d[2].ss = 1;
  d[2].ii_h = 24.0;
  rui_timeline tl;
  assert_int_equal(rui_timeline_build(d, 3, 2, 100.0, &tl, NULL), RU_OK);
  int last = -1;
  for (size_t k = 0; k < tl.nev; k++) {
    if (tl.ev[k].t_h == 10.0) {
      assert_true((int)tl.ev[k].kind >= last);
      last = (int)tl.ev[k].kind;
    }
  }
  rui_timeline_free(&tl);
}

/* Bad records are refused with the record named; absurd dose counts are a documented limit. */
static void bad_records_are_refused(void **state) {
  (void)state;
  rui_timeline tl;
  ru_error err;
  rui_dose d = dose(1.0, 5, 1.0);
  assert_int_equal(rui_timeline_build(&d, 1, 2, 10.0, &tl, &err), RU_EINVAL);
  assert_non_null(strstr(err.message, "record 0"));
  d = dose(1.0, 0, 1.0);
  d.lag_h = -1.0;
  assert_int_equal(rui_timeline_build(&d, 1, 2, 10.0, &tl, &err), RU_EINVAL);
  d = dose(1.0, 0, 1.0);
  d.ss = 1;
  assert_int_equal(rui_timeline_build(&d, 1, 2, 10.0, &tl, &err), RU_EINVAL);
  d = dose(0.0, 0, 1.0);
  d.ii_h = 1e-7;
  d.addl = -1;
  assert_int_equal(rui_timeline_build(&d, 1, 2, 1e3, &tl, &err), RU_ELIMIT);
  assert_null(tl.ev);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(bolus_single_and_addl),
      cmocka_unit_test(addl_forever),
      cmocka_unit_test(lagged_doses),
      cmocka_unit_test(infusions_single_and_overlapping),
      cmocka_unit_test(ss1_bolus_then_addl),
      cmocka_unit_test(ss1_bolus_with_lag_shorter_and_longer_than_ii),
      cmocka_unit_test(ss1_infusions),
      cmocka_unit_test(ss_constant_infusion_runs_or_stops),
      cmocka_unit_test(resets_evid3_evid4),
      cmocka_unit_test(two_steady_state_records_and_two_compartments),
      cmocka_unit_test(steady_state_record_equals_explicit_past_doses),
      cmocka_unit_test(ss2_superposes_on_the_closed_form_and_is_refused_by_cvode),
      cmocka_unit_test(reset_cancels_pending_doses_of_earlier_records),
      cmocka_unit_test(equal_times_follow_the_processing_order),
      cmocka_unit_test(bad_records_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
