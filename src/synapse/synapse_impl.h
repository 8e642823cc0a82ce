/* Internal interface of the synapse and physiology layer: the parameter indices of the sourced
 * table in params.c (one enum entry per row, same order), shared by synapse.c and physio.c. */
#ifndef RU_SYNAPSE_IMPL_H
#define RU_SYNAPSE_IMPL_H

#include "reuptake/synapse.h"

typedef enum rui_syn_param {
  /* autoreceptor structure */
  RUI_P_A0 = 0,
  RUI_P_HILL,
  RUI_P_OCC_NEAR_COMPLETE,
  /* NE / LC */
  RUI_P_C0_NE,
  RUI_P_K_NE,
  RUI_P_KM_NET,
  RUI_P_SH_NET_NE,
  RUI_P_SH_DAT_NE,
  RUI_P_IMP_NE,
  RUI_P_F0_LC,
  RUI_P_G_S_ALPHA2,
  RUI_P_G_T_ALPHA2,
  RUI_P_D_DES_ALPHA2,
  /* DA / VTA */
  RUI_P_C0_DA_STR,
  RUI_P_C0_DA_CTX,
  RUI_P_KM_DAT,
  RUI_P_VMAX_DAT,
  RUI_P_TAU_DIFF_DA,
  RUI_P_K_DA_STR,
  RUI_P_SH_DAT_DA_STR,
  RUI_P_SH_NET_DA_STR,
  RUI_P_SH_DAT_DA_CTX,
  RUI_P_SH_NET_DA_CTX,
  RUI_P_K_DA_CTX,
  RUI_P_DA_CTX_LC_FRACTION,
  RUI_P_IMP_DA_STR,
  RUI_P_IMP_DA_CTX,
  RUI_P_F0_VTA,
  RUI_P_G_S_D2,
  RUI_P_G_T_D2,
  RUI_P_D_DES_D2,
  /* 5-HT / DRN */
  RUI_P_C0_5HT_CTX,
  RUI_P_C0_5HT_STR,
  RUI_P_KM_SERT,
  RUI_P_VMAX_SERT,
  RUI_P_K_SERT,
  RUI_P_SH_SERT_CTX,
  RUI_P_SH_SERT_STR,
  RUI_P_IMP_5HT,
  RUI_P_F0_DRN,
  RUI_P_G_S_5HT1A,
  RUI_P_G_T_5HT1B,
  RUI_P_TAU_DES,
  RUI_P_D_DES_5HT1A,
  /* expression scenarios */
  RUI_P_EXPR_SERT_HET,
  RUI_P_EXPR_DAT_TG,
  RUI_P_EXPR_NET_182,
  /* physiology (plasma NE, heart rate) */
  RUI_P_PH_NE_MW,
  RUI_P_PH_CL0,
  RUI_P_PH_THALF,
  RUI_P_PH_VD,
  RUI_P_PH_SO0,
  RUI_P_PH_DMI_SO_DROP,
  RUI_P_PH_A_SO,
  RUI_P_PH_A_CL,
  RUI_P_PH_DRIVE_STANDING,
  RUI_P_PH_DRIVE_EX_SUB,
  RUI_P_PH_DRIVE_EX_MAX,
  RUI_P_PH_DRIVE_MENTAL,
  RUI_P_PH_DRIVE_COLD,
  RUI_P_PH_HR_SUPINE,
  RUI_P_PH_HR_STANDING,
  RUI_P_PH_HR_EX_SUB,
  RUI_P_PH_CARD_DMI_RISE,
  RUI_P_PH_HR_BETA,
  RUI_P_COUNT
} rui_syn_param;

/* The table value of row p (compile-time constant table). */
double rui_syn_param_value(rui_syn_param p);

/* The model of s (regions, parameters, expression as set now) as a system for another
 * integrator (the hybrid solver's effect states, src/pk/hybrid*): *n states in the layout of
 * ru_synapse_run (regions x NE/DA/5-HT, then the three nuclei, then their sensitivities), *y0 the
 * pre-drug state of a run (caller frees with rui_free); rhs at occupancies occ[RU_SYN_NTARGETS]
 * given by the caller instead of s's occupancy input (the local overrides of s still apply).
 * s must outlive the system; a system is not thread-safe. */
typedef struct rui_syn_system rui_syn_system;
ru_status rui_syn_system_new(const ru_synapse *s, rui_syn_system **out, size_t *n, double **y0,
                             ru_error *err);
void rui_syn_system_rhs(rui_syn_system *sys, const double occ[RU_SYN_NTARGETS], const double *y,
                        double *dy);
void rui_syn_system_free(rui_syn_system *sys);

#endif
