#!/usr/bin/python3
"""netc lsp's latency: how long after a keystroke the editor has diagnostics.

Starts `netc lsp` as an editor would (Content-Length framing over pipes),
opens a document, then types: each keystroke is a textDocument/didChange
(an incremental edit of one character) followed by waiting for the
textDocument/publishDiagnostics of that version. The time from sending the
change to receiving its diagnostics is the latency: the whole check of the
document (parse, check with imports, analysis of every network, symbol
index) plus the framing and JSON both ways. Hover and inlay hints on the
checked document are timed too.

Workloads:
  resnet50   examples/resnet50.net (and its imports) as shipped
  lines1000  a generated file of 1,000 lines: one network, a chain of
             convolutions, activations and normalisations

Prints a Markdown table (p50, p95, max in milliseconds per workload and
request) and, with --target-ms, exits 1 when a p95 of diagnostics misses
it. docs/editors.md reports the figures of this machine. Run:

  bench/lsp_latency.py --netc build/bin/netc [--keystrokes 200]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Client:
    """A minimal LSP client over the server's pipes."""

    def __init__(self, netc):
        self.proc = subprocess.Popen([netc, "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.next_id = 1

    def send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output: " +
                                   self.proc.stderr.read().decode(errors="replace"))
            line = line.strip()
            if not line:
                if length is not None:
                    break
                continue
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method,
                   "params": params})
        while True:
            message = self.receive()
            if message.get("id") == rid:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version):
        while True:
            message = self.receive()
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and message["params"]["uri"] == uri
                    and message["params"].get("version") == version):
                return message["params"]["diagnostics"]

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def generate_lines(count):
    """A network of `count` lines: a chain of small layers."""
    lines = ["# bench/lsp_latency.py: a generated network of %d lines" % count,
             "network Chain {", "  input x: [16, 32, 32]"]
    kinds = ["x = conv2d(x, 16, kernel=3, padding=1)", "x = batchnorm(x)",
             "x = relu(x)"]
    while len(lines) < count - 2:
        lines.append("  " + kinds[len(lines) % 3])
    lines += ["  output x", "}"]
    return "\n".join(lines) + "\n"


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_workload(netc, name, path, text, keystrokes):
    """Times diagnostics after each keystroke, then hovers and inlay hints."""
    client = Client(netc)
    client.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                  "capabilities": {}})
    client.notify("initialized", {})
    uri = "file://" + path
    client.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "netc", "version": 1, "text": text}})
    first = client.wait_diagnostics(uri, 1)
    errors = [d for d in first if d["severity"] == 1]
    if errors:
        raise RuntimeError(f"{name}: the document has errors: {errors[0]}")
    # The keystrokes: a space typed at the end of the last line, then
    # deleted, and so on (each version checks the whole document again).
    lines = text.split("\n")
    last = len(lines) - 1
    while last > 0 and not lines[last]:
        last -= 1
    end = len(lines[last])
    diagnostics_ms = []
    version = 1
    for k in range(keystrokes):
        version += 1
        if k % 2 == 0:
            change = {"range": {"start": {"line": last, "character": end},
                                "end": {"line": last, "character": end}},
                      "text": " "}
        else:
            change = {"range": {"start": {"line": last, "character": end},
                                "end": {"line": last, "character": end + 1}},
                      "text": ""}
        started = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [change]})
        client.wait_diagnostics(uri, version)
        diagnostics_ms.append((time.perf_counter() - started) * 1000)
    # Requests on the checked document.
    hover_ms, hints_ms, screen_ms = [], [], []
    middle = len(lines) // 2
    call_line = next(i for i, l in enumerate(lines) if "conv2d(" in l)
    character = lines[call_line].index("conv2d(") + 2
    for _ in range(max(10, keystrokes // 10)):
        started = time.perf_counter()
        client.request("textDocument/hover", {
            "textDocument": {"uri": uri},
            "position": {"line": call_line, "character": character}})
        hover_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        client.request("textDocument/inlayHint", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0},
                      "end": {"line": len(lines), "character": 0}}})
        hints_ms.append((time.perf_counter() - started) * 1000)
        # What editors ask: the hints of the lines on screen.
        started = time.perf_counter()
        client.request("textDocument/inlayHint", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": middle, "character": 0},
                      "end": {"line": middle + 60, "character": 0}}})
        screen_ms.append((time.perf_counter() - started) * 1000)
    client.close()
    return {"diagnostics after a keystroke": diagnostics_ms,
            "hover": hover_ms, "inlay hints (60 lines)": screen_ms,
            "inlay hints (whole file)": hints_ms}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", default=os.path.join(ROOT, "build/bin/netc"))
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument("--target-ms", type=float, default=None,
                        help="exit 1 when a p95 of diagnostics exceeds this")
    args = parser.parse_args()

    resnet = os.path.join(ROOT, "examples", "resnet50.net")
    with open(resnet) as f:
        resnet_text = f.read()
    scratch = tempfile.mkdtemp(prefix="netc-lsp-bench-")
    generated = os.path.join(scratch, "lines1000.net")
    generated_text = generate_lines(1000)
    with open(generated, "w") as f:
        f.write(generated_text)

    results = {}
    for name, path, text in [("resnet50", resnet, resnet_text),
                             ("lines1000", generated, generated_text)]:
        results[name] = run_workload(args.netc, name, path, text,
                                     args.keystrokes)

    print(f"netc lsp latency, {args.keystrokes} keystrokes a workload "
          f"({os.cpu_count()} cores)\n")
    print("| workload | request | n | p50 ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|---:|")
    missed = []
    for name, requests in results.items():
        for request, times in requests.items():
            p95 = percentile(times, 95)
            print(f"| {name} | {request} | {len(times)} | "
                  f"{statistics.median(times):.2f} | {p95:.2f} | "
                  f"{max(times):.2f} |")
            if (args.target_ms is not None and request.startswith("diagnostics")
                    and p95 > args.target_ms):
                missed.append(f"{name}: p95 {p95:.2f} ms > {args.target_ms} ms")
    for m in missed:
        print("missed the target:", m, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
