/* Patch minimisation: delta debugging (Zeller's ddmin) over the changes a
 * patch makes to the faulty configuration, and the statistical oracle that
 * judges each candidate against the full patch. Both are pure: no I/O, no
 * clock, no randomness, so the orchestrator can replay them from journaled
 * results (--resume) and reach the same candidates in the same order. The
 * ROLE_MINIMISE run that drives them lives in core/run/minimise_run.c; the
 * README beside this header explains the criterion. */
#ifndef DNNR_MINIMISE_MINIMISE_H
#define DNNR_MINIMISE_MINIMISE_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/status.h>

/* ---- ddmin (ddmin.c) ------------------------------------------------------ */

/**
 * Zeller's ddmin as a state machine over a set of n changes, numbered
 * 0..n-1. A subset is an array of n flags (1 = the change is kept). The
 * whole set is known to pass (it is the patch); ddmin looks for a
 * 1-minimal passing subset: removing any single change of it fails.
 *
 * Each round splits the current set into g chunks (g = 2 at first) and
 * tests, complement first, the set without chunk i for every i, then (for
 * g > 2) each chunk alone. A passing complement becomes the current set
 * with g - 1 chunks (at least 2), a passing chunk the current set with 2;
 * when nothing passes, g doubles up to the set's size, and at g = size
 * without a pass the set is 1-minimal. A set of one change is followed by
 * the empty set (the faulty configuration itself), so "everything is
 * removable" is found too. Subsets already judged are never asked again:
 * their verdict is reused.
 */
typedef struct dnnr_ddmin dnnr_ddmin;

/** A machine over n changes (n may be 0: it is done at once). */
int dnnr__ddmin_create(uint32_t n, dnnr_ddmin **out);
void dnnr__ddmin_destroy(dnnr_ddmin *d);

/**
 * The next subset to judge. DNNR_OK with *subset (n flags, owned by the
 * machine, valid until the next verdict) and *size (changes kept);
 * DNNR_EDONE when the current set is 1-minimal. Asking again before a
 * verdict returns the same subset.
 */
int dnnr__ddmin_next(dnnr_ddmin *d, const uint8_t **subset, uint32_t *size);
/** The verdict on the subset dnnr__ddmin_next returned: nonzero = it passes. */
void dnnr__ddmin_verdict(dnnr_ddmin *d, int passes);
/** The smallest passing subset so far (the whole set at first): n flags. */
const uint8_t *dnnr__ddmin_current(const dnnr_ddmin *d, uint32_t *size);
/** Distinct subsets judged so far (each judged once). */
uint32_t dnnr__ddmin_tests(const dnnr_ddmin *d);
/** Changes the machine was created with. */
uint32_t dnnr__ddmin_changes(const dnnr_ddmin *d);

/* ---- the oracle (ranksum.c) ---------------------------------------------- */

/** Which way the one-sided test looks. */
typedef enum dnnr_ranksum_alternative {
    DNNR_RANKSUM_LESS = 0,    /**< H1: x tends to be smaller than y */
    DNNR_RANKSUM_GREATER = 1, /**< H1: x tends to be larger than y */
} dnnr_ranksum_alternative;

typedef struct dnnr_ranksum {
    double u1;  /**< Mann-Whitney U of x: R1 - n1(n1+1)/2 (scipy's statistic) */
    double z;   /**< normal approximation's z; NaN when the exact method ran */
    double p;   /**< one-sided p-value */
    int exact;  /**< the exact null distribution was used */
    int ties;   /**< some values of the pooled sample are equal */
} dnnr_ranksum;

/**
 * One-sided Mann-Whitney U (Wilcoxon rank-sum) test of two independent
 * samples, as scipy.stats.mannwhitneyu(x, y, alternative=...) with its
 * defaults (scipy >= 1.7: method "auto", use_continuity=True): the exact
 * distribution of U when either sample has at most 8 values and no value
 * is repeated, else the normal approximation with the tie-corrected
 * variance and a continuity correction of 0.5. Infinite values are ranked
 * (a failed training scored as the worst value); NaN is refused. A pooled
 * sample whose values are all equal gives p = 1.
 * @return DNNR_OK; DNNR_EINVAL for an empty sample or a NaN; DNNR_ENOMEM.
 */
int dnnr__ranksum_test(const double *x, size_t nx, const double *y, size_t ny,
                       dnnr_ranksum_alternative alternative, dnnr_ranksum *out);

/**
 * The minimisation oracle: does a candidate keep the full patch's quality?
 * The candidate's R retrainings are compared with the patch's R retrainings
 * by the one-sided rank-sum test above, H1 being "the candidate is worse" in
 * the metric's direction; the candidate passes unless p < alpha. A value
 * that is not finite (a failed training) counts as the worst possible one.
 * @param p_out OUT, may be NULL: the test's p (1 when it could not run)
 * @return nonzero when the candidate passes
 */
int dnnr__minimise_accept(const double *candidate, size_t nc, const double *patch, size_t np,
                          int maximise, double alpha, double *p_out);

/**
 * Is a sample significantly better than the faulty model's references?
 * The same one-sided rank-sum test, H1 "better" in the metric's direction,
 * p < alpha; non-finite values count as the worst. What the report uses to
 * say whether a patch (before or after minimisation) is still a repair.
 */
int dnnr__minimise_better(const double *sample, size_t n, const double *faulty, size_t nf,
                          int maximise, double alpha, double *p_out);

#endif
