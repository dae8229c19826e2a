/* Reports built from trials.jsonl alone: summary.csv (one row per cell) and
 * report.md, so `dnnrepair report DIR` reproduces them byte for byte. */
#ifndef DNNR_REPORT_REPORT_H
#define DNNR_REPORT_REPORT_H

#include "util/error.h"

/** Write summary.csv and report.md into dir from dir/trials.jsonl. */
int dnnr__report_write(const char *dir, dnnr_error *err);

#endif
