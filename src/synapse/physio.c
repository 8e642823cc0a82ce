/* The physiology layer: one-compartment plasma NE kinetics with state-specific spillover and
 * clearance, the peripheral (uptake-1) and central (sympatholytic) effects of NET blockade kept
 * separate, and heart rate from cardiac junctional NE (include/reuptake/physio.h). Every
 * number from the knowledge base (domain "physiology") through the registry below. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/physio.h"
#include "synapse/synapse_impl.h"

#define RUI_NAN ((double)NAN)
#define UG_PER_L_TO_PG_PER_ML 1000.0 /* 1 ug/L = 1000 pg/mL (unit conversion) */
#define LN2 0.69314718055994530942
#define PH "physiology"
#define BIG 1e9

static const char *const STATES[] = {"rest_supine",     "seated",       "standing",
                                     "tilt",            "exercise_submax", "exercise_max",
                                     "mental_stress",   "public_speaking", "cold_pressor",
                                     "hypoglycemia"};
#define NSTATES (sizeof STATES / sizeof STATES[0])

enum {
  P_CL0 = 0,
  P_THALF,
  P_SO0,
  P_U1,
  P_RHO_KIDNEY,
  P_RHO_MUSCLE,
  P_RHO_HEART,
  P_W_KIDNEY,
  P_W_MUSCLE,
  P_W_HEART,
  P_HR_GAIN,
  P_W_CENTRAL,
  P_STATE0 /* then per state: spillover fold, clearance fold, heart rate */
};
#define P_SPILL(k) (P_STATE0 + 3 * (k))
#define P_CLEAR(k) (P_STATE0 + 3 * (k) + 1)
#define P_HR(k) (P_STATE0 + 3 * (k) + 2)
#define NPARAMS (P_STATE0 + 3 * NSTATES)

#define STATE_ROWS(st)                                                                       \
  {"physio.spillover_fold." st, PH, "fold", 0.0, BIG, 1,                                     \
   "whole-body NE spillover in state " st ", fold of rest supine"},                          \
      {"physio.clearance_fold." st, PH, "fold", 1e-6, BIG, 1,                                \
       "plasma NE clearance in state " st ", fold of rest supine (missing: resting value)"}, \
      {"physio.hr_bpm." st, PH, "bpm", 0.0, 400.0, 1, "heart rate in state " st " (no drug)"}

static const rui_param_spec SPECS[NPARAMS] = {
    {"physio.clearance_l_per_min", PH, "L/min", 1e-6, BIG, 0,
     "plasma NE metabolic clearance at rest supine"},
    {"physio.half_life_min", PH, "min", 1e-6, BIG, 0, "plasma NE half-life at rest supine"},
    {"physio.spillover_ug_per_min", PH, "ug/min", 0.0, BIG, 0,
     "whole-body NE spillover at rest supine"},
    {"physio.uptake1_clearance_fraction", PH, "fraction", 0.0, 1.0, 0,
     "share of plasma NE clearance by neuronal uptake (uptake-1, NET)"},
    {"physio.release_spillover_ratio.kidney", PH, "ratio", 1.0, BIG, 0,
     "NE release / spillover, kidney"},
    {"physio.release_spillover_ratio.muscle", PH, "ratio", 1.0, BIG, 0,
     "NE release / spillover, skeletal muscle"},
    {"physio.release_spillover_ratio.heart", PH, "ratio", 1.0, BIG, 0,
     "NE release / spillover, heart (lower bound)"},
    {"physio.spillover_share.kidney", PH, "fraction", 0.0, 1.0, 0,
     "kidney share of whole-body NE spillover"},
    {"physio.spillover_share.muscle", PH, "fraction", 0.0, 1.0, 0,
     "skeletal-muscle share of whole-body NE spillover"},
    {"physio.spillover_share.heart", PH, "fraction", 0.0, 1.0, 0,
     "heart share of whole-body NE spillover"},
    {"physio.hr_gain_bpm", PH, "bpm", 0.0, BIG, 0,
     "heart-rate rise per unit rise of cardiac junctional NE (at rest supine drive)"},
    {"physio.central_drive_weight", PH, "fraction", 0.0, 1.0, 0,
     "share of sympathetic outflow that follows the central (LC, alpha2) noradrenergic drive"},
    STATE_ROWS("rest_supine"),
    STATE_ROWS("seated"),
    STATE_ROWS("standing"),
    STATE_ROWS("tilt"),
    STATE_ROWS("exercise_submax"),
    STATE_ROWS("exercise_max"),
    STATE_ROWS("mental_stress"),
    STATE_ROWS("public_speaking"),
    STATE_ROWS("cold_pressor"),
    STATE_ROWS("hypoglycemia"),
};

struct ru_physio {
  rui_param_set ps;
};

ru_status ru_physio_new(const ru_kb *kb, ru_physio **out, ru_error *err) {
  if (kb == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology: NULL knowledge base or output");
  }
  *out = NULL;
  ru_physio *p = rui_calloc(1, sizeof *p);
  if (p == NULL) {
    return ru_error_set(err, RU_ENOMEM, "physiology: out of memory");
  }
  const ru_status st = rui_params_load(&p->ps, SPECS, NPARAMS, kb, err);
  if (st != RU_OK) {
    rui_free(p);
    return st;
  }
  *out = p;
  return RU_OK;
}

void ru_physio_free(ru_physio *p) {
  if (p != NULL) {
    rui_params_free(&p->ps);
    rui_free(p);
  }
}

size_t ru_physio_param_count(const ru_physio *p) { return p != NULL ? p->ps.n : 0; }

ru_status ru_physio_param_at(const ru_physio *p, size_t i, ru_model_param *out, ru_error *err) {
  if (p == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology: NULL model");
  }
  return rui_params_at(&p->ps, i, out, err);
}

ru_status ru_physio_set_param(ru_physio *p, const char *name, double value, ru_error *err) {
  if (p == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology: NULL model");
  }
  return rui_params_set(&p->ps, name, value, err);
}

size_t ru_physio_state_count(void) { return NSTATES; }

const char *ru_physio_state_name(size_t i) { return i < NSTATES ? STATES[i] : NULL; }

const char *ru_physio_state_source(const ru_physio *p, size_t i) {
  if (p == NULL || i >= NSTATES) {
    return NULL;
  }
  const ru_value *v = &p->ps.v[P_SPILL(i)];
  return v->status == RU_VALUE_MISSING ? NULL : v->source;
}

ru_status ru_physio_state_find(const char *name, size_t *idx, ru_error *err) {
  static const struct {
    const char *alias;
    const char *state;
  } aliases[] = {{"rest", "rest_supine"},           {"supine", "rest_supine"},
                 {"sitting", "seated"},             {"upright", "standing"},
                 {"head_up_tilt", "tilt"},          {"exercise", "exercise_submax"},
                 {"exercise_submaximal", "exercise_submax"},
                 {"exercise_maximal", "exercise_max"}, {"stroop", "mental_stress"},
                 {"mental_arithmetic", "mental_stress"}, {"speech", "public_speaking"},
                 {"cold", "cold_pressor"},          {"hypoglycaemia", "hypoglycemia"}};
  if (name == NULL || idx == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology state: NULL argument");
  }
  const char *want = name;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
    if (strcmp(name, aliases[i].alias) == 0) {
      want = aliases[i].state;
    }
  }
  for (size_t i = 0; i < NSTATES; i++) {
    if (strcmp(want, STATES[i]) == 0) {
      *idx = i;
      return RU_OK;
    }
  }
  return ru_error_set(err, RU_ENOTFOUND,
                      "unknown state '%s' (rest_supine, seated, standing, tilt, exercise_submax, "
                      "exercise_max, mental_stress, public_speaking, cold_pressor, hypoglycemia)",
                      name);
}

static double v(const ru_physio *p, size_t i) { return p->ps.v[i].value; }

/* Fold of an organ's NE spillover when a fraction o of its NET is blocked: spillover is the
 * part of release that escapes uptake, 1/rho at rest (rho = release/spillover), so with uptake
 * scaled by (1 - o) it becomes 1 / (1 + (rho - 1)(1 - o)) of release (Kopin 1998 method). */
static double organ_fold(double rho, double o) { return rho / (1.0 + (rho - 1.0) * (1.0 - o)); }

ru_status ru_physio_steady_state(const ru_physio *p, size_t state, const ru_physio_drug *drug,
                                 ru_physio_values *out, ru_error *err) {
  if (p == NULL || out == NULL || state >= NSTATES) {
    return ru_error_set(err, RU_EINVAL, "physiology: bad state or NULL argument");
  }
  const double o = drug != NULL ? drug->net_occupancy : 0.0;
  const double lc = drug != NULL ? drug->central_drive_fold : 1.0;
  /* sympathetic outflow: a share w follows the central noradrenergic drive (the LC firing of
   * the synapse model under the same inputs), the rest is independent of it */
  const double w_c = v(p, P_W_CENTRAL);
  const double dc = (1.0 - w_c) + w_c * lc;
  if (!(o >= 0.0 && o <= 1.0) || !(lc >= 0.0) || !isfinite(lc)) {
    return ru_error_set(err, RU_ERANGE, "physiology: NET occupancy %g outside [0, 1] or bad drive",
                        o);
  }
  const ru_value *sp = &p->ps.v[P_SPILL(state)];
  const ru_value *cl = &p->ps.v[P_CLEAR(state)];
  double sigma = sp->value;
  ru_value_status sstat = sp->status;
  if (state == 0 && sp->status == RU_VALUE_MISSING) {
    sigma = 1.0; /* rest supine is the reference state */
    sstat = RU_VALUE_DERIVED;
  }
  if (!isfinite(sigma)) {
    return ru_error_set(err, RU_EMISSING,
                        "physiology state '%s': its spillover (physio.spillover_fold.%s) is "
                        "missing from the knowledge base",
                        STATES[state], STATES[state]);
  }
  const double gamma = isfinite(cl->value) ? cl->value : 1.0;
  /* peripheral spillover fold: organs with a published release:spillover ratio, by share */
  const double w[3] = {v(p, P_W_KIDNEY), v(p, P_W_MUSCLE), v(p, P_W_HEART)};
  const double rho[3] = {v(p, P_RHO_KIDNEY), v(p, P_RHO_MUSCLE), v(p, P_RHO_HEART)};
  double fsum = 0.0;
  double wsum = 0.0;
  for (size_t i = 0; i < 3; i++) {
    fsum += w[i] * organ_fold(rho[i], o);
    wsum += w[i];
  }
  const double f_periph = wsum > 0.0 ? fsum / wsum : 1.0;
  const double cl0 = v(p, P_CL0);
  const double vd = cl0 * v(p, P_THALF) / LN2;
  out->volume_l = vd;
  out->sympathetic_drive_fold = dc;
  out->spillover_ug_per_min = v(p, P_SO0) * sigma * dc * f_periph;
  out->clearance_l_per_min = cl0 * gamma * (1.0 - v(p, P_U1) * o);
  out->plasma_ne_pg_per_ml =
      out->spillover_ug_per_min / out->clearance_l_per_min * UG_PER_L_TO_PG_PER_ML;
  out->half_life_min = LN2 * vd / out->clearance_l_per_min;
  out->cardiac_ne_fold = dc * organ_fold(rho[2], o);
  out->spillover_status = sstat;
  out->clearance_status = isfinite(cl->value) ? cl->status : RU_VALUE_MISSING;
  const double hr0 = v(p, P_HR(state));
  out->heart_rate_bpm =
      isfinite(hr0) ? hr0 + v(p, P_HR_GAIN) * sigma * (out->cardiac_ne_fold - 1.0) : RUI_NAN;
  return RU_OK;
}

ru_status ru_physio_transition(const ru_physio *p, size_t from, const ru_physio_drug *drug_from,
                               size_t to, const ru_physio_drug *drug_to, const double *t_min,
                               size_t nt, double *plasma_pg_per_ml, ru_error *err) {
  if (t_min == NULL || plasma_pg_per_ml == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology transition: NULL argument");
  }
  ru_physio_values a;
  ru_physio_values b;
  ru_status st = ru_physio_steady_state(p, from, drug_from, &a, err);
  if (st == RU_OK) {
    st = ru_physio_steady_state(p, to, drug_to, &b, err);
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

ru_status ru_physio_drug_series(const ru_kb *kb, const double *time_h, size_t n, const double *in,
                                ru_physio_drug *out, ru_error *err) {
  if (kb == NULL || time_h == NULL || in == NULL || out == NULL || n == 0) {
    return ru_error_set(err, RU_EINVAL, "physiology drug series: NULL or empty argument");
  }
  ru_synapse *s = NULL;
  ru_status st = ru_synapse_new(kb, &s, err);
  if (st != RU_OK) {
    return st;
  }
  st = n > 1 ? ru_synapse_set_inputs_samples(s, time_h, n, in, err)
             : ru_synapse_set_inputs_constant(s, in, err);
  if (st == RU_OK) {
    st = ru_synapse_run(s, time_h, n, err);
  }
  for (size_t k = 0; st == RU_OK && k < n; k++) {
    out[k].net_occupancy = in[k * RU_SYN_NINPUTS + RU_SYN_NET];
    out[k].central_drive_fold = ru_synapse_firing_fold(s, k, RU_SYN_LC);
  }
  ru_synapse_free(s);
  return st;
}

ru_status ru_physio_drug_from_inputs(const ru_kb *kb, const double in[RU_SYN_NINPUTS],
                                     double hours, ru_physio_drug *out, ru_error *err) {
  if (in == NULL || out == NULL || !(hours >= 0.0) || !isfinite(hours)) {
    return ru_error_set(err, RU_EINVAL, "physiology drug: bad argument");
  }
  ru_synapse *s = NULL;
  ru_status st = ru_synapse_new(kb, &s, err);
  if (st != RU_OK) {
    return st;
  }
  st = ru_synapse_set_inputs_constant(s, in, err);
  if (st == RU_OK) {
    st = ru_synapse_run(s, &hours, 1, err);
  }
  if (st == RU_OK) {
    out->net_occupancy = in[RU_SYN_NET];
    out->central_drive_fold = ru_synapse_firing_fold(s, 0, RU_SYN_LC);
  }
  ru_synapse_free(s);
  return st;
}
