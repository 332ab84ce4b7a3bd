#!/usr/bin/env python3
"""Checks that every diagnostic declared in DiagnosticKinds.def is tested and
documented.

--verify: runs `netc --diagnostics-format=json` on every tests/verify/*.net
file, collects the ids of the diagnostics and notes they produce, and fails
listing each declared id that none produces, unless the command-line table
tests/driver/diagnostics.txt names it (the CTest driver/diagnostics runs
each of its commands: tools/check_driver_diagnostics.py) or it is in EXEMPT
below (ids that no file can trigger, each with the test that covers it
instead).
An exempt id that a verify file does produce fails too: drop the exemption.
So does a declared id that no code reports (diag::ID in src/ or include/),
unless EXEMPT lists it as dead (None).

--docs: fails listing each declared id without a `#### id` section in
docs/diagnostics.md, and each `#### err_/warn_/note_` section whose id is not
declared.

With neither option, does both.

With --unittests PATH (the netc-unittests binary), --verify also checks
that each test EXEMPT names ("unit/Suite.Name") exists.

    tools/check_diagnostic_coverage.py [--netc PATH] [--unittests PATH]
                                       [--verify] [--docs]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

from timeouts import scaled

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     ".."))

# Diagnostics no file in tests/verify/ can trigger, each with the test that
# covers it instead (a CTest name).
EXEMPT = {
    # The default limit is 1,000,000 layers: reaching it takes seconds and
    # ~440 MB, so the test lowers the limit (CheckOptions::maxLayers).
    "err_too_many_layers": "unit/Language.LayerLimit",
    "err_names_too_long": "unit/Limits.NameBytes",
    # --verify-diagnostics shows every error (a test file may expect any
    # number), so the error limit's message needs the driver.
    "err_too_many_errors": "unit/DriverTest.ErrorLimit",
    # A fixed file that cannot be written: a command line that provokes it
    # as root needs a read-only file system; the test writes to a folder
    # that does not exist.
    "err_file_write_fixed": "unit/OutputFiles.UnwritableFixedFileIsAnError",
    # A read-only file: git keeps no modes, so tests/driver/ cannot hold
    # one; the test makes it.
    "err_file_write_read_only":
        "unit/SafeOutput.ReadOnlyFilesAndFoldersAreRefused",
    # netc fmt's guard against its own bugs: the layout never changes the
    # tree (the test and the fuzzer check every file they have).
    "err_fmt_changes_tree": "unit/Format.EveryFileKeepsItsTreeAndIsStable",
    # Imports nested more than 64 deep need 66 files; the test builds them.
    "err_import_too_deep": "unit/ImportTest.ImportDepthIsLimited",
}


def declared_ids():
    path = os.path.join(ROOT, "include", "netc", "Basic", "DiagnosticKinds.def")
    with open(path, encoding="utf-8") as f:
        return re.findall(r"^DIAG\((\w+),", f.read(), re.M)


def referenced_ids():
    """The ids the code names as diag::ID (DiagnosticKinds.def aside)."""
    found = set()
    for top in ("src", "include"):
        for directory, _, names in os.walk(os.path.join(ROOT, top)):
            for name in names:
                if name.endswith((".cpp", ".h")):
                    with open(os.path.join(directory, name),
                              encoding="utf-8", errors="replace") as f:
                        found.update(re.findall(r"\bdiag::(\w+)", f.read()))
    return found


def produced_ids(netc):
    """{id: first verify file that produces it}."""
    produced = {}
    problems = []
    verify = os.path.join(ROOT, "tests", "verify")
    for path in sorted(glob.glob(os.path.join(verify, "*.net"))):
        name = os.path.basename(path)
        result = subprocess.run([netc, "--diagnostics-format=json", name],
                                cwd=verify, capture_output=True, timeout=scaled(120))
        try:
            document = json.loads(result.stderr.decode("utf-8", "replace"))
        except ValueError:
            problems.append("%s: standard error is not a JSON document" % name)
            continue
        for diagnostic in document["diagnostics"]:
            for entry in [diagnostic] + diagnostic["notes"]:
                if entry["id"] is not None:
                    produced.setdefault(entry["id"], name)
    return produced, problems


def gtest_names(unittests):
    """The CTest names ("unit/Suite.Name") of the GoogleTest cases."""
    result = subprocess.run([unittests, "--gtest_list_tests"],
                            capture_output=True, text=True, timeout=scaled(120))
    names, suite = set(), None
    for line in result.stdout.split("\n"):
        if line and not line.startswith(" "):
            suite = line.split()[0]
        elif line.strip() and suite:
            names.add("unit/" + suite + line.split()[0])
    return names


def check_verify(netc, ids, unittests=None):
    produced, problems = produced_ids(netc)
    # The command-line table: a verify file cannot pass options.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import check_driver_diagnostics
    for number, id_, _, _ in check_driver_diagnostics.read_table():
        if id_ not in ids:
            problems.append("tests/driver/diagnostics.txt:%d names %s, which "
                            "DiagnosticKinds.def does not declare"
                            % (number, id_))
        produced.setdefault(id_, "tests/driver/diagnostics.txt:%d" % number)
    if unittests:
        known = gtest_names(unittests)
        for id_, test in EXEMPT.items():
            if test is not None and test.startswith("unit/") and \
                    test not in known:
                problems.append("EXEMPT names %s for %s, which is not a test "
                                "of %s" % (test, id_, unittests))
    for id_ in EXEMPT:
        if id_ not in ids:
            problems.append("EXEMPT names %s, which DiagnosticKinds.def does "
                            "not declare" % id_)
        elif id_ in produced:
            problems.append("%s is exempt, but %s triggers it: remove it from "
                            "EXEMPT in %s" % (id_, produced[id_],
                                              os.path.relpath(__file__, ROOT)))
    referenced = referenced_ids()
    for id_ in ids:
        if id_ not in referenced and EXEMPT.get(id_, "") is not None:
            problems.append("%s: declared, but no code in src/ or include/ "
                            "reports it (diag::%s)" % (id_, id_))
    for id_, test in EXEMPT.items():
        if test is None and id_ in referenced:
            problems.append("%s is exempt as never reported, but the code "
                            "reports it now: name its test in EXEMPT" % id_)
    missing = [i for i in ids if i not in produced and i not in EXEMPT]
    for id_ in missing:
        problems.append("%s: no file in tests/verify/ triggers it; add a "
                        "--verify-diagnostics test (or, if no file can, an "
                        "exemption naming the test that covers it)" % id_)
    print("%d diagnostics declared: %d triggered by tests/verify/ or "
          "tests/driver/, %d exempt, "
          "%d untested" % (len(ids), len([i for i in ids if i in produced]),
                           len(EXEMPT), len(missing)))
    return problems


def check_docs(ids):
    path = os.path.join(ROOT, "docs", "diagnostics.md")
    with open(path, encoding="utf-8") as f:
        headings = re.findall(r"^#### (\S+)\s*$", f.read(), re.M)
    problems = []
    for id_ in ids:
        if id_ not in headings:
            problems.append("%s: docs/diagnostics.md has no '#### %s' section "
                            "with an example" % (id_, id_))
    for heading in headings:
        if re.match(r"^(err|warn|note)_", heading) and heading not in ids:
            problems.append("docs/diagnostics.md documents '%s', which "
                            "DiagnosticKinds.def does not declare" % heading)
    print("%d diagnostics declared, %d documented" % (
        len(ids), len([i for i in ids if i in headings])))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", default="build/bin/netc")
    parser.add_argument("--unittests")
    parser.add_argument("--verify", action="store_true")
    parser.add_argument("--docs", action="store_true")
    args = parser.parse_args()
    ids = declared_ids()
    problems = []
    if args.verify or not args.docs:
        problems += check_verify(os.path.abspath(args.netc), ids,
                                 args.unittests)
    if args.docs or not args.verify:
        problems += check_docs(ids)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
