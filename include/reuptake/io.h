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
 * to two text columns after the colour columns (e.g. a ratio and a list), a colour key, an
 * optional note line and a footer line. values[r * ncols + c]; non-finite = no value (grey, "-"). Written atomically to
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
  const char *note;                /* NULL or a line above the footer (e.g. what is not shown) */
} ru_heatmap;
RU_API ru_status ru_plot_heatmap(const char *path, const ru_heatmap *h, ru_error *err);

/* --- atomic output files --------------------------------------------------------------------
 * The one way the library and the CLI publish a file: written to "<path>.tmp.XXXXXX" in the
 * target's directory, then fsync + rename over path + fsync of the directory at commit. Without a
 * successful commit (an error, a cancel, ru_outfile_free first) the temporary file is unlinked and
 * an existing file of that name is untouched. A path that exists and is not a regular file
 * (/dev/null, a FIFO) is written in place; path NULL is stdout (streamed, not atomic). Every
 * failure is RU_EOUTPUT with a message naming the path and the system error (RU_ENOMEM for
 * memory). Not thread-safe: one per thread. */
typedef struct ru_outfile ru_outfile;
RU_API ru_status ru_outfile_open(const char *path, ru_outfile **out, ru_error *err);
RU_API ru_status ru_outfile_write(ru_outfile *f, const void *data, size_t n, ru_error *err);
/* Publishes the file (see above); on failure the temporary file is removed. Call once. */
RU_API ru_status ru_outfile_commit(ru_outfile *f, ru_error *err);
/* Frees f; an uncommitted file is discarded. NULL-safe. */
RU_API void ru_outfile_free(ru_outfile *f);
/* open + write + commit of one buffer. */
RU_API ru_status ru_file_write_atomic(const char *path, const void *data, size_t n, ru_error *err);

/* --- streaming CSV writer --------------------------------------------------------------------
 * Rows are formatted straight into one large buffer that is written out with write(2) (or
 * fwrite to stdout) whenever it fills: memory stays flat however many rows, and numbers are
 * printed without printf (exactly the text of "%.*g", see ru_csv_writer_double).
 *
 * The file is an ru_outfile (above): atomic, ru_csv_writer_commit publishes it and
 * ru_csv_writer_free without a successful commit discards it. On stdout (path NULL) rows stream
 * as they are produced: not atomic.
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
 * at least 4 KiB is used). Returns RU_EOUTPUT with a message naming the path when the file
 * cannot be created (missing directory, no permission), RU_ENOMEM, or RU_EINVAL when out
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

/* The sticky status: RU_OK, RU_EOUTPUT (a write failed), RU_EINTERRUPTED (cancelled).
 * RU_EINVAL for NULL. Lets a long loop stop early. */
RU_API ru_status ru_csv_writer_status(const ru_csv_writer *w);

/* Number of data bytes handed to the writer so far (buffered or written). NULL-safe (0). */
RU_API unsigned long long ru_csv_writer_bytes(const ru_csv_writer *w);

/* Writes out the buffer and publishes the file (ru_outfile_commit; stdout: fflush). Returns the
 * sticky status if it is set, else RU_EOUTPUT when a write, fsync, close or rename fails (message
 * names the path and the system error); on any failure the temporary file is unlinked and path is
 * untouched. Call once; the writer must still be freed. */
RU_API ru_status ru_csv_writer_commit(ru_csv_writer *w, ru_error *err);

/* Frees the writer. Without a successful commit it discards the output: the temporary file is
 * closed and unlinked (a direct or stdout stream is left as written so far). NULL-safe. */
RU_API void ru_csv_writer_free(ru_csv_writer *w);

#ifdef __cplusplus
}
#endif
#endif
