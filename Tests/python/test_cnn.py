"""Convolutional networks: layer objects, shapes, parameter counts, forward and backward passes against a naive
numpy reference written here, persistence, errors, and a short training run."""

import copy
import dataclasses
import pickle

import numpy as np
import pytest

import nerve
from nerve import Conv2D, Dense, MaxPool2D, MeanPool2D

# ------------------------------------------------------------------------------------------- numpy reference
# Direct loops over the layouts nerve.h documents, in float64: a sample is (channels, height, width), a
# convolution's weights are (filters, channels, kernel height, kernel width), a dense layer's (outputs, inputs)
# over the channel-major vector of its input.


def _out_extent(n, k, s, padding):
    """Output length along one axis and the zeros padded before it."""
    if padding == "valid":
        return (n - k) // s + 1, 0
    out = -(-n // s)
    pad = max((out - 1) * s + k - n, 0)
    return out, pad // 2


def conv2d_ref(x, weights, biases, stride, padding):
    channels, height, width = x.shape
    filters, _, kh, kw = weights.shape
    sh, sw = stride
    out_h, top = _out_extent(height, kh, sh, padding)
    out_w, left = _out_extent(width, kw, sw, padding)
    out = np.zeros((filters, out_h, out_w))
    for f in range(filters):
        for oy in range(out_h):
            for ox in range(out_w):
                total = biases[f]
                for c in range(channels):
                    for i in range(kh):
                        for j in range(kw):
                            y, xx = oy * sh + i - top, ox * sw + j - left
                            if 0 <= y < height and 0 <= xx < width:  # outside: a padded zero
                                total += weights[f, c, i, j] * x[c, y, xx]
                out[f, oy, ox] = total
    return out


def pool2d_ref(x, size, stride, mode):
    channels, height, width = x.shape
    out_h, _ = _out_extent(height, size[0], stride[0], "valid")
    out_w, _ = _out_extent(width, size[1], stride[1], "valid")
    out = np.zeros((channels, out_h, out_w))
    for c in range(channels):
        for oy in range(out_h):
            for ox in range(out_w):
                window = [
                    x[c, oy * stride[0] + i, ox * stride[1] + j] for i in range(size[0]) for j in range(size[1])
                ]
                out[c, oy, ox] = max(window) if mode == "max" else sum(window) / len(window)
    return out


def activate(z, name):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "linear":
        return z
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    raise AssertionError(name)


def forward_ref(layers, params, x):
    """The output vector of one sample x of shape (c, h, w) through `layers` with `params` [(W, b), ...]."""
    a = np.asarray(x, dtype=np.float64)
    for layer, (w, b) in zip(layers, params):
        if isinstance(layer, Conv2D):
            a = activate(conv2d_ref(a, w, b, layer.stride, layer.padding), layer.activation)
        elif isinstance(layer, MaxPool2D):
            a = pool2d_ref(a, layer.pool_size, layer.stride, "max")
        elif isinstance(layer, MeanPool2D):
            a = pool2d_ref(a, layer.pool_size, layer.stride, "mean")
        else:
            shape = a.shape
            a = activate(w @ a.reshape(-1) + b, layer.activation).reshape(-1, 1, 1)
            assert w.shape[1] == np.prod(shape)
    return a.reshape(-1)


def random_params(net, rng, scale=0.5):
    """Sets every layer's weights and biases to fresh random values (float32) and returns them as float64."""
    params = []
    for index in range(net.layer_count):
        weights, biases = net.get_layer(index)
        weights = rng.uniform(-scale, scale, size=weights.shape).astype(np.float32)
        biases = rng.uniform(-scale, scale, size=biases.shape).astype(np.float32)
        net.set_layer(index, weights, biases)
        params.append((weights.astype(np.float64), biases.astype(np.float64)))
    return params


# ----------------------------------------------------------------------------------------------- layer objects


def test_layer_objects_resolve_defaults_compare_and_pickle():
    conv = Conv2D(32, 5, activation="relu")
    assert conv.kernel_size == (5, 5) and conv.stride == (1, 1) and conv.padding == "valid"
    assert conv == Conv2D(32, (5, 5), stride=(1, 1), padding="valid", activation="relu")
    assert hash(conv) == hash(Conv2D(32, (5, 5), stride=1, activation="relu"))
    assert repr(conv) == "Conv2D(filters=32, kernel_size=(5, 5), stride=(1, 1), padding='valid', activation='relu')"
    assert MaxPool2D(2).stride == (2, 2) and MaxPool2D((2, 3)).stride == (2, 3)
    assert MeanPool2D(3, stride=1).stride == (1, 1)
    assert repr(MaxPool2D(2)) == "MaxPool2D(pool_size=(2, 2), stride=(2, 2), padding='valid')"
    assert MaxPool2D(2) != MeanPool2D(2)
    assert Dense(10, activation="softmax") == Dense(10, "softmax")
    assert repr(Dense(10, "softmax")) == "Dense(units=10, activation='softmax')"
    for layer in (conv, MaxPool2D(2, stride=1), MeanPool2D((2, 3)), Dense(4, "tanh")):
        assert pickle.loads(pickle.dumps(layer)) == layer
        assert eval(repr(layer), dict(vars(nerve))) == layer
    with pytest.raises(dataclasses.FrozenInstanceError):
        conv.filters = 3


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Conv2D(2.5, 3), TypeError, "filters must be an integer"),
        (lambda: Conv2D(True, 3), TypeError, "filters must be an integer"),
        (lambda: Conv2D(4, (3, 3, 3)), ValueError, r"kernel_size must be an integer or a \(height, width\) pair"),
        (lambda: Conv2D(4, "3"), TypeError, "kernel_size must be an integer"),
        (lambda: Conv2D(4, 3, stride=0), ValueError, "stride must be at least 1"),
        (lambda: MaxPool2D(2, stride=(1, 0)), ValueError, "stride must be at least 1"),
        (lambda: Conv2D(4, 3, padding="full"), ValueError, "unknown padding 'full'; choose one of 'valid', 'same'"),
        (lambda: Conv2D(4, 3, padding=1), TypeError, "padding must be a name"),
        (lambda: Conv2D(4, 3, activation="swish"), ValueError, "unknown activation 'swish'"),
        (lambda: Dense(2**31, "relu"), ValueError, "units=2147483648 is out of range"),
    ],
)
def test_layer_objects_check_types(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ------------------------------------------------------------------------------------ structure and counting


def test_parameter_counts_of_the_notes_examples():
    # 20 filters of 5 × 5 on one channel share 5·5 weights each and have one bias each.
    conv = nerve.Network(input_shape=(1, 28, 28), layers=[Conv2D(20, 5)])
    assert conv.parameter_count == 20 * (1 * 5 * 5) + 20 == 520
    assert conv.layers[0].kernel_size == (5, 5)
    assert conv.output_size == 20 * 24 * 24
    weights, biases = conv.get_layer(0)
    assert weights.shape == (20, 1, 5, 5) and biases.shape == (20,)
    # A fully connected layer from 784 inputs to 30 neurons: a weight per pair and a bias per neuron.
    dense = nerve.Network([784, 30, 10])
    assert dense.parameter_count == 784 * 30 + 30 + 30 * 10 + 10
    assert nerve.Network([784, 30]).parameter_count == 784 * 30 + 30 == 23_550


def _example_cnn(**kwargs):
    return nerve.Network(
        input_shape=(1, 28, 28),
        layers=[
            Conv2D(32, 5, padding="same", activation="relu"),
            MaxPool2D(2),
            Conv2D(64, 5, padding="same", activation="relu"),
            MaxPool2D(2),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ],
        cost="log_likelihood",
        **kwargs,
    )


# By hand: conv 1→32 5×5: 32·25 + 32; conv 32→64: 64·32·25 + 64; 64 channels of 7×7 → 128; 128 → 10.
EXAMPLE_COUNTS = [32 * 25 + 32, 0, 64 * 32 * 25 + 64, 0, 64 * 7 * 7 * 128 + 128, 128 * 10 + 10]


def test_example_cnn_structure():
    net = _example_cnn()
    assert net.input_shape == (1, 28, 28) and net.input_size == 784 and net.output_size == 10
    assert net.layer_count == 6
    assert net.parameter_count == sum(EXAMPLE_COUNTS) == 454_922
    assert [sum(array.size for array in net.get_layer(i)) for i in range(6)] == EXAMPLE_COUNTS
    assert net.sizes == [784, 32 * 28 * 28, 32 * 14 * 14, 64 * 14 * 14, 64 * 7 * 7, 128, 10]
    assert net.activations == ["relu", None, "relu", None, "relu", "softmax"]
    assert [w.shape for w in net.weights] == [(32, 1, 5, 5), (0,), (64, 32, 5, 5), (0,), (128, 3136), (10, 128)]
    assert [b.shape for b in net.biases] == [(32,), (0,), (64,), (0,), (128,), (10,)]
    assert net.layers == [
        Conv2D(32, 5, padding="same", activation="relu"),
        MaxPool2D(2, stride=2),
        Conv2D(64, (5, 5), stride=1, padding="same", activation="relu"),
        MaxPool2D((2, 2)),
        Dense(128, "relu"),
        Dense(10, "softmax"),
    ]
    assert repr(net).startswith("Network(input_shape=(1, 28, 28), layers=[Conv2D(filters=32,")
    assert eval(repr(net).replace("Network(", "dict(", 1), dict(vars(nerve)))["layers"] == net.layers


def test_summary_lists_kinds_shapes_and_counts():
    text = _example_cnn().summary()
    lines = text.splitlines()
    assert lines[0].split() == ["Layer", "Output", "shape", "Parameters"]
    body = [line for line in lines if not line.startswith(("=", "Layer"))]
    expected = [
        ("Input", "(1, 28, 28)", None),
        ("Conv2D 32 filters 5×5, stride 1, same, relu", "(32, 28, 28)", "832"),
        ("MaxPool2D 2×2, stride 2", "(32, 14, 14)", "0"),
        ("Conv2D 64 filters 5×5, stride 1, same, relu", "(64, 14, 14)", "51,264"),
        ("MaxPool2D 2×2, stride 2", "(64, 7, 7)", "0"),
        ("Dense 128, relu", "(128,)", "401,536"),
        ("Dense 10, softmax", "(10,)", "1,290"),
    ]
    for line, (kind, shape, count) in zip(body, expected):
        assert line.startswith(kind) and shape in line
        if count is not None:
            assert line.split()[-1] == count
    assert "Total parameters: 454,922" in text
    assert "Cost: log_likelihood" in text
    # The columns line up.
    assert len({line.index("(") for line in body[: len(expected)]}) == 1
    dense = nerve.Network([4, 3, 2]).summary()
    assert "Input" in dense and "(4,)" in dense and "Dense 3, sigmoid" in dense
    assert f"Total parameters: {4 * 3 + 3 + 3 * 2 + 2}" in dense


def test_dense_networks_in_both_forms():
    from_sizes = nerve.Network([12, 5, 3], activations=["tanh", "softmax"], seed=3)
    assert from_sizes.input_shape == (12,)
    assert from_sizes.layers == [Dense(5, "tanh"), Dense(3, "softmax")]
    assert repr(from_sizes) == "Network([12, 5, 3], activations=['tanh', 'softmax'], cost='log_likelihood')"
    for shape in (12, (12,)):
        from_layers = nerve.Network(input_shape=shape, layers=[Dense(5, "tanh"), Dense(3, "softmax")], seed=3)
        assert from_layers.input_shape == (12,) and from_layers.sizes == [12, 5, 3]
        assert from_layers.cost == "log_likelihood"  # the default follows the output activation, as for sizes
        assert from_layers.parameter_count == from_sizes.parameter_count == 12 * 5 + 5 + 5 * 3 + 3
    # A dense layer reads an image as its channel-major vector.
    image = nerve.Network(input_shape=(2, 3, 4), layers=[Dense(3, "linear")])
    weights, biases = image.get_layer(0)
    assert weights.shape == (3, 24) and image.input_shape == (2, 3, 4)
    x = np.random.default_rng(0).normal(size=(2, 2, 3, 4)).astype(np.float32)
    expected = x.reshape(2, 24).astype(np.float64) @ weights.T.astype(np.float64) + biases
    np.testing.assert_allclose(image.predict(x), expected, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------------------------------- forward passes

FORWARD_CASES = {
    "conv valid, stride 1, 3 channels, 3×2 kernel": ((3, 6, 5), [Conv2D(2, (3, 2), activation="linear")]),
    "conv same, odd kernel": ((2, 5, 5), [Conv2D(3, 3, padding="same", activation="tanh")]),
    "conv same, even kernel (pads more after)": ((2, 6, 6), [Conv2D(2, 4, padding="same", activation="linear")]),
    "conv same, stride 2": ((3, 7, 6), [Conv2D(2, 3, stride=2, padding="same", activation="relu")]),
    "conv valid, stride 2, remainder left out": ((2, 8, 7), [Conv2D(2, 3, stride=2, activation="sigmoid")]),
    "conv same, strides (2, 1)": ((2, 8, 7), [Conv2D(1, (2, 3), stride=(2, 1), padding="same", activation="linear")]),
    "max pool 2 of 5×5 (does not tile)": ((3, 5, 5), [MaxPool2D(2)]),
    "mean pool 3 stride 2": ((2, 5, 7), [MeanPool2D(3, stride=2)]),
    "max pool 2×3 strides (1, 2)": ((2, 6, 7), [MaxPool2D((2, 3), stride=(1, 2))]),
    "mean pool 2 of 5×5 (does not tile)": ((1, 5, 5), [MeanPool2D(2)]),
    "a whole stack": (
        (2, 9, 9),
        [
            Conv2D(3, 3, padding="same", activation="tanh"),
            MaxPool2D(2),
            Conv2D(4, 2, activation="relu"),
            MeanPool2D(2, stride=1),
            Dense(5, activation="softmax"),
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(FORWARD_CASES))
def test_forward_matches_the_reference(case):
    shape, layers = FORWARD_CASES[case]
    rng = np.random.default_rng(sorted(FORWARD_CASES).index(case))
    net = nerve.Network(input_shape=shape, layers=layers, seed=1)
    params = random_params(net, rng)
    X = rng.normal(size=(4, *shape)).astype(np.float32)
    expected = np.stack([forward_ref(layers, params, sample) for sample in X])
    outputs = net.predict(X)
    assert outputs.shape == expected.shape == (4, net.output_size)
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-5)


def test_output_shapes_follow_the_documented_rules():
    # valid: ⌊(n − k)/s⌋ + 1; same: ⌈n/s⌉. Worked by hand for a 13 × 10 input.
    cases = [
        (Conv2D(1, (4, 3)), (10, 8)),
        (Conv2D(1, (4, 3), stride=3), (4, 3)),
        (Conv2D(1, 5, padding="same"), (13, 10)),
        (Conv2D(1, 5, stride=(2, 3), padding="same"), (7, 4)),
        (Conv2D(1, 20, padding="same"), (13, 10)),  # a window larger than the input fits with padding
        (MaxPool2D(3), (4, 3)),
        (MeanPool2D((2, 4), stride=(3, 1)), (4, 7)),
    ]
    for layer, (height, width) in cases:
        net = nerve.Network(input_shape=(1, 13, 10), layers=[layer])
        assert net.output_size == height * width, layer


# ------------------------------------------------------------------------------------------ backward passes


def _sgd_step(net, X, Y, learning_rate):
    before = [net.get_layer(i) for i in range(net.layer_count)]
    net.fit(X, Y, epochs=1, batch_size=len(X), learning_rate=learning_rate, shuffle=False, monitor="none")
    after = [net.get_layer(i) for i in range(net.layer_count)]
    return before, after


def test_max_pool_tie_sends_the_gradient_to_the_first_in_row_major_order():
    # A 1×1 convolution adds the two channels; (0, 1) and (1, 0) tie at 1 (channel 0 there, channel 1 here),
    # (0, 0) and (1, 1) hold 0. Row-major order reaches (0, 1) first, so only channel 0's weight learns.
    net = nerve.Network(
        input_shape=(2, 2, 2),
        layers=[Conv2D(1, 1, activation="linear"), MaxPool2D(2), Dense(1, activation="linear")],
        cost="quadratic",
    )
    net.set_layer(0, np.ones((1, 2, 1, 1)), np.zeros(1))
    net.set_layer(2, [[2.0]], [0.0])
    x = np.zeros((1, 2, 2, 2), dtype=np.float32)
    x[0, 0, 0, 1] = 1.0
    x[0, 1, 1, 0] = 1.0
    eta = 0.125
    before, after = _sgd_step(net, x, np.zeros((1, 1)), eta)
    # By hand: pooled = 1, a = 2·1 = 2, δ = a − y = 2; dv = δ·pooled = 2, dc = 2; the pooled value's gradient is
    # v·δ = 4, all of it at (0, 1): dw0 = 4·x0(0, 1) = 4, dw1 = 4·x1(0, 1) = 0, the conv bias 4.
    np.testing.assert_array_equal(after[0][0].ravel(), [1 - eta * 4, 1 - eta * 0])
    np.testing.assert_array_equal(after[0][1], [0 - eta * 4])
    np.testing.assert_array_equal(after[2][0], [[2 - eta * 2]])
    np.testing.assert_array_equal(after[2][1], [0 - eta * 2])


def test_mean_pool_spreads_the_gradient_evenly():
    net = nerve.Network(
        input_shape=(2, 2, 2),
        layers=[Conv2D(1, 1, activation="linear"), MeanPool2D(2), Dense(1, activation="linear")],
        cost="quadratic",
    )
    net.set_layer(0, np.ones((1, 2, 1, 1)), np.zeros(1))
    net.set_layer(2, [[2.0]], [0.0])
    x = np.zeros((1, 2, 2, 2), dtype=np.float32)
    x[0, 0, 0, 1] = 1.0
    x[0, 1, 1, 0] = 1.0
    x[0, 1, 1, 1] = 2.0
    eta = 0.125
    _, after = _sgd_step(net, x, np.zeros((1, 1)), eta)
    # By hand: pooled = (1 + 1 + 2)/4 = 1, a = 2, δ = 2; each of the 4 positions gets v·δ/4 = 1, so
    # dw0 = Σ x0 = 1, dw1 = Σ x1 = 3, the conv bias 4·1 = 4; dv = δ·pooled = 2, dc = 2.
    np.testing.assert_array_equal(after[0][0].ravel(), [1 - eta * 1, 1 - eta * 3])
    np.testing.assert_array_equal(after[0][1], [-eta * 4])
    np.testing.assert_array_equal(after[2][0], [[2 - eta * 2]])
    np.testing.assert_array_equal(after[2][1], [-eta * 2])


def _mean_cost(layers, params, X, Y):
    """The log-likelihood cost averaged over samples, from the reference forward pass."""
    return np.mean([-np.sum(y * np.log(forward_ref(layers, params, x))) for x, y in zip(X, Y)])


def test_one_sgd_step_follows_the_gradient_of_the_reference():
    layers = [
        Conv2D(2, 3, padding="same", activation="tanh"),
        MaxPool2D(2),
        Conv2D(3, 2, stride=1, activation="sigmoid"),
        MeanPool2D(2, stride=1),
        Dense(3, activation="softmax"),
    ]
    # (2, 6, 7) → (2, 6, 7) → (2, 3, 3), the last column left out → (3, 2, 2) → (3, 1, 1) → 3
    net = nerve.Network(input_shape=(2, 6, 7), layers=layers, cost="log_likelihood")
    rng = np.random.default_rng(7)
    params = random_params(net, rng, scale=0.8)
    X = rng.normal(size=(3, 2, 6, 7)).astype(np.float32)
    Y = np.eye(3)[[0, 2, 1]]
    eta = 0.5
    before, after = _sgd_step(net, X, Y, eta)
    # Central differences of the reference cost, parameter by parameter.
    h = 1e-6
    for index, (weights, biases) in enumerate(params):
        for which, values in ((0, weights), (1, biases)):
            expected = np.zeros(values.shape)
            for position in np.ndindex(values.shape):
                saved = values[position]
                values[position] = saved + h
                up = _mean_cost(layers, params, X, Y)
                values[position] = saved - h
                down = _mean_cost(layers, params, X, Y)
                values[position] = saved
                expected[position] = (up - down) / (2 * h)
            step = (before[index][which].astype(np.float64) - after[index][which]) / eta
            np.testing.assert_allclose(step, expected, rtol=1e-3, atol=2e-6, err_msg=f"layer {index} part {which}")


# ------------------------------------------------------------------------------------------- inputs and batches


@pytest.fixture(scope="module")
def small_cnn():
    net = nerve.Network(
        input_shape=(2, 12, 10),
        layers=[
            Conv2D(6, 3, padding="same", activation="relu"),
            MaxPool2D(2),
            Conv2D(4, (3, 2), stride=(1, 2), activation="tanh"),
            MeanPool2D(2, stride=1),
            Dense(3, activation="softmax"),
        ],
        seed=5,
    )
    X = np.random.default_rng(3).normal(size=(24, 2, 12, 10)).astype(np.float32)
    y = np.arange(24) % 3
    net.fit(X, y, epochs=2, batch_size=6, optimizer="adam")
    return net, X, y


def test_image_and_flat_inputs_agree(small_cnn):
    net, X, y = small_cnn
    flat = X.reshape(len(X), -1)
    np.testing.assert_array_equal(net.predict(X), net.predict(flat))
    np.testing.assert_array_equal(net.predict_classes(X), net.predict_classes(flat))
    assert net.evaluate(X, y) == net.evaluate(flat, y)
    # Non-contiguous and other dtypes are converted, as for dense networks.
    np.testing.assert_array_equal(net.predict(X.astype(np.float64)[::-1][::-1]), net.predict(flat))
    a, b = copy.deepcopy(net), copy.deepcopy(net)
    a.fit(X, y, epochs=1, batch_size=5, validation_data=(X[:6], y[:6]))
    b.fit(flat, y, epochs=1, batch_size=5, validation_data=(flat[:6], y[:6]))
    for layer in range(a.layer_count):
        for mine, theirs in zip(a.get_layer(layer), b.get_layer(layer)):
            np.testing.assert_array_equal(mine, theirs)
    assert a.history.eval_cost == b.history.eval_cost


def test_a_sample_alone_equals_the_same_sample_in_a_batch(small_cnn):
    net, X, _ = small_cnn
    batch = net.predict(X)
    net.threads = 2
    try:
        threaded = net.predict(X)
    finally:
        net.threads = 1
    np.testing.assert_array_equal(threaded, batch)
    for index in (0, 7, 23):
        np.testing.assert_array_equal(net.predict(X[index : index + 1])[0], batch[index])
        np.testing.assert_array_equal(net.predict(X[index].reshape(1, -1))[0], batch[index])
    assert net.predict(X[:0]).shape == (0, 3)


def test_wrong_input_shapes_are_refused_clearly(small_cnn):
    net, X, y = small_cnn
    with pytest.raises(ValueError, match=r"X holds samples of shape \(2, 12, 9\) but the network takes \(2, 12, 10\)"):
        net.predict(X[:, :, :, :9])
    with pytest.raises(ValueError, match=r"X holds samples of shape \(1, 12, 10\)"):
        net.fit(X[:, :1], y)
    with pytest.raises(ValueError, match=r"must be \(samples, 2, 12, 10\) or \(samples, 240\).*x\[None\]"):
        net.predict(X[0])
    with pytest.raises(ValueError, match=r"has 239 columns but the network takes 240 inputs \(2 × 12 × 10 images\)"):
        net.evaluate(X.reshape(24, -1)[:, 1:], y)
    with pytest.raises(ValueError, match="validation X holds samples"):
        net.fit(X, y, validation_data=(X[:, :, 1:], y))
    gray = nerve.Network(input_shape=(1, 4, 4), layers=[Conv2D(1, 2)])
    with pytest.raises(ValueError, match=r"use X\[:, None\] to add the channel axis"):
        gray.predict(np.zeros((3, 4, 4)))
    assert gray.predict(np.zeros((3, 4, 4))[:, None]).shape == (3, 9)


# ---------------------------------------------------------------------------------------------- persistence


def _same_network(a, b, X):
    assert a.layers == b.layers and a.input_shape == b.input_shape and a.cost == b.cost
    assert a.parameter_count == b.parameter_count and a.summary() == b.summary()
    for layer in range(a.layer_count):
        for mine, theirs in zip(a.get_layer(layer), b.get_layer(layer)):
            assert mine.shape == theirs.shape
            np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.to_bytes() == b.to_bytes()


def test_save_load_bytes_pickle_and_copies(tmp_path, small_cnn):
    net, X, _ = small_cnn
    path = tmp_path / "cnn.nerve"
    net.save(path)
    loaded = nerve.load(path)
    _same_network(loaded, net, X)
    assert repr(loaded) == repr(net)
    _same_network(nerve.Network.from_bytes(net.to_bytes()), net, X)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        twin = pickle.loads(pickle.dumps(net, protocol=protocol))
        _same_network(twin, net, X)
        assert twin.history.eval_cost is not None and len(twin.history) == 2
    _same_network(copy.copy(net), net, X)
    _same_network(copy.deepcopy(net), net, X)


def test_set_layer_takes_what_get_layer_gives(small_cnn):
    net, X, _ = small_cnn
    twin = nerve.Network(input_shape=net.input_shape, layers=net.layers, seed=99)
    assert not np.array_equal(twin.predict(X), net.predict(X))
    for index, (weights, biases) in enumerate(zip(net.weights, net.biases)):
        twin.set_layer(index, weights, biases)
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    with pytest.raises(ValueError, match=r"weights of layer 0 must have shape \(6, 2, 3, 3\)"):
        twin.set_layer(0, np.zeros((6, 18)))
    with pytest.raises(ValueError, match=r"layer 1 \(max_pool2d\) has no weights or biases"):
        twin.set_layer(1, np.zeros(4))
    with pytest.raises(ValueError, match=r"layer 3 \(mean_pool2d\) has no weights or biases"):
        twin.set_layer(-2, None, [1.0])
    twin.set_layer(1)  # nothing to do
    with pytest.raises(IndexError):
        twin.get_layer(5)


def test_network2_refuses_convolutional_networks():
    net = nerve.Network(input_shape=(1, 4, 4), layers=[Conv2D(1, 2), Dense(2)])
    with pytest.raises(ValueError, match="dense layers only"):
        nerve.network2.to_dict(net)


# ------------------------------------------------------------------------------------------------- mistakes


@pytest.mark.parametrize(
    "shape, layers, error, match",
    [
        ((1, 8, 8), [Conv2D(2, 9)], nerve.NerveSizeError, r"layers\[0\]: a 9×9 window does not fit in a 8×8 input"),
        ((1, 8, 8), [Conv2D(2, 3), MaxPool2D(7)], nerve.NerveSizeError, r"layers\[1\]: .*does not fit in a 6×6"),
        ((1, 8, 8), [Conv2D(0, 3)], nerve.NerveSizeError, r"layers\[0\].*filters.*0"),
        ((1, 8, 8), [Conv2D(2, (3, -1))], nerve.NerveSizeError, r"layers\[0\]: window_width = -1 is negative"),
        ((1, 8, 8), [Dense(0)], nerve.NerveSizeError, r"layers\[0\]"),
        ((1, 8, 8), [MaxPool2D(0)], nerve.NerveSizeError, r"layers\[0\]"),
        ((0, 8, 8), [Dense(2)], nerve.NerveSizeError, "channels must be at least 1"),
        ((1, 8, 8), [MaxPool2D(2, padding="same")], nerve.NerveUnsupportedError, r"layers\[0\]: pooling takes valid padding only"),
        ((1, 8, 8), [MeanPool2D(2, padding="same")], nerve.NerveUnsupportedError, r"layers\[0\]: pooling takes valid padding only"),
    ],
)
def test_the_librarys_refusals_name_the_layer(shape, layers, error, match):
    with pytest.raises(error, match=match) as raised:
        nerve.Network(input_shape=shape, layers=layers)
    assert isinstance(raised.value, nerve.NerveError) and isinstance(raised.value, ValueError)


def test_constructor_mistakes():
    with pytest.raises(TypeError, match="not both"):
        nerve.Network([4, 2], input_shape=4, layers=[Dense(2)])
    with pytest.raises(TypeError, match="give both"):
        nerve.Network(layers=[Dense(2)])
    with pytest.raises(TypeError, match="give both"):
        nerve.Network(input_shape=(1, 4, 4))
    with pytest.raises(TypeError, match="each layer takes its own activation"):
        nerve.Network(activations="relu", input_shape=4, layers=[Dense(2)])
    with pytest.raises(TypeError, match=r"layers\[1\] must be a Dense, Conv2D, MaxPool2D or MeanPool2D, got int"):
        nerve.Network(input_shape=4, layers=[Dense(2), 3])
    with pytest.raises(TypeError, match="wrap a single one in a list"):
        nerve.Network(input_shape=4, layers=Dense(2))
    with pytest.raises(ValueError, match=r"input_shape must be an int, \(inputs,\) or \(channels, height, width\)"):
        nerve.Network(input_shape=(28, 28), layers=[Dense(2)])
    with pytest.raises(nerve.NerveSizeError, match="1 to 4096, got 0"):
        nerve.Network(input_shape=4, layers=[])
    with pytest.raises(nerve.NerveUnsupportedError):
        nerve.Network(input_shape=(1, 4, 4), layers=[Conv2D(1, 2), Dense(2, "softmax")], cost="cross_entropy")


# ------------------------------------------------------------------------------------------------- learning


def _bars(count, rng, size=8):
    """Noisy images of one bright bar: vertical (class 0) or horizontal (class 1), anywhere."""
    X = rng.normal(scale=0.2, size=(count, 1, size, size)).astype(np.float32)
    y = rng.integers(0, 2, size=count)
    for image, label, where in zip(X, y, rng.integers(0, size, size=count)):
        if label == 0:
            image[0, :, where] += 1.0
        else:
            image[0, where, :] += 1.0
    return X, y


def test_learns_vertical_from_horizontal_bars():
    rng = np.random.default_rng(11)
    X, y = _bars(400, rng)
    X_test, y_test = _bars(200, rng)
    net = nerve.Network(
        input_shape=(1, 8, 8),
        layers=[Conv2D(4, 3, padding="same", activation="relu"), MaxPool2D(2), Dense(2, activation="softmax")],
        seed=2,
    )
    before = net.evaluate(X_test, y_test)["accuracy"]
    history = net.fit(X, y, epochs=8, batch_size=16, optimizer="adam", learning_rate=0.01,
                      validation_data=(X_test, y_test))
    assert len(history) == 8
    accuracy = net.evaluate(X_test, y_test)["accuracy"]
    assert accuracy >= 0.97 > before
    assert history.eval_accuracy[-1] == accuracy
