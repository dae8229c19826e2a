#!/bin/sh
# Search benchmark: hebo, random (bench_search, in process) and Optuna's TPE
# (tpe.py) on Branin, Hartmann6, Rosenbrock-4, Ackley-5 and the mixed
# function, 10 seeds x 100 evaluations each, plus hebo's suggest time at 20
# dimensions and 100 observations; then the RESULTS.md table.
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
EVALS=${EVALS:-100}
mkdir -p "$OUT"
{
    for f in branin hartmann6 rosenbrock ackley mixed; do
        printf '%s\n' "$BIN regret hebo $f 0 $SEEDS $EVALS > $OUT/hebo-$f.jsonl"
        printf '%s\n' "$BIN regret random $f 0 $SEEDS $EVALS > $OUT/random-$f.jsonl"
        printf '%s\n' "/usr/bin/python3 $HERE/tpe.py $f $SEEDS $EVALS > $OUT/tpe-$f.jsonl"
    done
    printf '%s\n' "$BIN suggest-time 20 100 5 '' > $OUT/suggest-default.jsonl"
    printf '%s\n' "$BIN suggest-time 20 100 5 'fit_restarts = 1;' > '$OUT/suggest-fit_restarts=1.jsonl'"
} | xargs -d '\n' -P "$JOBS" -I CMD sh -c CMD
/usr/bin/python3 "$HERE/summarize.py" "$OUT"
