"""Ctrl-C during training.

While C code runs, Python only sees a pending SIGINT when it next runs Python code, which during nerve_train is
a callback: the batch callback, which the library calls every BATCH_INTERVAL seconds between mini-batches, and
the progress callback after each epoch. Raising KeyboardInterrupt there would be lost inside ctypes, so a
handler installed for the duration of training only records the request; the next callback then asks the
library to stop before the next mini-batch, and fit raises KeyboardInterrupt once nerve_train has returned with
the network intact. A stop therefore comes at most BATCH_INTERVAL plus one mini-batch after the signal.

Only Python's default handler is replaced: a handler the program installed (a graceful shutdown, say) stays in
place and is called as usual, at the next callback; whatever it raises comes out of fit after the C call.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any, Callable, Literal, Optional, Union

__all__: list[str] = []  # used by Network.fit only

# Seconds between the batch callbacks of a fit: a Ctrl-C waits at most this long (plus the mini-batch running)
# to be seen, and a callback costs some 20 µs, so training spends well under 0.1 % of its time on them.
BATCH_INTERVAL = 0.05


class InterruptRequest:
    """A context manager that turns SIGINT into a flag while active, where Python's default handler is in place
    and on the main thread only (elsewhere, and under any other handler, a no-op)."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Union[Callable[[int, Optional[FrameType]], Any], int, None] = None
        self._installed = False

    def _handle(self, signum: int, frame: Optional[FrameType]) -> None:
        self.requested = True

    def __enter__(self) -> InterruptRequest:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            # A program's own handler, SIG_IGN, or a handler installed from C (None, which could not be put
            # back afterwards) is the program's choice and stays.
            if previous is signal.default_int_handler:
                self._previous = previous
                signal.signal(signal.SIGINT, self._handle)
                self._installed = True
        return self

    def __exit__(self, *exc_info: object) -> Literal[False]:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
        return False
