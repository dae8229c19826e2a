/* HEBO's output warping (SEARCHERS.md A.4): y / std, then Box-Cox (all y > 0)
 * or Yeo-Johnson with a maximum-likelihood lambda, standardised; fallbacks
 * to Yeo-Johnson and then to the raw y. The acquisition works in the
 * transformed units; the transform is never inverted. */
#ifndef HEBO_POWER_H
#define HEBO_POWER_H

#include <stddef.h>

typedef enum hebo_power_kind {
    HEBO_POWER_RAW = 0,       /**< fallback: y unchanged */
    HEBO_POWER_BOXCOX = 1,
    HEBO_POWER_YEOJOHNSON = 2,
} hebo_power_kind;

/** ML lambda of Box-Cox for @p x (all > 0), scipy boxcox_normmax('mle'); @p work: n doubles. */
double hebo_boxcox_lambda(const double *x, size_t n, double *work);
/** ML lambda of Yeo-Johnson, sklearn's _yeo_johnson_optimize; @p work: n doubles. */
double hebo_yeojohnson_lambda(const double *x, size_t n, double *work);

double hebo_boxcox(double x, double lambda);
double hebo_yeojohnson(double x, double lambda);

/**
 * The whole A.4 procedure on @p y into @p out. @p work holds 2 n doubles.
 * Returns the transform used; @p lambda_out (may be NULL) receives its
 * lambda (NAN for RAW).
 */
hebo_power_kind hebo_power_transform(const double *y, size_t n, double *out, double *work,
                                     double *lambda_out);

#endif
