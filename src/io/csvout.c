/* Streaming CSV writer (include/reuptake/io.h): one large buffer, written out when it fills,
 * numbers through rui_fmt_double (fmt.c) instead of printf, and atomic publication through the
 * library's one output-file helper (outfile.c).
 *
 * Writeback is left to the kernel until the fsync at commit: starting it early with Linux's
 * sync_file_range(2) after each buffer was measured (bench/README.md) and gave no clear gain
 * (commit 0.13 -> 0.10 s for 146 MB, but slower writes), so it is not used.
 *
 * Invariant: buf[0..len) holds bytes not yet written; once status != RU_OK nothing more is
 * appended or written. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "io/fmt.h"
#include "reuptake/io.h"

#define CSVW_DEFAULT_BUF (4u << 20) /* 4 MiB: few syscalls, still small next to RAM */
#define CSVW_MIN_BUF 4096u
#define CSVW_FIELD_MAX (RUI_FMT_BUF + 1) /* a number plus its comma */

struct ru_csv_writer {
  ru_outfile *file;                      /* the atomic output (or stdout) */
  char *buf;                             /* output buffer */
  size_t len, cap;                       /* bytes pending, buffer size */
  unsigned long long total;              /* bytes handed over so far */
  size_t col;                            /* fields written in the current row */
  const volatile sig_atomic_t *cancel;   /* optional cancel flag */
  int committed;                         /* 1 after a successful commit */
  ru_error err;                          /* sticky status and message */
};

/* Sets the sticky cancel error (the first error wins). */
static void csvw_cancelled(ru_csv_writer *w) {
  if (w->err.code == RU_OK) {
    ru_error_set(&w->err, RU_EINTERRUPTED, "interrupted; no output written");
  }
}

/* Writes out the pending bytes (a failure becomes the sticky error). */
static void csvw_flush(ru_csv_writer *w) {
  if (w->err.code != RU_OK) {
    return;
  }
  if (w->cancel != NULL && *w->cancel != 0) {
    csvw_cancelled(w);
    return;
  }
  if (ru_outfile_write(w->file, w->buf, w->len, &w->err) == RU_OK) {
    w->len = 0;
  }
}

/* Appends n bytes, writing the buffer out as it fills. */
static void csvw_put(ru_csv_writer *w, const char *data, size_t n) {
  while (n > 0 && w->err.code == RU_OK) {
    if (w->len == w->cap) {
      csvw_flush(w);
      continue;
    }
    const size_t room = w->cap - w->len;
    const size_t k = n < room ? n : room;
    memcpy(w->buf + w->len, data, k);
    w->len += k;
    w->total += k;
    data += k;
    n -= k;
  }
}

/* Guarantees CSVW_FIELD_MAX bytes of room for the fast numeric paths; 0 on a sticky error. */
static int csvw_room(ru_csv_writer *w) {
  if (w->err.code != RU_OK) {
    return 0;
  }
  if (w->cap - w->len < CSVW_FIELD_MAX) {
    csvw_flush(w);
  }
  return w->err.code == RU_OK;
}

ru_status ru_csv_writer_open(const char *path, size_t buffer_bytes, ru_csv_writer **out,
                             ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_csv_writer_open: out is NULL");
  }
  *out = NULL;
  const size_t cap = buffer_bytes == 0 ? CSVW_DEFAULT_BUF
                                       : (buffer_bytes < CSVW_MIN_BUF ? CSVW_MIN_BUF : buffer_bytes);
  ru_csv_writer *w = rui_calloc(1, sizeof *w);
  if (w == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory opening the CSV output");
  }
  ru_error_clear(&w->err);
  w->cap = cap;
  w->buf = rui_malloc(cap);
  if (w->buf == NULL) {
    ru_csv_writer_free(w);
    return ru_error_set(err, RU_ENOMEM, "out of memory for a %zu-byte CSV buffer", cap);
  }
  const ru_status st = ru_outfile_open(path, &w->file, err);
  if (st != RU_OK) {
    ru_csv_writer_free(w);
    return st;
  }
  *out = w;
  return RU_OK;
}

void ru_csv_writer_set_cancel(ru_csv_writer *w, const volatile sig_atomic_t *cancel) {
  if (w != NULL) {
    w->cancel = cancel;
  }
}

void ru_csv_writer_str(ru_csv_writer *w, const char *s) {
  if (w == NULL || w->err.code != RU_OK) {
    return;
  }
  if (w->col++ > 0) {
    csvw_put(w, ",", 1);
  }
  if (s == NULL) {
    return;
  }
  if (strpbrk(s, ",\"\r\n") == NULL) {
    csvw_put(w, s, strlen(s));
    return;
  }
  /* RFC 4180 section 2: enclose in double quotes, double every embedded quote */
  csvw_put(w, "\"", 1);
  for (const char *p = s; *p != '\0';) {
    const char *q = strchr(p, '"');
    const size_t n = q != NULL ? (size_t)(q - p) + 1 : strlen(p);
    csvw_put(w, p, n);
    if (q == NULL) {
      break;
    }
    csvw_put(w, "\"", 1);
    p = q + 1;
  }
  csvw_put(w, "\"", 1);
}

void ru_csv_writer_double(ru_csv_writer *w, double v, int sig) {
  if (w == NULL || !csvw_room(w)) {
    return;
  }
  char *o = w->buf + w->len;
  if (w->col++ > 0) {
    *o++ = ',';
  }
  o += rui_fmt_double(o, v, sig);
  const size_t n = (size_t)(o - (w->buf + w->len));
  w->len += n;
  w->total += n;
}

void ru_csv_writer_int(ru_csv_writer *w, long long v) {
  if (w == NULL || !csvw_room(w)) {
    return;
  }
  char *o = w->buf + w->len;
  if (w->col++ > 0) {
    *o++ = ',';
  }
  o += rui_fmt_int(o, v);
  const size_t n = (size_t)(o - (w->buf + w->len));
  w->len += n;
  w->total += n;
}

void ru_csv_writer_end_row(ru_csv_writer *w) {
  if (w == NULL || !csvw_room(w)) {
    return;
  }
  w->buf[w->len++] = '\n';
  w->total++;
  w->col = 0;
}

ru_status ru_csv_writer_status(const ru_csv_writer *w) {
  return w == NULL ? RU_EINVAL : w->err.code;
}

unsigned long long ru_csv_writer_bytes(const ru_csv_writer *w) {
  return w == NULL ? 0ull : w->total;
}

ru_status ru_csv_writer_commit(ru_csv_writer *w, ru_error *err) {
  if (w == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_csv_writer_commit: writer is NULL");
  }
  if (w->committed) {
    return ru_error_set(err, RU_EINVAL, "ru_csv_writer_commit: already committed");
  }
  csvw_flush(w);
  if (w->err.code == RU_OK) {
    (void)ru_outfile_commit(w->file, &w->err);
  }
  if (w->err.code != RU_OK) {
    ru_outfile_free(w->file); /* discards the temporary file */
    w->file = NULL;
    if (err != NULL) {
      *err = w->err;
    }
    return w->err.code;
  }
  w->committed = 1;
  return RU_OK;
}

void ru_csv_writer_free(ru_csv_writer *w) {
  if (w == NULL) {
    return;
  }
  ru_outfile_free(w->file);
  rui_free(w->buf);
  rui_free(w);
}
