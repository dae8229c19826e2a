/**
 * @file plugin.h
 * @brief The plugin descriptor and the single exported entry symbol.
 *
 * A plugin is one shared object exporting
 *     const dnnr_plugin_desc *dnnr_plugin_entry(void);
 * Write it with DNNR_PLUGIN_DEFINE, which also emits
 *     const dnnr_plugin_desc *dnnr_plugin_<name>_entry(void);
 * so tests can link plugins statically (define DNNR_PLUGIN_STATIC then, and
 * only the per-name symbol is emitted).
 *
 * The entry MUST have no side effects (no allocation, I/O or globals): the
 * host calls it to list plugins.
 *
 * Host checks, in order: the library opens and exports the entry; the
 * descriptor is non-NULL and its struct_size covers v1; same SDK major and a
 * minor not newer than the host's; a known kind and a name not yet taken;
 * iface_size covers the kind's v1 table and its required functions are set.
 * Each refusal names the file and both versions and costs a warning, never
 * the run.
 */
#ifndef DNNREPAIR_PLUGIN_H
#define DNNREPAIR_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#if defined(_WIN32)
#define DNNR_EXPORT __declspec(dllexport)
#else
#define DNNR_EXPORT __attribute__((visibility("default")))
#endif

/** Plugin kinds. @since 1.0 */
typedef enum dnnr_kind {
    DNNR_KIND_SEARCHER = 1,
    DNNR_KIND_LOADER = 2,
    DNNR_KIND_METRIC = 3,
    DNNR_KIND_BACKEND = 4,
} dnnr_kind;

/** What a plugin says about itself. @since 1.0 */
typedef struct dnnr_plugin_desc {
    uint32_t struct_size;          /**< sizeof(dnnr_plugin_desc) at build time */
    uint16_t sdk_major, sdk_minor; /**< SDK the plugin was built against */
    dnnr_kind kind;
    const char *name;    /**< unique; [a-z0-9_]+ */
    const char *version; /**< the plugin's own version, e.g. "1.2.0" */
    const char *summary; /**< one line */
    const void *iface;   /**< the kind's table (dnnr_searcher_iface, ...) */
    uint32_t iface_size; /**< sizeof that table at build time */
} dnnr_plugin_desc;

/**
 * Nonzero when struct @p p (starting with struct_size) is large enough to
 * hold @p member: read a post-1.0 member only when this holds.
 */
#define DNNR_HAS(p, member)                                                                    \
    ((p)->struct_size >= offsetof(__typeof__(*(p)), member) + sizeof((p)->member))

#if defined(DNNR_PLUGIN_STATIC)
#define DNNR_PLUGIN_ENTRY_(name, desc)
#else
#define DNNR_PLUGIN_ENTRY_(name, desc)                                                         \
    DNNR_EXPORT const dnnr_plugin_desc *dnnr_plugin_entry(void);                               \
    DNNR_EXPORT const dnnr_plugin_desc *dnnr_plugin_entry(void) { return &desc; }
#endif

/**
 * Define a plugin: its descriptor and entry symbols.
 * @param name_  identifier, becomes the plugin name ("random")
 * @param kind_  a dnnr_kind
 * @param version_ string, the plugin's version
 * @param summary_ string, one line
 * @param iface_ a static const table of the kind's iface type
 */
#define DNNR_PLUGIN_DEFINE(name_, kind_, version_, summary_, iface_)                           \
    static const dnnr_plugin_desc dnnr_desc_##name_ = {                                        \
        sizeof(dnnr_plugin_desc), DNNR_SDK_VERSION_MAJOR, DNNR_SDK_VERSION_MINOR, (kind_),     \
        #name_, (version_), (summary_), &(iface_), (uint32_t)sizeof(iface_)};                  \
    DNNR_EXPORT const dnnr_plugin_desc *dnnr_plugin_##name_##_entry(void);                     \
    DNNR_EXPORT const dnnr_plugin_desc *dnnr_plugin_##name_##_entry(void)                      \
    {                                                                                          \
        return &dnnr_desc_##name_;                                                             \
    }                                                                                          \
    DNNR_PLUGIN_ENTRY_(name_, dnnr_desc_##name_)

#endif
