/* The analytic test functions themselves: plain C math with no host and no
 * state, so unit tests check them directly at their known minima.
 *
 * All are minimised. Domains, optima and argmins are those of the
 * optimisation literature (Surjanovic & Bingham's Virtual Library of
 * Simulation Experiments; Dixon & Szegö for Hartmann); catalog.c turns them
 * into subjects (space, start configuration, f*). */
#ifndef DNNR_TESTFUNCTIONS_FUNCTIONS_H
#define DNNR_TESTFUNCTIONS_FUNCTIONS_H

#include <stddef.h>
#include <stdint.h>

/** Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]; f* = 5/(4 pi) = 0.397887. */
double tf_branin(const double x[2]);

/**
 * Branin with a low-fidelity distortion (BoTorch's AugmentedBranin): the
 * x1^2 coefficient b becomes b - 0.1 * distortion. distortion = 0 gives
 * tf_branin exactly; distortion = 1 moves the minima (x2 shifts by up to
 * 0.1 * x1^2) while keeping the landscape's shape, so cheap evaluations rank
 * configurations roughly, not exactly, right.
 */
double tf_branin_distorted(const double x[2], double distortion);

/** Hartmann-6 on [0, 1]^6; f* = -3.32237. */
double tf_hartmann6(const double x[6]);

/** Hartmann-3 on [0, 1]^3; f* = -3.86278. */
double tf_hartmann3(const double x[3]);

/** Rosenbrock on [-5, 10]^d, d >= 2; f* = 0 at (1, ..., 1). */
double tf_rosenbrock(const double *x, size_t d);

/** Ackley (a = 20, b = 0.2, c = 2 pi) on [-32.768, 32.768]^d; f* = 0 at 0. */
double tf_ackley(const double *x, size_t d);

/** The choices of tf_mixed's categorical parameter, in index order. */
#define TF_MIXED_N_KINDS 3
extern const char *const tf_mixed_kinds[TF_MIXED_N_KINDS];

/**
 * A mixed categorical + integer + float + log-float function designed for
 * this project, with an exactly known minimum:
 *
 *   f = offset[kind] + (x - shift[kind])^2 + 0.1 (n - 7)^2 + (log10(lr) + 3)^2
 *
 *   kind in {a, b, c}: offset = (1, 0, 0.5), shift = (-2, 1.5, 3)
 *   n    integer in [1, 20]
 *   x    float in [-5, 5]
 *   lr   float in [1e-5, 1e-1], log-scaled
 *
 * Every term is >= 0 and each is 0 only at kind = b, x = 1.5, n = 7,
 * lr = 1e-3, so f* = 0 there. The categorical both adds an offset and moves
 * the best x, so a searcher cannot optimise x without finding the right kind;
 * lr rewards searching on a log scale (its optimum sits in the lowest 2.5 %
 * of the linear range).
 */
double tf_mixed(int64_t kind, int64_t n, double x, double lr);

/*
 * The multifidelity schedule. At budget b in [min, max] the multifidelity
 * subject observes
 *
 *   tf_branin_distorted(x, distortion(b)) + fidelity_noise * noise_scale(b) * Z
 *
 * with Z ~ N(0, 1). Both factors are 1 at the minimum budget and exactly 0 at
 * the maximum budget, so the full-budget value is Branin itself; in between
 * the bias shrinks like 1/sqrt(b) and the noise like 1/b, the shapes learning
 * curves usually have.
 */

/** (sqrt(max/b) - 1) / (sqrt(max/min) - 1). Requires 0 < min < max, b in [min, max]. */
double tf_fidelity_distortion(double budget, double min_budget, double max_budget);

/** (min/b - min/max) / (1 - min/max). Requires 0 < min < max, b in [min, max]. */
double tf_fidelity_noise_scale(double budget, double min_budget, double max_budget);

#endif
