"""nerve.sklearn with solver="lbfgs": scipy's L-BFGS-B on Nerve's cost and gradient, against scikit-learn's own
lbfgs MLPs on its bundled data sets, and the attributes and warnings scikit-learn gives."""

import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

import sklearn.neural_network  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from nerve.sklearn import MLPClassifier, MLPRegressor  # noqa: E402


def split(load, classify):
    """A held-out quarter, features standardised on the training part (and targets too, for regression)."""
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y if classify else None
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if not classify:
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = (y_train - mean) / std, (y_test - mean) / std
    return X_train, X_test, y_train, y_test


# Measured over random_state 0..4 (test accuracy or R², mean [min, max]):
#   iris           Nerve 0.968 [0.947, 1.000]   scikit-learn 0.974 [0.947, 1.000]   (38 test samples)
#   breast cancer  Nerve 0.954 [0.944, 0.958]   scikit-learn 0.958 [0.951, 0.965]   (143)
#   digits         Nerve 0.962 [0.958, 0.973]   scikit-learn 0.952 [0.936, 0.967]   (450)
#   diabetes (R²)  Nerve 0.363 [0.357, 0.368]   scikit-learn 0.366 [0.358, 0.368]   (111)
# The margins allow about two test samples of the classifiers, and 0.03 of R².
CASES = {
    "iris": (load_iris, dict(hidden_layer_sizes=(10,), activation="tanh", alpha=1e-4), 0.92, 0.06),
    "breast cancer": (load_breast_cancer, dict(hidden_layer_sizes=(16,), activation="relu", alpha=1e-3), 0.93, 0.02),
    "digits": (load_digits, dict(hidden_layer_sizes=(32,), activation="logistic", alpha=1e-3), 0.93, 0.01),
}


@pytest.mark.parametrize("name", CASES)
def test_classifier_scores_as_scikit_learns_lbfgs(name):
    load, params, floor, margin = CASES[name]
    X_train, X_test, y_train, y_test = split(load, classify=True)
    ours, theirs = [], []
    for seed in (0, 1):
        model = MLPClassifier(solver="lbfgs", random_state=seed, **params).fit(X_train, y_train)
        reference = sklearn.neural_network.MLPClassifier(solver="lbfgs", random_state=seed, **params)
        reference.fit(X_train, y_train)
        assert 0 < model.n_iter_ <= model.max_iter
        ours.append(model.score(X_test, y_test))
        theirs.append(reference.score(X_test, y_test))
    assert min(ours) >= floor, ours
    assert np.mean(ours) >= np.mean(theirs) - margin, (ours, theirs)


def test_regressor_scores_as_scikit_learns_lbfgs():
    params = dict(hidden_layer_sizes=(16,), activation="tanh", alpha=10.0, max_iter=500)
    X_train, X_test, y_train, y_test = split(load_diabetes, classify=False)
    ours, theirs = [], []
    for seed in (0, 1):
        model = MLPRegressor(solver="lbfgs", random_state=seed, **params).fit(X_train, y_train)
        reference = sklearn.neural_network.MLPRegressor(solver="lbfgs", random_state=seed, **params)
        reference.fit(X_train, y_train)
        ours.append(model.score(X_test, y_test))
        theirs.append(reference.score(X_test, y_test))
        # The same objective, so the minima found are about as deep.
        assert model.loss_ == pytest.approx(reference.loss_, rel=0.02)
    assert min(ours) >= 0.33, ours
    assert np.mean(ours) >= np.mean(theirs) - 0.03, (ours, theirs)


# --------------------------------------------------------------------------------------------- the objective


def test_loss_is_scikit_learns_objective_at_the_fitted_weights():
    X, _, y, _ = split(load_iris, classify=True)
    alpha = 0.5
    model = MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", solver="lbfgs", alpha=alpha, max_iter=30,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    penalty = alpha / (2 * len(X)) * sum(np.sum(w.astype(np.float64) ** 2) for w in model.net_.weights)
    probabilities = model.predict_proba(X)[np.arange(len(y)), np.searchsorted(model.classes_, y)]
    expected = -np.mean(np.log(probabilities)) + penalty  # scikit-learn's log-loss, with float32 outputs
    assert model.loss_ == pytest.approx(expected, rel=1e-4)


def test_regressor_loss_averages_over_outputs_as_scikit_learn_does():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    Y = np.column_stack([np.sin(X[:, 0]) + X[:, 1], X[:, 2] * X[:, 3], X[:, 0] - X[:, 3]])
    alpha = 0.3
    model = MLPRegressor(hidden_layer_sizes=(12,), activation="tanh", solver="lbfgs", alpha=alpha, max_iter=300,
                         random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, Y)
    assert model.predict(X).shape == (120, 3)
    penalty = alpha / (2 * len(X)) * sum(np.sum(w.astype(np.float64) ** 2) for w in model.net_.weights)
    expected = np.mean((Y - model.predict(X)) ** 2) / 2 + penalty
    assert model.loss_ == pytest.approx(expected, rel=1e-4)
    assert model.score(X, Y) > 0.9


def test_the_objective_decreases_every_iteration(capsys):
    X, _, y, _ = split(load_digits, classify=True)
    model = MLPClassifier(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=40, verbose=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    losses = [float(value) for value in re.findall(r"Iteration \d+, loss = (\S+)", capsys.readouterr().out)]
    assert len(losses) == model.n_iter_ > 10
    assert np.all(np.diff(losses) < 0), losses
    assert model.loss_ == pytest.approx(losses[-1], abs=1e-8)  # as printed
    assert losses[-1] < losses[0] / 10


# ------------------------------------------------------------------------------ what scikit-learn's lbfgs does


def test_max_iter_warns_and_counts_iterations_as_scikit_learn():
    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match=r"Increase the number of iterations .*\(max_iter=5\)"):
        model = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=5, random_state=0).fit(X, y)
    assert model.n_iter_ == 5
    with pytest.warns(ConvergenceWarning):
        MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_fun=4, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        converged = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=1000, random_state=0)
        converged.fit(StandardScaler().fit_transform(X), y)
    assert converged.n_iter_ < 1000


def test_lbfgs_keeps_no_loss_curve_and_has_no_partial_fit():
    X, y = load_iris(return_X_y=True)
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier(random_state=0, **params).fit(X, y)
        theirs = sklearn.neural_network.MLPClassifier(random_state=0, **params).fit(X, y)
    for model in (ours, theirs):
        assert not hasattr(model, "loss_curve_") and not hasattr(model, "best_loss_")
        assert not hasattr(model, "partial_fit")
        assert isinstance(model.loss_, float) and model.n_iter_ == 20
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'"):
        MLPRegressor(solver="lbfgs").partial_fit(X, y)
    assert hasattr(MLPClassifier(solver="adam"), "partial_fit")


def test_warm_start_continues_from_the_fitted_weights():
    X, _, y, _ = split(load_breast_cancer, classify=True)
    model = MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=3, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
        first, net = model.loss_, model.net_
        model.fit(X, y)
    assert model.net_ is net and model.loss_ < first


def test_lbfgs_results_do_not_depend_on_n_jobs():
    X, _, y, _ = split(load_digits, classify=True)
    params = dict(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=15, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        single = MLPClassifier(**params).fit(X, y)
        double = MLPClassifier(n_jobs=2, **params).fit(X, y)
    assert double.net_.threads == 2 and double.loss_ == single.loss_
    np.testing.assert_array_equal(double.net_.get_parameters(), single.net_.get_parameters())
