/* A subject (ru_sim) and its effect states as a system of the hybrid solver (hybrid_sim.h).
 *
 * States: the sim's (compartments, tracked enzymes, optionally its AUC accumulators), then each
 * attached unit of effect states. The structure of the sim's rows comes from its right-hand side
 * (rui_sim_rhs) at RUI_HYB_SAMPLES pseudo-random states of realistic magnitude (amounts on the
 * scale of the largest dose, enzyme activities in (0.3, 0.9)): f_i reads y_j when moving y_j by
 * half its value changes f_i at all; row i is linear time-invariant when its difference quotients
 * and its constant term agree at every sample (relative RUI_HYB_LIN_TOL); a block is affine when
 * its own Jacobian is the same at its sample states moved by factors 1.6 and 0.55. Effect units
 * read the states their inputs combine and are one block each (affine when flagged).
 *
 * Lanes: each lane owns a copy of the sim's compound table (the parameters the right-hand side
 * reads), so a population batch varies CL, V, ka per lane without touching the knowledge base.
 * Inputs of effect units are linear functionals of central amounts (concentration = amount /
 * V * 1000; unbound = that * fu / MW * 1000; occupancy: S = sum unbound_i / K_i, then S / (1 +
 * S) before the user's function), with per-lane coefficients set when the lane is set up. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "pk/hybrid_impl.h"
#include "pk/hybrid_sim.h"

#define RUI_HYB_SAMPLES 3
#define RUI_HYB_LIN_TOL 1e-9

struct rui_hyb_subject {
  ru_sim *tmpl;
  size_t nl;
  size_t nfull;  /* sim states the right-hand side writes (s->nstate) */
  size_t ns;     /* sim states in the system */
  size_t ne;     /* effect states */
  size_t n;
  int with_auc;
  ru_sim lane[RUI_HYB_LANES_MAX];
  sim_compound *cbuf[RUI_HYB_LANES_MAX];
  rui_enzyme *ebuf[RUI_HYB_LANES_MAX]; /* each lane's enzymes (phenotype activities) */
  rui_hyb_unit *unit;
  size_t nunit;
  size_t *ufirst;     /* first state of each unit */
  size_t **uterm;     /* per unit: ninputs * nc term states */
  size_t **unterm;    /* per unit: ninputs term counts */
  size_t **ucomp;     /* per unit: ninputs * nc compound of each term */
  size_t *ublock;     /* engine block of each unit */
  long *bunit;        /* unit of each engine block (-1: a block of the sim) */
  unsigned char *uocc; /* 1: the unit has an occupancy input */
  unsigned char *dep, *lti, *reset;
  size_t *ulabel;
  double *atol, *scale;
  double *y0;         /* n: initial state */
  double *yfull, *dyfull; /* nfull scratch */
  double *ubuf;       /* inputs after the unit's transform (occupancy) */
  double *ybuf;       /* n: a lane's state */
  size_t tmp_state;
  double samples[RUI_HYB_SAMPLES][RUI_SIM_MAX_STATE];
  rui_hyb *eng;
  /* explicit blocks of the sim affine in their inputs (the AUC accumulators): evaluated from
   * per-lane coefficients, dy_i = c_i0 + sum_k c_ik u_k, without the model's right-hand side */
  unsigned char *blin;  /* per engine block */
  size_t *bcoff;        /* per engine block: offset of its (1 + ni) * nb coefficients */
  size_t ncoef;         /* coefficients per lane */
  double *lcoef;        /* nl * ncoef */
  rui_timeline tl;
  double tl_end;
  int tl_ok;
};

/* splitmix64 (Steele, Lea & Flood 2014): the fixed sample points of the structure detection. */
static double sample_u(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

static int is_enzyme_state(const ru_sim *s, size_t i) {
  for (size_t e = 0; e < s->enz.n; e++) {
    if (s->enz.e[e].state == (long)i) {
      return 1;
    }
  }
  return 0;
}

/* Largest dose amount (mg) of the sim's regimens: the scale of its amounts. */
static double dose_scale(const ru_sim *s) {
  double d = 0.0;
  for (size_t k = 0; k < s->nev; k++) {
    d = fmax(d, s->ev[k].amount_mg);
  }
  return d > 0.0 ? d : 1.0;
}

static void sim_eval(const ru_sim *s, const double *y, double *dy) {
  (void)rui_sim_rhs(0.0, y, dy, (void *)s);
}

/* Dependencies and linear rows of the sim's states, from its right-hand side. */
static ru_status detect(rui_hyb_subject *hs, ru_error *err) {
  const ru_sim *s = hs->tmpl;
  const size_t nf = hs->nfull, n = hs->n, ns = hs->ns;
  const double D = dose_scale(s);
  uint64_t seed = 0x5EEDull;
  double f0[RUI_SIM_MAX_STATE], f1[RUI_SIM_MAX_STATE], yp[RUI_SIM_MAX_STATE];
  double c0[RUI_SIM_MAX_STATE];
  /* slopes of sample 0 (the reference) and of the sample at hand */
  double *sl0 = rui_malloc(2 * ns * ns * sizeof *sl0);
  if (sl0 == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory");
  }
  double *slk = sl0 + ns * ns;
  for (size_t i = 0; i < ns; i++) {
    hs->lti[i] = 1;
  }
  for (size_t k = 0; k < RUI_HYB_SAMPLES; k++) {
    double *y = hs->samples[k];
    for (size_t j = 0; j < nf; j++) {
      y[j] = is_enzyme_state(s, j) ? 0.3 + 0.6 * sample_u(&seed) : D * (0.5 + 1.5 * sample_u(&seed));
    }
  }
  for (size_t k = 0; k < RUI_HYB_SAMPLES; k++) {
    const double *y = hs->samples[k];
    double *sl = k == 0 ? sl0 : slk;
    sim_eval(s, y, f0);
    for (size_t j = 0; j < ns; j++) {
      memcpy(yp, y, nf * sizeof *yp);
      const double dj = 0.5 * y[j];
      yp[j] += dj;
      sim_eval(s, yp, f1);
      for (size_t i = 0; i < ns; i++) {
        if (f1[i] != f0[i]) {
          hs->dep[i * n + j] = 1;
        }
        sl[i * ns + j] = (f1[i] - f0[i]) / dj;
      }
    }
    for (size_t i = 0; i < ns; i++) {
      double c = f0[i], mag = fabs(f0[i]);
      for (size_t j = 0; j < ns; j++) {
        c -= sl[i * ns + j] * y[j];
        mag += fabs(sl[i * ns + j] * y[j]);
      }
      if (k == 0) {
        c0[i] = c;
        continue;
      }
      if (!(fabs(c - c0[i]) <= RUI_HYB_LIN_TOL * mag)) {
        hs->lti[i] = 0;
      }
      for (size_t j = 0; j < ns; j++) {
        const double a = sl0[i * ns + j], b = slk[i * ns + j];
        if (!(fabs(a - b) <= RUI_HYB_LIN_TOL * (fabs(a) + fabs(b)))) {
          hs->lti[i] = 0;
        }
      }
    }
  }
  rui_free(sl0);
  return RU_OK;
}

/* Own Jacobian of the sim rows `rows` at y (difference quotients with half-value steps; for an
 * affine block any step is exact up to rounding). */
static void block_jac(const rui_hyb_subject *hs, const double *y, const size_t *rows, size_t nb,
                      double *jac) {
  double f0[RUI_SIM_MAX_STATE], f1[RUI_SIM_MAX_STATE], yp[RUI_SIM_MAX_STATE];
  const size_t nf = hs->nfull;
  sim_eval(hs->tmpl, y, f0);
  for (size_t c = 0; c < nb; c++) {
    memcpy(yp, y, nf * sizeof *yp);
    const double dj = 0.5 * fabs(y[rows[c]]) + 1e-3;
    yp[rows[c]] += dj;
    sim_eval(hs->tmpl, yp, f1);
    for (size_t i = 0; i < nb; i++) {
      jac[i * nb + c] = (f1[rows[i]] - f0[rows[i]]) / dj;
    }
  }
}

static int affine(void *user, const size_t *rows, size_t nb) {
  rui_hyb_subject *hs = user;
  if (rows[0] >= hs->ns) {
    for (size_t u = 0; u < hs->nunit; u++) {
      if (hs->ufirst[u] == rows[0]) {
        return (hs->unit[u].flags & RU_EFFECT_AFFINE) != 0;
      }
    }
    return 0;
  }
  if (nb > RUI_SIM_MAX_STATE) {
    return 0;
  }
  static const double factor[2] = {1.6, 0.55};
  double j0[RUI_SIM_MAX_STATE * RUI_SIM_MAX_STATE], j1[RUI_SIM_MAX_STATE * RUI_SIM_MAX_STATE];
  double y[RUI_SIM_MAX_STATE];
  for (size_t k = 0; k < RUI_HYB_SAMPLES; k++) {
    memcpy(y, hs->samples[k], hs->nfull * sizeof *y);
    block_jac(hs, y, rows, nb, j0);
    for (size_t f = 0; f < 2; f++) {
      memcpy(y, hs->samples[k], hs->nfull * sizeof *y);
      for (size_t i = 0; i < nb; i++) {
        y[rows[i]] *= factor[f];
      }
      block_jac(hs, y, rows, nb, j1);
      for (size_t q = 0; q < nb * nb; q++) {
        if (!(fabs(j0[q] - j1[q]) <= RUI_HYB_LIN_TOL * (fabs(j0[q]) + fabs(j1[q])) + 1e-300)) {
          return 0;
        }
      }
    }
  }
  return 1;
}

static int stiff(void *user, const size_t *rows, size_t nb) {
  rui_hyb_subject *hs = user;
  (void)nb;
  if (rows[0] < hs->ns) {
    return 0;
  }
  for (size_t u = 0; u < hs->nunit; u++) {
    if (hs->ufirst[u] == rows[0]) {
      return (hs->unit[u].flags & RU_EFFECT_STIFF) != 0;
    }
  }
  return 0;
}

static long unit_of_block(const rui_hyb_subject *hs, const rui_hyb_decomp *d, size_t b) {
  const size_t first = d->state[d->bstart[b]];
  if (first < hs->ns) {
    return -1;
  }
  for (size_t u = 0; u < hs->nunit; u++) {
    if (first >= hs->ufirst[u] && first < hs->ufirst[u] + hs->unit[u].n) {
      return (long)u;
    }
  }
  return -1;
}

/* 1 when a row of block b reads state j (outside it). */
static int reads(const rui_hyb_subject *hs, const rui_hyb_decomp *d, size_t b, size_t j) {
  if (d->where[j] == -(long)b - 1) {
    return 0;
  }
  for (size_t k = d->bstart[b]; k < d->bstart[b + 1]; k++) {
    if (hs->dep[d->state[k] * hs->n + j]) {
      return 1;
    }
  }
  return 0;
}

static size_t ninputs(void *user, const rui_hyb_decomp *d, size_t b) {
  rui_hyb_subject *hs = user;
  const long u = unit_of_block(hs, d, b);
  if (u >= 0) {
    return hs->unit[u].ninputs;
  }
  size_t k = 0;
  for (size_t j = 0; j < hs->n; j++) {
    k += (size_t)reads(hs, d, b, j);
  }
  return k;
}

static rui_hyb_input input(void *user, const rui_hyb_decomp *d, size_t b, size_t k) {
  rui_hyb_subject *hs = user;
  const long u = unit_of_block(hs, d, b);
  rui_hyb_input in = {0, NULL};
  if (u >= 0) {
    in.nterm = hs->unterm[u][k];
    in.state = hs->uterm[u] + k * hs->tmpl->nc;
    return in;
  }
  size_t q = 0;
  for (size_t j = 0; j < hs->n; j++) {
    if (reads(hs, d, b, j) && q++ == k) {
      hs->tmp_state = j;
      in.nterm = 1;
      in.state = &hs->tmp_state;
      break;
    }
  }
  return in;
}

/* Coefficient turning compound i's central amount (mg) into input kind (lane l). */
static double unit_coef(const ru_sim *s, size_t i, ru_effect_input_kind kind, double k_nm) {
  const sim_compound *c = &s->c[i];
  const double conc = 1000.0 / c->v_l; /* ng/mL per mg */
  if (kind == RU_EFFECT_CONC) {
    return conc;
  }
  const double unbound = conc * c->fu / c->mw * 1000.0; /* nM per mg (pd.h) */
  return kind == RU_EFFECT_UNBOUND ? unbound : unbound / k_nm;
}

/* Rows of sim block b at the state y0 with its inputs set to u[k] (ni values), sim s. */
static void block_at_inputs(rui_hyb_subject *hs, const ru_sim *s, size_t b, const double *u,
                            double *out) {
  const rui_hyb_decomp *d = rui_hyb_decomposition(hs->eng);
  const size_t *rows = d->state + d->bstart[b];
  const size_t nb = d->bstart[b + 1] - d->bstart[b];
  const hyb_block *B = &hs->eng->blk[b];
  memcpy(hs->yfull, hs->y0, hs->nfull * sizeof *hs->yfull);
  for (size_t k = 0; k < B->ni; k++) {
    hs->yfull[B->in[k].term[0].state] = u[k];
  }
  (void)rui_sim_rhs(0.0, hs->yfull, hs->dyfull, (void *)s);
  for (size_t i = 0; i < nb; i++) {
    out[i] = hs->dyfull[rows[i]];
  }
}

/* The affine coefficients of block b for sim s: c[i] (offset) and c[(1 + k) nb + i] from
 * difference quotients at the inputs' scales (exact for rows linear in the inputs). */
static void block_coefs(rui_hyb_subject *hs, const ru_sim *s, size_t b, double *c) {
  const hyb_block *B = &hs->eng->blk[b];
  const rui_hyb_decomp *d = rui_hyb_decomposition(hs->eng);
  const size_t nb = d->bstart[b + 1] - d->bstart[b];
  double u[RUI_SIM_MAX_STATE], f[RUI_SIM_MAX_STATE];
  memset(u, 0, B->ni * sizeof *u);
  block_at_inputs(hs, s, b, u, c);
  for (size_t k = 0; k < B->ni; k++) {
    const double D = hs->scale[B->in[k].term[0].state];
    u[k] = D;
    block_at_inputs(hs, s, b, u, f);
    u[k] = 0.0;
    for (size_t i = 0; i < nb; i++) {
      c[(1 + k) * nb + i] = (f[i] - c[i]) / D;
    }
  }
}

/* Finds the explicit sim blocks affine in their inputs: the coefficients reproduce the rows at
 * the sample states to 1e-12 of their size. */
static ru_status find_linear_blocks(rui_hyb_subject *hs, ru_error *err) {
  const rui_hyb_decomp *d = rui_hyb_decomposition(hs->eng);
  hs->blin = rui_calloc(d->nblocks + 1, 1);
  hs->bcoff = rui_calloc(d->nblocks + 1, sizeof *hs->bcoff);
  if (hs->blin == NULL || hs->bcoff == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory");
  }
  double c[RUI_SIM_MAX_STATE * 8], u[RUI_SIM_MAX_STATE], f[RUI_SIM_MAX_STATE];
  for (size_t b = 0; b < d->nblocks; b++) {
    const hyb_block *B = &hs->eng->blk[b];
    const size_t nb = d->bstart[b + 1] - d->bstart[b];
    if (hs->bunit[b] >= 0 || B->kind != RUI_HYB_EXPLICIT || (1 + B->ni) * nb > 8 * RUI_SIM_MAX_STATE) {
      continue;
    }
    block_coefs(hs, hs->tmpl, b, c);
    int ok = 1;
    for (size_t q = 0; q < RUI_HYB_SAMPLES && ok; q++) {
      for (size_t k = 0; k < B->ni; k++) {
        u[k] = hs->samples[q][B->in[k].term[0].state];
      }
      block_at_inputs(hs, hs->tmpl, b, u, f);
      for (size_t i = 0; i < nb && ok; i++) {
        double v = c[i], mag = fabs(c[i]);
        for (size_t k = 0; k < B->ni; k++) {
          v += c[(1 + k) * nb + i] * u[k];
          mag += fabs(c[(1 + k) * nb + i] * u[k]);
        }
        ok = fabs(v - f[i]) <= 1e-12 * mag + 1e-300;
      }
    }
    if (ok) {
      hs->blin[b] = 1;
      hs->bcoff[b] = hs->ncoef;
      hs->ncoef += (1 + B->ni) * nb;
    }
  }
  hs->lcoef = rui_calloc(hs->nl * hs->ncoef + 1, sizeof *hs->lcoef);
  return hs->lcoef == NULL ? ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory")
                           : RU_OK;
}

static int sys_rhs(void *user, size_t b, size_t np, size_t nl, const double *t, const double *y,
                   const double *u, double *dy) {
  rui_hyb_subject *hs = user;
  const long un = hs->bunit[b];
  if (un >= 0) {
    const rui_hyb_unit *U = &hs->unit[un];
    const double *uu = u;
    if (hs->uocc[un]) {
      for (size_t k = 0; k < U->ninputs; k++) {
        for (size_t p = 0; p < np; p++) {
          const double x = u[k * np + p];
          hs->ubuf[k * np + p] = U->kind[k] == RU_EFFECT_OCCUPANCY ? (x > 0.0 ? x / (1.0 + x) : 0.0)
                                                                   : x;
        }
      }
      uu = hs->ubuf;
    }
    if (U->rhs_batch != NULL) {
      return U->rhs_batch(np, nl, t, y, uu, dy, U->user);
    }
    double yy[64], ui[64], fy[64];
    if (U->n > 64 || U->ninputs > 64) {
      return -1;
    }
    for (size_t p = 0; p < np; p++) {
      for (size_t i = 0; i < U->n; i++) {
        yy[i] = y[i * np + p];
      }
      for (size_t k = 0; k < U->ninputs; k++) {
        ui[k] = uu[k * np + p];
      }
      const int rc = U->rhs(t[p], yy, ui, fy, U->user);
      if (rc != 0) {
        return rc < 0 ? rc : -rc;
      }
      for (size_t i = 0; i < U->n; i++) {
        dy[i * np + p] = fy[i];
      }
    }
    return 0;
  }
  const rui_hyb_decomp *d = rui_hyb_decomposition(hs->eng);
  const size_t *rows = d->state + d->bstart[b];
  const size_t nb = d->bstart[b + 1] - d->bstart[b];
  const hyb_block *B = &hs->eng->blk[b];
  if (hs->blin != NULL && hs->blin[b]) {
    /* affine in its inputs: from the lane's coefficients */
    for (size_t r = 0; r < np; r += nl) {
      for (size_t l = 0; l < nl; l++) {
        const size_t p = r + l;
        const double *c = hs->lcoef + l * hs->ncoef + hs->bcoff[b];
        for (size_t i = 0; i < nb; i++) {
          double v = c[i];
          for (size_t k = 0; k < B->ni; k++) {
            v += c[(1 + k) * nb + i] * u[k * np + p];
          }
          dy[i * np + p] = v;
        }
      }
    }
    return 0;
  }
  /* a block of the sim: scatter own states and inputs into a full state, evaluate, gather */
  for (size_t r = 0; r < np; r += nl) {
    for (size_t l = 0; l < nl; l++) {
      const size_t p = r + l;
      memcpy(hs->yfull, hs->y0, hs->nfull * sizeof *hs->yfull);
      for (size_t i = 0; i < nb; i++) {
        hs->yfull[rows[i]] = y[i * np + p];
      }
      for (size_t k = 0; k < B->ni; k++) {
        hs->yfull[B->in[k].term[0].state] = u[k * np + p];
      }
      (void)rui_sim_rhs(t[p], hs->yfull, hs->dyfull, &hs->lane[l]);
      for (size_t i = 0; i < nb; i++) {
        dy[i * np + p] = hs->dyfull[rows[i]];
      }
    }
  }
  return 0;
}

static int sys_jac(void *user, size_t b, size_t np, size_t nl, const double *t, const double *y,
                   const double *u, double *jac) {
  rui_hyb_subject *hs = user;
  const long un = hs->bunit[b];
  if (un < 0 || (hs->unit[un].jac == NULL && hs->unit[un].jac_batch == NULL)) {
    return RUI_HYB_NO_JAC; /* the engine uses difference quotients for this block */
  }
  const rui_hyb_unit *U = &hs->unit[un];
  const double *uu = u;
  if (hs->uocc[un]) {
    for (size_t k = 0; k < U->ninputs; k++) {
      for (size_t p = 0; p < np; p++) {
        const double x = u[k * np + p];
        hs->ubuf[k * np + p] =
            U->kind[k] == RU_EFFECT_OCCUPANCY ? (x > 0.0 ? x / (1.0 + x) : 0.0) : x;
      }
    }
    uu = hs->ubuf;
  }
  if (U->jac_batch != NULL && (U->rhs_batch != NULL || U->jac == NULL)) {
    return U->jac_batch(np, nl, t, y, uu, jac, U->user);
  }
  double yy[64], ui[64], jj[64 * 64];
  const size_t n = U->n;
  if (n > 64 || U->ninputs > 64) {
    return -1;
  }
  for (size_t p = 0; p < np; p++) {
    for (size_t i = 0; i < n; i++) {
      yy[i] = y[i * np + p];
    }
    for (size_t k = 0; k < U->ninputs; k++) {
      ui[k] = uu[k * np + p];
    }
    const int rc = U->jac(t[p], yy, ui, jj, U->user);
    if (rc != 0) {
      return rc < 0 ? rc : -rc;
    }
    for (size_t q = 0; q < n * n; q++) {
      jac[q * np + p] = jj[q];
    }
  }
  return 0;
}

static int sys_linear(void *user, size_t lane, double *a, double *c) {
  rui_hyb_subject *hs = user;
  const rui_hyb_decomp *d = rui_hyb_decomposition(hs->eng);
  const size_t n = hs->n;
  double f0[RUI_SIM_MAX_STATE], f1[RUI_SIM_MAX_STATE];
  memcpy(hs->yfull, hs->y0, hs->nfull * sizeof *hs->yfull);
  for (size_t g = 0; g < d->ngroups; g++) {
    for (size_t k = d->gstart[g]; k < d->gstart[g + 1]; k++) {
      hs->yfull[d->state[k]] = 0.0;
    }
  }
  (void)rui_sim_rhs(0.0, hs->yfull, f0, &hs->lane[lane]);
  for (size_t g = 0; g < d->ngroups; g++) {
    for (size_t kj = d->gstart[g]; kj < d->gstart[g + 1]; kj++) {
      const size_t j = d->state[kj];
      hs->yfull[j] = 1.0;
      (void)rui_sim_rhs(0.0, hs->yfull, f1, &hs->lane[lane]);
      hs->yfull[j] = 0.0;
      for (size_t ki = d->gstart[g]; ki < d->gstart[g + 1]; ki++) {
        const size_t i = d->state[ki];
        a[i * n + j] = f1[i] - f0[i];
      }
    }
    for (size_t ki = d->gstart[g]; ki < d->gstart[g + 1]; ki++) {
      c[d->state[ki]] = f0[d->state[ki]];
    }
  }
  return 0;
}

void rui_hyb_subject_free(rui_hyb_subject *s) {
  if (s == NULL) {
    return;
  }
  rui_hyb_free(s->eng);
  for (size_t l = 0; l < RUI_HYB_LANES_MAX; l++) {
    rui_free(s->cbuf[l]);
    rui_free(s->ebuf[l]);
  }
  rui_free(s->blin);
  rui_free(s->bcoff);
  rui_free(s->lcoef);
  for (size_t u = 0; s->unit != NULL && u < s->nunit; u++) {
    rui_free(s->unit[u].y0);
    rui_free(s->unit[u].kind);
    rui_free(s->unit[u].compound);
    rui_free(s->unit[u].k_nm);
    if (s->uterm != NULL) {
      rui_free(s->uterm[u]);
      rui_free(s->unterm[u]);
      rui_free(s->ucomp[u]);
    }
  }
  rui_free(s->unit);
  rui_free(s->uterm);
  rui_free(s->unterm);
  rui_free(s->ucomp);
  rui_free(s->ufirst);
  rui_free(s->ublock);
  rui_free(s->bunit);
  rui_free(s->uocc);
  rui_free(s->dep);
  rui_free(s->lti);
  rui_free(s->reset);
  rui_free(s->ulabel);
  rui_free(s->atol);
  rui_free(s->scale);
  rui_free(s->y0);
  rui_free(s->yfull);
  rui_free(s->dyfull);
  rui_free(s->ubuf);
  rui_free(s->ybuf);
  rui_timeline_free(&s->tl);
  rui_free(s);
}

/* Copies unit u (the caller's) and resolves its input terms. */
static ru_status copy_unit(rui_hyb_subject *hs, size_t u, const rui_hyb_unit *src, ru_error *err) {
  rui_hyb_unit *U = &hs->unit[u];
  const size_t nc = hs->tmpl->nc;
  *U = *src;
  U->y0 = rui_malloc(src->n * sizeof *U->y0);
  U->kind = rui_malloc((src->ninputs + 1) * sizeof *U->kind);
  U->compound = rui_malloc((src->ninputs + 1) * sizeof *U->compound);
  U->k_nm = rui_malloc((src->ninputs * nc + 1) * sizeof *U->k_nm);
  hs->uterm[u] = rui_malloc((src->ninputs * nc + 1) * sizeof *hs->uterm[u]);
  hs->unterm[u] = rui_malloc((src->ninputs + 1) * sizeof *hs->unterm[u]);
  hs->ucomp[u] = rui_malloc((src->ninputs * nc + 1) * sizeof *hs->ucomp[u]);
  if (U->y0 == NULL || U->kind == NULL || U->compound == NULL || U->k_nm == NULL ||
      hs->uterm[u] == NULL || hs->unterm[u] == NULL || hs->ucomp[u] == NULL) {
    return ru_error_set(err, RU_ENOMEM, "effect states: out of memory");
  }
  memcpy(U->y0, src->y0, src->n * sizeof *U->y0);
  for (size_t k = 0; k < src->ninputs; k++) {
    U->kind[k] = src->kind[k];
    U->compound[k] = src->compound[k];
    size_t nt = 0;
    for (size_t i = 0; i < nc; i++) {
      U->k_nm[k * nc + i] = src->kind[k] == RU_EFFECT_OCCUPANCY ? src->k_nm[k * nc + i] : nan("");
      const int term = src->kind[k] == RU_EFFECT_OCCUPANCY ? isfinite(src->k_nm[k * nc + i]) != 0
                                                            : i == src->compound[k];
      if (term) {
        hs->uterm[u][k * nc + nt] = (size_t)hs->tmpl->c[i].central;
        hs->ucomp[u][k * nc + nt] = i;
        nt++;
      }
    }
    hs->unterm[u][k] = nt;
  }
  return RU_OK;
}

ru_status rui_hyb_subject_new(ru_sim *sim, size_t nl, int with_auc, const rui_hyb_unit *units,
                              size_t nunits, const rui_hyb_options *opt, rui_hyb_subject **out,
                              ru_error *err) {
  *out = NULL;
  if (sim == NULL || nl == 0 || nl > RUI_HYB_LANES_MAX || (nunits > 0 && units == NULL)) {
    return ru_error_set(err, RU_EINVAL, "hybrid subject: bad arguments");
  }
  ru_status st = ru_sim_prepare(sim, err);
  if (st != RU_OK) {
    return st;
  }
  rui_hyb_subject *hs = rui_calloc(1, sizeof *hs);
  if (hs == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory");
  }
  hs->tmpl = sim;
  hs->nl = nl;
  hs->nfull = sim->nstate;
  hs->with_auc = with_auc != 0;
  hs->ns = with_auc ? sim->nstate : sim->nstate - sim->nc;
  size_t ne = 0, maxin = 1;
  for (size_t u = 0; u < nunits; u++) {
    ne += units[u].n;
    maxin = units[u].ninputs > maxin ? units[u].ninputs : maxin;
  }
  hs->ne = ne;
  hs->n = hs->ns + ne;
  const size_t n = hs->n, nc = sim->nc;
  hs->nunit = nunits;
  hs->unit = rui_calloc(nunits + 1, sizeof *hs->unit);
  hs->uterm = rui_calloc(nunits + 1, sizeof *hs->uterm);
  hs->unterm = rui_calloc(nunits + 1, sizeof *hs->unterm);
  hs->ucomp = rui_calloc(nunits + 1, sizeof *hs->ucomp);
  hs->ufirst = rui_calloc(nunits + 1, sizeof *hs->ufirst);
  hs->ublock = rui_calloc(nunits + 1, sizeof *hs->ublock);
  hs->dep = rui_calloc(n * n, 1);
  hs->lti = rui_calloc(n, 1);
  hs->reset = rui_calloc(n, 1);
  hs->ulabel = rui_malloc(n * sizeof *hs->ulabel);
  hs->atol = rui_malloc(n * sizeof *hs->atol);
  hs->scale = rui_malloc(n * sizeof *hs->scale);
  hs->y0 = rui_calloc(n + hs->nfull, sizeof *hs->y0);
  hs->yfull = rui_calloc(hs->nfull, sizeof *hs->yfull);
  hs->dyfull = rui_calloc(hs->nfull, sizeof *hs->dyfull);
  hs->ubuf = rui_calloc(maxin * 3 * nl * (1 + n), sizeof *hs->ubuf);
  hs->ybuf = rui_calloc(n, sizeof *hs->ybuf);
  if (hs->unit == NULL || hs->uterm == NULL || hs->unterm == NULL || hs->ucomp == NULL ||
      hs->ufirst == NULL || hs->ublock == NULL || hs->dep == NULL || hs->lti == NULL ||
      hs->reset == NULL || hs->ulabel == NULL || hs->atol == NULL || hs->scale == NULL ||
      hs->y0 == NULL || hs->yfull == NULL || hs->dyfull == NULL || hs->ubuf == NULL ||
      hs->ybuf == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory");
    goto fail;
  }
  for (size_t l = 0; l < nl; l++) {
    hs->cbuf[l] = rui_malloc(nc * sizeof *hs->cbuf[l]);
    hs->ebuf[l] = rui_malloc((sim->enz.n + 1) * sizeof *hs->ebuf[l]);
    if (hs->cbuf[l] == NULL || hs->ebuf[l] == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory");
      goto fail;
    }
    memcpy(hs->cbuf[l], sim->c, nc * sizeof *hs->cbuf[l]);
    hs->lane[l] = *sim;
    hs->lane[l].c = hs->cbuf[l];
    if (sim->enz.n > 0) {
      memcpy(hs->ebuf[l], sim->enz.e, sim->enz.n * sizeof *hs->ebuf[l]);
    }
    hs->lane[l].enz.e = hs->ebuf[l];
    hs->lane[l].mech = NULL;
  }
  /* the sim's rows */
  const double D = dose_scale(sim);
  for (size_t i = 0; i < hs->nfull; i++) {
    hs->y0[i] = is_enzyme_state(sim, i) ? 1.0 : 0.0;
  }
  for (size_t i = 0; i < hs->ns; i++) {
    const int enz = is_enzyme_state(sim, i);
    hs->reset[i] = i < sim->ncmt;
    hs->ulabel[i] = i;
    /* amounts: 1e-9 mg floor, as the CVODE path (model.c); activities: 1e-9 of full */
    hs->atol[i] = 1e-9;
    hs->scale[i] = enz ? 1.0 : D;
  }
  if ((st = detect(hs, err)) != RU_OK) {
    goto fail;
  }
  /* effect units */
  size_t first = hs->ns;
  for (size_t u = 0; u < nunits; u++) {
    if ((st = copy_unit(hs, u, &units[u], err)) != RU_OK) {
      goto fail;
    }
    hs->ufirst[u] = first;
    for (size_t i = 0; i < units[u].n; i++) {
      const size_t r = first + i;
      hs->y0[r] = units[u].y0[i];
      hs->ulabel[r] = n + u;
      hs->atol[r] = 1e-12 + 1e-9 * fabs(units[u].y0[i]);
      hs->scale[r] = fabs(units[u].y0[i]) > 0.0 ? fabs(units[u].y0[i]) : 1.0;
      for (size_t c = 0; c < units[u].n; c++) {
        hs->dep[r * n + first + c] = 1;
      }
      for (size_t k = 0; k < units[u].ninputs; k++) {
        for (size_t t = 0; t < hs->unterm[u][k]; t++) {
          hs->dep[r * n + hs->uterm[u][k * nc + t]] = 1;
        }
      }
    }
    first += units[u].n;
  }
  rui_hyb_system sys;
  memset(&sys, 0, sizeof sys);
  sys.structure.n = n;
  sys.structure.dep = hs->dep;
  sys.structure.lti = hs->lti;
  sys.structure.unit = hs->ulabel;
  sys.reset = hs->reset;
  sys.atol = hs->atol;
  sys.scale = hs->scale;
  sys.rhs = sys_rhs;
  sys.linear = sys_linear;
  sys.ninputs = ninputs;
  sys.input = input;
  sys.affine = affine;
  sys.stiff = stiff;
  sys.user = hs;
  sys.jac = sys_jac;
  if ((st = rui_hyb_new(&sys, nl, opt, &hs->eng, err)) != RU_OK) {
    goto fail;
  }
  {
    const rui_hyb_decomp *d = rui_hyb_decomposition(hs->eng);
    hs->bunit = rui_malloc((d->nblocks + 1) * sizeof *hs->bunit);
    hs->uocc = rui_calloc(nunits + 1, 1);
    if (hs->bunit == NULL || hs->uocc == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "hybrid subject: out of memory");
      goto fail;
    }
    for (size_t b = 0; b < d->nblocks; b++) {
      const long u = unit_of_block(hs, d, b);
      hs->bunit[b] = u;
      if (u >= 0) {
        hs->ublock[u] = b;
      }
    }
    for (size_t u = 0; u < nunits; u++) {
      for (size_t k = 0; k < units[u].ninputs; k++) {
        hs->uocc[u] |= units[u].kind[k] == RU_EFFECT_OCCUPANCY;
      }
    }
    if ((st = find_linear_blocks(hs, err)) != RU_OK) {
      goto fail;
    }
  }
  *out = hs;
  return RU_OK;
fail:
  rui_hyb_subject_free(hs);
  return st;
}

size_t rui_hyb_subject_states(const rui_hyb_subject *s) { return s->n; }
size_t rui_hyb_subject_sim_states(const rui_hyb_subject *s) { return s->ns; }
rui_hyb *rui_hyb_subject_engine(rui_hyb_subject *s) { return s->eng; }
const ru_sim *rui_hyb_subject_lane_sim(const rui_hyb_subject *s, size_t lane) {
  return lane < s->nl ? &s->lane[lane] : NULL;
}

ru_status rui_hyb_subject_scale(rui_hyb_subject *s, size_t lane, size_t compound,
                                const char *key, double factor, ru_error *err) {
  static const char *const KEYS[] = {"cl_f_l_per_h", "v_f_l",  "ka_per_h", "q_f_l_per_h",
                                     "vp_f_l",       "q2_f_l_per_h", "vp2_f_l"};
  if (lane >= s->nl || compound >= s->tmpl->nc || key == NULL || !(factor > 0.0) ||
      !isfinite(factor)) {
    return ru_error_set(err, RU_EINVAL, "scale: bad lane, compound or factor %g", factor);
  }
  for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++) {
    if (strcmp(key, KEYS[k]) == 0) {
      ru_value *dst = rui_pk_param_slot(&s->cbuf[lane][compound].p, key);
      ru_value *src = rui_pk_param_slot(&s->tmpl->c[compound].p, key);
      dst->value = src->value * factor;
      rui_sim_rederive(&s->lane[lane], compound); /* the model-unit parameters follow */
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_EINVAL, "scale: '%s' is not a per-lane key (cl_f_l_per_h, v_f_l, "
                      "ka_per_h, q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l)", key);
}

ru_status rui_hyb_subject_set_activity(rui_hyb_subject *s, size_t lane, const char *enzyme,
                                       double activity, ru_error *err) {
  if (lane >= s->nl || enzyme == NULL || !(activity >= 0.0) || !isfinite(activity)) {
    return ru_error_set(err, RU_EINVAL, "lane activity: bad lane, enzyme or activity %g", activity);
  }
  rui_enzymes *z = &s->lane[lane].enz;
  for (size_t k = 0; k < z->n; k++) {
    if (strcasecmp(z->e[k].name, enzyme) == 0) {
      z->e[k].activity = activity;
    }
  }
  return RU_OK;
}

void rui_hyb_subject_reset_lane(rui_hyb_subject *s, size_t lane) {
  if (lane < s->nl) {
    memcpy(s->cbuf[lane], s->tmpl->c, s->tmpl->nc * sizeof *s->cbuf[lane]);
    if (s->tmpl->enz.n > 0) {
      memcpy(s->ebuf[lane], s->tmpl->enz.e, s->tmpl->enz.n * sizeof *s->ebuf[lane]);
    }
  }
}

/* Lane l's input coefficients and propagators. */
static ru_status lane_setup(rui_hyb_subject *s, size_t l, ru_error *err) {
  const size_t nc = s->tmpl->nc;
  for (size_t u = 0; u < s->nunit; u++) {
    const rui_hyb_unit *U = &s->unit[u];
    for (size_t k = 0; k < U->ninputs; k++) {
      for (size_t t = 0; t < s->unterm[u][k]; t++) {
        const size_t i = s->ucomp[u][k * nc + t];
        const double coef = unit_coef(&s->lane[l], i, U->kind[k], U->k_nm[k * nc + i]);
        rui_hyb_set_input_coef(s->eng, l, s->ublock[u], k, t, coef);
      }
    }
  }
  const rui_hyb_decomp *d = rui_hyb_decomposition(s->eng);
  for (size_t b = 0; b < d->nblocks; b++) {
    if (s->blin[b]) {
      block_coefs(s, &s->lane[l], b, s->lcoef + l * s->ncoef + s->bcoff[b]);
    }
  }
  ru_status st = rui_hyb_lane_setup(s->eng, l, err);
  if (st == RU_OK) {
    rui_hyb_lane_set_state(s->eng, l, s->y0);
  }
  return st;
}

typedef struct run_ctx {
  rui_hyb_subject *s;
  rui_hyb_subject_emit_fn emit;
  void *user;
} run_ctx;

static int run_emit(void *user, size_t j, double t_h, const double *y) {
  run_ctx *c = user;
  rui_hyb_subject *s = c->s;
  if (s->nl == 1) {
    return c->emit(c->user, 0, j, t_h, y);
  }
  for (size_t l = 0; l < s->nl; l++) {
    rui_hyb_lane_get_state(s->eng, l, s->ybuf);
    const int rc = c->emit(c->user, l, j, t_h, s->ybuf);
    if (rc != 0) {
      return rc;
    }
  }
  return 0;
}

ru_status rui_hyb_subject_run(rui_hyb_subject *s, const double *times_h, size_t nt,
                              rui_hyb_subject_emit_fn emit, void *user, ru_error *err) {
  if (s == NULL || (nt > 0 && (times_h == NULL || emit == NULL))) {
    return ru_error_set(err, RU_EINVAL, "hybrid subject run: NULL argument");
  }
  if (nt == 0) {
    return RU_OK;
  }
  ru_status st = RU_OK;
  const double t_end = times_h[nt - 1];
  if (!s->tl_ok || s->tl_end != t_end) {
    rui_timeline_free(&s->tl);
    s->tl_ok = 0;
    if ((st = rui_sim_timeline(s->tmpl, t_end, &s->tl, err)) != RU_OK) {
      return st;
    }
    s->tl_ok = 1;
    s->tl_end = t_end;
  }
  if (s->nl > 1 && s->tl.nss > 0) {
    return ru_error_set(err, RU_EINVAL, "steady-state dose records need one subject per run "
                        "(numeric steady state by repeated dosing)");
  }
  for (size_t l = 0; l < s->nl; l++) {
    if ((st = lane_setup(s, l, err)) != RU_OK) {
      return st;
    }
  }
  /* a steady-state record places compartments, enzymes and effect states; AUC accumulators
   * keep accumulating real time only (as on CVODE, model.c) */
  unsigned char ssmask[RUI_SIM_MAX_STATE + 256];
  unsigned char *mask = s->n <= sizeof ssmask ? ssmask : NULL;
  if (mask != NULL) {
    for (size_t i = 0; i < s->n; i++) {
      mask[i] = !(s->with_auc && i >= s->nfull - s->tmpl->nc && i < s->nfull);
    }
  }
  rui_ss_numeric_options sso;
  rui_ss_numeric_options_default(&sso);
  sso.mask = mask;
  run_ctx c = {s, emit, user};
  return rui_timeline_walk(&s->tl, s->n, &rui_hyb_engine_ops, s->eng, &sso, times_h, nt, run_emit,
                           &c, err);
}

typedef struct states_out {
  double *states;
  size_t n;
  const volatile sig_atomic_t *cancel; /* ru_sim_set_cancel, as on the CVODE path */
} states_out;

static int states_emit(void *user, size_t lane, size_t j, double t_h, const double *y) {
  states_out *o = user;
  (void)lane;
  (void)t_h;
  if (o->cancel != NULL && *o->cancel != 0) return 1; /* the walker stops: RU_EINTERRUPTED */
  memcpy(o->states + j * o->n, y, o->n * sizeof *y);
  return 0;
}

ru_status rui_hyb_sim_states(ru_sim *s, const double *times_h, size_t nt, double *states,
                             ru_error *err) {
  rui_hyb_subject *hs = NULL;
  rui_hyb_options opt;
  rui_hyb_options_default(&opt);
  if (s->hyb_tol > 0.0) {
    opt.tol = s->hyb_tol;
  }
  ru_status st = rui_hyb_subject_new(s, 1, 1, NULL, 0, &opt, &hs, err);
  if (st == RU_OK) {
    states_out o = {states, hs->n, s->cancel};
    st = rui_hyb_subject_run(hs, times_h, nt, states_emit, &o, err);
  }
  rui_hyb_subject_free(hs);
  return st;
}
