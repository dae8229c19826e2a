/* autotrainer: the default operator order per problem (§5.2), and the
 * paper's Table III order as an option.
 *
 * Every step is (operator, tries); each try is one retraining unless the
 * operator is not applicable. Sufferance and the memory limit remove nothing
 * at their defaults and are not implemented.
 */
#include "at.h"

#define S(op, n) {AT_OP_##op, n}

typedef struct at_list {
    uint32_t n;
    at_step steps[10];
} at_list;

/* [strategy][problem] */
static const at_list lists[4][AT_N_PROBLEMS] = {
    [AT_BALANCE] =
        {
            [AT_VG] = {3, {S(SELU, 1), S(RELU, 1), S(BN, 1)}},
            [AT_EG] = {5, {S(SELU, 1), S(RELU, 1), S(GRADIENT, 2), S(TANH, 1), S(BN, 1)}},
            [AT_DR] = {4, {S(SELU, 1), S(BN, 1), S(INITIAL, 3), S(LEAKY, 3)}},
            [AT_OL] = {7,
                       {S(ADAM, 1), S(LR, 3), S(REDUCELR, 1), S(BATCH, 4), S(MOMENTUM, 3),
                        S(GN, 1), S(INITIAL, 3)}},
            [AT_SC] = {3, {S(OPTIMIZER, 3), S(LR, 3), S(INITIAL, 3)}},
        },
    [AT_STRUCTURE] =
        {
            [AT_VG] = {3, {S(RELU, 1), S(SELU, 1), S(BN, 1)}},
            [AT_EG] = {5, {S(GRADIENT, 2), S(RELU, 1), S(SELU, 1), S(TANH, 1), S(BN, 1)}},
            [AT_DR] = {4, {S(SELU, 1), S(INITIAL, 3), S(LEAKY, 3), S(BN, 1)}},
            [AT_OL] = {7,
                       {S(ADAM, 1), S(LR, 3), S(REDUCELR, 1), S(BATCH, 4), S(MOMENTUM, 3),
                        S(GN, 1), S(INITIAL, 3)}},
            [AT_SC] = {3, {S(OPTIMIZER, 3), S(LR, 3), S(INITIAL, 3)}},
        },
    [AT_EFFICIENCY] =
        {
            [AT_VG] = {3, {S(RELU, 1), S(SELU, 1), S(BN, 1)}},
            [AT_EG] = {5, {S(RELU, 1), S(SELU, 1), S(TANH, 1), S(GRADIENT, 2), S(BN, 1)}},
            [AT_DR] = {4, {S(SELU, 1), S(INITIAL, 3), S(LEAKY, 3), S(BN, 1)}},
            [AT_OL] = {7,
                       {S(ADAM, 1), S(LR, 3), S(REDUCELR, 1), S(BATCH, 4), S(MOMENTUM, 3),
                        S(GN, 1), S(INITIAL, 3)}},
            [AT_SC] = {3, {S(OPTIMIZER, 3), S(LR, 3), S(INITIAL, 3)}},
        },
    /* Table III: VG S2,S1; EG S2,S1,S3; DR S2,S1,S4; SC S7,S6,S4; OL S7,S6,S5,S4.
     * S2 = activation substitution (selu, relu; leaky for DR), S7 for OL =
     * Adam or momentum SGD, S5 = batch size. */
    [AT_PAPER_ORDER] =
        {
            [AT_VG] = {3, {S(SELU, 1), S(RELU, 1), S(BN, 1)}},
            [AT_EG] = {4, {S(SELU, 1), S(RELU, 1), S(BN, 1), S(GRADIENT, 2)}},
            [AT_DR] = {4, {S(SELU, 1), S(LEAKY, 3), S(BN, 1), S(INITIAL, 3)}},
            [AT_OL] = {5, {S(ADAM, 1), S(MOMENTUM, 3), S(LR, 3), S(BATCH, 4), S(INITIAL, 3)}},
            [AT_SC] = {3, {S(OPTIMIZER, 3), S(LR, 3), S(INITIAL, 3)}},
        },
};

uint32_t at_order(at_strategy s, at_problem p, at_step *out)
{
    if ((unsigned)s > AT_PAPER_ORDER || p <= AT_NONE || p >= AT_N_PROBLEMS)
        return 0;
    const at_list *l = &lists[s][p];
    for (uint32_t i = 0; i < l->n; i++)
        out[i] = l->steps[i];
    return l->n;
}

/* The extension (option eg_lr_steps, README "Exploding gradients at too
 * large a step"): after the original EG operators, lower the learning rate
 * tenfold per try. Appended, so every original attempt comes first and a
 * run with eg_lr_steps = 0 is the original's. */
uint32_t at_order_extended(at_strategy s, at_problem p, uint32_t eg_lr_steps, at_step *out)
{
    uint32_t n = at_order(s, p, out);
    if (p == AT_EG && eg_lr_steps > 0 && n > 0)
        out[n++] = (at_step){AT_OP_LR_DOWN, eg_lr_steps};
    return n;
}
