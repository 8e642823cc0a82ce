/* The parameter registry of the synapse model and the loader shared with physiology: which
 * knowledge-base parameters (data/params.csv, domain "synapse") the model reads, in which unit,
 * within which range an override is accepted, and what each one means. Values, statuses and
 * source keys live in the knowledge base only; calibrated values name the rows of
 * validation/calibration_synapse.csv they were fitted on in their source (docs/synapse.md).
 * Optional parameters switch a mechanism off when the KB lacks them (a missing value is never
 * replaced by a guess). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "synapse/synapse_impl.h"

#define SYN "synapse"
#define BIG 1e9

const rui_param_spec rui_syn_params[RUI_P_SYN_COUNT] = {
    [RUI_P_A0] = {"autoreceptor.basal_activation", SYN, "fraction", 1e-6, 1.0 - 1e-6, 0,
                  "fraction of every autoreceptor activated by the basal transmitter level"},
    [RUI_P_REL_CAP] = {"release.capacity_fold", SYN, "fold", 1.0, BIG, 0,
                       "maximal sustained release (vesicular store refill) as fold of basal"},
    [RUI_P_NE_C0] = {"ne.c0_nm", SYN, "nM", 1e-6, BIG, 0, "basal extracellular NE"},
    [RUI_P_NE_T_HALF] = {"ne.uptake_half_life_s", SYN, "s", 1e-6, BIG, 0,
                         "half-life of extracellular NE clearance (sets seconds-scale kinetics)"},
    [RUI_P_NE_SH_NET] = {"ne.share_net", SYN, "fraction", 0.0, 0.99999, 0,
                         "NET share of NE clearance (rest: diffusion and extraneuronal uptake)"},
    [RUI_P_NE_IMP] = {"ne.impulse_fraction", SYN, "fraction", 0.0, 1.0, 0,
                      "impulse-dependent (TTX-sensitive) fraction of basal NE release"},
    [RUI_P_LC_HZ] = {"lc.rate_hz", SYN, "Hz", 1e-6, BIG, 0, "basal LC firing (scales Hz only)"},
    [RUI_P_A2_GS] = {"alpha2.gain_soma", SYN, "-", 0.0, BIG, 0,
                     "LC somatodendritic alpha2A gain on firing"},
    [RUI_P_A2_GT] = {"alpha2.gain_terminal", SYN, "-", 0.0, BIG, 0,
                     "terminal alpha2 gain on exocytosis from NE terminals"},
    [RUI_P_A2S_DEPTH] = {"alpha2.soma_desensitization_depth", SYN, "-", 0.0, BIG, 1,
                         "LC alpha2A desensitization per unit of excess activation"},
    [RUI_P_A2T_DEPTH] = {"alpha2.terminal_desensitization_depth", SYN, "-", 0.0, BIG, 1,
                         "terminal alpha2 desensitization per unit of excess activation"},
    [RUI_P_A2T_TAU] = {"alpha2.desensitization_tau_d", SYN, "d", 1e-6, BIG, 1,
                       "time constant of alpha2 desensitization and recovery"},
    [RUI_P_A1_W] = {"alpha1.raphe_weight", SYN, "-", 0.0, BIG, 1,
                    "alpha1 (NE) excitation of raphe firing per unit of activation change"},
    [RUI_P_DA_C0_STR] = {"da.c0_striatum_nm", SYN, "nM", 1e-6, BIG, 0, "basal striatal DA"},
    [RUI_P_DA_C0_NAC] = {"da.c0_nacc_nm", SYN, "nM", 1e-6, BIG, 0,
                         "basal DA, nucleus accumbens (used for cortex and VTA)"},
    [RUI_P_DAT_KM] = {"dat.km_um", SYN, "uM", 1e-6, BIG, 0, "DAT Michaelis constant"},
    [RUI_P_DAT_VMAX] = {"dat.vmax_um_per_s", SYN, "uM/s", 1e-6, BIG, 0, "DAT Vmax, striatum"},
    [RUI_P_DA_TAU_DIFF] = {"da.diffusion_tau_s", SYN, "s", 1e-6, BIG, 0,
                           "time constant of DA escape by diffusion, striatum"},
    [RUI_P_DA_IMP_STR] = {"da.impulse_fraction_striatum", SYN, "fraction", 0.0, 1.0, 0,
                          "impulse-dependent fraction of basal striatal DA release"},
    [RUI_P_DA_IMP_NAC] = {"da.impulse_fraction_nacc", SYN, "fraction", 0.0, 1.0, 0,
                          "impulse-dependent fraction of DA release, NAc (used for cortex)"},
    [RUI_P_DA_SH_DAT_CTX] = {"da.share_dat_cortex", SYN, "fraction", 0.0, 1.0, 0,
                             "DAT share of cortical DA clearance"},
    [RUI_P_DA_LC_FRAC] = {"da.cortex_lc_fraction", SYN, "fraction", 0.0, 1.0, 0,
                          "fraction of cortical DA released from noradrenergic terminals"},
    [RUI_P_VTA_HZ] = {"vta.rate_hz", SYN, "Hz", 1e-6, BIG, 0, "basal VTA DA firing"},
    [RUI_P_D2_GS] = {"d2.gain_soma", SYN, "-", 0.0, BIG, 0, "VTA somatodendritic D2 gain"},
    [RUI_P_D2_GT] = {"d2.gain_terminal", SYN, "-", 0.0, BIG, 0, "terminal D2 gain on exocytosis"},
    [RUI_P_D2S_DEPTH] = {"d2.soma_desensitization_depth", SYN, "-", 0.0, BIG, 1,
                         "VTA D2 desensitization per unit of excess activation"},
    [RUI_P_D2S_TAU] = {"d2.desensitization_tau_d", SYN, "d", 1e-6, BIG, 1,
                       "time constant of D2 desensitization and recovery"},
    [RUI_P_HT_C0_CTX] = {"5ht.c0_cortex_nm", SYN, "nM", 1e-6, BIG, 0, "basal cortical 5-HT"},
    [RUI_P_HT_C0_STR] = {"5ht.c0_striatum_nm", SYN, "nM", 1e-6, BIG, 0, "basal striatal 5-HT"},
    [RUI_P_HT_KO_CTX] = {"5ht.c0_sert_ko_cortex_nm", SYN, "nM", 1e-6, BIG, 0,
                         "basal cortical 5-HT in SERT-/- mice (gives the SERT share)"},
    [RUI_P_HT_KO_STR] = {"5ht.c0_sert_ko_striatum_nm", SYN, "nM", 1e-6, BIG, 0,
                         "basal striatal 5-HT in SERT-/- mice"},
    [RUI_P_SERT_KM] = {"sert.km_um", SYN, "uM", 1e-6, BIG, 0, "SERT Michaelis constant"},
    [RUI_P_SERT_VMAX] = {"sert.vmax_um_per_h", SYN, "uM/h", 1e-6, BIG, 0, "SERT Vmax"},
    [RUI_P_HT_IMP] = {"5ht.impulse_fraction", SYN, "fraction", 0.0, 1.0, 0,
                      "impulse-dependent fraction of basal 5-HT release"},
    [RUI_P_DRN_IMP] = {"drn.impulse_fraction", SYN, "fraction", 0.0, 1.0, 0,
                       "impulse-dependent fraction of somatodendritic 5-HT release in the raphe"},
    [RUI_P_DRN_HZ] = {"drn.rate_hz", SYN, "Hz", 1e-6, BIG, 0, "basal dorsal raphe firing"},
    [RUI_P_HT1A_GS] = {"5ht1a.gain_soma", SYN, "-", 0.0, BIG, 0,
                       "raphe somatodendritic 5-HT1A gain on firing"},
    [RUI_P_HT1B_GT] = {"5ht1b.gain_terminal", SYN, "-", 0.0, BIG, 0,
                       "terminal 5-HT1B gain on exocytosis"},
    [RUI_P_HT1A_TAU] = {"5ht1a.desensitization_tau_d", SYN, "d", 1e-6, BIG, 0,
                        "time constant of 5-HT1A desensitization and recovery"},
    [RUI_P_HT1A_DEPTH] = {"5ht1a.desensitization_depth", SYN, "-", 0.0, BIG, 0,
                          "5-HT1A desensitization per unit of excess activation"},
    [RUI_P_HT1B_DEPTH] = {"5ht1b.desensitization_depth", SYN, "-", 0.0, BIG, 1,
                          "terminal 5-HT1B desensitization per unit of excess activation"},
    [RUI_P_HT1B_TAU] = {"5ht1b.desensitization_tau_d", SYN, "d", 1e-6, BIG, 1,
                        "time constant of 5-HT1B desensitization and recovery"},
    [RUI_P_HT2C_W] = {"5ht2c.vta_weight", SYN, "-", 0.0, BIG, 1,
                      "5-HT2C (5-HT) inhibition of VTA firing per unit of activation change"},
    [RUI_P_EFFLUX_MAX] = {"releaser.efflux_max", SYN, "fold", 0.0, BIG, 1,
                          "transporter-reversal release at full releaser occupancy, fold of "
                          "basal release"},
    [RUI_P_EXPR_SERT_HET] = {"expression.sert_heterozygous", SYN, "fold", 0.0, 10.0, 0,
                             "SERT expression in SERT+/- (genotype scenario)"},
    [RUI_P_EXPR_DAT_TG] = {"expression.dat_overexpression", SYN, "fold", 0.0, 10.0, 0,
                           "DAT uptake in DAT-overexpressing mice (genotype scenario)"},
};

ru_status rui_params_load(rui_param_set *ps, const rui_param_spec *spec, size_t n,
                          const ru_kb *kb, ru_error *err) {
  if (ps == NULL || spec == NULL || kb == NULL) {
    return ru_error_set(err, RU_EINVAL, "parameters: NULL argument");
  }
  ru_value *v = rui_calloc(n, sizeof *v);
  if (v == NULL) {
    return ru_error_set(err, RU_ENOMEM, "parameters: out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    ru_error e;
    ru_error_clear(&e);
    const ru_status st = ru_kb_param(kb, spec[i].domain, spec[i].name, &v[i], &e);
    if (st == RU_ENOTFOUND || (st == RU_OK && !isfinite(v[i].value))) {
      v[i].value = (double)NAN;
      v[i].status = RU_VALUE_MISSING;
      v[i].source[0] = '\0';
      if (!spec[i].optional) {
        rui_free(v);
        return ru_error_set(err, RU_EMISSING,
                            "%s parameter '%s' is missing from the knowledge base "
                            "(data/params.csv)",
                            spec[i].domain, spec[i].name);
      }
    } else if (st != RU_OK) {
      rui_free(v);
      if (err != NULL) {
        *err = e;
      }
      return st;
    } else if (!(v[i].value >= spec[i].lo && v[i].value <= spec[i].hi)) {
      const double x = v[i].value;
      rui_free(v);
      return ru_error_set(err, RU_ERANGE,
                          "%s parameter '%s' = %g in the knowledge base is outside [%g, %g]",
                          spec[i].domain, spec[i].name, x, spec[i].lo, spec[i].hi);
    }
  }
  ps->spec = spec;
  ps->n = n;
  ps->v = v;
  return RU_OK;
}

ru_status rui_params_copy(rui_param_set *dst, const rui_param_set *src, ru_error *err) {
  ru_value *v = rui_malloc((src->n ? src->n : 1) * sizeof *v);
  if (v == NULL) {
    return ru_error_set(err, RU_ENOMEM, "parameters: out of memory");
  }
  memcpy(v, src->v, src->n * sizeof *v);
  dst->spec = src->spec;
  dst->n = src->n;
  dst->v = v;
  return RU_OK;
}

void rui_params_free(rui_param_set *ps) {
  if (ps != NULL) {
    rui_free(ps->v);
    ps->v = NULL;
    ps->n = 0;
  }
}

long rui_params_index(const rui_param_set *ps, const char *name) {
  if (ps == NULL || name == NULL) {
    return -1;
  }
  for (size_t i = 0; i < ps->n; i++) {
    if (strcmp(ps->spec[i].name, name) == 0) {
      return (long)i;
    }
  }
  return -1;
}

ru_status rui_params_set(rui_param_set *ps, const char *name, double value, ru_error *err) {
  const long i = rui_params_index(ps, name);
  if (i < 0) {
    return ru_error_set(err, RU_ENOTFOUND, "unknown model parameter '%s' (see --params)",
                        name != NULL ? name : "(null)");
  }
  const rui_param_spec *sp = &ps->spec[i];
  if (!isfinite(value) || value < sp->lo || value > sp->hi) {
    return ru_error_set(err, RU_ERANGE, "parameter '%s' = %g outside [%g, %g] (%s)", name, value,
                        sp->lo, sp->hi, sp->unit);
  }
  ps->v[i].value = value;
  ps->v[i].status = RU_VALUE_USER;
  rui_strlcpy(ps->v[i].source, "user", sizeof ps->v[i].source);
  return RU_OK;
}

ru_status rui_params_at(const rui_param_set *ps, size_t i, ru_model_param *out, ru_error *err) {
  if (ps == NULL || out == NULL || i >= ps->n) {
    return ru_error_set(err, RU_ERANGE, "parameter index %zu out of range", i);
  }
  const rui_param_spec *sp = &ps->spec[i];
  out->name = sp->name;
  out->domain = sp->domain;
  out->unit = sp->unit;
  out->meaning = sp->meaning;
  out->value = ps->v[i];
  out->optional = sp->optional;
  return RU_OK;
}

void ru_model_param_citation(const ru_kb *kb, const ru_model_param *p, char *citation,
                             size_t cap) {
  if (citation == NULL || cap == 0) return;
  citation[0] = '\0';
  if (p == NULL) return;
  if (p->value.source[0] != '\0' && strcmp(p->value.source, "user") != 0) {
    if (kb != NULL) ru_kb_source(kb, p->value.source, citation, cap, NULL);
  } else if (p->value.status == RU_VALUE_MISSING) {
    snprintf(citation, cap, "missing from the knowledge base%s", p->optional ? " (mechanism off)" : "");
  }
}
