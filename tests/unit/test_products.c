/* Products in the knowledge base (src/kb/kb_products.c, data/products.csv): names as people
 * write them resolve to the product while other brand synonyms still reach their compound; the
 * salt conversions reproduce their sourced factors; malformed rows are refused with
 * products.csv:line: field; an incomplete product says why wherever it is used. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "reuptake.h"

static ru_kb *kb;

static int setup(void **state) {
  (void)state;
  ru_error err;
  return ru_kb_open(NULL, &kb, &err) == RU_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  ru_kb_free(kb);
  return 0;
}

/* ru_kb_products is every product, in ru_kb_product_at's order, each as ru_kb_product gives it. */
static void test_the_product_list_is_every_product_in_order(void **state) {
  (void)state;
  ru_product *all = NULL;
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_kb_products(kb, &all, &n, &err), RU_OK);
  assert_int_equal(n, ru_kb_product_count(kb));
  for (size_t i = 0; i < n; i++) {
    char name[RU_NAME_MAX];
    ru_product p;
    assert_int_equal(ru_kb_product_at(kb, i, name, &err), RU_OK);
    assert_int_equal(ru_kb_product(kb, name, &p, &err), RU_OK);
    assert_string_equal(all[i].name, p.name);
    assert_true(all[i].usual_dose_mg.value == p.usual_dose_mg.value || isnan(p.usual_dose_mg.value));
  }
  ru_free(all);
  assert_int_equal(ru_kb_products(NULL, &all, &n, &err), RU_EINVAL);
}

static void test_spellings_resolve_to_the_product(void **state) {
  (void)state;
  const char *spellings[] = {"Effexor XR", "effexor-xr", "EFFEXOR XR", "Effexor_XR", "effexorxr", "venlafaxine XR"};
  for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
    char canon[RU_NAME_MAX];
    assert_true(ru_kb_is_product(kb, spellings[i], canon));
    assert_string_equal(canon, "Effexor XR");
  }
  char canon[RU_NAME_MAX];
  assert_true(ru_kb_is_product(kb, "wellbutrin xl", canon));
  assert_string_equal(canon, "Wellbutrin XL");
  assert_true(ru_kb_is_product(kb, "Adderall-XR", canon));
  assert_string_equal(canon, "Adderall XR");
  assert_true(ru_kb_is_product(kb, "concerta", canon));
  assert_string_equal(canon, "Concerta");
  /* Effexor and Effexor XR are two products */
  assert_true(ru_kb_is_product(kb, "effexor", canon));
  assert_string_equal(canon, "Effexor");
  /* compound names are not products */
  assert_false(ru_kb_is_product(kb, "paroxetine", NULL));
  assert_false(ru_kb_is_product(kb, "methylphenidate", NULL));
  assert_false(ru_kb_is_product(kb, "", NULL));
}

static void test_brand_synonyms_that_are_not_products_still_reach_their_compound(void **state) {
  (void)state;
  char canon[RU_NAME_MAX];
  ru_error err;
  /* Sinequan (doxepin) and tomoxetine (atomoxetine) are compound synonyms, not products */
  assert_false(ru_kb_is_product(kb, "Sinequan", NULL));
  assert_int_equal(ru_kb_resolve(kb, "Sinequan", canon, &err), RU_OK);
  assert_string_equal(canon, "doxepin");
  assert_int_equal(ru_kb_resolve(kb, "tomoxetine", canon, &err), RU_OK);
  assert_string_equal(canon, "atomoxetine");
}

static void test_the_issue_products_are_all_there(void **state) {
  (void)state;
  /* issue 13's list */
  const char *list[] = {"Cymbalta", "Effexor", "Effexor XR", "Pristiq", "Strattera", "Qelbree", "Edronax",
                        "Wellbutrin", "Wellbutrin SR", "Wellbutrin XL", "Zyban", "Pamelor", "Aventyl",
                        "Norpramin", "Tofranil", "Elavil", "Anafranil", "Paxil", "Paxil CR", "Prozac",
                        "Prozac Weekly", "Zoloft", "Celexa", "Lexapro", "Luvox", "Savella", "Fetzima",
                        "Adderall", "Adderall XR", "Vyvanse", "Dexedrine", "Ritalin", "Ritalin LA",
                        "Concerta", "Focalin XR", "Provigil", "Nuvigil"};
  for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
    ru_product p;
    ru_error err;
    if (ru_kb_product(kb, list[i], &p, &err) != RU_OK) fprintf(stderr, "%s: %s\n", list[i], err.message);
    assert_int_equal(ru_kb_product(kb, list[i], &p, &err), RU_OK);
    assert_true(p.n_components >= 1);
    assert_true(p.release_source[0] != '\0');
  }
  assert_int_equal(ru_kb_product_count(kb), 36);
  char name[RU_NAME_MAX];
  ru_error err;
  assert_int_equal(ru_kb_product_at(kb, 0, name, &err), RU_OK);
  assert_string_equal(name, "Adderall");
  assert_int_equal(ru_kb_product_at(kb, 36, name, &err), RU_ERANGE);
}

/* IUPAC 2021 conventional atomic weights (Prohaska et al. 2022 Pure Appl Chem 94:573). */
static double mw(int c, int h, int n, int o, int s) {
  return 12.011 * c + 1.008 * h + 14.007 * n + 15.999 * o + 32.06 * s;
}

static void test_salt_conversions_match_their_sourced_factors(void **state) {
  (void)state;
  ru_product p;
  ru_error err;
  const double amph = mw(9, 13, 1, 0, 0);                    /* C9H13N */
  const double sacch = 2 * amph + mw(6, 10, 0, 8, 0);        /* (C9H13N)2.C6H10O8 */
  const double asp = amph + mw(4, 7, 1, 4, 0) + mw(0, 2, 0, 1, 0); /* C9H13N.C4H7NO4.H2O */
  const double sulf = 2 * amph + mw(0, 2, 0, 4, 1);          /* (C9H13N)2.H2SO4 */
  const double d = 0.25 * (2 * amph / sacch + 0.5 * amph / asp + 2 * amph / sulf + 0.5 * 2 * amph / sulf);
  const double l = 0.25 * (0.5 * amph / asp + 0.5 * 2 * amph / sulf);
  assert_int_equal(ru_kb_product(kb, "Adderall", &p, &err), RU_OK);
  assert_string_equal(p.component[0].compound, "d-amphetamine");
  assert_string_equal(p.component[1].compound, "l-amphetamine");
  assert_true(fabs(p.component[0].mg_per_label_mg.value - d) < 5e-5); /* stored to 4 decimals */
  assert_true(fabs(p.component[1].mg_per_label_mg.value - l) < 5e-5);
  /* Adderall label DESCRIPTION: Total Amphetamine Base Equivalence 3.13/6.3/12.6/18.8 mg for
   * 5/10/20/30 mg tablets (rounded to 0.1 mg): within 1 % */
  const double strength[] = {5, 10, 20, 30}, base[] = {3.13, 6.3, 12.6, 18.8};
  for (size_t i = 0; i < 4; i++) assert_true(fabs(strength[i] * (d + l) / base[i] - 1.0) < 0.01);
  /* Vyvanse label DESCRIPTION: 10-70 mg dimesylate = 5.8, 11.6, 17.3, 23.1, 28.9, 34.7, 40.5 mg
   * lisdexamfetamine */
  assert_int_equal(ru_kb_product(kb, "Vyvanse", &p, &err), RU_OK);
  const double ldx = mw(15, 25, 3, 1, 0), ldxd = ldx + 2 * mw(1, 4, 0, 3, 1);
  assert_true(fabs(p.component[0].mg_per_label_mg.value - ldx / ldxd) < 5e-5);
  const double eq[] = {5.8, 11.6, 17.3, 23.1, 28.9, 34.7, 40.5};
  for (int i = 0; i < 7; i++) assert_true(fabs(10.0 * (i + 1) * p.component[0].mg_per_label_mg.value - eq[i]) < 0.05 + 1e-9);
  /* Dexedrine: d-amphetamine base per mg of dextroamphetamine sulfate */
  assert_int_equal(ru_kb_product(kb, "Dexedrine", &p, &err), RU_OK);
  assert_true(fabs(p.component[0].mg_per_label_mg.value - 2 * amph / sulf) < 5e-5);
  /* Focalin XR: 1 mg of dexmethylphenidate HCl carries the d-MPH of 2 mg of the 1:1 racemate the
   * methylphenidate PK counts (the label starts patients at half the racemic daily dose) */
  assert_int_equal(ru_kb_product(kb, "Focalin XR", &p, &err), RU_OK);
  assert_true(p.incomplete[0] == '\0' && p.n_components == 1);
  assert_string_equal(p.component[0].compound, "methylphenidate");
  assert_true(p.component[0].mg_per_label_mg.value == 2.0);
}

static void test_incomplete_product_names_its_reason_everywhere(void **state) {
  (void)state;
  ru_product p;
  ru_error err;
  assert_int_equal(ru_kb_product(kb, "Paxil CR", &p, &err), RU_OK);
  assert_non_null(strstr(p.incomplete, "gastric-emptying lag"));
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "Paxil-CR:25mg:qd", &err), RU_OK);
  assert_int_equal(ru_sim_new(kb, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_EMISSING);
  assert_non_null(strstr(err.message, "Paxil CR is incomplete"));
  assert_int_equal(ru_sim_compound_count(s), 0); /* nothing half-added */
  ru_sim_free(s);
  ru_regimen_free(r);
}

/* A product made incomplete by its compound carries the compound's whole reason (compounds.csv,
 * imipramine: 240 characters), not a cut one: "imipramine is incomplete: <reason>". */
static void test_a_compound_made_incomplete_product_keeps_the_whole_reason(void **state) {
  (void)state;
  ru_product p;
  ru_compound c;
  ru_error err;
  assert_int_equal(ru_kb_product(kb, "Tofranil", &p, &err), RU_OK);
  assert_int_equal(ru_kb_compound_info(kb, "imipramine", &c, &err), RU_OK);
  char want[RU_PRODUCT_REASON_MAX];
  snprintf(want, sizeof want, "imipramine is incomplete: %s", c.incomplete);
  assert_true(strlen(c.incomplete) > 200);
  assert_string_equal(p.incomplete, want);
}

static void test_show_json_lists_the_release_model_and_every_source(void **state) {
  (void)state;
  char *json = NULL;
  ru_error err;
  assert_int_equal(ru_kb_product_json(kb, "concerta", &json, &err), RU_OK);
  assert_non_null(strstr(json, "\"model\":\"oros\""));
  assert_non_null(strstr(json, "\"ir_fraction\":0.2"));
  assert_non_null(strstr(json, "prod_concerta_label_desc"));
  assert_non_null(strstr(json, "Pediatr Pharm 2011")); /* the full citation of prod_buck2011 */
  assert_null(strstr(json, "\"citation\":null"));        /* every source resolves */
  ru_free(json);
  assert_int_equal(ru_kb_product_json(kb, "nosuchbrand", &json, &err), RU_ENOTFOUND);
}

/* --- import errors -------------------------------------------------------------------------- */

static void copy_file(const char *from, const char *to) {
  FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
  assert_non_null(a);
  assert_non_null(b);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, a)) > 0) assert_int_equal(fwrite(buf, 1, n, b), n);
  fclose(a);
  fclose(b);
}

/* A fresh temporary directory holding a copy of every CSV file of data/; rm_dir removes it. */
static void copy_data_dir(char *dir) {
  assert_non_null(mkdtemp(dir));
  char src[4096], dst[4096];
  snprintf(src, sizeof src, "%s/data", RU_SOURCE_DIR);
  DIR *d = opendir(src);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".csv") != 0) continue;
    snprintf(src, sizeof src, "%s/data/%s", RU_SOURCE_DIR, e->d_name);
    snprintf(dst, sizeof dst, "%s/%s", dir, e->d_name);
    copy_file(src, dst);
  }
  closedir(d);
}

static void rm_dir(const char *dir) {
  char path[4096];
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

static size_t lines_of(const char *path) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = 0;
  int c, last = '\n';
  while ((c = fgetc(f)) != EOF) {
    if (c == '\n') n++;
    last = c;
  }
  fclose(f);
  return last == '\n' ? n : n + 1;
}

/* Imports the shipped data with `row` (one or more lines) appended to products.csv; expects
 * RU_EDATA naming the appended line number `offset` (0 = the first appended line), field and
 * `what`. */
static void expect_rejected_at(const char *row, size_t offset, const char *field, const char *what) {
  char dir[] = "/tmp/ru_products_test_XXXXXX";
  copy_data_dir(dir);
  char dst[4096];
  snprintf(dst, sizeof dst, "%s/products.csv", dir);
  const size_t want_line = lines_of(dst) + 1 + offset;
  FILE *f = fopen(dst, "a");
  assert_non_null(f);
  fputs(row, f);
  fclose(f);
  char db[4096];
  snprintf(db, sizeof db, "%s/kb.sqlite", dir);
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_kb_import(dir, db, &err);
  char want[256];
  snprintf(want, sizeof want, "products.csv:%zu: field '%s':", want_line, field);
  if (st != RU_EDATA || strstr(err.message, want) == NULL || strstr(err.message, what) == NULL) {
    fprintf(stderr, "got: %s\nwant: %s ... %s\n", err.message, want, what);
  }
  assert_int_equal(st, RU_EDATA);
  assert_non_null(strstr(err.message, want));
  assert_non_null(strstr(err.message, what));
  struct stat sb;
  assert_int_not_equal(stat(db, &sb), 0); /* nothing written */
  rm_dir(dir);
}

static void expect_rejected(const char *row, const char *field, const char *what) {
  expect_rejected_at(row, 0, field, what);
}

static void test_malformed_rows_are_refused_with_file_line_field(void **state) {
  (void)state;
  expect_rejected("Concerta,ir_fractoin,0.2,fraction,prod_buck2011,secondary,,,\n", "key", "unknown product key");
  expect_rejected("Concerta,f_rel,0.9,mg,prod_buck2011,secondary,,,\n", "unit", "is not the unit");
  expect_rejected("Concerta,f_rel,0.9x,fraction,prod_buck2011,secondary,,,\n", "value", "not a number");
  expect_rejected("Concerta,f_rel,1.2,fraction,prod_buck2011,secondary,,,\n", "value", "outside [0,1]");
  expect_rejected("Concerta,f_rel,0.9,fraction,,secondary,,,\n", "source", "needs a source");
  expect_rejected("Concerta,f_rel,0.9,fraction,nosuchsource2099,secondary,,,\n", "source", "does not resolve");
  expect_rejected("Concerta,f_rel,0.9,fraction,prod_buck2011,guess,,,\n", "status", "is not one of");
  expect_rejected_at("Concerta,f_rel,0.9,fraction,prod_buck2011,secondary,,,\nConcerta,f_rel,0.8,fraction,"
                  "prod_buck2011,secondary,,,\n",
                  1, "key", "duplicate key");
}

static void test_product_rules_are_enforced(void **state) {
  (void)state;
  /* a new product with a compound that does not exist and no reason */
  expect_rejected_at("Newbrand,brand,Newbrand,-,ru_convention,derived,,,\nNewbrand,release,immediate,-,"
                  "ru_convention,derived,,,\nNewbrand,compound,nosuchcompound,-,ru_convention,derived,,,\n"
                  "Newbrand,factor.nosuchcompound,1,mg/mg,ru_convention,derived,,,\n",
                  2, "value", "unknown compound 'nosuchcompound'");
  /* a release model without its parameters */
  expect_rejected_at("Newbrand,brand,Newbrand,-,ru_convention,derived,,,\nNewbrand,release,oros,-,"
                  "ru_convention,derived,,,\nNewbrand,compound,paroxetine,-,ru_convention,derived,,,\n"
                  "Newbrand,factor.paroxetine,1,mg/mg,ru_convention,derived,,,\n",
                  1, "value", "needs 'ir_fraction'");
  /* an unknown model */
  expect_rejected("Newbrand,release,osmotic,-,ru_convention,derived,,,\n", "value", "is not one of immediate");
  /* a compound without its factor */
  expect_rejected_at("Newbrand,brand,Newbrand,-,ru_convention,derived,,,\nNewbrand,release,immediate,-,"
                  "ru_convention,derived,,,\nNewbrand,compound,paroxetine,-,ru_convention,derived,,,\n",
                  2, "key", "has no factor");
  /* a spelling that hides a compound name, and one shared by two products */
  expect_rejected_at("Newbrand,brand,Newbrand,-,ru_convention,derived,,,\nNewbrand,synonyms,Paro-xetine,-,"
                  "ru_convention,derived,,,\nNewbrand,release,immediate,-,ru_convention,derived,,,\n"
                  "Newbrand,compound,paroxetine,-,ru_convention,derived,,,\nNewbrand,factor.paroxetine,1,mg/mg,"
                  "ru_convention,derived,,,\n",
                  1, "value", "is the compound name 'paroxetine'");
  expect_rejected_at("Newbrand,brand,Newbrand,-,ru_convention,derived,,,\nNewbrand,synonyms,effexor xr,-,"
                  "ru_convention,derived,,,\nNewbrand,release,immediate,-,ru_convention,derived,,,\n"
                  "Newbrand,compound,paroxetine,-,ru_convention,derived,,,\nNewbrand,factor.paroxetine,1,mg/mg,"
                  "ru_convention,derived,,,\n",
                  1, "value", "names two products");
}


/* Prodrug mass balance (Vyvanse): every mg of lisdexamfetamine dimesylate delivers 0.5781 mg of
 * lisdexamfetamine (label equivalents), all of it converted mole for mole to d-amphetamine, so
 * the d-amphetamine eliminated (CL/F x AUC0-inf) equals dose x 0.5781 x MW(d-amph)/MW(LDX). The
 * knowledge base marks lisdexamfetamine incomplete (its volume is not sourced), so this test
 * builds a copy of the data with test-only absorption and volume for the prodrug: the balance
 * holds whatever those values are. */
static void test_prodrug_mass_balance(void **state) {
  (void)state;
  char dir[] = "/tmp/ru_prodrug_test_XXXXXX";
  copy_data_dir(dir);
  char src[4096], dst[4096];
  /* compounds.csv: the prodrug without its incomplete mark */
  snprintf(src, sizeof src, "%s/data/compounds.csv", RU_SOURCE_DIR);
  snprintf(dst, sizeof dst, "%s/compounds.csv", dir);
  FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
  assert_non_null(in);
  assert_non_null(out);
  char line[8192];
  while (fgets(line, sizeof line, in) != NULL) {
    if (strncmp(line, "lisdexamfetamine,", 17) == 0) {
      fputs("lisdexamfetamine,stimulant (prodrug),drug,,,263.3850,mw_formula_iupac,LDX,test copy,\n", out);
    } else {
      fputs(line, out);
    }
  }
  fclose(in);
  fclose(out);
  snprintf(dst, sizeof dst, "%s/pk.csv", dir);
  out = fopen(dst, "a");
  assert_non_null(out);
  fputs("lisdexamfetamine,ka_per_h,1.5,1/h,ru_convention,derived,1,,test only,\n"
        "lisdexamfetamine,v_f_l,20,L,ru_convention,derived,1,,test only,\n"
        "lisdexamfetamine,cl_f_l_per_h,27.7,L/h,ru_convention,derived,1,,test only,\n", out);
  fclose(out);
  char db[4096];
  snprintf(db, sizeof db, "%s/kb.sqlite", dir);
  ru_error err;
  ru_error_clear(&err);
  if (ru_kb_import(dir, db, &err) != RU_OK) fprintf(stderr, "%s\n", err.message);
  ru_kb *k2 = NULL;
  assert_int_equal(ru_kb_open(db, &k2, &err), RU_OK);
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "Vyvanse:50mg", &err), RU_OK);
  assert_int_equal(ru_sim_new(k2, &s, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
  ru_exposure ex[8];
  assert_true(ru_sim_compound_count(s) <= 8);
  assert_int_equal(ru_sim_exposure(s, ex, &err), RU_OK);
  const long ia = ru_sim_compound_index(s, "d-amphetamine");
  assert_true(ia >= 0);
  ru_compound da;
  assert_int_equal(ru_kb_compound(k2, "d-amphetamine", &da, &err), RU_OK);
  const double formed_mg = ex[ia].auc_ng_h_per_ml * da.pk.cl_f_l_per_h.value / 1000.0;
  ru_product vy;
  assert_int_equal(ru_kb_product(k2, "Vyvanse", &vy, &err), RU_OK);
  const double expect_mg = 50.0 * vy.component[0].mg_per_label_mg.value * ru_sim_compound_mw(s, (size_t)ia) /
                           ru_sim_compound_mw(s, (size_t)ru_sim_compound_index(s, "lisdexamfetamine"));
  assert_true(fabs(formed_mg / expect_mg - 1.0) < 1e-9);
  ru_sim_free(s);
  ru_regimen_free(r);
  ru_kb_free(k2);
  rm_dir(dir);
}

/* The products through the whole subject model (timeline, release compartments in the linear
 * matrix and in the ODE right-hand side): closed form vs CVODE (default rtol 1e-8; measured
 * global error a small multiple of it, tests/unit/test_pk_ode.c) within 1e-6 of the peak, for
 * one product of each release model in use, over a week of daily doses. */
static void test_products_agree_on_both_engines(void **state) {
  (void)state;
  const char *regs[] = {"Concerta:36mg:qd", "Cymbalta:60mg:qd", "Effexor-XR:75mg:qd", "Ritalin-LA:20mg:qd",
                        "Adderall-XR:20mg:qd", "Strattera:40mg:bid"};
  enum { NT = 337 };
  static double t[NT], a[8 * NT], b[8 * NT];
  for (size_t j = 0; j < NT; j++) t[j] = 0.5 * (double)j;
  for (size_t k = 0; k < sizeof regs / sizeof regs[0]; k++) {
    ru_error err;
    double *out[2] = {a, b};
    size_t nc = 0;
    for (int ode = 0; ode < 2; ode++) {
      ru_regimen *r = NULL;
      ru_sim *s = NULL;
      assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
      assert_int_equal(ru_regimen_parse(r, regs[k], &err), RU_OK);
      assert_int_equal(ru_sim_new(kb, &s, &err), RU_OK);
      assert_int_equal(ru_sim_add_regimen(s, r, &err), RU_OK);
      ru_sim_set_force_ode(s, ode);
      nc = ru_sim_compound_count(s);
      assert_true(nc <= 8);
      if (ru_sim_run(s, t, NT, out[ode], &err) != RU_OK) fprintf(stderr, "%s: %s\n", regs[k], err.message);
      assert_int_equal(ru_sim_run(s, t, NT, out[ode], &err), RU_OK);
      ru_sim_free(s);
      ru_regimen_free(r);
    }
    for (size_t i = 0; i < nc; i++) {
      double peak = 0.0, worst = 0.0;
      for (size_t j = 0; j < NT; j++) peak = fmax(peak, a[i * NT + j]);
      for (size_t j = 0; j < NT; j++) worst = fmax(worst, fabs(a[i * NT + j] - b[i * NT + j]));
      if (worst > 1e-6 * peak) fprintf(stderr, "%s compound %zu: %g of %g\n", regs[k], i, worst, peak);
      assert_true(worst <= 1e-6 * peak);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_the_product_list_is_every_product_in_order),
      cmocka_unit_test(test_spellings_resolve_to_the_product),
      cmocka_unit_test(test_brand_synonyms_that_are_not_products_still_reach_their_compound),
      cmocka_unit_test(test_the_issue_products_are_all_there),
      cmocka_unit_test(test_salt_conversions_match_their_sourced_factors),
      cmocka_unit_test(test_incomplete_product_names_its_reason_everywhere),
      cmocka_unit_test(test_a_compound_made_incomplete_product_keeps_the_whole_reason),
      cmocka_unit_test(test_show_json_lists_the_release_model_and_every_source),
      cmocka_unit_test(test_malformed_rows_are_refused_with_file_line_field),
      cmocka_unit_test(test_product_rules_are_enforced),
      cmocka_unit_test(test_prodrug_mass_balance),
      cmocka_unit_test(test_products_agree_on_both_engines),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
