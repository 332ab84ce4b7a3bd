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
#include "llvm/Support/ConvertUTF.h"
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

void StructuredDiagnosticPrinter::finish() {
  if (finished)
    return;
  finished = true;
  // One write: the stream is usually unbuffered standard error.
  std::string text;
  llvm::raw_string_ostream buffer(text);
  {
    json::OStream j(buffer, /*IndentSize=*/2);
    writeValue(j, buildDocument());
  }
  buffer << "\n";
  buffer.flush();
  os << text;
  os.flush();
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

json::Value JsonDiagnosticPrinter::convertLocation(llvm::SMLoc loc) {
  if (!loc.isValid())
    return nullptr;
  unsigned id = sourceMgr.FindBufferContainingLoc(loc);
  if (!id)
    return nullptr;
  auto [line, column] = sourceMgr.getLineAndColumn(loc, id);
  return json::Object{
      {"file",
       jsonString(sourceMgr.getMemoryBuffer(id)->getBufferIdentifier())},
      {"line", line},
      {"column", column}};
}

json::Value JsonDiagnosticPrinter::convertRange(llvm::SMRange range) {
  if (!range.isValid())
    return nullptr;
  unsigned id = sourceMgr.FindBufferContainingLoc(range.Start);
  if (!id || sourceMgr.FindBufferContainingLoc(range.End) != id ||
      range.End.getPointer() < range.Start.getPointer())
    return nullptr;
  auto [startLine, startColumn] = sourceMgr.getLineAndColumn(range.Start, id);
  auto [endLine, endColumn] = sourceMgr.getLineAndColumn(range.End, id);
  return json::Object{
      {"file",
       jsonString(sourceMgr.getMemoryBuffer(id)->getBufferIdentifier())},
      {"start", json::Object{{"line", startLine}, {"column", startColumn}}},
      {"end", json::Object{{"line", endLine}, {"column", endColumn}}}};
}

json::Object JsonDiagnosticPrinter::convert(const Diagnostic &d,
                                            bool isNote) {
  json::Object object;
  const DiagnosticInfo *info =
      isValidKind(d.kind) ? &getDiagnosticInfo(d.kind) : nullptr;
  object["id"] = info ? json::Value(info->name) : json::Value(nullptr);
  object["severity"] = getSeverityName(d.severity);
  if (!isNote) {
    object["group"] = info && !info->group.empty() ? json::Value(info->group)
                                                   : json::Value(nullptr);
    object["option"] =
        d.flag.empty() ? json::Value(nullptr) : json::Value(d.flag);
  }
  object["message"] = jsonString(d.getMessageWithoutFlag());
  object["location"] = convertLocation(d.loc);
  json::Array ranges;
  for (llvm::SMRange range : d.ranges) {
    json::Value converted = convertRange(range);
    if (converted.kind() != json::Value::Null)
      ranges.push_back(std::move(converted));
  }
  object["ranges"] = std::move(ranges);
  json::Array fixIts;
  for (const FixIt &fixIt : d.fixIts) {
    json::Value range = convertRange(fixIt.range);
    if (range.kind() == json::Value::Null)
      continue;
    fixIts.push_back(json::Object{{"range", std::move(range)},
                                  {"replacement",
                                   jsonString(fixIt.replacement)}});
  }
  object["fixits"] = std::move(fixIts);
  if (!isNote) {
    json::Array notes;
    for (const Diagnostic &note : d.notes)
      notes.push_back(convert(note, /*isNote=*/true));
    object["notes"] = std::move(notes);
  }
  return object;
}

void JsonDiagnosticPrinter::count(Severity severity) {
  if (severity == Severity::Error)
    ++numErrors;
  else if (severity == Severity::Warning)
    ++numWarnings;
}

void JsonDiagnosticPrinter::handle(const Diagnostic &diagnostic) {
  count(diagnostic.severity);
  diagnostics.push_back(convert(diagnostic, /*isNote=*/false));
}

json::Value JsonDiagnosticPrinter::buildDocument() {
  return json::Object{
      {"format", "netc-diagnostics"},
      {"version", FormatVersion},
      {"tool",
       json::Object{{"name", tool.name}, {"version", tool.version}}},
      {"diagnostics", std::move(diagnostics)},
      {"errors", numErrors},
      {"warnings", numWarnings}};
}

//===----------------------------------------------------------------------===//
// SARIF
//===----------------------------------------------------------------------===//

SarifDiagnosticPrinter::~SarifDiagnosticPrinter() { finish(); }

/// The number of code points in \p text; each byte that does not start a
/// valid UTF-8 sequence counts as one.
static unsigned countCodePoints(llvm::StringRef text) {
  unsigned count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    auto *p = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
    unsigned length = llvm::getNumBytesForUTF8(*p);
    if (length < 1 || length > text.size() - i ||
        !llvm::isLegalUTF8Sequence(p, p + length))
      length = 1;
    i += length;
  }
  return count;
}

std::optional<SarifDiagnosticPrinter::Position>
SarifDiagnosticPrinter::getPosition(llvm::SMLoc loc) {
  if (!loc.isValid())
    return std::nullopt;
  unsigned id = sourceMgr.FindBufferContainingLoc(loc);
  if (!id)
    return std::nullopt;
  auto [line, byteColumn] = sourceMgr.getLineAndColumn(loc, id);
  const char *lineStart = loc.getPointer() - (byteColumn - 1);
  return Position{line, 1 + countCodePoints(llvm::StringRef(
                                lineStart, byteColumn - 1))};
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
  results.push_back(std::move(result));
}

/// SARIF's level for a diagnostic kind's default severity.
static llvm::StringRef defaultLevel(const DiagnosticInfo &info) {
  return getSeverityName(info.severity);
}

json::Value SarifDiagnosticPrinter::buildDocument() {
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
           {"toolExecutionNotifications", std::move(notifications)}}}},
      {"results", std::move(results)}};
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
  return json::Object{{"$schema", SarifDiagnosticPrinter::SchemaUri},
                      {"version", "2.1.0"},
                      {"runs", json::Array{std::move(run)}}};
}
