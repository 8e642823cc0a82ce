/* Internals shared by the hybrid solver's files (hybrid_cf.c, hybrid_step.c, hybrid_engine.c);
 * not API. Layout conventions: per-lane arrays are structure-of-arrays, x[i * nl + l] for lane
 * l; a closed-form lane's step-size entry is one flat array (see cf_slot). */
#ifndef RU_PK_HYBRID_IMPL_H
#define RU_PK_HYBRID_IMPL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "pk/hybrid.h"

/* Gauss-Legendre, 3 stages (Butcher 1964; Hairer & Wanner II, Table IV.5.3): nodes c, matrix A,
 * weights b; d = b^T A^{-1} (y1 = y0 + sum d_i Z_i, Hairer & Wanner IV.8 eq 8.2b: d_i = l_i(1)
 * / c_i for a collocation method), e = l_i(1) the Lagrange weights extrapolating the stage
 * derivatives to the step end (the collocation polynomial's slope at t1). */
#define RUI_SQRT15 3.87298334620741688518
extern const double rui_gl3_c[3];
extern const double rui_gl3_a[3][3];
extern const double rui_gl3_b[3];
extern const double rui_gl3_d[3];
extern const double rui_gl3_e[3];
extern const double rui_radau_c[3];
extern const double rui_radau_a[3][3];
extern const double rui_radau_dd[3];

/* The same tables as file-local literals the compiler can fold (same values); l_j(0) (HYB_GE0)
 * is the slope of the collocation polynomial at the step start (the nodes are symmetric, so
 * these are HYB_GE reversed). */
static const double HYB_GA[3][3] = {
    {5.0 / 36.0, 2.0 / 9.0 - RUI_SQRT15 / 15.0, 5.0 / 36.0 - RUI_SQRT15 / 30.0},
    {5.0 / 36.0 + RUI_SQRT15 / 24.0, 2.0 / 9.0, 5.0 / 36.0 - RUI_SQRT15 / 24.0},
    {5.0 / 36.0 + RUI_SQRT15 / 30.0, 2.0 / 9.0 + RUI_SQRT15 / 15.0, 5.0 / 36.0}};
static const double HYB_GC[3] = {0.5 - RUI_SQRT15 / 10.0, 0.5, 0.5 + RUI_SQRT15 / 10.0};
static const double HYB_GD[3] = {5.0 / 3.0, -4.0 / 3.0, 5.0 / 3.0};
static const double HYB_GE[3] = {5.0 / 6.0 - RUI_SQRT15 / 6.0, -2.0 / 3.0,
                                 5.0 / 6.0 + RUI_SQRT15 / 6.0};
static const double HYB_GE0[3] = {5.0 / 6.0 + RUI_SQRT15 / 6.0, -2.0 / 3.0,
                                  5.0 / 6.0 - RUI_SQRT15 / 6.0};

/* A determinant or LU pivot below this rejects the lane's step (hybrid_step.c). */
#define RUI_HYB_PIVOT_MIN 1e-6
/* Coarsen after a step whose error is below this (hybrid_engine.c says why 1/8). */
#define RUI_HYB_COARSEN_BELOW 0.125

#define HYB_INLINE static inline __attribute__((always_inline))
/* max that lets a NaN through (so a NaN error rejects the step). */
HYB_INLINE double rui_hyb_nanmax(double best, double x) { return x <= best ? best : x; }

/* The affine stage system of a one-state block, (I - h A diag(J)) Z = r with hj_j = h J_j at
 * the nodes, by Cramer's rule: the nine cofactors are independent, so the only division is
 * 1/det (a short dependency chain: this solve is on the critical path of every step). Returns
 * det; a determinant below RUI_HYB_PIVOT_MIN (the matrix is I - O(h ||J||), det -> 1 as h -> 0)
 * leaves z = the cofactor products (the caller rejects the lane's step). */
HYB_INLINE double rui_hyb_affine1_solve(double j0, double j1, double j2, double r0, double r1,
                                        double r2, double *z0, double *z1, double *z2) {
  const double m00 = 1.0 - HYB_GA[0][0] * j0, m01 = -HYB_GA[0][1] * j1, m02 = -HYB_GA[0][2] * j2;
  const double m10 = -HYB_GA[1][0] * j0, m11 = 1.0 - HYB_GA[1][1] * j1, m12 = -HYB_GA[1][2] * j2;
  const double m20 = -HYB_GA[2][0] * j0, m21 = -HYB_GA[2][1] * j1, m22 = 1.0 - HYB_GA[2][2] * j2;
  const double c00 = m11 * m22 - m12 * m21, c01 = m12 * m20 - m10 * m22,
               c02 = m10 * m21 - m11 * m20;
  const double c10 = m02 * m21 - m01 * m22, c11 = m00 * m22 - m02 * m20,
               c12 = m01 * m20 - m00 * m21;
  const double c20 = m01 * m12 - m02 * m11, c21 = m02 * m10 - m00 * m12,
               c22 = m00 * m11 - m01 * m10;
  const double det = m00 * c00 + m01 * c01 + m02 * c02;
  const double ok = fabs(det) >= RUI_HYB_PIVOT_MIN ? det : 1.0;
  const double id = 1.0 / ok;
  *z0 = (c00 * r0 + c10 * r1 + c20 * r2) * id;
  *z1 = (c01 * r0 + c11 * r1 + c21 * r2) * id;
  *z2 = (c02 * r0 + c12 * r1 + c22 * r2) * id;
  return det;
}

/* Function multiversioning (GCC on x86-64): each kernel instance is also compiled for AVX2 and
 * AVX-512 and the loader picks the best the CPU has (an ifunc), so a default build (-O2,
 * baseline x86-64) gets the wide vectors. The clones compute the same IEEE operations (no
 * contraction): the numbers do not depend on the CPU the run lands on. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HYB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HYB_CLONES
#endif

#define HYB_CACHE 12 /* step-size entries per lane and group */

/* One cached step size of a closed-form lane. data: P[m*m] (e^{Ah}), R[nd*3*m] (driver rows at
 * the three nodes: rho_d e^{A c_j h}, index (d*3 + j)*m + a), g[m] (Gamma(h) b), gn[nd*3]
 * (rho_d Gamma(c_j h) b); for the eigen path also the modal factors Eh[m], Ph[m] (phi(h)),
 * Ec[3m], Pc[3m], and at the Radau nodes Ecr[3m], Pcr[3m] (drivers of stiff blocks). */
typedef struct cf_slot {
  double h;
  long bver;   /* version of b the g/gn parts were built for */
  long stamp;  /* last use (LRU) */
  double *data;
} cf_slot;

/* One group of one lane. */
typedef struct cf_lane {
  size_t m, nd;
  int pade;        /* 1: Pade exponential (eigen-decomposition refused) */
  double rho;      /* spectral radius (eigen) or ||A||_1 (Pade), 1/h */
  double *a, *c;   /* m*m (group order), m: constant term */
  double *lam;     /* m eigenvalues */
  double *v, *w;   /* m*m eigenvectors (columns), w = v^{-1} */
  double *q;       /* nd*m: rho_d v */
  double *rows;    /* nd*m: driver rows rho_d (group coordinates) */
  double *b;       /* m: c + input rates of the current segment */
  unsigned char *radau; /* nd: 1 = the driver feeds a stiff block (Radau IIA nodes) */
  double *wb;      /* m: w b */
  long bver;
  long clock;
  int bzero;       /* 1: b == 0 (no Gamma terms) */
  cf_slot slot[HYB_CACHE];
  size_t slot_len; /* doubles per slot */
} cf_lane;

ru_status rui_hyb_cf_alloc(cf_lane *L, size_t m, size_t nd, ru_error *err);
void rui_hyb_cf_release(cf_lane *L);
/* Set-up from the lane's A (m*m, group order) and c: eigen-decomposition or Pade; drops the
 * cache. scc[0..nscc] are the boundaries of the group's strongly connected components. */
ru_status rui_hyb_cf_setup(cf_lane *L, const size_t *scc, size_t nscc, ru_error *err);
/* Sets b = c + r (r: rates of the group's states, m values) and bumps the version if changed.
 * Returns 1 when b changed. */
int rui_hyb_cf_set_rates(cf_lane *L, const double *r);
/* The data of step size h (built on a miss, *built set to 1). */
ru_status rui_hyb_cf_entry(cf_lane *L, double h, const double **data, int *built, ru_error *err);
/* Offsets into a slot's data. */
static inline size_t cf_off_r(const cf_lane *L) { return L->m * L->m; }
static inline size_t cf_off_g(const cf_lane *L) { return L->m * L->m + 3 * L->nd * L->m; }
static inline size_t cf_off_gn(const cf_lane *L) { return cf_off_g(L) + L->m; }

/* A driver: the part of one block input that reads one group. */
typedef struct hyb_driver {
  size_t block, input;
} hyb_driver;

typedef struct hyb_group {
  size_t m;
  const size_t *states;  /* into d.state */
  size_t scc0, nscc;     /* d.gscc[scc0 .. scc0+nscc] */
  size_t nd;
  hyb_driver *drv;
  int feeds;             /* 1: some collocation block reads it (steps follow the blocks) */
} hyb_group;

/* One term of a block input. */
typedef struct hyb_term {
  size_t state;
  long group;            /* >= 0: closed-form group of the state; -1: a collocation state */
  size_t gpos;           /* position in its group (group terms) */
  size_t block, bpos;    /* its block and position (collocation terms) */
} hyb_term;

typedef struct hyb_input {
  size_t nterm;
  hyb_term *term;
  double *coef;          /* nterm * nl */
  size_t ndrv;
  size_t *drv;           /* driver indices per group read: (group, driver index within group) */
  size_t *drv_group;
} hyb_input;

typedef struct hyb_block {
  size_t nb;
  const size_t *rows;
  rui_hyb_block_kind kind;
  size_t ni;
  hyb_input *in;
  int has_rate;          /* some row receives an input rate in the current segment */
  int no_jac;            /* the caller's Jacobian declined this block: difference quotients */
} hyb_block;

struct rui_hyb {
  rui_hyb_system sys;
  unsigned char *dep, *lti, *reset;
  size_t *unit;
  double *atol, *scale;
  rui_hyb_decomp d;
  rui_hyb_options opt;
  size_t n, nl;
  size_t ng, nb;
  hyb_group *grp;
  hyb_block *blk;
  cf_lane *cfl;          /* ng * nl: group g of lane l at [g * nl + l] */
  /* state (SoA) and per-lane control */
  double *y;             /* n * nl */
  double *dose_scale;    /* n * nl */
  double *rate;          /* n: current input rates */
  double *hprop;         /* nl: preferred next step */
  unsigned char *flag;   /* ng * nl: discontinuity since the lane's last accepted step */
  unsigned char *fvalid; /* nl: fstart holds f(t, y) */
  double *fstart;        /* n * nl: f at the lane's current point (collocation rows) */
  double *jnorm;         /* nb * nl: last ||J_block||_inf */
  /* active propagators (SoA), per group */
  double **pact, **ract, **gact, **gnact;
  double *hact;          /* ng * nl: step size the active data is for (NaN = none) */
  /* kernel scratch (SoA) */
  double *xn;            /* per group: nd*3*nl node values (offset goff[g]) */
  size_t *goff;
  double *x1;            /* n * nl: end-of-step values of every state */
  double *z;             /* per block: 3*nb*nl (offset boff[b]) */
  size_t *boff;
  double *fj;            /* per block: 3*nb*nl stage derivatives */
  double *un;            /* per block: ni*3*nl inputs at the nodes (offset uoff[b]) */
  size_t *uoff;
  double *f1;            /* n * nl: f at the step end */
  double *f0;            /* n * nl: f at the step start (fstart, or evaluated after an event) */
  size_t maxb, maxi;     /* largest block size and input count */
  double *pt_t, *pt_y, *pt_u, *pt_f; /* point buffers for rhs calls */
  double *jac;           /* (3 nb)^2... Jacobian buffer: nb*nb*3*nl */
  double *mat;           /* (3 nb)^2 * nl LU */
  double *vec, *dz;      /* 3 nb * nl */
  double *emat, *evec;   /* nb^2 * nl, nb * nl: the Radau error system */
  size_t *piv, *epiv;    /* 3 nb * nl, nb * nl: pivots of the stiff blocks' solves */
  double *err;           /* nl */
  double *hl, *tl;       /* nl: step size and start time of the lane's current step */
  int *level;            /* nl */
  int *dose_level;       /* nl: level of the last first-step-after-a-discontinuity */
  double *hlast;         /* nl: step size the lane's active propagators are for */
  size_t *mov, nmov;     /* states of the groups that feed blocks (moved by each step) */
  size_t *brow, nbrow;   /* states of the blocks */
  int64_t *pos;          /* nl */
  unsigned char *active, *redo, *done, *conv, *bad, *first;
  double *hj;            /* nl: step-size reduction a redo asks for */
  double *work;          /* one allocation behind the double arrays above */
  double *lin_a;         /* n*n + n: the linear callback's output */
  int kern;              /* 1: the specialised kernel's shape (hybrid_kernel.c), group kg */
  size_t kg;
  unsigned char *flags;  /* one allocation behind the byte arrays */
  rui_hyb_stats stats;
};

/* One collocation step of every active lane (hl[l] > 0) from y; writes x1 (all states at the
 * step end), err[l] (scaled defect, <= 1 accepts) and redo[l] (1: the step must be retried with
 * a smaller size, hj[l] the factor needed). Returns RU_OK or an rhs abort. */
ru_status rui_hyb_step(rui_hyb *h, ru_error *err);

/* Shared by the engine's controller and the specialised kernel (hybrid_engine.c). */
extern const double rui_hyb_pow2m[64]; /* 2^-L, exact */
/* Level of lane l's first step in a segment of length H (preferred step, post-dose rule). */
int rui_hyb_first_level(rui_hyb *h, size_t l, double H);
/* Makes lane l's active propagators of group g those of step size hh (cache lookup/build). */
ru_status rui_hyb_activate(rui_hyb *h, size_t g, size_t l, double hh, ru_error *err);

/* The per-lane step control of a segment [t0, t0 + H], shared by the general loop
 * (rui_hyb_advance) and the kernel's (hybrid_kernel.c). */

/* Every lane's first level, position 0. */
HYB_INLINE void rui_hyb_segment_start(rui_hyb *h, double H) {
  for (size_t l = 0; l < h->nl; l++) {
    h->level[l] = rui_hyb_first_level(h, l, H);
    h->pos[l] = 0;
    h->done[l] = 0;
  }
}

/* Before a pass: every lane's step size and start (0 for finished lanes) and, when its step size
 * changed, its active propagators. */
HYB_INLINE ru_status rui_hyb_pass_setup(rui_hyb *h, double t0, double H, ru_error *err) {
  for (size_t l = 0; l < h->nl; l++) {
    if (h->done[l]) {
      h->hl[l] = 0.0;
      h->tl[l] = t0 + H;
      continue;
    }
    const double hh = H * rui_hyb_pow2m[h->level[l]];
    h->hl[l] = hh;
    h->tl[l] = t0 + (double)h->pos[l] * hh;
    if (hh != h->hlast[l]) {
      for (size_t g = 0; g < h->ng; g++) {
        ru_status st;
        if (h->grp[g].feeds && (st = rui_hyb_activate(h, g, l, hh, err)) != RU_OK) {
          return st;
        }
      }
      h->hlast[l] = hh;
    }
  }
  return RU_OK;
}

/* After a pass: 1 when lane l's step is rejected (defect, Newton, stiffness cap, pivot). */
HYB_INLINE int rui_hyb_lane_rejected(const rui_hyb *h, size_t l) {
  return h->redo[l] || !(h->err[l] <= 1.0);
}

/* A rejected step: one level finer, or as many as the stiffness cap asks. */
HYB_INLINE ru_status rui_hyb_lane_reject(rui_hyb *h, size_t l, double H, ru_error *err) {
  h->stats.rejected++;
  int up = 1;
  if (h->redo[l]) {
    while (up < 30 && rui_hyb_pow2m[up] * h->hj[l] > 1.0) {
      up++;
    }
  }
  h->level[l] += up;
  h->pos[l] <<= up;
  if (h->level[l] > h->opt.max_level) {
    return ru_error_set(err, RU_ESOLVER,
                        "hybrid solver: step size below %g h at t = %g h (lane %zu)",
                        H * rui_hyb_pow2m[h->opt.max_level], h->tl[l], l);
  }
  return RU_OK;
}

/* An accepted step whose states the caller has committed: the flags, the preferred next step,
 * coarsening on the coarser grid. Returns 1 when the lane has finished the segment. */
HYB_INLINE int rui_hyb_lane_accept(rui_hyb *h, size_t l) {
  const size_t nl = h->nl;
  h->stats.steps++;
  for (size_t g = 0; g < h->ng; g++) {
    h->flag[g * nl + l] = h->grp[g].feeds ? 0 : h->flag[g * nl + l];
  }
  h->fvalid[l] = 1;
  h->pos[l]++;
  const double hh = h->hl[l];
  int coarser = h->err[l] < RUI_HYB_COARSEN_BELOW;
  for (size_t b = 0; b < h->nb && coarser; b++) {
    coarser = h->blk[b].kind == RUI_HYB_STIFF ||
              2.0 * hh * h->jnorm[b * nl + l] <= h->opt.stiff_cap;
  }
  if (h->first[l]) {
    h->dose_level[l] = coarser && h->level[l] > 0 ? h->level[l] - 1 : h->level[l];
    h->first[l] = 0;
  }
  h->hprop[l] = coarser ? 2.0 * hh : hh;
  if (coarser && h->level[l] > 0 && (h->pos[l] & 1) == 0) {
    h->level[l]--;
    h->pos[l] >>= 1;
  }
  if (h->pos[l] == ((int64_t)1 << h->level[l])) {
    h->done[l] = 1;
    return 1;
  }
  return 0;
}

/* After a pass: every unfinished lane's step rejected (rui_hyb_lane_reject) or committed
 * (commit(h, l) moves its states; an always-inlined constant, so no indirect call) and
 * accepted; *left counts the lanes still stepping. */
typedef void (*rui_hyb_commit_fn)(rui_hyb *h, size_t l);
HYB_INLINE ru_status rui_hyb_pass_control(rui_hyb *h, double H, rui_hyb_commit_fn commit,
                                          size_t *left, ru_error *err) {
  for (size_t l = 0; l < h->nl; l++) {
    if (h->done[l]) {
      continue;
    }
    if (rui_hyb_lane_rejected(h, l)) {
      ru_status st = rui_hyb_lane_reject(h, l, H, err);
      if (st != RU_OK) {
        return st;
      }
      continue;
    }
    commit(h, l);
    *left -= (size_t)rui_hyb_lane_accept(h, l);
  }
  return RU_OK;
}

/* The specialised kernel (hybrid_kernel.c). rui_hyb_kernel_shape returns 1 (and the group)
 * when the system is one closed-form group feeding one affine one-state block through one input
 * that reads only that group, every other group feeding nothing, and a Jacobian callback.
 * rui_hyb_kernel_advance is rui_hyb_advance's step loop for that shape over [t0, t0 + H] (rates
 * set, no rate into the block's row; the caller propagates the free groups); *declined = 1 when
 * the caller's Jacobian declined at the first step (nothing was committed: the general engine
 * takes over). */
int rui_hyb_kernel_shape(const rui_hyb *h, size_t *group);
ru_status rui_hyb_kernel_advance(rui_hyb *h, size_t g, double t0, double H, int *declined,
                                 ru_error *err);

#endif
