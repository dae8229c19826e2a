/* Kumaraswamy input warping (GPy KumarWarping), one (a, b) pair per GP input
 * column. The identity warp is a = b = 1. */
#ifndef HEBO_WARP_H
#define HEBO_WARP_H

/** Padding GPy puts around a column's range so ln u and ln(1 - u^a) stay finite. */
#define HEBO_WARP_EPS 1e-6

/**
 * w = 1 - (1 - u^a)^b with u = (x - lo) / (hi - lo); lo and hi already carry
 * the padding. @p dwa and @p dwb (may be NULL) receive dw/da and dw/db.
 */
double hebo_kumaraswamy(double x, double a, double b, double lo, double hi, double *dwa,
                        double *dwb);

#endif
