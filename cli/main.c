/* reuptake: the command-line tool. Parses the global options, dispatches to cmd_<name>.c and
 * maps library statuses to exit codes (0 ok, 2 usage/input error, 1 internal failure).
 * Uses only the public library API (include/reuptake.h) plus cli/common.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

typedef struct command {
  const char *name;
  int (*run)(cli_ctx *ctx);
  const char *summary;
} command;

static const command COMMANDS[] = {
    {"drugs", cmd_drugs, "list, show or search the compounds of the knowledge base"},
    {"kb", cmd_kb, "check the knowledge base (sources, units, coverage)"},
    {"simulate", cmd_simulate, "concentration and occupancy time course of a regimen"},
    {"exposure", cmd_exposure, "steady-state (or single-dose) exposure per compound"},
    {"occupancy", cmd_occupancy, "target occupancy at steady state, dose-occupancy curves"},
    {"interact", cmd_interact, "drug-drug interaction: victim exposure with vs without"},
    {"synapse", cmd_synapse, "extracellular NE, DA and 5-HT by brain region"},
    {"physiology", cmd_physiology, "plasma noradrenaline and heart rate by state"},
    {"population", cmd_population, "virtual population: percentiles and target attainment"},
    {"validate", cmd_validate, "run the published validation sets and report metrics"},
    {"map", cmd_map, "every product at its label dose: occupancy, NET/SERT, CYP liabilities"},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void print_usage(FILE *f) {
  fprintf(f,
          "usage: reuptake COMMAND [ARGS...] [--format table|csv|json] [--output FILE]\n"
          "                [--kb FILE] [--compounds FILE] [--set DRUG.KEY=VALUE]...\n\n"
          "commands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++) {
    fprintf(f, "  %-11s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
  }
  fprintf(f,
          "\n  reuptake help COMMAND   details and examples of one command\n"
          "  reuptake --version\n\n"
          "Regimen: DRUG:DOSE[:qINTERVAL][:for=DURATION|:n=COUNT][:start=TIME]\n"
          "  e.g. paroxetine:20mg:q24h  atomoxetine:40mg:q12h:start=14d  bupropion:150mg:bid\n\n"
          "%s\n",
          CLI_DISCLAIMER);
}

static const command *find_command(const char *name) {
  for (size_t i = 0; i < NCOMMANDS; i++) {
    if (strcmp(COMMANDS[i].name, name) == 0) return &COMMANDS[i];
  }
  return NULL;
}

/* Splits global options from the command's own arguments. Returns 0 or an exit code. */
static int parse_global(cli_ctx *ctx, int argc, char **argv, int start) {
  ctx->format = CLI_FMT_TABLE;
  for (int i = start; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    const char *names[] = {"--format", "--output", "-o", "--kb", "--compounds", "--set", "--plot"};
    int matched = -1;
    for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++) {
      const size_t n = strlen(names[k]);
      if (strncmp(a, names[k], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
        matched = k;
        if (a[n] == '=') {
          val = a + n + 1;
        } else if (i + 1 < argc) {
          val = argv[++i];
        } else {
          return cli_usage(ctx, "option %s needs a value", names[k]);
        }
        break;
      }
    }
    if (matched < 0) {
      if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
        ctx->quiet = 1;
        continue;
      }
      if (ctx->nargs >= CLI_MAX_ARGS) return cli_usage(ctx, "too many arguments");
      ctx->args[ctx->nargs++] = a;
      continue;
    }
    switch (matched) {
    case 0:
      if (strcmp(val, "table") == 0) ctx->format = CLI_FMT_TABLE;
      else if (strcmp(val, "csv") == 0) ctx->format = CLI_FMT_CSV;
      else if (strcmp(val, "json") == 0) ctx->format = CLI_FMT_JSON;
      else return cli_usage(ctx, "--format '%s': expected table, csv or json", val);
      break;
    case 1:
    case 2:
      if (*val == '\0') return cli_usage(ctx, "--output needs a file name");
      ctx->output_path = val;
      break;
    case 3:
      ctx->kb_path = val;
      break;
    case 4:
      ctx->user_kb_path = val;
      break;
    case 5:
      if (ctx->nsets >= CLI_MAX_SETS) return cli_usage(ctx, "too many --set options");
      ctx->sets[ctx->nsets++] = val;
      break;
    default:
      if (*val == '\0') return cli_usage(ctx, "--plot needs a file name");
      ctx->plot_path = val;
      break;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  cli_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("reuptake %s\n", ru_version());
    return 0;
  }
  if (strcmp(argv[1], "help") == 0) {
    if (argc < 3) {
      print_usage(stdout);
      return 0;
    }
    const char *text = cli_help_text(argv[2]);
    if (text == NULL) {
      ctx.command = "help";
      return cli_usage(&ctx, "unknown command '%s'", argv[2]);
    }
    printf("%s\n%s\n", text, CLI_DISCLAIMER);
    return 0;
  }
  const command *cmd = find_command(argv[1]);
  if (cmd == NULL) {
    return cli_usage(&ctx, "unknown command '%s' (try 'reuptake --help')", argv[1]);
  }
  ctx.command = cmd->name;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("%s\n%s\n", cli_help_text(cmd->name), CLI_DISCLAIMER);
      return 0;
    }
  }
  int rc = parse_global(&ctx, argc, argv, 2);
  if (rc != 0) return rc;
  rc = cmd->run(&ctx);
  ru_kb_free(ctx.kb);
  return rc;
}
