/**
 * @file textcat_tokenizer.h
 * @brief Keras' Tokenizer(num_words=K) and texts_to_matrix(mode='binary').
 *
 * Rules, as keras.preprocessing.text with its defaults:
 *  - a text is lowercased, each filter character
 *    !"#$%&()*+,-./:;<=>?@[\]^_`{|}~ plus tab and newline becomes a space,
 *    and the text is split on spaces (empty pieces dropped). Only ASCII
 *    letters are lowercased; other bytes (UTF-8, '\r', quotes ') stay part
 *    of words, as they do in Keras except for non-ASCII case folding.
 *  - fit: words are counted over the fitted texts; ranked by count, ties in
 *    first-seen order (Python's stable sort of an OrderedDict); rank 1, 2, ...
 *  - vectorise: row i, column j is 1 when text i holds the word of rank j
 *    and j < K. Column 0 is never set, so K columns hold K-1 words.
 */
#ifndef DNNR_TEXTCAT_TOKENIZER_H
#define DNNR_TEXTCAT_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/dnnrepair.h>

typedef struct textcat_vocab textcat_vocab;

/** An empty vocabulary; NULL when out of memory (error recorded). */
textcat_vocab *textcat_vocab_create(const dnnr_host *host);
void textcat_vocab_destroy(textcat_vocab *v);

/** Count the words of one text (fit_on_texts, one text at a time). */
int textcat_vocab_count(textcat_vocab *v, const char *text, size_t len);

/** Rank the counted words (call once, after counting). */
int textcat_vocab_rank(textcat_vocab *v);

/** Distinct words counted. */
uint64_t textcat_vocab_size(const textcat_vocab *v);

/** The word of rank @p rank (1-based) and its count; NULL past the end. */
const char *textcat_vocab_word(const textcat_vocab *v, uint64_t rank, size_t *len,
                               uint64_t *count);

/** Set row[j] = 1 for each word of the text with rank j < num_words (row zeroed by caller). */
int textcat_vocab_binary_row(textcat_vocab *v, const char *text, size_t len, uint32_t num_words,
                             float *row);

#endif
