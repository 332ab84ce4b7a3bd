//===- PhaseTimes.cpp - --time-phases ------------------------------------===//
#include "netc/Basic/PhaseTimes.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <sys/resource.h>

using namespace netc;

/// The process's peak resident memory so far, in KiB.
static long currentPeakRSS() {
  struct rusage usage;
  return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_maxrss : 0;
}

/// The process's CPU time so far, in seconds.
static double cpuSeconds() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

PhaseTimes::PhaseTimes() : start(Clock::now()), cpuBeforeMain(cpuSeconds()) {}

double PhaseTimes::secondsSince(Clock::time_point begin) {
  return std::chrono::duration<double>(Clock::now() - begin).count();
}

void PhaseTimes::add(llvm::StringRef phase, double seconds, bool recordRSS) {
  long rss = recordRSS ? currentPeakRSS() : -1;
  for (Row &row : rows)
    if (row.phase == phase) {
      row.seconds += seconds;
      row.peakRSS = rss;
      return;
    }
  rows.push_back({phase.str(), seconds, rss});
}

void PhaseTimes::print(llvm::raw_ostream &os, llvm::StringRef footnote) const {
  double total = secondsSince(start);
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
       << llvm::right_justify(ms, 10) << "  " << llvm::right_justify(percent, 6)
       << "  " << llvm::right_justify(rss, 12) << "\n";
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
  if (!footnote.empty())
    os << footnote << "\n";
}
