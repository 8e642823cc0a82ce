/* The streaming CSV writer (src/io/csvout.c, include/reuptake/io.h): content equal to the
 * printf rendering, RFC 4180 quoting (section 2), flat buffer reuse across many flushes, and
 * the atomic-output contract of DESIGN.md: until commit the target is untouched, and an error,
 * a cancel or a free without commit leaves no file and no temporary file behind. */
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "reuptake.h"

/* Reads a whole file into a malloc'd NUL-terminated string (NULL when it does not exist). */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  const long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return s;
}

/* Number of directory entries other than . and .. */
static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  }
  closedir(d);
  return n;
}

static void make_dir(char *tmpl) { assert_non_null(mkdtemp(tmpl)); }

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) return;
  char p[PATH_MAX];
  for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

/* Many rows through a tiny buffer (hundreds of flushes): the file equals the fprintf text. */
static void rows_match_printf_through_many_flushes(void **state) {
  (void)state;
  char dir[] = "/tmp/ru_csvout_XXXXXX";
  make_dir(dir);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/out.csv", dir);
  ru_csv_writer *w = NULL;
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_csv_writer_open(path, 4096, &w, &err), RU_OK);
  size_t cap = 1 << 20, len = 0;
  char *want = malloc(cap);
  assert_non_null(want);
  ru_csv_writer_str(w, "id");
  ru_csv_writer_str(w, "time_h");
  ru_csv_writer_str(w, "conc_mg_per_l");
  ru_csv_writer_end_row(w);
  len += (size_t)snprintf(want + len, cap - len, "id,time_h,conc_mg_per_l\n");
  for (long id = 1; id <= 30; id++) {
    for (int t = 0; t <= 672; t++) {
      const double c = 20.0 / 300.0 * exp(-0.07 * (double)(t % 24)) * (1.0 + (double)id / 7.0);
      ru_csv_writer_int(w, id);
      ru_csv_writer_double(w, (double)t, 6);
      ru_csv_writer_double(w, c, 9);
      ru_csv_writer_end_row(w);
      if (cap - len < 128) {
        cap *= 2;
        want = realloc(want, cap);
        assert_non_null(want);
      }
      len += (size_t)snprintf(want + len, cap - len, "%ld,%.6g,%.9g\n", id, (double)t, c);
    }
  }
  assert_int_equal(ru_csv_writer_status(w), RU_OK);
  assert_int_equal(ru_csv_writer_bytes(w), len);
  /* not yet published: only the temporary file exists */
  assert_int_equal(access(path, F_OK), -1);
  assert_int_equal(ru_csv_writer_commit(w, &err), RU_OK);
  ru_csv_writer_free(w);
  size_t glen = 0;
  char *got = slurp(path, &glen);
  assert_non_null(got);
  assert_int_equal(glen, len);
  assert_memory_equal(got, want, len);
  assert_int_equal(count_entries(dir), 1); /* no temporary file left */
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(sb.st_mode & 0777, 0644);
  free(got);
  free(want);
  remove_dir(dir);
}

/* RFC 4180 section 2 (6, 7): fields with commas, quotes or line breaks are quoted and quotes
 * doubled; NaN and infinities print NA; NULL is an empty field. */
static void quoting_and_missing_values(void **state) {
  (void)state;
  char dir[] = "/tmp/ru_csvout_XXXXXX";
  make_dir(dir);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/q.csv", dir);
  ru_csv_writer *w = NULL;
  assert_int_equal(ru_csv_writer_open(path, 0, &w, NULL), RU_OK);
  ru_csv_writer_str(w, "plain");
  ru_csv_writer_str(w, "a,b");
  ru_csv_writer_str(w, "say \"hi\"");
  ru_csv_writer_str(w, "two\nlines");
  ru_csv_writer_str(w, NULL);
  ru_csv_writer_end_row(w);
  ru_csv_writer_double(w, nan(""), 6);
  ru_csv_writer_double(w, INFINITY, 6);
  ru_csv_writer_double(w, -0.0, 6);
  ru_csv_writer_double(w, 1e-7, 3);
  ru_csv_writer_int(w, LLONG_MIN);
  ru_csv_writer_end_row(w);
  assert_int_equal(ru_csv_writer_commit(w, NULL), RU_OK);
  ru_csv_writer_free(w);
  char *got = slurp(path, NULL);
  assert_non_null(got);
  assert_string_equal(got, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n"
                           "NA,NA,-0,1e-07,-9223372036854775808\n");
  free(got);
  remove_dir(dir);
}

/* An existing file is replaced only at commit; a free without commit (the error path of a
 * caller) keeps the old content and removes the temporary file. */
static void free_without_commit_leaves_old_file(void **state) {
  (void)state;
  char dir[] = "/tmp/ru_csvout_XXXXXX";
  make_dir(dir);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/keep.csv", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("old\n", f);
  fclose(f);
  ru_csv_writer *w = NULL;
  assert_int_equal(ru_csv_writer_open(path, 4096, &w, NULL), RU_OK);
  for (int i = 0; i < 100000; i++) {
    ru_csv_writer_double(w, (double)i * 0.1, 6);
    ru_csv_writer_end_row(w);
  }
  assert_int_equal(count_entries(dir), 2); /* keep.csv + its temporary file */
  ru_csv_writer_free(w);
  assert_int_equal(count_entries(dir), 1);
  char *got = slurp(path, NULL);
  assert_string_equal(got, "old\n");
  free(got);
  remove_dir(dir);
}

/* A cancel flag stops the writer at the next flush with RU_EINTERRUPTED; commit refuses and
 * leaves nothing behind. */
static void cancel_leaves_no_file(void **state) {
  (void)state;
  char dir[] = "/tmp/ru_csvout_XXXXXX";
  make_dir(dir);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/c.csv", dir);
  volatile sig_atomic_t stop = 0;
  ru_csv_writer *w = NULL;
  assert_int_equal(ru_csv_writer_open(path, 4096, &w, NULL), RU_OK);
  ru_csv_writer_set_cancel(w, &stop);
  int i = 0;
  for (; i < 1000000 && ru_csv_writer_status(w) == RU_OK; i++) {
    if (i == 5000) stop = 1;
    ru_csv_writer_double(w, (double)i, 9);
    ru_csv_writer_end_row(w);
  }
  assert_true(i < 1000000); /* the loop saw the sticky status and stopped early */
  assert_int_equal(ru_csv_writer_status(w), RU_EINTERRUPTED);
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_csv_writer_commit(w, &err), RU_EINTERRUPTED);
  assert_non_null(strstr(err.message, "interrupted"));
  assert_int_equal(count_entries(dir), 0);
  ru_csv_writer_free(w);
  assert_int_equal(count_entries(dir), 0);
  remove_dir(dir);
}

/* Unwritable targets fail at open with RU_EOUTPUT (the user can fix it: exit 2) naming the path,
 * and create nothing. */
static void unwritable_target_fails_at_open(void **state) {
  (void)state;
  char dir[] = "/tmp/ru_csvout_XXXXXX";
  make_dir(dir);
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/missing/x.csv", dir);
  ru_csv_writer *w = (ru_csv_writer *)&w; /* overwritten with NULL */
  ru_error err;
  ru_error_clear(&err);
  assert_int_equal(ru_csv_writer_open(path, 0, &w, &err), RU_EOUTPUT);
  assert_null(w);
  assert_non_null(strstr(err.message, "missing/x.csv"));
  assert_int_equal(ru_csv_writer_open(dir, 0, &w, &err), RU_EOUTPUT); /* a directory */
  assert_null(w);
  assert_int_equal(count_entries(dir), 0);
  assert_int_equal(ru_csv_writer_open(path, 0, NULL, NULL), RU_EINVAL);
  remove_dir(dir);
}

/* A device is written in place (no temporary file in /dev, no rename over it). */
static void device_target_is_written_directly(void **state) {
  (void)state;
  ru_csv_writer *w = NULL;
  assert_int_equal(ru_csv_writer_open("/dev/null", 4096, &w, NULL), RU_OK);
  for (int i = 0; i < 10000; i++) {
    ru_csv_writer_int(w, i);
    ru_csv_writer_end_row(w);
  }
  assert_int_equal(ru_csv_writer_commit(w, NULL), RU_OK);
  assert_int_equal(ru_csv_writer_commit(w, NULL), RU_EINVAL); /* only once */
  ru_csv_writer_free(w);
  struct stat sb;
  assert_int_equal(stat("/dev/null", &sb), 0);
  assert_true(S_ISCHR(sb.st_mode));
}

/* Every entry point accepts NULL. */
static void null_writer_is_safe(void **state) {
  (void)state;
  ru_csv_writer_str(NULL, "x");
  ru_csv_writer_double(NULL, 1.0, 6);
  ru_csv_writer_int(NULL, 1);
  ru_csv_writer_end_row(NULL);
  ru_csv_writer_set_cancel(NULL, NULL);
  ru_csv_writer_free(NULL);
  assert_int_equal(ru_csv_writer_status(NULL), RU_EINVAL);
  assert_int_equal(ru_csv_writer_bytes(NULL), 0);
  assert_int_equal(ru_csv_writer_commit(NULL, NULL), RU_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rows_match_printf_through_many_flushes),
      cmocka_unit_test(quoting_and_missing_values),
      cmocka_unit_test(free_without_commit_leaves_old_file),
      cmocka_unit_test(cancel_leaves_no_file),
      cmocka_unit_test(unwritable_target_fails_at_open),
      cmocka_unit_test(device_target_is_written_directly),
      cmocka_unit_test(null_writer_is_safe),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
