"""nerve.sklearn estimators: scikit-learn's own estimator checks, and behaviour worth pinning down."""

import inspect
import numbers
import os
import pickle
import signal
import threading
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

import joblib  # noqa: E402  (a dependency of scikit-learn)
import sklearn.neural_network  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    make_multilabel_classification,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import nerve  # noqa: E402
from nerve.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

# Short runs for speed: not converging is expected and not what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _float32_weights(estimator):
    """Nerve computes in float32: weighting agrees with repetition to about 1e-6, where this check asks 1e-7
    (test_sample_weight_equals_repeated_samples checks it at float32's precision)."""
    reason = "float32 arithmetic: sample weights equal repeated samples to ~1e-6 relative, not 1e-7"
    return {"check_sample_weight_equivalence_on_dense_data": reason}


@parametrize_with_checks(
    [
        MLPClassifier(),
        MLPRegressor(),
        MLPClassifier(n_jobs=2),
        MLPRegressor(n_jobs=-1),
        MLPClassifier(solver="lbfgs"),
        MLPRegressor(solver="lbfgs"),
        MLPClassifier(solver="sgd", learning_rate="adaptive", class_weight="balanced"),
    ],
    expected_failed_checks=_float32_weights,
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_each_sample_alone_predicts_exactly_as_in_the_batch():
    X, y = load_iris(return_X_y=True)
    model = MLPClassifier(max_iter=50, random_state=0).fit(X, y)
    together = model.predict_proba(X)
    alone = np.vstack([model.predict_proba(row.reshape(1, -1)) for row in X])
    assert np.array_equal(alone, together)
    np.testing.assert_array_equal(model.predict(X), [model.predict(row.reshape(1, -1))[0] for row in X])


# ---------------------------------------------------------------------------------------------------- threads


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_n_jobs_does_not_change_results(estimator):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    if estimator is MLPRegressor:
        y = y.astype(float)
    params = dict(hidden_layer_sizes=(32, 16), max_iter=5, dropout=0.1, random_state=0)
    single = estimator(**params).fit(X, y)
    assert single.net_.threads == 1
    for n_jobs in (2, 3, -1):
        model = estimator(n_jobs=n_jobs, **params).fit(X, y)
        assert model.n_iter_ == single.n_iter_ and model.loss_curve_ == single.loss_curve_
        for mine, theirs in zip(model.net_.weights + model.net_.biases, single.net_.weights + single.net_.biases):
            assert np.array_equal(mine, theirs)
        assert np.array_equal(model.predict(X), single.predict(X))


def test_n_jobs_reaches_the_network():
    X, y = load_iris(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, n_jobs=3, random_state=0).fit(X, y)
    assert model.get_params()["n_jobs"] == 3 and model.net_.threads == 3
    twin = pickle.loads(pickle.dumps(model))
    assert twin.n_jobs == 3 and twin.net_.threads == 3
    expected = model.predict_proba(X)
    model.set_params(n_jobs=2)
    assert np.array_equal(model.predict_proba(X), expected) and model.net_.threads == 2
    model.set_params(n_jobs=-1)
    model.partial_fit(X, y)
    assert model.net_.threads == min(joblib.cpu_count(), 256)  # scikit-learn's -1: every processor
    assert clone(model).n_jobs == -1


def test_invalid_n_jobs_raises_at_fit():
    X, y = load_iris(return_X_y=True)
    for n_jobs, error in [(0, ValueError), (1.5, ValueError), ("all", ValueError), (True, ValueError),
                          (257, nerve.NerveValueError)]:
        model = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, n_jobs=n_jobs)
        with pytest.raises(error):
            model.fit(X, y)


# ------------------------------------------------------------------------------------------------ classifier


def test_string_labels_and_probabilities():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
                                                          max_iter=300, random_state=0))
    model.fit(X, names)
    classifier = model[-1]
    assert classifier.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    P = model.predict_proba(X)
    assert P.shape == (150, 3) and P.dtype == np.float64
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(model.predict(X), classifier.classes_[P.argmax(axis=1)])
    assert model.score(X, names) > 0.95


def test_digits_cross_validated():
    X, y = load_digits(return_X_y=True)
    model = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(64,), max_iter=30, random_state=0))
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.mean() > 0.9


def test_binary_problem_has_two_probability_columns():
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(8,), max_iter=100, random_state=0))
    model.fit(X, y)
    assert model.predict_proba(X).shape == (len(X), 2)
    assert model.score(X, y) > 0.95


def test_grid_search_and_clone():
    X, y = load_iris(return_X_y=True)
    search = GridSearchCV(
        MLPClassifier(learning_rate_init=0.01, max_iter=200, random_state=0),
        {"hidden_layer_sizes": [(4,), (16,)], "activation": ["relu", "tanh"]},
        cv=3,
    )
    search.fit(StandardScaler().fit_transform(X), y)
    assert search.best_score_ > 0.85
    twin = clone(search.best_estimator_)
    assert twin.get_params() == search.best_estimator_.get_params() and not hasattr(twin, "net_")


def test_partial_fit():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = MLPClassifier(hidden_layer_sizes=(32,), batch_size=20, learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        model.partial_fit(X[:100], y[:100])
    scores = []
    for start in range(0, 1500, 100):
        model.partial_fit(X[start:start + 100], y[start:start + 100], classes=np.arange(10))
        scores.append(model.score(X[1500:], y[1500:]))
    # As in scikit-learn: n_iter_ counts the last call's epochs, loss_curve_ and t_ all of them.
    assert model.n_iter_ == 1 and len(model.loss_curve_) == 15 and model.t_ == 1500
    assert scores[-1] > 0.75 and scores[-1] > scores[0]
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        model.partial_fit(X[:10], np.full(10, 11))
    with pytest.raises(ValueError, match="not the same"):
        model.partial_fit(X[:10], y[:10], classes=np.arange(11))
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:10, :5], y[:10])


def test_warm_start_continues_training():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, warm_start=True, random_state=0)
    model.fit(X, y)
    net, weights = model.net_, model.net_.get_layer(0)[0]
    model.fit(X, y)
    assert model.net_ is net and model.n_iter_ == 5 and len(model.loss_curve_) == 10 and model.t_ == 1500
    assert not np.array_equal(weights, model.net_.get_layer(0)[0])
    # Plain SGD without shuffling keeps no state between calls: ten epochs in two calls are ten epochs in one.
    params = dict(hidden_layer_sizes=(8,), solver="sgd", momentum=0.0, learning_rate_init=0.05, shuffle=False,
                  random_state=0)
    cold = MLPClassifier(max_iter=10, **params).fit(X, y)
    warm = MLPClassifier(max_iter=5, warm_start=True, **params).fit(X, y).fit(X, y)
    assert warm.loss_curve_ == cold.loss_curve_
    np.testing.assert_array_equal(warm.net_.get_layer(0)[0], cold.net_.get_layer(0)[0])
    with pytest.raises(ValueError, match="warm_start"):
        warm.fit(X[y < 2], y[y < 2])


def test_training_loss_plateau_ends_fit():
    X, y = load_iris(return_X_y=True)
    # With tol this large no epoch after the first counts as an improvement: 1 + (3 + 1) epochs.
    model = MLPClassifier(max_iter=100, tol=10.0, n_iter_no_change=3, random_state=0).fit(X, y)
    assert model.n_iter_ == 5
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        MLPClassifier(max_iter=3, random_state=0).fit(X, y)


def test_early_stopping_holds_out_validation_data():
    X, y = load_digits(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(64,), early_stopping=True, n_iter_no_change=3,
                          learning_rate_init=0.01, max_iter=200, random_state=0)
    model.fit(StandardScaler().fit_transform(X), y)
    assert model.n_iter_ < 200
    assert len(model.validation_scores_) == model.n_iter_ == len(model.loss_curve_)
    assert model.best_validation_score_ == max(model.validation_scores_) and model.best_loss_ is None
    # It stops once more than n_iter_no_change epochs in a row fell short of the best score + tol.
    assert _epochs_until_stop(model.validation_scores_, model.tol, 3) == model.n_iter_


def _epochs_until_stop(scores, tol, patience):
    """The epoch after which scikit-learn's rule (more than `patience` epochs short of best + tol) stops."""
    best, count = -np.inf, 0
    for epoch, score in enumerate(scores, start=1):
        count = count + 1 if score < best + tol else 0
        best = max(best, score)
        if count > patience:
            return epoch
    return None


def test_invalid_parameters_raise_at_fit():
    X, y = load_iris(return_X_y=True)
    for params in [
        {"solver": "newton"},
        {"solver": "lbfgs", "dropout": 0.2},
        {"max_fun": 0},
        {"activation": "softplus"},
        {"hidden_layer_sizes": (10, 0)},
        {"hidden_layer_sizes": "big"},
        {"hidden_layer_sizes": (10.5,)},
        {"batch_size": 0},
        {"max_iter": 0},
        {"alpha": -1.0},
        {"momentum": 1.0},
        {"dropout": 1.0},
        {"validation_fraction": 1.0},
    ]:
        model = MLPClassifier(**params)  # constructing never validates
        with pytest.raises(ValueError):
            model.fit(X, y)


def test_unfitted_and_single_class():
    with pytest.raises(NotFittedError):
        MLPClassifier().predict_proba(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="one class"):
        MLPClassifier().fit(np.zeros((4, 3)), np.ones(4))


def test_verbose_prints_each_epoch_as_scikit_learn(capsys):
    X, y = load_iris(return_X_y=True)
    model = MLPClassifier(max_iter=3, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Iteration {i + 1}, loss = {loss:.8f}" for i, loss in enumerate(model.loss_curve_)]


def test_pickled_estimator_predicts_the_same():
    X, y = load_iris(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    model.fit(X, y)
    twin = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(twin.predict_proba(X), model.predict_proba(X))


# ------------------------------------------------------------------------------------------------- regressor


def test_regressor_learns_diabetes():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=200, random_state=0)
    model.fit(X, y)
    assert model.predict(X).shape == (len(X),)
    assert model.score(X, y) > 0.45


def test_regressor_multiple_outputs():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    Y = np.column_stack([X[:, 0] - X[:, 1], 2 * X[:, 2]])
    model = MLPRegressor(hidden_layer_sizes=(), solver="sgd", momentum=0.0, learning_rate_init=0.05,
                         alpha=0.0, batch_size=20, max_iter=300, random_state=0).fit(X, Y)
    assert model.predict(X).shape == (200, 2)
    # A linear problem and a linear model: the weights are the coefficients.
    weights, biases = model.net_.get_layer(0)
    np.testing.assert_allclose(weights, [[1, -1, 0], [0, 0, 2]], atol=1e-3)
    np.testing.assert_allclose(biases, [0, 0], atol=1e-3)
    with pytest.raises(ValueError, match="target columns"):
        model.partial_fit(X, Y[:, 0])


@pytest.mark.parametrize("batch_size", [40, 10])
def test_alpha_means_what_it_means_in_scikit_learn(batch_size):
    """One epoch of plain SGD from the same weights, here and in scikit-learn's MLPRegressor, agree."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 5))
    y = X @ rng.normal(size=5) + 0.3 * rng.normal(size=40)
    w0, b0 = rng.normal(size=(1, 5)), rng.normal(size=1)
    params = dict(hidden_layer_sizes=(), solver="sgd", momentum=0.0, alpha=0.5, learning_rate_init=0.05,
                  batch_size=batch_size, shuffle=False, max_iter=1, random_state=0)

    ours = MLPRegressor(**params)
    ours.fit(X, y)
    ours.net_.set_layer(0, w0, b0)
    ours.partial_fit(X, y)

    reference = sklearn.neural_network.MLPRegressor(**params)
    reference.fit(X, y)
    reference.coefs_ = [w0.T.copy()]
    reference.intercepts_ = [b0.copy()]
    reference.partial_fit(X, y)

    weights, biases = ours.net_.get_layer(0)
    np.testing.assert_allclose(weights, reference.coefs_[0].T, rtol=1e-5)
    np.testing.assert_allclose(biases, reference.intercepts_[0], rtol=1e-5)


# ------------------------------------------------------------------------------- scikit-learn's MLP language

_CLASSIFIER_EXTRAS = ["class_weight", "dropout", "n_jobs"]
_REGRESSOR_EXTRAS = ["dropout", "n_jobs"]


@pytest.mark.parametrize(
    "ours, theirs, extras",
    [
        (MLPClassifier, sklearn.neural_network.MLPClassifier, _CLASSIFIER_EXTRAS),
        (MLPRegressor, sklearn.neural_network.MLPRegressor, _REGRESSOR_EXTRAS),
    ],
)
def test_constructor_is_scikit_learns(ours, theirs, extras):
    mine = inspect.signature(ours).parameters
    reference = inspect.signature(theirs).parameters
    # scikit-learn's parameters, in its order, with its defaults and kinds; Nerve's extras after them.
    assert list(mine) == list(reference) + extras
    for name, parameter in reference.items():
        assert mine[name].default == parameter.default, name
        assert mine[name].kind == parameter.kind, name
    changed = dict(hidden_layer_sizes=(7, 3), activation="tanh", solver="sgd", alpha=0.01, batch_size=32,
                   learning_rate="invscaling", learning_rate_init=0.05, power_t=0.25, max_iter=17, shuffle=False,
                   random_state=3, tol=1e-3, verbose=True, warm_start=True, momentum=0.5, nesterovs_momentum=False,
                   early_stopping=True, validation_fraction=0.2, beta_1=0.8, beta_2=0.99, epsilon=1e-7,
                   n_iter_no_change=4, max_fun=99, dropout=0.1, n_jobs=2)
    if "class_weight" in extras:
        changed["class_weight"] = {0: 2.0, 1: 1.0}
    model = ours().set_params(**changed)
    assert {name: model.get_params()[name] for name in changed} == changed
    twin = clone(model)
    assert twin.get_params() == model.get_params() and ours(**twin.get_params()).get_params() == twin.get_params()
    # scikit-learn's estimator, given the same settings, holds the same parameters.
    shared = theirs(**{name: value for name, value in changed.items() if name in reference})
    assert shared.get_params().items() <= twin.get_params().items()


def _same_kind(mine, theirs):
    """Equal shapes and Python/numpy kinds, value aside."""
    if theirs is None or mine is None:
        return mine is None and theirs is None
    if isinstance(theirs, list):
        return isinstance(mine, list) and len(mine) == len(theirs) and all(map(_same_kind, mine, theirs))
    if isinstance(theirs, np.ndarray):
        return isinstance(mine, np.ndarray) and mine.shape == theirs.shape and mine.dtype.kind == theirs.dtype.kind
    if isinstance(theirs, str):
        return mine == theirs
    return isinstance(theirs, numbers.Real) and isinstance(mine, numbers.Real)


_FITTED = ["coefs_", "intercepts_", "n_layers_", "n_outputs_", "out_activation_", "loss_", "best_loss_",
           "loss_curve_", "validation_scores_", "best_validation_score_", "t_", "n_iter_", "n_features_in_"]


def _multilabel():
    X, Y = make_multilabel_classification(n_samples=150, n_features=8, n_classes=4, random_state=0)
    return StandardScaler().fit_transform(X), Y


def _small(kind):
    """Data sets of at most 200 samples, so that batch_size "auto" is the whole set and shuffling is moot."""
    if kind == "multiclass":
        X, y = load_iris(return_X_y=True)
    elif kind == "binary":
        X, y = load_breast_cancer(return_X_y=True)
        X, y = X[:180], y[:180]
    elif kind == "multilabel":
        return _multilabel()
    else:
        X, y = load_diabetes(return_X_y=True)
        X, y = X[:180], (y[:180] - y.mean()) / y.std()
        if kind == "two outputs":
            y = np.column_stack([y, -2 * y])
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("kind", ["multiclass", "binary", "multilabel", "regression", "two outputs"])
@pytest.mark.parametrize("params", [{}, {"early_stopping": True}, {"solver": "lbfgs"}], ids=["adam", "es", "lbfgs"])
def test_fitted_attributes_are_scikit_learns(kind, params):
    X, y = _small(kind)
    ours, theirs = (MLPRegressor, sklearn.neural_network.MLPRegressor) if "r" in kind[:2] or "out" in kind \
        else (MLPClassifier, sklearn.neural_network.MLPClassifier)
    # L-BFGS-B's path turns on float32's last digits after some ten iterations: fewer for it. With several
    # outputs scikit-learn's lbfgs gradient is that of the squared error summed over outputs while its loss
    # averages them; Nerve's gradient is the loss's, so the paths part after the first line searches.
    iterations = 15 if not params else 8 if kind != "two outputs" else 2
    params = dict(hidden_layer_sizes=(6, 5), max_iter=iterations, random_state=0, **params)
    mine, reference = ours(**params).fit(X, y), theirs(**params).fit(X, y)
    for name in _FITTED + (["classes_"] if ours is MLPClassifier else []):
        assert hasattr(mine, name) == hasattr(reference, name), name
        if hasattr(reference, name):
            assert _same_kind(getattr(mine, name), getattr(reference, name)), name
    for name in ("n_layers_", "n_outputs_", "out_activation_", "n_iter_", "t_", "n_features_in_"):
        assert getattr(mine, name) == getattr(reference, name), name
    # The same initial weights, the same full-batch steps and the same loss definition (L2 term included):
    # equal to float32's precision.
    np.testing.assert_allclose(mine.loss_, reference.loss_, rtol=5e-5)
    if hasattr(reference, "loss_curve_"):
        np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=5e-5)
    if getattr(reference, "validation_scores_", None) is not None:
        np.testing.assert_allclose(mine.validation_scores_, reference.validation_scores_, rtol=1e-4, atol=1e-6)
    # Adam divides by √v: where a gradient is all but zero, float32 rounding picks the sign of full-size steps
    # (at most learning_rate_init each), so a few weights drift apart by up to max_iter · 0.001.
    atol = 1e-4 if params.get("solver") else 0.02
    for a, b in zip(mine.coefs_ + mine.intercepts_, reference.coefs_ + reference.intercepts_):
        np.testing.assert_allclose(a, b, atol=atol)
    if ours is MLPClassifier:
        np.testing.assert_array_equal(mine.classes_, reference.classes_)
        np.testing.assert_array_equal(mine.predict(X), reference.predict(X))
        np.testing.assert_allclose(mine.predict_proba(X), reference.predict_proba(X), atol=1e-4)


def test_feature_names_in_as_scikit_learn():
    pandas = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    mine = MLPClassifier(max_iter=2, random_state=0).fit(X, y)
    reference = sklearn.neural_network.MLPClassifier(max_iter=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(mine.feature_names_in_, reference.feature_names_in_)
    with pytest.raises(ValueError, match="feature names"):
        mine.predict(pandas.DataFrame(X.to_numpy(), columns=list("abcd")))


def test_coefs_assignment_sets_the_network():
    X, y = load_iris(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(X, y)
    coefs = [np.full_like(c, 0.5) for c in model.coefs_]
    model.coefs_ = coefs
    model.intercepts_ = [np.zeros_like(b) for b in model.intercepts_]
    assert all(np.array_equal(a, b) for a, b in zip(model.coefs_, coefs))
    np.testing.assert_array_equal(model.net_.get_layer(0)[0], coefs[0].T)


def test_multilabel_classification():
    X, Y = _multilabel()
    model = MLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=300, random_state=0).fit(X, Y)
    assert model.out_activation_ == "logistic" and model.n_outputs_ == 4 and model.net_.cost == "cross_entropy"
    P = model.predict_proba(X)
    assert P.shape == Y.shape and ((P > 0) & (P < 1)).all()
    predicted = model.predict(X)
    np.testing.assert_array_equal(predicted, (P > 0.5).astype(int))
    reference = sklearn.neural_network.MLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=300,
                                                     random_state=0).fit(X, Y)
    assert model.score(X, Y) >= reference.score(X, Y) - 0.02 and model.score(X, Y) > 0.8


def test_probabilities_sum_to_one_in_float64():
    X, y = load_digits(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(16,), max_iter=20, random_state=0).fit(X[:400] / 16, y[:400])
    P = model.predict_proba(X / 16)
    assert np.abs(P.sum(axis=1) - 1).max() <= 4 * np.finfo(np.float64).eps
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = cross_val_score(MLPClassifier(hidden_layer_sizes=(16,), max_iter=30, random_state=0), X / 16, y,
                                 cv=3, scoring="neg_log_loss", error_score="raise")
    # log_loss warns when rows do not sum to 1; only max_iter's warning may be here.
    assert [w for w in caught if not issubclass(w.category, ConvergenceWarning)] == []
    assert np.isfinite(scores).all()
    binary = MLPClassifier(max_iter=5, random_state=0).fit(X[:300] / 16, y[:300] > 4).predict_proba(X / 16)
    assert np.array_equal(binary.sum(axis=1), np.ones(len(X))) or np.abs(binary.sum(axis=1) - 1).max() < 1e-15


@pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning")  # one batch_size for both data sets
@pytest.mark.parametrize("solver", ["lbfgs", "sgd", "adam"])
def test_sample_weight_equals_repeated_samples(solver):
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    weights = np.random.default_rng(0).integers(0, 4, size=len(X))
    params = dict(hidden_layer_sizes=(8,), solver=solver, batch_size=1000, max_iter=15, random_state=0,
                  learning_rate_init=0.01, alpha=0.01, n_iter_no_change=1000)
    weighted = MLPClassifier(**params).fit(X, y, sample_weight=weights)
    repeated = MLPClassifier(**params).fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    assert weighted.n_iter_ == repeated.n_iter_
    np.testing.assert_allclose(weighted.loss_, repeated.loss_, rtol=2e-4)
    for a, b in zip(weighted.coefs_ + weighted.intercepts_, repeated.coefs_ + repeated.intercepts_):
        np.testing.assert_allclose(a, b, atol=1e-5 if solver != "lbfgs" else 2e-4)
    # scikit-learn's own weighted fit from the same initial weights: the same steps.
    reference = sklearn.neural_network.MLPClassifier(**params).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.loss_, reference.loss_, rtol=2e-4)


def test_class_weight_balanced():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    keep = np.concatenate([np.flatnonzero(y == 1), np.flatnonzero(y == 0)[:40]])  # 357 benign, 40 malignant
    X, y = X[keep], y[keep]
    params = dict(hidden_layer_sizes=(8,), max_iter=40, random_state=0)
    balanced = MLPClassifier(class_weight="balanced", **params).fit(X, y)
    explicit = MLPClassifier(**params).fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    for a, b in zip(balanced.coefs_, explicit.coefs_):
        np.testing.assert_array_equal(a, b)
    plain = MLPClassifier(**params).fit(X, y)
    recall = [np.mean(model.predict(X)[y == 0] == 0) for model in (plain, balanced)]
    assert recall[1] > recall[0]
    weighted = MLPClassifier(class_weight={0: 5.0, 1: 1.0}, **params).fit(X, y)
    explicit = MLPClassifier(**params).fit(X, y, sample_weight=np.where(y == 0, 5.0, 1.0))
    for a, b in zip(weighted.coefs_, explicit.coefs_):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_momentum_as_scikit_learn(nesterov):
    X, y = _small("regression")
    params = dict(hidden_layer_sizes=(10,), solver="sgd", learning_rate_init=0.01, momentum=0.9,
                  nesterovs_momentum=nesterov, max_iter=40, random_state=0)
    mine = MLPRegressor(**params).fit(X, y)
    reference = sklearn.neural_network.MLPRegressor(**params).fit(X, y)
    np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=1e-5)


@pytest.mark.parametrize("solver", [dict(solver="sgd", momentum=0.9, learning_rate_init=0.01), dict(solver="adam")],
                         ids=["sgd", "adam"])
def test_partial_fit_keeps_the_optimizer_as_scikit_learn(solver):
    """Ten partial_fit calls, one epoch each, after a fit: scikit-learn keeps its optimizer across them (momentum
    velocity, Adam moments), and so does the estimator; a fresh start each call would part the curves."""
    X, y = _small("regression")
    params = dict(hidden_layer_sizes=(10,), max_iter=5, random_state=0, **solver)
    mine, reference = MLPRegressor(**params), sklearn.neural_network.MLPRegressor(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for model in (mine, reference):
            model.fit(X, y)
            for _ in range(10):
                model.partial_fit(X, y)
    assert len(mine.loss_curve_) == len(reference.loss_curve_) == 15
    np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=5e-5)


@pytest.mark.parametrize("nesterov", [True, False])
def test_invscaling_with_momentum_as_scikit_learn(nesterov):
    """A new rate each epoch, the velocity carried on, as in scikit-learn's one optimizer per fit."""
    X, y = _small("regression")
    params = dict(hidden_layer_sizes=(10,), solver="sgd", learning_rate="invscaling", learning_rate_init=0.1,
                  power_t=0.25, momentum=0.9, nesterovs_momentum=nesterov, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mine = MLPRegressor(**params).fit(X, y)
        reference = sklearn.neural_network.MLPRegressor(**params).fit(X, y)
    np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=1e-5)


def _counts(outputs):
    """Poisson counts whose log-rate is linear in two of the (scaled) diabetes features."""
    X, _ = _small("regression")
    rng = np.random.default_rng(0)
    rates = np.exp(np.column_stack([0.5 * X[:, 2] - 0.3 * X[:, 3] + 0.7, 0.2 * X[:, 0] + 1.0])[:, :outputs])
    y = rng.poisson(rates).astype(np.float64)
    return X, y.ravel() if outputs == 1 else y


@pytest.mark.parametrize("outputs", [1, 2])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_poisson_loss_as_scikit_learn(solver, outputs):
    """loss="poisson": an exp output and half the Poisson deviance, summed over outputs; the same initial
    weights and steps as scikit-learn's give its loss to float32's precision."""
    X, y = _counts(outputs)
    params = dict(loss="poisson", hidden_layer_sizes=(8,), max_iter=15, random_state=0, solver=solver,
                  learning_rate_init=0.01 if solver == "sgd" else 0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mine = MLPRegressor(**params).fit(X, y)
        reference = sklearn.neural_network.MLPRegressor(**params).fit(X, y)
    assert mine.out_activation_ == reference.out_activation_ == "exp"
    assert mine.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(mine.loss_, reference.loss_, rtol=5e-5)
    if solver != "lbfgs":
        np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=5e-5)
    np.testing.assert_allclose(mine.predict(X), reference.predict(X), rtol=1e-3)
    assert mine.score(X, y) == pytest.approx(reference.score(X, y), abs=1e-4)


def test_poisson_loss_refuses_negative_targets():
    X, y = _counts(1)
    with pytest.raises(ValueError, match="y >= 0"):
        MLPRegressor(loss="poisson", max_iter=2).fit(X, y - 1)


def _recorded_rates(monkeypatch):
    """The learning rate of every Network.fit call the estimator makes, with its epoch count."""
    calls = []
    original = nerve.Network.fit

    def recording(self, *args, **kwargs):
        history = original(self, *args, **kwargs)
        calls.append((kwargs["learning_rate"], len(history)))
        return history

    monkeypatch.setattr(nerve.Network, "fit", recording)
    return calls


def test_invscaling_rate_per_epoch(monkeypatch):
    calls = _recorded_rates(monkeypatch)
    X, y = _small("regression")
    params = dict(hidden_layer_sizes=(10,), solver="sgd", learning_rate="invscaling", learning_rate_init=0.1,
                  power_t=0.5, momentum=0.0, max_iter=6, random_state=0)
    mine = MLPRegressor(**params).fit(X, y)
    n = len(X)
    expected = [0.1] + [0.1 / (epoch * n + 1) ** 0.5 for epoch in range(1, 6)]
    np.testing.assert_allclose([rate for rate, _ in calls], expected)
    assert [epochs for _, epochs in calls] == [1] * 6
    # Without momentum there is no state to lose between epochs: scikit-learn's steps exactly.
    reference = sklearn.neural_network.MLPRegressor(**params).fit(X, y)
    np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=1e-5)


def test_adaptive_rate_divides_by_five_then_stops(monkeypatch):
    calls = _recorded_rates(monkeypatch)
    X, y = load_iris(return_X_y=True)
    # tol this large: no epoch after the first improves, so every n_iter_no_change + 1 epochs the rate falls.
    params = dict(solver="sgd", learning_rate="adaptive", learning_rate_init=0.1, tol=100.0, n_iter_no_change=2,
                  max_iter=100, random_state=0)
    mine = MLPClassifier(**params).fit(X, y)
    reference = sklearn.neural_network.MLPClassifier(**params).fit(X, y)
    rates = [rate for rate, _ in calls]
    np.testing.assert_allclose(rates, [0.1 / 5**k for k in range(len(rates))], rtol=1e-12)
    assert rates[-1] <= 1e-6 < rates[-2]  # the rate was at most 1e-6 when the next stall came: stop
    assert [epochs for _, epochs in calls] == [4] + [3] * (len(calls) - 1)
    assert mine.n_iter_ == reference.n_iter_ == sum(epochs for _, epochs in calls)
    assert len(mine.loss_curve_) == mine.n_iter_
    # The velocity lives on across the divisions, as in scikit-learn.
    np.testing.assert_allclose(mine.loss_curve_, reference.loss_curve_, rtol=1e-5)


def _interrupt_at_epoch(monkeypatch, stop_epoch):
    """Network.fit as the estimator calls it, with SIGINT sent to this process at the end of `stop_epoch`."""
    original = nerve.Network.fit
    seen = [0]

    def interrupted(self, *args, **kwargs):
        callback = kwargs["callback"]

        def after(epoch):
            seen[0] += 1
            stop = callback(epoch)
            if seen[0] == stop_epoch:
                os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C; fit sees it at this callback's return
            return stop

        kwargs["callback"] = after
        return original(self, *args, **kwargs)

    monkeypatch.setattr(nerve.Network, "fit", interrupted)


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
@pytest.mark.parametrize("early_stopping", [False, True])
def test_ctrl_c_stops_with_a_consistent_model(monkeypatch, early_stopping):
    _interrupt_at_epoch(monkeypatch, 3)
    X, y = load_digits(return_X_y=True)
    X = X / 16
    model = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=50,
                          early_stopping=early_stopping, random_state=0)
    with pytest.warns(UserWarning, match="Training interrupted by user."):
        model.fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) == 3 and model.t_ == 3 * (len(X) - 180 * early_stopping)
    assert model.loss_ == model.loss_curve_[-1]
    if early_stopping:
        assert len(model.validation_scores_) == 3
        assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.predict(X).shape == (len(X),) and model.score(X, y) > 0.5
