"""What training measured, epoch by epoch, in the shape plotting libraries want."""

from typing import NamedTuple


class Epoch(NamedTuple):
    """One struct nerve_epoch_report, as Python numbers. Figures that were not measured are NaN."""

    epoch: int
    train_cost: float
    train_accuracy: float
    eval_cost: float
    eval_accuracy: float
    seconds: float
    learning_rate: float

    @classmethod
    def from_report(cls, report):
        return cls(
            int(report.epoch),
            float(report.train_cost),
            float(report.train_accuracy),
            float(report.eval_cost),
            float(report.eval_accuracy),
            float(report.seconds),
            float(report.learning_rate),
        )


class History(dict):
    """Per-epoch lists keyed by Epoch's field names, e.g. ``plt.plot(h["epoch"], h["eval_accuracy"])``.

    The keys are also attributes (``h.eval_accuracy``). `stopped` is True when training ended because a callback
    or Ctrl-C asked it to.
    """

    def __init__(self, data=None, stopped=False):
        super().__init__({field: [] for field in Epoch._fields})
        if data:
            for field in Epoch._fields:
                self[field] = list(data.get(field, []))
        self.stopped = stopped

    def append(self, epoch):
        for field, value in zip(Epoch._fields, epoch):
            self[field].append(value)

    def epochs(self):
        """The recorded epochs as Epoch tuples."""
        return [Epoch(*values) for values in zip(*(self[field] for field in Epoch._fields))]

    def __len__(self):
        return len(self["epoch"])

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self):
        return f"History({len(self)} epochs{', stopped' if self.stopped else ''})"

    def __reduce__(self):
        return (History, (dict(self), self.stopped))
