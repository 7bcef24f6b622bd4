"""What a Python peer shares with run.py: key=value arguments in, one "RESULT {json}" line out.

The same arguments as nerve_bench: mode=train|latency|throughput, sizes=784,100,10 or
layers=conv:32:5:valid,maxpool:2,dense:10 with input=1,28,28, hidden=sigmoid|relu, batch, lr, momentum, epochs,
n (training samples, 0 = all), test_n (test samples, 0 = all), calls, repeats, data, seed; and PyTorch's own
settings threads (0 = its default), format (contiguous|channels_last) and mkldnn (1|0, empty = as it is)."""

import json
import os
import sys
import time

import process_memory

DEFAULTS = {"mode": "train", "sizes": "784,100,10", "hidden": "sigmoid", "batch": "10", "lr": "0.1",
            "momentum": "0", "epochs": "2", "n": "0", "calls": "20000", "repeats": "10",
            "data": "../build/data", "seed": "1", "layers": "", "input": "", "test_n": "0", "threads": "0",
            "format": "contiguous", "mkldnn": ""}


class Arguments:
    def __init__(self, argv):
        values = dict(DEFAULTS)
        for arg in argv:
            key, sep, value = arg.partition("=")
            if not sep or key not in DEFAULTS:
                raise SystemExit(f"unknown argument {arg!r}; known keys: {', '.join(DEFAULTS)}")
            values[key] = value
        self.mode = values["mode"]
        self.sizes = [int(s) for s in values["sizes"].split(",")]
        self.hidden = values["hidden"]
        self.batch = int(values["batch"])
        self.lr = float(values["lr"])
        self.momentum = float(values["momentum"])
        self.epochs = int(values["epochs"])
        self.n = int(values["n"])
        self.calls = int(values["calls"])
        self.repeats = int(values["repeats"])
        self.data = values["data"]
        self.seed = int(values["seed"])
        self.layers = [tuple(spec.split(":")) for spec in values["layers"].split(",")] if values["layers"] else []
        self.input = [int(s) for s in values["input"].split(",")] if values["input"] else []
        self.test_n = int(values["test_n"])
        self.threads = int(values["threads"])
        self.format = values["format"]
        self.mkldnn = int(values["mkldnn"]) if values["mkldnn"] else None


def parse():
    return Arguments(sys.argv[1:])


def emit(result):
    """Prints the RESULT line, with the BLAS libraries this process ran and the OPENBLAS_* variables it saw."""
    result["blas"] = blas_info()
    result["openblas_environment"] = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    print("RESULT " + json.dumps(result), flush=True)


def blas_info():
    """The BLAS libraries loaded in this process as threadpoolctl reports them (which library, which kernels,
    how many threads), or None when threadpoolctl is not installed."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    keys = ("internal_api", "architecture", "num_threads", "version", "threading_layer")
    return [{key: pool.get(key) for key in keys} for pool in threadpoolctl.threadpool_info()
            if pool.get("user_api") == "blas"]


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else 0.5 * (ordered[middle - 1] + ordered[middle])


def training_result(library, train_epoch, test_accuracy, epochs):
    """Times train_epoch() once per epoch and measures test accuracy after each, outside the timing.
    train_extra_mib is the peak resident memory during training above what the process held before it."""
    before = process_memory.resident_mib()
    peak_reset = process_memory.reset_peak_resident()
    seconds, accuracy = [], []
    for epoch in range(epochs):
        start = time.perf_counter()
        train_epoch()
        seconds.append(time.perf_counter() - start)
        accuracy.append(float(test_accuracy()))
        print(f"{library} epoch {epoch + 1}: {seconds[-1]:.3f} s, test accuracy {accuracy[-1]:.4f}",
              file=sys.stderr, flush=True)
    extra = process_memory.peak_resident_mib() - before if peak_reset else -1.0
    return {"library": library, "mode": "train", "seconds": seconds, "test_accuracy": accuracy,
            "train_extra_mib": extra}


def latency_result(library, predict_one, samples, calls):
    """Times predict_one(sample) per call after a warm-up; median and spread in microseconds."""
    for i in range(min(1000, calls)):
        predict_one(samples[i % len(samples)])
    timings = []
    clock = time.perf_counter_ns
    for i in range(calls):
        x = samples[i % len(samples)]
        start = clock()
        predict_one(x)
        timings.append(clock() - start)
    timings.sort()
    pick = lambda q: timings[int(q * (len(timings) - 1) + 0.5)] / 1000.0  # noqa: E731
    return {"library": library, "mode": "latency", "median_us": pick(0.5), "p10_us": pick(0.1),
            "p90_us": pick(0.9), "calls": calls}


def throughput_result(library, predict_all, x, repeats):
    predict_all(x)  # warm-up
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict_all(x)
        timings.append(time.perf_counter() - start)
    seconds = median(timings)
    return {"library": library, "mode": "throughput", "samples": len(x), "median_seconds": seconds,
            "samples_per_second": len(x) / seconds}
