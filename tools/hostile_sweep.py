#!/usr/bin/env python3
"""A sweep of hostile uses of netc that a fuzzer does not reach.

Runs netc on the file system, devices, signals, full disks, odd outputs and
absurd option values (the cases of issue 13), each in a scratch folder, and
checks the rules of docs/diagnostics.md: no crash or abort (no exit status
above 2 but 74 for a closed pipe, no "PLEASE submit a bug report"), no hang
(each run has a time limit), no input or protected file changed, no file
left behind, nothing read outside the project echoed. Prints one line per
group with its count of cases, and every failure; exits 1 on any failure.
Run as root in CI, as the issue's cases were found.

    tools/hostile_sweep.py --netc PATH
"""
import argparse
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time

from timeouts import scaled

CLEAN = "network N {\n  input x: [4]\n  output y = relu(x)\n}\n"
TYPO = "network N {\n  input x: [4]\n  output y = reul(x)\n}\n"
LIB = "block b(x) {\n  return relu(x)\n}\n"
MAIN = 'import "lib.net"\nnetwork M {\n  input x: [4]\n  output y = b(x)\n}\n'


class Sweep:
    def __init__(self, netc):
        self.netc = netc
        self.failures = []
        self.counts = {}
        self.group = None

    def begin(self, group):
        self.group = group
        self.counts[group] = 0

    def fail(self, what, detail):
        self.failures.append("%s: %s: %s" % (self.group, what, detail))

    def run(self, args, cwd, what, stdin=None, stdout=None, timeout=20,
            expect=None):
        timeout = scaled(timeout)
        """Runs netc; checks the exit status and the crash banner."""
        self.counts[self.group] += 1
        try:
            # A subcommand (netc import, netc fmt) comes first.
            if args[:1] in (["import"], ["fmt"]):
                argv = [self.netc, args[0], "--color=never"] + args[1:]
            else:
                argv = [self.netc, "--color=never"] + args
            r = subprocess.run(argv, cwd=cwd,
                               stdin=stdin if stdin is not None
                               else subprocess.DEVNULL,
                               stdout=stdout if stdout is not None
                               else subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.fail(what, "no answer in %.0f s" % timeout)
            return None
        err = r.stderr.decode(errors="replace")
        if r.returncode < 0 or r.returncode not in (0, 1, 2, 74):
            self.fail(what, "exit status %d: %s" % (r.returncode, err[-300:]))
        if "PLEASE submit" in err or "Stack dump" in err:
            self.fail(what, "crash banner: " + err[-300:])
        if expect is not None and r.returncode != expect:
            self.fail(what, "exit %d, expected %d: %s"
                      % (r.returncode, expect, err[-300:]))
        return r


def write(path, text, mode=None):
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def snapshot(folder):
    """Every entry under folder: its kind, mode, owner, inode and bytes."""
    result = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            data = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    data = f.read()
            elif stat.S_ISLNK(st.st_mode):
                data = os.readlink(p)
            result[os.path.relpath(p, folder)] = (
                stat.S_IFMT(st.st_mode), st.st_mode & 0o7777, st.st_uid,
                st.st_ino, data)
    return result


def project(base):
    d = tempfile.mkdtemp(dir=base)
    write(os.path.join(d, "model.net"), CLEAN)
    write(os.path.join(d, "typo.net"), TYPO)
    write(os.path.join(d, "lib.net"), LIB)
    write(os.path.join(d, "main.net"), MAIN)
    write(os.path.join(d, ".env"), "SECRET=hunter2\n")
    os.symlink("model.net", os.path.join(d, "link.net"))
    os.link(os.path.join(d, "lib.net"), os.path.join(d, "hard.net"))
    return d


def outputs(s, base):
    """-o onto everything it must not replace or damage."""
    s.begin("-o onto inputs, imports, links, devices and folders")
    for target, args in [
            ("model.net", ["model.net"]), ("link.net", ["model.net"]),
            ("lib.net", ["main.net", "--emit=json"]),
            ("hard.net", ["main.net"]), (".", ["model.net"]),
            ("missing/x", ["model.net"]), ("a" * 300, ["model.net"])]:
        d = project(base)
        before = snapshot(d)
        s.run(args + ["-o", target], d, "-o " + target[:20], expect=2)
        if snapshot(d) != before:
            s.fail("-o " + target[:20], "the folder changed")
    for device in ["/dev/null", "/dev/full", "/proc/self/fd/1"]:
        d = project(base)
        st = os.stat(device) if device != "/proc/self/fd/1" else None
        s.run(["model.net", "-o", device], d, "-o " + device)
        if st and (not stat.S_ISCHR(os.stat(device).st_mode)):
            s.fail("-o " + device, "the device was replaced")
    # A FIFO with a reader.
    d = project(base)
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
    s.run(["model.net", "-o", "fifo"], d, "-o fifo", expect=0)
    out = reader.communicate(timeout=20)[0]
    if b"network N" not in out or not stat.S_ISFIFO(os.stat(fifo).st_mode):
        s.fail("-o fifo", "the FIFO was not written through")
    # Modes and owners kept.
    for mode in [0o600, 0o640, 0o755]:
        d = project(base)
        write(os.path.join(d, "out.txt"), "old\n", mode)
        s.run(["model.net", "-o", "out.txt"], d, "-o mode %o" % mode,
              expect=0)
        if os.stat(os.path.join(d, "out.txt")).st_mode & 0o7777 != mode:
            s.fail("-o mode %o" % mode, "the mode changed")
    d = project(base)
    write(os.path.join(d, "ro.txt"), "old\n", 0o444)
    s.run(["model.net", "-o", "ro.txt"], d, "-o read-only", expect=2)


def fixits(s, base):
    s.begin("--fixit on links, hard links, CRLF, BOM, stdin and twice")
    for name, text in [("crlf.net", TYPO.replace("\n", "\r\n")),
                       ("bom.net", "\ufeff" + TYPO)]:
        d = project(base)
        write(os.path.join(d, name), text)
        s.run(["--fixit", name], d, "--fixit " + name)
        with open(os.path.join(d, name), newline="") as f:
            got = f.read()
        if got != text.replace("reul", "relu"):
            s.fail("--fixit " + name, "wrote %r" % got[:60])
    d = project(base)
    os.symlink("typo.net", os.path.join(d, "typo-link.net"))
    s.run(["--fixit", "typo-link.net"], d, "--fixit through a link")
    if not os.path.islink(os.path.join(d, "typo-link.net")) or \
            "relu" not in open(os.path.join(d, "typo.net")).read():
        s.fail("--fixit through a link", "the link was replaced")
    d = project(base)
    os.link(os.path.join(d, "typo.net"), os.path.join(d, "typo2.net"))
    s.run(["--fixit", "typo.net"], d, "--fixit a hard link")
    if os.stat(os.path.join(d, "typo.net")).st_ino != \
            os.stat(os.path.join(d, "typo2.net")).st_ino:
        s.fail("--fixit a hard link", "the links were split")
    d = project(base)
    with open(os.path.join(d, "typo.net")) as f:
        s.run(["--fixit", "-"], d, "--fixit -", stdin=f, expect=2)
    if os.path.exists(os.path.join(d, "<stdin>")):
        s.fail("--fixit -", "created <stdin>")
    # An input also imported: its fixes land once, whatever the order.
    fixed_lib = "block b(x) {\n  return relu(x)\n}\nnetwork L {\n" \
                "  input x: [4]\n  output y = sigmoid(x)\n}\n"
    for order in (["lib.net", "main.net"], ["main.net", "lib.net"]):
        d = project(base)
        write(os.path.join(d, "lib.net"), fixed_lib.replace(
            "relu", "reul").replace("sigmoid", "sigmoyd"))
        s.run(["--fixit"] + order, d, "--fixit " + " ".join(order))
        if open(os.path.join(d, "lib.net")).read() != fixed_lib:
            s.fail("--fixit " + " ".join(order), "lib.net not fixed once")
    d = project(base)
    write(os.path.join(d, "ro.net"), TYPO, 0o444)
    s.run(["--fixit", "ro.net"], d, "--fixit read-only", expect=2)
    if open(os.path.join(d, "ro.net")).read() != TYPO:
        s.fail("--fixit read-only", "the file was rewritten")


def formatting(s, base):
    s.begin("netc fmt on links, hard links, read-only files, devices and full disks")
    messy = "network N {\n  input x:[4]\n  output y=relu(x)\n}\n"
    tidy = "network N {\n  input x: [4]\n  output y = relu(x)\n}\n"
    d = project(base)
    write(os.path.join(d, "m.net"), messy, 0o640)
    os.symlink("m.net", os.path.join(d, "m-link.net"))
    os.link(os.path.join(d, "m.net"), os.path.join(d, "m-hard.net"))
    s.run(["fmt", "-i", "m-link.net"], d, "fmt -i through a link", expect=0)
    st = os.stat(os.path.join(d, "m.net"))
    if not os.path.islink(os.path.join(d, "m-link.net")) or \
            open(os.path.join(d, "m.net")).read() != tidy:
        s.fail("fmt -i through a link", "the link was replaced or not followed")
    if st.st_ino != os.stat(os.path.join(d, "m-hard.net")).st_ino or \
            st.st_mode & 0o7777 != 0o640:
        s.fail("fmt -i through a link", "the hard link or the mode was lost")
    d = project(base)
    write(os.path.join(d, "ro.net"), messy, 0o444)
    s.run(["fmt", "-i", "ro.net"], d, "fmt -i read-only", expect=2)
    if open(os.path.join(d, "ro.net")).read() != messy:
        s.fail("fmt -i read-only", "the file was rewritten")
    d = project(base)
    write(os.path.join(d, "m.net"), messy)
    before = snapshot(d)
    s.run(["fmt", "--check", "m.net"], d, "fmt --check", expect=1)
    if snapshot(d) != before:
        s.fail("fmt --check", "the folder changed")
    with open(os.path.join(d, "m.net")) as f:
        s.run(["fmt", "-i", "-"], d, "fmt -i -", stdin=f, expect=2)
    # (Reading /dev/zero to the size limit is the reads group's.)
    for device in ["/dev/null", "/dev/full"]:
        s.run(["fmt", "-i", device], d, "fmt -i " + device)
        if not stat.S_ISCHR(os.stat(device).st_mode):
            s.fail("fmt -i " + device, "the device was replaced")
    with open("/dev/full", "w") as full:
        s.run(["fmt", "m.net"], d, "fmt to /dev/full", stdout=full, expect=2)
        s.run(["fmt", "--check", "m.net"], d, "fmt --check to /dev/full",
              stdout=full, expect=2)


def reads(s, base):
    s.begin("devices, streams, folders and big files as inputs")
    d = project(base)
    for args in [["/dev/zero"], ["/dev/urandom"], ["/dev/null"], ["."],
                 ["/proc/self/mem"], ["nonexistent.net"]]:
        s.run(["--max-file-size=1"] + args, d, " ".join(args))
    with open("/dev/zero") as z:
        s.run(["--max-file-size=1", "-"], d, "- < /dev/zero", stdin=z,
              expect=2)
    # netc import reads a model whole: a device must be refused, not read
    # until memory runs out.
    for device in ["/dev/zero", "/dev/full", "/dev/urandom"]:
        s.run(["import", device], d, "import " + device, expect=2)
    write(os.path.join(d, "zero.net"), 'import "/dev/zero"\n' + CLEAN)
    s.run(["--max-file-size=1", "zero.net"], d, 'import "/dev/zero"',
          expect=1)
    with open(os.path.join(d, "sparse.net"), "wb") as f:
        f.truncate(2 << 30)
    write(os.path.join(d, "sp.net"), 'import "sparse.net"\n' + CLEAN)
    start = time.time()
    s.run(["sp.net"], d, "a 2 GiB sparse import", expect=1)
    if time.time() - start > scaled(5):
        s.fail("a 2 GiB sparse import", "took %.1f s" % (time.time() - start))


def imports(s, base):
    s.begin("imports outside the project, of secrets, through links")
    d = project(base)
    sub = os.path.join(d, "sub")
    os.mkdir(sub)
    os.symlink("..", os.path.join(sub, "up"))
    os.symlink(".", os.path.join(d, "loop"))
    os.symlink("../.env", os.path.join(sub, "env.net"))
    for path in ["../../etc/passwd", "/etc/passwd", ".env", "sub/env.net",
                 "../" + os.path.basename(base), "/etc/hostname.net",
                 "loop/loop/loop/main.net", "sub/up/lib.net", "loop"]:
        write(os.path.join(d, "imp.net"), 'import "%s"\n' % path + CLEAN)
        r = s.run(["imp.net"], d, "import " + path)
        if r is None:
            continue
        err = r.stderr.decode(errors="replace")
        if "hunter2" in err or "root:" in err:
            s.fail("import " + path, "echoed another file: " + err[-200:])
        if "defined twice" in err:
            s.fail("import " + path, "no cycle found: " + err[-200:])


def signals(s, base):
    s.begin("SIGINT and SIGTERM during a large -o")
    for sig in [signal.SIGINT, signal.SIGTERM]:
        d = project(base)
        with open(os.path.join(d, "big.net"), "w") as f:
            f.write("network Big {\n  input x: [4]\n")
            for _ in range(300000):
                f.write("  x = relu(x)\n")
            f.write("  output y = x\n}\n")
        write(os.path.join(d, "out.json"), "old\n")
        s.counts[s.group] += 1
        p = subprocess.Popen([s.netc, "--max-layers=400000", "--emit=json",
                              "big.net", "-o", "out.json"], cwd=d,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        # Signalled while the temporary is being written.
        deadline = time.time() + 30
        while time.time() < deadline and p.poll() is None and \
                not any(n.startswith(".netc-") for n in os.listdir(d)):
            time.sleep(0.005)
        if p.poll() is not None:
            s.fail("signal %d" % sig, "netc ended before writing began")
            continue
        p.send_signal(sig)
        p.wait(timeout=20)
        left = [n for n in os.listdir(d) if n.startswith(".netc-")]
        if left:
            s.fail("signal %d" % sig, "left " + ", ".join(left))
        if open(os.path.join(d, "out.json")).read() not in ("old\n",) and \
                not open(os.path.join(d, "out.json")).read().endswith("}\n"):
            s.fail("signal %d" % sig, "out.json half written")


def streams(s, base):
    s.begin("full and closed standard streams")
    d = project(base)
    with open("/dev/full", "w") as full:
        s.run(["model.net"], d, "stdout /dev/full", stdout=full, expect=2)
    s.counts[s.group] += 1
    p = subprocess.run("%s typo.net 2>/dev/full; echo $?" % s.netc,
                       shell=True, cwd=d, capture_output=True, text=True)
    if p.stdout.strip() != "1":
        s.fail("stderr /dev/full", "exit " + p.stdout.strip())
    s.counts[s.group] += 1
    p = subprocess.run("%s model.net >&-; echo $?" % s.netc, shell=True,
                       cwd=d, capture_output=True, text=True)
    if p.stdout.strip() not in ("2",):
        s.fail("stdout closed", "exit " + p.stdout.strip())


def numbers(s, base):
    s.begin("absurd numeric option values")
    d = project(base)
    values = ["0", "-1", "010", "0b11", "0x10", "1e3", "+3", "3_", "_3",
              "1__0", " 3", "3 ", "", "nan", "inf", "-0",
              "9223372036854775807", "9223372036854775808",
              "-9223372036854775809", "99999999999999999999999", "1.5",
              "١٢"]
    options = ["--batch", "--depth", "--max-layers", "--max-steps",
               "--max-import-depth", "--max-file-size", "--max-name-bytes",
               "--gpus", "--zero", "--error-limit", "--render-timeout"]
    # Not decimal integers: refused by every option, whatever its range.
    refused = {"0b11", "0x10", "1e3", "+3", "3_", "_3", "1__0", " 3", "3 ",
               "", "nan", "inf", "99999999999999999999999", "1.5", "١٢"}
    for option in options:
        for value in values:
            expect = 2 if value in refused and not (
                option == "--render-timeout" and value in ("1e3", "1.5")) \
                else None
            s.run([option + "=" + value, "--emit=none", "model.net"], d,
                  "%s=%r" % (option, value), expect=expect)
    for value in ["0x10", "0b11", "inf", "nan", "1e", "--", "1_0"]:
        s.run(["-D", "size=" + value, "model.net"], d, "-D size=" + value)
    for value in ["0x10GB", "-1GB", "1e400B", "nanGB", "24 GiB", "1_000MB"]:
        s.run(["--fit", value, "model.net"], d, "--fit " + value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netc", required=True)
    args = parser.parse_args()
    s = Sweep(os.path.abspath(args.netc))
    with tempfile.TemporaryDirectory(prefix="netc-sweep-") as base:
        for group in [outputs, fixits, formatting, reads, imports, signals,
                      streams, numbers]:
            group(s, base)
    total = 0
    for group, count in s.counts.items():
        print("%4d  %s" % (count, group))
        total += count
    print("%4d  cases, %d failures" % (total, len(s.failures)))
    for f in s.failures:
        print("FAIL " + f)
    return 1 if s.failures else 0


if __name__ == "__main__":
    sys.exit(main())
