//===- AST.h - the abstract syntax tree of .net files ------------*- C++ -*-===//
//
// A small hand-written AST, after MLIR's Toy tutorial: a Kind enum with
// classof for llvm::isa/dyn_cast, unique_ptr children, and a source range on
// every node. The parser builds it; the checker reads it. Pipes are already
// desugared here: `a |> f(b)` is the call `f(a, b)` with its first argument
// marked as piped.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace netc::ast {

/// A name as written in the source, with its range.
struct Identifier {
  std::string name;
  llvm::SMRange range;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Base class of every expression.
class Expr {
public:
  enum class Kind {
    Integer,
    Float,
    Bool,
    String,
    Name,
    Tuple,
    Call,
    Unary,
    Binary,
    Member,
    Index,
    Slice
  };
  Expr(Kind kind, llvm::SMRange range) : kind(kind), range(range) {}
  virtual ~Expr() = default;
  Kind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }
  llvm::SMLoc getLoc() const { return range.Start; }

private:
  const Kind kind;
  llvm::SMRange range;
};
using ExprPtr = std::unique_ptr<Expr>;

/// An integer literal such as `64` or `-1`.
class IntegerExpr : public Expr {
public:
  IntegerExpr(int64_t value, llvm::SMRange range)
      : Expr(Kind::Integer, range), value(value) {}
  int64_t getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Integer; }

private:
  int64_t value;
};

/// A floating-point literal such as `0.5`.
class FloatExpr : public Expr {
public:
  FloatExpr(double value, llvm::SMRange range)
      : Expr(Kind::Float, range), value(value) {}
  double getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Float; }

private:
  double value;
};

/// `true` or `false`.
class BoolExpr : public Expr {
public:
  BoolExpr(bool value, llvm::SMRange range)
      : Expr(Kind::Bool, range), value(value) {}
  bool getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Bool; }

private:
  bool value;
};

/// A string literal such as `"same"` (the value is unescaped).
class StringExpr : public Expr {
public:
  StringExpr(std::string value, llvm::SMRange range)
      : Expr(Kind::String, range), value(std::move(value)) {}
  llvm::StringRef getValue() const { return value; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::String; }

private:
  std::string value;
};

/// A reference to a bound name, such as `x`.
class NameExpr : public Expr {
public:
  NameExpr(std::string name, llvm::SMRange range)
      : Expr(Kind::Name, range), name(std::move(name)) {}
  llvm::StringRef getName() const { return name; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }

private:
  std::string name;
};

/// A tuple such as `(3, 5)`.
class TupleExpr : public Expr {
public:
  TupleExpr(std::vector<ExprPtr> elements, llvm::SMRange range)
      : Expr(Kind::Tuple, range), elements(std::move(elements)) {}
  llvm::ArrayRef<ExprPtr> getElements() const { return elements; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Tuple; }

private:
  std::vector<ExprPtr> elements;
};

/// One argument of a call: positional (no keyword) or `keyword=value`.
struct Argument {
  /// Null for a positional argument. (Out of line: a network has millions
  /// of arguments, most of them positional.)
  std::unique_ptr<Identifier> keyword;
  ExprPtr value;
  /// The whole argument, keyword included.
  llvm::SMRange range;
};

/// The `as NAME` after a call: the name the file chooses for the call's
/// layer, or for a block call's scope.
struct LayerName {
  /// `as conv1`, `as 0`: the name as written; empty for `as (expr)`.
  std::string spelling;
  /// `as (expr)`: a name computed at compile time (an integer or a string).
  ExprPtr computed;
  /// From `as` to the end of the name.
  llvm::SMRange range;
};

/// A call such as `conv2d(x, 6, kernel=5)`, or a pipe stage `x |> tanh`,
/// which is the call `tanh(x)` with isPiped() true.
class CallExpr : public Expr {
public:
  CallExpr(Identifier callee, std::vector<Argument> args, bool piped,
           llvm::SMRange range, std::unique_ptr<LayerName> layerName = nullptr)
      : Expr(Kind::Call, range), callee(std::move(callee)),
        args(std::move(args)), layerName(std::move(layerName)),
        piped(piped) {}
  const Identifier &getCallee() const { return callee; }
  llvm::ArrayRef<Argument> getArgs() const { return args; }
  /// True when the first argument came from the left side of `|>`.
  bool isPiped() const { return piped; }
  /// The `as NAME` written after the call, or null.
  const LayerName *getLayerName() const { return layerName.get(); }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }

private:
  Identifier callee;
  std::vector<Argument> args;
  /// Out of line: few calls have one.
  std::unique_ptr<LayerName> layerName;
  bool piped;
};

/// `-x` or `not x`.
class UnaryExpr : public Expr {
public:
  enum class Op { Negate, Not };
  UnaryExpr(Op op, ExprPtr operand, llvm::SMRange opRange, llvm::SMRange range)
      : Expr(Kind::Unary, range), op(op), operand(std::move(operand)),
        opRange(opRange) {}
  Op getOp() const { return op; }
  const Expr &getOperand() const { return *operand; }
  llvm::SMRange getOpRange() const { return opRange; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }

private:
  Op op;
  ExprPtr operand;
  llvm::SMRange opRange;
};

/// `a + b`, `a // b`, `a == b`, `a and b`, ...
class BinaryExpr : public Expr {
public:
  enum class Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or
  };
  BinaryExpr(Op op, ExprPtr lhs, ExprPtr rhs, llvm::SMRange opRange,
             llvm::SMRange range)
      : Expr(Kind::Binary, range), op(op), lhs(std::move(lhs)),
        rhs(std::move(rhs)), opRange(opRange) {}
  Op getOp() const { return op; }
  const Expr &getLHS() const { return *lhs; }
  const Expr &getRHS() const { return *rhs; }
  llvm::SMRange getOpRange() const { return opRange; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }

private:
  Op op;
  ExprPtr lhs, rhs;
  llvm::SMRange opRange;
};

/// The operator's spelling ("+", "//", "and").
llvm::StringRef getSpelling(BinaryExpr::Op op);

/// `x.shape`.
class MemberExpr : public Expr {
public:
  MemberExpr(ExprPtr base, Identifier member, llvm::SMRange range)
      : Expr(Kind::Member, range), base(std::move(base)),
        member(std::move(member)) {}
  const Expr &getBase() const { return *base; }
  const Identifier &getMember() const { return member; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Member; }

private:
  ExprPtr base;
  Identifier member;
};

/// `t[i]`.
class IndexExpr : public Expr {
public:
  IndexExpr(ExprPtr base, ExprPtr index, llvm::SMRange range)
      : Expr(Kind::Index, range), base(std::move(base)),
        index(std::move(index)) {}
  const Expr &getBase() const { return *base; }
  const Expr &getIndex() const { return *index; }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Index; }

private:
  ExprPtr base, index;
};

/// `x[a:b]`, `x[:b]`, `x[a:]`, `x[:]`: a run of entries of a tensor's first
/// axis; a missing bound is the axis's start or end.
class SliceExpr : public Expr {
public:
  SliceExpr(ExprPtr base, ExprPtr start, ExprPtr stop, llvm::SMRange range)
      : Expr(Kind::Slice, range), base(std::move(base)),
        start(std::move(start)), stop(std::move(stop)) {}
  const Expr &getBase() const { return *base; }
  /// Null when not written.
  const Expr *getStart() const { return start.get(); }
  const Expr *getStop() const { return stop.get(); }
  static bool classof(const Expr *e) { return e->getKind() == Kind::Slice; }

private:
  ExprPtr base, start, stop;
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

/// Base class of every statement in a network body.
class Stmt {
public:
  enum class Kind { TensorDecl, Assign, Output, Expr, Return, If, For };
  Stmt(Kind kind, llvm::SMRange range) : kind(kind), range(range) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  llvm::SMRange getRange() const { return range; }

private:
  const Kind kind;
  llvm::SMRange range;
};
using StmtPtr = std::unique_ptr<Stmt>;

/// What a tensor declaration declares.
enum class TensorDeclKind {
  /// `input`: a network input, one per sample.
  Input,
  /// `param`: a trainable tensor of the network (a class token, a position
  /// embedding, a layer scale).
  Param,
  /// `buffer`: a tensor of the network that is not trained (position ids).
  Buffer,
};

/// The keyword of \p kind ("input", "param", "buffer").
llvm::StringRef getKeyword(TensorDeclKind kind);

/// `input image: [1, 32, 32]`, `input tokens: i64[128]`,
/// `param cls: [1, 768]`, `buffer ids: i64[512]`.
class TensorDeclStmt : public Stmt {
public:
  TensorDeclStmt(TensorDeclKind declKind, Identifier name,
                 std::optional<Identifier> dtype, std::vector<ExprPtr> dims,
                 llvm::SMRange range)
      : Stmt(Kind::TensorDecl, range), declKind(declKind),
        name(std::move(name)), dtype(std::move(dtype)),
        dims(std::move(dims)) {}
  TensorDeclKind getDeclKind() const { return declKind; }
  const Identifier &getName() const { return name; }
  const std::optional<Identifier> &getDType() const { return dtype; }
  llvm::ArrayRef<ExprPtr> getDims() const { return dims; }
  static bool classof(const Stmt *s) {
    return s->getKind() == Kind::TensorDecl;
  }

private:
  TensorDeclKind declKind;
  Identifier name;
  std::optional<Identifier> dtype;
  std::vector<ExprPtr> dims;
};

/// `x = expr`, or `a, b = expr` to unpack a tuple.
class AssignStmt : public Stmt {
public:
  AssignStmt(std::vector<Identifier> targets, ExprPtr value,
             llvm::SMRange range)
      : Stmt(Kind::Assign, range), targets(std::move(targets)),
        value(std::move(value)) {}
  llvm::ArrayRef<Identifier> getTargets() const { return targets; }
  const Expr &getValue() const { return *value; }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Assign; }

private:
  std::vector<Identifier> targets;
  ExprPtr value;
};

/// `output logits = expr` or `output logits` (an existing value).
class OutputStmt : public Stmt {
public:
  OutputStmt(Identifier name, ExprPtr value, llvm::SMRange range)
      : Stmt(Kind::Output, range), name(std::move(name)),
        value(std::move(value)) {}
  const Identifier &getName() const { return name; }
  /// The defining expression, or null for `output NAME`.
  const Expr *getValue() const { return value.get(); }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Output; }

private:
  Identifier name;
  ExprPtr value;
};

/// An expression whose value is not bound, such as a bare `relu(x)`.
class ExprStmt : public Stmt {
public:
  ExprStmt(ExprPtr value, llvm::SMRange range)
      : Stmt(Kind::Expr, range), value(std::move(value)) {}
  const Expr &getValue() const { return *value; }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Expr; }

private:
  ExprPtr value;
};

/// `return expr` (in blocks).
class ReturnStmt : public Stmt {
public:
  ReturnStmt(ExprPtr value, llvm::SMRange range)
      : Stmt(Kind::Return, range), value(std::move(value)) {}
  const Expr &getValue() const { return *value; }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Return; }

private:
  ExprPtr value;
};

/// `if cond { ... } else { ... }` (`else if` nests another IfStmt).
class IfStmt : public Stmt {
public:
  IfStmt(ExprPtr condition, std::vector<StmtPtr> thenBody,
         std::vector<StmtPtr> elseBody, llvm::SMRange range)
      : Stmt(Kind::If, range), condition(std::move(condition)),
        thenBody(std::move(thenBody)), elseBody(std::move(elseBody)) {}
  const Expr &getCondition() const { return *condition; }
  llvm::ArrayRef<StmtPtr> getThenBody() const { return thenBody; }
  llvm::ArrayRef<StmtPtr> getElseBody() const { return elseBody; }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::If; }

private:
  ExprPtr condition;
  std::vector<StmtPtr> thenBody, elseBody;
};

/// `for i in a..b { ... }` (half-open).
class ForStmt : public Stmt {
public:
  ForStmt(Identifier variable, ExprPtr from, ExprPtr to,
          std::vector<StmtPtr> body, llvm::SMRange range)
      : Stmt(Kind::For, range), variable(std::move(variable)),
        from(std::move(from)), to(std::move(to)), body(std::move(body)) {}
  const Identifier &getVariable() const { return variable; }
  const Expr &getFrom() const { return *from; }
  const Expr &getTo() const { return *to; }
  llvm::ArrayRef<StmtPtr> getBody() const { return body; }
  static bool classof(const Stmt *s) { return s->getKind() == Kind::For; }

private:
  Identifier variable;
  ExprPtr from, to;
  std::vector<StmtPtr> body;
};

//===----------------------------------------------------------------------===//
// Top level
//===----------------------------------------------------------------------===//

/// A parameter of a block or network, with an optional default.
struct Parameter {
  Identifier name;
  /// Null when the parameter is required.
  ExprPtr defaultValue;
};

/// `network Name(params) { ... }` or `block name(params) { ... }`: a name,
/// parameters and a body. Networks declare inputs and outputs; blocks
/// return values.
class Callable {
public:
  Callable(Identifier name, std::vector<Parameter> params,
           std::vector<StmtPtr> body, llvm::SMRange range)
      : name(std::move(name)), params(std::move(params)),
        body(std::move(body)), range(range) {}
  const Identifier &getName() const { return name; }
  llvm::ArrayRef<Parameter> getParams() const { return params; }
  llvm::ArrayRef<StmtPtr> getBody() const { return body; }
  llvm::SMRange getRange() const { return range; }
  /// Frees statement \p index of the body (it becomes null), for a checker
  /// that owns the module and will not read the statement again.
  void releaseStatement(size_t index) { body[index].reset(); }

private:
  Identifier name;
  std::vector<Parameter> params;
  std::vector<StmtPtr> body;
  llvm::SMRange range;
};

/// `network Name(params) { ... }`.
class Network : public Callable {
public:
  using Callable::Callable;
};

/// `block name(params) { ... }`.
class BlockDecl : public Callable {
public:
  using Callable::Callable;
};

/// `const NAME = expr`.
struct ConstDecl {
  Identifier name;
  ExprPtr value;
};

/// `import "path"`.
struct ImportDecl {
  std::string path;
  llvm::SMRange range;
};

/// One parsed .net file.
class Module {
public:
  Module(unsigned bufferId, std::vector<ImportDecl> imports,
         std::vector<ConstDecl> consts,
         std::vector<std::unique_ptr<BlockDecl>> blocks,
         std::vector<std::unique_ptr<Network>> networks)
      : bufferId(bufferId), imports(std::move(imports)),
        consts(std::move(consts)), blocks(std::move(blocks)),
        networks(std::move(networks)) {}
  /// The SourceMgr buffer the module was parsed from.
  unsigned getBufferId() const { return bufferId; }
  llvm::ArrayRef<ImportDecl> getImports() const { return imports; }
  llvm::ArrayRef<ConstDecl> getConsts() const { return consts; }
  llvm::ArrayRef<std::unique_ptr<BlockDecl>> getBlocks() const {
    return blocks;
  }
  llvm::ArrayRef<std::unique_ptr<Network>> getNetworks() const {
    return networks;
  }

private:
  unsigned bufferId;
  std::vector<ImportDecl> imports;
  std::vector<ConstDecl> consts;
  std::vector<std::unique_ptr<BlockDecl>> blocks;
  std::vector<std::unique_ptr<Network>> networks;
};

/// Prints \p module as an indented tree (for `--emit=ast` and tests).
/// With \p rangeBase (the start of the module's buffer), the dump is exact,
/// for comparing two ASTs: every node's source ranges follow it as byte
/// offsets (`@start:end`), each call argument's own range on an `Arg`
/// line, and floats in hexadecimal.
void dump(const Module &module, llvm::raw_ostream &os,
          const char *rangeBase = nullptr);

} // namespace netc::ast
