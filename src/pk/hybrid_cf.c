/* Closed-form groups of the hybrid solver (hybrid_impl.h): exact propagators of x' = A x + b per
 * lane and step size, e^{A h}, the driver rows rho e^{A c_j h} at the three collocation nodes, and
 * the input terms Gamma(s) b = int_0^s e^{A u} du b.
 *
 * Eigen path: A is block lower triangular in the group's order (its strongly connected
 * components, hybrid_decomp.c), so its eigenvalues are those of the diagonal blocks: a scalar, a
 * 2x2 by the quadratic formula (real roots only), or a larger block that is similar to a
 * symmetric matrix by a diagonal scaling D (true of mammillary and catenary compartment models:
 * d_i^2 a_ij = d_j^2 a_ji, Godfrey 1983, Compartmental Models and Their Application, ch. 2),
 * diagonalised by the cyclic Jacobi method (Golub & Van Loan, Matrix Computations 4th ed.,
 * sec. 8.5). The eigenvectors of A follow block by block by forward substitution. Then
 * e^{As} = V diag(e^{lambda s}) V^{-1} and Gamma(s) = V diag(expm1(lambda s)/lambda) V^{-1}, a
 * dozen exp() per step size instead of a matrix exponential per node.
 * The decomposition is refused (Pade path: linear.c's [13/13] scaling and squaring, with the
 * augmented matrix [[A, b], [0, 0]] for Gamma b, Van Loan 1978) when a block has complex or
 * repeated (defective) eigenvalues, when an eigenvalue of a block equals one of a block it
 * feeds (ka = k: the Bateman 0/0), or when cond(V) = ||V|| ||V^-1|| exceeds RUI_HYB_EIG_COND. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/hybrid_impl.h"
#include "pk/linear.h"

/* Largest accepted condition number of the eigenvector matrix: the propagator then carries a
 * relative rounding error of about cond * 2^-53 = 1e-10, far below the 1e-6 the solver is held
 * to; beyond it the Pade exponential (backward error 2^-53 whatever the eigenstructure). */
#define RUI_HYB_EIG_COND 1e6

ru_status rui_hyb_cf_alloc(cf_lane *L, size_t m, size_t nd, ru_error *err) {
  memset(L, 0, sizeof *L);
  L->m = m;
  L->nd = nd;
  L->slot_len = m * m + 3 * nd * m + m + 3 * nd + 14 * m;
  const size_t fixed = 4 * m * m + 5 * m + 2 * nd * m + nd + 1;
  double *buf = rui_calloc(fixed + HYB_CACHE * L->slot_len, sizeof *buf);
  if (buf == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
  }
  L->a = buf;
  L->v = L->a + m * m;
  L->w = L->v + m * m;
  L->c = L->w + m * m;
  L->lam = L->c + m;
  L->b = L->lam + m;
  L->wb = L->b + m;
  L->q = L->wb + m;
  L->rows = L->q + nd * m;
  L->radau = (unsigned char *)(void *)(L->rows + nd * m); /* nd flags in the spare doubles */
  double *s = L->rows + nd * m + m * m + m + nd + 1;
  for (size_t k = 0; k < HYB_CACHE; k++) {
    L->slot[k].h = (double)NAN;
    L->slot[k].data = s + k * L->slot_len;
  }
  L->bzero = 1;
  return RU_OK;
}

void rui_hyb_cf_release(cf_lane *L) {
  if (L != NULL) {
    rui_free(L->a);
    memset(L, 0, sizeof *L);
  }
}

/* Cyclic Jacobi on the symmetric k x k matrix s (row-major, destroyed: its diagonal becomes the
 * eigenvalues); u receives the orthonormal eigenvectors as columns. */
static void jacobi(double *s, size_t k, double *u) {
  for (size_t i = 0; i < k * k; i++) {
    u[i] = (i / k == i % k) ? 1.0 : 0.0;
  }
  for (int sweep = 0; sweep < 60; sweep++) {
    double off = 0.0, tot = 0.0;
    for (size_t i = 0; i < k; i++) {
      for (size_t j = 0; j < k; j++) {
        tot += s[i * k + j] * s[i * k + j];
        if (i != j) {
          off += s[i * k + j] * s[i * k + j];
        }
      }
    }
    if (off <= DBL_EPSILON * DBL_EPSILON * tot) {
      return;
    }
    for (size_t p = 0; p < k; p++) {
      for (size_t q = p + 1; q < k; q++) {
        const double apq = s[p * k + q];
        if (apq == 0.0) {
          continue;
        }
        /* rotation annihilating s_pq (Golub & Van Loan Alg. 8.5.1) */
        const double tau = (s[q * k + q] - s[p * k + p]) / (2.0 * apq);
        const double t = (tau >= 0.0 ? 1.0 : -1.0) / (fabs(tau) + sqrt(1.0 + tau * tau));
        const double cs = 1.0 / sqrt(1.0 + t * t), sn = t * cs;
        for (size_t r = 0; r < k; r++) {
          const double srp = s[r * k + p], srq = s[r * k + q];
          s[r * k + p] = cs * srp - sn * srq;
          s[r * k + q] = sn * srp + cs * srq;
        }
        for (size_t r = 0; r < k; r++) {
          const double spr = s[p * k + r], sqr = s[q * k + r];
          s[p * k + r] = cs * spr - sn * sqr;
          s[q * k + r] = sn * spr + cs * sqr;
        }
        for (size_t r = 0; r < k; r++) {
          const double urp = u[r * k + p], urq = u[r * k + q];
          u[r * k + p] = cs * urp - sn * urq;
          u[r * k + q] = sn * urp + cs * urq;
        }
      }
    }
  }
}

static double inf_norm(const double *x, size_t m) {
  double best = 0.0;
  for (size_t i = 0; i < m; i++) {
    double s = 0.0;
    for (size_t j = 0; j < m; j++) {
      s += fabs(x[i * m + j]);
    }
    best = fmax(best, s);
  }
  return best;
}

/* Eigenpairs of the diagonal block A[s0..s1) x [s0..s1): lam[s0..s1), local vectors (columns)
 * into loc (k x k). Returns 0 when the block has real, non-defective eigenvalues this code can
 * take. */
static int block_eigen(const cf_lane *L, size_t s0, size_t s1, double *lam, double *loc) {
  const size_t m = L->m, k = s1 - s0;
  const double *a = L->a;
#define AB(i, j) a[(s0 + (i)) * m + (s0 + (j))]
  if (k == 1) {
    lam[s0] = AB(0, 0);
    loc[0] = 1.0;
    return 0;
  }
  if (k == 2) {
    const double p = AB(0, 0), q = AB(0, 1), r = AB(1, 0), s = AB(1, 1);
    const double half = 0.5 * (p + s), dd = 0.5 * (p - s);
    const double disc = dd * dd + q * r;
    if (!(disc > 0.0)) {
      return -1; /* complex or repeated */
    }
    const double sq = sqrt(disc);
    const double mu1 = half + (half >= 0.0 ? sq : -sq);
    const double det = p * s - q * r;
    const double mu2 = mu1 != 0.0 ? det / mu1 : half - (half >= 0.0 ? sq : -sq);
    const double l2[2] = {mu1, mu2};
    for (size_t e = 0; e < 2; e++) {
      const double lm = l2[e];
      /* (A - lm I) v = 0: v = (q, lm - p) or (lm - s, r), the better scaled of the two */
      double v0 = q, v1 = lm - p;
      const double w0 = lm - s, w1 = r;
      if (fmax(fabs(w0), fabs(w1)) > fmax(fabs(v0), fabs(v1))) {
        v0 = w0;
        v1 = w1;
      }
      const double nv = fmax(fabs(v0), fabs(v1));
      if (!(nv > 0.0)) {
        return -1;
      }
      lam[s0 + e] = lm;
      loc[0 * 2 + e] = v0 / nv;
      loc[1 * 2 + e] = v1 / nv;
    }
    return 0;
  }
  /* k >= 3: diagonal symmetrisation along a spanning tree of the block's pattern */
  double d[RUI_LIN_MAX], sym[RUI_LIN_MAX * RUI_LIN_MAX], u[RUI_LIN_MAX * RUI_LIN_MAX];
  unsigned char seen[RUI_LIN_MAX];
  size_t queue[RUI_LIN_MAX];
  if (k > RUI_LIN_MAX) {
    return -1;
  }
  memset(seen, 0, sizeof seen);
  d[0] = 1.0;
  seen[0] = 1;
  size_t qh = 0, qt = 0;
  queue[qt++] = 0;
  while (qh < qt) {
    const size_t i = queue[qh++];
    for (size_t j = 0; j < k; j++) {
      if (j == i || seen[j] || (AB(i, j) == 0.0 && AB(j, i) == 0.0)) {
        continue;
      }
      if (!(AB(i, j) * AB(j, i) > 0.0)) {
        return -1; /* one-way or sign-changing coupling: not symmetrisable */
      }
      d[j] = d[i] * sqrt(AB(i, j) / AB(j, i));
      seen[j] = 1;
      queue[qt++] = j;
    }
  }
  if (qt != k) {
    return -1;
  }
  for (size_t i = 0; i < k; i++) {
    for (size_t j = 0; j < k; j++) {
      sym[i * k + j] = d[i] * AB(i, j) / d[j];
    }
  }
  for (size_t i = 0; i < k; i++) {
    for (size_t j = i + 1; j < k; j++) {
      const double x = sym[i * k + j], y = sym[j * k + i];
      if (fabs(x - y) > 64.0 * DBL_EPSILON * fmax(fabs(x), fabs(y))) {
        return -1; /* a cycle breaks the scaling */
      }
      sym[i * k + j] = sym[j * k + i] = 0.5 * (x + y);
    }
  }
  jacobi(sym, k, u);
  for (size_t e = 0; e < k; e++) {
    lam[s0 + e] = sym[e * k + e];
    double nv = 0.0;
    for (size_t i = 0; i < k; i++) {
      loc[i * k + e] = u[i * k + e] / d[i];
      nv = fmax(nv, fabs(loc[i * k + e]));
    }
    for (size_t i = 0; i < k; i++) {
      loc[i * k + e] /= nv;
    }
  }
#undef AB
  return 0;
}

/* Eigen-decomposition of the whole group; 0 on success. */
static int group_eigen(cf_lane *L, const size_t *scc, size_t nscc) {
  const size_t m = L->m;
  double loc[RUI_LIN_MAX * RUI_LIN_MAX], mat[RUI_LIN_MAX * RUI_LIN_MAX], rhs[RUI_LIN_MAX];
  memset(L->v, 0, m * m * sizeof *L->v);
  const size_t base = scc[0];
  for (size_t kb = 0; kb < nscc; kb++) {
    const size_t s0 = scc[kb] - base, s1 = scc[kb + 1] - base, k = s1 - s0;
    if (block_eigen(L, s0, s1, L->lam, loc) != 0) {
      return -1;
    }
    for (size_t e = 0; e < k; e++) {
      const size_t col = s0 + e;
      const double lm = L->lam[col];
      for (size_t i = 0; i < k; i++) {
        L->v[(s0 + i) * m + col] = loc[i * k + e];
      }
      /* later blocks: (A_ll - lm I) v_l = -sum_{earlier} A_l. v */
      for (size_t lb = kb + 1; lb < nscc; lb++) {
        const size_t t0 = scc[lb] - base, t1 = scc[lb + 1] - base, kl = t1 - t0;
        double rn = 0.0;
        for (size_t i = 0; i < kl; i++) {
          double acc = 0.0;
          for (size_t j = s0; j < t0; j++) {
            acc -= L->a[(t0 + i) * m + j] * L->v[j * m + col];
          }
          rhs[i] = acc;
          rn = fmax(rn, fabs(acc));
        }
        if (rn == 0.0) {
          continue; /* this block does not see the mode */
        }
        for (size_t i = 0; i < kl; i++) {
          for (size_t j = 0; j < kl; j++) {
            mat[i * kl + j] = L->a[(t0 + i) * m + (t0 + j)] - (i == j ? lm : 0.0);
          }
        }
        /* a resonance (lm an eigenvalue of the fed block) makes this near-singular: the huge
         * components it yields are caught by the condition test on v below */
        if (rui_lin_lu_solve(mat, kl, rhs, 1) != RU_OK) {
          return -1;
        }
        for (size_t i = 0; i < kl; i++) {
          if (!isfinite(rhs[i])) {
            return -1;
          }
          L->v[(t0 + i) * m + col] = rhs[i];
        }
      }
      double nv = 0.0;
      for (size_t i = 0; i < m; i++) {
        nv = fmax(nv, fabs(L->v[i * m + col]));
      }
      for (size_t i = 0; i < m; i++) {
        L->v[i * m + col] /= nv;
      }
    }
  }
  /* w = v^{-1} */
  memcpy(mat, L->v, m * m * sizeof *mat);
  for (size_t i = 0; i < m * m; i++) {
    L->w[i] = (i / m == i % m) ? 1.0 : 0.0;
  }
  if (rui_lin_lu_solve(mat, m, L->w, m) != RU_OK) {
    return -1;
  }
  const double cond = inf_norm(L->v, m) * inf_norm(L->w, m);
  if (!(cond <= RUI_HYB_EIG_COND)) {
    return -1;
  }
  return 0;
}

ru_status rui_hyb_cf_setup(cf_lane *L, const size_t *scc, size_t nscc, ru_error *err) {
  const size_t m = L->m;
  for (size_t k = 0; k < HYB_CACHE; k++) {
    L->slot[k].h = (double)NAN;
  }
  for (size_t i = 0; i < m * m; i++) {
    if (!isfinite(L->a[i])) {
      return ru_error_set(err, RU_ENUMERIC, "hybrid solver: rate matrix entry is not finite");
    }
  }
  L->pade = group_eigen(L, scc, nscc) != 0;
  if (L->pade) {
    /* ||A||_1 bounds the spectral radius */
    double best = 0.0;
    for (size_t j = 0; j < m; j++) {
      double s = 0.0;
      for (size_t i = 0; i < m; i++) {
        s += fabs(L->a[i * m + j]);
      }
      best = fmax(best, s);
    }
    L->rho = best;
  } else {
    L->rho = 0.0;
    for (size_t k = 0; k < m; k++) {
      L->rho = fmax(L->rho, fabs(L->lam[k]));
    }
    for (size_t dd = 0; dd < L->nd; dd++) {
      for (size_t k = 0; k < m; k++) {
        double acc = 0.0;
        for (size_t a = 0; a < m; a++) {
          acc += L->rows[dd * m + a] * L->v[a * m + k];
        }
        L->q[dd * m + k] = acc;
      }
    }
  }
  /* b is recomputed from c and the last rates */
  L->bver++;
  L->bzero = 1;
  for (size_t i = 0; i < m; i++) {
    L->bzero &= L->b[i] == 0.0;
  }
  if (!L->pade) {
    for (size_t k = 0; k < m; k++) {
      double acc = 0.0;
      for (size_t a = 0; a < m; a++) {
        acc += L->w[k * m + a] * L->b[a];
      }
      L->wb[k] = acc;
    }
  }
  return RU_OK;
}

int rui_hyb_cf_set_rates(cf_lane *L, const double *r) {
  const size_t m = L->m;
  int changed = 0, zero = 1;
  for (size_t i = 0; i < m; i++) {
    const double bi = L->c[i] + r[i];
    changed |= bi != L->b[i];
    L->b[i] = bi;
    zero &= bi == 0.0;
  }
  if (!changed) {
    return 0;
  }
  L->bver++;
  L->bzero = zero;
  if (!L->pade) {
    for (size_t k = 0; k < m; k++) {
      double acc = 0.0;
      for (size_t a = 0; a < m; a++) {
        acc += L->w[k * m + a] * L->b[a];
      }
      L->wb[k] = acc;
    }
  }
  return 1;
}

/* phi(lambda, s) = (e^{lambda s} - 1) / lambda, = s at lambda = 0. */
static double phi(double lam, double s) { return lam == 0.0 ? s : expm1(lam * s) / lam; }

/* Gamma terms of a slot (g, gn) from its modal factors (eigen) or augmented exponentials. */
static ru_status build_gamma(cf_lane *L, cf_slot *sl, ru_error *err) {
  const size_t m = L->m, nd = L->nd;
  double *g = sl->data + cf_off_g(L), *gn = sl->data + cf_off_gn(L);
  sl->bver = L->bver;
  if (L->bzero) {
    memset(g, 0, m * sizeof *g);
    memset(gn, 0, 3 * nd * sizeof *gn);
    return RU_OK;
  }
  if (!L->pade) {
    const double *ph = sl->data + cf_off_gn(L) + 3 * nd + m; /* Eh, Ph, Ec, Pc, Ecr, Pcr */
    const double *pcg = ph + m + 3 * m, *pcr = pcg + 3 * m + 3 * m;
    for (size_t a = 0; a < m; a++) {
      double acc = 0.0;
      for (size_t k = 0; k < m; k++) {
        acc += L->v[a * m + k] * ph[k] * L->wb[k];
      }
      g[a] = acc;
    }
    for (size_t dd = 0; dd < nd; dd++) {
      const double *pc = L->radau[dd] ? pcr : pcg;
      for (size_t j = 0; j < 3; j++) {
        double acc = 0.0;
        for (size_t k = 0; k < m; k++) {
          acc += L->q[dd * m + k] * pc[j * m + k] * L->wb[k];
        }
        gn[dd * 3 + j] = acc;
      }
    }
    return RU_OK;
  }
  const size_t ma = m + 1;
  if (ma > RUI_LIN_MAX) {
    return ru_error_set(err, RU_ELIMIT,
                        "hybrid solver: a closed-form group of %zu states with an input needs the "
                        "augmented exponential (at most %d states)", m, RUI_LIN_MAX - 1);
  }
  double aug[RUI_LIN_MAX * RUI_LIN_MAX], ex[RUI_LIN_MAX * RUI_LIN_MAX];
  memset(aug, 0, sizeof aug);
  for (size_t i = 0; i < m; i++) {
    for (size_t j = 0; j < m; j++) {
      aug[i * ma + j] = L->a[i * m + j];
    }
    aug[i * ma + m] = L->b[i];
  }
  /* the end, the Gauss-Legendre nodes and the Radau nodes (its last one is the end) */
  for (size_t q = 0; q < 6; q++) {
    const int radau = q >= 4;
    const size_t j = q == 0 ? 3 : (radau ? q - 4 : q - 1);
    const double s = j == 3 ? sl->h : (radau ? rui_radau_c[j] : rui_gl3_c[j]) * sl->h;
    int used = j == 3;
    for (size_t dd = 0; dd < nd; dd++) {
      used |= j < 3 && L->radau[dd] == radau;
      used |= q == 0 && L->radau[dd]; /* Radau's third node is the end */
    }
    if (!used) {
      continue;
    }
    if (rui_lin_expm(aug, ma, s, ex) != RU_OK) {
      return ru_error_set(err, RU_ENUMERIC, "hybrid solver: matrix exponential failed (h = %g h)",
                          sl->h);
    }
    if (j == 3) {
      for (size_t a = 0; a < m; a++) {
        g[a] = ex[a * ma + m];
      }
    }
    for (size_t dd = 0; dd < nd; dd++) {
      const int here = j == 3 ? L->radau[dd] != 0 : L->radau[dd] == radau;
      if (!here) {
        continue;
      }
      const size_t jj = j == 3 ? 2 : j;
      double acc = 0.0;
      for (size_t a = 0; a < m; a++) {
        acc += L->rows[dd * m + a] * ex[a * ma + m];
      }
      gn[dd * 3 + jj] = acc;
    }
  }
  return RU_OK;
}

static ru_status build_slot(cf_lane *L, cf_slot *sl, double h, ru_error *err) {
  const size_t m = L->m, nd = L->nd;
  double *p = sl->data, *r = sl->data + cf_off_r(L);
  sl->h = h;
  if (!L->pade) {
    double *eh = sl->data + cf_off_gn(L) + 3 * nd, *ph = eh + m, *ec = ph + m, *pc = ec + 3 * m;
    double *ecr = pc + 3 * m, *pcr = ecr + 3 * m;
    int any_radau = 0;
    for (size_t dd = 0; dd < nd; dd++) {
      any_radau |= L->radau[dd];
    }
    for (size_t k = 0; k < m; k++) {
      eh[k] = exp(L->lam[k] * h);
      ph[k] = phi(L->lam[k], h);
      for (size_t j = 0; j < 3; j++) {
        const double s = rui_gl3_c[j] * h;
        ec[j * m + k] = exp(L->lam[k] * s);
        pc[j * m + k] = phi(L->lam[k], s);
        if (any_radau) {
          const double sr = rui_radau_c[j] * h;
          ecr[j * m + k] = exp(L->lam[k] * sr);
          pcr[j * m + k] = phi(L->lam[k], sr);
        }
      }
    }
    for (size_t a = 0; a < m; a++) {
      for (size_t bb = 0; bb < m; bb++) {
        double acc = 0.0;
        for (size_t k = 0; k < m; k++) {
          acc += L->v[a * m + k] * eh[k] * L->w[k * m + bb];
        }
        p[a * m + bb] = acc;
      }
    }
    for (size_t dd = 0; dd < nd; dd++) {
      const double *e = L->radau[dd] ? ecr : ec;
      for (size_t j = 0; j < 3; j++) {
        for (size_t a = 0; a < m; a++) {
          double acc = 0.0;
          for (size_t k = 0; k < m; k++) {
            acc += L->q[dd * m + k] * e[j * m + k] * L->w[k * m + a];
          }
          r[(dd * 3 + j) * m + a] = acc;
        }
      }
    }
  } else {
    double ex[RUI_LIN_MAX * RUI_LIN_MAX];
    /* the end, then the node times each driver needs (Gauss-Legendre or Radau) */
    for (size_t q = 0; q < 7; q++) {
      const int radau = q >= 4;
      const size_t j = q == 0 ? 3 : (radau ? q - 4 : q - 1);
      int used = q == 0;
      for (size_t dd = 0; dd < nd && q > 0; dd++) {
        used |= L->radau[dd] == radau;
      }
      if (!used) {
        continue;
      }
      const double s = j == 3 ? h : (radau ? rui_radau_c[j] : rui_gl3_c[j]) * h;
      if (rui_lin_expm(L->a, m, s, ex) != RU_OK) {
        return ru_error_set(err, RU_ENUMERIC,
                            "hybrid solver: matrix exponential failed (h = %g h)", h);
      }
      if (j == 3) {
        memcpy(p, ex, m * m * sizeof *p);
        continue;
      }
      for (size_t dd = 0; dd < nd; dd++) {
        if (L->radau[dd] != radau) {
          continue;
        }
        for (size_t a = 0; a < m; a++) {
          double acc = 0.0;
          for (size_t k = 0; k < m; k++) {
            acc += L->rows[dd * m + k] * ex[k * m + a];
          }
          r[(dd * 3 + j) * m + a] = acc;
        }
      }
    }
  }
  return build_gamma(L, sl, err);
}

ru_status rui_hyb_cf_entry(cf_lane *L, double h, const double **data, int *built, ru_error *err) {
  *built = 0;
  cf_slot *use = NULL;
  for (size_t k = 0; k < HYB_CACHE; k++) {
    if (L->slot[k].h == h) {
      use = &L->slot[k];
      break;
    }
  }
  ru_status st = RU_OK;
  if (use == NULL) {
    use = &L->slot[0];
    for (size_t k = 1; k < HYB_CACHE; k++) {
      if (isnan(L->slot[k].h) || (!isnan(use->h) && L->slot[k].stamp < use->stamp)) {
        use = &L->slot[k];
        if (isnan(use->h)) {
          break;
        }
      }
    }
    st = build_slot(L, use, h, err);
    *built = 1;
  } else if (use->bver != L->bver) {
    st = build_gamma(L, use, err);
  }
  if (st != RU_OK) {
    use->h = (double)NAN;
    return st;
  }
  use->stamp = ++L->clock;
  *data = use->data;
  return RU_OK;
}
