"""fork() with networks in use: what the child inherits (nerve.h, Threads: fork)."""

import multiprocessing
import os
import threading

import numpy as np
import pytest

import nerve


def _child(queue, idle, busy, x):
    """Runs in the forked child: the idle network predicts; the one being trained at the fork is refused."""
    try:
        predicted = idle.predict(x)
        try:
            busy.predict(x)
            refused = None
        except nerve.NerveError as error:
            refused = str(error)
        del busy  # freeing it is what the child may still do
        queue.put(("ok", predicted, refused))
    except BaseException as error:  # report instead of hanging the parent
        queue.put(("error", repr(error), None))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_child_forked_during_training_uses_idle_networks_and_refuses_the_busy_one():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 64)).astype(np.float32)
    y = rng.integers(0, 10, size=4000)
    idle = nerve.Network([64, 32, 10], activations=["relu", "softmax"], seed=1)
    busy = nerve.Network([64, 256, 10], activations=["relu", "softmax"], seed=2)
    expected = idle.predict(X[:5])

    training_started, finished = threading.Event(), threading.Event()

    def on_epoch(epoch):
        training_started.set()
        return finished.is_set()  # a true return stops training

    trainer = threading.Thread(target=lambda: busy.fit(X, y, epochs=400, batch_size=8, callback=on_epoch))
    trainer.start()
    try:
        assert training_started.wait(60)
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_child, args=(queue, idle, busy, X[:5]))
        child.start()
        outcome = queue.get(timeout=60)
        child.join(60)
        assert child.exitcode == 0
    finally:
        finished.set()
        trainer.join(120)
    status, predicted, refused = outcome
    assert status == "ok", predicted
    np.testing.assert_array_equal(predicted, expected)
    assert refused is not None and "forked" in refused
