"""Network.fit's RPROP, Nesterov, sample_weight, early_stopping_metric, min_improvement and target_cost: what
each does, checked against numbers worked out here, and the arguments fit refuses."""

import math

import numpy as np
import pytest

import nerve


def small_data(n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 3)).astype(np.float32)
    y = rng.integers(0, 3, n)
    return X, y


def network(seed=5):
    return nerve.Network([3, 5, 3], activations=["tanh", "softmax"], seed=seed)


def test_rprop_learns_xor_full_batch(xor):
    X, y = xor
    net = nerve.Network([2, 4, 1], activations=["tanh", "sigmoid"], seed=1)
    history = net.fit(X, y, epochs=300, optimizer="rprop", shuffle=False)  # batch_size defaults to all of X
    assert net.evaluate(X, y)["accuracy"] == 1.0
    assert history.epochs()[-1].train_cost < 0.05


def test_rprop_first_epoch_moves_each_parameter_by_delta_zero():
    X, y = small_data()
    net = network()
    before = net.get_parameters().astype(np.float64)
    _, gradient = net.cost_gradient(X, np.eye(3, dtype=np.float32)[y], l2=0.0)
    net.fit(X, y, epochs=1, optimizer="rprop", rprop_delta_zero=0.25, shuffle=False, monitor="none")
    expected = before - 0.25 * np.sign(gradient)
    np.testing.assert_allclose(net.get_parameters(), expected, atol=1e-6)


def test_nesterov_two_steps_unrolled():
    X, y = small_data()
    Y = np.eye(3, dtype=np.float32)[y]
    net = network()
    probe = network()
    eta, mu = 0.3, 0.8
    p = net.get_parameters().astype(np.float64)
    v = np.zeros_like(p)
    for _ in range(2):
        probe.set_parameters(p.astype(np.float32))
        _, g = probe.cost_gradient(X, Y)
        v = mu * v - eta * g
        p = p + mu * v - eta * g
    net.fit(X, y, epochs=2, batch_size=len(X), learning_rate=eta, momentum=mu, nesterov=True, shuffle=False)
    np.testing.assert_allclose(net.get_parameters(), p, atol=2e-6)


def test_resumed_momentum_unrolled_with_a_new_rate():
    """Two fits of one full-batch step: the second resumes the velocity, at its own learning rate."""
    X, y = small_data()
    Y = np.eye(3, dtype=np.float32)[y]
    net, probe = network(), network()
    mu = 0.8
    p = net.get_parameters().astype(np.float64)
    v = np.zeros_like(p)
    for eta in (0.3, 0.1):
        probe.set_parameters(p.astype(np.float32))
        _, g = probe.cost_gradient(X, Y)
        v = mu * v - eta * g
        p = p + v
    fit = dict(epochs=1, batch_size=len(X), momentum=mu, shuffle=False, monitor="none")
    net.fit(X, y, learning_rate=0.3, **fit)
    net.fit(X, y, learning_rate=0.1, resume_optimizer=True, **fit)
    np.testing.assert_allclose(net.get_parameters(), p, atol=2e-6)
    # Without resume_optimizer the second step starts from zero velocity: v = -0.1 g.
    fresh = network()
    fresh.fit(X, y, learning_rate=0.3, **fit)
    probe.set_parameters(fresh.get_parameters())
    _, g = probe.cost_gradient(X, Y)
    expected = fresh.get_parameters().astype(np.float64) - 0.1 * g
    fresh.fit(X, y, learning_rate=0.1, **fit)
    np.testing.assert_allclose(fresh.get_parameters(), expected, atol=2e-6)


@pytest.mark.parametrize("optimizer", [dict(momentum=0.9, learning_rate=0.05), dict(optimizer="adam"),
                                       dict(optimizer="rprop")], ids=["momentum", "adam", "rprop"])
def test_resumed_fits_take_the_steps_of_one_fit(optimizer):
    """Shuffled, mini-batches (full batch for RPROP): fit(epochs=1) four times equals fit(epochs=4) exactly."""
    X, y = small_data(30, seed=4)
    batch = dict(batch_size=30) if optimizer.get("optimizer") == "rprop" else dict(batch_size=7)
    whole, resumed, fresh = network(9), network(9), network(9)
    whole.fit(X, y, epochs=4, **batch, **optimizer)
    for _ in range(4):
        resumed.fit(X, y, epochs=1, resume_optimizer=True, **batch, **optimizer)
        fresh.fit(X, y, epochs=1, **batch, **optimizer)
    assert np.array_equal(resumed.get_parameters(), whole.get_parameters())
    assert not np.array_equal(fresh.get_parameters(), whole.get_parameters())
    # initialize drops the state: a resumed fit after it is the first fit of a new network.
    resumed.initialize(seed=9)
    renewed = network(9)
    resumed.fit(X, y, epochs=1, resume_optimizer=True, **batch, **optimizer)
    renewed.fit(X, y, epochs=1, **batch, **optimizer)
    assert np.array_equal(resumed.get_parameters(), renewed.get_parameters())


def test_accuracy_rule_scores_label_smoothed_targets():
    X, y = small_data(30, seed=2)
    one_hot = np.eye(3, dtype=np.float32)[y]
    smoothed = one_hot * np.float32(0.9) + np.float32(0.1 / 3)
    fit = dict(epochs=1, learning_rate=0.5, shuffle=False, monitor="full", validation_data=(X, smoothed))
    auto, argmax = network(3), network(3)
    (first,) = auto.fit(X, smoothed, **fit).epochs()
    assert math.isnan(first.train_accuracy) and math.isnan(first.eval_accuracy)  # smoothed targets read as regression
    (fixed,) = argmax.fit(X, smoothed, accuracy="argmax", **fit).epochs()
    expected = argmax.evaluate(X, one_hot)["accuracy"]  # one-hot targets: argmax agreement
    assert 0 < expected < 1
    assert fixed.train_accuracy == pytest.approx(expected, abs=1e-6)
    assert fixed.eval_accuracy == pytest.approx(expected, abs=1e-6)
    assert math.isnan(argmax.evaluate(X, smoothed)["accuracy"])  # evaluate follows its targets
    with pytest.raises(ValueError, match="accuracy"):
        network().fit(X, y, epochs=1, accuracy="top1")
    with pytest.raises(TypeError, match="accuracy"):
        network().fit(X, y, epochs=1, accuracy=1)


def test_integer_weights_are_repeated_samples():
    X, y = small_data(4, seed=3)
    weights = np.array([2, 1, 3, 0])
    a, b = network(7), network(7)
    kwargs = dict(epochs=1, learning_rate=0.7, l2=0.3, shuffle=False, monitor="full")
    ha = a.fit(X, y, batch_size=4, sample_weight=weights, **kwargs)
    hb = b.fit(np.repeat(X, weights, axis=0), np.repeat(y, weights), batch_size=6, **kwargs)
    np.testing.assert_allclose(a.get_parameters(), b.get_parameters(), rtol=2e-6, atol=2e-6)
    assert ha.epochs()[0].train_cost == pytest.approx(hb.epochs()[0].train_cost, rel=2e-6)
    assert ha.epochs()[0].train_accuracy == hb.epochs()[0].train_accuracy


def test_early_stopping_on_accuracy_with_min_improvement():
    """Only the figures the library measures: stopping after epoch e + patience, e the best accuracy's epoch by
    more than min_improvement, worked out here from the history it reports."""
    X, y = small_data(30, seed=4)
    Xv, yv = small_data(30, seed=5)
    net = network(9)
    history = net.fit(
        X, y, epochs=60, batch_size=5, learning_rate=0.5, validation_data=(Xv, yv), early_stopping=3,
        early_stopping_metric="accuracy", min_improvement=0.05,
    )
    best, best_epoch, since = -np.inf, 0, 0
    for epoch in history.epochs():
        if epoch.eval_accuracy > best + np.float64(np.float32(0.05)):
            best, best_epoch, since = epoch.eval_accuracy, epoch.epoch, 0
        else:
            since += 1
        if since >= 3:
            break
    assert len(history) == epoch.epoch
    assert net.evaluate(Xv, yv)["accuracy"] == pytest.approx(best)
    assert best_epoch >= 1


def test_target_cost_stops_at_the_first_epoch_at_or_below(xor):
    X, y = xor
    net = nerve.Network([2, 4, 1], activations=["tanh", "sigmoid"], seed=2)
    history = net.fit(X, y, epochs=2000, optimizer="rprop", target_cost=0.1, shuffle=False)
    costs = [epoch.train_cost for epoch in history.epochs()]
    assert costs[-1] <= np.float32(0.1) and all(c > np.float32(0.1) for c in costs[:-1])
    assert len(history) < 2000


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(rprop_increase=1.3), "rprop"),
        (dict(optimizer="adam", rprop_delta_max=10.0), "rprop"),
        (dict(optimizer="rprop", momentum=0.9), "momentum"),
        (dict(optimizer="rprop", learning_rate=0.1), "learning_rate"),
        (dict(optimizer="rprop", adam_beta1=0.8), "adam"),
        (dict(nesterov=True), "momentum"),
        (dict(nesterov=True, momentum=0.9, optimizer="adam"), "sgd"),
        (dict(early_stopping_metric="accuracy"), "early_stopping"),
        (dict(min_improvement=0.01), "early_stopping"),
        (dict(target_cost=0.1, monitor="none"), "monitor"),
        (dict(early_stopping_metric="f1", early_stopping=2, validation_data=small_data()), "early_stopping_metric"),
        (dict(sample_weight=[1, 2, 3]), "sample_weight"),
        (dict(sample_weight=[1, 1, 1, 1, np.nan, 1]), "sample_weight"),
    ],
)
def test_arguments_that_do_not_apply_raise_value_error(kwargs, word):
    X, y = small_data()
    with pytest.raises(ValueError, match=word):
        network().fit(X, y, epochs=1, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(nesterov="yes", momentum=0.9),
        dict(resume_optimizer="yes"),
        dict(optimizer="rprop", rprop_increase="big"),
        dict(early_stopping_metric=1, early_stopping=2, validation_data=small_data()),
        dict(min_improvement="0.1", early_stopping=2, validation_data=small_data()),
        dict(target_cost="low"),
        dict(sample_weight=["a"] * 6),
    ],
)
def test_wrong_types_raise_type_error(kwargs):
    X, y = small_data()
    with pytest.raises(TypeError):
        network().fit(X, y, epochs=1, **kwargs)


def test_library_refusals_surface_as_value_errors():
    X, y = small_data()
    with pytest.raises(nerve.errors.NerveUnsupportedError, match="full-batch"):
        network().fit(X, y, epochs=1, optimizer="rprop", batch_size=2)
    for weights in ([1, -1, 1, 1, 1, 1], [0] * 6):
        with pytest.raises(nerve.errors.NerveValueError, match="sample_weights"):
            network().fit(X, y, epochs=1, sample_weight=weights)
    with pytest.raises(nerve.errors.NerveValueError, match="rprop_decrease"):
        network().fit(X, y, epochs=1, optimizer="rprop", rprop_decrease=1.5)
