"""Data-parallel training over MPI (nerve.distributed, Network.fit(comm=...)).

The MPI tests launch `mpirun` on the worker script Tests/python/mpi/worker.py and read the lines of JSON its
ranks write to a temporary directory; they are skipped when mpirun or mpi4py is missing. This process itself
never initialises MPI. Every launch runs in a session of its own under a time limit, so a hanging job is
killed and reported as a failure.
The C example under mpirun is tested by `make -C bindings/c test-mpi`.
"""

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nerve.distributed import rank_shard, shard

WORKER = Path(__file__).resolve().parent / "mpi" / "worker.py"
MPIRUN = shutil.which("mpirun")
HAVE_MPI4PY = importlib.util.find_spec("mpi4py") is not None
TIME_LIMIT = 60  # seconds for any one job; a job that fails must end well within it, not hang

# Weights of distributed and single-process training may differ by float32 rounding only: the largest
# |difference| of any parameter, over the largest |parameter|, must stay below this.
RELATIVE_TOLERANCE = 1e-5

needs_mpi = pytest.mark.skipif(
    MPIRUN is None or not HAVE_MPI4PY,
    reason="needs Open MPI's mpirun and mpi4py (apt-get install openmpi-bin libopenmpi-dev; pip install mpi4py)",
)


class Job:
    def __init__(self, returncode, stdout, stderr, seconds, results):
        self.returncode, self.stdout, self.stderr, self.seconds = returncode, stdout, stderr, seconds
        self.results = results  # the JSON lines of every rank, rank 0's first

    def __str__(self):
        return (
            f"status {self.returncode} after {self.seconds:.1f} s\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )


def mpirun(ranks, scenario, directory, time_limit=TIME_LIMIT):
    """Runs the worker's scenario on `ranks` processes, which write their results to `directory`; the whole
    process group is killed at the time limit."""
    command = [MPIRUN, "--oversubscribe", "-np", str(ranks)]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    command += [sys.executable, str(WORKER), scenario]
    environment = dict(os.environ, NERVE_TEST_RESULTS=str(directory))
    start = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=environment
    )
    try:
        stdout, stderr = process.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"mpirun -np {ranks} {scenario} still ran after {time_limit} s (a hang)\n{stdout}\n{stderr}")
    seconds = time.monotonic() - start
    results = []
    for rank in range(ranks):
        path = Path(directory) / f"rank{rank}.jsonl"
        if path.exists():
            results += [json.loads(line) for line in path.read_text().splitlines()]
    return Job(process.returncode, stdout, stderr, seconds, results)


# --------------------------------------------------------------------------------------------- sharding


class FakeComm:
    def __init__(self, rank, size):
        self.rank, self.size = rank, size

    def Get_rank(self):
        return self.rank

    def Get_size(self):
        return self.size

    def Allreduce(self, *args, **kwargs):
        raise AssertionError("sharding must not communicate")

    Bcast = Allreduce


@pytest.mark.parametrize("n", [0, 1, 7, 100, 101])
@pytest.mark.parametrize("size", [1, 2, 3, 4])
@pytest.mark.parametrize("contiguous", [False, True])
def test_shards_partition_the_samples(n, size, contiguous):
    parts = [np.arange(n)[rank_shard(n, FakeComm(rank, size), contiguous=contiguous)] for rank in range(size)]
    assert sorted(np.concatenate(parts).tolist()) == list(range(n))
    lengths = [len(part) for part in parts]
    assert max(lengths) - min(lengths) <= 1
    if contiguous:
        assert np.array_equal(np.concatenate(parts), np.arange(n))


@pytest.mark.parametrize("n", [96, 100, 13])
@pytest.mark.parametrize("size", [2, 3, 4])
@pytest.mark.parametrize("batch", [1, 4, 5])
def test_interleaved_shards_rebuild_the_single_process_batches(n, size, batch):
    """The ranks' k-th batches of `batch` samples are together the single process's k-th batch of size × batch."""
    parts = [np.arange(n)[rank_shard(n, FakeComm(rank, size))] for rank in range(size)]
    steps = max(-(-len(part) // batch) for part in parts)
    assert steps == -(-n // (size * batch))
    for k in range(steps):
        union = np.concatenate([part[k * batch : (k + 1) * batch] for part in parts])
        assert sorted(union.tolist()) == list(range(k * size * batch, min((k + 1) * size * batch, n)))


def test_shard_takes_samples_and_targets():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X1, y1 = shard(X, y, FakeComm(1, 3))
    assert y1.tolist() == [1, 4, 7] and X1[:, 0].tolist() == [2, 8, 14]
    assert shard(X, FakeComm(2, 3)).tolist() == X[2::3].tolist()
    with pytest.raises(ValueError, match="samples"):
        shard(X, y[:5], FakeComm(0, 2))
    with pytest.raises(TypeError, match="communicator"):
        rank_shard(10, object())


# ------------------------------------------------------------------------------------------------ MPI jobs


@needs_mpi
@pytest.mark.parametrize("ranks", [2, 4])
def test_ranks_reproduce_single_process_training(ranks, tmp_path):
    """N ranks given b/N samples of every batch end with the weights of one process on batches of b.

    Dense (30-32-16-4) and convolutional (conv 4@3×3, max-pool 2, dense 4) networks, momentum 0.9, L2, 4-5
    epochs, shuffle off, a short last batch; rank 0 trains the reference itself. Tolerance: max |Δ| / max |w|.
    """
    job = mpirun(ranks, "exact", tmp_path)
    assert job.returncode == 0, str(job)
    assert {result["network"] for result in job.results} == {"dense", "conv"}, str(job)
    for result in job.results:
        assert result["ranks"] == ranks
        assert result["moved"] > 0.1, result  # the weights did train
        assert result["relative_difference"] < RELATIVE_TOLERANCE, result
        assert result["ranks_identical"], result
        assert result["unmeasured_stays_nan"], result  # monitor="none": NaN on every rank, not 0


@needs_mpi
def test_ranks_agree_on_the_accuracy_rule(tmp_path):
    """Rank 0's multi-label rows hold one label each, which alone would be scored by argmax."""
    job = mpirun(2, "multilabel_accuracy", tmp_path)
    assert job.returncode == 0, str(job)
    (result,) = job.results
    assert result["rank0_alone_by_argmax"] != pytest.approx(result["rank0_by_labels"])  # the rules differ here
    assert result["eval_accuracy"] == pytest.approx(result["combined"], abs=1e-6)
    assert result["train_accuracy"] == pytest.approx(result["combined"], abs=1e-6)


@needs_mpi
def test_uneven_shards_agree_bitwise_and_stop_early_together(tmp_path):
    """3 ranks with 50, 37 and 13 samples (and 20, 12, 7 validation samples), shuffled, early stopping."""
    job = mpirun(3, "uneven", tmp_path)
    assert job.returncode == 0, str(job)
    (result,) = job.results
    assert result["initial_differed"]  # made with different seeds: rank 0's weights were broadcast
    assert result["weights_identical"]
    assert result["reports_identical"]
    assert result["epochs_run_everywhere"] == [result["epochs_run"]] * 3
    assert result["epochs_run"] < 60  # early stopping ended training
    # The reported validation cost is the weighted mean over the ranks' shards: at the best epoch, whose
    # weights early stopping restored, it is the cost on all validation samples together.
    assert result["best_eval_cost"] == pytest.approx(result["combined_eval_cost"], rel=1e-5)


@needs_mpi
def test_killed_rank_ends_the_job(tmp_path):
    """SIGKILL on rank 1 at epoch 2: mpirun ends the job with an error instead of leaving rank 0 waiting."""
    job = mpirun(2, "killed", tmp_path)
    assert job.returncode != 0, str(job)
    assert not job.results, str(job)
    assert job.seconds < TIME_LIMIT


@needs_mpi
def test_callback_exception_is_raised_on_its_rank_and_stops_all(tmp_path):
    """A callback raising on rank 1 at epoch 2: fit re-raises the very exception there, rank 0 stops after the
    same epoch, and the job ends with an error status."""
    job = mpirun(2, "callback_error", tmp_path)
    assert job.returncode != 0, str(job)
    assert job.seconds < TIME_LIMIT
    by_rank = {result["rank"]: result for result in job.results}
    assert by_rank[1]["raised"] == "CallbackFailure('callback failed on rank 1')", str(job)
    assert by_rank[1]["same_object"]
    assert by_rank[0]["raised"] is None and by_rank[0]["stopped"], str(job)
    assert by_rank[0]["epochs_run"] == by_rank[1]["epochs_run"] == 2
    assert "CallbackFailure: callback failed on rank 1" in job.stderr


@needs_mpi
def test_hook_exception_is_raised_and_aborts_the_job(tmp_path):
    """An exception inside the gradient hook on rank 1 (its communicator fails): fit re-raises it there, not
    NerveAbortedError, and the job is aborted although rank 0 waits in an allreduce."""
    job = mpirun(2, "hook_error", tmp_path)
    assert job.returncode != 0, str(job)
    assert job.seconds < TIME_LIMIT
    assert [result["raised"] for result in job.results] == ["HookFailure('allreduce 15 failed on rank 1')"], str(job)
    assert "HookFailure: allreduce 15 failed on rank 1" in job.stderr


@needs_mpi
def test_abort_on_error_ends_a_job_that_would_hang(tmp_path):
    """Rank 1 gets an empty shard: fit raises there before any communication while rank 0 waits in the first
    collective. Under abort_on_error the exception becomes MPI_Abort and the job ends."""
    job = mpirun(2, "empty_shard", tmp_path)
    assert job.returncode != 0, str(job)
    assert job.seconds < TIME_LIMIT
    assert not job.results, str(job)
    assert "X holds no samples" in job.stderr, str(job)
