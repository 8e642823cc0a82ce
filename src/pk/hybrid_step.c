/* One collocation step of the hybrid solver on every lane at once (hybrid_impl.h).
 *
 * 3-stage Gauss-Legendre collocation (Hairer & Wanner, Solving ODEs II, sec. IV.5): the stage
 * increments Z_j = Y_j - y0 solve Z_j = h sum_q a_jq f(t0 + c_q h, y0 + Z_q, u(t0 + c_q h)),
 * y1 = y0 + sum_j d_j Z_j. The inputs u at the nodes are exact for closed-form groups (driver
 * rows of e^{A c_j h}) and the stage values of the blocks read (solved first: blocks are in
 * topological order, so solving them one after the other is the same as solving the whole
 * block-triangular stage system). Per block:
 *   - explicit (the block reads none of its own states): Z = h A F, a quadrature;
 *   - affine: f = F_j + J_j (y - y0) at node j exactly, so the stage system is one linear
 *     solve (I - h (A x J)) Z = h A F;
 *   - Newton: simplified Newton with J0 = df/dy at the midpoint node, the 3 nb x 3 nb matrix
 *     I - h A (x) J0 factorised once per step (Hairer & Wanner IV.8).
 * Error: the collocation polynomial's slope at t1, sum_j l_j(1) F_j, against a fresh
 * evaluation f(t1, y1, u(t1)) with the inputs at t1 taken from the exact closed form (never used
 * by the stages, so an unresolved transient in the forcing shows up): err = max_i h |delta_i| /
 * (tol |y1_i| + atol_i); and the same at t0 against f(t0, y0, u(t0)) (the previous step's end
 * evaluation, or a fresh one after an event): a forcing that jumps within the first node's
 * distance of the start (an occupancy saturating minutes after a dose) leaves every node and the
 * end on the plateau, and only the start sees it. Before that, the stiffness cap
 * h ||J||_inf <= stiff_cap.
 * Linear solves are LU without pivoting: the matrices are I - E with E = O(h ||J||) bounded by
 * the cap; a pivot below RUI_HYB_PIVOT_MIN rejects the lane's step instead (smaller h brings the
 * matrix back to I), which keeps every lane's arithmetic identical whatever the batch.
 *
 * Speed: the kernel is one inline function of the lane count, instantiated for 1, 2, 4, 8 and
 * 16 lanes (constant trip counts: the lane loops become registers or vectors) with a generic
 * fallback; the same source and the same operation order in every instance. */
#include <math.h>
#include <string.h>

#include "pk/hybrid_impl.h"

/* Newton stops when the weighted increment (scaled like the error test) times the contraction
 * estimate theta/(1-theta) is below this (Hairer & Wanner IV.8, kappa * Tol: they take
 * kappa = 1e-2 to 1e-1 because their tolerance is met by the step error alone; here the error is
 * 1e-3 of tol (the defect overestimates), and a Newton residue of 1e-2 tol would dominate it:
 * 1.3e-6 on the stiff test effect, where Radau's y1 = Y3 carries it unfiltered). */
#define RUI_HYB_NEWTON_KAPPA 1e-3
/* Difference quotient step for Newton's Jacobian: sqrt(2^-52) of the state's scale. */
#define RUI_HYB_FD_REL 1.4901161193847656e-08

const double rui_gl3_c[3] = {0.5 - RUI_SQRT15 / 10.0, 0.5, 0.5 + RUI_SQRT15 / 10.0};
const double rui_gl3_a[3][3] = {
    {5.0 / 36.0, 2.0 / 9.0 - RUI_SQRT15 / 15.0, 5.0 / 36.0 - RUI_SQRT15 / 30.0},
    {5.0 / 36.0 + RUI_SQRT15 / 24.0, 2.0 / 9.0, 5.0 / 36.0 - RUI_SQRT15 / 24.0},
    {5.0 / 36.0 + RUI_SQRT15 / 30.0, 2.0 / 9.0 + RUI_SQRT15 / 15.0, 5.0 / 36.0}};
const double rui_gl3_b[3] = {5.0 / 18.0, 4.0 / 9.0, 5.0 / 18.0};
const double rui_gl3_d[3] = {5.0 / 3.0, -4.0 / 3.0, 5.0 / 3.0};
const double rui_gl3_e[3] = {5.0 / 6.0 - RUI_SQRT15 / 6.0, -2.0 / 3.0, 5.0 / 6.0 + RUI_SQRT15 / 6.0};

/* 3-stage Radau IIA (Ehle 1969; Hairer & Wanner II, Table IV.5.6): nodes RC, matrix RA (its
 * last row is b: stiffly accurate, y1 = Y3), and the embedded error estimate of Hairer &
 * Wanner II, IV.8 eqs. (8.19)-(8.20): err = (I - h g0 J)^{-1} g0 (h f(t0, y0) + sum_i RDD_i Z_i),
 * g0 = 1 / (real eigenvalue of RA^{-1}) = (6 + 81^(1/3) - 9^(1/3)) / 30, RDD = ((-13 - 7 sqrt 6),
 * (-13 + 7 sqrt 6), -1) / 3: an order-3 estimate (zero on polynomials of degree <= 3), filtered
 * so that stiff components do not inflate it. */
#define RUI_SQRT6 2.44948974278317809820
static const double RC[3] = {0.4 - RUI_SQRT6 / 10.0, 0.4 + RUI_SQRT6 / 10.0, 1.0};
static const double RA[3][3] = {
    {(88.0 - 7.0 * RUI_SQRT6) / 360.0, (296.0 - 169.0 * RUI_SQRT6) / 1800.0,
     (-2.0 + 3.0 * RUI_SQRT6) / 225.0},
    {(296.0 + 169.0 * RUI_SQRT6) / 1800.0, (88.0 + 7.0 * RUI_SQRT6) / 360.0,
     (-2.0 - 3.0 * RUI_SQRT6) / 225.0},
    {(16.0 - RUI_SQRT6) / 36.0, (16.0 + RUI_SQRT6) / 36.0, 1.0 / 9.0}};
static const double RDD[3] = {-(13.0 + 7.0 * RUI_SQRT6) / 3.0, (-13.0 + 7.0 * RUI_SQRT6) / 3.0,
                              -1.0 / 3.0};
#define RUI_RADAU_G0 0.274888829595677367748
/* The embedded estimate is of order 3 against the defect's 4 (Gauss-Legendre) and the error it
 * leaves is larger per unit of tol: on the stiff test effect (test_hybrid_effect.c) tol, tol/10
 * and tol/100 gave 7.1e-7, 1.5e-7 and 3.7e-8 at the default tol 1e-4; stiff blocks use 0.03 of
 * the tolerance (about 3e-7 there, 1e-6 with a factor 3 margin). */
#define RUI_HYB_STIFF_TOL 0.03
const double rui_radau_c[3] = {0.4 - RUI_SQRT6 / 10.0, 0.4 + RUI_SQRT6 / 10.0, 1.0};
const double rui_radau_a[3][3] = {
    {(88.0 - 7.0 * RUI_SQRT6) / 360.0, (296.0 - 169.0 * RUI_SQRT6) / 1800.0,
     (-2.0 + 3.0 * RUI_SQRT6) / 225.0},
    {(296.0 + 169.0 * RUI_SQRT6) / 1800.0, (88.0 + 7.0 * RUI_SQRT6) / 360.0,
     (-2.0 - 3.0 * RUI_SQRT6) / 225.0},
    {(16.0 - RUI_SQRT6) / 36.0, (16.0 + RUI_SQRT6) / 36.0, 1.0 / 9.0}};
const double rui_radau_dd[3] = {-(13.0 + 7.0 * RUI_SQRT6) / 3.0, (-13.0 + 7.0 * RUI_SQRT6) / 3.0,
                                -1.0 / 3.0};

/* Calls the block's right-hand side on np points (inputs u, output f) and adds the input rates
 * of its rows. */
static ru_status call_rhs(rui_hyb *h, size_t b, size_t np, const double *u, double *f,
                          ru_error *err) {
  const hyb_block *B = &h->blk[b];
  const int rc = h->sys.rhs(h->sys.user, b, np, h->nl, h->pt_t, h->pt_y, u, f);
  h->stats.rhs_points += (long)np;
  if (rc != 0) {
    return ru_error_set(err, RU_ESOLVER, "hybrid solver: the right-hand side of block %zu %s (%d)",
                        b, rc < 0 ? "failed" : "asked for a smaller step, which is not supported",
                        rc);
  }
  if (B->has_rate) {
    for (size_t i = 0; i < B->nb; i++) {
      const double r = h->rate[B->rows[i]];
      if (r != 0.0) {
        double *fi = f + i * np;
        for (size_t p = 0; p < np; p++) {
          fi[p] += r;
        }
      }
    }
  }
  return RU_OK;
}

/* Closed-form groups that feed blocks: end-of-step states x1 and driver values at the nodes. */
HYB_INLINE void groups_step(rui_hyb *restrict h, const size_t nl) {
  for (size_t g = 0; g < h->ng; g++) {
    const hyb_group *G = &h->grp[g];
    if (!G->feeds) {
      continue;
    }
    const size_t m = G->m;
    const double *restrict P = h->pact[g], *restrict R = h->ract[g];
    const double *restrict Ga = h->gact[g], *restrict GN = h->gnact[g];
    const double *restrict y = h->y;
    double acc[RUI_HYB_LANES_MAX];
    for (size_t a = 0; a < m; a++) {
      for (size_t l = 0; l < nl; l++) {
        acc[l] = Ga[a * nl + l];
      }
      for (size_t bb = 0; bb < m; bb++) {
        const double *restrict pp = P + (a * m + bb) * nl, *restrict y0 = y + G->states[bb] * nl;
#pragma omp simd
        for (size_t l = 0; l < nl; l++) {
          acc[l] += pp[l] * y0[l];
        }
      }
      memcpy(h->x1 + G->states[a] * nl, acc, nl * sizeof acc[0]);
    }
    double *restrict xn = h->xn + h->goff[g];
    for (size_t dj = 0; dj < G->nd * 3; dj++) {
      for (size_t l = 0; l < nl; l++) {
        acc[l] = GN[dj * nl + l];
      }
      for (size_t a = 0; a < m; a++) {
        const double *restrict rr = R + (dj * m + a) * nl, *restrict y0 = y + G->states[a] * nl;
#pragma omp simd
        for (size_t l = 0; l < nl; l++) {
          acc[l] += rr[l] * y0[l];
        }
      }
      memcpy(xn + dj * nl, acc, nl * sizeof acc[0]);
    }
  }
}

/* Weight of stage i of a block whose nodes are src at the node x: its collocation polynomial
 * through (0, 0), (src_i, Z_i) (Lagrange basis on 0, src_1..3), for a stiff (Radau) block that
 * reads a Gauss-Legendre block or the reverse; order 3 between nodes (the stage order). */
static double stage_weight(const double *src, size_t i, double x) {
  double w = x / src[i];
  for (size_t k = 0; k < 3; k++) {
    if (k != i) {
      w *= (x - src[k]) / (src[i] - src[k]);
    }
  }
  return w;
}

/* Inputs of block b at the three nodes into un[(k*3 + j)*nl + l]. */
HYB_INLINE void node_inputs(rui_hyb *restrict h, size_t b, const size_t nl) {
  const hyb_block *B = &h->blk[b];
  const int stiff = B->kind == RUI_HYB_STIFF;
  double *restrict un = h->un + h->uoff[b];
  double acc[RUI_HYB_LANES_MAX];
  for (size_t k = 0; k < B->ni; k++) {
    const hyb_input *in = &B->in[k];
    for (size_t j = 0; j < 3; j++) {
      for (size_t l = 0; l < nl; l++) {
        acc[l] = 0.0;
      }
      for (size_t q = 0; q < in->ndrv; q++) {
        const double *restrict xn =
            h->xn + h->goff[in->drv_group[q]] + (in->drv[q] * 3 + j) * nl;
        for (size_t l = 0; l < nl; l++) {
          acc[l] += xn[l];
        }
      }
      for (size_t t = 0; t < in->nterm; t++) {
        const hyb_term *tm = &in->term[t];
        if (tm->group >= 0) {
          continue;
        }
        const double *restrict y0 = h->y + tm->state * nl;
        const double *restrict cf = in->coef + t * nl;
        if ((h->blk[tm->block].kind == RUI_HYB_STIFF) != stiff) {
          /* the source's polynomial at this block's node */
          const double *src = stiff ? HYB_GC : RC;
          const double x = stiff ? RC[j] : HYB_GC[j];
          const double *restrict zs = h->z + h->boff[tm->block] + (tm->bpos * 3) * nl;
          const double w0 = stage_weight(src, 0, x), w1 = stage_weight(src, 1, x),
                       w2 = stage_weight(src, 2, x);
          for (size_t l = 0; l < nl; l++) {
            acc[l] += cf[l] * (y0[l] + (w0 * zs[l] + w1 * zs[nl + l] + w2 * zs[2 * nl + l]));
          }
          continue;
        }
        const double *restrict z = h->z + h->boff[tm->block] + (tm->bpos * 3 + j) * nl;
#pragma omp simd
        for (size_t l = 0; l < nl; l++) {
          acc[l] += cf[l] * (y0[l] + z[l]);
        }
      }
      memcpy(un + (k * 3 + j) * nl, acc, nl * sizeof acc[0]);
    }
  }
}

/* Fills the point buffers for block b: `copies` replicas of the nodes (nodes = 3: all three;
 * nodes = 1: the midpoint only) with times, own states y0 (+ z when with_z) and, when fill_u,
 * the node inputs (otherwise the caller passes un itself: same layout for 1 replica of 3
 * nodes); point p = (r*nodes + jj)*nl + l. Returns the number of points. */
HYB_INLINE size_t fill_points(rui_hyb *restrict h, size_t b, size_t copies, size_t nodes,
                              int with_z, int fill_u, const size_t nl) {
  const size_t np = copies * nodes * nl;
  const hyb_block *B = &h->blk[b];
  const double *restrict un = h->un + h->uoff[b];
  const double *restrict z = h->z + h->boff[b];
  for (size_t r = 0; r < copies; r++) {
    for (size_t jj = 0; jj < nodes; jj++) {
      const size_t j = nodes == 1 ? 1 : jj;
      const size_t p0 = (r * nodes + jj) * nl;
      const double c = B->kind == RUI_HYB_STIFF ? RC[j] : HYB_GC[j];
      for (size_t l = 0; l < nl; l++) {
        h->pt_t[p0 + l] = h->tl[l] + c * h->hl[l];
      }
      for (size_t i = 0; i < B->nb; i++) {
        const double *restrict y0 = h->y + B->rows[i] * nl;
        double *restrict py = h->pt_y + i * np + p0;
        if (with_z) {
          const double *restrict zz = z + (i * 3 + j) * nl;
#pragma omp simd
          for (size_t l = 0; l < nl; l++) {
            py[l] = y0[l] + zz[l];
          }
        } else {
          for (size_t l = 0; l < nl; l++) {
            py[l] = y0[l];
          }
        }
      }
      if (fill_u) {
        for (size_t k = 0; k < B->ni; k++) {
          const double *restrict uk = un + (k * 3 + j) * nl;
          double *restrict pu = h->pt_u + k * np + p0;
          for (size_t l = 0; l < nl; l++) {
            pu[l] = uk[l];
          }
        }
      }
    }
  }
  return np;
}

/* Difference-quotient step for a state of lane l: the state's scale for an affine block (exact
 * up to rounding for any step), a relative sqrt(eps) for Newton. */
HYB_INLINE double fd_step(const rui_hyb *h, size_t row, size_t l, int affine) {
  const double y = fabs(h->y[row * h->nl + l]);
  const double s = h->scale[row];
  const double m = y > s ? y : s;
  return affine ? m : RUI_HYB_FD_REL * m;
}

/* Jacobian of block b at `nodes` nodes (1: the midpoint, 3: all) into
 * h->jac[((i*nb + c)*nodes + j)*nl + l] (row i, column c, node j), from the caller's jac or
 * difference quotients; f at the base points (own states y0) into h->fj[(i*3 + j)*nl + l]. */
HYB_INLINE ru_status block_jacobian(rui_hyb *restrict h, size_t b, size_t nodes, int affine,
                                    const size_t nl, ru_error *err) {
  hyb_block *B = &h->blk[b];
  const size_t nb = B->nb;
  double *restrict fj = h->fj + h->boff[b];
  const double *un = h->un + h->uoff[b];
  ru_status st;
  for (;;) {
    const int have = h->sys.jac != NULL && !B->no_jac;
    if (have && nodes == 3) {
      /* one replica of the three nodes: inputs straight from un, outputs into fj and jac */
      const size_t np = fill_points(h, b, 1, 3, 0, 0, nl);
      if ((st = call_rhs(h, b, np, un, fj, err)) != RU_OK) {
        return st;
      }
      const int rc = h->sys.jac(h->sys.user, b, np, nl, h->pt_t, h->pt_y, un, h->jac);
      if (rc == RUI_HYB_NO_JAC) {
        B->no_jac = 1;
        continue;
      }
      if (rc != 0) {
        return ru_error_set(err, RU_ESOLVER,
                            "hybrid solver: the Jacobian of block %zu failed (%d)", b, rc);
      }
      return RU_OK;
    }
    const size_t copies = have ? 1 : 1 + nb;
    const size_t np = fill_points(h, b, copies, nodes, 0, 1, nl);
    const size_t nn = nodes * nl; /* points per replica */
    if (!have) {
      for (size_t c = 0; c < nb; c++) {
        double *py = h->pt_y + c * np + (1 + c) * nn;
        for (size_t p = 0; p < nn; p++) {
          py[p] += fd_step(h, B->rows[c], p % nl, affine);
        }
      }
    }
    if ((st = call_rhs(h, b, np, h->pt_u, h->pt_f, err)) != RU_OK) {
      return st;
    }
    for (size_t i = 0; i < nb; i++) {
      for (size_t j = 0; j < nodes; j++) {
        const double *restrict f0 = h->pt_f + i * np + j * nl;
        double *restrict out = fj + (i * 3 + j) * nl;
        for (size_t l = 0; l < nl; l++) {
          out[l] = f0[l];
        }
      }
    }
    if (have) {
      const int rc = h->sys.jac(h->sys.user, b, np, nl, h->pt_t, h->pt_y, h->pt_u, h->jac);
      if (rc == RUI_HYB_NO_JAC) {
        B->no_jac = 1;
        continue;
      }
      if (rc != 0) {
        return ru_error_set(err, RU_ESOLVER,
                            "hybrid solver: the Jacobian of block %zu failed (%d)", b, rc);
      }
      return RU_OK;
    }
    for (size_t i = 0; i < nb; i++) {
      for (size_t c = 0; c < nb; c++) {
        for (size_t j = 0; j < nodes; j++) {
          const double *restrict fp = h->pt_f + i * np + (1 + c) * nn + j * nl;
          const double *restrict f0 = h->pt_f + i * np + j * nl;
          double *restrict jj = h->jac + ((i * nb + c) * nodes + j) * nl;
          for (size_t l = 0; l < nl; l++) {
            jj[l] = (fp[l] - f0[l]) / fd_step(h, B->rows[c], l, affine);
          }
        }
      }
    }
    return RU_OK;
  }
}

/* Stiffness cap: ||J_j||_inf * h over the nodes given; marks lanes to redo. */
HYB_INLINE void stiffness(rui_hyb *restrict h, size_t b, size_t nodes, const size_t nl) {
  const size_t nb = h->blk[b].nb;
  double *restrict jn = h->jnorm + b * nl;
  if (nb == 1) {
    const double *restrict jac = h->jac, *restrict hl = h->hl;
    const double cap = h->opt.stiff_cap;
    double *restrict hj = h->vec + nl; /* scratch */
#pragma omp simd
    for (size_t l = 0; l < nl; l++) {
      double best = 0.0;
      for (size_t j = 0; j < nodes; j++) {
        best = rui_hyb_nanmax(best, fabs(jac[j * nl + l]));
      }
      jn[l] = best;
      hj[l] = best * hl[l];
    }
    for (size_t l = 0; l < nl; l++) {
      if (!(hj[l] <= cap)) {
        h->redo[l] = 1;
        h->hj[l] = rui_hyb_nanmax(h->hj[l], hj[l] / cap);
      }
    }
    return;
  }
  for (size_t l = 0; l < nl; l++) {
    double best = 0.0;
    for (size_t j = 0; j < nodes; j++) {
      for (size_t i = 0; i < nb; i++) {
        double s = 0.0;
        for (size_t c = 0; c < nb; c++) {
          s += fabs(h->jac[((i * nb + c) * nodes + j) * nl + l]);
        }
        best = rui_hyb_nanmax(best, s);
      }
    }
    jn[l] = best;
    const double x = best * h->hl[l];
    if (!(x <= h->opt.stiff_cap)) {
      h->redo[l] = 1;
      h->hj[l] = rui_hyb_nanmax(h->hj[l], x / h->opt.stiff_cap);
    }
  }
}

/* LU without pivoting of the N x N lane matrices in h->mat (SoA), in place; lanes with a pivot
 * below RUI_HYB_PIVOT_MIN are marked for a redo. */
HYB_INLINE void lu_lanes(rui_hyb *restrict h, size_t N, const size_t nl) {
  double *restrict m = h->mat;
  double inv[RUI_HYB_LANES_MAX];
  for (size_t k = 0; k < N; k++) {
    const double *pk = m + (k * N + k) * nl;
    for (size_t l = 0; l < nl; l++) {
      const int bad = !(fabs(pk[l]) >= RUI_HYB_PIVOT_MIN);
      if (bad) {
        h->redo[l] = 1;
        h->hj[l] = h->hj[l] > 2.0 ? h->hj[l] : 2.0;
      }
      inv[l] = 1.0 / (bad ? 1.0 : pk[l]);
    }
    for (size_t i = k + 1; i < N; i++) {
      double *restrict mik = m + (i * N + k) * nl;
      for (size_t l = 0; l < nl; l++) {
        mik[l] *= inv[l];
      }
      for (size_t j = k + 1; j < N; j++) {
        double *restrict mij = m + (i * N + j) * nl;
        const double *restrict mkj = m + (k * N + j) * nl;
#pragma omp simd
        for (size_t l = 0; l < nl; l++) {
          mij[l] -= mik[l] * mkj[l];
        }
      }
    }
  }
}

/* Solves with the factors in h->mat: x (N x nl SoA) overwritten. */
HYB_INLINE void lu_solve_lanes(const rui_hyb *restrict h, size_t N, double *restrict x,
                               const size_t nl) {
  const double *restrict m = h->mat;
  for (size_t i = 1; i < N; i++) {
    for (size_t k = 0; k < i; k++) {
      const double *restrict mik = m + (i * N + k) * nl;
      const double *restrict xk = x + k * nl;
      double *restrict xi = x + i * nl;
#pragma omp simd
      for (size_t l = 0; l < nl; l++) {
        xi[l] -= mik[l] * xk[l];
      }
    }
  }
  for (size_t i = N; i-- > 0;) {
    double *restrict xi = x + i * nl;
    for (size_t k = i + 1; k < N; k++) {
      const double *restrict mik = m + (i * N + k) * nl;
      const double *restrict xk = x + k * nl;
#pragma omp simd
      for (size_t l = 0; l < nl; l++) {
        xi[l] -= mik[l] * xk[l];
      }
    }
    const double *restrict mii = m + (i * N + i) * nl;
    for (size_t l = 0; l < nl; l++) {
      xi[l] /= (fabs(mii[l]) >= RUI_HYB_PIVOT_MIN ? mii[l] : 1.0);
    }
  }
}

/* LU with partial pivoting of the N x N lane matrices in m (SoA), lane by lane (the pivots of a
 * lane depend on its numbers only: every lane's arithmetic is the same in any batch); a zero or
 * non-finite pivot marks the lane for a redo. piv[k*nl + l]. For the stiff blocks, whose
 * matrices I - h A J with h ||J|| >> 1 are far from the identity. */
HYB_INLINE void lu_pivot_lanes(rui_hyb *restrict h, double *restrict m, size_t N, size_t *piv,
                               const size_t nl) {
  for (size_t l = 0; l < nl; l++) {
    int bad = 0;
    for (size_t k = 0; k < N; k++) {
      size_t p = k;
      double big = fabs(m[(k * N + k) * nl + l]);
      for (size_t i = k + 1; i < N; i++) {
        const double v = fabs(m[(i * N + k) * nl + l]);
        if (v > big) {
          big = v;
          p = i;
        }
      }
      piv[k * nl + l] = p;
      if (!(big > 0.0) || !isfinite(big)) {
        bad = 1;
        break;
      }
      if (p != k) {
        for (size_t j = 0; j < N; j++) {
          const double t = m[(k * N + j) * nl + l];
          m[(k * N + j) * nl + l] = m[(p * N + j) * nl + l];
          m[(p * N + j) * nl + l] = t;
        }
      }
      const double inv = 1.0 / m[(k * N + k) * nl + l];
      for (size_t i = k + 1; i < N; i++) {
        const double f = m[(i * N + k) * nl + l] * inv;
        m[(i * N + k) * nl + l] = f;
        for (size_t j = k + 1; j < N; j++) {
          m[(i * N + j) * nl + l] -= f * m[(k * N + j) * nl + l];
        }
      }
    }
    if (bad) {
      h->redo[l] = 1;
      h->hj[l] = h->hj[l] > 2.0 ? h->hj[l] : 2.0;
      for (size_t k = 0; k < N * N; k++) {
        m[k * nl + l] = (k / N == k % N) ? 1.0 : 0.0; /* harmless identity for the solves */
      }
      for (size_t k = 0; k < N; k++) {
        piv[k * nl + l] = k;
      }
    }
  }
}

/* Solves with lu_pivot_lanes' factors: x (N x nl SoA) overwritten. */
HYB_INLINE void lu_pivot_solve_lanes(const double *restrict m, size_t N, const size_t *piv,
                                     double *restrict x, const size_t nl) {
  for (size_t l = 0; l < nl; l++) {
    for (size_t k = 0; k < N; k++) {
      const size_t p = piv[k * nl + l];
      if (p != k) {
        const double t = x[k * nl + l];
        x[k * nl + l] = x[p * nl + l];
        x[p * nl + l] = t;
      }
    }
    for (size_t i = 1; i < N; i++) {
      double acc = x[i * nl + l];
      for (size_t k = 0; k < i; k++) {
        acc -= m[(i * N + k) * nl + l] * x[k * nl + l];
      }
      x[i * nl + l] = acc;
    }
    for (size_t i = N; i-- > 0;) {
      double acc = x[i * nl + l];
      for (size_t k = i + 1; k < N; k++) {
        acc -= m[(i * N + k) * nl + l] * x[k * nl + l];
      }
      x[i * nl + l] = acc / m[(i * N + i) * nl + l];
    }
  }
}

/* I - h (A (x) J), unknowns ordered (state i, node j) -> i*3 + j: J per node (affine, nodes =
 * 3) or J0 at every node (Newton, nodes = 1). */
HYB_INLINE void stage_matrix(rui_hyb *restrict h, size_t b, size_t nodes, const size_t nl) {
  const size_t nb = h->blk[b].nb, N = 3 * nb;
  const double(*TA)[3] = h->blk[b].kind == RUI_HYB_STIFF ? RA : HYB_GA;
  for (size_t i = 0; i < nb; i++) {
    for (size_t j = 0; j < 3; j++) {
      for (size_t c = 0; c < nb; c++) {
        for (size_t q = 0; q < 3; q++) {
          const double a = TA[j][q];
          const size_t jn = nodes == 3 ? q : 0;
          double *restrict mm = h->mat + ((i * 3 + j) * N + (c * 3 + q)) * nl;
          const double *restrict jj = h->jac + ((i * nb + c) * nodes + jn) * nl;
          const double id = (j == q && i == c) ? 1.0 : 0.0;
#pragma omp simd
          for (size_t l = 0; l < nl; l++) {
            mm[l] = id - h->hl[l] * a * jj[l];
          }
        }
      }
    }
  }
}

/* z = h A F for block b (F in fj). */
HYB_INLINE void quadrature(rui_hyb *restrict h, size_t b, const size_t nl) {
  const size_t nb = h->blk[b].nb;
  const double *restrict fj = h->fj + h->boff[b];
  double *restrict z = h->z + h->boff[b];
  for (size_t i = 0; i < nb; i++) {
    const double *f0 = fj + (i * 3) * nl, *f1 = f0 + nl, *f2 = f0 + 2 * nl;
    for (size_t j = 0; j < 3; j++) {
      double *restrict zz = z + (i * 3 + j) * nl;
#pragma omp simd
      for (size_t l = 0; l < nl; l++) {
        zz[l] = h->hl[l] * (HYB_GA[j][0] * f0[l] + HYB_GA[j][1] * f1[l] + HYB_GA[j][2] * f2[l]);
      }
    }
  }
}

HYB_INLINE ru_status solve_explicit(rui_hyb *restrict h, size_t b, const size_t nl,
                                    ru_error *err) {
  const size_t np = fill_points(h, b, 1, 3, 0, 0, nl);
  ru_status st = call_rhs(h, b, np, h->un + h->uoff[b], h->fj + h->boff[b], err);
  if (st != RU_OK) {
    return st;
  }
  quadrature(h, b, nl);
  return RU_OK;
}

/* The affine stage system of a one-state block, (I - h A diag(J)) Z = h A F
 * (rui_hyb_affine1_solve). */
HYB_INLINE void solve_affine1(rui_hyb *restrict h, size_t b, const size_t nl) {
  double *restrict z = h->z + h->boff[b];
  const double *restrict jac = h->jac;
  const double *restrict hl = h->hl;
  double *restrict detv = h->vec; /* scratch: the determinants, tested after the vector loop */
#pragma omp simd
  for (size_t l = 0; l < nl; l++) {
    const double hh = hl[l];
    double s0, s1, s2;
    detv[l] = rui_hyb_affine1_solve(hh * jac[l], hh * jac[nl + l], hh * jac[2 * nl + l], z[l],
                                    z[nl + l], z[2 * nl + l], &s0, &s1, &s2);
    z[l] = s0;
    z[nl + l] = s1;
    z[2 * nl + l] = s2;
  }
  for (size_t l = 0; l < nl; l++) {
    if (!(fabs(detv[l]) >= RUI_HYB_PIVOT_MIN)) {
      h->redo[l] = 1;
      h->hj[l] = h->hj[l] > 2.0 ? h->hj[l] : 2.0;
    }
  }
}

HYB_INLINE ru_status solve_affine(rui_hyb *restrict h, size_t b, const size_t nl,
                                  ru_error *err) {
  const size_t nb = h->blk[b].nb, N = 3 * nb;
  ru_status st = block_jacobian(h, b, 3, 1, nl, err);
  if (st != RU_OK) {
    return st;
  }
  stiffness(h, b, 3, nl);
  quadrature(h, b, nl);
  double *restrict fj = h->fj + h->boff[b], *restrict z = h->z + h->boff[b];
  if (nb == 1) {
    solve_affine1(h, b, nl);
  } else {
    stage_matrix(h, b, 3, nl);
    lu_lanes(h, N, nl);
    lu_solve_lanes(h, N, z, nl);
  }
  /* stage derivatives F_j + J_j Z_j (exact for an affine block) */
  for (size_t i = 0; i < nb; i++) {
    for (size_t j = 0; j < 3; j++) {
      double *restrict ff = fj + (i * 3 + j) * nl;
      for (size_t c = 0; c < nb; c++) {
        const double *restrict jj = h->jac + ((i * nb + c) * 3 + j) * nl;
        const double *restrict zz = z + (c * 3 + j) * nl;
#pragma omp simd
        for (size_t l = 0; l < nl; l++) {
          ff[l] += jj[l] * zz[l];
        }
      }
    }
  }
  return RU_OK;
}

/* Weighted max norm of a stage increment (lane l), scaled like the error test. */
HYB_INLINE double znorm(const rui_hyb *h, size_t b, const double *dz, size_t l, const size_t nl) {
  const size_t nb = h->blk[b].nb;
  const double tol = h->blk[b].kind == RUI_HYB_STIFF ? RUI_HYB_STIFF_TOL * h->opt.tol : h->opt.tol;
  double best = 0.0;
  for (size_t i = 0; i < nb; i++) {
    const size_t row = h->blk[b].rows[i];
    const double sc = tol * fabs(h->y[row * nl + l]) + h->atol[row];
    for (size_t j = 0; j < 3; j++) {
      best = rui_hyb_nanmax(best, fabs(dz[(i * 3 + j) * nl + l]) / sc);
    }
  }
  return best;
}

/* Simplified Newton on the stage system of a Newton block (Gauss-Legendre) or a stiff block
 * (Radau IIA: pivoted solves, no stiffness cap, and the embedded error estimate at the end). */
HYB_INLINE ru_status solve_newton(rui_hyb *restrict h, size_t b, const size_t nl,
                                  ru_error *err) {
  const hyb_block *B = &h->blk[b];
  const size_t nb = B->nb, N = 3 * nb, np = 3 * nl;
  const int stiff = B->kind == RUI_HYB_STIFF;
  const double(*TA)[3] = stiff ? RA : HYB_GA;
  const double *TC = stiff ? RC : HYB_GC;
  ru_status st = block_jacobian(h, b, 1, 0, nl, err);
  if (st != RU_OK) {
    return st;
  }
  if (!stiff) {
    stiffness(h, b, 1, nl);
  }
  stage_matrix(h, b, 1, nl);
  if (stiff) {
    lu_pivot_lanes(h, h->mat, N, h->piv, nl);
  } else {
    lu_lanes(h, N, nl);
  }
  double *restrict z = h->z + h->boff[b], *restrict fj = h->fj + h->boff[b];
  double *restrict dz = h->dz;
  const double *un = h->un + h->uoff[b];
  /* start: Z_j = c_j h f(t0, y0) (f from the previous step's end when still valid, else the
   * midpoint value just computed: either is only a first guess) */
  for (size_t i = 0; i < nb; i++) {
    const size_t row = B->rows[i];
    for (size_t l = 0; l < nl; l++) {
      const double f0 = h->f0[row * nl + l];
      for (size_t j = 0; j < 3; j++) {
        z[(i * 3 + j) * nl + l] = TC[j] * h->hl[l] * f0;
      }
    }
  }
  double prev[RUI_HYB_LANES_MAX];
  for (size_t l = 0; l < nl; l++) {
    h->conv[l] = h->hl[l] == 0.0 || h->redo[l];
    prev[l] = HUGE_VAL;
  }
  for (int it = 0; it < h->opt.newton_max; it++) {
    int all = 1;
    for (size_t l = 0; l < nl; l++) {
      all &= h->conv[l];
    }
    if (all) {
      break;
    }
    fill_points(h, b, 1, 3, 1, 0, nl);
    if ((st = call_rhs(h, b, np, un, h->pt_f, err)) != RU_OK) {
      return st;
    }
    h->stats.newton_iter++;
    /* the residual's negative, h A F - Z */
    for (size_t i = 0; i < nb; i++) {
      const double *f0 = h->pt_f + i * np, *f1 = f0 + nl, *f2 = f0 + 2 * nl;
      for (size_t j = 0; j < 3; j++) {
        double *restrict d = dz + (i * 3 + j) * nl;
        const double *restrict zz = z + (i * 3 + j) * nl;
#pragma omp simd
        for (size_t l = 0; l < nl; l++) {
          d[l] = h->hl[l] * (TA[j][0] * f0[l] + TA[j][1] * f1[l] + TA[j][2] * f2[l]) - zz[l];
        }
      }
    }
    if (stiff) {
      lu_pivot_solve_lanes(h->mat, N, h->piv, dz, nl);
    } else {
      lu_solve_lanes(h, N, dz, nl);
    }
    for (size_t l = 0; l < nl; l++) {
      if (h->conv[l]) {
        continue;
      }
      const double nrm = znorm(h, b, dz, l, nl);
      for (size_t r = 0; r < N; r++) {
        z[r * nl + l] += dz[r * nl + l];
        fj[r * nl + l] = h->pt_f[r * nl + l]; /* (i*3 + j)*nl = i*np + j*nl: same layout */
      }
      const double theta = it > 0 ? nrm / prev[l] : 0.5;
      if (it > 0 && !(theta < 1.0)) {
        h->redo[l] = 1; /* diverging */
        h->hj[l] = h->hj[l] > 2.0 ? h->hj[l] : 2.0;
        h->conv[l] = 1;
        continue;
      }
      if (nrm == 0.0 || theta / (1.0 - theta) * nrm <= RUI_HYB_NEWTON_KAPPA) {
        h->conv[l] = 1;
      }
      prev[l] = nrm;
    }
  }
  for (size_t l = 0; l < nl; l++) {
    if (!h->conv[l]) {
      h->redo[l] = 1;
      h->hj[l] = h->hj[l] > 2.0 ? h->hj[l] : 2.0;
    }
  }
  if (stiff) {
    /* the embedded estimate: (I - h g0 J0) e = g0 (h f0 + sum_j RDD_j Z_j) */
    double *restrict em = h->emat, *restrict ev = h->evec;
    for (size_t i = 0; i < nb; i++) {
      for (size_t c = 0; c < nb; c++) {
        const double *restrict jj = h->jac + (i * nb + c) * nl;
        double *restrict mm = em + (i * nb + c) * nl;
        const double id = i == c ? 1.0 : 0.0;
        for (size_t l = 0; l < nl; l++) {
          mm[l] = id - h->hl[l] * RUI_RADAU_G0 * jj[l];
        }
      }
      const size_t row = B->rows[i];
      const double *restrict f0 = h->f0 + row * nl;
      const double *restrict z0 = z + (i * 3) * nl, *restrict z1 = z0 + nl, *restrict z2 = z0 + 2 * nl;
      double *restrict e = ev + i * nl;
      for (size_t l = 0; l < nl; l++) {
        e[l] = RUI_RADAU_G0 * (h->hl[l] * f0[l] + (RDD[0] * z0[l] + RDD[1] * z1[l] + RDD[2] * z2[l]));
      }
    }
    lu_pivot_lanes(h, em, nb, h->epiv, nl);
    lu_pivot_solve_lanes(em, nb, h->epiv, ev, nl);
    for (size_t i = 0; i < nb; i++) {
      const size_t row = B->rows[i];
      const double at = h->atol[row];
      const double *restrict y0 = h->y + row * nl, *restrict z2 = z + (i * 3 + 2) * nl;
      for (size_t l = 0; l < nl; l++) {
        const double ymax = fabs(y0[l]) > fabs(y0[l] + z2[l]) ? fabs(y0[l]) : fabs(y0[l] + z2[l]);
        h->err[l] = rui_hyb_nanmax(h->err[l], fabs(ev[i * nl + l]) / (RUI_HYB_STIFF_TOL * h->opt.tol * ymax + at));
      }
    }
  }
  return RU_OK;
}

/* The inputs of block b (linear combinations of other blocks' states) from the states x, into
 * pt_u: at the step start (x = y) and at the step end (x = x1). */
HYB_INLINE void block_inputs(rui_hyb *restrict h, const hyb_block *B, const double *restrict x,
                             const size_t nl) {
  for (size_t k = 0; k < B->ni; k++) {
    const hyb_input *in = &B->in[k];
    double acc[RUI_HYB_LANES_MAX];
    for (size_t l = 0; l < nl; l++) {
      acc[l] = 0.0;
    }
    for (size_t t = 0; t < in->nterm; t++) {
      const double *restrict xs = x + in->term[t].state * nl, *restrict cf = in->coef + t * nl;
#pragma omp simd
      for (size_t l = 0; l < nl; l++) {
        acc[l] += cf[l] * xs[l];
      }
    }
    double *restrict pu = h->pt_u + k * nl;
    for (size_t l = 0; l < nl; l++) {
      pu[l] = acc[l];
    }
  }
}

/* f at the step start for block b's rows into h->f0: the previous step's end value when the lane
 * has one (nothing happened in between), else a fresh evaluation at (t0, y0, u(t0)). */
HYB_INLINE ru_status start_values(rui_hyb *restrict h, size_t b, const size_t nl, ru_error *err) {
  const hyb_block *B = &h->blk[b];
  int need = 0;
  for (size_t l = 0; l < nl; l++) {
    need |= !h->fvalid[l];
  }
  if (need) {
    block_inputs(h, B, h->y, nl);
    for (size_t l = 0; l < nl; l++) {
      h->pt_t[l] = h->tl[l];
    }
    for (size_t i = 0; i < B->nb; i++) {
      const double *restrict y0 = h->y + B->rows[i] * nl;
      double *restrict py = h->pt_y + i * nl;
      for (size_t l = 0; l < nl; l++) {
        py[l] = y0[l];
      }
    }
    ru_status st = call_rhs(h, b, nl, h->pt_u, h->pt_f, err);
    if (st != RU_OK) {
      return st;
    }
  }
  for (size_t i = 0; i < B->nb; i++) {
    const size_t row = B->rows[i];
    for (size_t l = 0; l < nl; l++) {
      h->f0[row * nl + l] = h->fvalid[l] ? h->fstart[row * nl + l] : h->pt_f[i * nl + l];
    }
  }
  return RU_OK;
}

/* Inputs at the step end, the fresh evaluation there and the defect of block b. */
HYB_INLINE ru_status endpoint(rui_hyb *restrict h, size_t b, const size_t nl, ru_error *err) {
  const hyb_block *B = &h->blk[b];
  const size_t nb = B->nb;
  block_inputs(h, B, h->x1, nl);
  for (size_t l = 0; l < nl; l++) {
    h->pt_t[l] = h->tl[l] + h->hl[l];
  }
  for (size_t i = 0; i < nb; i++) {
    const double *restrict x1 = h->x1 + B->rows[i] * nl;
    double *restrict py = h->pt_y + i * nl;
    for (size_t l = 0; l < nl; l++) {
      py[l] = x1[l];
    }
  }
  ru_status st = call_rhs(h, b, nl, h->pt_u, h->pt_f, err);
  if (st != RU_OK) {
    return st;
  }
  const double *restrict fj = h->fj + h->boff[b];
  const double tol = h->opt.tol;
  const double *restrict hl = h->hl;
  double *restrict errv = h->err;
  if (B->kind == RUI_HYB_STIFF) {
    /* the end value is kept for the next step's start; the error was estimated by Radau */
    for (size_t i = 0; i < nb; i++) {
      memcpy(h->f1 + B->rows[i] * nl, h->pt_f + i * nl, nl * sizeof *h->f1);
    }
    return RU_OK;
  }
  for (size_t i = 0; i < nb; i++) {
    const size_t row = B->rows[i];
    const double at = h->atol[row];
    const double *restrict f0 = fj + (i * 3) * nl, *restrict f1 = f0 + nl, *restrict f2 = f0 + 2 * nl;
    const double *restrict fe = h->pt_f + i * nl, *restrict x1 = h->x1 + row * nl;
    double *restrict fs = h->f1 + row * nl;
    const double *restrict fb = h->f0 + row * nl, *restrict y0 = h->y + row * nl;
#pragma omp simd
    for (size_t l = 0; l < nl; l++) {
      fs[l] = fe[l];
      const double slope1 = HYB_GE[0] * f0[l] + HYB_GE[1] * f1[l] + HYB_GE[2] * f2[l];
      const double slope0 = HYB_GE0[0] * f0[l] + HYB_GE0[1] * f1[l] + HYB_GE0[2] * f2[l];
      const double e1 = hl[l] * fabs(slope1 - fe[l]) / (tol * fabs(x1[l]) + at);
      const double e0 = hl[l] * fabs(slope0 - fb[l]) / (tol * fabs(y0[l]) + at);
      errv[l] = rui_hyb_nanmax(errv[l], rui_hyb_nanmax(e0, e1));
    }
  }
  return RU_OK;
}

HYB_INLINE ru_status step_impl(rui_hyb *restrict h, const size_t nl, ru_error *err) {
  for (size_t l = 0; l < nl; l++) {
    h->redo[l] = 0;
    h->err[l] = 0.0;
    h->hj[l] = 1.0;
  }
  groups_step(h, nl);
  for (size_t b = 0; b < h->nb; b++) {
    const hyb_block *B = &h->blk[b];
    node_inputs(h, b, nl);
    ru_status st0 = start_values(h, b, nl, err);
    if (st0 != RU_OK) {
      return st0;
    }
    ru_status st = B->kind == RUI_HYB_EXPLICIT ? solve_explicit(h, b, nl, err)
                   : B->kind == RUI_HYB_AFFINE ? solve_affine(h, b, nl, err)
                                               : solve_newton(h, b, nl, err); /* + STIFF */
    if (st != RU_OK) {
      return st;
    }
    const double *restrict z = h->z + h->boff[b];
    for (size_t i = 0; i < B->nb; i++) {
      double *restrict x1 = h->x1 + B->rows[i] * nl;
      const double *restrict y0 = h->y + B->rows[i] * nl;
      const double *z0 = z + (i * 3) * nl, *z1 = z0 + nl, *z2 = z0 + 2 * nl;
      if (B->kind == RUI_HYB_STIFF) {
        for (size_t l = 0; l < nl; l++) {
          x1[l] = y0[l] + z2[l]; /* Radau IIA is stiffly accurate: y1 = Y3 */
        }
        continue;
      }
#pragma omp simd
      for (size_t l = 0; l < nl; l++) {
        x1[l] = y0[l] + (HYB_GD[0] * z0[l] + HYB_GD[1] * z1[l] + HYB_GD[2] * z2[l]);
      }
    }
  }
  for (size_t b = 0; b < h->nb; b++) {
    ru_status st = endpoint(h, b, nl, err);
    if (st != RU_OK) {
      return st;
    }
  }
  return RU_OK;
}


HYB_CLONES static ru_status step_1(rui_hyb *h, ru_error *err) { return step_impl(h, 1, err); }
HYB_CLONES static ru_status step_2(rui_hyb *h, ru_error *err) { return step_impl(h, 2, err); }
HYB_CLONES static ru_status step_4(rui_hyb *h, ru_error *err) { return step_impl(h, 4, err); }
HYB_CLONES static ru_status step_8(rui_hyb *h, ru_error *err) { return step_impl(h, 8, err); }
HYB_CLONES static ru_status step_16(rui_hyb *h, ru_error *err) { return step_impl(h, 16, err); }
HYB_CLONES static ru_status step_n(rui_hyb *h, ru_error *err) { return step_impl(h, h->nl, err); }

ru_status rui_hyb_step(rui_hyb *h, ru_error *err) {
  switch (h->nl) {
  case 1: return step_1(h, err);
  case 2: return step_2(h, err);
  case 4: return step_4(h, err);
  case 8: return step_8(h, err);
  case 16: return step_16(h, err);
  default: return step_n(h, err);
  }
}
