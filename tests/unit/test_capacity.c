#define _POSIX_C_SOURCE 200809L
/* No silent limits (issue 17): a user knowledge base larger than any fixed buffer either works or
 * fails with RU_ELIMIT naming the limit, and never reads out of bounds (this test runs under
 * ASan/UBSan in the sanitizer suite). A perpetrator with 40 inhibition rows (competitive and
 * mechanism-based, on 40 enzymes) meets a victim with 12 pathways; a subject asked to track more
 * enzymes than the enzyme room holds is refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "reuptake.h"

static ru_kb *KB;

/* the victim's 12 pathways: 11 enzymes and the kidney */
static const char *const PATHWAYS[] = {"CYP1A2", "CYP2B6", "CYP2C9", "CYP2C19", "CYP2D6", "CYP3A4",
                                       "UGT", "CES1", "CYP2A6", "CYP2C8", "CYP2E1", "renal"};
#define NPATH (sizeof PATHWAYS / sizeof PATHWAYS[0])
#define NINH 40

static int setup(void **state) {
  (void)state;
  ru_error err;
  if (ru_kb_open(NULL, &KB, &err) != RU_OK) return -1;
  char path[] = "/tmp/ru_capacity_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  if (f == NULL) return -1;
  fprintf(f, "compound,key,value,unit,source\n");
  for (size_t k = 0; k < NPATH; k++)
    fprintf(f, "wideVictim,fm.%s,%.17g,fraction,test row\n", PATHWAYS[k], 1.0 / (double)NPATH);
  fprintf(f, "wideVictim,cl_f_l_per_h,30,L/h,test row\nwideVictim,v_f_l,200,L,test row\n"
             "wideVictim,ka_per_h,1,1/h,test row\nwideVictim,fu,0.3,fraction,test row\n"
             "wideVictim,mw_g_per_mol,300,g/mol,test row\n");
  fprintf(f, "manyInh,cl_f_l_per_h,20,L/h,test row\nmanyInh,v_f_l,100,L,test row\n"
             "manyInh,ka_per_h,1,1/h,test row\nmanyInh,fu,0.5,fraction,test row\n"
             "manyInh,fm.renal,1,fraction,test row\nmanyInh,mw_g_per_mol,300,g/mol,test row\n");
  /* 40 rows: the victim's 11 enzymes competitively, 29 more enzymes nobody uses, and
   * mechanism-based rows on three of the victim's enzymes (two constants each) */
  size_t rows = 0;
  for (size_t k = 0; k + 1 < NPATH; k++, rows++)
    fprintf(f, "manyInh,ki_um.%s,%g,umol/L,test row\n", PATHWAYS[k], 0.5 + 0.1 * (double)k);
  for (size_t k = 0; rows < NINH - 6; k++, rows++)
    fprintf(f, "manyInh,ki_um.ENZ%02zu,1,umol/L,test row\n", k);
  for (size_t k = 0; k < 3; k++, rows += 2)
    fprintf(f, "manyInh,mbi_ki_um.%s,2,umol/L,test row\nmanyInh,kinact_per_h.%s,1,1/h,test row\n",
            PATHWAYS[k], PATHWAYS[k]);
  fclose(f);
  const ru_status st = ru_kb_load_user(KB, path, &err);
  unlink(path);
  if (st != RU_OK) {
    print_error("%s\n", err.message);
    return -1;
  }
  return rows == NINH ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  ru_kb_free(KB);
  return 0;
}

static void forty_inhibition_rows_are_all_read(void **state) {
  (void)state;
  ru_error err;
  size_t n = 0;
  assert_int_equal(ru_kb_inhibitions(KB, "manyInh", NULL, 0, &n, &err), RU_OK);
  assert_int_equal(n, NINH - 3); /* the 3 mechanism-based rows hold two constants each */
  ru_inhibition small[4];
  assert_int_equal(ru_kb_inhibitions(KB, "manyInh", small, 4, &n, &err), RU_ELIMIT);
  assert_non_null(strstr(err.message, "limit"));
}

/* Every one of the victim's enzyme pathways is inhibited; its clearance loses a share bounded
 * by its enzyme fraction (11/12), and the interaction runs to the end. */
static void a_victim_with_twelve_pathways_meets_forty_inhibitions(void **state) {
  (void)state;
  const char *p[1] = {"manyInh:100mg:q24h"};
  ru_ddi_options o = {NULL, 0, NULL, 0, nan(""), RU_SOLVER_AUTO, 0.0};
  ru_ddi_result *res = calloc(1, sizeof *res);
  assert_non_null(res);
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_ddi_interaction(KB, "wideVictim:10mg:q24h", p, 1, &o, res, &err);
  if (st != RU_OK) print_error("%s\n", err.message);
  assert_int_equal(st, RU_OK);
  printf("wideVictim AUC ratio %.4g with 40 inhibition rows\n", res->auc_ratio);
  assert_true(res->auc_ratio > 1.0 && isfinite(res->auc_ratio));
  assert_true(res->auc_ratio < 1.0 / (1.0 / (double)NPATH) + 1e-9); /* the kidney is left */
  free(res);
}

/* The enzyme room holds 32 enzyme-site entries (RUI_ENZ_MAX): asking for more is an error naming
 * the limit, at the first run, not a write past an array. */
static void tracking_more_enzymes_than_the_room_holds_is_refused(void **state) {
  (void)state;
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "manyInh:10mg", &err), RU_OK);
  assert_int_equal(ru_sim_new(KB, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  ru_status st = RU_OK;
  for (int k = 0; k < 40 && st == RU_OK; k++) {
    char name[16];
    snprintf(name, sizeof name, "ENZ%02d", k);
    st = ru_sim_track_enzyme(s, name, &err);
  }
  if (st == RU_OK) st = ru_sim_prepare(s, &err);
  assert_int_equal(st, RU_ELIMIT);
  assert_non_null(strstr(err.message, "RUI_ENZ_MAX"));
  ru_sim_free(s);
  ru_regimen_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(forty_inhibition_rows_are_all_read),
      cmocka_unit_test(a_victim_with_twelve_pathways_meets_forty_inhibitions),
      cmocka_unit_test(tracking_more_enzymes_than_the_room_holds_is_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
