/* Brain exposure (pd.h): the Kp,uu,brain a compound's target sees. The value is the KB row
 * (measured by microdialysis/brain slice, or derived from P-gp efflux evidence: see
 * docs/knowledge-base.md) or a --set override; a compound without evidence gets the KB
 * parameter pd/kpuu_brain_default (passive distribution, Hammarlund-Udenaes 2008) and the
 * caller is told, so that every output using it can flag it. */
#include <math.h>

#include "reuptake/pd.h"

static ru_status resolve(const ru_kb *kb, const char *compound, const ru_value *v,
                         ru_value *kpuu, int *is_default, ru_error *err) {
  if (isfinite(v->value) && v->value > 0.0) {
    *kpuu = *v;
    if (is_default) *is_default = 0;
    return RU_OK;
  }
  ru_value d;
  ru_error e2;
  if (ru_kb_param(kb, "pd", "kpuu_brain_default", &d, &e2) != RU_OK || !(d.value > 0.0)) {
    return ru_error_set(err, RU_EMISSING,
                        "%s: no Kp,uu,brain and no default (pd/kpuu_brain_default) in the "
                        "knowledge base (give it with --set %s.kpuu_brain=VALUE)", compound,
                        compound);
  }
  *kpuu = d;
  if (is_default) *is_default = 1;
  return RU_OK;
}

ru_status ru_pd_kpuu_brain(const ru_kb *kb, const ru_sim *s, size_t i, ru_value *kpuu,
                           int *is_default, ru_error *err) {
  if (kb == NULL || s == NULL || kpuu == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_kpuu_brain: NULL argument");
  }
  ru_value v;
  const ru_status st = ru_sim_compound_value(s, i, "kpuu_brain", &v, err);
  if (st != RU_OK) return st;
  return resolve(kb, ru_sim_compound_name(s, i), &v, kpuu, is_default, err);
}

ru_status ru_pd_compound_kpuu_brain(const ru_kb *kb, const char *compound, ru_value *kpuu,
                                    int *is_default, ru_error *err) {
  if (kb == NULL || compound == NULL || kpuu == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_compound_kpuu_brain: NULL argument");
  }
  ru_compound c;
  const ru_status st = ru_kb_compound(kb, compound, &c, err);
  if (st != RU_OK) return st;
  return resolve(kb, c.name, &c.pk.kpuu_brain, kpuu, is_default, err);
}
