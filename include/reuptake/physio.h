/* Physiology layer: human plasma norepinephrine kinetics and heart rate under NET occupancy.
 *
 * One compartment (synapse_README B1/B2): dP/dt = (SO - CL * P) / Vd, Vd = CL0 * t1/2 / ln2
 * (Silverberg 1978: CL0 3.07 L/min, t1/2 2.4 min, basal spillover 0.7 ug/min).
 *   SO  = SO0 * drive_state * (1 - a_SO * occ_NET)       spillover (ug/min)
 *   CL  = CL0 * (1 - a_CL * occ_NET)                      clearance (L/min)
 *   t1/2 = ln2 * Vd / CL
 * Heart rate is driven by cardiac sympathetic drive, NOT by plasma NE (synapse_README B3):
 *   HR  = HR_state + gain * drive_state * (J - 1),  J = 1 + 0.25 * occ_NET / 0.9
 * where J is the cardiac junctional NE fold (cardiac spillover +25% under desipramine).
 * Heart rate is reported only for states with a sourced baseline HR (rest_supine, standing,
 * exercise_submax), and its drug effect only for the postural states (rest_supine, standing);
 * elsewhere it is NaN. All numbers come from the sourced table (ru_synapse_param_*, domain
 * "physio"). */
#ifndef RU_PHYSIO_H
#define RU_PHYSIO_H

#include <stddef.h>

#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Steady-state values of one state. */
typedef struct ru_physio_values {
  double plasma_ne_pg_per_ml;  /* venous plasma NE */
  double half_life_min;        /* ln2 * Vd / CL */
  double spillover_ug_per_min; /* NE appearance rate */
  double clearance_l_per_min;  /* metabolic clearance */
  double heart_rate_bpm;       /* NaN when no sourced value exists for the state */
  double volume_l;             /* Vd (derived) */
} ru_physio_values;

/* States: "rest_supine", "standing", "exercise_submax", "exercise_max", "mental_stress",
 * "cold_pressor". */
RU_API size_t ru_physio_state_count(void);
RU_API const char *ru_physio_state_name(size_t i);     /* NULL when out of range */
RU_API const char *ru_physio_state_source(size_t i);   /* citation of the state's drive */
/* Finds a state by name ("supine", "rest", "exercise" accepted as aliases). RU_ENOTFOUND lists
 * the valid names. */
RU_API ru_status ru_physio_state_find(const char *name, size_t *idx, ru_error *err);

/* Steady state in state i with peripheral NET occupancy occ_net (0..1; 0 = no drug).
 * RU_EINVAL / RU_ERANGE for a bad state or occupancy. Cannot fail otherwise. */
RU_API ru_status ru_physio_steady_state(size_t state, double occ_net, ru_physio_values *out,
                                        ru_error *err);

/* Plasma NE time course (pg/mL) after a switch at t = 0 from the steady state of state `from`
 * (with occupancy occ_from) to state `to` (with occ_to): exact one-compartment solution
 * P(t) = Pss + (P0 - Pss) exp(-CL t / Vd), t in minutes. */
RU_API ru_status ru_physio_transition(size_t from, double occ_from, size_t to, double occ_to,
                                      const double *t_min, size_t nt, double *plasma_pg_per_ml,
                                      ru_error *err);

#ifdef __cplusplus
}
#endif
#endif /* RU_PHYSIO_H */
