/* The subject model (pk.h, pd.h, ddi.h) as a specification: each test is one behaviour, with
 * the published number or the hand-derived formula next to its assertion. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake.h"

#include "kb_fixture.h"

/* A prepared simulation of the given regimens (NULL-terminated) with optional phenotype. */
static ru_sim *sim_of(const char *phenotype, const char *const *regimens) {
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  for (size_t i = 0; regimens[i] != NULL; i++) {
    assert_int_equal(ru_regimen_parse(r, regimens[i], &err), RU_OK);
  }
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  if (phenotype) assert_int_equal(ru_sim_set_phenotype(s, phenotype, &err), RU_OK);
  ru_regimen_free(r);
  return s;
}

static ru_exposure exposure_of(ru_sim *s, const char *compound) {
  ru_error err;
  ru_exposure e[16];
  assert_true(ru_sim_compound_count(s) <= 16);
  assert_int_equal(ru_sim_exposure(s, e, &err), RU_OK);
  const long i = ru_sim_compound_index(s, compound);
  assert_true(i >= 0);
  return e[i];
}

static double kb_value(const char *compound, const char *key) {
  ru_compound c;
  ru_error err;
  assert_int_equal(ru_kb_compound(KB, compound, &c, &err), RU_OK);
  if (strcmp(key, "cl") == 0) return c.pk.cl_f_l_per_h.value;
  if (strcmp(key, "fu") == 0) return c.pk.fu.value;
  return c.mw_g_per_mol.value;
}

/* Linear PK: AUC0-inf of a single oral dose = dose / (CL/F) (mass balance). */
static void test_single_dose_auc_is_dose_over_apparent_clearance(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg", NULL};
  ru_sim *s = sim_of(NULL, reg);
  const ru_exposure e = exposure_of(s, "atomoxetine");
  const double expected = 40.0 / kb_value("atomoxetine", "cl") * 1000.0; /* ng*h/mL */
  assert_float_equal(e.auc_ng_h_per_ml, expected, 1e-9 * expected);
  assert_int_equal(e.steady_state, 0);
  ru_sim_free(s);
}

/* Steady state: AUCtau = dose / (CL/F), the infinite-sum identity of linear kinetics. */
static void test_steady_state_auc_tau_is_dose_over_apparent_clearance(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", NULL};
  ru_sim *s = sim_of(NULL, reg);
  const ru_exposure e = exposure_of(s, "atomoxetine");
  const double expected = 40.0 / kb_value("atomoxetine", "cl") * 1000.0;
  assert_float_equal(e.auc_ng_h_per_ml, expected, 1e-8 * expected);
  assert_float_equal(e.cavg_ng_per_ml, expected / 12.0, 1e-8 * expected);
  assert_true(e.cmin_ng_per_ml < e.cavg_ng_per_ml && e.cavg_ng_per_ml < e.cmax_ng_per_ml);
  ru_sim_free(s);
}

/* The closed form and CVODE agree on parent -> metabolite systems (amitriptyline ->
 * nortriptyline; venlafaxine -> O-desmethylvenlafaxine) over 10 days. Each pair is simulated on
 * its own: together, venlafaxine and O-desmethylvenlafaxine inhibit amitriptyline's CYP2D6 share
 * (Ball 1997; Oganesian 2009), which makes the combined system nonlinear. */
static void test_closed_form_matches_cvode_with_metabolites(void **state) {
  (void)state;
  const char *regs[2][2] = {{"amitriptyline:25mg:q24h", NULL}, {"venlafaxine:75mg:q12h", NULL}};
  for (size_t p = 0; p < 2; p++) {
    ru_sim *a = sim_of(NULL, regs[p]), *b = sim_of(NULL, regs[p]);
    ru_sim_set_force_ode(b, 1);
    ru_error err;
    enum { NT = 241 };
    double t[NT], ca[2 * NT], cb[2 * NT];
    for (size_t j = 0; j < NT; j++) t[j] = (double)j;
    assert_int_equal(ru_sim_run(a, t, NT, ca, &err), RU_OK);
    assert_int_equal(ru_sim_run(b, t, NT, cb, &err), RU_OK);
    assert_false(ru_sim_is_nonlinear(a));
    assert_true(ru_sim_is_nonlinear(b));
    assert_int_equal(ru_sim_compound_count(a), 2);
    for (size_t k = 0; k < 2 * NT; k++) {
      /* CVODE at rtol 1e-8 vs the exact solution */
      assert_float_equal(ca[k], cb[k], 1e-6 * fmax(ca[k], 1e-3));
    }
    ru_sim_free(a);
    ru_sim_free(b);
  }
}

/* The subject model on both engines, through the one dose timeline: every record kind a
 * dataset can carry (oral and IV bolus, infusion, ADDL, lag, SS=1 bolus and infusion, SS
 * constant infusion, EVID 3 and EVID 4, two compounds) gives the same concentrations on the
 * closed form and on CVODE (rtol 1e-8; 1e-6 of the peak). Before the normaliser, an SS=1 record
 * reset the state on one path only and the SS constant infusion failed on the CVODE path. */
static void test_every_record_kind_agrees_on_both_engines(void **state) {
  (void)state;
  static const char *const DATA[] = {
      /* oral ADDL, then an IV infusion; atomoxetine with a lag set below */
      "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE\n"
      "1,0,40,1,1,atomoxetine,12,5,0,0\n"
      "1,30,20,1,2,atomoxetine,0,0,0,10\n",
      /* SS=1 oral bolus with ADDL, then SS=1 infusion later (resets) */
      "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE\n"
      "1,0,40,1,1,atomoxetine,12,3,1,0\n"
      "1,60,30,1,2,atomoxetine,12,2,1,15\n",
      /* SS constant infusion, then EVID 3 and an EVID 4 dose */
      "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE\n"
      "1,0,0,1,2,atomoxetine,0,0,1,2\n"
      "1,20,0,3,2,atomoxetine,0,0,0,0\n"
      "1,30,40,4,1,atomoxetine,0,0,0,0\n",
      /* two compounds with a metabolite: an SS=1 record of one resets both (NONMEM) */
      "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE\n"
      "1,0,25,1,1,amitriptyline,24,4,0,0\n"
      "1,50,75,1,1,venlafaxine,12,4,1,0\n",
  };
  enum { NT = 193 };
  double t[NT];
  for (size_t j = 0; j < NT; j++) t[j] = 0.5 * (double)j;
  for (size_t k = 0; k < sizeof DATA / sizeof DATA[0]; k++) {
    ru_error err;
    ru_sim *s[2] = {NULL, NULL};
    double *c[2] = {NULL, NULL};
    for (int e = 0; e < 2; e++) {
      ru_regimen *r = NULL;
      assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
      assert_int_equal(ru_regimen_read_dataset_buffer(r, DATA[k], strlen(DATA[k]), "d.csv", &err),
                       RU_OK);
      assert_int_equal(ru_sim_new(KB, &s[e], &err), RU_OK);
      assert_int_equal(ru_sim_add_regimen(s[e], r, &err), RU_OK);
      assert_int_equal(ru_sim_set_override(s[e], "atomoxetine.tlag_h=0.4", &err), RU_OK);
      ru_sim_set_force_ode(s[e], e);
      ru_regimen_free(r);
      c[e] = malloc(ru_sim_compound_count(s[e]) * NT * sizeof *c[e]);
      assert_non_null(c[e]);
      if (ru_sim_run(s[e], t, NT, c[e], &err) != RU_OK) {
        fail_msg("dataset %zu, engine %d: %s", k, e, err.message);
      }
    }
    const size_t nc = ru_sim_compound_count(s[0]);
    for (size_t i = 0; i < nc; i++) {
      double peak = 0.0;
      for (size_t j = 0; j < NT; j++) peak = fmax(peak, c[0][i * NT + j]);
      for (size_t j = 0; j < NT; j++) {
        const double a = c[0][i * NT + j], b = c[1][i * NT + j];
        if (!(fabs(a - b) <= 1e-6 * peak + 1e-12)) {
          fail_msg("dataset %zu, %s at t = %g: closed form %.10g, CVODE %.10g (peak %g)", k,
                   ru_sim_compound_name(s[0], i), t[j], a, b, peak);
        }
      }
    }
    for (int e = 0; e < 2; e++) {
      free(c[e]);
      ru_sim_free(s[e]);
    }
  }
}

/* A steady-state record on a nonlinear subject (paroxetine inactivates its own CYP2D6) is placed
 * by repeated dosing: it equals a year of explicit doses before it (1e-6 of the level; after 120
 * days the explicit run is still 5e-5 short: the self-inactivation has a slow mode). */
static void test_nonlinear_steady_state_record_equals_long_dosing(void **state) {
  (void)state;
  static const char SS[] = "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE\n"
                           "1,8640,20,1,1,paroxetine,24,1,1,0\n";
  static const char EX[] = "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE\n"
                           "1,0,20,1,1,paroxetine,24,361,0,0\n";
  const char *const data[2] = {SS, EX};
  double t[4] = {8640.0, 8644.0, 8655.0, 8680.0};
  double c[2][8];
  for (int k = 0; k < 2; k++) {
    ru_error err;
    ru_regimen *r = NULL;
    ru_sim *s = NULL;
    assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
    assert_int_equal(ru_regimen_read_dataset_buffer(r, data[k], strlen(data[k]), "d.csv", &err),
                     RU_OK);
    assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
    assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
    assert_true(ru_sim_compound_count(s) <= 2);
    if (ru_sim_run(s, t, 4, c[k], &err) != RU_OK) fail_msg("%s", err.message);
    assert_true(ru_sim_is_nonlinear(s));
    ru_regimen_free(r);
    ru_sim_free(s);
  }
  for (size_t j = 0; j < 4; j++) {
    assert_float_equal(c[0][j], c[1][j], 1e-6 * c[1][j]);
  }
}

/* CYP2D6 PM vs NM, atomoxetine 40 mg q12h: AUC ratio 8-10, Cmax ratio 5-5.7 (Strattera US
 * label; Sauer 2003): the calibration_pm_nm rows, reproduced from the KB fm (PBPK, independent
 * of those rows). */
static void test_atomoxetine_poor_metabolizer_exposure_matches_label(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", NULL};
  ru_sim *pm = sim_of("CYP2D6=PM", reg), *nm = sim_of("CYP2D6=NM", reg);
  const ru_exposure a = exposure_of(pm, "atomoxetine"), b = exposure_of(nm, "atomoxetine");
  const double auc = a.auc_ng_h_per_ml / b.auc_ng_h_per_ml;
  const double cmax = a.cmax_ng_per_ml / b.cmax_ng_per_ml;
  printf("atomoxetine PM/NM: AUC %.3g (label 8-10), Cmax %.3g (label 5-5.7)\n", auc, cmax);
  assert_true(auc >= 8.0 && auc <= 10.0);
  assert_true(cmax >= 5.0 && cmax <= 5.7);
  ru_sim_free(pm);
  ru_sim_free(nm);
}

/* An activity score of 0 is a poor metabolizer (CPIC). */
static void test_activity_score_zero_equals_poor_metabolizer(void **state) {
  (void)state;
  const char *reg[] = {"desipramine:50mg:q24h", NULL};
  ru_sim *a = sim_of("CYP2D6=AS0", reg), *b = sim_of("CYP2D6=PM", reg);
  assert_float_equal(exposure_of(a, "desipramine").auc_ng_h_per_ml,
                     exposure_of(b, "desipramine").auc_ng_h_per_ml, 1e-9);
  ru_sim_free(a);
  ru_sim_free(b);
}

/* Paroxetine's nonlinear accumulation and its PM/NM contrast come from one mechanism: its
 * mechanism-based inactivation of CYP2D6 (KB: KI, kinact, kdeg; fm from the single-dose
 * PM/EM AUC ratio 7.1 of Sindrup 1992). Sindrup 1992 (Clin Pharmacol Ther 51:278): single
 * dose PM/EM AUC 7.1, steady state only 1.7; EM steady-state AUC far above the single-dose
 * prediction (label: ~8x). Here: the contrast must shrink and EMs must accumulate beyond
 * linear, with no special case in the code. */
static void test_paroxetine_self_inactivation_gives_nonlinear_accumulation(void **state) {
  (void)state;
  const char *single[] = {"paroxetine:30mg", NULL}, *daily[] = {"paroxetine:30mg:q24h", NULL};
  ru_sim *nm1 = sim_of("CYP2D6=NM", single), *pm1 = sim_of("CYP2D6=PM", single);
  ru_sim *nmss = sim_of("CYP2D6=NM", daily), *pmss = sim_of("CYP2D6=PM", daily);
  const double nm_single = exposure_of(nm1, "paroxetine").auc_ng_h_per_ml;
  const double pm_single = exposure_of(pm1, "paroxetine").auc_ng_h_per_ml;
  const double nm_ss = exposure_of(nmss, "paroxetine").auc_ng_h_per_ml;
  const double pm_ss = exposure_of(pmss, "paroxetine").auc_ng_h_per_ml;
  printf("paroxetine: PM/NM single %.3g (Sindrup 7.1), steady %.3g (Sindrup 1.73); "
         "NM AUCtau,ss / AUCinf,single %.3g (linear: 1)\n",
         pm_single / nm_single, pm_ss / nm_ss, nm_ss / nm_single);
  assert_true(ru_sim_is_nonlinear(nmss));
  assert_true(pm_ss / nm_ss < 0.5 * (pm_single / nm_single)); /* contrast shrinks */
  assert_true(nm_ss / nm_single > 1.5);                      /* accumulation beyond linear */
  /* in a PM there is no CYP2D6 left to inactivate: paroxetine is linear there (Sindrup) */
  assert_float_equal(pm_ss / pm_single, 1.0, 0.02);
  ru_sim_free(nm1);
  ru_sim_free(pm1);
  ru_sim_free(nmss);
  ru_sim_free(pmss);
}

/* A value the model needs and the KB lacks is reported as missing, never invented. */
static void test_missing_clearance_is_reported_not_invented(void **state) {
  (void)state;
  /* doxepin: CL/F and V/F not sourced, marked incomplete in compounds.csv with the reason */
  ru_kb *kb = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_kb_open(NULL, &kb, &err), RU_OK);
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "doxepin:25mg:q24h", &err), RU_OK);
  assert_int_equal(ru_sim_new(kb, &s, &err), RU_OK);
  ru_status st = ru_sim_add_regimen(s, r, &err);
  if (st == RU_OK) st = ru_sim_prepare(s, &err);
  assert_int_equal(st, RU_EMISSING);
  assert_non_null(strstr(err.message, "doxepin"));
  assert_true(ru_status_is_input_error(st));
  ru_sim_free(s);
  ru_regimen_free(r);
  ru_kb_free(kb);
}

/* --set compound.key=value replaces the KB value (mrgsolve-style parameter update). */
static void test_override_replaces_clearance(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg", NULL};
  ru_sim *s = sim_of(NULL, reg);
  ru_error err;
  assert_int_equal(ru_sim_set_override(s, "Strattera.cl_f_l_per_h=20", &err), RU_OK);
  assert_float_equal(exposure_of(s, "atomoxetine").auc_ng_h_per_ml, 40.0 / 20.0 * 1000.0, 1e-6);
  assert_int_equal(ru_sim_set_override(s, "atomoxetine.nonsense=1", &err), RU_EINVAL);
  assert_int_equal(ru_sim_set_override(s, "atomoxetine.fu=2", &err), RU_ERANGE);
  ru_sim_free(s);
}

/* Competitive occupancy: occ_i = (C_i/K_i) / (1 + sum_j C_j/K_j) (Gaddum), checked by hand. */
static void test_competitive_occupancy_matches_hand_formula(void **state) {
  (void)state;
  const double k[3] = {2.0, 10.0, nan("")};
  const double c[3] = {4.0, 5.0, 100.0};
  double total, by[3];
  ru_pd_occupancy_at(3, k, c, &total, by);
  /* x = 2, 0.5; the third ligand has no affinity and binds nothing */
  assert_float_equal(by[0], 2.0 / 3.5, 1e-12);
  assert_float_equal(by[1], 0.5 / 3.5, 1e-12);
  assert_float_equal(by[2], 0.0, 0.0);
  assert_float_equal(total, 2.5 / 3.5, 1e-12);
}

/* Nortriptyline at a measured level binds NET and H1: H1 is engaged at lower levels than NET
 * (the sedating-at-low-dose, activating-at-high-dose question), occupancies in [0, 1]. */
static void test_nortriptyline_engages_h1_before_net(void **state) {
  (void)state;
  ru_sim *s = NULL;
  ru_error err;
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_compound(s, "nortriptyline", &err), RU_OK);
  assert_int_equal(ru_sim_prepare(s, &err), RU_OK);
  const size_t n = ru_sim_compound_count(s);
  double conc[8] = {0}, h1 = 0.0, net = 0.0;
  conc[ru_sim_compound_index(s, "nortriptyline")] = 10.0; /* ng/mL */
  assert_int_equal(ru_pd_occupancy_series(KB, s, "H1", conc, 1, &h1, NULL, &err), RU_OK);
  assert_int_equal(ru_pd_occupancy_series(KB, s, "NET", conc, 1, &net, NULL, &err), RU_OK);
  printf("nortriptyline 10 ng/mL: H1 %.3g, NET %.3g (n=%zu)\n", h1, net, n);
  assert_true(h1 > 0.0 && h1 <= 1.0 && net > 0.0 && net <= 1.0);
  ru_sim_free(s);
}

/* Paroxetine 20 mg inhibits desipramine's CYP2D6 clearance: a large rise (Alderman 1997:
 * AUC x5.21), the interaction reached within days and lost after stopping. */
static void test_paroxetine_raises_desipramine_exposure(void **state) {
  (void)state;
  const char *perp[] = {"paroxetine:20mg:q24h"};
  ru_ddi_result r;
  ru_error err;
  assert_int_equal(ru_ddi_interaction(KB, "desipramine:50mg:q24h", perp, 1, NULL, &r, &err), RU_OK);
  printf("desipramine + paroxetine: AUC x%.3g (Alderman 1997: 5.21), Cmax x%.3g (4.58)\n",
         r.auc_ratio, r.cmax_ratio);
  assert_true(r.auc_ratio > 5.21 / 2.0 && r.auc_ratio < 5.21 * 2.0);
  assert_true(r.cmax_ratio > 4.58 / 2.0 && r.cmax_ratio < 4.58 * 2.0);
}

/* A poor metabolizer has no CYP2D6 left to inhibit: paroxetine barely changes desipramine. */
static void test_inhibition_composes_with_phenotype(void **state) {
  (void)state;
  const char *perp[] = {"paroxetine:20mg:q24h"};
  const char *pm[] = {"CYP2D6=PM"};
  ru_ddi_options opt = {pm, 1, NULL, 0, nan(""), RU_SOLVER_AUTO, 0.0};
  ru_ddi_result r;
  ru_error err;
  assert_int_equal(ru_ddi_interaction(KB, "desipramine:50mg:q24h", perp, 1, &opt, &r, &err), RU_OK);
  assert_float_equal(r.auc_ratio, 1.0, 0.01);
}

/* Saturable elimination (Michaelis-Menten, CL_e / (1 + Cu/Km)): with a Km far above any
 * concentration the CVODE solution equals the linear closed form; with a low Km the exposure
 * rises, but never above the fully saturated limit dose / (CL (1 - fm)). */
static void test_saturable_pathway_between_linear_and_fully_saturated(void **state) {
  (void)state;
  const char *reg[] = {"atomoxetine:40mg:q12h", NULL};
  ru_error err;
  ru_sim *lin = sim_of(NULL, reg), *far = sim_of(NULL, reg), *sat = sim_of(NULL, reg);
  assert_int_equal(ru_sim_set_override(far, "atomoxetine.km_um.CYP2D6=1e6", &err), RU_OK);
  assert_int_equal(ru_sim_set_override(sat, "atomoxetine.km_um.CYP2D6=0.01", &err), RU_OK);
  const double a_lin = exposure_of(lin, "atomoxetine").auc_ng_h_per_ml;
  const double a_far = exposure_of(far, "atomoxetine").auc_ng_h_per_ml;
  const double a_sat = exposure_of(sat, "atomoxetine").auc_ng_h_per_ml;
  assert_false(ru_sim_is_nonlinear(lin));
  assert_true(ru_sim_is_nonlinear(far) && ru_sim_is_nonlinear(sat));
  ru_compound c;
  assert_int_equal(ru_kb_compound(KB, "atomoxetine", &c, &err), RU_OK);
  const double fm = c.pk.fm[0].fm.value, cl = c.pk.cl_f_l_per_h.value;
  const double upper = 40.0 / (cl * (1.0 - fm)) * 1000.0;
  printf("atomoxetine AUCtau: linear %.6g, Km 1e6 uM %.6g, Km 0.01 uM %.6g, saturated limit %.6g\n",
         a_lin, a_far, a_sat, upper);
  /* the nonlinear path reads steady state after settling to 0.1 % (exposure.c) */
  assert_float_equal(a_far, a_lin, 1e-3 * a_lin);
  assert_true(a_sat > 1.5 * a_lin && a_sat < upper);
  ru_sim_free(lin);
  ru_sim_free(far);
  ru_sim_free(sat);
}

/* Unknown names exit as input errors with a suggestion. */
static void test_unknown_compound_in_regimen_suggests(void **state) {
  (void)state;
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "atomoxetin:40mg", &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_ENOTFOUND);
  assert_non_null(strstr(err.message, "atomoxetine"));
  assert_int_equal(ru_sim_compound_count(s), 0);
  ru_sim_free(s);
  ru_regimen_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_single_dose_auc_is_dose_over_apparent_clearance),
      cmocka_unit_test(test_steady_state_auc_tau_is_dose_over_apparent_clearance),
      cmocka_unit_test(test_closed_form_matches_cvode_with_metabolites),
      cmocka_unit_test(test_every_record_kind_agrees_on_both_engines),
      cmocka_unit_test(test_nonlinear_steady_state_record_equals_long_dosing),
      cmocka_unit_test(test_atomoxetine_poor_metabolizer_exposure_matches_label),
      cmocka_unit_test(test_activity_score_zero_equals_poor_metabolizer),
      cmocka_unit_test(test_paroxetine_self_inactivation_gives_nonlinear_accumulation),
      cmocka_unit_test(test_missing_clearance_is_reported_not_invented),
      cmocka_unit_test(test_override_replaces_clearance),
      cmocka_unit_test(test_competitive_occupancy_matches_hand_formula),
      cmocka_unit_test(test_nortriptyline_engages_h1_before_net),
      cmocka_unit_test(test_paroxetine_raises_desipramine_exposure),
      cmocka_unit_test(test_inhibition_composes_with_phenotype),
      cmocka_unit_test(test_saturable_pathway_between_linear_and_fully_saturated),
      cmocka_unit_test(test_unknown_compound_in_regimen_suggests),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
