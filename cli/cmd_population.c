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
#include "result.h"
#include "simargs.h"

typedef struct pop_opts {
  uint64_t subjects;
  uint64_t seed;
  const char *ancestry;
  double pct[RU_POP_MAX_PERCENTILES];
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

/* The library parses the list (the CLI keeps its old limit of 255 characters); the message of a
 * bad value quotes the option's text, that of a bad list does not. */
static int parse_percentiles(cli_ctx *ctx, const char *spec, pop_opts *o) {
  if (strlen(spec) >= 256) return cli_usage(ctx, "--percentiles: list too long");
  ru_error err;
  const ru_status st = ru_pop_percentiles_parse(spec, o->pct, &o->npct, &err);
  if (st == RU_OK || st == RU_ENOMEM) return st == RU_OK ? 0 : cli_fail(ctx, st, &err);
  if (st == RU_EINVAL) return cli_usage(ctx, "--percentiles: %s", err.message);
  return cli_usage(ctx, "--percentiles '%s': %s", spec, err.message);
}

/* Options this command adds to the simulation ones (the option table has checked names and
 * that each has a value). */
static int parse_opts(cli_ctx *ctx, pop_opts *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->pct[0] = 5.0;
  o->pct[1] = 50.0;
  o->pct[2] = 95.0;
  o->npct = 3;
  for (size_t k = 0; k < ctx->nparsed; k++) {
    const cli_arg *p = &ctx->parsed[k];
    if (p->opt == NULL) {
      if (simargs_is_regimen(p)) continue;
      if (p->text[0] == '-') return cli_usage(ctx, "unknown option '%s'", p->text);
      return cli_usage(ctx, "'%s' is not a regimen (expected DRUG:DOSE[:qINTERVAL]..., e.g. "
                            "atomoxetine:80mg:q24h)", p->text);
    }
    const char *n = p->opt->name, *val = p->text;
    if (strcmp(n, "--list-ancestries") == 0) {
      o->list_ancestries = 1;
    } else if (strcmp(n, "--subjects") == 0) {
      if (!parse_u64(val, 1, RU_POP_MAX_SUBJECTS, &o->subjects)) {
        return cli_usage(ctx, "--subjects '%s': expected a whole number from 1 to %llu", val,
                         (unsigned long long)RU_POP_MAX_SUBJECTS);
      }
    } else if (strcmp(n, "--seed") == 0) {
      if (!parse_u64(val, 0, UINT64_MAX, &o->seed)) {
        return cli_usage(ctx, "--seed '%s': expected a whole number >= 0", val);
      }
    } else if (strcmp(n, "--ancestry") == 0) {
      if (*val == '\0') return cli_usage(ctx, "--ancestry needs a name");
      o->ancestry = val;
    } else if (strcmp(n, "--percentiles") == 0) {
      const int rc = parse_percentiles(ctx, val, o);
      if (rc) return rc;
    } else if (strcmp(n, "--target-attainment") == 0) {
      if (o->ncrit >= RU_POP_MAX_CRITERIA) {
        return cli_usage(ctx, "at most %d --target-attainment options", RU_POP_MAX_CRITERIA);
      }
      ru_error err;
      if (ru_pop_criterion_parse(val, &o->crit[o->ncrit], &err) != RU_OK) {
        return cli_usage(ctx, "--target-attainment '%s': %s", val, err.message);
      }
      o->ncrit++;
    }
  }
  if (o->subjects == 0 && !o->list_ancestries) { /* a given --subjects is at least 1 */
    return cli_usage(ctx, "--subjects N is required (e.g. --subjects 1000)");
  }
  return 0;
}

/* --- ancestries ------------------------------------------------------------------------------- */

/* The knowledge base's ancestries (alphabetical; the 32 first). */
typedef struct ancestry_list {
  char names[32][RU_NAME_MAX];
  size_t n;
} ancestry_list;

static ru_status ancestries_of(const ru_kb *kb, ancestry_list *a, ru_error *err) {
  a->n = 0;
  const ru_status st = ru_pop_ancestries(kb, a->names, 32, &a->n, err);
  if (st != RU_OK) a->n = 0;
  if (a->n > 32) a->n = 32;
  return st;
}

/* --list-ancestries: table and CSV one row per ancestry (a row is one of the names), JSON the
 * names and the default */
CLI_GETTER(get_is_default, char, c->boolean = strcmp(row, RU_POP_DEFAULT_ANCESTRY) == 0)
CLI_GETTER(get_ancestry_label, char,
           snprintf(c->buf, sizeof c->buf, "%s%s", row, strcmp(row, RU_POP_DEFAULT_ANCESTRY) == 0 ? " (default)" : "");
           c->str = c->buf)
CLI_GETTER(get_names, ancestry_list, for (size_t k = 0; k < row->n && k < CLI_CELL_MAX_STRS; k++) c->strs[c->nstrs++] = row->names[k])
CLI_GETTER(get_default_ancestry, ancestry_list, c->str = RU_POP_DEFAULT_ANCESTRY)

static const cli_column ANCESTRIES[] = {
    {"ancestry", NULL, 0, CLI_COL_STR, 0, NULL, NULL, CLI_IN_CSV, NULL},
    {"default", NULL, 0, CLI_COL_BOOL, 0, get_is_default, NULL, CLI_IN_CSV, NULL},
    {"ancestry", NULL, 0, CLI_COL_STR, 0, get_ancestry_label, NULL, CLI_IN_TABLE, NULL},
};
static const cli_column ANCESTRY_LIST[] = {
    CLI_GET("ancestries", NULL, 0, CLI_COL_STRS, get_names),
    CLI_GET("default", NULL, 0, CLI_COL_STR, get_default_ancestry),
};

static int list_ancestries(cli_ctx *ctx, ru_kb *kb) {
  ancestry_list a;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ancestries_of(kb, &a, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) return 1;
  cli_result_rows(res, NULL, NULL, ANCESTRIES, 3, a.names, sizeof a.names[0], a.n, NULL, CLI_IN_TEXT);
  cli_result_fields(res, NULL, ANCESTRY_LIST, 2, &a, NULL, CLI_IN_JSON);
  return cli_result_finish(res);
}

/* --- the result --------------------------------------------------------------------------------
 * Every section is described once (result.h); the JSON keys are docs/population.md's contract.
 * The table summarises (percentiles at the final time, attainment, exposure, variability), the
 * CSV carries every band, time and percentile in long form. */

/* The run: the top-level fields, with the window and the model's notes. */
typedef struct pop_head {
  double subjects, seed;
  const char *ancestry, *engine;
  const ancestry_list *ancestries;
  cli_nums time_h;
  const char *final_definition;
  double window_h;
  const char *covariance, *covariates;
} pop_head;

CLI_GETTER(get_ancestries, pop_head, get_names(row->ancestries, i, user, c))

static const cli_column HEAD[] = {
    CLI_FIELD_NUM("subjects", NULL, 0, pop_head, subjects),
    CLI_FIELD_NUM("seed", NULL, 0, pop_head, seed),
    CLI_FIELD_STRP("ancestry", pop_head, ancestry),
    CLI_GET("ancestries_available", NULL, 0, CLI_COL_STRS, get_ancestries),
};
static const cli_column ENGINE[] = {
    CLI_FIELD_STRP("engine", pop_head, engine),
    {"time_h", "h", 8, CLI_COL_NUMS, offsetof(pop_head, time_h), NULL, NULL, 0, NULL},
};

/* CYP2C19 phenotypes drawn (none: CYP2C19 not drawn), read from the run: every row is the
 * ru_pop, phenotype i. */
CLI_GETTER(get_c19_phenotype, ru_pop, c->str = ru_pop_cyp2c19_name(row, i))
CLI_GETTER(get_c19_frequency, ru_pop, c->num = ru_pop_cyp2c19_frequency(row, i))
CLI_GETTER(get_c19_activity, ru_pop, c->num = ru_pop_cyp2c19_activity(row, i, NULL))
CLI_GETTER(get_c19_as_nm, ru_pop, ru_pop_cyp2c19_activity(row, i, &c->boolean))

static const cli_column C19[] = {
    CLI_GET("phenotype", NULL, 0, CLI_COL_STRP, get_c19_phenotype),
    CLI_GET("frequency", "fraction", 4, CLI_COL_NUM, get_c19_frequency),
    CLI_GET("activity", NULL, 4, CLI_COL_NUM, get_c19_activity),
    CLI_GET("activity_unsourced_simulated_as_nm", NULL, 0, CLI_COL_BOOL, get_c19_as_nm),
};

/* A band: the library's description, its percentile time courses (JSON) and their values at the
 * final time (table). JSON names it by kind (compound or target, the other key left out), with a
 * relative (concentration) or absolute (occupancy) resolution. */
typedef struct band_row {
  ru_pop_band_info bi;
  cli_nums pct[RU_POP_MAX_PERCENTILES];
  double final[RU_POP_MAX_PERCENTILES];
} band_row;

CLI_GETTER(get_band_compound, band_row, c->str = row->bi.is_target ? NULL : row->bi.name)
CLI_GETTER(get_band_target, band_row, c->str = row->bi.is_target ? row->bi.name : NULL)
CLI_GETTER(get_band_label, band_row, snprintf(c->buf, sizeof c->buf, "%s%s", row->bi.name, row->bi.is_target ? " occupancy" : "");
           c->str = c->buf)
CLI_GETTER(get_resolution_abs, band_row, c->num = row->bi.is_target ? row->bi.resolution : nan(""))
CLI_GETTER(get_resolution_rel, band_row, c->num = row->bi.is_target ? nan("") : row->bi.resolution)

/* Exposure over the end window of a compound in a CYP2D6 phenotype. */
typedef struct phen_row {
  const char *phenotype, *compound;
  double frequency;
  ru_pop_exposure e;
} phen_row;

CLI_GETTER(get_gene, phen_row, c->str = "CYP2D6")
CLI_GETTER(get_n, phen_row, c->integer = (long long)row->e.n)
CLI_GETTER(get_auc_unit, phen_row, c->str = "ng*h/mL")
CLI_GETTER(get_cavg_unit, phen_row, c->str = "ng/mL")

static const cli_column PHENOTYPES[] = {
    CLI_FIELD_STRP("phenotype", phen_row, phenotype),
    {"gene", NULL, 0, CLI_COL_STR, 0, get_gene, NULL, CLI_IN_JSON, NULL},
    {"frequency", "fraction", 4, CLI_COL_NUM, offsetof(phen_row, frequency), NULL, NULL, CLI_IN_JSON, NULL},
    CLI_FIELD_STRP("compound", phen_row, compound),
    CLI_GET("n", NULL, 0, CLI_COL_INT, get_n),
    CLI_FIELD_NUM("auc_mean", "ng*h/mL", 4, phen_row, e.auc_mean),
    CLI_FIELD_NUM("auc_p5", "ng*h/mL", 4, phen_row, e.auc_p5),
    CLI_FIELD_NUM("auc_p50", "ng*h/mL", 4, phen_row, e.auc_p50),
    CLI_FIELD_NUM("auc_p95", "ng*h/mL", 4, phen_row, e.auc_p95),
    CLI_FIELD_NUM("cavg_mean", "ng/mL", 4, phen_row, e.cavg_mean),
    {"auc_unit", NULL, 0, CLI_COL_STR, 0, get_auc_unit, NULL, CLI_IN_JSON, NULL},
    {"cavg_unit", NULL, 0, CLI_COL_STR, 0, get_cavg_unit, NULL, CLI_IN_JSON, NULL},
};

CLI_GETTER(get_var_source, ru_pop_variability, c->str = row->sourced ? row->source : "default, not sourced")

static const cli_column VARIABILITY[] = {
    CLI_FIELD_STR("compound", ru_pop_variability, compound),
    CLI_FIELD_STR("key", ru_pop_variability, key),
    CLI_FIELD_NUM("cv", NULL, 3, ru_pop_variability, cv),
    CLI_GET("source", NULL, 0, CLI_COL_STR, get_var_source),
};

static const cli_column WINDOW[] = {
    CLI_FIELD_STRP("attainment_final_definition", pop_head, final_definition),
    CLI_FIELD_NUM("window_h", "h", 4, pop_head, window_h),
};
static const cli_column NOTES[] = {
    CLI_FIELD_STRP("covariance", pop_head, covariance),
    CLI_FIELD_STRP("covariates", pop_head, covariates),
};

/* The rows of every section, read out of the summary once (the command owns them); the getters'
 * user pointer. */
typedef struct pop_view {
  const ru_pop *p;
  const ru_pop_summary *s;
  const double *t;
  size_t nt;
  double *pct; /* percentile q of band b at time j: pct[(q * nb + b) * nt + j] */
  double *att; /* attainment of criterion k at time j: att[k * nt + j] */
  band_row *bands;
  phen_row *phen;
  size_t nb, ncrit, nphen;
} pop_view;

/* CSV: one band at one time. Row i (band i / nt, time i % nt) is the double pct + i of the view,
 * so a percentile column reads its value in place, q * nb * nt doubles further (emit). */
CLI_GETTER(get_csv_band, double, const pop_view *v = user; c->str = v->bands[i / v->nt].bi.name)
CLI_GETTER(get_csv_quantity, double, const pop_view *v = user; c->str = v->bands[i / v->nt].bi.quantity)
CLI_GETTER(get_csv_unit, double, const pop_view *v = user; c->str = v->bands[i / v->nt].bi.unit)
CLI_GETTER(get_csv_time, double, const pop_view *v = user; c->num = v->t[i % v->nt])

/* A target-attainment criterion: a row is the library's criterion (read in place), the view holds
 * its probabilities. */
CLI_GETTER(get_criterion, ru_pop_criterion,
           snprintf(c->buf, sizeof c->buf, "%s %s %g", row->target, row->at_least ? ">=" : "<=", row->threshold);
           c->str = c->buf)
CLI_GETTER(get_comparison, ru_pop_criterion, c->str = row->at_least ? ">=" : "<=")
CLI_GETTER(get_probability, ru_pop_criterion, const pop_view *v = user; c->nums = (cli_nums){v->att + i * v->nt, v->nt})
CLI_GETTER(get_final, ru_pop_criterion, const pop_view *v = user; c->num = ru_pop_attainment_final(v->p, v->s, i))
CLI_GETTER(get_at_end, ru_pop_criterion, const pop_view *v = user; c->num = v->att[i * v->nt + v->nt - 1])

static const cli_column CRITERIA[] = {
    {"criterion", NULL, 0, CLI_COL_STR, 0, get_criterion, NULL, CLI_IN_TABLE, NULL},
    {"target", NULL, 0, CLI_COL_STR, offsetof(ru_pop_criterion, target), NULL, NULL, CLI_IN_JSON, NULL},
    {"comparison", NULL, 0, CLI_COL_STR, 0, get_comparison, NULL, CLI_IN_JSON, NULL},
    {"threshold", "fraction", 4, CLI_COL_NUM, offsetof(ru_pop_criterion, threshold), NULL, NULL, CLI_IN_JSON, NULL},
    {"probability", NULL, 3, CLI_COL_NUMS, 0, get_probability, NULL, CLI_IN_JSON, NULL},
    {"final", NULL, 3, CLI_COL_NUM, 0, get_final, NULL, CLI_IN_JSON, NULL},
    {"P(whole end window)", NULL, 3, CLI_COL_NUM, 0, get_final, NULL, CLI_IN_TABLE, NULL},
    {"P(at end)", NULL, 3, CLI_COL_NUM, 0, get_at_end, NULL, CLI_IN_TABLE, NULL},
};

static void view_free(pop_view *v) {
  free(v->pct);
  free(v->att);
  free(v->bands);
  free(v->phen);
}

/* Reads every section's rows out of the summary; 0, or 1 when out of memory. */
static int view_of(const ru_pop *p, const ru_pop_summary *s, const pop_opts *o, pop_view *v) {
  memset(v, 0, sizeof *v);
  const size_t nt = ru_pop_nt(p), npct = o->npct;
  v->p = p;
  v->s = s;
  v->t = ru_pop_times(p);
  v->nt = nt;
  v->nb = ru_pop_band_count(p);
  v->ncrit = ru_pop_criterion_count(p);
  const size_t ngroups = ru_pop_phenotype_count(p) * ru_pop_compound_count(p);
  v->pct = malloc((npct * v->nb * nt + 1) * sizeof *v->pct);
  v->att = malloc((v->ncrit * nt + 1) * sizeof *v->att);
  v->bands = calloc(v->nb + 1, sizeof *v->bands);
  v->phen = calloc(ngroups + 1, sizeof *v->phen);
  if (!v->pct || !v->att || !v->bands || !v->phen) return 1;
  for (size_t b = 0; b < v->nb; b++) {
    band_row *r = &v->bands[b];
    ru_pop_band(p, b, &r->bi, NULL);
    for (size_t q = 0; q < npct; q++) {
      double *x = v->pct + (q * v->nb + b) * nt;
      for (size_t j = 0; j < nt; j++) x[j] = ru_pop_band_percentile(p, s, b, j, o->pct[q]);
      r->pct[q] = (cli_nums){x, nt};
      r->final[q] = x[nt - 1];
    }
  }
  for (size_t k = 0; k < v->ncrit; k++) {
    for (size_t j = 0; j < nt; j++) v->att[k * nt + j] = ru_pop_attainment(p, s, k, j);
  }
  for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) {
    for (size_t i = 0; i < ru_pop_compound_count(p); i++) {
      phen_row *r = &v->phen[v->nphen];
      if (ru_pop_exposure_by_phenotype(p, s, g, i, &r->e, NULL) != RU_OK) continue;
      r->phenotype = ru_pop_phenotype_name(p, g);
      r->compound = ru_pop_compound_name(p, i);
      r->frequency = ru_pop_phenotype_frequency(p, g);
      v->nphen++;
    }
  }
  return 0;
}

static int emit(cli_ctx *ctx, const ru_pop *p, const ru_pop_summary *s, const pop_opts *o,
                const ancestry_list *anc) {
  const size_t nt = ru_pop_nt(p), npct = o->npct;
  pop_view v;
  const int oom = view_of(p, s, o, &v);
  cli_result *res = oom ? NULL : cli_result_new(ctx); /* reports its own failure */
  if (res == NULL) {
    view_free(&v);
    return oom ? cli_fail(ctx, RU_ENOMEM, NULL) : 1;
  }
  pop_head head = {(double)ru_pop_summary_subjects(s), (double)o->seed, ru_pop_ancestry(p), ru_pop_engine(p),
                   anc, {ru_pop_times(p), nt}, ru_pop_final_note(), ru_pop_window_h(p),
                   ru_pop_covariance_note(), ru_pop_covariate_note()};
  /* the columns that depend on --percentiles: JSON "percentiles": {"5": [...]}, table "p5" at the
   * final time, CSV "p5" at each time */
  char keys[RU_POP_MAX_PERCENTILES][16], names[RU_POP_MAX_PERCENTILES][16];
  cli_column bands[7 + 2 * RU_POP_MAX_PERCENTILES] = {
      {"compound", NULL, 0, CLI_COL_STRP, 0, get_band_compound, NULL, CLI_IN_JSON | CLI_OMIT_MISSING, NULL},
      {"target", NULL, 0, CLI_COL_STRP, 0, get_band_target, NULL, CLI_IN_JSON | CLI_OMIT_MISSING, NULL},
      {"band", NULL, 0, CLI_COL_STR, 0, get_band_label, NULL, CLI_IN_TABLE, NULL},
      {"quantity", NULL, 0, CLI_COL_STRP, offsetof(band_row, bi.quantity), NULL, NULL, CLI_IN_JSON, NULL},
      CLI_FIELD_STRP("unit", band_row, bi.unit),
      {"resolution_abs", NULL, 4, CLI_COL_NUM, 0, get_resolution_abs, NULL, CLI_IN_JSON | CLI_OMIT_MISSING, NULL},
      {"resolution_rel", NULL, 4, CLI_COL_NUM, 0, get_resolution_rel, NULL, CLI_IN_JSON | CLI_OMIT_MISSING, NULL},
  };
  cli_column band_times[4 + RU_POP_MAX_PERCENTILES] = {
      CLI_GET("band", NULL, 0, CLI_COL_STR, get_csv_band),
      CLI_GET("quantity", NULL, 0, CLI_COL_STR, get_csv_quantity),
      CLI_GET("unit", NULL, 0, CLI_COL_STR, get_csv_unit),
      CLI_GET("time_h", "h", 8, CLI_COL_NUM, get_csv_time),
  };
  for (size_t q = 0; q < npct; q++) {
    snprintf(keys[q], sizeof keys[q], "%g", o->pct[q]);
    snprintf(names[q], sizeof names[q], "p%g", o->pct[q]);
    bands[7 + q] = (cli_column){keys[q], NULL, 4, CLI_COL_NUMS, offsetof(band_row, pct) + q * sizeof(cli_nums),
                                NULL, "percentiles", CLI_IN_JSON, NULL};
    bands[7 + npct + q] = (cli_column){names[q], NULL, 4, CLI_COL_NUM, offsetof(band_row, final) + q * sizeof(double),
                                       NULL, NULL, CLI_IN_TABLE, NULL};
    band_times[4 + q] = (cli_column){names[q], NULL, 6, CLI_COL_NUM, q * v.nb * nt * sizeof(double), NULL, NULL, 0,
                                     NULL};
  }
  /* the table's heading: the population and its phenotype frequencies */
  cli_result_note(res, "population: %llu subjects, seed %llu, ancestry %s (CYP2D6",
                  (unsigned long long)ru_pop_summary_subjects(s), (unsigned long long)o->seed, ru_pop_ancestry(p));
  for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) {
    cli_result_note(res, " %s %.1f%%", ru_pop_phenotype_name(p, g), 100.0 * ru_pop_phenotype_frequency(p, g));
  }
  cli_result_note(res, ")");
  const size_t nc19 = ru_pop_cyp2c19_count(p);
  if (nc19 > 0) {
    cli_result_note(res, " (CYP2C19, independent");
    for (size_t h = 0; h < nc19; h++) {
      int as_nm = 0;
      ru_pop_cyp2c19_activity(p, h, &as_nm);
      cli_result_note(res, " %s %.1f%%%s", ru_pop_cyp2c19_name(p, h), 100.0 * ru_pop_cyp2c19_frequency(p, h),
                      as_nm ? " [no sourced activity: as NM]" : "");
    }
    cli_result_note(res, ")");
  }
  cli_result_note(res, "; engine: %s\n\n", ru_pop_engine(p));
  char title[96], window[96];
  snprintf(title, sizeof title, "percentiles at t = %g h", ru_pop_times(p)[nt - 1]);
  snprintf(window, sizeof window, "\ntarget attainment (end window = last %g h)", ru_pop_window_h(p));

  cli_result_fields(res, NULL, HEAD, sizeof HEAD / sizeof HEAD[0], &head, NULL, CLI_IN_JSON);
  cli_result_rows(res, "cyp2c19", NULL, C19, sizeof C19 / sizeof C19[0], p, 0, nc19, NULL, CLI_IN_JSON);
  cli_result_fields(res, NULL, ENGINE, sizeof ENGINE / sizeof ENGINE[0], &head, NULL, CLI_IN_JSON);
  cli_result_rows(res, "bands", title, bands, 7 + 2 * npct, v.bands, sizeof *v.bands, v.nb, NULL,
                  CLI_IN_JSON | CLI_IN_TABLE);
  cli_result_rows(res, NULL, NULL, band_times, 4 + npct, v.pct, sizeof *v.pct, v.nb * nt, &v, CLI_IN_CSV);
  cli_result_rows(res, "attainment", window, CRITERIA, sizeof CRITERIA / sizeof CRITERIA[0], ru_pop_criterion_at(p, 0),
                  sizeof(ru_pop_criterion), v.ncrit, &v, v.ncrit > 0 ? CLI_IN_JSON | CLI_IN_TABLE : CLI_IN_JSON);
  cli_result_fields(res, NULL, WINDOW, 2, &head, NULL, CLI_IN_JSON);
  cli_result_rows(res, "by_phenotype",
                  "\nexposure over the end window by CYP2D6 phenotype (AUC ng*h/mL, Cavg ng/mL)", PHENOTYPES,
                  sizeof PHENOTYPES / sizeof PHENOTYPES[0], v.phen, sizeof *v.phen, v.nphen, NULL,
                  CLI_IN_JSON | CLI_IN_TABLE);
  cli_result_rows(res, "variability", "\nvariability (log-normal, CV)", VARIABILITY,
                  sizeof VARIABILITY / sizeof VARIABILITY[0], ru_pop_variability_at(p, 0), sizeof(ru_pop_variability),
                  ru_pop_variability_count(p), NULL, CLI_IN_JSON | CLI_IN_TABLE);
  cli_result_fields(res, NULL, NOTES, 2, &head, NULL, CLI_IN_JSON);
  cli_result_note(res, "\ncovariance: %s.\ncovariates: %s.\n", head.covariance, head.covariates);
  view_free(&v);
  return cli_result_finish(res);
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
  if ((rc = parse_opts(ctx, &o))) return rc;
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
  double *t = NULL;
  ru_pop *p = NULL;
  ru_pop_summary *sum = NULL;
  ru_error err;
  ru_error_clear(&err);
  ru_status st = RU_OK;
  if ((rc = simargs_regimen(ctx, &a, &r))) return rc;
  /* time grid: the library's default for a population (hourly, coarser for long horizons) */
  if (!isfinite(a.step_h) && a.times == NULL) {
    a.step_h = ru_pop_default_step_h(isfinite(a.hours) ? a.hours
                                     : isfinite(a.days) ? a.days * 24.0
                                                        : ru_pop_default_horizon_h());
  }
  size_t nt = 0;
  if ((rc = simargs_times(ctx, &a, ru_pop_default_horizon_h() / 24.0, &t, &nt))) goto done;
  const char *targets[RU_POP_MAX_TARGETS];
  size_t ntargets = 0;
  if (a.targets != NULL) {
    ntargets = simargs_target_list(a.targets, targets, RU_POP_MAX_TARGETS);
    if (ntargets == (size_t)-1) {
      rc = cli_usage(ctx, "--targets '%s': unknown target (known: SERT, NET, DAT, H1, M1, "
                          "alpha1, 5-HT2A, 5-HT2C, or all)", a.targets);
      goto done;
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
  if ((st = ru_pop_new(kb, r, &cfg, &p, &err)) != RU_OK || (st = ru_pop_summary_new(p, &sum, &err)) != RU_OK) {
    goto fail;
  }
  uint64_t first = 0, count = 0;
  ru_pop_shard(o.subjects, rank, size, &first, &count);
  progress_state ps;
  clock_gettime(CLOCK_MONOTONIC, &ps.start);
  ps.last = ps.start;
  ps.rank_size = size;
  const int show = rank == 0 && !ctx->quiet && isatty(STDERR_FILENO);
  st = ru_pop_run(p, first, count, sum, ctx->stop, show ? on_progress : NULL, &ps, &err);
  /* every rank learns whether any stopped or failed: 1 interrupted, 2 failed */
  const int mine = st == RU_OK ? 0 : (st == RU_EINTERRUPTED ? 1 : 2);
  *synced = 1;
  const int any = ru_pop_mpi_max(mine);
  if (any != 0 && show) fputc('\n', stderr);
  if (mine == 2) goto fail;
  if (any == 1) {
    rc = rank == 0 ? cli_interrupted(ctx) : 130;
    goto done;
  }
  if (any == 2) {
    if (rank == 0) fprintf(stderr, "reuptake population: failed on another rank\n");
    rc = 1;
    goto done;
  }
  if ((st = ru_pop_mpi_reduce(sum, 0, &err)) != RU_OK) goto fail;
  if (rank != 0) goto done;
  if (cli_stopped(ctx)) {
    rc = cli_interrupted(ctx);
    goto done;
  }
  if (ctx->plot_path != NULL) {
    if ((st = ru_pop_plot(p, sum, ctx->plot_path, &err)) != RU_OK) goto fail;
    if (!ctx->quiet) fprintf(stderr, "reuptake population: plot written to %s\n", ctx->plot_path);
  }
  ancestry_list anc;
  ancestries_of(kb, &anc, NULL); /* none listed when they cannot be read */
  rc = emit(ctx, p, sum, &o, &anc);
  goto done;
fail:
  rc = cli_fail(ctx, st, &err);
done:
  ru_pop_summary_free(sum);
  ru_pop_free(p);
  free(t);
  ru_regimen_free(r);
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
  /* SIGINT and SIGTERM set ctx->stop (cli.c installs the handlers around every command and
   * restores them after): the library reads it between tiles of subjects */
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
