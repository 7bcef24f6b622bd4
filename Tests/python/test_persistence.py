"""Model files, byte buffers, pickling and copies."""

import copy
import pickle

import numpy as np
import pytest

import nerve

X = np.random.default_rng(5).normal(size=(30, 6)).astype(np.float32)
LABELS = np.arange(30) % 3


@pytest.fixture
def trained():
    net = nerve.Network([6, 8, 3], activations=["leaky_relu", "softmax"], seed=4)
    net.fit(X, LABELS, epochs=5, batch_size=5)
    return net


def _same_network(a, b):
    assert a.sizes == b.sizes and a.activations == b.activations and a.cost == b.cost
    for layer in range(a.layer_count):
        for mine, theirs in zip(a.get_layer(layer), b.get_layer(layer)):
            np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_save_and_load(tmp_path, trained):
    path = tmp_path / "model.nerve"
    trained.save(path)
    assert path.read_bytes()[:8] == b"NERVEnet"
    _same_network(nerve.load(path), trained)
    _same_network(nerve.load(str(path)), trained)


def test_poisson_network_round_trip(tmp_path):
    net = nerve.Network([6, 5, 2], activations=["tanh", "exp"], seed=2)
    net.fit(X, np.random.default_rng(6).poisson(2.0, (30, 2)).astype(np.float32), epochs=3, learning_rate=0.01)
    net.save(tmp_path / "counts.nerve")
    loaded = nerve.load(tmp_path / "counts.nerve")
    assert loaded.activations == ["tanh", "exp"] and loaded.cost == "poisson"
    _same_network(loaded, net)


def test_bytes_round_trip_and_file_content_agree(tmp_path, trained):
    data = trained.to_bytes()
    trained.save(tmp_path / "m")
    assert (tmp_path / "m").read_bytes() == data
    _same_network(nerve.Network.from_bytes(data), trained)
    _same_network(nerve.Network.from_bytes(bytearray(data)), trained)
    _same_network(nerve.Network.from_bytes(memoryview(data)), trained)


def test_pickle_round_trip_keeps_predictions_and_history(trained):
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        twin = pickle.loads(pickle.dumps(trained, protocol=protocol))
        _same_network(twin, trained)
        np.testing.assert_equal(dict(twin.history), dict(trained.history))  # NaN-aware
        assert len(twin.history) == 5
    untrained = nerve.Network([2, 2], seed=1)
    assert pickle.loads(pickle.dumps(untrained)).history is None


def test_pickle_and_copies_keep_the_thread_count(tmp_path, trained):
    trained.threads = 3
    for twin in [pickle.loads(pickle.dumps(trained)), copy.copy(trained), copy.deepcopy(trained)]:
        assert twin.threads == 3
        twin.threads = 2
        assert trained.threads == 3
    # The model file holds no thread count: a network read from it starts with 1.
    trained.save(tmp_path / "m")
    assert nerve.load(tmp_path / "m").threads == 1
    assert nerve.Network.from_bytes(trained.to_bytes()).threads == 1


def test_state_pickled_before_threads_existed_loads_with_one(trained):
    state = trained.__getstate__()
    del state["threads"]
    twin = nerve.Network.__new__(nerve.Network)
    twin.__setstate__(state)
    assert twin.threads == 1
    _same_network(twin, trained)


def test_copies_are_independent(trained):
    for twin in (copy.copy(trained), copy.deepcopy(trained)):
        _same_network(twin, trained)
        twin.fit(X, LABELS, epochs=1)
        assert not np.array_equal(twin.predict(X), trained.predict(X))


def test_loading_garbage_is_a_format_error(trained):
    data = trained.to_bytes()
    corrupted = bytearray(data)
    corrupted[len(data) // 2] ^= 0xFF
    for bad in (b"", b"NERVEnet", data[:-1], bytes(corrupted), b"x" * 100):
        with pytest.raises(nerve.NerveError) as caught:
            nerve.Network.from_bytes(bad)
        assert isinstance(caught.value, (nerve.NerveFormatError, nerve.NerveSizeError)), caught.value
        assert caught.value.message
    with pytest.raises(TypeError):
        nerve.Network.from_bytes("not bytes")


def test_io_errors(tmp_path, trained):
    with pytest.raises(nerve.NerveIOError) as caught:
        nerve.load(tmp_path / "missing.nerve")
    assert isinstance(caught.value, OSError)
    with pytest.raises(nerve.NerveIOError):
        trained.save(tmp_path / "no" / "such" / "dir" / "m.nerve")
    (tmp_path / "junk").write_bytes(b"\x00" * 64)
    with pytest.raises(nerve.NerveFormatError):
        nerve.load(tmp_path / "junk")


def test_failed_save_keeps_previous_file(tmp_path, trained):
    # A file-size limit below the model's size makes the write fail (even for root, with SIGXFSZ ignored):
    # the save must raise and leave the existing file, and nothing else, in the directory.
    import resource
    import signal

    path = tmp_path / "model.nerve"
    before = trained.to_bytes()
    path.write_bytes(before)
    bigger = nerve.Network([200, 200], seed=1)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    previous_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, previous_limit[1]))
    try:
        with pytest.raises(nerve.NerveIOError):
            bigger.save(path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous_limit)
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
