" Filetype detection for netc's .net network descriptions (docs/language.md):
" *.net files get the filetype netc, and so syntax/netc.vim.
autocmd BufRead,BufNewFile *.net setfiletype netc
