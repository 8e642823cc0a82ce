/* Multi-ligand competitive occupancy (pd.h). */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/pd.h"

double ru_pd_unbound_nm(double total_ng_per_ml, double fu, double mw_g_per_mol) {
  /* ng/mL = ug/L; / (g/mol) = umol/L * 1e-3 ... = nmol/L * 1 per 1000 g/mol: nM = ng/mL/MW*1000 */
  return total_ng_per_ml * fu / mw_g_per_mol * 1000.0;
}

ru_status ru_pd_affinities(const ru_kb *kb, const char *target, size_t n,
                           const char *const *ligands, double *k_nm, ru_error *err) {
  ru_value scale;
  ru_status st = ru_kb_scaling(kb, target, &scale, err);
  if (st != RU_OK) return st;
  const double s = (isfinite(scale.value) && scale.value > 0.0) ? scale.value : 1.0;
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

ru_status ru_pd_occupancy_series(const ru_kb *kb, const ru_sim *s, const char *target,
                                 const double *conc, size_t nt, double *occ_total, double *occ_by,
                                 ru_error *err) {
  const size_t n = ru_sim_compound_count(s);
  const char *names[16];
  double k[16], fu[16], mw[16], cu[16], by[16];
  if (n > 16) return ru_error_set(err, RU_ERANGE, "too many ligands");
  for (size_t i = 0; i < n; i++) names[i] = ru_sim_compound_name(s, i);
  ru_status st = ru_pd_affinities(kb, target, n, names, k, err);
  if (st != RU_OK) return st;
  for (size_t i = 0; i < n; i++) {
    fu[i] = ru_sim_compound_fu(s, i);
    mw[i] = ru_sim_compound_mw(s, i);
    if (isfinite(k[i]) && (!isfinite(fu[i]) || !isfinite(mw[i]))) {
      return ru_error_set(err, RU_EMISSING,
                          "%s binds %s but its %s is missing from the knowledge base (needed for "
                          "the unbound concentration)", names[i], target,
                          isfinite(fu[i]) ? "molecular weight" : "fu");
    }
  }
  for (size_t j = 0; j < nt; j++) {
    for (size_t i = 0; i < n; i++) {
      cu[i] = isfinite(k[i]) ? ru_pd_unbound_nm(conc[i * nt + j], fu[i], mw[i]) : 0.0;
    }
    ru_pd_occupancy_at(n, k, cu, &occ_total[j], by);
    if (occ_by) {
      for (size_t i = 0; i < n; i++) occ_by[i * nt + j] = by[i];
    }
  }
  return RU_OK;
}
