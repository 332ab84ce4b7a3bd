// Netc.g4 - the grammar of netc's .net network descriptions (ANTLR4).
//
// Statements end at a line end or ';'. Line ends inside (...) and [...] and
// line ends before a line that starts with '|>' are dropped before parsing by
// the token filter in src/Parse/TokenFilter.cpp, so the grammar sees NEWLINE
// only where it ends a statement. docs/language.md describes the language.
grammar Netc;

// ---- Parser rules -----------------------------------------------------------

file
    : sep* (network sep*)* EOF
    ;

network
    : NETWORK name=IDENT LBRACE body RBRACE
    ;

body
    : sep* (statement (sep+ statement)* sep*)?
    ;

sep
    : NEWLINE
    | SEMI
    ;

statement
    : INPUT name=IDENT COLON dtype=IDENT? LBRACK exprList? RBRACK    # inputStatement
    | OUTPUT name=IDENT (ASSIGN expr)?                              # outputStatement
    | target=IDENT ASSIGN expr                                      # assignStatement
    | expr                                                          # exprStatement
    ;

expr
    : primary (PIPE pipeStage)*
    ;

pipeStage
    : callee=IDENT (LPAREN argList? RPAREN)?
    ;

primary
    : MINUS? INT                                    # integerLiteral
    | MINUS? FLOAT                                  # floatLiteral
    | (TRUE | FALSE)                                # boolLiteral
    | STRING                                        # stringLiteral
    | callee=IDENT LPAREN argList? RPAREN           # callExpr
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
OUTPUT  : 'output' ;
TRUE    : 'true' ;
FALSE   : 'false' ;

PIPE    : '|>' ;
ASSIGN  : '=' ;
COLON   : ':' ;
SEMI    : ';' ;
COMMA   : ',' ;
MINUS   : '-' ;
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
FLOAT   : DIGITS '.' DIGITS? EXPONENT?
        | '.' DIGITS EXPONENT?
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
