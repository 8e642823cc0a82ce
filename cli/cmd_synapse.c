/* `reuptake synapse`: extracellular NE, DA and 5-HT in a brain region (fold of the drug-free
 * baseline) with LC, VTA and dorsal raphe firing, under held inputs (--occupancy, --releaser,
 * --antagonist, --agonist) or a regimen's occupancy time course; transporter expression
 * scenarios (--expression, --genotype); parameter overrides (--param NAME=VALUE, KB-backed);
 * the model's parameter table (--params). Parses, calls the library, renders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "reuptake/io.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"
#include "simargs.h"

#define NA RU_SYN_NANALYTES
#define NIN RU_SYN_NINPUTS
#define SYN_DEFAULT_DAYS (3.0 / 24.0) /* default 3 h: the acute response (DESIGN.md) */
#define MAX_PARAM_OVERRIDES 32

typedef struct syn_opts {
  double in[NIN];
  int in_given;
  double expr[RU_SYN_NTRANSPORTERS];
  const char *genotype;
  const char *region;
  int params;
  const char *param_names[MAX_PARAM_OVERRIDES];
  double param_values[MAX_PARAM_OVERRIDES];
  size_t nparams;
  double rtol, atol;
} syn_opts;

typedef enum assign_kind { A_OCCUPANCY, A_RELEASER, A_ANTAGONIST, A_AGONIST, A_EXPRESSION } assign_kind;

/* "--name VALUE" / "--name=VALUE" over the leftover arguments. */
static const char *rest_value(const simargs *a, size_t *i, const char *name, int *missing) {
  const char *arg = a->rest[*i];
  const size_t n = strlen(name);
  *missing = 0;
  if (strncmp(arg, name, n) != 0) {
    return NULL;
  }
  if (arg[n] == '=') {
    return arg + n + 1;
  }
  if (arg[n] != '\0') {
    return NULL;
  }
  if (*i + 1 >= a->nrest) {
    *missing = 1;
    return NULL;
  }
  *i += 1;
  return a->rest[*i];
}

/* The input a NAME in an assignment of this kind sets (ligands from the library's table). */
static int input_of(assign_kind kind, const char *name, ru_syn_input *t, int *second) {
  const ru_syn_ligand *l = ru_synapse_ligand_find(name);
  *second = -1;
  switch (kind) {
  case A_ANTAGONIST:
    if (l != NULL && l->kind == RU_SYN_ANTAGONIST) {
      *t = l->input;
      return 1;
    }
    return ru_synapse_receptor_parse(name, t, NULL) == RU_OK;
  case A_AGONIST:
    if (l != NULL && l->kind == RU_SYN_AGONIST) {
      *t = l->input;
      return 1;
    }
    if (ru_synapse_receptor_parse(name, t, NULL) == RU_OK &&
        (*t == RU_SYN_ALPHA2 || *t == RU_SYN_D2 || *t == RU_SYN_5HT1A || *t == RU_SYN_5HT1B)) {
      *t = (ru_syn_input)(*t == RU_SYN_ALPHA2 ? RU_SYN_ALPHA2_AGONIST
                          : *t == RU_SYN_D2   ? RU_SYN_D2_AGONIST
                          : *t == RU_SYN_5HT1A ? RU_SYN_5HT1A_AGONIST
                                               : RU_SYN_5HT1B_AGONIST);
      return 1;
    }
    return 0;
  case A_RELEASER:
    if (l != NULL && l->kind == RU_SYN_RELEASER) {
      *t = (ru_syn_input)(l->input - RU_SYN_NET_RELEASER); /* the transporter */
      *second = l->input2 >= 0 ? l->input2 - RU_SYN_NET_RELEASER : -1;
      return 1;
    }
    return ru_synapse_input_parse(name, t, NULL) == RU_OK && (int)*t < RU_SYN_NTRANSPORTERS;
  case A_EXPRESSION:
    return ru_synapse_input_parse(name, t, NULL) == RU_OK && (int)*t < RU_SYN_NTRANSPORTERS;
  default:
    return ru_synapse_input_parse(name, t, NULL) == RU_OK;
  }
}

/* Parses "NAME=x,NAME=x" into the inputs (or expression scales). */
static int parse_assignments(cli_ctx *ctx, const char *opt, const char *spec, assign_kind kind,
                             double *vals) {
  char buf[512];
  if (strlen(spec) >= sizeof buf) {
    return cli_usage(ctx, "%s: list too long", opt);
  }
  strcpy(buf, spec);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL) {
      return cli_usage(ctx, "%s: '%s' is not NAME=VALUE", opt, tok);
    }
    *eq = '\0';
    ru_syn_input t = RU_SYN_NET;
    int second = -1;
    if (!input_of(kind, tok, &t, &second)) {
      static const char *const what[] = {
          "target (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C)",
          "transporter (NET, DAT, SERT) or releaser (d-amphetamine, l-amphetamine)",
          ("receptor (alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C) or antagonist (idazoxan, "
           "atipamezole, WAY-100635, pindolol, GR127935, raclopride, ...)"),
          "receptor (alpha2, D2, 5-HT1A, 5-HT1B) or agonist (clonidine, 8-OH-DPAT, apomorphine)",
          "transporter (NET, DAT, SERT)"};
      return cli_usage(ctx, "%s: unknown %s '%s'", opt, what[kind], tok);
    }
    double v = 0.0;
    if (!cli_parse_double(ctx, opt, eq + 1, 0.0, kind == A_EXPRESSION ? 10.0 : 1.0, &v)) {
      return 2;
    }
    if (kind == A_EXPRESSION) {
      vals[t] = v;
    } else if (kind == A_RELEASER) {
      /* a releaser occupies the transporter(s) that carry it; the releaser part equals it */
      const int ts[2] = {(int)t, second};
      for (size_t k = 0; k < 2; k++) {
        if (ts[k] < 0) {
          continue;
        }
        vals[ts[k]] = ru_synapse_combine_occupancy(vals[ts[k]], v);
        vals[ts[k] + RU_SYN_NET_RELEASER] = fmin(vals[ts[k]], vals[ts[k] + RU_SYN_NET_RELEASER] + v);
      }
    } else {
      vals[t] = v;
    }
  }
  return 0;
}

static int apply_genotype(cli_ctx *ctx, const char *g, double *expr, const ru_synapse *s) {
  const struct {
    const char *name;
    ru_syn_input t;
    const char *param;
  } table[] = {
      {"SERT+/-", RU_SYN_SERT, "expression.sert_heterozygous"},
      {"SERT-het", RU_SYN_SERT, "expression.sert_heterozygous"},
      {"DAT-overexpression", RU_SYN_DAT, "expression.dat_overexpression"},
      {"DAT-tg", RU_SYN_DAT, "expression.dat_overexpression"},
  };
  if (strcasecmp(g, "SERT-/-") == 0 || strcasecmp(g, "SERT-KO") == 0) {
    expr[RU_SYN_SERT] = 0.0; /* knock-out: no transporter */
    return 0;
  }
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (strcasecmp(g, table[i].name) == 0) {
      expr[table[i].t] = ru_synapse_get_param(s, table[i].param);
      return 0;
    }
  }
  return cli_usage(ctx, "--genotype: unknown '%s' (SERT+/-, SERT-/-, DAT-overexpression)", g);
}

/* --param NAME=VALUE (repeatable): KB-backed overrides. */
static int parse_param(cli_ctx *ctx, const char *v, syn_opts *o) {
  static char names[MAX_PARAM_OVERRIDES][128];
  const char *eq = strchr(v, '=');
  if (eq == NULL || o->nparams >= MAX_PARAM_OVERRIDES) {
    return cli_usage(ctx, "--param: expected NAME=VALUE (see --params), at most %d",
                     MAX_PARAM_OVERRIDES);
  }
  double x = 0.0;
  if (!cli_parse_double(ctx, "--param", eq + 1, -1e300, 1e300, &x)) {
    return 2;
  }
  const size_t len = (size_t)(eq - v);
  if (len == 0 || len >= sizeof names[0]) {
    return cli_usage(ctx, "--param: bad name");
  }
  memcpy(names[o->nparams], v, len);
  names[o->nparams][len] = '\0';
  o->param_names[o->nparams] = names[o->nparams];
  o->param_values[o->nparams] = x;
  o->nparams++;
  return 0;
}

static int parse_opts(cli_ctx *ctx, const simargs *a, syn_opts *o) {
  for (size_t j = 0; j < RU_SYN_NTRANSPORTERS; j++) {
    o->expr[j] = 1.0;
  }
  o->region = "pfc";
  o->rtol = (double)NAN;
  o->atol = (double)NAN;
  for (size_t i = 0; i < a->nrest; i++) {
    int missing = 0;
    const char *v;
    const char *arg = a->rest[i];
    int rc = 0;
    if ((v = rest_value(a, &i, "--occupancy", &missing)) != NULL) {
      o->in_given = 1;
      rc = parse_assignments(ctx, "--occupancy", v, A_OCCUPANCY, o->in);
    } else if ((v = rest_value(a, &i, "--releaser", &missing)) != NULL) {
      o->in_given = 1;
      rc = parse_assignments(ctx, "--releaser", v, A_RELEASER, o->in);
    } else if ((v = rest_value(a, &i, "--antagonist", &missing)) != NULL) {
      o->in_given = 1;
      rc = parse_assignments(ctx, "--antagonist", v, A_ANTAGONIST, o->in);
    } else if ((v = rest_value(a, &i, "--agonist", &missing)) != NULL) {
      o->in_given = 1;
      rc = parse_assignments(ctx, "--agonist", v, A_AGONIST, o->in);
    } else if ((v = rest_value(a, &i, "--expression", &missing)) != NULL) {
      rc = parse_assignments(ctx, "--expression", v, A_EXPRESSION, o->expr);
    } else if ((v = rest_value(a, &i, "--genotype", &missing)) != NULL) {
      o->genotype = v;
    } else if ((v = rest_value(a, &i, "--region", &missing)) != NULL) {
      o->region = v;
    } else if ((v = rest_value(a, &i, "--param", &missing)) != NULL) {
      rc = parse_param(ctx, v, o);
    } else if ((v = rest_value(a, &i, "--rtol", &missing)) != NULL) {
      rc = cli_parse_double(ctx, "--rtol", v, 1e-14, 1e-2, &o->rtol) ? 0 : 2;
    } else if ((v = rest_value(a, &i, "--atol", &missing)) != NULL) {
      rc = cli_parse_double(ctx, "--atol", v, 1e-16, 1.0, &o->atol) ? 0 : 2;
    } else if (strcmp(arg, "--params") == 0) {
      o->params = 1;
    } else if (missing) {
      return cli_usage(ctx, "option %s needs a value", arg);
    } else if (arg[0] == '-') {
      return cli_usage(ctx, "unknown option '%s'", arg);
    } else {
      return cli_usage(ctx, "unexpected argument '%s' (a regimen is DRUG:DOSE...; occupancy is "
                            "--occupancy NET=0.9)",
                       arg);
    }
    if (rc != 0) {
      return rc;
    }
  }
  return 0;
}

/* --- the parameter table ---------------------------------------------------------------- */

static const char *status_name(ru_value_status st) {
  switch (st) {
  case RU_VALUE_PRIMARY: return "primary";
  case RU_VALUE_SECONDARY: return "secondary";
  case RU_VALUE_DERIVED: return "derived";
  case RU_VALUE_CALIBRATED: return "calibrated";
  case RU_VALUE_USER: return "user";
  default: return "missing";
  }
}

typedef ru_status (*param_at_fn)(const void *model, size_t i, ru_model_param *out, ru_error *err);

static ru_status syn_param_at(const void *m, size_t i, ru_model_param *out, ru_error *err) {
  return ru_synapse_param_at(m, i, out, err);
}
static ru_status phys_param_at(const void *m, size_t i, ru_model_param *out, ru_error *err) {
  return ru_physio_param_at(m, i, out, err);
}

/* Renders a model's parameters with their status and resolved citation. */
static int emit_params(cli_ctx *ctx, ru_kb *kb, const void *model, size_t n, param_at_fn at) {
  cJSON *root = ctx->format == CLI_FMT_JSON ? cJSON_CreateObject() : NULL;
  cJSON *arr = root != NULL ? cJSON_AddArrayToObject(root, "parameters") : NULL;
  static const char *const hdr[] = {"domain", "name", "value", "unit", "status", "source",
                                    "citation", "meaning"};
  cli_table *t = root == NULL ? cli_table_new(8, hdr) : NULL;
  cli_out *o = root == NULL ? cli_out_new() : NULL;
  if ((root == NULL && (t == NULL || o == NULL))) {
    cli_table_free(t);
    cli_out_free(o);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  for (size_t i = 0; i < n; i++) {
    ru_model_param p;
    if (at(model, i, &p, NULL) != RU_OK) {
      continue;
    }
    char cit[1024] = "";
    if (p.value.source[0] != '\0' && strcmp(p.value.source, "user") != 0) {
      ru_kb_source(kb, p.value.source, cit, sizeof cit, NULL);
    } else if (p.value.status == RU_VALUE_MISSING) {
      snprintf(cit, sizeof cit, "missing from the knowledge base%s",
               p.optional ? " (mechanism off)" : "");
    }
    if (root != NULL) {
      cJSON *r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "domain", p.domain);
      cJSON_AddStringToObject(r, "name", p.name);
      cJSON_AddItemToObject(r, "value", cli_json_number(p.value.value));
      cJSON_AddStringToObject(r, "unit", p.unit);
      cJSON_AddStringToObject(r, "status", status_name(p.value.status));
      cJSON_AddStringToObject(r, "source", p.value.source);
      cJSON_AddStringToObject(r, "citation", cit);
      cJSON_AddStringToObject(r, "meaning", p.meaning);
      cJSON_AddBoolToObject(r, "optional", p.optional);
      cJSON_AddItemToArray(arr, r);
    } else {
      char val[32];
      const char *cells[8] = {p.domain, p.name, cli_fmt(val, sizeof val, p.value.value, 6), p.unit,
                              status_name(p.value.status), p.value.source, cit, p.meaning};
      cli_table_add(t, cells);
    }
  }
  if (root != NULL) {
    return cli_emit_json(ctx, root);
  }
  cli_table_render(t, ctx->format, o);
  cli_table_free(t);
  return cli_out_commit(ctx, o);
}

int cmd_model_params(cli_ctx *ctx, int physio);
int cmd_model_params(cli_ctx *ctx, int physio) {
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) {
    return rc;
  }
  ru_error err;
  ru_error_clear(&err);
  if (physio) {
    ru_physio *p = NULL;
    const ru_status st = ru_physio_new(kb, &p, &err);
    if (st != RU_OK) {
      return cli_fail(ctx, st, &err);
    }
    rc = emit_params(ctx, kb, p, ru_physio_param_count(p), phys_param_at);
    ru_physio_free(p);
    return rc;
  }
  ru_synapse *s = NULL;
  const ru_status st = ru_synapse_new(kb, &s, &err);
  if (st != RU_OK) {
    return cli_fail(ctx, st, &err);
  }
  rc = emit_params(ctx, kb, s, ru_synapse_param_count(s), syn_param_at);
  ru_synapse_free(s);
  return rc;
}

/* --- regimen input ------------------------------------------------------------------------ */

/* Input time course from the regimens on times[nt], held inputs combined (library). */
static int regimen_inputs(cli_ctx *ctx, ru_kb *kb, const simargs *a, const syn_opts *o,
                          const double *times, size_t nt, double *in_out) {
  ru_sim *sim = NULL;
  int rc = simargs_build(ctx, a, &sim);
  if (rc != 0) {
    return rc;
  }
  double *conc = malloc((ru_sim_compound_count(sim) * nt + 1) * sizeof *conc);
  if (conc == NULL) {
    ru_sim_free(sim);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_sim_run(sim, times, nt, conc, &err);
  if (st == RU_OK) {
    st = ru_synapse_inputs_from_sim(kb, sim, conc, nt, o->in, in_out, &err);
  }
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
  }
  free(conc);
  ru_sim_free(sim);
  return rc;
}

/* --- output -------------------------------------------------------------------------------- */

static cJSON *num_array(const double *v, size_t n) {
  cJSON *arr = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) {
    cJSON_AddItemToArray(arr, cli_json_number(v[i]));
  }
  return arr;
}

static int emit_json(cli_ctx *ctx, const ru_synapse *s, size_t r, const syn_opts *o,
                     int regimen) {
  const size_t nt = ru_synapse_result_count(s);
  double *buf = malloc((nt + 1) * sizeof *buf);
  if (buf == NULL) {
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "region", ru_synapse_region_name(s, r));
  for (size_t k = 0; k < nt; k++) {
    buf[k] = ru_synapse_result_time(s, k);
  }
  cJSON_AddItemToObject(root, "time_h", num_array(buf, nt));
  cJSON *series = cJSON_AddArrayToObject(root, "series");
  cJSON *final = cJSON_CreateObject();
  cJSON *basal = cJSON_CreateObject();
  for (size_t a = 0; a < NA; a++) {
    cJSON *one = cJSON_CreateObject();
    cJSON_AddStringToObject(one, "analyte", ru_synapse_analyte_name((ru_syn_analyte)a));
    for (size_t k = 0; k < nt; k++) {
      buf[k] = ru_synapse_fold(s, k, r, (ru_syn_analyte)a);
    }
    cJSON_AddItemToObject(one, "fold_of_baseline", num_array(buf, nt));
    cJSON_AddItemToArray(series, one);
    cJSON_AddItemToObject(final, ru_synapse_analyte_name((ru_syn_analyte)a),
                          cli_json_number(buf[nt - 1]));
    cJSON_AddItemToObject(basal, ru_synapse_analyte_name((ru_syn_analyte)a),
                          cli_json_number(buf[0]));
  }
  cJSON_AddItemToObject(root, "final", final);
  cJSON *firing = cJSON_CreateObject();
  static const ru_syn_receptor soma_rec[NA] = {RU_SYN_R_ALPHA2_SOMA, RU_SYN_R_D2_SOMA,
                                               RU_SYN_R_5HT1A_SOMA};
  for (size_t n = 0; n < NA; n++) {
    cJSON *one = cJSON_CreateObject();
    const ru_syn_nucleus nu = (ru_syn_nucleus)n;
    cJSON_AddStringToObject(one, "transmitter", ru_synapse_analyte_name((ru_syn_analyte)n));
    cJSON_AddItemToObject(one, "baseline_hz",
                          cli_json_number(ru_synapse_firing_hz(s, 0, nu) /
                                          ru_synapse_firing_fold(s, 0, nu)));
    for (size_t k = 0; k < nt; k++) {
      buf[k] = ru_synapse_firing_hz(s, k, nu);
    }
    cJSON_AddItemToObject(one, "hz", num_array(buf, nt));
    for (size_t k = 0; k < nt; k++) {
      buf[k] = ru_synapse_firing_fold(s, k, nu);
    }
    cJSON_AddItemToObject(one, "fold", num_array(buf, nt));
    cJSON_AddItemToObject(one, "final_hz", cli_json_number(ru_synapse_firing_hz(s, nt - 1, nu)));
    cJSON_AddItemToObject(one, "final_fold", cli_json_number(buf[nt - 1]));
    cJSON_AddItemToObject(one, "final_autoreceptor_sensitivity",
                          cli_json_number(ru_synapse_sensitivity(s, nt - 1, soma_rec[n], 0)));
    cJSON_AddItemToObject(one, "final_soma_fold", cli_json_number(ru_synapse_soma_fold(s, nt - 1, nu)));
    cJSON_AddItemToObject(firing, ru_synapse_nucleus_name(nu), one);
  }
  cJSON_AddItemToObject(root, "firing", firing);
  cJSON *sens = cJSON_CreateObject();
  for (size_t q = 0; q < RU_SYN_NRECEPTORS; q++) {
    cJSON_AddItemToObject(sens, ru_synapse_receptor_name((ru_syn_receptor)q),
                          cli_json_number(ru_synapse_sensitivity(s, nt - 1, (ru_syn_receptor)q, r)));
  }
  cJSON_AddItemToObject(root, "final_receptor_sensitivity", sens);
  cJSON_AddItemToObject(root, "fold_at_time_0", basal);
  cJSON *inputs = cJSON_CreateObject();
  cJSON_AddStringToObject(inputs, "occupancy_input",
                          regimen ? "regimen (PD occupancy time course)" : "held from time 0");
  cJSON *occ = cJSON_CreateObject();
  for (size_t t = 0; t < NIN; t++) {
    cJSON_AddItemToObject(occ, ru_synapse_input_name((ru_syn_input)t), cli_json_number(o->in[t]));
  }
  cJSON_AddItemToObject(inputs, "held", occ);
  cJSON *ex = cJSON_CreateObject();
  for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
    cJSON_AddItemToObject(ex, ru_synapse_input_name((ru_syn_input)t), cli_json_number(o->expr[t]));
  }
  cJSON_AddItemToObject(inputs, "expression", ex);
  if (o->genotype != NULL) {
    cJSON_AddStringToObject(inputs, "genotype", o->genotype);
  }
  cJSON_AddItemToObject(root, "inputs", inputs);
  cJSON_AddStringToObject(root, "reference",
                          "fold of the wild-type drug-free steady state (computed); with an "
                          "expression scenario the run starts from that genotype's own steady "
                          "state (fold_at_time_0)");
  cJSON_AddStringToObject(root, "parameters", "reuptake synapse --params");
  cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
  free(buf);
  return cli_emit_json(ctx, root);
}

static int emit_table(cli_ctx *ctx, const ru_synapse *s, size_t r) {
  const size_t nt = ru_synapse_result_count(s);
  static const char *const hdr[] = {"time_h", "NE", "DA", "5-HT", "LC_hz", "VTA_hz", "DRN_hz",
                                    "DRN_sensitivity"};
  cli_table *t = cli_table_new(8, hdr);
  cli_out *o = cli_out_new();
  if (t == NULL || o == NULL) {
    cli_table_free(t);
    cli_out_free(o);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  /* table: at most ~25 rows (always the last); csv: every time */
  const size_t every = (ctx->format == CLI_FMT_CSV || nt <= 25) ? 1 : (nt + 23) / 24;
  for (size_t k = 0; k < nt; k++) {
    if (k % every != 0 && k + 1 != nt) {
      continue;
    }
    char c[8][32];
    const char *cells[8];
    cells[0] = cli_fmt(c[0], sizeof c[0], ru_synapse_result_time(s, k), 6);
    for (size_t a = 0; a < NA; a++) {
      cells[1 + a] =
          cli_fmt(c[1 + a], sizeof c[1 + a], ru_synapse_fold(s, k, r, (ru_syn_analyte)a), 4);
      cells[4 + a] =
          cli_fmt(c[4 + a], sizeof c[4 + a], ru_synapse_firing_hz(s, k, (ru_syn_nucleus)a), 3);
    }
    cells[7] = cli_fmt(c[7], sizeof c[7], ru_synapse_sensitivity(s, k, RU_SYN_R_5HT1A_SOMA, 0), 3);
    cli_table_add(t, cells);
  }
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "region %s: extracellular levels as fold of the drug-free baseline; firing "
                      "of LC (NE), VTA (DA), dorsal raphe (5-HT)\n",
                   ru_synapse_region_name(s, r));
  }
  cli_table_render(t, ctx->format, o);
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "final: NE %.3g, DA %.3g, 5-HT %.3g x baseline\n%s\n",
                   ru_synapse_fold(s, nt - 1, r, RU_SYN_NE),
                   ru_synapse_fold(s, nt - 1, r, RU_SYN_DA),
                   ru_synapse_fold(s, nt - 1, r, RU_SYN_5HT), CLI_DISCLAIMER);
  }
  cli_table_free(t);
  return cli_out_commit(ctx, o);
}

static int draw(cli_ctx *ctx, const ru_synapse *s, size_t r) {
  const size_t nt = ru_synapse_result_count(s);
  double *x = malloc((nt + 1) * sizeof *x);
  double *y = malloc((6 * nt + 1) * sizeof *y);
  if (x == NULL || y == NULL) {
    free(x);
    free(y);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  const int days = nt > 0 && ru_synapse_result_time(s, nt - 1) > 72.0;
  for (size_t k = 0; k < nt; k++) {
    x[k] = ru_synapse_result_time(s, k) / (days ? 24.0 : 1.0);
    for (size_t a = 0; a < NA; a++) {
      y[a * nt + k] = ru_synapse_fold(s, k, r, (ru_syn_analyte)a);
      y[(3 + a) * nt + k] = ru_synapse_firing_fold(s, k, (ru_syn_nucleus)a);
    }
  }
  const ru_plot_series conc[3] = {{"NE", y, NULL, NULL}, {"DA", y + nt, NULL, NULL},
                                  {"5-HT", y + 2 * nt, NULL, NULL}};
  const ru_plot_series fire[3] = {{"LC", y + 3 * nt, NULL, NULL},
                                  {"VTA", y + 4 * nt, NULL, NULL},
                                  {"DRN", y + 5 * nt, NULL, NULL}};
  const ru_plot_panel panels[2] = {{"fold of baseline", conc, 3, 0, 0.0, 0.0},
                                   {"firing, fold of baseline", fire, 3, 0, 0.0, 0.0}};
  char title[128];
  snprintf(title, sizeof title, "reuptake synapse: %s", ru_synapse_region_name(s, r));
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_plot_panels(ctx->plot_path, title, days ? "time (days)" : "time (h)", x,
                                      nt, panels, 2, &err);
  free(x);
  free(y);
  if (st != RU_OK) {
    return cli_fail(ctx, st, &err);
  }
  if (!ctx->quiet) {
    fprintf(stderr, "reuptake synapse: plot written to %s\n", ctx->plot_path);
  }
  return 0;
}

/* Applies the options to a new simulation. */
static int configure(cli_ctx *ctx, ru_synapse *s, syn_opts *o, size_t *region) {
  ru_error err;
  ru_error_clear(&err);
  int rc = 0;
  if (o->genotype != NULL && (rc = apply_genotype(ctx, o->genotype, o->expr, s)) != 0) {
    return rc;
  }
  ru_status st = ru_synapse_region_find(s, o->region, region, &err);
  for (size_t t = 0; st == RU_OK && t < RU_SYN_NTRANSPORTERS; t++) {
    st = ru_synapse_set_expression(s, (ru_syn_input)t, o->expr[t], &err);
  }
  for (size_t i = 0; st == RU_OK && i < o->nparams; i++) {
    st = ru_synapse_set_param(s, o->param_names[i], o->param_values[i], &err);
  }
  if (st == RU_OK && (isfinite(o->rtol) || isfinite(o->atol))) {
    st = ru_synapse_set_tolerances(s, isfinite(o->rtol) ? o->rtol : 1e-7,
                                   isfinite(o->atol) ? o->atol : 1e-9, &err);
  }
  return st != RU_OK ? cli_fail(ctx, st, &err) : 0;
}

int cmd_synapse(cli_ctx *ctx) {
  simargs a;
  syn_opts o;
  memset(&o, 0, sizeof o);
  int rc = simargs_parse(ctx, &a);
  if (rc != 0) {
    return rc;
  }
  if ((rc = parse_opts(ctx, &a, &o)) != 0) {
    return rc;
  }
  if (o.params) {
    return cmd_model_params(ctx, 0);
  }
  const int regimen = a.nregimens > 0 || a.data_path != NULL;
  if (!regimen && !o.in_given && o.genotype == NULL) {
    return cli_usage(ctx, "give a REGIMEN or --occupancy NET=0.9[,SERT=...] (see --help)");
  }
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) {
    return rc;
  }
  ru_error err;
  ru_error_clear(&err);
  ru_synapse *s = NULL;
  ru_status st = ru_synapse_new(kb, &s, &err);
  if (st != RU_OK) {
    return cli_fail(ctx, st, &err);
  }
  double *times = NULL;
  double *in = NULL;
  size_t nt = 0;
  size_t r = 0;
  if ((rc = configure(ctx, s, &o, &r)) != 0) {
    goto done;
  }
  if ((rc = simargs_times(ctx, &a, SYN_DEFAULT_DAYS, &times, &nt)) != 0) {
    goto done;
  }
  if (regimen) {
    in = malloc(nt * NIN * sizeof *in);
    if (in == NULL) {
      rc = cli_fail(ctx, RU_ENOMEM, NULL);
      goto done;
    }
    if ((rc = regimen_inputs(ctx, kb, &a, &o, times, nt, in)) != 0) {
      goto done;
    }
    st = nt > 1 ? ru_synapse_set_inputs_samples(s, times, nt, in, &err)
                : ru_synapse_set_inputs_constant(s, in, &err);
  } else {
    st = ru_synapse_set_inputs_constant(s, o.in, &err);
  }
  if (st == RU_OK) {
    st = ru_synapse_run(s, times, nt, &err);
  }
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
    goto done;
  }
  if (ctx->plot_path != NULL && (rc = draw(ctx, s, r)) != 0) {
    goto done;
  }
  rc = ctx->format == CLI_FMT_JSON ? emit_json(ctx, s, r, &o, regimen) : emit_table(ctx, s, r);
done:
  free(times);
  free(in);
  ru_synapse_free(s);
  return rc;
}
