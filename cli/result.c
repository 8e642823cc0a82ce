/* The result emitter (result.h): one description of a command's output, rendered as an aligned
 * table, a CSV stream or JSON. */
#include "result.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8

struct cli_result {
  cli_ctx *ctx;
  cli_format fmt;
  /* json */
  cJSON *root;
  cJSON *stack[MAX_DEPTH];
  size_t depth;
  /* table */
  cli_out *out;
  size_t tdepth; /* nesting of begin() in the table: indentation */
  /* csv */
  ru_csv_writer *csv;
  ru_status csv_status;
  ru_error csv_err;
  int csv_long_header; /* the long-form header was written */
  int oom;
};

/* --- cells ------------------------------------------------------------------------------------ */

static void cell_of(const cli_column *c, const void *row, size_t index, const void *user,
                    cli_cell *out) {
  out->num = nan("");
  out->integer = 0;
  out->boolean = 0;
  out->str = NULL;
  out->nstrs = 0;
  memset(&out->sub, 0, sizeof out->sub);
  out->nums = (cli_nums){NULL, 0};
  out->buf[0] = '\0';
  if (c->get != NULL) {
    c->get(row, index, user, out);
    return;
  }
  if (c->json != NULL) {
    const cJSON *o = *(const cJSON *const *)row;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, c->json);
    switch (c->kind) {
    case CLI_COL_NUM:
      if (cJSON_IsNumber(v)) out->num = v->valuedouble;
      break;
    case CLI_COL_INT:
      if (cJSON_IsNumber(v)) out->integer = (long long)v->valuedouble;
      break;
    case CLI_COL_BOOL:
      out->boolean = cJSON_IsTrue(v) || (cJSON_IsNumber(v) && v->valuedouble != 0.0);
      break;
    case CLI_COL_STR:
    case CLI_COL_STRP:
      out->str = cJSON_IsString(v) ? v->valuestring : NULL;
      break;
    case CLI_COL_ROWS:
    case CLI_COL_NUMS: /* no document column holds one */
      break;
    case CLI_COL_STRS: {
      const cJSON *it;
      cJSON_ArrayForEach(it, v) {
        if (cJSON_IsString(it) && out->nstrs < CLI_CELL_MAX_STRS) out->strs[out->nstrs++] = it->valuestring;
      }
      break;
    }
    }
    return;
  }
  const char *p = (const char *)row + c->offset;
  switch (c->kind) {
  case CLI_COL_NUM:
    memcpy(&out->num, p, sizeof out->num);
    break;
  case CLI_COL_INT: {
    int v;
    memcpy(&v, p, sizeof v);
    out->integer = v;
    break;
  }
  case CLI_COL_BOOL: {
    int v;
    memcpy(&v, p, sizeof v);
    out->boolean = v != 0;
    break;
  }
  case CLI_COL_STR:
    out->str = p;
    break;
  case CLI_COL_STRP:
    memcpy(&out->str, p, sizeof out->str);
    break;
  case CLI_COL_NUMS:
    memcpy(&out->nums, p, sizeof out->nums);
    break;
  case CLI_COL_STRS:
  case CLI_COL_ROWS:
    break;
  }
}

static int shown(const cli_column *c, unsigned where);

/* Appends sep and text at buf[*k] (truncated at cap). */
static void append(char *buf, size_t cap, size_t *k, const char *sep, const char *text) {
  if (*k + 1 >= cap) return;
  const int n = snprintf(buf + *k, cap - *k, "%s%s", sep, text);
  if (n > 0) *k += (size_t)n < cap - *k ? (size_t)n : cap - *k - 1;
}

/* The text of a cell for table and CSV ("NA" for a missing number). */
static const char *cell_text(const cli_column *c, const cli_cell *v, char *buf, size_t cap) {
  switch (c->kind) {
  case CLI_COL_ROWS: {
    size_t k = 0;
    buf[0] = '\0';
    const cli_subrows *sub = &v->sub;
    for (size_t i = 0; i < sub->n; i++) {
      const void *row = (const char *)sub->base + i * sub->stride;
      int first = 1;
      for (size_t j = 0; j < sub->ncols; j++) {
        if (!shown(&sub->cols[j], CLI_IN_TABLE)) continue;
        cli_cell *w = malloc(sizeof *w);
        if (w == NULL) break;
        char part[256];
        cell_of(&sub->cols[j], row, i, sub->user, w);
        const char *t = cell_text(&sub->cols[j], w, part, sizeof part);
        if (*t != '\0') append(buf, cap, &k, first ? (i ? ", " : "") : " ", t);
        first = *t == '\0' && first;
        free(w);
      }
    }
    return buf;
  }
  case CLI_COL_NUM:
    return cli_fmt(buf, cap, v->num, c->digits > 0 ? c->digits : 6);
  case CLI_COL_INT:
    snprintf(buf, cap, "%lld", v->integer);
    return buf;
  case CLI_COL_BOOL:
    return v->boolean ? "true" : "false";
  case CLI_COL_STR:
  case CLI_COL_STRP:
    /* copied: v (and a getter's scratch in it) is reused for the next column */
    snprintf(buf, cap, "%s", v->str ? v->str : "");
    return buf;
  case CLI_COL_NUMS:
  case CLI_COL_STRS: {
    size_t k = 0;
    buf[0] = '\0';
    const size_t n = c->kind == CLI_COL_NUMS ? v->nums.n : v->nstrs;
    for (size_t i = 0; i < n; i++) {
      char one[32];
      append(buf, cap, &k, i ? (c->kind == CLI_COL_NUMS ? " " : "+") : "",
             c->kind == CLI_COL_STRS ? v->strs[i]
                                     : cli_fmt(one, sizeof one, v->nums.v[i], c->digits > 0 ? c->digits : 6));
    }
    return buf;
  }
  }
  return "";
}

static int shown(const cli_column *c, unsigned where) {
  const unsigned w = c->where & CLI_IN_ALL;
  return w == 0 || (w & where);
}

static cJSON *row_json(cli_result *r, const cli_column *cols, size_t ncols, const void *row,
                       size_t index, const void *user, cJSON *into);

/* --- json helpers: every creation checked (out of memory is remembered) ------------------------ */

static cJSON *cur(cli_result *r) { return r->stack[r->depth]; }

static void jput(cli_result *r, cJSON *obj, const char *key, cJSON *item) {
  if (item == NULL || obj == NULL) {
    cJSON_Delete(item);
    r->oom = 1;
    return;
  }
  if (cJSON_IsArray(obj)) {
    if (!cJSON_AddItemToArray(obj, item)) r->oom = 1, cJSON_Delete(item);
  } else if (!cJSON_AddItemToObject(obj, key, item)) {
    r->oom = 1;
    cJSON_Delete(item);
  }
}

static cJSON *jnum(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

static cJSON *cell_json(cli_result *r, const cli_column *c, const cli_cell *v) {
  switch (c->kind) {
  case CLI_COL_ROWS: {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a != NULL && i < v->sub.n && !r->oom; i++) {
      jput(r, a, NULL, row_json(r, v->sub.cols, v->sub.ncols, (const char *)v->sub.base + i * v->sub.stride, i,
                               v->sub.user, NULL));
    }
    return a;
  }
  case CLI_COL_NUM:
    return jnum(v->num);
  case CLI_COL_INT:
    return cJSON_CreateNumber((double)v->integer);
  case CLI_COL_BOOL:
    return cJSON_CreateBool(v->boolean);
  case CLI_COL_STR:
  case CLI_COL_STRP:
    return v->str ? cJSON_CreateString(v->str) : cJSON_CreateNull();
  case CLI_COL_NUMS: {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a != NULL && i < v->nums.n && !r->oom; i++) jput(r, a, NULL, jnum(v->nums.v[i]));
    return a;
  }
  case CLI_COL_STRS: {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a != NULL && i < v->nstrs && !r->oom; i++) jput(r, a, NULL, cJSON_CreateString(v->strs[i]));
    return a;
  }
  }
  return NULL;
}

/* The object of one row: column name -> value, grouped columns nested. */
static cJSON *row_json(cli_result *r, const cli_column *cols, size_t ncols, const void *row,
                       size_t index, const void *user, cJSON *into) {
  cJSON *o = into ? into : cJSON_CreateObject();
  if (o == NULL) {
    r->oom = 1;
    return NULL;
  }
  for (size_t k = 0; k < ncols; k++) {
    const cli_column *c = &cols[k];
    if (!shown(c, CLI_IN_JSON)) continue;
    cli_cell v;
    cell_of(c, row, index, user, &v);
    if ((c->where & CLI_OMIT_MISSING) &&
        ((c->kind == CLI_COL_NUM && !isfinite(v.num)) || ((c->kind == CLI_COL_STR || c->kind == CLI_COL_STRP) && v.str == NULL))) {
      continue;
    }
    cJSON *dst = o;
    if (c->group != NULL) {
      dst = cJSON_GetObjectItemCaseSensitive(o, c->group);
      if (dst == NULL) {
        dst = cJSON_CreateObject();
        jput(r, o, c->group, dst);
        if (r->oom) return o;
      }
    }
    jput(r, dst, c->name, cell_json(r, c, &v));
  }
  return o;
}

/* --- csv helpers ------------------------------------------------------------------------------ */

static void csv_cell(cli_result *r, const cli_column *c, const cli_cell *v) {
  if (c->kind == CLI_COL_NUM) {
    ru_csv_writer_double(r->csv, v->num, c->digits > 0 ? c->digits : 6);
  } else if (c->kind == CLI_COL_INT) {
    ru_csv_writer_int(r->csv, v->integer);
  } else {
    char buf[1024];
    ru_csv_writer_str(r->csv, cell_text(c, v, buf, sizeof buf));
  }
}

/* --- construction ----------------------------------------------------------------------------- */

cli_result *cli_result_new(cli_ctx *ctx) {
  cli_result *r = calloc(1, sizeof *r);
  if (r == NULL) {
    cli_fail(ctx, RU_ENOMEM, NULL);
    return NULL;
  }
  r->ctx = ctx;
  r->fmt = ctx->format;
  ru_error_clear(&r->csv_err);
  if (r->fmt == CLI_FMT_JSON) {
    r->root = cJSON_CreateObject();
    r->stack[0] = r->root;
    r->oom = r->root == NULL;
  } else if (r->fmt == CLI_FMT_TABLE) {
    r->out = cli_out_new();
    r->oom = r->out == NULL;
  } else {
    /* the stream opens now: a --output that cannot be created fails before any row */
    r->csv_status = ru_csv_writer_open(ctx->output_path, 0, &r->csv, &r->csv_err);
    if (r->csv != NULL) ru_csv_writer_set_cancel(r->csv, ctx->stop);
  }
  return r;
}

void cli_result_oom(cli_result *r) {
  if (r != NULL) r->oom = 1;
}

void cli_result_free(cli_result *r) {
  if (r == NULL) return;
  cJSON_Delete(r->root);
  cli_out_free(r->out);
  ru_csv_writer_free(r->csv);
  free(r);
}

void cli_result_rows(cli_result *r, const char *key, const char *title, const cli_column *cols,
                     size_t ncols, const void *base, size_t stride, size_t n, const void *user,
                     unsigned where) {
  if (r == NULL || r->oom) return;
  const char *rows = base;
  if (r->fmt == CLI_FMT_JSON) {
    if (!(where & CLI_IN_JSON)) return;
    cJSON *arr = cJSON_CreateArray();
    jput(r, cur(r), key, arr);
    for (size_t i = 0; i < n && !r->oom; i++) {
      jput(r, arr, NULL, row_json(r, cols, ncols, rows + i * stride, i, user, NULL));
    }
    return;
  }
  if (r->fmt == CLI_FMT_CSV) {
    if (!(where & CLI_IN_CSV) || r->csv == NULL) return;
    for (size_t k = 0; k < ncols; k++) {
      if (shown(&cols[k], CLI_IN_CSV)) ru_csv_writer_str(r->csv, cols[k].name);
    }
    ru_csv_writer_end_row(r->csv);
    for (size_t i = 0; i < n && ru_csv_writer_status(r->csv) == RU_OK; i++) {
      for (size_t k = 0; k < ncols; k++) {
        if (!shown(&cols[k], CLI_IN_CSV)) continue;
        cli_cell v;
        cell_of(&cols[k], rows + i * stride, i, user, &v);
        csv_cell(r, &cols[k], &v);
      }
      ru_csv_writer_end_row(r->csv);
    }
    return;
  }
  if (!(where & CLI_IN_TABLE)) return;
  const char *hdr[64];
  size_t m = 0;
  for (size_t k = 0; k < ncols && m < 64; k++) {
    if (shown(&cols[k], CLI_IN_TABLE)) hdr[m++] = cols[k].name;
  }
  cli_table *t = cli_table_new(m, hdr);
  if (t == NULL) {
    r->oom = 1;
    return;
  }
  char (*buf)[1024] = malloc(m * sizeof *buf);
  if (buf == NULL) {
    cli_table_free(t);
    r->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char *cells[64];
    size_t q = 0;
    for (size_t k = 0; k < ncols && q < m; k++) {
      if (!shown(&cols[k], CLI_IN_TABLE)) continue;
      cli_cell v;
      cell_of(&cols[k], rows + i * stride, i, user, &v);
      cells[q] = cell_text(&cols[k], &v, buf[q], sizeof buf[q]);
      q++;
    }
    cli_table_add(t, cells);
  }
  free(buf);
  if (title != NULL) cli_out_printf(r->out, "%s:\n", title);
  if (m == 1) {
    cli_table_render_body(t, r->out, "  "); /* one column: a list, no header */
  } else {
    cli_table_render(t, r->out);
  }
  if (cli_table_failed(t)) r->oom = 1;
  cli_table_free(t);
}

/* The table of nrows rows of one description by column: a line per column shown, with its name,
 * each row's value and its unit, after title. With labels: a header (name_header, the labels,
 * "unit") over a rule; without: the lines only, indented by the nesting (a row's fields). */
static void table_by_column(cli_result *r, const char *title, const char *name_header,
                            const char *const *labels, const cli_column *cols, size_t ncols,
                            const void *const *rows, size_t nrows, const void *user) {
  const size_t m = nrows + 2; /* name, a value per row, unit */
  const char **cells = malloc(m * sizeof *cells);
  char (*buf)[1024] = malloc(m * sizeof *buf);
  cli_cell *v = malloc(sizeof *v);
  cli_table *t = NULL;
  if (cells != NULL && buf != NULL && v != NULL) {
    for (size_t k = 0; k < m; k++) cells[k] = "";
    if (labels != NULL) {
      cells[0] = name_header;
      for (size_t k = 0; k < nrows; k++) cells[1 + k] = labels[k];
      cells[m - 1] = "unit";
    }
    t = cli_table_new(m, cells);
  }
  for (size_t j = 0; t != NULL && j < ncols; j++) {
    const cli_column *c = &cols[j];
    if (!shown(c, CLI_IN_TABLE)) continue;
    cells[0] = c->name;
    for (size_t k = 0; k < nrows; k++) {
      cell_of(c, rows[k], k, user, v);
      cells[1 + k] = cell_text(c, v, buf[1 + k], sizeof buf[1 + k]);
    }
    cells[m - 1] = c->unit ? c->unit : "";
    cli_table_add(t, cells);
  }
  if (t == NULL || cli_table_failed(t)) {
    r->oom = 1;
  } else if (labels != NULL) {
    if (title != NULL) cli_out_printf(r->out, "%s\n", title);
    cli_table_render(t, r->out);
  } else {
    if (title != NULL) cli_out_printf(r->out, "%s\n", title);
    char indent[2 * MAX_DEPTH + 3];
    const size_t w = r->tdepth ? 2 * r->tdepth : 2;
    memset(indent, ' ', w);
    indent[w] = '\0';
    cli_table_render_body(t, r->out, indent);
  }
  cli_table_free(t);
  free(cells);
  free(buf);
  free(v);
}

void cli_result_fields(cli_result *r, const char *title, const cli_column *cols, size_t ncols,
                       const void *row, const void *user, unsigned where) {
  if (r == NULL || r->oom) return;
  if (r->fmt == CLI_FMT_JSON) {
    if (where & CLI_IN_JSON) row_json(r, cols, ncols, row, 0, user, cur(r));
    return;
  }
  if (r->fmt == CLI_FMT_CSV) {
    /* one row: the same as a list of one */
    cli_result_rows(r, NULL, NULL, cols, ncols, row, 0, 1, user, where);
    return;
  }
  if (where & CLI_IN_TABLE) table_by_column(r, title, NULL, NULL, cols, ncols, &row, 1, user);
}

void cli_result_compare(cli_result *r, const char *key, const char *title, const char *name_header,
                        const cli_column *cols, size_t ncols, const void *const *rows,
                        const char *const *labels, size_t nrows, const void *user, unsigned where) {
  if (r == NULL || r->oom) return;
  if (r->fmt == CLI_FMT_JSON) {
    if (!(where & CLI_IN_JSON)) return;
    if (key != NULL) cli_result_begin(r, key, NULL);
    for (size_t k = 0; k < nrows && !r->oom; k++) {
      cli_result_begin(r, labels[k], NULL);
      cli_result_fields(r, NULL, cols, ncols, rows[k], user, CLI_IN_JSON);
      cli_result_end(r);
    }
    if (key != NULL) cli_result_end(r);
    return;
  }
  if (r->fmt == CLI_FMT_CSV) {
    if (!(where & CLI_IN_CSV) || r->csv == NULL) return;
    cli_cell v;
    ru_csv_writer_str(r->csv, name_header);
    for (size_t k = 0; k < nrows; k++) ru_csv_writer_str(r->csv, labels[k]);
    ru_csv_writer_str(r->csv, "unit");
    ru_csv_writer_end_row(r->csv);
    for (size_t j = 0; j < ncols && ru_csv_writer_status(r->csv) == RU_OK; j++) {
      if (!shown(&cols[j], CLI_IN_CSV)) continue;
      ru_csv_writer_str(r->csv, cols[j].name);
      for (size_t k = 0; k < nrows; k++) {
        cell_of(&cols[j], rows[k], k, user, &v);
        csv_cell(r, &cols[j], &v);
      }
      ru_csv_writer_str(r->csv, cols[j].unit ? cols[j].unit : "");
      ru_csv_writer_end_row(r->csv);
    }
    return;
  }
  if (where & CLI_IN_TABLE) table_by_column(r, title, name_header, labels, cols, ncols, rows, nrows, user);
}

void cli_result_series(cli_result *r, const cli_series_set *s, unsigned where) {
  if (r == NULL || r->oom) return;
  if (r->fmt == CLI_FMT_JSON) {
    if (!(where & CLI_IN_JSON)) return;
    cJSON *t = cJSON_CreateArray();
    jput(r, cur(r), "time_h", t);
    for (size_t j = 0; j < s->nt && !r->oom; j++) jput(r, t, NULL, jnum(s->time_h[j]));
    cJSON *arr = cJSON_CreateArray();
    jput(r, cur(r), "series", arr);
    for (size_t k = 0; k < s->n && !r->oom; k++) {
      const cli_series *x = &s->series[k];
      int any = 0;
      for (size_t j = 0; j < s->nt && !any; j++) any = isfinite(x->values[j]);
      if (!any && s->nt > 0) continue;
      cJSON *o = cJSON_CreateObject();
      jput(r, arr, NULL, o);
      if (r->oom) return;
      jput(r, o, "compound", cJSON_CreateString(x->compound));
      jput(r, o, "quantity", cJSON_CreateString(x->quantity));
      if (x->target != NULL) jput(r, o, "target", cJSON_CreateString(x->target));
      jput(r, o, "unit", cJSON_CreateString(x->unit));
      cJSON *v = cJSON_CreateArray();
      jput(r, o, "values", v);
      for (size_t j = 0; j < s->nt && !r->oom; j++) jput(r, v, NULL, jnum(x->values[j]));
    }
    return;
  }
  if (r->fmt == CLI_FMT_CSV) {
    if (!(where & CLI_IN_CSV) || r->csv == NULL) return;
    ru_csv_writer *w = r->csv;
    if (s->long_csv) {
      if (!r->csv_long_header) {
        static const char *const cols[] = {"id", "time_h", "compound", "quantity", "target", "unit", "value"};
        for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) ru_csv_writer_str(w, cols[c]);
        ru_csv_writer_end_row(w);
        r->csv_long_header = 1;
      }
      for (size_t j = 0; j < s->nt && ru_csv_writer_status(w) == RU_OK; j++) {
        for (size_t k = 0; k < s->n; k++) {
          const cli_series *x = &s->series[k];
          if (x->column == NULL) continue;
          ru_csv_writer_int(w, s->id);
          ru_csv_writer_double(w, s->time_h[j], 6);
          ru_csv_writer_str(w, x->compound);
          ru_csv_writer_str(w, x->quantity);
          ru_csv_writer_str(w, x->target ? x->target : "");
          ru_csv_writer_str(w, x->unit);
          ru_csv_writer_double(w, x->values[j], x->digits);
          ru_csv_writer_end_row(w);
        }
      }
      return;
    }
    ru_csv_writer_str(w, "time_h");
    for (size_t k = 0; k < s->n; k++) {
      if (s->series[k].column != NULL) ru_csv_writer_str(w, s->series[k].column);
    }
    ru_csv_writer_end_row(w);
    for (size_t j = 0; j < s->nt && ru_csv_writer_status(w) == RU_OK; j++) {
      ru_csv_writer_double(w, s->time_h[j], 6);
      for (size_t k = 0; k < s->n; k++) {
        if (s->series[k].column != NULL) ru_csv_writer_double(w, s->series[k].values[j], s->series[k].digits);
      }
      ru_csv_writer_end_row(w);
    }
    return;
  }
  if (!(where & CLI_IN_TABLE)) return;
  size_t m = 1;
  const char *hdr[256];
  hdr[0] = "time_h";
  for (size_t k = 0; k < s->n && m < 256; k++) {
    if (s->series[k].column != NULL) hdr[m++] = s->series[k].column;
  }
  cli_table *t = cli_table_new(m, hdr);
  char (*buf)[32] = malloc(m * sizeof *buf);
  const char **cells = malloc(m * sizeof *cells);
  if (t == NULL || buf == NULL || cells == NULL) {
    r->oom = 1;
  }
  const size_t stride = s->table_stride > 1 ? s->table_stride : 1;
  for (size_t j = 0; j < s->nt && !r->oom; j++) {
    if (j % stride != 0 && j + 1 != s->nt) continue;
    size_t q = 0;
    cells[q] = cli_fmt(buf[q], sizeof buf[q], s->time_h[j], 6);
    q++;
    for (size_t k = 0; k < s->n && q < m; k++) {
      if (s->series[k].column == NULL) continue;
      cells[q] = cli_fmt(buf[q], sizeof buf[q], s->series[k].values[j], s->series[k].digits);
      q++;
    }
    cli_table_add(t, cells);
  }
  if (!r->oom) cli_table_render(t, r->out);
  if (t != NULL && cli_table_failed(t)) r->oom = 1;
  cli_table_free(t);
  free(buf);
  free(cells);
}

void cli_result_lines(cli_result *r, const char *key, const char *title, const char *text,
                      const char *empty_text, unsigned where) {
  if (r == NULL || r->oom) return;
  if (text == NULL) text = "";
  if (r->fmt == CLI_FMT_JSON) {
    if (!(where & CLI_IN_JSON)) return;
    cJSON *arr = cJSON_CreateArray();
    jput(r, cur(r), key, arr);
    const char *p = text;
    while (!r->oom && *p != '\0') {
      const char *nl = strchr(p, '\n');
      const size_t len = nl ? (size_t)(nl - p) : strlen(p);
      char *line = malloc(len + 1);
      if (line == NULL) {
        r->oom = 1;
        return;
      }
      memcpy(line, p, len);
      line[len] = '\0';
      if (len > 0) jput(r, arr, NULL, cJSON_CreateString(line));
      free(line);
      p = nl ? nl + 1 : p + len;
    }
    return;
  }
  if (r->fmt != CLI_FMT_TABLE || !(where & CLI_IN_TABLE)) return;
  if (text[0] == '\0' && empty_text == NULL) return;
  /* a titled list is a section of its own: a blank line before it */
  if (title != NULL) cli_out_printf(r->out, "\n%s:\n", title);
  if (text[0] == '\0') {
    cli_out_printf(r->out, "%s\n", empty_text);
    return;
  }
  const size_t n = strlen(text);
  cli_out_write(r->out, text, n);
  if (text[n - 1] != '\n') cli_out_write(r->out, "\n", 1);
}

void cli_result_str(cli_result *r, const char *key, const char *title, const char *value,
                    unsigned where) {
  if (r == NULL || r->oom) return;
  if (r->fmt == CLI_FMT_JSON && (where & CLI_IN_JSON)) {
    jput(r, cur(r), key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
  } else if (r->fmt == CLI_FMT_TABLE && (where & CLI_IN_TABLE) && title != NULL) {
    cli_out_printf(r->out, "%s: %s\n", title, value ? value : "");
  }
}

void cli_result_num(cli_result *r, const char *key, double value) {
  if (r != NULL && !r->oom && r->fmt == CLI_FMT_JSON) jput(r, cur(r), key, jnum(value));
}

void cli_result_merge(cli_result *r, cJSON *obj) {
  if (r == NULL || r->oom || r->fmt != CLI_FMT_JSON || obj == NULL) {
    cJSON_Delete(obj);
    return;
  }
  cJSON *dst = cur(r);
  while (obj->child != NULL) {
    cJSON *item = cJSON_DetachItemViaPointer(obj, obj->child);
    const char *key = item->string;
    item->string = NULL; /* re-keyed by the add (it copies the key) */
    if (!cJSON_AddItemToObject(dst, key, item)) {
      r->oom = 1;
      cJSON_Delete(item);
    }
    cJSON_free((void *)key);
    if (r->oom) break;
  }
  cJSON_Delete(obj);
}

void cli_result_note(cli_result *r, const char *fmt, ...) {
  if (r == NULL || r->oom || r->fmt != CLI_FMT_TABLE) return;
  va_list ap;
  va_start(ap, fmt);
  cli_out_vprintf(r->out, fmt, ap);
  va_end(ap);
}

static void begin(cli_result *r, const char *key, const char *array_key, const char *title) {
  if (r == NULL || r->oom) return;
  if (r->fmt == CLI_FMT_TABLE) {
    if (title != NULL) cli_out_printf(r->out, "%*s%s\n", (int)(2 * r->tdepth), "", title);
    if (r->tdepth + 1 < MAX_DEPTH) r->tdepth++;
  }
  if (r->fmt != CLI_FMT_JSON) return;
  if (r->depth + 1 >= MAX_DEPTH) {
    r->oom = 1; /* a programming error: nesting deeper than any command needs */
    return;
  }
  cJSON *parent = cur(r);
  if (array_key != NULL) {
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(parent, array_key);
    if (arr == NULL) {
      arr = cJSON_CreateArray();
      jput(r, parent, array_key, arr);
      if (r->oom) return;
    }
    parent = arr;
  }
  cJSON *o = cJSON_CreateObject();
  jput(r, parent, key, o);
  if (r->oom) return;
  r->stack[++r->depth] = o;
}

void cli_result_begin(cli_result *r, const char *key, const char *title) { begin(r, key, NULL, title); }

void cli_result_begin_item(cli_result *r, const char *array_key, const char *title) {
  begin(r, NULL, array_key, title);
}

void cli_result_end(cli_result *r) {
  if (r != NULL && r->fmt == CLI_FMT_JSON && r->depth > 0) r->depth--;
  if (r != NULL && r->fmt == CLI_FMT_TABLE && r->tdepth > 0) r->tdepth--;
}

int cli_result_finish(cli_result *r) {
  if (r == NULL) return 1;
  cli_ctx *ctx = r->ctx;
  int rc = 0;
  if (r->oom) {
    rc = cli_fail(ctx, RU_ENOMEM, NULL);
  } else if (cli_stopped(ctx)) {
    rc = cli_interrupted(ctx);
  } else if (r->fmt == CLI_FMT_JSON) {
    cJSON *d = cJSON_CreateString(CLI_DISCLAIMER);
    jput(r, r->root, "disclaimer", d);
    if (r->oom) {
      rc = cli_fail(ctx, RU_ENOMEM, NULL);
    } else {
      rc = cli_emit_json(ctx, r->root);
      r->root = NULL; /* cli_emit_json freed it */
    }
  } else if (r->fmt == CLI_FMT_TABLE) {
    cli_out_printf(r->out, "\n%s\n", CLI_DISCLAIMER);
    rc = cli_out_commit(ctx, r->out);
    r->out = NULL;
  } else {
    ru_status st = r->csv_status;
    ru_error err = r->csv_err;
    if (st == RU_OK) st = ru_csv_writer_commit(r->csv, &err);
    if (st == RU_EINTERRUPTED || (st != RU_OK && cli_stopped(ctx))) {
      rc = cli_interrupted(ctx);
    } else if (st != RU_OK) {
      rc = cli_fail(ctx, st, &err);
    }
  }
  cli_result_free(r);
  return rc;
}
