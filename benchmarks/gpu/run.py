"""GPU benchmark: dnnrepair's cuda backend against PyTorch with CUDA on the
same GPU, samples/s on the MNIST CNN (M1's fix configuration) and the CIFAR
CNN (cifar_cnn.cfg here), one after the other in one run; prints a Markdown
table and the time M1's x20 repair budget would take.

usage: run.py [--build DIR] [--seconds S] [--python PY] [--tf32] [--json-out FILE]

--build: a build folder with dnnrepair_core and the cuda, idx and cifar
plugins (default $DNNR_BUILD_DIR or <repo>/build). --python: the Python
with torch (default: this one). --tf32: both sides may use TF32 tensor
cores (default: plain FP32 on both, as the conformance tests assume).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SUBJECTS = {"mnist_cnn": os.path.join(ROOT, "configs", "subjects", "M1.cfg"),
            "cifar_cnn": os.path.join(HERE, "cifar_cnn.cfg")}
# M1's faulty training: 12 epochs of the 60,000 training images
M1_SAMPLES = 12 * 60000


def build_driver(build):
    core = os.path.join(build, "core", "libdnnrepair_core.a")
    if not os.path.exists(core):
        return None, "no %s (build dnnrepair_core first)" % core
    exe = os.path.join(build, "benchmarks", "gpu", "dnnr_bench")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    cmd = [os.environ.get("CC", "cc"), "-O2", "-std=c17", "-D_GNU_SOURCE",
           "-I" + os.path.join(ROOT, "core"), "-I" + os.path.join(ROOT, "sdk", "include"),
           os.path.join(ROOT, "benchmarks", "perf", "dnnr_bench.c"), core,
           "-lconfig", "-lm", "-ldl", "-lpthread", "-o", exe]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return None, "cannot build dnnr_bench: " + out.stderr.strip()[-300:]
    return exe, None


def dnnrepair_side(exe, build, name, seconds, tf32):
    env = dict(os.environ)
    if tf32:
        env["DNNR_CUDA_TF32"] = "1"
    cmd = [exe, "train", SUBJECTS[name], "--config", "fix", "--seconds", str(seconds),
           "--backend", "cuda", "--threads", "0",
           "--plugins", os.path.join(build, "lib", "dnnrepair", "plugins"), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        return None, (out.stderr.strip().splitlines() or ["exit %d" % out.returncode])[-1]
    try:
        r = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None, "unreadable output: %r" % out.stdout[-200:]
    if r.get("status") != "ok":
        return None, "training ended: %s" % r.get("status")
    r["samples_per_s"] = r["samples"] / r["seconds"] if r["seconds"] > 0 else 0
    return r, None


def torch_side(python, seconds, tf32):
    cmd = [python, os.path.join(HERE, "torch_gpu_bench.py"), "--seconds", str(seconds)]
    if tf32:
        cmd.append("--tf32")
    try:
        out = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        return {}, "cannot run %s: %s" % (python, e)
    rows, why = {}, None
    for line in out.stdout.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if "error" in r:
            why = r["error"]
        elif "model" in r:
            rows[r["model"]] = r
    if out.returncode != 0 and not rows:
        why = (out.stderr.strip().splitlines() or ["exit %d" % out.returncode])[-1]
    return rows, why


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.environ.get("DNNR_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--json-out")
    args = ap.parse_args()
    exe, why = build_driver(args.build)
    results = {"dnnrepair": {}, "pytorch": {}, "notes": []}
    for name in SUBJECTS:
        if not exe:
            results["notes"].append("dnnrepair side skipped: " + why)
            break
        r, err = dnnrepair_side(exe, args.build, name, args.seconds, args.tf32)
        if r:
            results["dnnrepair"][name] = r
        else:
            results["notes"].append("dnnrepair %s failed: %s" % (name, err))
    rows, err = torch_side(args.python, args.seconds, args.tf32)
    results["pytorch"] = rows
    if err:
        results["notes"].append("PyTorch side not run: %s" % err)
    precision = "TF32 allowed" if args.tf32 else "FP32, no TF32"
    device = next((r.get("device") for r in rows.values()), None)
    print("GPU benchmark (%s, %g s per side and model%s)" %
          (precision, args.seconds, ", " + device if device else ""))
    print()
    print("| model | dnnrepair cuda samples/s | PyTorch CUDA samples/s | dnnrepair/PyTorch |")
    print("|---|---:|---:|---:|")
    for name in SUBJECTS:
        d, t = results["dnnrepair"].get(name), rows.get(name)
        ds = "%.0f" % d["samples_per_s"] if d else "-"
        ts = "%.0f" % t["samples_per_s"] if t else "-"
        ratio = "%.2f" % (d["samples_per_s"] / t["samples_per_s"]) if d and t else "-"
        print("| %s | %s | %s | %s |" % (name, ds, ts, ratio))
    m1 = results["dnnrepair"].get("mnist_cnn")
    if m1 and m1["samples_per_s"] > 0:
        t = M1_SAMPLES / m1["samples_per_s"]
        print()
        print("M1 faulty training (12 epochs x 60,000 images) at this speed: T = %.1f s; "
              "x20 repair budget = %.1f s (%s the 600 s target; evaluation and searcher time "
              "not counted)" % (t, 20 * t, "within" if 20 * t <= 600 else "OVER"))
    for note in results["notes"]:
        print("note:", note)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
