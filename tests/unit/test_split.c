/* The study's split: numpy RandomState permutations and sklearn's
 * train_test_split sizes, against the vectors of SUBJECTS.md section 3.8. */
#include <check.h>
#include <stdlib.h>

#include "data/mt19937.h"
#include "data/split.h"
#include "util/alloc.h"

typedef struct vector {
    uint32_t seed;
    uint64_t n;
    uint64_t first[6];
} vector;

static const vector vectors[] = {
    {42, 10000, {6252, 4684, 1731, 4742, 4521, 6340}},
    {42, 200, {95, 15, 30, 158, 128, 115}},
    {42, 100, {83, 53, 70, 45, 44, 39}},
    {42, 40, {19, 16, 15, 26, 4, 12}},
    {42, 20, {0, 17, 15, 1, 8, 5}},
    {42, 2246, {1732, 482, 1565, 247, 1654, 985}},
    {42, 8982, {7588, 93, 761, 8824, 8458, 7389}},
    {1, 10000, {9953, 3850, 4962, 3886, 5437, 8517}},
    {0, 50000, {11841, 19602, 45519, 25747, 42642, 31902}},
};

START_TEST(numpy_permutations)
{
    const vector *v = &vectors[_i];
    uint64_t *perm = dnnr__alloc(v->n, sizeof *perm);
    dnnr__permutation(v->seed, v->n, perm);
    for (int k = 0; k < 6; k++)
        ck_assert_uint_eq(perm[k], v->first[k]);
    /* A permutation: every index exactly once. */
    unsigned char *seen = dnnr__alloc(v->n, 1);
    for (uint64_t k = 0; k < v->n; k++) {
        ck_assert_uint_lt(perm[k], v->n);
        ck_assert(!seen[perm[k]]);
        seen[perm[k]] = 1;
    }
    dnnr__free(seen);
    dnnr__free(perm);
}
END_TEST

START_TEST(mt19937_reference_output)
{
    /* init_genrand(5489)'s 10000th output is 4123659995 (the C++ standard's check value). */
    dnnr_mt19937 mt;
    dnnr__mt19937_seed(&mt, 5489);
    uint32_t v = 0;
    for (int i = 0; i < 10000; i++)
        v = dnnr__mt19937_next(&mt);
    ck_assert_uint_eq(v, 4123659995u);
}
END_TEST

START_TEST(split_sizes_of_the_study)
{
    static const struct { uint64_t n; double t; uint64_t train, test; } sizes[] = {
        {10000, 0.2, 8000, 2000}, {50000, 0.2, 40000, 10000}, {8982, 0.2, 7185, 1797},
        {2246, 0.2, 1796, 450},   {200, 0.2, 160, 40},        {10000, 0.3, 7000, 3000},
        {3000, 0.2, 2400, 600},   {40, 0.2, 32, 8},           {20, 0.2, 16, 4}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        dnnr_split s;
        ck_assert_int_eq(dnnr__train_test_split(sizes[i].n, sizes[i].t, 42, &s, NULL), DNNR_OK);
        ck_assert_uint_eq(s.n_train, sizes[i].train);
        ck_assert_uint_eq(s.n_test, sizes[i].test);
        dnnr__split_free(&s);
    }
    dnnr_split s;
    ck_assert_int_eq(dnnr__train_test_split(200, 0.2, 42, &s, NULL), DNNR_OK);
    ck_assert_uint_eq(s.test[0], 95); /* test rows come first in the permutation */
    ck_assert_uint_eq(s.train[0], 79); /* numpy: RandomState(42).permutation(200)[40] */
    dnnr__split_free(&s);
    dnnr_error err;
    ck_assert_int_eq(dnnr__train_test_split(1, 0.2, 42, &s, &err), DNNR_EINVAL);
    ck_assert_str_eq(err.msg, "splitting 1 rows with test_size 0.2 leaves an empty part");
    ck_assert_int_eq(dnnr__train_test_split(10, 1.5, 42, &s, &err), DNNR_EINVAL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("split");
    TCase *tc = tcase_create("numpy");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, numpy_permutations, 0, (int)(sizeof vectors / sizeof vectors[0]));
    tcase_add_test(tc, mt19937_reference_output);
    tcase_add_test(tc, split_sizes_of_the_study);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
