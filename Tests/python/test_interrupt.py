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


MID_EPOCH_CHILD = textwrap.dedent(
    """
    import signal, sys, time
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import nerve

    rng = np.random.default_rng(1)
    X = rng.random(size=(10000, 784), dtype=np.float32)
    y = rng.integers(0, 10, size=10000)
    net = nerve.Network([784, 512, 512, 10], activations=["relu", "relu", "softmax"], seed=1)
    # A mini-batch's time, from a short fit of the same network (its weights are put back).
    start = net.get_parameters()
    began = time.monotonic()
    net.fit(X[:500], y[:500], epochs=1, batch_size=1, learning_rate=0.001, monitor="none")
    print("batch", (time.monotonic() - began) / 500, flush=True)
    net.set_parameters(start)

    print("training", flush=True)
    try:
        net.fit(X, y, epochs=100, batch_size=1, learning_rate=0.001, momentum=0.9)
    except KeyboardInterrupt:
        print("returned", time.monotonic(), flush=True)
    parameters = net.get_parameters()
    print("history", len(net.history), net.history.stopped, flush=True)
    print("changed", not np.array_equal(start, parameters), flush=True)
    print("finite", bool(np.isfinite(parameters).all()), flush=True)
    print("handler restored", signal.getsignal(signal.SIGINT) is signal.default_int_handler, flush=True)
    """
)


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_ctrl_c_stops_within_the_current_batch():
    """An epoch of this fit takes seconds; Ctrl-C in its middle returns once the mini-batch running has ended and
    Python has run (the batch callback comes every 0.05 s), not at the end of the epoch."""
    import time

    child = subprocess.Popen(
        [sys.executable, "-c", MID_EPOCH_CHILD, str(PACKAGE_DIR)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        batch = float(child.stdout.readline().split()[1])
        assert child.stdout.readline().strip() == "training"
        time.sleep(1.0)
        sent = time.monotonic()  # CLOCK_MONOTONIC, the same clock in both processes
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    lines = out.splitlines()
    assert child.returncode == 0, out + err
    returned = float(next(line for line in lines if line.startswith("returned")).split()[1])
    print(f"batch {batch * 1e3:.2f} ms, returned {(returned - sent) * 1e3:.1f} ms after SIGINT")
    assert batch * 10000 > 2.0  # an epoch takes seconds: the stop fell inside epoch 1
    assert returned - sent <= 0.2 + batch
    assert "history 0 True" in lines  # the interrupted epoch is not reported
    assert "changed True" in lines and "finite True" in lines
    assert "handler restored True" in lines
