"""Parameters and gradients: the flat parameter array, cost_gradient against central differences of a float64
numpy forward pass written here, the regularisation term, per-layer gradient norms, the gradient check, the
vanishing gradient of a deep sigmoid network, and the training hooks as ctypes sees them."""

import ctypes
import sys
import types

import numpy as np
import pytest

import nerve
from nerve import Conv2D, Dense, MaxPool2D, MeanPool2D, _lib

# ------------------------------------------------------------------------------------------- numpy reference
# A float64 forward pass and the costs of nerve.h, over the weights the network itself reports.

ACTIVATIONS = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "linear": lambda z: z,
    "exp": np.exp,
    "softmax": lambda z: np.exp(z - z.max(axis=1, keepdims=True))
    / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True),
}


def mean_cost(a, y, cost):
    if cost == "quadratic":
        per_sample = 0.5 * np.sum((a - y) ** 2, axis=1)
    elif cost == "cross_entropy":
        per_sample = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=1)
    elif cost == "poisson":
        per_sample = np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1) / a), 0) - y + a, axis=1)
    else:
        per_sample = -np.sum(y * np.log(a), axis=1)
    return per_sample.mean()


def layer_slices(net):
    """(weights, biases) slices of the flat parameter array, per layer, from the arrays get_layer gives."""
    slices, start = [], 0
    for layer in range(net.layer_count):
        weights, biases = net.get_layer(layer)
        middle = start + weights.size
        slices.append((slice(start, middle), slice(middle, middle + biases.size)))
        start = middle + biases.size
    return slices


def dense_cost_function(net, x, y):
    """The mean cost of a dense network as a function of its flat parameters, in float64."""
    layers = list(zip(layer_slices(net), [w.shape for w in net.weights], net.activations))
    cost = net.cost

    def function(parameters):
        a = x
        for (w, b), shape, name in layers:
            a = ACTIVATIONS[name](a @ parameters[w].reshape(shape).T + parameters[b])
        return mean_cost(a, y, cost)

    return function


def central_differences(function, parameters, h=1e-6):
    gradient = np.empty_like(parameters)
    for index in range(parameters.size):
        up, down = parameters.copy(), parameters.copy()
        up[index] += h
        down[index] -= h
        gradient[index] = (function(up) - function(down)) / (2 * h)
    return gradient


def small_problem(hidden, output, cost, seed=0, n=20):
    rng = np.random.default_rng(seed)
    net = nerve.Network([4, 5, 3], activations=[hidden, output], cost=cost, seed=seed)
    X = rng.normal(size=(n, 4)).astype(np.float32)
    if cost == "log_likelihood":
        Y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, size=n)]
    elif cost == "cross_entropy":
        Y = rng.integers(0, 2, size=(n, 3)).astype(np.float32)
    elif cost == "poisson":
        Y = rng.poisson(2.0, size=(n, 3)).astype(np.float32)
    else:
        Y = rng.uniform(size=(n, 3)).astype(np.float32)
    return net, X, Y


NETWORKS = [
    ("sigmoid", "sigmoid", "quadratic"),
    ("tanh", "sigmoid", "cross_entropy"),
    ("sigmoid", "softmax", "log_likelihood"),
    ("tanh", "softmax", "log_likelihood"),
    ("tanh", "linear", "quadratic"),
    ("tanh", "exp", "poisson"),
]


def tiny_cnn(pool=MaxPool2D, seed=0):
    return nerve.Network(
        input_shape=(2, 6, 6),
        layers=[Conv2D(3, 3, activation="tanh"), pool(2), Dense(4, activation="softmax")],
        seed=seed,
    )


# ----------------------------------------------------------------------------------------------- parameters


def test_parameters_are_the_layers_weights_then_biases_in_order():
    for net in (nerve.Network([4, 5, 3], activations=["tanh", "softmax"]), tiny_cnn()):
        parameters = net.get_parameters()
        assert parameters.dtype == np.float32 and parameters.shape == (net.parameter_count,)
        expected = np.concatenate([array.ravel() for layer in zip(net.weights, net.biases) for array in layer])
        np.testing.assert_array_equal(parameters, expected)
        parameters[:] = 0  # a copy: the network is not changed through it
        assert np.any(net.get_parameters() != 0)


def test_set_parameters_round_trip():
    net = tiny_cnn()
    values = np.random.default_rng(1).normal(size=net.parameter_count)  # float64 in, stored as float32
    net.set_parameters(values)
    np.testing.assert_array_equal(net.get_parameters(), values.astype(np.float32))
    (conv_weights, _), _, (_, dense_biases) = layer_slices(net)  # the pooling layer holds nothing
    np.testing.assert_array_equal(net.get_layer(0)[0].ravel(), values[conv_weights].astype(np.float32))
    np.testing.assert_array_equal(net.get_layer(2)[1], values[dense_biases].astype(np.float32))
    net.set_parameters(list(values))  # any array_like
    np.testing.assert_array_equal(net.get_parameters(), values.astype(np.float32))


@pytest.mark.parametrize(
    "values, error, match",
    [
        (np.zeros(42), ValueError, r"values must be a 1-D array of the network's 43 parameters, got shape \(42,\)"),
        (np.zeros(44), ValueError, r"43 parameters, got shape \(44,\)"),
        (np.zeros((1, 43)), ValueError, r"43 parameters, got shape \(1, 43\)"),
        (np.float32(1.0), ValueError, r"got shape \(\)"),
        (np.r_[np.zeros(42), np.nan], ValueError, "values contains NaN or infinite values"),
        (np.r_[np.zeros(42), np.inf], ValueError, "NaN or infinite"),
        (np.r_[np.zeros(42), 1e39], ValueError, "NaN or infinite"),  # beyond float32
        (["a"] * 43, TypeError, "values must hold real numbers"),
        (None, TypeError, "values must be an array, got None"),
    ],
)
def test_set_parameters_refuses_what_it_cannot_store(values, error, match):
    net = nerve.Network([4, 5, 3])
    before = net.get_parameters()
    with pytest.raises(error, match=match):
        net.set_parameters(values)
    np.testing.assert_array_equal(net.get_parameters(), before)


def test_set_parameters_is_refused_during_training_and_get_parameters_is_not():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 4)), rng.integers(0, 3, size=50)
    net = nerve.Network([4, 5, 3], activations=["tanh", "softmax"])
    seen = []

    def callback(epoch):
        seen.append(net.get_parameters())
        with pytest.raises(nerve.NerveBusyError):
            net.set_parameters(np.zeros(net.parameter_count))
        seen.append(True)

    net.fit(X, y, epochs=2, callback=callback)
    assert len(seen) == 4 and seen[1] is True and seen[3] is True
    np.testing.assert_array_equal(seen[2], net.get_parameters())  # the weights of the last epoch


# ------------------------------------------------------------------------------------------- cost_gradient


@pytest.mark.parametrize("hidden, output, cost", NETWORKS)
def test_cost_gradient_matches_central_differences_in_float64(hidden, output, cost):
    net, X, Y = small_problem(hidden, output, cost)
    value, gradient = net.cost_gradient(X, Y)
    assert isinstance(value, float)
    assert gradient.dtype == np.float32 and gradient.shape == (net.parameter_count,)
    parameters = net.get_parameters().astype(np.float64)
    x, y = X.astype(np.float64), Y.astype(np.float64)
    function = dense_cost_function(net, x, y)
    assert value == pytest.approx(function(parameters), rel=1e-5)
    assert value == pytest.approx(net.evaluate(X, Y)["cost"], rel=1e-5)
    numeric = central_differences(function, parameters)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-3, atol=1e-4 * np.abs(numeric).max())


def test_cost_gradient_takes_targets_and_inputs_as_fit_does():
    net, X, Y = small_problem("sigmoid", "softmax", "log_likelihood")
    labels = Y.argmax(axis=1)
    cost, gradient = net.cost_gradient(X, Y)
    for targets in (labels, labels.astype(np.float64), Y.astype(np.float64)):
        other_cost, other_gradient = net.cost_gradient(X.astype(np.float64), targets)
        assert other_cost == cost
        np.testing.assert_array_equal(other_gradient, gradient)
    # Images: (n, channels, height, width) or flat rows.
    cnn = tiny_cnn()
    images = np.random.default_rng(0).normal(size=(8, 2, 6, 6))
    classes = np.arange(8) % 4
    cost, gradient = cnn.cost_gradient(images, classes)
    flat_cost, flat_gradient = cnn.cost_gradient(images.reshape(8, -1), classes)
    assert cost == flat_cost and np.array_equal(gradient, flat_gradient)
    with pytest.raises(ValueError, match="Y has 7 samples but X has 8"):
        cnn.cost_gradient(images, classes[:7])
    with pytest.raises(ValueError, match="labels from 0 to 4"):
        cnn.cost_gradient(images, np.arange(8) % 5)


def test_cost_gradient_of_a_convolutional_network_matches_central_differences():
    """Central differences of the library's own cost, taken in double precision from a float32 network: a
    check of the convolution's and the pooling's backward passes at a resolution float32 allows."""
    net = tiny_cnn(pool=MeanPool2D)
    rng = np.random.default_rng(2)
    X = rng.normal(size=(16, 72)).astype(np.float32)
    y = rng.integers(0, 4, size=16)
    _, gradient = net.cost_gradient(X, y)
    parameters = net.get_parameters()
    numeric = np.empty(parameters.size)
    h = 1e-2
    for index in range(parameters.size):
        costs = []
        for step in (h, -h):
            shifted = parameters.copy()
            shifted[index] += step
            net.set_parameters(shifted)
            costs.append(net.cost_gradient(X, y)[0])
        numeric[index] = (costs[0] - costs[1]) / (2 * h)
    net.set_parameters(parameters)
    np.testing.assert_allclose(gradient, numeric, rtol=2e-2, atol=1e-3 * np.abs(numeric).max())


@pytest.mark.parametrize("l2, l1", [(0.5, 0.0), (0.0, 0.3), (2.0, 0.7)])
def test_regularisation_adds_the_penalty_of_the_weights_only(l2, l1):
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=25)
    n = X.shape[0]
    cost, gradient = net.cost_gradient(X, Y)
    regularised_cost, regularised_gradient = net.cost_gradient(X, Y, l2=l2, l1=l1)
    weights = [w.astype(np.float64) for w in net.weights]
    penalty = sum(0.5 * l2 / n * np.sum(w**2) + l1 / n * np.sum(np.abs(w)) for w in weights)
    assert regularised_cost - cost == pytest.approx(penalty, rel=1e-5)
    for (w_slice, b_slice), w in zip(layer_slices(net), weights):
        expected = l2 / n * w.ravel() + l1 / n * np.sign(w.ravel())
        np.testing.assert_allclose(regularised_gradient[w_slice] - gradient[w_slice], expected, rtol=1e-4, atol=1e-6)
        np.testing.assert_array_equal(regularised_gradient[b_slice], gradient[b_slice])


def test_cost_gradient_refuses_bad_arguments():
    net, X, Y = small_problem("sigmoid", "softmax", "log_likelihood")
    with pytest.raises(nerve.NerveValueError):
        net.cost_gradient(X, Y, l2=-1.0)
    with pytest.raises(TypeError, match="l1 must be a real number"):
        net.cost_gradient(X, Y, l1="some")
    with pytest.raises(ValueError, match="X holds no samples"):
        net.cost_gradient(X[:0], Y[:0])
    stepping = nerve.Network([4, 5, 3], activations=["step", "softmax"])
    with pytest.raises(nerve.NerveUnsupportedError):
        stepping.cost_gradient(X, Y)


# ------------------------------------------------------------------------------------------ gradient_norms


@pytest.mark.parametrize("make", [lambda: small_problem("sigmoid", "softmax", "log_likelihood")[0], tiny_cnn])
def test_gradient_norms_are_the_norms_of_the_gradient_slices(make):
    net = make()
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, net.input_size))
    y = rng.integers(0, net.output_size, size=30)
    norms = net.gradient_norms(X, y)
    assert isinstance(norms, nerve.GradientNorms)
    weights, biases = norms
    assert weights.dtype == biases.dtype == np.float64 and weights.shape == biases.shape == (net.layer_count,)
    _, gradient = net.cost_gradient(X, y)
    gradient = gradient.astype(np.float64)
    for layer, (w_slice, b_slice) in enumerate(layer_slices(net)):
        assert weights[layer] == pytest.approx(np.linalg.norm(gradient[w_slice]), rel=1e-5, abs=1e-12)
        assert biases[layer] == pytest.approx(np.linalg.norm(gradient[b_slice]), rel=1e-5, abs=1e-12)
    for layer, kind in enumerate(type(layer).__name__ for layer in net.layers):
        if kind.endswith("Pool2D"):
            assert weights[layer] == biases[layer] == 0
        else:
            assert weights[layer] > 0 and biases[layer] > 0


def test_the_gradient_vanishes_towards_the_input_of_a_deep_sigmoid_network(fashion):
    """The notes' chapter 5: at initialisation, the bias gradients of a 784-30-30-30-30-10 sigmoid network
    shrink from the last hidden layer to the first, there about [0.003, 0.017, 0.070, 0.285]."""
    (X, y), _ = fashion
    for seed in range(3):
        net = nerve.Network([784, 30, 30, 30, 30, 10], activations="sigmoid", seed=seed)
        speeds = net.gradient_norms(X[:1000], y[:1000]).biases[:-1]
        # Each layer towards the input learns several times slower than the next (the notes: 4 to 6 times).
        assert np.all(speeds[1:] / speeds[:-1] > 2.5), speeds
        assert 0.05 < speeds[-1] < 1, speeds


# ------------------------------------------------------------------------------------------ check_gradient


@pytest.mark.parametrize("hidden, output, cost", NETWORKS)
def test_check_gradient_is_small_for_dense_networks(hidden, output, cost):
    net, X, Y = small_problem(hidden, output, cost)
    before = net.get_parameters()
    for n in (20, 200):
        difference = nerve.check_gradient(net, *small_problem(hidden, output, cost, n=n)[1:])
        assert isinstance(difference, float) and 0 <= difference < 1e-3, (n, difference)
    np.testing.assert_array_equal(net.get_parameters(), before)


@pytest.mark.parametrize("pool", [MeanPool2D, MaxPool2D])
def test_check_gradient_is_small_for_a_convolutional_network(pool):
    net = tiny_cnn(pool)
    rng = np.random.default_rng(5)
    X = rng.normal(size=(10, 2, 6, 6))
    y = rng.integers(0, 4, size=10)
    for epsilon in (1e-4, 1e-3):
        assert nerve.check_gradient(net, X, y, epsilon=epsilon) < 1e-3, epsilon


def test_check_gradient_reports_the_worst_of_the_parameters_it_checks():
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood")
    count = net.parameter_count
    each = np.array([nerve.check_gradient(net, X, Y, parameters=[index]) for index in range(count)])
    assert np.all(each >= 0)
    assert nerve.check_gradient(net, X, Y) == each.max()
    pair = [3, count - 1]
    assert nerve.check_gradient(net, X, Y, parameters=np.array(pair)) == each[pair].max()
    # An int samples that many indices without replacement, reproducibly from `seed`.
    sampled = np.sort(np.random.default_rng(7).choice(count, size=10, replace=False))
    assert nerve.check_gradient(net, X, Y, parameters=10, seed=7) == each[sampled].max()
    assert nerve.check_gradient(net, X, Y, parameters=count) == each.max()


def test_check_gradient_flags_a_derivative_that_backpropagation_does_not_give():
    """At a ReLU's kink backpropagation takes one side's slope while the central difference averages both: the
    check reports the disagreement. Away from the kink the same network passes."""
    net = nerve.Network([1, 1, 1], activations=["relu", "linear"], cost="quadratic")
    net.set_layer(0, [[1.0]], [0.0])
    net.set_layer(1, [[2.0]], [0.5])
    y = [[3.0]]
    assert nerve.check_gradient(net, [[0.0]], y) >= 0.3  # z = 0 exactly: on the kink
    assert nerve.check_gradient(net, [[0.7]], y) < 1e-3


@pytest.mark.parametrize(
    "parameters, error, match",
    [
        (0, ValueError, "parameters=0 must be between 1 and the network's 43 parameters"),
        (44, ValueError, "between 1 and the network's 43"),
        ([], ValueError, "non-empty 1-D array of indices"),
        ([[1, 2]], ValueError, "non-empty 1-D array"),
        ([0, 43], ValueError, r"indices from 0 to 43; the network's 43 parameters are numbered 0 .. 42"),
        ([-1], ValueError, "numbered 0 .. 42"),
        ([0.5], TypeError, "integer indices"),
        (True, TypeError, "parameters must be None, a number"),
    ],
)
def test_check_gradient_refuses_bad_parameter_choices(parameters, error, match):
    net, X, Y = small_problem("sigmoid", "softmax", "log_likelihood")
    with pytest.raises(error, match=match):
        nerve.check_gradient(net, X, Y, parameters=parameters)


@pytest.mark.parametrize("epsilon", [0.0, -1e-3, 1.5])
def test_check_gradient_refuses_an_epsilon_outside_zero_one(epsilon):
    net, X, Y = small_problem("sigmoid", "softmax", "log_likelihood")
    with pytest.raises(nerve.NerveValueError):
        nerve.check_gradient(net, X, Y, epsilon=epsilon)


# ------------------------------------------------------------------------------------------- training hooks
# The hooks are the library's seam for data-parallel training; these tests drive them through ctypes to pin
# down the option structure's layout and the meaning of NERVE_E_ABORTED.


def _train_with(net, X, Y, **fields):
    options = _lib.default_train_options()
    options.shuffle = 0
    options.monitor_training = _lib.MONITORS["none"]
    for name, value in fields.items():
        setattr(options, name, value)
    x = np.ascontiguousarray(X, dtype=np.float32)
    y = np.ascontiguousarray(Y, dtype=np.float32)
    pointer = nerve._arrays.pointer
    return _lib.lib().nerve_train(net._handle, pointer(x), pointer(y), x.shape[0], None, None, 0, ctypes.byref(options))


def test_the_gradient_hook_sees_the_gradient_of_cost_gradient():
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=24)
    expected = net.cost_gradient(X[:8], Y[:8])[1]
    calls = []

    def hook(gradient, count, step, _hook_data):
        calls.append((np.ctypeslib.as_array(gradient, shape=(count,)).copy(), step.contents.rows))
        return 0

    hook = _lib.GRADIENT_FN(hook)
    assert _train_with(net, X, Y, epochs=1, batch_size=8, gradient_hook=hook) == _lib.OK
    assert [rows for _, rows in calls] == [8, 8, 8]
    np.testing.assert_array_equal(calls[0][0], expected)


def test_a_hook_may_rewrite_the_gradient_and_end_training():
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=24)
    before = net.get_parameters()

    def zero(gradient, count, _step, _hook_data):
        np.ctypeslib.as_array(gradient, shape=(count,))[:] = 0
        return 0

    zero = _lib.GRADIENT_FN(zero)
    assert _train_with(net, X, Y, epochs=2, batch_size=8, gradient_hook=zero) == _lib.OK
    np.testing.assert_array_equal(net.get_parameters(), before)  # no gradient, no l2, no momentum: no step

    steps = []

    def stop_at_third(gradient, count, step, _hook_data):
        steps.append(step.contents.rows)
        return 1 if len(steps) == 3 else 0

    stop_at_third = _lib.GRADIENT_FN(stop_at_third)
    status = _train_with(net, X, Y, epochs=5, batch_size=8, gradient_hook=stop_at_third)
    assert status == _lib.E_ABORTED and len(steps) == 3
    error = nerve.errors.error_for(status)
    assert isinstance(error, nerve.NerveAbortedError) and isinstance(error, RuntimeError)
    assert error.status == _lib.E_ABORTED
    np.testing.assert_array_equal(net.get_parameters(), before)  # no epoch completed


def test_steps_per_epoch_and_the_report_hook():
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=20)
    rows, reported = [], []

    def hook(gradient, count, step, _hook_data):
        rows.append((step.contents.epoch, step.contents.step, step.contents.rows))
        return 0

    def report(report, _hook_data):
        report.contents.train_cost = 42.0  # as data-parallel ranks put the mean over ranks
        return 0

    def progress(report, _user_data):
        reported.append(report.contents.train_cost)
        return 0

    callbacks = _lib.GRADIENT_FN(hook), _lib.REPORT_FN(report), _lib.PROGRESS_FN(progress)
    status = _train_with(
        net, X, Y, epochs=2, batch_size=8, steps_per_epoch=4, regularization_n=100,
        gradient_hook=callbacks[0], report_hook=callbacks[1], progress=callbacks[2],
    )
    assert status == _lib.OK
    # Steps beyond the last batch have no samples.
    assert rows == [(e, k + 1, r) for e in (1, 2) for k, r in enumerate([8, 8, 4, 0])]
    assert reported == [42.0, 42.0]


# ------------------------------------------------------------------------------------ fit(comm=...) protocol
# nerve.distributed's Coordinator does the communication; a stand-in here records how fit drives it.


class _Coordinator:
    instances = []

    def __init__(self, net, comm, n_samples, n_eval, batch_size):
        self.arguments = dict(comm=comm, n_samples=n_samples, n_eval=n_eval, batch_size=batch_size)
        self.shows_progress = comm.get("shows_progress", True)
        self.votes = []
        self.error = None
        self.hook = None
        _Coordinator.instances.append(self)

    def configure(self, options):
        def hook(gradient, count, rows, _user_data):
            if self.arguments["comm"].get("fail_in_hook"):
                self.error = ConnectionError("a rank went away")
                return 1
            return 0

        self.hook = _lib.GRADIENT_FN(hook)
        options.gradient_hook = self.hook
        options.regularization_n = 2 * self.arguments["n_samples"]

    def agree_on_accuracy_rule(self, *targets):
        self.accuracy_targets = [None if y is None else y.shape for y in targets]
        return "per_label"  # as if another rank's targets were labels that are not one-hot

    def agree_to_stop(self, stop):
        self.votes.append(stop)
        return stop or self.arguments["comm"].get("others_stop_at") == len(self.votes)

    def raised(self):
        return self.error


@pytest.fixture
def coordinator(monkeypatch):
    module = types.ModuleType("nerve.distributed")
    module.Coordinator = _Coordinator
    monkeypatch.setitem(sys.modules, "nerve.distributed", module)
    _Coordinator.instances = []
    return _Coordinator


def test_fit_with_comm_drives_the_coordinator(coordinator, capsys):
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=20)
    history = net.fit(X, Y, epochs=5, batch_size=4, comm={"others_stop_at": 3, "shows_progress": False},
                      validation_data=(X[:6], Y[:6]), progress="plain")
    (instance,) = coordinator.instances
    assert instance.arguments["n_samples"] == 20 and instance.arguments["n_eval"] == 6
    assert instance.arguments["batch_size"] == 4
    assert instance.votes == [False, False, False] and len(history) == 3 and history.stopped
    assert capsys.readouterr().out == ""  # this rank does not show progress
    # The rule the ranks agreed on reaches the library: label by label, though these rows are one-hot.
    assert instance.accuracy_targets == [(20, 3), (6, 3)]
    by_labels = np.mean((net.predict(X[:6]) >= 0.5) == (Y[:6] >= 0.5))
    assert history.epochs()[-1].eval_accuracy == pytest.approx(by_labels, abs=1e-6)


def test_fit_with_comm_votes_even_when_the_callback_raises(coordinator):
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=20)

    def callback(epoch):
        raise LookupError("from the callback")

    with pytest.raises(LookupError, match="from the callback"):
        net.fit(X, Y, epochs=5, comm={}, callback=callback)
    assert coordinator.instances[0].votes == [True]


def test_fit_with_comm_raises_what_a_hook_captured(coordinator):
    net, X, Y = small_problem("tanh", "softmax", "log_likelihood", n=20)
    before = net.get_parameters()
    with pytest.raises(ConnectionError, match="a rank went away"):
        net.fit(X, Y, epochs=2, comm={"fail_in_hook": True})
    np.testing.assert_array_equal(net.get_parameters(), before)
