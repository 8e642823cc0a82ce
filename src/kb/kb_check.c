/* `kb check`: runs every relational rule of the importer over an opened knowledge base and
 * reports all violations (not just the first), then a coverage table (compound x affinity
 * targets and model PK fields) and the list of model values that are missing. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "kb/kb_impl.h"

static const char *txt(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

/* A cell mark: '+' primary, 's' secondary, 'd' derived, 'c' calibrated, 'u' user, '.' missing. */
static char mark(ru_value_status s) {
  switch (s) {
  case RU_VALUE_PRIMARY:
    return '+';
  case RU_VALUE_SECONDARY:
    return 's';
  case RU_VALUE_DERIVED:
    return 'd';
  case RU_VALUE_CALIBRATED:
    return 'c';
  case RU_VALUE_USER:
    return 'u';
  default:
    return '.';
  }
}

ru_status ru_kb_check(const ru_kb *kb, char **report, size_t *violations, ru_error *err) {
  if (kb == NULL || report == NULL || violations == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_check: NULL argument");
  }
  *report = NULL;
  *violations = 0;
  rui_sbuf b = {0};
  size_t nviol = 0;
  rui_sbuf_printf(&b, "knowledge-base check\n\nintegrity (sources resolve, units known, no duplicate used rows, "
                      "fractions in [0,1], metabolites point to parents):\n");
  for (size_t r = 0; r < rui_kb_rule_count; r++) {
    const rui_kb_rule *rule = &rui_kb_rules[r];
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(kb->db, rule->sql, -1, &st, NULL) != SQLITE_OK) {
      rui_free(b.s);
      return ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      char msg[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      snprintf(msg, sizeof msg, rule->message, txt(st, 1));
#pragma GCC diagnostic pop
      rui_sbuf_printf(&b, "  VIOLATION %s:%lld: field '%s': %s\n", rule->file,
                      (long long)sqlite3_column_int64(st, 0), rule->field, msg);
      nviol++;
    }
    sqlite3_finalize(st);
  }
  if (nviol == 0) {
    rui_sbuf_printf(&b, "  ok (%zu rules)\n", rui_kb_rule_count);
  }

  /* counts */
  static const char *const tables[] = {"sources", "compounds", "affinities", "pk", "metabolites",
                                       "cyp_inhibition", "enzymes", "phenotypes", "phenotype_frequencies",
                                       "params", "scaling"};
  rui_sbuf_printf(&b, "\nrows:");
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", tables[t]);
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(kb->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    rui_sbuf_printf(&b, " %s %lld%s", tables[t], n, t + 1 < sizeof tables / sizeof tables[0] ? "," : "\n");
  }

  /* coverage */
  const char *const *targets = ru_kb_targets();
  rui_sbuf_printf(&b, "\ncoverage ('+' primary, 's' secondary, 'd' derived, 'c' calibrated, 'u' user, '.' missing;\n"
                      "         affinities from the used row's source quality):\n");
  rui_sbuf_printf(&b, "%-24s", "compound");
  for (size_t t = 0; targets[t] != NULL; t++) {
    rui_sbuf_printf(&b, " %-6s", targets[t]);
  }
  rui_sbuf_printf(&b, " %-3s %-3s %-3s %-3s %-3s %s\n", "ka", "cl", "v", "fu", "mw", "fm");
  rui_sbuf missing = {0};
  size_t nmissing = 0;
  for (size_t i = 0; i < ru_kb_compound_count(kb); i++) {
    const char *name = ru_kb_compound_name(kb, i);
    ru_compound c;
    if (ru_kb_compound(kb, name, &c, NULL) != RU_OK) {
      continue;
    }
    rui_sbuf_printf(&b, "%-24s", name);
    for (size_t t = 0; targets[t] != NULL; t++) {
      ru_value v;
      char m = '.';
      if (ru_kb_affinity(kb, name, targets[t], &v, NULL) == RU_OK && isfinite(v.value)) {
        m = mark(v.status);
        if (m == '.') {
          m = '+';
        }
      }
      rui_sbuf_printf(&b, " %-6c", m);
    }
    /* a metabolite formed by a parent in the model needs no absorption rate */
    int formed = 0;
    {
      sqlite3_stmt *st = NULL;
      if (sqlite3_prepare_v2(kb->db, "SELECT 1 FROM metabolites WHERE metabolite = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        formed = sqlite3_step(st) == SQLITE_ROW;
      }
      sqlite3_finalize(st);
    }
    const int is_drug = strcmp(c.kind, "drug") == 0;
    rui_sbuf_printf(&b, " %-3c %-3c %-3c %-3c %-3c ", mark(c.pk.ka_per_h.status), mark(c.pk.cl_f_l_per_h.status),
                    mark(c.pk.v_f_l.status), mark(c.pk.fu.status), mark(c.mw_g_per_mol.status));
    if (c.pk.n_fm == 0) {
      rui_sbuf_printf(&b, ".");
    }
    for (size_t k = 0; k < c.pk.n_fm; k++) {
      rui_sbuf_printf(&b, "%s%s=%.3g", k ? "," : "", c.pk.fm[k].enzyme, c.pk.fm[k].fm.value);
    }
    rui_sbuf_printf(&b, "\n");
    struct {
      const char *k;
      const ru_value *v;
      int needed;
    } need[] = {{"ka_per_h", &c.pk.ka_per_h, is_drug || !formed},
                {"cl_f_l_per_h", &c.pk.cl_f_l_per_h, 1},
                {"v_f_l", &c.pk.v_f_l, 1},
                {"fu", &c.pk.fu, 1},
                {"mw_g_per_mol", &c.mw_g_per_mol, 1}};
    char keys[160] = "";
    size_t off = 0;
    for (size_t k = 0; k < sizeof need / sizeof need[0]; k++) {
      if (need[k].needed && !isfinite(need[k].v->value) && off < sizeof keys) {
        const int w = snprintf(keys + off, sizeof keys - off, "%s%s", off ? ", " : "", need[k].k);
        off += w > 0 ? (size_t)w : 0;
        nmissing++;
      }
    }
    if (off > 0) {
      rui_sbuf_printf(&missing, "  %-24s %s\n", name, keys);
    }
  }
  rui_sbuf_printf(&b, "\nmissing model values (%zu; the default simulation of these compounds fails with "
                      "RU_EMISSING until they are sourced or given with --set / a user file):\n%s",
                  nmissing, missing.s ? missing.s : "  none\n");
  rui_sbuf_printf(&b, "\n%zu violation(s)\n", nviol);
  rui_free(missing.s);
  if (b.failed) {
    rui_free(b.s);
    return ru_error_set(err, RU_ENOMEM, "out of memory");
  }
  *report = b.s;
  *violations = nviol;
  return RU_OK;
}
