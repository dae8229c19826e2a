/* A libconfig setting as JSON, so subject metadata (e.g. the paper's
 * numbers) travels into trials.jsonl and reports need nothing else. */
#ifndef DNNR_CONFIG_CFG_JSON_H
#define DNNR_CONFIG_CFG_JSON_H

#include <libconfig.h>

#include "util/buf.h"

/** Groups become objects, arrays and lists arrays, scalars JSON scalars. */
void dnnr__cfg_to_json(dnnr_buf *b, const config_setting_t *s);

#endif
