#!/usr/bin/python3
"""Runs one JSON-RPC transcript against `netc lsp` and checks its replies.

Usage: run_transcript.py --netc PATH --root REPO [--show] FILE.test

A transcript (tests/lsp/*.test), in the style of clangd's lit tests:

  Messages are separated by lines holding only `---`; the file is fed as it
  is to `netc lsp --delimited`, which skips lines starting with `#`.

  Directives are comment lines:

    # CHECK: {json}       a later reply (or notification) than the previous
                          CHECK matched contains this JSON value
    # CHECK-NOT: {json}   no message between the previous CHECK's match and
                          the next CHECK's match (or the end) contains it
    # CHECK-NEXT-LINE: .. continues the JSON of the CHECK or CHECK-NOT just
                          above it, after a blank (long expectations; do
                          not split inside a JSON string)
    # CHECK-EXIT: N       the server's exit status (default 0)
    # CHECK-STDERR: re    the server's standard error has a match of the
                          Python regular expression re (its log)
    # FILE: rel/path.net  creates ${TMP}/rel/path.net before the run, from
    #| text               the `#|` lines right after it (one space after
                          `#|` is dropped)
    # FRAMED              the runner frames every message with a
                          Content-Length header itself and runs `netc lsp`
                          (the standard transport) instead
    # RAW-BYTES: b"..."   a Python bytes literal, put into the input at
                          this place as it is (malformed headers)
    # RAW-REPEAT: N b"."  the bytes literal N times (streamed, for
                          messages over the size limit)
    # REPEAT: NAME N "s"  defines ${NAME} as the JSON string literal "s"
                          repeated N times, without its quotes (the text of
                          big documents)

  "Contains" is a recursive subset: every key of an expected object is
  present with a matching value; an expected array has the same length and
  matches element by element. Special forms:
    {"$contains": [a, b]}  an array in which each of a, b matches some element
    {"$contains": [..], "$length": N}   ... and which has N elements
    {"$contains": [..], "$excludes": [c]}  ... and no element of which
                           matches c ("$excludes" may also stand alone)
    {"$not": x}            anything that does not match x
    {"$regex": "re"}       a string that re.search finds the pattern in
    {"$absent": true}      (as an object member) the key is not there
                           ({"$absent": false}: it is, with any value)
    {"$any": true}         any value, the key must be there
  Numbers, booleans and null match when equal (a boolean never matches a
  number). A lone {"$length": N} is an array of N elements.

  Substitutions in every line: ${ROOT} is the repository, ${TMP} a fresh
  temporary folder for this run.

Fails (exit 1, printing the failed CHECK, every message received and the
server's standard error) when a CHECK is not found, a CHECK-NOT is found,
the exit status differs, the server dies of a signal, writes "Assertion",
"Sanitizer" or "LLVM ERROR" to standard error, or runs longer than 10 s
times NETC_TIMEOUT_SCALE.
"""

import argparse
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
from timeouts import scaled  # noqa: E402

TIMEOUT_SECONDS = 10
CRASH_MARKERS = ("Assertion", "Sanitizer", "LLVM ERROR")




class TranscriptError(Exception):
    pass


class Directive:
    """A CHECK or CHECK-NOT: its JSON text (joined with its CHECK-NEXT-LINE
    continuations, a blank between) and, once parsed, its value."""

    def __init__(self, kind, text, file, line):
        self.kind = kind
        self.text = text
        self.file = file
        self.line = line
        self.value = None

    def __str__(self):
        return "%s:%d: %s: %s" % (self.file, self.line, self.kind, self.text)


class Transcript:
    def __init__(self):
        self.framed = False
        self.directives = []
        self.exit_status = 0
        self.stderr_patterns = []  # (line, regex)
        self.files = {}  # relative path -> text
        self.pieces = []  # ("line", text) or ("raw", (count, bytes))
        self.input = []  # what the server reads: (count, bytes), in order


DIRECTIVE = re.compile(
    r"^\s*#\s*(CHECK-NEXT-LINE|CHECK-NOT|CHECK-EXIT|CHECK-STDERR|CHECK|FILE|"
    r"FRAMED|"
    r"RAW-BYTES|RAW-REPEAT|REPEAT)(:|\s*$)(.*)$")
SUBSTITUTION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(text, variables, where):
    def replace(m):
        if m.group(1) not in variables:
            raise TranscriptError("%s: unknown substitution ${%s}"
                                  % (where, m.group(1)))
        return variables[m.group(1)]
    return SUBSTITUTION.sub(replace, text)


def parse_transcript(path, variables):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    t = Transcript()
    # First pass: the REPEAT definitions, usable anywhere.
    for number, line in enumerate(lines, 1):
        m = DIRECTIVE.match(line)
        if m and m.group(1) == "REPEAT":
            where = "%s:%d" % (path, number)
            parts = m.group(3).strip().split(None, 2)
            if len(parts) != 3 or not parts[1].isdigit():
                raise TranscriptError(where + ": REPEAT: NAME COUNT \"text\"")
            try:
                text = json.loads(parts[2])
            except ValueError as e:
                raise TranscriptError("%s: REPEAT text is not a JSON string: %s"
                                      % (where, e))
            if not isinstance(text, str):
                raise TranscriptError(where + ": REPEAT text is not a string")
            variables[parts[0]] = json.dumps(text * int(parts[1]))[1:-1]
    # For FRAMED: ("message", body) and ("raw", (count, bytes)), in order.
    messages = []
    current = []
    current_file = None
    last_check = None

    def flush_message():
        text = "\n".join(current).strip()
        current.clear()
        if text:
            messages.append(("message", text.encode("utf-8")))

    for number, raw in enumerate(lines, 1):
        where = "%s:%d" % (path, number)
        line = substitute(raw, variables, where)
        if current_file is not None:
            stripped = line.lstrip()
            if stripped.startswith("#|"):
                body = stripped[2:]
                if body.startswith(" "):
                    body = body[1:]
                t.files[current_file].append(body)
                t.pieces.append(("line", line))
                continue
            current_file = None
        m = DIRECTIVE.match(line)
        kind = m.group(1) if m else None
        rest = m.group(3).strip() if m else ""
        if kind != "CHECK-NEXT-LINE" and kind is not None:
            last_check = None
        if kind in ("CHECK", "CHECK-NOT"):
            d = Directive(kind, rest, os.path.basename(path), number)
            t.directives.append(d)
            last_check = d
        elif kind == "CHECK-NEXT-LINE":
            if last_check is None:
                raise TranscriptError(where + ": CHECK-NEXT-LINE without a "
                                      "CHECK or CHECK-NOT right above it")
            last_check.text += " " + rest
        elif kind == "CHECK-EXIT":
            try:
                t.exit_status = int(rest)
            except ValueError:
                raise TranscriptError(where + ": CHECK-EXIT needs a number")
        elif kind == "CHECK-STDERR":
            try:
                re.compile(rest)
            except re.error as e:
                raise TranscriptError("%s: not a regular expression: %s"
                                      % (where, e))
            t.stderr_patterns.append((number, rest))
        elif kind == "FILE":
            rel = rest
            if not rel or os.path.isabs(rel) or ".." in rel.split("/"):
                raise TranscriptError(where + ": FILE needs a relative path")
            t.files[rel] = []
            current_file = rel
        elif kind == "FRAMED":
            t.framed = True
        elif kind in ("RAW-BYTES", "RAW-REPEAT"):
            count = 1
            literal = rest
            if kind == "RAW-REPEAT":
                parts = rest.split(None, 1)
                if len(parts) != 2 or not parts[0].isdigit():
                    raise TranscriptError(where + ": RAW-REPEAT: COUNT b\"..\"")
                count, literal = int(parts[0]), parts[1]
            try:
                data = ast.literal_eval(literal)
            except (ValueError, SyntaxError) as e:
                raise TranscriptError("%s: not a bytes literal: %s" % (where, e))
            if not isinstance(data, bytes):
                raise TranscriptError(where + ": not a bytes literal")
            flush_message()
            messages.append(("raw", (count, data)))
            t.pieces.append(("raw", (count, data)))
            continue
        if line.strip() == "---":
            flush_message()
        elif not line.lstrip().startswith("#"):
            current.append(line)
        t.pieces.append(("line", line))
    flush_message()
    for d in t.directives:
        try:
            d.value = json.loads(d.text)
        except ValueError as e:
            raise TranscriptError("%s: the expected value is not JSON: %s"
                                  % (d, e))
    if t.framed:
        framed = []
        for kind, item in messages:
            if kind == "message":
                framed.append((1, b"Content-Length: %d\r\n\r\n" % len(item)
                               + item))
            else:
                framed.append(item)
        t.input = framed
    else:
        data = []
        pending = []
        for kind, item in t.pieces:
            if kind == "line":
                pending.append(item + "\n")
            else:
                if pending:
                    data.append((1, "".join(pending).encode("utf-8")))
                    pending = []
                data.append(item)
        if pending:
            data.append((1, "".join(pending).encode("utf-8")))
        t.input = data
    t.files = {k: "\n".join(v) + "\n" for k, v in t.files.items()}
    return t


def write_input(stream, pieces):
    try:
        for count, data in pieces:
            if count == 1:
                stream.write(data)
                continue
            # Streamed in chunks of about a MiB.
            per_chunk = max(1, (1 << 20) // max(1, len(data)))
            chunk = data * per_chunk
            full, rest = divmod(count, per_chunk)
            for _ in range(full):
                stream.write(chunk)
            stream.write(data * rest)
        stream.close()
    except (BrokenPipeError, OSError):
        pass  # the server stopped reading (it exited): that is checked later


def read_all(stream, sink):
    sink.append(stream.read())


def split_messages(out):
    """The JSON values of Content-Length-framed output; raises on garbage."""
    messages = []
    at = 0
    while at < len(out):
        end = out.find(b"\r\n\r\n", at)
        if end < 0:
            raise TranscriptError("output ends inside a header: %r"
                                  % out[at:at + 200])
        length = None
        for header in out[at:end].split(b"\r\n"):
            name, _, value = header.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            raise TranscriptError("a reply without Content-Length: %r"
                                  % out[at:end + 4])
        body = out[end + 4:end + 4 + length]
        if len(body) != length:
            raise TranscriptError("output ends inside a message")
        try:
            messages.append(json.loads(body.decode("utf-8")))
        except (ValueError, UnicodeDecodeError) as e:
            raise TranscriptError("a reply that is not JSON (%s): %r"
                                  % (e, body[:200]))
        at = end + 4 + length
    return messages


def matches(expected, actual):
    if isinstance(expected, dict):
        if set(expected) == {"$not"}:
            return not matches(expected["$not"], actual)
        if expected and set(expected) <= {"$contains", "$length",
                                          "$excludes"}:
            wanted = expected.get("$contains", [])
            unwanted = expected.get("$excludes", [])
            if not isinstance(wanted, list) or not isinstance(unwanted, list) \
                    or not isinstance(actual, list):
                return False
            if "$length" in expected and len(actual) != expected["$length"]:
                return False
            if any(matches(u, a) for u in unwanted for a in actual):
                return False
            return all(any(matches(w, a) for a in actual) for w in wanted)
        if set(expected) == {"$regex"}:
            return isinstance(actual, str) and \
                re.search(expected["$regex"], actual) is not None
        if set(expected) == {"$any"}:
            return True
        if not isinstance(actual, dict):
            return False
        for key, value in expected.items():
            if isinstance(value, dict) and set(value) == {"$absent"}:
                if (key in actual) == bool(value["$absent"]):
                    return False
                continue
            if key not in actual or not matches(value, actual[key]):
                return False
        return True
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and \
            all(matches(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and \
            expected == actual
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and expected == actual
    return expected == actual


def check(t, messages):
    """FileCheck's order over messages; returns (ok, report)."""
    at = 0
    pending_not = []

    def check_nots(end):
        for d in pending_not:
            for i in range(at, end):
                if matches(d.value, messages[i]):
                    return "%s\n  matched message #%d, which it must not" \
                        % (d, i)
        return None

    for d in t.directives:
        if d.kind == "CHECK-NOT":
            pending_not.append(d)
            continue
        found = None
        for i in range(at, len(messages)):
            if matches(d.value, messages[i]):
                found = i
                break
        if found is None:
            return "%s\n  no message from #%d on matches it" % (d, at)
        problem = check_nots(found)
        if problem:
            return problem
        pending_not = []
        at = found + 1
    return check_nots(len(messages))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--show", action="store_true",
                        help="print every message received, even on success")
    parser.add_argument("transcript")
    args = parser.parse_args()

    tmp = os.path.realpath(tempfile.mkdtemp(prefix="netc-lsp-"))
    try:
        return run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp):
    variables = {"ROOT": os.path.abspath(args.root), "TMP": tmp}
    try:
        t = parse_transcript(args.transcript, variables)
    except TranscriptError as e:
        print("error: %s" % e)
        return 1
    for rel, text in t.files.items():
        target = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    command = [os.path.abspath(args.netc), "lsp"] + ([] if t.framed else ["--delimited"])
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=tmp, start_new_session=True)
    except OSError as e:
        print("FAILED: cannot run %s: %s" % (command[0], e))
        return 1
    out, err = [], []
    threads = [threading.Thread(target=write_input, args=(proc.stdin, t.input)),
               threading.Thread(target=read_all, args=(proc.stdout, out)),
               threading.Thread(target=read_all, args=(proc.stderr, err))]
    for thread in threads:
        thread.daemon = True
        thread.start()
    limit = scaled(TIMEOUT_SECONDS)
    timed_out = False
    try:
        status = proc.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        status = proc.wait()
    for thread in threads[1:]:
        thread.join(timeout=5)
    stdout = out[0] if out else b""
    stderr = (err[0] if err else b"").decode("utf-8", "replace")

    problems = []
    messages = []
    try:
        messages = split_messages(stdout)
    except TranscriptError as e:
        problems.append("the output is not well framed: %s" % e)
    if timed_out:
        problems.append("timeout: the server ran longer than %g s" % limit)
    elif status < 0:
        problems.append("the server died of signal %d (%s)"
                        % (-status, signal.Signals(-status).name))
    elif status != t.exit_status:
        problems.append("CHECK-EXIT: expected exit status %d, got %d"
                        % (t.exit_status, status))
    for number, pattern in t.stderr_patterns:
        if not re.search(pattern, stderr):
            problems.append("%s:%d: CHECK-STDERR: %s\n  standard error has "
                            "no match" % (os.path.basename(args.transcript),
                                          number, pattern))
    for marker in CRASH_MARKERS:
        if marker in stderr:
            problems.append("standard error holds '%s'" % marker)
    if not problems or messages:
        problem = check(t, messages)
        if problem:
            problems.insert(0, problem)

    if problems or args.show:
        for p in problems:
            print("FAILED: " + p)
        print("--- %d messages received:" % len(messages))
        for i, m in enumerate(messages):
            print("#%d: %s" % (i, json.dumps(m, indent=2, ensure_ascii=False)))
        if not messages and stdout:
            print("--- raw output: %r" % stdout[:4000])
        if stderr:
            print("--- standard error:\n" + stderr[-8000:])
    if problems:
        return 1
    print("PASS: %s (%d checks, %d messages)"
          % (os.path.basename(args.transcript), len(t.directives),
             len(messages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
