/* The loaders' offline defaults on the real Debian corpora: textcat on the
 * fortunes package (the Reuters stand-in) and cifar's Fashion-MNIST
 * substitute. Sizes and load times go to stderr for the record. A case
 * whose package is missing passes with a note. */
#include "test_loader_harness.h"

#include <dlfcn.h>
#include <time.h>

/* The built plugin NAME.so's entry, as the host's registry finds it. The
 * handle stays open: the process ends with the test. */
static const dnnr_plugin_desc *(*plugin_entry(const char *name))(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.so", DNNR_TEST_PLUGIN_DIR, name);
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    ck_assert_msg(handle != NULL, "dlopen %s: %s", path, dlerror());
    const dnnr_plugin_desc *(*entry)(void);
    *(void **)&entry = dlsym(handle, "dnnr_plugin_entry");
    ck_assert_ptr_nonnull(entry);
    return entry;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

static int have_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

START_TEST(fortunes_as_reuters_stand_in)
{
    if (!have_dir("/usr/share/games/fortunes")) {
        fprintf(stderr, "fortunes not installed: skipped\n");
        return;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loader_run r;
    loader_run_ok(&r, plugin_entry("textcat"), "");
    double s = seconds_since(&t0);
    const dnnr_dataset *d = &r.data;
    fprintf(stderr, "fortunes: %u categories, %llu train + %llu test texts, %u columns, %.2f s\n",
            d->n_classes, (unsigned long long)d->n_train, (unsigned long long)d->n_test,
            d->shape[0], s);
    ck_assert_uint_ge(d->n_classes, 40);
    ck_assert_uint_ge(d->n_train + d->n_test, 14000);
    ck_assert_uint_eq(d->shape[0], 1000);
    ck_assert_ptr_nonnull(strstr(d->provenance, "substitute: Debian fortunes"));
    /* every text has at least one of the 999 words, except very short ones */
    uint64_t empty = 0;
    for (uint64_t i = 0; i < d->n_train; i++) {
        float sum = 0;
        for (uint32_t j = 0; j < 1000; j++)
            sum += d->x_train[i * 1000 + j];
        empty += sum == 0;
    }
    ck_assert_uint_lt(empty, d->n_train / 100);
    loader_run_finish(&r);
}
END_TEST

START_TEST(fashion_mnist_as_cifar_stand_in)
{
    if (!have_dir("/usr/share/datasets/fashion-mnist")) {
        fprintf(stderr, "dataset-fashion-mnist not installed: skipped\n");
        return;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loader_run r;
    loader_run_start(&r, plugin_entry("cifar"), "one_hot = false;", NULL, "/nonexistent");
    ck_assert_msg(r.load_status == DNNR_OK, "%s", loader_run_error(&r));
    double s = seconds_since(&t0);
    const dnnr_dataset *d = &r.data;
    fprintf(stderr, "fashion-mnist as cifar: %llu train + %llu test, %ux%ux%u, %.2f s\n",
            (unsigned long long)d->n_train, (unsigned long long)d->n_test, d->shape[0],
            d->shape[1], d->shape[2], s);
    ck_assert_uint_eq(d->n_train, 50000);
    ck_assert_uint_eq(d->n_test, 10000);
    uint64_t per_class[10] = {0};
    for (uint64_t i = 0; i < d->n_test; i++)
        per_class[(int)d->y_test[i]]++;
    for (int c = 0; c < 10; c++)
        ck_assert_uint_eq(per_class[c], 1000); /* Fashion-MNIST's test set is balanced */
    loader_run_finish(&r);
}
END_TEST

static Suite *corpora_suite(void)
{
    Suite *s = suite_create("loader_corpora");
    TCase *tc = tcase_create("corpora");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, fortunes_as_reuters_stand_in);
    tcase_add_test(tc, fashion_mnist_as_cifar_stand_in);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(corpora_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
