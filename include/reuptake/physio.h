/* Physiology layer: human plasma norepinephrine kinetics, sympathetic outflow and heart rate in
 * physiological states, under NET blockade.
 *
 * One plasma compartment (Silverberg 1978; docs/synapse.md section 2):
 *   dP/dt = (SO - CL P) / Vd,   Vd = CL0 t1/2 / ln2
 *   SO    = SO0 * sigma_state * D * F(o_p)           spillover (ug/min)
 *   CL    = CL0 * gamma_state * (1 - u1 o_p)          clearance (L/min)
 *   F(o)  = sum_i w_i rho_i / (1 + (rho_i - 1)(1 - o))  peripheral NET block raises the
 *           fraction of released NE that spills over (organ release:spillover ratios rho_i,
 *           Kopin 1998, weighted by organ shares of spillover)
 *   D     = 1 - w + w x_LC: sympathetic outflow, of which a share w follows the central
 *           noradrenergic drive (x_LC: the synapse model's LC firing under the same inputs;
 *           central alpha2-mediated sympatholysis of NET block, Esler 1991)
 *   HR    = HR_state + g_HR sigma_state (J - 1),  J = D F_heart(o_p)  (cardiac junctional NE)
 * sigma_state and gamma_state are the state's spillover and clearance relative to rest supine
 * (data/params.csv domain "physiology"); a state whose clearance change is not published keeps
 * the resting clearance and says so (clearance_status = RU_VALUE_MISSING). Heart rate is NaN for
 * states without a sourced baseline. */
#ifndef RU_PHYSIO_H
#define RU_PHYSIO_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/status.h"
#include "reuptake/synapse.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Steady-state values of one state. */
typedef struct ru_physio_values {
  double plasma_ne_pg_per_ml;    /* venous plasma NE */
  double half_life_min;          /* ln2 * Vd / CL */
  double spillover_ug_per_min;   /* NE appearance rate */
  double clearance_l_per_min;    /* metabolic clearance */
  double heart_rate_bpm;         /* NaN when no sourced baseline exists for the state */
  double volume_l;               /* Vd (derived) */
  double sympathetic_drive_fold; /* central sympathetic outflow (MSNA), fold of no drug */
  double cardiac_ne_fold;        /* cardiac junctional NE, fold of no drug */
  ru_value_status spillover_status; /* status of the state's spillover factor */
  ru_value_status clearance_status; /* RU_VALUE_MISSING: resting clearance used */
} ru_physio_values;

/* The drug effect: NET occupancy in the periphery (plasma-unbound driven) and the LC firing
 * fold of the synapse model under the same inputs (1 = no drug). */
typedef struct ru_physio_drug {
  double net_occupancy;
  double central_drive_fold; /* LC firing, fold of baseline */
} ru_physio_drug;

typedef struct ru_physio ru_physio;

/* Reads every parameter from kb (domain "physiology"). RU_EMISSING names a missing one. */
RU_API ru_status ru_physio_new(const ru_kb *kb, ru_physio **out, ru_error *err);
RU_API void ru_physio_free(ru_physio *p); /* NULL-safe */

RU_API size_t ru_physio_param_count(const ru_physio *p);
RU_API ru_status ru_physio_param_at(const ru_physio *p, size_t i, ru_model_param *out,
                                    ru_error *err);
/* Overrides one parameter (status "user"); RU_ENOTFOUND / RU_ERANGE. */
RU_API ru_status ru_physio_set_param(ru_physio *p, const char *name, double value,
                                     ru_error *err);

/* States: rest_supine, seated, standing, tilt, exercise_submax, exercise_max, mental_stress,
 * public_speaking, cold_pressor, hypoglycemia. */
RU_API size_t ru_physio_state_count(void);
RU_API const char *ru_physio_state_name(size_t i); /* NULL when out of range */
/* Source key of the state's spillover factor (NULL when out of range or missing). */
RU_API const char *ru_physio_state_source(const ru_physio *p, size_t i);
/* Finds a state by name ("supine", "rest", "upright", "exercise", "stroop", "cold" accepted).
 * RU_ENOTFOUND lists the valid names. */
RU_API ru_status ru_physio_state_find(const char *name, size_t *idx, ru_error *err);

/* Steady state in state i under drug (NULL = no drug). RU_EINVAL / RU_ERANGE for a bad state
 * or drug; RU_EMISSING when the state's spillover factor is missing from the KB. */
RU_API ru_status ru_physio_steady_state(const ru_physio *p, size_t state,
                                        const ru_physio_drug *drug, ru_physio_values *out,
                                        ru_error *err);

/* Plasma NE time course (pg/mL) after a switch at t = 0 from the steady state of (from,
 * drug_from) to (to, drug_to): exact one-compartment solution
 * P(t) = Pss + (P0 - Pss) exp(-CL t / Vd), t in minutes. */
RU_API ru_status ru_physio_transition(const ru_physio *p, size_t from,
                                      const ru_physio_drug *drug_from, size_t to,
                                      const ru_physio_drug *drug_to, const double *t_min,
                                      size_t nt, double *plasma_pg_per_ml, ru_error *err);

/* The drug effect of synapse inputs held for `hours` (acute: 3 h; chronic: days x 24): the
 * peripheral NET occupancy is in[RU_SYN_NET], the central drive is the LC firing fold of the
 * synapse model (kb parameters) at the end. */
RU_API ru_status ru_physio_drug_from_inputs(const ru_kb *kb, const double in[RU_SYN_NINPUTS],
                                            double hours, ru_physio_drug *out, ru_error *err);
/* Same from an input time course: the drug effect at each sample (LC firing of one synapse run
 * over the samples). out[n]. */
RU_API ru_status ru_physio_drug_series(const ru_kb *kb, const double *time_h, size_t n,
                                       const double *in, ru_physio_drug *out, ru_error *err);

/* --- the physiology of a run (src/synapse/physio_outcome.c) ---------------------------------- */

/* Held inputs act for the acute response (DESIGN.md: 3 h, the synapse command's default run). */
#define RU_PHYSIO_ACUTE_H RU_SYN_ACUTE_H
/* A single dose is followed for 24 h on the default grid of that horizon
 * (ru_sim_default_step_h) and reported at the sample of peak NET occupancy. */
#define RU_PHYSIO_SINGLE_DOSE_H 24.0

/* Where the drug effect came from. */
typedef enum ru_physio_input {
  RU_PHYSIO_NO_DRUG = 0,    /* no regimen, no held inputs */
  RU_PHYSIO_HELD = 1,       /* held synapse inputs, acting RU_PHYSIO_ACUTE_H */
  RU_PHYSIO_STEADY = 2,     /* repeated regimen: mean steady-state inputs over the last dosing
                               interval, acting RU_PHYSIO_ACUTE_H */
  RU_PHYSIO_SINGLE_DOSE = 3 /* single dose: the time course, at the peak of NET occupancy */
} ru_physio_input;

/* How the drug state was reached, in words (the JSON "occupancy_input" of `reuptake physiology`
 * and of Python's physiology()): "none", "held (--occupancy)", "regimen: mean steady-state ...",
 * "single dose: ..." ("none" outside the enum). Static storage; cannot fail. */
RU_API const char *ru_physio_input_text(ru_physio_input input);

typedef struct ru_physio_outcome {
  ru_physio_input input;
  ru_physio_drug drug;          /* the drug effect reported ({0, 1} without drug) */
  ru_physio_values baseline;    /* the state without drug */
  ru_physio_values with_drug;   /* the state under drug */
  double plasma_ne_fold;        /* with_drug over baseline plasma NE */
  double time_of_peak_h;        /* single dose: the sample of peak NET occupancy; NaN otherwise */
  /* single dose: the course at the samples the model evaluates (ncourse; NULL otherwise);
   * owned, freed by ru_physio_outcome_clear */
  size_t ncourse;
  double *course_time_h;
  double *course_net_occupancy;
  double *course_plasma_ne_pg_per_ml;
  double *course_heart_rate_bpm;
} ru_physio_outcome;

/* State `state` without and with the drug. The drug effect: sim (NULL: none) with held (NULL:
 * none) combined into its inputs (ru_synapse_inputs_from_sim), a repeated regimen by its steady
 * inputs and a single dose (no repeating interval) by its course; without sim, held alone (NULL:
 * no drug). sim is run (not freed). Errors of the calls named; RU_ENOMEM. On failure *out holds
 * nothing to free. */
RU_API ru_status ru_physio_evaluate(const ru_physio *p, const ru_kb *kb, size_t state, ru_sim *sim,
                                    const double held[RU_SYN_NINPUTS], ru_physio_outcome *out,
                                    ru_error *err);
/* Frees the course and zeroes *o (NULL-safe). */
RU_API void ru_physio_outcome_clear(ru_physio_outcome *o);

#ifdef __cplusplus
}
#endif
#endif /* RU_PHYSIO_H */
