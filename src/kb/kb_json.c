/* `drugs show` JSON of a compound (DESIGN.md): identity, every affinity row, the PK values the
 * model uses with their sources, every PK row with status/used/derived/conflict marks, the
 * metabolites it forms, its inhibition constants, and the full citation of every source key it
 * cites. Missing values are JSON null, never NaN. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/alloc.h"
#include "kb/kb_impl.h"

static const char *txt(sqlite3_stmt *st, int i) {
  const unsigned char *t = sqlite3_column_text(st, i);
  return t ? (const char *)t : "";
}

static void add_num(cJSON *o, const char *k, double v) {
  if (isfinite(v)) {
    cJSON_AddNumberToObject(o, k, v);
  } else {
    cJSON_AddNullToObject(o, k);
  }
}

static void add_str_or_null(cJSON *o, const char *k, const char *v) {
  if (v != NULL && *v != '\0') {
    cJSON_AddStringToObject(o, k, v);
  } else {
    cJSON_AddNullToObject(o, k);
  }
}

/* Remembers a cited source key once. */
static void cite(cJSON *keys, const char *key) {
  if (key == NULL || *key == '\0') {
    return;
  }
  cJSON *it = NULL;
  cJSON_ArrayForEach(it, keys) {
    if (strcmp(it->valuestring, key) == 0) {
      return;
    }
  }
  cJSON_AddItemToArray(keys, cJSON_CreateString(key));
}

static void add_value(cJSON *pk, cJSON *keys, const char *k, const ru_value *v) {
  char sk[96];
  add_num(pk, k, v->value);
  snprintf(sk, sizeof sk, "%s_source", k);
  add_str_or_null(pk, sk, v->status == RU_VALUE_MISSING ? NULL : v->source);
  snprintf(sk, sizeof sk, "%s_status", k);
  cJSON_AddStringToObject(pk, sk, ru_value_status_name(v->status));
  cite(keys, v->status == RU_VALUE_MISSING ? NULL : v->source);
}

ru_status ru_kb_compound_json(const ru_kb *kb, const char *name, char **json, ru_error *err) {
  if (kb == NULL || name == NULL || json == NULL) {
    return ru_error_set(err, RU_EINVAL, "ru_kb_compound_json: NULL argument");
  }
  *json = NULL;
  ru_compound c;
  ru_status rc = ru_kb_compound_info(kb, name, &c, err);
  if (rc != RU_OK) {
    return rc;
  }
  cJSON *root = cJSON_CreateObject();
  cJSON *keys = cJSON_CreateArray();
  sqlite3_stmt *st = NULL;
  if (root == NULL || keys == NULL) {
    rc = ru_error_set(err, RU_ENOMEM, "out of memory");
    goto done;
  }
  cJSON_AddStringToObject(root, "name", c.name);
  cJSON_AddStringToObject(root, "class", c.drug_class);
  cJSON_AddStringToObject(root, "kind", c.kind);
  add_str_or_null(root, "parent", c.parent);
  add_str_or_null(root, "incomplete", c.incomplete);
  add_num(root, "mw", c.mw_g_per_mol.value);
  add_str_or_null(root, "mw_source", c.mw_g_per_mol.source);
  cite(keys, c.mw_g_per_mol.source);

  /* synonyms and same_as */
  {
    cJSON *syn = cJSON_AddArrayToObject(root, "synonyms");
    if (sqlite3_prepare_v2(kb->db, "SELECT synonym FROM synonyms WHERE name = ?1 AND synonym <> ?1", -1, &st,
                           NULL) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, c.name, -1, SQLITE_STATIC);
      while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON_AddItemToArray(syn, cJSON_CreateString(txt(st, 0)));
      }
    }
    rc = rui_kb_finalize(kb, st, rc, err);
    st = NULL;
    if (rc != RU_OK) {
      goto done;
    }
  }

  /* affinities: every row of the compound (and of the molecule it is the same as), used first */
  {
    cJSON *aff = cJSON_AddArrayToObject(root, "affinities");
    const char *sql =
        "SELECT a.model_target, a.target, a.value_nm, a.measure, a.species, a.source, a.used, a.notes, a.compound "
        "FROM affinities a WHERE a.compound = ?1 OR a.compound = (SELECT same_as FROM compounds WHERE name = ?1) "
        "ORDER BY a.used DESC, CASE a.model_target WHEN 'SERT' THEN 1 WHEN 'NET' THEN 2 WHEN 'DAT' THEN 3 "
        "WHEN 'H1' THEN 4 WHEN 'M1' THEN 5 WHEN 'alpha1' THEN 6 WHEN '5-HT2A' THEN 7 WHEN '5-HT2C' THEN 8 "
        "ELSE 9 END, a.line";
    if (sqlite3_prepare_v2(kb->db, sql, -1, &st, NULL) != SQLITE_OK) {
      rc = ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
      goto done;
    }
    sqlite3_bind_text(st, 1, c.name, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
      cJSON *a = cJSON_CreateObject();
      const char *mt = txt(st, 0);
      cJSON_AddStringToObject(a, "target", *mt ? mt : txt(st, 1));
      cJSON_AddStringToObject(a, "assay_target", txt(st, 1));
      add_num(a, "value_nM", sqlite3_column_double(st, 2));
      cJSON_AddStringToObject(a, "measure", txt(st, 3));
      cJSON_AddStringToObject(a, "species", txt(st, 4));
      cJSON_AddStringToObject(a, "source", txt(st, 5));
      cJSON_AddBoolToObject(a, "used", sqlite3_column_int(st, 6) != 0);
      if (strcmp(txt(st, 8), c.name) != 0) {
        cJSON_AddStringToObject(a, "of_compound", txt(st, 8));
      }
      cJSON_AddStringToObject(a, "notes", txt(st, 7));
      if (sqlite3_column_int(st, 6) != 0) {
        cite(keys, txt(st, 5));
      }
      cJSON_AddItemToArray(aff, a);
    }
    rc = rui_kb_finalize(kb, st, rc, err);
    st = NULL;
    if (rc != RU_OK) {
      goto done;
    }
  }

  /* pk: the model values */
  {
    cJSON *pk = cJSON_AddObjectToObject(root, "pk");
    char model[8];
    snprintf(model, sizeof model, "%dcmt", c.pk.model);
    cJSON_AddStringToObject(pk, "model", model);
    const char *model_src = NULL;
    if (sqlite3_prepare_v2(kb->db, "SELECT source FROM pk WHERE compound = ? AND key = 'model' AND used = 1", -1,
                           &st, NULL) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, c.name, -1, SQLITE_STATIC);
      if (sqlite3_step(st) == SQLITE_ROW) {
        cJSON_AddStringToObject(pk, "model_source", txt(st, 0));
        cite(keys, txt(st, 0));
        model_src = "";
      }
    }
    rc = rui_kb_finalize(kb, st, rc, err);
    st = NULL;
    if (rc != RU_OK) {
      goto done;
    }
    if (model_src == NULL) {
      cJSON_AddNullToObject(pk, "model_source");
    }
    const struct {
      const char *k;
      const ru_value *v;
    } vals[] = {{"f", &c.pk.f},
                {"ka_per_h", &c.pk.ka_per_h},
                {"tlag_h", &c.pk.tlag_h},
                {"cl_f_l_per_h", &c.pk.cl_f_l_per_h},
                {"v_f_l", &c.pk.v_f_l},
                {"q_f_l_per_h", &c.pk.q_f_l_per_h},
                {"vp_f_l", &c.pk.vp_f_l},
                {"q2_f_l_per_h", &c.pk.q2_f_l_per_h},
                {"vp2_f_l", &c.pk.vp2_f_l},
                {"fu", &c.pk.fu},
                {"half_life_h", &c.pk.half_life_h},
                {"bp", &c.pk.bp},
                {"cl_iv_l_per_h", &c.pk.cl_iv_l_per_h},
                {"fa", &c.pk.fa},
                {"fg", &c.pk.fg},
                {"kpuu_brain", &c.pk.kpuu_brain}};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
      add_value(pk, keys, vals[i].k, vals[i].v);
    }
    cJSON *fm = cJSON_AddObjectToObject(pk, "fm");
    cJSON *fms = cJSON_AddObjectToObject(pk, "fm_source");
    for (size_t i = 0; i < c.pk.n_fm; i++) {
      add_num(fm, c.pk.fm[i].enzyme, c.pk.fm[i].fm.value);
      cJSON_AddStringToObject(fms, c.pk.fm[i].enzyme, c.pk.fm[i].fm.source);
      cite(keys, c.pk.fm[i].fm.source);
    }
    if (isfinite(c.pk.fm_other.value)) {
      add_num(fm, "other", c.pk.fm_other.value);
      cJSON_AddStringToObject(fms, "other", c.pk.fm_other.source);
      cite(keys, c.pk.fm_other.source);
    }
    if (c.pk.n_km > 0) {
      cJSON *km = cJSON_AddObjectToObject(pk, "km_um");
      cJSON *kms = cJSON_AddObjectToObject(pk, "km_um_source");
      for (size_t i = 0; i < c.pk.n_km; i++) {
        add_num(km, c.pk.km[i].enzyme, c.pk.km[i].km_um.value);
        cJSON_AddStringToObject(kms, c.pk.km[i].enzyme, c.pk.km[i].km_um.source);
        cite(keys, c.pk.km[i].km_um.source);
      }
    }
  }

  /* every PK row with its marks */
  {
    cJSON *rows = cJSON_AddArrayToObject(root, "pk_rows");
    const char *sql =
        "SELECT p.key, p.value, p.unit, p.source, p.status, p.used, p.derivation, p.notes, "
        "(SELECT COUNT(*) FROM pk q WHERE q.compound = p.compound AND q.key = p.key) FROM pk p "
        "WHERE p.compound = ? ORDER BY p.key, p.used DESC, p.line";
    if (sqlite3_prepare_v2(kb->db, sql, -1, &st, NULL) != SQLITE_OK) {
      rc = ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
      goto done;
    }
    sqlite3_bind_text(st, 1, c.name, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
      cJSON *r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "key", txt(st, 0));
      if (sqlite3_column_type(st, 1) == SQLITE_TEXT) {
        cJSON_AddStringToObject(r, "value", txt(st, 1));
      } else {
        add_num(r, "value", sqlite3_column_double(st, 1));
      }
      cJSON_AddStringToObject(r, "unit", txt(st, 2));
      cJSON_AddStringToObject(r, "source", txt(st, 3));
      cJSON_AddStringToObject(r, "status", txt(st, 4));
      cJSON_AddBoolToObject(r, "used", sqlite3_column_int(st, 5) != 0);
      cJSON_AddBoolToObject(r, "derived", strcmp(txt(st, 4), "derived") == 0);
      cJSON_AddBoolToObject(r, "conflict", sqlite3_column_int(st, 8) > 1);
      add_str_or_null(r, "derivation", txt(st, 6));
      add_str_or_null(r, "notes", txt(st, 7));
      cite(keys, txt(st, 3));
      cJSON_AddItemToArray(rows, r);
    }
    rc = rui_kb_finalize(kb, st, rc, err);
    st = NULL;
    if (rc != RU_OK) {
      goto done;
    }
  }

  /* metabolites formed, and inhibition constants */
  {
    cJSON *mets = cJSON_AddArrayToObject(root, "metabolites");
    for (size_t i = 0; i < c.n_formations; i++) {
      cJSON *m = cJSON_CreateObject();
      cJSON_AddStringToObject(m, "metabolite", c.formations[i].metabolite);
      add_str_or_null(m, "enzyme", c.formations[i].enzyme);
      add_num(m, "fraction_formed", c.formations[i].fraction_formed.value);
      cJSON_AddStringToObject(m, "source", c.formations[i].fraction_formed.source);
      cite(keys, c.formations[i].fraction_formed.source);
      cJSON_AddItemToArray(mets, m);
    }
    cJSON *inh = cJSON_AddArrayToObject(root, "inhibition");
    ru_inhibition in[64];
    size_t n = 0;
    if (ru_kb_inhibitions(kb, c.name, in, 64, &n, NULL) == RU_OK) {
      for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "enzyme", in[i].enzyme);
        cJSON_AddStringToObject(o, "mechanism",
                                in[i].kind == RU_INHIB_MECHANISM_BASED ? "mechanism_based" : "competitive");
        add_num(o, "ki_um", in[i].ki_um.value);
        add_num(o, "ki_measured_um", in[i].ki_measured_um);
        add_num(o, "fu_mic", in[i].fu_mic);
        add_num(o, "ki_inact_um", in[i].ki_inact_um.value);
        add_num(o, "kinact_per_h", in[i].kinact_per_h.value);
        const char *s = in[i].ki_um.source[0] ? in[i].ki_um.source : in[i].ki_inact_um.source;
        cJSON_AddStringToObject(o, "source", s);
        cite(keys, s);
        cJSON_AddItemToArray(inh, o);
      }
    }
  }

  /* sources */
  {
    cJSON *srcs = cJSON_AddArrayToObject(root, "sources");
    if (sqlite3_prepare_v2(kb->db, "SELECT citation, found_at, quality FROM sources WHERE key = ?", -1, &st,
                           NULL) != SQLITE_OK) {
      rc = ru_error_set(err, RU_EDB, "knowledge base: %s", sqlite3_errmsg(kb->db));
      goto done;
    }
    cJSON *it = NULL;
    cJSON_ArrayForEach(it, keys) {
      sqlite3_reset(st);
      sqlite3_bind_text(st, 1, it->valuestring, -1, SQLITE_STATIC);
      cJSON *s = cJSON_CreateObject();
      cJSON_AddStringToObject(s, "key", it->valuestring);
      if (sqlite3_step(st) == SQLITE_ROW) {
        cJSON_AddStringToObject(s, "citation", txt(st, 0));
        cJSON_AddStringToObject(s, "found_at", txt(st, 1));
        cJSON_AddStringToObject(s, "quality", txt(st, 2));
      } else {
        cJSON_AddNullToObject(s, "citation");
      }
      cJSON_AddItemToArray(srcs, s);
    }
    rc = rui_kb_finalize(kb, st, rc, err);
    st = NULL;
    if (rc != RU_OK) {
      goto done;
    }
  }
  *json = cJSON_PrintUnformatted(root);
  if (*json == NULL) {
    rc = ru_error_set(err, RU_ENOMEM, "out of memory");
  }
done:
  rc = rui_kb_finalize(kb, st, rc, err);
  cJSON_Delete(root);
  cJSON_Delete(keys);
  return rc;
}
