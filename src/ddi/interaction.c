/* Victim exposure with vs without perpetrators (ddi.h). The interaction is whatever the
 * subject model produces when the compounds are simulated together: competitive and
 * mechanism-based inhibition driven by the perpetrators' concentrations over time. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/ddi.h"
#include "reuptake/regimen.h"

ru_status ru_ddi_build(const ru_kb *kb, const char *victim, const char *const *perps,
                       size_t nperp, const ru_ddi_options *opt, int with_perps, double shift_h,
                       ru_sim **out, ru_error *err) {
  *out = NULL;
  ru_regimen *r = NULL, *shifted = NULL;
  ru_sim *s = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, victim, err);
  if (st == RU_OK) st = ru_regimen_new(&shifted, err);
  for (size_t i = 0; st == RU_OK && i < ru_regimen_count(r); i++) {
    ru_event e = *ru_regimen_event(r, i);
    e.time_h += shift_h;
    st = ru_regimen_add(shifted, &e, err);
  }
  for (size_t k = 0; with_perps && st == RU_OK && k < nperp; k++) {
    char spec[512];
    const char *p = perps[k];
    if (opt && isfinite(opt->stop_after_h) && strstr(p, ":for=") == NULL &&
        strstr(p, ":n=") == NULL) {
      snprintf(spec, sizeof spec, "%s:for=%.17gh", p, opt->stop_after_h);
      p = spec;
    }
    st = ru_regimen_parse(shifted, p, err);
  }
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, shifted, err);
  for (size_t i = 0; opt && st == RU_OK && i < opt->nphenotypes; i++)
    st = ru_sim_set_phenotype(s, opt->phenotypes[i], err);
  for (size_t i = 0; opt && st == RU_OK && i < opt->noverrides; i++)
    st = ru_sim_set_override(s, opt->overrides[i], err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  ru_regimen_free(r);
  ru_regimen_free(shifted);
  if (st != RU_OK) {
    ru_sim_free(s);
    return st;
  }
  *out = s;
  return RU_OK;
}

ru_status ru_ddi_interaction(const ru_kb *kb, const char *victim, const char *const *perps,
                             size_t nperp, const ru_ddi_options *opt, ru_ddi_result *out,
                             ru_error *err) {
  memset(out, 0, sizeof *out);
  ru_regimen *vr = NULL;
  ru_status st = ru_regimen_new(&vr, err);
  if (st == RU_OK) st = ru_regimen_parse(vr, victim, err);
  if (st == RU_OK) {
    const ru_event *e = ru_regimen_event(vr, 0);
    out->single_dose = !(e->ii_h > 0.0 && e->addl != 0);
    st = ru_kb_resolve(kb, e->compound, out->victim, err);
  }
  ru_regimen_free(vr);
  if (st != RU_OK) return st;
  /* continued co-administration for the ratios (a stop time only matters for washout) */
  ru_ddi_options cont = {0};
  if (opt) cont = *opt;
  cont.stop_after_h = nan("");
  ru_sim *with = NULL, *without = NULL;
  st = ru_ddi_build(kb, victim, perps, nperp, &cont, 1, 0.0, &with, err);
  if (st == RU_OK && out->single_dose) {
    out->shift_h = ru_sim_settling_time_h(with);
    ru_sim_free(with);
    with = NULL;
    st = ru_ddi_build(kb, victim, perps, nperp, &cont, 1, out->shift_h, &with, err);
  }
  if (st == RU_OK) st = ru_ddi_build(kb, victim, perps, nperp, &cont, 0, out->shift_h, &without, err);
  ru_exposure *ew = NULL, *eo = NULL;
  if (st == RU_OK) {
    ew = rui_calloc(ru_sim_compound_count(with), sizeof *ew);
    eo = rui_calloc(ru_sim_compound_count(without), sizeof *eo);
    if (ew == NULL || eo == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  if (st == RU_OK) st = ru_sim_exposure(with, ew, err);
  if (st == RU_OK) st = ru_sim_exposure(without, eo, err);
  if (st == RU_OK) {
    const long vw = ru_sim_compound_index(with, out->victim);
    const long vo = ru_sim_compound_index(without, out->victim);
    out->with = ew[vw];
    out->without = eo[vo];
    out->auc_ratio = ew[vw].auc_ng_h_per_ml / eo[vo].auc_ng_h_per_ml;
    out->cmax_ratio = ew[vw].cmax_ng_per_ml / eo[vo].cmax_ng_per_ml;
  }
  rui_free(ew);
  rui_free(eo);
  ru_sim_free(with);
  ru_sim_free(without);
  return st;
}
