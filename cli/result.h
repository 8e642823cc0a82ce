/* The one result model of the command-line tool. A command describes its output once, as
 * sections of typed columns {name, unit, digits, getter} over its own rows, string lists and
 * time-course series; one emitter renders that description in the format asked for:
 *
 *   - table: aligned text (columns padded, numbers with `digits` significant digits, "NA" for a
 *     missing value), section titles, notes and the disclaimer;
 *   - csv:   the one section marked CLI_IN_CSV, streamed through the library's ru_csv_writer
 *     (the same %.*g text as the table; "NA" for a missing value);
 *   - json:  cJSON objects whose keys are the column names (the DESIGN.md contract), numbers at
 *     full precision, a missing (non-finite) number as null: a NaN never reaches the output.
 *
 * Output goes to stdout or atomically to --output (ru_outfile); a failure discards it. The emitter
 * keeps no copy of the rows: each section is rendered when it is added, while the command's data
 * is alive.
 *
 * Shapes:
 *   - records (cli_result_rows): a list of rows; JSON an array of objects under a key.
 *   - fields (cli_result_fields): one row; JSON keys of the current object, table "name value
 *     unit" lines, CSV a header and one row.
 *   - series (cli_result_series): a time course, JSON {"time_h":[...], "series":[{"compound",
 *     "quantity","unit","target","values"}]}, CSV wide (time_h + one column per series) or long
 *     (id,time_h,compound,quantity,target,unit,value), table wide.
 *   - strings (cli_result_lines): JSON an array of strings, table a titled list.
 *   - compared rows (cli_result_compare): a few rows of one description side by side (baseline
 *     and with a drug): table and CSV one line per column (name, a value per row, unit), JSON an
 *     object per row under its label.
 *   - objects (cli_result_begin / _end): nesting, e.g. one object per subject of a dataset. */
#ifndef RU_CLI_RESULT_H
#define RU_CLI_RESULT_H

#include <stddef.h>

#include "common.h"

/* Where a section or a column appears (0 in a column: wherever its section does). */
#define CLI_IN_JSON 1u
#define CLI_IN_TABLE 2u
#define CLI_IN_CSV 4u
#define CLI_IN_TEXT (CLI_IN_TABLE | CLI_IN_CSV)
#define CLI_IN_ALL (CLI_IN_JSON | CLI_IN_TABLE | CLI_IN_CSV)
/* a column flag: JSON leaves the key out when the value is missing (NaN, NULL string) rather than
 * writing null (for keys the contract defines as present only with a value) */
#define CLI_OMIT_MISSING 8u

typedef enum cli_col_kind {
  CLI_COL_NUM,  /* double: JSON number (null when not finite), text %.*g ("NA") */
  CLI_COL_INT,  /* integer: JSON number, text %lld */
  CLI_COL_BOOL, /* JSON true/false, text "true"/"false" */
  CLI_COL_STR,  /* JSON string (null when NULL), text as is */
  CLI_COL_STRP, /* the same, read from a `const char *` field (CLI_COL_STR reads a char array) */
  CLI_COL_STRS, /* a list of strings: JSON array, text joined with "+" */
  CLI_COL_ROWS, /* nested rows (cli_cell.sub): JSON an array of objects; text each row's text
                 * cells joined by " ", the rows by ", " */
  CLI_COL_NUMS  /* a list of numbers (a cli_nums field, or cli_cell.nums): JSON an array (null
                 * where not finite), text the values joined by " " (a time course in JSON) */
} cli_col_kind;

#define CLI_CELL_MAX_STRS 32

struct cli_column;

/* The nested rows of a CLI_COL_ROWS cell: n rows from base, stride bytes apart, described by
 * cols (ncols), with user passed to their getters. */
typedef struct cli_subrows {
  const struct cli_column *cols;
  size_t ncols;
  const void *base;
  size_t stride, n;
  const void *user;
} cli_subrows;

/* n numbers at v (a CLI_COL_NUMS value; the command owns them). */
typedef struct cli_nums {
  const double *v;
  size_t n;
} cli_nums;

/* A getter's answer (the field of its kind). */
typedef struct cli_cell {
  double num;
  long long integer;
  int boolean;
  const char *str;
  const char *strs[CLI_CELL_MAX_STRS];
  size_t nstrs;
  cli_subrows sub;
  cli_nums nums;
  char buf[1024]; /* scratch for a getter that formats its string (str may point here) */
} cli_cell;

/* Value of the column for row (the index-th of its section); user is the section's context. */
typedef void (*cli_getter)(const void *row, size_t index, const void *user, cli_cell *out);

typedef struct cli_column {
  const char *name;  /* JSON key, CSV and table header */
  const char *unit;  /* unit of the value (NULL: none); table fields print it, help lists it */
  int digits;        /* significant digits in table and CSV (JSON keeps full precision) */
  cli_col_kind kind;
  size_t offset;     /* without a getter: the field at this offset of the row (double for NUM,
                      * int for BOOL and INT, an inline char array for STR, cli_nums for NUMS) */
  cli_getter get;    /* computed value (NULL: read the field at offset) */
  const char *group; /* JSON: nested in an object of this name ("occupancy": {"SERT": x}) */
  unsigned where;    /* CLI_IN_* mask (0: everywhere its section is), | CLI_OMIT_MISSING */
  const char *json;  /* rows that are parsed JSON (the library's documents): each row is a
                      * `const cJSON *` (the rows array holds pointers) and the value is its
                      * member of this key; NULL: a struct row */
} cli_column;

/* Columns read from a row struct, and computed ones. */
#define CLI_FIELD_NUM(name, unit, digits, type, field) \
  {name, unit, digits, CLI_COL_NUM, offsetof(type, field), NULL, NULL, 0, NULL}
#define CLI_FIELD_BOOL(name, type, field) \
  {name, NULL, 0, CLI_COL_BOOL, offsetof(type, field), NULL, NULL, 0, NULL}
#define CLI_FIELD_STR(name, type, field) \
  {name, NULL, 0, CLI_COL_STR, offsetof(type, field), NULL, NULL, 0, NULL}
#define CLI_FIELD_STRP(name, type, field) \
  {name, NULL, 0, CLI_COL_STRP, offsetof(type, field), NULL, NULL, 0, NULL}
#define CLI_GET(name, unit, digits, kind, getter) {name, unit, digits, kind, 0, getter, NULL, 0, NULL}
#define CLI_JSON(name, unit, digits, kind, key) {name, unit, digits, kind, 0, NULL, NULL, 0, key}

/* A getter in one line: `CLI_GETTER(get_release, ru_product, c->str = ru_release_kind_name(row->release.kind))`
 * defines static void get_release(...) with `row` (the typed row), `i` (its index), `user` and
 * `c` (the cell) in scope. */
#define CLI_GETTER(fn, type, ...)                                                   \
  static void fn(const void *row_, size_t i, const void *user, cli_cell *c) {      \
    const type *row = row_;                                                         \
    (void)row;                                                                      \
    (void)i;                                                                        \
    (void)user;                                                                     \
    __VA_ARGS__;                                                                    \
  }

/* One time course. */
typedef struct cli_series {
  const char *compound; /* "atomoxetine", or "all" for the combined occupancy */
  const char *quantity; /* "total", "unbound", "occupancy" */
  const char *unit;     /* "ng/mL", "nM", "fraction" */
  const char *target;   /* NULL unless the quantity is per target */
  const double *values; /* one per time */
  int digits;           /* table and CSV */
  const char *column;   /* wide CSV and table header; NULL: JSON only */
} cli_series;

/* A set of series on one time grid. A series whose values are all missing is left out of the
 * JSON (its column stays in CSV and table, "NA", so the header does not depend on the data). */
typedef struct cli_series_set {
  const double *time_h;
  size_t nt;
  const cli_series *series;
  size_t n;
  size_t table_stride; /* table: every stride-th row and the last (0, 1: every row) */
  int long_csv;        /* CSV in long form, one row per time and series, with id */
  long long id;        /* the id column of the long form */
} cli_series_set;

typedef struct cli_result cli_result;

/* Starts a result in ctx->format (opens the CSV stream for csv). NULL only when out of memory
 * (reported). */
cli_result *cli_result_new(cli_ctx *ctx);

/* A list of n rows (base, stride bytes apart) under key; title heads it in the table (NULL:
 * none). where: CLI_IN_* (add CLI_IN_CSV to the one section CSV carries). */
void cli_result_rows(cli_result *r, const char *key, const char *title, const cli_column *cols,
                     size_t ncols, const void *base, size_t stride, size_t n, const void *user,
                     unsigned where);
/* One row as fields of the current object. */
void cli_result_fields(cli_result *r, const char *title, const cli_column *cols, size_t ncols,
                       const void *row, const void *user, unsigned where);
/* nrows rows (rows[k], each labelled labels[k]) of one description side by side: table and CSV
 * a header (name_header, the labels, "unit") and one line per column with each row's value;
 * JSON under key (NULL: the current object) an object per label with that row's fields. */
void cli_result_compare(cli_result *r, const char *key, const char *title, const char *name_header,
                        const cli_column *cols, size_t ncols, const void *const *rows,
                        const char *const *labels, size_t nrows, const void *user, unsigned where);
/* The series set (time_h and series keys of the current object). */
void cli_result_series(cli_result *r, const cli_series_set *s, unsigned where);
/* Lines of text ('\n'-separated) as an array of strings; the table prints a blank line, title and
 * the lines (nothing when empty and empty_text is NULL, else empty_text). */
void cli_result_lines(cli_result *r, const char *key, const char *title, const char *text,
                      const char *empty_text, unsigned where);
/* A string field of the current object (JSON) and "title: value" (table, when title). */
void cli_result_str(cli_result *r, const char *key, const char *title, const char *value,
                    unsigned where);
/* A number field of the current object (null when not finite). */
void cli_result_num(cli_result *r, const char *key, double value);
/* Every member of obj (a parsed document of the library) into the current JSON object; takes
 * obj (freed here in every format). */
void cli_result_merge(cli_result *r, cJSON *obj);
/* Table text only (a heading, a note); printf-style. */
void cli_result_note(cli_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Nesting: an object under key, or (array_key) a new object appended to that array. The table
 * prints title (when not NULL) as a heading. */
void cli_result_begin(cli_result *r, const char *key, const char *title);
void cli_result_begin_item(cli_result *r, const char *array_key, const char *title);
void cli_result_end(cli_result *r);

/* Renders and publishes (stdout or --output) with the disclaimer (JSON "disclaimer", table last
 * line; CSV carries none), frees r, and returns the exit code: 0, 2 (--output cannot be
 * written), 1 (out of memory), 130 (interrupted). */
int cli_result_finish(cli_result *r);
/* Marks r out of memory (a command's own allocation for it failed): finish reports it. */
void cli_result_oom(cli_result *r);
/* Discards r (an error after it was started): nothing is published. NULL-safe. */
void cli_result_free(cli_result *r);

#endif
