/* `dnnrepair stats`: the study's statistics on number files, for checking a
 * result by hand or against scipy/statsmodels. */
#ifndef DNNR_CLI_CMD_STATS_H
#define DNNR_CLI_CMD_STATS_H

#include <stdio.h>

/**
 * Run `dnnrepair stats ...`. argv[0] is the command's own name ("stats"),
 * argv[1] the subcommand:
 *     stats wilcoxon [--approx | --exact | --auto] A.txt B.txt
 *     stats kill FAULTY.txt FIX.txt [--loss]
 *     stats --help
 * Results go to stdout, messages to stderr.
 * @return DNNR_OK; DNNR_EINVAL for a usage error or a test that cannot be
 *         computed; DNNR_EIO for an unreadable file; DNNR_EPARSE for a line
 *         that is not a number (the message names file:line); DNNR_ENOMEM.
 */
int dnnr__cmd_stats(int argc, char **argv);

/** As dnnr__cmd_stats, writing results to @p out and messages to @p err (tests). */
int dnnr__cmd_stats_run(int argc, char **argv, FILE *out, FILE *err);

#endif
