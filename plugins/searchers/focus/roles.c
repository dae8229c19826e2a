/* focus: parameter roles and their taxonomy priors.
 *
 * A role says what a parameter sets in the model. The host's lint gives it
 * (SDK 1.1 hints); without hints (analytic subjects, a 1.0 host) it is
 * inferred from the parameter's name, following the benchmark's naming
 * (act3, ki1, bi2, loss, optimizer, lr, batch_size, epochs, layer2, unit1).
 *
 * The priors rank roles by how often the DL fault taxonomy (Humbatova et
 * al., ICSE 2020) meets their faults: training faults (hyperparameters,
 * above all the learning rate, then loss and optimiser) before model faults
 * (activation, layers and units, weight initialisation). They are an
 * approximate ranking read off the taxonomy's ordering, not its counts;
 * README.md gives the table and every entry is an option (prior_<role>). */
#include <ctype.h>
#include <string.h>

#include "focus.h"

static const char *const role_names[FOCUS_N_ROLES] = {
    "activation", "kernel_initializer", "bias_initializer", "regularizer", "loss",
    "optimizer",  "lr",                 "batch_size",       "epochs",      "layers",
    "units",      "rate",               "shape",            "other",       "unused"};

const char *focus_role_name(focus_role r)
{
    return (unsigned)r < FOCUS_N_ROLES ? role_names[r] : "other";
}

focus_role focus_role_parse(const char *s)
{
    if (s)
        for (int r = 0; r < FOCUS_N_ROLES; r++)
            if (!strcmp(s, role_names[r]))
                return (focus_role)r;
    return FOCUS_ROLE_OTHER;
}

double focus_role_prior_default(focus_role r)
{
    switch (r) {
    case FOCUS_ROLE_LR:
        return 0.90;
    case FOCUS_ROLE_LOSS:
        return 0.80;
    case FOCUS_ROLE_EPOCHS:
        return 0.70;
    case FOCUS_ROLE_OPTIMIZER:
        return 0.65;
    case FOCUS_ROLE_BATCH_SIZE:
        return 0.60;
    case FOCUS_ROLE_ACTIVATION:
        return 0.60;
    case FOCUS_ROLE_LAYERS:
    case FOCUS_ROLE_UNITS:
        return 0.45;
    case FOCUS_ROLE_KERNEL_INIT:
        return 0.40;
    case FOCUS_ROLE_BIAS_INIT:
    case FOCUS_ROLE_REGULARIZER:
    case FOCUS_ROLE_RATE:
        return 0.25;
    case FOCUS_ROLE_SHAPE:
        return 0.20;
    case FOCUS_ROLE_OTHER:
        return 0.30;
    case FOCUS_ROLE_UNUSED:
    case FOCUS_N_ROLES:
        break;
    }
    return 0.0;
}

/* @p name starts with @p prefix and the rest is empty or digits (act3, ki1). */
static int stem(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(name, prefix, n) != 0)
        return 0;
    for (const char *c = name + n; *c; c++)
        if (!isdigit((unsigned char)*c) && *c != '_')
            return 0;
    return 1;
}

static int starts(const char *name, const char *prefix)
{
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

focus_role focus_role_from_name(const char *raw)
{
    char name[64];
    size_t i = 0;
    for (; raw && raw[i] && i + 1 < sizeof name; i++)
        name[i] = (char)tolower((unsigned char)raw[i]);
    name[i] = 0;
    if (starts(name, "kernel_size") || starts(name, "pool") || starts(name, "stride") ||
        starts(name, "padding") || stem(name, "ks"))
        return FOCUS_ROLE_SHAPE;
    if (starts(name, "act"))
        return FOCUS_ROLE_ACTIVATION;
    if (stem(name, "ki") || starts(name, "kernel_init") || starts(name, "kinit"))
        return FOCUS_ROLE_KERNEL_INIT;
    if (stem(name, "bi") || starts(name, "bias_init") || starts(name, "binit"))
        return FOCUS_ROLE_BIAS_INIT;
    if (strstr(name, "loss"))
        return FOCUS_ROLE_LOSS;
    if (stem(name, "optimizer") || stem(name, "optimiser") || stem(name, "opt"))
        return FOCUS_ROLE_OPTIMIZER;
    if (stem(name, "lr") || starts(name, "learning_rate"))
        return FOCUS_ROLE_LR;
    if (starts(name, "batch") || stem(name, "bs"))
        return FOCUS_ROLE_BATCH_SIZE;
    if (starts(name, "epoch"))
        return FOCUS_ROLE_EPOCHS;
    if (starts(name, "layer") || starts(name, "repeat") || starts(name, "n_layers"))
        return FOCUS_ROLE_LAYERS;
    if (starts(name, "unit") || starts(name, "neuron") || starts(name, "filters") ||
        starts(name, "width"))
        return FOCUS_ROLE_UNITS;
    if (starts(name, "dropout") || starts(name, "rate") || starts(name, "drop"))
        return FOCUS_ROLE_RATE;
    if (starts(name, "reg") || stem(name, "kr") || stem(name, "l1") || stem(name, "l2") ||
        starts(name, "weight_decay"))
        return FOCUS_ROLE_REGULARIZER;
    return FOCUS_ROLE_OTHER;
}
