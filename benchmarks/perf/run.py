#!/usr/bin/env python3
"""Engine speed: dnnrepair against PyTorch, side by side, same thread count.

Four training shapes (shapes.py): D1's MLP, the Reuters MLP, the MNIST CNN
of M1-M3 on Fashion-MNIST, D4's small-batch MLP. Prints samples/s, GFLOP/s
and microseconds per training step of each side, their ratio, and oneDNN's sgemm GFLOP/s (the practical peak) on a square problem
and on each shape's largest GEMM.

usage: run.py [--threads T] [--seconds S] [--repeats N]
              [--shapes d1_mlp,reuters_mlp,mnist_cnn,d4_mlp] [--dnnrepair PATH]
              [--json-out FILE] [--skip-torch] [--skip-dnnrepair]

Environment: PYTHON (the interpreter with torch; default /usr/bin/python3),
DNNR_BUILD_DIR (default <repo>/build), CC (default cc).
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from shapes import SHAPES, train_flops_per_sample  # noqa: E402


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def thread_env(threads):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def build_sgemm(build_dir):
    out_dir = os.path.join(build_dir, "benchmarks", "perf")
    os.makedirs(out_dir, exist_ok=True)
    exe = os.path.join(out_dir, "sgemm_peak")
    src = os.path.join(HERE, "sgemm_peak.c")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-O2", "-std=c17", "-D_POSIX_C_SOURCE=200809L", src, "-ldnnl",
                        "-o", exe], check=True)
    return exe


def sgemm_peaks(exe, threads, shapes):
    """{ "MxNxK": GFLOP/s } for the square problem and each shape's GEMM."""
    sizes = ["2048x2048x2048"] + sorted({SHAPES[s]["sgemm"] for s in shapes})
    out = subprocess.run([exe, "--seconds", "1"] + sizes, env=thread_env(threads),
                         capture_output=True, text=True, check=True).stdout
    peaks = {}
    for line in out.splitlines():
        words = line.split()  # sgemm MxNxK gflops G seconds_per_call T
        peaks[words[1]] = float(words[3])
    return peaks


def torch_side(threads, seconds, shapes):
    python = os.environ.get("PYTHON", "/usr/bin/python3")
    # -s: no user site-packages; a pip numpy 2 there breaks Debian's torch
    # (built against Debian's numpy 1.x: "Numpy is not available").
    cmd = [python, "-s", os.path.join(HERE, "torch_bench.py"), "--threads", str(threads),
           "--seconds", str(seconds), "--shapes", ",".join(shapes)]
    out = subprocess.run(cmd, env=thread_env(threads), capture_output=True, text=True)
    if out.returncode != 0:
        log("pytorch side failed:\n" + out.stderr)
        return {}
    results = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        results[r["shape"]] = r
    return results


# ---------------------------------------------------------------------------
# The dnnrepair side. Either a binary that speaks
#
#   BINARY train SUBJECT.cfg --config fix --threads T --seconds S --json
#
# (meant for a future `dnnrepair train`; pass it with --dnnrepair), or, by
# default, dnnr_bench.c built here against $DNNR_BUILD_DIR's core library,
# which speaks the same and drives the engine's benchmark mode. Either trains
# the subject's `fix` configuration (D1: sigmoid output; M1: Adadelta lr 1.0;
# the Reuters perf subject has only one configuration) for S seconds of whole
# steps, epoch after epoch whatever the configured epoch count, and prints
# one JSON object whose last line has at least
#   "samples": training samples processed in the timed part (int),
#   "seconds": wall time of that part: the steps only, without data loading
#              or network building (float),
# and optionally "backend", "threads", "steps". T sets the backend's threads
# (oneDNN: OpenMP, so OMP_NUM_THREADS is exported too).
# ---------------------------------------------------------------------------
def build_driver(build_dir):
    """dnnr_bench linked against the build's core library, or (None, why)."""
    core = os.path.join(build_dir, "core", "libdnnrepair_core.a")
    if not os.path.exists(core):
        return None, "no %s (build dnnrepair_core and the plugins first)" % core
    exe = os.path.join(build_dir, "benchmarks", "perf", "dnnr_bench")
    src = os.path.join(HERE, "dnnr_bench.c")
    if os.path.exists(exe) and os.path.getmtime(exe) >= max(os.path.getmtime(src),
                                                            os.path.getmtime(core)):
        return exe, None
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    cmd = [os.environ.get("CC", "cc"), "-O2", "-std=c17", "-D_GNU_SOURCE",
           "-I" + os.path.join(ROOT, "core"), "-I" + os.path.join(ROOT, "sdk", "include"),
           src, core, "-lconfig", "-lm", "-ldl", "-lpthread", "-o", exe]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return None, "cannot build dnnr_bench: " + (out.stderr.strip().splitlines() or ["?"])[-1]
    return exe, None


def dnnrepair_side(command, extra, shape_name, threads, seconds):
    subject = os.path.join(ROOT, SHAPES[shape_name]["subject"])
    cmd = command + ["train", subject, "--config", "fix", "--threads", str(threads),
                     "--seconds", str(seconds), "--json"] + extra
    out = subprocess.run(cmd, env=thread_env(threads), capture_output=True, text=True)
    if out.returncode != 0:
        reason = (out.stderr.strip().splitlines() or ["exit %d" % out.returncode])[-1]
        return None, "`%s train` failed: %s" % (os.path.basename(command[0]), reason)
    try:
        r = json.loads(out.stdout.strip().splitlines()[-1])
        samples, elapsed = float(r["samples"]), float(r["seconds"])
    except (ValueError, KeyError, IndexError) as e:
        return None, "`train --json` output not understood (%s)" % e
    flops = train_flops_per_sample(SHAPES[shape_name])
    r.update({"side": "dnnrepair", "shape": shape_name, "samples_per_s": samples / elapsed,
              "gflops": samples * flops / elapsed / 1e9})
    return r, None


def machine_line(threads):
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    note = "  (reference BLAS: PyTorch dense layers will be slow; " \
           "apt-get install libopenblas0-openmp)" if "/blas/" in blas else ""
    return "%s, %d threads, %d CPUs; PyTorch BLAS: %s%s" % (cpu, threads, os.cpu_count(), blas,
                                                          note)


def fmt(x, digits=1):
    return "-" if x is None else ("%.*f" % (digits, x))


def step_us(r):
    """Microseconds per optimiser step; D4's batch-10 steps are mostly overhead."""
    if not r or not r.get("steps"):
        return None
    return 1e6 * float(r["seconds"]) / float(r["steps"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1,
                    help="threads of both sides (default 1: see README.md)")
    ap.add_argument("--seconds", type=float, default=10.0, help="training time per shape and side")
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--dnnrepair", default=None,
                    help="a binary speaking `train SUBJECT --json` (default: dnnr_bench)")
    ap.add_argument("--json-out", default=None, help="also write all results to this file")
    ap.add_argument("--repeats", type=int, default=1,
                    help="alternate the two sides this many times and keep each one's best")
    ap.add_argument("--skip-torch", action="store_true")
    ap.add_argument("--skip-dnnrepair", action="store_true")
    args = ap.parse_args()
    shapes = args.shapes.split(",")
    for s in shapes:
        if s not in SHAPES:
            ap.error("unknown shape %s: expected one of %s" % (s, ", ".join(SHAPES)))
    build_dir = os.environ.get("DNNR_BUILD_DIR", os.path.join(ROOT, "build"))

    log("sgemm peak (oneDNN)...")
    peaks = sgemm_peaks(build_sgemm(build_dir), args.threads, shapes)
    command, extra, why = None, [], None
    if not args.skip_dnnrepair:
        if args.dnnrepair:
            command = [args.dnnrepair]
        else:
            exe, why = build_driver(build_dir)
            command = [exe] if exe else None
            extra = ["--plugins", os.path.join(build_dir, "lib", "dnnrepair", "plugins")]
    # The sides alternate so that a load change on a shared machine hits both;
    # each keeps its best run (the least disturbed one).
    torch_results, ours, why_not = {}, {}, {}
    for rep in range(args.repeats):
        if not args.skip_torch:
            log("PyTorch side (run %d of %d)..." % (rep + 1, args.repeats))
            for name, r in torch_side(args.threads, args.seconds, shapes).items():
                best = torch_results.get(name)
                if not best or r["samples_per_s"] > best["samples_per_s"]:
                    torch_results[name] = r
        if args.skip_dnnrepair:
            continue
        for s in shapes:
            log("dnnrepair side: %s (run %d of %d)..." % (s, rep + 1, args.repeats))
            r, why_not[s] = dnnrepair_side(command, extra, s, args.threads, args.seconds) \
                if command else (None, why)
            if r and (s not in ours or r["samples_per_s"] > ours[s]["samples_per_s"]):
                ours[s] = r
    for s in ours:
        why_not[s] = None

    print(machine_line(args.threads))
    print("oneDNN sgemm 2048x2048x2048: %.1f GFLOP/s" % peaks["2048x2048x2048"])
    print("GFLOP/s counts dense/conv multiply-adds of forward and backward (shapes.py)")
    print()
    head = ("shape", "PyTorch samples/s", "PyTorch GFLOP/s", "PyTorch us/step",
            "dnnrepair samples/s", "dnnrepair GFLOP/s", "dnnrepair us/step",
            "dnnrepair/PyTorch", "sgemm of shape GFLOP/s")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for s in shapes:
        t, d = torch_results.get(s), ours.get(s)
        ratio = d["samples_per_s"] / t["samples_per_s"] if t and d else None
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) |" % (
            s, fmt(t and t["samples_per_s"]), fmt(t and t["gflops"], 2), fmt(step_us(t)),
            fmt(d and d["samples_per_s"]), fmt(d and d["gflops"], 2), fmt(step_us(d)),
            fmt(ratio, 2), fmt(peaks[SHAPES[s]["sgemm"]]), SHAPES[s]["sgemm"]))
    for s in shapes:
        if why_not.get(s):
            print("dnnrepair %s: n/a, %s" % (s, why_not[s]))
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"threads": args.threads, "repeats": args.repeats, "sgemm": peaks, "pytorch": torch_results,
                       "dnnrepair": ours, "not_run": why_not}, f, indent=1)


if __name__ == "__main__":
    if shutil.which(os.environ.get("CC", "cc")) is None:
        sys.exit("run.py: no C compiler (set CC)")
    main()
