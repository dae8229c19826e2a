/* Dense layers on mostly-zero inputs (bag-of-words rows such as Reuters',
 * bit vectors): when the plan's algorithm is 1 and at most an eighth of the
 * batch's inputs are nonzero, the forward pass and the weight gradient skip
 * the exact zeros instead of running the dense product. Only zero terms are
 * dropped, so results equal the dense product's up to summation order; sums
 * run in a fixed order, whatever the thread count. */
#include <omp.h>
#include <string.h>

#include "onednn.h"

struct onednn_sparse {
    int64_t n, in;
    int32_t *count; /* nonzeros of each row */
    int32_t *index; /* row r's column indices at r * in */
    float *value;
};

int onednn_sparse_prepare(dnnr_backend *b, dnnr_plan *p, int64_t n, int64_t in)
{
    const dnnr_host *h = b->host;
    onednn_sparse *s = h->alloc(h->ctx, 1, sizeof *s);
    if (!s)
        return DNNR_ENOMEM;
    p->sparse = s;
    s->n = n;
    s->in = in;
    s->count = h->alloc(h->ctx, (size_t)n, sizeof *s->count);
    s->index = h->alloc(h->ctx, (size_t)(n * in), sizeof *s->index);
    s->value = h->alloc(h->ctx, (size_t)(n * in), sizeof *s->value);
    return s->count && s->index && s->value ? DNNR_OK : DNNR_ENOMEM;
}

void onednn_sparse_free(dnnr_backend *b, onednn_sparse *s)
{
    if (!s)
        return;
    const dnnr_host *h = b->host;
    h->free(h->ctx, s->count);
    h->free(h->ctx, s->index);
    h->free(h->ctx, s->value);
    h->free(h->ctx, s);
}

/* Whether at most an eighth of x is nonzero. Counting has no stores and no
 * branches, and stops at the first row past the limit: a dense batch (an
 * image is about half nonzero) is turned down after a few rows, instead of
 * paying a full gather twice a step for nothing. */
static int sparse_enough(const onednn_sparse *s, const float *x)
{
    int64_t total = 0, limit = s->n * s->in;
    for (int64_t r = 0; r < s->n; r++) {
        const float *row = x + r * s->in;
        int64_t c = 0;
        for (int64_t i = 0; i < s->in; i++)
            c += row[i] != 0.0f;
        total += c;
        if (total * 8 > limit)
            return 0;
    }
    return 1;
}

/* Collect the nonzeros of x; nonzero when sparse enough to use them. */
static int gather(onednn_sparse *s, const float *x)
{
    if (!sparse_enough(s, x))
        return 0;
    int64_t total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static) if (s->n * s->in > ONEDNN_PAR_MIN)
    for (int64_t r = 0; r < s->n; r++) {
        const float *row = x + r * s->in;
        int32_t *idx = s->index + r * s->in;
        float *val = s->value + r * s->in;
        int32_t c = 0;
        for (int64_t i = 0; i < s->in; i++)
            if (row[i] != 0.0f) {
                idx[c] = (int32_t)i;
                val[c] = row[i];
                c++;
            }
        s->count[r] = c;
        total += c;
    }
    return total * 8 <= s->n * s->in;
}

int onednn_sparse_forward(onednn_sparse *s, const float *x, const float *w, const float *bias,
                          float *y, int64_t out)
{
    if (!gather(s, x))
        return 0;
#pragma omp parallel for schedule(static) if (s->n * out > ONEDNN_PAR_MIN)
    for (int64_t r = 0; r < s->n; r++) {
        float *restrict yr = y + r * out;
        memcpy(yr, bias, sizeof(float) * (size_t)out);
        const int32_t *idx = s->index + r * s->in;
        const float *val = s->value + r * s->in;
        for (int32_t k = 0; k < s->count[r]; k++) {
            const float *restrict wr = w + (int64_t)idx[k] * out;
            const float v = val[k];
            for (int64_t o = 0; o < out; o++)
                yr[o] += v * wr[o];
        }
    }
    return 1;
}

int onednn_sparse_weight_grad(onednn_sparse *s, const float *x, const float *dy, float *dw,
                              int64_t out)
{
    if (!gather(s, x))
        return 0;
    /* Threads own ranges of kernel rows; each adds the batch rows in order. */
#pragma omp parallel if (s->in * out > ONEDNN_PAR_MIN)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int64_t i0 = s->in * t / nt, i1 = s->in * (t + 1) / nt;
        memset(dw + i0 * out, 0, sizeof(float) * (size_t)((i1 - i0) * out));
        for (int64_t r = 0; r < s->n; r++) {
            const int32_t *idx = s->index + r * s->in;
            const float *val = s->value + r * s->in;
            const float *restrict dyr = dy + r * out;
            for (int32_t k = 0; k < s->count[r]; k++) {
                if (idx[k] < i0 || idx[k] >= i1)
                    continue;
                float *restrict dwr = dw + (int64_t)idx[k] * out;
                const float v = val[k];
                for (int64_t o = 0; o < out; o++)
                    dwr[o] += v * dyr[o];
            }
        }
    }
    return 1;
}
