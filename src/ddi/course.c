/* The interaction over time (ddi.h, ru_ddi_time_course): onset after the perpetrators start and
 * recovery after they stop, read from the simulated enzyme states. Nothing here is a rate
 * constant of its own: the onset follows the inhibitors' accumulation and, for mechanism-based
 * inhibition, the enzyme's inactivation; the recovery follows the inhibitors' washout and the
 * enzyme's resynthesis at its sourced turnover (kdeg), as the subject model integrates them.
 *
 * Arrows: uses the public pk and kb interfaces only (it sits above pk, like interaction.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "reuptake/ddi.h"
#include "reuptake/regimen.h"

#define COURSE_SAMPLES 4000

/* Weights of the victim's liver enzymes: w[k] = fm of the pathway on enzyme k (NM fractions),
 * *rest = the clearance no enzyme of the simulation carries (renal, other, unmatched). */
static ru_status victim_weights(const ru_kb *kb, const ru_sim *s, const char *victim, double *w,
                                double *rest, ru_error *err) {
  ru_regimen *r = NULL;
  char name[RU_NAME_MAX];
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, victim, err);
  if (st == RU_OK) st = ru_kb_resolve(kb, ru_regimen_event(r, 0)->compound, name, err);
  ru_regimen_free(r);
  ru_compound c;
  if (st == RU_OK) st = ru_kb_compound(kb, name, &c, err);
  if (st != RU_OK) return st;
  const size_t ne = ru_sim_enzyme_count(s);
  for (size_t k = 0; k < ne; k++) w[k] = 0.0;
  *rest = 1.0;
  for (size_t f = 0; f < c.pk.n_fm; f++) {
    const double fm = c.pk.fm[f].fm.value;
    if (!isfinite(fm)) continue;
    for (size_t k = 0; k < ne; k++) {
      if (strcasecmp(ru_sim_enzyme_name(s, k), c.pk.fm[f].enzyme) == 0) {
        w[k] += fm;
        *rest -= fm;
      }
    }
  }
  *rest = fmax(0.0, *rest);
  return RU_OK;
}

/* The first time after t[from] at which d crosses level going in direction dir (+1 up, -1 down),
 * linearly interpolated between samples; NaN when it never does. */
static double crossing(const double *t, const double *d, size_t n, size_t from, double level,
                       int dir) {
  for (size_t j = from; j + 1 < n; j++) {
    const double a = d[j] - level, b = d[j + 1] - level;
    const int hit = dir > 0 ? (a < 0.0 && b >= 0.0) : (a > 0.0 && b <= 0.0);
    if (j == from && (dir > 0 ? a >= 0.0 : a <= 0.0)) return t[j];
    if (hit) return t[j] + (t[j + 1] - t[j]) * a / (a - b);
  }
  return nan("");
}

static ru_status build(const ru_kb *kb, const char *victim, const char *const *perps,
                       size_t nperp, const ru_ddi_options *opt, ru_sim **s, ru_error *err) {
  if (victim != NULL) return ru_ddi_build(kb, victim, perps, nperp, opt, 1, 0.0, s, err);
  /* the perpetrators alone: the first one stands in as the "victim" regimen, stopped as well */
  char first[512];
  const char *p = perps[0];
  if (opt && isfinite(opt->stop_after_h) && strstr(p, ":for=") == NULL &&
      strstr(p, ":n=") == NULL) {
    if (snprintf(first, sizeof first, "%s:for=%.17gh", p, opt->stop_after_h) >= (int)sizeof first)
      return ru_error_set(err, RU_ELIMIT, "perpetrator regimen '%.60s...' is too long", p);
    p = first;
  }
  return ru_ddi_build(kb, p, perps + 1, nperp - 1, opt, 1, 0.0, s, err);
}

ru_status ru_ddi_time_course(const ru_kb *kb, const char *victim, const char *const *perps,
                             size_t nperp, const ru_ddi_options *opt, const char *enzyme,
                             ru_ddi_course *out, ru_error *err) {
  out->effect = out->onset_90_h = out->recovery_50_h = out->recovery_90_h = nan("");
  out->horizon_h = nan("");
  const double stop = opt ? opt->stop_after_h : nan("");
  out->stop_h = stop;
  if (kb == NULL || perps == NULL || nperp == 0)
    return ru_error_set(err, RU_EINVAL, "time course: no perpetrator");
  if (victim == NULL && enzyme == NULL)
    return ru_error_set(err, RU_EINVAL, "time course: give a victim or an enzyme");
  if (isfinite(stop) && !(stop > 0.0))
    return ru_error_set(err, RU_ERANGE, "stop after %g h: must be > 0", stop);
  ru_sim *s = NULL;
  ru_status st = build(kb, victim, perps, nperp, opt, &s, err);
  if (st == RU_OK && enzyme != NULL) st = ru_sim_track_enzyme(s, enzyme, err);
  if (st == RU_OK) st = ru_sim_prepare(s, err);
  if (st != RU_OK) {
    ru_sim_free(s);
    return st;
  }
  const size_t ne = ru_sim_enzyme_count(s);
  double *w = rui_calloc(ne + 1, sizeof *w), rest = 1.0;
  double *t = rui_malloc(COURSE_SAMPLES * sizeof *t), *d = rui_malloc(COURSE_SAMPLES * sizeof *d);
  double *act = rui_malloc((ne + 1) * COURSE_SAMPLES * sizeof *act);
  if (w == NULL || t == NULL || d == NULL || act == NULL) {
    st = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  long k_enzyme = -1;
  if (enzyme != NULL) {
    for (size_t k = 0; k < ne; k++)
      if (strcasecmp(ru_sim_enzyme_name(s, k), enzyme) == 0) k_enzyme = (long)k;
    if (k_enzyme < 0) {
      st = ru_error_set(err, RU_ENOTFOUND,
                        "enzyme '%s' is not a liver enzyme of the simulation", enzyme);
      goto done;
    }
    w[k_enzyme] = 1.0;
    rest = 0.0;
  } else {
    st = victim_weights(kb, s, victim, w, &rest, err);
    if (st != RU_OK) goto done;
  }
  const double settle = ru_sim_settling_time_h(s);
  if (!(settle > 0.0) || !isfinite(settle)) {
    st = ru_error_set(err, RU_ERANGE, "time course: no finite settling time");
    goto done;
  }
  const double horizon = (isfinite(stop) ? stop : 0.0) + settle;
  out->horizon_h = horizon;
  for (size_t j = 0; j < COURSE_SAMPLES; j++)
    t[j] = horizon * (double)j / (double)(COURSE_SAMPLES - 1);
  st = ru_sim_run_enzymes(s, t, COURSE_SAMPLES, act, err);
  if (st != RU_OK) goto done;
  /* d(t) = 1 - sum w a g/a / sum w a: uninhibited reference in the same phenotypes */
  double den = rest;
  for (size_t k = 0; k < ne; k++) den += w[k] * ru_sim_enzyme_activity(s, k);
  for (size_t j = 0; j < COURSE_SAMPLES; j++) {
    double num = rest;
    for (size_t k = 0; k < ne; k++) num += w[k] * act[k * COURSE_SAMPLES + j];
    d[j] = den > 0.0 ? 1.0 - num / den : 0.0;
  }
  size_t js = COURSE_SAMPLES - 1;
  if (isfinite(stop)) {
    js = 0;
    while (js + 1 < COURSE_SAMPLES && t[js + 1] <= stop) js++;
  }
  out->effect = fmax(0.0, d[js]);
  if (out->effect >= RU_DDI_COURSE_MIN_EFFECT) {
    out->onset_90_h = crossing(t, d, js + 1, 0, 0.9 * out->effect, +1);
    if (isfinite(stop)) {
      out->recovery_50_h = crossing(t, d, COURSE_SAMPLES, js, 0.5 * out->effect, -1) - stop;
      out->recovery_90_h = crossing(t, d, COURSE_SAMPLES, js, 0.1 * out->effect, -1) - stop;
    }
  }
done:
  rui_free(w);
  rui_free(t);
  rui_free(d);
  rui_free(act);
  ru_sim_free(s);
  return st;
}
