/* The hybrid solver's decomposition (src/pk/hybrid_decomp.c) and its method constants
 * (src/pk/hybrid_step.c), as a specification: which states are solved in closed form, which
 * are collocated together, in which order, and the Gauss-Legendre tables' defining identities. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pk/hybrid.h"
#include "pk/hybrid_impl.h"

#define N_MAX 8

typedef struct pattern {
  size_t n;
  unsigned char dep[N_MAX * N_MAX];
  unsigned char lti[N_MAX];
  size_t unit[N_MAX];
} pattern;

static void reads(pattern *p, size_t i, size_t j) { p->dep[i * p->n + j] = 1; }

static rui_hyb_decomp decompose(const pattern *p, int use_units) {
  rui_hyb_structure s = {p->n, p->dep, p->lti, use_units ? p->unit : NULL};
  rui_hyb_decomp d;
  ru_error err;
  assert_int_equal(rui_hyb_decompose(&s, &d, &err), RU_OK);
  return d;
}

/* The states of group g (or block b), sorted, as a bit mask. */
static unsigned group_mask(const rui_hyb_decomp *d, size_t g) {
  unsigned m = 0;
  for (size_t k = d->gstart[g]; k < d->gstart[g + 1]; k++) m |= 1u << d->state[k];
  return m;
}
static unsigned block_mask(const rui_hyb_decomp *d, size_t b) {
  unsigned m = 0;
  for (size_t k = d->bstart[b]; k < d->bstart[b + 1]; k++) m |= 1u << d->state[k];
  return m;
}

/* The RxODE speed model: depot -> central <-> peripheral (linear, constant coefficients) and an
 * effect driven by central: one closed-form group of the three PK states, one block. */
static void test_linear_time_invariant_block_is_detected(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 4;
  reads(&p, 0, 0);
  reads(&p, 1, 0), reads(&p, 1, 1), reads(&p, 1, 2);
  reads(&p, 2, 1), reads(&p, 2, 2);
  reads(&p, 3, 1), reads(&p, 3, 3);
  p.lti[0] = p.lti[1] = p.lti[2] = 1;
  rui_hyb_decomp d = decompose(&p, 0);
  assert_int_equal(d.ngroups, 1);
  assert_int_equal(group_mask(&d, 0), 0x7u);
  assert_int_equal(d.nblocks, 1);
  assert_int_equal(block_mask(&d, 0), 0x8u);
  assert_int_equal(d.kind[0], RUI_HYB_NEWTON); /* until classified */
  /* inside the group: depot's component first (central reads it) */
  assert_int_equal(d.state[d.gscc[d.gscc_start[0]]], 0);
  rui_hyb_decomp_free(&d);
}

/* A linear state in a feedback loop with a nonlinear one (victim central <-> enzyme) is not
 * closed form (it reads a nonlinear state) and is solved together with it: one block. */
static void test_feedback_loop_with_a_linear_state_is_merged(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 3;
  /* 0: depot (LTI), 1: central (linear row, reads 0, 1 and the enzyme 2), 2: enzyme (reads 1, 2) */
  reads(&p, 0, 0);
  reads(&p, 1, 0), reads(&p, 1, 1), reads(&p, 1, 2);
  reads(&p, 2, 1), reads(&p, 2, 2);
  p.lti[0] = 1;
  p.lti[1] = 1; /* linear in itself, but it reads the enzyme */
  rui_hyb_decomp d = decompose(&p, 0);
  assert_int_equal(d.ngroups, 1);
  assert_int_equal(group_mask(&d, 0), 0x1u);
  assert_int_equal(d.nblocks, 1);
  assert_int_equal(block_mask(&d, 0), 0x6u);
  assert_int_equal(d.where[1], -1);
  assert_int_equal(d.where[2], -1);
  rui_hyb_decomp_free(&d);
}

/* Blocks come out dependencies first: perpetrator -> enzyme -> victim -> its accumulator. */
static void test_blocks_are_in_topological_order(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 4;
  /* 3 reads 2 reads 1 reads 0 (given in reverse index order on purpose) */
  reads(&p, 0, 0);
  reads(&p, 1, 0), reads(&p, 1, 1);
  reads(&p, 2, 1), reads(&p, 2, 2);
  reads(&p, 3, 2);
  rui_hyb_decomp d = decompose(&p, 0);
  assert_int_equal(d.ngroups, 0);
  assert_int_equal(d.nblocks, 4);
  for (size_t b = 0; b < 4; b++) assert_int_equal(block_mask(&d, b), 1u << b);
  /* the accumulator reads nothing of itself: a quadrature */
  assert_int_equal(d.kind[3], RUI_HYB_EXPLICIT);
  assert_int_equal(d.kind[2], RUI_HYB_NEWTON);
  rui_hyb_decomp_free(&d);
}

/* Two drugs' linear PK that never meet are two groups (each propagator as small as it can be). */
static void test_uncoupled_linear_parts_are_separate_groups(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 4;
  reads(&p, 0, 0);
  reads(&p, 1, 0), reads(&p, 1, 1);
  reads(&p, 2, 2);
  reads(&p, 3, 2), reads(&p, 3, 3);
  for (size_t i = 0; i < 4; i++) p.lti[i] = 1;
  rui_hyb_decomp d = decompose(&p, 0);
  assert_int_equal(d.ngroups, 2);
  assert_int_equal(d.nblocks, 0);
  assert_int_equal(group_mask(&d, 0) | group_mask(&d, 1), 0xFu);
  assert_true(group_mask(&d, 0) == 0x3u || group_mask(&d, 0) == 0xCu);
  rui_hyb_decomp_free(&d);
}

/* A linear row reading a nonlinear state downstream of it stays out of the closed form, and so
 * does everything that reads it (the closed-form set is ancestor-closed). */
static void test_closed_form_set_is_ancestor_closed(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 3;
  reads(&p, 0, 0);             /* 0: nonlinear source */
  reads(&p, 1, 0), reads(&p, 1, 1); /* 1: linear, reads 0 */
  reads(&p, 2, 1), reads(&p, 2, 2); /* 2: linear, reads 1 */
  p.lti[1] = p.lti[2] = 1;
  rui_hyb_decomp d = decompose(&p, 0);
  assert_int_equal(d.ngroups, 0);
  assert_int_equal(d.nblocks, 3);
  rui_hyb_decomp_free(&d);
}

/* Rows of one unit (one user right-hand side) are one block even when they do not read each
 * other. */
static void test_rows_of_one_unit_are_one_block(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 3;
  reads(&p, 0, 0);
  reads(&p, 1, 0), reads(&p, 1, 1);
  reads(&p, 2, 0), reads(&p, 2, 2);
  p.lti[0] = 1;
  p.unit[0] = 0;
  p.unit[1] = p.unit[2] = 7;
  rui_hyb_decomp d = decompose(&p, 1);
  assert_int_equal(d.nblocks, 1);
  assert_int_equal(block_mask(&d, 0), 0x6u);
  rui_hyb_decomp d2 = decompose(&p, 0);
  assert_int_equal(d2.nblocks, 2);
  rui_hyb_decomp_free(&d);
  rui_hyb_decomp_free(&d2);
}

static int always_affine(void *user, const size_t *rows, size_t nb) {
  (void)user;
  (void)rows;
  (void)nb;
  return 1;
}

static void test_classification_marks_affine_blocks(void **state) {
  (void)state;
  pattern p;
  memset(&p, 0, sizeof p);
  p.n = 2;
  reads(&p, 0, 0);
  reads(&p, 1, 0);
  rui_hyb_decomp d = decompose(&p, 0);
  rui_hyb_classify(&d, always_affine, NULL);
  assert_int_equal(d.kind[0], RUI_HYB_AFFINE);
  assert_int_equal(d.kind[1], RUI_HYB_EXPLICIT); /* explicit stays explicit */
  rui_hyb_decomp_free(&d);
}

static void test_empty_structure_is_refused(void **state) {
  (void)state;
  rui_hyb_structure s = {0, NULL, NULL, NULL};
  rui_hyb_decomp d;
  ru_error err;
  assert_int_equal(rui_hyb_decompose(&s, &d, &err), RU_EINVAL);
}

/* Gauss-Legendre 3 stages: b and c integrate polynomials exactly to degree 5 (order 6),
 * A integrates to degree 2 at every node (stage order 3, C(3)); d = b^T A^{-1};
 * e_i = l_i(1) extrapolates a quadratic to 1 (Hairer & Wanner II, IV.5). */
static void test_gauss_legendre_tables_satisfy_their_order_conditions(void **state) {
  (void)state;
  for (int k = 0; k <= 5; k++) {
    double q = 0.0;
    for (int j = 0; j < 3; j++) q += rui_gl3_b[j] * pow(rui_gl3_c[j], k);
    assert_float_equal(q, 1.0 / (k + 1), 1e-15);
  }
  for (int i = 0; i < 3; i++) {
    for (int k = 0; k <= 2; k++) {
      double q = 0.0;
      for (int j = 0; j < 3; j++) q += rui_gl3_a[i][j] * pow(rui_gl3_c[j], k);
      assert_float_equal(q, pow(rui_gl3_c[i], k + 1) / (k + 1), 1e-15);
    }
  }
  for (int j = 0; j < 3; j++) {
    double q = 0.0;
    for (int i = 0; i < 3; i++) q += rui_gl3_d[i] * rui_gl3_a[i][j];
    assert_float_equal(q, rui_gl3_b[j], 1e-15);
  }
  for (int k = 0; k <= 2; k++) {
    double q = 0.0;
    for (int j = 0; j < 3; j++) q += rui_gl3_e[j] * pow(rui_gl3_c[j], k);
    assert_float_equal(q, 1.0, 1e-14);
  }
}

/* Radau IIA 3 stages: b = last row of A (stiffly accurate) integrates to degree 4 (order 5),
 * C(3) at every node; the embedded estimate's weights annihilate polynomial stage increments up
 * to degree 3 (an order-3 estimate): h f0 + sum RDD_i Z_i = 0 for Z_i = c_i^k, k <= 3. */
static void test_radau_tables_satisfy_their_order_conditions(void **state) {
  (void)state;
  for (int k = 0; k <= 4; k++) {
    double q = 0.0;
    for (int j = 0; j < 3; j++) q += rui_radau_a[2][j] * pow(rui_radau_c[j], k);
    assert_float_equal(q, 1.0 / (k + 1), 1e-15);
  }
  for (int i = 0; i < 3; i++) {
    for (int k = 0; k <= 2; k++) {
      double q = 0.0;
      for (int j = 0; j < 3; j++) q += rui_radau_a[i][j] * pow(rui_radau_c[j], k);
      assert_float_equal(q, pow(rui_radau_c[i], k + 1) / (k + 1), 1e-14);
    }
  }
  /* y' = k t^(k-1): f0 = [k == 1], Z_i = c_i^k */
  for (int k = 1; k <= 4; k++) {
    double q = k == 1 ? 1.0 : 0.0;
    for (int i = 0; i < 3; i++) q += rui_radau_dd[i] * pow(rui_radau_c[i], k);
    if (k <= 3) {
      assert_float_equal(q, 0.0, 1e-13);
    } else {
      assert_true(fabs(q) > 1e-3); /* and not beyond */
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_linear_time_invariant_block_is_detected),
      cmocka_unit_test(test_feedback_loop_with_a_linear_state_is_merged),
      cmocka_unit_test(test_blocks_are_in_topological_order),
      cmocka_unit_test(test_uncoupled_linear_parts_are_separate_groups),
      cmocka_unit_test(test_closed_form_set_is_ancestor_closed),
      cmocka_unit_test(test_rows_of_one_unit_are_one_block),
      cmocka_unit_test(test_classification_marks_affine_blocks),
      cmocka_unit_test(test_empty_structure_is_refused),
      cmocka_unit_test(test_gauss_legendre_tables_satisfy_their_order_conditions),
      cmocka_unit_test(test_radau_tables_satisfy_their_order_conditions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
