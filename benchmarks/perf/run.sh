#!/bin/sh
# Engine benchmark: dnnrepair vs PyTorch on three shapes, plus oneDNN's
# sgemm peak. All arguments go to run.py (see README.md here):
#   benchmarks/perf/run.sh --threads 2 --seconds 10
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-/usr/bin/python3}" "$here/run.py" "$@"
