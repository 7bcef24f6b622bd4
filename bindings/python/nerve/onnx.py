"""ONNX export: a Nerve network as an ONNX model, the interchange format that onnxruntime and most serving stacks run.

    import nerve.onnx
    nerve.onnx.export(net, "model.onnx")

    import onnxruntime
    session = onnxruntime.InferenceSession("model.onnx", providers=["CPUExecutionProvider"])
    P = session.run(None, {"input": X})[0]      # net.predict(X), to float32 rounding

The model reads "input", a float32 tensor [batch, input_size] of rows as `Network.predict` takes them (images
channel-major within the row), and writes "output", [batch, output_size], laid out as `Network.predict` returns
it. The module only converts: every number in the model is a weight or bias read through `Network.get_layer`.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import secrets
from typing import Any, Dict, List, Optional, Protocol, Sequence, Tuple, Union, cast

import numpy as np

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as _missing:
    raise ImportError(
        "nerve.onnx needs the onnx package: pip install onnx (and onnxruntime to run the exported models)"
    ) from _missing

__all__ = ["export", "to_model", "DEFAULT_OPSET", "MIN_OPSET", "INPUT_NAME", "OUTPUT_NAME"]

DEFAULT_OPSET = 17
"""The opset models get unless the caller asks for another: old enough for every onnxruntime of recent years."""

MIN_OPSET = 13
"""Softmax normalises over the one axis it is given from opset 13 on; earlier opsets' Softmax differs."""

INPUT_NAME = "input"
OUTPUT_NAME = "output"
BATCH_DIMENSION = "batch"

_PACKAGE = __name__.rpartition(".")[0]

Shape = Tuple[int, int, int]  # (channels, height, width); a vector of n values is (n, 1, 1), as in the library


class _Network(Protocol):
    """What the export reads from a nerve.Network, all of it public."""

    @property
    def input_shape(self) -> Tuple[int, ...]: ...

    @property
    def output_size(self) -> int: ...

    @property
    def layers(self) -> List[Any]: ...

    def get_layer(self, layer: int) -> Tuple[Any, Any]: ...

    def summary(self) -> str: ...


def to_model(net: object, *, opset: Optional[int] = None) -> onnx.ModelProto:
    """The ONNX model of a network, checked by `onnx.checker.check_model`.

    Parameters
    ----------
    net : nerve.Network
        Any network: dense, convolution and pooling layers with any of Nerve's activations.
    opset : int, optional
        The ONNX operator set to target, `MIN_OPSET` up to the newest the installed onnx knows; `DEFAULT_OPSET`
        when None.

    Returns
    -------
    onnx.ModelProto
        A model with one input, "input" of shape [batch, input_size], and one output, "output" of shape
        [batch, output_size], both float32, "batch" being symbolic.

    Raises
    ------
    TypeError
        If net is not a nerve.Network, or opset is not an int.
    ValueError
        If opset is out of range, or the network has a layer kind, activation or padding this module does not
        know (a library newer than the module).
    """
    network = _checked_network(net)
    version = _checked_opset(opset)
    graph = _Graph()
    _convert(network, graph)
    model = helper.make_model(
        helper.make_graph(
            graph.nodes,
            "nerve",
            [_batch_of_rows(INPUT_NAME, _size(network.input_shape))],
            [_batch_of_rows(OUTPUT_NAME, network.output_size)],
            graph.initializers,
        ),
        producer_name="nerve",
        producer_version=str(importlib.import_module(_PACKAGE).__version__),
        doc_string=network.summary(),
        opset_imports=[helper.make_opsetid("", version)],
        # The oldest IR that carries this opset, so runtimes older than this onnx package still read the file.
        ir_version=helper.find_min_ir_version_for([helper.make_opsetid("", version)]),
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def export(net: object, path: Union[str, "os.PathLike[str]"], *, opset: Optional[int] = None) -> None:
    """Writes a network as an ONNX model file.

    The file is written beside its final name and renamed over it once complete and synced, so a failure at any
    point leaves a file already at `path` as it was.

    Parameters
    ----------
    net : nerve.Network
        The network to export (see `to_model`).
    path : str or os.PathLike
        The model file to write, ".onnx" by convention; an existing file is replaced.
    opset : int, optional
        The ONNX operator set to target (see `to_model`).

    Returns
    -------
    None

    Raises
    ------
    TypeError, ValueError
        As `to_model`, before anything is written.
    OSError
        If the file cannot be written (IsADirectoryError when path names a directory, PermissionError for a
        directory the process may not write to, ...); the error names `path`.
    """
    data = to_model(net, opset=opset).SerializeToString()
    _write_atomically(data, os.path.abspath(os.fspath(path)))


# ------------------------------------------------------------------------------------------------ conversion


class _Graph:
    """The nodes and initializers of the model under construction, each value given a fresh name."""

    def __init__(self) -> None:
        self.nodes: List[onnx.NodeProto] = []
        self.initializers: List[onnx.TensorProto] = []
        self._names = 0

    def constant(self, name: str, values: Any, dtype: Any = np.float32) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(values, dtype=dtype), name))
        return name

    def node(self, operator: str, inputs: Sequence[str], **attributes: Any) -> str:
        self._names += 1
        output = f"{operator.lower()}_{self._names}"
        self.nodes.append(helper.make_node(operator, list(inputs), [output], **attributes))
        return output


class _Value:
    """A tensor of the graph: its name, the library's shape of one sample, and whether it is held as a batch of
    images [N, c, h, w] or of rows [N, c·h·w]. Both hold the same numbers in the same (channel-major) order."""

    def __init__(self, name: str, shape: Shape, is_image: bool) -> None:
        self.name, self.shape, self.is_image = name, shape, is_image

    def as_rows(self, graph: _Graph) -> "_Value":
        if not self.is_image:
            return self
        return _Value(graph.node("Flatten", [self.name], axis=1), self.shape, False)

    def as_images(self, graph: _Graph) -> "_Value":
        if self.is_image:
            return self
        # Reshape's 0 copies the batch dimension, so an empty batch reshapes too.
        target = graph.constant(f"{self.name}.image_shape", [0, *self.shape], np.int64)
        return _Value(graph.node("Reshape", [self.name, target]), self.shape, True)


def _convert(net: _Network, graph: _Graph) -> None:
    value = _Value(INPUT_NAME, _library_shape(net.input_shape), False)
    for index, layer in enumerate(net.layers):
        kind = str(layer.kind)
        prefix = f"layer{index}"
        if kind == "dense":
            weights, biases = net.get_layer(index)
            rows = value.as_rows(graph)
            name = graph.node(
                "Gemm",
                [rows.name, graph.constant(f"{prefix}.weights", weights), graph.constant(f"{prefix}.biases", biases)],
                transB=1,  # weights are (outputs, inputs): the product is rows · weightsᵀ
            )
            value = _activate(graph, _Value(name, (int(layer.units), 1, 1), False), layer)
        elif kind == "conv2d":
            weights, biases = net.get_layer(index)
            images = value.as_images(graph)
            shape, pads = _window(images.shape, int(layer.filters), layer.kernel_size, layer.stride, str(layer.padding))
            name = graph.node(
                "Conv",
                [images.name, graph.constant(f"{prefix}.weights", weights), graph.constant(f"{prefix}.biases", biases)],
                kernel_shape=[int(extent) for extent in layer.kernel_size],
                strides=[int(step) for step in layer.stride],
                pads=pads,
            )
            value = _activate(graph, _Value(name, shape, True), layer)
        elif kind in ("max_pool2d", "mean_pool2d"):
            if str(layer.padding) != "valid":
                raise ValueError(f"layer {index} pools with {layer.padding!r} padding; Nerve pools with 'valid' only")
            images = value.as_images(graph)
            shape, pads = _window(images.shape, images.shape[0], layer.pool_size, layer.stride, "valid")
            # Windows that would run past the edge are left out, as ONNX's default floor rounding does; every
            # window is whole, so the mean divides by the window's area with or without count_include_pad.
            attributes: Dict[str, Any] = dict(
                kernel_shape=[int(extent) for extent in layer.pool_size],
                strides=[int(step) for step in layer.stride],
                pads=pads,
            )
            if kind == "mean_pool2d":
                attributes["count_include_pad"] = 0
            name = graph.node("MaxPool" if kind == "max_pool2d" else "AveragePool", [images.name], **attributes)
            value = _Value(name, shape, True)
        else:
            raise ValueError(f"layer {index} is of kind {kind!r}, which nerve.onnx cannot export")
    value = value.as_rows(graph)
    if _size(value.shape) != net.output_size:
        raise RuntimeError(f"the exported layers give {_size(value.shape)} outputs, the network {net.output_size}")
    graph.nodes[-1].output[0] = OUTPUT_NAME  # the last node made the value; give it the public name


def _activate(graph: _Graph, value: _Value, layer: Any) -> _Value:
    """The layer's activation as Nerve applies it: elementwise, or (softmax) over a sample's whole output."""
    activation = str(layer.activation)
    if activation == "linear":
        return value
    simple = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "exp": "Exp"}
    if activation in simple:
        return _Value(graph.node(simple[activation], [value.name]), value.shape, value.is_image)
    if activation == "leaky_relu":
        # The layer's own slope, as the library reports it (net.layers).
        alpha = float(layer.negative_slope)
        return _Value(graph.node("LeakyRelu", [value.name], alpha=alpha), value.shape, value.is_image)
    if activation == "softmax":
        # Nerve normalises over all of a sample's outputs, every channel and position of an image together.
        rows = value.as_rows(graph)
        return _Value(graph.node("Softmax", [rows.name], axis=1), value.shape, False)
    if activation == "step":
        # 1 at zero and above, 0 below (and for NaN, which compares false in both).
        zero = graph.constant(f"{value.name}.zero", 0.0)
        at_least_zero = graph.node("GreaterOrEqual", [value.name, zero])
        return _Value(graph.node("Cast", [at_least_zero], to=TensorProto.FLOAT), value.shape, value.is_image)
    raise ValueError(f"activation {activation!r} is not known to nerve.onnx")


def _window(
    shape: Shape, channels: int, window: Sequence[int], stride: Sequence[int], padding: str
) -> Tuple[Shape, List[int]]:
    """The output shape of a convolution or pooling window and ONNX's pads [top, left, bottom, right].

    As include/nerve.h defines it: "valid" gives ⌊(n − k) / s⌋ + 1 values per axis and no padding; "same" gives
    ⌈n / s⌉ with p = max((out − 1)·s + k − n, 0) zeros, ⌊p / 2⌋ before and the rest after (TensorFlow's rule,
    asymmetric when p is odd, so ONNX gets it as explicit begin and end pads)."""
    extents, before, after = [], [], []
    for n, k, s in zip(shape[1:], (int(k) for k in window), (int(s) for s in stride)):
        if padding == "valid":
            out, total = (n - k) // s + 1, 0
        elif padding == "same":
            out = -(-n // s)
            total = max((out - 1) * s + k - n, 0)
        else:
            raise ValueError(f"padding {padding!r} is not known to nerve.onnx")
        extents.append(out)
        before.append(total // 2)
        after.append(total - total // 2)
    return (channels, extents[0], extents[1]), before + after


def _batch_of_rows(name: str, size: int) -> onnx.ValueInfoProto:
    """A float32 [batch, size] graph input or output, the batch left symbolic."""
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [BATCH_DIMENSION, size])


def _library_shape(shape: Sequence[int]) -> Shape:
    if len(shape) == 1:
        return (int(shape[0]), 1, 1)
    channels, height, width = (int(extent) for extent in shape)
    return (channels, height, width)


def _size(shape: Sequence[int]) -> int:
    return int(np.prod(shape, dtype=np.int64))


# ----------------------------------------------------------------------------------------------- arguments


def _checked_network(net: object) -> _Network:
    network_class = importlib.import_module(f"{_PACKAGE}.network").Network
    if not isinstance(net, network_class):
        raise TypeError(f"nerve.onnx exports a nerve.Network, got {type(net).__name__}")
    return cast(_Network, net)


def _checked_opset(opset: Optional[int]) -> int:
    if opset is None:
        return DEFAULT_OPSET
    if isinstance(opset, bool) or not isinstance(opset, (int, np.integer)):
        raise TypeError(f"opset must be an int, got {type(opset).__name__}")
    newest = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= int(opset) <= newest:
        raise ValueError(f"opset must be {MIN_OPSET} .. {newest} (the newest this onnx package knows), got {opset}")
    return int(opset)


# ------------------------------------------------------------------------------------------------- writing


def _write_atomically(data: bytes, target: str) -> None:
    """Writes data to a new file in target's directory, syncs it and renames it over target."""
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "Is a directory, not a model file name", target)
    directory, name = os.path.split(target)
    try:
        temporary, descriptor = _create_beside(directory, name)
    except OSError as error:
        raise type(error)(error.errno, error.strerror, target) from error
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise type(error)(error.errno, error.strerror, target) from error
        raise
    _sync_directory(directory)


def _create_beside(directory: str, name: str) -> Tuple[str, int]:
    """A new, hidden, uniquely named file in directory, with the permissions a newly created file gets (mode
    0666 less the umask, as the final file would have had), open for writing."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temporary = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No unused temporary name", directory)


def _sync_directory(directory: str) -> None:
    """Makes the rename durable; file systems that cannot sync a directory are left as they are."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
