"""predict and evaluate against a forward pass and costs written out in numpy, from weights set by hand."""

import json

import numpy as np
import pytest

import nerve


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def relu(z):
    return np.maximum(z, 0.0)


def forward(x, layers, activations):
    a = np.asarray(x, dtype=np.float64)
    for (w, b), f in zip(layers, activations):
        a = f(a @ np.asarray(w, np.float64).T + np.asarray(b, np.float64))
    return a


# A 2-2-1 sigmoid network in network2.py's JSON format.
NETWORK2_221 = {
    "sizes": [2, 2, 1],
    "weights": [[[0.5, -1.0], [2.0, 0.25]], [[1.5, -2.0]]],
    "biases": [[[0.1], [-0.3]], [[0.2]]],
    "cost": "CrossEntropyCost",
}
X4 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def test_network2_import_predicts_as_numpy_forward_pass():
    net = nerve.network2.loads(json.dumps(NETWORK2_221))
    assert net.sizes == [2, 2, 1]
    assert net.activations == ["sigmoid", "sigmoid"]
    assert net.cost == "cross_entropy"
    layers = [(np.array(w), np.array(b).ravel()) for w, b in zip(NETWORK2_221["weights"], NETWORK2_221["biases"])]
    expected = forward(X4, layers, [sigmoid, sigmoid])
    np.testing.assert_allclose(net.predict(X4), expected, rtol=1e-5)


def test_one_output_by_hand():
    """Input (1, 0): h1 = σ(0.5 + 0.1) = 0.645656, h2 = σ(2 - 0.3) = 0.845535,
    output = σ(1.5·0.645656 - 2·0.845535 + 0.2) = σ(-0.522585) = 0.372248."""
    net = nerve.network2.from_dict(NETWORK2_221)
    h1, h2 = 1 / (1 + np.exp(-0.6)), 1 / (1 + np.exp(-1.7))
    out = 1 / (1 + np.exp(-(1.5 * h1 - 2.0 * h2 + 0.2)))
    assert net.predict([[1.0, 0.0]])[0, 0] == pytest.approx(out, rel=1e-6)
    assert out == pytest.approx(0.372248, abs=1e-6)
    assert net.predict([[1.0, 0.0]])[0, 0] == pytest.approx(0.372248, abs=1e-6)


def test_cross_entropy_cost_and_elementwise_accuracy():
    net = nerve.network2.from_dict(NETWORK2_221)
    layers = [(np.array(w), np.array(b).ravel()) for w, b in zip(NETWORK2_221["weights"], NETWORK2_221["biases"])]
    a = forward(X4, layers, [sigmoid, sigmoid])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    cost = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / len(y)
    accuracy = np.mean((a >= 0.5) == (y >= 0.5))
    result = net.evaluate(X4, y)
    assert result["cost"] == pytest.approx(cost, rel=1e-5)
    assert result["accuracy"] == pytest.approx(accuracy)
    # 1-D targets for a one-output network are that output's column.
    assert net.evaluate(X4, y.ravel()) == result


def test_quadratic_cost():
    model = dict(NETWORK2_221, cost="QuadraticCost")
    net = nerve.network2.from_dict(model)
    layers = [(np.array(w), np.array(b).ravel()) for w, b in zip(model["weights"], model["biases"])]
    a = forward(X4, layers, [sigmoid, sigmoid])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    cost = 0.5 * np.sum((a - y) ** 2) / len(y)
    assert net.evaluate(X4, y)["cost"] == pytest.approx(cost, rel=1e-5)


def test_softmax_log_likelihood_and_argmax_accuracy():
    rng = np.random.default_rng(3)
    net = nerve.Network([4, 5, 3], activations=["relu", "softmax"], cost="log_likelihood")
    layers = [(rng.normal(size=(5, 4)), rng.normal(size=5)), (rng.normal(size=(3, 5)), rng.normal(size=3))]
    for index, (w, b) in enumerate(layers):
        net.set_layer(index, w, b)
    layers = [(w.astype(np.float32), b.astype(np.float32)) for w, b in layers]
    X = rng.normal(size=(50, 4)).astype(np.float32)
    labels = rng.integers(0, 3, size=50)
    a = forward(X, layers, [relu, softmax])
    np.testing.assert_allclose(net.predict(X), a, rtol=1e-4, atol=1e-6)
    cost = -np.mean(np.log(a[np.arange(50), labels]))
    accuracy = np.mean(a.argmax(axis=1) == labels)
    result = net.evaluate(X, labels)
    assert result["cost"] == pytest.approx(cost, rel=1e-4)
    assert result["accuracy"] == pytest.approx(accuracy)
    np.testing.assert_array_equal(net.predict_classes(X), a.argmax(axis=1))
    # One-hot rows and integer labels are the same targets.
    assert net.evaluate(X, np.eye(3)[labels]) == result


@pytest.mark.parametrize(
    "name, function",
    [
        ("tanh", np.tanh),
        ("linear", lambda z: z),
        ("leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z)),
        ("step", lambda z: (z >= 0).astype(float)),
        ("relu", relu),
    ],
)
def test_hidden_activations(name, function):
    rng = np.random.default_rng(7)
    net = nerve.Network([3, 6, 2], activations=[name, "linear"], cost="quadratic")
    layers = [(rng.normal(size=(6, 3)), rng.normal(size=6)), (rng.normal(size=(2, 6)), rng.normal(size=2))]
    for index, (w, b) in enumerate(layers):
        net.set_layer(index, w, b)
    X = rng.normal(size=(20, 3))
    expected = forward(X, [(w.astype(np.float32), b.astype(np.float32)) for w, b in layers], [function, lambda z: z])
    np.testing.assert_allclose(net.predict(X), expected, rtol=1e-4, atol=1e-5)


def test_get_layer_returns_what_set_layer_stored():
    net = nerve.Network([3, 2], activations="sigmoid")
    w = np.arange(6, dtype=np.float32).reshape(2, 3) / 10
    net.set_layer(0, weights=w)
    weights, biases_before = net.get_layer(0)
    np.testing.assert_array_equal(weights, w)
    net.set_layer(-1, biases=[0.5, -0.5])
    weights, biases = net.get_layer(0)
    np.testing.assert_array_equal(weights, w)  # None kept the weights
    np.testing.assert_array_equal(biases, [0.5, -0.5])
    assert [b.tolist() for b in net.biases] == [[0.5, -0.5]]
    assert [x.shape for x in net.weights] == [(2, 3)]
    assert not np.array_equal(biases_before, biases)
