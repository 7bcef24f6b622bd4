"""Fashion-MNIST with a convolutional network, trained with Adam.

The network has a 5×5 convolution with 32 filters and a 3×3 one with 64, each followed by 2×2 max pooling, then
128 ReLU units and a softmax layer: 225,546 parameters. Its biases start at 0 (the library's default; the
notes' N(0, 1) biases leave many ReLU filters off or saturated at the start). Adam trains it at a
learning rate of 0.001, then for the last three epochs at 0.0003 and 0.0001: the smaller steps are worth about a
point of test accuracy.

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

QUICK_SIZES = (2000, 1000)  # training and test images with --quick
RATES = (1e-3, 3e-4, 1e-4)  # the learning rate for all but the last 3 epochs, then for 2, then for 1


def build(seed, threads):
    net = nerve.Network(
        input_shape=(1, 28, 28),
        layers=[
            nerve.Conv2D(32, 5, activation="relu"),
            nerve.MaxPool2D(2),
            nerve.Conv2D(64, 3, activation="relu"),
            nerve.MaxPool2D(2),
            nerve.Dense(128, activation="relu"),
            nerve.Dense(10, activation="softmax"),
        ],
        cost="log_likelihood",
        seed=seed,
        threads=threads,
    )
    return net


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=nerve.datasets.FASHION_MNIST_DIR, help="directory of the IDX files")
    parser.add_argument("--epochs", type=int, default=7, help="epochs to train (default 7)")
    parser.add_argument("--batch-size", type=int, default=64, help="samples per mini-batch (default 64)")
    parser.add_argument(
        "--threads", type=int, default=2, help="threads Nerve may use (default 2; results do not depend on it)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"train on {QUICK_SIZES[0]} images for one epoch and test on {QUICK_SIZES[1]}",
    )
    args = parser.parse_args()

    # (n, 28, 28) float32 in [0, 1], given the channel axis the network's (1, 28, 28) input wants. Every
    # training image trains; the test images are touched once, at the end.
    (X_train, y_train), (X_test, y_test) = nerve.datasets.load_fashion_mnist(args.data, flatten=False)
    X_train, X_test = X_train[:, None], X_test[:, None]
    epochs = args.epochs
    if args.quick:
        X_train, y_train = X_train[: QUICK_SIZES[0]], y_train[: QUICK_SIZES[0]]
        X_test, y_test = X_test[: QUICK_SIZES[1]], y_test[: QUICK_SIZES[1]]
        epochs = 1

    net = build(args.seed, args.threads)
    print(net.summary())
    print(
        f"libnerve {nerve.library_version()} ({nerve.kernel()} kernels, {net.threads} thread{'s' if net.threads > 1 else ''}); "
        f"{len(X_train)} training and {len(X_test)} test images",
        flush=True,
    )

    # Epochs per learning rate: all but the last three at the first, then two and one.
    phases = [max(epochs - 3, 1), min(2, max(epochs - 1, 0)), min(1, max(epochs - 3, 0))]
    done = 0

    def report(epoch):
        print(
            f"epoch {done + epoch.epoch:2d}/{epochs}   rate {epoch.learning_rate:.4f}   "
            f"training accuracy {epoch.train_accuracy:.4f} (running)   {epoch.seconds:6.1f} s",
            flush=True,
        )

    started = time.perf_counter()
    for rate, count in zip(RATES, phases):
        if count == 0 or done >= epochs:
            continue
        count = min(count, epochs - done)
        net.fit(X_train, y_train, epochs=count, batch_size=args.batch_size, optimizer="adam", learning_rate=rate,
                callback=report)
        done += count
    seconds = time.perf_counter() - started
    accuracy = net.evaluate(X_test, y_test)["accuracy"]
    print(f"training time:  {seconds:.1f} s")
    print(f"test accuracy:  {accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
