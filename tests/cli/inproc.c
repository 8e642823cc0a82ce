/* In-process runs of ru_cli_main with captured output (inproc.h). */
#include "inproc.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define RU_SANITIZER_REPORTS 1
#endif
#endif

static int g_out = -1, g_err = -1, g_saved_out = -1, g_saved_err = -1;
static char g_dir[4096];
static pid_t g_owner = -1;

/* At exit of the process that made it (not of forked children, which share the directory),
 * the scratch directory and everything in it go: libFuzzer targets end in exit() with no
 * teardown of their own, and a test must not leave its files in TMPDIR. */
static void remove_scratch(void) {
  if (getpid() != g_owner || g_dir[0] == '\0') return;
  DIR *d = opendir(g_dir);
  if (d != NULL) {
    struct dirent *e;
    char path[sizeof g_dir + 256];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
      if (unlink(path) != 0) rmdir(path); /* fixture.dir is an empty directory */
    }
    closedir(d);
  }
  rmdir(g_dir);
}

int inproc_init(char *dir, size_t cap) {
  const char *tmp = getenv("TMPDIR");
  snprintf(g_dir, sizeof g_dir, "%s/reuptake-inproc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(g_dir) == NULL || chdir(g_dir) != 0) return -1;
  g_owner = getpid();
  atexit(remove_scratch);
  g_out = open(".capture.out", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_err = open(".capture.err", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  g_saved_out = dup(STDOUT_FILENO);
  g_saved_err = dup(STDERR_FILENO);
  if (g_out < 0 || g_err < 0 || g_saved_out < 0 || g_saved_err < 0) return -1;
#ifdef RU_SANITIZER_REPORTS
  /* a sanitizer report during a captured run goes to the real stderr, not the capture file */
  __sanitizer_set_report_fd((void *)(intptr_t)g_saved_err);
#endif
  snprintf(dir, cap, "%s", g_dir);
  return 0;
}

int inproc_stderr_fd(void) { return g_saved_err >= 0 ? g_saved_err : STDERR_FILENO; }

static char *slurp(int fd, size_t *n, char *old) {
  const off_t end = lseek(fd, 0, SEEK_END);
  size_t len = end > 0 ? (size_t)end : 0;
  if (len > INPROC_MAX) len = INPROC_MAX;
  char *buf = realloc(old, len + 1);
  if (buf == NULL) {
    free(old);
    *n = 0;
    return NULL;
  }
  size_t got = 0;
  while (got < len) {
    const ssize_t k = pread(fd, buf + got, len - got, (off_t)got);
    if (k <= 0) break;
    got += (size_t)k;
  }
  buf[got] = '\0';
  *n = got;
  return buf;
}

void inproc_run(int argc, char **argv, inproc_result *r) {
  fflush(stdout);
  fflush(stderr);
  if (ftruncate(g_out, 0) != 0 || ftruncate(g_err, 0) != 0) abort();
  lseek(g_out, 0, SEEK_SET);
  lseek(g_err, 0, SEEK_SET);
  dup2(g_out, STDOUT_FILENO);
  dup2(g_err, STDERR_FILENO);
  r->rc = ru_cli_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(g_saved_out, STDOUT_FILENO);
  dup2(g_saved_err, STDERR_FILENO);
  r->out = slurp(g_out, &r->nout, r->out);
  r->err = slurp(g_err, &r->nerr, r->err);
}

void inproc_free(inproc_result *r) {
  free(r->out);
  free(r->err);
  r->out = r->err = NULL;
}

size_t inproc_lines(const char *s, size_t n) {
  size_t lines = 0;
  for (size_t i = 0; i < n; i++) lines += s[i] == '\n';
  if (n > 0 && s[n - 1] != '\n') lines++;
  return lines;
}

int inproc_has_nonfinite(const char *s, size_t n) {
  for (size_t i = 0; i + 3 <= n; i++) {
    if (i > 0 && isalnum((unsigned char)s[i - 1])) continue;
    if ((strncasecmp(s + i, "nan", 3) == 0 || strncasecmp(s + i, "inf", 3) == 0) &&
        (i + 3 == n || !isalnum((unsigned char)s[i + 3]))) {
      return 1;
    }
  }
  return 0;
}

void inproc_clean(void) {
  DIR *d = opendir(".");
  if (d == NULL) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (strncmp(e->d_name, ".capture.", 9) == 0 || strncmp(e->d_name, "fixture.", 8) == 0) continue;
    unlink(e->d_name); /* directories of fixtures stay (unlink fails on them) */
  }
  closedir(d);
}
