//===- NetcFuzzer.cpp - libFuzzer target over the whole netc pipeline -----===//
//
// One input is one .net source file. It is parsed, checked, and for every
// network that checks clean the memory figures are built and every text
// backend runs (table with --explain, JSON, CSV, Markdown, DOT, and the AST
// dump), under two report configurations (the defaults, and one of five
// variants picked by a hash of the input), into strings that are thrown
// away. Diagnostics are printed clang-style into a string too, and checked
// by the --verify-diagnostics consumer, so their formatting is exercised.
//
// Deterministic: no state survives an input, nothing depends on the time or
// the environment, and imports cannot reach a real file (see
// importsStayInSandbox). Graphviz rendering (--emit=svg|png|pdf) is left
// out: it is slow, uninstrumented, and redirects standard error while it
// runs. fuzz/README.md describes the target, tools/fuzz.sh runs it.
//
// Oracles besides the sanitizers and assertions: the JSON backend's output
// must parse as JSON, and the hand parser must agree with ANTLR, the
// reference (ParseStrategy::Careful): where it builds an AST, ANTLR's path
// must build the same one, range for range, without a diagnostic; where it
// gives up, ANTLR's path must report a mistake.
//
// Built two ways: with -fsanitize=fuzzer as netc-fuzzer (NETC_FUZZ=ON), and
// with ReplayMain.cpp as netc-fuzz-replay, which runs files through the same
// function in the ordinary build (the tests/fuzz-regressions/ cases).
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Frontend/Verify.h"
#include "netc/Check/Checker.h"
#include "netc/Emit/Emitters.h"
#include "netc/Format/SourceFormatter.h"
#include "netc/Memory/MemoryEstimate.h"
#include "netc/Memory/ModelStates.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace netc;

namespace {

/// The directory the input pretends to live in. It must not exist, so that
/// every relative import is "not found" whatever the working directory.
constexpr llvm::StringLiteral SandboxDir = "/nonexistent-netc-fuzz";
/// The input's buffer name (absolute: make_absolute ignores the cwd).
constexpr llvm::StringLiteral InputName = "/nonexistent-netc-fuzz/fuzz.net";

/// Hands each diagnostic to the text printer and to the verifier.
class TeeConsumer : public DiagnosticConsumer {
public:
  TeeConsumer(DiagnosticConsumer &first, DiagnosticConsumer &second)
      : first(first), second(second) {}
  void handle(const Diagnostic &diagnostic) override {
    first.handle(diagnostic);
    second.handle(diagnostic);
  }

private:
  DiagnosticConsumer &first;
  DiagnosticConsumer &second;
};

/// True when every import of \p module resolves (as check/Program.cpp
/// resolves it: the importer's directory, the path appended, dots removed)
/// inside SandboxDir. `import "../../etc/passwd"` would escape it and read
/// a real file, which makes the run depend on the machine; such inputs are
/// parsed but not checked.
bool importsStayInSandbox(const ast::Module &module) {
  for (const ast::ImportDecl &import : module.getImports()) {
    llvm::SmallString<256> path(SandboxDir);
    llvm::sys::path::append(path, import.path);
    llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
    llvm::StringRef resolved = path;
    if (resolved != SandboxDir &&
        !resolved.startswith((SandboxDir + "/").str()))
      return false;
  }
  return true;
}

/// Stops the run with a message: a finding of one of the target's oracles.
[[noreturn]] void oracleFailure(const char *what, llvm::StringRef output) {
  fprintf(stderr, "netc-fuzzer: %s\n--- output ---\n%.*s\n--- end ---\n",
          what, static_cast<int>(std::min<size_t>(output.size(), 4000)),
          output.data());
  abort();
}

/// One report configuration: the analysis options and the report options.
/// netc fmt on an input that parses: the formatted text must parse into the
/// same syntax tree (the dump without ranges), and formatting it again must
/// change nothing.
void checkFormatterKeepsTree(llvm::StringRef source, const ast::Module &module) {
  std::string tree;
  llvm::raw_string_ostream treeStream(tree);
  ast::dump(module, treeStream);
  std::string formatted = formatSource(source);
  std::optional<std::string> again = dumpSyntaxTree(formatted);
  if (!again)
    oracleFailure("netc fmt's output does not parse", formatted);
  if (*again != tree)
    oracleFailure("netc fmt changed the syntax tree", formatted);
  if (formatSource(formatted) != formatted)
    oracleFailure("netc fmt is not idempotent", formatted);
}

struct ReportConfig {
  AnalysisOptions analysis;
  ReportOptions options;
};

/// The configurations a clean network is reported in: the defaults
/// (classic recipe, every layer, --explain), and one of the variants below,
/// chosen by a hash of the input, each changing every option: memory model,
/// batch (one so large that the figures overflow), element type, optimizer,
/// precision, ZeRO sharding, --fit (a budget nothing fits, too), --depth,
/// --units, --rankdir and --columns.
std::vector<ReportConfig> makeConfigs() {
  std::vector<ReportConfig> configs;
  ReportConfig plain;
  plain.options.explain = true;
  configs.push_back(plain);

  auto variant = [&](MemoryModel model, int64_t batch, DType dtype,
                     Optimizer optimizer, bool mixed, int64_t devices,
                     unsigned zero, int64_t fitBytes, llvm::StringRef fitText,
                     int depth, SizeUnit units, RankDir rankdir,
                     std::vector<Column> columns) {
    ReportConfig c;
    c.analysis.model = model;
    c.analysis.batch = batch;
    c.analysis.dtype = dtype;
    c.analysis.states.optimizer = optimizer;
    c.analysis.states.mixedPrecision = mixed;
    c.analysis.states.devices = devices;
    c.analysis.states.zeroStage = zero;
    c.analysis.fitBudgetBytes = fitBytes;
    c.options.explain = true;
    c.options.fitBudgetText = fitText.str();
    c.options.depth = depth;
    c.options.units = units;
    c.options.rankdir = rankdir;
    c.options.columns = std::move(columns);
    configs.push_back(std::move(c));
  };
  std::vector<Column> everyColumn;
  for (const Spelling<Column> &column : getColumnSpellings())
    everyColumn.push_back(column.value);
  const RankDir LR = RankDir::LeftToRight, TB = RankDir::TopToBottom;
  variant(MemoryModel::PyTorch, 32, DType::F16, Optimizer::Adam, true, 8, 3,
          24ll << 30, "24GiB", 1, SizeUnit::MiB, LR, everyColumn);
  variant(MemoryModel::Classic, 1ll << 40, DType::F64, Optimizer::RMSprop,
          false, 3, 1, 1'000'000'000, "1GB", 2, SizeUnit::GB, TB,
          {Column::Saved, Column::Flops, Column::Op});
  variant(MemoryModel::PyTorch, 1, DType::BF16, Optimizer::SGD, false, 2, 2,
          1, "1B", 3, SizeUnit::KB, LR, {Column::Params});
  variant(MemoryModel::Classic, 7, DType::F32, Optimizer::Adagrad, true, 1, 0,
          80'000'000'000, "80GB", -1, SizeUnit::B, TB, {});
  variant(MemoryModel::PyTorch, 1'000'003, DType::F64, Optimizer::AdamW,
          false, 1'000'000'007, 3, INT64_MAX, "8EiB", 1, SizeUnit::Auto, TB,
          {Column::Macs, Column::Activations, Column::Shape});
  return configs;
}

/// FNV-1a: picks the variant configuration and the diagnostics' colours.
uint64_t hashInput(const uint8_t *data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ data[i]) * 0x100000001b3ull;
  return hash;
}

/// ast::dump's exact form of \p module: every node with its source ranges
/// as offsets into buffer \p bufferId, so two modules give the same text
/// only if they are the same node for node and range for range.
std::string dumpWithRanges(const ast::Module &module,
                           const llvm::SourceMgr &sourceMgr,
                           unsigned bufferId) {
  std::string text;
  llvm::raw_string_ostream os(text);
  ast::dump(module, os, sourceMgr.getMemoryBuffer(bufferId)->getBufferStart());
  return os.str();
}

/// The hand parser against ANTLR, the reference. parseModule ran on
/// \p source with the default strategy and gave \p module;
/// \p usedCarefulPath says whether its hand parser gave up (then the careful path, ANTLR, parsed
/// and reported, so its result is ANTLR's by construction). Where the hand
/// parser gave up, ANTLR's path must have found a mistake; where it built
/// an AST (\p fastDump, dumpWithRanges), ANTLR's path alone
/// (ParseStrategy::Careful) must build the same one without a diagnostic.
/// Aborts when they differ.
void checkHandParserAgrees(llvm::StringRef source, const ast::Module *module,
                           bool usedCarefulPath,
                           const std::string &fastDump) {
  if (usedCarefulPath) {
    if (module) {
      fprintf(stderr, "netc-fuzzer: the hand parser gave up on a file ANTLR "
                      "parses without a diagnostic\n");
      abort();
    }
    return;
  }
  if (!module)
    return; // not UTF-8, or a NUL byte: neither parser ran
  llvm::SourceMgr sourceMgr;
  std::string messages;
  llvm::raw_string_ostream messageStream(messages);
  TextDiagnosticPrinter printer(sourceMgr, messageStream, false);
  DiagnosticEngine diags(sourceMgr, printer);
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, InputName), llvm::SMLoc());
  std::unique_ptr<ast::Module> careful =
      parseModule(bufferId, diags, ParseOptions{{}, ParseStrategy::Careful});
  std::string carefulDump;
  if (careful)
    carefulDump = dumpWithRanges(*careful, sourceMgr, bufferId);
  if (!careful || !messageStream.str().empty() || carefulDump != fastDump) {
    fprintf(stderr,
            "netc-fuzzer: the hand parser and ANTLR disagree\n"
            "ANTLR's diagnostics:\n%s\nhand parser's AST:\n%s\n"
            "ANTLR's AST:\n%s\n",
            messages.c_str(), fastDump.c_str(), carefulDump.c_str());
    abort();
  }
}

/// Every text backend over \p reports.
void emitAll(llvm::ArrayRef<NetworkAnalysis> reports,
             const ReportOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  emitTable(reports, options, os);
  // The driver refuses --explain with other formats; the backends ignore
  // the flag, so run them as the driver would.
  ReportOptions plain = options;
  plain.explain = false;
  emitMarkdown(reports, plain, os);
  emitDot(reports, plain, os);
  // JSON and CSV always carry every figure: the driver refuses --columns.
  plain.columns.clear();
  emitCsv(reports, plain, os);
  os.flush();

  std::string json;
  llvm::raw_string_ostream jsonStream(json);
  emitJson(reports, plain, jsonStream);
  jsonStream.flush();
  if (llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
      !parsed) {
    llvm::consumeError(parsed.takeError());
    oracleFailure("emitJson wrote text that is not JSON", json);
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  if (llvm::sys::fs::exists(SandboxDir)) {
    fprintf(stderr,
            "netc-fuzzer: %s exists; imports in fuzz inputs must not find "
            "files. Remove it.\n",
            SandboxDir.data());
    abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::vector<ReportConfig> configs = makeConfigs();
  uint64_t hash = hashInput(data, size);
  const ReportConfig *chosen[] = {&configs[0],
                                  &configs[1 + hash % (configs.size() - 1)]};
  bool showColors = (hash >> 32) & 1;

  llvm::SourceMgr sourceMgr;
  std::string diagnosticText;
  llvm::raw_string_ostream diagnosticStream(diagnosticText);
  TextDiagnosticPrinter printer(sourceMgr, diagnosticStream, showColors);
  VerifyDiagnosticConsumer verifier(sourceMgr);
  TeeConsumer tee(printer, verifier);
  DiagnosticEngine diags(sourceMgr, tee);

  llvm::StringRef source(reinterpret_cast<const char *>(data), size);
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, InputName), llvm::SMLoc());

  // Limits low enough that one input stays well under the fuzzer's
  // -timeout=10 under ASan on a busy machine. Measured there: a network at
  // 20,000 layers took 34 s through every backend twice (1.7 ms a layer),
  // 1,000,000 loop steps took 10 s; at these limits 3.5 s and 2 s.
  CheckOptions checkOptions;
  checkOptions.maxLayers = 2'000;
  checkOptions.maxSteps = 200'000;

  bool usedCarefulPath = false;
  std::unique_ptr<ast::Module> module =
      parseModule(bufferId, diags, {}, &usedCarefulPath);
  checkHandParserAgrees(source, module.get(), usedCarefulPath,
                        module ? dumpWithRanges(*module, sourceMgr, bufferId)
                               : std::string());
  if (module && !diags.getNumErrors())
    checkFormatterKeepsTree(source, *module);
  if (module) {

    if (importsStayInSandbox(*module)) {
      CheckedModule checked = checkModule(*module, diags, checkOptions);
      for (const ReportConfig *config : chosen) {
        std::vector<NetworkAnalysis> reports;
        for (size_t i = 0; i < checked.graphs.size(); ++i)
          if (checked.clean[i])
            if (auto analysis =
                    analyzeNetwork(checked.graphs[i], config->analysis, diags))
              reports.push_back(std::move(*analysis));
        emitAll(reports, config->options);
      }
    }
  }

  std::string verifyText;
  llvm::raw_string_ostream verifyStream(verifyText);
  verifier.verify(verifyStream, showColors);
  return 0;
}
