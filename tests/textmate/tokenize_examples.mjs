// Tests the TextMate grammar of the editor support
// (editors/vscode/syntaxes/netc.tmLanguage.json) with the tokenizer VS Code
// itself uses (vscode-textmate and vscode-oniguruma, installed by `npm ci` in
// editors/vscode; tools/setup.sh runs it):
//
//   - every examples/*.net, examples/blocks/*.net and tests/verify/*.net is
//     tokenized line by line (the rule stack carried from line to line) and
//     compared with an independent lexer written from the lexical rules of
//     docs/language.md ("Grammar", "Values and literals") and
//     grammar/Netc.g4: comments, strings, numbers, keywords, operators, ops
//     and other calls, keyword arguments, block and network names, element
//     types, members;
//   - the grammar's op names, and those of editors/vim/syntax/netc.vim, are
//     exactly the op catalogue of docs/language.md (the first-column names
//     of the tables of "## The op catalogue");
//   - a few focused lines have their exact scopes written out below.
//
// Usage: node tests/textmate/tokenize_examples.mjs [REPOSITORY_ROOT]
// Prints one summary line; exits 1 listing the first failures
// (file:line:col, token, expected vs got scopes).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const started = process.hrtime.bigint();
const root = path.resolve(process.argv[2] ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
const extensionDir = path.join(root, 'editors', 'vscode');
const grammarPath = path.join(extensionDir, 'syntaxes', 'netc.tmLanguage.json');
const vimSyntaxPath = path.join(root, 'editors', 'vim', 'syntax', 'netc.vim');

function fatal(message) {
  console.error(`tests/textmate: ${message}`);
  process.exit(1);
}

// ---- The tokenizer ----------------------------------------------------------

for (const pkg of ['vscode-textmate', 'vscode-oniguruma']) {
  if (!fs.existsSync(path.join(extensionDir, 'node_modules', pkg, 'package.json')))
    fatal(`${path.join(extensionDir, 'node_modules', pkg)} is missing: ` +
          'run tools/setup.sh (npm ci in editors/vscode)');
}
const require = createRequire(path.join(extensionDir, 'package.json'));
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const grammarText = fs.readFileSync(grammarPath, 'utf8');
let grammarJson;
try {
  grammarJson = JSON.parse(grammarText);
} catch (error) {
  fatal(`${grammarPath} is not valid JSON: ${error.message}`);
}
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
    createOnigString: (text) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === 'source.netc' ? vsctm.parseRawGrammar(grammarText, grammarPath) : null,
});
const grammar = await registry.loadGrammar('source.netc');
if (!grammar)
  fatal(`${grammarPath} does not define the scope source.netc`);

/// The scopes of every UTF-16 unit of each line (without source.netc).
function tokenizeLines(lines) {
  let stack = vsctm.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    const scopes = new Array(line.length).fill(null);
    for (const token of result.tokens) {
      const names = token.scopes.filter((s) => s !== 'source.netc');
      for (let i = token.startIndex; i < Math.min(token.endIndex, line.length); ++i)
        scopes[i] = names;
    }
    return scopes;
  });
}

// ---- The lexical rules of the language (docs/language.md, grammar/Netc.g4) --

const KEYWORD_SCOPES = {
  network: 'storage.type.netc', block: 'storage.type.netc',
  const: 'storage.type.netc', input: 'storage.type.netc',
  output: 'storage.type.netc', param: 'storage.type.netc',
  buffer: 'storage.type.netc',
  import: 'keyword.other.netc', as: 'keyword.other.netc',
  if: 'keyword.control.netc', else: 'keyword.control.netc',
  for: 'keyword.control.netc', in: 'keyword.control.netc',
  return: 'keyword.control.netc',
  and: 'keyword.operator.logical.netc', or: 'keyword.operator.logical.netc',
  not: 'keyword.operator.logical.netc',
  true: 'constant.language.boolean.netc', false: 'constant.language.boolean.netc',
};
const DTYPES = new Set(['f16', 'bf16', 'f32', 'f64', 'i8', 'i32', 'i64', 'bool']);
const BUILTINS = new Set(['min', 'max', 'channels', 'rank', 'fail', 'lora']);
const ATTRIBUTES = new Set(['shape', 'weight']);
const OPERATORS = new Set(['|>', '..', '==', '!=', '<=', '>=', '<', '>', '=',
                           '+', '-', '*', '//', '/', '%']);
const SCOPE = {
  comment: 'comment.line.number-sign.netc',
  string: 'string.quoted.double.netc',
  escape: 'constant.character.escape.netc',
  int: 'constant.numeric.integer.netc',
  float: 'constant.numeric.float.netc',
  op: 'support.function.op.netc',
  builtin: 'support.function.builtin.netc',
  call: 'entity.name.function.call.netc',
  block: 'entity.name.function.block.netc',
  network: 'entity.name.type.network.netc',
  parameter: 'variable.parameter.netc',
  dtype: 'storage.type.dtype.netc',
  operator: 'keyword.operator.netc',
  member: 'variable.other.member.netc',
  attribute: 'support.variable.property.netc',
  invalid: 'invalid.illegal.character.netc',
};

const DIGITS = /[0-9](?:_?[0-9])*/y;
const EXPONENT = /[eE][+-]?[0-9]+/y;
const IDENT = /[a-zA-Z_][a-zA-Z_0-9]*/y;
const NON_ASCII_NAME = /[a-zA-Z_\p{L}][a-zA-Z_0-9\p{L}\p{N}]*/uy;

function matchAt(re, text, i) {
  re.lastIndex = i;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

/// The tokens of one line (no line ends in it) by Netc.g4's lexer rules:
/// {kind, text, start, end}, kind one of comment, string, unterminated,
/// int, float, keyword, name, punct, invalid. Blanks are skipped.
function lexLine(line) {
  const tokens = [];
  let i = 0;
  const push = (kind, end) => {
    tokens.push({ kind, text: line.slice(i, end), start: i, end });
    i = end;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\f') { ++i; continue; }
    if (c === '#') { push('comment', line.length); continue; }
    if (c === '"') {
      // STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ; else UNTERMINATED_STRING
      let j = i + 1;
      let closed = false;
      while (j < line.length) {
        if (line[j] === '"') { closed = true; ++j; break; }
        if (line[j] === '\\') {
          if (j + 1 < line.length) { j += 2; continue; }
          break;
        }
        ++j;
      }
      push(closed ? 'string' : 'unterminated', j);
      continue;
    }
    const two = line.slice(i, i + 2);
    if (['|>', '..', '==', '!=', '<=', '>=', '//'].includes(two)) { push('punct', i + 2); continue; }
    if ('.=<>/:;,+-*%()[]{}'.includes(c)) { push('punct', i + 1); continue; }
    if (/[0-9]/.test(c)) {
      // FLOAT : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ; INT : DIGITS ;
      let end = i + matchAt(DIGITS, line, i);
      let kind = 'int';
      if (line[end] === '.' && /[0-9]/.test(line[end + 1] ?? '')) {
        end += 1 + matchAt(DIGITS, line, end + 1);
        end += matchAt(EXPONENT, line, end);
        kind = 'float';
      } else if (matchAt(EXPONENT, line, end)) {
        end += matchAt(EXPONENT, line, end);
        kind = 'float';
      }
      push(kind, end);
      continue;
    }
    const ident = matchAt(IDENT, line, i);
    const name = matchAt(NON_ASCII_NAME, line, i);
    if (name > ident) { push('name', i + name); continue; } // NON_ASCII_NAME
    if (ident) {
      push(line.slice(i, i + ident) in KEYWORD_SCOPES ? 'keyword' : 'name', i + ident);
      continue;
    }
    push('invalid', i + (line.codePointAt(i) > 0xffff ? 2 : 1)); // INVALID : . ;
  }
  return tokens;
}

// ---- The op catalogue and the editors' op lists -----------------------------

function catalogueOps() {
  const doc = fs.readFileSync(path.join(root, 'docs', 'language.md'), 'utf8');
  const start = doc.search(/^## The op catalogue\s*$/m);
  if (start < 0)
    fatal('docs/language.md has no "## The op catalogue" section');
  const rest = doc.slice(start + 1);
  const next = rest.search(/^## /m);
  const section = next < 0 ? rest : rest.slice(0, next);
  const ops = new Set();
  for (const m of section.matchAll(/^\|\s*`([A-Za-z_][A-Za-z0-9_]*)`\s*\|/gm))
    ops.add(m[1]);
  if (ops.size < 10)
    fatal(`found only ${ops.size} ops in the op catalogue of docs/language.md`);
  return ops;
}

/// The op names of the grammar: the alternatives of every rule scoped
/// support.function.op.netc.
function grammarOps() {
  const ops = new Set();
  let rules = 0;
  const walk = (node) => {
    if (Array.isArray(node)) { node.forEach(walk); return; }
    if (!node || typeof node !== 'object') return;
    if (node.name === SCOPE.op && typeof node.match === 'string') {
      const m = /^\(\?:([A-Za-z0-9_|]+)\)/.exec(node.match);
      if (!m)
        fatal(`the rule of ${SCOPE.op} does not start with (?:op|op|...): ${node.match}`);
      m[1].split('|').forEach((op) => ops.add(op));
      ++rules;
    }
    Object.values(node).forEach(walk);
  };
  walk(grammarJson);
  if (!rules)
    fatal(`no rule of ${grammarPath} has the scope ${SCOPE.op}`);
  return ops;
}

/// The op names of the Vim syntax file: its `let s:ops = [...]` list.
function vimOps() {
  const text = fs.readFileSync(vimSyntaxPath, 'utf8');
  const m = /^let s:ops = \[([^\]]*)\]/m.exec(text);
  if (!m)
    fatal(`${vimSyntaxPath} has no "let s:ops = [...]" list`);
  return new Set([...m[1].matchAll(/'([A-Za-z0-9_]+)'/g)].map((x) => x[1]));
}

const failures = [];
let tokensChecked = 0;
let linesChecked = 0;

function compareSets(what, got, expected) {
  const missing = [...expected].filter((x) => !got.has(x)).sort();
  const extra = [...got].filter((x) => !expected.has(x)).sort();
  if (missing.length)
    failures.push(`${what} lacks ops of the catalogue in docs/language.md: ${missing.join(', ')}`);
  if (extra.length)
    failures.push(`${what} has ops that are not in the catalogue of docs/language.md: ${extra.join(', ')}`);
}

const OPS = catalogueOps();
compareSets(path.relative(root, grammarPath), grammarOps(), OPS);
compareSets(path.relative(root, vimSyntaxPath), vimOps(), OPS);

// ---- The checks on the files ------------------------------------------------

const show = (scopes) => (scopes && scopes.length ? scopes.join(' ') : '(none)');

/// Checks one file's text; `where` names it in failures.
function checkText(where, text) {
  if (text.charCodeAt(0) === 0xfeff)
    text = text.slice(1); // a leading byte-order mark is skipped
  const lines = text.split(/\r\n|\r|\n/);
  const scopesOf = tokenizeLines(lines);
  const brackets = []; // the open brackets: {char, header}
  lines.forEach((line, lineIndex) => {
    ++linesChecked;
    const scopes = scopesOf[lineIndex];
    const tokens = lexLine(line);
    const fail = (token, expected, got, col = token.start) => failures.push(
        `${where}:${lineIndex + 1}:${col + 1}: ${JSON.stringify(token.text)}: expected ${expected}, got ${show(got)}`);
    const has = (i, scope) => (scopes[i] ?? []).includes(scope);
    /// Every unit of the token has \p scope.
    const covers = (token, scope) => {
      for (let i = token.start; i < token.end; ++i) {
        if (!has(i, scope)) { fail(token, scope, scopes[i], i); return; }
      }
    };
    tokens.forEach((token, k) => {
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      const inner = brackets[brackets.length - 1];
      ++tokensChecked;
      switch (token.kind) {
      case 'comment':
        covers(token, SCOPE.comment);
        for (let i = token.start; i < token.end; ++i) {
          const foreign = (scopes[i] ?? []).filter((s) =>
              !s.startsWith('comment.') && !s.startsWith('punctuation.definition.comment.'));
          if (foreign.length) {
            fail(token, 'only comment scopes inside a comment', scopes[i], i);
            break;
          }
        }
        return;
      case 'string':
      case 'unterminated':
        covers(token, SCOPE.string);
        for (let i = token.start; i < token.end; ++i) {
          if ((scopes[i] ?? []).some((s) => s.startsWith('comment.'))) {
            fail(token, 'no comment scope inside a string', scopes[i], i);
            break;
          }
          if (line[i] === '\\' && i + 1 < token.end) {
            if (!has(i, SCOPE.escape) || !has(i + 1, SCOPE.escape))
              fail(token, SCOPE.escape, scopes[i], i);
            ++i;
          }
        }
        return;
      case 'int':
        covers(token, SCOPE.int);
        return;
      case 'float':
        covers(token, SCOPE.float);
        return;
      case 'keyword':
        covers(token, KEYWORD_SCOPES[token.text]);
        return;
      case 'invalid':
        covers(token, SCOPE.invalid);
        return;
      case 'punct':
        if (OPERATORS.has(token.text))
          covers(token, SCOPE.operator);
        if ('([{'.includes(token.text)) {
          // `block NAME(` and `network NAME(` open a parameter list.
          const header = token.text === '(' && prev?.kind === 'name' &&
              ['block', 'network'].includes(tokens[k - 2]?.text);
          brackets.push({ char: token.text, header });
        } else if (')]}'.includes(token.text)) {
          const open = { ')': '(', ']': '[', '}': '{' }[token.text];
          if (inner && inner.char === open) brackets.pop();
        }
        return;
      }
      // A name: what it is follows from the tokens around it.
      let expected = null;
      const called = prev?.text === '|>' || next?.text === '(';
      if (prev?.text === 'block') {
        expected = SCOPE.block;
      } else if (prev?.text === 'network') {
        expected = SCOPE.network;
      } else if (prev?.text === '.') {
        expected = ATTRIBUTES.has(token.text) ? SCOPE.attribute : SCOPE.member;
      } else if (inner?.char === '(' && next?.text === '=') {
        expected = SCOPE.parameter; // a keyword argument, or a default
      } else if (inner?.header && (prev?.text === '(' || prev?.text === ',')) {
        expected = SCOPE.parameter; // a parameter of a block or a network
      } else if (called) {
        expected = OPS.has(token.text) ? SCOPE.op
            : BUILTINS.has(token.text) ? SCOPE.builtin : SCOPE.call;
      } else if (prev?.text === ':' && next?.text === '[' && DTYPES.has(token.text)) {
        expected = SCOPE.dtype;
      }
      if (expected) {
        covers(token, expected);
      } else {
        // Any other name (a value, a layer name after `as`) is not an op, a
        // call, a number or a keyword: it gets no scope but variable.*.
        for (let i = token.start; i < token.end; ++i) {
          if ((scopes[i] ?? []).some((s) => !s.startsWith('variable.') || s === SCOPE.parameter)) {
            fail(token, 'no scope but variable.* (a name that is not called nor an argument)', scopes[i], i);
            break;
          }
        }
      }
    });
    // A comment, string or number scope covers its tokens and nothing else
    // (not the rest of the line after a string, not a digit inside a name).
    const kindScope = { comment: SCOPE.comment, string: SCOPE.string,
                        unterminated: SCOPE.string, int: SCOPE.int, float: SCOPE.float };
    const tokenAt = new Array(line.length).fill(null);
    for (const token of tokens)
      for (let i = token.start; i < token.end; ++i) tokenAt[i] = token;
    for (let i = 0; i < line.length; ++i) {
      const own = kindScope[tokenAt[i]?.kind];
      const stray = [SCOPE.comment, SCOPE.string, SCOPE.int, SCOPE.float]
          .find((scope) => scope !== own && has(i, scope));
      if (stray) {
        fail(tokenAt[i] ?? { text: line[i], start: i }, `no ${stray} here`, scopes[i], i);
        break; // one such failure per line
      }
    }
  });
}

const files = [];
for (const dir of ['examples', 'examples/blocks', 'tests/verify']) {
  for (const name of fs.readdirSync(path.join(root, dir)).sort()) {
    if (name.endsWith('.net'))
      files.push(path.join(dir, name));
  }
}
for (const file of files) {
  // Decoded as an editor would; bytes that are not UTF-8 become U+FFFD.
  const text = new TextDecoder('utf-8').decode(fs.readFileSync(path.join(root, file)));
  checkText(file, text);
}

// ---- Focused cases: every token's exact scopes ------------------------------

// Each case is some lines and, in order, each token's text and its scopes
// (without source.netc); every character that is not blank must be in one.
const P = {
  open: 'punctuation.section.parens.begin.netc',
  close: 'punctuation.section.parens.end.netc',
  comma: 'punctuation.separator.comma.netc',
  colon: 'punctuation.separator.colon.netc',
  semi: 'punctuation.terminator.statement.netc',
  lbrack: 'punctuation.section.brackets.begin.netc',
  rbrack: 'punctuation.section.brackets.end.netc',
  lbrace: 'punctuation.section.braces.begin.netc',
  rbrace: 'punctuation.section.braces.end.netc',
  accessor: 'punctuation.accessor.netc',
  hash: 'punctuation.definition.comment.netc',
  qopen: 'punctuation.definition.string.begin.netc',
  qclose: 'punctuation.definition.string.end.netc',
};
const op = [SCOPE.operator];
const comment = [SCOPE.comment];
const hash = [SCOPE.comment, P.hash];
const str = [SCOPE.string];
const int = [SCOPE.int];
const float = [SCOPE.float];
const none = [];
const FOCUSED = [
  ['x = conv2d(x, 64, kernel=3, stride=2)  # stem', [
    ['x', none], ['=', op], ['conv2d', [SCOPE.op]], ['(', [P.open]], ['x', none],
    [',', [P.comma]], ['64', int], [',', [P.comma]], ['kernel', [SCOPE.parameter]],
    ['=', op], ['3', int], [',', [P.comma]], ['stride', [SCOPE.parameter]], ['=', op],
    ['2', int], [')', [P.close]], ['#', hash], ['stem', comment]]],
  ['pad = "same \\" # not a comment" # a "comment"', [
    ['pad', none], ['=', op], ['"', [SCOPE.string, P.qopen]], ['same', str],
    ['\\"', [SCOPE.string, SCOPE.escape]], ['#', str], ['not', str], ['a', str],
    ['comment', str], ['"', [SCOPE.string, P.qclose]], ['#', hash], ['a', comment],
    ['"comment"', comment]]],
  ['y = layernorm(x, eps=1e-5) * 0.5 + 1_000 // 2E3; r = 0..3; s = x[1:-1]', [
    ['y', none], ['=', op], ['layernorm', [SCOPE.op]], ['(', [P.open]], ['x', none],
    [',', [P.comma]], ['eps', [SCOPE.parameter]], ['=', op], ['1e-5', float],
    [')', [P.close]], ['*', op], ['0.5', float], ['+', op], ['1_000', int], ['//', op],
    ['2E3', float], [';', [P.semi]], ['r', none], ['=', op], ['0', int], ['..', op],
    ['3', int], [';', [P.semi]], ['s', none], ['=', op], ['x', none], ['[', [P.lbrack]],
    ['1', int], [':', [P.colon]], ['-', op], ['1', int], [']', [P.rbrack]]]],
  // `1e` is the integer 1 and the name e; `2_` is 2 and the name _; `3.` is 3 and '.'.
  ['k = 1e + 2_ + 3.shape', [
    ['k', none], ['=', op], ['1', int], ['e', none], ['+', op], ['2', int], ['_', none],
    ['+', op], ['3', int], ['.', [P.accessor]], ['shape', [SCOPE.attribute]]]],
  ['block foo(x, c=3) {', [
    ['block', ['storage.type.netc']], ['foo', [SCOPE.block]], ['(', [P.open]],
    ['x', [SCOPE.parameter]], [',', [P.comma]], ['c', [SCOPE.parameter]], ['=', op],
    ['3', int], [')', [P.close]], ['{', [P.lbrace]]]],
  ['network Net(size=224, k=(3, 3), half=size // 2) {', [
    ['network', ['storage.type.netc']], ['Net', [SCOPE.network]], ['(', [P.open]],
    ['size', [SCOPE.parameter]], ['=', op], ['224', int], [',', [P.comma]],
    ['k', [SCOPE.parameter]], ['=', op], ['(', [P.open]], ['3', int], [',', [P.comma]],
    ['3', int], [')', [P.close]], [',', [P.comma]], ['half', [SCOPE.parameter]], ['=', op],
    ['size', none], ['//', op], ['2', int], [')', [P.close]], ['{', [P.lbrace]]]],
  ['  x = x |> relu |> dense(10) as fc |> my_block(2)', [
    ['x', none], ['=', op], ['x', none], ['|>', op], ['relu', [SCOPE.op]], ['|>', op],
    ['dense', [SCOPE.op]], ['(', [P.open]], ['10', int], [')', [P.close]],
    ['as', ['keyword.other.netc']], ['fc', none], ['|>', op], ['my_block', [SCOPE.call]],
    ['(', [P.open]], ['2', int], [')', [P.close]]]],
  // A pipe continued on the next line, and a call's arguments over two lines.
  ['x = conv2d(image, 16,\n           kernel=3, padding="same")\n    |> relu  # in place', [
    ['x', none], ['=', op], ['conv2d', [SCOPE.op]], ['(', [P.open]], ['image', none],
    [',', [P.comma]], ['16', int], [',', [P.comma]], ['kernel', [SCOPE.parameter]], ['=', op],
    ['3', int], [',', [P.comma]], ['padding', [SCOPE.parameter]], ['=', op],
    ['"', [SCOPE.string, P.qopen]], ['same', str], ['"', [SCOPE.string, P.qclose]],
    [')', [P.close]], ['|>', op], ['relu', [SCOPE.op]], ['#', hash], ['in', comment],
    ['place', comment]]],
  ['  input ids: i64[n]; param cls: [1, 768]', [
    ['input', ['storage.type.netc']], ['ids', none], [':', [P.colon]],
    ['i64', [SCOPE.dtype]], ['[', [P.lbrack]], ['n', none], [']', [P.rbrack]],
    [';', [P.semi]], ['param', ['storage.type.netc']], ['cls', none], [':', [P.colon]],
    ['[', [P.lbrack]], ['1', int], [',', [P.comma]], ['768', int], [']', [P.rbrack]]]],
  ['if n > 5 and not (n == 7) { u = max(n // 3, 2) } else { relu = rank(x) }', [
    ['if', ['keyword.control.netc']], ['n', none], ['>', op], ['5', int],
    ['and', ['keyword.operator.logical.netc']], ['not', ['keyword.operator.logical.netc']],
    ['(', [P.open]], ['n', none], ['==', op], ['7', int], [')', [P.close]], ['{', [P.lbrace]],
    ['u', none], ['=', op], ['max', [SCOPE.builtin]], ['(', [P.open]], ['n', none],
    ['//', op], ['3', int], [',', [P.comma]], ['2', int], [')', [P.close]],
    ['}', [P.rbrace]], ['else', ['keyword.control.netc']], ['{', [P.lbrace]],
    ['relu', none], ['=', op], ['rank', [SCOPE.builtin]], ['(', [P.open]], ['x', none],
    [')', [P.close]], ['}', [P.rbrace]]]],
  ['out = dense(x, vocab, bias=false, weight=tok.weight) # tied', [
    ['out', none], ['=', op], ['dense', [SCOPE.op]], ['(', [P.open]], ['x', none],
    [',', [P.comma]], ['vocab', none], [',', [P.comma]], ['bias', [SCOPE.parameter]],
    ['=', op], ['false', ['constant.language.boolean.netc']], [',', [P.comma]],
    ['weight', [SCOPE.parameter]], ['=', op], ['tok', none], ['.', [P.accessor]],
    ['weight', [SCOPE.attribute]], [')', [P.close]], ['#', hash], ['tied', comment]]],
  ['import "blocks/resnet.net"; for i in 0..n { output z = relu(x) $ }', [
    ['import', ['keyword.other.netc']], ['"', [SCOPE.string, P.qopen]],
    ['blocks/resnet.net', str], ['"', [SCOPE.string, P.qclose]], [';', [P.semi]],
    ['for', ['keyword.control.netc']], ['i', none], ['in', ['keyword.control.netc']],
    ['0', int], ['..', op], ['n', none], ['{', [P.lbrace]],
    ['output', ['storage.type.netc']], ['z', none], ['=', op], ['relu', [SCOPE.op]],
    ['(', [P.open]], ['x', none], [')', [P.close]], ['$', [SCOPE.invalid]],
    ['}', [P.rbrace]]]],
  // A string without its closing quote ends at the line end; a keyword
  // called like an op is still the keyword.
  ['pad = "same) # no comment\ny = input(x)', [
    ['pad', none], ['=', op], ['"', [SCOPE.string, P.qopen]], ['same)', str], ['#', str],
    ['no', str], ['comment', str], ['y', none], ['=', op],
    ['input', ['storage.type.netc']], ['(', [P.open]], ['x', none], [')', [P.close]]]],
];

FOCUSED.forEach(([source, expected], caseIndex) => {
  const where = `focused case ${caseIndex + 1}`;
  const lines = source.split('\n');
  const scopesOf = tokenizeLines(lines);
  let lineIndex = 0;
  let col = 0;
  const covered = lines.map((line) => new Array(line.length).fill(false));
  for (const [text, scopes] of expected) {
    ++tokensChecked;
    // The next occurrence of the text, on this line or a later one.
    let at;
    while ((at = lines[lineIndex].indexOf(text, col)) < 0 && lineIndex + 1 < lines.length) {
      ++lineIndex;
      col = 0;
    }
    if (at < 0) {
      failures.push(`${where}: ${JSON.stringify(text)} not found after line ${lineIndex + 1} col ${col + 1}`);
      return;
    }
    for (let i = at; i < at + text.length; ++i) {
      covered[lineIndex][i] = true;
      const got = scopesOf[lineIndex][i] ?? [];
      if (got.join(' ') !== scopes.join(' ')) {
        failures.push(`${where}:${lineIndex + 1}:${i + 1}: ${JSON.stringify(text)}: expected ` +
                      `${show(scopes)}, got ${show(got)}  [${lines[lineIndex]}]`);
        break;
      }
    }
    col = at + text.length;
  }
  lines.forEach((line, l) => {
    ++linesChecked;
    for (let i = 0; i < line.length; ++i) {
      if (!covered[l][i] && !/\s/.test(line[i])) {
        failures.push(`${where}:${l + 1}:${i + 1}: ${JSON.stringify(line[i])} has no expected scopes in the case`);
        break;
      }
    }
  });
});

// ---- The result -------------------------------------------------------------

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const summary = `textmate grammar: ${files.length} files, ${linesChecked} lines, ` +
    `${tokensChecked} tokens checked, ${FOCUSED.length} focused cases, ` +
    `${OPS.size} ops in the catalogue (${seconds.toFixed(2)} s)`;
if (failures.length) {
  console.error(`${summary}: ${failures.length} failures; the first ones:`);
  for (const failure of failures.slice(0, 25))
    console.error(`  ${failure}`);
  process.exit(1);
}
console.log(`${summary}: ok`);
