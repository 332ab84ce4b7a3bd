//===- CheckedDocument.cpp - one open document, parsed and checked --------===//
#include "CheckedDocument.h"

#include "netc/Parse/Parser.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace netc;
using namespace netc::lsp;

namespace {

/// Keeps every diagnostic of a check, up to a limit.
class CollectDiagnostics : public DiagnosticConsumer {
public:
  explicit CollectDiagnostics(std::vector<Diagnostic> &out) : out(out) {}
  void handle(const Diagnostic &diagnostic) override {
    if (out.size() < MaxDiagnostics)
      out.push_back(diagnostic);
  }
  /// More than an editor can show usefully; the rest are dropped.
  static constexpr size_t MaxDiagnostics = 1000;

private:
  std::vector<Diagnostic> &out;
};

class IgnoreDiagnostics : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &) override {}
};

/// Records the check's bindings and call values, by network.
class Recorder : public CheckObserver {
public:
  explicit Recorder(CheckedDocument &doc) : doc(doc) {}
  void networkStarted(llvm::SMRange name) override {
    networks.push_back(name.Start.getPointer());
  }
  void bound(llvm::SMRange name, const Value &value) override {
    if (doc.getOffset(name.Start))
      doc.bindings[name.Start.getPointer()].push_back(
          {int(networks.size()) - 1, value});
  }
  void called(const ast::CallExpr &call, const Value &value) override {
    llvm::SMLoc start = call.getCallee().range.Start;
    if (doc.getOffset(start))
      doc.callValues[start.getPointer()].push_back(
          {int(networks.size()) - 1, value});
  }
  /// Turns the recorded network numbers into indices of the graphs.
  void resolveGraphs() {
    std::vector<int> graphOf(networks.size(), -1);
    for (size_t n = 0; n < networks.size(); ++n)
      for (size_t g = 0; g < doc.checked.graphs.size(); ++g)
        if (doc.checked.graphs[g].range.Start.getPointer() == networks[n])
          graphOf[n] = g;
    for (auto *map : {&doc.bindings, &doc.callValues})
      for (auto &entry : *map)
        for (CheckedValue &v : entry.second)
          v.graph = v.graph < 0 ? -1 : graphOf[v.graph];
  }

private:
  CheckedDocument &doc;
  std::vector<const char *> networks;
};

} // namespace

std::unique_ptr<CheckedDocument>
CheckedDocument::build(llvm::StringRef path, llvm::StringRef text,
                       CheckOptions check, const AnalysisOptions &analysis,
                       PositionEncoding encoding) {
  std::unique_ptr<CheckedDocument> doc(new CheckedDocument());
  doc->path = path.str();
  doc->bufferId = doc->sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, path), llvm::SMLoc());
  doc->text = doc->sourceMgr.getMemoryBuffer(doc->bufferId)->getBuffer();
  doc->encoding = encoding;
  doc->lines = LineTable(doc->text, encoding);

  CollectDiagnostics collect(doc->diagnostics);
  DiagnosticEngine diags(doc->sourceMgr, collect);
  ParseOptions parse;
  parse.limits = check.parseLimits;
  doc->module = parseModule(doc->bufferId, diags, parse);
  if (!doc->module)
    return doc;
  Recorder recorder(*doc);
  check.observer = &recorder;
  doc->checked = checkModule(*doc->module, diags, check);
  recorder.resolveGraphs();
  for (size_t g = 0; g < doc->checked.graphs.size(); ++g)
    doc->analyses.push_back(
        doc->checked.clean[g]
            ? analyzeNetwork(doc->checked.graphs[g], analysis, diags)
            : std::nullopt);
  doc->indexSymbols();
  return doc;
}

std::optional<size_t> CheckedDocument::getOffset(llvm::SMLoc loc) const {
  const char *p = loc.getPointer();
  if (!p || p < text.begin() || p > text.end())
    return std::nullopt;
  return p - text.begin();
}

Range CheckedDocument::getRange(llvm::SMRange range) const {
  std::optional<size_t> begin = getOffset(range.Start);
  std::optional<size_t> end = getOffset(range.End);
  if (!begin)
    return {};
  return lines.getRange(*begin, end && *end >= *begin ? *end : *begin);
}

Location CheckedDocument::getLocation(llvm::SMRange range) const {
  if (getOffset(range.Start) || !range.Start.isValid())
    return {"", getRange(range)};
  unsigned id = sourceMgr.FindBufferContainingLoc(range.Start);
  if (!id)
    return {};
  const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(id);
  LineTable table(buffer->getBuffer(), encoding);
  const char *base = buffer->getBufferStart();
  size_t begin = range.Start.getPointer() - base;
  size_t end = range.End.isValid() && range.End.getPointer() >= range.Start.getPointer() &&
                       range.End.getPointer() <= buffer->getBufferEnd()
                   ? range.End.getPointer() - base
                   : begin;
  return {pathToFileUri(buffer->getBufferIdentifier()),
          table.getRange(begin, end)};
}

//===----------------------------------------------------------------------===//
// The symbol index
//===----------------------------------------------------------------------===//

namespace {

/// Walks the syntax tree of the document, defining and resolving names.
class Indexer {
public:
  explicit Indexer(CheckedDocument &doc) : doc(doc) {}

  void run(const ast::Module &module) {
    for (const ast::ConstDecl &c : module.getConsts())
      globals[c.name.name] =
          define(c.name, SymbolKind::Const, -1, getConstRange(c));
    for (const auto &block : module.getBlocks())
      globals[block->getName().name] =
          defineCallable(*block, SymbolKind::Block);
    for (const auto &network : module.getNetworks())
      defineCallable(*network, SymbolKind::Network);
    for (const ast::ConstDecl &c : module.getConsts())
      if (c.value)
        visit(*c.value);
    size_t callable = 0;
    for (const auto &block : module.getBlocks())
      visitBody(*block, callables[callable++]);
    for (const auto &network : module.getNetworks())
      visitBody(*network, callables[callable++]);
  }

  /// Names of imported files, found before run() resolves callees.
  llvm::StringMap<int> globals;

private:
  /// `const NAME = VALUE` whole: from the keyword before the name to the
  /// value's end.
  llvm::SMRange getConstRange(const ast::ConstDecl &c) {
    std::optional<size_t> name = doc.getOffset(c.name.range.Start);
    if (!name || !c.value)
      return {};
    llvm::StringRef before = doc.text.take_front(*name).rtrim(" \t");
    const char *start = c.name.range.Start.getPointer();
    if (before.endswith("const"))
      start = before.end() - 5;
    return {llvm::SMLoc::getFromPointer(start), c.value->getRange().End};
  }

  int define(const ast::Identifier &name, SymbolKind kind, int container,
             llvm::SMRange full) {
    SymbolDef def;
    def.name = name.name;
    def.kind = kind;
    def.location = {"", doc.getRange(name.range)};
    def.begin = doc.getOffset(name.range.Start).value_or(0);
    def.end = doc.getOffset(name.range.End).value_or(def.begin);
    def.fullRange = full.isValid() ? doc.getRange(full) : def.location.range;
    def.container = container;
    def.bindingKey = name.range.Start.getPointer();
    doc.defs.push_back(std::move(def));
    return doc.defs.size() - 1;
  }

  int defineCallable(const ast::Callable &callable, SymbolKind kind) {
    int id = define(callable.getName(), kind, -1, callable.getRange());
    std::string signature = callable.getName().name + "(";
    for (const ast::Parameter &p : callable.getParams()) {
      std::string defaultText;
      if (p.defaultValue) {
        std::optional<size_t> b = doc.getOffset(p.defaultValue->getRange().Start);
        std::optional<size_t> e = doc.getOffset(p.defaultValue->getRange().End);
        if (b && e && *e >= *b)
          defaultText = doc.text.slice(*b, *e).str();
      }
      signature += (doc.defs[id].params.empty() ? "" : ", ") + p.name.name +
                   (defaultText.empty() ? "" : "=" + defaultText);
      doc.defs[id].params.push_back({p.name.name, defaultText});
    }
    doc.defs[id].signature = signature + ")";
    callables.push_back(id);
    return id;
  }

  void visitBody(const ast::Callable &callable, int container) {
    this->container = container;
    locals.clear();
    for (const ast::Parameter &p : callable.getParams()) {
      if (p.defaultValue)
        visit(*p.defaultValue);
      locals[p.name.name] =
          define(p.name, SymbolKind::Parameter, container, {});
    }
    visitStatements(callable.getBody());
  }

  void visitStatements(llvm::ArrayRef<ast::StmtPtr> body) {
    for (const ast::StmtPtr &stmt : body)
      if (stmt)
        visitStatement(*stmt);
  }

  void visitStatement(const ast::Stmt &stmt) {
    switch (stmt.getKind()) {
    case ast::Stmt::Kind::TensorDecl: {
      const auto &decl = llvm::cast<ast::TensorDeclStmt>(stmt);
      for (const ast::ExprPtr &dim : decl.getDims())
        if (dim)
          visit(*dim);
      locals[decl.getName().name] =
          define(decl.getName(),
                 decl.getDeclKind() == ast::TensorDeclKind::Input
                     ? SymbolKind::Input
                     : SymbolKind::Tensor,
                 container, stmt.getRange());
      return;
    }
    case ast::Stmt::Kind::Assign: {
      const auto &assign = llvm::cast<ast::AssignStmt>(stmt);
      visit(assign.getValue());
      for (const ast::Identifier &target : assign.getTargets())
        locals[target.name] =
            define(target, SymbolKind::Value, container, stmt.getRange());
      return;
    }
    case ast::Stmt::Kind::Output: {
      const auto &output = llvm::cast<ast::OutputStmt>(stmt);
      if (const ast::Expr *value = output.getValue()) {
        visit(*value);
        locals[output.getName().name] = define(
            output.getName(), SymbolKind::Value, container, stmt.getRange());
      } else {
        use(output.getName().name, output.getName().range);
      }
      return;
    }
    case ast::Stmt::Kind::Expr:
      visit(llvm::cast<ast::ExprStmt>(stmt).getValue());
      return;
    case ast::Stmt::Kind::Return:
      visit(llvm::cast<ast::ReturnStmt>(stmt).getValue());
      return;
    case ast::Stmt::Kind::If: {
      const auto &ifStmt = llvm::cast<ast::IfStmt>(stmt);
      visit(ifStmt.getCondition());
      visitStatements(ifStmt.getThenBody());
      visitStatements(ifStmt.getElseBody());
      return;
    }
    case ast::Stmt::Kind::For: {
      const auto &forStmt = llvm::cast<ast::ForStmt>(stmt);
      visit(forStmt.getFrom());
      visit(forStmt.getTo());
      locals[forStmt.getVariable().name] =
          define(forStmt.getVariable(), SymbolKind::LoopVariable, container,
                 {});
      visitStatements(forStmt.getBody());
      return;
    }
    }
  }

  void use(llvm::StringRef name, llvm::SMRange range) {
    int def = -1;
    auto local = locals.find(name);
    if (local != locals.end())
      def = local->second;
    else if (auto global = globals.find(name); global != globals.end())
      def = global->second;
    std::optional<size_t> begin = doc.getOffset(range.Start);
    std::optional<size_t> end = doc.getOffset(range.End);
    if (def >= 0 && begin && end)
      doc.uses.push_back({*begin, *end, def});
  }

  void visit(const ast::Expr &expr) {
    switch (expr.getKind()) {
    case ast::Expr::Kind::Name: {
      const auto &name = llvm::cast<ast::NameExpr>(expr);
      use(name.getName(), name.getRange());
      return;
    }
    case ast::Expr::Kind::Tuple:
      for (const ast::ExprPtr &e : llvm::cast<ast::TupleExpr>(expr).getElements())
        if (e)
          visit(*e);
      return;
    case ast::Expr::Kind::Call: {
      const auto &call = llvm::cast<ast::CallExpr>(expr);
      const ast::Identifier &callee = call.getCallee();
      std::optional<size_t> begin = doc.getOffset(callee.range.Start);
      std::optional<size_t> end = doc.getOffset(callee.range.End);
      if (begin && end)
        doc.calls.push_back({*begin, *end, &call});
      if (auto global = globals.find(callee.name); global != globals.end())
        use(callee.name, callee.range);
      for (const ast::Argument &arg : call.getArgs())
        if (arg.value)
          visit(*arg.value);
      if (const ast::LayerName *as = call.getLayerName())
        if (as->computed)
          visit(*as->computed);
      return;
    }
    case ast::Expr::Kind::Unary:
      visit(llvm::cast<ast::UnaryExpr>(expr).getOperand());
      return;
    case ast::Expr::Kind::Binary:
      visit(llvm::cast<ast::BinaryExpr>(expr).getLHS());
      visit(llvm::cast<ast::BinaryExpr>(expr).getRHS());
      return;
    case ast::Expr::Kind::Member:
      visit(llvm::cast<ast::MemberExpr>(expr).getBase());
      return;
    case ast::Expr::Kind::Index:
      visit(llvm::cast<ast::IndexExpr>(expr).getBase());
      visit(llvm::cast<ast::IndexExpr>(expr).getIndex());
      return;
    case ast::Expr::Kind::Slice: {
      const auto &slice = llvm::cast<ast::SliceExpr>(expr);
      visit(slice.getBase());
      if (slice.getStart())
        visit(*slice.getStart());
      if (slice.getStop())
        visit(*slice.getStop());
      return;
    }
    default:
      return;
    }
  }

  CheckedDocument &doc;
  std::vector<int> callables;
  int container = -1;
  llvm::StringMap<int> locals;
};

} // namespace

void CheckedDocument::indexSymbols() {
  // Imported names first: the file's own blocks and consts override them.
  indexImports();
  Indexer indexer(*this);
  for (int id : getTopLevelDefs())
    indexer.globals[defs[id].name] = id;
  indexer.run(*module);
}

void CheckedDocument::indexImports() {
  if (importsIndexed)
    return;
  importsIndexed = true;
  IgnoreDiagnostics ignore;
  DiagnosticEngine quiet(sourceMgr, ignore);
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
    if (id == bufferId)
      continue;
    std::unique_ptr<ast::Module> imported = parseModule(id, quiet);
    if (!imported)
      continue;
    auto add = [&](const ast::Identifier &name, SymbolKind kind,
                   llvm::SMRange full, const ast::Callable *callable) {
      SymbolDef def;
      def.name = name.name;
      def.kind = kind;
      def.location = getLocation(name.range);
      def.fullRange = getLocation(full.isValid() ? full : name.range).range;
      def.bindingKey = nullptr;
      if (callable) {
        std::string signature = name.name + "(";
        const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(id);
        for (const ast::Parameter &p : callable->getParams()) {
          // The default as written in the imported file.
          std::string defaultText;
          if (p.defaultValue) {
            const char *b = p.defaultValue->getRange().Start.getPointer();
            const char *e = p.defaultValue->getRange().End.getPointer();
            if (b && e && buffer->getBufferStart() <= b && b <= e &&
                e <= buffer->getBufferEnd())
              defaultText = std::string(b, e);
          }
          signature += (def.params.empty() ? "" : ", ") + p.name.name +
                       (defaultText.empty() ? "" : "=" + defaultText);
          def.params.push_back({p.name.name, defaultText});
        }
        def.signature = signature + ")";
      }
      defs.push_back(std::move(def));
      importedDefs.push_back(defs.size() - 1);
    };
    for (const ast::ConstDecl &c : imported->getConsts())
      add(c.name, SymbolKind::Const, {}, nullptr);
    for (const auto &block : imported->getBlocks())
      add(block->getName(), SymbolKind::Block, block->getRange(), block.get());
    for (const auto &network : imported->getNetworks())
      add(network->getName(), SymbolKind::Network, network->getRange(),
          network.get());
  }
}

std::vector<int> CheckedDocument::getTopLevelDefs() const {
  std::vector<int> result = importedDefs;
  for (size_t i = 0; i < defs.size(); ++i)
    if (defs[i].location.uri.empty() && defs[i].container < 0)
      result.push_back(i);
  return result;
}

int CheckedDocument::findSymbolAt(size_t offset) const {
  for (const SymbolUse &u : uses)
    if (u.begin <= offset && offset <= u.end)
      return u.def;
  for (size_t i = 0; i < defs.size(); ++i)
    if (defs[i].location.uri.empty() && defs[i].begin <= offset &&
        offset <= defs[i].end && defs[i].begin != defs[i].end)
      return i;
  return -1;
}

const CallSite *CheckedDocument::findCallAt(size_t offset) const {
  for (const CallSite &c : calls)
    if (c.calleeBegin <= offset && offset <= c.calleeEnd)
      return &c;
  return nullptr;
}

int CheckedDocument::findContainerAt(size_t offset) const {
  Position p = lines.getPosition(offset);
  for (size_t i = 0; i < defs.size(); ++i)
    if (defs[i].location.uri.empty() &&
        (defs[i].kind == SymbolKind::Network ||
         defs[i].kind == SymbolKind::Block) &&
        defs[i].fullRange.contains(p))
      return i;
  return -1;
}
