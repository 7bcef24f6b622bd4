"""Fashion-MNIST (and MNIST) from IDX files, gzipped or not, read with the standard library and numpy alone."""

import gzip
import os
from pathlib import Path

import numpy as np

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def parse_idx(data, name="IDX data"):
    """An array from the bytes of an IDX file: 2 zero bytes, a type code, the number of dimensions, then each
    dimension as a big-endian uint32, then the values."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError(f"{name} is not an IDX file (bad magic number)")
    dtype, ndim = _IDX_TYPES[data[2]], data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{name} is truncated in its header")
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(f"{name} holds {len(data)} bytes but its header announces {expected}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path):
    """An array from an IDX file; files ending in .gz are decompressed on the fly."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        return parse_idx(file.read(), name=str(path))


def _find(directory, stem):
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"neither {stem}.gz nor {stem} in {directory}")


def _load_split(directory, prefix, scale, flatten):
    images = read_idx(_find(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(_find(directory, f"{prefix}-labels-idx1-ubyte"))
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{prefix}: {images.shape[0]} images but {labels.shape[0]} labels")
    if flatten:
        images = images.reshape(images.shape[0], -1)
    if scale:
        # Pixels 0..255 as float32 in [0, 1], the inputs the examples and tests train on.
        images = images.astype(np.float32) / np.float32(255)
    return images, labels.astype(np.int64)


def load_mnist(directory, scale=True, flatten=True):
    """((X_train, y_train), (X_test, y_test)) from the four MNIST-layout IDX files in `directory`.

    X rows are 784 pixels (28 × 28 with flatten=False), float32 in [0, 1] when scale is true, else uint8;
    y holds int64 class labels 0..9.
    """
    directory = Path(os.fspath(directory))
    return _load_split(directory, "train", scale, flatten), _load_split(directory, "t10k", scale, flatten)


def load_fashion_mnist(directory=None, scale=True, flatten=True):
    """Fashion-MNIST as ((X_train, y_train), (X_test, y_test)): 60000 and 10000 samples, labels name
    FASHION_MNIST_CLASSES. Reads Debian's dataset-fashion-mnist package by default."""
    return load_mnist(FASHION_MNIST_DIR if directory is None else directory, scale=scale, flatten=flatten)
