/* Keras Tokenizer rules on bytes; see textcat_tokenizer.h. */
#include "textcat_tokenizer.h"

#include <stdlib.h>
#include <string.h>

/* One distinct word: where its bytes are in the pool, its count, and the
 * order it was first seen (the tie-breaker) and its final rank. */
typedef struct word_entry {
    uint64_t offset, count, first_seen, rank;
    uint32_t len;
    uint32_t used;
} word_entry;

struct textcat_vocab {
    const dnnr_host *host;
    word_entry *table; /* open addressing, capacity a power of two */
    uint64_t capacity, n_words;
    char *pool;
    uint64_t pool_len, pool_cap;
    uint64_t *by_rank; /* table slots in rank order, after rank() */
    char *scratch;     /* the lowercased, filtered text being split */
    size_t scratch_cap;
};

static int is_filtered(unsigned char c)
{
    return (c != '\'' && c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
           (c >= '[' && c <= '`') || (c >= '{' && c <= '~') || c == '\t' || c == '\n';
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

textcat_vocab *textcat_vocab_create(const dnnr_host *host)
{
    textcat_vocab *v = host->alloc(host->ctx, 1, sizeof *v);
    if (v) {
        v->host = host;
        v->capacity = 1024;
        v->table = host->alloc(host->ctx, (size_t)v->capacity, sizeof *v->table);
    }
    if (!v || !v->table) {
        if (v)
            host->free(host->ctx, v);
        host->set_error(host->ctx, "out of memory for the vocabulary");
        return NULL;
    }
    return v;
}

void textcat_vocab_destroy(textcat_vocab *v)
{
    if (!v)
        return;
    const dnnr_host *host = v->host;
    host->free(host->ctx, v->table);
    host->free(host->ctx, v->pool);
    host->free(host->ctx, v->by_rank);
    host->free(host->ctx, v->scratch);
    host->free(host->ctx, v);
}

static int oom(textcat_vocab *v)
{
    v->host->set_error(v->host->ctx, "out of memory for the vocabulary (%llu words)",
                       (unsigned long long)v->n_words);
    return DNNR_ENOMEM;
}

/* The slot of word s[0..n): its entry, or the empty slot where it belongs. */
static uint64_t find_slot(const textcat_vocab *v, const char *s, size_t n)
{
    uint64_t mask = v->capacity - 1, i = hash_bytes(s, n) & mask;
    while (v->table[i].used &&
           !(v->table[i].len == n && memcmp(v->pool + v->table[i].offset, s, n) == 0))
        i = (i + 1) & mask;
    return i;
}

static int grow_table(textcat_vocab *v)
{
    word_entry *old = v->table;
    uint64_t old_cap = v->capacity;
    v->table = v->host->alloc(v->host->ctx, (size_t)old_cap * 2, sizeof *v->table);
    if (!v->table) {
        v->table = old;
        return oom(v);
    }
    v->capacity = old_cap * 2;
    for (uint64_t i = 0; i < old_cap; i++)
        if (old[i].used)
            v->table[find_slot(v, v->pool + old[i].offset, old[i].len)] = old[i];
    v->host->free(v->host->ctx, old);
    return DNNR_OK;
}

static int add_word(textcat_vocab *v, const char *s, size_t n)
{
    uint64_t slot = find_slot(v, s, n);
    if (v->table[slot].used) {
        v->table[slot].count++;
        return DNNR_OK;
    }
    if (v->pool_len + n > v->pool_cap) {
        uint64_t cap = v->pool_cap ? v->pool_cap * 2 : 65536;
        while (cap < v->pool_len + n)
            cap *= 2;
        char *pool = v->host->realloc(v->host->ctx, v->pool, (size_t)cap);
        if (!pool)
            return oom(v);
        v->pool = pool;
        v->pool_cap = cap;
    }
    memcpy(v->pool + v->pool_len, s, n);
    v->table[slot] = (word_entry){v->pool_len, 1, v->n_words, 0, (uint32_t)n, 1};
    v->pool_len += n;
    v->n_words++;
    if (v->n_words * 2 > v->capacity)
        return grow_table(v);
    return DNNR_OK;
}

/* Lowercase and filter @p text into the scratch buffer. */
static char *prepare(textcat_vocab *v, const char *text, size_t len)
{
    if (len + 1 > v->scratch_cap) {
        char *s = v->host->realloc(v->host->ctx, v->scratch, len + 1);
        if (!s)
            return NULL;
        v->scratch = s;
        v->scratch_cap = len + 1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (is_filtered(c))
            c = ' ';
        else if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        v->scratch[i] = (char)c;
    }
    v->scratch[len] = ' ';
    return v->scratch;
}

/* Call fn on each word of text; stops at the first error. */
static int each_word(textcat_vocab *v, const char *text, size_t len,
                     int (*fn)(textcat_vocab *, const char *, size_t, void *), void *arg)
{
    if (len > UINT32_MAX) {
        v->host->set_error(v->host->ctx, "a text of %zu bytes: expected less than 4 GiB", len);
        return DNNR_EINVAL;
    }
    char *s = prepare(v, text, len);
    if (!s)
        return oom(v);
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (s[i] != ' ')
            continue;
        if (i > start) {
            int status = fn(v, s + start, i - start, arg);
            if (status != DNNR_OK)
                return status;
        }
        start = i + 1;
    }
    return DNNR_OK;
}

static int count_one(textcat_vocab *v, const char *w, size_t n, void *arg)
{
    (void)arg;
    return add_word(v, w, n);
}

int textcat_vocab_count(textcat_vocab *v, const char *text, size_t len)
{
    return each_word(v, text, len, count_one, NULL);
}

/* What the ranking sorts: a copy of the keys, so the comparison needs no context. */
typedef struct rank_key {
    uint64_t count, first_seen, slot;
} rank_key;

static int by_count_then_first_seen(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first_seen < y->first_seen ? -1 : x->first_seen > y->first_seen;
}

int textcat_vocab_rank(textcat_vocab *v)
{
    size_t n = v->n_words ? (size_t)v->n_words : 1;
    rank_key *keys = v->host->alloc(v->host->ctx, n, sizeof *keys);
    v->by_rank = v->host->alloc(v->host->ctx, n, sizeof *v->by_rank);
    if (!keys || !v->by_rank) {
        v->host->free(v->host->ctx, keys);
        return oom(v);
    }
    uint64_t k = 0;
    for (uint64_t i = 0; i < v->capacity; i++)
        if (v->table[i].used)
            keys[k++] = (rank_key){v->table[i].count, v->table[i].first_seen, i};
    qsort(keys, (size_t)k, sizeof *keys, by_count_then_first_seen);
    for (uint64_t r = 0; r < k; r++) {
        v->by_rank[r] = keys[r].slot;
        v->table[keys[r].slot].rank = r + 1;
    }
    v->host->free(v->host->ctx, keys);
    return DNNR_OK;
}

uint64_t textcat_vocab_size(const textcat_vocab *v)
{
    return v->n_words;
}

const char *textcat_vocab_word(const textcat_vocab *v, uint64_t rank, size_t *len,
                               uint64_t *count)
{
    if (!v->by_rank || rank == 0 || rank > v->n_words)
        return NULL;
    const word_entry *e = &v->table[v->by_rank[rank - 1]];
    *len = e->len;
    *count = e->count;
    return v->pool + e->offset;
}

typedef struct row_target {
    uint32_t num_words;
    float *row;
} row_target;

static int mark_one(textcat_vocab *v, const char *w, size_t n, void *arg)
{
    const row_target *t = arg;
    uint64_t slot = find_slot(v, w, n);
    /* words never fitted have no rank (Keras skips them without an OOV token) */
    if (v->table[slot].used && v->table[slot].rank < t->num_words)
        t->row[v->table[slot].rank] = 1.0f;
    return DNNR_OK;
}

int textcat_vocab_binary_row(textcat_vocab *v, const char *text, size_t len, uint32_t num_words,
                             float *row)
{
    row_target t = {num_words, row};
    return each_word(v, text, len, mark_one, &t);
}
