/* The general ODE path on SUNDIALS CVODE (internal API of the pk layer), for systems the
 * closed forms cannot take: enzyme inhibition coupling (competitive and mechanism-based with
 * turnover), saturable elimination, the synapse. BDF with a dense direct linear solver; doses
 * are discontinuities: the integrator stops at each one, the state jumps, CVODE reinitialises. */
#ifndef RU_PK_ODE_H
#define RU_PK_ODE_H

#include <stddef.h>

#include "reuptake/status.h"

/* dydt = f(t, y). Return 0 on success, > 0 recoverable (CVODE retries with a smaller step),
 * < 0 to abort. Units are the caller's (amounts in mg, time in h for PK). */
typedef int (*rui_rhs_fn)(double t, const double *y, double *dydt, void *user);

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
} rui_ode_options;

void rui_ode_options_default(rui_ode_options *o);

/* Integrates from t0 with y0 through events (any order) and writes y at each output time
 * (ascending, >= t0) to y_out[nt*n]. Output at an event time includes the event. Infusion
 * rates are added to dydt by the driver (the rhs need not know about them). */
ru_status rui_ode_solve(size_t n, rui_rhs_fn rhs, void *user, const double *y0, double t0,
                        const rui_ode_event *ev, size_t nev, const double *times_h, size_t nt,
                        const rui_ode_options *opt, double *y_out, ru_error *err);

#endif
