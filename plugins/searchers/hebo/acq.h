/* MACE, HEBO's multi-objective acquisition ensemble (SEARCHERS.md A.6). */
#ifndef HEBO_ACQ_H
#define HEBO_ACQ_H

#include <stddef.h>

/**
 * The LCB weight kappa = sqrt(2 upsilon ((2 + d/2) ln t + ln(3 pi^2 / (3 delta))))
 * with t = max(1, floor(n_obs / q)): GP-UCB's schedule as HEBO writes it.
 */
double hebo_kappa(size_t n_obs, size_t q, size_t d, double upsilon, double delta);

/**
 * The three minimised objectives at one point: LCB, -ln EI, -ln PI.
 * @p mu and @p sigma are the posterior mean and std (transformed-y units),
 * @p tau = mu at the best observed point, @p nu = sqrt(2 noise), @p xi1 and
 * @p xi2 two independent standard normal draws (the noise injection).
 */
void hebo_mace(double mu, double sigma, double tau, double kappa, double eps, double nu,
               double xi1, double xi2, double out[3]);

#endif
