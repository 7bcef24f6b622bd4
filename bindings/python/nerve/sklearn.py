"""scikit-learn estimators backed by Nerve: MLPClassifier and MLPRegressor.

They take every parameter of sklearn.neural_network's estimators of the same names, in the same order and with
the same defaults and meaning, and work in pipelines, grid searches and cross-validation; the fitted attributes
are scikit-learn's too (``coefs_``, ``intercepts_``, ``loss_curve_``, ``validation_scores_``, ...). What differs,
and what is worth knowing:

- The network computes in float32 (``coefs_`` and ``intercepts_`` are float32), so results differ from
  scikit-learn's float64 runs in their last digits and, over many epochs, in more.
- learning_rate="adaptive" (solver "sgd") follows scikit-learn's code: once the training loss (or the validation
  score) has failed to improve by tol for more than n_iter_no_change epochs, the rate is divided by 5, and fit
  stops when it is already at most 1e-6. learning_rate="invscaling" sets, as scikit-learn does, the rate of
  each epoch after the first to learning_rate_init / (``t_`` + 1) ** power_t, ``t_`` being the samples trained
  on so far. As in scikit-learn, fit starts a new optimizer and partial_fit goes on with the one the previous
  fit or partial_fit left (momentum velocity, Adam moments); a new learning rate keeps it too.
- MLPRegressor(loss="poisson") refuses negative targets with a ValueError (scikit-learn trains on, to NaN
  losses).
- Extra parameters: ``class_weight`` (classifier; None, "balanced" or a dict, turned into per-sample weights as
  sklearn.utils.class_weight.compute_sample_weight does), ``dropout`` (the probability of dropping each hidden
  unit during training) and ``n_jobs`` (threads for fitting and predicting, with scikit-learn's meaning of the
  values: None is 1, -1 all processors; results do not depend on it).
- Nerve's activation names "linear", "sigmoid" and its "leaky_relu" are accepted besides scikit-learn's.
- Initial weights and biases are drawn as scikit-learn draws them (Glorot's uniform bounds), and so is the
  early-stopping split: the same int random_state gives scikit-learn's initial ``coefs_`` (in float32) and its
  validation set. Shuffling is Nerve's own, from a seed drawn next.
"""

from __future__ import annotations

import numbers
import warnings
from numbers import Integral, Real
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import numpy.typing as npt
from joblib import effective_n_jobs
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, InvalidParameterError, Options, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d, validate_data

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
# Nerve's output activation and cost for each of scikit-learn's out_activation_.
_OUTPUTS = {"softmax": ("softmax", "log_likelihood"), "logistic": ("sigmoid", "cross_entropy"),
            "identity": ("linear", "quadratic"), "exp": ("exp", "poisson")}
_STOCHASTIC_SOLVERS = ("sgd", "adam")
_SOLVERS = (*_STOCHASTIC_SOLVERS, "lbfgs")
_SEED_BOUND = np.iinfo(np.int32).max
_LOGISTIC_FLOOR = float(np.finfo(np.float32).tiny)
_LOGISTIC_STEP = 2.0**-24  # float32's spacing just below 1

_PARAMETERS = """
    hidden_layer_sizes : int or tuple of int, default (100,)
        The sizes of the hidden layers; () for none.
    activation : {"relu", "identity", "logistic", "tanh", "leaky_relu"}, default "relu"
        The hidden layers' activation; Nerve's names "linear" and "sigmoid" are accepted too.
    solver : {"adam", "sgd", "lbfgs"}, default "adam"
        Adam or SGD on mini-batches, or L-BFGS (scipy's L-BFGS-B) on the whole training set: often the
        quickest and best on small data sets. lbfgs uses alpha, max_iter, tol, max_fun and verbose only.
    alpha : float, default 0.0001
        Strength of the L2 penalty, as in scikit-learn: alpha/(2·Σw)·‖W‖² per mini-batch of weights Σw.
    batch_size : int or "auto", default "auto"
        Samples per mini-batch; "auto" is min(200, n_samples). Larger than n_samples is clipped, with a warning.
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant"
        The schedule of solver "sgd" (see the module's notes for how it runs here).
    learning_rate_init : float, default 0.001
        The initial learning rate (sgd and adam).
    power_t : float, default 0.5
        The exponent of "invscaling".
    max_iter : int, default 200
        The most epochs each fit runs; for lbfgs, the most iterations.
    shuffle : bool, default True
        Reshuffle the samples every epoch.
    random_state : int, RandomState instance or None, default None
        Draws the initial weights, the validation split and the seed of shuffling and dropout.
    tol : float, default 1e-4
        The least improvement of the training loss (or of the validation score with early_stopping) that
        counts; for lbfgs, the gradient tolerance (scipy's gtol) that ends the search.
    verbose : bool, default False
        Print scikit-learn's line per epoch (per iteration for lbfgs).
    warm_start : bool, default False
        Continue from the fitted network on the next fit.
    momentum : float, default 0.9
        SGD momentum, in [0, 1); Adam ignores it.
    nesterovs_momentum : bool, default True
        Nesterov's momentum for SGD (when momentum > 0).
    early_stopping : bool, default False
        Hold out validation_fraction of the data (stratified for binary classification, as in scikit-learn),
        stop after more than n_iter_no_change epochs whose validation score (accuracy or R²) does not improve
        by tol, and end with the weights of the best-scoring epoch.
    validation_fraction : float, default 0.1
        The share of the training data held out for early stopping.
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's coefficients.
    n_iter_no_change : int or inf, default 10
        Epochs without improvement tolerated, of early stopping or of the training loss.
    max_fun : int, default 15000
        lbfgs only: the most evaluations of the cost and its gradient.
    dropout : float, default 0.0
        Probability in [0, 1) of dropping each hidden unit during training (sgd and adam).
    n_jobs : int, default None
        How many threads fit, partial_fit and predict may use: None means 1 unless in a
        joblib.parallel_config context, -1 means all processors (at most 256), -2 all but one, and so on.
        Results do not depend on it: the same random_state and data give bit-identical weights and
        predictions with any number of threads. A change applies from the next call.
"""

_ATTRIBUTES = """
    Attributes
    ----------
    coefs_, intercepts_ : list of ndarray
        Each layer's weights of shape (n_in, n_out) and biases, float32 copies; assigning a list sets them.
    loss_ : float
        The last epoch's loss (mean over its mini-batches, L2 term included), as scikit-learn defines it.
    best_loss_ : float or None
        The least ``loss_`` so far; None with early_stopping.
    loss_curve_ : list of float
        ``loss_`` of every epoch (sgd and adam only).
    validation_scores_ : list of float or None
        The validation score after every epoch with early_stopping; else None.
    best_validation_score_ : float or None
        Their best; None without early_stopping.
    t_ : int
        Samples trained on, over all calls.
    n_iter_ : int
        Epochs of the last call (iterations for lbfgs).
    n_layers_, n_outputs_ : int
        Layers counting the input, and outputs.
    out_activation_ : str
        "softmax", "logistic" or "identity".
    n_features_in_, feature_names_in_
        As every scikit-learn estimator.
    net_ : Network
        The Nerve network itself.
"""


def _invalid(name: str, estimator: object, expected: str, value: object) -> InvalidParameterError:
    """scikit-learn's own error, in its words, for the checks its constraints cannot express."""
    return InvalidParameterError(
        f"The {name!r} parameter of {type(estimator).__name__} must be {expected}. Got {value!r} instead."
    )


class _NerveMLP(BaseEstimator):  # type: ignore[misc]  # scikit-learn ships no type information
    """Parameters, validation and the training loop shared by the classifier and the regressor."""

    # Checked by scikit-learn's own machinery at fit, so messages read as scikit-learn's do.
    _parameter_constraints: Dict[str, List[Any]] = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "solver": [StrOptions(set(_SOLVERS))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "n_jobs": [None, Interval(Integral, None, -1, closed="right"), Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes: Any,
        activation: str,
        *,
        solver: str,
        alpha: float,
        batch_size: Any,
        learning_rate: str,
        learning_rate_init: float,
        power_t: float,
        max_iter: int,
        shuffle: bool,
        random_state: Any,
        tol: float,
        verbose: bool,
        warm_start: bool,
        momentum: float,
        nesterovs_momentum: bool,
        early_stopping: bool,
        validation_fraction: float,
        beta_1: float,
        beta_2: float,
        epsilon: float,
        n_iter_no_change: Any,
        max_fun: int,
        dropout: float,
        n_jobs: Optional[int],
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
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

    # ------------------------------------------------------------------------------------ fitted parameters

    @property
    def coefs_(self) -> List[npt.NDArray[np.float32]]:
        """list of ndarray : Each layer's weights, shape (n_in, n_out) as in scikit-learn."""
        net = self.__dict__.get("net_")
        if net is None:
            raise AttributeError(f"{type(self).__name__} has no coefs_ before fit")
        return [np.ascontiguousarray(weights.T) for weights in net.weights]

    @coefs_.setter
    def coefs_(self, values: List[Any]) -> None:
        for layer, value in enumerate(values):
            self.net_.set_layer(layer, weights=np.asarray(value).T)

    @property
    def intercepts_(self) -> List[npt.NDArray[np.float32]]:
        """list of ndarray : Each layer's biases, shape (n_out,)."""
        net = self.__dict__.get("net_")
        if net is None:
            raise AttributeError(f"{type(self).__name__} has no intercepts_ before fit")
        return list(net.biases)

    @intercepts_.setter
    def intercepts_(self, values: List[Any]) -> None:
        for layer, value in enumerate(values):
            self.net_.set_layer(layer, biases=np.asarray(value))

    # ---------------------------------------------------------------------------------------------- training

    def _initialize(self, n_features: int, n_outputs: int, rng: np.random.RandomState) -> npt.NDArray[np.float64]:
        """The initial parameters as scikit-learn draws them (the same values, in the same order, from rng)."""
        units = [n_features, *self._hidden_sizes(), n_outputs]
        # Glorot's uniform bounds, as scikit-learn's _init_coef; biases are drawn from the same range.
        factor = 2.0 if _ACTIVATIONS[self.activation] == "sigmoid" else 6.0
        parameters = []
        for fan_in, fan_out in zip(units[:-1], units[1:]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            weights = rng.uniform(-bound, bound, (fan_in, fan_out))
            biases = rng.uniform(-bound, bound, fan_out)
            parameters += [weights.T.ravel(), biases]
        self.n_layers_ = len(units)
        self.n_iter_ = 0
        self.t_ = 0
        if self.solver in _STOCHASTIC_SOLVERS:  # as in scikit-learn, lbfgs keeps no loss curve
            self._reset_curves()
        return np.concatenate(parameters)

    def _create_network(self, parameters: Optional[npt.NDArray[np.float64]], rng: np.random.RandomState) -> None:
        """The network, once the validation split has drawn from rng as scikit-learn's does (None: keep it)."""
        if parameters is None:
            return
        hidden = self._hidden_sizes()
        output, cost = _OUTPUTS[self.out_activation_]
        activations = [_ACTIVATIONS[self.activation]] * len(hidden) + [output]
        sizes = [self.n_features_in_, *hidden, self.n_outputs_]
        # The network's own generator shuffles and draws dropout masks.
        net = Network(sizes, activations=activations, cost=cost, seed=int(rng.randint(_SEED_BOUND)))
        net.set_parameters(parameters)
        net.threads = self._threads()
        self.net_ = net

    def _reset_curves(self) -> None:
        self.loss_curve_: List[float] = []
        self._no_improvement_count = 0
        self._best_parameters: Optional[npt.NDArray[np.float32]] = None
        if self.early_stopping:
            self.validation_scores_: Optional[List[float]] = []
            self.best_validation_score_: Optional[float] = -np.inf
            self.best_loss_: Optional[float] = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _batch_size(self, n: int) -> int:
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is going to be clipped")
        return int(np.clip(self.batch_size, 1, n))

    def _train(
        self,
        X: npt.NDArray[Any],
        targets: npt.NDArray[Any],
        y: npt.NDArray[Any],
        sample_weight: Optional[npt.NDArray[np.float64]],
        rng: np.random.RandomState,
        incremental: bool,
        initial: Optional[npt.NDArray[np.float64]],
    ) -> None:
        """scikit-learn's _fit_stochastic on Nerve: targets as the network takes them, y as _score takes it."""
        if not hasattr(self, "loss_curve_") or self.early_stopping != (self.validation_scores_ is not None):
            self._reset_curves()  # a warm start after lbfgs, or one that turned early stopping on or off
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        early_stopping = self.early_stopping
        validation: Optional[Tuple[Any, Any, Any]] = None
        if early_stopping:
            # scikit-learn stratifies binary problems only (its binarised y has one column then).
            stratify = y if is_classifier(self) and self.n_outputs_ == 1 else None
            arrays = [X, targets, y] + ([] if sample_weight is None else [sample_weight])
            split = train_test_split(*arrays, random_state=rng, test_size=self.validation_fraction, stratify=stratify)
            X, X_val, targets, _, y, y_val = split[:6]
            if sample_weight is not None:
                sample_weight, weight_val = split[6:8]
            else:
                weight_val = None
            if X_val.shape[0] < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
                )
            validation = (X_val, y_val, weight_val)
        self._create_network(initial, rng)
        n = X.shape[0]
        batch = self._batch_size(n)
        sgd = self.solver == "sgd"
        schedule = self.learning_rate if sgd else "constant"
        if not incremental or not hasattr(self, "_rate"):
            self._rate = float(self.learning_rate_init)
        net = self.net_
        weights_mask = self._weights_mask()
        # scikit-learn adds alpha·W/Σw to each mini-batch's gradient (Σw over the batch); Nerve adds λ/Σw·W
        # (Σw over the data set), the same on average when λ = alpha·n/batch.
        l2 = self.alpha * n / batch
        weight_sum = float(n if sample_weight is None else np.sum(sample_weight))
        n_outputs = self._outputs_per_loss()

        state = {"stop": False, "restart": False}

        def after_epoch(epoch: Epoch) -> bool:
            loss = float(epoch.train_cost)
            if n_outputs > 1:
                # Nerve's quadratic cost sums its outputs, scikit-learn's squared error averages them.
                w = net.get_parameters()[weights_mask].astype(np.float64)
                penalty = 0.5 * l2 / weight_sum * float(w @ w)
                loss = (loss - penalty) / n_outputs + penalty
            self.n_iter_ += 1
            self.t_ += n
            self.loss_ = loss
            self.loss_curve_.append(loss)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {loss:.8f}", flush=True)
            self._count_no_improvement(validation)
            if schedule == "invscaling":
                self._rate = float(self.learning_rate_init) / (self.t_ + 1) ** self.power_t
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if early_stopping else "Training loss"
                message = (
                    f"{what} did not improve more than tol={self.tol:f} for {self.n_iter_no_change} "
                    "consecutive epochs."
                )
                if schedule != "adaptive":
                    self._say(message + " Stopping.")
                    state["stop"] = True
                elif self._rate <= 1e-6:
                    self._say(message + " Learning rate too small. Stopping.")
                    state["stop"] = True
                else:
                    self._rate /= 5.0
                    self._say(message + f" Setting learning rate to {self._rate:f}")
                    self._no_improvement_count = 0
                    state["restart"] = True
            return state["stop"] or state["restart"] or schedule == "invscaling"

        self.n_iter_ = 0
        remaining = 1 if incremental else self.max_iter
        options: Dict[str, Any] = dict(
            batch_size=batch,
            # Network.fit refuses options its optimizer does not use; scikit-learn ignores them.
            momentum=self.momentum if sgd else 0.0,
            l2=l2,
            dropout=self.dropout,
            optimizer=self.solver,
            adam_beta1=None if sgd else self.beta_1,
            adam_beta2=None if sgd else self.beta_2,
            adam_epsilon=None if sgd else self.epsilon,
            shuffle=self.shuffle,
            callback=after_epoch,
        )
        if sgd and self.momentum > 0:
            options["nesterov"] = bool(self.nesterovs_momentum)
        if sample_weight is not None:
            options["sample_weight"] = sample_weight
        resume = incremental  # scikit-learn's fit makes a new optimizer; partial_fit keeps the last one
        try:
            while remaining > 0 and not state["stop"]:
                state["restart"] = False
                history = net.fit(
                    X, targets, epochs=remaining, learning_rate=self._rate, resume_optimizer=resume, **options
                )
                resume = True
                remaining -= len(history)
                if not history:
                    break
            if not state["stop"] and not incremental:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the optimization "
                    "hasn't converged yet.",
                    ConvergenceWarning,
                )
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.")
        if early_stopping and self._best_parameters is not None:
            net.set_parameters(self._best_parameters)  # scikit-learn ends with the best-scoring weights

    def _say(self, message: str) -> None:
        if self.verbose:
            print(message, flush=True)

    def _count_no_improvement(self, validation: Optional[Tuple[Any, Any, Any]]) -> None:
        """scikit-learn's _update_no_improvement_count, after each epoch."""
        if validation is not None:
            X_val, y_val, weight_val = validation
            score = float(self._score_arrays(X_val, y_val, weight_val))
            assert self.validation_scores_ is not None and self.best_validation_score_ is not None
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}", flush=True)
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_parameters = self.net_.get_parameters()
        else:
            assert self.best_loss_ is not None
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    def _weights_mask(self) -> npt.NDArray[np.bool_]:
        """Which entries of the parameter vector are weights (L2 applies to them, not to biases)."""
        mask = []
        for weights, biases in zip(self.net_.weights, self.net_.biases):
            mask += [np.ones(weights.size, dtype=bool), np.zeros(biases.size, dtype=bool)]
        return np.concatenate(mask)

    def _train_lbfgs(
        self,
        X: npt.NDArray[Any],
        targets: npt.NDArray[Any],
        sample_weight: Optional[npt.NDArray[np.float64]],
        rng: np.random.RandomState,
        initial: Optional[npt.NDArray[np.float64]],
    ) -> None:
        """Minimises scikit-learn's full-batch objective with scipy's L-BFGS-B, from the network's parameters.

        With sample weights, the samples of each distinct weight form a group whose mean cost and gradient Nerve
        computes; the objective Σ wᵢ·lossᵢ / Σw + alpha/(2Σw)·‖W‖² is their weighted sum.
        """
        import scipy.optimize  # only lbfgs needs scipy

        self._create_network(initial, rng)
        net = self.net_
        x = net._inputs(X, name="X")
        y = _arrays.targets(targets, x.shape[0], net.output_size, name="y")
        weights = np.ones(x.shape[0]) if sample_weight is None else sample_weight
        total = float(weights.sum())
        groups = []
        for value in np.unique(weights[weights > 0]):
            rows = np.flatnonzero(weights == value)
            whole = rows.size == x.shape[0]
            groups.append((value, rows.size, x if whole else x[rows], y if whole else y[rows]))
        # Nerve's quadratic cost sums over outputs where scikit-learn's squared error averages over them.
        outputs = self._outputs_per_loss()
        latest_loss, iteration = np.nan, 0

        def objective(parameters: npt.NDArray[np.float64]) -> Tuple[float, npt.NDArray[np.float64]]:
            nonlocal latest_loss
            net.set_parameters(parameters)
            loss, gradient = 0.0, np.zeros(parameters.size)
            for value, count, x_group, y_group in groups:
                # cost_gradient adds ½(l2/count)·‖W‖²; times the group's share, 1/len(groups) of the penalty.
                l2 = self.alpha * outputs / (len(groups) * value)
                cost, group_gradient = net.cost_gradient(x_group, y_group, l2=l2)
                share = value * count / total / outputs
                loss += share * cost
                gradient += share * group_gradient.astype(np.float64)
            latest_loss = loss
            return loss, gradient

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

    def _targets(self, y: npt.NDArray[Any]) -> npt.NDArray[Any]:
        raise NotImplementedError

    def _score_arrays(self, X: npt.NDArray[Any], y: npt.NDArray[Any], weight: Optional[npt.NDArray[Any]]) -> float:
        raise NotImplementedError

    def _sample_weight(self, X: npt.NDArray[Any], y: npt.NDArray[Any], sample_weight: Any) -> Any:
        if sample_weight is None:
            return None
        return _check_sample_weight(sample_weight, X, dtype=np.float64)

    def _fit(
        self, X: Any, y: Any, sample_weight: Any, incremental: bool, classes: Any = None
    ) -> _NerveMLP:
        self._check_params()
        reset = not hasattr(self, "net_") or not (incremental or self.warm_start)
        X, y = self._validate_input(X, y, reset=reset, incremental=incremental, classes=classes)
        weight = self._sample_weight(X, y, sample_weight)
        targets = self._targets(y)
        rng = check_random_state(self.random_state)
        initial = self._initialize(X.shape[1], targets.shape[1], rng) if reset else None
        if not reset:
            self.net_.threads = self._threads()
        if self.solver == "lbfgs":
            self._train_lbfgs(X, targets, weight, rng, initial)
        else:
            self._train(X, targets, y, weight, rng, incremental, initial)
        return self

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        """Trains for up to max_iter epochs (a fresh network unless warm_start and already fitted).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples; a pandas DataFrame (nullable dtypes included) works too.
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels or a 0/1 indicator matrix of labels (classifier), or target values (regressor); a
            one-column DataFrame is read as 1-D, with scikit-learn's DataConversionWarning.
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative weights: each sample's loss and gradient count in proportion to its weight, so an
            integer weight acts as that many copies of the sample within its mini-batch.

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

        Warns
        -----
        ConvergenceWarning
            When max_iter epochs ran without meeting the stopping rule, as scikit-learn warns.
        UserWarning
            "Training interrupted by user." after Ctrl-C: fit then returns the model as it stands.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _outputs(self, X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return self.net_.predict(X).astype(np.float64)

    def _predict_outputs(self, X: Any) -> npt.NDArray[np.float64]:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        threads = self._threads()
        if self.net_.threads != threads:
            self.net_.threads = threads
        return self._outputs(X)


_CLASSIFIER_PARAMETERS = _PARAMETERS.replace(
    "    dropout : float",
    """    class_weight : dict, "balanced" or None, default None
        Weights of the classes, multiplying sample_weight as compute_sample_weight(class_weight, y) gives them;
        "balanced" weighs each class by n_samples / (n_classes · its count).
    dropout : float""",
)


class MLPClassifier(ClassifierMixin, _NerveMLP):  # type: ignore[misc]
    __doc__ = f"""A multi-layer perceptron classifier.

    Hidden layers of `activation`; a softmax output and the log-likelihood cost for several classes, logistic
    outputs and cross-entropy for two classes (one output) and for multilabel targets (one output per label).

    Parameters
    ----------{_CLASSIFIER_PARAMETERS}{_ATTRIBUTES}    classes_ : ndarray
        The class labels (for multilabel y, the label indices).
"""

    _parameter_constraints = {
        **_NerveMLP._parameter_constraints,
        "class_weight": [None, dict, StrOptions({"balanced"})],
    }

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: Any = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: Any = 10,
        max_fun: int = 15000,
        class_weight: Any = None,
        dropout: float = 0.0,
        n_jobs: Optional[int] = None,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, solver=solver, alpha=alpha,
            batch_size=batch_size, learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state, tol=tol,
            verbose=verbose, warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun, dropout=dropout, n_jobs=n_jobs,
        )
        self.class_weight = class_weight

    def _validate_input(
        self, X: Any, y: Any, reset: bool, incremental: bool, classes: Any = None
    ) -> Tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32), multi_output=True, reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        kind = type_of_target(y)
        if kind not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(f"Unknown label type: {kind!r}; y must be class labels or a 0/1 indicator matrix")
        if reset:
            binarizer = LabelBinarizer()
            binarizer.fit(classes if incremental and kind != "multilabel-indicator" else y)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least two classes; "
                    f"got one class ({binarizer.classes_[0]!r})"
                )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
            self.out_activation_ = "softmax" if binarizer.y_type_ == "multiclass" else "logistic"
            self.n_outputs_ = 1 if binarizer.y_type_ == "binary" else len(binarizer.classes_)
        else:
            labels = unique_labels(y)
            if self.warm_start and not incremental and set(labels) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes as in the previous call to fit. "
                    f"Previously got {self.classes_}, `y` has {labels}"
                )
            if len(np.setdiff1d(labels, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has {self.classes_}. 'y' has {labels}."
                )
        return X, y

    def _targets(self, y: npt.NDArray[Any]) -> npt.NDArray[Any]:
        targets: npt.NDArray[Any] = self._label_binarizer.transform(y).astype(np.float32)
        return targets

    def _sample_weight(self, X: npt.NDArray[Any], y: npt.NDArray[Any], sample_weight: Any) -> Any:
        weight = super()._sample_weight(X, y, sample_weight)
        if self.class_weight is None:
            return weight
        by_class = compute_sample_weight(self.class_weight, y)
        return by_class if weight is None else weight * by_class

    def _probabilities(self, outputs: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self.out_activation_ == "softmax":
            # Renormalised in float64, so that rows sum to 1 as log_loss expects.
            normalised: npt.NDArray[np.float64] = outputs / outputs.sum(axis=1, keepdims=True)
            return normalised
        # A float32 logistic output rounds to 1 beyond z ≈ 17 (and to 0 below z ≈ -104): kept strictly inside
        # (0, 1), at the nearest values float32 can tell apart from the ends, as log-loss and callers expect.
        outputs = np.clip(outputs, _LOGISTIC_FLOOR, 1.0 - _LOGISTIC_STEP)
        if self.n_outputs_ == 1:
            positive = outputs[:, 0]
            return np.column_stack([1.0 - positive, positive])
        return outputs

    def _predict_labels(self, probabilities: npt.NDArray[np.float64]) -> Any:
        if self.n_outputs_ == 1:
            probabilities = probabilities[:, 1:]
        return self._label_binarizer.inverse_transform(probabilities)

    def _score_arrays(self, X: npt.NDArray[Any], y: npt.NDArray[Any], weight: Optional[npt.NDArray[Any]]) -> float:
        predicted = self._predict_labels(self._probabilities(self._outputs(X)))
        return float(accuracy_score(y, predicted, sample_weight=weight))

    @available_if(_NerveMLP._check_solver)  # type: ignore[untyped-decorator]
    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> Any:
        """One epoch over (X, y), starting a network on the first call (solvers "sgd" and "adam" only).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples.
        y : array_like of shape (n_samples,) or (n_samples, n_labels)
            Their class labels, or a 0/1 indicator matrix.
        classes : array_like, optional
            Every label the model will ever see; required on the first call (unless y is an indicator matrix),
            and then the same or None.
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative weights of the samples, as in fit.

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
            if classes is None and type_of_target(y) != "multilabel-indicator":
                raise ValueError("classes must be passed on the first call to partial_fit")
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"`classes={unique_labels(classes)}` is not the same as on last call to partial_fit, "
                f"was: {self.classes_}"
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X: Any) -> npt.NDArray[np.float64]:
        """Class probabilities, one column per entry of ``classes_``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            For several classes and for two, each row sums to 1 in float64; for multilabel targets, each
            label's probability.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before fit.
        """
        return self._probabilities(self._predict_outputs(X))

    def predict_log_proba(self, X: Any) -> npt.NDArray[np.float64]:
        """The logarithm of predict_proba.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            log(predict_proba(X)).
        """
        probabilities = self.predict_proba(X)
        return np.log(probabilities, out=probabilities)

    def predict(self, X: Any) -> Any:
        """The most probable class of each sample, or each label's 0/1 for multilabel targets.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
            Entries of ``classes_``, or the indicator matrix (probability above 0.5).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before fit.
        """
        return self._predict_labels(self.predict_proba(X))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _NerveMLP):  # type: ignore[misc]
    __doc__ = f"""A multi-layer perceptron regressor.

    Hidden layers of `activation`, then a linear output and the squared error, or an exponential output and the
    Poisson deviance.

    Parameters
    ----------
    loss : {{"squared_error", "poisson"}}, default "squared_error"
        The loss, as scikit-learn's: half the squared error, averaged over samples and outputs, with a linear
        output; or half the Poisson deviance, y ln(y/ŷ) − y + ŷ averaged over samples and summed over outputs,
        with an exponential output (the log link), for counts and rates (y >= 0).{_PARAMETERS}
{_ATTRIBUTES}"""

    _parameter_constraints = {
        **_NerveMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: Any = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: Any = 10,
        max_fun: int = 15000,
        dropout: float = 0.0,
        n_jobs: Optional[int] = None,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, solver=solver, alpha=alpha,
            batch_size=batch_size, learning_rate=learning_rate, learning_rate_init=learning_rate_init,
            power_t=power_t, max_iter=max_iter, shuffle=shuffle, random_state=random_state, tol=tol,
            verbose=verbose, warm_start=warm_start, momentum=momentum, nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping, validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, n_iter_no_change=n_iter_no_change, max_fun=max_fun, dropout=dropout, n_jobs=n_jobs,
        )
        self.loss = loss

    def _validate_input(
        self, X: Any, y: Any, reset: bool, incremental: bool, classes: Any = None
    ) -> Tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        X, y = validate_data(
            self, X, y, dtype=(np.float64, np.float32), multi_output=True, y_numeric=True, reset=reset
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        outputs = 1 if y.ndim == 1 else y.shape[1]
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(f"loss='poisson' needs targets y >= 0 (counts or rates); the smallest is {np.min(y)}")
        if reset:
            self.n_outputs_ = outputs
            self.out_activation_ = "exp" if self.loss == "poisson" else "identity"
        elif outputs != self.n_outputs_:
            raise ValueError(f"y has {outputs} target columns; the model was fitted with {self.n_outputs_}")
        return X, y

    def _targets(self, y: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return y.reshape(y.shape[0], -1)

    def _outputs_per_loss(self) -> int:
        # scikit-learn's Poisson loss sums its outputs, as Nerve's costs do; its squared error averages them.
        return 1 if self.loss == "poisson" else int(self.n_outputs_)

    def _score_arrays(self, X: npt.NDArray[Any], y: npt.NDArray[Any], weight: Optional[npt.NDArray[Any]]) -> float:
        predicted = self._outputs(X)
        return float(r2_score(y, predicted.ravel() if self.n_outputs_ == 1 else predicted, sample_weight=weight))

    @available_if(_NerveMLP._check_solver)  # type: ignore[untyped-decorator]
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        """One epoch over (X, y), starting a network on the first call (solvers "sgd" and "adam" only).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples.
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            Their target values; as many columns on every call.
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative weights of the samples, as in fit.

        Returns
        -------
        self
            The updated estimator.

        Raises
        ------
        ValueError
            For targets with another number of columns than earlier calls.
        """
        return self._fit(X, y, sample_weight, incremental=True)

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
