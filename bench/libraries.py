"""The libraries under comparison: how to run each one on a workload, and what differs in its set-up."""

import importlib.util
import os
import sys

from workloads import IMAGE_SHAPE, NERVE_THREADS, layers_argument

HERE = os.path.dirname(os.path.abspath(__file__))


def _workload_arguments(workload, settings):
    if workload.layers:
        shape = ["layers=" + layers_argument(workload.layers), "input=" + ",".join(map(str, IMAGE_SHAPE))]
    else:
        shape = ["sizes=" + ",".join(map(str, workload.sizes))]
    args = [f"mode={workload.mode}"] + shape + [f"hidden={workload.hidden}", f"data={settings.data}", "seed=1"]
    if workload.mode == "train":
        args += [f"batch={workload.batch}", f"lr={workload.lr:g}", f"momentum={workload.momentum:g}",
                 f"n={workload.run_samples(settings)}"]
        if workload.test_samples:
            args.append(f"test_n={workload.test_samples}")
    elif workload.mode == "latency":
        args.append(f"calls={workload.run_calls(settings)}")
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

    def supports(self, workload):
        """Whether this library runs the workload at all (the dense-only peers skip convolutional networks)."""
        return not workload.layers

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

    def supports(self, workload):
        return self.threads in (workload.nerve_threads or NERVE_THREADS)

    def command(self, workload, settings):
        return [os.path.join(settings.build, "nerve_bench"), f"epochs={workload.run_epochs(settings)}"] + \
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
        return prefix + [sys.executable, os.path.join(HERE, self.script), f"epochs={workload.run_epochs(settings)}"] + \
            _workload_arguments(workload, settings)


class Numpy(PythonPeer):
    key, label, script, module = "numpy", "numpy vectorized float32", "numpy_peer.py", "numpy"
    unset = UNSET_FOR_PEERS


class ScikitLearn(PythonPeer):
    key, label, script, module = "sklearn", "scikit-learn sgd", "sklearn_peer.py", "sklearn"

    def note(self, workload):
        return "MLPClassifier(solver='sgd', alpha=0), one partial_fit per epoch" if workload.mode == "train" else \
            "MLPClassifier.predict_proba"


def _torch_setting_text(setting):
    threads = setting["threads"]
    return (f"{threads} thread{'s' if threads > 1 else ''}, "
            f"{'channels_last' if setting['format'] == 'channels_last' else 'default (contiguous) format'}, "
            f"mkldnn {'on' if setting['mkldnn'] else 'off'}")


class Torch(PythonPeer):
    """PyTorch with its default settings on the dense workloads. On workloads marked tune_torch, run.py first
    times a few settings in a process of their own (tune_command) and the measured runs use the fastest."""

    key, label, script, module = "torch", "PyTorch CPU", "torch_peer.py", "torch"
    unset = UNSET_FOR_PEERS

    def __init__(self):
        self.tuning = {}   # workload key -> the tuning run's RESULT for that workload's mode
        self.chosen = {}   # workload key -> the setting its measured runs use

    def supports(self, workload):
        return True

    def tune_command(self, workloads, settings):
        """One process that times the settings for the training and latency workloads given."""
        train = next((w for w in workloads if w.mode == "train"), workloads[0])
        prefix = ["env"] + [arg for name in self.unset for arg in ("-u", name)]
        return prefix + [sys.executable, os.path.join(HERE, self.script), "mode=tune",
                         "layers=" + layers_argument(train.layers), "input=" + ",".join(map(str, IMAGE_SHAPE)),
                         f"hidden={train.hidden}", f"data={settings.data}", "seed=1", f"batch={train.batch or 64}",
                         f"lr={train.lr:g}", f"momentum={train.momentum:g}",
                         f"repeats={2 if settings.quick else 3}"]

    def choose(self, workload, result):
        """Keeps the tuning figures of the workload's mode and the fastest setting among them."""
        tried = result.get(workload.mode) or []
        if tried:
            self.tuning[workload.key] = tried
            self.chosen[workload.key] = min(tried, key=lambda t: t["seconds"])

    def command(self, workload, settings):
        command = super().command(workload, settings)
        setting = self.chosen.get(workload.key)
        if setting:
            command += [f"threads={setting['threads']}", f"format={setting['format']}",
                        f"mkldnn={setting['mkldnn']}"]
        elif workload.tune_torch and workload.mode == "latency":
            command.append("threads=1")
        return command

    def note(self, workload):
        if not workload.tune_torch:
            return ""
        setting = self.chosen.get(workload.key)
        if not setting:
            return ("no tuning figures (the tuning run failed or was skipped): "
                    + ("1 thread" if workload.mode == "latency" else "PyTorch's default threads") +
                    ", default format, mkldnn as PyTorch sets it")
        unit, scale = ("ms per batch", 1e3) if workload.mode == "train" else ("µs per call", 1e6)
        tried = "; ".join(f"{_torch_setting_text(t)} {t['seconds'] * scale:.3g}"
                          for t in sorted(self.tuning[workload.key], key=lambda t: t["seconds"]))
        inference = "under torch.inference_mode, " if workload.mode == "latency" else ""
        return (f"torch.nn.Conv2d / MaxPool2d / Linear, float32, {inference}measured with "
                f"**{_torch_setting_text(setting)}**, the fastest of the settings timed in a process of its own "
                f"just before the runs ({unit}, medians): {tried}. torch.compile is not tried: its inductor "
                f"compiles this network for tens of seconds before the first step")


NERVES = [Nerve(threads) for threads in NERVE_THREADS]
PEERS = [Fann(), Numpy(), ScikitLearn(), Torch()]
LIBRARIES = NERVES + PEERS
