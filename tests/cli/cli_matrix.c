/* The option matrix: every option of every command (from the commands' own option tables) with
 * each hostile value, run in-process on the real entry point. Every run must exit 0 or 2; on 2
 * exactly one line on stderr and nothing on stdout; on 0 no NaN or infinity in the output; under
 * the sanitizers no report and (LeakSanitizer, after each command's runs) no leak. The hostile values are
 * the forms that broke command lines before: empty, NaN, infinities, huge, tiny, negative,
 * separators only, very long, format strings, unknown names, invalid UTF-8, newlines; files
 * that are missing, empty, garbage, a directory, a device. Usage: cli_matrix [--quick] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "inproc.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define RU_LEAK_CHECK() __lsan_do_recoverable_leak_check()
#endif
#endif
#ifndef RU_LEAK_CHECK
#define RU_LEAK_CHECK() 0
#endif

static char LONG_VALUE[5001];

static const char *const HOSTILE[] = {
    "", " ", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-308", "1e999", "-1", "0", "-0",
    "0x1p3", "1,2,3", "3,2,1", ",", ",,,", ":", "::", "=", "a=b=c", ";", "%s%s%s%n", "%x%x%x%x",
    "zzz-unknown", "CYP2D6=XX", "NET=1.5", "SERT>=2", "atomoxetine", "atomoxetine:40mg:q12h",
    "\xff\xfe\xfd", "line\nbreak", "-", "--", LONG_VALUE,
};
#define NHOSTILE (sizeof HOSTILE / sizeof HOSTILE[0])

/* files to read: missing, empty, garbage, a directory, a device, a text that is no table */
static const char *const INPUT_FILES[] = {"", "missing.csv", "fixture.empty", "fixture.garbage",
                                          "fixture.dir", "/dev/null", "/etc/passwd", LONG_VALUE};
/* files to write: a missing directory, a full device, a directory, an unknown plot type */
static const char *const OUTPUT_FILES[] = {"", "out.file", "nodir/x.json", "/dev/full", "/dev/null",
                                           ".", "fixture.dir", "x.gif", "a\nb", LONG_VALUE};

static size_t g_runs, g_failures;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void report(const char *why, int argc, char **argv, const inproc_result *r) {
  FILE *f = fdopen(dup(inproc_stderr_fd()), "w");
  if (f == NULL) abort();
  fprintf(f, "FAIL %s: rc=%d, stderr lines=%zu, stdout bytes=%zu:", why, r->rc,
          inproc_lines(r->err, r->nerr), r->nout);
  for (int i = 1; i < argc; i++) fprintf(f, " '%.60s%s'", argv[i], strlen(argv[i]) > 60 ? "..." : "");
  fprintf(f, "\n  stderr: %.400s\n", r->err);
  fclose(f);
  g_failures++;
}

static void run_case(int argc, char **argv) {
  static inproc_result r;
  inproc_run(argc, argv, &r);
  g_runs++;
  if (r.rc != 0 && r.rc != 2) {
    report("exit code not 0 or 2", argc, argv, &r);
  } else if (r.rc == 2 && (inproc_lines(r.err, r.nerr) != 1 || r.nout != 0)) {
    report("an input error must print one line on stderr and nothing on stdout", argc, argv, &r);
  } else if (r.rc == 0 && inproc_has_nonfinite(r.out, r.nout)) {
    report("a non-finite number reached the output", argc, argv, &r);
  }
  inproc_clean();
}

/* argv = reuptake CMD PROBE... (without opt and its value) EXTRA... */
static int build(const cli_command *cmd, const cli_option *skip, char **argv, int cap) {
  static char probe[512];
  int argc = 0;
  argv[argc++] = (char *)"reuptake";
  argv[argc++] = (char *)cmd->name;
  snprintf(probe, sizeof probe, "%s", cmd->probe);
  char *save = NULL;
  for (char *w = strtok_r(probe, " ", &save); w && argc < cap; w = strtok_r(NULL, " ", &save)) {
    if (skip != NULL && (strcmp(w, skip->name) == 0 || (skip->alias && strcmp(w, skip->alias) == 0))) {
      if (skip->kind != CLI_V_FLAG) strtok_r(NULL, " ", &save);
      continue;
    }
    argv[argc++] = w;
  }
  return argc;
}

static int is_output(const cli_option *o) {
  return strcmp(o->name, "--output") == 0 || strcmp(o->name, "--plot") == 0;
}

static void option_cases(const cli_command *cmd, const cli_option *o, int quick) {
  char *argv[64];
  char joined[6000];
  if (o->kind == CLI_V_FLAG) {
    int argc = build(cmd, o, argv, 60);
    argv[argc++] = (char *)o->name;
    run_case(argc, argv);
    argc = build(cmd, o, argv, 60);
    snprintf(joined, sizeof joined, "%s=x", o->name);
    argv[argc++] = joined;
    run_case(argc, argv);
    return;
  }
  const char *const *values = HOSTILE;
  size_t n = NHOSTILE;
  if (o->kind == CLI_V_FILE) {
    values = is_output(o) ? OUTPUT_FILES : INPUT_FILES;
    n = is_output(o) ? sizeof OUTPUT_FILES / sizeof OUTPUT_FILES[0] : sizeof INPUT_FILES / sizeof INPUT_FILES[0];
  }
  for (size_t v = 0; v <= n; v++) {
    const char *value = v < n ? values[v] : o->example;
    if (value == NULL) continue;
    if (quick && v % 3 != 0 && v != n) continue;
    int argc = build(cmd, o, argv, 60);
    argv[argc++] = (char *)o->name;
    argv[argc++] = (char *)value;
    run_case(argc, argv);
    if (v < 3) { /* the --name=VALUE spelling */
      argc = build(cmd, o, argv, 60);
      snprintf(joined, sizeof joined, "%s=%s", o->name, value);
      argv[argc++] = joined;
      run_case(argc, argv);
    }
  }
  /* the option last, without its value */
  int argc = build(cmd, o, argv, 60);
  argv[argc++] = (char *)o->name;
  run_case(argc, argv);
}

static void fixtures(void) {
  memset(LONG_VALUE, 'a', sizeof LONG_VALUE - 1);
  LONG_VALUE[sizeof LONG_VALUE - 1] = '\0';
  FILE *f = fopen("fixture.empty", "w");
  if (f) fclose(f);
  f = fopen("fixture.garbage", "wb");
  for (unsigned i = 0; f && i < 4096; i++) fputc((int)((i * 2654435761u) >> 13) & 0xff, f);
  if (f) fclose(f);
  mkdir("fixture.dir", 0700);
}

int main(int argc, char **argv) {
  const int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
  char dir[4096];
  if (inproc_init(dir, sizeof dir) != 0) {
    perror("cli_matrix: scratch directory");
    return 1;
  }
  fixtures();
  for (size_t c = 0; CLI_COMMANDS[c] != NULL; c++) {
    const cli_command *cmd = CLI_COMMANDS[c];
    const size_t before = g_failures, runs0 = g_runs;
    const double t0 = now_s();
    char *av[64];
    /* the probe itself must succeed: the options below are tried on a valid command */
    int ac = build(cmd, NULL, av, 60);
    static inproc_result r;
    inproc_run(ac, av, &r);
    if (r.rc != 0) report("the probe arguments must succeed", ac, av, &r);
    inproc_clean();
    for (const cli_optgroup *g = cmd->groups; g->title != NULL; g++) {
      for (const cli_option *o = g->opts; o->name != NULL; o++) option_cases(cmd, o, quick);
    }
    for (size_t v = 0; v < NHOSTILE; v++) { /* a hostile positional argument */
      ac = build(cmd, NULL, av, 60);
      av[ac++] = (char *)HOSTILE[v];
      run_case(ac, av);
      av[1] = (char *)cmd->name;
      av[2] = (char *)HOSTILE[v];
      run_case(3, av);
    }
    /* LeakSanitizer stops the world to check (a forked tracer): once per command, not per run */
    if (RU_LEAK_CHECK()) {
      fprintf(stderr, "FAIL %s: memory leaked (LeakSanitizer report above)\n", cmd->name);
      g_failures++;
    }
    printf("%-11s %-6s %5zu runs %6.1f s\n", cmd->name, g_failures == before ? "ok" : "FAILED",
           g_runs - runs0, now_s() - t0);
    fflush(stdout);
  }
  for (size_t v = 0; v < NHOSTILE; v++) { /* unknown commands, help of unknown commands */
    char *av[4] = {(char *)"reuptake", (char *)HOSTILE[v], NULL, NULL};
    run_case(2, av);
    av[1] = (char *)"help";
    av[2] = (char *)HOSTILE[v];
    run_case(3, av);
  }
  printf("%zu runs, %zu failures\n", g_runs, g_failures);
  inproc_clean();
  unlink(".capture.out");
  unlink(".capture.err");
  unlink("fixture.empty");
  unlink("fixture.garbage");
  rmdir("fixture.dir");
  if (chdir("/") == 0) rmdir(dir);
  return g_failures == 0 ? 0 : 1;
}
