/* Closed-form solution of linear compartment systems (internal API of the pk layer).
 *
 * A linear time-invariant system dx/dt = A x + u(t) (amounts in mg, time in h) is solved
 * exactly with the matrix exponential: x(t+h) = e^{Ah} x(t) for free evolution, a bolus adds
 * to x, a zero-order infusion of rate R into compartment c adds  int_0^h e^{As} ds R e_c,
 * computed exactly from the exponential of the augmented matrix [[A, b], [0, 0]] (Van Loan
 * 1978, IEEE Trans Autom Control 23:395). e^{Ah} uses scaling and squaring with the [13/13]
 * Pade approximant (Higham 2005, SIAM J Matrix Anal Appl 26:1179), which is accurate to
 * rounding and continuous when eigenvalues coincide (ka = k), unlike sums of exponentials.
 * Steady state is the exact infinite sum: for a dose repeated every tau,
 * x_ss(0+) = (I - e^{A tau})^{-1} d, never a simulation of many doses.
 * No ODE solver is used anywhere here. */
#ifndef RU_PK_LINEAR_H
#define RU_PK_LINEAR_H

#include <stddef.h>

#include "pk/events.h"
#include "reuptake/status.h"

#define RUI_LIN_MAX 32 /* compartments per system (a documented limit: RU_ELIMIT beyond it) */

typedef struct rui_lin_system {
  size_t n;                              /* number of compartments */
  double a[RUI_LIN_MAX * RUI_LIN_MAX];   /* row-major rate matrix A (1/h) */
} rui_lin_system;

/* One dosing input (already resolved to a compartment and scaled by F): the pk layer's one dose
 * record (events.h), whose semantics the timeline normaliser defines. */
typedef rui_dose rui_lin_input;

/* e^{A t} for an n x n row-major matrix (n <= RUI_LIN_MAX). out may not alias a. */
ru_status rui_lin_expm(const double *a, size_t n, double t, double *out);

/* Solves M X = B in place (M n x n row-major, destroyed; B n x nrhs row-major, overwritten by
 * X) by LU with partial pivoting. RU_ENUMERIC when M is singular to working precision. Shared
 * with the hybrid solver's closed-form set-up (hybrid_cf.c). */
ru_status rui_lin_lu_solve(double *m, size_t n, double *b, size_t nrhs);

/* Amounts at each of nt output times (ascending), written row-major to x_out[nt*n].
 * Inputs may be in any order; their semantics are the timeline's (events.h). x0 (may be NULL =
 * zeros) is the state at time 0. Output at a dose time includes that dose (right-continuous).
 * Times and dose times must be finite and >= 0 (RU_EINVAL). No steady state (a sink) is
 * RU_ENUMERIC; more than RUI_EV_MAX_DOSES doses of one input before the last output is
 * RU_ELIMIT. */
ru_status rui_lin_simulate(const rui_lin_system *sys, const double *x0, const rui_lin_input *in,
                           size_t nin, const double *times_h, size_t nt, double *x_out,
                           ru_error *err);

/* State just after a dose at steady state of input `in` repeated every in->ii_h (> 0):
 * x = (I - e^{A tau})^{-1} (bolus vector or infusion integral propagated to tau).
 * Then x(t) within the interval is e^{At} x (plus the infusion still running). */
ru_status rui_lin_steady_state(const rui_lin_system *sys, const rui_lin_input *in,
                               double *x_after_dose, ru_error *err);

/* Steady-state amounts at times t_h in [0, tau) after the dose (superposition of the inputs,
 * each with its own interval, all at steady state). x_out[nt*n].
 * Input i doses at in[i].time_h + k ii for every integer k, so any finite t_h is accepted and
 * taken at its phase (t_h - time_h) mod ii; t_h = 0 with time_h = 0 is just after the dose.
 * A bolus needs ii > 0; an infusion with ii = 0 is a constant infusion at steady state. */
ru_status rui_lin_steady_state_profile(const rui_lin_system *sys, const rui_lin_input *in,
                                       size_t nin, const double *t_h, size_t nt, double *x_out,
                                       ru_error *err);

/* Exact AUC of every compartment over [t0, t1] for the free system from state x (no dosing in
 * between): int e^{As} x ds, from the augmented exponential. auc_out[n]. */
ru_status rui_lin_integral(const rui_lin_system *sys, const double *x, double dt_h, double *auc_out,
                           ru_error *err);

/* Fast fixed-step propagator for population runs: precomputes e^{A h}. */
typedef struct rui_lin_stepper {
  size_t n;
  double h;
  double phi[RUI_LIN_MAX * RUI_LIN_MAX];
} rui_lin_stepper;
ru_status rui_lin_stepper_init(rui_lin_stepper *s, const rui_lin_system *sys, double h);
/* x <- e^{A h} x. Cannot fail. */
void rui_lin_stepper_step(const rui_lin_stepper *s, double *x);
/* nsteps steps at once (e.g. one dosing interval): writes x(t + k h) for k = 0..nsteps-1 to
 * x_out[nsteps*n] and leaves x = x(t + nsteps h). One call per interval instead of one per
 * output; the 2-state case runs in registers. Cannot fail. */
void rui_lin_stepper_run(const rui_lin_stepper *s, double *x, size_t nsteps, double *x_out);

#endif
