/* Options shared by the commands that simulate a subject (simulate, exposure, occupancy,
 * interact, synapse, population): regimens, --data, --phenotype, --set, time grid. */
#ifndef RU_CLI_SIMARGS_H
#define RU_CLI_SIMARGS_H

#include "common.h"

#define SIMARGS_MAX 32
#define SIMARGS_MAX_PHENOTYPES 8
#define SIMARGS_MAX_HORIZON_H 87600.0 /* 10 years: the --hours and --times limit */

typedef struct simargs {
  const char *regimens[SIMARGS_MAX]; /* positional DRUG:DOSE... */
  size_t nregimens;
  const char *phenotypes[SIMARGS_MAX_PHENOTYPES];         /* --phenotype GENE=PHENO (repeatable, or comma list) */
  size_t nphenotypes;
  const char *data_path;             /* --data FILE */
  const char *data_map;              /* --data-map F=COL,ALAG=COL,R=COL,D=COL */
  double days;                       /* --days (NaN unset) */
  double hours;                      /* --hours (NaN unset) */
  double step_h;                     /* --step (NaN unset) */
  const char *times;                 /* --times t1,t2,... */
  const char *targets;               /* --target / --targets */
  ru_solver solver;                  /* --solver auto|hybrid|cvode */
  double tol;                        /* --tol: hybrid defect tolerance (0: default) */
  const char *rest[CLI_MAX_ARGS];    /* positional arguments that are not regimens */
  size_t nrest;
} simargs;

/* A positional argument that simargs_parse takes as a regimen (DRUG:DOSE...). */
int simargs_is_regimen(const cli_arg *p);
/* Reads the regimen, solver, grid and target options and the positionals of ctx->parsed into
 * simargs (the command reads its own options with cli_str). Returns 0 or an exit code. */
int simargs_parse(cli_ctx *ctx, simargs *a);
/* Builds a regimen from the positional regimens (or --data). Returns 0 or an exit code. */
int simargs_regimen(cli_ctx *ctx, const simargs *a, ru_regimen **out);
/* Builds a subject simulation: regimens, phenotypes, --set overrides. */
int simargs_sim(cli_ctx *ctx, const simargs *a, const ru_regimen *r, ru_sim **out);
/* Output times: --times list, or 0..horizon every step (defaults: horizon from --days/--hours
 * or default_days; step from --step or a default that keeps <= ~2000 points). Caller frees. */
int simargs_times(cli_ctx *ctx, const simargs *a, double default_days, double **times, size_t *nt);
/* The regimen-to-simulation path of most commands: regimen from the arguments, then the
 * subject simulation (the regimen is freed). Returns 0 or an exit code. */
int simargs_build(cli_ctx *ctx, const simargs *a, ru_sim **out);
/* Rejects a leftover positional argument (not a regimen). Returns 0 or a usage error. */
int simargs_no_rest(cli_ctx *ctx, const simargs *a);
/* Splits a comma list of targets ("SERT,NET" or "all") into names. */
size_t simargs_target_list(const char *spec, const char **out, size_t max);

#endif
