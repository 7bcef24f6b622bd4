"""Initialisation from Python (weight_init, bias_init, bias_value; Network.initialize) against the formulas, the
notes' network2 setting, and the leaky-ReLU slope per layer: forward values against numpy, kept by save, load,
pickle and ONNX export."""

import pickle
import re

import numpy as np
import pytest

import nerve
from nerve import Conv2D, Dense


def spread(values):
    values = np.asarray(values, dtype=np.float64).ravel()
    return values.mean(), values.std()


def test_network2_setting_draws_the_notes_weights_and_biases():
    # 400 × 300 weights: the sample deviation is within 0.13% of the truth per standard error, 2% is generous.
    # 300 biases: 4.1% per standard error for the deviation, 0.058 for the mean; 0.2 and 0.3 are five of them.
    net = nerve.Network([400, 300, 10], activations="sigmoid", weight_init="normalized", bias_init="normal", seed=3)
    for layer, fan_in in ((0, 400), (1, 300)):
        weights, biases = net.get_layer(layer)
        mean, sd = spread(weights)
        assert sd == pytest.approx(1 / np.sqrt(fan_in), rel=0.02)
        assert abs(mean) < 5 / np.sqrt(fan_in) / np.sqrt(weights.size)
    mean, sd = spread(net.get_layer(0)[1])
    assert abs(sd - 1) < 0.2 and abs(mean) < 0.3
    # The same draw as creating with the defaults and initializing from the same seed.
    other = nerve.Network([400, 300, 10], activations="sigmoid", seed=3)
    other.initialize("normalized", "normal", seed=3)
    np.testing.assert_array_equal(other.get_parameters(), net.get_parameters())


def test_defaults_give_zero_biases_and_auto_weights():
    net = nerve.Network([500, 400, 3], activations=["relu", "softmax"], seed=1)
    for biases in net.biases:
        assert not biases.any()
    assert spread(net.get_layer(0)[0])[1] == pytest.approx(np.sqrt(2 / 500), rel=0.02)  # He before ReLU
    net.reinit("normalized", seed=2)
    assert not any(biases.any() for biases in net.biases)


def test_glorot_lecun_and_constant_biases():
    net = nerve.Network([600, 400], activations="tanh", seed=1)
    net.initialize("glorot_uniform", "constant", bias_value=0.25, seed=4)
    weights, biases = net.get_layer(0)
    limit = np.sqrt(6 / 1000)
    assert limit * 0.999 < np.abs(weights).max() <= limit * (1 + 1e-6)
    assert spread(weights)[1] == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert (biases == np.float32(0.25)).all()
    net.initialize("glorot_normal", seed=4)
    assert spread(net.get_layer(0)[0])[1] == pytest.approx(np.sqrt(2 / 1000), rel=0.02)
    net.initialize(weight_init="lecun_normal", bias_init="zero", seed=4)
    assert spread(net.get_layer(0)[0])[1] == pytest.approx(np.sqrt(1 / 600), rel=0.02)
    assert not net.get_layer(0)[1].any()


def test_initialization_arguments_are_checked_before_anything_is_made():
    with pytest.raises(ValueError, match="unknown weight_init"):
        nerve.Network([3, 2], weight_init="xavier")
    with pytest.raises(ValueError, match="unknown bias_init"):
        nerve.Network([3, 2], bias_init="ones")
    for value in (float("nan"), float("inf"), 1e39):
        with pytest.raises(ValueError, match="bias_value"):
            nerve.Network([3, 2], bias_init="constant", bias_value=value)
    with pytest.raises(TypeError):
        nerve.Network([3, 2], bias_value=True)
    net = nerve.Network([3, 2], seed=5)
    before = net.get_parameters()
    with pytest.raises(ValueError):
        net.initialize("he", "constant", bias_value=float("nan"))
    np.testing.assert_array_equal(net.get_parameters(), before)


# ------------------------------------------------------------------------------------------ the leaky slope


def slope_network(slope=0.2, seed=0):
    net = nerve.Network(
        input_shape=4, layers=[Dense(6, "leaky_relu", negative_slope=slope), Dense(3, "linear")], seed=seed
    )
    rng = np.random.default_rng(seed)
    for layer, (inputs, outputs) in enumerate(((4, 6), (6, 3))):
        net.set_layer(layer, rng.normal(0, 1, (outputs, inputs)), rng.normal(0, 1, outputs))
    return net


def numpy_forward(net, X, slope):
    (w0, b0), (w1, b1) = (net.get_layer(0), net.get_layer(1))
    z = X.astype(np.float64) @ w0.T.astype(np.float64) + b0
    a = np.where(z >= 0, z, np.float32(slope) * z)
    return a @ w1.T.astype(np.float64) + b1


def test_default_slope_is_the_headers(repo):
    header = (repo / "include" / "nerve.h").read_text()
    value = re.search(r"#define NERVE_DEFAULT_NEGATIVE_SLOPE ([0-9.]+)f", header).group(1)
    assert float(value) == nerve._lib.DEFAULT_NEGATIVE_SLOPE


def test_layer_slopes_as_given_and_resolved():
    assert Dense(3, "leaky_relu").negative_slope == 0.01
    assert Dense(3, "leaky_relu", negative_slope=0.2).negative_slope == 0.2
    assert Dense(3, "relu").negative_slope is None
    assert Conv2D(2, 3, activation="leaky_relu", negative_slope=0.3).negative_slope == 0.3
    assert repr(Dense(3, "leaky_relu")) == "Dense(units=3, activation='leaky_relu')"
    layer = Dense(3, "leaky_relu", negative_slope=0.2)
    assert repr(layer) == "Dense(units=3, activation='leaky_relu', negative_slope=0.2)"
    assert eval(repr(layer), dict(vars(nerve))) == layer
    with pytest.raises(ValueError, match="leaky_relu"):
        Dense(3, "relu", negative_slope=0.1)
    with pytest.raises(ValueError, match="ReLU"):
        Dense(3, "leaky_relu", negative_slope=0)
    with pytest.raises(TypeError):
        Dense(3, "leaky_relu", negative_slope="0.1")
    with pytest.raises(nerve.NerveValueError, match="negative_slope"):
        nerve.Network(input_shape=2, layers=[Dense(2, "leaky_relu", negative_slope=1.5)])


def test_slope_changes_the_forward_pass_as_numpy_computes_it():
    X = np.random.default_rng(9).normal(0, 2, (20, 4)).astype(np.float32)
    for slope in (0.2, None):
        net = slope_network(slope)
        expected = numpy_forward(net, X, 0.01 if slope is None else slope)
        np.testing.assert_allclose(net.predict(X), expected, rtol=1e-5, atol=1e-5)
    # The two slopes differ where some hidden unit is negative, which these samples make sure of.
    assert not np.allclose(slope_network(0.2).predict(X), slope_network(None).predict(X))


def test_slope_survives_save_load_and_pickle(tmp_path):
    net = slope_network(0.2)
    assert net.layers[0] == Dense(6, "leaky_relu", negative_slope=0.2)
    assert "slope 0.2" in net.summary() and "negative_slope=0.2" in repr(net)
    X = np.random.default_rng(2).normal(0, 2, (10, 4)).astype(np.float32)
    net.save(tmp_path / "slope.nerve")
    copies = [
        nerve.load(tmp_path / "slope.nerve"),
        nerve.Network.from_bytes(net.to_bytes()),
        pickle.loads(pickle.dumps(net)),
    ]
    for copy in copies:
        assert copy.layers == net.layers
        np.testing.assert_array_equal(copy.predict(X), net.predict(X))


def test_onnx_export_uses_the_layers_slope(tmp_path):
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    import nerve.onnx

    net = nerve.Network(
        input_shape=(1, 4, 4),
        layers=[Conv2D(2, 3, activation="leaky_relu", negative_slope=0.3), Dense(3, "leaky_relu", negative_slope=0.2)],
        cost="quadratic",
    )
    rng = np.random.default_rng(4)
    for index in range(net.layer_count):
        weights, biases = net.get_layer(index)
        net.set_layer(index, rng.normal(0, 1, weights.shape), rng.normal(0, 1, biases.shape))
    path = tmp_path / "slope.onnx"
    nerve.onnx.export(net, path)
    alphas = [a.f for node in onnx.load(str(path)).graph.node if node.op_type == "LeakyRelu" for a in node.attribute]
    assert alphas == [np.float32(0.3), np.float32(0.2)]
    X = rng.normal(0, 2, (7, 16)).astype(np.float32)
    runner = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(runner.run(["output"], {"input": X})[0], net.predict(X), rtol=1e-5, atol=1e-5)
