/* The enzyme room (src/ddi/enzymes.h): enzymes by site, phenotypes, inhibitions and turnover.
 * pk owns compartments and concentrations; this file owns what acts on the enzymes. */
#include "ddi/enzymes.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"

static const char *const SITE_NAMES[] = {"liver", "intestine"};

void rui_enz_init(rui_enzymes *z) { memset(z, 0, sizeof *z); }

void rui_enz_free(rui_enzymes *z) {
  if (z == NULL) {
    return;
  }
  rui_free(z->e);
  rui_free(z->inh);
  rui_free(z->pheno);
  rui_free(z->note);
  rui_free(z->track);
  memset(z, 0, sizeof *z);
}

void rui_enz_reset(rui_enzymes *z) {
  z->n = 0;
  z->ninh = 0;
  z->nnote = 0;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) {
    return 1;
  }
  size_t c = *cap ? *cap * 2 : 8;
  while (c < need) c *= 2;
  void *p = rui_realloc(*arr, c * size);
  if (p == NULL) {
    return 0;
  }
  *arr = p;
  *cap = c;
  return 1;
}

static void upper(char *s) {
  for (; *s; s++) *s = (char)toupper((unsigned char)*s);
}

ru_status rui_enz_set_activity(rui_enzymes *z, const char *gene, double activity, ru_error *err) {
  if (!isfinite(activity) || activity < 0.0 || activity > 10.0) {
    return ru_error_set(err, RU_ERANGE, "enzyme activity %g for %s is outside [0, 10]", activity,
                        gene);
  }
  for (size_t i = 0; i < z->npheno; i++) {
    if (strcasecmp(z->pheno[i].gene, gene) == 0) {
      z->pheno[i].activity = activity;
      return RU_OK;
    }
  }
  if (z->npheno >= RUI_ENZ_MAX) {
    return ru_error_set(err, RU_ELIMIT, "more than %d enzyme phenotypes (limit RUI_ENZ_MAX)",
                        RUI_ENZ_MAX);
  }
  if (!grow((void **)&z->pheno, &z->cappheno, z->npheno + 1, sizeof *z->pheno)) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  rui_strlcpy(z->pheno[z->npheno].gene, gene, sizeof z->pheno[z->npheno].gene);
  upper(z->pheno[z->npheno].gene);
  z->pheno[z->npheno].activity = activity;
  z->npheno++;
  return RU_OK;
}

double rui_enz_activity_of(const rui_enzymes *z, const char *name) {
  for (size_t i = 0; i < z->npheno; i++) {
    if (strcasecmp(z->pheno[i].gene, name) == 0) {
      return z->pheno[i].activity;
    }
  }
  return 1.0;
}

ru_status rui_enz_index(rui_enzymes *z, const char *name, rui_site site, int create, long *index,
                        ru_error *err) {
  *index = -1;
  for (size_t k = 0; k < z->n; k++) {
    if (z->e[k].site == site && strcasecmp(z->e[k].name, name) == 0) {
      *index = (long)k;
      return RU_OK;
    }
  }
  if (!create) {
    return RU_OK;
  }
  if (z->n >= RUI_ENZ_MAX) {
    return ru_error_set(err, RU_ELIMIT, "more than %d enzymes by site in one simulation (limit "
                        "RUI_ENZ_MAX)", RUI_ENZ_MAX);
  }
  if (!grow((void **)&z->e, &z->cap, z->n + 1, sizeof *z->e)) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  rui_enzyme *e = &z->e[z->n];
  memset(e, 0, sizeof *e);
  rui_strlcpy(e->name, name, sizeof e->name);
  upper(e->name);
  e->site = site;
  e->activity = rui_enz_activity_of(z, e->name);
  e->state = -1;
  *index = (long)z->n++;
  return RU_OK;
}

ru_status rui_enz_track(rui_enzymes *z, const char *name, ru_error *err) {
  if (name == NULL || name[0] == '\0' || strlen(name) >= RU_NAME_MAX) {
    return ru_error_set(err, RU_EINVAL, "enzyme name missing or longer than %d characters",
                        RU_NAME_MAX - 1);
  }
  for (size_t i = 0; i < z->ntrack; i++) {
    if (strcasecmp(z->track[i], name) == 0) return RU_OK;
  }
  if (z->ntrack >= RUI_ENZ_MAX) {
    return ru_error_set(err, RU_ELIMIT, "more than %d tracked enzymes (limit RUI_ENZ_MAX)",
                        RUI_ENZ_MAX);
  }
  if (!grow((void **)&z->track, &z->captrack, z->ntrack + 1, sizeof *z->track)) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  rui_strlcpy(z->track[z->ntrack], name, sizeof z->track[0]);
  upper(z->track[z->ntrack++]);
  return RU_OK;
}

ru_status rui_enz_add_tracked(rui_enzymes *z, ru_error *err) {
  for (size_t i = 0; i < z->ntrack; i++) {
    long k;
    ru_status st = rui_enz_index(z, z->track[i], RUI_SITE_LIVER, 1, &k, err);
    if (st != RU_OK) return st;
  }
  return RU_OK;
}

static ru_status add_note(rui_enzymes *z, ru_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ru_status add_note(rui_enzymes *z, ru_error *err, const char *fmt, ...) {
  if (!grow((void **)&z->note, &z->capnote, z->nnote + 1, sizeof *z->note)) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(z->note[z->nnote++], sizeof z->note[0], fmt, ap);
  va_end(ap);
  return RU_OK;
}

ru_status rui_enz_collect(rui_enzymes *z, const ru_kb *kb, size_t perpetrator, const char *name,
                          int has_unbound, const char *why_not, ru_error *err) {
  size_t nl = 0;
  ru_status st = ru_kb_inhibitions(kb, name, NULL, 0, &nl, err);
  if (st != RU_OK || nl == 0) {
    return st;
  }
  ru_inhibition *list = rui_calloc(nl, sizeof *list);
  if (list == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  size_t got = 0;
  st = ru_kb_inhibitions(kb, name, list, nl, &got, err);
  if (got < nl) nl = got;
  for (size_t k = 0; k < nl && st == RU_OK; k++) {
    const ru_inhibition *in = &list[k];
    const int valid = in->kind == RU_INHIB_COMPETITIVE
                          ? in->ki_um.value > 0.0
                          : in->ki_inact_um.value > 0.0 && in->kinact_per_h.value > 0.0;
    if (!valid) {
      continue;
    }
    for (size_t e = 0; e < z->n && st == RU_OK; e++) {
      rui_enzyme *en = &z->e[e];
      if (strcasecmp(en->name, in->enzyme) != 0) {
        continue;
      }
      if (!has_unbound) {
        /* reported, not invented: the inhibition cannot be driven without the unbound level */
        st = add_note(z, err, "%.40s inhibition of %.16s NOT modelled: its %s is missing from the "
                      "knowledge base", name, in->enzyme, why_not);
        break;
      }
      if (in->kind == RU_INHIB_MECHANISM_BASED && en->state < 0) {
        ru_value kdeg;
        st = ru_kb_enzyme_kdeg_at(kb, en->name, SITE_NAMES[en->site], &kdeg, err);
        if (st != RU_OK) {
          break;
        }
        if (!(kdeg.value > 0.0)) {
          if (en->site == RUI_SITE_LIVER) {
            st = ru_error_set(err, RU_EMISSING,
                              "%s: enzyme turnover kdeg missing (needed for mechanism-based "
                              "inhibition by %s)", en->name, name);
            break;
          }
          st = add_note(z, err, "%.40s inactivation of intestinal %.16s NOT modelled: the "
                        "intestinal turnover is missing from the knowledge base", name, en->name);
          continue;
        }
        en->kdeg_per_h = kdeg.value;
        en->state = 0; /* tracked; the index comes from rui_enz_assign_states */
      }
      if (!grow((void **)&z->inh, &z->capinh, z->ninh + 1, sizeof *z->inh)) {
        st = ru_error_set(err, RU_ENOMEM, "out of memory");
        break;
      }
      z->inh[z->ninh++] = (rui_enz_inhibition){perpetrator, e, *in};
    }
  }
  rui_free(list);
  return st;
}

void rui_enz_assign_states(rui_enzymes *z, size_t *next) {
  for (size_t e = 0; e < z->n; e++) {
    if (z->e[e].state >= 0) {
      z->e[e].state = (long)(*next)++;
    }
  }
}

static double site_conc(const rui_enzymes *z, const rui_enz_inhibition *h, const double *iu_liver,
                        const double *iu_gut) {
  const double v = z->e[h->enzyme].site == RUI_SITE_GUT ? iu_gut[h->perpetrator]
                                                        : iu_liver[h->perpetrator];
  return isfinite(v) && v > 0.0 ? v : 0.0;
}

void rui_enz_activities(const rui_enzymes *z, const double *iu_liver, const double *iu_gut,
                        const double *y, double *g) {
  double comp[RUI_ENZ_MAX];
  for (size_t e = 0; e < z->n; e++) {
    comp[e] = 1.0;
  }
  for (size_t k = 0; k < z->ninh; k++) {
    const rui_enz_inhibition *h = &z->inh[k];
    if (h->k.kind != RU_INHIB_COMPETITIVE) continue;
    comp[h->enzyme] += site_conc(z, h, iu_liver, iu_gut) / h->k.ki_um.value;
  }
  for (size_t e = 0; e < z->n; e++) {
    const double active = z->e[e].state >= 0 ? fmax(0.0, y[z->e[e].state]) : 1.0;
    g[e] = z->e[e].activity * active / comp[e];
  }
}

double rui_enz_activity_excluding(const rui_enzymes *z, size_t k, size_t i, const double *iu_liver,
                                  const double *iu_gut, const double *y) {
  double comp = 1.0;
  for (size_t q = 0; q < z->ninh; q++) {
    const rui_enz_inhibition *h = &z->inh[q];
    if (h->enzyme != k || h->k.kind != RU_INHIB_COMPETITIVE || h->perpetrator == i) continue;
    comp += site_conc(z, h, iu_liver, iu_gut) / h->k.ki_um.value;
  }
  const double active = z->e[k].state >= 0 ? fmax(0.0, y[z->e[k].state]) : 1.0;
  return z->e[k].activity * active / comp;
}

void rui_enz_turnover(const rui_enzymes *z, const double *iu_liver, const double *iu_gut,
                      const double *y, double *dy) {
  for (size_t e = 0; e < z->n; e++) {
    const long st = z->e[e].state;
    if (st < 0) continue;
    double inact = 0.0;
    for (size_t k = 0; k < z->ninh; k++) {
      const rui_enz_inhibition *h = &z->inh[k];
      if (h->enzyme != e || h->k.kind != RU_INHIB_MECHANISM_BASED) continue;
      const double iu = site_conc(z, h, iu_liver, iu_gut);
      inact += h->k.kinact_per_h.value * iu / (h->k.ki_inact_um.value + iu);
    }
    dy[st] = z->e[e].kdeg_per_h * (1.0 - y[st]) - inact * y[st];
  }
}

int rui_enz_any_inhibition(const rui_enzymes *z) { return z->ninh > 0; }

size_t rui_enz_describe(const rui_enzymes *z, const char *const *names, char *buf, size_t cap) {
  size_t len = 0;
  if (cap == 0) {
    return 0;
  }
  buf[0] = '\0';
  for (size_t k = 0; k < z->ninh; k++) {
    const rui_enz_inhibition *h = &z->inh[k];
    const rui_enzyme *e = &z->e[h->enzyme];
    const char *where = e->site == RUI_SITE_GUT ? " (intestine)" : "";
    int w;
    if (h->k.kind == RU_INHIB_COMPETITIVE) {
      w = snprintf(buf + len, cap - len,
                   "%s inhibits %s%s competitively (Ki %g uM unbound; source %s)\n",
                   names[h->perpetrator], e->name, where, h->k.ki_um.value, h->k.ki_um.source);
    } else {
      w = snprintf(buf + len, cap - len,
                   "%s inactivates %s%s (mechanism-based: KI %g uM, kinact %g/h; source %s; "
                   "enzyme turnover kdeg %g/h)\n",
                   names[h->perpetrator], e->name, where, h->k.ki_inact_um.value,
                   h->k.kinact_per_h.value, h->k.ki_inact_um.source, e->kdeg_per_h);
    }
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  for (size_t k = 0; k < z->nnote; k++) {
    const int w = snprintf(buf + len, cap - len, "%s\n", z->note[k]);
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  return len;
}
