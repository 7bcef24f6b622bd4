"""The IDX reader and Fashion-MNIST loader."""

import gzip
import struct

import numpy as np
import pytest

from nerve import datasets


def _idx(type_code, shape, payload):
    return bytes([0, 0, type_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + payload


def test_parse_idx_bytes_and_big_endian_values():
    array = datasets.parse_idx(_idx(0x08, (2, 3), bytes(range(6))))
    np.testing.assert_array_equal(array, [[0, 1, 2], [3, 4, 5]])
    array = datasets.parse_idx(_idx(0x0C, (2,), struct.pack(">2i", -7, 65536)))
    np.testing.assert_array_equal(array, [-7, 65536])
    assert array.dtype.isnative and array.flags.writeable
    array = datasets.parse_idx(_idx(0x0D, (1,), struct.pack(">f", 1.5)))
    assert array.tolist() == [1.5]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "magic"),
        (b"\x01\x00\x08\x01", "magic"),
        (b"\x00\x00\x07\x01", "magic"),
        (b"\x00\x00\x08\x02\x00\x00", "header"),
        (_idx(0x08, (2, 3), bytes(5)), "announces"),
        (_idx(0x08, (2, 3), bytes(7)), "announces"),
    ],
)
def test_parse_idx_refuses_bad_files(data, message):
    with pytest.raises(ValueError, match=message):
        datasets.parse_idx(data)


def test_read_plain_and_gzipped(tmp_path):
    data = _idx(0x08, (4,), bytes([9, 8, 7, 6]))
    (tmp_path / "plain").write_bytes(data)
    with gzip.open(tmp_path / "packed.gz", "wb") as file:
        file.write(data)
    assert datasets.read_idx(tmp_path / "plain").tolist() == [9, 8, 7, 6]
    assert datasets.read_idx(tmp_path / "packed.gz").tolist() == [9, 8, 7, 6]


def test_mnist_layout_directory(tmp_path):
    for prefix, n in (("train", 3), ("t10k", 2)):
        (tmp_path / f"{prefix}-images-idx3-ubyte").write_bytes(_idx(0x08, (n, 2, 2), bytes([255, 0, 51, 102] * n)))
        (tmp_path / f"{prefix}-labels-idx1-ubyte").write_bytes(_idx(0x08, (n,), bytes(range(n))))
    (X, y), (X_test, y_test) = datasets.load_mnist(tmp_path)
    assert X.shape == (3, 4) and X.dtype == np.float32 and y.dtype == np.int64
    np.testing.assert_allclose(X[0], [1.0, 0.0, 0.2, 0.4])
    assert y_test.tolist() == [0, 1]
    (X, _), _ = datasets.load_mnist(tmp_path, scale=False, flatten=False)
    assert X.shape == (3, 2, 2) and X.dtype == np.uint8
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(_idx(0x08, (5,), bytes(5)))
    with pytest.raises(ValueError, match="2 images but 5 labels"):
        datasets.load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError):
        datasets.load_mnist(tmp_path / "nowhere")


def test_fashion_mnist(fashion):
    (X, y), (X_test, y_test) = fashion
    assert X.shape == (60000, 784) and X_test.shape == (10000, 784)
    assert X.dtype == np.float32 and 0.0 <= X.min() and X.max() == 1.0
    # Fashion-MNIST is balanced: 6000 training and 1000 test images of each of the ten classes.
    assert np.bincount(y).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert len(datasets.FASHION_MNIST_CLASSES) == 10


def test_missing_fashion_mnist_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError) as raised:
        datasets.load_fashion_mnist(path=tmp_path / "nowhere")
    message = str(raised.value)
    assert "dataset-fashion-mnist" in message and "path=" in message and str(tmp_path / "nowhere") in message
    assert "load_digits" in message


def test_fashion_mnist_from_a_path(tmp_path):
    for prefix, n in (("train", 2), ("t10k", 1)):
        (tmp_path / f"{prefix}-images-idx3-ubyte").write_bytes(_idx(0x08, (n, 28, 28), bytes([255]) * (n * 784)))
        with gzip.open(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", "wb") as file:
            file.write(_idx(0x08, (n,), bytes([9] * n)))
    (X, y), (X_test, y_test) = datasets.load_fashion_mnist(path=tmp_path)
    assert X.shape == (2, 784) and X_test.shape == (1, 784) and (X == 1.0).all()
    assert y.tolist() == [9, 9] and y.dtype == np.int64
    with pytest.raises(TypeError, match="flatten must be True or False"):
        datasets.load_fashion_mnist(path=tmp_path, flatten="no")


def test_digits_as_images():
    pytest.importorskip("sklearn")
    (X, y), (X_test, y_test) = datasets.load_digits()
    # scikit-learn bundles 1797 digits; the last ⌈0.2·1797⌉ = 360 are held out.
    assert X.shape == (1437, 1, 8, 8) and X_test.shape == (360, 1, 8, 8)
    assert X.dtype == np.float32 and X.min() == 0.0 and X.max() == 1.0  # ink levels 0..16 over 16
    assert y.dtype == np.int64 and y.shape == (1437,) and sorted(set(y.tolist())) == list(range(10))
    # The first digit is a 0 whose top row is 0 0 5 13 9 1 0 0 in ink levels.
    assert y[0] == 0
    np.testing.assert_allclose(X[0, 0, 0], np.array([0, 0, 5, 13, 9, 1, 0, 0]) / 16)
    (flat, _), (flat_test, _) = datasets.load_digits(test_size=0.5, flatten=True)
    assert flat.shape == (898, 64) and flat_test.shape == (899, 64)  # ⌈898.5⌉ held out
    with pytest.raises(ValueError, match=r"test_size must be in \(0, 1\)"):
        datasets.load_digits(test_size=1.5)


def test_digits_train_a_small_network():
    pytest.importorskip("sklearn")
    import nerve

    (X, y), (X_test, y_test) = datasets.load_digits(flatten=True)
    net = nerve.Network([64, 32, 10], activations=["relu", "softmax"], seed=0)
    net.fit(X, y, epochs=10, batch_size=16, optimizer="adam", learning_rate=0.01)
    assert net.evaluate(X_test, y_test)["accuracy"] > 0.85
