#!/bin/sh
# GPU benchmark: dnnrepair's cuda backend vs PyTorch CUDA on the MNIST and
# CIFAR CNNs. All arguments go to run.py (see README.md here):
#   benchmarks/gpu/run.sh --build build --seconds 10
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec "${PYTHON:-python3}" "$here/run.py" "$@"
