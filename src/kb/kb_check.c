/* `kb check`: runs every relational rule of the importer over an opened knowledge base and
 * reports all violations (not just the first), then per compound the model values with their
 * status and source quality, the elimination-pathway table (every core pathway has an fm value
 * or a documented absence in pathway_gaps.csv; fm sums to 1 with "other" named), the model
 * values that are missing, and the used values that rest on weak sources. One collector builds
 * the result as JSON (`kb check --format json`); the text report is rendered from it. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "core/alloc.h"
#include "kb/kb_impl.h"

static const char *txt(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

/* A cell mark: '+' primary, 's' secondary, 'd' derived, 'c' calibrated, 'u' user, '.' missing. */
static char mark_of(const char *status) {
  if (strcmp(status, "primary") == 0) return '+';
  if (strcmp(status, "secondary") == 0) return 's';
  if (strcmp(status, "derived") == 0) return 'd';
  if (strcmp(status, "calibrated") == 0) return 'c';
  if (strcmp(status, "user") == 0) return 'u';
  return '.';
}

static int icontains(const char *hay, const char *needle) {
  const size_t n = strlen(needle);
  for (const char *p = hay; *p; p++) {
    if (strncasecmp(p, needle, n) == 0) return 1;
  }
  return 0;
}

/* Patterns that make a citation weak (RULES.md: encyclopedias, vendor/shop pages, AI summaries and
 * "as summarized" are leads, never sources). Matched in the citation and in found_at. */
static const struct {
  const char *pattern;
  const char *why;
} WEAK[] = {
    {"wikipedia", "encyclopedia (mirror)"},   {"encyclopedia", "encyclopedia (mirror)"},
    {"infobox", "encyclopedia (mirror)"},     {"knowpia", "encyclopedia (mirror)"},
    {"gutenberg.org", "encyclopedia (mirror)"}, {"liquisearch", "encyclopedia (mirror)"},
    {"findatwiki", "encyclopedia (mirror)"},  {"kiwix", "encyclopedia (mirror)"},
    {"wikimili", "encyclopedia (mirror)"},    {"grokipedia", "encyclopedia (mirror)"},
    {"handwiki", "encyclopedia (mirror)"},    {"teknopedia", "encyclopedia (mirror)"},
    {"infogalactic", "encyclopedia (mirror)"}, {"mdwiki", "encyclopedia (mirror)"},
    {"dewiki", "encyclopedia (mirror)"},      {"jurnalpublikasi", "encyclopedia (mirror)"},
    {"droracle", "AI summary"},               {"ai summary", "AI summary"},
    {"ai-written", "AI summary"},             {"drugly.ai", "AI summary"},
    {"scienceinsights", "AI summary"},        {"paperai", "AI summary"},
    {"benchchem", "vendor page"},             {"ecrobot", "vendor/shop page"},
    {"russianpharmacy", "vendor/shop page"},  {"getjapan", "vendor/shop page"},
    {"120ty.net", "vendor/shop page"},        {"druginteractionchecker", "vendor/shop page"},
    {"as summarized", "\"as summarized\""},   {"as summarised", "\"as summarized\""},
    {"not in excerpt", "title/authors not in excerpt"},
    {"not shown on page", "title/authors not in excerpt"},
    {"authors not shown", "title/authors not in excerpt"},
};

/* A citation that is only a path or file name ("docs/x.md", "Section2.2_Data.md"). */
static int is_path_like(const char *c) {
  if (strchr(c, ' ') != NULL) return 0;
  return strchr(c, '/') != NULL || strstr(c, ".md") != NULL || strstr(c, ".json") != NULL ||
         strstr(c, ".R") != NULL;
}

const char *ru_kb_source_weakness(const ru_kb *kb, const char *key) {
  if (kb == NULL || key == NULL || *key == '\0') return NULL;
  if (strcmp(key, "same") == 0 || strncmp(key, "same_", 5) == 0) {
    return "placeholder key ('same', 'same_as_above', ...)";
  }
  sqlite3_stmt *st = NULL;
  const char *why = NULL;
  if (sqlite3_prepare_v2(kb->db, "SELECT citation, found_at, quality FROM sources WHERE key = ?", -1, &st,
                         NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      const char *cit = txt(st, 0), *fa = txt(st, 1);
      for (size_t i = 0; why == NULL && i < sizeof WEAK / sizeof WEAK[0]; i++) {
        if (icontains(cit, WEAK[i].pattern) || icontains(fa, WEAK[i].pattern)) why = WEAK[i].why;
      }
      if (why == NULL && is_path_like(cit)) why = "a path, not a citation";
      if (why == NULL && strlen(cit) < 12) why = "citation too short to identify a publication";
    }
  }
  sqlite3_finalize(st);
  return why;
}

static const char *source_quality(const ru_kb *kb, const char *key) {
  static const char *const Q[] = {"primary", "secondary", "model", "derived", "user"};
  sqlite3_stmt *st = NULL;
  const char *q = "unknown";
  if (sqlite3_prepare_v2(kb->db, "SELECT quality FROM sources WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      for (size_t i = 0; i < sizeof Q / sizeof Q[0]; i++) {
        if (strcmp(txt(st, 0), Q[i]) == 0) q = Q[i];
      }
    }
  }
  sqlite3_finalize(st);
  return q;
}

static void add_num(cJSON *o, const char *k, double v) {
  if (isfinite(v)) {
    cJSON_AddNumberToObject(o, k, v);
  } else {
    cJSON_AddNullToObject(o, k);
  }
}

static cJSON *value_json(const ru_kb *kb, const char *key, const ru_value *v) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "key", key);
  add_num(o, "value", v->value);
  cJSON_AddStringToObject(o, "status", ru_value_status_name(v->status));
  if (v->status == RU_VALUE_MISSING || v->source[0] == '\0') {
    cJSON_AddNullToObject(o, "source");
    cJSON_AddNullToObject(o, "source_quality");
    cJSON_AddBoolToObject(o, "weak", 0);
  } else {
    cJSON_AddStringToObject(o, "source", v->source);
    cJSON_AddStringToObject(o, "source_quality", source_quality(kb, v->source));
    const char *why = ru_kb_source_weakness(kb, v->source);
    cJSON_AddBoolToObject(o, "weak", why != NULL);
    if (why) cJSON_AddStringToObject(o, "weakness", why);
  }
  return o;
}

/* The absent reason of (compound, pathway) from pathway_gaps.csv, into buf ("" when none). */
static void gap_reason(const ru_kb *kb, const char *compound, const char *pathway, char *buf, size_t cap) {
  buf[0] = '\0';
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kb->db, "SELECT reason FROM pathway_gaps WHERE compound = ? AND pathway = ?", -1, &st,
                         NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, compound, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pathway, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) rui_strlcpy(buf, txt(st, 0), cap);
  }
  sqlite3_finalize(st);
}

static int is_formed(const ru_kb *kb, const char *name) {
  sqlite3_stmt *st = NULL;
  int formed = 0;
  if (sqlite3_prepare_v2(kb->db, "SELECT 1 FROM metabolites WHERE metabolite = ?", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    formed = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return formed;
}

/* Per-compound part of the check. Adds to *nmissing and *ngaps. */
static cJSON *compound_json(const ru_kb *kb, const ru_compound *c, size_t *nmissing, size_t *nundoc) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "name", c->name);
  cJSON_AddStringToObject(o, "kind", c->kind);
  if (c->incomplete[0]) {
    cJSON_AddStringToObject(o, "incomplete", c->incomplete);
  } else {
    cJSON_AddNullToObject(o, "incomplete");
  }
  const int formed = is_formed(kb, c->name);
  const int is_drug = strcmp(c->kind, "drug") == 0;
  const struct {
    const char *k;
    const ru_value *v;
    int needed;
  } vals[] = {{"ka_per_h", &c->pk.ka_per_h, is_drug || !formed},
              {"cl_f_l_per_h", &c->pk.cl_f_l_per_h, 1},
              {"v_f_l", &c->pk.v_f_l, 1},
              {"q_f_l_per_h", &c->pk.q_f_l_per_h, c->pk.model >= 2},
              {"vp_f_l", &c->pk.vp_f_l, c->pk.model >= 2},
              {"q2_f_l_per_h", &c->pk.q2_f_l_per_h, c->pk.model >= 3},
              {"vp2_f_l", &c->pk.vp2_f_l, c->pk.model >= 3},
              {"fu", &c->pk.fu, 1},
              {"mw_g_per_mol", &c->mw_g_per_mol, 1},
              {"half_life_h", &c->pk.half_life_h, 0},
              {"tlag_h", &c->pk.tlag_h, 0},
              {"f", &c->pk.f, 0},
              {"bp", &c->pk.bp, 0},
              {"cl_iv_l_per_h", &c->pk.cl_iv_l_per_h, 0},
              {"fa", &c->pk.fa, 0},
              {"fg", &c->pk.fg, 0}};
  char model[8];
  snprintf(model, sizeof model, "%dcmt", c->pk.model);
  cJSON_AddStringToObject(o, "model", model);
  cJSON *arr = cJSON_AddArrayToObject(o, "values");
  cJSON *miss = cJSON_AddArrayToObject(o, "missing");
  for (size_t k = 0; k < sizeof vals / sizeof vals[0]; k++) {
    cJSON *v = value_json(kb, vals[k].k, vals[k].v);
    cJSON_AddBoolToObject(v, "needed", vals[k].needed);
    cJSON_AddItemToArray(arr, v);
    if (vals[k].needed && !isfinite(vals[k].v->value) && c->incomplete[0] == '\0') {
      cJSON_AddItemToArray(miss, cJSON_CreateString(vals[k].k));
      (*nmissing)++;
    }
  }
  /* affinities */
  cJSON *aff = cJSON_AddObjectToObject(o, "affinities");
  const char *const *targets = ru_kb_targets();
  for (size_t t = 0; targets[t] != NULL; t++) {
    ru_value v;
    if (ru_kb_affinity(kb, c->name, targets[t], &v, NULL) == RU_OK && isfinite(v.value)) {
      cJSON *a = value_json(kb, targets[t], &v);
      cJSON_AddItemToObject(aff, targets[t], a);
    } else {
      cJSON_AddNullToObject(aff, targets[t]);
    }
  }
  /* pathways */
  cJSON *pw = cJSON_AddObjectToObject(o, "pathways");
  const char *const *core = ru_kb_core_pathways();
  double sum = 0.0;
  for (size_t i = 0; i < c->pk.n_fm; i++) {
    if (isfinite(c->pk.fm[i].fm.value)) sum += c->pk.fm[i].fm.value;
  }
  if (isfinite(c->pk.fm_other.value)) sum += c->pk.fm_other.value;
  for (size_t p = 0; core[p] != NULL; p++) {
    const ru_value *fm = NULL;
    for (size_t i = 0; i < c->pk.n_fm; i++) {
      if (strcmp(c->pk.fm[i].enzyme, core[p]) == 0) fm = &c->pk.fm[i].fm;
    }
    if (strcmp(core[p], "other") == 0 && isfinite(c->pk.fm_other.value)) fm = &c->pk.fm_other;
    cJSON *cell;
    if (fm != NULL) {
      cell = value_json(kb, core[p], fm);
      cJSON_AddNullToObject(cell, "absent_reason");
    } else {
      char why[512];
      gap_reason(kb, c->name, core[p], why, sizeof why);
      cell = cJSON_CreateObject();
      cJSON_AddStringToObject(cell, "key", core[p]);
      cJSON_AddNullToObject(cell, "value");
      cJSON_AddStringToObject(cell, "status", "missing");
      if (why[0]) {
        cJSON_AddStringToObject(cell, "absent_reason", why);
      } else {
        cJSON_AddNullToObject(cell, "absent_reason");
        (*nundoc)++;
      }
    }
    cJSON_AddItemToObject(pw, core[p], cell);
  }
  /* further (non-core) pathways */
  for (size_t i = 0; i < c->pk.n_fm; i++) {
    int is_core = 0;
    for (size_t p = 0; core[p] != NULL; p++) is_core |= strcmp(core[p], c->pk.fm[i].enzyme) == 0;
    if (!is_core) {
      cJSON *cell = value_json(kb, c->pk.fm[i].enzyme, &c->pk.fm[i].fm);
      cJSON_AddNullToObject(cell, "absent_reason");
      cJSON_AddItemToObject(pw, c->pk.fm[i].enzyme, cell);
    }
  }
  add_num(o, "fm_sum", sum);
  cJSON_AddBoolToObject(o, "fm_complete", isfinite(c->pk.fm_other.value) && fabs(sum - 1.0) < 1e-6);
  return o;
}

/* Every used value anywhere (table, owner, key, source) whose source is weak. */
static cJSON *weak_used(const ru_kb *kb) {
  static const char *const SQL =
      "SELECT 'pk', compound, key, source FROM pk WHERE used = 1 "
      "UNION ALL SELECT 'affinities', compound, model_target, source FROM affinities WHERE used = 1 "
      "UNION ALL SELECT 'cyp_inhibition', perpetrator, enzyme || '/' || mechanism, source FROM cyp_inhibition "
      "WHERE used = 1 "
      "UNION ALL SELECT 'metabolites', parent, metabolite, source FROM metabolites "
      "UNION ALL SELECT 'compounds', name, 'mw_g_per_mol', mw_source FROM compounds "
      "UNION ALL SELECT 'enzymes', enzyme, site, source FROM enzymes "
      "UNION ALL SELECT 'phenotypes', gene, phenotype, source FROM phenotypes "
      "UNION ALL SELECT 'phenotype_frequencies', gene, ancestry || '/' || phenotype, source FROM "
      "phenotype_frequencies "
      "UNION ALL SELECT 'params', domain, name, source FROM params "
      "UNION ALL SELECT 'scaling', target, 'factor', source FROM scaling";
  cJSON *arr = cJSON_CreateArray();
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kb->db, SQL, -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *why = ru_kb_source_weakness(kb, txt(st, 3));
      if (why == NULL) continue;
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "table", txt(st, 0));
      cJSON_AddStringToObject(o, "item", txt(st, 1));
      cJSON_AddStringToObject(o, "key", txt(st, 2));
      cJSON_AddStringToObject(o, "source", txt(st, 3));
      cJSON_AddStringToObject(o, "weakness", why);
      cJSON_AddItemToArray(arr, o);
    }
  }
  sqlite3_finalize(st);
  return arr;
}

/* Used competitive Ki rows without an unbound (fu,mic) correction. */
static cJSON *ki_without_fumic(const ru_kb *kb) {
  cJSON *arr = cJSON_CreateArray();
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(kb->db,
                         "SELECT perpetrator || '/' || enzyme FROM cyp_inhibition WHERE used = 1 AND "
                         "mechanism = 'competitive' AND fu_mic IS NULL ORDER BY line",
                         -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) cJSON_AddItemToArray(arr, cJSON_CreateString(txt(st, 0)));
  }
  sqlite3_finalize(st);
  return arr;
}

static ru_status collect(const ru_kb *kb, cJSON **out, size_t *violations, ru_error *err) {
  cJSON *root = cJSON_CreateObject();
  if (root == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  cJSON *viol = cJSON_AddArrayToObject(root, "violation_list");
  size_t nviol = 0;
  for (size_t r = 0; r < rui_kb_rule_count; r++) {
    const rui_kb_rule *rule = &rui_kb_rules[r];
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(kb->db, rule->sql, -1, &st, NULL) != SQLITE_OK) {
      cJSON_Delete(root);
      return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      char msg[256], line[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      snprintf(msg, sizeof msg, rule->message, txt(st, 1));
#pragma GCC diagnostic pop
      snprintf(line, sizeof line, "%s:%lld: field '%s': %s", rule->file, (long long)sqlite3_column_int64(st, 0),
               rule->field, msg);
      cJSON_AddItemToArray(viol, cJSON_CreateString(line));
      nviol++;
    }
    sqlite3_finalize(st);
  }
  cJSON_AddNumberToObject(root, "violations", (double)nviol);
  cJSON_AddNumberToObject(root, "rules", (double)rui_kb_rule_count);
  static const char *const tables[] = {"sources", "compounds", "affinities", "pk", "metabolites",
                                       "cyp_inhibition", "enzymes", "phenotypes", "phenotype_frequencies",
                                       "params", "scaling", "pathway_gaps"};
  cJSON *rows = cJSON_AddObjectToObject(root, "rows");
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[t]);
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(kb->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st); /* a count it could not read stays -1 */
    cJSON_AddNumberToObject(rows, tables[t], (double)n);
  }
  cJSON *comps = cJSON_AddArrayToObject(root, "compounds");
  size_t nmissing = 0, nundoc = 0, nincomplete = 0, nfm_incomplete = 0;
  for (size_t i = 0; i < ru_kb_compound_count(kb); i++) {
    ru_compound c;
    ru_error e2;
    if (ru_kb_compound_info(kb, ru_kb_compound_name(kb, i), &c, &e2) != RU_OK) {
      char line[600];
      snprintf(line, sizeof line, "%s: %s", ru_kb_compound_name(kb, i), e2.message);
      cJSON_AddItemToArray(viol, cJSON_CreateString(line));
      nviol++;
      continue;
    }
    cJSON *cj = compound_json(kb, &c, &nmissing, &nundoc);
    nincomplete += c.incomplete[0] != '\0';
    nfm_incomplete += !cJSON_IsTrue(cJSON_GetObjectItem(cj, "fm_complete"));
    cJSON_AddItemToArray(comps, cj);
  }
  cJSON_SetNumberValue(cJSON_GetObjectItem(root, "violations"), (double)nviol);
  cJSON_AddNumberToObject(root, "missing_model_values", (double)nmissing);
  cJSON_AddNumberToObject(root, "incomplete_compounds", (double)nincomplete);
  cJSON_AddNumberToObject(root, "undocumented_pathway_cells", (double)nundoc);
  cJSON_AddNumberToObject(root, "compounds_without_complete_fm", (double)nfm_incomplete);
  cJSON *weak = weak_used(kb);
  cJSON_AddNumberToObject(root, "weak_sources_used", (double)cJSON_GetArraySize(weak));
  cJSON_AddItemToObject(root, "weak_source_list", weak);
  cJSON *nofu = ki_without_fumic(kb);
  cJSON_AddNumberToObject(root, "ki_without_fu_mic", (double)cJSON_GetArraySize(nofu));
  cJSON_AddItemToObject(root, "ki_without_fu_mic_list", nofu);
  *out = root;
  *violations = nviol;
  return RU_OK;
}

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItem(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* jstr for printing: "" instead of NULL (a NULL for %s is undefined behaviour) */
static const char *jtext(const cJSON *o, const char *k) {
  const char *s = jstr(o, k);
  return s != NULL ? s : "";
}

static double jnum(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItem(o, k);
  return cJSON_IsNumber(v) ? v->valuedouble : (double)NAN;
}

static char value_mark(const cJSON *arr, const char *key) {
  const cJSON *it;
  cJSON_ArrayForEach(it, arr) {
    const char *k = jstr(it, "key");
    if (k && strcmp(k, key) == 0) return mark_of(jstr(it, "status") ? jstr(it, "status") : "");
  }
  return '.';
}

static void render(const cJSON *root, rui_sbuf *b) {
  rui_sbuf_printf(b, "knowledge-base check\n\nintegrity (sources resolve, units known, no duplicate used rows, "
                     "fractions in [0,1], fm sums, metabolites point to parents):\n");
  const cJSON *it;
  const cJSON *viol = cJSON_GetObjectItem(root, "violation_list");
  cJSON_ArrayForEach(it, viol) rui_sbuf_printf(b, "  VIOLATION %s\n", it->valuestring);
  if (cJSON_GetArraySize(viol) == 0) rui_sbuf_printf(b, "  ok (%.0f rules)\n", jnum(root, "rules"));
  rui_sbuf_printf(b, "\nrows:");
  const cJSON *rows = cJSON_GetObjectItem(root, "rows");
  cJSON_ArrayForEach(it, rows) rui_sbuf_printf(b, " %s %.0f%s", it->string, it->valuedouble, it->next ? "," : "\n");

  const char *const *targets = ru_kb_targets();
  const char *const *core = ru_kb_core_pathways();
  rui_sbuf_printf(b, "\ncoverage ('+' primary, 's' secondary, 'd' derived, 'c' calibrated, 'u' user, '.' missing;\n"
                     "         affinities from the used row's source; pathways: 'x' = documented absence):\n");
  rui_sbuf_printf(b, "%-24s", "compound");
  for (size_t t = 0; targets[t] != NULL; t++) rui_sbuf_printf(b, " %-6s", targets[t]);
  rui_sbuf_printf(b, " %-3s %-3s %-3s %-3s %-3s %-3s |", "ka", "cl", "v", "fu", "mw", "bp");
  for (size_t p = 0; core[p] != NULL; p++) rui_sbuf_printf(b, " %.4s", core[p] + (strncmp(core[p], "CYP", 3) == 0 ? 3 : 0));
  rui_sbuf_printf(b, "  fm_sum\n");
  rui_sbuf missing = {0}, fmtext = {0};
  const cJSON *comps = cJSON_GetObjectItem(root, "compounds");
  cJSON_ArrayForEach(it, comps) {
    const char *name = jstr(it, "name");
    rui_sbuf_printf(b, "%-24s", name);
    const cJSON *aff = cJSON_GetObjectItem(it, "affinities");
    for (size_t t = 0; targets[t] != NULL; t++) {
      const cJSON *a = cJSON_GetObjectItem(aff, targets[t]);
      rui_sbuf_printf(b, " %-6c", cJSON_IsObject(a) ? mark_of(jstr(a, "status") ? jstr(a, "status") : "") : '.');
    }
    const cJSON *vals = cJSON_GetObjectItem(it, "values");
    rui_sbuf_printf(b, " %-3c %-3c %-3c %-3c %-3c %-3c |", value_mark(vals, "ka_per_h"), value_mark(vals, "cl_f_l_per_h"),
                    value_mark(vals, "v_f_l"), value_mark(vals, "fu"), value_mark(vals, "mw_g_per_mol"),
                    value_mark(vals, "bp"));
    const cJSON *pw = cJSON_GetObjectItem(it, "pathways");
    for (size_t p = 0; core[p] != NULL; p++) {
      const cJSON *cell = cJSON_GetObjectItem(pw, core[p]);
      const char *st = jstr(cell, "status");
      char m = st ? mark_of(st) : '.';
      if (m == '.' && jstr(cell, "absent_reason")) m = 'x';
      const double v = jnum(cell, "value");
      char cellbuf[16];
      if (isfinite(v)) {
        snprintf(cellbuf, sizeof cellbuf, "%.2f", v);
      } else {
        snprintf(cellbuf, sizeof cellbuf, "%c", m);
      }
      rui_sbuf_printf(b, " %4s", cellbuf);
    }
    const double sum = jnum(it, "fm_sum");
    rui_sbuf_printf(b, "  %.3f%s\n", isfinite(sum) ? sum : 0.0,
                    cJSON_IsTrue(cJSON_GetObjectItem(it, "fm_complete")) ? "" : " (no fm.other: incomplete)");
    const cJSON *miss = cJSON_GetObjectItem(it, "missing");
    if (cJSON_GetArraySize(miss) > 0) {
      rui_sbuf_printf(&missing, "  %-24s", name);
      const cJSON *m;
      cJSON_ArrayForEach(m, miss) rui_sbuf_printf(&missing, " %s%s", m->valuestring, m->next ? "," : "");
      rui_sbuf_printf(&missing, "\n");
    }
    const char *inc = jstr(it, "incomplete");
    if (inc) rui_sbuf_printf(&fmtext, "  %-24s %s\n", name, inc);
  }
  rui_sbuf_printf(b, "\nmissing model values (%.0f; the default simulation of these compounds fails with "
                     "RU_EMISSING until they are sourced or given with --set / a user file):\n%s",
                  jnum(root, "missing_model_values"), missing.s ? missing.s : "  none\n");
  rui_sbuf_printf(b, "\nincomplete compounds (%.0f; every command names the reason):\n%s",
                  jnum(root, "incomplete_compounds"), fmtext.s ? fmtext.s : "  none\n");
  rui_sbuf_printf(b, "\nundocumented pathway cells (no fm and no pathway_gaps.csv row): %.0f\n",
                  jnum(root, "undocumented_pathway_cells"));
  rui_sbuf_printf(b, "compounds whose fm does not sum to 1 with fm.other named: %.0f\n",
                  jnum(root, "compounds_without_complete_fm"));
  rui_sbuf_printf(b, "competitive Ki used without an unbound (fu,mic) correction: %.0f", jnum(root, "ki_without_fu_mic"));
  const cJSON *nofu = cJSON_GetObjectItem(root, "ki_without_fu_mic_list");
  cJSON_ArrayForEach(it, nofu) rui_sbuf_printf(b, "%s%s", it == nofu->child ? " (" : ", ", it->valuestring);
  rui_sbuf_printf(b, "%s\n", cJSON_GetArraySize(nofu) ? ")" : "");
  rui_sbuf_printf(b, "\nused values on weak sources: %.0f\n", jnum(root, "weak_sources_used"));
  const cJSON *weak = cJSON_GetObjectItem(root, "weak_source_list");
  cJSON_ArrayForEach(it, weak) {
    rui_sbuf_printf(b, "  %s %s.%s: %s (%s)\n", jtext(it, "table"), jtext(it, "item"),
                    jtext(it, "key"), jtext(it, "source"), jtext(it, "weakness"));
  }
  rui_sbuf_printf(b, "\n%.0f violation(s)\n", jnum(root, "violations"));
  rui_free(missing.s);
  rui_free(fmtext.s);
}

ru_status ru_kb_check(const ru_kb *kb, char **report, size_t *violations, ru_error *err) {
  if (kb == NULL || report == NULL || violations == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_check: NULL argument");
  }
  *report = NULL;
  *violations = 0;
  cJSON *root = NULL;
  ru_status rc = collect(kb, &root, violations, err);
  if (rc != RU_OK) return rc;
  rui_sbuf b = {0};
  render(root, &b);
  cJSON_Delete(root);
  if (b.failed) {
    rui_free(b.s);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  *report = b.s;
  return RU_OK;
}

ru_status ru_kb_check_json(const ru_kb *kb, char **json, size_t *violations, ru_error *err) {
  if (kb == NULL || json == NULL || violations == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_check_json: NULL argument");
  }
  *json = NULL;
  *violations = 0;
  cJSON *root = NULL;
  ru_status rc = collect(kb, &root, violations, err);
  if (rc != RU_OK) return rc;
  *json = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  if (*json == NULL) return ru_error_set(err, RU_ENOMEM, "out of memory");
  return RU_OK;
}
