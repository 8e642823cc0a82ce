/* CLI plumbing (common.h): errors and exit codes, option helpers, buffered and atomic output,
 * JSON emission that refuses non-finite numbers, and a table renderer for table/CSV. */
#include "common.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char CLI_DISCLAIMER[] =
    "reuptake is a research and teaching instrument. It gives no clinical advice: do not use "
    "its output to choose, start, stop or dose any medicine.";

ru_kb *cli_kb(cli_ctx *ctx, int *exit_code) {
  *exit_code = 0;
  if (ctx->kb != NULL) {
    return ctx->kb;
  }
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ru_kb_open(ctx->kb_path, &ctx->kb, &err);
  if (st == RU_OK && ctx->user_kb_path != NULL) {
    st = ru_kb_load_user(ctx->kb, ctx->user_kb_path, &err);
  }
  if (st != RU_OK) {
    ru_kb_free(ctx->kb);
    ctx->kb = NULL;
    *exit_code = cli_fail(ctx, st, &err);
    return NULL;
  }
  return ctx->kb;
}

int cli_fail(const cli_ctx *ctx, ru_status st, const ru_error *err) {
  if (st == RU_EINTERRUPTED) return cli_interrupted(ctx);
  cli_usage(ctx, "%s", (err != NULL && err->message[0] != '\0') ? err->message : ru_strerror(st));
  return ru_status_is_input_error(st) ? 2 : 1;
}

int cli_usage(const cli_ctx *ctx, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  /* one line whatever the message holds */
  for (char *p = buf; *p; p++) {
    if (*p == '\n' || *p == '\r') *p = ' ';
  }
  fprintf(stderr, "reuptake%s%s: %s\n", ctx && ctx->command ? " " : "",
          ctx && ctx->command ? ctx->command : "", buf);
  return 2;
}

int cli_parse_double(const cli_ctx *ctx, const char *opt, const char *text, double lo, double hi,
                     double *out) {
  double v = 0.0;
  if (ru_units_parse_double(text, &v) != RU_OK) {
    cli_usage(ctx, "%s: '%s' is not a number", opt, text);
    return 0;
  }
  if (v < lo || v > hi) {
    cli_usage(ctx, "%s: %s is outside [%g, %g]", opt, text, lo, hi);
    return 0;
  }
  *out = v;
  return 1;
}

/* --- output -------------------------------------------------------------------------------- */

struct cli_out {
  char *data;
  size_t len, cap;
  int failed; /* allocation failure: commit reports it */
};

cli_out *cli_out_new(void) { return calloc(1, sizeof(cli_out)); }

void cli_out_free(cli_out *o) {
  if (o != NULL) {
    free(o->data);
    free(o);
  }
}

void cli_out_fail(cli_out *o) {
  if (o != NULL) o->failed = 1;
}

void cli_out_write(cli_out *o, const char *data, size_t n) {
  if (o == NULL || o->failed) return;
  if (o->len + n + 1 > o->cap) {
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + n + 1) cap *= 2;
    char *d = realloc(o->data, cap);
    if (d == NULL) {
      o->failed = 1;
      return;
    }
    o->data = d;
    o->cap = cap;
  }
  memcpy(o->data + o->len, data, n);
  o->len += n;
  o->data[o->len] = '\0';
}

void cli_out_vprintf(cli_out *o, const char *fmt, va_list ap) {
  char small[1024];
  va_list again;
  va_copy(again, ap);
  const int n = vsnprintf(small, sizeof small, fmt, ap);
  char *big = n >= 0 && (size_t)n >= sizeof small ? malloc((size_t)n + 1) : NULL;
  if (n < 0 || ((size_t)n >= sizeof small && big == NULL)) {
    cli_out_fail(o);
  } else if (big == NULL) {
    cli_out_write(o, small, (size_t)n);
  } else {
    vsnprintf(big, (size_t)n + 1, fmt, again);
    cli_out_write(o, big, (size_t)n);
    free(big);
  }
  va_end(again);
}

void cli_out_printf(cli_out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cli_out_vprintf(o, fmt, ap);
  va_end(ap);
}

int cli_out_commit(const cli_ctx *ctx, cli_out *o) {
  if (o == NULL || o->failed) {
    cli_out_free(o);
    return cli_fail(ctx, RU_ENOMEM, NULL);
  }
  if (cli_stopped(ctx)) {
    cli_out_free(o);
    return cli_interrupted(ctx);
  }
  /* --output or stdout, through the library's one atomic-file helper */
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_file_write_atomic(ctx->output_path, o->data ? o->data : "", o->len, &err);
  cli_out_free(o);
  return st == RU_OK ? 0 : cli_fail(ctx, st, &err);
}

static int json_all_finite(const cJSON *n) {
  for (; n != NULL; n = n->next) {
    if (cJSON_IsNumber(n) && !isfinite(n->valuedouble)) return 0;
    if (n->child != NULL && !json_all_finite(n->child)) return 0;
  }
  return 1;
}

int cli_emit_json(const cli_ctx *ctx, cJSON *root) {
  if (root == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  if (!json_all_finite(root)) {
    cJSON_Delete(root);
    fprintf(stderr, "reuptake %s: internal error: a non-finite number reached the output\n",
            ctx->command ? ctx->command : "");
    return 1;
  }
  const int pretty = !ctx->json_compact && ctx->output_path == NULL && isatty(STDOUT_FILENO);
  char *text = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  if (text == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  cli_out *o = cli_out_new();
  cli_out_write(o, text, strlen(text));
  cli_out_write(o, "\n", 1);
  cJSON_free(text);
  return cli_out_commit(ctx, o);
}

/* --- tables -------------------------------------------------------------------------------- */

struct cli_table {
  size_t ncols, nrows, cap;
  char **cells; /* nrows*ncols, row 0 = headers */
  int failed;   /* a row could not be stored (out of memory) */
};

cli_table *cli_table_new(size_t ncols, const char *const *headers) {
  cli_table *t = calloc(1, sizeof *t);
  if (t == NULL) return NULL;
  t->ncols = ncols;
  cli_table_add(t, headers);
  return t;
}

void cli_table_free(cli_table *t) {
  if (t == NULL) return;
  for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
  free(t->cells);
  free(t);
}

void cli_table_add(cli_table *t, const char *const *cells) {
  if (t == NULL || t->failed) return;
  if (t->nrows == t->cap) {
    const size_t cap = t->cap ? t->cap * 2 : 16;
    char **c = realloc(t->cells, (cap * t->ncols + 1) * sizeof *c);
    if (c == NULL) {
      t->failed = 1;
      return;
    }
    t->cells = c;
    t->cap = cap;
  }
  for (size_t j = 0; j < t->ncols; j++) {
    const char *s = cells[j] ? cells[j] : "";
    char *d = strdup(s);
    if (d == NULL) {
      for (size_t k = 0; k < j; k++) free(t->cells[t->nrows * t->ncols + k]);
      t->failed = 1;
      return;
    }
    t->cells[t->nrows * t->ncols + j] = d;
  }
  t->nrows++;
}

int cli_table_failed(const cli_table *t) { return t == NULL || t->failed; }

const char *cli_fmt(char *buf, size_t cap, double v, int sig) {
  if (!isfinite(v)) {
    snprintf(buf, cap, "NA");
  } else {
    snprintf(buf, cap, "%.*g", sig, v);
  }
  return buf;
}

static size_t utf8_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) {
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  }
  return w;
}

/* Aligned rows from first_row on, each line starting with indent; with a rule under row 0. */
static void render_aligned(const cli_table *t, cli_out *o, size_t first_row, const char *indent) {
  size_t *w = calloc(t->ncols + 1, sizeof *w);
  if (w == NULL) {
    cli_out_fail(o);
    return;
  }
  for (size_t i = first_row; i < t->nrows; i++)
    for (size_t j = 0; j < t->ncols; j++) {
      const char *s = t->cells[i * t->ncols + j];
      const size_t l = s ? utf8_width(s) : 0;
      if (l > w[j]) w[j] = l;
    }
  for (size_t i = first_row; i < t->nrows; i++) {
    cli_out_write(o, indent, strlen(indent));
    size_t pending = 0; /* spaces owed before the next non-empty cell (no trailing blanks) */
    for (size_t j = 0; j < t->ncols; j++) {
      const char *s = t->cells[i * t->ncols + j] ? t->cells[i * t->ncols + j] : "";
      if (*s != '\0') {
        for (size_t k = 0; k < pending; k++) cli_out_write(o, " ", 1);
        cli_out_write(o, s, strlen(s));
        pending = 0;
      }
      if (j + 1 < t->ncols) pending += w[j] + 2 - (*s ? utf8_width(s) : 0);
    }
    cli_out_write(o, "\n", 1);
    if (i == 0) {
      cli_out_write(o, indent, strlen(indent));
      for (size_t j = 0; j < t->ncols; j++) {
        for (size_t k = 0; k < w[j]; k++) cli_out_write(o, "-", 1);
        if (j + 1 < t->ncols) cli_out_write(o, "  ", 2);
      }
      cli_out_write(o, "\n", 1);
    }
  }
  free(w);
}

void cli_table_render_body(const cli_table *t, cli_out *o, const char *indent) {
  if (t != NULL) render_aligned(t, o, 1, indent);
}

void cli_table_render(const cli_table *t, cli_out *o) {
  if (t != NULL) render_aligned(t, o, 0, "");
}
