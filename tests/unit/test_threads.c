/* "A simulation is a value": simulations on several threads at once, sharing one knowledge-base
 * handle (kb.h, pk.h), give exactly the results they give alone. Built and run under
 * ThreadSanitizer by `make test` (make test-tsan), which reports any data race; in the normal and
 * ASan builds it checks the results are identical.
 *
 * Each thread runs a nonlinear subject on CVODE (paroxetine inactivating CYP2D6, with
 * atomoxetine), a linear one in closed form, the exposure summary, an occupancy series and an
 * interaction, several times. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake.h"

enum { NTHREADS = 4, REPEATS = 2, NT = 97 };

static ru_kb *KB;

typedef struct result {
  double conc_nonlinear[4 * NT];
  double conc_linear[2 * NT];
  double auc[4];
  double occ[NT];
  double auc_ratio;
  ru_status st;
  char message[RU_ERROR_MESSAGE_MAX];
} result;

static ru_status sim_of(const char *const *regimens, size_t n, ru_sim **out, ru_error *err) {
  ru_regimen *r = NULL;
  ru_status st = ru_regimen_new(&r, err);
  for (size_t i = 0; i < n && st == RU_OK; i++) st = ru_regimen_parse(r, regimens[i], err);
  if (st == RU_OK) st = ru_sim_new(KB, out, err);
  if (st == RU_OK) st = ru_sim_add_regimen(*out, r, err);
  ru_regimen_free(r);
  return st;
}

/* One thread's work; every failure is kept in the result, never asserted off the main thread. */
static void work(result *res) {
  ru_error err;
  ru_error_clear(&err);
  double t[NT];
  for (size_t j = 0; j < NT; j++) t[j] = 4.0 * (double)j;
  static const char *const nonlin[] = {"paroxetine:20mg:q24h", "atomoxetine:40mg:q12h"};
  static const char *const lin[] = {"atomoxetine:40mg:q12h"};
  ru_sim *a = NULL, *b = NULL;
  ru_status st = sim_of(nonlin, 2, &a, &err);
  if (st == RU_OK) st = ru_sim_prepare(a, &err);
  if (st == RU_OK && ru_sim_compound_count(a) > 4) st = ru_error_set(&err, RU_EINTERNAL, "size");
  if (st == RU_OK) st = ru_sim_run(a, t, NT, res->conc_nonlinear, &err);
  if (st == RU_OK) st = sim_of(lin, 1, &b, &err);
  if (st == RU_OK) st = ru_sim_run(b, t, NT, res->conc_linear, &err);
  ru_exposure e[4];
  if (st == RU_OK) st = ru_sim_exposure(a, e, &err);
  for (size_t i = 0; st == RU_OK && i < ru_sim_compound_count(a); i++) res->auc[i] = e[i].auc_ng_h_per_ml;
  if (st == RU_OK) {
    st = ru_pd_occupancy_series(KB, a, "NET", res->conc_nonlinear, NT, res->occ, NULL, &err);
  }
  if (st == RU_OK) {
    ru_ddi_options o;
    memset(&o, 0, sizeof o);
    o.stop_after_h = nan("");
    const char *perps[] = {"paroxetine:20mg:q24h"};
    ru_ddi_result *dr = calloc(1, sizeof *dr);
    st = dr == NULL ? RU_ENOMEM
                    : ru_ddi_interaction(KB, "atomoxetine:40mg:q12h", perps, 1, &o, dr, &err);
    if (st == RU_OK) res->auc_ratio = dr->auc_ratio;
    free(dr);
  }
  ru_sim_free(a);
  ru_sim_free(b);
  res->st = st;
  memcpy(res->message, err.message, sizeof res->message);
}

static void *thread_main(void *arg) {
  result *res = arg;
  for (int k = 0; k < REPEATS; k++) work(res);
  return NULL;
}

static void simulations_on_threads_match_the_serial_results(void **state) {
  (void)state;
  ru_error err;
  assert_int_equal(ru_kb_open(NULL, &KB, &err), RU_OK);
  result *serial = calloc(1, sizeof *serial);
  result *par = calloc(NTHREADS, sizeof *par);
  assert_non_null(serial);
  assert_non_null(par);
  work(serial);
  if (serial->st != RU_OK) fail_msg("serial run: %s", serial->message);
  pthread_t th[NTHREADS];
  for (size_t i = 0; i < NTHREADS; i++) {
    assert_int_equal(pthread_create(&th[i], NULL, thread_main, &par[i]), 0);
  }
  for (size_t i = 0; i < NTHREADS; i++) {
    assert_int_equal(pthread_join(th[i], NULL), 0);
  }
  for (size_t i = 0; i < NTHREADS; i++) {
    if (par[i].st != RU_OK) fail_msg("thread %zu: %s", i, par[i].message);
    /* bit-identical: nothing is shared but the read-only knowledge base */
    assert_memory_equal(par[i].conc_nonlinear, serial->conc_nonlinear, sizeof serial->conc_nonlinear);
    assert_memory_equal(par[i].conc_linear, serial->conc_linear, sizeof serial->conc_linear);
    assert_memory_equal(par[i].auc, serial->auc, sizeof serial->auc);
    assert_memory_equal(par[i].occ, serial->occ, sizeof serial->occ);
    assert_true(par[i].auc_ratio == serial->auc_ratio);
  }
  assert_true(serial->auc_ratio > 1.0); /* the interaction is real (paroxetine -> CYP2D6) */
  free(par);
  free(serial);
  ru_kb_free(KB);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(simulations_on_threads_match_the_serial_results),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
