/* Dose response (pd.h): the mean steady-state occupancy of one target at a dose, and the dose
 * giving a stated occupancy (ED50 at level 0.5) by bisection on log dose. */
#include <math.h>
#include <stdio.h>

#include "reuptake/pd.h"
#include "reuptake/regimen.h"

/* Search range and precision of the dose bisection (pd.h documents them). */
#define DOSE_LO_MG 1e-3
#define DOSE_HI_MG 1e5
#define DOSE_REL_TOL 1e-6

ru_status ru_pd_dose_mean(const ru_kb *kb, const char *compound, double dose_mg,
                          double interval_h, const char *target, const ru_pd_dose_options *opt,
                          double *mean, int *binds, ru_error *err) {
  if (kb == NULL || compound == NULL || target == NULL || mean == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_dose_mean: NULL argument");
  }
  if (!(dose_mg > 0.0) || !(interval_h > 0.0)) {
    return ru_error_set(err, RU_ERANGE, "dose and interval must be > 0 (got %g mg every %g h)",
                        dose_mg, interval_h);
  }
  char spec[256];
  snprintf(spec, sizeof spec, "%s:%.17gmg:q%.17gh", compound, dose_mg, interval_h);
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  ru_pd_summary sum;
  int have = 0;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, spec, err);
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, r, err);
  for (size_t i = 0; opt && st == RU_OK && i < opt->nphenotypes; i++) {
    st = ru_sim_set_phenotype(s, opt->phenotypes[i], err);
  }
  for (size_t i = 0; opt && st == RU_OK && i < opt->noverrides; i++) {
    st = ru_sim_set_override(s, opt->overrides[i], err);
  }
  if (st == RU_OK) {
    st = ru_pd_steady_state(kb, s, &target, 1, &sum, err);
    have = st == RU_OK;
  }
  if (have) {
    *mean = sum.mean;
    if (binds) *binds = sum.nshares > 0;
    ru_pd_summary_free(&sum, 1);
  }
  ru_sim_free(s);
  ru_regimen_free(r);
  return st;
}

ru_status ru_pd_dose_for_level(const ru_kb *kb, const char *compound, double interval_h,
                               const char *target, double level, const ru_pd_dose_options *opt,
                               double *dose_mg, ru_error *err) {
  if (dose_mg == NULL) return ru_error_set(err, RU_EINVAL, "ru_pd_dose_for_level: NULL output");
  *dose_mg = nan("");
  if (!(level > 0.0 && level < 1.0)) {
    return ru_error_set(err, RU_ERANGE, "occupancy level %g outside (0, 1)", level);
  }
  double lo = DOSE_LO_MG, hi = DOSE_HI_MG, mlo = 0.0, mhi = 0.0;
  int binds = 0;
  ru_status st = ru_pd_dose_mean(kb, compound, lo, interval_h, target, opt, &mlo, &binds, err);
  if (st == RU_OK) st = ru_pd_dose_mean(kb, compound, hi, interval_h, target, opt, &mhi, NULL, err);
  if (st != RU_OK || !binds || !(mlo < level && mhi > level)) return st;
  /* occupancy rises monotonically with dose: bisect on log dose */
  while (hi / lo > 1.0 + DOSE_REL_TOL && st == RU_OK) {
    const double mid = sqrt(lo * hi);
    double m = 0.0;
    st = ru_pd_dose_mean(kb, compound, mid, interval_h, target, opt, &m, NULL, err);
    if (m < level) lo = mid;
    else hi = mid;
  }
  if (st == RU_OK) *dose_mg = sqrt(lo * hi);
  return st;
}

ru_status ru_pd_dose_response(const ru_kb *kb, const char *compound, const double *doses_mg,
                              size_t ndoses, double interval_h, const char *const *targets,
                              size_t ntargets, const ru_pd_dose_options *opt, double *mean,
                              int *binds, double *ed50_mg, ru_error *err) {
  if (targets == NULL || mean == NULL || binds == NULL || ed50_mg == NULL ||
      (doses_mg == NULL && ndoses > 0)) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_dose_response: NULL argument");
  }
  ru_status st = RU_OK;
  for (size_t k = 0; k < ntargets && st == RU_OK; k++) {
    binds[k] = 0;
    for (size_t d = 0; d < ndoses && st == RU_OK; d++) {
      st = ru_pd_dose_mean(kb, compound, doses_mg[d], interval_h, targets[k], opt,
                           &mean[k * ndoses + d], &binds[k], err);
    }
    ed50_mg[k] = nan("");
    if (st == RU_OK && binds[k]) {
      st = ru_pd_ed50(kb, compound, interval_h, targets[k], opt, &ed50_mg[k], err);
    }
  }
  return st;
}
