"""nerve.onnx: every layer kind and activation exported and run by onnxruntime, the reference that must agree with
net.predict; trained networks on the whole Fashion-MNIST test set; atomic writes and argument errors."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import nerve
from nerve import Conv2D, Dense, MaxPool2D, MeanPool2D

onnx = pytest.importorskip("onnx", reason="the onnx package is not installed (pip install onnx)")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (pip install onnxruntime)")
import nerve.onnx  # noqa: E402  (after the skips: it needs onnx)

TOLERANCE = 1e-5
BATCH_SIZES = (1, 7)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step", "exp")


def session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run_exported(net, path, X, **export_options):
    nerve.onnx.export(net, path, **export_options)
    return session(path).run(["output"], {"input": np.ascontiguousarray(X, dtype=np.float32)})[0]


def randomize(net, seed, scale=0.5):
    """Random weights and biases through set_layer, so no test depends on the library's initialisation."""
    rng = np.random.default_rng(seed)
    for index in range(net.layer_count):
        weights, biases = net.get_layer(index)
        if weights.size:
            net.set_layer(
                index,
                rng.normal(0, scale, weights.shape).astype(np.float32),
                rng.normal(0, scale, biases.shape).astype(np.float32),
            )
    return net


def assert_matches_predict(net, tmp_path, seed=0):
    """onnxruntime's outputs against net.predict for random batches of each size in BATCH_SIZES."""
    rng = np.random.default_rng(seed + 1000)
    path = tmp_path / "model.onnx"
    nerve.onnx.export(net, path)
    runner = session(path)
    for batch in BATCH_SIZES:
        X = rng.normal(0, 1, (batch, net.input_size)).astype(np.float32)
        expected = net.predict(X)
        got = runner.run(["output"], {"input": X})[0]
        assert got.shape == expected.shape == (batch, net.output_size)
        # 1e-5, relative beyond 1: exp layers give outputs in the hundreds, where float32's spacing is 1.5e-5.
        error = np.abs(got - expected) / np.maximum(1.0, np.abs(expected))
        assert error.max() <= TOLERANCE, f"batch {batch}: {error.max()}"


# -------------------------------------------------------------------------------------------------- layers

LAYER_CASES = {
    "dense": ((6,), [Dense(5, "tanh"), Dense(4, "sigmoid")]),
    "conv_valid": ((2, 7, 6), [Conv2D(3, 3, activation="linear")]),
    "conv_valid_strides": ((2, 9, 8), [Conv2D(3, (3, 2), stride=(2, 3), activation="linear")]),
    # 'same' with an even kernel pads 1 before and 2 after: ONNX must be given asymmetric pads.
    "conv_same_even_kernel": ((1, 6, 7), [Conv2D(2, 4, padding="same", activation="linear")]),
    "conv_same_strides": ((3, 9, 10), [Conv2D(4, (3, 5), stride=(2, 3), padding="same", activation="linear")]),
    "conv_same_kernel_larger_than_input": ((1, 3, 4), [Conv2D(2, 5, padding="same", activation="linear")]),
    # 5 × 5 under a 2 × 2 pool: the last row and column lie in no window.
    "max_pool_partial_windows_left_out": ((2, 5, 5), [MaxPool2D(2)]),
    "max_pool_overlapping": ((2, 7, 6), [MaxPool2D((3, 2), stride=(1, 2))]),
    "mean_pool_partial_windows_left_out": ((2, 5, 7), [MeanPool2D(2)]),
    "mean_pool_overlapping": ((1, 8, 7), [MeanPool2D(3, stride=2)]),
    "conv_pool_dense": ((1, 10, 10), [Conv2D(3, 3, activation="relu"), MaxPool2D(2), Dense(4, "softmax")]),
    # A dense layer's output read as a 1 × 1 image of `units` channels by a convolution.
    "dense_then_conv": ((2, 4, 4), [Dense(6, "tanh"), Conv2D(3, 1, activation="linear")]),
    "vector_input_conv": ((5,), [Conv2D(2, 1, activation="relu"), MeanPool2D(1)]),
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_layer_kind_matches_predict(case, tmp_path):
    input_shape, layers = LAYER_CASES[case]
    net = randomize(nerve.Network(input_shape=input_shape, layers=layers, cost="quadratic"), seed=len(case))
    assert_matches_predict(net, tmp_path)


def test_network_from_sizes_matches_predict(tmp_path):
    net = randomize(nerve.Network([8, 6, 5, 3], activations=["relu", "tanh", "softmax"]), seed=3)
    assert_matches_predict(net, tmp_path)


# ----------------------------------------------------------------------------------------------- activations


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_activation_matches_predict(activation, tmp_path):
    net = nerve.Network(input_shape=7, layers=[Dense(5, activation)], cost="quadratic")
    assert_matches_predict(randomize(net, seed=11), tmp_path)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_conv_activation_matches_predict(activation, tmp_path):
    # Softmax on a convolution normalises over all of a sample's channels and positions; a pooling layer after
    # it checks the values are laid out as images again.
    layers = [Conv2D(3, 3, padding="same", activation=activation), MaxPool2D(2), Dense(4, "linear")]
    net = nerve.Network(input_shape=(2, 6, 6), layers=layers, cost="quadratic")
    assert_matches_predict(randomize(net, seed=12), tmp_path)


def test_softmax_on_conv_output_sums_to_one_over_the_whole_sample(tmp_path):
    net = randomize(nerve.Network(input_shape=(1, 5, 5), layers=[Conv2D(3, 2, activation="softmax")]), seed=4)
    X = np.random.default_rng(5).normal(0, 1, (7, 25)).astype(np.float32)
    got = run_exported(net, tmp_path / "model.onnx", X)
    assert got.shape == (7, 3 * 4 * 4)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-6)


def test_step_and_leaky_relu_by_hand(tmp_path):
    # Zero weights: the outputs are the activations of the biases alone, worked out here.
    biases = np.array([-1.0, -0.0, 0.0, 2.5], dtype=np.float32)
    X = np.random.default_rng(6).normal(0, 1, (7, 3)).astype(np.float32)
    for activation, expected in (("step", [0, 1, 1, 1]), ("leaky_relu", [-0.01, 0, 0, 2.5])):
        net = nerve.Network(input_shape=3, layers=[Dense(4, activation)], cost="quadratic")
        net.set_layer(0, np.zeros((4, 3), dtype=np.float32), biases)
        got = run_exported(net, tmp_path / f"{activation}.onnx", X)
        np.testing.assert_allclose(got, np.tile(np.float32(expected), (7, 1)), rtol=0, atol=1e-7)


# ---------------------------------------------------------------------------------------------- the model


def test_model_declares_a_symbolic_batch_and_names_its_producer(tmp_path):
    net = nerve.Network(input_shape=(1, 6, 6), layers=[Conv2D(2, 3), Dense(3, "softmax")])
    nerve.onnx.export(net, tmp_path / "model.onnx")
    model = onnx.load(str(tmp_path / "model.onnx"))
    onnx.checker.check_model(model, full_check=True)
    assert (model.producer_name, model.producer_version) == ("nerve", nerve.__version__)
    assert model.opset_import[0].version == nerve.onnx.DEFAULT_OPSET
    (inputs,), (outputs,) = model.graph.input, model.graph.output
    assert inputs.name == "input" and outputs.name == "output"
    for value, size in ((inputs, 36), (outputs, 3)):
        batch, features = value.type.tensor_type.shape.dim
        assert (batch.dim_param, features.dim_value) == ("batch", size)
    assert value.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert isinstance(nerve.onnx.to_model(net), onnx.ModelProto)


def test_oldest_supported_opset_runs_alike(tmp_path):
    net = randomize(nerve.Network(input_shape=(2, 6, 6), layers=[Conv2D(2, 3, padding="same"), Dense(3, "softmax")]), 8)
    X = np.random.default_rng(9).normal(0, 1, (7, 72)).astype(np.float32)
    got = run_exported(net, tmp_path / "model.onnx", X, opset=nerve.onnx.MIN_OPSET)
    assert onnx.load(str(tmp_path / "model.onnx")).opset_import[0].version == 13
    assert np.abs(got - net.predict(X)).max() <= TOLERANCE


def test_empty_batch_runs(tmp_path):
    net = nerve.Network(input_shape=(1, 4, 4), layers=[Dense(3, "linear"), Conv2D(2, 1, activation="linear")])
    assert run_exported(net, tmp_path / "model.onnx", np.zeros((0, 16))).shape == (0, 2)


# ------------------------------------------------------------------------------------------- trained models


def assert_round_trip(net, X_test, tmp_path):
    expected = net.predict(X_test)
    got = run_exported(net, tmp_path / "model.onnx", X_test)
    assert got.shape == expected.shape == (10_000, 10)
    assert np.abs(got - expected).max() <= TOLERANCE
    ours, theirs = expected.argmax(axis=1), got.argmax(axis=1)
    differ = np.flatnonzero(ours != theirs)
    # Only an exact tie in Nerve's own outputs may pick a different class.
    assert np.all(expected[differ, ours[differ]] == expected[differ, theirs[differ]]), differ


def test_trained_dense_network_on_fashion_mnist(fashion, tmp_path):
    (X, y), (X_test, y_test) = fashion
    net = nerve.Network([784, 30, 10], activations=["sigmoid", "softmax"], seed=1)
    net.fit(X[:3000], y[:3000], epochs=1, batch_size=10, learning_rate=0.5)
    assert net.evaluate(X_test, y_test)["accuracy"] > 0.5  # trained, not the initial weights
    assert_round_trip(net, X_test, tmp_path)


def test_trained_cnn_on_fashion_mnist(fashion, tmp_path):
    (X, y), (X_test, y_test) = fashion
    layers = [Conv2D(8, 5, padding="same", activation="relu"), MaxPool2D(2), Dense(10, "softmax")]
    net = nerve.Network(input_shape=(1, 28, 28), layers=layers, seed=1)
    net.fit(X[:3000], y[:3000], epochs=1, batch_size=10, learning_rate=0.05)
    assert net.evaluate(X_test, y_test)["accuracy"] > 0.5
    assert_round_trip(net, X_test, tmp_path)


# ------------------------------------------------------------------------------------------------ failures


def small_network():
    return nerve.Network(input_shape=(1, 4, 4), layers=[Conv2D(2, 3), Dense(2, "softmax")])


def export_without_write_permission(net, path):
    """How export ends in a directory it may not write to: "refused" (a PermissionError naming the path),
    "written", or the unexpected error. Root may write anywhere, so as root the export runs in a child process
    that has given up root for the user nobody and reports through a pipe."""

    def attempt():
        try:
            nerve.onnx.export(net, path)
        except PermissionError as error:
            return "refused" if str(path) in str(error) else f"refused without naming the path: {error}"
        except OSError as error:
            return repr(error)
        return "written"

    if os.geteuid() != 0:
        path.parent.chmod(0o555)
        try:
            return attempt()
        finally:
            path.parent.chmod(0o755)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(write, attempt().encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        outcome = pipe.read().decode()
    os.waitpid(child, 0)
    return outcome


def test_unwritable_directory_leaves_the_old_file_intact():
    net = small_network()
    # Outside pytest's 0700 tmp_path, so that the unprivileged child can reach the directory but not write to it.
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "models"
        directory.mkdir()
        directory.chmod(0o755)
        Path(scratch).chmod(0o755)
        path = directory / "model.onnx"
        nerve.onnx.export(small_network(), path)
        old = path.read_bytes()
        assert export_without_write_permission(randomize(net, seed=1), path) == "refused"
        assert path.read_bytes() == old
        assert sorted(os.listdir(directory)) == ["model.onnx"]  # no temporary file left behind


def test_path_that_is_a_directory_is_refused(tmp_path):
    (tmp_path / "model.onnx").mkdir()
    (tmp_path / "model.onnx" / "keep").write_bytes(b"old")
    with pytest.raises(IsADirectoryError, match="model.onnx"):
        nerve.onnx.export(small_network(), tmp_path / "model.onnx")
    assert (tmp_path / "model.onnx" / "keep").read_bytes() == b"old"
    assert sorted(os.listdir(tmp_path)) == ["model.onnx"]


def test_export_replaces_the_file_with_a_new_files_permissions(tmp_path):
    (tmp_path / "reference").touch()  # created with mode 0666 less the umask, as open() creates files
    path = tmp_path / "model.onnx"
    path.write_bytes(b"old")
    nerve.onnx.export(small_network(), path)
    assert onnx.load(str(path)).producer_name == "nerve"
    assert path.stat().st_mode == (tmp_path / "reference").stat().st_mode
    assert sorted(os.listdir(tmp_path)) == ["model.onnx", "reference"]


@pytest.mark.parametrize("value", [None, "model.nerve", [784, 10], nerve.Dense(10)])
def test_non_network_is_a_type_error(value, tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"old")
    with pytest.raises(TypeError, match="nerve.Network"):
        nerve.onnx.export(value, path)
    assert path.read_bytes() == b"old"


def test_opset_out_of_range_or_not_an_int(tmp_path):
    net = small_network()
    with pytest.raises(ValueError, match="opset"):
        nerve.onnx.to_model(net, opset=12)
    with pytest.raises(ValueError, match="opset"):
        nerve.onnx.to_model(net, opset=onnx.defs.onnx_opset_version() + 1)
    with pytest.raises(TypeError, match="opset"):
        nerve.onnx.to_model(net, opset="17")


def test_missing_onnx_is_an_import_error_with_an_install_hint(repo):
    # sys.modules[name] = None is how Python itself marks a module as unimportable.
    code = "import sys; sys.modules['onnx'] = None; import nerve.onnx"
    environment = dict(os.environ, PYTHONPATH=str(repo / "bindings" / "python"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60)
    assert result.returncode != 0
    assert "ImportError" in result.stderr and "pip install onnx" in result.stderr
