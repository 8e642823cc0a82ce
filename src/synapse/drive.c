/* Regimen-driven synapse inputs: the occupancy time course of a simulation's compounds at the
 * transporters (every ligand competing, ru_pd_occupancy_series), the part held by substrate
 * releasers (the ligand table), antagonism at alpha1 and 5-HT2C from the KB affinities, and
 * held occupancies added by competitive binding (ru_synapse_combine_occupancy). This is the
 * one place where a regimen becomes synapse inputs; the CLI, validation and Python call it. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "reuptake/pd.h"
#include "synapse/synapse_impl.h"

#define NIN RU_SYN_NINPUTS
/* numerical bound keeping the odds o/(1-o) finite (changes no reported digit) */
#define OCC_MAX_DRIVE (1.0 - 1e-9)

/* KB targets read for the synapse inputs (ru_kb_targets names). */
static const struct {
  const char *target;
  ru_syn_input input;
} KB_TARGETS[] = {{"NET", RU_SYN_NET},
                  {"DAT", RU_SYN_DAT},
                  {"SERT", RU_SYN_SERT},
                  {"alpha1", RU_SYN_ALPHA1},
                  {"5-HT2C", RU_SYN_5HT2C}};
#define NKB (sizeof KB_TARGETS / sizeof KB_TARGETS[0])

static const ru_syn_input RELEASER_OF[RU_SYN_NTRANSPORTERS] = {
    RU_SYN_NET_RELEASER, RU_SYN_DAT_RELEASER, RU_SYN_SERT_RELEASER};

/* 1 when compound i of the simulation is a substrate releaser carried by transporter t. */
static int is_releaser_at(const ru_sim *sim, size_t i, size_t t) {
  const ru_syn_ligand *l = ru_synapse_ligand_find(ru_sim_compound_name(sim, i));
  if (l == NULL || l->kind != RU_SYN_RELEASER) {
    return 0;
  }
  const ru_syn_input r = RELEASER_OF[t];
  return l->input == r || l->input2 == (int)r;
}

ru_status ru_synapse_inputs_from_sim(const ru_kb *kb, const ru_sim *sim, const double *conc,
                                     size_t nt, const double held[RU_SYN_NINPUTS], double *out,
                                     ru_error *err) {
  if (kb == NULL || sim == NULL || conc == NULL || out == NULL || nt == 0) {
    return ru_error_set(err, RU_EINVAL, "synapse inputs: NULL or empty argument");
  }
  const size_t nc = ru_sim_compound_count(sim);
  double *occ = rui_malloc(nt * sizeof *occ);
  double *by = rui_malloc((nc * nt + 1) * sizeof *by);
  if (occ == NULL || by == NULL) {
    rui_free(occ);
    rui_free(by);
    return ru_error_set(err, RU_ENOMEM, "synapse inputs: out of memory");
  }
  memset(out, 0, nt * NIN * sizeof *out);
  ru_status st = RU_OK;
  for (size_t q = 0; q < NKB && st == RU_OK; q++) {
    st = ru_pd_occupancy_series(kb, sim, KB_TARGETS[q].target, conc, nt, occ, by, err);
    if (st != RU_OK) {
      break;
    }
    const size_t in = KB_TARGETS[q].input;
    for (size_t j = 0; j < nt; j++) {
      out[j * NIN + in] = fmin(1.0, fmax(0.0, occ[j]));
    }
    if (in < RU_SYN_NTRANSPORTERS) {
      for (size_t j = 0; j < nt; j++) {
        double rel = 0.0;
        for (size_t i = 0; i < nc; i++) {
          if (is_releaser_at(sim, i, in)) {
            rel += by[i * nt + j];
          }
        }
        out[j * NIN + RELEASER_OF[in]] = fmin(out[j * NIN + in], fmax(0.0, rel));
      }
    }
  }
  rui_free(occ);
  rui_free(by);
  if (st != RU_OK || held == NULL) {
    return st;
  }
  for (size_t j = 0; j < nt; j++) {
    double *row = out + j * NIN;
    for (size_t t = 0; t < RU_SYN_NTRANSPORTERS; t++) {
      /* two ligand sets at one site: each keeps its share of the combined occupancy, and so
       * does the releaser part of each */
      const double a = fmin(row[t], OCC_MAX_DRIVE);
      const double b = fmin(held[t], OCC_MAX_DRIVE);
      const double xa = a / (1.0 - a);
      const double xb = b / (1.0 - b);
      const double occ_a = xa / (1.0 + xa + xb);
      const double occ_b = xb / (1.0 + xa + xb);
      const double ra = a > 0.0 ? fmin(1.0, row[RELEASER_OF[t]] / a) : 0.0;
      const double rb = b > 0.0 ? fmin(1.0, held[RELEASER_OF[t]] / b) : 0.0;
      row[t] = occ_a + occ_b;
      row[RELEASER_OF[t]] = fmin(row[t], ra * occ_a + rb * occ_b);
    }
    for (size_t t = RU_SYN_SERT_RELEASER + 1; t < NIN; t++) {
      row[t] = ru_synapse_combine_occupancy(row[t], held[t]);
    }
  }
  return RU_OK;
}

ru_status ru_synapse_steady_inputs(const ru_kb *kb, ru_sim *sim, const double held[RU_SYN_NINPUTS],
                                   double mean[RU_SYN_NINPUTS], ru_error *err) {
  if (kb == NULL || sim == NULL || mean == NULL) {
    return ru_error_set(err, RU_EINVAL, "synapse steady inputs: NULL argument");
  }
  const size_t np = RU_PD_STEADY_POINTS;
  const size_t nc = ru_sim_compound_count(sim);
  double *t = rui_malloc(np * sizeof *t);
  double *conc = rui_malloc((nc ? nc : 1) * np * sizeof *conc);
  double *in = rui_malloc(np * NIN * sizeof *in);
  double *col = rui_malloc(np * sizeof *col);
  ru_status st = RU_OK;
  if (t == NULL || conc == NULL || in == NULL || col == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "synapse steady inputs: out of memory");
  }
  double tau = 0.0;
  if (st == RU_OK) {
    st = ru_sim_steady_profile(sim, np, t, conc, &tau, err);
  }
  if (st == RU_OK) {
    st = ru_synapse_inputs_from_sim(kb, sim, conc, np, held, in, err);
  }
  if (st == RU_OK) {
    /* the pd layer's interval mean (trapezoid over the equally spaced steady-state grid) */
    for (size_t q = 0; q < NIN; q++) {
      for (size_t j = 0; j < np; j++) {
        col[j] = in[j * NIN + q];
      }
      ru_pd_interval_stats(col, np, &mean[q], NULL, NULL);
      mean[q] = fmin(1.0, fmax(0.0, mean[q]));
    }
    for (size_t q = 0; q < RU_SYN_NTRANSPORTERS; q++) {
      mean[RELEASER_OF[q]] = fmin(mean[RELEASER_OF[q]], mean[q]);
    }
  }
  rui_free(t);
  rui_free(conc);
  rui_free(in);
  rui_free(col);
  return st;
}

ru_status ru_synapse_set_inputs_from_sim(ru_synapse *s, const ru_kb *kb, ru_sim *sim,
                                         const double *times_h, size_t nt,
                                         const double held[NIN], ru_error *err) {
  if (s == NULL || sim == NULL || times_h == NULL || nt == 0) {
    return ru_error_set(err, RU_EINVAL, "ru_synapse_set_inputs_from_sim: no simulation or times");
  }
  double *conc = rui_malloc((ru_sim_compound_count(sim) * nt + 1) * sizeof *conc);
  double *in = rui_malloc(nt * NIN * sizeof *in);
  ru_status st = conc != NULL && in != NULL ? RU_OK : ru_error_set(err, RU_ENOMEM, "out of memory");
  if (st == RU_OK) st = ru_sim_run(sim, times_h, nt, conc, err);
  if (st == RU_OK) st = ru_synapse_inputs_from_sim(kb, sim, conc, nt, held, in, err);
  if (st == RU_OK) {
    st = nt > 1 ? ru_synapse_set_inputs_samples(s, times_h, nt, in, err)
                : ru_synapse_set_inputs_constant(s, in, err);
  }
  rui_free(conc);
  rui_free(in);
  return st;
}
