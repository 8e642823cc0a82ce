/* Drug-drug interactions as dynamics: a victim regimen with vs without perpetrator regimens,
 * simulated with enzyme inhibition over time (pk.h), not looked up. */
#ifndef RU_DDI_H
#define RU_DDI_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ru_ddi_options {
  const char *const *phenotypes; /* "CYP2D6=PM", ... (may be NULL) */
  size_t nphenotypes;
  const char *const *overrides;  /* "drug.key=value", ... (may be NULL) */
  size_t noverrides;
  double stop_after_h;           /* perpetrators stop after this long (NaN: continue) */
} ru_ddi_options;

typedef struct ru_ddi_result {
  char victim[RU_NAME_MAX];
  int single_dose;         /* victim given once, after the perpetrators reach steady state */
  double shift_h;          /* time of that victim dose */
  ru_exposure without, with;
  double auc_ratio, cmax_ratio;
} ru_ddi_result;

/* Builds the simulation of the victim regimen (start shifted by shift_h) plus, when with_perps,
 * the perpetrator regimens (each limited to stop_after_h when finite). Caller frees. */
RU_API ru_status ru_ddi_build(const ru_kb *kb, const char *victim, const char *const *perps,
                              size_t nperp, const ru_ddi_options *opt, int with_perps,
                              double shift_h, ru_sim **out, ru_error *err);

/* Victim AUC and Cmax with vs without: at the victim's steady state when its regimen repeats,
 * else after a single victim dose given once the perpetrators are at steady state. */
RU_API ru_status ru_ddi_interaction(const ru_kb *kb, const char *victim, const char *const *perps,
                                    size_t nperp, const ru_ddi_options *opt, ru_ddi_result *out,
                                    ru_error *err);

#ifdef __cplusplus
}
#endif
#endif
