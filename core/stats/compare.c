/* Whether two configurations hold "the same" value of a parameter, with the
 * study's casting rules (Complexity.ipynb, STATISTICS.md 3.5). The study
 * compared CSV cells: epochs/batch_size/unit/layer through int(), lr through
 * float(), everything else as text. Our values are typed, so text equality
 * becomes equality of the choice or of the number; the casts still matter
 * for a float-typed epochs (truncated) or a categorical lr ("1e-3" equals
 * "0.001"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats.h"

static int name_has(const char *name, const char *part)
{
    return name && strstr(name, part) != NULL;
}

/* A categorical choice read as a number, when the whole text is one. */
static int choice_number(const dnnr_param *p, dnnr_value v, double *out)
{
    if (v.i < 0 || (uint64_t)v.i >= p->n_choices || !p->choices || !p->choices[v.i])
        return 0;
    const char *text = p->choices[v.i];
    char *end;
    *out = strtod(text, &end);
    return end != text && *end == '\0';
}

/* The value as a double, for the int and float casts; 0 when it has none. */
static int as_number(const dnnr_param *p, dnnr_value v, double *out)
{
    switch (p->kind) {
    case DNNR_PARAM_INTEGER:
        *out = (double)v.i;
        return 1;
    case DNNR_PARAM_FLOAT:
        *out = v.f;
        return 1;
    case DNNR_PARAM_CATEGORICAL:
        return choice_number(p, v, out);
    }
    return 0;
}

static int same_as_typed(const dnnr_param *p, dnnr_value a, dnnr_value b)
{
    if (p->kind == DNNR_PARAM_FLOAT)
        return a.f == b.f;
    return a.i == b.i;
}

int dnnr__param_value_equal(const dnnr_param *p, dnnr_value a, dnnr_value b)
{
    const int int_cast = name_has(p->name, "epochs") || name_has(p->name, "batch_size") ||
                         name_has(p->name, "unit") || name_has(p->name, "layer");
    const int float_cast = !int_cast && name_has(p->name, "lr");
    double x, y;
    if ((int_cast || float_cast) && as_number(p, a, &x) && as_number(p, b, &y)) {
        if (int_cast) /* Python's int() truncates toward zero */
            return trunc(x) == trunc(y);
        return x == y;
    }
    return same_as_typed(p, a, b);
}

size_t dnnr__config_changed_count(const dnnr_space *space, const dnnr_value *a, const dnnr_value *b)
{
    size_t changed = 0;
    for (uint32_t i = 0; i < space->n_params; i++)
        changed += !dnnr__param_value_equal(space->params[i], a[i], b[i]);
    return changed;
}
