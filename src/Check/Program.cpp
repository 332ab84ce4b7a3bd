//===- Program.cpp - loading imports and declaring global names -----------===//
#include "Program.h"

#include "netc/Basic/SourceFiles.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include <functional>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace netc;
using namespace netc::check;

bool check::isBuiltinName(llvm::StringRef name) {
  return name == "min" || name == "max" || name == "channels" ||
         name == "rank" || name == "fail" || name == "lora";
}

/// \p path made absolute with its symbolic links, `.` and `..` resolved as
/// the operating system resolves them; empty when it does not exist.
static std::string getRealPath(llvm::StringRef path) {
  llvm::SmallString<256> real;
  if (llvm::sys::fs::real_path(path, real, /*expand_tilde=*/false))
    return "";
  return std::string(real);
}

/// The real path of the folder imports must stay under: --import-root, or
/// the folder of the file on the command line (the current folder for
/// standard input).
static std::string getImportRoot(llvm::StringRef mainPath,
                                 const CheckOptions &options) {
  if (!options.importRoot.empty())
    return getRealPath(options.importRoot);
  llvm::SmallString<256> folder(mainPath == "<stdin>"
                                    ? llvm::StringRef(".")
                                    : llvm::sys::path::parent_path(mainPath));
  if (folder.empty())
    folder = ".";
  return getRealPath(folder);
}

Program::Program(const ast::Module &main, DiagnosticEngine &diags,
                 const CheckOptions &options)
    : main(main), diags(diags), options(options) {
  llvm::SourceMgr &sm = diags.getSourceMgr();
  llvm::StringRef mainPath =
      sm.getMemoryBuffer(main.getBufferId())->getBufferIdentifier();
  importRoot = getImportRoot(mainPath, options);
  std::string realMain = getRealPath(mainPath);
  if (!realMain.empty())
    loadedFiles[realMain] = main.getBufferId();
  std::vector<unsigned> importStack{main.getBufferId()};
  loadImports(main, importStack);
  addModule(main);
}

bool Program::declare(llvm::StringRef kind, const ast::Identifier &name) {
  auto [it, inserted] = definitions.try_emplace(name.name, name.range);
  if (inserted)
    return true;
  if (it->second.Start == name.range.Start)
    return false; // the same declaration reached twice
  diags.report(name.range.Start, diag::err_redefinition, kind, name.name)
      .range(name.range)
      .note(it->second.Start, diag::note_previous_definition, name.name);
  return false;
}

/// Checks a block's or network's parameter list: no name twice, and no
/// required parameter after one with a default.
static void checkParameters(const ast::Callable &callable,
                            DiagnosticEngine &diags) {
  llvm::StringMap<llvm::SMRange> seen;
  const ast::Parameter *firstDefault = nullptr;
  for (const ast::Parameter &param : callable.getParams()) {
    const ast::Identifier &name = param.name;
    auto [it, inserted] = seen.try_emplace(name.name, name.range);
    if (!inserted)
      diags.report(name.range.Start, diag::err_param_duplicate, name.name)
          .range(name.range)
          .note(it->second.Start, diag::note_previous_definition, name.name);
    if (param.defaultValue && !firstDefault)
      firstDefault = &param;
    else if (!param.defaultValue && firstDefault)
      diags.report(name.range.Start, diag::err_required_after_default,
                   name.name)
          .range(name.range);
  }
}

void Program::addModule(const ast::Module &module) {
  // Declare in source order, so that a second definition is the one
  // reported, whatever its kind.
  struct Decl {
    const char *position;
    std::function<void()> declare;
  };
  std::vector<Decl> decls;
  for (const ast::ConstDecl &c : module.getConsts())
    decls.push_back({c.name.range.Start.getPointer(), [this, &c] {
                       if (lookupOp(c.name.name) || isBuiltinName(c.name.name))
                         diags.report(c.name.range.Start,
                                      diag::err_block_shadows_op,
                                      c.name.name, "layer or function")
                             .range(c.name.range);
                       else if (declare("const", c.name))
                         consts[c.name.name] = ConstEntry{&c, ConstEntry::State::Unevaluated, Value()};
                     }});
  for (const auto &block : module.getBlocks())
    decls.push_back({block->getName().range.Start.getPointer(),
                     [this, b = block.get()] {
                       const ast::Identifier &name = b->getName();
                       checkParameters(*b, diags);
                       // frozen= is taken by every call (Elaborator.h).
                       for (const ast::Parameter &param : b->getParams())
                         if (param.name.name == "frozen")
                           diags.report(param.name.range.Start,
                                        diag::err_param_reserved,
                                        param.name.name)
                               .range(param.name.range);
                       if (lookupOp(name.name) || isBuiltinName(name.name)) {
                         diags.report(name.range.Start,
                                      diag::err_block_shadows_op, name.name,
                                      lookupOp(name.name) ? "layer"
                                                          : "function")
                             .range(name.range);
                         return;
                       }
                       if (declare("block", name))
                         blocks[name.name] = b;
                     }});
  for (const auto &network : module.getNetworks())
    decls.push_back({network->getName().range.Start.getPointer(),
                     [this, n = network.get()] {
                       checkParameters(*n, diags);
                       if (declare("network", n->getName()))
                         networks[n->getName().name] = n;
                     }});
  std::sort(decls.begin(), decls.end(), [](const Decl &a, const Decl &b) {
    return a.position < b.position;
  });
  for (Decl &d : decls)
    d.declare();
}

std::optional<Program::ResolvedImport>
Program::resolveImport(const ast::ImportDecl &import,
                       llvm::StringRef importer) {
  // A refused file's names are unknown: errors about them would only
  // repeat this one.
  auto refuse = [&](diag::Kind kind, llvm::StringRef detail) {
    diags.report(import.range.Start, kind, import.path, detail)
        .range(import.range);
    brokenImport = true;
    return std::nullopt;
  };
  // The path as the user reaches it, relative to the importing file; `..`
  // is left to the operating system, which resolves it after links.
  ResolvedImport resolved;
  llvm::SmallString<256> displayPath;
  if (!llvm::sys::path::is_absolute(import.path))
    displayPath = llvm::sys::path::parent_path(importer);
  llvm::sys::path::append(displayPath, import.path);
  llvm::sys::path::remove_dots(displayPath, /*remove_dot_dot=*/false);
  resolved.displayPath = std::string(displayPath);

  // Only .net sources: no other file's text is ever read, so none can be
  // echoed in a diagnostic. (A folder is named as one: a likelier slip.)
  if (llvm::sys::path::extension(import.path) != ".net") {
    if (!llvm::sys::fs::is_directory(displayPath))
      return refuse(diag::err_import_not_net, "it");
    // A folder is a mistake in the path, not a file whose names are unknown.
    diags.report(import.range.Start, diag::err_import_not_found, import.path,
                 "it is a directory")
        .range(import.range);
    return std::nullopt;
  }

  llvm::SmallString<256> real;
  if (std::error_code ec =
          llvm::sys::fs::real_path(displayPath, real, /*expand_tilde=*/false)) {
    std::string reason = ec.message();
    if (!reason.empty())
      reason[0] = llvm::toLower(reason[0]);
    return refuse(diag::err_import_not_found, reason);
  }
  resolved.realPath = std::string(real);
  if (llvm::sys::path::extension(resolved.realPath) != ".net")
    return refuse(diag::err_import_not_net,
                  "the file it links to, '" + resolved.realPath + "',");
  llvm::StringRef under(resolved.realPath);
  if (importRoot.empty() || !under.consume_front(importRoot) ||
      !(importRoot == "/" || under.startswith("/"))) {
    diags.report(import.range.Start, diag::err_import_outside_root,
                 import.path, resolved.realPath,
                 importRoot.empty() ? "(none)" : importRoot)
        .range(import.range);
    brokenImport = true;
    return std::nullopt;
  }
  return resolved;
}

void Program::loadImports(const ast::Module &module,
                          std::vector<unsigned> &importStack) {
  llvm::SourceMgr &sm = diags.getSourceMgr();
  llvm::StringRef importer =
      sm.getMemoryBuffer(module.getBufferId())->getBufferIdentifier();
  for (const ast::ImportDecl &import : module.getImports()) {
    if (importStack.size() > options.maxImportDepth) {
      diags.report(import.range.Start, diag::err_import_too_deep,
                   options.maxImportDepth)
          .range(import.range);
      return;
    }
    std::optional<ResolvedImport> resolved = resolveImport(import, importer);
    if (!resolved)
      continue;
    auto loaded = loadedFiles.find(resolved->realPath);
    if (loaded != loadedFiles.end()) {
      // A cycle if the file is still being loaded further up this chain.
      if (std::find(importStack.begin(), importStack.end(), loaded->second) !=
          importStack.end())
        diags.report(import.range.Start, diag::err_import_cycle, import.path)
            .range(import.range);
      continue;
    }
    // Opened by its real path, so the file checked is the file resolved
    // (a link changed in between cannot redirect it), and named as the
    // user reaches it.
    LoadedFile file =
        loadSourceFile(sm, resolved->realPath, options.maxFileBytes,
                       import.range.Start, resolved->displayPath);
    if (!file.isLoaded()) {
      std::string reason;
      switch (file.status) {
      case LoadedFile::Status::Directory:
        reason = "it is a directory";
        break;
      case LoadedFile::Status::TooLarge:
        reason = "it " + file.describeTooLarge(options.maxFileBytes);
        break;
      default:
        reason = file.reason;
        if (!reason.empty())
          reason[0] = llvm::toLower(reason[0]);
      }
      diags.report(import.range.Start, diag::err_import_not_found, import.path,
                   reason)
          .range(import.range);
      // A directory is a mistake in the path, not a file whose names are
      // unknown.
      brokenImport |= file.status != LoadedFile::Status::Directory;
      continue;
    }
    unsigned id = file.bufferId;
    loadedFiles[resolved->realPath] = id;
    std::unique_ptr<ast::Module> parsed =
        parseModule(id, diags, ParseOptions{options.parseLimits});
    if (!parsed) {
      brokenImport = true; // its names are unknown: stay quiet about them
      continue;
    }
    importStack.push_back(id);
    loadImports(*parsed, importStack);
    importStack.pop_back();
    addModule(*parsed);
    imported.push_back(std::move(parsed));
  }
}

ConstEntry *Program::findConst(llvm::StringRef name) {
  auto it = consts.find(name);
  return it == consts.end() ? nullptr : &it->second;
}

const ast::BlockDecl *Program::findBlock(llvm::StringRef name) const {
  auto it = blocks.find(name);
  return it == blocks.end() ? nullptr : it->second;
}

const ast::Network *Program::findNetwork(llvm::StringRef name) const {
  auto it = networks.find(name);
  return it == networks.end() ? nullptr : it->second;
}

std::vector<const ast::Module *> Program::getImportedModules() const {
  std::vector<const ast::Module *> result;
  for (const auto &module : imported)
    result.push_back(module.get());
  return result;
}

std::vector<std::string> Program::getBlockNames() const {
  std::vector<std::string> names;
  for (const auto &entry : blocks)
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}
