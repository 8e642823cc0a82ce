/* `reuptake interact VICTIM --with PERPETRATOR...`: the victim's exposure with vs without the
 * perpetrators, as dynamics (inhibition by their unbound concentrations over time, enzyme
 * turnover), not a lookup: AUC and Cmax ratios at the victim's steady state (or after a single
 * victim dose given once the perpetrators are at steady state), the mechanisms acting, and the
 * interaction over time from the library (ru_ddi_time_course): the time to reach 90 % of it and,
 * with --stop-after, the times to 50 % and 90 % recovery. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "result.h"

typedef struct interact_args {
  const char *victim;
  const char *perps[16];
  size_t nperp;
  double stop_after_h; /* NaN: perpetrators continue */
} interact_args;

/* The interaction in numbers: the top-level fields of the JSON contract, the one CSV row. */
typedef struct summary {
  const char *victim, *basis;
  double auc_ratio, cmax_ratio, clearance_multiplier, t_reach_h, stop_after_h, t_rec50_h, t_rec90_h;
} summary;

static const cli_column SUMMARY[] = {
    CLI_FIELD_STRP("victim", summary, victim),
    {"basis", NULL, 0, CLI_COL_STRP, offsetof(summary, basis), NULL, NULL, CLI_IN_JSON | CLI_IN_TABLE, NULL},
    CLI_FIELD_NUM("auc_ratio", NULL, 4, summary, auc_ratio),
    CLI_FIELD_NUM("cmax_ratio", NULL, 4, summary, cmax_ratio),
    {"clearance_multiplier", NULL, 4, CLI_COL_NUM, offsetof(summary, clearance_multiplier), NULL, NULL,
     CLI_IN_JSON | CLI_IN_TABLE, NULL},
    CLI_FIELD_NUM("time_to_90pct_effect_h", "h", 5, summary, t_reach_h),
    /* only with --stop-after */
    CLI_FIELD_NUM("stop_after_h", "h", 5, summary, stop_after_h),
    CLI_FIELD_NUM("time_to_50pct_recovery_h", "h", 5, summary, t_rec50_h),
    CLI_FIELD_NUM("time_to_90pct_recovery_h", "h", 5, summary, t_rec90_h),
};
#define NSUMMARY (sizeof SUMMARY / sizeof SUMMARY[0])

CLI_GETTER(get_perpetrator, ru_ddi_explanation, c->str = row->perpetrator[0] ? row->perpetrator : NULL)
CLI_GETTER(get_reason, ru_ddi_explanation, c->str = ru_ddi_reason_name(row->reason))

/* Every victim pathway and why it is (or is not) inhibited. */
static const cli_column PATHWAYS[] = {
    {"pathway", NULL, 0, CLI_COL_STR, offsetof(ru_ddi_explanation, pathway), NULL, NULL, CLI_IN_JSON, NULL},
    {"fm", NULL, 3, CLI_COL_NUM, offsetof(ru_ddi_explanation, fm), NULL, NULL, CLI_IN_JSON, NULL},
    {"perpetrator", NULL, 0, CLI_COL_STR, 0, get_perpetrator, NULL, CLI_IN_JSON, NULL},
    {"reason", NULL, 0, CLI_COL_STR, 0, get_reason, NULL, CLI_IN_JSON, NULL},
    {"strength", NULL, 3, CLI_COL_NUM, offsetof(ru_ddi_explanation, strength), NULL, NULL, CLI_IN_JSON, NULL},
    CLI_FIELD_STR("text", ru_ddi_explanation, text),
};

static const cli_column METABOLITES[] = {
    CLI_FIELD_STR("compound", ru_ddi_metabolite, compound),
    CLI_FIELD_NUM("auc_ratio", NULL, 4, ru_ddi_metabolite, auc_ratio),
    CLI_FIELD_NUM("cmax_ratio", NULL, 4, ru_ddi_metabolite, cmax_ratio),
};

static const cli_column EXPOSURE[] = {
    CLI_FIELD_NUM("auc_ng_h_per_ml", "ng*h/mL", 4, ru_exposure, auc_ng_h_per_ml),
    CLI_FIELD_NUM("cmax_ng_per_ml", "ng/mL", 4, ru_exposure, cmax_ng_per_ml),
};

int cmd_interact(cli_ctx *ctx) {
  interact_args ia;
  memset(&ia, 0, sizeof ia);
  /* the option table took the perpetrators (--with and the regimens after it) */
  for (size_t i = 0; i < cli_npos(ctx); i++) {
    const char *x = cli_pos(ctx, i);
    if (strchr(x, ':') == NULL) return cli_usage(ctx, "'%s' is not a regimen", x);
    if (ia.victim != NULL) return cli_usage(ctx, "one victim regimen only (perpetrators follow --with)");
    ia.victim = x;
  }
  ia.nperp = cli_count(ctx, "--with");
  if (ia.nperp > sizeof ia.perps / sizeof ia.perps[0]) {
    return cli_usage(ctx, "at most %zu perpetrator regimens", sizeof ia.perps / sizeof ia.perps[0]);
  }
  for (size_t i = 0; i < ia.nperp; i++) ia.perps[i] = cli_nth(ctx, "--with", i);
  ia.stop_after_h = cli_num(ctx, "--stop-after", nan(""));
  const char *phenotypes[CLI_MAX_ARGS];
  const size_t nphen = cli_count(ctx, "--phenotype");
  for (size_t i = 0; i < nphen; i++) phenotypes[i] = cli_nth(ctx, "--phenotype", i);
  if (ia.victim == NULL) return cli_usage(ctx, "no victim regimen (interact VICTIM --with PERPETRATOR)");
  if (ia.nperp == 0) return cli_usage(ctx, "no perpetrator (give --with REGIMEN)");
  int rc = 0, krc = 0;
  ru_kb *kb = cli_kb(ctx, &krc);
  if (kb == NULL) return krc;
  ru_error err;
  ru_error_clear(&err);
  const char *solver = cli_str(ctx, "--solver");
  ru_ddi_options opt = {phenotypes, nphen, ctx->sets, ctx->nsets, ia.stop_after_h,
                        solver == NULL                    ? RU_SOLVER_AUTO
                        : strcmp(solver, "cvode") == 0    ? RU_SOLVER_CVODE
                        : strcmp(solver, "hybrid") == 0   ? RU_SOLVER_HYBRID
                                                          : RU_SOLVER_AUTO,
                        cli_num(ctx, "--tol", 0.0)};
  ru_ddi_result res;
  ru_status st = ru_ddi_interaction(kb, ia.victim, ia.perps, ia.nperp, &opt, &res, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  const int single = res.single_dose;
  ru_sim *with = NULL;
  st = ru_ddi_build(kb, ia.victim, ia.perps, ia.nperp, &opt, 1, res.shift_h, &with, &err);
  /* the interaction over time: the lost fraction of the victim's intrinsic clearance */
  ru_ddi_course course;
  if (st == RU_OK) {
    st = ru_ddi_time_course(kb, ia.victim, ia.perps, ia.nperp, &opt, NULL, &course, &err);
  }
  if (st != RU_OK) {
    ru_sim_free(with);
    return cli_fail(ctx, st, &err);
  }
  summary sum = {res.victim, single ? "single victim dose, perpetrators at steady state" : "victim at steady state",
                 res.auc_ratio, res.cmax_ratio, 1.0 - course.effect, course.onset_90_h,
                 ia.stop_after_h, course.recovery_50_h, course.recovery_90_h};
  const int stop = isfinite(ia.stop_after_h);
  cli_result *out = cli_result_new(ctx);
  if (out == NULL) {
    ru_sim_free(with);
    return 1;
  }
  /* stop_after_h and the recovery times only with --stop-after (CSV: a stable header) */
  const size_t nsum = (stop || ctx->format == CLI_FMT_CSV) ? NSUMMARY : NSUMMARY - 3;
  cli_result_fields(out, NULL, SUMMARY, nsum, &sum, NULL, CLI_IN_ALL);
  cli_result_lines(out, "mechanisms", "mechanisms", ru_sim_mechanisms(with),
                   "  none modelled (see the victim pathways below)", CLI_IN_JSON | CLI_IN_TABLE);
  cli_result_rows(out, "pathways", "\nvictim pathways", PATHWAYS, sizeof PATHWAYS / sizeof PATHWAYS[0],
                  res.explain, sizeof res.explain[0], res.nexplain, NULL, CLI_IN_JSON | CLI_IN_TABLE);
  if (res.nmetabolites > 0 || ctx->format == CLI_FMT_JSON) {
    cli_result_rows(out, "metabolites", "\nmetabolites of the victim", METABOLITES,
                    sizeof METABOLITES / sizeof METABOLITES[0], res.metabolites,
                    sizeof res.metabolites[0], res.nmetabolites, NULL, CLI_IN_JSON | CLI_IN_TABLE);
  }
  cli_result_begin(out, "victim_exposure", "\nvictim exposure");
  cli_result_begin(out, "without", "without the perpetrators");
  cli_result_fields(out, NULL, EXPOSURE, 2, &res.without, NULL, CLI_IN_JSON | CLI_IN_TABLE);
  cli_result_end(out);
  cli_result_begin(out, "with", "with them");
  cli_result_fields(out, NULL, EXPOSURE, 2, &res.with, NULL, CLI_IN_JSON | CLI_IN_TABLE);
  cli_result_end(out);
  cli_result_end(out);
  rc = cli_result_finish(out);
  ru_sim_free(with);
  return rc;
}
