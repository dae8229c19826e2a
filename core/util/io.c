#include "util/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dnnrepair/status.h>

#include "util/alloc.h"

static int fault_countdown = -1;
static int fault_persistent;

void dnnr__io_fault(int countdown, int persistent)
{
    fault_countdown = countdown;
    fault_persistent = persistent;
}

static int inject(void)
{
    if (fault_countdown < 0)
        return 0;
    if (fault_countdown == 0) {
        if (!fault_persistent)
            fault_countdown = -1;
        return 1;
    }
    fault_countdown--;
    return 0;
}

int dnnr__write_all(int fd, const void *p, size_t n)
{
    if (inject())
        return DNNR_EIO;
    const char *at = p;
    while (n) {
        ssize_t w = write(fd, at, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return DNNR_EIO;
        at += w;
        n -= (size_t)w;
    }
    return DNNR_OK;
}

int dnnr__fsync(int fd)
{
    if (inject())
        return DNNR_EIO;
    return fsync(fd) == 0 ? DNNR_OK : DNNR_EIO;
}

int dnnr__mkdirs(const char *path)
{
    char *copy = dnnr__strdup(path);
    if (!copy)
        return DNNR_ENOMEM;
    int rc = DNNR_OK;
    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, 0777) != 0 && errno != EEXIST)
                rc = DNNR_EIO;
            *p = saved;
            if (!saved || rc)
                break;
        }
    }
    dnnr__free(copy);
    return rc;
}

char *dnnr__read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *data = dnnr__alloc(cap, 1);
    while (data) {
        if (n + 1 >= cap) {
            char *grown = dnnr__realloc(data, cap * 2);
            if (!grown) {
                dnnr__free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
        size_t got = fread(data + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (!data || failed) {
        dnnr__free(data);
        return NULL;
    }
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

int dnnr__write_file_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = dnnr__asprintf("%s.tmp", path);
    if (!tmp)
        return DNNR_ENOMEM;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int rc = fd < 0 ? DNNR_EIO : dnnr__write_all(fd, data, len);
    if (!rc)
        rc = dnnr__fsync(fd);
    if (fd >= 0 && close(fd) != 0 && !rc)
        rc = DNNR_EIO;
    if (!rc && rename(tmp, path) != 0)
        rc = DNNR_EIO;
    if (rc)
        unlink(tmp);
    dnnr__free(tmp);
    return rc;
}
