/* Knowledge base: opening (embedded bytes, a file, or a private writable copy after user
 * overrides) and the queries of kb.h. All values come from the SQLite tables built by
 * ru_kb_import; a value the tables lack is returned as NaN with status RU_VALUE_MISSING. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "io/csv.h"
#include "kb/kb_impl.h"

/* The database compiled from data/ by ru-kbc (build/kb_embed.c). */
extern const unsigned char rui_kb_embedded[];
extern const size_t rui_kb_embedded_size;

/* --- helpers ------------------------------------------------------------------------------------ */

void rui_sbuf_printf(rui_sbuf *b, const char *fmt, ...) {
  if (b->failed) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  const int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0) {
    b->failed = 1;
    va_end(ap2);
    return;
  }
  if (b->len + (size_t)need + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + (size_t)need + 1) {
      cap *= 2;
    }
    char *s = rui_realloc(b->s, cap);
    if (s == NULL) {
      b->failed = 1;
      va_end(ap2);
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
  va_end(ap2);
  b->len += (size_t)need;
}

const char *ru_value_status_name(ru_value_status st) {
  switch (st) {
  case RU_VALUE_PRIMARY:
    return "primary";
  case RU_VALUE_SECONDARY:
    return "secondary";
  case RU_VALUE_DERIVED:
    return "derived";
  case RU_VALUE_CALIBRATED:
    return "calibrated";
  case RU_VALUE_USER:
    return "user";
  default:
    return "missing";
  }
}

ru_value_status rui_kb_status_of(const char *s) {
  if (s == NULL) {
    return RU_VALUE_MISSING;
  }
  if (strcmp(s, "primary") == 0) {
    return RU_VALUE_PRIMARY;
  }
  if (strcmp(s, "secondary") == 0) {
    return RU_VALUE_SECONDARY;
  }
  if (strcmp(s, "derived") == 0 || strcmp(s, "model") == 0) {
    return RU_VALUE_DERIVED;
  }
  if (strcmp(s, "calibrated") == 0) {
    return RU_VALUE_CALIBRATED;
  }
  if (strcmp(s, "user") == 0) {
    return RU_VALUE_USER;
  }
  return RU_VALUE_MISSING;
}

static void value_missing(ru_value *v) {
  v->value = (double)NAN;
  v->source[0] = '\0';
  v->status = RU_VALUE_MISSING;
}

static const char *col_text(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

static ru_status db_error(const ru_kb *kb, ru_error *err) {
  if (sqlite3_errcode(kb->db) == SQLITE_NOMEM) {
    return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  }
  return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
}

ru_status rui_kb_finalize(const ru_kb *kb, sqlite3_stmt *st, ru_status rc, ru_error *err) {
  (void)kb;
  const int f = sqlite3_finalize(st);
  if (f == SQLITE_OK || (rc != RU_OK && !ru_status_is_input_error(rc))) {
    return rc;
  }
  /* the last evaluation failed: the loop ended early, or the lookup found nothing because of it */
  if ((f & 0xff) == SQLITE_NOMEM) {
    return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  }
  return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errstr(f));
}

static ru_status prepare(const ru_kb *kb, const char *sql, sqlite3_stmt **st, ru_error *err) {
  if (sqlite3_prepare_v2(kb->db, sql, -1, st, NULL) != SQLITE_OK) {
    return db_error(kb, err);
  }
  return RU_OK;
}

ru_value_status rui_kb_source_status(const ru_kb *kb, const char *key) {
  sqlite3_stmt *st = NULL;
  ru_value_status s = RU_VALUE_MISSING;
  if (sqlite3_prepare_v2(kb->db, "SELECT quality FROM sources WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      s = rui_kb_status_of(col_text(st, 0));
    }
  }
  sqlite3_finalize(st);
  return s;
}

ru_status rui_kb_cache(ru_kb *kb, ru_error *err) {
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT COUNT(*) FROM compounds", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  size_t n = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    n = (size_t)sqlite3_column_int64(st, 0);
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  char(*names)[RU_NAME_MAX] = rui_calloc(n ? n : 1, sizeof *names);
  char(*classes)[RU_NAME_MAX] = rui_calloc(n ? n : 1, sizeof *classes);
  if (names == NULL || classes == NULL) {
    rui_free(names);
    rui_free(classes);
    return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  }
  rc = prepare(kb, "SELECT name, class FROM compounds ORDER BY name", &st, err);
  size_t i = 0;
  while (rc == RU_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
    rui_strlcpy(names[i], col_text(st, 0), RU_NAME_MAX);
    rui_strlcpy(classes[i], col_text(st, 1), RU_NAME_MAX);
    i++;
  }
  rc = rui_kb_finalize(kb, st, rc, err);
  if (rc != RU_OK) {
    rui_free(names);
    rui_free(classes);
    return rc;
  }
  rui_free(kb->names);
  rui_free(kb->classes);
  kb->names = names;
  kb->classes = classes;
  kb->n_compounds = i;
  return RU_OK;
}

/* --- open / close ------------------------------------------------------------------------------ */

/* A file the user named that is not a knowledge base (or not of this schema) is an input error
 * (RU_EDATA, exit 2); the embedded one failing is an internal one (RU_EDB). Out of memory stays
 * out of memory. */
static ru_status check_schema(ru_kb *kb, const char *what, int user_file, ru_error *err) {
  sqlite3_stmt *st = NULL;
  const ru_status bad = user_file ? RU_EDATA : RU_EDB;
  const int prc = sqlite3_prepare_v2(kb->db, "SELECT value FROM meta WHERE key = 'schema_version'",
                                     -1, &st, NULL);
  if (prc != SQLITE_OK) {
    sqlite3_finalize(st);
    if (prc == SQLITE_NOMEM) return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
    return ru_error_set(err, bad, "%s is not a reuptake knowledge base (%s)", what,
                        sqlite3_errmsg(kb->db));
  }
  ru_status rc = RU_OK;
  const int step = sqlite3_step(st);
  if (step == SQLITE_NOMEM) {
    rc = ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  } else if (step != SQLITE_ROW || atoi(col_text(st, 0)) != RUI_KB_SCHEMA_VERSION) {
    rc = ru_error_set(err, bad, "%s: knowledge-base schema version is not %d", what,
                      RUI_KB_SCHEMA_VERSION);
  }
  return rui_kb_finalize(kb, st, rc, err);
}

/* Opens an in-memory connection holding a private copy of bytes; read-only unless writable. */
static ru_status open_bytes(const unsigned char *bytes, size_t n, int writable, sqlite3 **out,
                            ru_error *err) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return ru_error_set(err, RU_EDB, "cannot open an in-memory database");
  }
  unsigned char *copy = sqlite3_malloc64(n);
  if (copy == NULL) {
    sqlite3_close(db);
    return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  }
  memcpy(copy, bytes, n);
  const unsigned flags = SQLITE_DESERIALIZE_FREEONCLOSE |
                         (writable ? SQLITE_DESERIALIZE_RESIZEABLE : SQLITE_DESERIALIZE_READONLY);
  if (sqlite3_deserialize(db, "main", copy, (sqlite3_int64)n, (sqlite3_int64)n, flags) != SQLITE_OK) {
    ru_status rc = ru_error_set(err, RU_EDB, "cannot load the knowledge base: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
  }
  *out = db;
  return RU_OK;
}

ru_status ru_kb_open(const char *path, ru_kb **out, ru_error *err) {
  if (out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_open: out is NULL");
  }
  *out = NULL;
  /* Simulations on several threads share this handle (kb.h): that is safe only when SQLite
   * serializes access to a connection, which needs a thread-safe build of the library
   * (SQLITE_THREADSAFE 1 or 2) and a connection opened in serialized mode (FULLMUTEX). */
  if (sqlite3_threadsafe() == 0) {
    return ru_error_set(err, RU_EDB, "the SQLite library was built without thread safety "
                        "(SQLITE_THREADSAFE=0); reuptake needs a thread-safe SQLite");
  }
  ru_kb *kb = rui_calloc(1, sizeof *kb);
  if (kb == NULL) {
    return ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  }
  ru_status rc;
  const char *what = path ? path : "embedded knowledge base";
  if (path == NULL) {
    if (rui_kb_embedded_size == 0) {
      rui_free(kb);
      return ru_error_set(err, RU_EDB, "no knowledge base is embedded in this build (use --kb FILE)");
    }
    rc = open_bytes(rui_kb_embedded, rui_kb_embedded_size, 0, &kb->db, err);
  } else if (path[0] == '\0') {
    rc = ru_error_set(err, RU_EINVAL, "knowledge base: empty file name");
  } else if (sqlite3_open_v2(path, &kb->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, NULL) !=
             SQLITE_OK) {
    rc = ru_error_set(err, RU_EINPUT_IO, "cannot open knowledge base '%s': %s", path,
                      kb->db ? sqlite3_errmsg(kb->db) : "out of memory");
  } else {
    rc = RU_OK;
  }
  if (rc == RU_OK) {
    rc = check_schema(kb, what, path != NULL, err);
  }
  if (rc == RU_OK) {
    rc = rui_kb_cache(kb, err);
    if (rc == RU_EDB && path != NULL) {
      /* a query failing on the user's file: the file lacks what a knowledge base has */
      rc = RU_EDATA;
      if (err != NULL) err->code = rc;
    }
  }
  if (rc != RU_OK) {
    ru_kb_free(kb);
    return rc;
  }
  *out = kb;
  return RU_OK;
}

void ru_kb_free(ru_kb *kb) {
  if (kb == NULL) {
    return;
  }
  sqlite3_close(kb->db);
  rui_free(kb->names);
  rui_free(kb->classes);
  rui_free(kb);
}

void ru_free(void *p) { free(p); }

/* Replaces kb->db by a private writable in-memory copy (once). */
static ru_status make_writable(ru_kb *kb, ru_error *err) {
  if (kb->writable) {
    return RU_OK;
  }
  sqlite3_int64 n = 0;
  unsigned char *bytes = sqlite3_serialize(kb->db, "main", &n, 0);
  if (bytes == NULL) {
    return ru_error_set(err, RU_EDB, "cannot copy the knowledge base: %s", sqlite3_errmsg(kb->db));
  }
  sqlite3 *db = NULL;
  ru_status rc = open_bytes(bytes, (size_t)n, 1, &db, err);
  sqlite3_free(bytes);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_close(kb->db);
  kb->db = db;
  kb->writable = 1;
  return RU_OK;
}

/* --- compounds -------------------------------------------------------------------------------- */

static size_t levenshtein(const char *a, const char *b) {
  const size_t na = strlen(a), nb = strlen(b);
  if (na > 63 || nb > 63) {
    return (size_t)-1 / 2;
  }
  size_t row[64];
  for (size_t j = 0; j <= nb; j++) {
    row[j] = j;
  }
  for (size_t i = 1; i <= na; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      const size_t cur = row[j];
      const size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
      size_t best = prev + cost;
      if (row[j] + 1 < best) {
        best = row[j] + 1;
      }
      if (row[j - 1] + 1 < best) {
        best = row[j - 1] + 1;
      }
      row[j] = best;
      prev = cur;
    }
  }
  return row[nb];
}

ru_status ru_kb_resolve(const ru_kb *kb, const char *name, char canonical[RU_NAME_MAX], ru_error *err) {
  if (kb == NULL || name == NULL || canonical == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_resolve: NULL argument");
  }
  char q[RU_NAME_MAX * 2];
  rui_strlcpy(q, name, sizeof q);
  /* trim */
  char *s = q;
  while (isspace((unsigned char)*s)) {
    s++;
  }
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) {
    s[--n] = '\0';
  }
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT name FROM synonyms WHERE synonym = ?1 COLLATE NOCASE "
                             "ORDER BY (name = lower(?1)) DESC LIMIT 1", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    rui_strlcpy(canonical, col_text(st, 0), RU_NAME_MAX);
    sqlite3_finalize(st);
    return RU_OK;
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  /* unknown: suggest the closest name or synonym */
  rc = prepare(kb, "SELECT synonym FROM synonyms", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  char best[RU_NAME_MAX * 2] = "";
  size_t best_d = (size_t)-1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *cand = col_text(st, 0);
    const size_t d = levenshtein(s, cand);
    if (d < best_d) {
      best_d = d;
      rui_strlcpy(best, cand, sizeof best);
    }
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  if (best[0] != '\0' && best_d <= 3 + strlen(s) / 3) {
    return ru_error_set(err, RU_ENOTFOUND, "unknown compound '%s' (did you mean '%s'?)", s, best);
  }
  return ru_error_set(err, RU_ENOTFOUND, "unknown compound '%s' (see 'reuptake drugs list')", s);
}

size_t ru_kb_compound_count(const ru_kb *kb) { return kb ? kb->n_compounds : 0; }

const char *ru_kb_compound_name(const ru_kb *kb, size_t i) {
  return (kb != NULL && i < kb->n_compounds) ? kb->names[i] : NULL;
}

const char *ru_kb_compound_class(const ru_kb *kb, size_t i) {
  return (kb != NULL && i < kb->n_compounds) ? kb->classes[i] : NULL;
}

ru_status ru_kb_search(const ru_kb *kb, const char *text, size_t *idx, size_t max, size_t *n,
                       ru_error *err) {
  if (kb == NULL || text == NULL || n == NULL || (max > 0 && idx == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_search: NULL argument");
  }
  *n = 0;
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb,
                         "SELECT DISTINCT c.name FROM compounds c LEFT JOIN synonyms s ON s.name = c.name "
                         "WHERE instr(lower(s.synonym), lower(?1)) > 0 OR instr(lower(c.class), lower(?1)) > 0 "
                         "OR instr(lower(c.name), lower(?1)) > 0 ORDER BY c.name",
                         &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *name = col_text(st, 0);
    for (size_t i = 0; i < kb->n_compounds; i++) {
      if (strcmp(kb->names[i], name) == 0) {
        if (*n >= max) {
          sqlite3_finalize(st);
          return ru_error_set(err, RU_ELIMIT, "search '%s' matches more than %zu compounds (caller's limit)",
                              text, max);
        }
        idx[(*n)++] = i;
        break;
      }
    }
  }
  sqlite3_finalize(st);
  return RU_OK;
}

static ru_value *pk_slot(ru_pk_params *pk, const char *key) {
  struct {
    const char *k;
    ru_value *v;
  } map[] = {{"f", &pk->f},
             {"ka_per_h", &pk->ka_per_h},
             {"tlag_h", &pk->tlag_h},
             {"cl_f_l_per_h", &pk->cl_f_l_per_h},
             {"v_f_l", &pk->v_f_l},
             {"q_f_l_per_h", &pk->q_f_l_per_h},
             {"vp_f_l", &pk->vp_f_l},
             {"q2_f_l_per_h", &pk->q2_f_l_per_h},
             {"vp2_f_l", &pk->vp2_f_l},
             {"fu", &pk->fu},
             {"half_life_h", &pk->half_life_h},
             {"bp", &pk->bp},
             {"cl_iv_l_per_h", &pk->cl_iv_l_per_h},
             {"fa", &pk->fa},
             {"fg", &pk->fg},
             {"fm.other", &pk->fm_other},
             {"kpuu_brain", &pk->kpuu_brain}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    if (strcmp(map[i].k, key) == 0) {
      return map[i].v;
    }
  }
  return NULL;
}

ru_status ru_kb_compound(const ru_kb *kb, const char *name, ru_compound *out, ru_error *err) {
  ru_status rc = ru_kb_compound_info(kb, name, out, err);
  if (rc == RU_OK && out->incomplete[0] != '\0') {
    return ru_error_set(err, RU_EMISSING, "%s cannot be simulated: %s", out->name, out->incomplete);
  }
  return rc;
}

ru_status ru_kb_compound_info(const ru_kb *kb, const char *name, ru_compound *out, ru_error *err) {
  if (kb == NULL || name == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_compound: NULL argument");
  }
  char canon[RU_NAME_MAX];
  ru_status rc = ru_kb_resolve(kb, name, canon, err);
  if (rc != RU_OK) {
    return rc;
  }
  ru_compound c;
  memset(&c, 0, sizeof c);
  value_missing(&c.mw_g_per_mol);
  ru_value *all[] = {&c.pk.f, &c.pk.ka_per_h, &c.pk.tlag_h, &c.pk.cl_f_l_per_h, &c.pk.v_f_l,
                     &c.pk.q_f_l_per_h, &c.pk.vp_f_l, &c.pk.q2_f_l_per_h, &c.pk.vp2_f_l, &c.pk.fu,
                     &c.pk.half_life_h, &c.pk.bp, &c.pk.cl_iv_l_per_h, &c.pk.fa, &c.pk.fg,
                     &c.pk.fm_other, &c.pk.kpuu_brain};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    value_missing(all[i]);
  }
  c.pk.model = 1; /* structural default when no model row exists */
  sqlite3_stmt *st = NULL;
  rc = prepare(kb, "SELECT name, class, kind, parent, mw_g_per_mol, mw_source, incomplete FROM compounds "
                   "WHERE name = ?", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    rui_strlcpy(c.name, col_text(st, 0), sizeof c.name);
    rui_strlcpy(c.drug_class, col_text(st, 1), sizeof c.drug_class);
    rui_strlcpy(c.kind, col_text(st, 2), sizeof c.kind);
    rui_strlcpy(c.parent, col_text(st, 3), sizeof c.parent);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
      c.mw_g_per_mol.value = sqlite3_column_double(st, 4);
      rui_strlcpy(c.mw_g_per_mol.source, col_text(st, 5), sizeof c.mw_g_per_mol.source);
      c.mw_g_per_mol.status = rui_kb_source_status(kb, c.mw_g_per_mol.source);
    }
    rui_strlcpy(c.incomplete, col_text(st, 6), sizeof c.incomplete);
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  rc = prepare(kb, "SELECT key, value, source, status FROM pk WHERE compound = ? AND used = 1 ORDER BY line",
               &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *key = col_text(st, 0);
    if (strcmp(key, "model") == 0) {
      c.pk.model = atoi(col_text(st, 1));
      continue;
    }
    ru_value v;
    v.value = sqlite3_column_double(st, 1);
    rui_strlcpy(v.source, col_text(st, 2), sizeof v.source);
    v.status = rui_kb_status_of(col_text(st, 3));
    if (strncmp(key, "fm.", 3) == 0 && strcmp(key, "fm.other") != 0) {
      if (c.pk.n_fm >= RU_MAX_FM) {
        sqlite3_finalize(st);
        return ru_error_set(err, RU_ELIMIT, "%s: more than RU_MAX_FM (%d) elimination pathways (fm.*)",
                            canon, RU_MAX_FM);
      }
      rui_strlcpy(c.pk.fm[c.pk.n_fm].enzyme, key + 3, RU_NAME_MAX);
      c.pk.fm[c.pk.n_fm].fm = v;
      c.pk.n_fm++;
      continue;
    }
    if (strncmp(key, "km_um.", 6) == 0) {
      if (c.pk.n_km >= RU_MAX_FM) {
        sqlite3_finalize(st);
        return ru_error_set(err, RU_ELIMIT, "%s: more than RU_MAX_FM (%d) Michaelis constants (km_um.*)",
                            canon, RU_MAX_FM);
      }
      rui_strlcpy(c.pk.km[c.pk.n_km].enzyme, key + 6, RU_NAME_MAX);
      c.pk.km[c.pk.n_km].km_um = v;
      c.pk.n_km++;
      continue;
    }
    ru_value *slot = pk_slot(&c.pk, key);
    if (slot != NULL) {
      *slot = v;
    }
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  rc = prepare(kb, "SELECT metabolite, enzyme, fraction_formed, source, status FROM metabolites "
                   "WHERE parent = ? ORDER BY line", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (c.n_formations >= RU_MAX_METABOLITES) {
      sqlite3_finalize(st);
      return ru_error_set(err, RU_ELIMIT, "%s: forms more than RU_MAX_METABOLITES (%d) metabolites",
                          canon, RU_MAX_METABOLITES);
    }
    ru_formation *f = &c.formations[c.n_formations++];
    rui_strlcpy(f->metabolite, col_text(st, 0), sizeof f->metabolite);
    rui_strlcpy(f->enzyme, col_text(st, 1), sizeof f->enzyme);
    f->fraction_formed.value = sqlite3_column_double(st, 2);
    rui_strlcpy(f->fraction_formed.source, col_text(st, 3), sizeof f->fraction_formed.source);
    f->fraction_formed.status = rui_kb_status_of(col_text(st, 4));
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  *out = c;
  return RU_OK;
}

/* --- affinities ------------------------------------------------------------------------------- */

static const char *const TARGETS[] = {"SERT", "NET", "DAT", "H1", "M1", "alpha1", "5-HT2A", "5-HT2C", NULL};

const char *const *ru_kb_targets(void) { return TARGETS; }

/* Canonical spelling of a target (case-insensitive; "muscarinic"/"mACh" -> M1), or NULL. */
static const char *target_canon(const char *t) {
  for (size_t i = 0; TARGETS[i] != NULL; i++) {
    if (strcasecmp(TARGETS[i], t) == 0) {
      return TARGETS[i];
    }
  }
  if (strcasecmp(t, "muscarinic") == 0 || strcasecmp(t, "mACh") == 0) {
    return "M1";
  }
  if (strcasecmp(t, "5HT2A") == 0) {
    return "5-HT2A";
  }
  if (strcasecmp(t, "5HT2C") == 0) {
    return "5-HT2C";
  }
  return NULL;
}

ru_status ru_kb_affinity(const ru_kb *kb, const char *compound, const char *target, ru_value *ki_nm,
                         ru_error *err) {
  if (kb == NULL || compound == NULL || target == NULL || ki_nm == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_affinity: NULL argument");
  }
  const char *t = target_canon(target);
  if (t == NULL) {
    return ru_error_set(err, RU_EINVAL, "unknown target '%s' (SERT, NET, DAT, H1, M1, alpha1, 5-HT2A, 5-HT2C)",
                        target);
  }
  char canon[RU_NAME_MAX];
  ru_status rc = ru_kb_resolve(kb, compound, canon, err);
  if (rc != RU_OK) {
    return rc;
  }
  value_missing(ki_nm);
  sqlite3_stmt *st = NULL;
  /* the compound's own used row, else the used row of the molecule it is the same as */
  rc = prepare(kb,
               "SELECT a.value_nm, a.source FROM affinities a WHERE a.used = 1 AND a.model_target = ?2 AND "
               "(a.compound = ?1 OR a.compound = (SELECT same_as FROM compounds WHERE name = ?1)) "
               "ORDER BY (a.compound = ?1) DESC LIMIT 1",
               &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, t, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    ki_nm->value = sqlite3_column_double(st, 0);
    rui_strlcpy(ki_nm->source, col_text(st, 1), sizeof ki_nm->source);
    ki_nm->status = rui_kb_source_status(kb, ki_nm->source);
  }
  sqlite3_finalize(st);
  return RU_OK;
}

ru_status ru_kb_scaling(const ru_kb *kb, const char *target, ru_value *factor, ru_error *err) {
  if (kb == NULL || target == NULL || factor == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_scaling: NULL argument");
  }
  const char *t = target_canon(target);
  factor->value = 1.0;
  factor->source[0] = '\0';
  factor->status = RU_VALUE_MISSING;
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT factor, source, status FROM scaling WHERE target = ? COLLATE NOCASE", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, t ? t : target, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    factor->value = sqlite3_column_double(st, 0);
    rui_strlcpy(factor->source, col_text(st, 1), sizeof factor->source);
    factor->status = rui_kb_status_of(col_text(st, 2));
  }
  sqlite3_finalize(st);
  return RU_OK;
}

/* --- enzymes, inhibition, phenotypes ---------------------------------------------------------- */

static void col_value(const ru_kb *kb, sqlite3_stmt *st, int i, const char *source, ru_value *v) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) {
    value_missing(v);
    return;
  }
  v->value = sqlite3_column_double(st, i);
  rui_strlcpy(v->source, source, sizeof v->source);
  v->status = rui_kb_source_status(kb, source);
}

ru_status ru_kb_inhibitions(const ru_kb *kb, const char *perpetrator, ru_inhibition *out, size_t max,
                            size_t *n, ru_error *err) {
  if (kb == NULL || perpetrator == NULL || n == NULL || (max > 0 && out == NULL)) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_inhibitions: NULL argument");
  }
  *n = 0;
  char canon[RU_NAME_MAX];
  ru_error tmp;
  if (ru_kb_resolve(kb, perpetrator, canon, &tmp) != RU_OK) {
    rui_strlcpy(canon, perpetrator, sizeof canon); /* perpetrators may be non-compounds (quinidine) */
  }
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb,
                         "SELECT perpetrator, enzyme, mechanism, ki_um, ki_inact_um, kinact_per_h, source, "
                         "fu_mic FROM cyp_inhibition WHERE used = 1 AND perpetrator = ? COLLATE NOCASE "
                         "AND mechanism <> 'observation' ORDER BY line",
                         &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, canon, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (*n < max) {
      ru_inhibition *in = &out[*n];
      memset(in, 0, sizeof *in);
      rui_strlcpy(in->perpetrator, col_text(st, 0), sizeof in->perpetrator);
      rui_strlcpy(in->enzyme, col_text(st, 1), sizeof in->enzyme);
      in->kind = strcmp(col_text(st, 2), "mechanism_based") == 0 ? RU_INHIB_MECHANISM_BASED
                                                                 : RU_INHIB_COMPETITIVE;
      char src[RU_SOURCE_MAX];
      rui_strlcpy(src, col_text(st, 6), sizeof src);
      col_value(kb, st, 3, src, &in->ki_um);
      col_value(kb, st, 4, src, &in->ki_inact_um);
      col_value(kb, st, 5, src, &in->kinact_per_h);
      /* unbound correction: Ki,u = Ki x fu,mic (Austin 2002; Hallifax & Houston 2006), when the
       * row states fu,mic; otherwise the measured Ki is taken as unbound (fu,mic 1) */
      in->ki_measured_um = in->ki_um.value;
      in->fu_mic = sqlite3_column_type(st, 7) == SQLITE_NULL ? 1.0 : sqlite3_column_double(st, 7);
      if (isfinite(in->ki_um.value)) {
        in->ki_um.value *= in->fu_mic;
      }
    } else if (out != NULL) {
      sqlite3_finalize(st);
      return ru_error_set(err, RU_ELIMIT, "%s: more than %zu inhibition rows (caller's limit)", canon,
                          max);
    }
    (*n)++;
  }
  sqlite3_finalize(st);
  return RU_OK;
}

int ru_kb_inhibition_observed(const ru_kb *kb, const char *perpetrator, const char *enzyme, char *source,
                              size_t cap) {
  if (kb == NULL || perpetrator == NULL || enzyme == NULL) {
    return 0;
  }
  sqlite3_stmt *st = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(kb->db, "SELECT source FROM cyp_inhibition WHERE perpetrator = ? COLLATE NOCASE AND "
                                 "enzyme = ? COLLATE NOCASE AND mechanism = 'observation' ORDER BY line LIMIT 1",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, perpetrator, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, enzyme, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      found = 1;
      if (source != NULL && cap > 0) {
        rui_strlcpy(source, col_text(st, 0), cap);
      }
    }
  }
  sqlite3_finalize(st);
  return found;
}

ru_status ru_kb_enzyme_kdeg(const ru_kb *kb, const char *enzyme, ru_value *kdeg_per_h, ru_error *err) {
  return ru_kb_enzyme_kdeg_at(kb, enzyme, "liver", kdeg_per_h, err);
}

ru_status ru_kb_enzyme_kdeg_at(const ru_kb *kb, const char *enzyme, const char *site,
                               ru_value *kdeg_per_h, ru_error *err) {
  if (kb == NULL || enzyme == NULL || site == NULL || kdeg_per_h == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_enzyme_kdeg: NULL argument");
  }
  value_missing(kdeg_per_h);
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT kdeg_per_h, source, status FROM enzymes WHERE enzyme = ? COLLATE NOCASE "
                             "AND site = ? COLLATE NOCASE", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, enzyme, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, site, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    kdeg_per_h->value = sqlite3_column_double(st, 0);
    rui_strlcpy(kdeg_per_h->source, col_text(st, 1), sizeof kdeg_per_h->source);
    kdeg_per_h->status = rui_kb_status_of(col_text(st, 2));
    if (kdeg_per_h->status == RU_VALUE_MISSING) {
      kdeg_per_h->status = rui_kb_source_status(kb, kdeg_per_h->source);
    }
  } else {
    rc = ru_error_set(err, RU_ENOTFOUND, "no degradation rate for enzyme '%s' (%s) in the knowledge base",
                      enzyme, site);
  }
  return rui_kb_finalize(kb, st, rc, err);
}

ru_status ru_kb_phenotype_activity(const ru_kb *kb, const char *gene, const char *phenotype,
                                   ru_value *activity, ru_error *err) {
  if (kb == NULL || gene == NULL || phenotype == NULL || activity == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_phenotype_activity: NULL argument");
  }
  value_missing(activity);
  /* Activity score: "AS=1.5", "AS1.5" -> AS / 2 (CPIC: NM reference AS 2 = activity 1). The
   * activity-score system (Caudle 2020) is defined for CYP2D6 only. */
  if (strncasecmp(phenotype, "AS", 2) == 0) {
    if (strcasecmp(gene, "CYP2D6") != 0) {
      return ru_error_set(err, RU_ENOTFOUND,
                          "unknown phenotype '%s' for %s: activity scores are defined for CYP2D6 "
                          "only (use PM, IM, NM, RM or UM)", phenotype, gene);
    }
    const char *p = phenotype + 2;
    if (*p == '=' || *p == ':') {
      p++;
    }
    double as = 0.0;
    if (!rui_kb_parse_double(p, &as) || as < 0.0 || as > 6.0) {
      return ru_error_set(err, RU_EINVAL, "activity score '%s' is not a number in [0, 6] (e.g. AS=1.5)",
                          phenotype);
    }
    activity->value = as / 2.0;
    rui_strlcpy(activity->source, "cpic_caudle2020", sizeof activity->source);
    activity->status = RU_VALUE_DERIVED;
    return RU_OK;
  }
  const char *ph = strcasecmp(phenotype, "EM") == 0 ? "NM" : phenotype; /* older nomenclature */
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT activity, source FROM phenotypes WHERE gene = ? COLLATE NOCASE AND "
                             "phenotype = ? COLLATE NOCASE", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, gene, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, ph, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    activity->value = sqlite3_column_double(st, 0);
    rui_strlcpy(activity->source, col_text(st, 1), sizeof activity->source);
    activity->status = rui_kb_source_status(kb, activity->source);
  } else {
    rc = ru_error_set(err, RU_ENOTFOUND, "unknown phenotype '%s' for %s (%s)", phenotype, gene,
                      strcasecmp(gene, "CYP2D6") == 0 ? "PM, IM, NM, UM or AS=<score>"
                                                      : "one with an activity in the knowledge base, "
                                                        "e.g. PM, IM, NM, UM");
  }
  return rui_kb_finalize(kb, st, rc, err);
}

#define NPHENOTYPES 5
static const char *const PHENOTYPES[NPHENOTYPES] = {"PM", "IM", "NM", "RM", "UM"};

ru_status ru_kb_phenotype_frequencies(const ru_kb *kb, const char *gene, const char *ancestry,
                                      const char **phenotypes, double *freq, size_t max, size_t *n,
                                      ru_error *err) {
  if (kb == NULL || gene == NULL || ancestry == NULL || n == NULL ||
      (max > 0 && (phenotypes == NULL || freq == NULL))) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_phenotype_frequencies: NULL argument");
  }
  *n = 0;
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT phenotype, frequency FROM phenotype_frequencies WHERE gene = ? COLLATE NOCASE "
                             "AND ancestry = ? COLLATE NOCASE", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, gene, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, ancestry, -1, SQLITE_STATIC);
  double f[NPHENOTYPES] = {(double)NAN, (double)NAN, (double)NAN, (double)NAN, (double)NAN};
  int any = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *ph = col_text(st, 0);
    for (size_t i = 0; i < NPHENOTYPES; i++) {
      if (strcmp(ph, PHENOTYPES[i]) == 0) {
        f[i] = sqlite3_column_double(st, 1);
        any = 1;
      }
    }
  }
  if ((rc = rui_kb_finalize(kb, st, rc, err)) != RU_OK) {
    return rc;
  }
  if (!any) {
    rui_sbuf b = {0};
    if (prepare(kb, "SELECT DISTINCT ancestry FROM phenotype_frequencies WHERE gene = ? COLLATE NOCASE "
                    "ORDER BY ancestry", &st, err) == RU_OK) {
      sqlite3_bind_text(st, 1, gene, -1, SQLITE_STATIC);
      while (sqlite3_step(st) == SQLITE_ROW) {
        rui_sbuf_printf(&b, "%s%s", b.len ? ", " : "", col_text(st, 0));
      }
      sqlite3_finalize(st);
    }
    rc = ru_error_set(err, RU_ENOTFOUND, "no %s phenotype frequencies for ancestry '%s' (known: %s)", gene,
                      ancestry, b.s ? b.s : "none");
    rui_free(b.s);
    return rc;
  }
  for (size_t i = 0; i < NPHENOTYPES; i++) {
    if (!isnan(f[i])) {
      if (*n >= max) {
        return ru_error_set(err, RU_ELIMIT, "%s has more than %zu phenotype frequencies for '%s' (caller's limit)",
                            gene, max, ancestry);
      }
      phenotypes[*n] = PHENOTYPES[i];
      freq[*n] = f[i];
      (*n)++;
    }
  }
  return RU_OK;
}

/* --- params, sources ------------------------------------------------------------------------- */

ru_status ru_kb_param(const ru_kb *kb, const char *domain, const char *name, ru_value *out, ru_error *err) {
  if (kb == NULL || domain == NULL || name == NULL || out == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_param: NULL argument");
  }
  value_missing(out);
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT value, source, status FROM params WHERE domain = ? AND name = ?", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    out->value = sqlite3_column_double(st, 0);
    rui_strlcpy(out->source, col_text(st, 1), sizeof out->source);
    out->status = rui_kb_status_of(col_text(st, 2));
  } else {
    rc = ru_error_set(err, RU_ENOTFOUND, "no model parameter '%s/%s' in the knowledge base", domain, name);
  }
  return rui_kb_finalize(kb, st, rc, err);
}

ru_status ru_kb_source(const ru_kb *kb, const char *key, char *citation, size_t cap, ru_error *err) {
  if (kb == NULL || key == NULL || citation == NULL || cap == 0) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_source: NULL argument");
  }
  citation[0] = '\0';
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb, "SELECT citation, found_at FROM sources WHERE key = ?", &st, err);
  if (rc != RU_OK) {
    return rc;
  }
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    const char *fa = col_text(st, 1);
    if (*fa != '\0') {
      snprintf(citation, cap, "%s (found at: %s)", col_text(st, 0), fa);
    } else {
      snprintf(citation, cap, "%s", col_text(st, 0));
    }
  } else {
    rc = ru_error_set(err, RU_ENOTFOUND, "unknown source key '%s'", key);
  }
  return rui_kb_finalize(kb, st, rc, err);
}

/* --- user overrides ------------------------------------------------------------------------ */

static ru_status exec_bound(sqlite3 *db, const char *sql, const char *const *args, size_t nargs,
                            const double *num, ru_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(db));
  }
  for (size_t i = 0; i < nargs; i++) {
    if (args[i] == NULL && num != NULL) {
      sqlite3_bind_double(st, (int)i + 1, *num);
    } else {
      sqlite3_bind_text(st, (int)i + 1, args[i] ? args[i] : "", -1, SQLITE_STATIC);
    }
  }
  ru_status rc = RU_OK;
  const int step = sqlite3_step(st);
  if (step == SQLITE_NOMEM) {
    rc = ru_error_set(err, RU_ENOMEM, "knowledge base: out of memory");
  } else if (step != SQLITE_DONE) {
    rc = ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc;
}

/* A user inhibition constant (docs/knowledge-base.md, User compounds): ki_um.ENZYME is a
 * competitive Ki (uM, unbound), mbi_ki_um.ENZYME and kinact_per_h.ENZYME the two constants of a
 * mechanism-based inhibition (one row; both must be given). A user row replaces the shipped rows
 * of the same perpetrator, enzyme and mechanism. */
static ru_status user_inhibition(ru_kb *kb, const char *file, size_t line, const char *name,
                                 const char *ukey, const char *unit, double x, const char *source,
                                 ru_error *err) {
  const int comp = strncmp(ukey, "ki_um.", 6) == 0, kin = strncmp(ukey, "kinact_per_h.", 13) == 0;
  const char *enzyme = strchr(ukey, '.') + 1;
  const char *want = kin ? "1/h" : "umol/L";
  if (enzyme[0] == '\0' || strlen(enzyme) >= RU_NAME_MAX) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field 'key': '%s' needs an enzyme name (e.g. %.*sCYP2D6)",
                        file, line, ukey, (int)(enzyme - ukey), ukey);
  }
  if (strcmp(unit, want) != 0) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field 'unit': '%s' is not the unit of '%s' (%s)", file,
                        line, unit, ukey, want);
  }
  if (!(x > 0.0) || !isfinite(x)) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field 'value': %s must be > 0", file, line, ukey);
  }
  char enz[RU_NAME_MAX];
  rui_strlcpy(enz, enzyme, sizeof enz);
  for (char *q = enz; *q; q++) *q = (char)toupper((unsigned char)*q);
  const char *mech = comp ? "competitive" : "mechanism_based";
  const char *a[4] = {name, enz, mech, source};
  /* a user row of this mechanism exists (line 0): fill the column; else retire the shipped rows */
  ru_status rc = exec_bound(kb->db,
                            "UPDATE cyp_inhibition SET used = 0 WHERE perpetrator = ?1 COLLATE NOCASE "
                            "AND enzyme = ?2 COLLATE NOCASE AND mechanism = ?3 AND line <> 0",
                            a, 3, NULL, err);
  if (rc == RU_OK) {
    rc = exec_bound(kb->db,
                    "INSERT INTO cyp_inhibition (line, perpetrator, enzyme, mechanism, ki_um, ki_inact_um, "
                    "kinact_per_h, source, used, notes, found_at, fu_mic, fu_mic_method) SELECT 0, ?1, ?2, "
                    "?3, NULL, NULL, NULL, ?4, 1, 'user file', '', NULL, '' WHERE NOT EXISTS (SELECT 1 FROM "
                    "cyp_inhibition WHERE line = 0 AND perpetrator = ?1 AND enzyme = ?2 AND mechanism = ?3)",
                    a, 4, NULL, err);
  }
  if (rc == RU_OK) {
    const char *sql = comp ? "UPDATE cyp_inhibition SET ki_um = ?1 WHERE line = 0 AND perpetrator = ?2 "
                             "AND enzyme = ?3 AND mechanism = ?4"
                      : kin ? "UPDATE cyp_inhibition SET kinact_per_h = ?1 WHERE line = 0 AND perpetrator "
                              "= ?2 AND enzyme = ?3 AND mechanism = ?4"
                            : "UPDATE cyp_inhibition SET ki_inact_um = ?1 WHERE line = 0 AND perpetrator "
                              "= ?2 AND enzyme = ?3 AND mechanism = ?4";
    const char *b[4] = {NULL, name, enz, mech};
    rc = exec_bound(kb->db, sql, b, 4, &x, err);
  }
  return rc;
}

/* Every user mechanism-based row has both of its constants. */
static ru_status user_inhibitions_complete(ru_kb *kb, const char *file, ru_error *err) {
  sqlite3_stmt *st = NULL;
  ru_status rc = prepare(kb,
                         "SELECT perpetrator, enzyme FROM cyp_inhibition WHERE line = 0 AND mechanism = "
                         "'mechanism_based' AND (ki_inact_um IS NULL OR kinact_per_h IS NULL)",
                         &st, err);
  if (rc != RU_OK) return rc;
  if (sqlite3_step(st) == SQLITE_ROW) {
    rc = ru_error_set(err, RU_EDATA, "%s: %s on %s: a mechanism-based inhibition needs both mbi_ki_um.%s "
                      "and kinact_per_h.%s", file, col_text(st, 0), col_text(st, 1), col_text(st, 1),
                      col_text(st, 1));
  }
  sqlite3_finalize(st);
  return rc;
}

/* User CSV: compound,key,value,unit,source. key is a pk.csv key, "mw_g_per_mol", "ki_nm.<TARGET>"
 * or an inhibition constant ("ki_um.<ENZYME>", "mbi_ki_um.<ENZYME>", "kinact_per_h.<ENZYME>").
 * source is a sources.csv key or free text (stored as a 'user' source). Unknown compounds are
 * added as user drugs. The rows replace the used rows of the same compound and key. */
ru_status ru_kb_load_user(ru_kb *kb, const char *csv_path, ru_error *err) {
  if (kb == NULL || csv_path == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_load_user: NULL argument");
  }
  ru_status rc = make_writable(kb, err);
  if (rc != RU_OK) {
    return rc;
  }
  rui_csv *csv = NULL;
  rc = rui_csv_open(csv_path, &csv, err);
  if (rc != RU_OK) {
    return rc;
  }
  const char *file = rui_csv_name(csv);
  int eof = 0;
  long col[5] = {-1, -1, -1, -1, -1};
  static const char *const cols[5] = {"compound", "key", "value", "unit", "source"};
  rc = rui_csv_next(csv, &eof, err);
  if (rc == RU_OK && eof) {
    rc = ru_error_set(err, RU_EDATA, "%s:1: field 'header': file is empty", file);
  }
  for (size_t c = 0; rc == RU_OK && c < 5; c++) {
    col[c] = rui_csv_column(csv, cols[c]);
    if (col[c] < 0) {
      rc = ru_error_set(err, RU_EDATA, "%s:1: field '%s': missing column (compound,key,value,unit,source)",
                        file, cols[c]);
    }
  }
  if (rc == RU_OK) {
    char *msg = NULL;
    sqlite3_exec(kb->db, "SAVEPOINT user_load", NULL, NULL, &msg);
    sqlite3_free(msg);
  }
  while (rc == RU_OK) {
    rc = rui_csv_next(csv, &eof, err);
    if (rc != RU_OK || eof) {
      break;
    }
    const size_t line = rui_csv_line(csv);
    const char *f[5];
    for (size_t c = 0; c < 5; c++) {
      f[c] = rui_csv_field(csv, (size_t)col[c]);
      if (f[c] == NULL) {
        f[c] = "";
      }
    }
    double x = 0.0;
    if (!rui_kb_parse_double(f[2], &x) && strcmp(f[1], "model") != 0) {
      rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'value': '%s' is not a number", file, line, f[2]);
      break;
    }
    if (f[4][0] == '\0') {
      rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'source': every value needs a source", file, line);
      break;
    }
    char name[RU_NAME_MAX];
    ru_error tmp;
    if (ru_kb_resolve(kb, f[0], name, &tmp) != RU_OK) {
      /* new compound */
      size_t k = 0;
      for (; f[0][k] != '\0' && k + 1 < sizeof name; k++) {
        name[k] = (char)tolower((unsigned char)f[0][k]);
      }
      name[k] = '\0';
      if (name[0] == '\0') {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'compound': empty", file, line);
        break;
      }
      const char *a[3] = {name, name, f[4]};
      rc = exec_bound(kb->db,
                      "INSERT INTO compounds (line, name, class, kind, parent, same_as, mw_g_per_mol, mw_source, "
                      "synonyms, notes) VALUES (0, ?1, 'user', 'drug', '', '', NULL, ?3, '', 'user file')",
                      a, 3, NULL, err);
      if (rc == RU_OK) {
        rc = exec_bound(kb->db, "INSERT INTO synonyms VALUES (?1, ?2)", a, 2, NULL, err);
      }
      if (rc != RU_OK) {
        break;
      }
    }
    /* the source: a known key, or free text stored as a user source keyed by itself */
    char key[RU_SOURCE_MAX];
    rui_strlcpy(key, f[4], sizeof key);
    {
      const char *a[3] = {key, f[4], file};
      rc = exec_bound(kb->db,
                      "INSERT INTO sources (line, key, citation, found_at, quality) SELECT 0, ?1, ?2, ?3, 'user' "
                      "WHERE NOT EXISTS (SELECT 1 FROM sources WHERE key = ?1)",
                      a, 3, NULL, err);
      if (rc != RU_OK) {
        break;
      }
    }
    if (strcmp(f[1], "mw_g_per_mol") == 0) {
      const char *a[3] = {NULL, key, name};
      rc = exec_bound(kb->db, "UPDATE compounds SET mw_g_per_mol = ?1, mw_source = ?2 WHERE name = ?3", a, 3,
                      &x, err);
    } else if (strncmp(f[1], "ki_nm.", 6) == 0) {
      const char *t = target_canon(f[1] + 6);
      if (t == NULL || !(x > 0.0)) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'key': '%s' needs a known target and a value > 0",
                          file, line, f[1]);
        break;
      }
      const char *a[4] = {name, t, NULL, key};
      rc = exec_bound(kb->db, "UPDATE affinities SET used = 0 WHERE compound = ?1 AND model_target = ?2", a, 2,
                      NULL, err);
      if (rc == RU_OK) {
        rc = exec_bound(kb->db,
                        "INSERT INTO affinities (line, compound, target, model_target, value_nm, measure, species, "
                        "source, used, found_at, notes) VALUES (0, ?1, ?2, ?2, ?3, 'Ki', 'user', ?4, 1, '', 'user file')",
                        a, 4, &x, err);
      }
    } else if (strncmp(f[1], "ki_um.", 6) == 0 || strncmp(f[1], "mbi_ki_um.", 10) == 0 ||
               strncmp(f[1], "kinact_per_h.", 13) == 0) {
      rc = user_inhibition(kb, file, line, name, f[1], f[3], x, key, err);
    } else {
      const long k = rui_pk_key_find(f[1]);
      if (k < 0) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'key': unknown key '%s'%s", file, line, f[1],
                          strncmp(f[1], "fm.", 3) == 0 ? " (unknown pathway; see docs/knowledge-base.md)" : "");
        break;
      }
      char keybuf[RU_NAME_MAX + 8];
      if (strncmp(f[1], "fm.", 3) == 0) {
        /* one spelling per pathway, so user rows replace the shipped ones */
        snprintf(keybuf, sizeof keybuf, "fm.%s", rui_kb_pathway_canon(f[1] + 3));
        f[1] = keybuf;
      }
      if (strcmp(f[3], rui_pk_keys[k].unit) != 0) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'unit': '%s' is not the unit of '%s' (%s)", file, line,
                          f[3], f[1], rui_pk_keys[k].unit);
        break;
      }
      if (strcmp(f[1], "model") == 0 && strcmp(f[2], "1cmt") != 0 && strcmp(f[2], "2cmt") != 0 &&
          strcmp(f[2], "3cmt") != 0) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'value': model '%s' is not 1cmt|2cmt|3cmt", file, line, f[2]);
        break;
      }
      if (rui_pk_keys[k].fraction && (x < 0.0 || x > 1.0)) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'value': fraction %g is outside [0,1]", file, line, x);
        break;
      }
      const char *a[5] = {name, f[1], strcmp(f[1], "model") == 0 ? f[2] : NULL, f[3], key};
      rc = exec_bound(kb->db, "UPDATE pk SET used = 0 WHERE compound = ?1 AND key = ?2", a, 2, NULL, err);
      if (rc == RU_OK) {
        rc = exec_bound(kb->db,
                        "INSERT INTO pk (line, compound, key, value, unit, source, status, used, derivation, notes, "
                        "found_at) VALUES (0, ?1, ?2, ?3, ?4, ?5, 'user', 1, '', 'user file', '')",
                        a, 5, &x, err);
      }
    }
  }
  /* file is the reader's copy of the name: check before closing it */
  if (rc == RU_OK) rc = user_inhibitions_complete(kb, file, err);
  rui_csv_close(csv);
  char *msg = NULL;
  sqlite3_exec(kb->db, rc == RU_OK ? "RELEASE user_load" : "ROLLBACK TO user_load; RELEASE user_load", NULL,
               NULL, &msg);
  sqlite3_free(msg);
  if (rc == RU_OK) {
    rc = rui_kb_cache(kb, err);
  }
  return rc;
}
