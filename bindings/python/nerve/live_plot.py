"""A live plot of training in a notebook: `fit(progress="plot")`.

One figure, cost on the left and accuracy on the right, training and validation curves in each, redrawn after
every epoch and shown in place of its previous drawing. The figure is matplotlib's object-oriented Figure, not
pyplot's, so no backend is chosen and the notebook shows no second copy when the cell ends; it reaches the
notebook as a PNG through IPython's display, updated in place by its display id.
"""

from __future__ import annotations

import io
import math
from typing import Any, Dict, List, Tuple

from .history import Epoch

__all__: List[str] = []  # used through fit's progress="plot"

# (figure attribute, panel, label): the curves drawn, in the order of Figure.axes[panel].lines.
CURVES: Tuple[Tuple[str, int, str], ...] = (
    ("train_cost", 0, "training"),
    ("eval_cost", 0, "validation"),
    ("train_accuracy", 1, "training"),
    ("eval_accuracy", 1, "validation"),
)


def _ipython_display() -> Any:
    """IPython's display function, when running under IPython.

    Returns
    -------
    callable
        `IPython.display.display`.

    Raises
    ------
    RuntimeError
        Outside IPython (no IPython installed, or a plain Python process), where nothing can be redrawn in place.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        raise RuntimeError(
            'progress="plot" draws in a Jupyter notebook (or another IPython front end); '
            'use progress=True or progress="plain" elsewhere'
        )
    return display


class LivePlot:
    """Training's cost and accuracy curves, one figure redrawn in place after every epoch.

    Parameters
    ----------
    epochs : int
        The epochs fit was asked for: the horizontal axes span them from the start.

    Raises
    ------
    RuntimeError
        Outside IPython.
    ImportError
        Without matplotlib.

    Notes
    -----
    A figure that was never measured (validation without validation_data, training with monitor="none") has no
    points. Between epochs nothing is drawn: a redraw costs tens of milliseconds.
    """

    def __init__(self, epochs: int) -> None:
        self._display = _ipython_display()
        try:
            from matplotlib.figure import Figure
        except ImportError as error:
            raise ImportError('progress="plot" needs matplotlib (pip install matplotlib)') from error
        self.figure = Figure(figsize=(10, 3.5), layout="constrained")
        cost, accuracy = self.figure.subplots(1, 2)
        for axes, title in ((cost, "cost"), (accuracy, "accuracy")):
            axes.set_title(title)
            axes.set_xlabel("epoch")
            axes.set_xlim(0.5, max(epochs, 1) + 0.5)
        self._points: Dict[str, Tuple[List[int], List[float]]] = {name: ([], []) for name, _, _ in CURVES}
        self._lines = {
            name: self.figure.axes[panel].plot([], [], marker=".", label=label)[0] for name, panel, label in CURVES
        }
        for axes in self.figure.axes:
            axes.legend(loc="best")
        self._handle: Any = None

    def update(self, epoch: Epoch) -> None:
        """Adds an epoch's measured figures to the curves and redraws the figure in place.

        Parameters
        ----------
        epoch : Epoch
            The epoch's report; NaN figures (not measured) add no point.
        """
        for name, line in self._lines.items():
            value = getattr(epoch, name)
            if not math.isnan(value):
                xs, ys = self._points[name]
                xs.append(epoch.epoch)
                ys.append(value)
                line.set_data(xs, ys)
        for axes in self.figure.axes:
            axes.relim()
            axes.autoscale_view(scalex=False)
        self._show()

    def batch(self, epoch: int, step: int) -> None:
        """Nothing: the plot moves per epoch.

        Parameters
        ----------
        epoch, step : int
            Where training stands (1-based).
        """

    def close(self) -> None:
        """Leaves the last drawing in the notebook."""

    def _show(self) -> None:
        from IPython.display import Image

        png = io.BytesIO()
        self.figure.savefig(png, format="png")
        image = Image(data=png.getvalue(), format="png")
        if self._handle is None:
            self._handle = self._display(image, display_id=True)
        else:
            self._handle.update(image)
