"""Runs workloads A–D through Nerve and its peers, interleaved, and reports medians, ratios, memory and GFLOP/s.

Each library runs each workload in a process of its own, so its peak resident memory (from wait4) is its
own. Nerve runs just before every peer run of the same workload (Nerve, FANN, Nerve, numpy, ...), and the
ratio Nerve ÷ peer is the median of those neighbouring pairs, which keeps slow drifts of the machine out of it.

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
from workloads import TRAINING_SAMPLES, WORKLOADS

DATA_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
PROCESS_TIMEOUT = 600  # seconds; a run that takes longer is killed and reported as failed


class Settings:
    def __init__(self, args):
        self.build = os.path.abspath(args.build)
        self.data = os.path.abspath(args.data)
        self.quick = args.quick
        self.repetitions = args.repetitions or (1 if args.quick else 3)
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

    def __init__(self, result, max_rss_mib, wall_seconds, settings):
        self.result = result
        self.max_rss_mib = max_rss_mib
        self.wall_seconds = wall_seconds
        if result["mode"] == "train":
            # Seconds per epoch of the full 60k set (scaled when --quick trains on a subset).
            scale = TRAINING_SAMPLES / settings.training_samples
            self.value = statistics.median(result["seconds"]) * scale
        elif result["mode"] == "latency":
            self.value = result["median_us"]
        else:
            self.value = result["samples_per_second"]


def run_process(command, cwd, environment):
    """Runs command; returns (RESULT dict or None, peak RSS in MiB, wall seconds, stderr tail)."""
    start = time.perf_counter()
    env = dict(os.environ, **environment)
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
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
    command = [os.path.join(settings.build, "sgemm_floor"), f"n={TRAINING_SAMPLES}"]
    command += [f"{w.key}={w.batch}:" + ",".join(map(str, w.sizes)) for w in WORKLOADS if w.mode == "train"]
    figures = {}
    variants = [("default", None)]
    # OpenBLAS 0.3.21 does not know recent AMD cores and falls back to its Haswell (AVX2) kernels; where the
    # CPU has AVX-512, also show what its SkylakeX kernels would give, to say how much is left on the table.
    if "avx512f" in libraries.cpu_flags():
        variants.append(("SkylakeX", "SkylakeX"))
    for name, coretype in variants:
        env = dict(os.environ)
        if coretype:
            env["OPENBLAS_CORETYPE"] = coretype
        output = subprocess.run(command, capture_output=True, text=True, env=env)
        for line in output.stdout.splitlines():
            if line.startswith("RESULT "):
                figures[name] = json.loads(line[len("RESULT "):])
        if name not in figures:
            print(f"sgemm_floor ({name}) failed: {output.stderr.strip()}", file=sys.stderr)
    return figures


def other_runnable_tasks():
    """Tasks running or ready to run right now besides this driver (between two benchmark processes, so the
    benchmark itself is not counted): how busy the machine is with other work."""
    try:
        with open("/proc/loadavg") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    return max(running - 1, 0)


def machine_description():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build", help="directory holding nerve_bench, fann_bench, sgemm_floor")
    parser.add_argument("--data", default="../build/data", help="directory holding the Fashion-MNIST IDX files")
    parser.add_argument("--quick", action="store_true", help="one repetition, 20k samples, one epoch per run")
    parser.add_argument("--repetitions", type=int, default=0)
    parser.add_argument("--workloads", default="ABCD")
    parser.add_argument("--libraries", default=",".join(lib.key for lib in libraries.LIBRARIES))
    parser.add_argument("--out", default="results.md", help="Markdown copy of the report")
    args = parser.parse_args()
    settings = Settings(args)
    here = os.path.dirname(os.path.abspath(__file__))
    missing = [name for name in DATA_FILES if not os.path.exists(os.path.join(settings.data, name))]
    if missing:
        sys.exit(f"Fashion-MNIST files missing in {settings.data}: {', '.join(missing)} (make data at the top)")

    wanted = set(args.libraries.split(",")) | {"nerve"}  # every comparison needs Nerve itself
    chosen = [lib for lib in libraries.LIBRARIES if lib.key in wanted]
    unavailable = {lib.key: lib.available(settings) for lib in chosen}
    nerve = libraries.LIBRARIES[0]
    if unavailable.get("nerve"):
        sys.exit(f"cannot run Nerve: {unavailable['nerve']}")
    peers = [lib for lib in chosen if lib.key != "nerve" and not unavailable[lib.key]]
    for key, reason in unavailable.items():
        if reason:
            print(f"skipping {key}: {reason}", file=sys.stderr)
    workloads = [w for w in WORKLOADS if w.key in args.workloads]

    started = time.time()
    load_before = os.getloadavg()
    print(f"machine: {machine_description()}; load average {load_before[0]:.2f}", file=sys.stderr)
    sgemm = measure_sgemm(settings)

    runs = {w.key: {lib.key: [] for lib in chosen} for w in workloads}
    pairs = {w.key: {lib.key: [] for lib in peers} for w in workloads}
    failures = []
    others = []
    for repetition in range(settings.repetitions):
        for workload in workloads:
            for peer in peers:
                before = None
                for library in (nerve, peer):
                    others.append(other_runnable_tasks())
                    result, rss, wall, tail = run_process(library.command(workload, settings), here,
                                                          library.environment)
                    label = f"[{repetition + 1}/{settings.repetitions}] {workload.key} {library.key}"
                    if result is None:
                        failures.append(f"{workload.key} {library.key}: " + " | ".join(tail))
                        print(f"{label}: FAILED: {' | '.join(tail)}", file=sys.stderr)
                        continue
                    run = Run(result, rss, wall, settings)
                    runs[workload.key][library.key].append(run)
                    print(f"{label}: {describe(run, workload)} ({wall:.1f} s)", file=sys.stderr, flush=True)
                    if library is nerve:
                        before = run
                    elif before is not None:
                        pairs[workload.key][peer.key].append(before.value / run.value)

    context = report.Context(settings=settings, workloads=workloads, libraries=chosen, unavailable=unavailable,
                             runs=runs, pairs=pairs, sgemm=sgemm, failures=failures,
                             machine=machine_description(), load=(load_before, os.getloadavg()),
                             others=statistics.mean(others) if others else 0.0,
                             minutes=(time.time() - started) / 60)
    markdown = report.render(context)
    print(markdown)
    with open(os.path.join(here, args.out) if not os.path.isabs(args.out) else args.out, "w") as f:
        f.write(markdown)
    return 1 if failures and not any(runs[w.key]["nerve"] for w in workloads) else 0


if __name__ == "__main__":
    sys.exit(main())
