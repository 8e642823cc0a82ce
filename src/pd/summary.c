/* Occupancy summaries (pd.h): mean/trough/peak of each target over an interval or at a point,
 * with each compound's share and the brain exposure it used; the one steady-state grid every
 * command, the validation runner and the physiology model share. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/pd.h"
#include "reuptake/units.h"

void ru_pd_interval_stats(const double *occ, size_t n, double *mean, double *trough,
                          double *peak) {
  double acc = 0.0, lo = HUGE_VAL, hi = -HUGE_VAL;
  for (size_t j = 0; j < n; j++) {
    /* trapezoid weights over equally spaced samples; one sample is a point */
    const double w = (n == 1) ? 1.0 : ((j == 0 || j + 1 == n) ? 0.5 : 1.0) / (double)(n - 1);
    acc += w * occ[j];
    lo = fmin(lo, occ[j]);
    hi = fmax(hi, occ[j]);
  }
  if (mean) *mean = n ? acc : nan("");
  if (trough) *trough = n ? lo : nan("");
  if (peak) *peak = n ? hi : nan("");
}

void ru_pd_summary_free(ru_pd_summary *sum, size_t n) {
  for (size_t k = 0; sum && k < n; k++) {
    rui_free(sum[k].shares);
    sum[k].shares = NULL;
    sum[k].nshares = 0;
  }
}

/* One target: combined statistics from the ratio series, shares from the per-compound ratios. */
static ru_status summarise_one(const ru_kb *kb, const ru_sim *s, const char *target,
                               const double *conc, size_t nt, double *x, double *xby,
                               double *occ, ru_pd_summary *out, ru_error *err) {
  const size_t nc = ru_sim_compound_count(s);
  memset(out, 0, sizeof *out);
  rui_strlcpy(out->target, target, sizeof out->target);
  ru_status st = ru_pd_target_scale(kb, target, &out->scale, &out->scale_calibrated, err);
  if (st == RU_OK) st = ru_pd_binding_ratio_series(kb, s, target, conc, nt, x, xby, NULL, err);
  if (st != RU_OK) return st;
  const double sc = out->scale;
  for (size_t j = 0; j < nt; j++) occ[j] = ru_pd_occupancy_of_ratio(x[j], sc);
  ru_pd_interval_stats(occ, nt, &out->mean, &out->trough, &out->peak);
  size_t nb = 0;
  for (size_t i = 0; i < nc; i++) {
    ru_value ki;
    st = ru_kb_affinity(kb, ru_sim_compound_name(s, i), target, &ki, err);
    if (st != RU_OK) return st;
    if (isfinite(ki.value) && ki.value > 0.0) nb++;
  }
  if (nb == 0) return RU_OK;
  out->shares = rui_calloc(nb, sizeof *out->shares);
  if (out->shares == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  for (size_t i = 0; i < nc; i++) {
    const char *name = ru_sim_compound_name(s, i);
    ru_value ki;
    st = ru_kb_affinity(kb, name, target, &ki, err);
    if (st != RU_OK) return st;
    if (!(isfinite(ki.value) && ki.value > 0.0)) continue;
    ru_pd_share *sh = &out->shares[out->nshares++];
    rui_strlcpy(sh->compound, name, sizeof sh->compound);
    ru_value kpuu;
    st = ru_pd_kpuu_brain(kb, s, i, &kpuu, &sh->kpuu_is_default, err);
    if (st != RU_OK) return st;
    sh->kpuu_brain = kpuu.value;
    /* share_i = (x_i/s) / (1 + X/s) at each sample, averaged like the total */
    for (size_t j = 0; j < nt; j++) occ[j] = (xby[i * nt + j] / sc) / (1.0 + x[j] / sc);
    ru_pd_interval_stats(occ, nt, &sh->mean, NULL, NULL);
  }
  return RU_OK;
}

ru_status ru_pd_summarise(const ru_kb *kb, const ru_sim *s, const char *const *targets,
                          size_t ntargets, const double *conc, size_t nt, ru_pd_summary *out,
                          ru_error *err) {
  if (kb == NULL || s == NULL || conc == NULL || out == NULL || (ntargets && targets == NULL) ||
      nt == 0) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_summarise: NULL argument or no samples");
  }
  memset(out, 0, ntargets * sizeof *out);
  const size_t nc = ru_sim_compound_count(s);
  double *x = rui_malloc(nt * sizeof *x);
  double *occ = rui_malloc(nt * sizeof *occ);
  double *xby = rui_malloc((nc ? nc : 1) * nt * sizeof *xby);
  ru_status st = (x && occ && xby) ? RU_OK : ru_error_set(err, RU_ENOMEM, "out of memory");
  for (size_t k = 0; k < ntargets && st == RU_OK; k++) {
    st = summarise_one(kb, s, targets[k], conc, nt, x, xby, occ, &out[k], err);
  }
  rui_free(x);
  rui_free(occ);
  rui_free(xby);
  if (st != RU_OK) ru_pd_summary_free(out, ntargets);
  return st;
}

ru_status ru_pd_steady_state(const ru_kb *kb, ru_sim *s, const char *const *targets,
                             size_t ntargets, ru_pd_summary *out, ru_error *err) {
  if (s == NULL) return ru_error_set(err, RU_EINVAL, "ru_pd_steady_state: no simulation");
  ru_status st = ru_sim_prepare(s, err);
  if (st != RU_OK) return st;
  const size_t nc = ru_sim_compound_count(s);
  double *t = rui_malloc(RU_PD_STEADY_POINTS * sizeof *t);
  double *conc = rui_malloc((nc ? nc : 1) * RU_PD_STEADY_POINTS * sizeof *conc);
  double tau = 0.0;
  st = (t && conc) ? RU_OK : ru_error_set(err, RU_ENOMEM, "out of memory");
  if (st == RU_OK) st = ru_sim_steady_profile(s, RU_PD_STEADY_POINTS, t, conc, &tau, err);
  if (st == RU_OK) st = ru_pd_summarise(kb, s, targets, ntargets, conc, RU_PD_STEADY_POINTS, out, err);
  rui_free(t);
  rui_free(conc);
  return st;
}

ru_status ru_pd_at_time(const ru_kb *kb, ru_sim *s, const char *const *targets, size_t ntargets,
                        double t_h, ru_pd_summary *out, ru_error *err) {
  if (s == NULL) return ru_error_set(err, RU_EINVAL, "ru_pd_at_time: no simulation");
  if (!isfinite(t_h)) return ru_error_set(err, RU_EINVAL, "ru_pd_at_time: time is not finite");
  const size_t nc = ru_sim_compound_count(s);
  double *conc = rui_malloc((nc ? nc : 1) * sizeof *conc);
  ru_status st = conc ? RU_OK : ru_error_set(err, RU_ENOMEM, "out of memory");
  if (st == RU_OK) st = ru_sim_run(s, &t_h, 1, conc, err);
  if (st == RU_OK) st = ru_pd_summarise(kb, s, targets, ntargets, conc, 1, out, err);
  rui_free(conc);
  return st;
}

ru_status ru_pd_at_levels(const ru_kb *kb, const char *const *compounds,
                          const char *const *levels, size_t n, const char *const *overrides,
                          size_t noverrides, const char *const *targets, size_t ntargets,
                          ru_pd_summary *out, ru_error *err) {
  if (kb == NULL || (n > 0 && (compounds == NULL || levels == NULL))) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_at_levels: NULL argument");
  }
  char (*names)[RU_NAME_MAX] = rui_calloc(n + 1, sizeof *names);
  double *level = rui_calloc(n + 1, sizeof *level);
  double *conc = NULL;
  ru_sim *s = NULL;
  ru_status st = names && level ? RU_OK : ru_error_set(err, RU_ENOMEM, "out of memory");
  for (size_t i = 0; i < n && st == RU_OK; i++) {
    ru_compound c;
    st = ru_kb_resolve(kb, compounds[i], names[i], err);
    if (st == RU_OK) st = ru_kb_compound(kb, names[i], &c, err);
    if (st == RU_OK) st = ru_units_parse(RU_UNIT_CONC, levels[i], NULL, c.mw_g_per_mol.value, &level[i], err);
  }
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  /* the compounds without doses; their metabolites come along at level 0 */
  for (size_t i = 0; i < n && st == RU_OK; i++) st = ru_sim_add_compound(s, names[i], err);
  for (size_t i = 0; i < noverrides && st == RU_OK; i++) st = ru_sim_set_override(s, overrides[i], err);
  if (st == RU_OK) {
    conc = rui_calloc(ru_sim_compound_count(s) + 1, sizeof *conc);
    if (conc == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
    for (size_t i = 0; conc != NULL && i < n; i++) {
      const long idx = ru_sim_compound_index(s, names[i]);
      if (idx >= 0) conc[idx] = level[i];
    }
  }
  if (st == RU_OK) st = ru_pd_summarise(kb, s, targets, ntargets, conc, 1, out, err);
  rui_free(conc);
  rui_free(level);
  rui_free(names);
  ru_sim_free(s);
  return st;
}
