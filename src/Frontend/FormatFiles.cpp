//===- FormatFiles.cpp - netc fmt: read, format, check, print or rewrite --===//
//
// For each file: load it as an input is loaded, parse it (a file with
// syntax errors is reported and left alone), lay it out with formatSource,
// parse the result again and require the same syntax tree (the dump
// without source ranges: names, values and order), then print it, print
// a unified diff of what would change (--check), or rewrite the file as
// --fixit does (-i).
//
//===----------------------------------------------------------------------===//
#include "netc/Format/SourceFormatter.h"
#include "netc/Frontend/Frontend.h"
#include "netc/Frontend/OutputFiles.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>
#include <vector>

using namespace netc;

namespace {

/// A unified diff of \p before and \p after (lines), 3 lines of context.
void writeDiff(llvm::StringRef path, llvm::StringRef before,
               llvm::StringRef after, llvm::raw_ostream &out) {
  llvm::SmallVector<llvm::StringRef, 0> a, b;
  if (!before.empty())
    before.drop_back(before.endswith("\n")).split(a, '\n');
  if (!after.empty())
    after.drop_back(after.endswith("\n")).split(b, '\n');
  // The longest common subsequence, by dynamic programming from the end.
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1
                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  // The edit script: ' ', '-' or '+' with the line.
  struct Edit {
    char kind;
    size_t aLine, bLine;
  };
  std::vector<Edit> edits;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j])
      edits.push_back({' ', i++, j++});
    else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]))
      edits.push_back({'-', i++, j});
    else
      edits.push_back({'+', i, j++});
  }
  out << "--- " << path << "\n+++ " << path << " (formatted)\n";
  // Hunks: runs of changes less than 2 * context unchanged lines apart,
  // with context lines around them.
  const size_t context = 3;
  std::vector<size_t> changes;
  for (size_t k = 0; k < edits.size(); ++k)
    if (edits[k].kind != ' ')
      changes.push_back(k);
  for (size_t c = 0; c < changes.size();) {
    size_t last = c;
    while (last + 1 < changes.size() &&
           changes[last + 1] - changes[last] <= 2 * context + 1)
      ++last;
    size_t start = changes[c] >= context ? changes[c] - context : 0;
    size_t end = std::min(edits.size(), changes[last] + context + 1);
    size_t aCount = 0, bCount = 0;
    for (size_t t = start; t < end; ++t) {
      aCount += edits[t].kind != '+';
      bCount += edits[t].kind != '-';
    }
    out << "@@ -" << edits[start].aLine + 1 << "," << aCount << " +"
        << edits[start].bLine + 1 << "," << bCount << " @@\n";
    for (size_t t = start; t < end; ++t)
      out << edits[t].kind
          << (edits[t].kind == '+' ? b[edits[t].bLine] : a[edits[t].aLine])
          << "\n";
    c = last + 1;
  }
}

} // namespace

int netc::formatFiles(llvm::ArrayRef<std::string> paths, FormatMode mode,
                      uint64_t maxBytes, DiagnosticEngine &diags,
                      llvm::raw_ostream &out) {
  llvm::SourceMgr &sourceMgr = diags.getSourceMgr();
  if (paths.empty()) {
    diags.report(llvm::SMLoc(), diag::err_fmt_usage);
    return 2;
  }
  int status = 0;
  for (const std::string &path : paths) {
    if (mode == FormatMode::InPlace && path == "-") {
      diags.report(llvm::SMLoc(), diag::err_fmt_write, "<stdin>",
                   "standard input is not a file (netc fmt - prints the "
                   "formatted text)");
      status = 2;
      continue;
    }
    LoadedFile file = loadSourceFile(sourceMgr, path, maxBytes, llvm::SMLoc());
    if (!file.isLoaded()) {
      reportUnloadable(file, path, maxBytes, diags);
      status = 2;
      continue;
    }
    const llvm::MemoryBuffer &buffer = *sourceMgr.getMemoryBuffer(file.bufferId);
    unsigned errors = diags.getNumErrors();
    std::unique_ptr<ast::Module> module = parseModule(file.bufferId, diags);
    if (!module || diags.getNumErrors() != errors) {
      diags.report(llvm::SMLoc(), diag::err_fmt_syntax, path);
      status = std::max(status, 1);
      continue;
    }
    llvm::StringRef text = buffer.getBuffer();
    std::string formatted = formatSource(text);
    std::string tree;
    llvm::raw_string_ostream treeStream(tree);
    ast::dump(*module, treeStream);
    if (dumpSyntaxTree(formatted) != tree) {
      diags.report(llvm::SMLoc(), diag::err_fmt_changes_tree, path);
      status = std::max(status, 1);
      continue;
    }
    // Standard output as reports are written: a full disk or a closed pipe
    // is an error, not an abort.
    auto print = [&](llvm::StringRef printed) {
      if (&out == &llvm::outs())
        return writeOutputFile("-", printed, diags);
      out << printed;
      return true;
    };
    switch (mode) {
    case FormatMode::Print:
      if (!print(formatted))
        return 2;
      break;
    case FormatMode::Check:
      if (formatted != text) {
        std::string diff;
        llvm::raw_string_ostream diffStream(diff);
        writeDiff(path, text, formatted, diffStream);
        if (!print(diff))
          return 2;
        diags.report(llvm::SMLoc(), diag::err_fmt_not_formatted, path);
        status = std::max(status, 1);
      }
      break;
    case FormatMode::InPlace:
      if (formatted != text &&
          !rewriteSourceFile(buffer, formatted, diag::err_fmt_write, diags))
        status = 2;
      break;
    }
  }
  return status;
}
