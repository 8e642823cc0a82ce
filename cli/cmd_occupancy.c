/* `reuptake occupancy`: steady-state mean, trough and peak occupancy per target with the
 * share of each compound; occupancy at measured plasma levels (--conc); dose-occupancy curves
 * with ED50 (--doses); the profile of targets engaged above 50 % (--profile); occupancy at a
 * time after the first dose (--at, for single doses). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "simargs.h"

#define MAXT 16

/* "name 0.42" per compound; a compound whose Kp,uu,brain is the stated default (no
 * brain-exposure evidence) is marked, so every output that uses the default says so. */
static void shares_text(const ru_pd_summary *r, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < r->nshares; i++) {
    const ru_pd_share *sh = &r->shares[i];
    const int w = snprintf(buf + len, cap - len, "%s%s %.3g%s", i ? ", " : "", sh->compound,
                           sh->mean, sh->kpuu_is_default ? " (Kp,uu default)" : "");
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
}

static int any_default(const ru_pd_summary *rows, size_t n) {
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < rows[k].nshares; i++)
      if (rows[k].shares[i].kpuu_is_default) return 1;
  return 0;
}

static cJSON *rows_json(const ru_pd_summary *rows, size_t n, int only_bound) {
  cJSON *arr = cJSON_CreateArray();
  for (size_t k = 0; k < n; k++) {
    if (only_bound && rows[k].nshares == 0) continue;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "target", rows[k].target);
    cJSON_AddItemToObject(o, "mean", cli_json_number(rows[k].mean));
    cJSON_AddItemToObject(o, "trough", cli_json_number(rows[k].trough));
    cJSON_AddItemToObject(o, "peak", cli_json_number(rows[k].peak));
    cJSON_AddItemToObject(o, "scale", cli_json_number(rows[k].scale));
    cJSON_AddBoolToObject(o, "scale_calibrated", rows[k].scale_calibrated);
    cJSON *b = cJSON_AddArrayToObject(o, "by_compound");
    for (size_t i = 0; i < rows[k].nshares; i++) {
      const ru_pd_share *sh = &rows[k].shares[i];
      cJSON *c = cJSON_CreateObject();
      cJSON_AddStringToObject(c, "compound", sh->compound);
      cJSON_AddItemToObject(c, "mean", cli_json_number(sh->mean));
      cJSON_AddItemToObject(c, "kpuu_brain", cli_json_number(sh->kpuu_brain));
      cJSON_AddBoolToObject(c, "kpuu_brain_default", sh->kpuu_is_default);
      cJSON_AddItemToArray(b, c);
    }
    cJSON_AddItemToArray(arr, o);
  }
  return arr;
}

static void rows_table(const ru_pd_summary *rows, size_t n, int only_bound, cli_table *t) {
  for (size_t k = 0; k < n; k++) {
    if (only_bound && rows[k].nshares == 0) continue;
    char b[3][32], shares[1024];
    shares_text(&rows[k], shares, sizeof shares);
    const char *cells[5] = {rows[k].target, cli_fmt(b[0], 32, rows[k].mean, 3),
                            cli_fmt(b[1], 32, rows[k].trough, 3), cli_fmt(b[2], 32, rows[k].peak, 3),
                            shares};
    cli_table_add(t, cells);
  }
}

/* Renders summaries as table/CSV (with the brain-exposure flag line on a terminal) or JSON. */
static int emit_rows(cli_ctx *ctx, ru_pd_summary *rows, size_t n, int only_bound,
                     const char *basis, const char *heading) {
  int rc;
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "targets", rows_json(rows, n, only_bound));
    cJSON_AddStringToObject(root, "basis", basis);
    if (any_default(rows, n)) {
      cJSON_AddStringToObject(root, "brain_exposure_note",
                              "a compound marked kpuu_brain_default has no brain-exposure "
                              "evidence: the stated default Kp,uu,brain was used");
    }
    cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
    rc = cli_emit_json(ctx, root);
  } else {
    static const char *const hdr[] = {"target", "mean", "trough", "peak", "by_compound (mean)"};
    cli_table *t = cli_table_new(5, hdr);
    rows_table(rows, n, only_bound, t);
    cli_out *o = cli_out_new();
    if (ctx->format == CLI_FMT_TABLE && heading) cli_out_printf(o, "%s\n", heading);
    cli_table_render(t, ctx->format, o);
    if (ctx->format == CLI_FMT_TABLE && any_default(rows, n)) {
      cli_out_printf(o, "\n(Kp,uu default): no brain-exposure evidence for that compound; the "
                        "stated default Kp,uu,brain was used (see `reuptake drugs show`)\n");
    }
    if (ctx->format == CLI_FMT_TABLE) cli_out_printf(o, "\n%s\n", CLI_DISCLAIMER);
    cli_table_free(t);
    rc = cli_out_commit(ctx, o);
  }
  ru_pd_summary_free(rows, n);
  return rc;
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

static int run_conc(cli_ctx *ctx, ru_kb *kb, const char *spec, const char *const *targets,
                    size_t ntar) {
  ru_error err;
  ru_error_clear(&err);
  ru_sim *s = NULL;
  ru_status st = ru_sim_new(kb, &s, &err);
  char *buf = strdup(spec);
  char *save = NULL;
  double levels[MAXT];
  char names[MAXT][RU_NAME_MAX];
  size_t n = 0;
  if (buf == NULL && st == RU_OK) st = ru_error_set(&err, RU_ENOMEM, "out of memory");
  for (char *tok = buf ? strtok_r(buf, ",", &save) : NULL; tok && st == RU_OK;
       tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL || eq == tok || n >= MAXT) {
      st = ru_error_set(&err, RU_EPARSE,
                        "--conc '%s': expected DRUG=LEVEL with a unit, e.g. nortriptyline=50ng/mL "
                        "(at most %d compounds)", tok, MAXT);
      break;
    }
    *eq = '\0';
    st = ru_kb_resolve(kb, tok, names[n], &err);
    if (st != RU_OK) break;
    ru_compound c;
    st = ru_kb_compound(kb, names[n], &c, &err);
    if (st != RU_OK) break;
    st = ru_units_parse(RU_UNIT_CONC, eq + 1, NULL, c.mw_g_per_mol.value, &levels[n], &err);
    if (st != RU_OK) break;
    n++;
  }
  free(buf);
  /* the compounds are added without doses; their metabolites come along at level 0 */
  for (size_t i = 0; i < n && st == RU_OK; i++) st = ru_sim_add_compound(s, names[i], &err);
  for (size_t i = 0; st == RU_OK && i < ctx->nsets; i++) st = ru_sim_set_override(s, ctx->sets[i], &err);
  ru_pd_summary rows[MAXT];
  double *conc = NULL;
  if (st == RU_OK) {
    const size_t nc = ru_sim_compound_count(s);
    conc = calloc(nc + 1, sizeof *conc);
    if (conc == NULL) st = ru_error_set(&err, RU_ENOMEM, "out of memory");
    for (size_t i = 0; conc && i < n; i++) {
      const long idx = ru_sim_compound_index(s, names[i]);
      if (idx >= 0) conc[idx] = levels[i];
    }
  }
  if (st == RU_OK) st = ru_pd_summarise(kb, s, targets, ntar, conc, 1, rows, &err);
  free(conc);
  ru_sim_free(s);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  return emit_rows(ctx, rows, ntar, 1, "given total plasma concentrations", NULL);
}

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
      free(buf);
      return cli_usage(ctx, "--doses: bad dose '%s' (expected e.g. 10,20,40,80 in mg)", tok);
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
  for (size_t k = 0; k < ntar && st == RU_OK; k++) {
    bound[k] = 0;
    for (size_t d = 0; d < nd && st == RU_OK; d++) {
      st = ru_pd_dose_mean(kb, canon, doses[d], tau_h, targets[k], &opt, &mean[k * nd + d],
                           &bound[k], &err);
    }
    ed50[k] = nan("");
    if (st == RU_OK && bound[k]) {
      st = ru_pd_dose_for_level(kb, canon, tau_h, targets[k], 0.5, &opt, &ed50[k], &err);
    }
  }
  if (st != RU_OK) {
    free(mean);
    return cli_fail(ctx, st, &err);
  }
  int rc;
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "compound", canon);
    cJSON_AddNumberToObject(root, "interval_h", tau_h);
    cJSON *arr = cJSON_AddArrayToObject(root, "doses");
    for (size_t d = 0; d < nd; d++) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddNumberToObject(o, "dose_mg", doses[d]);
      cJSON *tg = cJSON_AddObjectToObject(o, "mean");
      for (size_t k = 0; k < ntar; k++)
        if (bound[k]) cJSON_AddItemToObject(tg, targets[k], cli_json_number(mean[k * nd + d]));
      cJSON_AddItemToArray(arr, o);
    }
    cJSON *e = cJSON_AddObjectToObject(root, "ed50_mg");
    for (size_t k = 0; k < ntar; k++)
      if (bound[k]) cJSON_AddItemToObject(e, targets[k], cli_json_number(ed50[k]));
    rc = cli_emit_json(ctx, root);
  } else {
    const char *hdr[MAXT + 1];
    hdr[0] = "dose_mg";
    size_t nb = 0;
    for (size_t k = 0; k < ntar; k++)
      if (bound[k]) hdr[1 + nb++] = targets[k];
    cli_table *t = cli_table_new(1 + nb, hdr);
    char b[MAXT + 1][32];
    const char *cells[MAXT + 1];
    for (size_t d = 0; d < nd; d++) {
      cells[0] = cli_fmt(b[0], 32, doses[d], 6);
      size_t q = 1;
      for (size_t k = 0; k < ntar; k++)
        if (bound[k]) {
          cells[q] = cli_fmt(b[q], 32, mean[k * nd + d], 3);
          q++;
        }
      cli_table_add(t, cells);
    }
    cells[0] = "ED50_mg";
    size_t q = 1;
    for (size_t k = 0; k < ntar; k++)
      if (bound[k]) {
        cells[q] = cli_fmt(b[q], 32, ed50[k], 4);
        q++;
      }
    cli_table_add(t, cells);
    cli_out *o = cli_out_new();
    if (ctx->format == CLI_FMT_TABLE)
      cli_out_printf(o, "%s every %g h: mean steady-state occupancy (fraction)\n", canon, tau_h);
    cli_table_render(t, ctx->format, o);
    if (ctx->format == CLI_FMT_TABLE) cli_out_printf(o, "\n%s\n", CLI_DISCLAIMER);
    cli_table_free(t);
    rc = cli_out_commit(ctx, o);
  }
  free(mean);
  return rc;
}

int cmd_occupancy(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  const char *conc = NULL, *doses = NULL, *every = NULL, *at = NULL, *drug = NULL;
  int profile = 0;
  for (size_t i = 0; i < a.nrest; i++) {
    const char *x = a.rest[i];
    const char **slot = NULL;
    if (strcmp(x, "--conc") == 0) slot = &conc;
    else if (strcmp(x, "--doses") == 0) slot = &doses;
    else if (strcmp(x, "--every") == 0) slot = &every;
    else if (strcmp(x, "--at") == 0) slot = &at;
    else if (strcmp(x, "--profile") == 0) {
      profile = 1;
      continue;
    } else if (x[0] != '-' && drug == NULL) {
      drug = x;
      continue;
    } else if (strncmp(x, "--conc=", 7) == 0) {
      conc = x + 7;
      continue;
    } else if (strncmp(x, "--doses=", 8) == 0) {
      doses = x + 8;
      continue;
    } else if (strncmp(x, "--every=", 8) == 0) {
      every = x + 8;
      continue;
    } else if (strncmp(x, "--at=", 5) == 0) {
      at = x + 5;
      continue;
    } else {
      return cli_usage(ctx, x[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'", x);
    }
    if (i + 1 >= a.nrest) return cli_usage(ctx, "option %s needs a value", x);
    *slot = a.rest[++i];
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
    double tau = 24.0;
    ru_error err;
    if (every && ru_units_parse(RU_UNIT_TIME, every, "h", 0.0, &tau, &err) != RU_OK)
      return cli_usage(ctx, "--every: %s", err.message);
    if (!(tau > 0.0)) return cli_usage(ctx, "--every must be > 0");
    return run_doses(ctx, kb, &a, drug, doses, tau, targets, ntar);
  }
  if (drug != NULL) return cli_usage(ctx, "'%s' is not a regimen (expected DRUG:DOSE[:qINTERVAL])", drug);
  double at_h = nan("");
  if (at != NULL) {
    ru_error err;
    if (ru_units_parse(RU_UNIT_TIME, at, "h", 0.0, &at_h, &err) != RU_OK)
      return cli_usage(ctx, "--at: %s", err.message);
  }
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
    /* keep only the targets engaged above 50 % at the mean */
    size_t m = 0;
    for (size_t k = 0; k < ntar; k++) {
      if (rows[k].mean >= 0.5) rows[m++] = rows[k];
      else ru_pd_summary_free(&rows[k], 1);
    }
    ntar = m;
  }
  return emit_rows(ctx, rows, ntar, !profile,
                   isfinite(at_h) ? "at the given time after the first dose"
                                  : "steady state over one dosing interval",
                   profile ? "targets engaged above 50 % (mean over the dosing interval):" : NULL);
}
