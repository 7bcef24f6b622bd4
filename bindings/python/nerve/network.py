"""Network: one libnerve network owned by a Python object."""

from __future__ import annotations

import ctypes
import os
import weakref
from ctypes import byref, c_double, c_float, c_int32, c_int64, c_size_t, c_void_p
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

from . import _arrays, _lib
from .errors import check, error_for
from .gradients import GradientNorms
from .history import Epoch, History
from .interrupt import BATCH_INTERVAL, InterruptRequest
from .layers import Conv2D, Dense, Layer, _integer
from ._fit_arguments import check_applicable
from .progress import reporter

__all__ = ["Network", "load"]

# What fit, predict and evaluate take as samples and targets: numpy arrays, nested lists, pandas frames.
ArrayLike = Any
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def _name(enumeration: int, value: int) -> str:
    """The library's name for `value` of a NERVE_ENUM_* enumeration."""
    return str(_lib.lib().nerve_enum_name(enumeration, value).decode("ascii"))


def _choice(value: Any, choices: Any, name: str) -> int:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a name (str), got {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, choices))}")
    return int(choices[value])


def layer_activations(activations: Union[str, Sequence[str]], layers: int) -> List[str]:
    """Per-layer activation names from one name (every layer), a (hidden, output) pair, or one name per layer."""
    if isinstance(activations, str):
        names = [activations] * layers
    else:
        names = list(activations)
        if len(names) == 2 and layers > 2:
            names = [names[0]] * (layers - 1) + [names[1]]
        elif len(names) != layers:
            raise ValueError(
                f"activations needs one name, a (hidden, output) pair or {layers} names, got {len(names)}"
            )
    for name in names:
        _choice(name, _lib.ACTIVATIONS, "activation")
    return names


def default_cost(output_activation: Optional[str]) -> str:
    """The cost that pairs with an output activation: softmax → log-likelihood, sigmoid → cross-entropy, exp →
    Poisson."""
    return {"softmax": "log_likelihood", "sigmoid": "cross_entropy", "exp": "poisson"}.get(
        output_activation or "", "quadratic"
    )


def _input_shape(value: Any) -> Tuple[int, int, int]:
    """{channels, height, width} for nerve_create_layers from an int or a (n,) or (c, h, w) tuple."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (_integer(value[0], "input_shape[0]"), 1, 1)
        if len(value) == 3:
            channels, height, width = (_integer(extent, f"input_shape[{axis}]") for axis, extent in enumerate(value))
            return (channels, height, width)
        raise ValueError(
            f"input_shape must be an int, (inputs,) or (channels, height, width), got {tuple(value)!r} "
            "(a single-channel image is (1, height, width))"
        )
    return (_integer(value, "input_shape"), 1, 1)


def _public_shape(shape: Sequence[int]) -> Tuple[int, ...]:
    """(n,) for a vector of n values ({n, 1, 1} in the library), else (channels, height, width)."""
    channels, height, width = shape
    return (channels,) if height == width == 1 else (channels, height, width)


def _count(number: int) -> str:
    return f"{number:,}"


def _initialization(weight_init: Any, bias_init: Any, bias_value: Any) -> Tuple[int, int, float]:
    """(weights, biases, bias_value) for nerve_initialize, from the names and a finite real value."""
    value = _arrays.real(bias_value, "bias_value")
    with np.errstate(over="ignore"):
        finite = bool(np.isfinite(np.float32(value)))
    if not finite:
        raise ValueError(f"bias_value must be a finite number (as a float32), got {bias_value!r}")
    return (_choice(weight_init, _lib.INITS, "weight_init"), _choice(bias_init, _lib.BIAS_INITS, "bias_init"), value)


class Network:
    """A feedforward network: fully connected layers given by their sizes, or any stack of layers.

    >>> net = Network([784, 100, 10], activations=["sigmoid", "softmax"], cost="log_likelihood", seed=0)
    >>> cnn = Network(
    ...     input_shape=(1, 28, 28),
    ...     layers=[Conv2D(20, 5, activation="relu"), MaxPool2D(2), Dense(10, activation="softmax")],
    ...     cost="log_likelihood",
    ... )

    Parameters
    ----------
    sizes : sequence of int, optional
        Layer sizes of a fully connected network, inputs first and outputs last; at least two. Give either
        sizes, or input_shape and layers.
    activations : str or sequence of str, default "sigmoid"
        With sizes only: one name for every layer, a (hidden, output) pair, or one name per layer, from
        sigmoid, tanh, relu, leaky_relu, linear, softmax, step and exp.
    cost : {"quadratic", "cross_entropy", "log_likelihood", "poisson"}, optional
        By default the one that pairs with the output activation: log_likelihood after softmax,
        cross_entropy after sigmoid, poisson (half the Poisson deviance, for counts) after exp, quadratic
        otherwise.
    seed : int, default 0
        Fixes the initial weights, and the shuffling and dropout of training.
    threads : int, default 1
        How many threads predict, evaluate and fit may use, 1 .. 256; 1 runs everything on the calling thread.
        Results do not depend on it: predictions and trained weights are bit-identical for any thread count.
        Also the `threads` property.
    input_shape : int or tuple of int, optional
        With layers: the shape of one sample, (channels, height, width) for images, or an int (or (n,)) for
        vectors of n values.
    layers : sequence of Layer, optional
        Dense, Conv2D, MaxPool2D and MeanPool2D objects, the first reading the input; each layer reads what the
        one before it writes (a Dense layer reads an image as its channel-major vector). The library checks that
        they fit together and names the first that does not.
    weight_init : str, default "auto"
        How the weights are drawn, layer by layer, as `initialize` takes it: "auto" (he before ReLU and leaky
        ReLU, normalized elsewhere), "normalized", "large", "he", "glorot_uniform", "glorot_normal" or
        "lecun_normal".
    bias_init : {"zero", "normal", "constant"}, default "zero"
        How the biases start: 0, N(0, 1) (the notes' network2, with weight_init="normalized") or bias_value.
    bias_value : float, default 0.0
        Every bias with bias_init="constant"; ignored otherwise; finite.

    Raises
    ------
    TypeError, ValueError
        For arguments of the wrong type or form, before the library is called.
    NerveError
        The library's refusal, with its message: NerveSizeError for a window that does not fit or a zero size,
        NerveValueError for a field a layer kind does not use, NerveUnsupportedError for a cost that does not
        admit the output activation.

    Notes
    -----
    Samples are rows of `input_size` values; for an image input, each row holds the sample's values (c, y, x)
    at c·height·width + y·width + x (channel-major, as in PyTorch), and fit, predict and evaluate also take X
    of shape (n, channels, height, width).
    """

    def __init__(
        self,
        sizes: Optional[Sequence[int]] = None,
        activations: Union[str, Sequence[str], None] = None,
        cost: Optional[str] = None,
        seed: int = 0,
        threads: int = 1,
        *,
        input_shape: Union[int, Sequence[int], None] = None,
        layers: Optional[Sequence[Layer]] = None,
        weight_init: str = "auto",
        bias_init: str = "zero",
        bias_value: float = 0.0,
    ) -> None:
        # Checked before the network exists, so a mistake here leaves nothing behind.
        initialization = _initialization(weight_init, bias_init, bias_value)
        if layers is not None or input_shape is not None:
            if sizes is not None:
                raise TypeError("give either sizes, or input_shape and layers, not both")
            if layers is None or input_shape is None:
                raise TypeError("input_shape and layers go together: give both")
            if activations is not None:
                raise TypeError("with layers, each layer takes its own activation; activations is for sizes")
            handle = self._create_layers(input_shape, layers, cost, seed)
        elif sizes is None:
            raise TypeError("Network needs sizes, or input_shape and layers")
        else:
            handle = self._create_dense(sizes, "sigmoid" if activations is None else activations, cost, seed)
        self._adopt(handle)
        self.threads = _arrays.int32(threads, "threads")
        if initialization != _initialization("auto", "zero", 0.0):
            # The library creates with ("auto", "zero") from the seed; this redraws from the same seed.
            check(_lib.lib().nerve_initialize(self._handle, *initialization, _arrays.uint64(seed, "seed")))

    @staticmethod
    def _create_dense(
        given_sizes: Sequence[int], activations: Union[str, Sequence[str]], cost: Optional[str], seed: int
    ) -> c_void_p:
        if isinstance(given_sizes, (str, bytes)) or not hasattr(given_sizes, "__iter__"):
            raise TypeError(f"sizes must be a sequence of ints, got {type(given_sizes).__name__}")
        sizes = [_arrays.int32(size, "sizes") for size in given_sizes]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        if min(sizes) < 1:
            raise ValueError(f"sizes must be positive, got {sizes}")
        names = layer_activations(activations, len(sizes) - 1)
        cost_code = _choice(default_cost(names[-1]) if cost is None else cost, _lib.COSTS, "cost")
        c_seed = _arrays.uint64(seed, "seed")
        c_sizes = (c_int32 * len(sizes))(*sizes)
        c_activations = (c_int32 * len(names))(*(_lib.ACTIVATIONS[name] for name in names))
        handle = c_void_p()
        check(_lib.lib().nerve_create(byref(handle), c_sizes, len(sizes), c_activations, cost_code, c_seed))
        return handle

    @staticmethod
    def _create_layers(
        input_shape: Union[int, Sequence[int]], given_layers: Sequence[Layer], cost: Optional[str], seed: int
    ) -> c_void_p:
        shape = _input_shape(input_shape)
        if isinstance(given_layers, Layer):
            raise TypeError("layers must be a sequence of layers; wrap a single one in a list")
        layers = list(given_layers)
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{index}] must be a Dense, Conv2D, MaxPool2D or MeanPool2D, got {type(layer).__name__}"
                )
        output_activation = getattr(layers[-1], "activation", None) if layers else None
        cost_code = _choice(default_cost(output_activation) if cost is None else cost, _lib.COSTS, "cost")
        c_seed = _arrays.uint64(seed, "seed")
        specs = (_lib.LayerSpec * len(layers))(*(layer._spec() for layer in layers))
        handle = c_void_p()
        check(
            _lib.lib().nerve_create_layers(
                byref(handle),
                (c_int32 * 3)(*shape),
                specs,
                len(layers),
                ctypes.sizeof(_lib.LayerSpec),
                cost_code,
                c_seed,
            )
        )
        return handle

    def _adopt(self, handle: c_void_p) -> None:
        self._handle = handle
        self._finalizer = weakref.finalize(self, _lib.lib().nerve_free, handle.value)
        self.history: Optional[History] = None

    @classmethod
    def _from_handle(cls, handle: c_void_p) -> Network:
        net = cls.__new__(cls)
        net._adopt(handle)
        return net

    # ----------------------------------------------------------------------------------------------- structure

    @property
    def input_size(self) -> int:
        """int : Values per sample going in: the product of `input_shape`."""
        return int(_lib.lib().nerve_input_size(self._handle))

    @property
    def output_size(self) -> int:
        """int : Values per sample coming out: the columns of predict's result."""
        return int(_lib.lib().nerve_output_size(self._handle))

    @property
    def layer_count(self) -> int:
        """int : Number of layers, pooling layers included: len(layers), or len(sizes) - 1."""
        return int(_lib.lib().nerve_layer_count(self._handle))

    @property
    def input_shape(self) -> Tuple[int, ...]:
        """tuple of int : The shape of one sample: (channels, height, width) for images, (inputs,) for vectors."""
        return _public_shape(self._layer_shape(0)[1])

    @property
    def layers(self) -> List[Layer]:
        """list of Layer : The network's layers as new Dense, Conv2D, MaxPool2D and MeanPool2D objects.

        Read from the library, defaults resolved (pooling strides), so loaded models have them too; a network made
        from sizes has Dense layers.
        """
        return [Layer._from_spec(self._layer_spec(layer)) for layer in range(self.layer_count)]

    @property
    def parameter_count(self) -> int:
        """int : Trainable parameters of the whole network, weights and biases."""
        return int(_lib.lib().nerve_parameter_count(self._handle))

    def summary(self) -> str:
        """A table of the layers: kind and key numbers, output shape and parameters of each, and the total.

        Returns
        -------
        str
            One line per layer after the input's, e.g. ``Conv2D 32 filters 5×5, stride 1, same, relu`` with its
            output shape ``(32, 28, 28)`` and its 832 parameters; print it to read it.
        """
        rows = [("Input", str(self.input_shape), "")]
        for index, layer in enumerate(self.layers):
            _, _, output = self._layer_shape(index)
            shape = _public_shape(output) if isinstance(layer, Dense) else tuple(output)
            weights, biases = self._parameter_counts(index)
            rows.append((layer._describe(), str(shape), _count(weights + biases)))
        headings = ("Layer", "Output shape", "Parameters")
        widths = [max(len(row[column]) for row in [headings, *rows]) for column in range(3)]

        def line(row: Tuple[str, ...]) -> str:
            return f"{row[0]:<{widths[0]}}   {row[1]:<{widths[1]}}   {row[2]:>{widths[2]}}".rstrip()

        rule = "=" * len(line(tuple("x" * width for width in widths)))
        return "\n".join(
            [
                line(headings),
                rule,
                *map(line, rows),
                rule,
                f"Total parameters: {_count(self.parameter_count)}",
                f"Cost: {self.cost}",
            ]
        )

    @property
    def threads(self) -> int:
        """int : How many threads predict, evaluate and fit may use (1 .. 256; a new network has 1).

        Results do not depend on it: a prediction, an evaluation or the weights that training produces are
        bit-identical for any thread count. Setting it takes effect for calls that start afterwards; a value
        out of range raises NerveValueError.
        """
        return int(_lib.lib().nerve_threads(self._handle))

    @threads.setter
    def threads(self, count: int) -> None:
        check(_lib.lib().nerve_set_threads(self._handle, _arrays.int32(count, "threads")))

    @property
    def cost(self) -> str:
        """str : The cost function's name: "quadratic", "cross_entropy", "log_likelihood" or "poisson"."""
        return _name(_lib.ENUM_COST, _lib.lib().nerve_cost(self._handle))

    def _layer_info(self, layer: int) -> Tuple[int, int, int]:
        inputs, outputs, activation = c_int32(), c_int32(), c_int32()
        check(_lib.lib().nerve_layer_info(self._handle, layer, byref(inputs), byref(outputs), byref(activation)))
        return inputs.value, outputs.value, activation.value

    def _layer_shape(self, layer: int) -> Tuple[int, Tuple[int, ...], Tuple[int, ...]]:
        """(kind code, input shape, output shape) of a layer, shapes as (channels, height, width)."""
        kind, inputs, outputs = c_int32(), (c_int32 * 3)(), (c_int32 * 3)()
        check(_lib.lib().nerve_layer_shape(self._handle, layer, byref(kind), inputs, outputs))
        return kind.value, tuple(inputs), tuple(outputs)

    def _layer_spec(self, layer: int) -> _lib.LayerSpec:
        spec = _lib.LayerSpec()
        check(_lib.lib().nerve_get_layer_spec(self._handle, layer, byref(spec), ctypes.sizeof(spec)))
        return spec

    def _parameter_counts(self, layer: int) -> Tuple[int, int]:
        weights, biases = c_int64(), c_int64()
        check(_lib.lib().nerve_layer_parameter_count(self._handle, layer, byref(weights), byref(biases)))
        return weights.value, biases.value

    def _parameter_shapes(self, layer: int) -> Tuple[Tuple[int, ...], Tuple[int]]:
        """The shapes get_layer gives a layer's weights and biases, sized by nerve_layer_parameter_count."""
        weights, biases = self._parameter_counts(layer)
        spec = self._layer_spec(layer)
        kind = _name(_lib.ENUM_LAYER, spec.kind)
        shape: Tuple[int, ...]
        if kind == Conv2D.kind:
            channels = self._layer_shape(layer)[1][0]
            shape = (spec.units, channels, spec.window_height, spec.window_width)
        elif kind == Dense.kind:
            shape = (spec.units, weights // spec.units)
        else:  # pooling: nothing to learn
            shape = (weights,)
        if int(np.prod(shape)) != weights:
            raise RuntimeError(f"layer {layer} has {weights} weights, which do not fill shape {shape}")
        return shape, (biases,)

    def _samples(
        self, X: ArrayLike, Y: ArrayLike, name: str = "X", target_name: str = "Y"
    ) -> Tuple[_arrays.FloatArray, _arrays.FloatArray]:
        """X and Y as the library takes them: float32 rows of inputs and of targets, checked against each other."""
        x = self._inputs(X, name=name)
        return x, _arrays.targets(Y, x.shape[0], self.output_size, name=target_name, samples_name=name)

    def _inputs(self, X: ArrayLike, name: str, allow_empty: bool = False) -> _arrays.FloatArray:
        """X as float32 rows of input_size values, from (n, input_size) or (n, *input_shape)."""
        return _arrays.images(X, self.input_shape, name=name, allow_empty=allow_empty)

    def _layer_index(self, layer: int) -> int:
        count = self.layer_count
        index = _arrays.int32(layer, "layer")
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(f"layer {layer} out of range for a network of {count} layers")
        return index

    @property
    def sizes(self) -> List[int]:
        """list of int : Values per sample: the inputs, then each layer's outputs (flattened for images)."""
        infos = [self._layer_info(layer) for layer in range(self.layer_count)]
        return [infos[0][0]] + [outputs for _, outputs, _ in infos]

    @property
    def activations(self) -> List[Optional[str]]:
        """list of str or None : Each layer's activation name; None for pooling layers, which have none."""
        return [getattr(layer, "activation", None) for layer in self.layers]

    def get_layer(self, layer: int) -> Tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """A layer's weights and biases as new float32 arrays.

        Parameters
        ----------
        layer : int
            Index into `layers`; negative values count from the end.

        Returns
        -------
        weights : ndarray
            Dense: (outputs, inputs), weights[j, k] joining input k (channel-major for an image input) to output
            j. Conv2D: (filters, channels, kernel height, kernel width), as PyTorch's Conv2d. Pooling: empty,
            shape (0,).
        biases : ndarray
            One per output (Dense) or per filter (Conv2D); empty, shape (0,), for pooling.

        Raises
        ------
        TypeError, IndexError
            If `layer` is not an integer, or not the index of a layer.
        """
        index = self._layer_index(layer)
        weight_shape, bias_shape = self._parameter_shapes(index)
        weights = np.empty(weight_shape, dtype=np.float32)
        biases = np.empty(bias_shape, dtype=np.float32)
        check(
            _lib.lib().nerve_get_layer(
                self._handle, index, _arrays.pointer(weights), weights.size, _arrays.pointer(biases), biases.size
            )
        )
        return weights, biases

    def set_layer(self, layer: int, weights: Optional[ArrayLike] = None, biases: Optional[ArrayLike] = None) -> None:
        """Replaces a layer's weights and/or biases, in the shapes get_layer gives; None keeps the current ones.

        Parameters
        ----------
        layer : int
            Index into `layers`; negative values count from the end.
        weights : array_like, optional
            Dense: (outputs, inputs). Conv2D: (filters, channels, kernel height, kernel width).
        biases : array_like, optional
            One per output or filter.

        Raises
        ------
        TypeError, ValueError, IndexError
            For a layer index out of range, arrays of the wrong shape, or NaN or infinite values.
        NerveBusyError
            While the network is being trained.

        Notes
        -----
        Pooling layers have no parameters: they take None or empty arrays (what get_layer gives them) and
        nothing else.
        """
        index = self._layer_index(layer)
        weight_shape, bias_shape = self._parameter_shapes(index)
        if weight_shape == (0,) and bias_shape == (0,):
            given = [array for array in (weights, biases) if array is not None and np.size(array)]
            if given:
                kind = _name(_lib.ENUM_LAYER, self._layer_spec(index).kind)
                raise ValueError(f"layer {index} ({kind}) has no weights or biases to set")
        if weights is not None:
            weights = _arrays.shaped(weights, weight_shape, f"weights of layer {index}")
        if biases is not None:
            biases = _arrays.shaped(biases, bias_shape, f"biases of layer {index}")
        check(
            _lib.lib().nerve_set_layer(
                self._handle,
                index,
                _arrays.pointer(weights),
                0 if weights is None else weights.size,
                _arrays.pointer(biases),
                0 if biases is None else biases.size,
            )
        )

    @property
    def weights(self) -> List[npt.NDArray[np.float32]]:
        """list of ndarray : Each layer's weights as get_layer gives them (empty for pooling layers)."""
        return [self.get_layer(layer)[0] for layer in range(self.layer_count)]

    @property
    def biases(self) -> List[npt.NDArray[np.float32]]:
        """list of ndarray : Each layer's biases as get_layer gives them (empty for pooling layers)."""
        return [self.get_layer(layer)[1] for layer in range(self.layer_count)]

    def reinit(self, init: str = "auto", seed: int = 0) -> None:
        """Draws every weight again and sets every bias to 0: ``initialize(init, "zero", seed=seed)``.

        Parameters
        ----------
        init : str, default "auto"
            A weight_init name of `initialize`. Before 0.5 biases were drawn from N(0, 1) here; that is
            ``initialize("normalized", "normal", seed=seed)``, the notes' network2.
        seed : int, default 0
            Seeds the draw.

        Raises
        ------
        TypeError, ValueError
            For an unknown init name or a seed that is not an integer from 0 to 2**64 - 1.
        """
        code = _choice(init, _lib.INITS, "init")
        check(_lib.lib().nerve_reinit(self._handle, code, _arrays.uint64(seed, "seed")))

    def initialize(
        self, weight_init: str = "auto", bias_init: str = "zero", bias_value: float = 0.0, seed: int = 0
    ) -> None:
        """Sets every weight and bias again, layer by layer, from a generator reseeded with `seed`.

        The generator then drives shuffling and dropout, as after creating the network with this seed:
        ``Network(..., seed=s)`` and a later ``initialize(seed=s)`` give the same network.

        Parameters
        ----------
        weight_init : str, default "auto"
            With n_in the inputs feeding a unit and n_out the units an input feeds (a convolution's count the
            window: channels × window area and filters × window area): "normalized" N(0, 1/√n_in), "large"
            N(0, 1), "he" N(0, √(2/n_in)), "glorot_uniform" U(±√(6/(n_in + n_out))), "glorot_normal"
            N(0, √(2/(n_in + n_out))), "lecun_normal" N(0, √(1/n_in)); "auto": he before ReLU and leaky ReLU,
            normalized elsewhere.
        bias_init : {"zero", "normal", "constant"}, default "zero"
            0; N(0, 1), which with weight_init="normalized" is the notes' network2; or bias_value.
        bias_value : float, default 0.0
            Every bias with bias_init="constant"; ignored otherwise; must be finite.
        seed : int, default 0
            Seeds the draw.

        Raises
        ------
        TypeError, ValueError
            For an unknown name, a bias_value that is not a finite real number, or a seed that is not an
            integer from 0 to 2**64 - 1.
        NerveBusyError
            While the network is being trained.
        """
        initialization = _initialization(weight_init, bias_init, bias_value)
        check(_lib.lib().nerve_initialize(self._handle, *initialization, _arrays.uint64(seed, "seed")))

    # ------------------------------------------------------------------------------- parameters and gradients

    def get_parameters(self) -> npt.NDArray[np.float32]:
        """Every weight and bias as one new float32 array of `parameter_count` values.

        Returns
        -------
        ndarray of float32, shape (parameter_count,)
            Layer after layer, each layer's weights then its biases, each flattened from the shapes get_layer
            gives them (pooling layers contribute nothing). Gradients from cost_gradient use the same layout.
        """
        values = np.empty(self.parameter_count, dtype=np.float32)
        check(_lib.lib().nerve_get_parameters(self._handle, _arrays.pointer(values), values.size))
        return values

    def set_parameters(self, values: ArrayLike) -> None:
        """Replaces every weight and bias at once, in the layout get_parameters gives.

        Parameters
        ----------
        values : array_like, shape (parameter_count,)
            Finite real numbers, stored as float32.

        Raises
        ------
        TypeError, ValueError
            If values is not a 1-D array of parameter_count finite numbers; the network is then unchanged.
        NerveBusyError
            While the network is being trained.
        """
        count = self.parameter_count
        array = _arrays._as_numeric_array(values, "values")
        if array.ndim != 1 or array.shape[0] != count:
            raise ValueError(
                f"values must be a 1-D array of the network's {count} parameters, got shape {array.shape}"
            )
        array = _arrays._as_finite_float32(array, "values")
        check(_lib.lib().nerve_set_parameters(self._handle, _arrays.pointer(array), array.size))

    def cost_gradient(
        self, X: ArrayLike, Y: ArrayLike, l2: float = 0.0, l1: float = 0.0
    ) -> Tuple[float, npt.NDArray[np.float32]]:
        """The mean cost over the samples and its gradient with respect to every parameter, by backpropagation.

        Parameters
        ----------
        X, Y : array_like
            Samples and targets, in any form fit takes: rows or images, one-hot rows or integer labels.
        l2, l1 : float, default 0.0
            λ of L2 and of L1 regularisation. With both 0 the cost is the data term alone (as evaluate's);
            otherwise cost and gradient include ½(l2/n)·Σw² + (l1/n)·Σ|w| over the weights (biases excluded), n
            being the number of samples given here. With l2 = alpha this is the objective scikit-learn's MLPs
            minimise with L-BFGS.

        Returns
        -------
        cost : float
            The mean cost, summed in double precision.
        gradient : ndarray of float32, shape (parameter_count,)
            ∂cost/∂p for every parameter p, in the layout of get_parameters.

        Raises
        ------
        TypeError, ValueError
            For samples or targets of the wrong type, shape or values (see fit).
        NerveValueError
            For negative or non-finite l2 or l1.

        Notes
        -----
        Dropout is off and the network is not changed; the call uses the network's `threads` and takes the
        samples in chunks of fixed size, so its memory does not grow with their number.
        """
        x, y = self._samples(X, Y)
        cost = c_double()
        gradient = np.empty(self.parameter_count, dtype=np.float32)
        check(
            _lib.lib().nerve_cost_gradient(
                self._handle,
                _arrays.pointer(x),
                _arrays.pointer(y),
                x.shape[0],
                _arrays.real(l2, "l2"),
                _arrays.real(l1, "l1"),
                byref(cost),
                _arrays.pointer(gradient),
                gradient.size,
            )
        )
        return float(cost.value), gradient

    def gradient_norms(self, X: ArrayLike, Y: ArrayLike) -> GradientNorms:
        """The Euclidean norm of each layer's weight and bias gradient, without regularisation.

        The bias gradient of a layer is its mean error δ, whose norm the notes take as the layer's speed of
        learning: in a deep sigmoid network at initialisation it shrinks layer by layer towards the input (the
        vanishing gradient).

        Parameters
        ----------
        X, Y : array_like
            Samples and targets, in any form fit takes.

        Returns
        -------
        GradientNorms
            A named pair (weights, biases) of float64 arrays with one value per layer, input side first; pooling
            layers get 0.

        Raises
        ------
        TypeError, ValueError
            For samples or targets of the wrong type, shape or values (see fit).
        """
        x, y = self._samples(X, Y)
        count = self.layer_count
        weights = np.empty(count, dtype=np.float64)
        biases = np.empty(count, dtype=np.float64)
        check(
            _lib.lib().nerve_gradient_norms(
                self._handle,
                _arrays.pointer(x),
                _arrays.pointer(y),
                x.shape[0],
                weights.ctypes.data_as(_lib.c_double_p),
                biases.ctypes.data_as(_lib.c_double_p),
                count,
            )
        )
        return GradientNorms(weights, biases)

    # ------------------------------------------------------------------------------------------------ training

    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        epochs: int = 10,
        batch_size: Optional[int] = None,
        learning_rate: Optional[float] = None,
        momentum: float = 0.0,
        l2: float = 0.0,
        l1: float = 0.0,
        dropout: float = 0.0,
        optimizer: str = "sgd",
        validation_data: Optional[Tuple[ArrayLike, ArrayLike]] = None,
        early_stopping: int = 0,
        lr_decay: float = 0.0,
        lr_patience: Optional[int] = None,
        lr_min: float = 0.0,
        shuffle: bool = True,
        monitor: str = "running",
        adam_beta1: Optional[float] = None,
        adam_beta2: Optional[float] = None,
        adam_epsilon: Optional[float] = None,
        progress: Union[bool, str] = False,
        callback: Optional[Callable[[Epoch], Any]] = None,
        threads: Optional[int] = None,
        comm: Any = None,
        nesterov: bool = False,
        rprop_increase: Optional[float] = None,
        rprop_decrease: Optional[float] = None,
        rprop_delta_min: Optional[float] = None,
        rprop_delta_max: Optional[float] = None,
        rprop_delta_zero: Optional[float] = None,
        sample_weight: Optional[ArrayLike] = None,
        early_stopping_metric: str = "cost",
        min_improvement: float = 0.0,
        target_cost: Optional[float] = None,
        resume_optimizer: bool = False,
        accuracy: str = "auto",
    ) -> History:
        """Trains the network; it keeps the trained weights.

        Parameters
        ----------
        X : array_like of shape (n, inputs) or (n, channels, height, width)
            Training inputs: rows of `input_size` values, or images of `input_shape`.
        Y : array_like of shape (n, outputs) or (n,)
            Targets: one row per sample (one-hot rows for classification), or integer class labels.
        epochs : int, default 10
            The most epochs to train (callback, early stopping or lr_min may end training sooner).
        batch_size : int, optional
            Samples per mini-batch: 1 is stochastic gradient descent, n or more full-batch gradient descent.
            10 by default; all of X under optimizer="rprop", which is full-batch only.
        learning_rate : float, optional
            0.1 for SGD and 0.001 for Adam by default. Not with "rprop" (ValueError).
        momentum : float, default 0.0
            SGD momentum coefficient, in [0, 1). SGD only: a non-zero value raises ValueError with "adam".
        l2, l1 : float, default 0.0
            λ of L2 weight decay and of L1 regularisation, scaled by λ/n; biases are not regularised.
        dropout : float, default 0.0
            Probability in [0, 1) of dropping each hidden unit.
        optimizer : {"sgd", "adam", "rprop"}, default "sgd"
            Plain (momentum) stochastic gradient descent, Adam, or iRPROP− (full-batch, per-parameter step
            sizes that follow the gradient's sign only; no learning rate, momentum or lr_decay).
        validation_data : tuple (X_val, Y_val), optional
            Shaped as X and Y; evaluated after every epoch; needed by early_stopping and the learning-rate
            schedule.
        early_stopping : int, default 0
            Patience in epochs without a better validation cost, after which training ends and the best
            weights are restored; 0 turns it off.
        lr_decay : float, default 0.0
            Divide the learning rate by this factor (> 1) when the validation cost has not improved for
            lr_patience epochs; 0 turns it off. Needs validation_data.
        lr_patience : int, optional
            5 by default. Only with lr_decay.
        lr_min : float, default 0.0
            End training once the learning rate falls below this. Only with lr_decay.
        shuffle : bool, default True
            Reshuffle the samples every epoch.
        monitor : {"none", "running", "full"}, default "running"
            How training cost and accuracy are measured: not at all, averaged over the epoch's mini-batches
            (free), or by a pass over X after each epoch.
        adam_beta1, adam_beta2, adam_epsilon : float, optional
            Adam's coefficients; 0.9, 0.999 and 1e-8 by default. Adam only: raise ValueError with "sgd".
        progress : bool or {"tqdm", "plain", "plot"}, default False
            True shows a tqdm bar that moves with the mini-batches (plain lines without tqdm); "plain" prints a
            line per epoch; "plot" draws cost and accuracy curves in a notebook, redrawn after every epoch
            (needs IPython and matplotlib).
        callback : callable, optional
            Called with an Epoch after every epoch; a true return stops training.
        threads : int, optional
            How many threads this call may use, 1 .. 256; None (or 0) uses the network's `threads`.
            Results do not depend on it: the same seed, data and options give bit-identical weights with any
            thread count.
        comm : mpi4py communicator, optional
            Data-parallel training over the communicator's ranks (see nerve.distributed): X and Y are this
            rank's shard of the training data, and batch_size is per rank, so a step's global batch is
            batch_size × ranks; the ranks average their gradients before every step and take identical steps
            from rank 0's initial weights. With shuffle=False rank r's k-th batch is the k-th slice of its own
            shard. Every rank must call fit with the same arguments (its own shards of X, Y and
            validation_data aside). The epochs' figures are means over the ranks, rank 0 alone shows progress,
            and a stop on any rank (callback, Ctrl-C, an exception) ends training on every rank after that
            epoch.
        nesterov : bool, default False
            Nesterov momentum (v ← μv − ηg; w ← w + μv − ηg). Needs momentum > 0 and optimizer="sgd".
        rprop_increase, rprop_decrease : float, optional
            iRPROP−'s step-size factors while the gradient's sign holds (> 1; default 1.2) and when it flips
            (in (0, 1); default 0.5). optimizer="rprop" only.
        rprop_delta_min, rprop_delta_max, rprop_delta_zero : float, optional
            iRPROP−'s smallest, largest and first step size, 0 <= min <= zero <= max; by default 0, 50 and 0.1
            (FANN's). optimizer="rprop" only.
        sample_weight : array_like of shape (n,), optional
            Finite weights >= 0, not all 0: a sample of weight w counts as w copies of itself (integer weights
            in full-batch training give exactly the steps of the repeated data set; 0 removes a sample). The n
            of l2's and l1's λ/n becomes the weights' sum, and the training figures are weighted too. Not with
            comm.
        early_stopping_metric : {"cost", "accuracy"}, default "cost"
            What early_stopping and lr_decay watch on validation_data: its cost (lower is better) or its
            accuracy (higher is better). Only with early_stopping or lr_decay.
        min_improvement : float, default 0.0
            An epoch counts as better only if it beats the best validation figure by more than this
            (scikit-learn's tol). Only with early_stopping or lr_decay.
        target_cost : float, optional
            Stop after the first epoch whose training cost (as reported) is at or below this, as FANN's desired
            error. Needs monitor other than "none".
        resume_optimizer : bool, default False
            Go on from the optimizer state the previous fit left (momentum's velocity, Adam's moments and step
            count, RPROP's step sizes) instead of starting a new one, as a PyTorch optimizer or scikit-learn's
            partial_fit does: then fit(epochs=1) called k times takes exactly the steps of fit(epochs=k). The
            previous fit must have used the same optimizer and coefficients (momentum, nesterov, adam_*,
            rprop_*; the learning rate may change), else the state starts anew. Every fit leaves its state in
            the network for this; `initialize` drops it, and copies and saved models do not carry it.
        accuracy : {"auto", "argmax", "per_label", "none"}, default "auto"
            How the epochs' accuracy is scored. "auto" follows the targets (argmax agreement for one-hot rows,
            label by label for other 0/1 targets, none for anything else); "argmax" scores soft or
            label-smoothed class targets, which "auto" reads as regression (2 or more outputs); "per_label"
            rounds targets and outputs at 0.5; "none" reports NaN. Under `comm`, "auto" applies to all ranks'
            training and validation targets together, so every rank scores alike. `evaluate` always follows the
            targets.

        Returns
        -------
        History
            One entry per completed epoch; also kept as `self.history`.

        Raises
        ------
        TypeError
            For an argument of the wrong type (``shuffle="no"``, ``epochs=2.5``, a callback that is not callable),
            named in the message.
        ValueError
            For wrong shapes or values of X, Y, sample_weight and validation_data (pandas NA included), unknown
            names, and arguments that do not apply: momentum with Adam or RPROP, adam_* without Adam, rprop_*
            without RPROP, learning_rate or lr_decay with RPROP, nesterov without SGD momentum, early_stopping
            or lr_decay without validation_data, lr_patience or lr_min without lr_decay, early_stopping_metric
            or min_improvement without early_stopping or lr_decay, target_cost with monitor="none".
        NerveError
            The library's refusal of an option (NerveValueError: a learning rate ≤ 0, dropout outside [0, 1),
            ...), NerveDivergedError when the weights become NaN or infinite, NerveBusyError while another
            call trains the network.
        KeyboardInterrupt
            After Ctrl-C, once the current mini-batch has finished.

        Notes
        -----
        Ctrl-C (the stop button of a notebook) stops training once the current mini-batch has finished and
        raises KeyboardInterrupt; `self.history` then holds the epochs that completed (the interrupted one is
        not reported) and the network the weights after the last mini-batch, or with early_stopping those of
        the best epoch. Under `comm`, every rank stops after the epoch.
        """
        x, y = self._samples(X, Y)
        eval_x = eval_y = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (X_val, Y_val)")
            eval_x, eval_y = self._samples(
                validation_data[0], validation_data[1], name="validation X", target_name="validation Y"
            )
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        check_applicable(
            optimizer=optimizer,
            momentum=momentum,
            adam_options={"adam_beta1": adam_beta1, "adam_beta2": adam_beta2, "adam_epsilon": adam_epsilon},
            validation_data=validation_data,
            early_stopping=early_stopping,
            lr_decay=lr_decay,
            lr_patience=lr_patience,
            lr_min=lr_min,
            shuffle=shuffle,
            progress=progress,
            learning_rate=learning_rate,
            nesterov=nesterov,
            rprop_options={
                "rprop_increase": rprop_increase,
                "rprop_decrease": rprop_decrease,
                "rprop_delta_min": rprop_delta_min,
                "rprop_delta_max": rprop_delta_max,
                "rprop_delta_zero": rprop_delta_zero,
            },
            early_stopping_metric=early_stopping_metric,
            min_improvement=min_improvement,
            target_cost=target_cost,
            monitor=monitor,
            sample_weight=sample_weight,
            comm=comm,
            resume_optimizer=resume_optimizer,
        )
        weights = None if sample_weight is None else _arrays.shaped(sample_weight, (x.shape[0],), "sample_weight")

        options = _lib.default_train_options()
        options.epochs = _arrays.int32(epochs, "epochs")
        if batch_size is None:
            batch_size = max(x.shape[0], 1) if optimizer == "rprop" else 10
        options.batch_size = _arrays.int32(batch_size, "batch_size")
        options.optimizer = _choice(optimizer, _lib.OPTIMIZERS, "optimizer")
        if learning_rate is None and optimizer == "adam":
            learning_rate = 0.001
        if learning_rate is not None:
            options.learning_rate = _arrays.real(learning_rate, "learning_rate")
        options.momentum = _arrays.real(momentum, "momentum")
        options.l2 = _arrays.real(l2, "l2")
        options.l1 = _arrays.real(l1, "l1")
        options.dropout = _arrays.real(dropout, "dropout")
        options.early_stopping = _arrays.int32(early_stopping, "early_stopping")
        options.lr_decay = _arrays.real(lr_decay, "lr_decay")
        if lr_patience is not None:
            options.lr_patience = _arrays.int32(lr_patience, "lr_patience")
        options.lr_min = _arrays.real(lr_min, "lr_min")
        for name, value in (("adam_beta1", adam_beta1), ("adam_beta2", adam_beta2), ("adam_epsilon", adam_epsilon)):
            if value is not None:
                setattr(options, name, _arrays.real(value, name))
        options.shuffle = 1 if shuffle else 0
        options.monitor_training = _choice(monitor, _lib.MONITORS, "monitor")
        options.threads = 0 if threads is None else _arrays.int32(threads, "threads")
        options.nesterov = 1 if nesterov else 0
        for name, value in (
            ("rprop_increase", rprop_increase),
            ("rprop_decrease", rprop_decrease),
            ("rprop_delta_min", rprop_delta_min),
            ("rprop_delta_max", rprop_delta_max),
            ("rprop_delta_zero", rprop_delta_zero),
        ):
            if value is not None:
                setattr(options, name, _arrays.real(value, name))
        options.sample_weights = _arrays.pointer(weights)  # `weights` lives until fit returns
        options.early_stopping_metric = _choice(early_stopping_metric, _lib.METRICS, "early_stopping_metric")
        options.min_improvement = _arrays.real(min_improvement, "min_improvement")
        if target_cost is not None:
            options.target_cost = _arrays.real(target_cost, "target_cost")
        options.optimizer_state = _lib.OPTIMIZER_STATES["resume" if resume_optimizer else "keep"]
        options.accuracy_rule = _choice(accuracy, _lib.ACCURACY_RULES, "accuracy")

        coordinator = None
        if comm is not None:
            from .distributed import Coordinator

            coordinator = Coordinator(
                self,
                comm,
                n_samples=x.shape[0],
                n_eval=0 if eval_x is None else eval_x.shape[0],
                batch_size=options.batch_size,
            )
            coordinator.configure(options)
            if accuracy == "auto":
                options.accuracy_rule = _lib.ACCURACY_RULES[coordinator.agree_on_accuracy_rule(y, eval_y)]

        history = History()
        # A batch size of 0 is the library's to refuse, with its message: no steps to show until then.
        steps = options.steps_per_epoch or (-(-x.shape[0] // options.batch_size) if options.batch_size > 0 else 0)
        shown = reporter(
            progress if coordinator is None or coordinator.shows_progress else False, options.epochs, steps
        )
        raised: List[BaseException] = []  # an exception from the callback, re-raised once the C call is over

        with InterruptRequest() as interrupt:

            def on_epoch(report: Any, _user_data: Any) -> int:
                try:
                    epoch = Epoch.from_report(report.contents)
                    history.append(epoch)
                    self.history = history  # from the first epoch on, so a failed call leaves the old one
                    shown.update(epoch)
                    stop = bool(callback is not None and callback(epoch)) or interrupt.requested or bool(raised)
                except BaseException as error:  # ctypes would print and drop it, KeyboardInterrupt included
                    raised.append(error)
                    stop = True
                if coordinator is not None:
                    # A collective call: every rank makes it once per epoch, even after its own callback failed.
                    try:
                        stop = coordinator.agree_to_stop(stop)
                    except BaseException as error:
                        raised.append(error)
                        stop = True
                return 1 if stop else 0

            def on_batch(step: Any, _user_data: Any) -> int:
                # Running Python code here is what lets a pending SIGINT reach its handler during the C call.
                try:
                    shown.batch(step.contents.epoch, step.contents.step)
                except BaseException as error:
                    raised.append(error)
                # Data-parallel ranks stop together, after an epoch (see on_epoch).
                return 1 if coordinator is None and (raised or interrupt.requested) else 0

            options.progress = _lib.PROGRESS_FN(on_epoch)
            options.batch_progress = _lib.BATCH_FN(on_batch)
            options.batch_interval = BATCH_INTERVAL
            try:
                status = _lib.lib().nerve_train(
                    self._handle,
                    _arrays.pointer(x),
                    _arrays.pointer(y),
                    x.shape[0],
                    _arrays.pointer(eval_x),
                    _arrays.pointer(eval_y),
                    0 if eval_x is None else eval_x.shape[0],
                    byref(options),
                )
                failure = None if status >= 0 else error_for(status)
            finally:
                shown.close()
        hook_error = None if coordinator is None else coordinator.raised()
        if hook_error is not None:
            raise hook_error  # from inside a hook, which could only make training abort
        history.stopped = status == _lib.STOPPED
        if failure is None:
            self.history = history
        if raised:
            raise raised[0]
        if interrupt.requested:
            raise KeyboardInterrupt
        if failure is not None:
            raise failure
        return history

    # ----------------------------------------------------------------------------------------------- inference

    def predict(self, X: ArrayLike) -> npt.NDArray[np.float32]:
        """The network's outputs for each sample; a sample's outputs are bit-identical whatever else is in X.

        Parameters
        ----------
        X : array_like of shape (n, inputs) or (n, channels, height, width)
            n samples as rows of `input_size` values or, for an image input, as images of `input_shape`; any
            real dtype, a numpy array, nested lists or a pandas DataFrame (nullable dtypes included).

        Returns
        -------
        ndarray of float32, shape (n, outputs)
            One row of outputs per sample.

        Raises
        ------
        TypeError, ValueError
            For X of the wrong type or shape, or holding NaN, infinite or missing values.
        """
        x = self._inputs(X, name="X", allow_empty=True)
        outputs = np.empty((x.shape[0], self.output_size), dtype=np.float32)
        if x.shape[0]:
            check(
                _lib.lib().nerve_predict(
                    self._handle, _arrays.pointer(x), x.shape[0], _arrays.pointer(outputs), outputs.size
                )
            )
        return outputs

    def predict_classes(self, X: ArrayLike) -> npt.NDArray[np.intp]:
        """The class of each sample: its largest output's index, or 0/1 for a network of one output.

        Parameters
        ----------
        X : array_like
            Samples, as predict takes them.

        Returns
        -------
        ndarray of intp, shape (n,)
            The class each sample is given: with several outputs, the index of the largest (the first on ties);
            with one output, 1 where it is 0.5 or more and 0 elsewhere, the rounding accuracy uses.

        Raises
        ------
        TypeError, ValueError
            As predict.
        """
        outputs = self.predict(X)
        if outputs.shape[1] == 1:
            return (outputs[:, 0] >= 0.5).astype(np.intp)
        classes: npt.NDArray[np.intp] = np.argmax(outputs, axis=1)
        return classes

    def evaluate(self, X: ArrayLike, Y: ArrayLike) -> Dict[str, float]:
        """The mean cost and the accuracy of the network on samples and their targets.

        Parameters
        ----------
        X : array_like
            Samples, as fit takes them.
        Y : array_like
            Targets, as fit takes them: one-hot rows or integer labels (a 1-D array or a one-column frame).

        Returns
        -------
        dict
            {"cost": float, "accuracy": float}; the cost excludes regularisation. The accuracy follows the
            targets: with every row one-hot (two or more outputs), the fraction of samples whose largest output is
            at the 1; otherwise, with every target 0 or 1 (binary, multi-label), the fraction of all labels whose
            output rounded at 0.5 matches; otherwise (regression targets) NaN.

        Raises
        ------
        TypeError, ValueError
            For samples or targets of the wrong type, shape or values.
        """
        x, y = self._samples(X, Y)
        cost, accuracy = c_float(), c_float()
        check(
            _lib.lib().nerve_evaluate(
                self._handle, _arrays.pointer(x), _arrays.pointer(y), x.shape[0], byref(cost), byref(accuracy)
            )
        )
        return {"cost": float(cost.value), "accuracy": float(accuracy.value)}

    # --------------------------------------------------------------------------------------------- persistence

    def save(self, path: PathLike) -> None:
        """Writes the model file, atomically: a failure leaves any previous file as it was.

        Parameters
        ----------
        path : str, bytes or os.PathLike
            The file to write; nerve.load reads it back.

        Raises
        ------
        NerveIOError
            If the file cannot be written (an OSError).
        """
        check(_lib.lib().nerve_save(self._handle, _file_name(path)))

    def to_bytes(self) -> bytes:
        """The model file's content as bytes.

        Returns
        -------
        bytes
            What save would write; Network.from_bytes reads it back.
        """
        size = c_size_t()
        check(_lib.lib().nerve_serialized_size(self._handle, byref(size)))
        buffer = ctypes.create_string_buffer(size.value)
        written = c_size_t()
        check(_lib.lib().nerve_save_to_memory(self._handle, buffer, size.value, byref(written)))
        return bytes(buffer.raw[: written.value])

    @classmethod
    def from_bytes(cls, data: Union[bytes, bytearray, memoryview]) -> Network:
        """A network from the bytes of a model file (as to_bytes gives).

        Parameters
        ----------
        data : bytes, bytearray or memoryview
            A model file's content.

        Returns
        -------
        Network
            The model, with one thread.

        Raises
        ------
        TypeError
            If data is not bytes-like.
        NerveFormatError
            If it is not a whole, intact model.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, got {type(data).__name__}")
        content = bytes(data)
        handle = c_void_p()
        check(_lib.lib().nerve_load_from_memory(content, len(content), byref(handle)))
        return cls._from_handle(handle)

    def __getstate__(self) -> Dict[str, Any]:
        history = None if self.history is None else (dict(self.history), self.history.stopped)
        return {"model": self.to_bytes(), "history": history, "threads": self.threads}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        handle = c_void_p()
        model = state["model"]
        check(_lib.lib().nerve_load_from_memory(model, len(model), byref(handle)))
        self._adopt(handle)
        self.threads = state.get("threads", 1)
        if state.get("history") is not None:
            self.history = History(*state["history"])

    def _clone(self) -> Network:
        """An independent network with these layers, weights, generator state and thread count (nerve_clone)."""
        handle = c_void_p()
        check(_lib.lib().nerve_clone(self._handle, byref(handle)))
        return type(self)._from_handle(handle)

    def __copy__(self) -> Network:
        twin = self._clone()
        twin.history = self.history
        return twin

    def __deepcopy__(self, memo: Dict[int, Any]) -> Network:
        twin = self._clone()
        if self.history is not None:
            twin.history = History(dict(self.history), self.history.stopped)
        return twin

    def __repr__(self) -> str:
        layers = self.layers
        plain = all(isinstance(layer, Dense) and layer == Dense(layer.units, layer.activation) for layer in layers)
        if len(self.input_shape) == 1 and plain:
            return f"Network({self.sizes}, activations={self.activations}, cost={self.cost!r})"
        return f"Network(input_shape={self.input_shape}, layers={layers}, cost={self.cost!r})"


def _file_name(path: PathLike) -> bytes:
    """A str, bytes or os.PathLike path as the bytes the system uses (str in the file system encoding).
    A NUL cannot be part of a file name and C would end the name there, so it is refused, as open() does."""
    name = os.fsencode(os.fspath(path))
    if b"\0" in name:
        raise ValueError(f"path {path!r} contains a NUL byte")
    return name


def load(path: PathLike) -> Network:
    """Loads a network saved with Network.save (or nerve_save from C).

    Parameters
    ----------
    path : str, bytes or os.PathLike
        The model file.

    Returns
    -------
    Network
        The model, with one thread.

    Raises
    ------
    NerveIOError
        If the file cannot be read (an OSError).
    NerveFormatError
        If it is not a whole, intact model (a ValueError).
    """
    handle = c_void_p()
    check(_lib.lib().nerve_load(_file_name(path), byref(handle)))
    return Network._from_handle(handle)
