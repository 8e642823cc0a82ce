/* `reuptake drugs list|show NAME|search TEXT` and `reuptake kb check`: the knowledge base as
 * users see it, every value with its citation. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>

#include "common.h"
#include "result.h"

/* The `drugs show` JSON of a compound or a product, parsed; JSON output is emitted at once
 * (*done = 1 with the exit code returned). */
static cJSON *show_json(cli_ctx *ctx, ru_kb *kb, const char *name, int product, int *done, int *rc) {
  ru_error err;
  ru_error_clear(&err);
  char *json = NULL;
  ru_status st = product ? ru_kb_product_json(kb, name, &json, &err) : ru_kb_compound_json(kb, name, &json, &err);
  *done = 1;
  if (st != RU_OK) {
    *rc = cli_fail(ctx, st, &err);
    return NULL;
  }
  cJSON *root = cJSON_Parse(json);
  ru_free(json);
  if (root == NULL) {
    *rc = cli_usage(ctx, "internal error: bad JSON from the knowledge base");
    return NULL;
  }
  if (ctx->format == CLI_FMT_JSON) {
    *rc = cli_emit_json(ctx, root);
    return NULL;
  }
  *done = 0;
  return root;
}

static int show(cli_ctx *ctx, ru_kb *kb, const char *name) {
  int done = 0, rc = 0;
  cJSON *root = show_json(ctx, kb, name, 0, &done, &rc);
  if (done) return rc;
  cli_out *o = cli_out_new();
  const cJSON *nm = cJSON_GetObjectItem(root, "name"), *cl = cJSON_GetObjectItem(root, "class");
  const cJSON *mw = cJSON_GetObjectItem(root, "mw");
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "%s (%s), MW %s g/mol\n\n", cJSON_IsString(nm) ? nm->valuestring : name,
                   cJSON_IsString(cl) ? cl->valuestring : "?",
                   cJSON_IsNumber(mw) ? cJSON_PrintUnformatted(mw) : "missing");
  }
  static const char *const ah[] = {"section", "item", "value", "unit/measure", "status", "source"};
  cli_table *t = cli_table_new(6, ah);
  const cJSON *aff = cJSON_GetObjectItem(root, "affinities");
  const cJSON *it;
  cJSON_ArrayForEach(it, aff) {
    char v[32];
    const cJSON *val = cJSON_GetObjectItem(it, "value_nM");
    const cJSON *used = cJSON_GetObjectItem(it, "used");
    const cJSON *tg = cJSON_GetObjectItem(it, "target"), *ms = cJSON_GetObjectItem(it, "measure");
    const cJSON *src = cJSON_GetObjectItem(it, "source");
    const char *cells[6] = {"affinity", cJSON_IsString(tg) ? tg->valuestring : "",
                            cli_fmt(v, sizeof v, cJSON_IsNumber(val) ? val->valuedouble : nan(""), 4),
                            cJSON_IsString(ms) ? ms->valuestring : "",
                            cJSON_IsTrue(used) || (cJSON_IsNumber(used) && used->valueint) ? "used" : "kept",
                            cJSON_IsString(src) ? src->valuestring : ""};
    cli_table_add(t, cells);
  }
  const cJSON *pk = cJSON_GetObjectItem(root, "pk");
  cJSON_ArrayForEach(it, pk) {
    if (strstr(it->string, "_source") != NULL || strstr(it->string, "_status") != NULL ||
        strcmp(it->string, "fm") == 0)
      continue;
    char v[64], key[96], skey[96];
    snprintf(key, sizeof key, "%s_source", it->string);
    snprintf(skey, sizeof skey, "%s_status", it->string);
    const cJSON *src = cJSON_GetObjectItem(pk, key);
    const cJSON *stat = cJSON_GetObjectItem(pk, skey);
    const char *val = cJSON_IsNumber(it) ? cli_fmt(v, sizeof v, it->valuedouble, 5)
                      : cJSON_IsString(it) ? it->valuestring : "missing";
    /* the status marks derived, secondary and missing values (JSON lists conflicts row by row) */
    const char *cells[6] = {"pk", it->string, val, "", cJSON_IsString(stat) ? stat->valuestring : "",
                            cJSON_IsString(src) ? src->valuestring : ""};
    cli_table_add(t, cells);
  }
  const cJSON *fm = cJSON_GetObjectItem(pk, "fm");
  const cJSON *fms = cJSON_GetObjectItem(pk, "fm_source");
  cJSON_ArrayForEach(it, fm) {
    char v[32], key[96];
    snprintf(key, sizeof key, "fm.%s", it->string);
    const cJSON *src = fms ? cJSON_GetObjectItem(fms, it->string) : NULL;
    const char *cells[6] = {"pk", key, cli_fmt(v, sizeof v, cJSON_IsNumber(it) ? it->valuedouble : nan(""), 4),
                            "fraction", "", cJSON_IsString(src) ? src->valuestring : ""};
    cli_table_add(t, cells);
  }
  cli_table_render(t, ctx->format, o);
  cli_table_free(t);
  if (ctx->format == CLI_FMT_TABLE) {
    const cJSON *srcs = cJSON_GetObjectItem(root, "sources");
    cli_out_printf(o, "\nsources:\n");
    cJSON_ArrayForEach(it, srcs) {
      const cJSON *k = cJSON_GetObjectItem(it, "key"), *c = cJSON_GetObjectItem(it, "citation");
      cli_out_printf(o, "  %-28s %s\n", cJSON_IsString(k) ? k->valuestring : "",
                     cJSON_IsString(c) ? c->valuestring : "");
    }
    cli_out_printf(o, "\n(--format json lists every row with status, derivations and conflicts)\n");
  }
  cJSON_Delete(root);
  return cli_out_commit(ctx, o);
}

/* --- products (issue 13): `drugs show PRODUCT` and `drugs list --products` ----------------- */

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItem(o, k);
  return cJSON_IsString(v) ? v->valuestring : "";
}

/* A product: compounds and factors, release model and its parameters, doses, every row with its
 * status and source, then the full citation of every source. */
static int show_product(cli_ctx *ctx, ru_kb *kb, const char *name) {
  int done = 0, rc = 0;
  cJSON *root = show_json(ctx, kb, name, 1, &done, &rc);
  if (done) return rc;
  cli_out *o = cli_out_new();
  const cJSON *rel = cJSON_GetObjectItem(root, "release");
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "%s (product, %s): release model %s\n", jstr(root, "name"), jstr(root, "class"),
                   jstr(rel, "model"));
    const cJSON *comps = cJSON_GetObjectItem(root, "compounds"), *c;
    cJSON_ArrayForEach(c, comps) {
      const cJSON *f = cJSON_GetObjectItem(c, "mg_per_label_mg");
      char v[32];
      cli_out_printf(o, "  %s: %s mg per mg labelled (%s)\n", jstr(c, "compound"),
                     cli_fmt(v, sizeof v, cJSON_IsNumber(f) ? f->valuedouble : nan(""), 6), jstr(c, "source"));
    }
    if (cJSON_IsString(cJSON_GetObjectItem(root, "incomplete"))) {
      cli_out_printf(o, "  INCOMPLETE: %s\n", jstr(root, "incomplete"));
    }
    cli_out_printf(o, "\n");
  }
  static const char *const hdr[] = {"key", "value", "unit", "status", "source", "derivation / notes"};
  cli_table *t = cli_table_new(6, hdr);
  const cJSON *rows = cJSON_GetObjectItem(root, "rows"), *r;
  cJSON_ArrayForEach(r, rows) {
    const char *k = jstr(r, "key");
    if (strcmp(k, "brand") == 0) continue;
    char note[512];
    const char *der = jstr(r, "derivation"), *nt = jstr(r, "notes");
    snprintf(note, sizeof note, "%s%s%s", der, (*der && *nt) ? "; " : "", nt);
    const char *cells[6] = {k, jstr(r, "value"), jstr(r, "unit"), jstr(r, "status"), jstr(r, "source"), note};
    cli_table_add(t, cells);
  }
  cli_table_render(t, ctx->format, o);
  cli_table_free(t);
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "\nsources:\n");
    const cJSON *srcs = cJSON_GetObjectItem(root, "sources"), *it;
    cJSON_ArrayForEach(it, srcs) {
      cli_out_printf(o, "  %-28s %s\n", jstr(it, "key"), jstr(it, "citation"));
    }
  }
  cJSON_Delete(root);
  return cli_out_commit(ctx, o);
}

/* Every product with its compounds, release model, usual dose and completeness. */
static int list_products(cli_ctx *ctx, ru_kb *kb, const char *klass) {
  const size_t n = ru_kb_product_count(kb);
  cJSON *root = cJSON_CreateObject();
  cJSON *arr = cJSON_AddArrayToObject(root, "products");
  static const char *const hdr[] = {"product", "class", "compounds", "release", "usual dose", "status"};
  cli_table *t = cli_table_new(6, hdr);
  for (size_t i = 0; i < n; i++) {
    char name[RU_NAME_MAX];
    ru_product p;
    ru_error err;
    ru_error_clear(&err);
    ru_status st = ru_kb_product_at(kb, i, name, &err);
    if (st == RU_OK) st = ru_kb_product(kb, name, &p, &err);
    if (st != RU_OK) {
      cJSON_Delete(root);
      cli_table_free(t);
      return cli_fail(ctx, st, &err);
    }
    if (klass && strcasecmp(p.drug_class, klass) != 0) continue;
    char comps[256] = "", dose[64] = "missing";
    for (size_t c = 0; c < p.n_components; c++) {
      const size_t len = strlen(comps);
      snprintf(comps + len, sizeof comps - len, "%s%s", c ? "+" : "", p.component[c].compound);
    }
    char v[32];
    if (isfinite(p.usual_dose_mg.value)) {
      snprintf(dose, sizeof dose, "%s mg q%sh", cli_fmt(v, sizeof v, p.usual_dose_mg.value, 4),
               isfinite(p.interval_h.value) ? cli_fmt((char[32]){0}, 32, p.interval_h.value, 3) : "?");
    }
    const char *status = p.incomplete[0] ? p.incomplete : "complete";
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "product", p.name);
    cJSON_AddStringToObject(o, "class", p.drug_class);
    cJSON *ca = cJSON_AddArrayToObject(o, "compounds");
    for (size_t c = 0; c < p.n_components; c++) cJSON_AddItemToArray(ca, cJSON_CreateString(p.component[c].compound));
    cJSON_AddStringToObject(o, "release", ru_release_kind_name(p.release.kind));
    cJSON_AddItemToObject(o, "usual_dose_mg", cli_json_number(p.usual_dose_mg.value));
    cJSON_AddItemToObject(o, "interval_h", cli_json_number(p.interval_h.value));
    if (p.incomplete[0]) cJSON_AddStringToObject(o, "incomplete", p.incomplete);
    else cJSON_AddNullToObject(o, "incomplete");
    cJSON_AddItemToArray(arr, o);
    const char *cells[6] = {p.name, p.drug_class, comps, ru_release_kind_name(p.release.kind), dose,
                            p.incomplete[0] ? "incomplete" : status};
    cli_table_add(t, cells);
  }
  if (ctx->format == CLI_FMT_JSON) {
    cli_table_free(t);
    return cli_emit_json(ctx, root);
  }
  cJSON_Delete(root);
  cli_out *o = cli_out_new();
  cli_table_render(t, ctx->format, o);
  cli_table_free(t);
  if (ctx->format == CLI_FMT_TABLE) {
    cli_out_printf(o, "\n('reuptake drugs show PRODUCT' gives the release model, every value and its source)\n");
  }
  return cli_out_commit(ctx, o);
}

static int list(cli_ctx *ctx, ru_kb *kb, const char *text, const char *klass) {
  size_t idx[512], n = 0;
  ru_error err;
  ru_error_clear(&err);
  if (text != NULL) {
    ru_status st = ru_kb_search(kb, text, idx, 512, &n, &err);
    if (st != RU_OK) return cli_fail(ctx, st, &err);
    if (n > 512) n = 512;
  } else {
    n = ru_kb_compound_count(kb);
    if (n > 512) n = 512;
    for (size_t i = 0; i < n; i++) idx[i] = i;
  }
  if (ctx->format == CLI_FMT_JSON) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "compounds");
    for (size_t k = 0; k < n; k++) {
      const char *c = ru_kb_compound_class(kb, idx[k]);
      if (klass && (c == NULL || strcasecmp(c, klass) != 0)) continue;
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "name", ru_kb_compound_name(kb, idx[k]));
      cJSON_AddStringToObject(o, "class", c ? c : "");
      cJSON_AddItemToArray(arr, o);
    }
    return cli_emit_json(ctx, root);
  }
  static const char *const hdr[] = {"name", "class"};
  cli_table *t = cli_table_new(2, hdr);
  for (size_t k = 0; k < n; k++) {
    const char *c = ru_kb_compound_class(kb, idx[k]);
    if (klass && (c == NULL || strcasecmp(c, klass) != 0)) continue;
    const char *cells[2] = {ru_kb_compound_name(kb, idx[k]), c ? c : ""};
    cli_table_add(t, cells);
  }
  cli_out *o = cli_out_new();
  cli_table_render(t, ctx->format, o);
  cli_table_free(t);
  return cli_out_commit(ctx, o);
}

int cmd_drugs(cli_ctx *ctx) {
  if (ctx->nargs == 0) return cli_usage(ctx, "expected list, show NAME or search TEXT");
  const char *sub = ctx->args[0];
  int rc = 0;
  if (strcmp(sub, "list") == 0) {
    const char *klass = NULL;
    int products = 0;
    for (size_t i = 1; i < ctx->nargs; i++) {
      int missing = 0;
      if (cli_is_flag(ctx, i, "--products")) {
        products = 1;
        continue;
      }
      const char *v = cli_opt_value(ctx, &i, "--class", &missing);
      if (v) klass = v;
      else return cli_usage(ctx, missing ? "--class needs a value" : "unexpected argument '%s'", ctx->args[i]);
    }
    ru_kb *kb = cli_kb(ctx, &rc);
    if (kb == NULL) return rc;
    return products ? list_products(ctx, kb, klass) : list(ctx, kb, NULL, klass);
  }
  if (strcmp(sub, "show") == 0 || strcmp(sub, "search") == 0) {
    if (ctx->nargs != 2) return cli_usage(ctx, "%s needs exactly one %s", sub, sub[1] == 'h' ? "NAME" : "TEXT");
    ru_kb *kb = cli_kb(ctx, &rc);
    if (kb == NULL) return rc;
    if (sub[1] == 'h' && ru_kb_is_product(kb, ctx->args[1], NULL)) return show_product(ctx, kb, ctx->args[1]);
    return sub[1] == 'h' ? show(ctx, kb, ctx->args[1]) : list(ctx, kb, ctx->args[1], NULL);
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

/* The value rows of the check document (pointers into doc; the compound name is added to each). */
static const cJSON **check_rows(cJSON *doc, size_t *n) {
  *n = 0;
  const cJSON *comps = cJSON_GetObjectItemCaseSensitive(doc, "compounds"), *c, *v;
  cJSON_ArrayForEach(c, comps) *n += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "values"));
  const cJSON **rows = calloc(*n + 1, sizeof *rows);
  if (rows == NULL) return NULL;
  size_t k = 0;
  cJSON_ArrayForEach(c, comps) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(c, "values")) {
      if (k < *n && cJSON_AddStringToObject((cJSON *)v, "compound", cJSON_IsString(name) ? name->valuestring : "") == NULL) {
        free(rows);
        return NULL;
      }
      if (k < *n) rows[k++] = v;
    }
  }
  *n = k;
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
    doc = cJSON_Parse(report ? report : "");
    ru_free(report);
    report = NULL;
    if (doc == NULL) {
      st = cJSON_GetErrorPtr() == NULL ? RU_ENOMEM : RU_EINTERNAL;
      return cli_fail(ctx, st, NULL);
    }
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
    if (rows == NULL) {
      cJSON_Delete(doc);
      cli_result_free(res);
      return cli_fail(ctx, RU_ENOMEM, NULL);
    }
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
