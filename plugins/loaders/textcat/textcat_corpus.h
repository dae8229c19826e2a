/**
 * @file textcat_corpus.h
 * @brief Read a folder of categorised texts.
 *
 * Two layouts:
 *  - "files": each file is one category (named after the file) holding
 *    texts separated by lines that equal the separator (Debian's fortune
 *    files: "%" lines);
 *  - "folders": each subfolder is one category and each file in it one text
 *    (the 20 Newsgroups / Reuters-21578 "by topic" layout).
 * "auto" picks "folders" when the folder has a subfolder. Names starting with
 * '.' and files ending in one of the excluded suffixes are skipped (fortune's
 * ".dat" indexes and ".u8" links). Categories are numbered in byte order of
 * their names; texts keep their order in the file or folder. Texts that are
 * only white space are dropped; a text holding a NUL byte is an error (a
 * binary file, not text).
 */
#ifndef DNNR_TEXTCAT_CORPUS_H
#define DNNR_TEXTCAT_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

typedef struct textcat_text {
    const char *text;
    size_t len;
    uint32_t category;
} textcat_text;

typedef struct textcat_corpus {
    char **buffers; /* file contents the texts point into */
    uint64_t n_buffers;
    textcat_text *texts;
    uint64_t n_texts, texts_cap;
    char **categories; /* names */
    uint32_t n_categories;
    uint64_t *per_category; /* texts in each category */
} textcat_corpus;

typedef struct textcat_corpus_options {
    const char *layout;    /* "auto", "files" or "folders" */
    const char *separator; /* "files": the line between texts */
    const char *exclude;   /* comma-separated suffixes */
} textcat_corpus_options;

/** Read @p dir; errors name the folder or file and what was expected. */
int textcat_corpus_read(const dnnr_host *host, const char *dir, const textcat_corpus_options *opt,
                        textcat_corpus *out);
void textcat_corpus_release(const dnnr_host *host, textcat_corpus *c);

#endif
