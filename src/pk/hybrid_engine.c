/* The hybrid solver's engine (hybrid.h): construction from a system description, per-lane
 * subject set-up, and the event-walker operations, with the dyadic step control of each
 * segment.
 *
 * Step control (per lane). A segment [t0, t1] from the walker (it ends at every dose, rate
 * change and output) is covered by steps h = (t1 - t0) / 2^L. The level starts from the lane's
 * preferred step (carried over from the previous segment) and, on the first step after a
 * discontinuity in a closed-form group that feeds a block (bolus, rate change, reset), from
 * the post-dose rule h * rho(A) <= event_cap: an embedded or defect estimate can be fooled by a
 * forcing transient the step never sampled (measured: the prototype's DP5 estimate said 8.7e-8
 * where the error was 1.2e-4; ../shared/docs/HYBRID.md sec. 3). A step is rejected (L + 1, or
 * more when the stiffness cap asks) when its defect exceeds the tolerance, Newton fails or the
 * stiffness cap is exceeded; after an accepted step with err < RUI_HYB_COARSEN_BELOW the level
 * drops by one when the position lies on the coarser grid. Steps
 * always end exactly on segment ends, so outputs need no interpolation and a dose into a closed-
 * form state needs no restart (a one-step method keeps no history). */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/hybrid_impl.h"
#include "pk/linear.h"

/* Coarsen after a step whose error is below this. The defect is O(h^(s+1)), s = 3, so doubling h
 * multiplies it by up to 16: 1/32 would make the coarser step pass with a factor 2 margin in
 * the worst case. The forcing here decays smoothly between doses and grows the defect less: 1/8
 * took 12 % fewer steps on the RxODE model and its two variants at the same errors (1000
 * subjects: 9.5e-8, 7.3e-8, 4.5e-7 against 9.5e-8, 7.1e-8, 3.3e-7 with 1/32), for 1.8 % of
 * steps rejected instead of 0.7 % (bench/README.md). RUI_HYB_COARSEN_BELOW, hybrid_impl.h. */

void rui_hyb_options_default(rui_hyb_options *o) {
  if (o == NULL) {
    return;
  }
  o->tol = RUI_HYB_DEFAULT_TOL;
  o->stiff_cap = 2.0;
  o->event_cap = 1.0;
  o->max_level = 40;
  o->newton_max = 8;
  o->kernel = 1;
}

static ru_status check_options(const rui_hyb_options *o, ru_error *err) {
  if (!(o->tol > 0.0 && o->tol < 1.0) || !(o->stiff_cap > 0.0) || !(o->event_cap > 0.0) ||
      !isfinite(o->stiff_cap) || !isfinite(o->event_cap) || o->max_level < 1 ||
      o->max_level > 60 || o->newton_max < 1) {
    return ru_error_set(err, RU_EINVAL,
                        "hybrid solver options: tol must be in (0, 1) (got %g), caps > 0, "
                        "max_level 1..60, newton_max >= 1", o->tol);
  }
  return RU_OK;
}

static void free_inputs(hyb_block *B) {
  for (size_t k = 0; B->in != NULL && k < B->ni; k++) {
    rui_free(B->in[k].term);
    rui_free(B->in[k].coef);
    rui_free(B->in[k].drv);
    rui_free(B->in[k].drv_group);
  }
  rui_free(B->in);
}

void rui_hyb_free(rui_hyb *h) {
  if (h == NULL) {
    return;
  }
  for (size_t b = 0; h->blk != NULL && b < h->nb; b++) {
    free_inputs(&h->blk[b]);
  }
  for (size_t g = 0; h->grp != NULL && g < h->ng; g++) {
    rui_free(h->grp[g].drv);
  }
  for (size_t k = 0; h->cfl != NULL && k < h->ng * h->nl; k++) {
    rui_hyb_cf_release(&h->cfl[k]);
  }
  rui_free(h->pact);
  rui_free(h->ract);
  rui_free(h->gact);
  rui_free(h->gnact);
  rui_free(h->cfl);
  rui_free(h->grp);
  rui_free(h->blk);
  rui_free(h->dep);
  rui_free(h->lti);
  rui_free(h->reset);
  rui_free(h->unit);
  rui_free(h->atol);
  rui_free(h->scale);
  rui_hyb_decomp_free(&h->d);
  rui_free(h->work);
  rui_free(h->lin_a);
  rui_free(h->rate);
  rui_free(h->goff);
  rui_free(h->boff);
  rui_free(h->uoff);
  rui_free(h->level);
  rui_free(h->dose_level);
  rui_free(h->mov);
  rui_free(h->brow);
  rui_free(h->pos);
  rui_free(h->piv);
  rui_free(h->epiv);
  rui_free(h->flags);
  rui_free(h);
}

/* Adds input k of block b from spec. */
static ru_status add_input(rui_hyb *h, size_t b, size_t k, const rui_hyb_input *spec,
                           ru_error *err) {
  const size_t n = h->n, nl = h->nl;
  hyb_input *in = &h->blk[b].in[k];
  in->nterm = spec->nterm;
  in->term = rui_calloc(spec->nterm + 1, sizeof *in->term);
  in->coef = rui_malloc((spec->nterm + 1) * nl * sizeof *in->coef);
  in->drv = rui_calloc(h->ng + 1, sizeof *in->drv);
  in->drv_group = rui_calloc(h->ng + 1, sizeof *in->drv_group);
  if (in->term == NULL || in->coef == NULL || in->drv == NULL || in->drv_group == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
  }
  for (size_t t = 0; t < spec->nterm; t++) {
    const size_t s = spec->state[t];
    if (s >= n) {
      return ru_error_set(err, RU_EINVAL, "hybrid solver: input of block %zu reads state %zu "
                          "(n = %zu)", b, s, n);
    }
    hyb_term *tm = &in->term[t];
    tm->state = s;
    const long w = h->d.where[s];
    if (w >= 0) {
      tm->group = w;
      const hyb_group *G = &h->grp[w];
      for (size_t a = 0; a < G->m; a++) {
        if (G->states[a] == s) {
          tm->gpos = a;
        }
      }
    } else {
      const size_t ob = (size_t)(-w - 1);
      if (ob >= b) {
        return ru_error_set(err, RU_EINVAL, "hybrid solver: block %zu reads state %zu of block "
                            "%zu, which is not solved before it", b, s, ob);
      }
      tm->group = -1;
      tm->block = ob;
      for (size_t a = 0; a < h->blk[ob].nb; a++) {
        if (h->blk[ob].rows[a] == s) {
          tm->bpos = a;
        }
      }
    }
    for (size_t l = 0; l < nl; l++) {
      in->coef[t * nl + l] = 1.0;
    }
  }
  return RU_OK;
}

/* 1 when a row of block b reads state j (j outside the block). */
static int block_reads(const rui_hyb *h, size_t b, size_t j) {
  const hyb_block *B = &h->blk[b];
  if (h->d.where[j] == -(long)b - 1) {
    return 0;
  }
  for (size_t i = 0; i < B->nb; i++) {
    if (h->dep[B->rows[i] * h->n + j]) {
      return 1;
    }
  }
  return 0;
}

/* The inputs of block b: the caller's, or the outside states its rows read (one each). */
static ru_status build_inputs(rui_hyb *h, size_t b, ru_error *err) {
  hyb_block *B = &h->blk[b];
  const int custom = h->sys.ninputs != NULL && h->sys.input != NULL;
  size_t ni = 0;
  if (custom) {
    ni = h->sys.ninputs(h->sys.user, &h->d, b);
  } else {
    for (size_t j = 0; j < h->n; j++) {
      ni += (size_t)block_reads(h, b, j);
    }
  }
  B->ni = ni;
  B->in = rui_calloc(ni + 1, sizeof *B->in);
  if (B->in == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
  }
  ru_status st = RU_OK;
  if (custom) {
    for (size_t k = 0; k < ni && st == RU_OK; k++) {
      const rui_hyb_input spec = h->sys.input(h->sys.user, &h->d, b, k);
      st = add_input(h, b, k, &spec, err);
    }
    return st;
  }
  size_t k = 0;
  for (size_t j = 0; j < h->n && st == RU_OK; j++) {
    if (block_reads(h, b, j)) {
      const rui_hyb_input spec = {1, &j};
      st = add_input(h, b, k++, &spec, err);
    }
  }
  return st;
}

/* Drivers: for each group, the block inputs that read it. */
static ru_status build_drivers(rui_hyb *h, ru_error *err) {
  for (size_t g = 0; g < h->ng; g++) {
    hyb_group *G = &h->grp[g];
    size_t nd = 0;
    for (size_t b = 0; b < h->nb; b++) {
      for (size_t k = 0; k < h->blk[b].ni; k++) {
        const hyb_input *in = &h->blk[b].in[k];
        for (size_t t = 0; t < in->nterm; t++) {
          if (in->term[t].group == (long)g) {
            nd++;
            break;
          }
        }
      }
    }
    G->nd = nd;
    G->drv = rui_calloc(nd + 1, sizeof *G->drv);
    if (G->drv == NULL) {
      return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
    }
    size_t di = 0;
    for (size_t b = 0; b < h->nb; b++) {
      for (size_t k = 0; k < h->blk[b].ni; k++) {
        hyb_input *in = &h->blk[b].in[k];
        for (size_t t = 0; t < in->nterm; t++) {
          if (in->term[t].group == (long)g) {
            G->drv[di].block = b;
            G->drv[di].input = k;
            in->drv_group[in->ndrv] = g;
            in->drv[in->ndrv] = di;
            in->ndrv++;
            di++;
            break;
          }
        }
      }
    }
    G->feeds = nd > 0;
  }
  return RU_OK;
}

/* Carves the work arrays out of one allocation (sizes in doubles). */
static double *take(double **p, size_t n) {
  double *r = *p;
  *p += n;
  return r;
}

static ru_status alloc_work(rui_hyb *h, ru_error *err) {
  const size_t n = h->n, nl = h->nl;
  size_t maxb = 1, maxi = 1, sz_xn = 0, sz_z = 0, sz_u = 0, sz_act = 0;
  for (size_t b = 0; b < h->nb; b++) {
    maxb = h->blk[b].nb > maxb ? h->blk[b].nb : maxb;
    maxi = h->blk[b].ni > maxi ? h->blk[b].ni : maxi;
    sz_z += 3 * h->blk[b].nb * nl;
    sz_u += h->blk[b].ni * 3 * nl;
  }
  for (size_t g = 0; g < h->ng; g++) {
    const size_t m = h->grp[g].m, nd = h->grp[g].nd;
    sz_xn += nd * 3 * nl;
    sz_act += (m * m + nd * 3 * m + m + nd * 3) * nl;
  }
  h->maxb = maxb;
  h->maxi = maxi;
  const size_t np = 3 * nl * (1 + maxb);
  const size_t npf = maxb * np > maxb * maxb * 3 * nl ? maxb * np : maxb * maxb * 3 * nl;
  const size_t N = 3 * maxb;
  const size_t total = 6 * n * nl + sz_act + h->ng * nl + sz_xn + 2 * sz_z + sz_u + np + nl +
                       maxb * np + maxi * np + npf + 3 * maxb * maxb * nl + N * N * nl +
                       2 * N * nl + 6 * nl + h->nb * nl + maxb * maxb * nl + maxb * nl + 8;
  h->work = rui_calloc(total, sizeof *h->work);
  h->goff = rui_calloc(h->ng + 1, sizeof *h->goff);
  h->boff = rui_calloc(h->nb + 1, sizeof *h->boff);
  h->uoff = rui_calloc(h->nb + 1, sizeof *h->uoff);
  h->pact = rui_calloc(h->ng + 1, sizeof *h->pact);
  h->ract = rui_calloc(h->ng + 1, sizeof *h->ract);
  h->gact = rui_calloc(h->ng + 1, sizeof *h->gact);
  h->gnact = rui_calloc(h->ng + 1, sizeof *h->gnact);
  h->level = rui_calloc(nl, sizeof *h->level);
  h->dose_level = rui_calloc(nl, sizeof *h->dose_level);
  h->mov = rui_calloc(n + 1, sizeof *h->mov);
  h->brow = rui_calloc(n + 1, sizeof *h->brow);
  h->pos = rui_calloc(nl, sizeof *h->pos);
  h->piv = rui_calloc(3 * maxb * nl + 1, sizeof *h->piv);
  h->epiv = rui_calloc(maxb * nl + 1, sizeof *h->epiv);
  h->flags = rui_calloc(8 * nl + h->ng * nl + 8, 1);
  if (h->work == NULL || h->goff == NULL || h->boff == NULL || h->uoff == NULL ||
      h->pact == NULL || h->ract == NULL || h->gact == NULL || h->gnact == NULL ||
      h->level == NULL || h->pos == NULL || h->flags == NULL || h->dose_level == NULL ||
      h->piv == NULL || h->epiv == NULL ||
      h->mov == NULL || h->brow == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
  }
  double *p = h->work;
  h->y = take(&p, n * nl);
  h->x1 = take(&p, n * nl);
  h->f1 = take(&p, n * nl);
  h->fstart = take(&p, n * nl);
  h->f0 = take(&p, n * nl);
  h->dose_scale = take(&p, n * nl);
  for (size_t k = 0; k < n * nl; k++) {
    h->dose_scale[k] = 1.0;
  }
  /* the active propagators start as the identity (h = 0): finite whatever a lane does */
  for (size_t g = 0; g < h->ng; g++) {
    const size_t m = h->grp[g].m, nd = h->grp[g].nd;
    h->pact[g] = take(&p, m * m * nl);
    h->ract[g] = take(&p, nd * 3 * m * nl);
    h->gact[g] = take(&p, m * nl);
    h->gnact[g] = take(&p, nd * 3 * nl);
    for (size_t a = 0; a < m; a++) {
      for (size_t l = 0; l < nl; l++) {
        h->pact[g][(a * m + a) * nl + l] = 1.0;
      }
    }
  }
  h->hact = take(&p, h->ng * nl);
  for (size_t k = 0; k < h->ng * nl; k++) {
    h->hact[k] = (double)NAN;
  }
  h->xn = take(&p, sz_xn);
  for (size_t g = 0, off = 0; g < h->ng; g++) {
    h->goff[g] = off;
    off += h->grp[g].nd * 3 * nl;
  }
  h->z = take(&p, sz_z);
  h->fj = take(&p, sz_z);
  h->un = take(&p, sz_u);
  for (size_t b = 0, oz = 0, ou = 0; b < h->nb; b++) {
    h->boff[b] = oz;
    h->uoff[b] = ou;
    oz += 3 * h->blk[b].nb * nl;
    ou += h->blk[b].ni * 3 * nl;
  }
  h->pt_t = take(&p, np);
  h->pt_y = take(&p, maxb * np);
  h->pt_u = take(&p, maxi * np);
  h->pt_f = take(&p, npf);
  h->jac = take(&p, 3 * maxb * maxb * nl);
  h->mat = take(&p, N * N * nl);
  h->vec = take(&p, N * nl);
  h->dz = take(&p, N * nl);
  h->emat = take(&p, maxb * maxb * nl);
  h->evec = take(&p, maxb * nl);
  h->err = take(&p, nl);
  h->hl = take(&p, nl);
  h->tl = take(&p, nl);
  h->hj = take(&p, nl);
  h->hprop = take(&p, nl);
  h->jnorm = take(&p, h->nb * nl + 1);
  h->hlast = take(&p, nl);
  for (size_t l = 0; l < nl; l++) {
    h->hlast[l] = (double)NAN;
  }
  for (size_t g = 0; g < h->ng; g++) {
    for (size_t a = 0; a < h->grp[g].m && h->grp[g].feeds; a++) {
      h->mov[h->nmov++] = h->grp[g].states[a];
    }
  }
  for (size_t b = 0; b < h->nb; b++) {
    for (size_t i = 0; i < h->blk[b].nb; i++) {
      h->brow[h->nbrow++] = h->blk[b].rows[i];
    }
  }
  unsigned char *f = h->flags;
  h->active = f;
  h->redo = f + nl;
  h->done = f + 2 * nl;
  h->conv = f + 3 * nl;
  h->fvalid = f + 4 * nl;
  h->bad = f + 5 * nl;
  h->first = f + 6 * nl;
  h->flag = f + 7 * nl;
  for (size_t l = 0; l < nl; l++) {
    h->hprop[l] = HUGE_VAL;
  }
  memset(h->flag, 1, h->ng * nl);
  return RU_OK;
}

static ru_status copy_bytes(unsigned char **dst, const unsigned char *src, size_t n, int fill,
                            ru_error *err) {
  *dst = rui_malloc(n + 1);
  if (*dst == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
  }
  if (src != NULL) {
    memcpy(*dst, src, n);
  } else {
    memset(*dst, fill, n);
  }
  return RU_OK;
}

ru_status rui_hyb_new(const rui_hyb_system *sys, size_t nl, const rui_hyb_options *opt,
                      rui_hyb **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "rui_hyb_new: NULL output");
  }
  *out = NULL;
  if (sys == NULL || sys->rhs == NULL || sys->linear == NULL || sys->structure.n == 0 ||
      sys->structure.dep == NULL || sys->structure.lti == NULL) {
    return ru_error_set(err, RU_EINVAL, "rui_hyb_new: incomplete system");
  }
  if (nl == 0 || nl > RUI_HYB_LANES_MAX) {
    return ru_error_set(err, RU_EINVAL, "hybrid solver: %zu lanes (allowed 1..%d)", nl,
                        RUI_HYB_LANES_MAX);
  }
  rui_hyb_options o;
  rui_hyb_options_default(&o);
  if (opt != NULL) {
    o = *opt;
  }
  ru_status st = check_options(&o, err);
  if (st != RU_OK) {
    return st;
  }
  const size_t n = sys->structure.n;
  rui_hyb *h = rui_calloc(1, sizeof *h);
  if (h == NULL) {
    return ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
  }
  h->sys = *sys;
  h->opt = o;
  h->n = n;
  h->nl = nl;
  if ((st = copy_bytes(&h->dep, sys->structure.dep, n * n, 0, err)) != RU_OK ||
      (st = copy_bytes(&h->lti, sys->structure.lti, n, 0, err)) != RU_OK ||
      (st = copy_bytes(&h->reset, sys->reset, n, 1, err)) != RU_OK) {
    goto fail;
  }
  h->atol = rui_malloc(n * sizeof *h->atol);
  h->scale = rui_malloc(n * sizeof *h->scale);
  h->rate = rui_calloc(n, sizeof *h->rate);
  h->lin_a = rui_calloc(n * n + n, sizeof *h->lin_a);
  if (sys->structure.unit != NULL) {
    h->unit = rui_malloc(n * sizeof *h->unit);
    if (h->unit != NULL) {
      memcpy(h->unit, sys->structure.unit, n * sizeof *h->unit);
    }
  }
  if (h->atol == NULL || h->scale == NULL || h->rate == NULL || h->lin_a == NULL ||
      (sys->structure.unit != NULL && h->unit == NULL)) {
    st = ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
    goto fail;
  }
  for (size_t i = 0; i < n; i++) {
    h->atol[i] = sys->atol != NULL ? sys->atol[i] : 1e-12;
    h->scale[i] = sys->scale != NULL ? sys->scale[i] : 1.0;
    if (!(h->atol[i] > 0.0) || !(h->scale[i] > 0.0) || !isfinite(h->scale[i])) {
      st = ru_error_set(err, RU_EINVAL, "hybrid solver: atol and scale of state %zu must be > 0",
                        i);
      goto fail;
    }
  }
  h->sys.structure.dep = h->dep;
  h->sys.structure.lti = h->lti;
  h->sys.structure.unit = h->unit;
  h->sys.reset = h->reset;
  h->sys.atol = h->atol;
  h->sys.scale = h->scale;
  if ((st = rui_hyb_decompose(&h->sys.structure, &h->d, err)) != RU_OK) {
    goto fail;
  }
  rui_hyb_classify(&h->d, sys->affine, sys->user);
  for (size_t b = 0; sys->stiff != NULL && b < h->d.nblocks; b++) {
    if (sys->stiff(sys->user, h->d.state + h->d.bstart[b], h->d.bstart[b + 1] - h->d.bstart[b])) {
      h->d.kind[b] = RUI_HYB_STIFF;
    }
  }
  h->ng = h->d.ngroups;
  h->nb = h->d.nblocks;
  h->grp = rui_calloc(h->ng + 1, sizeof *h->grp);
  h->blk = rui_calloc(h->nb + 1, sizeof *h->blk);
  h->cfl = rui_calloc(h->ng * nl + 1, sizeof *h->cfl);
  if (h->grp == NULL || h->blk == NULL || h->cfl == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "hybrid solver: out of memory");
    goto fail;
  }
  for (size_t g = 0; g < h->ng; g++) {
    hyb_group *G = &h->grp[g];
    G->m = h->d.gstart[g + 1] - h->d.gstart[g];
    G->states = h->d.state + h->d.gstart[g];
    G->scc0 = h->d.gscc_start[g];
    G->nscc = h->d.gscc_start[g + 1] - h->d.gscc_start[g];
    if (G->m > RUI_LIN_MAX) {
      st = ru_error_set(err, RU_ELIMIT, "hybrid solver: a closed-form group of %zu states (at most "
                        "%d)", G->m, RUI_LIN_MAX);
      goto fail;
    }
  }
  for (size_t b = 0; b < h->nb; b++) {
    hyb_block *B = &h->blk[b];
    B->nb = h->d.bstart[b + 1] - h->d.bstart[b];
    B->rows = h->d.state + h->d.bstart[b];
    B->kind = h->d.kind[b];
  }
  for (size_t b = 0; b < h->nb; b++) {
    if ((st = build_inputs(h, b, err)) != RU_OK) {
      goto fail;
    }
  }
  if ((st = build_drivers(h, err)) != RU_OK) {
    goto fail;
  }
  for (size_t g = 0; g < h->ng; g++) {
    for (size_t l = 0; l < nl; l++) {
      cf_lane *L = &h->cfl[g * nl + l];
      if ((st = rui_hyb_cf_alloc(L, h->grp[g].m, h->grp[g].nd, err)) != RU_OK) {
        goto fail;
      }
      for (size_t di = 0; di < h->grp[g].nd; di++) {
        L->radau[di] = h->blk[h->grp[g].drv[di].block].kind == RUI_HYB_STIFF;
      }
    }
  }
  if ((st = alloc_work(h, err)) != RU_OK) {
    goto fail;
  }
  h->kern = rui_hyb_kernel_shape(h, &h->kg);
  *out = h;
  return RU_OK;
fail:
  rui_hyb_free(h);
  return st;
}

const rui_hyb_decomp *rui_hyb_decomposition(const rui_hyb *h) { return &h->d; }
size_t rui_hyb_lanes(const rui_hyb *h) { return h->nl; }
size_t rui_hyb_states(const rui_hyb *h) { return h->n; }

ru_status rui_hyb_set_options(rui_hyb *h, const rui_hyb_options *opt, ru_error *err) {
  if (h == NULL || opt == NULL) {
    return ru_error_set(err, RU_EINVAL, "rui_hyb_set_options: NULL argument");
  }
  ru_status st = check_options(opt, err);
  if (st == RU_OK) {
    h->opt = *opt;
  }
  return st;
}

void rui_hyb_get_stats(const rui_hyb *h, rui_hyb_stats *out) { *out = h->stats; }
void rui_hyb_reset_stats(rui_hyb *h) { memset(&h->stats, 0, sizeof h->stats); }

void rui_hyb_set_input_coef(rui_hyb *h, size_t lane, size_t block, size_t k, size_t term,
                            double coef) {
  if (lane < h->nl && block < h->nb && k < h->blk[block].ni && term < h->blk[block].in[k].nterm) {
    h->blk[block].in[k].coef[term * h->nl + lane] = coef;
  }
}

void rui_hyb_set_dose_scale(rui_hyb *h, size_t lane, size_t state, double scale) {
  if (lane < h->nl && state < h->n) {
    h->dose_scale[state * h->nl + lane] = scale;
  }
}

/* Rates of group g's states into r[m]. */
static void group_rates(const rui_hyb *h, size_t g, double *r) {
  const hyb_group *G = &h->grp[g];
  for (size_t a = 0; a < G->m; a++) {
    r[a] = h->rate[G->states[a]];
  }
}

ru_status rui_hyb_lane_setup(rui_hyb *h, size_t lane, ru_error *err) {
  if (h == NULL || lane >= h->nl) {
    return ru_error_set(err, RU_EINVAL, "rui_hyb_lane_setup: bad lane");
  }
  const size_t n = h->n, nl = h->nl;
  double *a = h->lin_a, *c = h->lin_a + n * n;
  memset(a, 0, (n * n + n) * sizeof *a);
  if (h->ng == 0) {
    return RU_OK;
  }
  const int rc = h->sys.linear(h->sys.user, lane, a, c);
  if (rc != 0) {
    return ru_error_set(err, RU_ESOLVER, "hybrid solver: the linear part of lane %zu failed (%d)",
                        lane, rc);
  }
  double r[RUI_LIN_MAX];
  for (size_t g = 0; g < h->ng; g++) {
    const hyb_group *G = &h->grp[g];
    cf_lane *L = &h->cfl[g * nl + lane];
    const size_t m = G->m;
    for (size_t i = 0; i < m; i++) {
      for (size_t j = 0; j < m; j++) {
        L->a[i * m + j] = a[G->states[i] * n + G->states[j]];
      }
      L->c[i] = c[G->states[i]];
      L->b[i] = L->c[i] + h->rate[G->states[i]];
    }
    for (size_t di = 0; di < G->nd; di++) {
      const hyb_input *in = &h->blk[G->drv[di].block].in[G->drv[di].input];
      double *row = L->rows + di * m;
      memset(row, 0, m * sizeof *row);
      for (size_t t = 0; t < in->nterm; t++) {
        if (in->term[t].group == (long)g) {
          row[in->term[t].gpos] += in->coef[t * nl + lane];
        }
      }
    }
    ru_status st = rui_hyb_cf_setup(L, h->d.gscc + G->scc0, G->nscc, err);
    if (st != RU_OK) {
      return st;
    }
    group_rates(h, g, r);
    (void)rui_hyb_cf_set_rates(L, r);
    h->stats.pade += L->pade;
    h->hact[g * nl + lane] = (double)NAN;
    h->hlast[lane] = (double)NAN;
  }
  return RU_OK;
}

void rui_hyb_lane_set_state(rui_hyb *h, size_t lane, const double *y) {
  const size_t nl = h->nl;
  for (size_t i = 0; i < h->n; i++) {
    h->y[i * nl + lane] = y[i];
  }
  /* a new subject: no history of the lane's previous one may survive (results must not depend
   * on which lane or batch a subject runs in) */
  h->hprop[lane] = HUGE_VAL;
  h->fvalid[lane] = 0;
  h->dose_level[lane] = 0;
  for (size_t g = 0; g < h->ng; g++) {
    h->flag[g * nl + lane] = 1;
  }
}

void rui_hyb_lane_get_state(const rui_hyb *h, size_t lane, double *y) {
  const size_t nl = h->nl;
  for (size_t i = 0; i < h->n; i++) {
    y[i] = h->y[i * nl + lane];
  }
}

/* Makes lane l's active propagators of group g those of step size hh. */
ru_status rui_hyb_activate(rui_hyb *h, size_t g, size_t l, double hh, ru_error *err) {
  const size_t nl = h->nl;
  if (h->hact[g * nl + l] == hh) {
    return RU_OK;
  }
  cf_lane *L = &h->cfl[g * nl + l];
  const double *data = NULL;
  int built = 0;
  ru_status st = rui_hyb_cf_entry(L, hh, &data, &built, err);
  if (st != RU_OK) {
    return st;
  }
  h->stats.propagators += built;
  const size_t m = L->m, nd = L->nd;
  for (size_t k = 0; k < m * m; k++) {
    h->pact[g][k * nl + l] = data[k];
  }
  for (size_t k = 0; k < nd * 3 * m; k++) {
    h->ract[g][k * nl + l] = data[cf_off_r(L) + k];
  }
  for (size_t k = 0; k < m; k++) {
    h->gact[g][k * nl + l] = data[cf_off_g(L) + k];
  }
  for (size_t k = 0; k < nd * 3; k++) {
    h->gnact[g][k * nl + l] = data[cf_off_gn(L) + k];
  }
  h->hact[g * nl + l] = hh;
  return RU_OK;
}

/* Sets the segment's input rates; marks discontinuities. */
static void set_rates(rui_hyb *h, const double *rate) {
  const size_t n = h->n, nl = h->nl;
  int changed = 0;
  for (size_t i = 0; i < n; i++) {
    const double r = rate != NULL ? rate[i] : 0.0;
    changed |= r != h->rate[i];
    h->rate[i] = r;
  }
  if (!changed) {
    return;
  }
  double r[RUI_LIN_MAX];
  for (size_t g = 0; g < h->ng; g++) {
    group_rates(h, g, r);
    for (size_t l = 0; l < nl; l++) {
      if (rui_hyb_cf_set_rates(&h->cfl[g * nl + l], r)) {
        h->flag[g * nl + l] = 1;
        h->hact[g * nl + l] = (double)NAN; /* its Gamma part changed */
        h->hlast[l] = (double)NAN;
      }
    }
  }
  for (size_t b = 0; b < h->nb; b++) {
    hyb_block *B = &h->blk[b];
    B->has_rate = 0;
    for (size_t i = 0; i < B->nb; i++) {
      B->has_rate |= h->rate[B->rows[i]] != 0.0;
    }
  }
  memset(h->fvalid, 0, nl);
}

/* 2^-L, exact: a step is H * 2^-L without a libm call in the loop. */
const double rui_hyb_pow2m[64] = {
    0x1p-0, 0x1p-1, 0x1p-2, 0x1p-3, 0x1p-4, 0x1p-5, 0x1p-6, 0x1p-7,
    0x1p-8, 0x1p-9, 0x1p-10, 0x1p-11, 0x1p-12, 0x1p-13, 0x1p-14, 0x1p-15,
    0x1p-16, 0x1p-17, 0x1p-18, 0x1p-19, 0x1p-20, 0x1p-21, 0x1p-22, 0x1p-23,
    0x1p-24, 0x1p-25, 0x1p-26, 0x1p-27, 0x1p-28, 0x1p-29, 0x1p-30, 0x1p-31,
    0x1p-32, 0x1p-33, 0x1p-34, 0x1p-35, 0x1p-36, 0x1p-37, 0x1p-38, 0x1p-39,
    0x1p-40, 0x1p-41, 0x1p-42, 0x1p-43, 0x1p-44, 0x1p-45, 0x1p-46, 0x1p-47,
    0x1p-48, 0x1p-49, 0x1p-50, 0x1p-51, 0x1p-52, 0x1p-53, 0x1p-54, 0x1p-55,
    0x1p-56, 0x1p-57, 0x1p-58, 0x1p-59, 0x1p-60, 0x1p-61, 0x1p-62, 0x1p-63,
};

/* Smallest level L >= 0 with H / 2^L <= x (x > 0). */
static int level_for(double H, double x) {
  int L = 0;
  while (L < 62 && H * rui_hyb_pow2m[L] > x * (1.0 + 1e-12)) {
    L++;
  }
  return L;
}

/* Propagates the groups that feed no block over the whole segment. */
static ru_status advance_free_groups(rui_hyb *h, double H, ru_error *err) {
  const size_t nl = h->nl;
  double x[RUI_LIN_MAX];
  for (size_t g = 0; g < h->ng; g++) {
    const hyb_group *G = &h->grp[g];
    if (G->feeds) {
      continue;
    }
    const size_t m = G->m;
    for (size_t l = 0; l < nl; l++) {
      cf_lane *L = &h->cfl[g * nl + l];
      const double *data = NULL;
      int built = 0;
      ru_status st = rui_hyb_cf_entry(L, H, &data, &built, err);
      if (st != RU_OK) {
        return st;
      }
      h->stats.propagators += built;
      for (size_t a = 0; a < m; a++) {
        double acc = data[cf_off_g(L) + a];
        for (size_t bb = 0; bb < m; bb++) {
          acc += data[a * m + bb] * h->y[G->states[bb] * nl + l];
        }
        x[a] = acc;
      }
      for (size_t a = 0; a < m; a++) {
        h->y[G->states[a] * nl + l] = x[a];
      }
      h->flag[g * nl + l] = 0;
    }
  }
  return RU_OK;
}

/* Level of lane l's first step in a segment of length H. */
int rui_hyb_first_level(rui_hyb *h, size_t l, double H) {
  const size_t nl = h->nl;
  int L = level_for(H, h->hprop[l]);
  int post = 0;
  for (size_t g = 0; g < h->ng; g++) {
    if (h->grp[g].feeds && h->flag[g * nl + l]) {
      post = 1;
      const double rho = h->cfl[g * nl + l].rho;
      if (H * rho > h->opt.event_cap) {
        const int le = level_for(H, h->opt.event_cap / rho);
        L = le > L ? le : L;
      }
    }
  }
  if (post && h->dose_level[l] > L) {
    /* the level the last post-dose step needed: saves the rejections of relearning it */
    L = h->dose_level[l];
  }
  h->first[l] = (unsigned char)post;
  return L > h->opt.max_level ? h->opt.max_level : L;
}

/* Commits lane l's accepted step: the states of the groups that feed blocks, and the blocks'
 * states with their end-of-step derivatives (the next step's start values). */
HYB_INLINE void commit_general(rui_hyb *h, size_t l) {
  const size_t nl = h->nl;
  for (size_t k = 0; k < h->nmov; k++) {
    const size_t s = h->mov[k] * nl + l;
    h->y[s] = h->x1[s];
  }
  for (size_t k = 0; k < h->nbrow; k++) {
    const size_t s = h->brow[k] * nl + l;
    h->y[s] = h->x1[s];
    h->fstart[s] = h->f1[s];
  }
}

ru_status rui_hyb_advance(rui_hyb *h, double t0, double t1, const double *rate, ru_error *err) {
  const size_t nl = h->nl;
  const double H = t1 - t0;
  if (!(H > 0.0) || !isfinite(H)) {
    return ru_error_set(err, RU_EINVAL, "hybrid solver: segment [%g, %g] h is empty", t0, t1);
  }
  set_rates(h, rate);
  ru_status st = RU_OK;
  if (h->nb == 0) {
    return advance_free_groups(h, H, err);
  }
  if (h->kern && h->opt.kernel && !h->blk[0].has_rate && !h->blk[0].no_jac) {
    int declined = 0;
    if ((st = rui_hyb_kernel_advance(h, h->kg, t0, H, &declined, err)) != RU_OK) {
      return st;
    }
    if (!declined) {
      return advance_free_groups(h, H, err);
    }
    h->blk[0].no_jac = 1; /* difference quotients from now on: the general engine */
  }
  rui_hyb_segment_start(h, H);
  size_t left = nl;
  while (left > 0) {
    if ((st = rui_hyb_pass_setup(h, t0, H, err)) != RU_OK ||
        (st = rui_hyb_step(h, err)) != RU_OK) {
      return st;
    }
    h->stats.kernel_calls++;
    if ((st = rui_hyb_pass_control(h, H, commit_general, &left, err)) != RU_OK) {
      return st;
    }
  }
  return advance_free_groups(h, H, err);
}

void rui_hyb_bolus(rui_hyb *h, size_t state, double amount) {
  if (h == NULL || state >= h->n) {
    return;
  }
  const size_t nl = h->nl;
  for (size_t l = 0; l < nl; l++) {
    h->y[state * nl + l] += amount * h->dose_scale[state * nl + l];
  }
  const long w = h->d.where[state];
  if (w >= 0) {
    memset(h->flag + (size_t)w * nl, 1, nl);
  }
  memset(h->fvalid, 0, nl);
}

void rui_hyb_reset(rui_hyb *h) {
  const size_t nl = h->nl;
  for (size_t i = 0; i < h->n; i++) {
    if (h->reset[i]) {
      memset(h->y + i * nl, 0, nl * sizeof *h->y);
    }
  }
  memset(h->flag, 1, h->ng * nl);
  memset(h->fvalid, 0, nl);
}

/* --- the walker's operations (lane 0 through get/set; batch callers read every lane with
 * rui_hyb_lane_get_state in their emit callback) --------------------------------------------- */

static ru_status op_advance(void *eng, double t0, double t1, double t_stop, const double *rate,
                            int restart, ru_error *err) {
  (void)t_stop;  /* a one-step method needs no look-ahead */
  (void)restart; /* discontinuities are seen directly (bolus, reset, rate change) */
  return rui_hyb_advance(eng, t0, t1, rate, err);
}
static void op_bolus(void *eng, size_t cmt, double amount) { rui_hyb_bolus(eng, cmt, amount); }
static void op_reset(void *eng) { rui_hyb_reset(eng); }
static void op_get(const void *eng, double *y) { rui_hyb_lane_get_state(eng, 0, y); }
static void op_set(void *eng, const double *y) {
  rui_hyb *h = eng;
  const size_t nl = h->nl;
  for (size_t l = 0; l < nl; l++) {
    for (size_t i = 0; i < h->n; i++) {
      h->y[i * nl + l] = y[i];
    }
  }
  memset(h->flag, 1, h->ng * nl);
  memset(h->fvalid, 0, nl);
}

const rui_engine_ops rui_hyb_engine_ops = {
    .name = "hybrid",
    .advance = op_advance,
    .bolus = op_bolus,
    .reset = op_reset,
    .ss_place = NULL,
    .get = op_get,
    .set = op_set,
    .view = NULL,
    .outputs = NULL,
};
