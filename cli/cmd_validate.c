/* `reuptake validate [--set pet|ddi|pm|microdialysis|physiology] [--data FILE] [--calibrate]
 * [--cross-validate]`: every published row, predicted vs observed with its source, and the
 * summary metrics; the fitted scaling factors with the calibration rows they came from and
 * their residuals; with --cross-validate the leave-one-study-out refit (held-out prediction of
 * every calibration row, in-sample vs held-out error, what each fold fitted). `--set` names a
 * set; a `--set DRUG.KEY=VALUE` is a parameter override as on every command. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const SETS[] = {"pet", "ddi", "pm", "washout", "microdialysis", "physiology"};
#define NSETS (sizeof SETS / sizeof SETS[0])

static int is_set_name(const char *s) {
  for (size_t i = 0; i < NSETS; i++)
    if (strcmp(SETS[i], s) == 0) return 1;
  return 0;
}

static cJSON *row_json(const ru_vrow *r) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "id", r->id);
  cJSON_AddBoolToObject(o, "calibration", r->calibration);
  cJSON_AddStringToObject(o, "scenario", r->what);
  cJSON_AddStringToObject(o, "quantity", r->quantity);
  cJSON_AddStringToObject(o, "unit", r->unit);
  cJSON_AddItemToObject(o, "observed", cli_json_number(r->observed));
  cJSON_AddItemToObject(o, "observed_low", cli_json_number(r->observed_low));
  cJSON_AddItemToObject(o, "observed_high", cli_json_number(r->observed_high));
  cJSON_AddItemToObject(o, "predicted", cli_json_number(r->predicted));
  cJSON_AddItemToObject(o, "error", cli_json_number(r->error));
  cJSON_AddBoolToObject(o, "right_direction", r->right_direction);
  if (isfinite(r->cv_predicted)) {
    cJSON_AddItemToObject(o, "cv_predicted", cli_json_number(r->cv_predicted));
    cJSON_AddItemToObject(o, "cv_error", cli_json_number(r->cv_error));
  }
  cJSON_AddStringToObject(o, "source", r->source);
  if (r->note[0]) cJSON_AddStringToObject(o, "note", r->note);
  return o;
}

/* metrics.cv: held-out and in-sample metrics, the note, and what each fold fitted. */
static cJSON *cv_json(const ru_vset *v) {
  cJSON *cv = cJSON_CreateObject();
  for (size_t q = 0; q < v->ncv; q++) cJSON_AddItemToObject(cv, v->cv[q].name, cli_json_number(v->cv[q].value));
  if (v->cv_note[0]) cJSON_AddStringToObject(cv, "note", v->cv_note);
  cJSON *folds = cJSON_AddArrayToObject(cv, "folds");
  for (size_t g = 0; g < v->nfolds; g++) {
    const ru_vfold *f = &v->folds[g];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "left_out", f->study);
    cJSON_AddNumberToObject(o, "rows", (double)f->nrows);
    cJSON *p = cJSON_AddObjectToObject(o, "fitted");
    for (size_t k = 0; k < f->nparams; k++) cJSON_AddItemToObject(p, f->param[k], cli_json_number(f->value[k]));
    if (f->note[0]) cJSON_AddStringToObject(o, "note", f->note);
    cJSON_AddItemToArray(folds, o);
  }
  return cv;
}

static void cv_table(cli_out *o, const ru_vset *v) {
  cli_out_printf(o, "  cross-validation, leave one study out%s%s:\n", v->cv_note[0] ? " -- " : "",
                 v->cv_note);
  for (size_t q = 0; q < v->ncv; q++) {
    cli_out_printf(o, "    cv.%-26s %-10.4g (n=%zu)\n", v->cv[q].name, v->cv[q].value, v->cv[q].n);
  }
  for (size_t g = 0; g < v->nfolds; g++) {
    const ru_vfold *f = &v->folds[g];
    cli_out_printf(o, "    without %.70s (%zu rows):", f->study, f->nrows);
    for (size_t k = 0; k < f->nparams; k++) cli_out_printf(o, " %s=%.4g", f->param[k], f->value[k]);
    if (f->note[0]) cli_out_printf(o, "  [%s]", f->note);
    cli_out_printf(o, "\n");
  }
}

static void set_table(cli_out *o, const ru_vset *v, cli_format fmt) {
  static const char *const hdr[] = {"set", "id", "cal", "scenario", "quantity", "observed",
                                    "predicted", "error", "source", "note", "cv_predicted",
                                    "cv_error"};
  const size_t ncols = v->cross_validated ? 12 : 10;
  cli_table *t = cli_table_new(ncols, hdr);
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    char ob[64], pr[32], er[32], cp[32], ce[32];
    if (isfinite(r->observed_low) && isfinite(r->observed_high) && !isfinite(r->observed)) {
      snprintf(ob, sizeof ob, "%g-%g", r->observed_low, r->observed_high);
    } else {
      cli_fmt(ob, sizeof ob, r->observed, 4);
    }
    cli_fmt(pr, sizeof pr, r->predicted, 4);
    const char *unit = strcmp(r->unit, "%") == 0 ? " pp" : "x";
    char tmp[32];
    snprintf(er, sizeof er, "%s%s", cli_fmt(tmp, sizeof tmp, r->error, 3),
             isfinite(r->error) ? unit : "");
    cp[0] = ce[0] = '\0';
    if (isfinite(r->cv_predicted)) {
      cli_fmt(cp, sizeof cp, r->cv_predicted, 4);
      snprintf(ce, sizeof ce, "%s%s", cli_fmt(tmp, sizeof tmp, r->cv_error, 3), unit);
    }
    const char *cells[12] = {v->set, r->id, r->calibration ? "yes" : "", r->what, r->quantity,
                             ob, pr, er, r->source, r->note, cp, ce};
    cli_table_add(t, cells);
  }
  cli_table_render(t, fmt, o);
  cli_table_free(t);
  if (fmt == CLI_FMT_TABLE) {
    for (size_t m = 0; m < v->nmetrics; m++) {
      cli_out_printf(o, "  %-28s %-10.4g (n=%zu)\n", v->metrics[m].name, v->metrics[m].value,
                     v->metrics[m].n);
    }
    if (v->cross_validated || v->cv_note[0]) cv_table(o, v);
    cli_out_printf(o, "\n");
  }
}

/* "id:+1.23" per used row, ';'-separated (the residuals in percentage points). */
static void residuals_text(const ru_calibration *c, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t e = 0; e < c->nentries; e++) {
    if (!c->entries[e].used) continue;
    const int w = snprintf(buf + len, cap - len, "%s%s:%+.3g", len ? ";" : "", c->entries[e].id,
                           c->entries[e].residual_pp);
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
}

static int calibrate(cli_ctx *ctx, ru_kb *kb, const char *data, const ru_validate_options *opt) {
  ru_calibration cal[RU_VALIDATE_MAX_PARAMS];
  size_t n = 0;
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_validate_calibrate(kb, data, opt, cal, RU_VALIDATE_MAX_PARAMS, &n, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  int rc;
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "scaling");
    for (size_t i = 0; i < n; i++) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "target", cal[i].target);
      cJSON_AddNumberToObject(o, "factor", cal[i].factor);
      cJSON_AddStringToObject(o, "rows", cal[i].rows);
      cJSON_AddItemToObject(o, "rmse_pp", cli_json_number(cal[i].rmse_pp));
      cJSON *ents = cJSON_AddArrayToObject(o, "residuals");
      for (size_t e = 0; e < cal[i].nentries; e++) {
        const ru_calibration_row *r = &cal[i].entries[e];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "id", r->id);
        cJSON_AddBoolToObject(x, "used", r->used);
        cJSON_AddItemToObject(x, "observed_pct", cli_json_number(r->observed_pct));
        cJSON_AddItemToObject(x, "observed_low", cli_json_number(r->observed_low));
        cJSON_AddItemToObject(x, "observed_high", cli_json_number(r->observed_high));
        cJSON_AddItemToObject(x, "predicted_pct", cli_json_number(r->predicted_pct));
        cJSON_AddItemToObject(x, "residual_pp", cli_json_number(r->residual_pp));
        if (r->note[0]) cJSON_AddStringToObject(x, "note", r->note);
        cJSON_AddItemToArray(ents, x);
      }
      cJSON_AddItemToArray(arr, o);
    }
    ru_calibration_free(cal, n);
    return cli_emit_json(ctx, root);
  }
  /* the CSV rows of data/scaling.csv: the knowledge base holds the fit with its rows as source */
  cli_out *o = cli_out_new();
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "# in-vitro -> in-vivo Ki scaling, fitted on calibration_pet.csv rows only\n"
                      "# (least squares in percentage points); paste into data/scaling.csv\n");
  }
  cli_out_printf(o, "target,factor,source,status,rows,rmse_pp,residuals_pp,not_used\n");
  for (size_t i = 0; i < n; i++) {
    char res[2048], skipped[1024];
    residuals_text(&cal[i], res, sizeof res);
    size_t len = 0;
    skipped[0] = '\0';
    for (size_t e = 0; e < cal[i].nentries; e++) {
      if (cal[i].entries[e].used) continue;
      const int w = snprintf(skipped + len, sizeof skipped - len, "%s%s", len ? ";" : "",
                             cal[i].entries[e].id);
      if (w > 0 && (size_t)w < sizeof skipped - len) len += (size_t)w;
    }
    cli_out_printf(o, "%s,%.6g,calibration_pet,calibrated,%s,%.3g,%s,%s\n", cal[i].target,
                   cal[i].factor, cal[i].rows, cal[i].rmse_pp, res, skipped);
  }
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "#\n# rows (observed -> predicted under the factor, residual in pp):\n");
    for (size_t i = 0; i < n; i++) {
      for (size_t e = 0; e < cal[i].nentries; e++) {
        const ru_calibration_row *r = &cal[i].entries[e];
        char ob[64];
        if (isfinite(r->observed_low) && isfinite(r->observed_high) && !isfinite(r->observed_pct))
          snprintf(ob, sizeof ob, "%g-%g", r->observed_low, r->observed_high);
        else
          snprintf(ob, sizeof ob, "%g", r->observed_pct);
        if (r->used)
          cli_out_printf(o, "#   %-6s %-26s %8s%% -> %6.4g%%  %+.3g pp\n", cal[i].target, r->id,
                         ob, r->predicted_pct, r->residual_pp);
        else
          cli_out_printf(o, "#   %-6s %-26s %8s%%    not used: %s\n", cal[i].target, r->id, ob,
                         r->note);
      }
    }
  }
  ru_calibration_free(cal, n);
  rc = cli_out_commit(ctx, o);
  return rc;
}

int cmd_validate(cli_ctx *ctx) {
  const char *only = NULL, *data = NULL;
  int do_calibrate = 0, do_cv = 0;
  for (size_t i = 0; i < ctx->nargs; i++) {
    int missing = 0;
    const char *v;
    if ((v = cli_opt_value(ctx, &i, "--data", &missing)) != NULL) {
      data = v;
    } else if (strcmp(ctx->args[i], "--calibrate") == 0) {
      do_calibrate = 1;
    } else if (strcmp(ctx->args[i], "--cross-validate") == 0) {
      do_cv = 1;
    } else if (missing) {
      return cli_usage(ctx, "%s needs a value", ctx->args[i]);
    } else {
      return cli_usage(ctx, ctx->args[i][0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
                       ctx->args[i]);
    }
  }
  /* --set is shared: a set name selects the set, DRUG.KEY=VALUE is an override */
  const char *overrides[CLI_MAX_SETS];
  size_t nov = 0;
  for (size_t i = 0; i < ctx->nsets; i++) {
    if (is_set_name(ctx->sets[i])) {
      if (only != NULL) return cli_usage(ctx, "one --set at a time");
      only = ctx->sets[i];
    } else if (strchr(ctx->sets[i], '=') != NULL) {
      overrides[nov++] = ctx->sets[i];
    } else {
      return cli_usage(ctx, "--set '%s': expected pet, ddi, pm, washout, microdialysis, "
                            "physiology or DRUG.KEY=VALUE", ctx->sets[i]);
    }
  }
  if (data != NULL && only == NULL) {
    return cli_usage(ctx, "--data needs --set to say which kind of table it is");
  }
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  const ru_validate_options opt = {overrides, nov, do_cv};
  if (do_calibrate) return calibrate(ctx, kb, data, &opt);
  cJSON *root = ctx->format == CLI_FMT_JSON ? cJSON_CreateObject() : NULL;
  cJSON *sets = root ? cJSON_AddArrayToObject(root, "sets") : NULL;
  cli_out *o = root ? NULL : cli_out_new();
  for (size_t k = 0; k < NSETS; k++) {
    if (only != NULL && strcmp(only, SETS[k]) != 0) continue;
    ru_vset *v = NULL;
    ru_error err;
    ru_error_clear(&err);
    ru_status st = ru_validate_run(kb, SETS[k], data, &opt, &v, &err);
    if (st != RU_OK) {
      cJSON_Delete(root);
      cli_out_free(o);
      return cli_fail(ctx, st, &err);
    }
    if (root) {
      cJSON *js = cJSON_CreateObject();
      cJSON_AddStringToObject(js, "set", v->set);
      cJSON_AddNumberToObject(js, "n", (double)v->nrows);
      cJSON *m = cJSON_AddObjectToObject(js, "metrics");
      for (size_t q = 0; q < v->nmetrics; q++)
        cJSON_AddItemToObject(m, v->metrics[q].name, cli_json_number(v->metrics[q].value));
      if (v->cross_validated || v->cv_note[0]) cJSON_AddItemToObject(m, "cv", cv_json(v));
      cJSON *rows = cJSON_AddArrayToObject(js, "rows");
      for (size_t q = 0; q < v->nrows; q++) cJSON_AddItemToArray(rows, row_json(&v->rows[q]));
      cJSON_AddItemToArray(sets, js);
    } else {
      set_table(o, v, ctx->format);
    }
    ru_vset_free(v);
  }
  /* the fitted factors in force, with the rows they came from */
  const char *const *targets = ru_kb_targets();
  cJSON *scal = root ? cJSON_AddArrayToObject(root, "scaling") : NULL;
  if (o && ctx->format == CLI_FMT_TABLE) cli_out_printf(o, "in-vitro -> in-vivo scaling in force:\n");
  for (size_t i = 0; targets[i] != NULL; i++) {
    ru_value f;
    ru_error err;
    if (ru_kb_scaling(kb, targets[i], &f, &err) != RU_OK || f.status == RU_VALUE_MISSING) continue;
    if (scal) {
      cJSON *s = cJSON_CreateObject();
      cJSON_AddStringToObject(s, "target", targets[i]);
      cJSON_AddItemToObject(s, "factor", cli_json_number(f.value));
      cJSON_AddStringToObject(s, "source", f.source);
      cJSON_AddItemToArray(scal, s);
    } else if (ctx->format == CLI_FMT_TABLE) {
      cli_out_printf(o, "  %-8s x%-10.4g fitted on %s rows (validation/calibration_pet.csv)\n",
                     targets[i], f.value, f.source);
    }
  }
  if (root) return cli_emit_json(ctx, root);
  return cli_out_commit(ctx, o);
}
