#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

int dnnr__is_help(const char *arg) { return !strcmp(arg, "-h") || !strcmp(arg, "--help"); }

dnnr_registry *dnnr__cli_registry(const char *const *extra, size_t n, int quiet)
{
    dnnr_registry *reg = dnnr__registry_create();
    if (!reg) {
        fprintf(stderr, "dnnrepair: out of memory\n");
        return NULL;
    }
    dnnr__registry_discover(reg, extra, n);
    for (size_t i = 0; i < dnnr__registry_warning_count(reg) && !quiet; i++)
        fprintf(stderr, "warning: %s\n", dnnr__registry_warning(reg, i));
    return reg;
}
