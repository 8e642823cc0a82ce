/* Internals shared by the knowledge-base files: the handle, the SQLite schema version, the
 * relational integrity checks (run by the importer to reject bad data and by ru_kb_check to
 * report), and small helpers. Not API. */
#ifndef RU_KB_IMPL_H
#define RU_KB_IMPL_H

#include <sqlite3.h>
#include <stddef.h>

#include "reuptake/kb.h"

#define RUI_KB_SCHEMA_VERSION 2

struct ru_kb {
  sqlite3 *db;        /* in-memory (deserialized) or read-only file connection */
  int writable;       /* 1 once a private writable copy exists (ru_kb_load_user) */
  size_t n_compounds; /* cached alphabetical list of canonical names and classes */
  char (*names)[RU_NAME_MAX];
  char (*classes)[RU_NAME_MAX];
};

/* One relational check: the SQL yields (line, offending text) rows; each is a violation of
 * `file`:line: field `field`: message (message may contain one %s for the offending text). */
typedef struct rui_kb_rule {
  const char *file;
  const char *field;
  const char *message;
  const char *sql;
} rui_kb_rule;

extern const rui_kb_rule rui_kb_rules[];
extern const size_t rui_kb_rule_count;

/* The known PK keys: exact key (or "fm." prefix), required unit, 1 when a fraction in [0,1]. */
typedef struct rui_pk_key {
  const char *key;
  const char *unit;
  int fraction;
} rui_pk_key;
extern const rui_pk_key rui_pk_keys[];
extern const size_t rui_pk_key_count;
/* Canonical spelling of an elimination pathway name (case-insensitive), or NULL if unknown. */
const char *rui_kb_pathway_canon(const char *p);
/* Index into rui_pk_keys of key (fm.<PATHWAY> matches "fm." for a known pathway), or -1. */
long rui_pk_key_find(const char *key);

/* Parses a finite double (whole string); 1 on success. */
int rui_kb_parse_double(const char *s, double *out);
/* ru_value_status of a text status ("primary", ...). */
ru_value_status rui_kb_status_of(const char *s);
/* Status of a source key from its quality column. */
ru_value_status rui_kb_source_status(const ru_kb *kb, const char *key);
/* Reloads the cached compound list. */
ru_status rui_kb_cache(ru_kb *kb, ru_error *err);
/* Finalizes a read statement. When its last evaluation failed (SQLite out of memory, a corrupt
 * page), a row loop ended early or a lookup found nothing because of it: that is reported as
 * RU_ENOMEM or RU_EDB in place of rc (an OK or an input error derived from the short read);
 * otherwise rc is returned unchanged. Bound strings use SQLITE_STATIC (the caller's buffers
 * outlive the statement), so binding itself cannot fail for lack of memory. */
ru_status rui_kb_finalize(const ru_kb *kb, sqlite3_stmt *st, ru_status rc, ru_error *err);

/* Products (kb_products.c): creates the products tables in db and imports data_dir/products.csv
 * with its own row and relational checks; run after the other tables (it reads compounds and
 * sources). Errors name products.csv:line: field. */
ru_status rui_kb_import_products(sqlite3 *db, const char *data_dir, ru_error *err);

/* Growing string buffer for reports. */
typedef struct rui_sbuf {
  char *s;
  size_t len, cap;
  int failed;
} rui_sbuf;
void rui_sbuf_printf(rui_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
