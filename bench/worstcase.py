#!/usr/bin/python3
"""netc on worst-case inputs: many errors on one long line, and files of
nothing but one token.

Generates each input at each size (one line of stray ')' for every
diagnostics format and --verify-diagnostics, with --error-limit=0 so that
every error is printed; 1 MB files of ';', ')', '(' and 'x = a + ' with the
default options), runs netc on it as a child process and prints a Markdown
table of wall time, CPU time, peak RSS and bytes written to standard error.
The targets (docs/performance.md): under 2 s and 500 MB for any input under
1 MB, and a cost per diagnostic independent of the line's length.

  bench/worstcase.py --netc build/bin/netc [--baseline OLD_NETC]
                     [--sizes 10k,100k,1M] [--timeout 120]

--baseline runs a second netc (an older build) on the same files, for
before and after tables. A run past --timeout is killed and shown as such.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

MODES = {
    "text": ["--error-limit=0"],
    "json": ["--error-limit=0", "--diagnostics-format=json"],
    "sarif": ["--error-limit=0", "--diagnostics-format=sarif"],
    "verify": ["--verify-diagnostics"],
}
FILES = {";": ";", ")": ")", "(": "(", "x = a + ": "x = a + ",
         "network N { input x: [3]; ": "network N { input x: [3]; ",
         # Non-ASCII text is lexed by ANTLR's generated lexer (UnicodeLexer).
         "é": "é", "é ": "é ", "x = \"é\" ": "x = \"é\" ", "# é\n": "# é\n",
         "→": "→"}


def size(text):
    units = {"k": 1000, "M": 1000000}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def write(path, unit, n):
    """\p unit repeated to n bytes of UTF-8, then a line end."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(unit * (n // len(unit.encode("utf-8"))) + "\n")


def run(netc, args, path, timeout):
    """(wall s, CPU s, peak MiB, stderr bytes), or None when killed."""
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        child = subprocess.Popen([netc] + args + [path], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                return None
            time.sleep(0.01)
        wall = time.monotonic() - start
        err.seek(0, os.SEEK_END)
        return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                err.tell())


def cell(result, timeout):
    if result is None:
        return f"killed after {timeout:g} s"
    wall, cpu, mib, out = result
    return f"{wall:.2f} s ({cpu:.2f} CPU), {mib:.0f} MiB, {out / 1e6:.1f} MB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netc", required=True)
    parser.add_argument("--baseline", help="an older netc, for before/after")
    parser.add_argument("--sizes", default="10k,100k,1M",
                        help="line lengths of the stray ')' line")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    binaries = [("netc", args.netc)]
    if args.baseline:
        binaries.append(("baseline", args.baseline))
    header = "| input | options | " + " | ".join(n for n, _ in binaries) + " |"
    print(header)
    print("|" + "---|" * (2 + len(binaries)))
    with tempfile.TemporaryDirectory() as workdir:
        path = os.path.join(workdir, "input.net")
        cases = []
        for n in args.sizes.split(","):
            for mode, options in MODES.items():
                cases.append((f"{n} stray ')' on one line", ")", size(n),
                              mode, options))
        for name, unit in FILES.items():
            cases.append((f"1M of '{name.encode('unicode_escape').decode()}'"
                          if "\n" in name else f"1M of '{name}'",
                          unit, 1000000, "default", []))
        for label, unit, n, mode, options in cases:
            write(path, unit, n)
            cells = [cell(run(netc, options, path, args.timeout), args.timeout)
                     for _, netc in binaries]
            print(f"| {label} | {mode} | " + " | ".join(cells) + " |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
