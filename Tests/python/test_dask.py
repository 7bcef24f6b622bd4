"""Grid searches and predictions on a local Dask cluster, through bindings/python/examples/dask_scale_out.py.

A fixed random_state makes nerve.sklearn's training bit-for-bit reproducible in any process, so a grid search
whose fits run on Dask workers must find exactly what the sequential one finds, and predictions mapped over the
blocks of a Dask array must equal one local call to the last bit.
"""

import os
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="nerve.sklearn needs scikit-learn")
pytest.importorskip("dask.array", reason="dask is not installed (pip install dask distributed)")
pytest.importorskip("dask.distributed", reason="dask.distributed is not installed (pip install distributed)")

import joblib  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import cross_validate  # noqa: E402

from conftest import PACKAGE_DIR  # noqa: E402

sys.path.insert(0, str(PACKAGE_DIR / "examples"))
import dask_scale_out as example  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes, as the example starts them (it sets NERVE_LIBRARY and PYTHONPATH
    for them; both are restored afterwards)."""
    saved = {name: os.environ.get(name) for name in ("NERVE_LIBRARY", "PYTHONPATH")}
    cluster, client = example.start_cluster(n_workers=2)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="module")
def digits():
    return example.digits_split()


def parameters(model):
    return [array.copy() for array in model.net_.weights + model.net_.biases]


def same_parameters(a, b):
    mine, theirs = parameters(a), parameters(b)
    return len(mine) == len(theirs) and all(example.bit_identical(x, y) for x, y in zip(mine, theirs))


def test_a_fixed_random_state_gives_the_same_network_twice(digits):
    X_train, X_test, y_train, _ = digits
    estimator = example.make_search(quick=True).estimator
    assert estimator.random_state is not None
    first, second = clone(estimator).fit(X_train, y_train), clone(estimator).fit(X_train, y_train)
    assert first.n_iter_ == second.n_iter_ and first.loss_curve_ == second.loss_curve_
    assert same_parameters(first, second)
    assert example.bit_identical(first.predict_proba(X_test), second.predict_proba(X_test))


def test_fits_on_workers_match_local_fits_and_use_one_thread(client, digits):
    X_train, X_test, y_train, _ = digits
    assert set(client.nthreads().values()) == {1}
    estimator = example.make_search(quick=True).estimator
    local = clone(estimator).fit(X_train, y_train)

    # A fit run on a worker and pickled back.
    remote = client.submit(clone(estimator).fit, X_train, y_train, pure=False).result()
    assert remote.net_.threads == 1
    assert same_parameters(remote, local)
    assert example.bit_identical(remote.predict_proba(X_test), local.predict_proba(X_test))

    # Fits run by joblib's dask backend, as GridSearchCV's are: n_jobs=1 keeps each to one thread.
    with joblib.parallel_backend("dask"):
        folds = cross_validate(estimator, X_train, y_train, cv=3, return_estimator=True)
    assert all(model.net_.threads == 1 for model in folds["estimator"])
    sequential = cross_validate(estimator, X_train, y_train, cv=3, return_estimator=True)
    assert np.array_equal(folds["test_score"], sequential["test_score"])
    assert all(same_parameters(a, b) for a, b in zip(folds["estimator"], sequential["estimator"]))


def test_grid_search_under_dask_equals_the_sequential_search(client, digits):
    X_train, X_test, y_train, y_test = digits
    sequential, _ = example.run_search(X_train, y_train, backend=None, quick=True)
    spread, _ = example.run_search(X_train, y_train, backend="dask", quick=True)
    assert len(spread.cv_results_["params"]) >= 4
    assert spread.best_params_ == sequential.best_params_
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        assert np.array_equal(spread.cv_results_[key], sequential.cv_results_[key]), key
    assert example.same_search_results(sequential, spread)
    # The refitted best models are the same network too.
    assert same_parameters(spread.best_estimator_, sequential.best_estimator_)
    assert spread.score(X_test, y_test) == sequential.score(X_test, y_test)


@pytest.fixture(scope="module")
def images():
    """40,000 image rows and a small network fitted on image-sized inputs, as in the example's --quick run."""
    X, X_fit, y_fit, _ = example.big_array(40_000, quick=True)
    net = example.fit_network({"hidden_layer_sizes": (32,)}, X_fit, y_fit, quick=True)
    return X, net


@pytest.mark.parametrize("chunk_rows", [example.CHUNK_ROWS, 7001])
def test_predictions_mapped_over_a_dask_array_are_bit_identical(client, images, chunk_rows):
    X, net = images
    assert net.threads == 1
    local, _ = example.predict_locally(net, X)
    blocks, _ = example.send_to_workers(X, chunk_rows=chunk_rows)
    assert len(blocks.chunks[0]) > 1
    mapped, _ = example.predict_on_cluster(net, blocks)
    assert mapped.shape == (len(X), net.output_size) and mapped.dtype == np.float32
    assert example.bit_identical(mapped, local)
    threads, _ = example.predict_locally(net, X, threads=2)
    assert example.bit_identical(threads, local)


def test_the_example_runs(client, capsys):
    assert example.main(["--quick"], client=client)
    printed = capsys.readouterr().out
    assert "same best params and CV scores as the sequential search: True" in printed
    assert "dask outputs bit-identical to the local ones: True" in printed


def test_random_images_stand_in_without_fashion_mnist(monkeypatch, tmp_path):
    monkeypatch.setattr(example.nerve.datasets, "FASHION_MNIST_DIR", str(tmp_path))
    X, X_fit, y_fit, source = example.big_array(25_000, quick=True)
    assert "random" in source
    assert X.shape == (25_000, 784) and X.dtype == np.float32 and X.flags.c_contiguous
    assert len(X_fit) == len(y_fit) == example.QUICK["fashion_train"] and X_fit.shape[1] == 784
