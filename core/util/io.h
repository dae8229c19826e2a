/* File output the journal relies on: complete writes, fsync, and fault
 * injection so tests can fail the Nth write or fsync (SQLite's test VFS). */
#ifndef DNNR_UTIL_IO_H
#define DNNR_UTIL_IO_H

#include <stddef.h>

/** Write all n bytes (retrying short writes and EINTR); DNNR_EIO on failure. */
int dnnr__write_all(int fd, const void *p, size_t n);
/** fsync; DNNR_EIO on failure. */
int dnnr__fsync(int fd);
/** Make a folder and its parents (mkdir -p). */
int dnnr__mkdirs(const char *path);
/** Read a whole file (terminated); NULL on failure. */
char *dnnr__read_file(const char *path, size_t *len);
/** Write a whole file atomically (temporary file, fsync, rename). */
int dnnr__write_file_atomic(const char *path, const void *data, size_t len);

/**
 * Fault injection for dnnr__write_all and dnnr__fsync on regular files:
 * let `countdown` more calls succeed, then fail one (or all, persistent).
 * countdown < 0 turns it off.
 */
void dnnr__io_fault(int countdown, int persistent);

#endif
