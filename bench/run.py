"""Runs workloads A–F through Nerve and its peers, interleaved, and reports medians, ratios, targets, memory
and GFLOP/s.

Each library runs each workload in a process of its own, so its peak resident memory (from wait4) is its
own. Nerve runs with 1 and with 2 threads just before every peer run of the same workload (Nerve 1, Nerve 2,
FANN, Nerve 2, Nerve 1, numpy, ...), and each ratio Nerve ÷ peer is the median of those neighbouring pairs,
which keeps slow drifts of the machine out of it. Then training (B and A) runs again, Nerve with 1 and
with 2 threads, while one other process keeps a core busy.

The convolutional workloads (E, F) run beside PyTorch only, the one peer with such layers. Before any run, one
PyTorch process times its thread counts, memory formats and mkldnn setting on a few mini-batches and
single-sample calls of the convolutional network, and PyTorch's measured runs of E and F then use the fastest
setting (E: 1 or 2 threads; F: 1 thread, as Nerve).

    python3 run.py --build build --data ../build/data [--quick] [--repetitions 3] [--out results.md]
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import libraries
import report
from workloads import CONTENTION_WORKLOADS, TRAINING_SAMPLES, WORKLOADS

HERE = os.path.dirname(os.path.abspath(__file__))

DATA_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
PROCESS_TIMEOUT = 600  # seconds; a run that takes longer is killed and reported as failed


class Settings:
    def __init__(self, args):
        self.build = os.path.abspath(args.build)
        self.data = os.path.abspath(args.data)
        self.quick = args.quick
        self.repetitions = args.repetitions or (1 if args.quick else 3)
        # Runs under contention are short; a few of them even when quick, as one ratio alone says little.
        self.contention_repetitions = args.repetitions or 3
        self.epochs = 1 if args.quick else 2
        self.training_samples = 20000 if args.quick else TRAINING_SAMPLES
        self.latency_calls = 5000 if args.quick else 20000
        self.throughput_repeats = 3 if args.quick else 10
        self.peer_status = {}
        status_path = os.path.join(self.build, "peers.json")
        if os.path.exists(status_path):
            with open(status_path) as f:
                self.peer_status = json.load(f)


class Run:
    """One process: its parsed RESULT, peak resident memory and the value it contributes to the tables."""

    def __init__(self, result, max_rss_mib, wall_seconds, settings, workload):
        self.result = result
        self.max_rss_mib = max_rss_mib
        self.wall_seconds = wall_seconds
        if result["mode"] == "train":
            # Seconds per epoch of the full 60k set (scaled when the run trains on a subset).
            scale = TRAINING_SAMPLES / workload.run_samples(settings)
            self.value = statistics.median(result["seconds"]) * scale
        elif result["mode"] == "latency":
            self.value = result["median_us"]
        else:
            self.value = result["samples_per_second"]


def run_process(command, cwd):
    """Runs command; returns (RESULT dict or None, peak RSS in MiB, wall seconds, stderr tail)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=errors, text=True)
        watchdog = threading.Timer(PROCESS_TIMEOUT, process.kill)
        watchdog.start()
        # Reap the child with wait4 (not communicate) to get its own resource usage.
        stdout = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        watchdog.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    wall = time.perf_counter() - start
    result = None
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    if process.returncode != 0:
        result = None
    return result, usage.ru_maxrss / 1024.0, wall, stderr.strip().splitlines()[-3:]


def describe(run, workload):
    text = f"{run.value:.4g} {workload.unit}"
    if run.result["mode"] == "train":
        text += f", test accuracy {run.result['test_accuracy'][-1]:.3f}"
    return text + f", peak RSS {run.max_rss_mib:.0f} MiB"


def measure_sgemm(settings):
    """sgemm_floor's RESULT (OpenBLAS with the environment as it is), or None."""
    command = [os.path.join(settings.build, "sgemm_floor"), f"n={TRAINING_SAMPLES}"]
    for w in WORKLOADS:
        if w.mode != "train":
            continue
        if w.layers:  # each weighted layer as one product of (batch × positions) rows, in im2col form
            command.append(f"{w.key}={w.batch}/" + ",".join(f"{w.batch * rows}x{n_in}x{n_out}"
                                                            for rows, n_in, n_out in w.gemm_shapes()))
        else:
            command.append(f"{w.key}={w.batch}:" + ",".join(map(str, w.sizes)))
    if not os.path.exists(command[0]):
        print("sgemm_floor not built: no sgemm figures", file=sys.stderr)
        return None
    output = subprocess.run(command, capture_output=True, text=True)
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    print(f"sgemm_floor failed: {output.stderr.strip()}", file=sys.stderr)
    return None


def nerve_info(settings):
    """nerve_bench mode=info: the library's version and matrix kernels."""
    output = subprocess.run([os.path.join(settings.build, "nerve_bench"), "mode=info"], capture_output=True,
                            text=True)
    for line in output.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {"version": "unknown", "kernel": f"unknown ({output.stderr.strip()[-200:]})"}


class Measurements:
    """Every run of the benchmark, and the ratios of runs taken side by side."""

    def __init__(self, workloads, libraries):
        self.runs = {w.key: {lib.key: [] for lib in libraries} for w in workloads}
        self.pairs = {w.key: {} for w in workloads}         # (Nerve key, peer key) -> [Nerve ÷ peer]
        self.scaling = {w.key: [] for w in workloads}       # [2-thread ÷ 1-thread value], quiet machine
        self.contention_runs = {w.key: {} for w in workloads}  # Nerve key -> [Run] beside a busy process
        self.contention = {w.key: [] for w in workloads}    # [2-thread ÷ 1-thread time] beside a busy process
        self.spinner = None                                  # (CPU seconds, wall seconds) of the busy process
        self.failures = []
        self.others = []

    def run(self, library, workload, settings, label, record=True):
        """Runs one process; returns its Run or None. Failures are listed; successes kept when `record`."""
        if record:
            self.others.append(other_runnable_tasks())
        result, rss, wall, tail = run_process(library.command(workload, settings), HERE)
        if result is None:
            self.failures.append(f"{workload.key} {library.label}: " + " | ".join(tail))
            print(f"{label}: FAILED: {' | '.join(tail)}", file=sys.stderr)
            return None
        run = Run(result, rss, wall, settings, workload)
        if record:
            self.runs[workload.key][library.key].append(run)
        print(f"{label}: {describe(run, workload)} ({wall:.1f} s)", file=sys.stderr, flush=True)
        return run


def run_side_by_side(measurements, settings, workloads, nerves, peers):
    """For every workload and peer, Nerve with each thread count and then the peer, so each ratio Nerve ÷ peer
    is taken from neighbouring runs. Which Nerve goes first alternates."""
    one, two = nerves[0], nerves[-1]
    groups = 0
    for repetition in range(settings.repetitions):
        for workload in workloads:
            its_nerves = [nerve for nerve in nerves if nerve.supports(workload)]
            for peer in [peer for peer in peers if peer.supports(workload)] or [None]:
                order = its_nerves if groups % 2 == 0 else its_nerves[::-1]
                groups += 1
                values = {}
                for library in list(order) + ([peer] if peer else []):
                    label = f"[{repetition + 1}/{settings.repetitions}] {workload.key} {library.label}"
                    run = measurements.run(library, workload, settings, label)
                    if run is not None:
                        values[library.key] = run.value
                for nerve in its_nerves:
                    if peer and nerve.key in values and peer.key in values:
                        measurements.pairs[workload.key].setdefault((nerve.key, peer.key), []).append(
                            values[nerve.key] / values[peer.key])
                if one is not two and one.key in values and two.key in values:
                    measurements.scaling[workload.key].append(values[two.key] / values[one.key])


def tune_torch(settings, workloads, peers):
    """Times PyTorch's settings for the workloads marked tune_torch in one process of its own; its measured runs
    of those workloads then use the fastest (Torch.choose)."""
    torch = next((peer for peer in peers if peer.key == "torch"), None)
    tuned = [w for w in workloads if w.tune_torch]
    if torch is None or not tuned:
        return
    result, _, wall, tail = run_process(torch.tune_command(tuned, settings), HERE)
    if result is None:
        print(f"PyTorch tuning: FAILED: {' | '.join(tail)}", file=sys.stderr)
        return
    for workload in tuned:
        torch.choose(workload, result)
        chosen = torch.chosen.get(workload.key)
        if chosen:
            print(f"PyTorch tuning, {workload.key}: {chosen} ({wall:.1f} s)", file=sys.stderr, flush=True)


SPINNER = [sys.executable, "-c", "while True: pass"]


def run_under_contention(measurements, settings, workloads, nerves):
    """Training again while one other process spins on a core for the whole measurement: Nerve with 1 and with
    2 threads, alternately first, side by side."""
    chosen = [w for key in CONTENTION_WORKLOADS for w in workloads if w.key == key]
    if not chosen or len(nerves) < 2:
        return
    one, two = nerves[0], nerves[-1]
    spinner = subprocess.Popen(SPINNER)
    started = time.perf_counter()
    try:
        time.sleep(0.5)  # let it start and take its core
        for repetition in range(settings.contention_repetitions):
            for workload in chosen:
                order = nerves if repetition % 2 == 0 else nerves[::-1]
                values = {}
                for nerve in order:
                    label = (f"[{repetition + 1}/{settings.contention_repetitions}] {workload.key} {nerve.label}, "
                             f"one busy process beside it")
                    run = measurements.run(nerve, workload, settings, label, record=False)
                    if run is not None:
                        measurements.contention_runs[workload.key].setdefault(nerve.key, []).append(run)
                        values[nerve.key] = run.value
                if one.key in values and two.key in values:
                    measurements.contention[workload.key].append(values[two.key] / values[one.key])
    finally:
        spinner.kill()
        _, _, usage = os.wait4(spinner.pid, 0)
        spinner.returncode = -9
        measurements.spinner = (usage.ru_utime + usage.ru_stime, time.perf_counter() - started)


def other_runnable_tasks():
    """Tasks running or ready to run right now besides this driver (between two benchmark processes, so the
    benchmark itself is not counted): how busy the machine is with other work."""
    try:
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(running - 1, 0)


def openblas_environment():
    """The OPENBLAS_* variables set for this run, as NAME=value."""
    return [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("OPENBLAS_")]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def cpu_features():
    flags = libraries.cpu_flags()
    return {flag: flag in flags for flag in ("avx2", "fma", "avx512f")}


def machine_description():
    return f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="directory holding nerve_bench, fann_bench, sgemm_floor")
    parser.add_argument("--data", default="../build/data", help="directory holding the Fashion-MNIST IDX files")
    parser.add_argument("--quick", action="store_true",
                        help="one repetition, 20k samples (E: 3k), one epoch per run")
    parser.add_argument("--repetitions", type=int, default=0)
    parser.add_argument("--workloads", default="ABCDEF")
    parser.add_argument("--libraries", default=",".join(lib.key for lib in libraries.PEERS),
                        help="peers to run beside Nerve (Nerve always runs)")
    parser.add_argument("--no-contention", action="store_true", help="skip the runs beside a busy process")
    parser.add_argument("--out", default="results.md", help="Markdown copy of the report")
    args = parser.parse_args()
    settings = Settings(args)
    missing = [name for name in DATA_FILES if not os.path.exists(os.path.join(settings.data, name))]
    if missing:
        sys.exit(f"Fashion-MNIST files missing in {settings.data}: {', '.join(missing)} (make data at the top)")

    wanted = set(args.libraries.split(","))
    nerves = libraries.NERVES  # every comparison needs Nerve itself
    chosen = nerves + [lib for lib in libraries.PEERS if lib.key in wanted]
    unavailable = {lib.key: lib.available(settings) for lib in chosen}
    if unavailable[nerves[0].key]:
        sys.exit(f"cannot run Nerve: {unavailable[nerves[0].key]}")
    peers = [lib for lib in chosen if lib not in nerves and not unavailable[lib.key]]
    for key, reason in unavailable.items():
        if reason:
            print(f"skipping {key}: {reason}", file=sys.stderr)
    workloads = [w for w in WORKLOADS if w.key in args.workloads]

    started = time.time()
    load_before = os.getloadavg()
    info = nerve_info(settings)
    environment = openblas_environment()
    features = cpu_features()
    print(f"machine: {machine_description()}; load average {load_before[0]:.2f}", file=sys.stderr)
    print(f"Nerve {info['version']}, kernels {info['kernel']}; CPU flags "
          + ", ".join(f"{flag} {'yes' if present else 'no'}" for flag, present in features.items())
          + f"; OPENBLAS_* set: {', '.join(environment) or 'none'}", file=sys.stderr)
    sgemm = measure_sgemm(settings)

    measurements = Measurements(workloads, chosen)
    tune_torch(settings, workloads, peers)
    run_side_by_side(measurements, settings, workloads, nerves, peers)
    if not args.no_contention:
        run_under_contention(measurements, settings, workloads, nerves)

    context = report.Context(settings=settings, workloads=workloads, nerves=nerves, libraries=chosen,
                             unavailable=unavailable, measurements=measurements, sgemm=sgemm, nerve_info=info,
                             cpu_model=cpu_model(), cpu_features=features, openblas_environment=environment,
                             machine=machine_description(), load=(load_before, os.getloadavg()),
                             others=statistics.mean(measurements.others) if measurements.others else 0.0,
                             minutes=(time.time() - started) / 60)
    markdown = report.render(context)
    print(markdown)
    with open(os.path.join(HERE, args.out) if not os.path.isabs(args.out) else args.out, "w") as f:
        f.write(markdown)
    return 1 if not any(measurements.runs[w.key][nerves[0].key] for w in workloads) else 0


if __name__ == "__main__":
    sys.exit(main())
