#!/usr/bin/python3
"""Optuna's TPE on the testfunctions subjects, with the protocol of
bench_search: trial 0 is the subject's start ("faulty") configuration
(enqueued), then the sampler's suggestions; the simple regret after every
evaluation is printed as one JSON line per seed, like bench_search regret.

The functions are the same formulas as plugins/loaders/testfunctions
(functions.c), with the same domains, start points and optima.

    tpe.py <function> <seeds> <evals>
"""
import json
import math
import sys

import optuna

PI = math.pi


def branin(x):
    b = 5.1 / (4 * PI * PI)
    inner = x[1] - b * x[0] ** 2 + 5 / PI * x[0] - 6
    return inner * inner + 10 * (1 - 1 / (8 * PI)) * math.cos(x[0]) + 10


H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
H6_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
        [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
        [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
        [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
H_ALPHA = [1.0, 1.2, 3.0, 3.2]


def hartmann6(x):
    return -sum(H_ALPHA[i] * math.exp(-sum(H6_A[i][j] * (x[j] - H6_P[i][j]) ** 2
                                           for j in range(6)))
                for i in range(4))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    n = len(x)
    sq = sum(v * v for v in x)
    cs = sum(math.cos(2 * PI * v) for v in x)
    value = -20 * math.exp(-0.2 * math.sqrt(sq / n)) - math.exp(cs / n) + 20 + math.e
    return max(value, 0.0)


def mixed(kind, n, x, lr):
    offset = {"a": 1.0, "b": 0.0, "c": 0.5}[kind]
    shift = {"a": -2.0, "b": 1.5, "c": 3.0}[kind]
    return offset + (x - shift) ** 2 + 0.1 * (n - 7) ** 2 + (math.log10(lr) + 3) ** 2


def box(name, lo, hi, start, fn, optimum):
    d = len(start)

    def objective(trial):
        x = [trial.suggest_float("x%d" % (i + 1), lo[i], hi[i]) for i in range(d)]
        return fn(x)

    return objective, {"x%d" % (i + 1): start[i] for i in range(d)}, optimum


def subject(name):
    if name == "branin":
        return box(name, [-5, 0], [10, 15], [10, 15], branin, 0.39788735772973816)
    if name == "hartmann6":
        return box(name, [0] * 6, [1] * 6, [0.5] * 6, hartmann6, -3.32236801141552)
    if name == "rosenbrock":
        return box(name, [-5] * 4, [10] * 4, [-1.2, 1, -1.2, 1], rosenbrock, 0.0)
    if name == "ackley":
        return box(name, [-32.768] * 5, [32.768] * 5, [16.384] * 5, ackley, 0.0)
    if name == "mixed":
        def objective(trial):
            kind = trial.suggest_categorical("kind", ["a", "b", "c"])
            n = trial.suggest_int("n", 1, 20)
            x = trial.suggest_float("x", -5, 5)
            lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
            return mixed(kind, n, x, lr)
        return objective, {"kind": "a", "n": 20, "x": -5.0, "lr": 0.1}, 0.0
    raise SystemExit("unknown function " + name)


def main():
    name, seeds, evals = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    objective, start, optimum = subject(name)
    for seed in range(seeds):
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed + 1))
        study.enqueue_trial(start)
        study.optimize(objective, n_trials=evals)
        best, regret = math.inf, []
        for t in study.trials:
            best = min(best, t.value)
            regret.append(best - optimum)
        print(json.dumps({"searcher": "tpe", "function": name, "seed": seed,
                          "regret": regret}), flush=True)


if __name__ == "__main__":
    main()
