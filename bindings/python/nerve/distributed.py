"""Data-parallel training over MPI: every rank trains on its own shard and all ranks take identical steps.

Each rank holds a copy of the network. Before every optimizer step the ranks average their gradients (one
MPI Allreduce inside the library's gradient hook), so every copy takes the step one process would take on the
union of the ranks' batches, and the copies stay equal. Network.fit does all of it when given a communicator::

    # train.py — run with:  mpirun -np 4 python -m mpi4py train.py
    from mpi4py import MPI

    import nerve
    from nerve.distributed import shard

    comm = MPI.COMM_WORLD
    (X, y), (X_test, y_test) = nerve.datasets.load_fashion_mnist()
    X_rank, y_rank = shard(X, y, comm)                  # rank r takes samples r, r + N, r + 2N, ...
    net = nerve.Network([784, 100, 10], activations=["relu", "softmax"], seed=0)
    net.fit(X_rank, y_rank, epochs=5, batch_size=32,    # 32 per rank: a global batch of 32 × N
            learning_rate=0.1, momentum=0.9, l2=5.0,
            validation_data=shard(X_test, y_test, comm), comm=comm)
    if comm.Get_rank() == 0:
        net.save("fashion.nerve")                       # every rank holds the same weights: one saves

Semantics
---------
* The network should be created with the same seed on every rank; rank 0's parameters are broadcast to the
  others when training starts anyway, so all copies begin equal.
* ``batch_size`` is per rank: a step's global batch is batch_size × ranks samples. The gradient each rank
  computes (the mean over its `rows` samples of the step) is replaced by the global mean
  Σ_r rows_r·g_r / Σ_r rows_r, so shards of different sizes are weighted by what they contribute. The ranks
  know each other's sample counts, hence every step's rows, so this takes one allreduce of the P gradient
  values (4P bytes) per step, made in place in the library's buffer.
* Every rank takes max_r ceil(n_r / batch_size) steps per epoch; a rank whose shard is used up contributes
  zero rows to the remaining steps but still takes them. L2 and L1 are scaled by λ / Σ_r n_r, as for one
  process on all the data.
* With ``shuffle=False``, rank r's k-th batch is the k-th slice of its shard. With the interleaved shards of
  :func:`shard` (rank r takes samples r, r + N, ...), the union of the ranks' k-th batches is then exactly the
  k-th batch one process would train with batch_size × N: distributed and single-process training agree up to
  float32 rounding. With ``shuffle=True`` each rank shuffles its own shard.
* The epoch figures (training and validation cost and accuracy) are the means over the ranks weighted by their
  sample counts, so early stopping, the learning-rate schedule and divergence are decided alike on every rank;
  a callback that returns True on any rank stops every rank after that epoch. Progress is shown on rank 0.
* Dropout masks and shuffled orders come from each rank's own generator (the network's seed): create the
  networks with ``seed=seed + rank`` to make them differ between ranks; the broadcast still starts every rank
  from rank 0's weights.

Failures
--------
MPI collectives wait for every rank, so a rank that leaves training alone leaves the others waiting:

* An exception in the user's callback on one rank stops every rank after that epoch (the ranks agree on
  stopping once per epoch); fit re-raises the exception on that rank and returns normally on the others (their
  history says `stopped`). If the exception ends that rank's script, mpirun reports its error status.
* An exception inside a hook (an MPI error, a KeyboardInterrupt, a broken communicator) ends training on that
  rank with NERVE_E_ABORTED and fit re-raises it there, while the other ranks wait in an allreduce it will never
  join. The process is then marked to call ``MPI_Abort`` when Python exits (``mpi4py.run.set_abort_status``),
  which ends the whole job with an error. Without it, mpi4py's ``MPI_Finalize`` at exit would wait for the
  other ranks forever.
* An uncaught exception elsewhere in the script exits the process, and by default mpi4py then calls
  ``MPI_Finalize``, which waits for the other ranks; if they are inside a collective, the job hangs. Run scripts
  as ``python -m mpi4py script.py`` (any uncaught exception then calls ``MPI_Abort``) or wrap the work in
  :func:`abort_on_error`, as Horovod users do.
  The same holds for mistakes that fit detects on one rank only (an empty shard, a wrong shape): it checks its
  arguments before the ranks first communicate, so it raises on that rank while the others wait for it.
* A rank that dies (a signal, the out-of-memory killer) makes ``mpirun`` end the job with an error status.
"""

from __future__ import annotations

import math
import sys
import time
import traceback
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Protocol, Tuple, runtime_checkable

import numpy as np
import numpy.typing as npt

from . import _lib

__all__ = ["Coordinator", "abort_on_error", "rank_shard", "shard"]

_COMM_METHODS = ("Allreduce", "Bcast", "Get_rank", "Get_size")


@runtime_checkable
class Communicator(Protocol):
    """The part of an mpi4py ``Comm`` this module uses (``MPI.COMM_WORLD`` or any intracommunicator)."""

    def Allreduce(self, sendbuf: Any, recvbuf: Any, op: Any = ...) -> None: ...

    def Bcast(self, buf: Any, root: int = 0) -> None: ...

    def Get_rank(self) -> int: ...

    def Get_size(self) -> int: ...


def _check_comm(comm: Any) -> Communicator:
    missing = [name for name in _COMM_METHODS if not callable(getattr(comm, name, None))]
    if missing:
        raise TypeError(
            f"comm must be an mpi4py communicator such as MPI.COMM_WORLD; {type(comm).__name__} lacks "
            + ", ".join(missing)
        )
    checked: Communicator = comm
    return checked


def _mpi() -> Any:
    """mpi4py.MPI, for its reduction operations and IN_PLACE."""
    try:
        from mpi4py import MPI
    except ImportError as error:  # pragma: no cover - a communicator without mpi4py is unusual
        raise ImportError("data-parallel training needs mpi4py (pip install mpi4py)") from error
    return MPI


def _rank_and_size(comm: Any) -> Tuple[int, int]:
    comm = _check_comm(comm)
    return int(comm.Get_rank()), int(comm.Get_size())


def rank_shard(n: int, comm: Any, contiguous: bool = False) -> slice:
    """The samples of `n` that this rank trains on, as a slice.

    Parameters
    ----------
    n : int
        Number of samples to share out.
    comm : mpi4py communicator
        Its rank r and size N choose the shard.
    contiguous : bool, default False
        False: interleaved, rank r takes samples r, r + N, r + 2N, ... (``slice(r, n, N)``). True: rank r takes
        the r-th of N consecutive blocks whose sizes differ by at most one.

    Returns
    -------
    slice
        Index X with it: ``X[rank_shard(len(X), comm)]``. Shard sizes differ by at most one sample either way.

    Notes
    -----
    Interleaved shards make distributed training reproduce single-process training: with shuffle=False and a
    per-rank batch of b, the samples of the ranks' k-th batches are together exactly samples [k·N·b,
    (k+1)·N·b), the k-th batch of one process training with batch N·b, whatever b and n (the last batch
    included). Contiguous shards keep each rank's samples together (memory-mapped files read by ranges) but
    do not have that property.
    """
    rank, size = _rank_and_size(comm)
    n = int(n)
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if not contiguous:
        return slice(rank, n, size)
    quotient, remainder = divmod(n, size)
    start = rank * quotient + min(rank, remainder)
    return slice(start, start + quotient + (1 if rank < remainder else 0))


def shard(X: Any, y: Any = None, comm: Any = None, contiguous: bool = False) -> Any:
    """This rank's shard of the samples X (and targets y), as :func:`rank_shard` chooses it.

    Parameters
    ----------
    X : array_like
        Samples, one per row (or one per first index, for images).
    y : array_like, optional
        Targets with one entry per sample; None to shard X alone.
    comm : mpi4py communicator
        Required; ``shard(X, comm)`` shards X alone.
    contiguous : bool, default False
        Interleaved (False) or contiguous (True) shards; see :func:`rank_shard`.

    Returns
    -------
    ndarray or tuple of ndarray
        ``X[s]`` alone when y is None, else ``(X[s], y[s])``, s being this rank's slice. The arrays are views
        when the inputs are numpy arrays.
    """
    if comm is None and y is not None and all(callable(getattr(y, name, None)) for name in _COMM_METHODS):
        y, comm = None, y  # shard(X, comm)
    if comm is None:
        raise TypeError("shard needs comm, the communicator whose ranks share the samples")
    X = np.asarray(X)
    part = rank_shard(len(X), comm, contiguous=contiguous)
    if y is None:
        return X[part]
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X holds {len(X)} samples but y {len(y)}")
    return X[part], y[part]


@contextmanager
def abort_on_error(comm: Any = None, status: int = 1) -> Iterator[None]:
    """Ends the whole MPI job when the block raises, instead of leaving the other ranks waiting.

    The traceback is printed to stderr, then ``comm.Abort(status)`` (``MPI.COMM_WORLD`` by default) is called.
    This is what ``python -m mpi4py script.py`` does for any uncaught exception. ``sys.exit(0)`` (or ``sys.exit()``)
    passes through as a deliberate, clean exit.

    Parameters
    ----------
    comm : mpi4py communicator, optional
        The job to end; ``MPI.COMM_WORLD`` by default.
    status : int, default 1
        The error code passed to ``Abort`` (a ``sys.exit(code)`` with a non-zero int uses that code).

    Raises
    ------
    BaseException
        Whatever the block raised, on a single-process job where Abort returns.

    Examples
    --------
    >>> with abort_on_error(comm):                  # doctest: +SKIP
    ...     net.fit(X_rank, y_rank, batch_size=32, comm=comm)
    """
    try:
        yield
    except SystemExit as error:
        if error.code not in (0, None):
            _abort(comm, error.code if isinstance(error.code, int) else status)
        raise
    except BaseException:
        _abort(comm, status)
        raise  # pragma: no cover - Abort does not return


def _abort(comm: Any, status: int) -> None:
    """Prints the exception being handled and aborts every rank of comm's job."""
    traceback.print_exc()
    sys.stderr.flush()
    sys.stdout.flush()
    if comm is None:
        comm = _mpi().COMM_WORLD
    comm.Abort(status)


def _abort_at_exit(error: BaseException) -> None:
    """Marks this process to call MPI_Abort at exit, as mpi4py does for `python -m mpi4py`."""
    try:
        from mpi4py import run

        run.set_abort_status(error)
    except Exception:  # pragma: no cover - an older mpi4py: the caller may still abort by itself
        pass


def _weighted_terms(values: np.ndarray, weights: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Each value times its weight, and the weights, NaN values weighing nothing: the terms of a weighted mean."""
    measured = ~np.isnan(values)
    weights = np.where(measured, weights, 0.0)
    return np.where(measured, values, 0.0) * weights, weights


_FIGURES = ("train_cost", "train_accuracy", "eval_cost", "eval_accuracy")


class Coordinator:
    """Keeps one rank's training in step with the other ranks of an MPI communicator.

    Network.fit makes one when given ``comm=`` and wires it into the training options; users rarely need it
    directly. Construction is collective: every rank of `comm` must construct its Coordinator at the same point.

    Parameters
    ----------
    network : nerve.Network
        This rank's copy of the network; it receives rank 0's parameters.
    comm : mpi4py communicator
        Anything with mpi4py's ``Allreduce``, ``Bcast``, ``Get_rank`` and ``Get_size`` (``MPI.COMM_WORLD``, a
        split communicator, ...).
    n_samples : int
        This rank's training samples.
    n_eval : int
        This rank's validation samples (0 without validation data).
    batch_size : int
        Samples per step on each rank; must be the same on every rank.

    Raises
    ------
    TypeError
        If comm lacks a method (on this rank only, before any communication).
    ValueError
        On every rank alike, when the ranks disagree on batch_size or on the network's parameter count, or a
        rank has no training samples or a negative count.

    Attributes
    ----------
    rank, size : int
        This rank and the number of ranks.
    total_samples, total_eval : int
        Training and validation samples over all ranks.
    steps_per_epoch : int
        max over ranks of ceil(n_r / batch_size).
    hook_calls : int
        Gradient averages made so far (one per step).
    hook_seconds : float
        Wall time spent in the gradient hook: the allreduce, including any wait for slower ranks, and the
        scaling before it; the cost of communication.
    """

    def __init__(self, network: Any, comm: Any, n_samples: int, n_eval: int, batch_size: int):
        self._comm = _check_comm(comm)
        self._MPI = _mpi()
        self.network = network
        self.rank = int(comm.Get_rank())
        self.size = int(comm.Get_size())
        self.hook_calls = 0
        self.hook_seconds = 0.0
        self._raised: Optional[BaseException] = None
        self._gradient_hook: Any = None
        self._report_hook: Any = None

        # Local problems travel with the collective below, so that every rank raises alike instead of some
        # ranks waiting for one that gave up.
        problems = []
        n_samples, n_eval, batch_size = int(n_samples), int(n_eval), int(batch_size)
        if n_samples < 0 or n_eval < 0:
            problems.append("negative sample count")
        if batch_size < 1:
            problems.append("batch_size below 1")
        count = int(network.parameter_count)
        steps = -(-n_samples // batch_size) if batch_size >= 1 else 0
        highest = np.array(
            [len(problems), n_samples == 0, batch_size, -batch_size, count, -count, steps, n_eval, -n_eval],
            dtype=np.int64,
        )
        comm.Allreduce(self._MPI.IN_PLACE, highest, op=self._MPI.MAX)
        # Every rank's sample counts: they tell each rank how many rows all ranks train in each step.
        counts = np.zeros((2, self.size), dtype=np.int64)
        counts[:, self.rank] = (n_samples, n_eval)
        comm.Allreduce(self._MPI.IN_PLACE, counts, op=self._MPI.SUM)
        (any_problem, any_empty, batch_max, batch_min, count_max, count_min, steps_max, eval_max, eval_min) = (
            int(value) for value in highest
        )
        batch_min, count_min, eval_min = -batch_min, -count_min, -eval_min
        if any_problem:
            raise ValueError(
                "a rank was given an invalid sample count or batch_size"
                + (f" (here: {', '.join(problems)})" if problems else "")
            )
        if batch_min != batch_max:
            raise ValueError(f"batch_size must be the same on every rank; the ranks use {batch_min} .. {batch_max}")
        if count_min != count_max:
            raise ValueError(
                f"the ranks' networks differ: they have {count_min} .. {count_max} parameters; build the same "
                "network on every rank"
            )
        if any_empty:
            raise ValueError(
                "a rank has no training samples; give every rank at least one (see nerve.distributed.shard)"
            )
        if steps_max > 2**31 - 1:
            raise ValueError(f"{steps_max} steps per epoch exceed the library's limit")
        self.batch_size = batch_size
        self.n_samples = n_samples
        self.n_eval = n_eval
        self.parameter_count = count
        self.total_samples = int(counts[0].sum())
        self.total_eval = int(counts[1].sum())
        self._counts = counts[0]
        self._full_steps = int(counts[0].min()) // batch_size
        self.steps_per_epoch = steps_max
        self._min_eval = eval_min
        self._max_eval = eval_max
        self._broadcast_parameters()

    # ---------------------------------------------------------------------------------------------- set-up

    def _broadcast_parameters(self) -> None:
        """Every rank starts from rank 0's weights (the same seed should already give them; this makes sure)."""
        if self.size == 1:
            return
        if self.rank == 0:
            values = np.ascontiguousarray(_get_parameters(self.network), dtype=np.float32)
        else:
            values = np.empty(self.parameter_count, dtype=np.float32)
        self._comm.Bcast([values, self._MPI.FLOAT], root=0)
        if self.rank != 0:
            _set_parameters(self.network, values)

    def configure(self, options: _lib.TrainOptions) -> None:
        """Sets steps_per_epoch, regularization_n and the two hooks of `options` (a ``_lib.TrainOptions``).

        Local: no communication. The hooks' ctypes function objects are kept on this Coordinator, which must
        therefore outlive the nerve_train call that uses `options`.

        Parameters
        ----------
        options : TrainOptions
            The options fit is about to train with.

        Raises
        ------
        ValueError
            If options.batch_size is not the batch_size given to the constructor, or early stopping or the
            learning-rate schedule is on while some rank has no validation data (the library would refuse on
            those ranks only and leave the others waiting).
        """
        if int(options.batch_size) != self.batch_size:
            raise ValueError(
                f"options.batch_size is {options.batch_size} but the ranks agreed on {self.batch_size}"
            )
        needs_eval = int(options.early_stopping) > 0 or float(options.lr_decay) > 0
        if needs_eval and self._min_eval == 0 and self._max_eval > 0:
            raise ValueError(
                "early stopping and the learning-rate schedule need validation data on every rank; some ranks "
                "have none (shard the validation data too, or give every rank all of it)"
            )
        self._gradient_hook = _lib.GRADIENT_FN(self._on_gradient)
        self._report_hook = _lib.REPORT_FN(self._on_report)
        options.steps_per_epoch = self.steps_per_epoch
        options.regularization_n = self.total_samples
        options.gradient_hook = self._gradient_hook
        options.report_hook = self._report_hook

    # ------------------------------------------------------------------------------------------------ hooks

    def _fail(self, error: BaseException) -> int:
        if self._raised is None:
            self._raised = error
        if self.size > 1:
            # This rank leaves the collective protocol mid-epoch; the others cannot finish without it.
            _abort_at_exit(error)
        return 1

    def _rows(self, step: int) -> Tuple[int, int]:
        """Rows this rank and all ranks train in step `step` of an epoch (each rank's k-th batch is its k-th
        slice of batch_size samples, the last one shorter, then nothing)."""
        if step < self._full_steps:  # every rank still has a whole batch
            return self.batch_size, self.size * self.batch_size
        low, high = step * self.batch_size, (step + 1) * self.batch_size
        mine = min(max(self.n_samples - low, 0), self.batch_size)
        every = np.clip(self._counts, low, high) - low
        return mine, int(every.sum())

    def _on_gradient(self, gradient: Any, count: int, position: Any, _hook_data: Any) -> int:
        """g ← Σ_r rows_r·g_r / Σ_r rows_r, in place (nerve_gradient_fn).

        Every rank knows how many rows each rank trains in each step, so it scales its own gradient by
        rows_r / Σ rows before the allreduce sums the scaled gradients: one allreduce of exactly the gradient,
        straight from the library's buffer, with no copy.
        """
        try:
            start = time.perf_counter()
            if count != self.parameter_count:
                raise RuntimeError(f"the gradient hook got {count} values, expected {self.parameter_count}")
            rows, step = position.contents.rows, position.contents.step - 1
            expected, total = self._rows(step)
            if rows != expected:
                raise RuntimeError(
                    f"step {step + 1} of the epoch trained {rows} samples on rank {self.rank}, expected {expected}: "
                    "training is out of step with the ranks' agreed batches"
                )
            if self.size > 1:
                values = np.ctypeslib.as_array(gradient, shape=(count,))
                if rows != total:
                    np.multiply(values, np.float32(rows / total), out=values)
                self._comm.Allreduce(self._MPI.IN_PLACE, [values, self._MPI.FLOAT], op=self._MPI.SUM)
            self.hook_calls += 1
            self.hook_seconds += time.perf_counter() - start
            return 0
        except BaseException as error:  # ctypes would print it and return garbage to the library
            return self._fail(error)

    def _on_report(self, report: Any, _hook_data: Any) -> int:
        """Replaces this rank's epoch figures by the sample-weighted means over all ranks (nerve_report_fn)."""
        try:
            contents = report.contents
            values = np.array([getattr(contents, name) for name in _FIGURES], dtype=np.float64)
            weights = np.array([self.n_samples] * 2 + [self.n_eval] * 2, dtype=np.float64)
            weighted, weights = _weighted_terms(values, weights)
            # Summed epoch numbers reveal ranks out of step (a bug, or a rank that restarted).
            message = np.concatenate([weighted, weights, [float(contents.epoch), 1.0]])
            self._comm.Allreduce(self._MPI.IN_PLACE, [message, self._MPI.DOUBLE], op=self._MPI.SUM)
            sums, weight_sums = message[:4], message[4:8]
            if message[8] != contents.epoch * message[9]:
                raise RuntimeError(f"ranks are out of step: this rank ends epoch {contents.epoch}, others differ")
            for name, total, weight in zip(_FIGURES, sums, weight_sums):
                setattr(contents, name, total / weight if weight > 0 else math.nan)
            return 0
        except BaseException as error:
            return self._fail(error)

    # ---------------------------------------------------------------------------------------- between epochs

    @property
    def shows_progress(self) -> bool:
        """bool : Whether this rank shows training progress (rank 0 does; the others would repeat it)."""
        return self.rank == 0

    def agree_on_accuracy_rule(self, *targets: Optional[npt.NDArray[np.float32]]) -> str:
        """The accuracy rule for every rank: the library's automatic choice applied to all ranks' targets together.

        Collective. Left to itself, each rank would choose from its own shard, and a shard of multi-label rows
        that happen to hold one label each would score by argmax while the others score label by label.

        Parameters
        ----------
        *targets : ndarray of shape (n, outputs), or None
            This rank's target rows (training, validation); None or no rows constrain nothing.

        Returns
        -------
        str
            "argmax" if every row on every rank is one-hot over 2 or more outputs, else "per_label" if every
            target is 0 or 1, else "none".
        """
        kinds = ("none", "per_label", "argmax")
        local = 2
        for y in targets:
            if y is None or y.shape[0] == 0:
                continue
            labels = bool(np.all((y == 0) | (y == 1)))
            one_hot = labels and y.shape[1] >= 2 and bool(np.all(y.sum(axis=1) == 1))
            local = min(local, 2 if one_hot else 1 if labels else 0)
        agreed = np.array([local], dtype=np.int64)
        self._comm.Allreduce(self._MPI.IN_PLACE, agreed, op=self._MPI.MIN)
        return kinds[int(agreed[0])]

    def agree_to_stop(self, stop: bool) -> bool:
        """Whether any rank wants to stop after this epoch. Collective.

        Every rank must call it exactly once per epoch, also when its own callback failed (it then passes True),
        so that all ranks stop after the same epoch.

        Parameters
        ----------
        stop : bool
            This rank's wish: its callback returned a true value, raised, or Ctrl-C was pressed.

        Returns
        -------
        bool
            True if any rank passed True.
        """
        flag = np.array([1 if stop else 0], dtype=np.int32)
        self._comm.Allreduce(self._MPI.IN_PLACE, [flag, self._MPI.INT], op=self._MPI.MAX)
        return bool(flag[0])

    def raised(self) -> Optional[BaseException]:
        """The first exception raised inside a hook on this rank, or None.

        A hook that fails stores its exception and returns non-zero, so training ends with NERVE_E_ABORTED;
        fit then re-raises this exception rather than the library's status.
        """
        return self._raised


def _get_parameters(network: Any) -> np.ndarray:
    if hasattr(network, "get_parameters"):
        values: np.ndarray = network.get_parameters()
        return values
    values = np.empty(int(network.parameter_count), dtype=np.float32)
    status = _lib.lib().nerve_get_parameters(network._handle, values.ctypes.data_as(_lib.c_float_p), values.size)
    if status != _lib.OK:
        from .errors import error_for

        raise error_for(status)
    return values


def _set_parameters(network: Any, values: np.ndarray) -> None:
    if hasattr(network, "set_parameters"):
        network.set_parameters(values)
        return
    status = _lib.lib().nerve_set_parameters(network._handle, values.ctypes.data_as(_lib.c_float_p), values.size)
    if status != _lib.OK:
        from .errors import error_for

        raise error_for(status)
