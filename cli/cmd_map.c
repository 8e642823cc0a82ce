/* `reuptake map`: every product (or one class) at its label dose, at steady state, one row each:
 * mean occupancy of SERT, NET, DAT, H1, M1, alpha1, 5-HT2A and 5-HT2C over the dosing interval,
 * the NET/SERT occupancy ratio at that dose, and the CYP enzymes it inhibits as a perpetrator at
 * that dose; table, CSV, JSON, and a heatmap (--plot). Products that cannot be mapped (incomplete,
 * no sourced dose, a compound value missing) are listed with the reason, never guessed.
 *
 * "Inhibits" is the library's basic static screen (ru_ddi_static_screen, FDA 2020 guidance:
 * R1 >= 1.02 reversible, R2 >= 1.25 time-dependent) at the unbound steady-state Cmax of the
 * perpetrator and of each of its metabolites. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "result.h"

#define NPROF RU_PD_STEADY_POINTS /* the steady-state grid every occupancy summary uses */
#define MAXC 16

static const char *const TARGETS[] = {"SERT", "NET", "DAT", "H1", "M1", "alpha1", "5-HT2A", "5-HT2C"};
#define NT (sizeof TARGETS / sizeof TARGETS[0])

/* Presentation order of the classes (rows are sorted by it, then by name). */
static const char *const CLASS_ORDER[] = {"SSRI", "SNRI", "NRI", "NDRI", "TCA", "NDRI (stimulant)",
                                          "stimulant (releaser)", "wakefulness"};

static size_t class_rank(const char *c) {
  for (size_t i = 0; i < sizeof CLASS_ORDER / sizeof CLASS_ORDER[0]; i++) {
    if (strncasecmp(c, CLASS_ORDER[i], strlen(CLASS_ORDER[i])) == 0 && strlen(c) == strlen(CLASS_ORDER[i])) return i;
  }
  for (size_t i = 0; i < sizeof CLASS_ORDER / sizeof CLASS_ORDER[0]; i++) {
    if (strncasecmp(c, CLASS_ORDER[i], strlen(CLASS_ORDER[i])) == 0) return i;
  }
  return sizeof CLASS_ORDER / sizeof CLASS_ORDER[0];
}

typedef struct map_row {
  ru_product p;
  double dose_mg, interval_h;
  double occ[NT];
  double net_sert;
  char inhibits[256];   /* "CYP2D6 (MBI), CYP1A2" */
  char names[8][RU_NAME_MAX]; /* enzymes, for JSON */
  size_t ninh;
  char skipped[RU_ERROR_MESSAGE_MAX + 16]; /* "" when mapped */
  char kpuu_default[160]; /* compounds whose occupancy used the default Kp,uu,brain ("" none) */
} map_row;

/* Case-insensitive substring test (--class SNRI matches "SNRI"; --class stimulant matches both
 * stimulant classes). */
static int contains_ci(const char *hay, const char *needle) {
  const size_t n = strlen(needle);
  for (const char *p = hay; *p != '\0'; p++) {
    if (strncasecmp(p, needle, n) == 0) return 1;
  }
  return n == 0;
}

static int cmp_rows(const void *a, const void *b) {
  const map_row *x = a, *y = b;
  const size_t rx = class_rank(x->p.drug_class), ry = class_rank(y->p.drug_class);
  if (rx != ry) return rx < ry ? -1 : 1;
  return strcasecmp(x->p.name, y->p.name);
}

static void add_inhibited(map_row *r, const char *enzyme, const char *how) {
  for (size_t i = 0; i < r->ninh; i++) {
    if (strcmp(r->names[i], enzyme) == 0) return;
  }
  if (r->ninh >= 8) return;
  snprintf(r->names[r->ninh], sizeof r->names[0], "%.*s", (int)sizeof r->names[0] - 1, enzyme);
  const size_t len = strlen(r->inhibits);
  snprintf(r->inhibits + len, sizeof r->inhibits - len, "%s%s%s", r->ninh ? ", " : "", enzyme, how);
  r->ninh++;
}

/* Steady-state occupancy and CYP liabilities of one product at dose every interval. */
static ru_status map_one(ru_kb *kb, map_row *r, ru_error *err) {
  char spec[RU_NAME_MAX + 64];
  snprintf(spec, sizeof spec, "%s:%.17gmg:q%.17gh", r->p.name, r->dose_mg, r->interval_h);
  ru_regimen *reg = NULL;
  ru_sim *s = NULL;
  double t[NPROF], tau = 0.0;
  double *conc = NULL;
  ru_status st = ru_regimen_new(&reg, err);
  if (st == RU_OK) st = ru_regimen_parse(reg, spec, err);
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, reg, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  const size_t nc = s ? ru_sim_compound_count(s) : 0;
  if (st == RU_OK && nc > MAXC) st = ru_error_set(err, RU_ELIMIT, "more than %d compounds", MAXC);
  if (st == RU_OK) {
    conc = malloc(nc * NPROF * sizeof *conc);
    if (conc == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  if (st == RU_OK) st = ru_sim_steady_profile(s, NPROF, t, conc, &tau, err);
  ru_pd_summary sum[NT];
  if (st == RU_OK) st = ru_pd_summarise(kb, s, TARGETS, NT, conc, NPROF, sum, err);
  for (size_t k = 0; k < NT && st == RU_OK; k++) {
    r->occ[k] = sum[k].mean;
    for (size_t i = 0; i < sum[k].nshares; i++) {
      const char *c = sum[k].shares[i].compound;
      if (!sum[k].shares[i].kpuu_is_default || strstr(r->kpuu_default, c) != NULL) continue;
      const size_t len = strlen(r->kpuu_default);
      snprintf(r->kpuu_default + len, sizeof r->kpuu_default - len, "%s%s", len ? ", " : "", c);
    }
  }
  if (st == RU_OK) ru_pd_summary_free(sum, NT);
  r->net_sert = st == RU_OK ? ru_pd_occupancy_ratio(r->occ[1], r->occ[0]) : nan("");
  /* perpetrator liabilities of every compound present (parents and metabolites) */
  for (size_t i = 0; i < nc && st == RU_OK; i++) {
    const char *name = ru_sim_compound_name(s, i);
    const double iu_um = ru_pd_unbound_peak_um(s, i, conc, NPROF);
    if (!isfinite(iu_um)) continue; /* fu or molar mass missing: no screen */
    ru_ddi_static rows[32];
    size_t n = 0;
    st = ru_ddi_static_screen(kb, name, iu_um, rows, sizeof rows / sizeof rows[0], &n, err);
    for (size_t k = 0; k < n && st == RU_OK; k++) {
      if (rows[k].liability) add_inhibited(r, rows[k].enzyme, rows[k].time_dependent ? " (time-dependent)" : "");
    }
  }
  free(conc);
  ru_sim_free(s);
  ru_regimen_free(reg);
  return st;
}

/* --- the result: one row per product -------------------------------------------------------- */

CLI_GETTER(get_compounds, map_row,
           for (size_t k = 0; k < row->p.n_components && k < CLI_CELL_MAX_STRS; k++) c->strs[c->nstrs++] =
               row->p.component[k].compound)
CLI_GETTER(get_inhibited, map_row, for (size_t k = 0; k < row->ninh; k++) c->strs[c->nstrs++] = row->names[k])
CLI_GETTER(get_product, map_row, c->str = row->p.name)
CLI_GETTER(get_class, map_row, c->str = row->p.drug_class)
CLI_GETTER(get_kpuu_default, map_row, c->str = row->kpuu_default[0] ? row->kpuu_default : NULL)

/* mean occupancy of TARGETS[k] (fraction), nested under "occupancy" in JSON */
#define OCC(k, name) \
  {name, "fraction", 2, CLI_COL_NUM, offsetof(map_row, occ) + (k) * sizeof(double), NULL, "occupancy", 0, NULL}

static const cli_column COLUMNS[] = {
    CLI_GET("product", NULL, 0, CLI_COL_STR, get_product),
    CLI_GET("class", NULL, 0, CLI_COL_STR, get_class),
    {"compounds", NULL, 0, CLI_COL_STRS, 0, get_compounds, NULL, CLI_IN_JSON, NULL},
    CLI_FIELD_NUM("dose_mg", "mg", 4, map_row, dose_mg),
    CLI_FIELD_NUM("interval_h", "h", 3, map_row, interval_h),
    OCC(0, "SERT"), OCC(1, "NET"), OCC(2, "DAT"), OCC(3, "H1"),
    OCC(4, "M1"), OCC(5, "alpha1"), OCC(6, "5-HT2A"), OCC(7, "5-HT2C"),
    CLI_FIELD_NUM("net_sert_ratio", NULL, 3, map_row, net_sert),
    {"inhibits", NULL, 0, CLI_COL_STRS, 0, get_inhibited, NULL, CLI_IN_JSON, NULL},
    {"inhibits", NULL, 0, CLI_COL_STR, offsetof(map_row, inhibits), NULL, NULL, CLI_IN_TEXT, NULL},
    /* the compounds whose occupancy used the default Kp,uu,brain (no brain-exposure evidence) */
    {"kpuu_brain_default", NULL, 0, CLI_COL_STR, 0, get_kpuu_default, NULL, CLI_IN_JSON, NULL},
};
_Static_assert(NT == 8, "one OCC column per target");

static const cli_column NOT_MAPPED[] = {
    CLI_GET("product", NULL, 0, CLI_COL_STR, get_product),
    CLI_FIELD_STR("reason", map_row, skipped),
};

/* One line naming the products the heatmap leaves out, each with the kind of reason (the table
 * and JSON carry the full reasons). */
static void not_shown_note(const map_row *all, size_t nall, char *buf, size_t cap) {
  buf[0] = '\0';
  size_t len = 0, k = 0;
  for (size_t i = 0; i < nall && len + 1 < cap; i++) {
    const char *why = all[i].skipped;
    if (why[0] == '\0') continue;
    const char *kind = strncmp(why, "incomplete", 10) == 0 ? "incomplete"
                       : strncmp(why, "no sourced", 10) == 0 ? "no sourced dose" : "a value missing";
    const int w = snprintf(buf + len, cap - len, "%s%s (%s)", k ? ", " : "Not shown: ", all[i].p.name, kind);
    if (w < 0 || (size_t)w >= cap - len) break;
    len += (size_t)w;
    k++;
  }
  if (k > 0 && len + 2 < cap) snprintf(buf + len, cap - len, "; reasons in 'reuptake map'.");
}

static int plot_map(cli_ctx *ctx, const map_row *rows, size_t n, const map_row *all, size_t nall,
                    const char *dose_word) {
  const char **labels = calloc(4 * n + 1, sizeof *labels);
  const char **groups = labels + n, **ratio = labels + 2 * n, **inh = labels + 3 * n;
  char (*lab)[96] = calloc(n + 1, sizeof *lab);
  char (*rat)[32] = calloc(n + 1, sizeof *rat);
  double *v = malloc((n * NT + 1) * sizeof *v);
  if (v == NULL || labels == NULL || lab == NULL || rat == NULL) {
    free(v);
    free(labels);
    free(lab);
    free(rat);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  for (size_t r = 0; r < n; r++) {
    snprintf(lab[r], sizeof lab[r], "%s %g mg q%gh", rows[r].p.name, rows[r].dose_mg, rows[r].interval_h);
    labels[r] = lab[r];
    groups[r] = rows[r].p.drug_class;
    if (isfinite(rows[r].net_sert)) {
      if (rows[r].net_sert >= 100.0) snprintf(rat[r], sizeof rat[r], ">100");
      else snprintf(rat[r], sizeof rat[r], "%.2g", rows[r].net_sert);
    } else {
      snprintf(rat[r], sizeof rat[r], "no SERT");
    }
    ratio[r] = rat[r];
    inh[r] = rows[r].ninh ? rows[r].inhibits : "-";
    for (size_t k = 0; k < NT; k++) v[r * NT + k] = rows[r].occ[k];
  }
  char subtitle[256];
  snprintf(subtitle, sizeof subtitle,
           "Mean occupancy over the dosing interval at steady state, %s label dose; rows by class", dose_word);
  ru_heatmap h;
  memset(&h, 0, sizeof h);
  h.title = "Products at their label doses: transporter and receptor occupancy";
  h.subtitle = subtitle;
  h.nrows = n;
  h.ncols = NT;
  h.row_labels = labels;
  h.row_groups = groups;
  h.col_labels = TARGETS;
  h.values = v;
  h.value_label = "occupancy (fraction of targets bound)";
  h.ntext = 2;
  h.text_headers[0] = "NET/SERT";
  h.text_headers[1] = "inhibits (FDA 2020 basic model)";
  h.text[0] = ratio;
  h.text[1] = inh;
  h.footer = CLI_DISCLAIMER;
  char note[1024];
  not_shown_note(all, nall, note, sizeof note);
  h.note = note;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_plot_heatmap(ctx->plot_path, &h, &err);
  free(v);
  free(labels);
  free(lab);
  free(rat);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (!ctx->quiet) fprintf(stderr, "reuptake map: heatmap written to %s\n", ctx->plot_path);
  return 0;
}

int cmd_map(cli_ctx *ctx) {
  if (cli_npos(ctx) > 0) {
    return cli_usage(ctx, "unexpected argument '%s' (map [--class CLASS] [--dose low|usual|high] [--plot FILE])",
                     cli_pos(ctx, 0));
  }
  const char *klass = cli_str(ctx, "--class");
  const char *dose = cli_str(ctx, "--dose") ? cli_str(ctx, "--dose") : "usual";
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  const size_t np = ru_kb_product_count(kb);
  map_row *rows = calloc(np ? np : 1, sizeof *rows);
  if (rows == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  size_t n = 0;
  for (size_t i = 0; i < np; i++) {
    if (cli_stopped(ctx)) break;
    char name[RU_NAME_MAX];
    ru_error err;
    ru_error_clear(&err);
    map_row *r = &rows[n];
    ru_status st = ru_kb_product_at(kb, i, name, &err);
    if (st == RU_OK) st = ru_kb_product(kb, name, &r->p, &err);
    if (st != RU_OK) {
      free(rows);
      return cli_fail(ctx, st, &err);
    }
    if (klass != NULL && !contains_ci(r->p.drug_class, klass)) continue;
    n++;
    const ru_value *d = strcmp(dose, "low") == 0 ? &r->p.low_dose_mg
                        : strcmp(dose, "high") == 0 ? &r->p.high_dose_mg : &r->p.usual_dose_mg;
    r->dose_mg = d->value;
    r->interval_h = r->p.interval_h.value;
    if (r->p.incomplete[0] != '\0') {
      snprintf(r->skipped, sizeof r->skipped, "incomplete: %s", r->p.incomplete);
    } else if (!isfinite(r->dose_mg) || !isfinite(r->interval_h)) {
      snprintf(r->skipped, sizeof r->skipped, "no sourced %s dose in the knowledge base", dose);
    } else if ((st = map_one(kb, r, &err)) != RU_OK) {
      snprintf(r->skipped, sizeof r->skipped, "%s", err.message);
    }
  }
  if (cli_stopped(ctx)) {
    free(rows);
    return cli_interrupted(ctx);
  }
  if (n == 0) {
    free(rows);
    return cli_usage(ctx, "no product of class '%s' (see 'reuptake drugs list --products')", klass ? klass : "");
  }
  qsort(rows, n, sizeof *rows, cmp_rows);
  /* mapped rows first (in class order), then the ones that could not be mapped */
  map_row *mapped = calloc(n, sizeof *mapped);
  if (mapped == NULL) {
    free(rows);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  size_t nm = 0;
  for (size_t i = 0; i < n; i++) {
    if (rows[i].skipped[0] == '\0') mapped[nm++] = rows[i];
  }
  if (nm == 0) {
    free(rows);
    free(mapped);
    return cli_usage(ctx, "no product could be mapped at its %s dose (run with --format json for the reasons)", dose);
  }
  if (ctx->plot_path != NULL) {
    rc = plot_map(ctx, mapped, nm, rows, n, dose);
    if (rc != 0) {
      free(rows);
      free(mapped);
      return rc;
    }
  }
  /* the rows that could not be mapped, with the reason, after the mapped ones */
  size_t ns = 0;
  for (size_t i = 0; i < n; i++) {
    if (rows[i].skipped[0] != '\0') rows[ns++] = rows[i];
  }
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) {
    free(rows);
    free(mapped);
    return 1;
  }
  cli_result_str(res, "dose", NULL, dose, CLI_IN_JSON);
  cli_result_note(res, "Products at their %s label dose, steady state: mean occupancy (fraction) over the "
                       "dosing interval\n\n", dose);
  cli_result_rows(res, "products", NULL, COLUMNS, sizeof COLUMNS / sizeof COLUMNS[0], mapped,
                  sizeof *mapped, nm, NULL, CLI_IN_ALL);
  cli_result_note(res, "\nnet_sert_ratio: NET over SERT occupancy at that dose. inhibits: FDA 2020 basic models "
                       "(R1 >= 1.02, R2 >= 1.25) at the unbound steady-state Cmax.\n");
  for (size_t i = 0, any = 0; i < nm; i++) {
    if (mapped[i].kpuu_default[0] == '\0') continue;
    if (!any++) cli_result_note(res, "\nno brain-exposure evidence, default Kp,uu,brain used for:\n");
    cli_result_note(res, "  %-14s %s\n", mapped[i].p.name, mapped[i].kpuu_default);
  }
  if (ns > 0 || ctx->format == CLI_FMT_JSON) {
    cli_result_rows(res, "not_mapped", "\nnot mapped", NOT_MAPPED, 2, rows, sizeof *rows, ns, NULL,
                    CLI_IN_JSON | CLI_IN_TABLE);
  }
  cli_result_str(res, "inhibits_rule", NULL,
                 "FDA 2020 in vitro DDI guidance basic models: R1 = 1 + Imax,u/Ki >= 1.02; "
                 "R2 = (kobs + kdeg)/kdeg >= 1.25; Imax,u = unbound steady-state Cmax",
                 CLI_IN_JSON);
  free(rows);
  free(mapped);
  return cli_result_finish(res);
}
