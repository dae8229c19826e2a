#include "design.h"

#include <math.h>

#include "warp.h"

int hebo_design_init(hebo_design *ds, const dnnr_host *host, const dnnr_space *space)
{
    size_t d = space->n_params;
    *ds = (hebo_design){.d = d, .space = space};
    size_t gp_dims = 0;
    for (size_t i = 0; i < d; i++) {
        const dnnr_param *p = space->params[i];
        gp_dims += p->kind == DNNR_PARAM_CATEGORICAL ? (p->n_choices ? p->n_choices : 1) : 1;
    }
    ds->gp_dims = gp_dims;
    size_t nd = d ? d : 1, ng = gp_dims ? gp_dims : 1;
    ds->kind = host->alloc(host->ctx, nd, sizeof *ds->kind);
    ds->lb = host->alloc(host->ctx, 2 * nd, sizeof *ds->lb);
    ds->discrete = host->alloc(host->ctx, 2 * nd, 1);
    ds->gp_col = host->alloc(host->ctx, nd, sizeof *ds->gp_col);
    ds->gp_lo = host->alloc(host->ctx, 2 * ng, sizeof *ds->gp_lo);
    if (!ds->kind || !ds->lb || !ds->discrete || !ds->gp_col || !ds->gp_lo) {
        hebo_design_free(ds, host);
        return DNNR_ENOMEM;
    }
    ds->ub = ds->lb + nd;
    ds->is_categorical = ds->discrete + nd;
    ds->gp_hi = ds->gp_lo + ng;
    size_t col = 0;
    for (size_t i = 0; i < d; i++) {
        const dnnr_param *p = space->params[i];
        ds->gp_col[i] = col;
        if (p->kind == DNNR_PARAM_CATEGORICAL) {
            ds->kind[i] = HEBO_COL_CAT;
            ds->lb[i] = 0.0;
            ds->ub[i] = p->n_choices ? (double)(p->n_choices - 1) : 0.0;
            ds->discrete[i] = 1;
            ds->is_categorical[i] = 1;
            size_t k = p->n_choices ? p->n_choices : 1;
            for (size_t c = 0; c < k; c++, col++) {
                ds->gp_lo[col] = 0.0 - HEBO_WARP_EPS;
                ds->gp_hi[col] = 1.0 + HEBO_WARP_EPS;
            }
            continue;
        }
        int log_scale = p->log && p->lo > 0.0;
        if (p->kind == DNNR_PARAM_INTEGER)
            ds->kind[i] = log_scale ? HEBO_COL_POW_INT : HEBO_COL_INT;
        else
            ds->kind[i] = log_scale ? HEBO_COL_POW : HEBO_COL_NUM;
        ds->lb[i] = log_scale ? log10(p->lo) : p->lo;
        ds->ub[i] = log_scale ? log10(p->hi) : p->hi;
        ds->discrete[i] = ds->kind[i] == HEBO_COL_INT;
        ds->gp_lo[col] = -1.0 - HEBO_WARP_EPS;
        ds->gp_hi[col] = 1.0 + HEBO_WARP_EPS;
        col++;
    }
    return DNNR_OK;
}

void hebo_design_free(hebo_design *ds, const dnnr_host *host)
{
    host->free(host->ctx, ds->kind);
    host->free(host->ctx, ds->lb);
    host->free(host->ctx, ds->discrete);
    host->free(host->ctx, ds->gp_col);
    host->free(host->ctx, ds->gp_lo);
    *ds = (hebo_design){0};
}

void hebo_design_encode(const hebo_design *ds, const dnnr_value *cfg, double *opt)
{
    for (size_t i = 0; i < ds->d; i++) {
        switch (ds->kind[i]) {
        case HEBO_COL_NUM: opt[i] = cfg[i].f; break;
        case HEBO_COL_POW: opt[i] = log10(cfg[i].f); break;
        case HEBO_COL_INT:
        case HEBO_COL_CAT: opt[i] = (double)cfg[i].i; break;
        case HEBO_COL_POW_INT: opt[i] = log10((double)cfg[i].i); break;
        }
    }
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

void hebo_design_decode(const hebo_design *ds, const double *opt, dnnr_value *cfg)
{
    for (size_t i = 0; i < ds->d; i++) {
        const dnnr_param *p = ds->space->params[i];
        double v = clampd(opt[i], ds->lb[i], ds->ub[i]);
        switch (ds->kind[i]) {
        case HEBO_COL_NUM: cfg[i].f = v; break;
        case HEBO_COL_POW: cfg[i].f = clampd(pow(10.0, v), p->lo, p->hi); break;
        case HEBO_COL_INT: cfg[i].i = (int64_t)clampd(rint(v), p->lo, p->hi); break;
        case HEBO_COL_POW_INT: cfg[i].i = (int64_t)clampd(rint(pow(10.0, v)), p->lo, p->hi); break;
        case HEBO_COL_CAT: cfg[i].i = (int64_t)rint(v); break;
        }
    }
}

void hebo_design_gp_input(const hebo_design *ds, const double *opt, double *gpx)
{
    for (size_t i = 0; i < ds->d; i++) {
        size_t col = ds->gp_col[i];
        double lb = ds->lb[i], ub = ds->ub[i];
        if (ds->kind[i] == HEBO_COL_CAT) {
            size_t k = (size_t)ub + 1;
            size_t at = (size_t)clampd(rint(opt[i]), lb, ub);
            for (size_t c = 0; c < k; c++)
                gpx[col + c] = c == at ? 1.0 : 0.0;
        } else {
            gpx[col] = ub > lb ? 2.0 * (opt[i] - lb) / (ub - lb) - 1.0 : 0.0;
        }
    }
}

void hebo_design_from_unit(const hebo_design *ds, const double *u, double *opt)
{
    for (size_t i = 0; i < ds->d; i++) {
        double v = ds->lb[i] + u[i] * (ds->ub[i] - ds->lb[i]);
        opt[i] = ds->discrete[i] ? rint(v) : v;
    }
}

int hebo_config_equal(const hebo_design *ds, const dnnr_value *a, const dnnr_value *b)
{
    for (size_t i = 0; i < ds->d; i++) {
        int is_float = ds->kind[i] == HEBO_COL_NUM || ds->kind[i] == HEBO_COL_POW;
        if (is_float ? a[i].f != b[i].f : a[i].i != b[i].i)
            return 0;
    }
    return 1;
}
