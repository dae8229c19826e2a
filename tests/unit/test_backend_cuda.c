/* The cuda backend plugin as the host sees it, on any machine: built only
 * where CUDA is (otherwise every test here passes after saying so), it must
 * load, describe itself and answer probe() with 0 (no usable GPU) or 100.
 * Without a GPU, create() must fail with a message instead of crashing;
 * with one, buffers round-trip, a dense plan computes, bad operands are
 * refused before they reach the device, and an impossible allocation is
 * DNNR_ENOMEM with "out of memory" in the message while the instance stays
 * usable. The op-by-op comparison with onednn and the training checks are
 * the GPU tests in plugins/backends/cuda/tests/. */
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <dnnrepair/dnnrepair.h>

#include "host/host.h"

typedef struct loaded {
    void *so;
    const dnnr_plugin_desc *desc;
    const dnnr_backend_iface *iface;
} loaded;

/* 0 when the plugin is not built here (the test then has nothing to check). */
static int load(loaded *l)
{
    const char *path = DNNR_TEST_PLUGIN_DIR "/cuda.so";
    memset(l, 0, sizeof *l);
    if (access(path, F_OK) != 0) {
        printf("cuda plugin not built here (no CUDA toolkit found): nothing to check\n");
        return 0;
    }
    l->so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(l->so != NULL, "dlopen: %s", dlerror());
    const dnnr_plugin_desc *(*entry)(void) =
        (const dnnr_plugin_desc *(*)(void))dlsym(l->so, "dnnr_plugin_entry");
    ck_assert_msg(entry != NULL, "no dnnr_plugin_entry");
    l->desc = entry();
    ck_assert_ptr_nonnull(l->desc);
    l->iface = l->desc->iface;
    return 1;
}

START_TEST(descriptor_and_probe)
{
    loaded l;
    if (!load(&l))
        return;
    ck_assert_int_eq(l.desc->kind, DNNR_KIND_BACKEND);
    ck_assert_str_eq(l.desc->name, "cuda");
    ck_assert_uint_ge(l.desc->iface_size, sizeof(dnnr_backend_iface));
    const dnnr_backend_iface *f = l.iface;
    ck_assert(f->probe && f->create && f->destroy && f->buffer_alloc && f->buffer_free &&
              f->upload && f->download && f->copy && f->supports && f->plan_create &&
              f->plan_run && f->plan_free && f->synchronize);
    int score = f->probe();
    ck_assert_msg(score == 0 || score == 100, "probe returned %d", score);
    printf("cuda probe: %d (%s)\n", score, score ? "a usable GPU" : "no usable GPU: skipped");
}
END_TEST

static dnnr_backend *open_backend(const loaded *l, dnnr_host **host, int *rc)
{
    dnnr_error err = {{0}};
    *host = dnnr__host_create_simple("cuda", 1, NULL, &err);
    ck_assert_ptr_nonnull(*host);
    dnnr_backend_init init = {sizeof init, *host, 0, 1};
    dnnr_backend *b = NULL;
    *rc = l->iface->create(&init, &b);
    return b;
}

START_TEST(create_fails_cleanly_without_gpu)
{
    loaded l;
    if (!load(&l) || l.iface->probe() != 0)
        return;
    dnnr_host *host;
    int rc;
    dnnr_backend *b = open_backend(&l, &host, &rc);
    ck_assert_int_lt(rc, 0);
    ck_assert_ptr_null(b);
    const char *why = dnnr__host_last_error(host);
    ck_assert_msg(why && *why, "create failed without a message");
    printf("cuda create without a GPU: %s (%s)\n", dnnr_status_name(rc), why);
    dnnr__host_destroy(host);
}
END_TEST

START_TEST(buffers_plans_and_memory_errors_on_gpu)
{
    loaded l;
    if (!load(&l) || l.iface->probe() == 0)
        return;
    const dnnr_backend_iface *f = l.iface;
    dnnr_host *host;
    int rc;
    dnnr_backend *b = open_backend(&l, &host, &rc);
    ck_assert_msg(rc == DNNR_OK, "create: %s", dnnr__host_last_error(host));
    /* x[2,3] w[3,2] b[2] -> y[2,2] */
    const float x[6] = {1, 2, 3, 4, 5, 6}, w[6] = {1, 0, 0, 1, 1, 1}, bias[2] = {0.5f, -1};
    dnnr_buffer *bx, *bw, *bb, *by, *big = NULL;
    ck_assert_int_eq(f->buffer_alloc(b, sizeof x, &bx), DNNR_OK);
    ck_assert_int_eq(f->buffer_alloc(b, sizeof w, &bw), DNNR_OK);
    ck_assert_int_eq(f->buffer_alloc(b, sizeof bias, &bb), DNNR_OK);
    ck_assert_int_eq(f->buffer_alloc(b, 4 * sizeof(float), &by), DNNR_OK);
    ck_assert_int_eq(f->upload(b, bx, 0, x, sizeof x), DNNR_OK);
    ck_assert_int_eq(f->upload(b, bw, 0, w, sizeof w), DNNR_OK);
    ck_assert_int_eq(f->upload(b, bb, 0, bias, sizeof bias), DNNR_OK);
    ck_assert_int_eq(f->upload(b, bx, 4, x, sizeof x), DNNR_EINVAL); /* past the end */
    dnnr_op_desc d = {.struct_size = sizeof d, .op = DNNR_OP_DENSE_FWD};
    d.n_dims[0] = d.n_dims[1] = 2;
    d.dims[0][0] = 2;
    d.dims[0][1] = 3;
    d.dims[1][0] = 3;
    d.dims[1][1] = 2;
    dnnr_plan *p = NULL;
    ck_assert_int_eq(f->plan_create(b, &d, &p), DNNR_OK);
    dnnr_buffer *ops[4] = {bx, bw, bb, by};
    ck_assert_int_eq(f->plan_run(b, p, ops, 3, NULL), DNNR_EINVAL); /* too few operands */
    dnnr_buffer *short_ops[4] = {bb, bw, bb, by};                   /* x too small */
    ck_assert_int_eq(f->plan_run(b, p, short_ops, 4, NULL), DNNR_EINVAL);
    ck_assert_int_eq(f->plan_run(b, p, ops, 4, NULL), DNNR_OK);
    float y[4];
    ck_assert_int_eq(f->download(b, y, by, 0, sizeof y), DNNR_OK);
    const float want[4] = {1 + 3 + 0.5f, 2 + 3 - 1, 4 + 6 + 0.5f, 5 + 6 - 1};
    for (int i = 0; i < 4; i++)
        ck_assert_float_eq_tol(y[i], want[i], 1e-5f);
    /* more memory than any GPU has: ENOMEM with a clear message, then still usable */
    rc = f->buffer_alloc(b, (size_t)1 << 50, &big);
    ck_assert_int_eq(rc, DNNR_ENOMEM);
    ck_assert_ptr_nonnull(strstr(dnnr__host_last_error(host), "out of memory"));
    ck_assert_int_eq(f->plan_run(b, p, ops, 4, NULL), DNNR_OK);
    ck_assert_int_eq(f->synchronize(b), DNNR_OK);
    f->plan_free(b, p);
    f->buffer_free(b, bx);
    f->buffer_free(b, bw);
    f->buffer_free(b, bb);
    f->buffer_free(b, by);
    f->destroy(b);
    dnnr__host_destroy(host);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("backend_cuda");
    TCase *tc = tcase_create("plugin");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, descriptor_and_probe);
    tcase_add_test(tc, create_fails_cleanly_without_gpu);
    tcase_add_test(tc, buffers_plans_and_memory_errors_on_gpu);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
