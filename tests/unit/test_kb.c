/* Knowledge base: shipped data passes the check, names resolve, drugs-show JSON carries
 * sources, malformed CSV rows are rejected with file:line: field, the embedded KB opens. */
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

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "reuptake/kb.h"

static ru_kb *open_embedded(void) {
  ru_kb *kb = NULL;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_kb_open(NULL, &kb, &err);
  if (st != RU_OK) {
    fprintf(stderr, "%s\n", err.message);
  }
  assert_int_equal(st, RU_OK);
  return kb;
}

static void test_embedded_kb_opens_without_files(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  assert_true(ru_kb_compound_count(kb) >= 28);
  ru_value v;
  assert_int_equal(ru_kb_affinity(kb, "atomoxetine", "NET", &v, NULL), RU_OK);
  assert_true(isfinite(v.value) && v.value > 0.0);
  ru_kb_free(kb);
  ru_kb_free(NULL);
}

static void test_brand_name_strattera_resolves_to_atomoxetine(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  char canon[RU_NAME_MAX];
  assert_int_equal(ru_kb_resolve(kb, "Strattera", canon, NULL), RU_OK);
  assert_string_equal(canon, "atomoxetine");
  assert_int_equal(ru_kb_resolve(kb, "  CYMBALTA ", canon, NULL), RU_OK);
  assert_string_equal(canon, "duloxetine");
  assert_int_equal(ru_kb_resolve(kb, "dextroamphetamine", canon, NULL), RU_OK);
  assert_string_equal(canon, "d-amphetamine");
  assert_int_equal(ru_kb_resolve(kb, "Wellbutrin", canon, NULL), RU_OK);
  assert_string_equal(canon, "bupropion");
  ru_kb_free(kb);
}

static void test_unknown_name_suggests_closest(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  char canon[RU_NAME_MAX];
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_kb_resolve(kb, "atomoxetin", canon, &err), RU_ENOTFOUND);
  assert_non_null(strstr(err.message, "unknown compound 'atomoxetin'"));
  assert_non_null(strstr(err.message, "did you mean 'atomoxetine'"));
  assert_null(strchr(err.message, '\n'));
  ru_kb_free(kb);
}

static void test_drugs_show_venlafaxine_lists_sert_net_dat_with_sources(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  char *json = NULL;
  ru_error err;
  assert_int_equal(ru_kb_compound_json(kb, "Effexor", &json, &err), RU_OK);
  assert_non_null(json);
  assert_null(strstr(json, "nan"));
  cJSON *root = cJSON_Parse(json);
  assert_non_null(root);
  assert_string_equal(cJSON_GetObjectItem(root, "name")->valuestring, "venlafaxine");
  assert_true(cJSON_IsNumber(cJSON_GetObjectItem(root, "mw")));
  const char *want[] = {"SERT", "NET", "DAT"};
  cJSON *aff = cJSON_GetObjectItem(root, "affinities");
  cJSON *sources = cJSON_GetObjectItem(root, "sources");
  for (size_t i = 0; i < 3; i++) {
    int found = 0;
    cJSON *a = NULL;
    cJSON_ArrayForEach(a, aff) {
      if (strcmp(cJSON_GetObjectItem(a, "target")->valuestring, want[i]) == 0 &&
          cJSON_IsTrue(cJSON_GetObjectItem(a, "used"))) {
        found = 1;
        assert_true(cJSON_GetObjectItem(a, "value_nM")->valuedouble > 0.0);
        const char *src = cJSON_GetObjectItem(a, "source")->valuestring;
        int cited = 0;
        cJSON *s = NULL;
        cJSON_ArrayForEach(s, sources) {
          if (strcmp(cJSON_GetObjectItem(s, "key")->valuestring, src) == 0 &&
              cJSON_IsString(cJSON_GetObjectItem(s, "citation"))) {
            cited = 1;
          }
        }
        assert_true(cited);
      }
    }
    assert_true(found);
  }
  cJSON *pk = cJSON_GetObjectItem(root, "pk");
  assert_true(cJSON_IsNumber(cJSON_GetObjectItem(pk, "cl_f_l_per_h")));
  assert_true(cJSON_IsString(cJSON_GetObjectItem(pk, "cl_f_l_per_h_source")));
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(pk, "tlag_h")));
  assert_true(cJSON_IsArray(cJSON_GetObjectItem(root, "pk_rows")));
  cJSON_Delete(root);
  ru_free(json);
  ru_kb_free(kb);
}

static void test_kb_check_passes_on_shipped_data(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  char *report = NULL;
  size_t violations = 99;
  assert_int_equal(ru_kb_check(kb, &report, &violations, NULL), RU_OK);
  assert_non_null(report);
  if (violations != 0) {
    fprintf(stderr, "%s", report);
  }
  assert_int_equal(violations, 0);
  assert_non_null(strstr(report, "coverage"));
  assert_non_null(strstr(report, "missing model values"));
  ru_free(report);
  ru_kb_free(kb);
}

static void test_every_used_value_has_resolvable_source(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  char cit[1024];
  const char *const *targets = ru_kb_targets();
  for (size_t i = 0; i < ru_kb_compound_count(kb); i++) {
    const char *name = ru_kb_compound_name(kb, i);
    ru_compound c;
    assert_int_equal(ru_kb_compound_info(kb, name, &c, NULL), RU_OK);
    const ru_value *vals[] = {&c.mw_g_per_mol, &c.pk.f, &c.pk.ka_per_h, &c.pk.tlag_h, &c.pk.cl_f_l_per_h,
                              &c.pk.v_f_l, &c.pk.q_f_l_per_h, &c.pk.vp_f_l, &c.pk.fu, &c.pk.half_life_h};
    for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
      if (isfinite(vals[k]->value)) {
        assert_int_equal(ru_kb_source(kb, vals[k]->source, cit, sizeof cit, NULL), RU_OK);
        assert_true(strlen(cit) > 0);
      } else {
        assert_int_equal(vals[k]->status, RU_VALUE_MISSING);
      }
    }
    for (size_t k = 0; k < c.pk.n_fm; k++) {
      assert_true(c.pk.fm[k].fm.value >= 0.0 && c.pk.fm[k].fm.value <= 1.0);
      assert_int_equal(ru_kb_source(kb, c.pk.fm[k].fm.source, cit, sizeof cit, NULL), RU_OK);
    }
    for (size_t k = 0; k < c.n_formations; k++) {
      assert_int_equal(ru_kb_source(kb, c.formations[k].fraction_formed.source, cit, sizeof cit, NULL), RU_OK);
    }
    for (size_t t = 0; targets[t] != NULL; t++) {
      ru_value v;
      assert_int_equal(ru_kb_affinity(kb, name, targets[t], &v, NULL), RU_OK);
      if (isfinite(v.value)) {
        assert_int_equal(ru_kb_source(kb, v.source, cit, sizeof cit, NULL), RU_OK);
      }
    }
  }
  ru_kb_free(kb);
}

static void test_model_queries_return_sourced_values(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  ru_value v;
  assert_int_equal(ru_kb_enzyme_kdeg(kb, "CYP2D6", &v, NULL), RU_OK);
  assert_true(fabs(v.value - 0.01359) < 1e-4);
  assert_int_equal(ru_kb_phenotype_activity(kb, "CYP2D6", "PM", &v, NULL), RU_OK);
  assert_true(v.value == 0.0);
  assert_int_equal(ru_kb_phenotype_activity(kb, "CYP2D6", "AS=1.5", &v, NULL), RU_OK);
  assert_true(fabs(v.value - 0.75) < 1e-12);
  assert_int_equal(ru_kb_phenotype_activity(kb, "CYP2D6", "XX", &v, NULL), RU_ENOTFOUND);
  const char *ph[4];
  double fr[4];
  size_t n = 0;
  assert_int_equal(ru_kb_phenotype_frequencies(kb, "CYP2D6", "european", ph, fr, 4, &n, NULL), RU_OK);
  assert_int_equal(n, 4);
  double sum = 0.0;
  for (size_t i = 0; i < n; i++) {
    sum += fr[i];
  }
  assert_true(fabs(sum - 1.0) < 0.01);
  assert_int_equal(ru_kb_param(kb, "physiology", "physio.half_life_min", &v, NULL), RU_OK);
  assert_true(fabs(v.value - 2.4) < 1e-12);
  assert_int_equal(ru_kb_param(kb, "synapse", "dat.km_um", &v, NULL), RU_OK);
  assert_true(fabs(v.value - 0.22) < 1e-12);
  ru_inhibition in[8];
  assert_int_equal(ru_kb_inhibitions(kb, "Paxil", in, 8, &n, NULL), RU_OK);
  int mbi = 0;
  for (size_t i = 0; i < n && i < 8; i++) {
    if (in[i].kind == RU_INHIB_MECHANISM_BASED && strcmp(in[i].enzyme, "CYP2D6") == 0) {
      mbi = 1;
      assert_true(fabs(in[i].kinact_per_h.value - 10.2) < 1e-9); /* 0.17 1/min x 60 */
    }
  }
  assert_true(mbi);
  ru_value f;
  /* SERT scaling is the fit of `reuptake validate --calibrate` on calibration_pet rows */
  assert_int_equal(ru_kb_scaling(kb, "SERT", &f, NULL), RU_OK);
  assert_true(f.value > 0.0 && f.status == RU_VALUE_CALIBRATED);
  assert_string_equal(f.source, "calibration_pet");
  /* a target nobody calibrated keeps the in-vitro affinity: factor 1, reported as missing */
  assert_int_equal(ru_kb_scaling(kb, "H1", &f, NULL), RU_OK);
  assert_true(f.value == 1.0 && f.status == RU_VALUE_MISSING);
  size_t idx[64];
  assert_int_equal(ru_kb_search(kb, "snri", idx, 64, &n, NULL), RU_OK);
  assert_true(n >= 4);
  ru_compound c;
  assert_int_equal(ru_kb_compound(kb, "atomoxetine", &c, NULL), RU_OK);
  /* CYP2D6 0.876 (Huang 2017), renal and CYP2C19 (derived from the same table); "other" is
   * never listed (it is the remainder) */
  assert_int_equal(c.pk.n_fm, 3);
  assert_string_equal(c.pk.fm[0].enzyme, "CYP2D6");
  assert_true(fabs(c.pk.fm_other.value) < 1e-9);
  /* imipramine is marked incomplete (no absorption rate): the model refuses it with the reason,
   * reports still read it */
  assert_int_equal(ru_kb_compound(kb, "imipramine", &c, NULL), RU_EMISSING);
  assert_int_equal(ru_kb_compound_info(kb, "imipramine", &c, NULL), RU_OK);
  assert_int_equal(c.n_formations, 1);
  assert_string_equal(c.formations[0].metabolite, "desipramine");
  ru_kb_free(kb);
}

/* --- malformed data ---------------------------------------------------------------------------- */

static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb");
  FILE *out = fopen(to, "wb");
  assert_non_null(in);
  assert_non_null(out);
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
    assert_int_equal(fwrite(buf, 1, n, out), n);
  }
  fclose(in);
  fclose(out);
}

static const char *const DATA_FILES[] = {"sources.csv", "compounds.csv", "affinities.csv", "pk.csv",
                                         "metabolites.csv", "cyp_inhibition.csv", "enzymes.csv", "pathway_gaps.csv",
                                         "phenotypes.csv", "phenotype_frequencies.csv", "params.csv",
                                         "scaling.csv"};

/* Copies the shipped data into a fresh temp dir and appends `line` to `file`; imports it and
 * returns the error message. */
static ru_status import_with_extra_row(const char *file, const char *line, char *msg, size_t cap) {
  char dir[] = "/tmp/ru_kb_test_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char from[4096], to[4096];
  for (size_t i = 0; i < sizeof DATA_FILES / sizeof DATA_FILES[0]; i++) {
    snprintf(from, sizeof from, "%s/data/%s", RU_SOURCE_DIR, DATA_FILES[i]);
    snprintf(to, sizeof to, "%s/%s", dir, DATA_FILES[i]);
    copy_file(from, to);
  }
  snprintf(to, sizeof to, "%s/%s", dir, file);
  FILE *f = fopen(to, "a");
  assert_non_null(f);
  fputs(line, f);
  fclose(f);
  char db[4096];
  snprintf(db, sizeof db, "%s/kb.sqlite", dir);
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_kb_import(dir, db, &err);
  snprintf(msg, cap, "%s", err.message);
  struct stat sb;
  if (st != RU_OK) {
    assert_int_not_equal(stat(db, &sb), 0); /* nothing written on failure */
  }
  for (size_t i = 0; i < sizeof DATA_FILES / sizeof DATA_FILES[0]; i++) {
    snprintf(to, sizeof to, "%s/%s", dir, DATA_FILES[i]);
    unlink(to);
  }
  unlink(db);
  rmdir(dir);
  return st;
}

static size_t count_lines(const char *file) {
  char path[4096];
  snprintf(path, sizeof path, "%s/data/%s", RU_SOURCE_DIR, file);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = 0;
  int c;
  int last = '\n';
  while ((c = fgetc(f)) != EOF) {
    if (c == '\n') {
      n++;
    }
    last = c;
  }
  fclose(f);
  return last == '\n' ? n : n + 1;
}

static void expect_rejected(const char *file, const char *row, const char *field, const char *what) {
  char msg[RU_ERROR_MESSAGE_MAX];
  const ru_status st = import_with_extra_row(file, row, msg, sizeof msg);
  assert_int_equal(st, RU_EDATA);
  char want[256];
  snprintf(want, sizeof want, "%s:%zu: field '%s':", file, count_lines(file) + 1, field);
  if (strstr(msg, want) == NULL || strstr(msg, what) == NULL) {
    fprintf(stderr, "got: %s\nwant: %s ... %s\n", msg, want, what);
  }
  assert_non_null(strstr(msg, want));
  assert_non_null(strstr(msg, what));
}

static void test_malformed_csv_rejected_with_file_line_field(void **state) {
  (void)state;
  char msg[RU_ERROR_MESSAGE_MAX];
  /* the unmodified data imports */
  assert_int_equal(import_with_extra_row("scaling.csv", "", msg, sizeof msg), RU_OK);
  expect_rejected("pk.csv", "atomoxetine,tlag_h,1.2x,h,tatsumi1997,primary,1,,,\n", "value", "not a number");
  expect_rejected("pk.csv", "atomoxetine,tlag_h,0.5,h,nosuchkey2099,primary,1,,,\n", "source",
                  "does not resolve");
  expect_rejected("pk.csv", "atomoxetine,fm.CYP2C19,1.5,fraction,tatsumi1997,primary,1,,,\n", "value",
                  "outside [0,1]");
  expect_rejected("pk.csv", "atomoxetine,v_f_l,100,L/h,tatsumi1997,primary,0,,,\n", "unit", "not the unit");
  expect_rejected("pk.csv", "atomoxetine,cl_f_l_per_h,20,L/h,tatsumi1997,primary,1,,,\n", "used", "duplicate");
  expect_rejected("metabolites.csv", "nosuchparent,desipramine,,0.5,tatsumi1997,derived,,\n", "parent",
                  "no parent compound");
  expect_rejected("affinities.csv", "atomoxetine,NET,NET,5,Ki,human,tatsumi1997,1,,\n", "used", "duplicate");
  expect_rejected("phenotype_frequencies.csv", "CYP2D6,martian,PM,1.5,tatsumi1997,\n", "frequency",
                  "outside [0,1]");
}

static void test_user_file_overrides_and_adds(void **state) {
  (void)state;
  ru_kb *kb = open_embedded();
  char path[] = "/tmp/ru_kb_user_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs("compound,key,value,unit,source\n"
        "atomoxetine,cl_f_l_per_h,20,L/h,My lab 2024 unpublished\n"
        "newdrug,cl_f_l_per_h,10,L/h,Doe 2020 J Test 1:1\n"
        "newdrug,ki_nm.NET,3,nM,Doe 2020 J Test 1:1\n",
        f);
  fclose(f);
  ru_error err;
  assert_int_equal(ru_kb_load_user(kb, path, &err), RU_OK);
  ru_compound c;
  assert_int_equal(ru_kb_compound(kb, "atomoxetine", &c, NULL), RU_OK);
  assert_true(c.pk.cl_f_l_per_h.value == 20.0);
  assert_int_equal(c.pk.cl_f_l_per_h.status, RU_VALUE_USER);
  ru_value v;
  assert_int_equal(ru_kb_affinity(kb, "NewDrug", "NET", &v, NULL), RU_OK);
  assert_true(v.value == 3.0);
  char *report = NULL;
  size_t violations = 1;
  assert_int_equal(ru_kb_check(kb, &report, &violations, NULL), RU_OK);
  assert_int_equal(violations, 0);
  ru_free(report);
  unlink(path);
  ru_kb_free(kb);
}

static void test_kb_file_opens_read_only(void **state) {
  (void)state;
  char path[4096];
  snprintf(path, sizeof path, "%s/kb.sqlite", RU_BINARY_DIR);
  ru_kb *kb = NULL;
  ru_error err;
  assert_int_equal(ru_kb_open(path, &kb, &err), RU_OK);
  assert_true(ru_kb_compound_count(kb) >= 28);
  ru_kb_free(kb);
  assert_int_not_equal(ru_kb_open("/nonexistent/kb.sqlite", &kb, &err), RU_OK);
  assert_null(kb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_embedded_kb_opens_without_files),
      cmocka_unit_test(test_brand_name_strattera_resolves_to_atomoxetine),
      cmocka_unit_test(test_unknown_name_suggests_closest),
      cmocka_unit_test(test_drugs_show_venlafaxine_lists_sert_net_dat_with_sources),
      cmocka_unit_test(test_kb_check_passes_on_shipped_data),
      cmocka_unit_test(test_every_used_value_has_resolvable_source),
      cmocka_unit_test(test_model_queries_return_sourced_values),
      cmocka_unit_test(test_malformed_csv_rejected_with_file_line_field),
      cmocka_unit_test(test_user_file_overrides_and_adds),
      cmocka_unit_test(test_kb_file_opens_read_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
