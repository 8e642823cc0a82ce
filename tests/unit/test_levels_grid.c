/* The levels summaries are read at (src/pd/levels.c) and a population's default grid
 * (src/pop/grid.c): the --profile cut-off keeps targets at or above half occupancy in order and
 * frees the others, a ratio is undefined over an unoccupied target, and the grid is hourly up
 * to RU_POP_HOURLY_MAX_H with 2000 intervals beyond, like a single run's (src/pk/grid.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/alloc.h"
#include "reuptake/pd.h"
#include "reuptake/pk.h"
#include "reuptake/pop.h"

static ru_pd_summary row(const char *target, double mean) {
  ru_pd_summary r;
  memset(&r, 0, sizeof r);
  strcpy(r.target, target);
  r.mean = mean;
  r.nshares = 1;
  r.shares = rui_calloc(1, sizeof *r.shares); /* freed by keep_engaged or the test */
  return r;
}

/* At exactly half occupancy a target is engaged; below it is dropped; order is kept. */
static void test_keep_engaged_keeps_half_and_above_in_order(void **state) {
  (void)state;
  ru_pd_summary rows[4] = {row("SERT", 0.8), row("NET", 0.49), row("H1", 0.5), row("M1", 0.0)};
  const size_t m = ru_pd_summary_keep_engaged(rows, 4);
  assert_int_equal(m, 2);
  assert_string_equal(rows[0].target, "SERT");
  assert_string_equal(rows[1].target, "H1");
  assert_true(RU_PD_HALF_OCCUPANCY == 0.5);
  ru_pd_summary_free(rows, m);
  assert_int_equal(ru_pd_summary_keep_engaged(NULL, 3), 0);
}

/* NET/SERT: 0.6 / 0.3 = 2 exactly; over an unoccupied SERT the ratio is NaN. */
static void test_occupancy_ratio_needs_an_occupied_denominator(void **state) {
  (void)state;
  assert_true(ru_pd_occupancy_ratio(0.6, 0.3) == 0.6 / 0.3);
  assert_true(isnan(ru_pd_occupancy_ratio(0.6, 0.0)));
  assert_true(isnan(ru_pd_occupancy_ratio(0.6, RU_PD_OCCUPANCY_FLOOR)));
  assert_false(isnan(ru_pd_occupancy_ratio(0.0, 2.0 * RU_PD_OCCUPANCY_FLOOR)));
}

/* 28 days hourly by default; 2000 h still hourly; 2400 h every 1.2 h (2000 intervals). */
static void test_population_grid_is_hourly_then_2000_intervals(void **state) {
  (void)state;
  assert_true(ru_pop_default_horizon_h() == 28.0 * 24.0);
  assert_true(ru_pop_default_step_h(ru_pop_default_horizon_h()) == 1.0);
  assert_true(ru_pop_default_step_h(RU_POP_HOURLY_MAX_H) == 1.0);
  assert_true(ru_pop_default_step_h(2400.0) == 2400.0 / 2000.0);
  assert_true(isnan(ru_pop_default_step_h(0.0)));
  assert_true(isnan(ru_pop_default_step_h((double)INFINITY)));
}

/* A single run's default step: 15 min up to 48 h, hourly up to 60 days, 2000 intervals beyond. */
static void test_simulation_grid_steps(void **state) {
  (void)state;
  assert_true(ru_sim_default_step_h(24.0) == 0.25);
  assert_true(ru_sim_default_step_h(48.0) == 0.25);
  assert_true(ru_sim_default_step_h(49.0) == 1.0);
  assert_true(ru_sim_default_step_h(24.0 * 60.0) == 1.0);
  assert_true(ru_sim_default_step_h(4000.0) == 2.0);
  assert_true(isnan(ru_sim_default_step_h(-1.0)));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_keep_engaged_keeps_half_and_above_in_order),
      cmocka_unit_test(test_occupancy_ratio_needs_an_occupied_denominator),
      cmocka_unit_test(test_population_grid_is_hourly_then_2000_intervals),
      cmocka_unit_test(test_simulation_grid_steps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
