/* reuptake's entry point as a function (cli.h): global help and version, dispatch to the
 * command's table-checked options and its cmd_<name>.c, SIGINT/SIGTERM as a stop request for
 * the duration of the call, and the exit code (0 ok, 2 input, 1 internal, 130 interrupted).
 * Uses only the public library API plus cli/common.h. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The one piece of process-wide mutable state: written by the signal handler (or
 * ru_cli_request_stop), read by long loops through ctx->stop, reset by every call. */
static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

void ru_cli_request_stop(void) { g_stop = 1; }

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

/* `reuptake help [COMMAND [--format json]]`. */
static int help(cli_ctx *ctx, int argc, char **argv) {
  if (argc < 3) {
    cli_help_overview(stdout);
    return 0;
  }
  const cli_command *cmd = cli_command_find(argv[2]);
  ctx->command = "help";
  if (cmd == NULL) return cli_usage(ctx, "unknown command '%s' (try 'reuptake --help')", argv[2]);
  int json = 0;
  for (int i = 3; i < argc; i++) {
    if (strcmp(argv[i], "--format=json") == 0 ||
        (strcmp(argv[i], "--format") == 0 && i + 1 < argc && strcmp(argv[i + 1], "json") == 0)) {
      json = 1;
      i += argv[i][8] == '\0';
    } else {
      return cli_usage(ctx, "unexpected argument '%s' (help COMMAND [--format json])", argv[i]);
    }
  }
  if (!json) return cli_help_command(cmd, stdout);
  char *text = cli_help_json(cmd);
  if (text == NULL) return cli_fail(ctx, RU_ENOMEM, NULL);
  printf("%s\n", text);
  cJSON_free(text);
  return 0;
}

static int dispatch(cli_ctx *ctx, int argc, char **argv) {
  if (argc < 2) return cli_usage(ctx, "no command given (try 'reuptake --help')");
  if (is_help(argv[1])) {
    cli_help_overview(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("reuptake %s\n", ru_version());
    return 0;
  }
  if (strcmp(argv[1], "help") == 0) return help(ctx, argc, argv);
  const cli_command *cmd = cli_command_find(argv[1]);
  if (cmd == NULL) return cli_usage(ctx, "unknown command '%s' (try 'reuptake --help')", argv[1]);
  ctx->command = cmd->name;
  for (int i = 2; i < argc; i++) {
    if (is_help(argv[i])) return cli_help_command(cmd, stdout);
  }
  int rc = cli_parse(ctx, cmd, argc, argv, 2);
  if (rc != 0) return rc;
  /* a knowledge base the user names is checked even when the command would not open it: a file
   * given and ignored would hide its error */
  if ((ctx->kb_path != NULL || ctx->user_kb_path != NULL) && cli_kb(ctx, &rc) == NULL) return rc;
  return cmd->run(ctx);
}

int ru_cli_main(int argc, char **argv) {
  cli_ctx *ctx = calloc(1, sizeof *ctx);
  if (ctx == NULL) {
    fprintf(stderr, "reuptake: out of memory\n");
    return 1;
  }
  g_stop = 0;
  ctx->stop = &g_stop;
  struct sigaction sa, old_int, old_term;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  int rc = dispatch(ctx, argc, argv);
  /* a stop that arrived after the command finished its output changes nothing */
  fflush(stdout);
  ru_kb_free(ctx->kb);
  free(ctx);
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  return rc;
}
