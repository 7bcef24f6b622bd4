"""Network.fit: learning, the options reaching the library intact, history, callbacks and failures."""

import math
import threading

import numpy as np
import pytest

import nerve


def test_xor_learned(xor):
    X, y = xor
    net = nerve.Network([2, 4, 1], activations=["tanh", "sigmoid"], seed=3)
    net.fit(X, y, epochs=2000, batch_size=4, learning_rate=0.5, momentum=0.9)
    np.testing.assert_array_equal((net.predict(X)[:, 0] >= 0.5).astype(int), y)
    assert net.evaluate(X, y)["accuracy"] == 1.0


def test_fashion_subset_learned(fashion_small):
    (X, y), (X_test, y_test) = fashion_small
    net = nerve.Network([784, 64, 10], activations=["relu", "softmax"], seed=0)
    history = net.fit(X, y, epochs=5, batch_size=32, optimizer="adam", validation_data=(X_test, y_test))
    assert history["eval_accuracy"][-1] > 0.75
    # The last report's evaluation figures describe the final network; recompute them from its predictions.
    P = net.predict(X_test).astype(np.float64)
    assert history["eval_cost"][-1] == pytest.approx(-np.mean(np.log(P[np.arange(len(y_test)), y_test])), rel=1e-4)
    assert history["eval_accuracy"][-1] == pytest.approx(np.mean(P.argmax(axis=1) == y_test))


def test_history_shape(fashion_small):
    (X, y), _ = fashion_small
    net = nerve.Network([784, 10], activations="softmax", seed=0)
    history = net.fit(X[:300], y[:300], epochs=4, batch_size=50, learning_rate=0.2)
    assert net.history is history
    assert len(history) == 4 and not history.stopped
    assert set(history) == {"epoch", "train_cost", "train_accuracy", "eval_cost", "eval_accuracy", "seconds",
                            "learning_rate"}
    assert history["epoch"] == [1, 2, 3, 4] and history.epoch == history["epoch"]
    assert all(math.isnan(v) for v in history["eval_cost"] + history["eval_accuracy"])
    assert all(0 < v < 3 for v in history["train_cost"])
    assert all(s > 0 for s in history["seconds"])
    assert history["learning_rate"] == pytest.approx([0.2] * 4)
    assert history.epochs()[0].epoch == 1 and isinstance(history.epochs()[0], nerve.Epoch)


def test_monitor_full_measures_training_set_after_each_epoch(fashion_small):
    (X, y), _ = fashion_small
    X, y = X[:500], y[:500]
    net = nerve.Network([784, 10], activations="softmax", seed=0)
    history = net.fit(X, y, epochs=2, batch_size=25, monitor="full")
    P = net.predict(X).astype(np.float64)
    assert history["train_cost"][-1] == pytest.approx(-np.mean(np.log(P[np.arange(500), y])), rel=1e-4)
    history = net.fit(X, y, epochs=2, monitor="none")
    assert all(math.isnan(v) for v in history["train_cost"])


# --------------------------------------------------------------- one full-batch step, worked out in numpy
# A single linear layer with quadratic cost C = ½‖Wx + b − y‖² averaged over n samples has gradients
# ∇W = mean((a − y) xᵀ), ∇b = mean(a − y). One epoch with batch_size = n and no shuffling is one step.

RNG = np.random.default_rng(42)
XS = RNG.normal(size=(8, 3)).astype(np.float32)
YS = RNG.normal(size=(8, 2)).astype(np.float32)


def _linear_net():
    net = nerve.Network([3, 2], activations="linear", cost="quadratic", seed=9)
    w = np.array([[0.5, -0.25, 0.75], [-1.0, 0.5, 0.125]], dtype=np.float32)
    b = np.array([0.1, -0.2], dtype=np.float32)
    net.set_layer(0, w, b)
    return net, w.astype(np.float64), b.astype(np.float64)


def _gradients(w, b):
    delta = XS @ w.T + b - YS
    return delta.T @ XS / len(XS), delta.mean(axis=0)


def _step(net, **options):
    net.fit(XS, YS, batch_size=len(XS), shuffle=False, **options)
    return [a.astype(np.float64) for a in net.get_layer(0)]


def test_sgd_step_with_l2():
    net, w, b = _linear_net()
    eta, lam, n = 0.1, 0.8, len(XS)
    gw, gb = _gradients(w, b)
    new_w, new_b = _step(net, epochs=1, learning_rate=eta, l2=lam)
    np.testing.assert_allclose(new_w, (1 - eta * lam / n) * w - eta * gw, rtol=1e-5)
    np.testing.assert_allclose(new_b, b - eta * gb, rtol=1e-5)  # biases are not regularised


def test_sgd_step_with_l1():
    net, w, b = _linear_net()
    eta, lam, n = 0.1, 0.8, len(XS)
    gw, gb = _gradients(w, b)
    new_w, new_b = _step(net, epochs=1, learning_rate=eta, l1=lam)
    np.testing.assert_allclose(new_w, w - eta * lam / n * np.sign(w) - eta * gw, rtol=1e-5)
    np.testing.assert_allclose(new_b, b - eta * gb, rtol=1e-5)


def test_two_momentum_steps():
    net, w, b = _linear_net()
    eta, mu = 0.1, 0.7
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(2):
        gw, gb = _gradients(w, b)
        vw, vb = mu * vw - eta * gw, mu * vb - eta * gb
        w, b = w + vw, b + vb
    new_w, new_b = _step(net, epochs=2, learning_rate=eta, momentum=mu)
    np.testing.assert_allclose(new_w, w, rtol=1e-5)
    np.testing.assert_allclose(new_b, b, rtol=1e-5)


def test_adam_step():
    net, w, b = _linear_net()
    eta, beta1, beta2, eps = 0.01, 0.8, 0.99, 1e-3
    gw, gb = _gradients(w, b)

    def adam(param, g):
        m, v = (1 - beta1) * g, (1 - beta2) * g * g
        m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
        return param - eta * m_hat / (np.sqrt(v_hat) + eps)

    new_w, new_b = _step(net, epochs=1, optimizer="adam", learning_rate=eta, adam_beta1=beta1, adam_beta2=beta2,
                         adam_epsilon=eps)
    np.testing.assert_allclose(new_w, adam(w, gw), rtol=1e-5)
    np.testing.assert_allclose(new_b, adam(b, gb), rtol=1e-5)


def test_adam_default_learning_rate():
    net, _, _ = _linear_net()
    assert net.fit(XS, YS, epochs=1, optimizer="adam").learning_rate == pytest.approx([0.001])


# ------------------------------------------------------------------------------------ determinism, stopping


def test_same_seed_same_training():
    def train():
        net = nerve.Network([3, 5, 2], activations=["tanh", "linear"], seed=8)
        net.fit(XS, YS, epochs=20, batch_size=3, learning_rate=0.05, dropout=0.2)
        return net.get_layer(0)[0]

    np.testing.assert_array_equal(train(), train())


def test_early_stopping_restores_best_weights(fashion_small):
    (X, y), (X_val, y_val) = fashion_small
    net = nerve.Network([784, 64, 10], activations=["relu", "softmax"], seed=0)
    # 100 samples and a large rate overfit within a few epochs, so the validation cost turns up.
    history = net.fit(X[:100], y[:100], epochs=300, batch_size=10, learning_rate=0.1,
                      validation_data=(X_val[:300], y_val[:300]), early_stopping=3)
    assert len(history) < 300
    best = int(np.argmin(history["eval_cost"]))
    assert len(history) == best + 1 + 3
    assert net.evaluate(X_val[:300], y_val[:300])["cost"] == pytest.approx(history["eval_cost"][best], rel=1e-6)


def test_learning_rate_schedule(fashion_small):
    (X, y), (X_val, y_val) = fashion_small
    net = nerve.Network([784, 64, 10], activations=["relu", "softmax"], seed=0)
    history = net.fit(X[:100], y[:100], epochs=40, batch_size=10, learning_rate=0.1,
                      validation_data=(X_val[:300], y_val[:300]), lr_decay=2.0, lr_patience=2, lr_min=0.01)
    rates = history["learning_rate"]
    assert rates[0] == pytest.approx(0.1)
    changes = [later / earlier for earlier, later in zip(rates, rates[1:]) if later != earlier]
    assert changes and changes == pytest.approx([0.5] * len(changes))
    assert len(history) < 40  # lr_min ended it: 0.1 halves below 0.01 after four decays
    assert min(rates) >= 0.01 / 2


def test_options_refused_by_the_library():
    net, _, _ = _linear_net()
    for options, message in [
        (dict(epochs=0), "epochs"),
        (dict(dropout=1.5), "dropout"),
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(momentum=1.0), "momentum"),
    ]:
        with pytest.raises(nerve.NerveValueError, match=message):
            net.fit(XS, YS, **options)


def test_options_refused_in_python():
    net, _, _ = _linear_net()
    for options, error in [
        (dict(epochs="5"), TypeError),
        (dict(epochs=2**40), ValueError),
        (dict(learning_rate="fast"), TypeError),
        (dict(optimizer="rmsprop"), ValueError),
        (dict(monitor="sometimes"), ValueError),
        (dict(validation_data=XS), TypeError),
        (dict(callback=3), TypeError),
        (dict(progress="fancy"), ValueError),
    ]:
        with pytest.raises(error):
            net.fit(XS, YS, **options)


def test_divergence_keeps_last_good_weights():
    net = nerve.Network([1, 1], activations="linear", cost="quadratic", seed=0)
    X, Y = np.full((4, 1), 1e3), np.full((4, 1), 1e4)
    with pytest.raises(nerve.NerveDivergedError, match="diverged") as caught:
        net.fit(X, Y, epochs=100, batch_size=4, learning_rate=10.0)
    assert isinstance(caught.value, FloatingPointError)
    weights, biases = net.get_layer(0)
    assert np.isfinite(weights).all() and np.isfinite(biases).all()


# ------------------------------------------------------------------------------------------------ callbacks


def test_callback_receives_each_epoch_and_can_stop():
    seen = []
    net = nerve.Network([3, 5, 2], activations=["tanh", "linear"], seed=8)
    history = net.fit(XS, YS, epochs=50, batch_size=4, shuffle=False,
                      callback=lambda epoch: seen.append(epoch) or epoch.epoch == 3)
    assert [epoch.epoch for epoch in seen] == [1, 2, 3]
    assert history.stopped and len(history) == 3
    # Stopping leaves exactly the weights of three epochs.
    twin = nerve.Network([3, 5, 2], activations=["tanh", "linear"], seed=8)
    twin.fit(XS, YS, epochs=3, batch_size=4, shuffle=False)
    np.testing.assert_array_equal(net.get_layer(0)[0], twin.get_layer(0)[0])


class Boom(Exception):
    pass


def test_callback_exception_stops_training_and_is_reraised():
    def explode(epoch):
        if epoch.epoch == 2:
            raise Boom("from the callback")

    net = nerve.Network([3, 5, 2], activations=["tanh", "linear"], seed=8)
    with pytest.raises(Boom, match="from the callback"):
        net.fit(XS, YS, epochs=50, callback=explode)
    assert len(net.history) == 2 and net.history.stopped
    net.predict(XS)  # still usable


def test_keyboard_interrupt_in_callback_is_reraised_after_the_epoch():
    def interrupt(epoch):
        raise KeyboardInterrupt

    net = nerve.Network([3, 5, 2], activations=["tanh", "linear"], seed=8)
    with pytest.raises(KeyboardInterrupt):
        net.fit(XS, YS, epochs=50, callback=interrupt)
    assert len(net.history) == 1


def test_plain_progress_lines(capsys):
    net, _, _ = _linear_net()
    net.fit(XS, YS, epochs=3, progress="plain")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert "train cost" in lines[0] and "eval" not in lines[0]


def test_tqdm_progress_bar(capsys):
    pytest.importorskip("tqdm")
    net, _, _ = _linear_net()
    net.fit(XS, YS, epochs=3, progress=True)
    assert "3/3" in capsys.readouterr().err


def test_plain_lines_without_tqdm(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes `import tqdm` fail
    net, _, _ = _linear_net()
    net.fit(XS, YS, epochs=2, progress=True)
    assert capsys.readouterr().out.count("epoch ") == 2


# --------------------------------------------------------------------------------------------------- threads


def test_predictions_from_many_threads_agree(fashion_small):
    (X, _), _ = fashion_small
    net = nerve.Network([784, 64, 10], activations=["relu", "softmax"], seed=0)
    expected = net.predict(X)
    results = [None] * 8

    def work(slot):
        for _ in range(5):
            results[slot] = net.predict(X)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("optimizer, dropout", [("sgd", 0.0), ("adam", 0.3)])
def test_thread_count_does_not_change_training(fashion_small, optimizer, dropout):
    (X, y), (X_val, y_val) = fashion_small

    def train(network_threads, call_threads):
        net = nerve.Network([784, 48, 10], activations=["relu", "softmax"], seed=4, threads=network_threads)
        momentum = 0.5 if optimizer == "sgd" else 0.0
        history = net.fit(X[:1000], y[:1000], epochs=3, batch_size=32, optimizer=optimizer, momentum=momentum,
                          l2=0.5, dropout=dropout, validation_data=(X_val[:300], y_val[:300]),
                          threads=call_threads)
        return net, history

    reference, reference_history = train(1, None)
    for network_threads, call_threads in [(1, 2), (2, None), (4, 1), (3, 0)]:
        net, history = train(network_threads, call_threads)
        assert net.threads == network_threads  # a call's own count leaves the network's alone
        for layer in range(net.layer_count):
            for mine, theirs in zip(net.get_layer(layer), reference.get_layer(layer)):
                assert np.array_equal(mine, theirs), (network_threads, call_threads, layer)
        for key in ("train_cost", "train_accuracy", "eval_cost", "eval_accuracy"):
            assert history[key] == reference_history[key], key
        assert np.array_equal(net.predict(X_val), reference.predict(X_val))
        assert net.evaluate(X_val, y_val) == reference.evaluate(X_val, y_val)


def test_fit_threads_refused_out_of_range():
    net, _, _ = _linear_net()
    before = net.get_layer(0)
    for count in (-1, 257):
        with pytest.raises(nerve.NerveValueError, match="(?i)thread"):
            net.fit(XS, YS, epochs=1, threads=count)
    with pytest.raises(TypeError):
        net.fit(XS, YS, epochs=1, threads=1.5)
    for mine, theirs in zip(net.get_layer(0), before):
        assert np.array_equal(mine, theirs)


def test_predictions_with_many_threads_agree_with_one(fashion_small):
    (X, _), _ = fashion_small
    net = nerve.Network([784, 64, 32, 10], activations=["relu", "softmax"], seed=0)
    expected = net.predict(X)
    for count in (2, 5, 256):
        net.threads = count
        assert np.array_equal(net.predict(X), expected), count


def test_second_training_of_one_network_is_busy():
    net = nerve.Network([3, 5, 2], activations=["tanh", "linear"], seed=8)
    training, answered = threading.Event(), threading.Event()

    def wait_in_callback(epoch):
        training.set()
        answered.wait(10)
        return True

    worker = threading.Thread(target=lambda: net.fit(XS, YS, epochs=5, callback=wait_in_callback))
    worker.start()
    try:
        assert training.wait(10)
        with pytest.raises(nerve.NerveBusyError) as caught:
            net.fit(XS, YS, epochs=1)
        assert isinstance(caught.value, RuntimeError)
    finally:
        answered.set()
        worker.join()
    assert len(net.history) == 1 and net.history.stopped  # the refused call left the worker's history


def test_poisson_glm_matches_scikit_learn():
    """One exp unit with the Poisson cost is a Poisson GLM: full-batch RPROP reaches the maximum-likelihood
    coefficients that scikit-learn's PoissonRegressor finds by L-BFGS."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)).astype(np.float32)
    y = rng.poisson(np.exp(X @ np.array([0.4, -0.3, 0.2]) + 0.5)).astype(np.float32)
    net = nerve.Network([3, 1], activations="exp", seed=0)
    assert net.cost == "poisson"  # the cost that pairs with exp
    net.fit(X, y, epochs=300, optimizer="rprop", shuffle=False, monitor="none")
    glm = linear_model.PoissonRegressor(alpha=0, max_iter=1000, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(net.get_parameters(), [*glm.coef_, glm.intercept_], atol=1e-4)
    # The cost is half the mean Poisson deviance, which scikit-learn's metric doubles.
    metrics = pytest.importorskip("sklearn.metrics")
    expected = metrics.mean_poisson_deviance(y, net.predict(X).ravel().astype(np.float64)) / 2
    assert net.evaluate(X, y)["cost"] == pytest.approx(expected, rel=1e-5)


def test_poisson_needs_counts():
    net = nerve.Network([2, 1], activations="exp", seed=0)
    with pytest.raises(ValueError, match="negative"):
        net.fit(np.zeros((3, 2), np.float32), np.array([[1.0], [-1.0], [0.0]], np.float32), epochs=1)
    with pytest.raises(nerve.NerveError, match="exp output"):
        nerve.Network([2, 1], activations="linear", cost="poisson", seed=0)
