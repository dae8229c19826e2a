/* NSGA-II as pymoo 0.4/0.5 runs it for HEBO (SEARCHERS.md A.7): binary
 * tournaments on domination then crowding, bounded SBX and polynomial
 * mutation (integer columns on widened bounds, then rounded), duplicate
 * elimination, rank-and-crowding survival. */
#ifndef HEBO_NSGA2_H
#define HEBO_NSGA2_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

#define HEBO_ALIGN8(b) (((b) + 7u) & ~(size_t)7u)
/** Bytes of work hebo_nondominated_rank needs for n points. */
#define HEBO_NDS_WORK(n) (HEBO_ALIGN8((n) * (n)) + (n) * sizeof(int))

/** Objectives of @p m points @p x (m x n_var) into @p f (m x n_obj), all minimised. */
typedef void (*hebo_nsga2_eval)(void *ctx, const double *x, size_t m, double *f);

typedef struct hebo_nsga2_config {
    size_t pop_size;     /**< 100 */
    size_t n_gen;        /**< 100; the initial population counts as generation 1 */
    double sbx_eta;      /**< 15 */
    double sbx_prob;     /**< 0.9 per mating */
    double sbx_var_prob; /**< 0.5 per variable */
    double pm_eta;       /**< 20; per-variable probability 1 / n_var */
} hebo_nsga2_config;

void hebo_nsga2_config_default(hebo_nsga2_config *cfg);

typedef struct hebo_nsga2_problem {
    size_t n_var, n_obj;
    const double *lb, *ub;
    const unsigned char *is_int; /**< per variable; NULL = all real */
    /**
     * Per variable, may be NULL: nonzero marks an unordered choice, crossed by
     * uniform crossover and mutated by a random choice (pymoo >= 0.6's
     * mixed-variable mating) instead of SBX and PM on its index.
     */
    const unsigned char *is_choice;
    hebo_nsga2_eval eval;
    void *ctx;
} hebo_nsga2_problem;

/**
 * Run from @p n_init initial points (at most pop_size; rounded already).
 * On success *front_x (n_front x n_var) holds the final rank-0 set, allocated
 * with host->alloc. Returns 0 or DNNR_ENOMEM.
 */
int hebo_nsga2_run(const dnnr_host *host, const hebo_nsga2_config *cfg,
                   const hebo_nsga2_problem *pb, const double *init, size_t n_init, dnnr_rng *rng,
                   double **front_x, size_t *n_front);

/**
 * Non-dominated sorting: rank[i] = index of the front of point i (0 best).
 * @p work holds HEBO_NDS_WORK(n) bytes.
 */
void hebo_nondominated_rank(const double *f, size_t n, size_t n_obj, int *rank,
                            unsigned char *work);

/**
 * pymoo's crowding distance of the @p m points f[idx[0..m)] (one front),
 * into @p cd: boundary points +inf, fronts of <= 2 points all +inf,
 * duplicates of an earlier point 0. @p work holds 2 m entries.
 */
void hebo_crowding(const double *f, const size_t *idx, size_t m, size_t n_obj, double *cd,
                   size_t *work);

#endif
