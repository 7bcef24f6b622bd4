"""Turning caller data into the arrays the C library reads: row-major float32, finite, of checked shape.

Every check here runs before any C call, so a mistake surfaces as an ordinary TypeError or ValueError that names
the argument, instead of a status code from deep inside the library.
"""

import ctypes
import operator

import numpy as np

from ._lib import c_float_p

_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, floating
_INT32_MAX = 2**31 - 1


def _as_numeric_array(data, name):
    if data is None:
        raise TypeError(f"{name} must be an array, got None")
    try:
        array = np.asarray(data)
    except (ValueError, TypeError) as error:  # ragged nested lists and the like
        raise ValueError(f"{name} could not be read as an array: {error}") from None
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def _as_finite_float32(array, name):
    # Values beyond float32's range become inf here and are refused just below, as NaN is.
    with np.errstate(over="ignore", invalid="ignore"):
        converted = np.ascontiguousarray(array, dtype=np.float32)
    if not np.isfinite(converted).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return converted


def samples(data, columns, name="X", allow_empty=False):
    """`data` as a C-contiguous float32 (n, columns) array."""
    array = _as_numeric_array(data, name)
    if array.ndim != 2:
        hint = " (use x.reshape(1, -1) for a single sample)" if array.ndim == 1 else ""
        raise ValueError(f"{name} must be 2-D (samples, {columns}), got shape {array.shape}{hint}")
    if array.shape[1] != columns:
        raise ValueError(f"{name} has {array.shape[1]} columns but the network takes {columns} inputs")
    if array.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} holds no samples")
    return _as_finite_float32(array, name)


def images(data, shape, name="X", allow_empty=False):
    """`data` as a C-contiguous float32 (n, c·h·w) array, for a network whose samples have `shape`.

    `shape` is (c, h, w) for an image input, (n,) for a vector input. Image samples may come as rows of c·h·w
    channel-major values or as an (n, c, h, w) array; vector samples as (n, inputs) rows only.
    """
    shape = tuple(shape)
    columns = 1
    for extent in shape:
        columns *= extent
    if len(shape) == 1:
        return samples(data, columns, name=name, allow_empty=allow_empty)
    array = _as_numeric_array(data, name)
    described = " × ".join(map(str, shape))
    if array.ndim == 2:
        if array.shape[1] != columns:
            raise ValueError(
                f"{name} has {array.shape[1]} columns but the network takes {columns} inputs ({described} images)"
            )
    elif array.ndim == 1 + len(shape):
        if array.shape[1:] != shape:
            raise ValueError(f"{name} holds samples of shape {array.shape[1:]} but the network takes {shape}")
        array = array.reshape(array.shape[0], columns)
    else:
        hint = ""
        if array.shape == shape:
            hint = " (use x[None] for a single sample)"
        elif array.ndim == len(shape) and shape[0] == 1 and array.shape[1:] == shape[1:]:
            hint = f" (use {name}[:, None] to add the channel axis)"
        raise ValueError(
            f"{name} must be (samples, {', '.join(map(str, shape))}) or (samples, {columns}), got shape "
            f"{array.shape}{hint}"
        )
    if array.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} holds no samples")
    return _as_finite_float32(array, name)


def shaped(data, shape, name):
    """`data` as a C-contiguous float32 array of exactly `shape`."""
    array = _as_numeric_array(data, name)
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    return _as_finite_float32(array, name)


def targets(data, rows, outputs, name="Y"):
    """`data` as a C-contiguous float32 (rows, outputs) array.

    A 2-D array is taken as is (one-hot rows for classification). A 1-D array holds integer class labels in
    0 .. outputs-1, which are one-hot encoded; for a network with a single output it is that output's column.
    """
    array = _as_numeric_array(data, name)
    if array.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D labels or 2-D (samples, {outputs}), got shape {array.shape}")
    if array.shape[0] != rows:
        raise ValueError(f"{name} has {array.shape[0]} samples but X has {rows}")
    if array.ndim == 2:
        if array.shape[1] != outputs:
            raise ValueError(f"{name} has {array.shape[1]} columns but the network has {outputs} outputs")
        return _as_finite_float32(array, name)
    if outputs == 1:
        return _as_finite_float32(array.reshape(rows, 1), name)
    return one_hot(array, outputs, name)


def one_hot(labels, classes, name="y"):
    """Integer labels 0 .. classes-1 as float32 one-hot rows."""
    labels = np.asarray(labels)
    if labels.dtype.kind == "f":
        if not np.isfinite(labels).all():
            raise ValueError(f"{name} contains NaN or infinite labels")
        if not (labels == np.round(labels)).all():
            raise ValueError(f"{name} holds fractional values; class labels must be integers 0 .. {classes - 1}")
    elif labels.dtype.kind not in "biu":
        raise TypeError(f"{name} must hold integer class labels, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"{name} holds labels from {labels.min()} to {labels.max()}; the network's {classes} outputs take "
            f"labels 0 .. {classes - 1}"
        )
    encoded = np.zeros((labels.shape[0], classes), dtype=np.float32)
    encoded[np.arange(labels.shape[0]), labels.astype(np.intp)] = 1.0
    return encoded


def pointer(array):
    """A float* to a float32 array's data, or NULL for None."""
    if array is None:
        return None
    return array.ctypes.data_as(c_float_p)


def int32(value, name):
    """An int fitting the C int32_t fields; ctypes would silently wrap larger ones."""
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if not -_INT32_MAX - 1 <= number <= _INT32_MAX:
        raise ValueError(f"{name}={number} is out of range")
    return number


def real(value, name):
    """A Python float for the C float fields (range checks are the library's)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def uint64(value, name):
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if not 0 <= number < 2**64:
        raise ValueError(f"{name}={number} must be in 0 .. 2**64-1")
    return ctypes.c_uint64(number)
