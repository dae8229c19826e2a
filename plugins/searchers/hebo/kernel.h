/* The paper-HEBO kernel on warped inputs w:
 *   k(w, w') = lin_var <w, w'> + mat_var (1 + sqrt3 r) exp(-sqrt3 r),
 *   r^2 = sum_j (w_j - w'_j)^2 / ls_j^2,
 * a shared-variance Linear kernel plus an ARD Matern-3/2, with Gaussian noise
 * on the diagonal of the training matrix. */
#ifndef HEBO_KERNEL_H
#define HEBO_KERNEL_H

#include <stddef.h>

/* Layout of the constrained hyperparameter vector theta (3 + 3D entries). */
#define HEBO_TH_LIN 0
#define HEBO_TH_MAT 1
#define HEBO_TH_NOISE 2
#define HEBO_TH_LS(j) (3 + (j))
#define HEBO_TH_A(D, j) (3 + (D) + (j))
#define HEBO_TH_B(D, j) (3 + 2 * (D) + (j))
#define HEBO_N_THETA(D) (3 + 3 * (D))

/** Matern-3/2 ARD value between @p x and @p y (no linear part). */
double hebo_matern32(const double *x, const double *y, const double *ls, size_t dims,
                     double variance);

/**
 * Training matrix K = k(w, w) + noise I (n x n, full) from warped inputs
 * @p w (n x D). @p e receives exp(-sqrt3 r_ik), which the gradient reuses;
 * @p wt (n x D doubles) receives w transposed.
 */
void hebo_kernel_matrix(const double *w, size_t n, size_t dims, const double *theta, double *k,
                        double *e, double *wt);

/** k(w*, w_i) for i < n, without noise. */
void hebo_kernel_cross(const double *wstar, const double *w, size_t n, size_t dims,
                       const double *theta, double *out);

/**
 * As hebo_kernel_cross, bit for bit, with the training inputs transposed
 * (@p wt is D x n): the pairs then sit side by side in memory and the
 * per-pair sums vectorise across pairs without changing their order.
 */
void hebo_kernel_cross_t(const double *wstar, const double *wt, size_t n, size_t dims,
                         const double *theta, double *out);

/**
 * k(w_i, w*_p) for the @p n rows of @p w (n x D) against @p m points given
 * transposed, @p wst (D x m): out[i * m + p]. Each value is bit-identical to
 * what hebo_kernel_cross_t gives for that point; here the points lie side
 * by side, so a whole batch of predictions shares each training row.
 */
void hebo_kernel_cross_block(const double *w, size_t n, size_t dims, const double *wst, size_t m,
                             const double *theta, double *out);

/** k(w*, w*) without noise. */
double hebo_kernel_diag(const double *wstar, size_t dims, const double *theta);

/**
 * Gradient of 0.5 tr(G dK/d.) with G = alpha alpha^T - K^-1 (symmetric,
 * n x n; destroyed): the derivative of the log marginal likelihood.
 * @p g_theta receives the lin, mat, noise and lengthscale entries (3 + D);
 * @p g_w (n x D) the derivative with respect to each warped input. @p k and
 * @p e come from hebo_kernel_matrix; @p work holds 2 n D + n doubles.
 */
void hebo_kernel_grad(const double *w, size_t n, size_t dims, const double *theta,
                      const double *k, const double *e, double *g, double *g_theta, double *g_w,
                      double *work);

#endif
