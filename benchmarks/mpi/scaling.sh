#!/usr/bin/env bash
# Scaling of `mpirun -np N dnnrepair run` on a trial-heavy analytic
# experiment: for N = 1, 2, ... ranks the wall time of the whole command
# (MPI start-up included) and the span of its trials (first dispatch to last
# result journaled: the steady state a long study lives in), trials per
# second of span, the speedup of the span over N = 1 and the efficiency
# speedup / N.
#
# usage: benchmarks/mpi/scaling.sh BUILD_DIR [N ...]      (default N: 1 2)
# env:   DELAY_MS   seconds of work per trial, in ms, for the "work" experiment
#                   (the slow_branin test fixture sleeps that long; default 20)
#        WORKERS    trials at once per training rank (default 2)
#        REPEAT     runs per point; the fastest counts (default 3: a shared
#                   machine's noise only ever slows a run down)
#
# Two experiments: "instant" (testfunctions: an evaluation takes
# microseconds, so the time is rank 0's per-trial cost: searcher ask/tell,
# fork, journal fsync, messages) and "work" (DELAY_MS per trial, the
# training a rank would do). N = 1 is one process (mpirun starts no MPI
# session for one rank); from N = 2 on, rank 0 orchestrates and N - 1 ranks
# train, so the ideal speedup of N ranks over one is N - 1 times the
# training slots, and "per trainer" reports speedup / (N - 1).
set -euo pipefail
build=$(cd "$1" && pwd)
shift
ranks=("$@")
[ ${#ranks[@]} -gt 0 ] || ranks=(1 2)
source=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/bin/dnnrepair
fixtures=$build/test-plugins/good
delay=${DELAY_MS:-20}
workers=${WORKERS:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

a=$source/configs/subjects/analytic
cat > "$tmp/instant.cfg" <<CFG
name = "mpi-instant";
seed = 3;
subjects = ["$a/branin.cfg", "$a/hartmann6.cfg", "$a/rosenbrock4.cfg", "$a/ackley5.cfg", "$a/mixed.cfg"];
searchers = ( "random" );
budgets = [100];
repeats = 4;
workers = $workers;
CFG
cat > "$tmp/slow.cfg" <<CFG
id = "slow";
task = "analytic";
metric = { name = "value"; direction = "min"; };
dataset = { loader = "slow_branin"; delay_ms = $delay.0; };
CFG
cat > "$tmp/work.cfg" <<CFG
name = "mpi-work";
seed = 3;
subjects = ["$tmp/slow.cfg"];
searchers = ( "random" );
budgets = [100];
repeats = 4;
workers = $workers;
plugin_paths = ["$fixtures"];
CFG

now() { date +%s.%N; }
# First dispatch to last journaled result, from the journal's timestamps.
span() {
  awk '/"trial":/ {
    match($0, /"started":[0-9.e+]+/); s = substr($0, RSTART + 10, RLENGTH - 10) + 0
    match($0, /"finished":[0-9.e+]+/); f = substr($0, RSTART + 11, RLENGTH - 11) + 0
    if (first == "" || s < first) first = s
    if (f > last) last = f
  } END { printf "%.3f", last - first }' "$1"
}
printf '%-8s %3s %8s %8s %9s %8s %10s %12s\n' experiment N wall span trials/s speedup efficiency per-trainer
for exp in instant work; do
  base=""
  for n in "${ranks[@]}"; do
    secs="" spans=""
    for r in $(seq 1 "${REPEAT:-3}"); do
      out=$tmp/$exp-$n-$r
      t0=$(now)
      mpirun --oversubscribe --bind-to none -np "$n" "$bin" run "$tmp/$exp.cfg" --out "$out" \
        > "$tmp/log" 2>&1 || { cat "$tmp/log"; exit 1; }
      t1=$(now)
      trials=$(grep -c '"trial":' "$out/trials.jsonl")
      secs=$(awk -v a="$t0" -v b="$t1" -v s="$secs" \
        'BEGIN { d = b - a; printf "%.3f", (s == "" || d < s) ? d : s }')
      spans=$(awk -v d="$(span "$out/trials.jsonl")" -v s="$spans" \
        'BEGIN { printf "%.3f", (s == "" || d < s) ? d : s }')
      rm -rf "$out"
    done
    [ -n "$base" ] || base=$spans
    awk -v e="$exp" -v n="$n" -v w="$secs" -v s="$spans" -v t="$trials" -v b="$base" 'BEGIN {
      sp = b / s; tr = n > 1 ? n - 1 : 1;
      printf "%-8s %3d %8.2f %8.2f %9.1f %8.2f %9.0f%% %11.0f%%\n", e, n, w, s, t / s, sp,
             100 * sp / n, 100 * sp / tr }'
  done
done
