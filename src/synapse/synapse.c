/* The synapse layer: volume-transmission ODE for extracellular NE, DA and 5-HT per region and at
 * the source nuclei, firing of LC, VTA and dorsal raphe under somatodendritic autoreceptors and
 * cross-system inputs (alpha1 on raphe, 5-HT2C on VTA), terminal autoreceptor brakes, a
 * store-limited release capacity, transporter reversal by substrate releasers, and slow
 * desensitization of every autoreceptor; integrated with the shared CVODE driver
 * (src/pk/ode.h). Equations in include/reuptake/synapse.h and docs/synapse.md; every number
 * from the knowledge base through the registry in params.c. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "pk/ode.h"
#include "synapse/synapse_impl.h"

#define RUI_NAN ((double)NAN)

#define NA RU_SYN_NANALYTES
#define NTR RU_SYN_NTRANSPORTERS
#define NIN RU_SYN_NINPUTS
#define NAFF 2 /* afferent compartments: NE at the raphe (alpha1), 5-HT at the VTA (5-HT2C) */

/* Occupancies are clamped below 1 so that the odds o/(1-o) stay finite; the bound is numerical:
 * 1 - 1e-9 changes no reported digit. */
#define OCC_MAX (1.0 - 1e-9)
#define SECONDS_PER_HOUR 3600.0
#define HOURS_PER_DAY 24.0
#define UM_TO_NM 1000.0
#define LN2 0.69314718055994530942 /* ln 2 */
/* The pre-drug state of a genotype scenario is settled for this many of the slowest
 * desensitization time constants (e^-40: converged to solver tolerance). */
#define SETTLE_TAUS 40.0
/* Default tolerances: concentrations are O(1-100) nM and sensitivities O(1); 1e-7 relative and
 * 1e-9 absolute keep the reported 3-4 significant digits exact. */
#define DEFAULT_RTOL 1e-7
#define DEFAULT_ATOL 1e-9

typedef enum in_mode { IN_CONSTANT = 0, IN_SAMPLES, IN_FN } in_mode;

typedef struct region_entry {
  int builtin;          /* 1: rebuilt from the parameter values at each run */
  size_t builtin_index; /* which built-in */
  ru_syn_region_spec spec;
} region_entry;

struct ru_synapse {
  rui_param_set ps;
  size_t nreg;
  region_entry reg[RU_SYN_MAX_REGIONS];
  double local_in[RU_SYN_MAX_REGIONS][NIN]; /* < 0: no local override */
  double expr[NTR];
  in_mode mode;
  double in_const[NIN];
  double *samp_t; /* IN_SAMPLES: nsamp times, nsamp*NIN values */
  double *samp_in;
  size_t nsamp;
  ru_syn_input_fn fn;
  void *fn_user;
  double rtol, atol;
  /* results of the last run */
  size_t nt;
  size_t nstate;
  double *res_t;
  double *res_y;
  double *res_x; /* nt * NA firing folds */
  double c0_reg[RU_SYN_MAX_REGIONS][NA];
  double c0_soma[NA];
};

/* --- names ---------------------------------------------------------------------------------- */

static const char *const ANALYTE_NAMES[NA] = {"NE", "DA", "5-HT"};
static const char *const NUCLEUS_NAMES[NA] = {"LC", "VTA", "DRN"};
static const char *const INPUT_NAMES[NIN] = {
    "NET",    "DAT",   "SERT",   "NET-releaser",   "DAT-releaser",   "SERT-releaser",
    "alpha2", "D2",    "5-HT1A", "5-HT1B",         "alpha1",         "5-HT2C",
    "alpha2-agonist",  "D2-agonist",  "5-HT1A-agonist", "5-HT1B-agonist"};
static const char *const RECEPTOR_NAMES[RU_SYN_NRECEPTORS] = {
    "alpha2 (LC soma)", "D2 (VTA soma)", "5-HT1A (raphe soma)", "alpha2 (terminal)",
    "D2 (terminal)", "5-HT1B (terminal)"};
/* Receptor inputs of each transmitter's somatodendritic and terminal autoreceptor. */
static const ru_syn_input SOMA_ANT[NA] = {RU_SYN_ALPHA2, RU_SYN_D2, RU_SYN_5HT1A};
static const ru_syn_input SOMA_AGO[NA] = {RU_SYN_ALPHA2_AGONIST, RU_SYN_D2_AGONIST,
                                          RU_SYN_5HT1A_AGONIST};
static const ru_syn_input TERM_ANT[NA] = {RU_SYN_ALPHA2, RU_SYN_D2, RU_SYN_5HT1B};
static const ru_syn_input TERM_AGO[NA] = {RU_SYN_ALPHA2_AGONIST, RU_SYN_D2_AGONIST,
                                          RU_SYN_5HT1B_AGONIST};
static const ru_syn_input RELEASER_OF[NTR] = {RU_SYN_NET_RELEASER, RU_SYN_DAT_RELEASER,
                                              RU_SYN_SERT_RELEASER};

static const char *const BUILTIN_REGIONS[] = {"pfc", "striatum", "hippocampus"};
#define NBUILTIN (sizeof BUILTIN_REGIONS / sizeof BUILTIN_REGIONS[0])
enum { B_PFC = 0, B_STR = 1, B_HPC = 2 };

const char *ru_synapse_analyte_name(ru_syn_analyte a) {
  return ((unsigned)a < NA) ? ANALYTE_NAMES[a] : NULL;
}
const char *ru_synapse_nucleus_name(ru_syn_nucleus n) {
  return ((unsigned)n < NA) ? NUCLEUS_NAMES[n] : NULL;
}
const char *ru_synapse_input_name(ru_syn_input t) {
  return ((unsigned)t < NIN) ? INPUT_NAMES[t] : NULL;
}
const char *ru_synapse_receptor_name(ru_syn_receptor r) {
  return ((unsigned)r < RU_SYN_NRECEPTORS) ? RECEPTOR_NAMES[r] : NULL;
}
size_t ru_synapse_builtin_region_count(void) { return NBUILTIN; }
const char *ru_synapse_builtin_region_name(size_t i) {
  return i < NBUILTIN ? BUILTIN_REGIONS[i] : NULL;
}

/* Lower-cases and drops '-', '_', '.' and spaces: "5-HT1A" -> "5ht1a". */
static void normalise(const char *in, char *out, size_t cap) {
  size_t j = 0;
  for (size_t i = 0; in[i] != '\0' && j + 1 < cap; i++) {
    const unsigned char ch = (unsigned char)in[i];
    if (ch == '-' || ch == '_' || ch == ' ' || ch == '.') {
      continue;
    }
    out[j++] = (char)tolower(ch);
  }
  out[j] = '\0';
}

ru_status ru_synapse_input_parse(const char *name, ru_syn_input *out, ru_error *err) {
  static const struct {
    const char *key;
    ru_syn_input t;
  } keys[] = {{"net", RU_SYN_NET},
              {"dat", RU_SYN_DAT},
              {"sert", RU_SYN_SERT},
              {"5htt", RU_SYN_SERT},
              {"netreleaser", RU_SYN_NET_RELEASER},
              {"datreleaser", RU_SYN_DAT_RELEASER},
              {"sertreleaser", RU_SYN_SERT_RELEASER},
              {"alpha2", RU_SYN_ALPHA2},
              {"alpha2a", RU_SYN_ALPHA2},
              {"a2", RU_SYN_ALPHA2},
              {"d2", RU_SYN_D2},
              {"5ht1a", RU_SYN_5HT1A},
              {"ht1a", RU_SYN_5HT1A},
              {"5ht1b", RU_SYN_5HT1B},
              {"ht1b", RU_SYN_5HT1B},
              {"alpha1", RU_SYN_ALPHA1},
              {"a1", RU_SYN_ALPHA1},
              {"5ht2c", RU_SYN_5HT2C},
              {"alpha2agonist", RU_SYN_ALPHA2_AGONIST},
              {"d2agonist", RU_SYN_D2_AGONIST},
              {"5ht1aagonist", RU_SYN_5HT1A_AGONIST},
              {"5ht1bagonist", RU_SYN_5HT1B_AGONIST}};
  if (name == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "input: NULL argument");
  }
  char key[48];
  normalise(name, key, sizeof key);
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    if (strcmp(key, keys[i].key) == 0) {
      *out = keys[i].t;
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_ENOTFOUND,
                      "unknown target '%s' (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B, alpha1, "
                      "5-HT2C)",
                      name);
}

ru_status ru_synapse_receptor_parse(const char *name, ru_syn_input *antagonist_input,
                                    ru_error *err) {
  ru_syn_input t = RU_SYN_NET;
  ru_status st = ru_synapse_input_parse(name, &t, NULL);
  if (st != RU_OK || t < RU_SYN_ALPHA2 || t > RU_SYN_5HT2C) {
    return ru_error_set(err, RU_ENOTFOUND,
                        "unknown receptor '%s' (alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C)",
                        name != NULL ? name : "(null)");
  }
  *antagonist_input = t;
  return RU_OK;
}

double ru_synapse_combine_occupancy(double a, double b) {
  a = fmin(1.0, fmax(0.0, isfinite(a) ? a : 0.0));
  b = fmin(1.0, fmax(0.0, isfinite(b) ? b : 0.0));
  const double ab = a * b;
  if (ab >= 1.0) {
    return 1.0;
  }
  /* odds add: x = a/(1-a) + b/(1-b); occupancy x/(1+x) = 1 - (1-a)(1-b)/(1-ab) */
  return fmin(1.0, fmax(0.0, 1.0 - (1.0 - a) * (1.0 - b) / (1.0 - ab)));
}

/* --- lifecycle ------------------------------------------------------------------------------ */

static void init_defaults(ru_synapse *s) {
  s->nreg = NBUILTIN;
  for (size_t r = 0; r < NBUILTIN; r++) {
    s->reg[r].builtin = 1;
    s->reg[r].builtin_index = r;
    rui_strlcpy(s->reg[r].spec.name, BUILTIN_REGIONS[r], sizeof s->reg[r].spec.name);
  }
  for (size_t r = 0; r < RU_SYN_MAX_REGIONS; r++) {
    for (size_t j = 0; j < NIN; j++) {
      s->local_in[r][j] = -1.0;
    }
  }
  for (size_t j = 0; j < NTR; j++) {
    s->expr[j] = 1.0;
  }
  s->mode = IN_CONSTANT;
  s->rtol = DEFAULT_RTOL;
  s->atol = DEFAULT_ATOL;
}

ru_status ru_synapse_new(const ru_kb *kb, ru_synapse **out, ru_error *err) {
  if (out == NULL || kb == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse: NULL knowledge base or output");
  }
  *out = NULL;
  ru_synapse *s = rui_calloc(1, sizeof *s);
  if (s == NULL) {
    return ru_error_set(err, RU_ENOMEM, "synapse: out of memory");
  }
  const ru_status st = rui_params_load(&s->ps, rui_syn_params, RUI_P_SYN_COUNT, kb, err);
  if (st != RU_OK) {
    rui_free(s);
    return st;
  }
  init_defaults(s);
  *out = s;
  return RU_OK;
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
  rui_free(s->samp_in);
  rui_params_free(&s->ps);
  rui_free(s);
}

ru_synapse *ru_synapse_clone(const ru_synapse *s) {
  if (s == NULL) {
    return NULL;
  }
  ru_synapse *c = rui_malloc(sizeof *c);
  if (c == NULL) {
    return NULL;
  }
  *c = *s;
  c->res_t = NULL;
  c->res_y = NULL;
  c->res_x = NULL;
  c->nt = 0;
  c->samp_t = NULL;
  c->samp_in = NULL;
  c->ps.v = NULL;
  if (rui_params_copy(&c->ps, &s->ps, NULL) != RU_OK) {
    rui_free(c);
    return NULL;
  }
  if (s->mode == IN_SAMPLES && s->nsamp > 0) {
    c->samp_t = rui_malloc(s->nsamp * sizeof *c->samp_t);
    c->samp_in = rui_malloc(s->nsamp * NIN * sizeof *c->samp_in);
    if (c->samp_t == NULL || c->samp_in == NULL) {
      ru_synapse_free(c);
      return NULL;
    }
    memcpy(c->samp_t, s->samp_t, s->nsamp * sizeof *c->samp_t);
    memcpy(c->samp_in, s->samp_in, s->nsamp * NIN * sizeof *c->samp_in);
  }
  return c;
}

ru_status ru_synapse_set_tolerances(ru_synapse *s, double rtol, double atol, ru_error *err) {
  if (s == NULL || !(rtol > 0.0) || !(atol > 0.0) || !isfinite(rtol) || !isfinite(atol)) {
    return ru_error_set(err, RU_EINVAL, "synapse tolerances must be finite and > 0");
  }
  s->rtol = rtol;
  s->atol = atol;
  return RU_OK;
}

void ru_synapse_get_tolerances(const ru_synapse *s, double *rtol, double *atol) {
  if (rtol != NULL) *rtol = s != NULL ? s->rtol : DEFAULT_RTOL;
  if (atol != NULL) *atol = s != NULL ? s->atol : DEFAULT_ATOL;
}

/* --- parameters ----------------------------------------------------------------------------- */

size_t ru_synapse_param_count(const ru_synapse *s) { return s != NULL ? s->ps.n : 0; }

ru_status ru_synapse_param_at(const ru_synapse *s, size_t i, ru_model_param *out, ru_error *err) {
  if (s == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse: NULL simulation");
  }
  return rui_params_at(&s->ps, i, out, err);
}

ru_status ru_synapse_set_param(ru_synapse *s, const char *name, double value, ru_error *err) {
  if (s == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse: NULL simulation");
  }
  return rui_params_set(&s->ps, name, value, err);
}

double ru_synapse_get_param(const ru_synapse *s, const char *name) {
  const long i = s != NULL ? rui_params_index(&s->ps, name) : -1;
  return i < 0 ? RUI_NAN : s->ps.v[i].value;
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
  } aliases[] = {{"prefrontal", "pfc"},       {"prefrontalcortex", "pfc"},
                 {"frontal", "pfc"},          {"fc", "pfc"},
                 {"fcx", "pfc"},              {"mpfc", "pfc"},
                 {"frontalcortex", "pfc"},    {"medialprefrontalcortex", "pfc"},
                 {"hpc", "hippocampus"},      {"dhpc", "hippocampus"},
                 {"vhpc", "hippocampus"},     {"dorsalhippocampus", "hippocampus"},
                 {"ventralhippocampus", "hippocampus"},
                 {"str", "striatum"},         {"dorsalstriatum", "striatum"},
                 {"caudate", "striatum"},     {"caudateputamen", "striatum"},
                 /* NAc: DAT-only DA clearance like striatum (Mateo 2004 DAT-KO NAc: no NET
                  * clearance); its own lower DA level and DAT rate are not separated */
                 {"nac", "striatum"},         {"nucleusaccumbens", "striatum"},
                 {"accumbens", "striatum"},   {"ventralstriatum", "striatum"},
                 /* other cortical fields take the prefrontal parameter set, other forebrain
                  * terminal fields of LC and raphe (hypothalamus, diencephalon) the
                  * hippocampal one: no region-specific clearance or release values exist in
                  * the sourced data (docs/synapse.md) */
                 {"cortex", "pfc"},           {"cerebralcortex", "pfc"},
                 {"parietalcortex", "pfc"},   {"occipitalcortex", "pfc"},
                 {"parietalandoccipitalcortex", "pfc"},
                 {"hypothalamus", "hippocampus"}, {"diencephalon", "hippocampus"}};
  if (s == NULL || name == NULL || idx == NULL) {
    return ru_error_set(err, RU_EINVAL, "region: NULL argument");
  }
  char key[RU_SYN_REGION_NAME_MAX + 16];
  normalise(name, key, sizeof key);
  const char *target = key;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
    if (strcmp(key, aliases[i].alias) == 0) {
      target = aliases[i].region;
    }
  }
  for (size_t r = 0; r < s->nreg; r++) {
    char rk[RU_SYN_REGION_NAME_MAX + 16];
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
    return ru_error_set(err, RU_ELIMIT, "add_region: at most %d regions (RU_SYN_MAX_REGIONS)",
                        RU_SYN_MAX_REGIONS);
  }
  region_entry *e = &s->reg[s->nreg];
  memset(e, 0, sizeof *e);
  e->spec = *spec;
  s->nreg++;
  return RU_OK;
}

/* --- inputs --------------------------------------------------------------------------------- */

ru_status ru_synapse_set_expression(ru_synapse *s, ru_syn_input transporter, double scale,
                                    ru_error *err) {
  if (s == NULL || (unsigned)transporter >= NTR) {
    return ru_error_set(err, RU_EINVAL, "expression: transporter must be NET, DAT or SERT");
  }
  if (!isfinite(scale) || scale < 0.0 || scale > RU_SYN_EXPRESSION_MAX) {
    return ru_error_set(err, RU_ERANGE, "expression %s=%g outside [0, %g]",
                        INPUT_NAMES[transporter], scale, RU_SYN_EXPRESSION_MAX);
  }
  s->expr[transporter] = scale;
  return RU_OK;
}

static ru_status check_inputs(const double *in, size_t nrows, ru_error *err) {
  for (size_t k = 0; k < nrows; k++) {
    const double *r = in + k * NIN;
    for (size_t i = 0; i < NIN; i++) {
      if (!(r[i] >= 0.0 && r[i] <= 1.0)) {
        return ru_error_set(err, RU_ERANGE, "input %s=%g outside [0, 1]", INPUT_NAMES[i], r[i]);
      }
    }
    for (size_t t = 0; t < NTR; t++) {
      if (r[RELEASER_OF[t]] > r[t] + 1e-12) {
        return ru_error_set(err, RU_ERANGE,
                            "releaser occupancy of %s (%g) exceeds its total occupancy (%g)",
                            INPUT_NAMES[t], r[RELEASER_OF[t]], r[t]);
      }
    }
  }
  return RU_OK;
}

ru_status ru_synapse_set_inputs_constant(ru_synapse *s, const double in[RU_SYN_NINPUTS],
                                         ru_error *err) {
  if (s == NULL || in == NULL) {
    return ru_error_set(err, RU_EINVAL, "inputs: NULL argument");
  }
  const ru_status st = check_inputs(in, 1, err);
  if (st != RU_OK) {
    return st;
  }
  memcpy(s->in_const, in, sizeof s->in_const);
  s->mode = IN_CONSTANT;
  return RU_OK;
}

ru_status ru_synapse_set_inputs_samples(ru_synapse *s, const double *time_h, size_t n,
                                        const double *in, ru_error *err) {
  if (s == NULL || time_h == NULL || in == NULL || n == 0) {
    return ru_error_set(err, RU_EINVAL, "input samples: NULL or empty");
  }
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(time_h[k]) || (k > 0 && !(time_h[k] > time_h[k - 1]))) {
      return ru_error_set(err, RU_EINVAL, "input samples: times must ascend strictly");
    }
  }
  const ru_status st = check_inputs(in, n, err);
  if (st != RU_OK) {
    return st;
  }
  double *t = rui_malloc(n * sizeof *t);
  double *o = rui_malloc(n * NIN * sizeof *o);
  if (t == NULL || o == NULL) {
    rui_free(t);
    rui_free(o);
    return ru_error_set(err, RU_ENOMEM, "input samples: out of memory");
  }
  memcpy(t, time_h, n * sizeof *t);
  memcpy(o, in, n * NIN * sizeof *o);
  rui_free(s->samp_t);
  rui_free(s->samp_in);
  s->samp_t = t;
  s->samp_in = o;
  s->nsamp = n;
  s->mode = IN_SAMPLES;
  return RU_OK;
}

ru_status ru_synapse_set_inputs_fn(ru_synapse *s, ru_syn_input_fn fn, void *user, ru_error *err) {
  if (s == NULL || fn == NULL) {
    return ru_error_set(err, RU_EINVAL, "input callback: NULL argument");
  }
  s->fn = fn;
  s->fn_user = user;
  s->mode = IN_FN;
  return RU_OK;
}

ru_status ru_synapse_set_local_input(ru_synapse *s, size_t region, ru_syn_input t, double value,
                                     ru_error *err) {
  if (s == NULL || region >= s->nreg || (unsigned)t >= NIN) {
    return ru_error_set(err, RU_EINVAL, "local input: bad region or input");
  }
  if (value > 1.0 || !isfinite(value)) {
    return ru_error_set(err, RU_ERANGE, "local input %g > 1", value);
  }
  s->local_in[region][t] = value < 0.0 ? -1.0 : value;
  return RU_OK;
}

/* --- the model ------------------------------------------------------------------------------ */

/* One compartment (region x analyte, a nucleus, or an afferent field); rates per hour,
 * concentrations in nM. */
typedef struct comp {
  double c0;         /* wild-type basal concentration */
  double vmax[NTR];  /* Michaelis-Menten Vmax (nM/h), or the first-order rate (1/h) when km = 0 */
  double km[NTR];    /* nM; 0 = first order (C far below Km) */
  double share[NTR]; /* share of the low-concentration clearance by each transporter */
  double k_res;      /* linear residual clearance (diffusion, extraneuronal uptake), 1/h */
  double imp;        /* impulse-dependent fraction of release */
  double mix[NA];    /* share of release from terminals of each nucleus */
  double r0;         /* basal release, nM/h (solved) */
} comp;

typedef struct model {
  const ru_synapse *s;
  size_t nreg;
  comp reg[RU_SYN_MAX_REGIONS][NA];
  comp soma[NA];
  comp aff[NAFF]; /* 0: NE at the raphe; 1: 5-HT at the VTA */
  double a0, kappa, cap;
  double g_soma[NA], g_term[NA];
  double d_soma[NA], d_term[NA], tau_soma_h[NA], tau_term_h[NA];
  double w_a1, w_2c, emax;
  double f0[NA];
  double expr[NTR];
  double tau_max_h;
  int nodrug; /* 1 while settling the pre-drug state */
  int fn_failed;
  double t_off; /* absolute time of the current integration segment's start, h */
  const double *in_given; /* rui_syn_system_rhs: the caller's inputs, else NULL */
  /* state layout */
  size_t i_st, i_cs, i_ss, i_ca, i_sa, n;
} model;

static const ru_syn_analyte AFF_ANALYTE[NAFF] = {RU_SYN_NE, RU_SYN_5HT};

static double pv(const ru_synapse *s, rui_syn_param p) { return s->ps.v[p].value; }
/* An optional parameter: 0 when missing (the mechanism is off). */
static double pv_opt(const ru_synapse *s, rui_syn_param p) {
  const double v = s->ps.v[p].value;
  return isfinite(v) ? v : 0.0;
}

/* Uptake with competitive inhibition: apparent Km = Km / (1 - occ) (Atcherley 2015 in vivo DAT
 * Km shift under GBR-12909); in the first-order regime the rate scales by (1 - occ). */
static double uptake(const comp *c, const double *expr, const double *in, double conc) {
  double v = c->k_res * conc;
  for (size_t t = 0; t < NTR; t++) {
    if (c->vmax[t] > 0.0) {
      const double f = 1.0 - fmin(in[t], OCC_MAX);
      if (c->km[t] > 0.0) {
        v += expr[t] * c->vmax[t] * f * conc / (c->km[t] + f * conc);
      } else {
        v += expr[t] * c->vmax[t] * f * conc;
      }
    }
  }
  return v;
}

static double km_nM(const ru_synapse *s, size_t t) {
  switch (t) {
  case RU_SYN_DAT: return pv(s, RUI_P_DAT_KM) * UM_TO_NM;
  case RU_SYN_SERT: return pv(s, RUI_P_SERT_KM) * UM_TO_NM;
  default: return 0.0; /* NET: first order; basal NE (2.3 nM) is far below any NET Km */
  }
}

static void comp_init(comp *c, const ru_synapse *s, double c0, double k_per_s,
                      const double *share, double imp, const double *mix, size_t own) {
  const double k_h = k_per_s * SECONDS_PER_HOUR;
  double shsum = 0.0;
  memset(c, 0, sizeof *c);
  c->c0 = c0;
  for (size_t t = 0; t < NTR; t++) {
    c->km[t] = km_nM(s, t);
    c->share[t] = share[t];
    /* share of the low-concentration rate constant: Vmax/Km = share * k */
    c->vmax[t] = c->km[t] > 0.0 ? share[t] * k_h * c->km[t] : share[t] * k_h;
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
  const double zero[NIN] = {0};
  const double one[NTR] = {1.0, 1.0, 1.0};
  c->r0 = uptake(c, one, zero, c0); /* steady state at c0, wild-type expression */
}

/* Built-in region data from the parameter values (docs/synapse.md section 1). */
static void builtin_spec(const ru_synapse *s, size_t which, ru_syn_region_spec *sp) {
  memset(sp, 0, sizeof *sp);
  rui_strlcpy(sp->name, BUILTIN_REGIONS[which], sizeof sp->name);
  const double k_ne = LN2 / pv(s, RUI_P_NE_T_HALF); /* Palij 1994 uptake half-life */
  const double sh_net = pv(s, RUI_P_NE_SH_NET);
  /* NE: NET clearance, same in every region */
  sp->c0_nM[RU_SYN_NE] = pv(s, RUI_P_NE_C0);
  sp->k_per_s[RU_SYN_NE] = k_ne;
  sp->share[RU_SYN_NE][RU_SYN_NET] = sh_net;
  sp->impulse_fraction[RU_SYN_NE] = pv(s, RUI_P_NE_IMP);
  sp->impulse_fraction[RU_SYN_5HT] = pv(s, RUI_P_HT_IMP);
  const double k_sert_s = pv(s, RUI_P_SERT_VMAX) / pv(s, RUI_P_SERT_KM) / SECONDS_PER_HOUR;
  if (which == B_STR) {
    /* DA: DAT and diffusion (Vmax/Km + 1/tau); no NET clearance of striatal/NAc DA (Mateo
     * 2004, DAT-KO NAc slices: desipramine has no effect on DA clearance) */
    const double k_dat = pv(s, RUI_P_DAT_VMAX) / pv(s, RUI_P_DAT_KM);
    const double k_tot = k_dat + 1.0 / pv(s, RUI_P_DA_TAU_DIFF);
    sp->c0_nM[RU_SYN_DA] = pv(s, RUI_P_DA_C0_STR);
    sp->k_per_s[RU_SYN_DA] = k_tot;
    sp->share[RU_SYN_DA][RU_SYN_DAT] = k_dat / k_tot;
    sp->impulse_fraction[RU_SYN_DA] = pv(s, RUI_P_DA_IMP_STR);
    /* 5-HT: SERT share from the SERT-/- basal ratio (release assumed unchanged in the KO) */
    const double sh = 1.0 - pv(s, RUI_P_HT_C0_STR) / pv(s, RUI_P_HT_KO_STR);
    sp->c0_nM[RU_SYN_5HT] = pv(s, RUI_P_HT_C0_STR);
    sp->share[RU_SYN_5HT][RU_SYN_SERT] = fmax(0.0, sh);
    sp->k_per_s[RU_SYN_5HT] = sh > 0.0 ? k_sert_s / sh : k_sert_s;
  } else {
    /* cortical DA: cleared mostly by NE terminals (Carboni 1990) at the NE rate; the non-DAT
     * part is split like NE; co-released from LC terminals (Devoto 2004) */
    const double sh_dat = pv(s, RUI_P_DA_SH_DAT_CTX);
    sp->c0_nM[RU_SYN_DA] = pv(s, RUI_P_DA_C0_NAC);
    sp->k_per_s[RU_SYN_DA] = k_ne;
    sp->share[RU_SYN_DA][RU_SYN_DAT] = sh_dat;
    sp->share[RU_SYN_DA][RU_SYN_NET] = (1.0 - sh_dat) * sh_net;
    sp->impulse_fraction[RU_SYN_DA] = pv(s, RUI_P_DA_IMP_NAC);
    sp->source_mix[RU_SYN_DA][RU_SYN_LC] = pv(s, RUI_P_DA_LC_FRAC);
    sp->source_mix[RU_SYN_DA][RU_SYN_VTA] = 1.0 - pv(s, RUI_P_DA_LC_FRAC);
    const double sh = 1.0 - pv(s, RUI_P_HT_C0_CTX) / pv(s, RUI_P_HT_KO_CTX);
    sp->c0_nM[RU_SYN_5HT] = pv(s, RUI_P_HT_C0_CTX);
    sp->share[RU_SYN_5HT][RU_SYN_SERT] = fmax(0.0, sh);
    sp->k_per_s[RU_SYN_5HT] = sh > 0.0 ? k_sert_s / sh : k_sert_s;
  }
}

static ru_status model_init(model *m, const ru_synapse *s, ru_error *err) {
  memset(m, 0, sizeof *m);
  m->s = s;
  m->nreg = s->nreg;
  m->a0 = pv(s, RUI_P_A0);
  m->kappa = m->a0 / (1.0 - m->a0);
  m->cap = pv(s, RUI_P_REL_CAP) - 1.0;
  m->g_soma[RU_SYN_NE] = pv(s, RUI_P_A2_GS);
  m->g_soma[RU_SYN_DA] = pv(s, RUI_P_D2_GS);
  m->g_soma[RU_SYN_5HT] = pv(s, RUI_P_HT1A_GS);
  m->g_term[RU_SYN_NE] = pv(s, RUI_P_A2_GT);
  m->g_term[RU_SYN_DA] = pv(s, RUI_P_D2_GT);
  m->g_term[RU_SYN_5HT] = pv(s, RUI_P_HT1B_GT);
  m->d_soma[RU_SYN_NE] = pv_opt(s, RUI_P_A2S_DEPTH);
  m->d_term[RU_SYN_NE] = pv_opt(s, RUI_P_A2T_DEPTH);
  m->d_soma[RU_SYN_DA] = pv_opt(s, RUI_P_D2S_DEPTH);
  m->d_term[RU_SYN_DA] = 0.0; /* no published magnitude: docs/synapse.md, known gaps */
  m->d_soma[RU_SYN_5HT] = pv(s, RUI_P_HT1A_DEPTH);
  m->d_term[RU_SYN_5HT] = pv_opt(s, RUI_P_HT1B_DEPTH);
  const double tau_a2 = pv_opt(s, RUI_P_A2T_TAU);
  const double tau_d2 = pv_opt(s, RUI_P_D2S_TAU);
  const double tau_1a = pv(s, RUI_P_HT1A_TAU);
  const double tau_1b = pv_opt(s, RUI_P_HT1B_TAU);
  /* A time constant only matters where its depth is nonzero; a missing one with depth 0 is
   * inert (1 d keeps the equation finite). */
  const double tau_d[NA][2] = {{tau_a2, tau_a2}, {tau_d2, tau_d2}, {tau_1a, tau_1b}};
  for (size_t a = 0; a < NA; a++) {
    const double ts = tau_d[a][0] > 0.0 ? tau_d[a][0] : 1.0;
    const double tt = tau_d[a][1] > 0.0 ? tau_d[a][1] : 1.0;
    if ((m->d_soma[a] > 0.0 && !(tau_d[a][0] > 0.0)) ||
        (m->d_term[a] > 0.0 && !(tau_d[a][1] > 0.0))) {
      return ru_error_set(err, RU_EMISSING,
                          "%s autoreceptor desensitization has a depth but no time constant",
                          ANALYTE_NAMES[a]);
    }
    m->tau_soma_h[a] = ts * HOURS_PER_DAY;
    m->tau_term_h[a] = tt * HOURS_PER_DAY;
    if (m->d_soma[a] > 0.0) {
      m->tau_max_h = fmax(m->tau_max_h, m->tau_soma_h[a]);
    }
    if (m->d_term[a] > 0.0) {
      m->tau_max_h = fmax(m->tau_max_h, m->tau_term_h[a]);
    }
    if (!(m->g_soma[a] * m->a0 < 1.0) || !(m->g_term[a] * m->a0 < 1.0)) {
      return ru_error_set(err, RU_ERANGE,
                          "%s autoreceptor gain x basal activation must be < 1 (baseline firing "
                          "and release > 0)",
                          ANALYTE_NAMES[a]);
    }
  }
  m->w_a1 = pv_opt(s, RUI_P_A1_W);
  m->w_2c = pv_opt(s, RUI_P_HT2C_W);
  m->emax = pv_opt(s, RUI_P_EFFLUX_MAX);
  m->f0[RU_SYN_NE] = pv(s, RUI_P_LC_HZ);
  m->f0[RU_SYN_DA] = pv(s, RUI_P_VTA_HZ);
  m->f0[RU_SYN_5HT] = pv(s, RUI_P_DRN_HZ);
  memcpy(m->expr, s->expr, sizeof m->expr);
  for (size_t r = 0; r < s->nreg; r++) {
    ru_syn_region_spec sp;
    if (s->reg[r].builtin) {
      builtin_spec(s, s->reg[r].builtin_index, &sp);
    } else {
      sp = s->reg[r].spec;
    }
    for (size_t a = 0; a < NA; a++) {
      const double shsum = sp.share[a][0] + sp.share[a][1] + sp.share[a][2];
      if (!(sp.c0_nM[a] > 0.0) || !(sp.k_per_s[a] > 0.0) || shsum > 1.0 + 1e-12) {
        return ru_error_set(err, RU_ERANGE, "region %s, %s: invalid c0, k or shares (sum %g)",
                            sp.name, ANALYTE_NAMES[a], shsum);
      }
      comp_init(&m->reg[r][a], s, sp.c0_nM[a], sp.k_per_s[a], sp.share[a],
                sp.impulse_fraction[a], sp.source_mix[a], a);
    }
  }
  /* Nuclei: LC like cortical NE; VTA with the striatal DAT kinetics and the NAc level; raphe
   * like cortical 5-HT. Afferent fields: NE at the raphe like cortical NE, 5-HT at the VTA like
   * cortical 5-HT (no regional values for these sites in the sourced data). */
  ru_syn_region_spec ctx;
  ru_syn_region_spec str;
  builtin_spec(s, B_PFC, &ctx);
  builtin_spec(s, B_STR, &str);
  comp_init(&m->soma[RU_SYN_NE], s, ctx.c0_nM[RU_SYN_NE], ctx.k_per_s[RU_SYN_NE],
            ctx.share[RU_SYN_NE], ctx.impulse_fraction[RU_SYN_NE], NULL, RU_SYN_NE);
  comp_init(&m->soma[RU_SYN_DA], s, ctx.c0_nM[RU_SYN_DA], str.k_per_s[RU_SYN_DA],
            str.share[RU_SYN_DA], ctx.impulse_fraction[RU_SYN_DA], NULL, RU_SYN_DA);
  /* raphe somatodendritic 5-HT comes from an impulse-independent pool (TTX and Ca2+ omission
   * leave raphe dialysate 5-HT unchanged: drn.impulse_fraction) */
  comp_init(&m->soma[RU_SYN_5HT], s, ctx.c0_nM[RU_SYN_5HT], ctx.k_per_s[RU_SYN_5HT],
            ctx.share[RU_SYN_5HT], pv(s, RUI_P_DRN_IMP), NULL, RU_SYN_5HT);
  for (size_t k = 0; k < NAFF; k++) {
    const size_t a = AFF_ANALYTE[k];
    comp_init(&m->aff[k], s, ctx.c0_nM[a], ctx.k_per_s[a], ctx.share[a],
              ctx.impulse_fraction[a], NULL, a);
  }
  m->i_st = s->nreg * NA;
  m->i_cs = 2 * s->nreg * NA;
  m->i_ss = m->i_cs + NA;
  m->i_ca = m->i_ss + NA;
  m->i_sa = m->i_ca + NAFF;
  m->n = m->i_sa + NAFF;
  return RU_OK;
}

static void inputs_at(model *m, double t, double in[NIN]) {
  const ru_synapse *s = m->s;
  if (m->nodrug) {
    memset(in, 0, NIN * sizeof in[0]);
    return;
  }
  if (m->in_given != NULL) {
    for (size_t j = 0; j < NIN; j++) {
      const double v = m->in_given[j];
      in[j] = isfinite(v) ? fmin(1.0, fmax(0.0, v)) : 0.0;
    }
    for (size_t t2 = 0; t2 < NTR; t2++) {
      in[RELEASER_OF[t2]] = fmin(in[RELEASER_OF[t2]], in[t2]);
    }
    return;
  }
  switch (s->mode) {
  case IN_CONSTANT:
    memcpy(in, s->in_const, NIN * sizeof in[0]);
    break;
  case IN_SAMPLES: {
    const size_t n = s->nsamp;
    if (t <= s->samp_t[0]) {
      memcpy(in, s->samp_in, NIN * sizeof in[0]);
    } else if (t >= s->samp_t[n - 1]) {
      memcpy(in, s->samp_in + (n - 1) * NIN, NIN * sizeof in[0]);
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
      for (size_t j = 0; j < NIN; j++) {
        in[j] = (1.0 - w) * s->samp_in[lo * NIN + j] + w * s->samp_in[hi * NIN + j];
      }
    }
    break;
  }
  case IN_FN:
    if (s->fn(t, in, s->fn_user) != 0) {
      m->fn_failed = 1;
    }
    for (size_t j = 0; j < NIN; j++) {
      in[j] = isfinite(in[j]) ? fmin(1.0, fmax(0.0, in[j])) : 0.0;
    }
    for (size_t t2 = 0; t2 < NTR; t2++) {
      in[RELEASER_OF[t2]] = fmin(in[RELEASER_OF[t2]], in[t2]);
    }
    break;
  }
}

static double odds(double o) {
  const double oc = fmin(fmax(o, 0.0), OCC_MAX);
  return oc / (1.0 - oc);
}

/* Receptor activation by the transmitter at fold c with sensitivity s, competing with an
 * exogenous agonist (occupancy o_ag, full efficacy) and antagonist (o_ant): mass-action binding
 * of competing ligands, activation = agonist-bound fraction. */
static double activation(const model *m, double c, double sens, double o_ag, double o_ant) {
  const double u = m->kappa * sens * fmax(c, 0.0);
  const double g = sens * odds(o_ag);
  return (u + g) / (1.0 + u + g + odds(o_ant));
}

static double brake(double g, double act, double a0) {
  return fmax(0.0, 1.0 - g * act) / (1.0 - g * a0);
}

/* Store-limited release: the vesicular store V obeys dV/dt = k (1 + cap (1 - V) - D V) (refill
 * accelerates as it empties), release = R0 D V; at its (fast) steady state release =
 * R0 D (1 + cap) / (D + cap), which is R0 at D = 1 and saturates at R0 (1 + cap). */
static double release(const model *m, const comp *c, double demand) {
  const double d = fmax(demand, 0.0);
  return c->r0 * d * (1.0 + m->cap) / (d + m->cap);
}

/* Transporter-reversal (efflux) demand of a compartment: the releaser's share of each
 * transporter weighted by that transporter's share of the transmitter's clearance. */
static double efflux_demand(const model *m, const comp *c, const double *in) {
  if (!(m->emax > 0.0)) {
    return 0.0;
  }
  double e = 0.0;
  for (size_t t = 0; t < NTR; t++) {
    e += c->share[t] * m->expr[t] * in[RELEASER_OF[t]];
  }
  return m->emax * e;
}

/* Firing of the three nuclei as fold of baseline. */
static void firing(const model *m, const double *y, const double *in, double x[NA]) {
  for (size_t a = 0; a < NA; a++) {
    const double cs = y[m->i_cs + a] / m->soma[a].c0;
    const double act = activation(m, cs, y[m->i_ss + a], in[SOMA_AGO[a]], in[SOMA_ANT[a]]);
    x[a] = brake(m->g_soma[a], act, m->a0);
  }
  /* alpha1 (NE) excitation of raphe firing (Baraban & Aghajanian 1980) */
  if (m->w_a1 > 0.0) {
    const double c = y[m->i_ca + 0] / m->aff[0].c0;
    const double act = activation(m, c, 1.0, 0.0, in[RU_SYN_ALPHA1]);
    x[RU_SYN_DRN] *= fmax(0.0, 1.0 + m->w_a1 * (act / m->a0 - 1.0));
  }
  /* 5-HT2C (5-HT) inhibition of VTA firing (Dremencov 2009: reversed by SB 242084) */
  if (m->w_2c > 0.0) {
    const double c = y[m->i_ca + 1] / m->aff[1].c0;
    const double act = activation(m, c, 1.0, 0.0, in[RU_SYN_5HT2C]);
    x[RU_SYN_VTA] *= fmax(0.0, 1.0 - m->w_2c * (act / m->a0 - 1.0));
  }
}

/* ds/dt of a receptor with depth d and time constant tau, driven by its activation above the
 * basal level at its current sensitivity: desensitization is homeostatic (it stops as the
 * activation returns towards a0), so it cannot sustain itself once the drug is gone, and it
 * recovers with the same time constant. */
static double desens_rate(const model *m, double s, double d, double tau_h, double act_naive) {
  const double drive = fmax(0.0, act_naive / m->a0 - 1.0);
  return (1.0 / (1.0 + d * drive) - s) / tau_h;
}

static void rhs_eval(model *m, double t, const double *y, double *dy) {
  double in[NIN];
  double x[NA];
  inputs_at(m, t, in);
  firing(m, y, in, x);
  /* nuclei: somatodendritic release follows own firing, no terminal brake */
  for (size_t a = 0; a < NA; a++) {
    const comp *c = &m->soma[a];
    const double conc = fmax(y[m->i_cs + a], 0.0);
    const double demand = (1.0 - c->imp) + c->imp * x[a] + efflux_demand(m, c, in);
    dy[m->i_cs + a] = release(m, c, demand) - uptake(c, m->expr, in, conc);
    const double act =
        activation(m, conc / c->c0, y[m->i_ss + a], in[SOMA_AGO[a]], in[SOMA_ANT[a]]);
    dy[m->i_ss + a] = desens_rate(m, y[m->i_ss + a], m->d_soma[a], m->tau_soma_h[a], act);
  }
  /* afferent fields: own nucleus' firing, own terminal brake */
  for (size_t k = 0; k < NAFF; k++) {
    const size_t a = AFF_ANALYTE[k];
    const comp *c = &m->aff[k];
    const double conc = fmax(y[m->i_ca + k], 0.0);
    const double sens = y[m->i_sa + k];
    const double act = activation(m, conc / c->c0, sens, in[TERM_AGO[a]], in[TERM_ANT[a]]);
    const double demand = ((1.0 - c->imp) + c->imp * x[a]) * brake(m->g_term[a], act, m->a0) +
                          efflux_demand(m, c, in);
    dy[m->i_ca + k] = release(m, c, demand) - uptake(c, m->expr, in, conc);
    dy[m->i_sa + k] = desens_rate(m, sens, m->d_term[a], m->tau_term_h[a], act);
  }
  for (size_t r = 0; r < m->nreg; r++) {
    double o[NIN];
    for (size_t j = 0; j < NIN; j++) {
      const double loc = m->nodrug ? -1.0 : m->s->local_in[r][j];
      o[j] = loc >= 0.0 ? loc : in[j];
    }
    for (size_t t2 = 0; t2 < NTR; t2++) {
      o[RELEASER_OF[t2]] = fmin(o[RELEASER_OF[t2]], o[t2]);
    }
    /* terminal brake of each nucleus' terminals in this region, from the local level of that
     * nucleus' transmitter */
    double br[NA];
    double act_t[NA];
    for (size_t n = 0; n < NA; n++) {
      const comp *cn = &m->reg[r][n];
      const double cf = fmax(y[r * NA + n], 0.0) / cn->c0;
      act_t[n] = activation(m, cf, y[m->i_st + r * NA + n], o[TERM_AGO[n]], o[TERM_ANT[n]]);
      br[n] = brake(m->g_term[n], act_t[n], m->a0);
    }
    for (size_t a = 0; a < NA; a++) {
      const comp *c = &m->reg[r][a];
      const double conc = fmax(y[r * NA + a], 0.0);
      double demand = 0.0;
      for (size_t n = 0; n < NA; n++) {
        if (c->mix[n] > 0.0) {
          demand += c->mix[n] * ((1.0 - c->imp) + c->imp * x[n]) * br[n];
        }
      }
      demand += efflux_demand(m, c, o);
      dy[r * NA + a] = release(m, c, demand) - uptake(c, m->expr, o, conc);
      dy[m->i_st + r * NA + a] =
          desens_rate(m, y[m->i_st + r * NA + a], m->d_term[a], m->tau_term_h[a], act_t[a]);
    }
  }
}

static int ode_rhs(double t, const double *y, double *dydt, void *user) {
  model *m = user;
  rhs_eval(m, t + m->t_off, y, dydt);
  return m->fn_failed ? -1 : 0;
}

static void baseline_state(const model *m, double *y) {
  for (size_t r = 0; r < m->nreg; r++) {
    for (size_t a = 0; a < NA; a++) {
      y[r * NA + a] = m->reg[r][a].c0;
      y[m->i_st + r * NA + a] = 1.0;
    }
  }
  for (size_t a = 0; a < NA; a++) {
    y[m->i_cs + a] = m->soma[a].c0;
    y[m->i_ss + a] = 1.0;
  }
  for (size_t k = 0; k < NAFF; k++) {
    y[m->i_ca + k] = m->aff[k].c0;
    y[m->i_sa + k] = 1.0;
  }
}

/* Integrates y from t0 through output times (ascending, >= t0), stopping at every input
 * breakpoint (sample times) so that the integrator never steps across a kink of the input;
 * out[k*n] receives the state at times[k]; y holds the final state. Each segment is solved on
 * its own clock starting at 0 (the driver's convention); the rhs adds the segment start back
 * (model.t_off) to read the inputs at absolute time. */
static ru_status integrate(model *m, rui_ode_work *w, double *y, double t0, const double *times,
                           size_t nt, const double *breaks, size_t nbreaks, double *out,
                           ru_error *err) {
  const size_t n = m->n;
  double *buf = rui_malloc((nt + 1) * (n + 1) * sizeof *buf);
  if (buf == NULL) {
    return ru_error_set(err, RU_ENOMEM, "synapse: out of memory");
  }
  double tcur = t0;
  size_t k = 0;
  size_t b = 0;
  ru_status st = RU_OK;
  while (b < nbreaks && breaks[b] <= tcur) {
    b++;
  }
  while (st == RU_OK && k < nt) {
    /* next segment end: the next breakpoint before the last requested output */
    const double tend = (b < nbreaks && breaks[b] < times[nt - 1]) ? breaks[b] : times[nt - 1];
    size_t k_end = k;
    while (k_end < nt && times[k_end] <= tend) {
      k_end++;
    }
    /* outputs in [tcur, tend] plus tend itself as the segment's last point */
    const size_t nout = k_end - k;
    double *bt = buf;
    double *by = buf + nout + 1;
    for (size_t j = 0; j < nout; j++) {
      bt[j] = times[k + j] - tcur;
    }
    bt[nout] = tend - tcur;
    m->t_off = tcur;
    st = rui_ode_solve_with(w, ode_rhs, m, y, 0.0, NULL, 0, bt, nout + 1, by, err);
    if (st == RU_OK && m->fn_failed) {
      st = ru_error_set(err, RU_ESOLVER, "synapse: input callback failed");
    }
    if (st == RU_OK) {
      memcpy(out + k * n, by, nout * n * sizeof *out);
      memcpy(y, by + nout * n, n * sizeof *y);
    }
    tcur = tend;
    k = k_end;
    while (b < nbreaks && breaks[b] <= tcur) {
      b++;
    }
  }
  m->t_off = 0.0;
  rui_free(buf);
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
  const size_t n = m.n;
  rui_ode_work *w = NULL;
  double *y = rui_malloc(n * sizeof *y);
  double *res_y = rui_malloc(nt * n * sizeof *res_y);
  double *res_t = rui_malloc(nt * sizeof *res_t);
  double *res_x = rui_malloc(nt * NA * sizeof *res_x);
  if (y == NULL || res_y == NULL || res_t == NULL || res_x == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse run: out of memory");
    goto fail;
  }
  rui_ode_options opt;
  rui_ode_options_default(&opt);
  opt.rtol = s->rtol;
  opt.atol = s->atol;
  st = rui_ode_work_new(n, &opt, &w, err);
  if (st != RU_OK) {
    goto fail;
  }
  baseline_state(&m, y); /* wild-type drug-free steady state, exact by construction of r0 */
  const int mutant = s->expr[0] != 1.0 || s->expr[1] != 1.0 || s->expr[2] != 1.0;
  if (mutant) {
    /* chronic genotype: settle the drug-free model */
    const double settle = SETTLE_TAUS * fmax(m.tau_max_h, 1.0);
    m.nodrug = 1;
    st = integrate(&m, w, y, 0.0, &settle, 1, NULL, 0, res_y, err);
    m.nodrug = 0;
    if (st != RU_OK) {
      goto fail;
    }
  }
  const double *breaks = s->mode == IN_SAMPLES ? s->samp_t : NULL;
  const size_t nbreaks = s->mode == IN_SAMPLES ? s->nsamp : 0;
  st = integrate(&m, w, y, 0.0, times_h, nt, breaks, nbreaks, res_y, err);
  if (st != RU_OK) {
    goto fail;
  }
  for (size_t k = 0; k < nt; k++) {
    double in[NIN];
    res_t[k] = times_h[k];
    inputs_at(&m, times_h[k], in);
    firing(&m, res_y + k * n, in, res_x + k * NA);
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
  rui_ode_work_free(w);
  rui_free(y);
  return RU_OK;
fail:
  rui_ode_work_free(w);
  rui_free(y);
  rui_free(res_y);
  rui_free(res_t);
  rui_free(res_x);
  return st;
}

/* --- the model as a system for another integrator (synapse_impl.h) ------------------------- */

struct rui_syn_system {
  model m;
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
  double *y = st == RU_OK ? rui_malloc(sys->m.n * sizeof *y) : NULL;
  if (st == RU_OK && y == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse system: out of memory");
  }
  if (st == RU_OK) {
    baseline_state(&sys->m, y); /* the pre-drug state of ru_synapse_run */
    if (s->expr[0] != 1.0 || s->expr[1] != 1.0 || s->expr[2] != 1.0) {
      const double settle = SETTLE_TAUS * fmax(sys->m.tau_max_h, 1.0);
      rui_ode_options opt;
      rui_ode_options_default(&opt);
      opt.rtol = s->rtol;
      opt.atol = s->atol;
      rui_ode_work *w = NULL;
      double *tmp = rui_malloc(sys->m.n * sizeof *tmp);
      st = tmp == NULL ? ru_error_set(err, RU_ENOMEM, "synapse system: out of memory")
                       : rui_ode_work_new(sys->m.n, &opt, &w, err);
      sys->m.nodrug = 1;
      if (st == RU_OK) {
        st = integrate(&sys->m, w, y, 0.0, &settle, 1, NULL, 0, tmp, err);
      }
      sys->m.nodrug = 0;
      rui_ode_work_free(w);
      rui_free(tmp);
    }
  }
  if (st != RU_OK) {
    rui_free(y);
    rui_free(sys);
    return st;
  }
  *n = sys->m.n;
  *y0 = y;
  *out = sys;
  return RU_OK;
}

void rui_syn_system_rhs(rui_syn_system *sys, const double in[RU_SYN_NINPUTS], const double *y,
                        double *dy) {
  sys->m.in_given = in;
  rhs_eval(&sys->m, 0.0, y, dy);
  sys->m.in_given = NULL;
}

void rui_syn_system_free(rui_syn_system *sys) { rui_free(sys); }

const double *rui_syn_result_states(const ru_synapse *s, size_t *n) {
  if (s == NULL || s->res_y == NULL) {
    return NULL;
  }
  if (n != NULL) {
    *n = s->nstate;
  }
  return s->res_y;
}

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
  static const rui_syn_param f0[NA] = {RUI_P_LC_HZ, RUI_P_VTA_HZ, RUI_P_DRN_HZ};
  const double x = ru_synapse_firing_fold(s, k, n);
  return isfinite(x) ? x * s->ps.v[f0[n]].value : RUI_NAN;
}

double ru_synapse_soma_fold(const ru_synapse *s, size_t k, ru_syn_nucleus n) {
  if (s == NULL || k >= s->nt || (unsigned)n >= NA) {
    return RUI_NAN;
  }
  return s->res_y[k * s->nstate + 2 * s->nreg * NA + (size_t)n] / s->c0_soma[n];
}

double ru_synapse_sensitivity(const ru_synapse *s, size_t k, ru_syn_receptor r, size_t region) {
  if (s == NULL || k >= s->nt || (unsigned)r >= RU_SYN_NRECEPTORS) {
    return RUI_NAN;
  }
  const double *y = s->res_y + k * s->nstate;
  if (r <= RU_SYN_R_5HT1A_SOMA) {
    return y[2 * s->nreg * NA + NA + (size_t)r];
  }
  if (region >= s->nreg) {
    return RUI_NAN;
  }
  return y[s->nreg * NA + region * NA + (size_t)(r - RU_SYN_R_ALPHA2_TERMINAL)];
}
