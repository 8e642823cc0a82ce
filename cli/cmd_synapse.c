/* `reuptake synapse`: extracellular NE, DA and 5-HT in a brain region (fold of the drug-free
 * baseline) with LC, VTA and dorsal raphe firing, under held inputs (--occupancy, --releaser,
 * --antagonist, --agonist) or a regimen's occupancy time course; transporter expression
 * scenarios (--expression, --genotype); parameter overrides (--param NAME=VALUE, KB-backed);
 * the model's parameter table (--params). Parses, calls the library, renders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "result.h"
#include "reuptake/io.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"
#include "simargs.h"

#define NA RU_SYN_NANALYTES
#define NIN RU_SYN_NINPUTS
#define MAX_PARAM_OVERRIDES 32

typedef struct syn_opts {
  double in[NIN];
  int in_given;
  double expr[RU_SYN_NTRANSPORTERS];
  const char *genotype;
  const char *region;
  int params;
  char param_names[MAX_PARAM_OVERRIDES][128];
  double param_values[MAX_PARAM_OVERRIDES];
  size_t nparams;
  double rtol, atol; /* NaN: not given */
} syn_opts;

/* Parses "NAME=x,NAME=x" into the inputs (or expression scales), each by the library's rule. */
static int parse_assignments(cli_ctx *ctx, const char *opt, const char *spec, ru_syn_hold_kind kind,
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
    ru_error err;
    ru_error_clear(&err);
    int inputs[2];
    if (ru_synapse_hold_target(kind, tok, inputs, &err) != RU_OK) {
      return cli_usage(ctx, "%s: %s", opt, err.message);
    }
    double v = 0.0;
    if (!cli_parse_double(ctx, opt, eq + 1, 0.0, ru_synapse_hold_max(kind), &v)) {
      return 2;
    }
    const ru_status st = ru_synapse_hold(kind, tok, v, vals, &err);
    if (st != RU_OK) {
      return cli_fail(ctx, st, &err);
    }
  }
  return 0;
}

/* --param NAME=VALUE (repeatable): KB-backed overrides. */
static int parse_param(cli_ctx *ctx, const char *v, syn_opts *o) {
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
  if (len == 0 || len >= sizeof o->param_names[0]) {
    return cli_usage(ctx, "--param: bad name");
  }
  memcpy(o->param_names[o->nparams], v, len);
  o->param_names[o->nparams][len] = '\0';
  o->param_values[o->nparams] = x;
  o->nparams++;
  return 0;
}

/* The command's own options, in the order given (a releaser combines with what is held before
 * it); the option table has checked names, values and ranges. */
static int parse_opts(cli_ctx *ctx, syn_opts *o) {
  static const struct {
    const char *name;
    ru_syn_hold_kind kind;
  } HOLDS[] = {{"--occupancy", RU_SYN_HOLD_OCCUPANCY},   {"--releaser", RU_SYN_HOLD_RELEASER},
               {"--antagonist", RU_SYN_HOLD_ANTAGONIST}, {"--agonist", RU_SYN_HOLD_AGONIST},
               {"--expression", RU_SYN_HOLD_EXPRESSION}};
  for (size_t j = 0; j < RU_SYN_NTRANSPORTERS; j++) {
    o->expr[j] = 1.0;
  }
  o->region = "pfc";
  o->rtol = (double)NAN;
  o->atol = (double)NAN;
  for (size_t k = 0; k < ctx->nparsed; k++) {
    const cli_arg *p = &ctx->parsed[k];
    if (p->opt == NULL) {
      if (simargs_is_regimen(p)) continue;
      return cli_usage(ctx, p->text[0] == '-' ? "unknown option '%s'"
                                              : "unexpected argument '%s' (a regimen is DRUG:DOSE...; "
                                                "occupancy is --occupancy NET=0.9)",
                       p->text);
    }
    const char *n = p->opt->name;
    int rc = 0;
    for (size_t h = 0; h < sizeof HOLDS / sizeof HOLDS[0]; h++) {
      if (strcmp(n, HOLDS[h].name) == 0) {
        const int expression = HOLDS[h].kind == RU_SYN_HOLD_EXPRESSION;
        o->in_given |= !expression;
        rc = parse_assignments(ctx, n, p->text, HOLDS[h].kind, expression ? o->expr : o->in);
      }
    }
    if (strcmp(n, "--genotype") == 0) {
      o->genotype = p->text;
    } else if (strcmp(n, "--region") == 0) {
      o->region = p->text;
    } else if (strcmp(n, "--param") == 0) {
      rc = parse_param(ctx, p->text, o);
    } else if (strcmp(n, "--rtol") == 0) {
      o->rtol = p->num;
    } else if (strcmp(n, "--atol") == 0) {
      o->atol = p->num;
    } else if (strcmp(n, "--params") == 0) {
      o->params = 1;
    }
    if (rc != 0) {
      return rc;
    }
  }
  return 0;
}

/* --- output -------------------------------------------------------------------------------- */

/* One output time: levels (fold of baseline) and firing for the table and CSV. */
typedef struct time_row {
  double time_h, fold[NA], hz[NA], drn_sensitivity;
} time_row;

static const cli_column TIMES[] = {
    CLI_FIELD_NUM("time_h", "h", 6, time_row, time_h),
    CLI_FIELD_NUM("NE", "fold", 4, time_row, fold[RU_SYN_NE]),
    CLI_FIELD_NUM("DA", "fold", 4, time_row, fold[RU_SYN_DA]),
    CLI_FIELD_NUM("5-HT", "fold", 4, time_row, fold[RU_SYN_5HT]),
    CLI_FIELD_NUM("LC_hz", "Hz", 3, time_row, hz[RU_SYN_LC]),
    CLI_FIELD_NUM("VTA_hz", "Hz", 3, time_row, hz[RU_SYN_VTA]),
    CLI_FIELD_NUM("DRN_hz", "Hz", 3, time_row, hz[RU_SYN_DRN]),
    CLI_FIELD_NUM("DRN_sensitivity", "fraction", 3, time_row, drn_sensitivity),
};

/* JSON "series": an analyte's time course. */
typedef struct analyte_row {
  const char *analyte;
  cli_nums fold;
} analyte_row;

static const cli_column ANALYTES[] = {
    CLI_FIELD_STRP("analyte", analyte_row, analyte),
    {"fold_of_baseline", "fold", 4, CLI_COL_NUMS, offsetof(analyte_row, fold), NULL, NULL, 0, NULL},
};

/* JSON "firing": one object per nucleus. */
typedef struct nucleus_row {
  const char *transmitter;
  double baseline_hz;
  cli_nums hz, fold;
  double final_hz, final_fold, final_autoreceptor_sensitivity, final_soma_fold;
} nucleus_row;

static const cli_column NUCLEI[] = {
    CLI_FIELD_STRP("transmitter", nucleus_row, transmitter),
    CLI_FIELD_NUM("baseline_hz", "Hz", 4, nucleus_row, baseline_hz),
    {"hz", "Hz", 4, CLI_COL_NUMS, offsetof(nucleus_row, hz), NULL, NULL, 0, NULL},
    {"fold", "fold", 4, CLI_COL_NUMS, offsetof(nucleus_row, fold), NULL, NULL, 0, NULL},
    CLI_FIELD_NUM("final_hz", "Hz", 4, nucleus_row, final_hz),
    CLI_FIELD_NUM("final_fold", "fold", 4, nucleus_row, final_fold),
    CLI_FIELD_NUM("final_autoreceptor_sensitivity", "fraction", 4, nucleus_row, final_autoreceptor_sensitivity),
    CLI_FIELD_NUM("final_soma_fold", "fold", 4, nucleus_row, final_soma_fold),
};

/* An object of named numbers under key ("final": {"NE": 2.0, ...}), JSON only. */
static void named_numbers(cli_result *res, const char *key, const char *(*name)(int), const double *v,
                          size_t n) {
  cli_column cols[NIN];
  for (size_t i = 0; i < n && i < NIN; i++) {
    cols[i] = (cli_column){name((int)i), NULL, 4, CLI_COL_NUM, i * sizeof *v, NULL, NULL, 0, NULL};
  }
  cli_result_begin(res, key, NULL);
  cli_result_fields(res, NULL, cols, n < NIN ? n : NIN, v, NULL, CLI_IN_JSON);
  cli_result_end(res);
}

static const char *analyte_name(int i) { return ru_synapse_analyte_name((ru_syn_analyte)i); }
static const char *receptor_name(int i) { return ru_synapse_receptor_name((ru_syn_receptor)i); }
static const char *input_name(int i) { return ru_synapse_input_name((ru_syn_input)i); }

/* Renders the run of region r: the time course (table: at most ~25 rows, always the last; CSV:
 * every time), and in JSON the firing, receptor sensitivities and the inputs. */
static int emit(cli_ctx *ctx, const ru_synapse *s, size_t r, const syn_opts *o, int regimen) {
  static const ru_syn_receptor soma_rec[NA] = {RU_SYN_R_ALPHA2_SOMA, RU_SYN_R_D2_SOMA, RU_SYN_R_5HT1A_SOMA};
  const size_t nt = ru_synapse_result_count(s);
  /* the time courses once, by time (table, CSV) and by quantity (JSON arrays): time, then per
   * analyte its fold, per nucleus its rate and its fold */
  time_row *rows = malloc((2 * nt + 1) * sizeof *rows);
  double *col = malloc(((1 + 3 * NA) * nt + 1) * sizeof *col);
  cli_result *res = rows != NULL && col != NULL ? cli_result_new(ctx) : NULL;
  if (res == NULL) {
    free(rows);
    free(col);
    return rows != NULL && col != NULL ? 1 : cli_fail(ctx, RU_ENOMEM, NULL);
  }
  double *fold = col + nt, *hz = fold + NA * nt, *ffold = hz + NA * nt;
  for (size_t k = 0; k < nt; k++) {
    time_row *t = &rows[k];
    t->time_h = col[k] = ru_synapse_result_time(s, k);
    for (size_t a = 0; a < NA; a++) {
      t->fold[a] = fold[a * nt + k] = ru_synapse_fold(s, k, r, (ru_syn_analyte)a);
      t->hz[a] = hz[a * nt + k] = ru_synapse_firing_hz(s, k, (ru_syn_nucleus)a);
      ffold[a * nt + k] = ru_synapse_firing_fold(s, k, (ru_syn_nucleus)a);
    }
    t->drn_sensitivity = ru_synapse_sensitivity(s, k, RU_SYN_R_5HT1A_SOMA, 0);
  }
  time_row *shown = rows + nt;
  const size_t every = nt <= 25 ? 1 : (nt + 23) / 24;
  size_t m = 0;
  for (size_t k = 0; k < nt; k++) {
    if (k % every == 0 || k + 1 == nt) shown[m++] = rows[k];
  }
  analyte_row an[NA];
  nucleus_row nu[NA];
  double final[NA], at0[NA], sens[RU_SYN_NRECEPTORS];
  for (size_t a = 0; a < NA; a++) {
    an[a] = (analyte_row){analyte_name((int)a), {fold + a * nt, nt}};
    final[a] = fold[a * nt + nt - 1];
    at0[a] = fold[a * nt];
    const ru_syn_nucleus n = (ru_syn_nucleus)a;
    nu[a] = (nucleus_row){analyte_name((int)a), ru_synapse_firing_hz(s, 0, n) / ru_synapse_firing_fold(s, 0, n),
                          {hz + a * nt, nt}, {ffold + a * nt, nt}, hz[a * nt + nt - 1], ffold[a * nt + nt - 1],
                          ru_synapse_sensitivity(s, nt - 1, soma_rec[a], 0), ru_synapse_soma_fold(s, nt - 1, n)};
  }
  for (size_t q = 0; q < RU_SYN_NRECEPTORS; q++) sens[q] = ru_synapse_sensitivity(s, nt - 1, (ru_syn_receptor)q, r);
  const cli_column TIME_H = {"time_h", "h", 6, CLI_COL_NUMS, 0, NULL, NULL, 0, NULL};
  const cli_nums times = {col, nt};

  cli_result_note(res, "region %s: extracellular levels as fold of the drug-free baseline; firing "
                       "of LC (NE), VTA (DA), dorsal raphe (5-HT)\n", ru_synapse_region_name(s, r));
  cli_result_rows(res, NULL, NULL, TIMES, sizeof TIMES / sizeof TIMES[0], rows, sizeof *rows, nt, NULL, CLI_IN_CSV);
  cli_result_rows(res, NULL, NULL, TIMES, sizeof TIMES / sizeof TIMES[0], shown, sizeof *shown, m, NULL, CLI_IN_TABLE);
  cli_result_note(res, "final: NE %.3g, DA %.3g, 5-HT %.3g x baseline\n", final[RU_SYN_NE], final[RU_SYN_DA],
                  final[RU_SYN_5HT]);
  cli_result_str(res, "region", NULL, ru_synapse_region_name(s, r), CLI_IN_JSON);
  cli_result_fields(res, NULL, &TIME_H, 1, &times, NULL, CLI_IN_JSON);
  cli_result_rows(res, "series", NULL, ANALYTES, sizeof ANALYTES / sizeof ANALYTES[0], an, sizeof *an, NA, NULL,
                  CLI_IN_JSON);
  named_numbers(res, "final", analyte_name, final, NA);
  cli_result_begin(res, "firing", NULL);
  for (size_t a = 0; a < NA; a++) {
    cli_result_begin(res, ru_synapse_nucleus_name((ru_syn_nucleus)a), NULL);
    cli_result_fields(res, NULL, NUCLEI, sizeof NUCLEI / sizeof NUCLEI[0], &nu[a], NULL, CLI_IN_JSON);
    cli_result_end(res);
  }
  cli_result_end(res);
  named_numbers(res, "final_receptor_sensitivity", receptor_name, sens, RU_SYN_NRECEPTORS);
  named_numbers(res, "fold_at_time_0", analyte_name, at0, NA);
  cli_result_begin(res, "inputs", NULL);
  cli_result_str(res, "occupancy_input", NULL,
                 regimen ? "regimen (PD occupancy time course)" : "held from time 0", CLI_IN_JSON);
  named_numbers(res, "held", input_name, o->in, NIN);
  named_numbers(res, "expression", input_name, o->expr, RU_SYN_NTRANSPORTERS);
  if (o->genotype != NULL) cli_result_str(res, "genotype", NULL, o->genotype, CLI_IN_JSON);
  cli_result_end(res);
  cli_result_str(res, "reference", NULL,
                 "fold of the wild-type drug-free steady state (computed); with an expression scenario "
                 "the run starts from that genotype's own steady state (fold_at_time_0)", CLI_IN_JSON);
  cli_result_str(res, "parameters", NULL, "reuptake synapse --params", CLI_IN_JSON);
  const int rc = cli_result_finish(res);
  free(rows);
  free(col);
  return rc;
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
  if (o->genotype != NULL && ru_synapse_genotype_expression(s, o->genotype, o->expr, &err) != RU_OK) {
    return cli_usage(ctx, "--genotype: %s", err.message);
  }
  ru_status st = ru_synapse_region_find(s, o->region, region, &err);
  for (size_t t = 0; st == RU_OK && t < RU_SYN_NTRANSPORTERS; t++) {
    st = ru_synapse_set_expression(s, (ru_syn_input)t, o->expr[t], &err);
  }
  for (size_t i = 0; st == RU_OK && i < o->nparams; i++) {
    st = ru_synapse_set_param(s, o->param_names[i], o->param_values[i], &err);
  }
  if (st == RU_OK && (isfinite(o->rtol) || isfinite(o->atol))) {
    double rtol = 0.0, atol = 0.0; /* one given: the other keeps the library's */
    ru_synapse_get_tolerances(s, &rtol, &atol);
    st = ru_synapse_set_tolerances(s, isfinite(o->rtol) ? o->rtol : rtol,
                                   isfinite(o->atol) ? o->atol : atol, &err);
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
  if ((rc = parse_opts(ctx, &o)) != 0) {
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
  size_t nt = 0;
  size_t r = 0;
  if ((rc = configure(ctx, s, &o, &r)) != 0) {
    goto done;
  }
  if ((rc = simargs_times(ctx, &a, RU_SYN_ACUTE_H / 24.0, &times, &nt)) != 0) {
    goto done;
  }
  if (regimen) {
    /* the regimens' occupancy time course, held inputs combined (library) */
    ru_sim *sim = NULL;
    if ((rc = simargs_build(ctx, &a, &sim)) != 0) {
      goto done;
    }
    st = ru_synapse_set_inputs_from_sim(s, kb, sim, times, nt, o.in, &err);
    ru_sim_free(sim);
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
  rc = emit(ctx, s, r, &o, regimen);
done:
  free(times);
  ru_synapse_free(s);
  return rc;
}
