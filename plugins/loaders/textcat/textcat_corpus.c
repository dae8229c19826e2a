/* Folders of categorised texts; see textcat_corpus.h. */
#include "textcat_corpus.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "data_path.h"

/** One category file or text file may hold at most this many bytes. */
#define TEXTCAT_MAX_FILE_BYTES (512ull << 20)

typedef struct name_list {
    char **names;
    uint64_t n;
} name_list;

static void names_release(const dnnr_host *host, name_list *l)
{
    for (uint64_t i = 0; i < l->n; i++)
        host->free(host->ctx, l->names[i]);
    host->free(host->ctx, l->names);
    memset(l, 0, sizeof *l);
}

static int has_excluded_suffix(const char *name, const char *exclude)
{
    size_t n = strlen(name);
    while (*exclude) {
        const char *comma = strchr(exclude, ',');
        size_t len = comma ? (size_t)(comma - exclude) : strlen(exclude);
        if (len > 0 && len <= n && memcmp(name + n - len, exclude, len) == 0)
            return 1;
        exclude += len + (comma ? 1 : 0);
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of @p dir of @p kind, sorted, without hidden and excluded names. */
static int list_dir(const dnnr_host *host, const char *dir, data_path_kind kind,
                    const char *exclude, name_list *out)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) {
        host->set_error(host->ctx, "%s: cannot open the folder", dir);
        return DNNR_EIO;
    }
    uint64_t cap = 0;
    int status = DNNR_OK;
    struct dirent *e;
    while (status == DNNR_OK && (e = readdir(d))) {
        if (e->d_name[0] == '.' || has_excluded_suffix(e->d_name, exclude))
            continue;
        char *path = data_path_join(host, dir, e->d_name);
        if (!path) {
            status = DNNR_ENOMEM;
            break;
        }
        int keep = data_path_exists(path, kind);
        host->free(host->ctx, path);
        if (!keep)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            char **names = host->realloc(host->ctx, out->names, (size_t)cap * sizeof *names);
            if (!names) {
                status = DNNR_ENOMEM;
                break;
            }
            out->names = names;
        }
        size_t len = strlen(e->d_name);
        out->names[out->n] = host->alloc(host->ctx, len + 1, 1);
        if (!out->names[out->n]) {
            status = DNNR_ENOMEM;
            break;
        }
        memcpy(out->names[out->n++], e->d_name, len);
    }
    closedir(d);
    if (status != DNNR_OK) {
        host->set_error(host->ctx, "%s: out of memory listing the folder", dir);
        names_release(host, out);
        return status;
    }
    if (out->n)
        qsort(out->names, (size_t)out->n, sizeof *out->names, compare_names);
    return DNNR_OK;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f' &&
            s[i] != '\v')
            return 0;
    return 1;
}

static int add_text(const dnnr_host *host, textcat_corpus *c, const char *s, size_t n)
{
    if (is_blank(s, n))
        return DNNR_OK;
    if (c->n_texts == c->texts_cap) {
        uint64_t cap = c->texts_cap ? c->texts_cap * 2 : 1024;
        textcat_text *t = host->realloc(host->ctx, c->texts, (size_t)cap * sizeof *t);
        if (!t) {
            host->set_error(host->ctx, "out of memory after %" PRIu64 " texts", c->n_texts);
            return DNNR_ENOMEM;
        }
        c->texts = t;
        c->texts_cap = cap;
    }
    c->texts[c->n_texts++] = (textcat_text){s, n, c->n_categories - 1};
    c->per_category[c->n_categories - 1]++;
    return DNNR_OK;
}

/* Read one file, keep its buffer, and refuse binary content. */
static int read_text_file(const dnnr_host *host, textcat_corpus *c, const char *path, char **text,
                          size_t *len)
{
    int status = data_file_read(host, path, TEXTCAT_MAX_FILE_BYTES, text, len);
    if (status != DNNR_OK)
        return status;
    c->buffers[c->n_buffers++] = *text;
    const char *nul = memchr(*text, '\0', *len);
    if (nul) {
        host->set_error(host->ctx,
                        "%s: NUL byte at offset %zu: expected text (a binary file; exclude it "
                        "with the `exclude` suffixes)",
                        path, (size_t)(nul - *text));
        return DNNR_EPARSE;
    }
    return DNNR_OK;
}

/* A category file: texts between separator lines. */
static int split_file(const dnnr_host *host, textcat_corpus *c, const char *text, size_t len,
                      const char *separator)
{
    size_t sep_len = strlen(separator), start = 0, line = 0;
    while (line < len) {
        const char *nl = memchr(text + line, '\n', len - line);
        size_t end = nl ? (size_t)(nl - text) : len; /* the line is [line, end) */
        size_t content = end;
        if (content > line && text[content - 1] == '\r')
            content--;
        if (content - line == sep_len && memcmp(text + line, separator, sep_len) == 0) {
            int status = add_text(host, c, text + start, line - start);
            if (status != DNNR_OK)
                return status;
            start = nl ? end + 1 : len;
        }
        line = nl ? end + 1 : len;
    }
    return add_text(host, c, text + start, len - start);
}

static int add_category(const dnnr_host *host, textcat_corpus *c, const char *name)
{
    size_t len = strlen(name);
    c->categories[c->n_categories] = host->alloc(host->ctx, len + 1, 1);
    if (!c->categories[c->n_categories]) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    memcpy(c->categories[c->n_categories++], name, len);
    return DNNR_OK;
}

static int read_category(const dnnr_host *host, const char *dir, const char *name,
                         const textcat_corpus_options *opt, int folders, textcat_corpus *c)
{
    char *path = data_path_join(host, dir, name);
    if (!path) {
        host->set_error(host->ctx, "out of memory");
        return DNNR_ENOMEM;
    }
    int status = add_category(host, c, name);
    if (status == DNNR_OK && !folders) {
        char *text;
        size_t len;
        status = read_text_file(host, c, path, &text, &len);
        if (status == DNNR_OK)
            status = split_file(host, c, text, len, opt->separator);
    } else if (status == DNNR_OK) {
        name_list files;
        status = list_dir(host, path, DATA_PATH_FILE, opt->exclude, &files);
        if (status == DNNR_OK && files.n > 0) {
            char **buffers = host->realloc(host->ctx, c->buffers,
                                           (size_t)(c->n_buffers + files.n) * sizeof *buffers);
            if (buffers)
                c->buffers = buffers;
            else {
                host->set_error(host->ctx, "out of memory");
                status = DNNR_ENOMEM;
            }
        }
        for (uint64_t i = 0; status == DNNR_OK && i < files.n; i++) {
            char *file = data_path_join(host, path, files.names[i]), *text;
            size_t len;
            status = file ? read_text_file(host, c, file, &text, &len) : DNNR_ENOMEM;
            if (status == DNNR_OK)
                status = add_text(host, c, text, len);
            if (!file)
                host->set_error(host->ctx, "out of memory");
            host->free(host->ctx, file);
        }
        names_release(host, &files); /* list_dir leaves it empty when it fails */
    }
    host->free(host->ctx, path);
    return status;
}

int textcat_corpus_read(const dnnr_host *host, const char *dir, const textcat_corpus_options *opt,
                        textcat_corpus *out)
{
    memset(out, 0, sizeof *out);
    int folders = strcmp(opt->layout, "folders") == 0;
    name_list cats;
    int status;
    if (strcmp(opt->layout, "auto") == 0) {
        status = list_dir(host, dir, DATA_PATH_DIR, opt->exclude, &cats);
        if (status != DNNR_OK)
            return status;
        folders = cats.n > 0;
        names_release(host, &cats);
    }
    status = list_dir(host, dir, folders ? DATA_PATH_DIR : DATA_PATH_FILE, opt->exclude, &cats);
    if (status != DNNR_OK)
        return status;
    if (cats.n < 2 || cats.n > UINT32_MAX) {
        host->set_error(host->ctx, "%s: %" PRIu64 " category %s: expected at least 2", dir, cats.n,
                        folders ? "folders" : "files");
        names_release(host, &cats);
        return DNNR_EPARSE;
    }
    out->categories = host->alloc(host->ctx, (size_t)cats.n, sizeof *out->categories);
    out->per_category = host->alloc(host->ctx, (size_t)cats.n, sizeof *out->per_category);
    /* "files" keeps one buffer per category; "folders" grows it per folder */
    out->buffers = host->alloc(host->ctx, (size_t)cats.n, sizeof *out->buffers);
    if (!out->categories || !out->per_category || !out->buffers) {
        host->set_error(host->ctx, "out of memory");
        status = DNNR_ENOMEM;
    }
    for (uint64_t i = 0; status == DNNR_OK && i < cats.n; i++)
        status = read_category(host, dir, cats.names[i], opt, folders, out);
    names_release(host, &cats);
    if (status == DNNR_OK && out->n_texts < 2) {
        host->set_error(host->ctx, "%s: %" PRIu64 " texts: expected at least 2", dir,
                        out->n_texts);
        status = DNNR_EPARSE;
    }
    if (status != DNNR_OK)
        textcat_corpus_release(host, out);
    return status;
}

void textcat_corpus_release(const dnnr_host *host, textcat_corpus *c)
{
    for (uint64_t i = 0; i < c->n_buffers; i++)
        host->free(host->ctx, c->buffers[i]);
    for (uint32_t i = 0; i < c->n_categories; i++)
        host->free(host->ctx, c->categories[i]);
    host->free(host->ctx, c->buffers);
    host->free(host->ctx, c->categories);
    host->free(host->ctx, c->per_category);
    host->free(host->ctx, c->texts);
    memset(c, 0, sizeof *c);
}
