/* Shared plumbing of the reuptake command-line tool: global options, output formats, atomic
 * output files, error reporting and exit codes. Each subcommand lives in cmd_<name>.c and uses
 * only the public library API plus this header.
 *
 * Exit codes (DESIGN.md): 0 success; 2 usage or input error (one line on stderr naming the bad
 * part, nothing on stdout, no output file); 1 internal failure. */
#ifndef RU_CLI_COMMON_H
#define RU_CLI_COMMON_H

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <signal.h>

#include "options.h"
#include "reuptake.h"

typedef enum cli_format { CLI_FMT_TABLE = 0, CLI_FMT_CSV, CLI_FMT_JSON } cli_format;

#define CLI_MAX_SETS 64
#define CLI_MAX_ARGS 256

struct cli_ctx;

/* A subcommand: its help, its options (the parser's table) and its entry point. */
typedef struct cli_command {
  const char *name;
  const char *summary;          /* one line in `reuptake --help` */
  const char *synopsis;         /* usage lines after "reuptake NAME " ('\n' separated) */
  const char *description;      /* paragraph(s) of `reuptake help NAME` */
  const char *examples;         /* example command lines ('\n' separated) */
  const cli_optgroup *groups;   /* its options, NULL-title terminated */
  int (*run)(struct cli_ctx *ctx);
  const char *probe;            /* cheap valid arguments: the option matrix and the fuzzer
                                 * start from them so options reach the command's own checks */
} cli_command;

/* Everything a subcommand needs from the command line. */
typedef struct cli_ctx {
  const char *command;          /* subcommand name */
  const cli_command *cmd;       /* its descriptor */
  cli_arg parsed[CLI_MAX_ARGS]; /* every argument after the command name, parsed and checked */
  size_t nparsed;
  const volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM: long commands stop early */
  cli_format format;            /* --format (default: table on a terminal, else table too) */
  const char *output_path;      /* --output FILE or NULL (stdout) */
  const char *kb_path;          /* --kb FILE or NULL (embedded) */
  const char *user_kb_path;     /* --compounds FILE or NULL */
  const char *sets[CLI_MAX_SETS]; /* --set COMPOUND.KEY=VALUE (repeatable) */
  size_t nsets;
  const char *plot_path;        /* --plot FILE or NULL */
  int quiet;                    /* --quiet */
  ru_kb *kb;                    /* opened lazily by cli_kb() */
  int json_compact;             /* 1: JSON never pretty-printed (output identical on any
                                 * terminal: population under MPI, where ranks see a pty) */
} cli_ctx;

/* Opens the knowledge base (embedded or --kb, plus --compounds) once; NULL on failure after
 * reporting (then return the exit code from cli_last_exit). */
ru_kb *cli_kb(cli_ctx *ctx, int *exit_code);

/* Reports err (or ru_strerror(st) when err has no message) as one line on stderr and returns the
 * exit code: 2 for input errors, 1 for internal failures. */
int cli_fail(const cli_ctx *ctx, ru_status st, const ru_error *err);
/* Reports a usage error (one line, "reuptake CMD: ...": newlines become blanks) and returns 2. */
int cli_usage(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses argv[start..argc) against cmd's option table into ctx (parsed, and the fields format,
 * output_path, kb_path, user_kb_path, sets, plot_path, quiet). Returns 0 or 2 after
 * a one-line message (unknown option, missing or malformed value). */
int cli_parse(cli_ctx *ctx, const cli_command *cmd, int argc, char **argv, int start);

/* The parsed options, by name (a name the command does not declare is a programming error:
 * asserted). cli_get: the last occurrence or NULL; cli_str: its text (NULL when absent);
 * cli_num: its number (dflt when absent); cli_flag: 1 when given; cli_count / cli_nth: every
 * value of a repeatable or greedy option, in order. */
const cli_arg *cli_get(const cli_ctx *ctx, const char *name);
const char *cli_str(const cli_ctx *ctx, const char *name);
double cli_num(const cli_ctx *ctx, const char *name, double dflt);
int cli_flag(const cli_ctx *ctx, const char *name);
size_t cli_count(const cli_ctx *ctx, const char *name);
const char *cli_nth(const cli_ctx *ctx, const char *name, size_t k);
/* Positional arguments (those not taken by an option), in order. */
size_t cli_npos(const cli_ctx *ctx);
const char *cli_pos(const cli_ctx *ctx, size_t k);
/* 1 when SIGINT/SIGTERM asked the command to stop. */
int cli_stopped(const cli_ctx *ctx);
/* Reports an interrupted command (one line) and returns its exit code, 130. */
int cli_interrupted(const cli_ctx *ctx);

/* Parses a strict number option; on failure prints a usage error and returns 0. */
int cli_parse_double(const cli_ctx *ctx, const char *opt, const char *text, double lo, double hi,
                     double *out);

/* --- output --------------------------------------------------------------------------------- */

/* A buffered output: everything is written to memory, then committed at once: to stdout, or
 * atomically to --output (temp file in the same directory + fsync + rename), so a failure never
 * leaves a half-written file. */
typedef struct cli_out cli_out;
cli_out *cli_out_new(void);
void cli_out_free(cli_out *o);
void cli_out_printf(cli_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_out_vprintf(cli_out *o, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void cli_out_write(cli_out *o, const char *data, size_t n);
/* Marks o failed (out of memory): commit reports it and publishes nothing. */
void cli_out_fail(cli_out *o);
/* Commits to ctx->output_path or stdout (ru_file_write_atomic); returns the exit code: 0, 2 (the
 * output file cannot be written), 1 (out of memory), 130 (interrupted: nothing written). Frees o. */
int cli_out_commit(const cli_ctx *ctx, cli_out *o);

/* JSON: serialises root (pretty when on a terminal) with a trailing newline, commits, frees
 * root. Non-finite numbers are refused (returns 1): a NaN never reaches output. */
int cli_emit_json(const cli_ctx *ctx, cJSON *root);

/* An aligned text table: columns, then rows of cells (strings). */
typedef struct cli_table cli_table;
cli_table *cli_table_new(size_t ncols, const char *const *headers);
void cli_table_free(cli_table *t);
void cli_table_add(cli_table *t, const char *const *cells);  /* ncols cells, copied */
/* Formats a double with %.*g into a cell buffer; "NA" when not finite. */
const char *cli_fmt(char *buf, size_t cap, double v, int sig);
/* Renders as aligned text into o (CSV is written by the library's ru_csv_writer: result.h). */
void cli_table_render(const cli_table *t, cli_out *o);
/* The rows without the header row, aligned, each line after indent. */
void cli_table_render_body(const cli_table *t, cli_out *o, const char *indent);
/* 1 when a row could not be stored (out of memory) or t is NULL. */
int cli_table_failed(const cli_table *t);

/* The disclaimer printed in --help and under tables on a terminal. */
extern const char CLI_DISCLAIMER[];

/* --- subcommands --------------------------------------------------------------------------- */
int cmd_drugs(cli_ctx *ctx);
int cmd_kb(cli_ctx *ctx);
int cmd_simulate(cli_ctx *ctx);
int cmd_exposure(cli_ctx *ctx);
int cmd_occupancy(cli_ctx *ctx);
int cmd_interact(cli_ctx *ctx);
int cmd_synapse(cli_ctx *ctx);
int cmd_physiology(cli_ctx *ctx);
int cmd_model_params(cli_ctx *ctx, int physio); /* model_params.c: synapse|physiology --params */
int cmd_population(cli_ctx *ctx);
int cmd_validate(cli_ctx *ctx);
int cmd_map(cli_ctx *ctx); /* cmd_map.c: every product at its label dose */

/* The command table (commands.c): every subcommand with its options. */
extern const cli_command *const CLI_COMMANDS[];
const cli_command *cli_command_find(const char *name);

/* Generated help (help.c): the overview, and one command's usage, options and examples. The JSON
 * form lists every option with its kind, range and example (`reuptake help CMD --format json`). */
void cli_help_overview(FILE *f);
int cli_help_command(const cli_command *cmd, FILE *f);
char *cli_help_json(const cli_command *cmd); /* cJSON_free the result; NULL: out of memory */

#endif
