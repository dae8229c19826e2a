/* dnnrepair's entry point: dispatch to a subcommand. The only file allowed
 * to exit(); everything below returns codes. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <dnnrepair/version.h>

#include "cli/cmd_stats.h"
#include "cli/commands.h"

#ifndef DNNR_VERSION
#define DNNR_VERSION "0"
#endif

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "dnnrepair %s (plugin SDK %d.%d): repair faulty deep-learning models and compare "
            "repair techniques\n\n"
            "usage: dnnrepair COMMAND [options]\n\n"
            "commands:\n"
            "  run EXPERIMENT.cfg [--out DIR] [--resume] [-j N]   run an experiment\n"
            "  report DIR                                         rebuild summary.csv and report.md\n"
            "  minimise RUN_DIR [-j N]                            minimise the patches of a run (ddmin)\n"
            "  train SUBJECT.cfg [--values faulty|fix] [--set K=V]  train one configuration once\n"
            "  validate FILE...                                   check subject and experiment files\n"
            "  lint SUBJECT.cfg [--config K=V] [--json]           flag likely faults without training\n"
            "  subjects validate SUBJECT.cfg [--runs N] [-j N]    is the fault exposed? (DeepCrime)\n"
            "  plugins [--json]                                   list the plugins found\n"
            "  stats wilcoxon|kill ...                            statistics on number files\n\n"
            "`dnnrepair COMMAND --help` describes a command. Plugins are searched in the\n"
            "experiment's plugin_paths, $DNNR_PLUGIN_PATH (colon-separated folders) and the\n"
            "installed (or build tree's) lib/dnnrepair/plugins.\n",
            DNNR_VERSION, DNNR_SDK_VERSION_MAJOR, DNNR_SDK_VERSION_MINOR);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (dnnr__is_help(cmd) || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("dnnrepair %s (plugin SDK %d.%d)\n", DNNR_VERSION, DNNR_SDK_VERSION_MAJOR,
               DNNR_SDK_VERSION_MINOR);
        return 0;
    }
    if (!strcmp(cmd, "run")) {
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        return dnnr__cmd_run(argc - 1, argv + 1, &stop_requested);
    }
    if (!strcmp(cmd, "minimise")) {
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        return dnnr__cmd_minimise(argc - 1, argv + 1, &stop_requested);
    }
    if (!strcmp(cmd, "train"))
        return dnnr__cmd_train(argc - 1, argv + 1);
    if (!strcmp(cmd, "lint"))
        return dnnr__cmd_lint(argc - 1, argv + 1);
    if (!strcmp(cmd, "subjects"))
        return dnnr__cmd_subjects(argc - 1, argv + 1);
    if (!strcmp(cmd, "plugins"))
        return dnnr__cmd_plugins(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate"))
        return dnnr__cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return dnnr__cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "stats"))
        return dnnr__cmd_stats(argc - 1, argv + 1) == 0 ? 0 : 1;
    fprintf(stderr, "dnnrepair: unknown command '%s' (see dnnrepair --help)\n", cmd);
    return 2;
}
