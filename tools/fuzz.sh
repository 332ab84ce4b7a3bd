#!/usr/bin/env bash
# Fuzzes netc: tools/fuzz.sh [SECONDS]   (default 60)
#
# Configures build-fuzz/ with tools/sanitize.sh (clang-14, -DNETC_FUZZ=ON:
# every target under ASan, UBSan and libFuzzer coverage), builds the fuzzer
# (the first build takes minutes), writes the seeds (fuzz/build_corpus.py:
# examples/, tests/verify/ and the reproducers in tests/fuzz-regressions/)
# into the corpus build-fuzz/corpus/, which is kept between runs, and runs
# build-fuzz/bin/netc-fuzzer for SECONDS with the dictionary fuzz/netc.dict.
# Findings (crash-*, timeout-*, oom-*, slow-unit-*) go to build-fuzz/findings/,
# the log to build-fuzz/fuzz.log.
# Exits non-zero when the fuzzer finds something. fuzz/README.md.
#
# Environment:
#   NETC_FUZZ_KEEP_GOING=1  fork mode: keep fuzzing after a crash, timeout
#                           or OOM (for long runs); still exits non-zero
#                           when anything was found.
#   NETC_FUZZ_BUILD=DIR     the build directory (default build-fuzz)
#   NETC_FUZZ_FILES_SECONDS=N  then run the file-system harness
#                           (fuzz/FilesFuzzer.cpp) for N seconds (default
#                           20; 0 skips it)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: tools/fuzz.sh [SECONDS]" >&2
  exit 2
fi
build=${NETC_FUZZ_BUILD:-build-fuzz}
case $build in /*) ;; *) build=$root/$build ;; esac

# Configure (tools/sanitize.sh: the sanitizer build, shared with the
# sanitized test suite), then build only the fuzzer's targets.
start=$SECONDS
tools/sanitize.sh --configure-only
cmake --build "$build" -j "$(nproc)" --target netc-fuzzer netc-fuzz-files netc-fuzz-dict
echo "netc fuzz: build took $((SECONDS - start)) s"

# The dictionary must list every op and keyword of the current sources.
if ! "$build/bin/netc-fuzz-dict" grammar/Netc.g4 | cmp -s - fuzz/netc.dict; then
  echo "netc fuzz: warning: fuzz/netc.dict is out of date; regenerate it with" >&2
  echo "  $build/bin/netc-fuzz-dict grammar/Netc.g4 > fuzz/netc.dict" >&2
fi

# The corpus: the seeds (fuzz/build_corpus.py: examples, verify tests,
# reproducers, and the files with imports inlined), plus what earlier runs
# added, which stays.
corpus=$build/corpus
findings=$build/findings
mkdir -p "$corpus" "$findings"
python3 fuzz/build_corpus.py "$corpus"

stamp=$build/fuzz.start
touch "$stamp"
before=$(find "$findings" -type f | wc -l)
log=$build/fuzz.log
options=(
  -dict="$root/fuzz/netc.dict"
  -max_len=4096
  -timeout=10
  -rss_limit_mb=2048
  -max_total_time="$seconds"
  -print_final_stats=1
  -artifact_prefix="$findings/"
)
if [ "${NETC_FUZZ_KEEP_GOING:-0}" = 1 ]; then
  options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
echo "netc fuzz: fuzzing for $seconds s; corpus $corpus ($(find "$corpus" -type f | wc -l) files), log $log"
status=0
# Run from the findings directory: fork mode writes its files to the cwd.
(cd "$findings" && "$build/bin/netc-fuzzer" "${options[@]}" "$corpus") \
  >"$log" 2>&1 || status=$?

# The figures: the last status line, the final stats, the corpus.
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::' "$log" || true
echo "netc fuzz: corpus $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB"
after=$(find "$findings" -type f | wc -l)
if ((status != 0 || after > before)); then
  echo "netc fuzz: the fuzzer found something (exit status $status); see $log and $findings:" >&2
  find "$findings" -type f -newer "$stamp" | sort >&2 || true
  grep -E -A30 '^==[0-9]+==ERROR|runtime error:|^==[0-9]+== ERROR: libFuzzer|netc-fuzzer:' "$log" | head -n 60 >&2 || true
  echo "netc fuzz: minimise an input with: $build/bin/netc-fuzzer -minimize_crash=1 -runs=100000 -exact_artifact_path=OUT FILE" >&2
  exit 1
fi
echo "netc fuzz: no findings"

# The file-system harness (fuzz/FilesFuzzer.cpp): projects of files, links
# and imports, for NETC_FUZZ_FILES_SECONDS (default 20; 0 skips it), from
# the seeds in fuzz/files-seeds/ and what earlier runs kept.
files_seconds=${NETC_FUZZ_FILES_SECONDS:-20}
if [ "$files_seconds" != 0 ]; then
  files_corpus=$build/files-corpus
  mkdir -p "$files_corpus"
  cp fuzz/files-seeds/* "$files_corpus"/
  files_log=$build/fuzz-files.log
  echo "netc fuzz: the file-system harness for $files_seconds s; log $files_log"
  status=0
  (cd "$findings" && "$build/bin/netc-fuzz-files" -max_len=2048 -timeout=10 \
      -rss_limit_mb=2048 -max_total_time="$files_seconds" \
      -print_final_stats=1 -artifact_prefix="$findings/files-" \
      "$files_corpus") >"$files_log" 2>&1 || status=$?
  grep -E '^#[0-9]+' "$files_log" | tail -n 1 || true
  if ((status != 0)); then
    echo "netc fuzz: the file-system harness found something (exit status $status); see $files_log" >&2
    grep -E -A30 '^==[0-9]+==ERROR|runtime error:|netc-fuzz-files:' "$files_log" | head -n 60 >&2 || true
    exit 1
  fi
  echo "netc fuzz: the file-system harness: no findings"
fi
