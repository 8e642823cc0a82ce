/* The population plot: a view of a summary as stacked panels sharing the time axis (days past
 * 72 h) — median with the 5-95 % band of each compound's concentration, the same of each
 * target's occupancy, the probability of each target-attainment criterion over time, and the
 * end-window Cavg of the first compound by CYP2D6 phenotype (median and 5-95 %, drawn as a band
 * across the axis). Drawn by ru_plot_panels (io), written atomically. */
#include <stdio.h>

#include "core/alloc.h"
#include "reuptake/io.h"
#include "reuptake/pop.h"

ru_status ru_pop_plot(const ru_pop *p, const ru_pop_summary *s, const char *path, ru_error *err) {
  if (p == NULL || s == NULL || path == NULL) return ru_error_set(err, RU_EINVAL, "no population to plot");
  const size_t nt = ru_pop_nt(p), nb = ru_pop_band_count(p), nc = ru_pop_compound_count(p);
  const size_t ncrit = ru_pop_criterion_count(p), nph = ru_pop_phenotype_count(p);
  const double *t = ru_pop_times(p);
  const int use_days = t[nt - 1] > 72.0;
  /* per band: median, p5, p95; per criterion: probability; per phenotype: Cavg p50, p5, p95 */
  const size_t nser = 3 * nb + ncrit + 3 * nph + 1;
  double *v = rui_calloc(nser * nt, sizeof *v);
  ru_plot_series *ser = rui_calloc(nb + ncrit + nph + 1, sizeof *ser);
  if (v == NULL || ser == NULL) {
    rui_free(v);
    rui_free(ser);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  double *x = v + (nser - 1) * nt;
  for (size_t j = 0; j < nt; j++) x[j] = use_days ? t[j] / 24.0 : t[j];
  char labels[32][96];
  size_t ns = 0;
  ru_plot_panel panels[4];
  size_t np = 0;
  for (int part = 0; part < 2; part++) {
    const size_t first = ns;
    for (size_t b = 0; b < nb && ns < 24; b++) {
      ru_pop_band_info bi;
      ru_pop_band(p, b, &bi, NULL);
      if (bi.is_target != part) continue;
      double *m = v + 3 * b * nt, *lo = m + nt, *hi = lo + nt;
      for (size_t j = 0; j < nt; j++) {
        m[j] = ru_pop_band_percentile(p, s, b, j, 50.0);
        lo[j] = ru_pop_band_percentile(p, s, b, j, 5.0);
        hi[j] = ru_pop_band_percentile(p, s, b, j, 95.0);
      }
      snprintf(labels[ns], sizeof labels[ns], "%s median (5-95%%)", bi.name);
      ser[ns] = (ru_plot_series){labels[ns], m, lo, hi};
      ns++;
    }
    if (ns > first) {
      panels[np++] = part == 0
          ? (ru_plot_panel){"total plasma concentration (ng/mL)", ser + first, ns - first, 0, 0.0, 0.0}
          : (ru_plot_panel){"occupancy (fraction)", ser + first, ns - first, 0, 0.0, 1.0};
    }
  }
  if (ncrit > 0) {
    const size_t first = ns;
    for (size_t k = 0; k < ncrit && ns < 28; k++) {
      const ru_pop_criterion *c = ru_pop_criterion_at(p, k);
      double *m = v + (3 * nb + k) * nt;
      for (size_t j = 0; j < nt; j++) m[j] = ru_pop_attainment(p, s, k, j);
      snprintf(labels[ns], sizeof labels[ns], "P(%s %s %g)", c->target, c->at_least ? ">=" : "<=",
               c->threshold);
      ser[ns] = (ru_plot_series){labels[ns], m, NULL, NULL};
      ns++;
    }
    panels[np++] = (ru_plot_panel){"target attainment (probability)", ser + first, ns - first, 0, 0.0, 1.0};
  }
  /* exposure by phenotype: Cavg of the first compound over the end window, shown as a band
   * across the time axis (the panel shares x with the others) */
  if (nc > 0 && ru_pop_window_h(p) > 0.0) {
    const size_t first = ns;
    for (size_t g = 0; g < nph && ns < 32; g++) {
      double *m = v + (3 * nb + ncrit + 3 * g) * nt, *lo = m + nt, *hi = lo + nt;
      const double q50 = ru_pop_cavg_percentile(p, s, g, 0, 50.0);
      const double q5 = ru_pop_cavg_percentile(p, s, g, 0, 5.0);
      const double q95 = ru_pop_cavg_percentile(p, s, g, 0, 95.0);
      for (size_t j = 0; j < nt; j++) {
        m[j] = q50;
        lo[j] = q5;
        hi[j] = q95;
      }
      snprintf(labels[ns], sizeof labels[ns], "CYP2D6 %s: %s Cavg end window", ru_pop_phenotype_name(p, g),
               ru_pop_compound_name(p, 0));
      ser[ns] = (ru_plot_series){labels[ns], m, lo, hi};
      ns++;
    }
    panels[np++] = (ru_plot_panel){"Cavg by phenotype (ng/mL)", ser + first, ns - first, 0, 0.0, 0.0};
  }
  const ru_status st = ru_plot_panels(path, "reuptake population", use_days ? "time (days)" : "time (h)", x, nt,
                                      panels, np, err);
  rui_free(v);
  rui_free(ser);
  return st;
}
