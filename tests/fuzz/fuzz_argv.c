/* libFuzzer harness for the command line itself: the input bytes choose a command and an
 * argument vector built from the real option tables (commands.c) and a dictionary of hostile
 * values (empty, NaN, infinities, huge, negative, separators only, very long, format strings,
 * unknown names, invalid UTF-8), and ru_cli_main runs it in-process with its current directory a
 * scratch directory and stdout/stderr captured. Every run must exit 0, 2 or 130 (the per-input
 * deadline below interrupts long runs); on 2 with exactly one line on stderr and nothing on
 * stdout; on 0 with no NaN or infinity printed. Anything else aborts (a finding), and the
 * sanitizers report the rest.
 *
 * What it does not run (docs/testing.md): `validate` always gets --set physiology (the ddi set
 * takes 20 s under ASan and has no stop point), and `occupancy --doses` (ED50 bisection: minutes
 * per input, no stop point). Paths from raw bytes lose their '/' so nothing is written or read
 * outside the scratch directory. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "inproc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 40
/* Per input, long commands are asked to stop after 1 s of CPU time: a virtual timer (SIGVTALRM),
 * since libFuzzer keeps SIGALRM and the real-time timer for its own -timeout. */
#define DEADLINE_US 1000000

static char LONG_VALUE[3001];

static const char *const HOSTILE[] = {
    "", " ", "nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e-308", "1e999", "-1", "0", "-0",
    "0x1p3", "1,2,3", "3,2,1", ",", ",,,", ":", "::", "=", "a=b=c", ";", "%s%s%s%n", "%x%x%n",
    "zzz-unknown", "CYP2D6=XX", "CYP2D6=PM", "NET=1.5", "NET=0.5", "SERT>=2", "SERT>=0.8",
    "atomoxetine", "paroxetine:20mg:q24h", "atomoxetine:40mg:q12h", "Concerta:36mg:qd",
    "fluoxetine:20mg:qd:for=2w", "x:1mg", "atomoxetine.cl_f_l_per_h=20", "paroxetine.fu=0",
    "atomoxetine.v_f_l=1e308", "\xff\xfe\xfd", "line\nbreak", "-", "--", "1h", "30min", "2d",
    "1e6", "999999999", "all", "SERT,NET", "json", "csv", "table", "low", "high", "cvode",
    LONG_VALUE,
};
#define NHOSTILE (sizeof HOSTILE / sizeof HOSTILE[0])

static const char *const INPUT_FILES[] = {"", "missing.csv", "fixture.empty", "fixture.garbage",
                                          "fixture.dir", "/dev/null", "/etc/passwd", "fixture.ds.csv"};
static const char *const OUTPUT_FILES[] = {"", "out.json", "nodir/x.json", "/dev/full", "/dev/null",
                                           ".", "fixture.dir", "x.gif", "p.png", "p.svg", "a\nb"};

static const uint8_t *g_p;
static size_t g_left;
static char g_store[MAX_ARGS][512]; /* strings made from raw input bytes */
static size_t g_nstore;

static unsigned next(void) {
  if (g_left == 0) return 0;
  g_left--;
  return *g_p++;
}

/* A NUL-free string of up to 63 raw input bytes; without '/' when it names a file. */
static const char *raw(int is_path) {
  if (g_nstore >= MAX_ARGS) return "";
  char *s = g_store[g_nstore++];
  size_t n = next() % 64, k = 0;
  while (n-- > 0 && g_left > 0) {
    char c = (char)next();
    if (c == '\0' || (is_path && c == '/')) c = 'x';
    s[k++] = c;
  }
  s[k] = '\0';
  return s;
}

static int is_output(const cli_option *o) {
  return strcmp(o->name, "--output") == 0 || strcmp(o->name, "--plot") == 0;
}

static const char *value_for(const cli_option *o) {
  const unsigned how = next() % 4;
  if (o->kind == CLI_V_FILE) {
    if (how == 3) return raw(1);
    return is_output(o) ? OUTPUT_FILES[next() % (sizeof OUTPUT_FILES / sizeof OUTPUT_FILES[0])]
                        : INPUT_FILES[next() % (sizeof INPUT_FILES / sizeof INPUT_FILES[0])];
  }
  if (how == 0 && o->example != NULL) return o->example;
  if (how == 1) return raw(0);
  return HOSTILE[next() % NHOSTILE];
}

/* Options the harness leaves out (see the top of the file). */
static int excluded(const cli_command *cmd, const cli_option *o) {
  return strcmp(cmd->name, "occupancy") == 0 && strcmp(o->name, "--doses") == 0;
}

static const cli_option *pick_option(const cli_command *cmd) {
  size_t n = 0;
  for (const cli_optgroup *g = cmd->groups; g->title != NULL; g++)
    for (const cli_option *o = g->opts; o->name != NULL; o++) n++;
  size_t k = (next() | next() << 8) % (n ? n : 1);
  for (const cli_optgroup *g = cmd->groups; g->title != NULL; g++)
    for (const cli_option *o = g->opts; o->name != NULL; o++)
      if (k-- == 0) return excluded(cmd, o) ? NULL : o;
  return NULL;
}

static void on_alarm(int sig) {
  (void)sig;
  ru_cli_request_stop();
}

static void fail(const char *why, int argc, char **argv, const inproc_result *r) {
  FILE *f = fdopen(dup(inproc_stderr_fd()), "w");
  if (f != NULL) {
    fprintf(f, "fuzz_argv: %s (rc %d, %zu stderr lines, %zu stdout bytes):", why, r->rc,
            inproc_lines(r->err, r->nerr), r->nout);
    for (int i = 1; i < argc; i++) fprintf(f, " '%.80s'", argv[i]);
    fprintf(f, "\n  stderr: %.300s\n", r->err ? r->err : "");
    fclose(f);
  }
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  char dir[4096];
  if (inproc_init(dir, sizeof dir) != 0) abort();
  memset(LONG_VALUE, 'a', sizeof LONG_VALUE - 1);
  FILE *f = fopen("fixture.empty", "w");
  if (f) fclose(f);
  f = fopen("fixture.garbage", "wb");
  for (unsigned i = 0; f && i < 2048; i++) fputc((int)((i * 2654435761u) >> 13) & 0xff, f);
  if (f) fclose(f);
  f = fopen("fixture.ds.csv", "w");
  if (f) {
    fputs("ID,TIME,AMT,EVID,DRUG,II,ADDL\n1,0,40,1,atomoxetine,12,3\n1,1,0,0,,,\n2,0,20,1,paroxetine,24,2\n2,30,0,0,,,\n", f);
    fclose(f);
  }
  mkdir("fixture.dir", 0700);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGVTALRM, &sa, NULL);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  g_p = data;
  g_left = size;
  g_nstore = 0;
  char *argv[MAX_ARGS + 4];
  int argc = 0;
  argv[argc++] = (char *)"reuptake";
  size_t ncmd = 0;
  while (CLI_COMMANDS[ncmd] != NULL) ncmd++;
  const unsigned c = next() % (unsigned)(ncmd + 2);
  const cli_command *cmd = c < ncmd ? CLI_COMMANDS[c] : NULL;
  if (cmd != NULL) {
    argv[argc++] = (char *)cmd->name;
    if (strcmp(cmd->name, "validate") == 0) {
      argv[argc++] = (char *)"--set";
      argv[argc++] = (char *)"physiology";
    }
  } else {
    argv[argc++] = c == ncmd ? (char *)"help" : (char *)HOSTILE[next() % NHOSTILE];
  }
  static char probe[512];
  snprintf(probe, sizeof probe, "%s", cmd ? cmd->probe : "");
  char *ptok[16];
  size_t nprobe = 0;
  char *save = NULL;
  for (char *w = strtok_r(probe, " ", &save); w && nprobe < 16; w = strtok_r(NULL, " ", &save)) ptok[nprobe++] = w;
  while (g_left > 0 && argc < MAX_ARGS) {
    const unsigned op = next() % 8;
    if (op <= 2 && cmd != NULL) {
      const cli_option *o = pick_option(cmd);
      if (o == NULL) continue;
      if (o->kind == CLI_V_FLAG) {
        argv[argc++] = (char *)o->name;
      } else if (next() & 1 && g_nstore < MAX_ARGS) {
        char *s = g_store[g_nstore++];
        snprintf(s, sizeof g_store[0], "%s=%s", o->name, value_for(o));
        argv[argc++] = s;
      } else {
        argv[argc++] = (char *)o->name;
        argv[argc++] = (char *)value_for(o);
      }
    } else if (op == 3 && nprobe > 0) {
      argv[argc++] = ptok[next() % nprobe];
    } else if (op == 4) {
      argv[argc++] = (char *)HOSTILE[next() % NHOSTILE];
    } else if (op == 5) {
      argv[argc++] = (char *)raw(1);
    } else if (op == 6) {
      for (size_t k = 0; k < nprobe && argc < MAX_ARGS; k++) argv[argc++] = ptok[k];
    } else {
      /* an option of another command */
      const cli_command *other = CLI_COMMANDS[next() % ncmd];
      const cli_option *o = pick_option(other);
      if (o != NULL) argv[argc++] = (char *)o->name;
    }
  }
  argv[argc] = NULL;
  if (cmd != NULL && strcmp(cmd->name, "occupancy") == 0) {
    for (int i = 2; i < argc; i++)
      if (strncmp(argv[i], "--doses", 7) == 0) return 0; /* excluded (see above) */
  }
  const struct itimerval deadline = {{0, 0}, {0, DEADLINE_US}}, off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_VIRTUAL, &deadline, NULL);
  static inproc_result r;
  inproc_run(argc, argv, &r);
  setitimer(ITIMER_VIRTUAL, &off, NULL);
  inproc_clean();
  if (r.rc != 0 && r.rc != 2 && r.rc != 130) fail("exit code not 0, 2 or 130", argc, argv, &r);
  if (r.rc == 2 && (inproc_lines(r.err, r.nerr) != 1 || r.nout != 0)) {
    fail("an input error must print one line on stderr and nothing on stdout", argc, argv, &r);
  }
  if (r.rc == 0 && inproc_has_nonfinite(r.out, r.nout)) fail("a non-finite number in the output", argc, argv, &r);
  return 0;
}
