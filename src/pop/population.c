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
#include "pk/hybrid_sim.h"
#include "pk/linear.h"
#include "pk/model_impl.h"
#include "pop/pop_impl.h"
#include "reuptake/pd.h"
#include "reuptake/pk.h"
#include "reuptake/pop.h"

#define MAXH RU_POP_MAX_CYP2C19 /* CYP2C19 phenotype groups */
#define PURPOSE_CYP2C19 2       /* Random123 counter purpose of the CYP2C19 draw */
/* Subjects simulated and accumulated together (time-major accumulation; a multiple of the lane
 * count and a divisor of RU_POP_BLOCK). */
#define RUI_POP_TILE 32
/* Fast-path subjects stepped together through the grid (stream_fast; a divisor of RU_POP_BLOCK):
 * each time point's histogram rows are touched once per RUI_POP_STREAM subjects. */
#define RUI_POP_STREAM 2048

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
  char (*names)[RU_NAME_MAX]; /* nc */
  double *fu, *mw;            /* nc */
  double *kpuu;               /* nc: brain exposure Kp,uu,brain (pd.h; default: no evidence) */
  double (*sigma)[3];         /* nc: 0 = not varied */
  ru_pop_variability *var;    /* 3 nc */
  size_t nvar;
  /* bands */
  size_t ntargets;
  char targets[RU_POP_MAX_TARGETS][RU_NAME_MAX];
  double *k_nm; /* RU_POP_MAX_TARGETS * nc: target b, ligand i at [b * nc + i], Ki x scale */
  double *ki;   /* the same layout: the KB's Ki (nM), NaN where the ligand does not bind */
  double tscale[RU_POP_MAX_TARGETS]; /* the target's occupancy scale (ru_pd_target_scale) */
  char (*band_name)[RU_NAME_MAX]; /* nc + RU_POP_MAX_TARGETS */
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
  double *nom;                /* nominal CL, V, ka of (CYP2D6 g, CYP2C19 h, compound i) at
                               * ((g * MAXH + h) * nc + i) * 3 + k */
  size_t ncmt;
  size_t *central;            /* nc */
  dose_at *doses;
  size_t ndoses;
  /* general path on the hybrid solver: lanes subjects per solve */
  rui_hyb_subject *hyb;
  size_t lanes;
  /* workspaces (a tile of RUI_POP_TILE subjects) */
  double *x;              /* nt * ncmt */
  double *conc;           /* TILE * nc * nt: slot k, compound i at (k * nc + i) * nt */
  double *occ;            /* TILE * ntargets * nt */
  ru_pop_subject *tile;   /* TILE */
  double *factor;         /* TILE * 3 nc */
  ru_pop_observer_fn observer;
  void *observer_user;
  /* the streaming fast path (stream_fast): RUI_POP_STREAM subjects, structure of arrays */
  ru_pop_subject *stile; /* STREAM */
  double *sfactor;       /* STREAM * 3 nc */
  double *sw;            /* phi, x, scale, cur, prev, auc, occ (see stream_fast) */
  unsigned char *sok;    /* STREAM * ncrit: criterion met at every point of the end window */
  int32_t *sidx;         /* STREAM: histogram bins of one time point */
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
  rui_free(p->names);
  rui_free(p->fu);
  rui_free(p->kpuu);
  rui_free(p->mw);
  rui_free(p->sigma);
  rui_free(p->var);
  rui_free(p->k_nm);
  rui_free(p->ki);
  rui_free(p->band_name);
  rui_free(p->nom);
  rui_free(p->central);
  rui_free(p->doses);
  rui_hyb_subject_free(p->hyb);
  rui_free(p->x);
  rui_free(p->conc);
  rui_free(p->occ);
  rui_free(p->tile);
  rui_free(p->factor);
  rui_free(p->stile);
  rui_free(p->sfactor);
  rui_free(p->sw);
  rui_free(p->sok);
  rui_free(p->sidx);
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
  const char **ligands = rui_malloc((p->nc + 1) * sizeof *ligands);
  if (ligands == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  for (size_t i = 0; i < p->nc; i++) ligands[i] = p->names[i];
  double *k = p->k_nm + p->ntargets * p->nc;
  ru_status st = ru_pd_affinities(p->kb, name, p->nc, ligands, k, err);
  rui_free(ligands);
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
  /* the pd layer's own pieces of the occupancy (ru_pd_occupancy_series) */
  st = ru_pd_target_scale(p->kb, name, &p->tscale[p->ntargets], NULL, err);
  double *ki = p->ki + p->ntargets * p->nc;
  for (size_t i = 0; st == RU_OK && i < p->nc; i++) {
    ru_value v;
    st = ru_kb_affinity(p->kb, p->names[i], name, &v, err);
    ki[i] = (st == RU_OK && isfinite(k[i]) && isfinite(v.value) && v.value > 0.0) ? v.value
                                                                                 : nan("");
  }
  if (st != RU_OK) return st;
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
  {
    /* per-compound tables, sized by the subject (no fixed compound count) */
    const size_t nc = p->nc;
    p->names = rui_calloc(nc + 1, sizeof *p->names);
    p->fu = rui_calloc(nc + 1, sizeof *p->fu);
    p->mw = rui_calloc(nc + 1, sizeof *p->mw);
    p->kpuu = rui_calloc(nc + 1, sizeof *p->kpuu);
    p->sigma = rui_calloc(nc + 1, sizeof *p->sigma);
    p->var = rui_calloc(3 * nc + 1, sizeof *p->var);
    p->k_nm = rui_calloc(RU_POP_MAX_TARGETS * nc + 1, sizeof *p->k_nm);
    p->ki = rui_calloc(RU_POP_MAX_TARGETS * nc + 1, sizeof *p->ki);
    p->band_name = rui_calloc(nc + RU_POP_MAX_TARGETS, sizeof *p->band_name);
    p->nom = rui_calloc(RU_POP_MAX_PHENOTYPES * MAXH * nc * 3 + 1, sizeof *p->nom);
    p->central = rui_calloc(nc + 1, sizeof *p->central);
    if (p->names == NULL || p->fu == NULL || p->mw == NULL || p->kpuu == NULL ||
        p->sigma == NULL || p->var == NULL || p->k_nm == NULL || p->ki == NULL || p->band_name == NULL || p->nom == NULL || p->central == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      goto fail;
    }
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
          double *nom = p->nom + ((g * MAXH + h) * p->nc + i) * 3;
          nom[0] = pp->cl_f_l_per_h.value;
          nom[1] = pp->v_f_l.value;
          nom[2] = pp->ka_per_h.value;
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
    if (!cfg->force_general) {
      /* the general path: the hybrid solver, several subjects per solve in SIMD lanes (one lane
       * when steady-state records need the numeric steady state, which runs per subject) */
      rui_timeline tl;
      if ((st = rui_sim_timeline(p->slow, p->t[p->nt - 1], &tl, err)) != RU_OK) goto fail;
      const int ss = tl.nss > 0;
      rui_timeline_free(&tl);
      p->lanes = ss ? 1 : (cfg->lanes > 0 ? cfg->lanes : RU_POP_DEFAULT_LANES);
      if (p->lanes > RUI_HYB_LANES_MAX) p->lanes = RUI_HYB_LANES_MAX;
      while (RUI_POP_TILE % p->lanes != 0) p->lanes--; /* whole batches per tile */
      if ((st = rui_hyb_subject_new(p->slow, p->lanes, 0, NULL, 0, NULL, &p->hyb, err)) != RU_OK) {
        goto fail;
      }
    }
  }
  p->conc = rui_malloc(RUI_POP_TILE * p->nc * p->nt * sizeof *p->conc);
  p->occ = rui_malloc((RUI_POP_TILE * p->ntargets * p->nt + 1) * sizeof *p->occ);
  p->tile = rui_calloc(RUI_POP_TILE, sizeof *p->tile);
  p->factor = rui_malloc((RUI_POP_TILE * 3 * p->nc + 1) * sizeof *p->factor);
  if (p->x == NULL || p->conc == NULL || p->occ == NULL || p->tile == NULL || p->factor == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto fail;
  }
  if (p->fast) {
    const size_t n = p->ncmt, M = RUI_POP_STREAM;
    p->stile = rui_calloc(M, sizeof *p->stile);
    p->sfactor = rui_malloc(M * 3 * p->nc * sizeof *p->sfactor);
    p->sw = rui_malloc(M * (n * n + n + 4 * p->nc + p->ntargets) * sizeof *p->sw);
    p->sok = rui_malloc(M * p->ncrit + 1);
    p->sidx = rui_malloc(M * sizeof *p->sidx);
    if (p->stile == NULL || p->sfactor == NULL || p->sw == NULL || p->sok == NULL ||
        p->sidx == NULL) {
      st = ru_error_set(err, RU_ENOMEM, "out of memory");
      goto fail;
    }
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
const char *ru_pop_engine(const ru_pop *p) {
  if (p == NULL) return "";
  return p->fast ? "closed-form fixed-step propagator"
                 : p->hyb != NULL ? "hybrid solver (SIMD lanes)" : "ru_sim_run";
}
size_t ru_pop_lanes(const ru_pop *p) { return p != NULL && p->hyb != NULL ? p->lanes : 1; }
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

/* Draws of subject `index` into subj (its factors into factor[3 nc]). */
static void draw(const ru_pop *p, uint64_t index, ru_pop_subject *subj, double *factor) {
  memset(subj, 0, sizeof *subj);
  subj->index = index;
  subj->factor = factor;
  subj->nfactor = 3 * p->nc;
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
      factor[3 * i + k] = 1.0;
      if (p->sigma[i][k] <= 0.0) continue;
      ctr.v[0] = 1;
      ctr.v[1] = 3 * i + k;
      r = philox4x64(ctr, key);
      const double u1 = uniform01(r.v[0]), u2 = uniform01(r.v[1]);
      const double z = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
      factor[3 * i + k] = exp(p->sigma[i][k] * z);
    }
  }
}

/* Concentrations of the subject into conc[i * nt + j] (fast path). */
static ru_status simulate_fast(ru_pop *p, const ru_pop_subject *subj, double *conc,
                               ru_error *err) {
  const size_t g = subj->phenotype, h = p->h_used ? subj->cyp2c19 : 0;
  ru_sim *s = p->gs[g][h];
  const double(*nom)[3] = (const double(*)[3])(p->nom + (g * MAXH + h) * p->nc * 3);
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
    double *out = conc + i * p->nt;
    const double *xs = p->x + c;
    for (size_t q = 0; q < p->nt; q++) {
      const double v = xs[q * n] * scale;
      out[q] = v > 0.0 ? v : 0.0; /* round-off below 0 clipped, as ru_sim_run does */
    }
  }
  return RU_OK;
}

/* Concentrations through the public simulation API (force_general: the reference path). */
static ru_status simulate_general(ru_pop *p, const ru_pop_subject *subj, double *conc,
                                  ru_error *err) {
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
  if (st == RU_OK) st = ru_sim_run(p->slow, p->t, p->nt, conc, err);
  return st;
}

/* The hybrid batch: tile slots k0 .. k0+m run as lanes of one hybrid solve (every lane's numbers
 * are bitwise those of a solve on its own: hybrid.h). */
typedef struct hyb_out {
  ru_pop *p;
  size_t k0, m;
} hyb_out;

static int hyb_emit(void *user, size_t lane, size_t j, double t_h, const double *y) {
  const hyb_out *o = user;
  const ru_pop *p = o->p;
  (void)t_h;
  if (lane >= o->m) {
    return 0; /* a filler lane of a partial batch */
  }
  const ru_sim *ls = rui_hyb_subject_lane_sim(p->hyb, lane);
  double *conc = p->conc + (o->k0 + lane) * p->nc * p->nt;
  for (size_t i = 0; i < p->nc; i++) {
    const double v = y[(size_t)ls->c[i].central] / ls->c[i].v_l * 1000.0;
    conc[i * p->nt + j] = v > 0.0 ? v : 0.0; /* round-off below 0 clipped, as ru_sim_run does */
  }
  return 0;
}

static ru_status simulate_hybrid(ru_pop *p, size_t k0, size_t m, ru_error *err) {
  ru_status st = RU_OK;
  for (size_t l = 0; l < p->lanes && st == RU_OK; l++) {
    const ru_pop_subject *subj = &p->tile[k0 + (l < m ? l : 0)];
    st = rui_hyb_subject_set_activity(p->hyb, l, "CYP2D6", p->act[subj->phenotype], err);
    if (st == RU_OK && p->nh > 0) {
      st = rui_hyb_subject_set_activity(p->hyb, l, "CYP2C19", p->hact[subj->cyp2c19], err);
    }
    for (size_t i = 0; st == RU_OK && i < p->nc; i++) {
      for (size_t k = 0; st == RU_OK && k < 3; k++) {
        if (p->sigma[i][k] > 0.0) {
          st = rui_hyb_subject_scale(p->hyb, l, i, KEYS[k], subj->factor[3 * i + k], err);
        }
      }
    }
  }
  hyb_out o = {p, k0, m};
  if (st == RU_OK) st = rui_hyb_subject_run(p->hyb, p->t, p->nt, hyb_emit, &o, err);
  return st;
}

/* Occupancy bands of tile slot k from its concentrations: the competitive-binding formula of
 * pd.h (ru_pd_occupancy_series: binding ratios x_i = Cu_i Kp,uu_i / Ki_i summed in compound
 * order, occupancy z / (1 + z) with z the sum over the target's scale) written over the time
 * grid with the same operations in the same order per time point, so the numbers are bitwise the
 * library's (tests/unit/test_pop_hybrid.c checks it); vectorisable over time. */
static void occupancy(ru_pop *p, size_t k) {
  const size_t nt = p->nt, nc = p->nc;
  const double *conc = p->conc + k * nc * nt;
  for (size_t b = 0; b < p->ntargets; b++) {
    const double *kk = p->ki + b * nc;
    double *occ = p->occ + (k * p->ntargets + b) * nt;
    for (size_t j = 0; j < nt; j++) {
      occ[j] = 0.0;
    }
    for (size_t i = 0; i < nc; i++) {
      if (!isfinite(kk[i])) continue;
      const double fu = p->fu[i], mw = p->mw[i], kp = p->kpuu[i], ki = kk[i];
      const double *c = conc + i * nt;
      for (size_t j = 0; j < nt; j++) {
        const double x = c[j] * fu / mw * 1000.0 * kp / ki; /* ru_pd_unbound_nm x Kp,uu / Ki */
        occ[j] += x > 0.0 ? x : 0.0;
      }
    }
    const double scale = p->tscale[b];
    for (size_t j = 0; j < nt; j++) {
      const double z = occ[j] / scale; /* ru_pd_occupancy_of_ratio */
      occ[j] = occ[j] > 0.0 && scale > 0.0 ? z / (1.0 + z) : 0.0;
    }
  }
}

/* Draws and simulates tile slots 0 .. m-1 for subjects first .. first+m-1. */
static ru_status tile_run(ru_pop *p, uint64_t first, size_t m, ru_error *err) {
  for (size_t k = 0; k < m; k++) {
    draw(p, first + k, &p->tile[k], p->factor + k * 3 * p->nc);
  }
  ru_status st = RU_OK;
  if (p->hyb != NULL) {
    for (size_t k0 = 0; k0 < m && st == RU_OK; k0 += p->lanes) {
      st = simulate_hybrid(p, k0, m - k0 < p->lanes ? m - k0 : p->lanes, err);
    }
  } else {
    for (size_t k = 0; k < m && st == RU_OK; k++) {
      double *conc = p->conc + k * p->nc * p->nt;
      st = p->fast ? simulate_fast(p, &p->tile[k], conc, err)
                   : simulate_general(p, &p->tile[k], conc, err);
    }
  }
  for (size_t k = 0; k < m && st == RU_OK; k++) {
    occupancy(p, k);
  }
  return st;
}

/* Adds tile slots 0 .. m-1 to the summary, time-major: at each time point every subject of the
 * tile lands in the same neighbourhood of that point's histogram row, so the rows stay in cache
 * (subject-major, every subject walked all the rows: 2 x 673 cache misses per subject on the
 * atomoxetine problem, bench/README_pop.md). Integer sums and min/max: the order is immaterial,
 * the summary is bitwise the same for any tile size. */
static void accumulate(const ru_pop *p, size_t m, ru_pop_summary *s) {
  const size_t nt = p->nt, nc = p->nc, ntg = p->ntargets;
  s->cnt[0] += (int64_t)m;
  for (size_t b = 0; b < nc + ntg; b++) {
    const int is_conc = b < nc;
    int64_t *h = s->cnt + s->off_band[b];
    double *lo = s->lo + b * nt, *hi = s->hi + b * nt;
    for (size_t j = 0; j < nt; j++) {
      int64_t *row = h + j * (is_conc ? (size_t)RUI_POP_LOG_BINS : (size_t)RUI_POP_LIN_BINS);
      double l = lo[j], u = hi[j];
      for (size_t k = 0; k < m; k++) {
        const double v = is_conc ? p->conc[(k * nc + b) * nt + j]
                                 : p->occ[(k * ntg + (b - nc)) * nt + j];
        row[is_conc ? rui_pop_log_bin(v) : rui_pop_lin_bin(v)]++;
        if (v < l) l = v;
        if (v > u) u = v;
      }
      lo[j] = l;
      hi[j] = u;
    }
  }
  for (size_t c = 0; c < p->ncrit; c++) {
    const double thr = p->crit[c].threshold;
    const int at_least = p->crit[c].at_least;
    int64_t *a = s->cnt + s->off_att + c * nt;
    for (size_t k = 0; k < m; k++) {
      const double *occ = p->occ + (k * ntg + p->crit_target[c]) * nt;
      int all = 1;
      for (size_t j = 0; j < nt; j++) {
        const int meets = at_least ? occ[j] >= thr : occ[j] <= thr;
        a[j] += meets;
        if (j >= p->j0 && !meets) all = 0;
      }
      s->cnt[s->off_fin + c] += all;
    }
  }
  for (size_t k = 0; k < m; k++) {
    const ru_pop_subject *subj = &p->tile[k];
    int64_t *grp = s->cnt + s->off_ph + subj->phenotype * rui_pop_ph_stride(&s->shape);
    grp[0]++;
    for (size_t i = 0; i < nc; i++) {
      const double *c = p->conc + (k * nc + i) * nt;
      double auc = 0.0;
      for (size_t j = p->j0 + 1; j < nt; j++) {
        auc += 0.5 * (c[j] + c[j - 1]) * (p->t[j] - p->t[j - 1]);
      }
      int64_t *e = grp + 1 + i * (2 + (size_t)RUI_POP_LOG_BINS);
      rui_pop_fix_add(e, auc);
      e[2 + rui_pop_log_bin(auc)]++;
      const size_t mm = (nc + ntg) * nt + subj->phenotype * nc + i;
      if (auc < s->lo[mm]) s->lo[mm] = auc;
      if (auc > s->hi[mm]) s->hi[mm] = auc;
    }
  }
}

/* Function multiversioning of the streaming kernel (GCC on x86-64), as the hybrid solver's
 * (src/pk/hybrid_step.c): AVX2 / AVX-512 clones picked at load time, the same IEEE operations in
 * each (the file is built with -ffp-contract=off: CMakeLists.txt), so the summary does not depend
 * on the CPU. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define POP_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define POP_CLONES
#endif

/* rui_pop_log_bin / rui_pop_lin_bin as branch-free selects on 32-bit indices (vectorisable;
 * the same bins: values are converted only where they are in range). */
static inline int32_t log_bin32(double v) {
  const uint64_t q = (rui_pop_bits(v) - rui_pop_bits(RUI_POP_LOG_LO)) >> (52 - RUI_POP_SUB_BITS);
  int32_t r = 2 + (int32_t)(q & 0xFFFFu); /* in range: q < RUI_POP_NLOG */
  r = v >= RUI_POP_LOG_HI ? RUI_POP_LOG_BINS - 1 : r;
  r = v < RUI_POP_LOG_LO ? 1 : r;
  r = v <= 0.0 ? 0 : r;
  r = v != v ? RUI_POP_LOG_BINS - 1 : r; /* NaN: overflow */
  return r;
}
static inline int32_t lin_bin32(double v) {
  double x = v * (double)RUI_POP_LIN_BINS;
  x = x < (double)(RUI_POP_LIN_BINS - 1) ? x : (double)(RUI_POP_LIN_BINS - 1);
  x = x > 0.0 ? x : 0.0;
  const int32_t r = (int32_t)x;
  return v > 0.0 ? r : 0;
}

/* x <- phi x for m subjects in structure of arrays (phi[(r n + c) M + k], x[c M + k]), with
 * rui_lin_stepper_step's operations: unrolled sums from the first product for n <= 3, a sum from
 * 0 for larger n. */
static inline __attribute__((always_inline)) void step_soa(const double *phi, double *x, size_t n, size_t m, size_t M) {
  if (n == 1) {
#pragma omp simd
    for (size_t k = 0; k < m; k++) x[k] *= phi[k];
    return;
  }
  if (n == 2) {
    const double *p0 = phi, *p1 = phi + M, *p2 = phi + 2 * M, *p3 = phi + 3 * M;
    double *x0 = x, *x1 = x + M;
#pragma omp simd
    for (size_t k = 0; k < m; k++) {
      const double a = x0[k], b = x1[k];
      x0[k] = p0[k] * a + p1[k] * b;
      x1[k] = p2[k] * a + p3[k] * b;
    }
    return;
  }
  double y[RUI_LIN_MAX];
  for (size_t k = 0; k < m; k++) {
    for (size_t r = 0; r < n; r++) {
      double acc = n <= 3 ? phi[r * n * M + k] * x[k] : 0.0;
      for (size_t c = n <= 3 ? 1 : 0; c < n; c++) acc += phi[(r * n + c) * M + k] * x[c * M + k];
      y[r] = acc;
    }
    for (size_t r = 0; r < n; r++) x[r * M + k] = y[r];
  }
}

/* The fast path streamed: subjects first .. first+m-1 (m <= RUI_POP_STREAM) stepped together
 * through the grid in structure-of-arrays form (slot k of each array), each time point's
 * concentrations, occupancies, histogram rows, attainment counts and AUC sums done for all of
 * them before the next point. The numbers are those of simulate_fast + occupancy + accumulate
 * operation for operation (the propagator product in rui_lin_stepper_step's order, the same
 * conversions, integer sums): the summary is bitwise the tile path's (tests/unit/test_pop.c,
 * with an observer forcing the tile path), while each histogram row is visited once per m
 * subjects instead of once per RUI_POP_TILE (the cost of the layer: bench/README_pop.md). */
POP_CLONES static ru_status stream_fast(ru_pop *p, uint64_t first, size_t m,
                                        ru_pop_summary *s, ru_error *err) {
  const size_t M = RUI_POP_STREAM, n = p->ncmt, nn = n * n, nc = p->nc, nt = p->nt;
  const size_t ntg = p->ntargets;
  double *phi = p->sw, *x = phi + nn * M, *scale = x + n * M, *cur = scale + nc * M;
  double *prev = cur + nc * M, *auc = prev + nc * M, *occ = auc + nc * M;
  for (size_t k = 0; k < m; k++) {
    ru_pop_subject *subj = &p->stile[k];
    draw(p, first + k, subj, p->sfactor + k * 3 * nc);
    const size_t g = subj->phenotype, h = p->h_used ? subj->cyp2c19 : 0;
    ru_sim *sim = p->gs[g][h];
    const double(*nom)[3] = (const double(*)[3])(p->nom + (g * MAXH + h) * nc * 3);
    for (size_t i = 0; i < nc; i++) {
      ru_pk_params *pp = &sim->c[i].p;
      pp->cl_f_l_per_h.value = nom[i][0] * subj->factor[3 * i];
      pp->v_f_l.value = nom[i][1] * subj->factor[3 * i + 1];
      if (isfinite(nom[i][2])) pp->ka_per_h.value = nom[i][2] * subj->factor[3 * i + 2];
      rui_sim_rederive(sim, i);
      scale[i * M + k] = 1000.0 / sim->c[i].v_l; /* mg/L -> ng/mL */
    }
    rui_lin_system sys;
    rui_sim_linear_matrix(sim, &sys);
    rui_lin_stepper stp;
    const ru_status st = rui_lin_stepper_init(&stp, &sys, p->h);
    if (st != RU_OK) return ru_error_set(err, st, "population: matrix exponential failed");
    for (size_t q = 0; q < nn; q++) phi[q * M + k] = stp.phi[q];
  }
  memset(x, 0, n * M * sizeof *x);
  memset(auc, 0, nc * M * sizeof *auc);
  memset(p->sok, 1, M * p->ncrit + 1);
  s->cnt[0] += (int64_t)m;
  int32_t *idx = p->sidx;
  size_t d = 0;
  for (size_t j = 0; j < nt; j++) {
    while (d < p->ndoses && p->doses[d].j == j) {
      double *xc = x + p->doses[d].cmt * M;
      const double a = p->doses[d].amount;
#pragma omp simd
      for (size_t k = 0; k < m; k++) xc[k] += a;
      d++;
    }
    /* concentrations and their band */
    for (size_t i = 0; i < nc; i++) {
      const double *xi = x + p->central[i] * M, *sc = scale + i * M;
      double *c = cur + i * M;
      double lo = s->lo[i * nt + j], hi = s->hi[i * nt + j];
#pragma omp simd reduction(min : lo) reduction(max : hi)
      for (size_t k = 0; k < m; k++) {
        const double v0 = xi[k] * sc[k];
        const double v = v0 > 0.0 ? v0 : 0.0; /* round-off below 0 clipped, as ru_sim_run does */
        c[k] = v;
        idx[k] = log_bin32(v);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
      }
      s->lo[i * nt + j] = lo;
      s->hi[i * nt + j] = hi;
      int64_t *row = s->cnt + s->off_band[i] + j * (size_t)RUI_POP_LOG_BINS;
      for (size_t k = 0; k < m; k++) row[idx[k]]++;
    }
    /* occupancies (as occupancy()) and their bands */
    for (size_t b = 0; b < ntg; b++) {
      const double *kk = p->ki + b * nc;
      double *o = occ + b * M;
#pragma omp simd
      for (size_t k = 0; k < m; k++) o[k] = 0.0;
      for (size_t i = 0; i < nc; i++) {
        if (!isfinite(kk[i])) continue;
        const double fu = p->fu[i], mw = p->mw[i], kp = p->kpuu[i], ki = kk[i];
        const double *c = cur + i * M;
#pragma omp simd
        for (size_t k = 0; k < m; k++) {
          const double xr = c[k] * fu / mw * 1000.0 * kp / ki;
          o[k] += xr > 0.0 ? xr : 0.0;
        }
      }
      const double sc = p->tscale[b];
      const size_t band = nc + b;
      double lo = s->lo[band * nt + j], hi = s->hi[band * nt + j];
#pragma omp simd reduction(min : lo) reduction(max : hi)
      for (size_t k = 0; k < m; k++) {
        const double z = o[k] / sc;
        const double v = o[k] > 0.0 && sc > 0.0 ? z / (1.0 + z) : 0.0;
        o[k] = v;
        idx[k] = lin_bin32(v);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
      }
      s->lo[band * nt + j] = lo;
      s->hi[band * nt + j] = hi;
      int64_t *row = s->cnt + s->off_band[band] + j * (size_t)RUI_POP_LIN_BINS;
      for (size_t k = 0; k < m; k++) row[idx[k]]++;
    }
    for (size_t c = 0; c < p->ncrit; c++) {
      const double thr = p->crit[c].threshold, *o = occ + p->crit_target[c] * M;
      const int at_least = p->crit[c].at_least, window = j >= p->j0;
      unsigned char *ok = p->sok + c * M;
      int64_t met = 0;
#pragma omp simd reduction(+ : met)
      for (size_t k = 0; k < m; k++) {
        const int meets = at_least ? o[k] >= thr : o[k] <= thr;
        met += meets;
        ok[k] = (unsigned char)(ok[k] & (meets | !window));
      }
      s->cnt[s->off_att + c * nt + j] += met;
    }
    /* the end-window AUC by the trapezoid rule, in the order of accumulate() */
    if (j >= p->j0 + 1) {
      const double dt = p->t[j] - p->t[j - 1];
      for (size_t q = 0; q < nc * M; q += M) {
        double *au = auc + q;
        const double *cu = cur + q, *pv = prev + q;
#pragma omp simd
        for (size_t k = 0; k < m; k++) au[k] += 0.5 * (cu[k] + pv[k]) * dt;
      }
    }
    double *sw = prev;
    prev = cur;
    cur = sw;
    /* x <- e^{A h} x in rui_lin_stepper_step's order */
    if (j + 1 < nt) step_soa(phi, x, n, m, M);
  }
  for (size_t c = 0; c < p->ncrit; c++) {
    int64_t all = 0;
    for (size_t k = 0; k < m; k++) all += p->sok[c * M + k];
    s->cnt[s->off_fin + c] += all;
  }
  for (size_t k = 0; k < m; k++) {
    const ru_pop_subject *subj = &p->stile[k];
    int64_t *grp = s->cnt + s->off_ph + subj->phenotype * rui_pop_ph_stride(&s->shape);
    grp[0]++;
    for (size_t i = 0; i < nc; i++) {
      const double a = auc[i * M + k];
      int64_t *e = grp + 1 + i * (2 + (size_t)RUI_POP_LOG_BINS);
      rui_pop_fix_add(e, a);
      e[2 + rui_pop_log_bin(a)]++;
      const size_t mm = (nc + ntg) * nt + subj->phenotype * nc + i;
      if (a < s->lo[mm]) s->lo[mm] = a;
      if (a > s->hi[mm]) s->hi[mm] = a;
    }
  }
  return RU_OK;
}

ru_status ru_pop_subject_run(ru_pop *p, uint64_t index, ru_pop_subject *subj, double *conc,
                             double *occ, ru_error *err) {
  if (p == NULL || subj == NULL) return ru_error_set(err, RU_EINVAL, "ru_pop_subject_run: NULL");
  const ru_status st = tile_run(p, index, 1, err);
  if (st != RU_OK) return st;
  *subj = p->tile[0];
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
  if (p->fast && p->observer == NULL) {
    for (uint64_t k = 0; k < count; k += RUI_POP_STREAM) {
      if (cancel != NULL && *cancel) {
        return ru_error_set(err, RU_EINTERRUPTED, "interrupted after %llu of %llu subjects",
                            (unsigned long long)k, (unsigned long long)count);
      }
      const size_t m = count - k < RUI_POP_STREAM ? (size_t)(count - k) : RUI_POP_STREAM;
      const ru_status st = stream_fast(p, first + k, m, sum, err);
      if (st != RU_OK) return st;
      if (progress != NULL && ((k + m) % RU_POP_BLOCK == 0 || k + m == count)) {
        progress(k + m, count, user);
      }
    }
    return RU_OK;
  }
  for (uint64_t k = 0; k < count; k += RUI_POP_TILE) {
    if (cancel != NULL && *cancel) {
      return ru_error_set(err, RU_EINTERRUPTED, "interrupted after %llu of %llu subjects",
                          (unsigned long long)k, (unsigned long long)count);
    }
    const size_t m = count - k < RUI_POP_TILE ? (size_t)(count - k) : RUI_POP_TILE;
    const ru_status st = tile_run(p, first + k, m, err);
    if (st != RU_OK) return st;
    if (p->observer) {
      for (size_t q = 0; q < m; q++) {
        p->observer(&p->tile[q], p->conc + q * p->nc * p->nt,
                    p->occ + q * p->ntargets * p->nt, p->observer_user);
      }
    }
    accumulate(p, m, sum);
    if (progress != NULL && ((k + m) % RU_POP_BLOCK == 0 || k + m == count)) {
      progress(k + m, count, user);
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
