/* `reuptake drugs list|show NAME|search TEXT` and `reuptake kb check`: the knowledge base as
 * users see it, every value with its citation. `show` JSON is the library's document (the
 * DESIGN.md contract); its table and CSV are rows described once below. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"
#include "result.h"

/* The brain exposure the occupancy model uses for the compound (pd.h): the KB Kp,uu,brain, or
 * the stated default when there is no evidence, flagged. JSON "brain_exposure" after the
 * library's document; the table's second line. */
typedef struct brain_row {
  ru_value kp; /* value NaN and source "" when missing */
  const char *status;
  int is_default;
} brain_row;

static const cli_column BRAIN[] = {
    CLI_FIELD_NUM("kpuu_brain", NULL, 4, brain_row, kp.value),
    CLI_FIELD_STR("source", brain_row, kp.source),
    CLI_FIELD_STRP("status", brain_row, status),
    CLI_FIELD_BOOL("default", brain_row, is_default),
};

static brain_row brain_exposure(ru_kb *kb, const char *name) {
  brain_row b = {{nan(""), "", RU_VALUE_MISSING}, "missing", 0};
  ru_error err;
  if (ru_pd_compound_kpuu_brain(kb, name, &b.kp, &b.is_default, &err) != RU_OK) {
    b.kp = (ru_value){nan(""), "", RU_VALUE_MISSING};
    b.is_default = 0;
    return b;
  }
  /* the library's status name: a calibrated or user (--compounds) value says so (it was shown as
   * "secondary" before 2026-12-02) */
  b.status = b.is_default ? "default" : ru_value_status_name(b.kp.status);
  return b;
}

/* A JSON document of the library, parsed (json is freed). NULL after reporting (*rc). */
static cJSON *parse_doc(cli_ctx *ctx, char *json, int *rc) {
  cJSON *doc = cJSON_Parse(json ? json : "");
  ru_free(json);
  if (doc == NULL) *rc = cli_fail(ctx, cJSON_GetErrorPtr() == NULL ? RU_ENOMEM : RU_EINTERNAL, NULL);
  return doc;
}

/* The result of `drugs show NAME` over the library's document of the compound or product
 * (*doc, merged into the JSON at the end). NULL after reporting (*rc). */
static cli_result *show_start(cli_ctx *ctx, ru_kb *kb, const char *name, int product, cJSON **doc, int *rc) {
  ru_error err;
  ru_error_clear(&err);
  char *json = NULL;
  const ru_status st = product ? ru_kb_product_json(kb, name, &json, &err) : ru_kb_compound_json(kb, name, &json, &err);
  *doc = NULL;
  if (st != RU_OK) {
    *rc = cli_fail(ctx, st, &err);
    return NULL;
  }
  if ((*doc = parse_doc(ctx, json, rc)) == NULL) return NULL;
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) {
    cJSON_Delete(*doc);
    *rc = 1; /* reported by cli_result_new */
  }
  return res;
}

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : "";
}

static double jnum(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsNumber(v) ? v->valuedouble : nan("");
}

/* --- show COMPOUND: one row per affinity, PK value and fm ----------------------------------- */

/* A row of a compound's document, read where it lies: an object of "affinities", a value of
 * "pk", or an fm of pk."fm"; the getters pick its item, value, unit, status and source. */
typedef enum value_kind { VAL_AFFINITY, VAL_PK, VAL_FM } value_kind;
typedef struct value_row {
  value_kind kind;
  const cJSON *it;
  const cJSON *siblings; /* pk: the object holding "<key>_status" and "<key>_source"; fm: fm_source */
} value_row;

/* The string "<key><suffix>" of the row's siblings ("" when absent). */
static const char *sibling(const value_row *r, const char *suffix, char *buf, size_t cap) {
  snprintf(buf, cap, "%s%s", r->it->string, suffix);
  return jstr(r->siblings, buf);
}

CLI_GETTER(get_section, value_row, c->str = row->kind == VAL_AFFINITY ? "affinity" : "pk")
CLI_GETTER(get_item, value_row,
           c->str = row->kind == VAL_AFFINITY ? jstr(row->it, "target") : row->it->string;
           if (row->kind == VAL_FM) {
             snprintf(c->buf, sizeof c->buf, "fm.%s", row->it->string);
             c->str = c->buf;
           })
/* a number with its digits (pk values 5, affinities and fm 4), a text pk value ("2cmt"), or "missing" */
CLI_GETTER(get_value, value_row,
           const cJSON *v = row->kind == VAL_AFFINITY ? cJSON_GetObjectItemCaseSensitive(row->it, "value_nM") : row->it;
           c->str = row->kind == VAL_PK && cJSON_IsString(v) ? v->valuestring
                    : cJSON_IsNumber(v) ? cli_fmt(c->buf, sizeof c->buf, v->valuedouble, row->kind == VAL_PK ? 5 : 4)
                                        : "missing")
CLI_GETTER(get_unit, value_row,
           c->str = row->kind == VAL_AFFINITY ? jstr(row->it, "measure") : row->kind == VAL_FM ? "fraction" : "")
/* affinities: used by the model or kept; pk: the status marks derived, secondary and missing
 * values (JSON lists conflicts row by row) */
CLI_GETTER(get_value_status, value_row, const cJSON *used = cJSON_GetObjectItemCaseSensitive(row->it, "used");
           const int is_used = cJSON_IsTrue(used) || (cJSON_IsNumber(used) && used->valueint);
           c->str = row->kind == VAL_AFFINITY ? (is_used ? "used" : "kept")
                    : row->kind == VAL_PK     ? sibling(row, "_status", c->buf, sizeof c->buf)
                                              : "")
CLI_GETTER(get_source, value_row,
           c->str = row->kind == VAL_AFFINITY ? jstr(row->it, "source")
                                              : sibling(row, row->kind == VAL_PK ? "_source" : "", c->buf, sizeof c->buf))

static const cli_column VALUE_COLUMNS[] = {
    CLI_GET("section", NULL, 0, CLI_COL_STR, get_section),
    CLI_GET("item", NULL, 0, CLI_COL_STR, get_item),
    CLI_GET("value", NULL, 0, CLI_COL_STR, get_value),
    CLI_GET("unit/measure", NULL, 0, CLI_COL_STR, get_unit),
    CLI_GET("status", NULL, 0, CLI_COL_STR, get_value_status),
    CLI_GET("source", NULL, 0, CLI_COL_STR, get_source),
};

/* The rows of a compound's document (pointers into doc). */
static value_row *value_rows(const cJSON *doc, size_t *n) {
  const cJSON *aff = cJSON_GetObjectItemCaseSensitive(doc, "affinities");
  const cJSON *pk = cJSON_GetObjectItemCaseSensitive(doc, "pk");
  const cJSON *fm = cJSON_GetObjectItemCaseSensitive(pk, "fm");
  const cJSON *fms = cJSON_GetObjectItemCaseSensitive(pk, "fm_source");
  const size_t cap = (size_t)cJSON_GetArraySize(aff) + (size_t)cJSON_GetArraySize(pk) + (size_t)cJSON_GetArraySize(fm);
  value_row *rows = calloc(cap + 1, sizeof *rows);
  *n = 0;
  if (rows == NULL) return NULL;
  const cJSON *it;
  cJSON_ArrayForEach(it, aff) rows[(*n)++] = (value_row){VAL_AFFINITY, it, NULL};
  cJSON_ArrayForEach(it, pk) {
    /* a value's status and source are its siblings; fm is listed by member below */
    if (strstr(it->string, "_source") == NULL && strstr(it->string, "_status") == NULL && strcmp(it->string, "fm") != 0) {
      rows[(*n)++] = (value_row){VAL_PK, it, pk};
    }
  }
  cJSON_ArrayForEach(it, fm) rows[(*n)++] = (value_row){VAL_FM, it, fms};
  return rows;
}

/* The full citation of every source, under the table. */
static void sources_note(cli_result *res, const cJSON *doc) {
  cli_result_note(res, "\nsources:\n");
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "sources")) {
    cli_result_note(res, "  %-28s %s\n", jstr(it, "key"), jstr(it, "citation"));
  }
}

static int show(cli_ctx *ctx, ru_kb *kb, const char *name) {
  int rc = 0;
  cJSON *doc = NULL;
  cli_result *res = show_start(ctx, kb, name, 0, &doc, &rc);
  if (res == NULL) return rc;
  size_t n = 0;
  value_row *rows = value_rows(doc, &n);
  if (rows == NULL) cli_result_oom(res);
  const cJSON *mw = cJSON_GetObjectItemCaseSensitive(doc, "mw");
  char mwt[32];
  cli_result_note(res, "%s (%s), MW %s g/mol\n", jstr(doc, "name")[0] ? jstr(doc, "name") : name,
                  jstr(doc, "class")[0] ? jstr(doc, "class") : "?",
                  cJSON_IsNumber(mw) ? cli_fmt(mwt, sizeof mwt, mw->valuedouble, 8) : "missing");
  const brain_row b = brain_exposure(kb, name);
  char kv[32];
  cli_result_note(res, "brain exposure: Kp,uu,brain %s (%s%s%s)\n\n", cli_fmt(kv, sizeof kv, b.kp.value, 4),
                  b.is_default ? "DEFAULT (no brain-exposure evidence)" : b.status, b.kp.source[0] ? ", " : "",
                  b.kp.source);
  cli_result_rows(res, NULL, NULL, VALUE_COLUMNS, sizeof VALUE_COLUMNS / sizeof VALUE_COLUMNS[0], rows,
                  sizeof *rows, n, NULL, CLI_IN_TEXT);
  sources_note(res, doc);
  cli_result_note(res, "\n(--format json lists every row with status, derivations and conflicts)\n");
  free(rows);
  cli_result_merge(res, doc);
  cli_result_begin(res, "brain_exposure", NULL);
  cli_result_fields(res, NULL, BRAIN, sizeof BRAIN / sizeof BRAIN[0], &b, NULL, CLI_IN_JSON);
  cli_result_end(res);
  return cli_result_finish(res);
}

/* --- show PRODUCT: its rows as the document lists them --------------------------------------- */

/* the derivation and the notes of a product row, in one column */
typedef const cJSON *json_row;
CLI_GETTER(get_notes, json_row, const char *der = jstr(*row, "derivation"); const char *nt = jstr(*row, "notes");
           snprintf(c->buf, sizeof c->buf, "%s%s%s", der, (*der && *nt) ? "; " : "", nt); c->str = c->buf)

static const cli_column PRODUCT_COLUMNS[] = {
    CLI_JSON("key", NULL, 0, CLI_COL_STR, "key"),
    CLI_JSON("value", NULL, 0, CLI_COL_STR, "value"),
    CLI_JSON("unit", NULL, 0, CLI_COL_STR, "unit"),
    CLI_JSON("status", NULL, 0, CLI_COL_STR, "status"),
    CLI_JSON("source", NULL, 0, CLI_COL_STR, "source"),
    CLI_GET("derivation / notes", NULL, 0, CLI_COL_STR, get_notes),
};

static int show_product(cli_ctx *ctx, ru_kb *kb, const char *name) {
  int rc = 0;
  cJSON *doc = NULL;
  cli_result *res = show_start(ctx, kb, name, 1, &doc, &rc);
  if (res == NULL) return rc;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "rows"), *r;
  const cJSON **rows = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof *rows);
  if (rows == NULL) cli_result_oom(res);
  size_t n = 0;
  cJSON_ArrayForEach(r, list) {
    if (rows != NULL && strcmp(jstr(r, "key"), "brand") != 0) rows[n++] = r;
  }
  const cJSON *rel = cJSON_GetObjectItemCaseSensitive(doc, "release");
  cli_result_note(res, "%s (product, %s): release model %s\n", jstr(doc, "name"), jstr(doc, "class"),
                  jstr(rel, "model"));
  const cJSON *c;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(doc, "compounds")) {
    char v[32];
    cli_result_note(res, "  %s: %s mg per mg labelled (%s)\n", jstr(c, "compound"),
                    cli_fmt(v, sizeof v, jnum(c, "mg_per_label_mg"), 6), jstr(c, "source"));
  }
  if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "incomplete"))) {
    cli_result_note(res, "  INCOMPLETE: %s\n", jstr(doc, "incomplete"));
  }
  cli_result_note(res, "\n");
  cli_result_rows(res, NULL, NULL, PRODUCT_COLUMNS, sizeof PRODUCT_COLUMNS / sizeof PRODUCT_COLUMNS[0],
                  rows, sizeof *rows, n, NULL, CLI_IN_TEXT);
  sources_note(res, doc);
  free(rows);
  cli_result_merge(res, doc);
  return cli_result_finish(res);
}

/* --- list --products ------------------------------------------------------------------------- */

CLI_GETTER(get_components, ru_product,
           for (size_t k = 0; k < row->n_components && k < CLI_CELL_MAX_STRS; k++) c->strs[c->nstrs++] =
               row->component[k].compound)
CLI_GETTER(get_release, ru_product, c->str = ru_release_kind_name(row->release.kind))
CLI_GETTER(get_incomplete, ru_product, c->str = row->incomplete[0] ? row->incomplete : NULL)
CLI_GETTER(get_status, ru_product, c->str = row->incomplete[0] ? "incomplete" : "complete")

static const cli_column PRODUCT_LIST_COLUMNS[] = {
    CLI_FIELD_STR("product", ru_product, name),
    CLI_FIELD_STR("class", ru_product, drug_class),
    CLI_GET("compounds", NULL, 0, CLI_COL_STRS, get_components),
    CLI_GET("release", NULL, 0, CLI_COL_STR, get_release),
    CLI_FIELD_NUM("usual_dose_mg", "mg", 4, ru_product, usual_dose_mg.value),
    CLI_FIELD_NUM("interval_h", "h", 3, ru_product, interval_h.value),
    {"incomplete", NULL, 0, CLI_COL_STR, 0, get_incomplete, NULL, CLI_IN_JSON, NULL},
    {"status", NULL, 0, CLI_COL_STR, 0, get_status, NULL, CLI_IN_TEXT, NULL},
};

static int list_products(cli_ctx *ctx, ru_kb *kb, const char *klass) {
  ru_product *rows = NULL;
  size_t np = 0, n = 0;
  ru_error err;
  ru_error_clear(&err);
  const ru_status st = ru_kb_products(kb, &rows, &np, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  for (size_t i = 0; i < np; i++) {
    if (klass == NULL || strcasecmp(rows[i].drug_class, klass) == 0) rows[n++] = rows[i];
  }
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) {
    ru_free(rows);
    return 1;
  }
  cli_result_rows(res, "products", NULL, PRODUCT_LIST_COLUMNS,
                  sizeof PRODUCT_LIST_COLUMNS / sizeof PRODUCT_LIST_COLUMNS[0], rows, sizeof *rows, n,
                  NULL, CLI_IN_ALL);
  cli_result_note(res, "\n('reuptake drugs show PRODUCT' gives the release model, every value and its source)\n");
  ru_free(rows);
  return cli_result_finish(res);
}

/* --- list, search: compounds ----------------------------------------------------------------- */

/* rows are indices of compounds; user is the knowledge base */
CLI_GETTER(get_name, size_t, c->str = ru_kb_compound_name(user, *row))
CLI_GETTER(get_class, size_t, c->str = ru_kb_compound_class(user, *row))

static const cli_column COMPOUND_COLUMNS[] = {
    CLI_GET("name", NULL, 0, CLI_COL_STR, get_name),
    CLI_GET("class", NULL, 0, CLI_COL_STR, get_class),
};

static int list(cli_ctx *ctx, ru_kb *kb, const char *text, const char *klass) {
  const size_t count = ru_kb_compound_count(kb);
  size_t *idx = calloc(count + 1, sizeof *idx), n = 0;
  if (idx == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  ru_error err;
  ru_error_clear(&err);
  if (text != NULL) {
    const ru_status st = ru_kb_search(kb, text, idx, count, &n, &err);
    if (st != RU_OK) {
      free(idx);
      return cli_fail(ctx, st, &err);
    }
  } else {
    for (size_t i = 0; i < count; i++) idx[n++] = i;
  }
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    const char *c = ru_kb_compound_class(kb, idx[k]);
    if (klass == NULL || (c != NULL && strcasecmp(c, klass) == 0)) idx[m++] = idx[k];
  }
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) {
    free(idx);
    return 1;
  }
  cli_result_rows(res, "compounds", NULL, COMPOUND_COLUMNS, 2, idx, sizeof *idx, m, kb, CLI_IN_ALL);
  free(idx);
  return cli_result_finish(res);
}

int cmd_drugs(cli_ctx *ctx) {
  if (cli_npos(ctx) == 0) return cli_usage(ctx, "expected list, show NAME or search TEXT");
  const char *sub = cli_pos(ctx, 0);
  const char *klass = cli_str(ctx, "--class");
  const int products = cli_flag(ctx, "--products");
  int rc = 0;
  if (strcmp(sub, "list") == 0) {
    if (cli_npos(ctx) > 1) return cli_usage(ctx, "unexpected argument '%s'", cli_pos(ctx, 1));
    ru_kb *kb = cli_kb(ctx, &rc);
    if (kb == NULL) return rc;
    return products ? list_products(ctx, kb, klass) : list(ctx, kb, NULL, klass);
  }
  if (strcmp(sub, "show") == 0 || strcmp(sub, "search") == 0) {
    const int is_show = sub[1] == 'h';
    if (cli_npos(ctx) != 2) return cli_usage(ctx, "%s needs exactly one %s", sub, is_show ? "NAME" : "TEXT");
    if (klass != NULL || products) return cli_usage(ctx, "--class and --products belong to 'drugs list'");
    ru_kb *kb = cli_kb(ctx, &rc);
    if (kb == NULL) return rc;
    const char *what = cli_pos(ctx, 1);
    if (is_show && ru_kb_is_product(kb, what, NULL)) return show_product(ctx, kb, what);
    return is_show ? show(ctx, kb, what) : list(ctx, kb, what, NULL);
  }
  return cli_usage(ctx, "unknown subcommand '%s' (list, show NAME, search TEXT)", sub);
}

/* `kb check --format csv`: one row per compound and value, from the check's JSON document (each
 * row a value object of compounds[].values[], with the compound's name added). */
static const cli_column CHECK_COLUMNS[] = {
    CLI_JSON("compound", NULL, 0, CLI_COL_STR, "compound"),
    CLI_JSON("key", NULL, 0, CLI_COL_STR, "key"),
    CLI_JSON("value", NULL, 6, CLI_COL_NUM, "value"),
    CLI_JSON("status", NULL, 0, CLI_COL_STR, "status"),
    CLI_JSON("source", NULL, 0, CLI_COL_STR, "source"),
    CLI_JSON("source_quality", NULL, 0, CLI_COL_STR, "source_quality"),
    CLI_JSON("weak", NULL, 0, CLI_COL_BOOL, "weak"),
    CLI_JSON("needed", NULL, 0, CLI_COL_BOOL, "needed"),
};

/* The value rows of the check document (pointers into doc; the compound name is added to each).
 * NULL (and *n = 0) when out of memory. */
static const cJSON **check_rows(cJSON *doc, size_t *n) {
  const cJSON *comps = cJSON_GetObjectItemCaseSensitive(doc, "compounds"), *c, *v;
  size_t total = 0;
  cJSON_ArrayForEach(c, comps) total += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "values"));
  const cJSON **rows = calloc(total + 1, sizeof *rows);
  *n = 0;
  cJSON_ArrayForEach(c, comps) {
    const char *name = jstr(c, "name");
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(c, "values")) {
      if (rows == NULL || cJSON_AddStringToObject((cJSON *)v, "compound", name) == NULL) {
        free(rows);
        *n = 0;
        return NULL;
      }
      rows[(*n)++] = v;
    }
  }
  return rows;
}

int cmd_kb(cli_ctx *ctx) {
  if (cli_npos(ctx) != 1 || strcmp(cli_pos(ctx, 0), "check") != 0) {
    return cli_usage(ctx, "expected 'kb check'");
  }
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  char *report = NULL;
  size_t violations = 0;
  ru_error err;
  ru_error_clear(&err);
  /* the table is the check's own text report; JSON and CSV come from its document */
  ru_status st = ctx->format == CLI_FMT_TABLE ? ru_kb_check(kb, &report, &violations, &err)
                                              : ru_kb_check_json(kb, &report, &violations, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  cJSON *doc = NULL;
  if (ctx->format != CLI_FMT_TABLE) {
    doc = parse_doc(ctx, report, &rc);
    report = NULL;
    if (doc == NULL) return rc;
  }
  cli_result *res = cli_result_new(ctx);
  if (res == NULL) {
    ru_free(report);
    cJSON_Delete(doc);
    return 1;
  }
  if (ctx->format == CLI_FMT_TABLE) {
    cli_result_lines(res, NULL, NULL, report, NULL, CLI_IN_TABLE);
    ru_free(report);
  } else if (ctx->format == CLI_FMT_CSV) {
    size_t n = 0;
    const cJSON **rows = check_rows(doc, &n);
    if (rows == NULL) cli_result_oom(res);
    cli_result_rows(res, NULL, NULL, CHECK_COLUMNS, sizeof CHECK_COLUMNS / sizeof CHECK_COLUMNS[0],
                    rows, sizeof *rows, n, NULL, CLI_IN_CSV);
    free(rows);
    cJSON_Delete(doc);
  } else {
    cli_result_merge(res, doc);
  }
  rc = cli_result_finish(res);
  if (rc == 0 && violations > 0) {
    /* the shipped knowledge base violating its rules is a defect (exit 1); a --kb or
     * --compounds file given by the user is theirs to fix (exit 2) */
    fprintf(stderr, "reuptake kb: %zu violation(s)\n", violations);
    return ctx->kb_path != NULL || ctx->user_kb_path != NULL ? 2 : 1;
  }
  return rc;
}
