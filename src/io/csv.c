/* RFC 4180 CSV reader (csv.h). The whole input is held in memory: every file reuptake reads
 * (knowledge-base tables, event datasets, validation tables) is small next to RAM, and holding
 * it lets a record span lines inside quotes without a streaming state machine. */
#include "io/csv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"

#define CSV_MAX_FIELDS 256
#define CSV_MAX_BYTES (64u * 1024u * 1024u)

struct rui_csv {
  char *data;   /* whole input, NUL-terminated */
  size_t len;
  size_t pos;
  size_t line;  /* current line (1-based) at pos */
  size_t record_line;
  char *buf;    /* field storage for the current record */
  size_t buf_cap;
  size_t nfields;
  size_t offsets[CSV_MAX_FIELDS];
  char name[256];
};

static ru_status csv_from_owned(char *data, size_t len, const char *name, rui_csv **out,
                                ru_error *err) {
  rui_csv *c = rui_calloc(1, sizeof *c);
  if (c == NULL) {
    rui_free(data);
    return ru_error_set(err, RU_ENOMEM, "out of memory reading %s", name);
  }
  c->data = data;
  c->len = len;
  c->line = 1;
  rui_strlcpy(c->name, name, sizeof c->name);
  /* skip a UTF-8 byte-order mark */
  if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
      (unsigned char)data[2] == 0xBF) {
    c->pos = 3;
  }
  c->buf_cap = len + 2;
  c->buf = rui_malloc(c->buf_cap);
  if (c->buf == NULL) {
    rui_csv_close(c);
    return ru_error_set(err, RU_ENOMEM, "out of memory reading %s", name);
  }
  *out = c;
  return RU_OK;
}

ru_status rui_csv_open(const char *path, rui_csv **out, ru_error *err) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return ru_error_set(err, RU_EINPUT_IO, "cannot open '%s'", path);
  }
  size_t cap = 4096, len = 0;
  char *data = rui_malloc(cap);
  if (data == NULL) {
    fclose(f);
    return ru_error_set(err, RU_ENOMEM, "out of memory reading '%s'", path);
  }
  for (;;) {
    if (len + 4096 + 1 > cap) {
      if (cap > CSV_MAX_BYTES) {
        rui_free(data);
        fclose(f);
        return ru_error_set(err, RU_EDATA, "'%s' is larger than 64 MiB", path);
      }
      char *nd = rui_realloc(data, cap * 2);
      if (nd == NULL) {
        rui_free(data);
        fclose(f);
        return ru_error_set(err, RU_ENOMEM, "out of memory reading '%s'", path);
      }
      data = nd;
      cap *= 2;
    }
    const size_t got = fread(data + len, 1, 4096, f);
    len += got;
    if (got < 4096) {
      break;
    }
  }
  const int bad = ferror(f);
  fclose(f);
  if (bad) {
    rui_free(data);
    return ru_error_set(err, RU_EINPUT_IO, "cannot read '%s'", path);
  }
  data[len] = '\0';
  if (memchr(data, '\0', len) != NULL) {
    rui_free(data);
    return ru_error_set(err, RU_EDATA, "'%s' is not a text file (NUL byte)", path);
  }
  return csv_from_owned(data, len, path, out, err);
}

ru_status rui_csv_open_buffer(const char *data, size_t len, const char *name, rui_csv **out,
                              ru_error *err) {
  *out = NULL;
  if (len > CSV_MAX_BYTES) {
    return ru_error_set(err, RU_EDATA, "%s is larger than 64 MiB", name);
  }
  char *copy = rui_malloc(len + 1);
  if (copy == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory reading %s", name);
  }
  memcpy(copy, data, len);
  copy[len] = '\0';
  /* an embedded NUL ends the text: what follows it is not CSV */
  return csv_from_owned(copy, strlen(copy), name, out, err);
}

void rui_csv_close(rui_csv *csv) {
  if (csv == NULL) {
    return;
  }
  rui_free(csv->data);
  rui_free(csv->buf);
  rui_free(csv);
}

static void trim_field(char *start, size_t *len) {
  size_t a = 0, n = *len;
  while (a < n && (start[a] == ' ' || start[a] == '\t')) {
    a++;
  }
  while (n > a && (start[n - 1] == ' ' || start[n - 1] == '\t')) {
    n--;
  }
  if (a > 0) {
    memmove(start, start + a, n - a);
  }
  *len = n - a;
}

ru_status rui_csv_next(rui_csv *c, int *eof, ru_error *err) {
  *eof = 0;
  c->nfields = 0;
  /* skip blank lines and comment lines */
  for (;;) {
    if (c->pos >= c->len) {
      *eof = 1;
      return RU_OK;
    }
    char ch = c->data[c->pos];
    if (ch == '\n') {
      c->pos++;
      c->line++;
      continue;
    }
    if (ch == '\r') {
      c->pos++;
      continue;
    }
    if (ch == '#') {
      while (c->pos < c->len && c->data[c->pos] != '\n') {
        c->pos++;
      }
      continue;
    }
    break;
  }
  c->record_line = c->line;
  size_t out = 0;
  size_t field_start = 0;
  int quoted_field = 0;
  for (;;) {
    if (c->nfields >= CSV_MAX_FIELDS) {
      return ru_error_set(err, RU_EDATA, "%s:%zu: more than %d fields", c->name, c->record_line,
                          CSV_MAX_FIELDS);
    }
    field_start = out;
    quoted_field = 0;
    /* leading spaces before an opening quote are allowed */
    size_t look = c->pos;
    while (look < c->len && c->data[look] == ' ') {
      look++;
    }
    if (look < c->len && c->data[look] == '"') {
      quoted_field = 1;
      c->pos = look + 1;
      for (;;) {
        if (c->pos >= c->len) {
          return ru_error_set(err, RU_EDATA, "%s:%zu: field %zu: unterminated quote", c->name,
                              c->record_line, c->nfields + 1);
        }
        char ch = c->data[c->pos++];
        if (ch == '"') {
          if (c->pos < c->len && c->data[c->pos] == '"') {
            c->buf[out++] = '"';
            c->pos++;
            continue;
          }
          break;
        }
        if (ch == '\n') {
          c->line++;
        }
        c->buf[out++] = ch;
      }
      /* after the closing quote: spaces then a delimiter or end of record */
      while (c->pos < c->len && (c->data[c->pos] == ' ' || c->data[c->pos] == '\t')) {
        c->pos++;
      }
      if (c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\n' &&
          c->data[c->pos] != '\r') {
        return ru_error_set(err, RU_EDATA, "%s:%zu: field %zu: text after closing quote",
                            c->name, c->record_line, c->nfields + 1);
      }
    } else {
      while (c->pos < c->len && c->data[c->pos] != ',' && c->data[c->pos] != '\n' &&
             c->data[c->pos] != '\r') {
        c->buf[out++] = c->data[c->pos++];
      }
    }
    size_t flen = out - field_start;
    if (!quoted_field) {
      trim_field(c->buf + field_start, &flen);
      out = field_start + flen;
    }
    c->buf[out++] = '\0';
    c->offsets[c->nfields++] = field_start;
    if (c->pos < c->len && c->data[c->pos] == ',') {
      c->pos++;
      continue;
    }
    /* end of record */
    while (c->pos < c->len && c->data[c->pos] == '\r') {
      c->pos++;
    }
    if (c->pos < c->len && c->data[c->pos] == '\n') {
      c->pos++;
      c->line++;
    }
    return RU_OK;
  }
}

size_t rui_csv_nfields(const rui_csv *c) { return c->nfields; }

const char *rui_csv_field(const rui_csv *c, size_t i) {
  return i < c->nfields ? c->buf + c->offsets[i] : NULL;
}

size_t rui_csv_line(const rui_csv *c) { return c->record_line; }
const char *rui_csv_name(const rui_csv *c) { return c->name; }

long rui_csv_column(const rui_csv *c, const char *name) {
  for (size_t i = 0; i < c->nfields; i++) {
    if (strcasecmp(rui_csv_field(c, i), name) == 0) {
      return (long)i;
    }
  }
  return -1;
}
