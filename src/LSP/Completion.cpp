//===- Completion.cpp - completion and signature help ---------------------===//
#include "Completion.h"

#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace netc;
using namespace netc::lsp;
using llvm::json::Array;
using llvm::json::Object;

namespace {

/// LSP's CompletionItemKind values used here.
enum ItemKind {
  KindFunction = 3,
  KindVariable = 6,
  KindClass = 7,
  KindProperty = 10,
  KindValue = 12,
  KindKeyword = 14,
  KindConstant = 21,
};

bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

bool isKeyword(llvm::StringRef word) {
  static const char *const keywords[] = {
      "network", "input", "param", "buffer", "output", "import",
      "const",   "block", "return", "if",    "else",   "for",
      "in",      "and",   "or",     "not",   "true",   "false", "as"};
  for (const char *k : keywords)
    if (word == k)
      return true;
  return false;
}

struct Token {
  enum Kind { Ident, Number, String, Punct } kind;
  llvm::StringRef text;
  size_t begin;
};

/// A bracket open at the cursor; for '(' after a name, the call.
struct OpenBracket {
  char kind; // '(', '[' or '{'
  std::string callee; // the called name, or empty
  bool piped = false;
  bool header = false; // the parameter list of `block NAME(`
  int argIndex = 0;    // arguments before the current one
  int positional = 0;  // positional arguments before the current one
  std::string keyword; // the current argument's `NAME=`, if any
  std::vector<std::string> keywordsGiven;
  size_t tokensInArg = 0;
};

/// What the text before the cursor says about where the cursor is.
struct CursorContext {
  std::vector<OpenBracket> brackets;
  std::vector<std::string> locals;  // names bound in the current body
  std::string prefix;               // the word being typed
  size_t prefixBegin = 0;
  bool inComment = false;
  bool inString = false;
  bool afterPipe = false;   // the word follows `|>`
  bool afterDot = false;    // the word follows `.`
  bool statementStart = false;
  int braceDepth = 0;
  /// The body the cursor is in: 'b' a block's, 'n' a network's, 0 neither.
  char bodyKind = 0;

  const OpenBracket *getCall() const {
    for (auto it = brackets.rbegin(); it != brackets.rend(); ++it) {
      if (it->kind == '(' && !it->callee.empty() && !it->header)
        return &*it;
      if (it->kind == '{')
        return nullptr;
    }
    return nullptr;
  }
  /// The cursor is directly inside a call's parentheses (not in a nested
  /// bracket).
  bool inCallArguments() const {
    return !brackets.empty() && brackets.back().kind == '(' &&
           !brackets.back().callee.empty() && !brackets.back().header;
  }
};

CursorContext scanToCursor(llvm::StringRef text, size_t offset) {
  CursorContext ctx;
  offset = std::min(offset, text.size());
  std::vector<Token> tokens;            // significant tokens so far
  std::vector<std::string> pendingParams;
  std::vector<llvm::StringRef> statementTokens; // since the statement began
  std::vector<std::string> pendingTargets; // bound when the statement ends
  char headerKind = 0; // 'b' or 'n': the last `block` or `network` header
  auto endStatement = [&] {
    for (std::string &t : pendingTargets)
      ctx.locals.push_back(std::move(t));
    pendingTargets.clear();
    statementTokens.clear();
  };
  bool lineStart = true;
  size_t i = 0;
  auto previous = [&](size_t back) -> const Token * {
    return tokens.size() > back ? &tokens[tokens.size() - 1 - back] : nullptr;
  };
  auto atStatementLevel = [&] {
    return ctx.brackets.empty() || ctx.brackets.back().kind == '{';
  };
  while (i < offset) {
    char c = text[i];
    if (c == '\n' || c == '\r') {
      ++i;
      const Token *last = previous(0);
      bool continues = last && last->kind == Token::Punct &&
                       (last->text == "|>" || last->text == "," ||
                        last->text == "=" || last->text == "+" ||
                        last->text == "-" || last->text == "*" ||
                        last->text == "/" || last->text == "\\");
      if (atStatementLevel() && !continues) {
        lineStart = true;
        endStatement();
      }
      continue;
    }
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (c == '#') {
      size_t end = text.find_first_of("\r\n", i);
      if (end == llvm::StringRef::npos || end >= offset) {
        ctx.inComment = true;
        return ctx;
      }
      i = end;
      continue;
    }
    if (c == '"') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '"' && text[j] != '\n') {
        if (text[j] == '\\')
          ++j;
        ++j;
      }
      if (j >= offset) {
        ctx.inString = true;
        ctx.prefixBegin = i + 1;
        ctx.prefix = text.slice(i + 1, offset).str();
        return ctx;
      }
      tokens.push_back({Token::String, text.slice(i, j + 1), i});
      i = j + 1;
      lineStart = false;
      if (!ctx.brackets.empty())
        ++ctx.brackets.back().tokensInArg;
      continue;
    }
    Token token{Token::Punct, {}, i};
    if (isIdentStart(c)) {
      size_t j = i;
      while (j < text.size() && isIdentChar(text[j]))
        ++j;
      if (j >= offset) { // the word under the cursor
        ctx.prefixBegin = i;
        ctx.prefix = text.slice(i, offset).str();
        break;
      }
      token = {Token::Ident, text.slice(i, j), i};
      i = j;
    } else if (llvm::isDigit(c)) {
      size_t j = i;
      while (j < text.size() &&
             (isIdentChar(text[j]) || text[j] == '.' ||
              ((text[j] == '-' || text[j] == '+') &&
               (text[j - 1] == 'e' || text[j - 1] == 'E'))))
        ++j;
      token = {Token::Number, text.slice(i, std::min(j, offset)), i};
      i = j;
    } else {
      size_t length = 1;
      llvm::StringRef two = text.substr(i, 2);
      if (two == "|>" || two == "==" || two == "!=" || two == "<=" ||
          two == ">=" || two == ".." || two == "//")
        length = 2;
      token.text = text.substr(i, length);
      i += length;
    }
    if (i > offset)
      break;
    // What the token does to the brackets, the arguments and the names.
    const Token *last = previous(0);
    if (token.kind == Token::Punct) {
      llvm::StringRef p = token.text;
      if (p == "(" || p == "[" || p == "{") {
        OpenBracket open;
        open.kind = p[0];
        if (p == "(" && last && last->kind == Token::Ident &&
            !isKeyword(last->text)) {
          open.callee = last->text.str();
          const Token *before = previous(1);
          open.piped = before && before->text == "|>";
          open.header = before && before->kind == Token::Ident &&
                        (before->text == "block" || before->text == "network");
          if (open.header)
            pendingParams.clear();
        }
        if (p == "{") {
          if (ctx.braceDepth == 0) {
            ctx.locals = pendingParams;
            pendingParams.clear();
            ctx.bodyKind = headerKind;
          }
          ++ctx.braceDepth;
          endStatement();
          lineStart = true;
          ctx.brackets.push_back(open);
          tokens.push_back(token);
          continue;
        }
        ctx.brackets.push_back(open);
      } else if (p == ")" || p == "]" || p == "}") {
        if (!ctx.brackets.empty())
          ctx.brackets.pop_back();
        if (p == "}") {
          ctx.braceDepth = std::max(0, ctx.braceDepth - 1);
          endStatement();
          if (ctx.braceDepth == 0)
            ctx.locals.clear();
          lineStart = true;
          tokens.push_back(token);
          continue;
        }
      } else if (p == "," && !ctx.brackets.empty() &&
                 ctx.brackets.back().kind == '(') {
        OpenBracket &b = ctx.brackets.back();
        ++b.argIndex;
        if (b.keyword.empty())
          ++b.positional;
        else
          b.keywordsGiven.push_back(b.keyword);
        b.keyword.clear();
        b.tokensInArg = 0;
        tokens.push_back(token);
        continue;
      } else if (p == "=" && !ctx.brackets.empty() &&
                 ctx.brackets.back().kind == '(' && last &&
                 last->kind == Token::Ident &&
                 ctx.brackets.back().tokensInArg == 1) {
        ctx.brackets.back().keyword = last->text.str();
      } else if (p == "=" && atStatementLevel()) {
        // `a, b = ...`: every name before the `=` is bound.
        bool targets = !statementTokens.empty();
        for (llvm::StringRef t : statementTokens)
          targets &= t == "," || (isIdentStart(t[0]) && !isKeyword(t)) ||
                     t == "output";
        // Bound once the statement ends: not in its own right-hand side.
        if (targets)
          for (llvm::StringRef t : statementTokens)
            if (t != "," && t != "output")
              pendingTargets.push_back(t.str());
      } else if (p == ";" && atStatementLevel()) {
        endStatement();
        lineStart = true;
        tokens.push_back(token);
        continue;
      }
    } else if (token.kind == Token::Ident && ctx.braceDepth == 0 &&
               (token.text == "block" || token.text == "network")) {
      headerKind = token.text == "block" ? 'b' : 'n';
      pendingParams.clear();
    } else if (token.kind == Token::Ident && last && last->kind == Token::Ident &&
               (last->text == "input" || last->text == "param" ||
                last->text == "buffer" || last->text == "for")) {
      ctx.locals.push_back(token.text.str());
    } else if (token.kind == Token::Ident && !ctx.brackets.empty() &&
               ctx.brackets.back().header && last &&
               (last->text == "(" || last->text == ",")) {
      pendingParams.push_back(token.text.str());
    }
    if (!ctx.brackets.empty())
      ++ctx.brackets.back().tokensInArg;
    if (atStatementLevel())
      statementTokens.push_back(token.text);
    tokens.push_back(token);
    lineStart = false;
  }
  if (ctx.prefix.empty())
    ctx.prefixBegin = offset;
  const Token *last = previous(0);
  ctx.afterPipe = last && last->text == "|>";
  ctx.afterDot = last && last->text == ".";
  ctx.statementStart = lineStart && atStatementLevel();
  return ctx;
}

std::string describeDefault(const ArgSpec &arg) {
  if (!arg.defaultValue.isUnknown())
    return arg.defaultValue.str();
  return arg.optional ? "derived" : "";
}

llvm::StringRef describeArgType(ArgType type) {
  switch (type) {
  case ArgType::Tensor:
    return "tensor";
  case ArgType::Int:
    return "integer";
  case ArgType::Number:
    return "number";
  case ArgType::Bool:
    return "true or false";
  case ArgType::String:
    return "string";
  case ArgType::IntOrTuple:
    return "integer or tuple";
  case ArgType::IntTuple:
    return "tuple of integers";
  case ArgType::Padding:
    return "integer, tuple, \"same\" or \"valid\"";
  case ArgType::Weight:
    return "another layer's weight";
  case ArgType::TensorOrNumber:
    return "tensor or number";
  }
  return "";
}

Object makeItem(llvm::StringRef label, int kind, llvm::StringRef detail,
                llvm::StringRef doc, llvm::StringRef sortGroup) {
  // llvm::json::Value borrows a StringRef: every text is copied.
  Object item{{"label", label.str()}, {"kind", kind},
              {"sortText", (sortGroup + label).str()}};
  if (!detail.empty())
    item["detail"] = detail.str();
  if (!doc.empty())
    item["documentation"] =
        Object{{"kind", "markdown"}, {"value", doc.str()}};
  return item;
}

/// The blocks (with their signatures) and consts the document can call or
/// name: from its text and, when checked, its imports.
struct TopLevelNames {
  std::vector<std::pair<std::string, std::string>> blocks; // name, signature
  std::vector<std::string> consts;
};

TopLevelNames findTopLevelNames(llvm::StringRef text,
                                const CheckedDocument *checked) {
  TopLevelNames names;
  llvm::StringSet<> seen;
  if (checked)
    for (int id : checked->getTopLevelDefs()) {
      const SymbolDef &def = checked->defs[id];
      if (!seen.insert(def.name).second)
        continue;
      if (def.kind == SymbolKind::Block)
        names.blocks.push_back({def.name, def.signature});
      else if (def.kind == SymbolKind::Const)
        names.consts.push_back(def.name);
    }
  // Blocks and consts typed since the last check.
  for (const char *keyword : {"block", "const"}) {
    size_t at = 0;
    llvm::StringRef k(keyword);
    while ((at = text.find(k, at)) != llvm::StringRef::npos) {
      size_t j = at + k.size();
      bool word = (at == 0 || !isIdentChar(text[at - 1])) &&
                  j < text.size() && (text[j] == ' ' || text[j] == '\t');
      at = j;
      if (!word)
        continue;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
        ++j;
      size_t end = j;
      while (end < text.size() && isIdentChar(text[end]))
        ++end;
      if (end == j || !isIdentStart(text[j]))
        continue;
      std::string name = text.slice(j, end).str();
      if (!seen.insert(name).second)
        continue;
      if (k == "block")
        names.blocks.push_back({name, name + "(...)"});
      else
        names.consts.push_back(name);
    }
  }
  return names;
}

const SymbolDef *findBlockDef(const CheckedDocument *checked,
                              llvm::StringRef name) {
  if (!checked)
    return nullptr;
  for (int id : checked->getTopLevelDefs())
    if (checked->defs[id].kind == SymbolKind::Block &&
        checked->defs[id].name == name)
      return &checked->defs[id];
  return nullptr;
}

/// A block's signature and parameters (names and default texts).
struct BlockSignature {
  std::string signature;
  std::vector<std::pair<std::string, std::string>> params;
};

/// The block \p name: from the checked document (its file or an import),
/// else from `block NAME(...)` in \p text as typed.
std::optional<BlockSignature> findBlockSignature(llvm::StringRef text,
                                                 const CheckedDocument *checked,
                                                 llvm::StringRef name) {
  if (const SymbolDef *def = findBlockDef(checked, name))
    return BlockSignature{def->signature, def->params};
  size_t at = 0;
  while ((at = text.find(name, at)) != llvm::StringRef::npos) {
    size_t begin = at;
    at += name.size();
    llvm::StringRef before = text.take_front(begin).rtrim(" \t");
    if (!before.endswith("block") ||
        (before.size() > 5 && isIdentChar(before[before.size() - 6])) ||
        (at < text.size() && isIdentChar(text[at])))
      continue;
    size_t open = text.find_first_not_of(" \t", at);
    if (open == llvm::StringRef::npos || text[open] != '(')
      continue;
    BlockSignature block;
    int depth = 0;
    std::string current;
    auto finish = [&] {
      llvm::StringRef param = llvm::StringRef(current).trim();
      auto [paramName, defaultText] = param.split('=');
      if (!paramName.trim().empty())
        block.params.push_back(
            {paramName.trim().str(), defaultText.trim().str()});
      current.clear();
    };
    for (size_t i = open + 1; i < text.size() && i < open + 4096; ++i) {
      char c = text[i];
      if (c == '(' || c == '[')
        ++depth;
      if ((c == ')' || c == ']') && depth-- == 0)
        break;
      if (c == ',' && depth == 0) {
        finish();
        continue;
      }
      if (c != '\n' && c != '\r')
        current += c;
    }
    finish();
    std::string signature = name.str() + "(";
    for (size_t p = 0; p < block.params.size(); ++p)
      signature += (p ? ", " : "") + block.params[p].first +
                   (block.params[p].second.empty()
                        ? ""
                        : "=" + block.params[p].second);
    block.signature = signature + ")";
    return block;
  }
  return std::nullopt;
}

} // namespace

llvm::json::Value netc::lsp::complete(llvm::StringRef text, size_t offset,
                                      const CheckedDocument *checked) {
  CursorContext ctx = scanToCursor(text, offset);
  Array items;
  llvm::StringRef prefix(ctx.prefix);
  auto add = [&](Object item) {
    llvm::StringRef label = *item.getString("label");
    if (label.startswith(prefix))
      items.push_back(std::move(item));
  };
  if (ctx.inComment || ctx.afterDot)
    return Object{{"isIncomplete", false}, {"items", std::move(items)}};
  const OpenBracket *call = ctx.inCallArguments() ? &ctx.brackets.back() : nullptr;
  const OpDef *op = call ? lookupOp(call->callee) : nullptr;
  if (ctx.inString) {
    // padding="sa|": the argument's choices.
    if (op && !call->keyword.empty())
      if (const ArgSpec *arg = op->findArg(call->keyword))
        for (llvm::StringRef choice : arg->choices)
          add(makeItem(choice, KindValue, describeArgType(arg->type), "", "0"));
    return Object{{"isIncomplete", false}, {"items", std::move(items)}};
  }
  TopLevelNames names = findTopLevelNames(text, checked);
  auto addOps = [&] {
    for (const OpDef &o : getAllOps())
      if (o.callable)
        add(makeItem(o.name, KindFunction, o.getSignature(), o.doc, "2"));
  };
  auto addBlocks = [&] {
    for (const auto &[name, signature] : names.blocks)
      add(makeItem(name, KindClass, signature, "block", "2"));
  };
  auto addValues = [&] {
    llvm::StringSet<> seen;
    for (auto it = ctx.locals.rbegin(); it != ctx.locals.rend(); ++it)
      if (seen.insert(*it).second)
        add(makeItem(*it, KindVariable, "", "", "1"));
    for (const std::string &c : names.consts)
      add(makeItem(c, KindConstant, "const", "", "1"));
  };
  if (ctx.afterPipe) {
    addOps();
    addBlocks();
  } else if (call && call->keyword.empty()) {
    // Keyword arguments not given yet, then values.
    if (op) {
      // Arguments given by position (a piped call's first one by the pipe)
      // are not offered again.
      size_t given = op->variadic ? op->getNumTensorArgs()
                                  : call->positional + (call->piped ? 1 : 0);
      for (size_t a = std::max<size_t>(op->getNumTensorArgs(), given);
           a < op->args.size(); ++a) {
        const ArgSpec &arg = op->args[a];
        if (llvm::is_contained(call->keywordsGiven, arg.name.str()))
          continue;
        std::string def = describeDefault(arg);
        std::string detail = describeArgType(arg.type).str() +
                             (def.empty() ? ", required" : ", default " + def);
        Object item = makeItem((arg.name + "=").str(), KindProperty, detail,
                               "`" + op->getSignature() + "`", "0");
        item["insertText"] = (arg.name + "=").str();
        item["filterText"] = arg.name.str();
        items.push_back(std::move(item));
      }
      // filter the keyword items by the prefix on their names
      Array kept;
      for (llvm::json::Value &v : items) {
        llvm::StringRef filter = *v.getAsObject()->getString("filterText");
        if (filter.startswith(prefix))
          kept.push_back(std::move(v));
      }
      items = std::move(kept);
      add(makeItem("frozen=", KindProperty, "true or false, default false",
                   "Freeze this layer's parameters", "0"));
    } else if (std::optional<BlockSignature> block =
                   findBlockSignature(text, checked, call->callee)) {
      size_t given = call->positional + (call->piped ? 1 : 0);
      for (size_t p = given; p < block->params.size(); ++p) {
        const auto &[name, defaultText] = block->params[p];
        if (!llvm::is_contained(call->keywordsGiven, name))
          add(makeItem(name + "=", KindProperty,
                       defaultText.empty() ? "required" : "default " + defaultText,
                       "`" + block->signature + "`", "0"));
      }
    }
    addValues();
    addOps();
    addBlocks();
  } else if (call && op) {
    // kernel=|: the argument's choices, then values.
    if (const ArgSpec *arg = op->findArg(call->keyword)) {
      for (llvm::StringRef choice : arg->choices)
        add(makeItem(("\"" + choice + "\"").str(), KindValue,
                     describeArgType(arg->type), "", "0"));
      if (arg->type == ArgType::Bool) {
        add(makeItem("true", KindKeyword, "", "", "0"));
        add(makeItem("false", KindKeyword, "", "", "0"));
      }
    }
    addValues();
  } else if (ctx.braceDepth == 0 && ctx.brackets.empty()) {
    for (const char *k : {"network", "block", "const", "import"})
      add(makeItem(k, KindKeyword, "", "", "0"));
  } else {
    if (ctx.statementStart) {
      // input and output belong to networks, return to blocks.
      for (const char *k : {"param", "buffer", "if", "for"})
        add(makeItem(k, KindKeyword, "", "", "3"));
      if (ctx.bodyKind == 'b')
        add(makeItem("return", KindKeyword, "", "", "3"));
      else
        for (const char *k : {"input", "output"})
          add(makeItem(k, KindKeyword, "", "", "3"));
    }
    addValues();
    addOps();
    addBlocks();
    for (const char *k : {"min", "max", "channels", "rank", "lora"})
      add(makeItem(k, KindFunction, "builtin", "", "3"));
    for (const char *k : {"true", "false"})
      add(makeItem(k, KindKeyword, "", "", "3"));
  }
  return Object{{"isIncomplete", false}, {"items", std::move(items)}};
}

llvm::json::Value netc::lsp::getSignatureHelp(llvm::StringRef text,
                                              size_t offset,
                                              const CheckedDocument *checked) {
  CursorContext ctx = scanToCursor(text, offset);
  if (ctx.inComment)
    return nullptr;
  const OpenBracket *call = ctx.getCall();
  if (!call)
    return nullptr;
  std::string label;
  std::string doc;
  std::vector<std::string> params;
  if (const OpDef *op = lookupOp(call->callee); op && op->callable) {
    label = op->getSignature();
    doc = op->doc;
    for (const ArgSpec &arg : op->args)
      params.push_back(arg.name.str());
  } else if (std::optional<BlockSignature> block =
                 findBlockSignature(text, checked, call->callee)) {
    label = block->signature;
    doc = "block";
    for (const auto &p : block->params)
      params.push_back(p.first);
  } else {
    return nullptr;
  }
  // Each parameter's label is its span in the signature.
  Array parameters;
  size_t at = label.find('(');
  for (const std::string &name : params) {
    size_t begin = label.find(name, at == std::string::npos ? 0 : at);
    if (begin == std::string::npos)
      break;
    size_t end = label.find_first_of(",)", begin);
    if (end == std::string::npos)
      end = label.size();
    parameters.push_back(Object{
        {"label", Array{int64_t(begin), int64_t(end)}}});
    at = end;
  }
  int active = call->positional + (call->piped ? 1 : 0);
  if (!call->keyword.empty()) {
    auto it = llvm::find(params, call->keyword);
    active = it == params.end() ? -1 : int(it - params.begin());
  }
  if (const OpDef *op = lookupOp(call->callee); op && op->variadic &&
      call->keyword.empty())
    active = std::min<int>(active, 0);
  Object signature{{"label", label},
                   {"documentation", Object{{"kind", "markdown"}, {"value", doc}}},
                   {"parameters", std::move(parameters)}};
  return Object{{"signatures", Array{std::move(signature)}},
                {"activeSignature", 0},
                {"activeParameter", active < 0 ? int(params.size()) : active}};
}
