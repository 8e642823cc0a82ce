/* `reuptake simulate`: time course of total and unbound concentrations of every compound and
 * metabolite, and occupancy of the targets they bind (DESIGN.md JSON contract). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "simargs.h"

#define MAX_T 16

typedef struct sim_out {
  ru_sim *s;
  double *t;
  size_t nt, nc;
  double *conc;         /* nc*nt ng/mL */
  const char *targets[MAX_T];
  size_t ntargets;
  double *occ;          /* ntargets*nt */
  double *occ_by;       /* ntargets*nc*nt */
} sim_out;

static void sim_out_free(sim_out *o) {
  ru_sim_free(o->s);
  free(o->t);
  free(o->conc);
  free(o->occ);
  free(o->occ_by);
}

static double unbound_nm(const sim_out *o, size_t i, size_t j) {
  const double fu = ru_sim_compound_fu(o->s, i), mw = ru_sim_compound_mw(o->s, i);
  return (isfinite(fu) && isfinite(mw)) ? ru_pd_unbound_nm(o->conc[i * o->nt + j], fu, mw) : nan("");
}

/* One subject's time course as the DESIGN.md object (time_h, series, mechanisms, solver). */
static cJSON *subject_json(const sim_out *o) {
  cJSON *root = cJSON_CreateObject();
  cJSON *tj = cJSON_AddArrayToObject(root, "time_h");
  for (size_t j = 0; j < o->nt; j++) cJSON_AddItemToArray(tj, cJSON_CreateNumber(o->t[j]));
  cJSON *series = cJSON_AddArrayToObject(root, "series");
  for (size_t i = 0; i < o->nc; i++) {
    const char *name = ru_sim_compound_name(o->s, i);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "compound", name);
    cJSON_AddStringToObject(a, "quantity", "total");
    cJSON_AddStringToObject(a, "unit", "ng/mL");
    cJSON *v = cJSON_AddArrayToObject(a, "values");
    for (size_t j = 0; j < o->nt; j++) cJSON_AddItemToArray(v, cJSON_CreateNumber(o->conc[i * o->nt + j]));
    cJSON_AddItemToArray(series, a);
    const double fu = ru_sim_compound_fu(o->s, i), mw = ru_sim_compound_mw(o->s, i);
    if (isfinite(fu) && isfinite(mw)) {
      cJSON *b = cJSON_CreateObject();
      cJSON_AddStringToObject(b, "compound", name);
      cJSON_AddStringToObject(b, "quantity", "unbound");
      cJSON_AddStringToObject(b, "unit", "nM");
      cJSON *w = cJSON_AddArrayToObject(b, "values");
      for (size_t j = 0; j < o->nt; j++) cJSON_AddItemToArray(w, cJSON_CreateNumber(unbound_nm(o, i, j)));
      cJSON_AddItemToArray(series, b);
    }
  }
  for (size_t k = 0; k < o->ntargets; k++) {
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "compound", "all");
    cJSON_AddStringToObject(a, "quantity", "occupancy");
    cJSON_AddStringToObject(a, "target", o->targets[k]);
    cJSON_AddStringToObject(a, "unit", "fraction");
    cJSON *v = cJSON_AddArrayToObject(a, "values");
    for (size_t j = 0; j < o->nt; j++) cJSON_AddItemToArray(v, cJSON_CreateNumber(o->occ[k * o->nt + j]));
    cJSON_AddItemToArray(series, a);
    for (size_t i = 0; i < o->nc && o->nc > 1; i++) {
      const double *by = o->occ_by + (k * o->nc + i) * o->nt;
      double mx = 0.0;
      for (size_t j = 0; j < o->nt; j++) mx = fmax(mx, by[j]);
      if (mx <= 0.0) continue;
      cJSON *b = cJSON_CreateObject();
      cJSON_AddStringToObject(b, "compound", ru_sim_compound_name(o->s, i));
      cJSON_AddStringToObject(b, "quantity", "occupancy");
      cJSON_AddStringToObject(b, "target", o->targets[k]);
      cJSON_AddStringToObject(b, "unit", "fraction");
      cJSON *w = cJSON_AddArrayToObject(b, "values");
      for (size_t j = 0; j < o->nt; j++) cJSON_AddItemToArray(w, cJSON_CreateNumber(by[j]));
      cJSON_AddItemToArray(series, b);
    }
  }
  const char *mech = ru_sim_mechanisms(o->s);
  cJSON *m = cJSON_AddArrayToObject(root, "mechanisms");
  char *copy = strdup(mech);
  char *save = NULL;
  for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
    cJSON_AddItemToArray(m, cJSON_CreateString(line));
  }
  free(copy);
  cJSON_AddStringToObject(root, "solver", ru_sim_solver_name(o->s));
  return root;
}

/* Renders one subject's table into out; with_footer adds the mechanisms and solver lines. */
static int table_into(cli_out *out, const sim_out *o, int all_rows, int with_footer) {
  const size_t ncol = 1 + 2 * o->nc + o->ntargets;
  const char **hdr = calloc(ncol, sizeof *hdr);
  char **owned = calloc(ncol, sizeof *owned);
  if (hdr == NULL || owned == NULL) {
    free(hdr);
    free(owned);
    fprintf(stderr, "reuptake simulate: out of memory\n");
    return 1;
  }
  size_t c = 0;
  hdr[c++] = "time_h";
  for (size_t i = 0; i < o->nc; i++) {
    const char *nm = ru_sim_compound_name(o->s, i);
    owned[c] = malloc(strlen(nm) + 24);
    sprintf(owned[c], "%s_ng_per_ml", nm);
    hdr[c] = owned[c];
    c++;
    owned[c] = malloc(strlen(nm) + 24);
    sprintf(owned[c], "%s_unbound_nM", nm);
    hdr[c] = owned[c];
    c++;
  }
  for (size_t k = 0; k < o->ntargets; k++) {
    owned[c] = malloc(strlen(o->targets[k]) + 16);
    sprintf(owned[c], "%s_occupancy", o->targets[k]);
    hdr[c] = owned[c];
    c++;
  }
  cli_table *t = cli_table_new(ncol, hdr);
  /* on a terminal table, keep it concise: about 30 rows unless --step/--times chose them */
  size_t stride = 1;
  if (!all_rows && o->nt > 40) {
    stride = (o->nt + 29) / 30;
    /* rows on whole days (or hours) so the table does not alias against the dosing interval */
    const double step = o->t[1] - o->t[0];
    const double unit = o->t[o->nt - 1] > 72.0 ? 24.0 : 1.0;
    if (step > 0.0 && step <= unit) {
      const size_t per_unit = (size_t)llround(unit / step);
      if (per_unit > 0) stride = per_unit * ((stride + per_unit - 1) / per_unit);
    }
  }
  char (*buf)[32] = calloc(ncol, sizeof *buf);
  const char **cells = calloc(ncol, sizeof *cells);
  for (size_t j = 0; j < o->nt && buf && cells; j++) {
    if (j % stride != 0 && j + 1 != o->nt) continue;
    size_t q = 0;
    cells[q] = cli_fmt(buf[q], sizeof buf[q], o->t[j], 6);
    q++;
    for (size_t i = 0; i < o->nc; i++) {
      cells[q] = cli_fmt(buf[q], sizeof buf[q], o->conc[i * o->nt + j], 5);
      q++;
      cells[q] = cli_fmt(buf[q], sizeof buf[q], unbound_nm(o, i, j), 4);
      q++;
    }
    for (size_t k = 0; k < o->ntargets; k++) {
      cells[q] = cli_fmt(buf[q], sizeof buf[q], o->occ[k * o->nt + j], 3);
      q++;
    }
    cli_table_add(t, cells);
  }
  cli_table_render(t, CLI_FMT_TABLE, out);
  if (with_footer) {
    const char *mech = ru_sim_mechanisms(o->s);
    if (mech[0]) cli_out_printf(out, "\nmechanisms:\n%s", mech);
    cli_out_printf(out, "\nsolver: %s.  %s\n",
                   !ru_sim_is_nonlinear(o->s) ? "closed form (linear system)"
                   : strcmp(ru_sim_solver_name(o->s), "cvode") == 0
                       ? "CVODE (enzyme inhibition couples the compounds)"
                       : "hybrid: closed form for the linear blocks, Gauss-Legendre collocation "
                         "for the coupled ones",
                   CLI_DISCLAIMER);
  }
  cli_table_free(t);
  free(buf);
  free(cells);
  for (size_t k = 0; k < ncol; k++) free(owned[k]);
  free(owned);
  free(hdr);
  return 0;
}

static int emit_table(cli_ctx *ctx, const sim_out *o, int all_rows) {
  cli_out *out = cli_out_new();
  const int rc = table_into(out, o, all_rows, 1);
  if (rc) {
    cli_out_free(out);
    return rc;
  }
  return cli_out_commit(ctx, out);
}

/* --format csv: every row streamed through the library's CSV writer (no per-cell strings, no
 * printf; the text is the same %.*g as the table's cells), written atomically to --output.
 * Several subjects (a multi-ID dataset) are written in long form, below. */
static void csv_header(ru_csv_writer *w, const sim_out *o) {
  char name[256];
  ru_csv_writer_str(w, "time_h");
  for (size_t i = 0; i < o->nc; i++) {
    const char *nm = ru_sim_compound_name(o->s, i);
    snprintf(name, sizeof name, "%s_ng_per_ml", nm);
    ru_csv_writer_str(w, name);
    snprintf(name, sizeof name, "%s_unbound_nM", nm);
    ru_csv_writer_str(w, name);
  }
  for (size_t k = 0; k < o->ntargets; k++) {
    snprintf(name, sizeof name, "%s_occupancy", o->targets[k]);
    ru_csv_writer_str(w, name);
  }
  ru_csv_writer_end_row(w);
}

static void csv_rows(ru_csv_writer *w, const sim_out *o) {
  for (size_t j = 0; j < o->nt && ru_csv_writer_status(w) == RU_OK; j++) {
    ru_csv_writer_double(w, o->t[j], 6);
    for (size_t i = 0; i < o->nc; i++) {
      ru_csv_writer_double(w, o->conc[i * o->nt + j], 5);
      ru_csv_writer_double(w, unbound_nm(o, i, j), 4);
    }
    for (size_t k = 0; k < o->ntargets; k++) {
      ru_csv_writer_double(w, o->occ[k * o->nt + j], 3);
    }
    ru_csv_writer_end_row(w);
  }
}

/* Long ("tidy") rows for multi-subject datasets, whose subjects may take different compounds:
 * id,time_h,compound,quantity,target,unit,value. */
static void csv_long_header(ru_csv_writer *w) {
  static const char *const cols[] = {"id", "time_h", "compound", "quantity", "target", "unit", "value"};
  for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) ru_csv_writer_str(w, cols[c]);
  ru_csv_writer_end_row(w);
}

static void csv_long_row(ru_csv_writer *w, long id, double t, const char *compound,
                         const char *quantity, const char *target, const char *unit, double v,
                         int sig) {
  ru_csv_writer_int(w, id);
  ru_csv_writer_double(w, t, 6);
  ru_csv_writer_str(w, compound);
  ru_csv_writer_str(w, quantity);
  ru_csv_writer_str(w, target);
  ru_csv_writer_str(w, unit);
  ru_csv_writer_double(w, v, sig);
  ru_csv_writer_end_row(w);
}

static void csv_long_rows(ru_csv_writer *w, const sim_out *o, long id) {
  for (size_t j = 0; j < o->nt && ru_csv_writer_status(w) == RU_OK; j++) {
    for (size_t i = 0; i < o->nc; i++) {
      const char *nm = ru_sim_compound_name(o->s, i);
      csv_long_row(w, id, o->t[j], nm, "total", "", "ng/mL", o->conc[i * o->nt + j], 5);
      csv_long_row(w, id, o->t[j], nm, "unbound", "", "nM", unbound_nm(o, i, j), 4);
    }
    for (size_t k = 0; k < o->ntargets; k++) {
      csv_long_row(w, id, o->t[j], "all", "occupancy", o->targets[k], "fraction",
                   o->occ[k * o->nt + j], 3);
    }
  }
}

static int csv_open(cli_ctx *ctx, ru_csv_writer **w) {
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_csv_writer_open(ctx->output_path, 0, w, &err);
  if (st != RU_OK) {
    cli_fail(ctx, st, &err);
    return 2; /* as cli_write_file_atomic: an unwritable --output is the caller's to fix */
  }
  return 0;
}

static int csv_commit(cli_ctx *ctx, ru_csv_writer *w) {
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_csv_writer_commit(w, &err);
  ru_csv_writer_free(w);
  if (st != RU_OK) {
    cli_fail(ctx, st, &err);
    return ctx->output_path != NULL ? 2 : 1;
  }
  return 0;
}

static int draw(cli_ctx *ctx, const sim_out *o) {
  ru_plot_series conc_s[16], occ_s[MAX_T];
  double *days = malloc(o->nt * sizeof *days);
  if (days == NULL) return 1;
  const int use_days = o->t[o->nt - 1] > 72.0;
  for (size_t j = 0; j < o->nt; j++) days[j] = use_days ? o->t[j] / 24.0 : o->t[j];
  size_t nconc = 0;
  for (size_t i = 0; i < o->nc && nconc < 16; i++) {
    conc_s[nconc].label = ru_sim_compound_name(o->s, i);
    conc_s[nconc].y = o->conc + i * o->nt;
    conc_s[nconc].y_low = conc_s[nconc].y_high = NULL;
    nconc++;
  }
  for (size_t k = 0; k < o->ntargets; k++) {
    occ_s[k].label = o->targets[k];
    occ_s[k].y = o->occ + k * o->nt;
    occ_s[k].y_low = occ_s[k].y_high = NULL;
  }
  ru_plot_panel panels[2] = {
      {"total plasma concentration (ng/mL)", conc_s, nconc, 0, 0.0, 0.0},
      {"occupancy (fraction)", occ_s, o->ntargets, 0, 0.0, 1.0},
  };
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_plot_panels(ctx->plot_path, "reuptake simulate", use_days ? "time (days)" : "time (h)",
                                days, o->nt, panels, o->ntargets > 0 ? 2 : 1, &err);
  free(days);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (!ctx->quiet) fprintf(stderr, "reuptake simulate: plot written to %s\n", ctx->plot_path);
  return 0;
}

/* Output times of one subject: --times, --step/--days/--hours, else (datasets) the times of
 * its observation and other records (EVID 0/2, NONMEM's output rows), else the default grid. */
static int subject_times(cli_ctx *ctx, const simargs *a, const ru_regimen *r, sim_out *o) {
  const int grid_given = a->times != NULL || isfinite(a->step_h) || isfinite(a->days) ||
                         isfinite(a->hours);
  if (a->data_path != NULL && !grid_given) {
    size_t n = 0;
    for (size_t k = 0; k < ru_regimen_count(r); k++) {
      const ru_evid e = ru_regimen_event(r, k)->evid;
      n += (e == RU_EVID_OBSERVATION || e == RU_EVID_OTHER) ? 1u : 0u;
    }
    if (n > 0) {
      o->t = malloc(n * sizeof *o->t);
      if (o->t == NULL) return cli_usage(ctx, "out of memory");
      for (size_t k = 0; k < ru_regimen_count(r); k++) {
        const ru_event *e = ru_regimen_event(r, k);
        if (e->evid != RU_EVID_OBSERVATION && e->evid != RU_EVID_OTHER) continue;
        if (o->nt > 0 && e->time_h <= o->t[o->nt - 1]) continue; /* one row per time */
        o->t[o->nt++] = e->time_h;
      }
      return 0;
    }
  }
  return simargs_times(ctx, a, 7.0, &o->t, &o->nt);
}

/* Simulates one subject: concentrations, then occupancy of the targets bound. */
static int run_subject(cli_ctx *ctx, const simargs *a, const ru_regimen *r, sim_out *o) {
  memset(o, 0, sizeof *o);
  int rc = simargs_sim(ctx, a, r, &o->s);
  if (rc) return rc;
  if ((rc = subject_times(ctx, a, r, o))) return rc;
  o->nc = ru_sim_compound_count(o->s);
  ru_error err;
  ru_error_clear(&err);
  o->conc = malloc(o->nc * o->nt * sizeof *o->conc);
  if (o->conc == NULL) return cli_usage(ctx, "out of memory for %zu time points", o->nt);
  ru_status st = ru_sim_run(o->s, o->t, o->nt, o->conc, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  /* occupancy of the transporters by default; --targets all|LIST for more */
  const char *spec = a->targets ? a->targets : "SERT,NET,DAT";
  const size_t nt = simargs_target_list(spec, o->targets, MAX_T);
  if (nt == (size_t)-1) {
    return cli_usage(ctx, "--targets '%s': unknown target (known: SERT, NET, DAT, H1, M1, alpha1, "
                          "5-HT2A, 5-HT2C, or all)", spec);
  }
  int kb_rc = 0;
  ru_kb *kb = cli_kb(ctx, &kb_rc);
  if (kb == NULL) return kb_rc;
  o->occ = calloc(nt * o->nt + 1, sizeof *o->occ);
  o->occ_by = calloc(nt * o->nc * o->nt + 1, sizeof *o->occ_by);
  if (o->occ == NULL || o->occ_by == NULL) return cli_usage(ctx, "out of memory");
  for (size_t k = 0; k < nt; k++) {
    double *occ = o->occ + o->ntargets * o->nt;
    double *by = o->occ_by + o->ntargets * o->nc * o->nt;
    st = ru_pd_occupancy_series(kb, o->s, o->targets[k], o->conc, o->nt, occ, by, &err);
    if (st != RU_OK) return cli_fail(ctx, st, &err);
    double mx = 0.0;
    for (size_t j = 0; j < o->nt; j++) mx = fmax(mx, occ[j]);
    /* default view: only targets some ligand actually binds */
    if (a->targets == NULL && mx <= 0.0) continue;
    o->targets[o->ntargets++] = o->targets[k];
  }
  return 0;
}

/* A multi-subject dataset: every subject simulated, one output with an ID per row (CSV,
 * table) or a "subjects" array (JSON). */
static int run_dataset(cli_ctx *ctx, const simargs *a, const ru_regimen *r) {
  const size_t nid = ru_regimen_id_count(r);
  if (ctx->plot_path != NULL) {
    return cli_usage(ctx, "--plot draws one subject: the dataset has %zu (choose one with --id)", nid);
  }
  cJSON *root = ctx->format == CLI_FMT_JSON ? cJSON_CreateObject() : NULL;
  cJSON *subjects = root ? cJSON_AddArrayToObject(root, "subjects") : NULL;
  ru_csv_writer *w = NULL;
  int rc = ctx->format == CLI_FMT_CSV ? csv_open(ctx, &w) : 0;
  cli_out *out = ctx->format == CLI_FMT_TABLE ? cli_out_new() : NULL;
  for (size_t k = 0; rc == 0 && k < nid; k++) {
    const long id = ru_regimen_id(r, k);
    ru_regimen *sub = NULL;
    ru_error err;
    ru_error_clear(&err);
    ru_status st = ru_regimen_subset(r, id, &sub, &err);
    if (st != RU_OK) {
      rc = cli_fail(ctx, st, &err);
      break;
    }
    sim_out o;
    rc = run_subject(ctx, a, sub, &o);
    ru_regimen_free(sub);
    if (rc == 0) {
      if (root) {
        cJSON *js = subject_json(&o);
        cJSON_AddNumberToObject(js, "id", (double)id);
        cJSON_AddItemToArray(subjects, js);
      } else if (w) {
        if (k == 0) csv_long_header(w);
        csv_long_rows(w, &o, id);
      } else {
        cli_out_printf(out, "%ssubject %ld\n", k ? "\n" : "", id);
        rc = table_into(out, &o, 1, 0);
      }
    }
    sim_out_free(&o);
  }
  if (root) {
    if (rc) {
      cJSON_Delete(root);
      return rc;
    }
    cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
    return cli_emit_json(ctx, root);
  }
  if (w) {
    if (rc) {
      ru_csv_writer_free(w);
      return rc;
    }
    return csv_commit(ctx, w);
  }
  if (rc) {
    cli_out_free(out);
    return rc;
  }
  cli_out_printf(out, "\n%s\n", CLI_DISCLAIMER);
  return cli_out_commit(ctx, out);
}

int cmd_simulate(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  long only_id = 0;
  int have_id = 0;
  for (size_t i = 0; i < a.nrest; i++) {
    if (strcmp(a.rest[i], "--id") == 0 && i + 1 < a.nrest) {
      double v;
      if (!cli_parse_double(ctx, "--id", a.rest[i + 1], -1e15, 1e15, &v)) return 2;
      only_id = (long)v;
      have_id = 1;
      /* remove the pair from the leftovers */
      for (size_t j = i; j + 2 < a.nrest; j++) a.rest[j] = a.rest[j + 2];
      a.nrest -= 2;
      break;
    }
  }
  if ((rc = simargs_no_rest(ctx, &a))) return rc;
  ru_regimen *r = NULL;
  if ((rc = simargs_regimen(ctx, &a, &r))) return rc;
  if (have_id) {
    ru_regimen *sub = NULL;
    ru_error err;
    ru_error_clear(&err);
    ru_status st = ru_regimen_has_id(r, only_id) ? ru_regimen_subset(r, only_id, &sub, &err)
                                                 : ru_error_set(&err, RU_ENOTFOUND, "--id %ld: no such subject in the dataset", only_id);
    ru_regimen_free(r);
    if (st != RU_OK) return cli_fail(ctx, st, &err);
    r = sub;
  } else if (ru_regimen_id_count(r) > 1) {
    rc = run_dataset(ctx, &a, r);
    ru_regimen_free(r);
    return rc;
  }
  sim_out o;
  rc = run_subject(ctx, &a, r, &o);
  ru_regimen_free(r);
  if (rc == 0 && ctx->plot_path != NULL) rc = draw(ctx, &o);
  if (rc == 0) {
    if (ctx->format == CLI_FMT_JSON) {
      cJSON *root = subject_json(&o);
      cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
      rc = cli_emit_json(ctx, root);
    } else if (ctx->format == CLI_FMT_CSV) {
      ru_csv_writer *w = NULL;
      rc = csv_open(ctx, &w);
      if (rc == 0) {
        csv_header(w, &o);
        csv_rows(w, &o);
        rc = csv_commit(ctx, w);
      }
    } else {
      rc = emit_table(ctx, &o, isfinite(a.step_h) || a.times != NULL);
    }
  }
  sim_out_free(&o);
  return rc;
}
