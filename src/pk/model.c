/* A subject's pharmacokinetic model (pk.h): the compounds of its regimens and their
 * metabolites, parameters from the knowledge base with overrides and phenotype, enzyme
 * inhibition between the compounds present, and the choice of solver.
 *
 * Model (DESIGN.md "Science"): first-order absorption from a depot with lag; 1-3 compartment
 * linear disposition with apparent parameters (CL/F, V/F); clearance split by enzyme fractions
 * fm (NM phenotype); a phenotype scales its enzyme's share:
 *     CL(t) = CL * [ (1 - sum_e fm_e) + sum_e fm_e * a_e * g_e(t) ]
 * with a_e the phenotype activity (1 = NM) and g_e the inhibition multiplier
 *     g_e = E_e(t) / (1 + sum_i Iu_i / Ki_ie)                      (competitive)
 *     dE_e/dt = kdeg_e (1 - E_e) - sum_i kinact_ie Iu_i/(KI_ie + Iu_i) E_e   (mechanism-based)
 * driven by each perpetrator's unbound plasma concentration Iu (uM). Metabolites are formed
 * from the parent's clearance (a fraction of one enzyme's pathway or of the total), converted
 * by molar mass. Without inhibition the system is linear and the matrix A is obtained from the
 * same derivative function, so the closed-form and ODE paths share one definition.
 * The well-stirred oral approximation that scaling CL/F scales oral AUC by the same factor is
 * the usual one for inhibition of apparent clearance (Rowland & Tozer, Clinical
 * Pharmacokinetics and Pharmacodynamics, 4th ed., ch. 17). */
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
#include "pk/ode.h"
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
  return strcmp(key, "model") == 0 || rui_pk_param_slot(&tmp, key) != NULL ||
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
  rui_free(s->inh);
  rui_free(s->skipped);
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
  if (!isfinite(activity) || activity < 0.0 || activity > 10.0) {
    return ru_error_set(err, RU_ERANGE, "enzyme activity %g for %s is outside [0, 10]", activity,
                        enzyme);
  }
  for (size_t i = 0; i < s->nact; i++) {
    if (strcasecmp(s->act[i].enzyme, enzyme) == 0) {
      s->act[i].activity = activity;
      s->prepared = 0;
      return RU_OK;
    }
  }
  if (s->nact >= RUI_SIM_MAX_ENZYMES) {
    return ru_error_set(err, RU_ELIMIT, "more than %d enzyme phenotypes (limit "
                        "RUI_SIM_MAX_ENZYMES)", RUI_SIM_MAX_ENZYMES);
  }
  rui_strlcpy(s->act[s->nact].enzyme, enzyme, sizeof s->act[s->nact].enzyme);
  for (char *q = s->act[s->nact].enzyme; *q; q++) *q = (char)toupper((unsigned char)*q);
  s->act[s->nact].activity = activity;
  s->nact++;
  s->prepared = 0;
  return RU_OK;
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
                        "--set '%s': unknown key '%s' (model, f, ka_per_h, tlag_h, cl_f_l_per_h, "
                        "v_f_l, q_f_l_per_h, vp_f_l, q2_f_l_per_h, vp2_f_l, fu, half_life_h, "
                        "fm.ENZYME, km_um.ENZYME)", spec, key);
  }
  double v = 0.0;
  /* model structure by name as DESIGN.md writes it (1cmt|2cmt|3cmt), or the bare number */
  if (strcmp(key, "model") == 0 && (strcmp(eq + 1, "1cmt") == 0 || strcmp(eq + 1, "2cmt") == 0 ||
                                    strcmp(eq + 1, "3cmt") == 0)) {
    v = (double)(eq[1] - '0');
  } else if (ru_units_parse_double(eq + 1, &v) != RU_OK) {
    return ru_error_set(err, RU_EPARSE, "--set '%s': '%s' is not a number%s", spec, eq + 1,
                        strcmp(key, "model") == 0 ? " (model: 1cmt, 2cmt or 3cmt)" : "");
  }
  char canon[RU_NAME_MAX];
  ru_status st = ru_kb_resolve(s->kb, compound, canon, err);
  if (st != RU_OK) {
    return st;
  }
  int bad = 0;
  if (strcmp(key, "model") == 0) {
    bad = !(v == 1.0 || v == 2.0 || v == 3.0);
  } else if (strcmp(key, "fu") == 0 || strcmp(key, "f") == 0 || strncmp(key, "fm.", 3) == 0) {
    bad = !(v >= 0.0 && v <= 1.0);
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
    s->prepared = 0;
  }
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

static double activity_of(const ru_sim *s, const char *enzyme) {
  for (size_t i = 0; i < s->nact; i++) {
    if (strcasecmp(s->act[i].enzyme, enzyme) == 0) {
      return s->act[i].activity;
    }
  }
  return 1.0;
}

static ru_status apply_overrides(ru_sim *s, sim_compound *c, ru_error *err) {
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

static long enzyme_index(ru_sim *s, const char *enzyme, int create) {
  for (size_t k = 0; k < s->nenz; k++) {
    if (strcasecmp(s->enz[k].name, enzyme) == 0) return (long)k;
  }
  if (!create || s->nenz >= RUI_SIM_MAX_ENZYMES) return -1;
  memset(&s->enz[s->nenz], 0, sizeof s->enz[s->nenz]);
  rui_strlcpy(s->enz[s->nenz].name, enzyme, sizeof s->enz[s->nenz].name);
  for (char *q = s->enz[s->nenz].name; *q; q++) *q = (char)toupper((unsigned char)*q);
  s->enz[s->nenz].state = -1;
  return (long)s->nenz++;
}

/* Appends a "not modelled" note (grown as needed). */
static ru_status add_skipped(ru_sim *s, ru_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ru_status add_skipped(ru_sim *s, ru_error *err, const char *fmt, ...) {
  if (s->nskipped == s->capskipped) {
    const size_t cap = s->capskipped ? s->capskipped * 2 : 8;
    char(*ns)[160] = rui_realloc(s->skipped, cap * sizeof *ns);
    if (ns == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
    s->skipped = ns;
    s->capskipped = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->skipped[s->nskipped++], sizeof s->skipped[0], fmt, ap);
  va_end(ap);
  return RU_OK;
}

/* The inhibitions compound i exerts on enzymes that clear a compound present. */
static ru_status collect_inhibitions(ru_sim *s, size_t i, ru_error *err) {
  size_t nl = 0;
  ru_status st = ru_kb_inhibitions(s->kb, s->c[i].name, NULL, 0, &nl, err);
  if (st != RU_OK || nl == 0) return st;
  ru_inhibition *list = rui_calloc(nl, sizeof *list);
  if (list == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  size_t got = 0;
  st = ru_kb_inhibitions(s->kb, s->c[i].name, list, nl, &got, err);
  if (got < nl) nl = got;
  for (size_t k = 0; k < nl && st == RU_OK; k++) {
    const long e = enzyme_index(s, list[k].enzyme, 0);
    if (e < 0) continue; /* no compound present is cleared by that enzyme */
    /* an enzyme with zero activity in every victim (PM) has nothing left to inhibit, but its
     * state is still tracked: it costs little and keeps reports uniform */
    if (!isfinite(s->c[i].fu) || !isfinite(s->c[i].mw)) {
      /* reported, not invented: the inhibition cannot be driven without the unbound level */
      st = add_skipped(s, err,
                       "%.40s inhibition of %.16s NOT modelled: its %s is missing from the "
                       "knowledge base", s->c[i].name, list[k].enzyme,
                       isfinite(s->c[i].fu) ? "molecular weight" : "fu");
      continue;
    }
    if (list[k].kind == RU_INHIB_COMPETITIVE) {
      if (!(list[k].ki_um.value > 0.0)) continue;
    } else {
      if (!(list[k].ki_inact_um.value > 0.0) || !(list[k].kinact_per_h.value > 0.0)) continue;
      if (s->enz[e].state < 0) {
        ru_value kdeg;
        st = ru_kb_enzyme_kdeg(s->kb, s->enz[e].name, &kdeg, err);
        if (st != RU_OK) break;
        if (!(kdeg.value > 0.0)) {
          st = ru_error_set(err, RU_EMISSING,
                            "%s: enzyme turnover kdeg missing (needed for mechanism-based "
                            "inhibition by %s)", s->enz[e].name, s->c[i].name);
          break;
        }
        s->enz[e].kdeg_per_h = kdeg.value;
        s->enz[e].state = 0; /* index assigned below */
      }
    }
    if (s->ninh == s->capinh) {
      const size_t cap = s->capinh ? s->capinh * 2 : 8;
      sim_inhib *nh = rui_realloc(s->inh, cap * sizeof *nh);
      if (nh == NULL) {
        st = ru_error_set(err, RU_ENOMEM, "out of memory");
        break;
      }
      s->inh = nh;
      s->capinh = cap;
    }
    sim_inhib *h = &s->inh[s->ninh++];
    h->perpetrator = i;
    h->enzyme = (size_t)e;
    h->kind = list[k].kind;
    h->k = list[k];
  }
  rui_free(list);
  return st;
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
  s->nenz = 0;
  s->ninh = 0;
  s->nskipped = 0;
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
    /* enzyme shares */
    c->fm_other = 1.0;
    c->n_path = 0;
    c->saturable = 0;
    for (size_t k = 0; k < c->p.n_fm; k++) {
      const double fm = c->p.fm[k].fm.value;
      if (!isfinite(fm) || fm <= 0.0) continue;
      const long e = enzyme_index(s, c->p.fm[k].enzyme, 1);
      if (e < 0) {
        return ru_error_set(err, RU_ELIMIT, "more than %d elimination pathways in one simulation "
                            "(limit RUI_SIM_MAX_ENZYMES)", RUI_SIM_MAX_ENZYMES);
      }
      c->path[c->n_path].enzyme = (size_t)e;
      c->path[c->n_path].fm = fm;
      c->path[c->n_path].activity = activity_of(s, c->p.fm[k].enzyme);
      c->path[c->n_path].km_um = nan("");
      for (size_t q = 0; q < c->p.n_km; q++) {
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
          if (strcasecmp(s->enz[c->path[p].enzyme].name, f->enzyme) == 0) path = (long)p;
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
  /* inhibition between compounds present */
  for (size_t i = 0; i < s->nc && s->inhibition_enabled; i++) {
    ru_status st = collect_inhibitions(s, i, err);
    if (st != RU_OK) return st;
  }
  size_t ns = s->ncmt;
  for (size_t e = 0; e < s->nenz; e++) {
    if (s->enz[e].state >= 0) s->enz[e].state = (long)ns++;
  }
  int saturable = 0;
  for (size_t i = 0; i < s->nc; i++) saturable |= s->c[i].saturable;
  s->nonlinear = s->ninh > 0 || s->force_ode || saturable;
  if (s->nonlinear && s->inlet_driver) {
    /* hepatic inlet concentrations drive inhibition and saturable elimination alike */
    ru_value qh;
    ru_error e2;
    s->qh_l_per_h = (ru_kb_param(s->kb, "ddi", "hepatic_blood_flow_l_per_h", &qh, &e2) == RU_OK &&
                     qh.value > 0.0) ? qh.value : nan("");
  }
  /* ODE state: compartments, MBI enzyme states, then one AUC accumulator per compound */
  s->nstate = ns + s->nc;
  if (s->nstate > RUI_SIM_MAX_STATE) {
    return ru_error_set(err, RU_ERANGE, "model too large (%zu states)", s->nstate);
  }
  s->prepared = 1;
  return RU_OK;
}

/* --- derivative ---------------------------------------------------------------------------------- */

/* Unbound concentration of compound c in uM from its central amount (mg). */
static double unbound_um(const sim_compound *c, double amount_mg) {
  /* mg/L = ug/mL; uM = (mg/L) / (g/mol) * 1000 */
  return amount_mg / c->p.v_f_l.value / c->mw * 1000.0 * c->fu;
}

/* The inhibitor concentration that drives hepatic CYP inhibition. By default the unbound hepatic
 * inlet concentration: systemic plus the portal contribution of drug being absorbed,
 * Iin = C + ka * A_depot * Fa*Fg / Qh, with Fa*Fg = 1 and a blood:plasma ratio of 1 (the
 * conservative defaults of the FDA 2020 in vitro DDI guidance; Ito et al. 1998 Annu Rev
 * Pharmacol Toxicol 38:461). Metabolites and IV doses have no portal term. */
static double driver_um(const ru_sim *s, const sim_compound *p, const double *y) {
  double amount = y[p->central];
  if (s->inlet_driver && p->depot >= 0 && isfinite(s->qh_l_per_h)) {
    /* a portal concentration (mg/L) is converted to a central-amount equivalent (mg) */
    amount += p->p.ka_per_h.value * y[p->depot] / s->qh_l_per_h * p->p.v_f_l.value;
  }
  return fmax(0.0, unbound_um(p, amount));
}

/* Inhibition multiplier g_e for each enzyme from the state y (compartments + enzyme states). */
void rui_sim_enzyme_multipliers(const ru_sim *s, const double *y, double *g) {
  double comp[RUI_SIM_MAX_ENZYMES];
  for (size_t e = 0; e < s->nenz; e++) {
    comp[e] = 1.0;
  }
  for (size_t k = 0; k < s->ninh; k++) {
    const sim_inhib *h = &s->inh[k];
    if (h->kind != RU_INHIB_COMPETITIVE) continue;
    const double iu = driver_um(s, &s->c[h->perpetrator], y);
    comp[h->enzyme] += iu / h->k.ki_um.value;
  }
  for (size_t e = 0; e < s->nenz; e++) {
    const double active = s->enz[e].state >= 0 ? fmax(0.0, y[s->enz[e].state]) : 1.0;
    g[e] = active / comp[e];
  }
}

/* Compartment derivatives for amounts y given enzyme multipliers g (all 1 = no inhibition). */
void rui_sim_deriv(const ru_sim *s, const double *g, const double *y, double *dy) {
  for (size_t j = 0; j < s->ncmt; j++) {
    dy[j] = 0.0;
  }
  rui_products_deriv(s->products, s, y, dy); /* product release compartments */
  for (size_t i = 0; i < s->nc; i++) {
    const sim_compound *c = &s->c[i];
    const double v = c->p.v_f_l.value;
    const double cl = c->p.cl_f_l_per_h.value;
    const double ac = y[c->central];
    if (c->depot >= 0) {
      const double absorbed = c->p.ka_per_h.value * y[c->depot];
      dy[c->depot] -= absorbed;
      dy[c->central] += absorbed;
    }
    if (c->periph1 >= 0) {
      const double q = c->p.q_f_l_per_h.value, vp = c->p.vp_f_l.value;
      const double flow = q * (ac / v - y[c->periph1] / vp);
      dy[c->central] -= flow;
      dy[c->periph1] += flow;
    }
    if (c->periph2 >= 0) {
      const double q = c->p.q2_f_l_per_h.value, vp = c->p.vp2_f_l.value;
      const double flow = q * (ac / v - y[c->periph2] / vp);
      dy[c->central] -= flow;
      dy[c->periph2] += flow;
    }
    /* elimination by pathway */
    double path_rate[RU_MAX_FM];
    double total = cl * c->fm_other * ac / v;
    /* saturable pathways: Michaelis-Menten, CL_e / (1 + Cu/Km), with CL/F the low-concentration
     * limit and Cu the unbound concentration at the enzyme (the inhibitors' driver) */
    const double cu = c->saturable ? driver_um(s, c, y) : 0.0;
    for (size_t p = 0; p < c->n_path; p++) {
      const double sat = isfinite(c->path[p].km_um) ? 1.0 / (1.0 + cu / c->path[p].km_um) : 1.0;
      path_rate[p] = cl * c->path[p].fm * c->path[p].activity * g[c->path[p].enzyme] * sat * ac / v;
      total += path_rate[p];
    }
    dy[c->central] -= total;
    for (size_t f = 0; f < c->n_form; f++) {
      const double base = c->form[f].path < 0 ? total : path_rate[c->form[f].path];
      dy[s->c[c->form[f].metabolite].central] += c->form[f].fraction * base * c->form[f].mass_ratio;
    }
  }
}

/* Full ODE right-hand side: compartments, enzyme turnover, AUC accumulators. */
static int sim_rhs(double t, const double *y, double *dy, void *user) {
  (void)t;
  const ru_sim *s = user;
  double g[RUI_SIM_MAX_ENZYMES];
  rui_sim_enzyme_multipliers(s, y, g);
  rui_sim_deriv(s, g, y, dy);
  for (size_t e = 0; e < s->nenz; e++) {
    const long st = s->enz[e].state;
    if (st < 0) continue;
    double inact = 0.0;
    for (size_t k = 0; k < s->ninh; k++) {
      const sim_inhib *h = &s->inh[k];
      if (h->enzyme != e || h->kind != RU_INHIB_MECHANISM_BASED) continue;
      const double iu = driver_um(s, &s->c[h->perpetrator], y);
      inact += h->k.kinact_per_h.value * iu / (h->k.ki_inact_um.value + iu);
    }
    dy[st] = s->enz[e].kdeg_per_h * (1.0 - y[st]) - inact * y[st];
  }
  const size_t auc0 = s->nstate - s->nc;
  for (size_t i = 0; i < s->nc; i++) {
    /* concentration in ng/mL: mg/L * 1000 */
    dy[auc0 + i] = y[s->c[i].central] / s->c[i].p.v_f_l.value * 1000.0;
  }
  return 0;
}

void rui_sim_linear_matrix(const ru_sim *s, rui_lin_system *sys) {
  double g[RUI_SIM_MAX_ENZYMES];
  for (size_t e = 0; e < RUI_SIM_MAX_ENZYMES; e++) g[e] = 1.0;
  const size_t n = s->ncmt;
  sys->n = n;
  double y[RUI_LIN_MAX], dy[RUI_LIN_MAX];
  for (size_t j = 0; j < n; j++) {
    memset(y, 0, sizeof y);
    y[j] = 1.0;
    rui_sim_deriv(s, g, y, dy);
    for (size_t i = 0; i < n; i++) sys->a[i * n + j] = dy[i];
  }
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
size_t ru_sim_enzyme_count(const ru_sim *s) { return s ? s->nenz : 0; }
const char *ru_sim_enzyme_name(const ru_sim *s, size_t k) {
  return (s && k < s->nenz) ? s->enz[k].name : NULL;
}

const char *ru_sim_mechanisms(ru_sim *s) {
  if (s == NULL) return "";
  if (ru_sim_prepare(s, NULL) != RU_OK) return "";
  size_t cap = 256 + (s->ninh + s->nskipped) * 256;
  char *buf = rui_malloc(cap);
  if (buf == NULL) return "";
  size_t len = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < s->ninh; k++) {
    const sim_inhib *h = &s->inh[k];
    int w;
    if (h->kind == RU_INHIB_COMPETITIVE) {
      w = snprintf(buf + len, cap - len, "%s inhibits %s competitively (Ki %g uM unbound; source %s)\n",
                   s->c[h->perpetrator].name, s->enz[h->enzyme].name, h->k.ki_um.value,
                   h->k.ki_um.source);
    } else {
      w = snprintf(buf + len, cap - len,
                   "%s inactivates %s (mechanism-based: KI %g uM, kinact %g/h; source %s; "
                   "enzyme turnover kdeg %g/h)\n",
                   s->c[h->perpetrator].name, s->enz[h->enzyme].name, h->k.ki_inact_um.value,
                   h->k.kinact_per_h.value, h->k.ki_inact_um.source,
                   s->enz[h->enzyme].kdeg_per_h);
    }
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  for (size_t k = 0; k < s->nskipped; k++) {
    const int w = snprintf(buf + len, cap - len, "%s\n", s->skipped[k]);
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  if (s->ninh > 0 && len < cap) {
    const int w = snprintf(buf + len, cap - len, "inhibitors act at their %s\n",
                           (s->inlet_driver && isfinite(s->qh_l_per_h))
                               ? "unbound hepatic inlet concentration (systemic + portal, FDA 2020)"
                               : "unbound systemic plasma concentration");
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
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
    if (!(c->p.f.value > 0.0)) {
      return ru_error_set(err, RU_EMISSING,
                          "%s: bioavailability F is missing, needed to give an IV dose with "
                          "apparent (CL/F, V/F) parameters", c->name);
    }
    x->cmt = (size_t)c->central;
    unit = 1.0 / c->p.f.value;
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
  rui_timeline tl;
  ru_status st = rui_sim_timeline(s, times_h[nt - 1], &tl, err);
  if (st != RU_OK) return st;
  double y0[RUI_SIM_MAX_STATE];
  memset(y0, 0, sizeof y0);
  unsigned char mask[RUI_SIM_MAX_STATE];
  memset(mask, 0, sizeof mask);
  for (size_t j = 0; j < s->ncmt; j++) mask[j] = 1;
  for (size_t e = 0; e < s->nenz; e++) {
    if (s->enz[e].state >= 0) y0[s->enz[e].state] = 1.0; /* fully active enzyme at start */
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
  sso.superposition = s->ninh == 0 && !any_saturable(s);
  rui_ode_work *w = NULL;
  st = rui_ode_work_new(s->nstate, &opt, &w, err);
  if (st == RU_OK) {
    state_out o = {states, s->nstate, s->cancel};
    st = rui_ode_walk(w, sim_rhs, s, y0, &tl, &sso, times_h, nt, state_emit, &o, err);
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
      const double v = s->c[i].p.v_f_l.value;
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
    for (size_t e = 0; e < s->nenz; e++)
      for (size_t j = 0; j < nt; j++) activity[e * nt + j] = 1.0;
    return RU_OK;
  }
  double *x = rui_malloc(nt * s->nstate * sizeof *x);
  if (x == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  st = rui_sim_ode_states(s, times_h, nt, x, err);
  if (st == RU_OK) {
    for (size_t j = 0; j < nt; j++) {
      double g[RUI_SIM_MAX_ENZYMES];
      rui_sim_enzyme_multipliers(s, x + j * s->nstate, g);
      for (size_t e = 0; e < s->nenz; e++) activity[e * nt + j] = g[e];
    }
  }
  rui_free(x);
  return st;
}
