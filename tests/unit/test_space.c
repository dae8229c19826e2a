/* Spaces and the shared codec: round trips, integer cells, log scales,
 * one-hot, boundaries, parsing, sampling, and out-of-memory behaviour. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "space/space.h"
#include "util/alloc.h"

static const char *const acts[] = {"relu", "tanh", "sigmoid"};

static dnnr_space *mixed_space(void)
{
    dnnr_space *s = dnnr__space_create();
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(dnnr__space_add_float(s, "lr", 1e-4, 1.0, 1, 1e-3), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_float(s, "dropout", 0.0, 0.5, 0, 0.1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "layers", 0, 2, 0, 1), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_int(s, "units", 8, 512, 1, 64), DNNR_OK);
    ck_assert_int_eq(dnnr__space_add_categorical(s, "act", acts, 3, 0), DNNR_OK);
    return s;
}

START_TEST(round_trip_unit_and_onehot)
{
    dnnr_space *s = mixed_space();
    ck_assert_uint_eq(dnnr__space_dims(s, DNNR_ENCODE_UNIT), 5);
    ck_assert_uint_eq(dnnr__space_dims(s, DNNR_ENCODE_ONEHOT), 7);
    dnnr_rng rng;
    dnnr_rng_init(&rng, 7);
    for (int k = 0; k < 2000; k++) {
        dnnr_value c[5], back[5];
        double u[7];
        dnnr__space_sample(s, &rng, c);
        ck_assert_int_eq(dnnr__space_check_config(s, c, NULL), DNNR_OK);
        for (int enc = 0; enc < 2; enc++) {
            ck_assert_int_eq(dnnr__space_encode(s, c, (dnnr_encoding)enc, u), DNNR_OK);
            for (size_t i = 0; i < dnnr__space_dims(s, (dnnr_encoding)enc); i++)
                ck_assert(u[i] >= 0.0 && u[i] <= 1.0);
            ck_assert_int_eq(dnnr__space_decode(s, u, (dnnr_encoding)enc, back), DNNR_OK);
            ck_assert_double_eq_tol(back[0].f, c[0].f, 1e-12 * c[0].f);
            ck_assert_double_eq_tol(back[1].f, c[1].f, 1e-12);
            ck_assert_int_eq(back[2].i, c[2].i);
            ck_assert_int_eq(back[3].i, c[3].i);
            ck_assert_int_eq(back[4].i, c[4].i);
        }
    }
    dnnr__space_destroy(s);
}
END_TEST

START_TEST(integer_cells_and_onehot_layout)
{
    dnnr_space *s = mixed_space();
    dnnr_value c[5] = {{.f = 1e-3}, {.f = 0.5}, {.i = 2}, {.i = 8}, {.i = 1}};
    double u[7];
    dnnr__space_encode(s, c, DNNR_ENCODE_UNIT, u);
    /* 0..2 has three cells of width 1/3; 2 sits at the centre of the last. */
    ck_assert_double_eq_tol(u[2], 2.5 / 3.0, 1e-12);
    ck_assert_double_eq_tol(u[1], 1.0, 1e-12);
    ck_assert_double_eq_tol(u[0], (log(1e-3) - log(1e-4)) / (log(1.0) - log(1e-4)), 1e-12);
    ck_assert_double_eq_tol(u[4], 1.5 / 3.0, 1e-12);
    dnnr__space_encode(s, c, DNNR_ENCODE_ONEHOT, u);
    ck_assert(u[4] == 0.0 && u[5] == 1.0 && u[6] == 0.0);
    /* Decoding clamps and rounds whatever a searcher proposes. */
    double wild[5] = {-3.0, 7.0, 0.999999, NAN, 0.34};
    dnnr_value d[5];
    dnnr__space_decode(s, wild, DNNR_ENCODE_UNIT, d);
    ck_assert_double_eq(d[0].f, 1e-4);
    ck_assert_double_eq(d[1].f, 0.5);
    ck_assert_int_eq(d[2].i, 2);
    ck_assert_int_eq(d[3].i, 8);
    ck_assert_int_eq(d[4].i, 1);
    dnnr__space_destroy(s);
}
END_TEST

START_TEST(boundaries)
{
    dnnr_space *s = dnnr__space_create();
    ck_assert_int_eq(dnnr__space_add_float(s, "x", 2.0, 2.0, 0, 2.0), DNNR_OK); /* lo == hi */
    ck_assert_int_eq(dnnr__space_add_float(s, "bad_log", 0.0, 1.0, 1, 0.5), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__space_add_float(s, "bad_range", 1.0, 0.0, 0, 0.5), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__space_add_float(s, "x", 0.0, 1.0, 0, 0.5), DNNR_EINVAL); /* twice */
    ck_assert_int_eq(dnnr__space_add_categorical(s, "empty", acts, 0, 0), DNNR_EINVAL);
    ck_assert_int_eq(dnnr__space_add_int(s, "dflt", 0, 3, 0, 9), DNNR_EINVAL);
    ck_assert_uint_eq(s->n_params, 1);
    dnnr_value c = {.f = 2.0}, back;
    double u;
    dnnr__space_encode(s, &c, DNNR_ENCODE_UNIT, &u);
    dnnr__space_decode(s, &u, DNNR_ENCODE_UNIT, &back);
    ck_assert_double_eq(back.f, 2.0);
    dnnr__space_destroy(s);

    dnnr_space *empty = dnnr__space_create();
    ck_assert_uint_eq(dnnr__space_dims(empty, DNNR_ENCODE_ONEHOT), 0);
    char buf[8];
    ck_assert_int_eq(dnnr__config_format(empty, NULL, buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "");
    dnnr__space_destroy(empty);
}
END_TEST

START_TEST(parse_and_format)
{
    dnnr_space *s = mixed_space();
    dnnr_value v;
    dnnr_error err;
    ck_assert_int_eq(dnnr__value_parse(s->params[4], "tanh", &v, &err), DNNR_OK);
    ck_assert_int_eq(v.i, 1);
    ck_assert_int_eq(dnnr__value_parse(s->params[4], "gelu", &v, &err), DNNR_EINVAL);
    ck_assert_str_eq(err.msg, "'gelu' is not a choice of 'act'");
    ck_assert_int_eq(dnnr__value_parse(s->params[2], "1.5", &v, &err), DNNR_EINVAL);
    ck_assert_str_eq(err.msg, "'1.5' is not an integer for 'layers'");
    ck_assert_int_eq(dnnr__value_parse(s->params[2], "3", &v, &err), DNNR_EINVAL);
    ck_assert_str_eq(err.msg, "layers = 3 is outside [0, 2]");
    dnnr_value c[5] = {{.f = 0.25}, {.f = 0.5}, {.i = 2}, {.i = 8}, {.i = 2}};
    char text[256];
    dnnr__config_format(s, c, text, sizeof text);
    ck_assert_str_eq(text, "lr=0.25, dropout=0.5, layers=2, units=8, act=sigmoid");
    ck_assert_int_eq(dnnr__config_format(s, c, text, 10), 52); /* snprintf semantics */
    ck_assert_uint_eq(strlen(text), 9);
    dnnr__space_destroy(s);
}
END_TEST

START_TEST(copy_survives_out_of_memory)
{
    dnnr_space *s = mixed_space();
    for (int n = 0;; n++) {
        dnnr__alloc_fault(n, 0);
        dnnr_space *copy = dnnr__space_copy(s);
        int injected = dnnr__alloc_fault(-1, 0);
        if (copy) {
            ck_assert_int_eq(injected, 0);
            ck_assert_uint_eq(copy->n_params, s->n_params);
            ck_assert_str_eq(copy->params[4]->choices[2], "sigmoid");
            dnnr__space_destroy(copy);
            break;
        }
        ck_assert_int_eq(injected, 1); /* failed only because of the fault, and leaked nothing */
    }
    dnnr__space_destroy(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("space");
    TCase *tc = tcase_create("codec");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, round_trip_unit_and_onehot);
    tcase_add_test(tc, integer_cells_and_onehot_layout);
    tcase_add_test(tc, boundaries);
    tcase_add_test(tc, parse_and_format);
    tcase_add_test(tc, copy_survives_out_of_memory);
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
