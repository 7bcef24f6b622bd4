"""Looking at gradients: the per-layer norms that show how fast each layer learns, and the gradient check.

The library computes both (nerve_gradient_norms, nerve_check_gradient); this module only marshals arrays and
picks the parameters to check.
"""

from __future__ import annotations

import operator
from ctypes import byref, c_double
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

import numpy as np
import numpy.typing as npt

from . import _arrays, _lib
from .errors import check

if TYPE_CHECKING:
    from .network import Network

__all__ = ["GradientNorms", "check_gradient"]


class GradientNorms(NamedTuple):
    """Euclidean norms of the cost gradient, layer by layer (what Network.gradient_norms returns).

    Parameters
    ----------
    weights : ndarray of float64, shape (layer_count,)
        ‖∂C/∂w‖ of each layer's weights.
    biases : ndarray of float64, shape (layer_count,)
        ‖∂C/∂b‖ of each layer's biases: the norm of the layer's mean error δ, which the notes take as the
        layer's speed of learning. Pooling layers have no parameters and get 0 in both arrays.
    """

    weights: npt.NDArray[np.float64]
    biases: npt.NDArray[np.float64]


def _indices(parameters: Any, count: int, seed: int) -> Optional[npt.NDArray[np.int64]]:
    """The int64 indices to check (None for all of them) from None, a number to sample, or explicit indices."""
    if parameters is None:
        return None
    if isinstance(parameters, (bool, np.bool_)):
        raise TypeError("parameters must be None, a number of parameters to sample, or an array of indices")
    if isinstance(parameters, (int, np.integer)):
        number = operator.index(parameters)
        if not 1 <= number <= count:
            raise ValueError(f"parameters={number} must be between 1 and the network's {count} parameters")
        rng = np.random.default_rng(seed)
        return np.sort(rng.choice(count, size=number, replace=False)).astype(np.int64)
    indices = np.asarray(parameters)
    if indices.ndim != 1 or indices.size == 0:
        raise ValueError(f"parameters must be a non-empty 1-D array of indices, got shape {indices.shape}")
    if indices.dtype.kind not in "iu":
        raise TypeError(f"parameters must hold integer indices, got dtype {indices.dtype}")
    if indices.min() < 0 or indices.max() >= count:
        raise ValueError(
            f"parameters holds indices from {indices.min()} to {indices.max()}; the network's {count} "
            f"parameters are numbered 0 .. {count - 1}"
        )
    return np.ascontiguousarray(indices, dtype=np.int64)


def check_gradient(
    net: Network, X: Any, Y: Any, epsilon: float = 1e-4, parameters: Any = None, seed: int = 0
) -> float:
    """Compares backpropagation's gradient with central differences of the cost, as the notes' gradient check.

    For each parameter p checked, the library computes ∂C/∂p by backpropagation (in float32, as
    Network.cost_gradient does) and (C(p + ε) − C(p − ε)) / 2ε from two forward passes in double precision, C
    being the mean cost over the samples with regularisation and dropout left out, and returns the largest
    relative disagreement.

    Parameters
    ----------
    net : Network
        The network to check; it is not changed (the library perturbs a private copy).
    X, Y : array_like
        Samples and targets, in any form Network.fit takes.
    epsilon : float, default 1e-4
        The step ε of the central difference, in (0, 1]. See Notes for the choice.
    parameters : None, int or array_like of int, optional
        Which parameters to check, by index into the flat layout of Network.get_parameters: None checks every
        one; an int k checks k indices drawn without replacement (with numpy's default_rng(seed)); an array
        lists the indices. Each index costs two forward passes over the samples, so sample a few hundred on
        large networks.
    seed : int, default 0
        Seeds the draw of an int `parameters`.

    Returns
    -------
    float
        ``max |backprop − numeric| / max(|backprop|, |numeric|, floor)`` over the parameters checked, where floor
        is 1e-3 times the largest ``|backprop|`` of the whole network, so that components too small to measure do
        not dominate.

    Raises
    ------
    TypeError, ValueError
        For malformed arguments, before the library is called.
    NerveError
        The library's refusal, e.g. NerveValueError for epsilon outside (0, 1], NerveUnsupportedError for a
        network with a step layer.

    Notes
    -----
    Backpropagation runs in float32, which bounds the agreement: a correct gradient gives about 1e-6 to 1e-4
    with ε = 1e-4 or 1e-3. Larger steps add the curvature's truncation error (1e-4 to 1e-2 at ε = 1e-2).
    A wrong gradient gives 1e-2 to 1. A ReLU unit or max-pooling window that changes side between p − ε and
    p + ε for some sample spoils that parameter's numeric derivative, so keep ε small for such networks and
    expect an occasional outlier. The floor (1e-3 of the largest component) keeps components too small to
    resolve in float32 from dominating. Each parameter checked costs two double-precision passes over the
    samples, which are slow: on large networks check a few hundred sampled parameters on a few samples.

    Examples
    --------
    >>> net = nerve.Network([784, 30, 10], activations=["sigmoid", "softmax"])
    >>> nerve.check_gradient(net, X[:20], y[:20], parameters=300) < 1e-3
    True
    """
    x, y = net._samples(X, Y)
    indices = _indices(parameters, net.parameter_count, seed)
    difference = c_double()
    check(
        _lib.lib().nerve_check_gradient(
            net._handle,
            _arrays.pointer(x),
            _arrays.pointer(y),
            x.shape[0],
            _arrays.real(epsilon, "epsilon"),
            None if indices is None else indices.ctypes.data_as(_lib.c_int64_p),
            0 if indices is None else indices.size,
            byref(difference),
        )
    )
    return float(difference.value)
