#!/usr/bin/python3
"""netc's benchmark: netc against ONNX shape inference on the same graphs.

Generates the networks (a chain of N conv2d+relu, a wide DAG of concats,
a deeply nested block expansion) as .net files and as ONNX models, runs
netc on each, times onnx.shape_inference.infer_shapes on the identical
graph, and prints Markdown tables: wall time, CPU time, peak RSS and
throughput per size, the ratio netc/ONNX, and how time grows per 10x.

Every measurement is a child process: wall time from the parent, CPU time
and peak RSS from os.wait4 (that child's own rusage). Each run has a time
limit; the ONNX runs also have a memory limit. Run it with bench/run.sh,
which builds netc first; see docs/performance.md.

--baseline PATH times a second netc binary (an older build) on the same
files, right after each run of the first, so that a change is measured
before and after in one run on one machine state; the tables gain its
wall time and the ratio new / baseline.
"""

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

# ---------------------------------------------------------------------------
# The workloads. Each has a .net writer, an ONNX writer, and its layer count
# (the ONNX node count; netc adds one layer for the input).

CHANNELS = 16
SIZE = 8  # spatial size of the input: [16, 8, 8] per sample


def chain_net(n, out):
    out.write("# %d x (conv2d 3x3 + relu): %d layers after the input\n"
              % (n, 2 * n))
    out.write("network Chain {\n  input x: [%d, %d, %d]\n"
              % (CHANNELS, SIZE, SIZE))
    line = "  x = x |> conv2d(%d, kernel=3, padding=1) |> relu\n" % CHANNELS
    for _ in range(n):
        out.write(line)
    out.write("  output y = x\n}\n")


DAG_WIDTH = 16  # branches per stage, each conv2d 1x1 (4 channels) + relu


def dag_net(stages, out):
    w = DAG_WIDTH
    out.write("# %d stages of %d branches joined by concat: %d layers\n"
              % (stages, w, stages * (2 * w + 2)))
    out.write("network Dag {\n  input x: [%d, %d, %d]\n"
              % (CHANNELS, SIZE, SIZE))
    branches = ", ".join("b%d" % j for j in range(w))
    stage = "".join("  b%d = x |> conv2d(4, kernel=1) |> relu\n" % j
                    for j in range(w))
    stage += "  x = concat(%s) |> conv2d(%d, kernel=1)\n" % (branches,
                                                              CHANNELS)
    for _ in range(stages):
        out.write(stage)
    out.write("  output y = x\n}\n")


def nested_net(depth, out):
    out.write("# blocks nested %d deep, each calling the one below twice: "
              "%d layers\n" % (depth, 2 ** (depth + 1)))
    out.write("block b0(x) {\n  return x |> conv2d(%d, kernel=3, padding=1)"
              " |> relu\n}\n" % CHANNELS)
    for k in range(1, depth + 1):
        out.write("block b%d(x) {\n  for i in 0..2 {\n    x = b%d(x)\n  }\n"
                  "  return x\n}\n" % (k, k - 1))
    out.write("network Nested {\n  input x: [%d, %d, %d]\n"
              "  output y = b%d(x)\n}\n" % (CHANNELS, SIZE, SIZE, depth))


# (name, writer, parameter for each tier 1k / 10k / 100k / 1M layers,
#  layer count of a parameter, ONNX graph of a parameter)
def chain_layers(n):
    return 2 * n


def dag_layers(s):
    return s * (2 * DAG_WIDTH + 2)


def nested_layers(d):
    return 2 ** (d + 1)


WORKLOADS = {
    # The chain's size is N, the number of conv2d+relu pairs.
    "chain": (chain_net, chain_layers, {"1k": 1000, "10k": 10000,
                                        "100k": 100000, "1M": 1000000}),
    "dag": (dag_net, dag_layers, {"1k": 30, "10k": 300, "100k": 3000,
                                  "1M": 30000}),
    "nested": (nested_net, nested_layers, {"1k": 9, "10k": 12, "100k": 16,
                                           "1M": 19}),
}


def describe(kind, param):
    if kind == "chain":
        return "chain N=%s" % human(param)
    if kind == "dag":
        return "dag %d stages x %d" % (param, DAG_WIDTH)
    return "nested depth %d" % param


def human(n):
    for unit, size in (("M", 1000000), ("k", 1000)):
        if n >= size and n % (size // 10) == 0:
            value = n / size
            return ("%d%s" % (value, unit)) if value == int(value) else \
                ("%.1f%s" % (value, unit))
    return str(n)


# ---------------------------------------------------------------------------
# ONNX models. Weights are graph inputs with a type and shape (no tensor
# data), so the model stays small; shape inference needs only their shapes.
# Nodes are written in chunks: protobuf merges concatenated messages,
# appending repeated fields in order, so the file is one ModelProto.

def onnx_nodes(kind, param):
    """Yields (inputs, nodes) chunks: lists of ValueInfoProto and NodeProto."""
    from onnx import TensorProto, helper
    fl = TensorProto.FLOAT

    def conv(x, out, weight, bias, cout, cin, k):
        inputs = [helper.make_tensor_value_info(weight, fl, [cout, cin, k, k]),
                  helper.make_tensor_value_info(bias, fl, [cout])]
        pad = (k - 1) // 2
        node = helper.make_node("Conv", [x, weight, bias], [out],
                                kernel_shape=[k, k], pads=[pad] * 4)
        return inputs, node

    if kind in ("chain", "nested"):
        pairs = param if kind == "chain" else 2 ** param
        prev = "x"
        inputs, nodes = [], []
        for i in range(pairs):
            ins, node = conv(prev, "c%d" % i, "w%d" % i, "b%d" % i,
                             CHANNELS, CHANNELS, 3)
            inputs += ins
            nodes.append(node)
            nodes.append(helper.make_node("Relu", ["c%d" % i], ["r%d" % i]))
            prev = "r%d" % i
            if len(nodes) >= 20000:
                yield inputs, nodes
                inputs, nodes = [], []
        yield inputs, nodes
        return "r%d" % (pairs - 1)
    # dag
    prev = "x"
    inputs, nodes = [], []
    for s in range(param):
        outs = []
        for j in range(DAG_WIDTH):
            c, r = "s%d_c%d" % (s, j), "s%d_r%d" % (s, j)
            ins, node = conv(prev, c, "s%d_w%d" % (s, j), "s%d_b%d" % (s, j),
                             4, CHANNELS, 1)
            inputs += ins
            nodes.append(node)
            nodes.append(helper.make_node("Relu", [c], [r]))
            outs.append(r)
        nodes.append(helper.make_node("Concat", outs, ["s%d_cat" % s],
                                      axis=1))
        ins, node = conv("s%d_cat" % s, "s%d_x" % s, "s%d_w" % s,
                         "s%d_b" % s, CHANNELS, 4 * DAG_WIDTH, 1)
        inputs += ins
        nodes.append(node)
        prev = "s%d_x" % s
        if len(nodes) >= 20000:
            yield inputs, nodes
            inputs, nodes = [], []
    yield inputs, nodes
    return prev


def write_onnx(kind, param, path):
    """Writes the ONNX model of a workload; returns its node count."""
    import onnx
    from onnx import TensorProto, helper
    head = helper.make_model(
        helper.make_graph([], "bench",
                          [helper.make_tensor_value_info(
                              "x", TensorProto.FLOAT,
                              [1, CHANNELS, SIZE, SIZE])], []),
        opset_imports=[helper.make_opsetid("", 13)])
    count = 0
    with open(path, "wb") as f:
        f.write(head.SerializeToString())
        chunks = onnx_nodes(kind, param)
        while True:
            try:
                inputs, nodes = next(chunks)
            except StopIteration as stop:
                last = stop.value
                break
            part = onnx.ModelProto()
            part.graph.input.extend(inputs)
            part.graph.node.extend(nodes)
            count += len(nodes)
            f.write(part.SerializeToString())
        tail = onnx.ModelProto()
        tail.graph.output.extend(
            [helper.make_tensor_value_info(last, TensorProto.FLOAT, None)])
        f.write(tail.SerializeToString())
    return count


def onnx_infer_child(path):
    """Child process: loads the model, times infer_shapes, prints JSON."""
    import onnx
    model = onnx.load(path)
    nodes = len(model.graph.node)
    start = time.perf_counter()
    inferred = onnx.shape_inference.infer_shapes(model)
    seconds = time.perf_counter() - start
    # Every node output but the graph output gets a value_info.
    print(json.dumps({"seconds": seconds, "nodes": nodes,
                      "value_info": len(inferred.graph.value_info)}))


# ---------------------------------------------------------------------------
# Running children.

def run(cmd, timeout, memory_limit=None, capture=False):
    """Runs cmd; returns wall and CPU seconds, peak RSS (KiB), status.

    The child's output goes to files, not pipes, so that nothing waits on
    the parent; os.wait4 gives that child's own rusage.
    """
    def limit():
        os.setsid()
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS,
                               (memory_limit, memory_limit))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out if capture
                                else subprocess.DEVNULL,
                                stderr=err, preexec_fn=limit)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                "rss_kib": usage.ru_maxrss, "status": proc.returncode,
                "timed_out": timed_out.is_set(),
                "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace")}


def best_of(runs):
    """The median run by wall time."""
    runs = sorted(runs, key=lambda r: r["wall"])
    return runs[len(runs) // 2]


def bench_netc(netc, path, layers, args, emit="none"):
    cmd = [netc, "--max-layers=%d" % (layers + 10), "--emit=" + emit, path]
    repeat = args.repeat if layers <= 20000 else 1
    runs = []
    for _ in range(repeat):
        r = run(cmd, args.timeout)
        if r["timed_out"] or r["status"] != 0:
            return r
        runs.append(r)
    return best_of(runs)


def bench_onnx(kind, param, workdir, args, log):
    path = os.path.join(workdir, "%s-%s.onnx" % (kind, param))
    build = run([sys.executable, os.path.abspath(__file__), "--write-onnx",
                 kind, str(param), path], args.onnx_timeout,
                args.onnx_memory_limit, capture=True)
    if build["timed_out"] or build["status"] != 0:
        if build["timed_out"]:
            reason = "timed out after %d s" % args.onnx_timeout
        else:
            last = build["stderr"].strip().splitlines()[-1:]
            reason = "failed: " + (last[0][:120] if last else
                                   "exit %d" % build["status"])
        return {"skipped": "building the model " + reason}
    size = os.path.getsize(path)
    if size >= 2 ** 31:
        os.unlink(path)
        return {"skipped": "model is %d bytes, over protobuf's 2 GiB" % size}
    r = run([sys.executable, os.path.abspath(__file__), "--onnx-infer",
             path], args.onnx_timeout, args.onnx_memory_limit, capture=True)
    os.unlink(path)
    if r["timed_out"]:
        return {"skipped": "timed out after %d s" % args.onnx_timeout}
    if r["status"] != 0:
        last = r["stderr"].strip().splitlines()[-1:] or ["exit %d"
                                                         % r["status"]]
        return {"skipped": "failed: " + last[0][:120]}
    result = json.loads(r["stdout"].strip().splitlines()[-1])
    result.update(rss_kib=r["rss_kib"], process_wall=r["wall"],
                  model_bytes=size)
    return result


# ---------------------------------------------------------------------------
# Tables.

def fmt_s(seconds):
    if seconds is None:
        return "-"
    if seconds < 1:
        return "%.1f ms" % (seconds * 1000)
    return "%.2f s" % seconds


def fmt_mib(kib):
    return "-" if kib is None else "%.0f MiB" % (kib / 1024)


def fmt_rate(n, seconds):
    if not seconds:
        return "-"
    rate = n / seconds
    if rate >= 1e6:
        return "%.2fM/s" % (rate / 1e6)
    return "%.0fk/s" % (rate / 1e3)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        mem = 0
    load = os.getloadavg()
    try:
        import onnx
        onnx_version = onnx.__version__
    except ImportError:
        onnx_version = "not installed"
    return ("%s, %d CPUs, %.0f GiB RAM, %s %s; load average at start %.2f; "
            "Python %s, onnx %s"
            % (cpu, os.cpu_count(), mem, platform.system(), platform.release(),
               load[0], platform.python_version(), onnx_version))


def baseline_table(results):
    """Lines of the before/after table, when a baseline ran."""
    lines = ["| graph | layers | baseline wall | netc wall | netc / baseline "
             "| baseline peak RSS | netc peak RSS |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        n, b = r["netc"], r.get("baseline")
        if not b:
            continue
        ok = n.get("status") == 0 and b.get("status") == 0 and \
            not n.get("timed_out") and not b.get("timed_out")
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            r["graph"], format(r["layers"], ","),
            fmt_s(b["wall"]) if ok else failure(b),
            fmt_s(n["wall"]) if ok else failure(n),
            "%.2f" % (n["wall"] / b["wall"]) if ok else "-",
            fmt_mib(b.get("rss_kib")) if ok else "-",
            fmt_mib(n.get("rss_kib")) if ok else "-"))
    return lines


def formats_table(results):
    """What each report format adds to --emit=none: wall time and peak RSS,
    each with its ratio to --emit=none's."""
    formats = []
    for r in results:
        for fmt in r.get("formats") or {}:
            if fmt not in formats:
                formats.append(fmt)
    if not formats:
        return []
    lines = ["| graph | layers | --emit=none | " +
             " | ".join("--emit=" + f for f in formats) + " |",
             "|---|--:|--:|" + "--:|" * len(formats)]
    for r in results:
        n = r["netc"]
        if n.get("status") != 0 or n.get("timed_out"):
            continue
        cells = []
        for fmt in formats:
            t = (r.get("formats") or {}).get(fmt)
            if not t or t.get("status") != 0 or t.get("timed_out"):
                cells.append("-")
                continue
            cells.append("%s (x%.2f), %s (x%.2f)" % (
                fmt_s(t["wall"]), t["wall"] / n["wall"],
                fmt_mib(t["rss_kib"]), t["rss_kib"] / n["rss_kib"]))
        lines.append("| %s | %s | %s, %s | %s |" % (
            r["graph"], format(r["layers"], ","), fmt_s(n["wall"]),
            fmt_mib(n["rss_kib"]), " | ".join(cells)))
    lines.append("")
    return lines


def markdown(results, resnet):
    lines = []
    lines.append("| graph | layers | .net file | netc wall | netc CPU | "
                 "netc peak RSS | RSS / file | netc layers/s | netc MB/s | "
                 "netc + table | ONNX infer_shapes | ONNX peak RSS | "
                 "netc / ONNX |")
    lines.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        n = r["netc"]
        ok = "wall" in n and not n.get("timed_out") and n.get("status") == 0
        o = r["onnx"]
        onnx_wall = o.get("seconds")
        ratio = "%.2f" % (n["wall"] / onnx_wall) if ok and onnx_wall else "-"
        t = r.get("table") or {}
        lines.append("| %s | %s | %.1f MB | %s | %s | %s | %s | %s | %s | %s "
                     "| %s | %s | %s |" % (
                         r["graph"], format(r["layers"], ","),
                         r["file_bytes"] / 1e6,
                         fmt_s(n["wall"]) if ok else failure(n),
                         fmt_s(n["cpu"]) if ok else "-",
                         fmt_mib(n["rss_kib"]) if ok else "-",
                         "%.0fx" % (n["rss_kib"] * 1024 / r["file_bytes"])
                         if ok else "-",
                         fmt_rate(r["layers"], n["wall"]) if ok else "-",
                         "%.1f" % (r["file_bytes"] / 1e6 / n["wall"])
                         if ok else "-",
                         fmt_s(t["wall"]) if t.get("status") == 0 else "-",
                         fmt_s(onnx_wall) if onnx_wall else
                         "skipped: " + o.get("skipped", "?"),
                         fmt_mib(o.get("rss_kib")),
                         ratio))
    lines.append("")
    lines += formats_table(results)
    # Growth: how time grows with the layers, from the 10k tier up.
    lines.append("| graph | 10k -> 100k: layers x | time x | 100k -> 1M: "
                 "layers x | time x |")
    lines.append("|---|--:|--:|--:|--:|")
    by_kind = {}
    for r in results:
        by_kind.setdefault(r["kind"], {})[r["tier"]] = r
    for kind, tiers in by_kind.items():
        cells = []
        for lo, hi in (("10k", "100k"), ("100k", "1M")):
            a, b = tiers.get(lo), tiers.get(hi)
            if a and b and a["netc"].get("status") == 0 and \
                    b["netc"].get("status") == 0:
                cells += ["%.1f" % (b["layers"] / a["layers"]),
                          "%.1f" % (b["netc"]["wall"] / a["netc"]["wall"])]
            else:
                cells += ["-", "-"]
        lines.append("| %s | %s |" % (kind, " | ".join(cells)))
    if any(r.get("baseline") for r in results):
        lines.append("")
        lines += baseline_table(results)
    if resnet:
        lines.append("")
        lines.append("`netc examples/resnet50.net` (table to /dev/null), %d "
                     "runs: median %s, fastest %s wall; median CPU %s"
                     % (resnet["runs"], fmt_s(resnet["median"]),
                        fmt_s(resnet["min"]), fmt_s(resnet["cpu"])))
        b = resnet.get("baseline")
        if b:
            lines.append("")
            lines.append("the baseline, alternated with it, %d runs: median "
                         "%s, fastest %s wall; median CPU %s"
                         % (b["runs"], fmt_s(b["median"]), fmt_s(b["min"]),
                            fmt_s(b["cpu"])))
    return "\n".join(lines)


def failure(run_result):
    if run_result.get("timed_out"):
        return "timed out"
    return "failed (exit %s)" % run_result.get("status")


# ---------------------------------------------------------------------------

def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "--write-onnx":
        print(write_onnx(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "--onnx-infer":
        onnx_infer_child(sys.argv[2])
        return 0

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--netc", required=True, help="the netc binary")
    parser.add_argument("--tiers", default="1k,10k,100k,1M",
                        help="sizes to run (default 1k,10k,100k,1M)")
    parser.add_argument("--graphs", default="chain,dag,nested",
                        help="workloads (default chain,dag,nested)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per small graph; the median is shown")
    parser.add_argument("--timeout", type=float, default=600,
                        help="time limit of each netc run, seconds")
    parser.add_argument("--onnx-timeout", type=float, default=600,
                        help="time limit of each ONNX run, seconds")
    parser.add_argument("--onnx-memory-limit", type=float, default=12,
                        help="address-space limit of each ONNX run, GiB")
    parser.add_argument("--baseline",
                        help="a second netc binary to time on the same files "
                        "(before and after a change)")
    parser.add_argument("--no-onnx", action="store_true",
                        help="time netc only")
    parser.add_argument("--no-table", action="store_true",
                        help="skip the runs that print reports (--formats "
                        "none)")
    parser.add_argument("--formats", default="table,json,csv,markdown,dot",
                        help="the report formats timed against --emit=none "
                        "(default: all of them)")
    parser.add_argument("--max-format-rss-ratio", type=float,
                        help="fail when a format's peak RSS passes this "
                        "multiple of --emit=none's (reports must stream)")
    parser.add_argument("--workdir", help="where the generated files go "
                        "(default: a temporary directory, removed after)")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--markdown", help="also write the tables here")
    args = parser.parse_args()
    args.onnx_memory_limit = int(args.onnx_memory_limit * 2 ** 30)

    netc = os.path.abspath(args.netc)
    formats = [] if args.no_table else \
        [f for f in args.formats.split(",") if f and f != "none"]
    source_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not args.no_onnx:
        try:
            import onnx  # noqa: F401
        except ImportError:
            sys.exit("bench: python3-onnx is missing (apt-get install "
                     "python3-onnx), or run with --no-onnx")

    def log(message):
        print(message, file=sys.stderr, flush=True)

    log("machine: " + machine())
    tmp = None
    workdir = args.workdir
    if not workdir:
        tmp = tempfile.TemporaryDirectory(prefix="netc-bench-")
        workdir = tmp.name
    os.makedirs(workdir, exist_ok=True)

    results = []
    problems = []
    for tier in args.tiers.split(","):
        for kind in args.graphs.split(","):
            writer, count, params = WORKLOADS[kind]
            param = params[tier]
            layers = count(param)
            path = os.path.join(workdir, "%s-%s.net" % (kind, tier))
            with open(path, "w") as f:
                writer(param, f)
            entry = {"kind": kind, "tier": tier, "param": param,
                     "graph": describe(kind, param), "layers": layers,
                     "file_bytes": os.path.getsize(path)}
            log("%s: %s layers, %.1f MB" % (entry["graph"],
                                            format(layers, ","),
                                            entry["file_bytes"] / 1e6))
            n = bench_netc(netc, path, layers, args)
            n.pop("stdout", None)
            entry["netc"] = n
            log("  netc --emit=none: %s, %s"
                % (fmt_s(n["wall"]), fmt_mib(n["rss_kib"]))
                if n["status"] == 0 and not n["timed_out"]
                else "  netc: %s %s" % (failure(n), n["stderr"][-300:]))
            if args.baseline:
                b = bench_netc(os.path.abspath(args.baseline), path, layers,
                               args)
                b.pop("stdout", None)
                entry["baseline"] = b
                log("  baseline --emit=none: %s, %s"
                    % (fmt_s(b["wall"]), fmt_mib(b["rss_kib"]))
                    if b["status"] == 0 and not b["timed_out"]
                    else "  baseline: " + failure(b))
            # Each report format, against --emit=none: what emitting adds.
            entry["formats"] = {}
            for fmt in formats:
                t = bench_netc(netc, path, layers, args, emit=fmt)
                t.pop("stdout", None)
                entry["formats"][fmt] = t
                if t["status"] != 0 or t["timed_out"]:
                    problems.append("%s: netc --emit=%s %s"
                                    % (entry["graph"], fmt, failure(t)))
                    continue
                if n["status"] == 0 and not n["timed_out"]:
                    rss = t["rss_kib"] / n["rss_kib"]
                    log("  --emit=%s: %s (x%.2f), %s (x%.2f)"
                        % (fmt, fmt_s(t["wall"]), t["wall"] / n["wall"],
                           fmt_mib(t["rss_kib"]), rss))
                    if args.max_format_rss_ratio and \
                            rss > args.max_format_rss_ratio:
                        problems.append(
                            "%s: --emit=%s peaks at %.2f x the memory of "
                            "--emit=none (limit %.2f): a report is being "
                            "held whole" % (entry["graph"], fmt, rss,
                                            args.max_format_rss_ratio))
            entry["table"] = entry["formats"].get("table")
            if args.no_onnx:
                entry["onnx"] = {"skipped": "--no-onnx"}
            else:
                entry["onnx"] = bench_onnx(kind, param, workdir, args, log)
                o = entry["onnx"]
                log("  onnx infer_shapes: %s, %s" % (
                    fmt_s(o["seconds"]), fmt_mib(o["rss_kib"]))
                    if "seconds" in o else "  onnx: " + o["skipped"])
            os.unlink(path)
            results.append(entry)
            # Both tools must have run, on graphs of the same size.
            if n["status"] != 0 or n["timed_out"]:
                problems.append("%s: netc %s" % (entry["graph"], failure(n)))
            o = entry["onnx"]
            if "nodes" in o and o["nodes"] != layers:
                problems.append("%s: the ONNX model has %d nodes, netc %d "
                                "layers" % (entry["graph"], o["nodes"],
                                            layers))

    resnet = None
    example = os.path.join(source_dir, "examples", "resnet50.net")
    if os.path.exists(example):
        binaries = [netc] + ([os.path.abspath(args.baseline)]
                             if args.baseline else [])
        # Alternated, so that both see the same machine.
        runs = {b: [] for b in binaries}
        for _ in range(20):
            for b in binaries:
                runs[b].append(run([b, example], args.timeout))

        def summary(rs):
            walls = sorted(r["wall"] for r in rs if r["status"] == 0)
            if not walls:
                return None
            return {"runs": len(walls), "median": statistics.median(walls),
                    "min": walls[0],
                    "cpu": statistics.median(r["cpu"] for r in rs)}
        resnet = summary(runs[netc])
        if resnet and args.baseline:
            resnet["baseline"] = summary(runs[binaries[1]])

    text = ("Machine: %s\n\nnetc: `netc --emit=none --max-layers=...` "
            "(check and memory analysis, no output); netc + table: the "
            "default table written to /dev/null. ONNX: "
            "`onnx.shape_inference.infer_shapes` on the loaded ModelProto "
            "(weights are typed graph inputs), timed alone; its peak RSS "
            "includes loading the model.\n\n" % machine()) + \
        markdown(results, resnet)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(), "results": results,
                       "resnet50": resnet}, f, indent=1, default=str)
    if tmp:
        tmp.cleanup()
    for problem in problems:
        print("bench: " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
