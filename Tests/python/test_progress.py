"""fit's progress display: the tqdm bar moves with the mini-batches, throttled; progress="plot" refuses to run
where it cannot draw."""

import io
import sys
import time

import numpy as np
import pytest

import nerve
from nerve import progress as progress_module

tqdm_module = pytest.importorskip("tqdm")


def test_tqdm_bar_moves_within_epochs_at_most_ten_times_a_second(monkeypatch):
    moves = []  # (time, position after the move)

    class CountingBar(tqdm_module.tqdm):
        def update(self, n=1):
            result = super().update(n)
            moves.append((time.monotonic(), self.n))
            return result

    monkeypatch.setattr(progress_module, "_tqdm", lambda: CountingBar)
    rng = np.random.default_rng(3)
    X0 = rng.random(size=(12000, 128), dtype=np.float32)
    y0 = rng.integers(0, 4, size=12000)
    # Each epoch must last long enough for moves within it: on a fast machine the data set grows until it does.
    for copies in (1, 4, 16):
        moves.clear()
        X, y = np.tile(X0, (copies, 1)), np.tile(y0, copies)
        net = nerve.Network([128, 512, 4], activations=["relu", "softmax"], seed=3)
        began = time.monotonic()
        history = net.fit(X, y, epochs=2, batch_size=1, learning_rate=0.01, progress="tqdm")
        seconds = time.monotonic() - began
        if seconds / 2 > 0.3:
            break
    steps = len(X)
    positions = [position for _, position in moves]
    print(f"{len(moves)} moves in {seconds:.2f} s")
    assert seconds / 2 > 0.3, "even 16 copies of the data trained in under 0.3 s an epoch"
    assert len(history) == 2 and positions[-1] == 2 * steps
    assert positions == sorted(positions)
    # Within an epoch the bar moves through the batch callback (every 0.05 s), no more often than 10 times a
    # second; at the end of each epoch it moves to that epoch's end.
    within = [(t, p) for t, p in moves if p % steps != 0]
    assert len(within) >= 2
    assert all(later - earlier >= 0.1 for (earlier, _), (later, _) in zip(within, within[1:]))
    assert len(moves) <= 2 + seconds / 0.1 + 1


def test_plot_outside_ipython_is_refused_before_training():
    net = nerve.Network([2, 3, 2], activations=["tanh", "softmax"], seed=0)
    before = net.get_parameters()
    X = np.zeros((4, 2), dtype=np.float32)
    with pytest.raises(RuntimeError, match="notebook"):
        net.fit(X, [0, 1, 0, 1], progress="plot")
    assert np.array_equal(net.get_parameters(), before)


def test_plot_without_matplotlib_says_so(monkeypatch):
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactiveshell.InteractiveShell.instance()
    try:
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
        net = nerve.Network([2, 3, 2], activations=["tanh", "softmax"], seed=0)
        with pytest.raises(ImportError, match="matplotlib"):
            net.fit(np.zeros((4, 2), dtype=np.float32), [0, 1, 0, 1], progress="plot")
    finally:
        interactiveshell.InteractiveShell.clear_instance()
        del shell
