/* Onset and offset of an interaction over time (ddi.h, ru_ddi_onset_offset): how long the
 * perpetrators take to reach 90 % of their effect on the victim's clearance and, when they stop,
 * how long until 90 % of it is lost (fluoxetine washout). Read from the victim's clearance
 * multiplier m(t) = CL(t) / CL(no inhibition): its KB pathway fractions weighted by the enzyme
 * activities of a simulation with the perpetrators dosed from time 0 (pk.h ru_sim_run_enzymes),
 * so the time course is the model's enzyme dynamics (competitive inhibition by the
 * perpetrators' concentrations, mechanism-based inactivation and turnover), not a lookup. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/ddi.h"

/* m(t) = (f_other + sum_p fm_p a_p g_p(t)) / (f_other + sum_p fm_p a_p), with g_p the relative
 * activity of pathway p's enzyme state and a_p = 1 (activities of the simulation's phenotype
 * are already in g). Pathways without an enzyme state keep g = 1; an unknown victim gives 1. */
static void clearance_multiplier(const ru_kb *kb, const ru_sim *s, const char *victim,
                                 const double *act, size_t nt, double *m) {
  ru_compound c;
  if (ru_kb_compound(kb, victim, &c, NULL) != RU_OK) {
    for (size_t j = 0; j < nt; j++) m[j] = 1.0;
    return;
  }
  const size_t ne = ru_sim_enzyme_count(s);
  double base = 1.0;
  for (size_t f = 0; f < c.pk.n_fm; f++) {
    base -= isfinite(c.pk.fm[f].fm.value) ? c.pk.fm[f].fm.value : 0.0;
  }
  for (size_t j = 0; j < nt; j++) {
    double num = base, den = base;
    for (size_t f = 0; f < c.pk.n_fm; f++) {
      const double fm = c.pk.fm[f].fm.value;
      if (!isfinite(fm)) continue;
      double g = 1.0;
      for (size_t e = 0; e < ne; e++) {
        if (strcasecmp(ru_sim_enzyme_name(s, e), c.pk.fm[f].enzyme) == 0) g = act[e * nt + j];
      }
      num += fm * g;
      den += fm;
    }
    m[j] = den > 0.0 ? num / den : 1.0;
  }
}

ru_status ru_ddi_onset_offset(const ru_kb *kb, const char *victim, const char *const *perps,
                              size_t nperp, const ru_ddi_options *opt, const ru_ddi_result *res,
                              ru_ddi_onset *out, ru_error *err) {
  if (kb == NULL || victim == NULL || res == NULL || out == NULL || (nperp > 0 && perps == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_ddi_onset_offset: NULL argument");
  }
  out->clearance_multiplier = nan("");
  out->time_to_90pct_effect_h = nan("");
  out->time_to_lose_90pct_effect_h = nan("");
  const double stop_after = opt ? opt->stop_after_h : nan("");
  ru_sim *with = NULL, *onset = NULL;
  double *t = NULL, *act = NULL, *m = NULL;
  ru_status st = ru_ddi_build(kb, victim, perps, nperp, opt, 1, res->shift_h, &with, err);
  if (st != RU_OK || !ru_sim_is_nonlinear(with)) goto done; /* linear: no inhibition acts */
  const double settle = ru_sim_settling_time_h(with);
  const double horizon = (isfinite(stop_after) ? stop_after : 0.0) + settle;
  const size_t n = RU_DDI_ONSET_POINTS;
  const size_t ne = ru_sim_enzyme_count(with);
  t = rui_malloc(n * sizeof *t);
  act = rui_malloc((ne + 1) * n * sizeof *act);
  m = rui_malloc(n * sizeof *m);
  if (t == NULL || act == NULL || m == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  /* the victim's own dosing does not matter for its clearance multiplier: the perpetrators
   * alone drive it (unless the victim inhibits itself, which this simulation includes) */
  st = ru_ddi_build(kb, victim, perps, nperp, opt, 1, 0.0, &onset, err);
  for (size_t j = 0; j < n; j++) t[j] = horizon * (double)j / (double)(n - 1);
  if (st == RU_OK) st = ru_sim_run_enzymes(onset, t, n, act, err);
  if (st != RU_OK) goto done;
  clearance_multiplier(kb, onset, res->victim, act, n, m);
  const double stop = isfinite(stop_after) ? stop_after : horizon;
  size_t js = 0;
  while (js + 1 < n && t[js + 1] <= stop) js++;
  out->clearance_multiplier = m[js];
  const double full = 1.0 - m[js];
  /* an effect under 1 % of clearance has no meaningful onset time */
  if (full > 0.01) {
    for (size_t j = 0; j <= js; j++) {
      if (1.0 - m[j] >= 0.9 * full) {
        out->time_to_90pct_effect_h = t[j];
        break;
      }
    }
    if (isfinite(stop_after)) {
      const double at_stop = 1.0 - m[js];
      for (size_t j = js; j < n; j++) {
        if (1.0 - m[j] <= 0.1 * at_stop) {
          out->time_to_lose_90pct_effect_h = t[j] - stop;
          break;
        }
      }
    }
  }
done:
  rui_free(t);
  rui_free(act);
  rui_free(m);
  ru_sim_free(onset);
  ru_sim_free(with);
  return st;
}
