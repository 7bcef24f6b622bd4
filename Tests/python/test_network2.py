"""Reading and writing network2.py's JSON model files."""

import io
import json

import numpy as np
import pytest

import nerve

MODEL = {
    "sizes": [3, 2, 2],
    "weights": [[[0.1, 0.2, 0.3], [-0.4, 0.5, -0.6]], [[1.0, -1.0], [0.5, 0.25]]],
    "biases": [[[0.01], [-0.02]], [[0.3], [-0.3]]],
    "cost": "QuadraticCost",
}


def test_load_from_path_and_file(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(MODEL))
    for net in (nerve.load_network2(path), nerve.network2.load(str(path)), nerve.network2.load(io.StringIO(path.read_text()))):
        assert net.sizes == [3, 2, 2] and net.cost == "quadratic" and net.activations == ["sigmoid", "sigmoid"]
        weights, biases = net.get_layer(1)
        np.testing.assert_array_equal(weights, np.array(MODEL["weights"][1], dtype=np.float32))
        np.testing.assert_array_equal(biases, np.array([0.3, -0.3], dtype=np.float32))


def test_round_trip(tmp_path):
    net = nerve.Network([4, 3, 2], activations="sigmoid", cost="cross_entropy", seed=6)
    path = tmp_path / "out.json"
    nerve.network2.save(net, path)
    written = json.loads(path.read_text())
    assert written["sizes"] == [4, 3, 2] and written["cost"] == "CrossEntropyCost"
    assert np.array(written["biases"][0]).shape == (3, 1)  # network2 keeps biases as columns
    again = nerve.network2.load(path)
    X = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_array_equal(again.predict(X), net.predict(X))
    assert nerve.network2.loads(nerve.network2.dumps(net)).sizes == [4, 3, 2]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"cost": "HingeCost"}, "unknown network2 cost"),
        ({"sizes": [3, 2]}, "need 1 weight"),
        ({"sizes": [3, 2, "2"]}, "integers"),
        ({"weights": [[[0.1, 0.2], [0.3, 0.4]], MODEL["weights"][1]]}, "shape"),
        ({"biases": [[[0.0]], MODEL["biases"][1]]}, "shape"),
        ({"weights": [[[0.1, "x", 0.3], [0, 0, 0]], MODEL["weights"][1]]}, "numbers"),
        ({"weights": [[[0.1, float("nan"), 0.3], [0, 0, 0]], MODEL["weights"][1]]}, "NaN"),
    ],
)
def test_malformed_models(change, message):
    with pytest.raises(ValueError, match=message):
        nerve.network2.from_dict(dict(MODEL, **change))


def test_missing_keys_and_wrong_type():
    with pytest.raises(ValueError, match="lacks cost"):
        nerve.network2.from_dict({k: v for k, v in MODEL.items() if k != "cost"})
    with pytest.raises(TypeError):
        nerve.network2.loads("[1, 2]")
    with pytest.raises(json.JSONDecodeError):
        nerve.network2.loads("{")


def test_only_sigmoid_networks_export():
    with pytest.raises(ValueError, match="sigmoid"):
        nerve.network2.to_dict(nerve.Network([2, 2], activations="softmax"))
    with pytest.raises(ValueError, match="sigmoid"):
        nerve.network2.to_dict(nerve.Network([2, 3, 2], activations=["relu", "sigmoid"]))
