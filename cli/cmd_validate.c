/* `reuptake validate [--set pet|ddi|pm|microdialysis|firing|physiology[,...]] [--data FILE]
 * [--calibrate] [--cross-validate]`:
 * every published row, predicted vs observed with its source, and the summary metrics; the
 * fitted scaling factors with the calibration rows they came from. `--set` names a set; a
 * `--set DRUG.KEY=VALUE` is a parameter override as on every command. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char *const SETS[] = {"pet", "ddi", "pm", "microdialysis", "firing", "physiology"};
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
  cJSON_AddBoolToObject(o, "within_1.5x", r->within_1_5x); /* synapse sets: the tolerance rule */
  cJSON_AddStringToObject(o, "source", r->source);
  if (r->note[0]) cJSON_AddStringToObject(o, "note", r->note);
  return o;
}

static void set_table(cli_out *o, const ru_vset *v, cli_format fmt) {
  static const char *const hdr[] = {"set", "id", "cal", "scenario", "quantity", "observed",
                                    "predicted", "error", "source", "note"};
  cli_table *t = cli_table_new(10, hdr);
  for (size_t i = 0; i < v->nrows; i++) {
    const ru_vrow *r = &v->rows[i];
    char ob[64], pr[32], er[32];
    if (isfinite(r->observed_low) && isfinite(r->observed_high) && !isfinite(r->observed)) {
      snprintf(ob, sizeof ob, "%g-%g", r->observed_low, r->observed_high);
    } else {
      cli_fmt(ob, sizeof ob, r->observed, 4);
    }
    cli_fmt(pr, sizeof pr, r->predicted, 4);
    if (strcmp(r->unit, "%") == 0) {
      char tmp[32];
      snprintf(er, sizeof er, "%s pp", cli_fmt(tmp, sizeof tmp, r->error, 3));
    } else {
      char tmp[32];
      snprintf(er, sizeof er, "%sx", cli_fmt(tmp, sizeof tmp, r->error, 3));
    }
    const char *cells[10] = {v->set, r->id, r->calibration ? "yes" : "", r->what, r->quantity,
                             ob, pr, er, r->source, r->note};
    cli_table_add(t, cells);
  }
  cli_table_render(t, fmt, o);
  cli_table_free(t);
  if (fmt == CLI_FMT_TABLE) {
    for (size_t m = 0; m < v->nmetrics; m++) {
      cli_out_printf(o, "  %-28s %-10.4g (n=%zu)\n", v->metrics[m].name, v->metrics[m].value,
                     v->metrics[m].n);
    }
    cli_out_printf(o, "\n");
  }
}

static int calibrate(cli_ctx *ctx, ru_kb *kb, const char *data, const ru_validate_options *opt) {
  ru_calibration cal[8];
  size_t n = 0;
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_validate_calibrate(kb, data, opt, cal, 8, &n, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "scaling");
    for (size_t i = 0; i < n; i++) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "target", cal[i].target);
      cJSON_AddNumberToObject(o, "factor", cal[i].factor);
      cJSON_AddStringToObject(o, "rows", cal[i].rows);
      cJSON_AddNumberToObject(o, "rmse_pp", cal[i].rmse_pp);
      cJSON_AddItemToArray(arr, o);
    }
    return cli_emit_json(ctx, root);
  }
  /* the CSV rows of data/scaling.csv: the knowledge base holds the fit with its rows as source */
  cli_out *o = cli_out_new();
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "# in-vitro -> in-vivo Ki scaling, fitted on calibration_pet.csv rows only\n"
                      "# (least squares in percentage points); paste into data/scaling.csv\n");
  }
  cli_out_printf(o, "target,factor,source,status,rows,rmse_pp\n");
  for (size_t i = 0; i < n; i++) {
    cli_out_printf(o, "%s,%.6g,calibration_pet,calibrated,%s,%.3g\n", cal[i].target, cal[i].factor,
                   cal[i].rows, cal[i].rmse_pp);
  }
  return cli_out_commit(ctx, o);
}

int cmd_validate(cli_ctx *ctx) {
  const char *only[NSETS];
  size_t nonly = 0;
  const char *data = NULL;
  int do_calibrate = 0, cross_validate = 0;
  for (size_t i = 0; i < ctx->nargs; i++) {
    int missing = 0;
    const char *v;
    if ((v = cli_opt_value(ctx, &i, "--data", &missing)) != NULL) {
      data = v;
    } else if (strcmp(ctx->args[i], "--calibrate") == 0) {
      do_calibrate = 1;
    } else if (strcmp(ctx->args[i], "--cross-validate") == 0) {
      cross_validate = 1;
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
  static char setbuf[CLI_MAX_SETS][128];
  for (size_t i = 0; i < ctx->nsets; i++) {
    /* a comma list of set names selects several sets */
    int names_ok = 1;
    size_t nnew = 0;
    const char *newsets[NSETS];
    if (strchr(ctx->sets[i], '=') == NULL && strlen(ctx->sets[i]) < sizeof setbuf[0]) {
      strcpy(setbuf[i], ctx->sets[i]);
      char *save = NULL;
      for (char *tok = strtok_r(setbuf[i], ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        if (!is_set_name(tok) || nnew >= NSETS) {
          names_ok = 0;
          break;
        }
        newsets[nnew++] = tok;
      }
    } else {
      names_ok = 0;
    }
    if (names_ok && nnew > 0) {
      for (size_t k = 0; k < nnew && nonly < NSETS; k++) only[nonly++] = newsets[k];
    } else if (strchr(ctx->sets[i], '=') != NULL) {
      overrides[nov++] = ctx->sets[i];
    } else {
      return cli_usage(ctx, "--set '%s': expected pet, ddi, pm, microdialysis, firing, physiology "
                            "(or a comma list of them) or DRUG.KEY=VALUE", ctx->sets[i]);
    }
  }
  if (data != NULL && nonly != 1) {
    return cli_usage(ctx, "--data needs one --set to say which kind of table it is");
  }
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  const ru_validate_options opt = {overrides, nov, cross_validate};
  if (do_calibrate) return calibrate(ctx, kb, data, &opt);
  cJSON *root = ctx->format == CLI_FMT_JSON ? cJSON_CreateObject() : NULL;
  cJSON *sets = root ? cJSON_AddArrayToObject(root, "sets") : NULL;
  cli_out *o = root ? NULL : cli_out_new();
  for (size_t k = 0; k < NSETS; k++) {
    int selected = nonly == 0;
    for (size_t q = 0; q < nonly; q++) selected |= strcmp(only[q], SETS[k]) == 0;
    if (!selected) continue;
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
