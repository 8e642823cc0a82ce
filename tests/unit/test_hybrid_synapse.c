/* PK -> occupancy -> synapse states on the hybrid solver (issue 14, item 2): the synapse model of
 * src/synapse attached as stiff user effect states driven by the subject's NET/DAT/SERT
 * occupancy (bench/hybrid_synapse.h), against CVODE BDF at rtol 1e-10 on the whole system with
 * the same right-hand sides (exact forcing): every synapse state at every hourly output to 1e-6
 * relative. Atomoxetine (linear PK, NET) and paroxetine (mechanism-based self-inhibition with
 * saturable elimination: a nonlinear PK block, SERT) over 4 days. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../bench/hybrid_synapse.h"

#define NT 97

#include "kb_fixture.h"

static ru_sim *sim_of(const char *regimen) {
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, regimen, &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  assert_int_equal(ru_sim_prepare(s, &err), RU_OK);
  ru_regimen_free(r);
  return s;
}

/* max relative error of the hybrid against the exact-forcing reference for one regimen */
static double synapse_error(const char *regimen, double *moved) {
  ru_error err;
  ru_sim *sim = sim_of(regimen);
  ru_synapse *syn = NULL;
  assert_int_equal(ru_synapse_new(KB, &syn, &err), RU_OK);
  hs_glue g;
  assert_int_equal(hs_init(&g, KB, sim, syn, NULL, &err), RU_OK);
  double t[NT];
  for (size_t j = 0; j < NT; j++) t[j] = (double)j;
  double *a = calloc(g.n * NT, sizeof *a), *b = calloc(g.n * NT, sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  ru_status st = hs_hybrid(&g, t, NT, 0.0, a, NULL, &err);
  if (st != RU_OK) fail_msg("hybrid: %s", err.message);
  st = hs_reference(&g, t, NT, 1e-10, b, &err);
  if (st != RU_OK) fail_msg("reference: %s", err.message);
  const double e = hs_max_rel(a, b, g.n * NT);
  /* the drug moves the system (so the comparison is not of constants) */
  *moved = 0.0;
  for (size_t k = 0; k < g.n; k++) {
    *moved = fmax(*moved, fabs(b[k * NT + NT - 1] / b[k * NT] - 1.0));
  }
  print_message("%s: synapse states max rel err %.3g (largest change %.3g)\n", regimen, e, *moved);
  free(a);
  free(b);
  hs_free(&g);
  ru_synapse_free(syn);
  ru_sim_free(sim);
  return e;
}

static void atomoxetine_synapse_matches_exact_forcing(void **state) {
  (void)state;
  double moved;
  assert_true(synapse_error("atomoxetine:80mg:q24h", &moved) <= 1e-6);
  assert_true(moved > 0.1);
}

static void paroxetine_synapse_matches_exact_forcing(void **state) {
  (void)state;
  double moved;
  assert_true(synapse_error("paroxetine:20mg:q24h", &moved) <= 1e-6);
  assert_true(moved > 0.1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(atomoxetine_synapse_matches_exact_forcing),
      cmocka_unit_test(paroxetine_synapse_matches_exact_forcing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
