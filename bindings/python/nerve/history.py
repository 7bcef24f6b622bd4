"""What training measured, epoch by epoch, in the shape plotting libraries want."""

from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Tuple

__all__ = ["Epoch", "History"]


class Epoch(NamedTuple):
    """The figures of one training epoch, as fit's callback receives them. Figures not measured are NaN.

    Parameters
    ----------
    epoch : int
        The epoch's number, from 1.
    train_cost, train_accuracy : float
        Cost and accuracy on the training data (see fit's `monitor`). Accuracy is argmax agreement for one-hot
        targets, per-label agreement after rounding at 0.5 for other 0/1 targets, and NaN for regression targets.
    eval_cost, eval_accuracy : float
        Cost and accuracy on fit's `validation_data`; NaN without it.
    seconds : float
        Wall-clock time the epoch took.
    learning_rate : float
        The learning rate the epoch trained with (the schedule may lower it).
    """

    epoch: int
    train_cost: float
    train_accuracy: float
    eval_cost: float
    eval_accuracy: float
    seconds: float
    learning_rate: float

    @classmethod
    def from_report(cls, report: Any) -> Epoch:
        """The Epoch of a struct nerve_epoch_report.

        Parameters
        ----------
        report : EpochReport
            The structure the library filled.

        Returns
        -------
        Epoch
            Its figures as Python numbers.
        """
        return cls(
            int(report.epoch),
            float(report.train_cost),
            float(report.train_accuracy),
            float(report.eval_cost),
            float(report.eval_accuracy),
            float(report.seconds),
            float(report.learning_rate),
        )


def _figure(value: float) -> str:
    return "nan" if math.isnan(value) else f"{value:.4g}"


class History(Dict[str, List[Any]]):
    """Per-epoch lists keyed by Epoch's field names, e.g. ``plt.plot(h["epoch"], h["eval_accuracy"])``.

    The keys are also attributes (``h.eval_accuracy``).

    Parameters
    ----------
    data : mapping of str to list, optional
        Lists to start from, keyed by Epoch's field names; missing keys start empty.
    stopped : bool, default False
        Whether training ended because a callback or Ctrl-C asked it to (also the `stopped` attribute).
    """

    def __init__(self, data: Optional[Mapping[str, Iterable[Any]]] = None, stopped: bool = False) -> None:
        super().__init__({field: [] for field in Epoch._fields})
        if data:
            for field in Epoch._fields:
                self[field] = list(data.get(field, []))
        self.stopped = stopped

    def append(self, epoch: Epoch) -> None:
        """Adds one epoch's figures at the end of each list.

        Parameters
        ----------
        epoch : Epoch
            The figures to add.
        """
        for field, value in zip(Epoch._fields, epoch):
            self[field].append(value)

    def epochs(self) -> List[Epoch]:
        """The recorded epochs as Epoch tuples.

        Returns
        -------
        list of Epoch
            One per epoch, in order.
        """
        return [Epoch(*values) for values in zip(*(self[field] for field in Epoch._fields))]

    def __len__(self) -> int:
        return len(self["epoch"])

    def __getattr__(self, name: str) -> List[Any]:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        stopped = ", stopped" if self.stopped else ""
        if not len(self):
            return f"History(0 epochs{stopped})"
        last = self.epochs()[-1]
        figures = [f"train_cost={_figure(last.train_cost)}"]
        if not math.isnan(last.train_accuracy):
            figures.append(f"train_accuracy={_figure(last.train_accuracy)}")
        if not math.isnan(last.eval_cost):
            figures.append(f"eval_cost={_figure(last.eval_cost)}")
        if not math.isnan(last.eval_accuracy):
            figures.append(f"eval_accuracy={_figure(last.eval_accuracy)}")
        return f"History({len(self)} epochs{stopped}; last: {', '.join(figures)})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (History, (dict(self), self.stopped))
