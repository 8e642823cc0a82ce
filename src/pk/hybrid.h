/* The hybrid solver (internal API of the pk layer): closed forms for the linear time-invariant
 * part of a system, a one-step collocation method for the rest, on several subjects at once.
 *
 * A system dy/dt = f(y) + r (r: constant input rates between events) is split by the structure
 * of its dependency graph (hybrid_decomp.c):
 *   - closed-form groups: the largest ancestor-closed set of rows that are linear with constant
 *     coefficients (f_i = sum_j a_ij y_j + c_i), cut into weakly connected components. Each
 *     group is propagated exactly, y(t+h) = e^{A h} y(t) + Gamma(h)(c + r), with propagators
 *     cached per step size (hybrid_cf.c: eigen-decomposition when well conditioned, the Pade
 *     exponential of linear.c otherwise);
 *   - collocation blocks: the strongly connected components of the remaining states in
 *     topological order, each integrated by 3-stage Gauss-Legendre collocation (order 6,
 *     A-stable; Hairer & Wanner, Solving ODEs II, 2nd ed. 1996, sec. IV.5) driven by the exact
 *     values of the groups and the stage values of the blocks it depends on. A block with no
 *     second derivative within itself ("affine") is one direct linear solve per step, otherwise
 *     simplified Newton on the stage system.
 * Steps are dyadic fractions of each segment the event walker hands over (events.h), controlled
 * by the endpoint defect of the collocation polynomial against a fresh evaluation of f at the
 * step end (with fresh closed-form forcing), the post-dose rule h*rho(A) <= 1 on the first step
 * after a discontinuity, and a stiffness cap h*||df/dy|| <= cap (hybrid_step.c).
 *
 * Lanes: an engine holds nl <= RUI_HYB_LANES_MAX subjects of the same structure (a population
 * batch). Every lane is stepped with its own step sequence in structure-of-arrays form, so a
 * subject's result is bitwise the same whatever batch it runs in and whatever its width
 * (one kernel source; contraction to FMA is disabled for these files). */
#ifndef RU_PK_HYBRID_H
#define RU_PK_HYBRID_H

#include <stddef.h>

#include "pk/events.h"
#include "reuptake/status.h"

#define RUI_HYB_LANES_MAX 16
#define RUI_HYB_NODES 3

/* --- decomposition (hybrid_decomp.c) ------------------------------------------------------- */

/* The structure of a system of n rows. dep[i*n + j] != 0 when f_i depends on y_j; lti[i] != 0
 * when row i is linear with constant coefficients and no explicit time dependence; unit[i]
 * (may be NULL = every row its own) labels rows that must be solved together (a unit's rows are
 * merged into one block, e.g. one user right-hand side). */
typedef struct rui_hyb_structure {
  size_t n;
  const unsigned char *dep;
  const unsigned char *lti;
  const size_t *unit;
} rui_hyb_structure;

typedef enum rui_hyb_block_kind {
  RUI_HYB_EXPLICIT = 0, /* no row depends on a state of the block: pure quadrature */
  RUI_HYB_AFFINE = 1,   /* f affine in the block's states given its inputs: one direct solve */
  RUI_HYB_NEWTON = 2,   /* nonlinear in itself: simplified Newton on the stage system */
  RUI_HYB_STIFF = 3,    /* stiff (declared by its unit): 3-stage Radau IIA, L-stable, order 5,
                         * Newton, the embedded error estimate instead of the defect */
} rui_hyb_block_kind;

/* The decomposition. `state` lists the states of group 0, group 1, ..., then block 0, block 1,
 * ...; group g holds state[gstart[g] .. gstart[g+1]) and its strongly connected components in
 * topological order at gscc[gscc_start[g] .. gscc_start[g+1]) (offsets into state); block b
 * holds state[bstart[b] .. bstart[b+1]) (offsets continue after the groups). Blocks are in
 * topological order: a block depends only on groups and on earlier blocks. where[i] is the group
 * of state i (>= 0) or -(b + 1) for block b. kind[b] is filled by the caller's affinity test
 * (rui_hyb_classify). */
typedef struct rui_hyb_decomp {
  size_t n;
  size_t ngroups, nblocks;
  size_t *state;
  size_t *gstart;
  size_t *gscc_start, *gscc; /* gscc_start[ngroups+1]; gscc[nscc+1]: offsets into state */
  size_t *bstart;
  long *where;
  rui_hyb_block_kind *kind;
} rui_hyb_decomp;

/* Builds the decomposition (validation, Tarjan's strongly connected components in O(n^2) on the
 * dense pattern; Tarjan 1972, SIAM J Comput 1:146). Blocks start as RUI_HYB_NEWTON, or
 * RUI_HYB_EXPLICIT when no row of the block depends on a state of the block. */
ru_status rui_hyb_decompose(const rui_hyb_structure *s, rui_hyb_decomp *d, ru_error *err);
/* Block kinds: affine(user, rows, nb) returns 1 when the block's rows are affine in its own
 * states (no second derivative within the block); non-explicit blocks for which it does become
 * RUI_HYB_AFFINE. */
void rui_hyb_classify(rui_hyb_decomp *d, int (*affine)(void *user, const size_t *rows, size_t nb),
                      void *user);
void rui_hyb_decomp_free(rui_hyb_decomp *d); /* NULL-safe; the struct is the caller's */

/* --- the system an engine solves ----------------------------------------------------------- */

/* An input of a block: u = sum_k coef_k * y[state_k], a linear functional of states outside the
 * block (coefficients per lane: rui_hyb_set_input_coef). */
typedef struct rui_hyb_input {
  size_t nterm;
  const size_t *state;
} rui_hyb_input;

/* Right-hand side of block b at np points (p = 0 .. np-1, lane p % nl): own states y[i*np + p]
 * (i < nb, in the order of the block's rows), inputs u[k*np + p], times t[p]; writes
 * dy[i*np + p]. Return 0, > 0 recoverable (the step is retried smaller), < 0 abort. */
typedef int (*rui_hyb_rhs_fn)(void *user, size_t block, size_t np, size_t nl, const double *t,
                              const double *y, const double *u, double *dy);
/* Optional Jacobian of block b with respect to its own states, jac[(i*nb + j)*np + p]. NULL, or
 * RUI_HYB_NO_JAC returned for a block: difference quotients. */
#define RUI_HYB_NO_JAC 7001
typedef int (*rui_hyb_jac_fn)(void *user, size_t block, size_t np, size_t nl, const double *t,
                              const double *y, const double *u, double *jac);

/* Linear part of the closed-form rows of lane l: a[i*n + j] for the rows and columns of the
 * closed-form states and c[i] the constant term (filled for every state i in a group; other
 * entries untouched). Return 0 or a negative error. */
typedef int (*rui_hyb_linear_fn)(void *user, size_t lane, double *a, double *c);

/* The caller's description of the system. Inputs: block b's inputs are given by inputs(user, b,
 * k) for k < ninputs(user, b); NULL functions: the inputs of block b are the states outside it
 * that its rows depend on (one term each, coefficient 1). */
typedef struct rui_hyb_system {
  rui_hyb_structure structure;
  const unsigned char *reset;   /* n: 1 = zeroed by a reset record (compartments); NULL = all */
  const double *atol;           /* n: absolute error floor per state (state units) */
  const double *scale;          /* n: typical magnitude per state (difference quotients) */
  rui_hyb_rhs_fn rhs;
  rui_hyb_jac_fn jac;           /* may be NULL */
  rui_hyb_linear_fn linear;
  size_t (*ninputs)(void *user, const rui_hyb_decomp *d, size_t block);
  rui_hyb_input (*input)(void *user, const rui_hyb_decomp *d, size_t block, size_t k);
  int (*affine)(void *user, const size_t *rows, size_t nb);
  int (*stiff)(void *user, const size_t *rows, size_t nb); /* may be NULL: no stiff blocks */
  void *user;
} rui_hyb_system;

/* --- options and statistics ------------------------------------------------------------------- */

typedef struct rui_hyb_options {
  double tol;         /* endpoint-defect tolerance (relative, with the per-state atol floor) */
  double stiff_cap;   /* h * ||J_block||_inf <= stiff_cap */
  double event_cap;   /* first step after a discontinuity: h * rho(A) <= event_cap */
  int max_level;      /* steps no finer than segment / 2^max_level (RU_ESOLVER beyond) */
  int newton_max;     /* simplified Newton iterations per step before a rejection */
  int kernel;         /* 1: the specialised kernel when the system has its shape (one closed-form
                       * group driving one affine scalar state; hybrid_kernel.c: the same numbers,
                       * faster); 0: always the general engine (for comparison) */
} rui_hyb_options;

/* Defaults: tol RUI_HYB_DEFAULT_TOL (the value meeting 1e-6 max relative error on the RxODE
 * model and its two harder variants, bench/README.md), stiff_cap 2, event_cap 1, max_level 40,
 * newton_max 8, kernel 1. */
#define RUI_HYB_DEFAULT_TOL 1e-4
void rui_hyb_options_default(rui_hyb_options *o);

typedef struct rui_hyb_stats {
  long steps;        /* accepted collocation steps, summed over lanes */
  long rejected;     /* rejected (defect, Newton, stiffness cap) */
  long rhs_points;   /* right-hand side evaluations (points) */
  long newton_iter;  /* simplified Newton iterations */
  long propagators;  /* step-size propagators built (cache misses) */
  long pade;         /* lanes whose closed form fell back to the Pade exponential */
  long kernel_calls; /* collocation kernel passes (one per step of the batch's slowest lane) */
} rui_hyb_stats;

/* --- the engine ---------------------------------------------------------------------------- */

typedef struct rui_hyb rui_hyb;

/* Builds an engine for nl lanes of sys (copied; sys->user is borrowed). Decomposes the system,
 * classifies the blocks, allocates every workspace (stepping does not allocate). opt may be
 * NULL (defaults). */
ru_status rui_hyb_new(const rui_hyb_system *sys, size_t nl, const rui_hyb_options *opt,
                      rui_hyb **out, ru_error *err);
void rui_hyb_free(rui_hyb *h); /* NULL-safe */

const rui_hyb_decomp *rui_hyb_decomposition(const rui_hyb *h);
size_t rui_hyb_lanes(const rui_hyb *h);
size_t rui_hyb_states(const rui_hyb *h);
ru_status rui_hyb_set_options(rui_hyb *h, const rui_hyb_options *opt, ru_error *err);
void rui_hyb_get_stats(const rui_hyb *h, rui_hyb_stats *out);
void rui_hyb_reset_stats(rui_hyb *h);

/* Per-lane set-up of a subject: coefficient of term `term` of input k of block b. */
void rui_hyb_set_input_coef(rui_hyb *h, size_t lane, size_t block, size_t k, size_t term,
                            double coef);
/* Per-lane dose scale (bioavailability of a lane's doses into state i; default 1). */
void rui_hyb_set_dose_scale(rui_hyb *h, size_t lane, size_t state, double scale);
/* Re-reads lane l's closed-form matrices (sys->linear) and rebuilds its propagator set-up
 * (eigen-decomposition or Pade fallback); clears its step-size cache. Call after changing the
 * lane's parameters. */
ru_status rui_hyb_lane_setup(rui_hyb *h, size_t lane, ru_error *err);
/* Sets lane l's state (n values) and clears its step history. */
void rui_hyb_lane_set_state(rui_hyb *h, size_t lane, const double *y);
void rui_hyb_lane_get_state(const rui_hyb *h, size_t lane, double *y);

/* The engine operations of the event walker (events.h) over all lanes: the walker's state
 * vector is the lanes' states one after another (n * nl values); bolus and rates address
 * states 0 .. n-1 and act on every lane (times its dose scale). */
extern const rui_engine_ops rui_hyb_engine_ops;
/* Advances every lane from t0 to t1 at constant input rates rate[n] (mg/h; may be NULL = 0). */
ru_status rui_hyb_advance(rui_hyb *h, double t0_h, double t1_h, const double *rate, ru_error *err);
void rui_hyb_bolus(rui_hyb *h, size_t state, double amount);
void rui_hyb_reset(rui_hyb *h);

#endif
