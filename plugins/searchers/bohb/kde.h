/* A product-kernel density estimate, reproducing statsmodels'
 * KDEMultivariate with bw = 'normal_reference', as BOHB uses it
 * (SEARCHERS.md B.5):
 *  - continuous columns: a Gaussian kernel, not truncated to [0, 1];
 *  - unordered (categorical) columns: the Aitchison-Aitken kernel, whose
 *    level count L is the number of distinct values *observed* in the
 *    column, not the number of categories;
 *  - bandwidth h_j = 1.06 * population std_j * n^(-1/(4+d)), categorical
 *    columns included, never capped at 1, then floored at min_bandwidth.
 * The quirks (pdf = +inf when L = 1, negative kernels when h > 1) are kept
 * because BOHB's acquisition depends on them. */
#ifndef DNNR_BOHB_KDE_H
#define DNNR_BOHB_KDE_H

#include <stddef.h>
#include <stdint.h>

#include <dnnrepair/host.h>

typedef struct bohb_kde {
    size_t n, d;
    double *data;          /**< n x d rows, row-major (owned) */
    double *bandwidth;     /**< d entries, after the floor (owned) */
    uint32_t *levels;      /**< d entries: distinct observed values (categorical columns) */
    const uint8_t *is_cat; /**< d flags, borrowed from the caller */
} bohb_kde;

/** The normal-reference rule for one column (before any floor). */
double bohb_kde_normal_reference(const double *data, size_t n, size_t d, size_t column);

/**
 * Fit on @p n rows of @p d columns (copied). @p is_cat must outlive the KDE.
 * Bandwidths below @p min_bandwidth are raised to it (0 keeps statsmodels'
 * raw values). Memory comes from @p host->alloc.
 * Returns 0, or -1 when out of memory (the KDE is then empty).
 */
int bohb_kde_fit(bohb_kde *kde, const double *data, size_t n, size_t d, const uint8_t *is_cat,
                 double min_bandwidth, const dnnr_host *host);

/** Release what bohb_kde_fit allocated; a zeroed KDE is a no-op. */
void bohb_kde_free(bohb_kde *kde, const dnnr_host *host);

/** The density at @p x (d entries), as statsmodels' KDEMultivariate.pdf. */
double bohb_kde_pdf(const bohb_kde *kde, const double *x);

#endif
