// Netc.g4 - the grammar of netc's .net network descriptions (ANTLR4).
//
// Statements end at a line end or ';'. Line ends inside (...) and [...],
// and line ends before a line that starts with '|>' or 'else', are dropped
// before parsing by the token filter in src/Parse/TokenFilter.cpp, so the
// grammar sees NEWLINE only where it ends a statement. docs/language.md
// describes the language.
//
// This file is the definition of the language's syntax. For speed, netc
// parses with hand-written code that follows it, and ANTLR's parser,
// generated from it, is the reference and the error reporter:
//   - src/Parse/FastLexer.h: the lexer rules by hand (ASCII text);
//   - src/Parse/DirectParser.h/.cpp: every parser rule by hand, one function
//     per rule, building the AST directly; when it does not accept a file,
//     ANTLR parses it and reports the mistakes;
//   - src/Parse/ASTBuilder.h, BuildTopLevel.cpp, BuildExpressions.cpp: the
//     AST from ANTLR's parse tree (the same AST);
//   - src/Parse/SyntaxErrorReporter.cpp words ANTLR's errors by the rule
//     contexts named here.
// A change to a lexer rule needs the same change in FastLexer; a change to
// a parser rule, the same change in DirectParser and the ASTBuilder (and a
// look at the SyntaxErrorReporter). The unit test ParseStages compares the
// hand lexer and parser with ANTLR's on every example, every test input,
// generated programs (add a new construct to its generator) and generated
// mistakes, and the fuzzer on every input (fuzz/README.md); a new keyword or
// punctuation also needs fuzz/netc.dict regenerated. docs/performance.md
// explains the choice.
grammar Netc;

// ---- Parser rules -----------------------------------------------------------

file
    : sep* (topItem sep*)* EOF
    ;

topItem
    : IMPORT path=STRING                                              # importDecl
    | CONST name=IDENT ASSIGN expr                                    # constDecl
    | BLOCK name=IDENT LPAREN paramList? RPAREN LBRACE body RBRACE    # blockDecl
    | NETWORK name=IDENT (LPAREN paramList? RPAREN)? LBRACE body RBRACE   # networkDecl
    ;

paramList
    : param (COMMA param)* COMMA?
    ;

param
    : name=IDENT (ASSIGN expr)?
    ;

body
    : sep* (statement (sep+ statement)* sep*)?
    ;

sep
    : NEWLINE
    | SEMI
    ;

statement
    : kind=(INPUT | PARAM | BUFFER) name=IDENT COLON dtype=IDENT?
      LBRACK exprList? RBRACK                                       # declStatement
    | OUTPUT name=IDENT (ASSIGN expr)?                              # outputStatement
    | IDENT (COMMA IDENT)* ASSIGN expr                              # assignStatement
    | RETURN expr (COMMA expr)*                                     # returnStatement
    | ifStatement                                                   # ifStmt
    | FOR var=IDENT IN from=expr DOTDOT to=expr LBRACE body RBRACE  # forStatement
    | expr                                                          # exprStatement
    ;

ifStatement
    : IF cond=expr LBRACE thenBody=body RBRACE
      (ELSE (LBRACE elseBody=body RBRACE | elseIf=ifStatement))?
    ;

// Precedence, loosest first: |>, or, and, not, comparison, + -, * / // %,
// unary -, postfix (.name, [index], [start:stop]).
expr
    : orExpr (PIPE pipeStage)*
    ;

pipeStage
    : callee=IDENT (LPAREN argList? RPAREN)? layerName?
    ;

// `conv2d(x, 64) as conv1`: the name of the layer (or of a block call's
// scope) that the call makes: a name, an index, or a name computed at
// compile time from an integer or a string: `as ("encoder_layer_" + i)`.
layerName
    : AS (name=IDENT | index=INT | LPAREN computed=expr RPAREN)
    ;

orExpr
    : andExpr (OR andExpr)*
    ;

andExpr
    : notExpr (AND notExpr)*
    ;

notExpr
    : NOT notExpr
    | comparison
    ;

comparison
    : additive (op=(EQ | NE | LT | LE | GT | GE) additive)?
    ;

additive
    : multiplicative (ops+=(PLUS | MINUS) multiplicative)*
    ;

multiplicative
    : unary (ops+=(STAR | SLASH | DSLASH | PERCENT) unary)*
    ;

unary
    : MINUS unary
    | postfix
    ;

// [index], or a slice [start:stop] with either bound left out; written
// so that after '[' and after the first expression one token decides.
postfix
    : primary (DOT member=IDENT
              | LBRACK (index=expr (COLON stop=expr?)? | COLON stop=expr?) RBRACK)*
    ;

primary
    : INT                                           # integerLiteral
    | FLOAT                                         # floatLiteral
    | (TRUE | FALSE)                                # boolLiteral
    | STRING                                        # stringLiteral
    | callee=IDENT LPAREN argList? RPAREN layerName?   # callExpr
    | IDENT                                         # nameExpr
    | LPAREN (expr (COMMA expr)* trailingComma=COMMA?)? RPAREN   # parenOrTuple
    ;

argList
    : argument (COMMA argument)* COMMA?
    ;

argument
    : (keyword=IDENT ASSIGN)? expr
    ;

exprList
    : expr (COMMA expr)* COMMA?
    ;

// ---- Lexer rules ------------------------------------------------------------

NETWORK : 'network' ;
INPUT   : 'input' ;
PARAM   : 'param' ;
BUFFER  : 'buffer' ;
OUTPUT  : 'output' ;
IMPORT  : 'import' ;
CONST   : 'const' ;
BLOCK   : 'block' ;
RETURN  : 'return' ;
IF      : 'if' ;
ELSE    : 'else' ;
FOR     : 'for' ;
IN      : 'in' ;
AND     : 'and' ;
OR      : 'or' ;
NOT     : 'not' ;
TRUE    : 'true' ;
FALSE   : 'false' ;
AS      : 'as' ;

PIPE    : '|>' ;
DOTDOT  : '..' ;
DOT     : '.' ;
EQ      : '==' ;
NE      : '!=' ;
LE      : '<=' ;
GE      : '>=' ;
LT      : '<' ;
GT      : '>' ;
ASSIGN  : '=' ;
COLON   : ':' ;
SEMI    : ';' ;
COMMA   : ',' ;
PLUS    : '+' ;
MINUS   : '-' ;
STAR    : '*' ;
DSLASH  : '//' ;
SLASH   : '/' ;
PERCENT : '%' ;
LPAREN  : '(' ;
RPAREN  : ')' ;
LBRACK  : '[' ;
RBRACK  : ']' ;
LBRACE  : '{' ;
RBRACE  : '}' ;

IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* ;
// A name with non-ASCII letters (größe): one token, reported once by the
// token filter, which then passes it on as an IDENT so nothing cascades.
NON_ASCII_NAME : [a-zA-Z_\p{L}] [a-zA-Z_0-9\p{L}\p{N}]* ;
// `0..3` is a range, not the float `0.` followed by `.3`: a float needs a
// digit after its point.
FLOAT   : DIGITS '.' DIGITS EXPONENT?
        | DIGITS EXPONENT
        ;
INT     : DIGITS ;
STRING  : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* ;

NEWLINE : '\r'? '\n' | '\r' ;
COMMENT : '#' ~[\r\n]* -> skip ;
WS      : [ \t\f]+ -> skip ;

// Anything else is one bad character; the parser reports it in plain words.
INVALID : . ;

fragment DIGITS   : [0-9] ('_'? [0-9])* ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;
