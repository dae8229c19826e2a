/* Shared by the test_loader_<name>.c suites: a temporary folder the test
 * writes its data files into, and a loader plugin run through a standalone
 * host (create, option check, load). Header-only, static inline, so each
 * suite compiles its own copy. */
#ifndef DNNR_TEST_LOADER_HARNESS_H
#define DNNR_TEST_LOADER_HARNESS_H

#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"
#include "util/alloc.h"

static char tmpdir[128];

static inline void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/dnnr_test_loader_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static inline int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

static inline void remove_tmpdir(void)
{
    nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmpdir/name into buf. */
static inline const char *tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
    return buf;
}

static inline void write_bytes(const char *name, const void *bytes, size_t len)
{
    char path[512];
    FILE *f = fopen(tmp_path(path, sizeof path, name), "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static inline void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

static inline void make_subdir(const char *name)
{
    char path[512];
    ck_assert_int_eq(mkdir(tmp_path(path, sizeof path, name), 0700), 0);
}

typedef struct loader_run {
    dnnr_host *host;
    const dnnr_loader_iface *iface;
    dnnr_loader *loader;
    dnnr_dataset data;
    int create_status, load_status;
} loader_run;

/* Create (and, when create succeeds, load) the plugin @p entry with
 * @p options (libconfig text). */
static inline void loader_run_start(loader_run *r, const dnnr_plugin_desc *(*entry)(void),
                                    const char *options, const char *subject_file,
                                    const char *data_dir)
{
    memset(r, 0, sizeof *r);
    dnnr_error err;
    const dnnr_plugin_desc *d = entry();
    ck_assert_int_eq(d->kind, DNNR_KIND_LOADER);
    r->host = dnnr__host_create_simple(d->name, 7, options, &err);
    ck_assert_msg(r->host != NULL, "host: %s", err.msg);
    r->iface = d->iface;
    dnnr_loader_init init = {sizeof init, r->host, subject_file, data_dir};
    r->create_status = r->iface->create(&init, &r->loader);
    if (r->create_status != DNNR_OK) {
        ck_assert_ptr_null(r->loader);
        return;
    }
    ck_assert_msg(dnnr__host_check_options(r->host, &err) == DNNR_OK, "options: %s", err.msg);
    r->load_status = r->iface->load(r->loader, &r->data);
}

static inline void loader_run_finish(loader_run *r)
{
    if (r->iface)
        r->iface->destroy(r->loader);
    dnnr__host_destroy(r->host);
    memset(r, 0, sizeof *r);
}

static inline const char *loader_run_error(const loader_run *r)
{
    return dnnr__host_last_error(r->host);
}

/* A run that must succeed: create and load OK. */
static inline void loader_run_ok(loader_run *r, const dnnr_plugin_desc *(*entry)(void),
                                 const char *options)
{
    loader_run_start(r, entry, options, NULL, NULL);
    ck_assert_msg(r->create_status == DNNR_OK, "create: %s", loader_run_error(r));
    ck_assert_msg(r->load_status == DNNR_OK, "load: %s", loader_run_error(r));
    ck_assert_uint_eq(r->data.struct_size, sizeof(dnnr_dataset));
}

/* A run that must fail in create or load with an error containing every
 * one of the NULL-terminated words. */
static inline void loader_expect_error(const dnnr_plugin_desc *(*entry)(void),
                                       const char *options, ...)
{
    loader_run r;
    loader_run_start(&r, entry, options, NULL, NULL);
    ck_assert_msg(r.create_status < 0 || r.load_status < 0, "expected a failure for: %s",
                  options);
    const char *msg = loader_run_error(&r);
    if (getenv("LOADER_TEST_VERBOSE"))
        fprintf(stderr, "error: %s\n", msg);
    va_list ap;
    va_start(ap, options);
    const char *word;
    while ((word = va_arg(ap, const char *)))
        ck_assert_msg(strstr(msg, word) != NULL, "error \"%s\" should contain \"%s\"", msg, word);
    va_end(ap);
    loader_run_finish(&r);
}

/* Robustness against damaged files: @p name (in tmpdir) is rewritten as a
 * prefix of @p bytes (every length up to @p len, in steps of @p step plus the
 * last few), then with single bytes replaced by 0x00, 0xff, '9', ':' and '"'
 * at every @p step-th offset. Each load must either succeed or fail with a
 * message; with @p prefixes_fail every strict prefix must fail. ASan/UBSan
 * catch any read outside the data. The original file is restored at the end. */
static inline void loader_damage_file(const dnnr_plugin_desc *(*entry)(void), const char *options,
                                      const char *name, const uint8_t *bytes, size_t len,
                                      size_t step, int prefixes_fail)
{
    uint8_t *copy = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(copy);
    static const uint8_t swaps[] = {0x00, 0xff, '9', ':', '"'};
    for (size_t cut = 0; cut < len; cut += (cut + 4 >= len || cut < 16) ? 1 : step) {
        write_bytes(name, bytes, cut);
        loader_run r;
        loader_run_start(&r, entry, options, NULL, NULL);
        int failed = r.create_status < 0 || r.load_status < 0;
        ck_assert_msg(!failed || *loader_run_error(&r), "cut at %zu: failure without a message",
                      cut);
        ck_assert_msg(failed || !prefixes_fail, "cut at %zu bytes of %zu loaded", cut, len);
        loader_run_finish(&r);
    }
    for (size_t at = 0; at < len; at += step) {
        for (size_t k = 0; k < sizeof swaps; k++) {
            memcpy(copy, bytes, len);
            copy[at] = swaps[k];
            write_bytes(name, copy, len);
            loader_run r;
            loader_run_start(&r, entry, options, NULL, NULL);
            int failed = r.create_status < 0 || r.load_status < 0;
            ck_assert_msg(!failed || *loader_run_error(&r), "byte %zu = 0x%02x: no message", at,
                          swaps[k]);
            loader_run_finish(&r);
        }
    }
    write_bytes(name, bytes, len);
    free(copy);
}

/* The bytes of tmpdir/name (malloc'd), for loader_damage_file. */
static inline uint8_t *read_back(const char *name, size_t *len)
{
    char path[512];
    FILE *f = fopen(tmp_path(path, sizeof path, name), "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    uint8_t *bytes = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_uint_eq(fread(bytes, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return bytes;
}

/* SQLite-style OOM loop: fail the Nth allocation and every later one, for
 * N = 0, 1, ... until create and load succeed untouched. Each failing pass
 * must return DNNR_ENOMEM with a message (LeakSanitizer checks that nothing
 * leaks, the ASan build that nothing is touched after a failure). */
static inline void loader_oom_loop(const dnnr_plugin_desc *(*entry)(void), const char *options,
                                   const char *data_dir)
{
    const dnnr_plugin_desc *d = entry();
    for (int n = 0; n < 100000; n++) {
        dnnr_error err;
        dnnr_host *host = dnnr__host_create_simple(d->name, 7, options, &err);
        ck_assert_msg(host != NULL, "host: %s", err.msg);
        const dnnr_loader_iface *iface = d->iface;
        dnnr_loader_init init = {sizeof init, host, NULL, data_dir};
        dnnr_loader *loader = NULL;
        dnnr_dataset data;
        dnnr__alloc_fault(n, 1);
        int status = iface->create(&init, &loader);
        if (status == DNNR_OK)
            status = iface->load(loader, &data);
        int faults = dnnr__alloc_fault(-1, 0);
        const char *msg = dnnr__host_last_error(host);
        if (faults == 0)
            ck_assert_msg(status == DNNR_OK, "pass %d without a fault: %s", n, msg);
        else
            ck_assert_msg(status == DNNR_ENOMEM && *msg, "pass %d: status %d, \"%s\"", n, status,
                          msg);
        iface->destroy(loader);
        dnnr__host_destroy(host);
        if (faults == 0) {
            if (getenv("LOADER_TEST_VERBOSE"))
                fprintf(stderr, "%s: succeeded after %d failing passes\n", d->name, n);
            return;
        }
    }
    ck_abort_msg("create and load never succeeded");
}

#endif
