"""The libraries under comparison: how to run each one on a workload, and what differs in its set-up."""

import importlib.util
import os
import sys

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
    environment = {}  # extra environment variables for the library's process

    def available(self, settings):
        """None when the library can run here, else the reason it cannot."""
        return None

    def command(self, workload, settings):
        raise NotImplementedError

    def note(self, workload):
        """How this library's run of the workload differs from the workload's definition, if it does."""
        return ""


class Nerve(Library):
    key, label = "nerve", "Nerve"

    def available(self, settings):
        return None if os.path.exists(os.path.join(settings.build, "nerve_bench")) else "nerve_bench not built"

    def command(self, workload, settings):
        return [os.path.join(settings.build, "nerve_bench"), f"epochs={settings.epochs}"] + \
            _workload_arguments(workload, settings)


class NerveWithAvx512Blas(Nerve):
    """Nerve again, with OpenBLAS told to use its SkylakeX (AVX-512) kernels: OpenBLAS 0.3.21 does not
    recognise recent AMD cores and falls back to Haswell (AVX2) kernels. Shown apart from the peers, as the
    headroom a better-matched BLAS would give."""
    key, label = "nerve-avx512", "Nerve, OpenBLAS AVX-512 kernels"
    environment = {"OPENBLAS_CORETYPE": "SkylakeX"}

    def available(self, settings):
        if "avx512f" not in cpu_flags():
            return "the CPU has no AVX-512"
        return super().available(settings)


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


class PythonPeer(Library):
    script = module = ""

    def available(self, settings):
        if importlib.util.find_spec(self.module) is None:
            return settings.peer_status.get(self.module) or f"{self.module} is not installed"
        return None

    def command(self, workload, settings):
        return [sys.executable, os.path.join(HERE, self.script), f"epochs={settings.epochs}"] + \
            _workload_arguments(workload, settings)


class Numpy(PythonPeer):
    key, label, script, module = "numpy", "numpy vectorized float32", "numpy_peer.py", "numpy"


class ScikitLearn(PythonPeer):
    key, label, script, module = "sklearn", "scikit-learn sgd", "sklearn_peer.py", "sklearn"

    def note(self, workload):
        return "MLPClassifier(solver='sgd', alpha=0), one partial_fit per epoch" if workload.mode == "train" else \
            "MLPClassifier.predict_proba"


class Torch(PythonPeer):
    key, label, script, module = "torch", "PyTorch CPU", "torch_peer.py", "torch"


LIBRARIES = [Nerve(), Fann(), Numpy(), ScikitLearn(), Torch(), NerveWithAvx512Blas()]
