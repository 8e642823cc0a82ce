/* A subject's pharmacokinetic model (pk.h): the compounds of its regimens and their
 * metabolites, parameters from the knowledge base with overrides and phenotype, the route of
 * each compound's oral doses (apparent CL/F, V/F, or the physiological gut-wall/liver first pass
 * of route.h), the enzymes and the inhibitions between the compounds present (the enzyme room,
 * src/ddi/enzymes.h), and the choice of solver. The equations themselves are deriv.c.
 *
 * Arrows: model.c -> deriv.c (equations) -> route.c (organ algebra), ddi/enzymes.c (what acts on
 * the enzymes); model.c -> events.c (dose timeline) -> linear.c / ode.c (engines). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "pk/linear.h"
#include "pk/model_impl.h"
#include "pk/hybrid_sim.h"
#include "pk/ode.h"
#include "pk/route.h"
#include "reuptake/pk.h"
#include "reuptake/units.h"

/* --- parameter slots ------------------------------------------------------------------------ */

ru_value *rui_pk_param_slot(ru_pk_params *p, const char *key) {
  static const struct {
    const char *key;
    size_t offset;
  } SLOTS[] = {
      {"f", offsetof(ru_pk_params, f)},
      {"ka_per_h", offsetof(ru_pk_params, ka_per_h)},
      {"tlag_h", offsetof(ru_pk_params, tlag_h)},
      {"cl_f_l_per_h", offsetof(ru_pk_params, cl_f_l_per_h)},
      {"v_f_l", offsetof(ru_pk_params, v_f_l)},
      {"q_f_l_per_h", offsetof(ru_pk_params, q_f_l_per_h)},
      {"vp_f_l", offsetof(ru_pk_params, vp_f_l)},
      {"q2_f_l_per_h", offsetof(ru_pk_params, q2_f_l_per_h)},
      {"vp2_f_l", offsetof(ru_pk_params, vp2_f_l)},
      {"fu", offsetof(ru_pk_params, fu)},
      {"half_life_h", offsetof(ru_pk_params, half_life_h)},
      {"bp", offsetof(ru_pk_params, bp)},
      {"cl_iv_l_per_h", offsetof(ru_pk_params, cl_iv_l_per_h)},
      {"fa", offsetof(ru_pk_params, fa)},
      {"fg", offsetof(ru_pk_params, fg)},
      {"kpuu_brain", offsetof(ru_pk_params, kpuu_brain)},
  };
  for (size_t i = 0; i < sizeof SLOTS / sizeof SLOTS[0]; i++) {
    if (strcmp(SLOTS[i].key, key) == 0) {
      return (ru_value *)((char *)p + SLOTS[i].offset);
    }
  }
  return NULL;
}

/* fm slot for enzyme, created when create != 0 (missing value) */
static ru_value *fm_slot(ru_pk_params *p, const char *enzyme, int create) {
  for (size_t i = 0; i < p->n_fm; i++) {
    if (strcasecmp(p->fm[i].enzyme, enzyme) == 0) {
      return &p->fm[i].fm;
    }
  }
  if (!create || p->n_fm >= RU_MAX_FM) {
    return NULL;
  }
  rui_strlcpy(p->fm[p->n_fm].enzyme, enzyme, sizeof p->fm[p->n_fm].enzyme);
  for (char *q = p->fm[p->n_fm].enzyme; *q; q++) {
    *q = (char)toupper((unsigned char)*q);
  }
  p->fm[p->n_fm].fm.value = nan("");
  p->fm[p->n_fm].fm.status = RU_VALUE_MISSING;
  p->fm[p->n_fm].fm.source[0] = '\0';
  return &p->fm[p->n_fm++].fm;
}

/* km slot for enzyme, created when create != 0 (missing value) */
static ru_value *km_slot(ru_pk_params *p, const char *enzyme, int create) {
  for (size_t i = 0; i < p->n_km; i++) {
    if (strcasecmp(p->km[i].enzyme, enzyme) == 0) {
      return &p->km[i].km_um;
    }
  }
  if (!create || p->n_km >= RU_MAX_FM) {
    return NULL;
  }
  rui_strlcpy(p->km[p->n_km].enzyme, enzyme, sizeof p->km[p->n_km].enzyme);
  for (char *q = p->km[p->n_km].enzyme; *q; q++) {
    *q = (char)toupper((unsigned char)*q);
  }
  p->km[p->n_km].km_um.value = nan("");
  p->km[p->n_km].km_um.status = RU_VALUE_MISSING;
  p->km[p->n_km].km_um.source[0] = '\0';
  return &p->km[p->n_km++].km_um;
}

static int valid_key(const char *key) {
  ru_pk_params tmp;
  memset(&tmp, 0, sizeof tmp);
  return strcmp(key, "model") == 0 || strcmp(key, "route") == 0 ||
         rui_pk_param_slot(&tmp, key) != NULL ||
         (strncmp(key, "fm.", 3) == 0 && key[3] != '\0') ||
         (strncmp(key, "km_um.", 6) == 0 && key[6] != '\0');
}

/* --- construction ---------------------------------------------------------------------------- */

ru_status ru_sim_new(const ru_kb *kb, ru_sim **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_new: out is NULL");
  }
  *out = NULL;
  if (kb == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_new: no knowledge base");
  }
  ru_sim *s = rui_calloc(1, sizeof *s);
  if (s == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  s->kb = kb;
  s->inhibition_enabled = 1;
  s->inlet_driver = 1;
  s->qh_l_per_h = nan("");
  s->qgut_l_per_h = nan("");
  s->bp_default = nan("");
  rui_enz_init(&s->enz);
  *out = s;
  return RU_OK;
}

void ru_sim_free(ru_sim *s) {
  if (s == NULL) {
    return;
  }
  rui_free(s->c);
  rui_free(s->ev);
  rui_free(s->ov);
  rui_free(s->mech);
  rui_enz_free(&s->enz);
  rui_products_free(s->products);
  rui_free(s);
}

static ru_status add_compound_rec(ru_sim *s, const char *name, long parent, int depth, long *index,
                                  ru_error *err) {
  char canon[RU_NAME_MAX];
  ru_status st = ru_kb_resolve(s->kb, name, canon, err);
  if (st != RU_OK) {
    return st;
  }
  for (size_t i = 0; i < s->nc; i++) {
    if (strcmp(s->c[i].name, canon) == 0) {
      if (parent >= 0 && s->c[i].parent < 0 && (long)i != parent) {
        s->c[i].parent = parent;
      }
      if (index) *index = (long)i;
      return RU_OK;
    }
  }
  if (s->nc >= RUI_SIM_MAX_COMPOUNDS) {
    return ru_error_set(err, RU_ELIMIT, "more than %d compounds (with metabolites) in one "
                        "simulation (limit RUI_SIM_MAX_COMPOUNDS)", RUI_SIM_MAX_COMPOUNDS);
  }
  if (s->nc == s->capc) {
    const size_t cap = s->capc ? s->capc * 2 : 8;
    sim_compound *nc = rui_realloc(s->c, cap * sizeof *nc);
    if (nc == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    s->c = nc;
    s->capc = cap;
  }
  sim_compound *c = &s->c[s->nc];
  memset(c, 0, sizeof *c);
  st = ru_kb_compound(s->kb, canon, &c->kb, err);
  if (st != RU_OK) {
    return st;
  }
  rui_strlcpy(c->name, canon, sizeof c->name);
  c->parent = parent;
  const long me = (long)s->nc;
  s->nc++;
  s->prepared = 0;
  if (index) *index = me;
  /* copy: the array may move while adding metabolites */
  ru_compound kbc = s->c[me].kb;
  if (depth >= RUI_SIM_MAX_METABOLITE_DEPTH && kbc.n_formations > 0) {
    return ru_error_set(err, RU_ELIMIT, "%s: metabolite chain deeper than %d generations (limit "
                        "RUI_SIM_MAX_METABOLITE_DEPTH)", canon, RUI_SIM_MAX_METABOLITE_DEPTH);
  }
  for (size_t k = 0; k < kbc.n_formations; k++) {
    if (!isfinite(kbc.formations[k].fraction_formed.value)) {
      continue;
    }
    st = add_compound_rec(s, kbc.formations[k].metabolite, me, depth + 1, NULL, err);
    if (st != RU_OK) {
      return st;
    }
  }
  return RU_OK;
}

ru_status ru_sim_add_compound(ru_sim *s, const char *name, ru_error *err) {
  if (s == NULL || name == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_add_compound: NULL argument");
  }
  return add_compound_rec(s, name, -1, 0, NULL, err);
}

ru_status ru_sim_add_regimen(ru_sim *s, const ru_regimen *r, ru_error *err) {
  if (s == NULL || r == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_add_regimen: NULL argument");
  }
  const size_t n = ru_regimen_count(r);
  /* resolve every compound first so nothing is half-added on error; a product (pk/product.h)
   * counts as its components */
  size_t need = 0;
  for (size_t i = 0; i < n; i++) {
    const ru_event *e = ru_regimen_event(r, i);
    need++;
    if (e->evid == RU_EVID_DOSE || e->evid == RU_EVID_RESET_DOSE) {
      ru_product prod;
      if (ru_kb_is_product(s->kb, e->compound, NULL)) {
        ru_status st = ru_kb_product(s->kb, e->compound, &prod, err);
        if (st != RU_OK) return st;
        if (prod.incomplete[0] != '\0') {
          return ru_error_set(err, RU_EMISSING, "product %s is incomplete: %s", prod.name, prod.incomplete);
        }
        need += prod.n_components - 1;
        continue;
      }
      char canon[RU_NAME_MAX];
      ru_status st = ru_kb_resolve(s->kb, e->compound, canon, err);
      if (st != RU_OK) {
        return st;
      }
    }
  }
  if (s->nev + need > s->capev) {
    size_t cap = s->capev ? s->capev : 16;
    while (cap < s->nev + need) cap *= 2;
    ru_event *ne = rui_realloc(s->ev, cap * sizeof *ne);
    if (ne == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    s->ev = ne;
    s->capev = cap;
  }
  for (size_t i = 0; i < n; i++) {
    const ru_event *e = ru_regimen_event(r, i);
    ru_event copy[RU_PRODUCT_MAX_COMPONENTS];
    size_t ncopy = 1;
    copy[0] = *e;
    if (e->evid == RU_EVID_DOSE || e->evid == RU_EVID_RESET_DOSE) {
      int is_product = 0;
      ru_status st = rui_products_add(&s->products, s->kb, e, s->nev, copy, &ncopy, &is_product, err);
      if (st != RU_OK) {
        return st;
      }
      if (!is_product) ncopy = 1;
      for (size_t k = 0; k < ncopy; k++) {
        long idx = -1;
        st = add_compound_rec(s, copy[k].compound, -1, 0, &idx, err);
        if (st != RU_OK) {
          return st;
        }
        rui_strlcpy(copy[k].compound, s->c[idx].name, sizeof copy[k].compound);
        s->c[idx].dosed = 1;
      }
    }
    if (s->nev + ncopy > s->capev) {
      /* the first pass sized the array; a lookup that failed there for lack of memory and
       * succeeded here (a product counted as one compound) must not write past it */
      ru_event *ne = rui_realloc(s->ev, (s->nev + ncopy) * sizeof *ne);
      if (ne == NULL) {
        return ru_error_set(err, RU_ENOMEM, "out of memory");
      }
      s->ev = ne;
      s->capev = s->nev + ncopy;
    }
    for (size_t k = 0; k < ncopy; k++) s->ev[s->nev++] = copy[k];
  }
  s->prepared = 0;
  return RU_OK;
}

/* --- phenotype, overrides --------------------------------------------------------------------- */

static ru_status set_activity(ru_sim *s, const char *enzyme, double activity, ru_error *err) {
  const ru_status st = rui_enz_set_activity(&s->enz, enzyme, activity, err);
  if (st == RU_OK) {
    s->prepared = 0;
  }
  return st;
}

ru_status ru_sim_set_enzyme_activity(ru_sim *s, const char *enzyme, double activity,
                                     ru_error *err) {
  if (s == NULL || enzyme == NULL || *enzyme == '\0') {
    return ru_error_set(err, RU_EINVAL, "enzyme name missing");
  }
  return set_activity(s, enzyme, activity, err);
}

ru_status ru_sim_set_phenotype(ru_sim *s, const char *spec, ru_error *err) {
  if (s == NULL || spec == NULL) {
    return ru_error_set(err, RU_EINVAL, "phenotype missing");
  }
  const char *eq = strchr(spec, '=');
  if (eq == NULL || eq == spec || eq[1] == '\0' || (size_t)(eq - spec) >= RU_NAME_MAX) {
    return ru_error_set(err, RU_EPARSE,
                        "phenotype '%s': expected GENE=PM|IM|NM|UM or GENE=AS<score>, e.g. "
                        "CYP2D6=PM", spec);
  }
  char gene[RU_NAME_MAX];
  memcpy(gene, spec, (size_t)(eq - spec));
  gene[eq - spec] = '\0';
  for (char *q = gene; *q; q++) *q = (char)toupper((unsigned char)*q);
  const char *val = eq + 1;
  /* a bare number is a CPIC activity score ("CYP2D6=1.5" = "CYP2D6=AS1.5"); the knowledge base
   * owns the score -> activity rule and its citation */
  char as_buf[40];
  double score = 0.0;
  if (ru_units_parse_double(val, &score) == RU_OK) {
    snprintf(as_buf, sizeof as_buf, "AS%.17g", score);
    val = as_buf;
  }
  ru_value act;
  ru_status st = ru_kb_phenotype_activity(s->kb, gene, val, &act, err);
  if (st != RU_OK) {
    return st;
  }
  if (!isfinite(act.value)) {
    return ru_error_set(err, RU_EMISSING, "phenotype '%s': no activity in the knowledge base",
                        spec);
  }
  return set_activity(s, gene, act.value, err);
}

static ru_status add_override(ru_sim *s, const char *compound, const char *key, double value,
                              int is_scale, ru_error *err) {
  if (s->nov == s->capov) {
    const size_t cap = s->capov ? s->capov * 2 : 8;
    sim_override *no = rui_realloc(s->ov, cap * sizeof *no);
    if (no == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    s->ov = no;
    s->capov = cap;
  }
  sim_override *o = &s->ov[s->nov++];
  memset(o, 0, sizeof *o);
  rui_strlcpy(o->compound, compound, sizeof o->compound);
  rui_strlcpy(o->key, key, sizeof o->key);
  o->value = value;
  o->is_scale = is_scale;
  s->prepared = 0;
  return RU_OK;
}

ru_status ru_sim_set_override(ru_sim *s, const char *spec, ru_error *err) {
  if (s == NULL || spec == NULL) {
    return ru_error_set(err, RU_EINVAL, "override missing");
  }
  const char *dot = strchr(spec, '.');
  const char *eq = strchr(spec, '=');
  if (dot == NULL || eq == NULL || dot > eq || dot == spec || eq == dot + 1 || eq[1] == '\0' ||
      (size_t)(dot - spec) >= RU_NAME_MAX || (size_t)(eq - dot - 1) >= 32) {
    return ru_error_set(err, RU_EPARSE,
                        "--set '%s': expected COMPOUND.KEY=VALUE, e.g. atomoxetine.cl_f_l_per_h=20",
                        spec);
  }
  char compound[RU_NAME_MAX], key[32];
  memcpy(compound, spec, (size_t)(dot - spec));
  compound[dot - spec] = '\0';
  memcpy(key, dot + 1, (size_t)(eq - dot - 1));
  key[eq - dot - 1] = '\0';
  if (!valid_key(key)) {
    return ru_error_set(err, RU_EINVAL,
                        "--set '%s': unknown key '%s' (model, route, f, ka_per_h, tlag_h, "
                        "cl_f_l_per_h, v_f_l, q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l, fu, bp, "
                        "fa, fg, half_life_h, kpuu_brain, fm.ENZYME, km_um.ENZYME)", spec, key);
  }
  double v = 0.0;
  /* model structure by name as DESIGN.md writes it (1cmt|2cmt|3cmt), or the bare number; the
   * route of oral doses by name */
  if (strcmp(key, "route") == 0) {
    if (strcmp(eq + 1, "apparent") == 0) {
      v = 0.0;
    } else if (strcmp(eq + 1, "physiological") == 0) {
      v = 1.0;
    } else {
      return ru_error_set(err, RU_EPARSE, "--set '%s': route is apparent or physiological",
                          spec);
    }
  } else if (strcmp(key, "model") == 0 && (strcmp(eq + 1, "1cmt") == 0 ||
                                           strcmp(eq + 1, "2cmt") == 0 ||
                                           strcmp(eq + 1, "3cmt") == 0)) {
    v = (double)(eq[1] - '0');
  } else if (ru_units_parse_double(eq + 1, &v) != RU_OK) {
    return ru_error_set(err, RU_EPARSE, "--set '%s': '%s' is not a number%s", spec, eq + 1,
                        strcmp(key, "model") == 0 ? " (model: 1cmt, 2cmt or 3cmt)" : "");
  }
  char canon[RU_NAME_MAX] = "*"; /* "*": every compound */
  if (strcmp(compound, "*") != 0) {
    ru_status st = ru_kb_resolve(s->kb, compound, canon, err);
    if (st != RU_OK) {
      return st;
    }
  }
  int bad = 0;
  if (strcmp(key, "model") == 0) {
    bad = !(v == 1.0 || v == 2.0 || v == 3.0);
  } else if (strcmp(key, "route") == 0) {
    bad = 0;
  } else if (strcmp(key, "fu") == 0 || strcmp(key, "f") == 0 || strncmp(key, "fm.", 3) == 0) {
    bad = !(v >= 0.0 && v <= 1.0);
  } else if (strcmp(key, "fa") == 0 || strcmp(key, "fg") == 0) {
    bad = !(v > 0.0 && v <= 1.0);
  } else if (strcmp(key, "tlag_h") == 0) {
    bad = !(v >= 0.0 && v < 1e4);
  } else {
    bad = !(v > 0.0 && v < 1e9);
  }
  if (bad) {
    return ru_error_set(err, RU_ERANGE, "--set '%s': value out of range for %s", spec, key);
  }
  return add_override(s, canon, key, v, 0, err);
}

ru_status ru_sim_scale_param(ru_sim *s, const char *compound, const char *key, double factor,
                             ru_error *err) {
  if (s == NULL || compound == NULL || key == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_scale_param: NULL argument");
  }
  if (!(factor > 0.0) || !isfinite(factor) || !valid_key(key) || strcmp(key, "model") == 0) {
    return ru_error_set(err, RU_EINVAL, "cannot scale '%s' by %g", key, factor);
  }
  char canon[RU_NAME_MAX] = "*";
  if (strcmp(compound, "*") != 0) {
    ru_status st = ru_kb_resolve(s->kb, compound, canon, err);
    if (st != RU_OK) {
      return st;
    }
  }
  /* replace an existing scale of the same (compound, key): population runs reuse one sim */
  for (size_t i = 0; i < s->nov; i++) {
    if (s->ov[i].is_scale && strcmp(s->ov[i].compound, canon) == 0 &&
        strcmp(s->ov[i].key, key) == 0) {
      s->ov[i].value = factor;
      s->prepared = 0;
      return RU_OK;
    }
  }
  return add_override(s, canon, key, factor, 1, err);
}

void ru_sim_set_cancel(ru_sim *s, const volatile sig_atomic_t *cancel) {
  if (s != NULL) s->cancel = cancel;
}

void ru_sim_set_force_ode(ru_sim *s, int force) {
  if (s != NULL) {
    s->force_ode = force != 0;
    s->solver = force ? RU_SOLVER_CVODE : RU_SOLVER_AUTO;
    s->prepared = 0;
  }
}

void ru_sim_set_solver(ru_sim *s, ru_solver solver) {
  if (s != NULL) {
    s->solver = solver == RU_SOLVER_CVODE || solver == RU_SOLVER_HYBRID ? solver : RU_SOLVER_AUTO;
    s->force_ode = s->solver != RU_SOLVER_AUTO;
    s->prepared = 0;
  }
}

const char *ru_sim_solver_name(const ru_sim *s) {
  if (s == NULL || !s->prepared || !s->nonlinear) return "closed-form";
  return s->solver == RU_SOLVER_CVODE ? "cvode" : "hybrid";
}

ru_status ru_sim_set_hybrid_tolerance(ru_sim *s, double tol, ru_error *err) {
  if (s == NULL || !(tol > 0.0 && tol < 1.0)) {
    return ru_error_set(err, RU_EINVAL, "hybrid tolerance %g must be in (0, 1)", tol);
  }
  s->hyb_tol = tol;
  return RU_OK;
}

void ru_sim_set_inhibitor_driver(ru_sim *s, int hepatic_inlet) {
  if (s != NULL) {
    s->inlet_driver = hepatic_inlet != 0;
    s->prepared = 0;
  }
}

void ru_sim_set_inhibition_enabled(ru_sim *s, int enabled) {
  if (s != NULL) {
    s->inhibition_enabled = enabled != 0;
    s->prepared = 0;
  }
}

/* --- prepare ---------------------------------------------------------------------------------- */

static ru_status apply_overrides(const ru_sim *s, sim_compound *c, ru_error *err) {
  c->p = c->kb.pk;
  for (size_t k = 0; k < s->nov; k++) {
    const sim_override *o = &s->ov[k];
    if (strcmp(o->compound, c->name) != 0 && strcmp(o->compound, "*") != 0) {
      continue;
    }
    if (strcmp(o->key, "model") == 0) {
      if (!o->is_scale) c->p.model = (int)o->value;
      continue;
    }
    if (strcmp(o->key, "route") == 0) {
      continue; /* read by choose_route */
    }
    ru_value *slot = strncmp(o->key, "fm.", 3) == 0      ? fm_slot(&c->p, o->key + 3, !o->is_scale)
                     : strncmp(o->key, "km_um.", 6) == 0 ? km_slot(&c->p, o->key + 6, !o->is_scale)
                                                         : rui_pk_param_slot(&c->p, o->key);
    if (slot == NULL) {
      if (o->is_scale) continue; /* scaling an fm the compound does not have: nothing to do */
      return ru_error_set(err, RU_ERANGE, "too many enzyme fractions for %s", c->name);
    }
    if (o->is_scale) {
      if (isfinite(slot->value)) slot->value *= o->value;
    } else {
      slot->value = o->value;
      slot->status = RU_VALUE_USER;
      rui_strlcpy(slot->source, "user_override", sizeof slot->source);
    }
  }
  return RU_OK;
}

static ru_status need(const sim_compound *c, const ru_value *v, const char *key, ru_error *err) {
  if (!isfinite(v->value)) {
    return ru_error_set(err, RU_EMISSING,
                        "%s: '%s' is missing from the knowledge base (give it with --set "
                        "%s.%s=VALUE or a --compounds file)", c->name, key, c->name, key);
  }
  if (v->value < 0.0) {
    return ru_error_set(err, RU_ERANGE, "%s: '%s' is negative", c->name, key);
  }
  return RU_OK;
}

/* A user's route override for compound c: 1 physiological, 0 apparent, -1 none. */
static int route_override(const ru_sim *s, const sim_compound *c) {
  int r = -1;
  for (size_t k = 0; k < s->nov; k++) {
    const sim_override *o = &s->ov[k];
    if (!o->is_scale && strcmp(o->key, "route") == 0 &&
        (strcmp(o->compound, c->name) == 0 || strcmp(o->compound, "*") == 0)) {
      r = (int)o->value;
    }
  }
  return r;
}

/* The share of c's clearance that is renal (unchanged), from its pathways. */
static double renal_share(const sim_compound *c) {
  double fr = 0.0;
  for (size_t p = 0; p < c->n_path; p++) {
    if (c->path[p].renal) fr += c->path[p].fm;
  }
  return fr;
}

/* The model-unit parameters of compound c from c->p and its route (route.h): apparent values as
 * they are, or the true ones with the intrinsic clearances by pathway. */
static void derive_params(const ru_sim *s, sim_compound *c) {
  double scale = 1.0;
  if (c->route == SIM_ROUTE_PHYSIOLOGICAL) {
    rui_route_in in;
    in.cl_f_l_per_h = c->p.cl_f_l_per_h.value;
    in.fu = c->fu;
    in.bp = c->bp_assumed ? s->bp_default : c->p.bp.value;
    in.fa = isfinite(c->p.fa.value) ? c->p.fa.value : 1.0;
    in.fg = isfinite(c->p.fg.value) ? c->p.fg.value : 1.0;
    in.fm_renal = renal_share(c);
    in.qh_l_per_h = s->qh_l_per_h;
    in.qgut_l_per_h = s->qgut_l_per_h;
    if (rui_route_retrograde(&in, &c->r, NULL) != RU_OK) {
      c->route = SIM_ROUTE_APPARENT; /* checked by choose_route; cannot happen */
    } else {
      scale = c->r.f_scale;
      /* hepatic pathways: fm of clearance -> shares of the hepatic CLint (fm / (1 - fm_renal)) */
      const double hep = 1.0 - in.fm_renal;
      double named = 0.0;
      for (size_t p = 0; p < c->n_path; p++) {
        if (c->path[p].renal) continue;
        c->path[p].clint = c->r.clint_h_l_per_h * c->path[p].fm / hep;
        named += c->path[p].clint;
      }
      c->clint_other = fmax(0.0, c->r.clint_h_l_per_h - named);
    }
  }
  c->v_l = c->p.v_f_l.value * scale;
  c->cl_l_per_h = c->p.cl_f_l_per_h.value * scale;
  c->q1_l_per_h = c->p.q_f_l_per_h.value * scale;
  c->vp1_l = c->p.vp_f_l.value * scale;
  c->q2_l_per_h = c->p.q2_f_l_per_h.value * scale;
  c->vp2_l = c->p.vp2_f_l.value * scale;
}

void rui_sim_rederive(ru_sim *s, size_t i) {
  if (s != NULL && i < s->nc) derive_params(s, &s->c[i]);
}

/* Which route the compound's oral doses take: physiological where its inputs exist (fu, B:P,
 * the hepatic blood flow; Fa, Fg from the KB when sourced, else 1) unless the user chose the
 * apparent route; a compound that is not dosed (a metabolite) has no oral route. The reason for
 * the apparent route is kept for reports. */
static void choose_route(const ru_sim *s, sim_compound *c) {
  c->route = SIM_ROUTE_APPARENT;
  c->route_why[0] = '\0';
  const int ov = route_override(s, c);
  if (!c->dosed) {
    return;
  }
  if (ov == 0) {
    snprintf(c->route_why, sizeof c->route_why, "apparent route chosen by the user");
    return;
  }
  const char *missing = !isfinite(c->fu)               ? "fu"
                        : !(c->p.bp.value > 0.0) && !isfinite(s->bp_default)
                                                       ? "blood:plasma ratio (bp)"
                        : !isfinite(s->qh_l_per_h)     ? "hepatic blood flow (body)"
                        : (isfinite(c->p.fg.value) && c->p.fg.value < 1.0 &&
                           !isfinite(s->qgut_l_per_h)) ? "villous blood flow (body)"
                                                       : NULL;
  if (missing != NULL) {
    snprintf(c->route_why, sizeof c->route_why,
             "apparent route (CL/F, V/F): its %s is missing from the knowledge base, so first pass "
             "cannot change with inhibition or phenotype", missing);
    return;
  }
  c->bp_assumed = !(c->p.bp.value > 0.0);
  rui_route_in in = {c->p.cl_f_l_per_h.value, c->fu, c->bp_assumed ? s->bp_default : c->p.bp.value,
                     isfinite(c->p.fa.value) ? c->p.fa.value : 1.0,
                     isfinite(c->p.fg.value) ? c->p.fg.value : 1.0, renal_share(c),
                     s->qh_l_per_h, s->qgut_l_per_h};
  rui_route r;
  ru_error e;
  if (rui_route_retrograde(&in, &r, &e) != RU_OK) {
    snprintf(c->route_why, sizeof c->route_why, "apparent route: %.140s", e.message);
    return;
  }
  c->route = SIM_ROUTE_PHYSIOLOGICAL;
}

static double body_param(const ru_kb *kb, const char *name) {
  ru_value v;
  ru_error e;
  return (ru_kb_param(kb, "body", name, &v, &e) == RU_OK && v.value > 0.0) ? v.value : nan("");
}

ru_status ru_sim_prepare(ru_sim *s, ru_error *err) {
  if (s == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_prepare: NULL simulation");
  }
  if (s->prepared) {
    return RU_OK;
  }
  if (s->nc == 0) {
    return ru_error_set(err, RU_EINVAL, "nothing to simulate: give at least one regimen");
  }
  rui_enz_reset(&s->enz);
  s->qh_l_per_h = body_param(s->kb, "hepatic_blood_flow_l_per_h");
  s->qgut_l_per_h = body_param(s->kb, "villous_blood_flow_l_per_h");
  s->bp_default = body_param(s->kb, "blood_plasma_ratio_default");
  size_t n = 0;
  for (size_t i = 0; i < s->nc; i++) {
    sim_compound *c = &s->c[i];
    ru_status st = apply_overrides(s, c, err);
    if (st != RU_OK) return st;
    if (c->p.model < 1 || c->p.model > 3) c->p.model = 1;
    if ((st = need(c, &c->p.cl_f_l_per_h, "cl_f_l_per_h", err)) != RU_OK) return st;
    if ((st = need(c, &c->p.v_f_l, "v_f_l", err)) != RU_OK) return st;
    if (!(c->p.v_f_l.value > 0.0) || !(c->p.cl_f_l_per_h.value > 0.0)) {
      return ru_error_set(err, RU_ERANGE, "%s: CL/F and V/F must be > 0", c->name);
    }
    if (c->p.model >= 2) {
      if ((st = need(c, &c->p.q_f_l_per_h, "q_f_l_per_h", err)) != RU_OK) return st;
      if ((st = need(c, &c->p.vp_f_l, "vp_f_l", err)) != RU_OK) return st;
    }
    if (c->p.model >= 3) {
      if ((st = need(c, &c->p.q2_f_l_per_h, "q2_f_l_per_h", err)) != RU_OK) return st;
      if ((st = need(c, &c->p.vp2_f_l, "vp2_f_l", err)) != RU_OK) return st;
    }
    if (c->dosed && (st = need(c, &c->p.ka_per_h, "ka_per_h", err)) != RU_OK) return st;
    c->tlag_h = isfinite(c->p.tlag_h.value) ? c->p.tlag_h.value : 0.0;
    c->mw = c->kb.mw_g_per_mol.value;
    c->fu = c->p.fu.value;
    /* elimination pathways: the enzymes (liver site) and the renal one */
    c->fm_other = 1.0;
    c->n_path = 0;
    c->saturable = 0;
    for (size_t k = 0; k < c->p.n_fm; k++) {
      const double fm = c->p.fm[k].fm.value;
      if (!isfinite(fm) || fm <= 0.0) continue;
      const int renal = strcasecmp(c->p.fm[k].enzyme, "renal") == 0;
      long e = -1;
      if (!renal) {
        st = rui_enz_index(&s->enz, c->p.fm[k].enzyme, RUI_SITE_LIVER, 1, &e, err);
        if (st != RU_OK) return st;
      }
      memset(&c->path[c->n_path], 0, sizeof c->path[c->n_path]);
      c->path[c->n_path].enzyme = e;
      c->path[c->n_path].renal = renal;
      c->path[c->n_path].fm = fm;
      c->path[c->n_path].km_um = nan("");
      for (size_t q = 0; !renal && q < c->p.n_km; q++) {
        if (strcasecmp(c->p.km[q].enzyme, c->p.fm[k].enzyme) == 0 && c->p.km[q].km_um.value > 0.0) {
          c->path[c->n_path].km_um = c->p.km[q].km_um.value;
          c->saturable = 1;
        }
      }
      c->n_path++;
      c->fm_other -= fm;
    }
    if (c->fm_other < -1e-9) {
      return ru_error_set(err, RU_ERANGE, "%s: enzyme fractions fm sum to %g > 1", c->name,
                          1.0 - c->fm_other);
    }
    if (c->fm_other < 0.0) c->fm_other = 0.0;
    if (c->saturable && (!isfinite(c->fu) || !isfinite(c->mw))) {
      return ru_error_set(err, RU_EMISSING,
                          "%s: saturable elimination (Km) needs its %s, missing from the knowledge base",
                          c->name, isfinite(c->fu) ? "molecular weight" : "fu");
    }
    for (size_t p = 0; p < c->n_path; p++) {
      c->path[p].km_u_mg_per_l = c->path[p].km_um * c->mw / 1000.0;
    }
    choose_route(s, c);
    /* the gut wall: intestinal CYP3A4 carries a sourced Fg < 1 (route.h) */
    c->gut_enzyme = -1;
    if (c->route == SIM_ROUTE_PHYSIOLOGICAL && isfinite(c->p.fg.value) && c->p.fg.value < 1.0) {
      st = rui_enz_index(&s->enz, "CYP3A4", RUI_SITE_GUT, 1, &c->gut_enzyme, err);
      if (st != RU_OK) return st;
    }
    derive_params(s, c);
    /* compartments */
    c->depot = c->dosed ? (long)n++ : -1;
    c->central = (long)n++;
    c->periph1 = c->p.model >= 2 ? (long)n++ : -1;
    c->periph2 = c->p.model >= 3 ? (long)n++ : -1;
  }
  {
    /* product release compartments (pk/product.h) follow the compounds' */
    ru_status st = rui_products_prepare(s->products, s, &n, err);
    if (st != RU_OK) return st;
  }
  if (n > RUI_LIN_MAX) {
    return ru_error_set(err, RU_ELIMIT, "model has %zu compartments (limit RUI_LIN_MAX = %d)", n,
                        RUI_LIN_MAX);
  }
  s->ncmt = n;
  /* metabolite formation */
  for (size_t i = 0; i < s->nc; i++) {
    sim_compound *c = &s->c[i];
    c->n_form = 0;
    for (size_t k = 0; k < c->kb.n_formations; k++) {
      const ru_formation *f = &c->kb.formations[k];
      if (!isfinite(f->fraction_formed.value)) continue;
      const long m = ru_sim_compound_index(s, f->metabolite);
      if (m < 0 || c->n_form >= RU_MAX_METABOLITES) continue;
      if (!isfinite(c->mw) || !isfinite(s->c[m].mw)) {
        return ru_error_set(err, RU_EMISSING,
                            "%s -> %s: molecular weight missing (needed to convert formed mass)",
                            c->name, s->c[m].name);
      }
      long path = -1; /* -1 = total clearance */
      if (f->enzyme[0] != '\0') {
        for (size_t p = 0; p < c->n_path; p++) {
          const char *pname = c->path[p].renal ? "renal" : s->enz.e[c->path[p].enzyme].name;
          if (strcasecmp(pname, f->enzyme) == 0) path = (long)p;
        }
        if (path < 0) {
          /* formed by an enzyme with no fm: cannot split clearance, report */
          return ru_error_set(err, RU_EMISSING,
                              "%s -> %s: formed by %s but %s has no fm.%s in the knowledge base",
                              c->name, s->c[m].name, f->enzyme, c->name, f->enzyme);
        }
      }
      c->form[c->n_form].metabolite = (size_t)m;
      c->form[c->n_form].path = path;
      c->form[c->n_form].fraction = f->fraction_formed.value;
      c->form[c->n_form].mass_ratio = s->c[m].mw / c->mw;
      c->n_form++;
    }
  }
  {
    ru_status st = rui_enz_add_tracked(&s->enz, err);
    if (st != RU_OK) return st;
  }
  /* inhibition between compounds present (the enzyme room) */
  for (size_t i = 0; i < s->nc && s->inhibition_enabled; i++) {
    const sim_compound *c = &s->c[i];
    const int has_unbound = isfinite(c->fu) && isfinite(c->mw);
    ru_status st = rui_enz_collect(&s->enz, s->kb, i, c->name, has_unbound,
                                   isfinite(c->fu) ? "molecular weight" : "fu", err);
    if (st != RU_OK) return st;
  }
  size_t ns = s->ncmt;
  rui_enz_assign_states(&s->enz, &ns);
  int saturable = 0;
  for (size_t i = 0; i < s->nc; i++) saturable |= s->c[i].saturable;
  s->nonlinear = rui_enz_any_inhibition(&s->enz) || s->force_ode || saturable;
  /* ODE state: compartments, MBI enzyme states, then one AUC accumulator per compound */
  s->nstate = ns + s->nc;
  if (s->nstate > RUI_SIM_MAX_STATE) {
    return ru_error_set(err, RU_ELIMIT, "model too large (%zu states, limit RUI_SIM_MAX_STATE)",
                        s->nstate);
  }
  s->prepared = 1;
  return RU_OK;
}

/* --- accessors ---------------------------------------------------------------------------------- */

size_t ru_sim_compound_count(const ru_sim *s) { return s ? s->nc : 0; }
const char *ru_sim_compound_name(const ru_sim *s, size_t i) {
  return (s && i < s->nc) ? s->c[i].name : NULL;
}
double ru_sim_compound_mw(const ru_sim *s, size_t i) {
  return (s && i < s->nc) ? s->c[i].kb.mw_g_per_mol.value : nan("");
}
double ru_sim_compound_fu(const ru_sim *s, size_t i) {
  if (s == NULL || i >= s->nc) return nan("");
  if (s->prepared) return s->c[i].fu;
  ru_pk_params p = s->c[i].kb.pk;
  for (size_t k = 0; k < s->nov; k++) {
    if (strcmp(s->ov[k].key, "fu") == 0 &&
        (strcmp(s->ov[k].compound, s->c[i].name) == 0 || strcmp(s->ov[k].compound, "*") == 0)) {
      p.fu.value = s->ov[k].is_scale ? p.fu.value * s->ov[k].value : s->ov[k].value;
    }
  }
  return p.fu.value;
}
ru_status ru_sim_compound_value(const ru_sim *s, size_t i, const char *key, ru_value *out,
                                ru_error *err) {
  if (s == NULL || out == NULL || key == NULL || i >= s->nc) {
    return ru_error_set(err, RU_EINVAL, "ru_sim_compound_value: no compound %zu", i);
  }
  /* prepared: the parameters in use; otherwise the KB values with the overrides applied now */
  sim_compound tmp = s->c[i];
  if (!s->prepared) {
    ru_status st = apply_overrides(s, &tmp, err);
    if (st != RU_OK) return st;
  }
  const ru_value *v = rui_pk_param_slot(&tmp.p, key);
  if (v == NULL) {
    return ru_error_set(err, RU_EINVAL, "'%s' is not a scalar PK key", key);
  }
  *out = *v;
  return RU_OK;
}

long ru_sim_compound_index(const ru_sim *s, const char *name) {
  if (s == NULL || name == NULL) return -1;
  for (size_t i = 0; i < s->nc; i++) {
    if (strcasecmp(s->c[i].name, name) == 0) return (long)i;
  }
  char canon[RU_NAME_MAX];
  if (ru_kb_resolve(s->kb, name, canon, NULL) == RU_OK) {
    for (size_t i = 0; i < s->nc; i++) {
      if (strcmp(s->c[i].name, canon) == 0) return (long)i;
    }
  }
  return -1;
}
int ru_sim_is_nonlinear(const ru_sim *s) { return s && s->prepared && s->nonlinear; }
size_t ru_sim_enzyme_count(const ru_sim *s) { return s ? s->enz.n : 0; }
const char *ru_sim_enzyme_name(const ru_sim *s, size_t k) {
  if (s == NULL || k >= s->enz.n) return NULL;
  return s->enz.e[k].site == RUI_SITE_GUT ? "CYP3A4 (intestine)" : s->enz.e[k].name;
}
ru_status ru_sim_track_enzyme(ru_sim *s, const char *enzyme, ru_error *err) {
  if (s == NULL) return ru_error_set(err, RU_EINVAL, "no simulation");
  ru_status st = rui_enz_track(&s->enz, enzyme, err);
  if (st == RU_OK) s->prepared = 0;
  return st;
}

double ru_sim_enzyme_activity(const ru_sim *s, size_t k) {
  if (s == NULL || k >= s->enz.n) return nan("");
  return s->enz.e[k].activity;
}

const char *ru_sim_mechanisms(ru_sim *s) {
  if (s == NULL) return "";
  if (ru_sim_prepare(s, NULL) != RU_OK) return "";
  size_t cap = 512 + (s->enz.ninh + s->enz.nnote + s->nc) * 256;
  char *buf = rui_malloc(cap);
  if (buf == NULL) return "";
  const char *names[RUI_SIM_MAX_COMPOUNDS];
  for (size_t i = 0; i < s->nc; i++) names[i] = s->c[i].name;
  size_t len = rui_enz_describe(&s->enz, names, buf, cap);
  if (s->enz.ninh > 0 && len < cap) {
    int any_apparent = 0;
    for (size_t k = 0; k < s->enz.ninh; k++) {
      any_apparent |= s->c[s->enz.inh[k].perpetrator].route != SIM_ROUTE_PHYSIOLOGICAL;
    }
    const int w = snprintf(buf + len, cap - len, "inhibitors act at their %s\n",
                           !any_apparent
                               ? "unbound liver (and gut-wall) concentrations (physiological route)"
                           : (s->inlet_driver && isfinite(s->qh_l_per_h))
                               ? "unbound hepatic inlet concentration (systemic + portal, FDA 2020)"
                               : "unbound systemic plasma concentration");
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  for (size_t i = 0; i < s->nc && len < cap; i++) {
    const sim_compound *c = &s->c[i];
    int w = 0;
    if (c->route == SIM_ROUTE_PHYSIOLOGICAL) {
      /* the consistency with an absolute F or an IV clearance where the KB has one (route.h) */
      char check[160] = "";
      const double f_iv = c->p.cl_iv_l_per_h.value / c->p.cl_f_l_per_h.value;
      if (c->p.f.value > 0.0) {
        snprintf(check, sizeof check, "; sourced F %.3g (%s): %.3gx the retrograde F", c->p.f.value,
                 c->p.f.source, c->p.f.value / c->r.f_scale);
      } else if (f_iv > 0.0 && isfinite(f_iv)) {
        snprintf(check, sizeof check, "; F from the IV clearance %.3g (%s): %.3gx the retrograde F",
                 f_iv, c->p.cl_iv_l_per_h.source, f_iv / c->r.f_scale);
      }
      w = snprintf(buf + len, cap - len,
                   "%s: physiological oral route (F %.3g = Fa %.3g x Fg %.3g x Fh %.3g in a normal "
                   "metabolizer; CLint,u %.4g L/h hepatic%s%s)\n", c->name, c->r.f_scale, c->r.fa,
                   c->r.fg, c->r.fh, c->r.clint_h_l_per_h,
                   c->bp_assumed ? "; B:P not in the knowledge base, 1 assumed (body default)" : "",
                   check);
    } else if (c->route_why[0] != '\0') {
      w = snprintf(buf + len, cap - len, "%s: %s\n", c->name, c->route_why);
    }
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
    /* saturable pathways: their Km and its source, from the compound's own parameters */
    for (size_t q = 0; q < c->p.n_km && len < cap; q++) {
      for (size_t p = 0; p < c->n_path; p++) {
        if (c->path[p].renal || !isfinite(c->path[p].km_um) ||
            strcasecmp(c->p.km[q].enzyme, s->enz.e[c->path[p].enzyme].name) != 0)
          continue;
        w = snprintf(buf + len, cap - len,
                     "%s: %s pathway saturable (Michaelis-Menten, Km %.4g uM unbound; source %s)\n",
                     c->name, c->p.km[q].enzyme, c->path[p].km_um, c->p.km[q].km_um.source);
        if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
      }
    }
  }
  rui_free(s->mech);
  s->mech = buf;
  return buf;
}

/* --- dosing expansion ------------------------------------------------------------------------ */

double ru_sim_longest_interval_h(const ru_sim *s) {
  double tau = 0.0;
  for (size_t k = 0; s && k < s->nev; k++) {
    const ru_event *e = &s->ev[k];
    if ((e->evid == RU_EVID_DOSE || e->evid == RU_EVID_RESET_DOSE) && e->ii_h > 0.0 &&
        (e->addl != 0 || e->ss != 0) && e->ii_h > tau) {
      tau = e->ii_h;
    }
  }
  return tau;
}

/* One dose record in the model's units: compartment, amount, rate and lag (docs/regimens.md,
 * "dose modifiers"). Apparent parameters (CL/F, V/F) take an oral dose as given and an IV dose
 * scaled by 1/F (true mg -> apparent mg). The record's F item multiplies the amount: for an oral
 * dose relative to the compound's own F where the KB has one (F_item / F), else on the apparent
 * scale; for an IV dose absolutely. Rates are converted like amounts but F does not touch them,
 * so F changes an infusion's duration (RATE > 0 and RATE = -1 with the R item), while RATE = -2
 * keeps the D item's duration and changes the rate (NONMEM Users Guide VI, V.E; nmhelp "RATE data
 * item"). The ALAG item replaces the compound's lag for this record's doses. */
static ru_status dose_record(const ru_sim *s, const ru_event *e, rui_dose *x, ru_error *err) {
  const long ci = ru_sim_compound_index(s, e->compound);
  if (ci < 0) {
    return ru_error_set(err, RU_EINTERNAL, "dose of unknown compound '%s'", e->compound);
  }
  const sim_compound *c = &s->c[ci];
  const int iv = e->cmt == RU_CMT_CENTRAL || (e->rate_mg_per_h != 0.0 && e->cmt != RU_CMT_DEPOT);
  double unit = 1.0, bio = 1.0;
  if (iv) {
    if (c->route != SIM_ROUTE_PHYSIOLOGICAL && !(c->p.f.value > 0.0)) {
      return ru_error_set(err, RU_EMISSING,
                          "%s: bioavailability F is missing, needed to give an IV dose with "
                          "apparent (CL/F, V/F) parameters", c->name);
    }
    x->cmt = (size_t)c->central;
    /* apparent parameters: true mg -> apparent mg; the physiological route is in true mg */
    unit = c->route == SIM_ROUTE_PHYSIOLOGICAL ? 1.0 : 1.0 / c->p.f.value;
    x->lag_h = e->has_lag ? e->lag_h : 0.0;
    bio = e->has_bioav ? e->bioav : 1.0;
  } else {
    x->cmt = (size_t)c->depot;
    x->lag_h = e->has_lag ? e->lag_h : c->tlag_h;
    if (e->has_bioav) {
      bio = c->p.f.value > 0.0 ? e->bioav / c->p.f.value : e->bioav;
    }
  }
  x->amount = e->amount_mg * bio * unit;
  if (e->rate_mg_per_h == RU_RATE_MODELLED_RATE) {
    x->rate = e->model_rate_mg_per_h * unit;
  } else if (e->rate_mg_per_h == RU_RATE_MODELLED_DURATION) {
    x->rate = x->amount / e->model_dur_h;
  } else {
    x->rate = e->rate_mg_per_h > 0.0 ? e->rate_mg_per_h * unit : 0.0;
  }
  if (x->rate > 0.0 && x->amount == 0.0 && !(e->ss > 0 && e->ii_h == 0.0)) {
    x->rate = 0.0; /* F = 0: nothing enters (an infusion of nothing) */
  }
  return RU_OK;
}

ru_status rui_sim_doses(const ru_sim *s, rui_dose **out, size_t *nout, ru_error *err) {
  *out = NULL;
  *nout = 0;
  const size_t cap = s->nev + 1 + rui_products_extra_records(s->products, s->nev);
  rui_dose *in = rui_calloc(cap, sizeof *in);
  if (in == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  size_t n = 0;
  for (size_t k = 0; k < s->nev; k++) {
    const ru_event *e = &s->ev[k];
    if (e->evid == RU_EVID_RESET) {
      memset(&in[n], 0, sizeof in[n]);
      in[n].time_h = e->time_h;
      in[n].reset_before = 1;
      n++;
      continue;
    }
    if (e->evid != RU_EVID_DOSE && e->evid != RU_EVID_RESET_DOSE) continue;
    rui_dose *x = &in[n];
    memset(x, 0, sizeof *x);
    ru_status st = dose_record(s, e, x, err);
    if (st != RU_OK) {
      rui_free(in);
      return st;
    }
    n++;
    x->time_h = e->time_h;
    x->ii_h = e->ii_h;
    x->addl = e->addl;
    x->ss = e->ss;
    x->reset_before = e->evid == RU_EVID_RESET_DOSE;
    /* NONMEM: a steady-state constant infusion (AMT 0, RATE > 0, II 0) brings the system to the
     * infusion's steady state and the infusion ends at the record's time (issue 18 against
     * NONMEM's output); to keep it running, give an ordinary infusion record as well */
    x->ss_infusion_runs = 0;
    /* a product record becomes its release plan's records (pk/product.h) */
    const rui_dose base = *x;
    size_t added = 0;
    int tagged = 0;
    st = rui_products_doses(s->products, s, k, &base, x, cap - (n - 1), &added, &tagged, err);
    if (st != RU_OK) {
      rui_free(in);
      return st;
    }
    if (tagged) n += added - 1;
  }
  *out = in;
  *nout = n;
  return RU_OK;
}

ru_status rui_sim_timeline(const ru_sim *s, double t_end, rui_timeline *tl, ru_error *err) {
  rui_dose *d = NULL;
  size_t nd = 0;
  ru_status st = rui_sim_doses(s, &d, &nd, err);
  if (st == RU_OK) {
    st = rui_timeline_build(d, nd, s->ncmt, t_end, tl, err);
  }
  rui_free(d);
  return st;
}

static int any_saturable(const ru_sim *s) {
  for (size_t i = 0; i < s->nc; i++) {
    if (s->c[i].saturable) return 1;
  }
  return 0;
}

typedef struct state_out {
  double *states;
  size_t n;
  const volatile sig_atomic_t *cancel;
} state_out;

static int state_emit(void *user, size_t j, double t_h, const double *y) {
  const state_out *o = user;
  (void)t_h;
  if (o->cancel != NULL && *o->cancel != 0) return 1; /* the walker stops: RU_EINTERRUPTED */
  memcpy(&o->states[j * o->n], y, o->n * sizeof *y);
  return 0;
}

/* Solves the nonlinear system through the dose timeline and writes the full state at times. */
ru_status rui_sim_ode_states(ru_sim *s, const double *times_h, size_t nt, double *states,
                             ru_error *err) {
  if (nt == 0) return RU_OK;
  if (s->solver != RU_SOLVER_CVODE) {
    return rui_hyb_sim_states(s, times_h, nt, states, err); /* the default (pk/hybrid_sim.c) */
  }
  rui_timeline tl;
  ru_status st = rui_sim_timeline(s, times_h[nt - 1], &tl, err);
  if (st != RU_OK) return st;
  double y0[RUI_SIM_MAX_STATE];
  memset(y0, 0, sizeof y0);
  unsigned char mask[RUI_SIM_MAX_STATE];
  memset(mask, 0, sizeof mask);
  for (size_t j = 0; j < s->ncmt; j++) mask[j] = 1;
  for (size_t e = 0; e < s->enz.n; e++) {
    if (s->enz.e[e].state >= 0) y0[s->enz.e[e].state] = 1.0; /* fully active enzyme at start */
  }
  rui_ode_options opt;
  rui_ode_options_default(&opt);
  opt.reset_mask = mask;
  /* absolute tolerance: amounts in mg; 1e-9 mg is far below any reported concentration */
  opt.atol = 1e-9;
  /* a steady-state record places compartments and enzyme states; the AUC accumulators keep
   * accumulating real time only */
  unsigned char ssmask[RUI_SIM_MAX_STATE];
  memset(ssmask, 0, sizeof ssmask);
  for (size_t j = 0; j < s->nstate - s->nc; j++) ssmask[j] = 1;
  rui_ss_numeric_options sso;
  rui_ss_numeric_options_default(&sso);
  sso.mask = ssmask;
  /* forced onto CVODE for a cross-check, a linear subject still superposes (SS = 2) */
  sso.superposition = !rui_enz_any_inhibition(&s->enz) && !any_saturable(s);
  rui_ode_work *w = NULL;
  st = rui_ode_work_new(s->nstate, &opt, &w, err);
  if (st == RU_OK) {
    state_out o = {states, s->nstate, s->cancel};
    st = rui_ode_walk(w, rui_sim_rhs, s, y0, &tl, &sso, times_h, nt, state_emit, &o, err);
  }
  rui_ode_work_free(w);
  rui_timeline_free(&tl);
  return st;
}

ru_status ru_sim_run(ru_sim *s, const double *times_h, size_t nt, double *conc, ru_error *err) {
  ru_status st = ru_sim_prepare(s, err);
  if (st != RU_OK) return st;
  if (times_h == NULL || conc == NULL || nt == 0) {
    return ru_error_set(err, RU_EINVAL, "no output times");
  }
  for (size_t j = 0; j < nt; j++) {
    if (!isfinite(times_h[j]) || (j > 0 && times_h[j] < times_h[j - 1])) {
      return ru_error_set(err, RU_EINVAL, "output times must be finite and ascending");
    }
  }
  const size_t ns = s->nonlinear ? s->nstate : s->ncmt;
  double *x = rui_malloc(nt * ns * sizeof *x);
  if (x == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  if (s->nonlinear) {
    st = rui_sim_ode_states(s, times_h, nt, x, err);
  } else {
    rui_lin_system sys;
    rui_sim_linear_matrix(s, &sys);
    rui_dose *in = NULL;
    size_t nin = 0;
    st = rui_sim_doses(s, &in, &nin, err);
    if (st == RU_OK) {
      st = rui_lin_simulate(&sys, NULL, in, nin, times_h, nt, x, err);
    }
    rui_free(in);
  }
  if (st == RU_OK) {
    for (size_t i = 0; i < s->nc; i++) {
      const double v = s->c[i].v_l;
      for (size_t j = 0; j < nt; j++) {
        /* mg / L -> ng/mL (x 1000); tiny negative round-off clipped to 0 */
        conc[i * nt + j] = fmax(0.0, x[j * ns + (size_t)s->c[i].central] / v * 1000.0);
      }
    }
  }
  rui_free(x);
  return st;
}

ru_status ru_sim_run_enzymes(ru_sim *s, const double *times_h, size_t nt, double *activity,
                             ru_error *err) {
  ru_status st = ru_sim_prepare(s, err);
  if (st != RU_OK) return st;
  if (!s->nonlinear) {
    /* nothing inhibits: each enzyme keeps its phenotype activity */
    for (size_t e = 0; e < s->enz.n; e++)
      for (size_t j = 0; j < nt; j++) activity[e * nt + j] = s->enz.e[e].activity;
    return RU_OK;
  }
  double *x = rui_malloc(nt * s->nstate * sizeof *x);
  if (x == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  st = rui_sim_ode_states(s, times_h, nt, x, err);
  if (st == RU_OK) {
    for (size_t j = 0; j < nt; j++) {
      double g[RUI_SIM_MAX_ENZYMES];
      rui_sim_enzyme_multipliers(s, x + j * s->nstate, g);
      for (size_t e = 0; e < s->enz.n; e++) activity[e * nt + j] = g[e];
    }
  }
  rui_free(x);
  return st;
}
