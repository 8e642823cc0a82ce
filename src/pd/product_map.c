/* A product at its label dose, at steady state (pd.h, ru_pd_product_map_at): the mean occupancy
 * of each target over the dosing interval, the NET/SERT ratio, the compounds whose occupancy
 * used the default Kp,uu,brain, and the CYP enzymes it inhibits as a perpetrator at that dose.
 * `reuptake map` puts every product side by side with it.
 *
 * "Inhibits" is the basic static screen (ru_ddi_static_screen, FDA 2020 guidance: R1 >= 1.02
 * reversible, R2 >= 1.25 time-dependent) at the unbound steady-state Cmax of the perpetrator and
 * of each of its metabolites. Products that cannot be mapped (incomplete, no sourced dose, a
 * compound value missing) say why, never guessed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/ddi.h"
#include "reuptake/pd.h"
#include "reuptake/regimen.h"

void ru_pd_product_map_free(ru_pd_product_map *m) {
  if (m == NULL) return;
  rui_free(m->mean);
  rui_free(m->inhibited);
  rui_free(m->kpuu_default);
  m->mean = NULL;
  m->inhibited = NULL;
  m->kpuu_default = NULL;
  m->ntargets = m->ninhibited = m->nkpuu_default = 0;
}

static const char *dose_word(ru_label_dose which) {
  return which == RU_LABEL_DOSE_LOW ? "low" : which == RU_LABEL_DOSE_HIGH ? "high" : "usual";
}

/* Index of target among targets[n] (n when absent). */
static size_t target_index(const char *const *targets, size_t n, const char *target) {
  size_t k = 0;
  while (k < n && strcmp(targets[k], target) != 0) k++;
  return k;
}

/* Adds enzyme once (the first finding is kept). */
static ru_status add_inhibited(ru_pd_product_map *m, const ru_ddi_static *row, ru_error *err) {
  for (size_t i = 0; i < m->ninhibited; i++) {
    if (strcmp(m->inhibited[i].enzyme, row->enzyme) == 0) return RU_OK;
  }
  ru_pd_inhibited *grown = rui_realloc(m->inhibited, (m->ninhibited + 1) * sizeof *grown);
  if (grown == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  m->inhibited = grown;
  rui_strlcpy(grown[m->ninhibited].enzyme, row->enzyme, sizeof grown[0].enzyme);
  grown[m->ninhibited++].time_dependent = row->time_dependent;
  return RU_OK;
}

/* Adds compound once to the compounds that used the default Kp,uu,brain. */
static ru_status add_kpuu_default(ru_pd_product_map *m, const char *compound, ru_error *err) {
  for (size_t i = 0; i < m->nkpuu_default; i++) {
    if (strcmp(m->kpuu_default[i], compound) == 0) return RU_OK;
  }
  char(*grown)[RU_NAME_MAX] = rui_realloc(m->kpuu_default, (m->nkpuu_default + 1) * sizeof *grown);
  if (grown == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  m->kpuu_default = grown;
  rui_strlcpy(grown[m->nkpuu_default++], compound, sizeof grown[0]);
  return RU_OK;
}

/* The screen's liabilities of compound i of s (every row the KB can supply: no fixed cap). */
static ru_status screen_compound(const ru_kb *kb, const ru_sim *s, size_t i, const double *conc,
                                 ru_pd_product_map *m, ru_error *err) {
  const char *name = ru_sim_compound_name(s, i);
  const double iu_um = ru_pd_unbound_peak_um(s, i, conc, RU_PD_STEADY_POINTS);
  if (!isfinite(iu_um)) return RU_OK; /* fu or molar mass missing: no screen */
  size_t cap = 0, n = 0;
  ru_status st = ru_kb_inhibitions(kb, name, NULL, 0, &cap, err);
  if (st != RU_OK && st != RU_ELIMIT) return st;
  ru_ddi_static *rows = rui_malloc((cap + 1) * sizeof *rows);
  if (rows == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  st = ru_ddi_static_screen(kb, name, iu_um, rows, cap, &n, err);
  for (size_t k = 0; k < n && st == RU_OK; k++) {
    if (rows[k].liability) st = add_inhibited(m, &rows[k], err);
  }
  rui_free(rows);
  return st;
}

/* Steady-state occupancy and CYP liabilities of the product at m->dose_mg every m->interval_h. */
static ru_status map_regimen(const ru_kb *kb, const char *const *targets, size_t ntargets,
                             ru_pd_product_map *m, ru_error *err) {
  char spec[RU_NAME_MAX + 64];
  snprintf(spec, sizeof spec, "%s:%.17gmg:q%.17gh", m->product.name, m->dose_mg, m->interval_h);
  ru_regimen *reg = NULL;
  ru_sim *s = NULL;
  double *t = rui_malloc(RU_PD_STEADY_POINTS * sizeof *t), *conc = NULL, tau = 0.0;
  ru_pd_summary *sum = rui_calloc(ntargets + 1, sizeof *sum);
  ru_status st = t && sum ? ru_regimen_new(&reg, err) : ru_error_set(err, RU_ENOMEM, "out of memory");
  if (st == RU_OK) st = ru_regimen_parse(reg, spec, err);
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, reg, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  const size_t nc = s ? ru_sim_compound_count(s) : 0;
  if (st == RU_OK) {
    conc = rui_malloc((nc ? nc : 1) * RU_PD_STEADY_POINTS * sizeof *conc);
    if (conc == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  if (st == RU_OK) st = ru_sim_steady_profile(s, RU_PD_STEADY_POINTS, t, conc, &tau, err);
  if (st == RU_OK) st = ru_pd_summarise(kb, s, targets, ntargets, conc, RU_PD_STEADY_POINTS, sum, err);
  const int summarised = st == RU_OK;
  for (size_t k = 0; k < ntargets && st == RU_OK; k++) {
    m->mean[k] = sum[k].mean;
    for (size_t i = 0; i < sum[k].nshares && st == RU_OK; i++) {
      if (sum[k].shares[i].kpuu_is_default) st = add_kpuu_default(m, sum[k].shares[i].compound, err);
    }
  }
  if (summarised) ru_pd_summary_free(sum, ntargets);
  if (st == RU_OK) {
    const size_t sert = target_index(targets, ntargets, "SERT");
    const size_t net = target_index(targets, ntargets, "NET");
    if (sert < ntargets && net < ntargets) m->net_sert = ru_pd_occupancy_ratio(m->mean[net], m->mean[sert]);
  }
  /* perpetrator liabilities of every compound present (parents and metabolites) */
  for (size_t i = 0; i < nc && st == RU_OK; i++) st = screen_compound(kb, s, i, conc, m, err);
  rui_free(conc);
  rui_free(t);
  rui_free(sum);
  ru_sim_free(s);
  ru_regimen_free(reg);
  return st;
}

/* Maps p (a product of kb) into out. */
static ru_status map_product(const ru_kb *kb, const ru_product *p, ru_label_dose which,
                             const char *const *targets, size_t ntargets, ru_pd_product_map *out,
                             ru_error *err) {
  memset(out, 0, sizeof *out);
  out->product = *p;
  const ru_value *d = which == RU_LABEL_DOSE_LOW    ? &p->low_dose_mg
                      : which == RU_LABEL_DOSE_HIGH ? &p->high_dose_mg
                                                    : &p->usual_dose_mg;
  out->dose_mg = d->value;
  out->interval_h = p->interval_h.value;
  out->net_sert = nan("");
  out->ntargets = ntargets;
  out->mean = rui_calloc(ntargets + 1, sizeof *out->mean);
  if (out->mean == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  for (size_t k = 0; k < ntargets; k++) out->mean[k] = nan("");
  ru_status st = RU_OK;
  if (p->incomplete[0] != '\0') {
    snprintf(out->not_mapped, sizeof out->not_mapped, "incomplete: %s", p->incomplete);
  } else if (!isfinite(out->dose_mg) || !isfinite(out->interval_h)) {
    snprintf(out->not_mapped, sizeof out->not_mapped, "no sourced %s dose in the knowledge base",
             dose_word(which));
  } else if ((st = map_regimen(kb, targets, ntargets, out, err)) != RU_OK) {
    /* a value the model needs is missing (or a limit): the product is not mapped, and says why;
     * out of memory is the caller's failure */
    if (st == RU_ENOMEM) {
      ru_pd_product_map_free(out);
      return st;
    }
    snprintf(out->not_mapped, sizeof out->not_mapped, "%s", err ? err->message : "not mapped");
  }
  if (out->not_mapped[0] != '\0') {
    /* nothing half-mapped: a product not mapped carries no occupancy or liabilities */
    for (size_t k = 0; k < ntargets; k++) out->mean[k] = nan("");
    out->net_sert = nan("");
    out->ninhibited = out->nkpuu_default = 0;
  }
  return RU_OK;
}

ru_status ru_pd_product_map_at(const ru_kb *kb, const char *product, ru_label_dose which,
                               const char *const *targets, size_t ntargets,
                               ru_pd_product_map *out, ru_error *err) {
  if (out == NULL) return ru_error_set(err, RU_EINVAL, "ru_pd_product_map_at: NULL argument");
  memset(out, 0, sizeof *out);
  if (kb == NULL || product == NULL || (ntargets > 0 && targets == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_product_map_at: NULL argument");
  }
  ru_product p;
  const ru_status st = ru_kb_product(kb, product, &p, err);
  return st == RU_OK ? map_product(kb, &p, which, targets, ntargets, out, err) : st;
}

/* Case-insensitive substring test (an empty needle matches everything). */
static int contains_ci(const char *hay, const char *needle) {
  const size_t n = strlen(needle);
  for (const char *p = hay; *p != '\0'; p++) {
    if (strncasecmp(p, needle, n) == 0) return 1;
  }
  return n == 0;
}

void ru_pd_product_maps_free(ru_pd_product_map *rows, size_t n) {
  for (size_t i = 0; rows != NULL && i < n; i++) ru_pd_product_map_free(&rows[i]);
  rui_free(rows);
}

ru_status ru_pd_map_products(const ru_kb *kb, const char *klass, ru_label_dose which,
                             const char *const *targets, size_t ntargets,
                             const volatile sig_atomic_t *cancel, ru_pd_product_map **rows,
                             size_t *n, ru_error *err) {
  if (kb == NULL || rows == NULL || n == NULL || (ntargets > 0 && targets == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_pd_map_products: NULL argument");
  }
  *rows = NULL;
  *n = 0;
  ru_product *all = NULL;
  size_t np = 0;
  ru_status st = ru_kb_products(kb, &all, &np, err);
  if (st != RU_OK) return st;
  ru_pd_product_map *out = rui_calloc(np + 1, sizeof *out);
  if (out == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  size_t m = 0;
  for (size_t i = 0; i < np && st == RU_OK; i++) {
    if (cancel != NULL && *cancel) {
      st = ru_error_set(err, RU_EINTERRUPTED, "interrupted");
    } else if (klass == NULL || contains_ci(all[i].drug_class, klass)) {
      st = map_product(kb, &all[i], which, targets, ntargets, &out[m], err);
      if (st == RU_OK) m++;
    }
  }
  rui_free(all);
  if (st != RU_OK) {
    ru_pd_product_maps_free(out, m);
    return st;
  }
  ru_pd_product_map_sort(out, m);
  *rows = out;
  *n = m;
  return RU_OK;
}

/* Presentation order of the classes (rows are sorted by it, then by name): an exact
 * (case-insensitive) match first, else the first class the product's class starts with
 * ("wakefulness agent (weak DAT inhibitor)" sorts with "wakefulness"). */
static const char *const CLASS_ORDER[] = {"SSRI", "SNRI", "NRI", "NDRI", "TCA", "NDRI (stimulant)",
                                          "stimulant (releaser)", "wakefulness"};
#define NCLASS (sizeof CLASS_ORDER / sizeof CLASS_ORDER[0])

static size_t class_rank(const char *c) {
  for (size_t i = 0; i < NCLASS; i++) {
    if (strcasecmp(c, CLASS_ORDER[i]) == 0) return i;
  }
  for (size_t i = 0; i < NCLASS; i++) {
    if (strncasecmp(c, CLASS_ORDER[i], strlen(CLASS_ORDER[i])) == 0) return i;
  }
  return NCLASS;
}

static int cmp_rows(const void *a, const void *b) {
  const ru_pd_product_map *x = a, *y = b;
  const int sx = x->not_mapped[0] != '\0', sy = y->not_mapped[0] != '\0';
  if (sx != sy) return sx - sy;
  const size_t rx = class_rank(x->product.drug_class), ry = class_rank(y->product.drug_class);
  if (rx != ry) return rx < ry ? -1 : 1;
  return strcasecmp(x->product.name, y->product.name);
}

void ru_pd_product_map_sort(ru_pd_product_map *rows, size_t n) {
  if (rows != NULL && n > 1) qsort(rows, n, sizeof *rows, cmp_rows);
}
