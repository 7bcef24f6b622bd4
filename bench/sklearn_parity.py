"""nerve.sklearn beside scikit-learn, both on their default settings: 5-fold cross-validation on scikit-learn's
small data sets, five seeds each, and whether Nerve keeps up.

Classifiers (iris, wine, breast_cancer, digits) run in a StandardScaler pipeline and are scored by accuracy; the
regressor (diabetes, its target scaled to zero mean and unit variance) by R². Seed s is the estimator's
random_state and the folds' shuffle, the same for both libraries. Per data set: the mean over seeds of the
cross-validated score, its standard deviation across seeds, and the mean fit time of one fold. "meets" is
mean ≥ scikit-learn's − 0.005 and std ≤ scikit-learn's + 0.01. Both run on one thread (Nerve's default;
scikit-learn's BLAS limited with threadpoolctl when it is installed).

    python3 sklearn_parity.py [--seeds 5] [--out FILE]     (make sklearn-parity; also part of make run)

With --out, the table replaces its own section of FILE (or is appended to it).
"""

import argparse
import contextlib
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bindings", "python"))

import sklearn  # noqa: E402
import sklearn.neural_network  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import nerve.sklearn  # noqa: E402

DATA_SETS = [
    ("iris", load_iris, "classifier"),
    ("wine", load_wine, "classifier"),
    ("breast_cancer", load_breast_cancer, "classifier"),
    ("digits", load_digits, "classifier"),
    ("diabetes", load_diabetes, "regressor"),
]
LIBRARIES = [("Nerve", nerve.sklearn), ("scikit-learn", sklearn.neural_network)]
MEAN_MARGIN, STD_MARGIN = 0.005, 0.01
HEADING = "## nerve.sklearn beside scikit-learn"


def one_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1)


def evaluate(module, kind, X, y, seed):
    """Mean cross-validated score and mean fit time of one fold, with the library's default estimator."""
    if kind == "classifier":
        model = make_pipeline(StandardScaler(), module.MLPClassifier(random_state=seed))
        folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    else:
        model = make_pipeline(StandardScaler(), module.MLPRegressor(random_state=seed))
        folds = KFold(5, shuffle=True, random_state=seed)
    result = cross_validate(model, X, y, cv=folds, error_score="raise")
    return float(np.mean(result["test_score"])), float(np.mean(result["fit_time"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5, help="random_state 0 .. seeds-1")
    parser.add_argument("--out", help="also write the table into this Markdown file (its section replaced)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # max_iter's ConvergenceWarning, expected with the defaults

    lines = [
        f"{HEADING} {sklearn.__version__}: default settings, 5-fold CV, "
        f"{args.seeds} seeds",
        "",
        "| data set | metric | Nerve mean | Nerve std | Nerve fit s | sklearn mean | sklearn std | sklearn fit s "
        "| meets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    print("\n".join(lines), flush=True)
    missed = 0
    started = time.perf_counter()
    with one_thread():
        for name, load, kind in DATA_SETS:
            X, y = load(return_X_y=True)
            if kind == "regressor":
                y = (y - y.mean()) / y.std()
            figures = {}
            for library, module in LIBRARIES:
                runs = [evaluate(module, kind, X, y, seed) for seed in range(args.seeds)]
                scores, times = np.array(runs).T
                figures[library] = (scores.mean(), scores.std(), times.mean())
            ours, theirs = figures["Nerve"], figures["scikit-learn"]
            meets = ours[0] >= theirs[0] - MEAN_MARGIN and ours[1] <= theirs[1] + STD_MARGIN
            missed += not meets
            line = (
                f"| {name} | {'accuracy' if kind == 'classifier' else 'R²'} | {ours[0]:.4f} | {ours[1]:.4f} | "
                f"{ours[2]:.3f} | {theirs[0]:.4f} | {theirs[1]:.4f} | {theirs[2]:.3f} | {'yes' if meets else 'NO'} |"
            )
            lines.append(line)
            print(line, flush=True)
    seconds = time.perf_counter() - started
    footer = f"\n{len(DATA_SETS) - missed} of {len(DATA_SETS)} data sets meet the bar ({seconds:.0f} s)."
    lines.append(footer)
    print(footer)
    if args.out:
        write_section(args.out, "\n".join(lines) + "\n")
    return 0


def write_section(path, section):
    """Replaces this bench's section of the Markdown file (from its heading to the next), or appends it."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    start = text.find(HEADING)
    if start < 0:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + (text[end:] if end >= 0 else "")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    sys.exit(main())
