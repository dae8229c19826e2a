/* Reports built from trials.jsonl alone: summary.csv (one row per cell) and
 * report.md, so `dnnrepair report DIR` reproduces them byte for byte. */
#ifndef DNNR_REPORT_REPORT_H
#define DNNR_REPORT_REPORT_H

#include "registry/registry.h"
#include "util/error.h"

/**
 * Write summary.csv, report.md and the figures (plots/) into dir from
 * dir/trials.jsonl. Metric plugins come from reg (NULL: none): those the
 * experiment named, or every metric plugin found.
 */
int dnnr__report_write(const char *dir, const dnnr_registry *reg, dnnr_error *err);

#endif
