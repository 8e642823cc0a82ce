/* Population benchmark (bench/README_pop.md; not a test). The problem: 1-cmt oral, CL 20 L/h,
 * V 300 L, ka 1/h, log-normal IIV 30/20/30 % (CL/V/ka), 20 mg q24h for 28 days, hourly output
 * (673 points), percentile bands streamed into fixed histograms (no stored trajectories).
 *
 *   bench_pop engine NSUB     reuptake's population engine (ru_pop_run) vs a hand-written
 *                             closed-form loop with the same draws and the same streamed bands,
 *                             compiled in this run; per-subject us and the ratio.
 *   bench_pop scale NSUB      ru_pop_run sharded over the MPI ranks (run under mpirun -n K),
 *                             exact reduction; rank 0 prints wall seconds and a checksum.
 *   bench_pop rss NSUB        one engine run, then peak RSS (getrusage) in kB.
 *   bench_pop overhead NSUB   `reuptake population atomoxetine:80mg:q24h --targets NET` (KB
 *                             parameters, CYP2D6/CYP2C19 draws, one concentration band and one
 *                             occupancy band, hourly for 28 days) vs a hand-written closed-form
 *                             loop keeping only the concentrations (issue 14: <= 3x).
 *
 * The engine runs the KB compound milnacipran with its parameters overridden to the problem's
 * (--set semantics): no metabolites, no CYP2D6 fraction, so the phenotype draw has no effect,
 * as in the hand-written loop. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <Random123/philox.h>

#include "pop/pop_impl.h"
#include "reuptake.h"

#define NT 673
#define TAU 24
#define NDOSE 28

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static const char *const SETS[] = {
    "milnacipran.model=1",          "milnacipran.cl_f_l_per_h=20", "milnacipran.v_f_l=300",
    "milnacipran.ka_per_h=1",       "milnacipran.tlag_h=0",
};

static ru_pop *make_pop(ru_kb *kb, ru_error *err) {
  double *t = malloc(NT * sizeof *t);
  for (size_t j = 0; j < NT; j++) t[j] = (double)j;
  ru_regimen *r = NULL;
  ru_pop *p = NULL;
  ru_status st = ru_regimen_new(&r, err);
  if (st == RU_OK) st = ru_regimen_parse(r, "milnacipran:20mg:q24h:n=28", err);
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.seed = 2024;
  cfg.times_h = t;
  cfg.nt = NT;
  const char *none[1] = {NULL};
  cfg.targets = none; /* concentration bands only */
  cfg.ntargets = 0;
  cfg.overrides = SETS;
  cfg.noverrides = sizeof SETS / sizeof SETS[0];
  cfg.cv_cl = 0.30;
  cfg.cv_v = 0.20;
  cfg.cv_ka = 0.30;
  if (st == RU_OK) st = ru_pop_new(kb, r, &cfg, &p, err);
  ru_regimen_free(r);
  free(t);
  return st == RU_OK ? p : NULL;
}

/* --- the hand-written reference: same philox draws, exact 2x2 recurrence, same bands ---- */

typedef struct hand_bands {
  int64_t *h;      /* NT x LOG_BINS */
  double lo[NT], hi[NT];
  int64_t n;
} hand_bands;

static double u01(uint64_t w) { return ((double)(w >> 11) + 0.5) * (1.0 / 9007199254740992.0); }

static double normal(uint64_t seed, uint64_t subject, uint64_t k) {
  const philox4x64_key_t key = {{seed, subject}};
  const philox4x64_ctr_t ctr = {{1, k, 0, 0}};
  const philox4x64_ctr_t r = philox4x64(ctr, key);
  return sqrt(-2.0 * log(u01(r.v[0]))) * cos(6.283185307179586 * u01(r.v[1]));
}

static void hand_population(uint64_t n, hand_bands *b) {
  const double s_cl = sqrt(log1p(0.09)), s_v = sqrt(log1p(0.04)), s_ka = sqrt(log1p(0.09));
  for (uint64_t s = 0; s < n; s++) {
    /* the phenotype draw the engine also makes (no effect here) */
    const philox4x64_key_t key = {{2024, s}};
    const philox4x64_ctr_t c0 = {{0, 0, 0, 0}};
    volatile uint64_t ph = philox4x64(c0, key).v[0];
    (void)ph;
    const double cl = 20.0 * exp(s_cl * normal(2024, s, 0));
    const double v = 300.0 * exp(s_v * normal(2024, s, 1));
    const double ka = 1.0 * exp(s_ka * normal(2024, s, 2));
    const double k = cl / v, ek = exp(-k), eka = exp(-ka);
    const double c = ka / (ka - k) * (ek - eka); /* Bateman, Gibaldi & Perrier 1982 eq 1.61 */
    const double scale = 1000.0 / v;
    double depot = 0.0, central = 0.0;
    for (size_t j = 0; j < NT; j++) {
      if (j % TAU == 0 && j < (size_t)TAU * NDOSE) depot += 20.0;
      const double conc = central * scale;
      b->h[j * RUI_POP_LOG_BINS + rui_pop_log_bin(conc)]++;
      if (conc < b->lo[j]) b->lo[j] = conc;
      if (conc > b->hi[j]) b->hi[j] = conc;
      const double d2 = depot * eka;
      central = central * ek + depot * c;
      depot = d2;
    }
    b->n++;
  }
}

static int run_engine(ru_kb *kb, uint64_t n) {
  ru_error err;
  ru_error_clear(&err);
  ru_pop *p = make_pop(kb, &err);
  ru_pop_summary *s = NULL;
  if (p == NULL || ru_pop_summary_new(p, &s, &err) != RU_OK) {
    fprintf(stderr, "bench_pop: %s\n", err.message);
    return 1;
  }
  double t0 = now_s();
  if (ru_pop_run(p, 0, n, s, NULL, NULL, NULL, &err) != RU_OK) {
    fprintf(stderr, "bench_pop: %s\n", err.message);
    return 1;
  }
  const double te = now_s() - t0;
  hand_bands hb;
  memset(&hb, 0, sizeof hb);
  hb.h = calloc((size_t)NT * RUI_POP_LOG_BINS, sizeof *hb.h);
  for (size_t j = 0; j < NT; j++) {
    hb.lo[j] = INFINITY;
    hb.hi[j] = -INFINITY;
  }
  t0 = now_s();
  hand_population(n, &hb);
  const double th = now_s() - t0;
  /* the two medians at the last trough agree to within the histogram resolution */
  const double m_engine = ru_pop_band_percentile(p, s, 0, NT - 1, 50.0);
  const double m_hand = rui_pop_hist_percentile(1, hb.h + (size_t)(NT - 1) * RUI_POP_LOG_BINS,
                                                RUI_POP_LOG_BINS, hb.n, hb.lo[NT - 1],
                                                hb.hi[NT - 1], 50.0);
  printf("pop_subjects %llu\n", (unsigned long long)n);
  printf("pop_engine_fast_path %d\n", ru_pop_fast_path(p));
  printf("pop_engine_us %.3f\n", 1e6 * te / (double)n);
  printf("pop_handwritten_us %.3f\n", 1e6 * th / (double)n);
  printf("pop_ratio_engine_over_handwritten %.3f\n", te / th);
  printf("pop_median_t672_engine %.6g\n", m_engine);
  printf("pop_median_t672_handwritten %.6g\n", m_hand);
  free(hb.h);
  ru_pop_summary_free(s);
  ru_pop_free(p);
  return 0;
}

static int run_scale(ru_kb *kb, uint64_t n) {
  ru_error err;
  ru_error_clear(&err);
  int rank = 0, size = 1;
  if (ru_pop_mpi_init(&rank, &size, &err) != RU_OK) return 1;
  ru_pop *p = make_pop(kb, &err);
  ru_pop_summary *s = NULL;
  if (p == NULL || ru_pop_summary_new(p, &s, &err) != RU_OK) return 1;
  uint64_t first, count;
  ru_pop_shard(n, rank, size, &first, &count);
  (void)ru_pop_mpi_max(0); /* start together */
  const double t0 = now_s();
  ru_status st = ru_pop_run(p, first, count, s, NULL, NULL, NULL, &err);
  if (ru_pop_mpi_max(st != RU_OK) != 0) return 1;
  st = ru_pop_mpi_reduce(s, 0, &err);
  const double wall = now_s() - t0;
  if (rank == 0 && st == RU_OK) {
    printf("scale_ranks %d\nscale_subjects %llu\nscale_wall_s %.3f\nscale_median_t672 %.17g\n", size,
           (unsigned long long)n, wall, ru_pop_band_percentile(p, s, 0, NT - 1, 50.0));
  }
  ru_pop_summary_free(s);
  ru_pop_free(p);
  ru_pop_mpi_finalize();
  return st == RU_OK ? 0 : 1;
}

static int run_rss(ru_kb *kb, uint64_t n) {
  ru_error err;
  ru_error_clear(&err);
  ru_pop *p = make_pop(kb, &err);
  ru_pop_summary *s = NULL;
  if (p == NULL || ru_pop_summary_new(p, &s, &err) != RU_OK) return 1;
  if (ru_pop_run(p, 0, n, s, NULL, NULL, NULL, &err) != RU_OK) return 1;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("rss_subjects %llu\nrss_peak_kb %ld\nrss_summary_bytes %zu\n", (unsigned long long)n,
         ru.ru_maxrss, ru_pop_summary_bytes(s));
  ru_pop_summary_free(s);
  ru_pop_free(p);
  return 0;
}

/* --- the overhead of the whole layer on a KB drug ------------------------------------------ */

/* The hand-written reference of `overhead`: per subject the same philox draws (CYP2D6 and
 * CYP2C19 phenotype, CL, V, ka), the phenotype's clearance CL [(1 - fm) + fm a] (model.c), the
 * exact 2x2 recurrence over the 673 hourly points, and the concentrations written to an array
 * (kept: a checksum is printed). No histogram, no occupancy. */
typedef struct hand_model {
  double cl, v, ka, fm, sigma[3];
  double cum[8], act[8];
  size_t nph;
  double dose_mg;
} hand_model;

static double hand_loop(const hand_model *m, uint64_t seed, uint64_t n, double *conc) {
  double check = 0.0;
  for (uint64_t s = 0; s < n; s++) {
    const philox4x64_key_t key = {{seed, s}};
    const philox4x64_ctr_t c0 = {{0, 0, 0, 0}};
    const double u = u01(philox4x64(c0, key).v[0]);
    size_t g = 0;
    while (g + 1 < m->nph && u >= m->cum[g]) g++;
    const philox4x64_ctr_t c2 = {{2, 0, 0, 0}};
    volatile uint64_t h19 = philox4x64(c2, key).v[0]; /* the CYP2C19 draw the engine makes */
    (void)h19;
    const double cl = m->cl * ((1.0 - m->fm) + m->fm * m->act[g]) * exp(m->sigma[0] * normal(seed, s, 0));
    const double v = m->v * exp(m->sigma[1] * normal(seed, s, 1));
    const double ka = m->ka * exp(m->sigma[2] * normal(seed, s, 2));
    const double k = cl / v, ek = exp(-k), eka = exp(-ka);
    const double c = ka / (ka - k) * (ek - eka); /* Bateman, Gibaldi & Perrier 1982 eq 1.61 */
    const double scale = 1000.0 / v;
    double depot = 0.0, central = 0.0;
    for (size_t j = 0; j < NT; j++) {
      if (j % TAU == 0 && j < (size_t)TAU * NDOSE) depot += m->dose_mg;
      conc[j] = central * scale;
      const double d2 = depot * eka;
      central = central * ek + depot * c;
      depot = d2;
    }
    check += conc[NT - 1];
  }
  return check;
}

static int run_overhead(ru_kb *kb, uint64_t n, int apparent, const char *key) {
  ru_error err;
  ru_error_clear(&err);
  double *t = malloc(NT * sizeof *t);
  for (size_t j = 0; j < NT; j++) t[j] = (double)j;
  ru_regimen *r = NULL;
  ru_pop *p = NULL;
  ru_status st = ru_regimen_new(&r, &err);
  if (st == RU_OK) st = ru_regimen_parse(r, "atomoxetine:80mg:q24h:n=28", &err);
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.seed = 1;
  cfg.times_h = t;
  cfg.nt = NT;
  const char *targets[1] = {"NET"};
  cfg.targets = targets;
  cfg.ntargets = 1;
  /* the hand-written loop's model is the apparent one (CL/F, V/F, ka); the default route of oral
   * doses is the physiological one (the same 2-state linear system with other coefficients) */
  const char *const ov[1] = {"atomoxetine.route=apparent"};
  if (apparent) {
    cfg.overrides = ov;
    cfg.noverrides = 1;
  }
  if (st == RU_OK) st = ru_pop_new(kb, r, &cfg, &p, &err);
  ru_pop_summary *s = NULL;
  if (st == RU_OK) st = ru_pop_summary_new(p, &s, &err);
  if (st != RU_OK) {
    fprintf(stderr, "bench_pop: %s\n", err.message);
    return 1;
  }
  /* the hand-written model's numbers, read from the knowledge base like the engine does */
  hand_model m;
  memset(&m, 0, sizeof m);
  ru_compound c;
  if (ru_kb_compound(kb, "atomoxetine", &c, &err) != RU_OK) return 1;
  m.cl = c.pk.cl_f_l_per_h.value;
  m.v = c.pk.v_f_l.value;
  m.ka = c.pk.ka_per_h.value;
  for (size_t k = 0; k < c.pk.n_fm; k++) {
    if (strcmp(c.pk.fm[k].enzyme, "CYP2D6") == 0) m.fm = c.pk.fm[k].fm.value;
  }
  m.dose_mg = 80.0;
  for (size_t k = 0; k < ru_pop_variability_count(p); k++) {
    const ru_pop_variability *vv = ru_pop_variability_at(p, k);
    const int key = strcmp(vv->key, "cl_f_l_per_h") == 0 ? 0 : strcmp(vv->key, "v_f_l") == 0 ? 1 : 2;
    m.sigma[key] = sqrt(log1p(vv->cv * vv->cv));
  }
  m.nph = ru_pop_phenotype_count(p);
  double acc = 0.0;
  for (size_t g = 0; g < m.nph; g++) {
    acc += ru_pop_phenotype_frequency(p, g);
    m.cum[g] = acc;
    ru_value a;
    if (ru_kb_phenotype_activity(kb, "CYP2D6", ru_pop_phenotype_name(p, g), &a, &err) != RU_OK) return 1;
    m.act[g] = a.value;
  }
  for (size_t g = 0; g < m.nph; g++) m.cum[g] /= acc;
  m.cum[m.nph - 1] = 1.0;
  double *conc = malloc(NT * sizeof *conc);
  double best_e = HUGE_VAL, best_h = HUGE_VAL, check = 0.0;
  for (int rep = 0; rep < 3; rep++) {
    ru_pop_summary_free(s);
    s = NULL;
    if (ru_pop_summary_new(p, &s, &err) != RU_OK) return 1;
    double t0 = now_s();
    if (ru_pop_run(p, 0, n, s, NULL, NULL, NULL, &err) != RU_OK) {
      fprintf(stderr, "bench_pop: %s\n", err.message);
      return 1;
    }
    best_e = fmin(best_e, now_s() - t0);
    t0 = now_s();
    check = hand_loop(&m, 1, n, conc);
    best_h = fmin(best_h, now_s() - t0);
  }
  /* the engine's median trough at the end and the hand loop's last subject agree on the model */
  ru_pop_subject subj;
  double *cs = malloc(NT * sizeof *cs), occ[NT];
  if (ru_pop_subject_run(p, n - 1, &subj, cs, occ, &err) != RU_OK) return 1;
  printf("%s_subjects %llu\n", key, (unsigned long long)n);
  printf("%s_engine_fast_path %d\n", key, ru_pop_fast_path(p));
  printf("%s_bands %zu\n", key, ru_pop_band_count(p));
  printf("%s_engine_us %.3f\n", key, 1e6 * best_e / (double)n);
  printf("%s_handwritten_us %.3f\n", key, 1e6 * best_h / (double)n);
  printf("%s_ratio %.3f\n", key, best_e / best_h);
  printf("%s_last_subject_rel_diff %.3g\n", key, fabs(cs[NT - 1] - conc[NT - 1]) / conc[NT - 1]);
  printf("%s_checksum %.6g\n", key, check);
  free(cs);
  free(conc);
  free(t);
  ru_regimen_free(r);
  ru_pop_summary_free(s);
  ru_pop_free(p);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_pop engine|scale|rss|overhead NSUB\n");
    return 2;
  }
  const uint64_t n = strtoull(argv[2], NULL, 10);
  ru_kb *kb = NULL;
  ru_error err;
  if (n == 0 || ru_kb_open(NULL, &kb, &err) != RU_OK) return 2;
  int rc = 2;
  if (strcmp(argv[1], "engine") == 0) rc = run_engine(kb, n);
  else if (strcmp(argv[1], "scale") == 0) rc = run_scale(kb, n);
  else if (strcmp(argv[1], "rss") == 0) rc = run_rss(kb, n);
  else if (strcmp(argv[1], "overhead") == 0) {
    rc = run_overhead(kb, n, 1, "overhead");
    if (rc == 0) rc = run_overhead(kb, n, 0, "overhead_physiological");
  }
  ru_kb_free(kb);
  return rc;
}
