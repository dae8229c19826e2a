#!/usr/bin/env python3
"""PyTorch side of the engine benchmark: train each shape and print one JSON
line per shape with samples/s and GFLOP/s.

usage: torch_bench.py [--threads T] [--seconds S] [--shapes a,b,c]

Training runs for S seconds (default 10) of whole steps, epoch after epoch,
after 5 warm-up steps. Uses float32, the shape's optimizer with
Keras defaults (SGD momentum 0, RMSprop rho 0.9 eps 1e-7, Adam eps 1e-7, Adadelta rho 0.95
eps 1e-7), dropout, and a fresh shuffle each epoch, as Keras fit() does.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import SHAPES, train_flops_per_sample  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n_dims = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(n_dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * n_dims).reshape(dims)


def make_data(shape, rng):
    n = shape["n_train"]
    if shape["data"] == "d1":
        x = np.concatenate([np.ones((n // 2, 128)), np.zeros((n // 2, 128))]).astype(np.float32)
        y = np.concatenate([np.ones((n // 2, 1)), np.zeros((n // 2, 1))]).astype(np.float32)
    elif shape["data"] == "random_binary":
        x = (rng.random((n, shape["input"][0])) < 0.01).astype(np.float32)
        y = np.eye(46, dtype=np.float32)[rng.integers(0, 46, n)]
    else:
        images = read_idx(os.path.join(FASHION, "train-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(FASHION, "train-labels-idx1-ubyte.gz"))
        x = (images.astype(np.float32) / 255.0).reshape((-1,) + tuple(shape["input"]))
        y = np.eye(10, dtype=np.float32)[labels]
    return torch.from_numpy(x), torch.from_numpy(y)


def keras_glorot(module):
    if isinstance(module, (torch.nn.Linear, torch.nn.Conv2d)):
        torch.nn.init.xavier_uniform_(module.weight)
        torch.nn.init.zeros_(module.bias)


def build(shape):
    layers = []
    dims = list(shape["input"])
    channels_last_input = len(dims) == 3
    for layer in shape["layers"]:
        kind = layer[0]
        if kind == "dense":
            n_in = int(np.prod(dims))
            layers.append(torch.nn.Linear(n_in, layer[1]))
            dims = [layer[1]]
            act = layer[2]
        elif kind == "conv2d":
            h, w, c = dims
            layers.append(torch.nn.Conv2d(c, layer[1], layer[2]))
            dims = [h - layer[2] + 1, w - layer[2] + 1, layer[1]]
            act = layer[3]
        elif kind == "maxpool":
            layers.append(torch.nn.MaxPool2d(layer[1]))
            dims = [dims[0] // layer[1], dims[1] // layer[1], dims[2]]
            continue
        elif kind == "dropout":
            layers.append(torch.nn.Dropout(layer[1]))
            continue
        elif kind == "flatten":
            layers.append(torch.nn.Flatten())
            dims = [int(np.prod(dims))]
            continue
        if act == "relu":
            layers.append(torch.nn.ReLU())
        elif act == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        # softmax is folded into the loss (log_softmax), as Keras does with logits
    model = torch.nn.Sequential(*layers)
    model.apply(keras_glorot)
    return model, channels_last_input


def make_optimizer(shape, params):
    name, lr = shape["optimizer"], shape["lr"]
    if name == "sgd":  # Keras SGD: momentum 0
        return torch.optim.SGD(params, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, eps=1e-7)
    if name == "adadelta":
        return torch.optim.Adadelta(params, lr=lr, rho=0.95, eps=1e-7)
    raise ValueError(name)


def loss_fn(shape, out, y):
    if shape["loss"] == "binary_crossentropy":
        return F.binary_cross_entropy(out, y)
    return -(y * F.log_softmax(out, dim=1)).sum(dim=1).mean()


def bench(name, seconds, rng):
    shape = SHAPES[name]
    x, y = make_data(shape, rng)
    model, nhwc = build(shape)
    if nhwc:  # stored NHWC as Keras does; PyTorch convolves NCHW
        x = x.permute(0, 3, 1, 2).contiguous()
    opt = make_optimizer(shape, model.parameters())
    batch = shape["batch"]
    n = x.shape[0]
    steps_per_epoch = (n + batch - 1) // batch
    model.train()

    def step(i, order):
        idx = order[(i % steps_per_epoch) * batch:(i % steps_per_epoch + 1) * batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(shape, model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        return idx.numel()

    order = torch.randperm(n)
    for i in range(5):
        step(i, order)
    samples, steps = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if steps % steps_per_epoch == 0:  # a fresh shuffle every epoch
            order = torch.randperm(n)
        samples += step(steps, order)
        steps += 1
    elapsed = time.perf_counter() - start
    flops = train_flops_per_sample(shape)
    return {"side": "pytorch", "shape": name, "threads": torch.get_num_threads(),
            "steps": steps, "samples": samples, "seconds": round(elapsed, 4),
            "samples_per_s": samples / elapsed,
            "gflops": samples * flops / elapsed / 1e9,
            "train_flops_per_sample": flops,
            "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    for name in args.shapes.split(","):
        print(json.dumps(bench(name, args.seconds, rng)), flush=True)


if __name__ == "__main__":
    main()
