/* Victim exposure with vs without perpetrators (ddi.h). The interaction is whatever the
 * subject model produces when the compounds are simulated together: competitive and
 * mechanism-based inhibition driven by the perpetrators' concentrations over time. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/ddi.h"
#include "reuptake/regimen.h"

ru_status ru_ddi_build(const ru_kb *kb, const char *victim, const char *const *perps,
                       size_t nperp, const ru_ddi_options *opt, int with_perps, double shift_h,
                       ru_sim **out, ru_error *err) {
  *out = NULL;
  ru_regimen *r = NULL, *shifted = NULL;
  ru_sim *s = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, victim, err);
  if (st == RU_OK) st = ru_regimen_new(&shifted, err);
  for (size_t i = 0; st == RU_OK && i < ru_regimen_count(r); i++) {
    ru_event e = *ru_regimen_event(r, i);
    e.time_h += shift_h;
    st = ru_regimen_add(shifted, &e, err);
  }
  for (size_t k = 0; with_perps && st == RU_OK && k < nperp; k++) {
    char spec[512];
    const char *p = perps[k];
    if (opt && isfinite(opt->stop_after_h) && strstr(p, ":for=") == NULL &&
        strstr(p, ":n=") == NULL) {
      snprintf(spec, sizeof spec, "%s:for=%.17gh", p, opt->stop_after_h);
      p = spec;
    }
    st = ru_regimen_parse(shifted, p, err);
  }
  if (st == RU_OK) st = ru_sim_new(kb, &s, err);
  if (st == RU_OK) st = ru_sim_add_regimen(s, shifted, err);
  for (size_t i = 0; opt && st == RU_OK && i < opt->nphenotypes; i++)
    st = ru_sim_set_phenotype(s, opt->phenotypes[i], err);
  for (size_t i = 0; opt && st == RU_OK && i < opt->noverrides; i++)
    st = ru_sim_set_override(s, opt->overrides[i], err);
  if (opt && st == RU_OK) ru_sim_set_solver(s, opt->solver);
  if (opt && st == RU_OK && opt->hybrid_tol > 0.0)
    st = ru_sim_set_hybrid_tolerance(s, opt->hybrid_tol, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  ru_regimen_free(r);
  ru_regimen_free(shifted);
  if (st != RU_OK) {
    ru_sim_free(s);
    return st;
  }
  *out = s;
  return RU_OK;
}

const char *ru_ddi_reason_name(ru_ddi_reason r) {
  switch (r) {
  case RU_DDI_ACTS:
    return "acts";
  case RU_DDI_TOO_WEAK:
    return "too_weak";
  case RU_DDI_CONSTANT_MISSING:
    return "constant_missing";
  case RU_DDI_NO_SHARED_ENZYME:
    return "no_shared_enzyme";
  case RU_DDI_NOT_INHIBITABLE:
    return "not_inhibitable";
  case RU_DDI_NO_PATHWAYS:
    return "no_pathways";
  }
  return "unknown";
}

/* A static inhibition index below this is called too weak to matter: the clearance through the
 * pathway changes by less than ~2 % (1/(1 + 0.02)); the FDA 2020 in vitro DDI guidance's basic
 * model uses R1 = 1 + Iu/Ki with a 1.02 cut-off for the same purpose. */
#define WEAK_INDEX 0.02

/* Appends formatted text to an explanation line (truncated at its capacity). Only finite
 * numbers are passed: a line never shows "nan". */
static void append(ru_ddi_explanation *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(ru_ddi_explanation *x, const char *fmt, ...) {
  const size_t used = strlen(x->text);
  if (used + 1 >= sizeof x->text) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(x->text + used, sizeof x->text - used, fmt, ap);
  va_end(ap);
}

static ru_ddi_explanation *next_line(ru_ddi_result *out, const char *pathway, double fm) {
  if (out->nexplain >= RU_DDI_MAX_EXPLAIN) return NULL;
  ru_ddi_explanation *x = &out->explain[out->nexplain++];
  memset(x, 0, sizeof *x);
  rui_strlcpy(x->pathway, pathway, sizeof x->pathway);
  x->fm = fm;
  x->strength = nan("");
  return x;
}

/* Unbound plasma concentration (uM) reached by compound i of sim s: the steady-state average, or
 * for a single dose its peak. */
static double unbound_um(const ru_sim *s, size_t i, const ru_exposure *e) {
  if (isfinite(e->unbound_cavg_nm)) return e->unbound_cavg_nm / 1000.0;
  const double fu = ru_sim_compound_fu(s, i), mw = ru_sim_compound_mw(s, i);
  if (!isfinite(fu) || !isfinite(mw) || !(mw > 0.0)) return nan("");
  return e->cmax_ng_per_ml * fu / mw; /* (ng/mL) / (g/mol) = umol/L */
}

/* Explains each victim pathway: which perpetrator constant acts and how strongly at the unbound
 * concentration reached, or why nothing acts. Perpetrators are the compounds of the with-sim
 * that the without-sim lacks (perpetrators and their metabolites). */
static ru_status explain(const ru_kb *kb, const ru_sim *with, const ru_sim *without,
                         const ru_exposure *ew, ru_ddi_result *out, ru_error *err) {
  ru_compound v;
  ru_status st = ru_kb_compound(kb, out->victim, &v, err);
  if (st != RU_OK) return st;
  size_t nperp = 0;
  size_t perp[64];
  for (size_t i = 0; i < ru_sim_compound_count(with) && nperp < 64; i++) {
    if (ru_sim_compound_index(without, ru_sim_compound_name(with, i)) < 0) perp[nperp++] = i;
  }
  int any_fm = 0;
  for (size_t k = 0; k < v.pk.n_fm; k++) any_fm |= v.pk.fm[k].fm.value > 0.0;
  if (!any_fm) {
    ru_ddi_explanation *x = next_line(out, "all", 0.0);
    if (x) {
      x->reason = RU_DDI_NO_PATHWAYS;
      snprintf(x->text, sizeof x->text,
               "%s has no sourced elimination-pathway fractions (fm): no enzyme to inhibit, ratio 1",
               v.name);
    }
    return RU_OK;
  }
  for (size_t k = 0; k < v.pk.n_fm; k++) {
    const char *pw = v.pk.fm[k].enzyme;
    const double fm = v.pk.fm[k].fm.value;
    if (!(fm > 0.0)) continue;
    if (strcmp(pw, "renal") == 0 || strcmp(pw, "biliary") == 0) {
      ru_ddi_explanation *x = next_line(out, pw, fm);
      if (x) {
        x->reason = RU_DDI_NOT_INHIBITABLE;
        snprintf(x->text, sizeof x->text, "%s (fm %.3g): excretion unchanged, not inhibited in the model", pw, fm);
      }
      continue;
    }
    int lines = 0;
    for (size_t q = 0; q < nperp; q++) {
      const size_t i = perp[q];
      const char *pn = ru_sim_compound_name(with, i);
      ru_inhibition in[64];
      size_t nin = 0;
      st = ru_kb_inhibitions(kb, pn, in, 64, &nin, err);
      if (st != RU_OK) return st;
      const double iu = unbound_um(with, i, &ew[i]);
      for (size_t r = 0; r < nin; r++) {
        if (strcasecmp(in[r].enzyme, pw) != 0) continue;
        ru_ddi_explanation *x = next_line(out, pw, fm);
        if (x == NULL) break;
        rui_strlcpy(x->perpetrator, pn, sizeof x->perpetrator);
        lines++;
        if (in[r].kind == RU_INHIB_COMPETITIVE) {
          x->strength = iu / in[r].ki_um.value;
          snprintf(x->text, sizeof x->text,
                   "%s (fm %.3g): %s competitive Ki %.3g uM unbound (measured %.3g uM x fu,mic %.3g; "
                   "source %s)",
                   pw, fm, pn, in[r].ki_um.value, in[r].ki_measured_um, in[r].fu_mic, in[r].ki_um.source);
          if (isfinite(x->strength))
            append(x, "; unbound plasma %.3g uM -> Iu/Ki %.3g", iu, x->strength);
        } else {
          ru_value kdeg;
          ru_error e2;
          const double kd = ru_kb_enzyme_kdeg(kb, pw, &kdeg, &e2) == RU_OK ? kdeg.value : nan("");
          x->strength = in[r].kinact_per_h.value * iu / (in[r].ki_inact_um.value + iu) / kd;
          snprintf(x->text, sizeof x->text,
                   "%s (fm %.3g): %s mechanism-based KI %.3g uM, kinact %.3g/h (source %s)",
                   pw, fm, pn, in[r].ki_inact_um.value, in[r].kinact_per_h.value, in[r].ki_inact_um.source);
          if (isfinite(kd)) append(x, ", kdeg %.3g/h", kd);
          else append(x, ", no kdeg for %s", pw);
          if (isfinite(x->strength))
            append(x, "; unbound plasma %.3g uM -> kinact*Iu/(KI+Iu)/kdeg %.3g", iu, x->strength);
        }
        if (!isfinite(x->strength)) {
          x->reason = RU_DDI_CONSTANT_MISSING;
          rui_strlcpy(x->text + strlen(x->text), " (unbound level unknown: fu or MW missing)",
                      sizeof x->text - strlen(x->text));
        } else {
          x->reason = x->strength < WEAK_INDEX ? RU_DDI_TOO_WEAK : RU_DDI_ACTS;
          if (x->reason == RU_DDI_TOO_WEAK) {
            rui_strlcpy(x->text + strlen(x->text), ": too weak at the unbound concentration reached",
                        sizeof x->text - strlen(x->text));
          }
        }
      }
      char src[RU_SOURCE_MAX];
      int has_const = 0;
      for (size_t r = 0; r < nin; r++) has_const |= strcasecmp(in[r].enzyme, pw) == 0;
      if (!has_const && ru_kb_inhibition_observed(kb, pn, pw, src, sizeof src)) {
        ru_ddi_explanation *x = next_line(out, pw, fm);
        if (x) {
          rui_strlcpy(x->perpetrator, pn, sizeof x->perpetrator);
          x->reason = RU_DDI_CONSTANT_MISSING;
          snprintf(x->text, sizeof x->text,
                   "%s (fm %.3g): %s inhibits it in vivo (%s) but no Ki or KI/kinact is sourced: not modelled",
                   pw, fm, pn, src);
          lines++;
        }
      }
    }
    if (lines == 0) {
      ru_ddi_explanation *x = next_line(out, pw, fm);
      if (x) {
        const int other = strcmp(pw, "other") == 0;
        x->reason = other ? RU_DDI_NOT_INHIBITABLE : RU_DDI_NO_SHARED_ENZYME;
        snprintf(x->text, sizeof x->text,
                 other ? "%s (fm %.3g): unattributed clearance, not inhibited in the model"
                       : "%s (fm %.3g): no perpetrator has a sourced constant for this enzyme (no shared enzyme)",
                 pw, fm);
      }
    }
  }
  if (v.pk.fm_other.value > 0.0 || v.pk.n_fm > 0) {
    double rest = 1.0;
    for (size_t k = 0; k < v.pk.n_fm; k++) rest -= v.pk.fm[k].fm.value > 0.0 ? v.pk.fm[k].fm.value : 0.0;
    if (rest > 1e-9) {
      ru_ddi_explanation *x = next_line(out, "other", rest);
      if (x) {
        x->reason = RU_DDI_NOT_INHIBITABLE;
        snprintf(x->text, sizeof x->text, "other (fm %.3g): unattributed clearance, not inhibited in the model",
                 rest);
      }
    }
  }
  return RU_OK;
}

/* The victim's metabolites (every compound of the without-sim other than the victim: the
 * victim regimen alone forms only the victim and its metabolites). */
static ru_status metabolite_ratios(const ru_sim *with, const ru_sim *without, const ru_exposure *ew,
                                   const ru_exposure *eo, ru_ddi_result *out, ru_error *err) {
  for (size_t i = 0; i < ru_sim_compound_count(without); i++) {
    const char *name = ru_sim_compound_name(without, i);
    if (strcmp(name, out->victim) == 0) continue;
    const long w = ru_sim_compound_index(with, name);
    if (w < 0) continue;
    if (out->nmetabolites >= RU_MAX_METABOLITES) {
      return ru_error_set(err, RU_ELIMIT, "%s: more than RU_MAX_METABOLITES (%d) metabolites to report",
                          out->victim, RU_MAX_METABOLITES);
    }
    ru_ddi_metabolite *m = &out->metabolites[out->nmetabolites++];
    rui_strlcpy(m->compound, name, sizeof m->compound);
    m->auc_ratio = ew[w].auc_ng_h_per_ml / eo[i].auc_ng_h_per_ml;
    m->cmax_ratio = ew[w].cmax_ng_per_ml / eo[i].cmax_ng_per_ml;
  }
  return RU_OK;
}

ru_status ru_ddi_interaction(const ru_kb *kb, const char *victim, const char *const *perps,
                             size_t nperp, const ru_ddi_options *opt, ru_ddi_result *out,
                             ru_error *err) {
  memset(out, 0, sizeof *out);
  ru_regimen *vr = NULL;
  ru_status st = ru_regimen_new(&vr, err);
  if (st == RU_OK) st = ru_regimen_parse(vr, victim, err);
  if (st == RU_OK) {
    const ru_event *e = ru_regimen_event(vr, 0);
    out->single_dose = !(e->ii_h > 0.0 && e->addl != 0);
    st = ru_kb_resolve(kb, e->compound, out->victim, err);
  }
  ru_regimen_free(vr);
  if (st != RU_OK) return st;
  /* continued co-administration for the ratios (a stop time only matters for washout) */
  ru_ddi_options cont = {0};
  if (opt) cont = *opt;
  cont.stop_after_h = nan("");
  ru_sim *with = NULL, *without = NULL;
  st = ru_ddi_build(kb, victim, perps, nperp, &cont, 1, 0.0, &with, err);
  if (st == RU_OK && out->single_dose) {
    out->shift_h = ru_sim_settling_time_h(with);
    ru_sim_free(with);
    with = NULL;
    st = ru_ddi_build(kb, victim, perps, nperp, &cont, 1, out->shift_h, &with, err);
  }
  if (st == RU_OK) st = ru_ddi_build(kb, victim, perps, nperp, &cont, 0, out->shift_h, &without, err);
  ru_exposure *ew = NULL, *eo = NULL;
  if (st == RU_OK) {
    ew = rui_calloc(ru_sim_compound_count(with), sizeof *ew);
    eo = rui_calloc(ru_sim_compound_count(without), sizeof *eo);
    if (ew == NULL || eo == NULL) st = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  if (st == RU_OK) st = ru_sim_exposure(with, ew, err);
  if (st == RU_OK) st = ru_sim_exposure(without, eo, err);
  if (st == RU_OK) {
    const long vw = ru_sim_compound_index(with, out->victim);
    const long vo = ru_sim_compound_index(without, out->victim);
    out->with = ew[vw];
    out->without = eo[vo];
    out->auc_ratio = ew[vw].auc_ng_h_per_ml / eo[vo].auc_ng_h_per_ml;
    out->cmax_ratio = ew[vw].cmax_ng_per_ml / eo[vo].cmax_ng_per_ml;
    st = metabolite_ratios(with, without, ew, eo, out, err);
  }
  if (st == RU_OK) st = explain(kb, with, without, ew, out, err);
  rui_free(ew);
  rui_free(eo);
  ru_sim_free(with);
  ru_sim_free(without);
  return st;
}
