/* Internals of the subject model shared by the pk files (not API): model.c assembles a subject
 * (compounds, regimens, overrides, phenotypes, the choice of route and solver), deriv.c holds its
 * equations (organs, elimination, the right-hand side), exposure.c its summaries. Enzymes and
 * what acts on them live in the enzyme room (src/ddi/enzymes.h). */
#ifndef RU_PK_MODEL_IMPL_H
#define RU_PK_MODEL_IMPL_H

#include "ddi/enzymes.h"
#include "pk/linear.h"
#include "pk/product.h"
#include "pk/route.h"
#include "reuptake/pk.h"

/* Documented capacity limits of one subject (docs/architecture.md): exceeding one is RU_ELIMIT
 * with the limit named, never a silent truncation. Every compound has at least one compartment,
 * so the compartment limit of the closed forms (RUI_LIN_MAX) bounds the compounds too. */
#define RUI_SIM_MAX_COMPOUNDS RUI_LIN_MAX
#define RUI_SIM_MAX_ENZYMES RUI_ENZ_MAX /* enzymes by site (6 CYPs, UGT, CES1, ... x liver/gut) */
#define RUI_SIM_MAX_METABOLITE_DEPTH 4  /* parent -> metabolite -> ... generations */
#define RUI_SIM_MAX_STATE (RUI_LIN_MAX + RUI_SIM_MAX_ENZYMES + RUI_SIM_MAX_COMPOUNDS)

/* Route of a compound's oral doses. */
typedef enum sim_route {
  SIM_ROUTE_APPARENT = 0,      /* CL/F, V/F with F constant */
  SIM_ROUTE_PHYSIOLOGICAL = 1, /* gut wall, portal vein, well-stirred liver (route.h) */
} sim_route;

typedef struct sim_compound {
  char name[RU_NAME_MAX];
  ru_compound kb;      /* as read from the knowledge base */
  ru_pk_params p;      /* after overrides and scaling */
  long parent;         /* index of the compound forming it, -1 */
  int dosed;
  double tlag_h, mw, fu;
  double fm_other;     /* share of clearance not through a listed pathway (hepatic, uninhibited) */
  size_t n_path;
  struct {
    long enzyme;       /* index into the enzyme room (liver site), -1 for the renal pathway */
    int renal;         /* 1: unchanged renal excretion (systemic, no enzyme) */
    double fm;         /* share of clearance (NM) */
    double km_um;      /* Michaelis constant (unbound uM), NaN: not saturable */
    double km_u_mg_per_l; /* the same in mg/L */
    double clint;      /* physiological route: unbound intrinsic clearance (L/h, NM) */
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
  /* the route and the parameters in model units: apparent (mg as given / F) or true */
  sim_route route;
  char route_why[160]; /* why the apparent route (inputs missing, user choice), "" otherwise */
  rui_route r;         /* physiological route quantities (route == PHYSIOLOGICAL) */
  int bp_assumed;      /* 1: no B:P in the KB, body/blood_plasma_ratio_default used (reported) */
  long gut_enzyme;     /* index of intestinal CYP3A4 in the enzyme room, -1 when no gut CLint */
  double clint_other;  /* physiological: unbound CLint of the unnamed hepatic remainder */
  double v_l, cl_l_per_h, q1_l_per_h, vp1_l, q2_l_per_h, vp2_l; /* model units */
} sim_compound;

typedef struct sim_override {
  char compound[RU_NAME_MAX];
  char key[32];
  double value;
  int is_scale;
} sim_override;

struct ru_sim {
  const ru_kb *kb;
  sim_compound *c;
  size_t nc, capc;
  ru_event *ev;
  size_t nev, capev;
  sim_override *ov;
  size_t nov, capov;
  rui_enzymes enz;       /* the enzyme room: enzymes by site, phenotypes, inhibitions */
  int inhibition_enabled;
  int inlet_driver;      /* apparent route: inhibitors act at the unbound hepatic inlet level */
  double qh_l_per_h;     /* hepatic blood flow (KB body), NaN when missing */
  double qgut_l_per_h;   /* villous blood flow (KB body), NaN when missing */
  double bp_default;     /* blood:plasma ratio when a compound has none (KB body), NaN: none */
  int prepared;
  int nonlinear;
  int force_ode;       /* run on the ODE path even when linear (--solver cvode|hybrid) */
  ru_solver solver;    /* engine of the nonlinear path: AUTO/HYBRID = hybrid, CVODE = CVODE */
  double hyb_tol;      /* hybrid defect tolerance; 0 = RUI_HYB_DEFAULT_TOL */
  size_t ncmt;         /* compartments */
  size_t nstate;       /* ODE states: compartments + enzymes + AUC accumulators */
  char *mech;
  rui_products *products; /* product regimens (pk/product.h); NULL when none */
  const volatile sig_atomic_t *cancel; /* ru_sim_set_cancel; NULL: never */
};

/* The organs at one state: what the liver and gut see and pass on (deriv.c). */
typedef struct rui_organs {
  int fixed;                              /* 1: g was given (no inhibitor levels solved) */
  double g[RUI_SIM_MAX_ENZYMES];          /* enzyme activities (phenotype x inhibition) */
  double iu_liver_um[RUI_SIM_MAX_COMPOUNDS]; /* unbound concentration at the liver enzymes */
  double iu_gut_um[RUI_SIM_MAX_COMPOUNDS];   /* unbound concentration in the gut wall */
  double absorbed[RUI_SIM_MAX_COMPOUNDS];    /* mg/h leaving the gut lumen into the gut wall */
  double fg[RUI_SIM_MAX_COMPOUNDS];          /* physiological: gut-wall escape fraction now */
  double c_out_b[RUI_SIM_MAX_COMPOUNDS];     /* physiological: hepatic outflow blood mg/L */
  double c_sys_b[RUI_SIM_MAX_COMPOUNDS];     /* physiological: systemic blood mg/L */
} rui_organs;

ru_value *rui_pk_param_slot(ru_pk_params *p, const char *key);
/* Recomputes compound i's model-unit parameters from c->p (after the population layer changed
 * CL/F, V/F or ka of a prepared subject). Cannot fail: the inputs were checked by prepare. */
void rui_sim_rederive(ru_sim *s, size_t i);
/* Activities of every enzyme at state y (inhibitions included). */
void rui_sim_enzyme_multipliers(const ru_sim *s, const double *y, double *g);
/* The phenotype activities alone (no inhibition, every enzyme fully active). */
void rui_sim_base_activities(const ru_sim *s, double *g);
/* Compartment derivatives at y with enzyme activities g held fixed and the low-concentration
 * limit of saturable pathways when lowconc (the linear part: matrices, time scales). */
void rui_sim_deriv(const ru_sim *s, const double *g, int lowconc, const double *y, double *dy);
/* The full right-hand side: organs, compartments, enzyme turnover, AUC accumulators. */
int rui_sim_rhs(double t, const double *y, double *dy, void *user);
void rui_sim_linear_matrix(const ru_sim *s, rui_lin_system *sys);
/* The subject's dose records (regimen events resolved to compartments, F and lag); caller frees
 * *out with rui_free. */
ru_status rui_sim_doses(const ru_sim *s, rui_dose **out, size_t *nout, ru_error *err);
/* The subject's canonical dose timeline up to t_end (events.h); rui_timeline_free. */
ru_status rui_sim_timeline(const ru_sim *s, double t_end, rui_timeline *tl, ru_error *err);
ru_status rui_sim_ode_states(ru_sim *s, const double *times_h, size_t nt, double *states,
                             ru_error *err);

#endif
