/* The equations of a subject (model_impl.h): what the organs see at a state, the compartments'
 * derivatives, and the full right-hand side for the ODE engines.
 *
 * Apparent route (CL/F, V/F): first-order absorption into the central compartment, elimination
 *     CL(t) = CL/F [ fm_other + sum_e fm_e g_e(t) sat_e ]     (g_e: enzyme activity, enzymes.h)
 * with saturable pathways sat_e = 1 / (1 + Cu/Km) driven by the unbound hepatic inlet level
 * (systemic + portal term, FDA 2020 / Ito et al. 1998 Annu Rev Pharmacol Toxicol 38:461).
 *
 * Physiological route (route.h): the absorbed flux J = ka Fa A_lumen passes the gut wall
 * (Fg(t) = Qgut / (Qgut + CLint,g g_3A4,gut(t))) and the portal vein into a well-stirred liver
 * with C_in = C_blood + J Fg / Qh; the hepatic outflow C_out solves the well-stirred balance with
 *     CLint,h(t) = CLint_other + sum_e CLint_e g_e(t) / (1 + Cu,liver / Km_e),  Cu,liver = fu_b C_out
 * and the central compartment gains Qh (C_out - C_blood) (first pass and systemic hepatic
 * clearance in one flux), loses CL_renal C. The enzymes see the real unbound liver (and gut wall)
 * concentrations, of victims and perpetrators alike.
 *
 * Competitive inhibition couples the compounds algebraically (a perpetrator's liver level depends
 * on its own clearance, which inhibitors change): the organs are solved by fixed-point iteration
 * on the enzyme activities, a contraction in practice (converged to 1e-13 in a few sweeps).
 * Metabolites are formed from their parent's elimination through a pathway (or the total),
 * converted by molar mass. */
#include <math.h>
#include <string.h>

#include "pk/model_impl.h"

/* mg/L -> umol/L for molar mass mw (g/mol) */
static double mg_per_l_to_um(double c, double mw) { return c / mw * 1000.0; }

/* Unbound plasma level (uM) of an apparent-route compound driving enzymes: systemic plus, with
 * the inlet driver, the portal term ka A_depot Fa Fg / Qh with Fa Fg = 1 and B:P 1 (FDA 2020's
 * conservative defaults). */
static double apparent_driver_um(const ru_sim *s, const sim_compound *c, const double *y,
                                 double absorbed) {
  double conc = y[c->central] / c->v_l; /* mg/L */
  if (s->inlet_driver && isfinite(s->qh_l_per_h)) {
    conc += absorbed / s->qh_l_per_h;
  }
  return fmax(0.0, mg_per_l_to_um(conc, c->mw) * c->fu);
}

/* Activity of pathway p of compound i: the enzyme's, except that a saturable pathway leaves out
 * the compound's own competitive term (its Km already is that binding; enzymes.h). */
static double path_g(const ru_sim *s, const rui_organs *o, const double *g, const double *y,
                     size_t i, size_t p, int saturating) {
  const sim_compound *c = &s->c[i];
  if (c->path[p].renal) {
    return 1.0;
  }
  const size_t e = (size_t)c->path[p].enzyme;
  if (saturating && !o->fixed && isfinite(c->path[p].km_um)) {
    return rui_enz_activity_excluding(&s->enz, e, i, o->iu_liver_um, o->iu_gut_um, y);
  }
  return g[e];
}

/* The liver of a physiological compound i at activities g: Fg, outflow, unbound levels. */
static void organ_liver(const ru_sim *s, size_t i, const double *g, int lowconc, const double *y,
                        rui_organs *o) {
  const sim_compound *c = &s->c[i];
  const double j = o->absorbed[i];
  double clint_g = 0.0;
  if (c->gut_enzyme >= 0) {
    clint_g = c->r.clint_g_l_per_h * g[c->gut_enzyme];
  }
  const double qgut = s->qgut_l_per_h;
  o->fg[i] = clint_g > 0.0 ? qgut / (qgut + clint_g) : 1.0;
  /* the gut-wall unbound level (fu_gut = 1): what leaves it at the villous flow */
  o->iu_gut_um[i] = (j > 0.0 && qgut > 0.0) ? mg_per_l_to_um(j / (qgut + clint_g), c->mw) : 0.0;
  const double qh = s->qh_l_per_h;
  /* systemic blood level: plasma x B:P (fu / fu_b) */
  const double c_sys_b = fmax(0.0, y[c->central]) / c->v_l * (c->fu / c->r.fu_b);
  const double c_in = c_sys_b + j * o->fg[i] / qh;
  double lin = c->clint_other, sat[RU_MAX_FM], km[RU_MAX_FM];
  size_t nsat = 0;
  for (size_t p = 0; p < c->n_path; p++) {
    if (c->path[p].renal) continue;
    const double cl = c->path[p].clint * path_g(s, o, g, y, i, p, !lowconc);
    if (!lowconc && isfinite(c->path[p].km_um)) {
      sat[nsat] = cl;
      km[nsat] = c->path[p].km_u_mg_per_l;
      nsat++;
    } else {
      lin += cl;
    }
  }
  o->c_sys_b[i] = c_sys_b;
  o->c_out_b[i] = rui_route_liver_out(qh, c_in, c->r.fu_b, lin, nsat, sat, km);
  o->iu_liver_um[i] = mg_per_l_to_um(c->r.fu_b * o->c_out_b[i], c->mw);
}

/* Everything the organs see at y. g_fixed: activities to use as they are (NULL: from the enzyme
 * states and the inhibitors' levels, iterated to the fixed point). */
static void organs(const ru_sim *s, const double *y, const double *g_fixed, int lowconc,
                   rui_organs *o) {
  for (size_t i = 0; i < s->nc; i++) {
    const sim_compound *c = &s->c[i];
    o->absorbed[i] = c->depot >= 0 ? c->p.ka_per_h.value * fmax(0.0, y[c->depot]) : 0.0;
    o->iu_liver_um[i] = 0.0;
    o->iu_gut_um[i] = 0.0;
    o->fg[i] = 1.0;
    o->c_out_b[i] = 0.0;
    o->c_sys_b[i] = 0.0;
  }
  rui_products_absorbed(s->products, s, y, o->absorbed); /* release compartments draining out */
  for (size_t i = 0; i < s->nc; i++) {
    if (s->c[i].route == SIM_ROUTE_PHYSIOLOGICAL) {
      o->absorbed[i] *= s->c[i].r.fa;
    }
  }
  const size_t ne = s->enz.n;
  o->fixed = g_fixed != NULL;
  if (g_fixed != NULL) {
    memcpy(o->g, g_fixed, ne * sizeof *o->g);
  } else {
    /* first sweep: no competitive term (inhibitors' levels not known yet) */
    static const double zero[RUI_SIM_MAX_COMPOUNDS];
    rui_enz_activities(&s->enz, zero, zero, y, o->g);
  }
  const int iterate = g_fixed == NULL && rui_enz_any_inhibition(&s->enz);
  for (int sweep = 0; sweep < 100; sweep++) {
    for (size_t i = 0; i < s->nc; i++) {
      const sim_compound *c = &s->c[i];
      if (c->route == SIM_ROUTE_PHYSIOLOGICAL) {
        organ_liver(s, i, o->g, lowconc, y, o);
      } else if (isfinite(c->fu) && isfinite(c->mw)) {
        o->iu_liver_um[i] = apparent_driver_um(s, c, y, o->absorbed[i]);
        o->iu_gut_um[i] = (o->absorbed[i] > 0.0 && s->qgut_l_per_h > 0.0)
                              ? mg_per_l_to_um(o->absorbed[i] / s->qgut_l_per_h, c->mw)
                              : 0.0;
      }
    }
    if (!iterate) {
      break;
    }
    double g_new[RUI_SIM_MAX_ENZYMES];
    rui_enz_activities(&s->enz, o->iu_liver_um, o->iu_gut_um, y, g_new);
    double change = 0.0;
    for (size_t e = 0; e < ne; e++) {
      const double d = fabs(g_new[e] - o->g[e]);
      const double scale = fmax(fabs(g_new[e]), 1e-300);
      change = fmax(change, d / scale);
      o->g[e] = g_new[e];
    }
    if (change <= 1e-13) {
      break;
    }
  }
}

void rui_sim_enzyme_multipliers(const ru_sim *s, const double *y, double *g) {
  rui_organs o;
  organs(s, y, NULL, 0, &o);
  memcpy(g, o.g, s->enz.n * sizeof *g);
}

void rui_sim_base_activities(const ru_sim *s, double *g) {
  for (size_t e = 0; e < s->enz.n; e++) {
    g[e] = s->enz.e[e].activity;
  }
}

/* Compartment derivatives given the organs. */
static void deriv_with(const ru_sim *s, const rui_organs *o, int lowconc, const double *y,
                       double *dy) {
  for (size_t j = 0; j < s->ncmt; j++) {
    dy[j] = 0.0;
  }
  rui_products_deriv(s->products, s, y, dy); /* product release compartments */
  for (size_t i = 0; i < s->nc; i++) {
    const sim_compound *c = &s->c[i];
    const double v = c->v_l;
    const double ac = y[c->central];
    if (c->depot >= 0) {
      dy[c->depot] -= c->p.ka_per_h.value * y[c->depot];
    }
    if (c->periph1 >= 0) {
      const double flow = c->q1_l_per_h * (ac / v - y[c->periph1] / c->vp1_l);
      dy[c->central] -= flow;
      dy[c->periph1] += flow;
    }
    if (c->periph2 >= 0) {
      const double flow = c->q2_l_per_h * (ac / v - y[c->periph2] / c->vp2_l);
      dy[c->central] -= flow;
      dy[c->periph2] += flow;
    }
    double path_rate[RU_MAX_FM];
    double total;
    if (c->route == SIM_ROUTE_PHYSIOLOGICAL) {
      const double qh = s->qh_l_per_h;
      /* first pass and systemic hepatic clearance in one flux (deriv.c header) */
      dy[c->central] += qh * (o->c_out_b[i] - o->c_sys_b[i]);
      const double renal = c->r.cl_renal_l_per_h * ac / v;
      dy[c->central] -= renal;
      const double cu_liver = c->r.fu_b * o->c_out_b[i]; /* mg/L */
      total = renal + o->absorbed[i] * (1.0 - o->fg[i]);
      double hep_named = 0.0;
      for (size_t p = 0; p < c->n_path; p++) {
        if (c->path[p].renal) {
          path_rate[p] = renal;
          continue;
        }
        double cl = c->path[p].clint * path_g(s, o, o->g, y, i, p, !lowconc);
        if (!lowconc && isfinite(c->path[p].km_um)) {
          cl /= 1.0 + cu_liver / c->path[p].km_u_mg_per_l;
        }
        path_rate[p] = cl * cu_liver;
        hep_named += path_rate[p];
      }
      total += hep_named + c->clint_other * cu_liver;
    } else {
      dy[c->central] += o->absorbed[i]; /* from the depot and any release compartment */
      const double cl = c->cl_l_per_h;
      total = cl * c->fm_other * ac / v;
      const double cu = c->saturable && !lowconc ? o->iu_liver_um[i] : 0.0;
      for (size_t p = 0; p < c->n_path; p++) {
        const double g = path_g(s, o, o->g, y, i, p, !lowconc);
        const double sat = isfinite(c->path[p].km_um) ? 1.0 / (1.0 + cu / c->path[p].km_um) : 1.0;
        path_rate[p] = cl * c->path[p].fm * g * sat * ac / v;
        total += path_rate[p];
      }
      dy[c->central] -= total;
    }
    for (size_t f = 0; f < c->n_form; f++) {
      const double base = c->form[f].path < 0 ? total : path_rate[c->form[f].path];
      dy[s->c[c->form[f].metabolite].central] += c->form[f].fraction * base * c->form[f].mass_ratio;
    }
  }
}

void rui_sim_deriv(const ru_sim *s, const double *g, int lowconc, const double *y, double *dy) {
  rui_organs o;
  organs(s, y, g, lowconc, &o);
  deriv_with(s, &o, lowconc, y, dy);
}

int rui_sim_rhs(double t, const double *y, double *dy, void *user) {
  (void)t;
  const ru_sim *s = user;
  rui_organs o;
  organs(s, y, NULL, 0, &o);
  deriv_with(s, &o, 0, y, dy);
  rui_enz_turnover(&s->enz, o.iu_liver_um, o.iu_gut_um, y, dy);
  const size_t auc0 = s->nstate - s->nc;
  for (size_t i = 0; i < s->nc; i++) {
    /* concentration in ng/mL: mg/L * 1000 */
    dy[auc0 + i] = y[s->c[i].central] / s->c[i].v_l * 1000.0;
  }
  return 0;
}

void rui_sim_linear_matrix(const ru_sim *s, rui_lin_system *sys) {
  double g[RUI_SIM_MAX_ENZYMES];
  rui_sim_base_activities(s, g);
  const size_t n = s->ncmt;
  sys->n = n;
  double y[RUI_LIN_MAX], dy[RUI_LIN_MAX];
  for (size_t j = 0; j < n; j++) {
    memset(y, 0, sizeof y);
    y[j] = 1.0;
    rui_sim_deriv(s, g, 1, y, dy);
    for (size_t i = 0; i < n; i++) sys->a[i * n + j] = dy[i];
  }
}
