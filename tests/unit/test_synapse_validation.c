/* Runs every row of validation/microdialysis.csv (an unchanged copy of
 * ../shared/validation/microdialysis.csv) as a PREDICTION: no parameter was fitted to these rows.
 * Asserts the direction of every row and that >= 80 % of rows are within 1.5x (or inside
 * [observed_low, observed_high]); prints observed vs predicted per row. Rows whose condition
 * or region the model cannot represent are reported and counted as misses. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv.h"
#include "reuptake/synapse.h"

#define DNAN ((double)NAN)
#define ACUTE_HOURS 3.0 /* validation/README.md: days 0 = acute (about 3 h) */

static int parse_condition(const char *cond, double occ[RU_SYN_NTARGETS]) {
  char buf[256];
  if (strlen(cond) >= sizeof buf) {
    return -1;
  }
  strcpy(buf, cond);
  memset(occ, 0, RU_SYN_NTARGETS * sizeof occ[0]);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",;", &save); tok != NULL; tok = strtok_r(NULL, ",;", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL) {
      return -1;
    }
    *eq = '\0';
    ru_syn_target t;
    if (ru_synapse_target_parse(tok, &t, NULL) != RU_OK) {
      return -1;
    }
    char *end = NULL;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1) {
      return -1;
    }
    if (v > 1.0) {
      v /= 100.0; /* percentages (README: occupancies are 0-100 in validation files) */
    }
    occ[t] = v;
  }
  return 0;
}

static int parse_analyte(const char *s, ru_syn_analyte *a) {
  if (strcmp(s, "NE") == 0 || strcmp(s, "NA") == 0) {
    *a = RU_SYN_NE;
  } else if (strcmp(s, "DA") == 0) {
    *a = RU_SYN_DA;
  } else if (strcmp(s, "5-HT") == 0 || strcmp(s, "5HT") == 0) {
    *a = RU_SYN_5HT;
  } else {
    return -1;
  }
  return 0;
}

static double num(const char *s) {
  if (s == NULL || *s == '\0') {
    return DNAN;
  }
  char *end = NULL;
  const double v = strtod(s, &end);
  return end == s ? DNAN : v;
}

static void test_microdialysis_rows_are_predicted(void **state) {
  (void)state;
  const char *path = RU_SOURCE_DIR "/validation/microdialysis.csv";
  rui_csv *csv = NULL;
  ru_error err;
  if (rui_csv_open(path, &csv, &err) != RU_OK) {
    fail_msg("%s", err.message);
  }
  int header_eof = 0;
  assert_int_equal(rui_csv_next(csv, &header_eof, &err), RU_OK); /* header record */
  assert_false(header_eof);
  const long c_id = rui_csv_column(csv, "id");
  const long c_cond = rui_csv_column(csv, "condition");
  const long c_days = rui_csv_column(csv, "days");
  const long c_reg = rui_csv_column(csv, "region");
  const long c_an = rui_csv_column(csv, "analyte");
  const long c_obs = rui_csv_column(csv, "observed_fold");
  const long c_lo = rui_csv_column(csv, "observed_low");
  const long c_hi = rui_csv_column(csv, "observed_high");
  assert_true(c_id >= 0 && c_cond >= 0 && c_days >= 0 && c_reg >= 0 && c_an >= 0 && c_obs >= 0);
  size_t n = 0;
  size_t within = 0;
  size_t direction = 0;
  double sum_log = 0.0;
  printf("%-8s %-22s %5s %-12s %-5s %8s %9s %6s %s\n", "id", "condition", "days", "region",
         "an", "observed", "predicted", "fold", "result");
  for (;;) {
    int eof = 0;
    assert_int_equal(rui_csv_next(csv, &eof, &err), RU_OK);
    if (eof) {
      break;
    }
    const char *id = rui_csv_field(csv, (size_t)c_id);
    const char *cond = rui_csv_field(csv, (size_t)c_cond);
    const char *region = rui_csv_field(csv, (size_t)c_reg);
    const double days = num(rui_csv_field(csv, (size_t)c_days));
    double obs = num(rui_csv_field(csv, (size_t)c_obs));
    const double lo = c_lo >= 0 ? num(rui_csv_field(csv, (size_t)c_lo)) : DNAN;
    const double hi = c_hi >= 0 ? num(rui_csv_field(csv, (size_t)c_hi)) : DNAN;
    if (!isfinite(obs) && isfinite(lo) && isfinite(hi)) {
      obs = sqrt(lo * hi);
    }
    n++;
    double occ[RU_SYN_NTARGETS];
    ru_syn_analyte a;
    double pred = DNAN;
    const double hours = (isfinite(days) && days > 0.0) ? days * 24.0 : ACUTE_HOURS;
    if (parse_condition(cond, occ) != 0 ||
        parse_analyte(rui_csv_field(csv, (size_t)c_an), &a) != 0 ||
        ru_synapse_fold_at(occ, NULL, region, a, hours, &pred, &err) != RU_OK) {
      printf("%-8s %-22s %5g %-12s %-5s %8.3g %9s %6s NOT MODELLED\n", id, cond, days, region,
             rui_csv_field(csv, (size_t)c_an), obs, "-", "-");
      continue;
    }
    /* direction: up, down, or "no change" (|obs-1| <= 0.1, predicted within 1.2x) */
    int dir_ok;
    if (obs > 1.1) {
      dir_ok = pred > 1.05;
    } else if (obs < 0.9) {
      dir_ok = pred < 0.95;
    } else {
      dir_ok = pred >= 1.0 / 1.2 && pred <= 1.2;
    }
    int in;
    if (isfinite(lo) && isfinite(hi) && pred >= lo && pred <= hi) {
      in = 1;
    } else {
      in = fmax(pred / obs, obs / pred) <= 1.5;
    }
    direction += (size_t)dir_ok;
    within += (size_t)in;
    sum_log += fabs(log(pred / obs));
    printf("%-8s %-22s %5g %-12s %-5s %8.3g %9.3g %6.2f %s%s\n", id, cond, days, region,
           rui_csv_field(csv, (size_t)c_an), obs, pred, fmax(pred / obs, obs / pred),
           dir_ok ? "direction ok" : "WRONG DIRECTION", in ? ", within 1.5x" : ", OUTSIDE 1.5x");
  }
  rui_csv_close(csv);
  printf("microdialysis: %zu rows, direction %zu/%zu, within 1.5x %zu/%zu (%.0f%%), geometric "
         "mean fold error %.2f\n",
         n, direction, n, within, n, n ? 100.0 * (double)within / (double)n : 0.0,
         n ? exp(sum_log / (double)n) : DNAN);
  assert_true(n > 0);
  assert_int_equal(direction, n);
  assert_true((double)within >= 0.8 * (double)n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_microdialysis_rows_are_predicted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
