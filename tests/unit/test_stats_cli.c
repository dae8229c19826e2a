/* `dnnrepair stats`, run in-process with argv arrays: results parsed back
 * from the output, and the messages for every way the input can be wrong. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dnnrepair/status.h>

#include "cli/cmd_stats.h"

typedef struct run_result {
    int rc;
    char *out, *err;
} run_result;

static run_result run_stats(int argc, const char **argv)
{
    run_result r = {0};
    size_t out_len, err_len;
    FILE *out = open_memstream(&r.out, &out_len);
    FILE *err = open_memstream(&r.err, &err_len);
    ck_assert(out && err);
    r.rc = dnnr__cmd_stats_run(argc, (char **)argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* A temporary file holding @p text; the path is static storage per slot. */
static const char *temp_file(int slot, const char *text)
{
    static char paths[4][64];
    snprintf(paths[slot], sizeof paths[slot], "/tmp/dnnr_stats_cli_XXXXXX");
    int fd = mkstemp(paths[slot]);
    ck_assert_int_ge(fd, 0);
    size_t len = strlen(text);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return paths[slot];
}

static void remove_temp(const char *path) { unlink(path); }

/* The number after "key = " in the output. */
static double value_of(const char *out, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "%s = ", key);
    const char *at = out;
    while ((at = strstr(at, pattern)) && at != out && at[-1] != '\n')
        at++;
    ck_assert_msg(at != NULL, "no '%s' in output:\n%s", key, out);
    return strtod(at + strlen(pattern), NULL);
}

static const char study_b_faulty[] = "0.61\n0.58\n0.63\n0.60\n0.62\n0.59\n0.64\n0.57\n0.60\n0.61\n";
static const char study_b_patch[] = "# repeats 0-9\n0.70\n0.66\n0.72\n\n0.59\n  0.69 \n0.71\n"
                                    "0.63\n0.68\n0.74\n0.65\n";

START_TEST(wilcoxon_approx_and_exact)
{
    const char *a = temp_file(0, study_b_faulty), *b = temp_file(1, study_b_patch);
    const char *argv[] = {"stats", "wilcoxon", a, b};
    run_result r = run_stats(4, argv);
    ck_assert_msg(r.rc == DNNR_OK, "%s", r.err);
    ck_assert_double_eq(value_of(r.out, "n"), 10);
    ck_assert_double_eq(value_of(r.out, "W"), 3);
    ck_assert_double_eq_tol(value_of(r.out, "z"), -2.5005208, 1e-7);
    ck_assert_double_eq_tol(value_of(r.out, "p"), 0.01240108578708306, 1e-16);
    ck_assert_ptr_nonnull(strstr(r.out, "method = approx"));
    run_result_free(&r);

    const char *argv_exact[] = {"stats", "wilcoxon", "--exact", a, b};
    r = run_stats(5, argv_exact);
    ck_assert_int_eq(r.rc, DNNR_OK);
    ck_assert_double_eq_tol(value_of(r.out, "p"), 0.009765625, 1e-16);
    ck_assert_ptr_nonnull(strstr(r.out, "method = exact"));
    ck_assert_ptr_nonnull(strstr(r.out, "z = nan"));
    run_result_free(&r);
    remove_temp(a);
    remove_temp(b);
}
END_TEST

START_TEST(wilcoxon_bad_number_names_file_and_line)
{
    const char *a = temp_file(0, "0.5\n0.6\n0.7x\n"), *b = temp_file(1, "0.1\n0.2\n0.3\n");
    const char *argv[] = {"stats", "wilcoxon", a, b};
    run_result r = run_stats(4, argv);
    ck_assert_int_eq(r.rc, DNNR_EPARSE);
    char want[128];
    snprintf(want, sizeof want, "%s:3: expected a number, got '0.7x'", a);
    ck_assert_msg(strstr(r.err, want) != NULL, "message: %s", r.err);
    ck_assert_str_eq(r.out, "");
    run_result_free(&r);

    const char *inf_file = temp_file(2, "0.1\ninf\n");
    const char *argv2[] = {"stats", "wilcoxon", b, inf_file};
    r = run_stats(4, argv2);
    ck_assert_int_eq(r.rc, DNNR_EPARSE);
    snprintf(want, sizeof want, "%s:2: expected a finite number", inf_file);
    ck_assert_msg(strstr(r.err, want) != NULL, "message: %s", r.err);
    run_result_free(&r);
    remove_temp(a);
    remove_temp(b);
    remove_temp(inf_file);
}
END_TEST

START_TEST(wilcoxon_input_errors)
{
    const char *a = temp_file(0, "0.5\n0.6\n0.7\n"), *b = temp_file(1, "0.1\n0.2\n");
    const char *empty = temp_file(2, "# nothing\n\n");
    const char *argv[] = {"stats", "wilcoxon", a, b};
    run_result r = run_stats(4, argv);
    ck_assert_int_eq(r.rc, DNNR_EINVAL);
    ck_assert_msg(strstr(r.err, "has 3 numbers") && strstr(r.err, "has 2"), "%s", r.err);
    run_result_free(&r);

    const char *same[] = {"stats", "wilcoxon", a, a};
    r = run_stats(4, same);
    ck_assert_int_eq(r.rc, DNNR_EINVAL);
    ck_assert_msg(strstr(r.err, "every difference is zero") != NULL, "%s", r.err);
    run_result_free(&r);

    const char *none[] = {"stats", "wilcoxon", a, empty};
    r = run_stats(4, none);
    ck_assert_int_eq(r.rc, DNNR_EPARSE);
    ck_assert_msg(strstr(r.err, ": no numbers") != NULL, "%s", r.err);
    run_result_free(&r);

    const char *missing[] = {"stats", "wilcoxon", a, "/nonexistent/dnnr/b.txt"};
    r = run_stats(4, missing);
    ck_assert_int_eq(r.rc, DNNR_EIO);
    ck_assert_msg(strstr(r.err, "/nonexistent/dnnr/b.txt: cannot open") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_temp(a);
    remove_temp(b);
    remove_temp(empty);
}
END_TEST

START_TEST(usage_errors_point_at_help)
{
    const char *cases[][5] = {
        {"stats", NULL},
        {"stats", "median", "a", "b", NULL},
        {"stats", "wilcoxon", "a", NULL},
        {"stats", "wilcoxon", "--exactly", "a", "b"},
        {"stats", "kill", "--exact", "a", "b"},
        {"stats", "wilcoxon", "a", "b", "c"},
    };
    const char *expect[] = {"expected a subcommand",     "unknown subcommand 'median'",
                            "expected two files, got 1", "unknown option '--exactly'",
                            "unknown option '--exact'",  "unexpected argument 'c'"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int argc = 0;
        while (argc < 5 && cases[i][argc])
            argc++;
        run_result r = run_stats(argc, cases[i]);
        ck_assert_int_eq(r.rc, DNNR_EINVAL);
        ck_assert_msg(strstr(r.err, expect[i]) != NULL, "case %zu: %s", i, r.err);
        ck_assert_msg(strstr(r.err, "dnnrepair stats --help") != NULL, "case %zu: %s", i, r.err);
        run_result_free(&r);
    }
}
END_TEST

START_TEST(help_prints_usage)
{
    const char *argv[] = {"stats", "--help"};
    run_result r = run_stats(2, argv);
    ck_assert_int_eq(r.rc, DNNR_OK);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: dnnrepair stats wilcoxon"));
    ck_assert_ptr_nonnull(strstr(r.out, "--loss"));
    run_result_free(&r);
    const char *argv2[] = {"stats", "kill", "--help"};
    r = run_stats(3, argv2);
    ck_assert_int_eq(r.rc, DNNR_OK);
    ck_assert_ptr_nonnull(strstr(r.out, "usage:"));
    run_result_free(&r);
}
END_TEST

static const char e1_original[] = "0.9905\n0.9912\n0.9899\n0.9908\n0.9915\n0.9902\n0.9910\n"
                                  "0.9907\n0.9901\n0.9913\n0.9909\n0.9904\n0.9911\n0.9906\n"
                                  "0.9903\n0.9914\n0.9900\n0.9908\n0.9910\n0.9905\n";
static const char e1_mutant[] = "0.9898\n0.9907\n0.9893\n0.9901\n0.9911\n0.9896\n0.9905\n"
                                "0.9899\n0.9894\n0.9909\n0.9902\n0.9897\n0.9906\n0.9900\n"
                                "0.9895\n0.9908\n0.9892\n0.9903\n0.9904\n0.9899\n";

START_TEST(kill_e1)
{
    const char *faulty = temp_file(0, e1_mutant), *fix = temp_file(1, e1_original);
    const char *argv[] = {"stats", "kill", faulty, fix};
    run_result r = run_stats(4, argv);
    ck_assert_msg(r.rc == DNNR_OK, "%s", r.err);
    ck_assert_double_eq_tol(value_of(r.out, "mean_faulty"), 0.990095, 1e-12);
    ck_assert_double_eq_tol(value_of(r.out, "mean_fix"), 0.990710, 1e-12);
    ck_assert_double_eq_tol(value_of(r.out, "z"), -3.763461, 1e-6);
    ck_assert_double_eq_tol(value_of(r.out, "p"), 1.6757807926e-4, 1e-13);
    ck_assert_ptr_nonnull(strstr(r.out, "p3 = 0.000\n"));
    ck_assert_double_eq_tol(value_of(r.out, "cohen_d"), 1.190111, 1e-6);
    ck_assert_ptr_nonnull(strstr(r.out, "verdict = killed"));
    run_result_free(&r);

    const char *argv_loss[] = {"stats", "kill", "--loss", faulty, fix};
    r = run_stats(5, argv_loss);
    ck_assert_int_eq(r.rc, DNNR_OK);
    ck_assert_ptr_nonnull(strstr(r.out, "verdict = not killed"));
    ck_assert_ptr_nonnull(strstr(r.out, "d <= -0.5"));
    run_result_free(&r);

    const char *one = temp_file(2, "0.5\n");
    const char *argv_small[] = {"stats", "kill", one, one};
    r = run_stats(4, argv_small);
    ck_assert_int_eq(r.rc, DNNR_EINVAL);
    ck_assert_msg(strstr(r.err, "at least 3 numbers") != NULL, "%s", r.err);
    run_result_free(&r);
    remove_temp(faulty);
    remove_temp(fix);
    remove_temp(one);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("stats_cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, wilcoxon_approx_and_exact);
    tcase_add_test(tc, wilcoxon_bad_number_names_file_and_line);
    tcase_add_test(tc, wilcoxon_input_errors);
    tcase_add_test(tc, usage_errors_point_at_help);
    tcase_add_test(tc, help_prints_usage);
    tcase_add_test(tc, kill_e1);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
