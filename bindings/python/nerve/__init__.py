"""Nerve: feedforward neural networks, fully connected or convolutional, trained in C/Swift, driven from numpy.

A first session::

    import nerve
    (X, y), (X_test, y_test) = nerve.datasets.load_fashion_mnist()
    net = nerve.Network([784, 100, 10], activations=["sigmoid", "softmax"], seed=0)
    history = net.fit(X, y, epochs=5, batch_size=10, learning_rate=0.1, validation_data=(X_test, y_test))
    net.evaluate(X_test, y_test)          # {"cost": ..., "accuracy": ...}

    cnn = nerve.Network(input_shape=(1, 28, 28),
                        layers=[nerve.Conv2D(20, 5, activation="relu"), nerve.MaxPool2D(2),
                                nerve.Dense(10, activation="softmax")])
    print(cnn.summary())

    cost, gradient = net.cost_gradient(X[:1000], y[:1000])   # flat, laid out as net.get_parameters()
    nerve.check_gradient(net, X[:100], y[:100], parameters=200)  # backprop against finite differences

The shared library is found through NERVE_LIBRARY, then a copy shipped inside this package, then the build
output of the source tree this package lives in, then the system's library path.
"""

from __future__ import annotations

import os
from typing import IO, Any, List, Union

from . import datasets, errors, network2
from .errors import (
    NerveAbortedError,
    NerveBusyError,
    NerveCapacityError,
    NerveDivergedError,
    NerveError,
    NerveFormatError,
    NerveIOError,
    NerveMemoryError,
    NerveSizeError,
    NerveUnsupportedError,
    NerveValueError,
)
from .gradients import GradientNorms, check_gradient
from .history import Epoch, History
from .layers import Conv2D, Dense, Layer, MaxPool2D, MeanPool2D
from .network import Network, load

__version__ = "0.5.0"


def library_version() -> str:
    """The version of the loaded libnerve.

    Returns
    -------
    str
        Such as "0.5.0".

    Raises
    ------
    OSError
        If the library cannot be found or loaded.
    """
    from . import _lib

    return str(_lib.lib().nerve_version().decode("ascii"))


def kernel() -> str:
    """The matrix kernels the loaded libnerve runs.

    The library picks them once per process from the CPU's instruction sets. Results are bit-identical on one
    machine whatever the batch or thread count, but may differ in the last bits between kernels.

    Returns
    -------
    str
        "avx2-fma" or "generic".

    Raises
    ------
    OSError
        If the library cannot be found or loaded.
    """
    from . import _lib

    return str(_lib.lib().nerve_kernel().decode("ascii"))


def library_path() -> str:
    """The file libnerve was loaded from.

    Returns
    -------
    str
        A path, or the bare name the system's loader resolved.

    Raises
    ------
    OSError
        If the library cannot be found or loaded.
    """
    from . import _lib

    return _lib.library_path()


def load_network2(source: Union[str, os.PathLike[str], IO[str]]) -> Network:
    """A Network from a model file of the classic network2.py (JSON, sigmoid layers).

    Parameters
    ----------
    source : str, os.PathLike or file object
        A path, or a text file open for reading.

    Returns
    -------
    Network
        Sigmoid layers holding the file's weights and biases.

    Raises
    ------
    OSError
        If the file cannot be read.
    ValueError
        If it does not hold a network2 model.
    """
    return network2.load(source)


def __getattr__(name: str) -> Any:
    # nerve.sklearn imports scikit-learn, which plain users of Network should not have to pay for.
    if name == "sklearn":
        import importlib

        return importlib.import_module(".sklearn", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> List[str]:
    # What completion offers: the public names, not the modules they are defined in.
    return sorted([*__all__, "sklearn", "__version__"])


__all__ = [
    "Network",
    "Dense",
    "Conv2D",
    "MaxPool2D",
    "MeanPool2D",
    "Layer",
    "load",
    "load_network2",
    "Epoch",
    "History",
    "GradientNorms",
    "check_gradient",
    "datasets",
    "network2",
    "library_version",
    "kernel",
    "library_path",
]
__all__ += errors.__all__  # every exception class, as errors.py lists them
