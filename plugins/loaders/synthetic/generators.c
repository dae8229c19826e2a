/* The list of generators: one line per gen_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "synthetic.h"

extern const synthetic_generator synthetic_gen_d1;
extern const synthetic_generator synthetic_gen_d2;
extern const synthetic_generator synthetic_gen_d3;
extern const synthetic_generator synthetic_gen_d6;
extern const synthetic_generator synthetic_gen_d7;
extern const synthetic_generator synthetic_gen_d8;
extern const synthetic_generator synthetic_gen_random_binary;

static const synthetic_generator *const generators[] = {
    &synthetic_gen_d1,
    &synthetic_gen_d2,
    &synthetic_gen_d3,
    &synthetic_gen_d6,
    &synthetic_gen_d7,
    &synthetic_gen_d8,
    &synthetic_gen_random_binary,
};

#define N_GENERATORS (sizeof generators / sizeof generators[0])

const synthetic_generator *synthetic_find(const char *name)
{
    for (size_t i = 0; name && i < N_GENERATORS; i++)
        if (strcmp(generators[i]->name, name) == 0)
            return generators[i];
    return NULL;
}

void synthetic_list_names(char *buf, size_t len)
{
    size_t used = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < N_GENERATORS && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s\"%s\"", i ? ", " : "", generators[i]->name);
        if (n < 0)
            return;
        used += (size_t)n;
    }
}
