/* Held synapse inputs by name (src/synapse/held.c): which input an assignment names, the
 * releaser rule (competitive binding at the carrying transporters, releaser part capped at the
 * transporter occupancy), the genotypes' expression from the KB, and the tolerance getter. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake/kb.h"
#include "reuptake/synapse.h"

static ru_kb *KB;
static ru_synapse *S;

static int setup(void **state) {
  (void)state;
  if (ru_kb_open(NULL, &KB, NULL) != RU_OK) return -1;
  return ru_synapse_new(KB, &S, NULL) == RU_OK ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  ru_synapse_free(S);
  ru_kb_free(KB);
  return 0;
}

static int target(ru_syn_hold_kind kind, const char *name, int *second) {
  int in[2] = {-7, -7};
  if (ru_synapse_hold_target(kind, name, in, NULL) != RU_OK) return -100;
  *second = in[1];
  return in[0];
}

/* Antagonists by drug (idazoxan: alpha2, Doxey 1983) or by receptor; agonists by drug
 * (clonidine: alpha2 agonist) or by autoreceptor, which names that receptor's agonist input. */
static void test_ligands_and_receptors_name_their_inputs(void **state) {
  (void)state;
  int second = 0;
  assert_int_equal(target(RU_SYN_HOLD_ANTAGONIST, "idazoxan", &second), RU_SYN_ALPHA2);
  assert_int_equal(second, -1);
  assert_int_equal(target(RU_SYN_HOLD_ANTAGONIST, "5-HT2C", &second), RU_SYN_5HT2C);
  assert_int_equal(target(RU_SYN_HOLD_AGONIST, "clonidine", &second), RU_SYN_ALPHA2_AGONIST);
  assert_int_equal(target(RU_SYN_HOLD_AGONIST, "5-HT1A", &second), RU_SYN_5HT1A_AGONIST);
  assert_int_equal(target(RU_SYN_HOLD_AGONIST, "D2", &second), RU_SYN_D2_AGONIST);
  assert_int_equal(target(RU_SYN_HOLD_OCCUPANCY, "alpha1", &second), RU_SYN_ALPHA1);
  assert_int_equal(target(RU_SYN_HOLD_EXPRESSION, "SERT", &second), RU_SYN_SERT);
}

/* d-amphetamine is a substrate of DAT and NET (Sulzer 2005): a releaser names both transporters;
 * a transporter name names itself. */
static void test_releaser_names_its_transporters(void **state) {
  (void)state;
  int second = 0;
  assert_int_equal(target(RU_SYN_HOLD_RELEASER, "d-amphetamine", &second), RU_SYN_DAT);
  assert_int_equal(second, RU_SYN_NET);
  assert_int_equal(target(RU_SYN_HOLD_RELEASER, "SERT", &second), RU_SYN_SERT);
  assert_int_equal(second, -1);
}

/* What a kind cannot name is refused with the list of what it accepts. */
static void test_wrong_names_are_refused_with_what_is_accepted(void **state) {
  (void)state;
  ru_error err;
  int in[2];
  assert_int_equal(ru_synapse_hold_target(RU_SYN_HOLD_AGONIST, "alpha1", in, &err), RU_ENOTFOUND);
  assert_non_null(strstr(err.message, "agonist (clonidine"));
  assert_int_equal(ru_synapse_hold_target(RU_SYN_HOLD_ANTAGONIST, "clonidine", in, &err), RU_ENOTFOUND);
  assert_int_equal(ru_synapse_hold_target(RU_SYN_HOLD_RELEASER, "DAT-releaser", in, &err), RU_ENOTFOUND);
  assert_int_equal(ru_synapse_hold_target(RU_SYN_HOLD_EXPRESSION, "D2", in, &err), RU_ENOTFOUND);
  assert_string_equal(err.message, "unknown transporter (NET, DAT, SERT) 'D2'");
  assert_int_equal(ru_synapse_hold_target(RU_SYN_HOLD_OCCUPANCY, "FOO", in, &err), RU_ENOTFOUND);
}

/* A releaser held with a blocker at DAT: the transporter occupancy is the competitive
 * combination 1 - (1-a)(1-b)/(1-ab) (hand formula, 1e-12); the releaser part grows by the
 * releaser's value, capped at the transporter occupancy. */
static void test_releaser_combines_with_a_held_blocker(void **state) {
  (void)state;
  double in[RU_SYN_NINPUTS] = {0};
  assert_int_equal(ru_synapse_hold(RU_SYN_HOLD_OCCUPANCY, "DAT", 0.5, in, NULL), RU_OK);
  assert_int_equal(ru_synapse_hold(RU_SYN_HOLD_RELEASER, "d-amphetamine", 0.4, in, NULL), RU_OK);
  const double want = 1.0 - (1.0 - 0.5) * (1.0 - 0.4) / (1.0 - 0.5 * 0.4);
  assert_true(fabs(in[RU_SYN_DAT] - want) < 1e-12);
  assert_true(fabs(in[RU_SYN_DAT_RELEASER] - 0.4) < 1e-12);
  assert_true(fabs(in[RU_SYN_NET] - 0.4) < 1e-12); /* alone at NET */
  assert_true(fabs(in[RU_SYN_NET_RELEASER] - 0.4) < 1e-12);
  /* a second releaser at NET: the part is capped at the transporter occupancy */
  assert_int_equal(ru_synapse_hold(RU_SYN_HOLD_RELEASER, "NET", 0.9, in, NULL), RU_OK);
  assert_true(in[RU_SYN_NET_RELEASER] <= in[RU_SYN_NET]);
  assert_true(fabs(in[RU_SYN_NET_RELEASER] - in[RU_SYN_NET]) < 1e-12);
}

/* Values outside [0, 1] (occupancy) or [0, RU_SYN_EXPRESSION_MAX] (expression) are refused and
 * leave the values unchanged. */
static void test_out_of_range_values_leave_inputs_unchanged(void **state) {
  (void)state;
  double in[RU_SYN_NINPUTS] = {0};
  double expr[RU_SYN_NTRANSPORTERS] = {1.0, 1.0, 1.0};
  assert_int_equal(ru_synapse_hold(RU_SYN_HOLD_OCCUPANCY, "NET", 1.5, in, NULL), RU_ERANGE);
  assert_true(in[RU_SYN_NET] == 0.0);
  assert_int_equal(ru_synapse_hold(RU_SYN_HOLD_EXPRESSION, "NET", 1.5, expr, NULL), RU_OK);
  assert_true(expr[RU_SYN_NET] == 1.5);
  assert_true(ru_synapse_hold_max(RU_SYN_HOLD_EXPRESSION) == RU_SYN_EXPRESSION_MAX);
  assert_int_equal(ru_synapse_hold(RU_SYN_HOLD_EXPRESSION, "NET", 11.0, expr, NULL), RU_ERANGE);
  assert_true(expr[RU_SYN_NET] == 1.5);
}

/* Genotypes: SERT+/- and DAT-tg read their scale from the KB (expression.sert_heterozygous,
 * expression.dat_overexpression: 0.5 and 1.5 in data/params.csv); SERT-/- has no transporter. */
static void test_genotypes_read_their_expression_from_the_kb(void **state) {
  (void)state;
  double expr[RU_SYN_NTRANSPORTERS] = {1.0, 1.0, 1.0};
  assert_int_equal(ru_synapse_genotype_expression(S, "sert+/-", expr, NULL), RU_OK);
  assert_true(expr[RU_SYN_SERT] == ru_synapse_get_param(S, "expression.sert_heterozygous"));
  assert_int_equal(ru_synapse_genotype_expression(S, "DAT-tg", expr, NULL), RU_OK);
  assert_true(expr[RU_SYN_DAT] == ru_synapse_get_param(S, "expression.dat_overexpression"));
  assert_int_equal(ru_synapse_genotype_expression(S, "SERT-KO", expr, NULL), RU_OK);
  assert_true(expr[RU_SYN_SERT] == 0.0);
  assert_true(expr[RU_SYN_NET] == 1.0);
  ru_error err;
  assert_int_equal(ru_synapse_genotype_expression(S, "SERT++", expr, &err), RU_ENOTFOUND);
  assert_string_equal(err.message, "unknown 'SERT++' (SERT+/-, SERT-/-, DAT-overexpression)");
}

/* Changing one tolerance keeps the other: the getter returns what is in use. */
static void test_tolerances_read_back(void **state) {
  (void)state;
  ru_synapse *c = ru_synapse_clone(S);
  assert_non_null(c);
  double r0 = 0.0, a0 = 0.0, r = 0.0, a = 0.0;
  ru_synapse_get_tolerances(c, &r0, &a0);
  assert_true(r0 > 0.0 && a0 > 0.0);
  assert_int_equal(ru_synapse_set_tolerances(c, 1e-6, a0, NULL), RU_OK);
  ru_synapse_get_tolerances(c, &r, &a);
  assert_true(r == 1e-6 && a == a0);
  ru_synapse_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ligands_and_receptors_name_their_inputs),
      cmocka_unit_test(test_releaser_names_its_transporters),
      cmocka_unit_test(test_wrong_names_are_refused_with_what_is_accepted),
      cmocka_unit_test(test_releaser_combines_with_a_held_blocker),
      cmocka_unit_test(test_out_of_range_values_leave_inputs_unchanged),
      cmocka_unit_test(test_genotypes_read_their_expression_from_the_kb),
      cmocka_unit_test(test_tolerances_read_back),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
