/* In-process runs of the command-line tool for the option matrix, the allocation-failure sweep
 * and the argv fuzzer: ru_cli_main with stdout and stderr captured in files of a scratch
 * directory (the process's current directory while the tests run, so relative output files land
 * there too). */
#ifndef RU_TEST_INPROC_H
#define RU_TEST_INPROC_H

#include <stddef.h>

typedef struct inproc_result {
  int rc;
  char *out; /* stdout, NUL-terminated (at most INPROC_MAX bytes kept) */
  size_t nout;
  char *err; /* stderr */
  size_t nerr;
} inproc_result;

#define INPROC_MAX (1u << 20)

/* Creates the scratch directory (mkdtemp under TMPDIR), changes into it and opens the capture
 * files; dir receives its path. Returns 0 or -1. */
int inproc_init(char *dir, size_t cap);
/* Runs `reuptake argv[1]...` (argv[0] ignored) with stdout and stderr captured. The buffers of r
 * are reused from call to call (inproc_free at the end). */
void inproc_run(int argc, char **argv, inproc_result *r);
void inproc_free(inproc_result *r);
/* Lines in a buffer (newline-terminated lines; a last line without one counts too). */
size_t inproc_lines(const char *s, size_t n);
/* 1 when the text holds "nan" or "inf" as a word (any case): a non-finite number printed. */
int inproc_has_nonfinite(const char *s, size_t n);
/* Removes every file in the scratch directory except the capture files (between runs). */
void inproc_clean(void);
/* The original stderr (for reports while a run is captured). */
int inproc_stderr_fd(void);

#endif
