"""Ctrl-C during training.

While C code runs, Python only sees a pending SIGINT when it next runs Python code, which during nerve_train is
the progress callback. Raising KeyboardInterrupt there would be lost inside ctypes, so a handler installed for the
duration of training only records the request; the callback then asks the library to stop after the current
epoch and fit raises KeyboardInterrupt once nerve_train has returned with the network intact.
"""

import signal
import threading


class InterruptRequest:
    """A context manager that turns SIGINT into a flag while active (main thread only; elsewhere a no-op)."""

    def __init__(self):
        self.requested = False
        self._previous = None
        self._installed = False

    def _handle(self, signum, frame):
        self.requested = True

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            # Someone who chose to ignore Ctrl-C keeps that choice; a handler installed from C (None) could not
            # be put back afterwards, so it is left alone too.
            if previous is not signal.SIG_IGN and previous is not None:
                self._previous = previous
                signal.signal(signal.SIGINT, self._handle)
                self._installed = True
        return self

    def __exit__(self, *exc_info):
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
        return False
