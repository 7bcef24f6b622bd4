"""scikit-learn estimators backed by Nerve: MLPClassifier and MLPRegressor.

They take the parameters of sklearn.neural_network's estimators of the same names where Nerve has the matching
feature, and work in pipelines, grid searches and cross-validation. Differences worth knowing:

- solver is "sgd" (with `momentum`), "adam" or "lbfgs"; there is no Nesterov momentum and no learning-rate
  schedule other than constant.
- "lbfgs" runs scipy's L-BFGS-B on the full-batch cost and gradient that Nerve computes
  (Network.cost_gradient), on scikit-learn's objective: the mean loss plus alpha/(2n)·‖W‖², the regressor's
  loss averaged over its outputs as scikit-learn's is. The network computes in float32, so iteration counts
  differ a little from scikit-learn's float64 runs. It has no partial_fit and keeps no ``loss_curve_``, as in
  scikit-learn.
- alpha is scikit-learn's L2 penalty (alpha/(2·batch)·‖W‖² per mini-batch, alpha/(2n)·‖W‖² for lbfgs); it is
  passed to Nerve as the equivalent λ of its λ/n weight decay.
- early_stopping holds out validation_fraction of the data and stops after n_iter_no_change epochs without a
  better validation *cost* (scikit-learn watches the score); the best weights are then restored.
- there is no sample_weight, and the classifier is single-label (softmax output, log-likelihood cost).
- `dropout` is an extra parameter: the probability of dropping each hidden unit during training.
- `n_jobs` is the number of threads Nerve may use for fitting and predicting, with scikit-learn's meaning of
  the values (None is 1, -1 all processors). Results do not depend on it.
"""

from __future__ import annotations

import numbers
import types
import warnings
from numbers import Integral, Real
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

import numpy as np
import numpy.typing as npt
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, InvalidParameterError, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from . import _arrays, _lib
from .history import Epoch
from .network import Network

__all__ = ["MLPClassifier", "MLPRegressor"]

# scikit-learn's activation names, and Nerve's own for those who prefer them.
_ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "linear": "linear",
    "sigmoid": "sigmoid",
    "leaky_relu": "leaky_relu",
}
_STOCHASTIC_SOLVERS = ("sgd", "adam")
_SOLVERS = (*_STOCHASTIC_SOLVERS, "lbfgs")
_SEED_BOUND = np.iinfo(np.int32).max

_PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default (100,)
        The sizes of the hidden layers; () for none.
    activation : {"relu", "identity", "logistic", "tanh", "leaky_relu"}, default "relu"
        The hidden layers' activation; Nerve's names "linear" and "sigmoid" are accepted too.
    solver : {"adam", "sgd", "lbfgs"}, default "adam"
        Adam or SGD on mini-batches, or L-BFGS (scipy's L-BFGS-B) on the whole training set: often the
        quickest and best on small data sets. lbfgs uses alpha, max_iter, tol, max_fun and verbose only.
    alpha : float, default 0.0001
        Strength of the L2 penalty, as in scikit-learn.
    batch_size : int or "auto", default "auto"
        Samples per mini-batch; "auto" is min(200, n_samples).
    learning_rate_init : float, default 0.001
    max_iter : int, default 200
        The most epochs fit runs; for lbfgs, the most iterations.
    shuffle : bool, default True
        Reshuffle the samples every epoch.
    random_state : int, RandomState instance or None, default None
        Draws the seed of the network's weights, shuffling and dropout, and the validation split.
    tol : float, default 1e-4
        The least decrease of the training loss that counts as an improvement; for lbfgs, the gradient
        tolerance (scipy's gtol) that ends the search.
    verbose : bool, default False
        Print a line per epoch (per iteration for lbfgs).
    warm_start : bool, default False
        Continue from the fitted network on the next fit.
    momentum : float, default 0.9
        SGD momentum, in [0, 1); Adam ignores it.
    early_stopping : bool, default False
        Hold out validation_fraction of the data and stop after n_iter_no_change epochs without a better
        validation cost, restoring the best weights.
    validation_fraction : float, default 0.1
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's coefficients.
    n_iter_no_change : int, default 10
        Patience in epochs, of early stopping or of the training-loss plateau that ends fit.
    max_fun : int, default 15000
        lbfgs only: the most evaluations of the cost and its gradient.
    dropout : float, default 0.0
        Probability in [0, 1) of dropping each hidden unit during training.
    n_jobs : int, default None
        How many threads fit, partial_fit and predict may use: None means 1 unless in a
        joblib.parallel_config context, -1 means all processors (at most 256), -2 all but one, and so on.
        Results do not depend on it: the same random_state and data give bit-identical weights and
        predictions with any number of threads. A change applies from the next call.
"""


def _invalid(name: str, estimator: object, expected: str, value: object) -> InvalidParameterError:
    """scikit-learn's own error, in its words, for the checks its constraints cannot express."""
    return InvalidParameterError(
        f"The {name!r} parameter of {type(estimator).__name__} must be {expected}. Got {value!r} instead."
    )


class _NerveMLP(BaseEstimator):  # type: ignore[misc]  # scikit-learn ships no type information
    """Parameters, validation and the training loop shared by the classifier and the regressor."""

    _output_activation: str = ""  # set by subclasses
    _cost: str = ""

    # Checked by scikit-learn's own machinery at fit, so messages read as scikit-learn's do.
    _parameter_constraints: Dict[str, List[Any]] = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "solver": [StrOptions(set(_SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "n_jobs": [None, Interval(Integral, None, -1, closed="right"), Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: Any = "auto",
        learning_rate_init: float = 0.001,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dropout: float = 0.0,
        n_jobs: Optional[int] = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------------------------------- validation

    def _hidden_sizes(self) -> List[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral):
            sizes = (sizes,)
        try:
            listed: Optional[List[Any]] = list(sizes)
        except TypeError:
            listed = None
        if listed is None or not all(
            isinstance(size, numbers.Integral) and not isinstance(size, (bool, np.bool_)) and int(size) > 0
            for size in listed
        ):
            raise _invalid("hidden_layer_sizes", self, "an int >= 1 or a sequence of ints >= 1", sizes)
        return [int(size) for size in listed]

    def _check_params(self) -> None:
        self._validate_params()
        if isinstance(self.n_jobs, (bool, np.bool_)):  # an Integral to Python, not a thread count
            raise _invalid("n_jobs", self, "None or a non-zero int", self.n_jobs)
        if self.dropout != 0 and self.solver not in _STOCHASTIC_SOLVERS:
            raise ValueError(
                f"dropout={self.dropout} needs solver 'sgd' or 'adam': lbfgs minimises the cost without dropout"
            )
        self._hidden_sizes()

    def _check_solver(self) -> bool:
        """partial_fit exists for the stochastic solvers only, as in scikit-learn."""
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(f"partial_fit is only available for stochastic optimizers; {self.solver} is not")
        return True

    def _threads(self) -> int:
        """The thread count for the network, from n_jobs as scikit-learn reads it."""
        count = int(effective_n_jobs(self.n_jobs))
        if self.n_jobs is None or self.n_jobs < 0:
            count = min(count, _lib.MAX_THREADS)  # "all processors" of a machine with more cores than Nerve takes
        return count

    # ---------------------------------------------------------------------------------------------- training

    def _new_network(self, n_features: int, n_outputs: int, rng: np.random.RandomState) -> None:
        hidden = self._hidden_sizes()
        activations = [_ACTIVATIONS[self.activation]] * len(hidden) + [self._output_activation]
        seed = int(rng.randint(_SEED_BOUND))
        self.net_ = Network([n_features, *hidden, n_outputs], activations=activations, cost=self._cost, seed=seed)
        self.n_iter_ = 0
        if self.solver in _STOCHASTIC_SOLVERS:  # as in scikit-learn, lbfgs keeps no loss curve
            self.loss_curve_: List[float] = []
            self.best_loss_ = np.inf
            self.validation_loss_curve_: List[float] = []

    def _train(
        self, X: npt.NDArray[Any], targets: npt.NDArray[Any], epochs: int, rng: np.random.RandomState,
        incremental: bool,
    ) -> None:
        """Runs Nerve on (X, targets), targets being class indices or a float matrix, for up to `epochs`."""
        if not hasattr(self, "loss_curve_"):  # a warm start after an lbfgs fit, which keeps no curve
            self.loss_curve_, self.best_loss_, self.validation_loss_curve_ = [], np.inf, []
        n = X.shape[0]
        batch = min(200, n) if self.batch_size == "auto" else self.batch_size
        validation = None
        early_stopping = self.early_stopping and not incremental
        if early_stopping:
            stratify = targets if isinstance(self, ClassifierMixin) else None
            X, X_val, targets, targets_val = train_test_split(
                X, targets, test_size=self.validation_fraction, random_state=rng.randint(_SEED_BOUND),
                stratify=stratify,
            )
            validation = (X_val, targets_val)
            n = X.shape[0]

        stale_epochs = 0

        def after_epoch(epoch: Epoch) -> bool:
            nonlocal stale_epochs
            loss = epoch.train_cost
            self.loss_curve_.append(loss)
            if early_stopping:
                self.validation_loss_curve_.append(epoch.eval_cost)
            improved = loss <= self.best_loss_ - self.tol
            self.best_loss_ = min(self.best_loss_, loss)
            if early_stopping or incremental:
                return False  # the library's early stopping decides, or there is a single epoch anyway
            # Stop on a training-loss plateau, as scikit-learn's MLPs do without early stopping.
            stale_epochs = 0 if improved else stale_epochs + 1
            return stale_epochs > self.n_iter_no_change

        history = self.net_.fit(
            X,
            targets,
            epochs=epochs,
            batch_size=batch,
            learning_rate=self.learning_rate_init,
            # Network.fit refuses options its optimizer does not use; scikit-learn ignores them.
            momentum=self.momentum if self.solver == "sgd" else 0.0,
            # scikit-learn adds alpha/batch·W to each mini-batch gradient; Nerve adds λ/n·W.
            l2=self.alpha * n / min(batch, n),
            dropout=self.dropout,
            optimizer=self.solver,
            adam_beta1=self.beta_1 if self.solver == "adam" else None,
            adam_beta2=self.beta_2 if self.solver == "adam" else None,
            adam_epsilon=self.epsilon if self.solver == "adam" else None,
            validation_data=validation,
            early_stopping=self.n_iter_no_change if early_stopping else 0,
            shuffle=self.shuffle,
            progress="plain" if self.verbose else False,
            callback=after_epoch,
        )
        self.n_iter_ += len(history)
        self.loss_ = self.loss_curve_[-1]
        if early_stopping:
            self.best_validation_loss_ = min(self.validation_loss_curve_)
        if not incremental and not early_stopping and not history.stopped and len(history) == epochs:
            warnings.warn(
                f"{type(self).__name__} reached max_iter={self.max_iter} before the training loss settled",
                ConvergenceWarning,
            )

    def _train_lbfgs(self, X: npt.NDArray[Any], targets: npt.NDArray[Any]) -> None:
        """Minimises the full-batch objective with scipy's L-BFGS-B, starting from the network's parameters."""
        import scipy.optimize  # only lbfgs needs scipy

        net = self.net_
        # Converted once, so that each evaluation hands the library the arrays as they are.
        x = net._inputs(X, name="X")
        y = _arrays.targets(targets, x.shape[0], net.output_size, name="y")
        # Nerve's quadratic cost sums over outputs where scikit-learn's squared error averages over them.
        scale = 1.0 / self._outputs_per_loss()
        latest_loss, iteration = np.nan, 0

        def objective(parameters: npt.NDArray[np.float64]) -> Tuple[float, npt.NDArray[np.float64]]:
            nonlocal latest_loss
            net.set_parameters(parameters)
            cost, gradient = net.cost_gradient(x, y, l2=self.alpha / scale)
            latest_loss = cost * scale
            return latest_loss, gradient.astype(np.float64) * scale

        def report(_parameters: Any) -> None:
            nonlocal iteration
            iteration += 1
            # L-BFGS-B's last evaluation is at the iterate it has just accepted.
            print(f"Iteration {iteration}, loss = {latest_loss:.8f}", flush=True)

        # L-BFGS-B's own linear algebra runs on the host's BLAS, whose thread count stays the host's to set (on a
        # busy machine, threadpoolctl.threadpool_limits(1, "blas") around fit speeds it up); the cost and
        # gradient run on Nerve's threads, set by n_jobs.
        result = scipy.optimize.minimize(
            objective,
            net.get_parameters().astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=report if self.verbose else None,
            options={"maxfun": self.max_fun, "maxiter": self.max_iter, "gtol": self.tol},
        )
        net.set_parameters(result.x)
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.loss_ = float(result.fun)
        if result.status != 0:
            # scikit-learn warns whenever L-BFGS-B stops for another reason than convergence, in these words.
            message = result.message.decode() if isinstance(result.message, bytes) else str(result.message)
            text = f"lbfgs failed to converge after {self.n_iter_} iteration(s) (status={result.status}):\n{message}\n"
            if self.n_iter_ == self.max_iter:
                text += (
                    "\nIncrease the number of iterations to improve the convergence "
                    f"(max_iter={self.max_iter})."
                )
            text += "\nYou might also want to scale the data."
            warnings.warn(text, ConvergenceWarning)

    def _outputs_per_loss(self) -> int:
        """How many outputs Nerve's cost adds up where scikit-learn's loss takes their mean."""
        return 1

    def _validate_input(
        self, X: Any, y: Any, reset: bool, incremental: bool, classes: Any = None
    ) -> Tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        raise NotImplementedError

    def _targets(self, y: npt.NDArray[Any]) -> Tuple[npt.NDArray[Any], int]:
        raise NotImplementedError

    def _fit(self, X: Any, y: Any, incremental: bool, classes: Any = None) -> _NerveMLP:
        self._check_params()
        reset = not hasattr(self, "net_") or not (incremental or self.warm_start)
        X, y = self._validate_input(X, y, reset=reset, incremental=incremental, classes=classes)
        targets, n_outputs = self._targets(y)
        rng = check_random_state(self.random_state)
        if reset:
            self._new_network(X.shape[1], n_outputs, rng)
        self.net_.threads = self._threads()
        if self.solver == "lbfgs":
            self._train_lbfgs(X, targets)
        else:
            self._train(X, targets, 1 if incremental else self.max_iter, rng, incremental)
        return self

    def fit(self, X: Any, y: Any) -> Any:
        """Trains for up to max_iter epochs (a fresh network unless warm_start and already fitted).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples; a pandas DataFrame (nullable dtypes included) works too.
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifier) or target values (regressor); a one-column DataFrame is read as 1-D,
            with scikit-learn's DataConversionWarning.

        Returns
        -------
        self
            The fitted estimator.

        Raises
        ------
        sklearn.utils._param_validation.InvalidParameterError
            For a parameter of the wrong type or out of range (a ValueError and a TypeError), in
            scikit-learn's words.
        ValueError
            For inputs scikit-learn's validation refuses (NaN, missing values, wrong shapes).
        """
        return self._fit(X, y, incremental=False)

    def _predict_outputs(self, X: Any) -> npt.NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        threads = self._threads()
        if self.net_.threads != threads:
            self.net_.threads = threads
        return self.net_.predict(X).astype(np.float64)


_Estimator = TypeVar("_Estimator", bound=type)


def _own_init(cls: _Estimator) -> _Estimator:
    """Gives a public estimator its own copy of the shared __init__, so that Python's messages about wrong
    arguments ("MLPClassifier.__init__() got an unexpected keyword argument") name the class the user typed."""
    shared: Callable[..., None] = _NerveMLP.__init__
    code = shared.__code__
    if hasattr(code, "co_qualname"):  # Python 3.11 on names the class in such messages
        code = code.replace(co_qualname=f"{cls.__name__}.__init__")
    init = types.FunctionType(code, shared.__globals__, "__init__", shared.__defaults__, shared.__closure__)
    init.__kwdefaults__ = shared.__kwdefaults__
    init.__qualname__ = f"{cls.__name__}.__init__"
    init.__doc__ = shared.__doc__
    init.__annotations__ = dict(shared.__annotations__)
    setattr(cls, "__init__", init)
    return cls


@_own_init
class MLPClassifier(ClassifierMixin, _NerveMLP):  # type: ignore[misc]
    __doc__ = """A multi-layer perceptron classifier.

    Hidden layers of `activation`, a softmax output and the log-likelihood cost. predict_proba gives the
    softmax outputs in the order of ``classes_``.
""" + _PARAMETERS

    _output_activation = "softmax"
    _cost = "log_likelihood"

    def _validate_input(
        self, X: Any, y: Any, reset: bool, incremental: bool, classes: Any = None
    ) -> Tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32), reset=reset)
        check_classification_targets(y)
        labels = unique_labels(y)
        if reset:
            self.classes_ = unique_labels(classes) if incremental else labels
        elif self.warm_start and not incremental and not np.array_equal(labels, self.classes_):
            raise ValueError(f"warm_start needs the classes of the previous fit ({self.classes_}); y has {labels}")
        unknown = np.setdiff1d(labels, self.classes_)
        if unknown.size:
            raise ValueError(f"y has classes {unknown} not in classes_ {self.classes_}")
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least two classes; got one class ({self.classes_[0]!r})"
            )
        return X, y

    def _targets(self, y: npt.NDArray[Any]) -> Tuple[npt.NDArray[Any], int]:
        # Class indices; Network.fit one-hot encodes them.
        return np.searchsorted(self.classes_, y), len(self.classes_)

    @available_if(_NerveMLP._check_solver)  # type: ignore[untyped-decorator]
    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> Any:
        """One epoch over (X, y), starting a network on the first call (solvers "sgd" and "adam" only).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples.
        y : array_like of shape (n_samples,)
            Their class labels.
        classes : array_like, optional
            Every label the model will ever see; required on the first call, and then the same or None.

        Returns
        -------
        self
            The updated estimator.

        Raises
        ------
        ValueError
            Without classes on the first call, or for labels outside them.
        """
        if not hasattr(self, "net_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(f"classes {unique_labels(classes)} differ from classes_ {self.classes_} of earlier calls")
        return self._fit(X, y, incremental=True, classes=classes)

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]:
        """Class probabilities, one column per entry of ``classes_``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The softmax outputs; each row sums to 1.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before fit.
        """
        return self._predict_outputs(X)

    def predict(self, X: Any) -> Any:
        """The most probable class of each sample.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,)
            Entries of ``classes_``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before fit.
        """
        probabilities = self._predict_outputs(X)
        return self.classes_[np.argmax(probabilities, axis=1)]


@_own_init
class MLPRegressor(RegressorMixin, _NerveMLP):  # type: ignore[misc]
    __doc__ = """A multi-layer perceptron regressor.

    Hidden layers of `activation`, a linear output and the quadratic cost.
""" + _PARAMETERS

    _output_activation = "linear"
    _cost = "quadratic"

    def _validate_input(
        self, X: Any, y: Any, reset: bool, incremental: bool, classes: Any = None
    ) -> Tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        X, y = validate_data(
            self, X, y, dtype=(np.float64, np.float32), multi_output=True, y_numeric=True, reset=reset
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        outputs = 1 if y.ndim == 1 else y.shape[1]
        if reset:
            self.n_outputs_ = outputs
        elif outputs != self.n_outputs_:
            raise ValueError(f"y has {outputs} target columns; the model was fitted with {self.n_outputs_}")
        return X, y

    def _targets(self, y: npt.NDArray[Any]) -> Tuple[npt.NDArray[Any], int]:
        return y.reshape(y.shape[0], -1), int(self.n_outputs_)

    def _outputs_per_loss(self) -> int:
        return int(self.n_outputs_)

    @available_if(_NerveMLP._check_solver)  # type: ignore[untyped-decorator]
    def partial_fit(self, X: Any, y: Any) -> Any:
        """One epoch over (X, y), starting a network on the first call (solvers "sgd" and "adam" only).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples.
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Their target values; as many columns on every call.

        Returns
        -------
        self
            The updated estimator.

        Raises
        ------
        ValueError
            For targets with another number of columns than earlier calls.
        """
        return self._fit(X, y, incremental=True)

    def predict(self, X: Any) -> npt.NDArray[np.float64]:
        """The predicted target values.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when fitted on one target column.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before fit.
        """
        outputs = self._predict_outputs(X)
        return outputs.ravel() if self.n_outputs_ == 1 else outputs

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
