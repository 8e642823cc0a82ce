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
#include "result.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"
#include "simargs.h"

#define MAX_PARAM_OVERRIDES 32

/* --- the result ------------------------------------------------------------------------------ */

/* The quantities of a state (the JSON contract's keys): top-level fields with the drug and under
 * "baseline" without it; the table and CSV set the two side by side. */
static const cli_column VALUES[] = {
    CLI_FIELD_NUM("plasma_ne_pg_per_ml", "pg/mL", 4, ru_physio_values, plasma_ne_pg_per_ml),
    CLI_FIELD_NUM("half_life_min", "min", 4, ru_physio_values, half_life_min),
    CLI_FIELD_NUM("spillover_ug_per_min", "ug/min", 4, ru_physio_values, spillover_ug_per_min),
    CLI_FIELD_NUM("clearance_l_per_min", "L/min", 4, ru_physio_values, clearance_l_per_min),
    CLI_FIELD_NUM("heart_rate_bpm", "bpm", 4, ru_physio_values, heart_rate_bpm),
    CLI_FIELD_NUM("sympathetic_drive_fold", "fold", 4, ru_physio_values, sympathetic_drive_fold),
    CLI_FIELD_NUM("cardiac_ne_fold", "fold", 4, ru_physio_values, cardiac_ne_fold),
};
#define NVALUES (sizeof VALUES / sizeof VALUES[0])

/* What the run was and how the drug state was reached (JSON only: the table heads itself). */
typedef struct phys_summary {
  const char *state, *input, *state_source;
  double net_occupancy, plasma_ne_fold, volume_l;
  int clearance_sourced;
  double time_of_peak_h; /* NaN unless a single dose */
} phys_summary;

static const cli_column HEAD[] = {
    CLI_FIELD_STRP("state", phys_summary, state),
    CLI_FIELD_NUM("net_occupancy", "fraction", 4, phys_summary, net_occupancy),
    CLI_FIELD_STRP("occupancy_input", phys_summary, input),
};

static const cli_column TAIL[] = {
    CLI_FIELD_NUM("plasma_ne_fold", "fold", 4, phys_summary, plasma_ne_fold),
    CLI_FIELD_NUM("volume_l", "L", 4, phys_summary, volume_l),
    CLI_FIELD_BOOL("clearance_change_sourced", phys_summary, clearance_sourced),
    {"time_of_peak_h", "h", 4, CLI_COL_NUM, offsetof(phys_summary, time_of_peak_h), NULL, NULL,
     CLI_OMIT_MISSING, NULL},
};

/* A single dose's time course (JSON "time_course"), at the samples the model could evaluate. */
typedef struct phys_course {
  cli_nums time_h, net_occupancy, plasma_ne_pg_per_ml, heart_rate_bpm;
} phys_course;

static const cli_column COURSE[] = {
    {"time_h", "h", 6, CLI_COL_NUMS, offsetof(phys_course, time_h), NULL, NULL, 0, NULL},
    {"net_occupancy", "fraction", 4, CLI_COL_NUMS, offsetof(phys_course, net_occupancy), NULL, NULL, 0, NULL},
    {"plasma_ne_pg_per_ml", "pg/mL", 4, CLI_COL_NUMS, offsetof(phys_course, plasma_ne_pg_per_ml), NULL, NULL, 0, NULL},
    {"heart_rate_bpm", "bpm", 4, CLI_COL_NUMS, offsetof(phys_course, heart_rate_bpm), NULL, NULL, 0, NULL},
};

static const char NOTES[] =
    "one-compartment plasma NE (Vd = CL*t1/2/ln2); NET block lowers clearance (uptake-1) and "
    "changes spillover through two separate paths: peripheral (less reuptake: more spillover per "
    "release) and central (sympathetic drive = LC firing of the synapse model); heart rate from "
    "cardiac junctional NE; null where no sourced value exists";

/* Renders the state without and with the drug; course (NULL: none) is the single dose's. */
static int emit(cli_ctx *ctx, const phys_summary *sum, const ru_physio_values *base,
                const ru_physio_values *dv, const phys_course *course) {
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) return 1;
  const void *const both[2] = {base, dv};
  static const char *const labels[2] = {"baseline", "with_drug"};
  cli_result_note(res, "state %s, NET occupancy %.3g\n", sum->state, sum->net_occupancy);
  cli_result_compare(res, NULL, NULL, "quantity", VALUES, NVALUES, both, labels, 2, NULL, CLI_IN_TEXT);
  cli_result_fields(res, NULL, VALUES, NVALUES, dv, NULL, CLI_IN_JSON);
  cli_result_fields(res, NULL, HEAD, sizeof HEAD / sizeof HEAD[0], sum, NULL, CLI_IN_JSON);
  cli_result_begin(res, "baseline", NULL);
  cli_result_fields(res, NULL, VALUES, NVALUES, base, NULL, CLI_IN_JSON);
  cli_result_end(res);
  cli_result_fields(res, NULL, TAIL, sizeof TAIL / sizeof TAIL[0], sum, NULL, CLI_IN_JSON);
  if (course != NULL) {
    cli_result_begin(res, "time_course", NULL);
    cli_result_fields(res, NULL, COURSE, sizeof COURSE / sizeof COURSE[0], course, NULL, CLI_IN_JSON);
    cli_result_end(res);
  }
  cli_result_str(res, "state_source", NULL, sum->state_source, CLI_IN_JSON);
  cli_result_str(res, "parameters", NULL, "reuptake physiology --params", CLI_IN_JSON);
  cli_result_str(res, "notes", NULL, NOTES, CLI_IN_JSON);
  return cli_result_finish(res);
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

typedef struct phys_opts {
  const char *state;
  double occ_net;
  int occ_given;
  int params;
  char pnames[MAX_PARAM_OVERRIDES][128];
  double pvalues[MAX_PARAM_OVERRIDES];
  size_t np;
} phys_opts;

/* The command's own options (the option table has checked names and values). */
static int parse_opts(cli_ctx *ctx, phys_opts *o) {
  o->state = "rest_supine";
  for (size_t k = 0; k < ctx->nparsed; k++) {
    const cli_arg *p = &ctx->parsed[k];
    if (p->opt == NULL) {
      if (simargs_is_regimen(p)) continue;
      return cli_usage(ctx, p->text[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
                       p->text);
    }
    const char *n = p->opt->name, *v = p->text;
    if (strcmp(n, "--params") == 0) {
      o->params = 1;
    } else if (strcmp(n, "--state") == 0) {
      o->state = v;
    } else if (strcmp(n, "--occupancy") == 0) {
      const int rc = parse_net(ctx, v, &o->occ_net);
      if (rc != 0) return rc;
      o->occ_given = 1;
    } else if (strcmp(n, "--param") == 0) {
      const char *eq = strchr(v, '=');
      const size_t len = eq != NULL ? (size_t)(eq - v) : 0;
      if (eq == NULL || len == 0 || len >= sizeof o->pnames[0] || o->np >= MAX_PARAM_OVERRIDES) {
        return cli_usage(ctx, "--param: expected NAME=VALUE (see --params)");
      }
      if (!cli_parse_double(ctx, "--param", eq + 1, -1e300, 1e300, &o->pvalues[o->np])) {
        return 2;
      }
      memcpy(o->pnames[o->np], v, len);
      o->pnames[o->np][len] = '\0';
      o->np++;
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
  if ((rc = parse_opts(ctx, &o)) != 0) {
    return rc;
  }
  if (o.params) {
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
  ru_sim *sim = NULL;
  if ((a.nregimens > 0 || a.data_path != NULL) && (rc = simargs_build(ctx, &a, &sim)) != 0) {
    ru_physio_free(p);
    return rc;
  }
  double held[RU_SYN_NINPUTS] = {0};
  held[RU_SYN_NET] = o.occ_net;
  ru_physio_outcome out;
  st = ru_physio_evaluate(p, kb, state, sim, sim != NULL || o.occ_given ? held : NULL, &out, &err);
  ru_sim_free(sim);
  if (st != RU_OK) {
    ru_physio_free(p);
    return cli_fail(ctx, st, &err);
  }
  const char *src = ru_physio_state_source(p, state);
  const phys_summary sum = {ru_physio_state_name(state), ru_physio_input_text(out.input), src != NULL ? src : "missing",
                            out.drug.net_occupancy, out.plasma_ne_fold, out.with_drug.volume_l,
                            out.with_drug.clearance_status != RU_VALUE_MISSING, out.time_of_peak_h};
  const size_t m = out.ncourse;
  const phys_course course = {{out.course_time_h, m}, {out.course_net_occupancy, m},
                              {out.course_plasma_ne_pg_per_ml, m}, {out.course_heart_rate_bpm, m}};
  rc = emit(ctx, &sum, &out.baseline, &out.with_drug, out.input == RU_PHYSIO_SINGLE_DOSE ? &course : NULL);
  ru_physio_outcome_clear(&out);
  ru_physio_free(p);
  return rc;
}
