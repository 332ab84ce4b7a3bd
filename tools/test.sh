#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, then runs
# every CTest case (unit, verify, golden, diagram rendering, command line).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
# The fuzzer, for 60 seconds, when clang-14 and libclang-rt-14-dev are
# installed (the first run builds build-fuzz/, every library instrumented;
# fuzz/README.md). NETC_FUZZ_SECONDS=0 skips it.
if [ "${NETC_FUZZ_SECONDS:-60}" != 0 ] && command -v clang++-14 >/dev/null &&
    compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  tools/fuzz.sh "${NETC_FUZZ_SECONDS:-60}"
else
  echo "netc test: fuzzing skipped (needs clang-14 and libclang-rt-14-dev)"
fi
