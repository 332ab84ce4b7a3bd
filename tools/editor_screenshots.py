#!/usr/bin/python3
"""Screenshots of netc's language server in Neovim, for docs/editors.md.

Starts Neovim (`nvim --embed`) with editors/neovim/netc.lua, attaches a UI
of 100 x 30 cells over msgpack-RPC (pynvim), and on a copy of
examples/resnet18.net (and its blocks) shows

  inlay-hints.png  the shapes of the assignments at the ends of lines;
  hover.png        vim.lsp.buf.hover() on the stem's conv2d call;
  diagnostic.png   a mistake typed into the buffer (the input made
                   [size, size]), its diagnostic, and vim.diagnostic.open_float();
  memory-report.png  the mistake undone, :NetcMemory (the end of the
                     report), 120 cells wide;

then draws the screen grid (each cell's text in its highlight's colours,
DejaVu Sans Mono) as PNG files in docs/images/editors/.

    tools/editor_screenshots.py [--netc build/bin/netc] [--out DIR]

Run by hand, not in CI. It needs neovim, python3-pynvim, python3-pil and
fonts-dejavu-core (tools/setup.sh installs them), and Debian's python3
(/usr/bin/python3), where those modules are.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

import pynvim
from PIL import Image, ImageDraw, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONTS = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono%s.ttf"
WIDTH, HEIGHT = 100, 30
REPORT_WIDTH = 120
FONT_SIZE = 16

# The editor's look: a dark theme with the default highlight groups
# softened, so that the pictures read well on a web page.
LOOK = r"""
set background=dark termguicolors noshowmode laststatus=2 signcolumn=yes
set nonumber noruler shortmess+=I
colorscheme default
hi Normal guifg=#d4d4d4 guibg=#1e1e1e
hi Comment guifg=#6a9955 gui=NONE
hi Statement guifg=#c586c0 gui=NONE
hi Keyword guifg=#c586c0 gui=NONE
hi Type guifg=#4ec9b0 gui=NONE
hi Function guifg=#dcdcaa gui=NONE
hi Identifier guifg=#9cdcfe gui=NONE
hi Constant guifg=#b5cea8 gui=NONE
hi String guifg=#ce9178 gui=NONE
hi Special guifg=#d7ba7d gui=NONE
hi PreProc guifg=#c586c0 gui=NONE
hi Operator guifg=#d4d4d4 gui=NONE
hi SignColumn guibg=#1e1e1e
hi StatusLine guifg=#ffffff guibg=#3c3c6c gui=NONE
hi StatusLineNC guifg=#a0a0a0 guibg=#303030 gui=NONE
hi NormalFloat guifg=#d4d4d4 guibg=#2d2d38
hi FloatBorder guifg=#8080a0 guibg=#2d2d38
hi NonText guifg=#505050
hi LspInlayHint guifg=#9a9a9a guibg=#2a2a2a
hi DiagnosticError guifg=#f48771
hi DiagnosticVirtualTextError guifg=#f48771 guibg=#3a2323
hi DiagnosticUnderlineError gui=undercurl guisp=#f48771
hi markdownCode guifg=#ce9178
hi markdownBold guifg=#ffffff gui=bold
"""

# Syntax highlighting (editors/vim), rounded borders on the hover and the
# diagnostic float, and the snippet.
SETUP_LUA = r"""
local root, netc = ...
vim.opt.runtimepath:append(root .. '/editors/vim')
vim.cmd('syntax on')
vim.lsp.handlers['textDocument/hover'] =
  vim.lsp.with(vim.lsp.handlers.hover, { border = 'rounded' })
vim.diagnostic.config({ float = { border = 'rounded' } })
dofile(root .. '/editors/neovim/netc.lua').setup({ cmd = { netc, 'lsp' } })
"""


class Screen:
    """The default grid of a Neovim UI with ext_linegrid (floating windows
    are drawn into it), and the highlights of its cells."""

    def __init__(self):
        self.width, self.height = WIDTH, HEIGHT
        self.cells = [[(" ", 0)] * WIDTH for _ in range(HEIGHT)]
        self.attrs = {0: {}}
        self.fg, self.bg, self.sp = 0xd4d4d4, 0x1e1e1e, 0xff0000
        self.cursor = (0, 0)

    def handle(self, name, calls):
        for args in calls:
            getattr(self, "on_" + name, lambda *a: None)(*args)

    def on_grid_resize(self, grid, width, height):
        self.width, self.height = width, height
        self.cells = [[(" ", 0)] * width for _ in range(height)]

    def on_default_colors_set(self, fg, bg, sp, *_):
        if fg >= 0:
            self.fg = fg
        if bg >= 0:
            self.bg = bg
        if sp >= 0:
            self.sp = sp

    def on_hl_attr_define(self, hl_id, rgb_attr, *_):
        self.attrs[hl_id] = rgb_attr

    def on_grid_clear(self, grid):
        self.cells = [[(" ", 0)] * self.width for _ in range(self.height)]

    def on_grid_cursor_goto(self, grid, row, col):
        self.cursor = (row, col)

    def on_grid_line(self, grid, row, col, cells, *_):
        hl = 0
        for cell in cells:
            text = cell[0]
            if len(cell) > 1:
                hl = cell[1]
            repeat = cell[2] if len(cell) > 2 else 1
            for _ in range(repeat):
                if col < self.width:
                    self.cells[row][col] = (text, hl)
                col += 1

    def on_grid_scroll(self, grid, top, bot, left, right, rows, cols):
        if rows > 0:
            for row in range(top, bot - rows):
                self.cells[row][left:right] = self.cells[row + rows][left:right]
        else:
            for row in range(bot - 1, top - rows - 1, -1):
                self.cells[row][left:right] = self.cells[row + rows][left:right]

    def colours(self, hl):
        attr = self.attrs.get(hl, {})
        fg = attr.get("foreground", self.fg)
        bg = attr.get("background", self.bg)
        if attr.get("reverse"):
            fg, bg = bg, fg
        return fg, bg, attr

    def draw_cell(self, draw, fonts, row, col, cell_w, cell_h, ascent,
                  cursor, text_pass):
        text, hl = self.cells[row][col]
        fg, bg, attr = self.colours(hl)
        if cursor and (row, col) == self.cursor:
            fg, bg = self.bg, 0xd4d4d4
        x, y = col * cell_w, row * cell_h
        if not text_pass:
            draw.rectangle([x, y, x + cell_w - 1, y + cell_h - 1], fill=rgb(bg))
            return
        if text.strip():
            font = fonts[bool(attr.get("bold")), bool(attr.get("italic"))]
            draw.text((x, y + (cell_h - FONT_SIZE) // 2 + ascent - FONT_SIZE + 2),
                      text, font=font, fill=rgb(fg))
        if attr.get("undercurl") or attr.get("underline"):
            colour = rgb(attr.get("special", self.sp))
            base = y + cell_h - 2
            if attr.get("undercurl"):
                points = [(x + k, base - (x + k) // 2 % 2 * 2)
                          for k in range(cell_w + 1)]
                draw.line(points, fill=colour, width=1)
            else:
                draw.line([(x, base), (x + cell_w, base)], fill=colour)

    def render(self, path, cursor=True):
        fonts = {(b, i): ImageFont.truetype(FONTS % suffix, FONT_SIZE)
                 for (b, i), suffix in {(False, False): "", (True, False): "-Bold",
                                        (False, True): "-Oblique",
                                        (True, True): "-BoldOblique"}.items()}
        regular = fonts[False, False]
        cell_w = round(regular.getlength("M"))
        cell_h = round(FONT_SIZE * 1.3)
        ascent = regular.getmetrics()[0]
        image = Image.new("RGB", (self.width * cell_w, self.height * cell_h),
                          rgb(self.bg))
        draw = ImageDraw.Draw(image)
        # The backgrounds first, then the text, so that no cell's background
        # covers the glyph of the row above (underscores reach below it).
        for text_pass in (False, True):
            for row in range(self.height):
                for col in range(self.width):
                    self.draw_cell(draw, fonts, row, col, cell_w, cell_h,
                                   ascent, cursor, text_pass)
        image.save(path, optimize=True)


def rgb(value):
    return ((value >> 16) & 255, (value >> 8) & 255, value & 255)


class Editor:
    def __init__(self):
        self.nvim = pynvim.attach("child", argv=[
            "nvim", "--embed", "--clean", "-u", "NONE", "-i", "NONE", "-n"])
        self.screen = Screen()
        self.nvim.ui_attach(WIDTH, HEIGHT, rgb=True, ext_linegrid=True)

    def settle(self, seconds=0.3):
        """Lets Neovim run for \\p seconds, then reads every screen update."""
        time.sleep(seconds)
        self.nvim.command("redraw")
        self.nvim.exec_lua("vim.rpcnotify(...)", self.nvim.channel_id,
                           "netc_settled")
        while True:
            message = self.nvim.next_message()
            if message is None:
                raise SystemExit("Neovim closed the connection")
            kind, name, args = message[0], message[1], message[2]
            if kind != "notification":
                continue
            if name == "netc_settled":
                return
            if name == "redraw":
                for event in args:
                    self.screen.handle(event[0], event[1:])

    def wait(self, what, lua_condition, seconds=10):
        """Waits (in Neovim, which handles the server's messages meanwhile)
        until \\p lua_condition is true."""
        if not self.nvim.exec_lua(
                "return vim.wait(%d, function() return %s end, 20)"
                % (seconds * 1000, lua_condition)):
            raise SystemExit("editor_screenshots: timed out waiting for " + what)

    def shoot(self, path, cursor=True):
        self.settle()
        self.screen.render(path, cursor)
        print("wrote", os.path.relpath(path, ROOT))

    def close(self):
        self.nvim.command("qall!", async_=True)


# Lua conditions: the inlay hints are shown (at least %d: the fallback's
# extmarks, or Neovim's own), a floating window is open.
FLOATING_WINDOW = ("#vim.tbl_filter(function(w) "
                   "return vim.api.nvim_win_get_config(w).relative ~= '' end, "
                   "vim.api.nvim_list_wins()) > 0")
HINTS = ("(function() local ns = vim.api.nvim_create_namespace('netc_inlay_hints') "
         "return #vim.api.nvim_buf_get_extmarks(0, ns, 0, -1, {}) >= %d end)() "
         "or (vim.lsp.inlay_hint ~= nil and vim.lsp.inlay_hint.get ~= nil and "
         "#vim.lsp.inlay_hint.get({ bufnr = 0 }) >= %d)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", default=os.path.join(ROOT, "build/bin/netc"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs/images/editors"))
    args = parser.parse_args()
    netc = os.path.abspath(args.netc)
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="netc-screenshots-")
    editor = None
    try:
        shutil.copy(os.path.join(ROOT, "examples/resnet18.net"), work)
        shutil.copytree(os.path.join(ROOT, "examples/blocks"),
                        os.path.join(work, "blocks"))
        editor = Editor()
        nvim = editor.nvim
        nvim.command(LOOK.strip().replace("\n", " | "))
        nvim.exec_lua(SETUP_LUA, ROOT, netc)
        nvim.command("cd " + work)
        nvim.command("edit resnet18.net")

        # (a) The inlay hints: one per assignment, at the line's end.
        editor.wait("the inlay hints", HINTS % (6, 6))  # 6 assignments
        nvim.call("cursor", 1, 1)
        editor.shoot(os.path.join(args.out, "inlay-hints.png"), cursor=False)

        # (b) Hover on the stem's conv2d call.
        line = next(i for i, text in enumerate(nvim.current.buffer)
                    if "|> conv2d(64" in text)
        column = nvim.current.buffer[line].index("conv2d") + 2
        nvim.current.window.cursor = (line + 1, column)
        nvim.command("lua vim.lsp.buf.hover()")
        editor.wait("the hover window", FLOATING_WINDOW)
        editor.shoot(os.path.join(args.out, "hover.png"))

        # (c) A mistake typed into the buffer (not saved): the input made
        # [size, size]; the diagnostic, and its float.
        nvim.input("<Esc>")
        editor.settle()
        line = next(i for i, text in enumerate(nvim.current.buffer)
                    if "input image: [3, size, size]" in text)
        nvim.current.buffer[line] = "  input image: [size, size]"
        editor.wait("the diagnostic", "#vim.diagnostic.get(0) > 0")
        error = nvim.exec_lua("return vim.diagnostic.get(0)[1]")
        nvim.current.window.cursor = (error["lnum"] + 1, error["col"])
        nvim.command("lua vim.diagnostic.open_float()")
        editor.shoot(os.path.join(args.out, "diagnostic.png"))

        # (d) The mistake undone, :NetcMemory in the stem, on a screen wide
        # enough for the report's lines.
        nvim.input("<Esc>")
        editor.settle()
        nvim.command("silent undo")
        editor.wait("the diagnostic to go", "#vim.diagnostic.get(0) == 0")
        nvim.ui_try_resize(REPORT_WIDTH, HEIGHT)
        nvim.command("NetcMemory")
        editor.wait("the memory report", "vim.bo.buftype == 'nofile'")
        nvim.command("normal! G")
        editor.shoot(os.path.join(args.out, "memory-report.png"))
    finally:
        if editor:
            editor.close()
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
