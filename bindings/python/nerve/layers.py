"""The layers of a network, as Network(input_shape=..., layers=[...]) takes them and Network.layers reports them::

    nerve.Network(
        input_shape=(1, 28, 28),
        layers=[
            nerve.Conv2D(32, 5, padding="same", activation="relu"),
            nerve.MaxPool2D(2),
            nerve.Dense(10, activation="softmax"),
        ],
        cost="log_likelihood",
    )

Each class describes one struct nerve_layer_spec: it checks the types of its arguments and resolves defaults,
and the library checks the rest (sizes that do not fit, zero filters, ...) when the network is created. The
objects are immutable, compare by value, hash and pickle. Images are channel-major: a sample of shape
(channels, height, width), as in PyTorch and the IDX files.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Dict, Optional, Tuple, Type, Union

import numpy as np

from . import _arrays, _lib

__all__ = ["Layer", "Dense", "Conv2D", "MaxPool2D", "MeanPool2D"]

# One integer for both axes, or a (height, width) pair.
Size2D = Union[int, Tuple[int, int]]


def _integer(value: Any, name: str) -> int:
    """An int that fits the C int32_t fields (bools are refused: they are not sizes)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got bool")
    return _arrays.int32(value, name)


def _pair(value: Any, name: str) -> Tuple[int, int]:
    """(height, width) from one integer for both or a pair of integers."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an integer or a (height, width) pair, got {value!r}")
        return (_integer(value[0], f"{name}[0]"), _integer(value[1], f"{name}[1]"))
    number = _integer(value, name)
    return (number, number)


def _stride(value: Any, name: str) -> Tuple[int, int]:
    stride = _pair(value, name)
    # The C field reads 0 as "the default stride"; here the default is spelled out, so 0 is a mistake.
    if min(stride) < 1:
        raise ValueError(f"{name} must be at least 1, got {value!r}")
    return stride


def _float32(value: float) -> float:
    """`value` rounded to float32, as the library keeps it, written as the shortest decimal that gives it back (so
    0.2 stays 0.2 and a layer read back from the library equals the one given)."""
    with np.errstate(over="ignore"):
        return float(str(np.float32(value)))


def _negative_slope(value: Any, activation: str) -> Optional[float]:
    """A leaky-ReLU layer's slope, None given meaning the library's default; None for other activations."""
    if activation != "leaky_relu":
        if value is not None:
            raise ValueError(f"negative_slope is for leaky_relu layers, not {activation} ones")
        return None
    if value is None:
        return _float32(_lib.DEFAULT_NEGATIVE_SLOPE)
    slope = _arrays.real(value, "negative_slope")
    # The C field reads 0 as "the default slope"; here the default is None, so 0 (a ReLU) is a mistake.
    if slope == 0:
        raise ValueError("negative_slope 0 is a ReLU: use activation='relu', or None for the default slope")
    return _float32(slope)


def _slope_argument(layer: Any) -> str:
    """", negative_slope=…" for a repr when the slope is not the default, else ""."""
    slope = layer.negative_slope
    return "" if slope is None or slope == _float32(_lib.DEFAULT_NEGATIVE_SLOPE) else f", negative_slope={slope!r}"


def _name(value: Any, table: str, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a name (str), got {type(value).__name__}")
    choices = getattr(_lib, table)
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of {', '.join(map(repr, choices))}")
    return value


class Layer:
    """Base class of the layer descriptions: Dense, Conv2D, MaxPool2D and MeanPool2D.

    `kind` is the library's name of the layer kind. Make the subclasses, not this class.
    """

    kind: ClassVar[str] = ""

    @classmethod
    def _decode(cls, spec: _lib.LayerSpec) -> Layer:
        raise NotImplementedError

    def _spec(self) -> _lib.LayerSpec:
        """The struct nerve_layer_spec for nerve_create_layers."""
        raise NotImplementedError

    @staticmethod
    def _from_spec(spec: _lib.LayerSpec) -> "Layer":
        """The layer object of a struct nerve_layer_spec filled by nerve_get_layer_spec."""
        kind = _lib.lib().nerve_enum_name(_lib.ENUM_LAYER, spec.kind)
        cls = _BY_KIND.get("" if kind is None else kind.decode("ascii"))
        if cls is None:
            raise ValueError(f"layer kind {spec.kind} is not known to this binding; update the nerve package")
        return cls._decode(spec)

    def _describe(self) -> str:
        """Kind and key numbers, for Network.summary()."""
        raise NotImplementedError


@dataclasses.dataclass(frozen=True, init=False)
class Dense(Layer):
    """A fully connected layer: every output joins every input value.

    An image input is read as its channel-major vector (value (c, y, x) at c·height·width + y·width + x), so no
    flatten layer is needed before it.

    Parameters
    ----------
    units : int
        Outputs of the layer.
    activation : str, default "sigmoid"
        sigmoid, tanh, relu, leaky_relu, linear, softmax, step or exp (the default is Network's).
    negative_slope : float, optional
        leaky_relu only: the slope below zero, above 0 and below 1 (the library checks the range). None gives
        the library's default, 0.01. Kept resolved, as the float32 the library stores: 0.01 for the default,
        None for other activations.
    """

    units: int
    activation: str = "sigmoid"
    negative_slope: Optional[float] = None
    kind: ClassVar[str] = "dense"

    def __init__(self, units: int, activation: str = "sigmoid", negative_slope: Optional[float] = None) -> None:
        object.__setattr__(self, "units", _integer(units, "units"))
        object.__setattr__(self, "activation", _name(activation, "ACTIVATIONS", "activation"))
        object.__setattr__(self, "negative_slope", _negative_slope(negative_slope, self.activation))

    def __repr__(self) -> str:
        return f"Dense(units={self.units!r}, activation={self.activation!r}{_slope_argument(self)})"

    def _spec(self) -> _lib.LayerSpec:
        return _lib.LayerSpec(
            kind=_lib.LAYERS[self.kind],
            units=self.units,
            activation=_lib.ACTIVATIONS[self.activation],
            negative_slope=self.negative_slope or 0.0,
        )

    @classmethod
    def _decode(cls, spec: _lib.LayerSpec) -> "Dense":
        activation = _activation_name(spec.activation)
        return cls(spec.units, activation, _decoded_slope(spec, activation))

    def _describe(self) -> str:
        return f"Dense {self.units}, {self.activation}{_slope_note(self)}"


@dataclasses.dataclass(frozen=True, init=False)
class Conv2D(Layer):
    """A 2-D convolution (cross-correlation, as in PyTorch) over channel-major images.

    Each of `filters` filters has channels × kernel height × kernel width weights shared across the image and one
    bias; the output has shape (filters, out_height, out_width). Along each axis, for n input values, kernel k
    and stride s, the output has ⌊(n − k) / s⌋ + 1 values with "valid" padding (k must not exceed n) and ⌈n / s⌉
    with "same" padding (zeros, ⌊p / 2⌋ before and the rest after, as TensorFlow pads).

    Parameters
    ----------
    filters : int
        Number of filters, that is of output channels.
    kernel_size : int or (int, int)
        The window's (height, width); one integer for a square window. Kept as a pair.
    stride : int or (int, int), default 1
        Steps between windows, (vertical, horizontal) or one integer for both. Kept as a pair.
    padding : {"valid", "same"}, default "valid"
    activation : str, default "sigmoid"
        sigmoid, tanh, relu, leaky_relu, linear, softmax, step or exp.
    negative_slope : float, optional
        leaky_relu only: the slope below zero, as for Dense.
    """

    filters: int
    kernel_size: Tuple[int, int]
    stride: Tuple[int, int] = (1, 1)
    padding: str = "valid"
    activation: str = "sigmoid"
    negative_slope: Optional[float] = None
    kind: ClassVar[str] = "conv2d"

    def __init__(
        self,
        filters: int,
        kernel_size: Size2D,
        stride: Size2D = 1,
        padding: str = "valid",
        activation: str = "sigmoid",
        negative_slope: Optional[float] = None,
    ) -> None:
        object.__setattr__(self, "filters", _integer(filters, "filters"))
        object.__setattr__(self, "kernel_size", _pair(kernel_size, "kernel_size"))
        object.__setattr__(self, "stride", _stride(stride, "stride"))
        object.__setattr__(self, "padding", _name(padding, "PADDINGS", "padding"))
        object.__setattr__(self, "activation", _name(activation, "ACTIVATIONS", "activation"))
        object.__setattr__(self, "negative_slope", _negative_slope(negative_slope, self.activation))

    def __repr__(self) -> str:
        return (
            f"Conv2D(filters={self.filters!r}, kernel_size={self.kernel_size!r}, stride={self.stride!r}, "
            f"padding={self.padding!r}, activation={self.activation!r}{_slope_argument(self)})"
        )

    def _spec(self) -> _lib.LayerSpec:
        return _lib.LayerSpec(
            kind=_lib.LAYERS[self.kind],
            units=self.filters,
            window_height=self.kernel_size[0],
            window_width=self.kernel_size[1],
            stride_height=self.stride[0],
            stride_width=self.stride[1],
            padding=_lib.PADDINGS[self.padding],
            activation=_lib.ACTIVATIONS[self.activation],
            negative_slope=self.negative_slope or 0.0,
        )

    @classmethod
    def _decode(cls, spec: _lib.LayerSpec) -> "Conv2D":
        activation = _activation_name(spec.activation)
        return cls(
            spec.units,
            (spec.window_height, spec.window_width),
            stride=(spec.stride_height, spec.stride_width),
            padding=_padding_name(spec.padding),
            activation=activation,
            negative_slope=_decoded_slope(spec, activation),
        )

    def _describe(self) -> str:
        return (
            f"Conv2D {self.filters} filters {_extent(self.kernel_size)}, stride {_step(self.stride)}, "
            f"{self.padding}, {self.activation}{_slope_note(self)}"
        )


@dataclasses.dataclass(frozen=True, init=False)
class _Pool2D(Layer):
    pool_size: Tuple[int, int]
    stride: Tuple[int, int]  # None given: the window's extent, kept resolved
    padding: str = "valid"

    def __init__(self, pool_size: Size2D, stride: Optional[Size2D] = None, padding: str = "valid") -> None:
        size = _pair(pool_size, "pool_size")
        object.__setattr__(self, "pool_size", size)
        object.__setattr__(self, "stride", size if stride is None else _stride(stride, "stride"))
        object.__setattr__(self, "padding", _name(padding, "PADDINGS", "padding"))

    def _spec(self) -> _lib.LayerSpec:
        return _lib.LayerSpec(
            kind=_lib.LAYERS[self.kind],
            window_height=self.pool_size[0],
            window_width=self.pool_size[1],
            stride_height=self.stride[0],
            stride_width=self.stride[1],
            padding=_lib.PADDINGS[self.padding],
        )

    @classmethod
    def _decode(cls, spec: _lib.LayerSpec) -> "_Pool2D":
        return cls(
            (spec.window_height, spec.window_width),
            stride=(spec.stride_height, spec.stride_width),
            padding=_padding_name(spec.padding),
        )

    def _describe(self) -> str:
        return f"{type(self).__name__} {_extent(self.pool_size)}, stride {_step(self.stride)}"


_POOL_PARAMETERS = """
    Parameters
    ----------
    pool_size : int or (int, int)
        The window's (height, width); one integer for a square window. Kept as a pair.
    stride : int or (int, int), optional
        Steps between windows; by default the window's extent, so windows tile the input. Kept as a pair.
    padding : {"valid"}, default "valid"
        Pooling takes "valid" padding only (the library refuses "same"): a remainder of the input that no
        window covers is left out, so a 2 × 2 pool of a 5 × 5 input gives 2 × 2 values.

    Notes
    -----
    Pooling layers have no weights, biases or activation: `Network.get_layer` gives empty arrays for them.
"""


@dataclasses.dataclass(frozen=True, init=False)
class MaxPool2D(_Pool2D):
    __doc__ = (
        """Max pooling: each window of each channel is replaced by its largest value.

    During training the window's gradient goes to that largest value; on ties, to the first of them in
    row-major order.
"""
        + _POOL_PARAMETERS
    )

    kind: ClassVar[str] = "max_pool2d"


@dataclasses.dataclass(frozen=True, init=False)
class MeanPool2D(_Pool2D):
    __doc__ = (
        """Mean (average) pooling: each window of each channel is replaced by its mean.

    During training the window's gradient is spread evenly over its values.
"""
        + _POOL_PARAMETERS
    )

    kind: ClassVar[str] = "mean_pool2d"


_BY_KIND: Dict[str, Type[Layer]] = {cls.kind: cls for cls in (Dense, Conv2D, MaxPool2D, MeanPool2D)}


def _extent(pair: Tuple[int, int]) -> str:
    return f"{pair[0]}×{pair[1]}"


def _step(pair: Tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else _extent(pair)


def _activation_name(code: int) -> str:
    return str(_lib.lib().nerve_enum_name(_lib.ENUM_ACTIVATION, code).decode("ascii"))


def _decoded_slope(spec: _lib.LayerSpec, activation: str) -> Optional[float]:
    """The slope nerve_get_layer_spec reports for a leaky-ReLU layer (other layers report 0: None)."""
    return float(spec.negative_slope) if activation == "leaky_relu" else None


def _slope_note(layer: Any) -> str:
    """", slope 0.2" for Network.summary() when the slope is not the default."""
    argument = _slope_argument(layer)
    return f", slope {layer.negative_slope!r}" if argument else ""


def _padding_name(code: int) -> str:
    return str(_lib.lib().nerve_enum_name(_lib.ENUM_PADDING, code).decode("ascii"))
