/* `reuptake exposure`: steady-state AUCtau, Cmax, Cmin, Cavg and unbound Cavg per compound over
 * the last dosing interval; AUC0-inf, Cmax and tmax for a single dose (DESIGN.md contract). */
#include <stdlib.h>

#include "common.h"
#include "result.h"
#include "simargs.h"

/* rows are ru_exposure; user is the simulation */
CLI_GETTER(get_compound, ru_exposure, c->str = ru_sim_compound_name(user, i))
CLI_GETTER(get_state, ru_exposure, c->str = row->steady_state ? "steady" : "single")

/* One row per compound; the JSON keys are the DESIGN.md contract. */
static const cli_column COLUMNS[] = {
    CLI_GET("compound", NULL, 0, CLI_COL_STR, get_compound),
    {"steady_state", NULL, 0, CLI_COL_BOOL, offsetof(ru_exposure, steady_state), NULL, NULL, CLI_IN_JSON, NULL},
    {"state", NULL, 0, CLI_COL_STR, 0, get_state, NULL, CLI_IN_TEXT, NULL},
    CLI_FIELD_NUM("auc_ng_h_per_ml", "ng*h/mL", 5, ru_exposure, auc_ng_h_per_ml),
    CLI_FIELD_NUM("cmax_ng_per_ml", "ng/mL", 5, ru_exposure, cmax_ng_per_ml),
    CLI_FIELD_NUM("cmin_ng_per_ml", "ng/mL", 5, ru_exposure, cmin_ng_per_ml),
    CLI_FIELD_NUM("cavg_ng_per_ml", "ng/mL", 5, ru_exposure, cavg_ng_per_ml),
    CLI_FIELD_NUM("unbound_cavg_nM", "nM", 4, ru_exposure, unbound_cavg_nm),
    CLI_FIELD_NUM("tmax_h", "h", 4, ru_exposure, tmax_h),
    CLI_FIELD_NUM("tau_h", "h", 4, ru_exposure, tau_h),
};

int cmd_exposure(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  if ((rc = simargs_no_rest(ctx, &a))) return rc;
  ru_sim *s = NULL;
  rc = simargs_build(ctx, &a, &s);
  if (rc) return rc;
  const size_t nc = ru_sim_compound_count(s);
  ru_exposure *e = calloc(nc + 1, sizeof *e);
  ru_error err;
  ru_error_clear(&err);
  ru_status st = e ? ru_sim_exposure(s, e, &err) : RU_ENOMEM;
  cli_result *res = st == RU_OK ? cli_result_new(ctx) : NULL;
  if (st != RU_OK || res == NULL) {
    rc = st != RU_OK ? cli_fail(ctx, st, &err) : 1;
  } else {
    cli_result_rows(res, "compounds", NULL, COLUMNS, sizeof COLUMNS / sizeof COLUMNS[0], e,
                    sizeof *e, nc, s, CLI_IN_ALL);
    cli_result_str(res, "solver", NULL, ru_sim_solver_name(s), CLI_IN_JSON);
    cli_result_lines(res, "mechanisms", "mechanisms", ru_sim_mechanisms(s), NULL, CLI_IN_ALL);
    rc = cli_result_finish(res);
  }
  free(e);
  ru_sim_free(s);
  return rc;
}
