"""The JSON model format of the classic network2.py: sizes, weights, biases and cost, sigmoid in every layer.

    {"sizes": [2, 3, 1],
     "weights": [[[w11, w12], ...3 rows], [[...3 values]]],     # layer l: sizes[l+1] rows × sizes[l] columns
     "biases": [[[b1], [b2], [b3]], [[b]]],                       # layer l: sizes[l+1] rows × 1 column
     "cost": "CrossEntropyCost"}                                   # or "QuadraticCost"

The weight layout is the one Nerve uses (w[j][k] joins input k to output j), so import is a copy.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any, Dict, Union

import numpy as np

from .network import Network

__all__ = ["from_dict", "loads", "load", "to_dict", "dumps", "save"]

PathLike = Union[str, "os.PathLike[str]"]

_COSTS = {"CrossEntropyCost": "cross_entropy", "QuadraticCost": "quadratic"}
_COST_CLASSES = {name: cls for cls, name in _COSTS.items()}


def from_dict(model: Dict[str, Any]) -> Network:
    """A sigmoid Network with the sizes, weights, biases and cost of a network2 model dictionary.

    Parameters
    ----------
    model : dict
        "sizes", "weights", "biases" and "cost" as network2.py saves them.

    Returns
    -------
    Network
        Sigmoid layers holding the model's weights and biases.

    Raises
    ------
    TypeError, ValueError
        If the dictionary is not a network2 model or its arrays do not match its sizes.
    """
    if not isinstance(model, dict):
        raise TypeError(f"a network2 model is a JSON object, got {type(model).__name__}")
    missing = [key for key in ("sizes", "weights", "biases", "cost") if key not in model]
    if missing:
        raise ValueError(f"network2 model lacks {', '.join(missing)}")
    sizes = model["sizes"]
    if not isinstance(sizes, list) or not all(isinstance(size, int) and not isinstance(size, bool) for size in sizes):
        raise ValueError(f"sizes must be a list of integers, got {sizes!r}")
    layers = len(sizes) - 1
    if len(model["weights"]) != layers or len(model["biases"]) != layers:
        raise ValueError(f"{len(sizes)} sizes need {layers} weight matrices and {layers} bias vectors")
    cost = model["cost"]
    if cost not in _COSTS:
        raise ValueError(f"unknown network2 cost {cost!r}; expected one of {', '.join(_COSTS)}")

    arrays = []
    for layer in range(layers):
        shape = (sizes[layer + 1], sizes[layer])
        try:
            weights = np.asarray(model["weights"][layer], dtype=np.float64)
            biases = np.asarray(model["biases"][layer], dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"layer {layer}: weights and biases must be numbers ({error})") from None
        if weights.shape != shape:
            raise ValueError(f"layer {layer}: weights have shape {weights.shape}, sizes say {shape}")
        if biases.shape not in ((shape[0], 1), (shape[0],)):
            raise ValueError(f"layer {layer}: biases have shape {biases.shape}, sizes say {(shape[0], 1)}")
        arrays.append((weights, biases.reshape(-1)))

    net = Network(sizes, activations="sigmoid", cost=_COSTS[cost])
    for layer, (weights, biases) in enumerate(arrays):
        net.set_layer(layer, weights, biases)
    return net


def loads(text: Union[str, bytes]) -> Network:
    """A Network from network2 JSON text.

    Parameters
    ----------
    text : str or bytes
        The JSON of a network2 model.

    Returns
    -------
    Network
        As from_dict gives it.

    Raises
    ------
    ValueError
        If the text is not JSON (json.JSONDecodeError) or not a network2 model.
    """
    return from_dict(json.loads(text))


def load(source: Union[PathLike, IO[str]]) -> Network:
    """A Network from a network2 JSON file.

    Parameters
    ----------
    source : str, os.PathLike or file object
        A path, or a text file open for reading.

    Returns
    -------
    Network
        As from_dict gives it.

    Raises
    ------
    OSError
        If the file cannot be read.
    ValueError
        If it does not hold a network2 model.
    """
    if not isinstance(source, (str, os.PathLike)):
        return loads(source.read())
    with open(os.fspath(source), encoding="utf-8") as file:
        return loads(file.read())


def to_dict(net: Network) -> Dict[str, Any]:
    """The network2 model dictionary of a dense sigmoid network.

    Parameters
    ----------
    net : Network
        Dense layers, sigmoid throughout, with the quadratic or cross-entropy cost.

    Returns
    -------
    dict
        "sizes", "weights", "biases" and "cost" as network2.py saves them.

    Raises
    ------
    ValueError
        For a network network2.py cannot describe.
    """
    kinds = [layer.kind for layer in net.layers]
    if set(kinds) != {"dense"}:
        raise ValueError(f"network2 models have dense layers only; this network has {kinds}")
    if set(net.activations) != {"sigmoid"}:
        raise ValueError(f"network2 models are sigmoid throughout; this network has {net.activations}")
    layers = [net.get_layer(layer) for layer in range(net.layer_count)]
    return {
        "sizes": net.sizes,
        "weights": [weights.astype(float).tolist() for weights, _ in layers],
        "biases": [biases.astype(float).reshape(-1, 1).tolist() for _, biases in layers],
        "cost": _COST_CLASSES[net.cost],
    }


def dumps(net: Network) -> str:
    """A network's network2 JSON text.

    Parameters
    ----------
    net : Network
        As to_dict takes it.

    Returns
    -------
    str
        The JSON of to_dict(net).

    Raises
    ------
    ValueError
        For a network network2.py cannot describe.
    """
    return json.dumps(to_dict(net))


def save(net: Network, path: PathLike) -> None:
    """Writes a network in network2's JSON format, readable by network2.load.

    Parameters
    ----------
    net : Network
        As to_dict takes it.
    path : str or os.PathLike
        The file to write.

    Raises
    ------
    ValueError
        For a network network2.py cannot describe.
    OSError
        If the file cannot be written.
    """
    with open(os.fspath(path), "w", encoding="utf-8") as file:
        json.dump(to_dict(net), file)
