/* The physiology layer: one-compartment plasma NE kinetics and a sympathetic-drive heart-rate
 * model under NET occupancy (include/reuptake/physio.h). Every number from params.c. */
#include <math.h>
#include <string.h>

#include "reuptake/physio.h"
#include "synapse/synapse_impl.h"

#define RUI_NAN ((double)NAN)
#define UG_PER_L_TO_PG_PER_ML 1000.0 /* 1 ug/L = 1000 pg/mL (unit conversion) */

typedef struct state_def {
  const char *name;
  rui_syn_param drive; /* spillover multiplier row, or RUI_P_COUNT for 1.0 */
  rui_syn_param hr;    /* baseline HR row, or RUI_P_COUNT when none is sourced */
  int hr_drug;         /* 1: the NET effect on HR is modelled (postural states) */
} state_def;

static const state_def STATES[] = {
    {"rest_supine", RUI_P_COUNT, RUI_P_PH_HR_SUPINE, 1},
    {"standing", RUI_P_PH_DRIVE_STANDING, RUI_P_PH_HR_STANDING, 1},
    {"exercise_submax", RUI_P_PH_DRIVE_EX_SUB, RUI_P_PH_HR_EX_SUB, 0},
    {"exercise_max", RUI_P_PH_DRIVE_EX_MAX, RUI_P_COUNT, 0},
    {"mental_stress", RUI_P_PH_DRIVE_MENTAL, RUI_P_COUNT, 0},
    {"cold_pressor", RUI_P_PH_DRIVE_COLD, RUI_P_COUNT, 0},
};
#define NSTATES (sizeof STATES / sizeof STATES[0])

size_t ru_physio_state_count(void) { return NSTATES; }

const char *ru_physio_state_name(size_t i) { return i < NSTATES ? STATES[i].name : NULL; }

const char *ru_physio_state_source(size_t i) {
  if (i >= NSTATES) {
    return NULL;
  }
  const rui_syn_param p = STATES[i].drive == RUI_P_COUNT ? RUI_P_PH_SO0 : STATES[i].drive;
  return ru_synapse_param_get((size_t)p)->source;
}

ru_status ru_physio_state_find(const char *name, size_t *idx, ru_error *err) {
  static const struct {
    const char *alias;
    size_t state;
  } aliases[] = {{"rest", 0}, {"supine", 0}, {"upright", 1}, {"exercise", 2},
                 {"exercise_submaximal", 2}, {"exercise_maximal", 3}, {"cold", 5}};
  if (name == NULL || idx == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology state: NULL argument");
  }
  for (size_t i = 0; i < NSTATES; i++) {
    if (strcmp(name, STATES[i].name) == 0) {
      *idx = i;
      return RU_OK;
    }
  }
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
    if (strcmp(name, aliases[i].alias) == 0) {
      *idx = aliases[i].state;
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_ENOTFOUND,
                      "unknown state '%s' (rest_supine, standing, exercise_submax, exercise_max, "
                      "mental_stress, cold_pressor)",
                      name);
}

static double pv(rui_syn_param p) { return rui_syn_param_value(p); }

ru_status ru_physio_steady_state(size_t state, double occ_net, ru_physio_values *out,
                                 ru_error *err) {
  if (out == NULL || state >= NSTATES) {
    return ru_error_set(err, RU_EINVAL, "physiology: bad state or NULL output");
  }
  if (!(occ_net >= 0.0 && occ_net <= 1.0)) {
    return ru_error_set(err, RU_ERANGE, "NET occupancy %g outside [0, 1]", occ_net);
  }
  const state_def *s = &STATES[state];
  const double drive = s->drive == RUI_P_COUNT ? 1.0 : pv(s->drive);
  const double vd = pv(RUI_P_PH_VD);
  out->volume_l = vd;
  out->spillover_ug_per_min = pv(RUI_P_PH_SO0) * drive * (1.0 - pv(RUI_P_PH_A_SO) * occ_net);
  out->clearance_l_per_min = pv(RUI_P_PH_CL0) * (1.0 - pv(RUI_P_PH_A_CL) * occ_net);
  out->plasma_ne_pg_per_ml =
      out->spillover_ug_per_min / out->clearance_l_per_min * UG_PER_L_TO_PG_PER_ML;
  out->half_life_min = log(2.0) * vd / out->clearance_l_per_min;
  if (s->hr == RUI_P_COUNT) {
    out->heart_rate_bpm = RUI_NAN;
  } else if (occ_net == 0.0) {
    out->heart_rate_bpm = pv(s->hr);
  } else if (!s->hr_drug) {
    out->heart_rate_bpm = RUI_NAN; /* drug effect on exercise HR not modelled (no data) */
  } else {
    /* cardiac junctional NE fold: +25% cardiac spillover at desipramine occupancy 0.9 */
    const double j = 1.0 + pv(RUI_P_PH_CARD_DMI_RISE) * occ_net / pv(RUI_P_OCC_NEAR_COMPLETE);
    out->heart_rate_bpm = pv(s->hr) + pv(RUI_P_PH_HR_BETA) * drive * (j - 1.0);
  }
  return RU_OK;
}

ru_status ru_physio_transition(size_t from, double occ_from, size_t to, double occ_to,
                               const double *t_min, size_t nt, double *plasma_pg_per_ml,
                               ru_error *err) {
  if (t_min == NULL || plasma_pg_per_ml == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology transition: NULL argument");
  }
  ru_physio_values a;
  ru_physio_values b;
  ru_status st = ru_physio_steady_state(from, occ_from, &a, err);
  if (st == RU_OK) {
    st = ru_physio_steady_state(to, occ_to, &b, err);
  }
  if (st != RU_OK) {
    return st;
  }
  const double k = b.clearance_l_per_min / b.volume_l; /* 1/min */
  for (size_t i = 0; i < nt; i++) {
    const double t = fmax(0.0, t_min[i]);
    plasma_pg_per_ml[i] =
        b.plasma_ne_pg_per_ml + (a.plasma_ne_pg_per_ml - b.plasma_ne_pg_per_ml) * exp(-k * t);
  }
  return RU_OK;
}
