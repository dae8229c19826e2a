/* Training indicators: gradients of the probe batch, inspected on the host. */
#include <math.h>
#include <string.h>

#include "engine/indicators.h"
#include "engine/loss.h"

int dnnr__indicators_measure(dnnr__net *net, const dnnr__probe *pb, dnnr_epoch_record *rec,
                             double *layer_arrays, dnnr_error *err)
{
    int64_t k = dnnr__net_outputs(net);
    int rc = dnnr__net_forward(net, pb->n, pb->x, 0, 0, err);
    rc = rc ? rc : dnnr__net_output(net, pb->n, pb->fused, pb->out, err);
    if (rc)
        return rc;
    dnnr__loss_batch(pb->loss, pb->fused, pb->out, pb->y, pb->n, k, pb->y_dim, pb->grad);
    rc = dnnr__net_backward(net, pb->n, pb->grad, pb->fused, 0, err);
    if (rc)
        return rc;
    uint32_t n_layers = dnnr__net_n_weighted_layers(net);
    double *gnorm = layer_arrays, *wnorm = layer_arrays + n_layers,
           *zshare = layer_arrays + 2 * n_layers;
    memset(layer_arrays, 0, 3 * sizeof(double) * n_layers);
    double zeros = 0, entries = 0;
    int first_seen = 0;
    float *buf = dnnr__net_scratch(net);
    /* the optimiser's clipvalue applies to these gradients too (section 2) */
    const double clip = dnnr__net_spec(net)->clipvalue;
    rec->grad_nonfinite = rec->weight_nonfinite = rec->large_weight = 0;
    for (uint32_t i = 0; i < dnnr__net_n_params(net); i++) {
        dnnr__param *p = dnnr__net_param(net, i);
        size_t bytes = sizeof(float) * (size_t)p->count;
        /* weights first: the regulariser's gradient needs them */
        rc = dnnr__device_download(dnnr__net_device(net), buf, p->w, 0, bytes, err);
        if (rc)
            return rc;
        double wsq = 0;
        for (int64_t j = 0; j < p->count; j++) {
            if (!isfinite(buf[j]))
                rec->weight_nonfinite = 1;
            if (fabsf(buf[j]) > 5)
                rec->large_weight = 1;
            wsq += (double)buf[j] * buf[j];
        }
        if (!p->trainable)
            continue;
        double l1 = (p->reg == DNNR_REG_L1 || p->reg == DNNR_REG_L1_L2) ? 0.01 : 0;
        double l2 = (p->reg == DNNR_REG_L2 || p->reg == DNNR_REG_L1_L2) ? 0.01 : 0;
        /* the regulariser's gradient, as a per-entry addend computed from w */
        double gsq = 0, z = 0;
        for (int64_t j = 0; j < p->count; j += 4096) {
            int64_t len = p->count - j < 4096 ? p->count - j : 4096;
            float g[4096];
            rc = dnnr__device_download(dnnr__net_device(net), g, p->g, sizeof(float) * (size_t)j,
                                       sizeof(float) * (size_t)len, err);
            if (rc)
                return rc;
            for (int64_t q = 0; q < len; q++) {
                double w = buf[j + q];
                double gv = g[q] + l1 * (double)((w > 0) - (w < 0)) + 2 * l2 * w;
                if (clip > 0)
                    gv = gv < -clip ? -clip : (gv > clip ? clip : gv);
                if (!isfinite(gv))
                    rec->grad_nonfinite = 1;
                if (gv == 0)
                    z++;
                gsq += gv * gv;
            }
        }
        zeros += z;
        entries += (double)p->count;
        if (p->is_kernel) {
            double norm = sqrt(gsq);
            if (!first_seen) {
                rec->grad_norm_first = norm;
                first_seen = 1;
            }
            rec->grad_norm_last = norm;
            gnorm[p->layer] = norm;
            wnorm[p->layer] = sqrt(wsq);
            zshare[p->layer] = z / (double)p->count;
        }
    }
    rec->zero_grad_fraction = entries > 0 ? zeros / entries : 0;
    rec->n_layers = n_layers;
    rec->layer_grad_norm = gnorm;
    rec->layer_weight_norm = wnorm;
    rec->layer_zero_fraction = zshare;
    rec->checked = 1;
    return DNNR_OK;
}
