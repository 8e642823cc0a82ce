/* The synapse layer: volume-transmission ODE for extracellular NE, DA and 5-HT per region,
 * source-nucleus firing with somatodendritic autoreceptor inhibition, terminal autoreceptor
 * brakes and slow somatodendritic desensitization, integrated with SUNDIALS CVODE (BDF, dense).
 * Equations in include/reuptake/synapse.h and docs/synapse.md; every number from params.c. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include "core/alloc.h"
#include "synapse/synapse_impl.h"

#define RUI_NAN ((double)NAN)

#define NA RU_SYN_NANALYTES
#define NTR RU_SYN_NTRANSPORTERS
#define NTG RU_SYN_NTARGETS

/* Occupancies are clamped below 1 so that antagonist odds B = o/(1-o) stay finite. The bound is
 * numerical, not physiological: 1 - 1e-9 changes no reported digit. */
#define OCC_MAX (1.0 - 1e-9)
#define SECONDS_PER_HOUR 3600.0
#define HOURS_PER_DAY 24.0
#define UM_TO_NM 1000.0

typedef enum occ_mode { OCC_CONSTANT = 0, OCC_SAMPLES, OCC_FN } occ_mode;

typedef struct region_entry {
  int builtin;               /* 1: rebuilt from the parameter values at each run */
  size_t builtin_index;      /* which built-in */
  ru_syn_region_spec spec;   /* the data (custom regions) */
} region_entry;

struct ru_synapse {
  double p[RUI_P_COUNT];                      /* this simulation's parameter values */
  size_t nreg;
  region_entry reg[RU_SYN_MAX_REGIONS];
  double local_occ[RU_SYN_MAX_REGIONS][NTG]; /* < 0: no local override */
  double expr[NTR];                           /* transporter expression scale */
  occ_mode mode;
  double occ_const[NTG];
  double *samp_t;                             /* OCC_SAMPLES: nsamp times, nsamp*NTG values */
  double *samp_occ;
  size_t nsamp;
  ru_syn_occupancy_fn fn;
  void *fn_user;
  /* results of the last run */
  size_t nt;
  size_t nstate;
  double *res_t;     /* nt */
  double *res_y;     /* nt * nstate */
  double *res_x;     /* nt * NA firing fold */
  double c0_reg[RU_SYN_MAX_REGIONS][NA]; /* wild-type basal concentrations of the run, nM */
  double c0_soma[NA];
};

/* --- names ---------------------------------------------------------------------------------- */

static const char *const ANALYTE_NAMES[NA] = {"NE", "DA", "5-HT"};
static const char *const NUCLEUS_NAMES[NA] = {"LC", "VTA", "DRN"};
static const char *const TARGET_NAMES[NTG] = {"NET", "DAT", "SERT", "alpha2", "D2", "5-HT1A",
                                              "5-HT1B"};
/* Somatodendritic and terminal autoreceptor of each transmitter. */
static const ru_syn_target SOMA_RECEPTOR[NA] = {RU_SYN_ALPHA2, RU_SYN_D2, RU_SYN_5HT1A};
static const ru_syn_target TERM_RECEPTOR[NA] = {RU_SYN_ALPHA2, RU_SYN_D2, RU_SYN_5HT1B};

static const char *const BUILTIN_REGIONS[] = {"pfc", "striatum", "hippocampus"};
#define NBUILTIN (sizeof BUILTIN_REGIONS / sizeof BUILTIN_REGIONS[0])

const char *ru_synapse_analyte_name(ru_syn_analyte a) {
  return ((unsigned)a < NA) ? ANALYTE_NAMES[a] : NULL;
}
const char *ru_synapse_nucleus_name(ru_syn_nucleus n) {
  return ((unsigned)n < NA) ? NUCLEUS_NAMES[n] : NULL;
}
const char *ru_synapse_target_name(ru_syn_target t) {
  return ((unsigned)t < NTG) ? TARGET_NAMES[t] : NULL;
}
size_t ru_synapse_builtin_region_count(void) { return NBUILTIN; }
const char *ru_synapse_builtin_region_name(size_t i) {
  return i < NBUILTIN ? BUILTIN_REGIONS[i] : NULL;
}

/* Lower-cases and drops '-', '_' and spaces: "5-HT1A" -> "5ht1a". */
static void normalise(const char *in, char *out, size_t cap) {
  size_t j = 0;
  for (size_t i = 0; in[i] != '\0' && j + 1 < cap; i++) {
    const unsigned char ch = (unsigned char)in[i];
    if (ch == '-' || ch == '_' || ch == ' ') {
      continue;
    }
    out[j++] = (char)tolower(ch);
  }
  out[j] = '\0';
}

ru_status ru_synapse_target_parse(const char *name, ru_syn_target *out, ru_error *err) {
  static const struct {
    const char *key;
    ru_syn_target t;
  } keys[] = {{"net", RU_SYN_NET},       {"dat", RU_SYN_DAT},       {"sert", RU_SYN_SERT},
              {"5htt", RU_SYN_SERT},     {"alpha2", RU_SYN_ALPHA2}, {"alpha2a", RU_SYN_ALPHA2},
              {"a2", RU_SYN_ALPHA2},     {"d2", RU_SYN_D2},         {"5ht1a", RU_SYN_5HT1A},
              {"ht1a", RU_SYN_5HT1A},    {"5ht1b", RU_SYN_5HT1B},   {"ht1b", RU_SYN_5HT1B}};
  if (name == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "target: NULL argument");
  }
  char key[32];
  normalise(name, key, sizeof key);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    if (strcmp(key, keys[i].key) == 0) {
      *out = keys[i].t;
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_ENOTFOUND,
                      "unknown target '%s' (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B)", name);
}

/* --- lifecycle ------------------------------------------------------------------------------ */

ru_synapse *ru_synapse_new(ru_error *err) {
  ru_synapse *s = rui_calloc(1, sizeof *s);
  if (s == NULL) {
    ru_error_set(err, RU_ENOMEM, "synapse: out of memory");
    return NULL;
  }
  for (size_t i = 0; i < RUI_P_COUNT; i++) {
    s->p[i] = rui_syn_param_value((rui_syn_param)i);
  }
  s->nreg = NBUILTIN;
  for (size_t r = 0; r < NBUILTIN; r++) {
    s->reg[r].builtin = 1;
    s->reg[r].builtin_index = r;
    rui_strlcpy(s->reg[r].spec.name, BUILTIN_REGIONS[r], sizeof s->reg[r].spec.name);
  }
  for (size_t r = 0; r < RU_SYN_MAX_REGIONS; r++) {
    for (size_t j = 0; j < NTG; j++) {
      s->local_occ[r][j] = -1.0;
    }
  }
  for (size_t j = 0; j < NTR; j++) {
    s->expr[j] = 1.0;
  }
  s->mode = OCC_CONSTANT;
  return s;
}

static void clear_results(ru_synapse *s) {
  rui_free(s->res_t);
  rui_free(s->res_y);
  rui_free(s->res_x);
  s->res_t = NULL;
  s->res_y = NULL;
  s->res_x = NULL;
  s->nt = 0;
}

void ru_synapse_free(ru_synapse *s) {
  if (s == NULL) {
    return;
  }
  clear_results(s);
  rui_free(s->samp_t);
  rui_free(s->samp_occ);
  rui_free(s);
}

/* --- regions -------------------------------------------------------------------------------- */

size_t ru_synapse_region_count(const ru_synapse *s) { return s ? s->nreg : 0; }

const char *ru_synapse_region_name(const ru_synapse *s, size_t i) {
  return (s != NULL && i < s->nreg) ? s->reg[i].spec.name : NULL;
}

ru_status ru_synapse_region_find(const ru_synapse *s, const char *name, size_t *idx,
                                 ru_error *err) {
  static const struct {
    const char *alias;
    const char *region;
  } aliases[] = {{"prefrontal", "pfc"},   {"prefrontalcortex", "pfc"}, {"frontal", "pfc"},
                 {"fc", "pfc"},           {"mpfc", "pfc"},             {"frontalcortex", "pfc"},
                 {"hpc", "hippocampus"},  {"dhpc", "hippocampus"},     {"str", "striatum"},
                 {"dorsalstriatum", "striatum"}, {"vhpc", "hippocampus"},
                 {"dorsalhippocampus", "hippocampus"}, {"ventralhippocampus", "hippocampus"},
                 {"caudate", "striatum"},  {"caudateputamen", "striatum"},
                 /* NAc: DAT-dominated DA clearance like striatum (Mateo 2004 DAT-KO NAc: no NET
                  * clearance); its own c0 and DAT rate are not separated (docs/synapse.md) */
                 {"nac", "striatum"},      {"nucleusaccumbens", "striatum"},
                 {"accumbens", "striatum"}, {"ventralstriatum", "striatum"}};
  if (s == NULL || name == NULL || idx == NULL) {
    return ru_error_set(err, RU_EINVAL, "region: NULL argument");
  }
  char key[RU_SYN_REGION_NAME_MAX + 8];
  normalise(name, key, sizeof key);
  const char *target = key;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
    if (strcmp(key, aliases[i].alias) == 0) {
      target = aliases[i].region;
    }
  }
  for (size_t r = 0; r < s->nreg; r++) {
    char rk[RU_SYN_REGION_NAME_MAX + 8];
    normalise(s->reg[r].spec.name, rk, sizeof rk);
    if (strcmp(rk, target) == 0) {
      *idx = r;
      return RU_OK;
    }
  }
  char list[256] = "";
  for (size_t r = 0; r < s->nreg; r++) {
    if (r > 0) {
      strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    strncat(list, s->reg[r].spec.name, sizeof list - strlen(list) - 1);
  }
  return ru_error_set(err, RU_ENOTFOUND, "unknown region '%s' (one of: %s)", name, list);
}

ru_status ru_synapse_add_region(ru_synapse *s, const ru_syn_region_spec *spec, ru_error *err) {
  if (s == NULL || spec == NULL) {
    return ru_error_set(err, RU_EINVAL, "add_region: NULL argument");
  }
  if (spec->name[0] == '\0' || memchr(spec->name, '\0', sizeof spec->name) == NULL) {
    return ru_error_set(err, RU_EINVAL, "add_region: empty or unterminated name");
  }
  size_t dummy = 0;
  if (ru_synapse_region_find(s, spec->name, &dummy, NULL) == RU_OK) {
    return ru_error_set(err, RU_EINVAL, "add_region: region '%s' exists", spec->name);
  }
  for (size_t a = 0; a < NA; a++) {
    double sum = 0.0;
    if (!(spec->c0_nM[a] > 0.0) || !isfinite(spec->c0_nM[a]) || !(spec->k_per_s[a] > 0.0) ||
        !isfinite(spec->k_per_s[a]) || !(spec->impulse_fraction[a] >= 0.0) ||
        !(spec->impulse_fraction[a] <= 1.0)) {
      return ru_error_set(err, RU_EINVAL, "add_region '%s': bad c0, k or impulse fraction for %s",
                          spec->name, ANALYTE_NAMES[a]);
    }
    for (size_t t = 0; t < NTR; t++) {
      if (!(spec->share[a][t] >= 0.0) || !(spec->share[a][t] <= 1.0)) {
        return ru_error_set(err, RU_EINVAL, "add_region '%s': share out of [0,1]", spec->name);
      }
      sum += spec->share[a][t];
    }
    if (sum > 1.0 + 1e-12) {
      return ru_error_set(err, RU_EINVAL, "add_region '%s': %s transporter shares sum to %g > 1",
                          spec->name, ANALYTE_NAMES[a], sum);
    }
    for (size_t n = 0; n < NA; n++) {
      if (!(spec->source_mix[a][n] >= 0.0) || !(spec->source_mix[a][n] <= 1.0)) {
        return ru_error_set(err, RU_EINVAL, "add_region '%s': source_mix out of [0,1]",
                            spec->name);
      }
    }
  }
  if (s->nreg >= RU_SYN_MAX_REGIONS) {
    return ru_error_set(err, RU_ERANGE, "add_region: at most %d regions", RU_SYN_MAX_REGIONS);
  }
  region_entry *e = &s->reg[s->nreg];
  memset(e, 0, sizeof *e);
  e->builtin = 0;
  e->spec = *spec;
  s->nreg++;
  return RU_OK;
}

/* --- parameters and inputs ------------------------------------------------------------------ */

static long param_index(const char *name) {
  for (size_t i = 0; i < RUI_P_COUNT; i++) {
    const ru_synapse_param *row = ru_synapse_param_get(i);
    if (row != NULL && strcmp(row->name, name) == 0) {
      return (long)i;
    }
  }
  return -1;
}

ru_status ru_synapse_set_param(ru_synapse *s, const char *name, double value, ru_error *err) {
  if (s == NULL || name == NULL) {
    return ru_error_set(err, RU_EINVAL, "set_param: NULL argument");
  }
  const long i = param_index(name);
  if (i < 0) {
    return ru_error_set(err, RU_ENOTFOUND, "unknown synapse parameter '%s' (see --params)", name);
  }
  if (!isfinite(value) || value < 0.0) {
    return ru_error_set(err, RU_ERANGE, "parameter '%s' must be finite and >= 0 (got %g)", name,
                        value);
  }
  s->p[i] = value;
  return RU_OK;
}

double ru_synapse_get_param(const ru_synapse *s, const char *name) {
  if (s == NULL || name == NULL) {
    return RUI_NAN;
  }
  const long i = param_index(name);
  return i < 0 ? RUI_NAN : s->p[i];
}

ru_status ru_synapse_set_expression(ru_synapse *s, ru_syn_target transporter, double scale,
                                    ru_error *err) {
  if (s == NULL || (unsigned)transporter >= NTR) {
    return ru_error_set(err, RU_EINVAL, "expression: transporter must be NET, DAT or SERT");
  }
  if (!isfinite(scale) || scale < 0.0 || scale > 10.0) {
    return ru_error_set(err, RU_ERANGE, "expression %s=%g outside [0, 10]",
                        TARGET_NAMES[transporter], scale);
  }
  s->expr[transporter] = scale;
  return RU_OK;
}

static ru_status check_occ(const double *occ, size_t n, ru_error *err) {
  for (size_t i = 0; i < n; i++) {
    if (!(occ[i] >= 0.0 && occ[i] <= 1.0)) {
      return ru_error_set(err, RU_ERANGE, "occupancy %s=%g outside [0, 1]",
                          TARGET_NAMES[i % NTG], occ[i]);
    }
  }
  return RU_OK;
}

ru_status ru_synapse_set_occupancy_constant(ru_synapse *s, const double occ[RU_SYN_NTARGETS],
                                            ru_error *err) {
  if (s == NULL || occ == NULL) {
    return ru_error_set(err, RU_EINVAL, "occupancy: NULL argument");
  }
  const ru_status st = check_occ(occ, NTG, err);
  if (st != RU_OK) {
    return st;
  }
  memcpy(s->occ_const, occ, sizeof s->occ_const);
  s->mode = OCC_CONSTANT;
  return RU_OK;
}

ru_status ru_synapse_set_occupancy_samples(ru_synapse *s, const double *time_h, size_t n,
                                           const double *occ, ru_error *err) {
  if (s == NULL || time_h == NULL || occ == NULL || n == 0) {
    return ru_error_set(err, RU_EINVAL, "occupancy samples: NULL or empty");
  }
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(time_h[k]) || (k > 0 && !(time_h[k] > time_h[k - 1]))) {
      return ru_error_set(err, RU_EINVAL, "occupancy samples: times must ascend strictly");
    }
  }
  const ru_status st = check_occ(occ, n * NTG, err);
  if (st != RU_OK) {
    return st;
  }
  double *t = rui_malloc(n * sizeof *t);
  double *o = rui_malloc(n * NTG * sizeof *o);
  if (t == NULL || o == NULL) {
    rui_free(t);
    rui_free(o);
    return ru_error_set(err, RU_ENOMEM, "occupancy samples: out of memory");
  }
  memcpy(t, time_h, n * sizeof *t);
  memcpy(o, occ, n * NTG * sizeof *o);
  rui_free(s->samp_t);
  rui_free(s->samp_occ);
  s->samp_t = t;
  s->samp_occ = o;
  s->nsamp = n;
  s->mode = OCC_SAMPLES;
  return RU_OK;
}

ru_status ru_synapse_set_occupancy_fn(ru_synapse *s, ru_syn_occupancy_fn fn, void *user,
                                      ru_error *err) {
  if (s == NULL || fn == NULL) {
    return ru_error_set(err, RU_EINVAL, "occupancy callback: NULL argument");
  }
  s->fn = fn;
  s->fn_user = user;
  s->mode = OCC_FN;
  return RU_OK;
}

ru_status ru_synapse_set_local_occupancy(ru_synapse *s, size_t region, ru_syn_target t,
                                         double occ, ru_error *err) {
  if (s == NULL || region >= s->nreg || (unsigned)t >= NTG) {
    return ru_error_set(err, RU_EINVAL, "local occupancy: bad region or target");
  }
  if (occ > 1.0 || !isfinite(occ)) {
    return ru_error_set(err, RU_ERANGE, "local occupancy %g > 1", occ);
  }
  s->local_occ[region][t] = occ < 0.0 ? -1.0 : occ;
  return RU_OK;
}

/* --- the model ------------------------------------------------------------------------------ */

/* One compartment (region x analyte, or a nucleus), rates per hour, concentrations in nM. */
typedef struct comp {
  double c0;            /* wild-type basal concentration */
  double vmax[NTR];     /* transporter Vmax at wild-type expression, nM/h */
  double km[NTR];       /* nM */
  double k_res;         /* linear residual clearance, 1/h */
  double imp;           /* impulse-dependent fraction of release */
  double mix[NA];       /* share of release driven by each nucleus */
  double r0;            /* basal release, nM/h (solved) */
} comp;

typedef struct model {
  const ru_synapse *s;
  size_t nreg;
  comp reg[RU_SYN_MAX_REGIONS][NA];
  comp soma[NA];
  double kappa, a0, hill;
  double g_soma[NA], g_term[NA], d_des[NA], tau_h;
  double f0[NA];
  double expr[NTR];
  int nodrug;          /* 1 while settling the pre-drug state */
  int fn_failed;
  const double *occ_given; /* rui_syn_system_rhs: the caller's occupancies, else NULL */
} model;

static double km_nM(const double *p, size_t t) {
  switch (t) {
  case RU_SYN_NET: return p[RUI_P_KM_NET] * UM_TO_NM;
  case RU_SYN_DAT: return p[RUI_P_KM_DAT] * UM_TO_NM;
  default: return p[RUI_P_KM_SERT] * UM_TO_NM;
  }
}

/* Transporter uptake with competitive inhibition: apparent Km = Km / (1 - occ). */
static double uptake(const comp *c, const double *expr, const double *occ, double conc) {
  double v = c->k_res * conc;
  for (size_t t = 0; t < NTR; t++) {
    if (c->vmax[t] > 0.0) {
      const double free_frac = 1.0 - fmin(occ[t], OCC_MAX);
      v += expr[t] * c->vmax[t] * free_frac * conc / (c->km[t] + free_frac * conc);
    }
  }
  return v;
}

static void comp_init(comp *c, const double *p, double c0, double k_per_s, const double *share,
                      double imp, const double *mix, size_t own) {
  const double k_h = k_per_s * SECONDS_PER_HOUR;
  double shsum = 0.0;
  c->c0 = c0;
  for (size_t t = 0; t < NTR; t++) {
    c->km[t] = km_nM(p, t);
    /* share of the low-concentration rate constant: Vmax/Km = share * k */
    c->vmax[t] = share[t] * k_h * c->km[t];
    shsum += share[t];
  }
  c->k_res = fmax(0.0, 1.0 - shsum) * k_h;
  c->imp = imp;
  double msum = 0.0;
  for (size_t n = 0; n < NA; n++) {
    c->mix[n] = mix != NULL ? mix[n] : 0.0;
    msum += c->mix[n];
  }
  if (!(msum > 0.0)) {
    c->mix[own] = 1.0;
  } else {
    for (size_t n = 0; n < NA; n++) {
      c->mix[n] /= msum;
    }
  }
  const double zero[NTG] = {0};
  const double one[NTR] = {1.0, 1.0, 1.0};
  c->r0 = uptake(c, one, zero, c0); /* steady state at c0 with wild-type expression */
}

/* Built-in region data from the parameter values (see params.c notes). */
static void builtin_spec(const double *p, size_t which, ru_syn_region_spec *sp) {
  memset(sp, 0, sizeof *sp);
  rui_strlcpy(sp->name, BUILTIN_REGIONS[which], sizeof sp->name);
  const int striatum = (which == 1);
  /* NE: NET (and optionally DAT) clearance, same in every region */
  sp->c0_nM[RU_SYN_NE] = p[RUI_P_C0_NE];
  sp->k_per_s[RU_SYN_NE] = p[RUI_P_K_NE];
  sp->share[RU_SYN_NE][RU_SYN_NET] = p[RUI_P_SH_NET_NE];
  sp->share[RU_SYN_NE][RU_SYN_DAT] = p[RUI_P_SH_DAT_NE];
  sp->impulse_fraction[RU_SYN_NE] = p[RUI_P_IMP_NE];
  if (striatum) {
    sp->c0_nM[RU_SYN_DA] = p[RUI_P_C0_DA_STR];
    sp->k_per_s[RU_SYN_DA] = p[RUI_P_K_DA_STR];
    sp->share[RU_SYN_DA][RU_SYN_DAT] = p[RUI_P_SH_DAT_DA_STR];
    sp->share[RU_SYN_DA][RU_SYN_NET] = p[RUI_P_SH_NET_DA_STR];
    sp->impulse_fraction[RU_SYN_DA] = p[RUI_P_IMP_DA_STR];
    sp->c0_nM[RU_SYN_5HT] = p[RUI_P_C0_5HT_STR];
    sp->k_per_s[RU_SYN_5HT] = p[RUI_P_K_SERT] / p[RUI_P_SH_SERT_STR];
    sp->share[RU_SYN_5HT][RU_SYN_SERT] = p[RUI_P_SH_SERT_STR];
  } else {
    sp->c0_nM[RU_SYN_DA] = p[RUI_P_C0_DA_CTX];
    sp->k_per_s[RU_SYN_DA] = p[RUI_P_K_DA_CTX];
    sp->share[RU_SYN_DA][RU_SYN_DAT] = p[RUI_P_SH_DAT_DA_CTX];
    /* derived row da.share_net_cortex, recomputed so overrides propagate */
    sp->share[RU_SYN_DA][RU_SYN_NET] = (1.0 - p[RUI_P_SH_DAT_DA_CTX]) * p[RUI_P_SH_NET_NE];
    sp->impulse_fraction[RU_SYN_DA] = p[RUI_P_IMP_DA_CTX];
    sp->source_mix[RU_SYN_DA][RU_SYN_LC] = p[RUI_P_DA_CTX_LC_FRACTION];
    sp->source_mix[RU_SYN_DA][RU_SYN_VTA] = 1.0 - p[RUI_P_DA_CTX_LC_FRACTION];
    sp->c0_nM[RU_SYN_5HT] = p[RUI_P_C0_5HT_CTX];
    sp->k_per_s[RU_SYN_5HT] = p[RUI_P_K_SERT] / p[RUI_P_SH_SERT_CTX];
    sp->share[RU_SYN_5HT][RU_SYN_SERT] = p[RUI_P_SH_SERT_CTX];
  }
  sp->impulse_fraction[RU_SYN_5HT] = p[RUI_P_IMP_5HT];
}

static ru_status model_init(model *m, const ru_synapse *s, ru_error *err) {
  const double *p = s->p;
  memset(m, 0, sizeof *m);
  m->s = s;
  m->nreg = s->nreg;
  m->a0 = p[RUI_P_A0];
  m->hill = p[RUI_P_HILL];
  if (!(m->a0 > 0.0 && m->a0 < 1.0) || !(m->hill > 0.0)) {
    return ru_error_set(err, RU_ERANGE, "autoreceptor.a0 must be in (0,1) and hill > 0");
  }
  m->kappa = m->a0 / (1.0 - m->a0);
  m->g_soma[RU_SYN_NE] = p[RUI_P_G_S_ALPHA2];
  m->g_soma[RU_SYN_DA] = p[RUI_P_G_S_D2];
  m->g_soma[RU_SYN_5HT] = p[RUI_P_G_S_5HT1A];
  m->g_term[RU_SYN_NE] = p[RUI_P_G_T_ALPHA2];
  m->g_term[RU_SYN_DA] = p[RUI_P_G_T_D2];
  m->g_term[RU_SYN_5HT] = p[RUI_P_G_T_5HT1B];
  m->d_des[RU_SYN_NE] = p[RUI_P_D_DES_ALPHA2];
  m->d_des[RU_SYN_DA] = p[RUI_P_D_DES_D2];
  m->d_des[RU_SYN_5HT] = p[RUI_P_D_DES_5HT1A];
  m->tau_h = p[RUI_P_TAU_DES] * HOURS_PER_DAY;
  m->f0[RU_SYN_NE] = p[RUI_P_F0_LC];
  m->f0[RU_SYN_DA] = p[RUI_P_F0_VTA];
  m->f0[RU_SYN_5HT] = p[RUI_P_F0_DRN];
  if (!(m->tau_h > 0.0)) {
    return ru_error_set(err, RU_ERANGE, "5ht1a.desensitization_tau must be > 0");
  }
  for (size_t a = 0; a < NA; a++) {
    if (!(m->g_soma[a] * m->a0 < 1.0) || !(m->g_term[a] * m->a0 < 1.0)) {
      return ru_error_set(err, RU_ERANGE,
                          "autoreceptor gain x a0 must be < 1 (baseline firing/release > 0)");
    }
  }
  memcpy(m->expr, s->expr, sizeof m->expr);
  for (size_t r = 0; r < s->nreg; r++) {
    ru_syn_region_spec sp;
    if (s->reg[r].builtin) {
      builtin_spec(p, s->reg[r].builtin_index, &sp);
    } else {
      sp = s->reg[r].spec;
    }
    for (size_t a = 0; a < NA; a++) {
      const double shsum = sp.share[a][0] + sp.share[a][1] + sp.share[a][2];
      if (!(sp.c0_nM[a] > 0.0) || !(sp.k_per_s[a] > 0.0) || shsum > 1.0 + 1e-12) {
        return ru_error_set(err, RU_ERANGE, "region %s, %s: invalid c0, k or shares (sum %g)",
                            sp.name, ANALYTE_NAMES[a], shsum);
      }
      comp_init(&m->reg[r][a], p, sp.c0_nM[a], sp.k_per_s[a], sp.share[a],
                sp.impulse_fraction[a], sp.source_mix[a], a);
    }
  }
  /* Source nuclei: LC like cortical NE; VTA with the striatal DAT share and the cortical
   * placeholder c0; DRN like cortical 5-HT (params.c notes: assumed). */
  ru_syn_region_spec ctx;
  ru_syn_region_spec str;
  builtin_spec(p, 0, &ctx);
  builtin_spec(p, 1, &str);
  comp_init(&m->soma[RU_SYN_NE], p, ctx.c0_nM[RU_SYN_NE], ctx.k_per_s[RU_SYN_NE],
            ctx.share[RU_SYN_NE], ctx.impulse_fraction[RU_SYN_NE], NULL, RU_SYN_NE);
  comp_init(&m->soma[RU_SYN_DA], p, ctx.c0_nM[RU_SYN_DA], str.k_per_s[RU_SYN_DA],
            str.share[RU_SYN_DA], ctx.impulse_fraction[RU_SYN_DA], NULL, RU_SYN_DA);
  comp_init(&m->soma[RU_SYN_5HT], p, ctx.c0_nM[RU_SYN_5HT], ctx.k_per_s[RU_SYN_5HT],
            ctx.share[RU_SYN_5HT], ctx.impulse_fraction[RU_SYN_5HT], NULL, RU_SYN_5HT);
  return RU_OK;
}

static void occupancy_at(model *m, double t, double occ[NTG]) {
  const ru_synapse *s = m->s;
  if (m->nodrug) {
    memset(occ, 0, NTG * sizeof occ[0]);
    return;
  }
  if (m->occ_given != NULL) {
    for (size_t j = 0; j < NTG; j++) {
      const double o = m->occ_given[j];
      occ[j] = isfinite(o) ? fmin(1.0, fmax(0.0, o)) : 0.0;
    }
    return;
  }
  switch (s->mode) {
  case OCC_CONSTANT:
    memcpy(occ, s->occ_const, NTG * sizeof occ[0]);
    break;
  case OCC_SAMPLES: {
    const size_t n = s->nsamp;
    if (t <= s->samp_t[0]) {
      memcpy(occ, s->samp_occ, NTG * sizeof occ[0]);
    } else if (t >= s->samp_t[n - 1]) {
      memcpy(occ, s->samp_occ + (n - 1) * NTG, NTG * sizeof occ[0]);
    } else {
      size_t lo = 0;
      size_t hi = n - 1;
      while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (s->samp_t[mid] <= t) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      const double w = (t - s->samp_t[lo]) / (s->samp_t[hi] - s->samp_t[lo]);
      for (size_t j = 0; j < NTG; j++) {
        occ[j] = (1.0 - w) * s->samp_occ[lo * NTG + j] + w * s->samp_occ[hi * NTG + j];
      }
    }
    break;
  }
  case OCC_FN:
    if (s->fn(t, occ, s->fn_user) != 0) {
      m->fn_failed = 1;
    }
    for (size_t j = 0; j < NTG; j++) {
      occ[j] = isfinite(occ[j]) ? fmin(1.0, fmax(0.0, occ[j])) : 0.0;
    }
    break;
  }
}

/* Receptor activation by the transmitter at fold c with sensitivity s and antagonist occupancy
 * o: A = k (s c)^n / (1 + k (s c)^n + o/(1-o)). */
static double activation(const model *m, double c, double sens, double o) {
  const double u = m->kappa * pow(fmax(sens * c, 0.0), m->hill);
  const double oc = fmin(fmax(o, 0.0), OCC_MAX);
  return u / (1.0 + u + oc / (1.0 - oc));
}

/* Firing as fold of the wild-type baseline from the nucleus state. */
static void firing(const model *m, const double *y, const double *occ, double x[NA]) {
  const size_t base = m->nreg * NA;
  for (size_t a = 0; a < NA; a++) {
    const double cs = y[base + a] / m->soma[a].c0;
    const double sens = y[base + NA + a];
    const double act = activation(m, cs, sens, occ[SOMA_RECEPTOR[a]]);
    x[a] = fmax(0.0, 1.0 - m->g_soma[a] * act) / (1.0 - m->g_soma[a] * m->a0);
  }
}

static void rhs_eval(model *m, double t, const double *y, double *dy) {
  double occ[NTG];
  double x[NA];
  occupancy_at(m, t, occ);
  firing(m, y, occ, x);
  const size_t base = m->nreg * NA;
  for (size_t a = 0; a < NA; a++) {
    const comp *c = &m->soma[a];
    const double conc = fmax(y[base + a], 0.0);
    dy[base + a] = c->r0 * ((1.0 - c->imp) + c->imp * x[a]) - uptake(c, m->expr, occ, conc);
    /* desensitization driven by receptor activation at naive sensitivity */
    const double act_naive = activation(m, conc / c->c0, 1.0, occ[SOMA_RECEPTOR[a]]);
    const double drive = fmax(0.0, act_naive / m->a0 - 1.0);
    const double s_inf = 1.0 / (1.0 + m->d_des[a] * drive);
    dy[base + NA + a] = (s_inf - y[base + NA + a]) / m->tau_h;
  }
  for (size_t r = 0; r < m->nreg; r++) {
    double o[NTG];
    for (size_t j = 0; j < NTG; j++) {
      const double loc = m->nodrug ? -1.0 : m->s->local_occ[r][j];
      o[j] = loc >= 0.0 ? loc : occ[j];
    }
    for (size_t a = 0; a < NA; a++) {
      const comp *c = &m->reg[r][a];
      const double conc = fmax(y[r * NA + a], 0.0);
      const double act = activation(m, conc / c->c0, 1.0, o[TERM_RECEPTOR[a]]);
      const double brake =
          fmax(0.0, 1.0 - m->g_term[a] * act) / (1.0 - m->g_term[a] * m->a0);
      double rel = 0.0;
      for (size_t n = 0; n < NA; n++) {
        rel += c->mix[n] * ((1.0 - c->imp) + c->imp * x[n]);
      }
      dy[r * NA + a] = c->r0 * rel * brake - uptake(c, m->expr, o, conc);
    }
  }
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user) {
  model *m = user;
  rhs_eval(m, (double)t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  return m->fn_failed ? -1 : 0;
}

static void cv_silent(int error_code, const char *module, const char *function, char *msg,
                      void *user) {
  (void)error_code;
  (void)module;
  (void)function;
  (void)msg;
  (void)user; /* the library never prints; failures surface as RU_ESOLVER */
}

/* Integrates y (n states) from t0 to each times[k], writing out[k*n]. */
static ru_status integrate(model *m, size_t n, double *y, double t0, const double *times,
                           size_t nt, double hmax, double *out, ru_error *err) {
  ru_status st = RU_OK;
  SUNContext ctx = NULL;
  N_Vector v = NULL;
  SUNMatrix A = NULL;
  SUNLinearSolver LS = NULL;
  void *cv = NULL;
  if (SUNContext_Create(NULL, &ctx) != 0) {
    return ru_error_set(err, RU_ENOMEM, "synapse: cannot create SUNDIALS context");
  }
  v = N_VNew_Serial((sunindextype)n, ctx);
  A = SUNDenseMatrix((sunindextype)n, (sunindextype)n, ctx);
  cv = CVodeCreate(CV_BDF, ctx);
  if (v == NULL || A == NULL || cv == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse: cannot allocate the CVODE solver");
    goto done;
  }
  LS = SUNLinSol_Dense(v, A, ctx);
  if (LS == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse: cannot allocate the linear solver");
    goto done;
  }
  memcpy(N_VGetArrayPointer(v), y, n * sizeof *y);
  /* Tolerances: concentrations are O(1-100) nM and sensitivities O(1); 1e-7 relative and
   * 1e-9 absolute keep reported folds exact to well below the 3 significant digits shown. */
  if (CVodeSetErrHandlerFn(cv, cv_silent, NULL) != CV_SUCCESS ||
      CVodeInit(cv, cv_rhs, (sunrealtype)t0, v) != CV_SUCCESS ||
      CVodeSStolerances(cv, 1e-7, 1e-9) != CV_SUCCESS || CVodeSetUserData(cv, m) != CV_SUCCESS ||
      CVodeSetLinearSolver(cv, LS, A) != CV_SUCCESS ||
      CVodeSetMaxNumSteps(cv, 200000) != CV_SUCCESS) {
    st = ru_error_set(err, RU_ESOLVER, "synapse: CVODE set-up failed");
    goto done;
  }
  if (hmax > 0.0 && CVodeSetMaxStep(cv, (sunrealtype)hmax) != CV_SUCCESS) {
    st = ru_error_set(err, RU_ESOLVER, "synapse: CVODE set-up failed");
    goto done;
  }
  double tcur = t0;
  for (size_t k = 0; k < nt; k++) {
    if (times[k] > tcur) {
      sunrealtype tret = 0;
      const int flag = CVode(cv, (sunrealtype)times[k], v, &tret, CV_NORMAL);
      if (flag < 0 || m->fn_failed) {
        st = m->fn_failed
                 ? ru_error_set(err, RU_ESOLVER, "synapse: occupancy callback failed at t = %g h",
                                (double)tret)
                 : ru_error_set(err, RU_ESOLVER, "synapse: CVODE flag %d at t = %g h", flag,
                                (double)tret);
        goto done;
      }
      tcur = times[k];
    }
    memcpy(out + k * n, N_VGetArrayPointer(v), n * sizeof *out);
  }
  memcpy(y, N_VGetArrayPointer(v), n * sizeof *y);
done:
  if (cv != NULL) {
    CVodeFree(&cv);
  }
  if (LS != NULL) {
    SUNLinSolFree(LS);
  }
  if (A != NULL) {
    SUNMatDestroy(A);
  }
  if (v != NULL) {
    N_VDestroy(v);
  }
  SUNContext_Free(&ctx);
  return st;
}

ru_status ru_synapse_run(ru_synapse *s, const double *times_h, size_t nt, ru_error *err) {
  if (s == NULL || times_h == NULL || nt == 0) {
    return ru_error_set(err, RU_EINVAL, "synapse run: NULL or empty times");
  }
  for (size_t k = 0; k < nt; k++) {
    if (!isfinite(times_h[k]) || times_h[k] < 0.0 || (k > 0 && times_h[k] < times_h[k - 1])) {
      return ru_error_set(err, RU_EINVAL, "synapse run: times must be >= 0 and ascending");
    }
  }
  model m;
  ru_status st = model_init(&m, s, err);
  if (st != RU_OK) {
    return st;
  }
  const size_t n = s->nreg * NA + 2 * NA;
  double *y = rui_malloc(n * sizeof *y);
  double *res_y = rui_malloc(nt * n * sizeof *res_y);
  double *res_t = rui_malloc(nt * sizeof *res_t);
  double *res_x = rui_malloc(nt * NA * sizeof *res_x);
  if (y == NULL || res_y == NULL || res_t == NULL || res_x == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse run: out of memory");
    goto fail;
  }
  /* wild-type drug-free steady state (exact by construction of r0) */
  for (size_t r = 0; r < s->nreg; r++) {
    for (size_t a = 0; a < NA; a++) {
      y[r * NA + a] = m.reg[r][a].c0;
    }
  }
  for (size_t a = 0; a < NA; a++) {
    y[s->nreg * NA + a] = m.soma[a].c0;
    y[s->nreg * NA + NA + a] = 1.0;
  }
  const int mutant = s->expr[0] != 1.0 || s->expr[1] != 1.0 || s->expr[2] != 1.0;
  if (mutant) {
    /* Chronic genotype: settle the drug-free model for 40 desensitization time constants
     * (e^-40: the pre-drug state is converged to solver tolerance). */
    const double settle = 40.0 * m.tau_h;
    m.nodrug = 1;
    st = integrate(&m, n, y, 0.0, &settle, 1, 0.0, res_y, err);
    m.nodrug = 0;
    if (st != RU_OK) {
      goto fail;
    }
  }
  double hmax = 0.0;
  if (s->mode != OCC_CONSTANT) {
    hmax = 1.0; /* follow time-varying occupancy: at most 1 h steps */
    if (s->mode == OCC_SAMPLES) {
      for (size_t k = 1; k < s->nsamp; k++) {
        hmax = fmin(hmax, s->samp_t[k] - s->samp_t[k - 1]);
      }
    }
  }
  st = integrate(&m, n, y, 0.0, times_h, nt, hmax, res_y, err);
  if (st != RU_OK) {
    goto fail;
  }
  for (size_t k = 0; k < nt; k++) {
    double occ[NTG];
    res_t[k] = times_h[k];
    occupancy_at(&m, times_h[k], occ);
    firing(&m, res_y + k * n, occ, res_x + k * NA);
  }
  clear_results(s);
  s->res_t = res_t;
  s->res_y = res_y;
  s->res_x = res_x;
  s->nt = nt;
  s->nstate = n;
  for (size_t r = 0; r < s->nreg; r++) {
    for (size_t a = 0; a < NA; a++) {
      s->c0_reg[r][a] = m.reg[r][a].c0;
    }
  }
  for (size_t a = 0; a < NA; a++) {
    s->c0_soma[a] = m.soma[a].c0;
  }
  rui_free(y);
  return RU_OK;
fail:
  rui_free(y);
  rui_free(res_y);
  rui_free(res_t);
  rui_free(res_x);
  return st;
}

/* --- the model as a system for another integrator (synapse_impl.h) ------------------------- */

struct rui_syn_system {
  model m;
  size_t n;
};

ru_status rui_syn_system_new(const ru_synapse *s, rui_syn_system **out, size_t *n, double **y0,
                             ru_error *err) {
  if (s == NULL || out == NULL || n == NULL || y0 == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse system: NULL argument");
  }
  *out = NULL;
  *y0 = NULL;
  rui_syn_system *sys = rui_calloc(1, sizeof *sys);
  if (sys == NULL) {
    return ru_error_set(err, RU_ENOMEM, "synapse system: out of memory");
  }
  ru_status st = model_init(&sys->m, s, err);
  const size_t ns = s->nreg * NA + 2 * NA;
  double *y = st == RU_OK ? rui_malloc(ns * sizeof *y) : NULL;
  if (st == RU_OK && y == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse system: out of memory");
  }
  if (st == RU_OK) {
    /* the pre-drug state of ru_synapse_run */
    for (size_t r = 0; r < s->nreg; r++) {
      for (size_t a = 0; a < NA; a++) {
        y[r * NA + a] = sys->m.reg[r][a].c0;
      }
    }
    for (size_t a = 0; a < NA; a++) {
      y[s->nreg * NA + a] = sys->m.soma[a].c0;
      y[s->nreg * NA + NA + a] = 1.0;
    }
    if (s->expr[0] != 1.0 || s->expr[1] != 1.0 || s->expr[2] != 1.0) {
      const double settle = 40.0 * sys->m.tau_h;
      double *tmp = rui_malloc(ns * sizeof *tmp);
      sys->m.nodrug = 1;
      st = tmp == NULL ? ru_error_set(err, RU_ENOMEM, "synapse system: out of memory")
                       : integrate(&sys->m, ns, y, 0.0, &settle, 1, 0.0, tmp, err);
      sys->m.nodrug = 0;
      rui_free(tmp);
    }
  }
  if (st != RU_OK) {
    rui_free(y);
    rui_free(sys);
    return st;
  }
  sys->n = ns;
  *n = ns;
  *y0 = y;
  *out = sys;
  return RU_OK;
}

void rui_syn_system_rhs(rui_syn_system *sys, const double occ[RU_SYN_NTARGETS], const double *y,
                        double *dy) {
  sys->m.occ_given = occ;
  rhs_eval(&sys->m, 0.0, y, dy);
  sys->m.occ_given = NULL;
}

void rui_syn_system_free(rui_syn_system *sys) { rui_free(sys); }

/* --- results -------------------------------------------------------------------------------- */

size_t ru_synapse_result_count(const ru_synapse *s) { return s ? s->nt : 0; }

double ru_synapse_result_time(const ru_synapse *s, size_t k) {
  return (s != NULL && k < s->nt) ? s->res_t[k] : RUI_NAN;
}

double ru_synapse_conc_nM(const ru_synapse *s, size_t k, size_t region, ru_syn_analyte a) {
  if (s == NULL || k >= s->nt || region >= s->nreg || (unsigned)a >= NA) {
    return RUI_NAN;
  }
  return s->res_y[k * s->nstate + region * NA + (size_t)a];
}

double ru_synapse_fold(const ru_synapse *s, size_t k, size_t region, ru_syn_analyte a) {
  const double c = ru_synapse_conc_nM(s, k, region, a);
  return isfinite(c) ? c / s->c0_reg[region][a] : RUI_NAN;
}

double ru_synapse_firing_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n) {
  if (s == NULL || k >= s->nt || (unsigned)n >= NA) {
    return RUI_NAN;
  }
  return s->res_x[k * NA + (size_t)n];
}

double ru_synapse_firing_hz(const ru_synapse *s, size_t k, ru_syn_nucleus n) {
  static const rui_syn_param f0[NA] = {RUI_P_F0_LC, RUI_P_F0_VTA, RUI_P_F0_DRN};
  const double x = ru_synapse_firing_fold(s, k, n);
  return isfinite(x) ? x * s->p[f0[n]] : RUI_NAN;
}

double ru_synapse_sensitivity(const ru_synapse *s, size_t k, ru_syn_nucleus n) {
  if (s == NULL || k >= s->nt || (unsigned)n >= NA) {
    return RUI_NAN;
  }
  return s->res_y[k * s->nstate + s->nreg * NA + NA + (size_t)n];
}

double ru_synapse_soma_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n) {
  if (s == NULL || k >= s->nt || (unsigned)n >= NA) {
    return RUI_NAN;
  }
  return s->res_y[k * s->nstate + s->nreg * NA + (size_t)n] / s->c0_soma[n];
}

ru_status ru_synapse_fold_at(const double occ[RU_SYN_NTARGETS], const double *expr,
                             const char *region, ru_syn_analyte a, double hours, double *fold,
                             ru_error *err) {
  if (occ == NULL || region == NULL || fold == NULL || (unsigned)a >= NA || !(hours >= 0.0)) {
    return ru_error_set(err, RU_EINVAL, "fold_at: bad argument");
  }
  ru_synapse *s = ru_synapse_new(err);
  if (s == NULL) {
    return RU_ENOMEM;
  }
  size_t r = 0;
  ru_status st = ru_synapse_region_find(s, region, &r, err);
  for (size_t t = 0; st == RU_OK && expr != NULL && t < NTR; t++) {
    st = ru_synapse_set_expression(s, (ru_syn_target)t, expr[t], err);
  }
  if (st == RU_OK) {
    st = ru_synapse_set_occupancy_constant(s, occ, err);
  }
  if (st == RU_OK) {
    st = ru_synapse_run(s, &hours, 1, err);
  }
  if (st == RU_OK) {
    *fold = ru_synapse_fold(s, 0, r, a);
  }
  ru_synapse_free(s);
  return st;
}
