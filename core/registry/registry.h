/* The plugin registry: finds shared objects, dlopens them, checks their
 * descriptors against this host's SDK, and looks plugins up by kind and name.
 * A plugin that fails a check is refused with a warning naming its file; it
 * never aborts the program. */
#ifndef DNNR_REGISTRY_REGISTRY_H
#define DNNR_REGISTRY_REGISTRY_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

#include "util/error.h"

typedef struct dnnr_plugin {
    const dnnr_plugin_desc *desc;
    char *path; /* the shared object, or "(static)" for linked-in plugins */
    void *handle;
} dnnr_plugin;

typedef struct dnnr_registry dnnr_registry;

dnnr_registry *dnnr__registry_create(void);
void dnnr__registry_destroy(dnnr_registry *reg);

/**
 * Load one shared object. Returns DNNR_OK, or an error whose message names
 * the file and the reason (also kept as a warning). Loading the same file
 * twice is a no-op.
 */
int dnnr__registry_load_file(dnnr_registry *reg, const char *path, dnnr_error *err);
/** Load every *.so in a folder (sorted by name); refusals become warnings. */
int dnnr__registry_scan_dir(dnnr_registry *reg, const char *dir);
/**
 * The standard search: the explicit paths (files or folders, e.g. from an
 * experiment file), then each folder of $DNNR_PLUGIN_PATH, then the build
 * tree's plugin folder when this binary runs from the build tree, else the
 * install prefix's lib/dnnrepair/plugins.
 */
int dnnr__registry_discover(dnnr_registry *reg, const char *const *explicit_paths, size_t n);
/** Register a descriptor linked into the binary (tests, static builds). */
int dnnr__registry_add_static(dnnr_registry *reg, const dnnr_plugin_desc *desc, dnnr_error *err);
/** Check a descriptor as if loaded from `path` (no registration). */
int dnnr__plugin_check_desc(const dnnr_plugin_desc *desc, const char *path, dnnr_error *err);

const dnnr_plugin *dnnr__registry_find(const dnnr_registry *reg, dnnr_kind kind, const char *name);
size_t dnnr__registry_count(const dnnr_registry *reg);
const dnnr_plugin *dnnr__registry_at(const dnnr_registry *reg, size_t i);
size_t dnnr__registry_warning_count(const dnnr_registry *reg);
const char *dnnr__registry_warning(const dnnr_registry *reg, size_t i);

const char *dnnr__kind_name(dnnr_kind kind);
/** The folder plugins are taken from by default (build tree or install prefix). */
int dnnr__default_plugin_dir(char *buf, size_t len);

#endif
