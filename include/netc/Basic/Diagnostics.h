//===- Diagnostics.h - the one diagnostics engine of netc -------*- C++ -*-===//
//
// Every stage reports errors, warnings and notes through DiagnosticEngine.
// Diagnostics are declared once in DiagnosticKinds.def; a report names its
// kind, a location, the formatv arguments, and optionally ranges, fix-its and
// notes. A DiagnosticConsumer decides what happens to each finished
// diagnostic: TextDiagnosticPrinter prints it clang-style through
// llvm::SourceMgr, VerifyDiagnosticConsumer (Verify.h) checks it against the
// expectations written in the source.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/SourceLines.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace netc {

/// The identity of every diagnostic netc can emit.
namespace diag {
enum Kind : unsigned {
#define DIAG(ID, SEVERITY, GROUP, FORMAT) ID,
#include "netc/Basic/DiagnosticKinds.def"
  NumKinds
};
} // namespace diag

/// How serious a diagnostic is.
enum class Severity { Note, Warning, Error };

/// "note", "warning" or "error", as diagnostics print it.
llvm::StringRef getSeverityName(Severity severity);

/// The static description of one diagnostic kind.
struct DiagnosticInfo {
  llvm::StringLiteral name;
  Severity severity;
  llvm::StringLiteral group;
  llvm::StringLiteral format;
};

/// Returns the static description of \p kind.
const DiagnosticInfo &getDiagnosticInfo(diag::Kind kind);

/// The longest text a message quotes whole. A longer quoted argument (a
/// name of a megabyte) is cut at a character boundary, with its size: a
/// message stays a line, whatever the input.
constexpr size_t MaxMessageArgumentBytes = 160;

/// \p text, or its first MaxMessageArgumentBytes (whole UTF-8 characters)
/// then "... (N bytes)".
std::string shortenMessageArgument(llvm::StringRef text);

/// The arguments \p format quotes ('{0}'), as a bit per index: names and
/// spellings from the input. The others (a figure, a type, an error text
/// from the system or Graphviz) are shown whole.
uint64_t getQuotedArguments(llvm::StringRef format);

/// A message argument as formatv receives it: quoted text shortened
/// (shortenMessageArgument), anything else unchanged.
template <typename T>
decltype(auto) prepareMessageArgument(T &&arg, bool quoted) {
  using Plain = std::decay_t<T>;
  if constexpr (std::is_same_v<Plain, std::string> ||
                std::is_same_v<Plain, llvm::StringRef> ||
                std::is_same_v<Plain, const char *> ||
                std::is_same_v<Plain, char *>)
    return quoted ? shortenMessageArgument(llvm::StringRef(arg))
                  : std::string(llvm::StringRef(arg));
  else
    return std::forward<T>(arg);
}

/// Formats \p format with \p args, quoted text shortened.
template <typename... Ts, size_t... Is>
std::string formatMessage(llvm::StringRef format, std::index_sequence<Is...>,
                          Ts &&...args) {
  uint64_t quoted = getQuotedArguments(format);
  return llvm::formatv(format.data(),
                       prepareMessageArgument(std::forward<Ts>(args),
                                              (quoted >> Is) & 1)...)
      .str();
}
template <typename... Ts>
std::string formatMessage(llvm::StringRef format, Ts &&...args) {
  return formatMessage(format, std::index_sequence_for<Ts...>(),
                       std::forward<Ts>(args)...);
}

/// A replacement of the text in a range (an empty range inserts).
struct FixIt {
  llvm::SMRange range;
  std::string replacement;
};

/// A finished diagnostic: its final severity, location, text and attachments.
struct Diagnostic {
  diag::Kind kind = diag::NumKinds;
  Severity severity = Severity::Error;
  llvm::SMLoc loc;
  std::string message;
  std::vector<llvm::SMRange> ranges;
  std::vector<FixIt> fixIts;
  std::vector<Diagnostic> notes;
  /// False when the source line is not worth showing (binary bytes).
  bool showSourceLine = true;
  /// The warning option that \c message ends with in brackets, as clang
  /// prints it: "-WGROUP" for a warning, "-Werror,-WGROUP" for a warning
  /// made an error (WarningOptions.h); empty for errors and notes.
  std::string flag;

  /// The message without the trailing " [flag]".
  llvm::StringRef getMessageWithoutFlag() const {
    llvm::StringRef text(message);
    if (!flag.empty())
      text.consume_back(" [" + flag + "]");
    return text;
  }
};

/// Receives each finished diagnostic.
class DiagnosticConsumer {
public:
  virtual ~DiagnosticConsumer();
  /// Handles one diagnostic, with its notes attached.
  virtual void handle(const Diagnostic &diagnostic) = 0;
};

/// Prints diagnostics as clang does: file:line:col, the source line, a caret
/// and range underline, fix-it text, then the notes. A diagnostic costs the
/// same on a line of any length: longer lines are shown as a window around
/// the location, and lines and columns come from SourceLines.
class TextDiagnosticPrinter : public DiagnosticConsumer {
public:
  TextDiagnosticPrinter(llvm::SourceMgr &sourceMgr, llvm::raw_ostream &os,
                        bool showColors)
      : sourceMgr(sourceMgr), lines(sourceMgr), os(os),
        showColors(showColors) {}
  void handle(const Diagnostic &diagnostic) override;
  /// Prints \p diagnostic alone, without its notes.
  void print(const Diagnostic &diagnostic);

  /// Longer source lines are shown as a window around the location.
  static constexpr unsigned MaxShownLineLength = 200;

private:
  void printTo(llvm::raw_ostream &out, const Diagnostic &diagnostic);
  void printExcerpt(llvm::raw_ostream &out, const Diagnostic &diagnostic,
                    llvm::StringRef window);
  llvm::SourceMgr &sourceMgr;
  SourceLines lines;
  llvm::raw_ostream &os;
  bool showColors;
};

class DiagnosticEngine;

/// Collects a diagnostic's ranges, fix-its and notes; hands the diagnostic to
/// the engine when it goes out of scope.
class DiagnosticBuilder {
public:
  DiagnosticBuilder(DiagnosticEngine *engine, Diagnostic diagnostic)
      : engine(engine), diagnostic(std::move(diagnostic)) {}
  DiagnosticBuilder(DiagnosticBuilder &&other) noexcept
      : engine(other.engine), diagnostic(std::move(other.diagnostic)) {
    other.engine = nullptr;
  }
  DiagnosticBuilder(const DiagnosticBuilder &) = delete;
  DiagnosticBuilder &operator=(const DiagnosticBuilder &) = delete;
  ~DiagnosticBuilder();

  /// Underlines \p range in the source line (ignored if invalid).
  DiagnosticBuilder &range(llvm::SMRange range) {
    if (range.isValid())
      diagnostic.ranges.push_back(range);
    return *this;
  }
  /// Suggests replacing \p range with \p replacement.
  DiagnosticBuilder &fixIt(llvm::SMRange range, llvm::StringRef replacement) {
    diagnostic.fixIts.push_back({range, replacement.str()});
    return *this;
  }
  /// Attaches a note of kind \p kind at \p loc.
  template <typename... Ts>
  DiagnosticBuilder &note(llvm::SMLoc loc, diag::Kind kind, Ts &&...args) {
    Diagnostic n;
    n.kind = kind;
    n.severity = Severity::Note;
    n.loc = loc;
    n.message = formatMessage(getDiagnosticInfo(kind).format,
                              std::forward<Ts>(args)...);
    diagnostic.notes.push_back(std::move(n));
    return *this;
  }
  /// Prints only the location and message, not the source line.
  DiagnosticBuilder &hideSourceLine() {
    diagnostic.showSourceLine = false;
    return *this;
  }
  /// Suggests, on the most recent note, replacing \p range with
  /// \p replacement: shown with the note, never applied by --fixit (as
  /// clang, which applies only the fix-its of errors and warnings).
  DiagnosticBuilder &noteFixIt(llvm::SMRange range,
                               llvm::StringRef replacement) {
    if (!diagnostic.notes.empty())
      diagnostic.notes.back().fixIts.push_back({range, replacement.str()});
    return *this;
  }
  /// Attaches a range to the most recent note.
  DiagnosticBuilder &noteRange(llvm::SMRange range) {
    if (!diagnostic.notes.empty() && range.isValid())
      diagnostic.notes.back().ranges.push_back(range);
    return *this;
  }

private:
  DiagnosticEngine *engine;
  Diagnostic diagnostic;
};

/// Options that change how warnings are treated.
struct DiagnosticOptions {
  bool warningsAsErrors = false; ///< -Werror
  bool suppressWarnings = false; ///< -w
  /// Per warning group, the last of -WGROUP (true) and -Wno-GROUP (false);
  /// a group not listed is enabled. See WarningOptions.h.
  std::map<std::string, bool, std::less<>> groupEnabled;
  /// Per warning group, the last of -Werror=GROUP (true) and
  /// -Wno-error=GROUP (false); a group not listed follows -Werror.
  std::map<std::string, bool, std::less<>> groupAsError;
  /// --error-limit: after this many errors, the rest (and every warning)
  /// are counted but not shown; 0 shows all.
  unsigned errorLimit = 0;
};

/// Creates diagnostics, applies the warning options, counts errors and hands
/// each diagnostic to the consumer.
class DiagnosticEngine {
public:
  DiagnosticEngine(llvm::SourceMgr &sourceMgr, DiagnosticConsumer &consumer,
                   DiagnosticOptions options = {})
      : sourceMgr(sourceMgr), consumer(&consumer), options(options) {}

  /// Starts a diagnostic of kind \p kind at \p loc; formats \p args into the
  /// kind's message. It is emitted when the returned builder is destroyed.
  template <typename... Ts>
  DiagnosticBuilder report(llvm::SMLoc loc, diag::Kind kind, Ts &&...args) {
    // Past the error limit an error is only counted: formatting it and
    // remembering it cost more than everything else on an input of
    // nothing but errors.
    if (errorLimitReported &&
        getDiagnosticInfo(kind).severity == Severity::Error) {
      ++numErrors;
      return DiagnosticBuilder(nullptr, Diagnostic());
    }
    Diagnostic d;
    d.kind = kind;
    d.severity = getDiagnosticInfo(kind).severity;
    d.loc = loc;
    d.message = formatMessage(getDiagnosticInfo(kind).format,
                              std::forward<Ts>(args)...);
    return DiagnosticBuilder(this, std::move(d));
  }

  /// Emits a finished diagnostic (used by DiagnosticBuilder).
  void emit(Diagnostic diagnostic);

  /// While a context is pushed, every error and warning gets a note of kind
  /// \p kind at \p loc, innermost context first (as C++ compilers show
  /// template instantiations). Past ContextNotesShown contexts, the middle
  /// ones become one note saying how many were left out.
  void pushContext(llvm::SMLoc loc, diag::Kind kind, std::string argument) {
    contexts.push_back({loc, kind, std::move(argument)});
  }
  void popContext() { contexts.pop_back(); }
  /// The most context notes one diagnostic carries (half innermost, half
  /// outermost).
  static constexpr size_t ContextNotesShown = 10;

  unsigned getNumErrors() const { return numErrors; }
  unsigned getNumWarnings() const { return numWarnings; }
  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }
  const DiagnosticOptions &getOptions() const { return options; }
  void setConsumer(DiagnosticConsumer &c) { consumer = &c; }

private:
  llvm::SourceMgr &sourceMgr;
  DiagnosticConsumer *consumer;
  DiagnosticOptions options;
  unsigned numErrors = 0;
  unsigned numWarnings = 0;
  struct Context {
    llvm::SMLoc loc;
    diag::Kind kind;
    std::string argument;
  };
  std::vector<Context> contexts;
  /// True once the error limit's message has been given.
  bool errorLimitReported = false;
  /// (location, message) of every error and warning emitted, so that a
  /// mistake in a block called many times is reported once.
  std::set<std::pair<const char *, std::string>> emitted;
};

} // namespace netc
