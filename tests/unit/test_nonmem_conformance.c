/* NONMEM conformance of `--data`: standard dosing scenarios read by the dataset reader, run by
 * the subject model on the closed form and on CVODE, against an independent implementation of
 * NONMEM's documented semantics written here.
 *
 * The model is the one-compartment oral model of issue 18 as a user compound (CL 1.1 L/h, V 20 L,
 * KA 1.5 /h, F 1). The oracle (below, not sharing code with src/pk) expands each record into the
 * inputs NONMEM describes and sums their analytic unit responses (Gibaldi & Perrier,
 * Pharmacokinetics 2nd ed. 1982, eqs 1.1, 2.7, 3.x: bolus, first-order absorption (Bateman), and a
 * zero-order input as the difference of two ramps):
 *   - a dose starts at TIME + ALAG; F multiplies AMT; RATE > 0 keeps the rate (duration F*AMT/RATE);
 *     RATE = -1 takes the rate R (duration F*AMT/R); RATE = -2 the duration D (rate F*AMT/D)
 *     (NONMEM Users Guide VI, V.E; nmhelp "RATE data item");
 *   - ADDL/II: further doses every II;
 *   - SS = 1/2: the record is the last of an infinite series every II, each with the same lag and F
 *     (nmhelp "SS dose event record"); summed here explicitly over 2000 h of implied doses
 *     (k*2000 h > 100, so the truncation is below 1e-40); SS = 1 resets first, SS = 2 adds;
 *   - SS constant infusion (AMT 0, RATE > 0, II 0): the steady state of the infusion, which ends at
 *     the record's time (issue 18, NONMEM's output); here an infusion over the 2000 h before it;
 *   - EVID 3 resets, EVID 4 resets then doses; a reset (and SS = 1) zeroes the state and cancels
 *     what earlier records still had pending (nmhelp "SS data item"): the oracle keeps, at time t,
 *     only the inputs of records after the last reset at or before t.
 * Both engines must agree with the oracle to 1e-6 of each value (plus 1e-9 of the scenario's peak
 * for values near zero). So must the hybrid solver's (src/pk/hybrid*.c) with an effect
 * compartment attached (dCe/dt = ke0 (C - Ce), with its Jacobian: the specialised kernel's shape,
 * hybrid_kernel.c), whose effect values must be bitwise those of the general engine (every
 * scenario but SS=2, which is superposition and refused on a system with effect states). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pk/hybrid_sim.h"
#include "reuptake.h"

#define CL 1.1
#define V 20.0
#define KA 1.5
#define KE (CL / V)
#define HISTORY_H 2000.0
#define NOUT 200
#define MAXREC 8

typedef struct rec {
  double time, amt, rate;
  int evid, cmt; /* cmt 1 depot, 2 central */
  double ii;
  long addl;
  int ss;
  double f, alag, r, d; /* NAN = absent */
} rec;

typedef struct scenario {
  const char *name;
  rec r[MAXREC];
  size_t n;
  double t_end;
} scenario;

static ru_kb *KB;

/* --- the independent oracle ------------------------------------------------------------------ */

/* central amount at tau >= 0 after a unit bolus into depot (1) or central (2) */
static double unit_bolus(int cmt, double tau) {
  if (tau < 0.0) return 0.0;
  if (cmt == 2) return exp(-KE * tau);
  return KA / (KA - KE) * (exp(-KE * tau) - exp(-KA * tau));
}

/* central amount at tau after a unit-rate input that started at 0 and never stops (a ramp) */
static double unit_ramp(int cmt, double tau) {
  if (tau <= 0.0) return 0.0;
  if (cmt == 2) return (1.0 - exp(-KE * tau)) / KE;
  return KA / (KA - KE) * ((1.0 - exp(-KE * tau)) / KE - (1.0 - exp(-KA * tau)) / KA);
}

/* one input: a bolus (dur 0) or a zero-order input of amount over dur hours */
static double input_response(int cmt, double start, double amount, double dur, double t) {
  if (dur <= 0.0) return amount * unit_bolus(cmt, t - start);
  const double rate = amount / dur;
  return rate * (unit_ramp(cmt, t - start) - unit_ramp(cmt, t - start - dur));
}

/* amount and duration of one dose of record q per NONMEM */
static void dose_of(const rec *q, double *amount, double *dur) {
  const double f = isnan(q->f) ? 1.0 : q->f;
  *amount = f * q->amt;
  if (q->rate > 0.0) {
    *dur = *amount / q->rate;
  } else if (q->rate == -1.0) {
    *dur = *amount / q->r;
  } else if (q->rate == -2.0) {
    *dur = q->d;
  } else {
    *dur = 0.0;
  }
}

/* contribution at time t of everything record q puts in (its own dose(s), ADDL, implied SS) */
static double record_response(const rec *q, double t) {
  const double lag = isnan(q->alag) ? 0.0 : q->alag;
  double acc = 0.0;
  if (q->ss > 0 && t < q->time) {
    return 0.0; /* the steady state is placed at the record's time; nothing exists before */
  }
  if (q->ss > 0 && q->ii == 0.0) {
    /* constant infusion at steady state, ending at the record's time */
    const double rate = q->rate > 0.0 ? q->rate : q->r;
    return rate * (unit_ramp(q->cmt, t - (q->time - HISTORY_H)) - unit_ramp(q->cmt, t - q->time));
  }
  double amount, dur;
  dose_of(q, &amount, &dur);
  if (q->ss > 0) {
    for (double k = 1.0; k * q->ii <= HISTORY_H; k += 1.0) {
      acc += input_response(q->cmt, q->time + lag - k * q->ii, amount, dur, t);
    }
  }
  for (long j = 0; j <= q->addl; j++) {
    acc += input_response(q->cmt, q->time + lag + (double)j * q->ii, amount, dur, t);
  }
  return acc;
}

/* the concentration (ng/mL) at t: records after the last reset at or before t */
static double oracle(const scenario *sc, double t) {
  size_t first = 0;
  for (size_t i = 0; i < sc->n; i++) {
    const rec *q = &sc->r[i];
    const int resets = q->evid == 3 || q->evid == 4 || q->ss == 1;
    if (resets && q->time <= t) first = i;
  }
  double amount = 0.0;
  for (size_t i = first; i < sc->n; i++) {
    if (sc->r[i].evid == 1 || sc->r[i].evid == 4) amount += record_response(&sc->r[i], t);
  }
  return amount / V * 1000.0;
}

/* --- the reuptake side ------------------------------------------------------------------------ */

static void fmt_opt(char *buf, size_t cap, double v) {
  if (isnan(v)) {
    snprintf(buf, cap, ".");
  } else {
    snprintf(buf, cap, "%.17g", v);
  }
}

static size_t dataset_of(const scenario *sc, char *out, size_t cap) {
  size_t len = (size_t)snprintf(out, cap, "ID,TIME,AMT,RATE,EVID,CMT,DRUG,II,ADDL,SS,F,ALAG,R,D\n");
  for (size_t i = 0; i < sc->n; i++) {
    const rec *q = &sc->r[i];
    char f[32], a[32], r[32], d[32];
    fmt_opt(f, sizeof f, q->f);
    fmt_opt(a, sizeof a, q->alag);
    fmt_opt(r, sizeof r, q->r);
    fmt_opt(d, sizeof d, q->d);
    len += (size_t)snprintf(out + len, cap - len, "1,%.17g,%.17g,%.17g,%d,%d,nmtest,%.17g,%ld,%d,%s,%s,%s,%s\n",
                            q->time, q->amt, q->rate, q->evid, q->cmt, q->ii, q->addl, q->ss, f, a,
                            r, d);
  }
  return len;
}

static void run_engine(const scenario *sc, int force_ode, const double *t, double *c) {
  char data[4096];
  const size_t len = dataset_of(sc, data, sizeof data);
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  if (ru_regimen_read_dataset_buffer(r, data, len, "scenario.csv", &err) != RU_OK) {
    fail_msg("%s: reading: %s", sc->name, err.message);
  }
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  ru_sim_set_force_ode(s, force_ode);
  if (ru_sim_run(s, t, NOUT, c, &err) != RU_OK) {
    fail_msg("%s (%s): %s", sc->name, force_ode ? "CVODE" : "closed form", err.message);
  }
  assert_int_equal(ru_sim_compound_count(s), 1);
  ru_sim_free(s);
  ru_regimen_free(r);
}

/* The effect compartment (ke0 is a test input, 1/h). */
#define KE0 0.7
static int ce_rhs(double t, const double *y, const double *u, double *dy, void *user) {
  (void)t;
  (void)user;
  dy[0] = KE0 * (u[0] - y[0]);
  return 0;
}

static int ce_jac(double t, const double *y, const double *u, double *jac, void *user) {
  (void)t;
  (void)y;
  (void)u;
  (void)user;
  jac[0] = -KE0;
  return 0;
}

/* The scenario on the hybrid solver with the effect compartment: kernel on or off. */
static void run_effect(const scenario *sc, int kernel, const double *t, double *c, double *ce) {
  char data[4096];
  const size_t len = dataset_of(sc, data, sizeof data);
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  ru_effect *e = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_read_dataset_buffer(r, data, len, "scenario.csv", &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  const double y0 = 0.0;
  const ru_effect_input in = {RU_EFFECT_CONC, "nmtest", NULL};
  const ru_effect_states spec = {.n = 1, .y0 = &y0, .inputs = &in, .ninputs = 1, .rhs = ce_rhs,
                                 .jac = ce_jac, .flags = RU_EFFECT_AFFINE};
  assert_int_equal(ru_effect_new(s, 1, &e, &err), RU_OK);
  assert_int_equal(ru_effect_add(e, &spec, NULL, &err), RU_OK);
  assert_int_equal(rui_effect_set_kernel(e, kernel, &err), RU_OK);
  if (ru_effect_run(e, t, NOUT, c, ce, &err) != RU_OK) {
    fail_msg("%s (hybrid, kernel %d): %s", sc->name, kernel, err.message);
  }
  ru_effect_free(e);
  ru_sim_free(s);
  ru_regimen_free(r);
}

static void check(const scenario *sc) {
  double t[NOUT], want[NOUT], got[NOUT];
  double peak = 0.0;
  for (size_t j = 0; j < NOUT; j++) {
    t[j] = sc->t_end * (double)j / (double)(NOUT - 1);
    want[j] = oracle(sc, t[j]);
    peak = fmax(peak, want[j]);
  }
  assert_true(peak > 0.0);
  static const char *const ENGINE[4] = {"closed form", "CVODE", "hybrid kernel",
                                         "hybrid general engine"};
  double ce[2][NOUT];
  /* SS=2 is superposition, refused on a system with effect states (RU_EINVAL, documented) */
  int ss2 = 0;
  for (size_t i = 0; i < sc->n; i++) {
    ss2 |= sc->r[i].ss == 2;
  }
  for (int e = 0; e < (ss2 ? 2 : 4); e++) {
    if (e < 2) {
      run_engine(sc, e, t, got);
    } else {
      run_effect(sc, e == 2, t, got, ce[e - 2]);
    }
    for (size_t j = 0; j < NOUT; j++) {
      if (!(fabs(got[j] - want[j]) <= 1e-6 * fabs(want[j]) + 1e-9 * peak)) {
        fail_msg("%s (%s) at t = %g h: %.12g ng/mL, NONMEM semantics %.12g", sc->name,
                 ENGINE[e], t[j], got[j], want[j]);
      }
    }
  }
  if (!ss2 && memcmp(ce[0], ce[1], sizeof ce[0]) != 0) {
    fail_msg("%s: the effect compartment differs between the kernel and the general engine",
             sc->name);
  }
}

static rec dose(double time, double amt, int cmt) {
  rec q = {time, amt, 0.0, 1, cmt, 0.0, 0, 0, NAN, NAN, NAN, NAN};
  return q;
}

/* --- the scenarios ---------------------------------------------------------------------------- */

static void conformance_scenarios(void **state) {
  (void)state;
  scenario sc[40];
  size_t ns = 0;
#define NEW(label, tend) (sc[ns] = (scenario){.name = label, .n = 0, .t_end = tend}, &sc[ns++])
#define ADD(s, q) ((s)->r[(s)->n++] = (q))
  scenario *p;
  rec q;

  p = NEW("oral bolus", 48.0);
  ADD(p, dose(0.0, 100.0, 1));
  p = NEW("oral bolus ADDL", 96.0);
  q = dose(0.0, 100.0, 1); q.ii = 12.0; q.addl = 4; ADD(p, q);
  p = NEW("IV bolus", 48.0);
  ADD(p, dose(2.0, 50.0, 2));
  p = NEW("IV infusion", 48.0);
  q = dose(0.0, 60.0, 2); q.rate = 20.0; ADD(p, q);
  p = NEW("infusion into the depot", 48.0);
  q = dose(0.0, 60.0, 1); q.rate = 10.0; ADD(p, q);
  p = NEW("IV infusion ADDL", 96.0);
  q = dose(0.0, 60.0, 2); q.rate = 15.0; q.ii = 24.0; q.addl = 3; ADD(p, q);
  p = NEW("overlapping infusions", 96.0);
  q = dose(0.0, 60.0, 2); q.rate = 2.0; q.ii = 12.0; q.addl = 4; ADD(p, q);
  p = NEW("oral lag (ALAG)", 48.0);
  q = dose(1.0, 100.0, 1); q.alag = 2.25; ADD(p, q);
  p = NEW("oral F", 48.0);
  q = dose(0.0, 100.0, 1); q.f = 0.6; ADD(p, q);
  p = NEW("IV infusion with F (F changes the duration)", 48.0);
  q = dose(0.0, 60.0, 2); q.rate = 20.0; q.f = 0.5; ADD(p, q);
  p = NEW("RATE=-1 with R and F", 48.0);
  q = dose(0.0, 80.0, 2); q.rate = -1.0; q.r = 16.0; q.f = 0.75; ADD(p, q);
  p = NEW("RATE=-2 with D and F", 48.0);
  q = dose(0.0, 80.0, 2); q.rate = -2.0; q.d = 5.0; q.f = 0.75; ADD(p, q);
  p = NEW("SS=1 oral bolus + ADDL", 96.0);
  q = dose(10.0, 100.0, 1); q.ss = 1; q.ii = 24.0; q.addl = 2; ADD(p, q);
  p = NEW("SS=1 oral, ALAG < II", 72.0);
  q = dose(10.0, 100.0, 1); q.ss = 1; q.ii = 12.0; q.alag = 3.0; q.addl = 1; ADD(p, q);
  p = NEW("SS=1 oral, ALAG > II", 72.0);
  q = dose(10.0, 100.0, 1); q.ss = 1; q.ii = 12.0; q.alag = 17.0; q.addl = 1; ADD(p, q);
  p = NEW("SS=1 IV infusion, duration < II", 72.0);
  q = dose(5.0, 60.0, 2); q.ss = 1; q.ii = 12.0; q.rate = 30.0; q.addl = 2; ADD(p, q);
  p = NEW("SS=1 IV infusion, duration > II", 72.0);
  q = dose(5.0, 60.0, 2); q.ss = 1; q.ii = 12.0; q.rate = 2.5; q.addl = 2; ADD(p, q);
  p = NEW("SS=1 with F", 72.0);
  q = dose(5.0, 100.0, 1); q.ss = 1; q.ii = 24.0; q.f = 0.4; q.addl = 1; ADD(p, q);
  p = NEW("SS=1 RATE=-2 with D", 72.0);
  q = dose(5.0, 60.0, 2); q.ss = 1; q.ii = 12.0; q.rate = -2.0; q.d = 4.0; q.addl = 2; ADD(p, q);
  p = NEW("SS=2 added to a transient dose", 72.0);
  ADD(p, dose(0.0, 100.0, 1));
  q = dose(8.0, 40.0, 1); q.ss = 2; q.ii = 24.0; q.addl = 1; ADD(p, q);
  p = NEW("SS=1 after transient doses (reset)", 72.0);
  q = dose(0.0, 100.0, 1); q.ii = 12.0; q.addl = 5; ADD(p, q);
  q = dose(30.0, 40.0, 1); q.ss = 1; q.ii = 24.0; q.addl = 1; ADD(p, q);
  p = NEW("SS constant infusion, ending at the record", 72.0);
  q = dose(6.0, 0.0, 2); q.ss = 1; q.rate = 3.0; ADD(p, q);
  p = NEW("SS constant infusion then a bolus", 72.0);
  q = dose(6.0, 0.0, 2); q.ss = 1; q.rate = 3.0; ADD(p, q);
  ADD(p, dose(20.0, 50.0, 1));
  p = NEW("SS constant infusion RATE=-1 with R into the depot", 72.0);
  q = dose(6.0, 0.0, 1); q.ss = 1; q.rate = -1.0; q.r = 2.0; ADD(p, q);
  p = NEW("EVID 3 then a dose", 72.0);
  q = dose(0.0, 100.0, 1); q.ii = 12.0; q.addl = 5; ADD(p, q);
  q = dose(25.0, 0.0, 1); q.evid = 3; q.cmt = 1; ADD(p, q);
  ADD(p, dose(30.0, 50.0, 2));
  p = NEW("EVID 4 cancels pending ADDL", 72.0);
  q = dose(0.0, 100.0, 1); q.ii = 12.0; q.addl = 5; ADD(p, q);
  q = dose(30.0, 40.0, 1); q.evid = 4; ADD(p, q);
  p = NEW("two SS=1 records", 120.0);
  q = dose(0.0, 100.0, 1); q.ss = 1; q.ii = 24.0; q.addl = 1; ADD(p, q);
  q = dose(48.0, 30.0, 1); q.ss = 1; q.ii = 8.0; q.addl = 6; ADD(p, q);
  p = NEW("EVID 4 with ALAG", 72.0);
  q = dose(0.0, 100.0, 1); q.ii = 12.0; q.addl = 2; ADD(p, q);
  q = dose(30.0, 40.0, 1); q.evid = 4; q.alag = 1.5; ADD(p, q);
  p = NEW("reset before a lagged dose lands (pending cancelled)", 48.0);
  q = dose(10.0, 100.0, 1); q.alag = 6.0; ADD(p, q);
  q = dose(12.0, 0.0, 1); q.evid = 3; ADD(p, q);
  ADD(p, dose(20.0, 50.0, 1));
  p = NEW("SS=1 with lag and ADDL, then EVID 3", 96.0);
  q = dose(5.0, 100.0, 1); q.ss = 1; q.ii = 12.0; q.alag = 2.0; q.addl = 3; ADD(p, q);
  q = dose(40.0, 0.0, 1); q.evid = 3; ADD(p, q);
  p = NEW("ALAG and F on an infusion with ADDL", 96.0);
  q = dose(0.0, 60.0, 2); q.rate = 10.0; q.alag = 1.0; q.f = 0.8; q.ii = 24.0; q.addl = 2; ADD(p, q);
  assert_true(ns >= 25);
  for (size_t i = 0; i < ns; i++) {
    check(&sc[i]);
  }
#undef NEW
#undef ADD
}

/* --- setup: the model as a user compound ---------------------------------------------- */

static int setup(void **state) {
  (void)state;
  ru_error err;
  if (ru_kb_open(NULL, &KB, &err) != RU_OK) return -1;
  char path[] = "/tmp/ru_nmtest_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (f == NULL) return -1;
  fprintf(f, "compound,key,value,unit,source\n"
             "nmtest,cl_f_l_per_h,%.17g,L/h,issue 18 conformance model\n"
             "nmtest,v_f_l,%.17g,L,issue 18 conformance model\n"
             "nmtest,ka_per_h,%.17g,1/h,issue 18 conformance model\n"
             "nmtest,f,1,fraction,issue 18 conformance model\n",
          CL, V, KA);
  fclose(f);
  const ru_status st = ru_kb_load_user(KB, path, &err);
  unlink(path);
  if (st != RU_OK) {
    print_error("%s\n", err.message);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  ru_kb_free(KB);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(conformance_scenarios),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
