#include "nsga2.h"
#include "linalg.h"
#include "vmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hebo_nsga2_config_default(hebo_nsga2_config *cfg)
{
    *cfg = (hebo_nsga2_config){.pop_size = 100,
                               .n_gen = 100,
                               .sbx_eta = 15.0,
                               .sbx_prob = 0.9,
                               .sbx_var_prob = 0.5,
                               .pm_eta = 20.0};
}

/* 1: a dominates b, -1: b dominates a, 0: neither. */
static int relation(const double *a, const double *b, size_t m)
{
    int a_better = 0, b_better = 0;
    for (size_t k = 0; k < m; k++) {
        if (a[k] < b[k])
            a_better = 1;
        else if (b[k] < a[k])
            b_better = 1;
    }
    return a_better && !b_better ? 1 : (b_better && !a_better ? -1 : 0);
}

/* Peel the fronts: rank[i] = front of i, from dominator counts and the
 * domination matrix (dom[i * n + j]: i dominates j), until at least @p stop
 * points have a front (survival needs no more); the rest get rank n. */
static void peel_fronts(const unsigned char *dom, size_t n, int *count, int *rank, size_t stop)
{
    size_t assigned = 0;
    for (int front = 0; assigned < stop; front++) {
        size_t before = assigned;
        for (size_t i = 0; i < n; i++)
            if (rank[i] < 0 && count[i] == 0) {
                rank[i] = front;
                assigned++;
            }
        if (assigned == before)
            break; /* impossible for a strict partial order; guards NaN input */
        if (assigned >= stop)
            break;
        for (size_t i = 0; i < n; i++)
            if (rank[i] == front) {
                const unsigned char *di = dom + i * n;
                for (size_t j = 0; j < n; j++) /* branch-free: vectorises */
                    count[j] -= di[j];
            }
    }
    for (size_t i = 0; i < n; i++)
        if (rank[i] < 0)
            rank[i] = (int)n; /* unranked (NaN objectives, or past stop): last */
}

/* Objectives transposed onto the stack up to this many points and 4 objectives. */
typedef long long nds_mask __attribute__((vector_size(32)));
#define NDS_SOA_MAX 512

/* The sign bits of four mask lanes as bits 0-3: SSE2's movmskpd on each
 * half (every x86-64 build has it) instead of four lane extractions. */
#if defined(__GNUC__) && defined(__x86_64__)
#define NDS_MOVEMASK(m)                                                                           \
    ({                                                                                            \
        hebo_v4 m_ = (hebo_v4)(m);                                                                \
        (unsigned)(__builtin_ia32_movmskpd((hebo_v2){m_[0], m_[1]}) |                             \
                   (__builtin_ia32_movmskpd((hebo_v2){m_[2], m_[3]}) << 2));                      \
    })
#else
#define NDS_MOVEMASK(m)                                                                           \
    ((unsigned)(((m)[0] & 1) | (((m)[1] & 1) << 1) | (((m)[2] & 1) << 2) | (((m)[3] & 1) << 3)))
#endif

/* Four bits as the four bytes 0/1 of a domination row (bit t: byte t). */
static const unsigned char nds_spread[16][4] = {
    {0, 0, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 1, 0},
    {0, 1, 1, 0}, {1, 1, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 1}, {0, 1, 0, 1}, {1, 1, 0, 1},
    {0, 0, 1, 1}, {1, 0, 1, 1}, {0, 1, 1, 1}, {1, 1, 1, 1}};

HEBO_BODY void nds_body(const double *f, size_t n, size_t n_obj, int *rank,
                        unsigned char *work)
{
    unsigned char *dom = work; /* dom[i * n + j]: i dominates j */
    int *count = (int *)(void *)(work + HEBO_ALIGN8(n * n)); /* dominators not yet peeled */
    for (size_t i = 0; i < n; i++) {
        count[i] = 0;
        rank[i] = -1;
    }
    if (n <= NDS_SOA_MAX && n_obj >= 1 && n_obj <= 4) {
        /* Every ordered pair, branch-free over objectives stored column by
         * column: the same relation as relation() (a strictly better
         * somewhere and b nowhere; NaN compares false both ways there too),
         * four j at a time. */
        double soa[4][NDS_SOA_MAX];
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n_obj; k++)
                soa[k][i] = f[i * n_obj + k];
        for (size_t k = n_obj; k < 4; k++) /* unused objectives: equal everywhere */
            for (size_t i = 0; i < n; i++)
                soa[k][i] = 0.0;
        /* Each unordered pair once: the two masks give both directions,
         * i's row as four bytes at a time, j's rows byte by byte. */
        for (size_t i = 0; i < n; i++) {
            double a0 = soa[0][i], a1 = soa[1][i], a2 = soa[2][i], a3 = soa[3][i];
            hebo_v4 va0 = HEBO_V4_SET1(a0), va1 = HEBO_V4_SET1(a1);
            hebo_v4 va2 = HEBO_V4_SET1(a2), va3 = HEBO_V4_SET1(a3);
            unsigned char *di = dom + i * n;
            di[i] = 0;
            size_t j = i + 1;
            for (; j + 4 <= n; j += 4) {
                hebo_v4 b0 = HEBO_V4_LOAD(&soa[0][j]), b1 = HEBO_V4_LOAD(&soa[1][j]);
                hebo_v4 b2 = HEBO_V4_LOAD(&soa[2][j]), b3 = HEBO_V4_LOAD(&soa[3][j]);
                nds_mask ab = (nds_mask)(va0 < b0) | (nds_mask)(va1 < b1) |
                              (nds_mask)(va2 < b2) | (nds_mask)(va3 < b3);
                nds_mask bb = (nds_mask)(b0 < va0) | (nds_mask)(b1 < va1) |
                              (nds_mask)(b2 < va2) | (nds_mask)(b3 < va3);
                unsigned mab = NDS_MOVEMASK(ab), mbb = NDS_MOVEMASK(bb);
                unsigned dij = mab & ~mbb, dji = mbb & ~mab;
                memcpy(di + j, &nds_spread[dij], 4);
                for (size_t t = 0; t < 4; t++)
                    dom[(j + t) * n + i] = (unsigned char)((dji >> t) & 1);
            }
            for (; j < n; j++) {
                int a_better = (a0 < soa[0][j]) | (a1 < soa[1][j]) | (a2 < soa[2][j]) |
                               (a3 < soa[3][j]);
                int b_better = (soa[0][j] < a0) | (soa[1][j] < a1) | (soa[2][j] < a2) |
                               (soa[3][j] < a3);
                di[j] = (unsigned char)(a_better & !b_better);
                dom[j * n + i] = (unsigned char)(b_better & !a_better);
            }
        }
        for (size_t i = 0; i < n; i++) { /* dominators: column sums */
            const unsigned char *di = dom + i * n;
            for (size_t j = 0; j < n; j++)
                count[j] += di[j];
        }
    } else {
        memset(dom, 0, n * n);
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++) {
                int r = relation(f + i * n_obj, f + j * n_obj, n_obj);
                if (r == 1) {
                    dom[i * n + j] = 1;
                    count[j]++;
                } else if (r == -1) {
                    dom[j * n + i] = 1;
                    count[i]++;
                }
            }
    }
}

HEBO_CLONES(nds, (const double *f, size_t n, size_t n_obj, int *rank, unsigned char *work), (f, n,
            n_obj, rank, work))
/* Ranks until at least @p stop points have a front; the rest get rank n. */
static void nondominated_rank_until(const double *f, size_t n, size_t n_obj, int *rank,
                                    unsigned char *work, size_t stop)
{
    if (HEBO_HAVE_AVX2())
        nds_avx2(f, n, n_obj, rank, work);
    else
        nds_base(f, n, n_obj, rank, work);
    /* Outside the AVX2 function: a tail call out of it would skip the
     * vzeroupper that protects the SSE code of libm afterwards. */
    peel_fronts(work, n, (int *)(void *)(work + HEBO_ALIGN8(n * n)), rank, stop);
}

void hebo_nondominated_rank(const double *f, size_t n, size_t n_obj, int *rank,
                            unsigned char *work)
{
    nondominated_rank_until(f, n, n_obj, rank, work, n);
}

void hebo_crowding(const double *f, const size_t *idx, size_t m, size_t n_obj, double *cd,
                   size_t *work)
{
    if (m <= 2) {
        for (size_t i = 0; i < m; i++)
            cd[i] = INFINITY;
        return;
    }
    size_t *unique = work, *order = work + m;
    size_t nu = 0;
    for (size_t i = 0; i < m; i++) {
        cd[i] = 0.0; /* duplicates keep 0 */
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            /* a coordinate further apart than 2e-32 makes sqrt(d2) > 1e-32
             * already: most pairs end at their first objective */
            double d2 = 0.0;
            size_t k = 0;
            for (; k < n_obj; k++) {
                double d = f[idx[i] * n_obj + k] - f[idx[j] * n_obj + k];
                if (fabs(d) > 2e-32)
                    break;
                d2 += d * d;
            }
            dup = k == n_obj && sqrt(d2) <= 1e-32;
        }
        if (!dup)
            unique[nu++] = i;
    }
    for (size_t u = 0; u < nu; u++)
        cd[unique[u]] = 0.0;
    for (size_t k = 0; k < n_obj; k++) {
        /* stable insertion sort of the unique points on objective k (mergesort in pymoo) */
        for (size_t u = 0; u < nu; u++) {
            size_t v = unique[u], p = u;
            double fv = f[idx[v] * n_obj + k];
            while (p > 0 && f[idx[order[p - 1]] * n_obj + k] > fv) {
                order[p] = order[p - 1];
                p--;
            }
            order[p] = v;
        }
        double lo = f[idx[order[0]] * n_obj + k], hi = f[idx[order[nu - 1]] * n_obj + k];
        double norm = hi - lo;
        for (size_t p = 0; p < nu; p++) {
            double fp = f[idx[order[p]] * n_obj + k];
            double last = p == 0 ? INFINITY : fp - f[idx[order[p - 1]] * n_obj + k];
            double next = p == nu - 1 ? INFINITY : f[idx[order[p + 1]] * n_obj + k] - fp;
            if (norm == 0.0) /* pymoo divides by NaN, then maps NaN to 0 */
                last = next = 0.0;
            else {
                last /= norm;
                next /= norm;
            }
            cd[order[p]] += last + next;
        }
    }
    for (size_t u = 0; u < nu; u++)
        cd[unique[u]] /= (double)n_obj;
}

/* Philox blocks the operators' stream computes at a time. */
#define GA_AHEAD 16

/* The state of one run; arrays sized for the merged population (2N). */
typedef struct ga {
    const hebo_nsga2_config *cfg;
    const hebo_nsga2_problem *pb;
    dnnr_rng *rng;
    size_t n;                  /* current population size */
    double *x, *f, *cd;        /* population (2N rows: survivors first, then offspring) */
    double *x0;                /* first variable of each row of x, for the duplicate test */
    int *rank;
    double *sx, *sf, *scd;     /* survival scratch */
    int *srank;
    size_t *idx, *order, *cwork;
    unsigned char *nds_work;
    double *lo_w, *hi_w;       /* per-variable operator bounds (widened for integers) */
    /* operator scratch, 2 n_var each: the powers of one mating, computed
     * together after its random draws (see pow_batch) */
    double *pw_base, *pw_out, *pw_r;
    size_t *pw_var;
    unsigned char *pw_flag;
    /* rng read ahead (see ga_refill): words rw[rpos, rlen) come next, and
     * rw[0..3] is the block of counter rfirst */
    uint32_t rw[4 * GA_AHEAD];
    size_t rpos, rlen;
    uint64_t rfirst;
} ga;

/* The run's random stream, read ahead. The operators take one or two
 * words at a time; drawn one Philox block at a time, each block is a chain
 * of ten dependent multiplications that nothing overlaps, while GA_AHEAD
 * independent blocks computed in one loop overlap in the core. The words
 * come in the stream's order (dnnr_rng_uniform's and dnnr_rng_below's
 * arithmetic on them below), so the draws are the same, and ga_close
 * leaves g->rng where drawing word by word would have left it. */
static void ga_open(ga *g)
{
    const dnnr_rng *r = g->rng;
    g->rpos = g->rlen = 0;
    g->rfirst = r->counter;
    if (r->used < 4) { /* the rest of a block already drawn */
        memcpy(g->rw, r->buffer, sizeof r->buffer);
        g->rpos = r->used;
        g->rlen = 4;
        g->rfirst = r->counter - 1;
    }
}

static void ga_refill(ga *g)
{
    g->rfirst += g->rlen / 4;
    for (size_t b = 0; b < GA_AHEAD; b++)
        dnnr_philox4x32(g->rng->key, g->rfirst + b, g->rw + 4 * b);
    g->rpos = 0;
    g->rlen = 4 * GA_AHEAD;
}

static void ga_close(ga *g)
{
    if (g->rpos == 0)
        return; /* nothing drawn past g->rng's own position */
    dnnr_rng *r = g->rng;
    size_t b = (g->rpos - 1) / 4; /* the block of the last word drawn */
    r->counter = g->rfirst + b + 1;
    memcpy(r->buffer, g->rw + 4 * b, sizeof r->buffer);
    r->used = (uint32_t)(g->rpos - 4 * b);
}

static inline uint64_t ga_u64(ga *g)
{
    if (g->rpos == g->rlen)
        ga_refill(g);
    uint64_t hi = g->rw[g->rpos++];
    if (g->rpos == g->rlen)
        ga_refill(g);
    return (hi << 32) | g->rw[g->rpos++];
}

static inline double unif(ga *g)
{
    return (double)(ga_u64(g) >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t below(ga *g, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;
    do
        x = ga_u64(g);
    while (x >= limit);
    return x % n;
}

/* fmin and fmax without the libm call (ISO C mode keeps them calls): the
 * other argument when one is NaN, the second on a tie, as x86-64's minsd
 * and maxsd give them. */
static inline double min_d(double a, double b) { return (a < b || b != b) ? a : b; }
static inline double max_d(double a, double b) { return (a > b || b != b) ? a : b; }

/* Rank-and-crowding survival of the first m rows of (x, f) down to keep rows. */
static void survive(ga *g, size_t m, size_t keep)
{
    size_t nv = g->pb->n_var, no = g->pb->n_obj;
    /* fronts beyond the one that fills the survivors are never looked at */
    nondominated_rank_until(g->f, m, no, g->srank, g->nds_work, keep);
    size_t kept = 0;
    for (int front = 0; kept < keep; front++) {
        size_t fm = 0;
        for (size_t i = 0; i < m; i++)
            if (g->srank[i] == front)
                g->idx[fm++] = i;
        if (fm == 0) {
            if (front > (int)m)
                break;
            continue;
        }
        double *fcd = g->scd + kept; /* crowding of this front, in idx order */
        hebo_crowding(g->f, g->idx, fm, no, g->cd, g->cwork);
        size_t take_n = fm;
        if (kept + fm > keep) {
            /* randomized argsort, descending: shuffle, then stable sort */
            take_n = keep - kept;
            for (size_t i = fm; i-- > 1;) {
                size_t j = (size_t)below(g, i + 1);
                size_t t = g->idx[i];
                g->idx[i] = g->idx[j];
                g->idx[j] = t;
                double c = g->cd[i];
                g->cd[i] = g->cd[j];
                g->cd[j] = c;
            }
            for (size_t i = 1; i < fm; i++) {
                size_t vi = g->idx[i];
                double ci = g->cd[i];
                size_t p = i;
                while (p > 0 && g->cd[p - 1] < ci) {
                    g->idx[p] = g->idx[p - 1];
                    g->cd[p] = g->cd[p - 1];
                    p--;
                }
                g->idx[p] = vi;
                g->cd[p] = ci;
            }
        }
        for (size_t t = 0; t < take_n; t++) {
            size_t src = g->idx[t];
            memcpy(g->sx + (kept + t) * nv, g->x + src * nv, nv * sizeof(double));
            memcpy(g->sf + (kept + t) * no, g->f + src * no, no * sizeof(double));
            fcd[t] = g->cd[t];
            g->rank[kept + t] = front;
        }
        kept += take_n;
    }
    memcpy(g->x, g->sx, kept * nv * sizeof(double));
    memcpy(g->f, g->sf, kept * no * sizeof(double));
    memcpy(g->cd, g->scd, kept * sizeof(double));
    g->n = kept;
}

static size_t tournament(ga *g, size_t a, size_t b)
{
    size_t no = g->pb->n_obj;
    int r = relation(g->f + a * no, g->f + b * no, no);
    if (r == 1)
        return a;
    if (r == -1)
        return b;
    if (g->cd[a] > g->cd[b])
        return a;
    if (g->cd[b] > g->cd[a])
        return b;
    return unif(g) < 0.5 ? a : b;
}

/* out[i] = base[i]^expo as exp(expo ln base), four at a time with
 * vmath.h. The operators' powers were a tenth of a suggestion's time as
 * libm pow calls; this is within a few ulp of pow (the rounding of expo ln
 * base, scaled by it, dominates), which the operators' random draws do not
 * notice. base >= 0 (0 gives 0 for expo > 0). */
HEBO_BODY void pow_batch_body(const double *base, double expo, size_t count, double *out)
{
    hebo_v4 e = HEBO_V4_SET1(expo);
    size_t i = 0;
    for (; i + 4 <= count; i += 4) {
        hebo_v4 b = HEBO_V4_LOAD(base + i), l, t;
        hebo_v4_log(&l, &b);
        l = l * e;
        hebo_v4_exp(&t, &l);
        HEBO_V4_STORE(out + i, t);
    }
    if (i < count) { /* the tail through the same code, padded with 1 */
        hebo_v4 b = HEBO_V4_SET1(1.0), l, t;
        for (size_t k = 0; i + k < count; k++)
            b[k] = base[i + k];
        hebo_v4_log(&l, &b);
        l = l * e;
        hebo_v4_exp(&t, &l);
        for (size_t k = 0; i + k < count; k++)
            out[i + k] = t[k];
    }
}

HEBO_CLONES(pow_batch, (const double *base, double expo, size_t count, double *out), (base, expo,
            count, out))
static void pow_batch(const double *base, double expo, size_t count, double *out)
{
    if (HEBO_HAVE_AVX2())
        pow_batch_avx2(base, expo, count, out);
    else
        pow_batch_base(base, expo, count, out);
}

/* Bounded SBX on the variables of one group (integers or reals), pymoo's
 * arithmetic. The random draws come first, in pymoo's order (they do not
 * depend on the powers); the powers of all crossed variables follow in two
 * batches: beta^-(eta + 1) for both children's spread factors, then the
 * (eta + 1)-th root of whichever side r falls on. */
static void sbx(ga *g, double *c1, double *c2, int int_group)
{
    const hebo_nsga2_problem *pb = g->pb;
    double eta = g->cfg->sbx_eta;
    size_t nc = 0; /* crossed variables; entries 2k and 2k + 1 belong to the k-th */
    for (size_t v = 0; v < pb->n_var; v++) {
        int is_int = pb->is_int && pb->is_int[v];
        if (is_int != int_group || (pb->is_choice && pb->is_choice[v]))
            continue;
        int cross = unif(g) <= g->cfg->sbx_var_prob;
        if (!cross || fabs(c1[v] - c2[v]) <= 1e-14)
            continue;
        double y1 = min_d(c1[v], c2[v]), y2 = max_d(c1[v], c2[v]);
        double delta = max_d(y2 - y1, 1e-10);
        double r = unif(g);
        g->pw_var[nc] = v;
        g->pw_base[2 * nc] = 1.0 + 2.0 * (y1 - g->lo_w[v]) / delta;
        g->pw_base[2 * nc + 1] = 1.0 + 2.0 * (g->hi_w[v] - y2) / delta;
        g->pw_r[nc] = r;
        g->pw_flag[nc] = unif(g) <= 0.5; /* swap the children */
        nc++;
    }
    if (nc == 0)
        return;
    double *p = g->pw_out, *base = g->pw_base;
    pow_batch(base, -(eta + 1.0), 2 * nc, p);
    for (size_t k = 0; k < 2 * nc; k++) {
        double r = g->pw_r[k / 2], alpha = 2.0 - p[k];
        base[k] = r <= 1.0 / alpha ? r * alpha : 1.0 / (2.0 - r * alpha);
    }
    pow_batch(base, 1.0 / (eta + 1.0), 2 * nc, p); /* betaq of each child */
    for (size_t k = 0; k < nc; k++) {
        size_t v = g->pw_var[k];
        double y1 = min_d(c1[v], c2[v]), y2 = max_d(c1[v], c2[v]);
        double xl = g->lo_w[v], xu = g->hi_w[v];
        double delta = max_d(y2 - y1, 1e-10);
        double o1 = 0.5 * ((y1 + y2) - p[2 * k] * delta);
        double o2 = 0.5 * ((y1 + y2) + p[2 * k + 1] * delta);
        if (g->pw_flag[k]) {
            double t = o1;
            o1 = o2;
            o2 = t;
        }
        c1[v] = min_d(max_d(o1, xl), xu);
        c2[v] = min_d(max_d(o2, xl), xu);
    }
}

/* Uniform crossover of the choice variables: swap each with probability 0.5. */
static void choice_crossover(ga *g, double *c1, double *c2)
{
    const hebo_nsga2_problem *pb = g->pb;
    for (size_t v = 0; v < pb->n_var; v++)
        if (pb->is_choice[v] && unif(g) < 0.5) {
            double t = c1[v];
            c1[v] = c2[v];
            c2[v] = t;
        }
}

/* pymoo's polynomial mutation: the draws first, then the two powers of
 * every mutated variable in two batches (as in sbx). */
static void mutate(ga *g, double *c)
{
    const hebo_nsga2_problem *pb = g->pb;
    double eta = g->cfg->pm_eta, p = 1.0 / (double)pb->n_var, mut_pow = 1.0 / (eta + 1.0);
    size_t nm = 0;
    for (size_t v = 0; v < pb->n_var; v++) {
        if (!(unif(g) < p))
            continue;
        double xl = g->lo_w[v], xu = g->hi_w[v];
        if (!(xu > xl))
            continue;
        if (pb->is_choice && pb->is_choice[v]) { /* a new choice, any of them */
            c[v] = pb->lb[v] + (double)below(g, (uint64_t)(pb->ub[v] - pb->lb[v]) + 1);
            continue;
        }
        double r = unif(g);
        g->pw_var[nm] = v;
        g->pw_r[nm] = r;
        /* 1 - d1 or 1 - d2, in [0, 1]: x lies within [xl, xu] */
        g->pw_base[nm] = r <= 0.5 ? 1.0 - (c[v] - xl) / (xu - xl) : 1.0 - (xu - c[v]) / (xu - xl);
        nm++;
    }
    if (nm == 0)
        return;
    double *q = g->pw_out, *base = g->pw_base;
    pow_batch(base, eta + 1.0, nm, q);
    for (size_t k = 0; k < nm; k++) {
        double r = g->pw_r[k];
        base[k] = r <= 0.5 ? 2.0 * r + (1.0 - 2.0 * r) * q[k]
                           : 2.0 * (1.0 - r) + 2.0 * (r - 0.5) * q[k];
    }
    pow_batch(base, mut_pow, nm, q);
    for (size_t k = 0; k < nm; k++) {
        size_t v = g->pw_var[k];
        double xl = g->lo_w[v], xu = g->hi_w[v], x = c[v];
        double dq = g->pw_r[k] <= 0.5 ? q[k] - 1.0 : 1.0 - q[k];
        c[v] = min_d(max_d(x + dq * (xu - xl), xl), xu);
    }
}

static void round_ints(ga *g, double *c)
{
    const hebo_nsga2_problem *pb = g->pb;
    if (!pb->is_int)
        return;
    for (size_t v = 0; v < pb->n_var; v++)
        if (pb->is_int[v])
            c[v] = fmin(fmax(rint(c[v]), pb->lb[v]), pb->ub[v]); /* half to even */
}

/* pymoo's duplicate test, Euclidean distance <= 1e-16. Any one coordinate
 * further apart than that already fails it, which rejects almost every pair
 * after one comparison. */
static int same_point(const double *a, const double *b, size_t n)
{
    double d2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = a[i] - b[i];
        if (fabs(d) > 1e-16)
            return 0;
        d2 += d * d;
    }
    return sqrt(d2) <= 1e-16;
}

/* Does @p c duplicate one of the first @p rows rows? same_point on every
 * row; the first variables, side by side in g->x0, rule out four rows at a
 * time first (a duplicate needs them within 1e-16). */
HEBO_BODY int any_duplicate_body(const double *x, const double *x0, const double *c, size_t rows,
                                 size_t nv)
{
    hebo_v4 c0 = HEBO_V4_SET1(c[0]), tol = HEBO_V4_SET1(1e-16);
    size_t i = 0;
    for (; i + 4 <= rows; i += 4) {
        hebo_v4 d = HEBO_V4_LOAD(x0 + i) - c0;
        nds_mask near = (nds_mask)(d <= tol) & (nds_mask)(d >= -tol);
        if (near[0] | near[1] | near[2] | near[3])
            for (size_t t = 0; t < 4; t++)
                if (near[t] && same_point(c, x + (i + t) * nv, nv))
                    return 1;
    }
    for (; i < rows; i++)
        if (same_point(c, x + i * nv, nv))
            return 1;
    return 0;
}

HEBO_CLONES_INT(any_duplicate, (const double *x, const double *x0, const double *c, size_t rows,
            size_t nv), (x, x0, c, rows, nv))
static int any_duplicate(const ga *g, const double *c, size_t rows)
{
    size_t nv = g->pb->n_var;
    return HEBO_HAVE_AVX2() ? any_duplicate_avx2(g->x, g->x0, c, rows, nv)
                            : any_duplicate_base(g->x, g->x0, c, rows, nv);
}

/* Offspring into rows [n, n + made) of g->x; returns how many were made. */
static size_t make_offspring(ga *g, size_t wanted, size_t *perm)
{
    const hebo_nsga2_problem *pb = g->pb;
    size_t nv = pb->n_var, n = g->n, made = 0;
    double *child = g->sx; /* two children of scratch */
    for (size_t i = 0; i < n; i++)
        g->x0[i] = g->x[i * nv];
    for (int attempt = 0; attempt < 100 && made < wanted; attempt++) {
        size_t n_matings = (wanted - made + 1) / 2;
        size_t need = 4 * n_matings, have = 0;
        while (have < need) { /* concatenated random permutations */
            for (size_t i = 0; i < n; i++)
                perm[have + i] = i;
            for (size_t i = n; i-- > 1;) {
                size_t j = (size_t)below(g, i + 1);
                size_t t = perm[have + i];
                perm[have + i] = perm[have + j];
                perm[have + j] = t;
            }
            have += n;
        }
        for (size_t mt = 0; mt < n_matings; mt++) {
            size_t p1 = tournament(g, perm[4 * mt], perm[4 * mt + 1]);
            size_t p2 = tournament(g, perm[4 * mt + 2], perm[4 * mt + 3]);
            double *c1 = child, *c2 = child + nv;
            memcpy(c1, g->x + p1 * nv, nv * sizeof(double));
            memcpy(c2, g->x + p2 * nv, nv * sizeof(double));
            for (int group = 0; group < 2; group++)
                if (unif(g) < g->cfg->sbx_prob)
                    sbx(g, c1, c2, group);
            if (pb->is_choice && unif(g) < g->cfg->sbx_prob)
                choice_crossover(g, c1, c2);
            for (int k = 0; k < 2; k++) {
                double *c = k ? c2 : c1;
                mutate(g, c);
                round_ints(g, c);
                if (made >= wanted)
                    break;
                if (!any_duplicate(g, c, n + made)) {
                    memcpy(g->x + (n + made) * nv, c, nv * sizeof(double));
                    g->x0[n + made] = c[0];
                    made++;
                }
            }
        }
    }
    return made;
}

int hebo_nsga2_run(const dnnr_host *host, const hebo_nsga2_config *cfg,
                   const hebo_nsga2_problem *pb, const double *init, size_t n_init, dnnr_rng *rng,
                   double **front_x, size_t *n_front)
{
    size_t N = cfg->pop_size, nv = pb->n_var, no = pb->n_obj, M = 2 * N;
    if (n_init > N)
        n_init = N;
    *front_x = NULL;
    *n_front = 0;
    size_t doubles = M * nv * 2 + M * no * 2 + M * 3 + 2 * nv + 6 * nv;
    size_t sizes = M * 4 + 4 * M + 2 * nv;
    size_t ints = 2 * M;
    size_t bytes = doubles * sizeof(double) + sizes * sizeof(size_t) + ints * sizeof(int) +
                   HEBO_NDS_WORK(M) + 2 * nv + 64;
    unsigned char *block = host->alloc(host->ctx, bytes, 1);
    if (!block)
        return DNNR_ENOMEM;
    ga g = {.cfg = cfg, .pb = pb, .rng = rng};
    double *d = (double *)(void *)block;
    g.x = d; d += M * nv;
    g.sx = d; d += M * nv;
    g.f = d; d += M * no;
    g.sf = d; d += M * no;
    g.cd = d; d += M;
    g.scd = d; d += M;
    g.lo_w = d; d += nv;
    g.hi_w = d; d += nv;
    g.x0 = d; d += M;
    g.pw_base = d; d += 2 * nv;
    g.pw_out = d; d += 2 * nv;
    g.pw_r = d; d += 2 * nv;
    size_t *z = (size_t *)(void *)d;
    g.idx = z; z += M;
    g.order = z; z += M;
    g.cwork = z; z += 2 * M;
    size_t *perm = z; z += 4 * M;
    g.pw_var = z; z += 2 * nv;
    int *ip = (int *)(void *)z;
    g.rank = ip; ip += M;
    g.srank = ip; ip += M;
    g.nds_work = (unsigned char *)(void *)ip;
    g.pw_flag = g.nds_work + HEBO_NDS_WORK(M);

    for (size_t v = 0; v < nv; v++) {
        int is_int = pb->is_int && pb->is_int[v];
        /* integers: operate on [lb - 0.5, ub + 0.5] so every value gets a fair share */
        g.lo_w[v] = is_int ? pb->lb[v] - 0.5 + 1e-16 : pb->lb[v];
        g.hi_w[v] = is_int ? pb->ub[v] + 0.5 - 1e-16 : pb->ub[v];
    }
    ga_open(&g);
    memcpy(g.x, init, n_init * nv * sizeof(double));
    pb->eval(pb->ctx, g.x, n_init, g.f);
    survive(&g, n_init, n_init);
    for (size_t gen = 1; gen < cfg->n_gen; gen++) {
        size_t made = make_offspring(&g, N, perm);
        if (made == 0)
            break;
        pb->eval(pb->ctx, g.x + g.n * nv, made, g.f + g.n * no);
        survive(&g, g.n + made, N);
    }
    ga_close(&g);
    size_t count = 0;
    for (size_t i = 0; i < g.n; i++)
        count += g.rank[i] == 0;
    double *out = host->alloc(host->ctx, count ? count * nv : 1, sizeof(double));
    if (!out) {
        host->free(host->ctx, block);
        return DNNR_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < g.n; i++)
        if (g.rank[i] == 0)
            memcpy(out + (k++) * nv, g.x + i * nv, nv * sizeof(double));
    host->free(host->ctx, block);
    *front_x = out;
    *n_front = count;
    return DNNR_OK;
}
