//===- netc.cpp - the netc command-line driver ----------------------------===//
//
// netc [options] FILE.net...
//
// Reads each file, parses and checks it, and writes the requested report for
// every network (or the one chosen with --network). After toyc and llvm-as:
// llvm::cl options in categories, one small function per action, output
// written atomically. Exit status: 0 clean, 1 errors in the input, 2 bad
// command line or unreadable file.
//
//===----------------------------------------------------------------------===//
#include "Version.h"

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/FixIts.h"
#include "netc/Basic/StructuredDiagnostics.h"
#include "netc/Basic/Suggest.h"
#include "netc/Basic/Verify.h"
#include "netc/Basic/WarningOptions.h"
#include "netc/Check/Checker.h"
#include "netc/Emit/Emitters.h"
#include "netc/Memory/ClassicMemory.h"
#include "netc/Memory/MemoryEstimate.h"
#include "netc/Memory/ModelStates.h"
#include "netc/Parse/Parser.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

#include <chrono>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace netc;
namespace cl = llvm::cl;

static cl::OptionCategory inputCategory("Input options");
static cl::OptionCategory outputCategory("Output options");
static cl::OptionCategory memoryCategory("Memory model options");
static cl::OptionCategory diagnosticCategory("Diagnostic options");

static cl::list<std::string> inputFiles(cl::Positional,
                                        cl::desc("<file.net>..."),
                                        cl::cat(inputCategory));

static cl::opt<std::string>
    networkName("network", cl::desc("Report only the network named <name>"),
                cl::value_desc("name"), cl::cat(inputCategory));

static cl::list<std::string>
    defines("D", cl::Prefix,
            cl::desc("Set a network parameter: -D size=320 (integers, "
                     "numbers, true or false)"),
            cl::value_desc("name=value"), cl::cat(inputCategory));

static cl::opt<long long>
    maxLayers("max-layers",
              cl::desc("Most layers one network may expand to (default "
                       "1000000)"),
              cl::init(1'000'000), cl::cat(inputCategory));

static cl::opt<long long>
    maxSteps("max-steps",
             cl::desc("Most statements one network may run while it expands "
                      "(default 50000000)"),
             cl::init(50'000'000), cl::cat(inputCategory));

static cl::opt<unsigned>
    maxImportDepth("max-import-depth",
                   cl::desc("Deepest chain of imports (default 64)"),
                   cl::init(64), cl::cat(inputCategory));

static cl::opt<unsigned>
    maxFileMiB("max-file-size",
               cl::desc("Largest input file, in MiB (default 256)"),
               cl::value_desc("MiB"), cl::init(256), cl::cat(inputCategory));

enum class EmitAction {
  Table,
  Json,
  Csv,
  Markdown,
  Dot,
  Svg,
  Png,
  Pdf,
  AST,
  None
};
static cl::opt<EmitAction> emitAction(
    "emit", cl::desc("What to write:"), cl::init(EmitAction::Table),
    cl::values(
        clEnumValN(EmitAction::Table, "table",
                   "the layer table and memory figures (default)"),
        clEnumValN(EmitAction::Json, "json", "the same figures as JSON"),
        clEnumValN(EmitAction::Csv, "csv", "the same figures as CSV"),
        clEnumValN(EmitAction::Markdown, "markdown",
                   "the same figures as Markdown tables"),
        clEnumValN(EmitAction::Dot, "dot", "a Graphviz DOT diagram"),
        clEnumValN(EmitAction::Svg, "svg",
                   "the diagram as SVG (rendered by Graphviz's library)"),
        clEnumValN(EmitAction::Png, "png", "the diagram as PNG (needs -o or "
                                           "a pipe)"),
        clEnumValN(EmitAction::Pdf, "pdf", "the diagram as PDF (needs -o or "
                                           "a pipe)"),
        clEnumValN(EmitAction::AST, "ast", "the parsed syntax tree (debug)"),
        clEnumValN(EmitAction::None, "none", "nothing; only check")),
    cl::cat(outputCategory));

static cl::opt<std::string> outputFile("o",
                                       cl::desc("Write the output to <file> "
                                                "(atomically) instead of "
                                                "standard output"),
                                       cl::value_desc("file"),
                                       cl::cat(outputCategory));

static cl::opt<int>
    tableDepth("depth",
               cl::desc("Show block calls nested N deep as one row each, "
                        "summing their layers (1: one row per block the "
                        "network calls; default: every layer)"),
               cl::value_desc("N"), cl::init(-1), cl::cat(outputCategory));

static cl::opt<std::string> tableColumns(
    "columns",
    cl::desc("Columns of the table and of Markdown, in order, after the "
             "layer name: op, shape, params, buffers, activations, macs, "
             "flops, saved (default: op,shape,params,buffers,activations,"
             "macs; buffers only when the network has any)"),
    cl::value_desc("list"), cl::cat(outputCategory));

static cl::opt<std::string>
    rankdir("rankdir", cl::desc("Graphviz layout direction: TB or LR"),
            cl::init("TB"), cl::cat(outputCategory));

static cl::opt<long long> batchSize("batch",
                                    cl::desc("Batch size for training memory "
                                             "(default 1)"),
                                    cl::init(1), cl::cat(memoryCategory));

static cl::opt<std::string>
    dtypeName("dtype",
              cl::desc("Element type for memory: f32 (default), f16, bf16, "
                       "f64"),
              cl::value_desc("type"), cl::cat(memoryCategory));

static cl::opt<std::string> optimizerName(
    "optimizer",
    cl::desc("Optimizer whose states training keeps: sgd, momentum (the "
             "classic recipe's default), adam, adamw, rmsprop, adagrad"),
    cl::value_desc("name"), cl::cat(memoryCategory));

static cl::opt<std::string> precisionName(
    "precision",
    cl::desc("mixed: 16-bit weights, gradients and activations with f32 "
             "master weights and optimizer states"),
    cl::value_desc("mode"), cl::cat(memoryCategory));

static cl::opt<long long> devices(
    "gpus", cl::desc("Data-parallel devices the model states are sharded "
                     "over with --zero (default 1)"),
    cl::init(1), cl::cat(memoryCategory));

static cl::opt<int> zeroStage(
    "zero",
    cl::desc("ZeRO stage: 0 none, 1 shards optimizer states, 2 also "
             "gradients, 3 also weights"),
    cl::init(0), cl::cat(memoryCategory));

static cl::opt<std::string>
    fitBudget("fit",
              cl::desc("Print the largest batch whose training memory fits "
                       "<size>, such as 24GiB or 80GB"),
              cl::value_desc("size"), cl::cat(memoryCategory));

static cl::opt<std::string> memoryModelName(
    "memory-model",
    cl::desc("Memory model of the training and inference figures: classic "
             "(the recipe, default) or pytorch (what autograd keeps, and the "
             "inference peak by liveness)"),
    cl::value_desc("model"), cl::init("classic"), cl::cat(memoryCategory));

static cl::opt<std::string> unitsName(
    "units",
    cl::desc("Unit of the size columns: auto (binary units sized to the "
             "figures, default), B, KiB, MiB, GiB, KB, MB, GB"),
    cl::value_desc("unit"), cl::init("auto"), cl::cat(memoryCategory));

static cl::opt<bool> explainFigures(
    "explain",
    cl::desc("After the table, derive every memory figure step by step"),
    cl::cat(memoryCategory));

// -Werror, -Wno-error, -WGROUP, -Wno-GROUP, -Werror=GROUP, -Wno-error=GROUP:
// one prefix option, applied in order by parseWarningOptions.
static cl::list<std::string> warningOptions(
    "W", cl::AlwaysPrefix,
    cl::desc("Warnings: -Werror (all as errors), -Wno-GROUP (silence a "
             "group), -WGROUP, -Werror=GROUP, -Wno-error=GROUP"),
    cl::value_desc("option"), cl::cat(diagnosticCategory));
/// -Werror, as left by the -W options (Graphviz's warnings follow it too).
static bool warningsAsErrors = false;
static cl::opt<bool> suppressWarnings("w", cl::desc("Suppress all warnings"),
                                      cl::cat(diagnosticCategory));
static cl::opt<DiagnosticFormat> diagnosticsFormat(
    "diagnostics-format",
    cl::desc("How diagnostics are written to standard error:"),
    cl::init(DiagnosticFormat::Text),
    cl::values(
        clEnumValN(DiagnosticFormat::Text, "text",
                   "clang-style text (default)"),
        clEnumValN(DiagnosticFormat::Json, "json",
                   "one JSON document (docs/diagnostics.schema.json)"),
        clEnumValN(DiagnosticFormat::Sarif, "sarif", "one SARIF 2.1.0 log")),
    cl::cat(diagnosticCategory));
static cl::opt<bool> applyFixItsOption(
    "fixit",
    cl::desc("Apply the fix-its of errors and warnings to the input files "
             "(each file rewritten atomically)"),
    cl::cat(diagnosticCategory));
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check that the diagnostics match the expected-error/warning/"
             "note comments in the input"),
    cl::cat(diagnosticCategory));

static cl::opt<unsigned> errorLimit(
    "error-limit",
    cl::desc("Show at most N errors, then one line saying how many more "
             "there were (default 20; 0 shows all; --verify-diagnostics "
             "shows all unless given)"),
    cl::value_desc("N"), cl::init(20), cl::cat(diagnosticCategory));

static cl::opt<bool> timePhases(
    "time-phases",
    cl::desc("At the end, print the wall time and peak memory of each phase "
             "(read, lex, parse, AST, check, memory, emit) to standard error"),
    cl::cat(outputCategory));

/// --time-phases (as clang's -ftime-report): the wall time of each phase,
/// summed over the input files, and the peak resident memory when it ended;
/// printed to standard error when main returns.
class PhaseTimes {
public:
  using Clock = std::chrono::steady_clock;
  PhaseTimes() : start(Clock::now()), cpuBeforeMain(cpuSeconds()) {}
  ~PhaseTimes() {
    if (timePhases)
      print(llvm::errs());
  }

  /// Times a phase from construction to destruction.
  class Scope {
  public:
    Scope(PhaseTimes &times, std::string phase)
        : times(times), phase(std::move(phase)), begin(Clock::now()) {}
    ~Scope() { times.add(phase, seconds(Clock::now() - begin)); }

  private:
    PhaseTimes &times;
    std::string phase;
    Clock::time_point begin;
  };

  /// Adds \p secs to \p phase; with \p showRSS, the peak RSS now is the
  /// phase's (phases timed inside the parser have none of their own).
  void add(llvm::StringRef phase, double secs, bool showRSS = true) {
    long rss = showRSS ? currentPeakRSS() : -1;
    for (Row &row : rows)
      if (row.phase == phase) {
        row.seconds += secs;
        row.peakRSS = rss;
        return;
      }
    rows.push_back({phase.str(), secs, rss});
  }
  void addParse(const ParseTimings &t) {
    add("validate UTF-8", t.validate, /*showRSS=*/false);
    add(t.usedCarefulPath ? "lex (careful path: every token kept)" : "lex",
        t.lex, false);
    add("parse + build AST (direct, no parse tree)", t.handParse,
        !t.usedCarefulPath);
    // ANTLR parses only files the hand parser gives up on.
    if (!t.usedCarefulPath)
      return;
    add("parse (ANTLR, careful path: LL)", t.parseANTLR, false);
    add("build AST (from ANTLR's tree)", t.buildAST);
  }

private:
  struct Row {
    std::string phase;
    double seconds;
    long peakRSS; ///< KiB
  };
  static double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
  }
  static long currentPeakRSS() {
    struct rusage usage;
    return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
  }
  static double cpuSeconds() {
    struct rusage usage;
    if (getrusage(RUSAGE_SELF, &usage) != 0)
      return 0;
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  }
  void print(llvm::raw_ostream &os) {
    double total = seconds(Clock::now() - start);
    double accounted = 0;
    for (const Row &row : rows)
      accounted += row.seconds;
    std::vector<Row> shown = rows;
    shown.push_back({"other (start-up, options, teardown)",
                     std::max(0.0, total - accounted), currentPeakRSS()});
    size_t width = 5;
    for (const Row &row : shown)
      width = std::max(width, row.phase.size());
    os << "=== netc --time-phases ===\n";
    auto line = [&](llvm::StringRef phase, llvm::StringRef ms,
                    llvm::StringRef percent, llvm::StringRef rss) {
      os << llvm::left_justify(phase, width) << "  "
         << llvm::right_justify(ms, 10) << "  "
         << llvm::right_justify(percent, 6) << "  "
         << llvm::right_justify(rss, 12) << "\n";
    };
    auto row = [&](llvm::StringRef phase, double secs, long rss) {
      line(phase, llvm::formatv("{0:f1}", secs * 1000).str(),
           llvm::formatv("{0:f1}", total > 0 ? 100 * secs / total : 0).str(),
           rss < 0 ? "" : llvm::formatv("{0:f1}", rss / 1024.0).str());
    };
    line("phase", "wall ms", "%", "peak RSS MiB");
    for (const Row &r : shown)
      row(r.phase, r.seconds, r.peakRSS);
    row("total", total, currentPeakRSS());
    os << llvm::formatv("before main: {0:f1} ms of CPU (loading, static "
                        "initialisers), not in the total\n",
                        cpuBeforeMain * 1000);
    os << "(lex: the lexer and the token filter, interleaved with parsing "
          "and timed apart; direct: statements parsed by recursive descent "
          "straight into the AST; ANTLR: what the direct parser declines; "
          "peak RSS: at the end of the phase; imports are parsed within "
          "check)\n";
  }

  Clock::time_point start;
  double cpuBeforeMain;
  std::vector<Row> rows;
};

/// Exit statuses.
enum ExitCode { ExitClean = 0, ExitInputErrors = 1, ExitUsage = 2 };

/// The largest source file netc reads.

/// With --diagnostics-format=json|sarif, the printer whose document also
/// takes the driver's own errors and warnings.
static StructuredDiagnosticPrinter *structuredPrinter = nullptr;

/// Prints an error without a source location: "netc: error: ...".
static void reportToolError(const llvm::Twine &message) {
  if (structuredPrinter)
    return structuredPrinter->handleToolMessage(Severity::Error, message.str());
  llvm::WithColor::error(llvm::errs(), "netc") << message << "\n";
}

/// Prints a warning without a source location: "netc: warning: ...".
static void reportToolWarning(const llvm::Twine &message) {
  if (structuredPrinter)
    return structuredPrinter->handleToolMessage(Severity::Warning,
                                                message.str());
  llvm::WithColor::warning(llvm::errs(), "netc") << message << "\n";
}

/// Prints a note without a source location: "netc: note: ...".
static void reportToolNote(const llvm::Twine &message) {
  if (structuredPrinter)
    return structuredPrinter->handleToolMessage(Severity::Note, message.str());
  llvm::WithColor::note(llvm::errs(), "netc") << message << "\n";
}

/// Applies -w and the -W options, in order, to \p options. An unknown group
/// is reported as clang does ("unknown warning option '-Wfoo'; did you mean
/// '-Wbar'?"): a warning, or under -Werror an error that ends the run
/// (returns false); -w silences it.
static bool parseWarningOptions(DiagnosticOptions &options) {
  options.suppressWarnings = suppressWarnings;
  std::vector<std::string> unknown;
  for (const std::string &value : warningOptions) {
    std::optional<std::string> suggestion;
    if (applyWarningOption(options, value, suggestion))
      continue;
    std::string message = "unknown warning option '-W" + value + "'";
    if (suggestion)
      message += "; did you mean '" + *suggestion + "'?";
    unknown.push_back(message);
  }
  warningsAsErrors = options.warningsAsErrors;
  if (options.suppressWarnings)
    return true;
  for (const std::string &message : unknown) {
    if (warningsAsErrors)
      reportToolError(message);
    else
      reportToolWarning(message);
  }
  return unknown.empty() || !warningsAsErrors;
}

/// Reads \p path into the source manager; reports and returns false when it
/// cannot be read.
static bool loadFile(llvm::SourceMgr &sourceMgr, const std::string &path) {
  if (path != "-") {
    llvm::sys::fs::file_status status;
    if (std::error_code ec = llvm::sys::fs::status(path, status)) {
      reportToolError("cannot read '" + path + "': " + ec.message());
      return false;
    }
    if (llvm::sys::fs::is_directory(status)) {
      reportToolError("'" + path + "' is a directory, not a .net file");
      return false;
    }
    uint64_t limit = uint64_t(maxFileMiB) << 20;
    if (status.getSize() > limit) {
      reportToolError("'" + path + "' is " + llvm::Twine(status.getSize()) +
                      " bytes; the file size limit is " + llvm::Twine(limit) +
                      " bytes (" + llvm::Twine(maxFileMiB) +
                      " MiB); raise it with --max-file-size");
      return false;
    }
  }
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/true);
  if (std::error_code ec = buffer.getError()) {
    reportToolError("cannot read '" + path + "': " + ec.message());
    return false;
  }
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  return true;
}

/// The name of the --emit action, for --time-phases.
static std::string emitActionName() {
  switch (emitAction) {
  case EmitAction::Table: return "table";
  case EmitAction::Json: return "json";
  case EmitAction::Csv: return "csv";
  case EmitAction::Markdown: return "markdown";
  case EmitAction::Dot: return "dot";
  case EmitAction::Svg: return "svg";
  case EmitAction::Png: return "png";
  case EmitAction::Pdf: return "pdf";
  case EmitAction::AST: return "ast";
  case EmitAction::None: return "none";
  }
  return "";
}

/// Writes the selected report of \p reports to \p os.
static void emitReports(llvm::ArrayRef<NetworkReport> reports,
                        const ReportOptions &options, llvm::raw_ostream &os) {
  switch (emitAction) {
  case EmitAction::Table:
    return emitTable(reports, options, os);
  case EmitAction::Json:
    return emitJson(reports, options, os);
  case EmitAction::Csv:
    return emitCsv(reports, options, os);
  case EmitAction::Markdown:
    return emitMarkdown(reports, options, os);
  case EmitAction::Dot:
  case EmitAction::Svg: // rendered from the DOT by renderImage
  case EmitAction::Png:
  case EmitAction::Pdf:
    return emitDot(reports, options, os);
  case EmitAction::AST:
  case EmitAction::None:
    return;
  }
}

/// Writes \p text to -o atomically, or to standard output.
static bool writeOutput(llvm::StringRef text) {
  if (outputFile.empty() || outputFile == "-") {
    llvm::outs() << text;
    llvm::outs().flush();
    return true;
  }
  llvm::StringRef directory = llvm::sys::path::parent_path(outputFile);
  if (!directory.empty() && !llvm::sys::fs::is_directory(directory)) {
    reportToolError("cannot write '" + outputFile + "': the directory '" +
                    directory + "' does not exist");
    return false;
  }
  llvm::Error error = llvm::writeFileAtomically(
      outputFile + ".tmp%%%%%%", outputFile, text);
  if (error) {
    llvm::consumeError(std::move(error));
    reportToolError("cannot write '" + outputFile +
                    "': no permission, or the disk is full");
    return false;
  }
  return true;
}

/// --fixit: rewrites every input and imported file that has fix-its,
/// atomically, and says how many it applied; false if a file cannot be
/// written.
static bool writeFixIts(const llvm::SourceMgr &sourceMgr,
                        llvm::ArrayRef<FixIt> fixIts) {
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
    FixedBuffer fixed = applyFixIts(sourceMgr, id, fixIts);
    if (!fixed.applied)
      continue;
    std::string path =
        sourceMgr.getMemoryBuffer(id)->getBufferIdentifier().str();
    if (llvm::Error error = llvm::writeFileAtomically(
            path + ".tmp%%%%%%", path, fixed.text)) {
      llvm::consumeError(std::move(error));
      reportToolError("cannot write the fixed '" + path + "'");
      return false;
    }
    std::string message = "applied " + std::to_string(fixed.applied) +
                          " fix-it" + (fixed.applied == 1 ? "" : "s") +
                          " to '" + path + "'";
    if (fixed.skipped)
      message += "; " + std::to_string(fixed.skipped) +
                 " overlapping one" + (fixed.skipped == 1 ? " was" : "s were") +
                 " left out";
    reportToolNote(message);
  }
  return true;
}

/// Parses --columns into options.columns: known names, each once, "layer"
/// (always shown) only first; false after reporting a bad list.
static bool parseColumns(ReportOptions &options) {
  if (emitAction != EmitAction::Table && emitAction != EmitAction::Markdown &&
      emitAction != EmitAction::None) {
    reportToolError("--columns chooses the columns of the table and of "
                    "Markdown; it cannot be used with --emit other than table "
                    "or markdown (JSON and CSV always carry every figure)");
    return false;
  }
  const std::vector<std::string> &names = ReportOptions::getColumnNames();
  std::string choices = llvm::join(names, ", ");
  llvm::SmallVector<llvm::StringRef, 8> items;
  llvm::StringRef(tableColumns).split(items, ',');
  for (size_t i = 0; i < items.size(); ++i) {
    llvm::StringRef item = items[i].trim();
    if (item.empty()) {
      reportToolError("--columns expects a comma-separated list of columns "
                      "(" + choices + "), got '" + tableColumns + "'");
      return false;
    }
    if (!llvm::is_contained(names, item)) {
      std::string message =
          "--columns: unknown column '" + item.str() + "'";
      if (auto closest = findClosest(item, names))
        message += "; did you mean '" + *closest + "'?";
      reportToolError(message + " (choose from " + choices + ")");
      return false;
    }
    if (item == "layer") {
      // The layer name is always the first column; naming it is allowed.
      if (i != 0) {
        reportToolError("--columns: 'layer' is always the first column; "
                        "list it first or leave it out");
        return false;
      }
      continue;
    }
    if (llvm::is_contained(options.columns, item)) {
      reportToolError("--columns: column '" + item + "' is listed twice");
      return false;
    }
    options.columns.push_back(item.str());
  }
  if (options.columns.empty()) {
    reportToolError("--columns needs at least one column besides 'layer' (" +
                    choices + ")");
    return false;
  }
  return true;
}

/// The image format of --emit=svg|png|pdf, or "" for the other actions.
static llvm::StringRef imageFormat() {
  switch (emitAction) {
  case EmitAction::Svg:
    return "svg";
  case EmitAction::Png:
    return "png";
  case EmitAction::Pdf:
    return "pdf";
  default:
    return "";
  }
}

/// PNG and PDF go to -o FILE or to a pipe or file, never to a terminal.
static bool checkImageOutput() {
  llvm::StringRef format = imageFormat();
  if (format.empty() || format == "svg")
    return true;
  if ((outputFile.empty() || outputFile == "-") &&
      llvm::sys::Process::StandardOutIsDisplayed()) {
    reportToolError("--emit=" + format + " writes binary data; it will not "
                    "be written to a terminal. Use -o FILE." + format +
                    ", or redirect standard output");
    return false;
  }
  return true;
}

/// Why --network NAME selected nothing: NAME is a network of an imported
/// file (which is not reported; say which file to run netc on), a likely
/// typo of one of the input's networks, or neither (list them).
static void reportMissingNetwork(const std::string &name,
                                 llvm::ArrayRef<CheckedModule> modules,
                                 const llvm::SourceMgr &sourceMgr) {
  std::vector<std::string> names;
  for (const CheckedModule &module : modules)
    for (const Graph &graph : module.graphs)
      names.push_back(graph.name);
  for (const CheckedModule &module : modules)
    for (const auto &[imported, loc] : module.importedNetworks) {
      if (imported != name)
        continue;
      unsigned id = sourceMgr.FindBufferContainingLoc(loc);
      std::string file =
          id ? sourceMgr.getMemoryBuffer(id)->getBufferIdentifier().str()
             : std::string("an imported file");
      reportToolError("network '" + name + "' is defined in the imported file '" +
                      file + "', and only the networks of the files named on "
                      "the command line are reported; run: netc " + file +
                      " --network " + name);
      return;
    }
  std::string message = "no network named '" + name + "' in the input";
  if (auto closest = findClosest(name, names)) {
    message += "; did you mean '" + *closest + "'?";
  } else if (names.empty()) {
    message += ", which defines no network";
  } else {
    message += "; its networks are ";
    for (size_t i = 0; i < names.size(); ++i)
      message += (i ? ", '" : "'") + names[i] + "'";
  }
  reportToolError(message);
}

/// An image shows one network: with several in the input, --network must
/// choose one.
static bool checkImageNetworks(llvm::ArrayRef<NetworkReport> reports) {
  if (reports.size() == 1)
    return true;
  llvm::StringRef format = imageFormat();
  if (reports.empty()) {
    reportToolError("--emit=" + format + " draws one network, and the input "
                    "has none");
    return false;
  }
  std::string names;
  for (const NetworkReport &report : reports)
    names += (names.empty() ? "" : ", ") + report.graph->name;
  reportToolError("--emit=" + format + " draws one network, and the input "
                  "has " + llvm::Twine(reports.size()) + " (" + names +
                  "); choose one with --network NAME");
  return false;
}

/// Replaces the DOT in \p text with the image Graphviz renders from it;
/// reports Graphviz's errors and warnings as netc's own. Returns the exit
/// status, ExitClean when the image is ready.
static int renderImage(std::string &text) {
  std::string image, error;
  std::vector<std::string> warnings;
  bool rendered = renderGraphviz(text, imageFormat(), image, error, &warnings);
  if (!suppressWarnings)
    for (const std::string &warning : warnings) {
      if (warningsAsErrors)
        reportToolError(warning);
      else
        reportToolWarning(warning);
    }
  if (!rendered) {
    reportToolError(error);
    return ExitUsage;
  }
  if (warningsAsErrors && !suppressWarnings && !warnings.empty())
    return ExitInputErrors;
  text = std::move(image);
  return ExitClean;
}

/// Reports "--OPTION must be a, b or c, got 'VALUE'", with "; did you mean
/// 'b'?" when VALUE looks like a typo of one (a case-only difference always
/// does: --optimizer Adam).
static void reportBadChoice(llvm::StringRef option,
                            llvm::ArrayRef<std::string> choices,
                            llvm::StringRef value) {
  std::string message = "--" + option.str() + " must be ";
  for (size_t i = 0; i < choices.size(); ++i)
    message += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") +
               choices[i];
  message += ", got '" + value.str() + "'";
  if (auto closest = findClosest(value, choices))
    message += "; did you mean '" + *closest + "'?";
  reportToolError(message);
}

/// Validates option values that llvm::cl cannot check itself.
static bool validateOptions(ReportOptions &options) {
  if (inputFiles.empty()) {
    reportToolError("no input files; usage: netc [options] FILE.net... "
                    "(see --help)");
    return false;
  }
  if (batchSize < 1) {
    reportToolError("--batch must be at least 1, got " +
                    llvm::Twine(batchSize));
    return false;
  }
  if (!dtypeName.empty()) {
    auto dtype = parseDType(dtypeName);
    if (!dtype || !isFloatingPoint(*dtype)) {
      reportBadChoice("dtype", {"f32", "f16", "bf16", "f64"}, dtypeName);
      return false;
    }
  }
  if (rankdir != "TB" && rankdir != "LR") {
    reportBadChoice("rankdir", {"TB", "LR"}, rankdir);
    return false;
  }
  options.rankdir = rankdir;
  if (tableDepth.getNumOccurrences() && tableDepth < 1) {
    reportToolError("--depth must be 1 or more, got " + llvm::Twine(tableDepth));
    return false;
  }
  options.depth = tableDepth;
  if (!fitBudget.empty()) {
    auto bytes = parseByteSize(fitBudget);
    if (!bytes || *bytes <= 0) {
      reportToolError("--fit expects a size such as 24GiB, 80GB or 512MiB, "
                      "got '" + fitBudget + "'");
      return false;
    }
    options.fitBudgetBytes = *bytes;
    options.fitBudgetText = fitBudget;
  }
  auto units = parseSizeUnit(unitsName);
  if (!units) {
    reportBadChoice("units", {"auto", "B", "KiB", "MiB", "GiB", "KB", "MB", "GB"},
                    unitsName);
    return false;
  }
  options.units = *units;
  if (!parseMemoryModel(memoryModelName)) {
    reportBadChoice("memory-model", {"classic", "pytorch"}, memoryModelName);
    return false;
  }
  if (explainFigures && emitAction != EmitAction::Table) {
    reportToolError("--explain adds to the table; it cannot be used with "
                    "--emit other than table");
    return false;
  }
  options.explain = explainFigures;
  if (tableColumns.getNumOccurrences() && !parseColumns(options))
    return false;
  if (maxSteps < 1) {
    reportToolError("--max-steps must be at least 1, got " +
                    llvm::Twine(maxSteps));
    return false;
  }
  if (maxLayers < 1) {
    reportToolError("--max-layers must be at least 1, got " +
                    llvm::Twine(maxLayers));
    return false;
  }
  return true;
}

/// The optimizer, precision and sharding options; false after reporting a
/// bad value.
static bool parseModelStates(ModelStateConfig &states) {
  if (!optimizerName.empty()) {
    auto optimizer = parseOptimizer(optimizerName);
    if (!optimizer) {
      reportBadChoice("optimizer",
                      {"sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad"},
                      optimizerName);
      return false;
    }
    states.optimizer = *optimizer;
  }
  if (!precisionName.empty() && precisionName != "mixed") {
    reportToolError("--precision must be mixed (use --dtype for one element "
                    "type everywhere), got '" + precisionName + "'");
    return false;
  }
  states.mixedPrecision = precisionName == "mixed";
  // Mixed precision fixes the element sizes itself; --dtype may only name
  // which 16-bit type it uses.
  if (states.mixedPrecision && !dtypeName.empty() &&
      getByteWidth(*parseDType(dtypeName)) != 2) {
    reportToolError("--precision mixed keeps weights, gradients and "
                    "activations in 16 bits, which --dtype " + dtypeName +
                    " contradicts; give --dtype f16 or bf16 to name the "
                    "16-bit type, or leave --dtype out");
    return false;
  }
  if (devices < 1) {
    reportToolError("--gpus must be at least 1, got " + llvm::Twine(devices));
    return false;
  }
  if (zeroStage < 0 || zeroStage > 3) {
    reportToolError("--zero must be 0, 1, 2 or 3, got " +
                    llvm::Twine(zeroStage));
    return false;
  }
  states.devices = devices;
  states.zeroStage = zeroStage;
  return true;
}

/// Parses each -D name=value into the check options.
static bool parseDefines(CheckOptions &options) {
  for (const std::string &define : defines) {
    auto [name, text] = llvm::StringRef(define).split('=');
    if (name.empty() || text.empty() || define.find('=') == std::string::npos) {
      reportToolError("-D expects name=value, got '" + define + "'");
      return false;
    }
    Value value;
    long long integer;
    double number;
    if (text == "true" || text == "false")
      value = Value::boolean(text == "true");
    else if (!text.getAsInteger(10, integer))
      value = Value::integer(integer);
    else if (!text.getAsDouble(number))
      value = Value::floating(number);
    else {
      reportToolError("-D " + name + ": '" + text +
                      "' is not an integer, a number, true or false");
      return false;
    }
    options.defines.push_back({name.str(), value});
  }
  options.maxLayers = maxLayers;
  options.maxSteps = maxSteps;
  options.maxImportDepth = maxImportDepth;
  return true;
}

/// The element type memory is counted in: --dtype, else f16 in mixed
/// precision (its 16-bit type), else the network's first input's type when
/// it is a float type, else f32.
static DType memoryDType(const Graph &graph) {
  if (!dtypeName.empty())
    return *parseDType(dtypeName);
  if (precisionName == "mixed")
    return DType::F16;
  return getDefaultMemoryDType(graph);
}

/// LLVM's Support library owns the `--color` option (a boolean). netc
/// documents `--color=auto|always|never`, so translate those spellings.
static std::vector<const char *> translateColorOption(int argc, char **argv) {
  std::vector<const char *> args;
  for (int i = 0; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (i > 0 && (arg.consume_front("--color=") || arg.consume_front("-color="))) {
      if (arg == "auto")
        continue;
      if (arg == "always") {
        args.push_back("--color=true");
        continue;
      }
      if (arg == "never") {
        args.push_back("--color=false");
        continue;
      }
    }
    args.push_back(argv[i]);
  }
  return args;
}

int main(int argc, char **argv) {
  PhaseTimes phaseTimes; // prints on return, with --time-phases
  llvm::InitLLVM initLLVM(argc, argv);
  std::vector<const char *> args = translateColorOption(argc, argv);
  // LLVM's own --color option: list it with netc's diagnostic options.
  auto &registered = cl::getRegisteredOptions();
  if (registered.count("color")) {
    cl::Option *color = registered["color"];
    color->addCategory(diagnosticCategory);
    color->setDescription("Colour diagnostics: --color=auto (on a terminal, "
                          "the default), always or never");
  }
  cl::HideUnrelatedOptions({&inputCategory, &outputCategory, &memoryCategory,
                            &diagnosticCategory});
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "netc " << NETC_VERSION << "\n";
  });
  if (!cl::ParseCommandLineOptions(
          args.size(), args.data(),
          "netc: check a neural-network description and report its shapes, "
          "parameters and memory\n",
          &llvm::errs()))
    return ExitUsage;

  // --diagnostics-format=json|sarif: one document on standard error, written
  // when main returns; from here on the driver's own errors go into it too.
  if (verifyDiagnostics && diagnosticsFormat != DiagnosticFormat::Text) {
    reportToolError("--verify-diagnostics checks the diagnostics instead of "
                    "writing them; it cannot be used with "
                    "--diagnostics-format");
    return ExitUsage;
  }
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<StructuredDiagnosticPrinter> structured =
      createStructuredDiagnosticPrinter(diagnosticsFormat, sourceMgr,
                                        llvm::errs(),
                                        {"netc", NETC_VERSION, ""});
  structuredPrinter = structured.get();
  DiagnosticOptions diagnosticOptions;
  if (!parseWarningOptions(diagnosticOptions))
    return ExitUsage;
  // A test file may expect any number of errors.
  diagnosticOptions.errorLimit =
      verifyDiagnostics && errorLimit.getNumOccurrences() == 0 ? 0
                                                               : errorLimit;

  ReportOptions options;
  CheckOptions checkOptions;
  ModelStateConfig modelStates;
  if (!validateOptions(options) || !parseDefines(checkOptions) ||
      !parseModelStates(modelStates))
    return ExitUsage;
  if (!checkImageOutput())
    return ExitUsage;

  // --color=always/never (see translateColorOption), else a terminal test.
  bool showColors = llvm::WithColor(llvm::errs()).colorsEnabled();

  TextDiagnosticPrinter printer(sourceMgr, llvm::errs(), showColors);
  VerifyDiagnosticConsumer verifier(sourceMgr);
  DiagnosticConsumer &consumer =
      verifyDiagnostics ? static_cast<DiagnosticConsumer &>(verifier)
      : structured      ? static_cast<DiagnosticConsumer &>(*structured)
                        : printer;
  FixItCollector fixItCollector(consumer);
  DiagnosticEngine diags(
      sourceMgr,
      applyFixItsOption ? static_cast<DiagnosticConsumer &>(fixItCollector)
                        : consumer,
      diagnosticOptions);

  // Parse and check every file; keep the graphs alive for the reports.
  std::vector<CheckedModule> modules;
  std::vector<std::unique_ptr<ast::Module>> asts;
  for (const std::string &path : inputFiles) {
    {
      PhaseTimes::Scope phase(phaseTimes, "read");
      if (!loadFile(sourceMgr, path))
        return ExitUsage;
    }
    unsigned bufferId = sourceMgr.getNumBuffers();
    ParseTimings parseTimings;
    std::unique_ptr<ast::Module> module =
        parseModule(bufferId, diags, {}, timePhases ? &parseTimings : nullptr);
    phaseTimes.addParse(parseTimings);
    if (!module)
      continue;
    if (module->getNetworks().empty() && module->getBlocks().empty() &&
        module->getConsts().empty()) {
      llvm::StringRef text = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
      diags.report(llvm::SMLoc::getFromPointer(text.data()),
                   diag::warn_empty_file);
    }
    // The graphs own everything the reports need: keep the AST only to
    // dump it. Otherwise the check frees each network statement once it has
    // run, as the AST of a long network is as large as its graph.
    {
      PhaseTimes::Scope phase(phaseTimes, "check");
      if (emitAction == EmitAction::AST)
        modules.push_back(checkModule(*module, diags, checkOptions));
      else
        modules.push_back(
            checkModuleReleasingStatements(*module, diags, checkOptions));
    }
    if (emitAction == EmitAction::AST) {
      asts.push_back(std::move(module));
    } else {
      PhaseTimes::Scope phase(phaseTimes, "free the AST");
      module.reset();
#ifdef __GLIBC__
      malloc_trim(0); // hand the freed pages back, lowering the peak RSS
#endif
    }
  }

  if (applyFixItsOption && !writeFixIts(sourceMgr, fixItCollector.getFixIts()))
    return ExitUsage;

  // Memory figures for every clean network selected.
  std::vector<NetworkReport> reports;
  bool foundNetwork = networkName.empty();
  std::optional<PhaseTimes::Scope> memoryPhase(std::in_place, phaseTimes,
                                               "memory analysis");
  for (const CheckedModule &module : modules)
    for (size_t i = 0; i < module.graphs.size(); ++i) {
      const Graph &graph = module.graphs[i];
      if (!networkName.empty() && graph.name != networkName)
        continue;
      foundNetwork = true;
      if (!module.clean[i])
        continue;
      if (auto report = buildNetworkReport(
              graph, memoryDType(graph), batchSize, modelStates,
              *parseMemoryModel(memoryModelName), diags))
        reports.push_back(std::move(*report));
    }
  memoryPhase.reset();

  if (verifyDiagnostics)
    return verifier.verify(llvm::errs(), showColors) ? ExitClean
                                                     : ExitInputErrors;
  if (diags.getNumErrors())
    return ExitInputErrors;
  if (!foundNetwork) {
    reportMissingNetwork(networkName, modules, sourceMgr);
    return ExitUsage;
  }
  if (!imageFormat().empty() && !checkImageNetworks(reports))
    return ExitUsage;

  std::string text;
  llvm::raw_string_ostream os(text);
  {
    PhaseTimes::Scope phase(phaseTimes, "emit " + emitActionName());
    if (emitAction == EmitAction::AST) {
      for (const auto &module : asts)
        ast::dump(*module, os);
    } else {
      emitReports(reports, options, os);
    }
    os.flush();
  }
  if (!imageFormat().empty()) {
    PhaseTimes::Scope phase(phaseTimes, "render " + imageFormat().str());
    if (int status = renderImage(text))
      return status;
  }
  PhaseTimes::Scope phase(phaseTimes, "write output");
  return writeOutput(text) ? ExitClean : ExitUsage;
}
