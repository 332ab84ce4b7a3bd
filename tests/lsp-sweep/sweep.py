#!/usr/bin/python3
"""Every request at every place of every file: netc lsp answers them all.

For each .net file given, writes one transcript and runs it through
`netc lsp --delimited`: the file is opened, then hover, definition,
references, completion and signature help are asked at every token (and
between tokens), document symbols, inlay hints, code actions, formatting and
the memory report over the whole file; then the file is typed again as a
user would leave it half-way: cut at a dozen places (mid-token and
mid-statement) and each request asked again on the broken text. Passes when
the server answers every request, with a result or an LSP error of the kinds
a correct request may get (never an internal error), exits 0 after shutdown,
and writes nothing to standard error that a crash or sanitizer writes.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
from timeouts import scaled  # noqa: E402

ALLOWED_ERRORS = {-32602, -32803}  # InvalidParams (never from here), RequestFailed


def positions(text, step):
    """Every step-th character place of every line, and each line's end."""
    for line_no, line in enumerate(text.split("\n")):
        for character in range(0, len(line) + 1, step):
            yield line_no, character
        yield line_no, len(line)


def add_file(messages, ids, path, text, step, cuts):
    """Appends the requests of one file: opened, asked, cut, closed."""
    uri = "file://" + os.path.abspath(path)
    messages.append(
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": uri, "languageId": "netc",
                                     "version": 1, "text": text}}})

    def request(method, params):
        rid = len(ids)
        ids.append(rid)
        messages.append({"jsonrpc": "2.0", "id": rid, "method": method,
                         "params": params})

    def ask_everything(current, stride):
        doc = {"uri": uri}
        whole = {"start": {"line": 0, "character": 0},
                 "end": {"line": current.count("\n") + 1, "character": 0}}
        for line, character in positions(current, stride):
            pos = {"line": line, "character": character}
            request("textDocument/hover", {"textDocument": doc, "position": pos})
            request("textDocument/definition",
                    {"textDocument": doc, "position": pos})
            request("textDocument/completion",
                    {"textDocument": doc, "position": pos})
            request("textDocument/signatureHelp",
                    {"textDocument": doc, "position": pos})
            if character % (stride * 4) == 0:
                request("textDocument/references",
                        {"textDocument": doc, "position": pos,
                         "context": {"includeDeclaration": True}})
        request("textDocument/documentSymbol", {"textDocument": doc})
        request("textDocument/inlayHint", {"textDocument": doc, "range": whole})
        request("textDocument/codeAction",
                {"textDocument": doc, "range": whole,
                 "context": {"diagnostics": []}})
        request("textDocument/formatting",
                {"textDocument": doc, "options": {"tabSize": 2,
                                                  "insertSpaces": True}})
        request("workspace/executeCommand",
                {"command": "netc.memoryReport",
                 "arguments": [{"uri": uri, "format": "markdown",
                                "position": {"line": 0, "character": 0}}]})
        request("workspace/symbol", {"query": ""})

    ask_everything(text, step)
    version = 1
    for k in range(1, cuts + 1):
        cut = len(text) * k // (cuts + 1)
        version += 1
        broken = text[:cut]
        messages.append({"jsonrpc": "2.0", "method": "textDocument/didChange",
                         "params": {"textDocument": {"uri": uri,
                                                     "version": version},
                                    "contentChanges": [{"text": broken}]}})
        ask_everything(broken, step * 4)
    messages.append({"jsonrpc": "2.0", "method": "textDocument/didClose",
                     "params": {"textDocument": {"uri": uri}}})


def parse_output(data):
    messages = []
    at = 0
    while True:
        end = data.find(b"\r\n\r\n", at)
        if end < 0:
            break
        length = int(data[at:end].split(b":")[1])
        messages.append(json.loads(data[end + 4:end + 4 + length]))
        at = end + 4 + length
    return messages


def sweep(netc, paths, step, cuts, timeout):
    """Runs every file's requests through one server."""
    messages = [{"jsonrpc": "2.0", "id": 0, "method": "initialize",
                 "params": {"capabilities": {}}},
                {"jsonrpc": "2.0", "method": "initialized", "params": {}}]
    ids = [0]
    owner = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        first = len(ids)
        add_file(messages, ids, path, text, step, cuts)
        for i in range(first, len(ids)):
            owner[i] = path
    ids.append(len(ids))
    messages.append({"jsonrpc": "2.0", "id": ids[-1], "method": "shutdown"})
    messages.append({"jsonrpc": "2.0", "method": "exit"})
    transcript = "\n---\n".join(json.dumps(m) for m in messages) + "\n---\n"
    run = subprocess.run([netc, "lsp", "--delimited"], input=transcript.encode(),
                         capture_output=True, timeout=timeout)
    problems = []
    stderr = run.stderr.decode(errors="replace")
    for marker in ("Sanitizer", "Assertion", "LLVM ERROR", "runtime error"):
        if marker in stderr:
            problems.append(f"standard error says {marker}: {stderr[:2000]}")
    if run.returncode != 0:
        problems.append(f"exit status {run.returncode}")
    answered = {}
    for m in parse_output(run.stdout):
        if "id" in m and "method" not in m:
            answered[m["id"]] = m
    missing = [i for i in ids if i not in answered]
    if missing:
        problems.append(f"{len(missing)} requests unanswered (first id "
                        f"{missing[0]}, of {owner.get(missing[0], '-')})")
    for m in answered.values():
        error = m.get("error")
        if error and error["code"] not in ALLOWED_ERRORS:
            problems.append(f"request {m['id']} of {owner.get(m['id'])}: "
                            f"error {error}")
            break
    return len(ids), problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", required=True)
    parser.add_argument("--step", type=int, default=3,
                        help="ask at every STEP-th character (default 3)")
    parser.add_argument("--cuts", type=int, default=12)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    total, problems = sweep(args.netc, args.files, args.step, args.cuts,
                            scaled(300))
    for p in problems:
        print(p)
    failed = bool(problems)
    print(f"lsp sweep: {len(args.files)} files, {total} requests"
          + (", FAILED" if failed else ", every one answered"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
