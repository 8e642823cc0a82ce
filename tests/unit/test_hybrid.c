/* The hybrid solver against CVODE on every model family of the subject model (pk/model.c), as a
 * specification: at the default tolerance every state at every hourly output agrees with CVODE
 * BDF run at rtol 1e-11 / atol 1e-15 (its own error is ~1e-10) to 1e-6 relative, with a floor
 * of 1e-6 of the state's peak below which the reference itself cannot be trusted to relative
 * accuracy: paroxetine's depot 23 h after a dose holds 1.7e-8 mg (20 mg x e^{-0.908 x 23}), and
 * CVODE at atol 1e-15 puts it at 1.7030374e-08 where the closed form (and the exact sum of
 * exponentials) give 1.7030368e-08, 3.5e-7 apart. Linear families forced onto the hybrid are its closed-form
 * path alone (every state in a group); the nonlinear ones exercise the collocation blocks:
 * competitive inhibition (affine victim block), mechanism-based inactivation with saturable
 * elimination (paroxetine inhibiting itself: one Newton block of central and enzyme), infusions,
 * lag and bioavailability. Each family runs 10 days hourly (241 outputs). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pk/events.h"
#include "pk/hybrid_sim.h"
#include "pk/model_impl.h"
#include "pk/ode.h"
#include "reuptake.h"

#define NT 241

#include "kb_fixture.h"

/* A prepared simulation of the regimens with overrides (both NULL-terminated). */
static ru_sim *sim_of(const char *const *regimens, const char *const *sets) {
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  for (size_t i = 0; regimens[i] != NULL; i++) {
    assert_int_equal(ru_regimen_parse(r, regimens[i], &err), RU_OK);
  }
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  for (size_t i = 0; sets != NULL && sets[i] != NULL; i++) {
    assert_int_equal(ru_sim_set_override(s, sets[i], &err), RU_OK);
  }
  ru_sim_set_solver(s, RU_SOLVER_HYBRID);
  assert_int_equal(ru_sim_prepare(s, &err), RU_OK);
  ru_regimen_free(r);
  return s;
}

typedef struct rows_out {
  double *y;
  size_t n;
} rows_out;

static int rows_emit(void *user, size_t j, double t_h, const double *y) {
  rows_out *o = user;
  (void)t_h;
  memcpy(o->y + j * o->n, y, o->n * sizeof *y);
  return 0;
}

/* The reference: the same right-hand side and dose timeline on CVODE at tight tolerances. */
static void cvode_reference(ru_sim *s, const double *t, size_t nt, double *out) {
  ru_error err;
  rui_timeline tl;
  assert_int_equal(rui_sim_timeline(s, t[nt - 1], &tl, &err), RU_OK);
  const size_t n = s->nstate;
  double y0[RUI_SIM_MAX_STATE];
  unsigned char mask[RUI_SIM_MAX_STATE];
  memset(y0, 0, sizeof y0);
  memset(mask, 0, sizeof mask);
  for (size_t j = 0; j < s->ncmt; j++) mask[j] = 1;
  for (size_t e = 0; e < s->enz.n; e++) {
    if (s->enz.e[e].state >= 0) y0[s->enz.e[e].state] = 1.0;
  }
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.rtol = 1e-11;
  o.atol = 1e-15;
  o.max_steps = 10000000;
  o.reset_mask = mask;
  rui_ode_work *w = NULL;
  assert_int_equal(rui_ode_work_new(n, &o, &w, &err), RU_OK);
  rows_out ro = {out, n};
  assert_int_equal(rui_ode_walk(w, rui_sim_rhs, s, y0, &tl, NULL, t, nt, rows_emit, &ro, &err),
                   RU_OK);
  rui_ode_work_free(w);
  rui_timeline_free(&tl);
}

/* Max over states and outputs of |a - b| / max(|b|, 1e-6 * peak of that state). */
static double max_rel_err(const double *a, const double *b, size_t nt, size_t n, size_t *worst) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++) {
    double peak = 0.0;
    for (size_t j = 0; j < nt; j++) peak = fmax(peak, fabs(b[j * n + i]));
    for (size_t j = 0; j < nt; j++) {
      const double den = fmax(fabs(b[j * n + i]), 1e-6 * peak);
      const double e = den > 0.0 ? fabs(a[j * n + i] - b[j * n + i]) / den : 0.0;
      if (e > m) {
        m = e;
        if (worst) *worst = i;
      }
    }
  }
  return m;
}

/* Runs a family on the hybrid (default tolerance) and on the reference; returns the error. */
static double family_error(const char *const *regimens, const char *const *sets, int expect_nl) {
  ru_error err;
  ru_sim *s = sim_of(regimens, sets);
  double t[NT];
  for (size_t j = 0; j < NT; j++) t[j] = (double)j;
  const size_t n = s->nstate;
  double *a = calloc(NT * n, sizeof *a), *b = calloc(NT * n, sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(rui_hyb_sim_states(s, t, NT, a, &err), RU_OK);
  cvode_reference(s, t, NT, b);
  /* the structure the hybrid found */
  rui_hyb_subject *hs = NULL;
  assert_int_equal(rui_hyb_subject_new(s, 1, 1, NULL, 0, NULL, &hs, &err), RU_OK);
  const rui_hyb_decomp *d = rui_hyb_decomposition(rui_hyb_subject_engine(hs));
  assert_int_equal(d->nblocks > 0, expect_nl);
  rui_hyb_subject_free(hs);
  size_t worst = 0;
  const double e = max_rel_err(a, b, NT, n, &worst);
  print_message("      max rel err %.3g (state %zu of %zu)\n", e, worst, n);
  free(a);
  free(b);
  ru_sim_free(s);
  return e;
}

static void test_one_compartment_oral_is_the_closed_form(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", NULL};
  assert_true(family_error(reg, NULL, 0) <= 1e-8);
}

static void test_two_compartment_oral_is_the_closed_form(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", NULL};
  const char *sets[] = {"atomoxetine.model=2", "atomoxetine.q_f_l_per_h=30",
                        "atomoxetine.vp_f_l=400", NULL};
  assert_true(family_error(reg, sets, 0) <= 1e-8);
}

static void test_three_compartment_oral_is_the_closed_form(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", NULL};
  const char *sets[] = {"atomoxetine.model=3",    "atomoxetine.q_f_l_per_h=30",
                        "atomoxetine.vp_f_l=400", "atomoxetine.q2_f_l_per_h=5",
                        "atomoxetine.vp2_f_l=800", NULL};
  assert_true(family_error(reg, sets, 0) <= 1e-8);
}

/* Parent and metabolite (venlafaxine -> O-desmethylvenlafaxine) share one group. */
static void test_metabolite_chain_is_the_closed_form(void **state) {
  (void)state;
  const char *reg[] = {"venlafaxine:75mg:q12h", NULL};
  assert_true(family_error(reg, NULL, 0) <= 1e-8);
}

/* Competitive CYP2D6 inhibition by fluoxetine and norfluoxetine of desipramine: the victim's
 * central is an affine block driven by the perpetrators' closed form. */
static void test_competitive_inhibition_matches_cvode(void **state) {
  (void)state;
  const char *reg[] = {"desipramine:50mg:q24h", "fluoxetine:20mg:q24h", NULL};
  assert_true(family_error(reg, NULL, 1) <= 1e-6);
}

/* Paroxetine inhibits its own clearance (mechanism-based inactivation of CYP2D6, saturable
 * elimination): central and enzyme are one Newton block. */
static void test_self_inhibition_matches_cvode(void **state) {
  (void)state;
  const char *reg[] = {"paroxetine:20mg:q24h", NULL};
  assert_true(family_error(reg, NULL, 1) <= 1e-6);
}

/* Perpetrator PK (closed form) -> enzyme (nonlinear) -> victim PK (linear, time-varying). */
static void test_mechanism_based_interaction_matches_cvode(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", "paroxetine:20mg:q24h", NULL};
  assert_true(family_error(reg, NULL, 1) <= 1e-6);
}

/* Zero-order infusions (rate changes are events on the grid) with bioavailability (the IV dose
 * goes to central as dose / F) and an oral lag, under an interaction. */
static void test_infusion_lag_and_bioavailability_match_cvode(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:20mg:iv:inf=2.5h:q12h", "paroxetine:20mg:q24h", NULL};
  const char *sets[] = {"paroxetine.tlag_h=1.3", NULL};
  assert_true(family_error(reg, sets, 1) <= 1e-6);
}

/* A tighter tolerance (the user's option) gives a smaller error. */
static void test_tighter_tolerance_is_more_accurate(void **state) {
  (void)state;
  ru_error err;
  const char *reg[] = {"paroxetine:20mg:q24h", NULL};
  ru_sim *s = sim_of(reg, NULL);
  double t[NT];
  for (size_t j = 0; j < NT; j++) t[j] = (double)j;
  const size_t n = s->nstate;
  double *a = calloc(NT * n, sizeof *a), *b = calloc(NT * n, sizeof *b), *c = calloc(NT * n, sizeof *c);
  cvode_reference(s, t, NT, b);
  assert_int_equal(rui_hyb_sim_states(s, t, NT, a, &err), RU_OK);
  assert_int_equal(ru_sim_set_hybrid_tolerance(s, 1e-7, &err), RU_OK);
  assert_int_equal(rui_hyb_sim_states(s, t, NT, c, &err), RU_OK);
  size_t w1 = 0, w2 = 0;
  const double e1 = max_rel_err(a, b, NT, n, &w1), e2 = max_rel_err(c, b, NT, n, &w2);
  print_message("      default %.3g (state %zu), tol 1e-7 %.3g (state %zu)\n", e1, w1, e2, w2);
  assert_true(e2 < e1);
  assert_true(e2 <= 1e-8);
  assert_int_equal(ru_sim_set_hybrid_tolerance(s, 0.0, &err), RU_EINVAL);
  free(a);
  free(b);
  free(c);
  ru_sim_free(s);
}

/* The public entry: ru_sim_run on a nonlinear subject defaults to the hybrid solver and agrees
 * with --solver cvode (CVODE at its default rtol 1e-8) to within CVODE's own error. */
static void test_default_engine_of_a_nonlinear_subject_is_the_hybrid(void **state) {
  (void)state;
  ru_error err;
  const char *reg[] = {"atomoxetine:40mg:q12h", "paroxetine:20mg:q24h", NULL};
  ru_sim *s = sim_of(reg, NULL);
  ru_sim_set_solver(s, RU_SOLVER_AUTO);
  double t[NT], a[2 * NT], b[2 * NT];
  for (size_t j = 0; j < NT; j++) t[j] = (double)j;
  assert_int_equal(ru_sim_run(s, t, NT, a, &err), RU_OK);
  assert_string_equal(ru_sim_solver_name(s), "hybrid");
  ru_sim_set_solver(s, RU_SOLVER_CVODE);
  assert_int_equal(ru_sim_run(s, t, NT, b, &err), RU_OK);
  assert_string_equal(ru_sim_solver_name(s), "cvode");
  for (size_t k = 0; k < 2 * NT; k++) {
    assert_true(fabs(a[k] - b[k]) <= 1e-6 * fabs(b[k]) + 1e-9);
  }
  ru_sim_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_compartment_oral_is_the_closed_form),
      cmocka_unit_test(test_two_compartment_oral_is_the_closed_form),
      cmocka_unit_test(test_three_compartment_oral_is_the_closed_form),
      cmocka_unit_test(test_metabolite_chain_is_the_closed_form),
      cmocka_unit_test(test_competitive_inhibition_matches_cvode),
      cmocka_unit_test(test_self_inhibition_matches_cvode),
      cmocka_unit_test(test_mechanism_based_interaction_matches_cvode),
      cmocka_unit_test(test_infusion_lag_and_bioavailability_match_cvode),
      cmocka_unit_test(test_tighter_tolerance_is_more_accurate),
      cmocka_unit_test(test_default_engine_of_a_nonlinear_subject_is_the_hybrid),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
