/**
 * @file idx_paths.h
 * @brief Where the loader looks for its files.
 *
 * - `dir` unset: the offline default IDX_DEFAULT_DIR (Debian's
 *   dataset-fashion-mnist package, a substitute for MNIST).
 * - `dir` absolute: used as is.
 * - `dir` relative: first $DNNR_DATA_DIR/dir, then <subject file's folder>/dir;
 *   the first that is an existing folder wins (with neither set, the working
 *   directory).
 * A file name that is absolute is used as is; otherwise it is joined to the
 * folder. A missing "NAME.gz" falls back to an unpacked "NAME" (the form
 * LeCun's MNIST files are often stored in).
 */
#ifndef DNNR_IDX_PATHS_H
#define DNNR_IDX_PATHS_H

#include <dnnrepair/dnnrepair.h>

/** Where `apt-get install dataset-fashion-mnist` puts Fashion-MNIST. */
#define IDX_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"

/** "a/b" in host memory (b alone when it is absolute or a is NULL or empty), or NULL. */
char *idx_path_join(const dnnr_host *host, const char *a, const char *b);

/**
 * Resolve the `dir` option (NULL or "" when unset) as described above into
 * a host-allocated folder path. Errors (no candidate folder exists) go
 * through host->set_error naming every folder tried.
 */
int idx_resolve_dir(const dnnr_host *host, const char *dir, const char *data_dir,
                    const char *subject_file, char **out);

/**
 * The path of file @p name in @p dir, with the ".gz" fallback; always
 * returns a path (the first candidate when none exists, so that the read
 * error names it), or NULL when out of memory.
 */
char *idx_resolve_file(const dnnr_host *host, const char *dir, const char *name);

#endif
