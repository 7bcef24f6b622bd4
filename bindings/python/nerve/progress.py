"""Showing training progress: a tqdm bar when tqdm is installed, plain lines otherwise."""

import math
import sys


def _figure(name, value):
    return None if math.isnan(value) else f"{name} {value:.4f}"


def describe(epoch):
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

    def __init__(self, epochs, stream=None):
        self.epochs = epochs
        self.stream = stream or sys.stdout

    def update(self, epoch):
        figures = "  ".join(describe(epoch))
        print(f"epoch {epoch.epoch}/{self.epochs}  {figures}  {epoch.seconds:.2f} s", file=self.stream, flush=True)

    def close(self):
        pass


class TqdmProgress:
    """A bar over epochs with the latest figures beside it."""

    def __init__(self, epochs, tqdm):
        self.bar = tqdm(total=epochs, unit="epoch")

    def update(self, epoch):
        self.bar.set_postfix_str(", ".join(describe(epoch)), refresh=False)
        self.bar.update(1)

    def close(self):
        self.bar.close()


class NoProgress:
    def update(self, epoch):
        pass

    def close(self):
        pass


def _tqdm():
    """tqdm's notebook widget where it can work (it needs ipywidgets), its text bar everywhere else."""
    try:
        import ipywidgets  # noqa: F401

        from tqdm.auto import tqdm
    except ImportError:
        from tqdm import tqdm
    return tqdm


def reporter(progress, epochs):
    """progress: False/None (silent), True (tqdm if available, else plain lines), "tqdm", "plain"."""
    if not progress:
        return NoProgress()
    if progress == "plain":
        return PlainProgress(epochs)
    if progress is True or progress == "tqdm":
        try:
            tqdm = _tqdm()
        except ImportError:
            if progress == "tqdm":
                raise
            return PlainProgress(epochs)
        return TqdmProgress(epochs, tqdm)
    raise ValueError(f"progress must be True, False, 'tqdm' or 'plain', got {progress!r}")
