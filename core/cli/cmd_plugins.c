/* `dnnrepair plugins [--json]`: what was found, and what was refused. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "util/buf.h"
#include "util/json.h"

static void print_json(const dnnr_registry *reg)
{
    dnnr_buf b = {0};
    dnnr__buf_put(&b, "[", 1);
    for (size_t i = 0; i < dnnr__registry_count(reg); i++) {
        const dnnr_plugin *p = dnnr__registry_at(reg, i);
        dnnr__buf_printf(&b, "%s\n  {\"name\":", i ? "," : "");
        dnnr__json_string(&b, p->desc->name);
        dnnr__buf_printf(&b, ",\"kind\":\"%s\",\"version\":", dnnr__kind_name(p->desc->kind));
        dnnr__json_string(&b, p->desc->version);
        dnnr__buf_printf(&b, ",\"sdk\":\"%u.%u\",\"path\":", p->desc->sdk_major, p->desc->sdk_minor);
        dnnr__json_string(&b, p->path);
        dnnr__buf_printf(&b, ",\"description\":");
        dnnr__json_string(&b, p->desc->summary);
        dnnr__buf_put(&b, "}", 1);
    }
    dnnr__buf_put(&b, "\n]\n", 3);
    fwrite(b.data, 1, b.len, stdout);
    dnnr__buf_free(&b);
}

int dnnr__cmd_plugins(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (dnnr__is_help(argv[i])) {
            printf("usage: dnnrepair plugins [--json]\n\n"
                   "Lists every plugin found (name, kind, version, SDK version, path, "
                   "description).\nPlugins that were refused are reported on stderr with the "
                   "reason.\n");
            return 0;
        }
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else {
            fprintf(stderr, "plugins: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    dnnr_registry *reg = dnnr__cli_registry(NULL, 0, 0);
    if (!reg)
        return 1;
    if (json) {
        print_json(reg);
    } else {
        printf("%-14s %-9s %-8s %-4s %s\n", "NAME", "KIND", "VERSION", "SDK", "DESCRIPTION");
        for (size_t i = 0; i < dnnr__registry_count(reg); i++) {
            const dnnr_plugin *p = dnnr__registry_at(reg, i);
            printf("%-14s %-9s %-8s %u.%-2u %s\n%-38s %s\n", p->desc->name,
                   dnnr__kind_name(p->desc->kind), p->desc->version, p->desc->sdk_major,
                   p->desc->sdk_minor, p->desc->summary, "", p->path);
        }
    }
    dnnr__registry_destroy(reg);
    return 0;
}
