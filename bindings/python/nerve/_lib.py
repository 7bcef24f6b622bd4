"""Loading libnerve and declaring the C prototypes of include/nerve.h.

Everything here mirrors the header one to one; nothing computes. The structures keep the header's field order,
because ctypes lays them out exactly as a C compiler would.
"""

import ctypes
import ctypes.util
import os
import types
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_double,
    c_float,
    c_int32,
    c_int64,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Union

LIBRARY_ENV = "NERVE_LIBRARY"
LIBRARY_FILE = "libnerve.so"
REQUIRED_VERSION = "0.5"

# Status codes (nerve.h, "Status codes").
OK = 0
STOPPED = 1
E_INVALID = -1
E_SIZE = -2
E_UNSUPPORTED = -3
E_NOMEM = -4
E_IO = -5
E_FORMAT = -6
E_BUSY = -7
E_DIVERGED = -8
E_CAPACITY = -9
E_ABORTED = -10

# Enumerations whose names the library reports (nerve.h, NERVE_ENUM_*).
ENUM_ACTIVATION = 0
ENUM_COST = 1
ENUM_INIT = 2
ENUM_OPTIMIZER = 3
ENUM_MONITOR = 4
ENUM_LAYER = 5
ENUM_PADDING = 6
ENUM_METRIC = 7
ENUM_BIAS_INIT = 8
ENUM_OPTIMIZER_STATE = 9
ENUM_ACCURACY_RULE = 10

# The tables {name: value} of those enumerations, read from the library when it is loaded (see lib()) and
# reached as module attributes: _lib.ACTIVATIONS, _lib.COSTS, ...
ENUM_TABLES = {
    "ACTIVATIONS": ENUM_ACTIVATION,
    "COSTS": ENUM_COST,
    "INITS": ENUM_INIT,
    "OPTIMIZERS": ENUM_OPTIMIZER,
    "MONITORS": ENUM_MONITOR,
    "LAYERS": ENUM_LAYER,
    "PADDINGS": ENUM_PADDING,
    "METRICS": ENUM_METRIC,
    "BIAS_INITS": ENUM_BIAS_INIT,
    "OPTIMIZER_STATES": ENUM_OPTIMIZER_STATE,
    "ACCURACY_RULES": ENUM_ACCURACY_RULE,
}

# The most threads a call may be given (NERVE_MAX_THREADS).
MAX_THREADS = 256

# Leaky ReLU's slope below zero when a layer does not set its own (NERVE_DEFAULT_NEGATIVE_SLOPE, a float).
DEFAULT_NEGATIVE_SLOPE = 0.01

c_float_p = POINTER(c_float)
c_int32_p = POINTER(c_int32)
c_int64_p = POINTER(c_int64)
c_double_p = POINTER(c_double)


class LayerSpec(Structure):
    """struct nerve_layer_spec (Since 0.3; negative_slope since 0.5); its size is passed as `spec_size`."""

    _fields_ = [
        ("kind", c_int32),
        ("units", c_int32),
        ("window_height", c_int32),
        ("window_width", c_int32),
        ("stride_height", c_int32),
        ("stride_width", c_int32),
        ("padding", c_int32),
        ("activation", c_int32),
        # Since 0.5
        ("negative_slope", c_float),
    ]


class EpochReport(Structure):
    """struct nerve_epoch_report."""

    _fields_ = [
        ("epoch", c_int32),
        ("train_cost", c_float),
        ("train_accuracy", c_float),
        ("eval_cost", c_float),
        ("eval_accuracy", c_float),
        ("reserved1", c_int32),
        ("seconds", c_double),
        ("learning_rate", c_float),
        ("reserved2", c_int32),
    ]


PROGRESS_FN = CFUNCTYPE(c_int32, POINTER(EpochReport), c_void_p)


class Step(Structure):
    """struct nerve_step (Since 0.4; steps, epochs and samples_done since 0.5)."""

    _fields_ = [
        ("epoch", c_int32),
        ("step", c_int32),
        ("rows", c_int64),
        ("steps", c_int32),
        ("epochs", c_int32),
        ("samples_done", c_int64),
    ]


# nerve_gradient_fn and nerve_report_fn (Since 0.4): the training hooks.
GRADIENT_FN = CFUNCTYPE(c_int32, POINTER(c_float), c_int64, POINTER(Step), c_void_p)
REPORT_FN = CFUNCTYPE(c_int32, POINTER(EpochReport), c_void_p)
# nerve_batch_fn (Since 0.5): progress between mini-batches.
BATCH_FN = CFUNCTYPE(c_int32, POINTER(Step), c_void_p)


class TrainOptions(Structure):
    """struct nerve_train_options."""

    _fields_ = [
        ("struct_size", c_uint32),
        ("epochs", c_int32),
        ("batch_size", c_int32),
        ("learning_rate", c_float),
        ("momentum", c_float),
        ("l2", c_float),
        ("l1", c_float),
        ("dropout", c_float),
        ("optimizer", c_int32),
        ("adam_beta1", c_float),
        ("adam_beta2", c_float),
        ("adam_epsilon", c_float),
        ("early_stopping", c_int32),
        ("lr_decay", c_float),
        ("lr_patience", c_int32),
        ("lr_min", c_float),
        ("shuffle", c_int32),
        ("monitor_training", c_int32),
        ("progress", PROGRESS_FN),
        ("user_data", c_void_p),
        # Since 0.2
        ("threads", c_int32),
        # Since 0.4
        ("steps_per_epoch", c_int32),
        ("gradient_hook", GRADIENT_FN),
        ("report_hook", REPORT_FN),
        ("hook_data", c_void_p),
        ("regularization_n", c_int64),
        # Since 0.5
        ("cancel", POINTER(c_int32)),
        ("batch_progress", BATCH_FN),
        ("batch_interval", c_double),
        ("sample_weights", c_float_p),
        ("nesterov", c_int32),
        ("rprop_increase", c_float),
        ("rprop_decrease", c_float),
        ("rprop_delta_min", c_float),
        ("rprop_delta_max", c_float),
        ("rprop_delta_zero", c_float),
        ("early_stopping_metric", c_int32),
        ("min_improvement", c_float),
        ("target_cost", c_float),
        ("optimizer_state", c_int32),
        ("accuracy_rule", c_int32),
        ("reserved", c_int32),
    ]


# A newer library may know more option fields than this module and nerve_train_options_init fills all it knows,
# so the structure is initialised inside a roomier buffer; struct_size then tells the library what we know.
_OPTIONS_SLACK = 1024


def default_train_options() -> TrainOptions:
    """A TrainOptions filled by nerve_train_options_init, claiming only the fields declared above."""
    buffer = (ctypes.c_char * (ctypes.sizeof(TrainOptions) + _OPTIONS_SLACK))()
    lib().nerve_train_options_init(buffer)
    options = TrainOptions.from_buffer(buffer)
    options.struct_size = ctypes.sizeof(TrainOptions)  # from_buffer keeps `buffer` alive
    return options


_PROTOTYPES = {
    "nerve_last_error": (c_char_p, []),
    "nerve_status_string": (c_char_p, [c_int32]),
    "nerve_version": (c_char_p, []),
    "nerve_kernel": (c_char_p, []),
    "nerve_enum_name": (c_char_p, [c_int32, c_int32]),
    "nerve_enum_value": (c_int32, [c_int32, c_char_p, c_int32_p]),
    "nerve_create": (c_int32, [POINTER(c_void_p), c_int32_p, c_int32, c_int32_p, c_int32, c_uint64]),
    "nerve_free": (None, [c_void_p]),
    "nerve_reinit": (c_int32, [c_void_p, c_int32, c_uint64]),
    "nerve_initialize": (c_int32, [c_void_p, c_int32, c_int32, c_float, c_uint64]),
    "nerve_clone": (c_int32, [c_void_p, POINTER(c_void_p)]),
    "nerve_set_threads": (c_int32, [c_void_p, c_int32]),
    "nerve_threads": (c_int32, [c_void_p]),
    "nerve_input_size": (c_int32, [c_void_p]),
    "nerve_output_size": (c_int32, [c_void_p]),
    "nerve_layer_count": (c_int32, [c_void_p]),
    "nerve_cost": (c_int32, [c_void_p]),
    "nerve_layer_info": (c_int32, [c_void_p, c_int32, c_int32_p, c_int32_p, c_int32_p]),
    "nerve_layer_shape": (c_int32, [c_void_p, c_int32, c_int32_p, c_int32_p, c_int32_p]),
    "nerve_create_layers": (
        c_int32,
        [POINTER(c_void_p), c_int32_p, POINTER(LayerSpec), c_int32, c_size_t, c_int32, c_uint64],
    ),
    "nerve_get_layer_spec": (c_int32, [c_void_p, c_int32, POINTER(LayerSpec), c_size_t]),
    "nerve_parameter_count": (c_int64, [c_void_p]),
    "nerve_layer_parameter_count": (c_int32, [c_void_p, c_int32, c_int64_p, c_int64_p]),
    "nerve_get_layer": (c_int32, [c_void_p, c_int32, c_float_p, c_int64, c_float_p, c_int64]),
    "nerve_set_layer": (c_int32, [c_void_p, c_int32, c_float_p, c_int64, c_float_p, c_int64]),
    "nerve_get_parameters": (c_int32, [c_void_p, c_float_p, c_int64]),
    "nerve_set_parameters": (c_int32, [c_void_p, c_float_p, c_int64]),
    "nerve_cost_gradient": (
        c_int32,
        [c_void_p, c_float_p, c_float_p, c_int64, c_float, c_float, c_double_p, c_float_p, c_int64],
    ),
    "nerve_gradient_norms": (c_int32, [c_void_p, c_float_p, c_float_p, c_int64, c_double_p, c_double_p, c_int32]),
    "nerve_check_gradient": (
        c_int32,
        [c_void_p, c_float_p, c_float_p, c_int64, c_double, c_int64_p, c_int64, c_double_p],
    ),
    "nerve_train_options_init": (None, [c_void_p]),
    "nerve_train": (
        c_int32,
        [c_void_p, c_float_p, c_float_p, c_int64, c_float_p, c_float_p, c_int64, POINTER(TrainOptions)],
    ),
    "nerve_predict": (c_int32, [c_void_p, c_float_p, c_int64, c_float_p, c_int64]),
    "nerve_evaluate": (c_int32, [c_void_p, c_float_p, c_float_p, c_int64, c_float_p, c_float_p]),
    "nerve_save": (c_int32, [c_void_p, c_char_p]),
    "nerve_load": (c_int32, [c_char_p, POINTER(c_void_p)]),
    "nerve_serialized_size": (c_int32, [c_void_p, POINTER(c_size_t)]),
    "nerve_save_to_memory": (c_int32, [c_void_p, c_void_p, c_size_t, POINTER(c_size_t)]),
    "nerve_load_from_memory": (c_int32, [c_void_p, c_size_t, POINTER(c_void_p)]),
}


def candidate_paths(
    package_dir: Union[str, Path, None] = None, environ: Optional[Mapping[str, str]] = None
) -> List[Path]:
    """Where to look for libnerve.so, in order: NERVE_LIBRARY, the copy shipped in the package, the build output
    of the source tree the package sits in. The system's library path comes last (see find_library)."""
    environ = os.environ if environ is None else environ
    package_dir = Path(package_dir or Path(__file__).resolve().parent)
    paths = []
    if environ.get(LIBRARY_ENV):
        paths.append(Path(environ[LIBRARY_ENV]))
    paths.append(package_dir / "lib" / LIBRARY_FILE)
    for directory in package_dir.parents:
        built = directory / "build" / "lib" / LIBRARY_FILE
        if built.exists():
            paths.append(built)
            break
    return paths


def find_library(
    package_dir: Union[str, Path, None] = None, environ: Optional[Mapping[str, str]] = None
) -> str:
    """The path (or bare name for the dynamic loader) of the library to load; raises OSError if none is found."""
    environ = os.environ if environ is None else environ
    candidates = candidate_paths(package_dir, environ)
    if environ.get(LIBRARY_ENV):
        # An explicit choice is never silently replaced by another library.
        chosen = candidates[0]
        if not chosen.exists():
            raise OSError(f"{LIBRARY_ENV}={chosen} does not exist")
        return str(chosen)
    for path in candidates:
        if path.exists():
            return str(path)
    system = ctypes.util.find_library("nerve")
    if system:
        return system
    raise OSError(
        "libnerve.so not found: build it with `make build`, install it, or set "
        f"{LIBRARY_ENV} to its path (looked in: {', '.join(str(p) for p in candidates) or 'nowhere'})"
    )


def declare(library: ctypes.CDLL) -> ctypes.CDLL:
    """Sets restype/argtypes of every nerve_* function on a loaded CDLL and returns it.

    Raises
    ------
    OSError
        If the library lacks a function of this header (a library older than the binding).
    """
    missing = [name for name in _PROTOTYPES if not hasattr(library, name)]
    if missing:
        version = "unknown"
        if hasattr(library, "nerve_version"):
            library.nerve_version.restype = c_char_p
            version = library.nerve_version().decode("ascii", "replace")
        raise OSError(
            f"{getattr(library, '_name', 'libnerve')} is version {version} and lacks {', '.join(missing)}; "
            f"this binding needs libnerve {REQUIRED_VERSION} or later"
        )
    for name, (restype, argtypes) in _PROTOTYPES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


def enum_table(library: ctypes.CDLL, enumeration: int) -> Dict[str, int]:
    """{name: value} of one NERVE_ENUM_* enumeration, asking nerve_enum_name for 0, 1, 2, ... until NULL."""
    table: Dict[str, int] = {}
    while True:
        name = library.nerve_enum_name(enumeration, len(table))
        if name is None:
            return table
        table[name.decode("ascii")] = len(table)


_library: Optional[ctypes.CDLL] = None
_library_path: Optional[str] = None
_tables: Optional[Dict[str, Mapping[str, int]]] = None


def lib() -> ctypes.CDLL:
    """The loaded library, loaded and declared (and its enumerations read) on first use."""
    global _library, _library_path, _tables
    if _library is None:
        path = find_library()
        library = declare(ctypes.CDLL(path))
        _tables = {
            attribute: types.MappingProxyType(enum_table(library, code)) for attribute, code in ENUM_TABLES.items()
        }
        _library_path = path
        _library = library
    return _library


def library_path() -> str:
    lib()
    assert _library_path is not None
    return _library_path


def __getattr__(name: str) -> Any:
    # ACTIVATIONS, COSTS, ...: the library's own names, so loading it is what defines them.
    if name in ENUM_TABLES:
        lib()
        assert _tables is not None
        return _tables[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
