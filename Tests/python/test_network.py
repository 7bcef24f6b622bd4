"""Creating networks, their structure, and the checks every array goes through before reaching C."""

import numpy as np
import pytest

import nerve


def test_structure_and_default_cost():
    net = nerve.Network([784, 100, 10], activations=["sigmoid", "softmax"], seed=0)
    assert net.sizes == [784, 100, 10]
    assert net.input_size == 784 and net.output_size == 10 and net.layer_count == 2
    assert net.activations == ["sigmoid", "softmax"]
    assert net.cost == "log_likelihood"
    assert nerve.Network([3, 1], "sigmoid").cost == "cross_entropy"
    assert nerve.Network([3, 1], "linear").cost == "quadratic"
    assert "Network([784, 100, 10]" in repr(net)


def test_activation_shorthands():
    assert nerve.Network([4, 8, 8, 8, 2], activations="tanh").activations == ["tanh"] * 4
    assert nerve.Network([4, 8, 8, 8, 2], activations=["relu", "softmax"]).activations == ["relu"] * 3 + ["softmax"]
    names = ["relu", "tanh", "sigmoid", "linear"]
    assert nerve.Network([4, 8, 8, 8, 2], activations=names).activations == names
    with pytest.raises(ValueError, match="activations"):
        nerve.Network([4, 8, 8, 2], activations=["relu", "tanh", "sigmoid", "linear"])
    with pytest.raises(ValueError, match="unknown activation"):
        nerve.Network([4, 2], activations="swish")


def test_same_seed_same_weights_other_seed_other_weights():
    a, b, c = (nerve.Network([5, 4, 3], seed=seed) for seed in (11, 11, 12))
    np.testing.assert_array_equal(a.get_layer(0)[0], b.get_layer(0)[0])
    assert not np.array_equal(a.get_layer(0)[0], c.get_layer(0)[0])


def test_reinit():
    net = nerve.Network([50, 40, 3], activations=["relu", "softmax"], seed=1)
    before = net.get_layer(0)[0]
    net.reinit("large", seed=5)
    large = net.get_layer(0)[0]
    assert not np.array_equal(before, large)
    net.reinit("large", seed=5)
    np.testing.assert_array_equal(net.get_layer(0)[0], large)
    # N(0, 1) against N(0, 1/√50): the spread differs by a factor of about 7.
    net.reinit("normalized", seed=5)
    assert np.std(large) / np.std(net.get_layer(0)[0]) == pytest.approx(np.sqrt(50), rel=0.15)
    with pytest.raises(ValueError, match="unknown init"):
        net.reinit("xavier")


@pytest.mark.parametrize(
    "sizes, error",
    [([3], ValueError), ([3, 0], ValueError), ([3, -2], ValueError), ([3, 2.5], TypeError), ([3, 2**40], ValueError)],
)
def test_bad_sizes_refused_in_python(sizes, error):
    with pytest.raises(error) as caught:
        nerve.Network(sizes)
    assert not isinstance(caught.value, nerve.NerveError)


def test_library_refusals_become_nerve_errors():
    with pytest.raises(nerve.NerveUnsupportedError, match="sigmoid") as caught:
        nerve.Network([3, 2], activations="softmax", cost="cross_entropy")
    assert isinstance(caught.value, ValueError)
    assert caught.value.status == -3
    with pytest.raises(nerve.NerveSizeError):
        nerve.Network([3, 16777217])
    with pytest.raises(ValueError, match="unknown cost"):
        nerve.Network([3, 2], cost="hinge")
    with pytest.raises(ValueError, match="seed"):
        nerve.Network([3, 2], seed=-1)


def test_layer_index_checked():
    net = nerve.Network([3, 2, 1])
    with pytest.raises(IndexError):
        net.get_layer(2)
    with pytest.raises(IndexError):
        net.set_layer(-3, biases=[0.0])
    with pytest.raises(ValueError, match="shape"):
        net.set_layer(0, weights=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        net.set_layer(1, biases=[np.nan])


# ------------------------------------------------------------------------------------------- input conversion


def _reference(net, X):
    return net.predict(np.ascontiguousarray(X, dtype=np.float32))


@pytest.mark.parametrize(
    "convert",
    [
        lambda X: X.astype(np.float64),
        lambda X: X.astype(np.float16),
        lambda X: np.asfortranarray(X),
        lambda X: X.tolist(),
        lambda X: (X * 4).astype(np.int64) / 4,
    ],
    ids=["float64", "float16", "fortran", "list", "int-derived"],
)
def test_any_float_dtype_and_layout_converted(convert):
    net = nerve.Network([6, 5, 3], activations=["tanh", "softmax"], seed=2)
    X = (np.arange(60, dtype=np.float32).reshape(10, 6) % 7) / 4
    np.testing.assert_array_equal(net.predict(convert(X)), _reference(net, X))


def test_non_contiguous_views_converted():
    net = nerve.Network([3, 4, 2], seed=2)
    big = np.random.default_rng(0).normal(size=(20, 9)).astype(np.float32)
    view = big[::2, ::3]
    assert not view.flags.c_contiguous
    np.testing.assert_array_equal(net.predict(view), _reference(net, view))
    np.testing.assert_array_equal(net.predict(big[:, :3].T.T), _reference(net, big[:, :3]))


def test_integer_and_bool_inputs_accepted():
    net = nerve.Network([2, 3, 1], seed=4)
    X = np.array([[0, 1], [1, 1]])
    np.testing.assert_array_equal(net.predict(X), _reference(net, X))
    np.testing.assert_array_equal(net.predict(X.astype(bool)), _reference(net, X))


def test_prediction_output_type():
    net = nerve.Network([4, 3, 2], seed=0)
    P = net.predict(np.zeros((7, 4)))
    assert P.dtype == np.float32 and P.shape == (7, 2) and P.flags.c_contiguous
    assert net.predict(np.zeros((0, 4))).shape == (0, 2)


def _refused_before_c(call, error):
    with pytest.raises(error) as caught:
        call()
    assert not isinstance(caught.value, nerve.NerveError), "the library was called"
    return caught.value


@pytest.mark.parametrize(
    "X, error, message",
    [
        (np.zeros(4), ValueError, "2-D"),
        (np.zeros((2, 3)), ValueError, "columns"),
        (np.zeros((2, 2, 4)), ValueError, "2-D"),
        (np.array([[0, 0, np.nan, 0]]), ValueError, "NaN"),
        (np.array([[0, 0, np.inf, 0]]), ValueError, "infinite"),
        (np.array([[0, 0, 1e300, 0]]), ValueError, "infinite"),
        (np.array([["a", "b", "c", "d"]]), TypeError, "dtype"),
        (np.array([[1, 2, 3, 4]], dtype=object), TypeError, "dtype"),
        (np.ones((1, 4), dtype=complex), TypeError, "dtype"),
        (None, TypeError, "None"),
        ([[1, 2], [3]], ValueError, "array"),
    ],
)
def test_bad_inputs_refused_before_c(X, error, message):
    net = nerve.Network([4, 3, 2], activations=["relu", "softmax"])
    _refused_before_c(lambda: net.predict(X), error)
    with pytest.raises(error, match=message):
        net.predict(X)
    _refused_before_c(lambda: net.evaluate(X, np.zeros(len(X) if hasattr(X, "__len__") else 1, int)), error)
    _refused_before_c(lambda: net.fit(X, np.zeros(len(X) if hasattr(X, "__len__") else 1, int)), error)


@pytest.mark.parametrize(
    "Y, error, message",
    [
        (np.array([0, 1, 2]), ValueError, "labels from 0 to 2"),
        (np.array([0, -1, 1]), ValueError, "labels"),
        (np.array([0, 1]), ValueError, "2 samples but X has 3"),
        (np.array([0.0, 1.5, 1.0]), ValueError, "fractional"),
        (np.array([0.0, np.nan, 1.0]), ValueError, "NaN"),
        (np.zeros((3, 3)), ValueError, "columns"),
        (np.array([[0, 1], [1, 0], [0, np.inf]]), ValueError, "infinite"),
        (np.array(["a", "b", "a"]), TypeError, "dtype"),
        (np.zeros((3, 2, 1)), ValueError, "1-D labels or 2-D"),
    ],
)
def test_bad_targets_refused_before_c(Y, error, message):
    net = nerve.Network([4, 3, 2], activations=["relu", "softmax"])
    X = np.zeros((3, 4))
    with pytest.raises(error, match=message):
        net.evaluate(X, Y)
    _refused_before_c(lambda: net.fit(X, Y), error)


def test_float_labels_with_integer_values_are_labels():
    net = nerve.Network([4, 3, 2], activations=["relu", "softmax"], seed=1)
    X = np.random.default_rng(1).normal(size=(6, 4))
    assert net.evaluate(X, np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])) == net.evaluate(X, [0, 1, 1, 0, 1, 0])


def test_empty_data_refused_for_fit_and_evaluate():
    net = nerve.Network([4, 2])
    _refused_before_c(lambda: net.fit(np.zeros((0, 4)), np.zeros((0, 2))), ValueError)
    _refused_before_c(lambda: net.evaluate(np.zeros((0, 4)), np.zeros((0, 2))), ValueError)


# ---------------------------------------------------------------------------------------------------- threads


def test_threads_property_round_trip():
    net = nerve.Network([4, 3, 2], seed=0)
    assert net.threads == 1
    for count in (2, 256, 1, 7):
        net.threads = count
        assert net.threads == count
    assert nerve.Network([4, 3, 2], threads=3).threads == 3


@pytest.mark.parametrize("count", [0, 257, -1])
def test_threads_out_of_range_refused_by_the_library(count):
    net = nerve.Network([4, 3, 2], threads=5)
    with pytest.raises(nerve.NerveValueError) as caught:
        net.threads = count
    assert isinstance(caught.value, ValueError) and caught.value.status == -1
    assert net.threads == 5  # a failed call changes nothing
    with pytest.raises(nerve.NerveValueError):
        nerve.Network([4, 3, 2], threads=count)


def test_threads_must_be_an_integer():
    net = nerve.Network([4, 3, 2])
    for count, error in [(2.0, TypeError), ("2", TypeError), (None, TypeError), (2**40, ValueError)]:
        with pytest.raises(error):
            net.threads = count
        with pytest.raises(error):
            nerve.Network([4, 3, 2], threads=count)
    assert net.threads == 1


# ---------------------------------------------------------------------------------- batch-invariant results


@pytest.mark.parametrize("threads", [1, 3])
def test_each_sample_alone_predicts_exactly_as_in_the_batch(threads):
    rng = np.random.default_rng(3)
    net = nerve.Network([37, 29, 17, 5], activations=["relu", "tanh", "softmax"], seed=3, threads=threads)
    X = rng.normal(size=(211, 37)).astype(np.float32)
    together = net.predict(X)
    alone = np.vstack([net.predict(row.reshape(1, -1)) for row in X])
    assert np.array_equal(alone, together)
    for start, stop in [(0, 1), (5, 70), (100, 211), (13, 14)]:
        assert np.array_equal(net.predict(X[start:stop]), together[start:stop])
