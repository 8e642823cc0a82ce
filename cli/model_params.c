/* `reuptake synapse --params` and `reuptake physiology --params`: a model's parameters as the
 * knowledge base gives them, each with its status and the citation its source key resolves to
 * (docs/synapse.md). One description of the rows (result.h) gives the table, CSV and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "result.h"
#include "reuptake/physio.h"
#include "reuptake/synapse.h"

/* A parameter with its resolved citation (or why there is none). */
typedef struct param_row {
  ru_model_param p;
  char citation[1024];
} param_row;

CLI_GETTER(get_status, param_row, c->str = ru_value_status_name(row->p.value.status))

static const cli_column PARAMS[] = {
    CLI_FIELD_STRP("domain", param_row, p.domain),
    CLI_FIELD_STRP("name", param_row, p.name),
    CLI_FIELD_NUM("value", NULL, 6, param_row, p.value.value),
    CLI_FIELD_STRP("unit", param_row, p.unit),
    CLI_GET("status", NULL, 0, CLI_COL_STR, get_status),
    CLI_FIELD_STR("source", param_row, p.value.source),
    CLI_FIELD_STR("citation", param_row, citation),
    CLI_FIELD_STRP("meaning", param_row, p.meaning),
    {"optional", NULL, 0, CLI_COL_BOOL, offsetof(param_row, p.optional), NULL, NULL, CLI_IN_JSON, NULL},
};

typedef ru_status (*param_at_fn)(const void *model, size_t i, ru_model_param *out, ru_error *err);

static ru_status syn_param_at(const void *m, size_t i, ru_model_param *out, ru_error *err) {
  return ru_synapse_param_at(m, i, out, err);
}
static ru_status phys_param_at(const void *m, size_t i, ru_model_param *out, ru_error *err) {
  return ru_physio_param_at(m, i, out, err);
}

/* Renders the n parameters of model under "parameters". */
static int emit_params(cli_ctx *ctx, ru_kb *kb, const void *model, size_t n, param_at_fn at) {
  param_row *rows = calloc(n + 1, sizeof *rows);
  cli_result *res = rows != NULL ? cli_result_new(ctx) : NULL;
  if (res == NULL) {
    free(rows);
    return rows != NULL ? 1 : cli_fail(ctx, RU_ENOMEM, NULL);
  }
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    param_row *r = &rows[m];
    if (at(model, i, &r->p, NULL) != RU_OK) continue;
    ru_model_param_citation(kb, &r->p, r->citation, sizeof r->citation);
    m++;
  }
  cli_result_rows(res, "parameters", NULL, PARAMS, sizeof PARAMS / sizeof PARAMS[0], rows, sizeof *rows,
                  m, NULL, CLI_IN_ALL);
  free(rows);
  return cli_result_finish(res);
}

int cmd_model_params(cli_ctx *ctx, int physio) {
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  ru_error err;
  ru_error_clear(&err);
  ru_physio *p = NULL;
  ru_synapse *s = NULL;
  const ru_status st = physio ? ru_physio_new(kb, &p, &err) : ru_synapse_new(kb, &s, &err);
  if (st != RU_OK) return cli_fail(ctx, st, &err);
  rc = physio ? emit_params(ctx, kb, p, ru_physio_param_count(p), phys_param_at)
              : emit_params(ctx, kb, s, ru_synapse_param_count(s), syn_param_at);
  ru_physio_free(p);
  ru_synapse_free(s);
  return rc;
}
