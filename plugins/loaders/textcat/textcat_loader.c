/*
 * The `textcat` loader: categorised texts as binary bags of words.
 *
 *   dataset = { loader = "textcat"; };                       (Debian's fortunes)
 *   dataset = { loader = "textcat"; dir = "reuters-by-topic"; num_words = 10000; };
 *
 * Options (all optional):
 *   dir          folder of categories (textcat_corpus.h), resolved as
 *                data_path.h says. Unset: the offline default, Debian's
 *                `fortunes` package in /usr/share/games/fortunes (one file
 *                per category, "%" lines between texts), standing in for
 *                the Reuters newswires of R1-R7
 *   layout       "auto", "files" or "folders"
 *   separator    "%": the line between texts in "files" layout
 *   exclude      ".dat,.u8": suffixes of files that are not categories
 *   num_words    K of Tokenizer(num_words=K) (textcat_tokenizer.h); samples
 *                are K binary values. Default 10000 (R1-R7) with `dir`,
 *                1000 for the fortunes default
 *   fit_on       "all" (default: the vocabulary ranks words over every text,
 *                as the Reuters word index does) or "train"
 *   test_size    0.2, seed 42: train_test_split of the texts
 *   drop_validation, drop_validation_seed: 0 and 42; R1-R7 trained on the
 *                train part of a further (0.2, 42) split of the training set
 *   one_hot      true: one-hot rows over the categories; false: indices
 *   rows         0 = all; N: only the first N texts of the split's train part
 *                and the first N of its test part (both in the split's
 *                shuffled order, so every category can occur); the
 *                vocabulary is still fitted as fit_on says and
 *                drop_validation then splits the N training texts. A quick
 *                subset, e.g. for a test that trains every subject once
 *   provenance   "original" with `dir`, the substitute note without
 *
 * The fortunes default, as Debian 12's fortunes 1:1.99.1-7.3 holds it: 43
 * category files, 15,217 texts (12,173 train / 3,044 test with the default
 * split; R1-R7's drop_validation then trains on 9,738), 1000 columns. The
 * categories are unbalanced: people 1251, definitions 1203, cookie 1133,
 * computers 1051, ... wisdom 425; the smallest are translate-me 12,
 * ascii-art 10 and pratchett 2. A fix-configuration R2 MLP reaches about
 * 0.37 holdout accuracy in 3 epochs (chance: 0.08), so faults stay visible.
 */
#include <inttypes.h>
#include <string.h>

#include <dnnrepair/dnnrepair.h>

#include "data_path.h"
#include "row_limit.h"
#include "row_split.h"
#include "textcat_corpus.h"
#include "textcat_tokenizer.h"

#define TEXTCAT_FORTUNES_DIR "/usr/share/games/fortunes"
#define TEXTCAT_SUBSTITUTE_NOTE                                                                  \
    "substitute: Debian fortunes (one category per fortune file, 1000-word binary bag of "      \
    "words) for the Reuters newswires (keras reuters.npz is not available offline)"
#define TEXTCAT_MAX_WORDS 1000000

struct dnnr_loader {
    const dnnr_host *host;
    char *dir;
    textcat_corpus_options corpus_opt;
    const char *fit_on, *provenance;
    int64_t num_words, seed, drop_seed, rows; /* rows 0: all */
    double test_size, drop_validation;
    int one_hot;
    float *x[2], *y[2];
    dnnr_dataset loaded;
    int is_loaded;
};

static void release_data(dnnr_loader *l)
{
    for (int i = 0; i < 2; i++) {
        l->host->free(l->host->ctx, l->x[i]);
        l->host->free(l->host->ctx, l->y[i]);
        l->x[i] = l->y[i] = NULL;
    }
}

static void textcat_destroy(dnnr_loader *l)
{
    if (!l)
        return;
    release_data(l);
    l->host->free(l->host->ctx, l->dir);
    l->host->free(l->host->ctx, l);
}

static int read_options(dnnr_loader *l, const char **dir)
{
    const dnnr_host *host = l->host;
    textcat_corpus_options *c = &l->corpus_opt;
    int s = host->option_string(host->ctx, "dir", NULL, dir);
    int has_dir = s == DNNR_OK && *dir && **dir;
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "layout", "auto", &c->layout);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "separator", "%", &c->separator);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "exclude", ".dat,.u8", &c->exclude);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "num_words", has_dir ? 10000 : 1000, &l->num_words);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "fit_on", "all", &l->fit_on);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "test_size", 0.2, &l->test_size);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "seed", 42, &l->seed);
    if (s == DNNR_OK)
        s = host->option_float(host->ctx, "drop_validation", 0.0, &l->drop_validation);
    if (s == DNNR_OK)
        s = host->option_int(host->ctx, "drop_validation_seed", 42, &l->drop_seed);
    if (s == DNNR_OK)
        s = host->option_bool(host->ctx, "one_hot", 1, &l->one_hot);
    if (s == DNNR_OK)
        s = row_limit_option(host, &l->rows);
    if (s == DNNR_OK)
        s = host->option_string(host->ctx, "provenance",
                                has_dir ? "original" : TEXTCAT_SUBSTITUTE_NOTE, &l->provenance);
    if (s != DNNR_OK)
        return s;
    const char *problem = NULL;
    if (strcmp(c->layout, "auto") && strcmp(c->layout, "files") && strcmp(c->layout, "folders"))
        problem = "layout: expected \"auto\", \"files\" or \"folders\"";
    else if (!*c->separator || strchr(c->separator, '\n'))
        problem = "separator: expected a non-empty line of text";
    else if (l->num_words < 2 || l->num_words > TEXTCAT_MAX_WORDS)
        problem = "num_words: expected 2 to 1000000";
    else if (strcmp(l->fit_on, "all") && strcmp(l->fit_on, "train"))
        problem = "fit_on: expected \"all\" or \"train\"";
    else if (!(l->test_size > 0 && l->test_size < 1))
        problem = "test_size: expected a fraction in (0, 1)";
    else if (!(l->drop_validation >= 0 && l->drop_validation < 1))
        problem = "drop_validation: expected 0 (none) or a fraction in (0, 1)";
    else if (l->seed < 0 || l->seed > UINT32_MAX || l->drop_seed < 0 || l->drop_seed > UINT32_MAX)
        problem = "seed, drop_validation_seed: expected 0 to 4294967295";
    if (problem) {
        host->set_error(host->ctx, "%s", problem);
        return DNNR_EINVAL;
    }
    return DNNR_OK;
}

static int textcat_create(const dnnr_loader_init *init, dnnr_loader **out)
{
    const dnnr_host *host = init->host;
    *out = NULL;
    dnnr_loader *l = host->alloc(host->ctx, 1, sizeof *l);
    if (!l) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    l->host = host;
    const char *dir = NULL;
    int status = read_options(l, &dir);
    if (status == DNNR_OK && dir && *dir)
        status = data_path_resolve(host, "dir", dir, init->data_dir, init->subject_file,
                                   DATA_PATH_DIR, 0, &l->dir);
    else if (status == DNNR_OK) {
        if (data_path_exists(TEXTCAT_FORTUNES_DIR, DATA_PATH_DIR)) {
            l->dir = data_path_join(host, NULL, TEXTCAT_FORTUNES_DIR);
            status = l->dir ? DNNR_OK : DNNR_ENOMEM;
        } else {
            host->set_error(host->ctx,
                            "no `dir` option and the offline default %s is missing: expected "
                            "Debian's fortunes package (apt-get install fortunes) or a `dir`",
                            TEXTCAT_FORTUNES_DIR);
            status = DNNR_ENOTFOUND;
        }
    }
    if (status != DNNR_OK) {
        textcat_destroy(l);
        return status;
    }
    *out = l;
    return DNNR_OK;
}

static int fit_vocabulary(dnnr_loader *l, const textcat_corpus *c, const row_split *s,
                          textcat_vocab *v)
{
    int status = DNNR_OK;
    if (strcmp(l->fit_on, "all") == 0)
        for (uint64_t i = 0; status == DNNR_OK && i < c->n_texts; i++)
            status = textcat_vocab_count(v, c->texts[i].text, c->texts[i].len);
    else
        for (uint64_t i = 0; status == DNNR_OK && i < s->n_train; i++)
            status = textcat_vocab_count(v, c->texts[s->train[i]].text, c->texts[s->train[i]].len);
    return status == DNNR_OK ? textcat_vocab_rank(v) : status;
}

/* Rows and targets of one part (the texts rows[0..n)). */
static int vectorise(dnnr_loader *l, const textcat_corpus *c, textcat_vocab *v,
                     const uint64_t *rows, uint64_t n, int part)
{
    const dnnr_host *host = l->host;
    uint32_t k = (uint32_t)l->num_words, y_dim = l->one_hot ? c->n_categories : 1;
    l->x[part] = host->alloc(host->ctx, n ? (size_t)n * k : 1, sizeof(float));
    l->y[part] = host->alloc(host->ctx, n ? (size_t)n * y_dim : 1, sizeof(float));
    if (!l->x[part] || !l->y[part]) {
        host->set_error(host->ctx, "out of memory for %" PRIu64 " texts of %" PRIu32 " words", n,
                        k);
        return DNNR_ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        const textcat_text *t = &c->texts[rows[i]];
        int status = textcat_vocab_binary_row(v, t->text, t->len, k, l->x[part] + i * k);
        if (status != DNNR_OK)
            return status;
        if (l->one_hot)
            l->y[part][i * y_dim + t->category] = 1.0f;
        else
            l->y[part][i] = (float)t->category;
    }
    return DNNR_OK;
}

static void log_corpus(const dnnr_loader *l, const textcat_corpus *c, const textcat_vocab *v)
{
    const dnnr_host *host = l->host;
    host->log(host->ctx, DNNR_LOG_INFO,
              "%s: %" PRIu32 " categories, %" PRIu64 " texts, %" PRIu64
              " distinct words (%" PRId64 " columns) (%s)",
              l->dir, c->n_categories, c->n_texts, textcat_vocab_size(v), l->num_words,
              l->provenance);
    for (uint32_t i = 0; i < c->n_categories; i++)
        host->log(host->ctx, DNNR_LOG_DEBUG, "category %" PRIu32 " %s: %" PRIu64 " texts", i,
                  c->categories[i], c->per_category[i]);
}

static int textcat_load(dnnr_loader *l, dnnr_dataset *out)
{
    const dnnr_host *host = l->host;
    if (l->is_loaded) {
        *out = l->loaded;
        return DNNR_OK;
    }
    textcat_corpus c;
    row_split s = {0};
    textcat_vocab *v = NULL;
    int status = textcat_corpus_read(host, l->dir, &l->corpus_opt, &c);
    if (status != DNNR_OK)
        return status;
    status = row_split_make(host, l->dir, c.n_texts, l->test_size, (uint32_t)l->seed, &s);
    if (status == DNNR_OK)
        status = (v = textcat_vocab_create(host)) ? DNNR_OK : DNNR_ENOMEM;
    if (status == DNNR_OK)
        status = fit_vocabulary(l, &c, &s, v);
    /* The row limit takes the head of each part, after the vocabulary is
     * fitted, so the columns mean what they mean on the whole corpus. */
    uint64_t n_train = s.n_train, n_test = s.n_test;
    n_train = row_limit(l->rows, n_train);
    n_test = row_limit(l->rows, n_test);
    if (status == DNNR_OK)
        status = vectorise(l, &c, v, s.train, n_train, 0);
    if (status == DNNR_OK)
        status = vectorise(l, &c, v, s.test, n_test, 1);
    uint32_t y_dim = l->one_hot ? c.n_categories : 1;
    if (status == DNNR_OK && l->drop_validation > 0)
        status = row_split_keep_train(host, "training texts", &l->x[0], (uint64_t)l->num_words,
                                      &l->y[0], y_dim, &n_train, l->drop_validation,
                                      (uint32_t)l->drop_seed);
    if (status == DNNR_OK) {
        dnnr_dataset *d = &l->loaded;
        memset(d, 0, sizeof *d);
        d->struct_size = sizeof *d;
        d->rank = 1;
        d->shape[0] = (uint32_t)l->num_words;
        d->n_train = n_train;
        d->n_test = n_test;
        d->x_train = l->x[0];
        d->x_test = l->x[1];
        d->y_train = l->y[0];
        d->y_test = l->y[1];
        d->target_kind = l->one_hot ? DNNR_TARGET_ONE_HOT : DNNR_TARGET_CLASS_INDEX;
        d->y_dim = y_dim;
        d->n_classes = c.n_categories;
        d->provenance = l->provenance;
        l->is_loaded = 1;
        *out = *d;
        log_corpus(l, &c, v);
    } else {
        release_data(l);
    }
    textcat_vocab_destroy(v);
    row_split_release(host, &s);
    textcat_corpus_release(host, &c);
    return status;
}

static const dnnr_loader_iface textcat_iface = {
    .struct_size = sizeof(dnnr_loader_iface),
    .create = textcat_create,
    .destroy = textcat_destroy,
    .load = textcat_load,
};

DNNR_PLUGIN_DEFINE(textcat, DNNR_KIND_LOADER, "1.0.0",
                   "Categorised texts as Keras binary bags of words (offline: Debian fortunes)",
                   textcat_iface)
