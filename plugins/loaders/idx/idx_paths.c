/* Resolve the loader's folder and file names; see idx_paths.h. */
#include "idx_paths.h"

#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static char *copy_n(const dnnr_host *host, const char *s, size_t n)
{
    char *out = host->alloc(host->ctx, n + 1, 1);
    if (out)
        memcpy(out, s, n);
    return out;
}

char *idx_path_join(const dnnr_host *host, const char *a, const char *b)
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

int idx_resolve_dir(const dnnr_host *host, const char *dir, const char *data_dir,
                    const char *subject_file, char **out)
{
    *out = NULL;
    if (!dir || !*dir) {
        if (!is_dir(IDX_DEFAULT_DIR)) {
            host->set_error(host->ctx,
                            "no `dir` option and the offline default %s is missing: "
                            "expected Debian's dataset-fashion-mnist package "
                            "(apt-get install dataset-fashion-mnist) or a `dir` option",
                            IDX_DEFAULT_DIR);
            return DNNR_ENOTFOUND;
        }
        *out = copy_n(host, IDX_DEFAULT_DIR, strlen(IDX_DEFAULT_DIR));
        return *out ? DNNR_OK : out_of_memory(host);
    }
    if (dir[0] == '/' || ((!data_dir || !*data_dir) && !subject_file)) {
        *out = copy_n(host, dir, strlen(dir));
        return *out ? DNNR_OK : out_of_memory(host);
    }
    char *from_data = NULL, *subject_folder = NULL, *from_subject = NULL;
    if (data_dir && *data_dir && !(from_data = idx_path_join(host, data_dir, dir)))
        return out_of_memory(host);
    if (from_data && is_dir(from_data)) {
        *out = from_data;
        return DNNR_OK;
    }
    if (subject_file) {
        subject_folder = folder_of(host, subject_file);
        from_subject = subject_folder ? idx_path_join(host, subject_folder, dir) : NULL;
        host->free(host->ctx, subject_folder);
        if (!from_subject) {
            host->free(host->ctx, from_data);
            return out_of_memory(host);
        }
        if (is_dir(from_subject)) {
            host->free(host->ctx, from_data);
            *out = from_subject;
            return DNNR_OK;
        }
    }
    host->set_error(host->ctx,
                    "data folder \"%s\" not found: tried %s%s%s%s (expected an existing "
                    "folder under $DNNR_DATA_DIR or beside the subject file)",
                    dir, from_data ? from_data : "", from_data && from_subject ? " and " : "",
                    from_subject ? from_subject : "", from_data || from_subject ? "" : "nothing");
    host->free(host->ctx, from_data);
    host->free(host->ctx, from_subject);
    return DNNR_ENOTFOUND;
}

char *idx_resolve_file(const dnnr_host *host, const char *dir, const char *name)
{
    char *path = idx_path_join(host, dir, name);
    if (!path || is_file(path))
        return path;
    size_t len = strlen(path);
    if (len > 3 && strcmp(path + len - 3, ".gz") == 0) {
        path[len - 3] = '\0';
        if (is_file(path))
            return path;
        path[len - 3] = '.';
    }
    return path;
}
