/* Virtual populations (pop.h): per-subject draws from counter-based random streams, the
 * subject's simulation (closed-form fixed-step fast path or ru_sim_run), occupancy, and the
 * streaming accumulation into an ru_pop_summary (stats.c).
 *
 * Random streams: Random123 philox4x64-10 (Salmon et al. 2011, "Parallel random numbers: as
 * easy as 1, 2, 3", SC'11) keyed by (seed, subject index); the counter is (purpose, draw
 * index): purpose 0 draws the CYP2D6 phenotype, purpose 1 index 3i+k the normal deviate of
 * compound i, parameter k (CL, V, ka), purpose 2 the CYP2C19 phenotype (drawn when the ancestry
 * has CYP2C19 frequencies and no fixed CYP2C19 phenotype is given; independent of CYP2D6 —
 * docs/population.md). Adding purpose 2 left the CYP2D6 and IIV draws unchanged. A normal is Box-Muller (Box & Muller 1958, Ann Math Stat
 * 29:610) on the first two 64-bit words of one block. So subject 7 gets the same numbers
 * whether it runs alone, first, last, or on rank 3 of 4.
 *
 * IIV: parameter = typical * exp(sigma * z), sigma = sqrt(log(1 + CV^2)) — the exponential
 * ("log-normal") model of popPK (Mould & Upton 2013, CPT Pharmacometrics Syst Pharmacol 2:e38);
 * the typical value is the median.
 *
 * Fast path: when the subject's system is linear (no inhibition coupling), the grid uniform and
 * every dose a bolus on a grid point, each subject is e^{A h} precomputed once (rui_lin_stepper)
 * and applied step by step with doses added at their grid points — exact, like the closed form
 * of ru_sim_run, at a fraction of the cost. It reads the prepared ru_sim internals (the matrix
 * builder and the per-compound parameters of pk/model_impl.h) so both paths share one model. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <Random123/philox.h>

#include "core/alloc.h"
#include "pk/linear.h"
#include "pk/model_impl.h"
#include "pop/pop_impl.h"
#include "reuptake/pd.h"
#include "reuptake/pk.h"
#include "reuptake/pop.h"

#define MAXC 12 /* compounds tracked (ru_pop_subject.factor holds 3 per compound) */
#define MAXB (MAXC + RU_POP_MAX_TARGETS)
#define MAXH RU_POP_MAX_CYP2C19 /* CYP2C19 phenotype groups */
#define PURPOSE_CYP2C19 2       /* Random123 counter purpose of the CYP2C19 draw */

static const char *const KEYS[3] = {"cl_f_l_per_h", "v_f_l", "ka_per_h"};
static const char *const TRANSPORTERS[3] = {"SERT", "NET", "DAT"};

typedef struct dose_at {
  size_t j;      /* grid index */
  size_t cmt;
  double amount; /* mg */
} dose_at;

struct ru_pop {
  const ru_kb *kb;
  ru_regimen *reg;
  uint64_t seed;
  char ancestry[RU_NAME_MAX];
  double *t;
  size_t nt;
  /* compounds */
  size_t nc;
  char names[MAXC][RU_NAME_MAX];
  double fu[MAXC], mw[MAXC];
  double kpuu[MAXC];     /* brain exposure Kp,uu,brain (pd.h; default where no evidence) */
  double sigma[MAXC][3]; /* 0 = not varied */
  ru_pop_variability var[3 * MAXC];
  size_t nvar;
  /* bands */
  size_t ntargets;
  char targets[RU_POP_MAX_TARGETS][RU_NAME_MAX];
  double k_nm[RU_POP_MAX_TARGETS][MAXC];
  char band_name[MAXB][RU_NAME_MAX];
  ru_pop_criterion crit[RU_POP_MAX_CRITERIA];
  size_t crit_target[RU_POP_MAX_CRITERIA];
  size_t ncrit;
  /* phenotypes */
  size_t nph;
  const char *ph[RU_POP_MAX_PHENOTYPES];
  double freq[RU_POP_MAX_PHENOTYPES], cum[RU_POP_MAX_PHENOTYPES], act[RU_POP_MAX_PHENOTYPES];
  /* CYP2C19 phenotypes (nh 0: not drawn) */
  size_t nh;
  const char *hph[MAXH];
  double hfreq[MAXH], hcum[MAXH], hact[MAXH];
  int hact_nm[MAXH]; /* 1: no activity in the KB, simulated as NM */
  int h_used;        /* 1: some compound has fm.CYP2C19 (else one fast-path sim per CYP2D6 group) */
  /* end window */
  size_t j0;
  double win_h;
  /* general path */
  ru_sim *slow;
  /* fast path */
  int fast;
  double h;
  ru_sim *gs[RU_POP_MAX_PHENOTYPES][MAXH];
  double nom[RU_POP_MAX_PHENOTYPES][MAXH][MAXC][3];
  size_t ncmt;
  size_t central[MAXC];
  dose_at *doses;
  size_t ndoses;
  /* workspaces */
  double *x;    /* nt * ncmt */
  double *conc; /* nc * nt */
  double *occ;  /* ntargets * nt */
  ru_pop_observer_fn observer;
  void *observer_user;
};

void ru_pop_config_init(ru_pop_config *cfg) {
  if (cfg == NULL) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->seed = 1;
  cfg->cv_cl = RU_POP_DEFAULT_CV_CL;
  cfg->cv_v = RU_POP_DEFAULT_CV_V;
  cfg->cv_ka = RU_POP_DEFAULT_CV_KA;
}

void ru_pop_free(ru_pop *p) {
  if (p == NULL) return;
  ru_regimen_free(p->reg);
  ru_sim_free(p->slow);
  for (size_t g = 0; g < RU_POP_MAX_PHENOTYPES; g++) {
    for (size_t h = 0; h < MAXH; h++) ru_sim_free(p->gs[g][h]);
  }
  rui_free(p->t);
  rui_free(p->doses);
  rui_free(p->x);
  rui_free(p->conc);
  rui_free(p->occ);
  rui_free(p);
}

/* A subject simulation with the population's regimen, overrides and fixed phenotypes. */
static ru_status make_sim(const ru_pop *p, const ru_pop_config *cfg, ru_sim **out, ru_error *err) {
  ru_sim *s = NULL;
  ru_status st = ru_sim_new(p->kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, p->reg, err);
  for (size_t k = 0; st == RU_OK && k < cfg->noverrides; k++) {
    st = ru_sim_set_override(s, cfg->overrides[k], err);
  }
  for (size_t k = 0; st == RU_OK && k < cfg->nphenotypes; k++) {
    st = ru_sim_set_phenotype(s, cfg->phenotypes[k], err);
  }
  if (st != RU_OK) {
    ru_sim_free(s);
    return st;
  }
  *out = s;
  return RU_OK;
}

static int known_target(const char *t) {
  for (const char *const *k = ru_kb_targets(); *k; k++) {
    if (strcmp(*k, t) == 0) return 1;
  }
  return 0;
}

static long band_of_target(const ru_pop *p, const char *t) {
  for (size_t k = 0; k < p->ntargets; k++) {
    if (strcasecmp(p->targets[k], t) == 0) return (long)k;
  }
  return -1;
}

static ru_status add_target(ru_pop *p, const char *t, int must_bind, ru_error *err) {
  char name[RU_NAME_MAX] = "";
  for (const char *const *k = ru_kb_targets(); *k; k++) {
    if (strcasecmp(*k, t) == 0) rui_strlcpy(name, *k, sizeof name);
  }
  if (name[0] == '\0' || !known_target(name)) {
    return ru_error_set(err, RU_EINVAL, "unknown target '%s' (known: SERT, NET, DAT, H1, M1, "
                        "alpha1, 5-HT2A, 5-HT2C)", t);
  }
  if (band_of_target(p, name) >= 0) return RU_OK;
  if (p->ntargets >= RU_POP_MAX_TARGETS) {
    return ru_error_set(err, RU_EINVAL, "too many targets (at most %d)", RU_POP_MAX_TARGETS);
  }
  const char *ligands[MAXC];
  for (size_t i = 0; i < p->nc; i++) ligands[i] = p->names[i];
  double *k = p->k_nm[p->ntargets];
  ru_status st = ru_pd_affinities(p->kb, name, p->nc, ligands, k, err);
  if (st != RU_OK) return st;
  int binds = 0;
  for (size_t i = 0; i < p->nc; i++) {
    if (!isfinite(k[i])) continue;
    binds = 1;
    if (!isfinite(p->fu[i]) || !isfinite(p->mw[i])) {
      return ru_error_set(err, RU_EMISSING,
                          "%s binds %s but its %s is missing from the knowledge base (needed "
                          "for the unbound concentration)", p->names[i], name,
                          isfinite(p->fu[i]) ? "molecular weight" : "fu");
    }
  }
  if (must_bind && !binds) return RU_OK;
  rui_strlcpy(p->targets[p->ntargets++], name, RU_NAME_MAX);
  return RU_OK;
}

/* Variability of (compound i, key k): KB row or the stated default. */
static ru_status set_variability(ru_pop *p, const ru_pop_config *cfg, size_t i, size_t k,
                                 int dosed) {
  if (k == 2 && !dosed) {
    p->sigma[i][k] = 0.0; /* no absorption: nothing to vary */
    return RU_OK;
  }
  char name[RU_NAME_MAX + 32];
  snprintf(name, sizeof name, "%s.%s", p->names[i], KEYS[k]);
  ru_value v;
  ru_error e2;
  ru_pop_variability *row = &p->var[p->nvar++];
  memset(row, 0, sizeof *row);
  rui_strlcpy(row->compound, p->names[i], sizeof row->compound);
  rui_strlcpy(row->key, KEYS[k], sizeof row->key);
  if (ru_kb_param(p->kb, "variability", name, &v, &e2) == RU_OK && isfinite(v.value) &&
      v.value >= 0.0) {
    row->cv = v.value;
    rui_strlcpy(row->source, v.source, sizeof row->source);
    row->sourced = 1;
  } else {
    row->cv = k == 0 ? cfg->cv_cl : (k == 1 ? cfg->cv_v : cfg->cv_ka);
    row->sourced = 0;
  }
  p->sigma[i][k] = sqrt(log1p(row->cv * row->cv));
  return RU_OK;
}

/* Fast-path eligibility and the dose table on the grid. Returns 1 when eligible. */
static int build_fast(ru_pop *p, ru_error *err, ru_status *st) {
  *st = RU_OK;
  if (p->nt < 2 || ru_sim_is_nonlinear(p->slow)) return 0;
  const double h = p->t[1] - p->t[0];
  if (!(h > 0.0)) return 0;
  for (size_t j = 0; j < p->nt; j++) {
    const double want = p->t[0] + (double)j * h;
    if (fabs(p->t[j] - want) > 1e-9 * fmax(1.0, fabs(want))) return 0;
  }
  /* the subject's canonical dose timeline (pk/events.h): eligible when every record is a bolus
   * on a grid point (no infusion, reset or steady-state placement) */
  rui_timeline tl;
  *st = rui_sim_timeline(p->slow, p->t[p->nt - 1], &tl, err);
  if (*st != RU_OK) return 0;
  int ok = 1;
  for (size_t k = 0; k < tl.nev && ok; k++) {
    const rui_ev *e = &tl.ev[k];
    const double q = (e->t_h - p->t[0]) / h;
    ok = e->kind == RUI_EV_BOLUS && e->t_h >= p->t[0] &&
         fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, q);
  }
  if (ok) {
    p->doses = rui_calloc(tl.nev + 1, sizeof *p->doses);
    if (p->doses == NULL) {
      rui_timeline_free(&tl);
      *st = ru_error_set(err, RU_ENOMEM, "out of memory");
      return 0;
    }
    /* the timeline is sorted by time, same-time boluses in record order */
    for (size_t k = 0; k < tl.nev; k++) {
      dose_at *d = &p->doses[p->ndoses++];
      d->j = (size_t)nearbyint((tl.ev[k].t_h - p->t[0]) / h);
      d->cmt = tl.ev[k].cmt;
      d->amount = tl.ev[k].value;
    }
  }
  rui_timeline_free(&tl);
  p->h = h;
  return ok;
}

ru_status ru_pop_ancestries(const ru_kb *kb, char (*names)[RU_NAME_MAX], size_t max, size_t *n,
                            ru_error *err) {
  if (kb == NULL || n == NULL || (max > 0 && names == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_pop_ancestries: NULL argument");
  }
  *n = 0;
  /* the knowledge base names the known ancestries in its not-found message: ask for one that
   * cannot exist and read the list (keeps the kb layer's SQL private to it) */
  const char *ph[4];
  double f[4];
  size_t m = 0;
  ru_error e2;
  ru_error_clear(&e2);
  if (ru_kb_phenotype_frequencies(kb, "CYP2D6", "\x01", ph, f, 4, &m, &e2) == RU_OK) return RU_OK;
  const char *known = strstr(e2.message, "(known: ");
  if (known == NULL) return ru_error_set(err, e2.code, "%s", e2.message);
  known += 8;
  while (*known && *known != ')') {
    const char *end = known;
    while (*end && *end != ',' && *end != ')') end++;
    const size_t len = (size_t)(end - known);
    if (len > 0 && len < RU_NAME_MAX && strncmp(known, "none", len) != 0) {
      if (*n < max) {
        memcpy(names[*n], known, len);
        names[*n][len] = '\0';
      }
      (*n)++;
    }
    known = end;
    while (*known == ',' || *known == ' ') known++;
  }
  return RU_OK;
}

/* CYP2C19 groups of p->ancestry (none when the KB has no CYP2C19 frequencies for it). A
 * phenotype without an activity in the KB (RM, i.e. *1 with *17: none is sourced) is simulated with the
 * NM activity and flagged (docs/population.md). */
static ru_status c19_groups(ru_pop *p, ru_error *err) {
  size_t n = 0;
  ru_error e2;
  ru_error_clear(&e2);
  p->nh = 0;
  if (ru_kb_phenotype_frequencies(p->kb, "CYP2C19", p->ancestry, p->hph, p->hfreq, MAXH, &n, &e2) !=
      RU_OK) {
    return RU_OK; /* no CYP2C19 frequencies for this ancestry: not drawn */
  }
  if (n > MAXH) n = MAXH;
  double total = 0.0;
  for (size_t h = 0; h < n; h++) total += p->hfreq[h];
  if (!(total > 0.0)) {
    return ru_error_set(err, RU_EDATA, "CYP2C19 frequencies for '%s' sum to 0", p->ancestry);
  }
  ru_value nm;
  ru_status st = ru_kb_phenotype_activity(p->kb, "CYP2C19", "NM", &nm, err);
  if (st != RU_OK) return st;
  double acc = 0.0;
  for (size_t h = 0; h < n; h++) {
    acc += p->hfreq[h] / total;
    p->hcum[h] = acc;
    ru_value a;
    ru_error e3;
    if (ru_kb_phenotype_activity(p->kb, "CYP2C19", p->hph[h], &a, &e3) == RU_OK && isfinite(a.value)) {
      p->hact[h] = a.value;
      p->hact_nm[h] = 0;
    } else {
      p->hact[h] = nm.value;
      p->hact_nm[h] = 1;
    }
  }
  p->hcum[n - 1] = 1.0;
  p->nh = n;
  return RU_OK;
}

ru_status ru_pop_new(const ru_kb *kb, const ru_regimen *r, const ru_pop_config *cfg, ru_pop **out,
                     ru_error *err) {
  if (out == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_new: out is NULL");
  *out = NULL;
  if (kb == NULL || r == NULL || cfg == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_pop_new: NULL argument");
  }
  if (cfg->times_h == NULL || cfg->nt < 2) {
    return ru_error_set(err, RU_EINVAL, "a population needs at least 2 output times");
  }
  for (size_t j = 0; j < cfg->nt; j++) {
    if (!isfinite(cfg->times_h[j]) || cfg->times_h[j] < 0.0 ||
        (j > 0 && !(cfg->times_h[j] > cfg->times_h[j - 1]))) {
      return ru_error_set(err, RU_EINVAL, "output times must be finite, >= 0 and increasing");
    }
  }
  const double cvs[3] = {cfg->cv_cl, cfg->cv_v, cfg->cv_ka};
  for (size_t k = 0; k < 3; k++) {
    if (!isfinite(cvs[k]) || cvs[k] < 0.0 || cvs[k] > 10.0) {
      return ru_error_set(err, RU_ERANGE, "default CV %g is outside [0, 10]", cvs[k]);
    }
  }
  for (size_t k = 0; k < cfg->nphenotypes; k++) {
    if (strncasecmp(cfg->phenotypes[k], "CYP2D6", 6) == 0) {
      return ru_error_set(err, RU_EINVAL, "phenotype '%s': CYP2D6 is drawn per subject from the "
                          "ancestry's frequencies in a population", cfg->phenotypes[k]);
    }
  }
  if (cfg->ntargets > RU_POP_MAX_TARGETS || cfg->ncriteria > RU_POP_MAX_CRITERIA) {
    return ru_error_set(err, RU_EINVAL, "too many targets or attainment criteria");
  }
  ru_pop *p = rui_calloc(1, sizeof *p);
  if (p == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  p->kb = kb;
  p->seed = cfg->seed;
  rui_strlcpy(p->ancestry, cfg->ancestry ? cfg->ancestry : RU_POP_DEFAULT_ANCESTRY,
              sizeof p->ancestry);
  ru_status st = RU_OK;
  p->t = rui_malloc(cfg->nt * sizeof *p->t);
  if (p->t == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto fail;
  }
  memcpy(p->t, cfg->times_h, cfg->nt * sizeof *p->t);
  p->nt = cfg->nt;
  if ((st = ru_regimen_new(&p->reg, err)) != RU_OK) goto fail;
  if ((st = ru_regimen_append(p->reg, r, err)) != RU_OK) goto fail;

  /* CYP2D6 phenotypes of the ancestry */
  size_t nph = 0;
  if ((st = ru_kb_phenotype_frequencies(kb, "CYP2D6", p->ancestry, p->ph, p->freq,
                                        RU_POP_MAX_PHENOTYPES, &nph, err)) != RU_OK) {
    goto fail;
  }
  p->nph = nph < RU_POP_MAX_PHENOTYPES ? nph : RU_POP_MAX_PHENOTYPES;
  double total = 0.0;
  for (size_t g = 0; g < p->nph; g++) total += p->freq[g];
  if (!(total > 0.0)) {
    st = ru_error_set(err, RU_EDATA, "CYP2D6 frequencies for '%s' sum to 0", p->ancestry);
    goto fail;
  }
  double acc = 0.0;
  for (size_t g = 0; g < p->nph; g++) {
    acc += p->freq[g] / total;
    p->cum[g] = acc;
    ru_value a;
    if ((st = ru_kb_phenotype_activity(kb, "CYP2D6", p->ph[g], &a, err)) != RU_OK) goto fail;
    if (!isfinite(a.value)) {
      st = ru_error_set(err, RU_EMISSING, "CYP2D6 %s: no activity in the knowledge base", p->ph[g]);
      goto fail;
    }
    p->act[g] = a.value;
  }
  p->cum[p->nph - 1] = 1.0;

  /* CYP2C19 phenotypes of the ancestry, when the KB has them and none is fixed */
  int c19_fixed = 0;
  for (size_t k = 0; k < cfg->nphenotypes; k++) {
    c19_fixed |= strncasecmp(cfg->phenotypes[k], "CYP2C19=", 8) == 0;
  }
  if (!c19_fixed && (st = c19_groups(p, err)) != RU_OK) goto fail;

  /* the nominal subject */
  if ((st = make_sim(p, cfg, &p->slow, err)) != RU_OK) goto fail;
  if ((st = ru_sim_prepare(p->slow, err)) != RU_OK) goto fail;
  p->nc = ru_sim_compound_count(p->slow);
  if (p->nc > MAXC) {
    st = ru_error_set(err, RU_ERANGE, "population: at most %d compounds", MAXC);
    goto fail;
  }
  p->h_used = 0;
  for (size_t i = 0; i < p->nc; i++) {
    for (size_t k = 0; k < p->slow->c[i].p.n_fm; k++) {
      p->h_used |= p->nh > 0 && strcasecmp(p->slow->c[i].p.fm[k].enzyme, "CYP2C19") == 0;
    }
  }
  for (size_t i = 0; i < p->nc; i++) {
    rui_strlcpy(p->names[i], ru_sim_compound_name(p->slow, i), RU_NAME_MAX);
    p->fu[i] = ru_sim_compound_fu(p->slow, i);
    p->mw[i] = ru_sim_compound_mw(p->slow, i);
    ru_value kpuu;
    if ((st = ru_pd_kpuu_brain(p->kb, p->slow, i, &kpuu, NULL, err)) != RU_OK) goto fail;
    p->kpuu[i] = kpuu.value;
    for (size_t k = 0; k < 3; k++) {
      if ((st = set_variability(p, cfg, i, k, p->slow->c[i].dosed)) != RU_OK) goto fail;
    }
  }
  /* bands: compounds, then targets */
  if (cfg->targets != NULL) { /* ntargets 0: concentration bands only */
    for (size_t k = 0; k < cfg->ntargets; k++) {
      if ((st = add_target(p, cfg->targets[k], 0, err)) != RU_OK) goto fail;
    }
  } else {
    for (size_t k = 0; k < 3; k++) {
      if ((st = add_target(p, TRANSPORTERS[k], 1, err)) != RU_OK) goto fail;
    }
  }
  if (cfg->criteria != NULL && cfg->ncriteria > 0) {
    for (size_t k = 0; k < cfg->ncriteria; k++) {
      const ru_pop_criterion *c = &cfg->criteria[k];
      if (!(c->threshold >= 0.0 && c->threshold <= 1.0)) {
        st = ru_error_set(err, RU_ERANGE, "attainment threshold %g for %s is outside [0, 1]",
                          c->threshold, c->target);
        goto fail;
      }
      if ((st = add_target(p, c->target, 0, err)) != RU_OK) goto fail;
      p->crit[p->ncrit] = *c;
      p->crit_target[p->ncrit] = (size_t)band_of_target(p, c->target);
      rui_strlcpy(p->crit[p->ncrit].target, p->targets[p->crit_target[p->ncrit]], RU_NAME_MAX);
      p->ncrit++;
    }
  } else {
    for (size_t k = 0; k < p->ntargets; k++) {
      int transporter = 0;
      for (size_t q = 0; q < 3; q++) transporter |= strcmp(p->targets[k], TRANSPORTERS[q]) == 0;
      if (!transporter) continue;
      ru_pop_criterion *c = &p->crit[p->ncrit];
      rui_strlcpy(c->target, p->targets[k], sizeof c->target);
      c->threshold = RU_POP_DEFAULT_THRESHOLD;
      c->at_least = 1;
      p->crit_target[p->ncrit++] = k;
    }
  }
  for (size_t i = 0; i < p->nc; i++) rui_strlcpy(p->band_name[i], p->names[i], RU_NAME_MAX);
  for (size_t k = 0; k < p->ntargets; k++) {
    rui_strlcpy(p->band_name[p->nc + k], p->targets[k], RU_NAME_MAX);
  }

  /* end window: the last dosing interval (whole grid for single doses) */
  {
    const double tau = ru_sim_longest_interval_h(p->slow);
    const double t_end = p->t[p->nt - 1];
    p->j0 = 0;
    if (tau > 0.0 && t_end - tau >= p->t[0]) {
      while (p->j0 + 1 < p->nt && p->t[p->j0] < t_end - tau - 1e-9) p->j0++;
    }
    if (p->j0 + 1 >= p->nt) p->j0 = p->nt - 2;
    p->win_h = t_end - p->t[p->j0];
  }

  /* fast path */
  p->fast = 0;
  if (!cfg->force_general && build_fast(p, err, &st)) {
    p->ncmt = p->slow->ncmt;
    const size_t nhs = p->h_used ? p->nh : 1; /* one sim per (CYP2D6, CYP2C19) group pair */
    for (size_t g = 0; g < p->nph && st == RU_OK; g++) {
      for (size_t h = 0; h < nhs && st == RU_OK; h++) {
        ru_sim **gs = &p->gs[g][h];
        st = make_sim(p, cfg, gs, err);
        if (st == RU_OK) st = ru_sim_set_enzyme_activity(*gs, "CYP2D6", p->act[g], err);
        if (st == RU_OK && p->h_used) st = ru_sim_set_enzyme_activity(*gs, "CYP2C19", p->hact[h], err);
        if (st == RU_OK) st = ru_sim_prepare(*gs, err);
        if (st == RU_OK && (ru_sim_is_nonlinear(*gs) || (*gs)->ncmt != p->ncmt ||
                            ru_sim_compound_count(*gs) != p->nc)) {
          st = ru_error_set(err, RU_EINTERNAL, "population: phenotype changed the model structure");
        }
        for (size_t i = 0; st == RU_OK && i < p->nc; i++) {
          const ru_pk_params *pp = &(*gs)->c[i].p;
          p->nom[g][h][i][0] = pp->cl_f_l_per_h.value;
          p->nom[g][h][i][1] = pp->v_f_l.value;
          p->nom[g][h][i][2] = pp->ka_per_h.value;
          p->central[i] = (size_t)(*gs)->c[i].central;
        }
      }
    }
    if (st != RU_OK) goto fail;
    p->fast = 1;
    p->x = rui_malloc((p->nt + 1) * p->ncmt * sizeof *p->x);
  } else if (st != RU_OK) {
    goto fail;
  } else {
    p->x = rui_malloc(sizeof *p->x);
  }
  p->conc = rui_malloc(p->nc * p->nt * sizeof *p->conc);
  p->occ = rui_malloc((p->ntargets * p->nt + 1) * sizeof *p->occ);
  if (p->x == NULL || p->conc == NULL || p->occ == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto fail;
  }
  *out = p;
  return RU_OK;
fail:
  ru_pop_free(p);
  return st;
}

/* --- description ------------------------------------------------------------------------------ */

size_t ru_pop_nt(const ru_pop *p) { return p ? p->nt : 0; }
const double *ru_pop_times(const ru_pop *p) { return p ? p->t : NULL; }
const char *ru_pop_ancestry(const ru_pop *p) { return p ? p->ancestry : ""; }
uint64_t ru_pop_seed(const ru_pop *p) { return p ? p->seed : 0; }
int ru_pop_fast_path(const ru_pop *p) { return p ? p->fast : 0; }
size_t ru_pop_compound_count(const ru_pop *p) { return p ? p->nc : 0; }
const char *ru_pop_compound_name(const ru_pop *p, size_t i) {
  return (p && i < p->nc) ? p->names[i] : NULL;
}
size_t ru_pop_band_count(const ru_pop *p) { return p ? p->nc + p->ntargets : 0; }
ru_status ru_pop_band(const ru_pop *p, size_t b, ru_pop_band_info *out, ru_error *err) {
  if (p == NULL || out == NULL || b >= p->nc + p->ntargets) {
    return ru_error_set(err, RU_EINVAL, "ru_pop_band: no band %zu", b);
  }
  out->name = p->band_name[b];
  out->is_target = b >= p->nc;
  out->quantity = out->is_target ? "occupancy" : "total";
  out->unit = out->is_target ? "fraction" : "ng/mL";
  out->resolution = out->is_target ? 1.0 / RUI_POP_LIN_BINS : ldexp(1.0, -RUI_POP_SUB_BITS);
  return RU_OK;
}
size_t ru_pop_criterion_count(const ru_pop *p) { return p ? p->ncrit : 0; }
const ru_pop_criterion *ru_pop_criterion_at(const ru_pop *p, size_t k) {
  return (p && k < p->ncrit) ? &p->crit[k] : NULL;
}
size_t ru_pop_phenotype_count(const ru_pop *p) { return p ? p->nph : 0; }
const char *ru_pop_phenotype_name(const ru_pop *p, size_t g) {
  return (p && g < p->nph) ? p->ph[g] : NULL;
}
double ru_pop_phenotype_frequency(const ru_pop *p, size_t g) {
  return (p && g < p->nph) ? p->freq[g] : nan("");
}
size_t ru_pop_cyp2c19_count(const ru_pop *p) { return p ? p->nh : 0; }
const char *ru_pop_cyp2c19_name(const ru_pop *p, size_t h) {
  return (p && h < p->nh) ? p->hph[h] : NULL;
}
double ru_pop_cyp2c19_frequency(const ru_pop *p, size_t h) {
  return (p && h < p->nh) ? p->hfreq[h] : nan("");
}
double ru_pop_cyp2c19_activity(const ru_pop *p, size_t h, int *as_nm) {
  if (p == NULL || h >= p->nh) return nan("");
  if (as_nm) *as_nm = p->hact_nm[h];
  return p->hact[h];
}
size_t ru_pop_variability_count(const ru_pop *p) { return p ? p->nvar : 0; }
const ru_pop_variability *ru_pop_variability_at(const ru_pop *p, size_t i) {
  return (p && i < p->nvar) ? &p->var[i] : NULL;
}
double ru_pop_window_h(const ru_pop *p) { return p ? p->win_h : nan(""); }
void ru_pop_set_observer(ru_pop *p, ru_pop_observer_fn fn, void *user) {
  if (p == NULL) return;
  p->observer = fn;
  p->observer_user = user;
}

ru_status ru_pop_summary_new(const ru_pop *p, ru_pop_summary **out, ru_error *err) {
  if (p == NULL || out == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_summary_new: NULL");
  rui_pop_shape sh;
  sh.nt = p->nt;
  sh.nbands = p->nc + p->ntargets;
  sh.nconc = p->nc;
  sh.ncrit = p->ncrit;
  sh.nph = p->nph;
  sh.nc = p->nc;
  return rui_pop_summary_alloc(&sh, out, err);
}

/* --- one subject ------------------------------------------------------------------------------ */

static double uniform01(uint64_t w) { /* (0, 1): never 0, so log() is finite */
  return ((double)(w >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static void draw(const ru_pop *p, uint64_t index, ru_pop_subject *subj) {
  memset(subj, 0, sizeof *subj);
  subj->index = index;
  const philox4x64_key_t key = {{p->seed, index}};
  philox4x64_ctr_t ctr = {{0, 0, 0, 0}};
  philox4x64_ctr_t r = philox4x64(ctr, key);
  const double u = uniform01(r.v[0]);
  size_t g = 0;
  while (g + 1 < p->nph && u >= p->cum[g]) g++;
  subj->phenotype = g;
  if (p->nh > 0) {
    const philox4x64_ctr_t c2 = {{PURPOSE_CYP2C19, 0, 0, 0}};
    const double u2 = uniform01(philox4x64(c2, key).v[0]);
    size_t h = 0;
    while (h + 1 < p->nh && u2 >= p->hcum[h]) h++;
    subj->cyp2c19 = h;
  }
  for (size_t i = 0; i < p->nc; i++) {
    for (size_t k = 0; k < 3; k++) {
      subj->factor[3 * i + k] = 1.0;
      if (p->sigma[i][k] <= 0.0) continue;
      ctr.v[0] = 1;
      ctr.v[1] = 3 * i + k;
      r = philox4x64(ctr, key);
      const double u1 = uniform01(r.v[0]), u2 = uniform01(r.v[1]);
      const double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
      subj->factor[3 * i + k] = exp(p->sigma[i][k] * z);
    }
  }
}

/* Concentrations of the subject into p->conc (fast path). */
static ru_status simulate_fast(ru_pop *p, const ru_pop_subject *subj, ru_error *err) {
  const size_t g = subj->phenotype, h = p->h_used ? subj->cyp2c19 : 0;
  ru_sim *s = p->gs[g][h];
  const double(*nom)[3] = p->nom[g][h];
  for (size_t i = 0; i < p->nc; i++) {
    ru_pk_params *pp = &s->c[i].p;
    pp->cl_f_l_per_h.value = nom[i][0] * subj->factor[3 * i];
    pp->v_f_l.value = nom[i][1] * subj->factor[3 * i + 1];
    if (isfinite(nom[i][2])) pp->ka_per_h.value = nom[i][2] * subj->factor[3 * i + 2];
    rui_sim_rederive(s, i); /* the model-unit parameters follow (route.h) */
  }
  rui_lin_system sys;
  rui_sim_linear_matrix(s, &sys);
  rui_lin_stepper stp;
  const ru_status st = rui_lin_stepper_init(&stp, &sys, p->h);
  if (st != RU_OK) return ru_error_set(err, st, "population: matrix exponential failed");
  const size_t n = p->ncmt;
  double x[RUI_LIN_MAX] = {0};
  size_t j = 0, d = 0;
  while (j < p->nt) {
    while (d < p->ndoses && p->doses[d].j == j) {
      x[p->doses[d].cmt] += p->doses[d].amount;
      d++;
    }
    const size_t next = d < p->ndoses ? p->doses[d].j : p->nt;
    rui_lin_stepper_run(&stp, x, next - j, p->x + j * n);
    j = next;
  }
  for (size_t i = 0; i < p->nc; i++) {
    const double scale = 1000.0 / s->c[i].v_l; /* mg/L -> ng/mL */
    const size_t c = p->central[i];
    double *out = p->conc + i * p->nt;
    const double *xs = p->x + c;
    for (size_t q = 0; q < p->nt; q++) {
      const double v = xs[q * n] * scale;
      out[q] = v > 0.0 ? v : 0.0; /* round-off below 0 clipped, as ru_sim_run does */
    }
  }
  return RU_OK;
}

/* Concentrations through the public simulation API (nonlinear systems, irregular grids). */
static ru_status simulate_general(ru_pop *p, const ru_pop_subject *subj, ru_error *err) {
  ru_status st = ru_sim_set_enzyme_activity(p->slow, "CYP2D6", p->act[subj->phenotype], err);
  if (st == RU_OK && p->nh > 0) {
    st = ru_sim_set_enzyme_activity(p->slow, "CYP2C19", p->hact[subj->cyp2c19], err);
  }
  for (size_t i = 0; st == RU_OK && i < p->nc; i++) {
    for (size_t k = 0; st == RU_OK && k < 3; k++) {
      if (p->sigma[i][k] <= 0.0) continue;
      st = ru_sim_scale_param(p->slow, p->names[i], KEYS[k], subj->factor[3 * i + k], err);
    }
  }
  if (st == RU_OK) st = ru_sim_run(p->slow, p->t, p->nt, p->conc, err);
  return st;
}

static void occupancy(ru_pop *p) {
  double cu[MAXC];
  for (size_t b = 0; b < p->ntargets; b++) {
    const double *k = p->k_nm[b];
    double *occ = p->occ + b * p->nt;
    for (size_t j = 0; j < p->nt; j++) {
      for (size_t i = 0; i < p->nc; i++) {
        cu[i] = isfinite(k[i])
                    ? ru_pd_unbound_nm(p->conc[i * p->nt + j], p->fu[i], p->mw[i]) * p->kpuu[i]
                    : 0.0;
      }
      ru_pd_occupancy_at(p->nc, k, cu, &occ[j], NULL);
    }
  }
}

static ru_status subject(ru_pop *p, uint64_t index, ru_pop_subject *subj, ru_error *err) {
  draw(p, index, subj);
  const ru_status st = p->fast ? simulate_fast(p, subj, err) : simulate_general(p, subj, err);
  if (st != RU_OK) return st;
  occupancy(p);
  return RU_OK;
}

static void accumulate(const ru_pop *p, const ru_pop_subject *subj, ru_pop_summary *s) {
  const size_t nt = p->nt;
  s->cnt[0]++;
  for (size_t b = 0; b < p->nc + p->ntargets; b++) {
    const int is_conc = b < p->nc;
    const double *v = is_conc ? p->conc + b * nt : p->occ + (b - p->nc) * nt;
    int64_t *h = s->cnt + s->off_band[b];
    double *lo = s->lo + b * nt, *hi = s->hi + b * nt;
    if (is_conc) {
      for (size_t j = 0; j < nt; j++) {
        h[j * (size_t)RUI_POP_LOG_BINS + rui_pop_log_bin(v[j])]++;
        if (v[j] < lo[j]) lo[j] = v[j];
        if (v[j] > hi[j]) hi[j] = v[j];
      }
    } else {
      for (size_t j = 0; j < nt; j++) {
        h[j * (size_t)RUI_POP_LIN_BINS + rui_pop_lin_bin(v[j])]++;
        if (v[j] < lo[j]) lo[j] = v[j];
        if (v[j] > hi[j]) hi[j] = v[j];
      }
    }
  }
  for (size_t k = 0; k < p->ncrit; k++) {
    const double *occ = p->occ + p->crit_target[k] * nt;
    const double thr = p->crit[k].threshold;
    int64_t *a = s->cnt + s->off_att + k * nt;
    int all = 1;
    for (size_t j = 0; j < nt; j++) {
      const int meets = p->crit[k].at_least ? occ[j] >= thr : occ[j] <= thr;
      a[j] += meets;
      if (j >= p->j0 && !meets) all = 0;
    }
    s->cnt[s->off_fin + k] += all;
  }
  int64_t *grp = s->cnt + s->off_ph + subj->phenotype * rui_pop_ph_stride(&s->shape);
  grp[0]++;
  for (size_t i = 0; i < p->nc; i++) {
    const double *c = p->conc + i * nt;
    double auc = 0.0;
    for (size_t j = p->j0 + 1; j < nt; j++) {
      auc += 0.5 * (c[j] + c[j - 1]) * (p->t[j] - p->t[j - 1]);
    }
    int64_t *e = grp + 1 + i * (2 + (size_t)RUI_POP_LOG_BINS);
    rui_pop_fix_add(e, auc);
    e[2 + rui_pop_log_bin(auc)]++;
    const size_t m = (p->nc + p->ntargets) * nt + subj->phenotype * p->nc + i;
    if (auc < s->lo[m]) s->lo[m] = auc;
    if (auc > s->hi[m]) s->hi[m] = auc;
  }
}

ru_status ru_pop_subject_run(ru_pop *p, uint64_t index, ru_pop_subject *subj, double *conc,
                             double *occ, ru_error *err) {
  if (p == NULL || subj == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_subject_run: NULL");
  const ru_status st = subject(p, index, subj, err);
  if (st != RU_OK) return st;
  if (conc) memcpy(conc, p->conc, p->nc * p->nt * sizeof *conc);
  if (occ) memcpy(occ, p->occ, p->ntargets * p->nt * sizeof *occ);
  return RU_OK;
}

ru_status ru_pop_run(ru_pop *p, uint64_t first, uint64_t count, ru_pop_summary *sum,
                     const volatile sig_atomic_t *cancel, ru_pop_progress_fn progress, void *user,
                     ru_error *err) {
  if (p == NULL || sum == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_run: NULL argument");
  if (sum->shape.nt != p->nt || sum->shape.nbands != p->nc + p->ntargets ||
      sum->shape.ncrit != p->ncrit || sum->shape.nph != p->nph) {
    return ru_error_set(err, RU_EINVAL, "ru_pop_run: summary belongs to another population");
  }
  if (count > RU_POP_MAX_SUBJECTS || sum->cnt[0] + (int64_t)count > (int64_t)RU_POP_MAX_SUBJECTS) {
    return ru_error_set(err, RU_ERANGE, "at most %llu subjects per summary",
                        (unsigned long long)RU_POP_MAX_SUBJECTS);
  }
  ru_pop_subject subj;
  for (uint64_t k = 0; k < count; k++) {
    if (cancel != NULL && *cancel) {
      return ru_error_set(err, RU_EINTERRUPTED, "interrupted after %llu of %llu subjects",
                          (unsigned long long)k, (unsigned long long)count);
    }
    const ru_status st = subject(p, first + k, &subj, err);
    if (st != RU_OK) return st;
    if (p->observer) p->observer(&subj, p->conc, p->occ, p->observer_user);
    accumulate(p, &subj, sum);
    if (progress != NULL && ((k + 1) % RU_POP_BLOCK == 0 || k + 1 == count)) {
      progress(k + 1, count, user);
    }
  }
  return RU_OK;
}

void ru_pop_shard(uint64_t n, int rank, int size, uint64_t *first, uint64_t *count) {
  if (size < 1 || rank < 0 || rank >= size) {
    *first = 0;
    *count = rank == 0 ? n : 0;
    return;
  }
  const uint64_t blocks = (n + RU_POP_BLOCK - 1) / RU_POP_BLOCK;
  const uint64_t k = (uint64_t)size, r = (uint64_t)rank;
  const uint64_t b0 = blocks * r / k, b1 = blocks * (r + 1) / k;
  uint64_t s0 = b0 * RU_POP_BLOCK, s1 = b1 * RU_POP_BLOCK;
  if (s0 > n) s0 = n;
  if (s1 > n) s1 = n;
  *first = s0;
  *count = s1 - s0;
}
