/* `reuptake drugs list|show NAME|search TEXT` and `reuptake kb check`: the knowledge base as
 * users see it, every value with its citation. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>

#include "common.h"

static int show(cli_ctx *ctx, ru_kb *kb, const char *name) {
  ru_error err;
  ru_error_clear(&err);
  char *json = NULL;
  ru_status st = ru_kb_compound_json(kb, name, &json, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  cJSON *root = cJSON_Parse(json);
  ru_free(json);
  if (root == NULL) return cli_usage(ctx, "internal error: bad JSON from the knowledge base");
  if (ctx->format == CLI_FMT_JSON) return cli_emit_json(ctx, root);
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
    for (size_t i = 1; i < ctx->nargs; i++) {
      int missing = 0;
      const char *v = cli_opt_value(ctx, &i, "--class", &missing);
      if (v) klass = v;
      else return cli_usage(ctx, missing ? "--class needs a value" : "unexpected argument '%s'", ctx->args[i]);
    }
    ru_kb *kb = cli_kb(ctx, &rc);
    return kb ? list(ctx, kb, NULL, klass) : rc;
  }
  if (strcmp(sub, "show") == 0 || strcmp(sub, "search") == 0) {
    if (ctx->nargs != 2) return cli_usage(ctx, "%s needs exactly one %s", sub, sub[1] == 'h' ? "NAME" : "TEXT");
    ru_kb *kb = cli_kb(ctx, &rc);
    if (kb == NULL) return rc;
    return sub[1] == 'h' ? show(ctx, kb, ctx->args[1]) : list(ctx, kb, ctx->args[1], NULL);
  }
  return cli_usage(ctx, "unknown subcommand '%s' (list, show NAME, search TEXT)", sub);
}

int cmd_kb(cli_ctx *ctx) {
  if (ctx->nargs != 1 || strcmp(ctx->args[0], "check") != 0) {
    return cli_usage(ctx, "expected 'kb check'");
  }
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  char *report = NULL;
  size_t violations = 0;
  ru_error err;
  ru_error_clear(&err);
  ru_status st = ctx->format == CLI_FMT_JSON ? ru_kb_check_json(kb, &report, &violations, &err)
                                             : ru_kb_check(kb, &report, &violations, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  if (ctx->format == CLI_FMT_JSON) {
    /* structured: per compound, per key, status and source quality (ru_kb_check_json) */
    cJSON *root = cJSON_Parse(report ? report : "");
    ru_free(report);
    if (root == NULL) return cli_usage(ctx, "internal error: bad JSON from the knowledge-base check");
    rc = cli_emit_json(ctx, root);
  } else {
    cli_out *o = cli_out_new();
    cli_out_printf(o, "%s", report ? report : "");
    ru_free(report);
    rc = cli_out_commit(ctx, o);
  }
  if (rc == 0 && violations > 0) {
    fprintf(stderr, "reuptake kb: %zu violation(s)\n", violations);
    return 1;
  }
  return rc;
}
