"""Ctrl-C during training.

While C code runs, Python only sees a pending SIGINT when it next runs Python code, which during nerve_train is
the progress callback. Raising KeyboardInterrupt there would be lost inside ctypes, so a handler installed for the
duration of training only records the request; the callback then asks the library to stop after the current
epoch and fit raises KeyboardInterrupt once nerve_train has returned with the network intact.

Only Python's default handler is replaced: a handler the program installed (a graceful shutdown, say) stays in
place and is called as usual, at the next callback; whatever it raises comes out of fit after the C call.
"""

import signal
import threading


class InterruptRequest:
    """A context manager that turns SIGINT into a flag while active, where Python's default handler is in place
    and on the main thread only (elsewhere, and under any other handler, a no-op)."""

    def __init__(self):
        self.requested = False
        self._previous = None
        self._installed = False

    def _handle(self, signum, frame):
        self.requested = True

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            # A program's own handler, SIG_IGN, or a handler installed from C (None, which could not be put
            # back afterwards) is the program's choice and stays.
            if previous is signal.default_int_handler:
                self._previous = previous
                signal.signal(signal.SIGINT, self._handle)
                self._installed = True
        return self

    def __exit__(self, *exc_info):
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
        return False
