/* The CLI's subcommands. Each takes argv with argv[0] = the subcommand's
 * name, prints results to stdout and messages to stderr, and returns a
 * process exit code. */
#ifndef DNNR_CLI_COMMANDS_H
#define DNNR_CLI_COMMANDS_H

#include <signal.h>

#include "config/subject.h"
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

/**
 * If argv[*i] is a trial option of `run` and `minimise` (`--backend NAME`,
 * `-j N` or `-jN`), store its value, move *i onto the option's last word
 * and return 1; otherwise return 0 and leave everything as it was.
 */
int dnnr__cli_trial_option(int argc, char **argv, int *i, const char **backend, int *workers);
/** 1 when @p workers (from -j; 0: the experiment's) is usable, else 0 after saying so. */
int dnnr__cli_workers_ok(const char *command, int workers);

/**
 * The configuration `train` and `lint` start from: a copy of s->faulty, or
 * of s->fix when @p values is "fix", with every `@p option NAME=VALUE` of
 * argv applied in order. NULL when the subject has no fix or an assignment
 * fails (the reason printed to stderr, an assignment's prefixed by @p who)
 * and, silently, when out of memory. Free with dnnr__free.
 */
dnnr_value *dnnr__cli_config(const dnnr_subject *s, const char *values, int argc, char **argv,
                             const char *option, const char *who);

#endif
