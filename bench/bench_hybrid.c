/* The hybrid solver's benchmark (bench/README.md, "Hybrid solver"): the RxODE speed model
 * written against the public effect-state API (include/reuptake/effect.h), solved by the hybrid
 * solver one subject at a time and in SIMD lanes, and by CVODE BDF on all four states; errors
 * against a CVODE reference at rtol 1e-10 for the model and its two harder variants; then the
 * interaction and synapse commands' engines, hybrid vs CVODE. One run, not a test.
 *
 *   bench_hybrid rxode N1 N2 NREF   speed (N1 and N2 subjects) and errors (NREF subjects)
 *   bench_hybrid interact           atomoxetine 40 mg q12h with paroxetine 20 mg q24h
 *   bench_hybrid synapse            PK -> occupancy -> synapse (bench/hybrid_synapse.h), 14 days
 *   bench_hybrid hybrid N L [general]  the hybrid alone on N subjects in L lanes (kernel, or the
 *                                   general engine): for profilers and instruction counts
 *
 * Output: `key value` lines on stdout (bench/run_hybrid writes them to BUILD/bench/hybrid.txt).
 *
 * The model (RxODE introduction; Wang, Hallow & James 2016, CPT Pharmacometrics Syst Pharmacol
 * 5:3): depot -> central <-> peripheral, KA 0.294 /h, CL 18.6 L/h, V2 40.2 L, Q 10.5 L/h, V3
 * 297 L; d(eff)/dt = Kin - Kout (1 - C2/(EC50 + C2)) eff, eff(0) = 1, Kin = Kout = 1, EC50 200
 * (C2 in mg/L = 200000 ng/mL); log-normal CL and V2 with covariance [[0.09, 0.08], [0.08,
 * 0.25]]; 10000 mg q12h x 10, then 20000 mg q24h x 5 from 120 h; outputs 0, 1, ..., 240 h.
 * The PK part is an ru_sim of the knowledge-base compound milnacipran with its parameters
 * overridden to these (no metabolite, no inhibition: a linear subject), as bench_pop.c does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "hybrid_synapse.h"
#include "pk/hybrid_sim.h"
#include "pk/model_impl.h"
#include "pk/ode.h"
#include "reuptake.h"

#define RX_NT 241
#define RX_NDOSE 15
#define LANES_MAX RU_EFFECT_MAX_LANES

typedef struct rx_par {
  double ka, cl, v2, q, v3, kin, kout, ec50;
} rx_par;

/* Same subjects as bench_pk.c: the etas through the Cholesky factor of Omega. */
static void rx_eta(uint64_t s, double *f_cl, double *f_v2) {
  bench_rng r = {s * 0x9E3779B97F4A7C15ull + 7u};
  const double z1 = bench_normal(&r), z2 = bench_normal(&r);
  const double l11 = 0.3, l21 = 0.08 / 0.3, l22 = sqrt(0.25 - l21 * l21);
  *f_cl = exp(l11 * z1);
  *f_v2 = exp(l21 * z1 + l22 * z2);
}

static rx_par rx_draw(uint64_t s, int variant) {
  rx_par p = {0.294, 18.6, 40.2, 10.5, 297.0, 1.0, 1.0, 200.0};
  double fc, fv;
  rx_eta(s, &fc, &fv);
  p.cl *= fc;
  p.v2 *= fv;
  if (variant == 1) {
    p.ec50 = 20.0;
  } else if (variant == 2) {
    p.kin = p.kout = 5.0;
  }
  return p;
}

/* --- the effect state, written against effect.h ------------------------------------------- */

/* kin, kout, ec50 in ng/mL (the input is the total concentration in ng/mL = 1000 x mg/L). */
typedef struct eff_par {
  double kin, kout, ec50;
} eff_par;

static int eff_rhs(double t, const double *y, const double *u, double *dy, void *user) {
  const eff_par *p = user;
  (void)t;
  dy[0] = p->kin - p->kout * p->ec50 / (p->ec50 + u[0]) * y[0];
  return 0;
}

static int eff_jac(double t, const double *y, const double *u, double *jac, void *user) {
  const eff_par *p = user;
  (void)t;
  (void)y;
  jac[0] = -p->kout * p->ec50 / (p->ec50 + u[0]);
  return 0;
}

/* Vector forms: every lane has the same kin, kout, ec50 here (only CL and V2 vary). */
static int eff_rhs_n(size_t np, size_t nl, const double *t, const double *y, const double *u,
                     double *dy, void *user) {
  const eff_par *p = user;
  const double kin = p->kin, ke = p->kout * p->ec50, ec50 = p->ec50;
  (void)t;
  (void)nl;
  for (size_t q = 0; q < np; q++) {
    dy[q] = kin - ke / (ec50 + u[q]) * y[q];
  }
  return 0;
}

static int eff_jac_n(size_t np, size_t nl, const double *t, const double *y, const double *u,
                     double *jac, void *user) {
  const eff_par *p = user;
  const double ke = p->kout * p->ec50, ec50 = p->ec50;
  (void)t;
  (void)y;
  (void)nl;
  for (size_t q = 0; q < np; q++) {
    jac[q] = -ke / (ec50 + u[q]);
  }
  return 0;
}

static double now(void) { return bench_now(); }

static ru_kb *KB;

/* The subject: milnacipran overridden to the RxODE PK. */
static ru_sim *rx_sim(ru_error *err) {
  static const char *const SETS[] = {"milnacipran.model=2",         "milnacipran.ka_per_h=0.294",
                                     "milnacipran.cl_f_l_per_h=18.6", "milnacipran.v_f_l=40.2",
                                     "milnacipran.q_f_l_per_h=10.5",  "milnacipran.vp_f_l=297",
                                     "milnacipran.tlag_h=0",
                                     "milnacipran.route=apparent"};
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, "milnacipran:10000mg:q12h:n=10", err);
  if (st == RU_OK) st = ru_regimen_parse(r, "milnacipran:20000mg:q24h:n=5:start=120h", err);
  if (st == RU_OK) st = ru_sim_new(KB, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, r, err);
  for (size_t k = 0; st == RU_OK && k < sizeof SETS / sizeof SETS[0]; k++) {
    st = ru_sim_set_override(s, SETS[k], err);
  }
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  ru_regimen_free(r);
  if (st != RU_OK) {
    ru_sim_free(s);
    return NULL;
  }
  return s;
}

/* Hybrid solve of subjects [0, nsub) with `lanes` per run; eff (and C2 in mg/L) of each subject
 * into eff_out[s * RX_NT + j], c2_out (may be NULL). Returns the wall time (s) or < 0. kernel:
 * the specialised kernel on (1, the default engine choice) or off (0: the general engine;
 * hybrid_kernel.c vs hybrid_step.c, the same numbers). */
static double run_hybrid_engine(ru_sim *sim, size_t nsub, size_t lanes, int variant, int vector,
                                int kernel, double tol, double *eff_out, double *c2_out,
                                ru_effect_stats *stats) {
  ru_error err;
  ru_effect *e = NULL;
  const rx_par p0 = rx_draw(0, variant);
  eff_par par = {p0.kin, p0.kout, p0.ec50 * 1000.0};
  const double y0 = 1.0;
  ru_effect_input in = {RU_EFFECT_CONC, "milnacipran", NULL};
  ru_effect_states spec;
  memset(&spec, 0, sizeof spec);
  spec.n = 1;
  spec.y0 = &y0;
  spec.inputs = &in;
  spec.ninputs = 1;
  spec.rhs = eff_rhs;
  spec.jac = eff_jac;
  if (vector) {
    spec.rhs_batch = eff_rhs_n;
    spec.jac_batch = eff_jac_n;
  }
  spec.user = &par;
  spec.flags = RU_EFFECT_AFFINE;
  double times[RX_NT];
  for (size_t j = 0; j < RX_NT; j++) {
    times[j] = (double)j;
  }
  static double conc[LANES_MAX * RX_NT], st_out[LANES_MAX * RX_NT];
  if (ru_effect_new(sim, lanes, &e, &err) != RU_OK || ru_effect_add(e, &spec, NULL, &err) != RU_OK ||
      ru_effect_set_tolerance(e, tol, &err) != RU_OK || rui_effect_set_kernel(e, kernel, &err) != RU_OK) {
    fprintf(stderr, "bench_hybrid: %s\n", err.message);
    ru_effect_free(e);
    return -1.0;
  }
  const double t0 = now();
  for (size_t s0 = 0; s0 < nsub; s0 += lanes) {
    const size_t nl = nsub - s0 < lanes ? nsub - s0 : lanes;
    for (size_t l = 0; l < lanes; l++) {
      double fc = 1.0, fv = 1.0;
      rx_eta((uint64_t)(s0 + (l < nl ? l : 0)), &fc, &fv);
      if (ru_effect_scale_param(e, l, "milnacipran", "cl_f_l_per_h", fc, &err) != RU_OK ||
          ru_effect_scale_param(e, l, "milnacipran", "v_f_l", fv, &err) != RU_OK) {
        fprintf(stderr, "bench_hybrid: %s\n", err.message);
        ru_effect_free(e);
        return -1.0;
      }
    }
    if (ru_effect_run(e, times, RX_NT, c2_out != NULL ? conc : NULL, st_out, &err) != RU_OK) {
      fprintf(stderr, "bench_hybrid: %s\n", err.message);
      ru_effect_free(e);
      return -1.0;
    }
    if (eff_out != NULL) {
      for (size_t l = 0; l < nl; l++) {
        memcpy(eff_out + (s0 + l) * RX_NT, st_out + l * RX_NT, RX_NT * sizeof *eff_out);
        if (c2_out != NULL) {
          for (size_t j = 0; j < RX_NT; j++) {
            c2_out[(s0 + l) * RX_NT + j] = conc[l * RX_NT + j] / 1000.0;
          }
        }
      }
    }
  }
  const double dt = now() - t0;
  if (stats != NULL) {
    ru_effect_get_stats(e, stats);
  }
  ru_effect_free(e);
  return dt;
}


/* Hybrid solve, the default engine choice (the kernel when the shape holds). */
static double run_hybrid(ru_sim *sim, size_t nsub, size_t lanes, int variant, int vector,
                         double tol, double *eff_out, double *c2_out, ru_effect_stats *stats) {
  return run_hybrid_engine(sim, nsub, lanes, variant, vector, 1, tol, eff_out, c2_out, stats);
}

/* --- the CVODE paths: all four states, BDF with the analytic Jacobian ----------------------- */

static int rx_rhs(double t, const double *y, double *dy, void *user) {
  const rx_par *p = user;
  (void)t;
  const double c2 = y[1] / p->v2, c3 = y[2] / p->v3;
  dy[0] = -p->ka * y[0];
  dy[1] = p->ka * y[0] - p->cl * c2 - p->q * c2 + p->q * c3;
  dy[2] = p->q * c2 - p->q * c3;
  dy[3] = p->kin - p->kout * (1.0 - c2 / (p->ec50 + c2)) * y[3];
  return 0;
}

static int rx_jac(double t, const double *y, double *j, void *user) {
  const rx_par *p = user;
  (void)t;
  memset(j, 0, 16 * sizeof *j);
  const double c2 = y[1] / p->v2;
  j[0] = -p->ka;
  j[4] = p->ka;
  j[5] = -(p->cl + p->q) / p->v2;
  j[6] = p->q / p->v3;
  j[9] = p->q / p->v2;
  j[10] = -p->q / p->v3;
  const double den = p->ec50 + c2;
  j[13] = p->kout * y[3] * p->ec50 / (den * den) / p->v2;
  j[15] = -p->kout * (1.0 - c2 / den);
  return 0;
}

/* CVODE over subjects [0, nsub): eff and C2 into the outputs (may be NULL); wall time, steps. */
static double run_cvode(size_t nsub, int variant, double rtol, double atol, double *eff_out,
                        double *c2_out, long *steps) {
  rui_ode_event ev[RX_NDOSE];
  memset(ev, 0, sizeof ev);
  for (size_t i = 0; i < 10; i++) {
    ev[i].time_h = 12.0 * (double)i;
    ev[i].amount = 10000.0;
  }
  for (size_t i = 0; i < 5; i++) {
    ev[10 + i].time_h = 120.0 + 24.0 * (double)i;
    ev[10 + i].amount = 20000.0;
  }
  double times[RX_NT];
  for (size_t j = 0; j < RX_NT; j++) {
    times[j] = (double)j;
  }
  rui_ode_options o;
  rui_ode_options_default(&o);
  o.rtol = rtol;
  o.atol = atol;
  o.jac = rx_jac;
  o.max_steps = 1000000;
  ru_error err;
  rui_ode_work *w = NULL;
  if (rui_ode_work_new(4, &o, &w, &err) != RU_OK) {
    fprintf(stderr, "bench_hybrid: %s\n", err.message);
    return -1.0;
  }
  static double y[RX_NT * 4];
  const double y0[4] = {0.0, 0.0, 0.0, 1.0};
  const double t0 = now();
  for (size_t s = 0; s < nsub; s++) {
    rx_par p = rx_draw((uint64_t)s, variant);
    if (rui_ode_solve_with(w, rx_rhs, &p, y0, 0.0, ev, RX_NDOSE, times, RX_NT, y, &err) !=
        RU_OK) {
      fprintf(stderr, "bench_hybrid: %s\n", err.message);
      rui_ode_work_free(w);
      return -1.0;
    }
    for (size_t j = 0; j < RX_NT; j++) {
      if (eff_out != NULL) eff_out[s * RX_NT + j] = y[j * 4 + 3];
      if (c2_out != NULL) c2_out[s * RX_NT + j] = y[j * 4 + 1] / p.v2;
    }
  }
  const double dt = now() - t0;
  long nrhs = 0;
  rui_ode_work_stats(w, steps, &nrhs);
  rui_ode_work_free(w);
  return dt;
}

/* max over subjects and outputs of |a - b| / |b| (b = 0 only where a = 0 too: C2 at t = 0). */
static double max_rel(const double *a, const double *b, size_t n) {
  double m = 0.0;
  for (size_t k = 0; k < n; k++) {
    if (b[k] == 0.0) {
      m = fmax(m, a[k] == 0.0 ? 0.0 : HUGE_VAL);
      continue;
    }
    m = fmax(m, fabs(a[k] - b[k]) / fabs(b[k]));
  }
  return m;
}

static int bench_rxode(size_t n1, size_t n2, size_t nref) {
  ru_error err;
  ru_sim *sim = rx_sim(&err);
  if (sim == NULL) {
    fprintf(stderr, "bench_hybrid: %s\n", err.message);
    return 1;
  }
  const size_t nmax = n2 > nref ? n2 : nref;
  double *eff = malloc(nmax * RX_NT * sizeof *eff), *c2 = malloc(nmax * RX_NT * sizeof *c2);
  double *reff = malloc(nref * RX_NT * sizeof *reff), *rc2 = malloc(nref * RX_NT * sizeof *rc2);
  double *eff2 = malloc(nmax * RX_NT * sizeof *eff2);
  if (eff == NULL || c2 == NULL || reff == NULL || rc2 == NULL || eff2 == NULL) {
    return 1;
  }
  const double tol = RU_EFFECT_DEFAULT_TOL;
  /* speed: best of 3 for the hybrid (cheap), one run for CVODE */
  const size_t sizes[2] = {n1, n2};
  const size_t lanes_try[4] = {1, 4, 8, 16};
  for (size_t si = 0; si < 2; si++) {
    const size_t ns = sizes[si];
    ru_effect_stats st1;
    double best1 = HUGE_VAL, best0 = HUGE_VAL;
    for (int rep = 0; rep < 3; rep++) {
      /* one subject per run, the vector form of the effect function (3 nodes per call) */
      const double t = run_hybrid(sim, ns, 1, 0, 1, tol, NULL, NULL, &st1);
      /* and the scalar form (one call per point) */
      const double t0 = run_hybrid(sim, ns, 1, 0, 0, tol, NULL, NULL, NULL);
      if (t < 0.0 || t0 < 0.0) return 1;
      best1 = fmin(best1, t);
      best0 = fmin(best0, t0);
    }
    printf("rxode_%zu_hybrid_subjects_per_s %.0f\n", ns, (double)ns / best1);
    printf("rxode_%zu_hybrid_scalar_rhs_subjects_per_s %.0f\n", ns, (double)ns / best0);
    printf("rxode_%zu_hybrid_steps_per_subject %.1f\n", ns, (double)st1.steps / (double)ns);
    printf("rxode_%zu_hybrid_rejected_per_subject %.1f\n", ns, (double)st1.rejected / (double)ns);
    double bestb = HUGE_VAL;
    size_t bestl = 0;
    for (size_t li = 1; li < 4; li++) {
      double bt = HUGE_VAL;
      for (int rep = 0; rep < 3; rep++) {
        const double t = run_hybrid(sim, ns, lanes_try[li], 0, 1, tol, NULL, NULL, NULL);
        if (t < 0.0) return 1;
        bt = fmin(bt, t);
      }
      printf("rxode_%zu_hybrid_lanes%zu_subjects_per_s %.0f\n", ns, lanes_try[li], (double)ns / bt);
      if (bt < bestb) {
        bestb = bt;
        bestl = lanes_try[li];
      }
    }
    printf("rxode_%zu_hybrid_batch_subjects_per_s %.0f\n", ns, (double)ns / bestb);
    printf("rxode_%zu_hybrid_batch_lanes %zu\n", ns, bestl);
    /* the general engine on the same problem, interleaved with the kernel (same load) */
    double g1 = HUGE_VAL, k1 = HUGE_VAL, g16 = HUGE_VAL, k16 = HUGE_VAL;
    for (int rep = 0; rep < 3; rep++) {
      const double a = run_hybrid_engine(sim, ns, 1, 0, 1, 0, tol, NULL, NULL, NULL);
      const double b = run_hybrid_engine(sim, ns, 1, 0, 1, 1, tol, NULL, NULL, NULL);
      const double c = run_hybrid_engine(sim, ns, 16, 0, 1, 0, tol, NULL, NULL, NULL);
      const double d = run_hybrid_engine(sim, ns, 16, 0, 1, 1, tol, NULL, NULL, NULL);
      if (a < 0.0 || b < 0.0 || c < 0.0 || d < 0.0) return 1;
      g1 = fmin(g1, a);
      k1 = fmin(k1, b);
      g16 = fmin(g16, c);
      k16 = fmin(k16, d);
    }
    printf("rxode_%zu_general_subjects_per_s %.0f\n", ns, (double)ns / g1);
    printf("rxode_%zu_kernel_subjects_per_s %.0f\n", ns, (double)ns / k1);
    printf("rxode_%zu_general_lanes16_subjects_per_s %.0f\n", ns, (double)ns / g16);
    printf("rxode_%zu_kernel_lanes16_subjects_per_s %.0f\n", ns, (double)ns / k16);
    long steps = 0;
    const double tc = run_cvode(ns, 0, 1e-8, 1e-12, NULL, NULL, &steps);
    if (tc < 0.0) return 1;
    printf("rxode_%zu_cvode_subjects_per_s %.0f\n", ns, (double)ns / tc);
    printf("rxode_%zu_cvode_steps_per_subject %.1f\n", ns, (double)steps / (double)ns);
  }
  /* errors: the default tolerance, every variant, against CVODE rtol 1e-10 */
  static const char *const VNAME[3] = {"base", "ec50_20", "kin5"};
  for (int v = 0; v < 3; v++) {
    long steps = 0;
    if (run_cvode(nref, v, 1e-10, 1e-12, reff, rc2, &steps) < 0.0) return 1;
    ru_effect_stats st;
    if (run_hybrid(sim, nref, 1, v, 0, tol, eff, c2, &st) < 0.0) return 1;
    if (run_hybrid(sim, nref, 8, v, 1, tol, eff2, NULL, NULL) < 0.0) return 1;
    const int batch_equal = memcmp(eff, eff2, nref * RX_NT * sizeof *eff) == 0;
    if (run_hybrid_engine(sim, nref, 1, v, 0, 0, tol, eff2, NULL, NULL) < 0.0) return 1;
    printf("hybrid_kernel_bitwise_general_%s %d\n", VNAME[v],
           memcmp(eff, eff2, nref * RX_NT * sizeof *eff) == 0);
    const double e_eff = max_rel(eff, reff, nref * RX_NT);
    const double e_c2 = max_rel(c2, rc2, nref * RX_NT);
    printf("hybrid_max_rel_err_%s %.3g\n", VNAME[v], e_eff);
    printf("hybrid_max_rel_err_c2_%s %.3g\n", VNAME[v], e_c2);
    printf("hybrid_steps_per_subject_%s %.1f\n", VNAME[v], (double)st.steps / (double)nref);
    printf("hybrid_batch_bitwise_equal_%s %d\n", VNAME[v], batch_equal);
  }
  printf("rxode_error_subjects %zu\n", nref);
  printf("hybrid_tol %g\n", tol);
  free(eff);
  free(c2);
  free(reff);
  free(rc2);
  free(eff2);
  ru_sim_free(sim);
  return 0;
}

/* --- interact: the with/without exposure of the victim, hybrid vs CVODE ---------------------- */

/* The nonlinear work of `reuptake interact atomoxetine:40mg:q12h --with paroxetine:20mg:q24h`
 * (cli/cmd_interact.c): the victim's steady-state exposure with the perpetrator
 * (ru_sim_exposure) and the enzyme activity over the settling horizon on 3000 points for the
 * onset (ru_sim_run_enzymes), with the nonlinear path on the hybrid solver (default) or on CVODE
 * (today's path). The linear "without" subject is closed form in both, so it is left out. */
static int interact_once(ru_solver solver, double *seconds, double *auc, double *cmax,
                         double *act_end) {
  ru_error err;
  const char *perps[] = {"paroxetine:20mg:q24h"};
  ru_ddi_options o;
  memset(&o, 0, sizeof o);
  o.stop_after_h = nan("");
  o.solver = solver;
  ru_sim *with = NULL;
  ru_exposure e[32];
  enum { NG = 3000 };
  static double tt[NG], act[16 * NG];
  const double t0 = now();
  ru_status st = ru_ddi_build(KB, "atomoxetine:40mg:q12h", perps, 1, &o, 1, 0.0, &with, &err);
  if (st == RU_OK) st = ru_sim_exposure(with, e, &err);
  if (st == RU_OK) {
    const double settle = ru_sim_settling_time_h(with);
    for (size_t j = 0; j < NG; j++) tt[j] = settle * (double)j / (double)(NG - 1);
    st = ru_sim_run_enzymes(with, tt, NG, act, &err);
  }
  *seconds = now() - t0;
  if (st != RU_OK) {
    fprintf(stderr, "bench_hybrid: %s\n", err.message);
    ru_sim_free(with);
    return 1;
  }
  const long iv = ru_sim_compound_index(with, "atomoxetine");
  *auc = e[iv].auc_ng_h_per_ml;
  *cmax = e[iv].cmax_ng_per_ml;
  *act_end = act[NG - 1];
  ru_sim_free(with);
  return 0;
}

static int bench_interact(void) {
  double t[2], auc[2], cmax[2], act[2];
  const ru_solver solver[2] = {RU_SOLVER_AUTO, RU_SOLVER_CVODE};
  for (int k = 0; k < 2; k++) {
    t[k] = HUGE_VAL;
    for (int rep = 0; rep < 3; rep++) {
      double dt;
      if (interact_once(solver[k], &dt, &auc[k], &cmax[k], &act[k]) != 0) return 1;
      t[k] = fmin(t[k], dt);
    }
  }
  printf("interact_hybrid_s %.4f\n", t[0]);
  printf("interact_cvode_s %.4f\n", t[1]);
  printf("interact_speedup %.2f\n", t[1] / t[0]);
  printf("interact_auc_with_rel_diff %.3g\n", fabs(auc[0] - auc[1]) / auc[1]);
  printf("interact_cmax_with_rel_diff %.3g\n", fabs(cmax[0] - cmax[1]) / cmax[1]);
  printf("interact_enzyme_end_rel_diff %.3g\n", fabs(act[0] - act[1]) / act[1]);
  return 0;
}

/* One regimen: today's path (what `reuptake synapse REGIMEN --days 14` runs: PK at the hourly
 * outputs, sampled occupancy, CVODE), the hybrid, and the exact-forcing reference; the time of
 * the first two (best of reps) and their errors against the third. */
static int synapse_one(const char *key, const char *regimen, double days) {
  ru_error err;
  ru_regimen *r = NULL;
  ru_sim *sim = NULL;
  ru_status st = ru_regimen_new(&r, &err);
  if (st == RU_OK) st = ru_regimen_parse(r, regimen, &err);
  if (st == RU_OK) st = ru_sim_new(KB, &sim, &err);
  if (st == RU_OK) st = ru_sim_add_regimen(sim, r, &err);
  if (st == RU_OK) st = ru_sim_prepare(sim, &err);
  ru_regimen_free(r);
  ru_synapse *syn = NULL;
  if (st == RU_OK) st = ru_synapse_new(KB, &syn, &err);
  hs_glue g;
  if (syn != NULL) st = hs_init(&g, KB, sim, syn, NULL, &err);
  if (st != RU_OK || syn == NULL) {
    fprintf(stderr, "bench_hybrid synapse: %s\n", err.message);
    ru_sim_free(sim);
    ru_synapse_free(syn);
    return 1;
  }
  const size_t nt = (size_t)(days * 24.0) + 1;
  double *t = malloc(nt * sizeof *t);
  double *a = malloc(g.n * nt * sizeof *a), *b = malloc(g.n * nt * sizeof *b);
  double *c = malloc(g.n * nt * sizeof *c);
  for (size_t j = 0; j < nt; j++) t[j] = (double)j;
  double t_hyb = HUGE_VAL, t_today = HUGE_VAL, t0;
  ru_effect_stats es = {0, 0, 0};
  for (int rep = 0; rep < 5 && st == RU_OK; rep++) {
    t0 = now();
    st = hs_hybrid(&g, t, nt, 0.0, a, &es, &err);
    t_hyb = fmin(t_hyb, now() - t0);
    t0 = now();
    if (st == RU_OK) st = hs_today(&g, KB, t, nt, c, &err);
    t_today = fmin(t_today, now() - t0);
  }
  t0 = now();
  if (st == RU_OK) st = hs_reference(&g, t, nt, 1e-10, b, &err);
  const double t_ref = now() - t0;
  if (st == RU_OK) {
    printf("synapse_%s_hybrid_s %.5f\n", key, t_hyb);
    printf("synapse_%s_today_cvode_s %.5f\n", key, t_today);
    printf("synapse_%s_speedup %.2f\n", key, t_today / t_hyb);
    printf("synapse_%s_reference_s %.4f\n", key, t_ref);
    printf("synapse_%s_hybrid_max_rel_err %.3g\n", key, hs_max_rel(a, b, g.n * nt));
    printf("synapse_%s_today_max_rel_err %.3g\n", key, hs_max_rel(c, b, g.n * nt));
    printf("synapse_%s_hybrid_steps %.0f\n", key, (double)es.steps / 5.0);
    printf("synapse_%s_states %zu\n", key, g.n);
    printf("synapse_%s_hybrid_rhs_points %.0f\n", key, (double)es.rhs_points / 5.0);
    printf("synapse_%s_hybrid_rejected %.0f\n", key, (double)es.rejected / 5.0);
  } else {
    fprintf(stderr, "bench_hybrid synapse: %s\n", err.message);
  }
  free(t);
  free(a);
  free(b);
  free(c);
  hs_free(&g);
  ru_synapse_free(syn);
  ru_sim_free(sim);
  return st != RU_OK;
}

static int bench_synapse(void) {
  int rc = synapse_one("atomoxetine", "atomoxetine:80mg:q24h", 14.0);
  if (rc == 0) rc = synapse_one("paroxetine", "paroxetine:20mg:q24h", 14.0);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_hybrid rxode N1 N2 NREF | interact | synapse\n");
    return 2;
  }
  ru_error err;
  if (ru_kb_open(NULL, &KB, &err) != RU_OK) {
    fprintf(stderr, "bench_hybrid: %s\n", err.message);
    return 1;
  }
  int rc = 2;
  if (strcmp(argv[1], "rxode") == 0 && argc >= 5) {
    rc = bench_rxode(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10),
                     strtoul(argv[4], NULL, 10));
  } else if (strcmp(argv[1], "interact") == 0) {
    rc = bench_interact();
  } else if (strcmp(argv[1], "synapse") == 0) {
    rc = bench_synapse();
  } else if (strcmp(argv[1], "hybrid") == 0 && argc >= 4) {
    /* the hybrid alone (for profiling and instruction counts): N subjects, LANES lanes, and
     * `general` for the general engine instead of the kernel */
    ru_sim *sim = rx_sim(&err);
    const size_t ns = strtoul(argv[2], NULL, 10), nl = strtoul(argv[3], NULL, 10);
    const int kernel = !(argc >= 5 && strcmp(argv[4], "general") == 0);
    ru_effect_stats st;
    const double t = sim != NULL ? run_hybrid_engine(sim, ns, nl, 0, 1, kernel,
                                                     RU_EFFECT_DEFAULT_TOL, NULL, NULL, &st)
                                 : -1.0;
    printf("hybrid_lanes%zu_subjects_per_s %.0f (steps %.1f)\n", nl, (double)ns / t,
           (double)st.steps / (double)ns);
    ru_sim_free(sim);
    rc = t < 0.0;
  }
  ru_kb_free(KB);
  return rc;
}
