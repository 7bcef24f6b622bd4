"""Loading libnerve and declaring the C prototypes of include/nerve.h.

Everything here mirrors the header one to one; nothing computes. The structures keep the header's field order,
because ctypes lays them out exactly as a C compiler would.
"""

import ctypes
import ctypes.util
import os
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

LIBRARY_ENV = "NERVE_LIBRARY"
LIBRARY_FILE = "libnerve.so"

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

ACTIVATIONS = {
    "sigmoid": 0,
    "tanh": 1,
    "relu": 2,
    "leaky_relu": 3,
    "linear": 4,
    "softmax": 5,
    "step": 6,
}
COSTS = {"quadratic": 0, "cross_entropy": 1, "log_likelihood": 2}
INITS = {"auto": 0, "normalized": 1, "large": 2, "he": 3}
OPTIMIZERS = {"sgd": 0, "adam": 1}
MONITORS = {"none": 0, "running": 1, "full": 2}

c_float_p = POINTER(c_float)
c_int32_p = POINTER(c_int32)


class EpochReport(Structure):
    """struct nerve_epoch_report."""

    _fields_ = [
        ("epoch", c_int32),
        ("train_cost", c_float),
        ("train_accuracy", c_float),
        ("eval_cost", c_float),
        ("eval_accuracy", c_float),
        ("seconds", c_double),
        ("learning_rate", c_float),
    ]


PROGRESS_FN = CFUNCTYPE(c_int32, POINTER(EpochReport), c_void_p)


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
    ]


# A newer library may know more option fields than this module and nerve_train_options_init fills all it knows,
# so the structure is initialised inside a roomier buffer; struct_size then tells the library what we know.
_OPTIONS_SLACK = 1024


def default_train_options():
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
    "nerve_create": (c_int32, [POINTER(c_void_p), c_int32_p, c_int32, c_int32_p, c_int32, c_uint64]),
    "nerve_free": (None, [c_void_p]),
    "nerve_reinit": (c_int32, [c_void_p, c_int32, c_uint64]),
    "nerve_input_size": (c_int32, [c_void_p]),
    "nerve_output_size": (c_int32, [c_void_p]),
    "nerve_layer_count": (c_int32, [c_void_p]),
    "nerve_cost": (c_int32, [c_void_p]),
    "nerve_layer_info": (c_int32, [c_void_p, c_int32, c_int32_p, c_int32_p, c_int32_p]),
    "nerve_get_layer": (c_int32, [c_void_p, c_int32, c_float_p, c_int64, c_float_p, c_int64]),
    "nerve_set_layer": (c_int32, [c_void_p, c_int32, c_float_p, c_int64, c_float_p, c_int64]),
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


def candidate_paths(package_dir=None, environ=None):
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


def find_library(package_dir=None, environ=None):
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


def declare(library):
    """Sets restype/argtypes of every nerve_* function on a loaded CDLL and returns it."""
    for name, (restype, argtypes) in _PROTOTYPES.items():
        function = getattr(library, name)
        function.restype = restype
        function.argtypes = argtypes
    return library


_library = None
_library_path = None


def lib():
    """The loaded library, loaded and declared on first use."""
    global _library, _library_path
    if _library is None:
        path = find_library()
        _library = declare(ctypes.CDLL(path))
        _library_path = path
    return _library


def library_path():
    lib()
    return _library_path
