/* Allocation-failure sweep (SQLite's discipline, test_malloc.c / malloc*.test): representative
 * runs of the command-line tool (knowledge-base open, simulate, exposure, interact, occupancy,
 * population, synapse, physiology, validate, map) repeated in-process with the N-th allocation failing, for
 * N = 1, 2, 3, ... until a whole run succeeds. Every allocation counts: the library's rui_malloc
 * family, SQLite's (SQLITE_CONFIG_MALLOC), cJSON's (cJSON_InitHooks) and the tool's own
 * (cli_alloc_faults.h). Each failing run must exit 1 (out of memory is an internal failure) with
 * exactly one line on stderr and nothing on stdout, or absorb the failure and exit 0; never exit
 * 2, never crash (ASan/UBSan), never leak (LeakSanitizer after each scenario). A second pass
 * makes every allocation from the N-th on fail (persistent), which exercises cleanup paths that
 * fail again.
 *
 * N runs over every allocation up to RU_ALLOC_SWEEP_EXHAUSTIVE (default 200), then over evenly
 * spaced points to the end (the scenario's count, or RU_ALLOC_SWEEP_POINTS), so the sweep stays
 * within the test budget; RU_ALLOC_SWEEP_FULL=1 tries every N (hours). Each scenario runs in a
 * child process, so LeakSanitizer's report at its exit names the scenario that leaked.
 * RU_ALLOC_SWEEP_ONLY=NAME runs one scenario. Needs a build with RU_ALLOC_FAULTS. */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "inproc.h"

#ifndef RU_ALLOC_FAULTS
#error "alloc_sweep needs a build with -DRU_ALLOC_FAULTS=ON"
#endif

/* --- SQLite and cJSON allocations through the same counter -------------------------------- */

#define HDR 16 /* keeps SQLite's 8-byte alignment and the size */

static void *sq_malloc(int n) {
  if (rui_alloc_should_fail()) return NULL;
  char *p = malloc((size_t)n + HDR);
  if (p == NULL) return NULL;
  memcpy(p, &n, sizeof n);
  return p + HDR;
}
static void sq_free(void *p) {
  if (p != NULL) free((char *)p - HDR);
}
static int sq_size(void *p) {
  int n = 0;
  if (p != NULL) memcpy(&n, (char *)p - HDR, sizeof n);
  return n;
}
static void *sq_realloc(void *p, int n) {
  if (p == NULL) return sq_malloc(n);
  if (rui_alloc_should_fail()) return NULL;
  char *q = realloc((char *)p - HDR, (size_t)n + HDR);
  if (q == NULL) return NULL;
  memcpy(q, &n, sizeof n);
  return q + HDR;
}
static int sq_roundup(int n) { return (n + 7) & ~7; }
static int sq_init(void *u) {
  (void)u;
  return SQLITE_OK;
}
static void sq_shutdown(void *u) { (void)u; }

static void *cj_malloc(size_t n) { return rui_alloc_should_fail() ? NULL : malloc(n); }

/* --- the scenarios -------------------------------------------------------------------------- */

typedef struct scenario {
  const char *name;
  const char *args; /* after "reuptake", space-separated */
  long points;      /* evenly spaced failure points after the exhaustive start (the slow runs get
                     * fewer, so the whole sweep stays within the test budget) */
} scenario;

static const scenario SCENARIOS[] = {
    {"kb open", "drugs show atomoxetine --format json", 300},
    {"simulate", "simulate paroxetine:20mg:qd atomoxetine:40mg:bid --days 2 --step 6 --format json", 300},
    {"simulate csv", "simulate atomoxetine:40mg:q12h --days 1 --step 6 --format csv", 300},
    {"exposure", "exposure atomoxetine:40mg:q12h", 120},
    {"interact", "interact atomoxetine:40mg --with paroxetine:20mg --format json", 200},
    {"occupancy", "occupancy atomoxetine:40mg:q12h --target NET,SERT --format csv", 300},
    {"population", "population atomoxetine:40mg:q24h --subjects 3 --days 1 --format json", 200},
    {"synapse", "synapse --occupancy NET=0.9 --format json", 120},
    {"physiology", "physiology --state standing --occupancy NET=0.5", 120},
    {"validate", "validate --set pm --format json", 40},
    {"map", "map --class NRI --format json", 80},
};

static size_t g_fail;

static int split(const char *args, char *buf, size_t cap, char **argv, int max) {
  snprintf(buf, cap, "reuptake %s", args);
  int argc = 0;
  char *save = NULL;
  for (char *w = strtok_r(buf, " ", &save); w && argc < max; w = strtok_r(NULL, " ", &save)) argv[argc++] = w;
  argv[argc] = NULL;
  return argc;
}

static void report(const scenario *s, long n, int persistent, const inproc_result *r, const char *why) {
  FILE *f = fdopen(dup(inproc_stderr_fd()), "w");
  if (f == NULL) abort();
  fprintf(f, "FAIL %s: allocation %ld%s failing: %s (rc %d, %zu stderr lines, %zu stdout bytes)\n  %.300s\n",
          s->name, n, persistent ? " and every later one" : "", why, r->rc,
          inproc_lines(r->err, r->nerr), r->nout, r->err ? r->err : "");
  fclose(f);
  g_fail++;
}

/* One run with allocation n failing; returns 1 when no failure was injected (a whole run). */
static int run_at(const scenario *s, long n, int persistent, int argc, char **argv) {
  static inproc_result r;
  rui_alloc_fail_at(n, persistent);
  inproc_run(argc, argv, &r);
  const long injected = rui_alloc_failures();
  rui_alloc_fail_at(0, 0);
  inproc_clean();
  if (injected == 0) {
    if (r.rc != 0) report(s, n, persistent, &r, "the whole run did not succeed");
    return 1;
  }
  if (r.rc == 2) {
    report(s, n, persistent, &r, "out of memory reported as an input error (exit 2)");
  } else if (r.rc == 1) {
    if (inproc_lines(r.err, r.nerr) != 1 || r.nout != 0) {
      report(s, n, persistent, &r, "exit 1 needs one line on stderr and nothing on stdout");
    }
  } else if (r.rc != 0) {
    report(s, n, persistent, &r, "exit code not 0 or 1");
  }
  return 0;
}

static long env_long(const char *name, long dflt) {
  const char *v = getenv(name);
  return v != NULL && atol(v) > 0 ? atol(v) : dflt;
}

/* The sweep of one scenario (in a child process). */
static void sweep(const scenario *s, int full, long exhaustive, long points) {
  char buf[512];
  char *argv[32];
  const int argc = split(s->args, buf, sizeof buf, argv, 31);
  const clock_t c0 = clock();
  /* a run without injection counts the allocations of a whole run */
  static inproc_result r;
  rui_alloc_fail_at(0, 0);
  inproc_run(argc, argv, &r);
  const long total = rui_alloc_count();
  inproc_clean();
  if (r.rc != 0) {
    fprintf(stderr, "FAIL %s: the run without injection exits %d: %s\n", s->name, r.rc, r.err);
    g_fail++;
    return;
  }
  long tried = 0, n = 1, reached = 0;
  const long stride = total > exhaustive ? (total - exhaustive) / points + 1 : 1;
  for (;;) {
    tried++;
    if (run_at(s, n, 0, argc, argv)) {
      reached = n;
      break;
    }
    n += (full || n < exhaustive) ? 1 : stride;
  }
  /* persistent failures from a sample of points: the cleanup after a failure fails too */
  long ptried = 0;
  for (long p = 1; p <= total; p += total / 40 + 1, ptried++) run_at(s, p, 1, argc, argv);
  printf("%-13s %-6s %6ld allocations per run; %ld failure points (every N to %ld, then every %ld), "
         "a whole run at N = %ld; %ld persistent; %.1f s\n",
         s->name, g_fail == 0 ? "ok" : "FAILED", total, tried,
         full ? total : (exhaustive < total ? exhaustive : total), full ? 1 : stride, reached, ptried,
         (double)(clock() - c0) / CLOCKS_PER_SEC);
}

int main(void) {
  static const sqlite3_mem_methods mem = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
                                          sq_init, sq_shutdown, NULL};
  if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mem) != SQLITE_OK) {
    fprintf(stderr, "alloc_sweep: SQLITE_CONFIG_MALLOC refused\n");
    return 1;
  }
  cJSON_Hooks hooks = {cj_malloc, free};
  cJSON_InitHooks(&hooks);
  char dir[4096];
  if (inproc_init(dir, sizeof dir) != 0) {
    perror("alloc_sweep: scratch directory");
    return 1;
  }
  const int full = getenv("RU_ALLOC_SWEEP_FULL") != NULL && atoi(getenv("RU_ALLOC_SWEEP_FULL")) != 0;
  const long exhaustive = env_long("RU_ALLOC_SWEEP_EXHAUSTIVE", 200);
  size_t failed = 0;
  const char *only = getenv("RU_ALLOC_SWEEP_ONLY"); /* one scenario, by name (debugging) */
  for (size_t k = 0; k < sizeof SCENARIOS / sizeof SCENARIOS[0]; k++) {
    if (only != NULL && strcmp(only, SCENARIOS[k].name) != 0) continue;
    fflush(stdout);
    const pid_t pid = fork();
    if (pid < 0) {
      perror("alloc_sweep: fork");
      return 1;
    }
    if (pid == 0) {
      sweep(&SCENARIOS[k], full, exhaustive, env_long("RU_ALLOC_SWEEP_POINTS", SCENARIOS[k].points));
      fflush(stdout);
      exit(g_fail == 0 ? 0 : 1); /* LeakSanitizer checks at this exit (exit code 23 on a leak) */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "FAIL %s: %s %d%s\n", SCENARIOS[k].name, WIFEXITED(status) ? "exit" : "signal",
              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
              " (see the lines above: a failure point, or a sanitizer report such as a leak)");
      failed++;
    }
  }
  g_fail = failed;
  inproc_clean();
  unlink(".capture.out");
  unlink(".capture.err");
  if (chdir("/") == 0) rmdir(dir);
  printf("%zu scenarios failed\n", g_fail);
  return g_fail == 0 ? 0 : 1;
}
