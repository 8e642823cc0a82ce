/* Option tables of the command-line tool: every option of every command is declared once, as a
 * row {name, value kind, range or choices, help text, example value}. The same rows drive the
 * parser (unknown options, missing values, numbers out of range are refused with one line), the
 * generated help (`reuptake help COMMAND`, `COMMAND --help`), the machine-readable option list
 * (`reuptake help COMMAND --format json`) and the argv fuzzer's dictionary, so none can drift
 * from what the parser accepts. */
#ifndef RU_CLI_OPTIONS_H
#define RU_CLI_OPTIONS_H

#include <stddef.h>

/* The kind of value an option takes; the parser checks it before the command runs. */
typedef enum cli_vkind {
  CLI_V_FLAG = 0, /* no value */
  CLI_V_TEXT,     /* non-empty text, checked by the command */
  CLI_V_FILE,     /* a non-empty path */
  CLI_V_NUMBER,   /* a plain decimal number in [lo, hi] */
  CLI_V_INTEGER,  /* a whole number in [lo, hi] */
  CLI_V_DURATION, /* a time with a unit (min, h, d, w; h when none) in [lo, hi] hours */
  CLI_V_CHOICE    /* one of choices, "a|b|c" */
} cli_vkind;

#define CLI_REPEAT 1u /* may be given more than once; the values are kept in order */
#define CLI_GREEDY 2u /* the non-option arguments after its value are more values (--with) */

typedef struct cli_option {
  const char *name;    /* "--days" */
  const char *alias;   /* short form ("-o") or a second spelling ("--target"); NULL: none */
  cli_vkind kind;
  const char *metavar; /* value placeholder in help ("N", "FILE") */
  const char *help;    /* one line */
  double lo, hi;       /* range of NUMBER, INTEGER and DURATION values */
  const char *choices; /* CHOICE: "table|csv|json" */
  const char *example; /* a valid value: help, the fuzzer dictionary, the option matrix */
  unsigned flags;      /* CLI_REPEAT, CLI_GREEDY */
} cli_option;

/* A titled group of options, terminated by a row with name NULL. Commands share groups
 * (output, knowledge base, regimen, time grid) and add their own. */
typedef struct cli_optgroup {
  const char *title;
  const cli_option *opts;
} cli_optgroup;

/* One parsed argument: an option with its value, or a positional argument (opt NULL). */
typedef struct cli_arg {
  const cli_option *opt;
  const char *text; /* the value (or the positional) as given; NULL for a flag */
  double num;       /* NUMBER, INTEGER: the value; DURATION: hours */
} cli_arg;

/* The shared groups. */
extern const cli_option CLI_OPTS_OUTPUT[];   /* --format, --output, --quiet */
extern const cli_option CLI_OPTS_KB[];       /* --kb, --compounds */
extern const cli_option CLI_OPTS_SET[];      /* --set DRUG.KEY=VALUE */
extern const cli_option CLI_OPTS_PLOT[];     /* --plot FILE */
extern const cli_option CLI_OPTS_REGIMEN[];  /* --phenotype, --data, --data-map */
extern const cli_option CLI_OPTS_SOLVER[];   /* --solver */
extern const cli_option CLI_OPTS_GRID[];     /* --days, --hours, --step, --times */
extern const cli_option CLI_OPTS_TARGETS[];  /* --targets */

/* Looks up "--name" (or its alias) in groups (terminated by a NULL title). */
const cli_option *cli_option_find(const cli_optgroup *groups, const char *name, size_t len);

/* Writes a description of the value an option takes ("a number in [1e-06, 3650]"). */
void cli_option_describe(const cli_option *o, char *buf, size_t cap);

#endif
