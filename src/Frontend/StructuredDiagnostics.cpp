//===- StructuredDiagnostics.cpp - diagnostics as JSON or SARIF -----------===//
//
// Each diagnostic is converted when it arrives (its locations point into the
// source manager's buffers) and the document is written once, at the end, so
// that the stream holds exactly one JSON value. See StructuredDiagnostics.h
// for the formats and docs/diagnostics.md for the fields.
//
//===----------------------------------------------------------------------===//
#include "netc/Frontend/StructuredDiagnostics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <iterator>

using namespace netc;
namespace json = llvm::json;

SpellingTable<DiagnosticFormat> netc::getDiagnosticFormatSpellings() {
  static const Spelling<DiagnosticFormat> spellings[] = {
      {DiagnosticFormat::Text, "text", "clang-style text (default)"},
      {DiagnosticFormat::Json, "json",
       "one JSON document (docs/diagnostics.schema.json)"},
      {DiagnosticFormat::Sarif, "sarif", "one SARIF 2.1.0 log"}};
  return spellings;
}

/// A JSON string; bytes that are not UTF-8 (a message quoting a bad byte, a
/// file name) become U+FFFD, since JSON text must be Unicode.
static json::Value jsonString(llvm::StringRef text) {
  if (json::isUTF8(text))
    return text.str();
  return json::fixUTF8(text);
}

static bool isValidKind(diag::Kind kind) { return kind < diag::NumKinds; }

/// The order keys are written in: the identity of a thing first, then what
/// it says, then where, then what hangs off it. Keys not listed follow, in
/// alphabetical order.
static const char *const KeyOrder[] = {
    "$schema", "format", "name", "version", "tool", "driver", "informationUri",
    "id", "ruleId", "ruleIndex", "level", "severity", "group", "option",
    "message", "text", "location", "locations", "physicalLocation",
    "artifactLocation", "uri", "uriBaseId", "region", "startLine",
    "startColumn", "endLine", "endColumn", "file", "line", "column", "start",
    "end", "ranges", "relatedLocations", "fixits", "range", "replacement",
    "fixes", "description", "artifactChanges", "replacements",
    "deletedRegion", "insertedContent", "notes", "properties",
    "shortDescription", "help", "defaultConfiguration", "rules", "columnKind",
    "originalUriBaseIds", "invocations", "executionSuccessful",
    "toolExecutionNotifications", "results", "diagnostics", "errors",
    "warnings", "runs"};

static size_t keyRank(llvm::StringRef key) {
  for (size_t i = 0; i < std::size(KeyOrder); ++i)
    if (key == KeyOrder[i])
      return i;
  return std::size(KeyOrder);
}

/// Writes \p value with the keys of each object in KeyOrder (llvm::json
/// alone sorts them alphabetically).
static void writeValue(json::OStream &j, const json::Value &value) {
  if (const json::Object *object = value.getAsObject()) {
    std::vector<const json::Object::value_type *> members;
    for (const auto &member : *object)
      members.push_back(&member);
    llvm::sort(members, [](const auto *a, const auto *b) {
      size_t rankA = keyRank(a->first), rankB = keyRank(b->first);
      return rankA != rankB ? rankA < rankB
                            : llvm::StringRef(a->first) < llvm::StringRef(b->first);
    });
    j.object([&] {
      for (const auto *member : members)
        j.attributeBegin(member->first), writeValue(j, member->second),
            j.attributeEnd();
    });
  } else if (const json::Array *array = value.getAsArray()) {
    j.array([&] {
      for (const json::Value &element : *array)
        writeValue(j, element);
    });
  } else {
    j.value(value);
  }
}

StructuredDiagnosticPrinter::~StructuredDiagnosticPrinter() = default;

json::OStream &StructuredDiagnosticPrinter::getWriter() {
  if (!writer)
    writer = std::make_unique<json::OStream>(bufferStream, /*IndentSize=*/2);
  return *writer;
}

void StructuredDiagnosticPrinter::flush() {
  // Whole writes: the stream is usually unbuffered standard error.
  os << buffer;
  os.flush();
  buffer.clear();
}

void StructuredDiagnosticPrinter::flushIfFull() {
  if (buffer.size() >= FlushBytes)
    flush();
}

void StructuredDiagnosticPrinter::finish() {
  if (finished)
    return;
  finished = true;
  finishDocument(getWriter());
  writer.reset();
  bufferStream << "\n";
  flush();
}

std::unique_ptr<StructuredDiagnosticPrinter>
netc::createStructuredDiagnosticPrinter(DiagnosticFormat format,
                                        llvm::SourceMgr &sourceMgr,
                                        llvm::raw_ostream &os,
                                        DiagnosticToolInfo tool) {
  switch (format) {
  case DiagnosticFormat::Json:
    return std::make_unique<JsonDiagnosticPrinter>(sourceMgr, os,
                                                   std::move(tool));
  case DiagnosticFormat::Sarif:
    return std::make_unique<SarifDiagnosticPrinter>(sourceMgr, os,
                                                    std::move(tool));
  case DiagnosticFormat::Text:
    break;
  }
  return nullptr;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

JsonDiagnosticPrinter::~JsonDiagnosticPrinter() { finish(); }

// The keys are written in KeyOrder, as writeValue orders them.

void JsonDiagnosticPrinter::writeLocation(json::OStream &j, llvm::SMLoc loc) {
  unsigned id = loc.isValid() ? sourceMgr.FindBufferContainingLoc(loc) : 0;
  if (!id)
    return j.value(nullptr);
  // Plain variables: C++17 lambdas cannot capture structured bindings.
  std::pair<unsigned, unsigned> position = lines.getLineAndColumn(loc, id);
  j.object([&] {
    j.attribute("file",
                jsonString(sourceMgr.getMemoryBuffer(id)->getBufferIdentifier()));
    j.attribute("line", position.first);
    j.attribute("column", position.second);
  });
}

/// The buffer of \p range, or 0 when it is not a valid range of one buffer.
static unsigned getRangeBuffer(llvm::SourceMgr &sourceMgr,
                               llvm::SMRange range) {
  if (!range.isValid())
    return 0;
  unsigned id = sourceMgr.FindBufferContainingLoc(range.Start);
  if (!id || sourceMgr.FindBufferContainingLoc(range.End) != id ||
      range.End.getPointer() < range.Start.getPointer())
    return 0;
  return id;
}

/// Writes \p range, which getRangeBuffer found in buffer \p id.
void JsonDiagnosticPrinter::writeRange(json::OStream &j, llvm::SMRange range) {
  unsigned id = getRangeBuffer(sourceMgr, range);
  std::pair<unsigned, unsigned> start = lines.getLineAndColumn(range.Start, id);
  std::pair<unsigned, unsigned> end = lines.getLineAndColumn(range.End, id);
  j.object([&] {
    j.attribute("file",
                jsonString(sourceMgr.getMemoryBuffer(id)->getBufferIdentifier()));
    j.attributeObject("start", [&] {
      j.attribute("line", start.first);
      j.attribute("column", start.second);
    });
    j.attributeObject("end", [&] {
      j.attribute("line", end.first);
      j.attribute("column", end.second);
    });
  });
}

void JsonDiagnosticPrinter::write(json::OStream &j, const Diagnostic &d,
                                  bool isNote) {
  const DiagnosticInfo *info =
      isValidKind(d.kind) ? &getDiagnosticInfo(d.kind) : nullptr;
  j.object([&] {
    j.attribute("id", info ? json::Value(info->name) : json::Value(nullptr));
    j.attribute("severity", getSeverityName(d.severity));
    if (!isNote) {
      j.attribute("group", info && !info->group.empty()
                               ? json::Value(info->group)
                               : json::Value(nullptr));
      j.attribute("option",
                  d.flag.empty() ? json::Value(nullptr) : json::Value(d.flag));
    }
    j.attribute("message", jsonString(d.getMessageWithoutFlag()));
    j.attributeBegin("location");
    writeLocation(j, d.loc);
    j.attributeEnd();
    j.attributeArray("ranges", [&] {
      for (llvm::SMRange range : d.ranges)
        if (getRangeBuffer(sourceMgr, range))
          writeRange(j, range);
    });
    j.attributeArray("fixits", [&] {
      for (const FixIt &fixIt : d.fixIts)
        if (getRangeBuffer(sourceMgr, fixIt.range))
          j.object([&] {
            j.attributeBegin("range");
            writeRange(j, fixIt.range);
            j.attributeEnd();
            j.attribute("replacement", jsonString(fixIt.replacement));
          });
    });
    if (!isNote)
      j.attributeArray("notes", [&] {
        for (const Diagnostic &note : d.notes)
          write(j, note, /*isNote=*/true);
      });
  });
}

void JsonDiagnosticPrinter::count(Severity severity) {
  if (severity == Severity::Error)
    ++numErrors;
  else if (severity == Severity::Warning)
    ++numWarnings;
}

/// Everything before the first diagnostic.
void JsonDiagnosticPrinter::beginDocument() {
  begun = true;
  json::OStream &j = getWriter();
  j.objectBegin();
  j.attribute("format", "netc-diagnostics");
  j.attribute("version", FormatVersion);
  j.attributeObject("tool", [&] {
    j.attribute("name", tool.name);
    j.attribute("version", tool.version);
  });
  j.attributeBegin("diagnostics");
  j.arrayBegin();
}

void JsonDiagnosticPrinter::handle(const Diagnostic &diagnostic) {
  if (!begun)
    beginDocument();
  count(diagnostic.severity);
  write(getWriter(), diagnostic, /*isNote=*/false);
  flushIfFull();
}

void JsonDiagnosticPrinter::finishDocument(json::OStream &j) {
  if (!begun)
    beginDocument();
  j.arrayEnd();
  j.attributeEnd();
  j.attribute("errors", numErrors);
  j.attribute("warnings", numWarnings);
  j.objectEnd();
}

//===----------------------------------------------------------------------===//
// SARIF
//===----------------------------------------------------------------------===//

SarifDiagnosticPrinter::~SarifDiagnosticPrinter() { finish(); }

/// The indentation of the elements of "results": $schema's object, "runs",
/// the run and "results" are four levels of two spaces. A JSON string holds
/// no line end, so every line end of a result's text is one of its lines.
static constexpr unsigned ResultIndent = 8;

/// Separates the results in the spool (JSON text never holds a NUL byte).
static constexpr char ResultEnd = '\0';

SarifDiagnosticPrinter::ResultSpool::~ResultSpool() {
  if (file)
    std::fclose(file);
}

void SarifDiagnosticPrinter::ResultSpool::add(llvm::StringRef text) {
  memory.append(text.data(), text.size());
  memory += ResultEnd;
  if (memory.size() < SpoolBytes)
    return;
  if (!file)
    file = std::tmpfile(); // removed when closed; without one, memory
  if (file && std::fwrite(memory.data(), 1, memory.size(), file) ==
                  memory.size())
    memory.clear();
}

void SarifDiagnosticPrinter::ResultSpool::forEach(
    llvm::function_ref<void(llvm::StringRef)> each) {
  std::string pending;
  auto split = [&](llvm::StringRef chunk) {
    while (!chunk.empty()) {
      size_t end = chunk.find(ResultEnd);
      if (end == llvm::StringRef::npos) {
        pending.append(chunk.data(), chunk.size());
        return;
      }
      if (pending.empty()) {
        each(chunk.take_front(end));
      } else {
        pending.append(chunk.data(), end);
        each(pending);
        pending.clear();
      }
      chunk = chunk.drop_front(end + 1);
    }
  };
  if (file && std::fflush(file) == 0 && std::fseek(file, 0, SEEK_SET) == 0) {
    std::vector<char> chunk(size_t(1) << 20);
    while (size_t n = std::fread(chunk.data(), 1, chunk.size(), file))
      split(llvm::StringRef(chunk.data(), n));
  }
  split(memory);
}

std::optional<SarifDiagnosticPrinter::Position>
SarifDiagnosticPrinter::getPosition(llvm::SMLoc loc) {
  if (!loc.isValid())
    return std::nullopt;
  unsigned id = sourceMgr.FindBufferContainingLoc(loc);
  if (!id)
    return std::nullopt;
  return Position{lines.getLineAndColumn(loc, id).first,
                  lines.getCodePointColumn(loc, id)};
}

static json::Object regionObject(unsigned startLine, unsigned startColumn,
                                 unsigned endLine, unsigned endColumn) {
  return json::Object{{"startLine", startLine},
                      {"startColumn", startColumn},
                      {"endLine", endLine},
                      {"endColumn", endColumn}};
}

/// The region of the character at \p loc (empty at a line end).
json::Value SarifDiagnosticPrinter::pointRegion(llvm::SMLoc loc) {
  std::optional<Position> start = getPosition(loc);
  if (!start)
    return nullptr;
  unsigned id = sourceMgr.FindBufferContainingLoc(loc);
  const char *end = sourceMgr.getMemoryBuffer(id)->getBufferEnd();
  const char *p = loc.getPointer();
  bool atCharacter = p < end && *p != '\n' && *p != '\r';
  return regionObject(start->line, start->column, start->line,
                      start->column + (atCharacter ? 1 : 0));
}

json::Value SarifDiagnosticPrinter::region(llvm::SMRange range) {
  std::optional<Position> start = getPosition(range.Start);
  std::optional<Position> end = getPosition(range.End);
  if (!start || !end ||
      sourceMgr.FindBufferContainingLoc(range.Start) !=
          sourceMgr.FindBufferContainingLoc(range.End) ||
      range.End.getPointer() < range.Start.getPointer())
    return pointRegion(range.Start);
  return regionObject(start->line, start->column, end->line, end->column);
}

/// \p path as a URI path: unreserved characters and '/' as they are, every
/// other byte percent-encoded (':' too, so that a relative path never reads
/// as a scheme).
static std::string encodeUriPath(llvm::StringRef path) {
  std::string result;
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        c == '/') {
      result += static_cast<char>(c);
    } else {
      result += '%';
      result += llvm::hexdigit(c >> 4, /*LowerCase=*/false);
      result += llvm::hexdigit(c & 15, /*LowerCase=*/false);
    }
  }
  return result;
}

/// The uriBaseId of relative paths: the directory netc ran in.
static constexpr const char *SourceRootId = "%SRCROOT%";

json::Object SarifDiagnosticPrinter::artifactLocation(llvm::SMLoc loc) {
  unsigned id = sourceMgr.FindBufferContainingLoc(loc);
  llvm::StringRef name = sourceMgr.getMemoryBuffer(id)->getBufferIdentifier();
  if (llvm::sys::path::is_absolute(name))
    return json::Object{{"uri", "file://" + encodeUriPath(name)}};
  anyRelativePath = true;
  return json::Object{{"uri", encodeUriPath(name)},
                      {"uriBaseId", SourceRootId}};
}

json::Object SarifDiagnosticPrinter::physicalLocation(llvm::SMLoc loc,
                                                      json::Value region) {
  return json::Object{{"artifactLocation", artifactLocation(loc)},
                      {"region", std::move(region)}};
}

/// One fix with every fix-it of \p fixIts (clang's fix-its of one diagnostic
/// are applied together), grouped by file; null when none has a valid range.
json::Value SarifDiagnosticPrinter::fix(const std::vector<FixIt> &fixIts,
                                        llvm::StringRef description) {
  json::Array changes;
  unsigned currentBuffer = 0;
  json::Array *replacements = nullptr;
  for (const FixIt &fixIt : fixIts) {
    if (!fixIt.range.isValid() || !getPosition(fixIt.range.Start))
      continue;
    unsigned id = sourceMgr.FindBufferContainingLoc(fixIt.range.Start);
    if (id != currentBuffer) {
      changes.push_back(
          json::Object{{"artifactLocation", artifactLocation(fixIt.range.Start)},
                       {"replacements", json::Array()}});
      replacements = changes.back().getAsObject()->getArray("replacements");
      currentBuffer = id;
    }
    replacements->push_back(json::Object{
        {"deletedRegion", region(fixIt.range)},
        {"insertedContent",
         json::Object{{"text", jsonString(fixIt.replacement)}}}});
  }
  if (changes.empty())
    return nullptr;
  json::Object result{{"artifactChanges", std::move(changes)}};
  if (!description.empty())
    result["description"] = json::Object{{"text", jsonString(description)}};
  return result;
}

unsigned SarifDiagnosticPrinter::ruleIndex(diag::Kind kind) {
  for (unsigned i = 0; i < rules.size(); ++i)
    if (rules[i] == kind)
      return i;
  rules.push_back(kind);
  return rules.size() - 1;
}

/// The range of \p d that holds its caret (or starts at it), if any.
static const llvm::SMRange *findCaretRange(const Diagnostic &d) {
  for (const llvm::SMRange &r : d.ranges)
    if (r.isValid() && r.Start.getPointer() <= d.loc.getPointer() &&
        (d.loc.getPointer() < r.End.getPointer() || r.Start == d.loc))
      return &r;
  return nullptr;
}

void SarifDiagnosticPrinter::handle(const Diagnostic &d) {
  if (!d.loc.isValid()) {
    // About the run, not a place in a file (the command line, a file that
    // cannot be read or written): a notification of the invocation.
    if (d.severity == Severity::Error)
      anyToolError = true;
    json::Object notification{
        {"level", getSeverityName(d.severity)},
        {"message", json::Object{{"text",
                                  jsonString(d.getMessageWithoutFlag())}}}};
    if (isValidKind(d.kind))
      notification["descriptor"] =
          json::Object{{"id", getDiagnosticInfo(d.kind).name}};
    notifications.push_back(std::move(notification));
    return;
  }
  json::Object result;
  if (isValidKind(d.kind)) {
    result["ruleId"] = getDiagnosticInfo(d.kind).name;
    result["ruleIndex"] = ruleIndex(d.kind);
  }
  result["level"] = getSeverityName(d.severity);
  result["message"] =
      json::Object{{"text", jsonString(d.getMessageWithoutFlag())}};

  // The primary location: the range that holds the caret, else the caret's
  // character. Other ranges become related locations without a message.
  json::Array relatedLocations;
  int nextId = 1;
  if (getPosition(d.loc)) {
    const llvm::SMRange *primary = findCaretRange(d);
    json::Value primaryRegion = primary ? region(*primary) : pointRegion(d.loc);
    result["locations"] = json::Array{json::Object{
        {"physicalLocation",
         physicalLocation(primary ? primary->Start : d.loc,
                          std::move(primaryRegion))}}};
    for (const llvm::SMRange &r : d.ranges)
      if (&r != primary && r.isValid() && getPosition(r.Start))
        relatedLocations.push_back(json::Object{
            {"id", nextId++},
            {"physicalLocation", physicalLocation(r.Start, region(r))}});
  } else {
    result["locations"] = json::Array();
  }

  // Notes, each with the range it underlines (or its caret's character).
  for (const Diagnostic &note : d.notes) {
    json::Object related{
        {"id", nextId++},
        {"message", json::Object{{"text",
                                  jsonString(note.getMessageWithoutFlag())}}}};
    if (getPosition(note.loc)) {
      const llvm::SMRange *noteRange = findCaretRange(note);
      related["physicalLocation"] = physicalLocation(
          noteRange ? noteRange->Start : note.loc,
          noteRange ? region(*noteRange) : pointRegion(note.loc));
    }
    relatedLocations.push_back(std::move(related));
  }
  if (!relatedLocations.empty())
    result["relatedLocations"] = std::move(relatedLocations);

  json::Array fixes;
  json::Value own = fix(d.fixIts, "");
  if (own.kind() != json::Value::Null)
    fixes.push_back(std::move(own));
  for (const Diagnostic &note : d.notes) {
    json::Value noteFix = fix(note.fixIts, note.getMessageWithoutFlag());
    if (noteFix.kind() != json::Value::Null)
      fixes.push_back(std::move(noteFix));
  }
  if (!fixes.empty())
    result["fixes"] = std::move(fixes);

  if (!d.flag.empty())
    result["properties"] = json::Object{{"warningOption", d.flag}};
  // Written as it will stand in the document: an element of "results",
  // ResultIndent deep.
  std::string text;
  {
    llvm::raw_string_ostream stream(text);
    json::OStream j(stream, /*IndentSize=*/2);
    writeValue(j, json::Value(std::move(result)));
  }
  std::string indented;
  indented.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    indented += c;
    if (c == '\n')
      indented.append(ResultIndent, ' ');
  }
  results.add(indented);
}

/// SARIF's level for a diagnostic kind's default severity.
static llvm::StringRef defaultLevel(const DiagnosticInfo &info) {
  return getSeverityName(info.severity);
}

void SarifDiagnosticPrinter::finishDocument(json::OStream &j) {
  json::Array ruleObjects;
  for (diag::Kind kind : rules) {
    const DiagnosticInfo &info = getDiagnosticInfo(kind);
    json::Object rule{
        {"id", info.name},
        {"shortDescription", json::Object{{"text", info.format}}},
        {"help",
         json::Object{{"text", ("docs/diagnostics.md#" + info.name).str()}}},
        {"defaultConfiguration",
         json::Object{{"level", defaultLevel(info)}}}};
    if (!info.group.empty())
      rule["properties"] = json::Object{{"warningGroup", info.group}};
    ruleObjects.push_back(std::move(rule));
  }
  json::Object driver{{"name", tool.name},
                      {"version", tool.version},
                      {"rules", std::move(ruleObjects)}};
  if (!tool.informationUri.empty())
    driver["informationUri"] = tool.informationUri;

  json::Object run{
      {"tool", json::Object{{"driver", std::move(driver)}}},
      {"columnKind", "unicodeCodePoints"},
      {"invocations",
       json::Array{json::Object{
           {"executionSuccessful", !anyToolError},
           {"toolExecutionNotifications", std::move(notifications)}}}}};
  if (anyRelativePath) {
    llvm::SmallString<256> directory;
    if (!llvm::sys::fs::current_path(directory)) {
      std::string uri = "file://" + encodeUriPath(directory);
      if (!llvm::StringRef(uri).endswith("/"))
        uri += "/";
      run["originalUriBaseIds"] =
          json::Object{{SourceRootId, json::Object{{"uri", uri}}}};
    }
  }
  // "results" comes last in the run (KeyOrder), after the rules.
  j.object([&] {
    j.attribute("$schema", SarifDiagnosticPrinter::SchemaUri);
    j.attribute("version", "2.1.0");
    j.attributeArray("runs", [&] {
      j.object([&] {
        json::Value runValue(std::move(run));
        const json::Object &members = *runValue.getAsObject();
        for (const char *key : KeyOrder)
          if (const json::Value *value = members.get(key))
            j.attributeBegin(key), writeValue(j, *value), j.attributeEnd();
        j.attributeArray("results", [&] {
          results.forEach([&](llvm::StringRef text) {
            j.rawValue(text);
            flushIfFull();
          });
        });
      });
    });
  });
}
