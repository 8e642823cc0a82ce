/* The physiological oral route's algebra (src/pk/route.h): the retrograde calculation from
 * apparent parameters and the well-stirred liver with Michaelis-Menten pathways. */
#include "pk/route.h"

#include <math.h>

ru_status rui_route_retrograde(const rui_route_in *in, rui_route *out, ru_error *err) {
  if (!(in->cl_f_l_per_h > 0.0) || !isfinite(in->cl_f_l_per_h)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: CL/F %g must be > 0",
                        in->cl_f_l_per_h);
  }
  if (!(in->fu > 0.0 && in->fu <= 1.0)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: fu %g must be in (0, 1]", in->fu);
  }
  if (!(in->bp > 0.0) || !isfinite(in->bp)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: blood:plasma ratio %g must be > 0",
                        in->bp);
  }
  if (!(in->fa > 0.0 && in->fa <= 1.0) || !(in->fg > 0.0 && in->fg <= 1.0)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: Fa %g and Fg %g must be in (0, 1]",
                        in->fa, in->fg);
  }
  if (!(in->fm_renal >= 0.0 && in->fm_renal < 1.0)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: renal share %g must be in [0, 1)",
                        in->fm_renal);
  }
  if (!(in->qh_l_per_h > 0.0) || !isfinite(in->qh_l_per_h)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: hepatic blood flow %g must be > 0",
                        in->qh_l_per_h);
  }
  if (in->fg < 1.0 && !(in->qgut_l_per_h > 0.0)) {
    return ru_error_set(err, RU_EINVAL, "physiological route: Fg %g < 1 needs the villous blood "
                        "flow (body/villous_blood_flow_l_per_h)", in->fg);
  }
  out->fa = in->fa;
  out->fg = in->fg;
  out->fu_b = in->fu / in->bp;
  /* hepatic: CL/F (1 - fm_r) = fu CLint / (Fa Fg)  (well-stirred, oral; see route.h) */
  out->clint_h_l_per_h = (1.0 - in->fm_renal) * in->cl_f_l_per_h * in->fa * in->fg / in->fu;
  out->fh = in->qh_l_per_h / (in->qh_l_per_h + out->fu_b * out->clint_h_l_per_h);
  /* gut: Fg = Qgut / (Qgut + CLint,g), fu_gut = 1 (Yang 2007) */
  out->clint_g_l_per_h = in->fg < 1.0 ? in->qgut_l_per_h * (1.0 / in->fg - 1.0) : 0.0;
  out->f_scale = in->fa * in->fg * out->fh;
  out->cl_l_per_h = in->cl_f_l_per_h * out->f_scale;
  out->cl_renal_l_per_h = in->fm_renal * out->cl_l_per_h;
  return RU_OK;
}

double rui_route_liver_out(double qh, double c_in_b, double fu_b, double clint_lin, size_t nsat,
                           const double *clint_sat, const double *km_u) {
  if (!(c_in_b > 0.0)) {
    return 0.0;
  }
  double cl0 = clint_lin;
  for (size_t k = 0; k < nsat; k++) {
    cl0 += clint_sat[k];
  }
  /* the linear solution: a lower bound (saturation only lowers the clearance) */
  double c = qh * c_in_b / (qh + fu_b * cl0);
  if (nsat == 0) {
    return c;
  }
  for (int it = 0; it < 60; it++) {
    double cl = clint_lin, dcl = 0.0;
    for (size_t k = 0; k < nsat; k++) {
      const double r = 1.0 + fu_b * c / km_u[k];
      cl += clint_sat[k] / r;
      dcl -= clint_sat[k] * fu_b / km_u[k] / (r * r);
    }
    const double f = c * (qh + fu_b * cl) - qh * c_in_b;
    const double df = qh + fu_b * cl + c * fu_b * dcl;
    if (!(df > 0.0)) {
      break;
    }
    double next = c - f / df;
    if (next > c_in_b) next = c_in_b; /* never above the inflow (no extraction) */
    if (next < 0.0) next = 0.0;
    const double step = fabs(next - c);
    c = next;
    if (step <= 1e-15 * c) {
      break;
    }
  }
  return c;
}
