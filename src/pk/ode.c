/* The general ODE path on SUNDIALS CVODE 6.x or 7.x (src/pk/ode.h; CMake checks the version).
 *
 * Variable-order BDF with Newton iteration and a dense direct linear solver (Hindmarsh et al.
 * 2005, "SUNDIALS: Suite of nonlinear and differential/algebraic equation solvers", ACM TOMS
 * 31:363-396; CVODE user guide v6.4). CVODE is an engine of the timeline walker (events.h):
 * doses are discontinuities, so the integrator never steps across one: each segment ends exactly
 * at the next event time via CVodeSetStopTime, the walker applies the jump (bolus, reset) or
 * changes the input-rate vector, and CVodeReInit restarts the method at order 1 from the new
 * state. Output times between events come from CVODE's dense output (accurate to the local
 * tolerance). Infusion rates are added to dydt by a wrapper, so a model's rhs never sees dosing.
 *
 * CVODE's own error printing is replaced by a handler that keeps the last message for the
 * ru_error (the library never prints). Every SUNDIALS object is freed on every path. */
#include "pk/ode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "core/alloc.h"

/* Defaults (documented in ode.h): rtol 1e-8 gives ~8 significant digits, well below every
 * uncertainty in PK parameters; atol 1e-12 mg is far below any dose, so the relative test
 * governs everywhere except on states that are truly ~0. */
#define DEFAULT_RTOL 1e-8
#define DEFAULT_ATOL 1e-12
#define DEFAULT_MAX_STEPS 100000L

void rui_ode_options_default(rui_ode_options *o) {
  if (o == NULL) {
    return;
  }
  o->rtol = DEFAULT_RTOL;
  o->atol = DEFAULT_ATOL;
  o->max_steps = DEFAULT_MAX_STEPS;
  o->reset_mask = NULL;
  o->jac = NULL;
}

struct rui_ode_work {
  size_t n;
  rui_ode_options opt;
  unsigned char *mask; /* copy of opt.reset_mask, or NULL */
  SUNContext ctx;
  void *cvode;
  N_Vector y;
  SUNMatrix jm;
  SUNLinearSolver ls;
  int initialised; /* CVodeInit done (later solves use CVodeReInit) */
  /* per-solve state, read by the callbacks */
  rui_rhs_fn rhs;
  rui_jac_fn jac;
  void *user;
  double *rate;   /* n: zero-order input per state (mg/h), set by the walker per segment */
  double *jbuf;   /* n*n row-major Jacobian from the user */
  char last_msg[256]; /* last CVODE error message (from the handler) */
  long nsteps;        /* steps / rhs evaluations summed over segments (CVodeReInit zeroes */
  long nrhs;          /* CVODE's own counters, so each segment's are added before it) */
};

/* Adds the current segment's counters to the totals. */
static void add_stats(rui_ode_work *w) {
  long v = 0;
  if (CVodeGetNumSteps(w->cvode, &v) == CV_SUCCESS) {
    w->nsteps += v;
  }
  v = 0;
  if (CVodeGetNumRhsEvals(w->cvode, &v) == CV_SUCCESS) {
    w->nrhs += v;
  }
}

void rui_ode_work_stats(const rui_ode_work *w, long *nsteps, long *nrhs) {
  if (nsteps != NULL) {
    *nsteps = w != NULL ? w->nsteps : 0;
  }
  if (nrhs != NULL) {
    *nrhs = w != NULL ? w->nrhs : 0;
  }
}

/* SUNDIALS 6 reports through a per-solver handler (CVodeSetErrHandlerFn), SUNDIALS 7 through a
 * handler stack on the context (SUNContext_PushErrHandler; its default handler prints to stderr,
 * so the stack is cleared first). Both keep the last message for the ru_error. */
#if SUNDIALS_VERSION_MAJOR >= 7
static void err_handler(int line, const char *function, const char *file, const char *msg,
                        SUNErrCode code, void *data, SUNContext ctx) {
  rui_ode_work *w = data;
  (void)line;
  (void)file;
  (void)code;
  (void)ctx;
  snprintf(w->last_msg, sizeof w->last_msg, "%s: %s", function != NULL ? function : "",
           msg != NULL ? msg : "");
}
#else
static void err_handler(int error_code, const char *module, const char *function, char *msg,
                        void *data) {
  rui_ode_work *w = data;
  (void)error_code;
  snprintf(w->last_msg, sizeof w->last_msg, "%s/%s: %s", module != NULL ? module : "",
           function != NULL ? function : "", msg != NULL ? msg : "");
}
#endif

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *data) {
  rui_ode_work *w = data;
  double *yd = N_VGetArrayPointer(ydot);
  const int rc = w->rhs(t, N_VGetArrayPointer(y), yd, w->user);
  if (rc != 0) {
    return rc;
  }
  for (size_t i = 0; i < w->n; i++) {
    yd[i] += w->rate[i];
  }
  return 0;
}

/* Copies the user's row-major Jacobian into CVODE's column-major dense matrix. The infusion
 * rates are constant in y, so they do not enter J. */
static int cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix jm, void *data, N_Vector t1,
                  N_Vector t2, N_Vector t3) {
  rui_ode_work *w = data;
  (void)fy;
  (void)t1;
  (void)t2;
  (void)t3;
  const int rc = w->jac(t, N_VGetArrayPointer(y), w->jbuf, w->user);
  if (rc != 0) {
    return rc;
  }
  const sunindextype n = (sunindextype)w->n;
  for (sunindextype j = 0; j < n; j++) {
    double *col = SUNDenseMatrix_Column(jm, j);
    for (sunindextype i = 0; i < n; i++) {
      col[i] = w->jbuf[(size_t)i * w->n + (size_t)j];
    }
  }
  return 0;
}

/* RU_ESOLVER with CVODE's flag name and its last message. */
static ru_status solver_error(rui_ode_work *w, int flag, const char *call, double t,
                              ru_error *err) {
  char *name = CVodeGetReturnFlagName(flag); /* malloc'd by SUNDIALS 6.x; freed with free() */
  const ru_status st = ru_error_set(err, RU_ESOLVER, "CVODE %s failed at t = %g h: %s (%d)%s%s",
                                    call, t, name != NULL ? name : "unknown flag", flag,
                                    w->last_msg[0] != '\0' ? ": " : "", w->last_msg);
  free(name);
  return st;
}

static ru_status check_options(const rui_ode_options *o, ru_error *err) {
  if (!(o->rtol > 0.0) || !isfinite(o->rtol) || !(o->atol > 0.0) || !isfinite(o->atol)) {
    return ru_error_set(err, RU_EINVAL, "ODE tolerances must be finite and > 0 (rtol %g, atol %g)",
                        o->rtol, o->atol);
  }
  if (o->max_steps <= 0) {
    return ru_error_set(err, RU_EINVAL, "ODE max_steps must be > 0 (got %ld)", o->max_steps);
  }
  return RU_OK;
}

void rui_ode_work_free(rui_ode_work *w) {
  if (w == NULL) {
    return;
  }
  if (w->cvode != NULL) {
    CVodeFree(&w->cvode);
  }
  if (w->ls != NULL) {
    SUNLinSolFree(w->ls);
  }
  if (w->jm != NULL) {
    SUNMatDestroy(w->jm);
  }
  if (w->y != NULL) {
    N_VDestroy(w->y);
  }
  if (w->ctx != NULL) {
    SUNContext_Free(&w->ctx);
  }
  rui_free(w->jbuf);
  rui_free(w->rate);
  rui_free(w->mask);
  rui_free(w);
}

ru_status rui_ode_work_new(size_t n, const rui_ode_options *opt, rui_ode_work **out,
                           ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ODE workspace: NULL output");
  }
  *out = NULL;
  if (n == 0 || n > RUI_ODE_MAX) {
    return ru_error_set(err, RU_EINVAL, "ODE system has %zu states (allowed 1..%d)", n,
                        RUI_ODE_MAX);
  }
  rui_ode_options o;
  rui_ode_options_default(&o);
  if (opt != NULL) {
    o = *opt;
  }
  ru_status st = check_options(&o, err);
  if (st != RU_OK) {
    return st;
  }
  rui_ode_work *w = rui_calloc(1, sizeof *w);
  if (w == NULL) {
    return ru_error_set(err, RU_ENOMEM, "ODE workspace: out of memory");
  }
  w->n = n;
  w->opt = o;
  w->rate = rui_calloc(n, sizeof *w->rate);
  w->jbuf = rui_calloc(n * n, sizeof *w->jbuf);
  if (w->rate == NULL || w->jbuf == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "ODE workspace: out of memory");
    goto fail;
  }
  if (o.reset_mask != NULL) {
    w->mask = rui_malloc(n);
    if (w->mask == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "ODE workspace: out of memory");
      goto fail;
    }
    memcpy(w->mask, o.reset_mask, n);
  }
  w->opt.reset_mask = NULL; /* the copy in w->mask is the one used */
#if SUNDIALS_VERSION_MAJOR >= 7
  int flag = SUNContext_Create(SUN_COMM_NULL, &w->ctx);
#else
  int flag = SUNContext_Create(NULL, &w->ctx);
#endif
  if (flag != 0 || w->ctx == NULL) {
    st = ru_error_set(err, RU_ESOLVER, "SUNContext_Create failed (%d)", flag);
    goto fail;
  }
  const sunindextype sn = (sunindextype)n;
  w->y = N_VNew_Serial(sn, w->ctx);
  w->jm = w->y != NULL ? SUNDenseMatrix(sn, sn, w->ctx) : NULL;
  w->ls = w->jm != NULL ? SUNLinSol_Dense(w->y, w->jm, w->ctx) : NULL;
  w->cvode = w->ls != NULL ? CVodeCreate(CV_BDF, w->ctx) : NULL;
  if (w->cvode == NULL) {
    st = ru_error_set(err, RU_ESOLVER, "cannot create the CVODE solver objects (n = %zu)", n);
    goto fail;
  }
#if SUNDIALS_VERSION_MAJOR >= 7
  flag = SUNContext_ClearErrHandlers(w->ctx);
  if (flag == 0) {
    flag = SUNContext_PushErrHandler(w->ctx, err_handler, w);
  }
  if (flag != 0) {
    st = ru_error_set(err, RU_ESOLVER, "SUNContext_PushErrHandler failed (%d)", flag);
    goto fail;
  }
#else
  flag = CVodeSetErrHandlerFn(w->cvode, err_handler, w);
  if (flag != CV_SUCCESS) {
    st = solver_error(w, flag, "CVodeSetErrHandlerFn", 0.0, err);
    goto fail;
  }
#endif
  *out = w;
  return RU_OK;
fail:
  rui_ode_work_free(w);
  return st;
}

/* --- the CVODE engine of the timeline walker (events.h) ------------------------------------ */

typedef struct ode_engine {
  rui_ode_work *w;
  double t_stop;   /* stop time currently set in CVODE (NaN: none) */
} ode_engine;

/* (Re)starts the method at t0 from the current y. */
static ru_status ode_restart(rui_ode_work *w, double t0, ru_error *err) {
  int flag;
  if (!w->initialised) {
    flag = CVodeInit(w->cvode, cv_rhs, t0, w->y);
    if (flag != CV_SUCCESS) {
      return solver_error(w, flag, "CVodeInit", t0, err);
    }
    flag = CVodeSetUserData(w->cvode, w);
    if (flag == CV_SUCCESS) {
      flag = CVodeSetLinearSolver(w->cvode, w->ls, w->jm);
    }
    if (flag != CV_SUCCESS) {
      return solver_error(w, flag, "CVodeSetLinearSolver", t0, err);
    }
    w->initialised = 1;
  } else {
    add_stats(w);
    flag = CVodeReInit(w->cvode, t0, w->y);
    if (flag != CV_SUCCESS) {
      return solver_error(w, flag, "CVodeReInit", t0, err);
    }
  }
  flag = CVodeSStolerances(w->cvode, w->opt.rtol, w->opt.atol);
  if (flag == CV_SUCCESS) {
    flag = CVodeSetMaxNumSteps(w->cvode, w->opt.max_steps);
  }
  if (flag == CV_SUCCESS) {
    flag = CVodeSetJacFn(w->cvode, w->jac != NULL ? cv_jac : NULL);
  }
  if (flag != CV_SUCCESS) {
    return solver_error(w, flag, "setup", t0, err);
  }
  return RU_OK;
}

static ru_status ode_advance(void *ep, double t0, double t1, double t_stop, const double *rate,
                             int restart, ru_error *err) {
  ode_engine *e = ep;
  rui_ode_work *w = e->w;
  memcpy(w->rate, rate, w->n * sizeof *w->rate);
  if (restart) {
    const ru_status st = ode_restart(w, t0, err);
    if (st != RU_OK) {
      return st;
    }
    e->t_stop = nan("");
  }
  int flag;
  if (!(e->t_stop == t_stop)) {
    /* never step across the next discontinuity, nor past the last output */
    flag = CVodeSetStopTime(w->cvode, t_stop);
    if (flag != CV_SUCCESS) {
      return solver_error(w, flag, "CVodeSetStopTime", t0, err);
    }
    e->t_stop = t_stop;
  }
  double tret = t0;
  flag = CVode(w->cvode, t1, w->y, &tret, CV_NORMAL);
  if (flag < 0) {
    return solver_error(w, flag, "CVode", t0, err);
  }
  return RU_OK;
}

static void ode_bolus(void *ep, size_t cmt, double amount) {
  ode_engine *e = ep;
  N_VGetArrayPointer(e->w->y)[cmt] += amount;
}

static void ode_reset(void *ep) {
  ode_engine *e = ep;
  double *y = N_VGetArrayPointer(e->w->y);
  for (size_t i = 0; i < e->w->n; i++) {
    if (e->w->mask == NULL || e->w->mask[i]) {
      y[i] = 0.0;
    }
  }
}

static const double *ode_view(const void *ep) {
  const ode_engine *e = ep;
  return N_VGetArrayPointer(e->w->y);
}

static void ode_get(const void *ep, double *y) {
  const ode_engine *e = ep;
  memcpy(y, N_VGetArrayPointer(e->w->y), e->w->n * sizeof *y);
}

static void ode_set(void *ep, const double *y) {
  ode_engine *e = ep;
  memcpy(N_VGetArrayPointer(e->w->y), y, e->w->n * sizeof *y);
}

/* No closed-form steady state: the walker computes it by repeated dosing (rui_ss_numeric). */
static const rui_engine_ops ODE_OPS = {
    .name = "CVODE",
    .advance = ode_advance,
    .bolus = ode_bolus,
    .reset = ode_reset,
    .ss_place = NULL,
    .get = ode_get,
    .set = ode_set,
    .view = ode_view,
    .outputs = NULL,
};

ru_status rui_ode_walk(rui_ode_work *w, rui_rhs_fn rhs, void *user, const double *y0,
                       const rui_timeline *tl, const rui_ss_numeric_options *ssopt,
                       const double *times_h, size_t nt, rui_emit_fn emit, void *emit_user,
                       ru_error *err) {
  if (w == NULL || rhs == NULL || y0 == NULL || tl == NULL) {
    return ru_error_set(err, RU_EINVAL, "ODE solve: NULL argument");
  }
  for (size_t i = 0; i < w->n; i++) {
    if (!isfinite(y0[i])) {
      return ru_error_set(err, RU_EINVAL, "ODE solve: initial state %zu is not finite", i);
    }
  }
  for (size_t k = 0; k < tl->nev; k++) {
    if (tl->ev[k].cmt >= w->n) {
      return ru_error_set(err, RU_EINVAL, "ODE solve: state index %zu out of range (n = %zu)",
                          tl->ev[k].cmt, w->n);
    }
  }
  w->rhs = rhs;
  w->jac = w->opt.jac;
  w->user = user;
  w->last_msg[0] = '\0';
  memcpy(N_VGetArrayPointer(w->y), y0, w->n * sizeof *y0);
  ode_engine e = {w, nan("")};
  const ru_status st =
      rui_timeline_walk(tl, w->n, &ODE_OPS, &e, ssopt, times_h, nt, emit, emit_user, err);
  if (w->initialised) {
    add_stats(w);
  }
  return st;
}

/* --- the event-list interface (rui_ode_event), on the same walker ------------------------- */

typedef struct copy_out {
  double *y_out;
  size_t n;
} copy_out;

static int copy_emit(void *user, size_t j, double t_h, const double *y) {
  const copy_out *c = user;
  (void)t_h;
  memcpy(&c->y_out[j * c->n], y, c->n * sizeof *y);
  return 0;
}

ru_status rui_ode_solve_with(rui_ode_work *w, rui_rhs_fn rhs, void *user, const double *y0,
                             double t0, const rui_ode_event *ev, size_t nev,
                             const double *times_h, size_t nt, double *y_out, ru_error *err) {
  if (w == NULL || rhs == NULL || y0 == NULL || (nev > 0 && ev == NULL) ||
      (nt > 0 && (times_h == NULL || y_out == NULL))) {
    return ru_error_set(err, RU_EINVAL, "ODE solve: NULL argument");
  }
  if (!isfinite(t0)) {
    return ru_error_set(err, RU_EINVAL, "ODE solve: t0 is not finite");
  }
  for (size_t j = 0; j < nt; j++) {
    if (!isfinite(times_h[j]) || times_h[j] < t0 || (j > 0 && times_h[j] < times_h[j - 1])) {
      return ru_error_set(err, RU_EINVAL,
                          "ODE solve: output time %zu (%g h) must be finite, >= t0 and ascending",
                          j, times_h[j]);
    }
  }
  /* The events as dose records on a clock starting at t0. Resets come first in record order,
   * so they cancel no dose of this list (the list is not a NONMEM record sequence: every dose
   * in it is explicit). */
  size_t nres = 0;
  for (size_t i = 0; i < nev; i++) {
    const rui_ode_event *e = &ev[i];
    if (!isfinite(e->time_h) || e->time_h < t0) {
      return ru_error_set(err, RU_EINVAL, "event %zu: time %g h must be finite and >= t0 = %g h",
                          i, e->time_h, t0);
    }
    if (e->index >= w->n) {
      return ru_error_set(err, RU_EINVAL, "event %zu: state index %zu out of range (n = %zu)", i,
                          e->index, w->n);
    }
    if (!isfinite(e->amount) || !isfinite(e->rate) || e->rate < 0.0 ||
        !isfinite(e->duration_h) || e->duration_h < 0.0) {
      return ru_error_set(err, RU_EINVAL,
                          "event %zu: amount, rate (>= 0) and duration (>= 0) must be finite", i);
    }
    if (e->rate > 0.0 && !(e->duration_h > 0.0)) {
      return ru_error_set(err, RU_EINVAL, "event %zu: an infusion needs a duration > 0", i);
    }
    if (e->rate == 0.0 && e->amount < 0.0) {
      return ru_error_set(err, RU_EINVAL, "event %zu: a bolus amount must be >= 0", i);
    }
    nres += e->reset ? 1u : 0u;
  }
  if (nt == 0) {
    return RU_OK;
  }
  rui_dose *d = rui_calloc(nev + nres + 1, sizeof *d);
  double *tt = rui_malloc(nt * sizeof *tt);
  if (d == NULL || tt == NULL) {
    rui_free(d);
    rui_free(tt);
    return ru_error_set(err, RU_ENOMEM, "ODE events: out of memory");
  }
  size_t nd = 0;
  for (size_t i = 0; i < nev; i++) {
    if (ev[i].reset) {
      d[nd].time_h = ev[i].time_h - t0;
      d[nd].reset_before = 1;
      nd++;
    }
  }
  for (size_t i = 0; i < nev; i++) {
    const rui_ode_event *e = &ev[i];
    d[nd].time_h = e->time_h - t0;
    d[nd].cmt = e->index;
    d[nd].rate = e->rate;
    d[nd].amount = e->rate > 0.0 ? e->rate * e->duration_h : e->amount;
    nd++;
  }
  for (size_t j = 0; j < nt; j++) {
    tt[j] = times_h[j] - t0;
  }
  rui_timeline tl;
  ru_status st = rui_timeline_build(d, nd, w->n, tt[nt - 1], &tl, err);
  if (st == RU_OK) {
    copy_out c = {y_out, w->n};
    st = rui_ode_walk(w, rhs, user, y0, &tl, NULL, tt, nt, copy_emit, &c, err);
  }
  rui_timeline_free(&tl);
  rui_free(tt);
  rui_free(d);
  return st;
}

ru_status rui_ode_solve(size_t n, rui_rhs_fn rhs, void *user, const double *y0, double t0,
                        const rui_ode_event *ev, size_t nev, const double *times_h, size_t nt,
                        const rui_ode_options *opt, double *y_out, ru_error *err) {
  rui_ode_work *w = NULL;
  ru_status st = rui_ode_work_new(n, opt, &w, err);
  if (st != RU_OK) {
    return st;
  }
  st = rui_ode_solve_with(w, rhs, user, y0, t0, ev, nev, times_h, nt, y_out, err);
  rui_ode_work_free(w);
  return st;
}
