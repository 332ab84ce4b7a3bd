#!/usr/bin/env bash
# The sanitizer build: tools/sanitize.sh [--configure-only]
#
# Configures build-fuzz/ with clang-14 and -DNETC_FUZZ=ON (every target,
# tests included, under AddressSanitizer and UndefinedBehaviorSanitizer,
# plus libFuzzer's coverage instrumentation; fuzz/Sanitizers.cmake), builds
# everything and runs the whole CTest suite there: the same tests as build/,
# now against instrumented code, but for the torch tests and the output
# checks (below). tools/fuzz.sh fuzzes from the same build.
# With --configure-only it only configures (tools/fuzz.sh uses that).
#
# Environment: NETC_FUZZ_BUILD=DIR  the build directory (default build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${NETC_FUZZ_BUILD:-build-fuzz}

if ! command -v clang++-14 >/dev/null ||
    ! compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  echo "netc sanitize: needs clang-14 and libclang-rt-14-dev (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi

# Configure once; ninja rebuilds what changed. An older build-fuzz/ made
# without the tests gets them.
if [ ! -f "$build/build.ninja" ] ||
    grep -q '^NETC_BUILD_TESTS:BOOL=OFF' "$build/CMakeCache.txt"; then
  # -O1 with line tables only: what ASan advises, and a fifth faster to
  # build than -O2 -g, with the same stack traces (file:line).
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DNETC_FUZZ=ON -DNETC_BUILD_TESTS=ON >/dev/null
fi
if [ "${1:-}" = --configure-only ]; then
  exit 0
fi

start=$SECONDS
cmake --build "$build" -j "$(nproc)"
echo "netc sanitize: build took $((SECONDS - start)) s"
# Run in build/ only:
# - the torch tests (pytorch/*, import/*): they spend their time in torch,
#   not in netc, and took minutes more here;
# - the checks of what the outputs say (diagnostics/schemas and
#   verify-coverage, docs/pasted-outputs and json-schema): they run netc on
#   every verify file and example in every format again, which the verify,
#   golden, driver and fuzz tests already do here under the sanitizers, and
#   took six of the suite's ten minutes.
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" \
  -E '^(pytorch|import)/|^diagnostics/(schemas|verify-coverage)$|^docs/(pasted-outputs|json-schema)$'

