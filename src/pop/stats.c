/* Streaming population statistics (pop.h, pop_impl.h): fixed histograms per time point with
 * percentile interpolation, exact attainment counts, fixed-point exact sums, and the exact
 * merge that makes results independent of how subjects are split over ranks.
 *
 * Resolution (stated in docs/population.md): a concentration percentile is exact to within one
 * log bin (relative width <= 1.56 %, 64 bins per octave); an occupancy percentile to within
 * 0.001. Within a bin the value is interpolated linearly in rank, and every percentile is
 * clamped to the exact minimum and maximum at that time. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "pop/pop_impl.h"

void rui_pop_bin_edges(int is_log, size_t k, double vmin, double vmax, double *lo, double *hi) {
  if (!is_log) {
    *lo = (double)k / (double)RUI_POP_LIN_BINS;
    *hi = (double)(k + 1) / (double)RUI_POP_LIN_BINS;
    return;
  }
  if (k == 0) {
    *lo = *hi = 0.0;
  } else if (k == 1) {
    *lo = vmin > 0.0 ? vmin : 0.0;
    *hi = RUI_POP_LOG_LO;
  } else if (k >= RUI_POP_LOG_BINS - 1) {
    *lo = RUI_POP_LOG_HI;
    *hi = isfinite(vmax) && vmax > RUI_POP_LOG_HI ? vmax : RUI_POP_LOG_HI;
  } else {
    const uint64_t base = rui_pop_bits(RUI_POP_LOG_LO);
    *lo = rui_pop_from_bits(base + ((uint64_t)(k - 2) << (52 - RUI_POP_SUB_BITS)));
    *hi = rui_pop_from_bits(base + ((uint64_t)(k - 1) << (52 - RUI_POP_SUB_BITS)));
  }
}

double rui_pop_hist_percentile(int is_log, const int64_t *c, size_t nbins, int64_t n, double vmin,
                               double vmax, double q) {
  if (n <= 0 || !(q >= 0.0 && q <= 100.0)) return nan("");
  const double r = q / 100.0 * (double)n;
  int64_t cum = 0;
  for (size_t k = 0; k < nbins; k++) {
    if (c[k] == 0) continue;
    if ((double)(cum + c[k]) >= r) {
      double lo, hi;
      rui_pop_bin_edges(is_log, k, vmin, vmax, &lo, &hi);
      double frac = (r - (double)cum) / (double)c[k];
      if (frac < 0.0) frac = 0.0;
      double v = lo + frac * (hi - lo);
      if (v < vmin) v = vmin;
      if (v > vmax) v = vmax;
      return v;
    }
    cum += c[k];
  }
  return vmax;
}

static size_t band_bins(const rui_pop_shape *s, size_t b) {
  return b < s->nconc ? (size_t)RUI_POP_LOG_BINS : (size_t)RUI_POP_LIN_BINS;
}

ru_status rui_pop_summary_alloc(const rui_pop_shape *shape, ru_pop_summary **out, ru_error *err) {
  *out = NULL;
  if (shape->nbands == 0 || shape->nt == 0) {
    return ru_error_set(err, RU_EINVAL, "population summary: bad shape");
  }
  ru_pop_summary *s = rui_calloc(1, sizeof *s);
  if (s == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  s->off_band = rui_calloc(shape->nbands, sizeof *s->off_band);
  if (s->off_band == NULL) {
    rui_free(s);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  s->shape = *shape;
  size_t off = 1;
  for (size_t b = 0; b < shape->nbands; b++) {
    s->off_band[b] = off;
    off += shape->nt * band_bins(shape, b);
  }
  s->off_att = off;
  off += shape->ncrit * shape->nt;
  s->off_fin = off;
  off += shape->ncrit;
  s->off_ph = off;
  off += shape->nph * rui_pop_ph_stride(shape);
  s->ncnt = off;
  s->nmm = shape->nbands * shape->nt + shape->nph * shape->nc;
  s->cnt = rui_calloc(s->ncnt, sizeof *s->cnt);
  s->lo = rui_malloc((s->nmm + 1) * sizeof *s->lo);
  s->hi = rui_malloc((s->nmm + 1) * sizeof *s->hi);
  if (s->cnt == NULL || s->lo == NULL || s->hi == NULL) {
    ru_pop_summary_free(s);
    return ru_error_set(err, RU_ENOMEM, "out of memory for the population summary (%zu counters)",
                        off);
  }
  for (size_t k = 0; k < s->nmm; k++) {
    s->lo[k] = (double)HUGE_VAL;
    s->hi[k] = -(double)HUGE_VAL;
  }
  *out = s;
  return RU_OK;
}

void ru_pop_summary_free(ru_pop_summary *s) {
  if (s == NULL) return;
  rui_free(s->cnt);
  rui_free(s->off_band);
  rui_free(s->lo);
  rui_free(s->hi);
  rui_free(s);
}

size_t ru_pop_summary_bytes(const ru_pop_summary *s) {
  if (s == NULL) return 0;
  return sizeof *s + s->ncnt * sizeof *s->cnt + 2 * (s->nmm + 1) * sizeof *s->lo;
}

uint64_t ru_pop_summary_subjects(const ru_pop_summary *s) {
  return s ? (uint64_t)s->cnt[0] : 0;
}

static int same_shape(const ru_pop_summary *a, const ru_pop_summary *b) {
  return a->ncnt == b->ncnt && a->nmm == b->nmm && a->shape.nt == b->shape.nt &&
         a->shape.nbands == b->shape.nbands && a->shape.nconc == b->shape.nconc &&
         a->shape.ncrit == b->shape.ncrit && a->shape.nph == b->shape.nph &&
         a->shape.nc == b->shape.nc;
}

ru_status ru_pop_summary_merge(ru_pop_summary *dst, const ru_pop_summary *src, ru_error *err) {
  if (dst == NULL || src == NULL || !same_shape(dst, src)) {
    return ru_error_set(err, RU_EINVAL, "population summaries of different shapes cannot merge");
  }
  for (size_t k = 0; k < dst->ncnt; k++) dst->cnt[k] += src->cnt[k];
  for (size_t k = 0; k < dst->nmm; k++) {
    if (src->lo[k] < dst->lo[k]) dst->lo[k] = src->lo[k];
    if (src->hi[k] > dst->hi[k]) dst->hi[k] = src->hi[k];
  }
  return RU_OK;
}

int ru_pop_summary_equal(const ru_pop_summary *a, const ru_pop_summary *b) {
  if (a == NULL || b == NULL || !same_shape(a, b)) return 0;
  return memcmp(a->cnt, b->cnt, a->ncnt * sizeof *a->cnt) == 0 &&
         memcmp(a->lo, b->lo, a->nmm * sizeof *a->lo) == 0 &&
         memcmp(a->hi, b->hi, a->nmm * sizeof *a->hi) == 0;
}

double ru_pop_band_percentile(const ru_pop *p, const ru_pop_summary *s, size_t b, size_t j,
                              double q) {
  if (p == NULL || s == NULL || b >= s->shape.nbands || j >= s->shape.nt) return nan("");
  const size_t nb = band_bins(&s->shape, b);
  const size_t m = b * s->shape.nt + j;
  return rui_pop_hist_percentile(b < s->shape.nconc, s->cnt + s->off_band[b] + j * nb, nb,
                                 s->cnt[0], s->lo[m], s->hi[m], q);
}

double ru_pop_attainment(const ru_pop *p, const ru_pop_summary *s, size_t k, size_t j) {
  if (p == NULL || s == NULL || k >= s->shape.ncrit || j >= s->shape.nt || s->cnt[0] <= 0) {
    return nan("");
  }
  return (double)s->cnt[s->off_att + k * s->shape.nt + j] / (double)s->cnt[0];
}

double ru_pop_attainment_final(const ru_pop *p, const ru_pop_summary *s, size_t k) {
  if (p == NULL || s == NULL || k >= s->shape.ncrit || s->cnt[0] <= 0) return nan("");
  return (double)s->cnt[s->off_fin + k] / (double)s->cnt[0];
}

double ru_pop_exposure_percentile(const ru_pop *p, const ru_pop_summary *s, size_t g, size_t i,
                                  double q) {
  if (p == NULL || s == NULL || g >= s->shape.nph || i >= s->shape.nc) return nan("");
  const int64_t *grp = s->cnt + s->off_ph + g * rui_pop_ph_stride(&s->shape);
  const int64_t *h = grp + 1 + i * (2 + (size_t)RUI_POP_LOG_BINS) + 2;
  const size_t m = s->shape.nbands * s->shape.nt + g * s->shape.nc + i;
  return rui_pop_hist_percentile(1, h, RUI_POP_LOG_BINS, grp[0], s->lo[m], s->hi[m], q);
}

ru_status ru_pop_exposure_by_phenotype(const ru_pop *p, const ru_pop_summary *s, size_t g,
                                       size_t i, ru_pop_exposure *out, ru_error *err) {
  if (p == NULL || s == NULL || out == NULL || g >= s->shape.nph || i >= s->shape.nc) {
    return ru_error_set(err, RU_EINVAL, "ru_pop_exposure_by_phenotype: bad argument");
  }
  const int64_t *grp = s->cnt + s->off_ph + g * rui_pop_ph_stride(&s->shape);
  const int64_t *limbs = grp + 1 + i * (2 + (size_t)RUI_POP_LOG_BINS);
  const double win = ru_pop_window_h(p);
  memset(out, 0, sizeof *out);
  out->n = (uint64_t)grp[0];
  if (grp[0] <= 0) {
    out->auc_mean = out->cavg_mean = out->auc_p5 = out->auc_p50 = out->auc_p95 = nan("");
    return RU_OK;
  }
  out->auc_mean = (double)(rui_pop_fix_value(limbs) / (long double)grp[0]);
  out->cavg_mean = win > 0.0 ? out->auc_mean / win : nan("");
  out->auc_p5 = ru_pop_exposure_percentile(p, s, g, i, 5.0);
  out->auc_p50 = ru_pop_exposure_percentile(p, s, g, i, 50.0);
  out->auc_p95 = ru_pop_exposure_percentile(p, s, g, i, 95.0);
  return RU_OK;
}
