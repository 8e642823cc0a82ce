/* Benchmark driver for full CSV output (bench/README.md, "CSV output"). Not a test: prints
 * "key value" lines that bench/run_csv collects.
 *
 *   bench_csv pop NSUB FILE TAG   the population problem's full output (id, time_h,
 *                                 conc_mg_per_l; 673 rows per subject) through the library's
 *                                 streaming writer (ru_csv_writer) to FILE; keys csvw_TAG_*
 *   bench_csv stdio NSUB FILE     the same rows with fprintf("%zu,%.6g,%.9g\n"), 1 MiB setvbuf:
 *                                 the stdio baseline
 *   bench_csv fmt N               ns per number: rui_fmt_double vs snprintf("%.9g")
 *
 * Concentrations come from the library's closed-form stepper (rui_lin_stepper_run per dosing
 * interval, bench_pk's path (a)), so the rate is simulation + formatting + writing, end to end.
 * The clock stops after ru_csv_writer_commit (final write, fsync, rename) returns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "io/fmt.h"
#include "pk/linear.h"
#include "reuptake/io.h"

/* Fills the 2 x 2 rate matrix in place: the library reads only the n x n block, so the rest of
 * the (RUI_LIN_MAX-sized) struct is left untouched, as the library's own subject model does. */
static void onecmt_oral(const pop_params *p, rui_lin_system *s) {
  s->n = 2;
  s->a[0] = -p->ka;        /* depot */
  s->a[1] = 0.0;
  s->a[2] = p->ka;         /* depot -> central */
  s->a[3] = -p->cl / p->v; /* elimination */
}

/* Calls row(ctx, id, t, conc) for every row of subject s; 0 or 1 on failure. */
typedef void (*row_fn)(void *ctx, size_t id, double t, double conc);

static int subject_rows(size_t s, row_fn row, void *ctx) {
  double xs[2 * POP_TAU];
  const pop_params p = pop_draw((uint64_t)s);
  rui_lin_system sys;
  onecmt_oral(&p, &sys);
  rui_lin_stepper st;
  if (rui_lin_stepper_init(&st, &sys, 1.0) != RU_OK) {
    return 1;
  }
  const double inv_v = 1.0 / p.v;
  double x[2] = {0.0, 0.0};
  for (size_t d = 0; d < POP_NDOSE; d++) {
    x[0] += POP_DOSE;
    rui_lin_stepper_run(&st, x, POP_TAU, xs);
    for (size_t k = 0; k < POP_TAU; k++) {
      row(ctx, s + 1, (double)(d * POP_TAU + k), xs[2 * k + 1] * inv_v);
    }
  }
  row(ctx, s + 1, (double)(POP_NT - 1), x[1] * inv_v);
  return 0;
}

static void row_writer(void *ctx, size_t id, double t, double conc) {
  ru_csv_writer *w = ctx;
  ru_csv_writer_int(w, (long long)id);
  ru_csv_writer_double(w, t, 6);
  ru_csv_writer_double(w, conc, 9);
  ru_csv_writer_end_row(w);
}

static void row_stdio(void *ctx, size_t id, double t, double conc) {
  fprintf((FILE *)ctx, "%zu,%.6g,%.9g\n", id, t, conc);
}

static int run_writer(size_t nsub, const char *path, const char *tag) {
  ru_error err;
  ru_error_clear(&err);
  ru_csv_writer *w = NULL;
  const double t0 = bench_now();
  if (ru_csv_writer_open(path, 0, &w, &err) != RU_OK) {
    fprintf(stderr, "bench_csv: %s\n", err.message);
    return 1;
  }
  ru_csv_writer_str(w, "id");
  ru_csv_writer_str(w, "time_h");
  ru_csv_writer_str(w, "conc_mg_per_l");
  ru_csv_writer_end_row(w);
  for (size_t s = 0; s < nsub; s++) {
    if (subject_rows(s, row_writer, w) != 0) {
      ru_csv_writer_free(w);
      return 1;
    }
  }
  const double t1 = bench_now();
  const unsigned long long bytes = ru_csv_writer_bytes(w);
  const ru_status st = ru_csv_writer_commit(w, &err);
  ru_csv_writer_free(w);
  const double t2 = bench_now();
  if (st != RU_OK) {
    fprintf(stderr, "bench_csv: %s\n", err.message);
    return 1;
  }
  const double rows = (double)nsub * POP_NT;
  printf("csvw_%s_rows %.0f\n", tag, rows);
  printf("csvw_%s_bytes %llu\n", tag, bytes);
  printf("csvw_%s_rows_per_s %.0f\n", tag, rows / (t2 - t0));
  printf("csvw_%s_rows_per_s_before_commit %.0f\n", tag, rows / (t1 - t0));
  printf("csvw_%s_commit_s %.3f\n", tag, t2 - t1);
  printf("csvw_%s_mb_per_s %.0f\n", tag, (double)bytes / 1e6 / (t2 - t0));
  return 0;
}

static int run_stdio(size_t nsub, const char *path) {
  static char buf[1 << 20];
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    return 1;
  }
  setvbuf(f, buf, _IOFBF, sizeof buf);
  const double t0 = bench_now();
  fputs("id,time_h,conc_mg_per_l\n", f);
  for (size_t s = 0; s < nsub; s++) {
    if (subject_rows(s, row_stdio, f) != 0) {
      fclose(f);
      return 1;
    }
  }
  const int bad = fflush(f) != 0 || fclose(f) != 0;
  const double dt = bench_now() - t0;
  if (bad) {
    return 1;
  }
  printf("stdio_rows_per_s %.0f\n", (double)nsub * POP_NT / dt);
  return 0;
}

/* Formatting alone, values log-uniform over the concentrations above (1e-6 .. 1). */
static int run_fmt(size_t n) {
  double *v = malloc(n * sizeof *v);
  if (v == NULL) {
    return 1;
  }
  bench_rng r = {42};
  for (size_t i = 0; i < n; i++) {
    v[i] = pow(10.0, -6.0 * bench_uniform(&r));
  }
  char b[RUI_FMT_BUF];
  size_t sink = 0;
  double t0 = bench_now();
  for (size_t i = 0; i < n; i++) {
    sink += rui_fmt_double(b, v[i], 9);
  }
  const double fast = bench_now() - t0;
  t0 = bench_now();
  for (size_t i = 0; i < n; i++) {
    sink += (size_t)snprintf(b, sizeof b, "%.9g", v[i]);
  }
  const double slow = bench_now() - t0;
  printf("fmt_ns_per_double %.1f\n", 1e9 * fast / (double)n);
  printf("snprintf_ns_per_double %.1f\n", 1e9 * slow / (double)n);
  printf("fmt_checksum %zu\n", sink);
  free(v);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "pop") == 0) {
    return run_writer((size_t)strtoul(argv[2], NULL, 10), argv[3], argv[4]);
  }
  if (argc >= 4 && strcmp(argv[1], "stdio") == 0) {
    return run_stdio((size_t)strtoul(argv[2], NULL, 10), argv[3]);
  }
  if (argc >= 3 && strcmp(argv[1], "fmt") == 0) {
    return run_fmt((size_t)strtoul(argv[2], NULL, 10));
  }
  fprintf(stderr, "usage: bench_csv pop NSUB FILE TAG | stdio NSUB FILE | fmt N\n");
  return 2;
}
