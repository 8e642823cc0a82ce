/* Help generated from the command table (commands.c): the overview of `reuptake --help`, and
 * for one command its usage, description, every option it accepts (grouped, with the value it
 * takes and its range or choices) and examples. The JSON form is the same table for scripts and
 * tests (`reuptake help COMMAND --format json`). */
#include <string.h>

#include "common.h"

void cli_help_overview(FILE *f) {
  fprintf(f, "usage: reuptake COMMAND [ARGS...] [OPTIONS]\n\ncommands:\n");
  for (size_t i = 0; CLI_COMMANDS[i] != NULL; i++) {
    fprintf(f, "  %-11s %s\n", CLI_COMMANDS[i]->name, CLI_COMMANDS[i]->summary);
  }
  fprintf(f,
          "\n  reuptake help COMMAND   usage, every option and examples of one command\n"
          "  reuptake --version\n\n"
          "Regimen: DRUG:DOSE[:qINTERVAL][:for=DURATION|:n=COUNT][:start=TIME]\n"
          "  e.g. paroxetine:20mg:q24h  atomoxetine:40mg:q12h:start=14d  bupropion:150mg:bid\n"
          "  DRUG may be a product (brand): Concerta:36mg:qd, Effexor-XR:150mg:qd\n\n"
          "Exit status: 0 success, 2 a usage or input error you can fix (one line on stderr),\n"
          "1 an internal failure, 130 interrupted.\n\n"
          "%s\n",
          CLI_DISCLAIMER);
}

/* The value column of an option line: "--name, -a METAVAR". */
static void option_head(const cli_option *o, char *buf, size_t cap) {
  snprintf(buf, cap, "%s%s%s%s%s", o->name, o->alias ? ", " : "", o->alias ? o->alias : "",
           o->kind == CLI_V_FLAG ? "" : " ", o->kind == CLI_V_FLAG ? "" : (o->metavar ? o->metavar : "X"));
}

/* "[1e-06, 3650]", "table|csv|json", "repeatable" after the help text. */
static void option_tail(const cli_option *o, char *buf, size_t cap) {
  size_t k = 0;
  buf[0] = '\0';
  if (o->kind == CLI_V_NUMBER || o->kind == CLI_V_INTEGER) {
    k += (size_t)snprintf(buf + k, cap - k, " [%g, %g]", o->lo, o->hi);
  } else if (o->kind == CLI_V_DURATION) {
    k += (size_t)snprintf(buf + k, cap - k, " [%g h, %g h]", o->lo, o->hi);
  } else if (o->kind == CLI_V_CHOICE) {
    k += (size_t)snprintf(buf + k, cap - k, " (%s)", o->choices);
  }
  if ((o->flags & CLI_REPEAT) && k < cap && strstr(o->help, "repeatable") == NULL) {
    snprintf(buf + k, cap - k, " (repeatable)");
  }
}

/* Prints lines of text, the first after first_indent, the others after indent, each with prefix. */
static void print_lines(FILE *f, const char *first_indent, const char *indent, const char *prefix, const char *text) {
  for (const char *p = text; p != NULL && *p != '\0'; first_indent = indent) {
    const char *nl = strchr(p, '\n');
    const int len = nl ? (int)(nl - p) : (int)strlen(p);
    fprintf(f, "%s%s%.*s\n", first_indent, prefix, len, p);
    p = nl ? nl + 1 : NULL;
  }
}

/* "  HEAD   text..." with text wrapped at 96 columns under itself. */
static void print_wrapped(FILE *f, const char *head, const char *text) {
  enum { COL = 33, WIDTH = 96 };
  fprintf(f, "  %-30s ", head);
  int col = (int)strlen(head) > 30 ? 3 + (int)strlen(head) : COL;
  if (col > COL) {
    fprintf(f, "\n%*s", COL, "");
    col = COL;
  }
  const char *p = text;
  while (*p != '\0') {
    const char *sp = strchr(p, ' ');
    const int len = sp ? (int)(sp - p) : (int)strlen(p);
    if (col > COL && col + 1 + len > WIDTH) {
      fprintf(f, "\n%*s", COL, "");
      col = COL;
    } else if (col > COL) {
      fputc(' ', f);
      col++;
    }
    fprintf(f, "%.*s", len, p);
    col += len;
    p = sp ? sp + 1 : p + len;
  }
  fputc('\n', f);
}

int cli_help_command(const cli_command *cmd, FILE *f) {
  char prefix[64];
  snprintf(prefix, sizeof prefix, "reuptake %s ", cmd->name);
  print_lines(f, "usage: ", "       ", prefix, cmd->synopsis);
  fprintf(f, "\n");
  print_lines(f, "", "", "", cmd->description);
  for (const cli_optgroup *g = cmd->groups; g->title != NULL; g++) {
    fprintf(f, "\n%s%s:\n", strcmp(g->title, cmd->name) == 0 ? "Options of " : "", g->title);
    for (const cli_option *o = g->opts; o->name != NULL; o++) {
      char head[96], tail[96];
      option_head(o, head, sizeof head);
      option_tail(o, tail, sizeof tail);
      char text[512];
      snprintf(text, sizeof text, "%s%s", o->help, tail);
      print_wrapped(f, head, text);
    }
  }
  fprintf(f, "\nExamples:\n");
  print_lines(f, "  ", "  ", "", cmd->examples);
  fprintf(f, "\n%s\n", CLI_DISCLAIMER);
  return 0;
}

static const char *kind_name(cli_vkind k) {
  static const char *const names[] = {"flag", "text", "file", "number", "integer", "duration", "choice"};
  return names[k];
}

/* Adds text split at any of the characters of sep as an array of strings under key. */
static void add_words(cJSON *obj, const char *key, const char *text, const char *sep) {
  cJSON *arr = cJSON_AddArrayToObject(obj, key);
  char buf[2048];
  snprintf(buf, sizeof buf, "%s", text ? text : "");
  char *save = NULL;
  for (char *w = strtok_r(buf, sep, &save); w && arr; w = strtok_r(NULL, sep, &save)) {
    cJSON_AddItemToArray(arr, cJSON_CreateString(w));
  }
}

char *cli_help_json(const cli_command *cmd) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "command", cmd->name);
  cJSON_AddStringToObject(root, "summary", cmd->summary);
  add_words(root, "synopsis", cmd->synopsis, "\n");
  cJSON *opts = cJSON_AddArrayToObject(root, "options");
  for (const cli_optgroup *g = cmd->groups; g->title != NULL; g++) {
    for (const cli_option *o = g->opts; o->name != NULL; o++) {
      cJSON *j = cJSON_CreateObject();
      cJSON_AddStringToObject(j, "name", o->name);
      if (o->alias) cJSON_AddStringToObject(j, "alias", o->alias);
      cJSON_AddStringToObject(j, "group", g->title);
      cJSON_AddStringToObject(j, "kind", kind_name(o->kind));
      if (o->metavar) cJSON_AddStringToObject(j, "metavar", o->metavar);
      cJSON_AddStringToObject(j, "help", o->help);
      char accepts[128];
      cli_option_describe(o, accepts, sizeof accepts);
      cJSON_AddStringToObject(j, "accepts", accepts);
      if (o->kind == CLI_V_NUMBER || o->kind == CLI_V_INTEGER || o->kind == CLI_V_DURATION) {
        cJSON_AddNumberToObject(j, "min", o->lo);
        cJSON_AddNumberToObject(j, "max", o->hi);
      }
      if (o->choices) add_words(j, "choices", o->choices, "|");
      if (o->example) cJSON_AddStringToObject(j, "example", o->example);
      cJSON_AddBoolToObject(j, "repeatable", (o->flags & CLI_REPEAT) != 0);
      cJSON_AddBoolToObject(j, "greedy", (o->flags & CLI_GREEDY) != 0);
      cJSON_AddItemToArray(opts, j);
    }
  }
  add_words(root, "examples", cmd->examples, "\n");
  add_words(root, "probe", cmd->probe, " ");
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  return text;
}
