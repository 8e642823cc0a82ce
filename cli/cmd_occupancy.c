/* `reuptake occupancy`: steady-state mean, trough and peak occupancy per target with the
 * share of each compound; occupancy at measured plasma levels (--conc); dose-occupancy curves
 * with ED50 (--doses); the profile of targets engaged above 50 % (--profile); occupancy at a
 * time after the first dose (--at, for single doses). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "simargs.h"

#define NPROF 241   /* points over one dosing interval */
#define MAXT 16
#define MAXC 16

typedef struct occ_row {
  const char *target;
  double mean, trough, peak;
  size_t nc;
  const char *compound[MAXC];
  double by_mean[MAXC];
  int any_ligand;
} occ_row;

/* Summaries of each target from concentration samples conc[i*n+j] (equally spaced when
 * n > 1: the mean is the trapezoid average over the interval). */
static ru_status summarise(ru_kb *kb, ru_sim *s, const char *const *targets, size_t ntar,
                           const double *conc, size_t n, occ_row *rows, ru_error *err) {
  const size_t nc = ru_sim_compound_count(s);
  double *occ = malloc((n + 1) * sizeof *occ);
  double *by = malloc((nc * n + 1) * sizeof *by);
  if (occ == NULL || by == NULL) {
    free(occ);
    free(by);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  ru_status st = RU_OK;
  for (size_t k = 0; k < ntar && st == RU_OK; k++) {
    occ_row *r = &rows[k];
    memset(r, 0, sizeof *r);
    r->target = targets[k];
    st = ru_pd_occupancy_series(kb, s, targets[k], conc, n, occ, by, err);
    if (st != RU_OK) break;
    double k_nm[MAXC];
    const char *names[MAXC];
    for (size_t i = 0; i < nc && i < MAXC; i++) names[i] = ru_sim_compound_name(s, i);
    st = ru_pd_affinities(kb, targets[k], nc < MAXC ? nc : MAXC, names, k_nm, err);
    if (st != RU_OK) break;
    r->trough = HUGE_VAL;
    r->peak = 0.0;
    double acc = 0.0;
    for (size_t j = 0; j < n; j++) {
      const double w = (n == 1) ? 1.0 : ((j == 0 || j + 1 == n) ? 0.5 : 1.0) / (double)(n - 1);
      acc += w * occ[j];
      r->trough = fmin(r->trough, occ[j]);
      r->peak = fmax(r->peak, occ[j]);
    }
    r->mean = acc;
    for (size_t i = 0; i < nc && i < MAXC; i++) {
      if (!isfinite(k_nm[i])) continue;
      r->any_ligand = 1;
      double m = 0.0;
      for (size_t j = 0; j < n; j++) {
        const double w = (n == 1) ? 1.0 : ((j == 0 || j + 1 == n) ? 0.5 : 1.0) / (double)(n - 1);
        m += w * by[i * n + j];
      }
      r->compound[r->nc] = names[i];
      r->by_mean[r->nc] = m;
      r->nc++;
    }
  }
  free(occ);
  free(by);
  return st;
}

static cJSON *rows_json(const occ_row *rows, size_t n, int only_bound) {
  cJSON *arr = cJSON_CreateArray();
  for (size_t k = 0; k < n; k++) {
    if (only_bound && !rows[k].any_ligand) continue;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "target", rows[k].target);
    cJSON_AddItemToObject(o, "mean", cli_json_number(rows[k].mean));
    cJSON_AddItemToObject(o, "trough", cli_json_number(rows[k].trough));
    cJSON_AddItemToObject(o, "peak", cli_json_number(rows[k].peak));
    cJSON *b = cJSON_AddArrayToObject(o, "by_compound");
    for (size_t i = 0; i < rows[k].nc; i++) {
      cJSON *c = cJSON_CreateObject();
      cJSON_AddStringToObject(c, "compound", rows[k].compound[i]);
      cJSON_AddItemToObject(c, "mean", cli_json_number(rows[k].by_mean[i]));
      cJSON_AddItemToArray(b, c);
    }
    cJSON_AddItemToArray(arr, o);
  }
  return arr;
}

static void rows_table(const occ_row *rows, size_t n, int only_bound, cli_table *t,
                       const char *prefix) {
  for (size_t k = 0; k < n; k++) {
    if (only_bound && !rows[k].any_ligand) continue;
    char b[3][32], shares[512];
    shares[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < rows[k].nc; i++) {
      const int w = snprintf(shares + len, sizeof shares - len, "%s%s %.3g", i ? ", " : "",
                             rows[k].compound[i], rows[k].by_mean[i]);
      if (w > 0 && (size_t)w < sizeof shares - len) len += (size_t)w;
    }
    const char *cells[6] = {prefix, rows[k].target, cli_fmt(b[0], 32, rows[k].mean, 3),
                            cli_fmt(b[1], 32, rows[k].trough, 3), cli_fmt(b[2], 32, rows[k].peak, 3),
                            shares};
    cli_table_add(t, prefix ? cells : cells + 1);
  }
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

/* Steady-state (or --at) occupancy rows of a prepared simulation. */
static ru_status occupancy_of(ru_kb *kb, ru_sim *s, const char *const *targets, size_t ntar,
                              double at_h, occ_row *rows, ru_error *err) {
  const size_t nc = ru_sim_compound_count(s);
  ru_status st;
  if (isfinite(at_h)) {
    double *conc = malloc(nc * sizeof *conc);
    if (conc == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
    st = ru_sim_run(s, &at_h, 1, conc, err);
    if (st == RU_OK) st = summarise(kb, s, targets, ntar, conc, 1, rows, err);
    free(conc);
    return st;
  }
  double t[NPROF], tau = 0.0;
  double *conc = malloc(nc * NPROF * sizeof *conc);
  if (conc == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  st = ru_sim_steady_profile(s, NPROF, t, conc, &tau, err);
  if (st == RU_OK) st = summarise(kb, s, targets, ntar, conc, NPROF, rows, err);
  free(conc);
  return st;
}

static int run_conc(cli_ctx *ctx, ru_kb *kb, const char *spec, const char *const *targets,
                    size_t ntar) {
  ru_error err;
  ru_error_clear(&err);
  ru_sim *s = NULL;
  ru_status st = ru_sim_new(kb, &s, &err);
  char *buf = strdup(spec);
  char *save = NULL;
  double levels[MAXC];
  char names[MAXC][RU_NAME_MAX];
  size_t n = 0;
  for (char *tok = buf ? strtok_r(buf, ",", &save) : NULL; tok && st == RU_OK;
       tok = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(tok, '=');
    if (eq == NULL || eq == tok || n >= MAXC) {
      st = ru_error_set(&err, RU_EPARSE,
                        "--conc '%s': expected DRUG=LEVEL with a unit, e.g. nortriptyline=50ng/mL",
                        tok);
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
  occ_row rows[MAXT];
  if (st == RU_OK) {
    const size_t nc = ru_sim_compound_count(s);
    double conc[MAXC] = {0};
    for (size_t i = 0; i < n; i++) {
      const long idx = ru_sim_compound_index(s, names[i]);
      if (idx >= 0 && (size_t)idx < MAXC) conc[idx] = levels[i];
    }
    (void)nc;
    st = summarise(kb, s, targets, ntar, conc, 1, rows, &err);
  }
  if (st != RU_OK) {
    ru_sim_free(s);
    return cli_fail(ctx, st, &err);
  }
  int rc;
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "targets", rows_json(rows, ntar, 1));
    cJSON_AddStringToObject(root, "basis", "given total plasma concentrations");
    rc = cli_emit_json(ctx, root);
  } else {
    static const char *const hdr[] = {"target", "mean", "trough", "peak", "by_compound"};
    cli_table *t = cli_table_new(5, hdr);
    rows_table(rows, ntar, 1, t, NULL);
    cli_out *o = cli_out_new();
    cli_table_render(t, ctx->format, o);
    if (ctx->format == CLI_FMT_TABLE) cli_out_printf(o, "\n%s\n", CLI_DISCLAIMER);
    cli_table_free(t);
    rc = cli_out_commit(ctx, o);
  }
  ru_sim_free(s);
  return rc;
}

/* Mean steady-state occupancy of one target for drug at dose_mg every tau_h. */
static ru_status mean_at_dose(cli_ctx *ctx, ru_kb *kb, const char *drug, double dose_mg,
                              double tau_h, const char *target, const simargs *a, double *mean,
                              occ_row *row, ru_error *err) {
  char spec[256];
  snprintf(spec, sizeof spec, "%s:%.17gmg:q%.17gh", drug, dose_mg, tau_h);
  ru_regimen *r = NULL;
  ru_sim *s = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, spec, err);
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, r, err);
  for (size_t i = 0; st == RU_OK && i < a->nphenotypes; i++) st = ru_sim_set_phenotype(s, a->phenotypes[i], err);
  for (size_t i = 0; st == RU_OK && i < ctx->nsets; i++) st = ru_sim_set_override(s, ctx->sets[i], err);
  if (st == RU_OK) st = occupancy_of(kb, s, &target, 1, nan(""), row, err);
  if (st == RU_OK) *mean = row->mean;
  ru_sim_free(s);
  ru_regimen_free(r);
  return st;
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
  for (char *tok = buf ? strtok_r(buf, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
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
  occ_row row;
  if (mean == NULL) return cli_usage(ctx, "out of memory");
  for (size_t k = 0; k < ntar && st == RU_OK; k++) {
    for (size_t d = 0; d < nd && st == RU_OK; d++) {
      st = mean_at_dose(ctx, kb, canon, doses[d], tau_h, targets[k], a, &mean[k * nd + d], &row, &err);
    }
    bound[k] = row.any_ligand;
    ed50[k] = nan("");
    if (st != RU_OK || !bound[k]) continue;
    /* ED50 by bisection on log dose: occupancy rises monotonically with dose */
    double lo = 1e-3, hi = 1e5, mlo, mhi;
    st = mean_at_dose(ctx, kb, canon, lo, tau_h, targets[k], a, &mlo, &row, &err);
    if (st == RU_OK) st = mean_at_dose(ctx, kb, canon, hi, tau_h, targets[k], a, &mhi, &row, &err);
    if (st != RU_OK || !(mlo < 0.5 && mhi > 0.5)) continue;
    for (int it = 0; it < 60 && st == RU_OK; it++) {
      const double mid = sqrt(lo * hi);
      double mm;
      st = mean_at_dose(ctx, kb, canon, mid, tau_h, targets[k], a, &mm, &row, &err);
      if (mm < 0.5) lo = mid;
      else hi = mid;
      if (hi / lo < 1.0 + 1e-6) break;
    }
    ed50[k] = sqrt(lo * hi);
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
  occ_row rows[MAXT];
  ru_error err;
  ru_error_clear(&err);
  ru_status st = occupancy_of(kb, s, targets, ntar, at_h, rows, &err);
  if (st != RU_OK) {
    ru_sim_free(s);
    return cli_fail(ctx, st, &err);
  }
  if (profile) {
    /* keep only the targets engaged above 50 % at the mean */
    size_t m = 0;
    for (size_t k = 0; k < ntar; k++)
      if (rows[k].mean >= 0.5) rows[m++] = rows[k];
    ntar = m;
  }
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "targets", rows_json(rows, ntar, !profile));
    cJSON_AddStringToObject(root, "basis", isfinite(at_h) ? "at the given time after the first dose"
                                                           : "steady state over one dosing interval");
    cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
    rc = cli_emit_json(ctx, root);
  } else {
    static const char *const hdr[] = {"target", "mean", "trough", "peak", "by_compound (mean)"};
    cli_table *t = cli_table_new(5, hdr);
    rows_table(rows, ntar, !profile, t, NULL);
    cli_out *o = cli_out_new();
    if (ctx->format == CLI_FMT_TABLE && profile)
      cli_out_printf(o, "targets engaged above 50 %% (mean over the dosing interval):\n");
    cli_table_render(t, ctx->format, o);
    if (ctx->format == CLI_FMT_TABLE) cli_out_printf(o, "\n%s\n", CLI_DISCLAIMER);
    cli_table_free(t);
    rc = cli_out_commit(ctx, o);
  }
  ru_sim_free(s);
  return rc;
}
