/* The interaction over time (ddi.h, ru_ddi_time_course) as a specification: onset and recovery
 * of a competitive inhibitor follow its own accumulation and washout (hand formulas), a
 * mechanism-based inhibitor's enzyme returns at the enzyme's turnover rate once the inhibitor is
 * gone (1 - E(t) = (1 - E0) exp(-kdeg t)), a victim sees the lost fraction of its intrinsic
 * clearance weighted by its pathway fractions, and bad requests are refused.
 *
 * Model compounds (user compounds, docs/knowledge-base.md "User compounds"), both cleared only by
 * the kidney so their own kinetics stay linear, given as constant intravenous infusions:
 *   compinh: F 1, CL 10 L/h, V 100 L (k 0.1 /h), fu 0.5, MW 300, competitive Ki 0.1 uM on CYP2D6;
 *   mbiinh:  F 1, CL 100 L/h, V 10 L (k 10 /h), fu 1, MW 300, mechanism-based KI 1 uM, kinact 5 /h on
 *            CYP2D6.
 * CYP2D6's kdeg is the knowledge base's. */
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

#include "reuptake.h"

static ru_kb *KB;

#define COMP_CL 10.0
#define COMP_V 100.0
#define COMP_FU 0.5
#define COMP_KI_UM 0.1
#define MBI_KI_UM 1.0
#define MBI_KINACT 5.0
#define MW 300.0

static double kdeg_2d6(void) {
  ru_value k;
  ru_error err;
  assert_int_equal(ru_kb_enzyme_kdeg(KB, "CYP2D6", &k, &err), RU_OK);
  return k.value;
}

static ru_ddi_course course(const char *perp, double stop_h, const char *victim) {
  const char *p[1] = {perp};
  ru_ddi_options o = {NULL, 0, NULL, 0, stop_h, RU_SOLVER_AUTO, 0.0};
  ru_ddi_course c;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_ddi_time_course(KB, victim, p, 1, &o, victim ? NULL : "CYP2D6", &c, &err);
  if (st != RU_OK) print_error("%s\n", err.message);
  assert_int_equal(st, RU_OK);
  return c;
}

/* d = r / (1 + r) with r = Iu / Ki; Iu = Iss exp(-k t) after the stop. */
static void competitive_inhibition_recovers_with_the_inhibitors_washout(void **state) {
  (void)state;
  const double rate_mg_per_h = 10.0 / 24.0, k = COMP_CL / COMP_V;
  const double iu_um = rate_mg_per_h / COMP_CL * COMP_FU / MW * 1000.0;
  const double r0 = iu_um / COMP_KI_UM, d0 = r0 / (1.0 + r0);
  const ru_ddi_course c = course("compinh:10mg:iv:inf=24h:q24h", 240.0, NULL);
  assert_float_equal(c.effect, d0, 1e-6);
  /* during the infusion Iu = Iss (1 - exp(-k t)) */
  const double r90 = 0.9 * d0 / (1.0 - 0.9 * d0);
  assert_float_equal(c.onset_90_h, -log(1.0 - r90 / r0) / k, 2e-3 * c.onset_90_h);
  const double r50 = 0.5 * d0 / (1.0 - 0.5 * d0), r10 = 0.1 * d0 / (1.0 - 0.1 * d0);
  assert_float_equal(c.recovery_50_h, log(r0 / r50) / k, 2e-3 * c.recovery_50_h);
  assert_float_equal(c.recovery_90_h, log(r0 / r10) / k, 2e-3 * c.recovery_90_h);
}

/* E0 = kdeg / (kdeg + kinact Iu / (KI + Iu)); once the inhibitor is gone (k 10 /h against kdeg
 * 0.014 /h) the enzyme returns as 1 - (1 - E0) exp(-kdeg t): half in ln 2 / kdeg, 90 % in
 * ln 10 / kdeg (Mager & Jusko 2002 J Pharm Sci 91:1441 turnover model). */
static void inactivated_enzyme_returns_at_its_turnover_rate(void **state) {
  (void)state;
  const double kdeg = kdeg_2d6();
  const double iu_um = 720.0 / 24.0 / 100.0 / MW * 1000.0; /* 1 uM */
  const double kobs = MBI_KINACT * iu_um / (MBI_KI_UM + iu_um);
  const ru_ddi_course c = course("mbiinh:720mg:iv:inf=24h:q24h", 96.0, NULL);
  assert_float_equal(c.effect, 1.0 - kdeg / (kdeg + kobs), 1e-4);
  assert_float_equal(c.recovery_50_h, log(2.0) / kdeg, 0.01 * log(2.0) / kdeg);
  assert_float_equal(c.recovery_90_h, log(10.0) / kdeg, 0.01 * log(10.0) / kdeg);
}

/* A victim cleared half by CYP2D6 and half by the kidney loses half of what the enzyme loses. */
static void victim_sees_its_pathway_share_of_the_loss(void **state) {
  (void)state;
  const ru_ddi_course e = course("compinh:10mg:iv:inf=24h:q24h", 240.0, NULL);
  const ru_ddi_course v = course("compinh:10mg:iv:inf=24h:q24h", 240.0, "halfvictim:1mg:q24h");
  assert_float_equal(v.effect, 0.5 * e.effect, 1e-3 * e.effect);
  assert_float_equal(v.recovery_50_h, e.recovery_50_h, 2e-3 * e.recovery_50_h);
}

static void without_a_stop_there_is_no_recovery(void **state) {
  (void)state;
  const ru_ddi_course c = course("compinh:10mg:iv:inf=24h:q24h", nan(""), NULL);
  assert_true(c.effect > 0.0);
  assert_true(isfinite(c.onset_90_h));
  assert_true(isnan(c.recovery_50_h) && isnan(c.recovery_90_h) && isnan(c.stop_h));
}

static void an_enzyme_nobody_names_is_refused(void **state) {
  (void)state;
  const char *p[1] = {"compinh:10mg:iv:inf=24h:q24h"};
  ru_ddi_options o = {NULL, 0, NULL, 0, 48.0, RU_SOLVER_AUTO, 0.0};
  ru_ddi_course c;
  ru_error err;
  assert_int_not_equal(ru_ddi_time_course(KB, NULL, p, 1, &o, NULL, &c, &err), RU_OK);
  o.stop_after_h = -1.0;
  assert_int_equal(ru_ddi_time_course(KB, NULL, p, 1, &o, "CYP2D6", &c, &err), RU_ERANGE);
  assert_true(isnan(c.effect));
}

/* A mechanism-based user row needs both constants. */
static void half_a_mechanism_based_inhibition_is_a_data_error(void **state) {
  (void)state;
  char path[] = "/tmp/ru_course_bad_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  fprintf(f, "compound,key,value,unit,source\nhalfmbi,mbi_ki_um.CYP3A4,1,umol/L,test model\n");
  fclose(f);
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_kb_load_user(KB, path, &err), RU_EDATA);
  assert_non_null(strstr(err.message, "kinact_per_h.CYP3A4"));
  unlink(path);
}

static int setup(void **state) {
  (void)state;
  ru_error err;
  if (ru_kb_open(NULL, &KB, &err) != RU_OK) return -1;
  char path[] = "/tmp/ru_course_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (f == NULL) return -1;
  fprintf(f, "compound,key,value,unit,source\n"
             "compinh,cl_f_l_per_h,%g,L/h,test model\n"
             "compinh,v_f_l,%g,L,test model\n"
             "compinh,ka_per_h,1,1/h,test model\n"
             "compinh,f,1,fraction,test model\n"
             "compinh,fu,%g,fraction,test model\n"
             "compinh,fm.renal,1,fraction,test model\n"
             "compinh,mw_g_per_mol,%g,g/mol,test model\n"
             "compinh,ki_um.CYP2D6,%g,umol/L,test model\n"
             "mbiinh,cl_f_l_per_h,100,L/h,test model\n"
             "mbiinh,v_f_l,10,L,test model\n"
             "mbiinh,ka_per_h,1,1/h,test model\n"
             "mbiinh,f,1,fraction,test model\n"
             "mbiinh,fu,1,fraction,test model\n"
             "mbiinh,fm.renal,1,fraction,test model\n"
             "mbiinh,mw_g_per_mol,%g,g/mol,test model\n"
             "mbiinh,mbi_ki_um.CYP2D6,%g,umol/L,test model\n"
             "mbiinh,kinact_per_h.CYP2D6,%g,1/h,test model\n"
             "halfvictim,cl_f_l_per_h,20,L/h,test model\n"
             "halfvictim,v_f_l,100,L,test model\n"
             "halfvictim,ka_per_h,1,1/h,test model\n"
             "halfvictim,fu,0.5,fraction,test model\n"
             "halfvictim,fm.CYP2D6,0.5,fraction,test model\n"
             "halfvictim,fm.renal,0.5,fraction,test model\n"
             "halfvictim,mw_g_per_mol,%g,g/mol,test model\n",
          COMP_CL, COMP_V, COMP_FU, MW, COMP_KI_UM, MW, MBI_KI_UM, MBI_KINACT, MW);
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
      cmocka_unit_test(competitive_inhibition_recovers_with_the_inhibitors_washout),
      cmocka_unit_test(inactivated_enzyme_returns_at_its_turnover_rate),
      cmocka_unit_test(victim_sees_its_pathway_share_of_the_loss),
      cmocka_unit_test(without_a_stop_there_is_no_recovery),
      cmocka_unit_test(an_enzyme_nobody_names_is_refused),
      cmocka_unit_test(half_a_mechanism_based_inhibition_is_a_data_error),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
