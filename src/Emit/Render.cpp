//===- Render.cpp - DOT to SVG, PNG or PDF through Graphviz's C library ---===//
//
// --emit=svg|png|pdf: the DOT text emitDot writes is parsed in memory
// (agmemread), laid out by the dot engine (gvLayout) and rendered
// (gvRenderData) in-process, so no `dot` program is needed at run time.
//
// Graphviz reports problems through agerr, which prints to standard error.
// While a rendering runs, agerr's messages go to a handler instead
// (agseterrf), and whatever Graphviz's own libraries (fontconfig, pango,
// cairo) write straight to file descriptor 2 goes to a temporary file, so
// the caller reports both itself and nothing reaches the terminal. Graphviz
// keeps that handler, its error counts and its plugin state in globals, so
// one rendering runs at a time.
//
// The rendering runs in a child process (fork), which sends the image and
// the messages back through a pipe: dot's layout can take minutes on a
// dense graph and cannot be interrupted, so netc waits until a deadline
// and then kills the child (docs/rendering.md#big-diagrams). The child
// never returns: it ends with _exit, so nothing netc buffered is written
// twice and no exit handler runs.
//
//===----------------------------------------------------------------------===//
#include "netc/Emit/Emitters.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

using namespace netc;

namespace {

/// An image format, the Graphviz output it asks for and the plugin that
/// provides it (all from Debian's libgvc6, a dependency of libgraphviz-dev).
struct ImageFormat {
  const char *name;
  /// format[:renderer[:plugin]], as `dot -T` takes it. png and pdf name the
  /// cairo renderer: Graphviz could otherwise fall back to the lower-quality
  /// gd renderer for png, and would then draw differently.
  const char *graphvizFormat;
  const char *plugin;
  const char *library;
};

constexpr ImageFormat ImageFormats[] = {
    {"svg", "svg:svg:core", "core", "libgvplugin_core.so.6"},
    {"png", "png:cairo:cairo", "cairo", "libgvplugin_pango.so.6"},
    {"pdf", "pdf:cairo:cairo", "cairo", "libgvplugin_pango.so.6"},
};

const ImageFormat *findImageFormat(llvm::StringRef name) {
  for (const ImageFormat &format : ImageFormats)
    if (name == format.name)
      return &format;
  return nullptr;
}

/// Serialises renderings: Graphviz's error handler and counts are global.
std::mutex graphvizMutex;

/// One message agerr reported.
struct GraphvizMessage {
  bool isError;
  std::string text;
};

/// The messages of the rendering in progress (guarded by graphvizMutex).
struct MessageCapture {
  std::vector<GraphvizMessage> messages;
  /// agerr hands the handler "Error" or "Warning", then ": ", then the
  /// message; a continuation (AGPREV) comes without the two prefixes.
  enum { None, Warning, Error } pendingLevel = None;
};
MessageCapture *activeCapture = nullptr;

int captureGraphvizMessage(char *piece) {
  if (!activeCapture || !piece)
    return 0;
  MessageCapture &capture = *activeCapture;
  llvm::StringRef text(piece);
  if (capture.pendingLevel == MessageCapture::None &&
      (text == "Error" || text == "Warning")) {
    capture.pendingLevel =
        text == "Error" ? MessageCapture::Error : MessageCapture::Warning;
    return 0;
  }
  if (capture.pendingLevel != MessageCapture::None) {
    bool isError = capture.pendingLevel == MessageCapture::Error;
    capture.pendingLevel = MessageCapture::None;
    capture.messages.push_back({isError, ""});
    if (text == ": ")
      return 0;
  }
  if (capture.messages.empty())
    capture.messages.push_back({false, ""});
  capture.messages.back().text += text.str();
  return 0;
}

/// Routes agerr's messages to captureGraphvizMessage while it lives, and
/// restores the previous handler and level afterwards.
class AgerrCapture {
public:
  explicit AgerrCapture(MessageCapture &capture) {
    activeCapture = &capture;
    previousHandler = agseterrf(captureGraphvizMessage);
    // Messages below this level would go to a temporary file instead of the
    // handler: hand over warnings and errors both.
    previousLevel = agseterr(AGWARN);
    agreseterrors();
  }
  ~AgerrCapture() {
    agseterr(previousLevel);
    agseterrf(previousHandler);
    activeCapture = nullptr;
  }
  AgerrCapture(const AgerrCapture &) = delete;
  AgerrCapture &operator=(const AgerrCapture &) = delete;

private:
  agusererrf previousHandler;
  agerrlevel_t previousLevel;
};

/// Sends file descriptor 2 to an unnamed temporary file while it lives, so
/// what Graphviz's libraries print directly (fontconfig's "Cannot load
/// default config file", pango's warnings) can be reported instead. When
/// no temporary file can be made, standard error is left alone.
class StderrCapture {
public:
  StderrCapture() {
    std::fflush(stderr);
    file = std::tmpfile();
    if (!file)
      return;
    savedFd = ::dup(STDERR_FILENO);
    if (savedFd < 0 || ::dup2(::fileno(file), STDERR_FILENO) < 0) {
      if (savedFd >= 0)
        ::close(savedFd);
      savedFd = -1;
      std::fclose(file);
      file = nullptr;
    }
  }
  ~StderrCapture() { finish(); }
  StderrCapture(const StderrCapture &) = delete;
  StderrCapture &operator=(const StderrCapture &) = delete;

  /// Restores standard error and returns what was written to it.
  std::string finish() {
    std::string text;
    if (!file)
      return text;
    std::fflush(stderr);
    ::dup2(savedFd, STDERR_FILENO);
    ::close(savedFd);
    int fd = ::fileno(file);
    if (::lseek(fd, 0, SEEK_SET) == 0) {
      char buffer[4096];
      ssize_t n;
      while ((n = ::read(fd, buffer, sizeof(buffer))) > 0)
        text.append(buffer, size_t(n));
    }
    std::fclose(file);
    file = nullptr;
    return text;
  }

private:
  FILE *file = nullptr;
  int savedFd = -1;
};

/// A message on one line: newlines become spaces, ends trimmed, and an
/// empty list of alternatives ("... not recognized. Use one of:") dropped.
std::string oneLine(llvm::StringRef text) {
  text = text.trim();
  if (text.consume_back("Use one of:"))
    text = text.rtrim();
  std::string line;
  for (char c : text)
    line += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  return line;
}

/// Joins the error messages with "; ".
std::string joinErrors(const std::vector<GraphvizMessage> &messages) {
  std::string joined;
  for (const GraphvizMessage &message : messages) {
    if (!message.isError)
      continue;
    if (!joined.empty())
      joined += "; ";
    joined += oneLine(message.text);
  }
  return joined;
}

bool mentionsMissingPlugin(const std::vector<GraphvizMessage> &messages) {
  return llvm::any_of(messages, [](const GraphvizMessage &message) {
    llvm::StringRef text = message.text;
    return text.contains("unavailable") || text.contains("not recognized") ||
           text.contains("Could not load");
  });
}

/// How to get a missing plugin back: every one is in libgvc6, whose
/// post-install step registers them (`dot -c` does the same).
std::string pluginHint(llvm::StringRef what, llvm::StringRef plugin,
                       llvm::StringRef library) {
  return (what + " needs Graphviz's " + plugin + " plugin (" + library +
          ", Debian package libgvc6), which is missing or not registered; "
          "reinstall it with: apt-get install --reinstall libgvc6")
      .str();
}

/// 9999-12-31 23:59:59 UTC in seconds since 1970: the last time a PDF date
/// (four-digit years) can hold.
constexpr int64_t LastPdfDateSeconds = 253402300799;

/// For reproducible builds (reproducible-builds.org's SOURCE_DATE_EPOCH):
/// when the variable is set, the PDF's creation date is that time instead
/// of now, so the same input gives the same bytes. cairo 1.16 ignores the
/// variable itself. A value that is not a whole number of seconds is an
/// error, as the specification asks.
void applySourceDateEpoch(std::string &pdf, std::string &error) {
  const char *value = std::getenv("SOURCE_DATE_EPOCH");
  if (!value)
    return;
  int64_t seconds;
  if (llvm::StringRef(value).getAsInteger(10, seconds) || seconds < 0 ||
      seconds > LastPdfDateSeconds) {
    error = std::string("SOURCE_DATE_EPOCH must be a whole number of seconds "
                        "since 1970 (up to the year 9999), not '") +
            value + "'";
    pdf.clear();
    return;
  }
  if (!setPdfCreationDate(pdf, seconds)) {
    error = "cannot set the PDF's creation date to SOURCE_DATE_EPOCH: "
            "cairo wrote no date netc recognises";
    pdf.clear();
  }
}

/// What went wrong: the step that failed and, when a plugin is missing, how
/// to get it back.
struct Failure {
  std::string step;
  std::string hint;
};

/// The rendering itself; every Graphviz object it makes is freed before it
/// returns.
bool renderWithGraphviz(const std::string &dot, const ImageFormat &format,
                        MessageCapture &capture, std::string &out,
                        Failure &error) {
  GVC_t *context = gvContext();
  if (!context) {
    error.step = "Graphviz could not start (gvContext failed)";
    return false;
  }
  bool ok = false;
  // Graphviz's scanner keeps its line counter and its unread buffer across
  // reads: what follows the closing brace of one text (its last newline) is
  // scanned, and counted, at the start of the next. Reset the counter and
  // send the text without trailing white space, so that an error names the
  // right line on every call, not only the first.
  agreadline(1);
  const std::string text = llvm::StringRef(dot).rtrim().str();
  if (Agraph_t *graph = agmemread(text.c_str())) {
    if (gvLayout(context, graph, "dot") != 0) {
      error.step = "Graphviz could not lay out the diagram";
      if (mentionsMissingPlugin(capture.messages))
        error.hint = pluginHint("the dot layout", "dot_layout",
                                "libgvplugin_dot_layout.so.6");
    } else {
      char *data = nullptr;
      unsigned int length = 0;
      if (gvRenderData(context, graph, format.graphvizFormat, &data, &length) !=
          0) {
        error.step =
            (llvm::Twine("Graphviz could not write ") + format.name).str();
        if (mentionsMissingPlugin(capture.messages))
          error.hint = pluginHint(format.name, format.plugin, format.library);
      } else {
        out.assign(data ? data : "", data ? length : 0);
        ok = true;
      }
      gvFreeRenderData(data);
      gvFreeLayout(context, graph);
    }
    agclose(graph);
  } else if (!llvm::any_of(capture.messages, [](const GraphvizMessage &m) {
               return m.isError;
             })) {
    error.step = "Graphviz found no graph in the DOT text";
  } else {
    error.step = "Graphviz could not read the DOT text";
  }
  gvFreeContext(context);
  return ok;
}

/// What one rendering produced, as the child process sends it back.
struct RenderOutcome {
  bool ok = false;
  std::string image;
  Failure failure;
  /// What agerr reported.
  std::vector<GraphvizMessage> messages;
  /// What was written to file descriptor 2 meanwhile.
  std::string printed;
};

/// Renders \p dot in this process, capturing agerr and standard error.
RenderOutcome renderCapturing(const std::string &dot,
                              const ImageFormat &format) {
  RenderOutcome outcome;
  MessageCapture capture;
  {
    StderrCapture stderrCapture;
    AgerrCapture agerrCapture(capture);
    outcome.ok = renderWithGraphviz(dot, format, capture, outcome.image,
                                    outcome.failure);
    outcome.printed = stderrCapture.finish();
  }
  outcome.messages = std::move(capture.messages);
  return outcome;
}

/// The outcome as bytes: fields, each its length (8 bytes) then its bytes:
/// ok, the image, the failed step, the hint, what was printed, then one
/// field a message, "E" or "W" then its text.
std::string encodeOutcome(const RenderOutcome &outcome) {
  std::string bytes;
  auto add = [&bytes](llvm::StringRef field) {
    uint64_t size = field.size();
    bytes.append(reinterpret_cast<const char *>(&size), sizeof size);
    bytes.append(field.data(), field.size());
  };
  add(outcome.ok ? "1" : "0");
  add(outcome.image);
  add(outcome.failure.step);
  add(outcome.failure.hint);
  add(outcome.printed);
  for (const GraphvizMessage &message : outcome.messages)
    add((message.isError ? "E" : "W") + message.text);
  return bytes;
}

/// The inverse of encodeOutcome; false for bytes it did not write.
bool decodeOutcome(llvm::StringRef bytes, RenderOutcome &outcome) {
  auto take = [&bytes](std::string &field) {
    uint64_t size;
    if (bytes.size() < sizeof size)
      return false;
    std::memcpy(&size, bytes.data(), sizeof size);
    bytes = bytes.drop_front(sizeof size);
    if (bytes.size() < size)
      return false;
    field = bytes.take_front(size).str();
    bytes = bytes.drop_front(size);
    return true;
  };
  std::string ok;
  if (!take(ok) || !take(outcome.image) || !take(outcome.failure.step) ||
      !take(outcome.failure.hint) || !take(outcome.printed))
    return false;
  outcome.ok = ok == "1";
  while (!bytes.empty()) {
    std::string message;
    if (!take(message) || message.empty())
      return false;
    outcome.messages.push_back({message[0] == 'E', message.substr(1)});
  }
  return true;
}

/// Writes all of \p bytes to \p fd; false when it cannot.
bool writeAll(int fd, llvm::StringRef bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    bytes = bytes.drop_front(size_t(n));
  }
  return true;
}

/// The child process: renders, sends the outcome through \p fd and ends.
[[noreturn]] void runRenderChild(int fd, const std::string &dot,
                                 const ImageFormat &format, pid_t parent) {
#ifdef __linux__
  // Killed with netc, should netc die first.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent)
    ::_exit(1);
#else
  (void)parent;
#endif
  // netc's handlers (removing temporaries, LLVM's stack dump) are netc's:
  // the child dies of these signals plainly, and a closed pipe is an error
  // of write, not a signal. Standard output is netc's alone.
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
    std::signal(signal, SIG_DFL);
  std::signal(SIGPIPE, SIG_IGN);
  int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0)
    ::dup2(null, STDOUT_FILENO);
  RenderOutcome outcome = renderCapturing(dot, format);
  ::_exit(writeAll(fd, encodeOutcome(outcome)) ? 0 : 1);
}

/// "30 s", "0.5 s".
std::string describeSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

/// How a rendering in a child process ended.
enum class ChildResult { Finished, TimedOut, Failed };

/// Renders \p dot in a child process and waits for its outcome at most
/// \p timeoutSeconds (0: as long as it takes), killing it after that.
/// Failed, with the reason in \p problem, when the child cannot start or
/// ends without an outcome.
ChildResult renderInChild(const std::string &dot, const ImageFormat &format,
                          double timeoutSeconds, RenderOutcome &outcome,
                          std::string &problem) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    problem = std::string("cannot start Graphviz: pipe: ") +
              std::strerror(errno);
    return ChildResult::Failed;
  }
  pid_t parent = ::getpid();
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    runRenderChild(fds[1], dot, format, parent);
  }
  ::close(fds[1]);
  if (child < 0) {
    problem = std::string("cannot start Graphviz: fork: ") +
              std::strerror(errno);
    ::close(fds[0]);
    return ChildResult::Failed;
  }

  using Clock = std::chrono::steady_clock;
  bool limited = timeoutSeconds > 0 && std::isfinite(timeoutSeconds);
  Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(
                             limited ? timeoutSeconds : 0));
  std::string bytes;
  bool timedOut = false, readFailed = false;
  for (;;) {
    int waitMs = -1;
    if (limited) {
      auto left = std::chrono::duration<double, std::milli>(deadline -
                                                            Clock::now());
      if (left.count() <= 0) {
        timedOut = true;
        break;
      }
      waitMs = int(std::min(std::ceil(left.count()), 1e9));
    }
    pollfd ready = {fds[0], POLLIN, 0};
    int polled = ::poll(&ready, 1, waitMs);
    if (polled < 0 && errno != EINTR) {
      readFailed = true;
      break;
    }
    if (polled <= 0)
      continue;
    char buffer[65536];
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n < 0)
      readFailed = true;
    if (n <= 0)
      break;
    bytes.append(buffer, size_t(n));
  }
  if (timedOut || readFailed)
    ::kill(child, SIGKILL);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) {
    problem = "Graphviz did not finish laying out the diagram within " +
              describeSeconds(timeoutSeconds);
    return ChildResult::TimedOut;
  }
  if (!readFailed && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
      decodeOutcome(bytes, outcome))
    return ChildResult::Finished;
  if (WIFSIGNALED(status))
    problem = llvm::formatv("Graphviz stopped while drawing the diagram, "
                            "killed by signal {0} ({1})",
                            WTERMSIG(status), ::strsignal(WTERMSIG(status)))
                  .str();
  else
    problem = "Graphviz stopped while drawing the diagram, without a result";
  return ChildResult::Failed;
}

/// The error and warnings of a finished rendering, as renderGraphviz
/// reports them; false when it failed.
bool reportOutcome(RenderOutcome &outcome, const ImageFormat &image,
                   std::string &out, std::string &error,
                   std::vector<std::string> *warnings) {
  // Errors: what failed, then what Graphviz said. An error message without
  // a failed step still means the picture cannot be trusted.
  Failure &failure = outcome.failure;
  std::string graphvizErrors = joinErrors(outcome.messages);
  if (!outcome.ok || !graphvizErrors.empty()) {
    if (failure.step.empty())
      failure.step =
          (llvm::Twine("Graphviz could not write ") + image.name).str();
    error = failure.step;
    if (!graphvizErrors.empty())
      error += ": " + graphvizErrors;
    if (!failure.hint.empty())
      error += "; " + failure.hint;
  } else {
    out = std::move(outcome.image);
  }

  if (warnings) {
    for (const GraphvizMessage &message : outcome.messages)
      if (!message.isError)
        warnings->push_back("Graphviz: " + oneLine(message.text));
    llvm::SmallVector<llvm::StringRef, 4> lines;
    llvm::StringRef(outcome.printed).split(lines, '\n', -1,
                                           /*KeepEmpty=*/false);
    for (llvm::StringRef line : lines)
      if (!line.trim().empty())
        warnings->push_back("Graphviz: " + oneLine(line));
  }
  return error.empty();
}

} // namespace

bool netc::isGraphvizImageFormat(llvm::StringRef format) {
  return findImageFormat(format) != nullptr;
}

bool netc::renderGraphviz(llvm::StringRef dot, llvm::StringRef format,
                          std::string &out, std::string &error,
                          std::vector<std::string> *warnings,
                          double timeoutSeconds, bool *timedOut) {
  out.clear();
  error.clear();
  if (timedOut)
    *timedOut = false;
  const ImageFormat *image = findImageFormat(format);
  if (!image) {
    error = ("cannot render '" + format +
             "': the image formats are svg, "
             "png and pdf")
                .str();
    return false;
  }

  RenderOutcome outcome;
  ChildResult result;
  {
    std::lock_guard<std::mutex> lock(graphvizMutex);
    result = renderInChild(dot.str(), *image, timeoutSeconds, outcome, error);
  }
  if (result == ChildResult::TimedOut && timedOut)
    *timedOut = true;
  if (result != ChildResult::Finished ||
      !reportOutcome(outcome, *image, out, error, warnings))
    return false;
  if (format == "pdf")
    applySourceDateEpoch(out, error);
  return error.empty();
}

bool netc::checkDiagramSize(const NetworkAnalysis &analysis,
                            const ReportOptions &options,
                            DiagnosticEngine &diags) {
  DiagramSize size = measureDiagram(analysis, options);
  if (size.getSize() <= MaxDiagramSize)
    return true;
  const Graph &graph = *analysis.graph;
  auto number = [](size_t n) { return formatWithSeparators(int64_t(n)); };
  // The most detailed --depth that fits: block calls nested deeper than
  // the deepest call draw as they are.
  unsigned deepest = 0;
  for (const BlockScope &scope : graph.scopes)
    deepest = std::max(deepest, scope.depth);
  int from = options.depth < 0 ? int(deepest) : options.depth - 1;
  for (int depth = std::min(from, int(deepest)); depth >= 1; --depth) {
    ReportOptions collapsed = options;
    collapsed.depth = depth;
    DiagramSize smaller = measureDiagram(analysis, collapsed);
    if (smaller.getSize() > MaxDiagramSize)
      continue;
    diags.report(graph.range.Start, diag::err_render_too_big_depth,
                 graph.name, number(size.nodes), number(size.edges),
                 number(size.edgeRows), number(size.getSize()),
                 number(MaxDiagramSize), depth, number(smaller.getSize()))
        .range(graph.range);
    return false;
  }
  diags.report(graph.range.Start, diag::err_render_too_big, graph.name,
               number(size.nodes), number(size.edges), number(size.edgeRows),
               number(size.getSize()), number(MaxDiagramSize))
      .range(graph.range);
  return false;
}

bool netc::renderImage(std::string &text, llvm::StringRef format,
                       DiagnosticEngine &diags, double timeoutSeconds) {
  std::string image, error;
  std::vector<std::string> warnings;
  bool timedOut;
  bool rendered = renderGraphviz(text, format, image, error, &warnings,
                                 timeoutSeconds, &timedOut);
  for (const std::string &warning : warnings)
    diags.report(llvm::SMLoc(), diag::warn_render, warning);
  if (timedOut) {
    diags.report(llvm::SMLoc(), diag::err_render_timeout,
                 describeSeconds(timeoutSeconds));
    return false;
  }
  if (!rendered) {
    diags.report(llvm::SMLoc(), diag::err_render, error);
    return false;
  }
  text = std::move(image);
  return true;
}

bool netc::setPdfCreationDate(std::string &pdf, int64_t secondsSinceEpoch) {
  // cairo 1.16 writes "/CreationDate (D:" 14 digits, then "Z" or an offset
  // such as "+01'00", then ")".
  const llvm::StringRef key = "/CreationDate (D:";
  size_t at = pdf.find(key.data(), 0, key.size());
  if (at == std::string::npos)
    return false;
  size_t digits = at + key.size();
  size_t close = pdf.find(')', digits);
  if (close == std::string::npos || close < digits + 15)
    return false;
  llvm::StringRef date(pdf.data() + digits, 14);
  llvm::StringRef zone(pdf.data() + digits + 14, close - digits - 14);
  if (!llvm::all_of(date, llvm::isDigit) || (zone != "Z" && zone.size() != 6))
    return false;
  if (secondsSinceEpoch < 0 || secondsSinceEpoch > LastPdfDateSeconds)
    return false;
  time_t seconds = static_cast<time_t>(secondsSinceEpoch);
  struct tm utc;
  if (!gmtime_r(&seconds, &utc))
    return false;
  char stampDate[16];
  std::strftime(stampDate, sizeof stampDate, "%Y%m%d%H%M%S", &utc);
  std::string stamp =
      std::string(stampDate, 14) + (zone == "Z" ? "Z" : "+00'00");
  pdf.replace(digits, stamp.size(), stamp);
  return true;
}
