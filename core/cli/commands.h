/* The CLI's subcommands. Each takes argv with argv[0] = the subcommand's
 * name, prints results to stdout and messages to stderr, and returns a
 * process exit code. */
#ifndef DNNR_CLI_COMMANDS_H
#define DNNR_CLI_COMMANDS_H

#include <signal.h>

#include "registry/registry.h"

int dnnr__cmd_plugins(int argc, char **argv);
int dnnr__cmd_validate(int argc, char **argv);
int dnnr__cmd_run(int argc, char **argv, const volatile sig_atomic_t *stop);
int dnnr__cmd_minimise(int argc, char **argv, const volatile sig_atomic_t *stop);
int dnnr__cmd_report(int argc, char **argv);
int dnnr__cmd_train(int argc, char **argv);
int dnnr__cmd_subjects(int argc, char **argv);
int dnnr__cmd_lint(int argc, char **argv);

/** A registry with the standard discovery plus `extra` paths; warnings to stderr. */
dnnr_registry *dnnr__cli_registry(const char *const *extra, size_t n, int quiet);
/** True for "-h" and "--help". */
int dnnr__is_help(const char *arg);

#endif
