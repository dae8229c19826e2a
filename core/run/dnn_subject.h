/* Data-set subjects: what subject_rt needs to train networks. Internal to
 * core/run. */
#ifndef DNNR_RUN_DNN_SUBJECT_H
#define DNNR_RUN_DNN_SUBJECT_H

#include "registry/registry.h"
#include "run/subject_rt.h"

/** Load the data, split it, parse and check the template, pick the backend. */
int dnnr__dnn_open(dnnr_subject_rt *rt, const dnnr_registry *reg, const char *backend,
                   dnnr_error *err);
void dnnr__dnn_close(dnnr_subject_rt *rt);
/** Train one configuration in this (worker) process. */
void dnnr__dnn_execute(const dnnr_trial_job *job, dnnr_outcome *out);
/**
 * The best usable backend plugin: each one's probe() runs in a child process
 * (a CUDA probe must not initialise CUDA in the orchestrator, which forks).
 */
const dnnr_plugin *dnnr__backend_choose(const dnnr_registry *reg, const char *name, dnnr_error *err);

#endif
