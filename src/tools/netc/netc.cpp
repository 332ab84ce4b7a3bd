//===- netc.cpp - the netc command-line driver ----------------------------===//
//
// netc [options] FILE.net...
// netc import FILE.onnx [-o FILE.net]
//
// Declares the options, sets up the diagnostics, and hands the run to the
// Frontend library: readInvocation checks the options, executeInvocation
// loads, parses, checks, analyses, emits and writes. After toyc and
// llvm-as: llvm::cl options in categories, every message a diagnostic of
// DiagnosticKinds.def. `netc import` is an llvm::cl::SubCommand with
// its own options (the input model and -o), handed to the Import library.
// Exit status: 0 clean, 1
// mistakes in the input, 2 a bad command line or a file that cannot be read
// or written (docs/diagnostics.md).
//
//===----------------------------------------------------------------------===//
#include "Version.h"

#include "netc/Basic/Numbers.h"
#include "netc/Basic/WarningOptions.h"
#include "netc/Frontend/Invocation.h"
#include "netc/Frontend/OutputFiles.h"
#include "netc/Import/OnnxImport.h"
#include "netc/LSP/LanguageServer.h"
#include "netc/Frontend/StructuredDiagnostics.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

#include <csignal>
#include <limits>

#include <unistd.h>

using namespace netc;
namespace cl = llvm::cl;

/// cl::values from a spelling table.
template <typename Enum> struct ValuesOf {
  SpellingTable<Enum> table;
  template <class Opt> void apply(Opt &option) const {
    for (const Spelling<Enum> &s : table)
      option.getParser().addLiteralOption(s.name, s.value, s.help);
  }
};

/// Reads an integer option as every number is read (Basic/Numbers.h):
/// decimal, with '_' separators. LLVM's own parser takes 010 as octal and
/// 0b11 as binary.
template <typename T> class DecimalParser : public cl::parser<T> {
public:
  using cl::parser<T>::parser;
  bool parse(cl::Option &option, llvm::StringRef, llvm::StringRef arg,
             T &value) {
    std::optional<int64_t> parsed = parseDecimalInteger(arg);
    if (!parsed)
      return option.error("'" + arg + "' is not a decimal integer");
    if (*parsed < int64_t(std::numeric_limits<T>::min()) ||
        (*parsed > 0 &&
         uint64_t(*parsed) > uint64_t(std::numeric_limits<T>::max())))
      return option.error("'" + arg + "' is out of range (" +
                          std::to_string(std::numeric_limits<T>::min()) +
                          " to " +
                          std::to_string(std::numeric_limits<T>::max()) + ")");
    value = T(*parsed);
    return false;
  }
};
/// An integer option, read by DecimalParser.
template <typename T> using IntegerOption = cl::opt<T, false, DecimalParser<T>>;

/// Reads a number option as a .net file spells numbers: 1.5, 2e3, 1_000;
/// LLVM's own parser also takes 0x10, inf and nan.
class NumberParser : public cl::parser<double> {
public:
  using cl::parser<double>::parser;
  bool parse(cl::Option &option, llvm::StringRef, llvm::StringRef arg,
             double &value) {
    std::optional<double> parsed = parseDecimalNumber(arg);
    if (!parsed)
      return option.error("'" + arg + "' is not a decimal number");
    value = *parsed;
    return false;
  }
};

static cl::OptionCategory inputCategory("Input options");
static cl::OptionCategory outputCategory("Output options");
static cl::OptionCategory memoryCategory("Memory model options");
static cl::OptionCategory diagnosticCategory("Diagnostic options");

// `netc import FILE.onnx [-o FILE.net]`: the subcommand and its options.
// --diagnostics-format and --color apply to it as well.
static cl::SubCommand importCommand(
    "import", "Translate an ONNX model into a .net file: netc import "
              "FILE.onnx [-o FILE.net] (docs/import.md)");
static cl::OptionCategory importCategory("Import options");
static cl::list<std::string> importInputs(cl::Positional,
                                          cl::desc("<model.onnx>"),
                                          cl::sub(importCommand),
                                          cl::cat(importCategory));
static cl::opt<std::string> importOutput(
    "o",
    cl::desc("Write the .net file to <file> (whole or not at all, never "
             "over the model) instead of standard output"),
    cl::value_desc("file"), cl::sub(importCommand), cl::cat(importCategory));

// `netc fmt [--check | -i] FILE.net...`: the canonical layout
// (docs/formatting.md).
static cl::SubCommand fmtCommand(
    "fmt", "Lay .net files out in the one canonical style: netc fmt "
           "[--check | -i] FILE.net... (docs/formatting.md)");
static cl::OptionCategory fmtCategory("Format options");
static cl::list<std::string> fmtInputs(cl::Positional,
                                       cl::desc("<file.net>..."),
                                       cl::sub(fmtCommand), cl::cat(fmtCategory));
static cl::opt<bool> fmtCheck(
    "check",
    cl::desc("Change nothing: print a diff of each file that is not "
             "formatted, and exit with status 1 if there is one"),
    cl::sub(fmtCommand), cl::cat(fmtCategory));
static cl::opt<bool> fmtInPlace(
    "i",
    cl::desc("Rewrite each file that is not formatted (whole or not at all, "
             "keeping its mode and links, as --fixit)"),
    cl::sub(fmtCommand), cl::cat(fmtCategory));

// `netc lsp`: the language server, on standard input and output
// (docs/editors.md).
static cl::SubCommand lspCommand(
    "lsp", "Serve the Language Server Protocol on standard input and output "
           "for editors: netc lsp (docs/editors.md)");
static cl::OptionCategory lspCategory("Language server options");
static cl::opt<bool> lspDelimited(
    "delimited",
    cl::desc("Read messages separated by lines of '---' instead of "
             "Content-Length headers (transcript tests)"),
    cl::sub(lspCommand), cl::cat(lspCategory));
static IntegerOption<unsigned> lspMaxMessageMiB(
    "max-message-size",
    cl::desc("Largest message read, in MiB (default 512); a larger one is "
             "skipped"),
    cl::value_desc("MiB"), cl::init(512), cl::sub(lspCommand),
    cl::cat(lspCategory));
static cl::opt<bool> lspVerbose(
    "verbose", cl::desc("Log each message's method and time to standard error"),
    cl::sub(lspCommand), cl::cat(lspCategory));

static cl::list<std::string> inputFiles(cl::Positional, cl::desc("<file.net>..."),
                                        cl::cat(inputCategory));
static cl::opt<std::string> networkName(
    "network", cl::desc("Report only the network named <name>"),
    cl::value_desc("name"), cl::cat(inputCategory));
static cl::list<std::string> defines(
    "D", cl::Prefix,
    cl::desc("Set a network parameter: -D size=320 (integers, numbers, true "
             "or false, strings: -D preset=large)"),
    cl::value_desc("name=value"), cl::cat(inputCategory));
static IntegerOption<long long> maxLayers(
    "max-layers", cl::desc("Most layers one network may expand to (default 1000000)"),
    cl::init(1'000'000), cl::cat(inputCategory));
static IntegerOption<long long> maxNameBytes(
    "max-name-bytes",
    cl::desc("Most bytes the layer names of one network may take together "
             "(default 268435456, 256 MiB)"),
    cl::init(256LL << 20), cl::cat(inputCategory));
static IntegerOption<long long> maxSteps(
    "max-steps",
    cl::desc("Most statements one network may run while it expands (default "
             "50000000)"),
    cl::init(50'000'000), cl::cat(inputCategory));
static IntegerOption<unsigned> maxImportDepth(
    "max-import-depth", cl::desc("Deepest chain of imports (default 64)"),
    cl::init(64), cl::cat(inputCategory));
static cl::opt<std::string> importRoot(
    "import-root",
    cl::desc("The folder imports must stay under (default: the folder of "
             "each input file)"),
    cl::value_desc("folder"), cl::cat(inputCategory));
static IntegerOption<unsigned> maxFileMiB(
    "max-file-size", cl::desc("Largest input file, in MiB (default 256)"),
    cl::value_desc("MiB"), cl::init(DefaultMaxFileBytes >> 20),
    cl::cat(inputCategory));

static cl::opt<EmitAction> emitAction(
    "emit", cl::desc("What to write:"), cl::init(EmitAction::Table),
    ValuesOf<EmitAction>{getEmitActionSpellings()}, cl::cat(outputCategory));
static cl::opt<std::string> outputFile(
    "o", cl::desc("Write the output to <file> (atomically) instead of standard output"),
    cl::value_desc("file"), cl::cat(outputCategory));
static IntegerOption<int> tableDepth(
    "depth",
    cl::desc("Show block calls nested N deep as one row each, summing their "
             "layers (1: one row per block the network calls; default: every "
             "layer)"),
    cl::value_desc("N"), cl::init(-1), cl::cat(outputCategory));
static cl::opt<std::string> tableColumns(
    "columns",
    cl::desc("Columns of the table and of Markdown, in order, after the layer "
             "name: op, shape, params, buffers, activations, macs, flops, saved "
             "(default: op,shape,params,buffers,activations,macs; buffers only "
             "when the network has any)"),
    cl::value_desc("list"), cl::cat(outputCategory));
static cl::opt<std::string> rankdir(
    "rankdir", cl::desc("Graphviz layout direction: TB or LR"), cl::init("TB"),
    cl::cat(outputCategory));
static cl::opt<double, false, NumberParser> renderTimeout(
    "render-timeout",
    cl::desc("Stop --emit=svg, png or pdf after this many seconds of "
             "Graphviz's layout and drawing (default 30; 0: no limit; at most 86400)"),
    cl::value_desc("seconds"), cl::init(DefaultRenderTimeoutSeconds),
    cl::cat(outputCategory));
static cl::opt<bool> timePhases(
    "time-phases",
    cl::desc("At the end, print the wall time and peak memory of each phase "
             "(read, lex, parse, AST, check, memory, emit) to standard error"),
    cl::cat(outputCategory));

static IntegerOption<long long> batchSize(
    "batch", cl::desc("Batch size for training memory (default 1)"),
    cl::init(1), cl::cat(memoryCategory));
static cl::opt<std::string> dtypeName(
    "dtype", cl::desc("Element type for memory: f32 (default), f16, bf16, f64"),
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
static IntegerOption<long long> devices(
    "gpus",
    cl::desc("Data-parallel devices the model states are sharded over with "
             "--zero (default 1)"),
    cl::init(1), cl::cat(memoryCategory));
static IntegerOption<int> zeroStage(
    "zero",
    cl::desc("ZeRO stage: 0 none, 1 shards optimizer states, 2 also "
             "gradients, 3 also weights"),
    cl::init(0), cl::cat(memoryCategory));
static cl::opt<std::string> fitBudget(
    "fit",
    cl::desc("Print the largest batch whose training memory fits <size>, "
             "such as 24GiB or 80GB"),
    cl::value_desc("size"), cl::cat(memoryCategory));
static IntegerOption<long long> contextTokens(
    "context",
    cl::desc("Also print inference memory with a key-value cache of <n> "
             "tokens per sequence (of --batch sequences): weights, the "
             "attention layers' cache and the activations"),
    cl::value_desc("n"), cl::init(0), cl::cat(memoryCategory));
static cl::opt<bool> fitContext(
    "fit-context",
    cl::desc("With --fit and --context: print the longest context whose "
             "inference memory fits, instead of the largest batch"),
    cl::cat(memoryCategory));
static cl::list<std::string> freezePatterns(
    "freeze",
    cl::desc("Freeze the parameters of the layers whose names match <pattern>, "
             "a glob such as x.*.q_proj or tok (repeatable): still weights, "
             "but without gradients or optimizer states"),
    cl::value_desc("pattern"), cl::cat(memoryCategory));
static cl::opt<std::string> loraSpec(
    "lora",
    cl::desc("Add LoRA adapters and freeze every other parameter, as PEFT "
             "does: rank=8,alpha=16,dropout=0.05,targets=q_proj,v_proj "
             "(rank and targets required; alpha 8 and dropout 0 by default; "
             "a target is a dense layer's name or its last parts)"),
    cl::value_desc("rank=R,alpha=A,targets=T1,T2"), cl::cat(memoryCategory));
static cl::opt<std::string> weightFormat(
    "weights",
    cl::desc("Store dense weights quantized: int8 (1 byte), int4 (4 bits) or "
             "nf4 (4 bits and an f32 absmax per block of 64); the frozen "
             "ones in training, all in inference, never the head's"),
    cl::value_desc("format"), cl::cat(memoryCategory));
static cl::opt<std::string> memoryModelName(
    "memory-model",
    cl::desc("Memory model of the training and inference figures: classic "
             "(the recipe, default) or pytorch (what autograd keeps, and the "
             "inference peak by liveness; the default with --recompute, --tp, "
             "--sp, --pp and --micro-batches)"),
    cl::value_desc("model"), cl::cat(memoryCategory));
static cl::opt<std::string> recomputeName(
    "recompute",
    cl::desc("What the backward pass recomputes instead of keeping: none "
             "(default), selective (the attention ops' scores and masks) or "
             "full (all of each layer but its input)"),
    cl::value_desc("policy"), cl::cat(memoryCategory));
static IntegerOption<long long> tensorParallel(
    "tp",
    cl::desc("Tensor-parallel devices each layer's matrices are split over, "
             "as Megatron-LM splits them (default 1)"),
    cl::value_desc("n"), cl::init(1), cl::cat(memoryCategory));
static cl::opt<bool> sequenceParallel(
    "sp",
    cl::desc("With --tp: split the tensors tensor parallelism keeps whole "
             "(norms, dropout) by tokens"),
    cl::cat(memoryCategory));
static IntegerOption<long long> pipelineParallel(
    "pp",
    cl::desc("Pipeline stages the block calls of the network body are "
             "divided into; memory is the first stage's (default 1)"),
    cl::value_desc("n"), cl::init(1), cl::cat(memoryCategory));
static IntegerOption<long long> microBatches(
    "micro-batches",
    cl::desc("Micro-batches per step with --pp (default: as many as stages); "
             "--batch is then the micro-batch"),
    cl::value_desc("m"), cl::init(0), cl::cat(memoryCategory));
static cl::opt<std::string> unitsName(
    "units",
    cl::desc("Unit of the size columns: auto (binary units sized to the "
             "figures, default), B, KiB, MiB, GiB, KB, MB, GB"),
    cl::value_desc("unit"), cl::init("auto"), cl::cat(memoryCategory));
static cl::opt<bool> explainFigures(
    "explain", cl::desc("After the table, derive every memory figure step by step"),
    cl::cat(memoryCategory));

// -Werror, -Wno-error, -WGROUP, -Wno-GROUP, -Werror=GROUP, -Wno-error=GROUP:
// one prefix option, applied in order (WarningOptions.h).
static cl::list<std::string> warningOptions(
    "W", cl::AlwaysPrefix,
    cl::desc("Warnings: -Werror (all as errors), -Wno-GROUP (silence a group), "
             "-WGROUP, -Werror=GROUP, -Wno-error=GROUP"),
    cl::value_desc("option"), cl::cat(diagnosticCategory));
static cl::opt<bool> suppressWarnings("w", cl::desc("Suppress all warnings"),
                                      cl::cat(diagnosticCategory));
static cl::opt<DiagnosticFormat> diagnosticsFormat(
    "diagnostics-format", cl::desc("How diagnostics are written to standard error:"),
    cl::init(DiagnosticFormat::Text), cl::sub(*cl::TopLevelSubCommand),
    cl::sub(importCommand), cl::sub(fmtCommand),
    ValuesOf<DiagnosticFormat>{getDiagnosticFormatSpellings()},
    cl::cat(diagnosticCategory));
static cl::opt<bool> applyFixItsOption(
    "fixit",
    cl::desc("Apply the fix-its of errors and warnings to the input files "
             "(each file rewritten atomically)"),
    cl::cat(diagnosticCategory));
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check that the diagnostics match the expected-error/warning/note "
             "comments in the input"),
    cl::cat(diagnosticCategory));
static IntegerOption<unsigned> errorLimit(
    "error-limit",
    cl::desc("Show at most N errors, then one line saying how many more there "
             "were (default 20; 0 shows all; --verify-diagnostics shows all "
             "unless given)"),
    cl::value_desc("N"), cl::init(20), cl::cat(diagnosticCategory));

/// The options as spelt on the command line.
static InvocationOptions getInvocationOptions() {
  InvocationOptions o;
  o.inputs = inputFiles;
  o.network = networkName;
  o.defines = defines;
  o.maxLayers = maxLayers;
  o.maxSteps = maxSteps;
  o.maxNameBytes = maxNameBytes;
  o.maxImportDepth = maxImportDepth;
  o.importRoot = importRoot;
  o.maxFileMiB = maxFileMiB;
  o.action = emitAction;
  o.outputFile = outputFile;
  if (tableDepth.getNumOccurrences())
    o.depth = tableDepth;
  if (tableColumns.getNumOccurrences())
    o.columns = tableColumns;
  o.rankdir = rankdir;
  o.renderTimeout = renderTimeout;
  o.batch = batchSize;
  o.dtype = dtypeName;
  o.optimizer = optimizerName;
  o.precision = precisionName;
  o.devices = devices;
  o.zeroStage = zeroStage;
  o.fit = fitBudget;
  o.context = contextTokens;
  o.fitContext = fitContext;
  o.freeze = freezePatterns;
  if (loraSpec.getNumOccurrences())
    o.lora = loraSpec;
  o.weights = weightFormat;
  o.memoryModel = memoryModelName;
  o.recompute = recomputeName;
  o.tensorParallel = tensorParallel;
  o.sequenceParallel = sequenceParallel;
  o.pipelineParallel = pipelineParallel;
  o.microBatches = microBatches;
  o.units = unitsName;
  o.explain = explainFigures;
  o.applyFixIts = applyFixItsOption;
  return o;
}

/// `netc import`: reads the model, writes the .net text; the exit status.
static int runImport(DiagnosticEngine &diags) {
  if (importInputs.size() != 1) {
    diags.report(llvm::SMLoc(), diag::err_onnx_usage,
                 std::to_string(importInputs.size()));
    return ExitUsage;
  }
  bool fileProblem = false;
  std::optional<std::string> text =
      importOnnxModel(importInputs[0], diags, fileProblem);
  if (!text)
    return fileProblem ? ExitUsage : ExitInputErrors;
  if (!writeOutputFile(importOutput, *text, diags, {importInputs[0]}))
    return ExitUsage;
  return ExitClean;
}

/// LLVM's Support library owns `--color` (a boolean); netc documents
/// `--color=auto|always|never`, so translate those spellings.
static std::vector<const char *> translateColorOption(int argc, char **argv) {
  std::vector<const char *> args;
  for (int i = 0; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (i > 0 && (arg.consume_front("--color=") || arg.consume_front("-color="))) {
      if (arg == "auto")
        continue;
      if (arg == "always" || arg == "never") {
        args.push_back(arg == "always" ? "--color=true" : "--color=false");
        continue;
      }
    }
    args.push_back(argv[i]);
  }
  return args;
}

int main(int argc, char **argv) {
  PhaseTimes phaseTimes; // from the start, to time what comes before main
  llvm::InitLLVM initLLVM(argc, argv);
  std::vector<const char *> args = translateColorOption(argc, argv);
  if (cl::Option *color = cl::getRegisteredOptions().lookup("color")) {
    color->Categories.clear(); // listed once, with netc's diagnostic options
    color->addCategory(diagnosticCategory);
    color->setDescription("Colour diagnostics: --color=auto (on a terminal, "
                          "the default), always or never");
    // Registered for the top level only; `netc import` takes it too.
    color->removeArgument();
    color->addSubCommand(*cl::TopLevelSubCommand);
    color->addSubCommand(importCommand);
    color->addSubCommand(fmtCommand);
    color->addArgument();
  }
  cl::HideUnrelatedOptions(
      {&inputCategory, &outputCategory, &memoryCategory, &diagnosticCategory});
  cl::HideUnrelatedOptions({&importCategory, &diagnosticCategory},
                           importCommand);
  cl::HideUnrelatedOptions({&fmtCategory, &diagnosticCategory}, fmtCommand);
  cl::HideUnrelatedOptions({&lspCategory}, lspCommand);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) { os << "netc " << NETC_VERSION << "\n"; });
  if (!cl::ParseCommandLineOptions(args.size(), args.data(),
                                   "netc: check a neural-network description "
                                   "and report its shapes, parameters and "
                                   "memory\n",
                                   &llvm::errs()))
    return ExitUsage;

  // Diagnostics: clang-style text, one JSON or SARIF document (written when
  // the run ends), or checked against the input's expectations.
  bool showColors = llvm::WithColor(llvm::errs()).colorsEnabled();
  bool verifying = verifyDiagnostics && diagnosticsFormat == DiagnosticFormat::Text;
  llvm::SourceMgr sourceMgr;
  TextDiagnosticPrinter printer(sourceMgr, llvm::errs(), showColors);
  std::unique_ptr<StructuredDiagnosticPrinter> structured =
      createStructuredDiagnosticPrinter(diagnosticsFormat, sourceMgr, llvm::errs(),
                                        {"netc", NETC_VERSION, ""});
  VerifyDiagnosticConsumer verifier(sourceMgr, &printer);
  DiagnosticConsumer &consumer =
      verifying    ? static_cast<DiagnosticConsumer &>(verifier)
      : structured ? static_cast<DiagnosticConsumer &>(*structured)
                   : printer;
  FixItCollector fixIts(consumer);
  DiagnosticOptions diagnosticOptions;
  diagnosticOptions.suppressWarnings = suppressWarnings;
  std::vector<std::pair<std::string, std::optional<std::string>>> unknownWarnings;
  for (const std::string &value : warningOptions) {
    std::optional<std::string> suggestion;
    if (!applyWarningOption(diagnosticOptions, value, suggestion))
      unknownWarnings.push_back({value, suggestion});
  }
  // A test file may expect any number of errors.
  diagnosticOptions.errorLimit =
      verifyDiagnostics && !errorLimit.getNumOccurrences() ? 0 : errorLimit;
  DiagnosticEngine diags(sourceMgr,
                         applyFixItsOption ? static_cast<DiagnosticConsumer &>(fixIts) : consumer,
                         diagnosticOptions);
  if (verifyDiagnostics && !verifying)
    diags.report(llvm::SMLoc(), diag::err_drv_verify_format);
  for (const auto &[value, suggestion] : unknownWarnings)
    if (suggestion)
      diags.report(llvm::SMLoc(), diag::warn_drv_unknown_warning_option_suggest, value, *suggestion);
    else
      diags.report(llvm::SMLoc(), diag::warn_drv_unknown_warning_option, value);

  Invocation invocation;
  int status = ExitUsage;
  if (lspCommand) {
    // Standard output carries the protocol alone; a client that goes away
    // ends the server with an error on its pipe, not with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    LanguageServerOptions lsp;
    lsp.delimitedInput = lspDelimited;
    lsp.verbose = lspVerbose;
    lsp.maxMessageBytes = uint64_t(lspMaxMessageMiB) << 20;
    // Someone who typed `netc lsp` at a terminal learns what it waits for.
    if (::isatty(0))
      llvm::errs() << "netc lsp: serving the Language Server Protocol on "
                      "standard input and output, for an editor to start "
                      "(docs/editors.md); Ctrl-D ends it\n";
    lsp.version = NETC_VERSION;
    status = runLanguageServer(stdin, llvm::outs(), llvm::errs(), lsp);
    if (llvm::outs().has_error())
      llvm::outs().clear_error();
  } else if (importCommand) {
    if (!diags.getNumErrors())
      status = runImport(diags);
  } else if (fmtCommand) {
    if (fmtCheck && fmtInPlace)
      diags.report(llvm::SMLoc(), diag::err_fmt_check_and_in_place);
    else if (!diags.getNumErrors())
      status = formatFiles(fmtInputs,
                           fmtCheck     ? FormatMode::Check
                           : fmtInPlace ? FormatMode::InPlace
                                        : FormatMode::Print,
                           DefaultMaxFileBytes, diags, llvm::outs());
  } else if (!diags.getNumErrors() &&
      readInvocation(getInvocationOptions(), invocation, diags))
    status = executeInvocation(invocation, diags, fixIts,
                               verifying ? &verifier : nullptr,
                               showColors, timePhases ? &phaseTimes : nullptr);
  if (structured)
    structured->finish();
  if (timePhases)
    phaseTimes.print(llvm::errs(),
                     "(lex: the lexer and the token filter, interleaved with "
                     "parsing and timed apart; direct: the hand parser, straight "
                     "into the AST; ANTLR: only when the hand "
                     "parser gives up; peak RSS: at the end of the phase; "
                     "imports are parsed within check)");
  // Standard error that cannot be written (a full disk, a closed
  // descriptor) loses the diagnostics but not the exit status; LLVM would
  // otherwise abort when the stream is destroyed.
  if (llvm::errs().has_error())
    llvm::errs().clear_error();
  return status;
}
