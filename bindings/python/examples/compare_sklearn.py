"""The same network and options through Nerve and through scikit-learn's MLPClassifier, on Fashion-MNIST.

Both get standardized pixels and the same estimator parameters: a 784-256-128-10 ReLU network, softmax output,
Adam at 0.001, mini-batches of 128, no L2 penalty, a fixed number of epochs (no early stopping, no plateau
stop). The script prints test accuracy and training seconds for each. Both compute in float32 (scikit-learn
keeps float32 input in float32); they differ in initialisation, in the matrix kernels and in everything around
them. scikit-learn's matrix products use NumPy's BLAS threads; Nerve uses --threads (n_jobs), 1 by default.
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

try:
    import nerve
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import nerve

import sklearn.neural_network
from sklearn.exceptions import ConvergenceWarning

import nerve.sklearn


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="threads Nerve may use (results do not depend on it)")
    parser.add_argument("--data", default=nerve.datasets.FASHION_MNIST_DIR)
    args = parser.parse_args()

    (X_train, y_train), (X_test, y_test) = nerve.datasets.load_fashion_mnist(args.data)
    mean, spread = X_train.mean(axis=0), X_train.std(axis=0) + 0.1
    X_train, X_test = (X_train - mean) / spread, (X_test - mean) / spread

    params = dict(
        hidden_layer_sizes=(256, 128),
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=128,
        learning_rate_init=0.001,
        max_iter=args.epochs,
        tol=0.0,
        n_iter_no_change=args.epochs,  # never stop before max_iter
        shuffle=True,
        random_state=0,
    )
    print(f"{len(X_train)} training images, {args.epochs} epochs, {params}")
    for name, estimator in (
        ("nerve.sklearn.MLPClassifier  ", nerve.sklearn.MLPClassifier(n_jobs=args.threads, **params)),
        ("sklearn MLPClassifier        ", sklearn.neural_network.MLPClassifier(**params)),
    ):
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            estimator.fit(X_train, y_train)
        seconds = time.perf_counter() - started
        accuracy = estimator.score(X_test, y_test)
        print(f"{name} test accuracy {accuracy:.4f}   training {seconds:6.1f} s   epochs {estimator.n_iter_}",
              flush=True)


if __name__ == "__main__":
    main()
