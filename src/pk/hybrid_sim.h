/* A subject's model (ru_sim, pk/model.c) with attached effect states, as a system of the hybrid
 * solver (internal API; hybrid_sim.c). Used by the nonlinear path of ru_sim (rui_sim_ode_states
 * hands over to rui_hyb_sim_states), by the public effect API (hybrid_effect.c) and by the
 * population batch.
 *
 * The structure of the subject's own equations is not restated here: it is read off the model's
 * right-hand side (rui_sim_rhs) by difference quotients at random states, so a change to the
 * model (a new route, a new mechanism) needs no change here. Structural zeros are exact (a row
 * that does not read a state gives bit-identical values when that state moves); a row is linear
 * with constant coefficients when its difference quotients agree at every sample point; a block
 * is affine when its own Jacobian does not move with its own states. */
#ifndef RU_PK_HYBRID_SIM_H
#define RU_PK_HYBRID_SIM_H

#include <stddef.h>

#include "pk/hybrid.h"
#include "pk/model_impl.h"
#include "reuptake/effect.h"

/* One attached set of effect states (copied from an ru_effect_states; inputs resolved). */
typedef struct rui_hyb_unit {
  size_t n;
  double *y0;
  size_t ninputs;
  ru_effect_input_kind *kind;  /* per input */
  size_t *compound;            /* CONC/UNBOUND: compound index */
  double *k_nm;                /* OCCUPANCY: nc affinities per input (NaN: no binding) */
  ru_effect_rhs_fn rhs;
  ru_effect_jac_fn jac;
  ru_effect_rhs_batch_fn rhs_batch;
  ru_effect_jac_batch_fn jac_batch;
  void *user;
  unsigned flags;
} rui_hyb_unit;

typedef struct rui_hyb_subject rui_hyb_subject;

/* Builds the hybrid system of sim (prepared here; borrowed, must outlive the subject) for nl
 * lanes, each with its own copy of the sim's parameters; with_auc keeps the sim's AUC
 * accumulators as states; units (may be NULL) are attached after the sim's states. */
ru_status rui_hyb_subject_new(ru_sim *sim, size_t nl, int with_auc, const rui_hyb_unit *units,
                              size_t nunits, const rui_hyb_options *opt, rui_hyb_subject **out,
                              ru_error *err);
void rui_hyb_subject_free(rui_hyb_subject *s);

size_t rui_hyb_subject_states(const rui_hyb_subject *s);      /* all states */
size_t rui_hyb_subject_sim_states(const rui_hyb_subject *s);  /* the sim's part */
rui_hyb *rui_hyb_subject_engine(rui_hyb_subject *s);
/* Lane l's copy of the sim (its parameters may be changed with rui_hyb_subject_scale). */
const ru_sim *rui_hyb_subject_lane_sim(const rui_hyb_subject *s, size_t lane);

/* Lane l's parameter key of compound i = the template's value times factor (keys the right-hand
 * side reads: cl_f_l_per_h, v_f_l, ka_per_h, q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l). */
ru_status rui_hyb_subject_scale(rui_hyb_subject *s, size_t lane, size_t compound,
                                const char *key, double factor, ru_error *err);
/* Lane l's activity (relative to NM) of enzyme (e.g. "CYP2D6") in every pathway through it (the
 * phenotype of the lane's subject). Unknown enzyme: nothing to do. */
ru_status rui_hyb_subject_set_activity(rui_hyb_subject *s, size_t lane, const char *enzyme,
                                       double activity, ru_error *err);
/* Restores lane l's parameters to the template's. */
void rui_hyb_subject_reset_lane(rui_hyb_subject *s, size_t lane);

/* Emitted at each output: lane l's full state y at output j. Non-zero stops the run. */
typedef int (*rui_hyb_subject_emit_fn)(void *user, size_t lane, size_t j, double t_h,
                                       const double *y);
/* Runs every lane from time 0 (initial state: compartments 0, enzymes active, effects at y0)
 * through the sim's dose timeline, emitting at each output time (ascending, >= 0). Steady-state
 * records need one lane (numeric steady state by repeated dosing). */
ru_status rui_hyb_subject_run(rui_hyb_subject *s, const double *times_h, size_t nt,
                              rui_hyb_subject_emit_fn emit, void *user, ru_error *err);

/* The nonlinear path of ru_sim: the full state (compartments, enzymes, AUC accumulators) at each
 * output, states[j * nstate + i], like rui_sim_ode_states on CVODE. */
ru_status rui_hyb_sim_states(ru_sim *s, const double *times_h, size_t nt, double *states,
                             ru_error *err);

/* The specialised kernel on (1, the default) or off (0: the general engine; tests and the
 * benchmark compare the two) for an effect solver (hybrid_effect.c). */
ru_status rui_effect_set_kernel(ru_effect *e, int kernel, ru_error *err);

#endif
