"""Fashion-MNIST (or MNIST) IDX files as numpy float32 arrays, pixels scaled to [0, 1]."""

import os

import numpy as np


def _read_idx(path, magic):
    with open(path, "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[:4], "big") != magic:
        raise ValueError(f"{path}: not an IDX file of the expected kind")
    if magic == 0x803:
        count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows * cols)
    return np.frombuffer(raw, dtype=np.uint8, offset=8)


def load(directory, prefix, limit=0):
    """Returns (x, labels): x is n × 784 float32 in [0, 1], labels n int64; prefix is "train" or "t10k"."""
    images = _read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte"), 0x803)
    labels = _read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"), 0x801)
    if limit:
        images, labels = images[:limit], labels[:limit]
    x = images.astype(np.float32)
    x /= np.float32(255.0)
    return x, labels.astype(np.int64)


def one_hot(labels, classes=10):
    y = np.zeros((len(labels), classes), dtype=np.float32)
    y[np.arange(len(labels)), labels] = 1.0
    return y
