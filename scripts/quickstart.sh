#!/usr/bin/env bash
# From a fresh Debian machine to finished experiments: install the
# dependencies, build and install dnnrepair into ./_install, build the
# README's example searcher out of tree against that install, compare it with
# the built-in searchers on analytic functions (seconds), then run the
# default benchmark, configs/experiments/quickstart.cfg (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cmake --install build --prefix "$PWD/_install"
cmake -S sdk/examples/hello_searcher -B _hello -DCMAKE_PREFIX_PATH="$PWD/_install"
cmake --build _hello
rm -rf runs/testfunctions runs/quickstart
DNNR_PLUGIN_PATH="$PWD/_hello" _install/bin/dnnrepair run configs/experiments/testfunctions.cfg
_install/bin/dnnrepair run configs/experiments/quickstart.cfg
echo
cat runs/quickstart/report.md
echo "Results: runs/quickstart/ (report.md, summary.csv, plots/*.svg, trials.jsonl)"
