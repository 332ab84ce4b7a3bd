//===- Verify.h - check diagnostics against expectations in source -*- C++ -*-===//
//
// Implements `--verify-diagnostics`, after clang's -verify and MLIR's
// -verify-diagnostics. A source file states the diagnostics it must produce
// in comments:
//
//   x = conv2D(x, 6)   # expected-error {{unknown layer 'conv2D'}}
//   # expected-warning@+1 {{is never used}}
//   # expected-note@-2 {{defined here}}
//   # expected-no-diagnostics
//
// `@+N` / `@-N` shift the expected line; the text in {{...}} must occur in
// the message. Every produced diagnostic (notes included) must be expected,
// and every expectation must be produced.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include <vector>

namespace netc {

/// Collects diagnostics and compares them with a buffer's expectations.
/// Diagnostics without a location (about the command line or a file that
/// cannot be read, which no line of a file can expect) go to \p unlocated
/// when one is given, else they must match an expectation at line 0.
class VerifyDiagnosticConsumer : public DiagnosticConsumer {
public:
  explicit VerifyDiagnosticConsumer(llvm::SourceMgr &sourceMgr,
                                    DiagnosticConsumer *unlocated = nullptr)
      : sourceMgr(sourceMgr), unlocated(unlocated) {}

  void handle(const Diagnostic &diagnostic) override;

  /// Compares what was produced with the expectations in every buffer of the
  /// source manager; prints each mismatch to \p os at its place. Returns true
  /// when everything matched.
  bool verify(llvm::raw_ostream &os, bool showColors);

private:
  struct Produced {
    Severity severity;
    llvm::SMLoc loc;
    std::string message;
    bool matched = false;
  };
  void record(const Diagnostic &diagnostic);

  llvm::SourceMgr &sourceMgr;
  DiagnosticConsumer *unlocated;
  std::vector<Produced> produced;
};

} // namespace netc
