/* Multi-ligand competitive occupancy at the target site (pd.h): scaled affinities, unbound
 * brain concentrations (plasma unbound x Kp,uu,brain), and time courses of the binding ratio
 * and occupancy. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/pd.h"

double ru_pd_unbound_nm(double total_ng_per_ml, double fu, double mw_g_per_mol) {
  /* ng/mL = ug/L; divided by g/mol gives umol/L * 1e-3... i.e. nM = ng/mL / MW * 1000 */
  return total_ng_per_ml * fu / mw_g_per_mol * 1000.0;
}

double ru_pd_unbound_peak_um(const ru_sim *s, size_t i, const double *conc, size_t nt) {
  if (s == NULL || conc == NULL || nt == 0 || i >= ru_sim_compound_count(s)) return nan("");
  const double fu = ru_sim_compound_fu(s, i), mw = ru_sim_compound_mw(s, i);
  if (!isfinite(fu) || !isfinite(mw)) return nan("");
  double peak = 0.0;
  for (size_t j = 0; j < nt; j++) peak = fmax(peak, conc[i * nt + j]);
  return ru_pd_unbound_nm(peak, fu, mw) / 1000.0; /* nM -> uM */
}

double ru_pd_occupancy_of_ratio(double x, double scale) {
  if (!(x > 0.0) || !(scale > 0.0)) return 0.0;
  const double z = x / scale;
  return z / (1.0 + z);
}

ru_status ru_pd_target_scale(const ru_kb *kb, const char *target, double *scale, int *calibrated,
                             ru_error *err) {
  ru_value f;
  const ru_status st = ru_kb_scaling(kb, target, &f, err);
  if (st != RU_OK) return st;
  const int ok = isfinite(f.value) && f.value > 0.0 && f.status != RU_VALUE_MISSING;
  *scale = ok ? f.value : 1.0;
  if (calibrated) *calibrated = ok;
  return RU_OK;
}

ru_status ru_pd_affinities(const ru_kb *kb, const char *target, size_t n,
                           const char *const *ligands, double *k_nm, ru_error *err) {
  double s = 1.0;
  ru_status st = ru_pd_target_scale(kb, target, &s, NULL, err);
  if (st != RU_OK) return st;
  for (size_t i = 0; i < n; i++) {
    ru_value ki;
    st = ru_kb_affinity(kb, ligands[i], target, &ki, err);
    if (st != RU_OK) return st;
    k_nm[i] = (isfinite(ki.value) && ki.value > 0.0) ? ki.value * s : nan("");
  }
  return RU_OK;
}

void ru_pd_occupancy_at(size_t n, const double *k_nm, const double *unbound_nm, double *occ_total,
                        double *occ_by) {
  double sum = 0.0;
  for (size_t i = 0; i < n; i++) {
    if (isfinite(k_nm[i]) && unbound_nm[i] > 0.0) sum += unbound_nm[i] / k_nm[i];
  }
  double total = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double x = (isfinite(k_nm[i]) && unbound_nm[i] > 0.0) ? unbound_nm[i] / k_nm[i] : 0.0;
    const double o = x / (1.0 + sum);
    if (occ_by) occ_by[i] = o;
    total += o;
  }
  *occ_total = total;
}

ru_status ru_pd_binding_ratio_series(const ru_kb *kb, const ru_sim *s, const char *target,
                                     const double *conc, size_t nt, double *x_total, double *x_by,
                                     int *any_default, ru_error *err) {
  if (kb == NULL || s == NULL || target == NULL || conc == NULL || x_total == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_binding_ratio_series: NULL argument");
  }
  const size_t nc = ru_sim_compound_count(s);
  for (size_t j = 0; j < nt; j++) x_total[j] = 0.0;
  if (any_default) *any_default = 0;
  for (size_t i = 0; i < nc; i++) {
    const char *name = ru_sim_compound_name(s, i);
    ru_value ki;
    ru_status st = ru_kb_affinity(kb, name, target, &ki, err);
    if (st != RU_OK) return st;
    const int binds = isfinite(ki.value) && ki.value > 0.0;
    if (!binds) {
      if (x_by) memset(&x_by[i * nt], 0, nt * sizeof *x_by);
      continue;
    }
    const double fu = ru_sim_compound_fu(s, i), mw = ru_sim_compound_mw(s, i);
    if (!isfinite(fu) || !isfinite(mw)) {
      return ru_error_set(err, RU_EMISSING,
                          "%s binds %s but its %s is missing from the knowledge base (needed for "
                          "the unbound concentration)", name, target,
                          isfinite(fu) ? "molecular weight" : "fu");
    }
    ru_value kpuu;
    int dflt = 0;
    st = ru_pd_kpuu_brain(kb, s, i, &kpuu, &dflt, err);
    if (st != RU_OK) return st;
    if (any_default && dflt) *any_default = 1;
    for (size_t j = 0; j < nt; j++) {
      const double x = ru_pd_unbound_nm(conc[i * nt + j], fu, mw) * kpuu.value / ki.value;
      const double xc = x > 0.0 ? x : 0.0;
      x_total[j] += xc;
      if (x_by) x_by[i * nt + j] = xc;
    }
  }
  return RU_OK;
}

ru_status ru_pd_occupancy_series(const ru_kb *kb, const ru_sim *s, const char *target,
                                 const double *conc, size_t nt, double *occ_total, double *occ_by,
                                 ru_error *err) {
  if (occ_total == NULL) return ru_error_set(err, RU_EINVAL, "ru_pd_occupancy_series: NULL output");
  double scale = 1.0;
  ru_status st = ru_pd_target_scale(kb, target, &scale, NULL, err);
  if (st != RU_OK) return st;
  /* the binding ratio goes to occ_total / occ_by first, then becomes occupancy in place */
  st = ru_pd_binding_ratio_series(kb, s, target, conc, nt, occ_total, occ_by, NULL, err);
  if (st != RU_OK) return st;
  const size_t nc = ru_sim_compound_count(s);
  for (size_t j = 0; j < nt; j++) {
    const double denom = 1.0 + occ_total[j] / scale;
    if (occ_by) {
      for (size_t i = 0; i < nc; i++) occ_by[i * nt + j] = occ_by[i * nt + j] / scale / denom;
    }
    occ_total[j] = ru_pd_occupancy_of_ratio(occ_total[j], scale);
  }
  return RU_OK;
}
