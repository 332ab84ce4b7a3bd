# Makes the generated NetcLexer deserialise its ATN on first use instead of
# at program start. Run by grammar/CMakeLists.txt right after ANTLR:
#
#   cmake -DNETC_GRAMMAR_OUT=<dir> -P LazyLexerInit.cmake
#
# Why: ANTLR 4.7.2 generates a static Initializer object whose constructor
# deserialises the lexer's ATN before main. Building the Unicode classes of
# NON_ASCII_NAME (\p{L} and friends) makes that about half of netc's whole
# run on a typical file (5 ms of ResNet-50's 10; docs/performance.md). Only
# non-ASCII text is lexed by this generated lexer: ASCII text goes through
# FastLexer, which derives from NetcLexer for its token types but overrides
# nextToken and never runs the ATN. So the ATN is now built on the first
# call of anything that reads it: nextToken, getATN, getSerializedATN and
# getTokenNames (a function-local static: thread-safe, once).
#
# Every edit must find its text, or the build stops here: a new ANTLR
# version that generates different code has to be looked at, not patched
# blindly. ParseStages (tests/unit) runs the generated lexer on every
# non-ASCII test input and compares it with FastLexer.

function(netc_replace_once content_var path old new)
  string(FIND "${${content_var}}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "LazyLexerInit.cmake: '${old}' not found in ${path}; "
                        "the generated lexer changed shape")
  endif()
  string(REPLACE "${old}" "${new}" replaced "${${content_var}}")
  set(${content_var} "${replaced}" PARENT_SCOPE)
endfunction()

set(header "${NETC_GRAMMAR_OUT}/NetcLexer.h")
set(source "${NETC_GRAMMAR_OUT}/NetcLexer.cpp")
file(READ "${header}" h)
file(READ "${source}" s)

netc_replace_once(h "${header}"
  "  static Initializer _init;\n};"
  "  static Initializer _init; // not defined (netc): see initialize()

public:
  /// Added by grammar/LazyLexerInit.cmake: deserialises the ATN on the first
  /// call, once, instead of at program start.
  static void initialize();
  std::unique_ptr<antlr4::Token> nextToken() override;
};")

netc_replace_once(s "${source}"
  "NetcLexer::Initializer NetcLexer::_init;"
  "void NetcLexer::initialize() {
  static Initializer init; // LazyLexerInit.cmake
}

std::unique_ptr<Token> NetcLexer::nextToken() {
  initialize();
  return Lexer::nextToken();
}")
foreach(member _tokenNames _serializedATN _atn)
  netc_replace_once(s "${source}"
    "  return ${member};\n"
    "  initialize();\n  return ${member};\n")
endforeach()

file(WRITE "${header}" "${h}")
file(WRITE "${source}" "${s}")
