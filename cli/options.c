/* Option tables (options.h): the groups shared by several commands, and the one parser that
 * checks every argument against a command's table before the command runs. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "simargs.h"

/* --- shared groups ---------------------------------------------------------------------------- */

const cli_option CLI_OPTS_OUTPUT[] = {
    {"--format", NULL, CLI_V_CHOICE, "FMT", "output format (default table)", 0, 0,
     "table|csv|json", "json", 0},
    {"--output", "-o", CLI_V_FILE, "FILE", "write the result to FILE (atomically) instead of stdout",
     0, 0, NULL, "out.json", 0},
    {"--quiet", "-q", CLI_V_FLAG, NULL, "no progress or notes on stderr", 0, 0, NULL, NULL, 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_KB[] = {
    {"--kb", NULL, CLI_V_FILE, "FILE", "another knowledge base (SQLite, built by ru-kbc)", 0, 0,
     NULL, "kb.sqlite", 0},
    {"--compounds", NULL, CLI_V_FILE, "FILE", "user compounds added to the knowledge base (CSV)", 0,
     0, NULL, "compounds.csv", 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_SET[] = {
    {"--set", NULL, CLI_V_TEXT, "DRUG.KEY=VALUE",
     "override a knowledge-base value (keys as in 'drugs show' JSON), repeatable", 0, 0, NULL,
     "atomoxetine.cl_f_l_per_h=20", CLI_REPEAT},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_PLOT[] = {
    {"--plot", NULL, CLI_V_FILE, "FILE", "draw the result to FILE (.png, .svg or .pdf)", 0, 0, NULL,
     "plot.png", 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_REGIMEN[] = {
    {"--phenotype", NULL, CLI_V_TEXT, "GENE=PHENO",
     "metabolizer phenotype or activity score (CYP2D6=PM, CYP2C19=IM; comma list), repeatable", 0,
     0, NULL, "CYP2D6=PM", CLI_REPEAT},
    {"--data", NULL, CLI_V_FILE, "FILE.csv",
     "NONMEM-style event dataset (ID, TIME, AMT, EVID, CMT or DRUG, II, ADDL, SS, RATE)", 0, 0,
     NULL, "data.csv", 0},
    {"--data-map", NULL, CLI_V_TEXT, "ITEM=COL,...",
     "the dataset's own column names for the F, ALAG, R and D data items (needs --data)", 0, 0,
     NULL, "F=BIO", 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_SOLVER[] = {
    {"--solver", NULL, CLI_V_CHOICE, "NAME",
     "auto: closed form where linear, the hybrid solver where not; hybrid: always; cvode: CVODE "
     "BDF for every subject (the reference)", 0, 0, "auto|hybrid|cvode", "cvode", 0},
    {"--tol", NULL, CLI_V_NUMBER, "TOL",
     "defect tolerance of the hybrid solver (default 1e-4: 1e-6 max relative error on the "
     "benchmark models)", 1e-12, 0.1, NULL, "1e-6", 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_GRID[] = {
    {"--days", NULL, CLI_V_NUMBER, "N", "simulated days", 1e-6, 3650.0, NULL, "2", 0},
    {"--hours", NULL, CLI_V_NUMBER, "H", "simulated hours (instead of --days)", 1e-6, SIMARGS_MAX_HORIZON_H,
     NULL, "6", 0},
    {"--step", NULL, CLI_V_NUMBER, "H", "output every H hours (every row is printed)", 1e-4,
     8760.0, NULL, "0.5", 0},
    {"--times", NULL, CLI_V_TEXT, "T1,T2,...",
     "output at these times only (ascending; unit h unless given: 30min, 2d)", 0, 0, NULL,
     "1,2,4h,1d", 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

const cli_option CLI_OPTS_TARGETS[] = {
    {"--targets", "--target", CLI_V_TEXT, "T,...|all",
     "targets: SERT, NET, DAT, H1, M1, alpha1, 5-HT2A, 5-HT2C (comma list) or all", 0, 0, NULL,
     "SERT,NET", 0},
    {NULL, NULL, 0, NULL, NULL, 0, 0, NULL, NULL, 0},
};

/* --- lookup and description ------------------------------------------------------------------- */

static int name_is(const char *want, const char *s, size_t len) {
  return want != NULL && strlen(want) == len && strncmp(want, s, len) == 0;
}

const cli_option *cli_option_find(const cli_optgroup *groups, const char *name, size_t len) {
  for (const cli_optgroup *g = groups; g != NULL && g->title != NULL; g++) {
    for (const cli_option *o = g->opts; o->name != NULL; o++) {
      if (name_is(o->name, name, len) || name_is(o->alias, name, len)) return o;
    }
  }
  return NULL;
}

void cli_option_describe(const cli_option *o, char *buf, size_t cap) {
  switch (o->kind) {
  case CLI_V_FLAG:
    snprintf(buf, cap, "no value");
    break;
  case CLI_V_TEXT:
    snprintf(buf, cap, "text");
    break;
  case CLI_V_FILE:
    snprintf(buf, cap, "a file name");
    break;
  case CLI_V_NUMBER:
    snprintf(buf, cap, "a number in [%g, %g]", o->lo, o->hi);
    break;
  case CLI_V_INTEGER:
    snprintf(buf, cap, "a whole number in [%.0f, %.0f]", o->lo, o->hi);
    break;
  case CLI_V_DURATION:
    snprintf(buf, cap, "a duration (min, h, d, w) in [%g, %g] h", o->lo, o->hi);
    break;
  case CLI_V_CHOICE:
    snprintf(buf, cap, "one of %s", o->choices);
    break;
  }
}

/* --- parsing ---------------------------------------------------------------------------------- */

/* "table|csv|json" contains word exactly. */
static int choice_ok(const char *choices, const char *word) {
  const size_t n = strlen(word);
  for (const char *p = choices; p != NULL && *p != '\0';) {
    const char *bar = strchr(p, '|');
    const size_t len = bar ? (size_t)(bar - p) : strlen(p);
    if (len == n && strncmp(p, word, n) == 0) return 1;
    p = bar ? bar + 1 : NULL;
  }
  return 0;
}

/* "table, csv or json" for messages. */
static void choice_words(const char *choices, char *buf, size_t cap) {
  size_t k = 0, count = 1;
  for (const char *p = choices; *p; p++) count += *p == '|';
  size_t seen = 0;
  buf[0] = '\0';
  for (const char *p = choices; *p && k + 8 < cap; p++) {
    if (*p == '|') {
      seen++;
      const char *sep = seen + 1 == count ? " or " : ", ";
      k += (size_t)snprintf(buf + k, cap - k, "%s", sep);
    } else {
      buf[k++] = *p;
      buf[k] = '\0';
    }
  }
}

/* Checks text against o's kind; fills *num. Returns 0 or 2 after a message. */
static int check_value(const cli_ctx *ctx, const cli_option *o, const char *text, double *num) {
  *num = nan("");
  if (o->kind != CLI_V_FLAG && text[0] == '\0') {
    return cli_usage(ctx, "%s needs a value (%s)", o->name, o->metavar ? o->metavar : "text");
  }
  switch (o->kind) {
  case CLI_V_FLAG:
  case CLI_V_TEXT:
  case CLI_V_FILE:
    return 0;
  case CLI_V_CHOICE: {
    if (choice_ok(o->choices, text)) return 0;
    char words[256];
    choice_words(o->choices, words, sizeof words);
    return cli_usage(ctx, "%s '%s': expected %s", o->name, text, words);
  }
  case CLI_V_NUMBER:
  case CLI_V_INTEGER: {
    double v = 0.0;
    if (ru_units_parse_double(text, &v) != RU_OK) {
      return cli_usage(ctx, "%s: '%s' is not a number", o->name, text);
    }
    if (o->kind == CLI_V_INTEGER && v != floor(v)) {
      return cli_usage(ctx, "%s: '%s' is not a whole number", o->name, text);
    }
    if (v < o->lo || v > o->hi) {
      return cli_usage(ctx, "%s: %s is outside [%g, %g]", o->name, text, o->lo, o->hi);
    }
    *num = v;
    return 0;
  }
  case CLI_V_DURATION: {
    ru_error err;
    ru_error_clear(&err);
    double v = 0.0;
    if (ru_units_parse(RU_UNIT_TIME, text, "h", 0.0, &v, &err) != RU_OK) {
      return cli_usage(ctx, "%s: %s", o->name, err.message);
    }
    if (v < o->lo || v > o->hi) {
      return cli_usage(ctx, "%s: %s is outside [%g, %g] h", o->name, text, o->lo, o->hi);
    }
    *num = v;
    return 0;
  }
  }
  return 0;
}

/* Copies an output/kb/set/plot option into its field of ctx; 1 when it was one. */
static int common_field(cli_ctx *ctx, const cli_arg *a) {
  const char *n = a->opt->name;
  if (strcmp(n, "--format") == 0) {
    ctx->format = strcmp(a->text, "csv") == 0    ? CLI_FMT_CSV
                  : strcmp(a->text, "json") == 0 ? CLI_FMT_JSON
                                                 : CLI_FMT_TABLE;
  } else if (strcmp(n, "--output") == 0) {
    ctx->output_path = a->text;
  } else if (strcmp(n, "--quiet") == 0) {
    ctx->quiet = 1;
  } else if (strcmp(n, "--kb") == 0) {
    ctx->kb_path = a->text;
  } else if (strcmp(n, "--compounds") == 0) {
    ctx->user_kb_path = a->text;
  } else if (strcmp(n, "--plot") == 0) {
    ctx->plot_path = a->text;
  } else if (strcmp(n, "--set") == 0) {
    ctx->sets[ctx->nsets++] = a->text;
  } else {
    return 0;
  }
  return 1;
}

static int add_parsed(cli_ctx *ctx, const cli_option *o, const char *text, double num) {
  if (ctx->nparsed >= CLI_MAX_ARGS) return cli_usage(ctx, "too many arguments (at most %d)", CLI_MAX_ARGS);
  cli_arg *a = &ctx->parsed[ctx->nparsed++];
  a->opt = o;
  a->text = text;
  a->num = num;
  return 0;
}

int cli_parse(cli_ctx *ctx, const cli_command *cmd, int argc, char **argv, int start) {
  ctx->cmd = cmd;
  ctx->command = cmd->name;
  ctx->format = CLI_FMT_TABLE;
  int only_positionals = 0;
  for (int i = start; i < argc; i++) {
    const char *a = argv[i];
    int rc = 0;
    if (only_positionals || a[0] != '-' || a[1] == '\0') {
      rc = add_parsed(ctx, NULL, a, nan(""));
    } else if (strcmp(a, "--") == 0) {
      only_positionals = 1;
      continue;
    } else {
      const char *eq = strchr(a, '=');
      const size_t len = eq ? (size_t)(eq - a) : strlen(a);
      const cli_option *o = cli_option_find(cmd->groups, a, len);
      if (o == NULL) {
        return cli_usage(ctx, "unknown option '%.*s' (see 'reuptake help %s')", (int)len, a, cmd->name);
      }
      if (!(o->flags & CLI_REPEAT) && cli_get(ctx, o->name) != NULL) {
        return cli_usage(ctx, "option %s given more than once", o->name);
      }
      const char *text = NULL;
      if (o->kind == CLI_V_FLAG) {
        if (eq != NULL) return cli_usage(ctx, "option %s takes no value", o->name);
      } else if (eq != NULL) {
        text = eq + 1;
      } else if (i + 1 < argc) {
        text = argv[++i];
      } else {
        return cli_usage(ctx, "option %s needs a value (%s)", o->name, o->metavar ? o->metavar : "text");
      }
      double num = nan("");
      if ((rc = check_value(ctx, o, text ? text : "", &num)) != 0) return rc;
      if (strcmp(o->name, "--set") == 0 && ctx->nsets >= CLI_MAX_SETS) {
        return cli_usage(ctx, "too many --set options (at most %d)", CLI_MAX_SETS);
      }
      rc = add_parsed(ctx, o, text, num);
      /* a greedy option takes the following non-option arguments too */
      while (rc == 0 && (o->flags & CLI_GREEDY) && i + 1 < argc && argv[i + 1][0] != '-') {
        i++;
        if ((rc = check_value(ctx, o, argv[i], &num)) != 0) return rc;
        rc = add_parsed(ctx, o, argv[i], num);
      }
    }
    if (rc != 0) return rc;
  }
  /* the options every command reads through ctx fields */
  for (size_t k = 0; k < ctx->nparsed; k++) {
    if (ctx->parsed[k].opt != NULL) common_field(ctx, &ctx->parsed[k]);
  }
  return 0;
}

/* --- lookups ---------------------------------------------------------------------------------- */

/* The declared option of that name (asserted: asking for an undeclared option is a bug). */
static const cli_option *declared(const cli_ctx *ctx, const char *name) {
  const cli_option *o = cli_option_find(ctx->cmd->groups, name, strlen(name));
  assert(o != NULL && "option not in the command's table");
  return o;
}

const cli_arg *cli_get(const cli_ctx *ctx, const char *name) {
  const cli_option *o = declared(ctx, name);
  const cli_arg *last = NULL;
  for (size_t k = 0; k < ctx->nparsed; k++) {
    if (ctx->parsed[k].opt == o) last = &ctx->parsed[k];
  }
  return last;
}

const char *cli_str(const cli_ctx *ctx, const char *name) {
  const cli_arg *a = cli_get(ctx, name);
  return a ? a->text : NULL;
}

double cli_num(const cli_ctx *ctx, const char *name, double dflt) {
  const cli_arg *a = cli_get(ctx, name);
  return a ? a->num : dflt;
}

int cli_flag(const cli_ctx *ctx, const char *name) { return cli_get(ctx, name) != NULL; }

size_t cli_count(const cli_ctx *ctx, const char *name) {
  const cli_option *o = declared(ctx, name);
  size_t n = 0;
  for (size_t k = 0; k < ctx->nparsed; k++) n += ctx->parsed[k].opt == o;
  return n;
}

const char *cli_nth(const cli_ctx *ctx, const char *name, size_t which) {
  const cli_option *o = declared(ctx, name);
  for (size_t k = 0; k < ctx->nparsed; k++) {
    if (ctx->parsed[k].opt == o && which-- == 0) return ctx->parsed[k].text;
  }
  return NULL;
}

size_t cli_npos(const cli_ctx *ctx) {
  size_t n = 0;
  for (size_t k = 0; k < ctx->nparsed; k++) n += ctx->parsed[k].opt == NULL;
  return n;
}

const char *cli_pos(const cli_ctx *ctx, size_t which) {
  for (size_t k = 0; k < ctx->nparsed; k++) {
    if (ctx->parsed[k].opt == NULL && which-- == 0) return ctx->parsed[k].text;
  }
  return NULL;
}

int cli_stopped(const cli_ctx *ctx) { return ctx->stop != NULL && *ctx->stop != 0; }

int cli_interrupted(const cli_ctx *ctx) {
  fprintf(stderr, "reuptake %s: interrupted; no output written\n", ctx->command ? ctx->command : "");
  return 130;
}
