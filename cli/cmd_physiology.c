/* `reuptake physiology`: plasma noradrenaline (spillover, clearance, half-life) and heart rate
 * in a physiological state, without and with NET occupancy (--occupancy NET=x, or the mean
 * steady-state NET occupancy of a regimen). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"
#include "simargs.h"

#define NPROFILE 97 /* points over the steady-state dosing interval for the mean occupancy */

int cmd_synapse_params(cli_ctx *ctx, int physio_only);

static cJSON *values_json(const ru_physio_values *v) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "plasma_ne_pg_per_ml", cli_json_number(v->plasma_ne_pg_per_ml));
  cJSON_AddItemToObject(o, "half_life_min", cli_json_number(v->half_life_min));
  cJSON_AddItemToObject(o, "spillover_ug_per_min", cli_json_number(v->spillover_ug_per_min));
  cJSON_AddItemToObject(o, "clearance_l_per_min", cli_json_number(v->clearance_l_per_min));
  cJSON_AddItemToObject(o, "heart_rate_bpm", cli_json_number(v->heart_rate_bpm));
  return o;
}

/* Mean steady-state NET occupancy of the regimens over the last dosing interval. */
static int regimen_net_occupancy(cli_ctx *ctx, const simargs *a, double *occ_net) {
  int rc = 0;
  ru_regimen *reg = NULL;
  ru_sim *sim = NULL;
  double *conc = NULL;
  double t[NPROFILE];
  double occ[NPROFILE];
  double tau = 0.0;
  if ((rc = simargs_regimen(ctx, a, &reg)) != 0) {
    return rc;
  }
  if ((rc = simargs_sim(ctx, a, reg, &sim)) != 0) {
    goto done;
  }
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) {
    goto done;
  }
  conc = malloc((ru_sim_compound_count(sim) * NPROFILE + 1) * sizeof *conc);
  if (conc == NULL) {
    rc = cli_fail(ctx, RU_ENOMEM, NULL);
    goto done;
  }
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_sim_steady_profile(sim, NPROFILE, t, conc, &tau, &err);
  if (st == RU_OK) {
    st = ru_pd_occupancy_series(kb, sim, "NET", conc, NPROFILE, occ, NULL, &err);
  }
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
    goto done;
  }
  double acc = 0.0; /* trapezoid mean over the interval */
  for (size_t j = 0; j < NPROFILE; j++) {
    acc += ((j == 0 || j + 1 == NPROFILE) ? 0.5 : 1.0) * occ[j];
  }
  *occ_net = fmin(1.0, fmax(0.0, acc / (double)(NPROFILE - 1)));
done:
  free(conc);
  ru_sim_free(sim);
  ru_regimen_free(reg);
  return rc;
}

/* Parses "NET=x" (other targets do not act on plasma NE and are refused with a message). */
static int parse_net(cli_ctx *ctx, const char *spec, double *occ_net) {
  const char *eq = strchr(spec, '=');
  if (eq == NULL) {
    return cli_usage(ctx, "--occupancy: expected NET=x");
  }
  char name[32];
  const size_t len = (size_t)(eq - spec);
  if (len == 0 || len >= sizeof name) {
    return cli_usage(ctx, "--occupancy: expected NET=x");
  }
  memcpy(name, spec, len);
  name[len] = '\0';
  ru_syn_target t;
  if (ru_synapse_target_parse(name, &t, NULL) != RU_OK || t != RU_SYN_NET) {
    return cli_usage(ctx, "--occupancy: only NET acts on plasma NE kinetics (got '%s')", name);
  }
  if (!cli_parse_double(ctx, "--occupancy", eq + 1, 0.0, 1.0, occ_net)) {
    return 2;
  }
  return 0;
}

static int emit_table(cli_ctx *ctx, const char *state, double occ_net, const ru_physio_values *b,
                      const ru_physio_values *d) {
  static const char *const hdr[] = {"quantity", "baseline", "with_drug", "unit"};
  cli_table *t = cli_table_new(4, hdr);
  cli_out *o = cli_out_new();
  if (t == NULL || o == NULL) {
    cli_table_free(t);
    cli_out_free(o);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  const struct {
    const char *name;
    double b, d;
    const char *unit;
  } rows[] = {
      {"plasma_ne", b->plasma_ne_pg_per_ml, d->plasma_ne_pg_per_ml, "pg/mL"},
      {"half_life", b->half_life_min, d->half_life_min, "min"},
      {"spillover", b->spillover_ug_per_min, d->spillover_ug_per_min, "ug/min"},
      {"clearance", b->clearance_l_per_min, d->clearance_l_per_min, "L/min"},
      {"heart_rate", b->heart_rate_bpm, d->heart_rate_bpm, "bpm"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char c1[32];
    char c2[32];
    const char *cells[4] = {rows[i].name, cli_fmt(c1, sizeof c1, rows[i].b, 4),
                            cli_fmt(c2, sizeof c2, rows[i].d, 4), rows[i].unit};
    cli_table_add(t, cells);
  }
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "state %s, NET occupancy %.3g\n", state, occ_net);
  }
  cli_table_render(t, ctx->format, o);
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "%s\n", CLI_DISCLAIMER);
  }
  cli_table_free(t);
  return cli_out_commit(ctx, o);
}

int cmd_physiology(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc != 0) {
    return rc;
  }
  const char *state_name = "rest_supine";
  double occ_net = 0.0;
  int occ_given = 0;
  for (size_t i = 0; i < a.nrest; i++) {
    const char *arg = a.rest[i];
    const char *v = NULL;
    int is_state = 0;
    if (strcmp(arg, "--params") == 0) {
      return cmd_synapse_params(ctx, 1);
    }
    if (strncmp(arg, "--state=", 8) == 0) {
      v = arg + 8;
      is_state = 1;
    } else if (strncmp(arg, "--occupancy=", 12) == 0) {
      v = arg + 12;
    } else if (strcmp(arg, "--state") == 0 || strcmp(arg, "--occupancy") == 0) {
      if (i + 1 >= a.nrest) {
        return cli_usage(ctx, "option %s needs a value", arg);
      }
      is_state = strcmp(arg, "--state") == 0;
      v = a.rest[++i];
    } else if (arg[0] == '-') {
      return cli_usage(ctx, "unknown option '%s'", arg);
    } else {
      return cli_usage(ctx, "unexpected argument '%s'", arg);
    }
    if (is_state) {
      state_name = v;
    } else {
      if ((rc = parse_net(ctx, v, &occ_net)) != 0) {
        return rc;
      }
      occ_given = 1;
    }
  }
  ru_error err;
  ru_error_clear(&err);
  size_t state = 0;
  ru_status st = ru_physio_state_find(state_name, &state, &err);
  if (st != RU_OK) {
    return cli_fail(ctx, st, &err);
  }
  const int regimen = a.nregimens > 0 || a.data_path != NULL;
  if (regimen) {
    double reg_occ = 0.0;
    if ((rc = regimen_net_occupancy(ctx, &a, &reg_occ)) != 0) {
      return rc;
    }
    /* an explicit --occupancy NET adds as an independent block */
    occ_net = 1.0 - (1.0 - reg_occ) * (1.0 - occ_net);
  }
  ru_physio_values base;
  ru_physio_values drug;
  st = ru_physio_steady_state(state, 0.0, &base, &err);
  if (st == RU_OK) {
    st = ru_physio_steady_state(state, occ_net, &drug, &err);
  }
  if (st != RU_OK) {
    return cli_fail(ctx, st, &err);
  }
  if (ctx->format != CLI_FMT_JSON) {
    return emit_table(ctx, ru_physio_state_name(state), occ_net, &base, &drug);
  }
  cJSON *root = values_json(&drug);
  cJSON_AddStringToObject(root, "state", ru_physio_state_name(state));
  cJSON_AddItemToObject(root, "net_occupancy", cli_json_number(occ_net));
  cJSON_AddStringToObject(root, "occupancy_input",
                          regimen ? "regimen: mean steady-state NET occupancy"
                                  : (occ_given ? "held (--occupancy)" : "none"));
  cJSON_AddItemToObject(root, "baseline", values_json(&base));
  cJSON_AddItemToObject(root, "plasma_ne_fold",
                        cli_json_number(drug.plasma_ne_pg_per_ml / base.plasma_ne_pg_per_ml));
  cJSON_AddItemToObject(root, "volume_l", cli_json_number(drug.volume_l));
  cJSON *src = cJSON_AddArrayToObject(root, "sources");
  cJSON_AddItemToArray(src, cJSON_CreateString(ru_physio_state_source(state)));
  static const char *const keys[] = {"physio.clearance", "physio.half_life", "physio.spillover",
                                     "physio.net_clearance_slope", "physio.dmi_spillover_drop",
                                     "physio.cardiac_spillover_rise_dmi", "physio.hr_gain"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const ru_synapse_param *p = ru_synapse_param_find(keys[i]);
    if (p != NULL) {
      cJSON_AddItemToArray(src, cJSON_CreateString(p->source));
    }
  }
  cJSON_AddStringToObject(root, "notes",
                          "one-compartment plasma NE (Vd = CL*t1/2/ln2); heart rate from cardiac "
                          "sympathetic drive, not plasma NE; null where no sourced value exists. "
                          "'plasma NE unchanged under NET block' is built into the clearance "
                          "slope (see reuptake physiology --params)");
  cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
  return cli_emit_json(ctx, root);
}
