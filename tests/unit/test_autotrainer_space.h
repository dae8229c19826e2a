/* A D1-like space for the autotrainer tests: three layers (act/ki/bi 1..3,
 * the third is the output), optimizer, lr, batch_size, epochs ("1", "2", "10"). */
#ifndef TEST_AUTOTRAINER_SPACE_H
#define TEST_AUTOTRAINER_SPACE_H

#include <dnnrepair/dnnrepair.h>

#include "test_d1_choices.h"

static const dnnr_param params[] = {
    CAT("act1", acts), CAT("act2", acts), CAT("act3", acts), CAT("ki1", inits),
    CAT("ki2", inits), CAT("ki3", inits), CAT("bi1", inits), CAT("bi2", inits),
    CAT("bi3", inits), CAT("optimizer", opts), CAT("batch_size", batches),
    {sizeof(dnnr_param), "lr", DNNR_PARAM_FLOAT, 0, 1e-6, 10, 0, NULL, {0}},
    CAT("epochs", epochs),
};
enum { A1, A2, A3, K1, K2, K3, B1, B2, B3, OPT, BS, LR, EP, NP };
static const dnnr_param *const pp[NP] = {&params[0], &params[1], &params[2],  &params[3],
                                         &params[4], &params[5], &params[6],  &params[7],
                                         &params[8], &params[9], &params[10], &params[11],
                                         &params[12]};
static const dnnr_space space = {sizeof(dnnr_space), NP, pp};

#endif
