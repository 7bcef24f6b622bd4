"""Fashion-MNIST with a convolutional network, trained with Adam.

The network has two stages of 5×5 convolution and 2×2 max pooling (32 and 64 filters), then 128 ReLU units and
a softmax layer: 454,922 parameters.

Reads the IDX files of Debian's dataset-fashion-mnist package (or those `make data` unpacks into build/data, with
--data build/data), trains, and prints each epoch's accuracy and time and the final test accuracy. --quick trains
on a small subset, a check that everything works in seconds. Run from a checkout with
`python3 bindings/python/examples/fashion_mnist_cnn.py`, or `python3 examples/fashion_mnist_cnn.py` once the
package is installed.
"""

import argparse
import sys
import time
from pathlib import Path

try:
    import nerve
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import nerve

VALIDATION_SIZE = 5000
QUICK_SIZES = (2000, 500, 1000)  # training, validation and test images with --quick


def build(seed, threads):
    return nerve.Network(
        input_shape=(1, 28, 28),
        layers=[
            nerve.Conv2D(32, 5, padding="same", activation="relu"),
            nerve.MaxPool2D(2),
            nerve.Conv2D(64, 5, padding="same", activation="relu"),
            nerve.MaxPool2D(2),
            nerve.Dense(128, activation="relu"),
            nerve.Dense(10, activation="softmax"),
        ],
        cost="log_likelihood",
        seed=seed,
        threads=threads,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=nerve.datasets.FASHION_MNIST_DIR, help="directory of the IDX files")
    parser.add_argument("--epochs", type=int, default=3, help="epochs to train (default 3)")
    parser.add_argument("--batch-size", type=int, default=64, help="samples per mini-batch (default 64)")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="Adam's step size (default 0.001)")
    parser.add_argument(
        "--threads", type=int, default=2, help="threads Nerve may use (default 2; results do not depend on it)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"train on {QUICK_SIZES[0]} images for at most 2 epochs, validate on {QUICK_SIZES[1]}, "
        f"test on {QUICK_SIZES[2]}",
    )
    args = parser.parse_args()

    # (n, 28, 28) float32 in [0, 1], given the channel axis the network's (1, 28, 28) input wants.
    (X_train, y_train), (X_test, y_test) = nerve.datasets.load_fashion_mnist(args.data, flatten=False)
    X_train, X_test = X_train[:, None], X_test[:, None]
    # The last training images measure each epoch; the test set is touched only once, at the end.
    X_fit, y_fit = X_train[:-VALIDATION_SIZE], y_train[:-VALIDATION_SIZE]
    X_val, y_val = X_train[-VALIDATION_SIZE:], y_train[-VALIDATION_SIZE:]
    epochs = args.epochs
    if args.quick:
        fit_size, validation_size, test_size = QUICK_SIZES
        X_fit, y_fit = X_fit[:fit_size], y_fit[:fit_size]
        X_val, y_val = X_val[:validation_size], y_val[:validation_size]
        X_test, y_test = X_test[:test_size], y_test[:test_size]
        epochs = min(epochs, 2)

    net = build(args.seed, args.threads)
    print(net.summary())
    print(
        f"libnerve {nerve.library_version()} ({nerve.kernel()} kernels, {net.threads} thread{'s' if net.threads > 1 else ''}); "
        f"{len(X_fit)} training, {len(X_val)} validation and {len(X_test)} test images",
        flush=True,
    )

    def report(epoch):
        print(
            f"epoch {epoch.epoch:2d}/{epochs}   training accuracy {epoch.train_accuracy:.4f} (running)   "
            f"validation accuracy {epoch.eval_accuracy:.4f}   {epoch.seconds:6.1f} s",
            flush=True,
        )

    started = time.perf_counter()
    net.fit(
        X_fit,
        y_fit,
        epochs=epochs,
        batch_size=args.batch_size,
        optimizer="adam",
        learning_rate=args.learning_rate,
        validation_data=(X_val, y_val),
        callback=report,
    )
    seconds = time.perf_counter() - started
    accuracy = net.evaluate(X_test, y_test)["accuracy"]
    print(f"training time:  {seconds:.1f} s")
    print(f"test accuracy:  {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
