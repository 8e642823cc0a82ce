/* The physiology of a run, as the `physiology` command and the Python package report it: the
 * state without and with the drug, where the drug effect comes from held synapse inputs, from a
 * repeated regimen (its mean steady-state inputs over the last dosing interval) or from a single
 * dose (the time course, reported at the sample of peak NET occupancy). Held and steady inputs
 * act for RU_PHYSIO_ACUTE_H, the acute response of DESIGN.md (the synapse command's default). */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/physio.h"

void ru_physio_outcome_clear(ru_physio_outcome *o) {
  if (o == NULL) return;
  rui_free(o->course_time_h); /* the four course columns are one block */
  memset(o, 0, sizeof *o);
  o->time_of_peak_h = nan("");
}

/* A single dose: the time course on the default grid of RU_PHYSIO_SINGLE_DOSE_H, the drug effect at each
 * sample (*series, nt entries, caller frees) and the sample of peak NET occupancy. */
static ru_status single_dose(const ru_kb *kb, ru_sim *sim, const double held[RU_SYN_NINPUTS],
                             double **times, ru_physio_drug **series, size_t *nt, size_t *kpeak,
                             ru_error *err) {
  const double step = ru_sim_default_step_h(RU_PHYSIO_SINGLE_DOSE_H);
  const size_t n = (size_t)floor(RU_PHYSIO_SINGLE_DOSE_H / step + 1e-9) + 1;
  double *t = rui_malloc(n * sizeof *t);
  double *conc = rui_malloc((ru_sim_compound_count(sim) * n + 1) * sizeof *conc);
  double *in = rui_malloc(n * RU_SYN_NINPUTS * sizeof *in);
  ru_physio_drug *d = rui_malloc(n * sizeof *d);
  ru_status st = RU_OK;
  if (t == NULL || conc == NULL || in == NULL || d == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  for (size_t j = 0; st == RU_OK && j < n; j++) t[j] = (double)j * step;
  if (st == RU_OK) st = ru_sim_run(sim, t, n, conc, err);
  if (st == RU_OK) st = ru_synapse_inputs_from_sim(kb, sim, conc, n, held, in, err);
  if (st == RU_OK) st = ru_physio_drug_series(kb, t, n, in, d, err);
  rui_free(conc);
  rui_free(in);
  if (st != RU_OK) {
    rui_free(t);
    rui_free(d);
    return st;
  }
  /* samples after the dose instant (at t = 0 of an i.v. bolus the synapse has not responded) */
  size_t k = n > 1 ? 1 : 0;
  for (size_t j = k + 1; j < n; j++) {
    if (d[j].net_occupancy > d[k].net_occupancy) k = j;
  }
  *times = t;
  *series = d;
  *nt = n;
  *kpeak = k;
  return RU_OK;
}

/* The course at the samples the model evaluates (the others are left out, time and values). */
static ru_status course(const ru_physio *p, size_t state, const double *t,
                        const ru_physio_drug *d, size_t nt, ru_physio_outcome *out,
                        ru_error *err) {
  double *col = rui_malloc((4 * nt + 1) * sizeof *col);
  if (col == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  size_t m = 0;
  for (size_t k = 0; k < nt; k++) {
    ru_physio_values v;
    if (ru_physio_steady_state(p, state, &d[k], &v, NULL) != RU_OK) continue;
    col[m] = t[k];
    col[nt + m] = d[k].net_occupancy;
    col[2 * nt + m] = v.plasma_ne_pg_per_ml;
    col[3 * nt + m] = v.heart_rate_bpm;
    m++;
  }
  out->ncourse = m;
  out->course_time_h = col;
  out->course_net_occupancy = col + nt;
  out->course_plasma_ne_pg_per_ml = col + 2 * nt;
  out->course_heart_rate_bpm = col + 3 * nt;
  return RU_OK;
}

const char *ru_physio_input_text(ru_physio_input input) {
  switch (input) {
  case RU_PHYSIO_HELD:
    return "held (--occupancy)";
  case RU_PHYSIO_STEADY:
    return "regimen: mean steady-state occupancy over the last dosing interval";
  case RU_PHYSIO_SINGLE_DOSE:
    return "single dose: time course, reported at the time of peak NET occupancy";
  default:
    return "none";
  }
}

ru_status ru_physio_evaluate(const ru_physio *p, const ru_kb *kb, size_t state, ru_sim *sim,
                             const double held_in[RU_SYN_NINPUTS], ru_physio_outcome *out,
                             ru_error *err) {
  if (p == NULL || kb == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "physiology: NULL argument");
  }
  memset(out, 0, sizeof *out);
  out->time_of_peak_h = nan("");
  double held[RU_SYN_NINPUTS] = {0};
  if (held_in != NULL) memcpy(held, held_in, sizeof held);
  ru_physio_drug drug = {0.0, 1.0}; /* no drug: no occupancy, central drive at baseline */
  double *t = NULL;
  ru_physio_drug *series = NULL;
  size_t nt = 0, kpeak = 0;
  ru_status st = RU_OK;
  out->input = held_in != NULL ? RU_PHYSIO_HELD : RU_PHYSIO_NO_DRUG;
  if (sim != NULL) {
    /* a regimen without a repeating interval is a single dose */
    out->input = ru_sim_longest_interval_h(sim) > 0.0 ? RU_PHYSIO_STEADY : RU_PHYSIO_SINGLE_DOSE;
    if (out->input == RU_PHYSIO_STEADY) {
      double mean[RU_SYN_NINPUTS];
      st = ru_synapse_steady_inputs(kb, sim, held, mean, err);
      memcpy(held, mean, sizeof held);
    } else {
      st = single_dose(kb, sim, held, &t, &series, &nt, &kpeak, err);
      if (st == RU_OK) {
        drug = series[kpeak];
        out->time_of_peak_h = t[kpeak];
      }
    }
  }
  if (st == RU_OK && (out->input == RU_PHYSIO_HELD || out->input == RU_PHYSIO_STEADY)) {
    st = ru_physio_drug_from_inputs(kb, held, RU_PHYSIO_ACUTE_H, &drug, err);
  }
  if (st == RU_OK) st = ru_physio_steady_state(p, state, NULL, &out->baseline, err);
  if (st == RU_OK) st = ru_physio_steady_state(p, state, &drug, &out->with_drug, err);
  if (st == RU_OK) {
    out->drug = drug;
    out->plasma_ne_fold = out->with_drug.plasma_ne_pg_per_ml / out->baseline.plasma_ne_pg_per_ml;
  }
  if (st == RU_OK && series != NULL) st = course(p, state, t, series, nt, out, err);
  rui_free(t);
  rui_free(series);
  if (st != RU_OK) ru_physio_outcome_clear(out);
  return st;
}
