"""nerve.sklearn estimators: scikit-learn's own estimator checks, and behaviour worth pinning down."""

import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

import joblib  # noqa: E402  (a dependency of scikit-learn)
import sklearn.neural_network  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import nerve  # noqa: E402
from nerve.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

# Short runs for speed: not converging is expected and not what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@parametrize_with_checks(
    [
        MLPClassifier(),
        MLPRegressor(),
        MLPClassifier(n_jobs=2),
        MLPRegressor(n_jobs=-1),
        MLPClassifier(solver="lbfgs"),
        MLPRegressor(solver="lbfgs"),
    ]
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
    model = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0))
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
        MLPClassifier(max_iter=200, random_state=0),
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
    assert model.n_iter_ == 15 and len(model.loss_curve_) == 15
    assert scores[-1] > 0.75 and scores[-1] > scores[0]
    with pytest.raises(ValueError, match="not in classes_"):
        model.partial_fit(X[:10], np.full(10, 11))
    with pytest.raises(ValueError, match="differ"):
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
    assert model.net_ is net and model.n_iter_ == 10
    assert not np.array_equal(weights, model.net_.get_layer(0)[0])
    # Plain SGD without shuffling keeps no state between calls: ten epochs in two calls are ten epochs in one.
    params = dict(hidden_layer_sizes=(8,), solver="sgd", momentum=0.0, learning_rate_init=0.05, shuffle=False,
                  random_state=0)
    cold = MLPClassifier(max_iter=10, **params).fit(X, y)
    warm = MLPClassifier(max_iter=5, warm_start=True, **params).fit(X, y).fit(X, y)
    assert warm.n_iter_ == 10 and cold.n_iter_ == 10
    np.testing.assert_array_equal(warm.net_.get_layer(0)[0], cold.net_.get_layer(0)[0])
    with pytest.raises(ValueError, match="warm_start"):
        warm.fit(X[y < 2], y[y < 2])


def test_training_loss_plateau_ends_fit():
    X, y = load_iris(return_X_y=True)
    # With tol this large no epoch after the first counts as an improvement: 1 + (3 + 1) epochs.
    model = MLPClassifier(max_iter=100, tol=10.0, n_iter_no_change=3, random_state=0).fit(X, y)
    assert model.n_iter_ == 5
    with pytest.warns(ConvergenceWarning):
        MLPClassifier(max_iter=3, random_state=0).fit(X, y)


def test_early_stopping_holds_out_validation_data():
    X, y = load_digits(return_X_y=True)
    model = MLPClassifier(hidden_layer_sizes=(64,), early_stopping=True, n_iter_no_change=3,
                          learning_rate_init=0.01, max_iter=200, random_state=0)
    model.fit(StandardScaler().fit_transform(X), y)
    assert model.n_iter_ < 200
    assert len(model.validation_loss_curve_) == model.n_iter_
    assert model.best_validation_loss_ == min(model.validation_loss_curve_)
    assert model.validation_loss_curve_.index(model.best_validation_loss_) == model.n_iter_ - 4


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


def test_verbose_prints_each_epoch(capsys):
    X, y = load_iris(return_X_y=True)
    MLPClassifier(max_iter=3, verbose=True, random_state=0).fit(X, y)
    assert capsys.readouterr().out.count("epoch ") == 3


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
