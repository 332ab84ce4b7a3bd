#!/usr/bin/env python3
"""Checks that every command pasted in the docs prints what the docs say.

A doc shows a command as a fenced block whose first line starts with `$ `;
the lines after it, up to the next `$ ` line or the end of the block, are
its output. A line `...` stands for lines left out. Files the commands read
are defined by a line "`name.net`:" followed by a fenced block with the
file's text, anywhere in the same doc (or, failing that, in another doc);
the examples/ directory is available too.

Each doc runs in a scratch directory of its own, in reading order (a doc may
define a file, run a command, redefine the file), with the netc under test
first on PATH.

    tools/check_docs.py [--netc PATH] [--update] [DOC...]

With no DOC, checks README.md and docs/*.md. --update rewrites the outputs
in place instead (the way to change them: never by hand).
"""
import argparse
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

from timeouts import scaled

FILE_LINE = re.compile(r"^`([\w./-]+)`:\s*$")


def run(command, cwd, env):
    result = subprocess.run("( " + command + " ) 2>&1", shell=True, cwd=cwd,
                            env=env, capture_output=True, text=True,
                            timeout=scaled(120), executable="/bin/bash",
                            errors="replace")
    text = result.stdout.rstrip("\n")
    return text.split("\n") if text else []


def segments(expected):
    """Splits expected output at `...` lines."""
    parts, current = [], []
    for line in expected:
        if line == "...":
            parts.append(current)
            current = []
        else:
            current.append(line)
    parts.append(current)
    return parts


def matches(expected, got):
    """True when the segments appear in order, the first at the start and
    the last at the end."""
    parts = segments(expected)
    if len(parts) == 1:
        return expected == got
    if got[:len(parts[0])] != parts[0]:
        return False
    if parts[-1] and got[len(got) - len(parts[-1]):] != parts[-1]:
        return False
    pos = len(parts[0])
    for part in parts[1:-1]:
        for start in range(pos, len(got) - len(part) + 1):
            if got[start:start + len(part)] == part:
                pos = start + len(part)
                break
        else:
            return False
    return True


def first_word(line):
    words = line.split()
    return words[0] if words else line


def rewrite(expected, got):
    """The new output for an outdated block, keeping its `...` cuts: each
    kept part restarts at the first line with the same first word."""
    parts = segments(expected)
    if len(parts) == 1:
        return got
    result = got[:len(parts[0])]
    pos = len(parts[0])
    for index, part in enumerate(parts[1:], start=1):
        result.append("...")
        if not part:
            continue
        start = next((i for i in range(pos, len(got))
                      if first_word(got[i]) == first_word(part[0])), None)
        if start is None:
            raise SystemExit("cannot place the part after '...' starting "
                             "with %r" % part[0])
        end = len(got) if index == len(parts) - 1 else start + len(part)
        result.extend(got[start:end])
        pos = end
    return result


def write_files(lines, work):
    """Writes every file \p lines define (a later definition wins), so that
    a command may use a file the doc shows further down."""
    pending = None
    i = 0
    while i < len(lines):
        match = FILE_LINE.match(lines[i])
        if match:
            pending = match.group(1)
        elif lines[i].startswith("```"):
            end = i + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            body = lines[i + 1:end]
            if pending and not (body and body[0].startswith("$ ")):
                write_file(work, pending, body)
            pending = None
            i = end
        i += 1


def write_file(work, name, body):
    path = os.path.join(work, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(body) + "\n")


def process(doc, netc_dir, update, all_docs):
    """Checks (or updates) one doc; returns the number of mismatches."""
    lines = open(doc, encoding="utf-8").read().split("\n")
    work = tempfile.mkdtemp(prefix="netc-docs-")
    try:
        shutil.copytree("examples", os.path.join(work, "examples"))
        # Files any doc defines, then this doc's own (which win).
        for other in all_docs:
            if other != doc:
                write_files(open(other, encoding="utf-8").read().split("\n"),
                            work)
        write_files(lines, work)
        env = dict(os.environ, PATH=netc_dir + os.pathsep + os.environ["PATH"])
        out, mismatches, commands = [], 0, 0
        pending = None
        i = 0
        while i < len(lines):
            line = lines[i]
            out.append(line)
            match = FILE_LINE.match(line)
            if match:
                pending = match.group(1)
            if not line.startswith("```"):
                i += 1
                continue
            end = i + 1
            while end < len(lines) and not lines[end].startswith("```"):
                end += 1
            body = lines[i + 1:end]
            if body and body[0].startswith("$ "):
                for start, line in enumerate(body):
                    if not line.startswith("$ "):
                        continue
                    stop = next((k for k in range(start + 1, len(body))
                                 if body[k].startswith("$ ")), len(body))
                    command, expected = line[2:], body[start + 1:stop]
                    commands += 1
                    got = run(command, work, env)
                    out.append(line)
                    if matches(expected, got):
                        out.extend(expected)
                        continue
                    mismatches += 1
                    missing = "cannot read '"
                    if update and any(missing in l for l in got) and not any(
                            missing in l for l in expected):
                        # A file the doc never defines: keep the text and say so.
                        out.extend(expected)
                        print("%s:%d: $ %s reads a file no doc defines"
                              % (doc, i + 2 + start, command))
                    elif update:
                        out.extend(rewrite(expected, got))
                    else:
                        out.extend(expected)
                        print("%s:%d: $ %s" % (doc, i + 2 + start, command))
                        print("\n".join(difflib.unified_diff(
                            expected, got, "doc", "netc", lineterm="", n=1)))
            else:
                if pending:
                    write_file(work, pending, body)
                out.extend(body)
            pending = None
            if end < len(lines):
                out.append(lines[end])
            i = end + 1
        if update and mismatches:
            with open(doc, "w", encoding="utf-8") as f:
                f.write("\n".join(out))
        print("%s: %d commands, %d %s" % (doc, commands, mismatches,
                                          "updated" if update else
                                          "out of date"))
        return mismatches
    finally:
        shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", default="build/bin/netc")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("docs", nargs="*")
    args = parser.parse_args()
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    netc_dir = os.path.dirname(os.path.abspath(args.netc))
    docs = args.docs or ["README.md"] + sorted(glob.glob("docs/*.md"))
    all_docs = ["README.md"] + sorted(glob.glob("docs/*.md"))
    bad = sum(process(doc, netc_dir, args.update, all_docs) for doc in docs)
    if bad and not args.update:
        print("the docs show outputs netc no longer prints; if the change is "
              "intended, run tools/check_docs.py --update", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
