#!/usr/bin/env bash
# netc's benchmark, in one command, from a fresh clone:
#   bench/run.sh [options of bench/bench.py]
# Installs what is missing (tools/setup.sh, python3-onnx included), builds
# netc with tools/build.sh (into build/, RelWithDebInfo, as CI does), then
# generates the networks, runs netc and ONNX shape inference on each
# and prints Markdown tables. Needs python3-onnx (Debian's package) for the
# ONNX side, or --no-onnx. See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh >&2
bash tools/build.sh >&2
exec /usr/bin/python3 bench/bench.py --netc build/bin/netc "$@"
