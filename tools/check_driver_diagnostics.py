#!/usr/bin/env python3
"""Runs every command of tests/driver/diagnostics.txt: each line names a
diagnostic of the command line, the files or the outputs, the exit status
netc must end with, and the arguments that produce it. Each command runs as
`netc --diagnostics-format=json ARGS` in a scratch copy of tests/driver/;
the test fails, listing each line that went wrong, unless netc exits with
the status and its JSON document holds a diagnostic with the id.

In ARGS, {dir} is the scratch folder, `env:NAME=VALUE` adds to the
environment, `stdout:tty` gives netc a terminal as standard output and
`stdout:full` gives it /dev/full.

    tools/check_driver_diagnostics.py --netc PATH
"""
import argparse
import json
import os
import pty
import shlex
import shutil
import subprocess
import sys
import tempfile

from timeouts import scaled

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     ".."))
TABLE = os.path.join(ROOT, "tests", "driver", "diagnostics.txt")


def read_table(path=TABLE):
    """[(line number, id, status, [args])] of the table."""
    cases = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = shlex.split(line)
            cases.append((number, words[0], int(words[1]), words[2:]))
    return cases


def run_case(netc, args, scratch):
    """(status, stderr) of one command."""
    env = dict(os.environ)
    argv = [netc, "--diagnostics-format=json"]
    # A subcommand (netc import, netc fmt) must come first.
    if args and args[0] in ("import", "fmt"):
        argv = [netc, args[0], "--diagnostics-format=json"]
        args = args[1:]
    tty = False
    stdout = subprocess.DEVNULL
    for arg in args:
        arg = arg.replace("{dir}", scratch)
        if arg.startswith("env:"):
            name, _, value = arg[4:].partition("=")
            env[name] = value
        elif arg == "stdout:tty":
            tty = True
        elif arg == "stdout:full":
            stdout = open("/dev/full", "wb")
        else:
            argv.append(arg)
    if not tty:
        result = subprocess.run(argv, cwd=scratch, env=env,
                                stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=subprocess.PIPE, timeout=scaled(60))
        if stdout is not subprocess.DEVNULL:
            stdout.close()
        return result.returncode, result.stderr.decode("utf-8", "replace")
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(argv, cwd=scratch, env=env,
                                stdin=subprocess.DEVNULL, stdout=follower,
                                stderr=subprocess.PIPE, timeout=scaled(60))
    finally:
        os.close(follower)
        os.close(leader)
    return result.returncode, result.stderr.decode("utf-8", "replace")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netc", required=True)
    options = parser.parse_args()
    netc = os.path.abspath(options.netc)
    problems = []
    cases = read_table()
    for number, id_, status, args in cases:
        with tempfile.TemporaryDirectory(prefix="netc-driver-") as scratch:
            shutil.copytree(os.path.dirname(TABLE), scratch,
                            dirs_exist_ok=True)
            got, err = run_case(netc, args, scratch)
        where = "diagnostics.txt:%d (%s)" % (number, id_)
        if got != status:
            problems.append("%s: exit status %d, expected %d\n%s"
                            % (where, got, status, err))
            continue
        try:
            # The ids of the diagnostics and of their notes.
            ids = [entry["id"] for d in json.loads(err)["diagnostics"]
                   for entry in [d] + d.get("notes", [])]
        except (ValueError, KeyError):
            problems.append("%s: standard error is not a JSON document:\n%s"
                            % (where, err))
            continue
        if id_ not in ids:
            problems.append("%s: not reported; got %s" % (where, ids))
    for problem in problems:
        print(problem)
    print("%d commands, %d problems" % (len(cases), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
