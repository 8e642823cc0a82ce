/* Drug-drug interactions as dynamics: a victim regimen with vs without perpetrator regimens,
 * simulated with enzyme inhibition over time (pk.h), not looked up. */
#ifndef RU_DDI_H
#define RU_DDI_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/pk.h"
#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ru_ddi_options {
  const char *const *phenotypes; /* "CYP2D6=PM", ... (may be NULL) */
  size_t nphenotypes;
  const char *const *overrides;  /* "drug.key=value", ... (may be NULL) */
  size_t noverrides;
  double stop_after_h;           /* perpetrators stop after this long (NaN: continue) */
  ru_solver solver;              /* engine of the nonlinear path (0 = RU_SOLVER_AUTO: hybrid) */
  double hybrid_tol;             /* hybrid defect tolerance (0: the default) */
} ru_ddi_options;

#define RU_DDI_MAX_EXPLAIN 32   /* explanation lines (victim pathway x perpetrator) */
#define RU_DDI_EXPLAIN_MAX 320   /* characters of one explanation line */

/* Why a victim pathway is (or is not) inhibited: one line per (victim pathway, perpetrator or
 * reason). strength is the static inhibition index at the perpetrator's unbound plasma Cavg:
 * Iu/Ki (competitive) or kinact*Iu/(KI+Iu)/kdeg (mechanism-based); NaN when no constant acts. */
typedef enum ru_ddi_reason {
  RU_DDI_ACTS = 0,          /* a perpetrator constant acts on this pathway */
  RU_DDI_TOO_WEAK,          /* a constant exists but Iu is far below it (index < 0.02) */
  RU_DDI_CONSTANT_MISSING,  /* in vivo inhibition is reported but no constant is sourced */
  RU_DDI_NO_SHARED_ENZYME,  /* no perpetrator has a constant for this pathway */
  RU_DDI_NOT_INHIBITABLE,   /* renal or unattributed ("other") clearance */
  RU_DDI_NO_PATHWAYS,       /* the victim has no sourced pathway fractions */
} ru_ddi_reason;

typedef struct ru_ddi_explanation {
  char pathway[RU_NAME_MAX];     /* victim pathway ("CYP2D6", "renal", "other", ...) */
  double fm;                     /* its fraction of the victim's clearance (NM) */
  char perpetrator[RU_NAME_MAX]; /* "" when the line is about the pathway alone */
  ru_ddi_reason reason;
  double strength;               /* inhibition index (see above), NaN when none */
  char text[RU_DDI_EXPLAIN_MAX]; /* one human-readable line with the constants used */
} ru_ddi_explanation;

/* A metabolite of the victim measured with vs without the perpetrators. */
typedef struct ru_ddi_metabolite {
  char compound[RU_NAME_MAX];
  double auc_ratio, cmax_ratio;
} ru_ddi_metabolite;

typedef struct ru_ddi_result {
  char victim[RU_NAME_MAX];
  int single_dose;         /* victim given once, after the perpetrators reach steady state */
  double shift_h;          /* time of that victim dose */
  ru_exposure without, with;
  double auc_ratio, cmax_ratio;
  size_t nexplain;         /* explanation lines, victim pathway by pathway */
  ru_ddi_explanation explain[RU_DDI_MAX_EXPLAIN];
  size_t nmetabolites;     /* the victim's metabolites (and theirs) in the simulation */
  ru_ddi_metabolite metabolites[RU_MAX_METABOLITES];
} ru_ddi_result;

/* Builds the simulation of the victim regimen (start shifted by shift_h) plus, when with_perps,
 * the perpetrator regimens (each limited to stop_after_h when finite). Caller frees. */
RU_API ru_status ru_ddi_build(const ru_kb *kb, const char *victim, const char *const *perps,
                              size_t nperp, const ru_ddi_options *opt, int with_perps,
                              double shift_h, ru_sim **out, ru_error *err);

/* Victim AUC and Cmax with vs without: at the victim's steady state when its regimen repeats,
 * else after a single victim dose given once the perpetrators are at steady state. Also fills
 * the explanation of every victim pathway (the perpetrator constants used, or why nothing
 * acts) and the ratios of the victim's metabolites. */
RU_API ru_status ru_ddi_interaction(const ru_kb *kb, const char *victim, const char *const *perps,
                                    size_t nperp, const ru_ddi_options *opt, ru_ddi_result *out,
                                    ru_error *err);

/* The interaction over time: how fast it builds and, when the perpetrators stop
 * (opt->stop_after_h), how fast it goes. The quantity is the lost fraction of intrinsic
 * clearance, d(t) = 1 - CLint(t) / CLint(uninhibited, same phenotypes): the victim's (its
 * pathway fractions weighting the enzymes' activities) or, when enzyme is given, that liver
 * enzyme's alone (victim may then be NULL: the perpetrators are simulated by themselves).
 * Times come from the simulated enzyme states (competitive inhibition falls with the inhibitor's
 * levels, inactivated enzyme returns at its turnover rate), interpolated between 4000 samples. */
typedef struct ru_ddi_course {
  double effect;          /* d at the stop, or at steady state without a stop (0..1) */
  double onset_90_h;      /* first time d reaches 90 % of effect (from the first dose) */
  double stop_h;          /* when the perpetrators stop (NaN: they continue) */
  double recovery_50_h;   /* from the stop until d falls to 50 % of effect (NaN: no stop, no
                           * effect, or not within the horizon) */
  double recovery_90_h;   /* ... until d falls to 10 % of effect (90 % recovered) */
  double horizon_h;       /* how long was simulated */
} ru_ddi_course;

/* effect below this is "no interaction": onset and recovery are then NaN */
#define RU_DDI_COURSE_MIN_EFFECT 0.01

RU_API ru_status ru_ddi_time_course(const ru_kb *kb, const char *victim,
                                    const char *const *perps, size_t nperp,
                                    const ru_ddi_options *opt, const char *enzyme,
                                    ru_ddi_course *out, ru_error *err);

/* The basic static models of the FDA guidance (In Vitro Drug Interaction Studies - Cytochrome
 * P450 Enzyme- and Transporter-Mediated Drug Interactions, Guidance for Industry, January 2020,
 * section III.B): for each enzyme a compound inhibits in the knowledge base, reversible
 * R1 = 1 + Imax,u / Ki and time-dependent R2 = (kobs + kdeg) / kdeg with
 * kobs = kinact Imax,u / (KI + Imax,u), at the perpetrator's unbound maximal concentration
 * imax_u_um (uM). A row is a liability when R1 >= 1.02 or R2 >= 1.25 (the guidance's cut-offs).
 * A time-dependent row whose enzyme has no sourced kdeg is left out (it cannot be evaluated). */
#define RU_DDI_R1_CUTOFF 1.02
#define RU_DDI_R2_CUTOFF 1.25

typedef struct ru_ddi_static {
  char enzyme[RU_NAME_MAX];
  int time_dependent; /* 1: R2 (mechanism-based), 0: R1 (reversible) */
  double r;           /* R1 or R2 */
  int liability;      /* r at or above its cut-off */
} ru_ddi_static;

/* Every evaluable inhibition row of compound into out (cap rows; *n receives the count; more
 * rows than cap: RU_ELIMIT). imax_u_um must be finite and >= 0 (RU_EINVAL). */
RU_API ru_status ru_ddi_static_screen(const ru_kb *kb, const char *compound, double imax_u_um,
                                      ru_ddi_static *out, size_t cap, size_t *n, ru_error *err);

/* Short name of a reason ("acts", "too_weak", "constant_missing", "no_shared_enzyme",
 * "not_inhibitable", "no_pathways"). Static; cannot fail. */
RU_API const char *ru_ddi_reason_name(ru_ddi_reason r);

#ifdef __cplusplus
}
#endif
#endif
