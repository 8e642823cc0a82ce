/* `reuptake occupancy`: steady-state mean, trough and peak occupancy per target with the
 * share of each compound; occupancy at measured plasma levels (--conc); dose-occupancy curves
 * with ED50 (--doses); the profile of targets engaged above 50 % (--profile); occupancy at a
 * time after the first dose (--at, for single doses). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "result.h"
#include "simargs.h"

#define MAXT 16

/* --- the result: one row per target with the share of each compound ------------------------- */

CLI_GETTER(get_kpuu_mark, ru_pd_share, c->str = row->kpuu_is_default ? "(Kp,uu default)" : "")

/* a compound's share; a compound whose Kp,uu,brain is the stated default (no brain-exposure
 * evidence) is marked, so every output that uses the default says so */
static const cli_column SHARES[] = {
    CLI_FIELD_STR("compound", ru_pd_share, compound),
    CLI_FIELD_NUM("mean", "fraction", 3, ru_pd_share, mean),
    {"kpuu_brain", NULL, 3, CLI_COL_NUM, offsetof(ru_pd_share, kpuu_brain), NULL, NULL, CLI_IN_JSON, NULL},
    {"kpuu_brain_default", NULL, 0, CLI_COL_BOOL, offsetof(ru_pd_share, kpuu_is_default), NULL, NULL, CLI_IN_JSON, NULL},
    {"kpuu_mark", NULL, 0, CLI_COL_STR, 0, get_kpuu_mark, NULL, CLI_IN_TEXT, NULL},
};

CLI_GETTER(get_shares, ru_pd_summary,
           c->sub = (cli_subrows){SHARES, sizeof SHARES / sizeof SHARES[0], row->shares, sizeof *row->shares,
                                  row->nshares, NULL})

static const cli_column TARGETS[] = {
    CLI_FIELD_STR("target", ru_pd_summary, target),
    CLI_FIELD_NUM("mean", "fraction", 3, ru_pd_summary, mean),
    CLI_FIELD_NUM("trough", "fraction", 3, ru_pd_summary, trough),
    CLI_FIELD_NUM("peak", "fraction", 3, ru_pd_summary, peak),
    {"scale", NULL, 4, CLI_COL_NUM, offsetof(ru_pd_summary, scale), NULL, NULL, CLI_IN_JSON, NULL},
    {"scale_calibrated", NULL, 0, CLI_COL_BOOL, offsetof(ru_pd_summary, scale_calibrated), NULL, NULL, CLI_IN_JSON, NULL},
    CLI_GET("by_compound", NULL, 0, CLI_COL_ROWS, get_shares),
};

/* Renders the summaries (only the targets something binds unless all is set), with the basis,
 * the brain-exposure note when a default Kp,uu was used and an optional heading; frees rows. */
static int emit_rows(cli_ctx *ctx, ru_pd_summary *rows, size_t n, int only_bound,
                     const char *basis, const char *heading) {
  ru_pd_summary *shown = calloc(n + 1, sizeof *shown);
  const int have_rows = shown != NULL;
  cli_result *res = have_rows ? cli_result_new(ctx) : NULL;
  if (res == NULL) {
    free(shown);
    ru_pd_summary_free(rows, n);
    /* a failed cli_result_new has reported itself; the rows' failure is left to say */
    return have_rows ? 1 : cli_fail(ctx, RU_ENOMEM, NULL);
  }
  size_t m = 0;
  int any_default = 0;
  for (size_t k = 0; k < n; k++) {
    if (only_bound && rows[k].nshares == 0) continue;
    shown[m++] = rows[k]; /* shallow: the shares stay owned by rows */
    for (size_t i = 0; i < rows[k].nshares; i++) any_default |= rows[k].shares[i].kpuu_is_default;
  }
  if (heading != NULL) cli_result_note(res, "%s\n", heading);
  cli_result_rows(res, "targets", NULL, TARGETS, sizeof TARGETS / sizeof TARGETS[0], shown, sizeof *shown,
                  m, NULL, CLI_IN_ALL);
  cli_result_str(res, "basis", NULL, basis, CLI_IN_JSON);
  if (any_default) {
    cli_result_str(res, "brain_exposure_note", NULL,
                   "a compound marked kpuu_brain_default has no brain-exposure evidence: the stated "
                   "default Kp,uu,brain was used", CLI_IN_JSON);
    cli_result_note(res, "\n(Kp,uu default): no brain-exposure evidence for that compound; the stated "
                         "default Kp,uu,brain was used (see `reuptake drugs show`)\n");
  }
  free(shown);
  ru_pd_summary_free(rows, n);
  return cli_result_finish(res);
}

/* Builds targets list from --target (default: all known). */
static int target_list(cli_ctx *ctx, const char *spec, const char **targets, size_t *n) {
  *n = simargs_target_list(spec, targets, MAXT);
  if (*n == (size_t)-1) {
    return cli_usage(ctx, "--target '%s': unknown target (known: SERT, NET, DAT, H1, M1, "
                          "alpha1, 5-HT2A, 5-HT2C, or all)", spec);
  }
  return 0;
}

/* --conc DRUG=LEVEL,...: the occupancy at those total plasma levels (library). */
static int run_conc(cli_ctx *ctx, ru_kb *kb, const char *spec, const char *const *targets,
                    size_t ntar) {
  char *buf = strdup(spec);
  if (buf == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  const char *names[MAXT], *levels[MAXT];
  size_t n = 0;
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL || eq == tok || n >= MAXT) {
      const int rc = cli_usage(ctx, "--conc '%s': expected DRUG=LEVEL with a unit, e.g. "
                                    "nortriptyline=50ng/mL (at most %d compounds)", tok, MAXT);
      free(buf);
      return rc;
    }
    *eq = '\0';
    names[n] = tok;
    levels[n++] = eq + 1;
  }
  ru_pd_summary rows[MAXT];
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_pd_at_levels(kb, names, levels, n, ctx->sets, ctx->nsets, targets, ntar, rows, &err);
  free(buf);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  return emit_rows(ctx, rows, ntar, 1, "given total plasma concentrations", NULL);
}

/* One dose of a dose-occupancy curve (or the ED50 row): the mean occupancy of each target. */
typedef struct dose_row {
  double dose_mg;
  char label[32];
  double v[MAXT];
} dose_row;

static int run_doses(cli_ctx *ctx, ru_kb *kb, const simargs *a, const char *drug,
                     const char *doses_spec, double tau_h, const char *const *targets,
                     size_t ntar) {
  double doses[64];
  size_t nd = 0;
  char *buf = strdup(doses_spec);
  char *save = NULL;
  ru_error err;
  ru_error_clear(&err);
  if (buf == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (nd >= 64 || ru_units_parse(RU_UNIT_MASS, tok, "mg", 0.0, &doses[nd], &err) != RU_OK ||
        !(doses[nd] > 0.0)) {
      /* tok lives in buf: report before freeing it */
      const int rc = cli_usage(ctx, "--doses: bad dose '%s' (expected e.g. 10,20,40,80 in mg)", tok);
      free(buf);
      return rc;
    }
    nd++;
  }
  free(buf);
  if (nd == 0) return cli_usage(ctx, "--doses: no doses given");
  char canon[RU_NAME_MAX];
  ru_status st = ru_kb_resolve(kb, drug, canon, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  double *mean = calloc(nd * ntar, sizeof *mean);
  double ed50[MAXT];
  int bound[MAXT];
  if (mean == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  const ru_pd_dose_options opt = {a->phenotypes, a->nphenotypes, ctx->sets, ctx->nsets};
  st = ru_pd_dose_response(kb, canon, doses, nd, tau_h, targets, ntar, &opt, mean, bound, ed50, &err);
  if (st != RU_OK) {
    free(mean);
    return cli_fail(ctx, st, &err);
  }
  /* one row per dose (the JSON "doses"), then the ED50 row in table and CSV ("ed50_mg" in JSON);
   * one column per target that something binds, nested under "mean" in JSON */
  dose_row *rows = calloc(nd + 1, sizeof *rows);
  cli_column cols[2 + MAXT];
  size_t ncols = 0;
  cols[ncols++] = (cli_column){"dose_mg", "mg", 6, CLI_COL_NUM, offsetof(dose_row, dose_mg), NULL, NULL, CLI_IN_JSON, NULL};
  cols[ncols++] = (cli_column){"dose_mg", "mg", 0, CLI_COL_STR, offsetof(dose_row, label), NULL, NULL, CLI_IN_TEXT, NULL};
  for (size_t k = 0; k < ntar; k++) {
    if (!bound[k]) continue;
    cols[ncols++] = (cli_column){targets[k], "fraction", 3, CLI_COL_NUM,
                                 offsetof(dose_row, v) + k * sizeof(double), NULL, "mean", 0, NULL};
  }
  const int have_rows = rows != NULL;
  cli_result *res = have_rows ? cli_result_new(ctx) : NULL;
  if (res == NULL) {
    free(rows);
    free(mean);
    /* a failed cli_result_new has reported itself; the rows' failure is left to say */
    return have_rows ? 1 : cli_fail(ctx, RU_ENOMEM, NULL);
  }
  for (size_t d = 0; d <= nd; d++) {
    rows[d].dose_mg = d < nd ? doses[d] : nan("");
    if (d < nd) cli_fmt(rows[d].label, sizeof rows[d].label, doses[d], 6);
    else snprintf(rows[d].label, sizeof rows[d].label, "ED50_mg");
    for (size_t k = 0; k < ntar; k++) rows[d].v[k] = d < nd ? mean[k * nd + d] : ed50[k];
  }
  cli_result_note(res, "%s every %g h: mean steady-state occupancy (fraction)\n", canon, tau_h);
  cli_result_str(res, "compound", NULL, canon, CLI_IN_JSON);
  cli_result_num(res, "interval_h", tau_h);
  cli_result_rows(res, "doses", NULL, cols, ncols, rows, sizeof *rows, nd, NULL, CLI_IN_JSON);
  cli_result_rows(res, NULL, NULL, cols, ncols, rows, sizeof *rows, nd + 1, NULL, CLI_IN_TEXT);
  /* the ED50 of each target, "ed50_mg": {"NET": x, ...}: the same target columns, ungrouped */
  for (size_t k = 2; k < ncols; k++) {
    cols[k].group = NULL;
    cols[k].unit = "mg";
  }
  cli_result_begin(res, "ed50_mg", NULL);
  cli_result_fields(res, NULL, cols + 2, ncols - 2, &rows[nd], NULL, CLI_IN_JSON);
  cli_result_end(res);
  free(rows);
  const int rc = cli_result_finish(res);
  free(mean);
  return rc;
}

int cmd_occupancy(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  /* the option table checked the kinds (--every and --at are durations) */
  const char *conc = cli_str(ctx, "--conc"), *doses = cli_str(ctx, "--doses"), *drug = NULL;
  const int profile = cli_flag(ctx, "--profile");
  const double at_h = cli_num(ctx, "--at", nan(""));
  for (size_t i = 0; i < a.nrest; i++) {
    const char *x = a.rest[i];
    if (x[0] == '-') {
      const char *eq = strchr(x, '=');
      const cli_option *o = cli_option_find(ctx->cmd->groups, x, eq ? (size_t)(eq - x) : strlen(x));
      if (o != NULL && o->kind != CLI_V_FLAG && eq == NULL) i++; /* its value */
      continue;
    }
    if (drug != NULL) return cli_usage(ctx, "unexpected argument '%s'", x);
    drug = x;
  }
  int krc = 0;
  ru_kb *kb = cli_kb(ctx, &krc);
  if (kb == NULL) return krc;
  const char *targets[MAXT];
  size_t ntar = 0;
  if ((rc = target_list(ctx, a.targets ? a.targets : "all", targets, &ntar))) return rc;
  if (conc != NULL) {
    if (a.nregimens || doses || drug) return cli_usage(ctx, "--conc takes no regimen or --doses");
    return run_conc(ctx, kb, conc, targets, ntar);
  }
  if (doses != NULL) {
    if (drug == NULL) return cli_usage(ctx, "--doses needs a compound: occupancy DRUG --doses 10,20,40");
    return run_doses(ctx, kb, &a, drug, doses, cli_num(ctx, "--every", 24.0), targets, ntar);
  }
  if (drug != NULL) return cli_usage(ctx, "'%s' is not a regimen (expected DRUG:DOSE[:qINTERVAL])", drug);
  ru_sim *s = NULL;
  rc = simargs_build(ctx, &a, &s);
  if (rc) return rc;
  ru_pd_summary rows[MAXT];
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = isfinite(at_h) ? ru_pd_at_time(kb, s, targets, ntar, at_h, rows, &err)
                                      : ru_pd_steady_state(kb, s, targets, ntar, rows, &err);
  ru_sim_free(s);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (profile) {
    ntar = ru_pd_summary_keep_engaged(rows, ntar); /* the targets engaged at the mean */
  }
  return emit_rows(ctx, rows, ntar, !profile,
                   isfinite(at_h) ? "at the given time after the first dose"
                                  : "steady state over one dosing interval",
                   profile ? "targets engaged above 50 % (mean over the dosing interval):" : NULL);
}
