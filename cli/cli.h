/* The command-line tool as a function: main() is one call to ru_cli_main, and the argv fuzzer and
 * the fault-injection tests call it in-process, many times. Each call starts from nothing: no
 * state survives from one call to the next (the stop flag is reset, the signal handlers it
 * installs for SIGINT and SIGTERM are restored on return). */
#ifndef RU_CLI_CLI_H
#define RU_CLI_CLI_H

/* Runs `reuptake argv[1] argv[2] ...`; returns the exit code: 0 success, 2 a usage or input
 * error (one line on stderr, nothing on stdout, no output file), 1 an internal failure, 130
 * interrupted (SIGINT, SIGTERM or ru_cli_request_stop; no output file). */
int ru_cli_main(int argc, char **argv);

/* Asks the running command to stop as if interrupted (async-signal-safe: sets a flag the long
 * loops read). Used by the fuzzer's per-input deadline. */
void ru_cli_request_stop(void);

#endif
