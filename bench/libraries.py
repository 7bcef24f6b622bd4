"""The libraries under comparison: how to run each one on a workload, and what differs in its set-up."""

import importlib.util
import os
import sys

from workloads import NERVE_THREADS

HERE = os.path.dirname(os.path.abspath(__file__))


def _workload_arguments(workload, settings):
    args = [f"mode={workload.mode}", "sizes=" + ",".join(map(str, workload.sizes)), f"hidden={workload.hidden}",
            f"data={settings.data}", "seed=1"]
    if workload.mode == "train":
        args += [f"batch={workload.batch}", f"lr={workload.lr:g}", f"momentum={workload.momentum:g}",
                 f"n={settings.training_samples}"]
    elif workload.mode == "latency":
        args.append(f"calls={settings.latency_calls}")
    else:
        args.append(f"repeats={settings.throughput_repeats}")
    return args


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


class Library:
    key = label = ""

    def available(self, settings):
        """None when the library can run here, else the reason it cannot."""
        return None

    def command(self, workload, settings):
        raise NotImplementedError

    def note(self, workload):
        """How this library's run of the workload differs from the workload's definition, if it does."""
        return ""


class Nerve(Library):
    """Nerve through nerve_bench, with a given thread count (training option `threads`, nerve_set_threads)."""

    def __init__(self, threads=1):
        self.threads = threads
        self.key = "nerve" if threads == 1 else f"nerve-{threads}"
        self.label = f"Nerve ({threads} thread{'s' if threads > 1 else ''})"

    def available(self, settings):
        return None if os.path.exists(os.path.join(settings.build, "nerve_bench")) else "nerve_bench not built"

    def command(self, workload, settings):
        return [os.path.join(settings.build, "nerve_bench"), f"epochs={settings.epochs}"] + \
            _workload_arguments(workload, settings) + ["--threads", str(self.threads)]


class Fann(Library):
    key, label = "fann", "FANN 2.2"
    # FANN 2.2 has no softmax, no log-likelihood cost and no ReLU. Workload A uses FANN's own per-sample
    # training; B runs FANN's batch algorithm on each mini-batch of 128, its nearest equivalent of mini-batch
    # SGD (FANN's batch mode has no momentum); ReLU becomes the bounded linear FANN_LINEAR_PIECE.
    algorithms = {"A": "incremental", "B": "minibatch"}
    hidden = {"relu": "linear_piece"}

    def available(self, settings):
        return None if os.path.exists(os.path.join(settings.build, "fann_bench")) else "fann_bench not built"

    def command(self, workload, settings):
        args = _workload_arguments(workload, settings)
        args = [f"hidden={self.hidden.get(workload.hidden, workload.hidden)}" if a.startswith("hidden=") else a
                for a in args]
        if workload.mode == "train":
            args.append(f"algorithm={self.algorithms.get(workload.key, 'minibatch')}")
        return [os.path.join(settings.build, "fann_bench"), "epochs=1"] + args

    def note(self, workload):
        hidden = "bounded linear (no ReLU in FANN 2.2)" if workload.hidden == "relu" else workload.hidden
        if workload.mode != "train":
            return f"{hidden} hidden, sigmoid output (no softmax in FANN 2.2)"
        if self.algorithms.get(workload.key) == "incremental":
            return f"FANN_TRAIN_INCREMENTAL: per-sample updates (batch 1), {hidden} hidden, sigmoid output + MSE"
        return (f"FANN_TRAIN_BATCH on each mini-batch of {workload.batch}: plain mini-batch SGD, no momentum, "
                f"{hidden} hidden, sigmoid output + MSE")


# OpenBLAS settings that can be set on a machine for other programs; numpy and PyTorch run without them, so
# they use the kernels and cache sizes their own OpenBLAS picks for the CPU. They are removed from those two
# peers' command lines only (env -u), never from this process's environment nor anyone else's.
UNSET_FOR_PEERS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


class PythonPeer(Library):
    script = module = ""
    unset = ()  # environment variables removed for this peer's process

    def available(self, settings):
        if importlib.util.find_spec(self.module) is None:
            return settings.peer_status.get(self.module) or f"{self.module} is not installed"
        return None

    def command(self, workload, settings):
        prefix = ["env"] + [arg for name in self.unset for arg in ("-u", name)] if self.unset else []
        return prefix + [sys.executable, os.path.join(HERE, self.script), f"epochs={settings.epochs}"] + \
            _workload_arguments(workload, settings)


class Numpy(PythonPeer):
    key, label, script, module = "numpy", "numpy vectorized float32", "numpy_peer.py", "numpy"
    unset = UNSET_FOR_PEERS


class ScikitLearn(PythonPeer):
    key, label, script, module = "sklearn", "scikit-learn sgd", "sklearn_peer.py", "sklearn"

    def note(self, workload):
        return "MLPClassifier(solver='sgd', alpha=0), one partial_fit per epoch" if workload.mode == "train" else \
            "MLPClassifier.predict_proba"


class Torch(PythonPeer):
    key, label, script, module = "torch", "PyTorch CPU", "torch_peer.py", "torch"
    unset = UNSET_FOR_PEERS


NERVES = [Nerve(threads) for threads in NERVE_THREADS]
PEERS = [Fann(), Numpy(), ScikitLearn(), Torch()]
LIBRARIES = NERVES + PEERS
