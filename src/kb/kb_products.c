/* Products in the knowledge base: data/products.csv (one row per product and key, like pk.csv)
 * imported into the tables `products` and `product_names`, and the queries of kb.h's products
 * section (resolution of any spelling, the model values of a product, its `drugs show` JSON).
 *
 * Import is strict: every key is known and carries its unit, numbers parse and lie in their
 * range, release models are known and have their required parameters, sources resolve, each
 * compound has its factor, and a product naming a compound that is not in compounds.csv must say
 * why it is incomplete. Errors read "products.csv:LINE: field 'x': message" (RU_EDATA).
 * Product names are matched after normalisation (lower case, without spaces, hyphens, dots,
 * slashes and underscores), so "Effexor-XR", "effexor xr" and "EffexorXR" are one product; a
 * product spelling may not collide with another product or with a compound's name. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "core/alloc.h"
#include "io/csv.h"
#include "kb/kb_impl.h"

#define FILE_NAME "products.csv"

/* --- keys and release models ------------------------------------------------------------------ */

typedef enum pkind { PK_TEXT = 0, PK_POS, PK_NONNEG, PK_FRAC, PK_RELEASE, PK_COUNT } pkind;

/* largest zo_steps accepted: the release plan's piece limit (pk/release.h RUI_RELEASE_MAX_PIECES = 260)
 * less the overcoat piece, kept a round number */
#define ZO_STEPS_MAX 256

typedef struct pkey {
  const char *key;  /* exact key, or a prefix ending in '.' (factor.<compound>) */
  const char *unit;
  pkind kind;
} pkey;

static const pkey KEYS[] = {
    {"brand", "-", PK_TEXT},          {"synonyms", "-", PK_TEXT},
    {"class", "-", PK_TEXT},          {"compound", "-", PK_TEXT},
    {"factor.", "mg/mg", PK_POS},     {"release", "-", PK_RELEASE},
    {"tlag_h", "h", PK_NONNEG},       {"ka_per_h", "1/h", PK_POS},
    {"k_release_per_h", "1/h", PK_POS}, {"ir_fraction", "fraction", PK_FRAC},
    {"ir_duration_h", "h", PK_NONNEG}, {"zo_lag_h", "h", PK_NONNEG},
    {"zo_duration_h", "h", PK_POS},   {"zo_steps", "-", PK_COUNT},
    {"pulse2_lag_h", "h", PK_POS},
    {"weibull_td_h", "h", PK_POS},    {"weibull_beta", "-", PK_POS},
    {"f_rel", "fraction", PK_FRAC},   {"usual_dose_mg", "mg", PK_POS},
    {"low_dose_mg", "mg", PK_POS},    {"high_dose_mg", "mg", PK_POS},
    {"interval_h", "h", PK_POS},      {"incomplete", "-", PK_TEXT},
};
static const size_t NKEYS = sizeof KEYS / sizeof KEYS[0];

typedef struct model_spec {
  const char *name;
  ru_release_kind kind;
  const char *required[3]; /* parameters the model needs (NULL-terminated) */
} model_spec;

static const model_spec MODELS[] = {
    {"immediate", RU_RELEASE_IMMEDIATE, {NULL, NULL, NULL}},
    {"delayed", RU_RELEASE_DELAYED, {"tlag_h", NULL, NULL}},
    {"zero_order", RU_RELEASE_ZERO_ORDER, {"zo_duration_h", NULL, NULL}},
    {"oros", RU_RELEASE_OROS, {"ir_fraction", "zo_duration_h", NULL}},
    {"two_pulse", RU_RELEASE_TWO_PULSE, {"ir_fraction", "pulse2_lag_h", NULL}},
    {"weibull", RU_RELEASE_WEIBULL, {"weibull_td_h", "weibull_beta", NULL}},
    {"first_order", RU_RELEASE_FIRST_ORDER, {"k_release_per_h", NULL, NULL}},
    {"prodrug", RU_RELEASE_PRODRUG, {NULL, NULL, NULL}},
};
static const size_t NMODELS = sizeof MODELS / sizeof MODELS[0];

const char *ru_release_kind_name(ru_release_kind kind) {
  for (size_t i = 0; i < NMODELS; i++) {
    if (MODELS[i].kind == kind) {
      return MODELS[i].name;
    }
  }
  return "?";
}

static const pkey *key_find(const char *key) {
  for (size_t i = 0; i < NKEYS; i++) {
    const size_t n = strlen(KEYS[i].key);
    if (KEYS[i].key[n - 1] == '.') {
      if (strncmp(key, KEYS[i].key, n) == 0 && key[n] != '\0') {
        return &KEYS[i];
      }
    } else if (strcmp(key, KEYS[i].key) == 0) {
      return &KEYS[i];
    }
  }
  return NULL;
}

static const model_spec *model_find(const char *name) {
  for (size_t i = 0; i < NMODELS; i++) {
    if (strcmp(MODELS[i].name, name) == 0) {
      return &MODELS[i];
    }
  }
  return NULL;
}

/* Lower case without separators: the form every spelling is matched in. */
static void norm_name(const char *in, char *out, size_t cap) {
  size_t n = 0;
  for (const char *p = in; *p != '\0' && n + 1 < cap; p++) {
    const unsigned char c = (unsigned char)*p;
    if (c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '\t') {
      continue;
    }
    out[n++] = (char)tolower(c);
  }
  out[n] = '\0';
}

/* --- import ---------------------------------------------------------------------------------- */

static ru_status exec_sql(sqlite3 *db, const char *sql, ru_error *err) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    ru_status st = ru_error_set(err, RU_EDB, "SQLite: %s", msg ? msg : "error");
    sqlite3_free(msg);
    return st;
  }
  return RU_OK;
}

static const char *const COLS[] = {"product", "key", "value", "unit", "source",
                                   "status", "derivation", "notes", "found_at"};
#define NCOLS 9

/* Checks one record's cells (the row-local rules). */
static ru_status check_row(const char *const f[NCOLS], size_t line, ru_error *err) {
  if (f[0][0] == '\0') {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'product': must not be empty", line);
  }
  if (strlen(f[0]) >= RU_NAME_MAX) {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'product': name longer than %d bytes",
                        line, RU_NAME_MAX - 1);
  }
  const pkey *k = key_find(f[1]);
  if (k == NULL) {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'key': unknown product key '%s'", line,
                        f[1]);
  }
  if (strcmp(f[3], k->unit) != 0) {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'unit': '%s' is not the unit of '%s' (%s)",
                        line, f[3], f[1], k->unit);
  }
  if (f[4][0] == '\0') {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'source': every value needs a source", line);
  }
  static const char *const STATUSES = "primary|secondary|derived|calibrated|user";
  if (f[5][0] == '\0' || strstr(STATUSES, f[5]) == NULL || strchr(f[5], '|') != NULL) {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'status': '%s' is not one of %s", line,
                        f[5], STATUSES);
  }
  if (f[2][0] == '\0') {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': must not be empty", line);
  }
  if (k->kind == PK_RELEASE && model_find(f[2]) == NULL) {
    return ru_error_set(err, RU_EDATA,
                        FILE_NAME ":%zu: field 'value': release model '%s' is not one of immediate, "
                        "delayed, zero_order, oros, two_pulse, weibull, first_order, prodrug",
                        line, f[2]);
  }
  if (k->kind == PK_TEXT && strcmp(f[1], "compound") == 0 && strlen(f[2]) >= RU_NAME_MAX) {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': compound name too long", line);
  }
  if (k->kind == PK_TEXT && strcmp(f[1], "incomplete") == 0 && strlen(f[2]) >= RU_PRODUCT_REASON_MAX) {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': reason longer than %d bytes",
                        line, RU_PRODUCT_REASON_MAX - 1);
  }
  if (k->kind == PK_COUNT) {
    double x = 0.0;
    if (!rui_kb_parse_double(f[2], &x) || !(x >= 1.0 && x <= ZO_STEPS_MAX) || x != floor(x)) {
      return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': '%s' is not a whole number in [1, %d]",
                          line, f[2], ZO_STEPS_MAX);
    }
  }
  if (k->kind == PK_POS || k->kind == PK_NONNEG || k->kind == PK_FRAC) {
    double x = 0.0;
    if (!rui_kb_parse_double(f[2], &x)) {
      return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': '%s' is not a number", line, f[2]);
    }
    if (k->kind == PK_POS && !(x > 0.0)) {
      return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': %g must be > 0", line, x);
    }
    if (k->kind == PK_NONNEG && x < 0.0) {
      return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': %g must not be negative", line, x);
    }
    if (k->kind == PK_FRAC && (x < 0.0 || x > 1.0)) {
      return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': fraction %g is outside [0,1]",
                          line, x);
    }
  }
  return RU_OK;
}

static ru_status add_name(sqlite3 *db, const char *product, const char *spelling, size_t line,
                          ru_error *err) {
  char norm[RU_NAME_MAX * 2];
  norm_name(spelling, norm, sizeof norm);
  if (norm[0] == '\0') {
    return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': empty spelling", line);
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO product_names VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  sqlite3_bind_int64(st, 1, (sqlite3_int64)line);
  sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, norm, -1, SQLITE_STATIC);
  ru_status rc = RU_OK;
  if (sqlite3_step(st) != SQLITE_DONE) {
    rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc;
}

/* The spellings of a product: its name, its brand, and each ;-separated synonym. */
static ru_status add_names(sqlite3 *db, const char *const f[NCOLS], size_t line, ru_error *err) {
  if (strcmp(f[1], "brand") == 0) {
    ru_status rc = add_name(db, f[0], f[0], line, err);
    if (rc == RU_OK && strcmp(f[2], f[0]) != 0) {
      rc = add_name(db, f[0], f[2], line, err);
    }
    return rc;
  }
  if (strcmp(f[1], "synonyms") != 0) {
    return RU_OK;
  }
  const char *p = f[2];
  while (*p != '\0') {
    const char *semi = strchr(p, ';');
    const size_t len = semi ? (size_t)(semi - p) : strlen(p);
    char buf[RU_NAME_MAX * 2];
    if (len >= sizeof buf) {
      return ru_error_set(err, RU_EDATA, FILE_NAME ":%zu: field 'value': synonym too long", line);
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    ru_status rc = add_name(db, f[0], buf, line, err);
    if (rc != RU_OK) {
      return rc;
    }
    p = semi ? semi + 1 : p + len;
  }
  return RU_OK;
}

/* Relational rules over the loaded table: (line, offending text) rows. */
typedef struct prule {
  const char *field;
  const char *message; /* one %s for the offending text */
  const char *sql;
} prule;

static const prule RULES[] = {
    {"source", "source key '%s' does not resolve in sources.csv",
     "SELECT line, source FROM products WHERE source NOT IN (SELECT key FROM sources)"},
    {"key", "duplicate key '%s' (only 'compound' may repeat)",
     "SELECT b.line, b.product || '.' || b.key FROM products b WHERE b.key <> 'compound' AND EXISTS "
     "(SELECT 1 FROM products a WHERE a.product = b.product AND a.key = b.key AND a.line < b.line)"},
    {"value", "duplicate compound '%s'",
     "SELECT b.line, b.value FROM products b WHERE b.key = 'compound' AND EXISTS (SELECT 1 FROM "
     "products a WHERE a.product = b.product AND a.key = 'compound' AND a.value = b.value AND a.line < b.line)"},
    {"product", "product '%s' needs exactly one 'brand' row",
     "SELECT MIN(line), product FROM products GROUP BY product HAVING SUM(key = 'brand') <> 1"},
    {"product", "product '%s' needs exactly one 'release' row",
     "SELECT MIN(line), product FROM products GROUP BY product HAVING SUM(key = 'release') <> 1"},
    {"product", "product '%s' names no compound",
     "SELECT MIN(line), product FROM products GROUP BY product HAVING SUM(key = 'compound') = 0"},
    {"product", "product '%s' has more than 4 compounds",
     "SELECT MIN(line), product FROM products GROUP BY product HAVING SUM(key = 'compound') > 4"},
    {"value", "brand '%s' must equal the product column",
     "SELECT line, value FROM products WHERE key = 'brand' AND value <> product"},
    {"key", "compound '%s' has no factor.<compound> row",
     "SELECT c.line, c.value FROM products c WHERE c.key = 'compound' AND NOT EXISTS (SELECT 1 FROM "
     "products f WHERE f.product = c.product AND f.key = 'factor.' || c.value)"},
    {"key", "'%s' names a compound the product does not list",
     "SELECT f.line, f.key FROM products f WHERE f.key LIKE 'factor.%' AND NOT EXISTS (SELECT 1 FROM "
     "products c WHERE c.product = f.product AND c.key = 'compound' AND 'factor.' || c.value = f.key)"},
    {"value", "unknown compound '%s' (not in compounds.csv; give the product an 'incomplete' row with the reason)",
     "SELECT c.line, c.value FROM products c WHERE c.key = 'compound' AND c.value NOT IN (SELECT name FROM "
     "compounds) AND NOT EXISTS (SELECT 1 FROM products i WHERE i.product = c.product AND i.key = 'incomplete')"},
    {"value", "spelling '%s' names two products",
     "SELECT b.line, b.norm FROM product_names b WHERE EXISTS (SELECT 1 FROM product_names a WHERE "
     "a.norm = b.norm AND a.product <> b.product AND a.line < b.line)"},
};
static const size_t NRULES = sizeof RULES / sizeof RULES[0];

static ru_status run_rule(sqlite3 *db, const prule *r, ru_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, r->sql, -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  ru_status rc = RU_OK;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *what = sqlite3_column_text(st, 1);
    char msg[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(msg, sizeof msg, r->message, what ? (const char *)what : "");
#pragma GCC diagnostic pop
    rc = ru_error_set(err, RU_EDATA, FILE_NAME ":%lld: field '%s': %s",
                      (long long)sqlite3_column_int64(st, 0), r->field, msg);
  }
  sqlite3_finalize(st);
  return rc;
}

/* Each release model's required parameters (complete products only). */
static ru_status check_models(sqlite3 *db, ru_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT r.line, r.product, r.value FROM products r WHERE r.key = 'release' AND NOT "
                         "EXISTS (SELECT 1 FROM products i WHERE i.product = r.product AND i.key = 'incomplete') "
                         "ORDER BY r.line",
                         -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM products WHERE product = ? AND key = ?", -1, &q, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  ru_status rc = RU_OK;
  while (rc == RU_OK && sqlite3_step(st) == SQLITE_ROW) {
    const model_spec *m = model_find((const char *)sqlite3_column_text(st, 2));
    for (size_t k = 0; m != NULL && k < 3 && m->required[k] != NULL && rc == RU_OK; k++) {
      sqlite3_bind_text(q, 1, (const char *)sqlite3_column_text(st, 1), -1, SQLITE_STATIC);
      sqlite3_bind_text(q, 2, m->required[k], -1, SQLITE_STATIC);
      if (sqlite3_step(q) != SQLITE_ROW) {
        rc = ru_error_set(err, RU_EDATA,
                          FILE_NAME ":%lld: field 'value': release model '%s' of '%s' needs '%s' "
                          "(or an 'incomplete' row with the reason)",
                          (long long)sqlite3_column_int64(st, 0), m->name,
                          (const char *)sqlite3_column_text(st, 1), m->required[k]);
      }
      sqlite3_reset(q);
    }
  }
  sqlite3_finalize(q);
  sqlite3_finalize(st);
  return rc;
}

/* A product spelling may not hide a compound's canonical name. */
static ru_status check_compound_collisions(sqlite3 *db, ru_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "SELECT name FROM compounds", -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "SELECT line, product FROM product_names WHERE norm = ?", -1, &q, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  ru_status rc = RU_OK;
  while (rc == RU_OK && sqlite3_step(st) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(st, 0);
    char norm[RU_NAME_MAX * 2];
    norm_name(name ? name : "", norm, sizeof norm);
    sqlite3_bind_text(q, 1, norm, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
      rc = ru_error_set(err, RU_EDATA,
                        FILE_NAME ":%lld: field 'value': a spelling of product '%s' is the compound name '%s'",
                        (long long)sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1), name);
    }
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  sqlite3_finalize(st);
  return rc;
}

ru_status rui_kb_import_products(sqlite3 *db, const char *data_dir, ru_error *err) {
  ru_status rc = exec_sql(db,
                          "CREATE TABLE products (line INTEGER NOT NULL, product TEXT NOT NULL, key TEXT NOT "
                          "NULL, value TEXT NOT NULL, unit TEXT NOT NULL, source TEXT NOT NULL, status TEXT NOT "
                          "NULL, derivation TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', "
                          "found_at TEXT NOT NULL DEFAULT '');"
                          "CREATE TABLE product_names (line INTEGER NOT NULL, product TEXT NOT NULL, norm TEXT "
                          "NOT NULL);",
                          err);
  if (rc != RU_OK) {
    return rc;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", data_dir, FILE_NAME);
  FILE *probe = fopen(path, "r");
  if (probe == NULL) {
    return RU_OK; /* a knowledge base without products (a user's own data directory) */
  }
  fclose(probe);
  rui_csv *csv = NULL;
  rc = rui_csv_open(path, &csv, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_stmt *ins = NULL;
  long idx[NCOLS];
  int eof = 0;
  rc = rui_csv_next(csv, &eof, err);
  if (rc == RU_OK && eof) {
    rc = ru_error_set(err, RU_EDATA, FILE_NAME ":1: field 'header': file is empty");
  }
  for (size_t c = 0; rc == RU_OK && c < NCOLS; c++) {
    idx[c] = rui_csv_column(csv, COLS[c]);
    if (idx[c] < 0) {
      rc = ru_error_set(err, RU_EDATA, FILE_NAME ":1: field '%s': missing column in header", COLS[c]);
    }
  }
  if (rc == RU_OK &&
      sqlite3_prepare_v2(db, "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &ins, NULL) !=
          SQLITE_OK) {
    rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  while (rc == RU_OK) {
    rc = rui_csv_next(csv, &eof, err);
    if (rc != RU_OK || eof) {
      break;
    }
    const size_t line = rui_csv_line(csv);
    const char *f[NCOLS];
    for (size_t c = 0; c < NCOLS; c++) {
      const char *v = rui_csv_field(csv, (size_t)idx[c]);
      f[c] = v ? v : "";
    }
    rc = check_row(f, line, err);
    if (rc != RU_OK) {
      break;
    }
    sqlite3_bind_int64(ins, 1, (sqlite3_int64)line);
    for (size_t c = 0; c < NCOLS; c++) {
      sqlite3_bind_text(ins, (int)c + 2, f[c], -1, SQLITE_STATIC);
    }
    if (sqlite3_step(ins) != SQLITE_DONE) {
      rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
      break;
    }
    sqlite3_reset(ins);
    rc = add_names(db, f, line, err);
  }
  sqlite3_finalize(ins);
  rui_csv_close(csv);
  for (size_t r = 0; rc == RU_OK && r < NRULES; r++) {
    rc = run_rule(db, &RULES[r], err);
  }
  if (rc == RU_OK) {
    rc = check_models(db, err);
  }
  if (rc == RU_OK) {
    rc = check_compound_collisions(db, err);
  }
  if (rc == RU_OK) {
    rc = exec_sql(db, "CREATE INDEX product_rows ON products(product); CREATE INDEX product_norm ON "
                      "product_names(norm);", err);
  }
  return rc;
}

/* --- queries --------------------------------------------------------------------------------- */

static const char *col_text(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

size_t ru_kb_product_count(const ru_kb *kb) {
  if (kb == NULL) {
    return 0;
  }
  sqlite3_stmt *st = NULL;
  size_t n = 0;
  /* a knowledge base built before products has no table: 0 products */
  if (sqlite3_prepare_v2(kb->db, "SELECT COUNT(DISTINCT product) FROM products", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = (size_t)sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return n;
}

ru_status ru_kb_product_at(const ru_kb *kb, size_t i, char name[RU_NAME_MAX], ru_error *err) {
  if (kb == NULL || name == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_product_at: NULL argument");
  }
  name[0] = '\0';
  sqlite3_stmt *st = NULL;
  ru_status rc = RU_OK;
  if (sqlite3_prepare_v2(kb->db,
                         "SELECT DISTINCT product FROM products ORDER BY product COLLATE NOCASE LIMIT 1 OFFSET ?",
                         -1, &st, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    if (sqlite3_errcode(kb->db) == SQLITE_NOMEM) return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
    return ru_error_set(err, RU_ERANGE, "no product %zu (the knowledge base has no products)", i);
  }
  sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
  if (sqlite3_step(st) == SQLITE_ROW) {
    rui_strlcpy(name, col_text(st, 0), RU_NAME_MAX);
  } else {
    rc = ru_error_set(err, RU_ERANGE, "no product %zu (there are %zu)", i, ru_kb_product_count(kb));
  }
  return rui_kb_finalize(kb, st, rc, err);
}

/* 1 found, 0 not a product, -1 the query failed (out of memory, a database error). */
static int lookup_product(const ru_kb *kb, const char *name, char canonical[RU_NAME_MAX]) {
  if (kb == NULL || name == NULL) {
    return 0;
  }
  char norm[RU_NAME_MAX * 2];
  norm_name(name, norm, sizeof norm);
  if (norm[0] == '\0') {
    return 0;
  }
  sqlite3_stmt *st = NULL;
  int found = -1;
  if (sqlite3_prepare_v2(kb->db, "SELECT product FROM product_names WHERE norm = ? LIMIT 1", -1, &st, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
    const int step = sqlite3_step(st);
    found = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
    if (found == 1 && canonical != NULL) {
      rui_strlcpy(canonical, col_text(st, 0), RU_NAME_MAX);
    }
  }
  sqlite3_finalize(st);
  return found;
}

int ru_kb_is_product(const ru_kb *kb, const char *name, char canonical[RU_NAME_MAX]) {
  return lookup_product(kb, name, canonical) == 1;
}

static void value_missing(ru_value *v) {
  v->value = (double)NAN;
  v->source[0] = '\0';
  v->status = RU_VALUE_MISSING;
}

static ru_value *release_slot(ru_product *p, const char *key) {
  ru_release_params *r = &p->release;
  const struct {
    const char *k;
    ru_value *v;
  } map[] = {{"tlag_h", &r->tlag_h},
             {"ka_per_h", &r->ka_per_h},
             {"k_release_per_h", &r->k_release_per_h},
             {"ir_fraction", &r->ir_fraction},
             {"ir_duration_h", &r->ir_duration_h},
             {"zo_lag_h", &r->zo_lag_h},
             {"zo_duration_h", &r->zo_duration_h},
             {"zo_steps", &r->zo_steps},
             {"pulse2_lag_h", &r->pulse2_lag_h},
             {"weibull_td_h", &r->weibull_td_h},
             {"weibull_beta", &r->weibull_beta},
             {"f_rel", &r->f_rel},
             {"usual_dose_mg", &p->usual_dose_mg},
             {"low_dose_mg", &p->low_dose_mg},
             {"high_dose_mg", &p->high_dose_mg},
             {"interval_h", &p->interval_h}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (strcmp(map[i].k, key) == 0) {
      return map[i].v;
    }
  }
  return NULL;
}

static void product_init(ru_product *p) {
  memset(p, 0, sizeof *p);
  ru_release_params *r = &p->release;
  ru_value *all[] = {&r->tlag_h,         &r->ka_per_h,      &r->k_release_per_h, &r->ir_fraction,
                     &r->ir_duration_h,  &r->zo_lag_h,      &r->zo_duration_h,   &r->zo_steps,
                     &r->pulse2_lag_h,
                     &r->weibull_td_h,   &r->weibull_beta,  &r->f_rel,           &p->usual_dose_mg,
                     &p->low_dose_mg,    &p->high_dose_mg,  &p->interval_h};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    value_missing(all[i]);
  }
}

static ru_status resolve_product(const ru_kb *kb, const char *name, char canon[RU_NAME_MAX], ru_error *err) {
  const int found = lookup_product(kb, name, canon);
  if (found < 0) {
    return sqlite3_errcode(kb->db) == SQLITE_NOMEM ? ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory")
                                                   : ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
  }
  if (found == 0) {
    return ru_error_set(err, RU_ENOTFOUND, "unknown product '%s' (see 'reuptake drugs list --products')", name);
  }
  return RU_OK;
}

ru_status ru_kb_product(const ru_kb *kb, const char *name, ru_product *out, ru_error *err) {
  if (kb == NULL || name == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_product: NULL argument");
  }
  char canon[RU_NAME_MAX];
  ru_status rc = resolve_product(kb, name, canon, err);
  if (rc != RU_OK) {
    return rc;
  }
  ru_product p;
  product_init(&p);
  rui_strlcpy(p.name, canon, sizeof p.name);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kb->db, "SELECT key, value, source, status FROM products WHERE product = ? ORDER BY line",
                         -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
  }
  sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *key = col_text(st, 0), *val = col_text(st, 1), *src = col_text(st, 2);
    const ru_value_status status = rui_kb_status_of(col_text(st, 3));
    if (strcmp(key, "class") == 0) {
      rui_strlcpy(p.drug_class, val, sizeof p.drug_class);
    } else if (strcmp(key, "compound") == 0) {
      if (p.n_components < RU_PRODUCT_MAX_COMPONENTS) { /* the importer enforces the limit */
        ru_product_component *c = &p.component[p.n_components++];
        rui_strlcpy(c->compound, val, sizeof c->compound);
        value_missing(&c->mg_per_label_mg);
      }
    } else if (strcmp(key, "release") == 0) {
      const model_spec *m = model_find(val);
      p.release.kind = m ? m->kind : RU_RELEASE_IMMEDIATE;
      rui_strlcpy(p.release_source, src, sizeof p.release_source);
    } else if (strcmp(key, "incomplete") == 0) {
      rui_strlcpy(p.incomplete, val, sizeof p.incomplete);
    } else if (strncmp(key, "factor.", 7) == 0 || release_slot(&p, key) != NULL) {
      ru_value v;
      v.value = strtod(val, NULL);
      rui_strlcpy(v.source, src, sizeof v.source);
      v.status = status;
      if (strncmp(key, "factor.", 7) == 0) {
        for (size_t i = 0; i < p.n_components; i++) {
          if (strcmp(p.component[i].compound, key + 7) == 0) {
            p.component[i].mg_per_label_mg = v;
          }
        }
      } else {
        *release_slot(&p, key) = v;
      }
    }
  }
  rc = rui_kb_finalize(kb, st, rc, err);
  /* compounds missing from this knowledge base make the product incomplete (a user --kb, or a
   * compound still to be added); the importer requires the reason in data/products.csv itself */
  for (size_t i = 0; i < p.n_components && p.incomplete[0] == '\0'; i++) {
    char cn[RU_NAME_MAX];
    ru_error tmp;
    if (ru_kb_resolve(kb, p.component[i].compound, cn, &tmp) != RU_OK) {
      snprintf(p.incomplete, sizeof p.incomplete, "compound '%s' is not in the knowledge base",
               p.component[i].compound);
      continue;
    }
    /* an incomplete compound (compounds.csv) makes its products incomplete, with its reason */
    ru_compound *c = rui_malloc(sizeof *c);
    if (c == NULL) {
      return ru_error_set(err, RU_ENOMEM, "out of memory");
    }
    if (ru_kb_compound_info(kb, cn, c, &tmp) == RU_OK && c->incomplete[0] != '\0') {
      snprintf(p.incomplete, sizeof p.incomplete, "%s is incomplete: %s", cn, c->incomplete);
    }
    rui_free(c);
  }
  *out = p;
  return RU_OK;
}

ru_status ru_kb_products(const ru_kb *kb, ru_product **out, size_t *n, ru_error *err) {
  if (kb == NULL || out == NULL || n == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_products: NULL argument");
  }
  *out = NULL;
  *n = 0;
  const size_t np = ru_kb_product_count(kb);
  ru_product *all = rui_calloc(np + 1, sizeof *all);
  if (all == NULL) return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  ru_status rc = RU_OK;
  for (size_t i = 0; i < np && rc == RU_OK; i++) {
    char name[RU_NAME_MAX];
    rc = ru_kb_product_at(kb, i, name, err);
    if (rc == RU_OK) rc = ru_kb_product(kb, name, &all[i], err);
  }
  if (rc != RU_OK) {
    rui_free(all);
    return rc;
  }
  *out = all;
  *n = np;
  return RU_OK;
}

/* --- JSON ------------------------------------------------------------------------------------ */

static void add_num_or_null(cJSON *o, const char *k, double v) {
  if (isfinite(v)) {
    cJSON_AddNumberToObject(o, k, v);
  } else {
    cJSON_AddNullToObject(o, k);
  }
}

static void cite_once(cJSON *keys, const char *key) {
  if (key == NULL || *key == '\0') {
    return;
  }
  const cJSON *it = NULL;
  cJSON_ArrayForEach(it, keys) {
    if (cJSON_IsString(it) && strcmp(it->valuestring, key) == 0) {
      return;
    }
  }
  cJSON_AddItemToArray(keys, cJSON_CreateString(key));
}

ru_status ru_kb_product_json(const ru_kb *kb, const char *name, char **json, ru_error *err) {
  if (kb == NULL || name == NULL || json == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_product_json: NULL argument");
  }
  *json = NULL;
  ru_product p;
  ru_status rc = ru_kb_product(kb, name, &p, err);
  if (rc != RU_OK) {
    return rc;
  }
  cJSON *root = cJSON_CreateObject();
  cJSON *keys = cJSON_CreateArray();
  if (root == NULL || keys == NULL) {
    cJSON_Delete(root);
    cJSON_Delete(keys);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  cJSON_AddStringToObject(root, "name", p.name);
  cJSON_AddStringToObject(root, "kind", "product");
  cJSON_AddStringToObject(root, "class", p.drug_class);
  if (p.incomplete[0] != '\0') {
    cJSON_AddStringToObject(root, "incomplete", p.incomplete);
  } else {
    cJSON_AddNullToObject(root, "incomplete");
  }
  cJSON *comps = cJSON_AddArrayToObject(root, "compounds");
  for (size_t i = 0; i < p.n_components; i++) {
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "compound", p.component[i].compound);
    add_num_or_null(c, "mg_per_label_mg", p.component[i].mg_per_label_mg.value);
    cJSON_AddStringToObject(c, "source", p.component[i].mg_per_label_mg.source);
    cite_once(keys, p.component[i].mg_per_label_mg.source);
    cJSON_AddItemToArray(comps, c);
  }
  cJSON *rel = cJSON_AddObjectToObject(root, "release");
  cJSON_AddStringToObject(rel, "model", ru_release_kind_name(p.release.kind));
  cJSON_AddStringToObject(rel, "model_source", p.release_source);
  cite_once(keys, p.release_source);
  cJSON *dose = cJSON_AddObjectToObject(root, "dose");
  cJSON *rows = cJSON_AddArrayToObject(root, "rows");
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kb->db,
                         "SELECT key, value, unit, source, status, derivation, notes, found_at, line FROM "
                         "products WHERE product = ? ORDER BY line",
                         -1, &st, NULL) != SQLITE_OK) {
    cJSON_Delete(root);
    cJSON_Delete(keys);
    return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
  }
  sqlite3_bind_text(st, 1, p.name, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *key = col_text(st, 0);
    cJSON *r = cJSON_CreateObject();
    static const char *const names[] = {"key", "value", "unit", "source", "status", "derivation", "notes",
                                        "found_at"};
    for (int c = 0; c < 8; c++) {
      cJSON_AddStringToObject(r, names[c], col_text(st, c));
    }
    cJSON_AddNumberToObject(r, "line", (double)sqlite3_column_int64(st, 8));
    cJSON_AddItemToArray(rows, r);
    cite_once(keys, col_text(st, 3));
    ru_value *slot = release_slot(&p, key);
    if (slot != NULL) {
      char skey[64];
      cJSON *dst = strstr(key, "dose") != NULL || strcmp(key, "interval_h") == 0 ? dose : rel;
      add_num_or_null(dst, key, slot->value);
      snprintf(skey, sizeof skey, "%s_source", key);
      cJSON_AddStringToObject(dst, skey, slot->source);
    }
  }
  rc = rui_kb_finalize(kb, st, rc, err);
  cJSON *srcs = cJSON_AddArrayToObject(root, "sources");
  const cJSON *k = NULL;
  cJSON_ArrayForEach(k, keys) {
    char citation[1024];
    ru_error tmp;
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "key", k->valuestring);
    if (ru_kb_source(kb, k->valuestring, citation, sizeof citation, &tmp) == RU_OK) {
      cJSON_AddStringToObject(s, "citation", citation);
    } else {
      cJSON_AddNullToObject(s, "citation");
    }
    cJSON_AddItemToArray(srcs, s);
  }
  cJSON_Delete(keys);
  char *text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  if (text == NULL) {
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  *json = text;
  return RU_OK;
}
