"""Exceptions raised for the library's failure statuses.

Every failing nerve_* call becomes a NerveError carrying the status code and the library's own message. Each code
has a subclass that also derives from the matching built-in exception, so `except ValueError` or `except OSError`
work as they would for any other Python library.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple, Type

from . import _lib

__all__ = [
    "NerveError",
    "NerveValueError",
    "NerveSizeError",
    "NerveUnsupportedError",
    "NerveMemoryError",
    "NerveIOError",
    "NerveFormatError",
    "NerveBusyError",
    "NerveDivergedError",
    "NerveCapacityError",
    "NerveAbortedError",
]


class NerveError(Exception):
    """The library refused a call or failed; `message` says why in the words of the Python API.

    Parameters
    ----------
    message : str
        The explanation, also what ``str(error)`` gives.

    Attributes
    ----------
    status : int or None
        The library's status code (nerve_status) behind the exception.
    message : str
        The explanation.
    """

    status: Optional[int] = None

    def __init__(self, message: str) -> None:
        # One positional argument only: OSError would read a second one as errno/strerror.
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NerveValueError(NerveError, ValueError):
    """NERVE_E_INVALID: a NULL pointer, unknown enum value, NaN/Inf or an option out of range."""

    status = _lib.E_INVALID


class NerveSizeError(NerveError, ValueError):
    """NERVE_E_SIZE: a size is zero, absurd, or does not match the network."""

    status = _lib.E_SIZE


class NerveUnsupportedError(NerveError, ValueError):
    """NERVE_E_UNSUPPORTED: a valid request the library refuses (e.g. softmax with cross-entropy)."""

    status = _lib.E_UNSUPPORTED


class NerveMemoryError(NerveError, MemoryError):
    """NERVE_E_NOMEM."""

    status = _lib.E_NOMEM


class NerveIOError(NerveError, OSError):
    """NERVE_E_IO: a file could not be opened, read, written or renamed."""

    status = _lib.E_IO


class NerveFormatError(NerveError, ValueError):
    """NERVE_E_FORMAT: a model file or buffer is truncated, corrupted or of an unknown version."""

    status = _lib.E_FORMAT


class NerveBusyError(NerveError, RuntimeError):
    """NERVE_E_BUSY: the network is already being trained by another call."""

    status = _lib.E_BUSY


class NerveDivergedError(NerveError, FloatingPointError):
    """NERVE_E_DIVERGED: training produced NaN or infinite values; the network keeps its last good weights."""

    status = _lib.E_DIVERGED


class NerveCapacityError(NerveError):
    """NERVE_E_CAPACITY: an output buffer was too small."""

    status = _lib.E_CAPACITY


class NerveAbortedError(NerveError, RuntimeError):
    """NERVE_E_ABORTED: a training hook asked training to end; the network keeps the last completed epoch's
    weights (or those it had before training)."""

    status = _lib.E_ABORTED


_BY_STATUS: Dict[int, Type[NerveError]] = {
    int(cls.status or 0): cls
    for cls in (
        NerveValueError,
        NerveSizeError,
        NerveUnsupportedError,
        NerveMemoryError,
        NerveIOError,
        NerveFormatError,
        NerveBusyError,
        NerveDivergedError,
        NerveCapacityError,
        NerveAbortedError,
    )
}


# The library names C functions and arguments; a Python caller typed other words. Each pair is a pattern of the
# library's messages and what the binding says instead.
_PYTHON_WORDS: Tuple[Tuple[str, str], ...] = (
    (r"^nerve_[a-z0-9_]+: ", ""),  # the C function that failed: the Python caller called a method instead
    (r"\bevaluation data\b", "validation_data"),
    (r"\beval_x\b", "validation X"),
    (r"\beval_y\b", "validation Y"),
    (r"\beval_n\b", "the number of validation samples"),
    (r"threads must be 0 \(the network's setting\) to", "threads must be None (the network's setting) or 1 to"),
)


def python_message(message: str) -> str:
    """The library's message in the words of the Python API: no C function or argument names."""
    for pattern, words in _PYTHON_WORDS:
        message = re.sub(pattern, words, message)
    return message


def error_for(status: int) -> NerveError:
    """The exception for a failure status, with the message the library left for this thread."""
    library = _lib.lib()
    message = library.nerve_last_error().decode("utf-8", "replace")
    if not message:
        message = library.nerve_status_string(status).decode("utf-8", "replace")
    error = _BY_STATUS.get(status, NerveError)(python_message(message))
    error.status = status
    return error


def check(status: int) -> int:
    """Raises for a failure status; returns OK and STOPPED unchanged. Call it right after the C call, on the same
    thread, so nerve_last_error still describes that call."""
    if status < 0:
        raise error_for(status)
    return status
