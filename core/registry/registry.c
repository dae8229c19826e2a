/* Loading and looking up plugins. dlopen(RTLD_NOW | RTLD_LOCAL): unresolved
 * symbols fail at load time and plugins cannot see each other's symbols. */
#include "registry/registry.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"

#ifndef DNNR_BUILD_PLUGIN_DIR
#define DNNR_BUILD_PLUGIN_DIR ""
#endif
#ifndef DNNR_INSTALL_PLUGIN_SUBDIR
#define DNNR_INSTALL_PLUGIN_SUBDIR "lib/dnnrepair/plugins"
#endif

struct dnnr_registry {
    dnnr_plugin *plugins;
    size_t n, cap;
    char **warnings;
    size_t n_warnings, cap_warnings;
};

typedef const dnnr_plugin_desc *(*entry_fn)(void);

dnnr_registry *dnnr__registry_create(void) { return dnnr__alloc(1, sizeof(dnnr_registry)); }

/* Under the sanitizers, keep libraries mapped so leak reports keep symbols. */
static int keep_loaded(void)
{
#if defined(DNNR_SANITIZE)
    return 1;
#else
    const char *env = getenv("DNNR_NO_DLCLOSE");
    return env && *env && strcmp(env, "0") != 0;
#endif
}

void dnnr__registry_destroy(dnnr_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n; i++) {
        if (reg->plugins[i].handle && !keep_loaded())
            dlclose(reg->plugins[i].handle);
        dnnr__free(reg->plugins[i].path);
    }
    for (size_t i = 0; i < reg->n_warnings; i++)
        dnnr__free(reg->warnings[i]);
    dnnr__free(reg->warnings);
    dnnr__free(reg->plugins);
    dnnr__free(reg);
}

static void add_warning(dnnr_registry *reg, const char *text)
{
    if (reg->n_warnings == reg->cap_warnings) {
        size_t cap = reg->cap_warnings ? reg->cap_warnings * 2 : 8;
        char **grown = dnnr__realloc(reg->warnings, cap * sizeof *grown);
        if (!grown)
            return;
        reg->warnings = grown;
        reg->cap_warnings = cap;
    }
    char *copy = dnnr__strdup(text);
    if (copy)
        reg->warnings[reg->n_warnings++] = copy;
}

static int add_plugin(dnnr_registry *reg, const dnnr_plugin_desc *desc, const char *path,
                      void *handle, dnnr_error *err)
{
    for (size_t i = 0; i < reg->n; i++) {
        const dnnr_plugin *p = &reg->plugins[i];
        if (p->desc->kind == desc->kind && strcmp(p->desc->name, desc->name) == 0)
            return dnnr__error_set(err, DNNR_EINVAL,
                                   "%s: a %s plugin named '%s' is already loaded from %s", path,
                                   dnnr__kind_name(desc->kind), desc->name, p->path);
    }
    if (reg->n == reg->cap) {
        size_t cap = reg->cap ? reg->cap * 2 : 16;
        dnnr_plugin *grown = dnnr__realloc(reg->plugins, cap * sizeof *grown);
        if (!grown)
            return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
        reg->plugins = grown;
        reg->cap = cap;
    }
    char *copy = dnnr__strdup(path);
    if (!copy)
        return dnnr__error_set(err, DNNR_ENOMEM, "out of memory");
    reg->plugins[reg->n++] = (dnnr_plugin){.desc = desc, .path = copy, .handle = handle};
    return DNNR_OK;
}

int dnnr__registry_add_static(dnnr_registry *reg, const dnnr_plugin_desc *desc, dnnr_error *err)
{
    int rc = dnnr__plugin_check_desc(desc, "(static)", err);
    return rc ? rc : add_plugin(reg, desc, "(static)", NULL, err);
}

int dnnr__registry_load_file(dnnr_registry *reg, const char *path, dnnr_error *err)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        dnnr__error_set(err, DNNR_ENOTFOUND, "%s: no such plugin file", path);
        add_warning(reg, err->msg);
        return DNNR_ENOTFOUND;
    }
    for (size_t i = 0; i < reg->n; i++)
        if (strcmp(reg->plugins[i].path, real) == 0)
            return DNNR_OK;
    void *handle = dlopen(real, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        dnnr__error_set(err, DNNR_EINVAL, "%s: cannot load plugin: %s", real, why ? why : "?");
        add_warning(reg, err->msg);
        return DNNR_EINVAL;
    }
    entry_fn entry;
    *(void **)&entry = dlsym(handle, "dnnr_plugin_entry");
    int rc;
    if (!entry) {
        rc = dnnr__error_set(err, DNNR_ENOTFOUND, "%s: no entry point dnnr_plugin_entry", real);
    } else {
        const dnnr_plugin_desc *desc = entry();
        rc = dnnr__plugin_check_desc(desc, real, err);
        if (rc == DNNR_OK)
            rc = add_plugin(reg, desc, real, handle, err);
    }
    if (rc != DNNR_OK) {
        add_warning(reg, err->msg);
        if (!keep_loaded())
            dlclose(handle);
    }
    return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dnnr__registry_scan_dir(dnnr_registry *reg, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return DNNR_ENOTFOUND;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = DNNR_OK;
    for (struct dirent *e; (e = readdir(d));) {
        if (!has_suffix(e->d_name, ".so"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = dnnr__realloc(names, cap * sizeof *grown);
            if (!grown) {
                rc = DNNR_ENOMEM;
                break;
            }
            names = grown;
        }
        if (!(names[n] = dnnr__asprintf("%s/%s", dir, e->d_name))) {
            rc = DNNR_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        dnnr_error err;
        if (rc == DNNR_OK)
            dnnr__registry_load_file(reg, names[i], &err); /* refusals become warnings */
        dnnr__free(names[i]);
    }
    dnnr__free(names);
    return rc;
}

int dnnr__default_plugin_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return DNNR_ENOTFOUND;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return DNNR_ENOTFOUND;
    *slash = '\0'; /* exe is now the binary's folder */
    /* Running from the build tree (bin/ beside the plugin folder's lib/)? */
    char build_bin[PATH_MAX];
    snprintf(build_bin, sizeof build_bin, "%s", DNNR_BUILD_PLUGIN_DIR);
    char *lib = strstr(build_bin, "/" DNNR_INSTALL_PLUGIN_SUBDIR);
    if (lib) {
        snprintf(lib, sizeof build_bin - (size_t)(lib - build_bin), "/bin");
        char real_build[PATH_MAX];
        if (realpath(build_bin, real_build) && strcmp(real_build, exe) == 0) {
            snprintf(buf, len, "%s", DNNR_BUILD_PLUGIN_DIR);
            return DNNR_OK;
        }
    }
    snprintf(buf, len, "%s/../%s", exe, DNNR_INSTALL_PLUGIN_SUBDIR);
    return DNNR_OK;
}

static int is_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d)
        closedir(d);
    return d != NULL;
}

int dnnr__registry_discover(dnnr_registry *reg, const char *const *explicit_paths, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dnnr_error err;
        if (is_dir(explicit_paths[i]))
            dnnr__registry_scan_dir(reg, explicit_paths[i]);
        else
            dnnr__registry_load_file(reg, explicit_paths[i], &err);
    }
    const char *env = getenv("DNNR_PLUGIN_PATH");
    if (env && *env) {
        char *copy = dnnr__strdup(env);
        if (!copy)
            return DNNR_ENOMEM;
        char *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
            dnnr__registry_scan_dir(reg, dir);
        dnnr__free(copy);
    }
    char dir[PATH_MAX];
    if (dnnr__default_plugin_dir(dir, sizeof dir) == DNNR_OK)
        dnnr__registry_scan_dir(reg, dir);
    return DNNR_OK;
}

const dnnr_plugin *dnnr__registry_find(const dnnr_registry *reg, dnnr_kind kind, const char *name)
{
    for (size_t i = 0; i < reg->n; i++)
        if (reg->plugins[i].desc->kind == kind && strcmp(reg->plugins[i].desc->name, name) == 0)
            return &reg->plugins[i];
    return NULL;
}

size_t dnnr__registry_count(const dnnr_registry *reg) { return reg->n; }
const dnnr_plugin *dnnr__registry_at(const dnnr_registry *reg, size_t i) { return &reg->plugins[i]; }
size_t dnnr__registry_warning_count(const dnnr_registry *reg) { return reg->n_warnings; }
const char *dnnr__registry_warning(const dnnr_registry *reg, size_t i) { return reg->warnings[i]; }
