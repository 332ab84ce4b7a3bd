//===- Invocation.h - one run of netc, from its options to its exit status -*- C++ -*-===//
//
// After clang's CompilerInvocation and ExecuteCompilerInvocation: the
// options of a run as the user spelt them (InvocationOptions: on the command
// line today, in an editor's settings later) are read and checked once into
// the libraries' settings (Invocation: what to read, how to analyse, how to
// report), with a diagnostic for every bad value; executeInvocation then
// runs the front end, the analyses, a backend and the output, and returns
// the exit status. The driver only declares options and sets up
// diagnostics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/FixIts.h"
#include "netc/Basic/PhaseTimes.h"
#include "netc/Emit/Emitters.h"
#include "netc/Frontend/Frontend.h"
#include "netc/Frontend/Verify.h"
#include "netc/Transform/FineTuning.h"

#include <optional>
#include <string>
#include <vector>

namespace netc {

/// What a run writes (--emit).
enum class EmitAction {
  Table,
  Json,
  Csv,
  Markdown,
  Dot,
  Svg,
  Png,
  Pdf,
  PyTorch,
  AST,
  None
};

/// The spellings of --emit, with their help.
SpellingTable<EmitAction> getEmitActionSpellings();

/// Exit statuses (docs/diagnostics.md).
enum ExitCode { ExitClean = 0, ExitInputErrors = 1, ExitUsage = 2 };

/// A run's options as the user spelt them; the defaults are netc's.
struct InvocationOptions {
  std::vector<std::string> inputs;
  std::string network;
  std::vector<std::string> defines;
  long long maxLayers = 1'000'000;
  long long maxSteps = 50'000'000;
  long long maxNameBytes = 256LL << 20;
  unsigned maxImportDepth = 64;
  /// --import-root: the folder imports must stay under (empty: each input's
  /// own folder).
  std::string importRoot;
  unsigned maxFileMiB = DefaultMaxFileBytes >> 20;

  EmitAction action = EmitAction::Table;
  std::string outputFile;
  std::optional<int> depth;
  std::optional<std::string> columns;
  std::string rankdir = "TB";
  double renderTimeout = DefaultRenderTimeoutSeconds;

  long long batch = 1;
  std::string dtype;
  std::string optimizer;
  std::string precision;
  long long devices = 1;
  int zeroStage = 0;
  std::string fit;
  long long context = 0;
  bool fitContext = false;
  /// --freeze patterns, --lora's text (nullopt: not given) and --weights.
  std::vector<std::string> freeze;
  std::optional<std::string> lora;
  std::string weights;
  /// Empty: classic, or pytorch with the parallelism options.
  std::string memoryModel;
  std::string recompute;
  long long tensorParallel = 1;
  bool sequenceParallel = false;
  long long pipelineParallel = 1;
  long long microBatches = 0;
  std::string units = "auto";
  bool explain = false;
  bool applyFixIts = false;
};

/// A run's settings, read from its InvocationOptions.
struct Invocation {
  std::vector<std::string> inputs;
  std::string network;
  EmitAction action = EmitAction::Table;
  std::string outputFile;
  bool applyFixIts = false;
  FrontendOptions frontend;
  /// --freeze and --lora, applied to the checked graphs.
  FineTuningOptions fineTuning;
  AnalysisOptions analysis;
  ReportOptions report;
  /// Seconds an image's rendering may take; 0 for no limit.
  double renderTimeout = DefaultRenderTimeoutSeconds;

  /// "svg", "png" or "pdf" for the image actions, else "".
  llvm::StringRef getImageFormat() const;
};

/// Reads and checks \p options into \p invocation; false after reporting
/// the first bad value or combination.
bool readInvocation(const InvocationOptions &options, Invocation &invocation,
                    DiagnosticEngine &diags);

/// Runs \p invocation: the front end, --fixit's rewrites (through
/// \p fixIts, the engine's consumer when fix-its are applied), the
/// analyses, then either the verification of the diagnostics (with
/// \p verifier) or the report, rendered and written. Returns the exit
/// status.
int executeInvocation(const Invocation &invocation, DiagnosticEngine &diags,
                      const FixItCollector &fixIts,
                      VerifyDiagnosticConsumer *verifier, bool showColors,
                      PhaseTimes *times = nullptr);

} // namespace netc
