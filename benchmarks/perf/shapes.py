"""The benchmark shapes and their FLOP counts, shared by both sides.

FLOPs count the multiply-adds of dense and conv layers only (2 FLOPs each):
per training sample, the forward pass, the weight gradients, and the input
gradients of every layer but the first (nothing needs the data's gradient).
Activations, pooling, dropout, losses and updates are left out, so GFLOP/s is
the rate of useful GEMM-like work, comparable with oneDNN's sgemm peak.
"""

SHAPES = {
    # D1's MLP (SUBJECTS.md D1, the fixed config): 128-50-50-1, batch 32, RMSprop.
    "d1_mlp": {
        "title": "D1 MLP 128-50-50-1, batch 32, RMSprop",
        "input": (128,),
        "layers": [("dense", 50, "relu"), ("dropout", 0.2), ("dense", 50, "relu"),
                   ("dropout", 0.2), ("dense", 1, "sigmoid")],
        "loss": "binary_crossentropy", "optimizer": "rmsprop", "lr": 0.001,
        "batch": 32, "n_train": 20000, "data": "d1",
        "subject": "configs/subjects/D1.cfg",
        "sgemm": "32x50x128",
    },
    # The Reuters MLP of R1-R7: 10000-512-46 with dropout 0.5, batch 32, Adam.
    # Random binary bag-of-words rows of that shape (about 1% of words set).
    "reuters_mlp": {
        "title": "Reuters MLP 10000-512-46, batch 32, Adam",
        "input": (10000,),
        "layers": [("dense", 512, "relu"), ("dropout", 0.5), ("dense", 46, "softmax")],
        "loss": "categorical_crossentropy", "optimizer": "adam", "lr": 0.001,
        "batch": 32, "n_train": 7185, "data": "random_binary",
        "subject": "benchmarks/perf/subjects/reuters_random.cfg",
        "sgemm": "32x512x10000",
    },
    # The MNIST CNN of M1-M3 on Fashion-MNIST, batch 128, Adadelta lr 1.0.
    "mnist_cnn": {
        "title": "MNIST CNN Conv32-Conv64-Pool-128-10, batch 128, Adadelta",
        "input": (28, 28, 1),
        "layers": [("conv2d", 32, 3, "relu"), ("conv2d", 64, 3, "relu"), ("maxpool", 2),
                   ("dropout", 0.25), ("flatten",), ("dense", 128, "relu"), ("dropout", 0.5),
                   ("dense", 10, "softmax")],
        "loss": "categorical_crossentropy", "optimizer": "adadelta", "lr": 1.0,
        "batch": 128, "n_train": 60000, "data": "fashion_mnist",
        "subject": "configs/subjects/M1.cfg",
        # the second conv as a GEMM: (batch * 24 * 24) x 64 x (3 * 3 * 32)
        "sgemm": "73728x64x288",
    },
    # D4's fix (SUBJECTS.md D4): 784-30-10 sigmoid/softmax on flattened
    # Fashion-MNIST, batch 10, SGD lr 0.1. 6,000 tiny steps an epoch, so the
    # per-step overhead (batch copies, primitive calls, the loss on the host)
    # decides its speed rather than the GEMMs.
    "d4_mlp": {
        "title": "D4 MLP 784-30-10, batch 10, SGD",
        "input": (784,),
        "layers": [("dense", 30, "sigmoid"), ("dense", 10, "softmax")],
        "loss": "categorical_crossentropy", "optimizer": "sgd", "lr": 0.1,
        "batch": 10, "n_train": 60000, "data": "fashion_mnist",
        "subject": "configs/subjects/D4.cfg",
        "sgemm": "10x30x784",
    },
}


def forward_macs(shape):
    """Multiply-adds of the forward pass per sample, per weighted layer."""
    dims = list(shape["input"])
    macs = []
    for layer in shape["layers"]:
        kind = layer[0]
        if kind == "dense":
            n_in = 1
            for d in dims:
                n_in *= d
            macs.append(n_in * layer[1])
            dims = [layer[1]]
        elif kind == "conv2d":
            h, w, c = dims
            k = layer[2]
            h, w = h - k + 1, w - k + 1  # valid padding, stride 1
            macs.append(h * w * layer[1] * k * k * c)
            dims = [h, w, layer[1]]
        elif kind == "maxpool":
            h, w, c = dims
            dims = [h // layer[1], w // layer[1], c]
        elif kind == "flatten":
            n = 1
            for d in dims:
                n *= d
            dims = [n]
    return macs


def train_flops_per_sample(shape):
    macs = forward_macs(shape)
    # forward + weight gradient for every layer, input gradient for all but the first
    return 2 * (2 * sum(macs) + sum(macs[1:]))
