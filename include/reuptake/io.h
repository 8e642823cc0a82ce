/* Output helpers of the library: plots (PNG, SVG or PDF by file extension, drawn with cairo)
 * and a streaming CSV writer for outputs of millions of rows. Files are written atomically: to
 * a temporary file in the same directory, then renamed, so a failure never leaves a
 * half-written file. */
#ifndef RU_IO_H
#define RU_IO_H

#include <signal.h>
#include <stddef.h>

#include "reuptake/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ru_plot_series {
  const char *label;   /* legend text */
  const double *y;     /* n values (non-finite values are gaps) */
  const double *y_low; /* optional band (NULL): drawn shaded between y_low and y_high */
  const double *y_high;
} ru_plot_series;

typedef struct ru_plot_panel {
  const char *ylabel;
  const ru_plot_series *series;
  size_t nseries;
  int log_y;           /* 1: logarithmic y axis */
  double y_min, y_max; /* fixed range when y_max > y_min, else automatic */
} ru_plot_panel;

/* Draws npanels stacked panels sharing the x axis into path (.png, .svg or .pdf). */
RU_API ru_status ru_plot_panels(const char *path, const char *title, const char *xlabel,
                                const double *x, size_t n, const ru_plot_panel *panels,
                                size_t npanels, ru_error *err);

/* A heatmap (rows x columns, colour = a value in [0, 1]) for `reuptake map`: rows grouped by a
 * label (a separator and the group name where it changes), the value printed in each cell, up
 * to two text columns after the colour columns (e.g. a ratio and a list), a colour key and a
 * footer line. values[r * ncols + c]; non-finite = no value (grey, "-"). Written atomically to
 * path (.png, .svg or .pdf). */
typedef struct ru_heatmap {
  const char *title;
  const char *subtitle;
  size_t nrows, ncols;
  const char *const *row_labels;   /* nrows */
  const char *const *row_groups;   /* nrows (NULL: no grouping) */
  const char *const *col_labels;   /* ncols */
  const double *values;            /* nrows * ncols, fractions 0..1 */
  const char *value_label;         /* colour key caption, e.g. "occupancy (fraction)" */
  size_t ntext;                    /* 0..2 text columns after the colour columns */
  const char *text_headers[2];
  const char *const *text[2];      /* nrows strings each */
  const char *footer;              /* e.g. the disclaimer */
} ru_heatmap;
RU_API ru_status ru_plot_heatmap(const char *path, const ru_heatmap *h, ru_error *err);

/* --- streaming CSV writer --------------------------------------------------------------------
 * Rows are formatted straight into one large buffer that is written out with write(2) (or
 * fwrite to stdout) whenever it fills: memory stays flat however many rows, and numbers are
 * printed without printf (exactly the text of "%.*g", see ru_csv_writer_double).
 *
 * Atomic file output (DESIGN.md): ru_csv_writer_open creates "<path>.tmp.XXXXXX" in the target's
 * directory; ru_csv_writer_commit flushes, fsyncs, closes and renames it over path (then fsyncs
 * the directory). ru_csv_writer_free without a successful commit unlinks the temporary file, so
 * an error or a cancel never leaves a half-written path. When path already exists and is not a
 * regular file (/dev/null, a FIFO, a terminal) it is written directly: there is nothing to
 * rename over. On stdout (path NULL) rows stream as they are produced: not atomic.
 *
 * Errors are sticky, as with stdio's ferror: the field functions cannot fail at the call; the
 * first I/O error (or a cancel) is kept, later fields are dropped, and ru_csv_writer_status
 * and ru_csv_writer_commit report it. Typical use:
 *
 *   ru_csv_writer *w = NULL;
 *   ru_status st = ru_csv_writer_open(path, 0, &w, &err);
 *   ... ru_csv_writer_str(w, "time_h"); ru_csv_writer_end_row(w);
 *   ... ru_csv_writer_double(w, t, 6); ... ru_csv_writer_end_row(w);
 *   if (st == RU_OK) st = ru_csv_writer_commit(w, &err);
 *   ru_csv_writer_free(w);
 *
 * A writer is not thread-safe; use one per thread. */
typedef struct ru_csv_writer ru_csv_writer;

/* Opens a writer to path (NULL: stdout). buffer_bytes is the output buffer size (0: 4 MiB;
 * at least 4 KiB is used). Returns RU_EIO with a message naming the path when the temporary
 * file cannot be created (missing directory, no permission), RU_ENOMEM, or RU_EINVAL when out
 * is NULL. *out is NULL on failure. */
RU_API ru_status ru_csv_writer_open(const char *path, size_t buffer_bytes, ru_csv_writer **out,
                                    ru_error *err);

/* cancel (may be NULL) is read each time the buffer is written out: when it is non-zero the
 * writer stops with RU_EINTERRUPTED, and commit refuses (the temporary file is unlinked).
 * Meant for a flag set by a SIGINT handler. NULL-safe. */
RU_API void ru_csv_writer_set_cancel(ru_csv_writer *w, const volatile sig_atomic_t *cancel);

/* Field writers: each appends one field to the current row (a comma first unless it is the
 * row's first field). Cannot fail at the call (errors are sticky, see above); NULL-safe. */
/* A text field, quoted per RFC 4180 when it holds a comma, a double quote, CR or LF
 * (NULL writes an empty field). */
RU_API void ru_csv_writer_str(ru_csv_writer *w, const char *s);
/* v with sig significant digits: the exact text of printf("%.*g", sig, v) (sig clamped to
 * [1, 17], 0 -> 1, negative -> 6), and "NA" for NaN or an infinity, so a NaN never reaches the
 * output. */
RU_API void ru_csv_writer_double(ru_csv_writer *w, double v, int sig);
/* An integer field, as printf("%lld"). */
RU_API void ru_csv_writer_int(ru_csv_writer *w, long long v);
/* Ends the current row with "\n". */
RU_API void ru_csv_writer_end_row(ru_csv_writer *w);

/* The sticky status: RU_OK, RU_EIO (a write failed), RU_EINTERRUPTED (cancelled).
 * RU_EINVAL for NULL. Lets a long loop stop early. */
RU_API ru_status ru_csv_writer_status(const ru_csv_writer *w);

/* Number of data bytes handed to the writer so far (buffered or written). NULL-safe (0). */
RU_API unsigned long long ru_csv_writer_bytes(const ru_csv_writer *w);

/* Writes out the buffer and publishes the file: fsync, close, rename over path, fsync of the
 * directory (stdout: fflush). Returns the sticky status if it is set, else RU_EIO when a write,
 * fsync, close or rename fails (message names the path and the system error); on any failure
 * the temporary file is unlinked and path is untouched. Call once; the writer must still be
 * freed. */
RU_API ru_status ru_csv_writer_commit(ru_csv_writer *w, ru_error *err);

/* Frees the writer. Without a successful commit it discards the output: the temporary file is
 * closed and unlinked (a direct or stdout stream is left as written so far). NULL-safe. */
RU_API void ru_csv_writer_free(ru_csv_writer *w);

#ifdef __cplusplus
}
#endif
#endif
