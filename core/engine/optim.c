/* Optimiser step coefficients and constants, TF 2.3 Keras defaults:
 * RMSprop rho 0.9; Adadelta rho 0.95; Adam/Adamax/Nadam beta1 0.9, beta2
 * 0.999; epsilon 1e-7 everywhere; Adagrad's accumulator starts at 0.1
 * (set by the engine when it creates the state). */
#include <math.h>
#include <string.h>

#include "engine/keras.h"
#include "engine/optim.h"

void dnnr__optim_clock_init(dnnr__optim_clock *c)
{
    c->step = 0;
    c->nadam_m_cache = 1.0;
}

void dnnr__optim_describe(dnnr_optimizer opt, dnnr_op_desc *d)
{
    d->algorithm = (uint32_t)opt;
    d->epsilon = (float)DNNR_KERAS_EPSILON;
    d->alpha = d->beta = 0;
    switch (opt) {
    case DNNR_UPDATE_RMSPROP:
        d->alpha = 0.9f;
        break;
    case DNNR_UPDATE_ADADELTA:
        d->alpha = 0.95f;
        break;
    case DNNR_UPDATE_ADAM:
    case DNNR_UPDATE_ADAMAX:
    case DNNR_UPDATE_NADAM:
        d->alpha = 0.9f;
        d->beta = 0.999f;
        break;
    default:
        break;
    }
}

void dnnr__optim_next(dnnr__optim_clock *c, dnnr_optimizer opt, double lr, dnnr_run_args *a)
{
    c->step++;
    double t = (double)c->step;
    memset(a, 0, sizeof *a);
    a->struct_size = sizeof *a;
    const double b1 = 0.9, b2 = 0.999;
    switch (opt) {
    case DNNR_UPDATE_ADAM: /* the bias correction folded into lr_t, as TF's kernel does */
        lr = lr * sqrt(1 - pow(b2, t)) / (1 - pow(b1, t));
        break;
    case DNNR_UPDATE_ADAMAX:
        lr = lr / (1 - pow(b1, t));
        break;
    case DNNR_UPDATE_NADAM: {
        /* Keras' schedule_decay 0.004 becomes OptimizerV2's `decay`, which
         * Nadam uses only in its momentum schedule: its _prepare_local does
         * not decay the learning rate. */
        const double decay = 0.004;
        double mu_t = b1 * (1 - 0.5 * pow(0.96, decay * t));
        double mu_t1 = b1 * (1 - 0.5 * pow(0.96, decay * (t + 1)));
        double m_new = c->nadam_m_cache * mu_t, m_next = m_new * mu_t1;
        c->nadam_m_cache = m_new;
        a->scalar[1] = 1 - m_new;
        a->scalar[2] = 1 - m_next;
        a->scalar[3] = 1 - pow(b2, t);
        a->scalar[4] = mu_t;
        a->scalar[5] = mu_t1;
        break;
    }
    default:
        break;
    }
    a->scalar[0] = lr;
}
