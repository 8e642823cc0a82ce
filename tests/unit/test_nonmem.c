/* Unit tests of the NONMEM-style event dataset reader (ru_regimen_read_dataset*). One behaviour
 * per test; the hand-computed expectation sits next to each assertion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reuptake/regimen.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Reads csv into a fresh regimen and asserts success; the caller frees. */
static ru_regimen *read_ok(const char *csv) {
  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  const ru_status st = ru_regimen_read_dataset_buffer(r, csv, strlen(csv), "d.csv", &err);
  if (st != RU_OK) {
    print_error("unexpected failure: %s\n", err.message);
  }
  assert_int_equal(st, RU_OK);
  return r;
}

/* Reads csv into a regimen that already holds one event; asserts the failure code and message
 * and that nothing was appended. */
static void read_fails(const char *csv, ru_status code, const char *message) {
  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "seed:1mg", &err), RU_OK);
  const ru_status st = ru_regimen_read_dataset_buffer(r, csv, strlen(csv), "d.csv", &err);
  assert_int_equal(st, code);
  assert_string_equal(err.message, message);
  assert_null(strchr(err.message, '\n'));
  assert_int_equal(ru_regimen_count(r), 1); /* the seed only */
  ru_regimen_free(r);
}

#define HDR "ID,TIME,AMT,EVID,CMT,DRUG,II,ADDL,SS,RATE,MDV\n"

/* ---- happy paths ------------------------------------------------------------------------ */

static void test_dose_and_observation_records(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,20,1,1,paroxetine,0,0,0,0,1\n"
                              "1,2.5,0,0,2,paroxetine,0,0,0,0,0\n");
  assert_int_equal(ru_regimen_count(r), 2);
  const ru_event *d = ru_regimen_event(r, 0);
  assert_int_equal(d->id, 1);
  assert_string_equal(d->compound, "paroxetine");
  assert_true(d->amount_mg == 20.0);
  assert_int_equal(d->evid, RU_EVID_DOSE);
  assert_int_equal(d->cmt, RU_CMT_DEPOT);
  assert_int_equal(d->mdv, 1);
  const ru_event *o = ru_regimen_event(r, 1);
  assert_int_equal(o->evid, RU_EVID_OBSERVATION);
  assert_true(o->time_h == 2.5);
  assert_int_equal(o->cmt, RU_CMT_CENTRAL);
  assert_int_equal(o->mdv, 0);
  ru_regimen_free(r);
}

static void test_addl_and_ii_kept(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,20,1,1,paroxetine,24,6,0,0,1\n");
  const ru_event *d = ru_regimen_event(r, 0);
  assert_true(d->ii_h == 24.0);
  assert_int_equal(d->addl, 6);                  /* 7 doses */
  assert_true(ru_regimen_last_dose_h(r) == 144.0); /* 6 * 24 h */
  ru_regimen_free(r);
}

static void test_ss1_with_interval(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,20,1,1,paroxetine,24,0,1,0,1\n");
  assert_int_equal(ru_regimen_event(r, 0)->ss, 1);
  ru_regimen_free(r);
}

static void test_ss2_with_infusion(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,100,1,2,x,12,0,2,50,1\n");
  const ru_event *d = ru_regimen_event(r, 0);
  assert_int_equal(d->ss, 2);
  assert_true(d->rate_mg_per_h == 50.0); /* 100 mg over 2 h */
  assert_true(d->ii_h == 12.0);
  ru_regimen_free(r);
}

static void test_ss_constant_infusion(void **state) {
  (void)state;
  /* SS=1, II=0, AMT=0, RATE>0: steady state of a constant infusion (NONMEM) */
  ru_regimen *r = read_ok(HDR "1,0,0,1,2,x,0,0,1,5,1\n");
  const ru_event *d = ru_regimen_event(r, 0);
  assert_int_equal(d->ss, 1);
  assert_true(d->amount_mg == 0.0);
  assert_true(d->rate_mg_per_h == 5.0);
  ru_regimen_free(r);
}

static void test_infusion_rate(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,20,1,2,x,0,0,0,10,1\n");
  assert_true(ru_regimen_event(r, 0)->rate_mg_per_h == 10.0); /* 20 mg over 2 h */
  ru_regimen_free(r);
}

static void test_evid3_reset_and_evid4_reset_dose(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,20,1,1,x,0,0,0,0,1\n"
                              "1,48,0,3,.,.,.,.,.,.,1\n"
                              "1,48,40,4,1,x,24,2,0,0,1\n");
  assert_int_equal(ru_regimen_count(r), 3);
  assert_int_equal(ru_regimen_event(r, 1)->evid, RU_EVID_RESET);
  assert_int_equal(ru_regimen_event(r, 1)->mdv, 1);
  const ru_event *d = ru_regimen_event(r, 2);
  assert_int_equal(d->evid, RU_EVID_RESET_DOSE);
  assert_true(d->amount_mg == 40.0);
  assert_true(ru_regimen_last_dose_h(r) == 96.0); /* 48 + 2 * 24 h */
  ru_regimen_free(r);
}

static void test_evid2_other_event(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,5,0,2,0,,0,0,0,0,1\n");
  assert_int_equal(ru_regimen_event(r, 0)->evid, RU_EVID_OTHER);
  ru_regimen_free(r);
}

static void test_observation_with_mdv1_kept(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,3,0,0,2,x,0,0,0,0,1\n");
  assert_int_equal(ru_regimen_event(r, 0)->evid, RU_EVID_OBSERVATION);
  assert_int_equal(ru_regimen_event(r, 0)->mdv, 1); /* missing DV, still an output time */
  ru_regimen_free(r);
}

static void test_dot_is_missing_value(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDR "1,0,20,.,.,x,.,.,.,.,.\n"
                              "1,1,.,.,.,.,.,.,.,.,.\n");
  const ru_event *d = ru_regimen_event(r, 0);
  assert_int_equal(d->evid, RU_EVID_DOSE); /* EVID defaults to 1 when AMT > 0 */
  assert_int_equal(d->cmt, RU_CMT_DEFAULT);
  assert_true(d->ii_h == 0.0);
  assert_int_equal(d->addl, 0);
  assert_int_equal(d->mdv, 1);
  const ru_event *o = ru_regimen_event(r, 1);
  assert_int_equal(o->evid, RU_EVID_OBSERVATION); /* AMT missing = 0, MDV missing */
  assert_int_equal(o->mdv, 0);
  assert_string_equal(o->compound, "");
  ru_regimen_free(r);
}

static void test_minimal_columns_default_evid(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,DRUG\n1,0,20,x\n1,1,0,x\n");
  assert_int_equal(ru_regimen_event(r, 0)->evid, RU_EVID_DOSE);        /* AMT > 0 */
  assert_int_equal(ru_regimen_event(r, 1)->evid, RU_EVID_OBSERVATION); /* AMT 0, MDV 0 */
  ru_regimen_free(r);
}

static void test_mdv1_without_evid_is_other_event(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,MDV\n1,4,0,1\n");
  assert_int_equal(ru_regimen_event(r, 0)->evid, RU_EVID_OTHER); /* NONMEM: MDV=1, no AMT */
  ru_regimen_free(r);
}

static void test_header_case_insensitive_extra_columns_ignored(void **state) {
  (void)state;
  ru_regimen *r = read_ok("id,Time,WT,amt,dv,Drug\n1,0,70,20,.,x\n");
  assert_int_equal(ru_regimen_count(r), 1);
  assert_true(ru_regimen_event(r, 0)->amount_mg == 20.0);
  assert_string_equal(ru_regimen_event(r, 0)->compound, "x");
  ru_regimen_free(r);
}

static void test_crlf_line_endings(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,DRUG\r\n1,0,20,x\r\n1,12,20,x\r\n");
  assert_int_equal(ru_regimen_count(r), 2);
  assert_true(ru_regimen_event(r, 1)->time_h == 12.0);
  ru_regimen_free(r);
}

static void test_quoted_fields(void **state) {
  (void)state;
  ru_regimen *r = read_ok("\"ID\",\"TIME\",\"AMT\",\"DRUG\"\n\"1\",\"0\",\"20\",\"St. John wort\"\n");
  assert_string_equal(ru_regimen_event(r, 0)->compound, "St. John wort");
  assert_true(ru_regimen_event(r, 0)->amount_mg == 20.0);
  ru_regimen_free(r);
}

static void test_several_subjects_ids_and_subset(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,DRUG\n10,0,20,x\n10,24,20,x\n2,0,40,x\n2,1,0,x\n");
  assert_int_equal(ru_regimen_id_count(r), 2);
  assert_int_equal(ru_regimen_id(r, 0), 10); /* order of first appearance */
  assert_int_equal(ru_regimen_id(r, 1), 2);
  ru_regimen *s = NULL;
  assert_int_equal(ru_regimen_subset(r, 2, &s, NULL), RU_OK);
  assert_int_equal(ru_regimen_count(s), 2);
  assert_true(ru_regimen_event(s, 0)->amount_mg == 40.0);
  ru_regimen_free(s);
  ru_regimen_free(r);
}

static void test_equal_times_allowed(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,DRUG\n1,0,20,x\n1,0,10,y\n");
  assert_int_equal(ru_regimen_count(r), 2); /* non-decreasing, not increasing */
  ru_regimen_free(r);
}

static void test_appends_after_existing_records(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "a:1mg", NULL), RU_OK);
  const char *csv = "ID,TIME,AMT,DRUG\n1,0,20,x\n";
  assert_int_equal(ru_regimen_read_dataset_buffer(r, csv, strlen(csv), "d.csv", NULL), RU_OK);
  assert_int_equal(ru_regimen_count(r), 2);
  ru_regimen_free(r);
}

static void test_read_from_file(void **state) {
  (void)state;
  char path[] = "/tmp/ru_test_nonmem_XXXXXX";
  const int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  fputs("ID,TIME,AMT,DRUG,II,ADDL\n1,0,20,paroxetine,24,27\n", f);
  fclose(f);
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_read_dataset(r, path, &err), RU_OK);
  assert_int_equal(ru_regimen_event(r, 0)->addl, 27);
  ru_regimen_free(r);
  remove(path);
}

static void test_missing_file(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_read_dataset(r, "/nonexistent/ru.csv", &err), RU_EINPUT_IO);
  assert_string_equal(err.message, "cannot open '/nonexistent/ru.csv'");
  ru_regimen_free(r);
}

/* ---- error paths ------------------------------------------------------------------------ */

static void test_missing_time_column(void **state) {
  (void)state;
  read_fails("ID,AMT,DRUG\n1,20,x\n", RU_EDATA,
             "d.csv:1: column 'TIME': missing from the header (ID, TIME and AMT are required)");
}

static void test_missing_id_column(void **state) {
  (void)state;
  read_fails("TIME,AMT,DRUG\n0,20,x\n", RU_EDATA,
             "d.csv:1: column 'ID': missing from the header (ID, TIME and AMT are required)");
}

static void test_headerless_file_hint(void **state) {
  (void)state;
  read_fails("#ID,TIME,AMT\n1,0,20\n", RU_EDATA,
             "d.csv:2: column 'ID': missing from the header (ID, TIME and AMT are required); "
             "the first row must name the columns (a '#' line is a comment)");
}

static void test_duplicate_header_column(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,time\n1,0,20,0\n", RU_EDATA,
             "d.csv:1: column 'TIME': appears twice in the header");
}

static void test_empty_file(void **state) {
  (void)state;
  read_fails("", RU_EDATA,
             "d.csv: empty: expected a header row naming the columns (ID, TIME, AMT, EVID, CMT, "
             "DRUG, II, ADDL, SS, RATE, MDV)");
}

static void test_header_only(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT\n", RU_EDATA, "d.csv: no records after the header");
}

static void test_no_drug_column_for_dose(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,CMT\n1,0,20,1\n", RU_EDATA,
             "d.csv:2: column 'DRUG': no such column, and dose records need one naming the "
             "compound");
}

static void test_empty_drug_on_dose(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,20,x\n1,12,20,.\n", RU_EDATA,
             "d.csv:3: column 'DRUG': missing compound name on a dose record");
}

static void test_bad_drug_name(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,20,x;y\n", RU_EDATA,
             "d.csv:2: column 'DRUG': name 'x;y' has a character outside A-Z a-z 0-9 - _ . and "
             "space");
}

static void test_time_not_a_number(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,08:30,20,x\n", RU_EDATA,
             "d.csv:2: column 'TIME': '08:30' is not a number");
}

static void test_missing_time_value(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,.,20,x\n", RU_EDATA, "d.csv:2: column 'TIME': missing value");
}

static void test_negative_time(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,-1,20,x\n", RU_EDATA,
             "d.csv:2: column 'TIME': -1 h is outside 0..1e+06 h");
}

static void test_nan_amount_rejected(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,nan,x\n", RU_EDATA, "d.csv:2: column 'AMT': 'nan' is not a number");
}

static void test_hex_amount_rejected(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,0x10,x\n", RU_EDATA,
             "d.csv:2: column 'AMT': '0x10' is not a number");
}

static void test_evid_out_of_range(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,EVID,DRUG\n1,0,20,5,x\n", RU_EDATA,
             "d.csv:2: column 'EVID': 5 is outside 0..4");
}

static void test_evid_not_whole(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,EVID,DRUG\n1,0,20,1.5,x\n", RU_EDATA,
             "d.csv:2: column 'EVID': 1.5 is not a whole number");
}

static void test_cmt_out_of_range(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,CMT,DRUG\n1,0,20,3,x\n", RU_EDATA,
             "d.csv:2: column 'CMT': 3 is outside 0..2");
}

static void test_ss_out_of_range(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,1,x,24,0,3,0,1\n", RU_EDATA, "d.csv:2: column 'SS': 3 is outside 0..2");
}

static void test_ss_without_interval(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,1,x,0,0,1,0,1\n", RU_EDATA,
             "d.csv:2: column 'SS': SS=1 needs II > 0 (or II=0 with AMT=0 and RATE>0 for a "
             "constant-infusion steady state)");
}

static void test_addl_without_interval(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,1,x,0,3,0,0,1\n", RU_EDATA, "d.csv:2: column 'ADDL': ADDL=3 needs II > 0");
}

static void test_negative_addl(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,1,x,24,-1,0,0,1\n", RU_EDATA,
             "d.csv:2: column 'ADDL': -1 is outside 0..999999");
}

/* RATE = -1 / -2 (NONMEM: rate / duration modelled) take the R / D data item of the record
 * (issue 18); without it the record is refused, naming the item and how to map it. */
static void test_rate_minus_one_needs_the_r_item(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,2,x,0,0,0,-1,1\n", RU_EDATA,
             "d.csv:2: column 'RATE': RATE=-1 needs the modelled rate (mg/h): a column 'R' on "
             "this record (or --data-map R=COLUMN)");
}

static void test_rate_minus_two_needs_the_d_item(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,2,x,0,0,0,-2,1\n", RU_EDATA,
             "d.csv:2: column 'RATE': RATE=-2 needs the modelled duration (h): a column 'D' on "
             "this record (or --data-map D=COLUMN)");
}

static void test_amount_on_observation(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,0,2,x,0,0,0,0,0\n", RU_EDATA,
             "d.csv:2: column 'AMT': must be 0 or '.' on an EVID 0 record (only doses, EVID 1 or "
             "4, carry AMT, RATE, SS, II and ADDL)");
}

static void test_zero_amount_dose(void **state) {
  (void)state;
  read_fails(HDR "1,0,0,1,1,x,0,0,0,0,1\n", RU_EDATA,
             "d.csv:2: column 'AMT': dose record (EVID 1) with AMT 0 (only a constant-infusion "
             "steady state, SS>0 with II=0 and RATE>0, may have AMT 0)");
}

static void test_mdv0_on_dose(void **state) {
  (void)state;
  read_fails(HDR "1,0,20,1,1,x,0,0,0,0,0\n", RU_EDATA,
             "d.csv:2: column 'MDV': MDV=0 on an EVID 1 record (only observations may have MDV 0)");
}

static void test_time_decreasing_within_id(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,20,x\n1,24,20,x\n1,12,20,x\n", RU_EDATA,
             "d.csv:4: column 'TIME': 12 h is before the previous record's 24 h for ID 1 (TIME "
             "must not decrease within a subject)");
}

static void test_time_may_restart_for_next_id(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,DRUG\n1,24,20,x\n2,0,20,x\n");
  assert_int_equal(ru_regimen_count(r), 2);
  ru_regimen_free(r);
}

static void test_id_reappears(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,20,x\n2,0,20,x\n1,24,20,x\n", RU_EDATA,
             "d.csv:4: column 'ID': ID 1 reappears after ID 2 (the records of a subject must be "
             "contiguous)");
}

static void test_field_count_mismatch(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\n1,0,20\n", RU_EDATA, "d.csv:2: 3 fields but the header has 4");
}

static void test_unterminated_quote(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  const char *csv = "ID,TIME,AMT,DRUG\n1,0,20,\"x\n";
  assert_int_equal(ru_regimen_read_dataset_buffer(r, csv, strlen(csv), "d.csv", &err), RU_EDATA);
  assert_non_null(strstr(err.message, "d.csv:2"));
  assert_int_equal(ru_regimen_count(r), 0);
  ru_regimen_free(r);
}

static void test_error_line_counts_crlf(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,DRUG\r\n1,0,20,x\r\n1,abc,20,x\r\n", RU_EDATA,
             "d.csv:3: column 'TIME': 'abc' is not a number");
}

static void test_nothing_appended_when_last_row_bad(void **state) {
  (void)state;
  /* rows 2-3 are valid; row 4 fails: none of them may be appended */
  read_fails("ID,TIME,AMT,DRUG\n1,0,20,x\n1,12,20,x\n1,24,-5,x\n", RU_EDATA,
             "d.csv:4: column 'AMT': -5 mg is outside 0..1e+06 mg");
}

/* ---- per-record dose modifiers (issue 18) ------------------------------------------------- */

#define HDRM "ID,TIME,AMT,EVID,CMT,DRUG,RATE,F,ALAG,R,D\n"

/* F, ALAG, R and D are read per record; absent or '.' means "the compound's own". */
static void test_dose_modifiers_are_read_per_record(void **state) {
  (void)state;
  ru_regimen *r = read_ok(HDRM "1,0,20,1,1,x,0,0.6,1.5,.,.\n"
                               "1,1,20,1,2,x,-1,.,.,4,.\n"
                               "1,2,20,1,2,x,-2,0.5,.,.,3\n");
  const ru_event *a = ru_regimen_event(r, 0), *b = ru_regimen_event(r, 1), *c = ru_regimen_event(r, 2);
  assert_true(a->has_bioav && a->bioav == 0.6 && a->has_lag && a->lag_h == 1.5);
  assert_true(!b->has_bioav && !b->has_lag && b->rate_mg_per_h == RU_RATE_MODELLED_RATE &&
              b->model_rate_mg_per_h == 4.0);
  assert_true(c->has_bioav && c->bioav == 0.5 && c->rate_mg_per_h == RU_RATE_MODELLED_DURATION &&
              c->model_dur_h == 3.0);
  ru_regimen_free(r);
}

/* --data-map: the dataset's own names for the items. */
static void test_data_map_renames_the_items(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_set_data_map(r, "f=BIOAV,ALAG=lagt", &err), RU_OK);
  const char csv[] = "ID,TIME,AMT,DRUG,BIOAV,LAGT\n1,0,20,x,0.25,2\n";
  assert_int_equal(ru_regimen_read_dataset_buffer(r, csv, strlen(csv), "d.csv", &err), RU_OK);
  const ru_event *e = ru_regimen_event(r, 0);
  assert_true(e->has_bioav && e->bioav == 0.25 && e->has_lag && e->lag_h == 2.0);
  assert_int_equal(ru_regimen_warning_count(r), 0);
  assert_int_equal(ru_regimen_set_data_map(r, "Q=X", &err), RU_EPARSE);
  assert_int_equal(ru_regimen_set_data_map(r, "F=", &err), RU_EPARSE);
  assert_int_equal(ru_regimen_set_data_map(r, "F=A,", &err), RU_EPARSE);
  ru_regimen_free(r);
}

/* A column named like another tool's dose modifier is reported once, never silently dropped. */
static void test_other_tools_modifier_columns_are_reported(void **state) {
  (void)state;
  ru_regimen *r = read_ok("ID,TIME,AMT,DRUG,F1,ALAG1,LAGT,MTIME,WT\n1,0,20,x,0.5,1,1,2,70\n"
                          "1,1,20,x,0.5,1,1,2,70\n");
  assert_int_equal(ru_regimen_warning_count(r), 4); /* F1, ALAG1, LAGT, MTIME; WT is a covariate */
  assert_non_null(strstr(ru_regimen_warning(r, 0), "'F1'"));
  assert_non_null(strstr(ru_regimen_warning(r, 0), "--data-map F=F1"));
  assert_non_null(strstr(ru_regimen_warning(r, 2), "--data-map ALAG=LAGT"));
  ru_regimen_free(r);
}

/* Where reuptake would have to guess, it refuses with the reason. */
static void test_f_on_a_constant_infusion_steady_state_is_refused(void **state) {
  (void)state;
  read_fails("ID,TIME,AMT,EVID,CMT,DRUG,SS,RATE,F\n1,0,0,1,2,x,1,5,0.5\n", RU_EDATA,
             "d.csv:2: column 'F': F=0.5 on a steady-state constant infusion (AMT 0): F scales "
             "amounts, and what it does to a constant infusion's rate is not defined here; give "
             "the rate actually delivered");
  read_fails("ID,TIME,AMT,EVID,CMT,DRUG,SS,RATE,D\n1,0,0,1,2,x,1,-2,3\n", RU_EDATA,
             "d.csv:2: column 'RATE': RATE=-2 (modelled duration) on a steady-state constant "
             "infusion: a constant infusion has no duration");
}

static void test_bad_modifier_values(void **state) {
  (void)state;
  read_fails(HDRM "1,0,20,1,1,x,0,-1,.,.,.\n", RU_EDATA, "d.csv:2: column 'F': -1 is outside 0..10");
  read_fails(HDRM "1,0,20,1,1,x,0,.,-2,.,.\n", RU_EDATA,
             "d.csv:2: column 'ALAG': -2 h is outside 0..1e+06 h");
  read_fails(HDRM "1,0,20,1,2,x,-1,.,.,0,.\n", RU_EDATA,
             "d.csv:2: column 'R': 0 mg/h is outside (0, 1e+09] mg/h");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dose_and_observation_records),
      cmocka_unit_test(test_addl_and_ii_kept),
      cmocka_unit_test(test_ss1_with_interval),
      cmocka_unit_test(test_ss2_with_infusion),
      cmocka_unit_test(test_ss_constant_infusion),
      cmocka_unit_test(test_infusion_rate),
      cmocka_unit_test(test_evid3_reset_and_evid4_reset_dose),
      cmocka_unit_test(test_evid2_other_event),
      cmocka_unit_test(test_observation_with_mdv1_kept),
      cmocka_unit_test(test_dot_is_missing_value),
      cmocka_unit_test(test_minimal_columns_default_evid),
      cmocka_unit_test(test_mdv1_without_evid_is_other_event),
      cmocka_unit_test(test_header_case_insensitive_extra_columns_ignored),
      cmocka_unit_test(test_crlf_line_endings),
      cmocka_unit_test(test_quoted_fields),
      cmocka_unit_test(test_several_subjects_ids_and_subset),
      cmocka_unit_test(test_equal_times_allowed),
      cmocka_unit_test(test_appends_after_existing_records),
      cmocka_unit_test(test_read_from_file),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_missing_time_column),
      cmocka_unit_test(test_missing_id_column),
      cmocka_unit_test(test_headerless_file_hint),
      cmocka_unit_test(test_duplicate_header_column),
      cmocka_unit_test(test_empty_file),
      cmocka_unit_test(test_header_only),
      cmocka_unit_test(test_no_drug_column_for_dose),
      cmocka_unit_test(test_empty_drug_on_dose),
      cmocka_unit_test(test_bad_drug_name),
      cmocka_unit_test(test_time_not_a_number),
      cmocka_unit_test(test_missing_time_value),
      cmocka_unit_test(test_negative_time),
      cmocka_unit_test(test_nan_amount_rejected),
      cmocka_unit_test(test_hex_amount_rejected),
      cmocka_unit_test(test_evid_out_of_range),
      cmocka_unit_test(test_evid_not_whole),
      cmocka_unit_test(test_cmt_out_of_range),
      cmocka_unit_test(test_ss_out_of_range),
      cmocka_unit_test(test_ss_without_interval),
      cmocka_unit_test(test_addl_without_interval),
      cmocka_unit_test(test_negative_addl),
      cmocka_unit_test(test_rate_minus_one_needs_the_r_item),
      cmocka_unit_test(test_rate_minus_two_needs_the_d_item),
      cmocka_unit_test(test_amount_on_observation),
      cmocka_unit_test(test_zero_amount_dose),
      cmocka_unit_test(test_mdv0_on_dose),
      cmocka_unit_test(test_time_decreasing_within_id),
      cmocka_unit_test(test_time_may_restart_for_next_id),
      cmocka_unit_test(test_id_reappears),
      cmocka_unit_test(test_field_count_mismatch),
      cmocka_unit_test(test_unterminated_quote),
      cmocka_unit_test(test_error_line_counts_crlf),
      cmocka_unit_test(test_nothing_appended_when_last_row_bad),
      cmocka_unit_test(test_dose_modifiers_are_read_per_record),
      cmocka_unit_test(test_data_map_renames_the_items),
      cmocka_unit_test(test_other_tools_modifier_columns_are_reported),
      cmocka_unit_test(test_f_on_a_constant_infusion_steady_state_is_refused),
      cmocka_unit_test(test_bad_modifier_values),
  };
  return cmocka_run_group_tests_name("nonmem", tests, NULL, NULL);
}
