#!/usr/bin/env python3
"""Validates netc's JSON reports against docs/report.schema.json.

Runs `netc --emit=json` on every example (and every file given) with both
memory models and several memory options, and checks each document against
the schema (JSON Schema draft 2020-12, with Debian's python3-jsonschema).

    tools/validate_json.py [--netc PATH] [FILE.net...]
"""
import argparse
import glob
import json
import os
import subprocess
import sys

import jsonschema

VARIANTS = [
    [],
    ["--memory-model=pytorch", "--fit=24GiB"],
    ["--memory-model=pytorch", "--optimizer=adamw", "--precision=mixed",
     "--gpus=8", "--zero=3", "--fit=1KiB", "--batch=7"],
    ["--dtype=f64", "--optimizer=sgd", "--depth=1"],
    ["--tp=2", "--sp", "--recompute=selective", "--micro-batches=2",
     "--context=16", "--fit=1GiB"],
    # Fine-tuning: every layer frozen, the dense weights quantized.
    ["--freeze=*", "--weights=nf4", "--precision=mixed", "--optimizer=adam"],
]

# Options only some examples take: LoRA needs dense layers named as targets.
FILE_VARIANTS = {
    "llama.net": [["-D", "tokens=16", "--lora=rank=8,targets=q_proj,v_proj",
                   "--weights=int4", "--memory-model=pytorch"]],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", default="build/bin/netc")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    schema = json.load(open(os.path.join(root, "docs", "report.schema.json")))
    validator_class = jsonschema.Draft202012Validator
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    files = args.files or sorted(glob.glob(os.path.join(root, "examples",
                                                        "*.net")))
    documents = problems = 0
    for path in files:
        for options in VARIANTS + FILE_VARIANTS.get(os.path.basename(path), []):
            result = subprocess.run([args.netc, "--emit=json"] + options +
                                    [path], capture_output=True, text=True)
            name = "%s %s" % (os.path.relpath(path, root), " ".join(options))
            if result.returncode != 0:
                print("%s: netc failed: %s" % (name, result.stderr.strip()))
                problems += 1
                continue
            documents += 1
            for error in validator.iter_errors(json.loads(result.stdout)):
                print("%s: %s: %s" % (name, error.json_path, error.message))
                problems += 1
    print("%d documents validated, %d problems" % (documents, problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
