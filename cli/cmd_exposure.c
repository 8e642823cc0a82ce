/* `reuptake exposure`: steady-state AUCtau, Cmax, Cmin, Cavg and unbound Cavg per compound over
 * the last dosing interval; AUC0-inf, Cmax and tmax for a single dose (DESIGN.md contract). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "simargs.h"

int cmd_exposure(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc) return rc;
  if ((rc = simargs_no_rest(ctx, &a))) return rc;
  ru_sim *s = NULL;
  rc = simargs_build(ctx, &a, &s);
  if (rc) return rc;
  const size_t nc = ru_sim_compound_count(s);
  ru_exposure *e = calloc(nc, sizeof *e);
  ru_error err;
  ru_error_clear(&err);
  ru_status st = e ? ru_sim_exposure(s, e, &err) : RU_ENOMEM;
  if (st != RU_OK) {
    free(e);
    ru_sim_free(s);
    return cli_fail(ctx, st, &err);
  }
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "compounds");
    for (size_t i = 0; i < nc; i++) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "compound", ru_sim_compound_name(s, i));
      cJSON_AddBoolToObject(o, "steady_state", e[i].steady_state);
      cJSON_AddItemToObject(o, "auc_ng_h_per_ml", cli_json_number(e[i].auc_ng_h_per_ml));
      cJSON_AddItemToObject(o, "cmax_ng_per_ml", cli_json_number(e[i].cmax_ng_per_ml));
      cJSON_AddItemToObject(o, "cmin_ng_per_ml", cli_json_number(e[i].cmin_ng_per_ml));
      cJSON_AddItemToObject(o, "cavg_ng_per_ml", cli_json_number(e[i].cavg_ng_per_ml));
      cJSON_AddItemToObject(o, "unbound_cavg_nM", cli_json_number(e[i].unbound_cavg_nm));
      cJSON_AddItemToObject(o, "tmax_h", cli_json_number(e[i].tmax_h));
      cJSON_AddItemToObject(o, "tau_h", cli_json_number(e[i].tau_h));
      cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddStringToObject(root, "solver", ru_sim_solver_name(s));
    cJSON *m = cJSON_AddArrayToObject(root, "mechanisms");
    char *copy = strdup(ru_sim_mechanisms(s));
    char *save = NULL;
    for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
      cJSON_AddItemToArray(m, cJSON_CreateString(l));
    free(copy);
    free(e);
    ru_sim_free(s);
    return cli_emit_json(ctx, root);
  }
  static const char *const hdr[] = {"compound", "state", "auc_ng_h_per_ml", "cmax_ng_per_ml",
                                    "cmin_ng_per_ml", "cavg_ng_per_ml", "unbound_cavg_nM",
                                    "tmax_h", "tau_h"};
  cli_table *t = cli_table_new(9, hdr);
  for (size_t i = 0; i < nc; i++) {
    char b[7][32];
    const char *cells[9] = {ru_sim_compound_name(s, i),
                            e[i].steady_state ? "steady" : "single",
                            cli_fmt(b[0], 32, e[i].auc_ng_h_per_ml, 5),
                            cli_fmt(b[1], 32, e[i].cmax_ng_per_ml, 5),
                            cli_fmt(b[2], 32, e[i].cmin_ng_per_ml, 5),
                            cli_fmt(b[3], 32, e[i].cavg_ng_per_ml, 5),
                            cli_fmt(b[4], 32, e[i].unbound_cavg_nm, 4),
                            cli_fmt(b[5], 32, e[i].tmax_h, 4),
                            cli_fmt(b[6], 32, e[i].tau_h, 4)};
    cli_table_add(t, cells);
  }
  cli_out *o = cli_out_new();
  cli_table_render(t, ctx->format, o);
  if (ctx->format == CLI_FMT_TABLE) {
    const char *mech = ru_sim_mechanisms(s);
    if (mech[0]) cli_out_printf(o, "\nmechanisms:\n%s", mech);
    cli_out_printf(o, "\n%s\n", CLI_DISCLAIMER);
  }
  cli_table_free(t);
  free(e);
  ru_sim_free(s);
  return cli_out_commit(ctx, o);
}
