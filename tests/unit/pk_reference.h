/* Reader of validation/pk_reference.csv for the tests (the label PK reference table and the
 * every-pair interaction contract, which takes each parent compound's label dose from it).
 * Columns: id, compound, analyte, regimen, quantity, observed, unit, population, source,
 * exception, notes. Header-only: two test programs share it. */
#ifndef RU_TEST_PK_REFERENCE_H
#define RU_TEST_PK_REFERENCE_H

#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "reuptake.h"

#define PKREF_MAX_ROWS 512
#define PKREF_FIELD 512

typedef struct pkref_row {
  char id[64], compound[RU_NAME_MAX], analyte[RU_NAME_MAX], regimen[160], quantity[32];
  double observed;
  char unit[32], source[PKREF_FIELD], exception[PKREF_FIELD];
  size_t line;
} pkref_row;

static void pkref_copy(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

/* Reads every row of path into rows (at most max); returns the count, or (size_t)-1 on error
 * with the message in err. */
static size_t pkref_read(const char *path, pkref_row *rows, size_t max, ru_error *err) {
  rui_csv *csv = NULL;
  if (rui_csv_open(path, &csv, err) != RU_OK) return (size_t)-1;
  int eof = 0;
  if (rui_csv_next(csv, &eof, err) != RU_OK || eof) {
    rui_csv_close(csv);
    return (size_t)-1;
  }
  const char *names[] = {"id", "compound", "analyte", "regimen", "quantity", "observed",
                         "unit", "source", "exception"};
  long col[9];
  for (size_t k = 0; k < 9; k++) {
    col[k] = rui_csv_column(csv, names[k]);
    if (col[k] < 0) {
      ru_error_set(err, RU_EDATA, "%s: no column '%s'", path, names[k]);
      rui_csv_close(csv);
      return (size_t)-1;
    }
  }
  size_t n = 0;
  for (;;) {
    if (rui_csv_next(csv, &eof, err) != RU_OK) {
      rui_csv_close(csv);
      return (size_t)-1;
    }
    if (eof) break;
    if (n >= max) {
      ru_error_set(err, RU_ELIMIT, "%s: more than %zu rows", path, max);
      rui_csv_close(csv);
      return (size_t)-1;
    }
    pkref_row *r = &rows[n++];
    memset(r, 0, sizeof *r);
    pkref_copy(r->id, sizeof r->id, rui_csv_field(csv, (size_t)col[0]));
    pkref_copy(r->compound, sizeof r->compound, rui_csv_field(csv, (size_t)col[1]));
    pkref_copy(r->analyte, sizeof r->analyte, rui_csv_field(csv, (size_t)col[2]));
    pkref_copy(r->regimen, sizeof r->regimen, rui_csv_field(csv, (size_t)col[3]));
    pkref_copy(r->quantity, sizeof r->quantity, rui_csv_field(csv, (size_t)col[4]));
    const char *obs = rui_csv_field(csv, (size_t)col[5]);
    char *end = NULL;
    r->observed = (obs && *obs) ? strtod(obs, &end) : nan("");
    if (obs && *obs && (end == NULL || *end != '\0')) r->observed = nan("");
    pkref_copy(r->unit, sizeof r->unit, rui_csv_field(csv, (size_t)col[6]));
    pkref_copy(r->source, sizeof r->source, rui_csv_field(csv, (size_t)col[7]));
    pkref_copy(r->exception, sizeof r->exception, rui_csv_field(csv, (size_t)col[8]));
    r->line = rui_csv_line(csv);
  }
  rui_csv_close(csv);
  return n;
}

/* Opens the embedded KB and reads the shipped table; returns the row count, or (size_t)-1
 * with the message in err (the KB is then not open). */
static size_t pkref_load(ru_kb **kb, pkref_row *rows, ru_error *err) {
  *kb = NULL;
  if (ru_kb_open(NULL, kb, err) != RU_OK) return (size_t)-1;
  const size_t n = pkref_read(RU_SOURCE_DIR "/validation/pk_reference.csv", rows, PKREF_MAX_ROWS, err);
  if (n == (size_t)-1) {
    ru_kb_free(*kb);
    *kb = NULL;
  }
  return n;
}

/* 1 when a regimen string repeats (has an interval). */
static int pkref_repeats(const char *regimen) {
  return strstr(regimen, ":q") != NULL || strstr(regimen, ":bid") != NULL ||
         strstr(regimen, ":tid") != NULL;
}

#endif
