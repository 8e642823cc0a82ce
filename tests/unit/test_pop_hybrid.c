/* Populations of nonlinear subjects on the hybrid solver's SIMD batch (src/pop/population.c,
 * src/pk/hybrid*.c), as a specification: a subject's numbers do not depend on the batch width
 * (lanes), nor on how the subjects are split into calls or MPI shards (bitwise); they agree with
 * the reference path (ru_sim_run per subject) to 1e-6; the occupancy bands are the pd layer's
 * numbers bitwise; and the compound count is not a fixed limit of the ABI (13 compounds). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reuptake.h"

#define NT 19

typedef struct fixture {
  ru_kb *kb;
  double t[NT];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  ru_error err;
  if (f == NULL || ru_kb_open(NULL, &f->kb, &err) != RU_OK) return -1;
  for (size_t j = 0; j < NT; j++) f->t[j] = 4.0 * (double)j; /* 0..72 h every 4 h */
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  ru_kb_free(f->kb);
  free(f);
  return 0;
}

static ru_pop *make_pop_bands(const fixture *f, const char *const *regimens, size_t lanes,
                              int force_general, int occupancy) {
  ru_error err;
  ru_regimen *r = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  for (size_t i = 0; regimens[i] != NULL; i++) {
    assert_int_equal(ru_regimen_parse(r, regimens[i], &err), RU_OK);
  }
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.seed = 11;
  cfg.times_h = f->t;
  cfg.nt = NT;
  cfg.lanes = lanes;
  cfg.force_general = force_general;
  const char *none[1] = {NULL};
  if (!occupancy) {
    cfg.targets = none; /* concentration bands only */
    cfg.ntargets = 0;
  }
  ru_pop *p = NULL;
  const ru_status st = ru_pop_new(f->kb, r, &cfg, &p, &err);
  ru_regimen_free(r);
  if (st != RU_OK) fail_msg("ru_pop_new: %s", err.message);
  return p;
}

static ru_pop *make_pop(const fixture *f, const char *const *regimens, size_t lanes,
                        int force_general) {
  return make_pop_bands(f, regimens, lanes, force_general, 1);
}

static ru_pop_summary *run(ru_pop *p, uint64_t first, uint64_t count) {
  ru_pop_summary *s = NULL;
  ru_error err;
  assert_int_equal(ru_pop_summary_new(p, &s, &err), RU_OK);
  if (ru_pop_run(p, first, count, s, NULL, NULL, NULL, &err) != RU_OK) fail_msg("%s", err.message);
  return s;
}

static const char *const PAROXETINE[] = {"paroxetine:20mg:q24h", NULL};

static void nonlinear_population_runs_on_the_hybrid_batch(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, PAROXETINE, 0, 0);
  assert_false(ru_pop_fast_path(p));
  assert_string_equal(ru_pop_engine(p), "hybrid solver (SIMD lanes)");
  assert_int_equal(ru_pop_lanes(p), RU_POP_DEFAULT_LANES);
  ru_pop_free(p);
}

/* Batch width 1, 2, 4, 8, 16: bitwise the same summary of 100 subjects. */
static void summary_is_bitwise_independent_of_the_batch_width(void **state) {
  const fixture *f = *state;
  ru_pop *p1 = make_pop(f, PAROXETINE, 1, 0);
  ru_pop_summary *ref = run(p1, 0, 100);
  const size_t widths[4] = {2, 4, 8, 16};
  for (size_t w = 0; w < 4; w++) {
    ru_pop *p = make_pop(f, PAROXETINE, widths[w], 0);
    assert_int_equal(ru_pop_lanes(p), widths[w]);
    ru_pop_summary *s = run(p, 0, 100);
    assert_true(ru_pop_summary_equal(ref, s));
    ru_pop_summary_free(s);
    ru_pop_free(p);
  }
  ru_pop_summary_free(ref);
  ru_pop_free(p1);
}

/* Two ranks' shards (whole blocks of RU_POP_BLOCK subjects, uneven batches) merged equal one
 * run of everyone: what `mpirun -n 2` reduces. */
static void shards_merged_equal_one_run_bitwise(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, PAROXETINE, 0, 0);
  const uint64_t n = RU_POP_BLOCK + 37;
  ru_pop_summary *all = run(p, 0, n);
  uint64_t f0, c0, f1, c1;
  ru_pop_shard(n, 0, 2, &f0, &c0);
  ru_pop_shard(n, 1, 2, &f1, &c1);
  ru_pop_summary *a = run(p, f0, c0), *b = run(p, f1, c1);
  ru_error err;
  assert_int_equal(ru_pop_summary_merge(a, b, &err), RU_OK);
  assert_true(ru_pop_summary_equal(all, a));
  ru_pop_summary_free(all);
  ru_pop_summary_free(a);
  ru_pop_summary_free(b);
  ru_pop_free(p);
}

/* The batch agrees with ru_sim_run per subject (the same hybrid solver with its AUC states: a
 * different step sequence, so not bitwise) to 1e-6. */
static void hybrid_batch_matches_the_reference_path(void **state) {
  const fixture *f = *state;
  ru_pop *b = make_pop(f, PAROXETINE, 0, 0), *r = make_pop(f, PAROXETINE, 0, 1);
  assert_string_equal(ru_pop_engine(r), "ru_sim_run");
  ru_error err;
  double cb[NT], cr[NT];
  ru_pop_subject sb, sr;
  for (uint64_t i = 0; i < 12; i++) {
    assert_int_equal(ru_pop_subject_run(b, i, &sb, cb, NULL, &err), RU_OK);
    assert_int_equal(ru_pop_subject_run(r, i, &sr, cr, NULL, &err), RU_OK);
    assert_int_equal(sb.phenotype, sr.phenotype);
    for (size_t j = 0; j < NT; j++) {
      if (!(fabs(cb[j] - cr[j]) <= 1e-6 * fabs(cr[j]) + 1e-12)) {
        fail_msg("subject %llu t=%g: batch %.17g reference %.17g", (unsigned long long)i, f->t[j],
                 cb[j], cr[j]);
      }
    }
  }
  ru_pop_free(b);
  ru_pop_free(r);
}

/* The occupancy bands are ru_pd_occupancy_series of the subject's concentrations, bitwise. */
static void occupancy_band_is_the_pd_occupancy_bitwise(void **state) {
  const fixture *f = *state;
  const char *const reg[] = {"atomoxetine:40mg:q12h", "paroxetine:20mg:q24h", NULL};
  ru_pop *p = make_pop(f, reg, 0, 0);
  ru_error err;
  const size_t nc = ru_pop_compound_count(p), nb = ru_pop_band_count(p);
  double *conc = calloc(nc * NT, sizeof *conc), *occ = calloc((nb - nc) * NT, sizeof *occ);
  double expect[NT];
  ru_pop_subject s;
  assert_int_equal(ru_pop_subject_run(p, 5, &s, conc, occ, &err), RU_OK);
  /* the subject's simulation, to give the pd layer the same compounds, fu and MW */
  ru_regimen *r = NULL;
  ru_sim *sim = NULL;
  assert_int_equal(ru_regimen_new(&r, &err), RU_OK);
  for (size_t i = 0; reg[i] != NULL; i++) assert_int_equal(ru_regimen_parse(r, reg[i], &err), RU_OK);
  assert_int_equal(ru_sim_new(f->kb, &sim, &err), RU_OK);
  assert_int_equal(ru_sim_add_regimen(sim, r, &err), RU_OK);
  assert_int_equal(ru_sim_prepare(sim, &err), RU_OK);
  for (size_t b = nc; b < nb; b++) {
    ru_pop_band_info bi;
    assert_int_equal(ru_pop_band(p, b, &bi, &err), RU_OK);
    assert_int_equal(ru_pd_occupancy_series(f->kb, sim, bi.name, conc, NT, expect, NULL, &err),
                     RU_OK);
    assert_memory_equal(expect, occ + (b - nc) * NT, NT * sizeof *expect);
  }
  ru_sim_free(sim);
  ru_regimen_free(r);
  free(conc);
  free(occ);
  ru_pop_free(p);
}

/* More than twelve compounds (drugs and their metabolites) in one population: no fixed count. */
static void population_takes_more_than_twelve_compounds(void **state) {
  const fixture *f = *state;
  const char *const reg[] = {"fluoxetine:20mg:q24h",    "venlafaxine:75mg:q12h",
                             "bupropion:150mg:q12h",    "amitriptyline:25mg:q24h",
                             "milnacipran:50mg:q12h",   "atomoxetine:40mg:q12h",
                             "duloxetine:60mg:q24h",    "citalopram:20mg:q24h",
                             "reboxetine:4mg:q12h",     "sertraline:50mg:q24h",
                             NULL};
  ru_pop *p = make_pop_bands(f, reg, 0, 0, 0);
  assert_true(ru_pop_compound_count(p) > 12);
  ru_pop_summary *s = run(p, 0, 8);
  assert_int_equal(ru_pop_summary_subjects(s), 8);
  ru_pop_subject subj;
  ru_error err;
  double *conc = calloc(ru_pop_compound_count(p) * NT, sizeof *conc);
  assert_int_equal(ru_pop_subject_run(p, 3, &subj, conc, NULL, &err), RU_OK);
  assert_int_equal(subj.nfactor, 3 * ru_pop_compound_count(p));
  for (size_t k = 0; k < ru_pop_compound_count(p) * NT; k++) assert_true(isfinite(conc[k]));
  free(conc);
  ru_pop_summary_free(s);
  ru_pop_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(nonlinear_population_runs_on_the_hybrid_batch),
      cmocka_unit_test(summary_is_bitwise_independent_of_the_batch_width),
      cmocka_unit_test(shards_merged_equal_one_run_bitwise),
      cmocka_unit_test(hybrid_batch_matches_the_reference_path),
      cmocka_unit_test(occupancy_band_is_the_pd_occupancy_bitwise),
      cmocka_unit_test(population_takes_more_than_twelve_compounds),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
