/* HEBO's design space (SEARCHERS.md A.2) over a dnnr_space: each parameter's
 * optimisation-space column (where Sobol, the GA and the GP work) and the GP
 * input block built from it (numeric scaled to [-1, 1], categorical one-hot). */
#ifndef HEBO_DESIGN_H
#define HEBO_DESIGN_H

#include <stddef.h>

#include <dnnrepair/dnnrepair.h>

typedef enum hebo_col_kind {
    HEBO_COL_NUM = 0,     /**< float, identity */
    HEBO_COL_POW = 1,     /**< log-scaled float, log10 */
    HEBO_COL_INT = 2,     /**< integer, discrete in opt space */
    HEBO_COL_POW_INT = 3, /**< log-scaled integer: continuous log10, rounded at decode */
    HEBO_COL_CAT = 4,     /**< categorical index, discrete; one-hot in the GP */
} hebo_col_kind;

typedef struct hebo_design {
    size_t d;       /**< parameters = opt-space columns */
    size_t gp_dims; /**< GP input width (numeric + sum of choices) */
    hebo_col_kind *kind;
    double *lb, *ub;          /**< opt-space bounds */
    unsigned char *discrete;  /**< opt-space column is integer-valued */
    unsigned char *is_categorical; /**< the column is a categorical's index */
    size_t *gp_col;           /**< first GP column of each parameter */
    double *gp_lo, *gp_hi;    /**< warping range of each GP column, padding included */
    const dnnr_space *space;
} hebo_design;

int hebo_design_init(hebo_design *ds, const dnnr_host *host, const dnnr_space *space);
void hebo_design_free(hebo_design *ds, const dnnr_host *host);

/** Configuration -> opt-space row. */
void hebo_design_encode(const hebo_design *ds, const dnnr_value *cfg, double *opt);
/** Opt-space row -> valid configuration (rounding, clamping). */
void hebo_design_decode(const hebo_design *ds, const double *opt, dnnr_value *cfg);
/** Opt-space row -> GP input row (gp_dims entries). */
void hebo_design_gp_input(const hebo_design *ds, const double *opt, double *gpx);
/** Unit-cube point -> opt-space row, discrete columns rounded. */
void hebo_design_from_unit(const hebo_design *ds, const double *u, double *opt);
/** Nonzero when the two configurations are equal value by value. */
int hebo_config_equal(const hebo_design *ds, const dnnr_value *a, const dnnr_value *b);

#endif
