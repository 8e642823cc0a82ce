/* `reuptake map`: every product (or one class) at its label dose, at steady state, one row each:
 * mean occupancy of SERT, NET, DAT, H1, M1, alpha1, 5-HT2A and 5-HT2C over the dosing interval,
 * the NET/SERT occupancy ratio at that dose, and the CYP enzymes it inhibits as a perpetrator at
 * that dose (the library's ru_pd_map_products, FDA 2020 basic static screen); table, CSV,
 * JSON, and a heatmap (--plot). Products that cannot be mapped (incomplete, no sourced dose, a
 * compound value missing) are listed with the reason, never guessed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "result.h"

static const char *const TARGETS[] = {"SERT", "NET", "DAT", "H1", "M1", "alpha1", "5-HT2A", "5-HT2C"};
#define NT (sizeof TARGETS / sizeof TARGETS[0])

/* Appends "a b" to the ", "-separated list in buf. */
static void append(char *buf, size_t cap, const char *a, const char *b) {
  const size_t len = strlen(buf);
  if (len < cap) snprintf(buf + len, cap - len, "%s%s%s", len ? ", " : "", a, b);
}

/* "CYP2D6 (time-dependent), CYP1A2" ("" when it inhibits none) */
static const char *inhibits_text(const ru_pd_product_map *m, char *buf, size_t cap) {
  buf[0] = '\0';
  for (size_t i = 0; i < m->ninhibited; i++) {
    append(buf, cap, m->inhibited[i].enzyme, m->inhibited[i].time_dependent ? " (time-dependent)" : "");
  }
  return buf;
}

/* the compounds whose occupancy used the default Kp,uu,brain, "a, b" ("" none) */
static const char *kpuu_default_text(const ru_pd_product_map *m, char *buf, size_t cap) {
  buf[0] = '\0';
  for (size_t i = 0; i < m->nkpuu_default; i++) append(buf, cap, m->kpuu_default[i], "");
  return buf;
}

/* --- the result: one row per product -------------------------------------------------------- */

CLI_GETTER(get_compounds, ru_pd_product_map,
           for (size_t k = 0; k < row->product.n_components && k < CLI_CELL_MAX_STRS; k++) c->strs[c->nstrs++] =
               row->product.component[k].compound)
CLI_GETTER(get_inhibited, ru_pd_product_map,
           for (size_t k = 0; k < row->ninhibited && k < CLI_CELL_MAX_STRS; k++) c->strs[c->nstrs++] =
               row->inhibited[k].enzyme)
CLI_GETTER(get_inhibits_text, ru_pd_product_map, c->str = inhibits_text(row, c->buf, sizeof c->buf))
CLI_GETTER(get_kpuu_default, ru_pd_product_map,
           c->str = row->nkpuu_default ? kpuu_default_text(row, c->buf, sizeof c->buf) : NULL)

/* mean occupancy of TARGETS[k] (fraction), nested under "occupancy" in JSON */
#define OCC_GETTER(k) CLI_GETTER(get_occ##k, ru_pd_product_map, c->num = row->mean[k])
OCC_GETTER(0) OCC_GETTER(1) OCC_GETTER(2) OCC_GETTER(3)
OCC_GETTER(4) OCC_GETTER(5) OCC_GETTER(6) OCC_GETTER(7)
#define OCC(k, name) {name, "fraction", 2, CLI_COL_NUM, 0, get_occ##k, "occupancy", 0, NULL}

static const cli_column COLUMNS[] = {
    CLI_FIELD_STR("product", ru_pd_product_map, product.name),
    CLI_FIELD_STR("class", ru_pd_product_map, product.drug_class),
    {"compounds", NULL, 0, CLI_COL_STRS, 0, get_compounds, NULL, CLI_IN_JSON, NULL},
    CLI_FIELD_NUM("dose_mg", "mg", 4, ru_pd_product_map, dose_mg),
    CLI_FIELD_NUM("interval_h", "h", 3, ru_pd_product_map, interval_h),
    OCC(0, "SERT"), OCC(1, "NET"), OCC(2, "DAT"), OCC(3, "H1"),
    OCC(4, "M1"), OCC(5, "alpha1"), OCC(6, "5-HT2A"), OCC(7, "5-HT2C"),
    CLI_FIELD_NUM("net_sert_ratio", NULL, 3, ru_pd_product_map, net_sert),
    {"inhibits", NULL, 0, CLI_COL_STRS, 0, get_inhibited, NULL, CLI_IN_JSON, NULL},
    {"inhibits", NULL, 0, CLI_COL_STR, 0, get_inhibits_text, NULL, CLI_IN_TEXT, NULL},
    /* the compounds whose occupancy used the default Kp,uu,brain (no brain-exposure evidence) */
    {"kpuu_brain_default", NULL, 0, CLI_COL_STR, 0, get_kpuu_default, NULL, CLI_IN_JSON, NULL},
};
_Static_assert(NT == 8, "one OCC column per target");

static const cli_column NOT_MAPPED[] = {
    CLI_FIELD_STR("product", ru_pd_product_map, product.name),
    CLI_FIELD_STR("reason", ru_pd_product_map, not_mapped),
};

/* One line naming the products the heatmap leaves out (skipped[n]), each with the kind of
 * reason (the table and JSON carry the full reasons). */
static void not_shown_note(const ru_pd_product_map *skipped, size_t n, char *buf, size_t cap) {
  buf[0] = '\0';
  size_t len = 0;
  for (size_t i = 0; i < n && len + 1 < cap; i++) {
    const char *why = skipped[i].not_mapped;
    const char *kind = strncmp(why, "incomplete", 10) == 0 ? "incomplete"
                       : strncmp(why, "no sourced", 10) == 0 ? "no sourced dose" : "a value missing";
    const int w = snprintf(buf + len, cap - len, "%s%s (%s)", i ? ", " : "Not shown: ", skipped[i].product.name, kind);
    if (w < 0 || (size_t)w >= cap - len) break;
    len += (size_t)w;
  }
  if (len > 0 && len + 2 < cap) snprintf(buf + len, cap - len, "; reasons in 'reuptake map'.");
}

/* The heatmap's text of one row. */
typedef struct plot_text {
  char label[96], ratio[32], inhibits[256];
} plot_text;

/* The heatmap of the mapped rows[nm] (rows[nm..n) are the ones it leaves out). */
static int plot_map(cli_ctx *ctx, const ru_pd_product_map *rows, size_t nm, size_t n, const char *dose_word) {
  const char **labels = calloc(4 * nm + 1, sizeof *labels);
  plot_text *txt = calloc(nm + 1, sizeof *txt);
  double *v = malloc((nm * NT + 1) * sizeof *v);
  ru_error err;
  ru_error_clear(&err);
  ru_status st = RU_ENOMEM;
  if (v != NULL && labels != NULL && txt != NULL) {
    const char **groups = labels + nm, **ratio = labels + 2 * nm, **inh = labels + 3 * nm;
    for (size_t r = 0; r < nm; r++) {
      const ru_pd_product_map *m = &rows[r];
      snprintf(txt[r].label, sizeof txt[r].label, "%s %g mg q%gh", m->product.name, m->dose_mg, m->interval_h);
      if (!isfinite(m->net_sert)) snprintf(txt[r].ratio, sizeof txt[r].ratio, "no SERT");
      else if (m->net_sert >= 100.0) snprintf(txt[r].ratio, sizeof txt[r].ratio, ">100");
      else snprintf(txt[r].ratio, sizeof txt[r].ratio, "%.2g", m->net_sert);
      labels[r] = txt[r].label;
      groups[r] = m->product.drug_class;
      ratio[r] = txt[r].ratio;
      inh[r] = m->ninhibited ? inhibits_text(m, txt[r].inhibits, sizeof txt[r].inhibits) : "-";
      for (size_t k = 0; k < NT; k++) v[r * NT + k] = m->mean[k];
    }
    char subtitle[256], note[1024];
    snprintf(subtitle, sizeof subtitle,
             "Mean occupancy over the dosing interval at steady state, %s label dose; rows by class", dose_word);
    not_shown_note(rows + nm, n - nm, note, sizeof note);
    const ru_heatmap h = {
        .title = "Products at their label doses: transporter and receptor occupancy",
        .subtitle = subtitle,
        .nrows = nm,
        .ncols = NT,
        .row_labels = labels,
        .row_groups = groups,
        .col_labels = TARGETS,
        .values = v,
        .value_label = "occupancy (fraction of targets bound)",
        .ntext = 2,
        .text_headers = {"NET/SERT", "inhibits (FDA 2020 basic model)"},
        .text = {ratio, inh},
        .footer = CLI_DISCLAIMER,
        .note = note,
    };
    st = ru_plot_heatmap(ctx->plot_path, &h, &err);
  }
  free(v);
  free(labels);
  free(txt);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (!ctx->quiet) fprintf(stderr, "reuptake map: heatmap written to %s\n", ctx->plot_path);
  return 0;
}

/* The table, CSV and JSON of the mapped rows[nm] and the rows[nm..n) not mapped. */
static int emit(cli_ctx *ctx, const ru_pd_product_map *rows, size_t nm, size_t n, const char *dose) {
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) return 1;
  cli_result_str(res, "dose", NULL, dose, CLI_IN_JSON);
  cli_result_note(res, "Products at their %s label dose, steady state: mean occupancy (fraction) over the "
                       "dosing interval\n\n", dose);
  cli_result_rows(res, "products", NULL, COLUMNS, sizeof COLUMNS / sizeof COLUMNS[0], rows, sizeof *rows, nm,
                  NULL, CLI_IN_ALL);
  cli_result_note(res, "\nnet_sert_ratio: NET over SERT occupancy at that dose. inhibits: FDA 2020 basic models "
                       "(R1 >= 1.02, R2 >= 1.25) at the unbound steady-state Cmax.\n");
  for (size_t i = 0, any = 0; i < nm; i++) {
    if (rows[i].nkpuu_default == 0) continue;
    if (!any++) cli_result_note(res, "\nno brain-exposure evidence, default Kp,uu,brain used for:\n");
    char buf[1024];
    cli_result_note(res, "  %-14s %s\n", rows[i].product.name, kpuu_default_text(&rows[i], buf, sizeof buf));
  }
  if (n > nm || ctx->format == CLI_FMT_JSON) {
    cli_result_rows(res, "not_mapped", "\nnot mapped", NOT_MAPPED, 2, rows + nm, sizeof *rows, n - nm, NULL,
                    CLI_IN_JSON | CLI_IN_TABLE);
  }
  cli_result_str(res, "inhibits_rule", NULL,
                 "FDA 2020 in vitro DDI guidance basic models: R1 = 1 + Imax,u/Ki >= 1.02; "
                 "R2 = (kobs + kdeg)/kdeg >= 1.25; Imax,u = unbound steady-state Cmax",
                 CLI_IN_JSON);
  return cli_result_finish(res);
}

int cmd_map(cli_ctx *ctx) {
  if (cli_npos(ctx) > 0) {
    return cli_usage(ctx, "unexpected argument '%s' (map [--class CLASS] [--dose low|usual|high] [--plot FILE])",
                     cli_pos(ctx, 0));
  }
  const char *klass = cli_str(ctx, "--class");
  const char *dose = cli_str(ctx, "--dose") ? cli_str(ctx, "--dose") : "usual";
  const ru_label_dose which = strcmp(dose, "low") == 0    ? RU_LABEL_DOSE_LOW
                              : strcmp(dose, "high") == 0 ? RU_LABEL_DOSE_HIGH
                                                          : RU_LABEL_DOSE_USUAL;
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  /* mapped rows first (in class order), then the ones that could not be mapped */
  ru_pd_product_map *rows = NULL;
  size_t n = 0, nm = 0;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_pd_map_products(kb, klass, which, TARGETS, NT, ctx->stop, &rows, &n, &err);
  while (nm < n && rows[nm].not_mapped[0] == '\0') nm++;
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
  } else if (cli_stopped(ctx)) {
    rc = cli_interrupted(ctx);
  } else if (n == 0) {
    rc = cli_usage(ctx, "no product of class '%s' (see 'reuptake drugs list --products')", klass ? klass : "");
  } else if (nm == 0) {
    rc = cli_usage(ctx, "no product could be mapped at its %s dose (run with --format json for the reasons)", dose);
  } else if (ctx->plot_path != NULL) {
    rc = plot_map(ctx, rows, nm, n, dose);
  }
  if (rc == 0) rc = emit(ctx, rows, nm, n, dose);
  ru_pd_product_maps_free(rows, n);
  return rc;
}
