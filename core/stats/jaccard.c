/* The Asymmetric Jaccard of repair operators (STATISTICS.md 3.6): which
 * kinds of change (activation, learning rate, initialiser, ...) the patch
 * shares with the ground-truth fix. Extra operators in the patch cost
 * nothing: AJ = |GT & P| / |GT|. */
#include <string.h>

#include "stats/stats.h"

/* The study's order matters: a name maps to the first operator it contains. */
static const struct {
    const char *part;
    unsigned op;
} operator_names[] = {
    {"act", DNNR_OP_ACT},       {"batch_size", DNNR_OP_BATCH_SIZE},
    {"epochs", DNNR_OP_EPOCHS}, {"loss", DNNR_OP_LOSS},
    {"lr", DNNR_OP_LR},         {"optimizer", DNNR_OP_OPTIMIZER},
    {"ki", DNNR_OP_KI},         {"kr", DNNR_OP_KR},
};

unsigned dnnr__operator_of_name(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < sizeof operator_names / sizeof operator_names[0]; i++)
        if (strstr(name, operator_names[i].part))
            return operator_names[i].op;
    return 0;
}

unsigned dnnr__operators_changed(const dnnr_space *space, const dnnr_value *a, const dnnr_value *b)
{
    unsigned ops = 0;
    for (uint32_t i = 0; i < space->n_params; i++) {
        const dnnr_param *p = space->params[i];
        if (!dnnr__param_value_equal(p, a[i], b[i]))
            ops |= dnnr__operator_of_name(p->name);
    }
    return ops;
}

static unsigned count_bits(unsigned x)
{
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

double dnnr__asymmetric_jaccard(unsigned gt, unsigned patch)
{
    if (gt == 0)
        return 0.0; /* the fault lies outside the search space */
    return (double)count_bits(gt & patch) / (double)count_bits(gt);
}

double dnnr__patch_jaccard(const dnnr_space *space, const dnnr_value *faulty, const dnnr_value *fix,
                           const dnnr_value *patch, dnnr_aj_rule rule)
{
    const unsigned gt = dnnr__operators_changed(space, faulty, fix);
    /* The notebook compares the patch with the fix, not with the faulty
     * model: a patch that left a faulty lr alone still "contains" lr. */
    const dnnr_value *reference = rule == DNNR_AJ_STUDY ? fix : faulty;
    return dnnr__asymmetric_jaccard(gt, dnnr__operators_changed(space, reference, patch));
}
