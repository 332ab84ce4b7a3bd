-- Neovim as the language server's client (CTest neovim/lsp-client): headless
-- Neovim with editors/neovim/netc.lua opens a copy of examples/lenet5.net
-- with a misspelt op and badly laid out lines, and checks the diagnostic,
-- hover, definition, the inlay hints, formatting (against `netc fmt`), the
-- quick fix and the diagnostics going away once it is applied, and
-- :NetcMemory.
--
--   NETC=build/bin/netc NETC_SOURCE_DIR=. nvim --headless --clean -u NONE \
--     -c 'lua dofile("tests/neovim/lsp_client_test.lua")'
--
-- Exits 0 when every check passes, else 1 with a message naming the check.
-- Each wait lasts at most 10 s times NETC_TIMEOUT_SCALE.

local netc = os.getenv('NETC') or 'netc'
local source_dir = os.getenv('NETC_SOURCE_DIR') or '.'
local timeout = 10000 * math.max(tonumber(os.getenv('NETC_TIMEOUT_SCALE') or '') or 1, 1)

local function fail(message)
  error({ netc_test = message })
end

local function check(condition, message, ...)
  if not condition then
    fail(string.format(message, ...))
  end
end

-- Waits until `predicate` holds; fails with `what` after the timeout.
local function wait_for(what, predicate)
  if not vim.wait(timeout, predicate, 20) then
    fail(string.format('timed out after %d ms waiting for %s', timeout, what))
  end
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  return text
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

-- The 0-based line of `buffer` holding `needle`, and its 0-based byte column.
local function find(bufnr, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  fail('the test file has no line with ' .. needle)
end

local function request(bufnr, method, params)
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  check(responses and next(responses), '%s: no response within %d ms', method, timeout)
  local _, response = next(responses)
  check(not response.err, '%s: error %s', method, vim.inspect(response.err))
  return response.result
end

local function run()
  -- The file: lenet5 with `|> tanhh`, `x=avgpool2d( x,2 )`, and a header
  -- whose missing space comes after characters that are 2 and 4 bytes in
  -- UTF-8 and 1 and 2 units in UTF-16 (the formatting edit's columns).
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local path = dir .. '/lenet5.net'
  local text = read_file(source_dir .. '/examples/lenet5.net')
  local changed
  text, changed = text:gsub('x = dense%(x, 84%) |> tanh', 'x = dense(x, 84) |> tanhh')
  check(changed == 1, 'examples/lenet5.net has no line `x = dense(x, 84) |> tanh`')
  text, changed = text:gsub('x = avgpool2d%(x, 2%)', 'x=avgpool2d( x,2 )')
  check(changed == 1, 'examples/lenet5.net has no line `x = avgpool2d(x, 2)`')
  text, changed = text:gsub('network LeNet5 {',
                            'network LeNet5(tag="größe😀",size=3) {')
  check(changed == 1, 'examples/lenet5.net has no line `network LeNet5 {`')
  local f = assert(io.open(path, 'wb'))
  f:write(text)
  f:close()
  local formatted = vim.fn.system({ netc, 'fmt', path })
  check(vim.v.shell_error == 0, '`netc fmt %s` failed: %s', path, formatted)

  local snippet = dofile(source_dir .. '/editors/neovim/netc.lua')
  snippet.setup({ cmd = { netc, 'lsp' } })
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'netc', 'the filetype of %s is %q, not netc', path,
        vim.bo[bufnr].filetype)
  local uri = vim.uri_from_bufnr(bufnr)
  local client
  wait_for('netc lsp to start and attach', function()
    for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
      if c.name == 'netc' and vim.lsp.buf_is_attached(bufnr, c.id)
          and c.initialized ~= false then
        client = c
      end
    end
    return client ~= nil
  end)

  -- The diagnostic, on the misspelt op.
  wait_for('the diagnostics of ' .. path, function()
    return #vim.diagnostic.get(bufnr) > 0
  end)
  local diagnostics = vim.diagnostic.get(bufnr)
  local line, col = find(bufnr, 'tanhh')
  local d = diagnostics[1]
  check(#diagnostics == 1, 'expected 1 diagnostic, got %d: %s', #diagnostics,
        vim.inspect(diagnostics))
  check(d.message == "unknown layer 'tanhh'; did you mean 'tanh'?",
        'diagnostic message: %q', d.message)
  check(d.lnum == line and d.col == col, 'diagnostic at %d:%d, expected %d:%d',
        d.lnum, d.col, line, col)
  check(d.severity == vim.diagnostic.severity.ERROR, 'diagnostic severity %s', d.severity)

  -- Hover on the first conv2d call: its Markdown gives the layer's shape.
  local conv_line, conv_col = find(bufnr, 'conv2d(image')
  local hover = request(bufnr, 'textDocument/hover', {
    textDocument = { uri = uri },
    position = { line = conv_line, character = conv_col + 2 } })
  check(hover and hover.contents and hover.contents.kind == 'markdown',
        'hover: no Markdown: %s', vim.inspect(hover))
  check(hover.contents.value:find('**conv2d**', 1, true) and
        hover.contents.value:find('[6, 28, 28]', 1, true),
        'hover on conv2d does not name the op and the shape [6, 28, 28]: %s',
        hover.contents.value)

  -- Definition of the x that flatten reads: the assignment on the line before.
  local use_line, use_col = find(bufnr, 'flatten(x)')
  local target_line = find(bufnr, 'x = x |> conv2d(16')
  local locations = request(bufnr, 'textDocument/definition', {
    textDocument = { uri = uri },
    position = { line = use_line, character = use_col + 8 } })
  check(locations and #locations == 1, 'definition: %s', vim.inspect(locations))
  local target = locations[1]
  check(target.uri == uri and target.range.start.line == target_line,
        'definition of x on line %d: %s, expected line %d', use_line, vim.inspect(target),
        target_line)

  -- The inlay hint at the end of the conv2d line: virtual text (the
  -- snippet's fallback before Neovim 0.10) or a native hint.
  local function hint_on(line_number)
    if type(vim.lsp.inlay_hint) == 'table' and vim.lsp.inlay_hint.get then
      for _, item in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
        local label = item.inlay_hint.label
        if item.inlay_hint.position.line == line_number then
          return type(label) == 'string' and label or label[1].value
        end
      end
      return nil
    end
    local ns = vim.api.nvim_create_namespace('netc_inlay_hints')
    local marks = vim.api.nvim_buf_get_extmarks(bufnr, ns, { line_number, 0 },
                                                { line_number, -1 }, { details = true })
    for _, mark in ipairs(marks) do
      local chunks = mark[4].virt_text or {}
      return table.concat(vim.tbl_map(function(c) return c[1] end, chunks))
    end
  end
  wait_for('the inlay hint on line ' .. conv_line, function()
    return hint_on(conv_line) ~= nil
  end)
  check(hint_on(conv_line) == '▸ [6, 28, 28]', 'inlay hint on line %d: %q', conv_line,
        hint_on(conv_line))

  -- Formatting: the edits make the buffer what `netc fmt` prints.
  local edits = request(bufnr, 'textDocument/formatting', {
    textDocument = { uri = uri }, options = { tabSize = 2, insertSpaces = true } })
  check(type(edits) == 'table' and #edits > 0, 'formatting: no edits: %s',
        vim.inspect(edits))
  vim.lsp.util.apply_text_edits(edits, bufnr, client.offset_encoding)
  check(buffer_text(bufnr) == formatted,
        'the buffer after formatting is not what netc fmt prints:\n%s\n--- netc fmt:\n%s',
        buffer_text(bufnr), formatted)

  -- The quick fix of the diagnostic, applied (a didChange): the
  -- diagnostics go.
  line, col = find(bufnr, 'tanhh')
  local actions = request(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = line, character = col },
              ['end'] = { line = line, character = col } },
    context = { diagnostics = {} } })
  check(actions and #actions == 1 and actions[1].title == "Change 'tanhh' to 'tanh'" and
        actions[1].edit, 'code actions on tanhh: %s', vim.inspect(actions))
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
  local fixed = vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1]
  check(fixed:find('|> tanh  ', 1, true), 'the quick fix made line %d %q', line, fixed)
  wait_for('the diagnostics to clear once tanhh is tanh', function()
    return #vim.diagnostic.get(bufnr) == 0
  end)

  -- :NetcMemory: the report in a scratch split.
  vim.api.nvim_win_set_cursor(0, { conv_line + 1, 2 })
  vim.cmd('NetcMemory')
  local report
  wait_for(':NetcMemory to open the report', function()
    local b = vim.api.nvim_get_current_buf()
    if b ~= bufnr then
      report = buffer_text(b)
      return true
    end
  end)
  check(report:find('network LeNet5, input image: [1, 32, 32]', 1, true) and
        report:find('parameters: 61,706 trainable', 1, true) and
        report:find('training memory, batch 1', 1, true),
        ':NetcMemory shows no memory report of LeNet5:\n%s', report)
end

local ok, err = xpcall(run, debug.traceback)
for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
  vim.lsp.stop_client(c.id)
end
if ok then
  io.stdout:write('neovim/lsp-client: Neovim ' .. tostring(vim.version().major) .. '.' ..
                  tostring(vim.version().minor) .. ': all checks passed\n')
  vim.cmd('qall!')
else
  local message = type(err) == 'table' and err.netc_test or tostring(err)
  io.stderr:write('neovim/lsp-client: FAILED: ' .. message .. '\n')
  vim.cmd('cquit 1')
end
