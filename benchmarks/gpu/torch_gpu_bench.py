"""PyTorch (CUDA) side of the GPU benchmark: trains the MNIST CNN (M1's fix
configuration) and the CIFAR CNN (cifar_cnn.cfg here) on one GPU and prints
one JSON line per model with samples/s.

usage: torch_gpu_bench.py [--seconds S] [--models mnist_cnn,cifar_cnn] [--tf32]

Same conditions as the dnnrepair side: float32 without TF32 (unless
--tf32), data resident on the GPU (a fresh permutation on the GPU every
epoch), Keras' optimiser settings (Adadelta rho 0.95 eps 1e-7, RMSprop rho
0.9 eps 1e-7), dropout, categorical cross-entropy on softmax outputs, the
batch sizes of the subject files (128). Random inputs of the right shapes:
speed does not depend on the values. 5 untimed warm-up steps, then S
seconds of whole steps, synchronised at the end.
"""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print(json.dumps({"side": "pytorch", "error": "python3 has no torch module"}))
    sys.exit(0)

MODELS = {
    # M1 (fix): 28x28x1 -> Conv32 valid -> Conv64 valid -> MaxPool2 -> Dropout .25
    #           -> Dense128 -> Dropout .5 -> Dense10; Adadelta lr 1.0
    "mnist_cnn": dict(input=(1, 28, 28), n=60000, batch=128, optimizer="adadelta", lr=1.0),
    # Keras cifar10_cnn: 32x32x3, RMSprop lr 1e-4
    "cifar_cnn": dict(input=(3, 32, 32), n=50000, batch=128, optimizer="rmsprop", lr=1e-4),
}


def build(name):
    nn = torch.nn
    if name == "mnist_cnn":
        layers = [nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                  nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                  nn.Linear(12 * 12 * 64, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)]
    else:
        layers = [nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(),
                  nn.MaxPool2d(2), nn.Dropout(0.25),
                  nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(),
                  nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                  nn.Linear(6 * 6 * 64, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10)]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def bench(name, seconds, dev):
    cfg = MODELS[name]
    n, batch = cfg["n"], cfg["batch"]
    x = torch.rand((n,) + cfg["input"], device=dev)
    y = F.one_hot(torch.randint(0, 10, (n,), device=dev), 10).float()
    model = build(name).to(dev)
    model.train()
    if cfg["optimizer"] == "adadelta":
        opt = torch.optim.Adadelta(model.parameters(), lr=cfg["lr"], rho=0.95, eps=1e-7)
    else:
        opt = torch.optim.RMSprop(model.parameters(), lr=cfg["lr"], alpha=0.9, eps=1e-7)
    steps_per_epoch = (n + batch - 1) // batch

    def step(i, order):
        j = i % steps_per_epoch
        idx = order[j * batch:(j + 1) * batch]
        opt.zero_grad(set_to_none=True)
        out = torch.softmax(model(x[idx]), dim=1)  # Keras: softmax layer, then CCE on it
        loss = -(y[idx] * torch.log(out.clamp_min(1e-7))).sum(dim=1).mean()
        loss.backward()
        opt.step()
        return idx.numel()

    order = torch.randperm(n, device=dev)
    for i in range(5):
        step(i, order)
    torch.cuda.synchronize()
    samples, steps = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if steps % steps_per_epoch == 0:
            order = torch.randperm(n, device=dev)
        samples += step(steps, order)
        steps += 1
        if steps % 50 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    elapsed = time.perf_counter() - start
    return {"side": "pytorch", "model": name, "steps": steps, "samples": samples,
            "seconds": round(elapsed, 4), "samples_per_s": samples / elapsed,
            "torch": torch.__version__, "device": torch.cuda.get_device_name(0),
            "tf32": torch.backends.cudnn.allow_tf32}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--tf32", action="store_true")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print(json.dumps({"side": "pytorch", "error": "torch %s has no usable CUDA device"
                          % torch.__version__}))
        return
    torch.backends.cudnn.allow_tf32 = args.tf32
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.manual_seed(0)
    for name in args.models.split(","):
        print(json.dumps(bench(name, args.seconds, torch.device("cuda"))), flush=True)


if __name__ == "__main__":
    main()
