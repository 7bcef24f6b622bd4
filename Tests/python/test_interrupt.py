"""Ctrl-C during fit, in a child process that receives a real SIGINT."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import PACKAGE_DIR

CHILD = textwrap.dedent(
    """
    import signal, sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import nerve

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20000, 100)).astype(np.float32)
    y = rng.integers(0, 10, size=20000)
    net = nerve.Network([100, 200, 10], activations=["relu", "softmax"], seed=0)
    before = net.get_layer(0)[0]

    def report(epoch):
        print("epoch", epoch.epoch, flush=True)

    try:
        net.fit(X, y, epochs=100000, batch_size=32, callback=report)
    finally:
        print("history", len(net.history), flush=True)
        print("changed", not np.array_equal(before, net.get_layer(0)[0]), flush=True)
        print("handler restored", signal.getsignal(signal.SIGINT) is signal.default_int_handler, flush=True)
        print("usable", net.predict(X[:3]).shape, flush=True)
    """
)


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_ctrl_c_stops_after_the_current_epoch():
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(PACKAGE_DIR)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = child.stdout.readline()
        assert first.strip() == "epoch 1", first + child.stderr.read()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    lines = [first.strip()] + out.splitlines()
    epochs = [line for line in lines if line.startswith("epoch ")]
    # The signal lands during epoch 2 or in epoch 1's callback: epoch 2 is completed, and no other.
    assert len(epochs) <= 2, lines
    assert f"history {len(epochs)}" in lines
    assert "changed True" in lines
    assert "handler restored True" in lines
    assert "usable (3, 10)" in lines
    assert err.rstrip().splitlines()[-1] == "KeyboardInterrupt", err
    assert child.returncode == -signal.SIGINT


def test_a_handler_the_program_installed_stays_and_is_called():
    """A program's own SIGINT handler (a graceful shutdown) is neither replaced nor bypassed by fit."""
    import numpy as np

    import nerve

    calls = []

    def shutdown(signum, frame):
        calls.append(signum)

    seen = []

    def on_epoch(epoch):
        seen.append(signal.getsignal(signal.SIGINT))
        if epoch.epoch == 1:
            os.kill(os.getpid(), signal.SIGINT)  # delivered to Python at the next callback
        return False

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4)).astype(np.float32)
    y = rng.integers(0, 2, size=50)
    net = nerve.Network([4, 5, 2], activations=["tanh", "softmax"], seed=0)
    previous = signal.signal(signal.SIGINT, shutdown)
    try:
        history = net.fit(X, y, epochs=3, callback=on_epoch)
        assert signal.getsignal(signal.SIGINT) is shutdown
    finally:
        signal.signal(signal.SIGINT, previous)
    assert seen == [shutdown] * 3
    assert calls == [signal.SIGINT]
    assert len(history) == 3  # the program's handler chose not to stop training
