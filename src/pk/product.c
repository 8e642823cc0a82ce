/* The products of one subject: product dose records tagged to their (product, component), the
 * extra release compartments, and the expansion of a tagged record into its release plan
 * (product.h). The release maths is release.c; this file only wires it into the subject. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/model_impl.h"
#include "pk/product.h"
#include "pk/release.h"

typedef struct prod_entry {
  ru_product prod;
  rui_release_plan plan;
} prod_entry;

typedef struct prod_tag {
  size_t event;      /* index into the subject's event list */
  size_t product;    /* index into ps->p */
  size_t component;  /* index into the product's components */
} prod_tag;

typedef struct prod_aux {
  size_t product, component;
  size_t state;      /* state index of the extra compartment */
  long compound;     /* subject compound index */
} prod_aux;

struct rui_products {
  prod_entry *p;
  size_t np, capp;
  prod_tag *tag;
  size_t ntag, captag;
  prod_aux *aux;
  size_t naux, capaux;
};

void rui_products_free(rui_products *ps) {
  if (ps == NULL) {
    return;
  }
  rui_free(ps->p);
  rui_free(ps->tag);
  rui_free(ps->aux);
  rui_free(ps);
}

static int grow(void **arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) {
    return 1;
  }
  size_t c = *cap ? *cap * 2 : 4;
  while (c < need) c *= 2;
  void *n = rui_realloc(*arr, c * size);
  if (n == NULL) {
    return 0;
  }
  *arr = n;
  *cap = c;
  return 1;
}

/* Index of product name in ps, loading it from the knowledge base the first time. */
static ru_status product_index(rui_products *ps, const ru_kb *kb, const char *name, size_t *idx,
                               ru_error *err) {
  for (size_t i = 0; i < ps->np; i++) {
    if (strcmp(ps->p[i].prod.name, name) == 0) {
      *idx = i;
      return RU_OK;
    }
  }
  if (!grow((void **)&ps->p, &ps->capp, ps->np + 1, sizeof *ps->p)) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  prod_entry *e = &ps->p[ps->np];
  memset(e, 0, sizeof *e);
  ru_status st = ru_kb_product(kb, name, &e->prod, err);
  if (st != RU_OK) {
    return st;
  }
  if (e->prod.incomplete[0] != '\0') {
    return ru_error_set(err, RU_EMISSING, "product %s is incomplete: %s", e->prod.name, e->prod.incomplete);
  }
  for (size_t c = 0; c < e->prod.n_components; c++) {
    if (!(e->prod.component[c].mg_per_label_mg.value > 0.0)) {
      return ru_error_set(err, RU_EMISSING, "product %s: the mg of %s per mg labelled is missing", e->prod.name,
                          e->prod.component[c].compound);
    }
  }
  ru_error e2;
  st = rui_release_plan_build(&e->prod.release, 0, &e->plan, &e2);
  if (st != RU_OK) {
    return ru_error_set(err, st, "product %s: %s", e->prod.name, e2.message);
  }
  *idx = ps->np++;
  return RU_OK;
}

ru_status rui_products_add(rui_products **ps, const ru_kb *kb, const ru_event *e, size_t first_index,
                           ru_event out[RU_PRODUCT_MAX_COMPONENTS], size_t *n, int *is_product,
                           ru_error *err) {
  *n = 0;
  *is_product = 0;
  char name[RU_NAME_MAX];
  if (!ru_kb_is_product(kb, e->compound, name)) {
    return RU_OK;
  }
  *is_product = 1;
  if (e->cmt == RU_CMT_CENTRAL || e->rate_mg_per_h != 0.0) {
    return ru_error_set(err, RU_EINVAL,
                        "%s is a product taken by mouth: give the compound for an IV dose or an infusion",
                        name);
  }
  if (*ps == NULL) {
    *ps = rui_calloc(1, sizeof **ps);
    if (*ps == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
  }
  rui_products *p = *ps;
  size_t pi = 0;
  ru_status st = product_index(p, kb, name, &pi, err);
  if (st != RU_OK) {
    return st;
  }
  const ru_product *prod = &p->p[pi].prod;
  if (!grow((void **)&p->tag, &p->captag, p->ntag + prod->n_components, sizeof *p->tag)) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  for (size_t c = 0; c < prod->n_components; c++) {
    char canon[RU_NAME_MAX];
    st = ru_kb_resolve(kb, prod->component[c].compound, canon, err);
    if (st != RU_OK) {
      return st;
    }
    out[c] = *e;
    rui_strlcpy(out[c].compound, canon, sizeof out[c].compound);
    out[c].cmt = RU_CMT_DEPOT;
  }
  /* tags last, so a failure above leaves none behind */
  for (size_t c = 0; c < prod->n_components; c++) {
    p->tag[p->ntag++] = (prod_tag){first_index + c, pi, c};
  }
  *n = prod->n_components;
  return RU_OK;
}

ru_status rui_products_prepare(rui_products *ps, const struct ru_sim *s, size_t *n, ru_error *err) {
  if (ps == NULL) {
    return RU_OK;
  }
  ps->naux = 0;
  for (size_t t = 0; t < ps->ntag; t++) {
    const prod_tag *g = &ps->tag[t];
    const prod_entry *e = &ps->p[g->product];
    if (!e->plan.aux) continue;
    int seen = 0;
    for (size_t a = 0; a < ps->naux; a++) {
      seen |= ps->aux[a].product == g->product && ps->aux[a].component == g->component;
    }
    if (seen) continue;
    if (!grow((void **)&ps->aux, &ps->capaux, ps->naux + 1, sizeof *ps->aux)) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    const long ci = ru_sim_compound_index(s, e->prod.component[g->component].compound);
    if (ci < 0) {
      return ru_error_set(err, RU_EINTERNAL, "product %s: compound %s is not in the subject", e->prod.name,
                          e->prod.component[g->component].compound);
    }
    ps->aux[ps->naux++] = (prod_aux){g->product, g->component, (*n)++, ci};
  }
  return RU_OK;
}

void rui_products_deriv(const rui_products *ps, const struct ru_sim *s, const double *y, double *dy) {
  if (ps == NULL) {
    return;
  }
  for (size_t a = 0; a < ps->naux; a++) {
    const prod_aux *x = &ps->aux[a];
    const rui_release_plan *p = &ps->p[x->product].plan;
    const sim_compound *c = &s->c[x->compound];
    const double flow = p->aux_k_per_h * y[x->state];
    dy[x->state] -= flow;
    if (!p->aux_to_central) {
      dy[c->depot] += flow;
    } /* else: absorbed (rui_products_absorbed), routed by the model like depot absorption */
  }
}

void rui_products_absorbed(const rui_products *ps, const struct ru_sim *s, const double *y,
                           double *absorbed) {
  (void)s;
  if (ps == NULL) {
    return;
  }
  for (size_t a = 0; a < ps->naux; a++) {
    const prod_aux *x = &ps->aux[a];
    const rui_release_plan *p = &ps->p[x->product].plan;
    if (p->aux_to_central) {
      absorbed[x->compound] += p->aux_k_per_h * y[x->state];
    }
  }
}

size_t rui_products_extra_records(const rui_products *ps, size_t nev) {
  (void)nev;
  if (ps == NULL) {
    return 0;
  }
  size_t extra = 0;
  for (size_t t = 0; t < ps->ntag; t++) {
    extra += ps->p[ps->tag[t].product].plan.n - 1;
  }
  return extra;
}

ru_status rui_products_doses(const rui_products *ps, const struct ru_sim *s, size_t event_index,
                             const rui_dose *base, rui_dose *out, size_t cap, size_t *n, int *tagged,
                             ru_error *err) {
  *n = 0;
  *tagged = 0;
  if (ps == NULL) {
    return RU_OK;
  }
  for (size_t t = 0; t < ps->ntag; t++) {
    const prod_tag *g = &ps->tag[t];
    if (g->event != event_index) continue;
    *tagged = 1;
    const prod_entry *e = &ps->p[g->product];
    const long ci = ru_sim_compound_index(s, e->prod.component[g->component].compound);
    size_t aux = 0;
    for (size_t a = 0; a < ps->naux; a++) {
      if (ps->aux[a].product == g->product && ps->aux[a].component == g->component) aux = ps->aux[a].state;
    }
    if (ci < 0 || s->c[ci].depot < 0 || (e->plan.aux && aux == 0)) {
      return ru_error_set(err, RU_EINTERNAL, "product %s: compartments not prepared", e->prod.name);
    }
    /* base->lag_h is the depot lag of this record (the record's ALAG, else the compound's own);
     * the release plan adds it to the pieces that enter the depot, not to the aux pieces */
    rui_dose d = *base;
    d.lag_h = 0.0;
    return rui_release_expand(&e->plan, &d, e->prod.component[g->component].mg_per_label_mg.value,
                              (size_t)s->c[ci].depot, aux, base->lag_h, out, cap, n, err);
  }
  return RU_OK;
}

size_t rui_products_count(const rui_products *ps) { return ps ? ps->np : 0; }

const ru_product *rui_products_get(const rui_products *ps, size_t i) {
  return (ps != NULL && i < ps->np) ? &ps->p[i].prod : NULL;
}
