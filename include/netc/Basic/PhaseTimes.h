//===- PhaseTimes.h - --time-phases: wall time and memory per phase -*- C++ -*-===//
//
// The one timer of netc, after clang's -ftime-report: stages add the wall
// time of named phases (a phase timed twice, as for each input file, adds
// up) and the peak resident memory when the phase ended; print() writes the
// table. A null PhaseTimes* means "not timing": every helper accepts it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <string>
#include <vector>

namespace netc {

/// The phases of one run, in the order they were first timed.
class PhaseTimes {
public:
  using Clock = std::chrono::steady_clock;
  PhaseTimes();

  /// Adds \p seconds to \p phase; with \p recordRSS, the peak RSS now is
  /// the phase's (phases timed inside another one have none of their own).
  void add(llvm::StringRef phase, double seconds, bool recordRSS = true);

  /// Writes the table: each phase's wall time, share and peak RSS, the rest
  /// of the run as "other", the total, the CPU time before main, and
  /// \p footnote.
  void print(llvm::raw_ostream &os, llvm::StringRef footnote) const;

  /// Times a phase from construction to destruction; does nothing when
  /// \p times is null.
  class Scope {
  public:
    Scope(PhaseTimes *times, std::string phase, bool recordRSS = true)
        : times(times), phase(std::move(phase)), recordRSS(recordRSS) {
      if (times)
        begin = Clock::now();
    }
    ~Scope() {
      if (times)
        times->add(phase, secondsSince(begin), recordRSS);
    }
    Scope(const Scope &) = delete;
    Scope &operator=(const Scope &) = delete;

  private:
    PhaseTimes *times;
    std::string phase;
    bool recordRSS;
    Clock::time_point begin;
  };

  /// Seconds from \p begin to now.
  static double secondsSince(Clock::time_point begin);

private:
  struct Row {
    std::string phase;
    double seconds;
    long peakRSS; ///< KiB, or -1 for none
  };
  Clock::time_point start;
  double cpuBeforeMain;
  std::vector<Row> rows;
};

} // namespace netc
