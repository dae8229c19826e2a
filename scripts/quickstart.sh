#!/usr/bin/env bash
# From a fresh Debian machine to a finished experiment: install the
# dependencies, build and install dnnrepair into ./_install, build the
# README's example searcher out of tree against that install, and run the
# default experiment comparing it with the built-in searchers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
cmake --install build --prefix "$PWD/_install"
cmake -S sdk/examples/hello_searcher -B _hello -DCMAKE_PREFIX_PATH="$PWD/_install"
cmake --build _hello
rm -rf runs/testfunctions
DNNR_PLUGIN_PATH="$PWD/_hello" _install/bin/dnnrepair run configs/experiments/testfunctions.cfg
echo
cat runs/testfunctions/report.md
