#!/usr/bin/env bash
# Quick start: installs what is missing, builds netc and runs it on LeNet-5.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
build/bin/netc examples/lenet5.net
