//===- ReplayMain.cpp - run files through the fuzz target, without libFuzzer ===//
//
// netc-fuzz-replay FILE...: calls LLVMFuzzerTestOneInput (NetcFuzzer.cpp) on
// each file's bytes, as the fuzzer would (netc-fuzz-files-replay does the
// same for FilesFuzzer.cpp). Built in the ordinary build (any
// compiler, no sanitizers) so that the crash reproducers in
// tests/fuzz-regressions/ and the examples run as CTest cases everywhere;
// the instrumented netc-fuzzer runs the same files with sanitizers
// (`build-fuzz/bin/netc-fuzzer FILE...`).
//
//===----------------------------------------------------------------------===//
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    fprintf(stderr, "usage: netc-fuzz-replay FILE...\n");
    return 2;
  }
  for (int i = 1; i < argc; ++i) {
    std::ifstream file(argv[i], std::ios::binary);
    if (!file) {
      fprintf(stderr, "netc-fuzz-replay: cannot read '%s'\n", argv[i]);
      return 2;
    }
    std::string bytes((std::istreambuf_iterator<char>(file)),
                      std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()),
                           bytes.size());
    printf("ok %s (%zu bytes)\n", argv[i], bytes.size());
  }
  return 0;
}
