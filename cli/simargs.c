/* Shared simulation options (simargs.h). */
#include "simargs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The options this parser owns (the regimen, solver, grid and target groups). */
static int is_sim_option(const cli_option *o) {
  const cli_option *const groups[] = {CLI_OPTS_REGIMEN, CLI_OPTS_SOLVER, CLI_OPTS_GRID, CLI_OPTS_TARGETS};
  for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
    for (const cli_option *p = groups[g]; p->name != NULL; p++) {
      if (p == o) return 1;
    }
  }
  return 0;
}

int simargs_is_regimen(const cli_arg *p) {
  return p->opt == NULL && p->text[0] != '-' && strchr(p->text, ':') != NULL;
}

int simargs_parse(cli_ctx *ctx, simargs *a) {
  memset(a, 0, sizeof *a);
  a->days = nan("");
  a->hours = nan("");
  a->step_h = nan("");
  /* the values were checked against the option table (cli_parse): kinds and ranges hold */
  for (size_t k = 0; k < ctx->nparsed; k++) {
    const cli_arg *p = &ctx->parsed[k];
    if (simargs_is_regimen(p)) {
      if (a->nregimens >= SIMARGS_MAX) return cli_usage(ctx, "too many regimens (at most %d)", SIMARGS_MAX);
      a->regimens[a->nregimens++] = p->text;
      continue;
    }
    if (p->opt == NULL) {
      if (a->nrest >= CLI_MAX_ARGS) return cli_usage(ctx, "too many arguments");
      a->rest[a->nrest++] = p->text;
      continue;
    }
    if (!is_sim_option(p->opt)) continue; /* the command's own: it reads them with cli_str */
    const char *n = p->opt->name;
    if (strcmp(n, "--phenotype") == 0) {
      if (a->nphenotypes >= SIMARGS_MAX_PHENOTYPES) return cli_usage(ctx, "too many --phenotype options");
      a->phenotypes[a->nphenotypes++] = p->text;
    } else if (strcmp(n, "--data") == 0) {
      a->data_path = p->text;
    } else if (strcmp(n, "--data-map") == 0) {
      a->data_map = p->text;
    } else if (strcmp(n, "--solver") == 0) {
      a->solver = strcmp(p->text, "cvode") == 0    ? RU_SOLVER_CVODE
                  : strcmp(p->text, "hybrid") == 0 ? RU_SOLVER_HYBRID
                                                   : RU_SOLVER_AUTO;
    } else if (strcmp(n, "--tol") == 0) {
      a->tol = p->num;
    } else if (strcmp(n, "--days") == 0) {
      a->days = p->num;
    } else if (strcmp(n, "--hours") == 0) {
      a->hours = p->num;
    } else if (strcmp(n, "--step") == 0) {
      a->step_h = p->num;
    } else if (strcmp(n, "--times") == 0) {
      a->times = p->text;
    } else if (strcmp(n, "--targets") == 0) {
      a->targets = p->text;
    }
  }
  return 0;
}

int simargs_no_rest(cli_ctx *ctx, const simargs *a) {
  if (a->nrest == 0) return 0;
  return cli_usage(ctx, "'%s' is not a regimen (expected DRUG:DOSE[:qINTERVAL]..., e.g. "
                        "paroxetine:20mg:q24h)", a->rest[0]);
}

int simargs_regimen(cli_ctx *ctx, const simargs *a, ru_regimen **out) {
  ru_error err;
  ru_error_clear(&err);
  *out = NULL;
  if (a->nregimens == 0 && a->data_path == NULL) {
    return cli_usage(ctx, "no regimen given (e.g. 'reuptake %s paroxetine:20mg:q24h')",
                     ctx->command);
  }
  ru_regimen *r = NULL;
  ru_status st = ru_regimen_new(&r, &err);
  for (size_t i = 0; st == RU_OK && i < a->nregimens; i++) {
    st = ru_regimen_parse(r, a->regimens[i], &err);
  }
  if (st == RU_OK && a->data_map != NULL && a->data_path == NULL) {
    ru_regimen_free(r);
    return cli_usage(ctx, "--data-map needs --data FILE");
  }
  if (st == RU_OK && a->data_map != NULL) {
    st = ru_regimen_set_data_map(r, a->data_map, &err);
  }
  if (st == RU_OK && a->data_path != NULL) {
    st = ru_regimen_read_dataset(r, a->data_path, &err);
  }
  if (st != RU_OK) {
    ru_regimen_free(r);
    return cli_fail(ctx, st, &err);
  }
  /* nothing that changes doses is dropped silently: a column the reader ignores but that looks
   * like a dose modifier is named once (a warning, not an error: the run continues) */
  for (size_t i = 0; i < ru_regimen_warning_count(r) && !ctx->quiet; i++) {
    fprintf(stderr, "reuptake %s: warning: %s\n", ctx->command, ru_regimen_warning(r, i));
  }
  *out = r;
  return 0;
}

int simargs_sim(cli_ctx *ctx, const simargs *a, const ru_regimen *r, ru_sim **out) {
  *out = NULL;
  int rc = 0;
  ru_kb *kb = cli_kb(ctx, &rc);
  if (kb == NULL) return rc;
  ru_error err;
  ru_error_clear(&err);
  ru_sim *s = NULL;
  ru_status st = ru_sim_new(kb, &s, &err);
  if (st == RU_OK && r != NULL) st = ru_sim_add_regimen(s, r, &err);
  for (size_t i = 0; st == RU_OK && i < a->nphenotypes; i++) {
    /* a comma list is accepted: --phenotype CYP2D6=PM,CYP2C19=IM */
    char buf[256];
    size_t n = strlen(a->phenotypes[i]);
    if (n >= sizeof buf) {
      st = ru_error_set(&err, RU_EINVAL, "--phenotype '%s' too long", a->phenotypes[i]);
      break;
    }
    memcpy(buf, a->phenotypes[i], n + 1);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok && st == RU_OK; tok = strtok_r(NULL, ",", &save)) {
      st = ru_sim_set_phenotype(s, tok, &err);
    }
  }
  for (size_t i = 0; st == RU_OK && i < ctx->nsets; i++) {
    st = ru_sim_set_override(s, ctx->sets[i], &err);
  }
  if (s != NULL) ru_sim_set_solver(s, a->solver);
  if (s != NULL && a->tol > 0.0) (void)ru_sim_set_hybrid_tolerance(s, a->tol, NULL);
  ru_sim_set_cancel(s, ctx->stop); /* Ctrl-C stops a long run */
  if (st == RU_OK) st = ru_sim_prepare(s, &err);
  if (st != RU_OK) {
    ru_sim_free(s);
    return cli_fail(ctx, st, &err);
  }
  *out = s;
  return 0;
}

int simargs_build(cli_ctx *ctx, const simargs *a, ru_sim **out) {
  ru_regimen *r = NULL;
  int rc = simargs_regimen(ctx, a, &r);
  if (rc) return rc;
  rc = simargs_sim(ctx, a, r, out);
  ru_regimen_free(r);
  return rc;
}

/* The --times list: ascending times with units (h when none). Returns 0 or an exit code. */
static int parse_times(cli_ctx *ctx, const char *spec, double **times, size_t *nt) {
  size_t cap = 16, n = 0;
  double *t = malloc(cap * sizeof *t);
  char *buf = strdup(spec);
  int rc = 0;
  if (t == NULL || buf == NULL) rc = cli_fail(ctx, RU_ENOMEM, NULL);
  char *save = NULL;
  for (char *tok = rc ? NULL : strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
    double v = 0.0;
    ru_error err;
    ru_error_clear(&err);
    if (ru_units_parse(RU_UNIT_TIME, tok, "h", 0.0, &v, &err) != RU_OK) {
      rc = cli_usage(ctx, "--times: %s", err.message);
      break;
    }
    if (!(v <= SIMARGS_MAX_HORIZON_H)) {
      rc = cli_usage(ctx, "--times: '%s' is outside [0, %g] h", tok, SIMARGS_MAX_HORIZON_H);
      break;
    }
    if (n > 0 && v < t[n - 1]) {
      /* the message names the token: report before buf (which holds it) is freed */
      rc = cli_usage(ctx, "--times must be ascending ('%s')", tok);
      break;
    }
    if (n == cap) {
      cap *= 2;
      double *grown = realloc(t, cap * sizeof *grown);
      if (grown == NULL) {
        rc = cli_fail(ctx, RU_ENOMEM, NULL);
        break;
      }
      t = grown;
    }
    t[n++] = v;
  }
  free(buf);
  if (rc == 0 && n == 0) rc = cli_usage(ctx, "--times: no times given");
  if (rc != 0) {
    free(t);
    return rc;
  }
  *times = t;
  *nt = n;
  return 0;
}

int simargs_times(cli_ctx *ctx, const simargs *a, double default_days, double **times,
                  size_t *nt) {
  *times = NULL;
  *nt = 0;
  if (a->times != NULL) return parse_times(ctx, a->times, times, nt);
  double horizon = default_days * 24.0;
  if (isfinite(a->days)) horizon = a->days * 24.0;
  if (isfinite(a->hours)) horizon = a->hours;
  double step = a->step_h;
  if (!isfinite(step)) {
    step = ru_sim_default_step_h(horizon);
  }
  const double count = floor(horizon / step + 1e-9) + 1.0;
  if (count > 5e6) {
    return cli_usage(ctx, "--step %g h over %g h gives %.0f points (at most 5 million)", step,
                     horizon, count);
  }
  const size_t n = (size_t)count;
  double *t = malloc(n * sizeof *t);
  if (t == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  for (size_t j = 0; j < n; j++) t[j] = (double)j * step;
  *times = t;
  *nt = n;
  return 0;
}

size_t simargs_target_list(const char *spec, const char **out, size_t max) {
  const char *const *all = ru_kb_targets();
  size_t n = 0;
  if (spec == NULL || strcmp(spec, "all") == 0) {
    for (size_t i = 0; all[i] != NULL && n < max; i++) out[n++] = all[i];
    return n;
  }
  /* match case-insensitively against the known list so out[] points at static strings */
  const char *p = spec;
  while (*p && n < max) {
    const char *e = strchr(p, ',');
    const size_t len = e ? (size_t)(e - p) : strlen(p);
    int found = 0;
    for (size_t i = 0; all[i] != NULL; i++) {
      if (strlen(all[i]) == len && strncasecmp(all[i], p, len) == 0) {
        out[n++] = all[i];
        found = 1;
        break;
      }
    }
    if (!found) return (size_t)-1;
    p = e ? e + 1 : p + len;
  }
  return n;
}
