"""Accuracy as users count it: argmax agreement for one-hot targets whatever the output activation, 0/1 labels
rounded at 0.5 otherwise, none (NaN) for regression; predict_classes agrees with it."""

import math

import numpy as np
import pytest

import nerve


def _identity(activation, cost):
    """One output equal to activation(x): the inputs choose the outputs."""
    net = nerve.Network([1, 1], activations=[activation], cost=cost)
    net.set_layer(0, [[1.0]], [0.0])
    return net


def test_predict_classes_of_one_output_thresholds_at_one_half():
    net = _identity("sigmoid", "cross_entropy")
    # σ(0.3) ≈ 0.57, σ(-0.2) ≈ 0.45, σ(0) = 0.5 (counts as 1), σ(-1.5) ≈ 0.18.
    classes = net.predict_classes([[0.3], [-0.2], [0.0], [-1.5]])
    np.testing.assert_array_equal(classes, [1, 0, 1, 0])
    assert classes.dtype == np.intp
    # The same rounding scores the targets [1, 1, 0, 0]: two of four.
    assert net.evaluate([[0.3], [-0.2], [0.0], [-1.5]], [1, 1, 0, 0])["accuracy"] == 0.5


def test_predict_classes_of_several_outputs_is_the_first_largest():
    net = nerve.Network([3, 3], activations=["sigmoid"], cost="cross_entropy")
    net.set_layer(0, np.eye(3), np.zeros(3))
    np.testing.assert_array_equal(net.predict_classes([[0.5, 0.5, -1.0], [-2.0, 0.1, 0.3]]), [0, 2])


def test_regression_has_no_accuracy(capsys):
    net = _identity("linear", "quadratic")
    X, Y = [[1.0], [2.0]], [[0.5], [3.0]]
    result = net.evaluate(X, Y)
    assert result["cost"] == pytest.approx(0.5 * (0.5**2 + 1.0**2) / 2)  # 0.3125
    assert math.isnan(result["accuracy"])

    history = net.fit(X, Y, epochs=1, batch_size=2, learning_rate=1e-3, validation_data=(X, Y), progress="plain")
    assert math.isnan(history.train_accuracy[0]) and math.isnan(history.eval_accuracy[0])
    assert math.isfinite(history.train_cost[0]) and math.isfinite(history.eval_cost[0])
    assert "accuracy" not in repr(history) and "eval_cost=" in repr(history)
    line = capsys.readouterr().out.strip()
    assert line.startswith("epoch 1/1") and "eval cost" in line and "acc" not in line


def test_notes_sigmoid_network_reports_argmax_agreement(fashion_small):
    (X, y), (X_test, y_test) = fashion_small
    net = nerve.Network([784, 30, 10], activations=["sigmoid", "sigmoid"], cost="quadratic", seed=1)
    history = net.fit(X, y, epochs=1, batch_size=10, learning_rate=3.0, validation_data=(X_test, y_test))
    P = net.predict(X_test)
    argmax = np.mean(P.argmax(axis=1) == y_test)
    assert history.eval_accuracy[-1] == pytest.approx(argmax, abs=1e-6)
    assert net.evaluate(X_test, y_test)["accuracy"] == pytest.approx(argmax, abs=1e-6)
    # Rounding each of the ten outputs would count mostly the nine zeros: a different, larger figure.
    per_output = np.mean((P >= 0.5) == np.eye(10)[y_test].astype(bool))
    assert per_output > argmax + 0.01
