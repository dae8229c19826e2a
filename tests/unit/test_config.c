/* Subject and experiment files: a good file parses into the right space and
 * values; each bad file in tests/fixtures/config fails with exactly the
 * message a user needs (file:line and what was expected). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/experiment.h"
#include "config/subject.h"
#include "util/alloc.h"
#include "util/io.h"
#include "space/space.h"

#define FIX DNNR_TEST_FIXTURES "/config/"

START_TEST(good_subject_parses)
{
    dnnr_subject *s = NULL;
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__subject_read(FIX "good_subject.cfg", &s, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_str_eq(s->id, "toy");
    ck_assert_int_eq(s->task, DNNR_TASK_CLASSIFICATION);
    ck_assert_int_eq(s->maximise, 1);
    ck_assert_int_eq(s->metric_kind, DNNR_METRIC_ACCURACY);
    ck_assert_uint_eq(s->space->n_params, 4);
    ck_assert_str_eq(s->space->params[1]->choices[1], "32"); /* numeric choices become text */
    ck_assert_int_eq(s->faulty[0].i, 2);
    ck_assert_int_eq(s->faulty[1].i, 1);
    ck_assert_double_eq(s->faulty[2].f, 0.001);
    ck_assert_int_eq(s->faulty[3].i, 1);
    /* fix lists only what changes; the rest is the faulty value */
    ck_assert_int_eq(s->fix[0].i, 0);
    ck_assert_double_eq(s->fix[2].f, 0.001);
    ck_assert_double_eq(s->split_test_size, 0.2);
    ck_assert_int_eq(s->fidelity_kind, DNNR_FIDELITY_EPOCHS);
    ck_assert_double_eq(s->fidelity_max, 9);
    ck_assert_ptr_nonnull(s->model);
    dnnr__subject_destroy(s);
}
END_TEST

typedef struct bad_case {
    const char *file;
    int experiment;
    const char *message; /* after the fixtures folder */
} bad_case;

static const bad_case bad_cases[] = {
    {"unknown_key.cfg", 0,
     "unknown_key.cfg:4: unknown key 'tsk' in a subject file (expected one of: id, description, "
     "task, metric, dataset, split, space, faulty, fix, model, training, provenance, paper, "
     "validated, fidelity)"},
    {"syntax_error.cfg", 0, "syntax_error.cfg:3: syntax error"},
    {"bad_direction.cfg", 0,
     "bad_direction.cfg:3: direction: expected \"max\" or \"min\", got \"down\""},
    {"wrong_type.cfg", 0, "wrong_type.cfg:1: 'id': expected a string, got an integer"},
    {"missing_faulty.cfg", 0, "missing_faulty.cfg:12: faulty: missing a value for 'layers'"},
    {"bad_choice.cfg", 0, "bad_choice.cfg:13: fix: 'fast' is not a number for 'lr'"},
    {"bad_log.cfg", 0,
     "bad_log.cfg:9: parameter 'lr': a log scale needs lo > 0, got lo = 0"},
    {"unknown_param.cfg", 0,
     "unknown_param.cfg:13: fix: 'activation' is not a parameter of the space"},
    {"bad_fidelity.cfg", 0,
     "bad_fidelity.cfg:17: fidelity.kind: expected \"epochs\" or \"fraction\", got \"layers\""},
    {"bad_pinned.cfg", 0, "bad_pinned.cfg:8: 'pinned': expected true or false, got a string"},
    {"all_pinned.cfg", 0,
     "all_pinned.cfg:5: space: every parameter is pinned; expected at least one searched "
     "parameter"},
    {"duplicate_searcher.cfg", 1,
     "duplicate_searcher.cfg:3: searchers: label \"random\" is used twice (give one a `label`)"},
    {"bad_budget.cfg", 1, "bad_budget.cfg:4: budgets: element 2: expected a positive number"},
    {"missing_subject.cfg", 1, "missing_subject.cfg:2: subject \"nowhere.cfg\": "},
    {"zero_repeats.cfg", 1, "zero_repeats.cfg:5: repeats: expected an integer >= 1"},
    {"bad_searcher_key.cfg", 1,
     "bad_searcher_key.cfg:3: unknown key 'opts' in a searcher (expected one of: name, label, "
     "options)"},
};

START_TEST(bad_file_messages)
{
    const bad_case *c = &bad_cases[_i];
    dnnr_error err = {{0}};
    char path[512];
    snprintf(path, sizeof path, FIX "%s", c->file);
    int rc;
    if (c->experiment) {
        dnnr_experiment *e = NULL;
        rc = dnnr__experiment_read(path, &e, &err);
        dnnr__experiment_destroy(rc ? NULL : e);
    } else {
        dnnr_subject *s = NULL;
        rc = dnnr__subject_read(path, &s, &err);
        dnnr__subject_destroy(rc ? NULL : s);
    }
    ck_assert_int_lt(rc, 0);
    ck_assert_msg(strncmp(err.msg, FIX, strlen(FIX)) == 0, "message does not name the file: %s",
                  err.msg);
    const char *rest = err.msg + strlen(FIX);
    ck_assert_msg(strncmp(rest, c->message, strlen(c->message)) == 0, "%s: got '%s'", c->file, rest);
}
END_TEST

/* A fix the study's space cannot reach is kept for the reference trainings:
 * `space` gains the value, `search_space` (what searchers see) does not. */
START_TEST(fix_outside_the_search_space)
{
    char path[] = "/tmp/dnnr_fix_outside_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char *text = dnnr__read_file(FIX "good_subject.cfg", NULL);
    char *edited = dnnr__asprintf("%s\nfix = { act = \"gelu\"; lr = 20.0; };\n", text);
    char *at = strstr(edited, "fix = { act = \"relu\"; };");
    memset(at, ' ', strlen("fix = { act = \"relu\"; };"));
    FILE *f = fopen(path, "w");
    fputs(edited, f);
    fclose(f);
    dnnr_subject *s = NULL;
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__subject_read(path, &s, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_uint_eq(s->search_space->params[0]->n_choices, 3);
    ck_assert_uint_eq(s->space->params[0]->n_choices, 4);
    ck_assert_str_eq(s->space->params[0]->choices[3], "gelu");
    ck_assert_int_eq(s->fix[0].i, 3);
    ck_assert_double_eq(s->search_space->params[2]->hi, 10.0);
    ck_assert_double_eq(s->space->params[2]->hi, 20.0);
    ck_assert_double_eq(s->fix[2].f, 20.0);
    /* every searched configuration is one of `space` too */
    ck_assert_int_eq(dnnr__space_check_config(s->space, s->faulty, NULL), DNNR_OK);
    dnnr__subject_destroy(s);
    unlink(path);
    dnnr__free(text);
    dnnr__free(edited);
}
END_TEST

/* A pinned parameter (a fault the study hard-coded) belongs to `space`, after
 * the searched ones whatever the file's order, and never to `search_space`;
 * the fix may change it. */
START_TEST(pinned_parameter)
{
    dnnr_subject *s = NULL;
    dnnr_error err = {{0}};
    ck_assert_msg(dnnr__subject_read(FIX "pinned_subject.cfg", &s, &err) == DNNR_OK, "%s",
                  err.msg);
    ck_assert_uint_eq(s->n_searched, 2);
    ck_assert_uint_eq(s->search_space->n_params, 2);
    ck_assert_str_eq(s->search_space->params[0]->name, "act");
    ck_assert_str_eq(s->search_space->params[1]->name, "lr");
    ck_assert_uint_eq(s->space->n_params, 3);
    ck_assert_str_eq(s->space->params[2]->name, "kr1");
    ck_assert_int_eq(dnnr__space_find(s->search_space, "kr1"), -1);
    ck_assert(dnnr__subject_pinned(s, "kr1"));
    ck_assert(!dnnr__subject_pinned(s, "act"));
    ck_assert(!dnnr__subject_pinned(s, "nowhere"));
    /* faulty: l1; the fix removes it, a value only `space` admits */
    ck_assert_uint_eq(s->space->params[2]->n_choices, 2);
    ck_assert_str_eq(s->space->params[2]->choices[s->faulty[2].i], "l1");
    ck_assert_str_eq(s->space->params[2]->choices[s->fix[2].i], "None");
    ck_assert_int_eq(s->fix[0].i, s->faulty[0].i);
    ck_assert_double_eq(s->fix[1].f, 0.001);
    /* the head of the faulty configuration is a searched configuration */
    ck_assert_int_eq(dnnr__space_check_config(s->search_space, s->faulty, NULL), DNNR_OK);
    dnnr__subject_destroy(s);
}
END_TEST

START_TEST(experiment_defaults_and_paths)
{
    dnnr_experiment *e = NULL;
    dnnr_error err = {{0}};
    const char *path = DNNR_TEST_SOURCE_DIR "/configs/experiments/testfunctions.cfg";
    ck_assert_msg(dnnr__experiment_read(path, &e, &err) == DNNR_OK, "%s", err.msg);
    ck_assert_uint_eq(e->n_subjects, 5);
    ck_assert_str_eq(e->subjects[0]->id, "branin");
    ck_assert_str_eq(e->searchers[0].label, "random");
    ck_assert_int_eq(e->seed, 42);
    dnnr__experiment_destroy(e);
}
END_TEST

START_TEST(subject_read_survives_out_of_memory)
{
    for (int n = 0;; n++) {
        dnnr_subject *s = NULL;
        dnnr_error err;
        dnnr__alloc_fault(n, 0);
        int rc = dnnr__subject_read(FIX "good_subject.cfg", &s, &err);
        int injected = dnnr__alloc_fault(-1, 0);
        if (rc == DNNR_OK) {
            dnnr__subject_destroy(s);
            break;
        }
        ck_assert_int_eq(injected, 1);
        ck_assert_msg(rc == DNNR_ENOMEM || strstr(err.msg, "out of memory"), "pass %d: %s", n,
                      err.msg);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("files");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, good_subject_parses);
    tcase_add_loop_test(tc, bad_file_messages, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, fix_outside_the_search_space);
    tcase_add_test(tc, pinned_parameter);
    tcase_add_test(tc, experiment_defaults_and_paths);
    tcase_add_test(tc, subject_read_survives_out_of_memory);
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
