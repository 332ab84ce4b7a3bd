#!/usr/bin/env python3
"""Validates netc's machine-readable diagnostics.

Runs `netc --diagnostics-format=json` and `--diagnostics-format=sarif` on
every file in tests/verify/ (they hold errors, warnings, notes and fix-its),
and on a few command lines that exercise the warning options and the
driver's own errors, and checks that:

- standard error holds exactly one JSON document;
- the JSON document validates against docs/diagnostics.schema.json, and the
  SARIF log against docs/sarif-subset.schema.json (JSON Schema, with
  Debian's python3-jsonschema);
- both agree with the text output: the same diagnostics and notes, in the
  same order, at the same file, line and column, with the same severity and
  message;
- the SARIF log agrees with the JSON document (rule ids and indexes, levels,
  messages, columns: equal to the JSON's byte columns on ASCII lines), and
  every id is declared in include/netc/Basic/DiagnosticKinds.def.

    tools/validate_diagnostics.py [--netc PATH] [FILE.net...]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

from timeouts import scaled

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     ".."))
TEXT_LINE = re.compile(r"^(.*?):(\d+):(\d+): (error|warning|note): (.*)$")
TOOL_LINE = re.compile(r"^netc: (error|warning|note): (.*)$")


def declared_ids():
    path = os.path.join(ROOT, "include", "netc", "Basic", "DiagnosticKinds.def")
    with open(path, encoding="utf-8") as f:
        return re.findall(r"^DIAG\((\w+),", f.read(), re.M)


def load_schema(name, validator_class):
    with open(os.path.join(ROOT, "docs", name), encoding="utf-8") as f:
        schema = json.load(f)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=jsonschema.FormatChecker())


def run(netc, args, cwd):
    result = subprocess.run([netc, "--color=never"] + args, cwd=cwd,
                            capture_output=True, timeout=scaled(120))
    return result.returncode, result.stderr.decode("utf-8", "replace")


def text_records(stderr):
    """(file, line, column, severity, message) of each diagnostic line the
    text output prints; file, line and column are None without a location."""
    records = []
    for line in stderr.split("\n"):
        match = TEXT_LINE.match(line)
        if match and not line.startswith("netc: "):
            records.append((match.group(1), int(match.group(2)),
                            int(match.group(3)), match.group(4),
                            match.group(5)))
            continue
        match = TOOL_LINE.match(line)
        if match:
            records.append((None, None, None, match.group(1), match.group(2)))
    return records


def json_records(document):
    records = []

    def add(entry, option):
        location = entry["location"]
        message = entry["message"] + (" [%s]" % option if option else "")
        if location is None:
            records.append((None, None, None, entry["severity"], message))
        else:
            records.append((location["file"], location["line"],
                            location["column"], entry["severity"], message))

    for diagnostic in document["diagnostics"]:
        add(diagnostic, diagnostic["option"])
        for note in diagnostic["notes"]:
            add(note, None)
    return records


def line_of(path, cwd, number):
    """Line `number` of a file, as bytes (b"" when unreadable)."""
    try:
        with open(os.path.join(cwd, path), "rb") as f:
            lines = f.read().split(b"\n")
        return lines[number - 1] if 0 < number <= len(lines) else b""
    except OSError:
        return b""


def check_sarif_against_json(name, sarif, document, cwd, problems):
    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    located = [d for d in document["diagnostics"]
               if d["location"] is not None]
    tool_messages = [d for d in document["diagnostics"]
                     if d["location"] is None]
    if len(results) != len(located):
        problems.append("%s: %d SARIF results, %d JSON diagnostics with a "
                        "location" % (name, len(results), len(located)))
        return
    notifications = run_["invocations"][0]["toolExecutionNotifications"]
    if [(n["message"]["text"], n.get("descriptor", {}).get("id"))
            for n in notifications] != \
            [(d["message"], d["id"]) for d in tool_messages]:
        problems.append("%s: SARIF notifications differ from the JSON "
                        "diagnostics without a location" % name)
    if run_["invocations"][0]["executionSuccessful"] != \
            all(d["severity"] != "error" for d in tool_messages):
        problems.append("%s: executionSuccessful is wrong" % name)
    for result, diagnostic in zip(results, located):
        where = "%s: result %r" % (name, diagnostic["id"])
        if result["ruleId"] != diagnostic["id"]:
            problems.append("%s: ruleId %r" % (where, result["ruleId"]))
        if rules[result["ruleIndex"]]["id"] != result["ruleId"]:
            problems.append("%s: ruleIndex %d names %r" % (
                where, result["ruleIndex"], rules[result["ruleIndex"]]["id"]))
        if result["level"] != diagnostic["severity"]:
            problems.append("%s: level %r" % (where, result["level"]))
        if result["message"]["text"] != diagnostic["message"]:
            problems.append("%s: message differs" % where)
        if result.get("properties", {}).get("warningOption") != \
                diagnostic["option"]:
            problems.append("%s: warningOption differs" % where)
        location = diagnostic["location"]
        if location is None:
            if result["locations"]:
                problems.append("%s: a location JSON does not have" % where)
            continue
        region = result["locations"][0]["physicalLocation"]["region"]
        if region["startLine"] != location["line"]:
            problems.append("%s: startLine %d, JSON line %d" % (
                where, region["startLine"], location["line"]))
        source = line_of(location["file"], cwd, location["line"])
        if all(b < 0x80 for b in source):
            # On an ASCII line code points are bytes: the region starts at
            # the caret or at the start of the range that holds it.
            starts = [location["column"]] + [
                r["start"]["column"] for r in diagnostic["ranges"]
                if r["start"]["line"] == location["line"]]
            if region["startColumn"] not in starts:
                problems.append("%s: startColumn %d, JSON column %d" % (
                    where, region["startColumn"], location["column"]))
        notes = [r for r in result.get("relatedLocations", [])
                 if "message" in r]
        if [n["message"]["text"] for n in notes] != \
                [n["message"] for n in diagnostic["notes"]]:
            problems.append("%s: notes differ" % where)
        fixits = sum(len(change["replacements"])
                     for fix in result.get("fixes", [])
                     for change in fix["artifactChanges"])
        expected = len(diagnostic["fixits"]) + sum(
            len(n["fixits"]) for n in diagnostic["notes"])
        if fixits != expected:
            problems.append("%s: %d SARIF replacements, %d JSON fix-its" % (
                where, fixits, expected))


def check_command(netc, name, args, cwd, validators, ids, problems, stats):
    status, text = run(netc, args, cwd)
    documents = {}
    for fmt in ("json", "sarif"):
        fmt_status, stderr = run(netc, ["--diagnostics-format=" + fmt] + args,
                                 cwd)
        label = "%s [%s]" % (name, fmt)
        if fmt_status != status:
            problems.append("%s: exit status %d, %d with text" % (
                label, fmt_status, status))
        try:
            document = json.loads(stderr)
        except ValueError as error:
            problems.append("%s: standard error is not one JSON document "
                            "(%s): %r" % (label, error, stderr[:200]))
            continue
        stats[fmt] += 1
        for error in validators[fmt].iter_errors(document):
            problems.append("%s: %s: %s" % (label, error.json_path,
                                            error.message))
        documents[fmt] = document
    if "json" not in documents:
        return
    document = documents["json"]
    for diagnostic in document["diagnostics"]:
        for entry in [diagnostic] + diagnostic.get("notes", []):
            if entry["id"] is not None and entry["id"] not in ids:
                problems.append("%s: id %r is not declared" % (name,
                                                               entry["id"]))
    expected, got = text_records(text), json_records(document)
    if expected != got:
        problems.append("%s: the JSON differs from the text:\n  text: %s\n"
                        "  json: %s" % (name, expected, got))
    if "sarif" in documents:
        try:
            check_sarif_against_json(name, documents["sarif"], document, cwd,
                                     problems)
        except (KeyError, IndexError, TypeError) as error:
            problems.append("%s [sarif]: malformed: %r" % (name, error))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", default="build/bin/netc")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    netc = os.path.abspath(args.netc)
    validators = {
        "json": load_schema("diagnostics.schema.json",
                            jsonschema.Draft202012Validator),
        "sarif": load_schema("sarif-subset.schema.json",
                             jsonschema.Draft7Validator),
    }
    ids = set(declared_ids())
    problems = []
    stats = {"json": 0, "sarif": 0}
    verify = os.path.join(ROOT, "tests", "verify")
    files = args.files or sorted(glob.glob(os.path.join(verify, "*.net")))
    for path in files:
        # Relative to tests/verify, as a user would run it (SARIF then uses
        # a uriBaseId); absolute paths are checked below.
        directory, base = os.path.split(os.path.abspath(path))
        check_command(netc, base, [base], directory, validators, ids,
                      problems, stats)

    if not args.files:
        scratch = tempfile.mkdtemp(prefix="netc-diagnostics-")
        unused = os.path.join(scratch, "unused input.net")
        with open(unused, "w", encoding="utf-8") as f:
            f.write("network N(size=4) {\n  input x: [size]\n"
                    "  input mask: [10]\n  output y = relu(x)\n}\n")
        fixit = os.path.join(verify, "name-unknown-op-suggestion.net")
        commands = [
            ("absolute path", [unused]),
            ("-Werror", ["-Werror", unused]),
            ("-Werror=unused-input", ["-Werror=unused-input", unused]),
            ("-Wno-unused-input", ["-Wno-unused-input", unused]),
            ("unknown -W option", ["-Wunused-inptu", unused]),
            ("unknown -W option, -Werror", ["-Werror", "-Wfoo", unused]),
            ("bad -D", ["-D", "sise=3", unused]),
            ("missing file", [os.path.join(scratch, "missing.net")]),
            ("bad option value", ["--batch=0", unused]),
            ("fix-it, absolute path", [fixit]),
        ]
        for name, command in commands:
            check_command(netc, name, command, scratch, validators, ids,
                          problems, stats)

    for problem in problems:
        print(problem)
    print("%d JSON and %d SARIF documents validated, %d problems" % (
        stats["json"], stats["sarif"], len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
