#!/bin/sh
# The hebo part of run.sh spread over many cores: one single-threaded
# process per (function, seed), for a machine with more cores than this
# benchmark's 2-core development box. Output files merge with run.sh's.
#
#   run_parallel.sh <bench_search binary> <results dir> <jobs> [tag] [options]
set -eu
BIN=$1
OUT=$2
JOBS=$3
TAG=${4:-hebo}
OPTS=${5:-}
SEEDS=${SEEDS:-10}
EVALS=${EVALS:-100}
mkdir -p "$OUT/parts"
for f in ${FUNCTIONS:-branin hartmann6 rosenbrock ackley mixed}; do
    s=0
    while [ "$s" -lt "$SEEDS" ]; do
        printf '%s\n' "$f $s"
        s=$((s + 1))
    done
done | BIN=$BIN OUT=$OUT TAG=$TAG OPTS=$OPTS EVALS=$EVALS xargs -P "$JOBS" -L 1 sh -c \
    '"$BIN" regret hebo "$0" 0 "$1-$(($1 + 1))" "$EVALS" "$OPTS" |
     sed "s/\"searcher\": \"hebo\"/\"searcher\": \"$TAG\"/" > "$OUT/parts/$TAG-$0-$1.jsonl"' 
cat "$OUT"/parts/"$TAG"-*.jsonl > "$OUT/$TAG-all.jsonl"
