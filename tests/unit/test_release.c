/* Product release models (src/pk/release.c) as the specification of docs/products.md: every
 * model delivers exactly dose x factor x f_rel; lags and pulses land where the model says; the
 * Weibull pieces match the Weibull cumulative exactly at their breakpoints and within the stated
 * bound between them; an ascending osmotic core steps up 1:2:...:n and sums exactly; an SS record resets once; the expanded inputs give the same
 * concentrations on the closed form (Pade matrix exponential) and on CVODE (1e-8 of the peak);
 * nothing is lost (mass balance over depot, aux, central and the eliminated amount). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pk/linear.h"
#include "pk/ode.h"
#include "pk/release.h"

static ru_value val(double v) {
  ru_value x;
  memset(&x, 0, sizeof x);
  x.value = v;
  x.status = RU_VALUE_PRIMARY;
  return x;
}

static ru_release_params params(ru_release_kind kind) {
  ru_release_params r;
  memset(&r, 0, sizeof r);
  ru_value *all[] = {&r.tlag_h, &r.ka_per_h, &r.k_release_per_h, &r.ir_fraction, &r.ir_duration_h,
                     &r.zo_lag_h, &r.zo_duration_h, &r.zo_steps, &r.pulse2_lag_h, &r.weibull_td_h,
                     &r.weibull_beta, &r.f_rel};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    all[i]->value = (double)NAN;
    all[i]->status = RU_VALUE_MISSING;
  }
  r.kind = kind;
  return r;
}

/* One synthetic parameter set per model (not product values: the maths under test). */
static ru_release_params model_params(ru_release_kind kind) {
  ru_release_params r = params(kind);
  switch (kind) {
  case RU_RELEASE_DELAYED:
    r.tlag_h = val(2.0);
    r.ka_per_h = val(0.666);
    break;
  case RU_RELEASE_ZERO_ORDER:
    r.zo_lag_h = val(1.5);
    r.zo_duration_h = val(4.5);
    break;
  case RU_RELEASE_OROS:
    r.ir_fraction = val(0.2);
    r.ir_duration_h = val(1.0);
    r.zo_lag_h = val(1.0);
    r.zo_duration_h = val(12.0);
    break;
  case RU_RELEASE_TWO_PULSE:
    r.ir_fraction = val(0.5);
    r.pulse2_lag_h = val(4.0);
    break;
  case RU_RELEASE_FIRST_ORDER:
    r.k_release_per_h = val(0.2379);
    r.tlag_h = val(0.5);
    break;
  case RU_RELEASE_WEIBULL:
    r.tlag_h = val(0.25);
    r.weibull_td_h = val(3.0);
    r.weibull_beta = val(1.7);
    break;
  default:
    break;
  }
  r.f_rel = val(0.8);
  return r;
}

static const ru_release_kind ALL[] = {RU_RELEASE_IMMEDIATE, RU_RELEASE_DELAYED,     RU_RELEASE_ZERO_ORDER,
                                      RU_RELEASE_OROS,      RU_RELEASE_TWO_PULSE,   RU_RELEASE_WEIBULL,
                                      RU_RELEASE_FIRST_ORDER, RU_RELEASE_PRODRUG};
#define NALL (sizeof ALL / sizeof ALL[0])

/* Every model, plus the ascending osmotic core (oros and zero_order with zo_steps) */
#define NVAR (NALL + 2)
static ru_release_params variant(size_t m) {
  if (m < NALL) return model_params(ALL[m]);
  ru_release_params r = model_params(m == NALL ? RU_RELEASE_OROS : RU_RELEASE_ZERO_ORDER);
  r.zo_duration_h = val(7.0);
  r.zo_steps = val(14.0);
  return r;
}

static rui_dose dose_record(double t, double amt, double ii, long addl, int ss) {
  rui_dose d;
  memset(&d, 0, sizeof d);
  d.time_h = t;
  d.amount = amt;
  d.ii_h = ii;
  d.addl = addl;
  d.ss = ss;
  d.reset_before = ss == 1;
  return d;
}

static void test_every_model_delivers_dose_times_factor_times_frel(void **state) {
  (void)state;
  /* 36 mg labelled x 0.7339 mg/mg (a salt factor) x f_rel 0.8 */
  const double expect = 36.0 * 0.7339 * 0.8;
  for (size_t m = 0; m < NVAR; m++) {
    const ru_release_params r = variant(m);
    rui_release_plan p;
    ru_error err;
    assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
    double frac = 0.0;
    for (size_t k = 0; k < p.n; k++) frac += p.piece[k].fraction;
    assert_true(fabs(frac - 1.0) <= 1e-12);
    rui_dose out[RUI_RELEASE_MAX_PIECES];
    size_t n = 0;
    const rui_dose d = dose_record(0.0, 36.0, 24.0, 6, 0);
    assert_int_equal(rui_release_expand(&p, &d, 0.7339, 0, 2, 0.0, out, RUI_RELEASE_MAX_PIECES, &n, &err), RU_OK);
    double amount = 0.0;
    for (size_t k = 0; k < n; k++) {
      amount += out[k].amount;
      if (out[k].rate > 0.0) {
        /* a zero-order piece delivers rate x duration = its amount over its duration */
        assert_true(fabs(out[k].rate * p.piece[k].duration_h - out[k].amount) <= 1e-12 * expect);
      }
      assert_int_equal(out[k].addl, 6);
      assert_true(out[k].ii_h == 24.0);
    }
    assert_true(fabs(amount - expect) <= 1e-12 * expect);
    /* and the cumulative release reaches the whole dose once every piece is over */
    assert_true(fabs(rui_release_plan_cumulative(&p, 1e6) - 1.0) <= 1e-12);
  }
}

static void test_lag_and_pulse_timing(void **state) {
  (void)state;
  ru_error err;
  rui_release_plan p;
  rui_dose out[8];
  size_t n = 0;
  const rui_dose d = dose_record(10.0, 20.0, 0.0, 0, 0);
  /* two pulses (Ritalin LA: half at once, half 4 h later) with a compound absorption lag of
   * 0.5 h: the pulses enter the depot 0.5 h and 4.5 h after the dose */
  ru_release_params r = model_params(RU_RELEASE_TWO_PULSE);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 9, 0.5, out, 8, &n, &err), RU_OK);
  assert_int_equal(n, 2);
  assert_true(out[0].time_h == 10.0 && out[0].lag_h == 0.5 && out[0].cmt == 0 && out[0].rate == 0.0);
  assert_true(out[1].lag_h == 4.5 && out[1].cmt == 0);
  assert_true(fabs(out[0].amount - 8.0) < 1e-12 && fabs(out[1].amount - 8.0) < 1e-12);
  /* delayed with a product ka (Cymbalta: 2 h lag): into the aux compartment at exactly 2 h,
   * without the compound's own lag (the product's absorption replaces it) */
  r = model_params(RU_RELEASE_DELAYED);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_true(p.aux && p.aux_to_central && p.aux_k_per_h == 0.666);
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 9, 0.5, out, 8, &n, &err), RU_OK);
  assert_true(n == 1 && out[0].cmt == 9 && out[0].lag_h == 2.0);
  /* OROS: the overcoat over the first hour, the core from 1 h for 12 h */
  r = model_params(RU_RELEASE_OROS);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 9, 0.0, out, 8, &n, &err), RU_OK);
  assert_true(n == 2 && out[0].lag_h == 0.0 && fabs(out[0].rate - 0.2 * 16.0 / 1.0) < 1e-12);
  assert_true(out[1].lag_h == 1.0 && fabs(out[1].rate - 0.8 * 16.0 / 12.0) < 1e-12);
  /* cumulative release of the OROS plan: 20 % by 1 h, then linear to 100 % at 13 h */
  assert_true(fabs(rui_release_plan_cumulative(&p, 1.0) - 0.2) < 1e-12);
  assert_true(fabs(rui_release_plan_cumulative(&p, 7.0) - 0.6) < 1e-12);
  assert_true(fabs(rui_release_plan_cumulative(&p, 13.0) - 1.0) < 1e-12);
  /* first-order release: the dose enters aux at its lag; aux drains into the depot */
  r = model_params(RU_RELEASE_FIRST_ORDER);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_true(p.aux && !p.aux_to_central);
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 9, 0.3, out, 8, &n, &err), RU_OK);
  assert_true(n == 1 && out[0].cmt == 9 && out[0].lag_h == 0.5);
}

static void test_weibull_pieces_are_exact_at_their_breakpoints(void **state) {
  (void)state;
  const ru_release_params r = model_params(RU_RELEASE_WEIBULL);
  rui_release_plan p;
  ru_error err;
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_int_equal(p.n, RUI_RELEASE_WEIBULL_PIECES);
  for (size_t k = 0; k + 1 < p.n; k++) {
    const double t = p.piece[k].offset_h + p.piece[k].duration_h; /* breakpoint t_{k+1} */
    const double f_model = rui_release_model_cumulative(&p, t);
    const double f_plan = rui_release_plan_cumulative(&p, t);
    assert_true(fabs(f_model - f_plan) <= 1e-12);
  }
  /* the last breakpoint: the plan has delivered everything, the Weibull 1 - eps */
  const double t_end = p.piece[p.n - 1].offset_h + p.piece[p.n - 1].duration_h;
  assert_true(fabs(rui_release_plan_cumulative(&p, t_end) - 1.0) <= 1e-12);
  assert_true(fabs(rui_release_model_cumulative(&p, t_end) - (1.0 - RUI_RELEASE_WEIBULL_EPS)) <= 1e-12);
}

static void test_weibull_error_is_within_the_stated_bound(void **state) {
  (void)state;
  /* |delivered - F| <= largest piece mass + eps anywhere (release.h); measured on a fine grid for
   * three shapes and two piece counts */
  const double betas[] = {0.6, 1.0, 2.5};
  const size_t ms[] = {16, 64};
  for (size_t b = 0; b < 3; b++) {
    for (size_t q = 0; q < 2; q++) {
      ru_release_params r = model_params(RU_RELEASE_WEIBULL);
      r.weibull_beta = val(betas[b]);
      rui_release_plan p;
      ru_error err;
      assert_int_equal(rui_release_plan_build(&r, ms[q], &p, &err), RU_OK);
      double bound = 0.0;
      for (size_t k = 0; k < p.n; k++) bound = fmax(bound, p.piece[k].fraction);
      bound += RUI_RELEASE_WEIBULL_EPS;
      /* the grid rounding moves a piece mass by far less than a percent of 1/m */
      assert_true(bound <= 1.01 / (double)ms[q] + RUI_RELEASE_WEIBULL_EPS);
      double worst = 0.0;
      for (int i = 0; i <= 20000; i++) {
        const double t = 60.0 * (double)i / 20000.0;
        worst = fmax(worst, fabs(rui_release_plan_cumulative(&p, t) - rui_release_model_cumulative(&p, t)));
      }
      assert_true(worst <= bound);
      assert_true(worst > 0.0); /* it is an approximation, and the test can see it */
    }
  }
}

static void test_ascending_core_steps_up_and_delivers_exactly(void **state) {
  (void)state;
  /* an overcoat of 20 % over the first hour, then the core in 14 half-hour steps from 1 h to 8 h
   * whose amounts ascend 1:2:...:14 (the shape of docs/products.md, Concerta) */
  ru_release_params r = model_params(RU_RELEASE_OROS);
  r.zo_duration_h = val(7.0);
  r.zo_steps = val(14.0);
  rui_release_plan p;
  ru_error err;
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_int_equal(p.n, 15);
  const double nn = 14.0;
  double prev_rate = 0.0;
  for (size_t k = 1; k <= 14; k++) {
    const rui_release_piece *q = &p.piece[k];
    assert_true(q->offset_h == 1.0 + 0.5 * (double)(k - 1) && q->duration_h == 0.5);
    assert_true(fabs(q->fraction - 0.8 * 2.0 * (double)k / (nn * (nn + 1.0))) <= 1e-15);
    const double rate = q->fraction / q->duration_h;
    assert_true(rate > prev_rate); /* ascending */
    prev_rate = rate;
    /* the delivered cumulative at the end of step k: 0.2 + 0.8 k (k + 1) / (n (n + 1)) */
    const double t = q->offset_h + q->duration_h;
    const double expect = 0.2 + 0.8 * (double)k * ((double)k + 1.0) / (nn * (nn + 1.0));
    assert_true(fabs(rui_release_plan_cumulative(&p, t) - expect) <= 1e-12);
  }
  /* the last step carries the remainder: the whole dose by 8 h, exactly */
  assert_true(fabs(rui_release_plan_cumulative(&p, 8.0) - 1.0) <= 1e-15);
  /* a step count must be a whole number within the plan's size */
  r.zo_steps = val(2.5);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_EINVAL);
  assert_non_null(strstr(err.message, "zo_steps"));
  r.zo_steps = val((double)RUI_RELEASE_MAX_PIECES);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_EINVAL);
  r.zo_steps = val(1.0); /* one step is the constant-rate core */
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  assert_true(p.n == 2 && p.piece[1].duration_h == 7.0 && fabs(p.piece[1].fraction - 0.8) <= 1e-15);
}

static void test_steady_state_record_resets_once(void **state) {
  (void)state;
  const ru_release_params r = model_params(RU_RELEASE_OROS);
  rui_release_plan p;
  ru_error err;
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  rui_dose out[4];
  size_t n = 0;
  const rui_dose d = dose_record(0.0, 36.0, 24.0, -1, 1);
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 3, 0.0, out, 4, &n, &err), RU_OK);
  assert_int_equal(n, 2);
  assert_true(out[0].ss == 1 && out[0].reset_before == 1);
  assert_true(out[1].ss == 2 && out[1].reset_before == 0); /* adds its own steady state */
  assert_true(out[0].addl == -1 && out[1].addl == -1);
}

static void test_bad_input_is_refused_with_a_reason(void **state) {
  (void)state;
  ru_error err;
  rui_release_plan p;
  ru_release_params r = params(RU_RELEASE_OROS);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_EMISSING);
  assert_non_null(strstr(err.message, "ir_fraction"));
  r = params(RU_RELEASE_WEIBULL);
  r.weibull_td_h = val(2.0);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_EMISSING);
  assert_non_null(strstr(err.message, "weibull_beta"));
  r.weibull_beta = val(1.0);
  assert_int_equal(rui_release_plan_build(&r, RUI_RELEASE_MAX_PIECES, &p, &err), RU_ELIMIT);
  r = params(RU_RELEASE_TWO_PULSE);
  r.ir_fraction = val(1.5);
  r.pulse2_lag_h = val(4.0);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_EINVAL);
  r = params(RU_RELEASE_IMMEDIATE);
  assert_int_equal(rui_release_plan_build(&r, 0, &p, &err), RU_OK);
  rui_dose d = dose_record(0.0, 10.0, 0.0, 0, 0);
  d.rate = 5.0;
  rui_dose out[2];
  size_t n = 9;
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 1, 0.0, out, 2, &n, &err), RU_EINVAL);
  assert_int_equal(n, 0);
  d.rate = 0.0;
  assert_int_equal(rui_release_expand(&p, &d, 1.0, 0, 1, 0.0, out, 0, &n, &err), RU_ELIMIT);
}

/* --- the expanded inputs on two engines ------------------------------------------------------ */

/* depot 0 -(ka)-> central 1 -(k)-> eliminated 3; aux 2 -> depot or central. The eliminated
 * compartment makes mass balance visible. */
#define N 4
static rui_lin_system chain(const rui_release_plan *p) {
  rui_lin_system s;
  memset(&s, 0, sizeof s);
  s.n = N;
  const double ka = 1.095, k = 0.1733; /* venlafaxine-like, 1/h */
  s.a[0 * N + 0] = -ka;
  s.a[1 * N + 0] = ka;
  s.a[1 * N + 1] = -k;
  s.a[3 * N + 1] = k;
  if (p->aux) {
    s.a[2 * N + 2] = -p->aux_k_per_h;
    s.a[(p->aux_to_central ? 1 : 0) * N + 2] = p->aux_k_per_h;
  }
  return s;
}

static int chain_rhs(double t, const double *y, double *dy, void *user) {
  const rui_lin_system *s = user;
  (void)t;
  for (size_t i = 0; i < N; i++) {
    dy[i] = 0.0;
    for (size_t j = 0; j < N; j++) dy[i] += s->a[i * N + j] * y[j];
  }
  return 0;
}

#define NT 193
static void run_engines(const rui_release_plan *p, double *lin, double *ode, double *times) {
  rui_dose out[RUI_RELEASE_MAX_PIECES];
  size_t n = 0;
  ru_error err;
  /* 4 daily doses of 150 mg */
  const rui_dose d = dose_record(0.0, 150.0, 24.0, 3, 0);
  assert_int_equal(rui_release_expand(p, &d, 1.0, 0, 2, 0.25, out, RUI_RELEASE_MAX_PIECES, &n, &err), RU_OK);
  rui_lin_input in[RUI_RELEASE_MAX_PIECES];
  static rui_ode_event ev[RUI_RELEASE_MAX_PIECES * 4];
  size_t nev = 0;
  for (size_t k = 0; k < n; k++) {
    memset(&in[k], 0, sizeof in[k]);
    in[k].time_h = out[k].time_h + out[k].lag_h;
    in[k].cmt = out[k].cmt;
    in[k].amount = out[k].amount;
    in[k].rate = out[k].rate;
    in[k].ii_h = out[k].ii_h;
    in[k].addl = out[k].addl;
    for (long r = 0; r <= out[k].addl; r++) {
      rui_ode_event *e = &ev[nev++];
      memset(e, 0, sizeof *e);
      e->time_h = in[k].time_h + (double)r * in[k].ii_h;
      e->index = in[k].cmt;
      if (in[k].rate > 0.0) {
        e->rate = in[k].rate;
        e->duration_h = in[k].amount / in[k].rate;
      } else {
        e->amount = in[k].amount;
      }
    }
  }
  for (size_t j = 0; j < NT; j++) times[j] = 0.5 * (double)j;
  const rui_lin_system s = chain(p);
  const ru_status lst = rui_lin_simulate(&s, NULL, in, n, times, NT, lin, &err);
  if (lst != RU_OK) print_error("%s\n", err.message);
  assert_int_equal(lst, RU_OK);
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.rtol = 1e-10;
  o.atol = 1e-12;
  const double y0[N] = {0};
  const ru_status ost = rui_ode_solve(N, chain_rhs, (void *)&s, y0, 0.0, ev, nev, times, NT, &o, ode, &err);
  if (ost != RU_OK) print_error("%s\n", err.message);
  assert_int_equal(ost, RU_OK);
}

static void test_closed_form_matches_cvode_for_every_model(void **state) {
  (void)state;
  static double lin[NT * N], ode[NT * N];
  double times[NT];
  for (size_t m = 0; m < NVAR; m++) {
    const ru_release_params r = variant(m);
    rui_release_plan p;
    ru_error err;
    assert_int_equal(rui_release_plan_build(&r, 16, &p, &err), RU_OK);
    run_engines(&p, lin, ode, times);
    double peak = 0.0, worst = 0.0;
    for (size_t j = 0; j < NT; j++) peak = fmax(peak, lin[j * N + 1]);
    for (size_t j = 0; j < NT; j++) worst = fmax(worst, fabs(lin[j * N + 1] - ode[j * N + 1]));
    /* the central amount on both engines within 1e-8 of its peak (CVODE at rtol 1e-10) */
    assert_true(peak > 0.0);
    assert_true(worst <= 1e-8 * peak);
  }
}

static void test_nothing_is_lost(void **state) {
  (void)state;
  /* mass balance: depot + aux + central + eliminated = everything delivered so far (closed form) */
  static double lin[NT * N], ode[NT * N];
  double times[NT];
  for (size_t m = 0; m < NVAR; m++) {
    const ru_release_params r = variant(m);
    rui_release_plan p;
    ru_error err;
    assert_int_equal(rui_release_plan_build(&r, 16, &p, &err), RU_OK);
    run_engines(&p, lin, ode, times);
    for (size_t j = 0; j < NT; j++) {
      double delivered = 0.0;
      for (int dose = 0; dose < 4; dose++) {
        /* the compound lag 0.25 h applies to depot pieces only */
        double c = 0.0;
        for (size_t k = 0; k < p.n; k++) {
          const rui_release_piece *q = &p.piece[k];
          const double start = 24.0 * dose + q->offset_h + (q->target == RUI_RELEASE_TO_DEPOT ? 0.25 : 0.0);
          const double s = times[j] - start;
          if (s < 0.0) continue;
          c += q->fraction * (q->duration_h > 0.0 ? fmin(1.0, s / q->duration_h) : 1.0);
        }
        delivered += 150.0 * p.f_rel * c;
      }
      double total = 0.0;
      for (size_t i = 0; i < N; i++) total += lin[j * N + i];
      assert_true(fabs(total - delivered) <= 1e-10 * 600.0);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_model_delivers_dose_times_factor_times_frel),
      cmocka_unit_test(test_lag_and_pulse_timing),
      cmocka_unit_test(test_weibull_pieces_are_exact_at_their_breakpoints),
      cmocka_unit_test(test_weibull_error_is_within_the_stated_bound),
      cmocka_unit_test(test_ascending_core_steps_up_and_delivers_exactly),
      cmocka_unit_test(test_steady_state_record_resets_once),
      cmocka_unit_test(test_bad_input_is_refused_with_a_reason),
      cmocka_unit_test(test_closed_form_matches_cvode_for_every_model),
      cmocka_unit_test(test_nothing_is_lost),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
