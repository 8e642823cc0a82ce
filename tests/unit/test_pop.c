/* Virtual populations (src/pop): determinism, order-independent subject streams, histogram
 * percentile resolution, exact merge, phenotype frequencies, flat memory, fast path = general
 * path. One behaviour per test, named after it. */
#include <math.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pop/pop_impl.h"
#include "reuptake.h"

typedef struct fixture {
  ru_kb *kb;
  ru_regimen *r;
  double t[25];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  ru_error err;
  if (f == NULL || ru_kb_open(NULL, &f->kb, &err) != RU_OK) return -1;
  if (ru_regimen_new(&f->r, &err) != RU_OK) return -1;
  if (ru_regimen_parse(f->r, "atomoxetine:40mg:q12h", &err) != RU_OK) return -1;
  for (size_t j = 0; j < 25; j++) f->t[j] = 4.0 * (double)j; /* 0..96 h every 4 h */
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  ru_regimen_free(f->r);
  ru_kb_free(f->kb);
  free(f);
  return 0;
}

static ru_pop *make_pop(const fixture *f, uint64_t seed, int force_general) {
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.seed = seed;
  cfg.times_h = f->t;
  cfg.nt = 25;
  cfg.force_general = force_general;
  ru_pop *p = NULL;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_pop_new(f->kb, f->r, &cfg, &p, &err);
  if (st != RU_OK) fail_msg("ru_pop_new: %s", err.message);
  return p;
}

static ru_pop_summary *run(ru_pop *p, uint64_t first, uint64_t count) {
  ru_pop_summary *s = NULL;
  ru_error err;
  assert_int_equal(ru_pop_summary_new(p, &s, &err), RU_OK);
  if (ru_pop_run(p, first, count, s, NULL, NULL, NULL, &err) != RU_OK) fail_msg("%s", err.message);
  return s;
}

static void same_seed_gives_bitwise_identical_summaries(void **state) {
  const fixture *f = *state;
  ru_pop *a = make_pop(f, 42, 0), *b = make_pop(f, 42, 0), *c = make_pop(f, 43, 0);
  ru_pop_summary *sa = run(a, 0, 500), *sb = run(b, 0, 500), *sc = run(c, 0, 500);
  assert_true(ru_pop_summary_equal(sa, sb));
  assert_false(ru_pop_summary_equal(sa, sc)); /* and the seed matters */
  ru_pop_summary_free(sa);
  ru_pop_summary_free(sb);
  ru_pop_summary_free(sc);
  ru_pop_free(a);
  ru_pop_free(b);
  ru_pop_free(c);
}

typedef struct capture {
  uint64_t want;
  int seen;
  ru_pop_subject subj;
  double factor[3 * 32]; /* the subject's factors, copied (subj.factor is the ru_pop's) */
  double conc[25];
  double occ[25 * RU_POP_MAX_TARGETS];
  size_t nocc;
} capture;

static void observe(const ru_pop_subject *subj, const double *conc, const double *occ, void *user) {
  capture *c = user;
  if (subj->index != c->want) return;
  c->seen = 1;
  c->subj = *subj;
  memcpy(c->factor, subj->factor, subj->nfactor * sizeof *subj->factor);
  memcpy(c->conc, conc, sizeof c->conc);
  memcpy(c->occ, occ, c->nocc * 25 * sizeof *occ);
}

/* The same draws: groups and every factor (the factor arrays live in each ru_pop). */
static void assert_same_draws(const ru_pop_subject *a, const ru_pop_subject *b,
                              const double *b_factor) {
  assert_int_equal(a->index, b->index);
  assert_int_equal(a->phenotype, b->phenotype);
  assert_int_equal(a->cyp2c19, b->cyp2c19);
  assert_int_equal(a->nfactor, b->nfactor);
  assert_memory_equal(a->factor, b_factor, a->nfactor * sizeof *a->factor);
}

static void subject_alone_equals_subject_within_a_run(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 7, 0);
  capture c;
  memset(&c, 0, sizeof c);
  c.want = 7;
  c.nocc = ru_pop_band_count(p) - ru_pop_compound_count(p);
  ru_pop_set_observer(p, observe, &c);
  ru_pop_summary *s = run(p, 0, 20); /* subject 7 computed after 0..6 */
  assert_true(c.seen);
  ru_pop_set_observer(p, NULL, NULL);
  /* then a different subject, so no workspace state could carry over */
  ru_pop_subject other, alone;
  double conc[25], occ[25 * RU_POP_MAX_TARGETS];
  ru_error err;
  assert_int_equal(ru_pop_subject_run(p, 123, &other, conc, occ, &err), RU_OK);
  assert_int_equal(ru_pop_subject_run(p, 7, &alone, conc, occ, &err), RU_OK);
  assert_same_draws(&alone, &c.subj, c.factor);
  assert_memory_equal(conc, c.conc, sizeof conc);
  assert_memory_equal(occ, c.occ, c.nocc * 25 * sizeof *occ);
  /* and a population of just subject 7 on a fresh object equals subject 7 */
  ru_pop *q = make_pop(f, 7, 0);
  assert_int_equal(ru_pop_subject_run(q, 7, &alone, conc, occ, &err), RU_OK);
  assert_memory_equal(conc, c.conc, sizeof conc);
  ru_pop_summary_free(s);
  ru_pop_free(p);
  ru_pop_free(q);
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void histogram_percentile_is_within_one_bin_of_the_exact_percentile(void **state) {
  (void)state;
  enum { N = 20000 };
  double *v = malloc(N * sizeof *v);
  int64_t *h = calloc(RUI_POP_LOG_BINS, sizeof *h);
  int64_t *hl = calloc(RUI_POP_LIN_BINS, sizeof *hl);
  assert_non_null(v);
  double vmin = HUGE_VAL, vmax = -HUGE_VAL;
  uint64_t x = 88172645463325252ULL; /* xorshift64 (Marsaglia 2003): known data, no library */
  for (size_t i = 0; i < N; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const double u = ((double)(x >> 11) + 0.5) / 9007199254740992.0;
    v[i] = exp(8.0 * u - 2.0); /* 0.135 .. 403 ng/mL, log-uniform */
    h[rui_pop_log_bin(v[i])]++;
    hl[rui_pop_lin_bin(u)]++;
    vmin = fmin(vmin, v[i]);
    vmax = fmax(vmax, v[i]);
  }
  qsort(v, N, sizeof *v, cmp_double);
  const double qs[] = {1, 5, 25, 50, 75, 95, 99};
  for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
    const double exact = v[(size_t)(qs[k] / 100.0 * N)];
    const double got = rui_pop_hist_percentile(1, h, RUI_POP_LOG_BINS, N, vmin, vmax, qs[k]);
    /* one bin is at most 2^-6 relative */
    if (!(fabs(got / exact - 1.0) <= 1.0 / 64.0)) {
      fail_msg("p%g: histogram %.6g exact %.6g", qs[k], got, exact);
    }
    /* linear occupancy bins: within 0.001 of the exact uniform percentile */
    const double gl = rui_pop_hist_percentile(0, hl, RUI_POP_LIN_BINS, N, 0.0, 1.0, qs[k]);
    assert_true(fabs(gl - qs[k] / 100.0) <= 0.001 + 3.0 * sqrt(0.25 / N));
  }
  free(v);
  free(h);
  free(hl);
}

static void observe_nothing(const ru_pop_subject *subj, const double *conc, const double *occ,
                            void *user) {
  (void)subj;
  (void)conc;
  (void)occ;
  (void)user;
}

/* The streamed fast path (all subjects of a chunk stepped together, time-major) gives bitwise
 * the summary of the per-subject tile path (taken when an observer is set), for a 2-state
 * subject and a parent with its metabolite (3 states), over a chunk boundary (2048). */
static void streamed_fast_path_equals_the_tile_path_bitwise(void **state) {
  const fixture *f = *state;
  static const char *const REG[2] = {"atomoxetine:40mg:q12h", "venlafaxine:75mg:q12h"};
  for (size_t r = 0; r < 2; r++) {
    ru_error err;
    ru_regimen *reg = NULL;
    assert_int_equal(ru_regimen_new(&reg, &err), RU_OK);
    assert_int_equal(ru_regimen_parse(reg, REG[r], &err), RU_OK);
    ru_pop_config cfg;
    ru_pop_config_init(&cfg);
    cfg.seed = 5;
    cfg.times_h = f->t;
    cfg.nt = 25;
    ru_pop *p = NULL;
    assert_int_equal(ru_pop_new(f->kb, reg, &cfg, &p, &err), RU_OK);
    assert_true(ru_pop_fast_path(p));
    ru_pop_summary *streamed = run(p, 100, 2500);
    ru_pop_set_observer(p, observe_nothing, NULL);
    ru_pop_summary *tiled = run(p, 100, 2500);
    assert_true(ru_pop_summary_equal(streamed, tiled));
    ru_pop_summary_free(streamed);
    ru_pop_summary_free(tiled);
    ru_pop_free(p);
    ru_regimen_free(reg);
  }
}

static void merge_of_two_halves_equals_the_whole_bitwise(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 11, 0);
  ru_pop_summary *whole = run(p, 0, 3000);
  /* uneven split, second half computed first */
  ru_pop_summary *b = run(p, 1234, 3000 - 1234);
  ru_pop_summary *a = run(p, 0, 1234);
  ru_error err;
  assert_int_equal(ru_pop_summary_merge(b, a, &err), RU_OK);
  assert_true(ru_pop_summary_equal(whole, b));
  /* four shards as ranks would take them */
  ru_pop_summary *acc = NULL;
  assert_int_equal(ru_pop_summary_new(p, &acc, &err), RU_OK);
  for (int r = 3; r >= 0; r--) {
    uint64_t first, count;
    ru_pop_shard(3000, r, 4, &first, &count);
    ru_pop_summary *part = run(p, first, count);
    assert_int_equal(ru_pop_summary_merge(acc, part, &err), RU_OK);
    ru_pop_summary_free(part);
  }
  assert_true(ru_pop_summary_equal(whole, acc));
  assert_true(ru_pop_band_percentile(p, whole, 0, 24, 50.0) ==
              ru_pop_band_percentile(p, acc, 0, 24, 50.0));
  ru_pop_summary_free(whole);
  ru_pop_summary_free(a);
  ru_pop_summary_free(b);
  ru_pop_summary_free(acc);
  ru_pop_free(p);
}

static void poor_metabolizer_fraction_matches_kb_frequency_within_3_sd(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 5, 0);
  enum { N = 20000 };
  size_t n[RU_POP_MAX_PHENOTYPES] = {0};
  ru_pop_subject s;
  ru_error err;
  for (uint64_t i = 0; i < N; i++) {
    assert_int_equal(ru_pop_subject_run(p, i, &s, NULL, NULL, &err), RU_OK);
    n[s.phenotype]++;
  }
  double total = 0.0;
  for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) total += ru_pop_phenotype_frequency(p, g);
  int found_pm = 0;
  for (size_t g = 0; g < ru_pop_phenotype_count(p); g++) {
    const double q = ru_pop_phenotype_frequency(p, g) / total;
    const double sd = sqrt(N * q * (1.0 - q));
    if (fabs((double)n[g] - N * q) > 3.0 * sd) {
      fail_msg("%s: %zu drawn, expected %.1f +- %.1f", ru_pop_phenotype_name(p, g), n[g], N * q, sd);
    }
    found_pm |= strcmp(ru_pop_phenotype_name(p, g), "PM") == 0;
  }
  assert_true(found_pm);
  ru_pop_free(p);
}

static void summary_memory_does_not_grow_with_subjects(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 3, 0);
  ru_pop_summary *small = run(p, 0, 10), *large = run(p, 0, 5000);
  assert_int_equal(ru_pop_summary_bytes(small), ru_pop_summary_bytes(large));
  assert_int_equal(ru_pop_summary_subjects(large), 5000);
  ru_pop_summary_free(small);
  ru_pop_summary_free(large);
  ru_pop_free(p);
}

static void fast_path_matches_ru_sim_run(void **state) {
  const fixture *f = *state;
  ru_pop *fast = make_pop(f, 9, 0), *slow = make_pop(f, 9, 1);
  assert_true(ru_pop_fast_path(fast));
  assert_false(ru_pop_fast_path(slow));
  ru_pop_subject a, b;
  double ca[25], cb[25];
  ru_error err;
  for (uint64_t i = 0; i < 50; i++) {
    assert_int_equal(ru_pop_subject_run(fast, i, &a, ca, NULL, &err), RU_OK);
    assert_int_equal(ru_pop_subject_run(slow, i, &b, cb, NULL, &err), RU_OK);
    assert_same_draws(&a, &b, b.factor);
    for (size_t j = 0; j < 25; j++) {
      if (!(fabs(ca[j] - cb[j]) <= 1e-9 * fmax(1.0, fabs(cb[j])))) {
        fail_msg("subject %llu t=%g: fast %.17g general %.17g", (unsigned long long)i, f->t[j],
                 ca[j], cb[j]);
      }
    }
  }
  ru_pop_free(fast);
  ru_pop_free(slow);
}

static void unknown_ancestry_fails_naming_the_known_ones(void **state) {
  const fixture *f = *state;
  ru_pop_config cfg;
  ru_pop_config_init(&cfg);
  cfg.times_h = f->t;
  cfg.nt = 25;
  cfg.ancestry = "atlantean";
  ru_pop *p = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_pop_new(f->kb, f->r, &cfg, &p, &err), RU_ENOTFOUND);
  assert_null(p);
  assert_non_null(strstr(err.message, "european"));
  char names[32][RU_NAME_MAX];
  size_t n = 0;
  assert_int_equal(ru_pop_ancestries(f->kb, names, 32, &n, &err), RU_OK);
  assert_true(n >= 2);
  int has_default = 0;
  for (size_t i = 0; i < n && i < 32; i++) has_default |= strcmp(names[i], RU_POP_DEFAULT_ANCESTRY) == 0;
  assert_true(has_default);
}

static void variability_reports_kb_source_or_stated_default(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 1, 0);
  int cl_sourced = 0, v_default = 0;
  for (size_t i = 0; i < ru_pop_variability_count(p); i++) {
    const ru_pop_variability *v = ru_pop_variability_at(p, i);
    if (strcmp(v->compound, "atomoxetine") != 0) continue;
    if (strcmp(v->key, "cl_f_l_per_h") == 0) cl_sourced = v->sourced && v->source[0] != '\0';
    if (strcmp(v->key, "v_f_l") == 0) v_default = !v->sourced && v->cv == RU_POP_DEFAULT_CV_V;
  }
  assert_true(cl_sourced);
  assert_true(v_default);
  ru_pop_free(p);
}

static void shards_cover_every_subject_once_in_whole_blocks(void **state) {
  (void)state;
  const uint64_t n = 10 * RU_POP_BLOCK + 17;
  for (int k = 1; k <= 5; k++) {
    uint64_t next = 0;
    for (int r = 0; r < k; r++) {
      uint64_t first, count;
      ru_pop_shard(n, r, k, &first, &count);
      assert_int_equal(first, next);
      assert_int_equal(first % RU_POP_BLOCK, 0);
      next = first + count;
    }
    assert_int_equal(next, n);
  }
}

static void cancel_flag_stops_between_subjects(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 1, 0);
  ru_pop_summary *s = NULL;
  ru_error err;
  assert_int_equal(ru_pop_summary_new(p, &s, &err), RU_OK);
  volatile sig_atomic_t stop = 1;
  assert_int_equal(ru_pop_run(p, 0, 100, s, &stop, NULL, NULL, &err), RU_EINTERRUPTED);
  assert_int_equal(ru_pop_summary_subjects(s), 0);
  ru_pop_summary_free(s);
  ru_pop_free(p);
}

static void criterion_parse_reads_target_comparison_and_threshold(void **state) {
  (void)state;
  ru_pop_criterion c;
  ru_error err;
  assert_int_equal(ru_pop_criterion_parse("SERT>=0.8", &c, &err), RU_OK);
  assert_string_equal(c.target, "SERT");
  assert_int_equal(c.at_least, 1);
  assert_true(c.threshold == 0.8);
  assert_int_equal(ru_pop_criterion_parse("NET<=0", &c, &err), RU_OK);
  assert_string_equal(c.target, "NET");
  assert_int_equal(c.at_least, 0);
  assert_true(c.threshold == 0.0);
}

static void criterion_parse_rejects_no_comparison_no_target_and_non_fractions(void **state) {
  (void)state;
  ru_pop_criterion c;
  ru_error err;
  assert_int_equal(ru_pop_criterion_parse("NET=0.8", &c, &err), RU_EPARSE);
  assert_string_equal(err.message, "expected TARGET>=FRACTION, e.g. SERT>=0.8");
  assert_int_equal(ru_pop_criterion_parse(">=0.8", &c, &err), RU_EPARSE);
  char long_name[RU_NAME_MAX + 8];
  memset(long_name, 'A', RU_NAME_MAX);
  strcpy(long_name + RU_NAME_MAX, ">=0.5");
  assert_int_equal(ru_pop_criterion_parse(long_name, &c, &err), RU_EPARSE);
  const char *bad[] = {"NET>=1.5", "NET>=-0.1", "NET>=", "NET>= 0.8", "NET>=nan", "NET>=0x0.8"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    assert_int_equal(ru_pop_criterion_parse(bad[k], &c, &err), RU_ERANGE);
    assert_string_equal(err.message, "threshold must be a fraction in [0, 1]");
  }
}

static void percentiles_parse_reads_an_increasing_list_and_skips_empty_items(void **state) {
  (void)state;
  double pct[RU_POP_MAX_PERCENTILES];
  size_t n = 0;
  ru_error err;
  assert_int_equal(ru_pop_percentiles_parse("5,,50,95,", pct, &n, &err), RU_OK);
  assert_int_equal(n, 3);
  assert_true(pct[0] == 5.0 && pct[1] == 50.0 && pct[2] == 95.0);
  assert_int_equal(ru_pop_percentiles_parse("0.5,1e1,99.5", pct, &n, &err), RU_OK);
  assert_int_equal(n, 3);
  assert_true(pct[0] == 0.5 && pct[1] == 10.0 && pct[2] == 99.5);
  char full[64] = "1";
  for (int k = 2; k <= RU_POP_MAX_PERCENTILES; k++) snprintf(full + strlen(full), 8, ",%d", k);
  assert_int_equal(ru_pop_percentiles_parse(full, pct, &n, &err), RU_OK);
  assert_int_equal(n, RU_POP_MAX_PERCENTILES);
}

/* The first bad item is reported (the count is checked before the order), pct left alone. */
static void percentiles_parse_rejects_out_of_range_decreasing_empty_and_too_long_lists(void **state) {
  (void)state;
  double pct[RU_POP_MAX_PERCENTILES] = {42.0};
  size_t n = 7;
  ru_error err;
  assert_int_equal(ru_pop_percentiles_parse("50,abc", pct, &n, &err), RU_EPARSE);
  assert_string_equal(err.message, "'abc' is not a percentile in (0, 100)");
  assert_int_equal(ru_pop_percentiles_parse("5.0,100", pct, &n, &err), RU_ERANGE);
  assert_string_equal(err.message, "'100' is not a percentile in (0, 100)");
  assert_int_equal(ru_pop_percentiles_parse("0", pct, &n, &err), RU_ERANGE);
  assert_int_equal(ru_pop_percentiles_parse("50,50", pct, &n, &err), RU_ERANGE);
  assert_string_equal(err.message, "values must increase");
  assert_int_equal(ru_pop_percentiles_parse(",,", pct, &n, &err), RU_EINVAL);
  assert_string_equal(err.message, "no values given");
  char over[96] = "1";
  for (int k = 2; k <= RU_POP_MAX_PERCENTILES; k++) snprintf(over + strlen(over), 8, ",%d", k);
  strcat(over, ",15"); /* too many, and decreasing: the count is reported */
  assert_int_equal(ru_pop_percentiles_parse(over, pct, &n, &err), RU_EINVAL);
  assert_string_equal(err.message, "at most 16 values");
  assert_true(pct[0] == 42.0 && n == 7);
}

/* pop.h: the criteria and the variability rows are one array each (callers read them in place). */
static void criteria_and_variability_rows_are_one_array(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 1, 0);
  assert_true(ru_pop_criterion_count(p) > 0); /* the default: each banded transporter >= 0.8 */
  for (size_t k = 0; k < ru_pop_criterion_count(p); k++) {
    assert_ptr_equal(ru_pop_criterion_at(p, k), ru_pop_criterion_at(p, 0) + k);
  }
  assert_true(ru_pop_variability_count(p) > 0);
  for (size_t i = 0; i < ru_pop_variability_count(p); i++) {
    assert_ptr_equal(ru_pop_variability_at(p, i), ru_pop_variability_at(p, 0) + i);
  }
  ru_pop_free(p);
}

static size_t entries_in(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  size_t n = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  }
  closedir(d);
  return n;
}

/* --plot's view of a summary: one PNG (the file signature of PNG 1.2, RFC 2083 3.1) and no
 * temporary file beside it; a directory that does not exist is an output error and no file. */
static void plot_writes_one_png_and_no_file_on_failure(void **state) {
  const fixture *f = *state;
  ru_pop *p = make_pop(f, 1, 0);
  ru_pop_summary *s = run(p, 0, 50);
  char dir[] = "/tmp/ru_pop_plot_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/pop.png", dir);
  ru_error err;
  ru_error_clear(&err);
  if (ru_pop_plot(p, s, path, &err) != RU_OK) fail_msg("ru_pop_plot: %s", err.message);
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  unsigned char sig[8] = {0};
  assert_int_equal(fread(sig, 1, sizeof sig, fp), sizeof sig);
  fclose(fp);
  assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", sizeof sig);
  assert_int_equal(entries_in(dir), 1);
  assert_int_equal(remove(path), 0);
  snprintf(path, sizeof path, "%s/missing/pop.png", dir);
  assert_int_equal(ru_pop_plot(p, s, path, &err), RU_EOUTPUT);
  assert_int_equal(entries_in(dir), 0);
  assert_int_equal(rmdir(dir), 0);
  ru_pop_summary_free(s);
  ru_pop_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_seed_gives_bitwise_identical_summaries),
      cmocka_unit_test(subject_alone_equals_subject_within_a_run),
      cmocka_unit_test(histogram_percentile_is_within_one_bin_of_the_exact_percentile),
      cmocka_unit_test(merge_of_two_halves_equals_the_whole_bitwise),
      cmocka_unit_test(poor_metabolizer_fraction_matches_kb_frequency_within_3_sd),
      cmocka_unit_test(summary_memory_does_not_grow_with_subjects),
      cmocka_unit_test(fast_path_matches_ru_sim_run),
      cmocka_unit_test(unknown_ancestry_fails_naming_the_known_ones),
      cmocka_unit_test(variability_reports_kb_source_or_stated_default),
      cmocka_unit_test(shards_cover_every_subject_once_in_whole_blocks),
      cmocka_unit_test(cancel_flag_stops_between_subjects),
      cmocka_unit_test(streamed_fast_path_equals_the_tile_path_bitwise),
      cmocka_unit_test(criterion_parse_reads_target_comparison_and_threshold),
      cmocka_unit_test(criterion_parse_rejects_no_comparison_no_target_and_non_fractions),
      cmocka_unit_test(percentiles_parse_reads_an_increasing_list_and_skips_empty_items),
      cmocka_unit_test(percentiles_parse_rejects_out_of_range_decreasing_empty_and_too_long_lists),
      cmocka_unit_test(plot_writes_one_png_and_no_file_on_failure),
      cmocka_unit_test(criteria_and_variability_rows_are_one_array),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
