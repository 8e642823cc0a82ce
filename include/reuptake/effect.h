/* User effect states: attach your own ODE states to a subject, driven by its concentrations or
 * target occupancies, and solve them with the subject's pharmacokinetics by the hybrid solver.
 *
 * Like a SUNDIALS user function, you write dy/dt = f(t, y, u) in C: y are your states, u the
 * inputs you ask for (a compound's total or unbound plasma concentration, or the occupancy of a
 * target by every ligand present). The subject's linear pharmacokinetics are solved exactly
 * (matrix exponentials per step size), its nonlinear parts and your states by 3-stage
 * Gauss-Legendre collocation (order 6) with steps that end on every dose and output; the inputs
 * at the collocation nodes come from the exact closed form (docs/numerics.md, "The hybrid
 * solver"). Several subjects of the same regimen can run at once in lanes (one call, SIMD over
 * subjects); every lane gives bitwise the same numbers as a run on its own.
 *
 * Example: an indirect-response effect, d(eff)/dt = kin - kout (1 - C/(EC50 + C)) eff, driven by
 * the total plasma concentration of the regimen's drug (the RxODE speed model, bench/):
 *
 *     static int eff_rhs(double t, const double *y, const double *u, double *dy, void *user) {
 *       const double *p = user;              // kin, kout, ec50 (ng/mL)
 *       (void)t;
 *       dy[0] = p[0] - p[1] * p[2] / (p[2] + u[0]) * y[0];
 *       return 0;
 *     }
 *     ...
 *     double par[3] = {1.0, 1.0, 200000.0}, y0[1] = {1.0};
 *     ru_effect_input in = {RU_EFFECT_CONC, "milnacipran", NULL};
 *     ru_effect_states spec = {.n = 1, .y0 = y0, .inputs = &in, .ninputs = 1,
 *                              .rhs = eff_rhs, .user = par, .flags = RU_EFFECT_AFFINE};
 *     ru_effect *e = NULL;
 *     ru_effect_new(sim, 1, &e, &err);           // sim: an ru_sim with regimens added
 *     ru_effect_add(e, &spec, NULL, &err);
 *     ru_effect_run(e, times, nt, conc, states, &err); // states[0 * nt + j]: eff at times[j]
 *     ru_effect_free(e);
 *
 * Ownership: an ru_effect borrows its ru_sim (it must outlive the ru_effect) and copies the
 * specs; the user pointers are borrowed. An ru_effect is not thread-safe; give each thread its
 * own (the ru_sim may be shared when it is prepared and not modified). */
#ifndef RU_EFFECT_H
#define RU_EFFECT_H

#include <stddef.h>

#include "reuptake/pk.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RU_EFFECT_MAX_LANES 16    /* subjects per ru_effect (one run) */
#define RU_EFFECT_DEFAULT_TOL 1e-4 /* defect tolerance: 1e-6 max relative error on the three
                                    * variants of the RxODE model (bench/README.md) */

/* --- inputs ---------------------------------------------------------------------------------- */

typedef enum ru_effect_input_kind {
  RU_EFFECT_CONC = 0,      /* total plasma concentration of a compound, ng/mL */
  RU_EFFECT_UNBOUND = 1,   /* unbound plasma concentration of a compound, nM */
  RU_EFFECT_OCCUPANCY = 2, /* fraction of a target bound, all ligands competing (pd.h):
                            * x_i = Cu_i / K_i, occ = sum x_i / (1 + sum x_i) */
} ru_effect_input_kind;

typedef struct ru_effect_input {
  ru_effect_input_kind kind;
  const char *name;   /* CONC, UNBOUND: the compound (resolved like ru_sim_compound_index);
                       * OCCUPANCY: a label for the target */
  const double *k_nm; /* OCCUPANCY: the affinity of each compound of the subject at the target
                       * (ru_sim_compound_name order), nM unbound, NaN = does not bind; e.g.
                       * from ru_pd_affinities. Copied. */
} ru_effect_input;

/* --- the user functions ---------------------------------------------------------------------- */

/* dydt[i] of the n states at time t_h (h from the first dose) from the states y and the inputs u
 * (in the order given). Return 0, or non-zero to abort the run (RU_ESOLVER). */
typedef int (*ru_effect_rhs_fn)(double t_h, const double *y, const double *u, double *dydt,
                                void *user);
/* Optional Jacobian: jac[i*n + j] = d dydt_i / d y_j. Without it: difference quotients. */
typedef int (*ru_effect_jac_fn)(double t_h, const double *y, const double *u, double *jac,
                                void *user);
/* Optional vector forms (used when given; same results as the scalar ones are the caller's
 * promise): np points at once in structure-of-arrays layout, t_h[p], y[i*np + p], u[k*np + p],
 * dydt[i*np + p], jac[(i*n + j)*np + p]. Point p belongs to lane p % nl (np is a multiple of nl),
 * so per-lane parameters are indexed by p % nl; loop as `for (r = 0; r < np; r += nl) for (l =
 * 0; l < nl; l++)` to avoid the division. */
typedef int (*ru_effect_rhs_batch_fn)(size_t np, size_t nl, const double *t_h, const double *y,
                                      const double *u, double *dydt, void *user);
typedef int (*ru_effect_jac_batch_fn)(size_t np, size_t nl, const double *t_h, const double *y,
                                      const double *u, double *jac, void *user);

/* dydt is affine in y for fixed inputs (e.g. an indirect response): one linear solve per step
 * instead of Newton iterations. Wrong results if it is not. */
#define RU_EFFECT_AFFINE 1u
/* The states are stiff: some rate is far above the pace of the inputs (a synaptic concentration
 * cleared in seconds, driven by hourly pharmacokinetics). Solved by 3-stage Radau IIA collocation
 * (L-stable, order 5) with its embedded error estimate, so steps follow the inputs, not the
 * fastest rate. Without it such states force steps of about 2 / rate (the stiffness cap of the
 * Gauss-Legendre steps). */
#define RU_EFFECT_STIFF 2u

typedef struct ru_effect_states {
  size_t n;                        /* number of states, >= 1 */
  const double *y0;                /* initial values at time 0 (n), copied */
  const ru_effect_input *inputs;   /* ninputs inputs, copied */
  size_t ninputs;
  ru_effect_rhs_fn rhs;            /* required */
  ru_effect_jac_fn jac;            /* optional */
  ru_effect_rhs_batch_fn rhs_batch; /* optional */
  ru_effect_jac_batch_fn jac_batch; /* optional (used with rhs_batch) */
  void *user;                      /* passed to every call (borrowed) */
  unsigned flags;                  /* RU_EFFECT_AFFINE, RU_EFFECT_STIFF or 0 */
} ru_effect_states;

/* --- lifecycle ------------------------------------------------------------------------------- */

typedef struct ru_effect ru_effect;

/* A solver for the subject sim (prepared here: RU_EMISSING etc. as ru_sim_prepare) with `lanes`
 * subjects (1 .. RU_EFFECT_MAX_LANES) of its regimen, each with its own copy of the PK
 * parameters (ru_effect_scale_param). sim is borrowed. */
RU_API ru_status ru_effect_new(ru_sim *sim, size_t lanes, ru_effect **out, ru_error *err);
RU_API void ru_effect_free(ru_effect *e); /* NULL-safe */

/* Attaches spec's states after the ones already attached; *first (may be NULL) receives the
 * index of its first state. An input naming an unknown compound: RU_ENOTFOUND; one needing fu or
 * MW the knowledge base lacks: RU_EMISSING. */
RU_API ru_status ru_effect_add(ru_effect *e, const ru_effect_states *spec, size_t *first,
                               ru_error *err);
/* Endpoint-defect tolerance of the collocation steps (default RU_EFFECT_DEFAULT_TOL); smaller is
 * more accurate and slower. RU_EINVAL outside (0, 1). */
RU_API ru_status ru_effect_set_tolerance(ru_effect *e, double tol, ru_error *err);
/* Lane's value of a PK parameter of compound = the sim's value times factor (> 0): keys
 * cl_f_l_per_h, v_f_l, ka_per_h, q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l. Cheap (no knowledge-
 * base access): the population use. Other keys: RU_EINVAL (set them on the sim). */
RU_API ru_status ru_effect_scale_param(ru_effect *e, size_t lane, const char *compound,
                                       const char *key, double factor, ru_error *err);

/* --- running ---------------------------------------------------------------------------------- */

/* Runs every lane from time 0 (compartments empty, enzymes fully active, effect states at y0)
 * through the sim's regimens to the output times (ascending, >= 0). conc (may be NULL) receives
 * total plasma concentrations, conc[(lane * nc + i) * nt + j] for compound i
 * (ru_sim_compound_name order); states (may be NULL) the effect states,
 * states[(lane * ns + k) * nt + j], ns = ru_effect_state_count. Steady-state dose records need
 * lanes == 1. */
RU_API ru_status ru_effect_run(ru_effect *e, const double *times_h, size_t nt, double *conc,
                               double *states, ru_error *err);

RU_API size_t ru_effect_state_count(const ru_effect *e);
RU_API size_t ru_effect_lanes(const ru_effect *e);

/* Work counters summed over runs (steps accepted, rejected, right-hand side points). */
typedef struct ru_effect_stats {
  long steps, rejected, rhs_points;
} ru_effect_stats;
RU_API void ru_effect_get_stats(const ru_effect *e, ru_effect_stats *out);

#ifdef __cplusplus
}
#endif
#endif /* RU_EFFECT_H */
