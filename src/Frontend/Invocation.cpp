//===- Invocation.cpp - reading a run's options, and running it -----------===//
#include "netc/Frontend/Invocation.h"

#include "netc/Frontend/OptionValues.h"
#include "netc/Frontend/OutputFiles.h"

#include "netc/Basic/Numbers.h"
#include "netc/Basic/Suggest.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"

#include <cstdio>

using namespace netc;

SpellingTable<EmitAction> netc::getEmitActionSpellings() {
  static const Spelling<EmitAction> spellings[] = {
      {EmitAction::Table, "table",
       "the layer table and memory figures (default)"},
      {EmitAction::Json, "json", "the same figures as JSON"},
      {EmitAction::Csv, "csv", "the same figures as CSV"},
      {EmitAction::Markdown, "markdown", "the same figures as Markdown tables"},
      {EmitAction::Dot, "dot", "a Graphviz DOT diagram"},
      {EmitAction::Svg, "svg",
       "the diagram as SVG (rendered by Graphviz's library)"},
      {EmitAction::Png, "png", "the diagram as PNG (needs -o or a pipe)"},
      {EmitAction::Pdf, "pdf", "the diagram as PDF (needs -o or a pipe)"},
      {EmitAction::PyTorch, "pytorch",
       "a runnable PyTorch file, an nn.Module per network and block"},
      {EmitAction::AST, "ast", "the parsed syntax tree (debug)"},
      {EmitAction::None, "none", "nothing; only check"}};
  return spellings;
}

llvm::StringRef Invocation::getImageFormat() const {
  llvm::StringRef name = getSpelling(getEmitActionSpellings(), action);
  return isGraphvizImageFormat(name) ? name : "";
}

namespace {
/// Reads one InvocationOptions; each step reports its first bad value.
class OptionReader {
public:
  OptionReader(const InvocationOptions &in, Invocation &out,
               DiagnosticEngine &diags)
      : in(in), out(out), diags(diags) {}

  bool read() {
    out.inputs = in.inputs;
    out.network = in.network;
    out.action = in.action;
    out.outputFile = in.outputFile;
    out.applyFixIts = in.applyFixIts;
    if (in.inputs.empty())
      return reject(diag::err_drv_no_input_files);
    if (in.applyFixIts && llvm::is_contained(in.inputs, "-"))
      return reject(diag::err_drv_fixit_stdin);
    return readReportOptions() && readCheckOptions() && readModelStates() &&
           readFineTuning() && checkOutput();
  }

private:
  template <typename... Ts> bool reject(diag::Kind kind, Ts &&...args) {
    diags.report(llvm::SMLoc(), kind, std::forward<Ts>(args)...);
    return false;
  }
  /// "--OPTION must be EXPECTED, got VALUE" unless \p ok.
  bool checkRange(bool ok, llvm::StringRef option, llvm::StringRef expected,
                  long long value) {
    return ok || reject(diag::err_drv_option_range, option, expected, value);
  }

  /// The batch, the element type, and how the report looks.
  bool readReportOptions() {
    AnalysisOptions &analysis = out.analysis;
    ReportOptions &report = out.report;
    if (!checkRange(in.batch >= 1, "batch", "at least 1", in.batch))
      return false;
    analysis.batch = in.batch;
    if (!in.dtype.empty()) {
      std::optional<DType> dtype = parseDType(in.dtype);
      if (!dtype || !isFloatingPoint(*dtype)) {
        std::vector<std::string> floats;
        for (const Spelling<DType> &s : getDTypeSpellings())
          if (isFloatingPoint(s.value))
            floats.push_back(s.name.str());
        reportBadChoice("dtype", floats, in.dtype, diags);
        return false;
      }
      analysis.dtype = dtype;
    }
    auto rankDir = parseChoice("rankdir", getRankDirSpellings(), in.rankdir,
                               diags);
    if (!rankDir || !checkRange(!in.depth || *in.depth >= 1, "depth",
                                "1 or more", in.depth.value_or(-1)))
      return false;
    report.rankdir = *rankDir;
    report.depth = in.depth.value_or(-1);
    // At most a day: a longer wait is no limit, and the deadline must fit
    // the clock's range.
    if (!(in.renderTimeout >= 0 && in.renderTimeout <= 86400)) {
      char value[32];
      std::snprintf(value, sizeof value, "%g", in.renderTimeout);
      return reject(diag::err_drv_option_range, "render-timeout",
                    "a number of seconds from 0 (no limit) to 86400", value);
    }
    out.renderTimeout = in.renderTimeout;
    if (!in.fit.empty()) {
      std::optional<int64_t> bytes = parseByteSize(in.fit);
      if (!bytes || *bytes <= 0)
        return reject(diag::err_drv_fit_size, in.fit);
      analysis.fitBudgetBytes = *bytes;
      report.fitBudgetText = in.fit;
    }
    if (!checkRange(in.context >= 0 && in.context <= (1LL << 40), "context",
                    "a number of tokens from 1 to 2^40", in.context))
      return false;
    analysis.context = in.context;
    if (in.fitContext && (in.fit.empty() || in.context == 0))
      return reject(diag::err_drv_fit_context);
    analysis.fitContext = in.fitContext;
    auto units = parseChoice("units", getSizeUnitSpellings(), in.units, diags);
    if (!units)
      return false;
    report.units = *units;
    if (!readParallelism())
      return false;
    bool parallel = analysis.parallelism.isActive();
    llvm::StringRef modelName = in.memoryModel;
    if (modelName.empty())
      modelName = parallel ? "pytorch" : "classic";
    auto model = parseChoice("memory-model", getMemoryModelSpellings(),
                             modelName, diags);
    if (!model)
      return false;
    if (parallel && *model != MemoryModel::PyTorch)
      return reject(diag::err_drv_parallel_classic, getFirstParallelOption());
    analysis.model = *model;
    if (in.explain && in.action != EmitAction::Table)
      return reject(diag::err_drv_explain_needs_table);
    report.explain = in.explain;
    if (!in.columns)
      return true;
    if (in.action != EmitAction::Table && in.action != EmitAction::Markdown &&
        in.action != EmitAction::None)
      return reject(diag::err_drv_columns_needs_table);
    return parseColumns(*in.columns, report.columns, diags);
  }

  /// --recompute, --tp, --sp, --pp and --micro-batches.
  bool readParallelism() {
    ParallelismConfig &p = out.analysis.parallelism;
    if (!in.recompute.empty()) {
      auto recompute = parseChoice("recompute", getRecomputeSpellings(),
                                   in.recompute, diags);
      if (!recompute)
        return false;
      p.recompute = *recompute;
    }
    const long long most = 1 << 20;
    if (!checkRange(in.tensorParallel >= 1 && in.tensorParallel <= most, "tp",
                    "a number of devices from 1 to 2^20",
                    in.tensorParallel) ||
        !checkRange(in.pipelineParallel >= 1 && in.pipelineParallel <= most,
                    "pp", "a number of stages from 1 to 2^20",
                    in.pipelineParallel) ||
        !checkRange(in.microBatches >= 0 && in.microBatches <= most,
                    "micro-batches", "a number from 1 to 2^20",
                    in.microBatches))
      return false;
    if (in.sequenceParallel && in.tensorParallel == 1)
      return reject(diag::err_drv_sp_needs_tp);
    p.tensorParallel = in.tensorParallel;
    p.sequenceParallel = in.sequenceParallel;
    p.pipelineParallel = in.pipelineParallel;
    p.microBatches = in.microBatches;
    return true;
  }

  /// The first parallelism option given, for messages ("tp").
  std::string getFirstParallelOption() const {
    if (!in.recompute.empty())
      return "recompute";
    if (in.tensorParallel > 1)
      return "tp";
    if (in.sequenceParallel)
      return "sp";
    if (in.pipelineParallel > 1)
      return "pp";
    return "micro-batches";
  }

  /// Limits and -D.
  bool readCheckOptions() {
    if (!checkRange(in.maxSteps >= 1, "max-steps", "at least 1",
                    in.maxSteps) ||
        !checkRange(in.maxNameBytes >= 1, "max-name-bytes", "at least 1",
                    in.maxNameBytes) ||
        !checkRange(in.maxLayers >= 1, "max-layers", "at least 1",
                    in.maxLayers))
      return false;
    CheckOptions &check = out.frontend.check;
    for (const std::string &define : in.defines) {
      auto parsed = parseDefine(define, diags);
      if (!parsed)
        return false;
      check.defines.push_back(std::move(*parsed));
    }
    check.maxLayers = in.maxLayers;
    check.maxSteps = in.maxSteps;
    check.maxNameBytes = in.maxNameBytes;
    check.maxImportDepth = in.maxImportDepth;
    if (!in.importRoot.empty()) {
      if (!llvm::sys::fs::is_directory(in.importRoot))
        return reject(diag::err_drv_import_root, in.importRoot);
      check.importRoot = in.importRoot;
    }
    check.maxFileBytes = uint64_t(in.maxFileMiB) << 20;
    out.frontend.keepASTs = in.action == EmitAction::AST;
    return true;
  }

  /// The optimizer, precision and sharding.
  bool readModelStates() {
    ModelStateConfig &states = out.analysis.states;
    if (!in.optimizer.empty()) {
      auto optimizer = parseChoice("optimizer", getOptimizerSpellings(),
                                   in.optimizer, diags);
      if (!optimizer)
        return false;
      states.optimizer = *optimizer;
    }
    if (!in.precision.empty() && in.precision != "mixed")
      return reject(diag::err_drv_precision, in.precision);
    states.mixedPrecision = in.precision == "mixed";
    // Mixed precision fixes the element sizes; --dtype may only name its
    // 16-bit type.
    std::optional<DType> dtype = out.analysis.dtype;
    if (states.mixedPrecision && dtype && getByteWidth(*dtype) != 2)
      return reject(diag::err_drv_precision_dtype, in.dtype);
    if (!checkRange(in.devices >= 1, "gpus", "at least 1", in.devices) ||
        !checkRange(in.zeroStage >= 0 && in.zeroStage <= 3, "zero",
                    "0, 1, 2 or 3", in.zeroStage))
      return false;
    states.devices = in.devices;
    states.zeroStage = in.zeroStage;
    return true;
  }

  /// --freeze, --lora and --weights.
  bool readFineTuning() {
    FineTuningOptions &fineTuning = out.fineTuning;
    for (const std::string &pattern : in.freeze) {
      if (std::optional<std::string> why = checkFreezePattern(pattern))
        return reject(diag::err_drv_freeze_pattern, pattern, *why);
      fineTuning.freezePatterns.push_back(pattern);
    }
    if (in.lora) {
      fineTuning.lora = parseLora(*in.lora);
      if (!fineTuning.lora)
        return false;
    }
    if (!in.weights.empty()) {
      auto format = parseChoice("weights", getWeightFormatSpellings(),
                                in.weights, diags);
      if (!format)
        return false;
      out.analysis.states.weightFormat = *format;
    }
    return true;
  }

  /// --lora's text: comma-separated key=value items, the targets' names
  /// following targets= as items of their own; PEFT's names of the keys
  /// (r, lora_alpha, lora_dropout, target_modules) are taken too.
  std::optional<LoraConfig> parseLora(llvm::StringRef text) {
    LoraConfig config;
    llvm::SmallVector<llvm::StringRef, 8> items;
    text.split(items, ',');
    static const char *const keys[] = {"rank", "alpha", "dropout", "targets"};
    bool seen[4] = {false, false, false, false};
    bool inTargets = false;
    for (size_t i = 0; i < items.size(); ++i) {
      llvm::StringRef item = items[i].trim();
      auto syntax = [&](const std::string &what) {
        reject(diag::err_drv_lora_syntax, text, what);
        return std::nullopt;
      };
      if (item.empty())
        return syntax("item " + std::to_string(i + 1) + " is empty");
      // Not a structured binding: clang 14 cannot capture one in a lambda
      // (`bad` below).
      std::pair<llvm::StringRef, llvm::StringRef> parts = item.split('=');
      llvm::StringRef key = parts.first.trim();
      llvm::StringRef value = parts.second.trim();
      if (!item.contains('=')) {
        if (inTargets) { // targets=q_proj,v_proj: v_proj is a target
          config.targets.push_back(key.str());
          continue;
        }
        return syntax("'" + item.str() + "' is not key=value");
      }
      int k = llvm::StringSwitch<int>(key)
                  .Cases("rank", "r", 0)
                  .Cases("alpha", "lora_alpha", 1)
                  .Cases("dropout", "lora_dropout", 2)
                  .Cases("targets", "target_modules", "target", 3)
                  .Default(-1);
      if (k < 0) {
        std::vector<std::string> names(std::begin(keys), std::end(keys));
        if (std::optional<std::string> closest = findClosest(key, names))
          reject(diag::err_drv_lora_key_suggest, key, text, *closest);
        else
          reject(diag::err_drv_lora_key, key, text);
        return std::nullopt;
      }
      if (seen[k]) {
        reject(diag::err_drv_lora_twice, keys[k], text);
        return std::nullopt;
      }
      seen[k] = true;
      inTargets = k == 3;
      if (value.empty())
        return syntax("'" + key.str() + "' has no value");
      auto bad = [&](const char *expected) {
        reject(diag::err_drv_lora_value, keys[k], expected, value);
        return std::nullopt;
      };
      if (k == 0) {
        std::optional<int64_t> rank = parseDecimalInteger(value);
        if (!rank || *rank < 1 || *rank > (1 << 20))
          return bad("a whole number from 1 to 1048576");
        config.rank = *rank;
      } else if (k == 1) {
        std::optional<double> alpha = parseDecimalNumber(value);
        if (!alpha || !(*alpha > 0) || *alpha > 1e9)
          return bad("a number above 0");
        config.alpha = *alpha;
      } else if (k == 2) {
        std::optional<double> dropout = parseDecimalNumber(value);
        if (!dropout || !(*dropout >= 0 && *dropout < 1))
          return bad("a probability from 0 up to (not including) 1");
        config.dropout = *dropout;
      } else {
        config.targets.push_back(value.str());
      }
    }
    if (!seen[0]) {
      reject(diag::err_drv_lora_missing, "a rank", "rank=8", text);
      return std::nullopt;
    }
    if (config.targets.empty()) {
      reject(diag::err_drv_lora_missing, "targets", "targets=q_proj,v_proj",
             text);
      return std::nullopt;
    }
    return config;
  }

  /// PNG and PDF go to -o FILE, a pipe or a file, never to a terminal.
  bool checkOutput() {
    llvm::StringRef image = out.getImageFormat();
    if ((image == "png" || image == "pdf") &&
        (out.outputFile.empty() || out.outputFile == "-") &&
        llvm::sys::Process::StandardOutIsDisplayed())
      return reject(diag::err_drv_binary_to_terminal, image);
    return true;
  }

  const InvocationOptions &in;
  Invocation &out;
  DiagnosticEngine &diags;
};
} // namespace

bool netc::readInvocation(const InvocationOptions &options,
                          Invocation &invocation, DiagnosticEngine &diags) {
  return OptionReader(options, invocation, diags).read();
}

/// An image shows one network: with several in the input, --network must
/// choose one.
static bool checkImageNetworks(const Invocation &invocation,
                               llvm::ArrayRef<NetworkAnalysis> analyses,
                               DiagnosticEngine &diags) {
  if (analyses.size() == 1)
    return true;
  llvm::StringRef format = invocation.getImageFormat();
  if (analyses.empty()) {
    diags.report(llvm::SMLoc(), diag::err_drv_image_no_network, format);
    return false;
  }
  std::string names;
  for (const NetworkAnalysis &a : analyses)
    names += (names.empty() ? "" : ", ") + a.graph->name;
  diags.report(llvm::SMLoc(), diag::err_drv_image_networks, format,
               analyses.size(), names);
  return false;
}

/// Writes the action's output to \p os (DOT for the images).
static void emitOutput(const Invocation &invocation,
                       const FrontendResult &result,
                       llvm::ArrayRef<NetworkAnalysis> analyses,
                       llvm::raw_ostream &os) {
  const ReportOptions &options = invocation.report;
  switch (invocation.action) {
  case EmitAction::Table:
    emitTable(analyses, options, os);
    break;
  case EmitAction::Json:
    emitJson(analyses, options, os);
    break;
  case EmitAction::Csv:
    emitCsv(analyses, options, os);
    break;
  case EmitAction::Markdown:
    emitMarkdown(analyses, options, os);
    break;
  case EmitAction::Dot:
  case EmitAction::Svg:
  case EmitAction::Png:
  case EmitAction::Pdf:
    emitDot(analyses, options, os);
    break;
  case EmitAction::PyTorch:
    emitPyTorch(analyses, options, os);
    break;
  case EmitAction::AST:
    for (const auto &module : result.asts)
      ast::dump(*module, os);
    break;
  case EmitAction::None:
    break;
  }
}

int netc::executeInvocation(const Invocation &invocation,
                            DiagnosticEngine &diags,
                            const FixItCollector &fixIts,
                            VerifyDiagnosticConsumer *verifier,
                            bool showColors, PhaseTimes *times) {
  FrontendResult result;
  if (!runFrontend(invocation.inputs, invocation.frontend, diags, result,
                   times))
    return ExitUsage;
  if (!invocation.fineTuning.empty() && !diags.getNumErrors() &&
      !applyFineTuning(result, invocation.network, invocation.fineTuning,
                       diags))
    return ExitUsage;
  if (invocation.applyFixIts && !writeFixedFiles(fixIts.getFixIts(), diags))
    return ExitUsage;
  std::vector<NetworkAnalysis> analyses;
  bool found;
  {
    PhaseTimes::Scope phase(times, "memory analysis");
    found = analyzeNetworks(result, invocation.network, invocation.analysis,
                            diags, analyses);
  }
  if (verifier)
    return verifier->verify(llvm::errs(), showColors) ? ExitClean
                                                      : ExitInputErrors;
  if (diags.getNumErrors())
    return ExitInputErrors;
  if (!found) {
    reportMissingNetwork(result, invocation.network, diags);
    return ExitUsage;
  }
  llvm::StringRef image = invocation.getImageFormat();
  if (!image.empty() && !checkImageNetworks(invocation, analyses, diags))
    return ExitUsage;
  if (!image.empty() &&
      !checkDiagramSize(analyses.front(), invocation.report, diags))
    return ExitUsage;
  std::string phaseName =
      "emit " + getSpelling(getEmitActionSpellings(), invocation.action).str();
  if (image.empty()) {
    // Reports are written as they are produced.
    PhaseTimes::Scope phase(times, phaseName + " and write");
    auto emit = [&](llvm::raw_ostream &os) {
      emitOutput(invocation, result, analyses, os);
    };
    return writeOutputFile(invocation.outputFile, emit, diags) ? ExitClean
                                                              : ExitUsage;
  }
  // An image: Graphviz reads the whole DOT text, and writes the picture.
  std::string text;
  {
    PhaseTimes::Scope phase(times, phaseName);
    llvm::raw_string_ostream os(text);
    emitOutput(invocation, result, analyses, os);
  }
  {
    PhaseTimes::Scope phase(times, "render " + image.str());
    if (!renderImage(text, image, diags, invocation.renderTimeout))
      return ExitUsage;
    if (diags.getNumErrors()) // Graphviz's warnings made errors by -Werror
      return ExitInputErrors;
  }
  PhaseTimes::Scope phase(times, "write output");
  return writeOutputFile(invocation.outputFile, text, diags) ? ExitClean
                                                            : ExitUsage;
}
