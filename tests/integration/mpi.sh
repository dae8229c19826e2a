#!/usr/bin/env bash
# dnnrepair over Open MPI: `mpirun -np 3` gives the same results as one
# process with the same seed; killing a training rank mid-run loses no
# finished trial (with recovery enabled its trials in flight run again on the
# other rank and the run completes; without, the run resumes with --resume).
# usage: mpi.sh DNNREPAIR SOURCE_DIR FIXTURE_PLUGIN_DIR MPIEXEC
set -euo pipefail
bin=$1 source=$2 fixtures=$3 mpiexec=$4
tmp=$(mktemp -d)
mpirun_pid=""
cleanup() { if [ -n "$mpirun_pid" ]; then kill "$mpirun_pid" 2> /dev/null || true; fi; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
# CI runs as root; Open MPI refuses that unless told. MPI's own allocations
# are no leaks of ours.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Containers often forbid the cross-process reads Open MPI's shared-memory
# transport uses for large messages; copying through the buffers works anywhere.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpi() { "$mpiexec" --oversubscribe "$@"; }

# The trials of a journal without what timing changes, in a fixed order.
signature() {
  grep '"trial":' "$1" | sed -E 's/"(cost_seconds|started|finished|run_elapsed)":[^,]*,//g' | sort
}

# 1. Identical results. hello's choices depend on every result it is told,
#    workers = 3 keeps three trials of a run in flight, spread over ranks.
cat > "$tmp/same.cfg" <<CFG
name = "mpi-same";
seed = 11;
subjects = ["$source/configs/subjects/analytic/branin.cfg", "$source/configs/subjects/analytic/mixed.cfg"];
searchers = ( "random", "hello" );
budgets = [10];
repeats = 2;
workers = 3;
plugin_paths = ["$fixtures"];
CFG
"$bin" run "$tmp/same.cfg" --out "$tmp/one" 2> "$tmp/log1" || fail "single run: $(cat "$tmp/log1")"
timeout 120 "$mpiexec" --oversubscribe -np 3 "$bin" run "$tmp/same.cfg" --out "$tmp/three" \
  > "$tmp/log3" 2>&1 || fail "mpirun -np 3: $(cat "$tmp/log3")"
grep -q "8/8 runs done, 80 trials" "$tmp/log3" || fail "mpi progress: $(cat "$tmp/log3")"
grep -Eq "trials trained per rank: 1: [1-9][0-9]* 2: [1-9]" "$tmp/log3" \
  || fail "trials not spread over both ranks: $(cat "$tmp/log3")"
test "$(signature "$tmp/one/trials.jsonl" | wc -l)" -eq 80 || fail "single run trials"
diff <(signature "$tmp/one/trials.jsonl") <(signature "$tmp/three/trials.jsonl") > "$tmp/diff" \
  || fail "mpirun -np 3 differs from one process: $(head -c 2000 "$tmp/diff")"
test -s "$tmp/three/report.md" || fail "no report under MPI"

# 2. A training rank killed mid-run. Trials take 150 ms; rank 0 counts a
#    rank lost after 4 s of silence; Open MPI keeps the job alive only with
#    recovery enabled.
cat > "$tmp/slow.cfg" <<CFG
id = "slow";
task = "analytic";
metric = { name = "value"; direction = "min"; };
dataset = { loader = "slow_branin"; delay_ms = 150.0; };
CFG
cat > "$tmp/kill.cfg" <<CFG
name = "mpi-kill";
seed = 5;
subjects = ["$tmp/slow.cfg"];
searchers = ( "random", "hello" );
budgets = [16];
repeats = 2;
workers = 2;
plugin_paths = ["$fixtures"];
CFG
"$bin" run "$tmp/kill.cfg" --out "$tmp/ref" -j 4 2> "$tmp/logr" || fail "reference run: $(cat "$tmp/logr")"
DNNR_MPI_TIMEOUT=4 OMPI_MCA_orte_enable_recovery=1 "$mpiexec" --oversubscribe -np 3 \
  "$bin" run "$tmp/kill.cfg" --out "$tmp/killed" > "$tmp/logk" 2>&1 &
mpirun_pid=$!
# Rank 1 is the child of mpirun whose environment says so (its own trial
# workers are its children, not mpirun's).
rank1=""
for _ in $(seq 1 100); do
  for p in $(cat /proc/"$mpirun_pid"/task/*/children 2> /dev/null); do
    if tr '\0' '\n' < /proc/"$p"/environ 2> /dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then
      rank1=$p
    fi
  done
  n=$(grep -c '"trial":' "$tmp/killed/trials.jsonl" 2> /dev/null || true)
  if [ -n "$rank1" ] && [ "${n:-0}" -ge 8 ]; then break; fi
  sleep 0.1
done
[ -n "$rank1" ] || fail "rank 1 not found"
cp "$tmp/killed/trials.jsonl" "$tmp/before.jsonl"
kill -KILL "$rank1"
wait "$mpirun_pid" || true # Open MPI may report the killed rank in its exit status
mpirun_pid=""
before=$(grep -c '"trial":' "$tmp/before.jsonl")
[ "$before" -ge 8 ] && [ "$before" -lt 64 ] || fail "killed at $before of 64 trials: not mid-run"
grep -q "MPI rank 1 lost" "$tmp/logk" || fail "the lost rank was not noticed: $(cat "$tmp/logk")"
grep -q "4/4 runs done, 64 trials" "$tmp/logk" || fail "run did not complete: $(cat "$tmp/logk")"
test -s "$tmp/killed/report.md" || fail "no report after the kill"
# Every trial journaled before the kill is still there, unchanged...
comm -23 <(signature "$tmp/before.jsonl") <(signature "$tmp/killed/trials.jsonl") > "$tmp/gone"
test ! -s "$tmp/gone" || fail "finished trials lost: $(head -c 1000 "$tmp/gone")"
# ...and the whole run is what one process computes: no trial lost or run twice.
diff <(signature "$tmp/ref/trials.jsonl") <(signature "$tmp/killed/trials.jsonl") > "$tmp/diff" \
  || fail "after the kill, results differ from one process: $(head -c 2000 "$tmp/diff")"

# 3. Without recovery, Open MPI ends every rank when one dies: the journal
#    rank 0 kept lets --resume (here under mpirun again) finish the run with
#    the same results.
"$mpiexec" --oversubscribe -np 3 "$bin" run "$tmp/kill.cfg" --out "$tmp/aborted" > "$tmp/loga" 2>&1 &
mpirun_pid=$!
rank1=""
for _ in $(seq 1 100); do
  for p in $(cat /proc/"$mpirun_pid"/task/*/children 2> /dev/null); do
    if tr '\0' '\n' < /proc/"$p"/environ 2> /dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then
      rank1=$p
    fi
  done
  n=$(grep -c '"trial":' "$tmp/aborted/trials.jsonl" 2> /dev/null || true)
  if [ -n "$rank1" ] && [ "${n:-0}" -ge 8 ]; then break; fi
  sleep 0.1
done
[ -n "$rank1" ] || fail "rank 1 not found (second run)"
kill -KILL "$rank1"
if wait "$mpirun_pid"; then fail "mpirun went on without recovery enabled"; fi
mpirun_pid=""
test ! -s "$tmp/aborted/report.md" || fail "the aborted run wrote a report"
timeout 120 "$mpiexec" --oversubscribe -np 3 "$bin" run "$tmp/kill.cfg" --out "$tmp/aborted" --resume \
  > "$tmp/logr" 2>&1 || fail "resume under mpirun: $(cat "$tmp/logr")"
diff <(signature "$tmp/ref/trials.jsonl") <(signature "$tmp/aborted/trials.jsonl") > "$tmp/diff" \
  || fail "the resumed run differs from one process: $(head -c 2000 "$tmp/diff")"
echo "3 passed, 0 failed"
