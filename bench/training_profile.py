"""Where Nerve's training time goes: samples nerve_bench under `perf record` (software cpu-clock, DWARF call
stacks) and sorts the samples by symbol name, with no knowledge of Nerve's internals:

- the thread that called nerve_train (only its samples taken inside nerve_train) and, apart, every other
  thread of the process (the threads Nerve starts when given more than one);
- for each, the share by shared object of the sampled instruction (libnerve, libc, the Swift runtime, the
  kernel, ...), the functions the samples fell in (self time, inlined functions included), and the innermost
  function of libnerve proper (not inlined) on each sample's stack: where in Nerve the time went, callees
  included.

Shares are of the calling thread's samples inside nerve_train, so the other threads' figures say how much work
they did beside it.

    python3 training_profile.py --build build --data ../build/data [--workload A] [--threads 2] [--epochs 3]

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

NERVE_DSO = "libnerve"
TOP = 15  # lines per list
MINIMUM_SHARE = 0.2  # percent; smaller lines are left out


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
            symbol, _, dso = parts[1].rpartition(" (")
            frames.append((symbol.strip(), dso.rstrip(")")))
        if frames:
            yield tid, resolve_inlined(frames)


def resolve_inlined(frames):
    """perf names the object of an inlined frame "inlined": name it after the function it was inlined into,
    the next frame towards the root that has an object."""
    resolved = list(frames)
    owner = "[unknown]"
    for i in range(len(resolved) - 1, -1, -1):
        symbol, dso = resolved[i]
        if dso == "inlined":
            resolved[i] = (symbol, f"{owner}, inlined")
        else:
            owner = dso
    return resolved


def short_dso(dso):
    dso, inlined, _ = dso.partition(", inlined")
    return short_object(dso) + (" (inlined)" if inlined else "")


def short_object(dso):
    base = os.path.basename(dso)
    if base.startswith("[kernel") or base in ("[unknown]", ""):
        return "kernel" if base.startswith("[kernel") else "unknown"
    return base.split(".so")[0]


def short_name(name, width=90):
    return name if len(name) <= width else name[:width - 1] + "…"


class Tally:
    """Samples of one kind of thread by shared object, by function (self) and by innermost Nerve function."""

    def __init__(self):
        self.samples = 0
        self.by_dso = collections.Counter()
        self.by_symbol = collections.Counter()
        self.by_nerve_function = collections.Counter()

    def add(self, frames, names):
        self.samples += 1
        leaf_symbol, leaf_dso = frames[0]
        self.by_dso[short_dso(leaf_dso)] += 1
        self.by_symbol[(names.get(leaf_symbol, leaf_symbol) or "[unknown]", short_dso(leaf_dso))] += 1
        # Inlined frames are left out: perf's names for them are the least reliable.
        inner = next((names.get(s, s) for s, dso in frames if NERVE_DSO in dso and not dso.endswith(", inlined")),
                     None)
        self.by_nerve_function[inner or "(no libnerve frame on the stack)"] += 1

    def print(self, title, reference):
        if not self.samples:
            return
        print(f"\n{title}: {self.samples} samples, {100 * self.samples / reference:.1f} % of the calling "
              f"thread's time in nerve_train")
        print("\n  by shared object of the sampled instruction:")
        for dso, n in self.by_dso.most_common():
            if 100 * n / reference >= MINIMUM_SHARE:
                print(f"   {100 * n / reference:5.1f} %  {dso}")
        print("\n  by function (self time):")
        for (symbol, dso), n in self.by_symbol.most_common(TOP):
            if 100 * n / reference >= MINIMUM_SHARE:
                print(f"   {100 * n / reference:5.1f} %  {short_name(symbol)}  [{dso}]")
        print(f"\n  by innermost {NERVE_DSO} function on the stack (its callees included):")
        for name, n in self.by_nerve_function.most_common(TOP):
            if 100 * n / reference >= MINIMUM_SHARE:
                print(f"   {100 * n / reference:5.1f} %  {short_name(name)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--data", default="../build/data")
    parser.add_argument("--workload", default="A", choices=[w.key for w in WORKLOADS if w.mode == "train"])
    parser.add_argument("--threads", type=int, default=1, help="Nerve's thread count (nerve_bench --threads)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--frequency", type=int, default=2000, help="samples per second")
    args = parser.parse_args()
    if not shutil.which("perf"):
        sys.exit("perf is not installed (apt-get install linux-perf)")

    workload = next(w for w in WORKLOADS if w.key == args.workload)

    class Settings:
        build = os.path.abspath(args.build)
        data = os.path.abspath(args.data)
        quick = False
        training_samples = 0  # all 60k, or the workload's own subset (E)
        epochs = args.epochs

    command = libraries.Nerve(args.threads).command(workload, Settings) + ["evaluate=0"]
    command = [f"epochs={args.epochs}" if arg.startswith("epochs=") else arg for arg in command]
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
    # The calling thread is the one whose stacks reach nerve_train.
    caller = next((tid for tid, frames in samples if any("nerve_train" in names.get(s, s) for s, _ in frames)),
                  None)
    calling, others = Tally(), Tally()
    outside = 0
    other_threads = set()
    for tid, frames in samples:
        if tid == caller:
            if any("nerve_train" in names.get(s, s) for s, _ in frames):
                calling.add(frames, names)
            else:
                outside += 1
        else:
            # With evaluate=0 the process's other threads only ever work for nerve_train.
            others.add(frames, names)
            other_threads.add(tid)
    if calling.samples == 0:
        sys.exit("no samples inside nerve_train: is perf allowed to sample this process?")
    print(f"workload {workload.key} ({workload.description}), {args.epochs} epochs, {args.threads} thread(s): "
          f"{calling.samples} samples on the calling thread inside nerve_train, {outside} outside training "
          f"(loading data, start-up), {others.samples} on {len(other_threads)} other thread(s)")
    print(result_line)
    calling.print("The calling thread inside nerve_train", calling.samples)
    others.print("The other threads (started by Nerve)", calling.samples)


if __name__ == "__main__":
    main()
