/* Knowledge-base importer: sourced CSV tables in data/ -> one SQLite database.
 *
 * Every CSV is read with the shared reader (io/csv.h). Each cell is checked where it is read
 * (numbers parse and are finite, fractions lie in [0,1], used is 0/1, PK keys and units are
 * known); then the relational rules shared with ru_kb_check (sources resolve, compounds exist,
 * no duplicate used rows, metabolites have parents) run in SQL over the loaded tables. The
 * database is built in memory and written to db_path with VACUUM INTO only when everything
 * passed, so a failed import leaves no file behind. Errors read "file:line: field 'x': ...". */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "io/csv.h"
#include "kb/kb_impl.h"

/* --- known PK keys --------------------------------------------------------------------------- */

const rui_pk_key rui_pk_keys[] = {
    {"model", "-", 0},         {"f", "fraction", 1},         {"ka_per_h", "1/h", 0},
    {"tlag_h", "h", 0},        {"cl_f_l_per_h", "L/h", 0},   {"v_f_l", "L", 0},
    {"q_f_l_per_h", "L/h", 0}, {"vp_f_l", "L", 0},           {"q2_f_l_per_h", "L/h", 0},
    {"vp2_f_l", "L", 0},       {"fu", "fraction", 1},        {"half_life_h", "h", 0},
    {"fm.", "fraction", 1},    {"km_um.", "umol/L", 0},      {"bp", "ratio", 0},
    {"cl_iv_l_per_h", "L/h", 0}, {"fa", "fraction", 1},      {"fg", "fraction", 1},
    {"kpuu_brain", "ratio", 0},
};
const size_t rui_pk_key_count = sizeof rui_pk_keys / sizeof rui_pk_keys[0];

/* Elimination pathways an fm.<PATHWAY> key may name (docs/knowledge-base.md). The first ten are
 * the core set every compound is checked against; the rest are further sourced routes. */
static const char *const PATHWAYS[] = {
    "CYP1A2", "CYP2B6", "CYP2C9", "CYP2C19", "CYP2D6", "CYP3A4", "UGT", "CES1", "renal", "other",
    /* further routes (each must still be sourced): */
    "CYP2A6", "CYP2C8", "CYP2E1", "CYP3A5", "FMO", "MAO", "CR", "AO", "peptidase", "biliary", NULL};
static const char *const CORE_PATHWAYS[] = {"CYP1A2", "CYP2B6", "CYP2C9", "CYP2C19", "CYP2D6",
                                            "CYP3A4", "UGT",    "CES1",   "renal",   "other", NULL};

const char *const *ru_kb_core_pathways(void) { return CORE_PATHWAYS; }

const char *rui_kb_pathway_canon(const char *p) {
  for (size_t i = 0; PATHWAYS[i] != NULL; i++) {
    if (strcasecmp(PATHWAYS[i], p) == 0) {
      return PATHWAYS[i];
    }
  }
  return NULL;
}

long rui_pk_key_find(const char *key) {
  for (size_t i = 0; i < rui_pk_key_count; i++) {
    if (strcmp(rui_pk_keys[i].key, "fm.") == 0) {
      if (strncmp(key, "fm.", 3) == 0 && rui_kb_pathway_canon(key + 3) != NULL) {
        return (long)i;
      }
    } else if (strcmp(rui_pk_keys[i].key, "km_um.") == 0) {
      if (strncmp(key, "km_um.", 6) == 0 && key[6] != '\0') {
        return (long)i;
      }
    } else if (strcmp(rui_pk_keys[i].key, key) == 0) {
      return (long)i;
    }
  }
  return -1;
}

int rui_kb_parse_double(const char *s, double *out) {
  if (s == NULL || *s == '\0') {
    return 0;
  }
  char *end = NULL;
  const double v = strtod(s, &end);
  if (end == s || *end != '\0' || !isfinite(v)) {
    return 0;
  }
  *out = v;
  return 1;
}

/* --- relational rules (shared with ru_kb_check) ------------------------------------------------ */

#define SRC_RULE(tab, file, col)                                                             \
  {file, col, "source key '%s' does not resolve in sources.csv",                             \
   "SELECT line, " col " FROM " tab " WHERE " col " NOT IN (SELECT key FROM sources)"}
#define CMP_RULE(tab, file, col)                                                             \
  {file, col, "unknown compound '%s' (not in compounds.csv)",                                \
   "SELECT line, " col " FROM " tab " WHERE " col " <> '' AND " col                          \
   " NOT IN (SELECT name FROM compounds)"}

const rui_kb_rule rui_kb_rules[] = {
    SRC_RULE("compounds", "compounds.csv", "mw_source"),
    SRC_RULE("affinities", "affinities.csv", "source"),
    SRC_RULE("pk", "pk.csv", "source"),
    SRC_RULE("metabolites", "metabolites.csv", "source"),
    SRC_RULE("cyp_inhibition", "cyp_inhibition.csv", "source"),
    SRC_RULE("enzymes", "enzymes.csv", "source"),
    SRC_RULE("phenotypes", "phenotypes.csv", "source"),
    SRC_RULE("phenotype_frequencies", "phenotype_frequencies.csv", "source"),
    SRC_RULE("params", "params.csv", "source"),
    SRC_RULE("scaling", "scaling.csv", "source"),
    CMP_RULE("compounds", "compounds.csv", "parent"),
    CMP_RULE("compounds", "compounds.csv", "same_as"),
    CMP_RULE("affinities", "affinities.csv", "compound"),
    CMP_RULE("pk", "pk.csv", "compound"),
    {"metabolites.csv", "parent", "metabolite row has no parent compound '%s' in compounds.csv",
     "SELECT line, parent FROM metabolites WHERE parent NOT IN (SELECT name FROM compounds)"},
    CMP_RULE("metabolites", "metabolites.csv", "metabolite"),
    {"compounds.csv", "parent", "metabolite '%s' names no parent",
     "SELECT line, name FROM compounds WHERE kind = 'metabolite' AND parent = ''"},
    {"sources.csv", "key", "duplicate source key '%s'",
     "SELECT b.line, b.key FROM sources b WHERE EXISTS (SELECT 1 FROM sources a WHERE a.key = b.key "
     "AND a.line < b.line)"},
    {"compounds.csv", "name", "duplicate compound '%s'",
     "SELECT b.line, b.name FROM compounds b WHERE EXISTS (SELECT 1 FROM compounds a WHERE "
     "a.name = b.name AND a.line < b.line)"},
    {"pk.csv", "used", "duplicate used=1 row for '%s'",
     "SELECT b.line, b.compound || '.' || b.key FROM pk b WHERE b.used = 1 AND EXISTS (SELECT 1 "
     "FROM pk a WHERE a.used = 1 AND a.compound = b.compound AND a.key = b.key AND a.line < b.line)"},
    {"affinities.csv", "used", "duplicate used=1 row for '%s'",
     "SELECT b.line, b.compound || '@' || b.model_target FROM affinities b WHERE b.used = 1 AND EXISTS "
     "(SELECT 1 FROM affinities a WHERE a.used = 1 AND a.compound = b.compound AND "
     "a.model_target = b.model_target AND a.line < b.line)"},
    {"affinities.csv", "model_target", "used=1 row has no model target ('%s')",
     "SELECT line, target FROM affinities WHERE used = 1 AND model_target = ''"},
    {"cyp_inhibition.csv", "used", "duplicate used=1 row for '%s'",
     "SELECT b.line, b.perpetrator || '/' || b.enzyme || '/' || b.mechanism FROM cyp_inhibition b "
     "WHERE b.used = 1 AND EXISTS (SELECT 1 FROM cyp_inhibition a WHERE a.used = 1 AND "
     "a.perpetrator = b.perpetrator AND a.enzyme = b.enzyme AND a.mechanism = b.mechanism AND "
     "a.line < b.line)"},
    {"cyp_inhibition.csv", "used", "used=1 row lacks its constants ('%s')",
     "SELECT line, perpetrator FROM cyp_inhibition WHERE used = 1 AND ((mechanism = 'competitive' "
     "AND ki_um IS NULL) OR (mechanism = 'mechanism_based' AND (ki_inact_um IS NULL OR "
     "kinact_per_h IS NULL)) OR mechanism = 'observation')"},
    {"metabolites.csv", "metabolite", "duplicate formation row '%s'",
     "SELECT b.line, b.parent || '->' || b.metabolite FROM metabolites b WHERE EXISTS (SELECT 1 FROM "
     "metabolites a WHERE a.parent = b.parent AND a.metabolite = b.metabolite AND a.enzyme = b.enzyme "
     "AND a.line < b.line)"},
    {"params.csv", "name", "duplicate parameter '%s'",
     "SELECT b.line, b.domain || '/' || b.name FROM params b WHERE EXISTS (SELECT 1 FROM params a "
     "WHERE a.domain = b.domain AND a.name = b.name AND a.line < b.line)"},
    {"phenotypes.csv", "phenotype", "duplicate phenotype '%s'",
     "SELECT b.line, b.gene || '/' || b.phenotype FROM phenotypes b WHERE EXISTS (SELECT 1 FROM "
     "phenotypes a WHERE a.gene = b.gene AND a.phenotype = b.phenotype AND a.line < b.line)"},
    {"enzymes.csv", "enzyme", "duplicate enzyme '%s'",
     "SELECT b.line, b.enzyme || '@' || b.site FROM enzymes b WHERE EXISTS (SELECT 1 FROM enzymes a WHERE "
     "a.enzyme = b.enzyme AND a.site = b.site AND a.line < b.line)"},
    {"scaling.csv", "target", "duplicate scaling target '%s'",
     "SELECT b.line, b.target FROM scaling b WHERE EXISTS (SELECT 1 FROM scaling a WHERE "
     "a.target = b.target AND a.line < b.line)"},
    {"pk.csv", "value", "fraction out of [0,1] for '%s'",
     "SELECT line, compound || '.' || key FROM pk WHERE (key IN ('f','fu') OR key LIKE 'fm.%') AND "
     "(typeof(value) NOT IN ('real','integer') OR value < 0 OR value > 1)"},
    {"pk.csv", "value", "pathway fractions fm of '%s' sum to more than 1",
     "SELECT MIN(line), compound || ' (' || printf('%.6f', SUM(value)) || ')' FROM pk WHERE used = 1 AND "
     "key LIKE 'fm.%' GROUP BY compound HAVING SUM(value) > 1.000001"},
    {"pk.csv", "value", "pathway fractions fm of '%s' (with fm.other) do not sum to 1",
     "SELECT MIN(line), compound || ' (' || printf('%.6f', SUM(value)) || ')' FROM pk WHERE used = 1 AND "
     "key LIKE 'fm.%' GROUP BY compound HAVING SUM(key = 'fm.other') > 0 AND ABS(SUM(value) - 1.0) > 1e-6"},
    {"pathway_gaps.csv", "compound", "unknown compound '%s' (not in compounds.csv)",
     "SELECT line, compound FROM pathway_gaps WHERE compound NOT IN (SELECT name FROM compounds)"},
    {"pathway_gaps.csv", "pathway", "gap '%s' also has a used fm row in pk.csv",
     "SELECT g.line, g.compound || '.' || g.pathway FROM pathway_gaps g WHERE EXISTS (SELECT 1 FROM pk p "
     "WHERE p.used = 1 AND p.compound = g.compound AND p.key = 'fm.' || g.pathway)"},
    {"pathway_gaps.csv", "pathway", "duplicate gap '%s'",
     "SELECT b.line, b.compound || '.' || b.pathway FROM pathway_gaps b WHERE EXISTS (SELECT 1 FROM "
     "pathway_gaps a WHERE a.compound = b.compound AND a.pathway = b.pathway AND a.line < b.line)"},
    {"cyp_inhibition.csv", "fu_mic", "fu_mic given without its source or method ('%s')",
     "SELECT line, perpetrator || '/' || enzyme FROM cyp_inhibition WHERE fu_mic IS NOT NULL AND "
     "fu_mic_method = ''"},
    {"metabolites.csv", "fraction_formed", "fraction out of [0,1] ('%s')",
     "SELECT line, fraction_formed FROM metabolites WHERE fraction_formed < 0 OR fraction_formed > 1"},
    {"pk.csv", "unit", "unit does not match the key ('%s')",
     "SELECT p.line, p.key || ' [' || p.unit || ']' FROM pk p WHERE NOT EXISTS (SELECT 1 FROM pk_keys k "
     "WHERE (k.key = p.key OR (k.key = 'fm.' AND p.key LIKE 'fm.%') OR (k.key = 'km_um.' AND p.key LIKE 'km_um.%')) AND k.unit = p.unit)"},
};
const size_t rui_kb_rule_count = sizeof rui_kb_rules / sizeof rui_kb_rules[0];

/* --- table specs ------------------------------------------------------------------------------ */

typedef enum coltype {
  COL_TEXT = 0,  /* any text, may be empty */
  COL_KEY,       /* non-empty text */
  COL_NUM,       /* finite number */
  COL_NUM_OPT,   /* finite number or empty (NULL) */
  COL_FRAC,      /* number in [0,1] */
  COL_FRAC_OPT,  /* number in [0,1] or empty */
  COL_POS,       /* number > 0 */
  COL_INT01,     /* 0 or 1 */
  COL_PKVALUE,   /* pk.csv value: number, or 1cmt/2cmt/3cmt for key 'model' */
} coltype;

typedef struct colspec {
  const char *name;
  coltype type;
  int required;        /* the header must have it */
  const char *choices; /* '|'-separated allowed values (text columns), or NULL */
} colspec;

#define MAX_COLS 12
typedef struct tablespec {
  const char *file;
  const char *table;
  colspec cols[MAX_COLS];
} tablespec;

static const tablespec TABLES[] = {
    {"sources.csv", "sources",
     {{"key", COL_KEY, 1, NULL}, {"citation", COL_KEY, 1, NULL}, {"found_at", COL_TEXT, 1, NULL},
      {"quality", COL_KEY, 1, "primary|secondary|model|derived|user"}}},
    {"compounds.csv", "compounds",
     {{"name", COL_KEY, 1, NULL}, {"class", COL_TEXT, 1, NULL},
      {"kind", COL_KEY, 1, "drug|metabolite"}, {"parent", COL_TEXT, 1, NULL},
      {"same_as", COL_TEXT, 0, NULL}, {"mw_g_per_mol", COL_POS, 1, NULL},
      {"mw_source", COL_KEY, 1, NULL}, {"synonyms", COL_TEXT, 1, NULL}, {"notes", COL_TEXT, 0, NULL},
      {"incomplete", COL_TEXT, 0, NULL}}},
    {"affinities.csv", "affinities",
     {{"compound", COL_KEY, 1, NULL}, {"target", COL_KEY, 1, NULL},
      {"model_target", COL_TEXT, 1, "|SERT|NET|DAT|H1|M1|alpha1|5-HT2A|5-HT2C"},
      {"value_nm", COL_POS, 1, NULL}, {"measure", COL_KEY, 1, "Ki|Kd|IC50|EC50"},
      {"species", COL_TEXT, 1, NULL}, {"source", COL_KEY, 1, NULL}, {"used", COL_INT01, 1, NULL},
      {"found_at", COL_TEXT, 0, NULL}, {"notes", COL_TEXT, 0, NULL}}},
    {"pk.csv", "pk",
     {{"compound", COL_KEY, 1, NULL}, {"key", COL_KEY, 1, NULL}, {"value", COL_PKVALUE, 1, NULL},
      {"unit", COL_KEY, 1, NULL}, {"source", COL_KEY, 1, NULL},
      {"status", COL_KEY, 1, "primary|secondary|derived|calibrated|user"},
      {"used", COL_INT01, 1, NULL}, {"derivation", COL_TEXT, 1, NULL}, {"notes", COL_TEXT, 0, NULL},
      {"found_at", COL_TEXT, 0, NULL}}},
    {"metabolites.csv", "metabolites",
     {{"parent", COL_KEY, 1, NULL}, {"metabolite", COL_KEY, 1, NULL}, {"enzyme", COL_TEXT, 1, NULL},
      {"fraction_formed", COL_FRAC, 1, NULL}, {"source", COL_KEY, 1, NULL},
      {"status", COL_KEY, 1, "primary|secondary|derived|calibrated|user"},
      {"derivation", COL_TEXT, 1, NULL}, {"notes", COL_TEXT, 0, NULL}}},
    {"cyp_inhibition.csv", "cyp_inhibition",
     {{"perpetrator", COL_KEY, 1, NULL}, {"enzyme", COL_KEY, 1, NULL},
      {"mechanism", COL_KEY, 1, "competitive|mechanism_based|observation"},
      {"ki_um", COL_NUM_OPT, 1, NULL}, {"ki_inact_um", COL_NUM_OPT, 1, NULL},
      {"kinact_per_h", COL_NUM_OPT, 1, NULL}, {"source", COL_KEY, 1, NULL},
      {"used", COL_INT01, 1, NULL}, {"notes", COL_TEXT, 0, NULL}, {"found_at", COL_TEXT, 0, NULL},
      {"fu_mic", COL_FRAC_OPT, 1, NULL}, {"fu_mic_method", COL_TEXT, 1, NULL}}},
    {"enzymes.csv", "enzymes",
     {{"enzyme", COL_KEY, 1, NULL}, {"site", COL_KEY, 1, "liver|intestine"},
      {"kdeg_per_h", COL_POS, 1, NULL}, {"source", COL_KEY, 1, NULL},
      {"status", COL_KEY, 0, "primary|secondary|derived|calibrated|user"}, {"notes", COL_TEXT, 0, NULL},
      {"found_at", COL_TEXT, 0, NULL}}},
    {"pathway_gaps.csv", "pathway_gaps",
     {{"compound", COL_KEY, 1, NULL},
      {"pathway", COL_KEY, 1, "CYP1A2|CYP2B6|CYP2C9|CYP2C19|CYP2D6|CYP3A4|UGT|CES1|renal"},
      {"reason", COL_KEY, 1, NULL}, {"searched", COL_TEXT, 1, NULL}}},
    {"phenotypes.csv", "phenotypes",
     {{"gene", COL_KEY, 1, NULL}, {"phenotype", COL_KEY, 1, NULL}, {"activity", COL_NUM, 1, NULL},
      {"source", COL_KEY, 1, NULL}, {"notes", COL_TEXT, 0, NULL}}},
    {"phenotype_frequencies.csv", "phenotype_frequencies",
     {{"gene", COL_KEY, 1, NULL}, {"ancestry", COL_KEY, 1, NULL},
      {"phenotype", COL_KEY, 1, "PM|IM|NM|RM|UM"}, {"frequency", COL_FRAC, 1, NULL},
      {"source", COL_KEY, 1, NULL}, {"notes", COL_TEXT, 0, NULL}}},
    {"params.csv", "params",
     {{"domain", COL_KEY, 1, NULL}, {"name", COL_KEY, 1, NULL}, {"value", COL_NUM, 1, NULL},
      {"unit", COL_KEY, 1, NULL}, {"source", COL_KEY, 1, NULL},
      {"status", COL_KEY, 1, "primary|secondary|derived|calibrated|user"}, {"notes", COL_TEXT, 0, NULL},
      {"found_at", COL_TEXT, 0, NULL}}},
    {"scaling.csv", "scaling",
     {{"target", COL_KEY, 1, NULL}, {"factor", COL_POS, 1, NULL}, {"source", COL_KEY, 1, NULL},
      {"status", COL_KEY, 1, "primary|secondary|derived|calibrated|user"}, {"notes", COL_TEXT, 0, NULL}}},
};
static const size_t NTABLES = sizeof TABLES / sizeof TABLES[0];

static size_t ncols_of(const tablespec *t) {
  size_t n = 0;
  while (n < MAX_COLS && t->cols[n].name != NULL) {
    n++;
  }
  return n;
}

static int is_numeric_type(coltype t) { return t != COL_TEXT && t != COL_KEY; }

static int in_choices(const char *choices, const char *v) {
  const size_t n = strlen(v);
  const char *p = choices;
  for (;;) {
    const char *bar = strchr(p, '|');
    const size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, v, n) == 0) {
      return 1;
    }
    if (bar == NULL) {
      return 0;
    }
    p = bar + 1;
  }
}

static ru_status exec_sql(sqlite3 *db, const char *sql, ru_error *err) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    ru_status st = ru_error_set(err, RU_EDB, "SQLite: %s", msg ? msg : "error");
    sqlite3_free(msg);
    return st;
  }
  return RU_OK;
}

static ru_status create_schema(sqlite3 *db, ru_error *err) {
  char sql[1024];
  for (size_t t = 0; t < NTABLES; t++) {
    const tablespec *ts = &TABLES[t];
    int off = snprintf(sql, sizeof sql, "CREATE TABLE %s (line INTEGER NOT NULL", ts->table);
    for (size_t c = 0; c < ncols_of(ts); c++) {
      const colspec *cs = &ts->cols[c];
      const char *type = cs->type == COL_PKVALUE ? "" : (is_numeric_type(cs->type) ? " REAL" : " TEXT NOT NULL DEFAULT ''");
      off += snprintf(sql + off, sizeof sql - (size_t)off, ", \"%s\"%s", cs->name, type);
    }
    snprintf(sql + off, sizeof sql - (size_t)off, ");");
    ru_status st = exec_sql(db, sql, err);
    if (st != RU_OK) {
      return st;
    }
  }
  ru_status st = exec_sql(db,
                          "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                          "CREATE TABLE pk_keys (key TEXT, unit TEXT, fraction INTEGER);"
                          "CREATE TABLE synonyms (name TEXT NOT NULL, synonym TEXT NOT NULL);",
                          err);
  if (st != RU_OK) {
    return st;
  }
  snprintf(sql, sizeof sql,
           "INSERT INTO meta VALUES ('schema_version', '%d'), ('generator', 'ru_kb_import'),"
           " ('weight_kg_rule', 'apparent values for a 70 kg adult');",
           RUI_KB_SCHEMA_VERSION);
  st = exec_sql(db, sql, err);
  for (size_t i = 0; st == RU_OK && i < rui_pk_key_count; i++) {
    snprintf(sql, sizeof sql, "INSERT INTO pk_keys VALUES ('%s', '%s', %d);", rui_pk_keys[i].key,
             rui_pk_keys[i].unit, rui_pk_keys[i].fraction);
    st = exec_sql(db, sql, err);
  }
  return st;
}

/* Checks one cell; binds it to the insert statement (parameter index param). */
static ru_status bind_cell(sqlite3_stmt *ins, int param, const colspec *cs, const char *v,
                           const char *pk_key, const char *file, size_t line, ru_error *err) {
  double x = 0.0;
  switch (cs->type) {
  case COL_TEXT:
  case COL_KEY:
    if (cs->type == COL_KEY && *v == '\0') {
      return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': must not be empty", file, line, cs->name);
    }
    if (cs->choices != NULL && !in_choices(cs->choices, v)) {
      return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': '%s' is not one of %s", file, line,
                          cs->name, v, cs->choices);
    }
    sqlite3_bind_text(ins, param, v, -1, SQLITE_TRANSIENT);
    return RU_OK;
  case COL_NUM_OPT:
  case COL_FRAC_OPT:
    if (*v == '\0') {
      sqlite3_bind_null(ins, param);
      return RU_OK;
    }
    break;
  case COL_PKVALUE:
    if (pk_key != NULL && strcmp(pk_key, "model") == 0) {
      if (!in_choices("1cmt|2cmt|3cmt", v)) {
        return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': model '%s' is not 1cmt|2cmt|3cmt",
                            file, line, cs->name, v);
      }
      sqlite3_bind_text(ins, param, v, -1, SQLITE_TRANSIENT);
      return RU_OK;
    }
    break;
  default:
    break;
  }
  if (!rui_kb_parse_double(v, &x)) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': '%s' is not a number", file, line,
                        cs->name, v);
  }
  int frac = cs->type == COL_FRAC || cs->type == COL_FRAC_OPT;
  if (cs->type == COL_PKVALUE && pk_key != NULL) {
    const long k = rui_pk_key_find(pk_key);
    frac = k >= 0 && rui_pk_keys[k].fraction;
    if (!frac && x < 0.0) {
      return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': %g must not be negative", file, line,
                          cs->name, x);
    }
  }
  if (frac && (x < 0.0 || x > 1.0)) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': fraction %g is outside [0,1]", file,
                        line, cs->name, x);
  }
  if (cs->type == COL_POS && !(x > 0.0)) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': %g must be > 0", file, line, cs->name, x);
  }
  if (cs->type == COL_INT01 && x != 0.0 && x != 1.0) {
    return ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': '%s' must be 0 or 1", file, line,
                        cs->name, v);
  }
  if (cs->type == COL_INT01) {
    sqlite3_bind_int(ins, param, x != 0.0);
  } else {
    sqlite3_bind_double(ins, param, x);
  }
  return RU_OK;
}

static ru_status add_synonyms(sqlite3 *db, const char *name, const char *synonyms, ru_error *err) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO synonyms VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK) {
    return ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
  }
  ru_status rc = RU_OK;
  const char *p = synonyms;
  int first = 1;
  while (rc == RU_OK) {
    char buf[RU_NAME_MAX * 2];
    size_t len;
    if (first) {
      rui_strlcpy(buf, name, sizeof buf);
      first = 0;
    } else {
      if (p == NULL || *p == '\0') {
        break;
      }
      const char *semi = strchr(p, ';');
      len = semi ? (size_t)(semi - p) : strlen(p);
      if (len >= sizeof buf) {
        len = sizeof buf - 1;
      }
      memcpy(buf, p, len);
      buf[len] = '\0';
      p = semi ? semi + 1 : NULL;
    }
    /* trim */
    char *s = buf;
    while (*s == ' ') {
      s++;
    }
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') {
      s[--n] = '\0';
    }
    if (n == 0) {
      continue;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, s, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
      rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
    }
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc;
}

static ru_status import_table(sqlite3 *db, const char *dir, const tablespec *ts, ru_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, ts->file);
  rui_csv *csv = NULL;
  sqlite3_stmt *ins = NULL;
  ru_status rc = rui_csv_open(path, &csv, err);
  if (rc != RU_OK) {
    return rc;
  }
  const size_t nc = ncols_of(ts);
  long idx[MAX_COLS];
  int eof = 0;
  rc = rui_csv_next(csv, &eof, err);
  if (rc != RU_OK) {
    goto done;
  }
  if (eof) {
    rc = ru_error_set(err, RU_EDATA, "%s:1: field 'header': file is empty", ts->file);
    goto done;
  }
  for (size_t c = 0; c < nc; c++) {
    idx[c] = rui_csv_column(csv, ts->cols[c].name);
    if (idx[c] < 0 && ts->cols[c].required) {
      rc = ru_error_set(err, RU_EDATA, "%s:%zu: field '%s': missing column in header", ts->file,
                        rui_csv_line(csv), ts->cols[c].name);
      goto done;
    }
  }
  {
    char sql[1024];
    int off = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?", ts->table);
    for (size_t c = 0; c < nc; c++) {
      off += snprintf(sql + off, sizeof sql - (size_t)off, ", ?");
    }
    snprintf(sql + off, sizeof sql - (size_t)off, ")");
    if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK) {
      rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
      goto done;
    }
  }
  const int is_pk = strcmp(ts->table, "pk") == 0;
  const int is_compounds = strcmp(ts->table, "compounds") == 0;
  for (;;) {
    rc = rui_csv_next(csv, &eof, err);
    if (rc != RU_OK || eof) {
      break;
    }
    const size_t line = rui_csv_line(csv);
    const char *pk_key = NULL;
    if (is_pk) {
      pk_key = rui_csv_field(csv, (size_t)idx[1]);
      if (pk_key == NULL || rui_pk_key_find(pk_key) < 0) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'key': unknown PK key '%s'%s", ts->file, line,
                          pk_key ? pk_key : "",
                          pk_key && strncmp(pk_key, "fm.", 3) == 0 ? " (unknown pathway)" : "");
        break;
      }
      if (strncmp(pk_key, "fm.", 3) == 0 && strcmp(rui_kb_pathway_canon(pk_key + 3), pk_key + 3) != 0) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'key': write 'fm.%s'", ts->file, line,
                          rui_kb_pathway_canon(pk_key + 3));
        break;
      }
    }
    sqlite3_bind_int64(ins, 1, (sqlite3_int64)line);
    for (size_t c = 0; c < nc && rc == RU_OK; c++) {
      const char *v = idx[c] >= 0 ? rui_csv_field(csv, (size_t)idx[c]) : "";
      rc = bind_cell(ins, (int)c + 2, &ts->cols[c], v ? v : "", pk_key, ts->file, line, err);
    }
    if (rc != RU_OK) {
      break;
    }
    if (is_pk) {
      const char *unit = rui_csv_field(csv, (size_t)idx[3]);
      const long k = rui_pk_key_find(pk_key);
      if (unit == NULL || strcmp(unit, rui_pk_keys[k].unit) != 0) {
        rc = ru_error_set(err, RU_EDATA, "%s:%zu: field 'unit': '%s' is not the unit of '%s' (%s)",
                          ts->file, line, unit ? unit : "", pk_key, rui_pk_keys[k].unit);
        break;
      }
    }
    if (sqlite3_step(ins) != SQLITE_DONE) {
      rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
      break;
    }
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (is_compounds) {
      rc = add_synonyms(db, rui_csv_field(csv, (size_t)idx[0]), rui_csv_field(csv, (size_t)idx[7]), err);
      if (rc != RU_OK) {
        break;
      }
    }
  }
done:
  sqlite3_finalize(ins);
  rui_csv_close(csv);
  return rc;
}

/* Runs the relational rules; stops at the first violation (import). */
static ru_status run_rules(sqlite3 *db, ru_error *err) {
  for (size_t r = 0; r < rui_kb_rule_count; r++) {
    const rui_kb_rule *rule = &rui_kb_rules[r];
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, rule->sql, -1, &st, NULL) != SQLITE_OK) {
      return ru_error_set(err, RU_EDB, "SQLite: %s (rule %zu)", sqlite3_errmsg(db), r);
    }
    ru_status rc = RU_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
      const long long line = sqlite3_column_int64(st, 0);
      const unsigned char *what = sqlite3_column_text(st, 1);
      char msg[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      snprintf(msg, sizeof msg, rule->message, what ? (const char *)what : "");
#pragma GCC diagnostic pop
      rc = ru_error_set(err, RU_EDATA, "%s:%lld: field '%s': %s", rule->file, line, rule->field, msg);
    }
    sqlite3_finalize(st);
    if (rc != RU_OK) {
      return rc;
    }
  }
  return RU_OK;
}

ru_status ru_kb_import(const char *data_dir, const char *db_path, ru_error *err) {
  if (data_dir == NULL || db_path == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_import: data_dir and db_path are required");
  }
  sqlite3 *db = NULL;
  ru_status rc = RU_OK;
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    rc = ru_error_set(err, RU_EDB, "SQLite: cannot open an in-memory database");
    goto done;
  }
  rc = create_schema(db, err);
  if (rc == RU_OK) {
    rc = exec_sql(db, "BEGIN", err);
  }
  for (size_t t = 0; rc == RU_OK && t < NTABLES; t++) {
    rc = import_table(db, data_dir, &TABLES[t], err);
  }
  if (rc == RU_OK) {
    rc = exec_sql(db, "COMMIT", err);
  }
  if (rc == RU_OK) {
    rc = run_rules(db, err);
  }
  if (rc == RU_OK) {
    rc = rui_kb_import_products(db, data_dir, err); /* products.csv: kb_products.c */
  }
  if (rc == RU_OK) {
    rc = exec_sql(db,
                  "CREATE INDEX pk_compound ON pk(compound);"
                  "CREATE INDEX aff_compound ON affinities(compound);"
                  "CREATE INDEX syn_synonym ON synonyms(synonym COLLATE NOCASE);",
                  err);
  }
  if (rc == RU_OK) {
    remove(db_path);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "VACUUM INTO ?", -1, &st, NULL) != SQLITE_OK) {
      rc = ru_error_set(err, RU_EDB, "SQLite: %s", sqlite3_errmsg(db));
    } else {
      sqlite3_bind_text(st, 1, db_path, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) != SQLITE_DONE) {
        rc = ru_error_set(err, RU_EIO, "cannot write knowledge base '%s': %s", db_path, sqlite3_errmsg(db));
      }
      sqlite3_finalize(st);
    }
  }
done:
  sqlite3_close(db);
  return rc;
}
