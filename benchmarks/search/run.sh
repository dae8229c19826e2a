#!/bin/sh
# Search benchmark: hebo, random (bench_search, in process) and Optuna's TPE
# (tpe.py) on Branin, Hartmann6, Rosenbrock-4, Ackley-5 and the mixed
# function, 10 seeds x 100 evaluations each (hebo also with HEBO's own fit,
# as hebo_paper), plus hebo's suggest time at 20 dimensions and 100
# observations; then the RESULTS.md table.
#
#   run.sh <bench_search binary> <results dir> [parallel jobs, default 1]
#
# Each job is one single-threaded process (one function x one searcher).
set -eu
BIN=$1
OUT=$2
JOBS=${3:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
SEEDS=${SEEDS:-10}
# HEBO's own fit: every model from scratch, scipy's stopping rule
PAPER='fit_warm_start = false; fit_ftol = 2.220446049250313e-9;'
EVALS=${EVALS:-100}
mkdir -p "$OUT"
{
    for f in branin hartmann6 rosenbrock ackley mixed; do
        printf '%s\n' "$BIN regret hebo $f 0 $SEEDS $EVALS > $OUT/hebo-$f.jsonl"
        printf '%s\n' "$BIN regret hebo $f 0 $SEEDS $EVALS '$PAPER' | sed 's/\"hebo\"/\"hebo_paper\"/' > $OUT/hebo_paper-$f.jsonl"
        printf '%s\n' "$BIN regret random $f 0 $SEEDS $EVALS > $OUT/random-$f.jsonl"
        printf '%s\n' "/usr/bin/python3 $HERE/tpe.py $f $SEEDS $EVALS > $OUT/tpe-$f.jsonl"
    done
    printf '%s\n' "$BIN suggest-time-run 20 100 5 '' > $OUT/suggest-run-default.jsonl"
    printf '%s\n' "$BIN suggest-time-run 20 100 3 '$PAPER' > $OUT/suggest-run-paper.jsonl"
    printf '%s\n' "$BIN suggest-time 20 100 5 '' > $OUT/suggest-cold-default.jsonl"
} | xargs -d '\n' -P "$JOBS" -I CMD sh -c CMD
/usr/bin/python3 "$HERE/summarize.py" "$OUT"
