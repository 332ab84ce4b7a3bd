" Vim syntax file for netc's .net network descriptions (docs/language.md,
" grammar/Netc.g4): comments, strings, numbers, booleans, keywords, element
" types, the ops of the op catalogue (when called or after |>), builtins,
" keyword arguments and block and network names. The same categories as the
" TextMate grammar, editors/vscode/syntaxes/netc.tmLanguage.json;
" tests/textmate/tokenize_examples.mjs checks that s:ops below is the op
" catalogue of docs/language.md.
"
" Install: add editors/vim to 'runtimepath', in your vimrc (or Neovim's
" init.vim):
"   set runtimepath+=/path/to/netc/editors/vim
" or copy syntax/netc.vim and ftdetect/netc.vim into the same folders of
" ~/.vim (~/.config/nvim).

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match

" The op catalogue of docs/language.md ('## The op catalogue'), one name per
" op; keep it sorted.
let s:ops = [
      \ 'adaptive_avgpool2d', 'adaptive_maxpool2d', 'add', 'attention',
      \ 'avgpool1d', 'avgpool2d', 'avgpool3d', 'batchnorm', 'causal_mask',
      \ 'center_crop', 'chunk', 'concat', 'conv1d', 'conv2d', 'conv3d',
      \ 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'dense',
      \ 'dropout', 'elu', 'embedding', 'flatten', 'gelu', 'global_avgpool',
      \ 'global_maxpool', 'groupnorm', 'hardsigmoid', 'hardswish',
      \ 'layernorm', 'leaky_relu', 'log_softmax', 'matmul', 'maxpool1d',
      \ 'maxpool2d', 'maxpool3d', 'mean', 'moe', 'mul', 'mul_scalar',
      \ 'multihead_attention', 'permute', 'relu', 'relu6', 'reshape',
      \ 'rmsnorm', 'rope', 'select', 'sigmoid', 'silu', 'slice', 'softmax',
      \ 'split', 'tanh', 'transpose', 'upsample', 'where', 'zero_pad2d'
      \ ]
let s:op_names = '\<\%(' . join(s:ops, '\|') . '\)\>'

" Keywords (they cannot be used as names).
syn keyword netcStructure network block
syn keyword netcStorageClass const input output param buffer
syn keyword netcInclude import
syn keyword netcAs as
syn keyword netcConditional if else
syn keyword netcRepeat for in
syn keyword netcStatement return
syn keyword netcLogical and or not
syn keyword netcBoolean true false

" Operators; `x |> relu` is `relu(x)`.
syn match netcOperator '|>\|\.\.\|==\|!=\|<=\|>=\|//\|[<>=+*/%-]'

" Calls: the builtins, then the ops, called or after |> (an op name that is
" not called is an ordinary name: a value may be called relu).
syn match netcBuiltin '\<\%(min\|max\|channels\|rank\|fail\|lora\)\>\ze\s*('
execute 'syn match netcOp ''' . s:op_names . '\ze\s*('''
execute 'syn match netcOp ''\%(|>\s*\)\@<=' . s:op_names . ''''

" The name after `block` and after `network`.
syn match netcBlockName '\%(\<block\s\+\)\@<=\h\w*'
syn match netcNetworkName '\%(\<network\s\+\)\@<=\h\w*'

" The element type of `input x: f16[...]`, `param` and `buffer`.
syn match netcDtype '\%(:\s*\)\@<=\<\%(f16\|bf16\|f32\|f64\|i8\|i32\|i64\|bool\)\>\ze\s*\['

" Numbers: digits with single `_` between them; a float has digits on both
" sides of the point and/or an exponent (`0.5`, `1e-5`, `1.5E+2`); `0..3`
" is a range.
syn match netcInteger '\<\d\%(_\=\d\)*'
syn match netcFloat '\<\d\%(_\=\d\)*\%(\.\d\%(_\=\d\)*\%([eE][+-]\=\d\+\)\=\|[eE][+-]\=\d\+\)'

" Strings: one line; a backslash escapes the next character.
syn match netcEscape '\\.' contained
syn region netcString start='"' skip='\\.' end='"' end='$' oneline contains=netcEscape

" Comments: '#' to the end of the line.
syn match netcComment '#.*$' contains=@Spell

" Inside (...), `NAME=` is a keyword argument (or a parameter's default).
syn match netcKeywordArg '\<\h\w*\ze\s*=\%(=\)\@!' contained
syn cluster netcCode contains=netcStructure,netcStorageClass,netcInclude,netcAs,
      \netcConditional,netcRepeat,netcStatement,netcLogical,netcBoolean,
      \netcOperator,netcBuiltin,netcOp,netcBlockName,netcNetworkName,netcDtype,
      \netcInteger,netcFloat,netcString,netcComment,netcParens
syn region netcParens matchgroup=netcParen start='(' end=')' transparent
      \ contains=@netcCode,netcKeywordArg

hi def link netcComment      Comment
hi def link netcString       String
hi def link netcEscape       SpecialChar
hi def link netcInteger      Number
hi def link netcFloat        Float
hi def link netcBoolean      Boolean
hi def link netcStructure    Structure
hi def link netcStorageClass StorageClass
hi def link netcInclude      Include
hi def link netcAs           Keyword
hi def link netcConditional  Conditional
hi def link netcRepeat       Repeat
hi def link netcStatement    Statement
hi def link netcLogical      Operator
hi def link netcOperator     Operator
hi def link netcDtype        Type
hi def link netcOp           Function
hi def link netcBuiltin      Special
hi def link netcBlockName    Function
hi def link netcNetworkName  Function
hi def link netcKeywordArg   Identifier

let b:current_syntax = 'netc'

let &cpo = s:cpo_save
unlet s:cpo_save s:ops s:op_names
