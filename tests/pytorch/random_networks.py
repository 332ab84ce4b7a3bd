#!/usr/bin/env python3
"""The random differential test: netc-netgen's networks against torch.

netc-netgen (src/tools/netgen/) writes COUNT networks that check clean,
drawn from the op registry's signatures; each goes through
check_pytorch.py's comparison (the generated module compiles, passes
pyflakes3 and runs in torch 1.13 with netc's shapes, parameters, buffers,
MACs and saved bytes). CI runs a short run (CTest pytorch/random-networks);
a long run is the same command with a larger --count, for example

  tests/pytorch/random_networks.py --netc build/bin/netc \\
      --netgen build/bin/netc-netgen --count 5000 --seed 1000

Every network that disagrees is copied to --regressions (by default
tests/pytorch/regressions/, which pytorch/emitted-tests runs), to be fixed
and kept as a regression file. A network that is already kept there with
a '# known-difference' line (the same statements, comments aside) and
disagrees again is reported as known and not copied. Exits 1 when any
other network disagrees or netc-netgen could not use every op.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_pytorch import check_file, known_difference  # noqa: E402


def statements(path):
    """The file's text without comment lines: what two copies of one
    network share."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return "".join(line for line in f if not line.lstrip().startswith("#"))


def known_networks(folder):
    """The networks kept in folder with a known difference, by their
    statements."""
    known = {}
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        path = os.path.join(folder, name)
        if name.endswith(".net") and known_difference(path):
            known[statements(path)] = name
    return known


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--netc", required=True)
    parser.add_argument("--netgen", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--statements", type=int, default=6)
    parser.add_argument("--workdir", help="where the networks and modules go")
    parser.add_argument("--regressions",
                        default=os.path.join(here, "regressions"),
                        help="where disagreeing networks are copied "
                             "('' for nowhere)")
    args = parser.parse_args()
    work = args.workdir or tempfile.mkdtemp(prefix="netc-random-")
    nets = os.path.join(work, "networks")
    shutil.rmtree(nets, ignore_errors=True)
    gen = subprocess.run([args.netgen, "--seed", str(args.seed),
                          "--count", str(args.count),
                          "--statements", str(args.statements),
                          "--out", nets], capture_output=True, text=True)
    sys.stdout.write(gen.stdout)
    sys.stderr.write(gen.stderr)
    torch.set_num_threads(1)
    start = time.time()
    failed = []
    known = known_networks(os.path.join(here, "regressions"))
    for i in range(args.count):
        path = os.path.join(nets, "random-%d.net" % (args.seed + i))
        if not check_file(args.netc, path, work):
            if statements(path) in known:
                print("%s: known, kept as regressions/%s" %
                      (path, known[statements(path)]))
                continue
            failed.append(path)
            if args.regressions:
                os.makedirs(args.regressions, exist_ok=True)
                shutil.copy(path, args.regressions)
    print("random networks: %d tried (seeds %d to %d), %d disagree, %.1f s" %
          (args.count, args.seed, args.seed + args.count - 1, len(failed),
           time.time() - start))
    for path in failed:
        print("  disagrees: " + path)
    return 0 if not failed and gen.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
