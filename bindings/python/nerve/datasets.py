"""Fashion-MNIST (and MNIST) from IDX files, gzipped or not, read with the standard library and numpy alone;
scikit-learn's bundled 8×8 digits as a small offline stand-in."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any, Dict, Tuple, Union

import numpy as np
import numpy.typing as npt

__all__ = [
    "FASHION_MNIST_DIR",
    "FASHION_MNIST_PACKAGE",
    "FASHION_MNIST_CLASSES",
    "parse_idx",
    "read_idx",
    "load_mnist",
    "load_fashion_mnist",
    "load_digits",
]

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_PACKAGE = "dataset-fashion-mnist"  # the Debian package that installs FASHION_MNIST_DIR

PathLike = Union[str, "os.PathLike[str]"]
Split = Tuple[npt.NDArray[Any], npt.NDArray[np.int64]]

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

_IDX_TYPES: Dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def parse_idx(data: bytes, name: str = "IDX data") -> npt.NDArray[Any]:
    """An array from the bytes of an IDX file.

    Parameters
    ----------
    data : bytes
        2 zero bytes, a type code, the number of dimensions, each dimension as a big-endian uint32, then the
        values.
    name : str, default "IDX data"
        What messages call the data (read_idx gives the file's path).

    Returns
    -------
    ndarray
        The values in native byte order, of the shape the header gives.

    Raises
    ------
    ValueError
        If the header is wrong or the length does not match it.
    """
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError(f"{name} is not an IDX file (bad magic number)")
    dtype: np.dtype[Any] = _IDX_TYPES[data[2]]
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{name} is truncated in its header")
    shape = tuple(int(size) for size in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(f"{name} holds {len(data)} bytes but its header announces {expected}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def read_idx(path: PathLike) -> npt.NDArray[Any]:
    """An array from an IDX file; files ending in .gz are decompressed on the fly.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    ndarray
        As parse_idx gives it.

    Raises
    ------
    OSError
        If the file cannot be read (FileNotFoundError if it does not exist).
    ValueError
        If it is not an IDX file.
    """
    file_path = Path(path)
    if file_path.suffix == ".gz":
        with gzip.open(file_path, "rb") as packed:
            return parse_idx(packed.read(), name=str(file_path))
    with open(file_path, "rb") as file:
        return parse_idx(file.read(), name=str(file_path))


def _find(directory: Path, stem: str) -> Path:
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"neither {stem}.gz nor {stem} in {directory}")


def _load_split(directory: Path, prefix: str, scale: bool, flatten: bool) -> Split:
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


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def load_mnist(path: PathLike, scale: bool = True, flatten: bool = True) -> Tuple[Split, Split]:
    """The four MNIST-layout IDX files of a directory as training and test splits.

    Parameters
    ----------
    path : str or os.PathLike
        The directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
        t10k-labels-idx1-ubyte, each possibly gzipped (.gz).
    scale : bool, default True
        Pixels as float32 in [0, 1]; False keeps the files' uint8 values 0..255.
    flatten : bool, default True
        Rows of 784 pixels; False keeps the images as (n, 28, 28).

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        Images as described above and int64 class labels 0..9.

    Raises
    ------
    FileNotFoundError
        If a file is missing.
    ValueError
        If a file is not an IDX file, or images and labels do not pair up.
    """
    directory = Path(os.fspath(path))
    scale, flatten = _flag(scale, "scale"), _flag(flatten, "flatten")
    return _load_split(directory, "train", scale, flatten), _load_split(directory, "t10k", scale, flatten)


def load_fashion_mnist(path: PathLike | None = None, scale: bool = True, flatten: bool = True) -> Tuple[Split, Split]:
    """Fashion-MNIST: 60000 training and 10000 test images of clothes, 28 × 28 grey levels, in 10 classes.

    Parameters
    ----------
    path : str or os.PathLike, optional
        The directory of the four IDX files; by default FASHION_MNIST_DIR, where Debian's
        dataset-fashion-mnist package puts them.
    scale, flatten : bool, default True
        As for load_mnist.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        Images as load_mnist gives them; labels are int64 indices into FASHION_MNIST_CLASSES.

    Raises
    ------
    FileNotFoundError
        If the files are not there, saying how to install them.
    ValueError
        If a file is damaged.

    See Also
    --------
    load_digits : a small data set that needs no download.
    """
    directory = FASHION_MNIST_DIR if path is None else path
    try:
        return load_mnist(directory, scale=scale, flatten=flatten)
    except FileNotFoundError as error:
        where = "" if path is None else f"path={os.fspath(path)!r}: "
        raise FileNotFoundError(
            f"Fashion-MNIST not found ({where}{error}). Install Debian's {FASHION_MNIST_PACKAGE} package "
            f"(sudo apt-get install {FASHION_MNIST_PACKAGE}, which fills {FASHION_MNIST_DIR}) or pass path= the "
            "directory of its four IDX files; nerve.datasets.load_digits() is a small data set that needs "
            "no download"
        ) from None


def load_digits(test_size: float = 0.2, flatten: bool = False) -> Tuple[Split, Split]:
    """scikit-learn's bundled handwritten digits: 1797 images of 8 × 8 grey levels in 10 classes, offline.

    Parameters
    ----------
    test_size : float, default 0.2
        The fraction of the images, taken from the end, kept for testing; in (0, 1).
    flatten : bool, default False
        Rows of 64 pixels; False gives images of shape (1, 8, 8), channel first, as Conv2D layers take them.

    Returns
    -------
    (X_train, y_train), (X_test, y_test) : tuple of tuples of ndarray
        Images as float32 in [0, 1] ((n, 1, 8, 8), or (n, 64) with flatten) and int64 labels 0..9, in the
        form load_fashion_mnist gives them.

    Raises
    ------
    TypeError, ValueError
        For a test_size that is not a fraction in (0, 1).
    ImportError
        Without scikit-learn, which ships the images.
    """
    if isinstance(test_size, (bool, np.bool_)) or not isinstance(test_size, (int, float, np.integer, np.floating)):
        raise TypeError(f"test_size must be a float in (0, 1), got {test_size!r}")
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be in (0, 1), got {test_size!r}")
    flatten = _flag(flatten, "flatten")
    from sklearn.datasets import load_digits as sklearn_digits  # a file inside scikit-learn, no download

    digits = sklearn_digits()
    # Pixels hold 0..16 ink levels.
    ink = np.asarray(digits.images, dtype=np.float32) / np.float32(16)
    images: npt.NDArray[np.float32] = ink.reshape(-1, 1, 8, 8)
    if flatten:
        images = images.reshape(images.shape[0], -1)
    labels = np.asarray(digits.target, dtype=np.int64)
    n_test = int(np.ceil(test_size * images.shape[0]))
    split = images.shape[0] - n_test
    return (images[:split], labels[:split]), (images[split:], labels[split:])
