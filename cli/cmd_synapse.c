/* `reuptake synapse`: extracellular NE, DA and 5-HT in a brain region (fold of the drug-free
 * baseline) with LC, VTA and dorsal raphe firing, under held occupancies (--occupancy,
 * --antagonist) or a regimen's occupancy time course; transporter expression scenarios
 * (--expression, --genotype); the sourced parameter table (--params). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "reuptake/io.h"
#include "reuptake/synapse.h"
#include "simargs.h"

#define NA RU_SYN_NANALYTES
#define NTG RU_SYN_NTARGETS
#define SYN_DEFAULT_DAYS (3.0 / 24.0) /* default 3 h: the acute response (DESIGN.md) */
#define MAX_PARAM_OVERRIDES 32

typedef struct syn_opts {
  double occ[NTG];
  int occ_given;
  double expr[RU_SYN_NTRANSPORTERS];
  const char *genotype;
  const char *region;
  int params;
  const char *param_names[MAX_PARAM_OVERRIDES];
  double param_values[MAX_PARAM_OVERRIDES];
  size_t nparams;
} syn_opts;

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

/* Antagonists named on the command line, as receptor occupancy (README: idazoxan at alpha2,
 * WAY-100635 at 5-HT1A). */
static int antagonist_target(const char *name, ru_syn_target *t) {
  static const struct {
    const char *drug;
    ru_syn_target t;
  } drugs[] = {{"idazoxan", RU_SYN_ALPHA2},      {"rx821002", RU_SYN_ALPHA2},
               {"yohimbine", RU_SYN_ALPHA2},     {"way100635", RU_SYN_5HT1A},
               {"way-100635", RU_SYN_5HT1A},     {"sulpiride", RU_SYN_D2}};
  for (size_t i = 0; i < sizeof drugs / sizeof drugs[0]; i++) {
    if (strcasecmp(name, drugs[i].drug) == 0) {
      *t = drugs[i].t;
      return 1;
    }
  }
  return ru_synapse_target_parse(name, t, NULL) == RU_OK;
}

/* Parses "T=x,T=x" into occ (targets) or expr (transporters only when expr_only). */
static int parse_assignments(cli_ctx *ctx, const char *opt, const char *spec, double *vals,
                             int antagonists, int transporters_only, double hi) {
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
    ru_syn_target t;
    const int ok = antagonists ? antagonist_target(tok, &t)
                               : ru_synapse_target_parse(tok, &t, NULL) == RU_OK;
    if (!ok || (transporters_only && (int)t >= RU_SYN_NTRANSPORTERS)) {
      return cli_usage(ctx, "%s: unknown %s '%s'", opt,
                       transporters_only ? "transporter (NET, DAT, SERT)"
                                         : "target (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B, "
                                           "idazoxan, WAY-100635)",
                       tok);
    }
    double v = 0.0;
    if (!cli_parse_double(ctx, opt, eq + 1, 0.0, hi, &v)) {
      return 2;
    }
    vals[t] = v;
  }
  return 0;
}

static int apply_genotype(cli_ctx *ctx, const char *g, double *expr) {
  struct {
    const char *name;
    ru_syn_target t;
    const char *param;
  } const table[] = {
      {"SERT+/-", RU_SYN_SERT, "expression.sert_heterozygous"},
      {"SERT-het", RU_SYN_SERT, "expression.sert_heterozygous"},
      {"DAT-overexpression", RU_SYN_DAT, "expression.dat_overexpression"},
      {"DAT-tg", RU_SYN_DAT, "expression.dat_overexpression"},
      {"NET-182T", RU_SYN_NET, "expression.net_182T"},
  };
  if (strcasecmp(g, "SERT-/-") == 0 || strcasecmp(g, "SERT-KO") == 0) {
    expr[RU_SYN_SERT] = 0.0; /* knock-out: no transporter */
    return 0;
  }
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (strcasecmp(g, table[i].name) == 0) {
      expr[table[i].t] = ru_synapse_param_find(table[i].param)->value;
      return 0;
    }
  }
  return cli_usage(ctx,
                   "--genotype: unknown '%s' (SERT+/-, SERT-/-, DAT-overexpression, NET-182T)", g);
}

static int parse_opts(cli_ctx *ctx, const simargs *a, syn_opts *o) {
  for (size_t j = 0; j < RU_SYN_NTRANSPORTERS; j++) {
    o->expr[j] = 1.0;
  }
  o->region = "pfc";
  for (size_t i = 0; i < a->nrest; i++) {
    int missing = 0;
    const char *v;
    const char *arg = a->rest[i];
    int rc = 0;
    if ((v = rest_value(a, &i, "--occupancy", &missing)) != NULL) {
      o->occ_given = 1;
      rc = parse_assignments(ctx, "--occupancy", v, o->occ, 0, 0, 1.0);
    } else if ((v = rest_value(a, &i, "--antagonist", &missing)) != NULL) {
      o->occ_given = 1;
      rc = parse_assignments(ctx, "--antagonist", v, o->occ, 1, 0, 1.0);
    } else if ((v = rest_value(a, &i, "--expression", &missing)) != NULL) {
      rc = parse_assignments(ctx, "--expression", v, o->expr, 0, 1, 10.0);
    } else if ((v = rest_value(a, &i, "--genotype", &missing)) != NULL) {
      o->genotype = v;
      rc = apply_genotype(ctx, v, o->expr);
    } else if ((v = rest_value(a, &i, "--region", &missing)) != NULL) {
      o->region = v;
    } else if ((v = rest_value(a, &i, "--param", &missing)) != NULL) {
      const char *eq = strchr(v, '=');
      if (eq == NULL || o->nparams >= MAX_PARAM_OVERRIDES) {
        return cli_usage(ctx, "--param: expected NAME=VALUE (see --params)");
      }
      double x = 0.0;
      if (!cli_parse_double(ctx, "--param", eq + 1, 0.0, 1e9, &x)) {
        return 2;
      }
      static char names[MAX_PARAM_OVERRIDES][128];
      const size_t len = (size_t)(eq - v);
      if (len >= sizeof names[0]) {
        return cli_usage(ctx, "--param: name too long");
      }
      memcpy(names[o->nparams], v, len);
      names[o->nparams][len] = '\0';
      o->param_names[o->nparams] = names[o->nparams];
      o->param_values[o->nparams] = x;
      o->nparams++;
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

static int emit_params(cli_ctx *ctx, const char *domain_prefix) {
  const size_t n = ru_synapse_param_count();
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "parameters");
    for (size_t i = 0; i < n; i++) {
      const ru_synapse_param *p = ru_synapse_param_get(i);
      if (domain_prefix != NULL && strcmp(p->domain, "physio") != 0) {
        continue;
      }
      cJSON *r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "domain", p->domain);
      cJSON_AddStringToObject(r, "name", p->name);
      cJSON_AddItemToObject(r, "value", cli_json_number(p->value));
      cJSON_AddStringToObject(r, "unit", p->unit);
      cJSON_AddStringToObject(r, "status", p->status);
      cJSON_AddStringToObject(r, "source", p->source);
      cJSON_AddStringToObject(r, "note", p->note);
      cJSON_AddItemToArray(arr, r);
    }
    return cli_emit_json(ctx, root);
  }
  static const char *const hdr[] = {"domain", "name", "value", "unit", "status", "source", "note"};
  cli_table *t = cli_table_new(7, hdr);
  cli_out *o = cli_out_new();
  if (t == NULL || o == NULL) {
    cli_table_free(t);
    cli_out_free(o);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  for (size_t i = 0; i < n; i++) {
    const ru_synapse_param *p = ru_synapse_param_get(i);
    if (domain_prefix != NULL && strcmp(p->domain, "physio") != 0) {
      continue;
    }
    char val[32];
    const char *cells[7] = {p->domain, p->name, cli_fmt(val, sizeof val, p->value, 6), p->unit,
                            p->status, p->source, p->note};
    cli_table_add(t, cells);
  }
  cli_table_render(t, ctx->format, o);
  cli_table_free(t);
  return cli_out_commit(ctx, o);
}

int cmd_synapse_params(cli_ctx *ctx, int physio_only);
int cmd_synapse_params(cli_ctx *ctx, int physio_only) {
  return emit_params(ctx, physio_only ? "physio" : NULL);
}

/* --- regimen input ------------------------------------------------------------------------ */

/* Occupancy time course of NET, DAT and SERT from the regimens, sampled on times[nt], with the
 * held receptor occupancies of o added as constants. occ_out[nt * NTG]. */
static int regimen_occupancy(cli_ctx *ctx, const simargs *a, const syn_opts *o,
                             const double *times, size_t nt, double *occ_out) {
  int rc = 0;
  ru_regimen *reg = NULL;
  ru_sim *sim = NULL;
  double *conc = NULL;
  double *series = NULL;
  if ((rc = simargs_regimen(ctx, a, &reg)) != 0) {
    return rc;
  }
  if ((rc = simargs_sim(ctx, a, reg, &sim)) != 0) {
    goto done;
  }
  const size_t nc = ru_sim_compound_count(sim);
  conc = malloc((nc * nt + 1) * sizeof *conc);
  series = malloc(nt * sizeof *series);
  if (conc == NULL || series == NULL) {
    rc = cli_fail(ctx, RU_ENOMEM, NULL);
    goto done;
  }
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_sim_run(sim, times, nt, conc, &err);
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
    goto done;
  }
  for (size_t j = 0; j < nt; j++) {
    memcpy(occ_out + j * NTG, o->occ, NTG * sizeof o->occ[0]);
  }
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) {
    goto done;
  }
  for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
    st = ru_pd_occupancy_series(kb, sim,
                                ru_synapse_target_name((ru_syn_target)t), conc, nt, series, NULL,
                                &err);
    if (st != RU_OK) {
      rc = cli_fail(ctx, st, &err);
      goto done;
    }
    for (size_t j = 0; j < nt; j++) {
      /* an explicit --occupancy for a transporter adds as an independent block */
      const double held = o->occ[t];
      occ_out[j * NTG + t] = 1.0 - (1.0 - fmin(1.0, fmax(0.0, series[j]))) * (1.0 - held);
    }
  }
done:
  free(conc);
  free(series);
  ru_sim_free(sim);
  ru_regimen_free(reg);
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
                          cli_json_number(ru_synapse_sensitivity(s, nt - 1, nu)));
    cJSON_AddItemToObject(firing, ru_synapse_nucleus_name(nu), one);
  }
  cJSON_AddItemToObject(root, "firing", firing);
  cJSON_AddItemToObject(root, "fold_at_time_0", basal);
  cJSON *inputs = cJSON_CreateObject();
  cJSON_AddStringToObject(inputs, "occupancy_input",
                          regimen ? "regimen (PD occupancy time course)" : "held from time 0");
  cJSON *occ = cJSON_CreateObject();
  for (size_t t = 0; t < NTG; t++) {
    cJSON_AddItemToObject(occ, ru_synapse_target_name((ru_syn_target)t),
                          cli_json_number(o->occ[t]));
  }
  cJSON_AddItemToObject(inputs, "held_occupancy", occ);
  cJSON *ex = cJSON_CreateObject();
  for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
    cJSON_AddItemToObject(ex, ru_synapse_target_name((ru_syn_target)t),
                          cli_json_number(o->expr[t]));
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
      cells[1 + a] = cli_fmt(c[1 + a], sizeof c[1 + a], ru_synapse_fold(s, k, r, (ru_syn_analyte)a), 4);
      cells[4 + a] = cli_fmt(c[4 + a], sizeof c[4 + a], ru_synapse_firing_hz(s, k, (ru_syn_nucleus)a), 3);
    }
    cells[7] = cli_fmt(c[7], sizeof c[7], ru_synapse_sensitivity(s, k, RU_SYN_DRN), 3);
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
                   ru_synapse_fold(s, nt - 1, r, RU_SYN_NE), ru_synapse_fold(s, nt - 1, r, RU_SYN_DA),
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
    return emit_params(ctx, NULL);
  }
  const int regimen = a.nregimens > 0 || a.data_path != NULL;
  if (!regimen && !o.occ_given) {
    return cli_usage(ctx, "give a REGIMEN or --occupancy NET=0.9[,SERT=...] (see --help)");
  }
  ru_error err;
  ru_error_clear(&err);
  ru_synapse *s = ru_synapse_new(&err);
  if (s == NULL) {
    return cli_fail(ctx, RU_ENOMEM, &err);
  }
  double *times = NULL;
  double *occ = NULL;
  size_t nt = 0;
  size_t r = 0;
  ru_status st = ru_synapse_region_find(s, o.region, &r, &err);
  for (size_t t = 0; st == RU_OK && t < RU_SYN_NTRANSPORTERS; t++) {
    st = ru_synapse_set_expression(s, (ru_syn_target)t, o.expr[t], &err);
  }
  for (size_t i = 0; st == RU_OK && i < o.nparams; i++) {
    st = ru_synapse_set_param(s, o.param_names[i], o.param_values[i], &err);
  }
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
    goto done;
  }
  if ((rc = simargs_times(ctx, &a, SYN_DEFAULT_DAYS, &times, &nt)) != 0) {
    goto done;
  }
  if (regimen) {
    occ = malloc(nt * NTG * sizeof *occ);
    if (occ == NULL) {
      rc = cli_fail(ctx, RU_ENOMEM, NULL);
      goto done;
    }
    if ((rc = regimen_occupancy(ctx, &a, &o, times, nt, occ)) != 0) {
      goto done;
    }
    st = nt > 1 ? ru_synapse_set_occupancy_samples(s, times, nt, occ, &err)
                : ru_synapse_set_occupancy_constant(s, occ, &err);
  } else {
    st = ru_synapse_set_occupancy_constant(s, o.occ, &err);
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
  free(occ);
  ru_synapse_free(s);
  return rc;
}
