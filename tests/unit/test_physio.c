/* Plasma NE kinetics and heart rate (physiology layer). validation/physiology.csv (an
 * unchanged copy of ../shared/validation/physiology.csv) rows are predictions: each modelled
 * row must fall inside its published range; rows the model does not represent are reported. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/csv.h"
#include "reuptake/physio.h"

#define DNAN ((double)NAN)
#define ASSERT_NEAR(a, b, tol)                                                                 \
  do {                                                                                         \
    const double a_ = (a);                                                                     \
    const double b_ = (b);                                                                     \
    if (!(fabs(a_ - b_) <= (tol))) {                                                           \
      fail_msg("%s = %.6g, expected %.6g +- %.3g", #a, a_, b_, (double)(tol));                 \
    }                                                                                          \
  } while (0)

static ru_physio_values at(const char *state, double occ) {
  size_t i = 0;
  ru_error err;
  if (ru_physio_state_find(state, &i, &err) != RU_OK) {
    fail_msg("%s", err.message);
  }
  ru_physio_values v;
  assert_int_equal(ru_physio_steady_state(i, occ, &v, NULL), RU_OK);
  return v;
}

static double num(const char *s) {
  if (s == NULL || *s == '\0') {
    return DNAN;
  }
  char *end = NULL;
  const double v = strtod(s, &end);
  return end == s ? DNAN : v;
}

/* Every plasma NE state row of validation/physiology.csv inside its reference range; the
 * half-life row (Silverberg 1978: 2.4 min, SD 0.7). */
static void test_physio_validation_rows_in_range(void **state) {
  (void)state;
  rui_csv *csv = NULL;
  ru_error err;
  if (rui_csv_open(RU_SOURCE_DIR "/validation/physiology.csv", &csv, &err) != RU_OK) {
    fail_msg("%s", err.message);
  }
  int eof = 0;
  assert_int_equal(rui_csv_next(csv, &eof, &err), RU_OK);
  const long c_id = rui_csv_column(csv, "id");
  const long c_q = rui_csv_column(csv, "quantity");
  const long c_s = rui_csv_column(csv, "state");
  const long c_reg = rui_csv_column(csv, "regimen");
  const long c_obs = rui_csv_column(csv, "observed");
  const long c_lo = rui_csv_column(csv, "observed_low");
  const long c_hi = rui_csv_column(csv, "observed_high");
  assert_true(c_id >= 0 && c_q >= 0 && c_s >= 0 && c_obs >= 0 && c_lo >= 0 && c_hi >= 0);
  size_t modelled = 0;
  size_t inside = 0;
  for (;;) {
    assert_int_equal(rui_csv_next(csv, &eof, &err), RU_OK);
    if (eof) {
      break;
    }
    const char *id = rui_csv_field(csv, (size_t)c_id);
    const char *q = rui_csv_field(csv, (size_t)c_q);
    const char *st = rui_csv_field(csv, (size_t)c_s);
    const char *regimen = c_reg >= 0 ? rui_csv_field(csv, (size_t)c_reg) : "";
    const double obs = num(rui_csv_field(csv, (size_t)c_obs));
    double lo = num(rui_csv_field(csv, (size_t)c_lo));
    double hi = num(rui_csv_field(csv, (size_t)c_hi));
    if (!isfinite(lo) || !isfinite(hi)) {
      lo = obs / 1.5; /* a point value: within 1.5x counts */
      hi = obs * 1.5;
    }
    size_t si = 0;
    double pred = DNAN;
    if (regimen != NULL && regimen[0] == '\0' && ru_physio_state_find(st, &si, NULL) == RU_OK) {
      ru_physio_values v;
      assert_int_equal(ru_physio_steady_state(si, 0.0, &v, NULL), RU_OK);
      if (strcmp(q, "plasma_ne") == 0) {
        pred = v.plasma_ne_pg_per_ml;
      } else if (strcmp(q, "plasma_ne_half_life") == 0) {
        pred = v.half_life_min;
      }
    }
    if (!isfinite(pred)) {
      printf("%-8s %-32s %-12s observed %g [%g, %g]: NOT MODELLED\n", id, q, st, obs, lo, hi);
      continue;
    }
    modelled++;
    const int ok = pred >= lo && pred <= hi;
    inside += (size_t)ok;
    printf("%-8s %-32s %-12s observed %g [%g, %g] predicted %.4g %s\n", id, q, st, obs, lo, hi,
           pred, ok ? "inside" : "OUTSIDE");
  }
  rui_csv_close(csv);
  printf("physiology: %zu modelled rows, %zu inside their range\n", modelled, inside);
  assert_true(modelled >= 3);
  assert_int_equal(inside, modelled);
}

/* One compartment: Vd derived = CL * t1/2 / ln2 = 10.6 L; resting plasma NE = SO/CL =
 * 0.7 ug/min / 3.07 L/min = 228 pg/mL (Silverberg 1978). */
static void test_physio_rest_levels_and_half_life(void **state) {
  (void)state;
  const ru_physio_values v = at("rest_supine", 0.0);
  ASSERT_NEAR(v.plasma_ne_pg_per_ml, 228.0, 1.0);
  ASSERT_NEAR(v.half_life_min, 2.4, 1e-9);
  ASSERT_NEAR(v.volume_l, 3.07 * 2.4 / log(2.0), 1e-9);
  ASSERT_NEAR(v.heart_rate_bpm, 65.0, 1e-9); /* Schroeder 2002 placebo supine */
  /* the exact one-compartment transition has the same half-life: halfway at 2.4 min */
  size_t rest = 0;
  size_t stand = 0;
  assert_int_equal(ru_physio_state_find("rest_supine", &rest, NULL), RU_OK);
  assert_int_equal(ru_physio_state_find("standing", &stand, NULL), RU_OK);
  const double t[2] = {2.4, 60.0};
  double p[2];
  assert_int_equal(ru_physio_transition(stand, 0.0, rest, 0.0, t, 2, p, NULL), RU_OK);
  const double p_stand = at("standing", 0.0).plasma_ne_pg_per_ml;
  ASSERT_NEAR(p[0], 0.5 * (p_stand + v.plasma_ne_pg_per_ml), 1e-6);
  ASSERT_NEAR(p[1], v.plasma_ne_pg_per_ml, 1e-3);
}

/* States reproduce the published levels: standing doubles (Ziegler); submax exercise 1371 pg/mL;
 * ~4 ng/mL after very heavy work; cold water 642 pg/mL at 2 min; Stroop no change. */
static void test_physio_states_reproduce_published_levels(void **state) {
  (void)state;
  const double rest = at("rest_supine", 0.0).plasma_ne_pg_per_ml;
  ASSERT_NEAR(at("standing", 0.0).plasma_ne_pg_per_ml / rest, 2.0, 1e-9);
  ASSERT_NEAR(at("exercise_submax", 0.0).plasma_ne_pg_per_ml, 1371.0, 1.0);
  ASSERT_NEAR(at("exercise_max", 0.0).plasma_ne_pg_per_ml, 4000.0, 1.0);
  ASSERT_NEAR(at("cold_pressor", 0.0).plasma_ne_pg_per_ml, 642.0, 1.0);
  ASSERT_NEAR(at("mental_stress", 0.0).plasma_ne_pg_per_ml, rest, 1e-9);
  assert_true(isnan(at("exercise_max", 0.0).heart_rate_bpm)); /* no sourced value */
}

/* NET blockade lowers both spillover (-30..-50%, desipramine i.v.) and clearance, leaving plasma
 * NE about unchanged (built in through the clearance slope: not an independent prediction) and
 * prolonging the half-life. */
static void test_physio_net_block_lowers_spillover_and_clearance(void **state) {
  (void)state;
  const ru_physio_values b = at("rest_supine", 0.0);
  const ru_physio_values d = at("rest_supine", 0.9);
  printf("NET 0.9 supine: spillover %.3f -> %.3f ug/min, clearance %.3f -> %.3f L/min, plasma "
         "NE %.0f -> %.0f pg/mL, t1/2 %.2f -> %.2f min\n",
         b.spillover_ug_per_min, d.spillover_ug_per_min, b.clearance_l_per_min,
         d.clearance_l_per_min, b.plasma_ne_pg_per_ml, d.plasma_ne_pg_per_ml, b.half_life_min,
         d.half_life_min);
  assert_true(d.spillover_ug_per_min < 0.7 * b.spillover_ug_per_min + 1e-12);
  assert_true(d.spillover_ug_per_min > 0.5 * b.spillover_ug_per_min);
  assert_true(d.clearance_l_per_min < b.clearance_l_per_min);
  ASSERT_NEAR(d.plasma_ne_pg_per_ml / b.plasma_ne_pg_per_ml, 1.0, 0.1);
  assert_true(d.half_life_min > b.half_life_min);
}

/* Heart rate: supine reboxetine 65 -> 71 bpm is the calibration row; the 75-degree tilt row
 * (84 -> 119 bpm, Schroeder 2002) is a prediction: direction asserted, numbers printed. */
static void test_physio_heart_rate_rises_with_net_block_when_standing(void **state) {
  (void)state;
  const ru_physio_values s0 = at("standing", 0.0);
  const ru_physio_values s1 = at("standing", 0.9);
  const ru_physio_values r1 = at("rest_supine", 0.9);
  printf("HR supine %.0f (71 observed, calibration), standing %.0f -> %.0f (84 -> 119 observed, "
         "prediction: %.0f%% of the observed rise)\n",
         r1.heart_rate_bpm, s0.heart_rate_bpm, s1.heart_rate_bpm,
         100.0 * (s1.heart_rate_bpm - s0.heart_rate_bpm) / (119.0 - 84.0));
  ASSERT_NEAR(r1.heart_rate_bpm, 71.0, 1e-9);
  assert_true(s1.heart_rate_bpm > s0.heart_rate_bpm);
  assert_true(s1.heart_rate_bpm - s0.heart_rate_bpm > r1.heart_rate_bpm - 65.0);
}

static void test_physio_errors(void **state) {
  (void)state;
  size_t i;
  ru_error err;
  assert_int_equal(ru_physio_state_find("sleeping", &i, &err), RU_ENOTFOUND);
  assert_non_null(strstr(err.message, "standing"));
  ru_physio_values v;
  assert_int_equal(ru_physio_steady_state(0, 1.5, &v, &err), RU_ERANGE);
  assert_int_equal(ru_physio_steady_state(99, 0.0, &v, &err), RU_EINVAL);
  assert_null(ru_physio_state_name(ru_physio_state_count()));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_physio_validation_rows_in_range),
      cmocka_unit_test(test_physio_rest_levels_and_half_life),
      cmocka_unit_test(test_physio_states_reproduce_published_levels),
      cmocka_unit_test(test_physio_net_block_lowers_spillover_and_clearance),
      cmocka_unit_test(test_physio_heart_rate_rises_with_net_block_when_standing),
      cmocka_unit_test(test_physio_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
