//===- Frontend.cpp - loading, parsing, checking and selecting ------------===//
#include "netc/Frontend/Frontend.h"

#include "netc/Basic/SourceFiles.h"
#include "netc/Basic/Suggest.h"
#include "netc/Parse/Parser.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace netc;

/// Reports why input \p path could not be loaded.
static void reportUnloadable(const LoadedFile &file, llvm::StringRef path,
                             uint64_t maxBytes, DiagnosticEngine &diags) {
  switch (file.status) {
  case LoadedFile::Status::Directory:
    diags.report(llvm::SMLoc(), diag::err_file_directory, path);
    return;
  case LoadedFile::Status::TooLarge:
    diags.report(llvm::SMLoc(), diag::err_file_too_large, path,
                 file.describeSize(), maxBytes, maxBytes >> 20);
    return;
  default:
    diags.report(llvm::SMLoc(), diag::err_file_read, path, file.reason);
  }
}

bool netc::runFrontend(llvm::ArrayRef<std::string> inputs,
                       const FrontendOptions &options, DiagnosticEngine &diags,
                       FrontendResult &result, PhaseTimes *times) {
  llvm::SourceMgr &sourceMgr = diags.getSourceMgr();
  uint64_t maxBytes = options.check.maxFileBytes;
  for (const std::string &path : inputs) {
    LoadedFile file;
    {
      PhaseTimes::Scope phase(times, "read");
      file = loadSourceFile(sourceMgr, path, maxBytes, llvm::SMLoc());
    }
    if (!file.isLoaded()) {
      reportUnloadable(file, path, maxBytes, diags);
      return false;
    }
    ParseOptions parse;
    parse.limits = options.check.parseLimits;
    parse.times = times;
    std::unique_ptr<ast::Module> module =
        parseModule(file.bufferId, diags, parse);
    if (!module)
      continue;
    {
      PhaseTimes::Scope phase(times, "check");
      result.modules.push_back(
          options.keepASTs
              ? checkModule(*module, diags, options.check)
              : checkModuleReleasingStatements(*module, diags, options.check));
    }
    if (options.keepASTs) {
      result.asts.push_back(std::move(module));
      continue;
    }
    PhaseTimes::Scope phase(times, "free the AST");
    module.reset();
#ifdef __GLIBC__
    malloc_trim(0); // hand the freed pages back, lowering the peak RSS
#endif
  }
  return true;
}

bool netc::analyzeNetworks(const FrontendResult &result,
                           llvm::StringRef networkName,
                           const AnalysisOptions &options,
                           DiagnosticEngine &diags,
                           std::vector<NetworkAnalysis> &analyses) {
  bool found = networkName.empty();
  for (const CheckedModule &module : result.modules)
    for (size_t i = 0; i < module.graphs.size(); ++i) {
      const Graph &graph = module.graphs[i];
      if (!networkName.empty() && graph.name != networkName)
        continue;
      found = true;
      if (!module.clean[i])
        continue;
      if (std::optional<NetworkAnalysis> analysis =
              analyzeNetwork(graph, options, diags))
        analyses.push_back(std::move(*analysis));
    }
  return found;
}

void netc::reportMissingNetwork(const FrontendResult &result,
                                llvm::StringRef name,
                                DiagnosticEngine &diags) {
  const llvm::SourceMgr &sourceMgr = diags.getSourceMgr();
  std::vector<std::string> names;
  for (const CheckedModule &module : result.modules)
    for (const Graph &graph : module.graphs)
      names.push_back(graph.name);
  for (const CheckedModule &module : result.modules)
    for (const auto &[imported, loc] : module.importedNetworks) {
      if (imported != name)
        continue;
      unsigned id = sourceMgr.FindBufferContainingLoc(loc);
      std::string file =
          id ? sourceMgr.getMemoryBuffer(id)->getBufferIdentifier().str()
             : std::string("an imported file");
      diags.report(llvm::SMLoc(), diag::err_drv_network_imported, name, file);
      return;
    }
  if (std::optional<std::string> closest = findClosest(name, names)) {
    diags.report(llvm::SMLoc(), diag::err_drv_no_network_suggest, name,
                 *closest);
  } else if (names.empty()) {
    diags.report(llvm::SMLoc(), diag::err_drv_no_network, name);
  } else {
    std::string list;
    for (size_t i = 0; i < names.size(); ++i)
      list += (i ? ", '" : "'") + names[i] + "'";
    diags.report(llvm::SMLoc(), diag::err_drv_no_network_list, name, list);
  }
}
