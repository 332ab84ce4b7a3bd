//===- Frontend.cpp - loading, parsing, checking and selecting ------------===//
#include "netc/Frontend/Frontend.h"

#include "netc/Basic/SourceFiles.h"
#include "netc/Basic/Suggest.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <set>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace netc;

void netc::reportUnloadable(const LoadedFile &file, llvm::StringRef path,
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

/// "network 'Llama'", or "networks 'A' and 'B'".
static std::string describeNetworks(llvm::ArrayRef<const Graph *> graphs) {
  std::string s = graphs.size() == 1 ? "network " : "networks ";
  for (size_t i = 0; i < graphs.size(); ++i)
    s += (i == 0 ? "'" : i + 1 == graphs.size() ? " and '" : ", '") +
         graphs[i]->name + "'";
  return s;
}

/// Layer names to suggest for a --freeze pattern: each name, and each name
/// with its numbered parts (block calls in a loop) as '*' ("x.*.q_proj").
static std::vector<std::string>
getFreezeCandidates(llvm::ArrayRef<const Graph *> graphs) {
  std::set<std::string> names;
  for (const Graph *graph : graphs)
    for (const Layer &layer : graph->layers) {
      names.insert(layer.name);
      llvm::SmallVector<llvm::StringRef, 8> parts;
      llvm::StringRef(layer.name).split(parts, '.');
      std::string glob;
      bool numbered = false;
      for (llvm::StringRef part : parts) {
        bool number = !part.empty() && llvm::all_of(part, llvm::isDigit);
        numbered |= number;
        glob += (glob.empty() ? "" : ".") + (number ? "*" : part.str());
      }
      if (numbered)
        names.insert(glob);
    }
  return {names.begin(), names.end()};
}

/// The name of the layer halfway through \p graph, an example of its names.
static llvm::StringRef getMiddleLayerName(const Graph &graph) {
  return graph.layers[graph.layers.size() / 2].name;
}

/// Targets to suggest for --lora: every dense layer's name and its last
/// part ("x.0.q_proj", "q_proj").
static std::vector<std::string>
getLoraCandidates(llvm::ArrayRef<const Graph *> graphs) {
  std::set<std::string> names;
  for (const Graph *graph : graphs)
    for (const Layer &layer : graph->layers)
      if (layer.op->name == "dense" && layer.lora == LoraRole::None) {
        llvm::StringRef name = layer.name;
        names.insert(name.str());
        names.insert(name.substr(name.rfind('.') + 1).str()); // npos + 1: 0
      }
  return {names.begin(), names.end()};
}

bool netc::applyFineTuning(FrontendResult &result, llvm::StringRef networkName,
                           const FineTuningOptions &options,
                           DiagnosticEngine &diags) {
  std::vector<Graph *> graphs;
  for (CheckedModule &module : result.modules)
    for (size_t i = 0; i < module.graphs.size(); ++i)
      if (module.clean[i] &&
          (networkName.empty() || module.graphs[i].name == networkName))
        graphs.push_back(&module.graphs[i]);
  if (graphs.empty()) // --network's own error, or nothing to report
    return true;
  std::vector<bool> frozen(options.freezePatterns.size(), false);
  std::vector<bool> targeted(options.lora ? options.lora->targets.size() : 0,
                             false);
  for (Graph *graph : graphs) {
    freezeLayers(*graph, options.freezePatterns, frozen);
    // A layer that lora(...) adapted is not adapted again.
    if (options.lora)
      if (std::optional<LayerId> base =
              findAdaptedTarget(*graph, *options.lora)) {
        const Layer &layer = graph->layers[*base];
        const Layer &sum =
            graph->layers[*findLoraSum(graph->layers, *base)];
        std::string target;
        for (const std::string &t : options.lora->targets)
          if (target.empty() && isLoraTarget(layer.name, t))
            target = t;
        diags.report(sum.range.Start, diag::err_drv_lora_adapted, target,
                     layer.name)
            .range(sum.range);
        return false;
      }
    if (options.lora && !addLoraAdapters(*graph, *options.lora, targeted)) {
      diags.report(graph->range.Start, diag::err_overflow,
                   "the LoRA adapters' size in network '" + graph->name + "'")
          .range(graph->range);
      return false;
    }
  }
  std::vector<const Graph *> shown(graphs.begin(), graphs.end());
  std::string where = describeNetworks(shown);
  for (size_t i = 0; i < frozen.size(); ++i) {
    if (frozen[i])
      continue;
    const std::string &pattern = options.freezePatterns[i];
    // A pattern matches whole names: q_proj, written as a LoRA target, is
    // meant as *.q_proj.
    std::optional<std::string> closest;
    for (const Graph *graph : shown)
      for (const Layer &layer : graph->layers)
        if (!closest && isLoraTarget(layer.name, pattern))
          closest = "*." + pattern;
    if (!closest)
      closest = findClosest(pattern, getFreezeCandidates(shown));
    if (closest)
      diags.report(llvm::SMLoc(), diag::err_drv_freeze_no_match_suggest,
                   pattern, where, *closest);
    else // a name from the middle of the network, most likely a block's
      diags.report(llvm::SMLoc(), diag::err_drv_freeze_no_match, pattern,
                   where, getMiddleLayerName(*shown.front()));
    return false;
  }
  for (size_t i = 0; i < targeted.size(); ++i) {
    if (targeted[i])
      continue;
    const std::string &target = options.lora->targets[i];
    std::vector<std::string> candidates = getLoraCandidates(shown);
    std::optional<std::string> closest = findClosest(target, candidates);
    // Another model's short name: 'q' for 'q_proj'.
    for (size_t c = 0; !closest && c < candidates.size(); ++c)
      if (llvm::StringRef(candidates[c]).startswith(target + "_"))
        closest = candidates[c];
    if (candidates.empty())
      diags.report(llvm::SMLoc(), diag::err_drv_lora_no_dense, where);
    else if (closest)
      diags.report(llvm::SMLoc(), diag::err_drv_lora_no_target_suggest,
                   target, where, *closest);
    else
      diags.report(llvm::SMLoc(), diag::err_drv_lora_no_target, target, where,
                   candidates.front());
    return false;
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
