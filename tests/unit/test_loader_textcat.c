/* The textcat loader: the Keras Tokenizer rules (filters, lowercase, rank by
 * count with first-seen ties, index < num_words), category files split at
 * "%" lines and category folders; broken corpora give errors naming the
 * folder or file. */
#include "test_loader_harness.h"

#include "textcat_tokenizer.h"

const dnnr_plugin_desc *dnnr_plugin_textcat_entry(void);

static const char *word(textcat_vocab *v, uint64_t rank, uint64_t *count)
{
    static char buf[64];
    size_t len = 0;
    const char *w = textcat_vocab_word(v, rank, &len, count);
    ck_assert_ptr_nonnull(w);
    snprintf(buf, sizeof buf, "%.*s", (int)len, w);
    return buf;
}

START_TEST(tokenizer_follows_keras_rules)
{
    dnnr_error err;
    dnnr_host *host = dnnr__host_create_simple("textcat", 1, NULL, &err);
    textcat_vocab *v = textcat_vocab_create(host);
    ck_assert_ptr_nonnull(v);
    /* Keras: text_to_word_sequence lowercases, maps the filters to spaces and
     * splits on ' '; the apostrophe and '\r' are not filters. */
    const char *texts[] = {"The cat-sat.\tOn THE mat!", "dog's day: the dog\r\n", "Cat, cat"};
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(textcat_vocab_count(v, texts[i], strlen(texts[i])), DNNR_OK);
    ck_assert_int_eq(textcat_vocab_rank(v), DNNR_OK);
    /* counts: the 3, cat 3, sat 1, on 1, mat 1, dog's 1, day 1, dog\r 1;
     * ties keep first-seen order: the before cat, then sat, on, mat, ... */
    ck_assert_uint_eq(textcat_vocab_size(v), 8);
    uint64_t count;
    ck_assert_str_eq(word(v, 1, &count), "the");
    ck_assert_uint_eq(count, 3);
    ck_assert_str_eq(word(v, 2, &count), "cat");
    ck_assert_uint_eq(count, 3);
    ck_assert_str_eq(word(v, 3, &count), "sat");
    ck_assert_str_eq(word(v, 4, &count), "on");
    ck_assert_str_eq(word(v, 5, &count), "mat");
    ck_assert_str_eq(word(v, 6, &count), "dog's");
    ck_assert_str_eq(word(v, 7, &count), "day");
    ck_assert_str_eq(word(v, 8, &count), "dog\r");
    size_t len;
    ck_assert_ptr_null(textcat_vocab_word(v, 9, &len, &count));
    /* num_words = 4 keeps ranks 1..3; column 0 never set; unknown words skipped */
    float row[4] = {0};
    const char *t = "SAT on the unknown";
    ck_assert_int_eq(textcat_vocab_binary_row(v, t, strlen(t), 4, row), DNNR_OK);
    ck_assert_float_eq(row[0], 0.0f);
    ck_assert_float_eq(row[1], 1.0f);
    ck_assert_float_eq(row[2], 0.0f);
    ck_assert_float_eq(row[3], 1.0f);
    textcat_vocab_destroy(v);
    dnnr__host_destroy(host);
}
END_TEST

START_TEST(tokenizer_grows_past_its_first_table)
{
    dnnr_error err;
    dnnr_host *host = dnnr__host_create_simple("textcat", 1, NULL, &err);
    textcat_vocab *v = textcat_vocab_create(host);
    char text[16];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(text, sizeof text, "w%d w%d", i, i % 7);
        ck_assert_int_eq(textcat_vocab_count(v, text, (size_t)n), DNNR_OK);
    }
    ck_assert_int_eq(textcat_vocab_rank(v), DNNR_OK);
    ck_assert_uint_eq(textcat_vocab_size(v), 5000);
    uint64_t count;
    ck_assert_str_eq(word(v, 1, &count), "w0"); /* 1 + 715 times, the first of the seven */
    ck_assert_uint_eq(count, 716);
    ck_assert_str_eq(word(v, 8, &count), "w7");
    ck_assert_uint_eq(count, 1);
    textcat_vocab_destroy(v);
    dnnr__host_destroy(host);
}
END_TEST

/* Three category files in fortune format, plus files that must be skipped. */
static void write_fortunes(void)
{
    write_text("alpha", "red apple\n%\nred red\n%\n  \n%\nred cherry\n%\n");
    write_text("beta", "blue sky\r\n%\r\nblue sea\r\n%\r\nblue whale\n");
    write_text("gamma", "green apple\n%\ngreen leaf\n%\ngreen\n%\ngreen sea\n");
    static const char binary[] = {'x', 0, 'y'};
    write_bytes("alpha.dat", binary, sizeof binary);
    write_text(".hidden", "never read");
}

static char options[1024];

static const char *opts(const char *more)
{
    snprintf(options, sizeof options, "dir = \"%s\"; %s", tmpdir, more);
    return options;
}

START_TEST(category_files_split_at_separator_lines)
{
    make_tmpdir();
    write_fortunes();
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_textcat_entry,
                  opts("num_words = 5; test_size = 0.3; one_hot = false;"));
    const dnnr_dataset *d = &r.data;
    /* 3 + 3 + 4 texts (the blank one dropped) */
    ck_assert_uint_eq(d->n_train + d->n_test, 10);
    ck_assert_uint_eq(d->n_test, 3);
    ck_assert_uint_eq(d->n_classes, 3);
    ck_assert_uint_eq(d->rank, 1);
    ck_assert_uint_eq(d->shape[0], 5);
    ck_assert_str_eq(d->provenance, "original");
    /* counts over all texts: red 4, green 4, blue 3, apple 2, sea 2; red is
     * seen before green (alpha is read first), so ranks are red 1, green 2,
     * blue 3, apple 4, and num_words = 5 keeps columns 1..4 */
    int wrong = 0;
    const float *parts[2] = {d->x_train, d->x_test};
    const float *labels[2] = {d->y_train, d->y_test};
    uint64_t counts[2] = {d->n_train, d->n_test};
    for (int p = 0; p < 2; p++)
        for (uint64_t i = 0; i < counts[p]; i++) {
            const float *x = parts[p] + i * 5;
            int category = (int)labels[p][i];
            wrong += x[0] != 0.0f;
            wrong += x[1] != (category == 0); /* red only in alpha */
            wrong += x[2] != (category == 2); /* green only in gamma */
            wrong += x[3] != (category == 1); /* blue only in beta */
        }
    ck_assert_int_eq(wrong, 0);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

/* rows = N keeps the head of each part of the split, with the columns of
 * the whole corpus: the limited rows equal the first rows of a full load. */
START_TEST(rows_keeps_the_head_of_each_part)
{
    make_tmpdir();
    write_fortunes();
    loader_run full, head;
    loader_run_ok(&full, dnnr_plugin_textcat_entry,
                  opts("num_words = 5; test_size = 0.3; one_hot = false;"));
    loader_run_ok(&head, dnnr_plugin_textcat_entry,
                  opts("num_words = 5; test_size = 0.3; one_hot = false; rows = 2;"));
    ck_assert_uint_eq(full.data.n_train, 7);
    ck_assert_uint_eq(head.data.n_train, 2);
    ck_assert_uint_eq(head.data.n_test, 2);
    ck_assert_uint_eq(head.data.shape[0], 5);
    ck_assert_uint_eq(head.data.n_classes, 3);
    ck_assert_mem_eq(head.data.x_train, full.data.x_train, 2 * 5 * sizeof(float));
    ck_assert_mem_eq(head.data.y_train, full.data.y_train, 2 * sizeof(float));
    ck_assert_mem_eq(head.data.x_test, full.data.x_test, 2 * 5 * sizeof(float));
    ck_assert_mem_eq(head.data.y_test, full.data.y_test, 2 * sizeof(float));
    loader_run_finish(&head);
    /* a limit above a part's size keeps it whole */
    loader_run_ok(&head, dnnr_plugin_textcat_entry,
                  opts("num_words = 5; test_size = 0.3; one_hot = false; rows = 5;"));
    ck_assert_uint_eq(head.data.n_train, 5);
    ck_assert_uint_eq(head.data.n_test, 3);
    loader_run_finish(&head);
    loader_run_finish(&full);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("rows = -7;"),
                        "rows = -7: expected 0 (all) or a positive count", NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(category_folders_and_validation_drop)
{
    make_tmpdir();
    make_subdir("news");
    make_subdir("sport");
    for (int i = 0; i < 6; i++) {
        char name[64], text[64];
        snprintf(name, sizeof name, "%s/%d.txt", i % 2 ? "sport" : "news", i);
        snprintf(text, sizeof text, "%s item %d", i % 2 ? "goal" : "vote", i);
        write_text(name, text);
    }
    write_text("README", "a file beside the folders is not a category");
    loader_run r;
    loader_run_ok(&r, dnnr_plugin_textcat_entry,
                  opts("num_words = 4; fit_on = \"train\"; drop_validation = 0.25;"));
    const dnnr_dataset *d = &r.data;
    ck_assert_uint_eq(d->n_classes, 2);
    ck_assert_uint_eq(d->n_test, 2);     /* ceil(0.2 * 6) */
    ck_assert_uint_eq(d->n_train, 3);    /* 4 - ceil(0.25 * 4) */
    ck_assert_int_eq(d->target_kind, DNNR_TARGET_ONE_HOT);
    ck_assert_uint_eq(d->y_dim, 2);
    /* "item" is in every text, so it is ranked first whatever the split */
    for (uint64_t i = 0; i < d->n_train; i++)
        ck_assert_float_eq(d->x_train[i * 4 + 1], 1.0f);
    loader_run_finish(&r);
    remove_tmpdir();
}
END_TEST

START_TEST(broken_corpora_are_named)
{
    make_tmpdir();
    write_fortunes();
    loader_expect_error(dnnr_plugin_textcat_entry, opts("exclude = \".u8\";"), "alpha.dat",
                        "NUL byte", "expected text", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("layout = \"folders\";"),
                        "0 category folders", "at least 2", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("test_size = 0.99;"), "empty part", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("layout = \"rows\";"), "layout", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("num_words = 1;"), "num_words", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("fit_on = \"test\";"), "fit_on", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, opts("separator = \"\";"), "separator", NULL);
    loader_expect_error(dnnr_plugin_textcat_entry, "dir = \"/nonexistent/corpus\";",
                        "/nonexistent/corpus", "no such folder", NULL);
    remove_tmpdir();
    make_tmpdir();
    write_text("only", "one category\n%\ntwo texts\n");
    loader_expect_error(dnnr_plugin_textcat_entry, opts(""), "1 category files", "at least 2",
                        NULL);
    write_text("empty", "\n%\n\n");
    write_text("blank", "   \n");
    /* three categories but one text: too few to split */
    write_text("only", "just one\n");
    loader_expect_error(dnnr_plugin_textcat_entry, opts(""), "1 texts", "at least 2", NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(out_of_memory_at_every_allocation)
{
    make_tmpdir();
    write_fortunes();
    loader_oom_loop(dnnr_plugin_textcat_entry, opts("num_words = 5; drop_validation = 0.2;"),
                    NULL);
    remove_tmpdir();
}
END_TEST

START_TEST(damaged_corpora_never_crash)
{
    make_tmpdir();
    write_fortunes();
    size_t len;
    uint8_t *bytes = read_back("gamma", &len);
    loader_damage_file(dnnr_plugin_textcat_entry, opts("num_words = 5;"), "gamma", bytes, len, 3,
                       0);
    free(bytes);
    remove_tmpdir();
}
END_TEST

static Suite *textcat_suite(void)
{
    Suite *s = suite_create("loader_textcat");
    TCase *tc = tcase_create("textcat");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, tokenizer_follows_keras_rules);
    tcase_add_test(tc, tokenizer_grows_past_its_first_table);
    tcase_add_test(tc, category_files_split_at_separator_lines);
    tcase_add_test(tc, rows_keeps_the_head_of_each_part);
    tcase_add_test(tc, category_folders_and_validation_drop);
    tcase_add_test(tc, broken_corpora_are_named);
    tcase_add_test(tc, damaged_corpora_never_crash);
    tcase_add_test(tc, out_of_memory_at_every_allocation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(textcat_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
