/* Pharmacokinetics of one subject: every compound of one or more regimens, their metabolites,
 * CYP phenotypes, parameter overrides, and enzyme inhibition between the compounds present.
 *
 * A simulation is a value: create it, add regimens, set phenotype/overrides, run, free. It
 * never shares state with another, so threads and MPI ranks may each hold their own.
 *
 * Linear systems (no inhibition coupling) are solved in closed form (matrix exponential,
 * exact steady state as the infinite sum). When a compound present inhibits an enzyme that
 * clears a compound present (competitive Ki, or mechanism-based KI/kinact with enzyme
 * turnover, including a drug inhibiting its own clearance), the system is nonlinear and runs
 * on SUNDIALS CVODE. Concentrations are total plasma, ng/mL; unbound = total * fu. */
#ifndef RU_PK_H
#define RU_PK_H

#include <signal.h>
#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/regimen.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ru_sim ru_sim;

/* Exposure of one compound over one dosing interval at steady state, or after a single dose
 * (auc = AUC 0-inf, cmin = 0). */
typedef struct ru_exposure {
  double auc_ng_h_per_ml;
  double cmax_ng_per_ml;
  double cmin_ng_per_ml;
  double cavg_ng_per_ml;    /* auc / tau (steady state); NaN for a single dose */
  double tmax_h;            /* time of Cmax after the (last) dose */
  double tau_h;             /* dosing interval, 0 for a single dose */
  double unbound_cavg_nm;   /* cavg * fu in nM (NaN when fu or MW is missing) */
  int steady_state;         /* 1 steady state, 0 single dose */
} ru_exposure;

/* Creates an empty simulation reading parameters from kb (borrowed: kb must outlive it). */
RU_API ru_status ru_sim_new(const ru_kb *kb, ru_sim **out, ru_error *err);
RU_API void ru_sim_free(ru_sim *s); /* NULL-safe */

/* Adds the dose records of r (copied); compounds are resolved (brand names accepted) and their
 * metabolites added. Unknown compound: RU_ENOTFOUND with a "did you mean". */
RU_API ru_status ru_sim_add_regimen(ru_sim *s, const ru_regimen *r, ru_error *err);
/* Adds a compound with no doses (e.g. to report it); normally not needed. */
RU_API ru_status ru_sim_add_compound(ru_sim *s, const char *name, ru_error *err);

/* "CYP2D6=PM" (PM, IM, NM, UM), "CYP2D6=AS1.5" or "CYP2D6=1.5" (activity score, CYP2D6 only),
 * "CYP2C19=PM" (PM, IM, NM, UM; any gene/phenotype with an activity in the knowledge base).
 * Scales the enzyme's share of clearance (fm.<GENE>). Unknown phenotype: RU_ENOTFOUND. */
RU_API ru_status ru_sim_set_phenotype(ru_sim *s, const char *spec, ru_error *err);
/* Enzyme activity relative to a normal metabolizer directly (1 = NM, 0 = none). */
RU_API ru_status ru_sim_set_enzyme_activity(ru_sim *s, const char *enzyme, double activity,
                                           ru_error *err);
/* "atomoxetine.cl_f_l_per_h=20" with the DESIGN.md keys (model, f, ka_per_h, tlag_h,
 * cl_f_l_per_h, v_f_l, q_f_l_per_h, vp_f_l, fu, fm.CYP2D6, ...). Applies to compounds added
 * before or after the call. */
RU_API ru_status ru_sim_set_override(ru_sim *s, const char *spec, ru_error *err);
/* Multiplies a parameter of a compound by factor (> 0): the population layer's variability.
 * key as in ru_sim_set_override; compound "*" = every compound. */
RU_API ru_status ru_sim_scale_param(ru_sim *s, const char *compound, const char *key,
                                    double factor, ru_error *err);
/* Which inhibitor concentration drives CYP inhibition: 1 (default) the unbound hepatic inlet
 * concentration (systemic + portal absorption term, FDA 2020 in vitro DDI guidance), 0 the
 * unbound systemic plasma concentration. */
RU_API void ru_sim_set_inhibitor_driver(ru_sim *s, int hepatic_inlet);
/* Runs the subject on CVODE even when the system is linear (1), for cross-checking the closed
 * forms; 0 (default) chooses the closed form whenever the system is linear. */
RU_API void ru_sim_set_force_ode(ru_sim *s, int force);
/* The engine: RU_SOLVER_AUTO (default) the closed form when the system is linear, the hybrid
 * solver when it is not (closed forms for the linear blocks, Gauss-Legendre collocation for the
 * rest; docs/numerics.md); RU_SOLVER_CVODE the CVODE BDF path always (the reference);
 * RU_SOLVER_HYBRID the hybrid solver always. */
typedef enum ru_solver { RU_SOLVER_AUTO = 0, RU_SOLVER_CVODE = 1, RU_SOLVER_HYBRID = 2 } ru_solver;
RU_API void ru_sim_set_solver(ru_sim *s, ru_solver solver);
/* "closed-form", "hybrid" or "cvode": the engine a run uses (after prepare). */
RU_API const char *ru_sim_solver_name(const ru_sim *s);
/* Endpoint-defect tolerance of the hybrid solver (default 1e-4: 1e-6 max relative error on the
 * benchmark models, bench/README.md); smaller is more accurate. RU_EINVAL outside (0, 1). */
RU_API ru_status ru_sim_set_hybrid_tolerance(ru_sim *s, double tol, ru_error *err);
/* cancel (may be NULL) is read at every output time of a CVODE or hybrid run: when it is non-zero the run
 * stops with RU_EINTERRUPTED. Meant for a flag set by a SIGINT handler. NULL-safe. */
RU_API void ru_sim_set_cancel(ru_sim *s, const volatile sig_atomic_t *cancel);
/* Turns enzyme inhibition between compounds off (1) or on (0, default): reports with vs without. */
RU_API void ru_sim_set_inhibition_enabled(ru_sim *s, int enabled);

/* Resolves parameters (KB + overrides + phenotype) and checks that every value the model
 * needs is present: a missing one fails with RU_EMISSING naming compound and key. Called by
 * the run functions when needed; calling it first gives the error early. */
RU_API ru_status ru_sim_prepare(ru_sim *s, ru_error *err);

RU_API size_t ru_sim_compound_count(const ru_sim *s);
RU_API const char *ru_sim_compound_name(const ru_sim *s, size_t i);
RU_API double ru_sim_compound_mw(const ru_sim *s, size_t i);  /* g/mol, NaN if missing */
RU_API double ru_sim_compound_fu(const ru_sim *s, size_t i);  /* NaN if missing */
/* The value of a scalar PK key ("fu", "kpuu_brain", "cl_f_l_per_h", ...: the DESIGN.md keys)
 * of the i-th compound as the simulation uses it: the KB value with --set overrides and
 * scalings applied (status RU_VALUE_USER, source "user_override" for an override). A value the
 * KB does not hold is NaN with status RU_VALUE_MISSING (not an error). RU_EINVAL for an unknown
 * key or index. */
RU_API ru_status ru_sim_compound_value(const ru_sim *s, size_t i, const char *key, ru_value *out,
                                       ru_error *err);
/* Index of a compound by (resolved) name, or -1. */
RU_API long ru_sim_compound_index(const ru_sim *s, const char *name);
/* 1 when the subject's system is nonlinear (runs on CVODE). Requires prepare. */
RU_API int ru_sim_is_nonlinear(const ru_sim *s);
/* Human-readable mechanisms acting (one per line, e.g. "paroxetine inhibits CYP2D6
 * (mechanism-based, KI 0.167 uM, kinact 10.2/h; source ...)"). Valid until the next call. */
RU_API const char *ru_sim_mechanisms(ru_sim *s);
/* Last dose time of the regimens, or of the repeating regimens' first dose + interval; the
 * longest interval among repeating regimens (0 if none). */
RU_API double ru_sim_longest_interval_h(const ru_sim *s);
/* A horizon (h) after which the system is at steady state to within ~0.1 %: derived from the
 * slowest time constant (compound half-lives under current inhibition, enzyme turnover). */
RU_API double ru_sim_settling_time_h(ru_sim *s);

/* Total plasma concentrations (ng/mL) at times (ascending, h from the first dose):
 * conc[i * nt + j] for compound i, time j. */
RU_API ru_status ru_sim_run(ru_sim *s, const double *times_h, size_t nt, double *conc_ng_per_ml,
                            ru_error *err);
/* Same plus the relative activity of each enzyme state over time (for reports), enzyme names
 * from ru_sim_enzyme_name. activity[k * nt + j]; may be NULL. */
RU_API size_t ru_sim_enzyme_count(const ru_sim *s);
RU_API const char *ru_sim_enzyme_name(const ru_sim *s, size_t k);
/* Keeps the liver enzyme in the subject although no compound given is cleared by it, so what the
 * inhibitors do to it can be read with ru_sim_run_enzymes (a probe without a probe drug). */
RU_API ru_status ru_sim_track_enzyme(ru_sim *s, const char *enzyme, ru_error *err);
/* The phenotype activity of enzyme k relative to a normal metabolizer (1 unless a phenotype was
 * set): its activity before any inhibition. NaN for a bad index. */
RU_API double ru_sim_enzyme_activity(const ru_sim *s, size_t k);
RU_API ru_status ru_sim_run_enzymes(ru_sim *s, const double *times_h, size_t nt,
                                    double *activity, ru_error *err);

/* Exposure per compound (out[ru_sim_compound_count]): steady state over the last dosing
 * interval of the compound's regimen (metabolites follow their parent's), exact for linear
 * systems; single dose AUC0-inf when the regimen does not repeat. */
RU_API ru_status ru_sim_exposure(ru_sim *s, ru_exposure *out, ru_error *err);

/* Steady-state concentration profile of every compound at n equally spaced times over the
 * last dosing interval (for occupancy mean/trough/peak). t_h[n] receives the times after the
 * interval start; conc[i*n + j]. tau_h receives the interval used. */
RU_API ru_status ru_sim_steady_profile(ru_sim *s, size_t n, double *t_h, double *conc,
                                       double *tau_h, ru_error *err);

/* The output step (h) for a run of horizon_h hours when the caller gives none: 0.25 h up to
 * 48 h, 1 h up to 60 days, horizon/2000 beyond (src/pk/grid.c). NaN for a horizon that is not
 * finite and > 0. Cannot fail. */
RU_API double ru_sim_default_step_h(double horizon_h);

#ifdef __cplusplus
}
#endif
#endif /* RU_PK_H */
