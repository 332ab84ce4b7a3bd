#!/usr/bin/env python3
"""Builds the seed corpus of netc-fuzzer: build_corpus.py OUTPUT_DIR

Copies every example (examples/*.net, examples/blocks/*.net), every verify
test (tests/verify/*.net, tests/verify/inputs/*) and every fuzzer reproducer
(tests/fuzz-regressions/*.net) into OUTPUT_DIR as seed-ORIGIN-NAME.

The fuzz target cannot import files (its input lives in a directory that
does not exist, so that runs never depend on the machine), so a file with
imports would only ever give "cannot import" errors. For each such file a
second seed, seed-ORIGIN-inlined-NAME, has every top-level `import "PATH"`
line replaced by the imported file's text, recursively and each file once
(as netc loads an imported file once): the ResNets, MobileNetV2 and U-Net
then check clean inside the fuzzer and reach the memory models and the
backends with their blocks.

Seeds are rewritten on every run; files the fuzzer added are left alone.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = [
    ("examples", "examples", "*.net"),
    ("blocks", "examples/blocks", "*.net"),
    ("verify", "tests/verify", "*.net"),
    ("inputs", "tests/verify/inputs", "*"),
    ("regression", "tests/fuzz-regressions", "*.net"),
]
IMPORT = re.compile(rb'^import[ \t]+"([^"\\\r\n]*)"[ \t]*(#[^\r\n]*)?\r?$')


def inline(path: pathlib.Path, loaded: set) -> bytes:
    """The text of path with its top-level imports replaced by their text."""
    loaded.add(path.resolve())
    lines = []
    for line in path.read_bytes().split(b"\n"):
        match = IMPORT.match(line)
        target = None
        if match:
            target = (path.parent / match.group(1).decode("utf-8", "replace"))
        if target is None or not target.is_file():
            lines.append(line)
            continue
        if target.resolve() in loaded:
            lines.append(b"# (" + line + b": already inlined)")
            continue
        lines.append(b"# " + line)
        lines.append(inline(target, loaded))
    return b"\n".join(lines)


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: build_corpus.py OUTPUT_DIR", file=sys.stderr)
        return 2
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    seeds = inlined = 0
    for origin, directory, pattern in SOURCES:
        for path in sorted((ROOT / directory).glob(pattern)):
            if not path.is_file():
                continue
            text = path.read_bytes()
            (out / f"seed-{origin}-{path.name}").write_bytes(text)
            seeds += 1
            if any(IMPORT.match(line) for line in text.split(b"\n")):
                flat = inline(path, set())
                if flat != text:
                    (out / f"seed-{origin}-inlined-{path.name}").write_bytes(flat)
                    inlined += 1
    print(f"build_corpus: {seeds} seeds and {inlined} with imports inlined "
          f"in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
