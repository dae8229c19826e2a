#!/usr/bin/env bash
# Installs what dnnrepair needs to build and test on Debian 12 (run as root,
# or with sudo). The data sets it uses offline come from Debian packages too.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libconfig-dev      # subject and experiment files
  check libsubunit-dev  # unit tests
  libdnnl-dev        # oneDNN: the CPU training backend
  libgsl-dev         # HEBO's linear algebra and optimiser
  zlib1g-dev         # gzipped IDX data sets
  libexpat1-dev      # test_figures parses the SVG figures back
  dataset-fashion-mnist  # offline stand-in for MNIST and (made CIFAR-shaped) CIFAR-10
  fortunes           # offline stand-in for the Reuters newswires (textcat loader)
  libopenmpi-dev openmpi-bin  # `mpirun dnnrepair run` across ranks (optional: built when found)
)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${packages[@]}"
