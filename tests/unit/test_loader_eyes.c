/* The eyes loader's unityeyes generator: deterministic from its seed, sample
 * i independent of n, images in [0, 1] whose pupil follows the gaze, the
 * study's split and the documented sample layouts. Set EYES_TEST_PGM=dir to
 * write a few images as PGM files for a look. */
#include "test_loader_harness.h"

#include <math.h>

#include "eyes_render.h"

const dnnr_plugin_desc *dnnr_plugin_eyes_entry(void);

START_TEST(generates_images_and_gaze)
{
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_eyes_entry, "n = 50;");
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 3);
    ck_assert_uint_eq(d->shape[0], 36);
    ck_assert_uint_eq(d->shape[1], 60);
    ck_assert_uint_eq(d->shape[2], 1);
    ck_assert_uint_eq(d->n_train, 40);
    ck_assert_uint_eq(d->n_test, 10);
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_REAL);
    ck_assert_uint_eq(d->y_dim, 2);
    ck_assert_ptr_nonnull(strstr(d->provenance, "substitute: procedural UnityEyes"));
    int bad = 0;
    for (uint64_t i = 0; i < d->n_train * EYES_PIXELS; i++)
        bad += !(d->x_train[i] >= 0.0f && d->x_train[i] <= 1.0f);
    for (uint64_t i = 0; i < d->n_train; i++)
        bad += fabsf(d->y_train[2 * i]) > 0.35f || fabsf(d->y_train[2 * i + 1]) > 0.5f;
    ck_assert_int_eq(bad, 0);
    /* the same seed gives the same data; test rows are samples perm[:10] */
    loader_run again;
    loader_run_ok(&again, dnnr_plugin_eyes_entry, "n = 50; seed = 42;");
    ck_assert_int_eq(memcmp(d->x_test, again.data.x_test, 10 * EYES_PIXELS * sizeof(float)), 0);
    loader_run_finish(&again);
    loader_run_ok(&again, dnnr_plugin_eyes_entry, "n = 50; seed = 43;");
    ck_assert_int_ne(memcmp(d->x_test, again.data.x_test, 10 * EYES_PIXELS * sizeof(float)), 0);
    loader_run_finish(&again);
    loader_run_finish(&r);
}
END_TEST

START_TEST(sample_depends_on_seed_and_index_only)
{
    eyes_params p = {0.35, 0.5, 0.02};
    static float a[EYES_PIXELS], b[EYES_PIXELS];
    float ha[2], hb[2], ga[2], gb[2];
    eyes_render(&p, 7, 123, a, ha, ga);
    eyes_render(&p, 7, 122, b, hb, gb);
    eyes_render(&p, 7, 123, b, hb, gb);
    ck_assert_int_eq(memcmp(a, b, sizeof a), 0);
    ck_assert_float_eq(ga[1], gb[1]);
    ck_assert_float_eq(ha[0], hb[0]);
}
END_TEST

/* Column and row of the pupil: the centroid of the darkest pixels. */
static void pupil_at(const float *img, double *col, double *row)
{
    double sx = 0, sy = 0, n = 0;
    for (uint32_t r = 0; r < EYES_ROWS; r++)
        for (uint32_t c = 0; c < EYES_COLS; c++)
            if (img[r * EYES_COLS + c] < 0.15f) {
                sx += c;
                sy += r;
                n++;
            }
    *col = n ? sx / n : NAN;
    *row = n ? sy / n : NAN;
}

static double correlation(const double *a, const double *b, int n)
{
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) {
        ma += a[i] / n;
        mb += b[i] / n;
    }
    for (int i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

START_TEST(pupil_follows_the_gaze)
{
    eyes_params p = {0.35, 0.5, 0.0};
    enum { N = 200 };
    static float img[EYES_PIXELS];
    static double yaw[N], pitch[N], col[N], row[N], head_yaw[N];
    float head[2], gaze[2];
    const char *pgm = getenv("EYES_TEST_PGM");
    for (int i = 0; i < N; i++) {
        eyes_render(&p, 42, (uint64_t)i, img, head, gaze);
        pitch[i] = gaze[0];
        yaw[i] = gaze[1];
        head_yaw[i] = head[1];
        pupil_at(img, &col[i], &row[i]);
        ck_assert(!isnan(col[i]));
        if (pgm && i < 8) {
            char path[512];
            snprintf(path, sizeof path, "%s/eye%d.pgm", pgm, i);
            FILE *f = fopen(path, "wb");
            if (f) {
                fprintf(f, "P5 %u %u 255\n", EYES_COLS, EYES_ROWS);
                for (uint32_t k = 0; k < EYES_PIXELS; k++)
                    fputc((int)lroundf(img[k] * 255.0f), f);
                fclose(f);
            }
        }
    }
    /* the pupil moves right with yaw and up with pitch; the head shifts it less */
    ck_assert_double_gt(correlation(yaw, col, N), 0.85);
    ck_assert_double_lt(correlation(pitch, row, N), -0.85);
    ck_assert_double_lt(fabs(correlation(head_yaw, col, N)), 0.5);
}
END_TEST

START_TEST(head_pose_appended_and_tail_dropped)
{
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_eyes_entry,
                  "n = 20; head_pose = \"append\"; drop_tail = 0.1; test_size = 0.25; "
                  "pitch_range = 0.1; provenance = \"substitute: test\";");
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], EYES_PIXELS + 2);
    ck_assert_uint_eq(d->n_test, 5);
    ck_assert_uint_eq(d->n_train, 13); /* int(15 * 0.9) */
    ck_assert_str_eq(d->provenance, "substitute: test");
    for (uint64_t i = 0; i < d->n_train; i++) {
        const float *x = d->x_train + i * (EYES_PIXELS + 2);
        ck_assert_float_le(fabsf(x[EYES_PIXELS]), 0.3f);
        ck_assert_float_le(fabsf(x[EYES_PIXELS + 1]), 0.4f);
        ck_assert_float_le(fabsf(d->y_train[2 * i]), 0.1f);
    }
    loader_run_finish(&r);
}
END_TEST

START_TEST(bad_options)
{
    loader_expect_error(dnnr_plugin_eyes_entry, "generator = \"mpiigaze\";", "generator",
                        "unityeyes", NULL);
    loader_expect_error(dnnr_plugin_eyes_entry, "n = 1;", "n:", NULL);
    loader_expect_error(dnnr_plugin_eyes_entry, "yaw_range = 2.0;", "yaw_range", NULL);
    loader_expect_error(dnnr_plugin_eyes_entry, "head_pose = \"concat\";", "head_pose", NULL);
    loader_expect_error(dnnr_plugin_eyes_entry, "noise = -1.0;", "noise", NULL);
    loader_expect_error(dnnr_plugin_eyes_entry, "test_size = 0.0;", "test_size", NULL);
    loader_expect_error(dnnr_plugin_eyes_entry, "n = 3; test_size = 0.9;", "empty part", NULL);
}
END_TEST

START_TEST(out_of_memory_at_every_allocation)
{
    loader_oom_loop(dnnr_plugin_eyes_entry, "n = 10; head_pose = \"append\";", NULL);
}
END_TEST

static Suite *eyes_suite(void)
{
    Suite *s = suite_create("loader_eyes");
    TCase *tc = tcase_create("eyes");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, generates_images_and_gaze);
    tcase_add_test(tc, sample_depends_on_seed_and_index_only);
    tcase_add_test(tc, pupil_follows_the_gaze);
    tcase_add_test(tc, head_pose_appended_and_tail_dropped);
    tcase_add_test(tc, bad_options);
    tcase_add_test(tc, out_of_memory_at_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(eyes_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
