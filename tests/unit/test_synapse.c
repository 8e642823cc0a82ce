/* The synapse model, one published behaviour per test (the number and its source beside each
 * assertion), plus its numerics (closed form vs CVODE), its knowledge-base parameters and its
 * error paths. Held inputs use occupancies stated in the test; every parameter comes from the
 * embedded knowledge base. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/regimen.h"
#include "reuptake/synapse.h"

#define NIN RU_SYN_NINPUTS

/* cmocka's assert_float_equal works in float; this compares doubles and prints both. */
#define assert_double_equal(a, b, tol)                                                       \
  do {                                                                                      \
    const double a_ = (a), b_ = (b);                                                        \
    if (!(fabs(a_ - b_) <= (tol))) {                                                        \
      fail_msg("%s = %.12g, expected %.12g (tolerance %g)", #a, a_, b_, (double)(tol));     \
    }                                                                                       \
  } while (0)

#include "kb_fixture.h"

static ru_synapse *mk(void) {
  ru_synapse *s = NULL;
  ru_error err;
  if (ru_synapse_new(KB, &s, &err) != RU_OK) {
    fail_msg("synapse_new: %s", err.message);
  }
  return s;
}

static size_t region(const ru_synapse *s, const char *name) {
  size_t r = 0;
  assert_int_equal(ru_synapse_region_find(s, name, &r, NULL), RU_OK);
  return r;
}

/* Runs held inputs to the given times. */
static void run_held(ru_synapse *s, const double *in, const double *t, size_t nt) {
  ru_error err;
  assert_int_equal(ru_synapse_set_inputs_constant(s, in, NULL), RU_OK);
  if (ru_synapse_run(s, t, nt, &err) != RU_OK) {
    fail_msg("run: %s", err.message);
  }
}

/* Occupancy of an effective antagonist dose, as calibrated (calibration_synapse.csv). */
static double effective(void) {
  ru_value v;
  assert_int_equal(ru_kb_param(KB, "synapse", "calibration.effective_dose_occupancy", &v, NULL),
                   RU_OK);
  return v.value;
}

/* --- house: parameters from the knowledge base --------------------------------------------- */

static void test_every_parameter_is_read_from_the_kb_with_a_source(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const size_t n = ru_synapse_param_count(s);
  assert_true(n > 30);
  for (size_t i = 0; i < n; i++) {
    ru_model_param p;
    assert_int_equal(ru_synapse_param_at(s, i, &p, NULL), RU_OK);
    assert_string_equal(p.domain, "synapse");
    if (p.value.status == RU_VALUE_MISSING) {
      assert_true(p.optional);
      continue;
    }
    char cit[1024];
    assert_int_equal(ru_kb_source(KB, p.value.source, cit, sizeof cit, NULL), RU_OK);
    /* a real citation or the calibration record; never a file path */
    assert_null(strstr(cit, "../"));
    assert_null(strstr(cit, "/work/"));
  }
  ru_synapse_free(s);
}

static void test_param_override_reaches_the_model_and_is_marked_user(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double in[NIN] = {[RU_SYN_NET] = 0.9};
  const double t = 3.0;
  run_held(s, in, &t, 1);
  const double before = ru_synapse_fold(s, 0, region(s, "pfc"), RU_SYN_NE);
  assert_int_equal(ru_synapse_set_param(s, "ne.share_net", 0.6, NULL), RU_OK);
  run_held(s, in, &t, 1);
  const double after = ru_synapse_fold(s, 0, region(s, "pfc"), RU_SYN_NE);
  assert_true(after < before);
  for (size_t i = 0; i < ru_synapse_param_count(s); i++) {
    ru_model_param p;
    ru_synapse_param_at(s, i, &p, NULL);
    if (strcmp(p.name, "ne.share_net") == 0) {
      assert_int_equal(p.value.status, RU_VALUE_USER);
    }
  }
  assert_int_equal(ru_synapse_set_param(s, "no.such.param", 1.0, NULL), RU_ENOTFOUND);
  assert_int_equal(ru_synapse_set_param(s, "ne.share_net", 2.0, NULL), RU_ERANGE);
  ru_synapse_free(s);
}

/* --- numerics ------------------------------------------------------------------------------ */

/* With the brakes off (gains 0) and an unlimited store, NE under a held NET occupancy o has the
 * closed form 1 / (1 - share o) (first-order uptake); CVODE must give it to 1e-8. */
static void test_no_feedback_steady_state_matches_the_closed_form(void **state) {
  (void)state;
  ru_synapse *s = mk();
  assert_int_equal(ru_synapse_set_param(s, "alpha2.gain_soma", 0.0, NULL), RU_OK);
  assert_int_equal(ru_synapse_set_param(s, "alpha2.gain_terminal", 0.0, NULL), RU_OK);
  assert_int_equal(ru_synapse_set_param(s, "release.capacity_fold", 1e9, NULL), RU_OK);
  assert_int_equal(ru_synapse_set_tolerances(s, 1e-11, 1e-13, NULL), RU_OK);
  const double o = 0.8;
  const double in[NIN] = {[RU_SYN_NET] = o};
  const double t = 3.0;
  run_held(s, in, &t, 1);
  const double share = ru_synapse_get_param(s, "ne.share_net");
  const double expect = 1.0 / (1.0 - share * o);
  assert_double_equal(ru_synapse_fold(s, 0, region(s, "hippocampus"), RU_SYN_NE), expect,
                      1e-8 * expect);
  ru_synapse_free(s);
}

static void test_no_drug_is_a_steady_state_for_21_days(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double in[NIN] = {0};
  const double t[2] = {0.0, 504.0};
  run_held(s, in, t, 2);
  for (size_t r = 0; r < ru_synapse_region_count(s); r++) {
    for (int a = 0; a < RU_SYN_NANALYTES; a++) {
      assert_double_equal(ru_synapse_fold(s, 1, r, (ru_syn_analyte)a), 1.0, 1e-6);
    }
  }
  for (int n = 0; n < RU_SYN_NANALYTES; n++) {
    assert_double_equal(ru_synapse_firing_fold(s, 1, (ru_syn_nucleus)n), 1.0, 1e-6);
  }
  ru_synapse_free(s);
}

/* Competitive binding at one site: odds add (hand formula). */
static void test_combined_occupancy_adds_odds(void **state) {
  (void)state;
  const double a = 0.6;
  const double b = 0.3;
  const double x = a / (1 - a) + b / (1 - b);
  assert_double_equal(ru_synapse_combine_occupancy(a, b), x / (1 + x), 1e-12);
  assert_double_equal(ru_synapse_combine_occupancy(0.0, b), b, 1e-15);
  assert_double_equal(ru_synapse_combine_occupancy(1.0, b), 1.0, 1e-15);
}

/* --- published behaviours ------------------------------------------------------------------ */

/* Invernizzi 2001 Br J Pharmacol 132:183 (PFC NE 263% at 2 d -> 599% at 14 d of reboxetine) and
 * Parini 2005 Neuropsychopharmacology 30:1048 (dHPC 272% -> 469% at 7 d): sustained NET block
 * raises cortical NE further as terminal alpha2 autoreceptors desensitize. */
static void test_alpha2_desensitization_raises_cortical_ne_over_two_weeks(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double in[NIN] = {[RU_SYN_NET] = 0.95};
  const double t[3] = {3.0, 14 * 24.0, 21 * 24.0};
  run_held(s, in, t, 3);
  const size_t pfc = region(s, "pfc");
  const double acute = ru_synapse_fold(s, 0, pfc, RU_SYN_NE);
  const double d14 = ru_synapse_fold(s, 1, pfc, RU_SYN_NE);
  const double d21 = ru_synapse_fold(s, 2, pfc, RU_SYN_NE);
  printf("PFC NE under NET 0.95: 3 h %.2f, day 14 %.2f, day 21 %.2f (Invernizzi 2001: 2.63 at "
         "2 d -> 5.99 at 14 d; the model's rise is capped, docs/synapse.md)\n", acute, d14, d21);
  assert_true(d14 > 1.15 * acute);
  assert_true(d21 >= d14 * 0.99);
  assert_true(ru_synapse_sensitivity(s, 2, RU_SYN_R_ALPHA2_TERMINAL, pfc) < 0.7);
  /* LC somatodendritic alpha2 does not desensitize: LC firing stays suppressed (Szabo & Blier
   * 2001: -80% after 21 d of reboxetine) */
  assert_true(ru_synapse_firing_fold(s, 2, RU_SYN_LC) < 0.5);
  ru_synapse_free(s);
}

/* Czachura & Rasmussen 2000 (fluoxetine: DRN firing recovers over 14-21 d) and Chaput 1986
 * (citalopram: complete recovery at 14 d): 5-HT1A desensitization restores raphe firing; it
 * recovers (resensitizes) after the drug stops. */
static void test_5ht1a_adaptation_restores_raphe_firing_within_three_weeks(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double in[NIN] = {[RU_SYN_SERT] = 0.9};
  const double t[3] = {3.0, 14 * 24.0, 21 * 24.0};
  run_held(s, in, t, 3);
  const double acute = ru_synapse_firing_fold(s, 0, RU_SYN_DRN);
  const double d14 = ru_synapse_firing_fold(s, 1, RU_SYN_DRN);
  const double d21 = ru_synapse_firing_fold(s, 2, RU_SYN_DRN);
  printf("DRN firing under SERT 0.9: acute %.2f, 14 d %.2f, 21 d %.2f\n", acute, d14, d21);
  assert_true(acute < 0.6);
  /* the model recovers partly (to ~0.8, docs/synapse.md: homeostatic desensitization) */
  assert_true(d21 > 0.7);
  assert_true(d14 > 1.5 * acute);
  assert_true(d14 > 0.9 * d21);
  ru_synapse_free(s);
}

static void test_5ht1a_resensitizes_after_the_drug_stops(void **state) {
  (void)state;
  ru_synapse *s = mk();
  /* SERT 0.9 for 21 days, then none for 21 days (samples: the integrator stops at each) */
  const double tt[4] = {0.0, 504.0, 504.001, 1008.0};
  double in[4 * NIN] = {0};
  in[0 * NIN + RU_SYN_SERT] = 0.9;
  in[1 * NIN + RU_SYN_SERT] = 0.9;
  assert_int_equal(ru_synapse_set_inputs_samples(s, tt, 4, in, NULL), RU_OK);
  const double t[2] = {504.0, 1008.0};
  assert_int_equal(ru_synapse_run(s, t, 2, NULL), RU_OK);
  const double on = ru_synapse_sensitivity(s, 0, RU_SYN_R_5HT1A_SOMA, 0);
  const double off = ru_synapse_sensitivity(s, 1, RU_SYN_R_5HT1A_SOMA, 0);
  assert_true(on < 0.5);
  assert_true(off > 0.95);
  ru_synapse_free(s);
}

/* Gobert 1997 J Neurochem 69:2616 (duloxetine 5x, with atipamezole 11x frontal NE) and PMC1571760
 * (reboxetine 3.4x, with idazoxan 16.8x): an alpha2 antagonist on top of NET block multiplies
 * cortical NE well beyond the block alone. */
static void test_alpha2_antagonist_on_net_block_multiplies_ne(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double t = 3.0;
  const double block[NIN] = {[RU_SYN_NET] = 0.95};
  run_held(s, block, &t, 1);
  const size_t pfc = region(s, "pfc");
  const double alone = ru_synapse_fold(s, 0, pfc, RU_SYN_NE);
  const double both[NIN] = {[RU_SYN_NET] = 0.95, [RU_SYN_ALPHA2] = effective()};
  run_held(s, both, &t, 1);
  const double combo = ru_synapse_fold(s, 0, pfc, RU_SYN_NE);
  printf("PFC NE: NET block %.2f, + alpha2 antagonist %.2f\n", alone, combo);
  assert_true(combo > 2.5 * alone);
  assert_true(combo > 8.0);
  ru_synapse_free(s);
}

/* Ceiling from mechanism: maximal NET block gives a finite rise set by the residual
 * (diffusion, extraneuronal) clearance and the release capacity, not a cap. */
static void test_full_net_block_is_bounded_by_residual_clearance(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double t = 3.0;
  const double in[NIN] = {[RU_SYN_NET] = 1.0, [RU_SYN_ALPHA2] = 0.999999};
  run_held(s, in, &t, 1);
  const double share = ru_synapse_get_param(s, "ne.share_net");
  const double cap = ru_synapse_get_param(s, "release.capacity_fold");
  const double ne = ru_synapse_fold(s, 0, region(s, "hippocampus"), RU_SYN_NE);
  assert_true(isfinite(ne));
  assert_true(ne < cap / (1.0 - share));
  assert_true(ne > 1.0 / (1.0 - share));
  ru_synapse_free(s);
}

/* Schiffer 2006 Synapse 59:243: amphetamine 2.5 mg/kg raised striatal DA 13.98x, methylphenidate
 * 5 mg/kg 3.6x; by the dose rule both doses occupy ~97% of DAT: at the same DAT occupancy a
 * releaser (transporter reversal, impulse-independent) raises DA far more than a blocker. */
static void test_releaser_raises_striatal_da_far_more_than_a_blocker(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double t = 3.0;
  const double blocker[NIN] = {[RU_SYN_DAT] = 0.97};
  run_held(s, blocker, &t, 1);
  const size_t str = region(s, "striatum");
  const double mph = ru_synapse_fold(s, 0, str, RU_SYN_DA);
  const double releaser[NIN] = {[RU_SYN_DAT] = 0.97, [RU_SYN_DAT_RELEASER] = 0.97};
  run_held(s, releaser, &t, 1);
  const double amph = ru_synapse_fold(s, 0, str, RU_SYN_DA);
  printf("striatal DA at DAT 0.97: blocker %.2f, releaser %.2f\n", mph, amph);
  assert_true(amph > 2.5 * mph); /* published 13.98 / 3.6 = 3.9 */
  /* impulse independence: the release persists with VTA firing suppressed by a D2 agonist */
  const double quiet[NIN] = {[RU_SYN_DAT] = 0.97, [RU_SYN_DAT_RELEASER] = 0.97,
                             [RU_SYN_D2_AGONIST] = 0.9};
  run_held(s, quiet, &t, 1);
  assert_true(ru_synapse_firing_fold(s, 0, RU_SYN_VTA) < 0.5);
  assert_true(ru_synapse_fold(s, 0, str, RU_SYN_DA) > 0.5 * amph);
  ru_synapse_free(s);
}

/* Bymaster 2002 Neuropsychopharmacology 27:699: NET block raises PFC DA (cleared by NET) but not
 * striatal DA (DAT only, Mateo 2004). */
static void test_net_block_raises_cortical_not_striatal_da(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double in[NIN] = {[RU_SYN_NET] = 0.9};
  const double t = 3.0;
  run_held(s, in, &t, 1);
  assert_true(ru_synapse_fold(s, 0, region(s, "pfc"), RU_SYN_DA) > 1.8);
  assert_double_equal(ru_synapse_fold(s, 0, region(s, "striatum"), RU_SYN_DA), 1.0, 0.1);
  ru_synapse_free(s);
}

/* Prisco & Esposito 1995 Br J Pharmacol (PMID 8528581): citalopram i.v. inhibits VTA DA firing
 * (maximal -14%) through 5-HT (5-HT2C: reversed by SB 242084, Dremencov 2009); a 5-HT2C
 * antagonist removes the inhibition. */
static void test_ssri_inhibits_vta_firing_through_5ht2c(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double t = 3.0;
  const double ssri[NIN] = {[RU_SYN_SERT] = 0.9};
  run_held(s, ssri, &t, 1);
  const double vta = ru_synapse_firing_fold(s, 0, RU_SYN_VTA);
  const double blocked[NIN] = {[RU_SYN_SERT] = 0.9, [RU_SYN_5HT2C] = 0.99};
  run_held(s, blocked, &t, 1);
  const double vta_b = ru_synapse_firing_fold(s, 0, RU_SYN_VTA);
  printf("VTA firing under SERT 0.9: %.3f; with a 5-HT2C antagonist %.3f\n", vta, vta_b);
  assert_true(vta < 0.97);
  assert_true(vta_b > vta);
  ru_synapse_free(s);
}

/* Gobert 1997: the alpha2 agonist S 18616 suppressed frontal 5-HT by 63% (NE drive of the raphe
 * through alpha1, Baraban & Aghajanian 1980): lowering NE lowers raphe firing. */
static void test_alpha2_agonist_lowers_raphe_firing_through_alpha1(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double t = 3.0;
  const double ag[NIN] = {[RU_SYN_ALPHA2_AGONIST] = effective()};
  run_held(s, ag, &t, 1);
  assert_true(ru_synapse_firing_fold(s, 0, RU_SYN_DRN) < 0.8);
  assert_true(ru_synapse_fold(s, 0, region(s, "pfc"), RU_SYN_5HT) < 0.8);
  ru_synapse_free(s);
}

/* SNRIs barely raise cortical 5-HT acutely (raphe 5-HT1A brake; raphe > cortex, Malagie 1995)
 * and more after weeks as 5-HT1A desensitizes. */
static void test_sert_block_rises_more_in_raphe_than_cortex_and_grows_with_time(void **state) {
  (void)state;
  ru_synapse *s = mk();
  const double in[NIN] = {[RU_SYN_SERT] = 0.9};
  const double t[2] = {3.0, 21 * 24.0};
  run_held(s, in, t, 2);
  const size_t pfc = region(s, "pfc");
  assert_true(ru_synapse_soma_fold(s, 0, RU_SYN_DRN) > ru_synapse_fold(s, 0, pfc, RU_SYN_5HT));
  assert_true(ru_synapse_fold(s, 1, pfc, RU_SYN_5HT) > 1.2 * ru_synapse_fold(s, 0, pfc, RU_SYN_5HT));
  ru_synapse_free(s);
}

/* A regimen drives the synapse through PK and PD: d-amphetamine's transporter occupancy is held
 * by a releaser, methylphenidate's is not. */
static void test_regimen_inputs_mark_releasers(void **state) {
  (void)state;
  static const char *const drugs[2] = {"d-amphetamine:20mg", "methylphenidate:20mg"};
  for (int k = 0; k < 2; k++) {
    ru_regimen *r = NULL;
    ru_sim *sim = NULL;
    assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
    assert_int_equal(ru_regimen_parse(r, drugs[k], NULL), RU_OK);
    assert_int_equal(ru_sim_new(KB, &sim, NULL), RU_OK);
    assert_int_equal(ru_sim_add_regimen(sim, r, NULL), RU_OK);
    assert_int_equal(ru_sim_prepare(sim, NULL), RU_OK);
    const double t = 3.0;
    double conc[8] = {0};
    double in[NIN];
    assert_int_equal(ru_sim_run(sim, &t, 1, conc, NULL), RU_OK);
    ru_error err;
    if (ru_synapse_inputs_from_sim(KB, sim, conc, 1, NULL, in, &err) != RU_OK) {
      fail_msg("%s", err.message);
    }
    assert_true(in[RU_SYN_DAT] > 0.0);
    if (k == 0) {
      assert_double_equal(in[RU_SYN_DAT_RELEASER], in[RU_SYN_DAT], 1e-12);
    } else {
      assert_double_equal(in[RU_SYN_DAT_RELEASER], 0.0, 1e-15);
    }
    ru_sim_free(sim);
    ru_regimen_free(r);
  }
}

/* Every listed antagonist and releaser names a source that resolves. */
static void test_ligand_table_is_sourced(void **state) {
  (void)state;
  static const char *const required[] = {"idazoxan", "atipamezole", "WAY-100635", "pindolol",
                                         "GR127935", "raclopride", "d-amphetamine",
                                         "l-amphetamine"};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
    assert_non_null(ru_synapse_ligand_find(required[i]));
  }
  for (size_t i = 0; i < ru_synapse_ligand_count(); i++) {
    const ru_syn_ligand *l = ru_synapse_ligand_get(i);
    char cit[1024];
    if (ru_kb_source(KB, l->source, cit, sizeof cit, NULL) != RU_OK) {
      fail_msg("ligand %s: source '%s' does not resolve", l->name, l->source);
    }
  }
  assert_null(ru_synapse_ligand_find("methylphenidate")); /* a blocker, not a releaser */
}

/* --- error paths --------------------------------------------------------------------------- */

static void test_bad_inputs_are_refused(void **state) {
  (void)state;
  ru_synapse *s = mk();
  double in[NIN] = {[RU_SYN_NET] = 1.5};
  assert_int_equal(ru_synapse_set_inputs_constant(s, in, NULL), RU_ERANGE);
  double rel[NIN] = {[RU_SYN_DAT] = 0.2, [RU_SYN_DAT_RELEASER] = 0.5};
  assert_int_equal(ru_synapse_set_inputs_constant(s, rel, NULL), RU_ERANGE);
  const double tt[2] = {1.0, 1.0};
  double two[2 * NIN] = {0};
  assert_int_equal(ru_synapse_set_inputs_samples(s, tt, 2, two, NULL), RU_EINVAL);
  const double back[2] = {2.0, 1.0};
  assert_int_equal(ru_synapse_run(s, back, 2, NULL), RU_EINVAL);
  assert_int_equal(ru_synapse_set_tolerances(s, 0.0, 1e-9, NULL), RU_EINVAL);
  assert_int_equal(ru_synapse_set_expression(s, RU_SYN_SERT, 11.0, NULL), RU_ERANGE);
  size_t r = 0;
  assert_int_equal(ru_synapse_region_find(s, "cerebellum", &r, NULL), RU_ENOTFOUND);
  ru_syn_region_spec sp;
  memset(&sp, 0, sizeof sp);
  for (int a = 0; a < RU_SYN_NANALYTES; a++) {
    sp.c0_nM[a] = 1.0;
    sp.k_per_s[a] = 1.0;
  }
  int full = 0;
  for (int k = 0; k < RU_SYN_MAX_REGIONS + 2 && !full; k++) {
    snprintf(sp.name, sizeof sp.name, "custom%d", k);
    const ru_status st = ru_synapse_add_region(s, &sp, NULL);
    if (st == RU_ELIMIT) {
      full = 1;
    } else {
      assert_int_equal(st, RU_OK);
    }
  }
  assert_true(full);
  assert_int_equal(ru_synapse_new(NULL, NULL, NULL), RU_EINVAL);
  ru_synapse_free(NULL);
  ru_synapse_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_parameter_is_read_from_the_kb_with_a_source),
      cmocka_unit_test(test_param_override_reaches_the_model_and_is_marked_user),
      cmocka_unit_test(test_no_feedback_steady_state_matches_the_closed_form),
      cmocka_unit_test(test_no_drug_is_a_steady_state_for_21_days),
      cmocka_unit_test(test_combined_occupancy_adds_odds),
      cmocka_unit_test(test_alpha2_desensitization_raises_cortical_ne_over_two_weeks),
      cmocka_unit_test(test_5ht1a_adaptation_restores_raphe_firing_within_three_weeks),
      cmocka_unit_test(test_5ht1a_resensitizes_after_the_drug_stops),
      cmocka_unit_test(test_alpha2_antagonist_on_net_block_multiplies_ne),
      cmocka_unit_test(test_full_net_block_is_bounded_by_residual_clearance),
      cmocka_unit_test(test_releaser_raises_striatal_da_far_more_than_a_blocker),
      cmocka_unit_test(test_net_block_raises_cortical_not_striatal_da),
      cmocka_unit_test(test_ssri_inhibits_vta_firing_through_5ht2c),
      cmocka_unit_test(test_alpha2_agonist_lowers_raphe_firing_through_alpha1),
      cmocka_unit_test(test_sert_block_rises_more_in_raphe_than_cortex_and_grows_with_time),
      cmocka_unit_test(test_regimen_inputs_mark_releasers),
      cmocka_unit_test(test_ligand_table_is_sourced),
      cmocka_unit_test(test_bad_inputs_are_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
