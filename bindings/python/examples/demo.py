"""Fashion-MNIST from Python: a 784-256-128-10 ReLU/softmax network trained with Adam.

Reads the gzipped IDX files of Debian's dataset-fashion-mnist package directly, trains, and prints the test
accuracy and the training time. Run from a checkout with `make demo`, or `python3 examples/demo.py` once the
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

TARGET_ACCURACY = 0.890
TIME_LIMIT_SECONDS = 30.0


def standardized(X_train, X_test):
    """Each pixel scaled to zero mean and unit spread over the training set (0.1 keeps blank borders tame)."""
    mean, spread = X_train.mean(axis=0), X_train.std(axis=0) + 0.1
    return (X_train - mean) / spread, (X_test - mean) / spread


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=nerve.datasets.FASHION_MNIST_DIR, help="directory of the IDX files")
    parser.add_argument("--epochs", type=int, default=15, help="at most this many epochs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="threads Nerve may use (results do not depend on it)")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch lines")
    args = parser.parse_args()

    (X_train, y_train), (X_test, y_test) = nerve.datasets.load_fashion_mnist(args.data)
    X_train, X_test = standardized(X_train, X_test)
    # The last 5000 training images steer the learning-rate schedule and early stopping; the test set is
    # touched only once, at the end.
    X_fit, y_fit = X_train[:-5000], y_train[:-5000]
    X_val, y_val = X_train[-5000:], y_train[-5000:]

    net = nerve.Network([784, 256, 128, 10], activations=["relu", "softmax"], seed=args.seed, threads=args.threads)
    print(f"{net} — libnerve {nerve.library_version()} ({nerve.kernel()} kernels, {net.threads} threads), "
          f"{len(X_fit)} training images")
    started = time.perf_counter()
    history = net.fit(
        X_fit,
        y_fit,
        epochs=args.epochs,
        batch_size=128,
        optimizer="adam",
        learning_rate=0.001,
        validation_data=(X_val, y_val),
        lr_decay=4.0,  # divide the rate by 4 as soon as the validation cost stops improving
        lr_patience=1,
        early_stopping=3,  # then stop after 3 epochs without improvement, keeping the best weights
        lr_min=5e-6,  # or once it has been divided four times
        monitor="none",
        progress=False if args.quiet else "plain",
    )
    seconds = time.perf_counter() - started
    accuracy = net.evaluate(X_test, y_test)["accuracy"]

    print(f"epochs trained:  {len(history)}")
    print(f"test accuracy:   {accuracy:.4f}   (target >= {TARGET_ACCURACY:.3f})")
    print(f"training time:   {seconds:.1f} s   (target <= {TIME_LIMIT_SECONDS:.0f} s)")
    if accuracy < TARGET_ACCURACY or seconds > TIME_LIMIT_SECONDS:
        print("target missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
