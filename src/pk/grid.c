/* The output step of a simulation when the caller gives none, one rule for every front end (the
 * CLI's time grid, the Python package, the physiology course): every 15 min up to 48 h, hourly
 * up to 60 days, beyond that 2000 intervals, so a run reports at most a few thousand times while
 * short runs resolve the absorption phase. A presentation choice, not a model constant: every
 * model value at a reported time is independent of the step. */
#include <math.h>

#include "reuptake/pk.h"

double ru_sim_default_step_h(double horizon_h) {
  if (!(horizon_h > 0.0) || !isfinite(horizon_h)) return nan("");
  if (horizon_h <= 48.0) return 0.25;
  if (horizon_h <= 24.0 * 60.0) return 1.0;
  return horizon_h / 2000.0;
}
