/* PK -> occupancy -> synapse on the hybrid solver, and its references (bench_hybrid.c synapse,
 * tests/unit/test_hybrid_synapse.c). Header-only: static functions for the two users.
 *
 * The synapse model of src/synapse (rui_syn_system, synapse_impl.h: regions x NE/DA/5-HT, the
 * three nuclei and their sensitivities) is attached to a subject as user effect states
 * (include/reuptake/effect.h, RU_EFFECT_STIFF: its clearances act in seconds) driven by the
 * subject's NET, DAT and SERT occupancies, computed from the exact closed form (or collocation)
 * of the PK at every node. Occupancy is the pd layer's (ru_pd_occupancy_series): binding ratio
 * x_i = Cu_i Kp,uu_i / (Ki_i s_T) summed over ligands, occupancy x / (1 + x), so the effect input
 * is given K_i = Ki_i s_T / Kp,uu_i. The other inputs (receptor occupancies, releaser parts) are
 * held.
 *
 * Two references:
 *   - exact forcing: CVODE BDF on the whole system (the subject's states, then the synapse's)
 *     with the same right-hand sides at rtol 1e-10 (hs_reference);
 *   - today's path (reuptake synapse REGIMEN before the hybrid): ru_sim_run at the output times
 *     (a nonlinear subject on CVODE), occupancy series at those times, linear interpolation
 *     between them (ru_synapse_set_inputs_samples) and CVODE at the synapse layer's
 *     tolerances (hs_today). Its error is the interpolation's, not CVODE's.
 * Every state of the synapse model is compared in its own layout (rui_syn_result_states). */
#ifndef BENCH_HYBRID_SYNAPSE_H
#define BENCH_HYBRID_SYNAPSE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/events.h"
#include "pk/model_impl.h"
#include "pk/ode.h"
#include "reuptake.h"
#include "synapse/synapse_impl.h"

#define HS_NTR RU_SYN_NTRANSPORTERS
/* Defect tolerance of the synapse on the hybrid (tol 0 below): the solver's default 1e-4 gives
 * 8.6e-6 max relative error on atomoxetine 80 mg q24h over 4 days since the synapse model has
 * terminal and afferent sensitivity states (measured 2026-12-01: 1e-5 -> 2.0e-6, 1e-6 -> 1.2e-7),
 * so this use asks for 1e-6 to meet the 1e-6 goal of issue 14. */
#define HS_DEFAULT_TOL 1e-6

typedef struct hs_glue {
  ru_sim *sim;             /* the subject (borrowed) */
  ru_synapse *syn;         /* the synapse scenario (borrowed) */
  rui_syn_system *sys;
  size_t n;                /* synapse states */
  double *y0;              /* their pre-drug values */
  size_t nc;
  double *k;               /* HS_NTR * nc: effective K of compound i at transporter t, NaN */
  double held[RU_SYN_NINPUTS];
  ru_effect_input in[HS_NTR];
} hs_glue;

static void hs_free(hs_glue *g) {
  rui_syn_system_free(g->sys);
  rui_free(g->y0);
  free(g->k);
  memset(g, 0, sizeof *g);
}

/* The glue for a prepared subject sim and a synapse scenario syn (receptor occupancies held at
 * held[RU_SYN_NINPUTS], transporters from the PK). */
static ru_status hs_init(hs_glue *g, const ru_kb *kb, ru_sim *sim, ru_synapse *syn,
                         const double *held, ru_error *err) {
  memset(g, 0, sizeof *g);
  g->sim = sim;
  g->syn = syn;
  g->nc = ru_sim_compound_count(sim);
  g->k = malloc((HS_NTR * g->nc + 1) * sizeof *g->k);
  if (g->k == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  ru_status st = rui_syn_system_new(syn, &g->sys, &g->n, &g->y0, err);
  for (size_t t = 0; st == RU_OK && t < HS_NTR; t++) {
    const char *target = ru_synapse_input_name((ru_syn_input)t);
    double scale = 1.0;
    st = ru_pd_target_scale(kb, target, &scale, NULL, err);
    for (size_t i = 0; st == RU_OK && i < g->nc; i++) {
      ru_value ki, kp;
      st = ru_kb_affinity(kb, ru_sim_compound_name(sim, i), target, &ki, err);
      if (st == RU_OK) st = ru_pd_kpuu_brain(kb, sim, i, &kp, NULL, err);
      const int binds = st == RU_OK && isfinite(ki.value) && ki.value > 0.0;
      g->k[t * g->nc + i] = binds ? ki.value * scale / kp.value : nan("");
    }
    g->in[t].kind = RU_EFFECT_OCCUPANCY;
    g->in[t].name = target;
    g->in[t].k_nm = g->k + t * g->nc;
  }
  for (size_t j = 0; j < RU_SYN_NINPUTS; j++) g->held[j] = held != NULL ? held[j] : 0.0;
  for (size_t t = 0; t < HS_NTR; t++) g->held[t] = 0.0;
  if (st != RU_OK) hs_free(g);
  return st;
}

static int hs_effect_rhs(double t, const double *y, const double *u, double *dy, void *user) {
  hs_glue *g = user;
  double occ[RU_SYN_NINPUTS];
  (void)t;
  memcpy(occ, g->held, sizeof occ);
  for (size_t k = 0; k < HS_NTR; k++) occ[k] = u[k];
  rui_syn_system_rhs(g->sys, occ, y, dy);
  return 0;
}

/* The hybrid: synapse states into states[k * nt + j] (k < g->n). */
static ru_status hs_hybrid(hs_glue *g, const double *times, size_t nt, double tol,
                           double *states, ru_effect_stats *stats, ru_error *err) {
  ru_effect *e = NULL;
  ru_status st = ru_effect_new(g->sim, 1, &e, err);
  const ru_effect_states spec = {.n = g->n, .y0 = g->y0, .inputs = g->in, .ninputs = HS_NTR,
                                 .rhs = hs_effect_rhs, .user = g, .flags = RU_EFFECT_STIFF};
  if (st == RU_OK) st = ru_effect_add(e, &spec, NULL, err);
  if (st == RU_OK) st = ru_effect_set_tolerance(e, tol > 0.0 ? tol : HS_DEFAULT_TOL, err);
  if (st == RU_OK) st = ru_effect_run(e, times, nt, NULL, states, err);
  if (st == RU_OK && stats != NULL) ru_effect_get_stats(e, stats);
  ru_effect_free(e);
  return st;
}

/* --- exact forcing: CVODE on the whole system ------------------------------------------------ */

static int hs_full_rhs(double t, const double *y, double *dy, void *user) {
  hs_glue *g = user;
  const ru_sim *s = g->sim;
  (void)rui_sim_rhs(t, y, dy, g->sim);
  double occ[RU_SYN_NINPUTS];
  memcpy(occ, g->held, sizeof occ);
  for (size_t tr = 0; tr < HS_NTR; tr++) {
    double x = 0.0;
    for (size_t i = 0; i < g->nc; i++) {
      const double k = g->k[tr * g->nc + i];
      if (!isfinite(k)) continue;
      const sim_compound *c = &s->c[i];
      const double cu = y[c->central] / c->v_l * 1000.0 * c->fu / c->mw * 1000.0; /* nM */
      if (cu > 0.0) x += cu / k;
    }
    occ[tr] = x / (1.0 + x);
  }
  rui_syn_system_rhs(g->sys, occ, y + s->nstate, dy + s->nstate);
  return 0;
}

typedef struct hs_rows {
  double *out;
  size_t off, n, nt;
} hs_rows;

static int hs_rows_emit(void *user, size_t j, double t_h, const double *y) {
  hs_rows *o = user;
  (void)t_h;
  for (size_t k = 0; k < o->n; k++) o->out[k * o->nt + j] = y[o->off + k];
  return 0;
}

/* CVODE at rtol on the subject's and the synapse's states together; synapse states out as
 * hs_hybrid writes them. */
static ru_status hs_reference(hs_glue *g, const double *times, size_t nt, double rtol,
                              double *states, ru_error *err) {
  ru_sim *s = g->sim;
  const size_t ns = s->nstate, n = ns + g->n;
  rui_timeline tl;
  ru_status st = rui_sim_timeline(s, times[nt - 1], &tl, err);
  if (st != RU_OK) return st;
  double *y0 = calloc(n, sizeof *y0);
  unsigned char *mask = calloc(n, 1);
  if (y0 == NULL || mask == NULL) {
    free(y0);
    free(mask);
    rui_timeline_free(&tl);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  for (size_t j = 0; j < s->ncmt; j++) mask[j] = 1;
  for (size_t e = 0; e < s->enz.n; e++) {
    if (s->enz.e[e].state >= 0) y0[s->enz.e[e].state] = 1.0;
  }
  memcpy(y0 + ns, g->y0, g->n * sizeof *y0);
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.rtol = rtol;
  o.atol = 1e-14;
  o.max_steps = 10000000;
  o.reset_mask = mask;
  rui_ode_work *w = NULL;
  st = rui_ode_work_new(n, &o, &w, err);
  hs_rows ro = {states, ns, g->n, nt};
  if (st == RU_OK) st = rui_ode_walk(w, hs_full_rhs, g, y0, &tl, NULL, times, nt, hs_rows_emit,
                                     &ro, err);
  rui_ode_work_free(w);
  rui_timeline_free(&tl);
  free(y0);
  free(mask);
  return st;
}

/* --- today's path: sampled occupancy, the synapse layer's CVODE -------------------------------- */

static ru_status hs_today(hs_glue *g, const ru_kb *kb, const double *times, size_t nt,
                          double *states, ru_error *err) {
  const size_t nc = g->nc;
  double *conc = malloc((nc * nt + 1) * sizeof *conc), *series = malloc(nt * sizeof *series);
  double *occ = malloc(nt * RU_SYN_NINPUTS * sizeof *occ);
  ru_status st = conc && series && occ ? RU_OK : ru_error_set(err, RU_ENOMEM, "out of memory");
  ru_sim_set_solver(g->sim, RU_SOLVER_CVODE); /* today's path: a nonlinear subject on CVODE */
  if (st == RU_OK) st = ru_sim_run(g->sim, times, nt, conc, err);
  ru_sim_set_solver(g->sim, RU_SOLVER_AUTO);
  for (size_t j = 0; st == RU_OK && j < nt; j++) {
    memcpy(occ + j * RU_SYN_NINPUTS, g->held, sizeof g->held);
  }
  for (size_t t = 0; st == RU_OK && t < HS_NTR; t++) {
    st = ru_pd_occupancy_series(kb, g->sim, ru_synapse_input_name((ru_syn_input)t), conc, nt,
                                series, NULL, err);
    for (size_t j = 0; st == RU_OK && j < nt; j++) occ[j * RU_SYN_NINPUTS + t] = series[j];
  }
  if (st == RU_OK) st = ru_synapse_set_inputs_samples(g->syn, times, nt, occ, err);
  if (st == RU_OK) st = ru_synapse_run(g->syn, times, nt, err);
  size_t ns = 0;
  const double *res = st == RU_OK ? rui_syn_result_states(g->syn, &ns) : NULL;
  if (st == RU_OK && (res == NULL || ns != g->n)) {
    st = ru_error_set(err, RU_EINVAL, "synapse run: unexpected state layout");
  }
  for (size_t j = 0; st == RU_OK && j < nt; j++) {
    for (size_t k = 0; k < g->n; k++) states[k * nt + j] = res[j * ns + k];
  }
  free(conc);
  free(series);
  free(occ);
  return st;
}

/* max over states and outputs of |a - b| / |b| (the synapse states are positive) */
static double hs_max_rel(const double *a, const double *b, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; i++) {
    const double e = fabs(a[i] - b[i]) / fmax(fabs(b[i]), 1e-300);
    m = e > m || isnan(e) ? e : m;
  }
  return m;
}

#endif
