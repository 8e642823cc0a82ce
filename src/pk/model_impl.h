/* Internals of the subject model shared by model.c and exposure.c (not API). */
#ifndef RU_PK_MODEL_IMPL_H
#define RU_PK_MODEL_IMPL_H

#include "pk/linear.h"
#include "pk/product.h"
#include "reuptake/pk.h"

/* Documented capacity limits of one subject (docs/architecture.md): exceeding one is RU_ELIMIT
 * with the limit named, never a silent truncation. Every compound has at least one compartment,
 * so the compartment limit of the closed forms (RUI_LIN_MAX) bounds the compounds too. */
#define RUI_SIM_MAX_COMPOUNDS RUI_LIN_MAX
#define RUI_SIM_MAX_ENZYMES 16    /* distinct elimination pathways (6 CYPs, UGT, CES1, renal, ...) */
#define RUI_SIM_MAX_METABOLITE_DEPTH 4 /* parent -> metabolite -> ... generations */
#define RUI_SIM_MAX_STATE (RUI_LIN_MAX + RUI_SIM_MAX_ENZYMES + RUI_SIM_MAX_COMPOUNDS)

typedef struct sim_compound {
  char name[RU_NAME_MAX];
  ru_compound kb;      /* as read from the knowledge base */
  ru_pk_params p;      /* after overrides and scaling */
  long parent;         /* index of the compound forming it, -1 */
  int dosed;
  double tlag_h, mw, fu;
  double fm_other;     /* share of clearance not through a listed enzyme */
  size_t n_path;
  struct {
    size_t enzyme;     /* index into ru_sim.enz */
    double fm;
    double activity;   /* phenotype activity relative to NM */
    double km_um;      /* Michaelis constant (unbound uM), NaN: not saturable */
  } path[RU_MAX_FM];
  int saturable;       /* some pathway has a Km */
  size_t n_form;
  struct {
    size_t metabolite;
    long path;         /* -1: of total clearance */
    double fraction;
    double mass_ratio; /* MW metabolite / MW parent */
  } form[RU_MAX_METABOLITES];
  long depot, central, periph1, periph2;
} sim_compound;

typedef struct sim_override {
  char compound[RU_NAME_MAX];
  char key[32];
  double value;
  int is_scale;
} sim_override;

typedef struct sim_inhib {
  size_t perpetrator;
  size_t enzyme;
  ru_inhibition_kind kind;
  ru_inhibition k;
} sim_inhib;

struct ru_sim {
  const ru_kb *kb;
  sim_compound *c;
  size_t nc, capc;
  ru_event *ev;
  size_t nev, capev;
  sim_override *ov;
  size_t nov, capov;
  struct {
    char enzyme[RU_NAME_MAX];
    double activity;
  } act[RUI_SIM_MAX_ENZYMES];
  size_t nact;
  struct {
    char name[RU_NAME_MAX];
    double kdeg_per_h;
    long state;        /* ODE state index of relative active enzyme, -1 if not tracked */
  } enz[RUI_SIM_MAX_ENZYMES];
  size_t nenz;
  sim_inhib *inh;         /* inhibitions acting between the compounds present (grown as needed) */
  size_t ninh, capinh;
  char (*skipped)[160];   /* inhibitions that could not be modelled, and why */
  size_t nskipped, capskipped;
  int inhibition_enabled;
  int inlet_driver;      /* 1: inhibitors act at the unbound hepatic inlet concentration */
  double qh_l_per_h;     /* hepatic blood flow (KB), NaN when missing */
  int prepared;
  int nonlinear;
  int force_ode;       /* run on CVODE even when linear (cross-checks, --solver cvode) */
  size_t ncmt;         /* compartments */
  size_t nstate;       /* ODE states: compartments + enzymes + AUC accumulators */
  char *mech;
  rui_products *products; /* product regimens (pk/product.h); NULL when none */
  const volatile sig_atomic_t *cancel; /* ru_sim_set_cancel; NULL: never */
};

ru_value *rui_pk_param_slot(ru_pk_params *p, const char *key);
void rui_sim_enzyme_multipliers(const ru_sim *s, const double *y, double *g);
void rui_sim_deriv(const ru_sim *s, const double *g, const double *y, double *dy);
void rui_sim_linear_matrix(const ru_sim *s, rui_lin_system *sys);
/* The subject's dose records (regimen events resolved to compartments, F and lag); caller frees
 * *out with rui_free. */
ru_status rui_sim_doses(const ru_sim *s, rui_dose **out, size_t *nout, ru_error *err);
/* The subject's canonical dose timeline up to t_end (events.h); rui_timeline_free. */
ru_status rui_sim_timeline(const ru_sim *s, double t_end, rui_timeline *tl, ru_error *err);
ru_status rui_sim_ode_states(ru_sim *s, const double *times_h, size_t nt, double *states,
                             ru_error *err);

#endif
