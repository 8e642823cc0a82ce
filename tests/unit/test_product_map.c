/* A product at its label dose (ru_pd_product_map_at, src/pd/product_map.c): the steady-state mean
 * occupancy of each target is ru_pd_steady_state's at the label regimen, the NET/SERT ratio is
 * their ratio, the enzymes it inhibits are the FDA 2020 basic static screen's liabilities at the
 * unbound steady-state peak, and a product that cannot be mapped says why. The reference numbers
 * are what `reuptake map --format json` printed on the shipped knowledge base when map moved
 * into the library (main 6aac2d8), so the move is checked to change nothing. ru_pd_map_products is
 * the whole map (every product, or a class) in presentation order. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "reuptake.h"

#include "kb_fixture.h"
static const char *const TARGETS[] = {"SERT", "NET", "DAT", "H1"};

static void map(const char *product, ru_label_dose which, ru_pd_product_map *m) {
  ru_error err;
  assert_int_equal(ru_pd_product_map_at(KB, product, which, TARGETS, 4, m, &err), RU_OK);
}

/* Paxil 20 mg q24h (usual): SERT 0.949491759510245, NET 0.05766333640498609 as `map` printed;
 * paroxetine is a mechanism-based CYP2D6 inhibitor (cyp_inhibition.csv), found by R2. */
static void paxil_occupancy_ratio_and_time_dependent_cyp2d6(void **state) {
  (void)state;
  ru_pd_product_map m;
  map("Paxil", RU_LABEL_DOSE_USUAL, &m);
  assert_string_equal(m.not_mapped, "");
  assert_true(m.dose_mg == 20.0 && m.interval_h == 24.0);
  assert_int_equal(m.ntargets, 4);
  assert_true(fabs(m.mean[0] - 0.949491759510245) <= 1e-12);
  assert_true(fabs(m.mean[1] - 0.05766333640498609) <= 1e-12);
  assert_true(m.net_sert == ru_pd_occupancy_ratio(m.mean[1], m.mean[0]));
  assert_int_equal(m.ninhibited, 1);
  assert_string_equal(m.inhibited[0].enzyme, "CYP2D6");
  assert_int_equal(m.inhibited[0].time_dependent, 1);
  assert_int_equal(m.nkpuu_default, 0);
  ru_pd_product_map_free(&m);
  ru_pd_product_map_free(&m); /* idempotent */
  ru_pd_product_map_free(NULL);
}

/* The means are ru_pd_steady_state's for the label regimen (one steady-state grid). */
static void means_are_the_steady_state_summary_of_the_label_regimen(void **state) {
  (void)state;
  ru_pd_product_map m;
  map("Strattera", RU_LABEL_DOSE_USUAL, &m);
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  char spec[128];
  snprintf(spec, sizeof spec, "Strattera:%.17gmg:q%.17gh", m.dose_mg, m.interval_h);
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, spec, &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  ru_pd_summary sum[4];
  assert_int_equal(ru_pd_steady_state(KB, s, TARGETS, 4, sum, &err), RU_OK);
  for (size_t k = 0; k < 4; k++) assert_true(m.mean[k] == sum[k].mean);
  ru_pd_summary_free(sum, 4);
  ru_sim_free(s);
  ru_regimen_free(r);
  ru_pd_product_map_free(&m);
}

/* Luvox 100 mg q24h: fluvoxamine inhibits CYP2C19 and CYP1A2 reversibly (R1), each listed once
 * in the screen's order, and has no brain-exposure evidence (the default Kp,uu,brain). */
static void luvox_inhibits_cyp2c19_and_cyp1a2_with_the_default_kpuu(void **state) {
  (void)state;
  ru_pd_product_map m;
  map("Luvox", RU_LABEL_DOSE_USUAL, &m);
  assert_true(fabs(m.mean[0] - 0.8046968161185977) <= 1e-12);
  assert_int_equal(m.ninhibited, 2);
  assert_string_equal(m.inhibited[0].enzyme, "CYP2C19");
  assert_string_equal(m.inhibited[1].enzyme, "CYP1A2");
  assert_int_equal(m.inhibited[0].time_dependent + m.inhibited[1].time_dependent, 0);
  assert_int_equal(m.nkpuu_default, 1);
  assert_string_equal(m.kpuu_default[0], "fluvoxamine");
  ru_pd_product_map_free(&m);
}

/* Not mapped, with the reason: no sourced dose (Effexor's usual), incomplete (Paxil CR), a
 * value missing (Prozac: norfluoxetine's fu); never a guessed occupancy. */
static void products_that_cannot_be_mapped_say_why(void **state) {
  (void)state;
  ru_pd_product_map m;
  map("Effexor", RU_LABEL_DOSE_USUAL, &m);
  assert_string_equal(m.not_mapped, "no sourced usual dose in the knowledge base");
  ru_pd_product_map_free(&m);
  map("Paxil CR", RU_LABEL_DOSE_USUAL, &m);
  assert_memory_equal(m.not_mapped, "incomplete: ", 12);
  ru_pd_product_map_free(&m);
  map("Prozac", RU_LABEL_DOSE_USUAL, &m);
  assert_non_null(strstr(m.not_mapped, "norfluoxetine"));
  assert_true(isnan(m.mean[0]) && isnan(m.net_sert));
  assert_int_equal(m.ninhibited + m.nkpuu_default, 0);
  ru_pd_product_map_free(&m);
}

/* Without both NET and SERT among the targets there is no ratio; an unknown product is an
 * error that leaves nothing allocated. */
static void ratio_needs_both_targets_and_unknown_products_fail(void **state) {
  (void)state;
  ru_pd_product_map m;
  ru_error err;
  assert_int_equal(ru_pd_product_map_at(KB, "Paxil", RU_LABEL_DOSE_USUAL, TARGETS + 1, 3, &m, &err), RU_OK);
  assert_true(isnan(m.net_sert));
  ru_pd_product_map_free(&m);
  assert_int_not_equal(ru_pd_product_map_at(KB, "Nosuchbrand", RU_LABEL_DOSE_USUAL, TARGETS, 4, &m, &err), RU_OK);
  assert_null(m.mean);
  assert_int_equal(ru_pd_product_map_at(NULL, "Paxil", RU_LABEL_DOSE_USUAL, TARGETS, 4, &m, &err), RU_EINVAL);
}

/* Mapped first, then not mapped; each by class order (SSRI, SNRI, NRI, ...), then name. */
static void sort_puts_mapped_first_in_class_order(void **state) {
  (void)state;
  const char *in[] = {"Strattera", "Effexor", "Zoloft", "Cymbalta", "Paxil"};
  const char *want[] = {"Paxil", "Zoloft", "Cymbalta", "Strattera", "Effexor"};
  ru_pd_product_map m[5];
  for (size_t i = 0; i < 5; i++) map(in[i], RU_LABEL_DOSE_USUAL, &m[i]);
  ru_pd_product_map_sort(m, 5);
  for (size_t i = 0; i < 5; i++) {
    assert_string_equal(m[i].product.name, want[i]);
    ru_pd_product_map_free(&m[i]);
  }
}

/* The whole map: --class is a case-insensitive substring ("stimulant" is both stimulant classes),
 * rows come in ru_pd_product_map_sort's order and equal the per-product maps. */
static void map_products_filters_by_class_substring_in_presentation_order(void **state) {
  (void)state;
  ru_pd_product_map *rows = NULL;
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_pd_map_products(KB, "stimulant", RU_LABEL_DOSE_USUAL, TARGETS, 4, NULL, &rows, &n, &err),
                   RU_OK);
  assert_true(n > 0);
  int seen_releaser = 0;
  for (size_t i = 0; i < n; i++) {
    assert_non_null(strstr(rows[i].product.drug_class, "stimulant"));
    seen_releaser |= strcmp(rows[i].product.drug_class, "stimulant (releaser)") == 0;
    if (i > 0 && rows[i - 1].not_mapped[0] == '\0' && rows[i].not_mapped[0] == '\0' &&
        strcmp(rows[i - 1].product.drug_class, rows[i].product.drug_class) == 0) {
      assert_true(strcasecmp(rows[i - 1].product.name, rows[i].product.name) < 0);
    }
  }
  assert_true(seen_releaser);
  assert_string_equal(rows[0].product.drug_class, "NDRI (stimulant)"); /* before the releasers */
  ru_pd_product_map one;
  map(rows[0].product.name, RU_LABEL_DOSE_USUAL, &one);
  for (size_t k = 0; k < 4; k++) assert_true(one.mean[k] == rows[0].mean[k]);
  ru_pd_product_map_free(&one);
  ru_pd_product_maps_free(rows, n);
  assert_int_equal(ru_pd_map_products(KB, "nosuchclass", RU_LABEL_DOSE_USUAL, TARGETS, 4, NULL, &rows, &n, &err),
                   RU_OK);
  assert_int_equal(n, 0);
  ru_pd_product_maps_free(rows, n);
  ru_pd_product_maps_free(NULL, 3);
}

/* A cancel flag already set stops before the first product, with nothing allocated. */
static void map_products_stops_when_cancelled(void **state) {
  (void)state;
  static volatile sig_atomic_t stop = 1;
  ru_pd_product_map sentinel;
  ru_pd_product_map *rows = &sentinel; /* overwritten */
  size_t n = 7;
  ru_error err;
  assert_int_equal(ru_pd_map_products(KB, NULL, RU_LABEL_DOSE_USUAL, TARGETS, 4, &stop, &rows, &n, &err),
                   RU_EINTERRUPTED);
  assert_null(rows);
  assert_int_equal(n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paxil_occupancy_ratio_and_time_dependent_cyp2d6),
      cmocka_unit_test(means_are_the_steady_state_summary_of_the_label_regimen),
      cmocka_unit_test(luvox_inhibits_cyp2c19_and_cyp1a2_with_the_default_kpuu),
      cmocka_unit_test(products_that_cannot_be_mapped_say_why),
      cmocka_unit_test(ratio_needs_both_targets_and_unknown_products_fail),
      cmocka_unit_test(sort_puts_mapped_first_in_class_order),
      cmocka_unit_test(map_products_filters_by_class_substring_in_presentation_order),
      cmocka_unit_test(map_products_stops_when_cancelled),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
