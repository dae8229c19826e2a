/* Progress on stderr: a live status line on a terminal, plain lines (one per
 * finished run) otherwise, so logs stay readable. */
#include <math.h>
#include <stdio.h>

#include "run/run_state.h"

void dnnr__progress_run_done(const orchestrator *o, const run_state *run)
{
    FILE *f = o->opt->progress;
    if (!f)
        return;
    const dnnr_subject *s = run->rt->subject;
    double best = s->maximise ? -run->best_objective : run->best_objective;
    if (o->opt->progress_live)
        fputs("\r\033[K", f);
    fprintf(f, "[%zu/%zu] %s x %s x %g x r%lld: %llu trials (%llu failed), best %s %.6g",
            o->runs_done, o->n_runs, run->key.subject, run->key.searcher, run->key.budget,
            (long long)run->key.repeat, (unsigned long long)run->finished_trials,
            (unsigned long long)run->failed_trials, s->metric_name, best);
    if (isfinite(s->optimum) && isfinite(best))
        fprintf(f, " (regret %.4g)", fabs(best - s->optimum));
    fputc('\n', f);
    fflush(f);
}

void dnnr__progress_update(const orchestrator *o)
{
    FILE *f = o->opt->progress;
    if (!f || !o->opt->progress_live)
        return;
    size_t busy = 0;
    for (size_t w = 0; w < o->n_workers; w++)
        busy += o->workers[w].pid > 0;
    fprintf(f, "\r\033[K%zu/%zu runs done, %llu trials, %zu running", o->runs_done, o->n_runs,
            (unsigned long long)o->trials_total, busy);
    fflush(f);
}

void dnnr__progress_end(const orchestrator *o)
{
    FILE *f = o->opt->progress;
    if (!f)
        return;
    if (o->opt->progress_live)
        fputs("\r\033[K", f);
    fprintf(f, "%zu/%zu runs done, %llu trials\n", o->runs_done, o->n_runs,
            (unsigned long long)o->trials_total);
}
