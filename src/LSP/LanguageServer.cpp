//===- LanguageServer.cpp - netc lsp: the language server -----------------===//
//
// One thread, one message at a time. Each open document keeps its text and,
// once checked, a CheckedDocument; a change drops the checked version, and
// it is checked again when a request needs it or when no message is
// waiting (so a burst of keystrokes is checked once, after the last), and
// its diagnostics are then published.
//
// Every request is answered, with a result or an LSP error: a request on a
// document that is not open, with parameters of the wrong shape, before
// initialize or after shutdown gets an error, never a crash.
//
//===----------------------------------------------------------------------===//
#include "netc/LSP/LanguageServer.h"

#include "CheckedDocument.h"
#include "Completion.h"
#include "SourcePositions.h"
#include "Transport.h"

#include "netc/Emit/Emitters.h"
#include "netc/Emit/Format.h"
#include "netc/Format/SourceFormatter.h"
#include "netc/Frontend/Invocation.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/Path.h"

#include <chrono>
#include <map>
#include <set>

using namespace netc;
using namespace netc::lsp;
using llvm::json::Array;
using llvm::json::Object;

namespace {

/// JSON-RPC and LSP error codes.
enum ErrorCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
};

/// A request's failure: its LSP error.
struct Failure {
  int code;
  std::string message;
};

/// A handler's answer: a result, or a failure.
struct Reply {
  llvm::json::Value result = nullptr;
  std::optional<Failure> failure;
  Reply(llvm::json::Value result) : result(std::move(result)) {}
  Reply(llvm::json::Object result) : result(std::move(result)) {}
  Reply(llvm::json::Array result) : result(std::move(result)) {}
  Reply(std::string result) : result(std::move(result)) {}
  Reply(Failure failure) : failure(std::move(failure)) {}
};

/// Collects the diagnostics of reading the settings (readInvocation).
class SettingsProblems : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &d) override {
    messages.push_back(d.message);
  }
  std::vector<std::string> messages;
};

/// An open document.
struct Document {
  std::string uri;
  std::string path;
  std::string text;
  int64_t version = 0;
  /// Null after a change, until it is checked again.
  std::shared_ptr<CheckedDocument> checked;
  /// The last version that parsed, for completion of imported blocks.
  std::shared_ptr<CheckedDocument> lastGood;
  bool published = false;
};

class LanguageServer {
public:
  LanguageServer(JsonTransport &transport, llvm::raw_ostream &log,
                 const LanguageServerOptions &options)
      : transport(transport), log(log), options(options) {}

  int run();

private:
  // The message loop.
  void handleMessage(llvm::json::Value message);
  Reply handleRequest(llvm::StringRef method, const llvm::json::Value &params);
  void handleNotification(llvm::StringRef method,
                          const llvm::json::Value &params);
  void sendError(llvm::json::Value id, int code, llvm::StringRef message);
  void notify(llvm::StringRef method, llvm::json::Value params);
  void showMessage(int type, llvm::StringRef message);

  // Settings and documents.
  Reply initialize(const llvm::json::Value &params);
  void readSettings(const llvm::json::Value *settings);
  void didOpen(const llvm::json::Object &params);
  void didChange(const llvm::json::Object &params);
  void didClose(const llvm::json::Object &params);
  /// The open document \p params names (textDocument.uri).
  Document *findDocument(const llvm::json::Object &params, Failure &failure);
  /// Checks \p doc if its text changed since its last check.
  CheckedDocument &ensureChecked(Document &doc);
  /// Checks and publishes every document that changed.
  void publishPending();
  void publishDiagnostics(Document &doc);
  /// \p d as LSP writes it, for the document at \p uri.
  llvm::json::Value convertDiagnostic(const CheckedDocument &checked,
                                      const Diagnostic &d, llvm::StringRef uri);
  Range getDiagnosticRange(const CheckedDocument &checked,
                           const Diagnostic &d);

  // Features.
  Reply hover(Document &doc, size_t offset);
  Reply definition(Document &doc, size_t offset);
  Reply references(Document &doc, size_t offset, bool includeDeclaration);
  Reply documentSymbols(Document &doc);
  Reply workspaceSymbols(llvm::StringRef query);
  Reply inlayHints(Document &doc, const Range &range);
  Reply formatting(Document &doc);
  Reply codeActions(Document &doc, const Range &range);
  Reply executeCommand(const llvm::json::Object &params);

  /// The shapes of \p values ("[64, 56, 56]"), distinct, in order.
  std::vector<std::string> describeShapes(const CheckedDocument &checked,
                                          llvm::ArrayRef<CheckedValue> values);
  std::string describeValue(const CheckedDocument &checked,
                            const CheckedValue &value);
  /// The Markdown lines about layer \p id of graph \p g.
  std::string describeLayer(const CheckedDocument &checked, int g, LayerId id);

  JsonTransport &transport;
  llvm::raw_ostream &log;
  LanguageServerOptions options;
  PositionEncoding encoding = PositionEncoding::UTF16;
  bool initialized = false;
  bool shutdownRequested = false;
  bool exitRequested = false;
  /// The settings as netc's options, and as read (check and analysis).
  InvocationOptions settings;
  Invocation invocation;
  std::map<std::string, Document> documents;
  /// Problems of the initializationOptions, shown once initialized.
  std::vector<std::string> pendingSettingsProblems;
  /// The settings in force, as the client gave them (changes merge in).
  llvm::json::Object currentSettings;
};

//===----------------------------------------------------------------------===//
// The message loop
//===----------------------------------------------------------------------===//

int LanguageServer::run() {
  // The default settings: netc's own.
  readSettings(nullptr);
  std::string text, problem;
  while (!exitRequested && !transport.hasFailed()) {
    if (!transport.hasPendingInput())
      publishPending();
    JsonTransport::Read read = transport.readMessage(text, problem);
    if (read == JsonTransport::Read::End)
      break;
    if (read == JsonTransport::Read::Skipped) {
      log << "netc lsp: skipped " << problem << "\n";
      problem.clear();
      continue;
    }
    llvm::Expected<llvm::json::Value> message = llvm::json::parse(text);
    if (!message) {
      std::string why = llvm::toString(message.takeError());
      log << "netc lsp: a message that is not JSON: " << why << "\n";
      sendError(nullptr, ParseError, "the message is not JSON: " + why);
      continue;
    }
    handleMessage(std::move(*message));
  }
  if (!exitRequested)
    publishPending();
  return shutdownRequested && exitRequested ? 0 : 1;
}

void LanguageServer::handleMessage(llvm::json::Value message) {
  Object *object = message.getAsObject();
  if (!object) {
    sendError(nullptr, InvalidRequest, "a message must be a JSON object");
    return;
  }
  auto method = object->getString("method");
  const llvm::json::Value *id = object->get("id");
  // JSON-RPC: an id is a number, a string or null.
  if (id && id->kind() != llvm::json::Value::Number &&
      id->kind() != llvm::json::Value::String &&
      id->kind() != llvm::json::Value::Null) {
    sendError(nullptr, InvalidRequest,
              "a request's id must be a number or a string");
    return;
  }
  if (!method && object->get("method")) {
    if (id)
      sendError(*id, InvalidRequest, "a request's method must be a string");
    return;
  }
  llvm::json::Value params = nullptr;
  if (const llvm::json::Value *p = object->get("params"))
    params = *p;
  if (!method) {
    // A response to a request of ours (we send none that need one), or
    // nonsense.
    if (!id)
      sendError(nullptr, InvalidRequest, "a message without a method");
    return;
  }
  auto started = std::chrono::steady_clock::now();
  if (!id) {
    handleNotification(*method, params);
  } else {
    Reply reply = handleRequest(*method, params);
    Object response{{"jsonrpc", "2.0"}, {"id", *id}};
    if (reply.failure)
      response["error"] = Object{{"code", reply.failure->code},
                                 {"message", reply.failure->message}};
    else
      response["result"] = std::move(reply.result);
    transport.send(std::move(response));
  }
  if (options.verbose)
    log << "netc lsp: " << *method << " took "
        << std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now() - started)
                   .count() /
               1000.0
        << " ms\n";
}

void LanguageServer::sendError(llvm::json::Value id, int code,
                               llvm::StringRef message) {
  transport.send(Object{{"jsonrpc", "2.0"},
                        {"id", std::move(id)},
                        {"error", Object{{"code", code}, {"message", message.str()}}}});
}

void LanguageServer::notify(llvm::StringRef method, llvm::json::Value params) {
  transport.send(Object{{"jsonrpc", "2.0"},
                        {"method", method.str()},
                        {"params", std::move(params)}});
}

void LanguageServer::showMessage(int type, llvm::StringRef message) {
  notify("window/showMessage",
         Object{{"type", type}, {"message", message.str()}});
}

/// Reads the position a request is about into \p offset.
static bool readPosition(const Object &params, const Document &doc,
                         const CheckedDocument &checked, size_t &offset) {
  const llvm::json::Value *p = params.get("position");
  Position position;
  if (!p || !fromJSON(*p, position))
    return false;
  offset = checked.lines.getOffset(position);
  (void)doc;
  return true;
}

Reply LanguageServer::handleRequest(llvm::StringRef method,
                                    const llvm::json::Value &params) {
  if (method == "initialize")
    return initialize(params);
  if (!initialized)
    return Failure{ServerNotInitialized,
                   "the server is not initialized yet (send initialize first)"};
  if (shutdownRequested)
    return Failure{InvalidRequest, "the server is shutting down"};
  if (method == "shutdown") {
    shutdownRequested = true;
    return llvm::json::Value(nullptr);
  }
  const Object *object = params.getAsObject();
  if (method == "workspace/symbol") {
    const llvm::json::Value *query = object ? object->get("query") : nullptr;
    if (!query || !query->getAsString())
      return Failure{InvalidParams,
                     "workspace/symbol takes {\"query\": string}"};
    return workspaceSymbols(*query->getAsString());
  }
  if (method == "workspace/executeCommand") {
    if (!object)
      return Failure{InvalidParams, "executeCommand takes an object"};
    return executeCommand(*object);
  }
  static const std::set<std::string> documentMethods = {
      "textDocument/hover",         "textDocument/definition",
      "textDocument/references",    "textDocument/documentSymbol",
      "textDocument/inlayHint",     "textDocument/formatting",
      "textDocument/codeAction",    "textDocument/completion",
      "textDocument/signatureHelp", "textDocument/diagnostic"};
  if (!documentMethods.count(method.str()))
    return Failure{MethodNotFound, "netc lsp has no method '" + method.str() +
                                       "'"};
  if (!object)
    return Failure{InvalidParams, method.str() + " takes an object"};
  Failure failure;
  Document *doc = findDocument(*object, failure);
  if (!doc)
    return failure;
  CheckedDocument &checked = ensureChecked(*doc);
  size_t offset = 0;
  bool positional = method == "textDocument/hover" ||
                    method == "textDocument/definition" ||
                    method == "textDocument/references" ||
                    method == "textDocument/completion" ||
                    method == "textDocument/signatureHelp";
  if (positional && !readPosition(*object, *doc, checked, offset))
    return Failure{InvalidParams,
                   method.str() + " needs a position {line, character}"};
  if (method == "textDocument/hover")
    return hover(*doc, offset);
  if (method == "textDocument/definition")
    return definition(*doc, offset);
  if (method == "textDocument/references") {
    bool include = true;
    if (const Object *context = object->getObject("context"))
      include = context->getBoolean("includeDeclaration").getValueOr(true);
    return references(*doc, offset, include);
  }
  if (method == "textDocument/documentSymbol")
    return documentSymbols(*doc);
  if (method == "textDocument/completion")
    return complete(doc->text, offset,
                    checked.module ? &checked : doc->lastGood.get());
  if (method == "textDocument/signatureHelp")
    return getSignatureHelp(doc->text, offset,
                            checked.module ? &checked : doc->lastGood.get());
  if (method == "textDocument/formatting")
    return formatting(*doc);
  Range range;
  const llvm::json::Value *r = object->get("range");
  if (method == "textDocument/diagnostic") {
    Array items;
    items.reserve(checked.diagnostics.size());
    for (const Diagnostic &d : checked.diagnostics)
      items.push_back(convertDiagnostic(checked, d, doc->uri));
    return Object{{"kind", "full"}, {"items", std::move(items)}};
  }
  if (!r || !fromJSON(*r, range))
    return Failure{InvalidParams, method.str() + " needs a range"};
  if (method == "textDocument/inlayHint")
    return inlayHints(*doc, range);
  return codeActions(*doc, range);
}

void LanguageServer::handleNotification(llvm::StringRef method,
                                        const llvm::json::Value &params) {
  if (method == "exit") {
    exitRequested = true;
    return;
  }
  if (!initialized || shutdownRequested)
    return; // LSP: notifications before initialize are dropped
  const Object *object = params.getAsObject();
  if (!object)
    return;
  if (method == "textDocument/didOpen")
    didOpen(*object);
  else if (method == "textDocument/didChange")
    didChange(*object);
  else if (method == "textDocument/didClose")
    didClose(*object);
  else if (method == "workspace/didChangeConfiguration") {
    const llvm::json::Value *settingsValue = object->get("settings");
    if (settingsValue && settingsValue->getAsObject()) {
      const llvm::json::Value *netcSettings =
          settingsValue->getAsObject()->get("netc");
      readSettings(netcSettings ? netcSettings : settingsValue);
      // Checked again, and their diagnostics published again.
      for (auto &entry : documents) {
        entry.second.checked.reset();
        entry.second.published = false;
      }
    }
  }
  else if (method == "textDocument/didSave") {
    // A saved file may be imported by the others: check them all again.
    for (auto &entry : documents) {
      entry.second.checked.reset();
      entry.second.published = false;
    }
  }
  // Others ($/cancelRequest, initialized, $/setTrace) need nothing.
}

//===----------------------------------------------------------------------===//
// Settings and documents
//===----------------------------------------------------------------------===//

Reply LanguageServer::initialize(const llvm::json::Value &params) {
  if (initialized)
    return Failure{InvalidRequest, "initialize was already sent"};
  const Object *object = params.getAsObject();
  if (!object)
    return Failure{InvalidParams, "initialize takes an object"};
  // UTF-8 positions when the client offers them, else LSP's UTF-16.
  encoding = PositionEncoding::UTF16;
  if (const Object *caps = object->getObject("capabilities"))
    if (const Object *general = caps->getObject("general"))
      if (const Array *encodings = general->getArray("positionEncodings"))
        for (const llvm::json::Value &e : *encodings)
          if (e.getAsString() == llvm::StringRef("utf-8"))
            encoding = PositionEncoding::UTF8;
  readSettings(object->get("initializationOptions"));
  initialized = true;
  Object capabilities{
      {"positionEncoding", encoding == PositionEncoding::UTF8 ? "utf-8" : "utf-16"},
      {"textDocumentSync",
       Object{{"openClose", true},
              {"change", 2},
              {"save", Object{{"includeText", false}}}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"documentSymbolProvider", true},
      {"workspaceSymbolProvider", true},
      {"documentFormattingProvider", true},
      {"inlayHintProvider", true},
      {"codeActionProvider", Object{{"codeActionKinds", Array{"quickfix"}}}},
      {"completionProvider",
       Object{{"triggerCharacters", Array{"(", ",", ">", "="}},
              {"resolveProvider", false}}},
      {"signatureHelpProvider",
       Object{{"triggerCharacters", Array{"(", ","}},
              {"retriggerCharacters", Array{"=", " "}}}},
      {"executeCommandProvider",
       Object{{"commands", Array{"netc.memoryReport"}}}},
  };
  return Object{{"capabilities", std::move(capabilities)},
                {"serverInfo",
                 Object{{"name", "netc"}, {"version", options.version}}}};
}

/// Reads the settings object \p value (initializationOptions, or the
/// "netc" part of didChangeConfiguration's settings) into netc's options.
/// The keys are netc's command-line options (docs/editors.md). A change
/// updates the keys it names and keeps the others; a key of the wrong type
/// or unknown is reported and skipped; values netc refuses (an unknown
/// optimizer) are reported and the settings before the change are kept.
void LanguageServer::readSettings(const llvm::json::Value *value) {
  std::vector<std::string> problems;
  llvm::json::Object merged = currentSettings;
  if (value && !value->getAsObject())
    problems.push_back("the settings must be a JSON object");
  if (const Object *o = value ? value->getAsObject() : nullptr)
    for (const auto &entry : *o)
      merged[entry.first] = entry.second;
  InvocationOptions read;
  llvm::json::Object kept;
  for (const auto &entry : merged) {
    llvm::StringRef key = entry.first;
    const llvm::json::Value &v = entry.second;
    auto bad = [&](llvm::StringRef expected) {
      problems.push_back("setting '" + key.str() + "' must be " +
                         expected.str());
    };
    std::string *text = key == "dtype"         ? &read.dtype
                        : key == "optimizer"   ? &read.optimizer
                        : key == "precision"   ? &read.precision
                        : key == "memoryModel" ? &read.memoryModel
                        : key == "recompute"   ? &read.recompute
                        : key == "units"       ? &read.units
                                               : nullptr;
    long long *integer = key == "batch"       ? &read.batch
                         : key == "maxLayers" ? &read.maxLayers
                         : key == "maxSteps"  ? &read.maxSteps
                                              : nullptr;
    if (text) {
      if (auto s = v.getAsString()) {
        *text = s->str();
        kept[key.str()] = v; // an owned key: `merged` goes
      } else {
        bad("a string");
      }
    } else if (integer) {
      if (auto i = v.getAsInteger()) {
        *integer = *i;
        kept[key.str()] = v; // an owned key: `merged` goes
      } else {
        bad("an integer");
      }
    } else if (key == "defines") {
      const Array *list = v.getAsArray();
      bool ok = list != nullptr;
      if (list)
        for (const llvm::json::Value &d : *list)
          ok &= d.getAsString().hasValue();
      if (!ok) {
        bad("a list of strings such as \"size=320\"");
        continue;
      }
      for (const llvm::json::Value &d : *list)
        read.defines.push_back(d.getAsString()->str());
      kept[key.str()] = v; // an owned key: `merged` goes
    } else {
      problems.push_back("unknown setting '" + key.str() + "'");
    }
  }
  read.inputs = {"-"};
  SettingsProblems collected;
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags(sourceMgr, collected);
  Invocation checkedInvocation;
  if (readInvocation(read, checkedInvocation, diags) &&
      collected.messages.empty()) {
    currentSettings = std::move(kept);
    invocation = std::move(checkedInvocation);
  } else {
    for (const std::string &m : collected.messages)
      problems.push_back(m);
    problems.push_back("the settings before this change are kept");
  }
  if (problems.empty())
    return;
  std::string message = "netc: settings ignored: ";
  for (size_t i = 0; i < problems.size(); ++i)
    message += (i ? "; " : "") + problems[i];
  if (initialized)
    showMessage(1, message);
  else
    pendingSettingsProblems.push_back(message);
}

Document *LanguageServer::findDocument(const Object &params,
                                       Failure &failure) {
  const Object *textDocument = params.getObject("textDocument");
  auto uri =
      textDocument ? textDocument->getString("uri")
                   : llvm::Optional<llvm::StringRef>();
  if (!uri) {
    failure = Failure{InvalidParams, "the request names no textDocument.uri"};
    return nullptr;
  }
  auto it = documents.find(uri->str());
  if (it == documents.end()) {
    failure = Failure{InvalidParams, "the document '" + uri->str() +
                                  "' is not open (send didOpen first)"};
    return nullptr;
  }
  return &it->second;
}

void LanguageServer::didOpen(const Object &params) {
  const Object *item = params.getObject("textDocument");
  if (!item)
    return;
  auto uri = item->getString("uri");
  auto text = item->getString("text");
  if (!uri || !text)
    return;
  Document doc;
  doc.uri = uri->str();
  // A document that is not a file (untitled:) is checked as a file in the
  // working folder; its imports are read from there.
  std::optional<std::string> path = fileUriToPath(*uri);
  doc.path = path ? *path : "untitled.net";
  doc.text = text->str();
  doc.version = item->getInteger("version").getValueOr(0);
  documents[doc.uri] = std::move(doc);
}

void LanguageServer::didChange(const Object &params) {
  Failure failure;
  Document *doc = findDocument(params, failure);
  const Array *changes = params.getArray("contentChanges");
  if (!doc || !changes)
    return;
  for (const llvm::json::Value &change : *changes) {
    const Object *c = change.getAsObject();
    if (!c)
      continue;
    auto text = c->getString("text");
    if (!text)
      continue;
    const llvm::json::Value *r = c->get("range");
    Range range;
    if (!r || !fromJSON(*r, range)) {
      doc->text = text->str();
      continue;
    }
    LineTable table(doc->text, encoding);
    size_t begin = table.getOffset(range.start);
    size_t end = std::max(begin, table.getOffset(range.end));
    doc->text.replace(begin, end - begin, text->str());
  }
  if (const Object *id = params.getObject("textDocument"))
    doc->version = id->getInteger("version").getValueOr(doc->version + 1);
  doc->checked.reset();
  doc->published = false;
}

void LanguageServer::didClose(const Object &params) {
  Failure failure;
  if (Document *doc = findDocument(params, failure)) {
    // Clear what the editor shows for it.
    notify("textDocument/publishDiagnostics",
           Object{{"uri", doc->uri}, {"diagnostics", Array{}}});
    documents.erase(doc->uri);
  }
}

CheckedDocument &LanguageServer::ensureChecked(Document &doc) {
  if (!doc.checked) {
    doc.checked = CheckedDocument::build(doc.path, doc.text,
                                         invocation.frontend.check,
                                         invocation.analysis, encoding);
    if (doc.checked->module)
      doc.lastGood = doc.checked;
  }
  return *doc.checked;
}

void LanguageServer::publishPending() {
  if (initialized) {
    for (const std::string &message : pendingSettingsProblems)
      showMessage(1, message);
    pendingSettingsProblems.clear();
  }
  for (auto &entry : documents)
    if (!entry.second.published)
      publishDiagnostics(entry.second);
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// The end of the word that starts at \p offset (at least one character).
static size_t getWordEnd(llvm::StringRef text, size_t offset) {
  size_t end = offset;
  while (end < text.size() &&
         (llvm::isAlnum(text[end]) || text[end] == '_'))
    ++end;
  if (end == offset && offset < text.size() && text[offset] != '\n' &&
      text[offset] != '\r')
    ++end;
  return end;
}

Range LanguageServer::getDiagnosticRange(const CheckedDocument &checked,
                                         const Diagnostic &d) {
  std::optional<size_t> at = checked.getOffset(d.loc);
  if (!at)
    return {};
  // The highlighted range that holds the location, as clang underlines it.
  for (const llvm::SMRange &r : d.ranges) {
    std::optional<size_t> begin = checked.getOffset(r.Start);
    std::optional<size_t> end = checked.getOffset(r.End);
    if (begin && end && *begin <= *at && *at <= *end && *begin < *end)
      return checked.lines.getRange(*begin, *end);
  }
  return checked.lines.getRange(*at, getWordEnd(checked.text, *at));
}

llvm::json::Value LanguageServer::convertDiagnostic(const CheckedDocument &checked,
                                                    const Diagnostic &d,
                                                    llvm::StringRef uri) {
  std::string message = d.getMessageWithoutFlag().str();
  Range range = getDiagnosticRange(checked, d);
  Array related;
  bool placed = checked.getOffset(d.loc).has_value();
  if (!placed && d.loc.isValid()) {
    // A mistake in an imported file: shown at this file's first note (the
    // call that led there), with the place itself as related information.
    Location where = checked.getLocation({d.loc, d.loc});
    related.push_back(Object{
        {"location", Object{{"uri", where.uri}, {"range", toJSON(where.range)}}},
        {"message", message}});
    for (const Diagnostic &note : d.notes)
      if (checked.getOffset(note.loc)) {
        range = getDiagnosticRange(checked, note);
        placed = true;
        break;
      }
    std::string file =
        llvm::sys::path::filename(fileUriToPath(where.uri).value_or(""))
            .str();
    message = "in " + file + ":" + std::to_string(where.range.start.line + 1) +
              ": " + message;
  }
  for (const Diagnostic &note : d.notes) {
    if (!note.loc.isValid()) {
      message += "\nnote: " + note.message;
      continue;
    }
    Location where = checked.getLocation({note.loc, note.loc});
    if (where.uri.empty()) {
      where.uri = uri;
      where.range = getDiagnosticRange(checked, note);
    }
    related.push_back(Object{
        {"location", Object{{"uri", where.uri}, {"range", toJSON(where.range)}}},
        {"message", note.message}});
  }
  Object result{
      {"range", toJSON(range)},
      {"severity", d.severity == Severity::Error ? 1 : 2},
      {"source", "netc"},
      {"code", d.flag.empty() ? getDiagnosticInfo(d.kind).name.str() : d.flag},
      {"message", message},
  };
  if (!related.empty())
    result["relatedInformation"] = std::move(related);
  if (llvm::StringRef(d.flag).contains("unused"))
    result["tags"] = Array{1}; // Unnecessary: editors fade the code
  return result;
}

void LanguageServer::publishDiagnostics(Document &doc) {
  CheckedDocument &checked = ensureChecked(doc);
  Array diagnostics;
  diagnostics.reserve(checked.diagnostics.size());
  for (const Diagnostic &d : checked.diagnostics)
    diagnostics.push_back(convertDiagnostic(checked, d, doc.uri));
  notify("textDocument/publishDiagnostics",
         Object{{"uri", doc.uri},
                {"version", doc.version},
                {"diagnostics", std::move(diagnostics)}});
  doc.published = true;
}

//===----------------------------------------------------------------------===//
// Hover, definitions, references, symbols
//===----------------------------------------------------------------------===//

std::string LanguageServer::describeValue(const CheckedDocument &checked,
                                          const CheckedValue &value) {
  const Value &v = value.value;
  if (v.isTensor() && value.graph >= 0) {
    const Graph &graph = checked.checked.graphs[value.graph];
    if (v.getTensor() < graph.layers.size()) {
      const TensorType &type = graph.layers[v.getTensor()].type;
      std::string s = type.str();
      if (type.dtype != DType::F32)
        s += " " + getDTypeName(type.dtype).str();
      return s;
    }
  }
  if (v.isTuple()) {
    std::string s = "(";
    for (size_t i = 0; i < v.getElements().size(); ++i)
      s += (i ? ", " : "") +
           describeValue(checked, {value.graph, v.getElements()[i]});
    return s + ")";
  }
  if (v.isUnknown())
    return "";
  return v.str();
}

std::vector<std::string>
LanguageServer::describeShapes(const CheckedDocument &checked,
                               llvm::ArrayRef<CheckedValue> values) {
  std::vector<std::string> shapes;
  llvm::StringSet<> seen;
  for (const CheckedValue &v : values) {
    std::string s = describeValue(checked, v);
    if (!s.empty() && seen.insert(s).second)
      shapes.push_back(s);
  }
  return shapes;
}

std::string LanguageServer::describeLayer(const CheckedDocument &checked,
                                          int g, LayerId id) {
  const Graph &graph = checked.checked.graphs[g];
  const Layer &layer = graph.layers[id];
  std::string s = "`" + layer.name + "`";
  if (checked.checked.graphs.size() > 1)
    s += " in network `" + graph.name + "`";
  s += ": " + layer.type.str();
  if (layer.type.dtype != DType::F32)
    s += " " + getDTypeName(layer.type.dtype).str();
  s += "\n\n";
  std::vector<std::string> figures;
  if (layer.params.getParams())
    figures.push_back("params " + formatWithSeparators(layer.params.getParams()));
  if (layer.params.buffers)
    figures.push_back("buffers " + formatWithSeparators(layer.params.buffers));
  const std::optional<NetworkAnalysis> &analysis = checked.analyses[g];
  if (analysis && id < analysis->layerCosts.size()) {
    const OpCost &cost = analysis->layerCosts[id];
    if (cost.macs)
      figures.push_back("MACs " + formatWithSeparators(cost.macs));
    if (cost.flops)
      figures.push_back("FLOPs " + formatWithSeparators(cost.flops));
  }
  switch (layer.storage) {
  case OutputStorage::New:
    if (auto n = layer.type.getNumElements())
      figures.push_back("activations " +
                        formatSize(*n * getByteWidth(layer.type.dtype),
                                   SizeUnit::Auto) +
                        " a sample");
    break;
  case OutputStorage::View:
    figures.push_back("activations: a view of its input");
    break;
  default:
    figures.push_back("activations: in place");
    break;
  }
  if (!figures.empty())
    s += llvm::join(figures, " · ") + "\n";
  return s;
}

Reply LanguageServer::hover(Document &doc, size_t offset) {
  CheckedDocument &checked = *doc.checked;
  std::string text;
  Range range;
  if (const CallSite *call = checked.findCallAt(offset)) {
    llvm::StringRef name = call->call->getCallee().name;
    range = checked.lines.getRange(call->calleeBegin, call->calleeEnd);
    auto values = checked.callValues.find(call->call->getCallee().range.Start.getPointer());
    std::vector<CheckedValue> instances;
    if (values != checked.callValues.end())
      instances = values->second;
    if (const OpDef *op = lookupOp(name)) {
      text = "**" + op->name + "** — " + op->doc + "\n\n```\n" +
             op->getSignature() + "\n```\n";
      // The layer of each call (a block called three times has three).
      size_t shown = 0;
      for (const CheckedValue &v : instances) {
        if (!v.value.isTensor() || v.graph < 0)
          continue;
        if (shown++ == 3)
          break;
        text += "\n---\n" + describeLayer(checked, v.graph, v.value.getTensor());
      }
      if (instances.size() > 3)
        text += "\n(and " + std::to_string(instances.size() - 3) +
                " more calls)\n";
    } else {
      int def = checked.findSymbolAt(offset);
      std::string signature =
          def >= 0 ? checked.defs[def].signature : name.str() + "(...)";
      text = "**block** `" + signature + "`\n";
      std::vector<std::string> shapes = describeShapes(checked, instances);
      if (!shapes.empty())
        text += "\nreturns " + llvm::join(shapes, ", ") + "\n";
      // The call's own figures: every layer made inside it.
      const llvm::SMRange callRange = call->call->getRange();
      for (size_t g = 0; g < checked.checked.graphs.size(); ++g) {
        const Graph &graph = checked.checked.graphs[g];
        for (size_t s = 0; s < graph.scopes.size(); ++s) {
          if (graph.scopes[s].callRange.Start.getPointer() !=
              callRange.Start.getPointer())
            continue;
          int64_t params = 0, macs = 0, layers = 0;
          for (size_t l = 0; l < graph.layers.size(); ++l) {
            int scope = graph.layers[l].scope;
            while (scope > int(s))
              scope = graph.scopes[scope].parent;
            if (scope != int(s))
              continue;
            ++layers;
            params += graph.layers[l].params.getParams();
            if (checked.analyses[g] && l < checked.analyses[g]->layerCosts.size())
              macs += checked.analyses[g]->layerCosts[l].macs;
          }
          text += "\n`" + graph.scopes[s].name + "`: " +
                  std::to_string(layers) + (layers == 1 ? " layer" : " layers") +
                  " · params " +
                  formatWithSeparators(params) + " · MACs " +
                  formatWithSeparators(macs) + "\n";
        }
      }
    }
  } else if (int def = checked.findSymbolAt(offset); def >= 0) {
    const SymbolDef &d = checked.defs[def];
    for (const SymbolUse &u : checked.uses)
      if (u.begin <= offset && offset <= u.end)
        range = checked.lines.getRange(u.begin, u.end);
    if (range.end == Position{})
      range = checked.lines.getRange(d.begin, d.end);
    static const char *const kinds[] = {"network", "block", "const",
                                        "parameter", "input", "tensor",
                                        "value", "loop variable"};
    text = "**" + std::string(kinds[int(d.kind)]) + "** `" +
           (d.signature.empty() ? d.name : d.signature) + "`\n";
    auto values = d.bindingKey ? checked.bindings.find(d.bindingKey)
                               : checked.bindings.end();
    if (values != checked.bindings.end()) {
      std::vector<std::string> shapes = describeShapes(checked, values->second);
      if (!shapes.empty())
        text += "\n" + llvm::join(shapes, ", ") +
                (shapes.size() < 2                      ? ""
                 : d.kind == SymbolKind::LoopVariable ? " (one per iteration)"
                                                        : " (one per call)") +
                "\n";
      // The layer a tensor value is, when it is the same in every call.
      const CheckedValue &first = values->second.front();
      if (first.value.isTensor() && first.graph >= 0 &&
          values->second.size() == 1)
        text += "\n---\n" + describeLayer(checked, first.graph,
                                           first.value.getTensor());
    }
  } else {
    return llvm::json::Value(nullptr);
  }
  return Object{{"contents", Object{{"kind", "markdown"}, {"value", text}}},
                {"range", toJSON(range)}};
}

/// A Location as LSP writes it; this document's when \p loc.uri is empty.
static llvm::json::Value toJSON(const Location &loc, const Document &doc) {
  return Object{{"uri", loc.uri.empty() ? doc.uri : loc.uri},
                {"range", toJSON(loc.range)}};
}

Reply LanguageServer::definition(Document &doc, size_t offset) {
  CheckedDocument &checked = *doc.checked;
  int def = checked.findSymbolAt(offset);
  if (def < 0) {
    // An import's path: the imported file.
    if (checked.module)
      for (const ast::ImportDecl &import : checked.module->getImports()) {
        std::optional<size_t> b = checked.getOffset(import.range.Start);
        std::optional<size_t> e = checked.getOffset(import.range.End);
        if (b && e && *b <= offset && offset <= *e) {
          llvm::SmallString<256> path(llvm::sys::path::parent_path(doc.path));
          llvm::sys::path::append(path, import.path);
          return Array{Object{{"uri", pathToFileUri(path)},
                              {"range", toJSON(Range{})}}}; 
        }
      }
    return Array{};
  }
  return Array{toJSON(checked.defs[def].location, doc)};
}

Reply LanguageServer::references(Document &doc, size_t offset,
                                 bool includeDeclaration) {
  CheckedDocument &checked = *doc.checked;
  int def = checked.findSymbolAt(offset);
  Array result;
  if (def < 0)
    return result;
  if (includeDeclaration)
    result.push_back(toJSON(checked.defs[def].location, doc));
  for (const SymbolUse &u : checked.uses)
    if (u.def == def)
      result.push_back(Object{
          {"uri", doc.uri},
          {"range", toJSON(checked.lines.getRange(u.begin, u.end))}});
  return result;
}

/// LSP's SymbolKind for a definition.
static int getLspSymbolKind(SymbolKind kind) {
  switch (kind) {
  case SymbolKind::Network:
    return 5; // Class
  case SymbolKind::Block:
    return 12; // Function
  case SymbolKind::Const:
    return 14; // Constant
  case SymbolKind::Parameter:
    return 7; // Property
  default:
    return 13; // Variable
  }
}

Reply LanguageServer::documentSymbols(Document &doc) {
  CheckedDocument &checked = *doc.checked;
  Array result;
  for (size_t i = 0; i < checked.defs.size(); ++i) {
    const SymbolDef &d = checked.defs[i];
    if (!d.location.uri.empty() || d.container >= 0)
      continue;
    Array children;
    for (const SymbolDef &child : checked.defs)
      if (child.container == int(i) &&
          (child.kind == SymbolKind::Input || child.kind == SymbolKind::Parameter ||
           child.kind == SymbolKind::Tensor))
        children.push_back(Object{{"name", child.name},
                                  {"kind", getLspSymbolKind(child.kind)},
                                  {"range", toJSON(child.fullRange)},
                                  {"selectionRange", toJSON(child.location.range)}});
    Object symbol{{"name", d.name},
                  {"kind", getLspSymbolKind(d.kind)},
                  {"range", toJSON(d.fullRange)},
                  {"selectionRange", toJSON(d.location.range)},
                  {"children", std::move(children)}};
    if (!d.signature.empty())
      symbol["detail"] = d.signature;
    result.push_back(std::move(symbol));
  }
  return result;
}

/// True when \p query's characters appear in \p name in order, ignoring
/// case (as editors filter symbols).
static bool matchesQuery(llvm::StringRef name, llvm::StringRef query) {
  size_t at = 0;
  for (char c : query) {
    while (at < name.size() && llvm::toLower(name[at]) != llvm::toLower(c))
      ++at;
    if (at == name.size())
      return false;
    ++at;
  }
  return true;
}

Reply LanguageServer::workspaceSymbols(llvm::StringRef query) {
  Array result;
  std::set<std::pair<std::string, std::string>> seen; // uri, name
  for (auto &entry : documents) {
    CheckedDocument &checked = ensureChecked(entry.second);
    for (int id : checked.getTopLevelDefs()) {
      const SymbolDef &d = checked.defs[id];
      if (!matchesQuery(d.name, query))
        continue;
      std::string uri = d.location.uri.empty() ? entry.second.uri : d.location.uri;
      if (!seen.insert({uri, d.name}).second)
        continue;
      result.push_back(Object{
          {"name", d.name},
          {"kind", getLspSymbolKind(d.kind)},
          {"location", Object{{"uri", uri}, {"range", toJSON(d.location.range)}}},
          {"containerName",
           llvm::sys::path::filename(fileUriToPath(uri).value_or(uri)).str()}});
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Inlay hints, formatting, code actions, the memory report
//===----------------------------------------------------------------------===//

Reply LanguageServer::inlayHints(Document &doc, const Range &range) {
  CheckedDocument &checked = *doc.checked;
  // One hint per assignment: at the end of the statement, its targets'
  // shapes.
  std::map<std::pair<int, int>, std::vector<std::string>> hints;
  for (const SymbolDef &d : checked.defs) {
    if (d.kind != SymbolKind::Value || !d.location.uri.empty() ||
        !d.bindingKey)
      continue;
    Position end = d.fullRange.end;
    if (end < range.start || range.end < end)
      continue;
    auto values = checked.bindings.find(d.bindingKey);
    if (values == checked.bindings.end())
      continue;
    std::vector<std::string> shapes = describeShapes(checked, values->second);
    if (shapes.empty())
      continue;
    std::string label = shapes.front();
    if (shapes.size() > 1)
      label += " +" + std::to_string(shapes.size() - 1) + " more";
    hints[{end.line, end.character}].push_back(label);
  }
  // llvm::json::Value's move may throw, so a growing Array copies every
  // element: the size is reserved first.
  Array result;
  result.reserve(hints.size());
  for (auto &[at, labels] : hints)
    result.push_back(Object{
        {"position", toJSON(Position{at.first, at.second})},
        {"label", "▸ " + llvm::join(labels, ", ")},
        {"kind", 1}, // Type
        {"paddingLeft", true}});
  return result;
}

Reply LanguageServer::formatting(Document &doc) {
  CheckedDocument &checked = *doc.checked;
  if (!checked.module)
    return Failure{RequestFailed, "netc fmt: the file has syntax errors; it "
                                  "is formatted once they are fixed"};
  std::string formatted = formatSource(doc.text);
  std::string tree;
  llvm::raw_string_ostream treeStream(tree);
  ast::dump(*checked.module, treeStream);
  treeStream.flush();
  if (dumpSyntaxTree(formatted) != tree)
    return Failure{InternalError,
                   "netc fmt: the formatted text would change the file's "
                   "syntax tree (a bug in netc fmt); the file is left alone"};
  if (formatted == doc.text)
    return Array{};
  // One edit: the changed middle, so the editor keeps the cursor and marks
  // outside it.
  size_t prefix = 0;
  while (prefix < formatted.size() && prefix < doc.text.size() &&
         formatted[prefix] == doc.text[prefix])
    ++prefix;
  size_t suffix = 0;
  while (suffix < formatted.size() - prefix &&
         suffix < doc.text.size() - prefix &&
         formatted[formatted.size() - 1 - suffix] ==
             doc.text[doc.text.size() - 1 - suffix])
    ++suffix;
  // Whole UTF-8 characters only.
  auto isContinuation = [](char c) { return (c & 0xC0) == 0x80; };
  while (prefix > 0 && isContinuation(doc.text[prefix]))
    --prefix;
  while (suffix > 0 && isContinuation(doc.text[doc.text.size() - suffix]))
    --suffix;
  Range range = checked.lines.getRange(prefix, doc.text.size() - suffix);
  return Array{Object{
      {"range", toJSON(range)},
      {"newText", formatted.substr(prefix, formatted.size() - suffix - prefix)}}};
}

/// A title for a fix: what it does to the text.
static std::string describeFix(const CheckedDocument &checked,
                               llvm::ArrayRef<FixIt> fixIts) {
  if (fixIts.size() != 1)
    return "Apply " + std::to_string(fixIts.size()) + " fixes";
  const FixIt &f = fixIts.front();
  std::optional<size_t> b = checked.getOffset(f.range.Start);
  std::optional<size_t> e = checked.getOffset(f.range.End);
  llvm::StringRef old = b && e && *e >= *b ? checked.text.slice(*b, *e) : "";
  auto quote = [](llvm::StringRef s) {
    return "'" + (s.size() > 40 ? s.take_front(40).str() + "..." : s.str()) + "'";
  };
  if (old.empty())
    return "Insert " + quote(f.replacement);
  if (f.replacement.empty())
    return "Remove " + quote(old);
  return "Change " + quote(old) + " to " + quote(f.replacement);
}

Reply LanguageServer::codeActions(Document &doc, const Range &range) {
  CheckedDocument &checked = *doc.checked;
  Array actions;
  auto makeAction = [&](const Diagnostic &d, llvm::ArrayRef<FixIt> fixIts,
                        bool preferred) {
    Array edits;
    for (const FixIt &f : fixIts) {
      if (!checked.getOffset(f.range.Start) || !checked.getOffset(f.range.End))
        return; // a fix in another file: not offered here
      edits.push_back(Object{{"range", toJSON(checked.getRange(f.range))},
                             {"newText", f.replacement}});
    }
    Object changes{{doc.uri, std::move(edits)}};
    actions.push_back(Object{
        {"title", describeFix(checked, fixIts)},
        {"kind", "quickfix"},
        {"isPreferred", preferred},
        {"diagnostics", Array{convertDiagnostic(checked, d, doc.uri)}},
        {"edit", Object{{"changes", std::move(changes)}}}});
  };
  for (const Diagnostic &d : checked.diagnostics) {
    Range r = getDiagnosticRange(checked, d);
    if (r.end < range.start || range.end < r.start)
      continue;
    // The diagnostic's own fix-its are certain (netc --fixit applies
    // them); a note's are suggestions.
    if (!d.fixIts.empty())
      makeAction(d, d.fixIts, /*preferred=*/true);
    for (const Diagnostic &note : d.notes)
      if (!note.fixIts.empty())
        makeAction(d, note.fixIts, /*preferred=*/false);
  }
  return actions;
}

Reply LanguageServer::executeCommand(const Object &params) {
  auto command = params.getString("command");
  if (command != llvm::StringRef("netc.memoryReport"))
    return Failure{InvalidParams, "netc lsp has no command '" +
                                      command.getValueOr("").str() + "'"};
  const Array *arguments = params.getArray("arguments");
  const Object *args = arguments && !arguments->empty()
                           ? (*arguments)[0].getAsObject()
                           : nullptr;
  if (!args)
    return Failure{InvalidParams,
                   "netc.memoryReport takes one argument {uri, position, "
                   "format}"};
  Object wrapped{{"textDocument", Object{{"uri", args->getString("uri")
                                                      .getValueOr("")
                                                      .str()}}}};
  Failure failure;
  Document *doc = findDocument(wrapped, failure);
  if (!doc)
    return failure;
  CheckedDocument &checked = ensureChecked(*doc);
  llvm::StringRef format = args->getString("format").getValueOr("table");
  if (format != "table" && format != "markdown")
    return Failure{InvalidParams, "format must be \"table\" or \"markdown\""};
  // The network under the cursor, else the file's only network.
  int graph = -1;
  Position position;
  const llvm::json::Value *p = args->get("position");
  bool hasPosition = p && fromJSON(*p, position);
  for (size_t g = 0; g < checked.checked.graphs.size(); ++g)
    for (const SymbolDef &d : checked.defs)
      if (d.kind == SymbolKind::Network && d.location.uri.empty() &&
          d.bindingKey == checked.checked.graphs[g].range.Start.getPointer() &&
          ((hasPosition && d.fullRange.contains(position)) ||
           checked.checked.graphs.size() == 1))
        graph = g;
  if (graph < 0)
    return Failure{RequestFailed,
                   checked.checked.graphs.empty()
                       ? "the file defines no network that checked (fix its "
                         "errors first)"
                       : "the cursor is in no network; put it inside one"};
  if (!checked.analyses[graph])
    return Failure{RequestFailed, "network '" +
                                      checked.checked.graphs[graph].name +
                                      "' has errors; fix them for its memory "
                                      "report"};
  std::string out;
  llvm::raw_string_ostream os(out);
  if (format == "markdown")
    emitMarkdown({*checked.analyses[graph]}, invocation.report, os);
  else
    emitTable({*checked.analyses[graph]}, invocation.report, os);
  os.flush();
  return out;
}

} // namespace

int netc::runLanguageServer(std::FILE *in, llvm::raw_fd_ostream &out,
                            llvm::raw_ostream &log,
                            const LanguageServerOptions &options) {
  JsonTransport transport(in, out,
                          options.delimitedInput ? InputStyle::Delimited
                                                 : InputStyle::Standard,
                          options.maxMessageBytes);
  LanguageServer server(transport, log, options);
  return server.run();
}
