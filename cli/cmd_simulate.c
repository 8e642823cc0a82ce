/* `reuptake simulate`: time course of total and unbound concentrations of every compound and
 * metabolite, and occupancy of the targets they bind (DESIGN.md JSON contract). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "result.h"
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

/* The subject's time courses as one description (result.h): total and unbound concentration of
 * each compound, then per target the combined occupancy ("all") and each compound's share (JSON
 * only). Names and values live in the returned arrays; free with series_free. */
typedef struct series_view {
  cli_series *s;
  size_t n;
  char (*names)[RU_NAME_MAX + 32];
  double *unbound; /* nc*nt nM */
} series_view;

static void series_free(series_view *v) {
  free(v->s);
  free(v->names);
  free(v->unbound);
}

static int series_of(cli_ctx *ctx, const sim_out *o, series_view *v) {
  memset(v, 0, sizeof *v);
  const size_t cap = 2 * o->nc + o->ntargets * (1 + o->nc);
  v->s = calloc(cap + 1, sizeof *v->s);
  v->names = calloc(cap + 1, sizeof *v->names);
  v->unbound = malloc((o->nc * o->nt + 1) * sizeof *v->unbound);
  if (v->s == NULL || v->names == NULL || v->unbound == NULL) {
    series_free(v);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  for (size_t i = 0; i < o->nc; i++) {
    const char *name = ru_sim_compound_name(o->s, i);
    const double fu = ru_sim_compound_fu(o->s, i), mw = ru_sim_compound_mw(o->s, i);
    double *u = v->unbound + i * o->nt;
    for (size_t j = 0; j < o->nt; j++) {
      u[j] = (isfinite(fu) && isfinite(mw)) ? ru_pd_unbound_nm(o->conc[i * o->nt + j], fu, mw) : nan("");
    }
    snprintf(v->names[v->n], sizeof v->names[0], "%s_ng_per_ml", name);
    v->s[v->n] = (cli_series){name, "total", "ng/mL", NULL, o->conc + i * o->nt, 5, v->names[v->n]};
    v->n++;
    snprintf(v->names[v->n], sizeof v->names[0], "%s_unbound_nM", name);
    v->s[v->n] = (cli_series){name, "unbound", "nM", NULL, u, 4, v->names[v->n]};
    v->n++;
  }
  for (size_t k = 0; k < o->ntargets; k++) {
    snprintf(v->names[v->n], sizeof v->names[0], "%s_occupancy", o->targets[k]);
    v->s[v->n] = (cli_series){"all", "occupancy", "fraction", o->targets[k], o->occ + k * o->nt, 3, v->names[v->n]};
    v->n++;
    for (size_t i = 0; i < o->nc && o->nc > 1; i++) {
      const double *by = o->occ_by + (k * o->nc + i) * o->nt;
      double mx = 0.0;
      for (size_t j = 0; j < o->nt; j++) mx = fmax(mx, by[j]);
      if (mx <= 0.0) continue;
      v->s[v->n++] = (cli_series){ru_sim_compound_name(o->s, i), "occupancy", "fraction", o->targets[k], by, 3, NULL};
    }
  }
  return 0;
}

/* The table shows about 30 rows unless --step/--times chose them, on whole days (or hours) so
 * it does not alias against the dosing interval. */
static size_t table_stride(const sim_out *o, int all_rows) {
  if (all_rows || o->nt <= 40) return 1;
  size_t stride = (o->nt + 29) / 30;
  const double step = o->t[1] - o->t[0];
  const double unit = o->t[o->nt - 1] > 72.0 ? 24.0 : 1.0;
  if (step > 0.0 && step <= unit) {
    const size_t per_unit = (size_t)llround(unit / step);
    if (per_unit > 0) stride = per_unit * ((stride + per_unit - 1) / per_unit);
  }
  return stride;
}

/* One subject into the result: its series (CSV wide, or long with the id for a dataset), the
 * mechanisms acting and the solver used. */
static int subject_result(cli_ctx *ctx, cli_result *res, const sim_out *o, int all_rows,
                          int dataset, long id) {
  series_view v;
  const int rc = series_of(ctx, o, &v);
  if (rc) return rc;
  const cli_series_set set = {o->t, o->nt, v.s, v.n, table_stride(o, all_rows), dataset, id};
  cli_result_series(res, &set, CLI_IN_ALL);
  series_free(&v);
  if (dataset) cli_result_num(res, "id", (double)id);
  cli_result_lines(res, "mechanisms", "mechanisms", ru_sim_mechanisms(o->s), NULL, CLI_IN_ALL);
  const char *solver = ru_sim_solver_name(o->s);
  cli_result_str(res, "solver", NULL, solver, CLI_IN_JSON);
  if (!dataset) {
    cli_result_note(res, "\nsolver: %s\n",
                    !ru_sim_is_nonlinear(o->s) ? "closed form (linear system)"
                    : strcmp(solver, "cvode") == 0
                        ? "CVODE (enzyme inhibition couples the compounds)"
                        : "hybrid: closed form for the linear blocks, Gauss-Legendre collocation "
                          "for the coupled ones");
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
  for (; nconc < o->nc && nconc < 16; nconc++) {
    conc_s[nconc] = (ru_plot_series){ru_sim_compound_name(o->s, nconc), o->conc + nconc * o->nt, NULL, NULL};
  }
  for (size_t k = 0; k < o->ntargets; k++) {
    occ_s[k] = (ru_plot_series){o->targets[k], o->occ + k * o->nt, NULL, NULL};
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
  if (a->data_path != NULL && !grid_given && ru_regimen_output_times(r, NULL) > 0) {
    o->t = malloc(ru_regimen_count(r) * sizeof *o->t);
    if (o->t == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
    o->nt = ru_regimen_output_times(r, o->t);
    return 0;
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
  if (o->conc == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
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
  if (o->occ == NULL || o->occ_by == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
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

/* A multi-subject dataset: every subject simulated, one output with an ID per row (CSV long
 * form, table) or a "subjects" array (JSON). */
static int run_dataset(cli_ctx *ctx, const simargs *a, const ru_regimen *r, int all_rows) {
  const size_t nid = ru_regimen_id_count(r);
  if (ctx->plot_path != NULL) {
    return cli_usage(ctx, "--plot draws one subject: the dataset has %zu (choose one with --id)", nid);
  }
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) return 1;
  int rc = 0;
  for (size_t k = 0; rc == 0 && k < nid; k++) {
    if (cli_stopped(ctx)) break;
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
      char title[64];
      snprintf(title, sizeof title, "%ssubject %ld", k ? "\n" : "", id);
      cli_result_begin_item(res, "subjects", title);
      rc = subject_result(ctx, res, &o, all_rows, 1, id);
      cli_result_end(res);
    }
    sim_out_free(&o);
  }
  if (rc) {
    cli_result_free(res);
    return rc;
  }
  return cli_result_finish(res);
}

int cmd_simulate(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  if ((rc = simargs_no_rest(ctx, &a))) return rc;
  const cli_arg *id = cli_get(ctx, "--id");
  const int all_rows = isfinite(a.step_h) || a.times != NULL;
  ru_regimen *r = NULL;
  if ((rc = simargs_regimen(ctx, &a, &r))) return rc;
  if (id != NULL) {
    const long only_id = (long)id->num;
    ru_regimen *sub = NULL;
    ru_error err;
    ru_error_clear(&err);
    ru_status st = ru_regimen_has_id(r, only_id) ? ru_regimen_subset(r, only_id, &sub, &err)
                                                 : ru_error_set(&err, RU_ENOTFOUND, "--id %ld: no such subject in the dataset", only_id);
    ru_regimen_free(r);
    if (st != RU_OK) return cli_fail(ctx, st, &err);
    r = sub;
  } else if (ru_regimen_id_count(r) > 1) {
    rc = run_dataset(ctx, &a, r, 1);
    ru_regimen_free(r);
    return rc;
  }
  sim_out o;
  rc = run_subject(ctx, &a, r, &o);
  ru_regimen_free(r);
  if (rc == 0 && cli_stopped(ctx)) rc = cli_interrupted(ctx);
  if (rc == 0 && ctx->plot_path != NULL) rc = draw(ctx, &o);
  cli_result *res = rc == 0 ? cli_result_new(ctx) : NULL;
  if (rc == 0 && res == NULL) rc = 1;
  if (rc == 0) rc = subject_result(ctx, res, &o, all_rows, 0, 0);
  if (rc == 0) {
    rc = cli_result_finish(res);
  } else {
    cli_result_free(res);
  }
  sim_out_free(&o);
  return rc;
}
