//===- Verify.cpp - the --verify-diagnostics consumer ---------------------===//
//
// Scans each buffer for `expected-KIND[@[+|-]N] {{text}}` comments, then
// matches produced diagnostics against them by line, severity and substring.
// Mismatches print as diagnostics do (TextDiagnosticPrinter: a window of a
// long line), so that many on one line cost no more than on short lines.
//
//===----------------------------------------------------------------------===//
#include "netc/Frontend/Verify.h"

#include "netc/Basic/SourceLines.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <tuple>

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

/// Reports a mistake in the expectations, or a mismatch, at \p loc.
static void reportAt(TextDiagnosticPrinter &printer, llvm::SMLoc loc,
                     const llvm::Twine &message) {
  Diagnostic d;
  d.severity = Severity::Error;
  d.loc = loc;
  d.message = message.str();
  printer.print(d);
}

/// Parses the expectations of buffer \p bufferId. Malformed expectations are
/// reported through \p printer and make \p ok false. Each expectation costs
/// the length of its own text, whatever the length of its line.
static std::vector<Expectation>
parseExpectations(llvm::SourceMgr &sm, SourceLines &lines, unsigned bufferId,
                  bool &noDiagnostics, bool &ok,
                  TextDiagnosticPrinter &printer) {
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
    unsigned line = lines.getLineAndColumn(loc, bufferId).first;
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
        reportAt(printer, loc, "expected a line offset after '@'");
        ok = false;
        continue;
      }
      rest = rest.substr(digits);
      if (negative && offset >= line) {
        reportAt(printer, loc, "the line offset goes before the first line");
        ok = false;
        continue;
      }
      line = !relative ? offset : negative ? line - offset : line + offset;
    }
    rest = rest.ltrim(" \t");
    if (!rest.consume_front("{{")) {
      reportAt(printer, loc, "expected '{{' after the expectation");
      ok = false;
      continue;
    }
    // The text runs to the first "}}", which must be on the same line.
    size_t end = 0;
    while (end < rest.size() && rest[end] != '\n' && rest[end] != '\r' &&
           !rest.substr(end).startswith("}}"))
      ++end;
    if (!rest.substr(end).startswith("}}")) {
      reportAt(printer, loc, "expected '}}' to end the expectation");
      ok = false;
      continue;
    }
    result.push_back({severity, line, loc, rest.substr(0, end).str()});
  }
  return result;
}

namespace {
/// The unmatched expectations of one text, in the order they are written.
struct TextQueue {
  std::string text;
  std::vector<size_t> indices;
  size_t next = 0;
};
/// The expectations of one buffer, line and severity, by text.
struct ExpectationGroup {
  std::vector<TextQueue> texts;
  llvm::StringMap<size_t> byText;
};
using GroupKey = std::tuple<unsigned, unsigned, int>;
} // namespace

bool VerifyDiagnosticConsumer::verify(llvm::raw_ostream &os, bool showColors) {
  bool ok = true;
  SourceLines lines(sourceMgr);
  TextDiagnosticPrinter printer(sourceMgr, os, showColors);
  std::vector<Expectation> expectations;
  bool anyNoDiagnostics = false;
  std::vector<unsigned> bufferOf; // of each expectation
  for (unsigned id = 1, e = sourceMgr.getNumBuffers(); id <= e; ++id) {
    bool noDiagnostics = false;
    auto found =
        parseExpectations(sourceMgr, lines, id, noDiagnostics, ok, printer);
    if (noDiagnostics && !found.empty()) {
      reportAt(printer, found.front().commentLoc,
               "'expected-no-diagnostics' cannot be combined with other "
               "expectations");
      ok = false;
    }
    anyNoDiagnostics |= noDiagnostics;
    expectations.insert(expectations.end(), found.begin(), found.end());
    bufferOf.resize(expectations.size(), id);
  }

  // Each produced diagnostic takes the first unmatched expectation of its
  // buffer, line and severity whose text it contains. Expectations are
  // grouped by those three and then by text, so that a line with many
  // diagnostics and expectations is not searched once per diagnostic.
  std::map<GroupKey, ExpectationGroup> groups;
  for (size_t i = 0; i < expectations.size(); ++i) {
    const Expectation &e = expectations[i];
    ExpectationGroup &group = groups[GroupKey(
        bufferOf[i], e.line, static_cast<int>(e.severity))];
    auto [it, inserted] = group.byText.try_emplace(e.text, group.texts.size());
    if (inserted)
      group.texts.push_back({e.text, {}, 0});
    group.texts[it->second].indices.push_back(i);
  }
  auto findIn = [&](ExpectationGroup &group, llvm::StringRef message,
                    TextQueue *&best) {
    for (TextQueue &queue : group.texts)
      if (queue.next < queue.indices.size() &&
          (!best || queue.indices[queue.next] < best->indices[best->next]) &&
          message.contains(queue.text))
        best = &queue;
  };
  for (Produced &p : produced) {
    TextQueue *best = nullptr;
    if (p.loc.isValid()) {
      unsigned id = sourceMgr.FindBufferContainingLoc(p.loc);
      auto it = groups.find(GroupKey(id, lines.getLineAndColumn(p.loc, id).first,
                                     static_cast<int>(p.severity)));
      if (it != groups.end())
        findIn(it->second, p.message, best);
    } else {
      // Without a location: an expectation at line 0 of any buffer.
      for (unsigned id = 1, e = sourceMgr.getNumBuffers(); id <= e; ++id) {
        auto it = groups.find(GroupKey(id, 0, static_cast<int>(p.severity)));
        if (it != groups.end())
          findIn(it->second, p.message, best);
      }
    }
    if (best) {
      expectations[best->indices[best->next++]].matched = true;
      p.matched = true;
    }
  }

  for (const Expectation &e : expectations) {
    if (e.matched)
      continue;
    ok = false;
    reportAt(printer, e.commentLoc,
             "expected " + getSeverityName(e.severity) +
                 " was not produced on line " + llvm::Twine(e.line) + ": {{" +
                 e.text + "}}");
  }
  for (const Produced &p : produced) {
    if (p.matched)
      continue;
    ok = false;
    llvm::Twine message =
        "unexpected " + getSeverityName(p.severity) + ": " + p.message;
    if (p.loc.isValid())
      reportAt(printer, p.loc, message);
    else
      sourceMgr.PrintMessage(os, p.loc, llvm::SourceMgr::DK_Error, message,
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
