/* Shared pieces of the benchmark drivers: a deterministic normal generator (one stream per
 * subject, no global state), Welford's streaming mean/variance with min and max, and a
 * monotonic clock. Not part of the library. */
#ifndef RU_BENCH_COMMON_H
#define RU_BENCH_COMMON_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The population problem (bench/README.md): 1-cmt oral, 20 mg q24h for 28 days, hourly. */
#define POP_CL 20.0      /* L/h */
#define POP_V 300.0      /* L */
#define POP_KA 1.0       /* 1/h */
#define POP_CV_CL 0.30   /* IIV as coefficient of variation */
#define POP_CV_V 0.20
#define POP_CV_KA 0.30
#define POP_DOSE 20.0    /* mg */
#define POP_TAU 24       /* h */
#define POP_NDOSE 28
#define POP_NT (POP_TAU * POP_NDOSE + 1) /* outputs at 0, 1, ..., 672 h */

/* splitmix64 (Steele, Lea & Flood 2014): a counter-based stream seeded per subject. */
typedef struct bench_rng {
  uint64_t s;
} bench_rng;

static inline uint64_t bench_next(bench_rng *r) {
  uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline double bench_uniform(bench_rng *r) { /* (0, 1) */
  return ((double)(bench_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal by Box-Muller (one of the pair; simplicity over speed, same in every path). */
static inline double bench_normal(bench_rng *r) {
  const double u1 = bench_uniform(r), u2 = bench_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Log-normal IIV with the CV as the spread: sigma = sqrt(log(1 + cv^2)). */
static inline double bench_lognormal(bench_rng *r, double typical, double cv) {
  return typical * exp(sqrt(log1p(cv * cv)) * bench_normal(r));
}

typedef struct pop_params {
  double cl, v, ka;
} pop_params;

static inline pop_params pop_draw(uint64_t subject) {
  bench_rng r = {subject * 0x2545F4914F6CDD1Dull + 1u};
  pop_params p;
  p.cl = bench_lognormal(&r, POP_CL, POP_CV_CL);
  p.v = bench_lognormal(&r, POP_V, POP_CV_V);
  p.ka = bench_lognormal(&r, POP_KA, POP_CV_KA);
  return p;
}

/* Per-time-point streaming summary (Welford 1962, Technometrics 4:419). */
typedef struct welford {
  double n;
  double mean[POP_NT];
  double m2[POP_NT];
  double min[POP_NT];
  double max[POP_NT];
} welford;

static inline void welford_init(welford *w) {
  w->n = 0.0;
  for (size_t i = 0; i < POP_NT; i++) {
    w->mean[i] = 0.0;
    w->m2[i] = 0.0;
    w->min[i] = (double)INFINITY;
    w->max[i] = -(double)INFINITY;
  }
}

static inline void welford_add(welford *w, size_t i, double x, double n_after) {
  const double d = x - w->mean[i];
  w->mean[i] += d / n_after;
  w->m2[i] += d * (x - w->mean[i]);
  w->min[i] = x < w->min[i] ? x : w->min[i];
  w->max[i] = x > w->max[i] ? x : w->max[i];
}

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
