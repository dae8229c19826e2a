#!/bin/bash
# One-shot check of the cuda backend on a GPU machine, from a fresh checkout
# (no build folder): configure and build with CUDA, run the GPU tests and
# the benchmark against PyTorch, and write a short report to
# $OUT/summary.txt (full logs in $OUT/logs/). Meant to finish in about 6
# minutes; every step has a time limit and the summary is written as it
# goes, so a cut-off run still says how far it got.
#
#   OUT=/some/folder benchmarks/gpu/device_check.sh
#
# Steps (each line of the summary starts with PASS, FAIL, SKIP or INFO):
#   1. configure + build (Release, CUDA architecture of the GPU found)
#   2. test_backend_cuda: the plugin contract, probe() = 100, ENOMEM path
#   3. test_cuda_conformance: every op's forward/backward vs onednn
#   4. test_cuda_oom: an oversized batch fails one trial, the next trains
#   5. benchmarks/gpu/run.sh: samples/s vs PyTorch CUDA (if torch+CUDA here)
#   6. test_cuda_training: D1/M1 accuracy distributions, cuda vs onednn
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-$PWD/build-gpu-out}
mkdir -p "$OUT/logs"
SUMMARY=$OUT/summary.txt
: > "$SUMMARY"
START=$(date +%s)
BUDGET=${DEVICE_CHECK_SECONDS:-345}
BUILD=${DEVICE_CHECK_BUILD:-build-gpu}
JOBS=$(nproc 2>/dev/null || echo 8)

say() { echo "$*" | tee -a "$SUMMARY"; }
elapsed() { echo $(( $(date +%s) - START )); }
left() { echo $(( BUDGET - $(elapsed) )); }
# run NAME LIMIT CMD...: log to $OUT/logs/NAME.log, return the exit status
run() {
    local name=$1 limit=$2; shift 2
    local t0=$(date +%s)
    timeout "$limit" "$@" > "$OUT/logs/$name.log" 2>&1
    local rc=$?
    echo "[$name: exit $rc after $(( $(date +%s) - t0 )) s]" >> "$OUT/logs/$name.log"
    return $rc
}

export CK_FORK=yes
[ -d /usr/local/cuda/bin ] && export PATH=/usr/local/cuda/bin:$PATH
[ -d /usr/local/cuda/lib64 ] && export LD_LIBRARY_PATH=/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

say "dnnrepair cuda backend device check, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
GPU=$(nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>/dev/null | head -1)
say "INFO gpu: ${GPU:-none found by nvidia-smi}"
say "INFO nvcc: $(nvcc --version 2>/dev/null | tail -1 || echo 'not found')"
CAP=$(echo "$GPU" | awk -F', ' '{print $4}' | tr -d '.')
ARCH=${CAP:-90}

# 1. build
if run configure 120 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CUDA_ARCHITECTURES="$ARCH"; then
    if grep -q "cuda backend:" "$OUT/logs/configure.log"; then
        say "PASS configure: $(grep 'cuda backend:' "$OUT/logs/configure.log" | sed 's/^-- //')"
    else
        say "FAIL configure: CMake did not enable the cuda backend (see logs/configure.log):"
        grep -i "cuda\|cudnn" "$OUT/logs/configure.log" | head -5 | tee -a "$SUMMARY"
    fi
else
    say "FAIL configure (logs/configure.log):"; tail -15 "$OUT/logs/configure.log" | tee -a "$SUMMARY"
fi
TARGETS="dnnrepair_core dnnr_plugin_onednn dnnr_plugin_cuda dnnr_plugin_idx dnnr_plugin_synthetic
         dnnr_plugin_cifar test_backend_cuda test_cuda_conformance test_cuda_oom test_cuda_training"
if run build 240 make -C "$BUILD" -j"$JOBS" $TARGETS; then
    say "PASS build ($(elapsed) s so far)"
else
    say "FAIL build (logs/build.log), the first errors:"
    grep -m8 -E "error:|Error [0-9]|undefined reference" "$OUT/logs/build.log" | tee -a "$SUMMARY"
fi
T=$BUILD/plugins/backends/cuda/tests

# a test: PASS on 0, SKIP on 77, FAIL otherwise; the key lines go to the summary
check() {
    local name=$1 limit=$2 pattern=$3; shift 3
    if [ ! -x "$1" ]; then say "FAIL $name: not built"; return; fi
    if [ "$limit" -lt 10 ]; then say "SKIP $name: out of time"; return; fi
    run "$name" "$limit" "$@"
    local rc=$?
    case $rc in
    0) say "PASS $name" ;;
    77) say "$(head -1 "$OUT/logs/$name.log")" ;;
    124) say "FAIL $name: timed out after $limit s" ;;
    *) say "FAIL $name (exit $rc)" ;;
    esac
    grep -E "$pattern" "$OUT/logs/$name.log" | head -40 | sed 's/^/     /' | tee -a "$SUMMARY"
}

# 2.-4.
check test_backend_cuda 60 "cuda probe|Checks|Failure|Error" "$BUILD/tests/unit/test_backend_cuda"
check test_cuda_conformance 120 "^FAIL|^NONDET|conformance cases|  (onednn|cuda):" "$T/test_cuda_conformance"
check test_cuda_oom 90 "^(ok|FAIL)" "$T/test_cuda_oom"

# 5. benchmark: the first python3 with torch and a CUDA device, else say so
PY=""
for p in python3 /usr/bin/python3 /usr/local/bin/python3 python; do
    if command -v "$p" > /dev/null 2>&1 &&
       "$p" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2> /dev/null; then
        PY=$p; break
    fi
done
if [ -z "$PY" ]; then
    say "INFO PyTorch with CUDA: not found here (no python3 with torch and a CUDA device); the table has the dnnrepair side only"
    PY=python3
else
    say "INFO PyTorch with CUDA: $($PY -c 'import torch; print(torch.__version__)') via $PY"
fi
LIM=$(( $(left) - 100 )); [ $LIM -gt 110 ] && LIM=110
if [ $LIM -ge 40 ]; then
    run benchmark $LIM env PYTHON="$PY" benchmarks/gpu/run.sh --build "$BUILD" --seconds 8 \
        --python "$PY" --json-out "$OUT/benchmark.json"
    rc=$?
    say "$([ $rc = 0 ] && echo INFO || echo FAIL) benchmark (exit $rc; logs/benchmark.log, benchmark.json):"
    grep -v "^\[benchmark" "$OUT/logs/benchmark.log" | tail -12 | sed 's/^/     /' | tee -a "$SUMMARY"
else
    say "SKIP benchmark: out of time"
fi

# 6. training distributions (last: the slowest, on the CPU side)
LIM=$(( $(left) - 5 ))
check test_cuda_training $LIM "^(ok|FAIL)|  (onednn|cuda) |training failed" \
    "$T/test_cuda_training" configs/subjects "$BUILD/lib/dnnrepair/plugins"

say "done in $(elapsed) s; logs in logs/, this summary in summary.txt"
