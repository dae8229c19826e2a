/* Resolve data paths and read whole files; see data_path.h. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "data_path.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char *copy_n(const dnnr_host *host, const char *s, size_t n)
{
    char *out = host->alloc(host->ctx, n + 1, 1);
    if (out)
        memcpy(out, s, n);
    return out;
}

char *data_path_join(const dnnr_host *host, const char *a, const char *b)
{
    if (!a || !*a || b[0] == '/')
        return copy_n(host, b, strlen(b));
    size_t la = strlen(a), lb = strlen(b);
    int slash = a[la - 1] != '/';
    char *out = host->alloc(host->ctx, la + (size_t)slash + lb + 1, 1);
    if (!out)
        return NULL;
    memcpy(out, a, la);
    if (slash)
        out[la] = '/';
    memcpy(out + la + (size_t)slash, b, lb);
    return out;
}

int data_path_exists(const char *path, data_path_kind kind)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return kind == DATA_PATH_DIR ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* The folder part of @p file ("." when it has none), in host memory. */
static char *folder_of(const dnnr_host *host, const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return copy_n(host, ".", 1);
    return copy_n(host, file, slash == file ? 1 : (size_t)(slash - file));
}

static int out_of_memory(const dnnr_host *host)
{
    host->set_error(host->ctx, "out of memory while resolving data paths");
    return DNNR_ENOMEM;
}

int data_path_resolve(const dnnr_host *host, const char *option, const char *name,
                      const char *data_dir, const char *subject_file, data_path_kind kind,
                      int quiet, char **out)
{
    *out = NULL;
    const char *what = kind == DATA_PATH_DIR ? "folder" : "file";
    char *tried[2] = {NULL, NULL};
    int n_tried = 0;
    if (name[0] == '/' || ((!data_dir || !*data_dir) && !subject_file)) {
        tried[n_tried++] = copy_n(host, name, strlen(name));
        if (!tried[0])
            return out_of_memory(host);
    } else {
        if (data_dir && *data_dir) {
            tried[n_tried] = data_path_join(host, data_dir, name);
            if (!tried[n_tried++])
                return out_of_memory(host);
        }
        if (subject_file) {
            char *folder = folder_of(host, subject_file);
            tried[n_tried] = folder ? data_path_join(host, folder, name) : NULL;
            host->free(host->ctx, folder);
            if (!tried[n_tried++]) {
                host->free(host->ctx, tried[0]);
                return out_of_memory(host);
            }
        }
    }
    for (int i = 0; i < n_tried; i++) {
        if (data_path_exists(tried[i], kind)) {
            *out = tried[i];
            for (int j = 0; j < n_tried; j++)
                if (j != i)
                    host->free(host->ctx, tried[j]);
            return DNNR_OK;
        }
    }
    if (!quiet)
        host->set_error(host->ctx,
                        "%s \"%s\": no such %s: tried %s%s%s (expected an existing %s under "
                        "$DNNR_DATA_DIR or beside the subject file)",
                        option, name, what, tried[0], n_tried > 1 ? " and " : "",
                        n_tried > 1 ? tried[1] : "", what);
    for (int i = 0; i < n_tried; i++)
        host->free(host->ctx, tried[i]);
    return DNNR_ENOTFOUND;
}

int data_file_read(const dnnr_host *host, const char *path, uint64_t max_bytes, char **out,
                   size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        host->set_error(host->ctx, "%s: cannot open: %s", path, strerror(errno));
        return DNNR_EIO;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        host->set_error(host->ctx, "%s: expected a regular file", path);
        fclose(f);
        return DNNR_EIO;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size > max_bytes) {
        host->set_error(host->ctx, "%s: %" PRIu64 " bytes: expected at most %" PRIu64, path, size,
                        max_bytes);
        fclose(f);
        return DNNR_EPARSE;
    }
    char *buf = host->alloc(host->ctx, (size_t)size + 1, 1);
    if (!buf) {
        host->set_error(host->ctx, "%s: out of memory for %" PRIu64 " bytes", path, size);
        fclose(f);
        return DNNR_ENOMEM;
    }
    size_t got = fread(buf, 1, (size_t)size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || got != size) {
        host->set_error(host->ctx, "%s: read %zu of %" PRIu64 " bytes: %s", path, got, size,
                        failed ? strerror(errno) : "file changed while reading");
        host->free(host->ctx, buf);
        return DNNR_EIO;
    }
    *out = buf;
    *len = got;
    return DNNR_OK;
}
