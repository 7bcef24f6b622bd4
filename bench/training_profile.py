"""Where Nerve's training time goes: samples nerve_bench under `perf record` (software cpu-clock, DWARF call
stacks) and sorts every sample taken inside nerve_train into a few kinds of work — the matrix products
(forward, weight gradient, input delta; OpenBLAS's compute kernels apart from its packing copies), activation
loops, bias and parameter updates, copying rows, shuffling, input checks, the kernel.

    python3 training_profile.py --build build --data ../build/data [--workload A] [--epochs 3]

Needs perf (Debian's linux-perf) and a libnerve.so with its symbols. Not part of `make run`.
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile

import libraries
from workloads import WORKLOADS

# Row-major calls reach OpenBLAS's column-major drivers with the operands swapped: Nerve's forward product
# X·Wᵀ runs in sgemm_tn, the weight gradient Δᵀ·X in sgemm_nt, the input delta Δ·W in sgemm_nn.
GEMM_DRIVERS = {"sgemm_tn": "forward X·Wᵀ", "sgemm_nt": "weight gradient Δᵀ·X", "sgemm_nn": "input delta Δ·W",
                "sgemv": "forward (one sample)"}

HELPER = "OpenBLAS helper thread"

# The first frame of Nerve's own code above a sample names the work (demangled Swift names).
NERVE_WORK = [
    ("Backpropagation.gather", "copy shuffled rows into the batch"),
    ("Activation.apply", "activation f(z)"),
    ("Activation.backpropagate", "activation derivative"),
    ("Cost.outputError", "output error a − y"),
    ("DenseLayer.backward", "bias gradient / update loop"),
    ("DenseLayer.forward", "bias broadcast"),
    ("Optimizer.finish", "parameter update pass"),
    ("Optimizer.target", "parameter update pass"),
    ("Trainer.shuffle", "shuffle"),
    ("Random.", "shuffle"),
    ("Trainer.allFinite", "divergence check"),
    ("FloatBuffer.copy", "weight snapshot copy"),
    ("Check.finite", "input check for NaN/Inf"),
    ("Check.", "input checks"),
    ("Cost.checkTargets", "input checks"),
    ("Metrics.", "running metrics"),
]


def demangle(symbols):
    tool = shutil.which("swift-demangle")
    if not tool or not symbols:
        return {s: s for s in symbols}
    done = subprocess.run([tool, "--simplified"], input="\n".join(symbols), capture_output=True, text=True)
    names = done.stdout.splitlines()
    return dict(zip(symbols, names)) if len(names) == len(symbols) else {s: s for s in symbols}


def read_samples(perf_data):
    """Yields (thread id, [(symbol, dso) leaf first]) for every sample."""
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "tid,ip,sym,dso"], capture_output=True,
                            text=True).stdout
    for block in script.split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        tid = lines[0].strip()
        frames = []
        for line in lines[1:]:
            parts = line.strip().split(None, 1)
            if len(parts) < 2:
                continue
            rest = parts[1]
            symbol, _, dso = rest.rpartition(" (")
            frames.append((symbol.strip(), dso.rstrip(")")))
        if frames:
            yield tid, frames


def classify(frames, names, main_thread):
    """(group, detail) of one sample, or None when it was taken outside training."""
    symbols = [names.get(symbol, symbol) for symbol, _ in frames]
    leaf_symbol, leaf_dso = symbols[0], frames[0][1]
    # OpenBLAS's helper threads: their stacks do not unwind past OpenBLAS, and with evaluate=0 they only
    # ever work for nerve_train.
    if not main_thread:
        if "kernel" in leaf_dso or "sched_yield" in leaf_symbol or "blas_thread_server" in leaf_symbol:
            return (HELPER, "waiting or yielding")
        part = "kernel" if "kernel" in leaf_symbol else "packing copies" if "copy" in leaf_symbol else "other"
        return (HELPER, f"matrix products: {part}")
    if not any("nerve_train" in s for s in symbols):
        return None
    if "openblas" in leaf_dso and "blas_thread" not in leaf_symbol and "exec_blas" not in leaf_symbol:
        driver = "other BLAS"
        for s in symbols:
            plain = s.replace("_thread", "")
            if plain in GEMM_DRIVERS:
                driver = GEMM_DRIVERS[plain]
                break
        part = "kernel" if "kernel" in leaf_symbol else "packing copies" if "copy" in leaf_symbol else \
            "scaling C by beta" if "beta" in leaf_symbol else "driver"
        return ("matrix products", f"{driver}: {part}")
    if any("sched_yield" in s or "exec_blas" in s for s in symbols):
        return ("matrix products", "waiting for the helper thread")
    if "kernel" in leaf_dso:
        return ("kernel", "page faults, scheduling")
    for symbol in symbols:
        for marker, work in NERVE_WORK:
            if marker in symbol:
                return ("Nerve's own loops", work)
    if leaf_symbol.startswith("swift_"):
        return ("Swift runtime", leaf_symbol)
    return ("other", leaf_symbol[:60])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--data", default="../build/data")
    parser.add_argument("--workload", default="A", choices=[w.key for w in WORKLOADS if w.mode == "train"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--frequency", type=int, default=2000, help="samples per second")
    args = parser.parse_args()
    if not shutil.which("perf"):
        sys.exit("perf is not installed (apt-get install linux-perf)")

    workload = next(w for w in WORKLOADS if w.key == args.workload)

    class Settings:
        build = os.path.abspath(args.build)
        data = os.path.abspath(args.data)
        training_samples = 0
        epochs = args.epochs

    command = libraries.Nerve().command(workload, Settings) + ["evaluate=0"]
    with tempfile.TemporaryDirectory() as directory:
        perf_data = os.path.join(directory, "perf.data")
        record = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", str(args.frequency),
                                 "--call-graph", "dwarf,16384", "-o", perf_data] + command,
                                capture_output=True, text=True)
        if record.returncode != 0:
            sys.exit(f"perf record failed: {record.stderr.strip()}")
        result_line = next((l for l in record.stdout.splitlines() if l.startswith("RESULT ")), "")
        samples = list(read_samples(perf_data))

    names = demangle(sorted({symbol for _, frames in samples for symbol, _ in frames}))
    # The main thread is the one that called nerve_train.
    main_thread = next((tid for tid, frames in samples if any("nerve_train" in names.get(s, s) for s, _ in frames)),
                       None)
    counts = collections.Counter()
    outside = 0
    for tid, frames in samples:
        kind = classify(frames, names, tid == main_thread)
        if kind is None:
            outside += 1
        else:
            counts[kind] += 1
    helper = {detail: n for (group, detail), n in counts.items() if group == HELPER}
    main_counts = {kind: n for kind, n in counts.items() if kind[0] != HELPER}
    inside = sum(main_counts.values())
    if inside == 0:
        sys.exit("no samples inside nerve_train: is perf allowed to sample this process?")
    print(f"workload {workload.key} ({workload.description}), {args.epochs} epochs, {inside} samples on the "
          f"training thread, {outside} outside training (loading data, start-up)")
    print(result_line)
    print("\nShares of the training thread's time:")
    groups = collections.Counter()
    for (group, _), n in main_counts.items():
        groups[group] += n
    for group, group_count in groups.most_common():
        print(f"\n{100 * group_count / inside:5.1f} %  {group}")
        for (g, detail), n in sorted(main_counts.items(), key=lambda item: -item[1]):
            if g == group and 100 * n / inside >= 0.2:
                print(f"   {100 * n / inside:5.1f} %  {detail}")
    if helper:
        print(f"\nOpenBLAS's helper thread meanwhile, as a share of the training thread's time "
              f"(it runs on the other core):")
        for detail, n in sorted(helper.items(), key=lambda item: -item[1]):
            print(f"   {100 * n / inside:5.1f} %  {detail}")


if __name__ == "__main__":
    main()
