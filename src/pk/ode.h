/* The general ODE path on SUNDIALS CVODE (internal API of the pk layer), for systems the
 * closed forms cannot take: enzyme inhibition coupling (competitive and mechanism-based with
 * turnover), saturable elimination, the synapse. BDF with a dense direct linear solver; doses
 * are discontinuities: the integrator stops at each one, the state jumps, CVODE reinitialises. */
#ifndef RU_PK_ODE_H
#define RU_PK_ODE_H

#include <stddef.h>

#include "pk/events.h"
#include "reuptake/status.h"

/* dydt = f(t, y). Return 0 on success, > 0 recoverable (CVODE retries with a smaller step),
 * < 0 to abort. Units are the caller's (amounts in mg, time in h for PK). */
typedef int (*rui_rhs_fn)(double t, const double *y, double *dydt, void *user);

/* Optional analytic Jacobian: jac[i*n + j] = d f_i / d y_j (row-major, n x n). Same return
 * convention as rui_rhs_fn. Infusion rates are constant in y and do not enter it. */
typedef int (*rui_jac_fn)(double t, const double *y, double *jac, void *user);

#define RUI_ODE_MAX 4096 /* states per system (the dense Jacobian is n x n) */

/* A state jump at time_h: y[index] += amount (bolus); or a zero-order input of `rate` into
 * y[index] over [time_h, time_h + duration_h) when rate > 0; reset = 1 zeroes every state
 * listed in reset_mask first (EVID 3/4). */
typedef struct rui_ode_event {
  double time_h;
  size_t index;
  double amount;
  double rate;
  double duration_h;
  int reset;
} rui_ode_event;

typedef struct rui_ode_options {
  double rtol;          /* default 1e-8 */
  double atol;          /* absolute tolerance, default 1e-12 (amounts) */
  long max_steps;       /* per output interval, default 100000 */
  const unsigned char *reset_mask; /* n entries: 1 = zeroed by reset events; NULL = all */
  rui_jac_fn jac;       /* analytic Jacobian; NULL (default) = CVODE difference quotients */
} rui_ode_options;

void rui_ode_options_default(rui_ode_options *o);

/* Integrates from t0 with y0 through events (any order) and writes y at each output time
 * (ascending, >= t0) to y_out[nt*n]. Output at an event time includes the event. Infusion
 * rates are added to dydt by the driver (the rhs need not know about them). */
ru_status rui_ode_solve(size_t n, rui_rhs_fn rhs, void *user, const double *y0, double t0,
                        const rui_ode_event *ev, size_t nev, const double *times_h, size_t nt,
                        const rui_ode_options *opt, double *y_out, ru_error *err);

/* Reusable solver for many solves of the same size (population runs): creates the SUNDIALS
 * context, vector, dense matrix, linear solver and CVODE memory once; each solve re-initialises
 * CVODE (CVodeReInit), so a subject costs no allocation beyond a growing breakpoint buffer.
 * opt may be NULL (defaults) and is copied (reset_mask too). Free with rui_ode_work_free. */
typedef struct rui_ode_work rui_ode_work;
ru_status rui_ode_work_new(size_t n, const rui_ode_options *opt, rui_ode_work **out,
                           ru_error *err);
/* Same contract as rui_ode_solve, on a workspace from rui_ode_work_new. */
ru_status rui_ode_solve_with(rui_ode_work *w, rui_rhs_fn rhs, void *user, const double *y0,
                             double t0, const rui_ode_event *ev, size_t nev,
                             const double *times_h, size_t nt, double *y_out, ru_error *err);
/* The CVODE engine of the timeline walker (events.h): integrates from t = 0 with y0 through the
 * canonical timeline tl, calling emit at each output time with the full state. Steady-state
 * placements are computed by repeated dosing (rui_ss_numeric, options ssopt or NULL); SS = 2 is
 * refused (superposition needs a linear system). This is the path every nonlinear subject takes;
 * rui_ode_solve_with is the same walker fed from an explicit event list. */
ru_status rui_ode_walk(rui_ode_work *w, rui_rhs_fn rhs, void *user, const double *y0,
                       const rui_timeline *tl, const rui_ss_numeric_options *ssopt,
                       const double *times_h, size_t nt, rui_emit_fn emit, void *emit_user,
                       ru_error *err);
/* Integrator steps and rhs evaluations summed over every solve on w (for benchmarks and
 * diagnostics). Cannot fail; NULL-safe. */
void rui_ode_work_stats(const rui_ode_work *w, long *nsteps, long *nrhs);
/* NULL-safe. */
void rui_ode_work_free(rui_ode_work *w);

#endif
