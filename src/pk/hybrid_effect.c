/* User effect states on a subject (include/reuptake/effect.h): the public face of the hybrid
 * solver's subject system (hybrid_sim.h). Specs are copied and their inputs resolved against the
 * subject's compounds when added; the solver is (re)built at the first run after a change, and
 * per-lane parameter factors are kept here so a rebuild re-applies them. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/hybrid_sim.h"
#include "reuptake/effect.h"

static const char *const SCALE_KEYS[] = {"cl_f_l_per_h", "v_f_l",        "ka_per_h", "q_f_l_per_h",
                                         "vp_f_l",       "q2_f_l_per_h", "vp2_f_l"};
#define NKEYS (sizeof SCALE_KEYS / sizeof SCALE_KEYS[0])

struct ru_effect {
  ru_sim *sim;
  size_t nl, nc;
  rui_hyb_unit *unit;
  size_t nunit, capunit;
  size_t ne;
  double tol;
  int kernel;           /* rui_hyb_options.kernel (rui_effect_set_kernel) */
  double *factor;       /* nl * nc * NKEYS per-lane parameter factors */
  rui_hyb_subject *subj;
  ru_effect_stats stats;
};

static void unit_release(rui_hyb_unit *u) {
  rui_free(u->y0);
  rui_free(u->kind);
  rui_free(u->compound);
  rui_free(u->k_nm);
}

void ru_effect_free(ru_effect *e) {
  if (e == NULL) {
    return;
  }
  rui_hyb_subject_free(e->subj);
  for (size_t u = 0; u < e->nunit; u++) {
    unit_release(&e->unit[u]);
  }
  rui_free(e->unit);
  rui_free(e->factor);
  rui_free(e);
}

ru_status ru_effect_new(ru_sim *sim, size_t lanes, ru_effect **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_effect_new: out is NULL");
  }
  *out = NULL;
  if (sim == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_effect_new: no simulation");
  }
  if (lanes == 0 || lanes > RU_EFFECT_MAX_LANES) {
    return ru_error_set(err, RU_EINVAL, "ru_effect_new: %zu lanes (allowed 1..%d)", lanes,
                        RU_EFFECT_MAX_LANES);
  }
  ru_status st = ru_sim_prepare(sim, err);
  if (st != RU_OK) {
    return st;
  }
  ru_effect *e = rui_calloc(1, sizeof *e);
  if (e == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  e->sim = sim;
  e->nl = lanes;
  e->nc = ru_sim_compound_count(sim);
  e->tol = RU_EFFECT_DEFAULT_TOL;
  e->kernel = 1;
  e->factor = rui_malloc((lanes * e->nc * NKEYS + 1) * sizeof *e->factor);
  if (e->factor == NULL) {
    ru_effect_free(e);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < lanes * e->nc * NKEYS; k++) {
    e->factor[k] = 1.0;
  }
  *out = e;
  return RU_OK;
}

ru_status ru_effect_add(ru_effect *e, const ru_effect_states *spec, size_t *first,
                        ru_error *err) {
  if (e == NULL || spec == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_effect_add: NULL argument");
  }
  if (spec->n == 0 || spec->y0 == NULL || spec->rhs == NULL ||
      (spec->ninputs > 0 && spec->inputs == NULL) || spec->n > 64 || spec->ninputs > 64) {
    return ru_error_set(err, RU_EINVAL, "effect states: need 1..64 states with y0 and rhs, and "
                        "at most 64 inputs");
  }
  for (size_t i = 0; i < spec->n; i++) {
    if (!isfinite(spec->y0[i])) {
      return ru_error_set(err, RU_EINVAL, "effect states: y0[%zu] is not finite", i);
    }
  }
  const size_t nc = e->nc;
  rui_hyb_unit u;
  memset(&u, 0, sizeof u);
  u.n = spec->n;
  u.ninputs = spec->ninputs;
  u.rhs = spec->rhs;
  u.jac = spec->jac;
  u.rhs_batch = spec->rhs_batch;
  u.jac_batch = spec->jac_batch;
  u.user = spec->user;
  u.flags = spec->flags;
  u.y0 = rui_malloc(spec->n * sizeof *u.y0);
  u.kind = rui_malloc((spec->ninputs + 1) * sizeof *u.kind);
  u.compound = rui_calloc(spec->ninputs + 1, sizeof *u.compound);
  u.k_nm = rui_malloc((spec->ninputs * nc + 1) * sizeof *u.k_nm);
  ru_status st = RU_OK;
  if (u.y0 == NULL || u.kind == NULL || u.compound == NULL || u.k_nm == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto fail;
  }
  memcpy(u.y0, spec->y0, spec->n * sizeof *u.y0);
  for (size_t k = 0; k < spec->ninputs; k++) {
    const ru_effect_input *in = &spec->inputs[k];
    u.kind[k] = in->kind;
    for (size_t i = 0; i < nc; i++) {
      u.k_nm[k * nc + i] = nan("");
    }
    if (in->kind == RU_EFFECT_CONC || in->kind == RU_EFFECT_UNBOUND) {
      const long i = in->name != NULL ? ru_sim_compound_index(e->sim, in->name) : -1;
      if (i < 0) {
        st = ru_error_set(err, RU_ENOTFOUND, "effect input %zu: '%s' is not a compound of the "
                          "subject", k, in->name != NULL ? in->name : "(null)");
        goto fail;
      }
      u.compound[k] = (size_t)i;
      if (in->kind == RU_EFFECT_UNBOUND && (!isfinite(ru_sim_compound_fu(e->sim, (size_t)i)) ||
                                            !isfinite(ru_sim_compound_mw(e->sim, (size_t)i)))) {
        st = ru_error_set(err, RU_EMISSING, "effect input %zu: the unbound concentration of %s "
                          "needs its fu and molecular weight, missing from the knowledge base",
                          k, ru_sim_compound_name(e->sim, (size_t)i));
        goto fail;
      }
    } else if (in->kind == RU_EFFECT_OCCUPANCY) {
      if (in->k_nm == NULL) {
        st = ru_error_set(err, RU_EINVAL, "effect input %zu: an occupancy needs the affinities "
                          "k_nm of the subject's compounds", k);
        goto fail;
      }
      for (size_t i = 0; i < nc; i++) {
        const double kk = in->k_nm[i];
        if (!isfinite(kk)) {
          continue;
        }
        if (!(kk > 0.0)) {
          st = ru_error_set(err, RU_ERANGE, "effect input %zu: affinity %g nM of %s must be > 0",
                            k, kk, ru_sim_compound_name(e->sim, i));
          goto fail;
        }
        if (!isfinite(ru_sim_compound_fu(e->sim, i)) || !isfinite(ru_sim_compound_mw(e->sim, i))) {
          st = ru_error_set(err, RU_EMISSING, "effect input %zu: %s binds %s but its fu or "
                            "molecular weight is missing from the knowledge base", k,
                            ru_sim_compound_name(e->sim, i), in->name != NULL ? in->name : "it");
          goto fail;
        }
        u.k_nm[k * nc + i] = kk;
      }
    } else {
      st = ru_error_set(err, RU_EINVAL, "effect input %zu: unknown kind %d", k, (int)in->kind);
      goto fail;
    }
  }
  if (e->nunit == e->capunit) {
    const size_t cap = e->capunit ? 2 * e->capunit : 4;
    rui_hyb_unit *nu = rui_realloc(e->unit, cap * sizeof *nu);
    if (nu == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      goto fail;
    }
    e->unit = nu;
    e->capunit = cap;
  }
  if (first != NULL) {
    *first = e->ne;
  }
  e->unit[e->nunit++] = u;
  e->ne += u.n;
  rui_hyb_subject_free(e->subj);
  e->subj = NULL;
  return RU_OK;
fail:
  unit_release(&u);
  return st;
}

/* The solver options of e: the defaults with its tolerance and kernel choice. */
static void effect_options(const ru_effect *e, rui_hyb_options *o) {
  rui_hyb_options_default(o);
  o->tol = e->tol;
  o->kernel = e->kernel;
}

static ru_status apply_options(ru_effect *e, ru_error *err) {
  if (e->subj == NULL) {
    return RU_OK;
  }
  rui_hyb_options o;
  effect_options(e, &o);
  return rui_hyb_set_options(rui_hyb_subject_engine(e->subj), &o, err);
}

ru_status ru_effect_set_tolerance(ru_effect *e, double tol, ru_error *err) {
  if (e == NULL || !(tol > 0.0 && tol < 1.0)) {
    return ru_error_set(err, RU_EINVAL, "effect tolerance %g must be in (0, 1)", tol);
  }
  e->tol = tol;
  return apply_options(e, err);
}

ru_status rui_effect_set_kernel(ru_effect *e, int kernel, ru_error *err) {
  if (e == NULL) {
    return ru_error_set(err, RU_EINVAL, "rui_effect_set_kernel: NULL effect");
  }
  e->kernel = kernel != 0;
  return apply_options(e, err);
}

ru_status ru_effect_scale_param(ru_effect *e, size_t lane, const char *compound, const char *key,
                                double factor, ru_error *err) {
  if (e == NULL || compound == NULL || key == NULL || lane >= e->nl) {
    return ru_error_set(err, RU_EINVAL, "ru_effect_scale_param: bad lane or NULL argument");
  }
  if (!(factor > 0.0) || !isfinite(factor)) {
    return ru_error_set(err, RU_ERANGE, "scale factor %g must be finite and > 0", factor);
  }
  const long i = ru_sim_compound_index(e->sim, compound);
  if (i < 0) {
    return ru_error_set(err, RU_ENOTFOUND, "'%s' is not a compound of the subject", compound);
  }
  for (size_t k = 0; k < NKEYS; k++) {
    if (strcmp(key, SCALE_KEYS[k]) == 0) {
      e->factor[(lane * e->nc + (size_t)i) * NKEYS + k] = factor;
      if (e->subj != NULL) {
        return rui_hyb_subject_scale(e->subj, lane, (size_t)i, key, factor, err);
      }
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_EINVAL, "'%s' cannot vary per lane (cl_f_l_per_h, v_f_l, ka_per_h, "
                      "q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l); set it on the simulation",
                      key);
}

static ru_status build(ru_effect *e, ru_error *err) {
  rui_hyb_options o;
  effect_options(e, &o);
  ru_status st = rui_hyb_subject_new(e->sim, e->nl, 0, e->unit, e->nunit, &o, &e->subj, err);
  for (size_t l = 0; st == RU_OK && l < e->nl; l++) {
    for (size_t i = 0; st == RU_OK && i < e->nc; i++) {
      for (size_t k = 0; st == RU_OK && k < NKEYS; k++) {
        const double f = e->factor[(l * e->nc + i) * NKEYS + k];
        if (f != 1.0) {
          st = rui_hyb_subject_scale(e->subj, l, i, SCALE_KEYS[k], f, err);
        }
      }
    }
  }
  return st;
}

typedef struct effect_out {
  const ru_effect *e;
  size_t nt, ns;
  double *conc, *states;
} effect_out;

static int effect_emit(void *user, size_t lane, size_t j, double t_h, const double *y) {
  const effect_out *o = user;
  const ru_effect *e = o->e;
  (void)t_h;
  if (o->conc != NULL) {
    const ru_sim *ls = rui_hyb_subject_lane_sim(e->subj, lane);
    for (size_t i = 0; i < e->nc; i++) {
      const double c = y[(size_t)ls->c[i].central] / ls->c[i].v_l * 1000.0;
      /* tiny negative round-off clipped to 0, as ru_sim_run does */
      o->conc[(lane * e->nc + i) * o->nt + j] = c > 0.0 ? c : 0.0;
    }
  }
  if (o->states != NULL) {
    for (size_t k = 0; k < e->ne; k++) {
      o->states[(lane * e->ne + k) * o->nt + j] = y[o->ns + k];
    }
  }
  return 0;
}

ru_status ru_effect_run(ru_effect *e, const double *times_h, size_t nt, double *conc,
                        double *states, ru_error *err) {
  if (e == NULL || (nt > 0 && times_h == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_effect_run: NULL argument");
  }
  for (size_t j = 0; j < nt; j++) {
    if (!isfinite(times_h[j]) || times_h[j] < 0.0 || (j > 0 && times_h[j] < times_h[j - 1])) {
      return ru_error_set(err, RU_EINVAL, "output times must be finite, >= 0 and ascending");
    }
  }
  ru_status st = RU_OK;
  if (e->subj == NULL && (st = build(e, err)) != RU_OK) {
    rui_hyb_subject_free(e->subj);
    e->subj = NULL;
    return st;
  }
  rui_hyb *h = rui_hyb_subject_engine(e->subj);
  rui_hyb_reset_stats(h);
  effect_out o = {e, nt, rui_hyb_subject_sim_states(e->subj), conc, states};
  st = rui_hyb_subject_run(e->subj, times_h, nt, effect_emit, &o, err);
  rui_hyb_stats hs;
  rui_hyb_get_stats(h, &hs);
  e->stats.steps += hs.steps;
  e->stats.rejected += hs.rejected;
  e->stats.rhs_points += hs.rhs_points;
  return st;
}

size_t ru_effect_state_count(const ru_effect *e) { return e != NULL ? e->ne : 0; }
size_t ru_effect_lanes(const ru_effect *e) { return e != NULL ? e->nl : 0; }

void ru_effect_get_stats(const ru_effect *e, ru_effect_stats *out) {
  if (out == NULL) {
    return;
  }
  memset(out, 0, sizeof *out);
  if (e != NULL) {
    *out = e->stats;
  }
}
