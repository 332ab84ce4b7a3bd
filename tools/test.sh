#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, then runs
# every CTest case (unit, verify, golden, diagram rendering, command line),
# then the same suite under AddressSanitizer and UBSan, then the fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
# With clang-14 and libclang-rt-14-dev (setup.sh installs them): the whole
# suite again in the sanitizer build, build-fuzz/ (ASan and UBSan;
# tools/sanitize.sh), then the fuzzer for 60 seconds from that build
# (fuzz/README.md). NETC_SANITIZE=0 skips both; NETC_FUZZ_SECONDS=0 skips
# the fuzzing.
if [ "${NETC_SANITIZE:-1}" = 0 ]; then
  echo "netc test: sanitizer build and fuzzing skipped (NETC_SANITIZE=0)"
elif command -v clang++-14 >/dev/null &&
    compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  tools/sanitize.sh
  if [ "${NETC_FUZZ_SECONDS:-60}" != 0 ]; then
    tools/fuzz.sh "${NETC_FUZZ_SECONDS:-60}"
  fi
else
  echo "netc test: sanitizer build and fuzzing skipped (needs clang-14 and libclang-rt-14-dev)"
fi
