/* The occupancy levels the model's summaries are read at: half occupancy, the level of the
 * ED50 by definition and the cut-off of a target profile (a target is "engaged" when a regimen
 * holds at least half of it on average over the dosing interval: a stated convention of the
 * profile, not a fitted or measured value), and the ratio of two occupancies, undefined when
 * the denominator is not occupied at all. */
#include <math.h>

#include "reuptake/pd.h"

size_t ru_pd_summary_keep_engaged(ru_pd_summary *rows, size_t n) {
  size_t m = 0;
  for (size_t k = 0; rows != NULL && k < n; k++) {
    if (rows[k].mean >= RU_PD_HALF_OCCUPANCY) {
      rows[m++] = rows[k]; /* moves the shares with the row */
    } else {
      ru_pd_summary_free(&rows[k], 1);
    }
  }
  return m;
}

ru_status ru_pd_ed50(const ru_kb *kb, const char *compound, double interval_h, const char *target,
                     const ru_pd_dose_options *opt, double *dose_mg, ru_error *err) {
  return ru_pd_dose_for_level(kb, compound, interval_h, target, RU_PD_HALF_OCCUPANCY, opt, dose_mg,
                              err);
}

double ru_pd_occupancy_ratio(double numerator, double denominator) {
  return denominator > RU_PD_OCCUPANCY_FLOOR ? numerator / denominator : nan("");
}
