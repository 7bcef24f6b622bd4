"""Many fits and big batch predictions with Dask: a grid search and a large prediction spread over worker processes.

(a) GridSearchCV over nerve.sklearn.MLPClassifier on scikit-learn's bundled digits (pixels scaled to [0, 1]), its
fits run by the workers of a local Dask cluster through joblib's "dask" backend, and the same search run
sequentially for comparison: both give the same best parameters and the same cross-validation scores, because a
fixed random_state makes Nerve's training bit-for-bit reproducible in any process.

(b) The best configuration, fitted on Fashion-MNIST, predicting 200,000 images (the test set tiled) as the blocks
of a Dask array: `map_blocks(net.predict)`. The digits network itself has 64 inputs and predicts 200,000 rows
in about a tenth of a second, too little work to spread out. The result is compared bit for bit with one local
call over the whole array: a sample's outputs do not depend on the batch it is in. Without Fashion-MNIST
(Debian's dataset-fashion-mnist package) random images stand in.

Every worker is a process with one thread, and every network in it uses one thread (n_jobs=1, Network.threads),
so two workers use two cores. n_jobs=1 matters: joblib runs the tasks of its dask backend inside that backend's
context, where n_jobs=None means as many threads as the whole cluster has cores, for every fit. The workers
inherit this process's environment, in which the script sets NERVE_LIBRARY to the library it loaded and puts
this package on PYTHONPATH.

    make build
    NERVE_LIBRARY=$PWD/build/lib/libnerve.so python3 bindings/python/examples/dask_scale_out.py
    python3 bindings/python/examples/dask_scale_out.py --quick     # 4 candidates, 40,000 rows

Needs dask and distributed (pip install dask distributed).
"""

import argparse
import logging
import os
import sys
import time
import warnings
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
try:
    import nerve
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(PACKAGE_DIR))
    import nerve
import nerve.sklearn

import dask
import dask.array as da
import joblib
import numpy as np
from dask.distributed import Client, LocalCluster, wait
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split

SEED = 0
CHUNK_ROWS = 20_000
FULL = dict(
    grid={
        "hidden_layer_sizes": [(32,), (64,), (128,)],
        "alpha": [1e-4, 1e-2],
        "learning_rate_init": [1e-3, 1e-2],
    },
    max_iter=100,
    rows=200_000,
    fashion_train=10_000,
    fashion_epochs=10,
)
QUICK = dict(
    grid={"hidden_layer_sizes": [(32,), (64,)], "learning_rate_init": [1e-3, 1e-2]},
    max_iter=20,
    rows=40_000,
    fashion_train=2_000,
    fashion_epochs=3,
)


def settings(quick):
    return QUICK if quick else FULL


def prepare_workers_environment():
    """Makes worker processes load the library and package this process uses: they inherit os.environ."""
    os.environ["NERVE_LIBRARY"] = nerve.library_path()
    package_parent = str(Path(nerve.__file__).resolve().parents[1])
    path = [entry for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]
    if package_parent not in path:
        os.environ["PYTHONPATH"] = os.pathsep.join([package_parent, *path])


def start_cluster(n_workers=2):
    """A LocalCluster of `n_workers` single-threaded processes, without dashboard or chatty logs, and its Client."""
    prepare_workers_environment()
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # Without a dashboard the scheduler still serves its HTTP endpoints (health, metrics), on port 8787 by
        # default: a free port on the loopback interface avoids the warning when another cluster holds 8787.
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )
    return cluster, Client(cluster)


def digits_split():
    """scikit-learn's 8×8 digits as float32 pixels in [0, 1], split 75/25 (stratified, fixed seed)."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)


def make_search(quick=False):
    """The grid search: MLPClassifier with a fixed random_state and one thread per fit, 3-fold CV."""
    config = settings(quick)
    estimator = nerve.sklearn.MLPClassifier(max_iter=config["max_iter"], random_state=SEED, n_jobs=1)
    return GridSearchCV(estimator, config["grid"], cv=3)


def run_search(X, y, backend=None, quick=False):
    """Fits a fresh grid search, with joblib's `backend` ("dask" needs a Client) or sequentially (None).

    Returns the fitted search and the seconds it took.
    """
    search = make_search(quick)
    started = time.perf_counter()
    with warnings.catch_warnings():
        # Short training runs: not converging within max_iter is expected here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if backend is None:
            search.fit(X, y)
        else:
            with joblib.parallel_backend(backend):
                search.fit(X, y)
    return search, time.perf_counter() - started


def same_search_results(first, second):
    """Whether two fitted searches agree on the best parameters and on every candidate's CV scores, exactly."""
    a, b = first.cv_results_, second.cv_results_
    return (
        first.best_params_ == second.best_params_
        and a["params"] == b["params"]
        and all(np.array_equal(a[key], b[key]) for key in ("mean_test_score", "std_test_score", "rank_test_score"))
    )


def big_array(rows, quick=False):
    """(X, X_train, y_train, source): X is `rows` Fashion-MNIST test images (the test set tiled), X_train and
    y_train a training subset, source says which; random images and labels stand in without the dataset."""
    config = settings(quick)
    try:
        (X_train, y_train), (X_test, _) = nerve.datasets.load_fashion_mnist()
        source = "Fashion-MNIST test images, tiled"
    except FileNotFoundError:
        rng = np.random.default_rng(SEED)
        X_train = rng.random((config["fashion_train"], 784), dtype=np.float32)
        y_train = rng.integers(0, 10, config["fashion_train"])
        X_test = rng.random((10_000, 784), dtype=np.float32)
        source = "random images (Fashion-MNIST not found)"
    repeats = -(-rows // len(X_test))
    X = np.ascontiguousarray(np.tile(X_test, (repeats, 1))[:rows])
    n = config["fashion_train"]
    return X, X_train[:n], y_train[:n], source


def fit_network(best_params, X_train, y_train, quick=False):
    """The best configuration fitted on (X_train, y_train); its network, set to one thread."""
    config = settings(quick)
    model = nerve.sklearn.MLPClassifier(
        max_iter=config["fashion_epochs"], random_state=SEED, n_jobs=1, **best_params
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    net = model.net_
    net.threads = 1
    return net


def send_to_workers(X, chunk_rows=CHUNK_ROWS):
    """X as a Dask array of row blocks, held in the workers' memory; the array and the seconds sending took.

    from_array puts the blocks into the task graph, which the Client ships to the cluster through the scheduler.
    On one machine that is a copy between processes, yet the first 600 MB into fresh workers take seconds,
    several times the prediction itself; client.scatter of the blocks goes straight to the workers and is
    quicker. Data too big for the client is best read by the workers themselves (dask.array.from_zarr,
    from_delayed over files, ...).
    """
    blocks = da.from_array(X, chunks=(chunk_rows, X.shape[1]))
    started = time.perf_counter()
    with dask.config.set({"distributed.admin.large-graph-warning-threshold": "2GB"}):
        blocks = blocks.persist()
        wait(blocks)
    return blocks, time.perf_counter() - started


def predict_on_cluster(net, blocks, repeat=1):
    """net.predict mapped over the row blocks of the Dask array `blocks`, on the current Client's workers.

    Returns the (n, outputs) float32 outputs gathered into this process and the seconds that took (the least of
    `repeat` runs).
    """
    outputs = blocks.map_blocks(
        net.predict,
        dtype=np.float32,
        chunks=(blocks.chunks[0], (net.output_size,)),
        meta=np.empty((0, net.output_size), dtype=np.float32),
    )
    return best_of(repeat, outputs.compute)


def predict_locally(net, X, threads=1, repeat=1):
    """net.predict over all of X in one call with `threads` threads; the outputs and the least seconds of
    `repeat` runs."""
    previous = net.threads
    net.threads = threads
    try:
        return best_of(repeat, net.predict, X)
    finally:
        net.threads = previous


def best_of(repeat, function, *args):
    """function(*args) and the least seconds it took in `repeat` calls."""
    best = np.inf
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - started)
    return result, best


def bit_identical(a, b):
    """Same shape, dtype and bytes: equal to the last bit (np.array_equal would let 0.0 == -0.0 pass)."""
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def report(label, seconds, samples=None, note=None):
    """One line of figures: seconds, samples/s when `samples` is given, and a note."""
    line = f"    {label:<34}{seconds:7.2f} s"
    if samples is not None:
        line += f"   {samples / seconds:10,.0f} samples/s"
    if note:
        line += f"   ({note})"
    print(line, flush=True)


def main(argv=None, client=None):
    """Runs (a) and (b) on `client`'s cluster, or on a 2-worker LocalCluster it starts and closes; returns
    whether the Dask results equal the sequential and local ones exactly."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer candidates, epochs and rows: a check in seconds")
    args = parser.parse_args(argv)
    config = settings(args.quick)
    started = time.perf_counter()

    cluster = None
    if client is None:
        cluster, client = start_cluster(n_workers=2)
    try:
        threads = client.nthreads()
        print(f"libnerve {nerve.library_version()} ({nerve.kernel()}); {len(threads)} worker processes with "
              f"{'/'.join(str(count) for count in threads.values())} thread(s) each; {os.cpu_count()} cores",
              flush=True)

        workers = f"dask, {len(threads)} workers"

        # (a) many fits: the grid search, sequentially and on the workers.
        X_train, X_test, y_train, y_test = digits_split()
        candidates = len(ParameterGrid(config["grid"]))
        print(f"\n(a) GridSearchCV: {candidates} candidates x 3 folds on {len(X_train)} digits "
              f"({X_train.shape[1]} pixels), max_iter={config['max_iter']}", flush=True)
        sequential, sequential_seconds = run_search(X_train, y_train, backend=None, quick=args.quick)
        report("sequential", sequential_seconds)
        spread, dask_seconds = run_search(X_train, y_train, backend="dask", quick=args.quick)
        report(workers, dask_seconds, note=f"{sequential_seconds / dask_seconds:.2f}x")
        same = same_search_results(sequential, spread)
        print(f"    best params {spread.best_params_}, CV accuracy {spread.best_score_:.4f}")
        print(f"    held-out accuracy {spread.score(X_test, y_test):.4f}")
        print(f"    same best params and CV scores as the sequential search: {same}", flush=True)

        # (b) big predictions: the best configuration on image-sized inputs, mapped over a Dask array.
        X, X_fit, y_fit, source = big_array(config["rows"], args.quick)
        net = fit_network(spread.best_params_, X_fit, y_fit, args.quick)
        n = X.shape[0]
        print(f"\n(b) predictions of a {'-'.join(map(str, net.sizes))} network ({net.parameter_count} parameters, "
              f"trained on {len(X_fit)} images)")
        print(f"    over {n} x {X.shape[1]} {source}, blocks of {CHUNK_ROWS} rows", flush=True)
        local, local_seconds = predict_locally(net, X, threads=1, repeat=3)
        report("local, 1 thread", local_seconds, n)
        local2, local2_seconds = predict_locally(net, X, threads=2, repeat=3)
        report("local, 2 threads", local2_seconds, n)
        blocks, send_seconds = send_to_workers(X)
        mapped, mapped_seconds = predict_on_cluster(net, blocks, repeat=3)
        report(workers, mapped_seconds, n, note="blocks already on the workers")
        report(f"{workers}, sending X too", send_seconds + mapped_seconds, n,
               note=f"{X.nbytes / 2**20:.0f} MiB sent in {send_seconds:.2f} s")
        identical = bit_identical(mapped, local) and bit_identical(local2, local)
        print(f"    dask outputs bit-identical to the local ones: {identical}", flush=True)
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
    print(f"\ntotal {time.perf_counter() - started:.1f} s")
    return same and identical


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
