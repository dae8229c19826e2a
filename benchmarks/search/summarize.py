#!/usr/bin/python3
"""Median simple regret over seeds at 25, 50 and 100 evaluations, from the
JSON lines of bench_search (hebo, random) and tpe.py, plus hebo's suggest
time; prints the Markdown of RESULTS.md. With --paired: hebo against
hebo_paper seed by seed (the 30-seed comparison of RESULTS.md).

    summarize.py <results-dir> [--paired]
"""
import glob
import json
import math
import os
import statistics
import sys

FUNCTIONS = [("branin", "Branin (2)"), ("hartmann6", "Hartmann6 (6)"),
             ("rosenbrock", "Rosenbrock-4"), ("ackley", "Ackley-5"),
             ("mixed", "mixed (cat+int+float+log)")]
SEARCHERS = ["hebo", "hebo_unfused", "hebo_paper", "hebo_libm", "tpe", "random", "hebo_1restart",
             "hebo_choice"]
AT = [25, 50, 100]


def load(directory):
    runs = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.jsonl"))):
        # suggest-<setting>.jsonl: the setting names the options used
        setting = os.path.basename(path)[len("suggest-"):-len(".jsonl")]
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                d = json.loads(line)
                if "searcher" in d:
                    runs.setdefault((d["searcher"], d["function"]), []).append(d["regret"])
                elif "suggest_seconds" in d:
                    runs.setdefault(("suggest", setting, d["dim"], d["observations"]),
                                    []).append(d["suggest_seconds"])
                    if "mean_model_ask" in d:  # suggest-time-run: the whole run's asks too
                        runs.setdefault(("run", setting, d["dim"], d["observations"]),
                                        []).append((d["mean_model_ask"], d["max_model_ask"]))
    return runs


def fmt(v):
    return "%.3g" % v if v >= 1e-3 else "%.1e" % v


def paired(runs):
    """hebo against hebo_paper seed by seed: medians, geometric means and the
    Wilcoxon signed-rank p of the log regrets (scipy, when installed)."""
    try:
        from scipy.stats import wilcoxon
    except ImportError:
        wilcoxon = None
    out = ["| function | seeds | evals | hebo median | hebo_paper median | hebo geo. mean | "
           "hebo_paper geo. mean | Wilcoxon p |", "|---|---|---|---|---|---|---|---|"]
    for key, label in FUNCTIONS:
        a, b = runs.get(("hebo", key)), runs.get(("hebo_paper", key))
        if not a or not b or len(a) != len(b):
            continue
        for n in AT[1:]:
            x = [math.log(max(r[n - 1], 1e-12)) for r in a]
            y = [math.log(max(r[n - 1], 1e-12)) for r in b]
            p = "n/a"
            if wilcoxon is not None:
                try:
                    p = "%.2f" % wilcoxon(x, y).pvalue
                except ValueError:  # all differences zero
                    p = "1.00"
            out.append("| %s | %d | %d | %s | %s | %s | %s | %s |" % (
                label, len(a), n, fmt(statistics.median(r[n - 1] for r in a)),
                fmt(statistics.median(r[n - 1] for r in b)), fmt(math.exp(statistics.mean(x))),
                fmt(math.exp(statistics.mean(y))), p))
    return out


def main():
    runs = load(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "--paired":
        print("\n".join(paired(runs)))
        return
    out = ["| function | searcher | seeds | median regret @25 | @50 | @100 |",
           "|---|---|---|---|---|---|"]
    verdicts = []
    for key, label in FUNCTIONS:
        med = {}
        for s in SEARCHERS:
            rs = runs.get((s, key))
            if not rs:
                continue
            med[s] = [statistics.median(r[n - 1] for r in rs if len(r) >= n) for n in AT]
            out.append("| %s | %s | %d | %s |" % (label, s, len(rs),
                                                    " | ".join(fmt(v) for v in med[s])))
        if "hebo" in med and "tpe" in med:
            for i, n in enumerate(AT[1:], start=1):
                h, t = med["hebo"][i], med["tpe"][i]
                ok = h <= 0.5 * t
                verdicts.append("| %s | %d | %s | %s | %s | %s |" % (
                    label, n, fmt(h), fmt(t), ("%.2f" % (h / t)) if t > 0 else "inf",
                    "met" if ok else "MISSED"))
    out += ["", "Target: hebo's median regret at most half of TPE's at 50 and 100 evaluations.",
            "", "| function | evals | hebo | TPE | hebo / TPE | target |",
            "|---|---|---|---|---|---|"] + verdicts
    times = sorted(k for k in runs if k[0] == "suggest")
    if times:
        out += ["", "| hebo setting | dims | observations | median suggest CPU time (s) | "
                "min | max | runs |", "|---|---|---|---|---|---|---|"]
        for k in times:
            v = runs[k]
            out.append("| %s | %d | %d | %.3f | %.3f | %.3f | %d |" % (
                k[1], k[2], k[3], statistics.median(v), min(v), max(v), len(v)))
    whole = sorted(k for k in runs if k[0] == "run")
    if whole:
        out += ["", "| hebo setting | dims | up to observations | median of the mean model-based "
                "ask (s) | median of the largest (s) | runs |", "|---|---|---|---|---|---|"]
        for k in whole:
            v = runs[k]
            out.append("| %s | %d | %d | %.3f | %.3f | %d |" % (
                k[1], k[2], k[3], statistics.median(m for m, _ in v),
                statistics.median(x for _, x in v), len(v)))
    print("\n".join(out))


if __name__ == "__main__":
    main()
