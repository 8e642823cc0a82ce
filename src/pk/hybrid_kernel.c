/* The hybrid solver's specialised kernel for its most common shape (hybrid_impl.h): one
 * closed-form group (the linear PK) driving one scalar collocation state that is affine in
 * itself (an effect or turnover state, d(eff)/dt = F(u) + J(u) eff), through one input that
 * reads only that group. Other closed-form groups may exist as long as they feed nothing (they
 * are propagated over the segment as by the general engine).
 *
 * It computes what the general engine (hybrid_engine.c + hybrid_step.c) computes for this shape,
 * the same IEEE operations in the same order, so its results are bitwise those of the general
 * engine (tests/unit/test_hybrid_kernel.c checks it): the step control of rui_hyb_advance, the
 * 3-stage Gauss-Legendre step with the forcing at the nodes from the cached propagators, the
 * direct 3x3 solve of the affine stage system (Cramer's rule), the stiffness cap and the
 * endpoint defects at both ends. What it removes is the generality: no loops over groups,
 * blocks, inputs, terms and drivers, no point-buffer filling through index tables, no block-kind
 * dispatch; the controller and the step are one function whose lane count is a constant of each
 * instance. The right-hand side is still the caller's (three calls per step: f and df/dy at the
 * nodes, f at the step end).
 *
 * Propagators: per lane, the active entry is fetched from the lane's cache of step sizes
 * (hybrid_cf.c: e^{A h}, the node rows and the Gamma terms for each dyadic fraction h = H / 2^L
 * of the segment, built once per lane and step size) only when the lane's step size changes. */
#include <math.h>
#include <string.h>

#include "pk/hybrid_impl.h"
#include "pk/linear.h"


int rui_hyb_kernel_shape(const rui_hyb *h, size_t *group) {
  if (h->nb != 1 || h->blk[0].nb != 1 || h->blk[0].kind != RUI_HYB_AFFINE || h->blk[0].ni != 1 ||
      h->sys.jac == NULL) {
    return 0;
  }
  const hyb_input *in = &h->blk[0].in[0];
  if (in->ndrv != 1 || in->nterm == 0) {
    return 0;
  }
  const size_t g = in->drv_group[0];
  for (size_t t = 0; t < in->nterm; t++) {
    if (in->term[t].group != (long)g) {
      return 0;
    }
  }
  for (size_t k = 0; k < h->ng; k++) {
    if (h->grp[k].feeds != (k == g)) {
      return 0;
    }
  }
  if (h->grp[g].nd != 1) {
    return 0;
  }
  *group = g;
  return 1;
}

/* The caller's right-hand side of the block on np points, with the general engine's message. */
HYB_INLINE ru_status krhs(rui_hyb *h, size_t np, const double *u, double *f, ru_error *err) {
  const int rc = h->sys.rhs(h->sys.user, 0, np, h->nl, h->pt_t, h->pt_y, u, f);
  h->stats.rhs_points += (long)np;
  if (rc != 0) {
    return ru_error_set(err, RU_ESOLVER, "hybrid solver: the right-hand side of block %d %s (%d)",
                        0, rc < 0 ? "failed" : "asked for a smaller step, which is not supported",
                        rc);
  }
  return RU_OK;
}

/* u = sum_t coef_t x[state_t] over the input's terms (block_inputs of hybrid_step.c). */
HYB_INLINE void kinput(const hyb_input *in, const double *restrict x, double *restrict u,
                       const size_t nl) {
  for (size_t l = 0; l < nl; l++) {
    u[l] = 0.0;
  }
  for (size_t t = 0; t < in->nterm; t++) {
    const double *restrict xs = x + in->term[t].state * nl, *restrict cf = in->coef + t * nl;
    for (size_t l = 0; l < nl; l++) {
      u[l] += cf[l] * xs[l];
    }
  }
}

/* One step of every lane with hl[l] > 0: x1 (group and block states), f1, err, redo/hj, jnorm.
 * *declined = 1 when the caller's Jacobian declined (difference quotients: the general engine). */
HYB_INLINE ru_status kstep(rui_hyb *restrict h, size_t g, int *declined, const size_t m,
                           const size_t nl, ru_error *err) {
  const hyb_group *G = &h->grp[g];
  const hyb_block *B = &h->blk[0];
  const hyb_input *in = &B->in[0];
  const size_t row = B->rows[0];
  const double *restrict P = h->pact[g], *restrict R = h->ract[g];
  const double *restrict Ga = h->gact[g], *restrict GN = h->gnact[g];
  const double *restrict y = h->y, *restrict hl = h->hl, *restrict tl = h->tl;
  const double *restrict y0 = h->y + row * nl;
  double *restrict un = h->un, *restrict fj = h->fj, *restrict jac = h->jac;
  double *restrict pt_t = h->pt_t, *restrict pt_y = h->pt_y, *restrict pt_f = h->pt_f;
  double *restrict errv = h->err, *restrict hj = h->hj;
  unsigned char *restrict redo = h->redo;
  double acc[RUI_HYB_LANES_MAX];
  for (size_t l = 0; l < nl; l++) {
    redo[l] = 0;
    errv[l] = 0.0;
    hj[l] = 1.0;
  }
  /* the group: end-of-step states and the driver at the three nodes (the same sums, in the
   * same order, as groups_step and node_inputs of hybrid_step.c) */
  double xg[RUI_LIN_MAX * RUI_HYB_LANES_MAX];
  for (size_t a = 0; a < m; a++) {
    for (size_t l = 0; l < nl; l++) {
      xg[a * nl + l] = y[G->states[a] * nl + l];
    }
  }
  for (size_t a = 0; a < m; a++) {
    for (size_t l = 0; l < nl; l++) {
      acc[l] = Ga[a * nl + l];
    }
    for (size_t bb = 0; bb < m; bb++) {
      for (size_t l = 0; l < nl; l++) {
        acc[l] += P[(a * m + bb) * nl + l] * xg[bb * nl + l];
      }
    }
    double *restrict xe = h->x1 + G->states[a] * nl;
    for (size_t l = 0; l < nl; l++) {
      xe[l] = acc[l];
    }
  }
  for (size_t j = 0; j < 3; j++) {
    for (size_t l = 0; l < nl; l++) {
      acc[l] = GN[j * nl + l];
    }
    for (size_t a = 0; a < m; a++) {
      for (size_t l = 0; l < nl; l++) {
        acc[l] += R[(j * m + a) * nl + l] * xg[a * nl + l];
      }
    }
    for (size_t l = 0; l < nl; l++) {
      un[j * nl + l] = 0.0 + acc[l]; /* node_inputs: the sum over drivers starts at 0 */
    }
  }
  /* f at the step start: the previous step's end value, or a fresh evaluation after an event */
  double f0[RUI_HYB_LANES_MAX];
  int need = 0;
  for (size_t l = 0; l < nl; l++) {
    need |= !h->fvalid[l];
  }
  ru_status st;
  if (need) {
    kinput(in, h->y, h->pt_u, nl);
    for (size_t l = 0; l < nl; l++) {
      pt_t[l] = tl[l];
      pt_y[l] = y0[l];
    }
    if ((st = krhs(h, nl, h->pt_u, pt_f, err)) != RU_OK) {
      return st;
    }
  }
  for (size_t l = 0; l < nl; l++) {
    f0[l] = h->fvalid[l] ? h->fstart[row * nl + l] : pt_f[l];
  }
  /* f and df/dy at the nodes with the block's state at y0 */
  for (size_t j = 0; j < 3; j++) {
    for (size_t l = 0; l < nl; l++) {
      pt_t[j * nl + l] = tl[l] + HYB_GC[j] * hl[l];
      pt_y[j * nl + l] = y0[l];
    }
  }
  if ((st = krhs(h, 3 * nl, un, fj, err)) != RU_OK) {
    return st;
  }
  const int rc = h->sys.jac(h->sys.user, 0, 3 * nl, nl, pt_t, pt_y, un, jac);
  if (rc == RUI_HYB_NO_JAC) {
    *declined = 1;
    return RU_OK;
  }
  if (rc != 0) {
    return ru_error_set(err, RU_ESOLVER, "hybrid solver: the Jacobian of block %d failed (%d)", 0,
                        rc);
  }
  /* stiffness cap, quadrature, the affine stage solve, the stage derivatives, the end value */
  const double cap = h->opt.stiff_cap;
  double *restrict jn = h->jnorm;
  double detv[RUI_HYB_LANES_MAX], hjv[RUI_HYB_LANES_MAX];
  double *restrict x1 = h->x1 + row * nl;
#pragma omp simd
  for (size_t l = 0; l < nl; l++) {
    double best = 0.0;
    best = rui_hyb_nanmax(best, fabs(jac[l]));
    best = rui_hyb_nanmax(best, fabs(jac[nl + l]));
    best = rui_hyb_nanmax(best, fabs(jac[2 * nl + l]));
    jn[l] = best;
    hjv[l] = best * hl[l];
    const double hh = hl[l];
    const double F0 = fj[l], F1 = fj[nl + l], F2 = fj[2 * nl + l];
    const double r0 = hh * (HYB_GA[0][0] * F0 + HYB_GA[0][1] * F1 + HYB_GA[0][2] * F2);
    const double r1 = hh * (HYB_GA[1][0] * F0 + HYB_GA[1][1] * F1 + HYB_GA[1][2] * F2);
    const double r2 = hh * (HYB_GA[2][0] * F0 + HYB_GA[2][1] * F1 + HYB_GA[2][2] * F2);
    double s0, s1, s2;
    detv[l] = rui_hyb_affine1_solve(hh * jac[l], hh * jac[nl + l], hh * jac[2 * nl + l], r0, r1,
                                    r2, &s0, &s1, &s2);
    fj[l] = F0 + jac[l] * s0;
    fj[nl + l] = F1 + jac[nl + l] * s1;
    fj[2 * nl + l] = F2 + jac[2 * nl + l] * s2;
    x1[l] = y0[l] + (HYB_GD[0] * s0 + HYB_GD[1] * s1 + HYB_GD[2] * s2);
  }
  for (size_t l = 0; l < nl; l++) {
    if (!(hjv[l] <= cap)) {
      redo[l] = 1;
      hj[l] = rui_hyb_nanmax(hj[l], hjv[l] / cap);
    }
    if (!(fabs(detv[l]) >= RUI_HYB_PIVOT_MIN)) {
      redo[l] = 1;
      hj[l] = hj[l] > 2.0 ? hj[l] : 2.0;
    }
  }
  /* the endpoint: a fresh evaluation with the exact forcing at t1, the defects at both ends */
  kinput(in, h->x1, h->pt_u, nl);
  for (size_t l = 0; l < nl; l++) {
    pt_t[l] = tl[l] + hl[l];
    pt_y[l] = x1[l];
  }
  if ((st = krhs(h, nl, h->pt_u, pt_f, err)) != RU_OK) {
    return st;
  }
  const double tol = h->opt.tol, at = h->atol[row];
  double *restrict fs = h->f1 + row * nl;
#pragma omp simd
  for (size_t l = 0; l < nl; l++) {
    const double fe = pt_f[l];
    fs[l] = fe;
    const double F0 = fj[l], F1 = fj[nl + l], F2 = fj[2 * nl + l];
    const double slope1 = HYB_GE[0] * F0 + HYB_GE[1] * F1 + HYB_GE[2] * F2;
    const double slope0 = HYB_GE0[0] * F0 + HYB_GE0[1] * F1 + HYB_GE0[2] * F2;
    const double e1 = hl[l] * fabs(slope1 - fe) / (tol * fabs(x1[l]) + at);
    const double e0 = hl[l] * fabs(slope0 - f0[l]) / (tol * fabs(y0[l]) + at);
    errv[l] = rui_hyb_nanmax(errv[l], rui_hyb_nanmax(e0, e1));
  }
  return RU_OK;
}

/* Commits lane l's accepted step: the group's states, the block's state and its end slope. */
HYB_INLINE void kcommit(rui_hyb *h, size_t l) {
  const size_t nl = h->nl, row = h->blk[0].rows[0];
  const hyb_group *G = &h->grp[h->kg];
  for (size_t a = 0; a < G->m; a++) {
    const size_t s = G->states[a] * nl + l;
    h->y[s] = h->x1[s];
  }
  h->y[row * nl + l] = h->x1[row * nl + l];
  h->fstart[row * nl + l] = h->f1[row * nl + l];
}

/* rui_hyb_advance's loop for the kernel's shape (the rates are set and the free groups are
 * propagated by the caller). */
HYB_INLINE ru_status kadvance(rui_hyb *restrict h, size_t g, double t0, double H, int *declined,
                              const size_t m, const size_t nl, ru_error *err) {
  rui_hyb_segment_start(h, H);
  size_t left = nl;
  ru_status st;
  for (int pass = 0; left > 0; pass++) {
    if ((st = rui_hyb_pass_setup(h, t0, H, err)) != RU_OK ||
        (st = kstep(h, g, declined, m, nl, err)) != RU_OK) {
      return st;
    }
    if (*declined) {
      /* a callback declines for good, so only ever at the first pass: nothing committed yet */
      return pass == 0 ? RU_OK
                       : ru_error_set(err, RU_ESOLVER, "hybrid solver: the Jacobian of block 0 "
                                      "declined in the middle of a segment");
    }
    h->stats.kernel_calls++;
    if ((st = rui_hyb_pass_control(h, H, kcommit, &left, err)) != RU_OK) {
      return st;
    }
  }
  return RU_OK;
}

/* One instance per lane count and group size (constant trip counts: the lane and state loops
 * unroll into registers), each multiversioned (HYB_CLONES); m = 2 and 3 are the one- and
 * two-compartment oral models, other sizes take the generic instance. */
#define KINST(NAME, M, NL)                                                                       \
  HYB_CLONES static ru_status NAME(rui_hyb *h, size_t g, double t0, double H, int *dec,         \
                                   ru_error *err) {                                              \
    return kadvance(h, g, t0, H, dec, M, NL, err);                                               \
  }
KINST(kadv_2_1, 2, 1)
KINST(kadv_2_4, 2, 4)
KINST(kadv_2_8, 2, 8)
KINST(kadv_2_16, 2, 16)
KINST(kadv_3_1, 3, 1)
KINST(kadv_3_4, 3, 4)
KINST(kadv_3_8, 3, 8)
KINST(kadv_3_16, 3, 16)
KINST(kadv_n, h->grp[g].m, h->nl)

ru_status rui_hyb_kernel_advance(rui_hyb *h, size_t g, double t0, double H, int *declined,
                                 ru_error *err) {
  *declined = 0;
  const size_t m = h->grp[g].m;
  const unsigned key = (unsigned)(m == 2 || m == 3 ? m : 0) * 100u + (unsigned)h->nl;
  switch (key) {
  case 201: return kadv_2_1(h, g, t0, H, declined, err);
  case 204: return kadv_2_4(h, g, t0, H, declined, err);
  case 208: return kadv_2_8(h, g, t0, H, declined, err);
  case 216: return kadv_2_16(h, g, t0, H, declined, err);
  case 301: return kadv_3_1(h, g, t0, H, declined, err);
  case 304: return kadv_3_4(h, g, t0, H, declined, err);
  case 308: return kadv_3_8(h, g, t0, H, declined, err);
  case 316: return kadv_3_16(h, g, t0, H, declined, err);
  default: return kadv_n(h, g, t0, H, declined, err);
  }
}
