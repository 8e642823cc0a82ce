/* reuptake: the command-line tool (cli.c holds the whole of it as ru_cli_main). */
#include "cli.h"

int main(int argc, char **argv) { return ru_cli_main(argc, argv); }
