/* The physiological oral route (internal API of the pk layer): gut wall, portal vein and a
 * well-stirred liver in front of the systemic compartments, in the smallest form that lets
 * inhibition, phenotype and saturation change bioavailability where they act (Simcyp's and
 * PK-Sim's structure for oral DDIs, reduced to quasi-steady organs).
 *
 *   gut wall   "Qgut" model: Fg = Qgut / (Qgut + fu_gut CLint,gut) with Qgut the villous blood
 *              flow and fu_gut = 1 (Yang, Jamei, Yeo, Tucker, Rostami-Hodjegan 2007 Drug Metab
 *              Dispos 35:501-502, the minimal form of Qgut = Qvilli x CLperm/(Qvilli + CLperm));
 *   liver      well-stirred: the unbound concentration at the enzymes equals the unbound outflow
 *              concentration, C_out (Qh + fu_b CLint(C_out)) = Qh C_in, fu_b = fu / (B:P)
 *              (Rowland, Benet & Graham 1973 J Pharmacokinet Biopharm 1:123; Pang & Rowland 1977
 *              J Pharmacokinet Biopharm 5:625); Michaelis-Menten pathways make CLint depend on
 *              the unbound liver concentration, solved exactly at each evaluation;
 *   inflow     C_in = C_blood,systemic + (absorbed flux x Fg) / Qh: the portal vein carries the
 *              absorbed drug into the hepatic blood flow, so during absorption the liver sees
 *              more than the systemic level;
 * both organs are algebraic (their transit times, seconds to minutes, are far below any
 * absorption or elimination time here), so without inhibition or saturation the route adds
 * no state and stays a linear system for the closed forms.
 *
 * Parameters come from what the knowledge base has. With only apparent oral parameters (CL/F,
 * V/F) the retrograde calculation gives the intrinsic clearance: for hepatic elimination under
 * the well-stirred model CL/F = fu CLint / (Fa Fg) exactly, so
 *     CLint,u = (1 - fm_renal) CL/F Fa Fg / fu,   F_h = 1 / (1 + fu_b CLint,u / Qh),
 *     F = Fa Fg F_h,   CL = CL/F F,   V = V/F F
 * (Yang et al. 2007 Curr Drug Metab 8:676 "retrograde" prediction; Fa and Fg 1 unless sourced,
 * stated). Where an IV clearance or an absolute F is sourced, the consistency is reported. */
#ifndef RU_PK_ROUTE_H
#define RU_PK_ROUTE_H

#include <stddef.h>

#include "reuptake/status.h"

typedef struct rui_route_in {
  double cl_f_l_per_h;   /* apparent oral clearance (normal metabolizer) */
  double fu;             /* unbound fraction in plasma */
  double bp;             /* blood:plasma ratio */
  double fa, fg;         /* fraction absorbed, fraction escaping gut-wall metabolism (1 if unknown) */
  double fm_renal;       /* share of systemic clearance that is not hepatic (renal unchanged) */
  double qh_l_per_h;     /* hepatic blood flow */
  double qgut_l_per_h;   /* villous blood flow (Qgut); NaN: no gut-wall metabolism possible */
} rui_route_in;

typedef struct rui_route {
  double f_scale;        /* F = Fa Fg F_h of a normal metabolizer: true = apparent x F_scale */
  double fa, fg, fh;
  double fu_b;           /* fu / B:P */
  double clint_h_l_per_h;  /* unbound hepatic intrinsic clearance, every hepatic pathway (NM) */
  double clint_g_l_per_h;  /* unbound gut-wall intrinsic clearance from Fg (0 when Fg = 1) */
  double cl_l_per_h;     /* true systemic plasma clearance (NM) */
  double cl_renal_l_per_h; /* its non-hepatic part */
} rui_route;

/* The retrograde calculation above. RU_EINVAL naming the input when one is not usable. */
ru_status rui_route_retrograde(const rui_route_in *in, rui_route *out, ru_error *err);

/* Well-stirred liver: the outflow blood concentration c_out (mg/L) for inflow c_in_b (mg/L),
 * blood flow qh (L/h), fu_b, a concentration-independent unbound CLint clint_lin (L/h) and nsat
 * Michaelis-Menten pathways of unbound CLint clint_sat[k] (L/h, at low concentration) and Km
 * km_u[k] (unbound, mg/L): c (qh + fu_b (clint_lin + sum_k clint_sat[k] / (1 + fu_b c / km_u[k])))
 * = qh c_in. The left side increases and is concave in c, so Newton from the linear solution
 * (a lower bound) converges monotonically; 1e-14 relative. Cannot fail; c_in <= 0 gives 0. */
double rui_route_liver_out(double qh, double c_in_b, double fu_b, double clint_lin, size_t nsat,
                           const double *clint_sat, const double *km_u);

#endif
