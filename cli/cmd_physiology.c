/* `reuptake physiology`: plasma noradrenaline (spillover, clearance, half-life), sympathetic
 * drive and heart rate in a physiological state, without and with NET blockade: held
 * (--occupancy NET=x), a repeated regimen (steady state over the last dosing interval) or a
 * single dose (the time course, reported at the time of peak NET occupancy). Parses, calls the
 * library, renders. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"
#include "simargs.h"

#define SINGLE_DOSE_DAYS 1.0  /* default horizon of a single dose */
#define ACUTE_H 3.0           /* held inputs: the acute response (DESIGN.md synapse default) */
#define MAX_PARAM_OVERRIDES 32

int cmd_model_params(cli_ctx *ctx, int physio);

static cJSON *values_json(const ru_physio_values *v) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "plasma_ne_pg_per_ml", cli_json_number(v->plasma_ne_pg_per_ml));
  cJSON_AddItemToObject(o, "half_life_min", cli_json_number(v->half_life_min));
  cJSON_AddItemToObject(o, "spillover_ug_per_min", cli_json_number(v->spillover_ug_per_min));
  cJSON_AddItemToObject(o, "clearance_l_per_min", cli_json_number(v->clearance_l_per_min));
  cJSON_AddItemToObject(o, "heart_rate_bpm", cli_json_number(v->heart_rate_bpm));
  cJSON_AddItemToObject(o, "sympathetic_drive_fold", cli_json_number(v->sympathetic_drive_fold));
  cJSON_AddItemToObject(o, "cardiac_ne_fold", cli_json_number(v->cardiac_ne_fold));
  return o;
}

/* Parses "NET=x" (other targets do not act on plasma NE and are refused with a message). */
static int parse_net(cli_ctx *ctx, const char *spec, double *occ_net) {
  const char *eq = strchr(spec, '=');
  char name[32];
  const size_t len = eq != NULL ? (size_t)(eq - spec) : 0;
  if (eq == NULL || len == 0 || len >= sizeof name) {
    return cli_usage(ctx, "--occupancy: expected NET=x");
  }
  memcpy(name, spec, len);
  name[len] = '\0';
  ru_syn_input t;
  if (ru_synapse_input_parse(name, &t, NULL) != RU_OK || t != RU_SYN_NET) {
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
      {"sympathetic_drive", b->sympathetic_drive_fold, d->sympathetic_drive_fold, "fold"},
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

typedef struct phys_opts {
  const char *state;
  double occ_net;
  int occ_given;
  const char *pnames[MAX_PARAM_OVERRIDES];
  double pvalues[MAX_PARAM_OVERRIDES];
  size_t np;
} phys_opts;

static int parse_opts(cli_ctx *ctx, const simargs *a, phys_opts *o, int *params) {
  static char names[MAX_PARAM_OVERRIDES][128];
  o->state = "rest_supine";
  for (size_t i = 0; i < a->nrest; i++) {
    const char *arg = a->rest[i];
    const char *v = NULL;
    const char *opt = NULL;
    static const char *const opts[] = {"--state", "--occupancy", "--param"};
    if (strcmp(arg, "--params") == 0) {
      *params = 1;
      continue;
    }
    for (size_t k = 0; k < 3 && opt == NULL; k++) {
      const size_t n = strlen(opts[k]);
      if (strncmp(arg, opts[k], n) == 0 && arg[n] == '=') {
        opt = opts[k];
        v = arg + n + 1;
      } else if (strcmp(arg, opts[k]) == 0) {
        if (i + 1 >= a->nrest) {
          return cli_usage(ctx, "option %s needs a value", arg);
        }
        opt = opts[k];
        v = a->rest[++i];
      }
    }
    if (opt == NULL) {
      return cli_usage(ctx, arg[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
                       arg);
    }
    int rc = 0;
    if (strcmp(opt, "--state") == 0) {
      o->state = v;
    } else if (strcmp(opt, "--occupancy") == 0) {
      rc = parse_net(ctx, v, &o->occ_net);
      o->occ_given = 1;
    } else {
      const char *eq = strchr(v, '=');
      const size_t len = eq != NULL ? (size_t)(eq - v) : 0;
      if (eq == NULL || len == 0 || len >= sizeof names[0] || o->np >= MAX_PARAM_OVERRIDES) {
        return cli_usage(ctx, "--param: expected NAME=VALUE (see --params)");
      }
      if (!cli_parse_double(ctx, "--param", eq + 1, -1e300, 1e300, &o->pvalues[o->np])) {
        return 2;
      }
      memcpy(names[o->np], v, len);
      names[o->np][len] = '\0';
      o->pnames[o->np] = names[o->np];
      o->np++;
    }
    if (rc != 0) {
      return rc;
    }
  }
  return 0;
}

int cmd_physiology(cli_ctx *ctx) {
  simargs a;
  int rc = simargs_parse(ctx, &a);
  if (rc != 0) {
    return rc;
  }
  phys_opts o;
  memset(&o, 0, sizeof o);
  int params = 0;
  if ((rc = parse_opts(ctx, &a, &o, &params)) != 0) {
    return rc;
  }
  if (params) {
    return cmd_model_params(ctx, 1);
  }
  ru_error err;
  ru_error_clear(&err);
  size_t state = 0;
  ru_status st = ru_physio_state_find(o.state, &state, &err);
  if (st != RU_OK) {
    return cli_fail(ctx, st, &err);
  }
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) {
    return rc;
  }
  ru_physio *p = NULL;
  st = ru_physio_new(kb, &p, &err);
  for (size_t i = 0; st == RU_OK && i < o.np; i++) {
    st = ru_physio_set_param(p, o.pnames[i], o.pvalues[i], &err);
  }
  if (st != RU_OK) {
    ru_physio_free(p);
    return cli_fail(ctx, st, &err);
  }
  const int regimen = a.nregimens > 0 || a.data_path != NULL;
  double held[RU_SYN_NINPUTS] = {0};
  held[RU_SYN_NET] = o.occ_net;
  ru_physio_drug drug = {0.0, 1.0};
  ru_sim *sim = NULL;
  double *tt = NULL;
  double *conc = NULL;
  double *in = NULL;
  ru_physio_drug *series = NULL;
  size_t nt = 0;
  size_t kpeak = 0;
  int single = 0;
  const char *input = o.occ_given ? "held (--occupancy)" : "none";
  if (regimen) {
    if ((rc = simargs_build(ctx, &a, &sim)) != 0) {
      goto done;
    }
    single = !(ru_sim_longest_interval_h(sim) > 0.0);
    if (!single) {
      double mean[RU_SYN_NINPUTS];
      ru_error e;
      ru_error_clear(&e);
      const ru_status sst = ru_synapse_steady_inputs(kb, sim, held, mean, &e);
      if (sst != RU_OK) {
        rc = cli_fail(ctx, sst, &e);
        goto done;
      }
      memcpy(held, mean, sizeof mean);
      input = "regimen: mean steady-state occupancy over the last dosing interval";
    } else {
      if ((rc = simargs_times(ctx, &a, SINGLE_DOSE_DAYS, &tt, &nt)) != 0) {
        goto done;
      }
      conc = malloc((ru_sim_compound_count(sim) * nt + 1) * sizeof *conc);
      in = malloc(nt * RU_SYN_NINPUTS * sizeof *in);
      series = malloc(nt * sizeof *series);
      if (conc == NULL || in == NULL || series == NULL) {
        rc = cli_fail(ctx, RU_ENOMEM, NULL);
        goto done;
      }
      st = ru_sim_run(sim, tt, nt, conc, &err);
      if (st == RU_OK) {
        st = ru_synapse_inputs_from_sim(kb, sim, conc, nt, held, in, &err);
      }
      if (st == RU_OK) {
        st = ru_physio_drug_series(kb, tt, nt, in, series, &err);
      }
      if (st != RU_OK) {
        rc = cli_fail(ctx, st, &err);
        goto done;
      }
      /* samples after the dose instant (at t = 0 of an i.v. bolus the synapse has not
       * responded yet) */
      kpeak = nt > 1 ? 1 : 0;
      for (size_t k = kpeak + 1; k < nt; k++) {
        if (series[k].net_occupancy > series[kpeak].net_occupancy) {
          kpeak = k;
        }
      }
      drug = series[kpeak];
      input = "single dose: time course, reported at the time of peak NET occupancy";
    }
  }
  if (!single && (regimen || o.occ_given)) {
    st = ru_physio_drug_from_inputs(kb, held, ACUTE_H, &drug, &err);
    if (st != RU_OK) {
      rc = cli_fail(ctx, st, &err);
      goto done;
    }
  }
  ru_physio_values base;
  ru_physio_values dv;
  st = ru_physio_steady_state(p, state, NULL, &base, &err);
  if (st == RU_OK) {
    st = ru_physio_steady_state(p, state, &drug, &dv, &err);
  }
  if (st != RU_OK) {
    rc = cli_fail(ctx, st, &err);
    goto done;
  }
  if (ctx->format != CLI_FMT_JSON) {
    rc = emit_table(ctx, ru_physio_state_name(state), drug.net_occupancy, &base, &dv);
    goto done;
  }
  cJSON *root = values_json(&dv);
  cJSON_AddStringToObject(root, "state", ru_physio_state_name(state));
  cJSON_AddItemToObject(root, "net_occupancy", cli_json_number(drug.net_occupancy));
  cJSON_AddStringToObject(root, "occupancy_input", input);
  cJSON_AddItemToObject(root, "baseline", values_json(&base));
  cJSON_AddItemToObject(root, "plasma_ne_fold",
                        cli_json_number(dv.plasma_ne_pg_per_ml / base.plasma_ne_pg_per_ml));
  cJSON_AddItemToObject(root, "volume_l", cli_json_number(dv.volume_l));
  cJSON_AddBoolToObject(root, "clearance_change_sourced", dv.clearance_status != RU_VALUE_MISSING);
  if (single && nt > 0) {
    cJSON_AddItemToObject(root, "time_of_peak_h", cli_json_number(tt[kpeak]));
    cJSON *ts = cJSON_AddObjectToObject(root, "time_course");
    cJSON *th = cJSON_AddArrayToObject(ts, "time_h");
    cJSON *oc = cJSON_AddArrayToObject(ts, "net_occupancy");
    cJSON *pn = cJSON_AddArrayToObject(ts, "plasma_ne_pg_per_ml");
    cJSON *hr = cJSON_AddArrayToObject(ts, "heart_rate_bpm");
    for (size_t k = 0; k < nt; k++) {
      ru_physio_values vk;
      if (ru_physio_steady_state(p, state, &series[k], &vk, NULL) != RU_OK) {
        continue;
      }
      cJSON_AddItemToArray(th, cli_json_number(tt[k]));
      cJSON_AddItemToArray(oc, cli_json_number(series[k].net_occupancy));
      cJSON_AddItemToArray(pn, cli_json_number(vk.plasma_ne_pg_per_ml));
      cJSON_AddItemToArray(hr, cli_json_number(vk.heart_rate_bpm));
    }
  }
  const char *src = ru_physio_state_source(p, state);
  cJSON_AddStringToObject(root, "state_source", src != NULL ? src : "missing");
  cJSON_AddStringToObject(root, "parameters", "reuptake physiology --params");
  cJSON_AddStringToObject(root, "notes",
                          "one-compartment plasma NE (Vd = CL*t1/2/ln2); NET block lowers "
                          "clearance (uptake-1) and changes spillover through two separate "
                          "paths: peripheral (less reuptake: more spillover per release) and "
                          "central (sympathetic drive = LC firing of the synapse model); heart "
                          "rate from cardiac junctional NE; null where no sourced value exists");
  cJSON_AddStringToObject(root, "disclaimer", CLI_DISCLAIMER);
  rc = cli_emit_json(ctx, root);
done:
  free(tt);
  free(conc);
  free(in);
  free(series);
  ru_sim_free(sim);
  ru_physio_free(p);
  return rc;
}
