/* Occupancy of targets by every ligand present (parents, metabolites, co-medications).
 *
 * For target T and ligands i with unbound concentrations Cu_i (nM) and affinities K_iT (nM):
 *     x_i = Cu_i / (s_T * K_iT),   occ_i = x_i / (1 + sum_j x_j),   occ_T = sum_i occ_i
 * (competitive binding at equilibrium, Gaddum; DESIGN.md). s_T is the in-vitro -> in-vivo
 * scaling of the target family, fitted only on calibration rows (ru_kb_scaling; 1 when not
 * calibrated). Brain unbound = plasma unbound. A ligand without a KB affinity at T does not
 * bind T (reported as such). */
#ifndef RU_PD_H
#define RU_PD_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Affinities of n ligands at target, scaled: k_nm[i] (NaN = no affinity). */
RU_API ru_status ru_pd_affinities(const ru_kb *kb, const char *target, size_t n,
                                  const char *const *ligands, double *k_nm, ru_error *err);

/* Occupancy at given unbound concentrations (nM). occ_by (may be NULL) receives each ligand's
 * share; *occ_total the sum. Cannot produce NaN: missing affinities bind nothing. */
RU_API void ru_pd_occupancy_at(size_t n, const double *k_nm, const double *unbound_nm,
                               double *occ_total, double *occ_by);

/* Occupancy time course of target from a simulation's total concentrations conc[i*nt + j]
 * (ng/mL, as from ru_sim_run): occ_total[nt], occ_by[i*nt + j] (may be NULL). Compounds with
 * no fu or MW in the KB fail with RU_EMISSING if they have an affinity at the target. */
RU_API ru_status ru_pd_occupancy_series(const ru_kb *kb, const ru_sim *s, const char *target,
                                        const double *conc, size_t nt, double *occ_total,
                                        double *occ_by, ru_error *err);

/* Unbound concentration (nM) from total (ng/mL): total * fu / MW * 1000. */
RU_API double ru_pd_unbound_nm(double total_ng_per_ml, double fu, double mw_g_per_mol);

#ifdef __cplusplus
}
#endif
#endif
