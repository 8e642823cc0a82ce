/* Internal interface of the synapse and physiology layer: the parameter registry (which KB
 * parameters each model reads, their units, ranges and meaning) and the shared loader that
 * fills ru_value slots from the knowledge base (src/synapse/params.c). */
#ifndef RU_SYNAPSE_IMPL_H
#define RU_SYNAPSE_IMPL_H

#include "reuptake/kb.h"
#include "reuptake/synapse.h"

/* One registered parameter: KB name and domain, unit, valid range for overrides, whether the
 * mechanism it feeds is optional (off when the KB lacks the value), and its meaning. */
typedef struct rui_param_spec {
  const char *name;
  const char *domain;
  const char *unit;
  double lo, hi;
  int optional;
  const char *meaning;
} rui_param_spec;

/* A loaded parameter set: specs (static) and this simulation's values. */
typedef struct rui_param_set {
  const rui_param_spec *spec;
  size_t n;
  ru_value *v; /* n values, owned */
} rui_param_set;

/* Loads every spec from kb (RU_EMISSING names the first required parameter the KB lacks;
 * missing optional ones stay NaN with status RU_VALUE_MISSING). */
ru_status rui_params_load(rui_param_set *ps, const rui_param_spec *spec, size_t n,
                          const ru_kb *kb, ru_error *err);
ru_status rui_params_copy(rui_param_set *dst, const rui_param_set *src, ru_error *err);
void rui_params_free(rui_param_set *ps);
long rui_params_index(const rui_param_set *ps, const char *name);
ru_status rui_params_set(rui_param_set *ps, const char *name, double value, ru_error *err);
ru_status rui_params_at(const rui_param_set *ps, size_t i, ru_model_param *out, ru_error *err);

/* Synapse parameters (domain "synapse"), one enum entry per registry row (params.c). */
typedef enum rui_syn_param {
  RUI_P_A0 = 0,
  RUI_P_REL_CAP,
  RUI_P_NE_C0,
  RUI_P_NE_T_HALF,
  RUI_P_NE_SH_NET,
  RUI_P_NE_IMP,
  RUI_P_LC_HZ,
  RUI_P_A2_GS,
  RUI_P_A2_GT,
  RUI_P_A2S_DEPTH,
  RUI_P_A2T_DEPTH,
  RUI_P_A2T_TAU,
  RUI_P_A1_W,
  RUI_P_DA_C0_STR,
  RUI_P_DA_C0_NAC,
  RUI_P_DAT_KM,
  RUI_P_DAT_VMAX,
  RUI_P_DA_TAU_DIFF,
  RUI_P_DA_IMP_STR,
  RUI_P_DA_IMP_NAC,
  RUI_P_DA_SH_DAT_CTX,
  RUI_P_DA_LC_FRAC,
  RUI_P_VTA_HZ,
  RUI_P_D2_GS,
  RUI_P_D2_GT,
  RUI_P_D2S_DEPTH,
  RUI_P_D2S_TAU,
  RUI_P_HT_C0_CTX,
  RUI_P_HT_C0_STR,
  RUI_P_HT_KO_CTX,
  RUI_P_HT_KO_STR,
  RUI_P_SERT_KM,
  RUI_P_SERT_VMAX,
  RUI_P_HT_IMP,
  RUI_P_DRN_IMP,
  RUI_P_DRN_HZ,
  RUI_P_HT1A_GS,
  RUI_P_HT1B_GT,
  RUI_P_HT1A_TAU,
  RUI_P_HT1A_DEPTH,
  RUI_P_HT1B_DEPTH,
  RUI_P_HT1B_TAU,
  RUI_P_HT2C_W,
  RUI_P_EFFLUX_MAX,
  RUI_P_EXPR_SERT_HET,
  RUI_P_EXPR_DAT_TG,
  RUI_P_SYN_COUNT
} rui_syn_param;

extern const rui_param_spec rui_syn_params[RUI_P_SYN_COUNT];

/* The model of s (regions, parameters, expression as set now) as a system for another
 * integrator (the hybrid solver's effect states, src/pk/hybrid*): *n states in the layout of
 * ru_synapse_run (regions x NE/DA/5-HT, their terminal sensitivities, the three nuclei and their
 * sensitivities, the two afferent fields), *y0 the pre-drug state of a run (caller frees with
 * rui_free); rhs at inputs in[RU_SYN_NINPUTS] (transporter and receptor occupancies, releaser
 * parts) given by the caller instead of s's input mode (the local overrides of s still apply).
 * s must outlive the system; a system is not thread-safe. */
typedef struct rui_syn_system rui_syn_system;
ru_status rui_syn_system_new(const ru_synapse *s, rui_syn_system **out, size_t *n, double **y0,
                             ru_error *err);
void rui_syn_system_rhs(rui_syn_system *sys, const double in[RU_SYN_NINPUTS], const double *y,
                        double *dy);
void rui_syn_system_free(rui_syn_system *sys);
/* The raw states of the last ru_synapse_run, row k at [k * *n] in the layout above (NULL before
 * a run): the comparison of bench/hybrid_synapse.h. */
const double *rui_syn_result_states(const ru_synapse *s, size_t *n);

#endif
