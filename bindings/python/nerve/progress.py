"""Showing training progress: a tqdm bar when tqdm is installed, plain lines otherwise."""

from __future__ import annotations

import math
import sys
import time
from typing import Any, Callable, List, Optional, Protocol, TextIO, Union

from .history import Epoch

__all__: List[str] = []  # used by Network.fit only


class Progress(Protocol):
    """What fit reports to: an update per epoch, the position within an epoch now and then, a close at the end."""

    def update(self, epoch: Epoch) -> None: ...

    def batch(self, epoch: int, step: int) -> None: ...

    def close(self) -> None: ...


def _figure(name: str, value: float) -> Optional[str]:
    return None if math.isnan(value) else f"{name} {value:.4f}"


def describe(epoch: Epoch) -> List[str]:
    """The measured figures of an Epoch as short 'name value' strings, skipping those not measured."""
    figures = [
        _figure("train cost", epoch.train_cost),
        _figure("train acc", epoch.train_accuracy),
        _figure("eval cost", epoch.eval_cost),
        _figure("eval acc", epoch.eval_accuracy),
    ]
    return [figure for figure in figures if figure]


class PlainProgress:
    """One line per epoch."""

    def __init__(self, epochs: int, stream: Optional[TextIO] = None) -> None:
        self.epochs = epochs
        self.stream = stream or sys.stdout

    def update(self, epoch: Epoch) -> None:
        figures = "  ".join(describe(epoch))
        print(f"epoch {epoch.epoch}/{self.epochs}  {figures}  {epoch.seconds:.2f} s", file=self.stream, flush=True)

    def batch(self, epoch: int, step: int) -> None:
        pass

    def close(self) -> None:
        pass


class TqdmProgress:
    """A bar over every mini-batch of the run with the latest epoch's figures beside it. It moves at most
    `max_rate` times a second between epochs, so drawing it costs training nothing measurable."""

    max_rate = 10.0

    def __init__(self, epochs: int, tqdm: Callable[..., Any], steps: int = 1) -> None:
        self.steps = max(steps, 1)
        self.bar = tqdm(total=epochs * self.steps, unit="batch")
        self._moved = -math.inf

    def _move_to(self, position: int) -> None:
        if position > self.bar.n:
            self.bar.update(position - self.bar.n)

    def batch(self, epoch: int, step: int) -> None:
        now = time.monotonic()
        if now - self._moved >= 1 / self.max_rate:
            self._moved = now
            self._move_to((epoch - 1) * self.steps + step)

    def update(self, epoch: Epoch) -> None:
        self.bar.set_postfix_str(f"epoch {epoch.epoch}  " + ", ".join(describe(epoch)), refresh=False)
        self._move_to(epoch.epoch * self.steps)

    def close(self) -> None:
        self.bar.close()


class NoProgress:
    def update(self, epoch: Epoch) -> None:
        pass

    def batch(self, epoch: int, step: int) -> None:
        pass

    def close(self) -> None:
        pass


def _tqdm() -> Callable[..., Any]:
    """tqdm's notebook widget where it can work (it needs ipywidgets), its text bar everywhere else."""
    try:
        import ipywidgets  # noqa: F401

        from tqdm.auto import tqdm
    except ImportError:
        from tqdm import tqdm
    return tqdm  # type: ignore[no-any-return]


def reporter(progress: Union[bool, str, None], epochs: int, steps: int = 1) -> Progress:
    """progress: False/None (silent), True (tqdm if available, else plain lines), "tqdm", "plain", "plot" (a live
    plot in a notebook); steps: mini-batches per epoch."""
    if not progress:
        return NoProgress()
    if progress == "plain":
        return PlainProgress(epochs)
    if progress == "plot":
        from .live_plot import LivePlot

        return LivePlot(epochs)
    if progress is True or progress == "tqdm":
        try:
            tqdm = _tqdm()
        except ImportError:
            if progress == "tqdm":
                raise
            return PlainProgress(epochs)
        return TqdmProgress(epochs, tqdm, steps)
    raise ValueError(f"progress must be True, False, 'tqdm', 'plain' or 'plot', got {progress!r}")
