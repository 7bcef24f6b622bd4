"""Turning caller data into the arrays the C library reads: row-major float32, finite, of checked shape.

Every check here runs before any C call, so a mistake surfaces as an ordinary TypeError or ValueError that names
the argument, instead of a status code from deep inside the library.
"""

from __future__ import annotations

import ctypes
import operator
from typing import Any, List, Optional, Sequence

import numpy as np
import numpy.typing as npt

from ._lib import c_float_p

__all__: List[str] = []  # the package's own helpers

_NUMERIC_KINDS = "biuf"  # bool, signed, unsigned, floating
_INT32_MAX = 2**31 - 1

FloatArray = npt.NDArray[np.float32]


def _is_pandas(data: object) -> bool:
    # Checked by module name, so that pandas is never imported for callers who do not use it.
    return type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "isna") and hasattr(data, "to_numpy")


def _from_pandas(data: Any, name: str) -> npt.NDArray[Any]:
    """A DataFrame or Series as numpy, nullable dtypes (Int64, Float64, boolean) included; missing values refused.

    numpy reads a frame of nullable columns as an object array, and pd.NA as an object no float can hold, so
    each column's kind decides the dtype here.
    """
    missing = int(np.asarray(data.isna()).sum())
    if missing:
        raise ValueError(
            f"{name} contains {missing} missing value{'s' if missing > 1 else ''} (pandas NA or NaN); "
            f"drop or fill them first, e.g. with {name}.dropna() or {name}.fillna(0)"
        )
    dtypes = list(data.dtypes) if getattr(data, "ndim", 1) == 2 else [data.dtype]
    kinds = {getattr(dtype, "kind", "O") for dtype in dtypes}
    if not kinds or not kinds <= set(_NUMERIC_KINDS):
        return np.asarray(data)  # refused below, naming the dtype
    if kinds == {"b"}:
        return np.asarray(data.to_numpy(dtype=np.bool_))
    if kinds <= {"b", "i", "u"}:
        return np.asarray(data.to_numpy(dtype=np.int64))  # integer labels stay integers
    return np.asarray(data.to_numpy(dtype=np.float64))


def _as_numeric_array(data: Any, name: str) -> npt.NDArray[Any]:
    if data is None:
        raise TypeError(f"{name} must be an array, got None")
    if _is_pandas(data):
        array = _from_pandas(data, name)
    else:
        try:
            array = np.asarray(data)
        except (ValueError, TypeError) as error:  # ragged nested lists and the like
            raise ValueError(f"{name} could not be read as an array: {error}") from None
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def _as_finite_float32(array: npt.NDArray[Any], name: str) -> FloatArray:
    # Values beyond float32's range become inf here and are refused just below, as NaN is.
    with np.errstate(over="ignore", invalid="ignore"):
        converted = np.ascontiguousarray(array, dtype=np.float32)
    if not np.isfinite(converted).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return converted


def samples(data: Any, columns: int, name: str = "X", allow_empty: bool = False) -> FloatArray:
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


def images(data: Any, shape: Sequence[int], name: str = "X", allow_empty: bool = False) -> FloatArray:
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


def shaped(data: Any, shape: Sequence[int], name: str) -> FloatArray:
    """`data` as a C-contiguous float32 array of exactly `shape`."""
    array = _as_numeric_array(data, name)
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {array.shape}")
    return _as_finite_float32(array, name)


def targets(data: Any, rows: int, outputs: int, name: str = "Y", samples_name: str = "X") -> FloatArray:
    """`data` as a C-contiguous float32 (rows, outputs) array.

    A 2-D array is taken as is (one-hot rows for classification). A 1-D array holds integer class labels in
    0 .. outputs-1, which are one-hot encoded; for a network with a single output it is that output's column.
    A single column for a network of several outputs (a one-column DataFrame such as ``df[["label"]]``) can
    only be labels, so it is read as the 1-D labels, as scikit-learn reads it.
    """
    array = _as_numeric_array(data, name)
    if array.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D labels or 2-D (samples, {outputs}), got shape {array.shape}")
    if array.shape[0] != rows:
        raise ValueError(f"{name} has {array.shape[0]} samples but {samples_name} has {rows}")
    if array.ndim == 2 and array.shape[1] == 1 and outputs > 1:
        array = array[:, 0]
    if array.ndim == 2:
        if array.shape[1] != outputs:
            raise ValueError(f"{name} has {array.shape[1]} columns but the network has {outputs} outputs")
        return _as_finite_float32(array, name)
    if outputs == 1:
        return _as_finite_float32(array.reshape(rows, 1), name)
    return one_hot(array, outputs, name)


def one_hot(data: Any, classes: int, name: str = "y") -> FloatArray:
    """Integer labels 0 .. classes-1 as float32 one-hot rows."""
    labels = np.asarray(data)
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


def pointer(array: Optional[npt.NDArray[Any]]) -> Any:
    """A float* to a float32 array's data, or NULL for None."""
    if array is None:
        return None
    return array.ctypes.data_as(c_float_p)


def int32(value: Any, name: str) -> int:
    """An int fitting the C int32_t fields; ctypes would silently wrap larger ones. A bool is no count."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got bool")
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if not -_INT32_MAX - 1 <= number <= _INT32_MAX:
        raise ValueError(f"{name}={number} is out of range")
    return number


def real(value: Any, name: str) -> float:
    """A Python float for the C float fields (range checks are the library's)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def uint64(value: Any, name: str) -> ctypes.c_uint64:
    """A ctypes uint64 for the seeds; ctypes would silently wrap negative or larger values."""
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None
    if not 0 <= number < 2**64:
        raise ValueError(f"{name}={number} must be in 0 .. 2**64-1")
    return ctypes.c_uint64(number)
