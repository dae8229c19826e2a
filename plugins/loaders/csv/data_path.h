/**
 * @file data_path.h
 * @brief Where a loader's `dir` / `file` option points (shared by the
 * cifar, csv, libsvm, npy and textcat loaders, which compile this file in).
 *
 * An absolute name is used as is. A relative one is tried under
 * $DNNR_DATA_DIR (init->data_dir) first, then beside the subject file; the
 * first that exists with the wanted kind (folder or file) wins. With neither
 * base set, the name is taken relative to the working directory.
 */
#ifndef DNNR_LOADERS_DATA_PATH_H
#define DNNR_LOADERS_DATA_PATH_H

#include <dnnrepair/dnnrepair.h>

typedef enum data_path_kind { DATA_PATH_FILE, DATA_PATH_DIR } data_path_kind;

/** "a/b" in host memory (b alone when it is absolute or a is NULL or empty), or NULL. */
char *data_path_join(const dnnr_host *host, const char *a, const char *b);

/** Nonzero when @p path exists and is of @p kind. */
int data_path_exists(const char *path, data_path_kind kind);

/**
 * Resolve @p name as described above into host memory (*out). When nothing
 * exists: with @p quiet, returns DNNR_ENOTFOUND without an error message
 * (callers that fall back to a substitute); otherwise records an error that
 * names @p option and every path tried. DNNR_ENOMEM when out of memory.
 */
int data_path_resolve(const dnnr_host *host, const char *option, const char *name,
                      const char *data_dir, const char *subject_file, data_path_kind kind,
                      int quiet, char **out);

/**
 * Read a whole file into host memory, with one extra zero byte after the
 * content (so text parsers may stop at '\0'). Files larger than
 * @p max_bytes are refused. Errors name the path.
 */
int data_file_read(const dnnr_host *host, const char *path, uint64_t max_bytes, char **out,
                   size_t *len);

#endif
