#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, then runs
# every CTest case (unit, verify, golden, diagram rendering, command line).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
