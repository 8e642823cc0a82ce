/* The enzyme room (internal API of the ddi layer, used by src/pk): the metabolic enzymes of one
 * subject at their sites (liver, intestine), their genetic activity (phenotype), the inhibitions
 * the compounds present exert on them (competitive Ki, mechanism-based KI/kinact), and the
 * turnover of the mechanism-based ones:
 *     g_e = a_e * E_e / (1 + sum_i Iu_i / Ki_ie)                                    (activity)
 *     dE_e/dt = kdeg_e (1 - E_e) - E_e sum_i kinact_ie Iu_i / (KI_ie + Iu_i)        (turnover)
 * (Mager & Jusko 2002 J Pharm Sci 91:1441; Venkatakrishnan & Obach 2005 Drug Metab Dispos
 * 33:845; E_e relative to the enzyme's baseline, 1 = no inactivation). a_e is the phenotype's
 * activity relative to a normal metabolizer and multiplies the enzyme's intrinsic clearance where
 * pk uses it.
 *
 * Arrows: this module reads the knowledge base (constants, turnover) and knows no compartments.
 * pk hands it each compound's unbound concentration at each site (uM) and the enzyme states
 * (the entries of the ODE state vector it assigned), and gets back activities and turnover rates.
 * A set is a value: one per subject, no global state. */
#ifndef RU_DDI_ENZYMES_H
#define RU_DDI_ENZYMES_H

#include <stddef.h>

#include "reuptake/kb.h"
#include "reuptake/status.h"

typedef enum rui_site { RUI_SITE_LIVER = 0, RUI_SITE_GUT = 1 } rui_site;

typedef struct rui_enzyme {
  char name[RU_NAME_MAX]; /* "CYP2D6", "UGT", ... (upper case) */
  rui_site site;
  double activity;        /* phenotype activity relative to NM (1 unless set) */
  double kdeg_per_h;      /* turnover (only when a mechanism-based inhibitor acts), else 0 */
  long state;             /* index of E in the subject's state vector, -1 when not tracked */
} rui_enzyme;

typedef struct rui_enz_inhibition {
  size_t perpetrator;     /* the subject's compound index */
  size_t enzyme;          /* index into the set */
  ru_inhibition k;        /* constants as the KB gives them (ki_um unbound) */
} rui_enz_inhibition;

typedef struct rui_enzymes {
  rui_enzyme *e;
  size_t n, cap;
  rui_enz_inhibition *inh;
  size_t ninh, capinh;
  struct {
    char gene[RU_NAME_MAX];
    double activity;
  } *pheno;               /* phenotypes set by the user (gene -> activity), applied by name */
  size_t npheno, cappheno;
  char (*track)[RU_NAME_MAX]; /* liver enzymes kept in the room although no compound is cleared
                               * by them (a probe without a probe drug), applied by prepare */
  size_t ntrack, captrack;
  char (*note)[192];      /* inhibitions that could not be modelled, and why */
  size_t nnote, capnote;
} rui_enzymes;

/* Empty set / free its arrays (the struct is the caller's). Cannot fail; free is NULL-safe. */
void rui_enz_init(rui_enzymes *z);
void rui_enz_free(rui_enzymes *z);
/* Forgets enzymes, inhibitions and notes, keeps the phenotypes and the tracked names (a subject
 * is re-prepared). */
void rui_enz_reset(rui_enzymes *z);

/* Sets gene's activity (0..10, 1 = NM); applies to the enzyme of that name at every site. */
ru_status rui_enz_set_activity(rui_enzymes *z, const char *gene, double activity, ru_error *err);
/* The phenotype activity of an enzyme name (1 when none was set). Cannot fail. */
double rui_enz_activity_of(const rui_enzymes *z, const char *name);

/* Asks that the liver enzyme name be in the room even when no compound is cleared by it, so the
 * inhibitors' effect on it can be read (ru_sim_track_enzyme). Kept across reset, like the
 * phenotypes; rui_enz_add_tracked creates them. */
ru_status rui_enz_track(rui_enzymes *z, const char *name, ru_error *err);
ru_status rui_enz_add_tracked(rui_enzymes *z, ru_error *err);

/* Index of (name, site), created when create != 0. RU_ELIMIT beyond RUI_ENZ_MAX. */
#define RUI_ENZ_MAX 32
ru_status rui_enz_index(rui_enzymes *z, const char *name, rui_site site, int create, long *index,
                        ru_error *err);

/* The inhibitions compound perpetrator (named name) exerts, from the KB, on the enzymes already
 * in the set (at every site where they are). has_unbound = 0 when the compound's unbound level
 * cannot be computed (no fu or MW): each inhibition is then noted as not modelled, not invented.
 * Mechanism-based inhibition needs the enzyme's turnover at that site (RU_EMISSING otherwise). */
ru_status rui_enz_collect(rui_enzymes *z, const ru_kb *kb, size_t perpetrator, const char *name,
                          int has_unbound, const char *why_not, ru_error *err);

/* Gives every tracked (mechanism-based) enzyme a state index from *next on. */
void rui_enz_assign_states(rui_enzymes *z, size_t *next);

/* g[k] for every enzyme k: phenotype activity x active fraction / competitive term, from the
 * unbound concentrations (uM) of each compound at the liver and gut (iu_liver[i], iu_gut[i]) and
 * the state vector y. Cannot fail (non-finite inputs are treated as 0). */
void rui_enz_activities(const rui_enzymes *z, const double *iu_liver, const double *iu_gut,
                        const double *y, double *g);
/* Activity of enzyme k for compound i's own saturable pathway: g[k] without i's own competitive
 * term. A substrate's reversible binding to its own enzyme is its Michaelis-Menten saturation;
 * counting both its Km and a competitive Ki against itself would count it twice, so where the
 * substrate has a Km its competitive self-term is left out (it still inhibits other substrates).
 * Cannot fail. */
double rui_enz_activity_excluding(const rui_enzymes *z, size_t k, size_t i, const double *iu_liver,
                                  const double *iu_gut, const double *y);
/* dy[state] of every tracked enzyme (turnover and inactivation). Cannot fail. */
void rui_enz_turnover(const rui_enzymes *z, const double *iu_liver, const double *iu_gut,
                      const double *y, double *dy);
/* 1 when some inhibition acts (the subject is nonlinear). */
int rui_enz_any_inhibition(const rui_enzymes *z);
/* Appends human-readable lines on the inhibitions and notes to buf (cap bytes, NUL-terminated);
 * compound names from names[]. Returns the length written. */
size_t rui_enz_describe(const rui_enzymes *z, const char *const *names, char *buf, size_t cap);

#endif
