/* Internals of the population layer shared by population.c, stats.c and mpi.c (not API).
 *
 * A summary is two flat arrays so that merging (and the MPI reduction) is one loop each:
 *   cnt[]  int64: subject count, histogram counts, attainment counts, fixed-point sums — merged
 *          by integer addition, which is exact, associative and commutative;
 *   lo[]/hi[] double: minima and maxima — merged by fmin/fmax, also exact and order-free.
 * So any partition of the subjects (ranks, calls, blocks) gives bitwise the same summary. */
#ifndef RU_POP_IMPL_H
#define RU_POP_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "reuptake/pop.h"

/* --- histograms ------------------------------------------------------------------------------ */

/* Concentration bins: log-spaced by the IEEE-754 bit pattern, RUI_POP_SUB_BITS mantissa bits
 * per octave (64 sub-bins: relative width 2^-6/(1+k/64), 0.78-1.56 %) over [2^-14, 2^17) ng/mL
 * (6.1e-5 .. 131072, covering [1e-4, 1e5]); bin 0 holds values <= 0, bin 1 the underflow
 * (0, 2^-14), the last bin the overflow [2^17, inf). Edges are exact doubles; the index is
 * integer arithmetic on the bits (no log()), identical on every machine. */
#define RUI_POP_SUB_BITS 6
#define RUI_POP_EMIN (-14)
#define RUI_POP_EMAX 17
#define RUI_POP_NLOG ((RUI_POP_EMAX - RUI_POP_EMIN) << RUI_POP_SUB_BITS)
#define RUI_POP_LOG_BINS (RUI_POP_NLOG + 3)
/* Occupancy bins: linear on [0, 1], width 0.001. */
#define RUI_POP_LIN_BINS 1000

static inline uint64_t rui_pop_bits(double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return u;
}
static inline double rui_pop_from_bits(uint64_t u) {
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

#define RUI_POP_LOG_LO 6.103515625e-05 /* 2^-14 */
#define RUI_POP_LOG_HI 131072.0        /* 2^17 */

static inline size_t rui_pop_log_bin(double v) {
  if (!(v > 0.0)) return v <= 0.0 ? 0 : RUI_POP_LOG_BINS - 1; /* NaN: overflow */
  if (v < RUI_POP_LOG_LO) return 1;
  if (v >= RUI_POP_LOG_HI) return RUI_POP_LOG_BINS - 1;
  return 2 + (size_t)((rui_pop_bits(v) - rui_pop_bits(RUI_POP_LOG_LO)) >> (52 - RUI_POP_SUB_BITS));
}
static inline size_t rui_pop_lin_bin(double v) {
  if (!(v > 0.0)) return 0;
  const double x = v * (double)RUI_POP_LIN_BINS;
  return x >= (double)(RUI_POP_LIN_BINS - 1) ? RUI_POP_LIN_BINS - 1 : (size_t)x;
}
/* Edges [lo, hi) of bin k of a log (is_log) or linear histogram; open ends use min/max. */
void rui_pop_bin_edges(int is_log, size_t k, double vmin, double vmax, double *lo, double *hi);
/* Percentile q (0..100) from counts c[nbins] of total n, clamped to [vmin, vmax]. */
double rui_pop_hist_percentile(int is_log, const int64_t *c, size_t nbins, int64_t n, double vmin,
                               double vmax, double q);

/* Fixed-point exact sums: v in [0, 2^30] is rounded to a multiple of 2^-32 and added as two
 * 32-bit limbs into int64 counters (exact for < 2^31 additions). */
#define RUI_POP_FIX_SCALE 4294967296.0
static inline void rui_pop_fix_add(int64_t *limbs, double v) {
  double x = v > 0.0 ? v : 0.0;
  if (x > 1073741824.0) x = 1073741824.0;
  const int64_t q = (int64_t)(x * RUI_POP_FIX_SCALE + 0.5);
  limbs[0] += q & 0xffffffffLL;
  limbs[1] += q >> 32;
}
static inline long double rui_pop_fix_value(const int64_t *limbs) {
  return ((long double)limbs[1] * 4294967296.0L + (long double)limbs[0]) / 4294967296.0L;
}

/* --- summary -------------------------------------------------------------------------------- */

typedef struct rui_pop_shape {
  size_t nt;        /* time points */
  size_t nbands;    /* bands (compounds then targets) */
  size_t nconc;     /* of which concentration bands (the first nconc) */
  size_t ncrit;     /* attainment criteria */
  size_t nph;       /* phenotype groups */
  size_t nc;        /* compounds (exposure) */
} rui_pop_shape;

struct ru_pop_summary {
  rui_pop_shape shape;
  /* offsets into cnt */
  size_t *off_band; /* nbands: band b histogram, nt x nbins(b) */
  size_t off_att;   /* ncrit x nt */
  size_t off_fin;   /* ncrit */
  size_t off_ph;    /* nph x (1 + nc x (2 limbs + LOG_BINS)) */
  size_t ncnt;
  int64_t *cnt;     /* cnt[0] = subjects */
  /* min/max: band b time j at b*nt + j; then exposure (g, i) at nbands*nt + g*nc + i */
  size_t nmm;
  double *lo, *hi;
};

static inline size_t rui_pop_ph_stride(const rui_pop_shape *s) {
  return 1 + s->nc * (2 + (size_t)RUI_POP_LOG_BINS);
}

ru_status rui_pop_summary_alloc(const rui_pop_shape *shape, ru_pop_summary **out, ru_error *err);

#endif
