//===- SourceFormatter.cpp - netc fmt's layout -----------------------------===//
//
// Works on the lexer's tokens (line ends included) and the comments in the
// gaps between them, in three steps:
//   1. events: each token, each line end and each comment, in order;
//   2. statements: the events grouped into statements (a line end inside
//      brackets, or before a line starting with `|>` or `else`, continues
//      one; `;`, `{` and `}` end one), each token with the spacing rule's
//      inputs, where the user broke lines inside it and the comments there;
//   3. lines: each statement joined with the spacing rules into one line,
//      or broken before its pipe stages when too long, or, when comments
//      sit inside it, on the lines the user chose; then the trailing
//      comments of each run of lines aligned.
// See SourceFormatter.h for the style and docs/formatting.md for examples.
//
//===----------------------------------------------------------------------===//
#include "netc/Format/SourceFormatter.h"

#include "NetcLexer.h"

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>
#include <vector>

using namespace netc;
using L = netc_grammar::NetcLexer;

namespace {

/// One step of the file: a token, a line end or a comment.
struct Event {
  enum Kind { Token, LineEnd, Comment } kind;
  size_t type = 0; ///< the token's type (Token)
  std::string text;
};

/// The events of \p source: its tokens, line ends and comments in order.
std::vector<Event> readEvents(llvm::StringRef source) {
  antlr4::ANTLRInputStream input(source.data(), source.size());
  L lexer(&input);
  lexer.removeErrorListeners();
  std::vector<Event> events;
  size_t end = 0; // where the gap before the next token starts
  auto gap = [&](size_t until) {
    if (until <= end)
      return;
    std::string text = input.getText(antlr4::misc::Interval(end, until - 1));
    size_t hash = text.find('#');
    if (hash != std::string::npos) {
      std::string comment = text.substr(hash);
      while (!comment.empty() && (comment.back() == ' ' ||
                                  comment.back() == '\t' ||
                                  comment.back() == '\f'))
        comment.pop_back();
      events.push_back({Event::Comment, 0, comment});
    }
  };
  for (const std::unique_ptr<antlr4::Token> &token : lexer.getAllTokens()) {
    gap(token->getStartIndex());
    end = token->getStopIndex() + 1;
    if (token->getType() == L::NEWLINE)
      events.push_back({Event::LineEnd, 0, ""});
    else
      events.push_back({Event::Token, token->getType(), token->getText()});
  }
  gap(input.size());
  return events;
}

bool isKeyword(size_t type) {
  switch (type) {
  case L::NETWORK: case L::INPUT: case L::PARAM: case L::BUFFER:
  case L::OUTPUT: case L::IMPORT: case L::CONST: case L::BLOCK:
  case L::RETURN: case L::IF: case L::ELSE: case L::FOR: case L::IN:
  case L::AND: case L::OR: case L::NOT: case L::AS:
    return true;
  default:
    return false;
  }
}

bool isBinaryOperator(size_t type) {
  switch (type) {
  case L::PIPE: case L::EQ: case L::NE: case L::LE: case L::GE: case L::LT:
  case L::GT: case L::PLUS: case L::MINUS: case L::STAR: case L::DSLASH:
  case L::SLASH: case L::PERCENT: case L::AND: case L::OR:
    return true;
  default:
    return false;
  }
}

/// One token of a statement, with what the layout needs to know of it.
struct Piece {
  size_t type;
  std::string text;
  /// The bracket it is in: '(' , '[' or 0 at the statement's level.
  char bracket = 0;
  /// A unary minus (no space after it).
  bool unary = false;
  /// The user broke the line before it.
  bool breakBefore = false;
  /// Comments on lines of their own just before it.
  std::vector<std::string> commentsBefore;
  /// The comment that ended its line (inside the statement).
  std::string commentAfter;
};

/// One statement as written.
struct Statement {
  std::vector<Piece> pieces;
  /// The comment at the end of its last line.
  std::string trailing;
  /// Comments inside it: laid out on the user's lines.
  bool keepLines = false;
  bool empty() const { return pieces.empty(); }
};

/// A line of the output.
struct OutLine {
  unsigned indent = 0;
  std::string code;
  std::string comment;
  /// An empty line between statements.
  bool blank = false;
  /// The line opens a block (`... {`): no blank line follows it.
  bool opens = false;
};

/// Whether a space goes between \p prev and \p cur on one line.
bool spaceBetween(const Piece &prev, const Piece &cur) {
  size_t p = prev.type, c = cur.type;
  if (p == L::LPAREN || p == L::LBRACK || p == L::DOT || prev.unary)
    return false;
  if (c == L::RPAREN || c == L::RBRACK || c == L::COMMA || c == L::SEMI ||
      c == L::DOT)
    return false;
  if (p == L::DOTDOT || c == L::DOTDOT)
    return false;
  // Slices (x[1:3]) close up; declarations (x: [3]) take a space after.
  if (c == L::COLON)
    return false;
  if (p == L::COLON)
    return prev.bracket != '[';
  // Keyword arguments and defaults close up (kernel=3); an assignment
  // takes spaces.
  if (c == L::ASSIGN)
    return cur.bracket != '(';
  if (p == L::ASSIGN)
    return prev.bracket != '(';
  // Calls and subscripts close up to what they apply to: f(x), x[0],
  // f16[3].
  if ((c == L::LPAREN || c == L::LBRACK) &&
      (p == L::IDENT || p == L::RPAREN || p == L::RBRACK || p == L::STRING))
    return false;
  return true;
}

/// \p pieces joined on one line.
std::string join(llvm::ArrayRef<Piece> pieces) {
  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (i && spaceBetween(pieces[i - 1], pieces[i]))
      out += ' ';
    out += pieces[i].text;
  }
  return out;
}

class Formatter {
public:
  std::string run(llvm::StringRef source) {
    std::vector<Event> events = readEvents(source);
    for (size_t i = 0; i < events.size(); ++i) {
      const Event &e = events[i];
      switch (e.kind) {
      case Event::Comment:
        onComment(e.text);
        break;
      case Event::LineEnd:
        onLineEnd(nextTokenType(events, i + 1));
        break;
      case Event::Token:
        onToken(e, nextTokenType(events, i + 1));
        break;
      }
    }
    flush();
    alignComments();
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
      const OutLine &line = lines[i];
      if (line.blank && (i + 1 == lines.size()))
        continue;
      std::string text(line.indent, ' ');
      text += line.code;
      if (!line.comment.empty()) {
        if (!line.code.empty())
          text += "  ";
        text += line.comment;
      }
      if (line.blank)
        text.clear();
      out += text;
      out += '\n';
    }
    return out;
  }

private:
  static std::optional<size_t> nextTokenType(const std::vector<Event> &events,
                                             size_t from) {
    for (size_t i = from; i < events.size(); ++i)
      if (events[i].kind == Event::Token)
        return events[i].type;
    return std::nullopt;
  }

  void onComment(const std::string &text) {
    lineHasComment = true;
    if (current.empty()) {
      if (lineHasCode && !lines.empty() && lines.back().comment.empty() &&
          !lines.back().blank) {
        // After `{`, `}` or `;` on the same line: that line's comment.
        lines.back().comment = text;
        return;
      }
      addBlankIfPending();
      lines.push_back({indentOf(depth), "", text});
      return;
    }
    if (!lineHasCode) {
      // On a line of its own inside a statement (between pipe stages).
      pendingOwnLine.push_back(text);
      current.keepLines = true;
      return;
    }
    pendingComment = text;
  }

  void onLineEnd(std::optional<size_t> next) {
    bool continues = !current.empty() &&
                     (!brackets.empty() ||
                      (next && (*next == L::PIPE || *next == L::ELSE)));
    if (!current.empty() && !continues) {
      current.trailing = pendingComment;
      pendingComment.clear();
      flush();
    } else if (continues) {
      if (!pendingComment.empty()) {
        current.pieces.back().commentAfter = pendingComment;
        current.keepLines = true;
        pendingComment.clear();
      }
      breakNext = true;
    } else if (!lineHasCode && !lineHasComment) {
      ++lineEnds; // an empty line
    }
    lineHasCode = false;
    lineHasComment = false;
  }

  void onToken(const Event &e, std::optional<size_t> next) {
    if (e.type == L::SEMI && brackets.empty()) {
      flush();
      lineHasCode = true;
      return;
    }
    if (e.type == L::RBRACE) {
      flush();
      depth = depth ? depth - 1 : 0;
      lineEnds = 0;
    }
    Piece piece;
    piece.type = e.type;
    piece.text = e.text;
    piece.bracket = brackets.empty() ? 0 : brackets.back();
    if (e.type == L::MINUS) {
      size_t p = current.empty() ? size_t(L::ASSIGN)
                                 : current.pieces.back().type;
      piece.unary = current.empty() || isBinaryOperator(p) ||
                    p == L::LPAREN || p == L::LBRACK || p == L::COMMA ||
                    p == L::ASSIGN || p == L::COLON || p == L::DOTDOT ||
                    (isKeyword(p) && p != L::TRUE && p != L::FALSE) ||
                    current.pieces.back().unary;
    }
    piece.breakBefore = breakNext && !current.empty();
    piece.commentsBefore = std::move(pendingOwnLine);
    pendingOwnLine.clear();
    breakNext = false;
    if (e.type == L::LPAREN || e.type == L::LBRACK)
      brackets.push_back(e.text[0]);
    else if ((e.type == L::RPAREN || e.type == L::RBRACK) && !brackets.empty())
      brackets.pop_back();
    current.pieces.push_back(std::move(piece));
    lineHasCode = true;
    if (e.type == L::LBRACE) {
      flush();
      lines.back().opens = true;
      ++depth;
      lineEnds = 0;
    } else if (e.type == L::RBRACE && !(next && *next == L::ELSE)) {
      flush();
    }
  }

  static unsigned indentOf(unsigned depth) { return 2 * depth; }

  /// One blank line where the user left one or more, but not right after
  /// an opening brace or at the start of the file.
  void addBlankIfPending() {
    if (lineEnds >= 1 && !lines.empty() && !lines.back().blank &&
        !lines.back().opens)
      lines.push_back({0, "", "", true});
    lineEnds = 0;
  }

  void flush() {
    if (current.empty()) {
      if (!pendingOwnLine.empty()) {
        for (std::string &c : pendingOwnLine)
          lines.push_back({indentOf(depth), "", c});
        pendingOwnLine.clear();
      }
      return;
    }
    if (current.pieces.front().type != L::RBRACE)
      addBlankIfPending();
    else
      lineEnds = 0;
    unsigned indent = indentOf(depth);
    unsigned inner = indent + 4;
    if (current.keepLines) {
      // The user's lines: each piece of the statement between two of its
      // line breaks on a line, the comments where they were.
      size_t start = 0;
      bool first = true;
      for (size_t i = 1; i <= current.pieces.size(); ++i) {
        if (i < current.pieces.size() && !current.pieces[i].breakBefore &&
            current.pieces[i - 1].commentAfter.empty())
          continue;
        llvm::ArrayRef<Piece> segment(current.pieces.data() + start,
                                      i - start);
        for (const std::string &c : segment.front().commentsBefore)
          lines.push_back({inner, "", c});
        lines.push_back({first ? indent : inner, join(segment),
                         segment.back().commentAfter});
        first = false;
        start = i;
      }
      if (!current.trailing.empty())
        lines.back().comment = current.trailing;
    } else {
      std::string code = join(current.pieces);
      std::vector<size_t> pipes;
      for (size_t i = 0; i < current.pieces.size(); ++i)
        if (current.pieces[i].type == L::PIPE && !current.pieces[i].bracket)
          pipes.push_back(i);
      if (indent + code.size() > FormatLineLimit) {
        // One pipe stage a line; a stage still too long keeps the user's
        // line breaks inside it.
        llvm::ArrayRef<Piece> all(current.pieces);
        pipes.insert(pipes.begin(), 0);
        pipes.push_back(all.size());
        for (size_t k = 0; k + 1 < pipes.size(); ++k)
          addStage(all.slice(pipes[k], pipes[k + 1] - pipes[k]),
                   k ? inner : indent);
      } else {
        lines.push_back({indent, code, ""});
      }
      lines.back().comment = current.trailing;
    }
    current = Statement();
  }

  /// One stage of a long statement at \p indent: on one line if it fits or
  /// the user wrote it on one, else on the user's lines, continuation lines
  /// indented four spaces more.
  void addStage(llvm::ArrayRef<Piece> stage, unsigned indent) {
    std::string code = join(stage);
    bool userBreaks = llvm::any_of(stage.drop_front(), [](const Piece &p) {
      return p.breakBefore;
    });
    if (indent + code.size() <= FormatLineLimit || !userBreaks) {
      lines.push_back({indent, code, ""});
      return;
    }
    size_t start = 0;
    for (size_t i = 1; i <= stage.size(); ++i) {
      if (i < stage.size() && !stage[i].breakBefore)
        continue;
      lines.push_back(
          {start ? indent + 4 : indent, join(stage.slice(start, i - start)), ""});
      start = i;
    }
  }

  /// The trailing comments of each run of consecutive code lines that all
  /// have one start in one column.
  void alignComments() {
    size_t i = 0;
    while (i < lines.size()) {
      auto hasTrailing = [&](size_t k) {
        return !lines[k].blank && !lines[k].code.empty() &&
               !lines[k].comment.empty();
      };
      if (!hasTrailing(i)) {
        ++i;
        continue;
      }
      size_t j = i;
      size_t column = 0;
      while (j < lines.size() && hasTrailing(j)) {
        column = std::max<size_t>(column, lines[j].indent + lines[j].code.size());
        ++j;
      }
      if (j - i > 1)
        for (size_t k = i; k < j; ++k)
          lines[k].code.append(
              column - lines[k].indent - lines[k].code.size(), ' ');
      i = j;
    }
  }

  std::vector<OutLine> lines;
  Statement current;
  std::vector<char> brackets;
  std::vector<std::string> pendingOwnLine;
  std::string pendingComment;
  unsigned depth = 0;
  unsigned lineEnds = 0;
  bool breakNext = false;
  bool lineHasCode = false;
  bool lineHasComment = false;
};

} // namespace

std::string netc::formatSource(llvm::StringRef source) {
  return Formatter().run(source);
}

std::optional<std::string> netc::dumpSyntaxTree(llvm::StringRef text) {
  llvm::SourceMgr sourceMgr;
  struct ErrorCounter : DiagnosticConsumer {
    unsigned errors = 0;
    void handle(const Diagnostic &d) override {
      errors += d.severity == Severity::Error;
    }
  } counter;
  DiagnosticEngine diags(sourceMgr, counter);
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "input.net"), llvm::SMLoc());
  std::unique_ptr<ast::Module> module = parseModule(id, diags);
  if (!module || counter.errors)
    return std::nullopt;
  std::string out;
  llvm::raw_string_ostream os(out);
  ast::dump(*module, os);
  return out;
}
