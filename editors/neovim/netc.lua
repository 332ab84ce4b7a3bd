-- netc for Neovim (0.7 and newer): the language server `netc lsp` for .net
-- files (docs/editors.md).
--
-- Install: copy this file to ~/.config/nvim/lua/netc.lua and add to init.lua
--
--   require('netc').setup({
--     cmd = { '/path/to/netc/build/bin/netc', 'lsp' },  -- default: netc on PATH
--     settings = { defines = { 'size=320' }, batch = 32 }, -- netc's options
--   })
--
-- or, without copying: dofile('/path/to/netc/editors/neovim/netc.lua').setup({...})
--
-- It gives: filetype `netc` for *.net; `netc lsp` started for netc buffers
-- (one server per root: the folder of the nearest .git, else the file's
-- folder), with `settings` sent as initializationOptions (keys: defines,
-- batch, dtype, optimizer, precision, memoryModel, recompute, units,
-- maxLayers, maxSteps); the shapes of assignments as inlay hints at the ends
-- of lines (native on Neovim 0.10+, else virtual text); and the command
-- `:NetcMemory [table|markdown]`, the memory report of the network under the
-- cursor in a scratch split; completion with <C-x><C-o> (omnifunc). Syntax
-- highlighting: editors/vim.
--
-- Suggested keymaps (Neovim 0.10+ maps K to hover itself), in opts.on_attach:
--
--   on_attach = function(client, bufnr)
--     local function map(lhs, rhs) vim.keymap.set('n', lhs, rhs, { buffer = bufnr }) end
--     map('K', vim.lsp.buf.hover)
--     map('gd', vim.lsp.buf.definition)
--     map('gr', vim.lsp.buf.references)
--     map('<leader>ca', vim.lsp.buf.code_action)
--     map('<leader>f', vim.lsp.buf.format or vim.lsp.buf.formatting) -- 0.7: formatting
--     map('<leader>m', '<cmd>NetcMemory<cr>')
--   end,
local M = {}

local ns = vim.api.nvim_create_namespace('netc_inlay_hints')
local clients = {} -- root folder -> client id (Neovim 0.7, without vim.lsp.start)

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local at = dir
  while true do
    if (vim.uv or vim.loop).fs_stat(at .. '/.git') then
      return at
    end
    local parent = vim.fn.fnamemodify(at, ':h')
    if parent == at then
      return dir
    end
    at = parent
  end
end

-- The netc client attached to buffer `bufnr`.
local function get_client(bufnr)
  for _, client in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    if client.name == 'netc' and vim.lsp.buf_is_attached(bufnr, client.id) then
      return client
    end
  end
end

-- Inlay hints before Neovim 0.10: the labels as virtual text at line ends.
function M.refresh_hints(bufnr)
  local client = get_client(bufnr)
  if not client then
    return
  end
  vim.cmd('highlight default link LspInlayHint Comment') -- 0.10's group
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 },
              ['end'] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 } },
  }
  client.request('textDocument/inlayHint', params, function(err, hints)
    if err or not vim.api.nvim_buf_is_loaded(bufnr) then
      return
    end
    vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
    local labels = {} -- line -> labels
    for _, hint in ipairs(hints or {}) do
      local line = hint.position.line
      local label = type(hint.label) == 'string' and hint.label or hint.label[1].value
      labels[line] = labels[line] and (labels[line] .. ' ' .. label) or label
    end
    for line, text in pairs(labels) do
      pcall(vim.api.nvim_buf_set_extmark, bufnr, ns, line, 0,
            { virt_text = { { text, 'LspInlayHint' } }, virt_text_pos = 'eol' })
    end
  end, bufnr)
end

local function native_hints()
  return type(vim.lsp.inlay_hint) == 'table' and vim.lsp.inlay_hint.enable ~= nil
end

-- The memory report of the network under the cursor, in a scratch split.
function M.memory_report(format)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = get_client(bufnr)
  if not client then
    vim.notify('netc: no netc language server for this buffer', vim.log.levels.ERROR)
    return
  end
  local position = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local params = {
    command = 'netc.memoryReport',
    arguments = { { uri = position.textDocument.uri, position = position.position,
                    format = format or 'table' } },
  }
  vim.lsp.buf_request(bufnr, 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('netc: ' .. err.message, vim.log.levels.ERROR)
      return
    end
    local lines = vim.split(result, '\n', { trimempty = true })
    vim.cmd('botright ' .. math.min(#lines, math.floor(vim.o.lines / 2)) .. 'new')
    vim.bo.buftype, vim.bo.bufhidden, vim.bo.swapfile = 'nofile', 'wipe', false
    vim.wo.wrap = false
    vim.api.nvim_buf_set_lines(0, 0, -1, false, lines)
    vim.bo.modifiable = false
    if format == 'markdown' then
      vim.bo.filetype = 'markdown'
    end
  end)
end

function M.setup(opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup('netc', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group, pattern = '*.net', command = 'set filetype=netc',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group, pattern = 'netc',
    callback = function(args)
      local config = {
        name = 'netc',
        cmd = opts.cmd or { 'netc', 'lsp' },
        root_dir = find_root(vim.api.nvim_buf_get_name(args.buf)),
        init_options = opts.settings or {},
        on_attach = function(client, bufnr)
          vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc' -- completion: <C-x><C-o>
          if native_hints() then
            pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
          else
            M.refresh_hints(bufnr)
          end
          if opts.on_attach then
            opts.on_attach(client, bufnr)
          end
        end,
      }
      if not native_hints() then
        -- The hints change when the file is checked again, which is when
        -- the server publishes its diagnostics.
        config.handlers = {
          ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
            vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, cfg)
            local bufnr = result and vim.uri_to_bufnr(result.uri)
            if bufnr and vim.api.nvim_buf_is_loaded(bufnr) then
              M.refresh_hints(bufnr)
            end
          end,
        }
      end
      if vim.lsp.start then -- 0.8+: starts or reuses a client, and attaches
        vim.lsp.start(config)
        return
      end
      local id = clients[config.root_dir]
      if not id or vim.lsp.client_is_stopped(id) then
        id = vim.lsp.start_client(config)
        clients[config.root_dir] = id
      end
      if id then
        vim.lsp.buf_attach_client(args.buf, id)
      end
    end,
  })
  vim.api.nvim_create_user_command('NetcMemory', function(cmd)
    M.memory_report(cmd.args ~= '' and cmd.args or 'table')
  end, { nargs = '?', complete = function() return { 'table', 'markdown' } end,
         desc = 'netc: the memory report of the network under the cursor' })
end

return M
