//===- Verify.cpp - the --verify-diagnostics consumer ---------------------===//
//
// Scans each buffer for `expected-KIND[@[+|-]N] {{text}}` comments, then
// matches produced diagnostics against them by line, severity and substring.
//
//===----------------------------------------------------------------------===//
#include "netc/Frontend/Verify.h"

#include "llvm/ADT/StringExtras.h"

using namespace netc;

namespace {
/// One `expected-...` comment.
struct Expectation {
  Severity severity;
  unsigned line;         // the line the diagnostic must be on
  llvm::SMLoc commentLoc; // where the expectation is written
  std::string text;
  bool matched = false;
};
} // namespace

void VerifyDiagnosticConsumer::record(const Diagnostic &d) {
  produced.push_back({d.severity, d.loc, d.message});
}

void VerifyDiagnosticConsumer::handle(const Diagnostic &d) {
  if (unlocated && !d.loc.isValid())
    return unlocated->handle(d);
  record(d);
  for (const Diagnostic &note : d.notes)
    record(note);
}

/// Parses the expectations of buffer \p bufferId. Malformed expectations are
/// reported to \p os and make \p ok false.
static std::vector<Expectation>
parseExpectations(llvm::SourceMgr &sm, unsigned bufferId, bool &noDiagnostics,
                  bool &ok, llvm::raw_ostream &os, bool showColors) {
  std::vector<Expectation> result;
  llvm::StringRef buffer = sm.getMemoryBuffer(bufferId)->getBuffer();
  size_t pos = 0;
  while ((pos = buffer.find("expected-", pos)) != llvm::StringRef::npos) {
    llvm::SMLoc loc = llvm::SMLoc::getFromPointer(buffer.data() + pos);
    llvm::StringRef rest = buffer.substr(pos + strlen("expected-"));
    pos += strlen("expected-");
    Severity severity;
    if (rest.consume_front("error"))
      severity = Severity::Error;
    else if (rest.consume_front("warning"))
      severity = Severity::Warning;
    else if (rest.consume_front("note"))
      severity = Severity::Note;
    else if (rest.startswith("no-diagnostics")) {
      noDiagnostics = true;
      continue;
    } else
      continue;
    unsigned line = sm.getLineAndColumn(loc, bufferId).first;
    if (rest.consume_front("@")) {
      // @+N and @-N are relative; @N is line N, as in clang's -verify.
      bool negative = rest.startswith("-");
      bool relative = negative || rest.startswith("+");
      if (!rest.consume_front("+"))
        rest.consume_front("-");
      size_t digits = 0;
      while (digits < rest.size() && llvm::isDigit(rest[digits]))
        ++digits;
      unsigned offset = 0;
      if (digits == 0 || rest.substr(0, digits).getAsInteger(10, offset)) {
        sm.PrintMessage(os, loc, llvm::SourceMgr::DK_Error,
                        "expected a line offset after '@'", {}, {},
                        showColors);
        ok = false;
        continue;
      }
      rest = rest.substr(digits);
      if (negative && offset >= line) {
        sm.PrintMessage(os, loc, llvm::SourceMgr::DK_Error,
                        "the line offset goes before the first line", {}, {},
                        showColors);
        ok = false;
        continue;
      }
      line = !relative ? offset : negative ? line - offset : line + offset;
    }
    rest = rest.ltrim(" \t");
    if (!rest.consume_front("{{")) {
      sm.PrintMessage(os, loc, llvm::SourceMgr::DK_Error,
                      "expected '{{' after the expectation", {}, {},
                      showColors);
      ok = false;
      continue;
    }
    size_t end = rest.find("}}");
    size_t lineEnd = rest.find_first_of("\r\n");
    if (end == llvm::StringRef::npos || end > lineEnd) {
      sm.PrintMessage(os, loc, llvm::SourceMgr::DK_Error,
                      "expected '}}' to end the expectation", {}, {},
                      showColors);
      ok = false;
      continue;
    }
    result.push_back({severity, line, loc, rest.substr(0, end).str()});
  }
  return result;
}

bool VerifyDiagnosticConsumer::verify(llvm::raw_ostream &os, bool showColors) {
  bool ok = true;
  std::vector<Expectation> expectations;
  bool anyNoDiagnostics = false;
  for (unsigned id = 1, e = sourceMgr.getNumBuffers(); id <= e; ++id) {
    bool noDiagnostics = false;
    auto found =
        parseExpectations(sourceMgr, id, noDiagnostics, ok, os, showColors);
    if (noDiagnostics && !found.empty()) {
      sourceMgr.PrintMessage(os, found.front().commentLoc,
                             llvm::SourceMgr::DK_Error,
                             "'expected-no-diagnostics' cannot be combined "
                             "with other expectations",
                             {}, {}, showColors);
      ok = false;
    }
    anyNoDiagnostics |= noDiagnostics;
    expectations.insert(expectations.end(), found.begin(), found.end());
  }

  for (Produced &p : produced) {
    unsigned line = 0;
    if (p.loc.isValid())
      line = sourceMgr.getLineAndColumn(p.loc).first;
    for (Expectation &e : expectations) {
      if (e.matched || e.severity != p.severity || e.line != line)
        continue;
      if (p.loc.isValid() &&
          sourceMgr.FindBufferContainingLoc(p.loc) !=
              sourceMgr.FindBufferContainingLoc(e.commentLoc))
        continue;
      if (llvm::StringRef(p.message).contains(e.text)) {
        e.matched = p.matched = true;
        break;
      }
    }
  }

  for (const Expectation &e : expectations) {
    if (e.matched)
      continue;
    ok = false;
    sourceMgr.PrintMessage(os, e.commentLoc, llvm::SourceMgr::DK_Error,
                           "expected " + getSeverityName(e.severity) +
                               " was not produced on line " +
                               llvm::Twine(e.line) + ": {{" + e.text + "}}",
                           {}, {}, showColors);
  }
  for (const Produced &p : produced) {
    if (p.matched)
      continue;
    ok = false;
    sourceMgr.PrintMessage(os, p.loc, llvm::SourceMgr::DK_Error,
                           "unexpected " + getSeverityName(p.severity) + ": " +
                               p.message,
                           {}, {}, showColors);
  }
  if (expectations.empty() && !anyNoDiagnostics && ok) {
    os << "netc: error: --verify-diagnostics found no expectations in the "
          "input; write '# expected-no-diagnostics' in a file that must "
          "check clean\n";
    ok = false;
  }
  return ok;
}
