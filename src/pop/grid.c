/* A population's default output grid and the Cavg read from its AUC percentiles. The default
 * run is 28 days (a month of dosing, where every compound in the knowledge base is at steady
 * state) sampled hourly, so percentile bands resolve the dosing interval; beyond
 * RU_POP_HOURLY_MAX_H the grid keeps 2000 intervals, as the single-subject grid does for long
 * horizons (memory grows with subjects x grid points). */
#include <math.h>

#include "reuptake/pop.h"

double ru_pop_default_horizon_h(void) { return RU_POP_DEFAULT_DAYS * 24.0; }

double ru_pop_default_step_h(double horizon_h) {
  if (!(horizon_h > 0.0) || !isfinite(horizon_h)) return nan("");
  return horizon_h <= RU_POP_HOURLY_MAX_H ? 1.0 : horizon_h / RU_POP_HOURLY_MAX_H;
}

double ru_pop_cavg_percentile(const ru_pop *p, const ru_pop_summary *s, size_t g, size_t i,
                              double q) {
  const double w = ru_pop_window_h(p);
  return w > 0.0 ? ru_pop_exposure_percentile(p, s, g, i, q) / w : nan("");
}
