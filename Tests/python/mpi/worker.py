"""Worker of Tests/python/test_distributed.py, run under mpirun: `python worker.py SCENARIO`.

Each scenario reports lines of JSON (rank 0, or every rank where stated): printed after "RESULT ", and appended
to <dir>/rank<r>.jsonl when NERVE_TEST_RESULTS names a directory, which is what the test reads (mpirun may
interleave the ranks' output within a line). The worker exits with status 0 when it ran to its end. Data are
random and seeded, so every rank can make them alike without communication and the scenarios stay fast.
"""

import json
import os
import signal
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bindings" / "python"))

from mpi4py import MPI  # noqa: E402

import nerve  # noqa: E402
from nerve.distributed import abort_on_error, rank_shard  # noqa: E402

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()


def emit(**fields):
    line = json.dumps(fields)
    print("RESULT " + line, flush=True)
    directory = os.environ.get("NERVE_TEST_RESULTS")
    if directory:
        with open(os.path.join(directory, f"rank{rank}.jsonl"), "a") as file:
            file.write(line + "\n")


def random_task(n, shape, classes, seed):
    """Samples of `shape` and random integer labels."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, *shape), dtype=np.float32)
    y = rng.integers(0, classes, n)
    return X, y


def dense_network(seed):
    return nerve.Network([30, 32, 16, 4], activations=["relu", "softmax"], seed=seed)


def conv_network(seed):
    return nerve.Network(
        input_shape=(1, 12, 12),
        layers=[nerve.Conv2D(4, 3, activation="relu"), nerve.MaxPool2D(2), nerve.Dense(4, activation="softmax")],
        seed=seed,
    )


def gather_parameters(net):
    """Every rank's parameters, on rank 0 (None elsewhere)."""
    return comm.gather(net.get_parameters(), root=0)


# ------------------------------------------------------------------------------------------------- scenarios


def exact():
    """N ranks with b/N samples of every batch end with the weights of one process on batches of b.

    Rank 0 trains the single-process reference on all samples itself. Per network: the largest |Δ| of any
    rank's parameters from the reference over the largest |parameter| of the reference, and whether the ranks'
    parameters are bitwise equal.
    """
    cases = [
        ("dense", dense_network, (30,), 200, 24, 5),  # 200 = 8 batches of 24 and one of 8: a short last step
        ("conv", conv_network, (1, 12, 12), 100, 16, 4),  # 6 batches of 16 and one of 4
    ]
    settings = dict(learning_rate=0.05, momentum=0.9, l2=2.0, shuffle=False, monitor="none")
    for name, build, shape, n, batch, epochs in cases:
        if batch % size:
            raise SystemExit(f"batch {batch} is not a multiple of {size} ranks")
        X, y = random_task(n, shape, 4, seed=7)
        part = rank_shard(n, comm)
        net = build(seed=3)
        history = net.fit(X[part], y[part], epochs=epochs, batch_size=batch // size, comm=comm, **settings)
        unmeasured = comm.allreduce(all(np.isnan(history["train_cost"])), op=MPI.LAND)  # NaN on every rank
        everyone = gather_parameters(net)
        if rank == 0:
            reference = build(seed=3)
            reference.fit(X, y, epochs=epochs, batch_size=batch, **settings)
            expected = reference.get_parameters()
            start = build(seed=3).get_parameters()
            scale = float(np.abs(expected).max())
            emit(
                scenario="exact",
                network=name,
                ranks=size,
                parameters=int(expected.size),
                relative_difference=max(float(np.abs(p - expected).max()) for p in everyone) / scale,
                moved=float(np.abs(expected - start).max()) / scale,  # training did change the weights
                ranks_identical=all(p.tobytes() == everyone[0].tobytes() for p in everyone),
                unmeasured_stays_nan=unmeasured,
            )


def uneven():
    """Shards of different sizes: identical weights and reports on all ranks, early stopping alike."""
    counts = [50, 37, 13, 24][:size]
    eval_counts = [20, 12, 7, 9][:size]
    X, y = random_task(sum(counts), (30,), 4, seed=11)  # random labels: validation cost soon rises
    X_val, y_val = random_task(sum(eval_counts), (30,), 4, seed=12)
    start, eval_start = sum(counts[:rank]), sum(eval_counts[:rank])
    mine = slice(start, start + counts[rank])
    mine_val = slice(eval_start, eval_start + eval_counts[rank])
    net = dense_network(seed=5 + rank)  # different seeds: the broadcast must make the starts equal
    initial = comm.gather(net.get_parameters(), root=0)
    history = net.fit(
        X[mine], y[mine], epochs=60, batch_size=8, learning_rate=0.3, momentum=0.9,
        validation_data=(X_val[mine_val], y_val[mine_val]), early_stopping=3, shuffle=True, comm=comm,
    )
    reports = {key: values for key, values in history.items() if key != "seconds"}
    everyone = comm.gather((net.get_parameters().tobytes(), reports), root=0)
    if rank == 0:
        best = int(np.nanargmin(history["eval_cost"]))
        combined = net.evaluate(X_val, y_val)["cost"]  # the restored best weights on all validation samples
        emit(
            scenario="uneven",
            ranks=size,
            counts=counts,
            epochs_run=len(history),
            epochs_run_everywhere=[len(r["epoch"]) for _, r in everyone],
            initial_differed=any(p.tobytes() != initial[0].tobytes() for p in initial),
            weights_identical=all(p == everyone[0][0] for p, _ in everyone),
            reports_identical=all(r == everyone[0][1] for _, r in everyone),
            best_eval_cost=history["eval_cost"][best],
            combined_eval_cost=combined,
        )


def killed():
    """Rank 1 dies from SIGKILL in its epoch callback at epoch 2; the job must end, not hang."""
    X, y = random_task(2000, (30,), 4, seed=1)
    part = rank_shard(len(X), comm)

    def callback(epoch):
        if rank == 1 and epoch.epoch == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    dense_network(seed=0).fit(X[part], y[part], epochs=500, batch_size=10, callback=callback, comm=comm)
    emit(scenario="killed", rank=rank, finished=True)  # never reached


class CallbackFailure(Exception):
    pass


def callback_error():
    """A callback raises on rank 1 at epoch 2: fit re-raises it there; every rank stops after epoch 2."""
    X, y = random_task(600, (30,), 4, seed=1)
    part = rank_shard(len(X), comm)
    failure = CallbackFailure(f"callback failed on rank {rank}")

    def callback(epoch):
        if rank == 1 and epoch.epoch == 2:
            raise failure

    net = dense_network(seed=0)
    try:
        net.fit(X[part], y[part], epochs=50, batch_size=10, callback=callback, comm=comm)
    except CallbackFailure as error:
        emit(scenario="callback_error", rank=rank, raised=repr(error), same_object=error is failure,
             epochs_run=len(net.history))
        raise
    emit(scenario="callback_error", rank=rank, raised=None, epochs_run=len(net.history),
         stopped=net.history.stopped)


class HookFailure(Exception):
    pass


class FailingComm:
    """COMM_WORLD, except that this rank's `fail_at`-th Allreduce raises (from inside the gradient hook)."""

    def __init__(self, comm, fail_at):
        self._comm, self._fail_at, self._calls = comm, fail_at, 0

    def Allreduce(self, *args, **kwargs):
        self._calls += 1
        if self._calls == self._fail_at:
            raise HookFailure(f"allreduce {self._calls} failed on rank {rank}")
        return self._comm.Allreduce(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._comm, name)


def hook_error():
    """An exception inside the gradient hook on rank 1: fit re-raises it there and the job ends."""
    X, y = random_task(600, (30,), 4, seed=1)
    part = rank_shard(len(X), comm)
    own = FailingComm(comm, fail_at=15) if rank == 1 else comm  # 3 set-up allreduces, then one per step
    net = dense_network(seed=0)
    try:
        net.fit(X[part], y[part], epochs=50, batch_size=10, comm=own)
    except HookFailure as error:
        emit(scenario="hook_error", rank=rank, raised=repr(error))
        raise
    emit(scenario="hook_error", rank=rank, raised=None)  # not reached: rank 0 waits until the job is aborted


def multilabel_accuracy():
    """Multi-label targets whose rows on rank 0 happen to hold one label each: every rank still scores label by
    label, so the reported accuracy (the ranks' mean weighted by their samples) is that of all rows together."""
    n = 40
    rng = np.random.default_rng(21)
    X = rng.random((n * size, 6), dtype=np.float32)
    Y = np.zeros((n * size, 3), np.float32)
    for i in range(n * size):
        Y[i, rng.choice(3, 1 if i < n else 2, replace=False)] = 1
    mine = slice(rank * n, (rank + 1) * n)
    net = nerve.Network([6, 5, 3], activations=["tanh", "sigmoid"], seed=3)
    history = net.fit(
        X[mine], Y[mine], epochs=2, batch_size=8, learning_rate=0.5, validation_data=(X[mine], Y[mine]),
        monitor="full", comm=comm,
    )
    if rank == 0:
        emit(
            scenario="multilabel_accuracy",
            train_accuracy=history["train_accuracy"][-1],
            eval_accuracy=history["eval_accuracy"][-1],
            combined=net.evaluate(X, Y)["accuracy"],
            rank0_alone_by_argmax=net.evaluate(X[:n], Y[:n])["accuracy"],
            rank0_by_labels=float(np.mean((net.predict(X[:n]) >= 0.5) == (Y[:n] == 1))),
        )


def empty_shard():
    """Rank 1 has no samples: fit refuses on that rank alone, before the ranks first communicate, while rank 0
    waits in the first collective; abort_on_error turns the exception into MPI_Abort, so the job ends."""
    X, y = random_task(100, (30,), 4, seed=1)
    mine = slice(0, 0) if rank == 1 else rank_shard(len(X), comm)
    with abort_on_error(comm):
        dense_network(seed=0).fit(X[mine], y[mine], epochs=5, batch_size=10, comm=comm)
    emit(scenario="empty_shard", rank=rank, finished=True)  # not reached


if __name__ == "__main__":
    {"exact": exact, "uneven": uneven, "killed": killed, "callback_error": callback_error,
     "hook_error": hook_error, "empty_shard": empty_shard, "multilabel_accuracy": multilabel_accuracy}[sys.argv[1]]()
