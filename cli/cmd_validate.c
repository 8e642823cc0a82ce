/* `reuptake validate [--set pet|ddi|pm|washout|microdialysis|firing|physiology[,...]] [--data FILE]
 * [--calibrate] [--cross-validate]`: every published row, predicted vs observed with its source,
 * and the summary metrics; the fitted scaling factors with the calibration rows they came from
 * and their residuals; with --cross-validate the leave-one-study-out refit (held-out prediction of
 * every calibration row, in-sample vs held-out error, what each fold fitted). `--set` names a
 * set; a `--set DRUG.KEY=VALUE` is a parameter override as on every command.
 *
 * The output is described once (result.h): a row of a set (JSON sets[].rows, the table and the
 * CSV, which carries the rows of every set run), the metrics and cross-validation of a set, the
 * scaling in force; with --calibrate the fitted factors (the CSV is data/scaling.csv's format). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "result.h"

static const char *const SETS[] = {"pet",           "ddi",    "pm",        "washout",
                                   "microdialysis", "firing", "physiology"};
#define NSETS (sizeof SETS / sizeof SETS[0])

/* --set LIST: marks the sets a comma list names (empty items skipped); returns how many names
 * it held, 0 when it is not a list of at most NSETS set names (under 128 characters). */
static size_t select_sets(const char *list, int *selected) {
  int marks[NSETS] = {0};
  size_t n = 0;
  if (strlen(list) >= 128) return 0;
  for (const char *p = list; *p != '\0';) {
    const size_t len = strcspn(p, ",");
    size_t k = 0;
    while (k < NSETS && !(strlen(SETS[k]) == len && strncmp(SETS[k], p, len) == 0)) k++;
    if (len > 0) {
      if (k == NSETS || n >= NSETS) return 0;
      marks[k] = 1;
      n++;
    }
    p += len + (p[len] == ',');
  }
  for (size_t k = 0; n > 0 && k < NSETS; k++) selected[k] |= marks[k];
  return n;
}

/* --- a validation row ------------------------------------------------------------------------ */

typedef struct vrow {
  const ru_vset *set;
  const ru_vrow *r;
} vrow;

/* "12.5" or "10-20" (a published range) */
CLI_GETTER(get_observed_text, vrow,
           const ru_vrow *r = row->r;
           if (isfinite(r->observed_low) && isfinite(r->observed_high) && !isfinite(r->observed)) {
             snprintf(c->buf, sizeof c->buf, "%g-%g", r->observed_low, r->observed_high);
           } else {
             cli_fmt(c->buf, sizeof c->buf, r->observed, 4);
           } c->str = c->buf)
/* the error with its unit: percentage points for occupancy, fold otherwise */
static void error_text(double e, const char *unit, cli_cell *c) {
  char tmp[32];
  snprintf(c->buf, sizeof c->buf, "%s%s", cli_fmt(tmp, sizeof tmp, e, 3),
           isfinite(e) ? (strcmp(unit, "%") == 0 ? " pp" : "x") : "");
  c->str = c->buf;
}
CLI_GETTER(get_error_text, vrow, error_text(row->r->error, row->r->unit, c))
CLI_GETTER(get_cv_error_text, vrow,
           if (isfinite(row->r->cv_predicted)) error_text(row->r->cv_error, row->r->unit, c);
           else c->str = "")
CLI_GETTER(get_set, vrow, c->str = row->set->set)
CLI_GETTER(get_id, vrow, c->str = row->r->id)
CLI_GETTER(get_cal, vrow, c->boolean = row->r->calibration)
CLI_GETTER(get_cal_text, vrow, c->str = row->r->calibration ? "yes" : "")
CLI_GETTER(get_what, vrow, c->str = row->r->what)
CLI_GETTER(get_quantity, vrow, c->str = row->r->quantity)
CLI_GETTER(get_unit, vrow, c->str = row->r->unit)
CLI_GETTER(get_observed, vrow, c->num = row->r->observed)
CLI_GETTER(get_observed_low, vrow, c->num = row->r->observed_low)
CLI_GETTER(get_observed_high, vrow, c->num = row->r->observed_high)
CLI_GETTER(get_predicted, vrow, c->num = row->r->predicted)
CLI_GETTER(get_error, vrow, c->num = row->r->error)
CLI_GETTER(get_direction, vrow, c->boolean = row->r->right_direction)
CLI_GETTER(get_within_1_5x, vrow, c->boolean = row->r->within_1_5x)
CLI_GETTER(get_cv_predicted, vrow, c->num = row->r->cv_predicted)
CLI_GETTER(get_cv_error, vrow, c->num = row->r->cv_error)
CLI_GETTER(get_source, vrow, c->str = row->r->source)
CLI_GETTER(get_note, vrow, c->str = row->r->note[0] ? row->r->note : NULL)

#define J CLI_IN_JSON
#define T CLI_IN_TEXT
static const cli_column ROW_COLUMNS[] = {
    {"set", NULL, 0, CLI_COL_STR, 0, get_set, NULL, T, NULL},
    CLI_GET("id", NULL, 0, CLI_COL_STR, get_id),
    {"calibration", NULL, 0, CLI_COL_BOOL, 0, get_cal, NULL, J, NULL},
    {"cal", NULL, 0, CLI_COL_STR, 0, get_cal_text, NULL, T, NULL},
    CLI_GET("scenario", NULL, 0, CLI_COL_STR, get_what),
    CLI_GET("quantity", NULL, 0, CLI_COL_STR, get_quantity),
    {"unit", NULL, 0, CLI_COL_STR, 0, get_unit, NULL, J, NULL},
    {"observed", NULL, 4, CLI_COL_NUM, 0, get_observed, NULL, J, NULL},
    {"observed", NULL, 0, CLI_COL_STR, 0, get_observed_text, NULL, T, NULL},
    {"observed_low", NULL, 4, CLI_COL_NUM, 0, get_observed_low, NULL, J, NULL},
    {"observed_high", NULL, 4, CLI_COL_NUM, 0, get_observed_high, NULL, J, NULL},
    CLI_GET("predicted", NULL, 4, CLI_COL_NUM, get_predicted),
    {"error", NULL, 4, CLI_COL_NUM, 0, get_error, NULL, J, NULL},
    {"error", NULL, 0, CLI_COL_STR, 0, get_error_text, NULL, T, NULL},
    {"right_direction", NULL, 0, CLI_COL_BOOL, 0, get_direction, NULL, J, NULL},
    /* synapse sets: the tolerance rule */
    {"within_1.5x", NULL, 0, CLI_COL_BOOL, 0, get_within_1_5x, NULL, J, NULL},
    CLI_GET("source", NULL, 0, CLI_COL_STR, get_source),
    {"note", NULL, 0, CLI_COL_STR, 0, get_note, NULL, CLI_OMIT_MISSING, NULL},
    /* the held-out columns: last, and only after a cross-validation (JSON: on the rows that took
     * part in the cross-validated fit) */
    {"cv_predicted", NULL, 4, CLI_COL_NUM, 0, get_cv_predicted, NULL, CLI_OMIT_MISSING, NULL},
    {"cv_error", NULL, 4, CLI_COL_NUM, 0, get_cv_error, NULL, J | CLI_OMIT_MISSING, NULL},
    {"cv_error", NULL, 0, CLI_COL_STR, 0, get_cv_error_text, NULL, T, NULL},
};
#define NROW_COLUMNS (sizeof ROW_COLUMNS / sizeof ROW_COLUMNS[0])
#define NCV_COLUMNS 3

/* --- a set's metrics and cross-validation ---------------------------------------------------- */

/* Metrics as fields: one column per metric (its name, its value), "(n=N)" in the unit place. */
static void metric_fields(cli_result *res, const char *title, const ru_vmetric *m, size_t n,
                          const char *prefix, unsigned where) {
  cli_column *cols = calloc(n + 1, sizeof *cols);
  char (*names)[96] = calloc(n + 1, sizeof *names);
  char (*units)[32] = calloc(n + 1, sizeof *units);
  if (cols != NULL && names != NULL && units != NULL) {
    for (size_t q = 0; q < n; q++) {
      snprintf(names[q], sizeof names[q], "%s%s", prefix, m[q].name);
      snprintf(units[q], sizeof units[q], "(n=%zu)", m[q].n);
      cols[q] = (cli_column){names[q], units[q], 4, CLI_COL_NUM, q * sizeof *m + offsetof(ru_vmetric, value),
                             NULL, NULL, 0, NULL};
    }
    cli_result_fields(res, title, cols, n, m, NULL, where);
  } else {
    cli_result_oom(res);
  }
  free(cols);
  free(names);
  free(units);
}

/* metrics.cv: held-out and in-sample metrics, the note, and what each fold fitted. */
static void cv_result(cli_result *res, const ru_vset *v) {
  cli_result_begin(res, "cv", NULL);
  char title[400];
  snprintf(title, sizeof title, "  cross-validation, leave one study out%s%s:", v->cv_note[0] ? " -- " : "",
           v->cv_note);
  /* the table names them cv.NAME beside the in-sample metrics */
  metric_fields(res, NULL, v->cv, v->ncv, "", CLI_IN_JSON);
  metric_fields(res, title, v->cv, v->ncv, "cv.", CLI_IN_TABLE);
  if (v->cv_note[0]) cli_result_str(res, "note", NULL, v->cv_note, CLI_IN_JSON);
  for (size_t g = 0; g < v->nfolds; g++) {
    const ru_vfold *f = &v->folds[g];
    char head[400];
    snprintf(head, sizeof head, "  without %.70s (%zu rows)%s%s", f->study, f->nrows, f->note[0] ? ": " : "",
             f->note);
    cli_result_begin_item(res, "folds", head);
    cli_result_str(res, "left_out", NULL, f->study, CLI_IN_JSON);
    cli_result_num(res, "rows", (double)f->nrows);
    cli_column cols[RU_VALIDATE_MAX_PARAMS];
    for (size_t k = 0; k < f->nparams && k < RU_VALIDATE_MAX_PARAMS; k++) {
      cols[k] = (cli_column){f->param[k], NULL, 4, CLI_COL_NUM, k * sizeof(double), NULL, NULL, 0, NULL};
    }
    cli_result_begin(res, "fitted", NULL);
    cli_result_fields(res, NULL, cols, f->nparams, f->value, NULL, CLI_IN_JSON | CLI_IN_TABLE);
    cli_result_end(res);
    if (f->note[0]) cli_result_str(res, "note", NULL, f->note, CLI_IN_JSON);
    cli_result_end(res);
  }
  cli_result_end(res);
}

/* --- the scaling in force --------------------------------------------------------------------- */

typedef struct scaling_row {
  const char *target;
  ru_value f;
} scaling_row;

CLI_GETTER(get_factor, scaling_row, c->num = row->f.value)
CLI_GETTER(get_factor_source, scaling_row, c->str = row->f.source)

static const cli_column SCALING[] = {
    CLI_FIELD_STRP("target", scaling_row, target),
    CLI_GET("factor", NULL, 4, CLI_COL_NUM, get_factor),
    CLI_GET("source", NULL, 0, CLI_COL_STR, get_factor_source),
};

/* --- --calibrate ------------------------------------------------------------------------------ */

/* "id:+1.23" per used row (residuals in percentage points), or the ids of the rows not used */
static void entries_text(const ru_calibration *c, int used, cli_cell *out) {
  size_t len = 0;
  out->buf[0] = '\0';
  for (size_t e = 0; e < c->nentries; e++) {
    if (c->entries[e].used != used) continue;
    const int w = used ? snprintf(out->buf + len, sizeof out->buf - len, "%s%s:%+.3g", len ? ";" : "",
                                  c->entries[e].id, c->entries[e].residual_pp)
                       : snprintf(out->buf + len, sizeof out->buf - len, "%s%s", len ? ";" : "", c->entries[e].id);
    if (w > 0 && (size_t)w < sizeof out->buf - len) len += (size_t)w;
  }
  out->str = out->buf;
}

static const cli_column RESIDUALS[] = {
    CLI_FIELD_STR("id", ru_calibration_row, id),
    CLI_FIELD_BOOL("used", ru_calibration_row, used),
    CLI_FIELD_NUM("observed_pct", "%", 4, ru_calibration_row, observed_pct),
    CLI_FIELD_NUM("observed_low", "%", 4, ru_calibration_row, observed_low),
    CLI_FIELD_NUM("observed_high", "%", 4, ru_calibration_row, observed_high),
    CLI_FIELD_NUM("predicted_pct", "%", 4, ru_calibration_row, predicted_pct),
    CLI_FIELD_NUM("residual_pp", "pp", 3, ru_calibration_row, residual_pp),
    CLI_FIELD_STR("note", ru_calibration_row, note),
};

CLI_GETTER(get_residuals, ru_calibration,
           c->sub = (cli_subrows){RESIDUALS, sizeof RESIDUALS / sizeof RESIDUALS[0], row->entries,
                                  sizeof *row->entries, row->nentries, NULL})
CLI_GETTER(get_used_text, ru_calibration, entries_text(row, 1, c))
CLI_GETTER(get_unused_text, ru_calibration, entries_text(row, 0, c))
CLI_GETTER(get_source_const, ru_calibration, c->str = "calibration_pet")
CLI_GETTER(get_status_const, ru_calibration, c->str = "calibrated")

/* the rows of data/scaling.csv (CSV), the same with the residuals nested (JSON) */
static const cli_column CALIBRATION[] = {
    CLI_FIELD_STR("target", ru_calibration, target),
    CLI_FIELD_NUM("factor", NULL, 6, ru_calibration, factor),
    {"source", NULL, 0, CLI_COL_STR, 0, get_source_const, NULL, T, NULL},
    {"status", NULL, 0, CLI_COL_STR, 0, get_status_const, NULL, T, NULL},
    CLI_FIELD_STR("rows", ru_calibration, rows),
    CLI_FIELD_NUM("rmse_pp", "pp", 3, ru_calibration, rmse_pp),
    {"residuals_pp", NULL, 0, CLI_COL_STR, 0, get_used_text, NULL, T, NULL},
    {"not_used", NULL, 0, CLI_COL_STR, 0, get_unused_text, NULL, T, NULL},
    {"residuals", NULL, 0, CLI_COL_ROWS, 0, get_residuals, NULL, J, NULL},
};

static int calibrate(cli_ctx *ctx, ru_kb *kb, const char *data, const ru_validate_options *opt) {
  ru_calibration cal[RU_VALIDATE_MAX_PARAMS];
  size_t n = 0;
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_validate_calibrate(kb, data, opt, cal, RU_VALIDATE_MAX_PARAMS, &n, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) {
    ru_calibration_free(cal, n);
    return 1;
  }
  cli_result_note(res, "in-vitro -> in-vivo Ki scaling, fitted on calibration_pet.csv rows only (least "
                       "squares in percentage points); --format csv gives data/scaling.csv rows\n\n");
  cli_result_rows(res, "scaling", NULL, CALIBRATION, sizeof CALIBRATION / sizeof CALIBRATION[0], cal,
                  sizeof *cal, n, NULL, CLI_IN_ALL);
  for (size_t i = 0; i < n; i++) {
    char title[128];
    snprintf(title, sizeof title, "\n%.16s rows (observed -> predicted under the factor, residual)", cal[i].target);
    cli_result_rows(res, NULL, title, RESIDUALS, sizeof RESIDUALS / sizeof RESIDUALS[0], cal[i].entries,
                    sizeof *cal[i].entries, cal[i].nentries, NULL, CLI_IN_TABLE);
  }
  ru_calibration_free(cal, n);
  return cli_result_finish(res);
}

/* --- the command ------------------------------------------------------------------------------ */

int cmd_validate(cli_ctx *ctx) {
  if (cli_npos(ctx) > 0) return cli_usage(ctx, "unexpected argument '%s'", cli_pos(ctx, 0));
  int selected[NSETS] = {0};
  size_t nonly = 0;
  const char *data = cli_str(ctx, "--data");
  const int do_calibrate = cli_flag(ctx, "--calibrate"), do_cv = cli_flag(ctx, "--cross-validate");
  /* --set is shared: a set name (or a comma list of them) selects sets, DRUG.KEY=VALUE is an
   * override */
  const char *overrides[CLI_MAX_SETS];
  size_t nov = 0;
  for (size_t i = 0; i < ctx->nsets; i++) {
    const char *x = ctx->sets[i];
    const size_t n = strchr(x, '=') == NULL ? select_sets(x, selected) : 0;
    if (n > 0) {
      nonly += n;
    } else if (strchr(x, '=') != NULL) {
      overrides[nov++] = x;
    } else {
      return cli_usage(ctx, "--set '%s': expected pet, ddi, pm, washout, microdialysis, firing, "
                            "physiology (or a comma list of them) or DRUG.KEY=VALUE", x);
    }
  }
  if (data != NULL && nonly != 1) {
    return cli_usage(ctx, "--data needs one --set to say which kind of table it is");
  }
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  const ru_validate_options opt = {overrides, nov, do_cv};
  if (do_calibrate) return calibrate(ctx, kb, data, &opt);
  /* every set first (the CSV carries the rows of all of them under one header) */
  ru_vset *sets[NSETS] = {NULL};
  size_t nsets = 0, nrows = 0;
  int any_cv = 0;
  for (size_t k = 0; k < NSETS && rc == 0; k++) {
    if (nonly > 0 && !selected[k]) continue;
    if (cli_stopped(ctx)) {
      rc = cli_interrupted(ctx);
      break;
    }
    ru_error err;
    ru_error_clear(&err);
    const ru_status st = ru_validate_run(kb, SETS[k], data, &opt, &sets[nsets], &err);
    if (st != RU_OK) {
      rc = cli_fail(ctx, st, &err);
      break;
    }
    nrows += sets[nsets]->nrows;
    any_cv |= sets[nsets]->cross_validated;
    nsets++;
  }
  vrow *rows = rc == 0 ? calloc(nrows + 1, sizeof *rows) : NULL;
  cli_result *res = rows != NULL ? cli_result_new(ctx) : NULL;
  if (rc == 0 && res == NULL) rc = cli_fail(ctx, RU_ENOMEM, NULL);
  if (rc == 0) {
    size_t m = 0;
    for (size_t s = 0; s < nsets; s++)
      for (size_t q = 0; q < sets[s]->nrows; q++) rows[m++] = (vrow){sets[s], &sets[s]->rows[q]};
    m = 0;
    for (size_t s = 0; s < nsets; s++) {
      const ru_vset *v = sets[s];
      const size_t ncols = (v->cross_validated || ctx->format == CLI_FMT_JSON) ? NROW_COLUMNS : NROW_COLUMNS - NCV_COLUMNS;
      cli_result_begin_item(res, "sets", NULL);
      cli_result_str(res, "set", NULL, v->set, CLI_IN_JSON);
      cli_result_num(res, "n", (double)v->nrows);
      cli_result_begin(res, "metrics", NULL);
      cli_result_rows(res, NULL, NULL, ROW_COLUMNS, ncols, rows + m, sizeof *rows, v->nrows, NULL, CLI_IN_TABLE);
      metric_fields(res, NULL, v->metrics, v->nmetrics, "", CLI_IN_JSON | CLI_IN_TABLE);
      if (v->cross_validated || v->cv_note[0]) cv_result(res, v);
      cli_result_end(res);
      cli_result_rows(res, "rows", NULL, ROW_COLUMNS, ncols, rows + m, sizeof *rows, v->nrows, NULL, CLI_IN_JSON);
      cli_result_end(res);
      cli_result_note(res, "\n");
      m += v->nrows;
    }
    /* CSV: one header, the rows of every set run */
    cli_result_rows(res, NULL, NULL, ROW_COLUMNS, any_cv ? NROW_COLUMNS : NROW_COLUMNS - NCV_COLUMNS, rows,
                    sizeof *rows, nrows, NULL, CLI_IN_CSV);
    /* the fitted factors in force, with the rows they came from */
    const char *const *targets = ru_kb_targets();
    scaling_row scal[32];
    size_t ns = 0;
    for (size_t i = 0; targets[i] != NULL && ns < 32; i++) {
      ru_error err;
      if (ru_kb_scaling(kb, targets[i], &scal[ns].f, &err) != RU_OK || scal[ns].f.status == RU_VALUE_MISSING) continue;
      scal[ns++].target = targets[i];
    }
    cli_result_rows(res, "scaling", "in-vitro -> in-vivo scaling in force (fitted on the rows named, "
                                    "validation/calibration_pet.csv)",
                    SCALING, sizeof SCALING / sizeof SCALING[0], scal, sizeof *scal, ns, NULL,
                    CLI_IN_JSON | CLI_IN_TABLE);
    rc = cli_result_finish(res);
  } else {
    cli_result_free(res);
  }
  free(rows);
  for (size_t s = 0; s < nsets; s++) ru_vset_free(sets[s]);
  return rc;
}
