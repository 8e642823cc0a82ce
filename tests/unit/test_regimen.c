/* Unit tests of the command-line regimen grammar and the event-list API (regimen.h). One
 * behaviour per test; the hand-computed expectation sits next to each assertion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "reuptake/regimen.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Parses spec into a fresh regimen, asserts success and exactly one event, returns a copy. */
static ru_event parse_one(const char *spec) {
  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  const ru_status st = ru_regimen_parse(r, spec, &err);
  if (st != RU_OK) {
    print_error("unexpected failure for '%s': %s\n", spec, err.message);
  }
  assert_int_equal(st, RU_OK);
  assert_int_equal(ru_regimen_count(r), 1);
  const ru_event ev = *ru_regimen_event(r, 0);
  ru_regimen_free(r);
  return ev;
}

/* Parses spec, asserts it fails with code and exactly message, and that nothing was appended
 * to a regimen already holding one event. */
static void parse_fails(const char *spec, ru_status code, const char *message) {
  ru_regimen *r = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "seed:1mg", &err), RU_OK);
  const ru_status st = ru_regimen_parse(r, spec, &err);
  assert_int_equal(st, code);
  assert_int_equal(err.code, code);
  assert_string_equal(err.message, message);
  assert_null(strchr(err.message, '\n'));
  assert_int_equal(ru_regimen_count(r), 1); /* the seed only: nothing appended */
  ru_regimen_free(r);
}

/* ---- happy paths: every example in DESIGN.md and the brief ------------------------------- */

static void test_q24h_repeats_until_end(void **state) {
  (void)state;
  const ru_event e = parse_one("paroxetine:20mg:q24h");
  assert_string_equal(e.compound, "paroxetine"); /* kept as typed */
  assert_true(e.amount_mg == 20.0);              /* 20 mg */
  assert_true(e.ii_h == 24.0);                   /* q24h */
  assert_int_equal(e.addl, -1);                  /* no for=/n=: until the simulation ends */
  assert_true(e.time_h == 0.0);                  /* no start= */
  assert_int_equal(e.evid, RU_EVID_DOSE);
  assert_int_equal(e.cmt, RU_CMT_DEFAULT); /* oral depot */
  assert_int_equal(e.ss, 0);
  assert_true(e.rate_mg_per_h == 0.0); /* bolus */
  assert_int_equal(e.id, 1);           /* command-line regimens are subject 1 */
  assert_int_equal(e.mdv, 1);
}

static void test_start_in_days(void **state) {
  (void)state;
  const ru_event e = parse_one("atomoxetine:40mg:q12h:start=14d");
  assert_true(e.time_h == 336.0); /* 14 d * 24 h */
  assert_true(e.ii_h == 12.0);
  assert_true(e.amount_mg == 40.0);
  assert_int_equal(e.addl, -1);
}

static void test_bid_is_q12h(void **state) {
  (void)state;
  const ru_event e = parse_one("bupropion:150mg:bid");
  assert_true(e.ii_h == 12.0);
  assert_true(e.amount_mg == 150.0);
}

static void test_qd_tid_qid_intervals(void **state) {
  (void)state;
  assert_true(parse_one("x:1mg:qd").ii_h == 24.0);
  assert_true(parse_one("x:1mg:tid").ii_h == 8.0);
  assert_true(parse_one("x:1mg:qid").ii_h == 6.0);
}

static void test_single_dose_in_ug(void **state) {
  (void)state;
  const ru_event e = parse_one("x:500ug");
  assert_true(fabs(e.amount_mg - 0.5) < 1e-15); /* 500 ug = 0.5 mg */
  assert_true(e.ii_h == 0.0);                   /* single dose */
  assert_int_equal(e.addl, 0);
}

static void test_micro_sign_ug(void **state) {
  (void)state;
  const ru_event e = parse_one("x:250\xc2\xb5g");
  assert_true(fabs(e.amount_mg - 0.25) < 1e-15); /* 250 µg = 0.25 mg */
}

static void test_grams_tid_count(void **state) {
  (void)state;
  const ru_event e = parse_one("x:1g:tid:n=3");
  assert_true(e.amount_mg == 1000.0); /* 1 g */
  assert_true(e.ii_h == 8.0);         /* tid */
  assert_int_equal(e.addl, 2);        /* n=3: first + 2 additional */
}

static void test_for_28d_gives_28_doses(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:q24h:for=28d");
  assert_int_equal(e.addl, 27); /* ceil(672 h / 24 h) - 1 = 27 */
}

static void test_for_25h_q12h_gives_3_doses(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:q12h:for=25h");
  assert_int_equal(e.addl, 2); /* doses at 0, 12, 24 h (< 25 h): ceil(25/12) - 1 = 2 */
}

static void test_for_exact_multiple_excludes_end(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:q12h:for=24h");
  assert_int_equal(e.addl, 1); /* doses at 0 and 12 h; 24 h is not strictly before 24 h */
}

static void test_for_shorter_than_interval_gives_one_dose(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:q24h:for=1h");
  assert_int_equal(e.addl, 0); /* ceil(1/24) - 1 = 0: at least one dose */
}

static void test_for_rounding_counts_exact_multiples(void **state) {
  (void)state;
  /* 24 / 0.1 = 240.00000000000003 in binary floating point; the intent is 240 doses */
  const ru_event e = parse_one("x:1mg:q0.1h:for=1d");
  assert_int_equal(e.addl, 239);
}

static void test_interval_in_minutes(void **state) {
  (void)state;
  assert_true(parse_one("x:1mg:q30min").ii_h == 0.5); /* 30 min = 0.5 h */
}

static void test_interval_in_days_and_weeks(void **state) {
  (void)state;
  assert_true(parse_one("x:1mg:q1d").ii_h == 24.0);  /* 1 d */
  assert_true(parse_one("x:1mg:q1w").ii_h == 168.0); /* 1 w = 7 * 24 h */
}

static void test_for_in_weeks(void **state) {
  (void)state;
  const ru_event e = parse_one("x:1mg:q24h:for=2w");
  assert_int_equal(e.addl, 13); /* 336 h / 24 h = 14 doses */
}

static void test_start_in_minutes(void **state) {
  (void)state;
  assert_true(parse_one("x:1mg:start=90min").time_h == 1.5); /* 90 min = 1.5 h */
}

static void test_options_in_any_order(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:start=2d:n=3:q12h");
  assert_true(e.time_h == 48.0); /* 2 d */
  assert_true(e.ii_h == 12.0);
  assert_int_equal(e.addl, 2); /* n=3 */
}

static void test_keywords_case_insensitive_name_kept(void **state) {
  (void)state;
  const ru_event e = parse_one("Paroxetine:20MG:BID:N=2");
  assert_string_equal(e.compound, "Paroxetine"); /* as typed; the PK layer resolves it */
  assert_true(e.ii_h == 12.0);
  assert_int_equal(e.addl, 1);
}

static void test_name_allows_space_dot_dash_underscore(void **state) {
  (void)state;
  const ru_event e = parse_one("St. John-s_wort 2:300mg");
  assert_string_equal(e.compound, "St. John-s_wort 2");
}

static void test_space_between_number_and_unit(void **state) {
  (void)state;
  assert_true(parse_one("x:20 mg").amount_mg == 20.0);
}

static void test_n1_is_one_dose(void **state) {
  (void)state;
  assert_int_equal(parse_one("x:20mg:q24h:n=1").addl, 0);
}

static void test_leading_zeros_in_count(void **state) {
  (void)state;
  assert_int_equal(parse_one("x:20mg:q24h:n=00000003").addl, 2);
}

/* ---- extensions ------------------------------------------------------------------------- */

static void test_iv_bolus_into_central(void **state) {
  (void)state;
  const ru_event e = parse_one("x:10mg:iv");
  assert_int_equal(e.cmt, RU_CMT_CENTRAL);
  assert_true(e.rate_mg_per_h == 0.0); /* bolus */
}

static void test_infusion_rate_is_dose_over_duration(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:inf=30min");
  assert_int_equal(e.cmt, RU_CMT_CENTRAL);
  assert_true(e.rate_mg_per_h == 40.0); /* 20 mg / 0.5 h */
}

static void test_iv_with_infusion_accepted(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:iv:inf=2h:q24h");
  assert_int_equal(e.cmt, RU_CMT_CENTRAL);
  assert_true(e.rate_mg_per_h == 10.0); /* 20 mg / 2 h */
  assert_true(e.ii_h == 24.0);
}

static void test_ss_sets_steady_state(void **state) {
  (void)state;
  const ru_event e = parse_one("x:20mg:q24h:ss");
  assert_int_equal(e.ss, 1);
  assert_int_equal(e.addl, -1);
}

/* ---- error paths ------------------------------------------------------------------------ */

static void test_bare_number_dose_has_no_unit(void **state) {
  (void)state;
  parse_fails("paroxetine:20", RU_EUNITS,
              "regimen 'paroxetine:20': dose '20' has no unit (expected mg, ug or g, e.g. 20mg)");
}

static void test_unknown_interval_named(void **state) {
  (void)state;
  parse_fails("paroxetine:20mg:q24x", RU_EUNITS,
              "regimen 'paroxetine:20mg:q24x': unknown interval 'q24x' (expected qINTERVAL like "
              "q24h, or qd/bid/tid/qid)");
}

static void test_unknown_interval_letters(void **state) {
  (void)state;
  parse_fails("x:20mg:qxh", RU_EPARSE,
              "regimen 'x:20mg:qxh': unknown interval 'qxh' (expected qINTERVAL like q24h, or "
              "qd/bid/tid/qid)");
}

static void test_interval_without_unit(void **state) {
  (void)state;
  parse_fails("x:20mg:q24", RU_EUNITS,
              "regimen 'x:20mg:q24': interval 'q24' has no unit (expected e.g. q12h, q1d, q30min)");
}

static void test_zero_interval(void **state) {
  (void)state;
  parse_fails("x:20mg:q0h", RU_ERANGE, "regimen 'x:20mg:q0h': interval must be > 0");
}

static void test_interval_below_one_minute(void **state) {
  (void)state;
  parse_fails("x:20mg:q30s", RU_ERANGE, "regimen 'x:20mg:q30s': interval 'q30s' is shorter than 1 min");
}

static void test_unknown_option_named(void **state) {
  (void)state;
  parse_fails("x:20mg:daily", RU_EPARSE,
              "regimen 'x:20mg:daily': unknown option 'daily' (expected qINTERVAL, qd, bid, tid, "
              "qid, for=, n=, start=, iv, inf=, ss)");
}

static void test_unknown_key_option_named(void **state) {
  (void)state;
  parse_fails("x:20mg:lag=1h", RU_EPARSE,
              "regimen 'x:20mg:lag=1h': unknown option 'lag=' (expected qINTERVAL, qd, bid, tid, "
              "qid, for=, n=, start=, iv, inf=, ss)");
}

static void test_for_and_n_conflict(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:for=28d:n=3", RU_EPARSE,
              "regimen 'x:20mg:q24h:for=28d:n=3': 'for=28d' and 'n=3' conflict (give one of for= "
              "and n=)");
}

static void test_duplicate_interval(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:bid", RU_EPARSE,
              "regimen 'x:20mg:q24h:bid': interval given twice ('q24h' and 'bid')");
}

static void test_duplicate_start(void **state) {
  (void)state;
  parse_fails("x:20mg:start=1d:start=2d", RU_EPARSE,
              "regimen 'x:20mg:start=1d:start=2d': start given twice ('start=1d' and 'start=2d')");
}

static void test_duplicate_count(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:n=2:n=3", RU_EPARSE,
              "regimen 'x:20mg:q24h:n=2:n=3': count given twice ('n=2' and 'n=3')");
}

static void test_empty_regimen(void **state) {
  (void)state;
  parse_fails("", RU_EPARSE,
              "empty regimen (expected DRUG:DOSE[:qINTERVAL][:for=DURATION|:n=COUNT][:start=TIME], "
              "e.g. paroxetine:20mg:q24h)");
}

static void test_missing_drug(void **state) {
  (void)state;
  parse_fails(":20mg", RU_EPARSE, "regimen ':20mg': missing drug name before ':'");
}

static void test_missing_dose(void **state) {
  (void)state;
  parse_fails("paroxetine", RU_EPARSE,
              "regimen 'paroxetine': missing dose (expected DRUG:DOSE..., e.g. paroxetine:20mg)");
}

static void test_empty_dose(void **state) {
  (void)state;
  parse_fails("paroxetine:", RU_EPARSE,
              "regimen 'paroxetine:': missing dose (expected DRUG:DOSE..., e.g. paroxetine:20mg)");
}

static void test_trailing_colon(void **state) {
  (void)state;
  parse_fails("x:20mg:", RU_EPARSE,
              "regimen 'x:20mg:': empty option (two ':' in a row or a trailing ':')");
}

static void test_zero_dose(void **state) {
  (void)state;
  parse_fails("x:0mg", RU_ERANGE, "regimen 'x:0mg': dose '0mg' must be > 0");
}

static void test_negative_dose(void **state) {
  (void)state;
  parse_fails("x:-5mg", RU_ERANGE, "regimen 'x:-5mg': dose '-5mg' is negative");
}

static void test_dose_above_limit(void **state) {
  (void)state;
  parse_fails("x:2000g", RU_ERANGE, "regimen 'x:2000g': dose '2000g' is more than 1e+06 mg");
}

static void test_dose_unknown_unit(void **state) {
  (void)state;
  parse_fails("x:20kg", RU_EUNITS,
              "regimen 'x:20kg': dose '20kg' is not a quantity: unknown unit 'kg': expected mass "
              "(mg, ug, g)");
}

static void test_dose_infinite_rejected(void **state) {
  (void)state;
  parse_fails("x:infmg", RU_EPARSE,
              "regimen 'x:infmg': dose 'infmg' is not a quantity: bad number in 'infmg'");
}

static void test_dose_overflow_rejected(void **state) {
  (void)state;
  parse_fails("x:1e999mg", RU_EPARSE,
              "regimen 'x:1e999mg': dose '1e999mg' is not a quantity: bad number in '1e999mg'");
}

static void test_time_unit_for_dose_rejected(void **state) {
  (void)state;
  parse_fails("x:20h", RU_EUNITS,
              "regimen 'x:20h': dose '20h' is not a quantity: unknown unit 'h': expected mass "
              "(mg, ug, g)");
}

static void test_count_zero(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:n=0", RU_ERANGE, "regimen 'x:20mg:q24h:n=0': count 'n=0' must be >= 1");
}

static void test_count_fraction(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:n=2.5", RU_EPARSE,
              "regimen 'x:20mg:q24h:n=2.5': count 'n=2.5' is not a whole number");
}

static void test_count_above_limit(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:n=1000001", RU_ERANGE,
              "regimen 'x:20mg:q24h:n=1000001': count 'n=1000001' is more than 1000000");
}

static void test_zero_duration(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:for=0d", RU_ERANGE,
              "regimen 'x:20mg:q24h:for=0d': duration 'for=0d' must be > 0 h");
}

static void test_negative_start(void **state) {
  (void)state;
  parse_fails("x:20mg:start=-1d", RU_ERANGE, "regimen 'x:20mg:start=-1d': start 'start=-1d' is negative");
}

static void test_start_without_unit(void **state) {
  (void)state;
  parse_fails("x:20mg:start=5", RU_EUNITS,
              "regimen 'x:20mg:start=5': start 'start=5' has no unit (expected min, h, d or w, "
              "e.g. 12h)");
}

static void test_empty_duration(void **state) {
  (void)state;
  parse_fails("x:20mg:q24h:for=", RU_EPARSE, "regimen 'x:20mg:q24h:for=': duration 'for=' is empty");
}

static void test_start_above_limit(void **state) {
  (void)state;
  parse_fails("x:20mg:start=10000w", RU_ERANGE,
              "regimen 'x:20mg:start=10000w': start 'start=10000w' is longer than 1e+06 h");
}

static void test_for_without_interval(void **state) {
  (void)state;
  parse_fails("x:20mg:for=28d", RU_EPARSE,
              "regimen 'x:20mg:for=28d': 'for=28d' needs an interval (add e.g. :q24h or :bid); "
              "without one the regimen is a single dose");
}

static void test_ss_without_interval(void **state) {
  (void)state;
  parse_fails("x:20mg:ss", RU_EPARSE,
              "regimen 'x:20mg:ss': 'ss' needs an interval (add e.g. :q24h or :bid); without one "
              "the regimen is a single dose");
}

static void test_too_many_doses(void **state) {
  (void)state;
  parse_fails("x:1mg:q1min:for=1000w", RU_ERANGE,
              "regimen 'x:1mg:q1min:for=1000w': 'for=1000w' with a 0.0166667 h interval gives "
              "more than 1000000 doses");
}

static void test_infusion_zero_duration(void **state) {
  (void)state;
  parse_fails("x:20mg:inf=0h", RU_ERANGE, "regimen 'x:20mg:inf=0h': infusion 'inf=0h' must be > 0 h");
}

static void test_bad_drug_character(void **state) {
  (void)state;
  parse_fails("a/b:20mg", RU_EPARSE,
              "regimen 'a/b:20mg': drug name 'a/b' has a character outside A-Z a-z 0-9 - _ . and "
              "space");
}

static void test_drug_leading_space(void **state) {
  (void)state;
  parse_fails(" x:20mg", RU_EPARSE,
              "regimen ' x:20mg': drug name ' x' has a leading or trailing space");
}

static void test_drug_name_too_long(void **state) {
  (void)state;
  char spec[128];
  memset(spec, 'a', 64); /* 64 characters: one more than RU_NAME_MAX - 1 */
  strcpy(spec + 64, ":1mg");
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, spec, &err), RU_EPARSE);
  assert_non_null(strstr(err.message, "is longer than 63 characters"));
  assert_int_equal(ru_regimen_count(r), 0);
  ru_regimen_free(r);
}

static void test_spec_too_long_is_truncated_in_message(void **state) {
  (void)state;
  char spec[400];
  memset(spec, 'a', 300);
  spec[300] = '\0';
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  assert_int_equal(ru_regimen_parse(r, spec, &err), RU_EPARSE);
  assert_non_null(strstr(err.message, "...': longer than 256 characters"));
  assert_true(strlen(err.message) < 200); /* 120 characters of the regimen shown */
  ru_regimen_free(r);
}

static void test_too_many_parts(void **state) {
  (void)state;
  parse_fails("x:1mg:iv:iv:iv:iv:iv:iv:iv:iv:iv:iv:iv", RU_EPARSE,
              "regimen 'x:1mg:iv:iv:iv:iv:iv:iv:iv:iv:iv:iv:iv': too many ':'-separated parts (at "
              "most 12)");
}

static void test_null_error_pointer_allowed(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "x:20", NULL), RU_EUNITS);
  assert_int_equal(ru_regimen_parse(r, "x:20mg", NULL), RU_OK);
  assert_int_equal(ru_regimen_count(r), 1);
  ru_regimen_free(r);
}

/* ---- the event-list API ----------------------------------------------------------------- */

static void test_free_null_is_noop(void **state) {
  (void)state;
  ru_regimen_free(NULL);
  assert_int_equal(ru_regimen_count(NULL), 0);
  assert_null(ru_regimen_event(NULL, 0));
}

static void test_several_regimens_append(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "atomoxetine:40mg:q12h", NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "paroxetine:20mg:q24h:start=14d", NULL), RU_OK);
  assert_int_equal(ru_regimen_count(r), 2);
  assert_string_equal(ru_regimen_event(r, 1)->compound, "paroxetine");
  assert_int_equal(ru_regimen_id_count(r), 1); /* both subject 1 */
  assert_int_equal(ru_regimen_id(r, 0), 1);
  assert_null(ru_regimen_event(r, 2)); /* out of range */
  ru_regimen_free(r);
}

static ru_event dose_event(long id, double t, double amt) {
  ru_event e;
  memset(&e, 0, sizeof e);
  e.id = id;
  strcpy(e.compound, "x");
  e.time_h = t;
  e.amount_mg = amt;
  e.evid = RU_EVID_DOSE;
  e.mdv = 1;
  return e;
}

static void test_add_rejects_nan_time(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  ru_event e = dose_event(1, (double)NAN, 1.0);
  assert_int_equal(ru_regimen_add(r, &e, &err), RU_EINVAL);
  assert_non_null(strstr(err.message, "time"));
  assert_int_equal(ru_regimen_count(r), 0);
  ru_regimen_free(r);
}

static void test_add_rejects_addl_without_interval(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  ru_event e = dose_event(1, 0.0, 1.0);
  e.addl = 3;
  assert_int_equal(ru_regimen_add(r, &e, &err), RU_EINVAL);
  assert_string_equal(err.message, "invalid event: additional doses need an interval");
  ru_regimen_free(r);
}

static void test_add_rejects_amount_on_observation(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  ru_error err;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  ru_event e = dose_event(1, 0.0, 1.0);
  e.evid = RU_EVID_OBSERVATION;
  e.mdv = 0;
  assert_int_equal(ru_regimen_add(r, &e, &err), RU_EINVAL);
  ru_regimen_free(r);
}

static void test_ids_in_order_of_first_appearance(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  const long ids[] = {7, 3, 7, 100, 3};
  for (size_t i = 0; i < 5; i++) {
    const ru_event e = dose_event(ids[i], (double)i, 1.0);
    assert_int_equal(ru_regimen_add(r, &e, NULL), RU_OK);
  }
  assert_int_equal(ru_regimen_id_count(r), 3); /* 7, 3, 100 */
  assert_int_equal(ru_regimen_id(r, 0), 7);
  assert_int_equal(ru_regimen_id(r, 1), 3);
  assert_int_equal(ru_regimen_id(r, 2), 100);
  assert_int_equal(ru_regimen_id(r, 3), -1); /* out of range */
  assert_true(ru_regimen_has_id(r, 100));
  assert_false(ru_regimen_has_id(r, 8));
  ru_regimen_free(r);
}

static void test_many_ids_grow_the_set(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  for (long id = 0; id < 5000; id++) {
    const ru_event e = dose_event(id * 37, 0.0, 1.0);
    assert_int_equal(ru_regimen_add(r, &e, NULL), RU_OK);
  }
  assert_int_equal(ru_regimen_id_count(r), 5000);
  assert_int_equal(ru_regimen_id(r, 4999), 4999 * 37);
  assert_true(ru_regimen_has_id(r, 37 * 1234));
  assert_false(ru_regimen_has_id(r, 37 * 1234 + 1));
  ru_regimen_free(r);
}

static void test_subset_keeps_one_subject(void **state) {
  (void)state;
  ru_regimen *r = NULL, *s = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  const long ids[] = {1, 2, 2, 3};
  for (size_t i = 0; i < 4; i++) {
    const ru_event e = dose_event(ids[i], (double)i, (double)(i + 1));
    assert_int_equal(ru_regimen_add(r, &e, NULL), RU_OK);
  }
  assert_int_equal(ru_regimen_subset(r, 2, &s, NULL), RU_OK);
  assert_int_equal(ru_regimen_count(s), 2);
  assert_true(ru_regimen_event(s, 0)->amount_mg == 2.0); /* second record */
  assert_true(ru_regimen_event(s, 1)->amount_mg == 3.0); /* third record */
  assert_int_equal(ru_regimen_id_count(s), 1);
  ru_regimen_free(s);
  assert_int_equal(ru_regimen_subset(r, 9, &s, NULL), RU_OK); /* unknown ID: empty regimen */
  assert_int_equal(ru_regimen_count(s), 0);
  ru_regimen_free(s);
  ru_regimen_free(r);
}

static void test_last_dose_expands_addl(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "x:20mg:q24h:n=3:start=1d", NULL), RU_OK);
  assert_true(ru_regimen_last_dose_h(r) == 72.0); /* 24 h + 2 * 24 h */
  ru_regimen_free(r);
}

static void test_last_dose_excludes_infinite_repeats(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(r, "x:20mg:q24h:start=10h", NULL), RU_OK);
  assert_true(ru_regimen_last_dose_h(r) == 10.0); /* only the explicit first dose */
  assert_int_equal(ru_regimen_parse(r, "y:20mg:start=5h", NULL), RU_OK);
  assert_true(ru_regimen_last_dose_h(r) == 10.0); /* max(10, 5) */
  ru_regimen_free(r);
}

static void test_last_dose_without_doses_is_zero(void **state) {
  (void)state;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, NULL), RU_OK);
  assert_true(ru_regimen_last_dose_h(r) == 0.0);
  assert_true(ru_regimen_last_dose_h(NULL) == 0.0);
  ru_regimen_free(r);
}

static void test_append_copies_all_records(void **state) {
  (void)state;
  ru_regimen *a = NULL, *b = NULL;
  assert_int_equal(ru_regimen_new(&a, NULL), RU_OK);
  assert_int_equal(ru_regimen_new(&b, NULL), RU_OK);
  assert_int_equal(ru_regimen_parse(a, "x:1mg", NULL), RU_OK);
  for (long id = 2; id < 40; id++) {
    const ru_event e = dose_event(id, 0.0, 1.0);
    assert_int_equal(ru_regimen_add(b, &e, NULL), RU_OK);
  }
  assert_int_equal(ru_regimen_append(a, b, NULL), RU_OK);
  assert_int_equal(ru_regimen_count(a), 39);    /* 1 + 38 */
  assert_int_equal(ru_regimen_id_count(a), 39); /* IDs 1..39 */
  assert_int_equal(ru_regimen_append(a, a, NULL), RU_EINVAL);
  ru_regimen_free(a);
  ru_regimen_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_q24h_repeats_until_end),
      cmocka_unit_test(test_start_in_days),
      cmocka_unit_test(test_bid_is_q12h),
      cmocka_unit_test(test_qd_tid_qid_intervals),
      cmocka_unit_test(test_single_dose_in_ug),
      cmocka_unit_test(test_micro_sign_ug),
      cmocka_unit_test(test_grams_tid_count),
      cmocka_unit_test(test_for_28d_gives_28_doses),
      cmocka_unit_test(test_for_25h_q12h_gives_3_doses),
      cmocka_unit_test(test_for_exact_multiple_excludes_end),
      cmocka_unit_test(test_for_shorter_than_interval_gives_one_dose),
      cmocka_unit_test(test_for_rounding_counts_exact_multiples),
      cmocka_unit_test(test_interval_in_minutes),
      cmocka_unit_test(test_interval_in_days_and_weeks),
      cmocka_unit_test(test_for_in_weeks),
      cmocka_unit_test(test_start_in_minutes),
      cmocka_unit_test(test_options_in_any_order),
      cmocka_unit_test(test_keywords_case_insensitive_name_kept),
      cmocka_unit_test(test_name_allows_space_dot_dash_underscore),
      cmocka_unit_test(test_space_between_number_and_unit),
      cmocka_unit_test(test_n1_is_one_dose),
      cmocka_unit_test(test_leading_zeros_in_count),
      cmocka_unit_test(test_iv_bolus_into_central),
      cmocka_unit_test(test_infusion_rate_is_dose_over_duration),
      cmocka_unit_test(test_iv_with_infusion_accepted),
      cmocka_unit_test(test_ss_sets_steady_state),
      cmocka_unit_test(test_bare_number_dose_has_no_unit),
      cmocka_unit_test(test_unknown_interval_named),
      cmocka_unit_test(test_unknown_interval_letters),
      cmocka_unit_test(test_interval_without_unit),
      cmocka_unit_test(test_zero_interval),
      cmocka_unit_test(test_interval_below_one_minute),
      cmocka_unit_test(test_unknown_option_named),
      cmocka_unit_test(test_unknown_key_option_named),
      cmocka_unit_test(test_for_and_n_conflict),
      cmocka_unit_test(test_duplicate_interval),
      cmocka_unit_test(test_duplicate_start),
      cmocka_unit_test(test_duplicate_count),
      cmocka_unit_test(test_empty_regimen),
      cmocka_unit_test(test_missing_drug),
      cmocka_unit_test(test_missing_dose),
      cmocka_unit_test(test_empty_dose),
      cmocka_unit_test(test_trailing_colon),
      cmocka_unit_test(test_zero_dose),
      cmocka_unit_test(test_negative_dose),
      cmocka_unit_test(test_dose_above_limit),
      cmocka_unit_test(test_dose_unknown_unit),
      cmocka_unit_test(test_dose_infinite_rejected),
      cmocka_unit_test(test_dose_overflow_rejected),
      cmocka_unit_test(test_time_unit_for_dose_rejected),
      cmocka_unit_test(test_count_zero),
      cmocka_unit_test(test_count_fraction),
      cmocka_unit_test(test_count_above_limit),
      cmocka_unit_test(test_zero_duration),
      cmocka_unit_test(test_negative_start),
      cmocka_unit_test(test_start_without_unit),
      cmocka_unit_test(test_empty_duration),
      cmocka_unit_test(test_start_above_limit),
      cmocka_unit_test(test_for_without_interval),
      cmocka_unit_test(test_ss_without_interval),
      cmocka_unit_test(test_too_many_doses),
      cmocka_unit_test(test_infusion_zero_duration),
      cmocka_unit_test(test_bad_drug_character),
      cmocka_unit_test(test_drug_leading_space),
      cmocka_unit_test(test_drug_name_too_long),
      cmocka_unit_test(test_spec_too_long_is_truncated_in_message),
      cmocka_unit_test(test_too_many_parts),
      cmocka_unit_test(test_null_error_pointer_allowed),
      cmocka_unit_test(test_free_null_is_noop),
      cmocka_unit_test(test_several_regimens_append),
      cmocka_unit_test(test_add_rejects_nan_time),
      cmocka_unit_test(test_add_rejects_addl_without_interval),
      cmocka_unit_test(test_add_rejects_amount_on_observation),
      cmocka_unit_test(test_ids_in_order_of_first_appearance),
      cmocka_unit_test(test_many_ids_grow_the_set),
      cmocka_unit_test(test_subset_keeps_one_subject),
      cmocka_unit_test(test_last_dose_expands_addl),
      cmocka_unit_test(test_last_dose_excludes_infinite_repeats),
      cmocka_unit_test(test_last_dose_without_doses_is_zero),
      cmocka_unit_test(test_append_copies_all_records),
  };
  return cmocka_run_group_tests_name("regimen", tests, NULL, NULL);
}
