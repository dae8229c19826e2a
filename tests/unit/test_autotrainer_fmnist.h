/* Shared by the autotrainer tests on a Fashion-MNIST cut (the offline
 * MNIST substitute, Debian's dataset-fashion-mnist): the first images of
 * the subject's own data set, so a run takes seconds to minutes on 2 busy
 * cores; run_cut() exits 77 (skipped) when the package is missing. One
 * experiment per process: the work folder is global. */
#ifndef TEST_AUTOTRAINER_FMNIST_H
#define TEST_AUTOTRAINER_FMNIST_H

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_harness.h"

#define FMNIST "/usr/share/datasets/fashion-mnist"

static char workdir[256];

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The first n items of a gzip'ed IDX file, as a raw IDX file. */
static void cut_idx(const char *name, uint32_t n)
{
    char cmd[512], out[512];
    snprintf(cmd, sizeof cmd, "gzip -dc '%s/%s.gz'", FMNIST, name);
    snprintf(out, sizeof out, "%s/data/%s", workdir, name);
    FILE *in = popen(cmd, "r"), *o = fopen(out, "wb");
    ck_assert(in && o);
    unsigned char head[4 + 4 * 4];
    ck_assert_uint_eq(fread(head, 1, 4, in), 4);
    uint32_t nd = head[3], per = 1;
    ck_assert(nd >= 1 && nd <= 4);
    ck_assert_uint_eq(fread(head + 4, 4, nd, in), nd);
    for (uint32_t d = 1; d < nd; d++)
        per *= be32(head + 4 + 4 * d);
    head[4] = (unsigned char)(n >> 24);
    head[5] = (unsigned char)(n >> 16);
    head[6] = (unsigned char)(n >> 8);
    head[7] = (unsigned char)n;
    fwrite(head, 1, 4 + 4 * nd, o);
    size_t left = (size_t)n * per;
    unsigned char buf[65536];
    while (left) {
        size_t k = fread(buf, 1, left < sizeof buf ? left : sizeof buf, in);
        ck_assert_uint_gt(k, 0);
        fwrite(buf, 1, k, o);
        left -= k;
    }
    fclose(o);
    pclose(in); /* gzip may die of SIGPIPE: the prefix is all we need */
}

/* The subject file with its data set replaced by the cut files. */
static void small_subject(const char *id)
{
    char path[512];
    snprintf(path, sizeof path, "%s/configs/subjects/%s.cfg", DNNR_TEST_SOURCE_DIR, id);
    char *text = dnnr__read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    char *line = strstr(text, "\ndataset = ");
    ck_assert_ptr_nonnull(line);
    char *end = strchr(line + 1, '\n');
    const char *shape = !strcmp(id, "D4") ? "flatten = true;" : "channels_last = true;";
    snprintf(path, sizeof path, "%s/%s.cfg", workdir, id);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "%.*s\ndataset = { loader = \"idx\"; dir = \"%s/data\"; normalise = true; "
            "one_hot = true; %s train_images = \"train-images-idx3-ubyte\"; "
            "train_labels = \"train-labels-idx1-ubyte\"; test_images = \"t10k-images-idx3-ubyte\"; "
            "test_labels = \"t10k-labels-idx1-ubyte\"; };%s",
            (int)(line - text), text, workdir, shape, end);
    fclose(f);
    dnnr__free(text);
}

/* One AutoTrainer run (max_runs = 1, options added) on the first n_train
 * training and n_test test images of the subject's data set. */
static void run_cut(const char *id, int budget, const char *options, uint32_t n_train,
                    uint32_t n_test)
{
    struct stat st;
    if (stat(FMNIST "/train-images-idx3-ubyte.gz", &st) != 0) {
        fprintf(stderr, "dataset-fashion-mnist not installed: skipped\n");
        exit(77);
    }
    snprintf(workdir, sizeof workdir, "/tmp/dnnr_atslow_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(workdir));
    char path[512];
    snprintf(path, sizeof path, "%s/data", workdir);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    cut_idx("train-images-idx3-ubyte", n_train);
    cut_idx("train-labels-idx1-ubyte", n_train);
    cut_idx("t10k-images-idx3-ubyte", n_test);
    cut_idx("t10k-labels-idx1-ubyte", n_test);
    small_subject(id);
    snprintf(path, sizeof path, "%s/exp.cfg", workdir);
    FILE *f = fopen(path, "w");
    fprintf(f,
            "name = \"atslow\";\nseed = 3;\nsubjects = [\"%s/%s.cfg\"];\n"
            "searchers = ( { name = \"autotrainer\"; options = { max_runs = 1; %s }; } );\n"
            "plugin_paths = [\"%s\"];\nthreads = 2;\nbudgets = [%d];\n"
            "budget_mode = \"evaluations\";\nrepeats = 1;\neval_runs = 1;\n",
            workdir, id, options, DNNR_TEST_PLUGIN_DIR, budget);
    fclose(f);
    dnnr_error err = {{0}};
    int rc = harness_run(workdir, "out", 0, 0, &err);
    ck_assert_msg(rc == DNNR_OK, "%s", err.msg);
}

#define MAXT 32
static size_t trials(const dnnr_journal_lines *l, const dnnr_json **t)
{
    size_t n = 0;
    memset(t, 0, MAXT * sizeof *t);
    for (size_t i = 0; i < l->n; i++) {
        const char *s = dnnr__json_str(l->items[i], "searcher");
        if (dnnr__json_get(l->items[i], "kind") || !s || strcmp(s, "autotrainer"))
            continue;
        int k = (int)dnnr__json_num(l->items[i], "trial");
        if (k >= 0 && k < MAXT) {
            t[k] = l->items[i];
            n = (size_t)k + 1 > n ? (size_t)k + 1 : n;
        }
    }
    return n;
}

static dnnr_journal_lines journal(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/out/trials.jsonl", workdir);
    dnnr_journal_lines lines;
    dnnr_error err;
    ck_assert_int_eq(dnnr__journal_read_lines(path, &lines, &err), DNNR_OK);
    return lines;
}

static const char *note(const dnnr_json *t)
{
    const char *s = t ? dnnr__json_str(t, "note") : NULL;
    return s ? s : "";
}

#endif
