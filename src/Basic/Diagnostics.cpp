//===- Diagnostics.cpp - the diagnostics engine and text printer ----------===//
//
// Implements DiagnosticEngine (severity options, counting) and the clang-style
// TextDiagnosticPrinter on top of llvm::SourceMgr::PrintMessage.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/Diagnostics.h"

using namespace netc;

static const DiagnosticInfo diagnosticInfos[] = {
#define DIAG(ID, SEVERITY, GROUP, FORMAT)                                      \
  {#ID, Severity::SEVERITY, GROUP, FORMAT},
#include "netc/Basic/DiagnosticKinds.def"
};

const DiagnosticInfo &netc::getDiagnosticInfo(diag::Kind kind) {
  return diagnosticInfos[kind];
}

DiagnosticConsumer::~DiagnosticConsumer() = default;

DiagnosticBuilder::~DiagnosticBuilder() {
  if (engine)
    engine->emit(std::move(diagnostic));
}

void DiagnosticEngine::emit(Diagnostic diagnostic) {
  const DiagnosticInfo &info = getDiagnosticInfo(diagnostic.kind);
  if (diagnostic.severity == Severity::Warning) {
    if (options.suppressWarnings)
      return;
    if (options.warningsAsErrors) {
      diagnostic.severity = Severity::Error;
      diagnostic.message += (" [-Werror,-W" + info.group + "]").str();
    } else if (!info.group.empty()) {
      diagnostic.message += (" [-W" + info.group + "]").str();
    }
  }
  if (diagnostic.severity == Severity::Error)
    ++numErrors;
  else if (diagnostic.severity == Severity::Warning)
    ++numWarnings;
  consumer->handle(diagnostic);
}

static llvm::SourceMgr::DiagKind toDiagKind(Severity severity) {
  switch (severity) {
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  }
  return llvm::SourceMgr::DK_Error;
}

void TextDiagnosticPrinter::print(const Diagnostic &d) {
  std::vector<llvm::SMFixIt> fixIts;
  for (const FixIt &f : d.fixIts)
    fixIts.emplace_back(f.range, f.replacement);
  // SourceMgr only underlines ranges on the diagnostic's own line.
  std::vector<llvm::SMRange> ranges;
  for (llvm::SMRange r : d.ranges)
    if (r.isValid())
      ranges.push_back(r);
  if (!d.loc.isValid()) {
    sourceMgr.PrintMessage(os, llvm::SMLoc(), toDiagKind(d.severity),
                           d.message, {}, {}, showColors);
    return;
  }
  sourceMgr.PrintMessage(os, d.loc, toDiagKind(d.severity), d.message, ranges,
                         fixIts, showColors);
}

void TextDiagnosticPrinter::handle(const Diagnostic &diagnostic) {
  print(diagnostic);
  for (const Diagnostic &note : diagnostic.notes)
    print(note);
}
