/* `reuptake population`: a virtual population of a regimen — percentile bands of concentration
 * and occupancy over time, probability of target attainment, exposure by CYP2D6 phenotype
 * (docs/population.md). Runs on one process, or sharded under `mpirun -n K` with bitwise the
 * same output for every K (rank 0 writes it). Output is built in memory and written once, at
 * the end, atomically: Ctrl-C (SIGINT) or SIGTERM stops between subjects and leaves no file. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "simargs.h"

#define MAX_PCT 16

/* The one piece of global mutable state allowed: set by the signal handler, read between
 * subjects by the library through a pointer. */
static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

typedef struct pop_opts {
  uint64_t subjects;
  uint64_t seed;
  const char *ancestry;
  double pct[MAX_PCT];
  size_t npct;
  ru_pop_criterion crit[RU_POP_MAX_CRITERIA];
  size_t ncrit;
  int list_ancestries;
} pop_opts;

typedef struct progress_state {
  struct timespec start, last;
  int rank_size;
} progress_state;

static double seconds_between(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

static void on_progress(uint64_t done, uint64_t total, void *user) {
  progress_state *ps = user;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (done < total && seconds_between(&ps->last, &now) < 0.25) return;
  ps->last = now;
  const double el = seconds_between(&ps->start, &now);
  const double rate = el > 0.0 ? (double)done / el : 0.0;
  const double eta = rate > 0.0 ? (double)(total - done) / rate : 0.0;
  fprintf(stderr, "\rreuptake population: %llu/%llu subjects%s (%.1f%%), %.0f subjects/s, ETA %.0f s   ",
          (unsigned long long)done, (unsigned long long)total, ps->rank_size > 1 ? " on rank 0" : "",
          100.0 * (double)done / (double)(total ? total : 1), rate, eta);
  if (done == total) fputc('\n', stderr);
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
  if (s == NULL || *s < '0' || *s > '9') return 0;
  char *end = NULL;
  const unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return 0;
  *out = (uint64_t)v;
  return 1;
}

static int parse_criterion(cli_ctx *ctx, const char *spec, ru_pop_criterion *c) {
  const char *op = strstr(spec, ">=");
  int at_least = 1;
  if (op == NULL) {
    op = strstr(spec, "<=");
    at_least = 0;
  }
  if (op == NULL || op == spec || (size_t)(op - spec) >= RU_NAME_MAX) {
    return cli_usage(ctx, "--target-attainment '%s': expected TARGET>=FRACTION, e.g. SERT>=0.8",
                     spec);
  }
  memset(c, 0, sizeof *c);
  memcpy(c->target, spec, (size_t)(op - spec));
  c->target[op - spec] = '\0';
  c->at_least = at_least;
  double v;
  if (ru_units_parse_double(op + 2, &v) != RU_OK || !(v >= 0.0 && v <= 1.0)) {
    return cli_usage(ctx, "--target-attainment '%s': threshold must be a fraction in [0, 1]", spec);
  }
  c->threshold = v;
  return 0;
}

static int parse_percentiles(cli_ctx *ctx, const char *spec, pop_opts *o) {
  char buf[256];
  if (strlen(spec) >= sizeof buf) return cli_usage(ctx, "--percentiles: list too long");
  strcpy(buf, spec);
  o->npct = 0;
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    double v;
    if (ru_units_parse_double(tok, &v) != RU_OK || !(v > 0.0 && v < 100.0)) {
      return cli_usage(ctx, "--percentiles '%s': '%s' is not a percentile in (0, 100)", spec, tok);
    }
    if (o->npct >= MAX_PCT) return cli_usage(ctx, "--percentiles: at most %d values", MAX_PCT);
    if (o->npct > 0 && !(v > o->pct[o->npct - 1])) {
      return cli_usage(ctx, "--percentiles '%s': values must increase", spec);
    }
    o->pct[o->npct++] = v;
  }
  if (o->npct == 0) return cli_usage(ctx, "--percentiles: no values given");
  return 0;
}

/* Options this command adds to the simulation ones. */
static int parse_opts(cli_ctx *ctx, const simargs *a, pop_opts *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->pct[0] = 5.0;
  o->pct[1] = 50.0;
  o->pct[2] = 95.0;
  o->npct = 3;
  int have_subjects = 0;
  for (size_t i = 0; i < a->nrest; i++) {
    const char *arg = a->rest[i];
    const char *names[] = {"--subjects", "--seed", "--ancestry", "--percentiles",
                           "--target-attainment"};
    int which = -1;
    const char *val = NULL;
    for (int k = 0; k < 5; k++) {
      const size_t n = strlen(names[k]);
      if (strncmp(arg, names[k], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
        which = k;
        if (arg[n] == '=') {
          val = arg + n + 1;
        } else if (i + 1 < a->nrest) {
          val = a->rest[++i];
        } else {
          return cli_usage(ctx, "option %s needs a value", names[k]);
        }
        break;
      }
    }
    if (which < 0) {
      if (strcmp(arg, "--list-ancestries") == 0) {
        o->list_ancestries = 1;
        continue;
      }
      if (arg[0] == '-') return cli_usage(ctx, "unknown option '%s'", arg);
      return cli_usage(ctx, "'%s' is not a regimen (expected DRUG:DOSE[:qINTERVAL]..., e.g. "
                            "atomoxetine:80mg:q24h)", arg);
    }
    int rc = 0;
    switch (which) {
    case 0:
      if (!parse_u64(val, 1, RU_POP_MAX_SUBJECTS, &o->subjects)) {
        return cli_usage(ctx, "--subjects '%s': expected a whole number from 1 to %llu", val,
                         (unsigned long long)RU_POP_MAX_SUBJECTS);
      }
      have_subjects = 1;
      break;
    case 1:
      if (!parse_u64(val, 0, UINT64_MAX, &o->seed)) {
        return cli_usage(ctx, "--seed '%s': expected a whole number >= 0", val);
      }
      break;
    case 2:
      if (*val == '\0') return cli_usage(ctx, "--ancestry needs a name");
      o->ancestry = val;
      break;
    case 3:
      rc = parse_percentiles(ctx, val, o);
      break;
    default:
      if (o->ncrit >= RU_POP_MAX_CRITERIA) {
        return cli_usage(ctx, "at most %d --target-attainment options", RU_POP_MAX_CRITERIA);
      }
      rc = parse_criterion(ctx, val, &o->crit[o->ncrit]);
      if (rc == 0) o->ncrit++;
      break;
    }
    if (rc) return rc;
  }
  if (!have_subjects && !o->list_ancestries) {
    return cli_usage(ctx, "--subjects N is required (e.g. --subjects 1000)");
  }
  return 0;
}

static const char *pct_key(char *buf, size_t cap, double q) {
  snprintf(buf, cap, "%g", q);
  return buf;
}

static int list_ancestries(cli_ctx *ctx, ru_kb *kb) {
  char names[32][RU_NAME_MAX];
  size_t n = 0;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_pop_ancestries(kb, names, 32, &n, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(root, "ancestries");
    for (size_t i = 0; i < n && i < 32; i++) cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    cJSON_AddStringToObject(root, "default", RU_POP_DEFAULT_ANCESTRY);
    return cli_emit_json(ctx, root);
  }
  cli_out *o = cli_out_new();
  for (size_t i = 0; i < n && i < 32; i++) {
    cli_out_printf(o, "%s%s\n", names[i],
                   strcmp(names[i], RU_POP_DEFAULT_ANCESTRY) == 0 ? " (default)" : "");
  }
  return cli_out_commit(ctx, o);
}

static const char COVARIANCE_NOTE[] =
    "none: no published covariance between CL, V and ka is in the knowledge base; parameters "
    "vary independently";
static const char COVARIATE_NOTE[] =
    "not modelled: the knowledge base holds no sourced effect of weight, sex or smoking on these "
    "compounds";
static const char FINAL_NOTE[] =
    "fraction of subjects meeting the criterion at every grid point of the end window (the last "
    "dosing interval: for >= criteria, the steady-state trough)";

/* cJSON_AddItemToObject that frees the item when it cannot be added (out of memory). */
static void json_add(cJSON *obj, const char *key, cJSON *item) {
  if (!cJSON_AddItemToObject(obj, key, item)) cJSON_Delete(item);
}

static cJSON *json_series(const double *v, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t j = 0; j < n; j++) cJSON_AddItemToArray(a, cli_json_number(v[j]));
  return a;
}

static int emit_json(cli_ctx *ctx, const ru_pop *p, const ru_pop_summary *s, const pop_opts *o,
                     char (*anc)[RU_NAME_MAX], size_t nanc) {
  const size_t nt = ru_pop_nt(p);
  const double *t = ru_pop_times(p);
  double *buf = malloc((nt + 1) * sizeof *buf);
  if (buf == NULL) return cli_usage(ctx, "out of memory");
  cJSON *root = cJSON_CreateObject();
  cJSON_AddNumberToObject(root, "subjects", (double)ru_pop_summary_subjects(s));
  cJSON_AddNumberToObject(root, "seed", (double)o->seed);
  cJSON_AddStringToObject(root, "ancestry", ru_pop_ancestry(p));
  cJSON *aa = cJSON_AddArrayToObject(root, "ancestries_available");
  for (size_t i = 0; i < nanc; i++) cJSON_AddItemToArray(aa, cJSON_CreateString(anc[i]));
  cJSON *c19 = cJSON_AddArrayToObject(root, "cyp2c19"); /* empty: CYP2C19 not drawn */
  for (size_t h = 0; h < ru_pop_cyp2c19_count(p); h++) {
    int as_nm = 0;
    const double act = ru_pop_cyp2c19_activity(p, h, &as_nm);
    cJSON *o1 = cJSON_CreateObject();
    cJSON_AddStringToObject(o1, "phenotype", ru_pop_cyp2c19_name(p, h));
    cJSON_AddNumberToObject(o1, "frequency", ru_pop_cyp2c19_frequency(p, h));
    cJSON_AddNumberToObject(o1, "activity", act);
    cJSON_AddBoolToObject(o1, "activity_unsourced_simulated_as_nm", as_nm);
    cJSON_AddItemToArray(c19, o1);
  }
  cJSON_AddStringToObject(root, "engine", ru_pop_engine(p));
  json_add(root, "time_h", json_series(t, nt));
  cJSON *bands = cJSON_AddArrayToObject(root, "bands");
  char key[32];
  for (size_t b = 0; b < ru_pop_band_count(p); b++) {
    ru_pop_band_info bi;
    ru_pop_band(p, b, &bi, NULL);
    cJSON *o1 = cJSON_CreateObject();
    cJSON_AddStringToObject(o1, bi.is_target ? "target" : "compound", bi.name);
    cJSON_AddStringToObject(o1, "quantity", bi.quantity);
    cJSON_AddStringToObject(o1, "unit", bi.unit);
    cJSON_AddNumberToObject(o1, bi.is_target ? "resolution_abs" : "resolution_rel", bi.resolution);
    cJSON *pc = cJSON_AddObjectToObject(o1, "percentiles");
    for (size_t q = 0; q < o->npct; q++) {
      for (size_t j = 0; j < nt; j++) buf[j] = ru_pop_band_percentile(p, s, b, j, o->pct[q]);
      json_add(pc, pct_key(key, sizeof key, o->pct[q]), json_series(buf, nt));
    }
    cJSON_AddItemToArray(bands, o1);
  }
  cJSON *att = cJSON_AddArrayToObject(root, "attainment");
  for (size_t k = 0; k < ru_pop_criterion_count(p); k++) {
    const ru_pop_criterion *c = ru_pop_criterion_at(p, k);
    cJSON *o1 = cJSON_CreateObject();
    cJSON_AddStringToObject(o1, "target", c->target);
    cJSON_AddStringToObject(o1, "comparison", c->at_least ? ">=" : "<=");
    cJSON_AddNumberToObject(o1, "threshold", c->threshold);
    for (size_t j = 0; j < nt; j++) buf[j] = ru_pop_attainment(p, s, k, j);
    json_add(o1, "probability", json_series(buf, nt));
    json_add(o1, "final", cli_json_number(ru_pop_attainment_final(p, s, k)));
    cJSON_AddItemToArray(att, o1);
  }
  cJSON_AddStringToObject(root, "attainment_final_definition", FINAL_NOTE);
  cJSON_AddNumberToObject(root, "window_h", ru_pop_window_h(p));
  cJSON *byp = cJSON_AddArrayToObject(root, "by_phenotype");
  for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) {
    for (size_t i = 0; i < ru_pop_compound_count(p); i++) {
      ru_pop_exposure e;
      if (ru_pop_exposure_by_phenotype(p, s, g, i, &e, NULL) != RU_OK) continue;
      cJSON *o1 = cJSON_CreateObject();
      cJSON_AddStringToObject(o1, "phenotype", ru_pop_phenotype_name(p, g));
      cJSON_AddStringToObject(o1, "gene", "CYP2D6");
      cJSON_AddNumberToObject(o1, "frequency", ru_pop_phenotype_frequency(p, g));
      cJSON_AddStringToObject(o1, "compound", ru_pop_compound_name(p, i));
      cJSON_AddNumberToObject(o1, "n", (double)e.n);
      json_add(o1, "auc_mean", cli_json_number(e.auc_mean));
      json_add(o1, "auc_p5", cli_json_number(e.auc_p5));
      json_add(o1, "auc_p50", cli_json_number(e.auc_p50));
      json_add(o1, "auc_p95", cli_json_number(e.auc_p95));
      json_add(o1, "cavg_mean", cli_json_number(e.cavg_mean));
      cJSON_AddStringToObject(o1, "auc_unit", "ng*h/mL");
      cJSON_AddStringToObject(o1, "cavg_unit", "ng/mL");
      cJSON_AddItemToArray(byp, o1);
    }
  }
  cJSON *var = cJSON_AddArrayToObject(root, "variability");
  for (size_t i = 0; i < ru_pop_variability_count(p); i++) {
    const ru_pop_variability *v = ru_pop_variability_at(p, i);
    cJSON *o1 = cJSON_CreateObject();
    cJSON_AddStringToObject(o1, "compound", v->compound);
    cJSON_AddStringToObject(o1, "key", v->key);
    cJSON_AddNumberToObject(o1, "cv", v->cv);
    cJSON_AddStringToObject(o1, "source", v->sourced ? v->source : "default, not sourced");
    cJSON_AddItemToArray(var, o1);
  }
  cJSON_AddStringToObject(root, "covariance", COVARIANCE_NOTE);
  cJSON_AddStringToObject(root, "covariates", COVARIATE_NOTE);
  cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
  free(buf);
  return cli_emit_json(ctx, root);
}

static int emit_table(cli_ctx *ctx, const ru_pop *p, const ru_pop_summary *s, const pop_opts *o) {
  const size_t nt = ru_pop_nt(p);
  const double tend = ru_pop_times(p)[nt - 1];
  cli_out *out = cli_out_new();
  char b[MAX_PCT + 3][32];
  const char *cells[MAX_PCT + 3];
  if (ctx->format == CLI_FMT_CSV) {
    /* long format: every band, time and percentile */
    const char *hdr[MAX_PCT + 4];
    char hb[MAX_PCT][32];
    hdr[0] = "band";
    hdr[1] = "quantity";
    hdr[2] = "unit";
    hdr[3] = "time_h";
    for (size_t q = 0; q < o->npct; q++) {
      snprintf(hb[q], sizeof hb[q], "p%g", o->pct[q]);
      hdr[4 + q] = hb[q];
    }
    cli_table *t = cli_table_new(4 + o->npct, hdr);
    char c4[MAX_PCT + 4][32];
    const char *cc[MAX_PCT + 4];
    for (size_t bd = 0; bd < ru_pop_band_count(p); bd++) {
      ru_pop_band_info bi;
      ru_pop_band(p, bd, &bi, NULL);
      for (size_t j = 0; j < nt; j++) {
        cc[0] = bi.name;
        cc[1] = bi.quantity;
        cc[2] = bi.unit;
        cc[3] = cli_fmt(c4[3], sizeof c4[3], ru_pop_times(p)[j], 8);
        for (size_t q = 0; q < o->npct; q++) {
          cc[4 + q] = cli_fmt(c4[4 + q], sizeof c4[4 + q], ru_pop_band_percentile(p, s, bd, j, o->pct[q]), 6);
        }
        cli_table_add(t, cc);
      }
    }
    cli_table_render(t, CLI_FMT_CSV, out);
    cli_table_free(t);
    return cli_out_commit(ctx, out);
  }
  cli_out_printf(out, "population: %llu subjects, seed %llu, ancestry %s (CYP2D6", 
                 (unsigned long long)ru_pop_summary_subjects(s), (unsigned long long)o->seed,
                 ru_pop_ancestry(p));
  for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) {
    cli_out_printf(out, " %s %.1f%%", ru_pop_phenotype_name(p, g), 100.0 * ru_pop_phenotype_frequency(p, g));
  }
  cli_out_printf(out, ")");
  if (ru_pop_cyp2c19_count(p) > 0) {
    cli_out_printf(out, " (CYP2C19, independent");
    for (size_t h = 0; h < ru_pop_cyp2c19_count(p); h++) {
      int as_nm = 0;
      (void)ru_pop_cyp2c19_activity(p, h, &as_nm);
      cli_out_printf(out, " %s %.1f%%%s", ru_pop_cyp2c19_name(p, h), 100.0 * ru_pop_cyp2c19_frequency(p, h),
                     as_nm ? " [no sourced activity: as NM]" : "");
    }
    cli_out_printf(out, ")");
  }
  cli_out_printf(out, "; engine: %s\n\n", ru_pop_engine(p));
  /* final-time percentiles */
  {
    const char *hdr[MAX_PCT + 3];
    char hb[MAX_PCT][32];
    hdr[0] = "band";
    hdr[1] = "unit";
    for (size_t q = 0; q < o->npct; q++) {
      snprintf(hb[q], sizeof hb[q], "p%g", o->pct[q]);
      hdr[2 + q] = hb[q];
    }
    cli_out_printf(out, "percentiles at t = %g h:\n", tend);
    cli_table *t = cli_table_new(2 + o->npct, hdr);
    for (size_t bd = 0; bd < ru_pop_band_count(p); bd++) {
      ru_pop_band_info bi;
      ru_pop_band(p, bd, &bi, NULL);
      char name[RU_NAME_MAX + 16];
      snprintf(name, sizeof name, "%s%s", bi.name, bi.is_target ? " occupancy" : "");
      snprintf(b[0], sizeof b[0], "%s", bi.unit);
      cells[0] = name;
      cells[1] = b[0];
      for (size_t q = 0; q < o->npct; q++) {
        cells[2 + q] = cli_fmt(b[1 + q], sizeof b[1 + q], ru_pop_band_percentile(p, s, bd, nt - 1, o->pct[q]), 4);
      }
      cli_table_add(t, cells);
    }
    cli_table_render(t, CLI_FMT_TABLE, out);
    cli_table_free(t);
  }
  if (ru_pop_criterion_count(p) > 0) {
    cli_out_printf(out, "\ntarget attainment (end window = last %g h):\n", ru_pop_window_h(p));
    const char *hdr[] = {"criterion", "P(whole end window)", "P(at end)"};
    cli_table *t = cli_table_new(3, hdr);
    for (size_t k = 0; k < ru_pop_criterion_count(p); k++) {
      const ru_pop_criterion *c = ru_pop_criterion_at(p, k);
      char crit[RU_NAME_MAX + 32];
      snprintf(crit, sizeof crit, "%s %s %g", c->target, c->at_least ? ">=" : "<=", c->threshold);
      cells[0] = crit;
      cells[1] = cli_fmt(b[0], sizeof b[0], ru_pop_attainment_final(p, s, k), 3);
      cells[2] = cli_fmt(b[1], sizeof b[1], ru_pop_attainment(p, s, k, nt - 1), 3);
      cli_table_add(t, cells);
    }
    cli_table_render(t, CLI_FMT_TABLE, out);
    cli_table_free(t);
  }
  {
    cli_out_printf(out, "\nexposure over the end window by CYP2D6 phenotype (AUC ng*h/mL, Cavg ng/mL):\n");
    const char *hdr[] = {"phenotype", "n", "compound", "AUC mean", "AUC p5", "AUC p50", "AUC p95", "Cavg mean"};
    cli_table *t = cli_table_new(8, hdr);
    for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) {
      for (size_t i = 0; i < ru_pop_compound_count(p); i++) {
        ru_pop_exposure e;
        if (ru_pop_exposure_by_phenotype(p, s, g, i, &e, NULL) != RU_OK) continue;
        cells[0] = ru_pop_phenotype_name(p, g);
        snprintf(b[0], sizeof b[0], "%llu", (unsigned long long)e.n);
        cells[1] = b[0];
        cells[2] = ru_pop_compound_name(p, i);
        cells[3] = cli_fmt(b[1], sizeof b[1], e.auc_mean, 4);
        cells[4] = cli_fmt(b[2], sizeof b[2], e.auc_p5, 4);
        cells[5] = cli_fmt(b[3], sizeof b[3], e.auc_p50, 4);
        cells[6] = cli_fmt(b[4], sizeof b[4], e.auc_p95, 4);
        cells[7] = cli_fmt(b[5], sizeof b[5], e.cavg_mean, 4);
        cli_table_add(t, cells);
      }
    }
    cli_table_render(t, CLI_FMT_TABLE, out);
    cli_table_free(t);
  }
  {
    cli_out_printf(out, "\nvariability (log-normal, CV):\n");
    const char *hdr[] = {"compound", "key", "CV", "source"};
    cli_table *t = cli_table_new(4, hdr);
    for (size_t i = 0; i < ru_pop_variability_count(p); i++) {
      const ru_pop_variability *v = ru_pop_variability_at(p, i);
      cells[0] = v->compound;
      cells[1] = v->key;
      cells[2] = cli_fmt(b[0], sizeof b[0], v->cv, 3);
      cells[3] = v->sourced ? v->source : "default, not sourced";
      cli_table_add(t, cells);
    }
    cli_table_render(t, CLI_FMT_TABLE, out);
    cli_table_free(t);
  }
  cli_out_printf(out, "\ncovariance: %s.\ncovariates: %s.\n%s\n", COVARIANCE_NOTE, COVARIATE_NOTE,
                 CLI_DISCLAIMER);
  return cli_out_commit(ctx, out);
}

static int draw(cli_ctx *ctx, const ru_pop *p, const ru_pop_summary *s) {
  const size_t nt = ru_pop_nt(p), nb = ru_pop_band_count(p), nc = ru_pop_compound_count(p);
  const size_t ncrit = ru_pop_criterion_count(p), nph = ru_pop_phenotype_count(p);
  const double *t = ru_pop_times(p);
  const int use_days = t[nt - 1] > 72.0;
  /* per band: median, p5, p95; per criterion: probability; per phenotype: Cavg p50, p5, p95 */
  const size_t nser = 3 * nb + ncrit + 3 * nph + 1;
  double *v = calloc(nser * nt, sizeof *v);
  ru_plot_series *ser = calloc(nb + ncrit + nph + 1, sizeof *ser);
  if (v == NULL || ser == NULL) {
    free(v);
    free(ser);
    return cli_usage(ctx, "out of memory");
  }
  double *x = v + (nser - 1) * nt;
  for (size_t j = 0; j < nt; j++) x[j] = use_days ? t[j] / 24.0 : t[j];
  char labels[32][96];
  size_t ns = 0;
  ru_plot_panel panels[4];
  size_t np = 0;
  for (int part = 0; part < 2; part++) {
    const size_t first = ns;
    for (size_t b = 0; b < nb && ns < 24; b++) {
      ru_pop_band_info bi;
      ru_pop_band(p, b, &bi, NULL);
      if (bi.is_target != part) continue;
      double *m = v + 3 * b * nt, *lo = m + nt, *hi = lo + nt;
      for (size_t j = 0; j < nt; j++) {
        m[j] = ru_pop_band_percentile(p, s, b, j, 50.0);
        lo[j] = ru_pop_band_percentile(p, s, b, j, 5.0);
        hi[j] = ru_pop_band_percentile(p, s, b, j, 95.0);
      }
      snprintf(labels[ns], sizeof labels[ns], "%s median (5-95%%)", bi.name);
      ser[ns] = (ru_plot_series){labels[ns], m, lo, hi};
      ns++;
    }
    if (ns > first) {
      panels[np++] = part == 0
          ? (ru_plot_panel){"total plasma concentration (ng/mL)", ser + first, ns - first, 0, 0.0, 0.0}
          : (ru_plot_panel){"occupancy (fraction)", ser + first, ns - first, 0, 0.0, 1.0};
    }
  }
  if (ncrit > 0) {
    const size_t first = ns;
    for (size_t k = 0; k < ncrit && ns < 28; k++) {
      const ru_pop_criterion *c = ru_pop_criterion_at(p, k);
      double *m = v + (3 * nb + k) * nt;
      for (size_t j = 0; j < nt; j++) m[j] = ru_pop_attainment(p, s, k, j);
      snprintf(labels[ns], sizeof labels[ns], "P(%s %s %g)", c->target, c->at_least ? ">=" : "<=",
               c->threshold);
      ser[ns] = (ru_plot_series){labels[ns], m, NULL, NULL};
      ns++;
    }
    panels[np++] = (ru_plot_panel){"target attainment (probability)", ser + first, ns - first, 0, 0.0, 1.0};
  }
  /* exposure by phenotype: Cavg of the first compound over the end window, shown as a band
   * across the time axis (the panel shares x with the others) */
  if (nc > 0 && ru_pop_window_h(p) > 0.0) {
    const size_t first = ns;
    const double w = ru_pop_window_h(p);
    for (size_t g = 0; g < nph && ns < 32; g++) {
      double *m = v + (3 * nb + ncrit + 3 * g) * nt, *lo = m + nt, *hi = lo + nt;
      const double q50 = ru_pop_exposure_percentile(p, s, g, 0, 50.0) / w;
      const double q5 = ru_pop_exposure_percentile(p, s, g, 0, 5.0) / w;
      const double q95 = ru_pop_exposure_percentile(p, s, g, 0, 95.0) / w;
      for (size_t j = 0; j < nt; j++) {
        m[j] = q50;
        lo[j] = q5;
        hi[j] = q95;
      }
      snprintf(labels[ns], sizeof labels[ns], "CYP2D6 %s: %s Cavg end window", ru_pop_phenotype_name(p, g),
               ru_pop_compound_name(p, 0));
      ser[ns] = (ru_plot_series){labels[ns], m, lo, hi};
      ns++;
    }
    panels[np++] = (ru_plot_panel){"Cavg by phenotype (ng/mL)", ser + first, ns - first, 0, 0.0, 0.0};
  }
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_plot_panels(ctx->plot_path, "reuptake population",
                                      use_days ? "time (days)" : "time (h)", x, nt, panels, np, &err);
  free(v);
  free(ser);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (!ctx->quiet) fprintf(stderr, "reuptake population: plot written to %s\n", ctx->plot_path);
  return 0;
}

/* The command on this rank. *synced is set once every rank is past the point where a failure
 * could leave the others waiting in a collective (the first one is the status exchange after the
 * subjects are run). */
static int run(cli_ctx *ctx, int rank, int size, int *synced) {
  /* test hook (tests/cli/test_population.sh): one rank fails before the first collective, as an
   * out-of-memory or a bad file on one node would */
  const char *inject = getenv("RU_POP_FAIL_RANK");
  if (inject != NULL && size > 1 && atoi(inject) == rank) {
    return cli_usage(ctx, "rank %d failed on purpose (RU_POP_FAIL_RANK)", rank);
  }
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  pop_opts o;
  if ((rc = parse_opts(ctx, &a, &o))) return rc;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  if (o.list_ancestries) return rank == 0 ? list_ancestries(ctx, kb) : 0;
  for (size_t i = 0; i < a.nphenotypes; i++) {
    if (strstr(a.phenotypes[i], "CYP2D6") || strstr(a.phenotypes[i], "cyp2d6")) {
      return cli_usage(ctx, "--phenotype %s: CYP2D6 is drawn per subject from --ancestry "
                            "frequencies in a population", a.phenotypes[i]);
    }
  }
  ru_regimen *r = NULL;
  if ((rc = simargs_regimen(ctx, &a, &r))) return rc;
  /* time grid: hourly by default (28 days), coarser only for long horizons */
  if (!isfinite(a.step_h) && a.times == NULL) {
    const double horizon = isfinite(a.hours) ? a.hours : (isfinite(a.days) ? a.days : 28.0) * 24.0;
    if (horizon <= 2000.0) a.step_h = 1.0;
  }
  double *t = NULL;
  size_t nt = 0;
  if ((rc = simargs_times(ctx, &a, 28.0, &t, &nt))) {
    ru_regimen_free(r);
    return rc;
  }
  const char *targets[RU_POP_MAX_TARGETS];
  size_t ntargets = 0;
  if (a.targets != NULL) {
    ntargets = simargs_target_list(a.targets, targets, RU_POP_MAX_TARGETS);
    if (ntargets == (size_t)-1) {
      free(t);
      ru_regimen_free(r);
      return cli_usage(ctx, "--targets '%s': unknown target (known: SERT, NET, DAT, H1, M1, "
                            "alpha1, 5-HT2A, 5-HT2C, or all)", a.targets);
    }
  }
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.seed = o.seed;
  cfg.ancestry = o.ancestry;
  cfg.times_h = t;
  cfg.nt = nt;
  cfg.targets = ntargets ? targets : NULL;
  cfg.ntargets = ntargets;
  cfg.criteria = o.ncrit ? o.crit : NULL;
  cfg.ncriteria = o.ncrit;
  cfg.overrides = ctx->sets;
  cfg.noverrides = ctx->nsets;
  cfg.phenotypes = a.phenotypes;
  cfg.nphenotypes = a.nphenotypes;
  ru_error err;
  ru_error_clear(&err);
  ru_pop *p = NULL;
  ru_pop_summary *sum = NULL;
  ru_status st = ru_pop_new(kb, r, &cfg, &p, &err);
  ru_regimen_free(r);
  free(t);
  if (st == RU_OK) st = ru_pop_summary_new(p, &sum, &err);
  if (st != RU_OK) {
    ru_pop_free(p);
    return cli_fail(ctx, st, &err);
  }
  uint64_t first = 0, count = 0;
  ru_pop_shard(o.subjects, rank, size, &first, &count);
  progress_state ps;
  clock_gettime(CLOCK_MONOTONIC, &ps.start);
  ps.last = ps.start;
  ps.rank_size = size;
  const int show = rank == 0 && !ctx->quiet && isatty(STDERR_FILENO);
  st = ru_pop_run(p, first, count, sum, &g_stop, show ? on_progress : NULL, &ps, &err);
  /* every rank learns whether any stopped or failed: 1 interrupted, 2 failed */
  const int mine = st == RU_OK ? 0 : (st == RU_EINTERRUPTED ? 1 : 2);
  *synced = 1;
  const int any = ru_pop_mpi_max(mine);
  if (any != 0) {
    if (show) fputc('\n', stderr);
    if (mine == 2) rc = cli_fail(ctx, st, &err);
    else if (any == 1) {
      if (rank == 0) fprintf(stderr, "reuptake population: interrupted; no output written\n");
      rc = 130;
    } else {
      if (rank == 0 && mine != 2) fprintf(stderr, "reuptake population: failed on another rank\n");
      rc = 1;
    }
    ru_pop_summary_free(sum);
    ru_pop_free(p);
    return rc;
  }
  st = ru_pop_mpi_reduce(sum, 0, &err);
  if (st != RU_OK) {
    ru_pop_summary_free(sum);
    ru_pop_free(p);
    return cli_fail(ctx, st, &err);
  }
  if (rank == 0) {
    char anc[32][RU_NAME_MAX];
    size_t nanc = 0;
    if (ru_pop_ancestries(kb, anc, 32, &nanc, NULL) != RU_OK) nanc = 0;
    if (nanc > 32) nanc = 32;
    if (g_stop) {
      rc = 130;
      fprintf(stderr, "reuptake population: interrupted; no output written\n");
    } else {
      if (ctx->plot_path != NULL) rc = draw(ctx, p, sum);
      if (rc == 0) {
        rc = ctx->format == CLI_FMT_JSON ? emit_json(ctx, p, sum, &o, anc, nanc)
                                         : emit_table(ctx, p, sum, &o);
      }
    }
  }
  ru_pop_summary_free(sum);
  ru_pop_free(p);
  return rc;
}

/* Copies what this rank wrote to its captured stderr to the real one, each line marked with the
 * rank (only rank 0 speaks normally: the others would repeat its lines). */
static void forward_messages(FILE *cap, int fd, int rank) {
  if (cap == NULL || fd < 0) return;
  fflush(stderr);
  rewind(cap);
  char line[1024];
  while (fgets(line, sizeof line, cap) != NULL) {
    char buf[1100];
    const int n = snprintf(buf, sizeof buf, "[rank %d] %s", rank, line);
    if (n > 0) {
      const size_t len = strlen(buf);
      if (write(fd, buf, len) < 0) return;
    }
  }
}

int cmd_population(cli_ctx *ctx) {
  ru_error err;
  ru_error_clear(&err);
  int rank = 0, size = 1;
  ru_status st = ru_pop_mpi_init(&rank, &size, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  /* under an MPI launcher every rank sees a pty: the JSON layout must not depend on it, so that
   * 1 and N ranks write byte-identical output */
  if (ru_pop_mpi_launched()) ctx->json_compact = 1;
  /* only rank 0 speaks: the other ranks compute the same arguments and would repeat its lines;
   * their messages are kept aside, and shown only when that rank fails on its own */
  FILE *cap = NULL;
  int orig = -1;
  if (rank != 0) {
    orig = dup(STDERR_FILENO);
    cap = tmpfile();
    if (cap != NULL) {
      fflush(stderr);
      if (dup2(fileno(cap), STDERR_FILENO) < 0) {
        fclose(cap);
        cap = NULL;
      }
    }
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  int synced = 0;
  const int rc = run(ctx, rank, size, &synced);
  if (rc != 0 && size > 1 && !synced) {
    /* failed before the first collective: the other ranks would wait for this one forever */
    forward_messages(cap, orig, rank);
    ru_pop_mpi_abort(rc);
  }
  if (cap != NULL) fclose(cap);
  if (orig >= 0) close(orig);
  ru_pop_mpi_finalize();
  return rc;
}
